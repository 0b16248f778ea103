//! Reports computed from the records: every figure of the Đồng Tháp dataset in the JSON model
//! and in the DOCX text; the period and deadline per regime; five-year and incident reports;
//! the DOCX rendered by LibreOffice.

use crate::helpers::*;
use serde_json::Value;

/// Every figure of the 2025 annual report of the Đồng Tháp dataset.
fn check_figures(f: &Value) {
    let expect = [
        // Incidents (seed 003: 13 cases, 10 on the Internet, 3 improper provision, 18 documents:
        // Tối mật 4, Mật 9, 5 in the catalogue; 1 disciplined, 36 criticised).
        ("/incidents/incidents", 13),
        ("/incidents/exposures", 13),
        ("/incidents/losses", 0),
        ("/incidents/by_channel/agency_website", 7),
        ("/incidents/by_channel/social_network", 3),
        ("/incidents/by_channel/improper_provision", 3),
        ("/incidents/by_channel/physical_loss", 0),
        ("/incidents/documents", 18),
        ("/incidents/documents_by_level/tuyet_mat", 0),
        ("/incidents/documents_by_level/toi_mat", 4),
        ("/incidents/documents_by_level/mat", 9),
        ("/incidents/documents_unmarked", 5),
        ("/incidents/documents_in_catalogue", 5),
        ("/incidents/recovered", 3),
        ("/incidents/taken_down", 10),
        ("/incidents/disciplined", 1),
        ("/incidents/criticised", 36),
        ("/incidents/adhoc_reported", 12),
        // Training: 17 sessions for 2,215 people.
        ("/training/sessions", 17),
        ("/training/participants", 2215),
        ("/training/training_sessions", 15),
        ("/training/training_participants", 1955),
        ("/training/briefing_sessions", 2),
        ("/training/briefing_participants", 260),
        ("/training/dissemination_sessions", 0),
        // Inspections: 2 at 28 + 12 units, 14 self-inspections of 277 units.
        ("/inspections/inspections", 2),
        ("/inspections/self_inspections", 14),
        ("/inspections/units_inspected", 317),
        ("/inspections/findings", 4),
        ("/inspections/remedies", 2),
        ("/inspections/remedies_done", 1),
        ("/inspections/remedies_overdue", 1),
        ("/staff/full_time", 1),
        ("/staff/concurrent", 12),
        ("/staff/assigned", 13),
        ("/staff/left", 1),
        ("/staff/commitments", 12),
        ("/staff/commitments_assignment", 12),
        ("/directives/issued", 8),
        ("/directives/received", 1),
        ("/directives/plans", 1),
        ("/directives/regulations", 1),
        ("/directives/letters", 7),
        ("/equipment/units", 2),
        ("/equipment/stamps", 36),
        ("/equipment/registers", 8),
        ("/devices/in_use", 6),
        ("/devices/computers", 3),
        ("/devices/storage_media", 2),
        ("/devices/copiers", 1),
        ("/devices/inspected", 5),
        ("/devices/repurposed", 1),
        ("/devices/wipes", 1),
        ("/devices/disposed", 0),
        ("/meetings/meetings", 2),
        ("/meetings/by_level/toi_mat", 1),
        ("/meetings/by_level/mat", 1),
        ("/meetings/documents_issued", 35),
        ("/meetings/documents_returned", 34),
        ("/legacy/reviewed", 120),
        ("/legacy/extended", 15),
        ("/legacy/declassified", 60),
        ("/plan/plans", 1),
        ("/plan/tasks", 4),
        ("/plan/tasks_done", 2),
        ("/plan/tasks_overdue", 2),
        ("/plan/subordinates", 2),
        ("/plan/plans_on_time", 1),
        ("/plan/reports_on_time", 1),
        // Items received in the period, by level, and the incoming register.
        ("/items/received/mat", 3),
        ("/items/received/toi_mat", 2),
        ("/items/received/tuyet_mat", 1),
        ("/items/classified/mat", 0),
        ("/registers/incoming", 6),
        ("/registers/outgoing", 0),
    ];
    for (path, n) in expect {
        assert_eq!(
            f.pointer(path).and_then(Value::as_u64),
            Some(n),
            "figure {path}"
        );
    }
}

