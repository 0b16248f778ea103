//! Output faces for scan results: human-readable Vietnamese, JSON, and SARIF 2.1.0 (for tools that
//! collect static-analysis style results). None of them print document text beyond the evidence
//! (the matched stamp phrase).

use serde_json::{Value, json};

use crate::verdict::{FileVerdict, FindingKind, Severity, Verdict};

/// Human report in Vietnamese.
pub fn human(results: &[FileVerdict]) -> String {
    let mut out = String::new();
    for r in results {
        out.push_str(&format!("{}: {}\n", r.file, r.verdict.vi()));
        for f in &r.findings {
            let tag = match f.severity {
                Severity::Block => "CHẶN",
                Severity::Review => "XEM XÉT",
                Severity::Info => "GHI NHẬN",
            };
            out.push_str(&format!("  [{tag}] {}\n", f.reason));
        }
    }
    let count = |v: Verdict| results.iter().filter(|r| r.verdict == v).count();
    out.push_str(&format!(
        "Tổng cộng {} tệp: {} bị chặn, {} cần xem xét, {} không phát hiện dấu hiệu.\n",
        results.len(),
        count(Verdict::Block),
        count(Verdict::Review),
        count(Verdict::Pass)
    ));
    out
}

/// JSON array of file verdicts.
pub fn json(results: &[FileVerdict]) -> String {
    serde_json::to_string_pretty(results).unwrap_or_else(|_| "[]".into())
}

/// SARIF 2.1.0 log.
pub fn sarif(results: &[FileVerdict]) -> String {
    let rules: Vec<Value> = [
        (FindingKind::Marking, "marking", "Dấu chỉ độ mật hoặc dấu tài liệu mật"),
        (FindingKind::Copy, "copy", "Đoạn sao chép từ tài liệu mật đã đăng ký"),
        (FindingKind::NoTextLayer, "no-text-layer", "Không có lớp văn bản, cần kiểm tra thủ công"),
        (FindingKind::OcrUnavailable, "ocr-unavailable", "Không có OCR để đọc hình ảnh"),
        (FindingKind::Unreadable, "unreadable", "Không đọc được tệp"),
    ]
    .iter()
    .map(|(k, name, text)| json!({"id": k.rule_id(), "name": name, "shortDescription": {"text": text}}))
    .collect();
    let mut res = Vec::new();
    for r in results {
        for f in &r.findings {
            let level = match f.severity {
                Severity::Block => "error",
                Severity::Review => "warning",
                Severity::Info => "note",
            };
            let mut loc = json!({"physicalLocation": {"artifactLocation": {"uri": uri(&r.file)}}});
            if let Some(l) = &f.location {
                loc["logicalLocations"] = json!([{"name": l.source, "kind": "module"}]);
                if r.format.starts_with("txt") {
                    loc["physicalLocation"]["region"] = json!({"startLine": l.paragraph + 1});
                }
            }
            let mut props = json!({"verdict": r.verdict});
            if let Some(l) = &f.location {
                props["part"] = json!(l.part);
                props["page"] = json!(l.page);
                props["paragraph"] = json!(l.paragraph);
            }
            if let Some(e) = &f.evidence {
                props["evidence"] = json!(e);
            }
            if let Some(c) = &f.copy {
                props["registeredDocument"] =
                    json!({"id": c.doc_id, "level": c.level, "label": c.label});
                props["syllables"] = json!([c.query_start, c.query_end]);
            }
            res.push(json!({
                "ruleId": f.kind.rule_id(),
                "level": level,
                "message": {"text": f.reason},
                "locations": [loc],
                "properties": props,
            }));
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "bmnn-scan", "version": env!("CARGO_PKG_VERSION"), "rules": rules}},
            "results": res,
        }],
    });
    serde_json::to_string_pretty(&log).unwrap_or_default()
}

fn uri(path: &str) -> String {
    path.replace('\\', "/").replace(' ', "%20")
}
