//! Training the entity tagger of `analysis::entities::tagger`: reading the VLSP corpora, gold
//! BIOES tags over our own tokens, the CRF (or averaged perceptron) training of each layer, and a
//! scorer that runs the real pipeline on held-out documents.
use std::collections::HashMap;
use std::ops::Range;

use super::f1;
pub use super::ner_corpus::{label_of, parse_conll, parse_enamex, NerDoc};
use crate::analysis::cancel::Cancel;
use crate::analysis::entities::crf::{
    close_at_edges, sequence_log_probability, span_tags, transition_index, viterbi, DocContext,
    Embeddings, Encoder, ExpTable, Lattice, Layer, NerFeatures, NerModel, SentenceInputs, Tag,
    TextStyle, TokenInput, WindowNet, NAMED, NONE, N_TAGS, SLOTS, START, VALUE_SCALE,
};
use crate::analysis::entities::tagger::LearnedTagger;
use crate::analysis::entities::{Label, SentenceView};
use crate::analysis::lexicon::Lexicons;
use crate::analysis::pipeline::{Content, Options, Pipeline, Stages};
use crate::analysis::segment::perceptron::PerceptronSegmenter;
use crate::analysis::segment::tokenize::tokenize;
use crate::analysis::segment::WordSegmenter;
use crate::analysis::sentence;

/// One document as the model sees it: per sentence the feature inputs, the first layer's
/// features and the gold tags.
pub struct DocExample {
    /// Which fold of the out-of-fold first layer the document is in: from its text, so the
    /// copies of a document weighted up land in the same fold.
    pub fold_key: u64,
    /// Per sentence, what the features are built from.
    pub inputs: Vec<SentenceInputs>,
    /// Per sentence and token, the first layer's features.
    pub first: Vec<Vec<Vec<u64>>>,
    /// Per sentence, the gold tags.
    pub tags: Vec<Vec<Tag>>,
}

impl DocExample {
    /// Tokens in the document.
    pub fn tokens(&self) -> usize {
        self.tags.iter().map(Vec::len).sum()
    }
}

/// Tokenises, splits and segments each document as the pipeline does, and gives each
/// sentence's tokens their gold tags. Entities that do not fall on token edges are lost
/// (counted in `lost`).
pub fn examples(
    docs: &[NerDoc],
    segmenter: &dyn WordSegmenter,
    features: &NerFeatures,
    lost: &mut usize,
) -> Vec<DocExample> {
    let mut out = Vec::with_capacity(docs.len());
    for d in docs {
        let text = d.text.as_str();
        let tokens = tokenize(text);
        let mut tags = vec![Tag::O; tokens.len()];
        for (r, label) in &d.entities {
            let first = tokens.partition_point(|t| t.end <= r.start);
            let last = tokens.partition_point(|t| t.start < r.end);
            if first >= last || tokens[first].start != r.start || tokens[last - 1].end != r.end {
                *lost += 1;
                continue;
            }
            for (t, tag) in tags[first..last]
                .iter_mut()
                .zip(span_tags(*label, last - first))
            {
                *t = tag;
            }
        }
        let mut ex = DocExample {
            fold_key: crate::analysis::features::hash_str(text),
            inputs: Vec::new(),
            first: Vec::new(),
            tags: Vec::new(),
        };
        let ranges = sentence::split(text, &tokens);
        let words: Vec<Vec<Range<usize>>> = ranges
            .iter()
            .map(|r| segmenter.segment(text, &tokens[r.clone()]))
            .collect();
        let views: Vec<SentenceView<'_>> = ranges
            .iter()
            .zip(&words)
            .map(|(r, w)| SentenceView {
                text,
                tokens: &tokens[r.clone()],
                words: w,
            })
            .collect();
        let style = TextStyle::of(&views);
        for (r, view) in ranges.into_iter().zip(&views) {
            let inputs = features.inputs(view, style);
            let mut t = tags[r].to_vec();
            // A sentence break inside an entity: the part before it ends one, the part after
            // starts a new one.
            close_at_edges(&mut t);
            // Every token, also those the tagger leaves unscored far from capitals: it costs
            // only training time, and they teach the model what lies outside names.
            ex.first.push(inputs.first_features());
            ex.inputs.push(inputs);
            ex.tags.push(t);
        }
        out.push(ex);
    }
    out
}

/// How the entity model is trained; the default is the shipped recipe.
pub struct TrainConfig {
    /// log2 of the number of feature buckets.
    pub bits: u32,
    /// Passes over the data.
    pub epochs: usize,
    /// Seed of the sentence orders.
    pub seed: u64,
    /// Folds of out-of-fold tags of each layer that the layer above learns from; 0 or 1 trains
    /// the first layer only.
    pub folds: usize,
    /// How each layer learns.
    pub objective: Objective,
    /// Layers trained on different sentence orders and averaged into one.
    pub ensemble: usize,
    /// Stacked layers: the first over the sentence, each further one also over the tags of the
    /// one below across the document (needs `folds` > 1).
    pub layers: usize,
    /// Word vectors for a window encoder beside the linear features (None: no encoder).
    pub embeddings: Option<Embeddings>,
    /// Hidden units of the encoder.
    pub encoder_hidden: usize,
    /// SGD step size of the encoder's weights.
    pub encoder_rate: f32,
    /// Share of a sentence's features left out at each visit while learning.
    pub feature_dropout: f32,
    /// The first layer with an encoder network (layers below it have none).
    pub encoder_from_layer: usize,
    /// The layers above the first share its network's hidden layer.
    pub encoder_shared_hidden: bool,
}

