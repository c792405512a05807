//! Forward-backward over a sentence in probability space, normalised at every token: the
//! tagger's span confidences and the trainer's CRF gradient both run this one recursion.
use std::ops::Range;

use super::tag::{allowed_index, Tag, N_TAGS, PAIRS};

/// Row of the transition tables that stands for the sentence start.
pub const START: usize = N_TAGS;

/// Transitions in probability space: `[prev][tag]`, row `START` for the sentence start, 0
/// where the pair is forbidden.
pub type ExpTable = [[f64; N_TAGS]; N_TAGS + 1];

/// Scaled forward and backward variables of one sentence (kept between sentences to reuse the
/// memory). Each alpha row is normalised to sum 1; beta shares the normalisers, so products
/// stay in range however long the sentence.
#[derive(Default)]
pub struct Lattice {
    /// Forward variables, each row summing to 1.
    pub alpha: Vec<[f64; N_TAGS]>,
    /// Backward variables, on the scale of `norm`.
    pub beta: Vec<[f64; N_TAGS]>,
    /// Per token, what its alpha row summed to before normalising.
    pub norm: Vec<f64>,
}

impl Lattice {
    /// Runs both passes over `emit` (per token, per tag, probability-space emissions) entered
    /// from row `entry` of `tr` and, with `into_outside`, followed by an O. Adds each token's
    /// log normaliser to `log_z`, in order; returns the normaliser of the step into the O after
    /// (1 without one).
    // Index loops: they read as the forward-backward formulas do.
    #[allow(clippy::needless_range_loop)]
    pub fn run(
        &mut self,
        emit: &[[f64; N_TAGS]],
        tr: &ExpTable,
        entry: usize,
        into_outside: bool,
        log_z: &mut f64,
    ) -> f64 {
        let n = emit.len();
        self.alpha.clear();
        self.alpha.resize(n, [0.0; N_TAGS]);
        self.norm.clear();
        self.norm.resize(n, 1.0);
        for i in 0..n {
            let mut sum = 0.0;
            for t in 0..N_TAGS {
                let into: f64 = if i == 0 {
                    tr[entry][t]
                } else {
                    PAIRS
                        .before(t)
                        .iter()
                        .map(|&p| self.alpha[i - 1][usize::from(p)] * tr[usize::from(p)][t])
                        .sum()
                };
                self.alpha[i][t] = into * emit[i][t];
                sum += self.alpha[i][t];
            }
            // Never zero: a row of zeros would turn every later step into NaN.
            let sum = f64::max(sum, f64::MIN_POSITIVE);
            for a in &mut self.alpha[i] {
                *a /= sum;
            }
            self.norm[i] = sum;
            *log_z += sum.ln();
        }
        self.beta.clear();
        self.beta.resize(n, [1.0; N_TAGS]);
        let mut exit = 1.0;
        if into_outside && n > 0 {
            // The step into the O after: normalised like every other step.
            exit = (0..N_TAGS).map(|p| self.alpha[n - 1][p] * tr[p][0]).sum();
            for p in 0..N_TAGS {
                self.beta[n - 1][p] = tr[p][0] / exit;
            }
        }
        for i in (0..n.saturating_sub(1)).rev() {
            for p in 0..N_TAGS {
                self.beta[i][p] = PAIRS
                    .after(p)
                    .iter()
                    .map(|&t| usize::from(t))
                    .map(|t| tr[p][t] * emit[i + 1][t] * self.beta[i + 1][t])
                    .sum::<f64>()
                    / self.norm[i + 1];
            }
        }
        exit
    }
}

/// Exponents below -CLAMP nats are raised to it when the tagger turns scores into
/// probabilities: such paths are negligible, and no product then underflows to zero however
/// peaked the scores are.
const CLAMP: f64 = 300.0;

/// The transitions in probability space at a temperature, shifted by their maximum: computed
/// once per document, not per sentence (the exps cost more than the sentence).
#[derive(Clone, Copy)]
pub struct ExpTransitions {
    tr: ExpTable,
    shift: f64,
    scale: f64,
}

