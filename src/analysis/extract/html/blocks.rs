//! The page as paragraph-like text blocks, each with its element's ancestors, plus the text
//! size of every element's subtree.
use super::*;

pub(super) struct TextBlock {
    pub(super) tag: &'static str,
    pub(super) text: String,
    /// Non-whitespace characters of `text`, and how many of them sit inside links.
    pub(super) chars: usize,
    pub(super) link_chars: usize,
    /// The element holding the block and its ancestors, nearest first.
    pub(super) ancestors: Vec<NodeId>,
    /// Set when the block sits in a subtree marked boilerplate by its tag or class.
    pub(super) dropped: Option<Chrome>,
    /// Inside an element marked as a comment thread.
    pub(super) in_comments: bool,
}

/// A subtree marked boilerplate: the block model's cue ("boilerplate tag" or "boilerplate
/// class", as trained) and what it is for readers of the removed blocks.
#[derive(Debug, Clone, Copy)]
pub(super) struct Chrome {
    pub(super) cue: &'static str,
    pub(super) kind: BlockKind,
    pub(super) reason: &'static str,
}

/// Text size of an element's subtree (junk subtrees left out).
#[derive(Clone, Copy, Default)]
pub(super) struct Size {
    pub(super) chars: u32,
    pub(super) link_chars: u32,
    /// Text of the largest <article> or <main> element inside (or this one).
    pub(super) content_chars: u32,
}

/// The page as paragraph-like blocks plus the text size of every element.
pub(super) struct Page<'a> {
    pub(super) doc: &'a Html,
    pub(super) blocks: Vec<TextBlock>,
    pub(super) sizes: HashMap<NodeId, Size>,
    pub(super) total_chars: u32,
    /// Elements with a block-level element inside: a <li> or <td> holding <div>s or <p>s is
    /// a container of blocks (a forum post, an old table layout), not one block.
    pub(super) holds_blocks: rustc_hash::FxHashSet<NodeId>,
}

/// An element whose class or tag says boilerplate is dropped only when it holds less than this
/// share of the page's text: themes put "sidebar" or "navbar" classes on <body> or on the
/// wrapper of everything, and ASP.NET pages sit inside one <form>.
pub(super) const BOILERPLATE_MAX_SHARE: f64 = 0.5;

impl<'a> Page<'a> {
    pub(super) fn read(doc: &'a Html) -> Self {
        let sizes = subtree_sizes(doc);
        let total_chars = sizes.get(&doc.tree.root().id()).map_or(0, |s| s.chars);
        let mut page = Page {
            doc,
            blocks: Vec::new(),
            sizes,
            total_chars,
            holds_blocks: elements_holding_blocks(doc),
        };
        page.collect_blocks();
        page
    }

    pub(super) fn size(&self, id: NodeId) -> Size {
        self.sizes.get(&id).copied().unwrap_or_default()
    }

    /// Does one <article> or <main> hold most of the element's text? Layout classes name the
    /// column beside a sidebar ("col-sm-9 sidebar-first-only"); a sidebar of teaser cards holds
    /// many small <article>s.
    pub(super) fn mostly_content(&self, id: NodeId) -> bool {
        let s = self.size(id);
        s.chars > 0 && f64::from(s.content_chars) >= 0.5 * f64::from(s.chars)
    }

    /// Why the element is boilerplate, if it is.
    pub(super) fn boilerplate(
        &self,
        node: NodeRef<'_, Node>,
        el: &scraper::node::Element,
    ) -> Option<Chrome> {
        let name = el.name();
        if name == "body" || name == "html" {
            return None;
        }
        // An article's own <header> holds its title and standfirst.
        let article_header = name == "header"
            && node.ancestors().any(
                |a| matches!(a.value(), Node::Element(e) if e.name() == "article" || e.name() == "main"),
            );
        let chrome = if BOILERPLATE_TAGS.contains(&name) && !article_header {
            let (kind, reason) = chrome_of_tag(name);
            Chrome {
                cue: "boilerplate tag",
                kind,
                reason,
            }
        } else if let (Some(ClassCue::Chrome(cue)), false) =
            (class_cue(el), self.mostly_content(node.id()))
        {
            let (kind, reason) = chrome_of_class(cue);
            Chrome {
                cue: "boilerplate class",
                kind,
                reason,
            }
        } else {
            return None;
        };
        let share = f64::from(self.size(node.id()).chars) / f64::from(self.total_chars.max(1));
        (share < BOILERPLATE_MAX_SHARE).then_some(chrome)
    }

    /// Paragraph-like blocks in document order, skipping junk subtrees; blocks inside a
    /// boilerplate subtree (nav, footer, "sidebar") carry its reason in `dropped`: the
    /// subtree scorer ignores them, the block model may still keep them (forum posts sit in a
    /// <form>). Iterative: no recursion on the tree depth.
    pub(super) fn collect_blocks(&mut self) {
        let doc = self.doc;
        let mut out = Vec::new();
        // Each node with whether it sits inside a comment thread and a boilerplate subtree.
        let mut stack: Vec<(NodeRef<'_, Node>, bool, Option<Chrome>)> =
            vec![(doc.tree.root(), false, None)];
        // Loose text directly inside a container (e.g. <div>text<br>text</div>), merged per parent.
        let mut loose: Option<Loose> = None;
        while let Some((node, in_comments, chrome)) = stack.pop() {
            match node.value() {
                Node::Element(el) => {
                    let name = el.name();
                    if JUNK_TAGS.contains(&name) {
                        continue;
                    }
                    let chrome = chrome.or_else(|| self.boilerplate(node, el));
                    let leaf = !self.holds_blocks.contains(&node.id());
                    if let Some(tag) = BLOCK_TAGS.iter().find(|t| **t == name).filter(|_| leaf) {
                        flush(&mut loose, doc, &mut out);
                        for (text, chars, link_chars) in block_lines(node) {
                            out.push(TextBlock {
                                tag,
                                text,
                                chars,
                                link_chars,
                                ancestors: ancestors(node),
                                dropped: chrome,
                                in_comments,
                            });
                        }
                        continue;
                    }
                    if !INLINE_TAGS.contains(&name) {
                        flush(&mut loose, doc, &mut out);
                    }
                    let in_comments = in_comments || class_cue(el) == Some(ClassCue::Comments);
                    stack.extend(node.children().rev().map(|c| (c, in_comments, chrome)));
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
                                chrome,
                            });
                        }
                        _ => {}
                    }
                }
                _ => {
                    stack.extend(node.children().rev().map(|c| (c, in_comments, chrome)));
                }
            }
        }
        flush(&mut loose, doc, &mut out);
        self.blocks = out;
    }
}

