//! Boilerplate removal: the article's title, main text and metadata from an HTML page or a
//! plain-text page dump.
pub mod classifier;
pub mod dates;
pub mod html;
pub mod text_dump;

/// One piece of the page as the extractor classified it. Kept blocks have offsets into
/// `Extracted::text`; removed blocks carry their own text and a reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    /// What the block is.
    pub kind: BlockKind,
    /// Whether it is part of the main text.
    pub kept: bool,
    /// Byte range into `Extracted::text` (kept blocks only).
    pub range: std::ops::Range<usize>,
    /// The block's text (removed blocks only; kept ones are in the main text).
    pub text: String,
    /// Why it was removed (empty for kept blocks).
    pub reason: &'static str,
}

/// What a block of the page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    /// The headline.
    Title,
    /// The lead paragraph.
    Lead,
    /// A paragraph of the body.
    Body,
    /// A subheading.
    Heading,
    /// A list item.
    List,
    /// A table cell.
    Table,
    /// A photo caption or credit.
    Caption,
    /// A byline or timestamp line.
    Byline,
    /// A source credit ("(TTXVN/Vietnam+)").
    Source,
    /// Related articles and their links.
    Related,
    /// Navigation.
    Nav,
    /// A widget: share, follow, log in, comments.
    Widget,
    /// A view counter or a line of numbers.
    Counter,
    /// Gambling or lottery advertising.
    Spam,
    /// Any other boilerplate.
    Boilerplate,
}

impl BlockKind {
    /// The kind as the API writes it ("caption").
    pub fn as_str(self) -> &'static str {
        match self {
            BlockKind::Title => "title",
            BlockKind::Lead => "lead",
            BlockKind::Body => "body",
            BlockKind::Heading => "heading",
            BlockKind::List => "list",
            BlockKind::Table => "table",
            BlockKind::Caption => "caption",
            BlockKind::Byline => "byline",
            BlockKind::Source => "source",
            BlockKind::Related => "related",
            BlockKind::Nav => "nav",
            BlockKind::Widget => "widget",
            BlockKind::Counter => "counter",
            BlockKind::Spam => "spam",
            BlockKind::Boilerplate => "boilerplate",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
/// What the page says about the article.
pub struct Metadata {
    /// The author or byline name.
    pub author: Option<String>,
    /// ISO 8601 as the page gave it, or built from a Vietnamese "dd/mm/yyyy hh:mm" line.
    pub published: Option<String>,
    /// News agencies and papers credited as sources.
    pub source_credits: Vec<String>,
    /// The page's canonical URL.
    pub canonical_url: Option<String>,
    /// The language of the main text as identified ("vi", "en"), or the page's declaration
    /// when the text is too short to tell (set by the pipeline).
    pub language: Option<String>,
    /// The language the page declares (`<html lang>`).
    pub declared_language: Option<String>,
    /// The page's description (meta or OpenGraph).
    pub description: Option<String>,
    /// The site's name.
    pub site_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
/// What extraction found: title, main text, blocks and metadata.
pub struct Extracted {
    /// The headline.
    pub title: String,
    /// Main text: paragraphs separated by '\n', NFC. A page dump's title line is part of it;
    /// an HTML page's title is only in `title`.
    pub text: String,
    /// Kept blocks (ranges into `text`), and with `include_removed` the removed ones.
    pub blocks: Vec<Block>,
    /// Author, date, credits and the page's own fields.
    pub metadata: Metadata,
}

/// Assembles kept paragraphs into the main text, recording each block's range.
#[derive(Default)]
pub(crate) struct Builder {
    out: Extracted,
}

impl Builder {
    pub fn keep(&mut self, kind: BlockKind, text: &str) {
        let text = crate::analysis::normalize::nfc(text.trim());
        if text.is_empty() {
            return;
        }
        if !self.out.text.is_empty() {
            self.out.text.push('\n');
        }
        let start = self.out.text.len();
        self.out.text.push_str(&text);
        let end = self.out.text.len();
        self.out.blocks.push(Block {
            kind,
            kept: true,
            range: start..end,
            text: String::new(),
            reason: "",
        });
    }

    pub fn drop(&mut self, kind: BlockKind, text: &str, reason: &'static str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        self.out.blocks.push(Block {
            kind,
            kept: false,
            range: 0..0,
            text: text.to_string(),
            reason,
        });
    }

    pub fn finish(mut self, title: String, metadata: Metadata, include_removed: bool) -> Extracted {
        if !include_removed {
            self.out.blocks.retain(|b| b.kept);
        }
        self.out.title = crate::analysis::normalize::nfc(title.trim()).into_owned();
        self.out.metadata = metadata;
        self.out
    }
}

/// Case- and space-folded form of a line, for comparisons.
pub(crate) fn fold(line: &str) -> String {
    // One pass, ASCII without the Unicode tables: this runs on every line of every page.
    let mut out = String::with_capacity(line.len());
    let mut space = false;
    for c in line.chars() {
        if c.is_whitespace() {
            space = !out.is_empty();
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            if c == 'Σ' {
                // Final sigma depends on its neighbours: std's whole-string rule.
                return line
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase();
            } else {
                crate::analysis::normalize::push_lowercase(&mut out, c);
            }
        }
    }
    out
}

/// Phrases of gambling and lottery advertising, folded. Each is an advertiser's phrase, not a
/// reporter's: on the 448,573 paragraphs and headlines of VietNews val none of them fires on a
/// short line ("tài xỉu", "cá cược", "casino" did, on news about arrests and resorts).
const SPAM_CUES: &[&str] = &[
    "soi cầu",
    "nhà cái uy tín",
    "kèo nhà cái",
    "nổ hũ",
    "game bài đổi thưởng",
    "lô đề online",
    "bắn cá đổi thưởng",
    "đá gà trực tiếp",
    "xổ số hôm nay",
    "dự đoán xổ số",
    "quay thử xổ số",
];

/// Longest line (in words) read as an advertisement rather than a sentence about gambling.
const SPAM_MAX_WORDS: usize = 12;

/// A short line that is not a sentence and advertises gambling or lottery tips: spam the
/// crawler picked up with the page ("Soi cầu XSMB hôm nay", "Nhà cái uy tín nhất 2024"). A
/// sentence of an article about betting ends with punctuation and stays.
pub(crate) fn is_spam(key: &str, words: usize, ends_sentence: bool) -> bool {
    !ends_sentence && words <= SPAM_MAX_WORDS && SPAM_CUES.iter().any(|c| key.contains(c))
}

/// Share of `a`'s words that also occur in `b` (0 when `a` has none).
pub(crate) fn word_share(a: &str, b: &str) -> f64 {
    let b_words: Vec<&str> = b.split_whitespace().collect();
    let a_words: Vec<&str> = a.split_whitespace().collect();
    if a_words.is_empty() {
        return 0.0;
    }
    let hits = a_words.iter().filter(|w| b_words.contains(w)).count();
    hits as f64 / a_words.len() as f64
}
