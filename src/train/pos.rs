//! Training the part-of-speech model of `analysis::pos` with the averaged structured
//! perceptron: decode each sentence with the current weights, and where the best path differs
//! from the gold one, move the weights of both paths' features apart.
use crate::analysis::entities::clusters::WordClusters;
use crate::analysis::pos::features::{features, Lookups, WordFacts, WordInfo, N_FEATURES};
use crate::analysis::pos::model::viterbi;
use crate::analysis::pos::tag_sets::TagSets;
use crate::analysis::pos::{PosModel, PosTagger, TAGS};
use crate::analysis::segment::tokenize::tokenize;

use super::data::TaggedSentence;

/// How the model is trained; the default is the shipped recipe.
pub struct TrainConfig {
    /// log2 of the number of weight rows.
    pub bits: u32,
    /// Passes over the data.
    pub epochs: usize,
    /// Runs on different sentence orders whose weights are averaged.
    pub ensemble: usize,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            bits: 17,
            epochs: 6,
            ensemble: 1,
        }
    }
}

/// Training sentences as features and gold tags (indices into the model's tag list).
pub struct Examples {
    /// The model's tags, in `TAGS` order.
    pub tags: Vec<&'static str>,
    sentences: Vec<(Vec<[u64; N_FEATURES]>, Vec<u8>)>,
}

/// The word infos of a gold sentence: each word's syllables as the tokenizer cuts its text.
pub fn word_infos(sentence: &TaggedSentence, lookups: Lookups<'_>) -> Vec<WordInfo> {
    sentence
        .iter()
        .map(|(word, _)| WordInfo::new(word, &tokenize(word), lookups))
        .collect()
}

/// Folds of the training data whose tag sets are learned without them, so that training sees
/// unknown and rare words as often as new text will show them.
const TAG_SET_FOLDS: usize = 10;

/// The tag sets of sentences, words hashed as the features hash them.
fn tag_sets_of<'a>(
    sentences: impl Iterator<Item = &'a TaggedSentence>,
    index: impl Fn(&str) -> u8,
) -> TagSets {
    let none = WordFacts::default();
    let lookups: Lookups<'_> = &none;
    TagSets::learn(sentences.flat_map(|s| {
        word_infos(s, lookups)
            .into_iter()
            .zip(s.iter())
            .map(|(w, (_, t))| (w.key, index(t)))
            .collect::<Vec<_>>()
    }))
}

/// The examples of gold sentences; tags outside `TAGS` are an error.
pub fn examples(
    sentences_all: &[TaggedSentence],
    clusters: &[WordClusters],
) -> Result<(Examples, TagSets), String> {
    let sentences = sentences_all;
    let mut seen = vec![false; TAGS.len()];
    for s in sentences {
        for (word, tag) in s {
            let i = TAGS
                .iter()
                .position(|t| t == tag)
                .ok_or_else(|| format!("unknown tag {tag:?} on {word:?}"))?;
            seen[i] = true;
        }
    }
    let tags: Vec<&'static str> = TAGS
        .iter()
        .zip(&seen)
        .filter(|(_, &s)| s)
        .map(|(&t, _)| t)
        .collect();
    let index = |tag: &str| tags.iter().position(|t| *t == tag).expect("seen") as u8;
    // Contiguous folds: neighbouring sentences share a document's words.
    let fold_len = sentences.len().div_ceil(TAG_SET_FOLDS).max(1);
    let fold_sets: Vec<TagSets> = (0..TAG_SET_FOLDS)
        .map(|k| {
            let others = sentences
                .iter()
                .enumerate()
                .filter(|(i, _)| i / fold_len != k)
                .map(|(_, s)| s);
            tag_sets_of(others, index)
        })
        .collect();
    let fold_facts: Vec<WordFacts> = fold_sets
        .iter()
        .map(|t| WordFacts::new(clusters, t))
        .collect();
    let sentences = sentences
        .iter()
        .enumerate()
        .map(|(n, s)| {
            let infos = word_infos(s, &fold_facts[n / fold_len]);
            let feats = (0..infos.len())
                .map(|i| {
                    let mut f = [0u64; N_FEATURES];
                    features(&infos, i, &mut f);
                    f
                })
                .collect();
            (feats, s.iter().map(|(_, t)| index(t)).collect())
        })
        .collect();
    let all = tag_sets_of(sentences_all.iter(), index);
    Ok((Examples { tags, sentences }, all))
}

/// Weights and their running sums for averaging (the sum of update x time).
struct Averaged {
    w: Vec<f32>,
    acc: Vec<f32>,
}

