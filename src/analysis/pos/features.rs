//! What the part-of-speech model sees of a word and its neighbours: typed feature templates
//! over the words of one sentence. Keys fold case and tone-mark placement ("Hoá" = "hóa"), as
//! the segmenter's do; the shape keeps what case says ("Hà Nội" mid-sentence is a name).
use std::ops::Range;

use super::tag_sets::TagSets;
use crate::analysis::entities::clusters::WordClusters;
use crate::analysis::features::{feature_hash, key_of, mix, shape_of, HashKeyed, BOS, EOS};
use crate::analysis::segment::tokenize::{Syllable, TokenKind};

/// Features per word (one per `WordFeature`).
pub const N_FEATURES: usize = 34;

/// Salt of the tagger's features.
const SALT: u64 = 0x9051;

/// A word feature template. The number goes into the feature's hash, so the numbers are part
/// of the model file: never renumber them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordFeature {
    /// Always on.
    Bias = 0,
    /// The word.
    Word = 1,
    /// The word before.
    Prev = 2,
    /// The word after.
    Next = 3,
    /// Two words before.
    Prev2 = 4,
    /// Two words after.
    Next2 = 5,
    /// The word before and the word.
    PrevWord = 6,
    /// The word and the word after.
    WordNext = 7,
    /// The words on either side.
    PrevNext = 8,
    /// The first syllable and the number of syllables.
    FirstSyllable = 9,
    /// The last syllable and the number of syllables.
    LastSyllable = 10,
    /// The shape, the number of syllables, whether every syllable is capitalised, and whether
    /// the word opens the sentence.
    Shape = 11,
    /// Shapes of the word and its neighbours.
    Shapes = 12,
    /// The word with its shape and whether it opens the sentence ("Bộ" vs "bộ").
    WordShape = 13,
    /// The last two letters, lowercased (foreign words, codes).
    Suffix = 14,
    /// The word before and this word's shape.
    PrevShape = 15,
    /// The word after and this word's shape.
    NextShape = 16,
    /// Two words before and the word.
    Prev2Word = 17,
    /// The word and two words after.
    WordNext2 = 18,
    /// The word's fine class and its neighbours' coarse ones (distributional classes learned
    /// from a large corpus; 0 when unknown).
    Classes = 19,
    /// The tags the word was seen with in training.
    TagSet = 20,
    /// The word before's tag set and this one's.
    PrevTagSets = 21,
    /// This word's tag set and the next one's.
    NextTagSets = 22,
    /// The tag sets of the word and both neighbours.
    TagSets3 = 23,
    /// The word and the next word's tag set.
    WordNextTagSet = 24,
    /// The word before's tag set and the word.
    PrevTagSetWord = 25,
    /// The tag sets of this word and the next two.
    NextTagSets2 = 26,
    /// The word's fine class.
    FineClass = 27,
    /// The word's coarse class and shape.
    CoarseClass = 28,
    /// The next word's fine class.
    NextFineClass = 29,
    /// The previous word's fine class.
    PrevFineClass = 30,
    /// The word's fine class and tag set (a rare word's set says little, its class more).
    FineClassTagSet = 31,
    /// The word and the next word's fine class.
    WordNextClass = 32,
    /// The previous word's fine class and the word.
    PrevClassWord = 33,
}

/// What is known of a word before tagging: its distributional classes (coarse, fine; 0
/// unknown) and the tags it was seen with in training (0: never seen).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Facts {
    /// Coarse and fine class.
    pub class: [u16; 2],
    /// Tag set (see `TagSets`).
    pub tag_set: u64,
}

/// Word classes and tag sets merged into one table: one lookup a word instead of three.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WordFacts {
    map: HashKeyed<Facts>,
}

impl WordFacts {
    /// The table of `classes` (coarse then fine; either may be absent) and `tag_sets`.
    pub fn new(classes: &[WordClusters], tag_sets: &TagSets) -> Self {
        let mut map: HashKeyed<Facts> = HashKeyed::default();
        for (k, set) in classes.iter().take(2).enumerate() {
            for (w, c) in set.iter() {
                map.entry(w).or_default().class[k] = c;
            }
        }
        for (w, s) in tag_sets.iter() {
            map.entry(w).or_default().tag_set = s;
        }
        Self { map }
    }

    /// The facts of a word hash.
    #[inline]
    pub fn of(&self, word: u64) -> Facts {
        self.map.get(&word).copied().unwrap_or_default()
    }
}

/// What a word is looked up in.
pub type Lookups<'a> = &'a WordFacts;

/// The inputs of one word's features.
#[derive(Clone, Copy, Debug)]
pub struct WordInfo {
    /// Hash of the word's syllable keys in order.
    pub key: u64,
    /// Key of the first syllable.
    pub first: u64,
    /// Key of the last syllable.
    pub last: u64,
    /// Shape of the first syllable (see `features::shape_of`).
    pub shape: u8,
    /// Syllables, at most 4.
    pub syllables: u8,
    /// Every syllable starts with a capital.
    pub all_capitalised: bool,
    /// Hash of the last two letters, lowercased.
    pub suffix: u64,
    /// The word's distributional classes, coarse and fine (0: unknown).
    pub class: [u16; 2],
    /// The tags it was seen with in training (0: unknown word).
    pub tag_set: u64,
}

