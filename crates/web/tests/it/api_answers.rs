//! Real answers of the API validate against the schemas its OpenAPI document derives from
//! the Rust types (items, requests, registers, notices, users, the organisation …), checked
//! with a small JSON Schema validator of the keywords the document uses.

use crate::helpers::TestApp;
use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};

/// Where `v` breaks `schema` (components resolved from `doc`), or `None`.
fn violation(doc: &Value, schema: &Value, v: &Value, at: &str) -> Option<String> {
    let fail = |what: String| Some(format!("{at}: {what}"));
    if let Some(r) = schema["$ref"].as_str() {
        let name = r.trim_start_matches("#/components/schemas/");
        let target = &doc["components"]["schemas"][name];
        if !target.is_object() {
            return fail(format!("dangling {r}"));
        }
        return violation(doc, target, v, at);
    }
    if let Some(all) = schema["allOf"].as_array()
        && let Some(e) = all.iter().find_map(|s| violation(doc, s, v, at))
    {
        return Some(e);
    }
    if let Some(any) = schema["anyOf"].as_array()
        && any.iter().all(|s| violation(doc, s, v, at).is_some())
    {
        return fail(format!("{v} matches no alternative of anyOf"));
    }
    if let Some(one) = schema["oneOf"].as_array() {
        let n = one
            .iter()
            .filter(|s| violation(doc, s, v, at).is_none())
            .count();
        if n != 1 {
            return fail(format!("{v} matches {n} alternatives of oneOf"));
        }
    }
    if let Some(c) = schema.get("const")
        && c != v
    {
        return fail(format!("{v} is not {c}"));
    }
    if let Some(e) = schema["enum"].as_array()
        && !e.contains(v)
    {
        return fail(format!("{v} not in {schema}"));
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let is = |t: &str| match t {
        "null" => v.is_null(),
        "boolean" => v.is_boolean(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "string" => v.is_string(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => false,
    };
    if !types.is_empty() && !types.iter().any(|t| is(t)) {
        return fail(format!("{v} is not of type {types:?}"));
    }
    if let Some(s) = v.as_str() {
        let len = s.chars().count() as u64;
        if schema["minLength"].as_u64().is_some_and(|m| len < m)
            || schema["maxLength"].as_u64().is_some_and(|m| len > m)
        {
            return fail(format!("{v}: length out of bounds"));
        }
        if let Some(p) = schema["pattern"].as_str()
            && !regex_lite::Regex::new(p).expect("pattern").is_match(s)
        {
            return fail(format!("{v} does not match {p}"));
        }
    }
    if let Some(n) = v.as_f64()
        && (schema["minimum"].as_f64().is_some_and(|m| n < m)
            || schema["maximum"].as_f64().is_some_and(|m| n > m))
    {
        return fail(format!("{v} out of range"));
    }
    if let Some(a) = v.as_array() {
        if schema["minItems"]
            .as_u64()
            .is_some_and(|m| (a.len() as u64) < m)
            || schema["maxItems"]
                .as_u64()
                .is_some_and(|m| (a.len() as u64) > m)
        {
            return fail(format!("{} items", a.len()));
        }
        if schema["items"].is_object() {
            for (i, x) in a.iter().enumerate() {
                if let Some(e) = violation(doc, &schema["items"], x, &format!("{at}[{i}]")) {
                    return Some(e);
                }
            }
        }
    }
    if let Some(o) = v.as_object() {
        for k in schema["required"].as_array().into_iter().flatten() {
            if !o.contains_key(k.as_str().unwrap_or_default()) {
                return fail(format!("required {k} missing"));
            }
        }
        let props = schema["properties"].as_object();
        for (k, x) in o {
            match props.and_then(|p| p.get(k)) {
                Some(p) => {
                    if let Some(e) = violation(doc, p, x, &format!("{at}.{k}")) {
                        return Some(e);
                    }
                }
                None if schema["additionalProperties"] == json!(false) => {
                    return fail(format!("unknown field {k}"));
                }
                None => {
                    if let Some(e) = (schema["additionalProperties"].is_object())
                        .then(|| {
                            violation(
                                doc,
                                &schema["additionalProperties"],
                                x,
                                &format!("{at}.{k}"),
                            )
                        })
                        .flatten()
                    {
                        return Some(e);
                    }
                }
            }
        }
    }
    None
}

/// The documented schema of the success answer of `method path` (a path of the table).
fn answer_schema(doc: &Value, method: &str, path: &str, status: u16) -> Value {
    let s =
        doc["paths"][path][method]["responses"][status.to_string()]["content"]["application/json"]
            ["schema"]
            .clone();
    assert!(s.is_object(), "{method} {path} {status}: no schema");
    s
}

/// `v`, the answer of `method path`, conforms to what the document says of it.
fn conforms(doc: &Value, method: &str, path: &str, status: u16, v: &Value) {
    let schema = answer_schema(doc, method, path, status);
    if let Some(e) = violation(doc, &schema, v, "$") {
        panic!("{method} {path}: the answer breaks its schema: {e}\n{v:#}");
    }
}

#[tokio::test]
async fn real_answers_conform_to_the_derived_schemas() {
    let app = TestApp::spawn();
    let req = Request::get("/api/v1/openapi.json")
        .body(Body::empty())
        .unwrap();
    let doc = app.raw(req).await.expect(200);
    // Descriptions come from doc comments: none points a reader at the project's notes.
    let text = doc.to_string();
    for note in ["legal.md", "[U]", "[P]", "[S]", "[S,"] {
        assert!(!text.contains(note), "{note} in the document");
    }

    // An item, registered out, extended (a notice), with a copy request and a handover.
    let item = app.classified_item("2025-05-05", json!({})).await;
    let out = app
        .post_json(
            &format!("/api/v1/items/{item}/outgoing"),
            "vanthu",
            json!({"number_symbol": "7/BC", "signer": "Trần Văn Ký"}),
        )
        .await
        .expect(201);
    conforms(&doc, "post", "/items/{id}/outgoing", 201, &out);
    let year = out["entry"]["year"].as_i64().expect("year");
    let ext = app
        .post_json(
            &format!("/api/v1/items/{item}/extension"),
            "giamdoc",
            json!({"years": 1}),
        )
        .await
        .expect(200);
    conforms(&doc, "post", "/items/{id}/extension", 200, &ext);
    let req = app
        .post_json(
            "/api/v1/requests/copy",
            "soanthao",
            json!({"item_id": item, "form": "chup", "count": 2, "purpose": "Họp giao ban"}),
        )
        .await
        .expect(201);
    conforms(&doc, "post", "/requests/copy", 201, &req);
    let rid = crate::helpers::tok(&req["id"]);
    let decided = app
        .post_json(
            &format!("/api/v1/requests/{rid}/decision"),
            "giamdoc",
            json!({"approve": false, "reason": "Không cần thiết"}),
        )
        .await
        .expect(200);
    conforms(&doc, "post", "/requests/{id}/decision", 200, &decided);
    assert!(decided["decision"].is_object(), "{decided}");

    let reads: Vec<(&str, String, &str)> = vec![
        ("/items/{id}", format!("/items/{item}"), "vanthu"),
        ("/items", "/items".into(), "vanthu"),
        ("/requests", "/requests".into(), "giamdoc"),
        ("/requests/{id}", format!("/requests/{rid}"), "soanthao"),
        ("/notices", "/notices".into(), "baomat"),
        (
            "/registers/{kind}/{year}",
            format!("/registers/outgoing/{year}"),
            "vanthu",
        ),
        ("/pending-acks", "/pending-acks".into(), "vanthu"),
        ("/me", "/me".into(), "soanthao"),
        ("/org", "/org".into(), "admin"),
        ("/catalogues", "/catalogues".into(), "vanthu"),
        ("/tokens", "/tokens".into(), "vanthu"),
        ("/privilege-changes", "/privilege-changes".into(), "admin"),
        ("/inbox", "/inbox".into(), "giamdoc"),
        ("/inbox", "/inbox".into(), "soanthao"),
        ("/due", "/due".into(), "baomat"),
        ("/audit", "/audit".into(), "admin"),
        (
            "/programme/reports/{kind}/{year}",
            "/programme/reports/annual/2025".into(),
            "baomat",
        ),
        (
            "/programme/reports/{kind}/{year}/draft",
            "/programme/reports/annual/2025/draft".into(),
            "baomat",
        ),
    ];
    for (path, uri, user) in reads {
        let v = app.get(&format!("/api/v1{uri}"), user).await.expect(200);
        conforms(&doc, "get", path, 200, &v);
    }
    let detail = app
        .get(&format!("/api/v1/items/{item}"), "vanthu")
        .await
        .expect(200);
    assert!(!detail["events"].as_array().unwrap().is_empty());
    assert!(!detail["notices"].as_array().unwrap().is_empty());
    assert!(!detail["requests"].as_array().unwrap().is_empty());

    // The validator does fail: a code that is no level, a missing required field, a
    // number where the document says an opaque id, an act code that is none.
    let schema = answer_schema(&doc, "get", "/items/{id}", 200);
    for (ptr, bad) in [
        ("/item/level", json!("rat-mat")),
        ("/item/id", json!(1)),
        ("/events/0/on", json!("05/05/2025")),
        ("/acts", json!(["fly"])),
    ] {
        let mut broken = detail.clone();
        *broken.pointer_mut(ptr).expect(ptr) = bad;
        assert!(
            violation(&doc, &schema, &broken, "$").is_some(),
            "{ptr} accepted"
        );
    }
    let mut broken = detail.clone();
    broken["item"].as_object_mut().unwrap().remove("status");
    assert!(violation(&doc, &schema, &broken, "$").is_some());
}

/// The error bodies of real failed requests — a refusal by the law (with its basis and next
/// step), bad input naming its field, a hidden object, a missing token, an unknown route —
/// validate against the document's `Error`, derived from the one type every error answer
/// serialises (`ErrorBody`).
#[tokio::test]
async fn real_error_bodies_conform_to_the_error_schema() {
    let app = TestApp::spawn();
    let req = Request::get("/api/v1/openapi.json")
        .body(Body::empty())
        .unwrap();
    let doc = app.raw(req).await.expect(200);
    let error = json!({"$ref": "#/components/schemas/Error"});
    let id = app
        .propose("soanthao", json!({"date": "2025-05-05"}))
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_string();
    // A head of department is not the head of the agency: refused with the legal basis.
    let refused = app
        .post_json(
            &format!("/api/v1/items/{id}/classification"),
            "truongphong",
            json!({"approve": true, "date": "2025-05-05"}),
        )
        .await
        .expect_error(422, "no_authority");
    assert!(refused["error"]["basis"].is_string(), "{refused}");
    assert!(refused["error"]["confirmed"].is_boolean(), "{refused}");
    assert!(refused["error"]["next_step"].is_string(), "{refused}");
    let invalid = app
        .post_json(
            &format!("/api/v1/items/{id}/extension"),
            "giamdoc",
            json!({"years": "một"}),
        )
        .await
        .expect_error(400, "invalid_input");
    assert_eq!(invalid["error"]["field"], "years", "{invalid}");
    let hidden = app
        .get("/api/v1/items/0000000000000", "vanthu")
        .await
        .expect_error(404, "not_found");
    let unauthenticated = app
        .raw(Request::get("/api/v1/me").body(Body::empty()).unwrap())
        .await
        .expect_error(401, "unauthenticated");
    let unknown = app
        .raw(Request::get("/api/v1/nowhere").body(Body::empty()).unwrap())
        .await
        .expect_error(404, "not_found");
    for body in [&refused, &invalid, &hidden, &unauthenticated, &unknown] {
        if let Some(e) = violation(&doc, &error, body, "$") {
            panic!("an error body breaks the Error schema: {e}\n{body:#}");
        }
    }
    // The validator does fail on a body that is not an error.
    for bad in [
        json!({"error": {"message": "thiếu mã"}}),
        json!({"error": {"code": 422, "message": "mã là số"}}),
        json!({"code": "not_found", "message": "không bọc trong error"}),
    ] {
        assert!(
            violation(&doc, &error, &bad, "$").is_some(),
            "{bad} accepted"
        );
    }
}
