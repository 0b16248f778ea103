//! Rules overrides (tệp quy tắc thay thế): what a file of the data folder's `rules/` changes
//! against the embedded rules, and the bound no override may cross.
//!
//! An override replaces its embedded namesake, or adds a file (a new regime). It may correct
//! the data a decree can change, but it may not remove or weaken a stamp (mẫu dấu) the embedded
//! regimes define: the scanner and the marking checks read the stamps from the rules, so a
//! stamp taken out of the rules would let a stamped document pass. [`check_stamps`] refuses
//! such a rule set; [`differences`] says which sections and keys an override changes, for the
//! start-up log and `bmnn doctor`.
//!
//! Pure: the caller reads the files.

use crate::rules::{Regime, RuleSet, Stamp};
use std::collections::BTreeMap;
use toml::Value;

/// What one override file changes against the embedded rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The override's file name.
    pub file: String,
    /// It replaces an embedded file of the same name (false: a file the embedded rules lack).
    pub replaces: bool,
    /// The sections and keys that differ ("stamps «toi-mat».text", "authority [3]", …), by
    /// section name; empty when the override is identical.
    pub keys: Vec<String>,
}

impl Change {
    /// In plain Vietnamese for the legal-points page: the file, whether it replaces an embedded
    /// file, and how many rules it changes (the keys themselves are for `bmnn doctor`).
    pub fn summary_vi(&self) -> String {
        let what = if self.replaces {
            "thay cho tệp quy tắc gắn sẵn cùng tên"
        } else {
            "tệp quy tắc bổ sung"
        };
        if self.keys.is_empty() {
            format!("Tệp «{}» ({what}): giống hệt quy tắc gắn sẵn.", self.file)
        } else {
            format!(
                "Tệp «{}» ({what}): thay đổi {} quy định so với quy tắc gắn sẵn; chi tiết do quản trị viên xem bằng lệnh kiểm tra hệ thống.",
                self.file,
                self.keys.len()
            )
        }
    }
}

/// Label of an element of an array of tables: its `code` when it has one, else its index.
fn element_label(v: &Value, i: usize) -> String {
    match v.get("code").and_then(Value::as_str) {
        Some(c) => format!("«{c}»"),
        None => format!("[{}]", i + 1),
    }
}

fn is_table_array(v: &Value) -> bool {
    matches!(v, Value::Array(a) if !a.is_empty() && a.iter().all(Value::is_table))
}

fn diff_value(path: &str, a: Option<&Value>, b: Option<&Value>, out: &mut Vec<String>) {
    match (a, b) {
        (Some(x), Some(y)) if x == y => {}
        (Some(Value::Table(x)), Some(Value::Table(y))) => {
            let mut keys: Vec<&String> = x.keys().collect();
            keys.extend(y.keys().filter(|k| !x.contains_key(*k)));
            for k in keys {
                diff_value(&format!("{path}.{k}"), x.get(k), y.get(k), out);
            }
        }
        (Some(x @ Value::Array(xa)), Some(y @ Value::Array(ya)))
            if is_table_array(x) || is_table_array(y) =>
        {
            // Elements matched by their code (or their position when they have none).
            let label = |a: &Vec<Value>| -> BTreeMap<String, (usize, Value)> {
                a.iter()
                    .enumerate()
                    .map(|(i, v)| (element_label(v, i), (i, v.clone())))
                    .collect()
            };
            let (lx, ly) = (label(xa), label(ya));
            let mut names: Vec<(usize, &String)> = lx.iter().map(|(k, (i, _))| (*i, k)).collect();
            names.extend(
                ly.iter()
                    .filter(|(k, _)| !lx.contains_key(*k))
                    .map(|(k, (i, _))| (xa.len() + i, k)),
            );
            names.sort();
            for (_, n) in names {
                let p = format!("{path} {n}");
                match (lx.get(n), ly.get(n)) {
                    (Some(_), None) => out.push(format!("{p} (bị bỏ)")),
                    (None, Some(_)) => out.push(format!("{p} (thêm mới)")),
                    (Some((_, x)), Some((_, y))) => diff_value(&p, Some(x), Some(y), out),
                    (None, None) => {}
                }
            }
        }
        (Some(_), None) => out.push(format!("{path} (bị bỏ)")),
        (None, Some(_)) => out.push(format!("{path} (thêm mới)")),
        _ => out.push(path.to_string()),
    }
}

/// The sections and keys `over` changes against `embedded` (both TOML texts). A text that does
/// not parse is reported as a whole (the loader refuses it anyway).
pub fn diff_texts(embedded: Option<&str>, over: &str) -> Vec<String> {
    let parse = |t: &str| t.parse::<toml::Table>().ok();
    let Some(b) = parse(over) else {
        return vec!["(không đọc được tệp)".into()];
    };
    let a = embedded.and_then(parse).unwrap_or_default();
    let mut out = Vec::new();
    let mut keys: Vec<&String> = a.keys().collect();
    keys.extend(b.keys().filter(|k| !a.contains_key(*k)));
    for k in keys {
        diff_value(k, a.get(k), b.get(k), &mut out);
    }
    out
}

/// What each override changes against the embedded file of the same name.
pub fn differences(embedded: &[(&str, &str)], overrides: &[(String, String)]) -> Vec<Change> {
    overrides
        .iter()
        .map(|(file, text)| {
            let base = embedded.iter().find(|(n, _)| n == file).map(|(_, t)| *t);
            Change {
                file: file.clone(),
                replaces: base.is_some(),
                keys: diff_texts(base, text),
            }
        })
        .collect()
}

