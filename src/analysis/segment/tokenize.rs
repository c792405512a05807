//! Syllable tokenizer: splits text into syllables, numbers, URLs, e-mails, codes and
//! punctuation, with byte offsets into the caller's text. One pass, no backtracking beyond a
//! character or two of look-ahead.
use unicode_normalization::char::is_combining_mark;

/// What a token is; the segmenter only joins `Word` syllables into multi-syllable words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// A run of letters: a Vietnamese syllable or a foreign word.
    Word,
    /// Digits with internal separators: 4.700, 8,8, 31/8, 1/2/2024, 14:14, 105mm.
    Number,
    /// Letters and digits mixed, or upper-case with dots/hyphens: F-16, MH370, TP.HCM, D.C.
    Code,
    /// A URL.
    Url,
    /// An e-mail address.
    Email,
    /// One punctuation mark or a run of dots ("...", "./.").
    Punct,
    /// Anything else that is not whitespace: symbols, emoji, a CJK character.
    Symbol,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// One token: a syllable, number, code, URL, mark or symbol.
pub struct Syllable {
    /// Byte offset of its first character.
    pub start: usize,
    /// Byte offset after its last character.
    pub end: usize,
    /// What it is.
    pub kind: TokenKind,
}

impl Syllable {
    /// Its text in `text`.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

fn is_word_char(c: char) -> bool {
    match latin_letter(c) {
        Some(letter) => letter || c.is_ascii_digit(),
        None => c.is_alphanumeric() || is_combining_mark(c),
    }
}

/// Whether `c` is a letter, answered without the Unicode tables for ASCII and the Latin blocks
/// Vietnamese is written in (the general lookup was a twentieth of the pipeline's time);
/// None for everything else.
#[inline]
pub fn latin_letter(c: char) -> Option<bool> {
    match c as u32 {
        0x41..=0x5A | 0x61..=0x7A => Some(true),
        0..=0x7F => Some(false),
        // Latin-1 letters (not × and ÷), Latin Extended-A and -B, Latin Extended Additional.
        0xC0..=0x24F => Some(c != '\u{D7}' && c != '\u{F7}'),
        0x1E00..=0x1EFF => Some(true),
        _ => None,
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// Invisible characters that separate nothing and belong to no token.
fn is_ignorable(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
        )
}

/// Abbreviations that keep their final period ("TP. Hồ Chí Minh", "Th.S. Nguyễn").
const ABBREVIATIONS: &[&str] = &[
    "TP", "Tp", "tp", "Mr", "Mrs", "Ms", "Dr", "St", "Jr", "Sr", "TS", "ThS", "Th.S", "PGS", "GS",
    "BS", "KS", "CN", "NXB", "Q", "P", "TT", "Co", "Corp", "Inc", "Ltd", "vs", "No", "Gen", "Lt",
    "Col", "Sgt", "Capt", "Prof",
];

/// The tokens of a text, in order (whitespace between them).
pub fn tokenize(text: &str) -> Vec<Syllable> {
    let mut out = Vec::with_capacity(text.len() / 4);
    let bytes = text.as_bytes();
    let mut pos = 0;
    while pos < text.len() {
        let Some(c) = text[pos..].chars().next() else {
            break;
        };
        let clen = c.len_utf8();
        if is_ignorable(c) {
            pos += clen;
            continue;
        }
        if let Some(end) = url_end(text, pos) {
            out.push(Syllable {
                start: pos,
                end,
                kind: TokenKind::Url,
            });
            pos = end;
            continue;
        }
        if is_word_char(c) && !is_cjk(c) {
            let (end, kind) = scan_word(text, pos);
            out.push(Syllable {
                start: pos,
                end,
                kind,
            });
            pos = end;
            continue;
        }
        // Runs of dots and the Vietnamese end mark "./.".
        if c == '.' {
            let mut end = pos + 1;
            if text[end..].starts_with("/.") {
                end += 2;
            } else {
                while end < bytes.len() && bytes[end] == b'.' {
                    end += 1;
                }
            }
            out.push(Syllable {
                start: pos,
                end,
                kind: TokenKind::Punct,
            });
            pos = end;
            continue;
        }
        let kind = if c.is_ascii_punctuation() || is_unicode_punct(c) {
            TokenKind::Punct
        } else {
            TokenKind::Symbol
        };
        // Keep a base character and any combining marks piled on it together.
        let mut end = pos + clen;
        while let Some(m) = text[end..].chars().next().filter(|&m| is_combining_mark(m)) {
            end += m.len_utf8();
        }
        out.push(Syllable {
            start: pos,
            end,
            kind,
        });
        pos = end;
    }
    out
}

fn is_unicode_punct(c: char) -> bool {
    matches!(c, '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '\u{3000}'..='\u{303F}' | '«' | '»' | '¡' | '¿' | '·')
}

/// End of a URL starting at `pos`, if one starts there.
fn url_end(text: &str, pos: usize) -> Option<usize> {
    let rest = &text[pos..];
    let starts = |p: &str| {
        rest.len() >= p.len() && rest.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
    };
    if !(starts("http://") || starts("https://") || starts("www.")) {
        return None;
    }
    let mut end = pos;
    for (i, c) in rest.char_indices() {
        if c.is_whitespace() || matches!(c, '"' | '<' | '>' | '“' | '”' | '\'' | '|') {
            break;
        }
        end = pos + i + c.len_utf8();
    }
    // Trailing sentence punctuation is not part of the URL.
    while end > pos && text[..end].ends_with(['.', ',', ';', ':', '!', '?', ')', ']']) {
        end -= 1;
    }
    (end > pos + 4).then_some(end)
}

/// Scans a word-like token from `start`: letters/digits joined by connectors that the
/// characters around them license (4.700, 8,8, TP.HCM, F-16, km/h, O'Brien, a@b.vn).
fn scan_word(text: &str, start: usize) -> (usize, TokenKind) {
    let mut end = start;
    let mut seg_start = start;
    let mut has_digit = false;
    let mut has_alpha = false;
    let mut has_lower = false;
    let mut has_at = false;
    let mut has_dot = false;
    let mut chars = text[start..].char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if is_word_char(c) && !is_cjk(c) {
            match latin_letter(c) {
                Some(true) => {
                    has_alpha = true;
                    has_lower |= c.is_lowercase();
                }
                Some(false) => has_digit |= c.is_ascii_digit(),
                None => {
                    has_digit |= c.is_numeric();
                    has_alpha |= c.is_alphabetic();
                    has_lower |= c.is_lowercase();
                }
            }
            end = start + i + c.len_utf8();
            chars.next();
            continue;
        }
        // A connector joins only if a word character follows and the rule for it holds.
        let after = text[start + i + c.len_utf8()..].chars().next();
        let Some(right) = after.filter(|&r| is_word_char(r) && !is_cjk(r)) else {
            break;
        };
        let left = text[..end].chars().next_back().unwrap_or(' ');
        let segment = &text[seg_start..end];
        let joins = match c {
            '.' => {
                (left.is_ascii_digit() && right.is_ascii_digit())
                    || (left.is_uppercase() && right.is_uppercase())
                    || segment.chars().count() == 1
                    || (has_at || has_dot) && right.is_ascii_alphanumeric()
                    || (segment.is_ascii()
                        && left.is_ascii_lowercase()
                        && right.is_ascii_lowercase())
            }
            ',' | ':' => left.is_ascii_digit() && right.is_ascii_digit(),
            '/' => {
                (left.is_ascii_digit() && right.is_ascii_digit())
                    || (segment.is_ascii()
                        && left.is_ascii_lowercase()
                        && right.is_ascii_lowercase()
                        && segment.len() <= 3)
            }
            '-' | '‑' => {
                segment.chars().any(|d| d.is_ascii_digit())
                    || right.is_ascii_digit()
                    || (segment.chars().all(|d| d.is_uppercase())
                        && right.is_uppercase()
                        && segment.chars().count() <= 3)
            }
            '\'' | '’' => left.is_ascii_alphabetic() && right.is_ascii_alphabetic(),
            '&' => left.is_uppercase() && right.is_uppercase(),
            '_' => true,
            '@' => segment.is_ascii() && !has_at,
            _ => false,
        };
        if !joins {
            break;
        }
        has_at |= c == '@';
        has_dot |= c == '.';
        chars.next();
        seg_start = start + i + c.len_utf8();
        end = seg_start;
    }
    let word = &text[start..end];
    // Initials and abbreviations keep their period when a word follows ("Lloyd J. Austin").
    if text[end..].starts_with('.') {
        let single_upper = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
        let dotted_initials =
            has_dot && !has_lower && word.split('.').all(|s| s.chars().count() == 1);
        let next = text[end + 1..].chars().next();
        let next_next_upper = text[end + 1..]
            .trim_start_matches([' ', '\u{a0}'])
            .chars()
            .next()
            .is_some_and(char::is_uppercase);
        if (single_upper && next == Some(' ') && next_next_upper)
            || dotted_initials
            || (ABBREVIATIONS.contains(&word) && matches!(next, Some(' ') | Some('\u{a0}')))
        {
            end += 1;
        }
    }
    let kind = if has_at && word.contains('.') {
        TokenKind::Email
    } else if has_digit && !has_alpha {
        TokenKind::Number
    } else if has_digit {
        if word.starts_with(|c: char| c.is_ascii_digit()) {
            TokenKind::Number
        } else {
            TokenKind::Code
        }
    } else if word.contains(['.', '-', '&', '@']) && !has_lower {
        TokenKind::Code
    } else {
        TokenKind::Word
    };
    (end, kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| t.text(text)).collect()
    }

    #[test]
    fn numbers_stay_whole() {
        assert_eq!(toks("4.700 binh sĩ"), ["4.700", "binh", "sĩ"]);
        assert_eq!(toks("8,8 tỷ USD"), ["8,8", "tỷ", "USD"]);
        assert_eq!(
            toks("ngày 1/2/2024, lúc 14:14"),
            ["ngày", "1/2/2024", ",", "lúc", "14:14"]
        );
        assert_eq!(
            toks("đạn 105mm và 300 km/h"),
            ["đạn", "105mm", "và", "300", "km/h"]
        );
    }

    #[test]
    fn codes_urls_emails() {
        assert_eq!(
            toks("ATACMS, F-16, MH370"),
            ["ATACMS", ",", "F-16", ",", "MH370"]
        );
        assert_eq!(
            toks("TP.HCM và Washington D.C. hôm qua"),
            ["TP.HCM", "và", "Washington", "D.C.", "hôm", "qua"]
        );
        assert_eq!(
            toks("xem https://vietnamplus.vn/a-b.html."),
            ["xem", "https://vietnamplus.vn/a-b.html", "."]
        );
        assert_eq!(
            toks("gửi ban@baomoi.vn nhé"),
            ["gửi", "ban@baomoi.vn", "nhé"]
        );
        let t = tokenize("F-16 ban@baomoi.vn www.tuoitre.vn");
        assert_eq!(
            t.iter().map(|t| t.kind).collect::<Vec<_>>(),
            [TokenKind::Code, TokenKind::Email, TokenKind::Url]
        );
    }

    #[test]
    fn names_quotes_and_marks() {
        assert_eq!(
            toks("quan hệ Mỹ-Ukraine"),
            ["quan", "hệ", "Mỹ", "-", "Ukraine"]
        );
        assert_eq!(toks("Lloyd J. Austin"), ["Lloyd", "J.", "Austin"]);
        assert_eq!(
            toks("“Rõ ràng”... «ok» 'x'"),
            ["“", "Rõ", "ràng", "”", "...", "«", "ok", "»", "'", "x", "'"]
        );
        assert_eq!(toks("viện trợ./."), ["viện", "trợ", "./."]);
        assert_eq!(toks("• Tin | Video…"), ["•", "Tin", "|", "Video", "…"]);
    }

    #[test]
    fn decomposed_vietnamese_is_one_syllable() {
        assert_eq!(
            toks("Vie\u{302}\u{323}t Nam"),
            ["Vie\u{302}\u{323}t", "Nam"]
        );
    }

    #[test]
    fn invisible_characters_are_skipped() {
        assert_eq!(toks("a\u{200b}\u{0}b\u{feff} c"), ["a", "b", "c"]);
    }
}

#[cfg(test)]
mod latin_letter_tests {
    use super::latin_letter;

    #[test]
    fn agrees_with_the_unicode_tables_where_it_answers() {
        for c in (0u32..0x2000).filter_map(char::from_u32) {
            if let Some(letter) = latin_letter(c) {
                assert_eq!(letter, c.is_alphabetic(), "{c:?} U+{:04X}", c as u32);
            }
        }
    }
}
