//! Plain-text page dumps (what crawlers save): the block model picks the headline line and the
//! lines of the article's text; what it removes is named (caption, source credit, timestamp,
//! counter, spam, boilerplate) for readers of the removed blocks.
use std::borrow::Cow;

use rustc_hash::FxHashSet;

use super::classifier::cues::{is_caption, source_credit, CREDIT_OR_TIMESTAMP, RELATED_CUE};
use super::classifier::facts::{ends_sentence, LINE};
use super::classifier::model::keep_threshold;
use super::classifier::{BlockFacts, BlockModel};

use super::dates::vietnamese_timestamp;
use super::{is_spam, word_share, BlockKind, Builder, Extracted, Metadata};

/// The lines of a dump (blank ones left out, as the dumper's spacing says nothing) with the
/// classifier's facts of each.
pub fn line_facts(text: &str) -> (Vec<Cow<'_, str>>, Vec<BlockFacts>) {
    line_facts_of(raw_lines(text))
}

/// `line_facts` of the lines as the dumper drew them, tables left whole (how the block model
/// is trained: see `train::extract::label_dump`).
pub fn drawn_line_facts(text: &str) -> (Vec<Cow<'_, str>>, Vec<BlockFacts>) {
    line_facts_of(drawn_lines(text).into_iter().map(Cow::Borrowed).collect())
}

fn line_facts_of(raw: Vec<Cow<'_, str>>) -> (Vec<Cow<'_, str>>, Vec<BlockFacts>) {
    let facts = raw
        .iter()
        .map(|l| BlockFacts::of_text(l.trim_end().trim_start_matches('\t'), LINE))
        .collect();
    let lines = raw
        .into_iter()
        .map(|l| match l {
            Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
            Cow::Owned(o) => Cow::Owned(o.trim().to_string()),
        })
        .collect();
    (lines, facts)
}

/// The non-blank lines of a dump as written (indentation kept), with the tables the dumper
/// drew taken apart (see `unfold_tables`).
pub fn raw_lines(text: &str) -> Vec<Cow<'_, str>> {
    unfold_tables(&drawn_lines(text))
}

/// The non-blank lines of a dump as written.
pub fn drawn_lines(text: &str) -> Vec<&str> {
    text.lines()
        .map(|l| l.trim_matches(|c: char| c == '\u{feff}' || c == '\r'))
        .filter(|l| !l.trim().is_empty())
        .collect()
}

/// Narrower runs of padded lines are not taken for tables.
const MIN_TABLE_WIDTH: usize = 20;

/// A dumper that draws tables (inscriptis) lays an old portal's layout table out side by side:
/// each line holds a menu entry, a line of the article's cell and a related headline, every
/// row padded with spaces to the table's width. Runs of two or more such lines (the same
/// width, padded) whose columns are split by gaps of two or more spaces in every row are
/// taken apart into their cells, column by column, each cell indented by its column's place
/// (so the article's cell is one run of lines again). Other lines pass through.
fn unfold_tables<'a>(lines: &[&'a str]) -> Vec<Cow<'a, str>> {
    // Each line's width once: this runs on every line of every dump.
    let widths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
    let mut out = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let width = widths[i];
        let run = if width >= MIN_TABLE_WIDTH {
            widths[i..].iter().take_while(|w| **w == width).count()
        } else {
            1
        };
        let rows = &lines[i..i + run];
        if run >= 2 && rows.iter().any(|l| l.ends_with(' ')) {
            if let Some(cells) = table_cells(rows, width) {
                out.extend(cells.into_iter().map(Cow::Owned));
                i += run;
                continue;
            }
        }
        out.push(Cow::Borrowed(lines[i]));
        i += 1;
    }
    out
}

