//! Results into answers: an analysis becomes an AnalyzeResponse (offsets in the caller's unit),
//! a refusal becomes an answer carrying its error, and the narrower RPCs take their part.
use super::{ApiError, Code};
use crate::analysis::extract::Block;
use crate::analysis::pipeline::Analysis;
use crate::proto::{self, OffsetUnit};

/// The answer for an article that failed: its id and the error, nothing else.
pub fn article_error(id: String, code: Code, message: String) -> proto::AnalyzeResponse {
    proto::AnalyzeResponse {
        id,
        error: Some(proto::ArticleError {
            code: code as i32,
            status: code.name().to_string(),
            message,
        }),
        ..Default::default()
    }
}

impl ApiError {
    /// The answer for article `id` refused for this reason.
    pub fn into_answer(self, id: String) -> proto::AnalyzeResponse {
        article_error(id, self.code(), self.to_string())
    }
}

impl From<proto::AnalyzeResponse> for proto::ExtractResponse {
    fn from(a: proto::AnalyzeResponse) -> Self {
        proto::ExtractResponse {
            id: a.id,
            title: a.title,
            text: a.text,
            metadata: a.metadata,
            blocks: a.blocks,
        }
    }
}

impl From<proto::AnalyzeResponse> for proto::SegmentResponse {
    fn from(a: proto::AnalyzeResponse) -> Self {
        proto::SegmentResponse {
            id: a.id,
            text: a.text,
            sentences: a.sentences,
        }
    }
}

impl From<proto::AnalyzeResponse> for proto::TagEntitiesResponse {
    fn from(a: proto::AnalyzeResponse) -> Self {
        proto::TagEntitiesResponse {
            id: a.id,
            text: a.text,
            entities: a.entities,
        }
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
    /// A map over `text` counting in `unit`.
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

    /// The offset of byte `byte` in the map's unit.
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
                .enumerate()
                .map(|(i, w)| proto::Token {
                    start: map.map(w.start),
                    end: map.map(w.end),
                    tag: s.tags.get(i).map_or_else(String::new, |t| t.to_string()),
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
    // Every answer has metadata: the language at least, extraction adds the page's fields.
    let metadata = Some(proto::Metadata {
        author: m.author.unwrap_or_default(),
        published: m.published.unwrap_or_default(),
        source_credits: m.source_credits,
        canonical_url: m.canonical_url.unwrap_or_default(),
        language: m.language.unwrap_or_default(),
        declared_language: m.declared_language.unwrap_or_default(),
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
        fingerprint: a.fingerprint,
        notes: a.notes,
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
