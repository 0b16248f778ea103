//! Verdicts (kết luận kiểm tra) for one file: extraction (isolated when configured), marking
//! detection, copy detection, and every reason why the file cannot be called clean (unreadable,
//! no text layer, OCR unavailable) — those are findings too, never a silent pass.
//!
//! Evidence is limited to the matched stamp text; copied passages are reported by position and
//! registered-document label only, never by their text.

use serde::{Deserialize, Serialize};

use crate::extract::{self, ExtractError, Limits};
use crate::fingerprint::{CopyMatch, FingerprintIndex};
use crate::isolate::{Isolation, extract_isolated};
use crate::marking::{Confidence, MarkingDetector, MarkingKind, MarkingSpec, SecrecyLevel};
use crate::model::{ExtractNote, Extracted, Part};
use crate::normalize;

/// Overall decision for a file, ordered: Pass < Review < Block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Không phát hiện dấu hiệu bí mật.
    Pass,
    /// Cần kiểm tra thủ công.
    Review,
    /// Chặn: có dấu hiệu bí mật nhà nước.
    Block,
}

impl Verdict {
    pub fn vi(self) -> &'static str {
        match self {
            Verdict::Pass => "Không phát hiện dấu hiệu bí mật",
            Verdict::Review => "Cần kiểm tra thủ công",
            Verdict::Block => "Chặn: có dấu hiệu bí mật nhà nước",
        }
    }
}

/// How serious one finding is; `Info` does not change the verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Review,
    Block,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// Dấu chỉ độ mật / bản sao / thu hồi …
    Marking,
    /// Đoạn sao chép từ tài liệu mật đã đăng ký.
    Copy,
    /// Không có lớp văn bản (bản quét).
    NoTextLayer,
    /// Không có OCR để đọc ảnh.
    OcrUnavailable,
    /// Không đọc được tệp.
    Unreadable,
}

impl FindingKind {
    pub fn rule_id(self) -> &'static str {
        match self {
            FindingKind::Marking => "BMNN001",
            FindingKind::Copy => "BMNN002",
            FindingKind::NoTextLayer => "BMNN003",
            FindingKind::OcrUnavailable => "BMNN004",
            FindingKind::Unreadable => "BMNN005",
        }
    }
}

/// Where a finding is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub part: Part,
    pub page: Option<u32>,
    /// Paragraph/line index within the part (PDF: line within the page).
    pub paragraph: u32,
    /// Source part (`word/header1.xml`, `trang 2`, …).
    pub source: String,
    /// Byte range in the unit's text (after legacy repair).
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub severity: Severity,
    pub location: Option<Location>,
    /// The matched stamp text only (never surrounding document text).
    pub evidence: Option<String>,
    /// Lý do (Vietnamese).
    pub reason: String,
    pub marking: Option<MarkingKind>,
    pub confidence: Option<Confidence>,
    pub copy: Option<CopyMatch>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileVerdict {
    pub file: String,
    pub format: String,
    pub verdict: Verdict,
    /// Highest level indicated by a marking or a copy match, if any.
    pub level: Option<SecrecyLevel>,
    pub findings: Vec<Finding>,
}

/// Scanner configuration: the marking list, an optional fingerprint index and how to isolate
/// extraction. Copies are looked for among every registered document, whatever the level and
/// whoever scans (a match the caller may not see still blocks: see [`redact_copies`]).
pub struct Scanner<'a> {
    pub detector: MarkingDetector,
    pub index: Option<&'a FingerprintIndex>,
    /// Copies estimated shorter than this many syllables are information only (F8). The default,
    /// 36, keeps 50-syllable (≈ 50-word) passages blocking and 25–30-syllable quotes logged.
    pub copy_threshold: usize,
    /// `None` = extract in-process (trusted input, tests); production passes an isolation config.
    pub isolation: Option<Isolation>,
    pub limits: Limits,
}

impl<'a> Scanner<'a> {
    pub fn new(markings: &[MarkingSpec]) -> Self {
        Scanner {
            detector: MarkingDetector::new(markings),
            index: None,
            copy_threshold: 36,
            isolation: None,
            limits: Limits::default(),
        }
    }

    /// Looks for copies of every document in `index` (all levels).
    pub fn with_index(mut self, index: &'a FingerprintIndex) -> Self {
        self.index = Some(index);
        self
    }

    pub fn with_isolation(mut self, iso: Isolation) -> Self {
        self.isolation = Some(iso);
        self
    }
}

/// What a reader who may not know the registered document is told about a copy of it (the
/// item, its level and its position in the register stay with the security officer).
pub const HIDDEN_MATCH_REASON: &str = "Nội dung trùng với tài liệu bí mật nhà nước đã đăng ký — liên hệ cán bộ bảo vệ bí mật nhà nước";

