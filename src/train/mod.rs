//! `vitext train ...`: builds the shipped models from the data in ../shared/data. Not used by the
//! service; kept in the library so tests can train on small slices.
pub mod clusters;
pub mod corpus;
pub mod corpus_words;
pub mod data;
pub mod entities;
pub mod extract;
pub mod name_profile;
pub mod ner_corpus;
pub mod pos;
pub mod segmenter;
pub mod vectors;

/// F1 from correct, predicted and gold counts (0 when nothing is right).
pub fn f1(correct: usize, predicted: usize, gold: usize) -> f64 {
    let p = correct as f64 / predicted.max(1) as f64;
    let r = correct as f64 / gold.max(1) as f64;
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// Fisher-Yates with xorshift, from the state `rng`: reproducible without a dependency, so a
/// training run gives the same model byte for byte.
pub fn shuffle(order: &mut [usize], rng: &mut u64) {
    for i in (1..order.len()).rev() {
        *rng ^= *rng << 13;
        *rng ^= *rng >> 7;
        *rng ^= *rng << 17;
        order.swap(i, (*rng % (i as u64 + 1)) as usize);
    }
}
