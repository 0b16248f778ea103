//! "Chờ tôi xử lý": the inbox per role (from the service), the decision forms that show what
//! is decided with two buttons, and numbering as a văn thư expects (next number, duplicates
//! refused, số đến shown).

use crate::helpers::{TestApp, id_of, pid, tok};
use crate::ui_client::Client;
use axum::http::StatusCode;
use bmnn_core::dates::fmt_vn;
use bmnn_core::model::{CopyForm, Status};
use bmnn_core::registers::RegisterKind;
use bmnn_core::service::{CopyRequestCmd, DecideCmd, HandOverCmd, RegisterOutgoingCmd};
use bmnn_web::{ctx_for, today_vn};
use serde_json::json;

/// Today as the API takes it.
fn today_iso() -> String {
    today_vn().to_string()
}

/// A Mật proposal by the drafter (planning unit); its token.
async fn proposal(app: &TestApp) -> String {
    tok(&app.propose("soanthao", json!({})).await.expect(201)["id"])
}

/// A classified Mật item dated today; its id.
async fn classified(app: &TestApp) -> i64 {
    id_of(&app.classified_item(&today_iso(), json!({})).await)
}

fn register_out(app: &TestApp, item: i64, number: &str) {
    app.svc
        .register_outgoing(
            &ctx_for(app.user("vanthu")),
            RegisterOutgoingCmd {
                item_id: item,
                number_symbol: number.into(),
                signer: "Nguyễn Văn Giám".into(),
                unit_kept: None,
                note: None,
                recipients: None,
                quantity: None,
                date: None,
            },
        )
        .expect("register outgoing");
}

fn copy_request(app: &TestApp, item: i64) -> i64 {
    app.svc
        .request_copy(
            &ctx_for(app.user("soanthao")),
            CopyRequestCmd {
                item_id: item,
                form: CopyForm::SaoY,
                count: 3,
                purpose: "Phục vụ họp giao ban quý".into(),
                recipients: vec!["Phòng Tài chính".into()],
                date: None,
            },
        )
        .expect("copy request")
        .id
}

