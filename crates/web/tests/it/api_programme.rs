//! `/api/v1/programme/...`: records of every kind through one generic route, follow-up acts
//! refused by the rules, role checks that write nothing, report figures equal to the records,
//! a real DOCX, and report bundles up the chain (one changed byte refused, unknown key refused).

use crate::helpers::TestApp;
use crate::ui_client::send;
use axum::body::Body;
use axum::http::{Request, header};
use bmnn_core::programme::bundle;
use bmnn_web::{AppState, WebConfig};
use serde_json::{Value, json};

/// The test organisation with its security officer (cán bộ bảo vệ BMNN) `baomat`, who is
/// now part of every `TestApp` (helpers.rs); kept so the programme tests read as before.
pub fn with_officer(app: TestApp) -> TestApp {
    assert!(app.org.users.contains_key("baomat"));
    app
}

/// One valid record of each kind, dated in 2025.
pub fn samples() -> Vec<(&'static str, Value)> {
    vec![
        (
            "staff",
            json!({"person": "Vũ Thị Bảo Mật", "position": "Chuyên viên Văn phòng", "mode": "concurrent", "decision_ref": "12/QĐ-SKHĐT", "decision_date": "2025-01-15"}),
        ),
        (
            "commitment",
            json!({"person": "Vũ Thị Bảo Mật", "occasion": "assignment", "signed_on": "2025-01-16"}),
        ),
        (
            "training",
            json!({"date": "2025-03-10", "kind": "training", "organiser": "Công an tỉnh", "audience": "Cán bộ, công chức", "participants": 120}),
        ),
        (
            "directive",
            json!({"date": "2025-02-01", "direction": "issued", "kind": "regulation", "number_symbol": "05/QC-SKHĐT", "issuer": "Sở Kế hoạch và Đầu tư", "title": "Quy chế bảo vệ BMNN"}),
        ),
        (
            "device",
            json!({"identity": "MT-07", "kind": "computer", "description": "Máy tính soạn thảo", "in_use_from": "2025-01-20", "never_connected": true, "status": "in-use"}),
        ),
        (
            "equipment",
            json!({"unit": "Văn phòng Sở", "as_of": "2025-06-30", "stamps": 3, "registers": 4}),
        ),
        (
            "meeting",
            json!({"date": "2025-04-02", "days": 1, "name": "Giao ban quý I", "level": "mat", "approved_by": "Giám đốc Sở", "venue": "Phòng họp tầng 2", "at_headquarters": true, "device_rule": "no-devices", "documents_issued": 10, "documents_returned": 10}),
        ),
        (
            "inspection",
            json!({"date": "2025-05-05", "kind": "self-inspection", "inspector": "Văn phòng Sở", "units": ["Phòng Kế hoạch tổng hợp"], "findings": ["Sổ chuyển giao ghi thiếu"], "remedies": [{"text": "Bổ sung sổ", "unit": "Phòng Kế hoạch tổng hợp", "deadline": "2025-06-05"}]}),
        ),
        (
            "incident",
            json!({"discovered_on": "2025-07-07", "kind": "exposure", "channel": "agency-website", "place": "Cổng thông tin của Sở", "documents": [{"level": "mat", "in_catalogue": true}], "cause": "Đăng tải khi chưa kiểm tra", "recovered": false, "taken_down": true}),
        ),
        (
            "legacy-review",
            json!({"date": "2025-08-08", "unit": "Văn phòng Sở", "reviewed": 40, "extended": 5, "declassified": 20}),
        ),
        (
            "plan",
            json!({"year": 2025, "number_symbol": "01/KH-SKHĐT", "issued_on": "2025-01-05", "tasks": [{"text": "Tập huấn", "unit": "Văn phòng Sở", "deadline": "2025-03-31"}]}),
        ),
        (
            "steering-committee",
            json!({"unit": "Huyện Cao Lãnh", "as_of": "2025-09-01", "body": "committee", "decision_ref": "125/QĐ-UBND", "decision_date": "2021-05-12"}),
        ),
        (
            "key-post",
            json!({"unit": "Văn phòng Sở", "post": "Văn thư", "kind": "confidential", "as_of": "2025-09-01", "holders": [{"person": "Vũ Thị Bảo Mật", "vetted_on": "2025-02-01", "vetting_result": "Đủ tiêu chuẩn", "committed_on": "2025-01-16"}]}),
        ),
    ]
}

