//! Cue words of Vietnamese (and English) page furniture, as facts the block model weighs: a
//! caption's credit, a source credit, a timestamp line, a related-links heading, a widget's
//! words, gambling spam. The model learns how much each says; none decides alone.
use super::super::dates::vietnamese_timestamp;
use super::super::is_spam;

/// Lines that open a block of related links.
pub(crate) const RELATED_TRIGGERS: &[&str] = &[
    "tin liên quan",
    "đọc thêm",
    "có thể bạn quan tâm",
    "nên xem",
    "tin khác",
    "tin cùng chuyên mục",
    "xem thêm",
    "bài liên quan",
    "tin mới",
    "tin nổi bật",
    "video đang hot",
    "đọc nhiều",
    "xem nhiều",
    "tin đọc nhiều",
    "bài viết liên quan",
];

/// Words of widgets, account links, counters and footers.
pub(crate) const WIDGET_CUES: &[&str] = &[
    "theo dõi",
    "phiên bản di động",
    "go top",
    "thống kê truy cập",
    "người trực tuyến",
    "tổng lượt truy cập",
    "bình chọn",
    "đăng nhập",
    "đăng ký",
    "chia sẻ",
    "bình luận",
    "quảng cáo",
    "liên hệ",
    "bản quyền",
    "copyright",
    "©",
    "hotline",
    "kết quả xổ số",
    "xổ số",
    "trang chủ",
];

/// The bit of `cues_of` saying a block is a photo caption ("... (Ảnh: Reuters)").
pub(crate) const CAPTION_CUE: u8 = 1;

/// The bits of `cues_of` saying a block is a whole-line source credit or a timestamp line:
/// never article text by the gold convention (bylines, credits and dates are metadata).
pub(crate) const CREDIT_OR_TIMESTAMP: u8 = 1 << 1 | 1 << 2;

/// The bit of `cues_of` saying a block opens a list of related links.
pub(crate) const RELATED_CUE: u8 = 1 << 3;

/// The longest block a cue is looked for in (a caption with its credit).
const CUE_MAX_WORDS: u32 = 40;

/// Which cues a block shows, one bit each.
pub(crate) fn cues_of(text: &str, key: &str, words: u32) -> u8 {
    let mut bits = 0u8;
    if words > CUE_MAX_WORDS {
        // Paragraphs: no cue is that long (and this is most of a page's text).
        return bits;
    }
    let short = words <= 12;
    let ends = super::facts::ends_sentence(key);
    for (bit, on) in [
        is_caption(key),
        words <= 8 && source_credit(text.trim()).is_some(),
        words <= 8 && vietnamese_timestamp(text.trim()).is_some(),
        words <= 8 && RELATED_TRIGGERS.iter().any(|t| key.starts_with(t)),
        short && WIDGET_CUES.iter().any(|t| key.contains(t)),
        is_spam(key, words as usize, ends),
    ]
    .into_iter()
    .enumerate()
    {
        if on {
            bits |= 1 << bit;
        }
    }
    bits
}

/// A photo caption: "... (Ảnh: Reuters).", "Ảnh minh họa", "... trong cuộc gặp. Ảnh: Chu Thanh".
pub(crate) fn is_caption(key: &str) -> bool {
    // "... trong cuộc gặp. Ảnh: Chu Thanh": a credit closing the line.
    let tail_credit = key.split_whitespace().count() <= 40
        && key
            .rfind("ảnh:")
            .is_some_and(|i| key.len() - i <= 48 && key[..i].trim_end().ends_with(['.', ')', '-']));
    tail_credit
        || key.starts_with("nguồn ảnh")
        || key.contains("(ảnh:")
        || key.contains("(ảnh :")
        || key.contains("(nguồn:")
        || key.starts_with("ảnh:")
        || key.contains("ảnh minh họa")
        || key.contains("ảnh minh hoạ")
        || key.contains("(video:")
}

/// "(TTXVN/Vietnam+)", "Theo Sputnik, TASS", "Nguồn: VnExpress" as a whole short line.
pub(crate) fn source_credit(line: &str) -> Option<String> {
    let words = line.split_whitespace().count();
    if words > 8 {
        return None;
    }
    let mut inner = line.trim_end_matches(['.', '/']).trim();
    if let Some(x) = inner.strip_prefix('(').and_then(|x| x.strip_suffix(')')) {
        let x = x.trim();
        if x.chars().next().is_some_and(char::is_uppercase) && !x.contains("Ảnh") {
            return Some(x.to_string());
        }
        inner = x;
    }
    let lower = crate::analysis::normalize::lowercase(inner);
    if lower.starts_with("nguồn ảnh") {
        return None;
    }
    for prefix in ["theo ", "nguồn:", "nguồn "] {
        if lower.starts_with(prefix) && !lower.starts_with("theo dõi") && words <= 6 {
            return Some(inner[prefix.len()..].trim().to_string());
        }
    }
    None
}
