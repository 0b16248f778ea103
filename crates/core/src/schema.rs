//! Pieces of the JSON Schemas derived from the command and answer types (schemars
//! `#[schemars(schema_with = …)]`): what a plain derive cannot say about a field. The web API
//! turns the markers (`format: date`, `x-act-date`) into its exact date patterns.

use schemars::{Schema, SchemaGenerator, json_schema};

/// A text the service requires non-blank (văn bản bắt buộc): at least one character that is
/// not a space, at most 2000 characters, no NUL.
pub fn nonblank(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "string", "minLength": 1, "maxLength": 2000, "pattern": "^[^\\x00]*[^\\x00\\s][^\\x00]*$"})
}

/// [`nonblank`] or `null` (a change that leaves the field as it is).
pub fn opt_nonblank(g: &mut SchemaGenerator) -> Schema {
    let mut s = nonblank(g);
    s.insert("type".into(), serde_json::json!(["string", "null"]));
    s
}

/// A non-empty list of [`nonblank`] texts (the recipients of a proposal).
pub fn nonblank_list(g: &mut SchemaGenerator) -> Schema {
    let item = nonblank(g);
    json_schema!({"type": "array", "items": item, "minItems": 1})
}

/// A non-empty list of ids (the items of a destruction).
pub fn id_list(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "array", "items": {"type": "integer", "format": "int64"}, "minItems": 1})
}

/// Ngày thực hiện: the date of an act, optional (empty or `null` = today). Marked
/// `x-act-date`: the web API gives it the range an act may have (from 01/7/2020 to today).
pub fn act_date(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": ["string", "null"], "format": "date", "x-act-date": true})
}

/// A UTC time as `time` serializes a `PrimitiveDateTime` without its human-readable feature:
/// `[year, ordinal day, hour, minute, second, nanosecond]` (thời điểm).
pub fn timestamp(_: &mut SchemaGenerator) -> Schema {
    json_schema!({"type": "array", "items": {"type": "integer"}, "minItems": 6, "maxItems": 6,
        "description": "UTC time as [year, day of year, hour, minute, second, nanosecond]"})
}
