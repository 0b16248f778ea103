//! Every refusal answers with the right status, its stable code and a Vietnamese message, and
//! writes nothing: the audit chain and the item list are exactly as before.

use crate::helpers::{Answer, TestApp};
use serde_json::{Value, json};

/// Awaits `act` (futures are lazy: nothing runs before the counts are taken), expects the refusal `code` (HTTP 422), and checks that nothing was written.
async fn refused(
    app: &TestApp,
    code: &str,
    act: impl std::future::Future<Output = Answer>,
) -> Value {
    let audit = app.audit_count();
    // Counted by the Tuyệt mật security officer (the administrator holds no clearance).
    let items = app.item_total("baomat").await;
    let requests = app
        .get("/api/v1/requests", "baomat")
        .await
        .expect(200)
        .as_array()
        .unwrap()
        .len();
    let body = act.await.expect_error(422, code);
    assert_eq!(
        app.audit_count(),
        audit,
        "{code}: a refusal writes no audit record"
    );
    assert_eq!(
        app.item_total("baomat").await,
        items,
        "{code}: a refusal creates no item"
    );
    let after = app
        .get("/api/v1/requests", "baomat")
        .await
        .expect(200)
        .as_array()
        .unwrap()
        .len();
    assert_eq!(after, requests, "{code}: a refusal creates no request");
    body
}

#[tokio::test]
async fn wrong_authority_is_refused_with_the_legal_basis() {
    let app = TestApp::spawn();
    let id = app
        .propose("soanthao", json!({"date": "2025-05-05"}))
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_string();
    // A head of department is not the head of the agency: no authority to classify.
    let body = refused(
        &app,
        "no_authority",
        app.post_json(
            &format!("/api/v1/items/{id}/classification"),
            "truongphong",
            json!({"approve": true, "date": "2025-05-05"}),
        ),
    )
    .await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Lê Văn Trưởng")
    );
    assert!(
        body["error"]["basis"]
            .as_str()
            .is_some_and(|b| !b.is_empty())
    );
    // Read by the security officer (the administrator holds no clearance).
    let detail = app
        .get(&format!("/api/v1/items/{id}"), "baomat")
        .await
        .expect(200);
    assert_eq!(
        detail["item"]["status"], "proposed",
        "still waiting for a decision"
    );
}

#[tokio::test]
async fn an_expired_delegation_gives_no_authority() {
    let app = TestApp::spawn();
    let id = app.classified_item("2025-02-02", json!({})).await;
    // The director delegates Mật copy authority to the deputy for 2025 only.
    let d = app
        .post_json(
            "/api/v1/delegations",
            "giamdoc",
            json!({"grantee_id": crate::helpers::pid(app.user("phogiamdoc")), "acts": ["copy"], "max_level": "mat",
                   "valid_from": "2025-01-01", "valid_to": "2025-12-31", "document_ref": "12/UQ-SKHĐT"}),
        )
        .await
        .expect(201);
    assert_eq!(d["grantor_id"], crate::helpers::pid(app.user("giamdoc")));
    let req = app
        .post_json("/api/v1/requests/copy", "soanthao", json!({"item_id": id, "form": "chup", "count": 1, "purpose": "Họp", "date": "2025-05-01"}))
        .await
        .expect(201);
    let rid = crate::helpers::tok(&req["id"]);
    // Deciding today (after 31/12/2025): the delegation has expired.
    let body = refused(
        &app,
        "delegation_expired",
        app.post_json(
            &format!("/api/v1/requests/{rid}/decision"),
            "phogiamdoc",
            json!({"approve": true}),
        ),
    )
    .await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("12/UQ-SKHĐT")
    );
    assert_eq!(
        app.get(&format!("/api/v1/requests/{rid}"), "baomat")
            .await
            .expect(200)["status"],
        "pending"
    );
    // The same decision dated within the term is authorised through the delegation.
    let ok = app
        .post_json(
            &format!("/api/v1/requests/{rid}/decision"),
            "phogiamdoc",
            json!({"approve": true, "date": "2025-06-01"}),
        )
        .await
        .expect(200);
    assert_eq!(ok["decision"]["delegation_id"], d["id"]);
    // Revoked delegations are listed with their revocation date.
    let revoked = app
        .post_json(
            &format!(
                "/api/v1/delegations/{}/revoke",
                crate::helpers::tok(&d["id"])
            ),
            "giamdoc",
            json!({}),
        )
        .await
        .expect(200);
    assert!(revoked["revoked_on"].is_string());
}