#[test]
fn annual_report_figures_equal_the_records_in_json_and_docx() {
    for e in backends("Ủy ban nhân dân tỉnh Đồng Tháp") {
        dong_thap(&e);
        let m = e.json(&["report", "annual", "--year", "2025", "--format", "json"]);
        check_figures(&m["figures"]);
        assert_eq!(m["figures"], m["own"], "no subordinate unit yet");
        assert_eq!(m["regime"], "A");
        assert_eq!(
            m["title"],
            "Sơ kết công tác bảo vệ bí mật nhà nước năm 2025"
        );
        let codes: Vec<&str> = m["sections"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["a", "b", "c", "d"]);

        let out = e.path("bao-cao-2025.docx");
        e.ok(&[
            "report",
            "annual",
            "--year",
            "2025",
            "--format",
            "docx",
            "--output",
            out.to_str().unwrap(),
        ]);
        let bytes = std::fs::read(&out).unwrap();
        let t = docx_text(&bytes);
        for s in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP",
            "BÁO CÁO",
            "Sơ kết công tác bảo vệ bí mật nhà nước năm 2025",
            "từ ngày 15/12/2024 đến ngày 14/12/2025",
            "PHÂN TÍCH, ĐÁNH GIÁ TÌNH HÌNH",
            "KẾT QUẢ THỰC HIỆN CÔNG TÁC BẢO VỆ BÍ MẬT NHÀ NƯỚC",
            "TÌNH HÌNH, SỐ LIỆU CÁC VỤ LỘ, MẤT BÍ MẬT NHÀ NƯỚC",
            "DỰ BÁO TÌNH HÌNH",
            // Incidents by channel, by document level, handling.
            "Trang thông tin điện tử của cơ quan|7|",
            "Mạng xã hội|3|",
            "Cung cấp trái quy định|3|",
            "Trong đó trên mạng Internet|10|",
            "Tối mật|4|",
            "Mật|9|",
            "Chưa xác định độ mật|5|",
            "Thuộc danh mục bí mật nhà nước|5|",
            "Tổng|18|",
            "Tổng số vụ|13|",
            "Người bị xử lý kỷ luật|1|",
            "Người bị phê bình, rút kinh nghiệm|36|",
            // Prose from the rules' sentences; empty categories left out (issue 14).
            "còn để xảy ra 13 vụ lộ, mất tài liệu bí mật nhà nước",
            "10 vụ lộ bí mật nhà nước trên mạng internet",
            "3 vụ cung cấp tài liệu bí mật nhà nước trái quy định của pháp luật",
            "phê bình, rút kinh nghiệm 36 trường hợp",
            // Training, inspections, staff, devices, equipment, meetings, legacy, plan, items.
            "Tập huấn|15|1.955|",
            "Quán triệt|2|260|",
            "Tổng|17|2.215|",
            "đã tổ chức 17 buổi tập huấn, tuyên truyền, phổ biến, quán triệt pháp luật về bảo vệ bí mật nhà nước cho 2.215 lượt cán bộ, công chức, viên chức",
            "Cuộc kiểm tra|2|",
            "Cuộc tự kiểm tra|14|",
            "Lượt đơn vị được kiểm tra|317|",
            "Quá hạn chưa khắc phục|1|",
            "Cán bộ chuyên trách (cuối kỳ)|1|",
            "Cán bộ kiêm nhiệm (cuối kỳ)|12|",
            "Cam kết bảo vệ bí mật nhà nước đã ký|12|",
            "Văn bản ban hành|8|",
            "- Công văn|7|",
            "Đang sử dụng (cuối kỳ)|6|",
            "Đã kiểm tra an ninh, dán tem|5|",
            "Chuyển mục đích sử dụng trong kỳ|1|",
            "Con dấu mật|36|",
            "Số hội nghị, cuộc họp|0|1|1|2|",
            "35 / 34",
            "Đã rà soát|120|",
            "Giải mật|60|",
            "Nhiệm vụ trong kế hoạch|4|",
            "Tiếp nhận (bí mật nhà nước đến)|1|2|3|6|",
            "Sổ đăng ký bí mật nhà nước đến|6|",
            "Nơi nhận:",
            "Bộ Công an (Cục An ninh chính trị nội bộ)",
        ] {
            assert!(t.contains(s), "{}: DOCX lacks {s:?}:\n{t}", e.backend);
        }
        // A report shows counts, never the summary (trích yếu) of a secret item.
        let secret = "Nội dung mật không được vào báo cáo";
        assert!(!t.contains(secret));
        assert!(!m.to_string().contains(secret));

        if e.backend == "sqlite" {
            libreoffice_renders(&bytes, &e);
        }
    }
}

/// Converted by LibreOffice (when installed): no repair needed, and the PDF shows the national
/// header, the sections and the tables.
fn libreoffice_renders(docx: &[u8], e: &Env) {
    let Some(squashed) = pdf_text(docx, e) else {
        return;
    };
    for s in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO",
        "I. PHÂN TÍCH, ĐÁNH GIÁ TÌNH HÌNH",
        "III. TÌNH HÌNH, SỐ LIỆU CÁC VỤ LỘ, MẤT",
        "IV. DỰ BÁO TÌNH HÌNH",
        "Các vụ lộ, mất theo kênh",
        "Trong đó trên mạng Internet 10",
        "Tổng 17 2.215",
        "Nơi nhận:",
    ] {
        assert!(squashed.contains(s), "PDF lacks {s:?}:\n{squashed}");
    }
}

