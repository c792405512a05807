//! One JSON Lines input document, as `vitext analyze --jsonl` and `vitext client` read it:
//! {"id", "text"} or {"id", "html"} (HTML wins when both are given), optional "url". A line
//! that cannot be read (not UTF-8, not JSON) is refused on its own, with its line number.
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

/// The document of line `line_no` (its bytes without the newline), or the id to answer under
/// ("line N" unless the line's own id can be read) and why it cannot be read.
pub fn read_line(bytes: &[u8], line_no: usize) -> Result<proto::Document, (String, ApiError)> {
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    let line = match std::str::from_utf8(bytes) {
        Ok(l) => l,
        Err(e) => {
            // The id is often still readable around the bad bytes.
            let lossy = String::from_utf8_lossy(bytes);
            let id = serde_json::from_str::<InputLine>(&lossy)
                .map_or_else(|_| format!("line {line_no}"), |l| id_of(l.id, line_no));
            let error = ApiError::NotUtf8 {
                line: line_no,
                at: e.valid_up_to(),
            };
            return Err((id, error));
        }
    };
    InputLine::parse(line, line_no)
        .map(|l| l.into_document(line_no))
        .map_err(|e| (format!("line {line_no}"), e))
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
}
