//! Regressions of what `scripts/api-fuzz` (schemathesis against `/api/v1/openapi.json`) found:
//! the document must describe what the server does, so that generated requests reach the
//! handlers and answers validate against their schemas.

use crate::api_programme::{samples, with_officer};
use crate::helpers::TestApp;
use axum::body::Body;
use axum::http::{Request, header};
use serde_json::{Value, json};

async fn document(app: &TestApp) -> Value {
    let req = Request::get("/api/v1/openapi.json")
        .body(Body::empty())
        .expect("request");
    app.raw(req).await.expect(200)
}

/// The `{kind}` of `path` as documented (resolving `$ref`).
fn kind_enum(doc: &Value, path: &str, method: &str) -> Vec<String> {
    let p = doc["paths"][path][method]["parameters"]
        .as_array()
        .expect("parameters")
        .iter()
        .find(|p| p["name"] == "kind" && p["in"] == "path")
        .unwrap_or_else(|| panic!("{method} {path}: kind"))
        .clone();
    let mut schema = p["schema"].clone();
    if let Some(r) = schema["$ref"].as_str() {
        schema =
            doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")].clone();
    }
    schema["enum"]
        .as_array()
        .unwrap_or_else(|| panic!("{method} {path}: kind enum"))
        .iter()
        .map(|v| v.as_str().expect("code").to_string())
        .collect()
}

/// Found: every `{kind}` was documented as a register kind, so schemathesis only ever sent
/// `outgoing` etc. to the programme routes (all refused with 400) and never reached them.
#[tokio::test]
async fn every_documented_kind_is_one_the_route_accepts() {
    let app = with_officer(TestApp::spawn());
    let doc = document(&app).await;
    let records = kind_enum(&doc, "/programme/records/{kind}", "get");
    let expected: Vec<&str> = samples().iter().map(|(k, _)| *k).collect();
    assert_eq!(records, expected);
    for kind in &records {
        app.get(&format!("/api/v1/programme/records/{kind}"), "baomat")
            .await
            .expect(200);
    }
    let reports = kind_enum(&doc, "/programme/reports/{kind}/{year}", "get");
    assert_eq!(
        reports,
        [
            "annual",
            "five-year",
            "incident",
            "multi-year",
            "annual-plan"
        ]
    );
    for kind in &reports {
        let a = app
            .get(&format!("/api/v1/programme/reports/{kind}/2025"), "baomat")
            .await;
        assert_ne!(a.body["error"]["field"], "kind", "{kind}: {}", a.body);
        assert!(
            a.status.is_success() || a.status.is_client_error(),
            "{kind}: {}",
            a.status
        );
    }
    let registers = kind_enum(&doc, "/registers/{kind}/{year}", "get");
    assert!(registers.contains(&"outgoing".to_string()), "{registers:?}");
}

/// Found: the DOCX answer was documented as JSON (schemathesis: undocumented Content-Type).
#[tokio::test]
async fn the_docx_answer_is_documented_under_its_media_type() {
    let app = with_officer(TestApp::spawn());
    let doc = document(&app).await;
    let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    let ok = &doc["paths"]["/programme/reports/{kind}/{year}/docx"]["get"]["responses"]["200"]["content"];
    assert!(ok[docx].is_object(), "{ok}");
    assert!(ok["application/json"].is_null(), "{ok}");
    let req = Request::get("/api/v1/programme/reports/annual/2025/docx")
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", app.login_as("baomat")),
        )
        .body(Body::empty())
        .expect("request");
    let a = app.raw(req).await;
    assert_eq!(a.status.as_u16(), 200);
    assert_eq!(a.content_type, docx);
}

/// Found: a required text of a programme record longer than the documented 2000 characters
/// was stored (and then the stored record violated its own answer schema). Now refused like
/// every required text of the acts, and nothing is written.
#[tokio::test]
async fn a_required_text_over_2000_characters_is_refused_and_nothing_is_written() {
    let app = with_officer(TestApp::spawn());
    let (_, mut staff) = samples().into_iter().next().expect("staff");
    staff["person"] = json!("Nguyễn ".repeat(400));
    let before = app.audit_count();
    let e = app
        .post_json(
            "/api/v1/programme/records/staff",
            "baomat",
            json!({"record": staff}),
        )
        .await
        .expect_error(400, "invalid_input");
    assert_eq!(e["error"]["field"], "person");
    assert_eq!(app.audit_count(), before);
    staff["person"] = json!("Nguyễn Văn An");
    app.post_json(
        "/api/v1/programme/records/staff",
        "baomat",
        json!({"record": staff}),
    )
    .await
    .expect(201);
}
