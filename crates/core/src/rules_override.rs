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
//! [`describe_texts`] says the same in plain Vietnamese, each rule by the name
//! [`section_name`] / [`key_name`] give it (exhaustive over the rules schema: a test serialises
//! the embedded rules and fails on a section or key without a name).
//!
//! Pure: the caller reads the files.

use crate::level::Level;
use crate::rules::{Act, Cite, Regime, RuleSet, Stamp};
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
    /// section name; empty when the override is identical. For the start-up log.
    pub keys: Vec<String>,
    /// Each change in plain Vietnamese (thay đổi): the rule by its Vietnamese name, what it was
    /// and what it is now ([`describe_texts`]). For the legal-points page and `bmnn doctor`.
    pub changes_vi: Vec<String>,
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
        if self.changes_vi.is_empty() {
            format!("Tệp «{}» ({what}): giống hệt quy tắc gắn sẵn.", self.file)
        } else {
            format!(
                "Tệp «{}» ({what}): {} thay đổi so với quy tắc gắn sẵn:",
                self.file,
                self.changes_vi.len()
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
                changes_vi: describe_texts(base, text),
            }
        })
        .collect()
}

// ---- What an override changes, in plain Vietnamese ----

/// The Vietnamese name of a top-level section of a rules file (mục của tệp quy tắc); `None` for
/// a section the schema lacks (the loader refuses such a file). Exhaustive over [`Regime`]'s
/// fields and the position-kind catalogue (test `every_section_and_key_has_a_name`).
pub fn section_name(key: &str) -> Option<&'static str> {
    Some(match key {
        "code" => "Mã chế độ pháp lý",
        "name" => "Tên chế độ pháp lý",
        "effective_from" => "Ngày bắt đầu áp dụng chế độ pháp lý",
        "legal_basis" => "Văn bản căn cứ của chế độ pháp lý",
        "periods" => "Thời hạn bảo vệ bí mật nhà nước",
        "extension" => "Gia hạn thời hạn bảo vệ",
        "notices" => "Thời hạn thông báo",
        "classification" => "Xác định độ mật",
        "report" => "Kỳ báo cáo công tác bảo vệ bí mật nhà nước",
        "report_template" => "Bố cục báo cáo",
        "settings" => "Cách tính thời hạn",
        "fields" => "Lĩnh vực",
        "groups" => "Nhóm thẩm quyền",
        "authority" => "Thẩm quyền",
        "stamps" => "Mẫu dấu",
        "registers" => "Mẫu sổ",
        "citations" => "Căn cứ pháp lý",
        "amendments" => "Văn bản sửa đổi",
        "devices" => "Thiết bị, mạng được soạn thảo, lưu giữ bí mật nhà nước",
        "ai" => "Trí tuệ nhân tạo, công nghệ mới",
        "plan_template" => "Mẫu kế hoạch công tác bảo vệ bí mật nhà nước năm",
        "kinds" => "Loại chức vụ",
        _ => return None,
    })
}

