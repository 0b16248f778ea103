//! JSON Schemas (OpenAPI 3.1 dialect) of the API's bodies and answers, and the web-specific
//! post-processing of the derived ones.
//!
//! Derived with schemars from the types the API parses and sends: the request bodies
//! ([`cmd_body`], deserialize contract), the answers ([`answer_components`], serialize
//! contract: the core types and the composite answers of `handlers.rs`), the programme
//! records, the code lists ([`codes_as_enum`]). The web layer gives them the API's date
//! patterns, labels and opaque ids ([`ids_as_tokens`]). Written here only what has no type:
//! the error ([`error`]), the report bundle, and the small builders ([`obj`], [`opt`] …) of the
//! route table's inline answers. `components()` is the `components/schemas` section of the
//! OpenAPI document; routes point at it with [`r`].

use super::handlers as h;
use bmnn_core::model;
use bmnn_core::programme::RecordKind;
use bmnn_core::programme::fields::{Input, JsonSchema, RecordSchemas, body_schema, record_schemas};
use bmnn_core::service;
use schemars::generate::SchemaSettings;
use schemars::{Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value, json};

pub fn r(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}
pub fn int() -> Value {
    json!({"type": "integer", "format": "int64", "minimum": i64::MIN, "maximum": i64::MAX})
}
/// An object's opaque id ([`crate::pubid`]): a string, never a number.
pub fn pid() -> Value {
    json!({"type": "string", "pattern": crate::pubid::PATTERN, "minLength": crate::pubid::LEN, "maxLength": crate::pubid::LEN,
        "description": "mã định danh công khai (13 ký tự, không phải số thứ tự)"})
}

fn is_int_schema(v: &Value) -> bool {
    match v.get("type") {
        Some(Value::String(t)) => t == "integer",
        Some(Value::Array(ts)) => ts.iter().any(|t| t == "integer"),
        _ => false,
    }
}

/// Every id field (by the names [`crate::pubid::is_id_key`] knows) and id query parameter
/// of the document becomes [`pid`] (or an array of them, nullable where it was): the schemas
/// are written with integers and turned into what the API really sends in one place.
pub fn ids_as_tokens(v: &mut Value) {
    match v {
        Value::Object(m) => {
            if let Some(Value::Object(props)) = m.get_mut("properties") {
                for (k, p) in props.iter_mut() {
                    if crate::pubid::is_id_key(k) {
                        to_pid(p);
                    }
                }
            }
            if m.get("in").and_then(Value::as_str) == Some("query")
                && m.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(crate::pubid::is_input_id_key)
                && let Some(p) = m.get_mut("schema")
            {
                to_pid(p);
            }
            m.values_mut().for_each(ids_as_tokens);
        }
        Value::Array(a) => a.iter_mut().for_each(ids_as_tokens),
        _ => {}
    }
}

fn to_pid(p: &mut Value) {
    if is_int_schema(p) {
        let nullable =
            matches!(p.get("type"), Some(Value::Array(ts)) if ts.iter().any(|t| t == "null"));
        *p = if nullable { opt(pid()) } else { pid() };
    } else if p.get("type") == Some(&json!("array")) {
        if let Some(items) = p.get_mut("items") {
            to_pid(items);
        }
    } else if let Some(Value::Array(alts)) = p.get_mut("oneOf") {
        alts.iter_mut().for_each(to_pid);
    }
}

/// A text the service requires non-blank (at most 2000 characters).
pub fn ne() -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": 2000, "pattern": "^[^\\x00]*[^\\x00\\s][^\\x00]*$"})
}
/// Month and day of any year: 31 days in January, March, May, July, August, October and
/// December, 30 in April, June, September and November, 28 in February (29/02 only with a
/// leap year, below). Every string matching a date pattern is a real date.
const MMDD: &str = "((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))";
/// Leap years 1904–2196 (1900 and 2100 are not; 2000 is).
const LEAP: &str = "((19|20|21)(0[48]|[2468][048]|[13579][26])|2000)";
/// Leap years from 2024 (the first after 01/7/2020) to 2196.
const LEAP_ACTS: &str = "(202[48]|20[3579][26]|20[468][048]|210[48]|21[2468][048]|21[13579][26])";