impl WordInfo {
    /// The word made of `tokens` (one or more syllables of `text`).
    pub fn new(text: &str, tokens: &[Syllable], lookups: Lookups<'_>) -> Self {
        // No allocation per word: the tagger builds one of these for every word it tags.
        let (mut key, mut first, mut last) = (WORD_SEED, BOS, EOS);
        for (i, t) in tokens.iter().enumerate() {
            let k = key_of(t.text(text), t.kind);
            key = mix(key, k);
            if i == 0 {
                first = k;
            }
            last = k;
        }
        let shape = tokens
            .first()
            .map_or(b'p', |t| shape_of(t.text(text), t.kind));
        let all_capitalised = tokens.iter().all(|t| {
            t.kind == TokenKind::Word && t.text(text).chars().next().is_some_and(char::is_uppercase)
        });
        let last_text = tokens.last().map_or("", |t| t.text(text));
        let facts = lookups.of(key);
        Self {
            key,
            first,
            last,
            shape,
            syllables: tokens.len().min(4) as u8,
            all_capitalised,
            suffix: suffix_hash(last_text),
            class: facts.class,
            tag_set: facts.tag_set,
        }
    }

    /// The word of a sentence given as token ranges.
    pub fn of_sentence(
        text: &str,
        tokens: &[Syllable],
        words: &[Range<usize>],
        lookups: Lookups<'_>,
    ) -> Vec<Self> {
        words
            .iter()
            .map(|w| Self::new(text, &tokens[w.clone()], lookups))
            .collect()
    }
}

/// The seed of `features::word_hash`: a word's key here is the same hash, folded in place.
const WORD_SEED: u64 = 0x77;

/// hash_str of the last two letters of `s`, lowercased, without allocating.
fn suffix_hash(s: &str) -> u64 {
    let mut tail = s.chars().rev().take(2).collect::<ArrayOfTwo>().0;
    tail.reverse();
    let mut buf = [0u8; 32];
    let mut len = 0;
    for c in tail.into_iter().flatten().flat_map(char::to_lowercase) {
        len += c.encode_utf8(&mut buf[len..]).len();
    }
    crate::analysis::features::hash_str(std::str::from_utf8(&buf[..len]).unwrap_or(""))
}

/// Up to two chars, collected without a heap.
struct ArrayOfTwo([Option<char>; 2]);

impl FromIterator<char> for ArrayOfTwo {
    fn from_iter<I: IntoIterator<Item = char>>(iter: I) -> Self {
        let mut out = [None; 2];
        for (slot, c) in out.iter_mut().zip(iter) {
            *slot = Some(c);
        }
        Self(out)
    }
}

/// Feature hashes of word `i` of a sentence.
pub fn features(words: &[WordInfo], i: usize, out: &mut [u64; N_FEATURES]) {
    let at = |j: isize| -> (u64, u8, [u16; 2], u64) {
        if j < 0 {
            (BOS, b'^', [u16::MAX; 2], BOS)
        } else if j as usize >= words.len() {
            (EOS, b'$', [u16::MAX - 1; 2], EOS)
        } else {
            let w = &words[j as usize];
            (w.key, w.shape, w.class, w.tag_set)
        }
    };
    let i = i as isize;
    let (p2, _, _, _) = at(i - 2);
    let (p1, sp1, cp1, tp1) = at(i - 1);
    let (n1, sn1, cn1, tn1) = at(i + 1);
    let (n2, _, _, tn2) = at(i + 2);
    let t0 = words[i as usize].tag_set;
    let w = &words[i as usize];
    let first = u64::from(i == 0);
    let shape = u64::from(w.shape);
    let shape_word = mix(
        shape | u64::from(w.syllables) << 8 | u64::from(w.all_capitalised) << 12,
        first,
    );
    let f = |t: WordFeature, parts: &[u64]| feature_hash(t as u64, SALT, parts);
    use WordFeature as F;
    *out = [
        f(F::Bias, &[]),
        f(F::Word, &[w.key]),
        f(F::Prev, &[p1]),
        f(F::Next, &[n1]),
        f(F::Prev2, &[p2]),
        f(F::Next2, &[n2]),
        f(F::PrevWord, &[p1, w.key]),
        f(F::WordNext, &[w.key, n1]),
        f(F::PrevNext, &[p1, n1]),
        f(F::FirstSyllable, &[w.first, u64::from(w.syllables)]),
        f(F::LastSyllable, &[w.last, u64::from(w.syllables)]),
        f(F::Shape, &[shape_word]),
        f(F::Shapes, &[u64::from(sp1), shape, u64::from(sn1)]),
        f(F::WordShape, &[w.key, shape, first]),
        f(F::Suffix, &[w.suffix, shape]),
        f(F::PrevShape, &[p1, shape]),
        f(F::NextShape, &[n1, shape]),
        f(F::Prev2Word, &[p2, w.key]),
        f(F::WordNext2, &[w.key, n2]),
        f(
            F::Classes,
            &[u64::from(cp1[0]), u64::from(w.class[1]), u64::from(cn1[0])],
        ),
        f(F::TagSet, &[t0]),
        f(F::PrevTagSets, &[tp1, t0]),
        f(F::NextTagSets, &[t0, tn1]),
        f(F::TagSets3, &[tp1, t0, tn1]),
        f(F::WordNextTagSet, &[w.key, tn1]),
        f(F::PrevTagSetWord, &[tp1, w.key]),
        f(F::NextTagSets2, &[t0, tn1, tn2]),
        f(F::FineClass, &[u64::from(w.class[1])]),
        f(F::CoarseClass, &[u64::from(w.class[0]), shape]),
        f(F::NextFineClass, &[u64::from(cn1[1])]),
        f(F::PrevFineClass, &[u64::from(cp1[1])]),
        f(F::FineClassTagSet, &[u64::from(w.class[1]), t0]),
        f(F::WordNextClass, &[w.key, u64::from(cn1[1])]),
        f(F::PrevClassWord, &[u64::from(cp1[1]), w.key]),
    ];
}