impl Averaged {
    fn new(len: usize) -> Self {
        Self {
            w: vec![0.0; len],
            acc: vec![0.0; len],
        }
    }
    #[inline]
    fn add(&mut self, i: usize, delta: f32, time: f32) {
        self.w[i] += delta;
        self.acc[i] += delta * time;
    }
    fn averaged(&self, time: f32) -> Vec<f32> {
        self.w
            .iter()
            .zip(&self.acc)
            .map(|(w, a)| w - a / time)
            .collect()
    }
}

/// Trains a model; `progress(epoch, errors)` after each pass.
pub fn train(
    ex: &Examples,
    clusters: Vec<WordClusters>,
    tag_sets: TagSets,
    cfg: &TrainConfig,
    mut progress: impl FnMut(usize, usize),
) -> PosModel {
    let runs = cfg.ensemble.max(1);
    let (mut weights, mut transitions) = (Vec::new(), Vec::new());
    for run in 0..runs {
        let seed = 0x2545_F491_4F6C_DD1Du64.wrapping_add(run as u64 * 0x9E37_79B9);
        let (w, t) = train_once(ex, cfg, seed, &mut progress);
        if run == 0 {
            (weights, transitions) = (w, t);
        } else {
            weights.iter_mut().zip(w).for_each(|(a, b)| *a += b);
            transitions.iter_mut().zip(t).for_each(|(a, b)| *a += b);
        }
    }
    // The runs' sum, not their mean: the one fixed-point scale for rows and transitions below
    // (so that their sums compare as the floats did) makes dividing unnecessary.
    let top = weights
        .iter()
        .chain(&transitions)
        .fold(0f32, |m, x| m.max(x.abs()))
        .max(1e-6);
    // Weights in i8 (measured: the same accuracy as i16 to the fourth digit, half the table).
    let scale = f32::from(i8::MAX) / top;
    let weights: Vec<i8> = weights.iter().map(|x| (x * scale).round() as i8).collect();
    let transitions = transitions
        .iter()
        .map(|x| (x * scale).round() as i16)
        .collect();
    PosModel::new(
        cfg.bits,
        &ex.tags,
        &weights,
        transitions,
        clusters,
        tag_sets,
    )
    .expect("the trainer builds a consistent model")
}

/// One averaged-perceptron run over the sentences in an order drawn from `seed`: the averaged
/// row weights and transitions.
fn train_once(
    ex: &Examples,
    cfg: &TrainConfig,
    seed: u64,
    progress: &mut impl FnMut(usize, usize),
) -> (Vec<f32>, Vec<f32>) {
    let n = ex.tags.len();
    let rows = 1usize << cfg.bits;
    let mut w = Averaged::new(rows * n);
    let mut tr = Averaged::new((n + 1) * n);
    let mut order: Vec<usize> = (0..ex.sentences.len()).collect();
    let mut rng = seed;
    let mut time = 1.0f32;
    for epoch in 0..cfg.epochs {
        super::shuffle(&mut order, &mut rng);
        let mut errors = 0;
        for &s in &order {
            let (feats, gold) = &ex.sentences[s];
            let pred = viterbi(
                feats.len(),
                n,
                n,
                |i, scores: &mut [f32]| {
                    scores.iter_mut().for_each(|x| *x = 0.0);
                    for &h in &feats[i] {
                        let at = PosModel::row(cfg.bits, h) * n;
                        for (x, &v) in scores.iter_mut().zip(&w.w[at..at + n]) {
                            *x += v;
                        }
                    }
                },
                |from, to| tr.w[from.map_or(0, |p| p + 1) * n + to],
            );
            if pred != *gold {
                for i in 0..gold.len() {
                    let (g, p) = (gold[i] as usize, pred[i] as usize);
                    if g != p {
                        errors += 1;
                        for &h in &feats[i] {
                            let at = PosModel::row(cfg.bits, h) * n;
                            w.add(at + g, 1.0, time);
                            w.add(at + p, -1.0, time);
                        }
                    }
                    let prev = |path: &[u8]| if i == 0 { 0 } else { path[i - 1] as usize + 1 };
                    let (gf, pf) = (prev(gold), prev(&pred));
                    if (gf, g) != (pf, p) {
                        tr.add(gf * n + g, 1.0, time);
                        tr.add(pf * n + p, -1.0, time);
                    }
                }
            }
            time += 1.0;
        }
        progress(epoch + 1, errors);
    }
    (w.averaged(time), tr.averaged(time))
}

