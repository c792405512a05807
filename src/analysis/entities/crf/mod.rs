//! The entity tagger's model: BIOES tags (`tag`), the inputs and typed feature templates
//! (`inputs`, `templates`), stacked linear-chain layers and their file (`model`), Viterbi
//! (`viterbi`) and forward-backward (`forward_backward`), which the trainer shares.
mod encoder;
mod forward_backward;
mod inputs;
mod model;
mod tag;
mod templates;
mod viterbi;

pub use encoder::{
    Embeddings, Encoder, EncoderError, TokenInput, WindowNet, NONE, N_BITS, SLOTS, VALUE_SCALE,
};
pub use forward_backward::{ExpTable, ExpTransitions, Lattice, Marginals, START};
pub use inputs::{NerFeatures, SentenceInputs, TextStyle};
pub use model::{
    sequence_log_probability, transition_index, Layer, LayerSums, NerModel, NerModelError,
    EMBEDDED_ENTITIES, MAX_LAYERS, OUTSIDE,
};
pub use tag::{allowed, close_at_edges, span_tags, spans_of, Part, Tag, NAMED, N_TAGS};
pub use templates::{DocContext, Template};
pub use viterbi::viterbi;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_viterbi_matches_the_float_one() {
        let model = NerModel::from_bytes(EMBEDDED_ENTITIES).unwrap();
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for n in 1..40 {
            let em: Vec<[i32; N_TAGS]> = (0..n)
                .map(|_| {
                    if next() % 4 == 0 {
                        OUTSIDE
                    } else {
                        // Small ranges make ties, where the choice must match too.
                        std::array::from_fn(|_| (next() % 7) as i32 * 100 - 300)
                    }
                })
                .collect();
            for layer in 0..model.layers() {
                let float = viterbi(&em, |p, t| model.transition(layer, p, t));
                assert_eq!(model.best_tags(layer, &em), float, "n={n} layer={layer}");
            }
        }
    }

    /// Every tag sequence of `n` tokens that the constraints allow.
    fn all_paths(n: usize) -> Vec<Vec<Tag>> {
        let mut paths = vec![Vec::new()];
        for _ in 0..n {
            let mut longer = Vec::new();
            for p in &paths {
                for t in Tag::all().filter(|&t| allowed(p.last().copied(), t)) {
                    let mut q = p.clone();
                    q.push(t);
                    longer.push(q);
                }
            }
            paths = longer;
        }
        paths
    }

    #[test]
    fn island_marginals_are_the_sentence_ones() {
        let mut rng = 0x51_7CC1_B727_220Au64;
        let mut next = |m: i32| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng % (2 * m as u64 + 1)) as i32 - m
        };
        // Scored tokens 1..4 and 5..7 between tokens outside any name.
        let em: Vec<[i32; N_TAGS]> = (0..8)
            .map(|i| {
                if [0, 4, 7].contains(&i) {
                    OUTSIDE
                } else {
                    [0; N_TAGS].map(|_| next(300))
                }
            })
            .collect();
        let tr: Vec<f64> = (0..(N_TAGS + 1) * N_TAGS)
            .map(|_| f64::from(next(200)))
            .collect();
        let trans = |p: Option<Tag>, t: Tag| tr[transition_index(p, t)];
        let whole = Marginals::new(&em, &trans, 100.0);
        let mut checked = 0;
        for island in [1..4, 5..7] {
            let exp_tr = ExpTransitions::new(&trans, 100.0);
            let part = Marginals::between(&em[island.clone()], &exp_tr, 0, true);
            for a in island.clone() {
                for b in a + 1..=island.end {
                    for path in all_paths(b - a) {
                        let want = whole.path_probability(a..b, &path);
                        let r = a - island.start..b - island.start;
                        let got = part.path_probability(r, &path);
                        assert!((got - want).abs() < 1e-12, "{a}..{b} {path:?}");
                        checked += usize::from(want > 1e-6);
                    }
                }
            }
        }
        assert!(checked > 10);
    }

    #[test]
    fn span_probabilities_match_brute_force_at_any_temperature() {
        let mut rng = 0x9E37_79B9u64;
        let mut next = |m: i32| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng % (2 * m as u64 + 1)) as i32 - m
        };
        let em: Vec<[i32; N_TAGS]> = (0..4).map(|_| [0; N_TAGS].map(|_| next(300))).collect();
        let tr: Vec<f64> = (0..(N_TAGS + 1) * N_TAGS)
            .map(|_| f64::from(next(200)))
            .collect();
        let trans = |p: Option<Tag>, t: Tag| tr[transition_index(p, t)];
        let score = |path: &[Tag]| -> f64 {
            let mut prev = None;
            let mut s = 0.0;
            for (e, &t) in em.iter().zip(path) {
                s += trans(prev, t) + f64::from(e[t.index()]);
                prev = Some(t);
            }
            s
        };
        let paths = all_paths(em.len());
        for temperature in [100.0, 30.0, 0.01] {
            let m = Marginals::new(&em, &trans, temperature);
            let weights: Vec<f64> = paths.iter().map(|p| score(p) / temperature).collect();
            let top = weights.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            let z: f64 = weights.iter().map(|w| (w - top).exp()).sum();
            // Tokens 1..3 tagged B-PER I-PER.
            let want: f64 = paths
                .iter()
                .zip(&weights)
                .filter(|(p, _)| p[1].index() == 1 && p[2].index() == 2)
                .map(|(_, w)| (w - top).exp())
                .sum::<f64>()
                / z;
            let got = m.path_probability(1..3, &[Tag::from_index(1), Tag::from_index(2)]);
            assert!(got.is_finite(), "temperature {temperature}");
            if temperature > 1.0 {
                assert!(
                    (got - want).abs() < 1e-9,
                    "{got} vs {want} at {temperature}"
                );
                assert!((m.log_z - (top + z.ln())).abs() < 1e-6);
            }
        }
    }
}
