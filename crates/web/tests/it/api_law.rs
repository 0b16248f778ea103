//! The law of the act's date, from data: citations in answers, refusals and the item's history
//! come from the regime in force on the act's date, with whether the rule is confirmed and
//! what to do next.

use crate::helpers::TestApp;
use serde_json::{Value, json};

async fn history(app: &TestApp, id: &str) -> Vec<Value> {
    app.get(&format!("/api/v1/items/{id}"), "giamdoc")
        .await
        .expect(200)["events"]
        .as_array()
        .unwrap()
        .clone()
}

fn event<'a>(events: &'a [Value], kind: &str) -> &'a Value {
    events
        .iter()
        .find(|e| e["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} event in {events:?}"))
}

#[tokio::test]
async fn a_refusal_cites_the_regime_of_its_date_and_says_what_to_do() {
    let app = TestApp::spawn();
    for (date, law, confirmed) in [
        ("2025-04-04", "29/2018/QH14", true),
        ("2026-04-04", "117/2025/QH15", false),
    ] {
        let id = app
            .classified_item(date, json!({"copy_allowed": false}))
            .await;
        let body = app
            .post_json(
                "/api/v1/requests/copy",
                "soanthao",
                json!({"item_id": id, "form": "sao-y", "count": 1, "purpose": "Họp", "date": date}),
            )
            .await
            .expect_error(422, "copy_not_allowed");
        let e = &body["error"];
        let basis = e["basis"].as_str().unwrap();
        assert!(basis.contains(law), "{date}: {basis}");
        for old in ["29/2018", "26/2020", "24/2020"] {
            if !confirmed {
                assert!(!basis.contains(old), "regime B cites {old}: {basis}");
            }
        }
        assert_eq!(e["confirmed"], confirmed, "{date}");
        let msg = e["message"].as_str().unwrap();
        assert_eq!(msg.contains("chưa được xác nhận"), !confirmed, "{msg}");
        assert!(
            e["next_step"]
                .as_str()
                .unwrap()
                .contains("người có thẩm quyền")
        );
    }
}

#[tokio::test]
async fn the_history_of_an_act_cites_the_regime_of_its_date() {
    let app = TestApp::spawn();
    let a = app.classified_item("2025-04-04", json!({})).await;
    let b = app.classified_item("2026-04-04", json!({})).await;
    let ha = history(&app, &a).await;
    let hb = history(&app, &b).await;
    let pa = event(&ha, "proposed");
    let pb = event(&hb, "proposed");
    assert!(
        pa["basis"].as_str().unwrap().contains("26/2020/NĐ-CP"),
        "{pa}"
    );
    assert_eq!(pa["confirmed"], true);
    let bb = pb["basis"].as_str().unwrap();
    assert!(
        bb.contains("63/2026/NĐ-CP") && !bb.contains("26/2020"),
        "{pb}"
    );
    assert_eq!(pb["confirmed"], false);
    assert_eq!(pb["regime"], "B");
    // The decision stored on the item's classification carries the rule's confirmation too.
    let cb = event(&hb, "classified");
    assert_eq!(cb["regime"], "B");
    assert_eq!(
        cb["confirmed"], false,
        "regime B's classify rule is unconfirmed"
    );
    let ca = event(&ha, "classified");
    assert!(!ca["basis"].as_str().unwrap().contains("117/2025"));
}

#[tokio::test]
async fn tuyet_mat_follows_the_catalogue_entry_after_the_new_catalogues() {
    let app = TestApp::spawn();
    let tm = |field: &str, date: &str| {
        json!({"level": "tuyet-mat", "field": field, "catalogue_item_id": crate::helpers::pid(app.org.cat_tuyet_mat),
               "summary": null, "date": date})
    };
    // Regime A before 17/11/2025: Tuyệt mật only in politics, defence/security, foreign affairs.
    let r = app
        .propose("soanthao", tm("kinh-te", "2025-06-10"))
        .await
        .expect_error(422, "tuyet_mat_field");
    assert!(r["error"]["basis"].as_str().unwrap().contains("Điều 8"));
    // From 17/11/2025 (QĐ 2500/QĐ-TTg) the level follows the catalogue entry, in regime A …
    let a = app
        .propose("soanthao", tm("to-chuc-can-bo", "2025-12-01"))
        .await
        .expect(201);
    assert_eq!(a["regime"], "A");
    // … and in regime B, whose organisation and personnel group absorbed labour and social
    // affairs.
    let b = app
        .propose("soanthao", tm("to-chuc-can-bo", "2026-03-15"))
        .await
        .expect(201);
    assert_eq!(b["regime"], "B");
    app.propose("soanthao", tm("lao-dong-xa-hoi", "2026-03-16"))
        .await
        .expect(201);
}

