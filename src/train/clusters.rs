//! Word classes from unlabelled text by the exchange algorithm (Kneser & Ney 1993; Martin,
//! Liermann & Ney 1998): each word starts in a class, then words move one at a time to the
//! class that most raises the mutual information between classes and the words next to them
//! (left and right neighbours as separate contexts), until few move. Flat classes, unlike
//! Brown's tree, but the same signal, and a pass costs (word, neighbour) pairs x classes.
use rustc_hash::FxHashMap;

use crate::analysis::entities::clusters::WordClusters;
use crate::analysis::features::key_of;
use crate::analysis::features::word_hash;
use crate::analysis::segment::tokenize::tokenize;
use crate::analysis::segment::WordSegmenter;
use crate::analysis::sentence;

/// How the word classes are learned.
pub struct ClusterConfig {
    /// How many classes.
    pub classes: usize,
    /// Passes of the exchange algorithm at most.
    pub iterations: usize,
    /// Words seen fewer times stay unclassed (their contexts are too few to place them).
    pub min_count: u32,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        Self {
            classes: 256,
            iterations: 12,
            min_count: 3,
        }
    }
}

/// The words of `text` as the tagger hashes them (`word_hash`), one list per sentence:
/// tokenised, split and segmented the way the pipeline does it.
pub fn word_hashes(text: &str, segmenter: &dyn WordSegmenter) -> Vec<Vec<u64>> {
    let tokens = tokenize(text);
    let keys: Vec<u64> = tokens
        .iter()
        .map(|t| key_of(t.text(text), t.kind))
        .collect();
    sentence::split(text, &tokens)
        .into_iter()
        .map(|r| {
            let offset = r.start;
            segmenter
                .segment(text, &tokens[r])
                .into_iter()
                .map(|w| word_hash(&keys[offset + w.start..offset + w.end]))
                .collect()
        })
        .collect()
}

/// The words of VietNews-style JSON Lines (title, summary and body, words already segmented
/// with "_" in the VLSP convention), hashed as the taggers hash a word, one list per line of
/// text; at most `limit` articles. The corpus' segmentation is a tool's, good enough for
/// distributional classes.
pub fn segmented_corpus_hashes(
    path: &std::path::Path,
    limit: usize,
) -> std::io::Result<Vec<Vec<u64>>> {
    let mut out = Vec::new();
    let mut cache: FxHashMap<String, u64> = FxHashMap::default();
    let mut hash_of = |tok: &str| -> u64 {
        if let Some(&h) = cache.get(tok) {
            return h;
        }
        let word = tok.replace('_', " ");
        let keys: Vec<u64> = tokenize(&word)
            .iter()
            .map(|t| key_of(t.text(&word), t.kind))
            .collect();
        let h = word_hash(&keys);
        if cache.len() < 2_000_000 {
            cache.insert(tok.to_string(), h);
        }
        h
    };
    super::corpus::for_each_article_line(&[path.to_path_buf()], limit, |para| {
        let words: Vec<u64> = para.split_whitespace().map(&mut hash_of).collect();
        if !words.is_empty() {
            out.push(words);
        }
    })?;
    Ok(out)
}

/// x ln x, from a table for the small counts most calls see.
struct XLogX {
    table: Vec<f64>,
}

impl XLogX {
    fn new() -> Self {
        Self {
            table: (0..1u32 << 16).map(|x| Self::exact(u64::from(x))).collect(),
        }
    }

    fn exact(x: u64) -> f64 {
        if x == 0 {
            0.0
        } else {
            let x = x as f64;
            x * x.ln()
        }
    }

    #[inline]
    fn at(&self, x: u64) -> f64 {
        match self.table.get(x as usize) {
            Some(&v) => v,
            None => Self::exact(x),
        }
    }
}

/// The words of `sentences` seen at least `min_count` times with their counts, most frequent
/// first (ties by hash, so the order is the same every run).
pub fn frequent_words(sentences: &[Vec<u64>], min_count: u64) -> Vec<(u64, u64)> {
    let mut counts: FxHashMap<u64, u64> = FxHashMap::default();
    for s in sentences {
        for &w in s {
            *counts.entry(w).or_default() += 1;
        }
    }
    let mut vocab: Vec<(u64, u64)> = counts
        .into_iter()
        .filter(|&(_, n)| n >= min_count)
        .collect();
    vocab.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    vocab
}

