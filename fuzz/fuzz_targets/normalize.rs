//! Fuzz the normaliser and legacy decoders: no panics, valid offset maps, idempotent views.
//! Run: `cargo fuzz run --sanitizer none normalize`.
#![no_main]

use bmnn_scan::{legacy, normalize};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let s = String::from_utf8_lossy(data);
    let v = normalize::views(&s);
    assert_eq!(v.exact.map.len(), v.exact.text.len() + 1);
    assert_eq!(v.folded.map.len(), v.folded.text.len() + 1);
    for &m in v.exact.map.iter().chain(v.folded.map.iter()) {
        assert!(s.is_char_boundary(m as usize));
    }
    assert_eq!(normalize::views(&v.exact.text).exact.text, v.exact.text);
    let f = normalize::fold(&s);
    assert_eq!(normalize::fold(&f), f);
    for alt in [legacy::decode_tcvn3(&s, true), legacy::decode_vni(&s), legacy::decode_viqr(&s)] {
        let _ = normalize::views(&alt);
    }
});
