//! Rules for DATE, TIME, MONEY, PERCENT and QUANTITY with normalised values.
use super::{Entity, Label, SentenceView};
use crate::analysis::normalize::syllable_key;
use crate::analysis::segment::tokenize::TokenKind;

/// (word after the number, multiplier)
const MULTIPLIERS: &[(&str, f64)] = &[
    ("nghìn", 1e3),
    ("ngàn", 1e3),
    ("vạn", 1e4),
    ("triệu", 1e6),
    ("tỷ", 1e9),
    ("tỉ", 1e9),
];

/// (currency words as syllable keys, ISO code)
const CURRENCIES: &[(&str, &str)] = &[
    ("usd", "USD"),
    ("đô la mỹ", "USD"),
    ("đô la", "USD"),
    ("đôla", "USD"),
    ("euro", "EUR"),
    ("eur", "EUR"),
    ("đồng", "VND"),
    ("vnd", "VND"),
    ("vnđ", "VND"),
    ("yen", "JPY"),
    ("yên", "JPY"),
    ("nhân dân tệ", "CNY"),
    ("bảng anh", "GBP"),
    ("bảng", "GBP"),
    ("rúp", "RUB"),
    ("won", "KRW"),
];

const UNITS: &[(&str, &str)] = &[
    ("km", "km"),
    ("ki-lô-mét", "km"),
    ("cây số", "km"),
    ("m", "m"),
    ("mét", "m"),
    ("cm", "cm"),
    ("mm", "mm"),
    ("kg", "kg"),
    ("tấn", "t"),
    ("ha", "ha"),
    ("hecta", "ha"),
    ("lít", "l"),
    ("km2", "km2"),
    ("m2", "m2"),
    ("binh sĩ", "binh sĩ"),
    ("quân", "quân"),
    ("người", "người"),
    ("chiếc", "chiếc"),
    ("quả", "quả"),
    ("tên lửa", "tên lửa"),
    ("thùng", "thùng"),
    ("mw", "MW"),
    ("độ c", "°C"),
];

/// Dates, times, amounts, percentages and quantities of one sentence, with normalised values.
pub fn tag(s: &SentenceView<'_>) -> Vec<Entity> {
    let toks = s.tokens;
    let key = |i: usize| -> String {
        toks.get(i)
            .map(|t| syllable_key(t.text(s.text)))
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        let word = t.text(s.text);
        // "$60 triệu"
        if word == "$" && toks.get(i + 1).is_some_and(|n| n.kind == TokenKind::Number) {
            if let Some(n) = parse_number(toks[i + 1].text(s.text)) {
                let (mult, used) = multiplier(&key(i + 2));
                let end_tok = i + 1 + used;
                out.push(entity(
                    toks[i].start,
                    toks[end_tok].end,
                    Label::Money,
                    Some(money(n * mult, "USD")),
                ));
                i = end_tok + 1;
                continue;
            }
        }
        if t.kind != TokenKind::Number {
            i += 1;
            continue;
        }
        // Keys only around numbers: normalising every syllable would cost more than the rules.
        let prev = if i > 0 { key(i - 1) } else { String::new() };
        if let Some(e) = date_or_time(word, &prev) {
            out.push(entity(t.start, t.end, e.0, Some(e.1)));
            i += 1;
            continue;
        }
        if prev == "năm" && word.len() == 4 {
            if let Ok(y) = word.parse::<u32>() {
                if (1000..=2200).contains(&y) {
                    out.push(entity(t.start, t.end, Label::Date, Some(format!("{y:04}"))));
                    i += 1;
                    continue;
                }
            }
        }
        // "105mm", "300km": a unit glued to the number.
        let digits_end = word.find(|c: char| c.is_alphabetic()).unwrap_or(word.len());
        let Some(n) = parse_number(&word[..digits_end]) else {
            i += 1;
            continue;
        };
        if digits_end < word.len() {
            let unit = syllable_key(&word[digits_end..]);
            if let Some((_, u)) = UNITS.iter().find(|(k, _)| *k == unit) {
                out.push(entity(
                    t.start,
                    t.end,
                    Label::Quantity,
                    Some(format!("{} {u}", fmt_num(n))),
                ));
            }
            i += 1;
            continue;
        }
        if toks
            .get(i + 1)
            .is_some_and(|n| n.text(s.text) == "%" && n.start == t.end)
        {
            out.push(entity(
                t.start,
                toks[i + 1].end,
                Label::Percent,
                Some(format!("{}%", fmt_num(n))),
            ));
            i += 2;
            continue;
        }
        if key(i + 1) == "phần" && key(i + 2) == "trăm" {
            out.push(entity(
                t.start,
                toks[i + 2].end,
                Label::Percent,
                Some(format!("{}%", fmt_num(n))),
            ));
            i += 3;
            continue;
        }
        let (mult, used) = multiplier(&key(i + 1));
        let after = i + 1 + used;
        if let Some((len, code)) = match_phrase(&key, after, CURRENCIES) {
            let end_tok = after + len - 1;
            out.push(entity(
                t.start,
                toks[end_tok].end,
                Label::Money,
                Some(money(n * mult, code)),
            ));
            i = end_tok + 1;
            continue;
        }
        if let Some((len, unit)) = match_phrase(&key, after, UNITS) {
            let end_tok = after + len - 1;
            out.push(entity(
                t.start,
                toks[end_tok].end,
                Label::Quantity,
                Some(format!("{} {unit}", fmt_num(n * mult))),
            ));
            i = end_tok + 1;
            continue;
        }
        i += 1;
    }
    out
}

