//! Word classes learned from unlabelled text (by `vitext train entities`, see
//! src/train/clusters.rs): words seen in the same contexts share a class, so a name or a
//! title the labelled data never showed still looks like the ones it did.
use rustc_hash::FxHashMap;

const MAGIC: &[u8; 8] = b"VTXCLS01";

/// Word hash (`tagger::word_hash`) -> class, classes numbered from 1; 0 means unknown.
#[derive(Clone, Default, Debug, PartialEq)]
pub struct WordClusters {
    classes: u16,
    map: FxHashMap<u64, u16>,
}

#[derive(Debug, thiserror::Error)]
/// A word-class table that does not load.
pub enum ClustersError {
    #[error("word classes: bad magic")]
    /// Not a word-class table.
    BadMagic,
    #[error("word classes truncated or the wrong size")]
    /// Truncated or the wrong size.
    BadSize,
}

impl WordClusters {
    /// `pairs`: (word hash, class in 1..=classes).
    pub fn new(classes: u16, pairs: impl IntoIterator<Item = (u64, u16)>) -> Self {
        let map: FxHashMap<u64, u16> = pairs.into_iter().collect();
        debug_assert!(map.values().all(|&c| (1..=classes).contains(&c)));
        Self { classes, map }
    }

    /// The class of a word hash (0: unknown).
    pub fn class_of(&self, word: u64) -> u16 {
        self.map.get(&word).copied().unwrap_or(0)
    }

    /// Every (word hash, class) pair.
    pub fn iter(&self) -> impl Iterator<Item = (u64, u16)> + '_ {
        self.map.iter().map(|(&w, &c)| (w, c))
    }

    /// How many classes there are.
    pub fn classes(&self) -> u16 {
        self.classes
    }

    /// How many words have a class.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Whether no word has a class.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// Magic, class count, pair count, then (hash, class) pairs sorted by hash, so the same
    /// classes always give the same bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut pairs: Vec<(u64, u16)> = self.map.iter().map(|(&h, &c)| (h, c)).collect();
        pairs.sort_unstable();
        let mut out = Vec::with_capacity(16 + pairs.len() * 10);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&u32::from(self.classes).to_le_bytes());
        out.extend_from_slice(&(pairs.len() as u32).to_le_bytes());
        for (h, c) in pairs {
            out.extend_from_slice(&h.to_le_bytes());
            out.extend_from_slice(&c.to_le_bytes());
        }
        out
    }

    /// Reads what `to_bytes` wrote; returns the classes and the bytes after them.
    pub fn from_bytes(bytes: &[u8]) -> Result<(Self, &[u8]), ClustersError> {
        if bytes.len() < 16 || &bytes[..8] != MAGIC {
            return Err(ClustersError::BadMagic);
        }
        let word = |i: usize| u32::from_le_bytes(bytes[i..i + 4].try_into().expect("4 bytes"));
        let classes = u16::try_from(word(8)).map_err(|_| ClustersError::BadSize)?;
        let n = word(12) as usize;
        let end = n
            .checked_mul(10)
            .and_then(|b| b.checked_add(16))
            .filter(|&e| e <= bytes.len())
            .ok_or(ClustersError::BadSize)?;
        let mut map = FxHashMap::default();
        map.reserve(n);
        for p in bytes[16..end].chunks_exact(10) {
            let h = u64::from_le_bytes(p[..8].try_into().expect("8 bytes"));
            let c = u16::from_le_bytes([p[8], p[9]]);
            if c == 0 || c > classes {
                return Err(ClustersError::BadSize);
            }
            map.insert(h, c);
        }
        Ok((Self { classes, map }, &bytes[end..]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_damage() {
        let c = WordClusters::new(3, [(7, 1), (99, 3), (5, 2)]);
        let mut bytes = c.to_bytes();
        bytes.extend_from_slice(b"rest");
        let (back, rest) = WordClusters::from_bytes(&bytes).unwrap();
        assert_eq!(back, c);
        assert_eq!(rest, b"rest");
        assert_eq!(back.class_of(99), 3);
        assert_eq!(back.class_of(8), 0);
        assert!(WordClusters::from_bytes(&bytes[..20]).is_err());
        assert!(WordClusters::from_bytes(b"VTXCLS00xxxxxxxx").is_err());
        let mut bad = c.to_bytes();
        let last = bad.len() - 2;
        bad[last] = 9; // class 9 of 3
        assert!(WordClusters::from_bytes(&bad).is_err());
    }
}
