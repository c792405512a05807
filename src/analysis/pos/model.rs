//! The part-of-speech model: per feature hash a row of one weight per tag, tag-to-tag
//! transitions, and word classes; decoding is Viterbi over the words of a sentence.
use crate::analysis::entities::clusters::{ClustersError, WordClusters};

use super::features::{features, Lookups, WordFacts, WordInfo, N_FEATURES};
use super::tag_sets::{TagSets, TagSetsError};
use super::TAGS;

const MAGIC: &[u8; 8] = b"VTXPOS02";

/// Weights a row holds: every tag of `TAGS`, the row padded to 32 bytes (half a cache line,
/// aligned) so a feature's lookup touches one line.
const ROW: usize = 32;
const _: () = assert!(TAGS.len() <= ROW);

/// One feature's weights, one per tag (the model's first `n`; the rest zero).
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(C, align(32))]
struct Row([i8; ROW]);

/// Candidate tags per word when serving: the Viterbi step costs beam x beam, not tags x tags.
pub const BEAM: usize = 5;

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
    /// 2^bits rows of weights.
    weights: Vec<Row>,
    /// (tags + 1) rows of `tags.len()`: row 0 from the sentence start, row 1 + t after tag t.
    transitions: Vec<i16>,
    /// Word classes the class features read, coarse then fine.
    clusters: Vec<WordClusters>,
    /// Tags seen with each training word.
    tag_sets: TagSets,
    /// Both, one lookup a word.
    facts: WordFacts,
}

impl PosModel {
    /// A model from its parts; `tags` are names in `TAGS`, `weights` 2^bits rows of one per tag.
    pub fn new(
        bits: u32,
        tags: &[&str],
        weights: &[i8],
        transitions: Vec<i16>,
        clusters: Vec<WordClusters>,
        tag_sets: TagSets,
    ) -> Result<Self, PosModelError> {
        Self::from_rows(bits, tags, weights, |&w| w, transitions, clusters, tag_sets)
    }