/// How a layer's weights are learned.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Objective {
    /// Averaged structured perceptron: update on Viterbi mistakes only.
    Perceptron,
    /// Linear-chain CRF log-likelihood by averaged SGD at this step size: every token pulls
    /// its features towards the gold tag by how much probability the other tags still get.
    Crf {
        /// The SGD step size.
        rate: f32,
    },
}

impl TrainConfig {
    /// The CRF step size of the recipe (the default), whatever the objective.
    pub fn crf_rate(&self) -> f32 {
        match self.objective {
            Objective::Crf { rate } => rate,
            Objective::Perceptron => 0.05,
        }
    }
}

/// The shipped recipe (models/README.md): `vitext train entities` takes its defaults from here.
impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            bits: 17,
            epochs: 10,
            seed: 0x5eed,
            folds: 4,
            objective: Objective::Crf { rate: 0.05 },
            ensemble: 3,
            layers: 2,
            embeddings: None,
            encoder_hidden: 32,
            encoder_rate: 0.02,
            feature_dropout: 0.0,
            encoder_from_layer: 0,
            encoder_shared_hidden: false,
        }
    }
}

/// Averaged weights over BIOES sequences, on (features, gold tags) sentences, by the structured
/// perceptron with Viterbi decoding or the CRF gradient (`cfg.objective`), sentences shuffled
/// from `seed`. Returns float weights and transitions; `progress` is called with the number of
/// sentences just done.
fn train_weights(
    sentences: &[Sentence<'_>],
    cfg: &TrainConfig,
    seed: u64,
    net: NetChoice<'_>,
    progress: &mut dyn FnMut(usize),
) -> (Vec<f32>, Vec<f32>, Option<WindowNet>) {
    let bits = cfg.bits;
    let size = N_TAGS << bits;
    let nt = (N_TAGS + 1) * N_TAGS;
    let (mut w, mut acc) = (vec![0f32; size], vec![0f32; size]);
    let (mut tr, mut tr_acc) = (vec![0f32; nt], vec![0f32; nt]);
    let mut c: f32 = 1.0;
    let mut order: Vec<usize> = (0..sentences.len()).collect();
    let mut rng = seed | 1;
    let mut em: Vec<[f32; N_TAGS]> = Vec::new();
    let mut crf = CrfScratch::default();
    let mut net = match (net, cfg.embeddings.as_ref()) {
        (NetChoice::Learn, Some(e)) => Some(NetTrainer::new(
            e,
            cfg.encoder_hidden,
            cfg.encoder_rate,
            seed,
        )),
        (NetChoice::Fixed(n), Some(e)) => Some(NetTrainer::fixed(e, n.clone())),
        (NetChoice::Head(n), Some(e)) => Some(NetTrainer::head(e, n, cfg.encoder_rate)),
        _ => None,
    };
    for _ in 0..cfg.epochs {
        super::shuffle(&mut order, &mut rng);
        for (n, &k) in order.iter().enumerate() {
            let Sentence {
                feats,
                tags: gold,
                enc,
            } = sentences[k];
            // Feature dropout: each visit of a sentence learns without a random share of its
            // features, so the weights (and the encoder beside them) cannot lean on any one.
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            let visit = rng;
            let cut = (f64::from(cfg.feature_dropout) * u32::MAX as f64) as u64;
            let keep = |h: u64| {
                cfg.feature_dropout <= 0.0
                    || (h ^ visit).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32 >= cut
            };
            em.clear();
            em.extend(feats.iter().map(|fs| {
                let mut e = [0f32; N_TAGS];
                for &h in fs.iter().filter(|&&h| keep(h)) {
                    let b = NerModel::bucket(bits, h);
                    for (o, x) in e.iter_mut().zip(&w[b..b + N_TAGS]) {
                        *o += x;
                    }
                }
                e
            }));
            if let Some(net) = net.as_mut() {
                net.forward(enc, &mut em);
            }
            if let Objective::Crf { rate } = cfg.objective {
                let d = crf_gradient(&em, &tr, gold, &mut crf);
                if let Some(net) = net.as_mut() {
                    net.backward(enc, &d.token, c);
                }
                for (i, row) in d.token.iter().enumerate() {
                    for (tag, &g) in row.iter().enumerate() {
                        if g.abs() < 1e-4 {
                            continue;
                        }
                        let step = rate * g as f32;
                        for &h in feats[i].iter().filter(|&&h| keep(h)) {
                            let j = NerModel::bucket(bits, h) + tag;
                            w[j] += step;
                            acc[j] += step * c;
                        }
                    }
                }
                for (j, &g) in d.trans.iter().enumerate() {
                    let step = rate * g as f32;
                    tr[j] += step;
                    tr_acc[j] += step * c;
                }
                c += 1.0;
                if n % 1024 == 1023 {
                    progress(1024);
                }
                continue;
            }
            let pred = viterbi(&em, |p, t| f64::from(tr[transition_index(p, t)]));
            if pred != gold {
                let mut update = |i: usize, tag: Tag, d: f32| {
                    for &h in &feats[i] {
                        let j = NerModel::bucket(bits, h) + tag.index();
                        w[j] += d;
                        acc[j] += d * c;
                    }
                };
                for i in 0..pred.len() {
                    if pred[i] != gold[i] {
                        update(i, gold[i], 1.0);
                        update(i, pred[i], -1.0);
                    }
                }
                for i in 0..pred.len() {
                    let (gp, pp) = if i == 0 {
                        (None, None)
                    } else {
                        (Some(gold[i - 1]), Some(pred[i - 1]))
                    };
                    if (gp, gold[i]) != (pp, pred[i]) {
                        let (g, q) = (transition_index(gp, gold[i]), transition_index(pp, pred[i]));
                        tr[g] += 1.0;
                        tr_acc[g] += c;
                        tr[q] -= 1.0;
                        tr_acc[q] -= c;
                    }
                }
            }
            c += 1.0;
            if n % 1024 == 1023 {
                progress(1024);
            }
        }
        progress(order.len() % 1024);
    }
    let avg =
        |w: &[f32], a: &[f32]| -> Vec<f32> { w.iter().zip(a).map(|(w, a)| w - a / c).collect() };
    (avg(&w, &acc), avg(&tr, &tr_acc), net.map(|n| n.averaged(c)))
}

/// Whether a layer's weights learn beside an encoder network.
#[derive(Clone, Copy)]
enum NetChoice<'a> {
    /// No network.
    None,
    /// One that learns with the weights.
    Learn,
    /// One learned before, fixed: the weights learn around it.
    Fixed(&'a WindowNet),
    /// Another layer's hidden units, fixed, with output weights of its own that learn.
    Head(&'a WindowNet),
}

/// What a layer learns from, per sentence: its features per token, the gold tags, and what the
/// encoder reads per token (empty without an encoder; None where the tagger scores nothing).
#[derive(Clone, Copy)]
struct Sentence<'a> {
    feats: &'a [Vec<u64>],
    tags: &'a [Tag],
    enc: &'a [Option<TokenInput>],
}

/// The window encoder while it learns: SGD through the CRF gradient of the emissions it adds
/// to, with averaged weights like the linear ones (`acc` holds each step times its count).
struct NetTrainer<'a> {
    emb: &'a Embeddings,
    net: WindowNet,
    acc: WindowNet,
    rate: f32,
    /// Hidden activations of the sentence's tokens (`hidden` each), from `forward`.
    h: Vec<f32>,
    dh: Vec<f32>,
    /// Only the output weights learn.
    head_only: bool,
}

