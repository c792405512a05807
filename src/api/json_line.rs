//! One JSON Lines input document, as `vitext analyze --jsonl` and `vitext client` read it:
//! {"id", "text"} or {"id", "html"} (HTML wins when both are given), optional "url".
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

impl InputLine {
    /// The document; a missing id becomes "line N", a numeric one its digits.
    pub fn into_document(self, line_no: usize) -> proto::Document {
        let id = match self.id {
            serde_json::Value::String(s) => s,
            serde_json::Value::Null => format!("line {line_no}"),
            other => other.to_string(),
        };
        let content = match (self.html, self.text) {
            (Some(h), _) => Some(proto::document::Content::Html(h)),
            (None, Some(t)) => Some(proto::document::Content::Text(t)),
            _ => None,
        };
        proto::Document {
            id,
            url: self.url,
            content,
            content_type: String::new(),
        }
    }
}

impl InputLine {
    /// Parses line `line_no` (counted from 1) of JSON Lines input.
    pub fn parse(line: &str) -> Result<Self, ApiError> {
        serde_json::from_str(line).map_err(|e| ApiError::NotJson(e.to_string()))
    }
}
