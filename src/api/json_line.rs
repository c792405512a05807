//! One JSON Lines input document, as `vitext analyze --jsonl`, `vitext client` and the HTTP
//! API read it: {"id", "text"} or {"id", "html"} (HTML wins when both are given), optional
//! "url"; or, where a whole request is read, the proto3 JSON of an AnalyzeRequest (a line with
//! a "document"). A line that cannot be read (not UTF-8, not JSON) is refused on its own, with
//! its line number.
use super::ApiError;
use crate::proto;

/// One input line as read.
#[derive(serde::Deserialize)]
pub struct InputLine {
    #[serde(default)]
    id: serde_json::Value,
    text: Option<String>,
    html: Option<String>,
    #[serde(default)]
    url: String,
}

/// The id of a line: its "id" (a number as its digits), else "line N".
fn id_of(id: serde_json::Value, line_no: usize) -> String {
    match id {
        serde_json::Value::String(s) => s,
        serde_json::Value::Null => format!("line {line_no}"),
        other => other.to_string(),
    }
}

impl InputLine {
    /// Parses line `line_no` (counted from 1) of JSON Lines input.
    pub fn parse(line: &str, line_no: usize) -> Result<Self, ApiError> {
        serde_json::from_str(line).map_err(|e| ApiError::NotJson {
            line: line_no,
            message: e.to_string(),
        })
    }

    /// The document; a missing id becomes "line N", a numeric one its digits.
    pub fn into_document(self, line_no: usize) -> proto::Document {
        let content = match (self.html, self.text) {
            (Some(h), _) => Some(proto::document::Content::Html(h)),
            (None, Some(t)) => Some(proto::document::Content::Text(t)),
            _ => None,
        };
        proto::Document {
            id: id_of(self.id, line_no),
            url: self.url,
            content,
            content_type: String::new(),
        }
    }
}

/// The refusal of a line that is not UTF-8, under its own id when that can still be read.
fn not_utf8(bytes: &[u8], line_no: usize, e: std::str::Utf8Error) -> (String, ApiError) {
    // The id is often still readable around the bad bytes.
    let lossy = String::from_utf8_lossy(bytes);
    let id = serde_json::from_str::<InputLine>(&lossy)
        .map_or_else(|_| format!("line {line_no}"), |l| id_of(l.id, line_no));
    let error = ApiError::NotUtf8 {
        line: line_no,
        at: e.valid_up_to(),
    };
    (id, error)
}

/// The document of line `line_no` (its bytes without the newline), or the id to answer under
/// ("line N" unless the line's own id can be read) and why it cannot be read.
pub fn read_line(bytes: &[u8], line_no: usize) -> Result<proto::Document, (String, ApiError)> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    let line = std::str::from_utf8(bytes).map_err(|e| not_utf8(bytes, line_no, e))?;
    InputLine::parse(line, line_no)
        .map(|l| l.into_document(line_no))
        .map_err(|e| (format!("line {line_no}"), e))
}

/// A request message that carries one document (its proto3 JSON has a "document").
pub trait CarriesDocument: serde::de::DeserializeOwned {
    /// The document, if the request has one.
    fn document_mut(&mut self) -> Option<&mut proto::Document>;
}

macro_rules! carries_document {
    ($($t:ty),*) => {$(
        impl CarriesDocument for $t {
            fn document_mut(&mut self) -> Option<&mut proto::Document> {
                self.document.as_mut()
            }
        }
    )*};
}
carries_document!(
    proto::AnalyzeRequest,
    proto::ExtractRequest,
    proto::SegmentRequest,
    proto::TagEntitiesRequest
);

