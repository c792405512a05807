//! The part-of-speech model: per feature hash a row of one weight per tag, tag-to-tag
//! transitions, and word classes; decoding is Viterbi over the words of a sentence.
use crate::analysis::entities::clusters::{ClustersError, WordClusters};

use super::features::{features, Lookups, WordInfo, N_FEATURES};
use super::tag_sets::{TagSets, TagSetsError};
use super::TAGS;

const MAGIC: &[u8; 8] = b"VTXPOS01";

/// A part-of-speech model file that does not load.
#[derive(Debug, thiserror::Error)]
pub enum PosModelError {
    /// Not a part-of-speech model.
    #[error("not a vitext part-of-speech model (bad magic)")]
    BadMagic,
    /// Truncated or the wrong size.
    #[error("part-of-speech model truncated or the wrong size")]
    BadSize,
    /// A tag the service does not know.
    #[error("part-of-speech model has an unknown tag {0:?}")]
    UnknownTag(String),
    /// Its word classes do not load.
    #[error("part-of-speech model: {0}")]
    Clusters(#[from] ClustersError),
    /// Its tag sets do not load.
    #[error("part-of-speech model: {0}")]
    TagSets(#[from] TagSetsError),
}

/// A trained model. Weights are in fixed point: score units, the same for rows and transitions.
#[derive(Clone, Debug, PartialEq)]
pub struct PosModel {
    bits: u32,
    /// The model's tags, as indices into `TAGS`.
    tags: Vec<u8>,
    /// 2^bits rows of `tags.len()` weights.
    weights: Vec<i16>,
    /// (tags + 1) rows of `tags.len()`: row 0 from the sentence start, row 1 + t after tag t.
    transitions: Vec<i16>,
    /// Word classes the class features read, coarse then fine.
    clusters: Vec<WordClusters>,
    /// Tags seen with each training word.
    tag_sets: TagSets,
}

impl PosModel {
    /// A model from its parts; `tags` are names in `TAGS`.
    pub fn new(
        bits: u32,
        tags: &[&str],
        weights: Vec<i16>,
        transitions: Vec<i16>,
        clusters: Vec<WordClusters>,
        tag_sets: TagSets,
    ) -> Result<Self, PosModelError> {
        let tags = tags
            .iter()
            .map(|t| {
                TAGS.iter()
                    .position(|k| k == t)
                    .map(|i| i as u8)
                    .ok_or_else(|| PosModelError::UnknownTag(t.to_string()))
            })
            .collect::<Result<Vec<u8>, _>>()?;
        let n = tags.len();
        if n == 0 || weights.len() != (1usize << bits) * n || transitions.len() != (n + 1) * n {
            return Err(PosModelError::BadSize);
        }
        Ok(Self {
            bits,
            tags,
            weights,
            transitions,
            clusters,
            tag_sets,
        })
    }

    /// Tags the model knows, in its order.
    pub fn tag_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.tags.iter().map(|&t| TAGS[t as usize])
    }

    /// Number of tags.
    pub fn n_tags(&self) -> usize {
        self.tags.len()
    }

    /// The row of a feature hash in a table of 2^`bits` rows.
    #[inline]
    pub fn row(bits: u32, hash: u64) -> usize {
        (hash >> (64 - bits)) as usize
    }

    /// What its features look words up in.
    pub fn lookups(&self) -> Lookups<'_> {
        Lookups {
            classes: &self.clusters,
            tag_sets: &self.tag_sets,
        }
    }

    /// Adds the weights of `feats` to `scores` (one per tag).
    #[inline]
    fn emission(&self, feats: &[u64; N_FEATURES], scores: &mut [i32]) {
        let n = self.tags.len();
        scores.iter_mut().for_each(|s| *s = 0);
        for &h in feats {
            let at = Self::row(self.bits, h) * n;
            for (s, &w) in scores.iter_mut().zip(&self.weights[at..at + n]) {
                *s += i32::from(w);
            }
        }
    }

    /// The best tag sequence of a sentence's words, as indices into `TAGS`.
    pub fn decode(&self, words: &[WordInfo]) -> Vec<u8> {
        let n = self.tags.len();
        let mut feats = [0u64; N_FEATURES];
        let path = viterbi(
            words.len(),
            n,
            |i, scores: &mut [i32]| {
                features(words, i, &mut feats);
                self.emission(&feats, scores);
            },
            |from, to| i32::from(self.transitions[from.map_or(0, |p| p + 1) * n + to]),
        );
        path.into_iter().map(|t| self.tags[t as usize]).collect()
    }

