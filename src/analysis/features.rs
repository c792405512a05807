//! What the learned models share about tokens: stable hashes, the hashed key and shape of a
//! token, sentence-edge markers and a hasher for keys that are hashes already. The segmenter and
//! the entity tagger both read these, so neither imports the other's model.
use std::cell::RefCell;
use std::hash::Hasher;
use std::ops::Range;

use rustc_hash::FxHashMap;

use super::normalize::{lowercase, syllable_key};
use super::segment::tokenize::{Syllable, TokenKind};

/// Key of the position before a sentence's first token.
pub const BOS: u64 = 0x1111_2222_3333_4444;
/// Key of the position after a sentence's last token.
pub const EOS: u64 = 0x5555_6666_7777_8888;

/// 64-bit FNV-1a: stable across builds and platforms (the model files depend on it).
pub fn hash_str(s: &str) -> u64 {
    hash_bytes(s.bytes())
}

/// `hash_str` of bytes as they come (a string read through a mapping, without building it).
pub fn hash_bytes(bytes: impl IntoIterator<Item = u8>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Combines two hashes into one (order matters).
#[inline]
pub fn mix(a: u64, b: u64) -> u64 {
    let x = (a ^ b.rotate_left(25)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^ (x >> 31)
}

/// A feature's hash: its template id, a salt telling the model (or layer) it belongs to, and
/// its parts in order.
#[inline]
pub fn feature_hash(template: u64, salt: u64, parts: &[u64]) -> u64 {
    parts.iter().fold(mix(template, salt), |h, &p| mix(h, p))
}

/// The hash of a word (its syllable keys in order), as the tagger's features and the word
/// classes see it.
pub fn word_hash(keys: &[u64]) -> u64 {
    keys.iter().fold(0x77u64, |h, &k| mix(h, k))
}

/// The shape of a token: `l` lowercase word, `U` capitalised, `A` all capitals, `d` number,
/// `c` code ("COVID-19"), `u` URL or e-mail, `p` punctuation, `s` symbol.
pub fn shape_of(text: &str, kind: TokenKind) -> u8 {
    match kind {
        TokenKind::Word => {
            let mut chars = text.chars();
            let first_upper = chars.next().is_some_and(char::is_uppercase);
            if !first_upper {
                b'l'
            } else if text.chars().count() > 1 && text.chars().all(|c| !c.is_lowercase()) {
                b'A'
            } else {
                b'U'
            }
        }
        TokenKind::Number => b'd',
        TokenKind::Code => b'c',
        TokenKind::Url | TokenKind::Email => b'u',
        TokenKind::Punct => b'p',
        TokenKind::Symbol => b's',
    }
}

/// Whether a shape starts with a capital (capitalised, all capitals, code).
pub fn is_capitalised(shape: u8) -> bool {
    matches!(shape, b'U' | b'A' | b'c')
}

/// Whether token `i` continues the words before it: both letters, apart by spaces only (a
/// gazetteer entry or a name spans such tokens, never a comma or a line break).
pub fn joins_previous(text: &str, tokens: &[Syllable], i: usize) -> bool {
    tokens[i].kind == TokenKind::Word
        && tokens[i - 1].kind == TokenKind::Word
        && tokens[i - 1].end < tokens[i].start
        && text[tokens[i - 1].end..tokens[i].start]
            .bytes()
            .all(|b| b == b' ')
}

/// The capitalised runs of a sentence: maximal stretches of capitalised tokens (`shapes`) that
/// join, as token ranges. The entity tagger's run features and the name profile both read them.
pub fn capitalised_runs(text: &str, tokens: &[Syllable], shapes: &[u8]) -> Vec<Range<usize>> {
    let n = tokens.len();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < n {
        if !is_capitalised(shapes[i]) {
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < n && is_capitalised(shapes[end]) && joins_previous(text, tokens, end) {
            end += 1;
        }
        runs.push(i..end);
        i = end;
    }
    runs
}

/// Distinct syllables a thread remembers the key hash of before starting over. Vietnamese has
/// about 7,000 syllables in use, so the cache almost always hits.
const KEY_CACHE_LIMIT: usize = 200_000;

thread_local! {
    static KEY_CACHE: RefCell<FxHashMap<Box<str>, u64>> = RefCell::new(FxHashMap::default());
}

/// hash_str(syllable_key(text)), cached: normalising a syllable costs far more than a lookup.
fn cached_key(text: &str) -> u64 {
    KEY_CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if let Some(&h) = cache.get(text) {
            return h;
        }
        let h = hash_str(&syllable_key(text));
        if cache.len() >= KEY_CACHE_LIMIT {
            cache.clear();
        }
        if text.len() <= 64 {
            cache.insert(text.into(), h);
        }
        h
    })
}

/// The hashed key of a token: its syllable key for words and marks (case, and where the tone
/// mark sits, folded: "Hoá" = "hóa"), a class for the rest.
pub fn key_of(text: &str, kind: TokenKind) -> u64 {
    match kind {
        TokenKind::Word | TokenKind::Punct | TokenKind::Symbol => cached_key(text),
        TokenKind::Code => hash_str(&lowercase(text)),
        TokenKind::Number => hash_str("<num>"),
        TokenKind::Url | TokenKind::Email => hash_str("<url>"),
    }
}

/// A hasher for keys that already are well-mixed 64-bit hashes.
#[derive(Default)]
pub struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = mix(self.0, u64::from(b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A hash map keyed by hashes.
pub type HashKeyed<V> =
    std::collections::HashMap<u64, V, std::hash::BuildHasherDefault<PassThrough>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_case_and_tone_mark_placement() {
        assert_eq!(
            key_of("Hoá", TokenKind::Word),
            key_of("hóa", TokenKind::Word)
        );
        assert_eq!(key_of("Uỷ", TokenKind::Word), key_of("ủy", TokenKind::Word));
        assert_ne!(
            key_of("hoá", TokenKind::Word),
            key_of("hoà", TokenKind::Word)
        );
        assert_eq!(
            key_of("12", TokenKind::Number),
            key_of("2024", TokenKind::Number)
        );
    }

    #[test]
    fn shapes() {
        assert_eq!(shape_of("Nội", TokenKind::Word), b'U');
        assert_eq!(shape_of("NATO", TokenKind::Word), b'A');
        assert_eq!(shape_of("nội", TokenKind::Word), b'l');
        assert!(is_capitalised(b'c') && !is_capitalised(b'l'));
    }

    #[test]
    fn hashes_are_stable() {
        // The shipped models were trained with these values: a change here breaks them.
        assert_eq!(hash_str(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash_str("a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(mix(1, 2), mix(2, 1));
    }
}
