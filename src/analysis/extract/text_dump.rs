//! Plain-text page dumps (what crawlers save): each line is classified as title, lead, body,
//! caption, source credit, related link, navigation, widget, counter or spam, by ordered rules
//! over cues that hold on Vietnamese news pages.
use rustc_hash::{FxHashMap, FxHashSet};

use super::dates::vietnamese_timestamp;
use super::{fold, is_spam, word_share, BlockKind, Builder, Extracted, Metadata};

/// Lines that open a block of related links or a widget: everything short after them is not
/// article text.
const RELATED_TRIGGERS: &[&str] = &[
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

const WIDGET_CUES: &[&str] = &[
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

/// The article of a plain-text page dump: title, main text, metadata and (with `include_removed`) the lines removed with their reasons.
pub fn extract(text: &str, include_removed: bool) -> Extracted {
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'))
        .collect();
    // Folded once per line: lowercasing Vietnamese goes through the Unicode tables.
    let keys: Vec<String> = lines.iter().map(|l| fold(l)).collect();
    let mut counts: FxHashMap<&str, usize> = FxHashMap::default();
    for (l, k) in lines.iter().zip(&keys) {
        if !l.is_empty() {
            *counts.entry(k.as_str()).or_default() += 1;
        }
    }
    let mut b = Builder::default();
    let mut meta = Metadata::default();
    let mut title = String::new();
    let mut seen: FxHashMap<String, ()> = FxHashMap::default();
    let mut in_related = false;
    let mut body_seen = false;
    let mut ended = false;
    let mut title_done = false;
    let mut teaser_next = false;
    // Word pairs of the kept paragraphs, to spot the story told again further down.
    let mut told: FxHashSet<u64> = FxHashSet::default();
    for (i, &line) in lines.iter().enumerate() {
        if line.is_empty() {
            continue;
        }
        let key = keys[i].clone();
        let words = line.split_whitespace().count();
        let ends_sentence =
            line.ends_with(['.', '!', '?', '"', '”', ':', '…', ')']) && !line.ends_with(" |");
        if ended {
            b.drop(BlockKind::Boilerplate, line, "after the end of the article");
            continue;
        }
        if !title_done {
            title_done = true;
            if words <= 40 && !ends_sentence && !is_caption(&key) {
                title = line.to_string();
                seen.insert(key, ());
                b.keep(BlockKind::Title, line);
                continue;
            }
        }
        if seen.contains_key(&key) {
            b.drop(BlockKind::Boilerplate, line, "repeats an earlier line");
            continue;
        }
        if !title.is_empty() && !ends_sentence && same_words(&key, &fold(&title)) {
            b.drop(BlockKind::Boilerplate, line, "repeats the title");
            continue;
        }
        seen.insert(key.clone(), ());
        if meta.published.is_none() && words <= 8 {
            if let Some(ts) = vietnamese_timestamp(line) {
                meta.published = Some(ts);
                b.drop(BlockKind::Byline, line, "timestamp line");
                continue;
            }
        }
        if let Some(credit) = source_credit(line) {
            meta.source_credits.push(credit);
            b.drop(BlockKind::Source, line, "source credit");
            if body_seen {
                ended = true;
            }
            continue;
        }
        if RELATED_TRIGGERS.iter().any(|t| key.starts_with(t)) && words <= 8 {
            in_related = true;
            b.drop(BlockKind::Related, line, "related-links heading");
            continue;
        }
        if is_spam(&key, words, ends_sentence) {
            b.drop(BlockKind::Spam, line, "gambling or lottery advertising");
            continue;
        }
        if WIDGET_CUES.iter().any(|t| key.contains(t)) && words <= 12 {
            b.drop(BlockKind::Widget, line, "widget or navigation cue");
            continue;
        }
        if line.ends_with('|') || line.starts_with('|') || line.matches(" | ").count() >= 2 {
            b.drop(BlockKind::Related, line, "'|' row of links");
            continue;
        }
        if is_caption(&key) {
            b.drop(BlockKind::Caption, line, "photo caption");
            continue;
        }
        if is_counter(line) {
            b.drop(BlockKind::Counter, line, "counter or number-only line");
            continue;
        }
        if counts.get(key.as_str()).copied().unwrap_or(0) > 1 {
            // After the body, a repeated line is a related article's headline; its teaser follows.
            teaser_next = body_seen;
            b.drop(BlockKind::Boilerplate, line, "duplicated on the page");
            continue;
        }
        if std::mem::take(&mut teaser_next) {
            b.drop(BlockKind::Related, line, "teaser of a related article");
            continue;
        }
        let long = words >= 12;
        // In a related block only a paragraph ends it; headlines run long too.
        if in_related && !(long && line.ends_with(['.', '"', '”', '…'])) {
            b.drop(
                BlockKind::Related,
                line,
                "short line in a related-links block",
            );
            continue;
        }
        in_related = false;
        // A short headline-like line with no final punctuation after the body started, followed
        // by a paragraph, is a teaser for another article.
        let headline_like = words <= 25
            && !line.ends_with('.')
            && line.chars().next().is_some_and(char::is_uppercase)
            && !line.contains(['“', '”', '"']);
        if body_seen && headline_like && retold_after(&lines, i, &told) {
            ended = true;
            b.drop(
                BlockKind::Related,
                line,
                "headline of a second article retelling the story",
            );
            continue;
        }
        if body_seen && words <= 25 && next_is_timestamp(&lines, i) {
            b.drop(BlockKind::Related, line, "headline of a dated list item");
            continue;
        }
        // A headline with a teaser paragraph after which the page ends or turns to more
        // headlines is another article's; one followed by the article going on is a subheading.
        if body_seen
            && !ends_sentence
            && words <= 20
            && next_is_teaser(&lines, i)
            && teaser_ends_page(&lines, i)
        {
            in_related = true;
            teaser_next = true;
            b.drop(BlockKind::Related, line, "headline of another article");
            continue;
        }
        if !long && !ends_sentence && words <= 6 {
            b.drop(BlockKind::Nav, line, "short line without punctuation");
            continue;
        }
        let kind = if body_seen {
            BlockKind::Body
        } else {
            BlockKind::Lead
        };
        body_seen = true;
        told.extend(word_pairs(&key));
        b.keep(kind, line);
    }
    b.finish(title, meta, include_removed)
}

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

fn is_counter(line: &str) -> bool {
    let letters = line
        .chars()
        .filter(|&c| {
            crate::analysis::segment::tokenize::latin_letter(c).unwrap_or_else(|| c.is_alphabetic())
        })
        .count();
    let digits = line.chars().filter(|c| c.is_ascii_digit()).count();
    letters == 0 || (digits >= letters && line.len() < 80)
}

/// "(TTXVN/Vietnam+)", "Theo Sputnik, TASS", "Nguồn: VnExpress" as a whole short line.
fn source_credit(line: &str) -> Option<String> {
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

/// Hashes of a line's adjacent word pairs.
fn word_pairs(key: &str) -> impl Iterator<Item = u64> + '_ {
    use std::hash::{Hash, Hasher};
    let words: Vec<&str> = key.split_whitespace().collect();
    (1..words.len())
        .map(move |i| {
            let mut h = rustc_hash::FxHasher::default();
            (words[i - 1], words[i]).hash(&mut h);
            h.finish()
        })
        .collect::<Vec<_>>()
        .into_iter()
}

/// Do the paragraphs after line `i` mostly repeat paragraphs already kept? Pages append a
/// second article that retells the same story under a new headline.
fn retold_after(lines: &[&str], i: usize, told: &FxHashSet<u64>) -> bool {
    if told.is_empty() {
        return false;
    }
    let next: Vec<&str> = lines[i + 1..]
        .iter()
        .filter(|l| l.split_whitespace().count() >= 12)
        .take(8)
        .copied()
        .collect();
    let repeated = next
        .iter()
        .filter(|l| {
            let pairs: Vec<u64> = word_pairs(&fold(l)).collect();
            let hits = pairs.iter().filter(|p| told.contains(p)).count();
            hits * 2 >= pairs.len()
        })
        .count();
    repeated >= 2 && repeated * 10 >= next.len() * 4
}

/// The next line is a "Quốc tế 06/11/2024 14:14" list timestamp.
fn next_is_timestamp(lines: &[&str], i: usize) -> bool {
    lines[i + 1..]
        .iter()
        .take(2)
        .find(|l| !l.is_empty())
        .is_some_and(|l| l.split_whitespace().count() <= 8 && vietnamese_timestamp(l).is_some())
}

/// After the teaser paragraph that follows line `i`, the page ends or turns to credits,
/// widgets or other headlines (a line without final punctuation).
fn teaser_ends_page(lines: &[&str], i: usize) -> bool {
    let mut rest = lines[i + 1..].iter().filter(|l| !l.is_empty());
    let _teaser = rest.next();
    match rest.next() {
        None => true,
        Some(l) => {
            source_credit(l).is_some() || !l.ends_with(['.', '!', '?', '"', '”', ':', '…', ')'])
        }
    }
}

/// Nearly the same words: a headline repeated with a word added or changed.
fn same_words(a: &str, b: &str) -> bool {
    let long_enough = |s: &str| s.split_whitespace().count() >= 4;
    long_enough(a) && long_enough(b) && word_share(a, b) >= 0.8 && word_share(b, a) >= 0.8
}

fn next_is_teaser(lines: &[&str], i: usize) -> bool {
    lines[i + 1..]
        .iter()
        .take(4)
        .find(|l| !l.is_empty())
        .is_some_and(|l| l.split_whitespace().count() >= 12 || vietnamese_timestamp(l).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gambling_ads_are_spam_and_sentences_about_betting_stay() {
        let page = "Bắt ổ nhóm cá cược bóng đá\n\nCông an tỉnh đã triệt phá một đường dây cá cược bóng đá qua mạng với số tiền hàng trăm tỷ đồng.\nSoi cầu XSMB hôm nay chuẩn nhất\nNhà cái uy tín nhất 2024\nCác đối tượng khai nhận đã tổ chức đánh bạc từ đầu năm.\n";
        let x = extract(page, true);
        assert!(x.text.contains("đường dây cá cược bóng đá qua mạng"));
        assert!(!x.text.contains("Soi cầu") && !x.text.contains("Nhà cái"));
        let spam: Vec<&str> = x
            .blocks
            .iter()
            .filter(|b| b.kind == BlockKind::Spam)
            .map(|b| b.text.as_str())
            .collect();
        assert_eq!(
            spam,
            [
                "Soi cầu XSMB hôm nay chuẩn nhất",
                "Nhà cái uy tín nhất 2024"
            ]
        );
    }

    const PAGE: &str = "Mỹ và Đức tìm cách thúc đẩy viện trợ\n\nThủ tướng Đức ngày 8/1 kêu gọi các nước thành viên EU tăng cường hơn nữa nỗ lực viện trợ quân sự.\nMỹ và Đức tìm cách thúc đẩy viện trợ\n\nGiới chức cấp cao của chính quyền Mỹ cho biết nước này đang đẩy mạnh nỗ lực hỗ trợ tiếp cận thiết bị.\nHệ thống tên lửa khai hỏa trong một cuộc tập trận. (Ảnh: AFP/TTXVN)\nTin liên quan\nMỹ công bố gói viện trợ mới\n(TTXVN/Vietnam+)\n86 Go top\nThống kê truy cập\nTổng lượt truy cập: 87142882\n";

    #[test]
    fn keeps_article_drops_boilerplate() {
        let x = extract(PAGE, true);
        assert_eq!(x.title, "Mỹ và Đức tìm cách thúc đẩy viện trợ");
        assert_eq!(
            x.text,
            "Mỹ và Đức tìm cách thúc đẩy viện trợ\nThủ tướng Đức ngày 8/1 kêu gọi các nước thành viên EU tăng cường hơn nữa nỗ lực viện trợ quân sự.\nGiới chức cấp cao của chính quyền Mỹ cho biết nước này đang đẩy mạnh nỗ lực hỗ trợ tiếp cận thiết bị."
        );
        assert_eq!(x.metadata.source_credits, ["TTXVN/Vietnam+"]);
        let removed: Vec<_> = x
            .blocks
            .iter()
            .filter(|b| !b.kept)
            .map(|b| b.kind)
            .collect();
        assert!(removed.contains(&BlockKind::Caption));
        assert!(removed.contains(&BlockKind::Related));
    }

    #[test]
    fn a_second_article_retelling_the_story_is_dropped() {
        let body = [
            "Bộ Y tế cho biết số ca mắc mới trong tuần đã giảm mạnh so với tuần trước tại các tỉnh phía Bắc.",
            "Theo đại diện Cục Y tế dự phòng, các địa phương cần tiếp tục theo dõi sát tình hình dịch bệnh trong mùa mưa.",
            "Người dân được khuyến cáo chủ động diệt muỗi, loăng quăng và đến cơ sở y tế ngay khi có triệu chứng sốt.",
        ];
        let page = format!(
            "Số ca mắc mới giảm mạnh\n{}\n{}\n{}\nSố ca sốt xuất huyết đã giảm trong tuần qua?\nTheo đại diện Cục Y tế dự phòng, các địa phương cần tiếp tục theo dõi sát tình hình dịch bệnh trong mùa mưa này.\nNgười dân được khuyến cáo chủ động diệt muỗi, loăng quăng và đến cơ sở y tế ngay khi có triệu chứng sốt cao.\n",
            body[0], body[1], body[2]
        );
        let x = extract(&page, false);
        assert_eq!(
            x.text,
            format!("Số ca mắc mới giảm mạnh\n{}", body.join("\n"))
        );
    }

    #[test]
    fn related_headlines_teasers_and_dated_items_go_subheadings_stay() {
        let page = "Hà Nội mở thêm tuyến buýt điện\n\
            Từ tháng sau, thành phố sẽ đưa vào khai thác thêm ba tuyến buýt điện nối trung tâm với các khu đô thị mới.\n\
            Lộ trình mới và giá vé cho người dân\n\
            Các tuyến mới có giá vé như tuyến buýt thường và chạy từ 5 giờ sáng đến 22 giờ hằng ngày theo lịch công bố.\n\
            Sở Giao thông vận tải cho biết sẽ tiếp tục lấy ý kiến người dân để điều chỉnh lộ trình cho phù hợp hơn.\n\
            Tin khác\n\
            Giá vé tuyến metro Bến Thành - Suối Tiên từ 7.000 đồng đến 20.000 đồng mỗi lượt đi\n\
            Khi nào có kết quả bầu cử Tổng thống Mỹ năm 2024?\n\
            Quốc tế 05/11/2024 19:30\n";
        let x = extract(page, false);
        assert!(
            x.text.contains("Lộ trình mới và giá vé cho người dân"),
            "{}",
            x.text
        );
        assert!(x.text.contains("Sở Giao thông vận tải"), "{}", x.text);
        assert!(
            !x.text.contains("Bến Thành") && !x.text.contains("bầu cử"),
            "{}",
            x.text
        );

        let teaser = "Hà Nội mở thêm tuyến buýt điện\n\
            Từ tháng sau, thành phố sẽ đưa vào khai thác thêm ba tuyến buýt điện nối trung tâm với các khu đô thị mới.\n\
            Mỹ công bố gói viện trợ quân sự cuối cùng trong năm cho đồng minh\n\
            Gói viện trợ bao gồm đạn dược cho hệ thống phòng không và bổ sung đạn cho các hệ thống pháo binh cơ động.\n\
            (TTXVN)\n";
        let x = extract(teaser, false);
        assert!(
            !x.text.contains("Gói viện trợ") && !x.text.contains("Mỹ công bố"),
            "{}",
            x.text
        );
    }

    #[test]
    fn captions_with_a_closing_credit() {
        assert!(is_caption(&fold(
            "Rất nhiều học sinh đã đến hưởng ứng chương trình. Ảnh: Chu Thanh"
        )));
        assert!(is_caption(&fold("Nguồn ảnh: CNBC")));
        let long = format!(
            "{} Ảnh: GenK.",
            "Một đoạn văn dài về sức khỏe đôi mắt.".repeat(8)
        );
        assert!(!is_caption(&fold(&long)));
    }

    #[test]
    fn timestamp_becomes_iso() {
        assert_eq!(
            vietnamese_timestamp("Quốc tế 06/11/2024 14:14").as_deref(),
            Some("2024-11-06T14:14:00")
        );
        assert_eq!(
            vietnamese_timestamp("Cập nhật 31/12/2023").as_deref(),
            Some("2023-12-31")
        );
        assert_eq!(vietnamese_timestamp("ngày 31/8 tới"), None);
    }
}
