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

/// The decision forms show the rules of the act's date: the date field asks for the rules
/// block of the typed date (htmx), which names the regime and amendment period of that day
/// and the points of it the rules leave unconfirmed.
#[tokio::test]
async fn the_decision_form_follows_the_date_of_the_act() {
    let app = TestApp::spawn();
    let rules = bmnn_core::rules::RuleSet::embedded();
    let c = crate::ui_client::Client::session(&app, "soanthao");
    let form = c.get("/acts/propose").await.text();
    assert!(
        form.contains(r#"hx-get="/acts/propose/rules""#)
            && form.contains(r##"hx-target="#act-rules""##),
        "the date field refreshes the rules block"
    );
    let block = |date: &'static str| {
        let c = &c;
        async move {
            let p = c.get(&format!("/acts/propose/rules?date={date}")).await;
            assert_eq!(p.status, axum::http::StatusCode::OK);
            p.text()
        }
    };
    let note = |date: &str| {
        let d = bmnn_core::dates::parse_date(date).unwrap();
        let keys: Vec<_> = bmnn_core::Level::ALL
            .into_iter()
            .map(|l| (bmnn_core::rules::Act::Classify, l))
            .collect();
        rules.date_note(d, &keys).unwrap()
    };
    // The texts compared hold no character that HTML escapes.
    let esc = |s: &str| {
        assert!(!s.contains(['&', '<', '>', '"', '\'']), "{s}");
        s.to_string()
    };
    for date in ["04/04/2025", "10/09/2025", "04/04/2026"] {
        let html = block(date).await;
        let n = note(date);
        assert!(html.starts_with(r#"<div id="act-rules""#), "{html}");
        assert!(
            html.contains(&esc(&n.regime)),
            "{date}: the regime of the date"
        );
        assert!(html.contains(date));
        assert_eq!(
            html.contains("Chưa xác nhận trong văn bản gốc"),
            !n.unconfirmed.is_empty(),
            "{date}"
        );
        for u in &n.unconfirmed {
            assert!(html.contains(&esc(u)), "{date}: {u}");
        }
        if let Some(p) = &n.period {
            assert!(html.contains(&esc(p)), "{date}: the amendment period");
        }
        let r = rules.regime_for(n.date).unwrap();
        let basis = &r
            .rule(bmnn_core::rules::Act::Classify, bmnn_core::Level::Mat)
            .basis;
        assert!(html.contains(&esc(basis)), "{date}: who decides, that day");
    }
    // Three different notes: regime A, regime A under Decree 184/2025, regime B.
    let (a, p, b) = (note("04/04/2025"), note("10/09/2025"), note("04/04/2026"));
    assert!(a.period.is_none() && p.period.is_some() && a.regime_code == p.regime_code);
    assert_eq!(b.regime_code, "B");
    // An unreadable date shows today's rules; an unknown act is not found.
    assert_eq!(
        c.get("/acts/khong-co/rules?date=04/04/2025").await.status,
        axum::http::StatusCode::NOT_FOUND
    );
}

/// Regime B forbids using artificial intelligence to infringe state secrets: a device that
/// holds secrets and uses an online AI tool is warned with the citation; regime A has no such
/// rule. The scanner page and the unconfirmed-rules page show the prohibition from the rules.
#[tokio::test]
async fn a_device_with_an_online_ai_tool_is_warned_under_regime_b_and_the_pages_show_the_rule() {
    let app = TestApp::spawn();
    let rules = bmnn_core::rules::RuleSet::embedded();
    let ai = rules
        .regime("B")
        .unwrap()
        .ai
        .clone()
        .expect("regime B's rule");
    let device = |date: &str, ai_tool: bool| {
        json!({"record": {"identity": format!("MT-{date}-{ai_tool}"), "kind": "computer",
            "description": "Máy soạn thảo", "in_use_from": date, "never_connected": true,
            "connection": "standalone", "status": "in-use", "ai_tool": ai_tool,
            "warning": "giả mạo"}})
    };
    let b = app
        .post_json(
            "/api/v1/programme/records/device",
            "baomat",
            device("2026-04-01", true),
        )
        .await
        .expect(201);
    let w = b["record"]["warning"].as_str().expect("warned");
    assert!(
        w.contains(&ai.device_warning) && w.contains(&ai.basis),
        "{w}"
    );
    assert_eq!(w.contains("chưa được xác nhận"), !ai.confirmed);
    for (date, tool) in [("2025-04-01", true), ("2026-04-01", false)] {
        let r = app
            .post_json(
                "/api/v1/programme/records/device",
                "baomat",
                device(date, tool),
            )
            .await
            .expect(201);
        assert!(r["record"].get("warning").is_none(), "{date} {tool}: {r}");
    }
    // The texts compared hold no character that HTML escapes.
    let esc = |s: &str| {
        assert!(!s.contains(['&', '<', '>', '"', '\'']), "{s}");
        s.to_string()
    };
    let c = crate::ui_client::Client::session(&app, "baomat");
    let today_b = rules
        .regime_for(bmnn_web::today_vn())
        .is_some_and(|r| r.code == "B");
    let scan = c.get("/scan").await.text();
    assert_eq!(scan.contains(&esc(&ai.text)), today_b, "scanner page");
    let devices = c.get("/programme/device").await.text();
    assert!(
        devices.contains(&esc(&ai.device_warning)),
        "the device list shows the warning"
    );
    let unconfirmed = c.get("/rules/unconfirmed").await.text();
    assert!(unconfirmed.contains(&esc(&ai.text)));
    assert!(bmnn_core::rules::legal_page(&rules).contains(&ai.text));
}

/// The printed register book (DOCX) of a year cites the rules of the book's regime in its
/// instructions: a 2026 copies book (regime B) no longer prints Decree 26/2020, a 2024 book
/// (regime A) does.
#[tokio::test]
async fn the_printed_register_cites_the_rules_of_its_regime() {
    use std::io::Read;
    let app = TestApp::spawn();
    let rules = bmnn_core::rules::RuleSet::embedded();
    let c = crate::ui_client::Client::session(&app, "vanthu");
    let text = |bytes: Vec<u8>| {
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("docx");
        let mut s = String::new();
        z.by_name("word/document.xml")
            .expect("document")
            .read_to_string(&mut s)
            .unwrap();
        s
    };
    for (year, day) in [(2024, "31/12/2024"), (2026, "31/12/2026")] {
        let p = c.get(&format!("/registers/copies/{year}/docx")).await;
        assert_eq!(p.status, axum::http::StatusCode::OK);
        let doc = text(p.bytes);
        let d = bmnn_core::dates::parse_date(day).unwrap();
        let r = rules.regime_for(d).unwrap();
        let book = bmnn_core::registers::book_regime(&rules, year, bmnn_web::today_vn());
        assert_eq!(book.code, r.code);
        let basis = &r.cite(bmnn_core::rules::Cite::CopyCount).basis;
        assert!(doc.contains(basis.as_str()), "{year}: {basis}");
        assert!(!doc.contains("{cite:"), "{year}");
        if r.code == "B" {
            for old in ["26/2020", "ND26"] {
                assert!(!doc.contains(old), "{year}: the regime B book prints {old}");
            }
        }
    }
}

/// The legal-points page says whether the rules in force are the embedded ones, and names each
/// override of the installation in plain Vietnamese: each change, by the rule's Vietnamese name,
/// what it was and what it is now (not the keys).
#[tokio::test]
async fn the_legal_points_page_lists_the_rules_overrides_in_force() {
    let app = crate::helpers::TestApp::spawn();
    let c = crate::ui_client::Client::session(&app, "baomat");
    let page = c.get("/rules/unconfirmed").await.text();
    assert!(page.contains("Quy tắc thay thế tại cơ sở"), "{page}");
    assert!(page.contains("Không có: áp dụng quy tắc gắn sẵn"));

    let embedded_b = bmnn_core::rules::EMBEDDED
        .iter()
        .find(|(n, _)| *n == "regime-b.toml")
        .expect("embedded regime B")
        .1;
    // A Tối mật copy approvable by heads of division, and a stamp added.
    let changed = embedded_b
        .replacen(
            "act = \"copy\"\nlevels = [\"toi-mat\"]\ngroups = [\"TM\"]",
            "act = \"copy\"\nlevels = [\"toi-mat\"]\ngroups = [\"TM\", \"M\"]",
            1,
        )
        .replacen(
            "[[stamps]]",
            "[[stamps]]\ncode = \"khan\"\ntext = \"KHẨN\"\nkind = \"copy\"\nform = \"x\"\n[[stamps]]",
            1,
        );
    assert_ne!(changed, embedded_b, "the test changes two rules");
    let overrides = bmnn_core::rules_override::differences(
        &bmnn_core::rules::EMBEDDED,
        &[("regime-b.toml".to_string(), changed)],
    );
    let app = crate::helpers::TestApp::spawn_with(bmnn_web::WebConfig {
        rules_overrides: overrides,
        ..Default::default()
    });
    let c = crate::ui_client::Client::session(&app, "baomat");
    let page = c.get("/rules/unconfirmed").await.text();
    assert!(!page.contains("Không có: áp dụng quy tắc gắn sẵn"));
    assert!(page.contains("khác quy tắc gắn sẵn"), "{page}");
    let section = &page[page.find("Quy tắc thay thế tại cơ sở").expect("section")..];
    let section = &section[..section.find("</section>").expect("end")];
    for want in [
        "Tệp «regime-b.toml» (thay cho tệp quy tắc gắn sẵn cùng tên): 2 thay đổi so với quy tắc gắn sẵn:",
        "<li>Thẩm quyền cho phép sao, chụp tài liệu Tối mật — người đứng đầu được quyết định: thêm «Nhóm Điều 11 khoản 1, 2 và 3 (được cho phép sao, chụp Mật)»</li>",
        "<li>Mẫu dấu «KHẨN»: thêm mới</li>",
    ] {
        assert!(section.contains(want), "{want}\n{section}");
    }
    // No TOML key, no code, no English in what the page says of the override.
    for bad in [
        "authority",
        "stamps",
        "groups",
        "toi-mat",
        "_",
        "[P]",
        "[U]",
    ] {
        assert!(!section.contains(bad), "{bad}: {section}");
    }
}