/// The non-empty cells of padded rows, column by column, or None when the rows do not split
/// into two columns or more.
fn table_cells(rows: &[&str], width: usize) -> Option<Vec<String>> {
    let chars: Vec<Vec<char>> = rows.iter().map(|r| r.chars().collect()).collect();
    let blank: Vec<bool> = (0..width)
        .map(|p| chars.iter().all(|r| r.get(p).is_none_or(|c| *c == ' ')))
        .collect();
    // Columns: spans of positions between gaps of two or more positions blank in every row
    // (a single blank position is a space between words).
    let mut columns: Vec<(usize, usize)> = Vec::new();
    let mut p = 0;
    while p < width {
        if blank[p] {
            p += 1;
            continue;
        }
        let start = p;
        while p < width && !(blank[p] && blank.get(p + 1).is_none_or(|b| *b)) {
            p += 1;
        }
        columns.push((start, p));
    }
    if columns.len() < 2 {
        return None;
    }
    let cell = |row: &[char], (start, end): (usize, usize)| -> String {
        row[start.min(row.len())..end.min(row.len())]
            .iter()
            .collect()
    };
    // A layout table holds prose in a cell; a data table's short cells read as well in rows.
    let prose_cell = columns.iter().any(|&c| {
        chars
            .iter()
            .any(|row| cell(row, c).split_whitespace().count() >= LAYOUT_CELL_WORDS)
    });
    if !prose_cell {
        return None;
    }
    let mut cells = Vec::new();
    for (k, &c) in columns.iter().enumerate() {
        let indent = " ".repeat(CELL_INDENT_STEP * k);
        for row in &chars {
            let text = cell(row, c);
            let text = text.trim();
            if !text.is_empty() {
                cells.push(format!("{indent}{text}"));
            }
        }
    }
    Some(cells)
}

/// Words of the longest cell line that make a table a layout table (its article cell).
const LAYOUT_CELL_WORDS: usize = 10;

/// A cell's indent tells its column apart (the dumper's offsets run to hundreds of spaces):
/// this many spaces per column, as a list's nesting is indented.
const CELL_INDENT_STEP: usize = 4;

/// The article of a plain-text page dump: title, main text, metadata and (with
/// `include_removed`) the lines removed with their reasons. The block model picks the
/// headline and which lines are the article's text; rules here only name what was removed
/// and read the metadata (timestamp, source credit).
pub fn extract(text: &str, include_removed: bool, model: &BlockModel) -> Extracted {
    let (lines, facts) = line_facts(text);
    // A dump whose best line is more likely not the headline has none the model can see (it
    // opens with the lead photo's caption, or is no article): no title, rather than a
    // paragraph or a related story's headline moved to the top; unless no other line is kept.
    match model.title_line(&facts) {
        Some((at, true)) => article(&lines, &facts, Some(at), include_removed, model),
        Some((at, false)) => {
            let without = article(&lines, &facts, None, include_removed, model);
            if without.text.is_empty() {
                article(&lines, &facts, Some(at), include_removed, model)
            } else {
                without
            }
        }
        None => article(&lines, &facts, None, include_removed, model),
    }
}

