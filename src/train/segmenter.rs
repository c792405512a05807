//! Training the boundary model of `analysis::segment::perceptron` with an averaged perceptron.
use std::ops::Range;

use crate::analysis::lexicon::Lexicons;
use crate::analysis::segment::corpus_words::CorpusWords;
use crate::analysis::segment::perceptron::{
    LexiconIndex, Model, PerceptronSegmenter, SentenceFeatures, N_FEATURES,
};
use crate::analysis::segment::tokenize::tokenize;
use crate::analysis::segment::WordSegmenter;

use super::data::{natural_text, sentence_text, WordSentence};
use super::f1;

/// Boundaries of the training data as features and labels (join = true).
pub struct Examples {
    features: Vec<[u64; N_FEATURES]>,
    labels: Vec<bool>,
}

impl Examples {
    /// Number of boundaries.
    pub fn len(&self) -> usize {
        self.labels.len()
    }
    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

/// Gold join decisions for the tokens of a sentence text built by `sentence_text`: two tokens
/// join when one gold word holds both.
fn gold_joins(
    tokens: &[crate::analysis::segment::tokenize::Syllable],
    spans: &[Range<usize>],
) -> Vec<bool> {
    let mut word_of = Vec::with_capacity(tokens.len());
    let mut w = 0;
    for t in tokens {
        while w + 1 < spans.len() && spans[w].end <= t.start {
            w += 1;
        }
        word_of.push(w);
    }
    word_of.windows(2).map(|p| p[0] == p[1]).collect()
}

/// The boundaries of gold sentences with their features and gold joins.
pub fn examples(
    sentences: &[WordSentence],
    lexicon: &LexiconIndex,
    corpus: &CorpusWords,
) -> Examples {
    let mut features = Vec::new();
    let mut labels = Vec::new();
    let mut buf = [0u64; N_FEATURES];
    for (i, words) in sentences.iter().enumerate() {
        // Every other sentence as news text spaces it: the corpora put spaces around all
        // punctuation, which raw text does not.
        let (text, spans) = if i % 2 == 1 {
            natural_text(words)
        } else {
            sentence_text(words)
        };
        let tokens = tokenize(&text);
        if tokens.len() < 2 {
            continue;
        }
        let feats = SentenceFeatures::new(&text, &tokens, lexicon, corpus);
        for (k, join) in gold_joins(&tokens, &spans).into_iter().enumerate() {
            feats.features(k, &mut buf);
            features.push(buf);
            labels.push(join);
        }
    }
    Examples { features, labels }
}

/// How the segmenter is trained; the default is the shipped recipe.
pub struct TrainConfig {
    /// log2 of the number of weights.
    pub bits: u32,
    /// Passes over the data.
    pub epochs: usize,
    /// Seed of the example order.
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            bits: 20,
            epochs: 8,
            seed: 0x5eed,
        }
    }
}

/// Averaged perceptron; `progress` is called after every example with (done, total).
/// The model reads `corpus` (the table its examples were made with).
pub fn train(
    ex: &Examples,
    cfg: &TrainConfig,
    corpus: CorpusWords,
    mut progress: impl FnMut(usize, usize),
) -> Model {
    let size = 1usize << cfg.bits;
    let mut w = vec![0f32; size];
    let mut acc = vec![0f32; size];
    let mut c: f32 = 1.0;
    let mut order: Vec<usize> = (0..ex.len()).collect();
    let mut rng = cfg.seed | 1;
    let total = ex.len() * cfg.epochs;
    let mut done = 0;
    for _ in 0..cfg.epochs {
        super::shuffle(&mut order, &mut rng);
        for &i in &order {
            let f = &ex.features[i];
            let score: f32 = f.iter().map(|&h| w[Model::index(cfg.bits, h)]).sum();
            let y = if ex.labels[i] { 1.0 } else { -1.0 };
            if y * score <= 0.0 {
                for &h in f {
                    let j = Model::index(cfg.bits, h);
                    w[j] += y;
                    acc[j] += y * c;
                }
            }
            c += 1.0;
            done += 1;
            if done % 65_536 == 0 {
                progress(done, total);
            }
        }
    }
    progress(total, total);
    let avg: Vec<f32> = w.iter().zip(&acc).map(|(w, a)| w - a / c).collect();
    let max = avg
        .iter()
        .fold(0f32, |m, x| m.max(x.abs()))
        .max(f32::MIN_POSITIVE);
    let scale = 32767.0 / max;
    Model::from_weights(
        cfg.bits,
        avg.iter().map(|x| (x * scale).round() as i16).collect(),
        corpus,
    )
}

