//! The remaining acts through HTTP: an incoming sealed envelope with a recall stamp, the
//! originator's notices, take-out and return, provision, destruction, cancelling a register
//! entry, and the automatic run.

use crate::helpers::TestApp;
use serde_json::json;

#[tokio::test]
async fn an_incoming_sealed_envelope_goes_only_to_the_named_person_and_comes_back() {
    let app = TestApp::spawn();
    let giamdoc = crate::helpers::pid(app.user("giamdoc"));
    let mut body = json!({
        "issuer": "Bộ Kế hoạch và Đầu tư", "number_symbol": "123/BKHĐT-TH", "doc_type": "Công văn",
        "level": "toi-mat", "named_recipient_id": giamdoc, "summary": "Không được ghi",
        "recall_due": "2199-01-01", "date": "2025-09-01",
    });
    app.post_json("/api/v1/incoming", "vanthu", body.clone())
        .await
        .expect_error(422, "sealed_envelope");
    body.as_object_mut().unwrap().remove("summary");
    let got = app
        .post_json("/api/v1/incoming", "vanthu", body)
        .await
        .expect(201);
    let id = crate::helpers::tok(&got["item"]["id"]);
    assert_eq!(got["item"]["sealed"], true);
    assert_eq!(got["entry"]["number"], 1);
    assert_eq!(
        app.get("/api/v1/registers/incoming/2025", "vanthu")
            .await
            .expect(200)["total"],
        1
    );
    app.post_json(
        &format!("/api/v1/items/{id}/handovers"),
        "vanthu",
        json!({"to_user_id": crate::helpers::pid(app.user("truongphong"))}),
    )
    .await
    .expect_error(422, "sealed_named_recipient");
    let e = app
        .post_json(
            &format!("/api/v1/items/{id}/handovers"),
            "vanthu",
            json!({"to_user_id": giamdoc}),
        )
        .await
        .expect(201);
    app.post_json(
        &format!(
            "/api/v1/register-entries/{}/ack",
            crate::helpers::tok(&e["id"])
        ),
        "giamdoc",
        json!({}),
    )
    .await
    .expect(200);
    let detail = app
        .get(&format!("/api/v1/items/{id}"), "giamdoc")
        .await
        .expect(200);
    assert_eq!(
        detail["item"]["sealed"], false,
        "opened by the named person"
    );

    // Only the originator extends or re-levels an incoming item: we record its notice.
    app.post_json(
        &format!("/api/v1/items/{id}/extension"),
        "giamdoc",
        json!({"years": 5}),
    )
    .await
    .expect_error(422, "originator_only");
    let adj = app
        .post_json(
            &format!("/api/v1/items/{id}/adjustment"),
            "vanthu",
            json!({"new_level": "mat", "originator_notice": "45/TB-BKHĐT"}),
        )
        .await
        .expect(200);
    assert_eq!(adj["level"], "mat");

    let back = app
        .post_json(
            &format!("/api/v1/items/{id}/recall-return"),
            "vanthu",
            json!({}),
        )
        .await
        .expect(200);
    assert!(back["returned_on"].is_string());
    app.post_json(
        &format!("/api/v1/items/{id}/recall-return"),
        "vanthu",
        json!({}),
    )
    .await
    .expect_error(409, "conflict");
}

