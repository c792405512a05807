//! Word classes from word vectors: skip-gram with negative sampling (Mikolov et al. 2013) over
//! the word hashes of a corpus, then spherical k-means over the vectors. The exchange classes
//! (src/train/clusters.rs) group words by their immediate neighbours, which is mostly syntax;
//! a window of words either side also carries topic, so cities, clubs and companies fall into
//! classes of their own. The taggers read the classes as discrete features, never the floats.
//!
//! Training is reproducible: each thread trains a copy of the vectors on its share of a round of
//! paragraphs, and the copies' changes are summed in thread order after the round (instead of
//! threads writing into shared vectors as they go, which gives a different model each run).
use rustc_hash::FxHashMap;

use crate::analysis::entities::clusters::WordClusters;

/// How the vectors and their classes are learned.
#[derive(Clone, Debug)]
pub struct VectorConfig {
    /// Vector length.
    pub dim: usize,
    /// Words either side at most (each centre draws a window of 1..=window, as word2vec does).
    pub window: usize,
    /// Negative samples per context pair.
    pub negatives: usize,
    /// Passes over the corpus.
    pub epochs: usize,
    /// Words seen fewer times get no vector and no class.
    pub min_count: u32,
    /// Frequent words are dropped down to about this share of the corpus (word2vec's -sample).
    pub sample: f64,
    /// Starting learning rate, decayed linearly to nearly zero.
    pub rate: f32,
    /// Threads, each training its share of a round.
    pub threads: usize,
    /// Words a thread trains on between two merges.
    pub round_words: usize,
}

impl Default for VectorConfig {
    fn default() -> Self {
        Self {
            dim: 100,
            window: 5,
            negatives: 5,
            epochs: 3,
            min_count: 10,
            sample: 1e-4,
            rate: 0.025,
            threads: 2,
            round_words: 200_000,
        }
    }
}

/// One vector per word, in order of falling frequency.
pub struct WordVectors {
    /// Word hashes (`features::word_hash`), most frequent first.
    pub words: Vec<u64>,
    /// Vector length.
    pub dim: usize,
    /// `words.len() x dim`, row by row.
    pub data: Vec<f32>,
}

impl WordVectors {
    /// The vector of the i-th word.
    pub fn row(&self, i: usize) -> &[f32] {
        &self.data[i * self.dim..(i + 1) * self.dim]
    }
}

/// xorshift64: reproducible and free of dependencies.
fn next(rng: &mut u64) -> u64 {
    *rng ^= *rng << 13;
    *rng ^= *rng >> 7;
    *rng ^= *rng << 17;
    *rng
}

fn unit(rng: &mut u64) -> f32 {
    (next(rng) >> 40) as f32 / (1u64 << 24) as f32
}

/// The logistic function from a table over [-6, 6], as word2vec does (the tails are 0 and 1).
struct Sigmoid(Vec<f32>);

impl Sigmoid {
    const RANGE: f32 = 6.0;
    const STEPS: usize = 1000;

    fn new() -> Self {
        Self(
            (0..=Self::STEPS)
                .map(|i| {
                    let x = (i as f32 / Self::STEPS as f32 * 2.0 - 1.0) * Self::RANGE;
                    1.0 / (1.0 + (-x).exp())
                })
                .collect(),
        )
    }

    fn at(&self, x: f32) -> f32 {
        if x >= Self::RANGE {
            1.0
        } else if x <= -Self::RANGE {
            0.0
        } else {
            let i = (x + Self::RANGE) / (2.0 * Self::RANGE) * Self::STEPS as f32;
            self.0[i as usize]
        }
    }
}

/// What every thread reads and none changes during training.
struct Corpus {
    /// Each paragraph's words as vocabulary ids (rare words left out).
    paragraphs: Vec<Vec<u32>>,
    /// Keep probability of each word under subsampling, scaled to u32.
    keep: Vec<u32>,
    /// Word ids in proportion to count^0.75: where negative samples are drawn from.
    noise: Vec<u32>,
}

