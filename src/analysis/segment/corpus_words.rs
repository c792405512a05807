//! How often syllable sequences stand as one word in a segmented corpus: in a large one
//! (VietNews, 69 M words, segmented by a tool in the VLSP convention) for the many words the
//! hand-segmented training data never shows, and in the training data itself for long compounds
//! ("Uỷ ban thường vụ Quốc hội") that no window of two syllables sees whole. Only hashes of
//! syllable keys and a bucket are stored, no text.
use crate::analysis::features::{mix, HashKeyed};
use crate::analysis::prefix_index::TokenKeys;

const MAGIC: &[u8; 8] = b"VTXCWD01";

/// Longest sequence looked up, in syllables.
pub const MAX_SYLLABLES: usize = 8;

/// Flag of an entry that is also the prefix of a longer one (the walk goes on).
const PREFIX: u8 = 0x80;

/// Prefix hash of syllable keys -> bucket of how often the sequence is one word (low 7 bits, 0:
/// not an entry itself) and whether longer entries start with it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CorpusWords {
    map: HashKeyed<u8>,
}

/// A corpus word table that does not load.
#[derive(Debug, thiserror::Error)]
#[error("corpus word table truncated or the wrong size")]
pub struct CorpusWordsError;

/// The bucket of a sequence seen `seen` times, `as_word` of them as one word: five levels of
/// the share times three of the count (1..=15).
pub fn bucket(as_word: u64, seen: u64) -> u8 {
    let share = as_word as f64 / seen.max(1) as f64;
    let level = match share {
        s if s < 0.1 => 0,
        s if s < 0.4 => 1,
        s if s < 0.7 => 2,
        s if s < 0.95 => 3,
        _ => 4,
    };
    let count = match seen {
        0..20 => 0,
        20..200 => 1,
        _ => 2,
    };
    level * 3 + count + 1
}

/// Whether a bucket says the sequence is one word at least 70% of the time.
pub fn mostly_a_word(bucket: u8) -> bool {
    bucket >= 10
}

/// The hash a sequence of syllable keys is stored under (its prefixes share the walk).
pub fn sequence_hash(keys: &[u64]) -> u64 {
    keys.iter().fold(0xC0FFEE, |h, &k| mix(h, k))
}

impl CorpusWords {
    /// A table of (syllable keys, bucket) entries of 2..=MAX_SYLLABLES syllables.
    pub fn new<'a>(entries: impl IntoIterator<Item = (&'a [u64], u8)>) -> Self {
        let mut map: HashKeyed<u8> = HashKeyed::default();
        for (keys, b) in entries {
            if !(2..=MAX_SYLLABLES).contains(&keys.len()) || b == 0 {
                continue;
            }
            for len in 2..keys.len() {
                *map.entry(sequence_hash(&keys[..len])).or_default() |= PREFIX;
            }
            let e = map.entry(sequence_hash(keys)).or_default();
            *e = (*e & PREFIX) | (b & !PREFIX);
        }
        Self { map }
    }

    /// Entries (sequences with a bucket).
    pub fn len(&self) -> usize {
        self.map.values().filter(|&&v| v & !PREFIX != 0).count()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Calls `found(len, bucket)` for each entry starting at token `start`, shortest first;
    /// entries span only tokens `joinable` allows after the first.
    #[inline]
    pub fn matches_at(
        &self,
        keys: &(impl TokenKeys + ?Sized),
        start: usize,
        joinable: impl Fn(usize) -> bool,
        mut found: impl FnMut(usize, u8),
    ) {
        if self.map.is_empty() || start + 1 >= keys.count() {
            return;
        }
        let mut h = mix(0xC0FFEE, keys.key(start));
        let mut i = start + 1;
        while i < keys.count() && i - start < MAX_SYLLABLES && joinable(i) {
            h = mix(h, keys.key(i));
            let Some(&v) = self.map.get(&h) else {
                break;
            };
            if v & !PREFIX != 0 {
                found(i + 1 - start, v & !PREFIX);
            }
            if v & PREFIX == 0 {
                break;
            }
            i += 1;
        }
    }

    /// Layout: magic, u32 count, then (u64 hash, u8 value) pairs in hash order.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut pairs: Vec<(u64, u8)> = self.map.iter().map(|(&h, &v)| (h, v)).collect();
        pairs.sort_unstable();
        let mut out = Vec::with_capacity(12 + pairs.len() * 9);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&(pairs.len() as u32).to_le_bytes());
        for (h, v) in pairs {
            out.extend_from_slice(&h.to_le_bytes());
            out.push(v);
        }
        out
    }

    /// Reads the table from the start of `bytes`; returns it and the bytes after it.
    pub fn from_bytes(bytes: &[u8]) -> Result<(Self, &[u8]), CorpusWordsError> {
        if bytes.len() < 12 || &bytes[..8] != MAGIC {
            return Err(CorpusWordsError);
        }
        let n = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes")) as usize;
        let end = n
            .checked_mul(9)
            .and_then(|b| b.checked_add(12))
            .filter(|&e| e <= bytes.len())
            .ok_or(CorpusWordsError)?;
        let mut map = HashKeyed::with_capacity_and_hasher(n, Default::default());
        for p in bytes[12..end].chunks_exact(9) {
            map.insert(
                u64::from_le_bytes(p[..8].try_into().expect("8 bytes")),
                p[8],
            );
        }
        Ok((Self { map }, &bytes[end..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_find_entries_and_stop_early() {
        let (a, b, c, d) = (11u64, 22u64, 33u64, 44u64);
        let t = CorpusWords::new([
            (&[a, b][..], 13u8),
            (&[a, b, c][..], 2u8),
            (&[c, d][..], 1u8),
        ]);
        let keys = [a, b, c, d];
        let mut found = Vec::new();
        t.matches_at(&keys[..], 0, |_| true, |len, b| found.push((len, b)));
        assert_eq!(found, vec![(2, 13), (3, 2)]);
        found.clear();
        t.matches_at(&keys[..], 0, |i| i < 2, |len, b| found.push((len, b)));
        assert_eq!(found, vec![(2, 13)], "a walk stops at an unjoinable token");
        found.clear();
        t.matches_at(&keys[..], 1, |_| true, |len, b| found.push((len, b)));
        assert!(found.is_empty());
        let bytes = t.to_bytes();
        let (back, rest) = CorpusWords::from_bytes(&bytes).unwrap();
        assert_eq!(back, t);
        assert!(rest.is_empty());
        assert_eq!(t.len(), 3);
        assert!(CorpusWords::from_bytes(&t.to_bytes()[..20]).is_err());
    }

    #[test]
    fn buckets_order_by_share_and_count() {
        assert_eq!(bucket(0, 5), 1);
        assert_eq!(bucket(100, 100), 14);
        assert_eq!(bucket(1000, 1000), 15);
        assert!(mostly_a_word(bucket(80, 100)) && !mostly_a_word(bucket(50, 100)));
    }
}
