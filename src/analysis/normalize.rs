//! Normalisation. Text we produce (extracted main text) is NFC. Text the caller gave us is
//! never rewritten; instead each syllable gets a canonical *key* (lowercase, NFC, one tone-mark
//! placement) that lexicons and models look up, while offsets keep pointing at the caller's text.
use std::borrow::Cow;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// NFC, borrowing when the text is already normalised (the common case).
pub fn nfc(text: &str) -> Cow<'_, str> {
    match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => Cow::Borrowed(text),
        _ => {
            let n: String = text.nfc().collect();
            if n == text {
                Cow::Borrowed(text)
            } else {
                Cow::Owned(n)
            }
        }
    }
}

/// `s` lowercased, exactly as `str::to_lowercase`, with Vietnamese letters mapped without the
/// Unicode case tables (their lookup showed up in profiles: every line and token is lowercased).
pub fn lowercase(s: &str) -> String {
    if s.contains('Σ') {
        // Final sigma depends on its neighbours: std's whole-string rule.
        return s.to_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_lowercase(&mut out, c);
    }
    out
}

/// Appends `c` lowercased (as `char::to_lowercase`; not for 'Σ', see `lowercase`).
#[inline]
pub fn push_lowercase(out: &mut String, c: char) {
    let u = c as u32;
    let lower = match u {
        0..=0x7F => Some(c.to_ascii_lowercase()),
        // Latin-1 capitals (× excepted), then letters already lowercase.
        0xC0..=0xDE if u != 0xD7 => char::from_u32(u + 0x20),
        0xD7..=0xFF => Some(c),
        // Vietnamese letters of Latin Extended Additional alternate capital, small.
        0x1EA0..=0x1EFF => char::from_u32(u | 1),
        // Ă Đ Ĩ Ũ Ơ Ư and their small forms.
        0x102 | 0x110 | 0x128 | 0x168 | 0x1A0 | 0x1AF => char::from_u32(u + 1),
        0x103 | 0x111 | 0x129 | 0x169 | 0x1A1 | 0x1B0 => Some(c),
        _ => None,
    };
    match lower {
        Some(l) => out.push(l),
        None => out.extend(c.to_lowercase()),
    }
}

const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'a' | 'ă' | 'â' | 'e' | 'ê' | 'i' | 'o' | 'ô' | 'ơ' | 'u' | 'ư' | 'y'
    )
}

fn has_diacritic(c: char) -> bool {
    matches!(c, 'ă' | 'â' | 'ê' | 'ô' | 'ơ' | 'ư')
}

/// The lookup key of one syllable: lowercase, NFC, and the tone mark on the vowel the modern
/// rule puts it on, so "Hòa"/"hoà", "thủy"/"thuỷ" and "qúy"/"quý" share one key.
pub fn syllable_key(syllable: &str) -> String {
    if syllable.is_ascii() {
        return syllable.to_ascii_lowercase();
    }
    let mut letters: Vec<char> = Vec::with_capacity(syllable.len());
    let mut tone: Option<char> = None;
    for c in syllable.chars().flat_map(char::to_lowercase).nfd() {
        if TONES.contains(&c) {
            tone = Some(c);
        } else {
            letters.push(c);
        }
    }
    // Re-compose the toneless letters (ơ, â, ... are single chars again).
    let letters: Vec<char> = letters.into_iter().nfc().collect();
    let Some(tone) = tone else {
        return letters.into_iter().collect();
    };
    let at = tone_position(&letters);
    let mut out = String::with_capacity(syllable.len() + 2);
    let mut decomposed = String::new();
    for (i, &c) in letters.iter().enumerate() {
        decomposed.push(c);
        if Some(i) == at {
            decomposed.push(tone);
        }
    }
    if at.is_none() {
        decomposed.push(tone);
    }
    out.extend(decomposed.nfc());
    out
}

/// Index of the letter that carries the tone, or None when there is no vowel.
fn tone_position(l: &[char]) -> Option<usize> {
    let mut i = l.iter().position(|&c| is_vowel(c))?;
    let next_is_vowel = |k: usize| l.get(k + 1).is_some_and(|&c| is_vowel(c));
    // "qu" and "gi" before a vowel: the u / i belongs to the onset.
    if i > 0
        && ((l[i - 1] == 'q' && l[i] == 'u') || (l[i - 1] == 'g' && l[i] == 'i'))
        && next_is_vowel(i)
    {
        i += 1;
    }
    let mut j = i;
    while j < l.len() && is_vowel(l[j]) {
        j += 1;
    }
    let nucleus = &l[i..j];
    if let Some(k) = nucleus.iter().rposition(|&c| has_diacritic(c)) {
        return Some(i + k);
    }
    let has_final = j < l.len();
    Some(match nucleus.len() {
        1 => i,
        _ if has_final => j - 1,
        2 if matches!(nucleus, ['o', 'a'] | ['o', 'e'] | ['u', 'y']) => i + 1,
        2 => i,
        _ => i + 1,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lowercase_matches_std() {
        for u in 0..0x2000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            let s = format!("{c}a{c}");
            assert_eq!(lowercase(&s), s.to_lowercase(), "U+{u:04X}");
        }
        for s in ["ĐỨC", "Ông NGUYỄN Văn Ư", "ΟΔΟΣ Σ", "İstanbul"] {
            assert_eq!(lowercase(s), s.to_lowercase());
        }
    }

    #[test]
    fn tone_conventions_share_a_key() {
        assert_eq!(syllable_key("hòa"), syllable_key("hoà"));
        assert_eq!(syllable_key("Thủy"), syllable_key("thuỷ"));
        assert_eq!(syllable_key("qúy"), "quý");
        assert_eq!(syllable_key("Người"), "người");
        assert_eq!(syllable_key("GIỮA"), "giữa");
        assert_eq!(syllable_key("hoàng"), "hoàng");
        assert_eq!(syllable_key("NATO"), "nato");
        // decomposed input (windows-1258 style) keys like composed input
        assert_eq!(syllable_key("Vie\u{302}\u{323}t"), "việt");
    }

    #[test]
    fn nfc_borrows_when_normalised() {
        assert!(matches!(nfc("Việt Nam"), Cow::Borrowed(_)));
        assert_eq!(nfc("Vie\u{302}\u{323}t"), "Việt");
    }
}
