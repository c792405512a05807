//! What the block classifier knows of each block (an HTML text block or a line of a dump), and
//! the hashed features built from it, its neighbours and the page around it.
use rustc_hash::{FxHashMap, FxHashSet};

use super::cues::CREDIT_OR_TIMESTAMP;
use crate::analysis::features::{feature_hash, hash_bytes, hash_str};

/// One block of a page, as the classifier sees it.
#[derive(Debug, Clone, Default)]
pub struct BlockFacts {
    /// The block's text folded (lowercase, single spaces).
    pub key: String,
    /// Words (whitespace-separated).
    pub words: u32,
    /// Non-whitespace characters.
    pub chars: u32,
    /// Non-whitespace characters inside links (HTML only).
    pub link_chars: u32,
    /// The block's tag ("p", "li", "h2"...; "line" for a dump's line).
    pub tag: &'static str,
    /// Hashes of the class and id words of the block's nearest ancestors, with their depth.
    pub path: Vec<u64>,
    /// Where the structural scorer puts the block (HTML): see `Region`.
    pub region: Region,
    /// Leading spaces of a dump line, as the dumper indents nested lists.
    pub indent: u8,
    /// Upper-case letters among the letters, in tenths.
    pub upper_tenths: u8,
    /// Digits among the non-whitespace characters, in tenths.
    pub digit_tenths: u8,
    /// The cue words it shows (see `cues::cues_of`), one bit each.
    pub cues: u8,
}

/// Where the readability-style subtree scorer placed an HTML block.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Region {
    /// A dump line: no structure.
    #[default]
    Unknown,
    /// Outside the best-scoring subtree.
    Outside,
    /// Inside it.
    Inside,
    /// Inside the element the page marks as the article body.
    Body,
    /// Inside, after the last paragraph of prose.
    Tail,
    /// Inside a subtree whose tag or class says boilerplate (nav, footer, "sidebar").
    Chrome,
    /// A page without an article-like subtree (a listing, a shop, a forum): everything
    /// inside its main landmark.
    Listing,
}

impl BlockFacts {
    /// Facts of a line or block of text; the caller fills in what only markup knows.
    pub fn of_text(text: &str, tag: &'static str) -> Self {
        let key = super::super::fold(text);
        let (mut letters, mut upper, mut digits, mut chars) = (0u32, 0u32, 0u32, 0u32);
        for c in text.chars() {
            if c.is_whitespace() {
                continue;
            }
            chars += 1;
            if c.is_alphabetic() {
                letters += 1;
                upper += u32::from(c.is_uppercase());
            } else if c.is_numeric() {
                digits += 1;
            }
        }
        let indent = text.chars().take_while(|c| *c == ' ').count().min(255) as u8;
        let words = key.split(' ').filter(|w| !w.is_empty()).count() as u32;
        BlockFacts {
            cues: super::cues::cues_of(text, &key, words),
            words,
            key,
            chars,
            link_chars: 0,
            tag,
            path: Vec::new(),
            region: Region::Unknown,
            indent,
            upper_tenths: tenths(upper, letters),
            digit_tenths: tenths(digits, chars),
        }
    }

    fn prose(&self) -> bool {
        self.words >= 12 && self.link_chars * 3 < self.chars && ends_sentence(&self.key)
    }
}

fn tenths(part: u32, whole: u32) -> u8 {
    (part * 10)
        .checked_div(whole)
        .map_or(0, |t| t.min(10) as u8)
}

/// Whether a (folded) block ends as a sentence does.
pub(crate) fn ends_sentence(key: &str) -> bool {
    key.trim_end()
        .ends_with(['.', '!', '?', '"', '”', ':', '…', ')', ';'])
}

