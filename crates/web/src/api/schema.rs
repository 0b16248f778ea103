//! JSON Schemas (OpenAPI 3.1 dialect) of the API's bodies and answers, and the web-specific
//! post-processing of the derived ones.
//!
//! Derived from the core types with schemars: the acts' request bodies ([`cmd_body`]), the
//! programme records, the code lists ([`derived`]); the web layer gives them the API's date
//! patterns, labels and opaque ids ([`ids_as_tokens`]). The answer objects (items, requests,
//! registers, users …) are still written here, mirroring the serde shapes of `bmnn-core`'s
//! types. `components()` is the `components/schemas` section of the OpenAPI document; routes
//! point at it with [`r`].

use bmnn_core::acts::ActKind;
use bmnn_core::model;
use bmnn_core::programme::RecordKind;
use bmnn_core::programme::fields::{Input, JsonSchema, RecordSchemas, body_schema, record_schemas};
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

/// An integer within `lo..=hi`.
pub fn int_in(lo: i64, hi: i64) -> Value {
    json!({"type": "integer", "minimum": lo, "maximum": hi})
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
pub fn password() -> Value {
    json!({"type": "string", "minLength": 10, "maxLength": 256, "pattern": "^[^\\x00]*[^\\x000-9][^\\x00]*$",
           "description": "at least 10 characters, not only digits"})
}
/// A non-empty list.
pub fn nonempty(of: Value) -> Value {
    json!({"type": "array", "items": of, "minItems": 1})
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
/// A JSON timestamp as `time` serializes a `PrimitiveDateTime` without its human-readable
/// feature: `[year, ordinal day, hour, minute, second, nanosecond]`.
pub fn timestamp() -> Value {
    json!({"type": "array", "items": {"type": "integer"}, "minItems": 6, "maxItems": 6,
           "description": "UTC time as [year, day of year, hour, minute, second, nanosecond]"})
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

/// `obj` without one field: request bodies whose id comes from the path.
pub fn without(schema: &Value, field: &str) -> Value {
    let mut s = schema.clone();
    if let Some(p) = s.get_mut("properties").and_then(|p| p.as_object_mut()) {
        p.remove(field);
    }
    if let Some(r) = s.get_mut("required").and_then(|p| p.as_array_mut()) {
        r.retain(|x| x != field);
        if r.is_empty() {
            s.as_object_mut().expect("object").remove("required");
        }
    }
    s
}

/// Body of `PUT /agency` and part of `Org`.
pub fn agency() -> Value {
    obj(&[
        ("name", ne(), true),
        ("superior", opt(text()), false),
        ("place", text(), true),
        ("symbol", text(), true),
    ])
}

/// Chờ tôi xử lý (`Service::inbox`).
fn inbox() -> Value {
    let line = obj(&[
        (
            "group",
            enumeration(&["decide", "sign", "register", "mine", "deadlines"]),
            true,
        ),
        ("kind", text(), true),
        (
            "act",
            enumeration(&bmnn_core::service::InboxAct::codes()),
            true,
        ),
        ("item_id", opt(int()), true),
        ("request_id", opt(int()), true),
        ("entry_id", opt(int()), true),
        ("notice_id", opt(int()), true),
        ("text", text(), true),
        ("since", date(), true),
        ("due", opt(date()), true),
        (
            "urgency",
            enumeration(&["overdue", "today", "soon", "info"]),
            true,
        ),
        ("outcome", opt(text()), true),
        ("reason", opt(text()), true),
        ("waiting", boolean(), true),
    ]);
    obj(&[("lines", array(line), true), ("count", int(), true)])
}

pub fn new_unit() -> Value {
    obj(&[("name", ne(), true), ("parent_id", opt(int()), false)])
}

pub fn new_position() -> Value {
    obj(&[
        ("title", ne(), true),
        (
            "kind",
            json!({"type": "string", "description": "code from rules/positions.toml (GET /rules → position_kinds)"}),
            true,
        ),
        ("rank", r("Rank"), true),
        ("heads_agency", boolean(), true),
        ("unit_id", opt(int()), false),
    ])
}

pub fn new_user() -> Value {
    obj(&[
        (
            "username",
            json!({"type": "string", "pattern": "^[A-Za-z0-9._-]{2,64}$"}),
            true,
        ),
        ("full_name", ne(), true),
        ("password", password(), true),
        ("roles", array(r("Role")), true),
        ("clearance", opt(r("Level")), false),
        ("position_id", opt(int()), false),
        ("unit_id", opt(int()), false),
    ])
}

pub fn user_change() -> Value {
    obj(&[
        ("full_name", opt(ne()), false),
        ("roles", opt(array(r("Role"))), false),
        ("clearance", opt(r("Level")), false),
        ("position_id", opt(int()), false),
        ("unit_id", opt(int()), false),
        ("active", opt(boolean()), false),
    ])
}

pub fn new_password() -> Value {
    obj(&[
        ("password", password(), true),
        (
            "current_password",
            json!({"type": "string", "maxLength": 1024, "description": "mật khẩu hiện tại (bắt buộc khi đổi mật khẩu của chính mình)"}),
            false,
        ),
    ])
}

pub fn api_token() -> Value {
    obj(&[
        ("id", int(), true),
        ("user_id", int(), true),
        ("name", text(), true),
        ("created_at", text(), true),
        ("expires_at", opt(text()), true),
        ("last_used_at", opt(text()), true),
        ("revoked_at", opt(text()), true),
    ])
}

pub fn privilege_change() -> Value {
    obj(&[
        ("id", int(), true),
        ("user_id", int(), true),
        ("requested_by", int(), true),
        ("requested_at", text(), true),
        ("old_roles", array(r("Role")), true),
        ("old_clearance", opt(r("Level")), true),
        ("new_roles", array(r("Role")), true),
        ("new_clearance", opt(r("Level")), true),
        ("old_position_id", opt(int()), true),
        ("new_position_id", opt(int()), true),
        (
            "status",
            enumeration(&["pending", "approved", "rejected"]),
            true,
        ),
        ("decided_by", opt(int()), true),
        ("decided_at", opt(text()), true),
    ])
}

pub fn new_delegation() -> Value {
    obj(&[
        (
            "grantor_id",
            json!({"type": ["integer", "null"], "description": "the head who signed the delegation; required when the recorder is not that head (an administrator records on their behalf)"}),
            false,
        ),
        ("grantee_id", int(), true),
        ("acts", nonempty(r("Act")), true),
        ("max_level", r("Level"), true),
        ("valid_from", date_in(), true),
        ("valid_to", date_in(), true),
        ("document_ref", ne(), true),
    ])
}

pub fn new_catalogue() -> Value {
    obj(&[
        ("decision_ref", ne(), true),
        ("decision_date", date_in(), true),
        ("title", ne(), true),
        ("field", text(), true),
        ("effective_from", date_in(), true),
        (
            "items",
            array(obj(&[
                ("level", r("Level"), true),
                ("number", ne(), true),
                ("text", ne(), true),
            ])),
            true,
        ),
        ("replaces", opt(int()), false),
        ("carry_over", ints(), false),
    ])
}

pub fn on_date() -> Value {
    obj(&[("date", act_date(), false)])
}

pub fn reason() -> Value {
    obj(&[("reason", ne(), true)])
}

pub fn token_request() -> Value {
    obj(&[
        (
            "username",
            json!({"type": "string", "maxLength": 256}),
            true,
        ),
        (
            "password",
            json!({"type": "string", "maxLength": 1024}),
            true,
        ),
        (
            "name",
            json!({"type": "string", "minLength": 1, "maxLength": 2000, "pattern": "^[^\\x00]*[^\\x00\\s][^\\x00]*$", "description": "what the token is for (shown in the audit trail)"}),
            true,
        ),
    ])
}

// ---- Answers ------------------------------------------------------------------------

fn user() -> Value {
    obj(&[
        ("id", int(), true),
        ("username", text(), true),
        ("full_name", text(), true),
        ("roles", array(r("Role")), true),
        ("clearance", opt(r("Level")), true),
        ("position_id", opt(int()), true),
        ("unit_id", opt(int()), true),
        ("active", boolean(), true),
    ])
}

fn item() -> Value {
    obj(&[
        ("id", int(), true),
        ("carrier", r("Carrier"), true),
        ("electronic", boolean(), true),
        ("origin", r("Origin"), true),
        ("number_symbol", opt(text()), true),
        ("doc_type", text(), true),
        ("summary", opt(text()), true),
        ("summary_consent_ref", opt(text()), true),
        ("level", r("Level"), true),
        ("field", opt(text()), true),
        ("catalogue_item_id", opt(int()), true),
        ("doc_date", opt(date()), true),
        ("classified_on", opt(date()), true),
        ("classified_by", opt(int()), true),
        ("decision_ref", opt(text()), true),
        ("regime", text(), true),
        ("expiry", opt(date()), true),
        ("copy_allowed", boolean(), true),
        ("circulation", text(), true),
        ("copies_issued", uint(), true),
        ("recipients", strings(), true),
        ("drafter_id", opt(int()), true),
        ("drafter_name", text(), true),
        ("signer", opt(text()), true),
        ("issuer", opt(text()), true),
        ("unit_id", opt(int()), true),
        ("holder_id", opt(int()), true),
        ("location", text(), true),
        ("status", r("Status"), true),
        ("recall_due", opt(date()), true),
        ("returned_on", opt(date()), true),
        ("named_recipient", opt(text()), true),
        ("named_recipient_id", opt(int()), true),
        ("sealed", boolean(), true),
        ("urgent", boolean(), true),
        ("taken_out", opt(int()), true),
        (
            "basis_warning",
            json!({"type": "string", "description": "warning about the classification's basis (regime A without a catalogue entry); absent when none"}),
            false,
        ),
        ("next_copy_no", uint(), true),
    ])
}

fn event() -> Value {
    obj(&[
        ("id", int(), true),
        ("item_id", int(), true),
        ("kind", text(), true),
        ("on", date(), true),
        ("at", timestamp(), true),
        ("actor_id", opt(int()), true),
        ("actor_name", text(), true),
        ("regime", text(), true),
        ("basis", text(), true),
        (
            "confirmed",
            json!({"type": "boolean", "description": "false: the rule cited is marked unconfirmed (chưa xác nhận) in the rules of the act's date"}),
            true,
        ),
        ("reference", opt(text()), true),
        ("delegation_id", opt(int()), true),
        ("note", text(), true),
    ])
}

fn decision() -> Value {
    obj(&[
        ("by", opt(int()), true),
        ("by_name", text(), true),
        ("on", date(), true),
        ("regime", text(), true),
        ("basis", text(), true),
        (
            "confirmed",
            json!({"type": "boolean", "description": "false: the rule applied is marked unconfirmed (chưa xác nhận) in the rules of the decision's date"}),
            true,
        ),
        ("delegation_id", opt(int()), true),
        ("external_ref", opt(text()), true),
        (
            "external",
            json!({"type": "object", "additionalProperties": false,
            "required": ["number", "date", "signer", "attachment_id"],
            "properties": {"number": text(), "date": date(), "signer": text(), "attachment_id": int()},
            "description": "the outside decision: its signer decided; by/by_name recorded it"}),
            false,
        ),
        ("reference", opt(text()), true),
        ("approved", boolean(), true),
        ("reason", opt(text()), true),
    ])
}

fn request_details() -> Value {
    let kind = |k: &str| json!({"type": "string", "const": k});
    json!({"oneOf": [
        obj(&[("kind", kind("copy"), true), ("form", r("CopyForm"), true), ("count", uint(), true),
              ("purpose", text(), true), ("recipients", strings(), true), ("produced", array(uint()), true),
              ("surplus_destroyed", uint(), true), ("operator", opt(text()), true), ("place", opt(text()), true)]),
        obj(&[("kind", kind("take-out"), true), ("abroad", boolean(), true), ("purpose", text(), true),
              ("place", text(), true), ("from", date(), true), ("until", date(), true), ("measures", text(), true),
              ("delegation_head", opt(text()), true), ("returned_on", opt(date()), false), ("return_report", opt(text()), true)]),
        obj(&[("kind", kind("provide"), true), ("foreign", boolean(), true), ("party", text(), true),
              ("representative", text(), true), ("identity", text(), true), ("purpose", text(), true),
              ("commitment", boolean(), true), ("provided_on", opt(date()), false)]),
        obj(&[("kind", kind("destroy"), true), ("emergency", boolean(), true), ("council", strings(), true),
              ("council_decision_ref", opt(text()), true), ("council_minutes_ref", opt(text()), true),
              ("method", text(), true), ("place", text(), true), ("performers", strings(), true),
              ("minutes_ref", opt(text()), true), ("destroyed_on", opt(date()), false)]),
    ]})
}

fn request() -> Value {
    obj(&[
        ("id", int(), true),
        ("kind", r("RequestKind"), true),
        ("item_ids", nonempty(int()), true),
        ("level", r("Level"), true),
        ("requester_id", int(), true),
        ("requester_name", text(), true),
        ("requested_on", date(), true),
        ("status", r("RequestStatus"), true),
        ("decision", opt(r("Decision")), true),
        ("details", r("RequestDetails"), true),
    ])
}

fn notice() -> Value {
    obj(&[
        ("id", int(), true),
        ("item_id", int(), true),
        ("level", r("Level"), true),
        (
            "kind",
            enumeration(&[
                "extension",
                "adjustment",
                "declassification",
                "catalogue-removal",
                "scan-match",
            ]),
            true,
        ),
        ("recipient", text(), true),
        ("created_on", date(), true),
        ("due", date(), true),
        ("done_on", opt(date()), false),
        ("done_ref", opt(text()), true),
        ("basis", text(), true),
        (
            "confirmed",
            json!({"type": "boolean", "description": "false: the rule that owes the notice is marked unconfirmed in the rules of the act's date"}),
            true,
        ),
    ])
}

fn register_entry() -> Value {
    obj(&[
        ("id", int(), true),
        ("kind", r("RegisterKind"), true),
        ("year", json!({"type": "integer", "format": "int32"}), true),
        ("number", int(), true),
        ("date", date(), true),
        ("item_id", opt(int()), true),
        ("request_id", opt(int()), true),
        ("level", r("Level"), true),
        ("regime", text(), true),
        (
            "fields",
            json!({"type": "object", "additionalProperties": {"type": "string"}}),
            true,
        ),
        ("corrects", opt(int()), true),
        ("created_by", int(), true),
        ("to_user", opt(int()), true),
        (
            "ack",
            opt(obj(&[
                ("by", opt(int()), true),
                ("by_name", text(), true),
                ("at", timestamp(), true),
                ("on_paper", boolean(), true),
            ])),
            true,
        ),
        (
            "cancelled",
            opt(obj(&[
                ("reason", text(), true),
                ("by", int(), true),
                ("at", timestamp(), true),
            ])),
            true,
        ),
    ])
}

fn register_book() -> Value {
    obj(&[
        ("kind", r("RegisterKind"), true),
        ("year", json!({"type": "integer", "format": "int32"}), true),
        ("regime", text(), true),
        ("title", text(), true),
        ("form", text(), true),
        ("confirmed", boolean(), true),
        ("note", text(), true),
        ("instructions", text(), true),
        ("columns", strings(), true),
        ("total", int(), true),
        ("entries", array(r("RegisterEntry")), true),
        ("rows", array(strings()), true),
    ])
}

fn obligation() -> Value {
    obj(&[
        (
            "kind",
            enumeration(&[
                "expiry",
                "extension-deadline",
                "notice",
                "recall",
                "taken-out",
                "handover-ack",
                "decision",
                "annual-report",
                "commitment",
                "remedy",
                "incident-report",
                "meeting-documents",
                "plan-task",
                "annual-plan",
                "subordinate-plan",
                "subordinate-report",
            ]),
            true,
        ),
        (
            "urgency",
            enumeration(&["overdue", "today", "soon", "info"]),
            true,
        ),
        ("due", date(), true),
        ("item_id", opt(int()), true),
        ("request_id", opt(int()), true),
        ("notice_id", opt(int()), true),
        ("entry_id", opt(int()), true),
        ("text", text(), true),
    ])
}

fn catalogue() -> Value {
    obj(&[
        ("id", int(), true),
        ("decision_ref", text(), true),
        ("decision_date", date(), true),
        ("title", text(), true),
        ("field", text(), true),
        ("effective_from", date(), true),
        ("replaced_on", opt(date()), false),
        ("replaced_by", opt(int()), true),
    ])
}

fn catalogue_item() -> Value {
    obj(&[
        ("id", int(), true),
        ("catalogue_id", int(), true),
        ("level", r("Level"), true),
        ("number", text(), true),
        ("text", text(), true),
        ("removed_on", opt(date()), false),
    ])
}

fn delegation() -> Value {
    obj(&[
        ("id", int(), true),
        ("grantor_id", int(), true),
        ("grantee_id", int(), true),
        ("acts", nonempty(r("Act")), true),
        ("max_level", r("Level"), true),
        ("valid_from", date(), true),
        ("valid_to", date(), true),
        ("document_ref", text(), true),
        ("revoked_on", opt(date()), false),
    ])
}

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

/// `schema` with `acts`: the codes of the acts open to the caller on the object
/// (`bmnn_core::acts::ActKind`), required where every answer of that schema carries them
/// (reads carry them; the answer of an act need not).
fn offering_acts(mut schema: Value, required: bool) -> Value {
    schema["properties"]["acts"] = json!({"type": "array", "items": r("ActKind"),
        "description": "thao tác người gọi được thực hiện trên đối tượng này (có trong các câu trả lời đọc)"});
    if required && let Some(req) = schema["required"].as_array_mut() {
        req.push(json!("acts"));
    }
    schema
}

/// The schema schemars derives for `T`. A code list is written as an `enum` of its serde
/// codes (schemars writes a `oneOf` of `const`s when the variants carry doc comments; their
/// texts join the description).
fn derived<T: JsonSchema>() -> Value {
    let v = body_schema::<T>(None);
    let Some(alts) = v.get("oneOf").and_then(Value::as_array) else {
        return v;
    };
    let codes: Option<Vec<&Value>> = alts.iter().map(|a| a.get("const")).collect();
    let Some(codes) = codes else {
        return v;
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
    if !notes.is_empty() {
        e["description"] = json!(notes.join("; "));
    }
    e
}

/// `components/schemas`.
pub fn components() -> Value {
    let mut m = Map::new();
    let mut put = |n: &str, v: Value| {
        m.insert(n.to_string(), v);
    };
    put("Error", error());
    programme_components(&mut put);
    // The code lists: derived from the enums (their serde codes), none written here.
    put("Level", derived::<bmnn_core::Level>());
    put("Role", derived::<model::Role>());
    put("Rank", derived::<model::Rank>());
    put("Carrier", derived::<model::Carrier>());
    put("Origin", derived::<model::Origin>());
    put("Status", derived::<model::Status>());
    put("RequestKind", derived::<model::RequestKind>());
    put("RequestStatus", derived::<model::RequestStatus>());
    put(
        "RegisterKind",
        derived::<bmnn_core::registers::RegisterKind>(),
    );
    put("CopyForm", derived::<model::CopyForm>());
    put("Act", derived::<bmnn_core::rules::Act>());
    put("Agency", agency());
    put("User", user());
    put("ApiToken", api_token());
    put("PrivilegeChange", privilege_change());
    put(
        "Unit",
        obj(&[
            ("id", int(), true),
            ("name", text(), true),
            ("parent_id", opt(int()), true),
        ]),
    );
    put(
        "Position",
        obj(&[
            ("id", int(), true),
            ("title", text(), true),
            ("kind", text(), true),
            ("rank", r("Rank"), true),
            ("heads_agency", boolean(), true),
            ("unit_id", opt(int()), true),
        ]),
    );
    put("Delegation", delegation());
    put("Catalogue", catalogue());
    put("CatalogueItem", catalogue_item());
    put("SecretItem", item());
    put("ItemEvent", event());
    put("Decision", decision());
    put("RequestDetails", request_details());
    put("Request", offering_acts(request(), false));
    put("Notice", offering_acts(notice(), false));
    put("RegisterEntry", offering_acts(register_entry(), false));
    put("ActKind", enumeration(&ActKind::ALL.map(ActKind::code)));
    put("RegisterBook", register_book());
    put("Obligation", obligation());
    put("Inbox", inbox());
    put(
        "ItemDetail",
        offering_acts(
            obj(&[
                ("item", r("SecretItem"), true),
                ("events", array(r("ItemEvent")), true),
                ("requests", array(r("Request")), true),
                ("notices", array(r("Notice")), true),
                ("catalogue_item", opt(r("CatalogueItem")), true),
            ]),
            true,
        ),
    );
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
    put(
        "Org",
        obj(&[
            ("agency", opt(r("Agency")), true),
            ("units", array(r("Unit")), true),
            ("positions", array(r("Position")), true),
            ("users", array(r("User")), true),
            ("delegations", array(r("Delegation")), true),
        ]),
    );
    put(
        "AuditRecord",
        obj(&[
            ("seq", int(), true),
            ("at", text(), true),
            ("actor", text(), true),
            ("action", text(), true),
            ("object", text(), true),
            ("details", text(), true),
            ("prev_hash", text(), true),
            ("hash", text(), true),
        ]),
    );
    put(
        "DestroyedLine",
        obj(&[
            ("item_id", int(), true),
            ("number_symbol", text(), true),
            ("level", r("Level"), true),
            ("description", text(), true),
            ("copies", uint(), true),
        ]),
    );
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
    put(
        "ReportDraftText",
        obj(&[
            (
                "narrative",
                json!({"type": "object", "additionalProperties": {"type": "string"}, "description": "text by section code (a, b, c, d …)"}),
                false,
            ),
            ("number", opt(text()), false),
            ("recipients", strings(), false),
            ("archive", opt(text()), false),
            ("signer_authority", opt(text()), false),
            ("signer_position", opt(text()), false),
            ("signer_name", opt(text()), false),
            ("period_start", opt(date()), false),
            ("period_end", opt(date()), false),
            ("title", opt(text()), false),
            ("place", opt(text()), false),
            ("date", opt(date()), false),
            ("opening", opt(text()), false),
        ]),
    );
    put(
        "DraftOffer",
        obj(&[
            ("text", r("ReportDraftText"), true),
            ("from_previous_year", boolean(), true),
            ("draft_id", opt(int()), true),
        ]),
    );
    put(
        "ReportModel",
        json!({"type": "object",
        "required": ["kind", "year", "regime", "confirmed", "basis", "title", "period", "due", "particulars", "own", "units", "figures", "sections", "notes"],
        "properties": {
            "kind": enumeration(&["annual", "five-year", "incident", "multi-year"]),
            "year": int(), "regime": text(), "confirmed": boolean(), "basis": text(), "title": text(),
            "period": obj(&[("start", date(), true), ("end", date(), true)]),
            "due": date(),
            "particulars": {"type": "object"},
            "own": {"type": "object", "description": "this agency's figures (docs/reports.md §2)"},
            "units": array(obj(&[("unit", text(), true), ("received_on", opt(date()), false), ("on_time", boolean(), true), ("figures", json!({"type": ["object", "null"]}), true)])),
            "figures": {"type": "object", "description": "own plus every unit's figures"},
            "incident_id": opt(int()),
            "sections": array(obj(&[("code", text(), true), ("heading", text(), true), ("facts", strings(), true), ("fact_notes", array(array(obj(&[("start", int(), true), ("end", int(), true), ("n", int(), true)]))), false), ("tables", array(obj(&[("code", text(), true), ("title", text(), true), ("columns", strings(), true), ("rows", array(strings()), true)])), true), ("narrative", text(), true)])),
            "opening": text(),
            "footnotes": array(obj(&[("n", int(), true), ("text", text(), true)])),
            "notes": strings()
        }}),
    );
    put(
        "UnitKey",
        obj(&[
            ("unit", text(), true),
            ("public_key", text(), true),
            ("registered_on", date(), true),
            ("revoked", boolean(), true),
        ]),
    );
    put(
        "UnitReport",
        obj(&[
            ("unit", text(), true),
            (
                "kind",
                enumeration(&["annual", "five-year", "incident"]),
                true,
            ),
            ("year", int(), true),
            ("received_on", date(), true),
            ("public_key", text(), true),
            ("bundle_sha256", text(), true),
            ("figures", json!({"type": "object"}), true),
        ]),
    );
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
