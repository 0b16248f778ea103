//! Every act has a guided form that renders for its context (item, request, register entry,
//! notice) with the legal terms, and a refused act shows code, message and basis in the form
//! while keeping what was typed.

use crate::helpers::{TestApp, pid};
use crate::ui_client::Client;
use axum::http::StatusCode;
use bmnn_core::acts::{ActKind, ActOn};
use bmnn_core::model::{CopyForm, NoticeQuery};
use bmnn_core::service::{AdjustCmd, CopyRequestCmd, HandOverCmd, RegisterOutgoingCmd};
use bmnn_web::ctx_for;

#[tokio::test]
async fn every_act_form_renders_in_vietnamese_for_its_context() {
    let app = TestApp::spawn();
    let item = crate::helpers::id_of(
        &app.classified_item("2026-03-10", serde_json::json!({}))
            .await,
    );
    let clerk = ctx_for(app.user("vanthu"));
    app.svc
        .register_outgoing(
            &clerk,
            RegisterOutgoingCmd {
                recipients: None,
                quantity: None,
                item_id: item,
                number_symbol: "12/BC-THU".into(),
                signer: "Nguyễn Văn Giám".into(),
                unit_kept: None,
                note: None,
                date: None,
            },
        )
        .expect("register");
    let entry = app
        .svc
        .hand_over(
            &clerk,
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
    let request = app
        .svc
        .request_copy(
            &ctx_for(app.user("soanthao")),
            CopyRequestCmd {
                item_id: item,
                form: CopyForm::SaoY,
                count: 2,
                purpose: "Phục vụ họp".into(),
                recipients: vec![],
                date: None,
            },
        )
        .expect("copy request")
        .id;
    app.svc
        .adjust(
            &ctx_for(app.user("giamdoc")),
            AdjustCmd {
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
    let notice = app
        .svc
        .list_notices(
            &clerk,
            NoticeQuery {
                open_only: true,
                item_id: Some(item),
            },
        )
        .expect("notices")
        .first()
        .expect("an adjustment notice is owed")
        .id;
    let c = Client::session(&app, "vanthu");
    for a in ActKind::ALL {
        let q = match a.on() {
            ActOn::Nothing => String::new(),
            ActOn::Item => format!("?item={}", pid(item)),
            ActOn::Request => format!("?request={}", pid(request)),
            ActOn::Entry => format!("?entry={}", pid(entry)),
            ActOn::Notice => format!("?notice={}", pid(notice)),
        };
        let p = c.get(&format!("/acts/{}{q}", a.code())).await;
        assert_eq!(p.status, StatusCode::OK, "{}: {}", a.code(), p.text());
        let t = p.text();
        assert!(t.contains(a.title()), "{} shows its title", a.code());
        assert!(
            t.contains("name=\"_csrf\""),
            "{} carries the token",
            a.code()
        );
        assert!(
            t.contains("Ngày") || a == ActKind::Acknowledge || a == ActKind::CancelEntry,
            "{}",
            a.code()
        );
    }
    // Unknown act: 404 page, not a crash.
    assert_eq!(c.get("/acts/khong-co").await.status, StatusCode::NOT_FOUND);
    // A form for an act that needs authority names who decides, from the regime's data.
    let t = c
        .get(&format!("/acts/decide?request={}", pid(request)))
        .await
        .text();
    assert!(t.contains("Ai có thẩm quyền quyết định") && t.contains("Căn cứ"));
}

#[tokio::test]
async fn a_refused_act_keeps_the_input_and_shows_code_message_and_basis() {
    let app = TestApp::spawn();
    let drafter = Client::session(&app, "soanthao");
    let before = app.audit_count();
    let summary = "Báo cáo thử: độ mật không khớp mục danh mục";
    let p = drafter
        .post(
            "/acts/propose",
            &[
                ("carrier", "document"),
                ("doc_type", "Báo cáo"),
                ("summary", summary),
                ("level", "mat"),
                ("catalogue_item_id", &pid(app.org.cat_toi_mat)),
                ("recipients", "Sở Tài chính"),
                ("copies_issued", "2"),
            ],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let t = p.text();
    assert!(t.contains("level_mismatch_catalogue"), "code shown");
    assert!(t.contains("Căn cứ: Luật"), "basis shown");
    assert!(t.contains(summary), "input kept");
    assert_eq!(app.audit_count(), before, "a refusal writes nothing");
    // Bad input names the field by its Vietnamese label.
    let p = drafter
        .post(
            "/acts/propose",
            &[
                ("carrier", "document"),
                ("doc_type", "Báo cáo"),
                ("level", "mat"),
                ("date", "31/02/2026"),
            ],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert!(
        p.text()
            .contains("Ngày thực hiện: ngày phải viết theo dạng dd/mm/yyyy")
    );
}

#[tokio::test]
async fn the_approvals_inbox_says_who_may_decide() {
    let app = TestApp::spawn();
    app.propose("soanthao", serde_json::json!({}))
        .await
        .expect(201);
    let head = Client::session(&app, "giamdoc")
        .get("/approvals")
        .await
        .text();
    assert!(
        head.contains("Bạn có thẩm quyền"),
        "the head of the agency classifies"
    );
    assert!(head.contains("/acts/decide-classification?item="));
    let dept = Client::session(&app, "truongphong")
        .get("/approvals")
        .await
        .text();
    assert!(
        dept.contains("không có thẩm quyền xác định độ mật"),
        "a head of department does not classify, and is told why"
    );
    assert!(!dept.contains("/acts/decide-classification?item="));
}

/// The item page offers exactly the acts the service opens to the reader (issue 13): on an
/// incoming item the clerk and the security officer get «Gia hạn», «Điều chỉnh độ mật» and
/// «Giải mật» (they follow the originator's notice), the head of the agency does not; the
/// security officer is offered the requests the service accepts from him.
#[tokio::test]
async fn the_item_page_offers_the_acts_the_service_opens() {
    let app = TestApp::spawn();
    let clerk = ctx_for(app.user("vanthu"));
    let (item, _) = app
        .svc
        .receive_incoming(
            &clerk,
            bmnn_core::service::ReceiveIncomingCmd {
                issuer: "Bộ Công Thương".into(),
                number_symbol: "7/BCT".into(),
                doc_date: None,
                doc_type: "Công văn".into(),
                summary: None,
                summary_consent_ref: None,
                level: bmnn_core::Level::Mat,
                carrier: bmnn_core::model::Carrier::Document,
                electronic: false,
                copies: Some(1),
                copy_allowed: true,
                expiry: None,
                named_recipient_id: None,
                urgent: false,
                recall_due: None,
                unit_id: None,
                location: String::new(),
                note: None,
                date: None,
            },
        )
        .expect("receive");
    let lifecycle = [ActKind::Extend, ActKind::Adjust, ActKind::Declassify];
    for who in ["vanthu", "baomat", "giamdoc"] {
        let acts = app
            .svc
            .item_acts(&ctx_for(app.user(who)), item.id)
            .expect("acts");
        let page = Client::session(&app, who)
            .get(&format!("/items/{}", pid(item.id)))
            .await
            .text();
        for a in ActKind::ALL.into_iter().filter(|a| a.on() == ActOn::Item) {
            let link = format!("/acts/{}?item={}", a.code(), pid(item.id));
            assert_eq!(
                page.contains(&link),
                acts.contains(&a),
                "{who}: {} offered on the page iff the service opens it",
                a.code()
            );
        }
        let all_lifecycle = lifecycle.iter().all(|a| acts.contains(a));
        assert_eq!(all_lifecycle, who != "giamdoc", "{who}");
        assert!(!lifecycle.iter().any(|a| acts.contains(a)) || who != "giamdoc");
    }
    let officer = app
        .svc
        .item_acts(&ctx_for(app.user("baomat")), item.id)
        .expect("acts");
    assert!(officer.contains(&ActKind::RequestCopy) && officer.contains(&ActKind::RequestDestroy));
}
