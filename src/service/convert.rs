//! Conversions between the proto messages and the analysis core, including offset units.
use tonic::{Code, Status};

use crate::analysis::extract::Block;
use crate::analysis::pipeline::{Analysis, Content, Stages};
use crate::analysis::AnalysisError;
use crate::proto::{self, document, OffsetUnit, Stage};

/// A document moved into the worker pool (owned, so the pool job is 'static).
pub enum OwnedContent {
    Text(String),
    Html(String),
    Raw {
        bytes: Vec<u8>,
        content_type: String,
    },
}

impl OwnedContent {
    pub fn as_content(&self) -> Content<'_> {
        match self {
            OwnedContent::Text(s) => Content::Text(s),
            OwnedContent::Html(s) => Content::Html(s),
            OwnedContent::Raw {
                bytes,
                content_type,
            } => Content::Raw {
                bytes,
                content_type,
            },
        }
    }
    pub fn len(&self) -> usize {
        self.as_content().len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Takes the content out of a request's document; INVALID_ARGUMENT when there is none.
pub fn take_content(doc: Option<proto::Document>) -> Result<(String, OwnedContent), Status> {
    let doc = doc.ok_or_else(|| Status::invalid_argument("request has no document"))?;
    let content = match doc.content {
        Some(document::Content::Text(t)) => OwnedContent::Text(t),
        Some(document::Content::Html(h)) => OwnedContent::Html(h),
        Some(document::Content::Raw(b)) => OwnedContent::Raw {
            bytes: b,
            content_type: doc.content_type,
        },
        None => {
            return Err(Status::invalid_argument(format!(
                "document {:?} has no text, html or raw content",
                doc.id
            )))
        }
    };
    Ok((doc.id, content))
}

/// Stages from the request: none listed means "all, extraction by content type".
pub fn stages_from(list: &[i32]) -> Result<Stages, Status> {
    if list.is_empty() {
        return Ok(Stages::ALL);
    }
    let mut s = Stages {
        extract: Some(false),
        segment: false,
        entities: false,
    };
    for &v in list {
        match Stage::try_from(v) {
            Ok(Stage::Extract) => s.extract = Some(true),
            Ok(Stage::Segment) => s.segment = true,
            Ok(Stage::Entities) => s.entities = true,
            _ => return Err(Status::invalid_argument(format!("unknown stage {v}"))),
        }
    }
    Ok(s)
}

pub fn offset_unit(v: i32) -> Result<OffsetUnit, Status> {
    OffsetUnit::try_from(v)
        .map_err(|_| Status::invalid_argument(format!("unknown offset unit {v}")))
}

pub fn status_of(e: &AnalysisError) -> Status {
    match e {
        AnalysisError::Empty(_) | AnalysisError::Binary(_) | AnalysisError::UnknownCharset(_) => {
            Status::invalid_argument(e.to_string())
        }
        AnalysisError::TooLarge { .. } => Status::out_of_range(e.to_string()),
        AnalysisError::Cancelled => Status::cancelled(e.to_string()),
    }
}

pub fn article_error(id: String, status: &Status) -> proto::AnalyzeResponse {
    proto::AnalyzeResponse {
        id,
        error: Some(proto::ArticleError {
            code: status.code() as i32,
            status: code_name(status.code()).to_string(),
            message: status.message().to_string(),
        }),
        ..Default::default()
    }
}

pub fn code_name(code: Code) -> &'static str {
    match code {
        Code::Ok => "OK",
        Code::Cancelled => "CANCELLED",
        Code::Unknown => "UNKNOWN",
        Code::InvalidArgument => "INVALID_ARGUMENT",
        Code::DeadlineExceeded => "DEADLINE_EXCEEDED",
        Code::NotFound => "NOT_FOUND",
        Code::AlreadyExists => "ALREADY_EXISTS",
        Code::PermissionDenied => "PERMISSION_DENIED",
        Code::ResourceExhausted => "RESOURCE_EXHAUSTED",
        Code::FailedPrecondition => "FAILED_PRECONDITION",
        Code::Aborted => "ABORTED",
        Code::OutOfRange => "OUT_OF_RANGE",
        Code::Unimplemented => "UNIMPLEMENTED",
        Code::Internal => "INTERNAL",
        Code::Unavailable => "UNAVAILABLE",
        Code::DataLoss => "DATA_LOSS",
        Code::Unauthenticated => "UNAUTHENTICATED",
    }
}

