//! A 64-bit fingerprint of a text for near-duplicate detection: copies of one article (other
//! whitespace, a word or two changed, a credit line added, the main text of two page layouts)
//! land a few bits apart; different articles, also on one topic, about half the bits apart.
//!
//! Bit `b` is the lowest bit of the minimum hash among the text's distinct words that fall in
//! bin `b` (one-bit minwise hashing, Li and König 2010, over one permutation): two texts whose
//! word sets have Jaccard similarity J agree on each bit with probability about
//! J + (1 - J) / 2, so a copy that shares 98% of its words differs in about 0.6 of 64 bits, and
//! unrelated texts in about 32. Weighted
//! SimHash over word counts or bigrams was measured worse on VietNews pairs (two changed
//! words: 86-97% of copies within 3 bits, against 100%; see docs/experiments.md).
use rustc_hash::FxHashSet;

use super::features::mix;

/// The fingerprint of `text` (0 for a text without words).
pub fn fingerprint(text: &str) -> u64 {
    // The prose: lines that end as sentences do, when they hold most of the text. What one
    // layout picks up and another does not (a caption, a related headline, a credit) is short
    // lines without a full stop, and they would move the word set.
    let is_prose = |l: &&str| l.trim_end().ends_with(['.', '!', '?', '"', '”', '…']);
    let prose_bytes: usize = text.lines().filter(is_prose).map(str::len).sum();
    let only_prose = prose_bytes * 2 >= text.len();
    let mut words: FxHashSet<u64> = FxHashSet::default();
    for line in text.lines().filter(|l| !only_prose || is_prose(l)) {
        add_words(line, &mut words);
    }
    if words.is_empty() {
        return 0;
    }
    // One permutation for all 64 bits (one-permutation hashing, Li, Owen and Zhang 2012):
    // each word hashed once falls in one of 64 bins by its top bits, and each bin keeps its
    // minimum; a 64-hash minhash cost a millisecond per article.
    let mut bins = [u64::MAX; 64];
    for &w in &words {
        let h = mix(0x5EED_F1E6, w);
        let bin = (h >> 58) as usize;
        bins[bin] = bins[bin].min(h);
    }
    // An empty bin (short texts) borrows the next filled one, rehashed so that the two bits
    // stay independent (densification by rotation, Shrivastava and Li 2014).
    let mut out = 0u64;
    for bit in 0..64 {
        let mut k = bit;
        let mut hops = 0u64;
        while bins[k] == u64::MAX {
            k = (k + 1) % 64;
            hops += 1;
        }
        let v = if hops == 0 {
            bins[k]
        } else {
            mix(bins[k], hops)
        };
        out |= (v & 1) << bit;
    }
    out
}

/// Adds the hash of each word of `line` (a run of letters and digits, lowercased) to `words`.
fn add_words(line: &str, words: &mut FxHashSet<u64>) {
    let mut h = FNV_OFFSET;
    let mut in_word = false;
    let feed = |h: u64, l: char| (h ^ u64::from(u32::from(l))).wrapping_mul(FNV_PRIME);
    for c in line.chars() {
        // ASCII and the Vietnamese letters without the Unicode tables (their lookups were
        // most of this function's time), anything else with them.
        let u = c as u32;
        let letter = match u {
            0..=0x7F => c.is_ascii_alphanumeric().then(|| c.to_ascii_lowercase()),
            0xC0..=0xDE if u != 0xD7 => char::from_u32(u + 0x20),
            0xDF..=0xFF if u != 0xF7 => Some(c),
            0x1EA0..=0x1EFF => char::from_u32(u | 1),
            0x102 | 0x110 | 0x128 | 0x168 | 0x1A0 | 0x1AF => char::from_u32(u + 1),
            0x103 | 0x111 | 0x129 | 0x169 | 0x1A1 | 0x1B0 => Some(c),
            _ => None,
        };
        if let Some(l) = letter {
            h = feed(h, l);
            in_word = true;
        } else if u > 0x7F && c.is_alphanumeric() {
            h = c.to_lowercase().fold(h, feed);
            in_word = true;
        } else if in_word {
            words.insert(h);
            (h, in_word) = (FNV_OFFSET, false);
        }
    }
    if in_word {
        words.insert(h);
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// Bits in which two fingerprints differ: 3 or fewer for copies, 10 or more for different
/// articles.
pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = include_str!("../../tests/fixtures/article_dump.txt");

    #[test]
    fn copies_are_close_and_other_texts_far() {
        let f = fingerprint(ARTICLE);
        let spaced = ARTICLE.replace(' ', "  ").replace('\n', "\n\n");
        assert_eq!(distance(f, fingerprint(&spaced)), 0);
        let upper = ARTICLE.to_uppercase();
        assert_eq!(distance(f, fingerprint(&upper)), 0, "case is folded");
        let credited = format!("{ARTICLE}\n(Theo TTXVN)");
        assert!(distance(f, fingerprint(&credited)) <= 3);
        let other =
            "Giá vàng hôm nay tăng mạnh trên thị trường thế giới, các nhà đầu tư đổ xô mua vào \
                     trong khi đồng USD suy yếu sau quyết định của Cục Dự trữ Liên bang Mỹ.";
        assert!(distance(f, fingerprint(other)) >= 10);
        assert_eq!(fingerprint(" .,; "), 0);
    }
}
