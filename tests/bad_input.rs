//! Hostile and odd input through the whole pipeline: a clear error or a valid answer, never a
//! panic or a hang, and the output invariants hold.
use vitext::analysis::pipeline::{Analysis, Content};
use vitext::analysis::{AnalysisError, Cancel, Options, Pipeline};

fn opts() -> Options {
    Options {
        max_bytes: 64 << 20,
        ..Options::default()
    }
}

/// Offsets on char boundaries, in order, inside the text; words inside sentences; entities on
/// word boundaries.
fn check(a: &Analysis) {
    let t = &a.text;
    let mut last = 0;
    for s in &a.sentences {
        assert!(s.range.start >= last && s.range.end <= t.len());
        assert!(t.is_char_boundary(s.range.start) && t.is_char_boundary(s.range.end));
        let mut w_last = s.range.start;
        for w in &s.words {
            assert!(w.start >= w_last && w.start < w.end && w.end <= s.range.end);
            assert!(t.is_char_boundary(w.start) && t.is_char_boundary(w.end));
            w_last = w.end;
        }
        last = s.range.end;
    }
    let starts: std::collections::HashSet<usize> = a
        .sentences
        .iter()
        .flat_map(|s| s.words.iter().map(|w| w.start))
        .collect();
    let ends: std::collections::HashSet<usize> = a
        .sentences
        .iter()
        .flat_map(|s| s.words.iter().map(|w| w.end))
        .collect();
    for e in &a.entities {
        assert!(
            starts.contains(&e.start) && ends.contains(&e.end),
            "entity {e:?} off word boundaries"
        );
    }
}

fn run(content: Content<'_>) -> Result<Analysis, AnalysisError> {
    let r = Pipeline::default().analyze(content, &opts(), &Cancel::new());
    if let Ok(a) = &r {
        check(a);
    }
    r
}

#[test]
fn empty_and_blank_are_invalid() {
    assert!(matches!(
        run(Content::Text("")),
        Err(AnalysisError::Empty(_))
    ));
    assert!(matches!(
        run(Content::Text(" \n\u{200b} \t")),
        Ok(_) | Err(AnalysisError::Empty(_))
    ));
    assert!(matches!(
        run(Content::Raw {
            bytes: b"",
            content_type: ""
        }),
        Err(AnalysisError::Empty(_))
    ));
}

#[test]
fn over_the_limit_is_out_of_range() {
    let text = "a".repeat(1000);
    let r = Pipeline::default().analyze(
        Content::Text(&text),
        &Options {
            max_bytes: 999,
            ..opts()
        },
        &Cancel::new(),
    );
    assert!(matches!(
        r,
        Err(AnalysisError::TooLarge {
            size: 1000,
            limit: 999
        })
    ));
}

#[test]
fn three_megabytes_without_a_space() {
    let text = "Việt".repeat(3 << 20 >> 3);
    let a = run(Content::Text(&text)).expect("valid");
    assert_eq!(a.sentences.len(), 1);
    let dotted = "a.".repeat(1 << 20);
    run(Content::Text(&dotted)).expect("valid");
    let digits = "1,2".repeat(1 << 20);
    run(Content::Text(&digits)).expect("valid");
}

#[test]
fn nul_bytes_and_invalid_utf8() {
    run(Content::Text("Hà\0Nội\0 \0")).expect("NUL is skipped like a control character");
    let mut bytes = "Xin chào Hà Nội ".as_bytes().to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28, 0x80]);
    bytes.extend_from_slice("và Đà Nẵng.".as_bytes());
    let a = run(Content::Raw {
        bytes: &bytes,
        content_type: "text/plain; charset=utf-8",
    })
    .expect("sniffed");
    assert!(a.text.contains("Xin ch"));
    let garbage: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8 & 0x1f)
        .collect();
    assert!(matches!(
        run(Content::Raw {
            bytes: &garbage,
            content_type: ""
        }),
        Err(AnalysisError::Binary(_))
    ));
}

