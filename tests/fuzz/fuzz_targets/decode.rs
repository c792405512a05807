//! Any bytes under any declared content type decode to text or a clear error, never a panic;
//! valid UTF-8 declared as UTF-8 comes back unchanged.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vitext::analysis::decode;

const TYPES: &[&str] = &[
    "",
    "text/html",
    "text/plain; charset=utf-8",
    "text/html; charset=windows-1258",
    "text/html; charset=utf-16",
    "text/plain; charset=shift_jis",
    "text/html; charset=nonsense",
    "application/octet-stream",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let content_type = TYPES[pick as usize % TYPES.len()];
    if let Ok(decoded) = decode::decode(bytes, content_type) {
        let utf8_without_bom = !bytes.starts_with(&[0xEF, 0xBB, 0xBF])
            && !bytes.starts_with(&[0xFF, 0xFE])
            && !bytes.starts_with(&[0xFE, 0xFF]);
        if content_type.ends_with("utf-8") && utf8_without_bom {
            if let Ok(s) = std::str::from_utf8(bytes) {
                assert_eq!(decoded.text, s);
            }
        }
    }
});