/// The Vietnamese name of a key inside a section (lowercase, to follow the rule's name);
/// `None` for a key the schema lacks. Exhaustive over the schema (same test as
/// [`section_name`]).
pub fn key_name(key: &str) -> Option<&'static str> {
    Some(match key {
        "code" => "mã",
        "name" => "tên",
        "text" => "nội dung",
        "note" => "ghi chú",
        "basis" => "căn cứ pháp lý",
        "source" => "nguồn",
        "confirmed" => "tình trạng xác nhận",
        "tuyet_mat_years" => "thời hạn đối với Tuyệt mật",
        "toi_mat_years" => "thời hạn đối với Tối mật",
        "mat_years" => "thời hạn đối với Mật",
        "deadline_days_before_expiry" => "hạn quyết định gia hạn trước ngày hết hạn",
        "max_years_is_base_period" => "mỗi lần gia hạn không quá thời hạn gốc",
        "notify_within_days" => "thời hạn thông báo gia hạn",
        "adjustment_days" => "thời hạn thông báo điều chỉnh độ mật",
        "declassification_decision_days" => "thời hạn thông báo quyết định giải mật",
        "catalogue_removal_days" => "thời hạn thông báo khi thông tin ra khỏi danh mục",
        "catalogue_basis_required" => "bắt buộc căn cứ danh mục bí mật nhà nước",
        "tuyet_mat_summary" => "ghi trích yếu tài liệu Tuyệt mật trong sổ",
        "tuyet_mat_fields" => "lĩnh vực được xác định độ Tuyệt mật",
        "tuyet_mat_fields_until" => "ngày cuối áp dụng giới hạn lĩnh vực Tuyệt mật",
        "without_catalogue" => "khi không có căn cứ danh mục",
        "period_start" => "ngày đầu kỳ",
        "period_end" => "ngày cuối kỳ",
        "due" => "hạn gửi",
        "annual_title" => "tên báo cáo năm",
        "five_year_title" => "tên báo cáo 05 năm",
        "incident_title" => "tên báo cáo đột xuất",
        "five_year_confirmed" => "tình trạng xác nhận kỳ số liệu báo cáo 05 năm",
        "sections" => "phần",
        "incident_sections" => "phần báo cáo đột xuất",
        "multi_year_sections" => "phần báo cáo sơ kết, tổng kết thi hành Luật",
        "multi_year_title" => "tên báo cáo sơ kết, tổng kết thi hành Luật",
        "multi_year_start" => "ngày đầu kỳ số liệu báo cáo sơ kết, tổng kết",
        "annual_opening" => "phần mở đầu báo cáo năm",
        "multi_year_opening" => "phần mở đầu báo cáo sơ kết, tổng kết",
        "incident_opening" => "phần mở đầu báo cáo đột xuất",
        "inspection_title" => "tên kết luận kiểm tra",
        "inspection_opening" => "phần mở đầu kết luận kiểm tra",
        "inspection_sections" => "phần kết luận kiểm tra",
        "inspection_topics" => "nội dung kiểm tra",
        "words" => "từ nhận biết",
        "topics" => "nội dung viết thành câu",
        "sentences" => "câu văn báo cáo",
        "topic" => "nội dung",
        "when" => "số liệu quyết định có viết câu",
        "parts" => "các vế câu",
        "joiner" => "dấu nối các vế câu",
        "empty" => "câu khi không có số liệu",
        "heading" => "tiêu đề",
        "tables" => "bảng số liệu",
        "expiry_convention" => "cách tính ngày hết hạn",
        "extension_counts_from" => "thời hạn gia hạn tính từ",
        "adjustment_restarts_period" => "điều chỉnh độ mật thì tính lại thời hạn",
        "auto_declassify_on_catalogue_removal" => "tự động giải mật khi thông tin ra khỏi danh mục",
        "replaces" => "thay cho lĩnh vực",
        "includes" => "gồm cả",
        "kinds" => "loại chức vụ",
        "act" => "việc",
        "levels" | "level" => "độ mật",
        "groups" => "người đứng đầu được quyết định",
        "agency_head" => "người đứng đầu cơ quan, tổ chức được quyết định",
        "deputy" => "cấp phó",
        "delegation_grantor_groups" => "người được ủy quyền cho cấp phó",
        "external" => "người quyết định ngoài cơ quan",
        "hint" => "hướng dẫn",
        "kind" => "loại",
        "form" => "mẫu",
        "title" => "tên",
        "instructions" => "hướng dẫn ghi sổ",
        "columns" => "cột",
        "key" => "mã cột",
        "from" => "áp dụng từ ngày",
        "amends" => "văn bản được sửa đổi",
        "cite_as" => "cách ghi căn cứ",
        "allowed" => "được dùng",
        "never_connected_required" => "bắt buộc thiết bị chưa từng kết nối mạng",
        "device_warning" => "cảnh báo thiết bị",
        "cite" => "điều khoản",
        "symbol" => "ký hiệu văn bản",
        "opening" => "phần mở đầu",
        "purposes" => "mục đích, yêu cầu",
        "tasks" => "nhiệm vụ",
        "group" => "nhóm nhiệm vụ",
        "owner" => "đơn vị chủ trì",
        "deadline" => "thời gian thực hiện",
        "subordinate_plan_due" => "hạn đơn vị trực thuộc gửi kế hoạch",
        "subordinate_report_days_before_due" => {
            "số ngày đơn vị trực thuộc gửi báo cáo trước hạn báo cáo"
        }
        "organisation" => "tổ chức thực hiện",
        _ => return None,
    })
}

