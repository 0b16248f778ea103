//! Pages of the programme (`/programme/...`): the security officer adds a record of every kind
//! through the forms and sees it listed; a clerk and a drafter are refused with a Vietnamese
//! message and nothing is written; a device's change of use before its wipe is refused with
//! the rule; the report page shows the figures of the records; DOCX downloads are real.

use crate::api_programme::with_officer;
use crate::helpers::TestApp;
use crate::ui_client::{Client, send};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use bmnn_web::{AppState, WebConfig};
use serde_json::json;

/// One filled add form per kind (dates dd/mm/yyyy, as people type them).
/// Kind, form fields, a text the list then shows.
type Form = (
    &'static str,
    Vec<(&'static str, &'static str)>,
    &'static str,
);

fn forms() -> Vec<Form> {
    vec![
        (
            "staff",
            vec![
                ("person", "Vũ Thị Bảo Mật"),
                ("position", "Chuyên viên Văn phòng"),
                ("mode", "concurrent"),
                ("decision_ref", "12/QĐ-SKHĐT"),
                ("decision_date", "15/01/2025"),
            ],
            "12/QĐ-SKHĐT",
        ),
        (
            "commitment",
            vec![
                ("person", "Trần Văn Cam"),
                ("occasion", "access"),
                ("signed_on", "16/01/2025"),
                ("reference", ""),
            ],
            "Trần Văn Cam",
        ),
        (
            "training",
            vec![
                ("date", "10/03/2025"),
                ("kind", "training"),
                ("organiser", "Công an tỉnh Thử Nghiệm"),
                ("organised_by", "own"),
                ("audience", "Cán bộ, công chức"),
                ("participants", "120"),
                ("attendees", ""),
            ],
            "Công an tỉnh Thử Nghiệm",
        ),
        (
            "directive",
            vec![
                ("date", "01/02/2025"),
                ("direction", "issued"),
                ("kind", "regulation"),
                ("number_symbol", "05/QC-SKHĐT"),
                ("issuer", "Sở Kế hoạch và Đầu tư"),
                ("title", "Quy chế bảo vệ BMNN"),
            ],
            "05/QC-SKHĐT",
        ),
        (
            "device",
            vec![
                ("identity", "MT-07"),
                ("kind", "computer"),
                ("description", ""),
                ("in_use_from", "20/01/2025"),
                ("inspected_on", ""),
                ("stamp_ref", ""),
                ("never_connected", "on"),
                ("connection", "standalone"),
            ],
            "MT-07",
        ),
        (
            "equipment",
            vec![
                ("unit", "Phòng Tổ chức"),
                ("as_of", "30/06/2025"),
                ("stamps", "3"),
                ("stamp_sets", "1"),
                ("registers", "4"),
                ("note", ""),
            ],
            "Phòng Tổ chức",
        ),
        (
            "meeting",
            vec![
                ("date", "02/04/2025"),
                ("days", "1"),
                ("name", "Giao ban quý I"),
                ("level", "toi-mat"),
                ("approved_by", "Giám đốc Sở"),
                ("approval_ref", ""),
                ("venue", "Phòng họp tầng 2"),
                ("at_headquarters", "on"),
                ("police_check_ref", ""),
                ("device_rule", "no-devices"),
                ("documents_issued", "10"),
                ("documents_returned", "8"),
            ],
            "Giao ban quý I",
        ),
        (
            "inspection",
            vec![
                ("date", "05/05/2025"),
                ("kind", "self-inspection"),
                ("inspector", "Văn phòng Sở"),
                ("organised_by", "subordinate"),
                ("units", "Phòng Kế hoạch tổng hợp"),
                ("units_count", "12"),
                ("findings", "Sổ chuyển giao ghi thiếu"),
                (
                    "remedies",
                    "Bổ sung sổ | Phòng Kế hoạch tổng hợp | 05/06/2025",
                ),
            ],
            "Bổ sung sổ",
        ),
        (
            "incident",
            vec![
                ("discovered_on", "07/07/2025"),
                ("kind", "exposure"),
                ("channel", "social-network"),
                ("place", "Trang mạng xã hội Zalo"),
                ("docs.tuyet-mat", "0"),
                ("docs.toi-mat", "1"),
                ("docs.mat", "2"),
                ("docs.unmarked", "0"),
                ("docs.in-catalogue", "2"),
                ("cause", ""),
                ("taken_down", "on"),
                ("discipline.disciplined", "1"),
                ("discipline.criticised", "2"),
                ("state", "concluded"),
                ("outcome", "Kết luận: đăng tải nhầm"),
                ("state_on", "20/07/2025"),
            ],
            "Trang mạng xã hội Zalo",
        ),
        (
            "legacy-review",
            vec![
                ("date", "08/08/2025"),
                ("unit", "Lưu trữ cơ quan"),
                ("reviewed", "40"),
                ("extended", "5"),
                ("declassified", "20"),
            ],
            "Lưu trữ cơ quan",
        ),
        (
            "plan",
            vec![
                ("year", "2025"),
                ("number_symbol", "01/KH-SKHĐT"),
                ("issued_on", "05/01/2025"),
                ("tasks", "Tập huấn toàn Sở | Văn phòng Sở | 31/03/2025"),
                ("subordinate_plan_due", ""),
                ("subordinates", ""),
            ],
            "01/KH-SKHĐT",
        ),
        (
            "steering-committee",
            vec![
                ("unit", "Huyện Cao Lãnh"),
                ("as_of", "01/09/2025"),
                ("body", "committee"),
                ("decision_ref", "125/QĐ-UBND"),
                ("decision_date", "12/05/2021"),
                ("note", ""),
            ],
            "125/QĐ-UBND",
        ),
        (
            "key-post",
            vec![
                ("unit", "Văn phòng Sở"),
                ("post", "Văn thư lưu trữ tài liệu mật"),
                ("kind", "confidential"),
                ("as_of", "01/09/2025"),
                ("listing_ref", ""),
                (
                    "holders",
                    "Trần Văn Cam | 01/02/2025 | Đủ tiêu chuẩn | 16/01/2025 |",
                ),
            ],
            "Trần Văn Cam (thẩm tra 01/02/2025: Đủ tiêu chuẩn; cam kết 16/01/2025)",
        ),
    ]
}

