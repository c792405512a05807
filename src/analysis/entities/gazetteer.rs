//! First-version named-entity tagger: runs of capitalised words, labelled by gazetteers and by
//! the trigger words around them ("ông", "tỉnh", "Bộ", "Công ty"). Replaceable by a learned model.
use std::ops::Range;

use super::{numeric, Entity, EntityTagger, Label, SentenceView};
use crate::analysis::lexicon::Lexicons;
use crate::analysis::normalize::syllable_key;
use crate::analysis::segment::tokenize::TokenKind;

/// Words before a person's name (syllable keys).
const PERSON_TRIGGERS: &[&str] = &[
    "ông",
    "bà",
    "anh",
    "chị",
    "cô",
    "ngài",
    "cụ",
    "tổng thống",
    "thủ tướng",
    "bộ trưởng",
    "chủ tịch",
    "phó",
    "tướng",
    "thiếu tướng",
    "trung tướng",
    "đại tướng",
    "thượng tướng",
    "phát ngôn viên",
    "ngoại trưởng",
    "giám đốc",
    "thư ký",
    "cố vấn",
    "thượng nghị sĩ",
    "nghị sĩ",
    "đại sứ",
    "tổng bí thư",
    "hạ nghị sĩ",
    "huấn luyện viên",
    "tiền đạo",
    "thủ môn",
    "tiền vệ",
    "hậu vệ",
    "nhà báo",
    "ca sĩ",
    "diễn viên",
    "vua",
    "hoàng tử",
];

/// Words before a place name.
const PLACE_TRIGGERS: &[&str] = &[
    "tỉnh",
    "thành phố",
    "huyện",
    "xã",
    "quận",
    "phường",
    "thị xã",
    "thị trấn",
    "sông",
    "núi",
    "thủ đô",
    "đảo",
    "bang",
    "vùng",
    "miền",
    "làng",
    "thôn",
    "ấp",
    "tại",
    "ở",
    "đến",
    "tới",
];

/// First words of organisation names (keys, multi-syllable joined by space).
const ORG_HEADS: &[&str] = &[
    "bộ",
    "công ty",
    "tập đoàn",
    "ngân hàng",
    "đại học",
    "trường",
    "viện",
    "hội đồng",
    "ủy ban",
    "uỷ ban",
    "quốc hội",
    "liên minh",
    "tổ chức",
    "đảng",
    "cục",
    "sở",
    "tổng cục",
    "báo",
    "hãng",
    "tòa án",
    "toà án",
    "công an",
    "quân đội",
    "hải quân",
    "không quân",
    "lực lượng",
    "liên đoàn",
    "câu lạc bộ",
    "clb",
    "hiệp hội",
    "văn phòng",
    "ban",
    "nhóm",
    "quỹ",
    "bệnh viện",
    "đài",
    "thông tấn xã",
    "hội",
    "liên hợp quốc",
    "chính phủ",
    "nhà trắng",
    "lầu năm góc",
    "điện kremlin",
];

/// Places everyone writes capitalised that the admin-unit lists miss.
const KNOWN_PLACES: &[&str] = &[
    "biển đông",
    "việt nam",
    "mỹ",
    "nga",
    "trung quốc",
    "nhật bản",
    "hàn quốc",
    "châu âu",
    "châu á",
    "châu phi",
    "trung đông",
    "đông nam á",
    "washington",
    "kiev",
    "kyiv",
    "moscow",
    "bắc kinh",
    "hà nội",
    "tp.hcm",
    "tp. hcm",
    "london",
    "paris",
    "berlin",
    "tokyo",
];

/// A rule tagger over the gazetteers and trigger words: a baseline without a learned model.
pub struct GazetteerTagger {
    lexicons: &'static Lexicons,
}

impl Default for GazetteerTagger {
    /// Over the embedded lexicons.
    fn default() -> Self {
        Self::new(Lexicons::get())
    }
}