/// The Vietnamese name of a coded value the rules use (stamp kinds, settings, report tables);
/// `None` when the code is unknown (the change is then said without its value).
fn code_name(key: &str, code: &str) -> Option<&'static str> {
    Some(match (key, code) {
        ("kind", "level") => "dấu độ mật",
        ("kind", "period") => "dấu thời hạn bảo vệ",
        ("kind", "extension") => "dấu gia hạn thời hạn bảo vệ",
        ("kind", "declassified") => "dấu giải mật",
        ("kind", "adjustment") => "dấu điều chỉnh độ mật",
        ("kind", "recall") => "dấu thu hồi",
        ("kind", "named-recipient") => "dấu chỉ người có tên mới được bóc bì",
        ("kind", "copy-count") => "dấu số lượng bản sao",
        ("kind", "copy") => "dấu bản sao",
        ("tuyet_mat_summary", "never") => "không bao giờ ghi",
        ("tuyet_mat_summary", "with-consent") => "chỉ ghi khi người có thẩm quyền đồng ý",
        ("without_catalogue", "warn") => "ghi cảnh báo",
        ("without_catalogue", "refuse") => "từ chối",
        ("expiry_convention", "anniversary") => "cùng ngày, tháng của năm cuối",
        ("expiry_convention", "day-before-anniversary") => {
            "ngày liền trước ngày, tháng đó của năm cuối"
        }
        ("extension_counts_from", "old-expiry") => "ngày hết hạn cũ",
        ("extension_counts_from", "decision-date") => "ngày quyết định gia hạn",
        ("deputy", "none") => "không được quyết định",
        ("deputy", "delegation") => "được quyết định khi được ủy quyền bằng văn bản",
        ("deputy", "direct") => "được tự quyết định",
        _ => return None,
    })
}

/// The names of a rules file's coded things (groups, position kinds, fields), looked up in
/// the override first, then in the embedded file it replaces, then in the embedded catalogue.
struct Names<'a> {
    old: &'a toml::Table,
    new: &'a toml::Table,
    positions: toml::Table,
}

fn first_upper(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn shorten(s: &str) -> String {
    const MAX: usize = 160;
    if s.chars().count() <= MAX {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(MAX).collect::<String>())
    }
}