/// The finding shown instead of copy matches the reader may not know of: it blocks and says
/// nothing of the registered document.
pub fn hidden_copy_finding(location: Option<Location>) -> Finding {
    Finding {
        kind: FindingKind::Copy,
        severity: Severity::Block,
        location,
        evidence: None,
        reason: HIDDEN_MATCH_REASON.to_owned(),
        marking: None,
        confidence: None,
        copy: None,
    }
}

/// Removes from a verdict everything that identifies registered documents: blocking copy
/// matches become one [`hidden_copy_finding`], information-only ones are dropped, and the level
/// is recomputed from the stamps alone. The verdict itself does not change.
pub fn redact_copies(v: &mut FileVerdict) {
    let mut first_block: Option<Option<Location>> = None;
    v.findings.retain(|f| {
        if f.kind != FindingKind::Copy {
            return true;
        }
        if f.severity == Severity::Block && first_block.is_none() {
            first_block = Some(f.location.clone());
        }
        false
    });
    if let Some(loc) = first_block {
        v.findings.push(hidden_copy_finding(loc));
    }
    v.level = v
        .findings
        .iter()
        .filter_map(|f| match f.marking {
            Some(MarkingKind::Level(l)) => Some(l),
            _ => None,
        })
        .max();
}

/// Scan one file's bytes.
pub fn scan_bytes(file_name: &str, bytes: &[u8], scanner: &Scanner) -> FileVerdict {
    let extracted = match &scanner.isolation {
        Some(iso) => extract_isolated(bytes, file_name, iso),
        None => extract::extract(bytes, file_name, &scanner.limits),
    };
    match extracted {
        Ok(x) => scan_extracted(file_name, &x, scanner),
        Err(e) => unreadable(file_name, &e),
    }
}

/// The verdict for a file that could not be read (không đọc được tệp).
pub fn unreadable(file_name: &str, e: &ExtractError) -> FileVerdict {
    FileVerdict {
        file: file_name.to_owned(),
        format: String::new(),
        verdict: Verdict::Review,
        level: None,
        findings: vec![Finding {
            kind: FindingKind::Unreadable,
            severity: Severity::Review,
            location: None,
            evidence: None,
            reason: format!("Không đọc được tệp ({e}); cần kiểm tra thủ công"),
            marking: None,
            confidence: None,
            copy: None,
        }],
    }
}

fn quote(s: &str) -> String {
    format!("«{}»", s.trim())
}

