//! Bad input that used to change things silently (issue 10, point 9) is refused with a
//! Vietnamese message and nothing is written: past or absurd dates, unknown units, hidden and
//! bidirectional characters, oversized texts, duplicate JSON keys, and the "edit user" form.

use crate::api_programme::{samples, with_officer};
use crate::helpers::TestApp;
use crate::ui_client::Client;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use bmnn_web::ctx_for;
use serde_json::{Value, json};

/// What must not change when an act is refused: the audit chain, the items the administrator
/// counts, and the incoming register.
async fn snapshot(app: &TestApp) -> (i64, i64, Value) {
    (
        app.audit_count(),
        app.item_total("admin").await,
        app.get("/api/v1/registers/incoming/2025", "vanthu")
            .await
            .expect(200)["total"]
            .clone(),
    )
}

fn incoming(extra: Value) -> Value {
    let mut b = json!({
        "issuer": "Bộ Kế hoạch và Đầu tư", "number_symbol": "123/BKHĐT-TH", "doc_type": "Công văn",
        "level": "mat", "summary": "Kế hoạch kiểm tra", "date": "2025-09-01",
    });
    crate::helpers::merge(&mut b, extra);
    b
}

#[track_caller]
fn field_is(e: &Value, f: &str) {
    assert_eq!(e["error"]["field"], f, "{e}");
}

#[tokio::test]
async fn an_incoming_item_with_a_past_expiry_or_an_absurd_date_is_refused() {
    let app = TestApp::spawn();
    let before = snapshot(&app).await;
    // An expiry already past: the next daily run would have declassified it.
    let e = app
        .post_json(
            "/api/v1/incoming",
            "vanthu",
            incoming(json!({"expiry": "2025-01-01"})),
        )
        .await
        .expect_error(400, "invalid_input");
    field_is(&e, "expiry");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("đã qua"),
        "{e}"
    );
    // The expiry on the day of receipt is past too; one more than a century ahead is absurd.
    for bad in ["2025-09-01", "2199-01-01"] {
        let e = app
            .post_json(
                "/api/v1/incoming",
                "vanthu",
                incoming(json!({"expiry": bad})),
            )
            .await
            .expect_error(400, "invalid_input");
        field_is(&e, "expiry");
    }
    // A document dated 1900, or after the day it was received.
    for bad in ["1900-05-01", "1944-12-31", "2025-09-02"] {
        let e = app
            .post_json(
                "/api/v1/incoming",
                "vanthu",
                incoming(json!({"doc_date": bad})),
            )
            .await
            .expect_error(400, "invalid_input");
        field_is(&e, "doc_date");
    }
    assert_eq!(snapshot(&app).await, before, "nothing was written");
    // The same item with sensible dates is received.
    let ok = app
        .post_json(
            "/api/v1/incoming",
            "vanthu",
            incoming(json!({"doc_date": "1945-09-02", "expiry": "2035-09-01"})),
        )
        .await
        .expect(201);
    assert_eq!(ok["item"]["expiry"], "2035-09-01");
    // An activity's shorter period already over is refused at proposal.
    let e = app
        .propose(
            "soanthao",
            json!({"carrier": "activity", "shorter_expiry": "2025-01-01", "date": "2025-09-01"}),
        )
        .await
        .expect_error(400, "invalid_input");
    field_is(&e, "shorter_expiry");
}

#[tokio::test]
async fn unit_ids_that_do_not_exist_are_refused() {
    let app = with_officer(TestApp::spawn());
    let before = snapshot(&app).await;
    let users_before = app.get("/api/v1/org", "admin").await.expect(200)["users"].clone();
    let e = app
        .propose("soanthao", json!({"unit_id": crate::helpers::pid(999_999)}))
        .await
        .expect_error(400, "invalid_input");
    field_is(&e, "unit_id");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("đơn vị không tồn tại")
    );
    let e = app
        .post_json(
            "/api/v1/incoming",
            "vanthu",
            incoming(json!({"unit_id": crate::helpers::pid(999_999)})),
        )
        .await
        .expect_error(400, "invalid_input");
    field_is(&e, "unit_id");
    let e = app
        .post_json(
            "/api/v1/users",
            "admin",
            json!({"username": "moi", "full_name": "Người Mới", "roles": [], "clearance": null,
                   "position_id": null, "unit_id": crate::helpers::pid(999_999), "password": "mật-khẩu-đủ-dài-2026-x"}),
        )
        .await
        .expect_error(400, "invalid_input");
    field_is(&e, "unit_id");
    let vanthu = crate::helpers::pid(app.user("vanthu"));
    let e = app
        .send(
            axum::http::Method::PATCH,
            &format!("/api/v1/users/{vanthu}"),
            Some("admin"),
            Some(json!({"unit_id": crate::helpers::pid(999_999)})),
        )
        .await
        .expect_error(400, "invalid_input");
    field_is(&e, "unit_id");
    let (_, record) = samples().into_iter().next().expect("staff");
    let e = app
        .post_json(
            "/api/v1/programme/records/staff",
            "baomat",
            json!({"record": record, "unit_id": crate::helpers::pid(999_999)}),
        )
        .await
        .expect_error(400, "invalid_input");
    field_is(&e, "unit_id");
    assert_eq!(snapshot(&app).await, before, "nothing was written");
    assert_eq!(
        app.get("/api/v1/org", "admin").await.expect(200)["users"],
        users_before
    );
}

