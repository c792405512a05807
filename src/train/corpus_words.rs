//! Counting, over a segmented corpus, how often each sequence of 2 to 8 syllables stands as
//! one word: the tables `analysis::segment::corpus_words` the segmenter's features read.
use rustc_hash::FxHashMap;

use crate::analysis::features::key_of;
use crate::analysis::segment::corpus_words::{bucket, sequence_hash, CorpusWords, MAX_SYLLABLES};
use crate::analysis::segment::tokenize::{tokenize, TokenKind};

/// One line of the corpus: runs of syllable keys that may join (words of letters separated by
/// spaces), each with the corpus' word boundaries inside it.
pub struct Run {
    keys: Vec<u64>,
    /// Word id of each syllable.
    word: Vec<u32>,
}

/// The joinable runs of a line of "_"-joined words.
fn runs_of(line: &str) -> Vec<Run> {
    runs_of_words(line.split_whitespace().map(|t| t.replace('_', " ")))
}

/// The joinable runs of a sentence's words (syllables separated by spaces).
pub fn runs_of_words(words: impl Iterator<Item = String>) -> Vec<Run> {
    let mut out = Vec::new();
    let mut cur = Run {
        keys: Vec::new(),
        word: Vec::new(),
    };
    for (w, text) in words.enumerate() {
        let syllables = tokenize(&text);
        let letters = !syllables.is_empty()
            && syllables.iter().all(|t| t.kind == TokenKind::Word)
            && syllables
                .windows(2)
                .all(|p| &text[p[0].end..p[1].start] == " ");
        if !letters {
            if cur.keys.len() > 1 {
                out.push(std::mem::replace(
                    &mut cur,
                    Run {
                        keys: Vec::new(),
                        word: Vec::new(),
                    },
                ));
            } else {
                cur.keys.clear();
                cur.word.clear();
            }
            continue;
        }
        for t in &syllables {
            cur.keys.push(key_of(t.text(&text), t.kind));
            cur.word.push(w as u32);
        }
    }
    if cur.keys.len() > 1 {
        out.push(cur);
    }
    out
}

/// Whether syllables `s..e` of a run are exactly one word of the corpus.
fn is_word(r: &Run, s: usize, e: usize) -> bool {
    let w = r.word[s];
    r.word[e - 1] == w && (s == 0 || r.word[s - 1] != w) && (e == r.word.len() || r.word[e] != w)
}

/// The table of VietNews-style JSON Lines files (at most `limit` articles a file).
pub fn count(
    paths: &[std::path::PathBuf],
    limit: usize,
    min_count: u64,
) -> std::io::Result<CorpusWords> {
    count_runs(
        |f| {
            super::corpus::for_each_article_line(paths, limit, |line| {
                for r in runs_of(line) {
                    f(&r);
                }
            })
        },
        min_count,
    )
}

/// Counts sequences of 2..=MAX_SYLLABLES syllables that stand as one word at least
/// `min_count` times, and how often each is seen at all. `pass(f)` feeds every run of the
/// corpus to `f`; it is called twice (the second pass counts only what the first kept).
pub fn count_runs(
    mut pass: impl FnMut(&mut dyn FnMut(&Run)) -> std::io::Result<()>,
    min_count: u64,
) -> std::io::Result<CorpusWords> {
    // Pass 1: how often each sequence is a word.
    let mut as_word: FxHashMap<u64, u64> = FxHashMap::default();
    pass(&mut |r: &Run| {
        let n = r.keys.len();
        for s in 0..n {
            for len in 2..=MAX_SYLLABLES.min(n - s) {
                if is_word(r, s, s + len) {
                    *as_word
                        .entry(sequence_hash(&r.keys[s..s + len]))
                        .or_default() += 1;
                }
            }
        }
    })?;
    as_word.retain(|_, c| *c >= min_count);
    // Pass 2: how often those sequences are seen at all, words or not.
    let mut seen: FxHashMap<u64, u64> = FxHashMap::default();
    let mut keys_of: FxHashMap<u64, Vec<u64>> = FxHashMap::default();
    pass(&mut |r: &Run| {
        let n = r.keys.len();
        for s in 0..n {
            for len in 2..=MAX_SYLLABLES.min(n - s) {
                let h = sequence_hash(&r.keys[s..s + len]);
                if as_word.contains_key(&h) {
                    *seen.entry(h).or_default() += 1;
                    keys_of
                        .entry(h)
                        .or_insert_with(|| r.keys[s..s + len].to_vec());
                }
            }
        }
    })?;
    let mut entries: Vec<(Vec<u64>, u8)> = keys_of
        .into_iter()
        .map(|(h, keys)| {
            let b = bucket(as_word[&h], seen[&h]);
            (keys, b)
        })
        .collect();
    entries.sort_unstable();
    Ok(CorpusWords::new(
        entries.iter().map(|(k, b)| (k.as_slice(), *b)),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_keep_word_boundaries_and_break_at_punctuation() {
        let r = runs_of("Bộ_trưởng Quốc_phòng Mỹ , ông Lloyd_Austin");
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].keys.len(), 5);
        assert!(is_word(&r[0], 0, 2) && is_word(&r[0], 2, 4) && is_word(&r[0], 4, 5));
        assert!(!is_word(&r[0], 1, 3) && !is_word(&r[0], 0, 3));
        assert!(is_word(&r[1], 1, 3));
    }
}
