//! Mining the name-type profile (`analysis::entities::name_profile`) from a segmented news
//! corpus: every capitalised run in the middle of a sentence, the kind of word before it (and
//! a verb of saying after it), counted per run.
use rustc_hash::FxHashMap;

use crate::analysis::entities::name_profile::{
    run_hash, Cue, NameProfile, RunProfile, MAX_RUN, N_CUES,
};
use crate::analysis::features::{capitalised_runs, key_of, shape_of};
use crate::analysis::segment::tokenize::tokenize;

/// The words of each cue, one or two syllables (a longer cue is matched by its last two:
/// "câu lạc bộ" by "lạc bộ"). Lowercase; the keys fold case and tone placement.
const CUE_WORDS: [(Cue, &str); N_CUES] = [
    (
        Cue::Person,
        "ông|bà|anh|chị|cô|chú|bác|cụ|em|cháu|ngài|đồng chí|tổng thống|thủ tướng|chủ tịch|\
         bộ trưởng|thứ trưởng|giám đốc|tổng giám đốc|hlv|huấn luyện|cầu thủ|tiền đạo|tiền vệ|\
         hậu vệ|thủ môn|ca sĩ|diễn viên|nhạc sĩ|nhà văn|nhà thơ|nhà báo|bị cáo|bị can|đối tượng|\
         nghệ sĩ|danh thủ|võ sĩ|tay vợt|tỷ phú|tỉ phú|hoàng tử|công chúa|nữ hoàng|vua|nghị sĩ|\
         đại sứ|phóng viên|bác sĩ|tiến sĩ|giáo sư|ts|gs|pgs|ths|bs|ls|luật sư|thiếu tướng|\
         trung tướng|đại tướng|đại tá|thượng tá|trung tá|thiếu tá|đại úy|đại uý|vợ|chồng|\
         con trai|con gái|mẹ|bố|cha|phát ngôn|ngôi sao|siêu sao|tài tử|người mẫu|hoa hậu|\
         á hậu|sinh viên|học sinh|thầy|cô giáo|nữ sinh|nam sinh|bé|cậu|lão|nạn nhân|\
         tác giả|đạo diễn|ông chủ|chủ nhiệm|bí thư|phó|tân|cựu|thống đốc|thị trưởng|\
         ứng viên|người dẫn|nữ ca sĩ|nam ca sĩ|vận động viên|vđv|trọng tài|thuyền trưởng|\
         chuyên gia|nhà nghiên cứu|doanh nhân|người sáng lập|nhà sáng lập|ceo|tướng|hiệp sĩ",
    ),
    (
        Cue::Street,
        "đường|phố|ngõ|hẻm|ngách|quốc lộ|tỉnh lộ|đại lộ|đường phố|phố đi bộ|kiệt|cầu|nút giao",
    ),
    (
        Cue::Admin,
        "tỉnh|thành phố|tp|huyện|quận|xã|phường|thị xã|thị trấn|ấp|thôn|bản|làng|xóm|\
         khu phố|bang|vùng|miền|châu|đặc khu|khu|tổ dân phố|khóm|khóm|xứ|lãnh thổ|thủ phủ",
    ),
    (
        Cue::Place,
        "tại|ở|đến|sang|tới|thủ đô|nước|quốc gia|đảo|quần đảo|sông|núi|biển|hồ|vịnh|cảng|\
         sân bay|sân|chợ|bãi biển|đất nước|khắp|từ|về|rời|quanh|bờ|đèo|rừng|vườn quốc gia|\
         cửa khẩu|đỉnh|thác|eo biển|bán đảo|hang|phía",
    ),
    (
        Cue::Team,
        "clb|lạc bộ|đội|đội tuyển|tuyển|đội bóng|đội khách|đội chủ nhà|tân binh|thầy trò|\
         đối thủ|đại diện|nhà vô địch|đương kim",
    ),
    (
        Cue::Company,
        "công ty|tập đoàn|hãng|ngân hàng|tổng công ty|doanh nghiệp|thương hiệu|nhãn hàng|ctcp|\
         tnhh|chuỗi|nhà mạng|hàng không|hãng xe|hãng phim|nhãn hiệu|nhà sản xuất|sàn|quỹ|\
         nhà băng|hãng công nghệ|gã khổng lồ|startup|khách sạn|nhà hàng|siêu thị|cửa hàng|\
         nhà máy|dự án|cổ phiếu|mã",
    ),
    (
        Cue::Agency,
        "bộ|sở|cục|ủy ban|uỷ ban|ubnd|viện|ban|tổ chức|cơ quan|liên đoàn|hiệp hội|hội|\
         quân đội|lực lượng|đảng|tòa án|toà án|tand|viện kiểm sát|vks|chính phủ|chính quyền|\
         quốc hội|liên minh|phong trào|nhóm|công an|bộ tư lệnh|quân khu|sư đoàn|lữ đoàn|\
         trung đoàn|tổng cục|văn phòng|hội đồng|thành ủy|tỉnh ủy|huyện ủy|mặt trận|liên hợp|\
         nhà trắng|điện kremlin|lầu năm",
    ),
    (
        Cue::School,
        "trường|đại học|bệnh viện|bv|học viện|thpt|thcs|trung tâm|phòng khám|khoa|\
         trường đại|cao đẳng|tiểu học|mầm non|nhà trường",
    ),
    (
        Cue::Media,
        "đài|báo|tờ|kênh|tạp chí|hãng tin|truyền hình|trang|mạng xã|tờ báo|nhật báo|\
         thông tấn|website|trang tin|trang web|tạp chí|theo|nguồn|ứng dụng|mạng",
    ),
    (
        Cue::Work,
        "giải|lễ hội|chiến dịch|chương trình|cuộc thi|phim|bộ phim|cuốn|sách|bài hát|ca khúc|\
         tác phẩm|dòng|mẫu|hội nghị|diễn đàn|hiệp định|luật|nghị định|giải thưởng|chiến tranh|\
         sự kiện|album|game|trò chơi|tiểu thuyết|vở|show|cúp|phần mềm|hệ điều hành|\
         chiếc|mẫu xe|điện thoại|dịch vụ|gói|cuộc|vụ|chiến dịch|hội chợ|triển lãm|\
         festival|tuần lễ|năm|ngày|tết|lễ",
    ),
    (
        Cue::People,
        "người|tiếng|dân tộc|đồng bào|kiều bào|công dân|du khách|khách|quân|binh sĩ|\
         lính|phe|phía|chất giọng|văn hóa|văn hoá|ẩm thực|kiểu",
    ),
    (
        Cue::Speaks,
        "cho biết|nói|chia sẻ|khẳng định|cho rằng|tuyên bố|nhấn mạnh|bày tỏ|kể|trả lời|\
         tâm sự|thừa nhận|thông báo|công bố|phát biểu|giải thích|tiết lộ|cảnh báo|nhận định|\
         đánh giá|viết|cũng|đã|đang|sẽ|vừa|từng",
    ),
];