/// The page around the blocks: what features read beyond one block.
pub struct PageContext<'a> {
    blocks: &'a [BlockFacts],
    /// How often each folded text occurs on the page.
    counts: FxHashMap<&'a str, u32>,
    /// Words of the page's title, when known.
    title_words: FxHashSet<&'a str>,
    /// Index of the first and last prose block.
    first_prose: Option<usize>,
    last_prose: Option<usize>,
    /// Blocks of prose up to each index (prefix sums), for window densities.
    prose_before: Vec<u32>,
    /// The title's line (dumps), once chosen.
    title_at: Option<usize>,
    /// How much of the page's text is prose, 0-4: an article or a page of lists and cards.
    prose_share: u64,
    /// The indent that holds most of a dump's prose (the dumper indents by nesting, so the
    /// article's paragraphs share one and sidebars or comments sit at others).
    prose_indent: Option<u8>,
}

impl<'a> PageContext<'a> {
    /// The context of `blocks`, with the page's title when known (`title_key` folded).
    pub fn new(blocks: &'a [BlockFacts], title_key: &'a str, title_at: Option<usize>) -> Self {
        let mut counts: FxHashMap<&str, u32> = FxHashMap::default();
        for b in blocks {
            *counts.entry(b.key.as_str()).or_default() += 1;
        }
        let mut prose_before = Vec::with_capacity(blocks.len() + 1);
        prose_before.push(0);
        for b in blocks {
            let last = *prose_before.last().unwrap_or(&0);
            prose_before.push(last + u32::from(b.prose()));
        }
        let total: u64 = blocks.iter().map(|b| u64::from(b.chars)).sum();
        let prose: u64 = blocks
            .iter()
            .filter(|b| b.prose())
            .map(|b| u64::from(b.chars))
            .sum();
        let prose_share = match prose * 100 / total.max(1) {
            0..=9 => 0,
            10..=24 => 1,
            25..=44 => 2,
            45..=69 => 3,
            _ => 4,
        };
        let mut by_indent: FxHashMap<u8, u64> = FxHashMap::default();
        for b in blocks.iter().filter(|b| b.prose()) {
            *by_indent.entry(b.indent).or_default() += u64::from(b.chars);
        }
        let prose_indent = by_indent
            .into_iter()
            .max_by_key(|&(indent, chars)| (chars, std::cmp::Reverse(indent)))
            .map(|(indent, _)| indent);
        PageContext {
            prose_share,
            prose_indent,
            blocks,
            counts,
            title_words: title_key.split(' ').filter(|w| w.len() > 1).collect(),
            first_prose: blocks.iter().position(BlockFacts::prose),
            last_prose: blocks.iter().rposition(BlockFacts::prose),
            prose_before,
            title_at,
        }
    }

    /// Bucket of how far an indent is from the prose's (signed; 99 when there is no prose).
    fn indent_from_prose(&self, indent: u8) -> u64 {
        self.prose_indent.map_or(99, |p| {
            let d = i64::from(indent) - i64::from(p);
            let a = match d.unsigned_abs() {
                0 => 0,
                1..=2 => 1,
                3..=5 => 2,
                _ => 3,
            };
            signed(d, a)
        })
    }

    fn prose_in(&self, from: usize, to: usize) -> u32 {
        let to = to.min(self.blocks.len());
        self.prose_before[to] - self.prose_before[from.min(to)]
    }
}

/// Feature templates: fixed ids, so a model file keeps its meaning when templates are added.
#[derive(Clone, Copy)]
#[repr(u64)]
enum T {
    Bias = 1,
    Words,
    End,
    First,
    FirstTwo,
    Last,
    Links,
    Repeats,
    Position,
    Tag,
    TagWords,
    Path,
    Region,
    RegionWords,
    Upper,
    Digits,
    Bars,
    Indent,
    TitleOverlap,
    Neighbour,
    WindowProse,
    ProseDistance,
    TitleSide,
    Verdict,
    VerdictWindow,
    ContentBeforeAfter,
    NextWords,
    FollowOverlap,
    TitleRank,
    Leading,
    EndWords,
    PageProse,
    PageProseRegion,
    BeforeColon,
    InParens,
    Cue,
    SureDistance,
    ProseIndent,
    ProseIndentSpan,
    IndentStep,
    CueAbove,
}

