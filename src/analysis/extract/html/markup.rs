//! Markup as such: parsing with html5ever, the nesting guard, a tag stripper for pages too deep
//! to parse, character references.
use super::*;

/// Deeper nesting than this is not a real page; html5ever's scope checks are linear in the
/// stack depth, so such input is reduced to its text instead of being parsed as a tree.
pub(super) const MAX_DEPTH: usize = 1500;

/// html5ever with scripting off: <noscript> content becomes elements, not raw text. Forums
/// (Discourse) serve their whole crawler view inside <noscript>.
pub(super) fn parse(html: &str) -> Html {
    use html5ever::tendril::TendrilSink;
    let opts = html5ever::ParseOpts {
        tree_builder: html5ever::tree_builder::TreeBuilderOpts {
            scripting_enabled: false,
            ..Default::default()
        },
        ..Default::default()
    };
    html5ever::driver::parse_document(scraper::HtmlTreeSink::new(Html::new_document()), opts)
        .one(html)
}

/// Character references left in JSON-LD and meta strings ("&#8211;", "&amp;").
pub(super) fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        // Bytes, not a str slice: the 12th byte may fall inside a character.
        let end = rest.as_bytes()[..rest.len().min(12)]
            .iter()
            .position(|&b| b == b';');
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                "ndash" => Some('–'),
                "mdash" => Some('—'),
                "bull" => Some('•'),
                "hellip" => Some('…'),
                "rsquo" => Some('’'),
                "lsquo" => Some('‘'),
                "rdquo" => Some('”'),
                "ldquo" => Some('“'),
                _ => {
                    let num = name.strip_prefix('#')?;
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => num.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

pub(super) fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A quick tag scan: does the element nesting go deeper than `limit`?
pub(super) fn nesting_depth_exceeds(html: &str, limit: usize) -> bool {
    let bytes = html.as_bytes();
    let mut depth: usize = 0;
    let mut i = 0;
    while let Some(off) = memchr_lt(&bytes[i..]) {
        i += off + 1;
        if i >= bytes.len() {
            break;
        }
        if bytes[i] == b'/' {
            depth = depth.saturating_sub(1);
        } else if bytes[i].is_ascii_alphabetic() {
            let name_end = bytes[i..]
                .iter()
                .take(64)
                .position(|b| !b.is_ascii_alphanumeric())
                .map_or(bytes.len().min(i + 64), |p| i + p);
            let name = html[i..name_end].to_ascii_lowercase();
            let void = matches!(
                name.as_str(),
                "br" | "img"
                    | "meta"
                    | "link"
                    | "input"
                    | "hr"
                    | "wbr"
                    | "source"
                    | "area"
                    | "base"
                    | "col"
                    | "embed"
                    | "param"
                    | "track"
            );
            let window = &bytes[i..bytes.len().min(i + 4096)];
            let tag_end = window
                .iter()
                .position(|&b| b == b'>')
                .map_or(i + window.len(), |p| i + p);
            let self_closing = tag_end > 0 && bytes.get(tag_end - 1) == Some(&b'/');
            if !void && !self_closing {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
        }
    }
    false
}

/// Non-whitespace characters; ASCII bytes are counted without decoding.
pub(super) fn visible_chars(t: &str) -> usize {
    if t.is_ascii() {
        t.bytes().filter(|b| !b.is_ascii_whitespace()).count()
    } else {
        t.chars().filter(|c| !c.is_whitespace()).count()
    }
}

pub(super) fn memchr_lt(b: &[u8]) -> Option<usize> {
    memchr::memchr(b'<', b)
}

/// Text of markup without parsing a tree: tags removed, block tags become line breaks.
pub(super) fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt..];
        let gt = after.find('>').map_or(after.len(), |g| g + 1);
        let tag = after[..gt].to_ascii_lowercase();
        if [
            "<p", "</p", "<div", "</div", "<br", "<li", "<h", "</h", "<tr",
        ]
        .iter()
        .any(|t| tag.starts_with(t))
        {
            out.push('\n');
        }
        rest = &after[gt..];
    }
    out.push_str(rest);
    out.replace("&nbsp;", " ")
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
}
