//! JSON Schemas (OpenAPI 3.1 dialect) of the API's bodies and answers, and the web-specific
//! post-processing of the derived ones.
//!
//! Every object schema is derived with schemars from a type the API parses or sends: the
//! request bodies ([`cmd_body`], deserialize contract), the answers ([`of`] in the route
//! table, serialize contract, collected in one generator by `openapi::document`: the core
//! types, the composite answers of `handlers.rs`, the error body `crate::error::ErrorBody`,
//! the report bundle `bmnn_core::programme::bundle::Envelope`), the programme records and
//! their stored form, the code lists ([`codes_as_enum`]). What this file adds is
//! post-processing only: the API's date patterns, labels, opaque ids ([`ids_as_tokens`]),
//! code lists as enums, and the scalar schemas of query parameters. `components()` is the
//! `components/schemas` section of the OpenAPI document; routes point at it with [`r`].

use bmnn_core::model;
use bmnn_core::programme::RecordKind;
use bmnn_core::programme::fields::{Input, JsonSchema, RecordSchemas, body_schema, record_schemas};
use bmnn_core::service;
use schemars::generate::SchemaSettings;
use schemars::{Schema, SchemaGenerator, json_schema};
use serde_json::{Map, Value, json};

/// The schema of `T` in the answers' generator: a reference to its component (added to
/// `components/schemas` with every type it names), or inline for a list or a scalar.
pub type Derive = fn(&mut SchemaGenerator) -> Schema;

/// [`Derive`] of `T`: `of::<T>` in the route table.
pub fn of<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

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
        *p = if nullable { nullable_of(pid()) } else { pid() };
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

/// A query parameter's boolean.
pub fn boolean() -> Value {
    json!({"type": "boolean"})
}
/// A list of `of` (the stored records of one kind).
pub fn array(of: Value) -> Value {
    json!({"type": "array", "items": of})
}
/// `v` or `null`.
fn nullable_of(v: Value) -> Value {
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

// ---- Answers ------------------------------------------------------------------------

/// The generator of the answers' schemas: what serde *sends* (`Contract::Serialize`: a field
/// is required unless it may be skipped, an `Option` is nullable), references under
/// `#/components/schemas`.
pub fn answer_generator() -> SchemaGenerator {
    let mut settings = SchemaSettings::draft2020_12().for_serialize();
    settings.definitions_path = "/components/schemas".into();
    settings.meta_schema = None;
    settings.into_generator()
}

/// The answers' schemas: those the route table derived into `g` ([`of`]), the error body every
/// route may answer, and the code lists the bodies and queries name, with every type they
/// refer to.
fn answer_components(mut g: SchemaGenerator) -> Map<String, Value> {
    g.subschema_for::<crate::error::ErrorBody>();
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
    defs.values_mut().for_each(codes_as_enum);
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

/// `components/schemas`: the answers derived into `g` (with the error), the programme's
/// records and their stored form. A name two sources define must mean the same schema (the
/// code lists do).
///
/// A part both name (a record's cancellation and acts, which a stored record carries in the
/// answers of the records and of the report bookkeeping) is compared as derived, before the
/// dates are given their patterns, and kept once, as an answer.
pub fn components(g: SchemaGenerator) -> Value {
    let mut m = answer_components(g);
    let RecordSchemas {
        kinds, components, ..
    } = record_schemas();
    let mut records = Map::new();
    for (name, mut s) in components {
        if let Some(old) = m.get(&name) {
            let mut derived = s;
            codes_as_enum(&mut derived);
            assert_eq!(*old, derived, "two schemas named {name}");
            continue;
        }
        api_dates(&mut s);
        if let Some((kind, _)) = kinds.iter().find(|(_, n)| *n == name) {
            s = labelled(*kind, s);
        }
        records.insert(name, s);
    }
    m.values_mut().for_each(answer_dates);
    m.extend(records);
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

/// `{unit_id, record}` with the record of one of the kinds (the path's kind says which): one
/// alternative per kind, each derived from `RecordCmd<T>` (components `{T}Cmd`).
pub fn record_cmd() -> Value {
    let kinds: Vec<Value> = (record_schemas().cmds.into_iter())
        .map(|(k, name)| {
            json!({"$ref": format!("#/components/schemas/{name}"), "title": format!("kind = {}", k.code())})
        })
        .collect();
    json!({"type": "object",
           "description": "the record's schema depends on the path's kind: one of the alternatives below",
           "oneOf": kinds})
}

/// `{record: {…}}`: some fields of the record of the path's kind, those its form holds
/// (`RecordKind::form`); the others keep their stored values. Derived from `EditRecordCmd`;
/// the fields each kind's form holds join the description.
pub fn record_edit() -> Value {
    let kinds: Vec<String> = crate::programme::KINDS
        .iter()
        .map(|k| format!("{}: {}", k.code(), k.form().record_keys().join(", ")))
        .collect();
    let mut v = cmd_body::<service::EditRecordCmd>(None);
    if let Some(record) = v.pointer_mut("/properties/record") {
        record["minProperties"] = json!(1);
        record["description"] = json!(format!(
            "các trường được sửa, theo loại hồ sơ — {}",
            kinds.join("; ")
        ));
    }
    v
}

/// A stored record of any kind (`oneOf` the kinds' `Stored{T}` components).
pub fn stored_record() -> Value {
    let recs: Vec<Value> = (record_schemas().stored.into_iter())
        .map(|(_, name)| r(&name))
        .collect();
    json!({"oneOf": recs})
}

/// The stored record of one kind (component `Stored{T}`, derived from `Stored<T>`).
pub fn stored(kind: RecordKind) -> Value {
    match (record_schemas().stored.into_iter()).find(|(k, _)| *k == kind) {
        Some((_, name)) => r(&name),
        None => panic!("no stored schema for {}", kind.code()),
    }
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