impl GazetteerTagger {
    /// Over the given lexicons.
    pub fn new(lexicons: &'static Lexicons) -> Self {
        Self { lexicons }
    }
}

impl EntityTagger for GazetteerTagger {
    fn name(&self) -> &str {
        "gazetteer-rules"
    }

    fn tag(&self, s: &SentenceView<'_>) -> Vec<Entity> {
        let mut out = numeric::tag(s);
        let word_key = |r: &Range<usize>| -> String {
            s.tokens[r.clone()]
                .iter()
                .map(|t| syllable_key(t.text(s.text)))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let capitalised = |r: &Range<usize>| -> bool {
            let t = s.tokens[r.start];
            matches!(t.kind, TokenKind::Word | TokenKind::Code)
                && t.text(s.text)
                    .chars()
                    .next()
                    .is_some_and(char::is_uppercase)
        };
        let mut w = 0;
        while w < s.words.len() {
            if !capitalised(&s.words[w]) {
                w += 1;
                continue;
            }
            // Country names stand alone: "Đức | Olaf Scholz", "Mỹ | Lloyd Austin".
            let is_country = |r: &Range<usize>| {
                let k = word_key(r);
                self.lexicons.countries.contains_key(&k) || KNOWN_PLACES.contains(&k.as_str())
            };
            let mut end = w + 1;
            while end < s.words.len()
                && capitalised(&s.words[end])
                && is_space_gap(s, &s.words[end - 1], &s.words[end])
                && !is_country(&s.words[w])
                && (!is_country(&s.words[end])
                    || ORG_HEADS.contains(&word_key(&s.words[w]).as_str()))
            {
                end += 1;
            }
            let first_key = word_key(&s.words[w]);
            let prev_key = if w > 0 {
                word_key(&s.words[w - 1])
            } else {
                String::new()
            };
            let sentence_initial = w == 0;
            // A capitalised honorific or function word opening the run is context, not name.
            if (PERSON_TRIGGERS.contains(&first_key.as_str())
                && !ORG_HEADS.contains(&first_key.as_str()))
                || (sentence_initial
                    && end - w > 1
                    && self.lexicons.sentence_openers.contains_key(&first_key))
            {
                if end - w == 1 {
                    w += 1;
                    continue;
                }
                if let Some((label, conf)) = self.label_run(s, w + 1, end, &first_key, &word_key) {
                    push(&mut out, s, w + 1, end, label, conf);
                }
                w = end;
                continue;
            }
            if sentence_initial && end - w == 1 && !self.is_known(&first_key) {
                // A lone capitalised word opening a sentence is usually just the first word.
                w += 1;
                continue;
            }
            if let Some((label, conf)) = self.label_run(s, w, end, &prev_key, &word_key) {
                push(&mut out, s, w, end, label, conf);
            }
            w = end;
        }
        out.sort_by_key(|e| (e.start, e.end));
        dedup_overlaps(out)
    }
}

impl GazetteerTagger {
    fn is_known(&self, key: &str) -> bool {
        KNOWN_PLACES.contains(&key)
            || self.lexicons.countries.contains_key(key)
            || self.lexicons.locations.contains_key(key)
            || self.lexicons.companies.contains_key(key)
    }