impl Names<'_> {
    fn tables(&self) -> [&toml::Table; 3] {
        [self.new, self.old, &self.positions]
    }

    fn in_array(&self, array: &str, code: &str, field: &str) -> Option<String> {
        self.tables().iter().find_map(|t| {
            t.get(array)?
                .as_array()?
                .iter()
                .find(|e| e.get("code").and_then(Value::as_str) == Some(code))?
                .get(field)?
                .as_str()
                .map(str::to_string)
        })
    }

    fn group(&self, code: &str) -> String {
        self.tables()
            .iter()
            .find_map(|t| t.get("groups")?.get(code)?.get("name")?.as_str())
            .map_or_else(|| format!("nhóm «{code}»"), |n| format!("«{n}»"))
    }

    /// A scalar value for people, by the key it sits under; `None` when it has no readable form.
    fn value(&self, key: &str, v: &Value) -> Option<String> {
        match v {
            Value::Boolean(b) => Some(
                match (key.ends_with("confirmed"), *b) {
                    (true, true) => "đã xác nhận",
                    (true, false) => "chưa xác nhận",
                    (false, true) => "có",
                    (false, false) => "không",
                }
                .into(),
            ),
            Value::Integer(n) if key.ends_with("_years") => Some(format!("{n} năm")),
            Value::Integer(n) if key.ends_with("_days") => Some(format!("{n} ngày")),
            Value::Integer(n) => Some(n.to_string()),
            Value::Float(f) => Some(f.to_string().replace('.', ",")),
            Value::Datetime(d) => self.value(key, &Value::String(d.to_string())),
            Value::String(s) => self.string(key, s),
            Value::Array(a) => a
                .iter()
                .map(|e| self.value(key, e))
                .collect::<Option<Vec<_>>>()
                .map(|v| {
                    if v.is_empty() {
                        "không có".into()
                    } else {
                        v.join(", ")
                    }
                }),
            Value::Table(_) => None,
        }
    }

    fn string(&self, key: &str, s: &str) -> Option<String> {
        // A report sentence's template names figure slots in code (`{own_sessions}`): said
        // to have changed, never quoted.
        if s.contains('{') {
            return None;
        }
        match key {
            "effective_from" | "from" | "tuyet_mat_fields_until" => {
                crate::dates::parse_date(s).map(crate::dates::fmt_vn)
            }
            "period_start" | "period_end" | "due" => {
                let (m, d) = s.split_once('-')?;
                Some(format!("{d}/{m}"))
            }
            "level" | "levels" => Level::from_code(s).map(|l| l.label().to_string()),
            "act" => Act::from_code(s).map(|a| a.label().to_string()),
            "groups" | "includes" | "delegation_grantor_groups" => Some(self.group(s)),
            "kinds" => self.in_array("kinds", s, "name").map(|n| format!("«{n}»")),
            "tuyet_mat_fields" | "replaces" => {
                self.in_array("fields", s, "name").map(|n| format!("«{n}»"))
            }
            "allowed" => crate::programme::Connection::ALL
                .into_iter()
                .find(|c| c.code() == s)
                .map(|c| c.label().to_string()),
            "kind"
            | "tuyet_mat_summary"
            | "without_catalogue"
            | "expiry_convention"
            | "extension_counts_from"
            | "deputy" => code_name(key, s).map(str::to_string),
            // Codes with no name of their own (column and table codes).
            "key" | "tables" | "topics" | "topic" | "when" => None,
            _ => Some(format!("«{}»", shorten(s))),
        }
    }

    /// One line for a changed scalar (or list of scalars) `key` of the rule `place`.
    fn leaf(
        &self,
        place: &str,
        key: &str,
        old: Option<&Value>,
        new: Option<&Value>,
        out: &mut Vec<String>,
    ) {
        let what = match key_name(key) {
            Some(k) => format!("{place} — {k}"),
            None => format!("{place} — một quy định khác"),
        };
        let show = |v: &Value| self.value(key, v);
        let line = match (old, new) {
            (Some(Value::Array(x)), Some(Value::Array(y))) => {
                let added: Vec<&Value> = y.iter().filter(|e| !x.contains(e)).collect();
                let removed: Vec<&Value> = x.iter().filter(|e| !y.contains(e)).collect();
                let list = |v: &[&Value]| {
                    v.iter()
                        .map(|e| show(e))
                        .collect::<Option<Vec<_>>>()
                        .map(|v| v.join(", "))
                };
                let mut parts = Vec::new();
                match list(&added) {
                    _ if added.is_empty() => {}
                    Some(l) => parts.push(format!("thêm {l}")),
                    None => parts.push(format!("thêm {} mục", added.len())),
                }
                match list(&removed) {
                    _ if removed.is_empty() => {}
                    Some(l) => parts.push(format!("bỏ {l}")),
                    None => parts.push(format!("bỏ {} mục", removed.len())),
                }
                if parts.is_empty() {
                    parts.push("đổi thứ tự".into());
                }
                format!("{what}: {}", parts.join("; "))
            }
            (Some(x), Some(y)) => match (show(x), show(y)) {
                (Some(a), Some(b)) => format!("{what}: trước là {a}, nay là {b}"),
                _ => format!("{what}: đã thay đổi"),
            },
            (None, Some(y)) => match show(y) {
                Some(b) => format!("{what}: thêm mới, là {b}"),
                None => format!("{what}: thêm mới"),
            },
            (Some(x), None) => match show(x) {
                Some(a) => format!("{what}: bị bỏ (trước là {a})"),
                None => format!("{what}: bị bỏ"),
            },
            (None, None) => return,
        };
        out.push(line);
    }

    /// The keys of two tables that stand for one rule named `place`.
    fn table(&self, place: &str, old: &toml::Table, new: &toml::Table, out: &mut Vec<String>) {
        for k in union_keys(old, new) {
            self.entry(place, k, old.get(k), new.get(k), out);
        }
    }

    /// Key `key` of the rule `place`: a nested rule, a list of rules or a value.
    fn entry(
        &self,
        place: &str,
        key: &str,
        old: Option<&Value>,
        new: Option<&Value>,
        out: &mut Vec<String>,
    ) {
        if old == new {
            return;
        }
        let nested = |v: Option<&Value>| {
            v.map(|v| v.is_table() || is_table_array(v))
                .unwrap_or(false)
        };
        if !(nested(old) || nested(new)) {
            return self.leaf(place, key, old, new, out);
        }
        let sub = match key_name(key) {
            Some(k) => format!("{place}, {k}"),
            None => format!("{place}, một quy định khác"),
        };
        match (old, new) {
            (Some(Value::Table(x)), Some(Value::Table(y))) => self.table(&sub, x, y, out),
            (Some(Value::Array(_)) | None, Some(Value::Array(_)) | None) => {
                self.elements(Some(place), key, arr(old), arr(new), out)
            }
            (None, Some(_)) => out.push(format!("{sub}: thêm mới")),
            (Some(_), None) => out.push(format!("{sub}: bị bỏ")),
            _ => out.push(format!("{sub}: đã thay đổi")),
        }
    }

    /// The rules of a list of rules (authority lines, stamps, fields, …), matched by identity.
    fn elements(
        &self,
        parent: Option<&str>,
        key: &str,
        old: &[Value],
        new: &[Value],
        out: &mut Vec<String>,
    ) {
        let ids = |a: &[Value]| -> Vec<String> {
            let mut seen = BTreeMap::<String, usize>::new();
            a.iter()
                .enumerate()
                .map(|(i, v)| {
                    let id = element_id(key, v, i);
                    let n = seen.entry(id.clone()).or_default();
                    *n += 1;
                    if *n > 1 { format!("{id}#{n}") } else { id }
                })
                .collect()
        };
        let (io, inw) = (ids(old), ids(new));
        let name = |v: &Value, i: usize| -> String {
            let n = self.element_name(key, v, i);
            match parent {
                Some(p) => format!("{p}, {n}"),
                None => first_upper(&n),
            }
        };
        for (i, id) in io.iter().enumerate() {
            match inw.iter().position(|n| n == id) {
                None => out.push(format!("{}: bị bỏ", name(&old[i], i))),
                Some(j) => {
                    if let (Some(x), Some(y)) = (old[i].as_table(), new[j].as_table()) {
                        self.table(&name(&new[j], j), x, y, out)
                    }
                }
            }
        }
        for (j, id) in inw.iter().enumerate() {
            if !io.contains(id) {
                out.push(format!("{}: thêm mới", name(&new[j], j)));
            }
        }
    }

    /// The Vietnamese name of one rule of a list, lowercase.
    fn element_name(&self, key: &str, v: &Value, i: usize) -> String {
        let s = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default();
        match key {
            "authority" => {
                let act = Act::from_code(s("act")).map_or("một việc khác", |a| a.label());
                let levels = v
                    .get("levels")
                    .and_then(|l| self.value("levels", l))
                    .unwrap_or_else(|| "các độ mật khác".into());
                format!("thẩm quyền cho phép {act} tài liệu {levels}")
            }
            "stamps" => format!("mẫu dấu «{}»", s("text")),
            "fields" => format!("lĩnh vực «{}»", s("name")),
            "kinds" => format!("loại chức vụ «{}»", s("name")),
            "amendments" => format!("văn bản sửa đổi «{}»", shorten(s("text"))),
            "sections" => format!("phần «{}»", s("heading")),
            "incident_sections" => format!("phần báo cáo đột xuất «{}»", s("heading")),
            "multi_year_sections" => format!("phần báo cáo sơ kết, tổng kết «{}»", s("heading")),
            "inspection_sections" => format!("phần kết luận kiểm tra «{}»", s("heading")),
            "inspection_topics" => format!("nội dung kiểm tra «{}»", s("name")),
            // A sentence's text names figure slots in code: counted, never quoted.
            "sentences" => format!("câu văn báo cáo thứ {}", i + 1),
            "columns" => format!("cột «{}»", s("title")),
            _ => format!("mục thứ {}", i + 1),
        }
    }

    /// A top-level section of the file.
    fn section(&self, key: &str, old: Option<&Value>, new: Option<&Value>, out: &mut Vec<String>) {
        if old == new {
            return;
        }
        let Some(name) = section_name(key) else {
            out.push("Một mục không có trong quy tắc gắn sẵn: đã thay đổi".into());
            return;
        };
        let table = |v: Option<&Value>| v.and_then(Value::as_table).cloned().unwrap_or_default();
        match key {
            // Tables of named rules: each by its own name.
            "groups" | "registers" | "citations" => {
                let (x, y) = (table(old), table(new));
                for code in union_keys(&x, &y) {
                    let (a, b) = (x.get(code), y.get(code));
                    if a == b {
                        continue;
                    }
                    let pick = |k: &str| {
                        [b, a]
                            .into_iter()
                            .flatten()
                            .find_map(|v| v.get(k)?.as_str().map(str::to_string))
                    };
                    let place = match key {
                        "groups" => format!("Nhóm thẩm quyền {}", self.group(code)),
                        "registers" => format!(
                            "Mẫu sổ «{}»",
                            pick("title").unwrap_or_else(|| "không tên".into())
                        ),
                        _ => match Cite::ALL.iter().find(|c| c.code() == code) {
                            Some(c) => format!("Căn cứ pháp lý về «{}»", c.what()),
                            None => "Một căn cứ pháp lý không có trong phần mềm".into(),
                        },
                    };
                    match (a.and_then(Value::as_table), b.and_then(Value::as_table)) {
                        (Some(p), Some(q)) => self.table(&place, p, q, out),
                        (None, Some(_)) => out.push(format!("{place}: thêm mới")),
                        (Some(_), None) => out.push(format!("{place}: bị bỏ")),
                        (None, None) => out.push(format!("{place}: đã thay đổi")),
                    }
                }
            }
            _ if [old, new].into_iter().flatten().any(is_table_array) => {
                self.elements(None, key, arr(old), arr(new), out)
            }
            _ if [old, new].into_iter().flatten().any(Value::is_table) => {
                match (old.and_then(Value::as_table), new.and_then(Value::as_table)) {
                    (Some(p), Some(q)) => self.table(name, p, q, out),
                    (None, Some(_)) => out.push(format!("{name}: thêm mới")),
                    _ => out.push(format!("{name}: bị bỏ")),
                }
            }
            _ => {
                // A value of the regime itself: named by the section name alone.
                let mut one = Vec::new();
                self.leaf("", key, old, new, &mut one);
                out.extend(
                    one.into_iter()
                        .map(|l| format!("{name}{}", &l[l.find(':').unwrap_or(0)..])),
                );
            }
        }
    }
}

