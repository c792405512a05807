//! HTML pages: parsed with html5ever (scraper); structured data (JSON-LD, OpenGraph, <meta>,
//! <time>) first, then the densest text container, readability-style. First version; issue 4
//! replaces the scoring with a learned block classifier.
use rustc_hash::FxHashMap as HashMap;

use ego_tree::{NodeId, NodeRef};
use scraper::{Html, Node, Selector};

use super::{dates, fold, text_dump, word_share, BlockKind, Builder, Extracted, Metadata};

/// Deeper nesting than this is not a real page; html5ever's scope checks are linear in the
/// stack depth, so such input is reduced to its text instead of being parsed as a tree.
const MAX_DEPTH: usize = 1500;

/// Never content.
const JUNK_TAGS: &[&str] = &[
    "script", "style", "iframe", "svg", "button", "select", "template", "head", "dialog", "canvas",
    "object", "embed", "video", "audio", "input", "textarea", "math",
];

/// Usually boilerplate, unless they hold most of the page (see `BOILERPLATE_MAX_SHARE`).
const BOILERPLATE_TAGS: &[&str] = &[
    "nav", "footer", "aside", "form", "menu", "header", "noscript",
];

/// Elements that do not break a line of text.
const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
    "label", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "tt", "u",
    "var", "img", "picture", "wbr", "del", "ins", "strike", "big", "nobr",
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

/// Words of class/id/role values that mark boilerplate containers. A value is split into
/// words at '-', '_', spaces and camelCase humps, and a pattern must match whole words
/// ("is-promoted" is not "promo", "elementor-widget-text" is not a widget).
const BAD_CLASS_WORDS: &[&str] = &[
    "comment",
    "comments",
    "commentlist",
    "comment-list",
    "share",
    "sharing",
    "sharebar",
    "share-buttons",
    "social",
    "socials",
    "social-links",
    "related",
    "related-posts",
    "relatedposts",
    "related-articles",
    "sidebar",
    "side-bar",
    "menu",
    "navbar",
    "nav",
    "navigation",
    "breadcrumb",
    "breadcrumbs",
    "footer",
    "cookie",
    "cookies",
    "consent",
    "advert",
    "advertisement",
    "ad",
    "ads",
    "adsense",
    "sponsored",
    "promo",
    "newsletter",
    "subscribe",
    "subscription",
    "popup",
    "modal",
    "tags",
    "tag-list",
    "tag-cloud",
    "pagination",
    "pager",
    "author-box",
    "recommend",
    "recommended",
    "most-read",
    "most-popular",
    "mostread",
    "trending",
    "tin-lien-quan",
    "lienquan",
    "tinlienquan",
    "box-tin",
    "signup",
    "sign-up",
    "login",
    "disqus",
    "outbrain",
    "taboola",
    "skip-link",
    "screen-reader-text",
    "sr-only",
    "visually-hidden",
    "print-only",
];

/// Words that mark a comment thread.
const COMMENT_CLASS_WORDS: &[&str] = &[
    "comment",
    "comments",
    "commentlist",
    "comment-list",
    "disqus",
    "replies",
    "reply",
];

/// Words that mark the article itself; they override the boilerplate words on one element
/// (not the comment words: "article-comments" is a comment thread).
const GOOD_CLASS_WORDS: &[&str] = &[
    "article", "content", "main", "post", "entry", "story", "body", "text", "prose",
];

