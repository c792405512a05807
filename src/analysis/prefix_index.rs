//! Word lists as one hashed prefix index over syllable keys: a single walk from a token finds
//! every entry of every list that starts there. The segmenter's lexicon features and the
//! tagger's gazetteers both walk it (a walk per list was a tenth of the pipeline's time).
use super::features::{hash_str, mix, HashKeyed};
use super::lexicon::WordSet;

/// A sentence's tokens as the index walks them: how many, and the hashed key of each.
pub trait TokenKeys {
    /// Number of tokens.
    fn count(&self) -> usize;
    /// The hashed syllable key of token `i`.
    fn key(&self, i: usize) -> u64;
}

impl TokenKeys for [u64] {
    #[inline]
    fn count(&self) -> usize {
        self.len()
    }
    #[inline]
    fn key(&self, i: usize) -> u64 {
        self[i]
    }
}

/// Most lists one index holds (their membership is a bit mask).
pub const MAX_LISTS: usize = 16;

/// For every prefix (in syllable keys) of every entry: which lists have an entry starting so,
/// and which have exactly this entry.
pub struct PrefixIndex {
    prefixes: HashKeyed<(u16, u16)>,
    max_len: usize,
}

impl PrefixIndex {
    /// The index of up to `MAX_LISTS` lists; list `k` is bit `k` of the masks.
    pub fn new(lists: &[&WordSet]) -> Self {
        assert!(lists.len() <= MAX_LISTS, "at most {MAX_LISTS} lists");
        // About two prefixes per entry: sized once, not grown by rehashing.
        let entries: usize = lists.iter().map(|l| l.len()).sum();
        let mut prefixes = HashKeyed::with_capacity_and_hasher(entries * 2, Default::default());
        let mut max_len = 0;
        for (k, set) in lists.iter().enumerate() {
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
        Self {
            prefixes,
            max_len: max_len.min(usize::from(u8::MAX)),
        }
    }

    /// Calls `found(len, lists)` for each entry starting at `keys[start]`, shortest first:
    /// `len` tokens long, `lists` the mask of the lists holding it. Entries span only tokens
    /// `joinable` allows after the first.
    #[inline]
    pub fn matches_at(
        &self,
        keys: &(impl TokenKeys + ?Sized),
        start: usize,
        joinable: impl Fn(usize) -> bool,
        found: impl FnMut(usize, u16),
    ) {
        self.matches_from(keys, start, 1, joinable, found)
    }

    /// `matches_at` for entries of `min_len` tokens or more: the shorter prefixes are not
    /// looked up (a lookup per token is the segmenter's cost, and one-syllable entries span no
    /// boundary).
    #[inline]
    pub fn matches_from(
        &self,
        keys: &(impl TokenKeys + ?Sized),
        start: usize,
        min_len: usize,
        joinable: impl Fn(usize) -> bool,
        mut found: impl FnMut(usize, u16),
    ) {
        let mut alive: u16 = u16::MAX;
        let mut h = 0u64;
        let mut i = start;
        while i < keys.count() && i - start < self.max_len && (i == start || joinable(i)) {
            h = mix(h, keys.key(i));
            if i + 1 - start < min_len {
                i += 1;
                continue;
            }
            let Some(&(prefix_of, entry_of)) = self.prefixes.get(&h) else {
                break;
            };
            let hit = entry_of & alive;
            if hit != 0 {
                found(i + 1 - start, hit);
            }
            alive &= prefix_of;
            if alive == 0 {
                break;
            }
            i += 1;
        }
    }

    /// Per list, the length in tokens of its longest entry starting at `keys[start]` (0: none).
    pub fn longest_at<const N: usize>(
        &self,
        keys: &(impl TokenKeys + ?Sized),
        start: usize,
        joinable: impl Fn(usize) -> bool,
    ) -> [u8; N] {
        let mut best = [0u8; N];
        self.matches_at(keys, start, joinable, |len, mut hit| {
            while hit != 0 {
                let k = hit.trailing_zeros() as usize;
                if k < N {
                    best[k] = len as u8;
                }
                hit &= hit - 1;
            }
        });
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(s: &str) -> Vec<u64> {
        s.split(' ').map(hash_str).collect()
    }

    #[test]
    fn one_walk_finds_every_list_longest_first_per_list() {
        let places = WordSet::from_lines(["hà nội", "hà"]);
        let words = WordSet::from_lines(["hà nội mới", "nội"]);
        let index = PrefixIndex::new(&[&places, &words]);
        let k: Vec<u64> = keys("hà nội mới ra");
        assert_eq!(index.longest_at::<2>(k.as_slice(), 0, |_| true), [2, 3]);
        assert_eq!(index.longest_at::<2>(k.as_slice(), 1, |_| true), [0, 1]);
        // A token that may not join stops the walk.
        assert_eq!(index.longest_at::<2>(k.as_slice(), 0, |i| i < 2), [2, 0]);
        let mut all = Vec::new();
        index.matches_at(
            k.as_slice(),
            0,
            |_| true,
            |len, lists| all.push((len, lists)),
        );
        assert_eq!(all, [(1, 0b01), (2, 0b01), (3, 0b10)]);
        let mut long = Vec::new();
        index.matches_from(
            k.as_slice(),
            0,
            2,
            |_| true,
            |len, lists| long.push((len, lists)),
        );
        assert_eq!(long, [(2, 0b01), (3, 0b10)]);
    }
}
