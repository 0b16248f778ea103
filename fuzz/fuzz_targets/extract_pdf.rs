//! Fuzz the PDF extractor in-process (the product runs it in the isolated child; here any panic,
//! hang or blow-up is a bug to fix). Run: `cargo fuzz run --sanitizer none extract_pdf`.
#![no_main]

use std::sync::LazyLock;

use bmnn_scan::{MarkingDetector, MarkingSpec};
use libfuzzer_sys::fuzz_target;

/// Built once: the automaton is not what is being fuzzed.
static DETECTOR: LazyLock<MarkingDetector> = LazyLock::new(|| MarkingDetector::new(&MarkingSpec::default_set()));

fuzz_target!(|data: &[u8]| {
    let limits = bmnn_scan::Limits::default();
    if let Ok(x) = bmnn_scan::extract::pdf::extract(data, &limits) {
        let _ = DETECTOR.detect(&x);
    }
});
