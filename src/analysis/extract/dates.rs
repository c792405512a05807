//! Publish dates as pages write them ("Feb 08, 2022", "Thu, 09/25/2025 - 11:38",
//! "25.Jun.2019", "2025-11-7", "06/11/2024 14:14") turned into ISO 8601.

/// Day-first is the reading of "06/11/2024" everywhere but in American English.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// dd/mm/yyyy (Vietnamese, most of the world).
    DayFirst,
    /// mm/dd/yyyy (US English pages).
    MonthFirst,
}

impl Order {
    /// From the page's language tag: "en-US"/"en" read month first, everything else day first.
    pub fn for_language(lang: Option<&str>) -> Self {
        match lang.map(str::to_ascii_lowercase) {
            Some(l) if l == "en" || l.starts_with("en-us") || l.starts_with("en_us") => {
                Order::MonthFirst
            }
            None => Order::MonthFirst,
            _ => Order::DayFirst,
        }
    }
}

/// A date value from a <meta>, JSON-LD or <time> attribute: kept as it is when already ISO
/// 8601 with a four-digit year, otherwise parsed like visible text.
pub fn normalize(value: &str, order: Order) -> Option<String> {
    let v = value.trim();
    let b = v.as_bytes();
    let iso = b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
        && b[8..10].iter().all(u8::is_ascii_digit)
        && (b.len() == 10 || b[10] == b'T');
    if iso {
        return Some(v.to_string());
    }
    find(v, order)
}

/// The first date written in `text`, as "YYYY-MM-DD".
pub fn find(text: &str, order: Order) -> Option<String> {
    let words = split(text);
    for i in 0..words.len() {
        if let Some(d) = date_at(&words[i..], order) {
            return Some(d);
        }
    }
    None
}

/// Pieces of a date: runs of digits, runs of letters, and the separators between them.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Piece<'a> {
    Num(&'a str),
    Word(&'a str),
    Sep(char),
}

fn split(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    let mut kind = 0u8; // 1 digits, 2 letters
    fn flush<'a>(out: &mut Vec<Piece<'a>>, s: usize, e: usize, k: u8, text: &'a str) {
        if k == 1 {
            out.push(Piece::Num(&text[s..e]));
        } else if k == 2 {
            out.push(Piece::Word(&text[s..e]));
        }
    }
    for (i, c) in text.char_indices() {
        let k = if c.is_ascii_digit() {
            1
        } else if c.is_alphabetic() {
            2
        } else {
            0
        };
        if k != kind || k == 0 {
            if let Some(s) = start.take() {
                flush(&mut out, s, i, kind, text);
            }
            if k == 0 {
                if !c.is_whitespace() {
                    out.push(Piece::Sep(c));
                } else if !matches!(out.last(), Some(Piece::Sep(' '))) {
                    out.push(Piece::Sep(' '));
                }
            } else {
                start = Some(i);
            }
            kind = k;
        }
    }
    if let Some(s) = start {
        flush(&mut out, s, text.len(), kind, text);
    }
    out
}

fn month_named(w: &str) -> Option<u32> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let w = w.to_ascii_lowercase();
    if w.len() < 3 || w.len() > 9 {
        return None;
    }
    let m = MONTHS.iter().position(|m| w.starts_with(m))? as u32 + 1;
    // "march" yes, "mayor" no: past three letters the word must be the month's name.
    const FULL: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let full = FULL[m as usize - 1];
    (w.len() == 3 || full.starts_with(&w) || (m == 9 && w == "sept")).then_some(m)
}

fn num(p: Option<&Piece<'_>>, digits: std::ops::RangeInclusive<usize>) -> Option<u32> {
    match p {
        Some(Piece::Num(n)) if digits.contains(&n.len()) => n.parse().ok(),
        _ => None,
    }
}

fn is_sep(p: Option<&Piece<'_>>, allowed: &[char]) -> bool {
    matches!(p, Some(Piece::Sep(c)) if allowed.contains(c))
}

fn iso(y: u32, m: u32, d: u32) -> Option<String> {
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => return None,
    };
    ((1900..=2100).contains(&y) && (1..=days).contains(&d)).then(|| format!("{y:04}-{m:02}-{d:02}"))
}

