//! HTML pages: parsed with html5ever (scraper); structured data (JSON-LD, OpenGraph, <meta>,
//! <time>) first, then the densest text container, readability-style. First version; issue 4
//! replaces the scoring with a learned block classifier.
use std::collections::HashMap;

use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node, Selector};

use super::{text_dump, vietnamese_timestamp, BlockKind, Builder, Extracted, Metadata};

/// Deeper nesting than this is not a real page; html5ever's scope checks are linear in the
/// stack depth, so such input is reduced to its text instead of being parsed as a tree.
const MAX_DEPTH: usize = 1500;

const SKIP_TAGS: &[&str] = &[
    "script", "style", "noscript", "nav", "footer", "aside", "form", "iframe", "svg", "button",
    "select", "template", "head", "menu", "dialog", "canvas", "object", "embed", "video", "audio",
];

const BLOCK_TAGS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "pre",
    "td",
    "th",
    "dd",
    "dt",
    "figcaption",
    "caption",
    "address",
];

/// Substrings of class/id that mark boilerplate containers.
const BAD_CLASS: &[&str] = &[
    "comment",
    "share",
    "social",
    "related",
    "sidebar",
    "menu",
    "navbar",
    "breadcrumb",
    "footer",
    "header",
    "cookie",
    "banner",
    "advert",
    "ads-",
    "-ads",
    "promo",
    "newsletter",
    "subscribe",
    "popup",
    "modal",
    "widget",
    "tags",
    "pagination",
    "author-box",
    "recommend",
    "most-read",
    "tin-lien-quan",
    "lienquan",
    "relate",
    "box-tin",
    "signup",
    "login",
];

pub fn extract(html: &str, include_removed: bool) -> Extracted {
    if nesting_depth_exceeds(html, MAX_DEPTH) {
        let mut x = text_dump::extract(&strip_tags(html), include_removed);
        x.metadata.language.get_or_insert_with(|| "vi".to_string());
        return x;
    }
    let doc = Html::parse_document(html);
    let mut meta = read_metadata(&doc);
    let json_ld = read_json_ld(&doc);
    if meta.author.is_none() {
        meta.author = json_ld.author.clone();
    }
    if meta.published.is_none() {
        meta.published = json_ld.published.clone();
    }
    let title = json_ld
        .headline
        .clone()
        .or_else(|| first_text(&doc, "h1"))
        .or_else(|| meta_content(&doc, "meta[property='og:title']"))
        .or_else(|| first_text(&doc, "title").map(|t| strip_site_suffix(&t)))
        .unwrap_or_default();

    let mut b = Builder::default();
    if !title.is_empty() {
        b.keep(BlockKind::Title, &title);
    }
    if let Some(body) = json_ld.body.filter(|b| b.chars().count() > 200) {
        for para in body.split('\n') {
            b.keep(BlockKind::Body, para);
        }
        return b.finish(title, meta, include_removed);
    }

    let blocks = collect_blocks(&doc);
    let best = best_container(&doc, &blocks);
    let title_key = fold(&title);
    for blk in &blocks {
        let inside = best.is_some_and(|c| blk.ancestors.contains(&c));
        let key = fold(&blk.text);
        if key.is_empty() || key == title_key {
            continue;
        }
        if !inside {
            b.drop(
                BlockKind::Boilerplate,
                &blk.text,
                "outside the main content",
            );
        } else if blk.tag == "figcaption" || blk.tag == "caption" {
            b.drop(BlockKind::Caption, &blk.text, "caption");
        } else if blk.link_chars * 2 > blk.text.chars().count() {
            b.drop(BlockKind::Related, &blk.text, "mostly links");
        } else {
            let kind = match blk.tag {
                "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => BlockKind::Heading,
                "li" | "dd" | "dt" => BlockKind::List,
                "td" | "th" => BlockKind::Table,
                _ => BlockKind::Body,
            };
            b.keep(kind, &blk.text);
        }
    }
    b.finish(title, meta, include_removed)
}

struct TextBlock {
    tag: &'static str,
    text: String,
    link_chars: usize,
    /// The element holding the block and its ancestors, nearest first.
    ancestors: Vec<NodeId>,
}