#[tokio::test]
async fn hidden_and_bidirectional_characters_are_refused_and_text_is_nfc() {
    let app = TestApp::spawn();
    let before = snapshot(&app).await;
    let hidden = [
        "\u{202E}", "\u{200B}", "\u{FEFF}", "\u{2066}", "\u{200F}", "\u{7}",
    ];
    for h in hidden {
        for (f, v) in [
            ("number_symbol", format!("123/BKHĐT{h}-TH")),
            ("issuer", format!("Bộ Kế hoạch{h} và Đầu tư")),
            ("doc_type", format!("{h}Công văn")),
            ("summary", format!("Kế hoạch {h}kiểm tra")),
        ] {
            let e = app
                .post_json("/api/v1/incoming", "vanthu", incoming(json!({ f: v })))
                .await
                .expect_error(400, "invalid_input");
            field_is(&e, f);
        }
    }
    // A number on two lines is refused; a summary may have several.
    let e = app
        .post_json(
            "/api/v1/incoming",
            "vanthu",
            incoming(json!({"number_symbol": "123/BKHĐT\n-TH"})),
        )
        .await
        .expect_error(400, "invalid_input");
    field_is(&e, "number_symbol");
    // Names of users and units, catalogue entries.
    let e = app
        .post_json(
            "/api/v1/units",
            "admin",
            json!({"name": "Phòng\u{202E}Tổ chức"}),
        )
        .await
        .expect_error(400, "invalid_input");
    field_is(&e, "name");
    let vanthu = crate::helpers::pid(app.user("vanthu"));
    let e = app
        .send(
            axum::http::Method::PATCH,
            &format!("/api/v1/users/{vanthu}"),
            Some("admin"),
            Some(json!({"full_name": "Phạm Thị\u{200B} Văn Thư"})),
        )
        .await
        .expect_error(400, "invalid_input");
    field_is(&e, "full_name");
    let e = app
        .post_json(
            "/api/v1/catalogues",
            "admin",
            json!({"decision_ref": "01/QĐ-TTg", "decision_date": "2025-01-01", "title": "Danh mục",
                   "field": "kinh-te", "effective_from": "2025-01-01", "replaces": null,
                   "items": [{"level": "mat", "number": "1\u{202E}2", "text": "Mục"}]}),
        )
        .await;
    assert_eq!(e.status.as_u16(), 400, "{}", e.body);
    field_is(&e.body, "number");
    assert_eq!(snapshot(&app).await, before, "nothing was written");
    // Decomposed letters (Unicode tổ hợp) are stored composed.
    let got = app
        .post_json(
            "/api/v1/incoming",
            "vanthu",
            incoming(json!({"doc_type": "Co\u{302}ng va\u{306}n", "summary": "dòng 1\r\ndòng 2"})),
        )
        .await
        .expect(201);
    assert_eq!(got["item"]["doc_type"], "Công văn");
    assert_eq!(got["item"]["summary"], "dòng 1\ndòng 2");
}

#[tokio::test]
async fn oversized_texts_are_refused_and_the_body_limit_answers_first() {
    let app = TestApp::spawn();
    let before = snapshot(&app).await;
    let e = app
        .post_json(
            "/api/v1/incoming",
            "vanthu",
            incoming(json!({"summary": "a".repeat(2_001)})),
        )
        .await
        .expect_error(400, "invalid_input");
    field_is(&e, "summary");
    assert!(
        e["error"]["message"]
            .as_str()
            .unwrap()
            .contains("tối đa 2.000 ký tự"),
        "{e}"
    );
    let e = app
        .post_json(
            "/api/v1/incoming",
            "vanthu",
            incoming(json!({"number_symbol": "1".repeat(201)})),
        )
        .await
        .expect_error(400, "invalid_input");
    field_is(&e, "number_symbol");
    let e = app
        .post_json(
            "/api/v1/incoming",
            "vanthu",
            incoming(json!({"note": "n".repeat(2_001)})),
        )
        .await
        .expect_error(400, "invalid_input");
    field_is(&e, "note");
    // A 3 MB summary is refused by the act (the body limit, 32 MiB, is for uploads) …
    let big = "trích yếu ".repeat(300_000);
    let e = app
        .post_json(
            "/api/v1/incoming",
            "vanthu",
            incoming(json!({"summary": big})),
        )
        .await
        .expect_error(400, "invalid_input");
    field_is(&e, "summary");
    // … and a body over the limit is answered 413 before it is read whole.
    let limit = bmnn_web::WebConfig::default().max_body_bytes;
    let e = app
        .post_json(
            "/api/v1/incoming",
            "vanthu",
            incoming(json!({"summary": "a".repeat(limit)})),
        )
        .await
        .expect_error(413, "invalid_input");
    field_is(&e, "body");
    // The service refuses it on its own (the pages and the CLI call it directly).
    let cmd: bmnn_core::service::ReceiveIncomingCmd =
        serde_json::from_value(incoming(json!({"summary": big}))).expect("command");
    let err = app
        .svc
        .receive_incoming(&ctx_for(app.user("vanthu")), cmd)
        .expect_err("refused");
    assert_eq!(err.code(), "invalid_input");
    assert!(err.message_vi().contains("quá dài"), "{err}");
    assert_eq!(snapshot(&app).await, before, "nothing was written");
}