impl<'a> NetTrainer<'a> {
    fn new(emb: &'a Embeddings, hidden: usize, rate: f32, seed: u64) -> Self {
        let mut net = WindowNet::zeros(emb.dim(), hidden);
        let mut rng = seed ^ 0xE1C0_DE5E_ED00_0001;
        // Small uniform first-layer weights; the output starts at zero, so the encoder adds
        // nothing until the gradient gives it a use.
        for x in net.w1.iter_mut() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            *x = ((rng >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 0.2;
        }
        net.b1.iter_mut().for_each(|b| *b = 0.01);
        let acc = WindowNet::zeros(emb.dim(), hidden);
        Self {
            emb,
            net,
            acc,
            rate,
            h: Vec::new(),
            dh: vec![0.0; hidden],
            head_only: false,
        }
    }

    /// `below`'s hidden layer, fixed, under new output weights that learn.
    fn head(emb: &'a Embeddings, below: &WindowNet, rate: f32) -> Self {
        let mut net = below.clone();
        net.w2.iter_mut().for_each(|x| *x = 0.0);
        net.b2 = [0.0; N_TAGS];
        let mut t = Self::fixed(emb, net);
        t.rate = rate;
        t.head_only = true;
        t
    }

    /// A network that stays as it is (its step size is zero).
    fn fixed(emb: &'a Embeddings, net: WindowNet) -> Self {
        let acc = WindowNet::zeros(net.dim, net.hidden);
        Self {
            emb,
            dh: vec![0.0; net.hidden],
            net,
            acc,
            rate: 0.0,
            h: Vec::new(),
            head_only: false,
        }
    }

    /// Adds the encoder's scores to the scored tokens' emissions, keeping the activations.
    fn forward(&mut self, enc: &[Option<TokenInput>], em: &mut [[f32; N_TAGS]]) {
        let hn = self.net.hidden;
        self.h.clear();
        self.h.resize(enc.len() * hn, 0.0);
        for (i, x) in enc.iter().enumerate() {
            let Some(x) = x else { continue };
            let h = &mut self.h[i * hn..(i + 1) * hn];
            self.net.hidden_of(self.emb, x, h);
            for (e, o) in em[i].iter_mut().zip(self.net.scores_of(h)) {
                *e += o;
            }
        }
    }

    /// One ascent step along `grad` (d log-likelihood / d emission per token and tag); `c` is
    /// the step's count for the average.
    fn backward(&mut self, enc: &[Option<TokenInput>], grad: &[[f64; N_TAGS]], c: f32) {
        let hn = self.net.hidden;
        let r = self.rate;
        if r == 0.0 {
            return;
        }
        for (i, x) in enc.iter().enumerate() {
            let Some(x) = x else { continue };
            let g: [f32; N_TAGS] = grad[i].map(|v| v as f32);
            if g.iter().all(|v| v.abs() < 1e-4) {
                continue;
            }
            let h = &self.h[i * hn..(i + 1) * hn];
            // The hidden units' gradient first, from the output weights before their step.
            for ((d, &hj), w) in self
                .dh
                .iter_mut()
                .zip(h)
                .zip(self.net.w2.chunks_exact(N_TAGS))
            {
                *d = if hj > 0.0 {
                    w.iter().zip(&g).map(|(a, b)| a * b).sum::<f32>() * r
                } else {
                    0.0
                };
            }
            for ((&hj, w), acc) in h
                .iter()
                .zip(self.net.w2.chunks_exact_mut(N_TAGS))
                .zip(self.acc.w2.chunks_exact_mut(N_TAGS))
            {
                if hj == 0.0 {
                    continue;
                }
                for ((w, a), gt) in w.iter_mut().zip(acc).zip(&g) {
                    let step = r * gt * hj;
                    *w += step;
                    *a += step * c;
                }
            }
            for ((b, a), gt) in self.net.b2.iter_mut().zip(&mut self.acc.b2).zip(&g) {
                *b += r * gt;
                *a += r * gt * c;
            }
            if self.head_only {
                continue;
            }
            let dh = &self.dh;
            let add = |w: &mut [f32], acc: &mut [f32], scale: f32| {
                for ((w, a), d) in w.iter_mut().zip(acc).zip(dh) {
                    let step = scale * d;
                    *w += step;
                    *a += step * c;
                }
            };
            add(&mut self.net.b1, &mut self.acc.b1, 1.0);
            let dim = self.net.dim;
            for (s, &row) in x.rows.iter().enumerate() {
                if row == NONE {
                    continue;
                }
                for (d, &v) in self.emb.row(row).iter().enumerate() {
                    let at = (s * dim + d) * hn;
                    add(
                        &mut self.net.w1[at..at + hn],
                        &mut self.acc.w1[at..at + hn],
                        f32::from(v) * VALUE_SCALE,
                    );
                }
            }
            let mut bits = x.bits;
            while bits != 0 {
                let b = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let at = (SLOTS * dim + b) * hn;
                add(
                    &mut self.net.w1[at..at + hn],
                    &mut self.acc.w1[at..at + hn],
                    1.0,
                );
            }
        }
    }

    /// The averaged network.
    fn averaged(mut self, c: f32) -> WindowNet {
        let avg = |w: &mut [f32], a: &[f32]| w.iter_mut().zip(a).for_each(|(w, a)| *w -= a / c);
        avg(&mut self.net.w1, &self.acc.w1);
        avg(&mut self.net.b1, &self.acc.b1);
        avg(&mut self.net.w2, &self.acc.w2);
        avg(&mut self.net.b2, &self.acc.b2);
        self.net
    }
}

/// Trains `cfg.ensemble` layers on different orders of the sentences and averages them (the
/// average of linear models is one linear model, so the ensemble costs nothing at run time),
/// then quantises. Returns the layer and its scale (units per weight unit).
fn train_layer(
    sentences: &[Sentence<'_>],
    cfg: &TrainConfig,
    with_net: bool,
    head_of: Option<&WindowNet>,
    progress: &mut dyn FnMut(usize),
) -> (Layer, f32, Vec<WindowNet>) {
    let k = cfg.ensemble.max(1);
    let (mut w, mut tr) = (Vec::new(), Vec::new());
    let mut nets: Vec<WindowNet> = Vec::new();
    for m in 0..k {
        let seed = cfg
            .seed
            .wrapping_add(0x9e37_79b9_7f4a_7c15u64.wrapping_mul(m as u64));
        // The first run learns the network; the others learn their weights around that one
        // network, fixed, so the averaged weights and the one network belong together (one
        // network to run, not one per run).
        let choice = match nets.first() {
            _ if !with_net => NetChoice::None,
            None => head_of.map_or(NetChoice::Learn, NetChoice::Head),
            Some(n) => NetChoice::Fixed(n),
        };
        let (wm, trm, net) = train_weights(sentences, cfg, seed, choice, progress);
        if nets.is_empty() {
            nets.extend(net);
        }
        if m == 0 {
            (w, tr) = (wm, trm);
        } else {
            w.iter_mut().zip(&wm).for_each(|(a, b)| *a += b);
            tr.iter_mut().zip(&trm).for_each(|(a, b)| *a += b);
        }
    }
    let inv = 1.0 / k as f32;
    w.iter_mut().for_each(|x| *x *= inv);
    tr.iter_mut().for_each(|x| *x *= inv);
    // i8 weights: the scale maps the 99.999th percentile of |w| to 127 and clamps the rare few
    // above it, so the bulk of small weights keeps its resolution.
    let mut mags: Vec<f32> = w.iter().map(|x| x.abs()).filter(|&x| x > 0.0).collect();
    let top = if mags.is_empty() {
        1.0
    } else {
        let k = ((mags.len() as f64 * 0.99999) as usize).min(mags.len() - 1);
        *mags.select_nth_unstable_by(k, f32::total_cmp).1
    };
    let scale = 127.0 / top.max(f32::MIN_POSITIVE);
    let weights = w
        .iter()
        .map(|x| (x * scale).round().clamp(-127.0, 127.0) as i8)
        .collect();
    let transitions = tr
        .iter()
        .map(|x| (x * scale).round().clamp(-32767.0, 32767.0) as i16)
        .collect();
    // The networks' scores in the layer's integer units.
    for n in &mut nets {
        n.w2.iter_mut().for_each(|x| *x *= scale);
        n.b2.iter_mut().for_each(|x| *x *= scale);
    }
    (Layer::new(weights, transitions), scale, nets)
}

/// Exponents below -EXP_FLOOR are raised to it in training: it only keeps exp from
/// underflowing (at -745) however far the scores run apart while learning.
const EXP_FLOOR: f64 = 600.0;

#[derive(Default)]
struct CrfScratch {
    lattice: Lattice,
    emit: Vec<[f64; N_TAGS]>,
    token: Vec<[f64; N_TAGS]>,
    trans: Vec<f64>,
}

/// Gradient of a sentence's CRF log-likelihood: per token and tag, gold minus expected
/// (in `scratch.token`), and per transition the same (in `scratch.trans`, indexed like the
/// layer's transitions), from the forward-backward the tagger runs too.
// Index loops: they read as the gradient's formulas do.
#[allow(clippy::needless_range_loop)]
fn crf_gradient<'a>(
    em: &[[f32; N_TAGS]],
    tr: &[f32],
    gold: &[Tag],
    s: &'a mut CrfScratch,
) -> &'a CrfScratch {
    let n = em.len();
    let top = tr.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut t_exp: ExpTable = [[0f64; N_TAGS]; N_TAGS + 1];
    for (p, row) in t_exp.iter_mut().enumerate() {
        let prev = (p < N_TAGS).then(|| Tag::from_index(p));
        for (t, x) in row.iter_mut().enumerate() {
            if crate::analysis::entities::crf::allowed(prev, Tag::from_index(t)) {
                *x = f64::from(tr[p * N_TAGS + t] - top).max(-EXP_FLOOR).exp();
            }
        }
    }
    s.emit.clear();
    s.emit.extend(em.iter().map(|e| {
        let best = e.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        e.map(|x| f64::from(x - best).max(-EXP_FLOOR).exp())
    }));
    let mut log_z = 0.0;
    s.lattice.run(&s.emit, &t_exp, START, false, &mut log_z);
    let Lattice { alpha, beta, norm } = &s.lattice;
    s.token.clear();
    s.token.resize(n, [0.0; N_TAGS]);
    s.trans.clear();
    s.trans.resize((N_TAGS + 1) * N_TAGS, 0.0);
    for i in 0..n {
        for t in 0..N_TAGS {
            s.token[i][t] = -alpha[i][t] * beta[i][t];
        }
        let g = gold[i].index();
        s.token[i][g] += 1.0;
        let g_prev = if i == 0 { START } else { gold[i - 1].index() };
        s.trans[g_prev * N_TAGS + g] += 1.0;
        if i == 0 {
            for t in 0..N_TAGS {
                s.trans[START * N_TAGS + t] -= alpha[0][t] * beta[0][t];
            }
        } else {
            for p in 0..N_TAGS {
                for t in 0..N_TAGS {
                    let xi = alpha[i - 1][p] * t_exp[p][t] * s.emit[i][t] * beta[i][t] / norm[i];
                    s.trans[p * N_TAGS + t] -= xi;
                }
            }
        }
    }
    s
}

