//! `/api/v1/inbox` and the numbering rules through the API.

use crate::helpers::{TestApp, pid, tok};
use bmnn_web::today_vn;
use serde_json::json;

#[tokio::test]
async fn the_inbox_answers_each_role_its_own_lines_with_opaque_ids() {
    let app = TestApp::spawn();
    let today = today_vn().to_string();
    let item = app.classified_item(&today, json!({})).await;
    let b = app.get("/api/v1/inbox", "vanthu").await.expect(200);
    let line = b["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["act"] == "register-outgoing")
        .expect("the clerk registers the decided item");
    assert_eq!(line["item_id"], item.as_str(), "token, not a number");
    assert_eq!(line["group"], "register");
    assert!(b["count"].as_u64().expect("count") >= 1);
    // The drafter sees the outcome of his proposal, not a task.
    let b = app.get("/api/v1/inbox", "soanthao").await.expect(200);
    let mine = b["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["item_id"] == item.as_str())
        .expect("my proposal");
    assert_eq!(mine["group"], "mine");
    assert_eq!(mine["waiting"], false);
    assert!(
        mine["outcome"]
            .as_str()
            .expect("outcome")
            .starts_with("Đã duyệt")
    );
    // Without a token: 401.
    assert_eq!(
        app.send(axum::http::Method::GET, "/api/v1/inbox", None, None)
            .await
            .status
            .as_u16(),
        401
    );
}

#[tokio::test]
async fn a_duplicate_outgoing_number_is_refused_through_the_api() {
    let app = TestApp::spawn();
    let today = today_vn().to_string();
    let a = app.classified_item(&today, json!({})).await;
    let b = app.classified_item(&today, json!({})).await;
    let reg = |id: &str| format!("/api/v1/items/{id}/outgoing");
    let e = app
        .post_json(
            &reg(&a),
            "vanthu",
            json!({"number_symbol": "10/BC-SCT", "signer": "Nguyễn Văn Giám", "quantity": 4, "recipients": ["UBND tỉnh"]}),
        )
        .await
        .expect(201);
    assert_eq!(e["entry"]["fields"]["quantity"], "4");
    let before = app.audit_count();
    let body = app
        .post_json(
            &reg(&b),
            "vanthu",
            json!({"number_symbol": "10/BC-SCT", "signer": "Nguyễn Văn Giám"}),
        )
        .await
        .expect_error(422, "duplicate_number");
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("mục số 01"),
        "{body}"
    );
    assert_eq!(app.audit_count(), before, "nothing written");
    let it = app
        .get(&format!("/api/v1/items/{b}"), "vanthu")
        .await
        .expect(200);
    assert_eq!(it["item"]["status"], "classified", "{it}");
    let _ = tok(&it["item"]["id"]);
}

/// The outgoing series is shared by every level, so a number used by a Tối mật entry is refused
/// to a clerk cleared for Mật too — but the earlier entry is named only to a clerk who may see it.
#[tokio::test]
async fn a_duplicate_of_a_higher_level_is_refused_without_naming_the_entry() {
    let app = TestApp::spawn();
    let today = today_vn().to_string();
    let high = app
        .classified_item(
            &today,
            json!({"level": "toi-mat", "catalogue_item_id": pid(app.org.cat_toi_mat)}),
        )
        .await;
    let low = app.classified_item(&today, json!({})).await;
    let reg = |id: &str| format!("/api/v1/items/{id}/outgoing");
    app.post_json(
        &reg(&high),
        "vanthu",
        json!({"number_symbol": "12/BC-SCT", "signer": "Nguyễn Văn Giám"}),
    )
    .await
    .expect(201);
    let before = app.audit_count();
    let body = app
        .post_json(
            &reg(&low),
            "vanthu_mat",
            json!({"number_symbol": "12/bc-sct", "signer": "Nguyễn Văn Giám"}),
        )
        .await
        .expect_error(422, "duplicate_number");
    let msg = body["error"]["message"].as_str().expect("message");
    assert!(msg.contains("12/bc-sct"), "{msg}");
    assert!(
        !msg.contains("mục số"),
        "a hidden entry is not named: {msg}"
    );
    assert_eq!(app.audit_count(), before, "nothing written");
    // The clerk cleared for it is told which entry.
    let body = app
        .post_json(
            &reg(&low),
            "vanthu",
            json!({"number_symbol": "12/BC-SCT", "signer": "Nguyễn Văn Giám"}),
        )
        .await
        .expect_error(422, "duplicate_number");
    assert!(
        body["error"]["message"]
            .as_str()
            .expect("message")
            .contains("mục số 01"),
        "{body}"
    );
}
