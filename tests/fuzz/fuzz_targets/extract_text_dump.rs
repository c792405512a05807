//! Any page dump: the line classifier answers without panicking and keeps only text of the
//! input (compared after NFC and whitespace folding, which extraction applies).
#![no_main]
use libfuzzer_sys::fuzz_target;
use unicode_normalization::UnicodeNormalization;
use vitext::analysis::extract::text_dump;

fn fold(s: &str) -> String {
    s.nfc().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

fuzz_target!(|data: &[u8]| {
    let page = String::from_utf8_lossy(data);
    let out = text_dump::extract(&page, data.first().is_some_and(|b| b & 1 == 1));
    let folded = fold(&page);
    for line in out.text.lines() {
        let line = fold(line);
        assert!(folded.contains(&line), "kept text that was not in the page: {line:?}");
    }
});