/// Second-layer features of a document given the first layer's tags for it.
fn second_features(d: &DocExample, first_tags: &[Vec<Tag>]) -> Vec<Vec<Vec<u64>>> {
    let ctx = DocContext::new(&d.inputs, first_tags);
    d.inputs
        .iter()
        .zip(&d.first)
        .zip(first_tags)
        .map(|((x, f), t)| x.second_features(f.clone(), t, &ctx))
        .collect()
}

/// Trains the model: the first layer on every document; then, with `cfg.folds` > 1, each further
/// layer (`cfg.layers` in all) on the tags of the layer below for each document from a model
/// that did not see it (so it learns how far to trust them). `progress` gets (sentences done,
/// total).
pub fn train(
    docs: &[DocExample],
    cfg: &TrainConfig,
    mut progress: impl FnMut(usize, usize),
) -> NerModel {
    let n_sent: usize = docs.iter().map(|d| d.tags.len()).sum();
    let layers = if cfg.folds > 1 { cfg.layers.max(1) } else { 1 };
    // Each layer once on everything, and all but the last once per fold.
    let stages = layers + (layers - 1) * cfg.folds;
    let total = n_sent * cfg.epochs * stages * cfg.ensemble.max(1);
    let mut done = 0;
    let mut tick = |n: usize| {
        done += n;
        progress(done.min(total), total);
    };
    let in_fold = |d: &DocExample, fold: usize| d.fold_key % cfg.folds as u64 == fold as u64;
    // The features of the layer being trained, per document, sentence and token: the first
    // layer's are the documents' own.
    let mut upper: Option<Vec<Vec<Vec<Vec<u64>>>>> = None;
    let mut model: Option<NerModel> = None;
    // What the encoder reads, per document, sentence and token (empty: no encoder).
    let enc: Vec<Vec<Vec<Option<TokenInput>>>> = docs
        .iter()
        .map(|d| {
            d.inputs
                .iter()
                .map(|x| cfg.embeddings.as_ref().map_or(Vec::new(), |e| e.inputs(x)))
                .collect()
        })
        .collect();
    let encoder_of = |nets: Vec<Vec<WindowNet>>| match &cfg.embeddings {
        Some(e) => Encoder::new(e.clone(), nets),
        None => Encoder::default(),
    };
    for layer in 0..layers {
        let feats = |i: usize| upper.as_ref().map_or(&docs[i].first, |u| &u[i]);
        let pairs_of = |keep: &dyn Fn(&DocExample) -> bool| -> Vec<Sentence<'_>> {
            docs.iter()
                .enumerate()
                .filter(|(_, d)| keep(d))
                .flat_map(|(i, d)| {
                    feats(i)
                        .iter()
                        .zip(&d.tags)
                        .zip(&enc[i])
                        .map(|((f, t), e)| Sentence {
                            feats: f,
                            tags: t,
                            enc: e,
                        })
                })
                .collect()
        };
        let with_net = layer >= cfg.encoder_from_layer;
        // With a shared hidden layer, the layers above the first learn output weights over the
        // first layer's hidden units (computed once a token when tagging).
        let below = model
            .as_ref()
            .filter(|_| cfg.encoder_shared_hidden)
            .and_then(|m| m.encoder.nets.first())
            .and_then(|l| l.first())
            .cloned();
        let (trained, scale, nets) = train_layer(
            &pairs_of(&|_| true),
            cfg,
            with_net,
            below.as_ref(),
            &mut tick,
        );
        match model.as_mut() {
            None => {
                let mut m = NerModel::new(cfg.bits, vec![trained], scale);
                m.encoder = encoder_of(vec![nets]);
                model = Some(m);
            }
            Some(m) => {
                m.push_layer(trained, scale);
                if cfg.embeddings.is_some() {
                    m.encoder.push_layer(nets);
                }
            }
        }
        if layer + 1 == layers {
            break;
        }
        // This layer's out-of-fold tags, and from them the next layer's features.
        let mut tags: Vec<Vec<Vec<Tag>>> = vec![Vec::new(); docs.len()];
        for fold in 0..cfg.folds {
            let (l, s, nets) = train_layer(
                &pairs_of(&|d| !in_fold(d, fold)),
                cfg,
                with_net,
                None,
                &mut tick,
            );
            let mut fold_model = NerModel::new(cfg.bits, vec![l], s);
            fold_model.encoder = encoder_of(vec![nets]);
            for i in (0..docs.len()).filter(|&i| in_fold(&docs[i], fold)) {
                tags[i] = feats(i)
                    .iter()
                    .zip(&enc[i])
                    .map(|(f, e)| fold_model.best_tags(0, &fold_model.emissions_with(0, f, e)))
                    .collect();
            }
        }
        upper = Some(
            docs.iter()
                .zip(&tags)
                .map(|(d, t)| second_features(d, t))
                .collect(),
        );
    }
    model.expect("at least one layer")
}