fn arr(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn union_keys<'a>(a: &'a toml::Table, b: &'a toml::Table) -> Vec<&'a String> {
    let mut keys: Vec<&String> = a.keys().collect();
    keys.extend(b.keys().filter(|k| !a.contains_key(*k)));
    keys
}

/// What identifies one rule of a list across the embedded file and the override.
fn element_id(key: &str, v: &Value, i: usize) -> String {
    let s = |k: &str| v.get(k).map(|x| x.to_string());
    let id = match key {
        "authority" => s("act").zip(s("levels")).map(|(a, l)| format!("{a} {l}")),
        "amendments" => s("text"),
        "columns" => s("key"),
        _ => s("code"),
    };
    id.unwrap_or_else(|| format!("[{i}]"))
}

/// Each change `over` makes against `embedded` (both TOML texts), in plain Vietnamese: the rule
/// by its Vietnamese name, what it was and what it is now (levels, dates, groups and kinds by
/// their names; lists as "thêm …; bỏ …"). No TOML key appears.
pub fn describe_texts(embedded: Option<&str>, over: &str) -> Vec<String> {
    let parse = |t: &str| t.parse::<toml::Table>().ok();
    let Some(new) = parse(over) else {
        return vec!["Không đọc được tệp (sai cú pháp).".into()];
    };
    let old = embedded.and_then(parse).unwrap_or_default();
    let positions = crate::rules::EMBEDDED
        .iter()
        .find(|(n, _)| *n == "positions.toml")
        .and_then(|(_, t)| parse(t))
        .unwrap_or_default();
    let names = Names {
        old: &old,
        new: &new,
        positions,
    };
    let mut out = Vec::new();
    for k in union_keys(&old, &new) {
        names.section(k, old.get(k), new.get(k), &mut out);
    }
    out
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
    use std::collections::BTreeSet;

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

    /// Every key of `v` that names a schema field (not the codes of groups, registers and
    /// citations, which are data), with its parent key.
    fn schema_keys(parent: &str, v: &Value, out: &mut BTreeSet<(String, String)>) {
        match v {
            Value::Table(t) => {
                for (k, x) in t {
                    if matches!(parent, "groups" | "registers" | "citations") {
                        schema_keys(k, x, out);
                        continue;
                    }
                    out.insert((parent.to_string(), k.clone()));
                    schema_keys(k, x, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| schema_keys(parent, x, out)),
            _ => {}
        }
    }

    #[test]
    fn every_section_and_key_has_a_name() {
        let e = RuleSet::embedded();
        let mut keys = BTreeSet::new();
        for r in &e.regimes {
            schema_keys("", &Value::try_from(r).expect("serialise"), &mut keys);
        }
        for (_, text) in EMBEDDED {
            schema_keys("", &Value::Table(text.parse().unwrap()), &mut keys);
        }
        assert!(keys.len() > 60, "{keys:?}");
        // Every one missing, named at once.
        let missing: Vec<String> = keys
            .iter()
            .filter(|(parent, k)| {
                if parent.is_empty() {
                    section_name(k).is_none()
                } else {
                    key_name(k).is_none()
                }
            })
            .map(|(parent, k)| format!("{parent}.{k}"))
            .collect();
        assert!(missing.is_empty(), "no Vietnamese name: {missing:?}");
        assert_eq!(section_name("no_such_section"), None);
    }

    fn regime_b() -> &'static str {
        EMBEDDED
            .iter()
            .find(|(n, _)| *n == "regime-b.toml")
            .unwrap()
            .1
    }

    /// A copy authority widened, a stamp added, the start date moved: each named in plain
    /// Vietnamese with what it was and what it is now.
    #[test]
    fn describe_names_each_change_in_vietnamese() {
        let b = regime_b();
        let over = b
            .replacen(
                "act = \"copy\"\nlevels = [\"toi-mat\"]\ngroups = [\"TM\"]",
                "act = \"copy\"\nlevels = [\"toi-mat\"]\ngroups = [\"TM\", \"M\"]",
                1,
            )
            .replacen(
                "[[stamps]]",
                "[[stamps]]\ncode = \"khan\"\ntext = \"KHẨN\"\nkind = \"copy\"\nform = \"x\"\n[[stamps]]",
                1,
            )
            .replacen("effective_from = \"2026-03-01\"", "effective_from = \"2026-03-15\"", 1)
            .replacen("tuyet_mat_years = 30", "tuyet_mat_years = 25", 1);
        let lines = describe_texts(Some(b), &over);
        assert_eq!(
            lines,
            vec![
                "Thẩm quyền cho phép sao, chụp tài liệu Tối mật — người đứng đầu được quyết định: thêm «Nhóm Điều 11 khoản 1, 2 và 3 (được cho phép sao, chụp Mật)»",
                "Ngày bắt đầu áp dụng chế độ pháp lý: trước là 01/03/2026, nay là 15/03/2026",
                "Thời hạn bảo vệ bí mật nhà nước — thời hạn đối với Tuyệt mật: trước là 30 năm, nay là 25 năm",
                "Mẫu dấu «KHẨN»: thêm mới",
            ]
        );
        for l in &lines {
            assert!(
                !l.contains('_') && !l.contains("toi-mat") && !l.contains("groups"),
                "{l}"
            );
        }
        assert!(describe_texts(Some(b), b).is_empty());
        let d = differences(&EMBEDDED, &[("regime-b.toml".into(), over)]);
        assert_eq!(d[0].changes_vi, lines);
        assert!(
            d[0].summary_vi().contains("4 thay đổi"),
            "{}",
            d[0].summary_vi()
        );
    }

    #[test]
    fn describe_renders_levels_lists_and_removals() {
        let b = regime_b();
        let over = b
            .replacen(
                "act = \"copy\"\nlevels = [\"toi-mat\"]\ngroups = [\"TM\"]\ndeputy = \"delegation\"",
                "act = \"copy\"\nlevels = [\"toi-mat\"]\ngroups = [\"TM\"]\ndeputy = \"direct\"",
                1,
            )
            .replacen("allowed = [\"standalone\", \"independent-lan\", \"crypto-link\"]", "allowed = [\"standalone\"]", 1);
        let lines = describe_texts(Some(b), &over);
        assert_eq!(
            lines,
            vec![
                "Thẩm quyền cho phép sao, chụp tài liệu Tối mật — cấp phó: trước là được quyết định khi được ủy quyền bằng văn bản, nay là được tự quyết định",
                "Thiết bị, mạng được soạn thảo, lưu giữ bí mật nhà nước — được dùng: bỏ mạng LAN độc lập trong trụ sở, kênh truyền có mã hóa của Ban Cơ yếu Chính phủ",
            ]
        );
        let unreadable = describe_texts(Some(b), "x = ");
        assert_eq!(unreadable, vec!["Không đọc được tệp (sai cú pháp)."]);
    }
    #[test]
    fn a_changed_report_sentence_is_named_but_its_slots_never_shown() {
        let b = regime_b();
        let over = b.replacen(
            "{agency} đã tổ chức {own_sessions} buổi",
            "{agency} tổ chức {own_sessions} buổi",
            1,
        );
        assert_ne!(over, b, "the sentence is in the embedded rules");
        let lines = describe_texts(Some(b), &over);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].starts_with("Bố cục báo cáo"), "{}", lines[0]);
        assert!(lines[0].contains("câu văn báo cáo"), "{}", lines[0]);
        assert!(
            !lines[0].contains('{') && !lines[0].contains('_'),
            "{}",
            lines[0]
        );
    }
}