/// `yyyy-mm-dd` for years 1900–2199, every real date and nothing else.
pub fn iso_date_pattern() -> String {
    format!("^((19|20|21)[0-9]{{2}}-{MMDD}|{LEAP}-02-29)$")
}
/// `yyyy-mm-dd` from 2020-07-01 to 2199-12-31, or empty (the date of an act).
pub fn act_date_pattern() -> String {
    format!(
        "^$|^(2020-(0[78]|1[02])-(0[1-9]|[12][0-9]|3[01])|2020-(09|11)-(0[1-9]|[12][0-9]|30)|(202[1-9]|20[3-9][0-9]|21[0-9]{{2}})-{MMDD}|{LEAP_ACTS}-02-29)$"
    )
}

/// A date in a request: ISO, years 1900–2199 (dd/mm/yyyy is also accepted).
pub fn date_in() -> Value {
    json!({"type": "string", "pattern": iso_date_pattern(),
           "description": "yyyy-mm-dd, years 1900–2199 (dd/mm/yyyy is also accepted); an act may not be dated after today"})
}

/// An optional date in a request: `null`, empty (= absent) or a date as [`date_in`].
pub fn opt_date_in() -> Value {
    json!({"type": ["string", "null"], "pattern": format!("^$|{}", iso_date_pattern()),
           "description": "yyyy-mm-dd, years 1900–2199 (dd/mm/yyyy is also accepted); empty or null = none"})
}
/// The date of an act: not before 01/7/2020 (no regime applies earlier), not after today
/// (refused by the service); empty or `null` = today.
pub fn act_date() -> Value {
    json!({"type": ["string", "null"],
           "pattern": act_date_pattern(),
           "description": "date of the act, yyyy-mm-dd (dd/mm/yyyy is also accepted), from 2020-07-01 to today; it picks the legal regime; empty or null = today"})
}
/// A new password: at least 10 characters, not only digits.
pub fn password(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string", "minLength": 10, "maxLength": 256, "pattern": "^[^\\x00]*[^\\x000-9][^\\x00]*$",
           "description": "at least 10 characters, not only digits"})
}

/// A request body: no unknown top-level fields (the server refuses them), no NUL character
/// in any string.
pub fn request_body(schema: Value) -> Value {
    fn no_nul(v: &mut Value) {
        match v {
            Value::Object(o) => {
                let is_plain_string = match o.get("type") {
                    Some(Value::String(t)) => t == "string",
                    Some(Value::Array(a)) => a.iter().any(|t| t == "string"),
                    _ => false,
                };
                if is_plain_string
                    && !o.contains_key("pattern")
                    && !o.contains_key("enum")
                    && !o.contains_key("const")
                {
                    o.insert("pattern".into(), json!("^[^\\x00]*$"));
                }
                o.values_mut().for_each(no_nul);
            }
            Value::Array(a) => a.iter_mut().for_each(no_nul),
            _ => {}
        }
    }
    let mut s = schema;
    no_nul(&mut s);
    if s.get("properties").is_some() {
        s["additionalProperties"] = json!(false);
    }
    s
}
pub fn uint() -> Value {
    json!({"type": "integer", "minimum": 0, "maximum": 4294967295u32})
}
pub fn text() -> Value {
    json!({"type": "string"})
}
pub fn boolean() -> Value {
    json!({"type": "boolean"})
}
pub fn date() -> Value {
    json!({"type": "string", "format": "date", "description": "yyyy-mm-dd (dd/mm/yyyy is also accepted in requests)"})
}
pub fn array(of: Value) -> Value {
    json!({"type": "array", "items": of})
}
pub fn strings() -> Value {
    array(text())
}
pub fn ints() -> Value {
    array(int())
}
/// `v` or `null`.
pub fn opt(v: Value) -> Value {
    if let Some(t) = v.get("type").and_then(|t| t.as_str()) {
        let mut v = v.clone();
        v["type"] = json!([t, "null"]);
        if let Some(e) = v.get_mut("enum").and_then(|e| e.as_array_mut()) {
            e.push(Value::Null);
        }
        return v;
    }
    json!({"oneOf": [v, {"type": "null"}]})
}
pub fn enumeration(values: &[&str]) -> Value {
    json!({"type": "string", "enum": values})
}

/// An object: `(name, schema, required)` per field. Extra fields are allowed (ignored).
pub fn obj(fields: &[(&str, Value, bool)]) -> Value {
    let mut props = Map::new();
    let mut req = Vec::new();
    for (n, s, required) in fields {
        props.insert(n.to_string(), s.clone());
        if *required {
            req.push(json!(n));
        }
    }
    let mut o = json!({"type": "object", "properties": props});
    if !req.is_empty() {
        o["required"] = Value::Array(req);
    }
    o
}