#[test]
fn period_and_deadline_follow_the_regime_of_the_report_year() {
    let e = backends("Sở Tư pháp").swap_remove(0);
    dong_thap(&e);
    let a = e.json(&["report", "annual", "--year", "2025"]);
    assert_eq!(a["regime"], "A");
    assert_eq!(a["period"]["start"], "2024-12-15");
    assert_eq!(a["period"]["end"], "2025-12-14");
    assert_eq!(a["due"], "2025-12-20");
    // Its period ends after 01/7/2025: Decree 26/2020 as amended by Decree 184/2025, whose
    // changes are not established, so the report's rule is unconfirmed and the report says so.
    assert_eq!(a["confirmed"], false);
    let notes = a["notes"].as_array().unwrap();
    assert!(
        notes.len() == 1 && notes[0].as_str().unwrap().contains("184/2025"),
        "{notes:?}"
    );
    let a24 = e.json(&["report", "annual", "--year", "2024"]);
    assert_eq!(a24["regime"], "A");
    assert_eq!(a24["confirmed"], true);
    assert!(a24["notes"].as_array().unwrap().is_empty());
    // The incident of 15/12/2025 falls in the 2026 report (regime B, unconfirmed).
    let b = e.json(&["report", "annual", "--year", "2026"]);
    assert_eq!(b["regime"], "B");
    assert_eq!(b["confirmed"], false);
    assert_eq!(b["period"]["start"], "2025-12-15");
    assert_eq!(b["period"]["end"], "2026-12-14");
    assert_eq!(b["due"], "2026-12-20");
    assert_eq!(b["figures"]["incidents"]["incidents"], 1);
    assert_eq!(
        b["figures"]["incidents"]["documents_by_level"]["tuyet_mat"],
        1
    );
    assert_eq!(b["figures"]["training"]["sessions"], 0);
    assert!(
        b["notes"][0]
            .as_str()
            .unwrap()
            .contains("chưa được xác nhận"),
        "{}",
        b["notes"]
    );

    // The obligations engine shows the report deadline and the plan of the coming year.
    let due = e.svc.due(&sys(), d("05/12/2026")).unwrap();
    let report = due
        .iter()
        .find(|o| o.kind == bmnn_core::obligations::ObligationKind::AnnualReport)
        .expect("annual report obligation");
    assert_eq!(report.due, d("20/12/2026"));
    assert!(report.text.contains("15/12/2025") && report.text.contains("14/12/2026"));
    let plan = due
        .iter()
        .find(|o| o.kind == bmnn_core::obligations::ObligationKind::AnnualPlan)
        .expect("plan obligation");
    assert!(plan.text.contains("năm 2027"), "{}", plan.text);
}

