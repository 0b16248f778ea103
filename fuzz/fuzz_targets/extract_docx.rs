//! Fuzz the DOCX extractor in-process (the product runs it in the isolated child; here any panic,
//! hang or blow-up is a bug to fix). Run: `cargo fuzz run --sanitizer none extract_docx`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = bmnn_scan::Limits::default();
    if let Ok(x) = bmnn_scan::extract::docx::extract(data, &limits) {
        let _ = bmnn_scan::MarkingDetector::new(&bmnn_scan::MarkingSpec::default_set()).detect(&x);
    }
});