/// Last-layer emission scores of a document's sentences, as the tagger computes them.
fn last_emissions(model: &NerModel, d: &DocExample) -> Vec<Vec<[i32; N_TAGS]>> {
    let enc: Vec<Vec<Option<TokenInput>>> =
        d.inputs.iter().map(|x| model.encoder_inputs(x)).collect();
    let mut feats = d.first.clone();
    for layer in 1..model.layers() {
        let tags: Vec<Vec<Tag>> = feats
            .iter()
            .zip(&enc)
            .map(|(f, e)| model.best_tags(layer - 1, &model.emissions_with(layer - 1, f, e)))
            .collect();
        feats = second_features(d, &tags);
    }
    let last = model.layers() - 1;
    feats
        .iter()
        .zip(&enc)
        .map(|(f, e)| model.emissions_with(last, f, e))
        .collect()
}

/// Picks the temperature that makes the held-out gold sequences most likely.
pub fn fit_temperature(model: &mut NerModel, held_out: &[DocExample]) -> f32 {
    let mut em: Vec<(Vec<[i32; N_TAGS]>, &[Tag])> = Vec::new();
    for d in held_out {
        if em.len() > 3000 {
            break;
        }
        for (e, t) in last_emissions(model, d).into_iter().zip(&d.tags) {
            em.push((e, t));
        }
    }
    let unit = f64::from(model.temperature);
    let mut best = (f64::NEG_INFINITY, unit);
    for m in [
        0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0,
    ] {
        let t = unit * m;
        let ll: f64 = em
            .iter()
            .map(|(e, tags)| sequence_log_probability(model, e, tags, t))
            .sum();
        if ll > best.0 {
            best = (ll, t);
        }
    }
    model.temperature = best.1 as f32;
    model.temperature
}

