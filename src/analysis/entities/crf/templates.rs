//! The tagger's features: typed templates hashed over a token's context, for the first layer
//! (the sentence) and the layers above it (also the tags of the layer below across the
//! document).
use super::inputs::SentenceInputs;
use super::tag::Tag;
use crate::analysis::features::{feature_hash, is_capitalised, mix, BOS, EOS};
use Template as T;

/// Salt of the first layer's features.
const SENTENCE_SALT: u64 = 0xE17;
/// Salt of the features only the layers above the first read.
const UPPER_LAYER_SALT: u64 = 0xD0C;
/// Seed of a capitalised run's hash.
const RUN_SALT: u64 = 0x5150;

/// How many of a token's first features get a per-style copy.
const STYLED_FEATURES: usize = 11;

/// How far (in tokens) from a capitalised token a name can reach.
const NAME_REACH: usize = 4;

/// A feature template: which parts of a token's context one feature combines. The id goes
/// into the feature's hash, so the numbers are part of the model file: never renumber them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// Always on.
    Bias,
    /// The token's syllable key.
    Key,
    /// The key before.
    KeyBefore,
    /// The key after.
    KeyAfter,
    /// The key two before.
    KeyTwoBefore,
    /// The key two after.
    KeyTwoAfter,
    /// The key before with the own.
    KeysBeforeAndOwn,
    /// The own key with the one after.
    KeysOwnAndAfter,
    /// The token's shape.
    Shape,
    /// Shapes of the token and its neighbours.
    ShapesOfThree,
    /// Shapes of five tokens around it.
    ShapesOfFive,
    /// Key and shape.
    KeyAndShape,
    /// The key before with the own shape.
    KeyBeforeAndShape,
    /// The key after with the own shape.
    KeyAfterAndShape,
    /// The two keys before with the own shape.
    KeysTwoBeforeAndShape,
    /// The keys before, own and after.
    KeysOfThree,
    /// Whether the token starts the sentence, with its shape.
    SentenceStartAndShape,
    /// The segmenter's word the token is in and its place in it.
    WordAndPosition,
    /// The word before with the own shape.
    WordBeforeAndShape,
    /// The word after with the own shape.
    WordAfterAndShape,
    /// The word before with the own word.
    WordBeforeAndWord,
    /// The last three letters with the shape.
    SuffixAndShape,
    /// Membership in word list `k` (ids 30 + k).
    Gazetteer(usize),
    /// Length of the capitalised run the token is in, and its place in it.
    RunLength,
    /// The key before the run.
    KeyBeforeRun,
    /// The two keys before the run.
    KeysTwoBeforeRun,
    /// The key after the run.
    KeyAfterRun,
    /// The key before the run with its length.
    KeyBeforeRunAndLength,
    /// The run's first key.
    RunFirstKey,
    /// The run's last key.
    RunLastKey,
    /// The word before the run.
    WordBeforeRun,
    /// Whether the token and its run neighbours read as Vietnamese syllables.
    ForeignTurn,
    /// The word's class with the place in the word.
    ClassAndPosition,
    /// The word's class with the shape.
    ClassAndShape,
    /// The class of the word before with the shape.
    ClassBeforeAndShape,
    /// The class of the word after with the shape.
    ClassAfterAndShape,
    /// Classes of the word before and the own.
    ClassBeforeAndClass,
    /// Classes of the own word and the one after.
    ClassAndClassAfter,
    /// The name profile's first cue of the piece the token is in, its share, the place.
    ProfileFirstCue,
    /// The profile's first and second cues, the place.
    ProfileTwoCues,
    /// The first cue, how often any cue was seen and how often the piece was.
    ProfileCuedAndSeen,
    /// The first cue, whether the piece is the whole run, and the shape.
    ProfileWholeAndShape,
    /// A token of a capitalised run the profile does not know, with the run's length.
    ProfileUnknown,
    /// A cue with a fair share of the piece's contexts, the place.
    ProfileCue,
    /// The tag the layer below gave the token.
    TagBelow,
    /// Tags below of the token before and the token.
    TagsBelowBeforeAndOwn,
    /// Tags below of the token and the one after.
    TagsBelowOwnAndAfter,
    /// Tag below with the key.
    TagBelowAndKey,
    /// The label the same key got elsewhere in the document, with the shape.
    KeyElsewhereAndShape,
    /// That label with how dominant it was.
    KeyElsewhereAndShare,
    /// That label with the tag below.
    KeyElsewhereAndTag,
    /// The label the same capitalised run got elsewhere, with the place in the run.
    RunElsewhereAndPosition,
    /// That label, its dominance and the tag below.
    RunElsewhereShareAndTag,
}