    /// `new` over weights stored as any byte-sized type (`weight` reads one): a model file's
    /// bytes go straight into the rows, with no copy of the table in between.
    fn from_rows<W>(
        bits: u32,
        tags: &[&str],
        weights: &[W],
        weight: impl Fn(&W) -> i8,
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
        let weights = weights
            .chunks_exact(n)
            .map(|c| {
                let mut row = Row([0; ROW]);
                row.0.iter_mut().zip(c).for_each(|(r, w)| *r = weight(w));
                row
            })
            .collect();
        let facts = WordFacts::new(&clusters, &tag_sets);
        Ok(Self {
            bits,
            tags,
            weights,
            transitions,
            clusters,
            tag_sets,
            facts,
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
        &self.facts
    }

    /// Adds the weights of `feats` to `scores` (one per tag).
    #[inline]
    fn emission(&self, feats: &[u64; N_FEATURES], scores: &mut [i32]) {
        let mut sum = [0i32; ROW];
        for &h in feats {
            let row = &self.weights[Self::row(self.bits, h)].0;
            for (s, &w) in sum.iter_mut().zip(row) {
                *s += i32::from(w);
            }
        }
        scores.copy_from_slice(&sum[..scores.len()]);
    }

    /// Asks the cache for the rows of a coming word's features (two words ahead): a row is a
    /// random line of a table larger than the L2 cache, and waiting for it was half the
    /// tagger's time.
    #[inline]
    fn prefetch(&self, feats: &[u64; N_FEATURES]) {
        #[cfg(target_arch = "x86_64")]
        for &h in feats {
            let line = &self.weights[Self::row(self.bits, h)] as *const Row as *const i8;
            // SAFETY: a prefetch is only a hint to the cache; it reads nothing and cannot fault.
            unsafe {
                core::arch::x86_64::_mm_prefetch::<{ core::arch::x86_64::_MM_HINT_T0 }>(line)
            };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = feats;
    }

    /// The best tag sequence of a sentence's words, as indices into `TAGS`.
    pub fn decode(&self, words: &[WordInfo]) -> Vec<u8> {
        let n = self.tags.len();
        let feats: Vec<[u64; N_FEATURES]> = (0..words.len())
            .map(|i| {
                let mut f = [0u64; N_FEATURES];
                features(words, i, &mut f);
                f
            })
            .collect();
        for f in feats.iter().take(2) {
            self.prefetch(f);
        }
        let path = viterbi(
            words.len(),
            n,
            BEAM,
            |i, scores: &mut [i32]| {
                if let Some(f) = feats.get(i + 2) {
                    self.prefetch(f);
                }
                self.emission(&feats[i], scores);
            },
            |from, to| i32::from(self.transitions[from.map_or(0, |p| p + 1) * n + to]),
        );
        path.into_iter().map(|t| self.tags[t as usize]).collect()
    }

    /// Layout: magic, u32 bits, u8 tag count, each tag as u8 length + bytes, u8 count of word
    /// class sets and the sets, the tag sets (their own formats), then 2^bits x tags i8
    /// weights and (tags + 1) x tags little-endian i16 transitions.
    pub fn to_bytes(&self) -> Vec<u8> {
        let n = self.tags.len();
        let mut out = Vec::with_capacity(64 + self.weights.len() * n + 2 * self.transitions.len());
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
        out.extend(
            self.weights
                .iter()
                .flat_map(|r| r.0[..n].iter().map(|&w| w as u8)),
        );
        for w in &self.transitions {
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
        let split = (1usize << bits) * n;
        if rest.len() != split + (n + 1) * n * 2 {
            return Err(PosModelError::BadSize);
        }
        let transitions = rest[split..]
            .chunks_exact(2)
            .map(|c| i16::from_le_bytes([c[0], c[1]]))
            .collect();
        Self::from_rows(
            bits,
            &names,
            &rest[..split],
            |&b| b as i8,
            transitions,
            clusters,
            tag_sets,
        )
    }
}

/// The best path through `m` positions of `n` tags (indices into the model's tags): `emit(i,
/// scores)` fills position i's scores, `transition(from, to)` scores a step (`from` None at
/// the start). Only the `beam` best-emitting tags of each position are paths' candidates
/// (`beam >= n`: exact). Generic so that training (f32) and serving (fixed point) decode alike.
pub fn viterbi<S>(
    m: usize,
    n: usize,
    beam: usize,
    mut emit: impl FnMut(usize, &mut [S]),
    transition: impl Fn(Option<usize>, usize) -> S,
) -> Vec<u8>
where
    S: Copy + Default + PartialOrd + std::ops::Add<Output = S>,
{
    if m == 0 || n == 0 {
        return Vec::new();
    }
    let k = beam.clamp(1, n);
    let mut scores = vec![S::default(); n];
    // Per position its k candidate tags, their best path scores and back pointers (candidate
    // index at the position before).
    let mut cand = vec![0u8; m * k];
    let mut best = vec![S::default(); k];
    let mut next = vec![S::default(); k];
    let mut back = vec![0u8; m * k];
    for i in 0..m {
        emit(i, &mut scores);
        let here = &mut cand[i * k..(i + 1) * k];
        if k == n {
            here.iter_mut().enumerate().for_each(|(t, c)| *c = t as u8);
        } else {
            top_k(&scores, here);
        }
        if i == 0 {
            for (b, &t) in best.iter_mut().zip(here.iter()) {
                *b = scores[t as usize] + transition(None, t as usize);
            }
            continue;
        }
        let (before, now) = cand.split_at(i * k);
        let prev = &before[(i - 1) * k..];
        for (j, &t) in now[..k].iter().enumerate() {
            let mut arg = 0;
            let mut top = best[0] + transition(Some(prev[0] as usize), t as usize);
            for p in 1..k {
                let s = best[p] + transition(Some(prev[p] as usize), t as usize);
                if s > top {
                    top = s;
                    arg = p;
                }
            }
            next[j] = top + scores[t as usize];
            back[i * k + j] = arg as u8;
        }
        std::mem::swap(&mut best, &mut next);
    }
    let mut j = 0;
    for c in 1..k {
        if best[c] > best[j] {
            j = c;
        }
    }
    let mut out = vec![0u8; m];
    for i in (0..m).rev() {
        out[i] = cand[i * k + j];
        if i > 0 {
            j = back[i * k + j] as usize;
        }
    }
    out
}

/// The indices of the `out.len()` highest scores, best first (ties: the lower index).
fn top_k<S: Copy + PartialOrd>(scores: &[S], out: &mut [u8]) {
    let k = out.len();
    let mut len = 0;
    for (t, &s) in scores.iter().enumerate() {
        if len == k && s <= scores[out[k - 1] as usize] {
            continue;
        }
        let mut at = len.min(k - 1);
        while at > 0 && s > scores[out[at - 1] as usize] {
            at -= 1;
        }
        let end = len.min(k - 1);
        out.copy_within(at..end, at + 1);
        out[at] = t as u8;
        len = (len + 1).min(k);
    }
}
