//! The learned word segmenter: a linear model over the boundary between each pair of adjacent
//! tokens (join or split), vaporetto-style. Features are hashed n-grams of syllable keys around
//! the boundary, token shapes, the gap between the tokens, which lexicon words span it, and how
//! often the syllables around it stand as one word in a large segmented corpus. Weights are a
//! flat i16 array indexed by feature hash; decoding is a sum and a sign per boundary, with no
//! search.
use std::ops::Range;

use super::corpus_words::{mostly_a_word, CorpusWords, CorpusWordsError};
use super::tokenize::{Syllable, TokenKind};
use super::WordSegmenter;
use crate::analysis::features::{feature_hash, key_of, shape_of, BOS, EOS};
use crate::analysis::lexicon::{Lexicons, WordSet};
use crate::analysis::prefix_index::{PrefixIndex, TokenKeys};

/// Features per boundary (one per `BoundaryFeature`).
pub const N_FEATURES: usize = 20;
const MAGIC: &[u8; 8] = b"VTXSEG02";

/// A boundary feature template. The number goes into the feature's hash, so the numbers are
/// part of the model file: never renumber them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoundaryFeature {
    /// Always on.
    Bias = 0,
    /// Key of the token left of the boundary.
    Left = 1,
    /// Key of the token right of it.
    Right = 2,
    /// Both keys.
    LeftRight = 3,
    /// The two keys on the left.
    TwoLeft = 4,
    /// The two keys on the right.
    TwoRight = 5,
    /// Two keys left and one right.
    TwoLeftAndRight = 6,
    /// One key left and two right.
    LeftAndTwoRight = 7,
    /// The key two left.
    SecondLeft = 8,
    /// The key two right.
    SecondRight = 9,
    /// Shapes of the four tokens around it and the gap.
    Shapes = 10,
    /// Shapes of the two tokens and the gap.
    ShapesAndGap = 11,
    /// The left key, the right shape and the gap.
    LeftAndRightShape = 12,
    /// The left shape, the right key and the gap.
    LeftShapeAndRight = 13,
    /// Which lexicon words span or end at the boundary.
    Lexicon = 14,
    /// That with the two shapes.
    LexiconAndShapes = 15,
    /// Both keys with the lexicon flags.
    LeftRightAndLexicon = 16,
    /// How often the two tokens are one word in the corpus, with their shapes.
    CorpusPair = 17,
    /// The longest corpus word over the boundary and whether one ends or starts at it.
    CorpusSpan = 18,
    /// The corpus' pair and span with the lexicon flags (where the two sources agree).
    CorpusAndLexicon = 19,
}

/// Salt of the segmenter's features.
const SALT: u64 = 0xABCD;

/// Per-token inputs of the features.
#[derive(Clone, Copy, Debug)]
pub struct TokenInfo {
    /// The token's hashed key.
    pub key: u64,
    /// The token's shape.
    pub shape: u8,
}

impl TokenKeys for [TokenInfo] {
    #[inline]
    fn count(&self) -> usize {
        self.len()
    }
    #[inline]
    fn key(&self, i: usize) -> u64 {
        self[i].key
    }
}

/// Per-boundary inputs besides the tokens.
#[derive(Clone, Copy, Debug, Default)]
pub struct BoundaryInfo {
    /// 0 none, 1 spaces, 2 other blank; line breaks never reach the model.
    pub gap: u8,
    /// Longest lexicon word containing both tokens (0 when none).
    pub dict_span: u8,
    /// A lexicon word ends just left of the boundary.
    pub dict_ends_left: bool,
    /// A lexicon word starts just right of the boundary.
    pub dict_starts_right: bool,
    /// What the large corpus says of the syllables around the boundary.
    pub corpus: TableMatch,
}

/// What the corpus word table says about one boundary.
#[derive(Clone, Copy, Debug, Default)]
pub struct TableMatch {
    /// Bucket of the two tokens as one word (0: not an entry).
    pub pair: u8,
    /// Longest sequence over the boundary that is mostly one word (0: none).
    pub span: u8,
    /// A mostly-word sequence ends just left of the boundary.
    pub ends_left: bool,
    /// A mostly-word sequence starts just right of it.
    pub starts_right: bool,
}

impl TableMatch {
    /// The span facts as one number.
    fn span_code(&self) -> u64 {
        u64::from(self.span) << 2 | u64::from(self.ends_left) << 1 | u64::from(self.starts_right)
    }
}

