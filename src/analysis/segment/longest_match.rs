//! First-version segmenter: longest matching over the lexicon, with runs of capitalised
//! syllables joined as proper names ("Lầu Năm Góc", "Lloyd Austin").
use std::ops::Range;

use super::tokenize::{Syllable, TokenKind};
use super::WordSegmenter;
use crate::analysis::lexicon::Lexicons;
use crate::analysis::normalize::syllable_key;

/// Honorifics and function words that precede names but never belong to them.
const NOT_IN_NAMES: &[&str] = &[
    "ông",
    "bà",
    "anh",
    "chị",
    "cô",
    "chú",
    "bác",
    "ngài",
    "em",
    "cụ",
    "các",
    "những",
    "tại",
    "ở",
    "theo",
    "trong",
    "khi",
    "sau",
    "trước",
    "và",
    "của",
    "với",
    "cho",
    "từ",
    "đến",
    "tới",
    "thủ",
    "tổng",
    "bộ",
    "phó",
    "tướng",
    "thượng",
    "nghị",
    "sĩ",
    "tỉnh",
    "thành",
    "phố",
];

/// Longest matching over the lexicon's words: a baseline without a learned model.
pub struct LongestMatch {
    lexicons: &'static Lexicons,
}

impl Default for LongestMatch {
    /// Over the embedded lexicons.
    fn default() -> Self {
        Self::new(Lexicons::get())
    }
}

impl LongestMatch {
    /// Over the given lexicons.
    pub fn new(lexicons: &'static Lexicons) -> Self {
        Self { lexicons }
    }
}

impl WordSegmenter for LongestMatch {
    fn name(&self) -> &str {
        "longest-match"
    }

    fn segment(&self, text: &str, tokens: &[Syllable]) -> Vec<Range<usize>> {
        let keys: Vec<String> = tokens
            .iter()
            .map(|t| {
                if t.kind == TokenKind::Word {
                    syllable_key(t.text(text))
                } else {
                    String::new()
                }
            })
            .collect();
        let max = self.lexicons.words.max_syllables;
        let mut out = Vec::with_capacity(tokens.len());
        let mut i = 0;
        while i < tokens.len() {
            // How many following tokens could join token i: Word tokens separated by spaces only.
            let mut run = 1;
            while i + run < tokens.len()
                && run < max.max(8)
                && tokens[i + run].kind == TokenKind::Word
                && tokens[i].kind == TokenKind::Word
                && is_plain_gap(&text[tokens[i + run - 1].end..tokens[i + run].start])
            {
                run += 1;
            }
            // A lower-case word does not run into a capitalised one ("tỉnh | Nghệ An").
            let lower_first = !capital(text, &tokens[i]);
            let mut dict_run = run.min(max);
            if lower_first {
                dict_run = (1..dict_run)
                    .find(|&n| capital(text, &tokens[i + n]))
                    .unwrap_or(dict_run);
            }
            let dict = self.dict_match(&keys[i..i + dict_run]);
            let name = self.name_run(text, tokens, &keys, i, run);
            let len = if name > dict { name } else { dict };
            out.push(i..i + len);
            i += len;
        }
        out
    }
}

impl LongestMatch {
    /// Longest lexicon entry starting at keys[0] (1 when none).
    fn dict_match(&self, keys: &[String]) -> usize {
        let mut joined = String::new();
        let mut best = 1;
        for (n, k) in keys.iter().enumerate() {
            if n > 0 {
                joined.push(' ');
            }
            joined.push_str(k);
            if n > 0 && self.lexicons.words.contains_key(&joined) {
                best = n + 1;
            }
        }
        best
    }

    /// Length of a proper-name run at i: capitalised syllables, cut before a syllable that
    /// starts a lexicon word continuing in lower case ("Bộ | Quốc phòng").
    fn name_run(
        &self,
        text: &str,
        tokens: &[Syllable],
        keys: &[String],
        i: usize,
        run: usize,
    ) -> usize {
        let capital = |k: usize| {
            tokens[k]
                .text(text)
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        };
        // A country name ("Mỹ", "Ukraine") stands alone: "Ukraine | Volodymyr Zelensky".
        let is_country = |k: usize| self.lexicons.countries.contains_key(&keys[k]);
        if run < 2 || !capital(i) || NOT_IN_NAMES.contains(&keys[i].as_str()) || is_country(i) {
            return 1;
        }
        if i == 0 && self.lexicons.sentence_openers.contains_key(&keys[0]) {
            return 1;
        }
        let mut n = 1;
        while n < run
            && capital(i + n)
            && !NOT_IN_NAMES.contains(&keys[i + n].as_str())
            && !is_country(i + n)
        {
            n += 1;
        }
        while n >= 2
            && i + n < tokens.len()
            && self.dict_match(&keys[i + n - 1..(i + n + 1).min(keys.len())]) == 2
            && !capital(i + n)
        {
            n -= 1;
        }
        n
    }
}

fn capital(text: &str, t: &Syllable) -> bool {
    t.text(text).chars().next().is_some_and(char::is_uppercase)
}

fn is_plain_gap(gap: &str) -> bool {
    !gap.is_empty() && gap.chars().all(|c| c == ' ' || c == '\u{a0}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::segment::tokenize::tokenize;

    fn words(text: &str) -> Vec<String> {
        let toks = tokenize(text);
        LongestMatch::default()
            .segment(text, &toks)
            .into_iter()
            .map(|r| text[toks[r.start].start..toks[r.end - 1].end].to_string())
            .collect()
    }

    #[test]
    fn dictionary_words_and_names() {
        assert_eq!(
            words("Bộ trưởng Quốc phòng thăm Lầu Năm Góc"),
            ["Bộ trưởng", "Quốc phòng", "thăm", "Lầu Năm Góc"]
        );
        assert_eq!(
            words("ông Lloyd Austin thăm Kiev"),
            ["ông", "Lloyd Austin", "thăm", "Kiev"]
        );
        assert_eq!(words("Ông Austin nói"), ["Ông", "Austin", "nói"]);
        assert_eq!(words("tăng trưởng kinh tế"), ["tăng trưởng", "kinh tế"]);
    }
}