#[tokio::test]
async fn the_security_officer_adds_a_record_of_every_kind_through_the_pages() {
    let app = with_officer(TestApp::spawn());
    let c = Client::session(&app, "baomat");
    let home = c.get("/").await;
    assert!(home.text().contains("Công tác bảo vệ BMNN"), "menu entry");
    for (kind, fields, shown) in forms() {
        let p = c.post(&format!("/programme/{kind}"), &fields, true).await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{kind}: {}", p.text());
        assert!(p.location.contains("year=2025"), "{}", p.location);
        let list = c.get(&p.location).await;
        assert_eq!(list.status, StatusCode::OK, "{kind}");
        let t = list.text();
        assert!(t.contains(shown), "{kind}: {shown} not listed");
        assert!(t.contains("Đã ghi nhận."), "{kind}: flash");
    }
    // The incident's documents were counted by level and catalogue.
    let r = app
        .get("/api/v1/programme/records/incident", "baomat")
        .await
        .expect(200);
    let docs = r[0]["record"]["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 3);
    assert_eq!(docs.iter().filter(|d| d["in_catalogue"] == true).count(), 2);
    // The new fields went through the generic forms (issue 14).
    assert_eq!(r[0]["record"]["state"], "concluded");
    assert_eq!(r[0]["record"]["state_on"], "2025-07-20");
    let x = app
        .get("/api/v1/programme/records/inspection", "baomat")
        .await
        .expect(200);
    assert_eq!(
        (
            &x[0]["record"]["organised_by"],
            &x[0]["record"]["units_count"]
        ),
        (&json!("subordinate"), &json!(12))
    );
    let k = app
        .get("/api/v1/programme/records/key-post", "baomat")
        .await
        .expect(200);
    assert_eq!(
        k[0]["record"]["holders"][0],
        json!({"person": "Trần Văn Cam", "vetted_on": "2025-02-01", "vetting_result": "Đủ tiêu chuẩn", "committed_on": "2025-01-16", "trained_on": null})
    );
    // A holder line with a bad date: a Vietnamese error naming the field, nothing written.
    let before = app.audit_count();
    let p = c
        .post(
            "/programme/key-post",
            &[
                ("unit", "Văn phòng Sở"),
                ("post", "Kế toán"),
                ("kind", "key"),
                ("as_of", "01/09/2025"),
                ("listing_ref", ""),
                ("holders", "Lê Thị Dung | 31/02/2025 | Đạt"),
            ],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST);
    assert!(
        p.text()
            .contains("ngày thẩm tra «31/02/2025» phải viết dd/mm/yyyy"),
        "{}",
        p.text()
    );
    assert_eq!(app.audit_count(), before);
    assert_eq!(
        app.get("/api/v1/programme/records/key-post", "baomat")
            .await
            .expect(200)
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // The dashboard's programme obligations lead to the new pages.
    let home = c.get("/").await.text();
    assert!(home.contains("/programme/incident"), "ad-hoc report owed");
    assert!(
        home.contains("/programme/meeting"),
        "meeting documents not recovered"
    );
    // Printed commitment form, linked to the staff assignment: a real DOCX with the person,
    // the post from the assignment and the occasion.
    let sid = app
        .get("/api/v1/programme/records/staff", "baomat")
        .await
        .expect(200)[0]["id"]
        .as_str()
        .unwrap()
        .to_string()
        .to_string();
    let p = c
        .post(
            "/programme/commitment",
            &[
                ("person", "Vũ Thị Bảo Mật"),
                ("staff_id", &sid),
                ("occasion", "assignment"),
                ("signed_on", "16/01/2025"),
            ],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text());
    let list = app
        .get("/api/v1/programme/records/commitment", "baomat")
        .await
        .expect(200);
    let cid = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["record"]["staff_id"].as_str() == Some(sid.as_str()))
        .expect("linked commitment")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let d = c.get(&format!("/programme/commitment/{cid}/docx")).await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(d.content_type.contains("wordprocessingml"));
    let xml = document_xml(d.bytes);
    assert!(
        xml.contains("Vũ Thị Bảo Mật")
            && xml.contains("Chuyên viên Văn phòng")
            && xml.contains("CAM KẾT")
            && xml.contains("Khi được phân công"),
        "filled form"
    );
}

fn document_xml(bytes: Vec<u8>) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    xml
}