impl ExpTransitions {
    /// From score-space transitions `trans(prev, tag)` at `temperature` score units per nat.
    pub fn new(trans: &impl Fn(Option<Tag>, Tag) -> f64, temperature: f64) -> Self {
        let scale = 1.0 / temperature.max(1e-6);
        let prev_of = |p: usize| (p < N_TAGS).then_some(p);
        let score = |p: usize, t: usize| trans(prev_of(p).map(Tag::from_index), Tag::from_index(t));
        let shift = (0..=N_TAGS)
            .flat_map(|p| (0..N_TAGS).map(move |t| (p, t)))
            .filter(|&(p, t)| allowed_index(prev_of(p), t))
            .map(|(p, t)| score(p, t) * scale)
            .fold(f64::NEG_INFINITY, f64::max);
        let mut tr = [[0f64; N_TAGS]; N_TAGS + 1];
        for (p, row) in tr.iter_mut().enumerate() {
            for (t, x) in row.iter_mut().enumerate() {
                if allowed_index(prev_of(p), t) {
                    *x = (score(p, t) * scale - shift).max(-CLAMP).exp();
                }
            }
        }
        Self { tr, shift, scale }
    }
}

/// Marginals of a sentence (or an island of it) under integer scores: span probabilities and
/// the log partition function. Scores are shifted by their maximum (per token for emissions,
/// once for transitions, which every path takes one of per token).
pub struct Marginals {
    lattice: Lattice,
    emit: Vec<[f64; N_TAGS]>,
    trans: ExpTable,
    /// Log of the sum over all paths of exp(score / temperature).
    pub log_z: f64,
    /// Nats per score unit (1 / temperature).
    pub scale: f64,
}

impl Marginals {
    /// Over a whole sentence.
    pub fn new(
        em: &[[i32; N_TAGS]],
        trans: &impl Fn(Option<Tag>, Tag) -> f64,
        temperature: f64,
    ) -> Self {
        Self::between(em, &ExpTransitions::new(trans, temperature), START, false)
    }

    /// Over tokens entered from row `entry` of the transitions (START: the sentence start;
    /// 0: an O before them) and, with `into_outside`, followed by an O: the marginals of an
    /// island of scored tokens between tokens outside any name are those of the sentence.
    pub fn between(
        em: &[[i32; N_TAGS]],
        exp_tr: &ExpTransitions,
        entry: usize,
        into_outside: bool,
    ) -> Self {
        let ExpTransitions { tr, shift, scale } = *exp_tr;
        let n = em.len();
        let mut log_z = shift * n as f64;
        let floor = (-CLAMP).exp();
        let emit: Vec<[f64; N_TAGS]> = em
            .iter()
            .map(|e| {
                let best = e.iter().copied().max().unwrap_or(0);
                log_z += f64::from(best) * scale;
                if e.iter().all(|&x| x == best) {
                    // Tokens far from any capital are not scored: every tag scores the same.
                    return [1.0; N_TAGS];
                }
                e.map(|x| {
                    let z = f64::from(x - best) * scale;
                    // exp is the cost here: far below the best (every tag of a token outside
                    // names) the clamped value is known.
                    if z <= -CLAMP {
                        floor
                    } else {
                        z.exp()
                    }
                })
            })
            .collect();
        let mut lattice = Lattice::default();
        let exit = lattice.run(&emit, &tr, entry, into_outside, &mut log_z);
        if into_outside && n > 0 {
            log_z += shift + exit.ln();
        }
        Self {
            lattice,
            emit,
            trans: tr,
            log_z,
            scale,
        }
    }

    /// Probability that tokens `r` carry exactly `tags`.
    pub fn path_probability(&self, r: Range<usize>, tags: &[Tag]) -> f64 {
        let Lattice { alpha, beta, norm } = &self.lattice;
        let mut p = alpha[r.start][tags[0].index()];
        for (k, i) in r.clone().enumerate().skip(1) {
            let (a, b) = (tags[k - 1].index(), tags[k].index());
            p *= self.trans[a][b] * self.emit[i][b] / norm[i];
        }
        let p = p * beta[r.end - 1][tags[tags.len() - 1].index()];
        if p.is_finite() {
            p.clamp(0.0, 1.0)
        } else {
            0.0
        }
    }
}