pub fn extract(html: &str, include_removed: bool) -> Extracted {
    if nesting_depth_exceeds(html, MAX_DEPTH) {
        let mut x = text_dump::extract(&strip_tags(html), include_removed);
        x.metadata.language.get_or_insert_with(|| "vi".to_string());
        return x;
    }
    let doc = parse(html);
    let mut meta = read_metadata(&doc);
    let json_ld = read_json_ld(&doc);
    if meta.author.is_none() {
        meta.author = json_ld.author.clone();
    }
    let order = dates::Order::for_language(meta.language.as_deref());
    if meta.published.is_none() {
        meta.published = json_ld
            .published
            .as_deref()
            .or(json_ld.page_published.as_deref())
            .and_then(|d| dates::normalize(d, order));
    }
    let page = Page::read(&doc, include_removed);
    let main = page.main_content();
    let title = page_title(&doc, &page, &main, &json_ld);
    if meta.published.is_none() {
        meta.published = page.visible_date(&main, order);
    }
    let title_key = fold(&title);
    let mut b = Builder::default();
    // The title goes in `title` only: on HTML pages the body text is what readers and the
    // WCXB gold call the main content (the headline is repeated in the text of 1 page in 3).
    // JSON-LD articleBody stands in for pages whose markup holds much less (rendered by
    // script); otherwise the markup is better: it keeps the paragraphs and headings.
    if let Some(body) = json_ld.body.as_deref() {
        let dom_chars: usize = page
            .blocks
            .iter()
            .filter(|b| b.dropped.is_none() && prose_like(b))
            .map(|b| b.chars)
            .sum();
        if body.chars().count() > 200 && visible_chars(body) > 2 * dom_chars {
            for para in decode_entities(body).split('\n') {
                b.keep(BlockKind::Body, para);
            }
            return b.finish(title, meta, include_removed);
        }
    }
    let in_main = |blk: &TextBlock| {
        (main.layout == Layout::Page && main.roots.is_empty())
            || main.roots.iter().any(|c| blk.ancestors.contains(c))
    };
    // After an article's last paragraph of prose come its tags, share and author lines.
    let tail_from = if main.layout == Layout::Article {
        page.blocks
            .iter()
            .rposition(|blk| blk.dropped.is_none() && prose_like(blk) && in_main(blk))
            .map_or(usize::MAX, |i| i + 1)
    } else {
        usize::MAX
    };
    // On listing and shop pages the same short label repeats on every card ("Add to cart",
    // "$659.99 was $761.98"); the first one stays.
    let mut repeats: HashMap<String, usize> = HashMap::default();
    if main.layout == Layout::Page {
        for blk in page
            .blocks
            .iter()
            .filter(|b| b.dropped.is_none() && b.chars < 40)
        {
            *repeats.entry(fold(&blk.text)).or_default() += 1;
        }
    }
    let mut seen_repeat: std::collections::HashSet<String> = Default::default();
    for (bi, blk) in page.blocks.iter().enumerate() {
        let key = fold(&blk.text);
        if repeats.get(&key).is_some_and(|n| *n >= 3) && !seen_repeat.insert(key.clone()) {
            b.drop(BlockKind::Boilerplate, &blk.text, "repeated short block");
            continue;
        }
        if key.is_empty() || key == title_key {
            continue;
        }
        if bi >= tail_from && blk.dropped.is_none() && in_main(blk) {
            b.drop(
                BlockKind::Boilerplate,
                &blk.text,
                "after the article's last paragraph",
            );
            continue;
        }
        if let Some(reason) = blk.dropped {
            b.drop(BlockKind::Boilerplate, &blk.text, reason);
            continue;
        }
        if !in_main(blk) {
            b.drop(
                BlockKind::Boilerplate,
                &blk.text,
                "outside the main content",
            );
        } else if blk.tag == "figcaption" || blk.tag == "caption" {
            b.drop(BlockKind::Caption, &blk.text, "caption");
        } else if main.layout == Layout::Article && is_photo_credit(&key) {
            b.drop(BlockKind::Caption, &blk.text, "photo caption or credit");
        } else if blk.in_comments && !main.comments_are_content {
            b.drop(BlockKind::Boilerplate, &blk.text, "comments");
        } else if main.layout == Layout::Article && blk.link_chars * 2 > blk.chars {
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

/// The page's visible text, every block in page order and nothing removed, for callers that
/// turn extraction off: no scoring, no title, no metadata.
pub fn page_text(html: &str) -> String {
    let mut b = Builder::default();
    if nesting_depth_exceeds(html, MAX_DEPTH) {
        for line in strip_tags(html).lines() {
            b.keep(BlockKind::Body, line);
        }
    } else {
        let doc = parse(html);
        for blk in &Page::read(&doc, true).blocks {
            b.keep(BlockKind::Body, &blk.text);
        }
    }
    b.finish(String::new(), Metadata::default(), false).text
}

/// html5ever with scripting off: <noscript> content becomes elements, not raw text. Forums
/// (Discourse) serve their whole crawler view inside <noscript>.
fn parse(html: &str) -> Html {
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

struct TextBlock {
    tag: &'static str,
    text: String,
    /// Non-whitespace characters of `text`, and how many of them sit inside links.
    chars: usize,
    link_chars: usize,
    /// The element holding the block and its ancestors, nearest first.
    ancestors: Vec<NodeId>,
    /// Set when the block is a whole subtree dropped for its tag or class (kept for
    /// `include_removed` only).
    dropped: Option<&'static str>,
    /// Inside an element marked as a comment thread.
    in_comments: bool,
}

/// Text size of an element's subtree (junk subtrees left out).
#[derive(Clone, Copy, Default)]
struct Size {
    chars: u32,
    link_chars: u32,
    /// Text of the largest <article> or <main> element inside (or this one).
    content_chars: u32,
}

/// The page as paragraph-like blocks plus the text size of every element.
struct Page<'a> {
    doc: &'a Html,
    blocks: Vec<TextBlock>,
    sizes: HashMap<NodeId, Size>,
    total_chars: u32,
}

/// An element whose class or tag says boilerplate is dropped only when it holds less than this
/// share of the page's text: themes put "sidebar" or "navbar" classes on <body> or on the
/// wrapper of everything, and ASP.NET pages sit inside one <form>.
const BOILERPLATE_MAX_SHARE: f64 = 0.5;

impl<'a> Page<'a> {
    fn read(doc: &'a Html, report_dropped: bool) -> Self {
        let sizes = subtree_sizes(doc);
        let total_chars = sizes.get(&doc.tree.root().id()).map_or(0, |s| s.chars);
        let mut page = Page {
            doc,
            blocks: Vec::new(),
            sizes,
            total_chars,
        };
        page.collect_blocks(report_dropped);
        page
    }

    fn size(&self, id: NodeId) -> Size {
        self.sizes.get(&id).copied().unwrap_or_default()
    }

    /// Does one <article> or <main> hold most of the element's text? Layout classes name the
    /// column beside a sidebar ("col-sm-9 sidebar-first-only"); a sidebar of teaser cards holds
    /// many small <article>s.
    fn mostly_content(&self, id: NodeId) -> bool {
        let s = self.size(id);
        s.chars > 0 && f64::from(s.content_chars) >= 0.5 * f64::from(s.chars)
    }

    /// Why the element is boilerplate, if it is.
    fn boilerplate(
        &self,
        node: NodeRef<'_, Node>,
        el: &scraper::node::Element,
    ) -> Option<&'static str> {
        let name = el.name();
        if name == "body" || name == "html" {
            return None;
        }
        // An article's own <header> holds its title and standfirst.
        let article_header = name == "header"
            && node.ancestors().any(
                |a| matches!(a.value(), Node::Element(e) if e.name() == "article" || e.name() == "main"),
            );
        let reason = if BOILERPLATE_TAGS.contains(&name) && !article_header {
            "boilerplate tag"
        } else if class_cue(el) == Some(ClassCue::Chrome) && !self.mostly_content(node.id()) {
            "boilerplate class"
        } else {
            return None;
        };
        let share = f64::from(self.size(node.id()).chars) / f64::from(self.total_chars.max(1));
        (share < BOILERPLATE_MAX_SHARE).then_some(reason)
    }

    /// Paragraph-like blocks in document order, skipping junk and boilerplate subtrees.
    /// Iterative: no recursion on the tree depth.
    fn collect_blocks(&mut self, report_dropped: bool) {
        let doc = self.doc;
        let mut out = Vec::new();
        // Each node with whether it sits inside a comment thread.
        let mut stack: Vec<(NodeRef<'_, Node>, bool)> = vec![(doc.tree.root(), false)];
        // Loose text directly inside a container (e.g. <div>text<br>text</div>), merged per parent.
        let mut loose: Option<Loose> = None;
        while let Some((node, in_comments)) = stack.pop() {
            match node.value() {
                Node::Element(el) => {
                    let name = el.name();
                    if JUNK_TAGS.contains(&name) {
                        continue;
                    }
                    if let Some(reason) = self.boilerplate(node, el) {
                        if report_dropped {
                            flush(&mut loose, doc, &mut out);
                            let (text, chars, link_chars) = block_text(node);
                            out.push(TextBlock {
                                tag: "div",
                                text,
                                chars,
                                link_chars,
                                ancestors: Vec::new(),
                                dropped: Some(reason),
                                in_comments,
                            });
                        }
                        continue;
                    }
                    if let Some(tag) = BLOCK_TAGS.iter().find(|t| **t == name) {
                        flush(&mut loose, doc, &mut out);
                        let (text, chars, link_chars) = block_text(node);
                        if chars > 0 {
                            out.push(TextBlock {
                                tag,
                                text,
                                chars,
                                link_chars,
                                ancestors: ancestors(node),
                                dropped: None,
                                in_comments,
                            });
                        }
                        continue;
                    }
                    if !INLINE_TAGS.contains(&name) {
                        flush(&mut loose, doc, &mut out);
                    }
                    let in_comments = in_comments || class_cue(el) == Some(ClassCue::Comments);
                    stack.extend(node.children().rev().map(|c| (c, in_comments)));
                }
                Node::Text(t) => {
                    let s = t.trim();
                    if s.is_empty() {
                        continue;
                    }
                    // Loose text belongs to the nearest non-inline ancestor.
                    let holder = node.ancestors().find(|a| {
                        !matches!(a.value(), Node::Element(e) if INLINE_TAGS.contains(&e.name()))
                    });
                    let link = node
                        .ancestors()
                        .take_while(|a| Some(a.id()) != holder.map(|h| h.id()))
                        .any(|a| matches!(a.value(), Node::Element(e) if e.name() == "a"));
                    let parent = holder.map(|p| p.id());
                    match (&mut loose, parent) {
                        (Some(l), Some(p)) if l.holder == p => {
                            l.text.push(' ');
                            push_marked(&mut l.text, s, link);
                        }
                        (_, Some(p)) => {
                            flush(&mut loose, doc, &mut out);
                            let mut text = String::new();
                            push_marked(&mut text, s, link);
                            loose = Some(Loose {
                                holder: p,
                                text,
                                in_comments,
                            });
                        }
                        _ => {}
                    }
                }
                _ => {
                    stack.extend(node.children().rev().map(|c| (c, in_comments)));
                }
            }
        }
        flush(&mut loose, doc, &mut out);
        self.blocks = out;
    }

    /// The element holding the main content: the one whose text is most content-like and least
    /// chrome-like. A block of sentence-length text with few links counts for its element and
    /// every ancestor; link text and short fragments count against them. The best subtree is
    /// the article body on a news page and the whole list on a page of many small cards.
    fn main_content(&self) -> MainContent {
        // First without comment threads: under an article they are chrome. A page with no
        // article outside its comments (a forum thread) gets them back as its content.
        for with_comments in [false, true] {
            let counted = |b: &TextBlock| with_comments || !b.in_comments;
            let article = self.best_subtree(|b| {
                if !counted(b) {
                    0.0
                } else if prose_like(b) {
                    (b.chars - b.link_chars) as f64 - CHROME_WEIGHT * b.link_chars as f64
                } else {
                    -CHROME_WEIGHT * b.chars as f64
                }
            });
            let prose: usize = article.map_or(0, |id| {
                self.blocks
                    .iter()
                    .filter(|b| b.dropped.is_none() && counted(b) && prose_like(b))
                    .filter(|b| b.ancestors.contains(&id))
                    .map(|b| b.chars)
                    .sum()
            });
            let commented_article = !with_comments
                && prose >= MIN_COMMENTED_ARTICLE_CHARS
                && self.blocks.iter().any(|b| b.in_comments && prose_like(b));
            if prose >= MIN_ARTICLE_CHARS || commented_article {
                let body = article.map(|id| self.marked_body(id, prose, &counted));
                return MainContent {
                    roots: body.into_iter().collect(),
                    scored: article.into_iter().collect(),
                    layout: Layout::Article,
                    comments_are_content: with_comments,
                };
            }
        }
        // Too little prose for an article: a listing, a shop or a forum page, where the
        // lists and links are the content. Keep all but the boilerplate, inside the page's
        // <main> when it marks one.
        let roots: Vec<NodeId> = self.landmark_main().into_iter().collect();
        MainContent {
            scored: roots.clone(),
            roots,
            layout: Layout::Page,
            comments_are_content: true,
        }
    }

    /// A date written near the start of the main content (the byline area), else anywhere in
    /// a short block, for pages that declare none.
    fn visible_date(&self, main: &MainContent, order: dates::Order) -> Option<String> {
        let live: Vec<&TextBlock> = self.blocks.iter().filter(|b| b.dropped.is_none()).collect();
        let start = live
            .iter()
            .position(|b| {
                main.scored.is_empty() || main.scored.iter().any(|r| b.ancestors.contains(r))
            })
            .unwrap_or(0);
        let short_date = |b: &&&TextBlock| b.chars <= 120;
        live[start.saturating_sub(8)..live.len().min(start + 12)]
            .iter()
            .filter(short_date)
            .find_map(|b| dates::find(&b.text, order))
            // Then anywhere: some pages print the date in a header or footer line.
            .or_else(|| {
                live.iter()
                    .filter(short_date)
                    .find_map(|b| dates::find(&b.text, order))
            })
    }

    /// The page's own <main> (or role="main") element, if it holds a fair share of the text.
    fn landmark_main(&self) -> Option<NodeId> {
        let min = 0.25 * f64::from(self.total_chars);
        self.doc
            .tree
            .root()
            .descendants()
            .filter(|n| {
                matches!(n.value(), Node::Element(e)
                    if e.name() == "main" || e.attr("role") == Some("main"))
            })
            .map(|n| n.id())
            .find(|id| f64::from(self.size(*id).chars) >= min)
    }

    /// The innermost element inside `root` that the page marks as the article body (itemprop
    /// articleBody, "entry-content", "story-body", ...) holding at least BODY_SHARE of the
    /// root's `prose`: the score often picks a wrapper that also holds a trending box or a
    /// byline strip.
    fn marked_body(
        &self,
        root: NodeId,
        prose: usize,
        counted: &impl Fn(&TextBlock) -> bool,
    ) -> NodeId {
        let mut inside: HashMap<NodeId, usize> = HashMap::default();
        for b in self
            .blocks
            .iter()
            .filter(|b| b.dropped.is_none() && counted(b) && prose_like(b))
        {
            if let Some(at) = b.ancestors.iter().position(|a| *a == root) {
                for id in &b.ancestors[..at] {
                    *inside.entry(*id).or_default() += b.chars;
                }
            }
        }
        inside
            .into_iter()
            .filter(|&(_, n)| n as f64 >= BODY_SHARE * prose as f64)
            .filter(|&(id, _)| {
                self.doc
                    .tree
                    .get(id)
                    .and_then(|n| n.value().as_element())
                    .is_some_and(marks_body)
            })
            .min_by_key(|&(_, n)| n)
            .map_or(root, |(id, _)| id)
    }

    /// The element maximising the sum of `value` over the blocks under it.
    fn best_subtree(&self, value: impl Fn(&TextBlock) -> f64) -> Option<NodeId> {
        let mut score: HashMap<NodeId, f64> = HashMap::default();
        for b in self.blocks.iter().filter(|b| b.dropped.is_none()) {
            let v = value(b);
            for id in &b.ancestors {
                *score.entry(*id).or_default() += v;
            }
        }
        score
            .iter()
            .filter(|(_, s)| **s > 0.0)
            .max_by(|a, b| a.1.total_cmp(b.1))
            .map(|(id, _)| *id)
    }
}

/// Blocks shorter than this (non-whitespace chars) or over 30% links are chrome when scoring
/// the article subtree; chrome counts against a subtree with this weight per char.
const MIN_PROSE_CHARS: usize = 40;
const CHROME_WEIGHT: f64 = 0.5;
/// A page whose best subtree holds less prose than this is not an article.
const MIN_ARTICLE_CHARS: usize = 1000;

/// Prose enough for an article when the page marks a comment thread beside it: a short blog
/// post followed by a long discussion is still the post (a forum thread's opening message is
/// usually shorter, or its replies are not marked as comments).
const MIN_COMMENTED_ARTICLE_CHARS: usize = 500;

/// Share of the article's prose that an element marked as its body must hold to stand for it
/// (on WCXB dev 0.9 / 0.8 / 0.6 / 0.4 give 0.906 / 0.908 / 0.910 / 0.910, ScrapingHub 0.902 /
/// 0.906 / 0.911 / 0.915 with recall falling: 0.6 keeps recall).
const BODY_SHARE: f64 = 0.6;

/// Markup naming the article body itself.
fn marks_body(el: &scraper::node::Element) -> bool {
    const BODY_MARKS: &[&str] = &[
        "articlebody",
        "article-body",
        "article__body",
        "article_body",
        "article-content",
        "article__content",
        "article-text",
        "story-body",
        "storybody",
        "story-content",
        "entry-content",
        "post-content",
        "post-body",
        "postbody",
        "content__body",
        "body-text",
        "field--name-body",
        "richtext",
        "rich-text",
        "blogbody",
        "blog-body",
        "blog_content",
        "blog-content",
        "blogpost-content",
        "arttext",
        "prose",
        // Vietnamese news sites.
        "detail-content",
        "content-detail",
        "detail__content",
        "fck_detail",
        "singular-content",
        "cms-body",
    ];
    ["class", "id", "itemprop"].iter().any(|a| {
        el.attr(a).is_some_and(|v| {
            let v = v.to_ascii_lowercase();
            BODY_MARKS.iter().any(|m| v.contains(m))
        })
    })
}

fn prose_like(b: &TextBlock) -> bool {
    b.chars >= MIN_PROSE_CHARS && b.link_chars * 10 < b.chars * 3
}

struct MainContent {
    /// Elements holding the content; empty on a `Layout::Page` page means the whole page.
    roots: Vec<NodeId>,
    /// The best-scoring elements, which `roots` may narrow to the marked article body: the
    /// headline and the byline sit around the body.
    scored: Vec<NodeId>,
    layout: Layout,
    comments_are_content: bool,
}

/// What kind of page the main content looks like.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// Paragraphs of prose: links and fragments inside it are chrome.
    Article,
    /// Lists, cards, specifications, posts: short and linked text is content.
    Page,
}

/// A short line crediting a photo: "Photo: Shutterstock", "Getty Images / Holger Leue",
/// "... (Ảnh: TTXVN)". On WCXB dev 200 such lines were kept outside the gold, 5 inside.
fn is_photo_credit(key: &str) -> bool {
    const STARTS: &[&str] = &[
        "photo:",
        "photo credit",
        "photo by ",
        "photograph:",
        "image:",
        "image credit",
        "image via ",
        "credit:",
        "(photo:",
        "(image:",
    ];
    const TAILS: &[&str] = &[". photo:", "| photo:", ". image:", ". credit:"];
    const AGENCIES: &[&str] = &["getty images", "shutterstock", "istock", "©"];
    let words = key.split_whitespace().count();
    words <= 40
        && (STARTS.iter().any(|c| key.starts_with(c))
            || TAILS.iter().any(|c| key.contains(c))
            || (words <= 12
                && !key.ends_with('.')
                && AGENCIES.iter().any(|c| key.contains(c))
                && key.contains(['/', '©', ':']))
            || text_dump::is_caption(key))
}

/// Marks link text with a private-use character pair so `flush` can count it.
fn push_marked(buf: &mut String, s: &str, link: bool) {
    if link {
        buf.push(LINK_OPEN);
        buf.push_str(s);
        buf.push(LINK_CLOSE);
    } else {
        buf.push_str(s);
    }
}

const LINK_OPEN: char = '\u{E000}';
const LINK_CLOSE: char = '\u{E001}';

/// Text gathered for one block-holding element, links marked with `push_marked`.
struct Loose {
    holder: NodeId,
    text: String,
    in_comments: bool,
}

fn flush(loose: &mut Option<Loose>, doc: &Html, out: &mut Vec<TextBlock>) {
    let Some(Loose {
        holder,
        text: marked,
        in_comments,
    }) = loose.take()
    else {
        return;
    };
    let Some(node) = doc.tree.get(holder) else {
        return;
    };
    let (mut chars, mut link_chars, mut in_link) = (0, 0, false);
    let mut text = String::with_capacity(marked.len());
    for c in marked.chars() {
        match c {
            LINK_OPEN => in_link = true,
            LINK_CLOSE => in_link = false,
            c => {
                if !c.is_whitespace() {
                    chars += 1;
                    link_chars += usize::from(in_link);
                }
                text.push(c);
            }
        }
    }
    out.push(TextBlock {
        tag: "div",
        text: squash(&text),
        chars,
        link_chars,
        ancestors: ancestors(node),
        dropped: None,
        in_comments,
    });
}

fn ancestors(node: NodeRef<'_, Node>) -> Vec<NodeId> {
    std::iter::once(node.id())
        .chain(node.ancestors().map(|a| a.id()))
        .collect()
}

/// Text of a block element, its non-whitespace characters and how many sit inside links.
fn block_text(node: NodeRef<'_, Node>) -> (String, usize, usize) {
    let mut text = String::new();
    let (mut chars, mut link_chars) = (0, 0);
    // Iterative walk that skips junk subtrees and tracks link depth.
    let mut stack: Vec<(NodeRef<'_, Node>, bool)> =
        node.children().rev().map(|c| (c, false)).collect();
    while let Some((n, in_link)) = stack.pop() {
        match n.value() {
            Node::Text(t) => {
                let c = visible_chars(t);
                chars += c;
                if in_link {
                    link_chars += c;
                }
                text.push_str(t);
            }
            Node::Element(e) => {
                let name = e.name();
                if JUNK_TAGS.contains(&name) {
                    continue;
                }
                if name == "br" || !INLINE_TAGS.contains(&name) {
                    text.push(' ');
                }
                let link = in_link || name == "a";
                stack.extend(n.children().rev().map(|c| (c, link)));
            }
            _ => {}
        }
    }
    (squash(&text), chars, link_chars)
}

/// What an element's class, id or role says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClassCue {
    /// Menus, share bars, related lists, ads...
    Chrome,
    /// Readers' comments: chrome under an article, the content of a forum thread.
    Comments,
}

fn class_cue(el: &scraper::node::Element) -> Option<ClassCue> {
    let mut buf = String::new();
    for name in ["class", "id", "role"] {
        if let Some(v) = el.attr(name) {
            push_words(&mut buf, v);
        }
    }
    if buf.is_empty() {
        return None;
    }
    let words: Vec<&str> = buf.split('-').filter(|w| !w.is_empty()).collect();
    let cues = class_cues();
    // Does a cue (a run of words) occur in `words`?
    let found = |table: &rustc_hash::FxHashMap<&'static str, Vec<Vec<&'static str>>>| {
        words.iter().enumerate().any(|(i, w)| {
            table.get(w).is_some_and(|tails| {
                tails
                    .iter()
                    .any(|tail| words.get(i + 1..i + 1 + tail.len()) == Some(tail.as_slice()))
            })
        })
    };
    if found(&cues.comments) {
        return Some(ClassCue::Comments);
    }
    if found(&cues.good) {
        return None;
    }
    found(&cues.bad).then_some(ClassCue::Chrome)
}

/// The class cue lists indexed by their first word; the value holds the rest of each cue.
struct ClassCues {
    comments: rustc_hash::FxHashMap<&'static str, Vec<Vec<&'static str>>>,
    bad: rustc_hash::FxHashMap<&'static str, Vec<Vec<&'static str>>>,
    good: rustc_hash::FxHashMap<&'static str, Vec<Vec<&'static str>>>,
}

fn class_cues() -> &'static ClassCues {
    static CUES: std::sync::OnceLock<ClassCues> = std::sync::OnceLock::new();
    CUES.get_or_init(|| {
        let index = |list: &[&'static str]| {
            let mut m: rustc_hash::FxHashMap<&'static str, Vec<Vec<&'static str>>> =
                Default::default();
            for cue in list {
                let mut parts = cue.split('-');
                let first = parts.next().unwrap_or_default();
                m.entry(first).or_default().push(parts.collect());
            }
            m
        };
        ClassCues {
            comments: index(COMMENT_CLASS_WORDS),
            bad: index(BAD_CLASS_WORDS),
            good: index(GOOD_CLASS_WORDS),
        }
    })
}

/// Appends the words of an attribute value to `out`, lowercase, each followed by '-'.
fn push_words(out: &mut String, value: &str) {
    let mut prev_lower = false;
    for c in value.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower {
                out.push('-');
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
            prev_lower = false;
        }
    }
    if !out.ends_with('-') {
        out.push('-');
    }
}