/// The article of the dump's lines with the headline at `title_at`.
fn article(
    lines: &[Cow<'_, str>],
    facts: &[BlockFacts],
    title_at: Option<usize>,
    include_removed: bool,
    model: &BlockModel,
) -> Extracted {
    let title = title_at.map_or("", |i| &*lines[i]);
    let title_key = title_at.map_or("", |i| facts[i].key.as_str());
    let probs = model.content(facts, title_key, title_at);
    // Gambling spam has no page to learn from (its cue list fires on none of 448,573 VietNews
    // paragraphs); a whole-line source credit or timestamp is metadata, never article text.
    let spam: Vec<bool> = facts
        .iter()
        .map(|f| {
            f.cues & CREDIT_OR_TIMESTAMP != 0
                || is_spam(&f.key, f.words as usize, ends_sentence(&f.key))
        })
        .collect();
    let best = (0..probs.len())
        .filter(|&i| !spam[i] && Some(i) != title_at)
        .map(|i| probs[i])
        .fold(0.0, f32::max);
    let threshold = keep_threshold(best);
    let mut b = Builder::default();
    let mut meta = Metadata::default();
    // The title leads the text; its block goes where its line stood, or before the first kept
    // line if that comes earlier, so removed blocks are listed in page order around it.
    let mut title_due = !title.is_empty();
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    seen.insert(title_key);
    let mut body_seen = false;
    for (i, (line, f)) in lines
        .iter()
        .enumerate()
        .map(|(i, l)| (i, (&**l, &facts[i])))
    {
        if Some(i) == title_at {
            if std::mem::take(&mut title_due) {
                b.keep(BlockKind::Title, title);
            }
            continue;
        }
        let key = f.key.as_str();
        let short = f.words <= 8;
        if short && meta.published.is_none() {
            meta.published = vietnamese_timestamp(line);
        }
        let credit = source_credit(line);
        if let Some(c) = &credit {
            meta.source_credits.push(c.clone());
        }
        if !seen.insert(key) {
            b.drop(BlockKind::Boilerplate, line, "repeats an earlier line");
        } else if !title.is_empty() && !ends_sentence(key) && same_words(key, title_key) {
            b.drop(BlockKind::Boilerplate, line, "repeats the title");
        } else if probs[i] >= threshold && !spam[i] {
            let kind = if body_seen {
                BlockKind::Body
            } else {
                BlockKind::Lead
            };
            body_seen = true;
            if std::mem::take(&mut title_due) {
                b.keep(BlockKind::Title, title);
            }
            b.keep(kind, line);
        } else {
            let (kind, reason) = removed_kind(line, key, f, credit.is_some());
            b.drop(kind, line, reason);
        }
    }
    b.finish(title.to_string(), meta, include_removed)
}

/// What a line the model removed most likely is, for `include_removed` readers.
fn removed_kind(line: &str, key: &str, f: &BlockFacts, credit: bool) -> (BlockKind, &'static str) {
    if credit {
        (BlockKind::Source, "source credit")
    } else if f.words <= 8 && vietnamese_timestamp(line).is_some() {
        (BlockKind::Byline, "timestamp line")
    } else if is_caption(key) {
        (BlockKind::Caption, "photo caption")
    } else if is_spam(key, f.words as usize, ends_sentence(key)) {
        (BlockKind::Spam, "gambling or lottery advertising")
    } else if f.cues & RELATED_CUE != 0 || (f.words <= 25 && !ends_sentence(key)) {
        (
            BlockKind::Related,
            "headline, menu or related link (block model)",
        )
    } else if is_counter(line) {
        (BlockKind::Counter, "counter or number-only line")
    } else {
        (BlockKind::Boilerplate, "not article text (block model)")
    }
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

/// Nearly the same words: a headline repeated with a word added or changed.
fn same_words(a: &str, b: &str) -> bool {
    let long_enough = |s: &str| s.split_whitespace().count() >= 4;
    long_enough(a) && long_enough(b) && word_share(a, b) >= 0.8 && word_share(b, a) >= 0.8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::extract::fold;

    /// Extraction with the embedded block model.
    fn extract(text: &str, include_removed: bool) -> Extracted {
        super::extract(
            text,
            include_removed,
            crate::analysis::extract::classifier::BlockModels::for_tests().for_dumps(),
        )
    }

    /// An old portal's layout table as inscriptis draws it: menu, article cell and related
    /// headlines side by side, every row padded to the table's width.
    fn drawn_layout_table() -> String {
        let article = [
            "Giá xăng tăng mạnh từ chiều nay",
            "Giá xăng RON 95 tăng thêm 500 đồng mỗi lít từ 15 giờ chiều nay theo quyết định của liên bộ Công Thương và Tài chính.",
            "",
            "Đây là lần tăng thứ ba liên tiếp kể từ đầu tháng, khi giá dầu thế giới tiếp tục đi lên vì nguồn cung bị thu hẹp.",
            "",
            "Các doanh nghiệp đầu mối được yêu cầu bảo đảm nguồn hàng, không để xảy ra tình trạng đứt gãy nguồn cung xăng dầu.",
        ];
        let rows = 12;
        let width = article.iter().map(|l| l.chars().count()).max().unwrap_or(0);
        let mut out = String::new();
        for r in 0..rows {
            let menu = format!("Chuyên mục {r}");
            let cell = article.get(r).copied().unwrap_or("");
            let related = if r == 0 {
                "Tin liên quan".to_string()
            } else {
                format!("Tin khác số {r} về giá cả thị trường")
            };
            let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w - s.chars().count()));
            out.push_str(&format!(
                "{}  {}  {}\n",
                pad(&menu, 13),
                pad(cell, width),
                pad(&related, 36)
            ));
        }
        out + "Bản quyền thuộc về Báo Mẫu. Ghi rõ nguồn khi phát hành lại.\n"
    }

    #[test]
    fn a_drawn_layout_table_is_taken_apart_column_by_column() {
        let page = drawn_layout_table();
        let lines = raw_lines(&page);
        let trimmed: Vec<&str> = lines.iter().map(|l| l.trim()).collect();
        // The menu column first, then the article cell in order, then the related column.
        assert_eq!(trimmed[0], "Chuyên mục 0");
        assert_eq!(trimmed[11], "Chuyên mục 11");
        assert_eq!(trimmed[12], "Giá xăng tăng mạnh từ chiều nay");
        assert!(trimmed[13].starts_with("Giá xăng RON 95"));
        assert!(trimmed[14].starts_with("Đây là lần tăng thứ ba"));
        assert_eq!(trimmed[16], "Tin liên quan");
        assert_eq!(
            *trimmed.last().unwrap(),
            "Bản quyền thuộc về Báo Mẫu. Ghi rõ nguồn khi phát hành lại."
        );
        // Each column keeps one indent, different from its neighbours'.
        let indent = |l: &str| l.len() - l.trim_start().len();
        assert!(
            indent(&lines[13]) == indent(&lines[14]) && indent(&lines[13]) != indent(&lines[0])
        );
        let x = extract(&page, false);
        assert_eq!(x.title, "Giá xăng tăng mạnh từ chiều nay");
        assert!(x.text.contains("bảo đảm nguồn hàng"), "{}", x.text);
        assert!(
            x.text
                .starts_with("Giá xăng tăng mạnh từ chiều nay\nGiá xăng RON 95"),
            "{}",
            x.text
        );
        assert!(!x.text.contains("Chuyên mục"), "{}", x.text);
        // Not asserted: the related column, a headline list right after the article, is the
        // block model's known weakness on dumps (kept or not as the training order falls).
    }

    #[test]
    fn a_data_table_and_ordinary_lines_pass_through() {
        // Short cells only: a data table reads as well in rows.
        let table = "Ngày        Giá (đồng/lít)  \n01/01/2024  23.500          \n02/01/2024  23.800          \n";
        assert_eq!(raw_lines(table), table.lines().collect::<Vec<_>>());
        // Lines of one width without padding are text, not a table.
        let text = "Một dòng văn bản bình thường dài.\nHai dòng văn bản bình thường dài.\n";
        assert_eq!(raw_lines(text), text.lines().collect::<Vec<_>>());
    }

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

    /// A dump that opens with the lead photo's caption has no headline line: neither the
    /// caption, nor the related story under "Tin liên quan", nor a paragraph is made the title.
    #[test]
    fn a_dump_without_a_headline_gets_no_title() {
        let page = "Hai bộ trưởng bắt tay trong cuộc gặp tại thủ đô vào ngày 3/10. (Nguồn: Reuters)\n\
            Bộ trưởng Ngoại giao hai nước đã hội đàm về hợp tác kinh tế và an ninh trong khu vực trong bối cảnh nhiều biến động.\n\
            Tin liên quan\n\
            Thách thức mới của khối liên minh quân sự\n\
            Hai bên nhất trí tăng cường trao đổi đoàn các cấp và thúc đẩy thương mại song phương trong thời gian tới.\n\
            Phía bạn cảm ơn sự đón tiếp chu đáo và mời người đồng cấp sang thăm vào thời điểm thuận tiện cho cả hai bên.\n\
            Các doanh nghiệp của hai nước cũng ký kết nhiều thỏa thuận hợp tác trong lĩnh vực năng lượng và hạ tầng.\n\
            Theo người phát ngôn, cuộc gặp tiếp theo dự kiến diễn ra vào đầu năm sau tại thủ đô của nước bạn.\n\
            Đọc nhiều nhất\n\
            Giá vàng hôm nay tăng mạnh\n";
        let x = extract(page, true);
        assert_eq!(x.title, "", "{}", x.text);
        assert!(
            x.text.starts_with("Bộ trưởng Ngoại giao hai nước"),
            "{}",
            x.text
        );
        assert!(x.text.ends_with("tại thủ đô của nước bạn."), "{}", x.text);
        assert!(!x.text.contains("Nguồn: Reuters"), "{}", x.text);
        // Not asserted: the related headline between paragraphs (the model's known weakness).
        // A page of one line never loses it (as its headline or as its text).
        let line = "Bài viết chính nằm ở đây với đủ chữ để được giữ lại.";
        let one = extract(&format!("{line}\n"), false);
        assert_eq!(one.text, line);
        assert!(one.title.is_empty() || one.title == line, "{}", one.title);
    }

    /// The dump of a page in today's CMS markup (tests/fixtures/modern_cms_dump.txt): the
    /// inline "Đọc thêm" box, the "Xem thêm:" line, the byline and the teaser cards after the
    /// article go; the article's paragraphs stay.
    #[test]
    fn a_modern_cms_dump_drops_inline_boxes_and_teaser_cards() {
        let x = extract(
            include_str!("../../../tests/fixtures/modern_cms_dump.txt"),
            false,
        );
        assert_eq!(x.title, "Cầu mới nối hai bờ sông Hồng sắp thông xe");
        for kept in [
            "Sau hai năm thi công",
            "Theo ban quản lý",
            "Cây cầu có bốn làn",
            "Người dân xã bên kia",
            "Chính quyền địa phương",
        ] {
            assert!(x.text.contains(kept), "{kept}: {}", x.text);
        }
        for gone in [
            "Phà cũ",
            "Người dân ven sông",
            "Xem thêm",
            "Minh Anh",
            "Tin cùng chuyên mục",
            "xe buýt",
            "vành đai",
            "lái phà",
            "Bản quyền",
        ] {
            assert!(!x.text.contains(gone), "{gone}: {}", x.text);
        }
        // Not asserted: the caption without a credit ("Công nhân thảm nhựa trên mặt cầu"), a
        // short line at the article's side that a dump cannot tell from a subheading.
    }

    #[test]
    fn blocks_are_listed_in_page_order() {
        let page = format!("Trang chủ\nThế giới\nKinh tế\n{PAGE}");
        let x = extract(&page, true);
        assert_eq!(x.title, "Mỹ và Đức tìm cách thúc đẩy viện trợ");
        let order: Vec<(bool, BlockKind)> = x.blocks.iter().map(|b| (b.kept, b.kind)).collect();
        let first_kept = order.iter().position(|(kept, _)| *kept).expect("kept");
        // The menu before the headline, the headline first of the text, the caption and the
        // related list after the paragraphs they followed.
        assert!(first_kept >= 3, "{order:?}");
        assert_eq!(order[first_kept], (true, BlockKind::Title), "{order:?}");
        let caption = order
            .iter()
            .position(|b| *b == (false, BlockKind::Caption))
            .expect("caption");
        let last_kept = order.iter().rposition(|(kept, _)| *kept).expect("kept");
        assert!(caption > last_kept, "{order:?}");
        assert!(x.text.starts_with("Mỹ và Đức tìm cách"), "{}", x.text);
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
        assert_eq!(
            vietnamese_timestamp("Thứ hai, 5/3/2012, 08:15 GMT+7").as_deref(),
            Some("2012-03-05T08:15:00")
        );
        assert_eq!(
            vietnamese_timestamp("Thứ Bảy, Ngày 24 tháng 12 năm 2022").as_deref(),
            Some("2022-12-24")
        );
        assert_eq!(vietnamese_timestamp("ngày 32 tháng 12 năm 2022"), None);
        assert_eq!(vietnamese_timestamp("123/4/2012"), None);
    }

    #[test]
    fn the_headline_is_found_after_the_menus() {
        // An inscriptis dump: numbered menus, a date line, then the headline and its lead.
        let mut page =
            String::from("Đăng Nhập\n 1. \n 2. Xã hội\n     1. Chính trị\n     2. Môi trường\n");
        for i in 3..30 {
            page.push_str(&format!(" {i}. Chuyên mục {i}\n     1. Mục con\n"));
        }
        page.push_str("Thứ Bảy, Ngày 24 tháng 12 năm 2022\n\n");
        page.push_str("  Khởi công nhà ga hành khách mới tại sân bay quốc tế\n\n");
        page.push_str("  (Dân trí) - Công trình khi hoàn thành sẽ nâng công suất của cảng hàng không lên 50 triệu hành khách mỗi năm, giảm tải cho nhà ga hiện nay.\n\n");
        page.push_str("  Chiều 24/12, dự án xây dựng nhà ga hành khách mới đã chính thức được khởi công với tổng mức đầu tư gần 11.000 tỷ đồng từ nguồn vốn của doanh nghiệp.\n\n");
        page.push_str("  Phát biểu tại lễ khởi công, lãnh đạo thành phố nhấn mạnh vai trò của hạ tầng hàng không đối với sự phát triển kinh tế của cả vùng trong những năm tới.\n\n");
        page.push_str("  * Giới thiệu\n  * Liên hệ quảng cáo\n  * Bản quyền thuộc về Báo Mẫu\n");
        let x = extract(&page, false);
        assert_eq!(
            x.title,
            "Khởi công nhà ga hành khách mới tại sân bay quốc tế"
        );
        assert!(
            x.text
                .starts_with("Khởi công nhà ga hành khách mới tại sân bay quốc tế\n(Dân trí)"),
            "{}",
            x.text
        );
        assert!(
            x.text.contains("vai trò của hạ tầng hàng không"),
            "{}",
            x.text
        );
        // (The footer's bullets after the article may stay: lists after the last paragraph
        // are the block model's known weakness on dumps, see docs/experiments.md.)
        assert!(!x.text.contains("Chuyên mục 12"), "{}", x.text);
    }
}
