//! Sentence boundaries over the token stream. Numbers (4.700, 8,8), dates (31/8), initials
//! (Lloyd J. Austin) and abbreviations (TP.) never end a sentence because the tokenizer has
//! already kept their dots inside tokens; what remains is deciding at '.', '!', '?', '…' and
//! at line breaks.
use std::ops::Range;

use super::segment::tokenize::{Syllable, TokenKind};

/// Sentences longer than this are cut, so one run-on line cannot make a pathological unit.
const MAX_SENTENCE_TOKENS: usize = 400;

fn is_terminal(t: &str) -> bool {
    matches!(t, "." | "!" | "?" | "…" | "./." | "!!" | "?!")
        || (t.len() >= 2 && t.bytes().all(|b| b == b'.'))
}

fn is_closing(t: &str) -> bool {
    matches!(t, "\"" | "'" | "”" | "’" | ")" | "]" | "»" | "}")
}

/// Splits `tokens` (of `text`) into sentences; each range indexes into `tokens`.
pub fn split(text: &str, tokens: &[Syllable]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < tokens.len() {
        // A line break before token i ends the sentence before it.
        if i > start && text[tokens[i - 1].end..tokens[i].start].contains('\n') {
            out.push(start..i);
            start = i;
        }
        if i - start >= MAX_SENTENCE_TOKENS {
            out.push(start..i);
            start = i;
        }
        let tok = &tokens[i];
        if tok.kind == TokenKind::Punct && is_terminal(tok.text(text)) {
            let mut end = i + 1;
            // Closing quotes and brackets right after the mark belong to this sentence.
            while end < tokens.len()
                && tokens[end].start == tokens[end - 1].end
                && is_closing(tokens[end].text(text))
            {
                end += 1;
            }
            if end >= tokens.len() || starts_sentence(text, &tokens[end - 1], &tokens[end]) {
                out.push(start..end);
                start = end;
            }
            i = end;
            continue;
        }
        i += 1;
    }
    if start < tokens.len() {
        out.push(start..tokens.len());
    }
    out
}

/// After a terminal mark, the next token starts a sentence if a space separates them and it
/// looks like a sentence opening: a capital, a digit, an opening quote or a dash.
fn starts_sentence(text: &str, prev: &Syllable, next: &Syllable) -> bool {
    if next.start == prev.end {
        return false;
    }
    let first = next.text(text).chars().next().unwrap_or(' ');
    first.is_uppercase()
        || first.is_numeric()
        || matches!(
            first,
            '"' | '“' | '\'' | '‘' | '(' | '[' | '-' | '–' | '—' | '•' | '«'
        )
        || next.kind == TokenKind::Symbol
}

#[cfg(test)]
mod tests {
    use super::super::segment::tokenize::tokenize;
    use super::*;

    fn sentences(text: &str) -> Vec<String> {
        let toks = tokenize(text);
        split(text, &toks)
            .into_iter()
            .map(|r| text[toks[r.start].start..toks[r.end - 1].end].to_string())
            .collect()
    }

    #[test]
    fn abbreviations_numbers_initials() {
        let s = sentences("Bộ trưởng Lloyd J. Austin III đến TP. Hồ Chí Minh ngày 31/8. Ông gặp 4.700 binh sĩ, chi 8,8 tỷ USD.");
        assert_eq!(
            s,
            [
                "Bộ trưởng Lloyd J. Austin III đến TP. Hồ Chí Minh ngày 31/8.",
                "Ông gặp 4.700 binh sĩ, chi 8,8 tỷ USD.",
            ]
        );
    }

    #[test]
    fn quotes_and_lines() {
        let s = sentences(
            "Ông nói: \"Chúng tôi sẽ đến.\" Sau đó ông đi.\nTiêu đề không dấu chấm\nDòng hai!",
        );
        assert_eq!(
            s,
            [
                "Ông nói: \"Chúng tôi sẽ đến.\"",
                "Sau đó ông đi.",
                "Tiêu đề không dấu chấm",
                "Dòng hai!",
            ]
        );
    }

    #[test]
    fn lowercase_after_dot_continues() {
        assert_eq!(
            sentences("Giá tăng... nhưng vẫn ổn."),
            ["Giá tăng... nhưng vẫn ổn."]
        );
    }
}
