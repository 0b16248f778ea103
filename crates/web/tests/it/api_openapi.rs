//! The OpenAPI document describes every route the router serves, and nothing it does not.

use crate::helpers::TestApp;
use axum::body::Body;
use axum::http::{Method, Request};
use bmnn_store::DbStore;
use bmnn_web::api::{openapi, routes};
use serde_json::Value;
use std::collections::BTreeSet;

fn refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get("$ref") {
                out.insert(r.clone());
            }
            o.values().for_each(|x| refs(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_route_is_documented_and_every_documented_route_is_served() {
    let app = TestApp::spawn();
    let req = Request::get("/api/v1/openapi.json")
        .body(Body::empty())
        .unwrap();
    let doc = app.raw(req).await.expect(200);
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(
        doc["components"]["schemas"]["Error"]["properties"]["error"]["properties"]["code"]
            .is_object()
    );

    // Codes from the rule files are enumerated.
    let kinds = &doc["paths"]["/positions"]["post"]["requestBody"]["content"]["application/json"]["schema"]
        ["properties"]["kind"]["enum"];
    assert!(
        kinds
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k == "so-ban-nganh-tinh"),
        "{kinds}"
    );

    // The table that builds the router is exactly what the document lists.
    let table = routes::table::<DbStore>();
    let mut documented = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for (method, op) in ops.as_object().unwrap() {
            documented.insert((method.to_uppercase(), path.clone()));
            assert!(
                op["operationId"].is_string(),
                "{method} {path}: operationId"
            );
            assert!(
                op["responses"]["400"]["content"]["application/json"]["schema"]["$ref"]
                    == "#/components/schemas/Error"
            );
            let names: Vec<&str> = op["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|p| p["in"] == "path")
                .map(|p| p["name"].as_str().unwrap())
                .collect();
            assert_eq!(
                names,
                openapi::path_params(path),
                "{method} {path}: path parameters"
            );
        }
    }
    let registered: BTreeSet<(String, String)> = table
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    assert_eq!(registered.len(), table.len(), "no route registered twice");
    assert_eq!(documented, registered, "router and document differ");
    for must in [
        "/tokens",
        "/items",
        "/items/{id}/declassification",
        "/requests/{id}/copies",
        "/registers/{kind}/{year}",
        "/due",
        "/audit",
    ] {
        assert!(registered.iter().any(|(_, p)| p == must), "{must} missing");
    }

    // Every $ref resolves.
    let mut all = BTreeSet::new();
    refs(&doc, &mut all);
    for r in all {
        let name = r.trim_start_matches("#/components/schemas/");
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "dangling {r}"
        );
    }

    // Every documented operation is served: without a token, protected ones answer 401 (the
    // route exists and authentication runs first), never the 404 of an unknown route.
    let operation_ids: BTreeSet<&str> = table.iter().map(|r| r.doc.operation_id.as_str()).collect();
    assert_eq!(operation_ids.len(), table.len(), "operation ids are unique");
    for r in &table {
        let path = r
            .path
            .replace("{id}", "1")
            .replace("{kind}", "outgoing")
            .replace("{year}", "2025");
        let req = Request::builder()
            .method(r.method.clone())
            .uri(format!("/api/v1{path}"))
            .body(Body::empty())
            .unwrap();
        let ans = app.raw(req).await;
        if r.doc.public {
            assert_ne!(ans.status.as_u16(), 404, "{} {}", r.method, r.path);
            assert_ne!(ans.status.as_u16(), 405, "{} {}", r.method, r.path);
        } else {
            ans.expect_error(401, "unauthenticated");
        }
    }
    let _ = Method::GET;
}

/// Stable refusal codes used in core: the first string literal after `refused(` or
/// `refused_with(` in its sources.
fn core_refusal_codes() -> BTreeSet<String> {
    fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).expect("core sources") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(std::fs::read_to_string(&p).expect("read"));
            }
        }
    }
    let mut texts = vec![];
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/src"),
        &mut texts,
    );
    let mut codes = BTreeSet::new();
    for t in texts {
        for pat in [
            "refused(",
            "refused_with(",
            "refused_cite(",
            "refused_rule(",
        ] {
            for (i, _) in t.match_indices(pat) {
                let rest = t[i + pat.len()..].trim_start();
                if let Some(lit) = rest.strip_prefix('"') {
                    codes.insert(lit.split('"').next().unwrap_or("").to_string());
                }
            }
        }
    }
    codes
}