/// Two matrices: the word's own vector (what is clustered) and its vector as a context.
#[derive(Clone)]
struct Weights {
    input: Vec<f32>,
    output: Vec<f32>,
}

/// Trains the vectors of the words seen at least `min_count` times in `sentences`.
/// `progress(words done, words total)` after each round. The same input and config give the
/// same vectors.
pub fn skip_gram(
    sentences: &[Vec<u64>],
    cfg: &VectorConfig,
    mut progress: impl FnMut(usize, usize),
) -> WordVectors {
    let vocab = super::clusters::frequent_words(sentences, u64::from(cfg.min_count));
    let v = vocab.len();
    let dim = cfg.dim;
    if v == 0 || dim == 0 {
        return WordVectors {
            words: Vec::new(),
            dim,
            data: Vec::new(),
        };
    }
    let id: FxHashMap<u64, u32> = vocab
        .iter()
        .enumerate()
        .map(|(i, &(h, _))| (h, i as u32))
        .collect();
    let paragraphs: Vec<Vec<u32>> = sentences
        .iter()
        .map(|s| s.iter().filter_map(|w| id.get(w).copied()).collect())
        .filter(|p: &Vec<u32>| p.len() > 1)
        .collect();
    let total: u64 = vocab.iter().map(|&(_, n)| n).sum();
    let threshold = cfg.sample * total as f64;
    let keep = vocab
        .iter()
        .map(|&(_, n)| {
            let f = n as f64;
            let p = if threshold > 0.0 {
                ((f / threshold).sqrt() + 1.0) * threshold / f
            } else {
                1.0
            };
            (p.min(1.0) * f64::from(u32::MAX)) as u32
        })
        .collect();
    let noise = {
        let size = (v * 100).clamp(1_000, 10_000_000);
        let weights: Vec<f64> = vocab.iter().map(|&(_, n)| (n as f64).powf(0.75)).collect();
        let sum: f64 = weights.iter().sum();
        let mut table = Vec::with_capacity(size);
        let mut acc = 0.0;
        let mut word = 0usize;
        for i in 0..size {
            while word + 1 < v && (i as f64 + 0.5) / size as f64 > (acc + weights[word]) / sum {
                acc += weights[word];
                word += 1;
            }
            table.push(word as u32);
        }
        table
    };
    let corpus = Corpus {
        paragraphs,
        keep,
        noise,
    };
    let mut rng = 0x9E37_79B9_7F4A_7C15u64;
    let mut weights = Weights {
        input: (0..v * dim)
            .map(|_| (unit(&mut rng) - 0.5) / dim as f32)
            .collect(),
        output: vec![0.0; v * dim],
    };
    let sigmoid = Sigmoid::new();
    let words_per_epoch: usize = corpus.paragraphs.iter().map(Vec::len).sum();
    let words_total = words_per_epoch * cfg.epochs.max(1);
    let threads = cfg.threads.max(1);
    let mut done = 0usize;
    let mut round = 0u64;
    for _ in 0..cfg.epochs.max(1) {
        let mut at = 0usize;
        while at < corpus.paragraphs.len() {
            // Cut the next round into one share of paragraphs per thread.
            let mut shares = Vec::with_capacity(threads);
            for _ in 0..threads {
                let start = at;
                let mut words = 0;
                while at < corpus.paragraphs.len() && words < cfg.round_words {
                    words += corpus.paragraphs[at].len();
                    at += 1;
                }
                shares.push(start..at);
            }
            let rate = (cfg.rate * (1.0 - done as f32 / words_total as f32)).max(cfg.rate * 1e-4);
            let base = &weights;
            let copies: Vec<(Weights, usize)> = std::thread::scope(|scope| {
                let handles: Vec<_> = shares
                    .iter()
                    .enumerate()
                    .map(|(t, range)| {
                        let corpus = &corpus;
                        let sigmoid = &sigmoid;
                        let range = range.clone();
                        let seed = (round * threads as u64 + t as u64 + 1)
                            .wrapping_mul(0x2545_F491_4F6C_DD1D)
                            | 1;
                        scope.spawn(move || {
                            let mut w = base.clone();
                            let n = train_share(&mut w, corpus, range, cfg, rate, sigmoid, seed);
                            (w, n)
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("a training thread panicked"))
                    .collect()
            });
            // Each copy's change, summed in thread order: as if the threads had written into
            // one set of vectors, but the same every run.
            let mut merged = weights.clone();
            for (copy, n) in &copies {
                for ((m, c), b) in merged.input.iter_mut().zip(&copy.input).zip(&weights.input) {
                    *m += c - b;
                }
                for ((m, c), b) in merged
                    .output
                    .iter_mut()
                    .zip(&copy.output)
                    .zip(&weights.output)
                {
                    *m += c - b;
                }
                done += n;
            }
            weights = merged;
            round += 1;
            progress(done, words_total);
        }
    }
    WordVectors {
        words: vocab.iter().map(|&(h, _)| h).collect(),
        dim,
        data: weights.input,
    }
}

/// One thread's share of a round; returns how many words it went over.
fn train_share(
    w: &mut Weights,
    corpus: &Corpus,
    range: std::ops::Range<usize>,
    cfg: &VectorConfig,
    rate: f32,
    sigmoid: &Sigmoid,
    mut rng: u64,
) -> usize {
    let dim = w.input.len() / corpus.keep.len();
    let mut kept: Vec<u32> = Vec::new();
    let mut grad = vec![0f32; dim];
    let mut seen = 0;
    for p in &corpus.paragraphs[range] {
        seen += p.len();
        kept.clear();
        kept.extend(
            p.iter()
                .copied()
                .filter(|&x| (next(&mut rng) as u32) < corpus.keep[x as usize]),
        );
        for (i, &centre) in kept.iter().enumerate() {
            let b = 1 + (next(&mut rng) % cfg.window.max(1) as u64) as usize;
            let lo = i.saturating_sub(b);
            let hi = (i + b + 1).min(kept.len());
            for (j, &ctx) in kept.iter().enumerate().take(hi).skip(lo) {
                if j == i {
                    continue;
                }
                // The context word's own vector learns to predict the centre word among noise.
                let c = ctx as usize * dim;
                grad.fill(0.0);
                for k in 0..=cfg.negatives {
                    let (target, label) = if k == 0 {
                        (centre, 1.0)
                    } else {
                        let t = corpus.noise[(next(&mut rng) % corpus.noise.len() as u64) as usize];
                        if t == centre {
                            continue;
                        }
                        (t, 0.0)
                    };
                    let o = target as usize * dim;
                    let input = &w.input[c..c + dim];
                    let output = &mut w.output[o..o + dim];
                    let dot: f32 = input.iter().zip(output.iter()).map(|(a, b)| a * b).sum();
                    let g = (label - sigmoid.at(dot)) * rate;
                    for ((gr, out), inp) in grad.iter_mut().zip(output.iter_mut()).zip(input) {
                        *gr += g * *out;
                        *out += g * inp;
                    }
                }
                for (inp, gr) in w.input[c..c + dim].iter_mut().zip(&grad) {
                    *inp += gr;
                }
            }
        }
    }
    seen
}

/// Classes of the vectors by spherical k-means (cosine): `k` classes, `iterations` passes at
/// most. Centres start at words spread evenly over the frequency order, so the same vectors
/// give the same classes.
pub fn kmeans(vectors: &WordVectors, k: usize, iterations: usize) -> WordClusters {
    use rayon::prelude::*;
    let dim = vectors.dim;
    let n = vectors.words.len();
    let k = k.min(n).min(u16::MAX as usize);
    if k == 0 || dim == 0 {
        return WordClusters::default();
    }
    let normalise = |x: &mut [f32]| {
        let norm = x.iter().map(|a| a * a).sum::<f32>().sqrt();
        if norm > 0.0 {
            x.iter_mut().for_each(|a| *a /= norm);
        }
    };
    let mut unit_rows = vectors.data.clone();
    unit_rows.chunks_mut(dim).for_each(normalise);
    let mut centres: Vec<f32> = (0..k)
        .flat_map(|c| unit_rows[(c * n / k) * dim..(c * n / k + 1) * dim].to_vec())
        .collect();
    let mut class = vec![usize::MAX; n];
    for _ in 0..iterations.max(1) {
        let assigned: Vec<usize> = unit_rows
            .par_chunks(dim)
            .map(|x| {
                let mut best = (f32::NEG_INFINITY, 0);
                for (c, centre) in centres.chunks(dim).enumerate() {
                    let s: f32 = x.iter().zip(centre).map(|(a, b)| a * b).sum();
                    if s > best.0 {
                        best = (s, c);
                    }
                }
                best.1
            })
            .collect();
        let moved = assigned.iter().zip(&class).filter(|(a, b)| a != b).count();
        class = assigned;
        let mut sums = vec![0f32; k * dim];
        for (x, &c) in unit_rows.chunks(dim).zip(&class) {
            for (s, a) in sums[c * dim..(c + 1) * dim].iter_mut().zip(x) {
                *s += a;
            }
        }
        for (c, sum) in sums.chunks_mut(dim).enumerate() {
            // An emptied class keeps its centre.
            if sum.iter().any(|&a| a != 0.0) {
                normalise(sum);
                centres[c * dim..(c + 1) * dim].copy_from_slice(sum);
            }
        }
        // Under 0.1% of the words moving: the classes have settled.
        if moved * 1000 < n {
            break;
        }
    }
    WordClusters::new(
        k as u16,
        vectors
            .words
            .iter()
            .zip(&class)
            .map(|(&h, &c)| (h, c as u16 + 1)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two topics: words of one only ever appear among words of the same topic.
    fn two_topics() -> Vec<Vec<u64>> {
        let mut rng = 7u64;
        (0..3_000)
            .map(|i| {
                let base = if i % 2 == 0 { 100 } else { 200 };
                (0..8).map(|_| base + next(&mut rng) % 10).collect()
            })
            .collect()
    }

    #[test]
    fn words_of_one_topic_share_a_class_and_runs_repeat() {
        let cfg = VectorConfig {
            dim: 16,
            window: 3,
            epochs: 2,
            min_count: 5,
            sample: 0.0,
            round_words: 2_000,
            ..VectorConfig::default()
        };
        let mut rounds = 0;
        let v = skip_gram(&two_topics(), &cfg, |_, _| rounds += 1);
        assert!(rounds > 2);
        assert_eq!(v.words.len(), 20);
        let c = kmeans(&v, 2, 20);
        let a: Vec<u16> = (100..110).map(|w| c.class_of(w)).collect();
        let b: Vec<u16> = (200..210).map(|w| c.class_of(w)).collect();
        assert!(a.iter().all(|&x| x == a[0] && x != 0), "{a:?}");
        assert!(b.iter().all(|&x| x == b[0] && x != 0), "{b:?}");
        assert_ne!(a[0], b[0]);
        assert_eq!(c.class_of(999), 0, "unseen words have no class");
        let again = skip_gram(&two_topics(), &cfg, |_, _| {});
        assert_eq!(again.data, v.data, "the same input gives the same vectors");
    }

    #[test]
    fn the_sigmoid_table_is_close_to_the_function() {
        let s = Sigmoid::new();
        for x in [-7.0f32, -3.0, -0.5, 0.0, 0.5, 3.0, 7.0] {
            assert!((s.at(x) - 1.0 / (1.0 + (-x).exp())).abs() < 0.01, "{x}");
        }
    }
}