fn entity(start: usize, end: usize, label: Label, value: Option<String>) -> Entity {
    Entity {
        start,
        end,
        label,
        confidence: 0.9,
        value,
    }
}

fn multiplier(k: &str) -> (f64, usize) {
    MULTIPLIERS
        .iter()
        .find(|(w, _)| *w == k)
        .map_or((1.0, 0), |&(_, m)| (m, 1))
}

/// Longest phrase of `table` starting at token `at`: (length in tokens, value).
fn match_phrase<'t>(
    key: &dyn Fn(usize) -> String,
    at: usize,
    table: &'t [(&str, &'t str)],
) -> Option<(usize, &'t str)> {
    let mut best: Option<(usize, &str)> = None;
    let mut joined = String::new();
    for n in 0..3 {
        let k = key(at + n);
        if k.is_empty() {
            break;
        }
        if n > 0 {
            joined.push(' ');
        }
        joined.push_str(&k);
        if let Some((_, v)) = table.iter().find(|(w, _)| *w == joined) {
            best = Some((n + 1, v));
        }
    }
    best
}

fn money(amount: f64, code: &str) -> String {
    format!("{} {code}", fmt_num(amount))
}

/// Integers without a fraction, others with up to 6 decimals and no trailing zeros.
fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e18 {
        format!("{}", x as i64)
    } else {
        let s = format!("{x:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// Vietnamese number syntax: '.' groups thousands, ',' marks decimals (4.700 = 4700, 8,8 = 8.8).
pub fn parse_number(s: &str) -> Option<f64> {
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return None;
    }
    let dots = s.matches('.').count();
    let commas = s.matches(',').count();
    let grouped_by = |sep: char| s.split(sep).skip(1).all(|g| g.len() == 3);
    let normal: String = if dots > 0 && commas > 0 {
        // The later separator is the decimal one.
        if s.rfind(',') > s.rfind('.') {
            s.replace('.', "").replace(',', ".")
        } else {
            s.replace(',', "")
        }
    } else if dots > 0 {
        if dots > 1 || grouped_by('.') {
            s.replace('.', "")
        } else {
            s.to_string()
        }
    } else if commas > 1 && grouped_by(',') {
        s.replace(',', "")
    } else {
        s.replace(',', ".")
    };
    normal.parse().ok()
}

/// "1/2/2024" -> 2024-02-01, "31/8" after a date word -> --08-31, "12/2023" after "tháng" ->
/// 2023-12, "14:14" -> TIME 14:14.
fn date_or_time(word: &str, prev: &str) -> Option<(Label, String)> {
    if let Some((h, m)) = word.split_once(':') {
        let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
        return (h < 24 && m < 60).then(|| (Label::Time, format!("{h:02}:{m:02}")));
    }
    if let Some((h, m)) = word.split_once('h') {
        let h: u32 = h.parse().ok()?;
        let m: u32 = if m.is_empty() { 0 } else { m.parse().ok()? };
        return (h < 24 && m < 60).then(|| (Label::Time, format!("{h:02}:{m:02}")));
    }
    let parts: Vec<&str> = word.split(['/', '-']).collect();
    let nums: Vec<u32> = parts
        .iter()
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let valid_day = |d: u32| (1..=31).contains(&d);
    let valid_month = |m: u32| (1..=12).contains(&m);
    let valid_year = |y: u32, p: &str| p.len() == 4 && (1000..=2200).contains(&y);
    match *nums.as_slice() {
        [d, m, y] if valid_day(d) && valid_month(m) && valid_year(y, parts[2]) => {
            Some((Label::Date, format!("{y:04}-{m:02}-{d:02}")))
        }
        [m, y] if prev == "tháng" && valid_month(m) && valid_year(y, parts[1]) => {
            Some((Label::Date, format!("{y:04}-{m:02}")))
        }
        [d, m] if valid_day(d) && valid_month(m) && is_date_word(prev) => {
            Some((Label::Date, format!("--{m:02}-{d:02}")))
        }
        _ => None,
    }
}

fn is_date_word(k: &str) -> bool {
    matches!(
        k,
        "ngày"
            | "hôm"
            | "sáng"
            | "trưa"
            | "chiều"
            | "tối"
            | "đêm"
            | "từ"
            | "đến"
            | "tới"
            | "và"
            | "qua"
            | "nay"
            | "("
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::segment::tokenize::tokenize;

    fn run(text: &str) -> Vec<(String, &'static str, String)> {
        let toks = tokenize(text);
        let words: Vec<_> = (0..toks.len()).map(|i| i..i + 1).collect();
        tag(&SentenceView {
            text,
            tokens: &toks,
            words: &words,
        })
        .into_iter()
        .map(|e| {
            (
                text[e.start..e.end].to_string(),
                e.label.as_str(),
                e.value.unwrap_or_default(),
            )
        })
        .collect()
    }

    fn one(text: &str) -> (String, &'static str, String) {
        let mut v = run(text);
        assert_eq!(v.len(), 1, "{text}: {v:?}");
        v.remove(0)
    }

    #[test]
    fn numbers_parse_the_vietnamese_way() {
        assert_eq!(parse_number("4.700"), Some(4700.0));
        assert_eq!(parse_number("8,8"), Some(8.8));
        assert_eq!(parse_number("1.234,5"), Some(1234.5));
        assert_eq!(parse_number("2.5"), Some(2.5));
        assert_eq!(parse_number("abc"), None);
    }

    #[test]
    fn dates_and_times() {
        assert_eq!(
            one("vào ngày 31/8 tới"),
            ("31/8".into(), "DATE", "--08-31".into())
        );
        assert_eq!(
            one("ngày 1/2/2024"),
            ("1/2/2024".into(), "DATE", "2024-02-01".into())
        );
        assert_eq!(
            one("hồi tháng 12/2023"),
            ("12/2023".into(), "DATE", "2023-12".into())
        );
        assert_eq!(
            one("trong năm 2024"),
            ("2024".into(), "DATE", "2024".into())
        );
        assert_eq!(one("lúc 14:14"), ("14:14".into(), "TIME", "14:14".into()));
        // a fraction is not a date without a date word before it
        assert!(run("tỷ lệ 3/4 số phiếu").is_empty());
    }

    #[test]
    fn money_percent_quantity() {
        assert_eq!(
            one("gói 60 triệu USD"),
            ("60 triệu USD".into(), "MONEY", "60000000 USD".into())
        );
        assert_eq!(
            one("lên 8 tỷ euro"),
            ("8 tỷ euro".into(), "MONEY", "8000000000 EUR".into())
        );
        assert_eq!(
            one("(8,8 tỷ USD)"),
            ("8,8 tỷ USD".into(), "MONEY", "8800000000 USD".into())
        );
        assert_eq!(
            one("giá 50.000 đồng"),
            ("50.000 đồng".into(), "MONEY", "50000 VND".into())
        );
        assert_eq!(one("tăng 8,8%"), ("8,8%".into(), "PERCENT", "8.8%".into()));
        assert_eq!(
            one("giảm 5 phần trăm"),
            ("5 phần trăm".into(), "PERCENT", "5%".into())
        );
        assert_eq!(
            one("4.700 binh sĩ"),
            ("4.700 binh sĩ".into(), "QUANTITY", "4700 binh sĩ".into())
        );
        assert_eq!(
            one("tầm bắn 300 km"),
            ("300 km".into(), "QUANTITY", "300 km".into())
        );
        assert_eq!(
            one("đạn 105mm"),
            ("105mm".into(), "QUANTITY", "105 mm".into())
        );
    }
}
