//! Property tests: for any input, words and entities lie on char boundaries, in order, inside
//! their sentences, never overlapping; every visible character is inside some word; plain text
//! comes back unchanged.
use proptest::prelude::*;
use vitext::analysis::pipeline::Content;
use vitext::analysis::{AnalysisError, Cancel, Options, Pipeline};

fn invisible(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{200B}'..='\u{200F}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}'
        )
}

/// Text that looks like news more often than random Unicode would.
fn newsy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(vec![
            "Bộ", "trưởng", "Quốc", "phòng", "Mỹ", "Lloyd", "J.", "Austin", "thăm", "Lầu", "Năm", "Góc", "ngày", "31/8",
            "4.700", "8,8", "tỷ", "USD", "TP.HCM", "F-16", "Mỹ-Ukraine", "https://vnexpress.net/a-b.html", "a@b.vn", "“", "”",
            "\"", "(", ")", ".", ",", "…", "...", "./.", "|", "•", "hoà", "hòa", "thuỷ", "qúy", "Vie\u{302}\u{323}t", "😀",
            "北京", "مرحبا", "\u{200b}", "\u{301}\u{301}", "\u{0}", "%", "$", "—",
        ]).prop_map(str::to_string),
        1 => any::<String>(),
    ];
    let sep = prop::sample::select(vec![" ", " ", " ", "", "\n", "  ", "\t", "\u{a0}"]);
    prop::collection::vec((piece, sep), 0..40)
        .prop_map(|v| v.into_iter().map(|(p, s)| p + s).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn offsets_are_sound(text in newsy()) {
        let pipeline = Pipeline::default();
        let r = pipeline.analyze(Content::Text(&text), &Options::default(), &Cancel::new());
        // The one refusal plain text can get: nothing visible in it.
        let a = match r {
            Ok(a) => a,
            Err(AnalysisError::Empty("text")) if text.trim().is_empty() => return Ok(()),
            Err(e) => return Err(TestCaseError::fail(format!("{e} for {text:?}"))),
        };
        prop_assert_eq!(&a.text, &text);
        let mut covered = vec![false; text.len()];
        let mut last_end = 0;
        for s in &a.sentences {
            prop_assert!(s.range.start >= last_end && s.range.start < s.range.end && s.range.end <= text.len());
            prop_assert!(text.is_char_boundary(s.range.start) && text.is_char_boundary(s.range.end));
            let mut w_end = s.range.start;
            for w in &s.words {
                prop_assert!(w.start >= w_end && w.start < w.end && w.end <= s.range.end, "word {:?} in {:?}", w, s.range);
                prop_assert!(text.is_char_boundary(w.start) && text.is_char_boundary(w.end));
                covered[w.clone()].iter_mut().for_each(|c| *c = true);
                w_end = w.end;
            }
            // Every word tagged, or none (text the Vietnamese models do not run on).
            prop_assert!(s.tags.is_empty() || s.tags.len() == s.words.len());
            last_end = s.range.end;
        }
        for (i, c) in text.char_indices() {
            if !invisible(c) && !unicode_normalization::char::is_combining_mark(c) {
                prop_assert!(covered[i], "{:?} at {} is in no word", c, i);
            }
        }
        let bounds: std::collections::HashSet<usize> =
            a.sentences.iter().flat_map(|s| s.words.iter().flat_map(|w| [w.start, w.end])).collect();
        let mut e_end = 0;
        for e in &a.entities {
            prop_assert!(e.start >= e_end && e.start < e.end, "entities overlap: {:?}", a.entities);
            prop_assert!(bounds.contains(&e.start) && bounds.contains(&e.end), "entity {:?} off word boundaries", e);
            e_end = e.end;
        }
    }
}