#[tokio::test]
async fn every_kind_is_added_listed_and_read_back_by_the_security_officer() {
    let app = with_officer(TestApp::spawn());
    for (kind, record) in samples() {
        let path = format!("/api/v1/programme/records/{kind}");
        let made = app
            .post_json(&path, "baomat", json!({"record": record}))
            .await
            .expect(201);
        let id = crate::helpers::tok(&made["id"]);
        let list = app
            .get(&format!("{path}?from=2025-01-01&to=2025-12-31"), "baomat")
            .await
            .expect(200);
        assert!(
            list.as_array().unwrap().iter().any(|r| r["id"] == id),
            "{kind}: {list}"
        );
        let one = app
            .get(&format!("{path}/{id}"), "giamdoc")
            .await
            .expect(200);
        assert_eq!(one["id"], id);
    }
    // Another kind's id is not found under this kind.
    app.get("/api/v1/programme/records/training/1", "baomat")
        .await
        .expect_error(404, "not_found");
    app.get("/api/v1/programme/records/secrets", "baomat")
        .await
        .expect_error(400, "invalid_input");
    assert!(app.verify_audit() > 0);
}

#[tokio::test]
async fn a_clerk_or_drafter_is_refused_and_nothing_is_written() {
    let app = with_officer(TestApp::spawn());
    let before = app.audit_count();
    for user in ["vanthu", "soanthao"] {
        for (kind, record) in samples() {
            app.post_json(
                &format!("/api/v1/programme/records/{kind}"),
                user,
                json!({"record": record}),
            )
            .await
            .expect_error(403, "forbidden");
        }
    }
    assert_eq!(app.audit_count(), before);
    // A misspelt field is refused, not ignored.
    let e = app
        .post_json(
            "/api/v1/programme/records/training",
            "baomat",
            json!({"record": {"date": "2025-03-10", "kind": "training", "organiser": "X", "audience": "Y", "participants": 3, "atendees": ["A"]}}),
        )
        .await
        .expect_error(400, "invalid_input");
    assert_eq!(e["error"]["field"], "record.atendees");
    assert_eq!(app.audit_count(), before);
}

#[tokio::test]
async fn a_device_changes_use_only_after_a_wipe() {
    let app = with_officer(TestApp::spawn());
    let dev = app
        .post_json(
            "/api/v1/programme/records/device",
            "baomat",
            json!({"record": samples()[4].1}),
        )
        .await
        .expect(201);
    let id = crate::helpers::tok(&dev["id"]);
    let before = app.audit_count();
    let e = app
        .post_json(
            &format!("/api/v1/programme/devices/{id}/repurpose"),
            "baomat",
            json!({"date": "2025-09-01", "new_use": "Máy văn phòng thường"}),
        )
        .await
        .expect_error(422, "device_not_wiped");
    assert!(
        e["error"]["basis"]
            .as_str()
            .unwrap()
            .contains("Điều 5 khoản 7")
    );
    assert_eq!(app.audit_count(), before, "a refusal writes nothing");
    app.post_json(
        &format!("/api/v1/programme/devices/{id}/wipe"),
        "baomat",
        json!({"wipe": {"date": "2025-08-30", "method": "Ghi đè 3 lần", "by": "Vũ Thị Bảo Mật"}}),
    )
    .await
    .expect(200);
    let d = app
        .post_json(
            &format!("/api/v1/programme/devices/{id}/repurpose"),
            "baomat",
            json!({"date": "2025-09-01", "new_use": "Máy văn phòng thường"}),
        )
        .await
        .expect(200);
    assert_eq!(d["record"]["status"], "repurposed");
}