/// Word-level scores on gold sentences, counted like ../shared/eval/score.py.
#[derive(Debug, Default, Clone, Copy)]
pub struct WsScore {
    /// Gold words.
    pub gold: usize,
    /// Predicted words.
    pub predicted: usize,
    /// Predicted words that are gold words.
    pub correct: usize,
    /// Gold words of two or more syllables.
    pub gold_multi: usize,
    /// Predicted words of two or more syllables.
    pub predicted_multi: usize,
    /// Right ones among those.
    pub correct_multi: usize,
    /// Sentences scored.
    pub sentences: usize,
    /// Sentences segmented exactly right.
    pub exact: usize,
}

impl WsScore {
    /// Word F1.
    pub fn f1(&self) -> f64 {
        f1(self.correct, self.predicted, self.gold)
    }
    /// F1 of words of two or more syllables.
    pub fn multi_f1(&self) -> f64 {
        f1(self.correct_multi, self.predicted_multi, self.gold_multi)
    }
    /// Share of sentences segmented exactly right.
    pub fn sentence_accuracy(&self) -> f64 {
        self.exact as f64 / self.sentences.max(1) as f64
    }
}

/// Segments each sentence's text and scores the words against its gold words.
pub fn evaluate(seg: &PerceptronSegmenter, sentences: &[WordSentence]) -> WsScore {
    let mut s = WsScore::default();
    for words in sentences {
        let (text, gold) = sentence_text(words);
        let tokens = tokenize(&text);
        let pred: Vec<Range<usize>> = seg
            .segment(&text, &tokens)
            .into_iter()
            .map(|r| tokens[r.start].start..tokens[r.end - 1].end)
            .collect();
        let multi = |r: &Range<usize>| text[r.clone()].contains(' ');
        let gold_set: std::collections::HashSet<_> =
            gold.iter().map(|r| (r.start, r.end)).collect();
        let correct: Vec<&Range<usize>> = pred
            .iter()
            .filter(|r| gold_set.contains(&(r.start, r.end)))
            .collect();
        s.gold += gold.len();
        s.predicted += pred.len();
        s.correct += correct.len();
        s.gold_multi += gold.iter().filter(|r| multi(r)).count();
        s.predicted_multi += pred.iter().filter(|r| multi(r)).count();
        s.correct_multi += correct.iter().filter(|r| multi(r)).count();
        s.sentences += 1;
        s.exact += usize::from(correct.len() == gold.len() && pred.len() == gold.len());
    }
    s
}

/// The lexicon index the shipped model is trained with (the embedded lexicons).
pub fn default_lexicon() -> LexiconIndex {
    LexiconIndex::new(&Lexicons::get().words)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::data::parse_underscore;

    #[test]
    fn gold_joins_follow_words() {
        let words: Vec<String> = vec!["Bộ trưởng".into(), "F-16".into(), "mới".into()];
        let (text, spans) = sentence_text(&words);
        let toks = tokenize(&text);
        assert_eq!(gold_joins(&toks, &spans), vec![true, false, false]);
    }

    #[test]
    fn training_on_a_small_slice_learns_it() {
        let corpus = "Bộ_trưởng Quốc_phòng Mỹ thăm Việt_Nam .\nThủ_tướng Chính_phủ tiếp Bộ_trưởng Quốc_phòng .\nNgười_dân Hà_Nội đón Tết .\n".repeat(20);
        let sents = parse_underscore(&corpus);
        let lex = default_lexicon();
        // The corpus word table of the same text, as `train corpus-words` counts VietNews.
        let table = crate::train::corpus_words::count_runs(
            |f| {
                for s in &sents {
                    for r in crate::train::corpus_words::runs_of_words(s.iter().cloned()) {
                        f(&r);
                    }
                }
                Ok(())
            },
            2,
        )
        .unwrap();
        assert!(!table.is_empty());
        let ex = examples(&sents, &lex, &table);
        assert!(ex.len() > 100);
        let model = train(
            &ex,
            &TrainConfig {
                bits: 16,
                epochs: 3,
                seed: 7,
            },
            table,
            |_, _| {},
        );
        let seg = PerceptronSegmenter::new(model, Lexicons::get());
        let score = evaluate(&seg, &sents[..3]);
        assert_eq!(score.f1(), 1.0, "{score:?}");
    }
}