/// The tag of a dump's line.
pub const LINE: &str = "line";

/// A first-layer probability this high is a block the second layer can lean on.
const SURE: f32 = 0.8;

/// Bucket of a word count: 0, 1, 2, 3, 4, 5-6, 7-9, 10-14, 15-24, 25-39, 40-79, 80+.
fn words_bucket(w: u32) -> u64 {
    match w {
        0..=4 => u64::from(w),
        5..=6 => 5,
        7..=9 => 6,
        10..=14 => 7,
        15..=24 => 8,
        25..=39 => 9,
        40..=79 => 10,
        _ => 11,
    }
}

/// Class of a block's last character.
fn end_class(key: &str) -> u64 {
    match key.chars().next_back() {
        Some('.') => 1,
        Some('!' | '?') => 2,
        Some(':') => 3,
        Some('"' | '”' | '\'' | '’') => 4,
        Some(')' | ']') => 5,
        Some('…') => 6,
        Some('|') => 7,
        Some(',' | ';') => 8,
        Some(c) if c.is_numeric() => 9,
        Some(c) if c.is_alphabetic() => 10,
        Some(_) => 11,
        None => 0,
    }
}

/// A signed distance bucket: 0, ±1, ±2, ±3-5, ±6-10, ±11-30, beyond.
fn distance_bucket(d: i64) -> u64 {
    let a = d.unsigned_abs();
    let b = match a {
        0..=2 => a,
        3..=5 => 3,
        6..=10 => 4,
        11..=30 => 5,
        _ => 6,
    };
    signed(d, b)
}

/// A bucket of |d| (below 8) marked with d's sign: before or after, left or right.
fn signed(d: i64, bucket: u64) -> u64 {
    if d < 0 {
        bucket + 8
    } else {
        bucket
    }
}

/// What a block starts with: a digit (a numbered list), a letter, or which other character.
fn leading_class(key: &str) -> u64 {
    key.chars().next().map_or(0, |c| {
        if c.is_numeric() {
            1
        } else if c.is_alphabetic() {
            2
        } else {
            3 + u64::from(c)
        }
    })
}

/// A word's key. In a dump's lines digits read as 0: "29." of a menu and "2." of a numbered
/// paragraph are number shapes, not words to learn one by one (the dump model kept a menu's
/// "29." line for its number). HTML blocks keep the words as they are (the HTML model was
/// measured with and without; docs/experiments.md).
fn word_key(w: &str, in_dump: bool) -> u64 {
    let w = w.trim_matches(|c: char| !c.is_alphanumeric());
    if !in_dump || !w.bytes().any(|b| b.is_ascii_digit()) {
        return hash_str(w);
    }
    // Every ASCII digit read as '0' (never part of a multibyte character in UTF-8).
    hash_bytes(w.bytes().map(|b| if b.is_ascii_digit() { b'0' } else { b }))
}

/// Pushes hashed features into `out`, masked to the model's bits.
struct Sink<'o> {
    out: &'o mut Vec<u32>,
    mask: u64,
    salt: u64,
}

impl Sink<'_> {
    fn add(&mut self, t: T, parts: &[u64]) {
        self.out
            .push((feature_hash(t as u64, self.salt, parts) & self.mask) as u32);
    }
}