#[tokio::test]
async fn the_report_counts_the_records_and_downloads_as_docx() {
    let app = with_officer(TestApp::spawn());
    for (date, n) in [("2025-03-10", 120), ("2025-09-12", 35), ("2024-03-01", 999)] {
        app.post_json(
            "/api/v1/programme/records/training",
            "baomat",
            json!({"record": {"date": date, "kind": "briefing", "organiser": "Sở", "audience": "Toàn Sở", "participants": n}}),
        )
        .await
        .expect(201);
    }
    let r = app
        .get("/api/v1/programme/reports/annual/2025", "giamdoc")
        .await
        .expect(200);
    // Regime A: 15/12/2024 – 14/12/2025; the 2024-03-01 session falls outside.
    assert_eq!(r["period"]["start"], "2024-12-15");
    assert_eq!(r["figures"]["training"]["sessions"], 2);
    assert_eq!(r["figures"]["training"]["participants"], 155);
    // A drafter may not read reports.
    app.get("/api/v1/programme/reports/annual/2025", "soanthao")
        .await
        .expect_error(403, "forbidden");
    // DOCX: a real zip with the document part.
    let req = Request::get("/api/v1/programme/reports/annual/2025/docx")
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", app.login_as("baomat")),
        )
        .body(Body::empty())
        .unwrap();
    let p = send(&app.router, req).await;
    assert_eq!(p.status.as_u16(), 200);
    assert!(p.content_type.contains("wordprocessingml"));
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(p.bytes)).expect("a zip");
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    assert!(xml.contains("BÁO CÁO"), "national document layout");
    // An official document: no developer text, no software named, no unconfirmed-point notes,
    // and no citation written twice (issue 14).
    let text = xml_text(&xml);
    for dev in ["[U", "[S", "legal.md", "bmnn", "Ghi chú:"] {
        assert!(!text.contains(dev), "{dev} in the report: {text}");
    }
    let opening = text
        .split("Thực hiện chế độ báo cáo")
        .nth(1)
        .and_then(|t| t.split(')').next())
        .expect("the opening cites its basis");
    let parts: Vec<&str> = opening
        .trim_start_matches(" về công tác bảo vệ bí mật nhà nước (")
        .split("; ")
        .collect();
    for (i, a) in parts.iter().enumerate() {
        for b in &parts[i + 1..] {
            assert!(
                !a.starts_with(b) && !b.starts_with(a),
                "doubled citation: {opening}"
            );
        }
    }
    // Draft: saved, then offered to the next year as a start.
    app.send(
        axum::http::Method::PUT,
        "/api/v1/programme/reports/annual/2025/draft",
        Some("baomat"),
        Some(json!({"text": {"narrative": {"a": "Tình hình ổn định."}, "number": "15/BC-SKHĐT"}})),
    )
    .await
    .expect(200);
    let offer = app
        .get("/api/v1/programme/reports/annual/2026/draft", "giamdoc")
        .await
        .expect(200);
    assert_eq!(offer["from_previous_year"], true);
    assert_eq!(offer["text"]["narrative"]["a"], "Tình hình ổn định.");
    assert!(offer["text"]["number"].is_null());
}