/// Marks link text with a private-use character pair so `flush` can count it.
pub(super) fn push_marked(buf: &mut String, s: &str, link: bool) {
    if link {
        buf.push(LINK_OPEN);
        buf.push_str(s);
        buf.push(LINK_CLOSE);
    } else {
        buf.push_str(s);
    }
}

pub(super) const LINK_OPEN: char = '\u{E000}';
pub(super) const LINK_CLOSE: char = '\u{E001}';

/// Text gathered for one block-holding element, links marked with `push_marked`.
pub(super) struct Loose {
    pub(super) holder: NodeId,
    pub(super) text: String,
    pub(super) in_comments: bool,
    pub(super) chrome: Option<Chrome>,
}

pub(super) fn flush(loose: &mut Option<Loose>, doc: &Html, out: &mut Vec<TextBlock>) {
    let Some(Loose {
        holder,
        text: marked,
        in_comments,
        chrome,
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
        dropped: chrome,
        in_comments,
    });
}

pub(super) fn ancestors(node: NodeRef<'_, Node>) -> Vec<NodeId> {
    std::iter::once(node.id())
        .chain(node.ancestors().map(|a| a.id()))
        .collect()
}

/// The text of a block element as one block (text, non-whitespace characters, how many sit
/// inside links), or one block per line when it is a list of links laid out with <br> (an
/// old portal's menu or "Các tin khác" cell): there each line is a headline of its own, as
/// the same list in <li>s or a page dump would be, and the whole cell read as one block looks
/// like a long paragraph.
pub(super) fn block_lines(node: NodeRef<'_, Node>) -> Vec<(String, usize, usize)> {
    let (raw, chars, link_chars, lines) = block_text(node);
    // Counted without collecting: almost every block is one line.
    let lines = || lines.iter().filter(|l| l.chars > 0);
    let (n, linked) = lines().fold((0, 0), |(n, k), l| {
        (n + 1, k + usize::from(2 * l.link_chars >= l.chars))
    });
    if n >= LINK_LIST_MIN_LINES && 3 * linked >= 2 * n {
        lines()
            .map(|l| (squash(&raw[l.text.clone()]), l.chars, l.link_chars))
            .collect()
    } else if chars > 0 {
        vec![(squash(&raw), chars, link_chars)]
    } else {
        Vec::new()
    }
}

/// Lines (between <br>s) a block needs to be read as a list of links.
const LINK_LIST_MIN_LINES: usize = 3;

/// One <br>-separated line of a block: where it sits in the block's raw text, its characters
/// and link characters.
#[derive(Default)]
struct BrLine {
    text: std::ops::Range<usize>,
    chars: usize,
    link_chars: usize,
}

/// Raw text of a block element (whitespace as in the page), its non-whitespace characters,
/// how many sit inside links, and the same per line between <br>s.
fn block_text(node: NodeRef<'_, Node>) -> (String, usize, usize, Vec<BrLine>) {
    let mut text = String::new();
    let (mut chars, mut link_chars) = (0, 0);
    let mut lines = vec![BrLine::default()];
    // Iterative walk that skips junk subtrees and tracks link depth.
    let mut stack: Vec<(NodeRef<'_, Node>, bool)> =
        node.children().rev().map(|c| (c, false)).collect();
    while let Some((n, in_link)) = stack.pop() {
        match n.value() {
            Node::Text(t) => {
                let c = visible_chars(t);
                chars += c;
                let line = lines.last_mut().expect("one line at least");
                line.chars += c;
                if in_link {
                    link_chars += c;
                    line.link_chars += c;
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
                if name == "br" {
                    lines.push(BrLine {
                        text: text.len()..text.len(),
                        ..BrLine::default()
                    });
                }
                let link = in_link || name == "a";
                stack.extend(n.children().rev().map(|c| (c, link)));
            }
            _ => {}
        }
        lines.last_mut().expect("one line at least").text.end = text.len();
    }
    (text, chars, link_chars, lines)
}

/// Elements with a block-level element (not inline, not junk) among their descendants.
pub(super) fn elements_holding_blocks(doc: &Html) -> rustc_hash::FxHashSet<NodeId> {
    let mut out = rustc_hash::FxHashSet::default();
    for node in doc.tree.root().descendants() {
        let Node::Element(e) = node.value() else {
            continue;
        };
        let name = e.name();
        if INLINE_TAGS.contains(&name) || JUNK_TAGS.contains(&name) || name == "br" {
            continue;
        }
        // Mark the ancestors up to one already marked (its ancestors are marked too).
        for a in node.ancestors() {
            if !out.insert(a.id()) {
                break;
            }
        }
    }
    out
}

/// Non-whitespace characters of every element's subtree, junk subtrees left out.
pub(super) fn subtree_sizes(doc: &Html) -> HashMap<NodeId, Size> {
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