/// Paragraph-like blocks in document order, skipping boilerplate subtrees. Iterative: no
/// recursion on the tree depth.
fn collect_blocks(doc: &Html) -> Vec<TextBlock> {
    let mut out = Vec::new();
    let mut stack: Vec<NodeRef<'_, Node>> = vec![doc.tree.root()];
    // Loose text directly inside a container (e.g. <div>text<br>text</div>), merged per parent.
    let mut loose: Option<(NodeId, String)> = None;
    while let Some(node) = stack.pop() {
        match node.value() {
            Node::Element(el) => {
                let name = el.name();
                if SKIP_TAGS.contains(&name) || has_bad_class(el) {
                    continue;
                }
                if let Some(tag) = BLOCK_TAGS.iter().find(|t| **t == name) {
                    flush(&mut loose, doc, &mut out);
                    let (text, link_chars) = block_text(node);
                    if !text.is_empty() {
                        out.push(TextBlock {
                            tag,
                            text,
                            link_chars,
                            ancestors: ancestors(node),
                        });
                    }
                    continue;
                }
                if matches!(
                    name,
                    "br" | "div" | "section" | "article" | "table" | "ul" | "ol"
                ) {
                    flush(&mut loose, doc, &mut out);
                }
                for child in node.children().rev() {
                    stack.push(child);
                }
            }
            Node::Text(t) => {
                let s = t.trim();
                if s.is_empty() {
                    continue;
                }
                let parent = node.parent().map(|p| p.id());
                match (&mut loose, parent) {
                    (Some((id, buf)), Some(p)) if *id == p => {
                        buf.push(' ');
                        buf.push_str(s);
                    }
                    (_, Some(p)) => {
                        flush(&mut loose, doc, &mut out);
                        loose = Some((p, s.to_string()));
                    }
                    _ => {}
                }
            }
            _ => {
                for child in node.children().rev() {
                    stack.push(child);
                }
            }
        }
    }
    flush(&mut loose, doc, &mut out);
    out
}

fn flush(loose: &mut Option<(NodeId, String)>, doc: &Html, out: &mut Vec<TextBlock>) {
    if let Some((parent, text)) = loose.take() {
        if let Some(node) = doc.tree.get(parent) {
            let is_link = matches!(node.value(), Node::Element(e) if e.name() == "a");
            let text = squash(&text);
            let link_chars = if is_link { text.chars().count() } else { 0 };
            let anc = if is_link {
                ancestors(node)
            } else {
                std::iter::once(parent).chain(ancestors(node)).collect()
            };
            out.push(TextBlock {
                tag: "div",
                text,
                link_chars,
                ancestors: anc,
            });
        }
    }
}

fn ancestors(node: NodeRef<'_, Node>) -> Vec<NodeId> {
    node.ancestors().map(|a| a.id()).collect()
}

/// Text of a block and how much of it sits inside links.
fn block_text(node: NodeRef<'_, Node>) -> (String, usize) {
    let mut text = String::new();
    let mut link_chars = 0;
    for d in node.descendants() {
        if let Node::Text(t) = d.value() {
            let skipped = d
                .ancestors()
                .take_while(|a| a.id() != node.id())
                .any(|a| matches!(a.value(), Node::Element(e) if SKIP_TAGS.contains(&e.name())));
            if skipped {
                continue;
            }
            let in_link = d
                .ancestors()
                .take_while(|a| a.id() != node.id())
                .any(|a| matches!(a.value(), Node::Element(e) if e.name() == "a"));
            if in_link {
                link_chars += t.chars().filter(|c| !c.is_whitespace()).count();
            }
            text.push_str(t);
        } else if let Node::Element(e) = d.value() {
            if e.name() == "br" {
                text.push(' ');
            }
        }
    }
    (squash(&text), link_chars)
}

fn has_bad_class(el: &scraper::node::Element) -> bool {
    let mut attrs = String::new();
    for name in ["class", "id", "role"] {
        if let Some(v) = el.attr(name) {
            attrs.push_str(&v.to_ascii_lowercase());
            attrs.push(' ');
        }
    }
    if attrs.is_empty()
        || attrs.contains("article")
        || attrs.contains("content")
        || attrs.contains("main")
    {
        return attrs.contains("navigation") || attrs.contains("complementary");
    }
    BAD_CLASS.iter().any(|c| attrs.contains(c)) || attrs.contains("navigation")
}

