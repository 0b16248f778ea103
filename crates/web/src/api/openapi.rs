//! The OpenAPI 3.1 document of `/api/v1`, built from the route table ([`super::routes`]).
//!
//! Path parameters come from the `{name}` segments of each path; query parameters, bodies and
//! answers from each row's [`super::routes::Doc`]. Every operation also documents the error
//! answers it may give, all in the shape of `components/schemas/Error`.

use super::routes::{Answer, table};
use super::schema::{self, r};
use bmnn_core::ports::Store;
use bmnn_core::rules::RuleSet;
use serde_json::{Map, Value, json};

/// Names of the `{param}` segments of a path.
pub fn path_params(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
        .collect()
}

/// The schema of the `{name}` segment of `path`: `kind` names a register, a programme record
/// kind or a report kind depending on where it stands.
fn path_param_schema(path: &str, name: &str) -> Value {
    match name {
        "kind" if path.starts_with("/programme/records/") => {
            json!({"type": "string", "enum": crate::programme::kind_codes()})
        }
        "kind" if path.starts_with("/programme/reports/") => {
            json!({"type": "string", "enum": crate::programme::REPORT_KINDS.map(|k| k.code())})
        }
        "kind" => r("RegisterKind"),
        "year" => json!({"type": "integer", "minimum": 1900, "maximum": 2199}),
        _ => schema::pid(),
    }
}

fn error_answer(description: &str) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": r("Error")}}})
}

/// The whole document. The codes an agency's rule files define (position kinds, fields)
/// are listed as enums from `rules`, the rule set the server runs with.
pub fn document<S: Store>(rules: &RuleSet) -> Value {
    let mut paths: Map<String, Value> = Map::new();
    // One generator for every answer: each route's type adds its component (and those it
    // names) to `components/schemas`.
    let mut g = schema::answer_generator();
    for route in table::<S>() {
        let d = &route.doc;
        let mut params: Vec<Value> = path_params(route.path)
            .into_iter()
            .map(|p| json!({"name": p, "in": "path", "required": true, "schema": path_param_schema(route.path, p)}))
            .collect();
        params.extend(d.query.iter().map(|q| {
            json!({"name": q.name, "in": "query", "required": false, "schema": q.schema, "description": q.description})
        }));
        let mut responses = Map::new();
        let ok = match &d.ok.1 {
            Answer::Type(derive) => derive(&mut g).to_value(),
            Answer::Schema(v) => v.clone(),
        };
        // A file answer (DOCX) is documented under its own media type, not as JSON.
        let media = ok["contentMediaType"]
            .as_str()
            .unwrap_or("application/json")
            .to_string();
        responses.insert(
            d.ok.0.to_string(),
            json!({"description": "Thành công", "content": {media: {"schema": ok}}}),
        );
        responses.insert(
            "400".into(),
            error_answer("invalid_input: dữ liệu, truy vấn hoặc JSON không hợp lệ"),
        );
        if !d.public {
            responses.insert(
                "401".into(),
                error_answer("unauthenticated: thiếu hoặc sai mã truy cập"),
            );
            responses.insert(
                "403".into(),
                error_answer("forbidden: vai trò không cho phép"),
            );
            responses.insert(
                "404".into(),
                error_answer("not_found: không có, hoặc ngoài phạm vi được tiếp cận"),
            );
            responses.insert(
                "409".into(),
                error_answer("conflict: trạng thái không cho phép thao tác"),
            );
            responses.insert(
                "422".into(),
                error_answer("bị từ chối theo quy định (mã ổn định, căn cứ pháp lý)"),
            );
        } else if route.path == "/tokens" {
            responses.insert(
                "401".into(),
                error_answer("login_failed: sai tên đăng nhập hoặc mật khẩu"),
            );
            responses.insert(
                "429".into(),
                error_answer("login_throttled: đăng nhập sai nhiều lần, hãy chờ; rate_limited: quá nhiều yêu cầu"),
            );
        }
        // Routes behind a per-address rate limit (`crate::ratelimit`).
        let full = format!("/api/v1{}", route.path);
        if crate::ratelimit::Class::of(&route.method, &full).is_some() && route.path != "/tokens" {
            responses.insert(
                "429".into(),
                error_answer("rate_limited: quá nhiều yêu cầu từ địa chỉ này (Retry-After)"),
            );
        }
        if d.body.is_some() {
            responses.insert(
                "415".into(),
                error_answer("invalid_input: nội dung không phải JSON"),
            );
        }
        responses.insert("500".into(), error_answer("storage_error: lỗi lưu trữ"));
        responses.insert(
            "503".into(),
            error_answer("database_unavailable: cơ sở dữ liệu tạm thời không trả lời"),
        );
        let mut op = json!({
            "operationId": &d.operation_id,
            "tags": [d.tag],
            "summary": d.summary,
            "parameters": params,
            "responses": responses,
        });
        if d.public {
            op["security"] = json!([]);
        }
        if let Some(b) = &d.body {
            // A body whose fields are all optional may be left out entirely.
            let required = b["required"].as_array().is_some_and(|r| !r.is_empty());
            op["requestBody"] =
                json!({"required": required, "content": {"application/json": {"schema": b}}});
        }
        if let Some(props) = op
            .pointer_mut("/requestBody/content/application~1json/schema/properties")
            .and_then(Value::as_object_mut)
        {
            enumerate_rule_codes(&d.operation_id, props, rules);
        }
        let entry = paths
            .entry(route.path.to_string())
            .or_insert_with(|| json!({}));
        entry[route.method.as_str().to_ascii_lowercase()] = op;
    }
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": "bmnn API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "API JSON của bmnn (quản lý bảo vệ bí mật nhà nước). Mọi lỗi có dạng {\"error\": {\"code\", \"message\"}}; mã lỗi ổn định được liệt kê trong docs/api.md.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": schema::components(g),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "Mã truy cập từ POST /tokens"}
            }
        }
    });
    schema::ids_as_tokens(&mut doc);
    doc
}

/// Position kinds (for new positions) and fields (lĩnh vực, for proposals and adjustments)
/// as enums of the codes in force.
fn enumerate_rule_codes(operation_id: &str, props: &mut Map<String, Value>, rules: &RuleSet) {
    match operation_id {
        "createPosition" => {
            let kinds: Vec<&str> = rules
                .position_kinds
                .iter()
                .map(|k| k.code.as_str())
                .collect();
            props.insert("kind".into(), json!({"type": "string", "enum": kinds}));
        }
        "propose" | "adjust" => {
            let mut fields: Vec<Value> = Vec::new();
            for r in &rules.regimes {
                for f in &r.fields {
                    let v = json!(f.code);
                    if !fields.contains(&v) {
                        fields.push(v);
                    }
                }
            }
            fields.push(Value::Null);
            props.insert(
                "field".into(),
                json!({"type": ["string", "null"], "enum": fields, "description": "lĩnh vực (code of the regime's field list)"}),
            );
        }
        _ => {}
    }
}
