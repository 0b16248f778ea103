//! Every legal citation bmnn shows, stores or prints comes from `rules/` for the regime of the
//! act's date: no citation is written as a literal in the code (outside comments and tests).

use bmnn_core::rules::{Cite, RuleSet};
use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "tests") {
                continue;
            }
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of every crate, without comments and without `#[cfg(test)]` modules.
fn code_lines() -> Vec<(String, usize, String)> {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for c in std::fs::read_dir(&crates).unwrap() {
        let src = c.unwrap().path().join("src");
        if src.is_dir() {
            sources(&src, &mut files);
        }
    }
    assert!(files.len() > 50, "found the sources ({})", files.len());
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let t = line.trim_start();
            if t.starts_with("#[cfg(test)]") {
                break;
            }
            if t.starts_with("//") {
                continue;
            }
            // A trailing comment is a comment too.
            let code = match line.find(" // ") {
                Some(i) if !line[..i].contains('"') || line[..i].matches('"').count() % 2 == 0 => {
                    &line[..i]
                }
                _ => line,
            };
            out.push((f.display().to_string(), n + 1, code.to_string()));
        }
    }
    out
}

/// A legal citation: an article ("Điều 5"), or a numbered law, decree or circular.
fn cites_law(s: &str) -> bool {
    let digit_after = |pat: &str| {
        s.match_indices(pat).any(|(i, _)| {
            s[i + pat.len()..]
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit())
        })
    };
    digit_after("Điều ")
        || digit_after("Luật ")
        || digit_after("Nghị định ")
        || digit_after("Thông tư ")
        || digit_after("NĐ ")
        || digit_after("TT ")
        || ["/QH1", "/NĐ-CP", "/TT-B"].iter().any(|p| s.contains(p))
}

#[test]
fn no_legal_citation_is_written_in_the_code() {
    let bad: Vec<String> = code_lines()
        .into_iter()
        .filter(|(_, _, l)| cites_law(l))
        .map(|(f, n, l)| format!("{f}:{n}: {}", l.trim()))
        .collect();
    assert!(
        bad.is_empty(),
        "citations belong in rules/*.toml ([citations], authority rules), taken for the act's date:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_detector_sees_the_forms_citations_take() {
    for s in [
        "\"Luật 29/2018/QH14 Điều 10 khoản 2\"",
        "\"(NĐ 26/2020 Điều 3.3)\"",
        "\"Nghị định 26/2020/NĐ-CP\"",
        "\"Thông tư 24/2020/TT-BCA\"",
        "\"(Luật Điều 5 khoản 7)\"",
    ] {
        assert!(cites_law(s), "{s}");
    }
    for s in [
        "\"Điều chỉnh độ mật\"",
        "\"Luật Bảo vệ bí mật nhà nước\"",
        "let x = 1;",
    ] {
        assert!(!cites_law(s), "{s}");
    }
}

#[test]
fn every_citation_key_the_pages_use_exists() {
    let rules = RuleSet::embedded();
    let mut used = 0;
    for (f, n, l) in code_lines() {
        for (i, _) in l.match_indices("{cite:") {
            let rest = &l[i + 6..];
            let len = rest
                .find(|c: char| !(c.is_ascii_lowercase() || c == '-'))
                .unwrap_or(rest.len());
            if len == 0 || !rest[len..].starts_with('}') {
                continue; // not a key (the filler itself)
            }
            let key = &rest[..len];
            assert!(
                Cite::ALL.iter().any(|c| c.code() == key),
                "{f}:{n}: unknown citation {key}"
            );
            used += 1;
        }
    }
    assert!(used > 10, "the programme pages cite through keys ({used})");
    // And every regime gives each of them.
    for r in &rules.regimes {
        for c in Cite::ALL {
            assert!(!r.cite(*c).basis.is_empty(), "{} {}", r.code, c.code());
            assert!(!r.fill_citations("{cite:copy}").contains("{cite:"));
        }
    }
}

#[test]
fn regime_b_cites_neither_the_2018_law_nor_its_decree_or_circular() {
    let rules = RuleSet::embedded();
    let b = rules.regime("B").expect("regime B");
    for c in Cite::ALL {
        let x = &b.cite(*c).basis;
        for old in ["29/2018", "26/2020", "24/2020"] {
            assert!(!x.contains(old), "{}: {x}", c.code());
        }
    }
    for r in &b.authority {
        for old in ["29/2018", "26/2020", "24/2020"] {
            assert!(!r.basis.contains(old), "{:?}: {}", r.act, r.basis);
        }
    }
}

/// Codes given to `CoreError::refused*` anywhere in the sources (the literal may sit on the
/// next line).
fn refusal_codes() -> Vec<String> {
    let text: String = code_lines().into_iter().map(|(_, _, l)| l + "\n").collect();
    let mut codes = Vec::new();
    for pat in [
        "refused(",
        "refused_with(",
        "refused_cite(",
        "refused_rule(",
        "Refusal {",
    ] {
        for (i, _) in text.match_indices(pat) {
            let rest = text[i + pat.len()..].trim_start();
            let rest = rest.strip_prefix("code:").map_or(rest, str::trim_start);
            if let Some(r) = rest.strip_prefix('"') {
                let code = &r[..r.find('"').unwrap()];
                if code.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                    codes.push(code.to_string());
                }
            }
        }
    }
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn every_refusal_code_says_what_to_do_next() {
    let codes = refusal_codes();
    assert!(codes.len() > 25, "found the codes: {codes:?}");
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| bmnn_core::error::next_step(c).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "refusal codes without a next step in bmnn_core::error::next_step: {missing:?}"
    );
    for c in &codes {
        let n = bmnn_core::error::next_step(c).unwrap();
        assert!(n.ends_with('.') && n.chars().count() > 20, "{c}: {n}");
    }
}

/// docs/legal-rules.md, the legal officer's page, is generated from the embedded rules and
/// never edited by hand: `BMNN_BLESS=1 cargo test -p bmnn-core --test citations` rewrites it
/// (or `bmnn rules --format markdown`).
#[test]
fn the_legal_officers_page_is_generated_from_the_rules() {
    let page = bmnn_core::rules::legal_page(&RuleSet::embedded());
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/legal-rules.md");
    if std::env::var_os("BMNN_BLESS").is_some() {
        std::fs::write(&path, &page).unwrap();
    }
    let doc = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        doc == page,
        "docs/legal-rules.md differs from the rules: regenerate it with BMNN_BLESS=1"
    );
    // Every citation and every authority rule of every regime is on it, with its state.
    let rules = RuleSet::embedded();
    for r in &rules.regimes {
        for c in Cite::ALL {
            assert!(page.contains(&r.cite(*c).basis), "{}", c.code());
        }
    }
    assert!(page.contains("**chưa xác nhận**") && page.contains("đã xác nhận"));
}

/// The rule files' evidence tags ([P], [S], [U]) and spec references are developer text: no
/// value a user can read (citations, hints, notes, register forms) carries one.
#[test]
fn no_rule_value_carries_developer_text() {
    let json = serde_json::to_string(&RuleSet::embedded()).unwrap();
    for dev in ["[U", "[S", "[P]", "legal.md", "§"] {
        assert!(!json.contains(dev), "the rules data shows {dev:?} to users");
    }
}
