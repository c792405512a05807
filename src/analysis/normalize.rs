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
