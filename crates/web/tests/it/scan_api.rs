//! The leak scanner through the JSON API: markings block, copied passages name the registered
//! item only for a reader cleared for it, public quotes pass, declassified items never match,
//! every scan is logged in the audit chain without the file's text, approved ignores apply.

use crate::helpers::*;
use bmnn_core::service::DeclassifyCmd;
use bmnn_store::DbStore;
use bmnn_web::scanning::{ScanState, index_item_file, markings};
use bmnn_web::{AppState, WebConfig, ctx_for};
use serde_json::{Value, json};

const SECRET: &str = "Phương án điều chỉnh nguồn dự trữ xăng dầu của tỉnh trong quý bốn được xây dựng trên cơ sở \
rà soát toàn bộ các kho chứa hiện có, năng lực tiếp nhận tại cảng biển và tuyến vận chuyển đường bộ, đồng thời dự kiến \
phương án huy động lực lượng bảo vệ tại các điểm xung yếu khi xảy ra tình huống thiếu hụt nguồn cung kéo dài trên \
phạm vi toàn tỉnh và các địa phương lân cận trong khu vực miền Trung";

pub fn b64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16
            | (*c.get(1).unwrap_or(&0) as u32) << 8
            | *c.get(2).unwrap_or(&0) as u32;
        for i in 0..4 {
            if i <= c.len() {
                s.push(T[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

/// A verdict that blocks a copy of a registered item and says nothing about the item: no id,
/// no label, no level, no syllable count.
fn assert_hidden_block(v: &Value, item: i64) {
    assert_eq!(v["verdict"], "block", "{v}");
    let copies: Vec<&Value> = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule_id"] == "BMNN002")
        .collect();
    assert_eq!(copies.len(), 1, "{v}");
    assert_eq!(copies[0]["reason"], bmnn_scan::HIDDEN_MATCH_REASON, "{v}");
    assert!(copies[0]["item"].is_null() && copies[0]["copied_syllables"].is_null());
    let s = v.to_string();
    for leak in [
        crate::helpers::pid(item),
        format!("#{item}"),
        "Tối mật".into(),
        "Tuyệt mật".into(),
        "toi-mat".into(),
        "tuyet-mat".into(),
    ] {
        assert!(!s.contains(&leak), "{leak} in {s}");
    }
}

/// The test app with a router sharing the store, plus the scanner state to index items.
fn scan_app() -> (TestApp, AppState<DbStore>) {
    let app = TestApp::spawn();
    let cfg = WebConfig::default();
    let scan = ScanState::new(markings(&app.svc.rules), None, &cfg.data_key);
    let state = AppState::from_shared(app.svc.clone(), cfg).with_scan(scan);
    (app, state)
}

async fn scan(
    router: &axum::Router,
    app: &TestApp,
    user: &str,
    name: &str,
    bytes: &[u8],
) -> (u16, Value) {
    use tower::ServiceExt;
    let body = json!({"file_name": name, "content_base64": b64(bytes)}).to_string();
    let req = axum::http::Request::post("/api/v1/scan")
        .header("authorization", format!("Bearer {}", app.login_as(user)))
        .header("content-type", "application/json")
        .body(axum::body::Body::from(body))
        .expect("request");
    let res = router.clone().oneshot(req).await.expect("response");
    let status = res.status().as_u16();
    let bytes = http_body_util::BodyExt::collect(res.into_body())
        .await
        .expect("body")
        .to_bytes();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn a_stamp_in_the_header_blocks_and_the_scan_is_logged() {
    let (app, state) = scan_app();
    let router = bmnn_web::router(state);
    let docx = bmnn_docs::admin_docx(&bmnn_docs::AdminDoc {
        superior_agency: None,
        agency: "SỞ CÔNG THƯƠNG".into(),
        number: "12/LCT-SCT".into(),
        place: "Bình Minh".into(),
        date: time::macros::date!(2026 - 11 - 20),
        level_stamp: Some("TỐI MẬT".into()),
        doc_type: Some("LỊCH CÔNG TÁC".into()),
        summary: "Lịch công tác tuần của lãnh đạo Sở".into(),
        body: vec![bmnn_docs::Block::Paragraph("Thứ Hai: họp giao ban.".into())],
        recipients: vec!["Các phòng".into()],
        archive: "VT".into(),
        signer: bmnn_docs::Signer {
            authority: None,
            position: "GIÁM ĐỐC".into(),
            name: "Nguyễn Văn Minh".into(),
        },
    })
    .expect("docx");
    let before = app.audit_count();
    let (st, v) = scan(
        &router,
        &app,
        "soanthao",
        "lịch công tác tuần 48.docx",
        &docx,
    )
    .await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["verdict"], "block", "{v}");
    let f = &v["findings"][0];
    assert_eq!(f["rule_id"], "BMNN001");
    assert_eq!(f["evidence"], "TỐI MẬT");
    assert_eq!(app.audit_count(), before + 1);
    let last = app
        .svc
        .audit_tail(&ctx_for(app.user("admin")), 1)
        .expect("tail");
    assert_eq!(last[0].action, "scan");
    assert!(
        last[0].details.contains("verdict=block")
            && last[0].details.contains("lịch công tác tuần 48.docx")
    );
    assert!(
        !last[0].details.contains("giao ban"),
        "never the file's text"
    );
    // Bad input is a 400, and nothing is logged.
    let n = app.audit_count();
    let (st, v) = scan(&router, &app, "soanthao", "", b"x").await;
    assert_eq!(st, 400, "{v}");
    assert_eq!(v["error"]["code"], "invalid_input");
    assert_eq!(app.audit_count(), n);
}

#[tokio::test]
async fn a_copied_passage_is_found_and_named_within_clearance() {
    let (app, state) = scan_app();
    let item = crate::helpers::id_of(
        &app.classified_item(
            "10/11/2026",
            json!({"level": "toi-mat", "catalogue_item_id": crate::helpers::pid(app.org.cat_toi_mat)}),
        )
        .await,
    );
    let chars = index_item_file(
        &state,
        &state.scan,
        ctx_for(app.user("vanthu")),
        item,
        "phuong-an.txt".into(),
        SECRET.as_bytes().to_vec(),
    )
    .await
    .expect("index");
    assert!(chars > 100);
    let router = bmnn_web::router(state.clone());
    let words: Vec<&str> = SECRET.split_whitespace().collect();
    let copied = words[10..62].join(" ");
    let doc = format!(
        "Thông báo kết quả hội nghị giao ban tháng mười một của Sở. Các đơn vị đã báo cáo tiến độ công việc thường xuyên. {copied}. Đề nghị các phòng tiếp tục theo dõi."
    );
    let (st, v) = scan(&router, &app, "vanthu", "thong-bao.txt", doc.as_bytes()).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(v["verdict"], "block", "{v}");
    let copy = v["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .find(|f| f["rule_id"] == "BMNN002")
        .expect("copy finding");
    assert_eq!(copy["item"]["item_id"], crate::helpers::pid(item));
    assert!(copy["reason"].as_str().expect("reason").contains("Tối mật"));
    // A reader cleared for Mật is blocked too, and learns nothing of the Tối mật item.
    let (_, v) = scan(&router, &app, "vanthu_mat", "thong-bao.txt", doc.as_bytes()).await;
    assert_hidden_block(&v, item);
    // A document that only quotes public texts (the allow corpus) passes.
    let public = bmnn_scan::fingerprint::allow_corpus()[0]
        .split_whitespace()
        .take(80)
        .collect::<Vec<_>>()
        .join(" ");
    let (_, v) = scan(&router, &app, "vanthu", "hien-phap.txt", public.as_bytes()).await;
    assert_eq!(v["verdict"], "pass", "{v}");
    // An approved ignore covers the finding until it expires.
    let sha = {
        let (_, v) = scan(&router, &app, "vanthu", "thong-bao.txt", doc.as_bytes()).await;
        v["sha256"].as_str().expect("sha").to_string()
    };
    let expires = bmnn_core::dates::iso(bmnn_web::today_vn() + time::Duration::days(30));
    // A clerk may not approve an ignore; a leader may, with a reason and an expiry.
    let body = json!({"sha256": sha, "rule_id": "BMNN002", "reason": "Đoạn trích đã được phép công bố", "expires": expires});
    app.post_json("/api/v1/scan/ignores", "vanthu", body.clone())
        .await
        .expect_error(403, "forbidden");
    let ig = app
        .post_json("/api/v1/scan/ignores", "giamdoc", body)
        .await
        .expect(201);
    assert_eq!(ig["approver_id"], crate::helpers::pid(app.user("giamdoc")));
    let (_, v) = scan(&router, &app, "vanthu", "thong-bao.txt", doc.as_bytes()).await;
    assert_eq!(v["verdict"], "pass", "{v}");
    assert_eq!(v["findings"][0]["ignored"], true);
    // Declassified items leave the matches.
    app.svc
        .declassify(
            &ctx_for(app.user("giamdoc")),
            DeclassifyCmd {
                item_id: item,
                council: vec!["Chủ tịch Hội đồng".into()],
                council_decision_ref: Some("QĐ 1".into()),
                council_minutes_ref: Some("BB 1".into()),
                partial: false,
                partial_scope: None,
                decision_ref: Some("QĐ 2".into()),
                originator_notice: None,
                date: None,
            },
        )
        .expect("declassify");
    let (_, v) = scan(&router, &app, "vanthu", "thong-bao-2.txt", doc.as_bytes()).await;
    assert!(
        v["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .all(|f| f["rule_id"] != "BMNN002"),
        "{v}"
    );
}

/// Issue 11: a verbatim copy of a Tuyệt mật text is blocked for every caller — a drafter cleared
/// for Mật, an administrator without clearance, a low-clearance portal account — through the
/// API and the page, with nothing about the item in their verdict; the security officer gets a
/// notice and the audit trail the details; a declassified item stops matching.
#[tokio::test]
async fn a_copy_of_a_tuyet_mat_text_blocks_every_caller_and_reveals_nothing() {
    use bmnn_core::model::{NoticeKind, NoticeQuery, Role};
    use bmnn_core::service::NewUser;
    let (mut app, state) = scan_app();
    let admin_ctx = ctx_for(app.user("admin"));
    for (name, roles, clearance) in [
        (
            "soanthao_mat",
            vec![Role::Drafter],
            Some(bmnn_core::Level::Mat),
        ),
        ("quantri", vec![Role::Admin], None),
        (
            "congthongtin",
            vec![Role::Drafter],
            Some(bmnn_core::Level::Mat),
        ),
    ] {
        let u = app
            .svc
            .create_user(
                &admin_ctx,
                NewUser {
                    username: name.into(),
                    full_name: format!("Người dùng {name}"),
                    roles,
                    clearance,
                    position_id: None,
                    unit_id: None,
                    password_hash: "không dùng".into(),
                },
            )
            .expect("user");
        app.org.users.insert(name, u.id);
    }
    let item = app
        .propose(
            "soanthao",
            json!({"level": "tuyet-mat", "field": "chinh-tri", "catalogue_item_id": crate::helpers::pid(app.org.cat_tuyet_mat),
                   "summary": null, "date": "10/11/2026"}),
        )
        .await
        .expect(201)["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.post_json(
        &format!("/api/v1/items/{item}/classification"),
        "giamdoc",
        json!({"approve": true, "decision_ref": "QĐ-XĐ", "date": "10/11/2026"}),
    )
    .await
    .expect(200);
    let item_tok = item.clone();
    let item = crate::helpers::id_of(&item_tok);
    index_item_file(
        &state,
        &state.scan,
        ctx_for(app.user("vanthu")),
        item,
        "phuong-an.txt".into(),
        SECRET.as_bytes().to_vec(),
    )
    .await
    .expect("index");
    let router = bmnn_web::router(state.clone());
    let officer = ctx_for(app.user("baomat"));
    let notices = |app: &TestApp| {
        app.svc
            .list_notices(
                &officer,
                NoticeQuery {
                    open_only: false,
                    item_id: Some(item),
                },
            )
            .expect("notices")
            .into_iter()
            .filter(|n| n.kind == NoticeKind::ScanMatch)
            .collect::<Vec<_>>()
    };
    assert!(notices(&app).is_empty());
    for (i, who) in ["soanthao_mat", "quantri", "congthongtin"]
        .iter()
        .enumerate()
    {
        let (st, v) = scan(&router, &app, who, "bai-dang.txt", SECRET.as_bytes()).await;
        assert_eq!(st, 200, "{who}: {v}");
        assert_hidden_block(&v, item);
        // The details went to the security officer: a notice and an audit record naming the
        // item and who scanned.
        let n = notices(&app);
        assert_eq!(n.len(), i + 1, "{who}");
        assert!(
            n[i].basis.contains(&format!("Người dùng {who}")),
            "{}",
            n[i].basis
        );
        let tail = app.svc.audit_tail(&officer, 2).expect("tail");
        let m = tail
            .iter()
            .find(|r| r.action == "scan.match")
            .expect("scan.match audited");
        assert_eq!(m.object, format!("item:{item}"));
        assert!(m.actor.ends_with(&format!(":{who}")), "{}", m.actor);
    }
    // Through the page, too.
    let page = crate::ui_client::Client::session_on(&app, router.clone(), "soanthao_mat", 3600);
    let mut body = format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"files\"; filename=\"bai-dang.txt\"\r\nContent-Type: text/plain\r\n\r\n",
        page.csrf
    )
    .into_bytes();
    body.extend_from_slice(SECRET.as_bytes());
    body.extend_from_slice(b"\r\n--XyZ--\r\n");
    let req = axum::http::Request::post("/scan")
        .header(axum::http::header::COOKIE, &page.cookie)
        .header(
            axum::http::header::CONTENT_TYPE,
            "multipart/form-data; boundary=XyZ",
        )
        .body(axum::body::Body::from(body))
        .expect("request");
    let res = crate::ui_client::send(&router, req).await;
    let html = String::from_utf8_lossy(&res.bytes).to_string();
    assert_eq!(res.status, 200, "{html}");
    assert!(
        html.contains(&askama_escape(bmnn_scan::HIDDEN_MATCH_REASON)),
        "{html}"
    );
    assert!(
        !html.contains("Tuyệt mật")
            && !html.contains(&format!("#{item}"))
            && !html.contains(&item_tok)
    );
    // The verdict is shown with its colour, an icon and the next step, in Vietnamese.
    assert!(
        html.contains("verdict-block") && html.contains("⛔"),
        "{html}"
    );
    assert!(
        html.contains("Không được đăng tải") && html.contains("cán bộ bảo vệ bí mật nhà nước"),
        "{html}"
    );
    assert!(!html.contains("BMNN002"), "no rule codes on the page");
    assert_eq!(notices(&app).len(), 4);
    // A reader cleared for the item is told which one.
    let (_, v) = scan(&router, &app, "vanthu", "bai-dang.txt", SECRET.as_bytes()).await;
    assert_eq!(v["verdict"], "block", "{v}");
    assert!(v.to_string().contains("Tuyệt mật"), "{v}");
    // Declassified, the item stops matching, and nobody is alerted any more.
    app.svc
        .declassify(
            &ctx_for(app.user("giamdoc")),
            DeclassifyCmd {
                item_id: item,
                council: vec!["Chủ tịch Hội đồng".into()],
                council_decision_ref: Some("QĐ 1".into()),
                council_minutes_ref: Some("BB 1".into()),
                partial: false,
                partial_scope: None,
                decision_ref: Some("QĐ 2".into()),
                originator_notice: None,
                date: None,
            },
        )
        .expect("declassify");
    let before = notices(&app).len();
    let (_, v) = scan(
        &router,
        &app,
        "soanthao_mat",
        "bai-dang.txt",
        SECRET.as_bytes(),
    )
    .await;
    assert_eq!(v["verdict"], "pass", "{v}");
    assert_eq!(notices(&app).len(), before);
}

/// The page escapes text the way askama does (HTML).
fn askama_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}
