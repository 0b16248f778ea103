//! The clearance filter on every page path: a clerk cleared for Mật never sees, counts, finds,
//! prints or exports a Tối mật item, nor learns that it exists (its page is the same 404 as an
//! id that does not exist). A clerk cleared for Tuyệt mật sees it everywhere (so the checks
//! are not vacuous).

use crate::helpers::TestApp;
use crate::ui_client::Client;
use axum::http::StatusCode;
use bmnn_core::model::Id;
use bmnn_core::service::{HandOverCmd, ReceiveIncomingCmd, RegisterOutgoingCmd};
use bmnn_web::ctx_for;
use serde_json::json;
use std::io::Read;

const SECRET_NO: &str = "88/KH-TOIMAT";
const SECRET_WORD: &str = "Zyxquanh";
const OPEN_NO: &str = "11/BC-MAT";
const INCOMING_NO: &str = "55/BCA-TOIMAT";

struct Fixture {
    app: TestApp,
    secret: Id,
    attachment: Id,
}

async fn fixture() -> Fixture {
    let app = TestApp::spawn();
    let secret = crate::helpers::id_of(
        &app.classified_item(
            "2026-03-10",
            json!({"level": "toi-mat", "catalogue_item_id": crate::helpers::pid(app.org.cat_toi_mat), "doc_type": "Kế hoạch",
                   "summary": format!("Kế hoạch {SECRET_WORD} chưa công bố")}),
        )
        .await,
    );
    let open = crate::helpers::id_of(&app.classified_item("2026-03-10", json!({})).await);
    let clerk = ctx_for(app.user("vanthu"));
    for (id, no) in [(secret, SECRET_NO), (open, OPEN_NO)] {
        app.svc
            .register_outgoing(
                &clerk,
                RegisterOutgoingCmd {
                    recipients: None,
                    quantity: None,
                    item_id: id,
                    number_symbol: no.into(),
                    signer: "Nguyễn Văn Giám".into(),
                    unit_kept: None,
                    note: None,
                    date: None,
                },
            )
            .expect("register outgoing");
        app.svc
            .hand_over(
                &clerk,
                HandOverCmd {
                    item_id: id,
                    to_user_id: None,
                    to_name: Some("UBND tỉnh".into()),
                    quantity: 1,
                    note: None,
                    date: None,
                },
            )
            .expect("hand over");
    }
    app.svc
        .receive_incoming(
            &clerk,
            ReceiveIncomingCmd {
                issuer: "Bộ Công an".into(),
                number_symbol: INCOMING_NO.into(),
                doc_date: None,
                doc_type: "Công văn".into(),
                summary: Some(format!("Về {SECRET_WORD}")),
                summary_consent_ref: None,
                level: bmnn_core::Level::ToiMat,
                carrier: bmnn_core::model::Carrier::Document,
                electronic: false,
                copies: Some(1),
                copy_allowed: false,
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
    let key = bmnn_web::WebConfig::default().data_key;
    let blob = bmnn_web::ui::encrypt_attachment(&key, secret, b"noi dung toi mat");
    let attachment = app
        .svc
        .add_attachment(
            &clerk,
            secret,
            "ke-hoach.txt",
            "text/plain",
            16,
            "00",
            &blob,
        )
        .expect("attachment")
        .id;
    Fixture {
        app,
        secret,
        attachment,
    }
}

fn docx_text(bytes: &[u8]) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("docx is a zip");
    let mut all = String::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).expect("entry");
        let mut s = String::new();
        if f.read_to_string(&mut s).is_ok() {
            all.push_str(&s);
        }
    }
    all
}

/// Every page text the user can reach about items, registers and work.
async fn everything(c: &Client) -> String {
    let mut all = String::new();
    for path in [
        "/".to_string(),
        "/items".into(),
        "/approvals".into(),
        "/notices".into(),
    ] {
        all.push_str(&c.get(&path).await.text());
    }
    for kind in ["outgoing", "incoming", "handover", "copies"] {
        for y in [2025, 2026] {
            all.push_str(&c.get(&format!("/registers/{kind}/{y}")).await.text());
            all.push_str(&c.get(&format!("/registers/{kind}/{y}/print")).await.text());
            let docx = c.get(&format!("/registers/{kind}/{y}/docx")).await;
            assert_eq!(docx.status, StatusCode::OK, "{kind} {y} docx");
            all.push_str(&docx_text(&docx.bytes));
        }
    }
    for (q, level) in [
        (SECRET_WORD, ""),
        ("ke hoach", ""),
        ("", "toi-mat"),
        (SECRET_NO, ""),
        ("", ""),
    ] {
        let p = c.post("/items", &[("q", q), ("level", level)], true).await;
        assert_eq!(p.status, StatusCode::OK);
        // The search box shows back what the user typed; only the results count.
        all.push_str(&p.text().replace(&format!("value=\"{q}\""), ""));
    }
    all
}

