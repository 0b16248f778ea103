//! A whole life of a Mật item through the API alone: classification against the catalogue by
//! the head of the agency, outgoing register, handover and acknowledgement, an authorised copy
//! run (and the copy beyond the authorised count refused), extension, declassification after
//! a council, and the notices it owes listed as due. Each step shows in the registers and in
//! the audit chain.

use crate::helpers::TestApp;
use bmnn_web::auth;
use serde_json::json;

#[tokio::test]
async fn a_mat_item_from_proposal_to_declassification() {
    let app = TestApp::spawn();
    let audit_start = app.audit_count();

    // Proposal by the drafter, back-dated (acts may be back-dated, never future-dated).
    let item = app
        .propose("soanthao", json!({"date": "2025-06-10"}))
        .await
        .expect(201);
    let id = crate::helpers::tok(&item["id"]);
    assert_eq!(item["status"], "proposed");
    assert_eq!(item["level"], "mat");

    // Decision by the head of the agency, on the catalogue entry.
    let item = app
        .post_json(
            &format!("/api/v1/items/{id}/classification"),
            "giamdoc",
            json!({"approve": true, "decision_ref": "01/QĐ-SKHĐT", "date": "2025-06-10", "item_id": crate::helpers::pid(999999)}),
        )
        .await
        .expect(200);
    assert_eq!(item["id"], id, "the path id wins over the body's");
    assert_eq!(item["status"], "classified");
    assert_eq!(item["regime"], "A");
    assert_eq!(
        item["catalogue_item_id"],
        crate::helpers::pid(app.org.cat_mat)
    );
    assert_eq!(
        item["expiry"], "2035-06-10",
        "Mật: 10 years from the classification date"
    );

    // Outgoing register: number 1 of 2025.
    let out = app
        .post_json(
            &format!("/api/v1/items/{id}/outgoing"),
            "vanthu",
            json!({"number_symbol": "15/BC-SKHĐT", "signer": "Nguyễn Văn Giám", "date": "2025-06-11"}),
        )
        .await
        .expect(201);
    assert_eq!(out["entry"]["number"], 1);
    assert_eq!(out["entry"]["year"], 2025);
    assert_eq!(out["item"]["status"], "issued");
    let book = app
        .get("/api/v1/registers/outgoing/2025", "vanthu")
        .await
        .expect(200);
    assert_eq!(book["total"], 1);
    assert_eq!(book["entries"][0]["item_id"], id);
    assert_eq!(book["rows"][0][0], "01");
    assert!(
        book["rows"][0]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "15/BC-SKHĐT"),
        "row: {}",
        book["rows"][0]
    );

    // Handover to the head of department, who acknowledges it.
    let entry = app
        .post_json(
            &format!("/api/v1/items/{id}/handovers"),
            "vanthu",
            json!({"to_user_id": crate::helpers::pid(app.user("truongphong")), "date": "2025-06-12"}),
        )
        .await
        .expect(201);
    let entry_id = crate::helpers::tok(&entry["id"]);
    assert!(entry["ack"].is_null());
    let pending = app
        .get("/api/v1/pending-acks", "truongphong")
        .await
        .expect(200);
    assert_eq!(pending.as_array().unwrap().len(), 1);
    // Only the recipient may acknowledge.
    app.post_json(
        &format!("/api/v1/register-entries/{entry_id}/ack"),
        "giamdoc",
        json!({}),
    )
    .await
    .expect_error(403, "forbidden");
    let acked = app
        .post_json(
            &format!("/api/v1/register-entries/{entry_id}/ack"),
            "truongphong",
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(
        acked["ack"]["by"],
        crate::helpers::pid(app.user("truongphong"))
    );
    let book = app
        .get("/api/v1/registers/handover/2025", "vanthu")
        .await
        .expect(200);
    assert_eq!(book["total"], 1);
    assert!(!book["entries"][0]["ack"].is_null());
    assert!(
        book["rows"][0]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c.as_str().unwrap().contains("Lê Văn Trưởng"))
    );

    // Copy: requested, authorised by the head of department (may authorise Mật copies).
    let req = app
        .post_json(
            "/api/v1/requests/copy",
            "truongphong",
            json!({"item_id": id, "form": "sao-y", "count": 2, "purpose": "Phục vụ họp giao ban", "date": "2025-06-15"}),
        )
        .await
        .expect(201);
    let rid = crate::helpers::tok(&req["id"]);
    assert_eq!(req["status"], "pending");
    let decided = app
        .post_json(
            &format!("/api/v1/requests/{rid}/decision"),
            "truongphong",
            json!({"approve": true, "date": "2025-06-15"}),
        )
        .await
        .expect(200);
    assert_eq!(decided["status"], "approved");
    assert_eq!(
        decided["decision"]["by"],
        crate::helpers::pid(app.user("truongphong"))
    );
    // One more than authorised is refused and writes nothing.
    let before = app.audit_count();
    let err = app
        .post_json(
            &format!("/api/v1/requests/{rid}/copies"),
            "vanthu",
            json!({"count": 3, "date": "2025-06-16"}),
        )
        .await
        .expect_error(422, "copy_count_exceeded");
    assert!(err["error"]["basis"].as_str().unwrap().contains("26/2020"));
    assert_eq!(app.audit_count(), before);
    let made = app
        .post_json(
            &format!("/api/v1/requests/{rid}/copies"),
            "vanthu",
            json!({"count": 2, "date": "2025-06-16"}),
        )
        .await
        .expect(201);
    assert_eq!(made["entry"]["fields"]["copy_numbers"], "1–2");
    assert_eq!(made["request"]["status"], "done");
    assert_eq!(made["request"]["details"]["produced"], json!([1, 2]));
    app.post_json(
        &format!("/api/v1/requests/{rid}/copies"),
        "vanthu",
        json!({"count": 1, "date": "2025-06-16"}),
    )
    .await
    .expect_error(422, "copy_count_exceeded"); // one more than allowed: the law's refusal
    let copies = app
        .get("/api/v1/registers/copies/2025", "vanthu")
        .await
        .expect(200);
    assert_eq!(copies["total"], 1);
    assert_eq!(copies["entries"][0]["request_id"], rid);

    // Extension, decided today: well before expiry − 60 days.
    let ext = app
        .post_json(
            &format!("/api/v1/items/{id}/extension"),
            "giamdoc",
            json!({"years": 5, "decision_ref": "02/QĐ-SKHĐT"}),
        )
        .await
        .expect(200);
    assert_eq!(ext["expiry"], "2040-06-10", "counted from the old expiry");

    // Declassification after the council.
    let body = json!({
        "council": ["Nguyễn Văn Giám", "Trần Thị Phó", "Lê Văn Trưởng"],
        "council_decision_ref": "03/QĐ-SKHĐT",
        "council_minutes_ref": "BB-01",
        "decision_ref": "04/QĐ-SKHĐT",
    });
    let done = app
        .post_json(
            &format!("/api/v1/items/{id}/declassification"),
            "giamdoc",
            body,
        )
        .await
        .expect(200);
    assert_eq!(done["status"], "declassified");

    // Notices owed to each recipient, listed as due.
    let notices = app
        .get(
            &format!("/api/v1/notices?item_id={id}&open_only=true"),
            "vanthu",
        )
        .await
        .expect(200);
    let decl: Vec<_> = notices
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "declassification")
        .collect();
    let mut recipients: Vec<&str> = decl
        .iter()
        .map(|n| n["recipient"].as_str().unwrap())
        .collect();
    recipients.sort();
    assert_eq!(recipients, ["Sở Tài chính", "UBND tỉnh"]);
    let due = app.get("/api/v1/due", "vanthu").await.expect(200);
    let due_notices: Vec<_> = due
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "notice" && o["item_id"] == id)
        .collect();
    assert!(
        decl.iter()
            .all(|n| due_notices.iter().any(|o| o["notice_id"] == n["id"])),
        "every declassification notice is due: {due}"
    );
    // Recording one notice as sent removes it from what is due.
    let nid = crate::helpers::tok(&decl[0]["id"]);
    app.post_json(
        &format!("/api/v1/notices/{nid}/done"),
        "vanthu",
        json!({"reference": "05/TB-SKHĐT"}),
    )
    .await
    .expect(200);
    let due = app.get("/api/v1/due", "vanthu").await.expect(200);
    assert!(
        !due.as_array()
            .unwrap()
            .iter()
            .any(|o| o["notice_id"] == nid)
    );

    // The item's history and the audit chain show every step.
    let detail = app
        .get(&format!("/api/v1/items/{id}"), "vanthu")
        .await
        .expect(200);
    let kinds: Vec<&str> = detail["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    for k in [
        "proposed",
        "classified",
        "registered-outgoing",
        "handed-over",
        "acknowledged",
        "copy-requested",
        "request-approved",
        "copies-produced",
        "extended",
        "declassified",
    ] {
        assert!(kinds.contains(&k), "history lacks {k}: {kinds:?}");
    }
    let audit = app
        .get("/api/v1/audit?limit=1000", "baomat")
        .await
        .expect(200);
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    for a in [
        "item.propose",
        "item.classify",
        "register.outgoing",
        "register.handover",
        "register.ack",
        "request.copy",
        "request.decide",
        "register.copies",
        "item.extend",
        "item.declassify",
        "notice.done",
    ] {
        assert!(actions.contains(&a), "audit lacks {a}: {actions:?}");
    }
    let records = audit.as_array().unwrap();
    let text = serde_json::to_string(records).unwrap();
    assert!(
        !text.contains("an ninh kinh tế"),
        "the summary never reaches the audit trail"
    );
    assert!(app.audit_count() > audit_start);
    assert_eq!(app.verify_audit() as i64, app.audit_count());
    // The audit tail is for the security officer only.
    app.get("/api/v1/audit", "vanthu")
        .await
        .expect_error(403, "forbidden");
}