// ---- Answers ------------------------------------------------------------------------

/// `{"error": {code, message, …}}`: written by `WebError`'s response (`crate::error`) with
/// `json!`, no type to derive from; described here.
fn error() -> Value {
    obj(&[(
        "error",
        obj(&[
            (
                "code",
                json!({"type": "string", "description": "stable machine code (docs/api.md)"}),
                true,
            ),
            (
                "message",
                json!({"type": "string", "description": "Vietnamese message saying what to do"}),
                true,
            ),
            (
                "field",
                json!({"type": "string", "description": "offending field, for invalid_input"}),
                false,
            ),
            (
                "basis",
                json!({"type": "string", "description": "legal basis of a refusal, from the rules of the act's date"}),
                false,
            ),
            (
                "confirmed",
                json!({"type": "boolean", "description": "with basis: false when the rules mark that rule unconfirmed (chưa xác nhận)"}),
                false,
            ),
            (
                "next_step",
                json!({"type": "string", "description": "what to do instead, in Vietnamese (who may decide, what is missing)"}),
                false,
            ),
        ]),
        true,
    )])
}

/// The generator of the answers' schemas: what serde *sends* (`Contract::Serialize`: a field
/// is required unless it may be skipped, an `Option` is nullable), references under
/// `#/components/schemas`.
fn answer_generator() -> SchemaGenerator {
    let mut settings = SchemaSettings::draft2020_12().for_serialize();
    settings.definitions_path = "/components/schemas".into();
    settings.meta_schema = None;
    settings.into_generator()
}

/// The answers' schemas, derived from the types the handlers serialize, with every type they
/// refer to (the code lists among them).
fn answer_components() -> Map<String, Value> {
    let mut g = answer_generator();
    g.subschema_for::<h::ItemAnswer>();
    g.subschema_for::<h::RegisterBookAnswer>();
    g.subschema_for::<h::WithActs<model::Request>>();
    g.subschema_for::<h::WithActs<model::Notice>>();
    g.subschema_for::<model::SecretItem>();
    g.subschema_for::<model::Request>();
    g.subschema_for::<model::Notice>();
    g.subschema_for::<bmnn_core::registers::RegisterEntry>();
    g.subschema_for::<service::OrgView>();
    g.subschema_for::<model::ApiToken>();
    g.subschema_for::<model::PrivilegeChange>();
    g.subschema_for::<model::Catalogue>();
    g.subschema_for::<bmnn_core::audit::AuditRecord>();
    g.subschema_for::<service::DestroyedLine>();
    g.subschema_for::<service::Inbox>();
    g.subschema_for::<bmnn_core::obligations::Obligation>();
    g.subschema_for::<bmnn_core::programme::reports::ReportModel>();
    g.subschema_for::<service::DraftOffer>();
    g.subschema_for::<service::UnitReport>();
    g.subschema_for::<bmnn_core::programme::UnitKey>();
    // Code lists the answers do not name but the bodies and queries do.
    g.subschema_for::<model::Origin>();
    g.subschema_for::<model::Status>();
    g.subschema_for::<model::RequestKind>();
    g.subschema_for::<model::RequestStatus>();
    g.subschema_for::<model::CopyForm>();
    g.subschema_for::<model::Rank>();
    g.subschema_for::<model::Carrier>();
    g.subschema_for::<bmnn_core::rules::Act>();
    let mut defs = g.take_definitions(true);
    // Sent in `DraftOffer` and received by `PUT …/draft`: described as it is received (every
    // field optional, `#[serde(default)]`), which every text sent also matches.
    defs.insert(
        "ReportDraftText".into(),
        body_schema::<bmnn_core::programme::ReportDraftText>(None),
    );
    for s in defs.values_mut() {
        codes_as_enum(s);
        answer_dates(s);
    }
    defs
}