impl Template {
    /// The number hashed into the feature.
    pub const fn id(self) -> u64 {
        match self {
            Template::Bias => 0,
            Template::Key => 1,
            Template::KeyBefore => 2,
            Template::KeyAfter => 3,
            Template::KeyTwoBefore => 4,
            Template::KeyTwoAfter => 5,
            Template::KeysBeforeAndOwn => 6,
            Template::KeysOwnAndAfter => 7,
            Template::Shape => 8,
            Template::ShapesOfThree => 9,
            Template::ShapesOfFive => 10,
            Template::KeyAndShape => 11,
            Template::KeyBeforeAndShape => 12,
            Template::KeyAfterAndShape => 13,
            Template::KeysTwoBeforeAndShape => 14,
            Template::KeysOfThree => 15,
            Template::SentenceStartAndShape => 16,
            Template::WordAndPosition => 20,
            Template::WordBeforeAndShape => 21,
            Template::WordAfterAndShape => 22,
            Template::WordBeforeAndWord => 23,
            Template::SuffixAndShape => 24,
            Template::Gazetteer(k) => 30 + k as u64,
            Template::RunLength => 40,
            Template::KeyBeforeRun => 41,
            Template::KeysTwoBeforeRun => 42,
            Template::KeyAfterRun => 43,
            Template::KeyBeforeRunAndLength => 44,
            Template::RunFirstKey => 45,
            Template::RunLastKey => 46,
            Template::WordBeforeRun => 47,
            Template::ForeignTurn => 48,
            Template::ClassAndPosition => 50,
            Template::ClassAndShape => 51,
            Template::ClassBeforeAndShape => 52,
            Template::ClassAfterAndShape => 53,
            Template::ClassBeforeAndClass => 54,
            Template::ClassAndClassAfter => 55,
            Template::ProfileFirstCue => 56,
            Template::ProfileTwoCues => 57,
            Template::ProfileCuedAndSeen => 58,
            Template::ProfileWholeAndShape => 59,
            Template::ProfileUnknown => 69,
            Template::ProfileCue => 70,
            Template::TagBelow => 60,
            Template::TagsBelowBeforeAndOwn => 61,
            Template::TagsBelowOwnAndAfter => 62,
            Template::TagBelowAndKey => 63,
            Template::KeyElsewhereAndShape => 64,
            Template::KeyElsewhereAndShare => 65,
            Template::KeyElsewhereAndTag => 66,
            Template::RunElsewhereAndPosition => 67,
            Template::RunElsewhereShareAndTag => 68,
        }
    }
}

/// Index of a tag's label in per-label counts; 4 is "not in a name".
fn label_slot(tag: Tag) -> usize {
    tag.slot().unwrap_or(4)
}

/// What the first layer found across a document: label counts per syllable key of capitalised
/// tokens and per capitalised run, so a name tagged with its title once ("ông Tracie Samara")
/// helps where it later stands alone ("Samara chia sẻ").
#[derive(Default)]
pub struct DocContext {
    by_key: rustc_hash::FxHashMap<u64, [u16; 5]>,
    by_run: rustc_hash::FxHashMap<u64, [u16; 5]>,
}

