//! The page's metadata: <meta>, OpenGraph and JSON-LD fields, and the headline a reader sees.
use super::*;

#[derive(Default)]
pub(super) struct JsonLd {
    pub(super) headline: Option<String>,
    pub(super) published: Option<String>,
    /// datePublished of a WebPage object.
    pub(super) page_published: Option<String>,
    pub(super) author: Option<String>,
    pub(super) body: Option<String>,
}

pub(super) fn read_json_ld(doc: &Html) -> JsonLd {
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
                    let s = |k: &str| {
                        o.get(k)
                            .and_then(|x| x.as_str())
                            .map(|x| x.trim().to_string())
                            .filter(|x| !x.is_empty())
                    };
                    let ty = o.get("@type").map(|t| t.to_string()).unwrap_or_default();
                    if !ty.contains("Article") && !ty.contains("Posting") && !ty.contains("Report")
                    {
                        // A WebPage's date stands in when no article object gives one.
                        if ty.contains("Page") {
                            out.page_published =
                                out.page_published.take().or_else(|| s("datePublished"));
                        }
                        continue;
                    }
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

pub(super) fn author_name(v: &serde_json::Value) -> Option<String> {
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

pub(super) fn read_metadata(doc: &Html) -> Metadata {
    let language = attr_of(doc, "html[lang]", "lang");
    let order = dates::Order::for_language(language.as_deref());
    let published = [
        "meta[property='article:published_time']",
        "meta[itemprop='datePublished']",
        "meta[name='pubdate']",
        "meta[name='publishdate']",
        "meta[name='date']",
        "meta[name='dc.date']",
        "meta[name='published']",
        "meta[name='article:published_time']",
    ]
    .iter()
    .find_map(|sel| meta_content(doc, sel).and_then(|v| dates::normalize(&v, order)))
    .or_else(|| {
        attr_of(doc, "time[datetime]", "datetime").and_then(|v| dates::normalize(&v, order))
    })
    .or_else(|| first_text(doc, "time").and_then(|t| dates::find(&t, order)));
    Metadata {
        author: meta_content(doc, "meta[name='author']")
            .or_else(|| meta_content(doc, "meta[property='article:author']")),
        published,
        source_credits: Vec::new(),
        canonical_url: attr_of(doc, "link[rel='canonical']", "href")
            .or_else(|| meta_content(doc, "meta[property='og:url']")),
        language: None,
        declared_language: language,
        description: meta_content(doc, "meta[name='description']")
            .or_else(|| meta_content(doc, "meta[property='og:description']")),
        site_name: meta_content(doc, "meta[property='og:site_name']"),
    }
}

pub(super) fn meta_content(doc: &Html, sel: &str) -> Option<String> {
    attr_of(doc, sel, "content")
}

pub(super) fn attr_of(doc: &Html, sel: &str, attr: &str) -> Option<String> {
    let sel = Selector::parse(sel).ok()?;
    doc.select(&sel).find_map(|e| {
        e.value()
            .attr(attr)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    })
}

pub(super) fn first_text(doc: &Html, sel: &str) -> Option<String> {
    let sel = Selector::parse(sel).ok()?;
    doc.select(&sel)
        .map(|e| squash(&e.text().collect::<String>()))
        .find(|t| !t.is_empty())
}

/// The headline a reader sees: the first <h1> in the main content, else the first <h1> on
/// the page, else og:title, JSON-LD headline or <title> without the site's name.
pub(super) fn page_title(
    doc: &Html,
    page: &Page<'_>,
    main: &MainContent,
    json_ld: &JsonLd,
) -> String {
    let site = meta_content(doc, "meta[property='og:site_name']");
    let raw = meta_content(doc, "meta[property='og:title']")
        .or_else(|| json_ld.headline.clone())
        .or_else(|| first_text(doc, "title"))
        .map(|t| decode_entities(&t));
    let declared = raw.as_deref().map(|t| strip_site_name(t, site.as_deref()));
    let in_main = |b: &TextBlock| {
        main.scored.is_empty() || main.scored.iter().any(|r| b.ancestors.contains(r))
    };
    let mut h1s: Vec<&TextBlock> = page
        .blocks
        .iter()
        .filter(|b| b.dropped.is_none() && b.tag == "h1")
        .collect();
    h1s.sort_by_key(|b| !in_main(b));
    // The content's own <h1>, or one elsewhere that says what the declared title says: a
    // site-wide <h1> (the logo, "Blog") shares no words with it.
    let agrees = |b: &&&TextBlock| match &declared {
        Some(d) => word_share(&fold(&b.text), &fold(d)) >= 0.5,
        None => true,
    };
    // A long-form page's <h1> may hold only the headline as an image: the heading the reader
    // sees in the content, saying what the declared title says, is the headline.
    let content_heading = || {
        if !image_only_h1(doc) {
            return None;
        }
        page.blocks
            .iter()
            .filter(|b| b.dropped.is_none() && matches!(b.tag, "h2" | "h3" | "h4") && in_main(b))
            .find(|b| agrees(&b) && b.text.split_whitespace().count() >= 4)
            .map(|b| b.text.clone())
    };
    // Then the page's own line for the declared title, before an <h1> that only sits in the
    // content (a logo's <h1> inside a page-wide content wrapper).
    h1s.iter()
        .find(agrees)
        .map(|b| b.text.clone())
        .or_else(content_heading)
        .or_else(|| raw.as_deref().and_then(|r| block_heading_of(page, r)))
        .or_else(|| h1s.iter().find(|b| in_main(b)).map(|b| b.text.clone()))
        .or(declared)
        .or_else(|| h1s.first().map(|b| b.text.clone()))
        .unwrap_or_default()
}

/// An <h1> that shows an image and no text (a long-form page's drawn headline).
fn image_only_h1(doc: &Html) -> bool {
    let (Ok(h1), Ok(img)) = (Selector::parse("h1"), Selector::parse("img")) else {
        return false;
    };
    doc.select(&h1)
        .any(|h| h.text().all(|t| t.trim().is_empty()) && h.select(&img).next().is_some())
}

/// The page's own line for a declared title that carries more than the headline ("Headline -
/// Thời sự - Tuổi Trẻ Online", "Headline | Category | Site"): the longest block of three words
/// or more that the declared title starts with, up to one of its separators. Older
/// portals show the headline in a <div> or <h2>, not an <h1>.
fn block_heading_of(page: &Page<'_>, raw: &str) -> Option<String> {
    let raw = fold(raw);
    page.blocks
        .iter()
        .filter(|b| b.dropped.is_none() && b.text.split_whitespace().count() >= 3)
        .filter(|b| {
            let t = fold(&b.text);
            // Up to a separator, not the whole: a line with all of it repeats the site's name.
            raw.strip_prefix(t.as_str()).is_some_and(|rest| {
                [" | ", " - ", " – ", " — ", " · ", " :: "]
                    .iter()
                    .any(|sep| rest.starts_with(sep))
            })
        })
        .max_by_key(|b| b.text.len())
        .map(|b| b.text.clone())
}

/// "Headline | Site" -> "Headline" when the tail is the site's name (or, without one, when
/// the head is long enough to be a headline on its own).
pub(super) fn strip_site_name(t: &str, site: Option<&str>) -> String {
    for sep in [" | ", " - ", " – ", " — ", " · ", " :: "] {
        if let Some((head, tail)) = t.rsplit_once(sep) {
            let is_site = site.is_some_and(|s| fold(s) == fold(tail))
                || (site.is_none() && tail.split_whitespace().count() <= 3);
            if is_site && head.split_whitespace().count() >= 2 {
                return head.trim().to_string();
            }
        }
    }
    t.trim().to_string()
}