/// A code list as an `enum` of its serde codes: schemars writes a `oneOf` of `const`s when
/// the variants carry doc comments; their texts join the description.
fn codes_as_enum(v: &mut Value) {
    let Some(alts) = v.get("oneOf").and_then(Value::as_array) else {
        return;
    };
    let Some(codes) = alts
        .iter()
        .map(|a| a.get("const").cloned())
        .collect::<Option<Vec<_>>>()
    else {
        return;
    };
    let notes: Vec<String> = (alts.iter())
        .filter_map(|a| {
            Some(format!(
                "{}: {}",
                a["const"].as_str()?,
                a["description"].as_str()?
            ))
        })
        .collect();
    let mut e = json!({"type": "string", "enum": codes});
    if let Some(d) = v.get("description") {
        e["description"] = d.clone();
    } else if !notes.is_empty() {
        e["description"] = json!(notes.join("; "));
    }
    *v = e;
}

/// A date the API sends (`format: date`): `yyyy-mm-dd`, always four digits of year.
fn answer_dates(v: &mut Value) {
    match v {
        Value::Object(m) if m.get("format") == Some(&json!("date")) => {
            m.insert("pattern".into(), json!("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"));
            let d = match m.get("description").and_then(Value::as_str) {
                Some(d) => format!("{d} (yyyy-mm-dd)"),
                None => "yyyy-mm-dd".into(),
            };
            m.insert("description".into(), json!(d));
        }
        Value::Object(m) => m.values_mut().for_each(answer_dates),
        Value::Array(a) => a.iter_mut().for_each(answer_dates),
        _ => {}
    }
}

/// Descriptions come from doc comments written for developers: a parenthesis that points at
/// the project's notes (`legal.md §…`, the `[U]`/`[P]`/`[S]` markers) is left out of the
/// document, and a description made only of such a note goes.
fn without_notes(v: &mut Value) {
    let is_note = |t: &str| {
        ["legal.md", "[U]", "[P]", "[S"]
            .iter()
            .any(|m| t.contains(m))
    };
    match v {
        Value::Object(m) => {
            if let Some(d) = m.get("description").and_then(Value::as_str)
                && is_note(d)
            {
                let mut out = String::new();
                let mut rest = d;
                while let Some(open) = rest.find(" (") {
                    let Some(close) = rest[open..].find(')') else {
                        break;
                    };
                    let inner = &rest[open..open + close + 1];
                    out.push_str(&rest[..open]);
                    if !is_note(inner) {
                        out.push_str(inner);
                    }
                    rest = &rest[open + close + 1..];
                }
                out.push_str(rest);
                if is_note(&out) {
                    m.remove("description");
                } else {
                    m.insert("description".into(), json!(out));
                }
            }
            m.values_mut().for_each(without_notes);
        }
        Value::Array(a) => a.iter_mut().for_each(without_notes),
        _ => {}
    }
}

/// `components/schemas`: the answers, the error, the programme's records and reports. A name
/// two sources define must mean the same schema (the code lists do).
pub fn components() -> Value {
    let mut m = answer_components();
    let mut put = |n: &str, v: Value| match m.get(n) {
        Some(old) => {
            let mut v = v;
            codes_as_enum(&mut v);
            assert_eq!(*old, v, "two schemas named {n}");
        }
        None => {
            m.insert(n.to_string(), v);
        }
    };
    put("Error", error());
    programme_components(&mut put);
    put(
        "ItemPage",
        obj(&[
            (
                "total",
                json!({"type": "integer", "description": "items the caller may see"}),
                true,
            ),
            ("rows", array(r("SecretItem")), true),
        ]),
    );
    m.values_mut().for_each(without_notes);
    Value::Object(m)
}

// ---- Programme records (hồ sơ công tác bảo vệ BMNN) -------------------------------------

/// The record kinds' component names by kind code, in the order of
/// `crate::programme::KINDS`: the schemas are derived from the record types in core
/// (`bmnn_core::programme::fields::record_schemas`), none is written here.
pub fn programme_records() -> Vec<(&'static str, String)> {
    record_schemas()
        .kinds
        .into_iter()
        .map(|(k, name)| (k.code(), name))
        .collect()
}

/// The derived record schemas, as the API writes them: a date field gets the exact date
/// pattern the API accepts ([`date_in`], [`opt_date_in`]); a text the kind's form requires
/// gets [`ne`]; each form field carries its Vietnamese label.
fn api_record_components() -> Vec<(String, Value)> {
    let RecordSchemas { kinds, components } = record_schemas();
    components
        .into_iter()
        .map(|(name, mut s)| {
            api_dates(&mut s);
            if let Some((kind, _)) = kinds.iter().find(|(_, n)| *n == name) {
                s = labelled(*kind, s);
            }
            (name, s)
        })
        .collect()
}

