//! Any page dump: the line classifier answers without panicking and keeps only text of the
//! input (compared after NFC and whitespace folding, which extraction applies).
#![no_main]
use libfuzzer_sys::fuzz_target;
use unicode_normalization::UnicodeNormalization;
use vitext::analysis::extract::classifier::BlockModel;
use vitext::analysis::extract::text_dump;

fn fold(s: &str) -> String {
    s.nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The embedded block model of dumps, loaded once.
fn model() -> &'static BlockModel {
    static MODEL: std::sync::OnceLock<BlockModel> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| {
        BlockModel::embedded_with_portals().expect("the embedded block model of dumps loads")
    })
}

fuzz_target!(|data: &[u8]| {
    let page = String::from_utf8_lossy(data);
    let out = text_dump::extract(&page, data.first().is_some_and(|b| b & 1 == 1), model());
    let folded = fold(&page);
    for line in out.text.lines() {
        let line = fold(line);
        assert!(
            folded.contains(&line),
            "kept text that was not in the page: {line:?}"
        );
    }
});