    /// Label of the capitalised words w..end, given the word before them.
    fn label_run(
        &self,
        s: &SentenceView<'_>,
        w: usize,
        end: usize,
        prev_key: &str,
        word_key: &dyn Fn(&Range<usize>) -> String,
    ) -> Option<(Label, f32)> {
        let first = word_key(&s.words[w]);
        let whole: String = (w..end)
            .map(|i| word_key(&s.words[i]))
            .collect::<Vec<_>>()
            .join(" ");
        let first_syllable = first.split(' ').next().unwrap_or("");
        let first_text = s.tokens[s.words[w].start].text(s.text);
        if ORG_HEADS.contains(&whole.as_str())
            || (ORG_HEADS.contains(&first.as_str()) && end - w > 1)
        {
            return Some((Label::Org, 0.8));
        }
        if KNOWN_PLACES.contains(&whole.as_str()) || self.lexicons.countries.contains_key(&whole) {
            return Some((Label::Loc, 0.9));
        }
        if PERSON_TRIGGERS.contains(&prev_key) {
            return Some((Label::Per, 0.85));
        }
        if PLACE_TRIGGERS.contains(&prev_key) || self.lexicons.locations.contains_key(&whole) {
            return Some((Label::Loc, 0.75));
        }
        if self.lexicons.companies.contains_key(&whole) {
            return Some((Label::Org, 0.75));
        }
        let acronym = first_text.chars().count() >= 2
            && first_text
                .chars()
                .all(|c| c.is_uppercase() || c == '.' || c == '&');
        if end - w == 1 && acronym {
            return Some((Label::Org, 0.6));
        }
        let syllables = s.words[w..end].iter().map(|r| r.len()).sum::<usize>();
        if self.lexicons.family_names.contains_key(first_syllable) && (2..=4).contains(&syllables) {
            return Some((Label::Per, 0.7));
        }
        if syllables >= 2 {
            return Some((Label::Per, 0.5));
        }
        // A lone capitalised word with no evidence: not worth a guess.
        None
    }
}

fn is_space_gap(s: &SentenceView<'_>, a: &Range<usize>, b: &Range<usize>) -> bool {
    let gap = &s.text[s.tokens[a.end - 1].end..s.tokens[b.start].start];
    !gap.is_empty() && gap.chars().all(|c| c == ' ' || c == '\u{a0}')
}

fn push(
    out: &mut Vec<Entity>,
    s: &SentenceView<'_>,
    w: usize,
    end: usize,
    label: Label,
    confidence: f32,
) {
    if w >= end {
        return;
    }
    out.push(Entity {
        start: s.tokens[s.words[w].start].start,
        end: s.tokens[s.words[end - 1].end - 1].end,
        label,
        confidence,
        value: None,
    });
}

/// Keeps the first of overlapping entities (input sorted by start).
fn dedup_overlaps(sorted: Vec<Entity>) -> Vec<Entity> {
    let mut out: Vec<Entity> = Vec::with_capacity(sorted.len());
    for e in sorted {
        if out.last().is_some_and(|l| e.start < l.end) {
            continue;
        }
        out.push(e);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::segment::longest_match::LongestMatch;
    use crate::analysis::segment::tokenize::tokenize;
    use crate::analysis::segment::WordSegmenter;

    fn ents(text: &str) -> Vec<(String, &'static str)> {
        let toks = tokenize(text);
        let words = LongestMatch::default().segment(text, &toks);
        GazetteerTagger::default()
            .tag(&SentenceView {
                text,
                tokens: &toks,
                words: &words,
            })
            .into_iter()
            .map(|e| (text[e.start..e.end].to_string(), e.label.as_str()))
            .collect()
    }

    #[test]
    fn people_places_organisations() {
        let e =
            ents("Hôm qua, ông Lloyd Austin gặp đại diện Bộ Ngoại giao tại Kiev và tỉnh Nghệ An.");
        assert!(e.contains(&("Lloyd Austin".into(), "PER")), "{e:?}");
        assert!(e.contains(&("Bộ Ngoại giao".into(), "ORG")), "{e:?}");
        assert!(e.contains(&("Kiev".into(), "LOC")), "{e:?}");
        assert!(e.contains(&("Nghệ An".into(), "LOC")), "{e:?}");
        let e = ents("Các nước NATO họp ở Biển Đông");
        assert!(e.contains(&("NATO".into(), "ORG")), "{e:?}");
        assert!(e.contains(&("Biển Đông".into(), "LOC")), "{e:?}");
    }
}
