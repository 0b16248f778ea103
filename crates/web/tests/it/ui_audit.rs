//! Nhật ký kiểm tra page: names instead of ids, filters (who, what, dates) and pages.

use crate::helpers::{TestApp, pid};
use crate::ui_client::Client;
use axum::http::StatusCode;

#[tokio::test]
async fn the_audit_page_names_people_and_filters_by_who_what_and_date() {
    let app = TestApp::spawn();
    // Some activity of two people: sessions opened by the clerk and the security officer.
    let _clerk = Client::session(&app, "vanthu");
    let officer = Client::session(&app, "baomat");
    let all = officer.get("/audit").await;
    assert_eq!(all.status, StatusCode::OK);
    let t = all.text();
    assert!(t.contains("Mở phiên làm việc"), "actions in Vietnamese");
    assert!(!t.contains("user:"), "no raw object ids: {t}");
    assert!(!t.contains("session.open"), "no action codes as text");

    let clerk_id = app.user("vanthu");
    let mine = officer
        .get(&format!("/audit?who={}", pid(clerk_id)))
        .await
        .text();
    let rows: Vec<&str> = mine.split("<tr").skip(2).collect();
    assert!(!rows.is_empty(), "the clerk has records");
    for r in &rows {
        assert!(r.contains("(vanthu)"), "only the clerk's records: {r}");
    }
    assert!(mine.contains(&format!(r#"value="{}" selected"#, pid(clerk_id))));

    let sessions = officer.get("/audit?what=session").await.text();
    assert!(sessions.contains("Mở phiên làm việc"));
    assert!(!sessions.contains("Tạo người dùng"), "only session records");

    let future = officer.get("/audit?from=01/01/2999").await.text();
    assert!(future.contains("Không có bản ghi nào phù hợp"));

    // A date that is not a date: said next to the field, and the page still answers.
    let bad = officer.get("/audit?from=31/02/abcd").await;
    assert_eq!(bad.status, StatusCode::OK);
    let bad = bad.text();
    assert!(
        bad.contains(r#"id="from-error""#),
        "error next to the field"
    );
    assert!(bad.contains("Ngày không hợp lệ"));
    assert!(bad.contains(r#"aria-invalid="true""#));
}

#[tokio::test]
async fn the_audit_page_keeps_its_filter_across_pages() {
    let app = TestApp::spawn();
    let officer = Client::session(&app, "baomat");
    // More than one page of session records.
    for _ in 0..55 {
        let _ = Client::session(&app, "vanthu");
    }
    let first = officer.get("/audit?what=session").await.text();
    let older = first
        .split(r#"<a href="/audit?"#)
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a link to older records")
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    assert!(older.contains("what=session"), "filter kept: {older}");
    assert!(older.contains("before="));
    let second = officer.get(&format!("/audit?{older}")).await.text();
    assert!(second.contains("Mở phiên làm việc"));
    assert!(second.contains("Trang mới nhất"), "{older}: {second}");
    assert!(
        !second.contains("Tạo người dùng"),
        "the filter holds on page 2"
    );
}

#[tokio::test]
async fn filtering_by_action_never_reveals_what_a_redacted_record_hides() {
    let app = TestApp::spawn();
    // A Mật proposal: the administrator (no clearance) sees its records redacted.
    app.propose("soanthao", serde_json::json!({}))
        .await
        .expect(201);
    let admin = Client::session(&app, "admin");
    let all = admin.get("/audit").await.text();
    assert!(
        all.contains("Thao tác ngoài phạm vi"),
        "a redacted row exists"
    );
    // Asking for item actions must not list it: the filter sees only the redacted record.
    let items = admin.get("/audit?what=item").await.text();
    assert!(
        !items.contains("Thao tác ngoài phạm vi") && !items.contains("Đề xuất độ mật"),
        "a filter on the hidden action leaks the record: {items}"
    );
    // The actor filter still finds it (time and actor stay visible).
    let drafter = admin
        .get(&format!("/audit?who={}", pid(app.user("soanthao"))))
        .await
        .text();
    assert!(drafter.contains("Thao tác ngoài phạm vi"));
}
