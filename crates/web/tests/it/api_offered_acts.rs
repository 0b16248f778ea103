//! The API's read answers carry the acts open to the caller (issue 13), computed by the same
//! service calls the pages use: an API client offers exactly what the item page offers.

use crate::helpers::{TestApp, tok};
use crate::ui_client::Client;
use bmnn_core::acts::ActKind;
use serde_json::{Value, json};

/// The codes of an answer's `acts`, sorted.
fn codes(v: &Value) -> Vec<String> {
    let mut c: Vec<String> = (v.as_array().expect("acts is a list").iter())
        .map(|a| a.as_str().expect("an act code").to_string())
        .collect();
    c.sort();
    c
}

/// The acts a page links to on one object (`/acts/{code}?{param}={token}`), sorted.
fn linked(page: &str, param: &str, token: &str) -> Vec<String> {
    let mut c: Vec<String> = (ActKind::ALL.iter())
        .map(|a| a.code())
        .filter(|code| page.contains(&format!("/acts/{code}?{param}={token}")))
        .map(String::from)
        .collect();
    c.sort();
    c
}

#[tokio::test]
async fn the_api_offers_on_an_item_and_its_request_what_the_item_page_offers() {
    let app = TestApp::spawn();
    let item = app.classified_item("2026-03-10", json!({})).await;
    let request = app
        .post_json(
            "/api/v1/requests/copy",
            "soanthao",
            json!({"item_id": item, "form": "sao-y", "count": 2, "purpose": "Phục vụ họp"}),
        )
        .await
        .expect(201);
    let request = tok(&request["id"]);
    let mut on_item = vec![];
    let mut on_request = vec![];
    for who in ["vanthu", "giamdoc"] {
        let detail = app
            .get(&format!("/api/v1/items/{item}"), who)
            .await
            .expect(200);
        let page = Client::session(&app, who)
            .get(&format!("/items/{item}"))
            .await
            .text();
        let acts = codes(&detail["acts"]);
        assert_eq!(
            acts,
            linked(&page, "item", &item),
            "{who}: acts on the item"
        );

        let in_detail = (detail["requests"].as_array().expect("requests").iter())
            .find(|r| tok(&r["id"]) == request)
            .expect("the request is on the item");
        let request_acts = codes(&in_detail["acts"]);
        assert_eq!(
            request_acts,
            linked(&page, "request", &request),
            "{who}: acts on the request"
        );
        // The request's own answer and the request list say the same.
        let one = app
            .get(&format!("/api/v1/requests/{request}"), who)
            .await
            .expect(200);
        assert_eq!(codes(&one["acts"]), request_acts, "{who}");
        let list = app.get("/api/v1/requests", who).await.expect(200);
        let listed = (list.as_array().expect("a list").iter())
            .find(|r| tok(&r["id"]) == request)
            .expect("listed");
        assert_eq!(codes(&listed["acts"]), request_acts, "{who}");
        on_item.push(acts);
        on_request.push(request_acts);
    }
    // The roles are offered different acts: the leader decides the copy, the clerk registers
    // the item out.
    assert!(
        on_request[1].contains(&"decide".to_string()),
        "{on_request:?}"
    );
    assert!(
        !on_request[0].contains(&"decide".to_string()),
        "{on_request:?}"
    );
    assert!(
        on_item[0].contains(&"register-outgoing".to_string()),
        "{on_item:?}"
    );
    assert!(
        !on_item[1].contains(&"register-outgoing".to_string()),
        "{on_item:?}"
    );
}

#[tokio::test]
async fn a_handover_entry_offers_the_signature_to_its_receiver_only() {
    let app = TestApp::spawn();
    let item = app.classified_item("2026-03-10", json!({})).await;
    app.post_json(
        &format!("/api/v1/items/{item}/outgoing"),
        "vanthu",
        json!({"number_symbol": "12/BC-THU", "signer": "Nguyễn Văn Giám", "date": "2026-03-11"}),
    )
    .await
    .expect(201);
    let soanthao = crate::helpers::pid(app.user("soanthao"));
    let handover = app
        .post_json(
            &format!("/api/v1/items/{item}/handovers"),
            "vanthu",
            json!({"to_user_id": soanthao, "date": "2026-03-12"}),
        )
        .await
        .expect(201);
    let entry = tok(&handover["id"]);
    let acts_of = |book: &Value| {
        let e = (book["entries"].as_array().expect("entries").iter())
            .find(|e| tok(&e["id"]) == entry)
            .expect("the handover entry")
            .clone();
        codes(&e["acts"])
    };
    let book = app
        .get("/api/v1/registers/handover/2026", "soanthao")
        .await
        .expect(200);
    assert!(
        acts_of(&book).contains(&"acknowledge".to_string()),
        "the receiver signs for it: {:?}",
        acts_of(&book)
    );
    let book = app
        .get("/api/v1/registers/handover/2026", "giamdoc")
        .await
        .expect(200);
    assert!(!acts_of(&book).contains(&"acknowledge".to_string()));
}