#[tokio::test]
async fn a_clerk_and_a_drafter_are_refused_and_nothing_is_written() {
    let app = with_officer(TestApp::spawn());
    // Sessions are opened (and audited) before the window in which nothing may be written.
    let clients = [
        Client::session(&app, "vanthu"),
        Client::session(&app, "soanthao"),
    ];
    let before = app.audit_count();
    for (user, c) in ["vanthu", "soanthao"].into_iter().zip(&clients) {
        assert!(
            !c.get("/").await.text().contains("/programme/training"),
            "no menu entry"
        );
        for (kind, fields, _) in forms() {
            let p = c.post(&format!("/programme/{kind}"), &fields, true).await;
            assert_eq!(p.status, StatusCode::FORBIDDEN, "{user} {kind}");
            assert!(p.text().contains("Không có quyền"), "{}", p.text());
        }
        let p = c.get("/programme/reports").await;
        assert_eq!(p.status, StatusCode::FORBIDDEN);
    }
    assert_eq!(app.audit_count(), before, "nothing written");
}

#[tokio::test]
async fn repurposing_a_device_before_its_wipe_is_refused_with_the_rule() {
    let app = with_officer(TestApp::spawn());
    let c = Client::session(&app, "baomat");
    let (_, fields, _) = forms().into_iter().find(|f| f.0 == "device").unwrap();
    c.post("/programme/device", &fields, true).await;
    let id = app
        .get("/api/v1/programme/records/device", "baomat")
        .await
        .expect(200)[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let before = app.audit_count();
    let p = c
        .post(
            &format!("/programme/device/{id}/repurpose"),
            &[("date", "01/09/2025"), ("new_use", "Máy văn phòng")],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let t = p.text();
    assert!(
        t.contains("device_not_wiped") && t.contains("Điều 5 khoản 7"),
        "{t}"
    );
    assert!(t.contains("MT-07"), "the list is still shown");
    assert_eq!(app.audit_count(), before);
    // Wipe, print its minutes, then the change of use goes through.
    let p = c
        .post(
            &format!("/programme/device/{id}/wipe"),
            &[
                ("date", "30/08/2025"),
                ("method", "Ghi đè 3 lần"),
                ("by", "Vũ Thị Bảo Mật"),
            ],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text());
    let d = c.get(&format!("/programme/device/{id}/docx")).await;
    assert_eq!(d.status, StatusCode::OK);
    let xml = document_xml(d.bytes);
    assert!(xml.contains("BIÊN BẢN") && xml.contains("MT-07"));
    let p = c
        .post(
            &format!("/programme/device/{id}/repurpose"),
            &[("date", "01/09/2025"), ("new_use", "Máy văn phòng")],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text());
    assert!(
        c.get(&p.location)
            .await
            .text()
            .contains("Đã chuyển mục đích sử dụng")
    );
}

#[tokio::test]
async fn the_report_page_shows_the_figures_of_the_records() {
    let app = with_officer(TestApp::spawn());
    let c = Client::session(&app, "baomat");
    for (date, n) in [
        ("10/03/2025", "120"),
        ("12/09/2025", "35"),
        ("01/03/2024", "999"),
    ] {
        let p = c
            .post(
                "/programme/training",
                &[
                    ("date", date),
                    ("kind", "briefing"),
                    ("organiser", "Sở"),
                    ("organised_by", "own"),
                    ("audience", "Toàn Sở"),
                    ("participants", n),
                ],
                true,
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
    }
    let leader = Client::session(&app, "giamdoc");
    let t = leader
        .get("/programme/reports?kind=annual&year=2025")
        .await
        .text();
    assert!(
        t.contains("15/12/2024 – 14/12/2025"),
        "data period of regime A"
    );
    let model = app
        .get("/api/v1/programme/reports/annual/2025", "giamdoc")
        .await
        .expect(200);
    assert_eq!(model["figures"]["training"]["sessions"], 2);
    assert_eq!(model["figures"]["training"]["participants"], 155);
    // The page shows the sentence the report computes for training, with 2 sessions and 155.
    let fact = model["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["facts"].as_array().unwrap().iter())
        .chain(model["sections"].as_array().unwrap().iter().flat_map(|s| {
            s["tables"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|t| t["rows"].as_array().unwrap().iter())
                .flat_map(|r| r.as_array().unwrap().iter())
        }))
        .filter_map(|x| x.as_str())
        .find(|x| x.contains("155"))
        .expect("a figure of 155 participants")
        .to_string();
    assert!(t.contains(&askama_escape(&fact)), "page shows «{fact}»");
    // Save the written part; the next year offers it as a start.
    let p = c
        .post(
            "/programme/reports/draft",
            &[
                ("kind", "annual"),
                ("year", "2025"),
                ("incident", ""),
                ("narrative.a", "Tình hình ổn định."),
                ("number", "15/BC-SKHĐT"),
            ],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text());
    let next = c
        .get("/programme/reports?kind=annual&year=2026")
        .await
        .text();
    assert!(next.contains("Tình hình ổn định.") && next.contains("năm trước được đề xuất"));
    // DOCX and JSON downloads.
    let d = c.get("/programme/reports/annual/2025/docx").await;
    assert_eq!(d.status, StatusCode::OK);
    assert!(document_xml(d.bytes).contains("Tình hình ổn định."));
    let j = c.get("/programme/reports/annual/2025/json").await;
    let v: serde_json::Value = serde_json::from_slice(&j.bytes).unwrap();
    assert_eq!(v["figures"]["training"]["participants"], 155);
    // No signing key on this server: the export refusal shows on the page, not an error page.
    let b = c.get("/programme/reports/annual/2025/bundle").await;
    assert_eq!(b.status, StatusCode::CONFLICT);
    assert!(b.text().contains("bmnn report keygen") && b.text().contains("Báo cáo công tác"));
}

fn askama_escape(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[tokio::test]
async fn a_tampered_bundle_upload_shows_the_vietnamese_reason() {
    let app = with_officer(TestApp::spawn());
    let secret = [9u8; 32];
    let router = bmnn_web::router(AppState::from_shared(
        app.svc.clone(),
        WebConfig {
            report_signing_key: Some(secret),
            ..WebConfig::default()
        },
    ));
    let c = Client::session_on(&app, router.clone(), "baomat", 3600);
    let b = c.get("/programme/reports/annual/2025/bundle").await;
    assert_eq!(b.status, StatusCode::OK);
    let mut bad = b.bytes.clone();
    let i = bad.len() / 3;
    bad[i] = if bad[i] == b'a' { b'b' } else { b'a' };
    let upload = |bytes: Vec<u8>| {
        let mut body = Vec::new();
        body.extend_from_slice(
            format!(
                "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n",
                c.csrf
            )
            .as_bytes(),
        );
        body.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"goi.json\"\r\nContent-Type: application/json\r\n\r\n");
        body.extend_from_slice(&bytes);
        body.extend_from_slice(b"\r\n--XyZ--\r\n");
        Request::post("/programme/reports/bundles")
            .header(header::COOKIE, &c.cookie)
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XyZ")
            .header(header::HOST, "bmnn.test")
            .header(header::ORIGIN, "http://bmnn.test")
            .body(Body::from(body))
            .unwrap()
    };
    let before = app.audit_count();
    let p = send(&router, upload(bad)).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.text().contains("bundle_invalid") && p.text().contains("đã bị thay đổi"),
        "{}",
        p.text()
    );
    let p = send(&router, upload(b.bytes.clone())).await;
    assert!(p.text().contains("bundle_unknown_key"), "{}", p.text());
    assert_eq!(app.audit_count(), before);
    // Registered, the intact bundle is received and the unit shows as reported.
    let agency = "Sở Kế hoạch và Đầu tư tỉnh Thử Nghiệm";
    let key = bmnn_core::programme::bundle::public_key_hex(&secret);
    let p = c
        .post(
            "/programme/reports/keys",
            &[
                ("kind", "annual"),
                ("year", "2025"),
                ("unit", agency),
                ("public_key", &key),
            ],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text());
    let p = send(&router, upload(b.bytes)).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text());
    let t = c
        .get("/programme/reports?kind=annual&year=2025")
        .await
        .text();
    assert!(
        t.contains(agency) && (t.contains("Đúng hạn") || t.contains("Quá hạn")),
        "unit status"
    );
}

#[tokio::test]
async fn a_steering_plan_records_which_subordinate_units_sent_their_plan() {
    let app = with_officer(TestApp::spawn());
    let c = Client::session(&app, "baomat");
    let id = plan_through_the_page(&app, &c).await;
    let t = c.get("/programme/plan?year=2025").await.text();
    assert!(
        t.contains("UBND huyện A: chưa gửi kế hoạch (hạn 31/01/2025)"),
        "{t}"
    );
    let p = c
        .post(
            &format!("/programme/plan/{id}/received"),
            &[("sub", "1"), ("what", "plan"), ("date", "20/01/2025")],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text());
    let t = c.get(&p.location).await.text();
    assert!(t.contains("UBND huyện B: kế hoạch nhận 20/01/2025"), "{t}");
    // A leader marks a task done.
    let leader = Client::session(&app, "giamdoc");
    let p = leader
        .post(
            &format!("/programme/plan/{id}/task-done"),
            &[("task", "0"), ("date", "30/03/2025")],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text());
    let r = app
        .get(&format!("/api/v1/programme/records/plan/{id}"), "baomat")
        .await
        .expect(200);
    assert_eq!(r["record"]["tasks"][0]["done_on"], "2025-03-30");
}

/// The plan of a steering level added through the page; its token.
async fn plan_through_the_page(app: &TestApp, c: &Client) -> String {
    let p = c
        .post(
            "/programme/plan",
            &[
                ("year", "2025"),
                ("number_symbol", "02/KH-BCĐ"),
                ("issued_on", "05/01/2025"),
                ("tasks", "Tập huấn | Văn phòng | 31/03/2025"),
                ("subordinate_plan_due", "31/01/2025"),
                ("subordinates", "UBND huyện A\nUBND huyện B"),
            ],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text());
    app.get("/api/v1/programme/records/plan", "baomat")
        .await
        .expect(200)[0]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_edit_form_shows_the_record_and_saving_it_keeps_what_the_form_does_not_hold() {
    let app = with_officer(TestApp::spawn());
    let c = Client::session(&app, "baomat");
    let id = plan_through_the_page(&app, &c).await;
    let api = format!("/api/v1/programme/records/plan/{id}");
    app.post_json(
        &format!("/api/v1/programme/plans/{id}/task-done"),
        "baomat",
        json!({"task": 0, "date": "30/03/2025"}),
    )
    .await
    .expect(200);
    let list = c.get("/programme/plan?year=2025").await.text();
    assert!(
        list.contains(&format!("/programme/plan/{id}/edit")),
        "{list}"
    );
    let t = c.get(&format!("/programme/plan/{id}/edit")).await.text();
    assert!(t.contains("Sửa hồ sơ số"), "{t}");
    assert!(
        t.contains(&format!("action=\"/programme/plan/{id}/edit\"")),
        "{t}"
    );
    assert!(t.contains("value=\"02/KH-BCĐ\""), "{t}");
    assert!(t.contains("Tập huấn | Văn phòng | 31/03/2025"), "{t}");
    assert!(t.contains("value=\"05/01/2025\""), "{t}");
    let form = [
        ("year", "2025"),
        ("number_symbol", "03/KH-BCĐ"),
        ("issued_on", "05/01/2025"),
        ("tasks", "Tập huấn | Văn phòng | 31/03/2025"),
        ("subordinate_plan_due", "31/01/2025"),
        ("subordinates", "UBND huyện A\nUBND huyện B"),
    ];
    // A required field left blank: refused next to the form, what was typed kept, nothing
    // written.
    let audits = app.audit_count();
    let before = app.get(&api, "baomat").await.expect(200);
    let mut blank = form.to_vec();
    blank[2] = ("issued_on", "");
    let p = c
        .post(&format!("/programme/plan/{id}/edit"), &blank, true)
        .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.text());
    let t = p.text();
    assert!(
        t.contains("Không thực hiện được") && t.contains("issued_on"),
        "{t}"
    );
    assert!(t.contains("value=\"03/KH-BCĐ\""), "{t}");
    assert_eq!(app.audit_count(), audits);
    assert_eq!(app.get(&api, "baomat").await.expect(200), before);
    let p = c
        .post(&format!("/programme/plan/{id}/edit"), &form, true)
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text());
    let r = app.get(&api, "baomat").await.expect(200);
    assert_eq!(r["record"]["number_symbol"], "03/KH-BCĐ");
    assert_eq!(r["record"]["tasks"][0]["done_on"], "2025-03-30");
    assert_eq!(app.audit_count(), audits + 1);
}

#[tokio::test]
async fn a_record_is_cancelled_from_its_row_only_with_a_reason() {
    let app = with_officer(TestApp::spawn());
    let c = Client::session(&app, "baomat");
    let id = plan_through_the_page(&app, &c).await;
    let audits = app.audit_count();
    let p = c
        .post(
            &format!("/programme/plan/{id}/cancel"),
            &[("reason", " ")],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::BAD_REQUEST, "{}", p.text());
    assert!(p.text().contains("Không thực hiện được"), "{}", p.text());
    assert_eq!(app.audit_count(), audits);
    let p = c
        .post(
            &format!("/programme/plan/{id}/cancel"),
            &[("reason", "Kế hoạch nhập trùng")],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text());
    assert_eq!(app.audit_count(), audits + 1);
    let t = c.get(&p.location).await.text();
    assert!(
        t.contains("Đã hủy ngày") && t.contains("Kế hoạch nhập trùng"),
        "{t}"
    );
    // No act is offered on a cancelled record any more.
    assert!(!t.contains(&format!("/programme/plan/{id}/edit")), "{t}");
    assert!(
        !t.contains(&format!("/programme/plan/{id}/task-done")),
        "{t}"
    );
    assert!(
        !t.contains(&format!("/programme/plan/{id}/received")),
        "{t}"
    );
}

#[tokio::test]
async fn each_role_sees_only_the_forms_the_service_accepts() {
    let mut app = with_officer(TestApp::spawn());
    crate::api_programme::with_pure_admin(&mut app);
    let c = Client::session(&app, "baomat");
    let id = plan_through_the_page(&app, &c).await;
    let forms = |t: &str| {
        ["task-done", "received", "edit", "cancel"]
            .into_iter()
            .filter(|a| t.contains(&format!("/programme/plan/{id}/{a}")))
            .collect::<Vec<_>>()
    };
    let leader = Client::session(&app, "giamdoc");
    let t = leader.get("/programme/plan?year=2025").await.text();
    assert_eq!(forms(&t), ["task-done"], "{t}");
    assert!(!t.contains("id=\"add-form\""), "{t}");
    let admin = Client::session(&app, "quantri");
    let t = admin.get("/programme/plan?year=2025").await.text();
    assert_eq!(forms(&t), ["received", "edit", "cancel"], "{t}");
    assert!(t.contains("id=\"add-form\""), "{t}");
    // What the page did not offer the administrator, the service refuses.
    let p = admin
        .post(
            &format!("/programme/plan/{id}/task-done"),
            &[("task", "0"), ("date", "30/03/2025")],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", p.text());
    let t = c.get("/programme/plan?year=2025").await.text();
    assert_eq!(
        forms(&t),
        ["task-done", "received", "edit", "cancel"],
        "{t}"
    );
    // The leader does not get an edit form by typing its address either.
    let t = leader
        .get(&format!("/programme/plan/{id}/edit"))
        .await
        .text();
    assert!(!t.contains("id=\"add-form\""), "{t}");
    // Recording the same arrival twice through the page: refused, nothing written.
    let sub = [("sub", "0"), ("what", "plan"), ("date", "20/01/2025")];
    let p = c
        .post(&format!("/programme/plan/{id}/received"), &sub, true)
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text());
    let audits = app.audit_count();
    let p = c
        .post(&format!("/programme/plan/{id}/received"), &sub, true)
        .await;
    assert_eq!(p.status, StatusCode::CONFLICT, "{}", p.text());
    assert!(p.text().contains("đã được ghi nhận"), "{}", p.text());
    assert_eq!(app.audit_count(), audits);
}

#[tokio::test]
async fn the_review_period_title_and_date_are_set_on_the_page_and_remembered() {
    let app = with_officer(TestApp::spawn());
    let c = Client::session(&app, "baomat");
    for (date, n) in [("15/01/2021", "740"), ("10/10/2023", "50")] {
        let p = c
            .post(
                "/programme/training",
                &[
                    ("date", date),
                    ("kind", "training"),
                    ("organiser", "Công an Tỉnh"),
                    ("organised_by", "own"),
                    ("audience", "Cán bộ"),
                    ("participants", n),
                ],
                true,
            )
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER);
    }
    let form = |from: &'static str, to: &'static str| {
        vec![
            ("kind", "multi-year"),
            ("year", "2023"),
            ("incident", ""),
            ("period_start", from),
            ("period_end", to),
            ("place", "Đồng Tháp"),
            ("date", "30/09/2023"),
            ("narrative.m4", "Ưu điểm: chỉ đạo sát sao."),
        ]
    };
    // Bad input: the period ends before it starts. A Vietnamese error, nothing saved.
    let p = c
        .post(
            "/programme/reports/draft",
            &form("30/09/2023", "01/07/2020"),
            true,
        )
        .await;
    assert!(
        p.text()
            .contains("ngày cuối kỳ số liệu phải từ ngày đầu kỳ"),
        "{}",
        p.text()
    );
    let offer = app
        .get("/api/v1/programme/reports/multi-year/2023/draft", "baomat")
        .await
        .expect(200);
    assert!(offer["draft_id"].is_null(), "nothing saved: {offer}");
    // A good period: saved, shown again, and the figures are those of the period alone.
    let p = c
        .post(
            "/programme/reports/draft",
            &form("01/07/2020", "30/09/2023"),
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text());
    let t = c
        .get("/programme/reports?kind=multi-year&year=2023")
        .await
        .text();
    assert!(t.contains("01/07/2020 – 30/09/2023"), "period shown");
    assert!(t.contains("Sơ kết 03 năm thi hành Luật Bảo vệ bí mật nhà nước"));
    assert!(t.contains("value=\"01/07/2020\"") && t.contains("value=\"Đồng Tháp\""));
    assert!(
        t.contains("1 buổi tập huấn") && t.contains("cho 740 lượt"),
        "{t}"
    );
    assert!(t.contains("Ưu điểm: chỉ đạo sát sao."));
    let m = app
        .get("/api/v1/programme/reports/multi-year/2023", "giamdoc")
        .await
        .expect(200);
    assert_eq!(m["figures"]["training"]["participants"], 740);
    assert_eq!(m["particulars"]["date"], "2023-09-30");
    assert_eq!(m["particulars"]["place"], "Đồng Tháp");
    // The footnote (the organiser) is listed on the page under its number.
    assert!(t.contains("<li value=\"1\">Công an Tỉnh.</li>"), "{t}");
}