/// Fills the boundaries' corpus facts with the table's entries starting at token `s`.
fn match_table(
    table: &CorpusWords,
    keys: &[TokenInfo],
    s: usize,
    joinable: &[bool],
    boundaries: &mut [BoundaryInfo],
) {
    let n = keys.len();
    table.matches_at(
        keys,
        s,
        |i| joinable[i - 1],
        |len, bucket| {
            if len == 2 {
                boundaries[s].corpus.pair = bucket;
            }
            if !mostly_a_word(bucket) {
                return;
            }
            for b in &mut boundaries[s..s + len - 1] {
                b.corpus.span = b.corpus.span.max(len as u8);
            }
            if s > 0 {
                boundaries[s - 1].corpus.starts_right = true;
            }
            if s + len - 1 < n - 1 {
                boundaries[s + len - 1].corpus.ends_left = true;
            }
        },
    );
}

/// The lexicon's words as a prefix index (one list).
pub struct LexiconIndex(PrefixIndex);

impl LexiconIndex {
    /// The index of a word list.
    pub fn new(words: &WordSet) -> Self {
        Self(PrefixIndex::new(&[words]))
    }
}

/// Everything the model looks at for one sentence.
pub struct SentenceFeatures {
    /// Per token, its key and shape.
    pub tokens: Vec<TokenInfo>,
    /// Per boundary between tokens, the gap and the lexicon's words.
    pub boundaries: Vec<BoundaryInfo>,
    /// Boundaries that can never join (line breaks).
    pub forced_split: Vec<bool>,
}

impl SentenceFeatures {
    /// The features of one sentence's tokens.
    pub fn new(
        text: &str,
        tokens: &[Syllable],
        lexicon: &LexiconIndex,
        corpus: &CorpusWords,
    ) -> Self {
        let infos: Vec<TokenInfo> = tokens
            .iter()
            .map(|t| {
                let s = t.text(text);
                TokenInfo {
                    key: key_of(s, t.kind),
                    shape: shape_of(s, t.kind),
                }
            })
            .collect();
        let n = tokens.len();
        let mut boundaries = vec![BoundaryInfo::default(); n.saturating_sub(1)];
        let mut forced_split = vec![false; n.saturating_sub(1)];
        for k in 0..n.saturating_sub(1) {
            let gap = &text[tokens[k].end..tokens[k + 1].start];
            boundaries[k].gap = if gap.is_empty() {
                0
            } else if gap.bytes().all(|b| b == b' ') {
                1
            } else {
                2
            };
            forced_split[k] = gap.contains('\n');
        }
        // Lexicon words over runs of space-separated Word tokens.
        let joinable: Vec<bool> = (0..n.saturating_sub(1))
            .map(|k| {
                boundaries[k].gap == 1
                    && tokens[k].kind == TokenKind::Word
                    && tokens[k + 1].kind == TokenKind::Word
            })
            .collect();
        for s in 0..n {
            if tokens[s].kind != TokenKind::Word {
                continue;
            }
            // One-syllable entries span no boundary: the walk starts at two.
            lexicon.0.matches_from(
                infos.as_slice(),
                s,
                2,
                |i| joinable[i - 1],
                |len, _| {
                    for b in &mut boundaries[s..s + len - 1] {
                        b.dict_span = b.dict_span.max(len as u8);
                    }
                    if s > 0 {
                        boundaries[s - 1].dict_starts_right = true;
                    }
                    if s + len - 1 < n - 1 {
                        boundaries[s + len - 1].dict_ends_left = true;
                    }
                },
            );
            match_table(corpus, &infos, s, &joinable, &mut boundaries);
        }
        Self {
            tokens: infos,
            boundaries,
            forced_split,
        }
    }