/// Non-whitespace characters of every element's subtree, junk subtrees left out.
fn subtree_sizes(doc: &Html) -> HashMap<NodeId, Size> {
    let order: Vec<NodeRef<'_, Node>> = doc.tree.root().descendants().collect();
    let mut sizes: HashMap<NodeId, Size> =
        HashMap::with_capacity_and_hasher(order.len(), Default::default());
    for node in order.iter().rev() {
        let own = match node.value() {
            Node::Text(t) => Size {
                chars: visible_chars(t) as u32,
                link_chars: 0,
                content_chars: 0,
            },
            Node::Element(e) if JUNK_TAGS.contains(&e.name()) => continue,
            Node::Element(e) => {
                let mut s = sizes.get(&node.id()).copied().unwrap_or_default();
                if e.name() == "a" {
                    s.link_chars = s.chars;
                }
                sizes.insert(node.id(), s);
                if matches!(e.name(), "article" | "main") {
                    s.content_chars = s.chars;
                }
                s
            }
            _ => sizes.get(&node.id()).copied().unwrap_or_default(),
        };
        if let Some(p) = node.parent() {
            let e = sizes.entry(p.id()).or_default();
            e.chars += own.chars;
            e.link_chars += own.link_chars;
            e.content_chars = e.content_chars.max(own.content_chars);
        }
    }
    sizes
}

