//! The regime follows the date of the act: 15/02/2026 is regime A (Law 29/2018), 15/03/2026 is
//! regime B (Law 117/2025). Where they differ: the catalogue basis (optional in A, required in
//! B) and a Tuyệt mật summary (with written consent in A, never in B).

use crate::helpers::TestApp;
use serde_json::json;

#[tokio::test]
async fn the_catalogue_basis_is_optional_in_a_and_required_in_b() {
    let app = TestApp::spawn();
    let a = app
        .propose(
            "soanthao",
            json!({"catalogue_item_id": null, "date": "2026-02-15"}),
        )
        .await
        .expect(201);
    assert_eq!(a["regime"], "A");
    assert!(a["catalogue_item_id"].is_null());
    app.propose(
        "soanthao",
        json!({"catalogue_item_id": null, "date": "2026-03-15"}),
    )
    .await
    .expect_error(422, "catalogue_basis_required");
    let b = app
        .propose("soanthao", json!({"date": "2026-03-15"}))
        .await
        .expect(201);
    assert_eq!(b["regime"], "B");
}

#[tokio::test]
async fn a_tuyet_mat_summary_needs_consent_in_a_and_is_never_allowed_in_b() {
    let app = TestApp::spawn();
    let tm = |date: &str, consent: Option<&str>| {
        json!({"level": "tuyet-mat", "field": "chinh-tri", "catalogue_item_id": crate::helpers::pid(app.org.cat_tuyet_mat),
               "summary": "Chủ trương đặc biệt", "summary_consent_ref": consent, "date": date})
    };
    app.propose("soanthao", tm("2026-02-15", None))
        .await
        .expect_error(422, "tuyet_mat_summary_forbidden");
    let a = app
        .propose("soanthao", tm("2026-02-15", Some("07/CV-SKHĐT")))
        .await
        .expect(201);
    assert_eq!(a["regime"], "A");
    assert_eq!(a["summary_consent_ref"], "07/CV-SKHĐT");
    app.propose("soanthao", tm("2026-03-15", Some("07/CV-SKHĐT")))
        .await
        .expect_error(422, "tuyet_mat_summary_forbidden");
    // Without a summary, Tuyệt mật is fine under B.
    let b = app.propose("soanthao", json!({"level": "tuyet-mat", "field": "chinh-tri", "catalogue_item_id": crate::helpers::pid(app.org.cat_tuyet_mat), "summary": null, "date": "2026-03-15"})).await.expect(201);
    assert_eq!(b["regime"], "B");
    assert!(b["summary"].is_null());
}

#[tokio::test]
async fn the_rules_endpoint_lists_both_regimes_and_their_open_points() {
    let app = TestApp::spawn();
    let rules = app.get("/api/v1/rules", "soanthao").await.expect(200);
    let regimes = rules["regimes"].as_array().unwrap();
    let codes: Vec<&str> = regimes
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["A", "B"]);
    assert_eq!(regimes[0]["effective_from"], "2020-07-01");
    assert_eq!(regimes[1]["effective_from"], "2026-03-01");
    assert_eq!(
        regimes[0]["classification"]["catalogue_basis_required"],
        false
    );
    assert_eq!(
        regimes[1]["classification"]["catalogue_basis_required"],
        true
    );
    for r in regimes {
        assert!(r["unconfirmed"].is_array());
    }
    assert!(
        rules["position_kinds"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["code"] == "so-ban-nganh-tinh")
    );
}
