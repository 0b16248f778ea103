//! Fuzz the TXT extractor in-process (the product runs it in the isolated child; here any panic,
//! hang or blow-up is a bug to fix). Run: `cargo fuzz run --sanitizer none extract_txt`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let x = bmnn_scan::extract::txt::extract(data);
    let _ = bmnn_scan::MarkingDetector::new(&bmnn_scan::MarkingSpec::default_set()).detect(&x);
});
