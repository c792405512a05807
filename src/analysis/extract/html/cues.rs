//! What tags and class/id/role words say about an element: never content, boilerplate,
//! comment threads, the article itself.

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
    /// Menus, share bars, related lists, ads...
    Chrome,
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
pub(super) struct ClassCues {
    pub(super) comments: rustc_hash::FxHashMap<&'static str, Vec<Vec<&'static str>>>,
    pub(super) bad: rustc_hash::FxHashMap<&'static str, Vec<Vec<&'static str>>>,
    pub(super) good: rustc_hash::FxHashMap<&'static str, Vec<Vec<&'static str>>>,
}

pub(super) fn class_cues() -> &'static ClassCues {
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