/// Facts-only features of block `i` (the first layer).
pub fn block_features(ctx: &PageContext<'_>, i: usize, bits: u8, salt: u64, out: &mut Vec<u32>) {
    let b = &ctx.blocks[i];
    let key = |w: &str| word_key(w, b.tag == LINE);
    let n = ctx.blocks.len();
    let mut s = Sink {
        out,
        mask: (1u64 << bits) - 1,
        salt,
    };
    let wb = words_bucket(b.words);
    let end = end_class(&b.key);
    s.add(T::Bias, &[]);
    s.add(T::Words, &[wb]);
    s.add(T::End, &[end, wb]);
    let mut words = b.key.split(' ');
    let first = words.next().map_or(0, key);
    let second = words.next().map_or(0, key);
    let last = b.key.rsplit(' ').next().map_or(0, key);
    s.add(T::First, &[first]);
    s.add(T::FirstTwo, &[first, second]);
    s.add(T::Last, &[last, wb.min(7)]);
    let links = u64::from(tenths(b.link_chars, b.chars));
    s.add(T::Links, &[links, wb]);
    let repeats = ctx.counts.get(b.key.as_str()).copied().unwrap_or(1).min(4);
    s.add(T::Repeats, &[u64::from(repeats), wb.min(7)]);
    s.add(T::Position, &[(i * 10 / n.max(1)) as u64]);
    s.add(T::Tag, &[hash_str(b.tag)]);
    s.add(T::TagWords, &[hash_str(b.tag), wb]);
    for &p in &b.path {
        s.add(T::Path, &[p]);
    }
    s.add(T::Region, &[b.region as u64]);
    s.add(T::PageProse, &[ctx.prose_share, wb, links / 3, end]);
    s.add(T::PageProseRegion, &[ctx.prose_share, b.region as u64]);
    s.add(T::RegionWords, &[b.region as u64, wb, end]);
    s.add(T::Upper, &[u64::from(b.upper_tenths), wb.min(8)]);
    s.add(T::Digits, &[u64::from(b.digit_tenths), wb.min(8)]);
    s.add(T::Bars, &[b.key.matches('|').count().min(3) as u64]);
    s.add(T::Indent, &[u64::from(b.indent.min(12) / 2), wb.min(6)]);
    // A dump's indents mirror the page's nesting; HTML blocks have none.
    if b.tag == LINE {
        s.add(
            T::ProseIndent,
            &[ctx.indent_from_prose(b.indent), wb.min(7), end],
        );
        let inside = match (ctx.first_prose, ctx.last_prose) {
            (Some(f), Some(l)) => u64::from(i < f) + 2 * u64::from(i > l),
            _ => 9,
        };
        s.add(
            T::ProseIndentSpan,
            &[ctx.indent_from_prose(b.indent), inside, wb.min(7)],
        );
        // Where the dumper's indent steps in or out: the edges of a container.
        let step = |j: Option<&BlockFacts>| {
            j.map_or(3, |o| match o.indent.cmp(&b.indent) {
                std::cmp::Ordering::Less => 0,
                std::cmp::Ordering::Equal => 1,
                std::cmp::Ordering::Greater => 2,
            })
        };
        let prev = i.checked_sub(1).and_then(|j| ctx.blocks.get(j));
        s.add(
            T::IndentStep,
            &[step(prev), step(ctx.blocks.get(i + 1)), wb.min(7), end],
        );
    }
    for bit in 0..8 {
        if b.cues & (1 << bit) != 0 {
            s.add(T::Cue, &[bit, wb.min(8)]);
        }
    }
    // Credits and labels: the word before a colon ("ảnh:", "photo:", "biên dịch:") and the
    // first word in parentheses ("(ảnh", "(ttxvn").
    for (k, at) in b.key.match_indices(':').take(2).enumerate() {
        let before = b.key[..at.0].rsplit(' ').next().map_or(0, key);
        s.add(T::BeforeColon, &[before, k as u64, wb.min(8)]);
    }
    for (k, at) in b.key.match_indices('(').take(2).enumerate() {
        let inside = b.key[at.0 + 1..]
            .split([' ', ')', ':'])
            .next()
            .map_or(0, key);
        s.add(T::InParens, &[inside, k as u64]);
    }
    s.add(T::Leading, &[leading_class(&b.key)]);
    if !ctx.title_words.is_empty() {
        let (mut shared, mut total) = (0, 0);
        for w in b.key.split(' ').filter(|w| w.len() > 1) {
            total += 1;
            shared += usize::from(ctx.title_words.contains(w));
        }
        let overlap = (shared * 4).checked_div(total).map_or(0, |q| q + 1);
        s.add(T::TitleOverlap, &[overlap as u64, wb.min(8)]);
    }
    for d in [-2i64, -1, 1, 2] {
        let j = i as i64 + d;
        let (nwb, nend, nlinks) = if j < 0 || j >= n as i64 {
            (99, 99, 99)
        } else {
            let nb = &ctx.blocks[j as usize];
            (
                words_bucket(nb.words),
                end_class(&nb.key),
                u64::from(tenths(nb.link_chars, nb.chars) / 3),
            )
        };
        s.add(T::Neighbour, &[d as u64, nwb, nend, nlinks]);
    }
    // A dump line under "Tin liên quan", "Đọc thêm", "Xem thêm" (the dump has no markup to
    // say where the list they open ends): the cues of the three lines above.
    if b.tag == LINE {
        for d in 1..=3 {
            let Some(above) = i.checked_sub(d).map(|j| &ctx.blocks[j]) else {
                break;
            };
            let cues = above.cues & !CREDIT_OR_TIMESTAMP;
            for bit in (0..8).filter(|bit| cues & (1 << bit) != 0) {
                s.add(T::CueAbove, &[bit, d as u64, wb.min(8)]);
            }
        }
    }
    let around = ctx.prose_in(i.saturating_sub(5), i + 6);
    s.add(T::WindowProse, &[u64::from(around.min(8)), wb.min(7)]);
    let distance = |p: Option<usize>| p.map_or(99, |p| distance_bucket(i as i64 - p as i64));
    s.add(
        T::ProseDistance,
        &[distance(ctx.first_prose), distance(ctx.last_prose)],
    );
    if let Some(t) = ctx.title_at {
        s.add(T::TitleSide, &[distance_bucket(i as i64 - t as i64)]);
    }
}