/// The request body of a programme act, derived from its command type in core; `path_id` is
/// the id the route's path carries. Dates get the API's pattern, as in the components.
pub fn cmd_body<T: JsonSchema>(path_id: Option<&str>) -> Value {
    let mut v = body_schema::<T>(path_id);
    api_dates(&mut v);
    v
}

/// Replaces each derived date (`format: date`) by the API's date pattern.
fn api_dates(v: &mut Value) {
    match v {
        Value::Object(m) if m.get("x-act-date") == Some(&json!(true)) => *v = act_date(),
        Value::Object(m) if m.get("format") == Some(&json!("date")) => {
            let nullable =
                matches!(m.get("type"), Some(Value::Array(ts)) if ts.iter().any(|t| t == "null"));
            *v = if nullable { opt_date_in() } else { date_in() };
        }
        Value::Object(m) => m.values_mut().for_each(api_dates),
        Value::Array(a) => a.iter_mut().for_each(api_dates),
        _ => {}
    }
}

/// `{unit_id, record}` with the record of one of the kinds (the path's `kind` says which).
pub fn record_cmd() -> Value {
    let kinds: Vec<Value> = programme_records()
        .into_iter()
        .map(|(code, name)| {
            let mut o = obj(&[("unit_id", opt(int()), false), ("record", r(&name), true)]);
            o["title"] = json!(format!("kind = {code}"));
            o
        })
        .collect();
    json!({"type": "object", "properties": {"unit_id": opt(int()), "record": {"type": "object"}},
           "required": ["record"],
           "description": "the record's schema depends on the path's kind: one of the alternatives below",
           "oneOf": kinds})
}

/// `{record: {…}}`: some fields of the record of the path's kind, those its form holds
/// (`RecordKind::form`); the others keep their stored values.
pub fn record_edit() -> Value {
    let kinds: Vec<String> = crate::programme::KINDS
        .iter()
        .map(|k| format!("{}: {}", k.code(), k.form().record_keys().join(", ")))
        .collect();
    let mut record = json!({"type": "object", "minProperties": 1});
    record["description"] = json!(format!(
        "các trường được sửa, theo loại hồ sơ — {}",
        kinds.join("; ")
    ));
    obj(&[("record", record, true)])
}

/// A stored record: `{id, unit_id, record, cancelled?, acts}`.
pub fn stored_record() -> Value {
    let recs: Vec<Value> = programme_records()
        .into_iter()
        .map(|(_, name)| r(&name))
        .collect();
    stored_with(json!({"oneOf": recs}))
}

pub fn stored(name: &str) -> Value {
    stored_with(r(name))
}

fn stored_with(record: Value) -> Value {
    obj(&[
        ("id", int(), true),
        ("unit_id", opt(int()), true),
        ("record", record, true),
        ("cancelled", r("Cancellation"), false),
        ("acts", array(r("RecordAct")), true),
    ])
}

/// The record schemas with each form field's Vietnamese label as its description (the one
/// definition of `RecordKind::form`).
fn labelled(kind: RecordKind, mut s: Value) -> Value {
    let fields = kind.form().fields;
    for fd in &fields {
        let key = fd.record_key();
        // A field the form splits in parts (the incident's documents by level, its
        // discipline counts) is labelled with its parts' labels.
        let label = if key == fd.name {
            fd.label.to_string()
        } else {
            (fields.iter())
                .filter(|f| f.record_key() == key)
                .map(|f| f.label)
                .collect::<Vec<_>>()
                .join("; ")
        };
        if let Some(p) = s["properties"].get_mut(key) {
            if fd.input == Input::Text && p.get("type") == Some(&json!("string")) {
                *p = ne();
            }
            p["description"] = json!(label);
        }
    }
    s
}

fn programme_components(put: &mut dyn FnMut(&str, Value)) {
    for (name, s) in api_record_components() {
        put(&name, s);
    }
    // The bundle is a file format (`bmnn_core::programme::bundle`) its code writes field by
    // field, with no type to derive from: described here.
    put(
        "ReportBundle",
        obj(&[
            ("format", json!({"const": "bmnn-report-bundle/1"}), true),
            ("manifest", text(), true),
            ("signature", text(), true),
            (
                "files",
                json!({"type": "object", "additionalProperties": {"type": "string"}, "description": "file name → lowercase hex of its bytes"}),
                true,
            ),
        ]),
    );
}
