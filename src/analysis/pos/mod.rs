//! Part of speech: a VLSP 2013 tag on every word the segmenter (and the entity stage's cuts)
//! made. A first-order linear-chain model over word features, decoded with Viterbi.
pub mod features;
pub mod model;
pub mod tag_sets;

use std::ops::Range;

use crate::analysis::segment::tokenize::Syllable;
pub use features::{Lookups, WordFacts, WordInfo};
pub use model::{PosModel, PosModelError};

/// The VLSP 2013 tag set as the treebank uses it: N noun, Np proper noun, Nc classifier, Nu
/// unit, Ny abbreviated noun, Nb borrowed noun, Ni symbol noun, V verb, Vb / Vy borrowed and
/// abbreviated verbs, A adjective, Ab borrowed adjective, P pronoun, Pb, R adverb, L
/// determiner, M numeral, Mb, E preposition, Eb, C conjunction, Cc coordinating conjunction, Cb,
/// I interjection, T particle, B, Y abbreviation, S, X unknown, Xy, Z, CH punctuation. A model
/// file names its tags; any outside this list is refused.
pub const TAGS: &[&str] = &[
    "N", "Np", "Nc", "Nu", "Ny", "Nb", "Ni", "V", "Vb", "Vy", "A", "Ab", "P", "Pb", "R", "L", "M",
    "Mb", "E", "Eb", "C", "Cc", "Cb", "I", "T", "B", "Y", "S", "X", "Xy", "Z", "CH",
];

/// The embedded model, trained by `vitext train pos` (see models/README.md).
pub const EMBEDDED_POS: &[u8] =
    include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/models/pos.bin"));

/// Tags words with their part of speech.
pub struct PosTagger {
    model: PosModel,
}

impl PosTagger {
    /// The tagger of a model.
    pub fn new(model: PosModel) -> Self {
        Self { model }
    }

    /// The embedded model.
    pub fn embedded() -> Result<Self, PosModelError> {
        Ok(Self::new(PosModel::from_bytes(EMBEDDED_POS)?))
    }

    /// One tag per word of a sentence; `words` are ranges of `tokens`, in order.
    pub fn tag(
        &self,
        text: &str,
        tokens: &[Syllable],
        words: &[Range<usize>],
    ) -> Vec<&'static str> {
        let infos = WordInfo::of_sentence(text, tokens, words, self.model.lookups());
        self.model
            .decode(&infos)
            .into_iter()
            .map(|t| TAGS[t as usize])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::model::viterbi;
    use super::*;
    use crate::analysis::entities::clusters::WordClusters;
    use crate::analysis::pos::tag_sets::TagSets;
    use crate::analysis::segment::perceptron::PerceptronSegmenter;
    use crate::analysis::segment::tokenize::tokenize;
    use crate::analysis::segment::WordSegmenter;

    /// (word, tag) pairs of one sentence, segmented by the embedded segmenter.
    fn tagged(text: &str) -> Vec<(String, &'static str)> {
        let toks = tokenize(text);
        let words = PerceptronSegmenter::embedded()
            .expect("segmenter")
            .segment(text, &toks);
        let tags = PosTagger::embedded()
            .expect("pos model")
            .tag(text, &toks, &words);
        words
            .iter()
            .zip(tags)
            .map(|(w, t)| {
                (
                    text[toks[w.start].start..toks[w.end - 1].end].to_string(),
                    t,
                )
            })
            .collect()
    }

    #[test]
    fn embedded_model_tags_news_text() {
        let t = tagged("Bộ trưởng Quốc phòng Mỹ thăm Hà Nội hôm 12/3 và gặp các quan chức.");
        for (word, tag) in [
            ("Bộ trưởng", "N"),
            ("thăm", "V"),
            ("Hà Nội", "Np"),
            ("và", "Cc"),
            ("các", "L"),
            (".", "CH"),
        ] {
            assert!(
                t.iter().any(|(w, g)| w == word && *g == tag),
                "{word:?} not {tag}: {t:?}"
            );
        }
    }