/// The element whose paragraphs hold the most non-link text; a paragraph counts fully for its
/// parent and half for its grandparent.
fn best_container(doc: &Html, blocks: &[TextBlock]) -> Option<NodeId> {
    let mut score: HashMap<NodeId, f64> = HashMap::new();
    for b in blocks {
        let chars = b.text.chars().count();
        if chars < 25 {
            continue;
        }
        let value =
            (chars - b.link_chars.min(chars)) as f64 + if b.tag == "p" { 20.0 } else { 0.0 };
        // ancestors[0] is the block element itself for tagged blocks; skip to its parent.
        let start = usize::from(b.tag != "div");
        for (k, id) in b.ancestors.iter().skip(start).take(3).enumerate() {
            *score.entry(*id).or_default() += value / (1 << k) as f64;
        }
    }
    let _ = doc;
    score
        .into_iter()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(id, _)| id)
}

#[derive(Default)]
struct JsonLd {
    headline: Option<String>,
    published: Option<String>,
    author: Option<String>,
    body: Option<String>,
}

fn read_json_ld(doc: &Html) -> JsonLd {
    let mut out = JsonLd::default();
    let Ok(sel) = Selector::parse("script[type='application/ld+json']") else {
        return out;
    };
    for script in doc.select(&sel) {
        let raw: String = script.text().collect();
        let Ok(v) = serde_json::from_str::<serde_json::Value>(raw.trim()) else {
            continue;
        };
        let mut queue = vec![&v];
        while let Some(item) = queue.pop() {
            match item {
                serde_json::Value::Array(a) => queue.extend(a.iter()),
                serde_json::Value::Object(o) => {
                    if let Some(g) = o.get("@graph") {
                        queue.push(g);
                    }
                    let ty = o.get("@type").map(|t| t.to_string()).unwrap_or_default();
                    if !ty.contains("Article") && !ty.contains("Posting") && !ty.contains("Report")
                    {
                        continue;
                    }
                    let s = |k: &str| {
                        o.get(k)
                            .and_then(|x| x.as_str())
                            .map(|x| x.trim().to_string())
                            .filter(|x| !x.is_empty())
                    };
                    out.headline = out.headline.take().or_else(|| s("headline"));
                    out.published = out.published.take().or_else(|| s("datePublished"));
                    out.body = out.body.take().or_else(|| s("articleBody"));
                    if out.author.is_none() {
                        out.author = o.get("author").and_then(author_name);
                    }
                }
                _ => {}
            }
        }
    }
    out
}

fn author_name(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Object(o) => o.get("name").and_then(|n| n.as_str()).map(str::to_string),
        serde_json::Value::Array(a) => {
            let names: Vec<String> = a.iter().filter_map(author_name).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        _ => None,
    }
}

fn read_metadata(doc: &Html) -> Metadata {
    let published = meta_content(doc, "meta[property='article:published_time']")
        .or_else(|| meta_content(doc, "meta[itemprop='datePublished']"))
        .or_else(|| meta_content(doc, "meta[name='pubdate']"))
        .or_else(|| meta_content(doc, "meta[name='date']"))
        .or_else(|| attr_of(doc, "time[datetime]", "datetime"))
        .or_else(|| first_text(doc, "time").and_then(|t| vietnamese_timestamp(&t)));
    Metadata {
        author: meta_content(doc, "meta[name='author']")
            .or_else(|| meta_content(doc, "meta[property='article:author']")),
        published,
        source_credits: Vec::new(),
        canonical_url: attr_of(doc, "link[rel='canonical']", "href")
            .or_else(|| meta_content(doc, "meta[property='og:url']")),
        language: attr_of(doc, "html[lang]", "lang"),
        description: meta_content(doc, "meta[name='description']")
            .or_else(|| meta_content(doc, "meta[property='og:description']")),
        site_name: meta_content(doc, "meta[property='og:site_name']"),
    }
}

fn meta_content(doc: &Html, sel: &str) -> Option<String> {
    attr_of(doc, sel, "content")
}

