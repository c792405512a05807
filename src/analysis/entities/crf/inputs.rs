//! What the tagger's features are built from: per token of a sentence its key, shape, word,
//! word classes, gazetteer matches and the capitalised run it sits in, plus how the document
//! spaces its punctuation.
use crate::analysis::entities::clusters::WordClusters;
use crate::analysis::entities::name_profile::{NameProfile, ProfileMatch};
use crate::analysis::entities::SentenceView;
use crate::analysis::features::{
    capitalised_runs, hash_str, joins_previous, key_of, shape_of, word_hash,
};
use crate::analysis::lexicon::{Lexicons, WordSet};
use crate::analysis::normalize::lowercase;
use crate::analysis::prefix_index::PrefixIndex;
use crate::analysis::segment::tokenize::TokenKind;

/// Index of the institutions list among the gazetteers.
const INSTITUTIONS: usize = 1;

/// What the model sees of a sentence: the gazetteers a token can sit in (each matched
/// longest-first over syllable keys) and the window features built around them.
pub struct NerFeatures {
    lists: PrefixIndex,
    clusters: Vec<WordClusters>,
    profile: NameProfile,
}

/// Number of word lists the features look up.
const N_GAZETTEERS: usize = 9;

impl NerFeatures {
    /// Over the lexicons' lists, without word classes.
    pub fn new(lx: &Lexicons) -> Self {
        Self::with_clusters(lx, Vec::new())
    }

    /// With word classes at one or more granularities.
    pub fn with_clusters(lx: &Lexicons, clusters: Vec<WordClusters>) -> Self {
        let sets: [&WordSet; N_GAZETTEERS] = [
            &lx.foreign_given_names,
            &lx.institutions,
            &lx.family_names,
            &lx.middle_names,
            &lx.given_names,
            &lx.locations,
            &lx.countries,
            &lx.companies,
            &lx.words,
        ];
        Self {
            lists: PrefixIndex::new(&sets),
            clusters,
            profile: NameProfile::default(),
        }
    }

    /// With a name-type profile (the runs it knows get its cues as features).
    pub fn with_profile(mut self, profile: NameProfile) -> Self {
        self.profile = profile;
        self
    }

    /// Whether tokens with `keys` are, all of them, one entry of the institutions list.
    pub fn is_institution(&self, keys: &[u64]) -> bool {
        usize::from(self.lists.longest_at::<N_GAZETTEERS>(keys, 0, |_| true)[INSTITUTIONS])
            == keys.len()
    }

    /// What the features are built from, for one sentence.
    pub fn inputs(&self, s: &SentenceView<'_>, style: TextStyle) -> SentenceInputs {
        let mut x = SentenceInputs::new(s, self);
        x.style = style;
        x
    }
}

/// How a document spaces its punctuation. The VLSP 2016 sentences come word-tokenised ("Hà Nội ,
/// ngày"), news as written ("Hà Nội, ngày"), and the two corpora follow somewhat different
/// conventions; the main features also fire in a copy specific to the style, so each kind of
/// input gets the conventions of the corpus it looks like (feature augmentation, Daumé 2007).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextStyle {
    /// Punctuation as written: "Hà Nội, ngày".
    #[default]
    Natural,
    /// Punctuation spaced like tokens: "Hà Nội , ngày".
    Spaced,
}

impl TextStyle {
    /// Spaced when most commas, periods, colons and the like have a space before them.
    pub fn of(sentences: &[SentenceView<'_>]) -> Self {
        let (mut spaced, mut glued) = (0usize, 0usize);
        for s in sentences {
            for (k, t) in s.tokens.iter().enumerate().skip(1) {
                if t.kind == TokenKind::Punct
                    && matches!(
                        s.text.as_bytes()[t.start],
                        b',' | b'.' | b':' | b';' | b'!' | b'?'
                    )
                {
                    if s.tokens[k - 1].end < t.start {
                        spaced += 1;
                    } else {
                        glued += 1;
                    }
                }
            }
        }
        if spaced > glued {
            TextStyle::Spaced
        } else {
            TextStyle::Natural
        }
    }

    pub(super) fn salt(self) -> u64 {
        match self {
            TextStyle::Natural => 0x4E41_5455,
            TextStyle::Spaced => 0x5350_4143,
        }
    }
}

/// Per-token inputs of the features of one sentence (owned: no borrow of the text).
pub struct SentenceInputs {
    pub(super) keys: Vec<u64>,
    pub(super) shapes: Vec<u8>,
    /// Hash of a word's syllable keys, for the word each token is in.
    pub(super) word_key: Vec<u64>,
    /// 0 single-token word, 1 first, 2 inside, 3 last.
    pub(super) word_pos: Vec<u8>,
    pub(super) word_of: Vec<usize>,
    pub(super) words: Vec<u64>,
    /// Per set of word classes, each word's class (0: unknown).
    pub(super) word_class: Vec<Vec<u64>>,
    /// Per gazetteer, per token: 0 none, 1 begin, 2 inside, 3 end, 4 single.
    pub(super) gaz: Vec<Vec<u8>>,
    /// The capitalised run each token is in: (first token, one past the last).
    pub(super) run: Vec<Option<(usize, usize)>>,
    /// Per token of a run: the longest profiled piece of the run that covers it.
    pub(super) profile: Vec<Option<ProfileMatch>>,
    /// Whether there is no profile (then no token is "unknown" to it).
    pub(super) profile_empty: bool,
    /// Per token of a run: 1 when it does not read as a Vietnamese syllable ("Sugi").
    pub(super) foreign: Vec<u8>,
    pub(super) suffix: Vec<u64>,
    pub(super) style: TextStyle,
}

/// Whether a word reads as one Vietnamese syllable: an onset, one to three vowels and a final
/// consonant Vietnamese allows, marks aside. "Sugi", "Xavier", "Cook", "L'Oreal" do not.
pub(super) fn looks_vietnamese(text: &str) -> bool {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    const ONSETS: [&str; 28] = [
        "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g",
        "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
    ];
    const CODAS: [&str; 9] = ["ch", "ng", "nh", "c", "m", "n", "p", "t", ""];
    if text.len() > 24 {
        return false;
    }
    let base: String = text
        .nfd()
        .filter(|&c| !is_combining_mark(c))
        .flat_map(char::to_lowercase)
        .collect();
    let vowels_only =
        |v: &str| (1..=3).contains(&v.len()) && v.bytes().all(|b| b"aeiouy".contains(&b));
    ONSETS
        .iter()
        .filter_map(|o| base.strip_prefix(o))
        .any(|rest| {
            CODAS
                .iter()
                .filter_map(|c| rest.strip_suffix(c))
                .any(vowels_only)
        })
}

/// `looks_vietnamese` remembered per syllable key (case and marks do not change the answer, and
/// the same few thousand syllables come back all the time).
fn looks_vietnamese_cached<'a>(key: u64, text: impl FnOnce() -> &'a str) -> bool {
    thread_local! {
        static SEEN: std::cell::RefCell<rustc_hash::FxHashMap<u64, bool>> =
            std::cell::RefCell::new(rustc_hash::FxHashMap::default());
    }
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        if let Some(&v) = seen.get(&key) {
            return v;
        }
        let v = looks_vietnamese(text());
        if seen.len() >= 100_000 {
            seen.clear();
        }
        seen.insert(key, v);
        v
    })
}