/// Scan an already extracted document.
pub fn scan_extracted(file_name: &str, x: &Extracted, scanner: &Scanner) -> FileVerdict {
    let mut findings = Vec::new();
    let mut level: Option<SecrecyLevel> = None;
    for h in scanner.detector.detect(x) {
        let u = &x.units[h.unit];
        let mut reason = format!(
            "Phát hiện {} {} {}",
            h.kind.vi(),
            quote(&h.evidence),
            u.part.vi()
        );
        if let MarkingKind::Level(l) = h.kind {
            level = level.max(Some(l));
            reason = format!(
                "Phát hiện dấu chỉ độ mật {} (độ {}) {}",
                quote(&h.evidence),
                l.name_vi(),
                u.part.vi()
            );
        }
        if let Some(p) = u.page {
            reason.push_str(&format!(", trang {p}"));
        }
        if u.style.deleted {
            reason.push_str(" — trong nội dung đã xoá (theo dõi thay đổi) nhưng vẫn còn trong tệp");
        }
        if u.style.hidden {
            reason.push_str(" — trong văn bản ẩn");
        }
        if u.style.revision {
            reason.push_str(
                " — trong một bản sửa trước của tệp PDF: bản cuối không còn hiển thị nhưng vẫn lưu trong tệp",
            );
        }
        if u.style.orphan {
            reason.push_str(
                " — trong phần nội dung không thuộc phiên bản nào của tệp PDF: trình đọc sửa tệp hỏng có thể vẫn hiển thị",
            );
        }
        if u.style.legacy || h.legacy_guess {
            reason.push_str(
                " — văn bản dùng bảng mã cũ (TCVN3/VNI/VIQR) đã được chuyển sang Unicode",
            );
        }
        if h.evasion {
            reason.push_str(" — có ký tự giả dạng (Cyrillic/Hy Lạp), nghi cố tình lách kiểm tra");
        }
        if h.kind == MarkingKind::Declassified {
            reason.push_str("; tài liệu đã giải mật cần được xác nhận trước khi phát hành");
        }
        findings.push(Finding {
            kind: FindingKind::Marking,
            severity: if h.kind.blocks() {
                Severity::Block
            } else {
                Severity::Review
            },
            location: Some(Location {
                part: u.part,
                page: u.page,
                paragraph: u.index,
                source: u.source.clone(),
                start: h.start,
                end: h.end,
            }),
            evidence: Some(h.evidence.clone()),
            reason,
            marking: Some(h.kind),
            confidence: Some(h.confidence),
            copy: None,
        });
    }
    if let Some(index) = scanner.index {
        copy_findings(x, index, scanner, &mut findings, &mut level);
    }
    for note in &x.notes {
        match note {
            ExtractNote::NoTextLayer { pages } => findings.push(Finding {
                kind: FindingKind::NoTextLayer,
                severity: Severity::Review,
                location: None,
                evidence: None,
                reason: format!(
                    "Không có lớp văn bản để trích xuất ở {} trang ({}): có thể là bản quét, cần kiểm tra thủ công",
                    pages.len(),
                    pages.iter().take(20).map(u32::to_string).collect::<Vec<_>>().join(", ")
                ),
                marking: None,
                confidence: None,
                copy: None,
            }),
            ExtractNote::OcrUnavailable { images } => findings.push(Finding {
                kind: FindingKind::OcrUnavailable,
                severity: Severity::Review,
                location: None,
                evidence: None,
                reason: format!(
                    "Chưa đọc được {images} hình ảnh/trang quét bằng OCR (không có tesseract tiếng Việt hoặc nhận dạng lỗi); dấu mật dạng ảnh có thể bị bỏ sót, cần kiểm tra thủ công"
                ),
                marking: None,
                confidence: None,
                copy: None,
            }),
            ExtractNote::Skipped { what } => findings.push(Finding {
                kind: FindingKind::Unreadable,
                severity: Severity::Review,
                location: None,
                evidence: None,
                reason: format!(
                    "Chưa đọc được toàn bộ tệp: {what}; phần này có thể chứa dấu mật, cần kiểm tra thủ công"
                ),
                marking: None,
                confidence: None,
                copy: None,
            }),
            ExtractNote::OcrDone { .. } => {}
        }
    }
    if x.units.is_empty() && x.notes.is_empty() && x.format != "txt" && !x.format.starts_with("txt")
    {
        findings.push(Finding {
            kind: FindingKind::NoTextLayer,
            severity: Severity::Review,
            location: None,
            evidence: None,
            reason: "Không trích xuất được văn bản nào từ tệp; cần kiểm tra thủ công".into(),
            marking: None,
            confidence: None,
            copy: None,
        });
    }
    let verdict = match findings.iter().map(|f| f.severity).max() {
        Some(Severity::Block) => Verdict::Block,
        Some(Severity::Review) => Verdict::Review,
        _ => Verdict::Pass,
    };
    FileVerdict {
        file: file_name.to_owned(),
        format: x.format.clone(),
        verdict,
        level,
        findings,
    }
}

fn copy_findings(
    x: &Extracted,
    index: &FingerprintIndex,
    scanner: &Scanner,
    findings: &mut Vec<Finding>,
    level: &mut Option<SecrecyLevel>,
) {
    // One text in reading order; remember where each unit's syllables start.
    let mut text = String::new();
    let mut starts = Vec::with_capacity(x.units.len());
    let mut syll = 0usize;
    for u in &x.units {
        starts.push(syll);
        syll += normalize::tokens(&normalize::fold(&u.text)).len();
        text.push_str(&u.text);
        text.push('\n');
    }
    for m in index.query(&text, u8::MAX) {
        let ui = starts
            .partition_point(|&s| s <= m.query_start)
            .saturating_sub(1);
        let u = x.units.get(ui);
        let lvl = SecrecyLevel::from_u8(m.level);
        let name = lvl.map(|l| l.name_vi()).unwrap_or("?");
        let severe = m.copied_syllables >= scanner.copy_threshold;
        if severe {
            *level = (*level).max(lvl);
        }
        let reason = format!(
            "Phát hiện đoạn khoảng {} âm tiết trùng với tài liệu mật đã đăng ký «{}» (độ {}), âm tiết {}–{} của tệp{}",
            m.copied_syllables,
            m.label,
            name,
            m.query_start + 1,
            m.query_end,
            if severe {
                ""
            } else {
                " — dưới ngưỡng cảnh báo, chỉ ghi nhận"
            }
        );
        findings.push(Finding {
            kind: FindingKind::Copy,
            severity: if severe {
                Severity::Block
            } else {
                Severity::Info
            },
            location: u.map(|u| Location {
                part: u.part,
                page: u.page,
                paragraph: u.index,
                source: u.source.clone(),
                start: 0,
                end: 0,
            }),
            evidence: None,
            reason,
            marking: None,
            confidence: Some(if m.confidence >= 0.5 {
                Confidence::High
            } else {
                Confidence::Medium
            }),
            copy: Some(m),
        });
    }
}
