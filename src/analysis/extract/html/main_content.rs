//! Which part of the page is its main content: the element marked as the article body, the
//! best-scoring subtree, or the whole page for listings.
use super::*;

impl Page<'_> {
    /// The element holding the main content: the one whose text is most content-like and least
    /// chrome-like. A block of sentence-length text with few links counts for its element and
    /// every ancestor; link text and short fragments count against them. The best subtree is
    /// the article body on a news page and the whole list on a page of many small cards.
    pub(super) fn main_content(&self) -> MainContent {
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
    pub(super) fn visible_date(&self, main: &MainContent, order: dates::Order) -> Option<String> {
        let live: Vec<&TextBlock> = self.blocks.iter().filter(|b| b.dropped.is_none()).collect();
        let start = live
            .iter()
            .position(|b| {
                main.scored.is_empty() || main.scored.iter().any(|r| b.ancestors.contains(r))
            })
            .unwrap_or(0);
        let short_date = |b: &&&TextBlock| b.chars <= DATE_LINE_MAX_CHARS;
        live[start.saturating_sub(BYLINE_BEFORE)..live.len().min(start + BYLINE_AFTER)]
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
    pub(super) fn landmark_main(&self) -> Option<NodeId> {
        let min = LANDMARK_MIN_SHARE * f64::from(self.total_chars);
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
    pub(super) fn marked_body(
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
    pub(super) fn best_subtree(&self, value: impl Fn(&TextBlock) -> f64) -> Option<NodeId> {
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
pub(super) const MIN_PROSE_CHARS: usize = 40;
pub(super) const CHROME_WEIGHT: f64 = 0.5;
/// A page whose best subtree holds less prose than this is not an article.
pub(super) const MIN_ARTICLE_CHARS: usize = 1000;

/// Prose enough for an article when the page marks a comment thread beside it: a short blog
/// post followed by a long discussion is still the post (a forum thread's opening message is
/// usually shorter, or its replies are not marked as comments).
pub(super) const MIN_COMMENTED_ARTICLE_CHARS: usize = 500;

/// Share of the article's prose that an element marked as its body must hold to stand for it
/// (on WCXB dev 0.9 / 0.8 / 0.6 / 0.4 give 0.906 / 0.908 / 0.910 / 0.910, ScrapingHub 0.902 /
/// 0.906 / 0.911 / 0.915 with recall falling: 0.6 keeps recall).
pub(super) const BODY_SHARE: f64 = 0.6;

/// A block that says where the article is published holds at most this many characters.
const DATE_LINE_MAX_CHARS: usize = 120;
/// The byline area: this many blocks before the main content's first ...
const BYLINE_BEFORE: usize = 8;
/// ... and this many from it.
const BYLINE_AFTER: usize = 12;
/// A page's <main> stands for its content when it holds this share of the page's text.
const LANDMARK_MIN_SHARE: f64 = 0.25;
/// Prose has fewer links than this many tenths of its characters.
const PROSE_MAX_LINK_TENTHS: usize = 3;

/// Sentence-length text, mostly not links.
pub(super) fn prose_like(b: &TextBlock) -> bool {
    b.chars >= MIN_PROSE_CHARS && b.link_chars * 10 < b.chars * PROSE_MAX_LINK_TENTHS
}

pub(super) struct MainContent {
    /// Elements holding the content; empty on a `Layout::Page` page means the whole page.
    pub(super) roots: Vec<NodeId>,
    /// The best-scoring elements, which `roots` may narrow to the marked article body: the
    /// headline and the byline sit around the body.
    pub(super) scored: Vec<NodeId>,
    pub(super) layout: Layout,
    pub(super) comments_are_content: bool,
}

/// What kind of page the main content looks like.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Layout {
    /// Paragraphs of prose: links and fragments inside it are chrome.
    Article,
    /// Lists, cards, specifications, posts: short and linked text is content.
    Page,
}