impl SentenceInputs {
    fn new(s: &SentenceView<'_>, gaz: &NerFeatures) -> Self {
        let names = &gaz.profile;
        let n = s.tokens.len();
        let mut keys = Vec::with_capacity(n);
        let mut shapes = Vec::with_capacity(n);
        let mut suffix = Vec::with_capacity(n);
        for t in s.tokens {
            let text = t.text(s.text);
            keys.push(key_of(text, t.kind));
            shapes.push(shape_of(text, t.kind));
            suffix.push(if t.kind == TokenKind::Word && text.chars().count() > 3 {
                let tail: String = text.chars().rev().take(3).collect();
                hash_str(&lowercase(&tail))
            } else {
                0
            });
        }
        let mut word_key = vec![0u64; n];
        let mut word_pos = vec![0u8; n];
        let mut word_of = vec![0usize; n];
        let mut words = Vec::with_capacity(s.words.len());
        for (w, r) in s.words.iter().enumerate() {
            let h = word_hash(&keys[r.clone()]);
            words.push(h);
            for i in r.clone() {
                word_key[i] = h;
                word_of[i] = w;
                word_pos[i] = if r.len() == 1 {
                    0
                } else if i == r.start {
                    1
                } else if i + 1 == r.end {
                    3
                } else {
                    2
                };
            }
        }
        let word_class = gaz
            .clusters
            .iter()
            .map(|c| words.iter().map(|&w| u64::from(c.class_of(w))).collect())
            .collect();
        // Gazetteer entries span word syllables separated by plain spaces only.
        let joinable = |i: usize| joins_previous(s.text, s.tokens, i);
        let longest: Vec<[u8; N_GAZETTEERS]> = (0..n)
            .map(|i| {
                if s.tokens[i].kind == TokenKind::Word {
                    gaz.lists
                        .longest_at::<N_GAZETTEERS>(keys.as_slice(), i, joinable)
                } else {
                    [0; N_GAZETTEERS]
                }
            })
            .collect();
        let gaz = (0..N_GAZETTEERS)
            .map(|list| {
                let mut marks = vec![0u8; n];
                let mut i = 0;
                while i < n {
                    let len = usize::from(longest[i][list]);
                    match len {
                        0 => i += 1,
                        1 => {
                            marks[i] = 4;
                            i += 1;
                        }
                        _ => {
                            marks[i] = 1;
                            marks[i + 1..i + len - 1].fill(2);
                            marks[i + len - 1] = 3;
                            i += len;
                        }
                    }
                }
                marks
            })
            .collect();
        let mut run = vec![None; n];
        let mut profile = vec![None; n];
        for r in capitalised_runs(s.text, s.tokens, &shapes) {
            run[r.clone()].fill(Some((r.start, r.end)));
            if !names.is_empty() {
                profile[r.clone()].copy_from_slice(&names.cover(&keys[r]));
            }
        }
        let foreign = (0..n)
            .map(|i| {
                u8::from(
                    run[i].is_some()
                        && !looks_vietnamese_cached(keys[i], || s.tokens[i].text(s.text)),
                )
            })
            .collect();
        Self {
            keys,
            shapes,
            word_key,
            word_pos,
            word_of,
            words,
            word_class,
            gaz,
            run,
            profile,
            profile_empty: names.is_empty(),
            foreign,
            suffix,
            style: TextStyle::default(),
        }
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the sentence has no tokens.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vietnamese_syllables_and_foreign_ones() {
        for w in [
            "Nhật", "Thái", "Lan", "Nguyễn", "Nghiêm", "Quảng", "Huế", "Đà", "Khương", "Tim", "Gi",
        ] {
            assert!(looks_vietnamese(w), "{w}");
        }
        for w in [
            "Sugi",
            "Ryotaro",
            "Xavier",
            "Becerra",
            "Cook",
            "L'Oreal",
            "Willendrof",
            "California",
            "Zelensky",
            "F-16",
        ] {
            assert!(!looks_vietnamese(w), "{w}");
        }
    }
}