#[tokio::test]
async fn regime_a_without_a_catalogue_entry_warns_and_keeps_the_warning() {
    let app = TestApp::spawn();
    let item = app
        .propose(
            "soanthao",
            json!({"catalogue_item_id": null, "date": "2026-02-15"}),
        )
        .await
        .expect(201);
    let w = item["basis_warning"]
        .as_str()
        .expect("a warning in the answer");
    assert!(w.contains("danh mục") && w.contains("29/2018"), "{w}");
    let id = crate::helpers::tok(&item["id"]);
    let h = history(&app, &id).await;
    assert!(
        event(&h, "proposed")["note"]
            .as_str()
            .unwrap()
            .contains("Cảnh báo"),
        "{h:?}"
    );
    // With an entry, no warning.
    let ok = app
        .propose("soanthao", json!({"date": "2026-02-15"}))
        .await
        .expect(201);
    assert!(ok.get("basis_warning").is_none());
}

fn delegation(grantor: Option<String>, acts: &[&str]) -> Value {
    json!({"grantor_id": grantor, "grantee_id": null, "acts": acts, "max_level": "toi-mat",
           "valid_from": "2026-01-01", "valid_to": "2026-12-31", "document_ref": "03/GUQ-SKHĐT"})
}

#[tokio::test]
async fn a_delegation_the_law_forbids_is_refused_when_recorded() {
    let app = TestApp::spawn();
    let deputy = crate::helpers::pid(app.user("phogiamdoc"));
    let count = |v: Value| v["delegations"].as_array().unwrap().len();
    let before = count(app.get("/api/v1/org", "admin").await.expect(200));
    let audit = app.audit_count();
    // A head of division (trưởng phòng) may not delegate copying.
    let mut d = delegation(None, &["copy"]);
    d["grantee_id"] = json!(deputy);
    let body = app
        .post_json("/api/v1/delegations", "truongphong", d.clone())
        .await
        .expect_error(422, "delegation_not_allowed");
    assert!(body["error"]["next_step"].is_string());
    // The administrator records only on behalf of a named grantor …
    app.post_json("/api/v1/delegations", "admin", d.clone())
        .await
        .expect_error(400, "invalid_input");
    assert_eq!(app.audit_count(), audit, "refusals write nothing");
    assert_eq!(
        count(app.get("/api/v1/org", "admin").await.expect(200)),
        before
    );
    // … who is then the grantor, not the administrator.
    d["grantor_id"] = json!(crate::helpers::pid(app.user("giamdoc")));
    let ok = app
        .post_json("/api/v1/delegations", "admin", d)
        .await
        .expect(201);
    assert_eq!(ok["grantor_id"], crate::helpers::pid(app.user("giamdoc")));
    // Delegating an act that the law leaves to the head alone is refused at once.
    let mut adjust = delegation(
        Some(crate::helpers::pid(app.user("giamdoc"))),
        &["declassify"],
    );
    adjust["grantee_id"] = json!(deputy);
    app.post_json("/api/v1/delegations", "giamdoc", adjust)
        .await
        .expect_error(422, "delegation_not_allowed");
}

#[tokio::test]
async fn the_item_page_marks_the_rules_of_its_history_that_are_unconfirmed() {
    let app = TestApp::spawn();
    let a = app.classified_item("2025-04-04", json!({})).await;
    let b = app.classified_item("2026-04-04", json!({})).await;
    let page = |id: String| {
        let c = crate::ui_client::Client::session(&app, "giamdoc");
        async move { c.get(&format!("/items/{id}")).await.text() }
    };
    let ta = page(a).await;
    let tb = page(b).await;
    // Regime A's rules applied here are confirmed; regime B's are not, and the page says so
    // in plain Vietnamese next to the citation.
    assert!(!ta.contains("(chưa xác nhận)"), "regime A history");
    assert!(
        tb.contains("63/2026/NĐ-CP") && tb.contains("(chưa xác nhận)"),
        "regime B history"
    );
    for dev in ["[U", "[S", "legal.md"] {
        assert!(!tb.contains(dev), "developer text {dev} on the item page");
    }
}