#[test]
fn five_year_report_spans_five_annual_periods() {
    let e = backends("Sở Tư pháp").swap_remove(0);
    dong_thap(&e);
    let m = e.json(&["report", "five-year", "--year", "2025"]);
    assert_eq!(m["period"]["start"], "2020-12-15");
    assert_eq!(m["period"]["end"], "2025-12-14");
    // The 740-person session of 14/12/2024 counts now; the 2022 commitment too.
    assert_eq!(m["figures"]["training"]["sessions"], 18);
    assert_eq!(m["figures"]["training"]["participants"], 2955);
    assert_eq!(m["figures"]["staff"]["commitments"], 13);
    assert_eq!(m["figures"]["items"]["received"]["mat"], 4);
    assert_eq!(m["figures"]["incidents"]["incidents"], 13);
    assert!(
        m["title"]
            .as_str()
            .unwrap()
            .contains("05 năm (2021 - 2025)")
    );
    assert!(
        m["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("05 năm")),
        "five-year period is [U]"
    );
}

#[test]
fn incident_report_covers_one_incident_at_once() {
    let e = backends("Sở Tư pháp").swap_remove(0);
    let seeded = dong_thap(&e);
    let id = seeded.unreported_incident.to_string();
    let m = e.json(&["report", "incident", "--year", "2025", "--incident", &id]);
    assert_eq!(m["kind"], "incident");
    assert_eq!(m["due"], "2025-11-12", "due on discovery (ND26 Điều 8.1.b)");
    assert_eq!(m["figures"]["incidents"]["incidents"], 1);
    assert_eq!(m["figures"]["incidents"]["documents"], 2);
    assert_eq!(
        m["figures"]["incidents"]["by_channel"]["improper_provision"],
        1
    );
    assert_eq!(m["title"], "Báo cáo đột xuất về vụ lộ bí mật nhà nước");
    let cause = m["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "c2")
        .unwrap();
    assert_eq!(
        cause["narrative"],
        "Lỗi chủ quan, mất cảnh giác của công chức"
    );
    let out = e.path("dot-xuat.docx");
    e.ok(&[
        "report",
        "incident",
        "--year",
        "2025",
        "--incident",
        &id,
        "--format",
        "docx",
        "--output",
        out.to_str().unwrap(),
    ]);
    let t = docx_text(&std::fs::read(out).unwrap());
    assert!(
        t.contains("12/11/2025|Lộ|Cung cấp trái quy định|Cung cấp cho ngân hàng thương mại|2|"),
        "{t}"
    );
    // Unknown incident: refused, nothing printed.
    let o = e.bmnn(&[
        "report",
        "incident",
        "--year",
        "2025",
        "--incident",
        "999999",
    ]);
    assert!(!o.status.success());
}

/// The one clearance filter applies to reports too: a leader cleared for Mật gets figures that
/// count no Tối mật or Tuyệt mật item.
#[test]
fn report_figures_stay_within_the_readers_clearance() {
    for e in backends("ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP") {
        dong_thap(&e);
        let reader = e
            .svc
            .create_user(
                &sys(),
                bmnn_core::service::NewUser {
                    username: "lanhdao_mat".into(),
                    full_name: "Lãnh đạo cấp Mật".into(),
                    roles: vec![bmnn_core::model::Role::Leader],
                    clearance: Some(bmnn_core::Level::Mat),
                    position_id: None,
                    unit_id: None,
                    password_hash: "x".into(),
                },
            )
            .expect("user");
        let ctx = bmnn_core::service::Ctx {
            user_id: reader.id,
            ..sys()
        };
        let q = || bmnn_core::service::ReportQuery {
            kind: bmnn_core::programme::ReportKind::Annual,
            year: 2025,
            incident_id: None,
        };
        let full = e.svc.report(&sys(), q()).expect("full report");
        let mat = e.svc.report(&ctx, q()).expect("Mật report");
        assert_eq!(full.own.items.received.toi_mat, 2, "{}", e.backend);
        assert_eq!(full.own.items.received.tuyet_mat, 1);
        assert_eq!(mat.own.items.received.mat, full.own.items.received.mat);
        assert_eq!(mat.own.items.received.toi_mat, 0, "{}", e.backend);
        assert_eq!(mat.own.items.received.tuyet_mat, 0, "{}", e.backend);
    }
}

/// `bmnn report text --kind multi-year --from … --to …` sets the review's period (kept with
/// its text); the review then counts exactly that period. A bad date is refused in Vietnamese
/// and nothing is saved.
#[test]
fn the_cli_sets_the_period_of_a_multi_year_review() {
    let e = backends("Ủy ban nhân dân tỉnh Đồng Tháp").swap_remove(0);
    dong_thap(&e);
    let bad = e.bmnn(&[
        "report",
        "text",
        "--kind",
        "multi-year",
        "--year",
        "2025",
        "--from",
        "31/02/2024",
    ]);
    assert!(!bad.status.success());
    assert!(
        text(&bad).contains("ngày phải viết theo dạng dd/mm/yyyy"),
        "{}",
        text(&bad)
    );
    let offer = e.json(&["report", "text", "--kind", "multi-year", "--year", "2025"]);
    assert!(offer["draft_id"].is_null(), "nothing saved: {offer}");
    e.ok(&[
        "report",
        "text",
        "--kind",
        "multi-year",
        "--year",
        "2025",
        "--from",
        "01/01/2025",
        "--to",
        "14/12/2025",
        "--place",
        "Đồng Tháp",
    ]);
    let m = e.json(&["report", "multi-year", "--year", "2025"]);
    assert_eq!(m["period"]["start"], "2025-01-01");
    assert_eq!(m["period"]["end"], "2025-12-14");
    assert_eq!(
        m["title"],
        "Sơ kết 01 năm thi hành Luật Bảo vệ bí mật nhà nước"
    );
    assert_eq!(m["particulars"]["place"], "Đồng Tháp");
    // Exactly the incidents whose discovery falls in the period set.
    let listed = e.json(&[
        "report",
        "records",
        "list",
        "incident",
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-14",
    ]);
    assert_eq!(
        m["figures"]["incidents"]["incidents"].as_u64(),
        Some(listed.as_array().unwrap().len() as u64)
    );
    assert!(!listed.as_array().unwrap().is_empty());
    assert!(m["footnotes"].as_array().is_some_and(|f| !f.is_empty()));
}