#[tokio::test]
async fn tokens_are_issued_for_a_password_and_refused_otherwise() {
    let app = TestApp::spawn();
    let ok = app
        .send(
            axum::http::Method::POST,
            "/api/v1/tokens",
            None,
            Some(json!({"username": "vanthu", "password": crate::helpers::PASSWORD, "name": "máy quét"})),
        )
        .await
        .expect(201);
    let token = ok["token"].as_str().unwrap().to_string();
    assert_eq!(token.len(), 64);
    assert_eq!(ok["user"]["username"], "vanthu");
    let req = axum::http::Request::get("/api/v1/me")
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let me = app.raw(req).await.expect(200);
    assert_eq!(me["id"], crate::helpers::pid(app.user("vanthu")));
    // The token is stored hashed: the audit trail never shows it.
    let audit = app
        .get("/api/v1/audit?limit=1000", "admin")
        .await
        .expect(200);
    assert!(!audit.to_string().contains(&token));

    let bad = json!({"username": "vanthu", "password": "sai-mật-khẩu-rồi", "name": "x"});
    app.send(axum::http::Method::POST, "/api/v1/tokens", None, Some(bad))
        .await
        .expect_error(401, "login_failed");
    let ghost = json!({"username": "khong-co", "password": "sai-mật-khẩu-rồi", "name": "x"});
    app.send(
        axum::http::Method::POST,
        "/api/v1/tokens",
        None,
        Some(ghost),
    )
    .await
    .expect_error(401, "login_failed");
}