impl DocContext {
    /// From the tags of the layer below for every sentence of a document.
    pub fn new(sentences: &[SentenceInputs], first_tags: &[Vec<Tag>]) -> Self {
        let mut ctx = DocContext::default();
        for (s, tags) in sentences.iter().zip(first_tags) {
            for (i, (&tag, run)) in tags.iter().zip(&s.run).enumerate() {
                if let Some((start, end)) = *run {
                    // Saturating: a document may repeat one name more than u16::MAX times.
                    let n = &mut ctx.by_key.entry(s.keys[i]).or_default()[label_slot(tag)];
                    *n = n.saturating_add(1);
                    if i == start {
                        let h = s.run_hash(start, end);
                        let n = &mut ctx.by_run.entry(h).or_default()[label_slot(tag)];
                        *n = n.saturating_add(1);
                    }
                }
            }
        }
        ctx
    }
}

/// The most frequent label among counts without one's own contribution, and how dominant it is
/// (quarters), or None when nothing else was seen.
fn others(counts: Option<&[u16; 5]>, own: usize) -> Option<(u64, u64)> {
    let mut c = *counts?;
    c[own] = c[own].saturating_sub(1);
    let total: u32 = c.iter().map(|&x| u32::from(x)).sum();
    if total == 0 {
        return None;
    }
    let (best, n) = c
        .iter()
        .enumerate()
        .max_by_key(|&(i, &n)| (n, std::cmp::Reverse(i)))
        .expect("five slots");
    Some((best as u64, u64::from(*n) * 4 / u64::from(total)))
}

impl SentenceInputs {
    fn run_hash(&self, start: usize, end: usize) -> u64 {
        self.keys[start..end]
            .iter()
            .fold(RUN_SALT, |h, &k| mix(h, k))
    }

    /// The first layer's features of every token.
    pub fn first_features(&self) -> Vec<Vec<u64>> {
        (0..self.len())
            .map(|i| {
                let mut v = Vec::with_capacity(64);
                self.features(i, &mut v);
                v
            })
            .collect()
    }

    /// Whether each token is within NAME_REACH tokens of a capitalised one, or is a number
    /// after a lowercase word or one of the NAME_REACH tokens before it (see
    /// `features_near_capitals`).
    pub fn near_capitals(&self) -> Vec<bool> {
        let n = self.len();
        let mut near = vec![false; n];
        for i in (0..n).filter(|&i| is_capitalised(self.shapes[i])) {
            near[i.saturating_sub(NAME_REACH)..(i + NAME_REACH + 1).min(n)].fill(true);
        }
        // Places and units named by a number have no capital: "quận 5", "quốc lộ 51", "ấp 4",
        // "tiểu đoàn 644" (1.3% of VLSP 2016's names).
        for i in (1..n).filter(|&i| self.shapes[i] == b'd' && self.shapes[i - 1] == b'l') {
            near[i.saturating_sub(NAME_REACH)..=i].fill(true);
        }
        near
    }

    /// Like `first_features`, but tokens more than NAME_REACH tokens away from any capitalised
    /// token get no features: names in Vietnamese news hold a capitalised syllable (or end in
    /// a number after lowercase words, see `near_capitals`), and the
    /// longest lowercase stretches inside them ("Nhóm liên lạc quốc phòng Ukraine") are three
    /// syllables, so such tokens are outside any name and need no scoring.
    pub fn features_near_capitals(&self) -> Vec<Vec<u64>> {
        let n = self.len();
        let near = self.near_capitals();
        (0..n)
            .map(|i| {
                let mut v = Vec::new();
                if near[i] {
                    v.reserve(64);
                    self.features(i, &mut v);
                }
                v
            })
            .collect()
    }