    /// Feature hashes of boundary k (between token k and k+1).
    pub fn features(&self, k: usize, out: &mut [u64; N_FEATURES]) {
        let t = &self.tokens;
        let at = |i: isize| -> (u64, u8) {
            if i < 0 {
                (BOS, b'^')
            } else if i as usize >= t.len() {
                (EOS, b'$')
            } else {
                (t[i as usize].key, t[i as usize].shape)
            }
        };
        let k = k as isize;
        let (l2, sl2) = at(k - 1);
        let (l1, sl1) = at(k);
        let (r1, sr1) = at(k + 1);
        let (r2, sr2) = at(k + 2);
        let b = self.boundaries[k as usize];
        let gap = u64::from(b.gap);
        let f = |b: BoundaryFeature, parts: &[u64]| feature_hash(b as u64, SALT, parts);
        use BoundaryFeature as B;
        let shapes4 = u64::from_le_bytes([sl2, sl1, sr1, sr2, b.gap, 0, 0, 0]);
        let shapes2 = u64::from(sl1) << 8 | u64::from(sr1);
        let dict = u64::from(b.dict_span.min(5)) << 2
            | u64::from(b.dict_ends_left) << 1
            | u64::from(b.dict_starts_right);
        let span = b.corpus.span_code();
        let pair = u64::from(b.corpus.pair);

        *out = [
            f(B::Bias, &[]),
            f(B::Left, &[l1]),
            f(B::Right, &[r1]),
            f(B::LeftRight, &[l1, r1]),
            f(B::TwoLeft, &[l2, l1]),
            f(B::TwoRight, &[r1, r2]),
            f(B::TwoLeftAndRight, &[l2, l1, r1]),
            f(B::LeftAndTwoRight, &[l1, r1, r2]),
            f(B::SecondLeft, &[l2]),
            f(B::SecondRight, &[r2]),
            f(B::Shapes, &[shapes4]),
            f(B::ShapesAndGap, &[shapes2, gap]),
            f(B::LeftAndRightShape, &[l1, u64::from(sr1), gap]),
            f(B::LeftShapeAndRight, &[u64::from(sl1), r1, gap]),
            f(B::Lexicon, &[dict]),
            f(B::LexiconAndShapes, &[dict, shapes2]),
            f(B::LeftRightAndLexicon, &[l1, r1, dict]),
            f(B::CorpusPair, &[pair, shapes2]),
            f(B::CorpusSpan, &[span]),
            f(B::CorpusAndLexicon, &[pair, span, dict]),
        ];
    }
}

/// A trained model: quantised weights indexed by the top `bits` bits of a feature hash, and
/// the corpus word table its features read.
pub struct Model {
    bits: u32,
    weights: Vec<i16>,
    corpus: CorpusWords,
}

#[derive(Debug, thiserror::Error)]
/// A segmenter model file that does not load.
pub enum ModelError {
    #[error("not a vitext segmenter model (bad magic)")]
    /// Not a segmenter model.
    BadMagic,
    #[error("model file truncated or the wrong size")]
    /// Truncated or the wrong size.
    BadSize,
    #[error("segmenter model: {0}")]
    /// Its corpus word table does not load.
    CorpusWords(#[from] CorpusWordsError),
}

impl Model {
    #[inline]
    /// The weight of a feature hash in a table of 2^`bits` weights.
    pub fn index(bits: u32, hash: u64) -> usize {
        (hash >> (64 - bits)) as usize
    }

    /// A model from its weights and corpus word table.
    pub fn from_weights(bits: u32, weights: Vec<i16>, corpus: CorpusWords) -> Self {
        Self {
            bits,
            weights,
            corpus,
        }
    }

    /// A boundary's score: positive joins the tokens.
    pub fn score(&self, features: &[u64; N_FEATURES]) -> i32 {
        features
            .iter()
            .map(|&h| i32::from(self.weights[Self::index(self.bits, h)]))
            .sum()
    }

    /// Layout: magic, u32 bits, 2^bits little-endian i16 weights, then the corpus word table.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(12 + self.weights.len() * 2);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.bits.to_le_bytes());
        for w in &self.weights {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out.extend_from_slice(&self.corpus.to_bytes());
        out
    }

    /// Reads a model file, checking its magic and size.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
        if bytes.len() < 12 || &bytes[..8] != MAGIC {
            return Err(ModelError::BadMagic);
        }
        let bits = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
        if !(8..=26).contains(&bits) || bytes.len() < 12 + (2usize << bits) {
            return Err(ModelError::BadSize);
        }
        let end = 12 + (2usize << bits);
        let weights = bytes[12..end]
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]))
            .collect();
        let (corpus, rest) = CorpusWords::from_bytes(&bytes[end..])?;
        if !rest.is_empty() {
            return Err(ModelError::BadSize);
        }
        Ok(Self {
            bits,
            weights,
            corpus,
        })
    }
}

/// The embedded model, trained by `vitext train segmenter` (see models/README.md).
pub const EMBEDDED_SEGMENTER: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/models/segmenter.bin"));