#[tokio::test]
async fn the_annual_plan_is_edited_and_issued_from_the_report_page() {
    let app = with_officer(TestApp::spawn());
    let c = Client::session(&app, "baomat");
    let t = c
        .get("/programme/reports?kind=annual-plan&year=2027")
        .await
        .text();
    assert!(
        t.contains("Công tác bảo vệ bí mật nhà nước năm 2027"),
        "{t}"
    );
    assert!(t.contains("id=\"plan-tasks\"") && t.contains("Đơn vị chủ trì"));
    assert!(
        t.contains("id=\"issue-form\""),
        "the officer may issue: {t}"
    );
    let form = |tasks: &'static str| {
        vec![
            ("kind", "annual-plan"),
            ("year", "2027"),
            ("incident", ""),
            ("number", "05/KH-UBND"),
            ("tasks", tasks),
        ]
    };
    // A task line without its four parts: a Vietnamese error naming the line, nothing saved.
    let p = c
        .post(
            "/programme/reports/draft",
            &form("Kiểm tra | Tự kiểm tra | Văn phòng"),
            true,
        )
        .await;
    assert!(p.text().contains("dòng 1: ghi đủ 4 phần"), "{}", p.text());
    let offer = app
        .get("/api/v1/programme/reports/annual-plan/2027/draft", "baomat")
        .await
        .expect(200);
    assert!(offer["draft_id"].is_null(), "nothing saved: {offer}");
    let p = c
        .post(
            "/programme/reports/draft",
            &form(
                "Kiểm tra | Tự kiểm tra các phòng | Văn phòng | 31/10/2027\nTuyên truyền | Phổ biến Luật | Phòng Tư pháp | thường xuyên",
            ),
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text());
    let m = app
        .get("/api/v1/programme/reports/annual-plan/2027", "giamdoc")
        .await
        .expect(200);
    assert_eq!(m["tasks"].as_array().map(Vec::len), Some(2), "{m}");
    assert_eq!(m["tasks"][0]["deadline"], "2027-10-31");
    assert!(m["tasks"][1]["deadline"].is_null());
    assert_eq!(m["particulars"]["number"], "05/KH-UBND");
    // Issued from the page: the tasks become the plan record's.
    let p = c
        .post(
            "/programme/reports/issue",
            &[("year", "2027"), ("number", ""), ("date", "")],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.text());
    let t = c
        .get("/programme/reports?kind=annual-plan&year=2027")
        .await
        .text();
    assert!(
        t.contains("id=\"plan-issued\"") && t.contains("05/KH-UBND"),
        "{t}"
    );
    assert!(!t.contains("id=\"issue-form\""), "{t}");
    let plans = app
        .get("/api/v1/programme/records/plan", "baomat")
        .await
        .expect(200);
    let plans = plans.as_array().expect("plans");
    assert_eq!(plans.len(), 1, "{plans:?}");
    let tasks = &plans[0]["record"]["tasks"];
    assert_eq!(tasks[0]["unit"], "Văn phòng");
    assert_eq!(tasks[0]["deadline"], "2027-10-31");
    assert_eq!(tasks[1]["unit"], "Phòng Tư pháp");
    assert_eq!(tasks[1]["deadline"], "2027-12-31");
    // A second issue of the year: refused in Vietnamese, nothing written.
    let audits = app.audit_count();
    let p = c
        .post("/programme/reports/issue", &[("year", "2027")], true)
        .await;
    assert!(p.text().contains("đã được ban hành"), "{}", p.text());
    assert_eq!(app.audit_count(), audits);
    // The plan as DOCX from the page.
    let p = c.get("/programme/reports/annual-plan/2027/docx").await;
    assert_eq!(p.status, StatusCode::OK);
}
