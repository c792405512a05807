//! Word segmentation: syllable tokens grouped into words ("Bộ trưởng", "Lầu Năm Góc").
pub mod corpus_words;
pub mod longest_match;
pub mod perceptron;
pub mod tokenize;

use std::ops::Range;

use tokenize::Syllable;

/// Groups the tokens of one sentence into words. A learned model implements this too, so the
/// pipeline and the service never change when the segmenter does.
pub trait WordSegmenter: Send + Sync {
    /// Returns word spans as ranges of indices into `tokens`, in order, covering every token.
    fn segment(&self, text: &str, tokens: &[Syllable]) -> Vec<Range<usize>>;
    /// A short name for logs and the model-info metric.
    fn name(&self) -> &str;
}