#[derive(Default)]
struct JsonLd {
    headline: Option<String>,
    published: Option<String>,
    /// datePublished of a WebPage object.
    page_published: Option<String>,
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
        language,
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

/// The headline a reader sees: the first <h1> in the main content, else the first <h1> on
/// the page, else og:title, JSON-LD headline or <title> without the site's name.
fn page_title(doc: &Html, page: &Page<'_>, main: &MainContent, json_ld: &JsonLd) -> String {
    let site = meta_content(doc, "meta[property='og:site_name']");
    let strip = |t: String| strip_site_name(&decode_entities(&t), site.as_deref());
    let declared = meta_content(doc, "meta[property='og:title']")
        .map(strip)
        .or_else(|| json_ld.headline.clone().map(strip))
        .or_else(|| first_text(doc, "title").map(strip));
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
    let agreeing = h1s.iter().find(|b| match &declared {
        Some(d) => in_main(b) || word_share(&fold(&b.text), &fold(d)) >= 0.5,
        None => true,
    });
    agreeing
        .map(|b| b.text.clone())
        .or(declared)
        .or_else(|| h1s.first().map(|b| b.text.clone()))
        .unwrap_or_default()
}

/// "Headline | Site" -> "Headline" when the tail is the site's name (or, without one, when
/// the head is long enough to be a headline on its own).
fn strip_site_name(t: &str, site: Option<&str>) -> String {
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

/// Character references left in JSON-LD and meta strings ("&#8211;", "&amp;").
fn decode_entities(s: &str) -> String {
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

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
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

/// Non-whitespace characters; ASCII bytes are counted without decoding.
fn visible_chars(t: &str) -> usize {
    if t.is_ascii() {
        t.bytes().filter(|b| !b.is_ascii_whitespace()).count()
    } else {
        t.chars().filter(|c| !c.is_whitespace()).count()
    }
}

fn memchr_lt(b: &[u8]) -> Option<usize> {
    memchr::memchr(b'<', b)
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
            x.text.starts_with("Thủ tướng đã có chuyến thăm"),
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

    fn para(s: &str, n: usize) -> String {
        format!("<p>{}</p>", format!("{s} ").repeat(n))
    }

    #[test]
    fn theme_classes_on_the_wrapper_do_not_drop_the_page() {
        // WordPress themes put "sidebar" on <body>; page builders call every block a widget.
        let html = format!(
            r#"<html><body class="single profile-right-sidebar"><div class="elementor-widget-text-editor">{}</div>
            <aside class="sidebar"><a href="/a">Popular post one</a> <a href="/b">Popular post two</a></aside></body></html>"#,
            para(
                "The council approved the new budget after a long debate on Tuesday evening.",
                12
            )
        );
        let x = extract(&html, false);
        assert!(x.text.contains("The council approved"), "{}", x.text);
        assert!(!x.text.contains("Popular post"));
    }

    #[test]
    fn a_sidebar_layout_class_on_the_content_column_does_not_drop_the_article() {
        // Drupal names the main column after the layout ("sidebar-first-only"); the menus and
        // the real sidebar of teaser cards around it outweigh it, so only the <article> inside
        // tells it apart. The sidebar's small <article>s do not save the sidebar.
        let menu: String = (0..60)
            .map(|i| format!(r#"<li><a href="/m{i}">Menu entry number {i} of the site</a></li>"#))
            .collect();
        let cards: String = (0..6)
            .map(|i| {
                format!("<article><p>Teaser {i}: a short summary of another story.</p></article>")
            })
            .collect();
        let html = format!(
            r#"<html><body><nav><ul>{menu}</ul></nav>
            <section class="col-sm-9 sidebar-first-only"><article><div class="content">{}</div></article></section>
            <div class="sidebar">{cards}</div><footer><ul>{menu}</ul></footer></body></html>"#,
            para(
                "Tutors are excited to work with every student who would like some help.",
                8
            )
        );
        let x = extract(&html, false);
        assert!(x.text.contains("Tutors are excited"), "{}", x.text);
        assert!(!x.text.contains("Teaser"), "{}", x.text);
    }

    #[test]
    fn the_marked_article_body_stands_for_its_wrapper() {
        // The subtree score takes the wrapper, trending cards and all; the page names the body.
        let cards: String = (0..4)
            .map(|i| {
                format!("<div><h3>Trending story {i}</h3><p>Another story told in one long teaser sentence here.</p><span>3H ago</span></div>")
            })
            .collect();
        let html = format!(
            r#"<html><body><div class="wrap"><div class="entry-content">{}{}</div>{cards}</div></body></html>"#,
            para(
                "The river rose two metres overnight and the old bridge was closed.",
                8
            ),
            para(
                "Engineers will inspect the piers once the water falls again.",
                8
            )
        );
        let x = extract(&html, false);
        assert!(
            x.text.contains("The river rose") && x.text.contains("Engineers"),
            "{}",
            x.text
        );
        assert!(!x.text.contains("teaser"), "{}", x.text);
    }

    #[test]
    fn comments_are_chrome_under_an_article_and_content_in_a_thread() {
        let comment = |who: &str| {
            format!(
                r#"<div class="comment"><p>{who} wrote: I have a different view on this and would like to explain it at some length here.</p></div>"#
            )
        };
        let article = format!(
            r#"<html><body><article>{}</article><section class="comments">{}{}</section></body></html>"#,
            para(
                "The port reopened on Monday after three weeks of repairs to its main quay.",
                20
            ),
            comment("anna"),
            comment("ben")
        );
        let x = extract(&article, false);
        assert!(x.text.contains("The port reopened") && !x.text.contains("anna wrote"));

        // A short post under a long discussion is still the post.
        let short_post = format!(
            r#"<html><body><article>{}</article><section class="comments">{}</section></body></html>"#,
            para(
                "The port reopened on Monday after three weeks of repairs to its quay.",
                10
            ),
            (0..12)
                .map(|i| comment(&format!("user{i}")))
                .collect::<String>()
        );
        let x = extract(&short_post, false);
        assert!(
            x.text.contains("The port reopened") && !x.text.contains("user3 wrote"),
            "{}",
            x.text
        );

        let thread = format!(
            r#"<html><body><h1>Which tyres for winter?</h1><div class="comment-list">{}</div></body></html>"#,
            (0..12)
                .map(|i| comment(&format!("user{i}")))
                .collect::<String>()
        );
        let x = extract(&thread, false);
        assert!(
            x.text.contains("user0 wrote") && x.text.contains("user11 wrote"),
            "{}",
            x.text
        );
    }

    #[test]
    fn a_listing_keeps_its_links() {
        let items: String = (0..15)
            .map(|i| {
                format!(r#"<div><a href="/item/{i}">Conference number {i} on data</a><p>Add to cart</p></div>"#)
            })
            .collect();
        let html = format!(
            r#"<html><body><nav><a href="/">Home</a></nav><main><h1>Tech conferences</h1>{items}</main>
            <footer>Copyright</footer></body></html>"#
        );
        let x = extract(&html, false);
        assert!(x.text.contains("Conference number 0") && x.text.contains("Conference number 14"));
        assert_eq!(x.text.matches("Add to cart").count(), 1, "{}", x.text);
        assert!(!x.text.contains("Home") && !x.text.contains("Copyright"));
    }

    #[test]
    fn title_skips_a_site_logo_h1_and_strips_the_site_name() {
        let html = format!(
            r#"<html><head><title>Budget vote passes | City Times</title>
            <meta property="og:site_name" content="City Times">
            <meta property="og:title" content="Budget vote passes | City Times"></head>
            <body><header><h1>City Times</h1></header><div>{}</div></body></html>"#,
            para(
                "The council approved the new budget after a long debate on Tuesday evening.",
                12
            )
        );
        assert_eq!(extract(&html, false).title, "Budget vote passes");
        assert_eq!(
            decode_entities("Rock &amp; Roll &#8211; &#x41;&bogus; &"),
            "Rock & Roll – A&bogus; &"
        );
        // Found by cargo fuzz: the entity window once ended inside a character.
        assert_eq!(decode_entities("&ĂĂĂĂĂĂĂĂ;"), "&ĂĂĂĂĂĂĂĂ;");
    }

    #[test]
    fn photo_credits() {
        for credit in [
            "photo: shutterstock",
            "getty images / holger leue",
            "interior design by fletcher rhodes, sonoma ca. photo: thomas kuoh",
            "thủ tướng tại sân bay. (ảnh: ttxvn)",
        ] {
            assert!(is_photo_credit(credit), "{credit}");
        }
        for text in [
            "shutterstock expands deal with openai | techcrunch",
            "secure key vendors (photo, video, florist, entertainment)",
            "the photo: a long paragraph that happens to mention a photo: in the middle of its sentence.",
        ] {
            assert!(!is_photo_credit(text), "{text}");
        }
    }

    #[test]
    fn class_cues_match_whole_words() {
        let doc = Html::parse_fragment(
            r#"<div class="is-promoted" id="a"></div><div class="leftSidebar" id="b"></div>
            <div class="articleComments" id="c"></div><div class="entry-content share" id="d"></div>"#,
        );
        let cue = |id: &str| {
            let sel = Selector::parse(&format!("#{id}")).unwrap();
            class_cue(doc.select(&sel).next().unwrap().value())
        };
        assert_eq!(cue("a"), None);
        assert!(cue("b") == Some(ClassCue::Chrome));
        assert!(cue("c") == Some(ClassCue::Comments));
        assert_eq!(cue("d"), None, "a content word overrides chrome words");
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