    /// The first layer's features plus its tags around each token and what it found for the
    /// same key and the same capitalised run elsewhere in the document.
    pub fn second_features(
        &self,
        first_features: Vec<Vec<u64>>,
        first_tags: &[Tag],
        ctx: &DocContext,
    ) -> Vec<Vec<u64>> {
        let f = |t: Template, parts: &[u64]| feature_hash(t.id(), UPPER_LAYER_SALT, parts);
        let tag = |j: isize| -> u64 {
            if j < 0 || j as usize >= first_tags.len() {
                99
            } else {
                first_tags[j as usize].index() as u64
            }
        };
        first_features
            .into_iter()
            .enumerate()
            .map(|(i, mut v)| {
                if v.is_empty() {
                    return v;
                }
                let j = i as isize;
                let s0 = u64::from(self.shapes[i]);
                v.extend_from_slice(&[
                    f(T::TagBelow, &[tag(j)]),
                    f(T::TagsBelowBeforeAndOwn, &[tag(j - 1), tag(j)]),
                    f(T::TagsBelowOwnAndAfter, &[tag(j), tag(j + 1)]),
                    f(T::TagBelowAndKey, &[tag(j), self.keys[i]]),
                ]);
                if let Some((start, end)) = self.run[i] {
                    let own = label_slot(first_tags[i]);
                    if let Some((best, share)) = others(ctx.by_key.get(&self.keys[i]), own) {
                        v.extend_from_slice(&[
                            f(T::KeyElsewhereAndShape, &[best, s0]),
                            f(T::KeyElsewhereAndShare, &[best, share]),
                            f(T::KeyElsewhereAndTag, &[best, tag(j)]),
                        ]);
                    }
                    let own_run = label_slot(first_tags[start]);
                    let h = self.run_hash(start, end);
                    if let Some((best, share)) = others(ctx.by_run.get(&h), own_run) {
                        let at = u64::from(i == start) | u64::from(i + 1 == end) << 1;
                        v.extend_from_slice(&[
                            f(T::RunElsewhereAndPosition, &[best, at]),
                            f(T::RunElsewhereShareAndTag, &[best, share, tag(j)]),
                        ]);
                    }
                }
                v
            })
            .collect()
    }

    /// The hashed features of token `i`, appended to `out`.
    fn features(&self, i: usize, out: &mut Vec<u64>) {
        let from = out.len();
        self.general_features(i, out);
        // The first features (bias, the token, its neighbours, shapes) again, per style: enough
        // for the conventions to differ, at a fraction of the cost of copying all of them.
        let salt = self.style.salt();
        for k in from..from + STYLED_FEATURES {
            out.push(mix(out[k], salt));
        }
    }

