//! Pickers of people and units in a large organisation (issue 15): above 100 users or units a
//! form shows a search box, not a list; `/pick/people` and `/pick/units` answer at most 20
//! names folded and by prefix, people only if cleared for the item; the box's text is resolved
//! on submit (what a browser without the script sends), and an unknown name is a clear
//! Vietnamese error with nothing written.

use crate::helpers::{TestApp, id_of, pid};
use crate::ui_client::Client;
use axum::http::StatusCode;
use bmnn_core::service::RegisterOutgoingCmd;
use bmnn_web::ctx_for;
use serde_json::Value;

/// 120 units and 120 users (`canbo1`…`canbo120`; those with a number ending in 1 are cleared
/// for Tối mật, the others for Mật) added to the test organisation.
fn large(app: &TestApp) {
    app.svc.store.bench_seed_org(120, 120).expect("seed org");
}

fn labels(v: &Value) -> Vec<String> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|c| c["label"].as_str().expect("label").to_string())
        .collect()
}

fn usernames(v: &Value) -> Vec<String> {
    let mut u: Vec<String> = labels(v)
        .iter()
        .map(|l| l[l.rfind('(').expect("(") + 1..l.len() - 1].to_string())
        .collect();
    u.sort();
    u
}

async fn json(c: &Client, path: &str) -> Value {
    let p = c.get(path).await;
    assert_eq!(p.status, StatusCode::OK, "{path}: {}", p.text());
    assert!(p.content_type.starts_with("application/json"), "{path}");
    serde_json::from_slice(&p.bytes).expect("json")
}

#[tokio::test]
async fn a_large_organisation_searches_people_and_units_instead_of_listing_them() {
    let app = TestApp::spawn();
    let item = app
        .classified_item(
            "2026-03-10",
            serde_json::json!({"level": "toi-mat", "catalogue_item_id": pid(app.org.cat_toi_mat)}),
        )
        .await;
    let clerk = Client::session(&app, "vanthu");
    // Small organisation: the recipients are a list.
    let small = clerk.get(&format!("/acts/hand-over?item={item}")).await;
    assert_eq!(small.status, StatusCode::OK);
    assert!(small.text().contains(r#"<select id="f-to_user_id""#));
    large(&app);
    let form = clerk.get(&format!("/acts/hand-over?item={item}")).await;
    let html = form.text();
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        !html.contains(r#"<select id="f-to_user_id""#),
        "no list of 120 people"
    );
    assert!(
        html.contains(&format!(r#"data-pick="/pick/people?item={item}""#)),
        "a search box for people cleared for the item"
    );
    assert!(html.contains("Gõ vài chữ đầu của họ tên hoặc tên đăng nhập"));
    assert!(
        !html.contains("canbo"),
        "no user of the organisation in the page"
    );
    // Propose: the unit is a search box too.
    let propose = clerk.get("/acts/propose").await.text();
    assert!(propose.contains(r#"data-pick="/pick/units""#));
    assert!(!propose.contains("Chi cục Quản lý thị trường số"));

    // People by the first letters of the user name, cleared for the Tối mật item only.
    let v = json(&clerk, &format!("/pick/people?item={item}&q=canbo1")).await;
    assert_eq!(usernames(&v), ["canbo1", "canbo101", "canbo11", "canbo111"]);
    // Without an item: everyone active, at most 20.
    let v = json(&clerk, "/pick/people?q=canbo1").await;
    assert_eq!(labels(&v).len(), 20);
    let v = json(&clerk, "/pick/people?q=canbo12").await;
    assert_eq!(usernames(&v), ["canbo12", "canbo120"]);
    // Folded: no diacritics, đ = d, any case; every word begins a word of the name.
    let plain = json(&clerk, "/pick/people?q=DUC").await;
    let marked = json(&clerk, "/pick/people?q=%C4%90%E1%BB%A9c").await;
    assert_eq!(plain, marked);
    assert!(!labels(&plain).is_empty());
    for l in labels(&plain) {
        assert!(l.contains("Đức"), "{l}");
    }
    assert!(
        labels(&json(&clerk, "/pick/people?q=uc").await).is_empty(),
        "prefix, not inside a word"
    );
    assert!(labels(&json(&clerk, "/pick/people?q=").await).is_empty());
    // Units.
    let v = json(&clerk, "/pick/units?q=chi+cuc+so+11").await;
    assert_eq!(
        labels(&v),
        [
            "Chi cục Quản lý thị trường số 11",
            "Chi cục Quản lý thị trường số 110",
            "Chi cục Quản lý thị trường số 111",
            "Chi cục Quản lý thị trường số 112",
            "Chi cục Quản lý thị trường số 113",
            "Chi cục Quản lý thị trường số 114",
            "Chi cục Quản lý thị trường số 115",
            "Chi cục Quản lý thị trường số 116",
            "Chi cục Quản lý thị trường số 117",
            "Chi cục Quản lý thị trường số 118",
            "Chi cục Quản lý thị trường số 119",
        ]
    );
    // An item the reader may not see: the same 404 as no item.
    let mat_clerk = Client::session(&app, "vanthu_mat");
    let hidden = mat_clerk
        .get(&format!("/pick/people?item={item}&q=canbo"))
        .await;
    let absent = mat_clerk.get("/pick/people?item=987654&q=canbo").await;
    assert_eq!(hidden.status, absent.status);
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_search_box_text_names_the_recipient_and_an_unknown_name_changes_nothing() {
    let app = TestApp::spawn();
    let item = app
        .classified_item("2026-03-10", serde_json::json!({}))
        .await;
    app.svc
        .register_outgoing(
            &ctx_for(app.user("vanthu")),
            RegisterOutgoingCmd {
                recipients: None,
                quantity: None,
                item_id: id_of(&item),
                number_symbol: "12/BC-THU".into(),
                signer: "Nguyễn Văn Giám".into(),
                unit_kept: None,
                note: None,
                date: None,
            },
        )
        .expect("register");
    large(&app);
    let clerk = Client::session(&app, "vanthu");
    // Unknown name: the form again, the field marked, a Vietnamese message, nothing written.
    let before = app.audit_count();
    let bad = clerk
        .post(
            "/acts/hand-over",
            &[
                ("item", &item),
                ("to_user_id", "khongcoai"),
                ("date", "12/03/2026"),
            ],
            true,
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text());
    let html = bad.text();
    assert!(
        html.contains("Không có người dùng «khongcoai» đang hoạt động"),
        "{html}"
    );
    assert!(html.contains(r#"aria-invalid="true""#));
    assert!(
        html.contains(r#"value="khongcoai""#),
        "what was typed is kept"
    );
    assert_eq!(app.audit_count(), before);
    // The label the picker put in the box (or the user name typed in full, without script).
    let v = json(&clerk, &format!("/pick/people?item={item}&q=canbo77")).await;
    let label = labels(&v).pop().expect("canbo77");
    let ok = clerk
        .post(
            "/acts/hand-over",
            &[
                ("item", &item),
                ("to_user_id", &label),
                ("date", "12/03/2026"),
            ],
            true,
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
    let canbo77 = app
        .svc
        .org(&ctx_for(app.user("admin")))
        .expect("org")
        .users
        .into_iter()
        .find(|u| u.username == "canbo77")
        .expect("canbo77");
    let acks = app
        .svc
        .pending_acks(&ctx_for(canbo77.id))
        .expect("pending acks");
    assert_eq!(acks.len(), 1, "the handover waits for canbo77's signature");
    assert_eq!(acks[0].item_id, Some(id_of(&item)));
}
