//! Entity tagging: named entities (PER, LOC, ORG, MISC) from a tagger, plus dates, times and
//! amounts with normalised values from rules.
pub mod clusters;
pub mod crf;
pub mod gazetteer;
pub mod numeric;
pub mod tagger;

use std::ops::Range;

use super::segment::tokenize::Syllable;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    Per,
    Loc,
    Org,
    Misc,
    Date,
    Time,
    Money,
    Percent,
    Quantity,
}

impl Label {
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Per => "PER",
            Label::Loc => "LOC",
            Label::Org => "ORG",
            Label::Misc => "MISC",
            Label::Date => "DATE",
            Label::Time => "TIME",
            Label::Money => "MONEY",
            Label::Percent => "PERCENT",
            Label::Quantity => "QUANTITY",
        }
    }
}

/// An entity with byte offsets into the analysed text.
#[derive(Debug, Clone, PartialEq)]
pub struct Entity {
    pub start: usize,
    pub end: usize,
    pub label: Label,
    pub confidence: f32,
    /// Normalised value for dates and amounts ("2024-02-01", "60000000 USD").
    pub value: Option<String>,
}

/// One sentence as the taggers see it: its tokens and their grouping into words.
pub struct SentenceView<'a> {
    pub text: &'a str,
    pub tokens: &'a [Syllable],
    pub words: &'a [Range<usize>],
}

/// Finds entities in one sentence. A learned tagger implements this too.
pub trait EntityTagger: Send + Sync {
    fn tag(&self, sentence: &SentenceView<'_>) -> Vec<Entity>;
    /// Entities of each sentence of a document; a tagger that looks across sentences (the same
    /// name mentioned twice) overrides this.
    fn tag_document(&self, sentences: &[SentenceView<'_>]) -> Vec<Vec<Entity>> {
        sentences.iter().map(|s| self.tag(s)).collect()
    }
    fn name(&self) -> &str;
}