/// Strict span scores per label, counted like ../shared/eval/score.py ner.
#[derive(Debug, Default, Clone)]
pub struct NerScore {
    /// (gold, predicted, correct) per label.
    pub counts: HashMap<&'static str, (usize, usize, usize)>,
}

impl NerScore {
    /// Micro F1 over the labels.
    pub fn f1(&self) -> f64 {
        let (g, p, c) = self
            .counts
            .values()
            .fold((0, 0, 0), |a, v| (a.0 + v.0, a.1 + v.1, a.2 + v.2));
        f1(c, p, g)
    }
    /// Per-label precision, recall and F1, then the micro F1.
    pub fn report(&self) -> String {
        let mut s = String::new();
        for l in NAMED {
            let (g, p, c) = self.counts.get(l.as_str()).copied().unwrap_or_default();
            s.push_str(&format!(
                "  {:4} gold={g:5} pred={p:5} P={:.4} R={:.4} F1={:.4}\n",
                l.as_str(),
                c as f64 / p.max(1) as f64,
                c as f64 / g.max(1) as f64,
                f1(c, p, g)
            ));
        }
        s.push_str(&format!("  F1={:.4}", self.f1()));
        s
    }
}

/// Runs the whole pipeline (segment + entities) on each document and scores its names.
pub fn evaluate(pipeline: &Pipeline, docs: &[NerDoc]) -> NerScore {
    let mut score = NerScore::default();
    let opts = Options {
        stages: Stages {
            extract: Some(false),
            segment: true,
            entities: true,
            pos: false,
        },
        ..Options::default()
    };
    for d in docs {
        if d.text.trim().is_empty() {
            continue;
        }
        let pred: Vec<(Range<usize>, Label)> = pipeline
            .analyze(Content::Text(&d.text), &opts, &Cancel::new())
            .map(|a| {
                a.entities
                    .into_iter()
                    .filter(|e| NAMED.contains(&e.label))
                    .map(|e| (e.start..e.end, e.label))
                    .collect()
            })
            .unwrap_or_default();
        for (_, l) in &d.entities {
            score.counts.entry(l.as_str()).or_default().0 += 1;
        }
        for (r, l) in &pred {
            let e = score.counts.entry(l.as_str()).or_default();
            e.1 += 1;
            if d.entities.contains(&(r.clone(), *l)) {
                e.2 += 1;
            }
        }
    }
    score
}

