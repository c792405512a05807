//! Any text: entities start and end on word boundaries, in order, without overlap, with a
//! confidence in [0, 1].
#![no_main]
use libfuzzer_sys::fuzz_target;
use vitext::analysis::{Cancel, Content, Options, Pipeline};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let opts = Options::default();
    let Ok(a) = pipeline().analyze(Content::Text(&text), &opts, &Cancel::new()) else {
        return;
    };
    let starts: std::collections::HashSet<usize> =
        a.sentences.iter().flat_map(|s| s.words.iter().map(|w| w.start)).collect();
    let ends: std::collections::HashSet<usize> =
        a.sentences.iter().flat_map(|s| s.words.iter().map(|w| w.end)).collect();
    let mut last = 0;
    for e in &a.entities {
        assert!(last <= e.start && e.start < e.end && e.end <= a.text.len(), "{e:?}");
        assert!(starts.contains(&e.start) && ends.contains(&e.end), "{e:?} not on words");
        assert!((0.0..=1.0).contains(&e.confidence), "{e:?}");
        last = e.end;
    }
});

fn pipeline() -> &'static Pipeline {
    static P: std::sync::OnceLock<Pipeline> = std::sync::OnceLock::new();
    P.get_or_init(Pipeline::default)
}
