//! The learned named-entity tagger: a linear-chain model over syllable tokens with BIOES tags for
//! PER, LOC, ORG and MISC, trained as a CRF by averaged SGD (or an averaged structured
//! perceptron; src/train/entities.rs) and decoded with Viterbi. Features are hashed: syllable keys and shapes in a window, the
//! segmenter's words, gazetteer matches, and the capitalised run a token sits in with the words
//! before it ("tỉnh", "ông", "Bộ trưởng"). Confidence is the span's marginal probability
//! (forward-backward over the same scores).
use std::ops::Range;

use super::clusters::WordClusters;
use super::{numeric, Entity, EntityTagger, Label, SentenceView};
use crate::analysis::lexicon::{Lexicons, WordSet};
use crate::analysis::normalize::lowercase;
use crate::analysis::segment::perceptron::{hash_str, key_of, mix, shape_of, PassThrough};
use crate::analysis::segment::tokenize::TokenKind;

/// O, then B, I, E (last) and S (single) for each of PER, LOC, ORG, MISC.
pub const N_TAGS: usize = 17;
const PER_LABEL: usize = 4;
pub const NAMED: [Label; 4] = [Label::Per, Label::Loc, Label::Org, Label::Misc];
const MAGIC: &[u8; 8] = b"VTXNER05";

/// Tag index of B-label (I, E and S follow it).
pub fn begin_tag(label: Label) -> usize {
    1 + PER_LABEL * NAMED.iter().position(|&l| l == label).unwrap_or(0)
}

/// The tags of an entity of `len` tokens: S alone, or B, I..., E.
pub fn span_tags(label: Label, len: usize) -> impl Iterator<Item = usize> {
    let b = begin_tag(label);
    (0..len).map(move |k| match (k, len) {
        (_, 1) => b + 3,
        (0, _) => b,
        (k, n) if k + 1 == n => b + 2,
        _ => b + 1,
    })
}

/// 0 B, 1 I, 2 E, 3 S of a non-O tag.
#[inline]
const fn part(t: usize) -> usize {
    (t - 1) % PER_LABEL
}

/// I-X and E-X only after B-X or I-X; O, B and S only after O, E, S or the start.
#[inline]
pub const fn allowed(prev: Option<usize>, t: usize) -> bool {
    let open = matches!(prev, Some(p) if p != 0 && part(p) < 2);
    if t == 0 || part(t) == 0 || part(t) == 3 {
        return !open;
    }
    open && matches!(prev, Some(p) if (p - 1) / PER_LABEL == (t - 1) / PER_LABEL)
}

/// The allowed tag pairs as lists (the sentence start aside): Viterbi and forward-backward
/// visit only these, a third of all pairs.
struct TagPairs {
    /// Per tag, the tags that may come before it, in increasing order.
    prev: [[u8; N_TAGS]; N_TAGS],
    n_prev: [usize; N_TAGS],
    /// Per tag, the tags that may follow it, in increasing order.
    next: [[u8; N_TAGS]; N_TAGS],
    n_next: [usize; N_TAGS],
}

impl TagPairs {
    #[inline]
    fn before(&self, t: usize) -> &[u8] {
        &self.prev[t][..self.n_prev[t]]
    }

    #[inline]
    fn after(&self, p: usize) -> &[u8] {
        &self.next[p][..self.n_next[p]]
    }
}

const PAIRS: TagPairs = {
    let mut out = TagPairs {
        prev: [[0; N_TAGS]; N_TAGS],
        n_prev: [0; N_TAGS],
        next: [[0; N_TAGS]; N_TAGS],
        n_next: [0; N_TAGS],
    };
    let mut p = 0;
    while p < N_TAGS {
        let mut t = 0;
        while t < N_TAGS {
            if allowed(Some(p), t) {
                out.prev[t][out.n_prev[t]] = p as u8;
                out.n_prev[t] += 1;
                out.next[p][out.n_next[p]] = t as u8;
                out.n_next[p] += 1;
            }
            t += 1;
        }
        p += 1;
    }
    out
};

/// Index of the institutions list among the gazetteers.
const INSTITUTIONS: usize = 1;

/// What the model sees of a sentence: the gazetteers a token can sit in (each matched
/// longest-first over syllable keys) and the window features built around them.
pub struct NerFeatures {
    lists: Gazetteers,
    clusters: Vec<WordClusters>,
}

/// The hash of a word (its syllable keys in order), as the features and the word classes see it.
pub fn word_hash(keys: &[u64]) -> u64 {
    keys.iter().fold(0x77u64, |h, &k| mix(h, k))
}

const N_GAZETTEERS: usize = 9;

/// The gazetteers in one hashed prefix index: a single walk from a token finds the longest
/// entry of every list at once (a walk per list was a tenth of the pipeline's time). Each
/// prefix hash maps to (lists with an entry starting so, lists with exactly this entry).
struct Gazetteers {
    prefixes:
        std::collections::HashMap<u64, (u16, u16), std::hash::BuildHasherDefault<PassThrough>>,
    max_len: usize,
}

impl Gazetteers {
    fn new(sets: &[&WordSet; N_GAZETTEERS]) -> Self {
        let mut prefixes = std::collections::HashMap::default();
        let mut max_len = 0;
        for (k, set) in sets.iter().enumerate() {
            max_len = max_len.max(set.max_syllables);
            for entry in set.entries() {
                let n = entry.split(' ').count();
                let mut h = 0u64;
                for (i, syl) in entry.split(' ').enumerate() {
                    h = mix(h, hash_str(syl));
                    let e: &mut (u16, u16) = prefixes.entry(h).or_default();
                    e.0 |= 1 << k;
                    if i + 1 == n {
                        e.1 |= 1 << k;
                    }
                }
            }
        }
        Self { prefixes, max_len }
    }

    /// Per list, the length in tokens of its longest entry starting at `keys[start]` that
    /// spans only tokens `joinable` allows after the first (0: none).
    fn longest_at(
        &self,
        keys: &[u64],
        start: usize,
        joinable: impl Fn(usize) -> bool,
    ) -> [u8; N_GAZETTEERS] {
        let mut best = [0u8; N_GAZETTEERS];
        let mut alive: u16 = (1 << N_GAZETTEERS) - 1;
        let mut h = 0u64;
        let mut i = start;
        while i < keys.len() && i - start < self.max_len && (i == start || joinable(i)) {
            h = mix(h, keys[i]);
            let Some(&(prefix_of, entry_of)) = self.prefixes.get(&h) else {
                break;
            };
            let mut hit = entry_of & alive;
            while hit != 0 {
                let k = hit.trailing_zeros() as usize;
                best[k] = (i + 1 - start) as u8;
                hit &= hit - 1;
            }
            alive &= prefix_of;
            if alive == 0 {
                break;
            }
            i += 1;
        }
        best
    }
}

