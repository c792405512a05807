//! Which tags each training word was seen with ("ambiguity classes"): the tagger's features
//! read the sets of a word and its neighbours, so an ambiguous word ("có": V or R) looks
//! ahead at what its neighbours can be.
use rustc_hash::FxHashMap;

const MAGIC: &[u8; 8] = b"VTXTGS01";

/// Share of a word's occurrences a tag needs to be in its set (rarer tags are noise).
const MIN_SHARE: f64 = 0.02;

/// Word hash -> bit set of tag indices (bit t: the model's tag t), plus a bucket of how
/// often the word was seen (bits 32 and up), which tells a rare word's set from a settled one.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TagSets {
    map: FxHashMap<u64, u64>,
}

/// A tag sets file that does not load.
#[derive(Debug, thiserror::Error)]
#[error("tag sets truncated or the wrong size")]
pub struct TagSetsError;

impl TagSets {
    /// The sets of (word hash, tag index) occurrences; tags must be below 32.
    pub fn learn(occurrences: impl IntoIterator<Item = (u64, u8)>) -> Self {
        let mut counts: FxHashMap<u64, [u32; 32]> = FxHashMap::default();
        for (w, t) in occurrences {
            counts.entry(w).or_insert([0; 32])[usize::from(t).min(31)] += 1;
        }
        let map = counts
            .into_iter()
            .map(|(w, c)| {
                let total: u32 = c.iter().sum();
                let mut set = 0u64;
                for (t, &n) in c.iter().enumerate() {
                    if f64::from(n) >= MIN_SHARE * f64::from(total) {
                        set |= 1 << t;
                    }
                }
                let bucket = u64::from(32 - total.leading_zeros()) / 2;
                (w, set | bucket << 32)
            })
            .collect();
        Self { map }
    }

    /// The set of a word (0: never seen).
    #[inline]
    pub fn of(&self, word: u64) -> u64 {
        self.map.get(&word).copied().unwrap_or(0)
    }

    /// Every (word hash, set) pair.
    pub fn iter(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.map.iter().map(|(&w, &s)| (w, s))
    }

    /// Words with a set.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Layout: magic, u32 count, then (u64 word hash, u64 set) pairs in hash order.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut pairs: Vec<(u64, u64)> = self.map.iter().map(|(&w, &s)| (w, s)).collect();
        pairs.sort_unstable();
        let mut out = Vec::with_capacity(12 + pairs.len() * 16);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(pairs.len() as u32).to_le_bytes());
        for (w, s) in pairs {
            out.extend_from_slice(&w.to_le_bytes());
            out.extend_from_slice(&s.to_le_bytes());
        }
        out
    }

    /// Reads the sets from the start of `bytes`; returns them and the bytes after them.
    pub fn from_bytes(bytes: &[u8]) -> Result<(Self, &[u8]), TagSetsError> {
        if bytes.len() < 12 || &bytes[..8] != MAGIC {
            return Err(TagSetsError);
        }
        let n = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes")) as usize;
        let end = n
            .checked_mul(16)
            .and_then(|b| b.checked_add(12))
            .filter(|&e| e <= bytes.len())
            .ok_or(TagSetsError)?;
        let map = bytes[12..end]
            .chunks_exact(16)
            .map(|p| {
                (
                    u64::from_le_bytes(p[..8].try_into().expect("8 bytes")),
                    u64::from_le_bytes(p[8..].try_into().expect("8 bytes")),
                )
            })
            .collect();
        Ok((Self { map }, &bytes[end..]))
    }
}