#[tokio::test]
async fn take_out_provision_destruction_and_a_cancelled_entry() {
    let app = TestApp::spawn();
    let id = app.classified_item("2025-01-10", json!({})).await;

    // Take out of storage (agency head decides), then return with a report.
    let r = app
        .post_json(
            "/api/v1/requests/take-out",
            "soanthao",
            json!({"item_id": id, "abroad": false, "purpose": "Họp tại UBND tỉnh", "place": "UBND tỉnh",
                   "from": "2025-02-01", "until": "2025-02-02", "measures": "Cặp có khóa", "date": "2025-01-20"}),
        )
        .await
        .expect(201);
    let rid = crate::helpers::tok(&r["id"]);
    app.post_json(
        &format!("/api/v1/requests/{rid}/decision"),
        "truongphong",
        json!({"approve": true, "date": "2025-01-21"}),
    )
    .await
    .expect_error(422, "no_authority");
    app.post_json(
        &format!("/api/v1/requests/{rid}/decision"),
        "giamdoc",
        json!({"approve": true, "date": "2025-01-21"}),
    )
    .await
    .expect(200);
    assert_eq!(
        app.get(&format!("/api/v1/items/{id}"), "vanthu")
            .await
            .expect(200)["item"]["taken_out"],
        rid
    );
    let done = app
        .post_json(
            &format!("/api/v1/requests/{rid}/return"),
            "vanthu",
            json!({"report": "Đã sử dụng tại cuộc họp, không sao chụp", "date": "2025-02-02"}),
        )
        .await
        .expect(200);
    assert_eq!(done["status"], "done");
    assert_eq!(done["details"]["kind"], "take-out");

    // Provision to another agency: the commitment is required.
    let provide = json!({"item_id": id, "foreign": false, "party": "Sở Tài chính", "representative": "Bà Lý Thị Nhận",
                         "identity": "001180000000", "purpose": "Thẩm định", "commitment": false, "date": "2025-03-01"});
    app.post_json("/api/v1/requests/provide", "soanthao", provide.clone())
        .await
        .expect_error(422, "commitment_required");
    let mut provide = provide;
    provide["commitment"] = json!(true);
    let p = app
        .post_json("/api/v1/requests/provide", "soanthao", provide)
        .await
        .expect(201);
    let pid = crate::helpers::tok(&p["id"]);
    app.post_json(
        &format!("/api/v1/requests/{pid}/decision"),
        "truongphong",
        json!({"approve": true, "date": "2025-03-02"}),
    )
    .await
    .expect(200);
    let given = app
        .post_json(
            &format!("/api/v1/requests/{pid}/provision"),
            "vanthu",
            json!({"date": "2025-03-03"}),
        )
        .await
        .expect(201);
    assert_eq!(given["request"]["status"], "done");
    let entry = crate::helpers::tok(&given["entry"]["id"]);
    // The clerk cancels that handover entry (wrong date, say): kept, marked, number not reused.
    app.post_json(
        &format!("/api/v1/register-entries/{entry}/cancel"),
        "vanthu",
        json!({"reason": ""}),
    )
    .await
    .expect_error(400, "invalid_input");
    let c = app
        .post_json(
            &format!("/api/v1/register-entries/{entry}/cancel"),
            "vanthu",
            json!({"reason": "Ghi nhầm ngày"}),
        )
        .await
        .expect(200);
    assert_eq!(c["cancelled"]["reason"], "Ghi nhầm ngày");
    let book = app
        .get("/api/v1/registers/handover/2025", "vanthu")
        .await
        .expect(200);
    assert_eq!(book["total"], 1);
    assert!(
        book["rows"][0]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str().unwrap().contains("ĐÃ HỦY BỎ"))
    );

    // Destruction: council, decision by the director, minutes.
    let d = app
        .post_json(
            "/api/v1/requests/destroy",
            "vanthu",
            json!({"item_ids": [id], "council": ["Nguyễn Văn Giám", "Phạm Thị Văn Thư"], "council_decision_ref": "09/QĐ",
                   "council_minutes_ref": "BB-09", "method": "Nghiền giấy", "place": "Trụ sở Sở"}),
        )
        .await
        .expect(201);
    let did = crate::helpers::tok(&d["id"]);
    let listed = app
        .get("/api/v1/requests?kind=destroy&status=pending", "giamdoc")
        .await
        .expect(200);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    app.post_json(
        &format!("/api/v1/requests/{did}/decision"),
        "giamdoc",
        json!({"approve": true}),
    )
    .await
    .expect(200);
    let gone = app
        .post_json(
            &format!("/api/v1/requests/{did}/destruction"),
            "vanthu",
            json!({"performers": ["Phạm Thị Văn Thư"], "minutes_ref": "BB-TH-01"}),
        )
        .await
        .expect(200);
    assert_eq!(gone["destroyed"][0]["item_id"], id);
    assert_eq!(
        app.get(&format!("/api/v1/items/{id}"), "vanthu")
            .await
            .expect(200)["item"]["status"],
        "destroyed"
    );
}

#[tokio::test]
async fn the_automatic_run_is_for_the_security_officer() {
    let app = TestApp::spawn();
    app.post_json("/api/v1/automatic-run", "vanthu", json!({}))
        .await
        .expect_error(403, "forbidden");
    let run = app
        .send(
            axum::http::Method::POST,
            "/api/v1/automatic-run",
            Some("admin"),
            None,
        )
        .await
        .expect(200);
    assert_eq!(run["expired"], json!([]));
}
