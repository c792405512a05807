//! Entity tagging: named entities (PER, LOC, ORG, MISC) from a tagger, plus dates, times and
//! amounts with normalised values from rules.
pub mod clusters;
pub mod crf;
pub mod gazetteer;
pub mod name_profile;
pub mod numeric;
pub mod tagger;

use std::ops::Range;

use super::segment::tokenize::Syllable;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
/// What an entity is.
pub enum Label {
    /// A person.
    Per,
    /// A place.
    Loc,
    /// An organisation.
    Org,
    /// Another name: an event, a product, a work, a nationality.
    Misc,
    /// A date (value ISO 8601, "--MM-DD" without a year).
    Date,
    /// A time of day.
    Time,
    /// An amount of money (value "amount CURRENCY").
    Money,
    /// A percentage.
    Percent,
    /// Another quantity with a unit.
    Quantity,
}

impl Label {
    /// The label as the API and the scorers write it ("PER", "MONEY").
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
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset after the last character.
    pub end: usize,
    /// What it is.
    pub label: Label,
    /// How sure the tagger is, in (0, 1].
    pub confidence: f32,
    /// Normalised value for dates and amounts ("2024-02-01", "60000000 USD").
    pub value: Option<String>,
}

/// One sentence as the taggers see it: its tokens and their grouping into words.
pub struct SentenceView<'a> {
    /// The whole text the offsets point into.
    pub text: &'a str,
    /// The sentence's tokens.
    pub tokens: &'a [Syllable],
    /// Its words, as ranges of indices into `tokens`.
    pub words: &'a [Range<usize>],
}

/// Finds entities in one sentence. A learned tagger implements this too.
pub trait EntityTagger: Send + Sync {
    /// Entities of one sentence, in order.
    fn tag(&self, sentence: &SentenceView<'_>) -> Vec<Entity>;
    /// Entities of each sentence of a document; a tagger that looks across sentences (the same
    /// name mentioned twice) overrides this.
    fn tag_document(&self, sentences: &[SentenceView<'_>]) -> Vec<Vec<Entity>> {
        sentences.iter().map(|s| self.tag(s)).collect()
    }
    /// A short name for logs and the model-info metric.
    fn name(&self) -> &str;
}
