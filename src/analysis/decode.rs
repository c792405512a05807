//! Raw bytes to text: charset from the BOM, the content type, an HTML meta tag, a UTF-16
//! pattern, UTF-8 validity, or statistical sniffing (chardetng), in that order.
use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

use super::error::AnalysisError;

/// Whether a document is markup or plain text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text (a page dump or an article).
    Text,
    /// An HTML page.
    Html,
}

#[derive(Debug, Clone)]
/// Bytes decoded into text, and what kind of text it is.
pub struct Decoded {
    /// The text (not yet NFC).
    pub text: String,
    /// HTML or plain text.
    pub format: Format,
    /// The charset used, e.g. "UTF-8", "windows-1258".
    pub encoding: &'static str,
}

/// Decodes raw bytes. `content_type` may be empty ("sniff everything").
pub fn decode(raw: &[u8], content_type: &str) -> Result<Decoded, AnalysisError> {
    let (mime, declared) = parse_content_type(content_type);
    let declared = match declared {
        Some(label) => Some(
            Encoding::for_label(label.as_bytes())
                .ok_or_else(|| AnalysisError::UnknownCharset(label.to_string()))?,
        ),
        None => None,
    };
    let (encoding, bom_len) = match Encoding::for_bom(raw) {
        Some((enc, len)) => (enc, len),
        None => (pick_encoding(raw, declared, &mime), 0),
    };
    let body = &raw[bom_len..];
    let (text, _had_errors) = encoding.decode_without_bom_handling(body);
    let text = text.into_owned();
    if looks_binary(&text) {
        return Err(AnalysisError::Binary(format!(
            "decoded as {} it is mostly control characters",
            encoding.name()
        )));
    }
    let format = match mime.as_str() {
        "text/html" | "application/xhtml+xml" => Format::Html,
        "text/plain" => Format::Text,
        _ => sniff_format(&text),
    };
    Ok(Decoded {
        text,
        format,
        encoding: encoding.name(),
    })
}