/// The text of a WordprocessingML part, paragraphs on their own lines.
pub fn xml_text(xml: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in xml.replace("</w:p>", "\n").chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

async fn raw_post(
    app: &TestApp,
    router: &axum::Router,
    path: &str,
    user: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let req = Request::post(path)
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", app.login_as(user)),
        )
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body))
        .unwrap();
    let p = send(router, req).await;
    (
        p.status.as_u16(),
        serde_json::from_slice(&p.bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn a_bundle_changed_by_one_byte_or_from_an_unknown_key_is_refused() {
    let app = with_officer(TestApp::spawn());
    app.post_json(
        "/api/v1/programme/records/training",
        "baomat",
        json!({"record": samples()[2].1}),
    )
    .await
    .expect(201);
    // Without a signing key the export says what to do.
    app.get("/api/v1/programme/reports/annual/2025/bundle", "baomat")
        .await
        .expect_error(409, "conflict");
    let secret = [7u8; 32];
    let router = bmnn_web::router(AppState::from_shared(
        app.svc.clone(),
        WebConfig {
            report_signing_key: Some(secret),
            ..WebConfig::default()
        },
    ));
    let req = Request::get("/api/v1/programme/reports/annual/2025/bundle")
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", app.login_as("baomat")),
        )
        .body(Body::empty())
        .unwrap();
    let b = send(&router, req).await;
    assert_eq!(b.status.as_u16(), 200);
    let good = b.bytes;

    let before = app.audit_count();
    let (s, e) = raw_post(
        &app,
        &router,
        "/api/v1/programme/bundles",
        "baomat",
        good.clone(),
    )
    .await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (422, Some("bundle_unknown_key")),
        "{e}"
    );
    let agency = "Sở Kế hoạch và Đầu tư tỉnh Thử Nghiệm";
    app.post_json(
        "/api/v1/programme/unit-keys",
        "baomat",
        json!({"unit": agency, "public_key": bundle::public_key_hex(&secret)}),
    )
    .await
    .expect(201);
    let mut bad = good.clone();
    let i = bad.len() / 2;
    bad[i] = if bad[i] == b'0' { b'1' } else { b'0' };
    let before_bad = app.audit_count();
    let (s, e) = raw_post(&app, &router, "/api/v1/programme/bundles", "baomat", bad).await;
    assert_eq!(
        (s, e["error"]["code"].as_str()),
        (422, Some("bundle_invalid")),
        "{e}"
    );
    assert_eq!(
        app.audit_count(),
        before_bad,
        "a refused bundle writes nothing"
    );
    let (s, r) = raw_post(&app, &router, "/api/v1/programme/bundles", "baomat", good).await;
    assert_eq!(s, 201, "{r}");
    assert_eq!(r["record"]["unit"], agency);
    assert_eq!(r["record"]["figures"]["training"]["participants"], 120);
    assert!(app.audit_count() > before);
}

// ---- Corrections: edit (merge), cancel with a reason, a subordinate's plan arrived -----------

async fn patch(app: &TestApp, path: &str, user: &str, body: Value) -> crate::helpers::Answer {
    app.send(axum::http::Method::PATCH, path, Some(user), Some(body))
        .await
}

/// The last audit record's action and details.
fn last_audit(app: &TestApp) -> (String, String) {
    let tail = app
        .svc
        .audit_tail(&bmnn_web::ctx_for(app.user("admin")), 1)
        .expect("tail");
    (tail[0].action.clone(), tail[0].details.clone())
}

/// Adds `quantri`, an administrator with no other role (no security officer).
pub fn with_pure_admin(app: &mut TestApp) {
    use bmnn_core::model::Role;
    use bmnn_core::service::NewUser;
    let u = app
        .svc
        .create_user(
            &bmnn_web::ctx_for(app.user("admin")),
            NewUser {
                username: "quantri".into(),
                full_name: "Quản trị hệ thống".into(),
                roles: vec![Role::Admin],
                clearance: None,
                position_id: None,
                unit_id: None,
                password_hash: "không dùng".into(),
            },
        )
        .expect("user");
    app.org.users.insert("quantri", u.id);
}

/// A steering level's plan with one task and two subordinate units; its token.
async fn steering_plan(app: &TestApp) -> String {
    let made = app
        .post_json(
            "/api/v1/programme/records/plan",
            "baomat",
            json!({"record": {"year": 2025, "number_symbol": "02/KH-BCĐ", "issued_on": "2025-01-05",
                   "tasks": [{"text": "Tập huấn", "unit": "Văn phòng Sở", "deadline": "2025-03-31"}],
                   "subordinate_plan_due": "2025-01-31",
                   "subordinates": [{"unit": "UBND huyện A"}, {"unit": "UBND huyện B"}]}}),
        )
        .await
        .expect(201);
    crate::helpers::tok(&made["id"])
}

fn acts(stored: &Value) -> Vec<String> {
    stored["acts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| match (a["index"].as_u64(), a["what"].as_str()) {
            (Some(i), Some(w)) => format!("{}:{i}:{w}", a["act"].as_str().unwrap()),
            (Some(i), None) => format!("{}:{i}", a["act"].as_str().unwrap()),
            _ => a["act"].as_str().unwrap().to_string(),
        })
        .collect()
}