impl NerFeatures {
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
            lists: Gazetteers::new(&sets),
            clusters,
        }
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
    #[default]
    Natural,
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

    fn salt(self) -> u64 {
        match self {
            TextStyle::Natural => 0x4E41_5455,
            TextStyle::Spaced => 0x5350_4143,
        }
    }
}

/// How many of a token's first features get a per-style copy.
const STYLED_FEATURES: usize = 11;

/// Index of a tag's label in per-label counts; 4 is "not in a name".
fn label_slot(tag: usize) -> usize {
    if tag == 0 {
        4
    } else {
        (tag - 1) / PER_LABEL
    }
}

/// What the first layer found across a document: label counts per syllable key of capitalised
/// tokens and per capitalised run, so a name tagged with its title once ("ông Tracie Samara")
/// helps where it later stands alone ("Samara chia sẻ").
#[derive(Default)]
pub struct DocContext {
    by_key: rustc_hash::FxHashMap<u64, [u16; 5]>,
    by_run: rustc_hash::FxHashMap<u64, [u16; 5]>,
}

impl DocContext {
    pub fn new(sentences: &[SentenceInputs], first_tags: &[Vec<usize>]) -> Self {
        let mut ctx = DocContext::default();
        for (s, tags) in sentences.iter().zip(first_tags) {
            for (i, (&tag, run)) in tags.iter().zip(&s.run).enumerate() {
                if let Some((start, end)) = *run {
                    // Saturating: a document may repeat one name more than u16::MAX times.
                    let n = &mut ctx.by_key.entry(s.keys[i]).or_default()[label_slot(tag)];
                    *n = n.saturating_add(1);
                    if i == start {
                        let h = s.run_hash(start, end);
                        let n = &mut ctx.by_run.entry(h).or_default()[label_slot(tag)];
                        *n = n.saturating_add(1);
                    }
                }
            }
        }
        ctx
    }
}

/// The most frequent label among counts without one's own contribution, and how dominant it is
/// (quarters), or None when nothing else was seen.
fn others(counts: Option<&[u16; 5]>, own: usize) -> Option<(u64, u64)> {
    let mut c = *counts?;
    c[own] = c[own].saturating_sub(1);
    let total: u32 = c.iter().map(|&x| u32::from(x)).sum();
    if total == 0 {
        return None;
    }
    let (best, n) = c
        .iter()
        .enumerate()
        .max_by_key(|&(i, &n)| (n, std::cmp::Reverse(i)))
        .expect("five slots");
    Some((best as u64, u64::from(*n) * 4 / u64::from(total)))
}

/// Per-token inputs of the features of one sentence (owned: no borrow of the text).
pub struct SentenceInputs {
    keys: Vec<u64>,
    shapes: Vec<u8>,
    /// Hash of a word's syllable keys, for the word each token is in.
    word_key: Vec<u64>,
    /// 0 single-token word, 1 first, 2 inside, 3 last.
    word_pos: Vec<u8>,
    word_of: Vec<usize>,
    words: Vec<u64>,
    /// Per set of word classes, each word's class (0: unknown).
    word_class: Vec<Vec<u64>>,
    /// Per gazetteer, per token: 0 none, 1 begin, 2 inside, 3 end, 4 single.
    gaz: Vec<Vec<u8>>,
    /// The capitalised run each token is in: (first token, one past the last).
    run: Vec<Option<(usize, usize)>>,
    /// Per token of a run: 1 when it does not read as a Vietnamese syllable ("Sugi").
    foreign: Vec<u8>,
    suffix: Vec<u64>,
    style: TextStyle,
}