/// Classes for the words of `sentences` (word hashes) seen at least `min_count` times.
/// `progress(done, total)` after each pass. Deterministic for the same input.
pub fn exchange(
    sentences: &[Vec<u64>],
    cfg: &ClusterConfig,
    mut progress: impl FnMut(usize, usize),
) -> WordClusters {
    let vocab: Vec<(u64, u32)> = frequent_words(sentences, u64::from(cfg.min_count))
        .into_iter()
        .map(|(w, n)| (w, n as u32))
        .collect();
    let v = vocab.len();
    if v == 0 || cfg.classes == 0 {
        return WordClusters::default();
    }
    let id: FxHashMap<u64, u32> = vocab
        .iter()
        .enumerate()
        .map(|(i, &(h, _))| (h, i as u32))
        .collect();
    // Contexts: the right neighbour (a word id, v for a rare word, v + 1 for the sentence end),
    // then the same for the left neighbour shifted by v + 2 (v + 1 there: the start).
    let n_ctx = 2 * (v + 2);
    let ctx_id = |w: Option<&u64>, end: u32| match w {
        Some(h) => id.get(h).copied().unwrap_or(v as u32),
        None => end,
    };
    let mut pairs: FxHashMap<(u32, u32), u32> = FxHashMap::default();
    for s in sentences {
        for (i, w) in s.iter().enumerate() {
            let Some(&a) = id.get(w) else { continue };
            let right = ctx_id(s.get(i + 1), v as u32 + 1);
            let left = ctx_id(i.checked_sub(1).and_then(|j| s.get(j)), v as u32 + 1);
            *pairs.entry((a, right)).or_default() += 1;
            *pairs.entry((a, left + v as u32 + 2)).or_default() += 1;
        }
    }
    let mut contexts: Vec<Vec<(u32, u32)>> = vec![Vec::new(); v];
    for ((a, c), n) in pairs {
        contexts[a as usize].push((c, n));
    }
    for c in &mut contexts {
        c.sort_unstable();
    }
    let totals: Vec<u64> = contexts
        .iter()
        .map(|c| c.iter().map(|&(_, n)| u64::from(n)).sum())
        .collect();

    let k = cfg.classes.min(v);
    // The most frequent words start in classes of their own, the rest round-robin.
    let mut class: Vec<usize> = (0..v).map(|i| i % k).collect();
    let mut joint = vec![0u32; n_ctx * k];
    let mut class_total = vec![0u64; k];
    for (a, ctx) in contexts.iter().enumerate() {
        for &(c, n) in ctx {
            joint[c as usize * k + class[a]] += n;
        }
        class_total[class[a]] += totals[a];
    }
    let f = XLogX::new();
    let mut gain = vec![0f64; k];
    for pass in 0..cfg.iterations {
        let mut moved = 0usize;
        for a in 0..v {
            let from = class[a];
            for &(c, n) in &contexts[a] {
                joint[c as usize * k + from] -= n;
            }
            class_total[from] -= totals[a];
            gain.fill(0.0);
            for &(c, n) in &contexts[a] {
                let row = &joint[c as usize * k..(c as usize + 1) * k];
                let n = u64::from(n);
                for (g, &x) in gain.iter_mut().zip(row) {
                    let x = u64::from(x);
                    *g += f.at(x + n) - f.at(x);
                }
            }
            let t = totals[a];
            let mut best = from;
            let mut best_gain = f64::NEG_INFINITY;
            for (b, g) in gain.iter().enumerate() {
                let g = g - (f.at(class_total[b] + t) - f.at(class_total[b]));
                // Stay unless another class is clearly better: no churn on ties.
                if g > best_gain + 1e-9 || (b == from && g >= best_gain - 1e-9) {
                    best = b;
                    best_gain = g;
                }
            }
            for &(c, n) in &contexts[a] {
                joint[c as usize * k + best] += n;
            }
            class_total[best] += t;
            if best != from {
                class[a] = best;
                moved += 1;
            }
        }
        progress(pass + 1, cfg.iterations);
        // Under 0.1% of the words moving: the classes have settled.
        if moved * 1000 < v {
            break;
        }
    }
    WordClusters::new(
        k as u16,
        vocab
            .iter()
            .zip(&class)
            .map(|(&(h, _), &c)| (h, c as u16 + 1)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_in_the_same_contexts_share_a_class() {
        // Two families of words, each seen only between its own neighbours.
        let mut sentences = Vec::new();
        for round in 0..30u64 {
            for (family, left, right) in [(100u64, 1u64, 2u64), (200, 3, 4)] {
                let w = family + round % 3;
                sentences.push(vec![left, w, right]);
            }
        }
        let cfg = ClusterConfig {
            classes: 4,
            iterations: 10,
            min_count: 3,
        };
        let mut passes = 0;
        let c = exchange(&sentences, &cfg, |_, _| passes += 1);
        assert!(passes > 0);
        assert_eq!(c.classes(), 4);
        let a: Vec<u16> = (100..103).map(|w| c.class_of(w)).collect();
        let b: Vec<u16> = (200..203).map(|w| c.class_of(w)).collect();
        assert!(a.iter().all(|&x| x == a[0] && x != 0), "{a:?}");
        assert!(b.iter().all(|&x| x == b[0] && x != 0), "{b:?}");
        assert_ne!(a[0], b[0]);
        assert_eq!(c.class_of(999), 0, "unseen words have no class");
        // The same input gives the same classes.
        assert_eq!(exchange(&sentences, &cfg, |_, _| {}), c);
    }
}