#[tokio::test]
async fn the_leaders_inbox_holds_only_what_he_may_decide_and_nothing_is_due_today() {
    let app = TestApp::spawn();
    let item = proposal(&app).await;
    let link = format!("/acts/decide-classification?item={item}");
    let head = Client::session(&app, "giamdoc");
    let t = head.get("/inbox").await.text();
    assert!(t.contains(&link), "the head of the agency classifies Mật");
    assert!(t.contains("Hoàng Văn Soạn"), "who proposed");
    // The header of every page carries the count the service gives (the annual report may
    // be due too, depending on today's date).
    let b = app.get("/api/v1/inbox", "giamdoc").await.expect(200);
    let n = b["count"].as_u64().expect("count");
    let home = head.get("/").await.text();
    assert!(
        home.contains(&format!(
            "Chờ tôi xử lý <span class=\"badge\" aria-label=\"{n} việc\">{n}</span>"
        )),
        "count in the header"
    );
    assert!(home.contains(&link), "the dashboard opens the same form");
    // The home page shows the count of the inbox it read; any other page, the count the
    // page guard reads.
    let items = head.get("/items").await.text();
    assert!(
        items.contains(&format!(
            "Chờ tôi xử lý <span class=\"badge\" aria-label=\"{n} việc\">{n}</span>"
        )),
        "count in the header of another page"
    );
    // A decision waiting is not "due today" (it has no deadline).
    assert!(home.contains("Đến hạn hôm nay: 0"), "{home}");
    let decide: Vec<&serde_json::Value> = b["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .filter(|l| l["group"] == "decide")
        .collect();
    assert_eq!(decide.len(), 1);
    assert_eq!(decide[0]["act"], "decide-classification");
    assert_eq!(decide[0]["item_id"], item.as_str());
    assert_eq!(decide[0]["waiting"], true);
    // A head of department may not classify: not in his inbox.
    let dept = Client::session(&app, "truongphong");
    let t = dept.get("/inbox").await.text();
    assert!(!t.contains(&link), "not offered to who may not decide");
    let b = app.get("/api/v1/inbox", "truongphong").await.expect(200);
    assert!(
        b["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .all(|l| l["group"] != "decide"),
        "{b}"
    );
}

#[tokio::test]
async fn the_clerks_inbox_lists_what_waits_for_the_registers_and_the_recipient_signs() {
    let app = TestApp::spawn();
    let item = classified(&app).await;
    let clerk = Client::session(&app, "vanthu");
    let t = clerk.get("/inbox").await.text();
    assert!(t.contains("Chờ vào sổ đi"));
    assert!(t.contains(&format!("/acts/register-outgoing?item={}", pid(item))));
    register_out(&app, item, "07/BC-SKHĐT");
    let t = clerk.get("/inbox").await.text();
    assert!(
        !t.contains(&format!("/acts/register-outgoing?item={}", pid(item))),
        "registered: gone from the list"
    );
    // Copies authorised and waiting to be produced.
    let req = copy_request(&app, item);
    app.svc
        .decide(
            &ctx_for(app.user("giamdoc")),
            DecideCmd {
                request_id: req,
                approve: true,
                reason: None,
                external_ref: None,
                external: None,
                reference: None,
                date: None,
            },
        )
        .expect("authorise copies");
    let t = clerk.get("/inbox").await.text();
    assert!(t.contains(&format!("/acts/produce-copies?request={}", pid(req))));
    assert!(t.contains("Sao y 3 bản") || t.contains("3 bản"), "how many");
    // A handover: the recipient signs; the clerk sees it waiting.
    let entry = app
        .svc
        .hand_over(
            &ctx_for(app.user("vanthu")),
            HandOverCmd {
                item_id: item,
                to_user_id: Some(app.user("soanthao")),
                to_name: None,
                quantity: 1,
                note: None,
                date: None,
            },
        )
        .expect("hand over")
        .id;
    let ack = format!("/acts/acknowledge?entry={}", pid(entry));
    let drafter = Client::session(&app, "soanthao");
    let t = drafter.get("/inbox").await.text();
    assert!(t.contains(&ack) && t.contains("Chờ tôi ký nhận"));
    assert!(clerk.get("/inbox").await.text().contains(&ack));
    // The acknowledgement form shows the entry as the clerk knows it.
    let f = drafter.get(&ack).await.text();
    assert!(f.contains("Số 01 — Sổ chuyển giao BMNN năm"), "{f}");
    assert!(f.contains("07/BC-SKHĐT"), "number and symbol shown");
    assert!(
        !f.contains(&format!("<dd>{}</dd>", pid(entry))),
        "no bare id"
    );
}

#[tokio::test]
async fn decision_forms_show_the_object_and_decide_with_two_buttons() {
    let app = TestApp::spawn();
    let item = proposal(&app).await;
    let head = Client::session(&app, "giamdoc");
    let f = head
        .get(&format!("/acts/decide-classification?item={item}"))
        .await
        .text();
    assert!(
        f.contains("3.1 — Báo cáo an ninh kinh tế chưa công bố"),
        "proposed entry"
    );
    assert!(f.contains("Người đề xuất") && f.contains("Hoàng Văn Soạn"));
    assert!(f.contains(&format!("ngày {}", fmt_vn(today_vn()))), "when");
    assert!(f.contains("Sở Tài chính; UBND tỉnh"), "recipients");
    assert!(f.contains("Dự thảo đính kèm"));
    assert!(f.contains("value=\"approve\"") && f.contains(">Duyệt</button>"));
    assert!(f.contains("value=\"reject\"") && f.contains(">Không duyệt</button>"));
    assert!(!f.contains("id=\"f-approve\""), "no approve/reject select");
    // The copy decision shows how many, which form, why and for whom.
    let it = classified(&app).await;
    let req = copy_request(&app, it);
    let f = head
        .get(&format!("/acts/decide?request={}", pid(req)))
        .await
        .text();
    for want in [
        "Số bản đề nghị",
        "<dd>3</dd>",
        "Phục vụ họp giao ban quý",
        "Phòng Tài chính",
        "Hoàng Văn Soạn",
    ] {
        assert!(f.contains(want), "decide form shows {want}");
    }
    // Duyệt: back to the inbox, with what remains.
    let p = head
        .post(
            "/acts/decide-classification",
            &[
                ("item", &item),
                ("decision", "approve"),
                ("decision_ref", "QĐ-01"),
            ],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(p.location, "/inbox?ok=decide-classification");
    let t = head.get(&p.location).await.text();
    assert!(t.contains("Đã ghi quyết định xác định độ mật."));
    let b = app.get("/api/v1/inbox", "giamdoc").await.expect(200);
    let n = b["count"].as_u64().expect("count");
    assert!(n >= 1, "the copy request remains: {b}");
    assert!(t.contains(&format!("Còn {n} việc chờ bạn xử lý.")), "{t}");
    assert!(t.contains(&format!("/acts/decide?request={}", pid(req))));
    assert!(!t.contains(&format!("/acts/decide-classification?item={item}")));
}

#[tokio::test]
async fn not_approving_without_a_reason_is_refused_and_changes_nothing() {
    let app = TestApp::spawn();
    let item = proposal(&app).await;
    let head = Client::session(&app, "giamdoc");
    let before = app.audit_count();
    let p = head
        .post(
            "/acts/decide-classification",
            &[("item", &item), ("decision", "reject"), ("reason", "  ")],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert!(
        p.text().contains("phải nêu lý do không duyệt"),
        "{}",
        p.text()
    );
    assert_eq!(app.audit_count(), before, "nothing written");
    let d = app
        .svc
        .item_detail(&ctx_for(app.user("giamdoc")), id_of(&item))
        .expect("item");
    assert_eq!(d.item.status, Status::Proposed, "still waiting");
    // The same for a request.
    let it = classified(&app).await;
    let req = copy_request(&app, it);
    let before = app.audit_count();
    let p = head
        .post(
            "/acts/decide",
            &[("request", &pid(req)), ("decision", "reject")],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert!(p.text().contains("nêu rõ lý do"));
    assert_eq!(app.audit_count(), before);
    // No button at all: a clear message, nothing written.
    let p = head
        .post("/acts/decide", &[("request", &pid(req))], true)
        .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert!(p.text().contains("hãy bấm «Duyệt» hoặc «Không duyệt»"));
    assert_eq!(app.audit_count(), before);
    // With the reason, the drafter sees the outcome and the reason in his inbox.
    let p = head
        .post(
            "/acts/decide-classification",
            &[
                ("item", &item),
                ("decision", "reject"),
                ("reason", "Nội dung không thuộc danh mục bí mật"),
            ],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let t = Client::session(&app, "soanthao").get("/inbox").await.text();
    assert!(t.contains("Không duyệt"));
    assert!(t.contains("Lý do: Nội dung không thuộc danh mục bí mật"));
}

#[tokio::test]
async fn outgoing_numbers_follow_the_years_series_and_a_duplicate_is_refused() {
    let app = TestApp::spawn();
    let first = classified(&app).await;
    let second = classified(&app).await;
    let clerk = Client::session(&app, "vanthu");
    let f = clerk
        .get(&format!("/acts/register-outgoing?item={}", pid(first)))
        .await
        .text();
    assert!(
        f.contains("value=\"01/\""),
        "first number of the year suggested"
    );
    assert!(
        f.contains("<option value=\"Nguyễn Văn Giám\""),
        "leaders offered as signers"
    );
    assert!(f.contains("id=\"f-recipients\"") && f.contains("id=\"f-quantity\""));
    let p = clerk
        .post(
            "/acts/register-outgoing",
            &[
                ("item", &pid(first)),
                ("number_symbol", "10/BC-SKHĐT"),
                ("signer", "Nguyễn Văn Giám"),
                ("recipients", "UBND tỉnh\nSở Tài chính\nLưu VT"),
                ("quantity", "3"),
            ],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text());
    let year = today_vn().year();
    let book = app
        .svc
        .register_book(
            &ctx_for(app.user("vanthu")),
            RegisterKind::Outgoing,
            year,
            0,
            10,
        )
        .expect("book");
    let e = &book.entries[0];
    assert_eq!(e.fields["recipients"], "UBND tỉnh; Sở Tài chính; Lưu VT");
    assert_eq!(e.fields["quantity"], "3");
    // The next form suggests 11.
    let f = clerk
        .get(&format!("/acts/register-outgoing?item={}", pid(second)))
        .await
        .text();
    assert!(f.contains("value=\"11/\""), "next number suggested");
    assert!(f.contains(&format!("Số tiếp theo năm {year}: 11")));
    // The same number and symbol again (spacing and case aside): refused, naming the entry.
    let before = app.audit_count();
    let p = clerk
        .post(
            "/acts/register-outgoing",
            &[
                ("item", &pid(second)),
                ("number_symbol", "10 / bc-skhđt"),
                ("signer", "Nguyễn Văn Giám"),
                ("recipients", "UBND tỉnh"),
                ("quantity", "1"),
            ],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let t = p.text();
    assert!(
        t.contains(&format!("mục số 01, ngày {}", fmt_vn(today_vn()))),
        "names the earlier entry: {t}"
    );
    assert!(t.contains("Việc cần làm"), "next step shown");
    assert_eq!(app.audit_count(), before, "nothing written");
    let d = app
        .svc
        .item_detail(&ctx_for(app.user("vanthu")), second)
        .expect("item");
    assert_eq!(d.item.status, Status::Classified);
}

#[tokio::test]
async fn the_incoming_number_is_shown_after_receiving_and_on_the_item() {
    let app = TestApp::spawn();
    let clerk = Client::session(&app, "vanthu");
    let p = clerk
        .post(
            "/acts/receive-incoming",
            &[
                ("issuer", "Bộ Kế hoạch và Đầu tư"),
                ("number_symbol", "123/BKHĐT-TH"),
                ("doc_type", "Công văn"),
                ("level", "mat"),
                ("carrier", "document"),
                ("copies", "1"),
            ],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text());
    let year = today_vn().year();
    let t = clerk.get(&p.location).await.text();
    assert!(
        t.contains(&format!("Đã vào sổ đăng ký BMNN đến. Số đến: 01/{year}.")),
        "in the confirmation"
    );
    let item = p.location.split('?').next().expect("path").to_string();
    let t = clerk.get(&item).await.text();
    assert!(
        t.contains("Số đến") && t.contains(&format!("01/{year}")),
        "on the item"
    );
}

#[tokio::test]
async fn the_security_officer_is_told_of_the_notices_owed() {
    let app = TestApp::spawn();
    let item = classified(&app).await;
    register_out(&app, item, "03/BC-SKHĐT");
    app.svc
        .adjust(
            &ctx_for(app.user("giamdoc")),
            bmnn_core::service::AdjustCmd {
                item_id: item,
                new_level: bmnn_core::Level::ToiMat,
                catalogue_item_id: Some(app.org.cat_toi_mat),
                field: None,
                decision_ref: Some("QĐ-ĐC".into()),
                originator_notice: None,
                date: None,
            },
        )
        .expect("adjust");
    let notices = app
        .svc
        .list_notices(
            &ctx_for(app.user("baomat")),
            bmnn_core::model::NoticeQuery {
                open_only: true,
                item_id: Some(item),
            },
        )
        .expect("notices");
    let n = notices.first().expect("an adjustment notice is owed");
    let link = format!("/acts/notice-done?notice={}", pid(n.id));
    let t = Client::session(&app, "baomat").get("/inbox").await.text();
    assert!(t.contains("Thông báo và thời hạn"));
    assert!(t.contains(&link), "the notice opens its form");
    let b = app.get("/api/v1/inbox", "baomat").await.expect(200);
    let line = b["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["act"] == "notice-done")
        .expect("notice line");
    assert_eq!(line["group"], "deadlines");
    assert_eq!(line["waiting"], true);
    // The drafter, who owes no notice, is not given it.
    let b = app.get("/api/v1/inbox", "soanthao").await.expect(200);
    assert!(
        b["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .all(|l| l["act"] != "notice-done"),
        "{b}"
    );
}