#[tokio::test]
async fn an_edit_changes_only_the_given_fields_and_keeps_the_recorded_follow_ups() {
    let app = with_officer(TestApp::spawn());
    let id = steering_plan(&app).await;
    let path = format!("/api/v1/programme/records/plan/{id}");
    app.post_json(
        &format!("/api/v1/programme/plans/{id}/task-done"),
        "giamdoc",
        json!({"task": 0, "date": "2025-03-30"}),
    )
    .await
    .expect(200);
    app.post_json(
        &format!("/api/v1/programme/plans/{id}/received"),
        "baomat",
        json!({"index": 1, "what": "plan", "date": "2025-01-20"}),
    )
    .await
    .expect(200);
    let before = app.get(&path, "baomat").await.expect(200);
    let audits = app.audit_count();
    let after = patch(
        &app,
        &path,
        "baomat",
        json!({"record": {"number_symbol": "03/KH-BCĐ"}}),
    )
    .await
    .expect(200);
    assert_eq!(after["record"]["number_symbol"], "03/KH-BCĐ");
    let mut expected = before["record"].clone();
    expected["number_symbol"] = json!("03/KH-BCĐ");
    assert_eq!(after["record"], expected, "only the given field changed");
    assert_eq!(
        app.get(&path, "baomat").await.expect(200)["record"],
        expected
    );
    assert_eq!(app.audit_count(), audits + 1);
    assert_eq!(
        last_audit(&app),
        ("programme.plan.update".into(), "number_symbol".into())
    );
    // The form's lists again (without their dates): what was recorded on the entries that
    // remain is kept; a new task is open.
    let after = patch(
        &app,
        &path,
        "baomat",
        json!({"record": {
            "tasks": [{"text": "Tập huấn", "unit": "Văn phòng Sở", "deadline": "2025-03-31"},
                      {"text": "Tự kiểm tra", "unit": "Văn phòng Sở", "deadline": "2025-10-31"}],
            "subordinates": [{"unit": "UBND huyện B"}, {"unit": "UBND huyện C"}]}}),
    )
    .await
    .expect(200);
    let r = &after["record"];
    assert_eq!(r["tasks"][0]["done_on"], "2025-03-30");
    assert!(r["tasks"][1]["done_on"].is_null());
    assert_eq!(r["subordinates"][0]["plan_received_on"], "2025-01-20");
    assert!(r["subordinates"][1]["plan_received_on"].is_null());
    assert_eq!(r["issued_on"], "2025-01-05");
    assert!(acts(&after).contains(&"task-done:1".to_string()), "{after}");
    assert!(
        !acts(&after).contains(&"task-done:0".to_string()),
        "{after}"
    );
}

#[tokio::test]
async fn a_bad_edit_is_refused_in_vietnamese_and_changes_nothing() {
    let app = with_officer(TestApp::spawn());
    let dev = app
        .post_json(
            "/api/v1/programme/records/device",
            "baomat",
            json!({"record": samples()[4].1}),
        )
        .await
        .expect(201);
    let id = crate::helpers::tok(&dev["id"]);
    let path = format!("/api/v1/programme/records/device/{id}");
    let before = app.get(&path, "baomat").await.expect(200);
    let audits = app.audit_count();
    for (body, field) in [
        // The status is the follow-up acts' (wipe, repurpose, dispose), not the form's.
        (json!({"record": {"status": "disposed"}}), "record.status"),
        (json!({"record": {"wipes": []}}), "record.wipes"),
        (json!({"record": {"colour": "đỏ"}}), "record.colour"),
        (
            json!({"record": {"in_use_from": "30/02/2025"}}),
            "record.in_use_from",
        ),
        (json!({"record": {"kind": "toaster"}}), "record.kind"),
        (json!({"record": {}}), "record"),
        (json!({"record": {"identity": "  "}}), "identity"),
    ] {
        let e = patch(&app, &path, "baomat", body.clone())
            .await
            .expect_error(400, "invalid_input");
        assert_eq!(e["error"]["field"], field, "{body}: {e}");
        assert!(
            crate::helpers::is_vietnamese(e["error"]["message"].as_str().unwrap()),
            "{e}"
        );
    }
    // A date in the future is refused by the same check as when adding.
    patch(
        &app,
        &path,
        "baomat",
        json!({"record": {"in_use_from": "2199-01-01"}}),
    )
    .await
    .expect_error(400, "invalid_input");
    assert_eq!(app.audit_count(), audits);
    assert_eq!(app.get(&path, "baomat").await.expect(200), before);
}