/// Words as one text, each word its own range of the text's tokens.
fn gold_word_text<'a>(
    words: impl Iterator<Item = &'a str>,
) -> (
    String,
    Vec<crate::analysis::segment::tokenize::Syllable>,
    Vec<std::ops::Range<usize>>,
) {
    let mut text = String::new();
    let mut tokens = Vec::new();
    let mut ranges = Vec::new();
    for word in words {
        if !text.is_empty() {
            text.push(' ');
        }
        let base = text.len();
        text.push_str(word);
        let start = tokens.len();
        for mut t in tokenize(word) {
            t.start += base;
            t.end += base;
            tokens.push(t);
        }
        ranges.push(start..tokens.len());
    }
    (text, tokens, ranges)
}

/// Tag accuracy on gold words, with the most frequent confusions.
#[derive(Debug, Default)]
pub struct PosScore {
    /// Words tagged right.
    pub correct: usize,
    /// Words.
    pub total: usize,
    /// (gold, predicted, count), most frequent first.
    pub confusions: Vec<(&'static str, &'static str, usize)>,
    /// Words never seen in training that were tagged right, and all of them.
    pub unknown: (usize, usize),
}

impl PosScore {
    /// Share of words tagged right.
    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.total.max(1) as f64
    }
}

/// Tags gold-segmented sentences with `tagger` (the runtime path, fixed point) and counts.
/// `known` tells words seen in training (by their word hash).
pub fn evaluate(
    tagger: &PosTagger,
    sentences: &[TaggedSentence],
    known: &rustc_hash::FxHashSet<u64>,
) -> PosScore {
    let mut score = PosScore::default();
    let mut conf: rustc_hash::FxHashMap<(&'static str, &'static str), usize> = Default::default();
    for s in sentences {
        let (text, tokens, words) = gold_word_text(s.iter().map(|(w, _)| w.as_str()));
        let infos = word_infos(s, &WordFacts::default());
        let tags = tagger.tag(&text, &tokens, &words);
        for (((_, gold), pred), info) in s.iter().zip(tags).zip(infos) {
            score.total += 1;
            let unknown = !known.contains(&info.key);
            score.unknown.1 += usize::from(unknown);
            if gold == pred {
                score.correct += 1;
                score.unknown.0 += usize::from(unknown);
            } else if let Some(g) = TAGS.iter().find(|t| *t == gold) {
                *conf.entry((g, pred)).or_default() += 1;
            }
        }
    }
    let mut c: Vec<_> = conf.into_iter().map(|((g, p), n)| (g, p, n)).collect();
    c.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)).then(a.1.cmp(b.1)));
    score.confusions = c;
    score
}

/// Hashes of the words of training sentences (to tell unknown words apart when scoring).
pub fn known_words(sentences: &[TaggedSentence]) -> rustc_hash::FxHashSet<u64> {
    sentences
        .iter()
        .flat_map(|s| word_infos(s, &WordFacts::default()))
        .map(|w| w.key)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::train::data::parse_tagged;

    const SENTENCES: &str = "\
Tôi/P đọc/V sách/N ./CH
Anh_ấy/P mua/V ba/M quyển/Nc sách/N mới/A ./CH
Hà_Nội/Np là/V thủ_đô/N ./CH
Chị/P đọc/V báo/N ở/E Hà_Nội/Np ./CH
Trời/N hôm_nay/N rất/R đẹp/A ./CH
";

    #[test]
    fn training_on_a_small_slice_learns_it() {
        let sents = parse_tagged(SENTENCES).unwrap();
        assert_eq!(sents[1][3], ("quyển".to_string(), "Nc".to_string()));
        let (ex, sets) = examples(&sents, &[]).unwrap();
        // The tags seen, in the order of TAGS.
        let at: Vec<usize> = ex
            .tags
            .iter()
            .map(|t| TAGS.iter().position(|k| k == t).unwrap())
            .collect();
        assert!(
            at.len() == 10 && at.windows(2).all(|w| w[0] < w[1]),
            "{:?}",
            ex.tags
        );
        assert!(sets.of(known_words(&sents).into_iter().next().unwrap()) != 0);
        let cfg = TrainConfig {
            bits: 12,
            epochs: 10,
            ensemble: 2,
        };
        let model = train(&ex, Vec::new(), sets, &cfg, |_, _| {});
        let back = PosModel::from_bytes(&model.to_bytes()).unwrap();
        let score = evaluate(&PosTagger::new(back), &sents, &known_words(&sents));
        assert_eq!(score.total, 26);
        assert_eq!(score.correct, score.total, "{:?}", score.confusions);
    }

    #[test]
    fn untagged_lines_are_refused() {
        assert_eq!(parse_tagged("Tôi/P đọc sách/N").unwrap_err(), 1);
    }
}
