//! Any text: sentences and words lie on char boundaries, in order, inside the text and inside
//! their sentence, never overlapping; every word has one part-of-speech tag.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vitext::analysis::{Cancel, Content, Options, Pipeline, Stages};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let opts = Options {
        stages: Stages {
            extract: Some(false),
            segment: true,
            entities: false,
            pos: true,
        },
        ..Options::default()
    };
    let Ok(a) = pipeline().analyze(Content::Text(&text), &opts, &Cancel::new()) else {
        return;
    };
    let mut last = 0;
    for s in &a.sentences {
        assert!(last <= s.range.start && s.range.start <= s.range.end && s.range.end <= a.text.len());
        assert!(a.text.is_char_boundary(s.range.start) && a.text.is_char_boundary(s.range.end));
        let mut w_last = s.range.start;
        for w in &s.words {
            assert!(w_last <= w.start && w.start < w.end && w.end <= s.range.end, "{w:?} in {:?}", s.range);
            assert!(a.text.is_char_boundary(w.start) && a.text.is_char_boundary(w.end));
            w_last = w.end;
        }
        // One part-of-speech tag per word.
        assert_eq!(s.tags.len(), s.words.len());
        last = s.range.end;
    }
});

fn pipeline() -> &'static Pipeline {
    static P: std::sync::OnceLock<Pipeline> = std::sync::OnceLock::new();
    P.get_or_init(Pipeline::default)
}