#[test]
fn docs_api_md_lists_every_route_and_every_stable_code() {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/api.md"),
    )
    .expect("docs/api.md");
    for r in routes::table::<DbStore>() {
        let row = format!("| {} | `{}` |", r.method, r.path);
        assert!(doc.contains(&row), "docs/api.md lacks the route row {row}");
    }
    let codes = core_refusal_codes();
    assert!(codes.len() >= 25, "found only {codes:?}");
    for c in codes.iter().map(String::as_str).chain([
        "invalid_input",
        "not_found",
        "forbidden",
        "conflict",
        "unauthenticated",
        "storage_error",
        "database_unavailable",
        "timeout",
        "rate_limited",
        "internal_error",
        "method_not_allowed",
    ]) {
        assert!(
            doc.contains(&format!("`{c}`")),
            "docs/api.md lacks the code {c}"
        );
    }
}

/// The date patterns of the OpenAPI document accept every real date the server accepts (the
/// 29th, 30th and 31st included) and nothing else.
#[test]
fn the_date_patterns_accept_exactly_the_real_dates() {
    use bmnn_web::api::schema::{act_date_pattern, iso_date_pattern};
    let iso = regex_lite::Regex::new(&iso_date_pattern()).unwrap();
    let act = regex_lite::Regex::new(&act_date_pattern()).unwrap();
    let first_act = time::macros::date!(2020 - 07 - 01);
    let mut d = time::macros::date!(1900 - 01 - 01);
    let mut n = 0;
    while d.year() < 2200 {
        let s = format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
        assert!(iso.is_match(&s), "{s}");
        assert_eq!(act.is_match(&s), d >= first_act, "{s}");
        n += 1;
        d = d.next_day().unwrap();
    }
    assert_eq!(n, 109_573);
    for bad in [
        "2023-02-29",
        "1900-02-29",
        "2100-02-29",
        "2023-04-31",
        "2023-06-31",
        "2023-13-01",
        "2023-00-10",
        "2023-01-32",
        "2023-01-00",
        "2200-01-01",
        "1899-12-31",
        "23-01-01",
    ] {
        assert!(!iso.is_match(bad), "{bad}");
        assert!(!act.is_match(bad), "{bad}");
    }
    assert!(act.is_match(""), "empty = today");
    assert!(!act.is_match("2020-06-30"));
}

/// The programme acts' bodies and records are derived from the core types (no hand-written
/// schema): a field added to a command shows up in the document by itself.
#[test]
fn the_programme_schemas_are_derived_from_the_core_types() {
    let doc = openapi::document::<DbStore>(&bmnn_core::rules::RuleSet::embedded());
    let body = &doc["paths"]["/programme/devices/{id}/repurpose"]["post"]["requestBody"]["content"]
        ["application/json"]["schema"];
    let props: BTreeSet<&str> = body["properties"]
        .as_object()
        .expect("derived body")
        .keys()
        .map(String::as_str)
        .collect();
    // The path's id is not a body field; the date carries the API's date pattern.
    assert_eq!(props, BTreeSet::from(["date", "new_use"]), "{body}");
    assert!(body["properties"]["date"]["pattern"].is_string(), "{body}");
    let c = &doc["components"]["schemas"];
    // Every field of every kind's form is a property of its record, with its Vietnamese label.
    for (code, name) in bmnn_web::api::schema::programme_records() {
        let kind = bmnn_web::programme::kind_of(code).unwrap();
        for f in kind.form().fields {
            let p = &c[&name]["properties"][f.record_key()];
            assert!(p.is_object(), "{code}: {} missing in {name}", f.name);
            assert!(
                p["description"].is_string(),
                "{code}: {} unlabelled",
                f.name
            );
        }
    }
    // Enums by their codes, ids as tokens.
    let codes: Vec<&str> = c["StaffMode"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["const"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["full-time", "concurrent"]);
    assert_eq!(c["Commitment"]["properties"]["staff_id"]["maxLength"], 13);
}
