//! A 64-bit fingerprint of a text for near-duplicate detection: copies of one article (other
//! whitespace, a word or two changed, a credit line added, the main text of two page layouts)
//! land a few bits apart; different articles, also on one topic, about half the bits apart.
//!
//! Bit `b` is the lowest bit of the minimum, over the text's distinct words, of a hash seeded
//! by `b` (one-bit minwise hashing, Li and König 2010): two texts whose word sets have Jaccard
//! similarity J agree on each bit with probability J + (1 - J) / 2, so a copy that shares 98%
//! of its words differs in about 0.6 of 64 bits, and unrelated texts in about 32. Weighted
//! SimHash over word counts or bigrams was measured worse on VietNews pairs (two changed
//! words: 86-97% of copies within 3 bits, against 100%; see docs/experiments.md).
use rustc_hash::FxHashSet;

use super::features::{hash_str, key_of, mix};
use super::segment::tokenize::{tokenize, TokenKind};

/// The fingerprint of `text` (0 for a text without words).
pub fn fingerprint(text: &str) -> u64 {
    // The prose: lines that end as sentences do, when they hold most of the text. What one
    // layout picks up and another does not (a caption, a related headline, a credit) is short
    // lines without a full stop, and they would move the word set.
    let prose: String = text
        .lines()
        .filter(|l| l.trim_end().ends_with(['.', '!', '?', '"', '”', '…']))
        .collect::<Vec<_>>()
        .join("\n");
    let text = if prose.len() * 2 >= text.len() {
        prose.as_str()
    } else {
        text
    };
    // Words by their syllable key (case and tone-mark placement folded: "Hoá" = "hóa");
    // numbers and codes by their own text, since they tell articles apart.
    let words: FxHashSet<u64> = tokenize(text)
        .iter()
        .filter_map(|t| {
            let s = t.text(text);
            match t.kind {
                TokenKind::Word => Some(key_of(s, t.kind)),
                TokenKind::Number | TokenKind::Code => Some(hash_str(s)),
                _ => None,
            }
        })
        .collect();
    if words.is_empty() {
        return 0;
    }
    let mut out = 0u64;
    for bit in 0..64u64 {
        let seed = mix(0x5EED_F1E6, bit);
        let min = words.iter().map(|&w| mix(seed, w)).min().unwrap_or(0);
        out |= (min & 1) << bit;
    }
    out
}

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