    /// Layout: magic, u32 bits, u8 tag count, each tag as u8 length + bytes, u8 count of word class sets
    /// and the sets, the tag sets (their own formats), then 2^bits x tags and (tags + 1) x tags little-endian i16.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64 + 2 * (self.weights.len() + self.transitions.len()));
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.bits.to_le_bytes());
        out.push(self.tags.len() as u8);
        for name in self.tag_names() {
            out.push(name.len() as u8);
            out.extend_from_slice(name.as_bytes());
        }
        out.push(self.clusters.len() as u8);
        for c in &self.clusters {
            out.extend_from_slice(&c.to_bytes());
        }
        out.extend_from_slice(&self.tag_sets.to_bytes());
        for w in self.weights.iter().chain(&self.transitions) {
            out.extend_from_slice(&w.to_le_bytes());
        }
        out
    }

    /// Reads a model file, checking its magic, tags and size.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, PosModelError> {
        if bytes.len() < 13 || &bytes[..8] != MAGIC {
            return Err(PosModelError::BadMagic);
        }
        let bits = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
        if !(8..=24).contains(&bits) {
            return Err(PosModelError::BadSize);
        }
        let n = bytes[12] as usize;
        let mut at = 13;
        let mut names = Vec::with_capacity(n);
        for _ in 0..n {
            let len = *bytes.get(at).ok_or(PosModelError::BadSize)? as usize;
            let name = bytes
                .get(at + 1..at + 1 + len)
                .and_then(|b| std::str::from_utf8(b).ok())
                .ok_or(PosModelError::BadSize)?;
            names.push(name);
            at += 1 + len;
        }
        let n_sets = *bytes.get(at).ok_or(PosModelError::BadSize)?;
        let mut rest = &bytes[at + 1..];
        let mut clusters = Vec::with_capacity(usize::from(n_sets));
        for _ in 0..n_sets {
            let (c, r) = WordClusters::from_bytes(rest)?;
            clusters.push(c);
            rest = r;
        }
        let (tag_sets, rest) = TagSets::from_bytes(rest)?;
        let want = ((1usize << bits) * n + (n + 1) * n) * 2;
        if rest.len() != want {
            return Err(PosModelError::BadSize);
        }
        let all: Vec<i16> = rest
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]))
            .collect();
        let split = (1usize << bits) * n;
        Self::new(
            bits,
            &names,
            all[..split].to_vec(),
            all[split..].to_vec(),
            clusters,
            tag_sets,
        )
    }
}

/// The best path through `m` positions of `n` tags (indices into the model's tags): `emit(i,
/// scores)` fills position i's scores, `transition(from, to)` scores a step (`from` None at
/// the start). Generic so that training (f32) and serving (fixed point) decode alike.
pub fn viterbi<S>(
    m: usize,
    n: usize,
    mut emit: impl FnMut(usize, &mut [S]),
    transition: impl Fn(Option<usize>, usize) -> S,
) -> Vec<u8>
where
    S: Copy + Default + PartialOrd + std::ops::Add<Output = S>,
{
    if m == 0 || n == 0 {
        return Vec::new();
    }
    let mut scores = vec![S::default(); n];
    let mut best = vec![S::default(); n];
    let mut next = vec![S::default(); n];
    let mut back = vec![0u8; m * n];
    for i in 0..m {
        emit(i, &mut scores);
        if i == 0 {
            for t in 0..n {
                best[t] = scores[t] + transition(None, t);
            }
            continue;
        }
        for t in 0..n {
            let mut arg = 0;
            let mut top = best[0] + transition(Some(0), t);
            for (p, &b) in best.iter().enumerate().skip(1) {
                let s = b + transition(Some(p), t);
                if s > top {
                    top = s;
                    arg = p;
                }
            }
            next[t] = top + scores[t];
            back[i * n + t] = arg as u8;
        }
        std::mem::swap(&mut best, &mut next);
    }
    let mut t = 0;
    for k in 1..n {
        if best[k] > best[t] {
            t = k;
        }
    }
    let mut out = vec![0u8; m];
    for i in (0..m).rev() {
        out[i] = t as u8;
        if i > 0 {
            t = back[i * n + t] as usize;
        }
    }
    out
}
