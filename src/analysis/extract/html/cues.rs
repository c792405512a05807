//! What tags and class/id/role words say about an element: never content, boilerplate,
//! comment threads, the article itself.

use crate::analysis::extract::BlockKind;

/// Never content.
pub(super) const JUNK_TAGS: &[&str] = &[
    "script", "style", "iframe", "svg", "button", "select", "template", "head", "dialog", "canvas",
    "object", "embed", "video", "audio", "input", "textarea", "math",
];

/// Usually boilerplate, unless they hold most of the page (see `BOILERPLATE_MAX_SHARE`).
pub(super) const BOILERPLATE_TAGS: &[&str] = &[
    "nav", "footer", "aside", "form", "menu", "header", "noscript",
];

/// Elements that do not break a line of text.
pub(super) const INLINE_TAGS: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "kbd",
    "label", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "tt", "u",
    "var", "img", "picture", "wbr", "del", "ins", "strike", "big", "nobr",
];

pub(super) const BLOCK_TAGS: &[&str] = &[
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
pub(super) const BAD_CLASS_WORDS: &[&str] = &[
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
pub(super) const COMMENT_CLASS_WORDS: &[&str] = &[
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
pub(super) const GOOD_CLASS_WORDS: &[&str] = &[
    "article", "content", "main", "post", "entry", "story", "body", "text", "prose",
];

/// Markup naming the article body itself.
pub(super) fn marks_body(el: &scraper::node::Element) -> bool {
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

/// What an element's class, id or role says about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ClassCue {
    /// Menus, share bars, related lists, ads...: the cue that matched (from BAD_CLASS_WORDS).
    Chrome(&'static str),
    /// Readers' comments: chrome under an article, the content of a forum thread.
    Comments,
}

pub(super) fn class_cue(el: &scraper::node::Element) -> Option<ClassCue> {
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
    // The first cue (a run of words) that occurs in `words`.
    let found = |table: &CueTable| {
        words.iter().enumerate().find_map(|(i, w)| {
            table.get(w)?.iter().find_map(|(tail, cue)| {
                (words.get(i + 1..i + 1 + tail.len()) == Some(tail.as_slice())).then_some(*cue)
            })
        })
    };
    if found(&cues.comments).is_some() {
        return Some(ClassCue::Comments);
    }
    if found(&cues.good).is_some() {
        return None;
    }
    found(&cues.bad).map(ClassCue::Chrome)
}

/// Cues by their first word: the rest of each cue's words, and the whole cue.
type CueTable = rustc_hash::FxHashMap<&'static str, Vec<(Vec<&'static str>, &'static str)>>;

/// The class cue lists indexed by their first word.
pub(super) struct ClassCues {
    pub(super) comments: CueTable,
    pub(super) bad: CueTable,
    pub(super) good: CueTable,
}

pub(super) fn class_cues() -> &'static ClassCues {
    static CUES: std::sync::OnceLock<ClassCues> = std::sync::OnceLock::new();
    CUES.get_or_init(|| {
        let index = |list: &[&'static str]| {
            let mut m = CueTable::default();
            for cue in list {
                let mut parts = cue.split('-');
                let first = parts.next().unwrap_or_default();
                m.entry(first).or_default().push((parts.collect(), *cue));
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

/// What a boilerplate subtree is, from its tag, for readers of the removed blocks.
pub(super) fn chrome_of_tag(tag: &str) -> (BlockKind, &'static str) {
    match tag {
        "nav" | "menu" => (BlockKind::Nav, "inside <nav> or <menu>"),
        "header" => (BlockKind::Nav, "page header (<header>)"),
        "aside" => (BlockKind::Widget, "aside (<aside>)"),
        "form" => (BlockKind::Widget, "inside a form"),
        "footer" => (BlockKind::Boilerplate, "page footer (<footer>)"),
        _ => (BlockKind::Boilerplate, "boilerplate tag"),
    }
}

/// What a boilerplate subtree is, from the class cue that marked it.
pub(super) fn chrome_of_class(cue: &str) -> (BlockKind, &'static str) {
    match cue {
        "share" | "sharing" | "sharebar" | "share-buttons" | "social" | "socials"
        | "social-links" => (BlockKind::Widget, "share or social buttons (class)"),
        "related" | "related-posts" | "relatedposts" | "related-articles" | "recommend"
        | "recommended" | "most-read" | "most-popular" | "mostread" | "trending"
        | "tin-lien-quan" | "lienquan" | "tinlienquan" | "box-tin" => (
            BlockKind::Related,
            "related or recommended articles (class)",
        ),
        "sidebar" | "side-bar" => (BlockKind::Widget, "sidebar (class)"),
        "menu" | "navbar" | "nav" | "navigation" | "breadcrumb" | "breadcrumbs" | "pagination"
        | "pager" | "tags" | "tag-list" | "tag-cloud" | "skip-link" => {
            (BlockKind::Nav, "menu, navigation or tag list (class)")
        }
        "footer" => (BlockKind::Boilerplate, "page footer (class)"),
        "advert" | "advertisement" | "ad" | "ads" | "adsense" | "sponsored" | "promo"
        | "outbrain" | "taboola" => (BlockKind::Widget, "advertising (class)"),
        "cookie" | "cookies" | "consent" | "popup" | "modal" | "newsletter" | "subscribe"
        | "subscription" | "signup" | "sign-up" | "login" => (
            BlockKind::Widget,
            "cookie notice, sign-up or pop-up (class)",
        ),
        "author-box" => (BlockKind::Byline, "author box (class)"),
        "screen-reader-text" | "sr-only" | "visually-hidden" | "print-only" => {
            (BlockKind::Boilerplate, "hidden or print-only text (class)")
        }
        _ => (BlockKind::Boilerplate, "boilerplate class"),
    }
}

/// Appends the words of an attribute value to `out`, lowercase, each followed by '-'.
pub(super) fn push_words(out: &mut String, value: &str) {
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