#[tokio::test]
async fn a_mat_cleared_clerk_never_meets_a_toi_mat_item() {
    let f = fixture().await;
    let low = Client::session(&f.app, "vanthu_mat");
    let text = everything(&low).await;
    for needle in [SECRET_NO, SECRET_WORD, INCOMING_NO, "Tối mật</span>"] {
        assert!(!text.contains(needle), "Mật clerk met {needle}");
    }
    assert!(text.contains(OPEN_NO), "the Mật item is visible");
    // Counts: the list total only counts what the user may see.
    let list = low.get("/items").await.text();
    assert!(
        list.contains("trong tổng số 1 tài liệu"),
        "count within clearance"
    );

    // The item page and every act form on it: the same 404 as an id that does not exist.
    let hidden = low
        .get(&format!("/items/{}", crate::helpers::pid(f.secret)))
        .await;
    let absent = low.get("/items/987654").await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(absent.status, StatusCode::NOT_FOUND);
    assert_eq!(
        hidden.text(),
        absent.text(),
        "hidden looks exactly like absent"
    );
    for code in ["hand-over", "request-copy", "extend", "recall-return"] {
        let h = low
            .get(&format!(
                "/acts/{code}?item={}",
                crate::helpers::pid(f.secret)
            ))
            .await;
        let a = low.get(&format!("/acts/{code}?item=987654")).await;
        assert_eq!(h.status, StatusCode::NOT_FOUND, "{code}");
        assert_eq!(h.text(), a.text(), "{code}");
    }
    // Acting on it by POST: not found, nothing written.
    let before = f.app.audit_count();
    let p = low
        .post(
            "/acts/hand-over",
            &[("item", &crate::helpers::pid(f.secret)), ("to_name", "X")],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    let p = low
        .post(
            &format!("/attachments/{}/view", crate::helpers::pid(f.attachment)),
            &[],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::NOT_FOUND);
    assert_eq!(
        f.app.audit_count(),
        before,
        "no view recorded, nothing written"
    );
}

#[tokio::test]
async fn a_toi_mat_cleared_clerk_sees_it_everywhere() {
    let f = fixture().await;
    let high = Client::session(&f.app, "vanthu");
    let text = everything(&high).await;
    for needle in [SECRET_NO, SECRET_WORD, INCOMING_NO, OPEN_NO] {
        assert!(text.contains(needle), "cleared clerk should meet {needle}");
    }
    assert_eq!(
        high.get(&format!("/items/{}", crate::helpers::pid(f.secret)))
            .await
            .status,
        StatusCode::OK
    );
    // Opening the file is recorded, with the level.
    let before = f.app.audit_count();
    let p = high
        .post(
            &format!("/attachments/{}/view", crate::helpers::pid(f.attachment)),
            &[],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(p.bytes, b"noi dung toi mat");
    assert!(p.content_type.starts_with("application/octet-stream"));
    assert_eq!(f.app.audit_count(), before + 1);
    let tail = f
        .app
        .svc
        .audit_tail(&ctx_for(f.app.user("admin")), 1)
        .expect("tail");
    assert_eq!(tail[0].action, "attachment.view");
    assert!(tail[0].details.contains("level=toi-mat") && tail[0].details.contains("high=true"));
}

#[tokio::test]
async fn the_audit_viewer_shows_the_administrator_nothing_of_a_toi_mat_item() {
    let f = fixture().await;
    let obj = format!("item:{}", crate::helpers::pid(f.secret));
    // The administrator holds no clearance (account administration carries none): its role
    // gives it no reach over the Tối mật item's records.
    let admin = Client::session(&f.app, "admin");
    let page = admin.get("/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    let t = page.text();
    assert!(t.contains("Thao tác ngoài phạm vi"), "redacted rows shown");
    assert!(
        !t.contains(&obj) && !t.contains(SECRET_NO),
        "no id or number"
    );
    // The API answers the same, from the same core filter; a cleared officer sees the record.
    let body = f
        .app
        .get("/api/v1/audit?limit=1000", "admin")
        .await
        .expect(200);
    let rows = body.as_array().expect("rows");
    assert!(rows.iter().all(|r| r["object"] != obj.as_str()));
    assert!(
        rows.iter()
            .any(|r| r["action"] == "redacted" && r["hash"] == "")
    );
    let body = f
        .app
        .get("/api/v1/audit?limit=1000", "baomat")
        .await
        .expect(200);
    assert!(
        body.as_array()
            .expect("rows")
            .iter()
            .any(|r| r["object"] == obj.as_str())
    );
}