#[tokio::test]
async fn duplicate_json_keys_are_refused() {
    let app = TestApp::spawn();
    let before = snapshot(&app).await;
    let token = app.login_as("vanthu");
    let post = |body: &'static str| {
        Request::post("/api/v1/incoming")
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/json")
            .body(Body::from(body))
            .unwrap()
    };
    let e = app
        .raw(post(
            r#"{"issuer": "Bộ A", "number_symbol": "1/A", "doc_type": "Công văn", "date": "2025-09-01",
                "level": "mat", "level": "tuyet-mat"}"#,
        ))
        .await
        .expect_error(400, "invalid_input");
    field_is(&e, "level");
    assert!(
        e["error"]["message"].as_str().unwrap().contains("hai lần"),
        "{e}"
    );
    // Nested objects too.
    let e = app
        .raw(post(r#"{"issuer": "Bộ A", "x": {"a": 1, "a": 2}}"#))
        .await
        .expect_error(400, "invalid_input");
    field_is(&e, "a");
    assert_eq!(snapshot(&app).await, before, "nothing was written");
}

/// The administration page's "edit user" form: an unknown clearance is refused (not read as
/// "no clearance"), and a post without the privilege fields changes nothing and says so.
#[tokio::test]
async fn the_edit_user_form_refuses_unknown_codes_and_incomplete_posts() {
    let app = TestApp::spawn();
    let admin = Client::session(&app, "admin");
    let id = crate::helpers::pid(app.user("vanthu"));
    let path = format!("/admin/users/{id}");
    let org = || async {
        let org = app.get("/api/v1/org", "admin").await.expect(200);
        org["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == id)
            .cloned()
            .unwrap()
    };
    let user_before = org().await;
    let audit_before = app.audit_count();
    let p = admin
        .post(
            &path,
            &[
                ("roles", ""),
                ("roles", "clerk"),
                ("clearance", "bi-mat"),
                ("active", "0"),
                ("active", "on"),
            ],
            true,
        )
        .await;
    assert_eq!(p.status.as_u16(), 422, "the page shows the refusal");
    assert!(
        p.text()
            .contains("Độ mật được tiếp cận không có trong danh sách"),
        "{}",
        p.text()
    );
    let p = admin.post(&path, &[], true).await;
    assert_eq!(p.status.as_u16(), 422);
    let t = p.text();
    assert!(t.contains("Biểu mẫu gửi lên thiếu mục"), "{t}");
    assert!(t.contains("Không có thay đổi nào được lưu"), "{t}");
    let p = admin
        .post(
            &path,
            &[
                ("roles", "clerk"),
                ("roles", "quantri-toi-cao"),
                ("clearance", "mat"),
                ("active", "on"),
            ],
            true,
        )
        .await;
    assert!(
        p.text()
            .contains("Vai trò «quantri-toi-cao» không có trong danh sách")
    );
    assert_eq!(org().await, user_before, "nothing changed");
    assert_eq!(app.audit_count(), audit_before);
    // The form as the page sends it still works (unticked box = inactive).
    let p = admin
        .post(
            &path,
            &[
                ("roles", ""),
                ("roles", "clerk"),
                ("clearance", "mat"),
                ("active", "0"),
            ],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text());
    let after = org().await;
    assert_eq!(after["active"], false);
    assert_eq!(after["clearance"], "mat");
    assert_eq!(
        after["unit_id"], user_before["unit_id"],
        "left out = unchanged"
    );
    // The "new user" form refuses an unknown clearance too, and creates nobody.
    let users = app.get("/api/v1/org", "admin").await.expect(200)["users"].clone();
    let p = admin
        .post(
            "/admin/users",
            &[
                ("username", "nguoimoi"),
                ("full_name", "Người Mới"),
                ("password", crate::helpers::PASSWORD),
                ("roles", "clerk"),
                ("clearance", "bi-mat"),
            ],
            true,
        )
        .await;
    assert_eq!(p.status.as_u16(), 422);
    assert!(
        p.text()
            .contains("Độ mật được tiếp cận không có trong danh sách")
    );
    assert_eq!(
        app.get("/api/v1/org", "admin").await.expect(200)["users"],
        users
    );
}