/// The pipeline with the embedded segmenter and the given entity model.
pub fn pipeline_with(model: NerModel) -> Pipeline {
    let lx = Lexicons::get();
    let seg = PerceptronSegmenter::embedded().expect("embedded segmenter");
    Pipeline::new(Box::new(seg), Box::new(LearnedTagger::new(model, lx)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn training_on_a_small_slice_learns_it() {
        let corpus = "Ông O\nLloyd_Austin B-PER\nthăm O\nHà_Nội B-LOC\n. O\n\nBộ B-ORG\nQuốc_phòng I-ORG\nNga I-ORG\nhọp O\ntại O\nMoskva B-LOC\n. O\n\nBà O\nSabrina_Singh B-PER\nnói O\nvới O\nhãng O\nTASS B-ORG\n. O\n\n".repeat(12);
        let docs = parse_conll(&corpus);
        assert_eq!(docs.len(), 36);
        let seg = PerceptronSegmenter::embedded().unwrap();
        // Word classes from the corpus's own text, as `vitext train entities` learns them.
        let sentences: Vec<Vec<u64>> = docs
            .iter()
            .flat_map(|d| crate::train::clusters::word_hashes(&d.text, &seg))
            .collect();
        let classes = crate::train::clusters::exchange(
            &sentences,
            &crate::train::clusters::ClusterConfig {
                classes: 4,
                ..Default::default()
            },
            |_, _| {},
        );
        assert!(classes.len() > 5, "{} words classed", classes.len());
        // A name profile mined from the same text, as `vitext train name-profile` mines one.
        let mut counts = crate::train::name_profile::Counts::default();
        for line in corpus.split("\n\n") {
            let words: Vec<&str> = line.lines().filter_map(|l| l.split(' ').next()).collect();
            counts.add_line(&words.join(" "));
        }
        let profile = counts.profile(3);
        assert!(!profile.is_empty());
        let features = NerFeatures::with_clusters(Lexicons::get(), vec![classes.clone()])
            .with_profile(profile.clone());
        let mut lost = 0;
        let ex = examples(&docs, &seg, &features, &mut lost);
        assert_eq!(lost, 0);
        // Word vectors from the same text, as `vitext train clusters --method vectors` learns
        // them, for the runs with a window encoder.
        let vectors = crate::train::vectors::skip_gram(
            &sentences,
            &crate::train::vectors::VectorConfig {
                dim: 8,
                min_count: 1,
                epochs: 5,
                threads: 1,
                ..Default::default()
            },
            |_, _| {},
        );
        let embeddings = Embeddings::new(
            vectors.dim,
            vectors
                .words
                .iter()
                .enumerate()
                .map(|(i, &h)| (h, vectors.row(i))),
        );
        assert!(embeddings.len() > 5, "{} vectors", embeddings.len());
        for (objective, ensemble, layers, encoder) in [
            (Objective::Perceptron, 1, 2, false),
            (Objective::Crf { rate: 0.05 }, 2, 2, false),
            (Objective::Crf { rate: 0.05 }, 1, 3, false),
            (Objective::Crf { rate: 0.05 }, 2, 2, true),
        ] {
            let cfg = TrainConfig {
                bits: 14,
                epochs: 4,
                seed: 3,
                folds: 2,
                objective,
                ensemble,
                layers,
                embeddings: encoder.then(|| embeddings.clone()),
                feature_dropout: if encoder { 0.3 } else { 0.0 },
                encoder_hidden: 16,
                encoder_shared_hidden: encoder,
                ..Default::default()
            };
            let mut calls = 0;
            let mut model = train(&ex, &cfg, |_, _| calls += 1);
            model.clusters = vec![classes.clone()];
            model.profile = profile.clone();
            assert!(calls > 0);
            assert_eq!(model.layers(), layers);
            let t = fit_temperature(&mut model, &ex[..3]);
            assert!(t > 0.0);
            // The file round-trips, and what it holds tags its own training data right.
            let model = NerModel::from_bytes(&model.to_bytes()).unwrap();
            assert_eq!(model.clusters.len(), 1);
            assert_eq!(model.profile, profile);
            // One network per layer (the ensemble's runs share the first run's), and with a
            // shared hidden layer every layer's network has the first one's hidden weights.
            assert_eq!(model.encoder.is_empty(), !encoder);
            if encoder {
                assert!(model.encoder.nets.iter().all(|l| l.len() == 1));
                let first = &model.encoder.nets[0][0];
                assert!(model.encoder.nets.iter().all(|l| l[0].w1 == first.w1));
                assert!(model.encoder.nets[1][0].w2 != first.w2);
            }
            let score = evaluate(&pipeline_with(model), &docs[..3]);
            assert_eq!(score.f1(), 1.0, "{objective:?}: {}", score.report());
        }
    }

    /// The CRF gradient is d log p(gold) / d score, checked against finite differences of the
    /// log-likelihood summed over every allowed tag sequence of a short sentence.
    #[test]
    fn crf_gradient_is_the_log_likelihood_slope() {
        let n = 3;
        let mut x = 7u64;
        let mut next = || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((x >> 33) as f32 / (1u64 << 31) as f32) * 2.0 - 1.0
        };
        let em: Vec<[f32; N_TAGS]> = (0..n).map(|_| [(); N_TAGS].map(|_| next())).collect();
        let tr: Vec<f32> = (0..(N_TAGS + 1) * N_TAGS).map(|_| next()).collect();
        let gold: Vec<Tag> = span_tags(Label::Per, 2).chain([Tag::O]).collect();
        let log_p = |em: &[[f32; N_TAGS]], tr: &[f32]| -> f64 {
            let score = |tags: &[Tag]| -> Option<f64> {
                let mut s = 0.0;
                for i in 0..n {
                    let p = (i > 0).then(|| tags[i - 1]);
                    if !crate::analysis::entities::crf::allowed(p, tags[i]) {
                        return None;
                    }
                    s += f64::from(tr[transition_index(p, tags[i])] + em[i][tags[i].index()]);
                }
                Some(s)
            };
            let mut z = 0.0;
            for k in 0..N_TAGS.pow(n as u32) {
                let tags: Vec<Tag> = (0..n)
                    .map(|i| Tag::from_index(k / N_TAGS.pow(i as u32) % N_TAGS))
                    .collect();
                z += score(&tags).map_or(0.0, f64::exp);
            }
            score(&gold).unwrap() - z.ln()
        };
        let mut s = CrfScratch::default();
        let g = crf_gradient(&em, &tr, &gold, &mut s);
        let h = 1e-2f32;
        for i in 0..n {
            for t in 0..N_TAGS {
                let (mut up, mut down) = (em.clone(), em.clone());
                up[i][t] += h;
                down[i][t] -= h;
                let slope = (log_p(&up, &tr) - log_p(&down, &tr)) / f64::from(2.0 * h);
                assert!((slope - g.token[i][t]).abs() < 1e-3, "token {i} tag {t}");
            }
        }
        for j in 0..tr.len() {
            let (mut up, mut down) = (tr.clone(), tr.clone());
            up[j] += h;
            down[j] -= h;
            let slope = (log_p(&em, &up) - log_p(&em, &down)) / f64::from(2.0 * h);
            assert!((slope - g.trans[j]).abs() < 1e-3, "transition {j}");
        }
    }

    #[test]
    fn model_files_are_checked() {
        assert!(NerModel::from_bytes(b"VTXNER03").is_err());
        assert!(NerModel::from_bytes(b"not a model at all, just some bytes").is_err());
        let model = NerModel::from_bytes(crate::analysis::entities::crf::EMBEDDED_ENTITIES)
            .expect("the shipped model loads");
        let mut bytes = model.to_bytes();
        bytes.pop();
        assert!(NerModel::from_bytes(&bytes).is_err());
        // The profile section's count is 0 or 1: it sits where a model without one ends.
        assert!(
            !model.profile.is_empty(),
            "the shipped model has a name profile"
        );
        let mut bare = NerModel::from_bytes(&model.to_bytes()).unwrap();
        bare.profile = Default::default();
        bare.encoder = Default::default();
        // A model without a profile and an encoder ends with the profile's count (0) and the
        // encoder's count (0).
        let at = bare.to_bytes().len() - 8;
        let mut no_encoder = bare.to_bytes();
        let end = no_encoder.len() - 4;
        assert_eq!(no_encoder[end..], 0u32.to_le_bytes());
        no_encoder[end] = 2;
        assert!(NerModel::from_bytes(&no_encoder).is_err());
        let mut with_profile = NerModel::from_bytes(&model.to_bytes()).unwrap();
        with_profile.encoder = Default::default();
        let mut bytes = with_profile.to_bytes();
        assert_eq!(bytes[at..at + 4], 1u32.to_le_bytes());
        bytes[at] = 2;
        assert!(NerModel::from_bytes(&bytes).is_err());
        // A model without a profile reads back without one, in this format and the one before
        // profiles (VTXNER05: no section at all).
        assert!(NerModel::from_bytes(&bare.to_bytes())
            .unwrap()
            .profile
            .is_empty());
        let mut v5 = bare.to_bytes();
        v5.truncate(at);
        v5[..8].copy_from_slice(b"VTXNER05");
        assert!(NerModel::from_bytes(&v5).unwrap().profile.is_empty());
        // The format before encoders (VTXNER06: no encoder section) still reads.
        let mut v6 = with_profile.to_bytes();
        v6.truncate(v6.len() - 4);
        v6[..8].copy_from_slice(b"VTXNER06");
        let back = NerModel::from_bytes(&v6).unwrap();
        assert!(back.encoder.is_empty() && !back.profile.is_empty());
    }
}