    fn general_features(&self, i: usize, out: &mut Vec<u64>) {
        let n = self.keys.len() as isize;
        let key = |j: isize| -> u64 {
            if j < 0 {
                BOS
            } else if j >= n {
                EOS
            } else {
                self.keys[j as usize]
            }
        };
        let shape = |j: isize| -> u64 {
            if j < 0 {
                u64::from(b'^')
            } else if j >= n {
                u64::from(b'$')
            } else {
                u64::from(self.shapes[j as usize])
            }
        };
        let f = |t: Template, parts: &[u64]| feature_hash(t.id(), SENTENCE_SALT, parts);
        let j = i as isize;
        let s0 = shape(j);
        let shapes5 =
            shape(j - 2) | shape(j - 1) << 8 | s0 << 16 | shape(j + 1) << 24 | shape(j + 2) << 32;
        let shapes3 = shape(j - 1) << 8 | s0 << 16 | shape(j + 1) << 24;
        out.extend_from_slice(&[
            f(T::Bias, &[]),
            f(T::Key, &[key(j)]),
            f(T::KeyBefore, &[key(j - 1)]),
            f(T::KeyAfter, &[key(j + 1)]),
            f(T::KeyTwoBefore, &[key(j - 2)]),
            f(T::KeyTwoAfter, &[key(j + 2)]),
            f(T::KeysBeforeAndOwn, &[key(j - 1), key(j)]),
            f(T::KeysOwnAndAfter, &[key(j), key(j + 1)]),
            f(T::Shape, &[s0]),
            f(T::ShapesOfThree, &[shapes3]),
            f(T::ShapesOfFive, &[shapes5]),
            f(T::KeyAndShape, &[key(j), s0]),
            f(T::KeyBeforeAndShape, &[key(j - 1), s0]),
            f(T::KeyAfterAndShape, &[key(j + 1), s0]),
            f(T::KeysTwoBeforeAndShape, &[key(j - 2), key(j - 1), s0]),
            f(T::KeysOfThree, &[key(j - 1), key(j), key(j + 1)]),
            f(T::SentenceStartAndShape, &[u64::from(i == 0), s0]),
        ]);
        // The word this token is in, and the words around it.
        let w = self.word_of[i];
        let word_at = |k: isize| -> u64 {
            if k < 0 {
                BOS
            } else if k as usize >= self.words.len() {
                EOS
            } else {
                self.words[k as usize]
            }
        };
        let pos = u64::from(self.word_pos[i]);
        out.extend_from_slice(&[
            f(T::WordAndPosition, &[self.word_key[i], pos]),
            f(T::WordBeforeAndShape, &[word_at(w as isize - 1), s0]),
            f(T::WordAfterAndShape, &[word_at(w as isize + 1), s0]),
            f(
                T::WordBeforeAndWord,
                &[word_at(w as isize - 1), self.word_key[i]],
            ),
        ]);
        if self.suffix[i] != 0 {
            out.push(f(T::SuffixAndShape, &[self.suffix[i], s0]));
        }
        // Word classes from unlabelled text: of this word and its neighbours.
        for (level, classes) in self.word_class.iter().enumerate() {
            let class_at = |k: isize| -> u64 {
                if k < 0 {
                    1 << 20
                } else {
                    classes.get(k as usize).copied().unwrap_or(2 << 20)
                }
            };
            let (wi, c0, l) = (w as isize, classes[w], level as u64);
            out.extend_from_slice(&[
                f(T::ClassAndPosition, &[l, c0, pos]),
                f(T::ClassAndShape, &[l, c0, s0]),
                f(T::ClassBeforeAndShape, &[l, class_at(wi - 1), s0]),
                f(T::ClassAfterAndShape, &[l, class_at(wi + 1), s0]),
                f(T::ClassBeforeAndClass, &[l, class_at(wi - 1), c0]),
                f(T::ClassAndClassAfter, &[l, c0, class_at(wi + 1)]),
            ]);
        }
        for (g, marks) in self.gaz.iter().enumerate() {
            if marks[i] != 0 {
                out.push(f(T::Gazetteer(g), &[u64::from(marks[i]), s0]));
            }
        }
        if let Some((start, end)) = self.run[i] {
            let len = (end - start).min(6) as u64;
            let at = if end - start == 1 {
                0
            } else if i == start {
                1
            } else if i + 1 == end {
                3
            } else {
                2
            };
            let (b, b2) = (start as isize - 1, start as isize - 2);
            out.extend_from_slice(&[
                f(T::RunLength, &[len, at]),
                f(T::KeyBeforeRun, &[key(b), at]),
                f(T::KeysTwoBeforeRun, &[key(b2), key(b), at]),
                f(T::KeyAfterRun, &[key(end as isize), at]),
                f(T::KeyBeforeRunAndLength, &[key(b), len, at]),
                f(T::RunFirstKey, &[key(start as isize), at]),
                f(T::RunLastKey, &[key(end as isize - 1), at]),
            ]);
            if start > 0 {
                let wb = self.word_of[start - 1];
                out.push(f(T::WordBeforeRun, &[self.words[wb], at]));
            }
            // Where a run turns from Vietnamese syllables to foreign ones or back, one name
            // often ends and another begins ("Nhật Sugi Ryotaro", "California Xavier Becerra").
            let side = |k: usize| u64::from(self.foreign[k]);
            let prev = if i > start { side(i - 1) } else { 2 };
            let next = if i + 1 < end { side(i + 1) } else { 2 };
            out.push(f(T::ForeignTurn, &[side(i), prev, next, at]));
            // What unlabelled news says of this name: the words seen before it.
            match self.profile[i] {
                Some(m) => {
                    let p = m.profile;
                    let (c1, c2, at) =
                        (u64::from(p.first.0), u64::from(p.second.0), u64::from(m.at));
                    out.extend_from_slice(&[
                        f(T::ProfileFirstCue, &[c1, u64::from(p.first.1), at]),
                        f(T::ProfileTwoCues, &[c1, c2, u64::from(p.second.1 > 0), at]),
                        f(
                            T::ProfileCuedAndSeen,
                            &[c1, u64::from(p.cued), u64::from(p.seen / 2)],
                        ),
                        f(T::ProfileWholeAndShape, &[c1, u64::from(m.whole), s0, at]),
                    ]);
                    // Each cue seen in a fair share of the contexts on its own (dense: one
                    // weight per cue and place).
                    for (c, share) in [p.first, p.second] {
                        if share >= 2 {
                            out.push(f(T::ProfileCue, &[u64::from(c), at]));
                        }
                    }
                }
                None if !self.profile_empty => out.push(f(T::ProfileUnknown, &[len, at])),
                None => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::entities::crf::NerFeatures;
    use crate::analysis::entities::name_profile::{run_hash, Cue, NameProfile, RunProfile};
    use crate::analysis::entities::SentenceView;
    use crate::analysis::features::key_of;
    use crate::analysis::lexicon::Lexicons;
    use crate::analysis::segment::tokenize::tokenize;

    /// A sentence of one-syllable words, tokenised, and its view.
    fn with_view<R>(text: &str, f: impl FnOnce(&SentenceView<'_>) -> R) -> R {
        let tokens = tokenize(text);
        let words: Vec<std::ops::Range<usize>> = (0..tokens.len()).map(|i| i..i + 1).collect();
        f(&SentenceView {
            text,
            tokens: &tokens,
            words: &words,
        })
    }

    #[test]
    fn numbered_places_without_capitals_are_scored() {
        let text = "hôm qua người dân ở quận 5 đã về nhà , còn năm nay thì chưa";
        let tokens = tokenize(text);
        let x = with_view(text, |v| {
            NerFeatures::new(Lexicons::get()).inputs(v, Default::default())
        });
        let near = x.near_capitals();
        let at = |w: &str| tokens.iter().position(|t| t.text(text) == w).unwrap();
        assert!(near[at("quận")] && near[at("5")] && near[at("ở")]);
        assert!(!near[at("đã")] && !near[at("hôm")] && !near[at("chưa")]);
        let f = x.features_near_capitals();
        assert!(!f[at("quận")].is_empty() && f[at("chưa")].is_empty());
    }

    #[test]
    fn profiled_runs_get_their_cues_as_features() {
        let text = "Nhà ở Trần Phú gần Zorbex";
        let tokens = tokenize(text);
        let keys: Vec<u64> = tokens
            .iter()
            .map(|t| key_of(t.text(text), t.kind))
            .collect();
        let mut cues = [0u32; crate::analysis::entities::name_profile::N_CUES];
        cues[Cue::Street as usize] = 40;
        let street = RunProfile::from_counts(&cues, 50);
        let profile = NameProfile::new([(run_hash(&keys[2..4]), street)]);
        let feature = |t: Template, parts: &[u64]| feature_hash(t.id(), SENTENCE_SALT, parts);
        let first_cue = feature(T::ProfileFirstCue, &[Cue::Street as u64, 8, 1]);
        let unknown = feature(T::ProfileUnknown, &[1, 0]);
        let lx = Lexicons::get();
        let with = NerFeatures::new(lx).with_profile(profile);
        let without = NerFeatures::new(lx);
        let (f, f_without) = with_view(text, |view| {
            (
                with.inputs(view, Default::default()).first_features(),
                without.inputs(view, Default::default()).first_features(),
            )
        });
        assert!(f[2].contains(&first_cue), "Trần, first of a street name");
        assert!(!f[3].contains(&first_cue), "Phú is the last of it");
        assert!(
            f[5].contains(&unknown),
            "Zorbex: a run the profile does not know"
        );
        assert!(!f_without[2].contains(&first_cue) && !f_without[5].contains(&unknown));
    }
}