/// The learned segmenter: the boundary model over the lexicon's words.
pub struct PerceptronSegmenter {
    model: Model,
    lexicon: LexiconIndex,
}

impl PerceptronSegmenter {
    /// The model over the lexicons' words.
    pub fn new(model: Model, lexicons: &Lexicons) -> Self {
        Self {
            model,
            lexicon: LexiconIndex::new(&lexicons.words),
        }
    }

    /// The embedded model over the embedded lexicons.
    pub fn embedded() -> Result<Self, ModelError> {
        Ok(Self::new(
            Model::from_bytes(EMBEDDED_SEGMENTER)?,
            Lexicons::get(),
        ))
    }

    /// Which boundaries join, for one sentence.
    pub fn joins(&self, feats: &SentenceFeatures) -> Vec<bool> {
        let mut buf = [0u64; N_FEATURES];
        (0..feats.boundaries.len())
            .map(|k| {
                if feats.forced_split[k] {
                    return false;
                }
                feats.features(k, &mut buf);
                self.model.score(&buf) > 0
            })
            .collect()
    }
}

/// Word ranges from join decisions.
pub fn words_from_joins(joins: &[bool], n_tokens: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (k, &j) in joins.iter().enumerate() {
        if !j {
            out.push(start..k + 1);
            start = k + 1;
        }
    }
    if start < n_tokens {
        out.push(start..n_tokens);
    }
    out
}

impl WordSegmenter for PerceptronSegmenter {
    fn name(&self) -> &str {
        "perceptron"
    }

    fn segment(&self, text: &str, tokens: &[Syllable]) -> Vec<Range<usize>> {
        if tokens.is_empty() {
            return Vec::new();
        }
        let feats = SentenceFeatures::new(text, tokens, &self.lexicon, &self.model.corpus);
        words_from_joins(&self.joins(&feats), tokens.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::segment::tokenize::tokenize;

    fn words(text: &str) -> Vec<String> {
        let seg = PerceptronSegmenter::embedded().expect("embedded model");
        let toks = tokenize(text);
        seg.segment(text, &toks)
            .into_iter()
            .map(|r| text[toks[r.start].start..toks[r.end - 1].end].to_string())
            .collect()
    }

    #[test]
    fn embedded_model_segments_news_text() {
        let w = words("Bộ trưởng Quốc phòng Mỹ thăm Lầu Năm Góc hôm thứ Năm.");
        for expected in ["Bộ trưởng", "Quốc phòng", "Mỹ", "thăm"] {
            assert!(w.iter().any(|x| x == expected), "{expected:?} not in {w:?}");
        }
    }

    #[test]
    fn embedded_model_follows_the_vlsp_convention() {
        // VLSP 2013 joins these (UD-VTB splits "người dân"); the shipped model is VLSP's.
        let w = words("Người dân ủng hộ xã hội chủ nghĩa.");
        for expected in ["Người dân", "ủng hộ", "xã hội chủ nghĩa"] {
            assert!(w.iter().any(|x| x == expected), "{expected:?} not in {w:?}");
        }
    }

    #[test]
    fn model_bytes_round_trip_and_reject_garbage() {
        let corpus = CorpusWords::new([(&[1u64, 2][..], 12u8), (&[3u64, 4, 5][..], 15u8)]);
        let m = Model::from_weights(8, (0..256).map(|i| i as i16 - 128).collect(), corpus);
        let back = Model::from_bytes(&m.to_bytes()).unwrap();
        assert_eq!(back.weights, m.weights);
        assert_eq!(back.corpus, m.corpus);
        assert!(matches!(
            Model::from_bytes(b"nonsense"),
            Err(ModelError::BadMagic)
        ));
        // Cut inside the corpus table, and inside the weights.
        let mut short = m.to_bytes();
        short.pop();
        assert!(matches!(
            Model::from_bytes(&short),
            Err(ModelError::CorpusWords(_))
        ));
        assert!(matches!(
            Model::from_bytes(&short[..100]),
            Err(ModelError::BadSize)
        ));
        let mut long = m.to_bytes();
        long.push(0);
        assert!(matches!(Model::from_bytes(&long), Err(ModelError::BadSize)));
    }

    #[test]
    fn joins_become_word_ranges() {
        assert_eq!(
            words_from_joins(&[true, false, false, true], 5),
            vec![0..2, 2..3, 3..5]
        );
        assert_eq!(words_from_joins(&[], 1), vec![0..1]);
    }
}