/// The cue words as syllable keys: single syllables and pairs.
struct CueTable {
    single: FxHashMap<u64, Cue>,
    pair: FxHashMap<(u64, u64), Cue>,
}

impl CueTable {
    fn new() -> Self {
        let mut t = CueTable {
            single: FxHashMap::default(),
            pair: FxHashMap::default(),
        };
        for (cue, words) in CUE_WORDS {
            for w in words.split('|').map(str::trim).filter(|w| !w.is_empty()) {
                let keys: Vec<u64> = tokenize(w)
                    .iter()
                    .map(|s| key_of(s.text(w), s.kind))
                    .collect();
                match keys.as_slice() {
                    [k] => {
                        t.single.entry(*k).or_insert(cue);
                    }
                    [.., a, b] => {
                        t.pair.entry((*a, *b)).or_insert(cue);
                    }
                    [] => {}
                }
            }
        }
        t
    }

    /// The cue of the words `a b` (the nearer one `b`), the pair first.
    fn of(&self, a: Option<u64>, b: u64) -> Option<Cue> {
        a.and_then(|a| self.pair.get(&(a, b)).copied())
            .or_else(|| self.single.get(&b).copied())
    }
}

/// Counts per run: cues, then sightings.
#[derive(Default)]
pub struct Counts {
    runs: FxHashMap<u64, ([u32; N_CUES], u32)>,
    cues: Option<CueTable>,
}