#[tokio::test]
async fn a_cancel_needs_a_reason_and_a_cancelled_record_counts_no_more() {
    let app = with_officer(TestApp::spawn());
    let made = app
        .post_json(
            "/api/v1/programme/records/training",
            "baomat",
            json!({"record": samples()[2].1}),
        )
        .await
        .expect(201);
    let id = crate::helpers::tok(&made["id"]);
    let path = format!("/api/v1/programme/records/training/{id}");
    let report = "/api/v1/programme/reports/annual/2025";
    let figures = |r: Value| r["figures"]["training"]["sessions"].clone();
    assert_eq!(figures(app.get(report, "baomat").await.expect(200)), 1);
    let audits = app.audit_count();
    for body in [json!({"reason": ""}), json!({"reason": "   "}), json!({})] {
        let e = app
            .post_json(&format!("{path}/cancel"), "baomat", body)
            .await
            .expect_error(400, "invalid_input");
        // A blank reason names the field; a missing one is named in the message.
        assert!(
            e["error"]["field"] == "reason"
                || e["error"]["message"].as_str().unwrap().contains("«reason»"),
            "{e}"
        );
    }
    assert_eq!(app.audit_count(), audits);
    assert!(app.get(&path, "baomat").await.expect(200)["cancelled"].is_null());
    let c = app
        .post_json(
            &format!("{path}/cancel"),
            "baomat",
            json!({"reason": "Ghi trùng với buổi tập huấn đã nhập"}),
        )
        .await
        .expect(200);
    assert_eq!(
        c["cancelled"]["reason"],
        "Ghi trùng với buổi tập huấn đã nhập"
    );
    assert_eq!(
        c["cancelled"]["by"],
        crate::helpers::pid(app.user("baomat"))
    );
    assert_eq!(c["cancelled"]["on"], bmnn_web::today_vn().to_string());
    assert_eq!(acts(&c), Vec::<String>::new());
    assert_eq!(app.audit_count(), audits + 1);
    assert_eq!(
        last_audit(&app),
        (
            "programme.training.cancel".into(),
            "Ghi trùng với buổi tập huấn đã nhập".into()
        )
    );
    // Still listed (with its cancellation), no longer counted; closed to every act.
    let list = app
        .get("/api/v1/programme/records/training", "baomat")
        .await
        .expect(200);
    assert_eq!(list[0]["cancelled"]["reason"], c["cancelled"]["reason"]);
    assert_eq!(figures(app.get(report, "baomat").await.expect(200)), 0);
    patch(
        &app,
        &path,
        "baomat",
        json!({"record": {"participants": 5}}),
    )
    .await
    .expect_error(422, "record_cancelled");
    app.post_json(
        &format!("{path}/cancel"),
        "baomat",
        json!({"reason": "lần nữa"}),
    )
    .await
    .expect_error(422, "record_cancelled");
    assert_eq!(app.audit_count(), audits + 1);
}

#[tokio::test]
async fn a_user_without_the_right_may_not_edit_or_cancel() {
    let app = with_officer(TestApp::spawn());
    let id = steering_plan(&app).await;
    let path = format!("/api/v1/programme/records/plan/{id}");
    let before = app.get(&path, "baomat").await.expect(200);
    let audits = app.audit_count();
    for user in ["giamdoc", "vanthu", "soanthao"] {
        patch(&app, &path, user, json!({"record": {"number_symbol": "X"}}))
            .await
            .expect_error(403, "forbidden");
        app.post_json(&format!("{path}/cancel"), user, json!({"reason": "Sai"}))
            .await
            .expect_error(403, "forbidden");
        app.post_json(
            &format!("/api/v1/programme/plans/{id}/received"),
            user,
            json!({"index": 0, "what": "plan", "date": "2025-01-20"}),
        )
        .await
        .expect_error(403, "forbidden");
    }
    assert_eq!(app.audit_count(), audits);
    assert_eq!(app.get(&path, "baomat").await.expect(200), before);
}