/// Converts byte offsets into `text` to the requested unit. Offsets arrive mostly in order,
/// so a cursor walks from the previous one instead of rescanning from the start.
pub struct OffsetMap<'a> {
    text: &'a str,
    unit: OffsetUnit,
    byte: usize,
    units: usize,
}

impl<'a> OffsetMap<'a> {
    pub fn new(text: &'a str, unit: OffsetUnit) -> Self {
        Self {
            text,
            unit,
            byte: 0,
            units: 0,
        }
    }

    fn count(&self, s: &str) -> usize {
        match self.unit {
            OffsetUnit::Utf8Byte => s.len(),
            OffsetUnit::Utf16 => s.chars().map(char::len_utf16).sum(),
            OffsetUnit::Unspecified | OffsetUnit::CodePoint => s.chars().count(),
        }
    }

    pub fn map(&mut self, byte: usize) -> u32 {
        if self.unit == OffsetUnit::Utf8Byte {
            return byte as u32;
        }
        if byte >= self.byte {
            self.units += self.count(&self.text[self.byte..byte]);
        } else {
            self.units -= self.count(&self.text[byte..self.byte]);
        }
        self.byte = byte;
        self.units as u32
    }
}

/// The proto response of an analysis, offsets in `unit`.
pub fn to_response(id: String, a: Analysis, unit: OffsetUnit) -> proto::AnalyzeResponse {
    let mut map = OffsetMap::new(&a.text, unit);
    let sentences = a
        .sentences
        .iter()
        .map(|s| {
            let start = map.map(s.range.start);
            let tokens = s
                .words
                .iter()
                .map(|w| proto::Token {
                    start: map.map(w.start),
                    end: map.map(w.end),
                })
                .collect();
            proto::Sentence {
                start,
                end: map.map(s.range.end),
                tokens,
            }
        })
        .collect();
    let mut map = OffsetMap::new(&a.text, unit);
    let entities = a
        .entities
        .iter()
        .map(|e| proto::Entity {
            start: map.map(e.start),
            end: map.map(e.end),
            label: e.label.as_str().to_string(),
            text: a.text[e.start..e.end].to_string(),
            confidence: e.confidence,
            value: e.value.clone().unwrap_or_default(),
        })
        .collect();
    let mut map = OffsetMap::new(&a.text, unit);
    let blocks = a.blocks.iter().map(|b| block(b, &mut map)).collect();
    let m = a.metadata;
    let metadata = a.extracted.then(|| proto::Metadata {
        author: m.author.unwrap_or_default(),
        published: m.published.unwrap_or_default(),
        source_credits: m.source_credits,
        canonical_url: m.canonical_url.unwrap_or_default(),
        language: m.language.unwrap_or_default(),
        description: m.description.unwrap_or_default(),
        site_name: m.site_name.unwrap_or_default(),
    });
    proto::AnalyzeResponse {
        id,
        title: a.title,
        text: a.text,
        sentences,
        entities,
        metadata,
        blocks,
        error: None,
    }
}

fn block(b: &Block, map: &mut OffsetMap<'_>) -> proto::Block {
    let (start, end) = if b.kept {
        (map.map(b.range.start), map.map(b.range.end))
    } else {
        (0, 0)
    };
    proto::Block {
        start,
        end,
        kind: b.kind.as_str().to_string(),
        kept: b.kept,
        text: b.text.clone(),
        reason: b.reason.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_in_every_unit() {
        let text = "Việt 😀 Nam";
        let nam = text.find("Nam").unwrap();
        assert_eq!(
            OffsetMap::new(text, OffsetUnit::Utf8Byte).map(nam),
            nam as u32
        );
        assert_eq!(OffsetMap::new(text, OffsetUnit::CodePoint).map(nam), 7);
        assert_eq!(OffsetMap::new(text, OffsetUnit::Utf16).map(nam), 8);
        let mut m = OffsetMap::new(text, OffsetUnit::CodePoint);
        assert_eq!(m.map(nam), 7);
        assert_eq!(m.map(0), 0);
        assert_eq!(m.map(text.len()), 10);
    }
}