/// Punctuation after which a capital is the sentence's, not the name's.
fn starts_sentence(text: &str) -> bool {
    matches!(
        text,
        "." | "!" | "?" | ":" | "…" | "\"" | "“" | "”" | "-" | "–" | "—" | "*" | "•"
    )
}

impl Counts {
    /// Counts the runs of one line of "_"-joined words.
    pub fn add_line(&mut self, line: &str) {
        let cues = self.cues.get_or_insert_with(CueTable::new);
        let text = line.replace('_', " ");
        let tokens = tokenize(&text);
        let n = tokens.len();
        let keys: Vec<u64> = tokens
            .iter()
            .map(|t| key_of(t.text(&text), t.kind))
            .collect();
        let shapes: Vec<u8> = tokens
            .iter()
            .map(|t| shape_of(t.text(&text), t.kind))
            .collect();
        for r in capitalised_runs(&text, &tokens, &shapes) {
            let (i, end) = (r.start, r.end);
            let mid_sentence = i > 0 && !starts_sentence(tokens[i - 1].text(&text));
            if mid_sentence && end - i <= MAX_RUN {
                let before = cues.of(i.checked_sub(2).map(|k| keys[k]), keys[i - 1]);
                let after = (end < n)
                    .then(|| {
                        let next = keys.get(end + 1).copied();
                        // "cho biết": the pair is read in order, nearer word first here.
                        next.and_then(|b| cues.pair.get(&(keys[end], b)).copied())
                            .or_else(|| cues.single.get(&keys[end]).copied())
                    })
                    .flatten()
                    .filter(|&c| c == Cue::Speaks);
                let entry = self.runs.entry(run_hash(&keys[i..end])).or_default();
                entry.1 += 1;
                if let Some(c) = before.filter(|&c| c != Cue::Speaks) {
                    entry.0[c as usize] += 1;
                }
                if let Some(c) = after {
                    entry.0[c as usize] += 1;
                }
            }
        }
    }

    /// The profile of the runs seen at least `min_count` times.
    pub fn profile(&self, min_count: u32) -> NameProfile {
        NameProfile::new(
            self.runs
                .iter()
                .filter(|(_, (_, seen))| *seen >= min_count)
                .map(|(&h, (cues, seen))| (h, RunProfile::from_counts(cues, *seen))),
        )
    }
}

/// The profile of VietNews-style JSON Lines files (at most `limit` articles a file).
pub fn mine(
    paths: &[std::path::PathBuf],
    limit: usize,
    min_count: u32,
) -> std::io::Result<NameProfile> {
    let mut counts = Counts::default();
    super::corpus::for_each_article_line(paths, limit, |line| counts.add_line(line))?;
    Ok(counts.profile(min_count))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(s: &str) -> Vec<u64> {
        tokenize(s)
            .iter()
            .map(|t| key_of(t.text(s), t.kind))
            .collect()
    }

    #[test]
    fn counts_cues_of_mid_sentence_runs() {
        let mut c = Counts::default();
        for _ in 0..3 {
            c.add_line("Nhà ở đường Trần_Phú , gần tỉnh Hải_Dương .");
            c.add_line("Hôm_qua ông Trần_Phú cho biết như vậy .");
            c.add_line("Hôm_nay đội tuyển Hải_Dương thắng , đội Hải_Dương cũng thắng .");
        }
        // Sentence-initial capitals are not counted.
        c.add_line("Trần_Phú đi . Hải_Dương mưa .");
        let p = c.profile(3);
        let tp = p.get(&keys("Trần Phú")).unwrap();
        assert_eq!(tp.seen, 3); // 6 sightings: 3 bits
        assert_eq!(tp.first, (Cue::Person as u8, 3)); // a tie with Street: the lower id
        assert_eq!(tp.second, (Cue::Street as u8, 3));
        let hd = p.get(&keys("Hải Dương")).unwrap();
        assert_eq!(hd.first, (Cue::Team as u8, 4));
        assert_eq!(hd.second, (Cue::Admin as u8, 2));
        assert_eq!(hd.cued, 4);
        assert!(p.get(&keys("Nhà")).is_none());
        assert!(c.profile(100).is_empty());
    }
}