#[tokio::test]
async fn a_subordinate_units_plan_arrives_once_through_the_api() {
    let app = with_officer(TestApp::spawn());
    let id = steering_plan(&app).await;
    let url = format!("/api/v1/programme/plans/{id}/received");
    let audits = app.audit_count();
    let p = app
        .post_json(
            &url,
            "baomat",
            json!({"index": 1, "what": "report", "date": "2025-12-10"}),
        )
        .await
        .expect(200);
    assert_eq!(
        p["record"]["subordinates"][1]["report_received_on"],
        "2025-12-10"
    );
    assert!(p["record"]["subordinates"][1]["plan_received_on"].is_null());
    assert!(!acts(&p).contains(&"received:1:report".to_string()), "{p}");
    assert!(acts(&p).contains(&"received:1:plan".to_string()), "{p}");
    assert_eq!(app.audit_count(), audits + 1);
    assert_eq!(
        last_audit(&app),
        ("programme.plan.received".into(), "1:report".into())
    );
    let path = format!("/api/v1/programme/records/plan/{id}");
    let before = app.get(&path, "baomat").await.expect(200);
    // The first date stands; no such unit; a future date; an unknown document.
    app.post_json(
        &url,
        "baomat",
        json!({"index": 1, "what": "report", "date": "2025-12-11"}),
    )
    .await
    .expect_error(409, "conflict");
    app.post_json(
        &url,
        "baomat",
        json!({"index": 7, "what": "plan", "date": "2025-01-20"}),
    )
    .await
    .expect_error(404, "not_found");
    let e = app
        .post_json(
            &url,
            "baomat",
            json!({"index": 0, "what": "plan", "date": "2199-01-20"}),
        )
        .await
        .expect_error(400, "invalid_input");
    assert_eq!(e["error"]["field"], "date");
    let e = app
        .post_json(
            &url,
            "baomat",
            json!({"index": 0, "what": "budget", "date": "2025-01-20"}),
        )
        .await
        .expect_error(400, "invalid_input");
    assert_eq!(e["error"]["field"], "what");
    assert_eq!(app.audit_count(), audits + 1);
    assert_eq!(app.get(&path, "baomat").await.expect(200), before);
}

/// Every act the service lists on a record is accepted, and every act it does not list is
/// refused, for each role that reads the records (a pure administrator included: no "task
/// done" for them, the service refuses it).
#[tokio::test]
async fn the_offered_acts_are_exactly_the_accepted_ones() {
    for user in ["baomat", "giamdoc", "admin", "quantri"] {
        let mut app = with_officer(TestApp::spawn());
        with_pure_admin(&mut app);
        let id = steering_plan(&app).await;
        let path = format!("/api/v1/programme/records/plan/{id}");
        let offered = acts(&app.get(&path, user).await.expect(200));
        let tries: Vec<(&str, axum::http::Method, String, Value)> = vec![
            (
                "task-done:0",
                axum::http::Method::POST,
                format!("/api/v1/programme/plans/{id}/task-done"),
                json!({"task": 0, "date": "2025-03-30"}),
            ),
            (
                "received:0:plan",
                axum::http::Method::POST,
                format!("/api/v1/programme/plans/{id}/received"),
                json!({"index": 0, "what": "plan", "date": "2025-01-20"}),
            ),
            (
                "edit",
                axum::http::Method::PATCH,
                path.clone(),
                json!({"record": {"number_symbol": "05/KH-BCĐ"}}),
            ),
            (
                "cancel",
                axum::http::Method::POST,
                format!("{path}/cancel"),
                json!({"reason": "Nhập nhầm"}),
            ),
        ];
        for (act, method, url, body) in tries {
            let a = app.send(method, &url, Some(user), Some(body)).await;
            assert_eq!(
                offered.contains(&act.to_string()),
                a.status.is_success(),
                "{user} {act}: offered {offered:?}, answered {} {}",
                a.status,
                a.body
            );
        }
        match user {
            "quantri" => assert!(
                !offered.iter().any(|a| a.starts_with("task-done")),
                "{offered:?}"
            ),
            "giamdoc" => assert_eq!(offered, ["task-done:0"]),
            _ => assert!(offered.len() > 3, "{user}: {offered:?}"),
        }
    }
}