#[test]
fn deep_and_wide_html() {
    let deep = format!(
        "<html><body>{}<p>Bài viết chính nằm ở đây với đủ chữ để được giữ lại.</p>{}</body></html>",
        "<div>".repeat(200_000),
        "</div>".repeat(200_000)
    );
    let a = run(Content::Html(&deep)).expect("valid");
    assert!(a.text.contains("Bài viết chính"));
    let deep_b = "<b>".repeat(200_000) + "chữ";
    run(Content::Html(&deep_b)).expect("valid");
    let wide = "<p>Một đoạn.</p>".repeat(100_000);
    run(Content::Html(&format!("<html><body>{wide}</body></html>"))).expect("valid");
    let one_tag = format!(
        "<html><body><div class=\"{}\">x</div></body></html>",
        "a".repeat(10 << 20)
    );
    run(Content::Html(&one_tag)).expect("valid");
    let unclosed =
        "<html><body><p>Đoạn một <b>đậm <i>nghiêng <a href='x'>liên kết <table><tr><td>ô"
            .repeat(1000);
    run(Content::Html(&unclosed)).expect("valid");
    // All markup and no text: an answer with no text, not a panic or a hang.
    let no_gt = "<a".repeat(1 << 20);
    let a = run(Content::Html(&no_gt)).expect("valid");
    assert!(a.text.is_empty() && a.sentences.is_empty(), "{:?}", a.text);
}

#[test]
fn many_tiny_paragraphs() {
    let text = "Tin.\n".repeat(100_000);
    let a = run(Content::Text(&text)).expect("valid");
    assert_eq!(a.sentences.len(), 100_000);
    let x = Pipeline::default()
        .analyze(
            Content::Text(&text),
            &Options {
                stages: vitext::analysis::Stages {
                    extract: Some(true),
                    ..vitext::analysis::Stages::ALL
                },
                ..opts()
            },
            &Cancel::new(),
        )
        .expect("valid");
    // One line repeated: it is kept once at most (repeats of a line are dropped), and an
    // empty answer says so rather than failing.
    assert!(
        x.extracted && (x.text.is_empty() || x.text == "Tin."),
        "{}",
        x.text
    );
    if x.text.is_empty() {
        assert_eq!(x.notes, ["extraction found no article text on the page"]);
    }
}

#[test]
fn other_scripts_emoji_and_invisible_characters() {
    for text in [
        "مرحبا بالعالم. שלום עולם.",
        "北京欢迎你。東京タワー。서울 특별시.",
        "Tin vui 😀🎉👍🏽 hôm nay! 👨‍👩‍👧‍👦",
        "Hà\u{200b}Nội\u{200d} và\u{feff} Huế\u{2060}.",
        "a\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301}\u{301} \u{301}\u{301}\u{301} x\u{323}\u{323}",
        "\u{202e}RTL override\u{202c} và tiếng Việt.",
    ] {
        run(Content::Text(text)).expect("valid");
    }
    let pile = format!("e{}", "\u{301}".repeat(1 << 20));
    run(Content::Text(&pile)).expect("valid");
}

#[test]
fn megabytes_of_one_entity_looking_word() {
    let text = "Nguyễn ".repeat(300_000);
    let a = run(Content::Text(&text)).expect("valid");
    assert!(!a.sentences.is_empty());
    let caps = "ATACMS F-16 MH370 TP.HCM ".repeat(50_000);
    run(Content::Text(&caps)).expect("valid");
}

#[test]
fn cancelled_work_stops() {
    let cancel = Cancel::new();
    cancel.cancel();
    let text = "Ông Minh đến Hà Nội. ".repeat(1000);
    assert!(matches!(
        Pipeline::default().analyze(Content::Text(&text), &opts(), &cancel),
        Err(AnalysisError::Cancelled)
    ));
}

#[test]
fn a_model_directory_overrides_or_is_refused() {
    let dir = std::env::temp_dir().join(format!("vitext-models-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("segmenter.bin"),
        vitext::analysis::segment::perceptron::EMBEDDED_SEGMENTER,
    )
    .unwrap();
    let (p, read) = Pipeline::from_dir(&dir).expect("valid model dir");
    assert_eq!(read, ["segmenter.bin"]);
    let a = p
        .analyze(
            Content::Text("Bộ trưởng Quốc phòng thăm Hà Nội."),
            &opts(),
            &Cancel::new(),
        )
        .unwrap();
    assert!(a.sentences[0].words.len() < 7);
    std::fs::write(dir.join("segmenter.bin"), b"not a model").unwrap();
    assert!(
        Pipeline::from_dir(&dir).is_err(),
        "a broken model file is refused, not ignored"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