/// Second-layer features of block `i`: the first layer's verdicts around it (probabilities).
pub fn verdict_features(probs: &[f32], i: usize, bits: u8, salt: u64, out: &mut Vec<u32>) {
    let mut s = Sink {
        out,
        mask: (1u64 << bits) - 1,
        salt,
    };
    let n = probs.len();
    let bucket = |p: f32| (p * 5.0).clamp(0.0, 4.0) as u64;
    for d in -3i64..=3 {
        let j = i as i64 + d;
        let v = if j < 0 || j >= n as i64 {
            9
        } else {
            bucket(probs[j as usize])
        };
        s.add(T::Verdict, &[d as u64, v]);
    }
    let (lo, hi) = (i.saturating_sub(6), (i + 7).min(n));
    let mean = probs[lo..hi].iter().sum::<f32>() / (hi - lo) as f32;
    s.add(T::VerdictWindow, &[bucket(mean), bucket(probs[i])]);
    // How far the block is from the nearest blocks the first layer is sure of, on each side:
    // lists after the article's last sure paragraph are the page's, not the article's.
    let sure = |p: &f32| *p > SURE;
    let back = probs[..i]
        .iter()
        .rev()
        .position(sure)
        .map_or(99, |d| distance_bucket(d as i64 + 1));
    let ahead = probs[i + 1..]
        .iter()
        .position(sure)
        .map_or(99, |d| distance_bucket(d as i64 + 1));
    s.add(T::SureDistance, &[back, ahead, bucket(probs[i])]);
    let before = probs[..i].iter().any(|p| *p > 0.5);
    let after = probs[i + 1..].iter().any(|p| *p > 0.5);
    s.add(
        T::ContentBeforeAfter,
        &[u64::from(before), u64::from(after), bucket(probs[i])],
    );
}