fn attr_of(doc: &Html, sel: &str, attr: &str) -> Option<String> {
    let sel = Selector::parse(sel).ok()?;
    doc.select(&sel).find_map(|e| {
        e.value()
            .attr(attr)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    })
}

fn first_text(doc: &Html, sel: &str) -> Option<String> {
    let sel = Selector::parse(sel).ok()?;
    doc.select(&sel)
        .map(|e| squash(&e.text().collect::<String>()))
        .find(|t| !t.is_empty())
}

/// "Headline - Site name" -> "Headline".
fn strip_site_suffix(t: &str) -> String {
    for sep in [" | ", " - ", " – ", " — "] {
        if let Some((head, _)) = t.rsplit_once(sep) {
            if head.split_whitespace().count() >= 3 {
                return head.to_string();
            }
        }
    }
    t.to_string()
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn fold(s: &str) -> String {
    squash(s).to_lowercase()
}

/// A quick tag scan: does the element nesting go deeper than `limit`?
fn nesting_depth_exceeds(html: &str, limit: usize) -> bool {
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

fn memchr_lt(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'<')
}

/// Text of markup without parsing a tree: tags removed, block tags become line breaks.
fn strip_tags(html: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn article_container_wins_over_navigation() {
        let html = r#"<html lang="vi"><head><title>Tin nóng - Báo Mẫu</title>
            <meta property="article:published_time" content="2024-11-06T14:14:00+07:00">
            <meta name="author" content="Minh Anh"></head><body>
            <nav><a href="/">Trang chủ</a> <a href="/tg">Thế giới</a></nav>
            <div class="menu"><ul><li><a href="/a">Kinh tế</a></li><li><a href="/b">Xã hội</a></li></ul></div>
            <article><h1>Thủ tướng thăm Nhật Bản</h1>
            <p>Thủ tướng đã có chuyến thăm chính thức Nhật Bản từ ngày 6 đến ngày 8 tháng 11, theo lời mời của người đồng cấp.</p>
            <figure><img src="a.jpg"><figcaption>Thủ tướng tại sân bay. (Ảnh: TTXVN)</figcaption></figure>
            <p>Hai bên đã ký kết nhiều văn kiện hợp tác quan trọng trong các lĩnh vực kinh tế, giáo dục và năng lượng.</p>
            <div class="related"><a href="/x">Tin liên quan: Hợp tác Việt Nhật</a></div></article>
            <footer>© 2024 Báo Mẫu</footer></body></html>"#;
        let x = extract(html, true);
        assert_eq!(x.title, "Thủ tướng thăm Nhật Bản");
        assert!(
            x.text
                .starts_with("Thủ tướng thăm Nhật Bản\nThủ tướng đã có chuyến thăm"),
            "{}",
            x.text
        );
        assert!(x.text.contains("Hai bên đã ký kết"));
        assert!(
            !x.text.contains("Trang chủ") && !x.text.contains("sân bay") && !x.text.contains("©")
        );
        assert_eq!(
            x.metadata.published.as_deref(),
            Some("2024-11-06T14:14:00+07:00")
        );
        assert_eq!(x.metadata.author.as_deref(), Some("Minh Anh"));
        assert_eq!(x.metadata.language.as_deref(), Some("vi"));
    }

    #[test]
    fn json_ld_article_body_is_used() {
        let body = "Đoạn một của bài báo rất dài. ".repeat(10);
        let html = format!(
            r#"<html><head><script type="application/ld+json">{{"@type":"NewsArticle","headline":"Tiêu đề","datePublished":"2024-01-08","author":{{"name":"Lan"}},"articleBody":"{body}"}}</script></head><body><p>menu</p></body></html>"#
        );
        let x = extract(&html, false);
        assert_eq!(x.title, "Tiêu đề");
        assert_eq!(x.metadata.author.as_deref(), Some("Lan"));
        assert!(x.text.contains("Đoạn một"));
    }

    #[test]
    fn absurd_nesting_is_reduced_to_text() {
        let html = format!(
            "{}<p>Nội dung bài viết ở đây khá dài để được giữ lại trong kết quả trích xuất.</p>{}",
            "<div>".repeat(200_000),
            "</div>".repeat(10)
        );
        let x = extract(&html, false);
        assert!(x.text.contains("Nội dung bài viết"));
    }
}