    #[test]
    fn tone_mark_placement_is_folded() {
        let lookups = &WordFacts::default();
        let key = |w: &str| WordInfo::new(w, &tokenize(w), lookups).key;
        assert_eq!(key("hoá"), key("hóa"));
        assert_eq!(key("Uỷ ban"), key("Ủy ban"));
        let a: Vec<_> = tagged("Uỷ ban nhân dân tỉnh đã hoá giải mâu thuẫn.")
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        let b: Vec<_> = tagged("Ủy ban nhân dân tỉnh đã hóa giải mâu thuẫn.")
            .into_iter()
            .map(|(_, t)| t)
            .collect();
        assert_eq!(a, b);
    }

    #[test]
    fn model_bytes_round_trip_and_refusals() {
        let tags = ["N", "V", "CH"];
        let m = PosModel::new(
            8,
            &tags,
            &(0..256 * 3).map(|i| (i % 7) as i8 - 3).collect::<Vec<_>>(),
            (0..12).map(|i| i as i16).collect(),
            vec![WordClusters::new(4, [(7u64, 2u16)])],
            TagSets::learn([(5u64, 1u8), (5, 0)]),
        )
        .unwrap();
        let bytes = m.to_bytes();
        assert_eq!(PosModel::from_bytes(&bytes).unwrap(), m);
        assert_eq!(m.tag_names().collect::<Vec<_>>(), tags);
        assert!(matches!(
            PosModel::from_bytes(b"VTXSEG01 not this"),
            Err(PosModelError::BadMagic)
        ));
        assert!(matches!(
            PosModel::from_bytes(&bytes[..bytes.len() - 1]),
            Err(PosModelError::BadSize)
        ));
        let unknown = PosModel::new(
            8,
            &["N", "QQ"],
            &[0; 512],
            vec![0; 6],
            Vec::new(),
            TagSets::default(),
        );
        assert!(matches!(unknown, Err(PosModelError::UnknownTag(t)) if t == "QQ"));
    }

    #[test]
    fn viterbi_weighs_transitions_against_emissions() {
        // Position 1 alone prefers tag 0, but 1 -> 1 is cheap and 1 -> 0 costly.
        let emit = [[0, 5], [3, 2]];
        let trans = |from: Option<usize>, to: usize| match (from, to) {
            (Some(1), 0) => -10,
            _ => 0,
        };
        let run = |beam, trans: &dyn Fn(Option<usize>, usize) -> i32| {
            viterbi(
                2,
                2,
                beam,
                |i, s: &mut [i32]| s.copy_from_slice(&emit[i]),
                trans,
            )
        };
        assert_eq!(run(2, &trans), vec![1, 1]);
        assert_eq!(run(2, &|_, _| 0), vec![1, 0]);
        // One candidate a word: each takes its best emission whatever the transitions.
        assert_eq!(run(1, &trans), vec![1, 0]);
        assert!(viterbi(0, 2, 2, |_, _: &mut [i32]| {}, |_, _| 0).is_empty());
    }

    #[test]
    fn a_beam_finds_the_exact_path_when_it_lies_among_the_candidates() {
        // Four tags; the best path uses each word's first or second best emission.
        let emit = [[9, 8, 0, 1], [1, 7, 6, 0], [0, 2, 9, 8]];
        let trans = |from: Option<usize>, to: usize| match (from, to) {
            (Some(0), 1) | (Some(1), 3) => 5,
            _ => 0,
        };
        let run = |beam| {
            viterbi(
                3,
                4,
                beam,
                |i, s: &mut [i32]| s.copy_from_slice(&emit[i]),
                trans,
            )
        };
        assert_eq!(run(4), vec![0, 1, 3]);
        assert_eq!(run(2), run(4));
    }

    #[test]
    fn word_keys_are_the_word_hashes_the_classes_use() {
        let lookups = &WordFacts::default();
        let text = "Lầu Năm Góc";
        let toks = tokenize(text);
        let keys: Vec<u64> = toks
            .iter()
            .map(|t| crate::analysis::features::key_of(t.text(text), t.kind))
            .collect();
        assert_eq!(
            WordInfo::new(text, &toks, lookups).key,
            crate::analysis::features::word_hash(&keys)
        );
    }
}