/// Features of line `i` of a dump as a headline candidate.
pub fn title_features(
    ctx: &PageContext<'_>,
    i: usize,
    rank: usize,
    bits: u8,
    salt: u64,
    out: &mut Vec<u32>,
) {
    let b = &ctx.blocks[i];
    let key = |w: &str| word_key(w, b.tag == LINE);
    let mut s = Sink {
        out,
        mask: (1u64 << bits) - 1,
        salt,
    };
    let wb = words_bucket(b.words);
    s.add(T::Bias, &[]);
    s.add(T::Words, &[wb]);
    s.add(T::End, &[end_class(&b.key)]);
    let first = b.key.split(' ').next().map_or(0, key);
    s.add(T::First, &[first]);
    s.add(T::Upper, &[u64::from(b.upper_tenths)]);
    s.add(T::Digits, &[u64::from(b.digit_tenths)]);
    s.add(T::Bars, &[b.key.matches('|').count().min(3) as u64]);
    s.add(T::Indent, &[u64::from(b.indent.min(12) / 2)]);
    let repeats = ctx.counts.get(b.key.as_str()).copied().unwrap_or(1).min(4);
    s.add(T::Repeats, &[u64::from(repeats)]);
    // Only the first candidates' rank: where a headline sits varies by site.
    s.add(T::TitleRank, &[rank.min(3) as u64]);
    s.add(T::Leading, &[leading_class(&b.key)]);
    let distance = |p: Option<usize>| p.map_or(99, |p| distance_bucket(i as i64 - p as i64));
    s.add(T::ProseDistance, &[distance(ctx.first_prose)]);
    for d in 1..=3 {
        let nb = ctx.blocks.get(i + d);
        s.add(
            T::NextWords,
            &[
                d as u64,
                nb.map_or(99, |b| words_bucket(b.words)),
                nb.map_or(99, |b| end_class(&b.key)),
            ],
        );
    }
    if i > 0 {
        let pb = &ctx.blocks[i - 1];
        s.add(T::Neighbour, &[words_bucket(pb.words), end_class(&pb.key)]);
    }
    // A headline's words come back in the lead and body that follow it.
    let own: FxHashSet<&str> = b.key.split(' ').filter(|w| w.chars().count() > 2).collect();
    if !own.is_empty() {
        let mut seen: FxHashSet<&str> = FxHashSet::default();
        for nb in ctx.blocks[i + 1..]
            .iter()
            .take(12)
            .filter(|b| b.words >= 12)
        {
            seen.extend(nb.key.split(' ').filter(|w| own.contains(w)));
        }
        s.add(
            T::FollowOverlap,
            &[(seen.len() * 5 / own.len()) as u64, wb.min(8)],
        );
    }
    s.add(T::EndWords, &[b.key.rsplit(' ').next().map_or(0, key)]);
    s.add(
        T::WindowProse,
        &[u64::from(ctx.prose_in(i + 1, i + 6).min(5))],
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dump_line_is_placed_against_the_indent_of_the_page_prose() {
        let prose =
            "Đây là một đoạn văn dài của bài báo, có đủ chữ để được coi là văn xuôi của trang.";
        let lines = [
            "  * Trang chủ".to_string(),
            format!("        {prose}"),
            format!("        {prose} Thêm một câu nữa."),
            "          * Tin liên quan".to_string(),
            "  Một đoạn ở thanh bên cũng kết thúc bằng dấu chấm, dài như văn xuôi.".to_string(),
        ];
        let blocks: Vec<BlockFacts> = lines
            .iter()
            .map(|l| BlockFacts::of_text(l, "line"))
            .collect();
        let ctx = PageContext::new(&blocks, "", None);
        assert_eq!(ctx.prose_indent, Some(8));
        let rel: Vec<u64> = blocks
            .iter()
            .map(|b| ctx.indent_from_prose(b.indent))
            .collect();
        // Menu and sidebar 6 to the left, the article's own lines at its indent, a nested list
        // 2 to the right.
        assert_eq!(rel, [11, 0, 0, 1, 11]);
        // HTML blocks carry no indent, so they get none of the dump-only features.
        let html = BlockFacts::of_text(prose, "p");
        let dump = BlockFacts::of_text(&lines[1], "line");
        let features = |b: &BlockFacts| {
            let page = [b.clone()];
            let ctx = PageContext::new(&page, "", None);
            let mut out = Vec::new();
            block_features(&ctx, 0, 18, 1, &mut out);
            out.len()
        };
        assert_eq!(features(&dump), features(&html) + 3);
    }
}
