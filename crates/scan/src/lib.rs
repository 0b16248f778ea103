//! bmnn-scan — the leak scanner (công cụ kiểm tra lộ lọt bí mật nhà nước): extracts text from
//! untrusted DOCX/PDF/HTML/TXT files in an isolated child process, repairs legacy Vietnamese
//! encodings per run, normalises Vietnamese text into exact and folded views with offset maps,
//! detects classification stamps (dấu chỉ độ mật) and passages copied from registered classified
//! documents (winnowing fingerprints), and reports verdicts in Vietnamese, JSON or SARIF.
//!
//! Design and test cases: `shared/spec/scanner.md`; usage and benchmark: `docs/scanner.md`.
//! Invariant: nothing in this crate prints or logs document text beyond the matched stamp phrase.
#![forbid(unsafe_code)]

pub mod cli;
pub mod extract;
pub mod fingerprint;
pub mod isolate;
pub mod legacy;
pub mod marking;
pub mod model;
pub mod normalize;
pub mod report;
pub mod sandbox;
pub mod verdict;

pub use cli::{OutputFormat, ScanArgs, run_cli, scan_paths};
pub use extract::{ExtractError, Limits};
pub use fingerprint::{CopyMatch, FingerprintIndex, IndexError};
pub use isolate::{ExtractPool, Isolation, PoolStats, child_main, extract_isolated};
pub use marking::{Confidence, MarkingDetector, MarkingKind, MarkingSpec, SecrecyLevel};
pub use model::{Extracted, Part, TextUnit};
pub use normalize::fold;
pub use sandbox::SandboxReport;
pub use verdict::{
    FileVerdict, Finding, FindingKind, HIDDEN_MATCH_REASON, Location, Scanner, Severity, Verdict,
    hidden_copy_finding, redact_copies, scan_bytes, scan_extracted,
};