/// Whether a word reads as one Vietnamese syllable: an onset, one to three vowels and a final
/// consonant Vietnamese allows, marks aside. "Sugi", "Xavier", "Cook", "L'Oreal" do not.
fn looks_vietnamese(text: &str) -> bool {
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

/// How far (in tokens) from a capitalised token a name can reach.
const NAME_REACH: usize = 4;

fn is_capitalised(shape: u8) -> bool {
    matches!(shape, b'U' | b'A' | b'c')
}

impl SentenceInputs {
    fn new(s: &SentenceView<'_>, gaz: &NerFeatures) -> Self {
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
        let joinable = |i: usize| {
            s.tokens[i].kind == TokenKind::Word
                && s.tokens[i - 1].kind == TokenKind::Word
                && s.text[s.tokens[i - 1].end..s.tokens[i].start]
                    .bytes()
                    .all(|b| b == b' ')
                && s.tokens[i - 1].end < s.tokens[i].start
        };
        let longest: Vec<[u8; N_GAZETTEERS]> = (0..n)
            .map(|i| {
                if s.tokens[i].kind == TokenKind::Word {
                    gaz.lists.longest_at(&keys, i, joinable)
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
        let mut i = 0;
        while i < n {
            if !is_capitalised(shapes[i]) {
                i += 1;
                continue;
            }
            let mut end = i + 1;
            while end < n && is_capitalised(shapes[end]) && joinable(end) {
                end += 1;
            }
            run[i..end].fill(Some((i, end)));
            i = end;
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
            foreign,
            suffix,
            style: TextStyle::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    fn run_hash(&self, start: usize, end: usize) -> u64 {
        self.keys[start..end].iter().fold(0x5150, |h, &k| mix(h, k))
    }

    pub fn first_features(&self) -> Vec<Vec<u64>> {
        (0..self.len())
            .map(|i| {
                let mut v = Vec::with_capacity(64);
                self.features(i, &mut v);
                v
            })
            .collect()
    }

    /// Like `first_features`, but tokens more than NAME_REACH tokens away from any capitalised
    /// token get no features: names in Vietnamese news hold a capitalised syllable, and the
    /// longest lowercase stretches inside them ("Nhóm liên lạc quốc phòng Ukraine") are three
    /// syllables, so such tokens are outside any name and need no scoring.
    pub fn features_near_capitals(&self) -> Vec<Vec<u64>> {
        let n = self.len();
        let mut near = vec![false; n];
        for i in (0..n).filter(|&i| is_capitalised(self.shapes[i])) {
            near[i.saturating_sub(NAME_REACH)..(i + NAME_REACH + 1).min(n)].fill(true);
        }
        (0..n)
            .map(|i| {
                let mut v = Vec::new();
                if near[i] {
                    v.reserve(64);
                    self.features(i, &mut v);
                }
                v
            })
            .collect()
    }

    /// The first layer's features plus its tags around each token and what it found for the
    /// same key and the same capitalised run elsewhere in the document.
    pub fn second_features(
        &self,
        first_features: Vec<Vec<u64>>,
        first_tags: &[usize],
        ctx: &DocContext,
    ) -> Vec<Vec<u64>> {
        let f = |id: u64, parts: &[u64]| parts.iter().fold(mix(id, 0xD0C), |h, &p| mix(h, p));
        let tag = |j: isize| -> u64 {
            if j < 0 || j as usize >= first_tags.len() {
                99
            } else {
                first_tags[j as usize] as u64
            }
        };
        first_features
            .into_iter()
            .enumerate()
            .map(|(i, mut v)| {
                if v.is_empty() {
                    return v;
                }
                let j = i as isize;
                let s0 = u64::from(self.shapes[i]);
                v.extend_from_slice(&[
                    f(60, &[tag(j)]),
                    f(61, &[tag(j - 1), tag(j)]),
                    f(62, &[tag(j), tag(j + 1)]),
                    f(63, &[tag(j), self.keys[i]]),
                ]);
                if let Some((start, end)) = self.run[i] {
                    let own = label_slot(first_tags[i]);
                    if let Some((best, share)) = others(ctx.by_key.get(&self.keys[i]), own) {
                        v.extend_from_slice(&[
                            f(64, &[best, s0]),
                            f(65, &[best, share]),
                            f(66, &[best, tag(j)]),
                        ]);
                    }
                    let own_run = label_slot(first_tags[start]);
                    let h = self.run_hash(start, end);
                    if let Some((best, share)) = others(ctx.by_run.get(&h), own_run) {
                        let at = u64::from(i == start) | u64::from(i + 1 == end) << 1;
                        v.extend_from_slice(&[f(67, &[best, at]), f(68, &[best, share, tag(j)])]);
                    }
                }
                v
            })
            .collect()
    }

    /// The hashed features of token `i`, appended to `out`.
    fn features(&self, i: usize, out: &mut Vec<u64>) {
        let from = out.len();
        self.general_features(i, out);
        // The first features (bias, the token, its neighbours, shapes) again, per style: enough
        // for the conventions to differ, at a fraction of the cost of copying all of them.
        let salt = self.style.salt();
        for k in from..from + STYLED_FEATURES {
            out.push(mix(out[k], salt));
        }
    }

    fn general_features(&self, i: usize, out: &mut Vec<u64>) {
        const BOS: u64 = 0x1111_2222_3333_4444;
        const EOS: u64 = 0x5555_6666_7777_8888;
        let n = self.keys.len() as isize;
        let key = |j: isize| -> u64 {
            if j < 0 {
                BOS
            } else if j >= n {
                EOS
            } else {
                self.keys[j as usize]
            }
        };
        let shape = |j: isize| -> u64 {
            if j < 0 {
                u64::from(b'^')
            } else if j >= n {
                u64::from(b'$')
            } else {
                u64::from(self.shapes[j as usize])
            }
        };
        let f = |id: u64, parts: &[u64]| parts.iter().fold(mix(id, 0xE17), |h, &p| mix(h, p));
        let j = i as isize;
        let s0 = shape(j);
        let shapes5 =
            shape(j - 2) | shape(j - 1) << 8 | s0 << 16 | shape(j + 1) << 24 | shape(j + 2) << 32;
        let shapes3 = shape(j - 1) << 8 | s0 << 16 | shape(j + 1) << 24;
        out.extend_from_slice(&[
            f(0, &[]),
            f(1, &[key(j)]),
            f(2, &[key(j - 1)]),
            f(3, &[key(j + 1)]),
            f(4, &[key(j - 2)]),
            f(5, &[key(j + 2)]),
            f(6, &[key(j - 1), key(j)]),
            f(7, &[key(j), key(j + 1)]),
            f(8, &[s0]),
            f(9, &[shapes3]),
            f(10, &[shapes5]),
            f(11, &[key(j), s0]),
            f(12, &[key(j - 1), s0]),
            f(13, &[key(j + 1), s0]),
            f(14, &[key(j - 2), key(j - 1), s0]),
            f(15, &[key(j - 1), key(j), key(j + 1)]),
            f(16, &[u64::from(i == 0), s0]),
        ]);
        // The word this token is in, and the words around it.
        let w = self.word_of[i];
        let word_at = |k: isize| -> u64 {
            if k < 0 {
                BOS
            } else if k as usize >= self.words.len() {
                EOS
            } else {
                self.words[k as usize]
            }
        };
        let pos = u64::from(self.word_pos[i]);
        out.extend_from_slice(&[
            f(20, &[self.word_key[i], pos]),
            f(21, &[word_at(w as isize - 1), s0]),
            f(22, &[word_at(w as isize + 1), s0]),
            f(23, &[word_at(w as isize - 1), self.word_key[i]]),
        ]);
        if self.suffix[i] != 0 {
            out.push(f(24, &[self.suffix[i], s0]));
        }
        // Word classes from unlabelled text: of this word and its neighbours.
        for (level, classes) in self.word_class.iter().enumerate() {
            let class_at = |k: isize| -> u64 {
                if k < 0 {
                    1 << 20
                } else {
                    classes.get(k as usize).copied().unwrap_or(2 << 20)
                }
            };
            let (wi, c0, l) = (w as isize, classes[w], level as u64);
            out.extend_from_slice(&[
                f(50, &[l, c0, pos]),
                f(51, &[l, c0, s0]),
                f(52, &[l, class_at(wi - 1), s0]),
                f(53, &[l, class_at(wi + 1), s0]),
                f(54, &[l, class_at(wi - 1), c0]),
                f(55, &[l, c0, class_at(wi + 1)]),
            ]);
        }
        for (g, marks) in self.gaz.iter().enumerate() {
            if marks[i] != 0 {
                out.push(f(30 + g as u64, &[u64::from(marks[i]), s0]));
            }
        }
        if let Some((start, end)) = self.run[i] {
            let len = (end - start).min(6) as u64;
            let at = if end - start == 1 {
                0
            } else if i == start {
                1
            } else if i + 1 == end {
                3
            } else {
                2
            };
            let (b, b2) = (start as isize - 1, start as isize - 2);
            out.extend_from_slice(&[
                f(40, &[len, at]),
                f(41, &[key(b), at]),
                f(42, &[key(b2), key(b), at]),
                f(43, &[key(end as isize), at]),
                f(44, &[key(b), len, at]),
                f(45, &[key(start as isize), at]),
                f(46, &[key(end as isize - 1), at]),
            ]);
            if start > 0 {
                let wb = self.word_of[start - 1];
                out.push(f(47, &[self.words[wb], at]));
            }
            // Where a run turns from Vietnamese syllables to foreign ones or back, one name
            // often ends and another begins ("Nhật Sugi Ryotaro", "California Xavier Becerra").
            let side = |k: usize| u64::from(self.foreign[k]);
            let prev = if i > start { side(i - 1) } else { 2 };
            let next = if i + 1 < end { side(i + 1) } else { 2 };
            out.push(f(48, &[side(i), prev, next, at]));
        }
    }
}

/// One linear-chain layer: for each hashed feature bucket one i8 per tag (a token sums about
/// eighty of them, so the rounding averages out and the model stays half the size), plus i16
/// transitions on the same scale.
pub struct Layer {
    weights: Vec<i8>,
    /// transitions[prev * N_TAGS + tag]; prev = N_TAGS is the sentence start.
    transitions: Vec<i16>,
}

impl Layer {
    pub fn new(weights: Vec<i8>, transitions: Vec<i16>) -> Self {
        Self {
            weights,
            transitions,
        }
    }
}

/// Scores of one token: per layer, one sum per tag.
pub type LayerSums = [[i32; N_TAGS]; MAX_LAYERS];

const MAX_LAYERS: usize = 3;

/// Emission scores of a token outside any name: every tag but O forbidden.
const OUTSIDE: [i32; N_TAGS] = {
    let mut e = [-(1 << 20); N_TAGS];
    e[0] = 0;
    e
};

/// The entity model: a first layer over sentence features and, optionally, a second one that
/// also sees what the first found in the whole document (the same name tagged elsewhere).
pub struct NerModel {
    bits: u32,
    /// The layers' weights side by side per bucket ([bucket][layer][tag]): the second layer
    /// reads every feature the first reads, and these lookups are bound by memory latency, so
    /// one fetch serves both.
    weights: Vec<i8>,
    /// Per layer, transitions[prev * N_TAGS + tag]; prev = N_TAGS is the sentence start.
    transitions: Vec<Vec<i16>>,
    /// Score units per nat of the last layer, for the confidence (fitted on held-out data).
    pub temperature: f32,
    /// The word classes the features were trained with, one set per granularity.
    pub clusters: Vec<WordClusters>,
}

#[derive(Debug, thiserror::Error)]
pub enum NerModelError {
    #[error("not a vitext entity model (bad magic)")]
    BadMagic,
    #[error("entity model file truncated or the wrong size")]
    BadSize,
    #[error("entity model: {0}")]
    Clusters(#[from] super::clusters::ClustersError),
}

const N_TRANSITIONS: usize = (N_TAGS + 1) * N_TAGS;

impl NerModel {
    /// Start of a feature's weights in one layer's table (`Layer::new` weights).
    #[inline]
    pub fn bucket(bits: u32, hash: u64) -> usize {
        (hash >> (64 - bits)) as usize * N_TAGS
    }

    pub fn new(bits: u32, layers: Vec<Layer>, temperature: f32) -> Self {
        assert!((1..=MAX_LAYERS).contains(&layers.len()));
        debug_assert!(layers.iter().all(|l| l.weights.len() == N_TAGS << bits));
        let stride = N_TAGS * layers.len();
        let mut weights = vec![0i8; stride << bits];
        for (k, l) in layers.iter().enumerate() {
            for (row, w) in weights
                .chunks_exact_mut(stride)
                .zip(l.weights.chunks_exact(N_TAGS))
            {
                row[k * N_TAGS..(k + 1) * N_TAGS].copy_from_slice(w);
            }
        }
        Self {
            bits,
            weights,
            transitions: layers.into_iter().map(|l| l.transitions).collect(),
            temperature,
            clusters: Vec::new(),
        }
    }

    pub fn layers(&self) -> usize {
        self.transitions.len()
    }

    /// Layer `k` as trained (its own weight table).
    fn layer(&self, k: usize) -> Layer {
        let stride = N_TAGS * self.layers();
        let weights = self
            .weights
            .chunks_exact(stride)
            .flat_map(|row| &row[k * N_TAGS..(k + 1) * N_TAGS])
            .copied()
            .collect();
        Layer::new(weights, self.transitions[k].clone())
    }

    /// Adds a layer on top (the document-aware one).
    pub fn push_layer(&mut self, layer: Layer, temperature: f32) {
        let mut layers: Vec<Layer> = (0..self.layers()).map(|k| self.layer(k)).collect();
        layers.push(layer);
        let clusters = std::mem::take(&mut self.clusters);
        *self = Self::new(self.bits, layers, temperature);
        self.clusters = clusters;
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.bits.to_le_bytes());
        out.extend_from_slice(&self.temperature.to_le_bytes());
        out.extend_from_slice(&(self.layers() as u32).to_le_bytes());
        for k in 0..self.layers() {
            let l = self.layer(k);
            for w in &l.transitions {
                out.extend_from_slice(&w.to_le_bytes());
            }
            out.extend(l.weights.iter().map(|&w| w as u8));
        }
        out.extend_from_slice(&(self.clusters.len() as u32).to_le_bytes());
        for c in &self.clusters {
            out.extend_from_slice(&c.to_bytes());
        }
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, NerModelError> {
        if bytes.len() < 20 || &bytes[..8] != MAGIC {
            return Err(NerModelError::BadMagic);
        }
        let word = |i: usize| bytes[i..i + 4].try_into().expect("4 bytes");
        let bits = u32::from_le_bytes(word(8));
        let temperature = f32::from_le_bytes(word(12));
        let n_layers = u32::from_le_bytes(word(16)) as usize;
        if !(8..=24).contains(&bits) || !(1..=MAX_LAYERS).contains(&n_layers) {
            return Err(NerModelError::BadSize);
        }
        let per_layer = 2 * N_TRANSITIONS + (N_TAGS << bits);
        let layers_end = 20 + n_layers * per_layer;
        if bytes.len() < layers_end {
            return Err(NerModelError::BadSize);
        }
        let n_sets = bytes
            .get(layers_end..layers_end + 4)
            .map(|b| u32::from_le_bytes(b.try_into().expect("4 bytes")) as usize)
            .ok_or(NerModelError::BadSize)?;
        if n_sets > 8 {
            return Err(NerModelError::BadSize);
        }
        let mut rest = &bytes[layers_end + 4..];
        let mut clusters = Vec::with_capacity(n_sets);
        for _ in 0..n_sets {
            let (c, after) = WordClusters::from_bytes(rest)?;
            clusters.push(c);
            rest = after;
        }
        if !rest.is_empty() {
            return Err(NerModelError::BadSize);
        }
        let layers = bytes[20..layers_end]
            .chunks_exact(per_layer)
            .map(|c| {
                let (tr, w) = c.split_at(2 * N_TRANSITIONS);
                Layer::new(
                    w.iter().map(|&b| b as i8).collect(),
                    tr.chunks_exact(2)
                        .map(|p| i16::from_le_bytes([p[0], p[1]]))
                        .collect(),
                )
            })
            .collect();
        let mut model = Self::new(bits, layers, temperature);
        model.clusters = clusters;
        Ok(model)
    }

    /// Every layer's sums over `feats` (layers the model lacks stay 0).
    #[inline]
    fn sums(&self, feats: &[u64]) -> LayerSums {
        let stride = N_TAGS * self.layers();
        let mut out = [[0; N_TAGS]; MAX_LAYERS];
        for &h in feats {
            let at = (h >> (64 - self.bits)) as usize * stride;
            for (k, w) in self.weights[at..at + stride]
                .chunks_exact(N_TAGS)
                .enumerate()
            {
                for (o, &w) in out[k].iter_mut().zip(w) {
                    *o += i32::from(w);
                }
            }
        }
        out
    }

    /// Every layer's scores of each token from the same features (the first layer's); a token
    /// without features is outside any name (see `SentenceInputs::features_near_capitals`).
    pub fn shared_emissions(&self, feats: &[Vec<u64>]) -> Vec<LayerSums> {
        feats
            .iter()
            .map(|f| {
                if f.is_empty() {
                    [OUTSIDE; MAX_LAYERS]
                } else {
                    self.sums(f)
                }
            })
            .collect()
    }

    /// Emission scores of layer `layer` for a sentence's token features. A token without
    /// features is outside any name (see `SentenceInputs::features_near_capitals`).
    pub fn emissions(&self, layer: usize, feats: &[Vec<u64>]) -> Vec<[i32; N_TAGS]> {
        feats
            .iter()
            .map(|f| {
                if f.is_empty() {
                    OUTSIDE
                } else {
                    self.sums(f)[layer]
                }
            })
            .collect()
    }

    pub fn transition(&self, layer: usize, prev: Option<usize>, t: usize) -> f64 {
        f64::from(self.transitions[layer][prev.unwrap_or(N_TAGS) * N_TAGS + t])
    }

    /// Best tags of layer `layer`, with its emission scores.
    pub fn decode(&self, layer: usize, feats: &[Vec<u64>]) -> (Vec<[i32; N_TAGS]>, Vec<usize>) {
        let em = self.emissions(layer, feats);
        let tags = self.best_tags(layer, &em);
        (em, tags)
    }

    /// Best tags of layer `layer` under emission scores `em`, in integers: the scores are
    /// integers, so the sums and the choices are those of the float `viterbi`, and this runs
    /// twice per sentence.
    pub fn best_tags(&self, layer: usize, em: &[[i32; N_TAGS]]) -> Vec<usize> {
        best_path(
            em,
            |p, t| i64::from(self.transitions[layer][p.unwrap_or(N_TAGS) * N_TAGS + t]),
            |i| em[i] == OUTSIDE,
        )
    }

    /// Layer `layer`'s scores when `shared` already holds its sums over the first `base[i]`
    /// features of token `i`: only the features after those are looked up.
    pub fn emissions_after(
        &self,
        layer: usize,
        shared: &[LayerSums],
        base: &[usize],
        feats: &[Vec<u64>],
    ) -> Vec<[i32; N_TAGS]> {
        feats
            .iter()
            .zip(shared.iter().zip(base))
            .map(|(f, (s, &n))| {
                if f.is_empty() {
                    return OUTSIDE;
                }
                let mut e = s[layer];
                for (o, x) in e.iter_mut().zip(self.sums(&f[n..])[layer]) {
                    *o += x;
                }
                e
            })
            .collect()
    }
}

/// Best tag sequence under emission scores `em` and transition scores `trans(prev, tag)`.
pub fn viterbi<S: Copy + Into<f64>>(
    em: &[[S; N_TAGS]],
    trans: impl Fn(Option<usize>, usize) -> f64,
) -> Vec<usize> {
    best_path(em, trans, |_| false)
}

/// A path score Viterbi can add up: f64 for training, i64 for the shipped integer model.
trait PathScore: Copy + PartialOrd + std::ops::Add<Output = Self> {
    /// Below any reachable score (a forbidden transition).
    const FORBIDDEN: Self;
    /// Keeps unreachable scores at FORBIDDEN (no overflow in integers).
    fn floor(self) -> Self;
}

impl PathScore for f64 {
    const FORBIDDEN: f64 = f64::NEG_INFINITY;
    fn floor(self) -> f64 {
        self
    }
}

impl PathScore for i64 {
    const FORBIDDEN: i64 = i64::MIN / 4;
    fn floor(self) -> i64 {
        self.max(Self::FORBIDDEN)
    }
}

/// Viterbi. Tokens for which `outside(i)` holds are outside any name (scored OUTSIDE: every
/// other tag a million units down, which no path recovers), so the search runs only over the
/// islands between them, entered from O and left into O: the same path for a fraction of the
/// work, since most tokens are far from capitals.
fn best_path<S: Copy + Into<T>, T: PathScore>(
    em: &[[S; N_TAGS]],
    trans: impl Fn(Option<usize>, usize) -> T,
    outside: impl Fn(usize) -> bool,
) -> Vec<usize> {
    let n = em.len();
    let mut tags = vec![0; n];
    if n == 0 {
        return tags;
    }
    // The transitions once, forbidden ones lowest: the inner loop is then plain arithmetic.
    let mut tr = [[T::FORBIDDEN; N_TAGS]; N_TAGS + 1];
    for (p, row) in tr.iter_mut().enumerate() {
        let prev = (p < N_TAGS).then_some(p);
        for (t, x) in row.iter_mut().enumerate() {
            if allowed(prev, t) {
                *x = trans(prev, t);
            }
        }
    }
    let mut back = vec![[0u8; N_TAGS]; n];
    let mut a = 0;
    while a < n {
        if outside(a) {
            a += 1;
            continue;
        }
        let mut b = a + 1;
        while b < n && !outside(b) {
            b += 1;
        }
        let entry = if a == 0 { N_TAGS } else { 0 };
        let mut score = [T::FORBIDDEN; N_TAGS];
        for t in 0..N_TAGS {
            score[t] = em[a][t].into() + tr[entry][t];
        }
        for i in a + 1..b {
            let mut next = [T::FORBIDDEN; N_TAGS];
            for t in 0..N_TAGS {
                let mut best = (T::FORBIDDEN, 0);
                for &p in PAIRS.before(t) {
                    let p = usize::from(p);
                    let v = score[p] + tr[p][t];
                    if v > best.0 {
                        best = (v, p);
                    }
                }
                next[t] = (best.0 + em[i][t].into()).floor();
                back[i][t] = best.1 as u8;
            }
            score = next;
        }
        let mut t = 0;
        if b == n {
            // The last best on ties, as `Iterator::max_by` gives.
            for k in 1..N_TAGS {
                if score[k] >= score[t] {
                    t = k;
                }
            }
        } else {
            // The tag the O after the island would point back to.
            let mut best = T::FORBIDDEN;
            for &p in PAIRS.before(0) {
                let p = usize::from(p);
                let v = score[p] + tr[p][0];
                if v > best {
                    (best, t) = (v, p);
                }
            }
        }
        for i in (a..b).rev() {
            tags[i] = t;
            t = back[i][t] as usize;
        }
        a = b;
    }
    tags
}

/// Token ranges and labels of the entities in a BIOES tag sequence (an entity left open at the
/// end, or an I or E with no B, still counts).
pub fn spans_of(tags: &[usize]) -> Vec<(Range<usize>, Label)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < tags.len() {
        if tags[i] == 0 {
            i += 1;
            continue;
        }
        let slot = (tags[i] - 1) / PER_LABEL;
        let label = NAMED[slot];
        let mut end = i + 1;
        if part(tags[i]) != 2 && part(tags[i]) != 3 {
            while end < tags.len()
                && tags[end] != 0
                && (tags[end] - 1) / PER_LABEL == slot
                && (part(tags[end]) == 1 || part(tags[end]) == 2)
            {
                end += 1;
                if part(tags[end - 1]) == 2 {
                    break;
                }
            }
        }
        out.push((i..end, label));
        i = end;
    }
    out
}

pub const EMBEDDED_ENTITIES: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/models/entities.bin"));

/// The learned tagger for names plus the rules for dates and amounts.
pub struct LearnedTagger {
    model: NerModel,
    features: NerFeatures,
}

impl LearnedTagger {
    pub fn new(model: NerModel, lexicons: &Lexicons) -> Self {
        Self {
            features: NerFeatures::with_clusters(lexicons, model.clusters.clone()),
            model,
        }
    }

    /// Named entities of each sentence of a document: token ranges, labels and confidences.
    pub fn named(&self, sentences: &[SentenceView<'_>]) -> Vec<Vec<(Range<usize>, Label, f32)>> {
        let style = TextStyle::of(sentences);
        let inputs: Vec<SentenceInputs> = sentences
            .iter()
            .map(|s| self.features.inputs(s, style))
            .collect();
        let first_features: Vec<Vec<Vec<u64>>> = inputs
            .iter()
            .map(SentenceInputs::features_near_capitals)
            .collect();
        // Both layers read the first layer's features: their sums come from one pass.
        let shared: Vec<Vec<LayerSums>> = first_features
            .iter()
            .map(|f| self.model.shared_emissions(f))
            .collect();
        let mut decoded: Vec<(Vec<[i32; N_TAGS]>, Vec<usize>)> = shared
            .iter()
            .map(|s| {
                let em: Vec<[i32; N_TAGS]> = s.iter().map(|e| e[0]).collect();
                let tags = self.model.best_tags(0, &em);
                (em, tags)
            })
            .collect();
        let last = self.model.layers() - 1;
        // Each layer above the first reads the first layer's features (summed already, in
        // `shared`) plus the tags of the layer below across the document.
        let mut first_features = Some(first_features);
        for layer in 1..=last {
            // The layer below's tags move out: its results are replaced just after.
            let below: Vec<Vec<usize>> =
                decoded.iter_mut().map(|(_, t)| std::mem::take(t)).collect();
            let ctx = DocContext::new(&inputs, &below);
            let base_features = if layer == last {
                first_features
                    .take()
                    .expect("taken once, at the last layer")
            } else {
                first_features.clone().expect("kept until the last layer")
            };
            decoded = inputs
                .iter()
                .zip(base_features)
                .zip(&below)
                .zip(&shared)
                .map(|(((x, f), t), s)| {
                    let base: Vec<usize> = f.iter().map(Vec::len).collect();
                    let em =
                        self.model
                            .emissions_after(layer, s, &base, &x.second_features(f, t, &ctx));
                    let tags = self.model.best_tags(layer, &em);
                    (em, tags)
                })
                .collect();
        }
        let trans = |p: Option<usize>, t: usize| self.model.transition(last, p, t);
        let exp_tr = ExpTransitions::new(&trans, f64::from(self.model.temperature));
        decoded
            .into_iter()
            .map(|(em, tags)| {
                let spans = spans_of(&tags);
                if spans.is_empty() {
                    return Vec::new();
                }
                // Forward-backward over the island of scored tokens around each span only
                // (tokens outside it are O whatever the path).
                let mut island: Option<(Range<usize>, Marginals)> = None;
                spans
                    .into_iter()
                    .map(|(r, l)| {
                        if !matches!(&island, Some((a, _)) if a.contains(&r.start)) {
                            let mut a = r.start;
                            while a > 0 && em[a - 1] != OUTSIDE {
                                a -= 1;
                            }
                            let mut b = r.end;
                            while b < em.len() && em[b] != OUTSIDE {
                                b += 1;
                            }
                            let entry = if a == 0 { N_TAGS } else { 0 };
                            let m = Marginals::between(&em[a..b], &exp_tr, entry, b < em.len());
                            island = Some((a..b, m));
                        }
                        let (a, m) = island.as_ref().expect("set above");
                        let p = m
                            .path_probability(r.start - a.start..r.end - a.start, &tags[r.clone()]);
                        (r, l, p as f32)
                    })
                    .collect()
            })
            .collect()
    }
}

/// Forward-backward over a sentence in probability space, normalised at every token, for
/// span probabilities. Scores are shifted by their maximum (per token for emissions, once for
/// transitions, which every path takes one of per token) and exponents below -CLAMP nats are
/// raised to it: such paths are negligible, and no product then underflows to zero however
/// peaked the scores are.
struct Marginals {
    alpha: Vec<[f64; N_TAGS]>,
    beta: Vec<[f64; N_TAGS]>,
    emit: Vec<[f64; N_TAGS]>,
    /// Per-token normalisers of alpha.
    norm: Vec<f64>,
    /// Row N_TAGS is the sentence start; 0 where forbidden.
    trans: [[f64; N_TAGS]; N_TAGS + 1],
    log_z: f64,
    scale: f64,
}

const CLAMP: f64 = 300.0;

/// The transitions in probability space at a temperature, shifted by their maximum: computed
/// once per document, not per sentence (the exps cost more than the sentence).
#[derive(Clone, Copy)]
struct ExpTransitions {
    /// Row N_TAGS is the sentence start; 0 where forbidden.
    tr: [[f64; N_TAGS]; N_TAGS + 1],
    shift: f64,
    scale: f64,
}

impl ExpTransitions {
    fn new(trans: &impl Fn(Option<usize>, usize) -> f64, temperature: f64) -> Self {
        let scale = 1.0 / temperature.max(1e-6);
        let prev_of = |p: usize| (p < N_TAGS).then_some(p);
        let shift = (0..=N_TAGS)
            .flat_map(|p| (0..N_TAGS).map(move |t| (p, t)))
            .filter(|&(p, t)| allowed(prev_of(p), t))
            .map(|(p, t)| trans(prev_of(p), t) * scale)
            .fold(f64::NEG_INFINITY, f64::max);
        let mut tr = [[0f64; N_TAGS]; N_TAGS + 1];
        for (p, row) in tr.iter_mut().enumerate() {
            for (t, x) in row.iter_mut().enumerate() {
                if allowed(prev_of(p), t) {
                    *x = (trans(prev_of(p), t) * scale - shift).max(-CLAMP).exp();
                }
            }
        }
        Self { tr, shift, scale }
    }
}

impl Marginals {
    fn new(
        em: &[[i32; N_TAGS]],
        trans: &impl Fn(Option<usize>, usize) -> f64,
        temperature: f64,
    ) -> Self {
        Self::between(em, &ExpTransitions::new(trans, temperature), N_TAGS, false)
    }

    /// Over tokens entered from row `entry` of the transitions (N_TAGS: the sentence start;
    /// 0: an O before them) and, with `into_outside`, followed by an O: the marginals of an
    /// island of scored tokens between tokens outside any name are those of the sentence.
    fn between(
        em: &[[i32; N_TAGS]],
        exp_tr: &ExpTransitions,
        entry: usize,
        into_outside: bool,
    ) -> Self {
        let ExpTransitions { tr, shift, scale } = *exp_tr;
        let n = em.len();
        let mut log_z = shift * n as f64;
        let floor = (-CLAMP).exp();
        let emit: Vec<[f64; N_TAGS]> = em
            .iter()
            .map(|e| {
                let best = e.iter().copied().max().unwrap_or(0);
                log_z += f64::from(best) * scale;
                if e.iter().all(|&x| x == best) {
                    // Tokens far from any capital are not scored: every tag scores the same.
                    return [1.0; N_TAGS];
                }
                e.map(|x| {
                    let z = f64::from(x - best) * scale;
                    // exp is the cost here: far below the best (every tag of a token outside
                    // names) the clamped value is known.
                    if z <= -CLAMP {
                        floor
                    } else {
                        z.exp()
                    }
                })
            })
            .collect();
        let mut alpha = vec![[0f64; N_TAGS]; n];
        let mut norm = vec![1f64; n];
        for i in 0..n {
            let mut sum = 0.0;
            for t in 0..N_TAGS {
                let into: f64 = if i == 0 {
                    tr[entry][t]
                } else {
                    PAIRS
                        .before(t)
                        .iter()
                        .map(|&p| alpha[i - 1][usize::from(p)] * tr[usize::from(p)][t])
                        .sum()
                };
                alpha[i][t] = into * emit[i][t];
                sum += alpha[i][t];
            }
            for a in &mut alpha[i] {
                *a /= sum;
            }
            norm[i] = sum;
            log_z += sum.ln();
        }
        let mut beta = vec![[1f64; N_TAGS]; n];
        if into_outside && n > 0 {
            // The step into the O after: normalised like every other step.
            let sum: f64 = (0..N_TAGS).map(|p| alpha[n - 1][p] * tr[p][0]).sum();
            for p in 0..N_TAGS {
                beta[n - 1][p] = tr[p][0] / sum;
            }
            log_z += shift + sum.ln();
        }
        for i in (0..n.saturating_sub(1)).rev() {
            for p in 0..N_TAGS {
                beta[i][p] = PAIRS
                    .after(p)
                    .iter()
                    .map(|&t| usize::from(t))
                    .map(|t| tr[p][t] * emit[i + 1][t] * beta[i + 1][t])
                    .sum::<f64>()
                    / norm[i + 1];
            }
        }
        Self {
            alpha,
            beta,
            emit,
            norm,
            trans: tr,
            log_z,
            scale,
        }
    }

    /// Probability that tokens `r` carry exactly `tags`.
    fn path_probability(&self, r: Range<usize>, tags: &[usize]) -> f64 {
        let mut p = self.alpha[r.start][tags[0]];
        for (k, i) in r.clone().enumerate().skip(1) {
            p *= self.trans[tags[k - 1]][tags[k]] * self.emit[i][tags[k]] / self.norm[i];
        }
        let p = p * self.beta[r.end - 1][tags[tags.len() - 1]];
        if p.is_finite() {
            p.clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}

impl LearnedTagger {
    /// VLSP 2018 labels a seat standing for its institution as a place ("Lầu Năm Góc quan ngại"
    /// is LOC there); we label the institution (ORG), which is what a reader of the news means.
    fn institution_label(&self, s: &SentenceView<'_>, r: &Range<usize>, label: Label) -> Label {
        if label != Label::Loc {
            return label;
        }
        let keys: Vec<u64> = s.tokens[r.clone()]
            .iter()
            .map(|t| key_of(t.text(s.text), t.kind))
            .collect();
        if usize::from(self.features.lists.longest_at(&keys, 0, |_| true)[INSTITUTIONS])
            == keys.len()
        {
            Label::Org
        } else {
            label
        }
    }
}

impl EntityTagger for LearnedTagger {
    fn name(&self) -> &str {
        "linear-chain-bioes"
    }

    fn tag(&self, s: &SentenceView<'_>) -> Vec<Entity> {
        self.tag_document(std::slice::from_ref(s))
            .pop()
            .unwrap_or_default()
    }

    fn tag_document(&self, sentences: &[SentenceView<'_>]) -> Vec<Vec<Entity>> {
        self.named(sentences)
            .into_iter()
            .zip(sentences)
            .map(|(names, s)| {
                let mut out: Vec<Entity> = names
                    .into_iter()
                    .map(|(r, label, confidence)| {
                        (self.institution_label(s, &r, label), r, confidence)
                    })
                    .map(|(label, r, confidence)| Entity {
                        start: s.tokens[r.start].start,
                        end: s.tokens[r.end - 1].end,
                        label,
                        confidence,
                        value: None,
                    })
                    .collect();
                // Rule entities never overlap a name ("Sư đoàn 308" stays one ORG).
                for e in numeric::tag(s) {
                    if out.iter().all(|n| e.end <= n.start || e.start >= n.end) {
                        out.push(e);
                    }
                }
                out.sort_by_key(|e| (e.start, e.end));
                out
            })
            .collect()
    }
}

/// Log-probability of the whole tag sequence `tags` under the last layer's scores `em` at
/// `temperature` (to fit the temperature).
pub fn sequence_log_probability(
    model: &NerModel,
    em: &[[i32; N_TAGS]],
    tags: &[usize],
    temperature: f64,
) -> f64 {
    if em.is_empty() {
        return 0.0;
    }
    let last = model.layers() - 1;
    let trans = |p: Option<usize>, t: usize| model.transition(last, p, t);
    let m = Marginals::new(em, &trans, temperature);
    let mut prev = None;
    let mut s = 0.0;
    for (e, &t) in em.iter().zip(tags) {
        s += trans(prev, t) + f64::from(e[t]);
        prev = Some(t);
    }
    s * m.scale - m.log_z
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

    #[test]
    fn integer_viterbi_matches_the_float_one() {
        let model = NerModel::from_bytes(EMBEDDED_ENTITIES).unwrap();
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for n in 1..40 {
            let em: Vec<[i32; N_TAGS]> = (0..n)
                .map(|_| {
                    if next() % 4 == 0 {
                        OUTSIDE
                    } else {
                        // Small ranges make ties, where the choice must match too.
                        std::array::from_fn(|_| (next() % 7) as i32 * 100 - 300)
                    }
                })
                .collect();
            for layer in 0..model.layers() {
                let float = viterbi(&em, |p, t| model.transition(layer, p, t));
                assert_eq!(model.best_tags(layer, &em), float, "n={n} layer={layer}");
            }
        }
    }

    /// Every tag sequence of `n` tokens that the constraints allow.
    fn all_paths(n: usize) -> Vec<Vec<usize>> {
        let mut paths = vec![Vec::new()];
        for _ in 0..n {
            let mut longer = Vec::new();
            for p in &paths {
                for t in (0..N_TAGS).filter(|&t| allowed(p.last().copied(), t)) {
                    let mut q = p.clone();
                    q.push(t);
                    longer.push(q);
                }
            }
            paths = longer;
        }
        paths
    }

    #[test]
    fn island_marginals_are_the_sentence_ones() {
        let mut rng = 0x51_7CC1_B727_220Au64;
        let mut next = |m: i32| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng % (2 * m as u64 + 1)) as i32 - m
        };
        // Scored tokens 1..4 and 5..7 between tokens outside any name.
        let em: Vec<[i32; N_TAGS]> = (0..8)
            .map(|i| {
                if [0, 4, 7].contains(&i) {
                    OUTSIDE
                } else {
                    [0; N_TAGS].map(|_| next(300))
                }
            })
            .collect();
        let tr: Vec<f64> = (0..(N_TAGS + 1) * N_TAGS)
            .map(|_| f64::from(next(200)))
            .collect();
        let trans = |p: Option<usize>, t: usize| tr[p.unwrap_or(N_TAGS) * N_TAGS + t];
        let whole = Marginals::new(&em, &trans, 100.0);
        let mut checked = 0;
        for island in [1..4, 5..7] {
            let exp_tr = ExpTransitions::new(&trans, 100.0);
            let part = Marginals::between(&em[island.clone()], &exp_tr, 0, true);
            for a in island.clone() {
                for b in a + 1..=island.end {
                    for path in all_paths(b - a) {
                        let want = whole.path_probability(a..b, &path);
                        let r = a - island.start..b - island.start;
                        let got = part.path_probability(r, &path);
                        assert!((got - want).abs() < 1e-12, "{a}..{b} {path:?}");
                        checked += usize::from(want > 1e-6);
                    }
                }
            }
        }
        assert!(checked > 10);
    }

    #[test]
    fn span_probabilities_match_brute_force_at_any_temperature() {
        let mut rng = 0x9E37_79B9u64;
        let mut next = |m: i32| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng % (2 * m as u64 + 1)) as i32 - m
        };
        let em: Vec<[i32; N_TAGS]> = (0..4).map(|_| [0; N_TAGS].map(|_| next(300))).collect();
        let tr: Vec<f64> = (0..(N_TAGS + 1) * N_TAGS)
            .map(|_| f64::from(next(200)))
            .collect();
        let trans = |p: Option<usize>, t: usize| tr[p.unwrap_or(N_TAGS) * N_TAGS + t];
        let score = |path: &[usize]| -> f64 {
            let mut prev = None;
            let mut s = 0.0;
            for (e, &t) in em.iter().zip(path) {
                s += trans(prev, t) + f64::from(e[t]);
                prev = Some(t);
            }
            s
        };
        let paths = all_paths(em.len());
        for temperature in [100.0, 30.0, 0.01] {
            let m = Marginals::new(&em, &trans, temperature);
            let weights: Vec<f64> = paths.iter().map(|p| score(p) / temperature).collect();
            let top = weights.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let z: f64 = weights.iter().map(|w| (w - top).exp()).sum();
            // Tokens 1..3 tagged B-PER I-PER.
            let want: f64 = paths
                .iter()
                .zip(&weights)
                .filter(|(p, _)| p[1] == 1 && p[2] == 2)
                .map(|(_, w)| (w - top).exp())
                .sum::<f64>()
                / z;
            let got = m.path_probability(1..3, &[1, 2]);
            assert!(got.is_finite(), "temperature {temperature}");
            if temperature > 1.0 {
                assert!(
                    (got - want).abs() < 1e-9,
                    "{got} vs {want} at {temperature}"
                );
                assert!((m.log_z - (top + z.ln())).abs() < 1e-6);
            }
        }
    }
}
