//! The page's blocks as the block model sees them: text facts plus what the markup says (tag,
//! class and id words of the nearest ancestors, links, where the subtree scorer put them).
use super::*;
use crate::analysis::extract::classifier::{BlockFacts, Region};
use crate::analysis::features::{hash_str, mix};

/// Ancestors whose tag and class words the model reads, nearest first.
const PATH_DEPTH: usize = 4;
/// Class and id words read per element.
const WORDS_PER_ELEMENT: usize = 4;

/// Facts of every block of the page, in page order, and whether each sits in a <figcaption>.
pub(super) fn block_facts_of(
    page: &Page<'_>,
    main: &MainContent,
    tail_from: usize,
) -> (Vec<BlockFacts>, Vec<bool>) {
    let mut facts = Vec::with_capacity(page.blocks.len());
    let mut figcaption = Vec::with_capacity(page.blocks.len());
    let mut words = String::new();
    for (bi, blk) in page.blocks.iter().enumerate() {
        let mut f = BlockFacts::of_text(&blk.text, blk.tag);
        f.indent = 0;
        f.chars = blk.chars as u32;
        f.link_chars = blk.link_chars as u32;
        f.region = region_of(blk, bi, main, tail_from);
        if let Some(chrome) = blk.dropped {
            f.region = Region::Chrome;
            f.path.push(hash_str(chrome.cue));
        }
        if blk.in_comments {
            f.path.push(hash_str("in comments"));
            if main.comments_are_content {
                f.path.push(hash_str("comments are the content"));
            }
        }
        // A caption's paragraphs sit deep in <figure>: say so whatever the depth.
        let (in_figure, in_figcaption) = figure_ancestry(page, blk);
        if in_figure {
            f.path.push(hash_str("in a figure or caption"));
        }
        figcaption.push(in_figcaption);
        for (depth, id) in blk.ancestors.iter().take(PATH_DEPTH).enumerate() {
            let Some(node) = page.doc.tree.get(*id) else {
                continue;
            };
            let Node::Element(el) = node.value() else {
                continue;
            };
            let d = depth as u64;
            f.path.push(mix(hash_str(el.name()), d));
            words.clear();
            for attr in ["class", "id"] {
                if let Some(v) = el.attr(attr) {
                    push_words(&mut words, v);
                }
            }
            for w in words
                .split('-')
                .filter(|w| w.len() >= 3 && !w.bytes().all(|b| b.is_ascii_digit()))
                .take(WORDS_PER_ELEMENT)
            {
                f.path.push(mix(hash_str(w), 100 + d.min(2)));
            }
        }
        facts.push(f);
    }
    (facts, figcaption)
}

fn region_of(blk: &TextBlock, bi: usize, main: &MainContent, tail_from: usize) -> Region {
    if main.layout == Layout::Page {
        return if main.roots.is_empty() || main.roots.iter().any(|c| blk.ancestors.contains(c)) {
            Region::Listing
        } else {
            Region::Outside
        };
    }
    let under = |ids: &[NodeId]| ids.iter().any(|c| blk.ancestors.contains(c));
    if !under(&main.roots) && !under(&main.scored) {
        Region::Outside
    } else if bi >= tail_from {
        Region::Tail
    } else if under(&main.roots) && main.roots != main.scored {
        Region::Body
    } else {
        Region::Inside
    }
}

/// Whether the block sits inside a <figure>, <figcaption> or table <caption>, and whether
/// inside a <figcaption>, at any depth (one walk up the tree).
fn figure_ancestry(page: &Page<'_>, blk: &TextBlock) -> (bool, bool) {
    let (mut figure, mut figcaption) = (false, false);
    for id in &blk.ancestors {
        if let Some(Node::Element(e)) = page.doc.tree.get(*id).map(|n| n.value()) {
            match e.name() {
                "figcaption" => (figure, figcaption) = (true, true),
                "figure" | "caption" => figure = true,
                _ => {}
            }
        }
    }
    (figure, figcaption)
}
