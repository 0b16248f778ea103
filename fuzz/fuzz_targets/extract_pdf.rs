//! Fuzz the PDF extractor in-process (the product runs it in the isolated child; here any panic,
//! hang or blow-up is a bug to fix). Run: `cargo fuzz run --sanitizer none extract_pdf`.
//!
//! pdf-extract (the fallback) panics by design on some inputs (jrmuizel/pdf-extract#47); our
//! extractor catches those. libfuzzer-sys's panic hook would abort even on a caught panic, so it is
//! replaced by a silent one: a panic that escapes our code still aborts and is reported.
#![no_main]

use std::sync::{LazyLock, Once};

use bmnn_scan::{MarkingDetector, MarkingSpec};
use libfuzzer_sys::fuzz_target;

/// Built once: the automaton is not what is being fuzzed.
static DETECTOR: LazyLock<MarkingDetector> = LazyLock::new(|| MarkingDetector::new(&MarkingSpec::default_set()));
static HOOK: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    HOOK.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let limits = bmnn_scan::Limits::default();
    if let Ok(x) = bmnn_scan::extract::pdf::extract(data, &limits) {
        let _ = DETECTOR.detect(&x);
    }
});