#[tokio::test]
async fn copying_an_item_that_forbids_it_is_refused() {
    let app = TestApp::spawn();
    let id = app
        .classified_item("2025-04-04", json!({"copy_allowed": false}))
        .await;
    let body = refused(
        &app,
        "copy_not_allowed",
        app.post_json(
            "/api/v1/requests/copy",
            "soanthao",
            json!({"item_id": id, "form": "sao-y", "count": 1, "purpose": "Họp"}),
        ),
    )
    .await;
    assert!(body["error"]["basis"].as_str().unwrap().contains("Điều 10"));
}

#[tokio::test]
async fn tuyet_mat_outside_its_fields_is_refused() {
    let app = TestApp::spawn();
    refused(&app, "tuyet_mat_field", app.propose(
            "soanthao",
            json!({"level": "tuyet-mat", "field": "kinh-te", "catalogue_item_id": crate::helpers::pid(app.org.cat_tuyet_mat), "summary": null, "date": "2025-05-05"}),
        ))
    .await;
}

#[tokio::test]
async fn a_missing_catalogue_basis_is_refused_under_regime_b() {
    let app = TestApp::spawn();
    let body = refused(
        &app,
        "catalogue_basis_required",
        app.propose(
            "soanthao",
            json!({"catalogue_item_id": null, "date": "2026-03-15"}),
        ),
    )
    .await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("danh mục")
    );
}

#[tokio::test]
async fn a_tuyet_mat_summary_is_refused_where_the_regime_forbids_it() {
    let app = TestApp::spawn();
    refused(&app, "tuyet_mat_summary_forbidden", app.propose(
            "soanthao",
            json!({"level": "tuyet-mat", "field": "chinh-tri", "catalogue_item_id": crate::helpers::pid(app.org.cat_tuyet_mat),
                   "summary_consent_ref": "07/CV-SKHĐT", "date": "2026-03-15"}),
        ))
    .await;
}

#[tokio::test]
async fn a_level_that_contradicts_the_catalogue_entry_is_refused() {
    let app = TestApp::spawn();
    refused(
        &app,
        "level_mismatch_catalogue",
        app.propose(
            "soanthao",
            json!({"level": "toi-mat", "catalogue_item_id": crate::helpers::pid(app.org.cat_mat), "date": "2025-05-05"}),
        ),
    )
    .await;
}

#[tokio::test]
async fn the_council_is_required_to_declassify() {
    let app = TestApp::spawn();
    let id = app.classified_item("2025-04-04", json!({})).await;
    refused(
        &app,
        "council_required",
        app.post_json(
            &format!("/api/v1/items/{id}/declassification"),
            "giamdoc",
            json!({"decision_ref": "QĐ"}),
        ),
    )
    .await;
}

#[tokio::test]
async fn a_future_date_and_an_unknown_item_write_nothing_either() {
    let app = TestApp::spawn();
    let audit = app.audit_count();
    app.propose("soanthao", json!({"date": "2199-01-01"}))
        .await
        .expect_error(400, "invalid_input");
    app.post_json(
        "/api/v1/items/424242/classification",
        "giamdoc",
        json!({"approve": true}),
    )
    .await
    .expect_error(404, "not_found");
    assert_eq!(app.audit_count(), audit);
}