fn pick_encoding(raw: &[u8], declared: Option<&'static Encoding>, mime: &str) -> &'static Encoding {
    let utf8 = Utf8Share::of(raw);
    // Declared UTF-8 that is valid UTF-8 is UTF-8, NUL bytes or not (cargo fuzz found
    // "\0ff h" declared UTF-8 read as UTF-16 by the pattern below).
    if declared == Some(UTF_8) && utf8.invalid == 0 {
        return UTF_8;
    }
    if let Some(utf16) = utf16_without_bom(raw) {
        return utf16;
    }
    // A declaration of UTF-8 stands unless the bytes contradict it: a page with a stray byte
    // or two is still UTF-8 (decoded with U+FFFD), one in another charset is mostly invalid.
    match declared {
        Some(enc) if enc != UTF_8 => return enc,
        Some(_) if utf8.declared_ok() => return UTF_8,
        _ => {}
    }
    if mime != "text/plain" {
        if let Some(enc) = meta_charset(raw) {
            if enc != UTF_8 || utf8.declared_ok() {
                return enc;
            }
        }
    }
    if utf8.sniffed_ok() {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(&raw[..raw.len().min(64 * 1024)], raw.len() <= 64 * 1024);
    detector.guess(None, chardetng::Utf8Detection::Allow)
}

/// How much of the bytes reads as UTF-8: characters of two or more bytes that are valid, and
/// bytes that are not. Text in a legacy charset has almost no valid multi-byte sequences (its
/// high bytes rarely line up as UTF-8), so the two counts tell a stray byte from a mismatch.
#[derive(Debug, Clone, Copy)]
struct Utf8Share {
    multibyte: usize,
    invalid: usize,
}

impl Utf8Share {
    fn of(raw: &[u8]) -> Self {
        let (mut multibyte, mut invalid) = (0, 0);
        for chunk in raw.utf8_chunks() {
            multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
            invalid += chunk.invalid().len();
        }
        Self { multibyte, invalid }
    }

    /// Declared UTF-8: kept while the invalid bytes are a few against the valid multi-byte
    /// characters (at most a quarter of them).
    fn declared_ok(self) -> bool {
        self.invalid * 4 <= self.multibyte
    }

    /// Undeclared: UTF-8 when valid, or when invalid bytes are under a tenth of the valid
    /// multi-byte characters (a stray byte in a Vietnamese page of thousands).
    fn sniffed_ok(self) -> bool {
        self.invalid == 0 || self.invalid * 10 <= self.multibyte
    }
}

/// UTF-16 text without a BOM shows NUL bytes in every other position (ASCII-range characters).
fn utf16_without_bom(raw: &[u8]) -> Option<&'static Encoding> {
    let sample = &raw[..raw.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even_nul = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd_nul = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if odd_nul * 10 >= pairs * 3 && even_nul * 20 < pairs {
        Some(UTF_16LE)
    } else if even_nul * 10 >= pairs * 3 && odd_nul * 20 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Text where over a tenth of the characters are control characters (other than whitespace)
/// or replacement characters is not a document.
fn looks_binary(text: &str) -> bool {
    let mut total = 0usize;
    let mut bad = 0usize;
    for c in text.chars().take(64 * 1024) {
        total += 1;
        if (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c')) || c == '\u{fffd}' {
            bad += 1;
        }
    }
    total >= 16 && bad * 10 > total
}

/// ("text/html", Some("windows-1258")) from "text/html; charset=windows-1258".
fn parse_content_type(ct: &str) -> (String, Option<String>) {
    let mut parts = ct.split(';');
    let mime = parts.next().unwrap_or("").trim().to_ascii_lowercase();
    let charset = parts.find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']).to_string())
    });
    (mime, charset.filter(|c| !c.is_empty()))
}

/// The HTML prescan, simplified: a `charset=` inside a `<meta` tag in the first 2 KiB.
fn meta_charset(raw: &[u8]) -> Option<&'static Encoding> {
    let head = &raw[..raw.len().min(2048)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(pos) = find(&lower[from..], b"<meta") {
        let tag_start = from + pos;
        let tag_end = find(&lower[tag_start..], b">").map_or(lower.len(), |e| tag_start + e);
        let tag = &lower[tag_start..tag_end];
        if let Some(c) = find(tag, b"charset") {
            let rest = &tag[c + 7..];
            let rest = rest.strip_prefix(b" ").unwrap_or(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest: &[u8] = rest.trim_ascii_start();
                let rest = rest.strip_prefix(b"\"").unwrap_or(rest);
                let rest = rest.strip_prefix(b"'").unwrap_or(rest);
                let end = rest
                    .iter()
                    .position(|b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
                    .unwrap_or(rest.len());
                if let Some(enc) = Encoding::for_label(&rest[..end]) {
                    // A meta tag claiming UTF-16 is read as UTF-8 (HTML spec).
                    return Some(if enc == UTF_16LE || enc == UTF_16BE {
                        UTF_8
                    } else {
                        enc
                    });
                }
            }
        }
        from = tag_end;
    }
    None
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Markup if the first non-blank character opens a tag and an HTML-ish tag appears early.
pub fn sniff_format(text: &str) -> Format {
    let head: String = text
        .trim_start()
        .chars()
        .take(1024)
        .collect::<String>()
        .to_ascii_lowercase();
    let markers = [
        "<!doctype html",
        "<html",
        "<head",
        "<body",
        "<div",
        "<p>",
        "<meta",
        "<title",
    ];
    if head.starts_with('<') && markers.iter().any(|m| head.contains(m)) {
        Format::Html
    } else {
        Format::Text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_windows_1258_decodes() {
        // "Hà Nội" in windows-1258: H, a + combining grave (0xCC), space, N, ô (0xD4 lower=0xF4), i + dot below (0xF2)
        let (bytes, _, _) = encoding_rs::WINDOWS_1258.encode("Hà Nô\u{323}i");
        let d = decode(&bytes, "text/plain; charset=windows-1258").unwrap();
        assert_eq!(d.encoding, "windows-1258");
        use unicode_normalization::UnicodeNormalization;
        assert_eq!(d.text.nfc().collect::<String>(), "Hà Nội");
        assert_eq!(d.format, Format::Text);
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let text = "<html><body>Xin chào Việt Nam</body></html>";
        let le: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        let d = decode(&le, "").unwrap();
        assert_eq!(d.text, text);
        assert_eq!(d.format, Format::Html);
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(|u| u.to_be_bytes()));
        assert_eq!(decode(&be, "").unwrap().text, text);
    }

    #[test]
    fn meta_charset_and_wrong_declaration() {
        let (body, _, _) = encoding_rs::WINDOWS_1258.encode("Tin tức hôm nay về kinh tế");
        let mut page = b"<html><head><meta charset=\"windows-1258\"></head><body>".to_vec();
        page.extend_from_slice(&body);
        let d = decode(&page, "text/html").unwrap();
        assert_eq!(d.encoding, "windows-1258");
        // Declared UTF-8 but the bytes are not: sniffed instead of mangled.
        let d = decode(&page, "text/html; charset=utf-8").unwrap();
        assert_eq!(d.encoding, "windows-1258");
    }

    #[test]
    fn utf8_with_a_few_stray_bytes_stays_utf8() {
        let text = "Nhà Trắng cho biết Bộ trưởng Quốc phòng Mỹ sẽ thăm Việt Nam. ".repeat(40);
        let mut page = text.as_bytes().to_vec();
        // Two stray bytes, each before a space (a byte inside a character would break it too).
        let spaces: Vec<usize> = (0..page.len()).filter(|&i| page[i] == b' ').collect();
        page.insert(spaces[300], 0xC3);
        page.insert(spaces[10], 0xFF);
        let html = [
            b"<html><head><meta charset=\"utf-8\"></head><body>".as_slice(),
            &page,
        ]
        .concat();
        for (bytes, ct) in [
            (&page, "text/plain; charset=utf-8"),
            (&html, "text/html"),
            (&page, ""),
        ] {
            let d = decode(bytes, ct).unwrap();
            assert_eq!(d.encoding, "UTF-8", "{ct:?}");
            assert!(
                d.text.contains("Nhà Trắng") && !d.text.contains("NhÃ"),
                "{ct:?}"
            );
            assert_eq!(d.text.matches('\u{fffd}').count(), 2, "{ct:?}");
        }
    }

    #[test]
    fn declared_utf8_that_is_valid_stays_utf8_whatever_its_nul_bytes() {
        let d = decode(b"\0ff h", "text/plain; charset=utf-8");
        assert!(!matches!(d, Ok(ref d) if d.encoding != "UTF-8"), "{d:?}");
    }

    #[test]
    fn binary_and_unknown_charset_are_errors() {
        let junk: Vec<u8> = (0..4096u32).map(|i| (i * 7 % 32) as u8).collect();
        assert!(matches!(decode(&junk, ""), Err(AnalysisError::Binary(_))));
        assert!(matches!(
            decode(b"abc", "text/plain; charset=klingon"),
            Err(AnalysisError::UnknownCharset(_))
        ));
    }
}