fn same(a: &Stamp, b: &Stamp) -> bool {
    a.code == b.code && a.text == b.text && a.kind == b.kind && a.level == b.level
}

/// Refuses a rule set in which a stamp an embedded regime defines is missing or changed (text,
/// kind or level) in the regime that governs the same dates: every loaded regime keeps the
/// stamps of the embedded regime in force on its first day, and the regime in force on each
/// embedded regime's first day keeps that regime's stamps. Extra stamps are allowed. The error
/// is Vietnamese and names the stamp and the regime.
pub fn check_stamps(embedded: &RuleSet, loaded: &RuleSet) -> Result<(), String> {
    let check = |base: &Regime, got: &Regime| -> Result<(), String> {
        for s in &base.stamps {
            if !got.stamps.iter().any(|g| same(s, g)) {
                let what = if got.stamps.iter().any(|g| g.code == s.code) {
                    "sửa"
                } else {
                    "bỏ"
                };
                return Err(format!(
                    "Tệp quy tắc thay thế {what} mẫu dấu «{}» của chế độ {} (chế độ {} trong thư mục rules); tệp thay thế không được bỏ hoặc làm yếu mẫu dấu mà quy tắc gắn sẵn quy định. Sửa hoặc xóa tệp trong thư mục rules rồi chạy lại.",
                    s.text, base.code, got.code
                ));
            }
        }
        Ok(())
    };
    for got in &loaded.regimes {
        check(embedded.regime_for_or_first(got.effective_from), got)?;
    }
    for base in &embedded.regimes {
        check(base, loaded.regime_for_or_first(base.effective_from))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::EMBEDDED;

    fn with(file: &str, f: impl Fn(&str) -> String) -> RuleSet {
        let files: Vec<(String, String)> = EMBEDDED
            .iter()
            .map(|(n, t)| (n.to_string(), if *n == file { f(t) } else { t.to_string() }))
            .collect();
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(n, t)| (n.as_str(), t.as_str()))
            .collect();
        RuleSet::from_sources(&refs).unwrap()
    }

    fn drop_stamp(text: &str, code: &str) -> String {
        let start = text
            .find(&format!("[[stamps]]\ncode = \"{code}\""))
            .expect("stamp");
        let end = text[start + 10..]
            .find("[[stamps]]")
            .map_or(text.len(), |e| start + 10 + e);
        format!("{}{}", &text[..start], &text[end..])
    }

    #[test]
    fn the_embedded_rules_pass_and_an_extra_stamp_is_allowed() {
        let e = RuleSet::embedded();
        assert_eq!(check_stamps(&e, &e), Ok(()));
        let more = with("regime-a.toml", |t| {
            t.replacen(
                "[[stamps]]",
                "[[stamps]]\ncode = \"khan\"\ntext = \"KHẨN\"\nkind = \"copy\"\nform = \"x\"\n[[stamps]]",
                1,
            )
        });
        assert_eq!(check_stamps(&e, &more), Ok(()));
    }

    #[test]
    fn removing_or_changing_a_stamp_is_refused_naming_it() {
        let e = RuleSet::embedded();
        for file in ["regime-a.toml", "regime-b.toml"] {
            let gone = with(file, |t| drop_stamp(t, "toi-mat"));
            let err = check_stamps(&e, &gone).unwrap_err();
            assert!(err.contains("bỏ mẫu dấu «TỐI MẬT»"), "{err}");
            let changed = with(file, |t| t.replace("text = \"MẬT\"", "text = \"MẬT (cũ)\""));
            let err = check_stamps(&e, &changed).unwrap_err();
            assert!(err.contains("sửa mẫu dấu «MẬT»"), "{err}");
        }
    }

    #[test]
    fn a_new_regime_without_the_stamps_is_refused() {
        let e = RuleSet::embedded();
        let b = EMBEDDED
            .iter()
            .find(|(n, _)| *n == "regime-b.toml")
            .unwrap()
            .1;
        let c = drop_stamp(b, "tuyet-mat")
            .replace("code = \"B\"", "code = \"C\"")
            .replacen(
                "effective_from = \"2026-03-01\"",
                "effective_from = \"2026-09-01\"",
                1,
            );
        let mut files: Vec<(&str, &str)> = EMBEDDED.to_vec();
        files.push(("regime-c.toml", &c));
        let loaded = RuleSet::from_sources(&files).unwrap();
        let err = check_stamps(&e, &loaded).unwrap_err();
        assert!(
            err.contains("«TUYỆT MẬT»") && err.contains("chế độ C"),
            "{err}"
        );
    }

    #[test]
    fn differences_name_the_sections_and_keys() {
        let a = "x = 1\n[t]\nk = \"a\"\nm = 2\n[[stamps]]\ncode = \"mat\"\ntext = \"MẬT\"\n[[stamps]]\ncode = \"toi-mat\"\ntext = \"TỐI MẬT\"\n";
        let b = "x = 1\n[t]\nk = \"b\"\nn = 3\n[[stamps]]\ncode = \"mat\"\ntext = \"MAT\"\n";
        assert_eq!(
            diff_texts(Some(a), b),
            vec![
                "stamps «mat».text",
                "stamps «toi-mat» (bị bỏ)",
                "t.k",
                "t.m (bị bỏ)",
                "t.n (thêm mới)",
            ]
        );
        assert!(diff_texts(Some(a), a).is_empty());
        let d = differences(&[("a.toml", a)], &[("b.toml".into(), b.into())]);
        assert!(!d[0].replaces);
    }
}