#[tokio::test]
async fn organisation_and_catalogue_through_the_api() {
    let app = TestApp::spawn();
    let unit = app
        .post_json("/api/v1/units", "admin", json!({"name": "Phòng Tổng hợp"}))
        .await
        .expect(201);
    let pos = app
        .post_json(
            "/api/v1/positions",
            "admin",
            json!({"title": "Trưởng phòng Tổng hợp", "kind": "phong-thuoc-so", "rank": "head", "heads_agency": false, "unit_id": unit["id"]}),
        )
        .await
        .expect(201);
    app.post_json(
        "/api/v1/positions",
        "admin",
        json!({"title": "Chức vụ lạ", "kind": "khong-co", "rank": "head", "heads_agency": false}),
    )
    .await
    .expect_error(400, "invalid_input");
    let user = app
        .post_json(
            "/api/v1/users",
            "admin",
            json!({"username": "tp.tonghop", "full_name": "Vũ Văn Hợp", "password": "một-mật-khẩu-đủ-dài", "roles": ["leader"], "clearance": "toi-mat", "position_id": pos["id"], "unit_id": unit["id"]}),
        )
        .await
        .expect(201);
    assert!(user.get("password").is_none() && user.get("password_hash").is_none());
    app.post_json(
        "/api/v1/users",
        "admin",
        json!({"username": "yeu", "full_name": "Mật khẩu yếu", "password": "123", "roles": []}),
    )
    .await
    .expect_error(400, "invalid_input");
    // Only an administrator manages users.
    app.post_json("/api/v1/units", "vanthu", json!({"name": "Không được"}))
        .await
        .expect_error(403, "forbidden");
    let uid = crate::helpers::tok(&user["id"]);
    // Separation of duties: the administrator's grant of a clearance and the leader role waits
    // for the head of the agency.
    assert!(user["clearance"].is_null(), "{user}");
    assert_eq!(user["roles"], json!([]));
    let pending = app
        .get("/api/v1/privilege-changes", "admin")
        .await
        .expect(200);
    let change = pending
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["user_id"] == uid)
        .expect("pending change")
        .clone();
    assert_eq!(change["new_clearance"], "toi-mat");
    let cid = crate::helpers::tok(&change["id"]);
    app.post_json(
        &format!("/api/v1/privilege-changes/{cid}/approve"),
        "admin",
        json!({}),
    )
    .await
    .expect_error(422, "privilege_approver_only");
    let done = app
        .post_json(
            &format!("/api/v1/privilege-changes/{cid}/approve"),
            "giamdoc",
            json!({}),
        )
        .await
        .expect(200);
    assert_eq!(done["status"], "approved");
    // The user is logged in to the pages; a change of clearance through the API ends that.
    let session = auth::random_token();
    app.svc
        .open_session(
            &bmnn_web::ctx_for(crate::helpers::id_of(&uid)),
            &auth::token_hash(&session),
            "csrf",
            3600,
        )
        .expect("session");
    let changed = app
        .send(
            axum::http::Method::PATCH,
            &format!("/api/v1/users/{uid}"),
            Some("admin"),
            Some(json!({"clearance": "mat"})),
        )
        .await
        .expect(200);
    assert_eq!(changed["privilege_changed"], true);
    assert_eq!(changed["sessions_revoked"], 1);
    let alive = app
        .svc
        .session_user(&auth::token_hash(&session), bmnn_web::now_utc(), 3600)
        .expect("session lookup");
    assert!(
        alive.is_none(),
        "the session ended with the change of clearance"
    );
    assert_eq!(changed["user"]["clearance"], "mat");
    // Merge-patch: `null` clears, a field left out stays.
    let cleared = app
        .send(
            axum::http::Method::PATCH,
            &format!("/api/v1/users/{uid}"),
            Some("admin"),
            Some(json!({"clearance": null, "full_name": "Vũ Văn Hợp (đã chuyển công tác)"})),
        )
        .await
        .expect(200);
    assert!(cleared["user"]["clearance"].is_null());
    assert_eq!(cleared["user"]["roles"], json!(["leader"]));
    app.post_json(
        &format!("/api/v1/users/{uid}/password"),
        "admin",
        json!({"password": "mật-khẩu-mới-đủ-dài"}),
    )
    .await
    .expect(200);
    let org = app.get("/api/v1/org", "admin").await.expect(200);
    assert!(
        org["users"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["id"] == uid)
    );
    assert!(
        org["agency"]["name"]
            .as_str()
            .unwrap()
            .contains("Sở Kế hoạch")
    );
    let agency = json!({"name": "Sở Kế hoạch và Đầu tư", "superior": null, "place": "Hà Nội", "symbol": "SKHĐT"});
    app.send(
        axum::http::Method::PUT,
        "/api/v1/agency",
        Some("admin"),
        Some(agency),
    )
    .await
    .expect(200);

    // A catalogue decision and the removal of one entry, which declassifies what rests on it.
    let cat = app
        .post_json(
            "/api/v1/catalogues",
            "admin",
            json!({"decision_ref": "999/QĐ-TTg", "decision_date": "2024-01-10", "title": "Danh mục thử", "field": "kinh-te", "effective_from": "2024-02-01",
                   "items": [{"level": "mat", "number": "9.1", "text": "Mục thử"}]}),
        )
        .await
        .expect(201);
    let cats = app.get("/api/v1/catalogues", "soanthao").await.expect(200);
    let entry = cats["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["catalogue_id"] == cat["catalogue"]["id"])
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let id = app
        .classified_item("2025-03-03", json!({"catalogue_item_id": entry}))
        .await;
    // Removal is a decision: the administrator (also security officer here) holds no
    // authority to declassify, nobody decides without a decision reference; the head of the
    // agency, who may declassify, may.
    let refused = app
        .post_json(
            &format!("/api/v1/catalogue-items/{entry}/remove"),
            "admin",
            json!({"decision_ref": "5/QĐ-TTg", "decision_date": "2025-03-04"}),
        )
        .await
        .expect(422);
    assert_eq!(refused["error"]["code"], "catalogue_removal_authority");
    app.post_json(
        &format!("/api/v1/catalogue-items/{entry}/remove"),
        "giamdoc",
        json!({}),
    )
    .await
    .expect(400);
    let removed = app
        .post_json(
            &format!("/api/v1/catalogue-items/{entry}/remove"),
            "giamdoc",
            json!({"decision_ref": "5/QĐ-TTg", "decision_date": "2025-03-04"}),
        )
        .await
        .expect(200);
    assert_eq!(removed["declassified"], json!([id]));
    let detail = app
        .get(&format!("/api/v1/items/{id}"), "vanthu")
        .await
        .expect(200);
    assert_eq!(detail["item"]["status"], "declassified");
    assert_eq!(detail["catalogue_item"]["id"], entry);
}