/// The request of line `line_no`: the proto3 JSON of a whole request when the line has a
/// "document" (a missing document id becomes "line N"), else a document line made a request
/// by `from_document` (with the caller's stages, offsets ...), as `vitext analyze --jsonl`
/// reads it.
pub fn read_request<T: CarriesDocument>(
    bytes: &[u8],
    line_no: usize,
    from_document: impl FnOnce(proto::Document) -> T,
) -> Result<T, (String, ApiError)> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    let not_json = |e: serde_json::Error| {
        let error = ApiError::NotJson {
            line: line_no,
            message: e.to_string(),
        };
        (format!("line {line_no}"), error)
    };
    let line = std::str::from_utf8(bytes).map_err(|e| not_utf8(bytes, line_no, e))?;
    // One parse into a tree, then its strings move into whichever form the line has.
    let value: serde_json::Value = serde_json::from_str(line).map_err(not_json)?;
    if value.get("document").is_some() {
        let mut request: T = serde_json::from_value(value).map_err(not_json)?;
        if let Some(d) = request.document_mut().filter(|d| d.id.is_empty()) {
            d.id = format!("line {line_no}");
        }
        return Ok(request);
    }
    let line: InputLine = serde_json::from_value(value).map_err(not_json)?;
    Ok(from_document(line.into_document(line_no)))
}

/// `read_request` for an AnalyzeRequest: a document line gets `defaults`' other fields.
pub fn read_analyze_request(
    bytes: &[u8],
    line_no: usize,
    defaults: &proto::AnalyzeRequest,
) -> Result<proto::AnalyzeRequest, (String, ApiError)> {
    read_request(bytes, line_no, |document| proto::AnalyzeRequest {
        document: Some(document),
        ..defaults.clone()
    })
}

/// The proto3 JSON of an answer on one line (no newline), as the CLI prints it and the HTTP
/// API sends it.
pub fn to_json<T: serde::Serialize>(answer: &T) -> String {
    // Serialising generated messages to a string has no failure left but a bug; say so in
    // JSON rather than panic.
    serde_json::to_string(answer)
        .unwrap_or_else(|e| format!("{{\"error\":{{\"message\":{:?}}}}}", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_lines_are_refused_with_their_number_and_id() {
        let doc = read_line(b"{\"id\":\"a\",\"text\":\"Xin ch\xc3\xa0o\"}", 1).unwrap();
        assert_eq!(doc.id, "a");
        let (id, e) = read_line(b"{\"id\":\"b\",\"text\":\"x\xff y\"}\r", 7).unwrap_err();
        assert_eq!(id, "b");
        assert_eq!(
            e.to_string(),
            "line 7: not UTF-8 (invalid byte at offset 19)"
        );
        let (id, e) = read_line(b"{\"id\": 3, \"text\": ", 8).unwrap_err();
        assert_eq!(id, "line 8");
        assert!(e.to_string().starts_with("line 8: not JSON: "), "{e}");
        assert_eq!(
            read_line(br#"{"id": 3, "html": "<p>x</p>"}"#, 9)
                .unwrap()
                .id,
            "3"
        );
    }

    #[test]
    fn a_line_is_a_document_or_a_whole_request() {
        let defaults = proto::AnalyzeRequest {
            stages: vec![proto::Stage::Segment as i32],
            include_removed: true,
            ..Default::default()
        };
        let r = read_analyze_request(r#"{"id":"a","text":"Xin chào"}"#.as_bytes(), 1, &defaults)
            .unwrap();
        assert_eq!(r.stages, defaults.stages);
        assert!(r.include_removed);
        assert_eq!(r.document.unwrap().id, "a");
        let line = br#"{"document":{"html":"<p>x</p>"},"stages":["STAGE_EXTRACT"],"offsetUnit":"OFFSET_UNIT_UTF16"}"#;
        let r = read_analyze_request(line, 4, &defaults).unwrap();
        assert_eq!(r.stages, vec![proto::Stage::Extract as i32]);
        assert_eq!(r.offset_unit, proto::OffsetUnit::Utf16 as i32);
        assert!(!r.include_removed);
        let d = r.document.unwrap();
        assert_eq!(d.id, "line 4");
        assert_eq!(
            d.content,
            Some(proto::document::Content::Html("<p>x</p>".into()))
        );
        let (id, e) = read_analyze_request(br#"{"document": 5}"#, 2, &defaults).unwrap_err();
        assert_eq!(id, "line 2");
        assert!(e.to_string().starts_with("line 2: not JSON: "), "{e}");
        let (id, e) =
            read_analyze_request(b"{\"id\":\"b\",\"text\":\"x\xff\"}", 3, &defaults).unwrap_err();
        assert_eq!(
            (id.as_str(), e.code()),
            ("b", crate::api::Code::InvalidArgument)
        );
        assert!(e.to_string().contains("not UTF-8"), "{e}");
    }
}
