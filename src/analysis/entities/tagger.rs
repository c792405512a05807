//! The learned named-entity tagger: runs the stacked linear-chain layers of `crf` over a
//! document's sentences, takes the names from the last layer's best tags with their
//! probabilities as confidences, and adds the rule entities (dates, amounts) of `numeric`.
use std::ops::Range;

use super::crf::{
    spans_of, DocContext, ExpTransitions, LayerSums, Marginals, NerFeatures, NerModel,
    SentenceInputs, Tag, TextStyle, N_TAGS, OUTSIDE, START,
};
use super::{numeric, Entity, EntityTagger, Label, SentenceView};
use crate::analysis::features::key_of;
use crate::analysis::lexicon::Lexicons;

/// The learned tagger for names plus the rules for dates and amounts.
pub struct LearnedTagger {
    model: NerModel,
    features: NerFeatures,
}

impl LearnedTagger {
    /// The model over the lexicons' gazetteers and the model's own word classes.
    pub fn new(model: NerModel, lexicons: &Lexicons) -> Self {
        Self {
            features: NerFeatures::with_clusters(lexicons, model.clusters.clone())
                .with_profile(model.profile.clone()),
            model,
        }
    }

    /// Named entities of each sentence of a document: token ranges, labels and confidences.
    pub fn named(&self, sentences: &[SentenceView<'_>]) -> Vec<Vec<(Range<usize>, Label, f32)>> {
        let style = TextStyle::of(sentences);
        let inputs: Vec<SentenceInputs> = sentences
            .iter()
            .map(|s| self.features.inputs(s, style))
            .collect();
        let first_features: Vec<Vec<Vec<u64>>> = inputs
            .iter()
            .map(SentenceInputs::features_near_capitals)
            .collect();
        // Both layers read the first layer's features: their sums come from one pass.
        let shared: Vec<Vec<LayerSums>> = first_features
            .iter()
            .zip(&inputs)
            .map(|(f, x)| {
                let mut s = self.model.shared_emissions(f);
                self.model
                    .add_encoder(&mut s, &self.model.encoder_inputs(x));
                s
            })
            .collect();
        let mut decoded: Vec<(Vec<[i32; N_TAGS]>, Vec<Tag>)> = shared
            .iter()
            .map(|s| {
                let em: Vec<[i32; N_TAGS]> = s.iter().map(|e| e[0]).collect();
                let tags = self.model.best_tags(0, &em);
                (em, tags)
            })
            .collect();
        let last = self.model.layers() - 1;
        // Each layer above the first reads the first layer's features (summed already, in
        // `shared`) plus the tags of the layer below across the document.
        let mut first_features = Some(first_features);
        for layer in 1..=last {
            // The layer below's tags move out: its results are replaced just after.
            let below: Vec<Vec<Tag>> = decoded.iter_mut().map(|(_, t)| std::mem::take(t)).collect();
            let ctx = DocContext::new(&inputs, &below);
            let base_features = if layer == last {
                first_features
                    .take()
                    .expect("taken once, at the last layer")
            } else {
                first_features.clone().expect("kept until the last layer")
            };
            decoded = inputs
                .iter()
                .zip(base_features)
                .zip(&below)
                .zip(&shared)
                .map(|(((x, f), t), s)| {
                    let base: Vec<usize> = f.iter().map(Vec::len).collect();
                    let em =
                        self.model
                            .emissions_after(layer, s, &base, &x.second_features(f, t, &ctx));
                    let tags = self.model.best_tags(layer, &em);
                    (em, tags)
                })
                .collect();
        }
        let trans = |p: Option<Tag>, t: Tag| self.model.transition(last, p, t);
        let exp_tr = ExpTransitions::new(&trans, f64::from(self.model.temperature));
        decoded
            .into_iter()
            .map(|(em, tags)| {
                let spans = spans_of(&tags);
                if spans.is_empty() {
                    return Vec::new();
                }
                // Forward-backward over the island of scored tokens around each span only
                // (tokens outside it are O whatever the path).
                let mut island: Option<(Range<usize>, Marginals)> = None;
                spans
                    .into_iter()
                    .map(|(r, l)| {
                        if !matches!(&island, Some((a, _)) if a.contains(&r.start)) {
                            let mut a = r.start;
                            while a > 0 && em[a - 1] != OUTSIDE {
                                a -= 1;
                            }
                            let mut b = r.end;
                            while b < em.len() && em[b] != OUTSIDE {
                                b += 1;
                            }
                            let entry = if a == 0 { START } else { 0 };
                            let m = Marginals::between(&em[a..b], &exp_tr, entry, b < em.len());
                            island = Some((a..b, m));
                        }
                        let (a, m) = island.as_ref().expect("set above");
                        let p = m
                            .path_probability(r.start - a.start..r.end - a.start, &tags[r.clone()]);
                        (r, l, p as f32)
                    })
                    .collect()
            })
            .collect()
    }
}

impl LearnedTagger {
    /// VLSP 2018 labels a seat standing for its institution as a place ("Lầu Năm Góc quan ngại"
    /// is LOC there); we label the institution (ORG), which is what a reader of the news means.
    fn institution_label(&self, s: &SentenceView<'_>, r: &Range<usize>, label: Label) -> Label {
        if label != Label::Loc {
            return label;
        }
        let keys: Vec<u64> = s.tokens[r.clone()]
            .iter()
            .map(|t| key_of(t.text(s.text), t.kind))
            .collect();
        if self.features.is_institution(&keys) {
            Label::Org
        } else {
            label
        }
    }
}

impl EntityTagger for LearnedTagger {
    fn name(&self) -> &str {
        "linear-chain-bioes"
    }

    fn tag(&self, s: &SentenceView<'_>) -> Vec<Entity> {
        self.tag_document(std::slice::from_ref(s))
            .pop()
            .unwrap_or_default()
    }

    fn tag_document(&self, sentences: &[SentenceView<'_>]) -> Vec<Vec<Entity>> {
        self.named(sentences)
            .into_iter()
            .zip(sentences)
            .map(|(names, s)| {
                let mut out: Vec<Entity> = names
                    .into_iter()
                    .map(|(r, label, confidence)| {
                        (self.institution_label(s, &r, label), r, confidence)
                    })
                    .map(|(label, r, confidence)| Entity {
                        start: s.tokens[r.start].start,
                        end: s.tokens[r.end - 1].end,
                        label,
                        confidence,
                        value: None,
                    })
                    .collect();
                // Rule entities never overlap a name ("Sư đoàn 308" stays one ORG).
                for e in numeric::tag(s) {
                    if out.iter().all(|n| e.end <= n.start || e.start >= n.end) {
                        out.push(e);
                    }
                }
                out.sort_by_key(|e| (e.start, e.end));
                out
            })
            .collect()
    }
}
