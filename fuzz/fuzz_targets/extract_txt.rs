//! Fuzz the TXT extractor in-process (the product runs it in the isolated child; here any panic,
//! hang or blow-up is a bug to fix). Run: `cargo fuzz run --sanitizer none extract_txt`.
#![no_main]

use std::sync::LazyLock;

use bmnn_scan::{MarkingDetector, MarkingSpec};
use libfuzzer_sys::fuzz_target;

/// Built once: the automaton is not what is being fuzzed.
static DETECTOR: LazyLock<MarkingDetector> = LazyLock::new(|| MarkingDetector::new(&MarkingSpec::default_set()));

fuzz_target!(|data: &[u8]| {
    let x = bmnn_scan::extract::txt::extract(data);
    let _ = DETECTOR.detect(&x);
});