/// A date starting at `p[0]`, if one does.
fn date_at(p: &[Piece<'_>], order: Order) -> Option<String> {
    let at = |i: usize| p.get(i);
    // Skip a separator between pieces: "Feb 08, 2022" -> Word Sep Num Sep Sep Num.
    let next = |mut i: usize| {
        while matches!(at(i), Some(Piece::Sep(' ' | ',' | '.' | '-' | '/'))) {
            i += 1;
        }
        i
    };
    match at(0)? {
        Piece::Num(first) => {
            // 2025-11-07, 2025/11/07, 2025.11.07
            if first.len() == 4 {
                let s = at(1);
                if is_sep(s, &['-', '/', '.']) {
                    let m = num(at(2), 1..=2)?;
                    if at(3) == s {
                        let d = num(at(4), 1..=2)?;
                        return iso(first.parse().ok()?, m, d);
                    }
                }
                return None;
            }
            if first.len() > 2 {
                return None;
            }
            let a: u32 = first.parse().ok()?;
            // 25.Jun.2019, 14 November 2025, 3rd March 2024
            let mut i = 1;
            if let Some(Piece::Word(w)) = at(i) {
                if ["st", "nd", "rd", "th"].contains(&w.to_ascii_lowercase().as_str()) {
                    i += 1;
                }
            }
            let j = next(i);
            if let Some(Piece::Word(w)) = at(j) {
                let m = month_named(w)?;
                let k = next(j + 1);
                let y = num(at(k), 4..=4)?;
                return iso(y, m, a);
            }
            // 09/25/2025, 06/11/2024, 02-12-2025, 24.06.2025
            let s = at(1);
            if !is_sep(s, &['/', '-', '.']) {
                return None;
            }
            let b = num(at(2), 1..=2)?;
            if at(3) != s {
                return None;
            }
            let y = num(at(4), 4..=4)?;
            let (d, m) = match order {
                _ if a > 12 => (a, b),
                _ if b > 12 => (b, a),
                Order::DayFirst => (a, b),
                Order::MonthFirst => (b, a),
            };
            iso(y, m, d)
        }
        Piece::Word(w) => {
            // Feb 08, 2022 / November 25, 2025 / Sept. 3 2024
            let m = month_named(w)?;
            let j = next(1);
            let d = num(at(j), 1..=2)?;
            let mut k = j + 1;
            if let Some(Piece::Word(w)) = at(k) {
                if ["st", "nd", "rd", "th"].contains(&w.to_ascii_lowercase().as_str()) {
                    k += 1;
                }
            }
            let k = next(k);
            let y = num(at(k), 4..=4)?;
            iso(y, m, d)
        }
        Piece::Sep(_) => None,
    }
}

/// "06/11/2024 14:14", "6/11/2024" or "ngày 6 tháng 11 năm 2024" anywhere in a line ->
/// "2024-11-06T14:14:00" / "2024-11-06" (older portals write one-digit days and months, and
/// date lines spelled out: "Thứ Bảy, Ngày 24 tháng 12 năm 2022").
pub fn vietnamese_timestamp(line: &str) -> Option<String> {
    numeric_timestamp(line).or_else(|| spelled_date(line))
}

fn numeric_timestamp(line: &str) -> Option<String> {
    let bytes = line.as_bytes();
    let digits = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    for i in 0..bytes.len() {
        if !bytes[i].is_ascii_digit() || (i > 0 && bytes[i - 1].is_ascii_digit()) {
            continue;
        }
        let dl = digits(i);
        let m = i + dl + 1;
        if !(1..=2).contains(&dl) || bytes.get(i + dl) != Some(&b'/') || m >= bytes.len() {
            continue;
        }
        let ml = digits(m);
        let y = m + ml + 1;
        if !(1..=2).contains(&ml) || bytes.get(m + ml) != Some(&b'/') || y >= bytes.len() {
            continue;
        }
        if digits(y) != 4 {
            continue;
        }
        let (dn, mn): (u32, u32) = (line[i..i + dl].parse().ok()?, line[m..m + ml].parse().ok()?);
        if !(1..=31).contains(&dn) || !(1..=12).contains(&mn) {
            continue;
        }
        let date = format!("{}-{mn:02}-{dn:02}", &line[y..y + 4]);
        let time = line[y + 4..].trim_start_matches([' ', '-', '|', ',']);
        let t = time.as_bytes();
        if t.len() >= 5
            && t[0].is_ascii_digit()
            && t[1].is_ascii_digit()
            && t[2] == b':'
            && t[3].is_ascii_digit()
            && t[4].is_ascii_digit()
        {
            return Some(format!("{date}T{}:00", &time[..5]));
        }
        return Some(date);
    }
    None
}

/// "ngày 24 tháng 12 năm 2022" (any case) -> "2022-12-24".
fn spelled_date(line: &str) -> Option<String> {
    // Most short lines have no "tháng": no words split and lowercased for them.
    if !(line.contains("háng") || line.contains("HÁNG")) {
        return None;
    }
    let words: Vec<String> = line
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .map(crate::analysis::normalize::lowercase)
        .collect();
    words.windows(6).find_map(|w| {
        let num = |s: &str, len: std::ops::RangeInclusive<usize>| {
            (len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
                .then(|| s.parse::<u32>().ok())
                .flatten()
        };
        if w[0] != "ngày" || w[2] != "tháng" || w[4] != "năm" {
            return None;
        }
        let (d, m, y) = (num(&w[1], 1..=2)?, num(&w[3], 1..=2)?, num(&w[5], 4..=4)?);
        ((1..=31).contains(&d) && (1..=12).contains(&m)).then(|| format!("{y}-{m:02}-{d:02}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ways_pages_write_dates() {
        let us = Order::MonthFirst;
        let vi = Order::DayFirst;
        let cases = [
            ("Feb 08, 2022", us, "2022-02-08"),
            ("Thu, 09/25/2025 - 11:38", us, "2025-09-25"),
            ("on Friday December 19, 2025 @08:00PM", us, "2025-12-19"),
            ("25.Jun.2019", us, "2019-06-25"),
            ("2025-11-7", us, "2025-11-07"),
            ("4/24/2000 12:00:00 AM", us, "2000-04-24"),
            ("02-12-2025", vi, "2025-12-02"),
            ("Quốc tế 06/11/2024 14:14", vi, "2024-11-06"),
            ("Updated 3rd March 2024", us, "2024-03-03"),
            ("Sept. 3, 2024", us, "2024-09-03"),
        ];
        for (text, order, want) in cases {
            assert_eq!(find(text, order).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn not_dates() {
        for text in [
            "01/07/16",
            "Mayor 12, 2024",
            "31/02/2024",
            "version 1.2.3",
            "12345",
            "",
        ] {
            assert_eq!(find(text, Order::MonthFirst), None, "{text}");
        }
    }

    #[test]
    fn iso_values_are_kept() {
        assert_eq!(
            normalize("2024-11-06T14:14:00+07:00", Order::DayFirst).as_deref(),
            Some("2024-11-06T14:14:00+07:00")
        );
        assert_eq!(
            normalize("Nov 05, 2025", Order::MonthFirst).as_deref(),
            Some("2025-11-05")
        );
    }
}
