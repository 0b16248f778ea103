//! Reports on one record and the split by unit (issue 14): the inspection conclusion of one
//! inspection, the ad-hoc incident report written from the rules' sentences (an override of
//! the rules changes the DOCX), and a report of three subordinate bundles whose DOCX keeps
//! each unit's figures.

use crate::bundles::unit_data;
use crate::helpers::*;

use bmnn_core::CoreError;
use bmnn_core::programme::*;
use bmnn_core::service::{NewUser, RecordCmd, ReportQuery};
use serde_json::Value;

/// The sentences of a section of the JSON model, joined by newlines.
fn facts(m: &Value, code: &str) -> String {
    let s = m["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == code)
        .unwrap_or_else(|| panic!("section {code} in {m}"));
    s["facts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// No developer text and no name of the software in an official document.
fn no_developer_text(t: &str) {
    for bad in ["[U]", "[S", "legal.md", "bmnn", "BMNN_", "{", "}"] {
        assert!(!t.contains(bad), "official text holds {bad:?}:\n{t}");
    }
}

fn docx_of(e: &Env, args: &[&str]) -> Vec<u8> {
    let out = e.path("ket-qua.docx");
    let mut all = args.to_vec();
    all.extend(["--format", "docx", "--output", out.to_str().unwrap()]);
    e.ok(&all);
    std::fs::read(out).unwrap()
}

#[test]
fn the_inspection_conclusion_states_the_inspections_facts() {
    for e in backends("Ủy ban nhân dân tỉnh Đồng Tháp") {
        let seeded = dong_thap(&e);
        let id = seeded.inspection.to_string();
        let args = [
            "report",
            "inspection-conclusion",
            "--year",
            "2025",
            "--inspection",
            &id,
        ];
        let m = e.json(&args);
        assert_eq!(m["kind"], "inspection-conclusion");
        assert_eq!(
            m["title"],
            "Kết luận kiểm tra công tác bảo vệ bí mật nhà nước"
        );
        assert_eq!(m["inspection_id"], seeded.inspection);
        assert_eq!(m["period"]["start"], "2025-05-10");
        assert_eq!(m["period"]["end"], "2025-05-10");
        let codes: Vec<&str> = (m["sections"].as_array().unwrap().iter())
            .map(|s| s["code"].as_str().unwrap())
            .collect();
        assert_eq!(codes, ["k1", "k2", "k3", "k4"]);
        assert_eq!(
            m["opening"],
            "Căn cứ kết quả kiểm tra công tác bảo vệ bí mật nhà nước ngày 10/05/2025 của Ban Chỉ đạo công tác bảo vệ BMNN Tỉnh, Ủy ban nhân dân tỉnh Đồng Tháp kết luận như sau:"
        );
        // Only this inspection counts: 28 units, 3 findings, 2 remedies.
        let f = &m["figures"]["inspections"];
        assert_eq!(
            (&f["inspections"], &f["units_inspected"], &f["findings"]),
            (&1.into(), &28.into(), &3.into())
        );
        let general = facts(&m, "k1");
        assert!(
            general.starts_with(
                "Thực hiện Quyết định số 45/QĐ-BCĐ ngày 02/5/2025, Ban Chỉ đạo công tác bảo vệ BMNN Tỉnh đã tiến hành kiểm tra công tác bảo vệ bí mật nhà nước ngày 10 tháng 5 năm 2025 tại 28 cơ quan, đơn vị: Sở 1; Sở 2; Sở 3;"
            ) && general.ends_with("; Sở 28."),
            "{general}"
        );
        // The findings by topic (nội dung kiểm tra, from the rules), in the topics' order;
        // topics without findings left out.
        assert_eq!(
            facts(&m, "k2"),
            "Qua kiểm tra, đã phát hiện 3 tồn tại, hạn chế trong thực hiện các quy định của pháp luật về bảo vệ bí mật nhà nước:\n\
             - Việc xây dựng nội quy, thành lập Ban, Tổ chỉ đạo, bố trí cán bộ làm công tác bảo vệ bí mật nhà nước, ký cam kết: Chưa ban hành nội quy bảo vệ BMNN.\n\
             - Việc xác định độ mật, thực hiện các quy định bảo mật trong soạn thảo, phát hành và quản lý văn bản: Văn bản mật không có Phiếu đề xuất độ mật; Chưa rà soát BMNN theo Điều 28."
        );
        assert!(
            !facts(&m, "k2").contains("Lộ, lọt"),
            "empty topics left out"
        );
        assert_eq!(
            facts(&m, "k3"),
            "Yêu cầu các cơ quan, đơn vị được kiểm tra thực hiện 2 biện pháp khắc phục: Ban hành nội quy (Sở Nội vụ, hạn 30/06/2025); Rà soát văn bản mật trước 2019 (Sở Tư pháp, hạn 30/09/2025).\n\
             Đến nay, đã thực hiện 1/2 biện pháp (Ban hành nội quy ngày 20/06/2025); 1 biện pháp quá hạn chưa thực hiện."
        );
        assert_eq!(
            facts(&m, "k4"),
            "Các cơ quan, đơn vị được kiểm tra tổ chức khắc phục các tồn tại, hạn chế nêu trên đúng thời hạn và báo cáo kết quả về Ủy ban nhân dân tỉnh Đồng Tháp.\n\
             Ủy ban nhân dân tỉnh Đồng Tháp theo dõi, đôn đốc việc thực hiện kết luận này."
        );

        let bytes = docx_of(&e, &args);
        let t = docx_text(&bytes);
        for s in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP",
            "KẾT LUẬN",
            "/KL-UBND",
            "Kết luận kiểm tra công tác bảo vệ bí mật nhà nước",
            "THÔNG TIN CHUNG",
            "KẾT QUẢ KIỂM TRA",
            "KIẾN NGHỊ, YÊU CẦU KHẮC PHỤC",
            "TỔ CHỨC THỰC HIỆN",
            "Thực hiện Quyết định số 45/QĐ-BCĐ ngày 02/5/2025",
            "- Việc xây dựng nội quy, thành lập Ban, Tổ chỉ đạo, bố trí cán bộ làm công tác bảo vệ bí mật nhà nước, ký cam kết: Chưa ban hành nội quy bảo vệ BMNN.",
            "Văn bản mật không có Phiếu đề xuất độ mật; Chưa rà soát BMNN theo Điều 28.",
            "Rà soát văn bản mật trước 2019 (Sở Tư pháp, hạn 30/09/2025)",
            "Nơi nhận:",
        ] {
            assert!(t.contains(s), "{}: DOCX lacks {s:?}:\n{t}", e.backend);
        }
        assert!(!t.contains("BÁO CÁO"), "a conclusion, not a report:\n{t}");
        no_developer_text(&t);
        if e.backend == "sqlite"
            && let Some(pdf) = pdf_text(&bytes, &e)
        {
            for s in [
                "KẾT LUẬN",
                "I. THÔNG TIN CHUNG",
                "IV. TỔ CHỨC THỰC HIỆN",
                "Ban hành nội quy (Sở Nội vụ, hạn 30/06/2025)",
            ] {
                assert!(pdf.contains(s), "PDF lacks {s:?}:\n{pdf}");
            }
        }

        // An inspection that does not exist, or a record that is not an inspection: a clear
        // Vietnamese refusal, nothing printed.
        for wrong in ["999999".to_string(), seeded.unreported_incident.to_string()] {
            let out = e.path("khong-co.docx");
            let o = e.bmnn(&[
                "report",
                "inspection-conclusion",
                "--year",
                "2025",
                "--inspection",
                &wrong,
                "--format",
                "docx",
                "--output",
                out.to_str().unwrap(),
            ]);
            assert!(!o.status.success());
            assert!(
                text(&o).contains("Không tìm thấy cuộc kiểm tra"),
                "{}",
                text(&o)
            );
            assert!(!out.exists(), "no document written");
        }
        // Without the inspection: said what to choose.
        let q = ReportQuery::of(ReportKind::InspectionConclusion, 2025);
        let err = e.svc.report(&sys(), q).unwrap_err();
        assert!(err.to_string().contains("chọn cuộc kiểm tra"), "{err}");
        // A drafter may not see reports: refused in Vietnamese.
        let drafter = e
            .svc
            .create_user(
                &sys(),
                NewUser {
                    username: "soanthao".into(),
                    full_name: "Người soạn thảo".into(),
                    roles: vec![bmnn_core::model::Role::Drafter],
                    clearance: Some(bmnn_core::Level::Mat),
                    position_id: None,
                    unit_id: None,
                    password_hash: "x".into(),
                },
            )
            .expect("user");
        let ctx = bmnn_core::service::Ctx {
            user_id: drafter.id,
            ..sys()
        };
        let q = ReportQuery {
            inspection_id: Some(seeded.inspection),
            ..ReportQuery::of(ReportKind::InspectionConclusion, 2025)
        };
        let err = e.svc.report(&ctx, q).unwrap_err();
        assert!(matches!(err, CoreError::Forbidden(_)), "{err:?}");
        assert!(err.to_string().contains("Bạn không có quyền"), "{err}");
        assert!(e.svc.report(&sys(), q).is_ok());
    }
}

#[test]
fn the_incident_report_is_written_from_the_rules_sentences() {
    for e in backends("Sở Tư pháp") {
        let seeded = dong_thap(&e);
        let id = seeded.unreported_incident.to_string();
        let args = ["report", "incident", "--year", "2025", "--incident", &id];
        let m = e.json(&args);
        assert_eq!(m["regime"], "A");
        assert_eq!(
            facts(&m, "c1"),
            "Vào ngày 12 tháng 11 năm 2025, phát hiện vụ lộ bí mật nhà nước do cung cấp tài liệu bí mật nhà nước trái quy định của pháp luật (Cung cấp cho ngân hàng thương mại).\n\
             Vụ việc liên quan đến 2 tài liệu, vật chứa bí mật nhà nước (chưa xác định độ mật: 02 và thuộc danh mục bí mật nhà nước: 02)."
        );
        assert_eq!(
            facts(&m, "c3"),
            "Đã kịp thời thu hồi tài liệu, vật chứa bí mật nhà nước bị lộ, mất.\n\
             Đã phê bình, rút kinh nghiệm 1 trường hợp có sai phạm.\n\
             Hiện nay, vụ việc đang được xác minh, làm rõ."
        );
        assert_eq!(
            facts(&m, "c4"),
            "Sở Tư pháp tiếp tục phối hợp với cơ quan chức năng xác minh, làm rõ vụ việc và sẽ báo cáo kết quả khi có kết luận."
        );
        // The rows of zeros of the handling table are left out (nothing disciplined).
        let t = docx_text(&docx_of(&e, &args));
        assert!(t.contains("Tổng số vụ|1|"), "{t}");
        assert!(!t.contains("Người bị xử lý kỷ luật|0|"), "{t}");
        assert!(!t.contains("Tuyệt mật|0|"), "{t}");

        // Concluded: the state and outcome are said, the proposal to keep verifying is not.
        let x = e
            .svc
            .get_record::<Incident>(&sys(), seeded.unreported_incident)
            .unwrap();
        let mut r = x.record;
        r.state = IncidentState::Concluded;
        r.state_on = Some(d("20/11/2025"));
        r.outcome = Some("Do công chức sơ suất khi cung cấp hồ sơ vay vốn".into());
        e.svc
            .update_record(
                &sys(),
                seeded.unreported_incident,
                RecordCmd {
                    unit_id: None,
                    record: r,
                },
            )
            .expect("conclude");
        let m = e.json(&args);
        let handling = facts(&m, "c3");
        assert!(
            handling.ends_with(
                "Ngày 20/11/2025, vụ việc đã được kết luận: Do công chức sơ suất khi cung cấp hồ sơ vay vốn."
            ) && !handling.contains("đang được xác minh"),
            "{handling}"
        );
        assert_eq!(facts(&m, "c4"), "");

        // The sentence is data: the rules' text changed by an override file changes the DOCX.
        let embedded = include_str!("../../rules/regime-a.toml");
        let changed = embedded.replacen(
            "text = \"Ngày {incident_state_on}, vụ việc đã được kết luận: {incident_outcome}.\"",
            "text = \"Ngày {incident_state_on}, cơ quan có thẩm quyền đã kết luận vụ việc: {incident_outcome}.\"",
            1,
        );
        assert_ne!(changed, embedded);
        std::fs::create_dir_all(e.path("rules")).unwrap();
        std::fs::write(e.path("rules/regime-a.toml"), changed).unwrap();
        let t = docx_text(&docx_of(&e, &args));
        assert!(
            t.contains("Ngày 20/11/2025, cơ quan có thẩm quyền đã kết luận vụ việc: Do công chức sơ suất khi cung cấp hồ sơ vay vốn."),
            "{t}"
        );
        assert!(!t.contains("vụ việc đã được kết luận"), "{t}");
        no_developer_text(&t);
    }
}

/// One cell per column of the table of units, as the DOCX text shows a row.
fn unit_row(u: &Value) -> String {
    let f = &u["figures"];
    let n = |v: &Value| v.as_u64().unwrap();
    let received = u["received_on"].as_str().unwrap();
    let (y, rest) = received.split_at(4);
    let date = format!("{}/{}/{y}", &rest[4..6], &rest[1..3]);
    format!(
        "{}|{date}|{}|{}|{}|{}|{}|{}|{}|",
        u["unit"].as_str().unwrap(),
        if u["on_time"] == true {
            "Đúng hạn"
        } else {
            "Chậm"
        },
        n(&f["training"]["sessions"]),
        n(&f["training"]["participants"]),
        n(&f["inspections"]["inspections"]) + n(&f["inspections"]["self_inspections"]),
        n(&f["inspections"]["units_inspected"]),
        n(&f["incidents"]["incidents"]),
        n(&f["directives"]["issued"]),
    )
}

#[test]
fn three_bundles_keep_the_split_by_unit_in_the_docx() {
    for province in backends("Ủy ban nhân dân tỉnh Đồng Tháp") {
        let names = [
            "UBND huyện Cao Lãnh",
            "UBND huyện Lai Vung",
            "UBND huyện Tháp Mười",
        ];
        let units: Vec<Env> = names.iter().map(|n| sibling(&province, n)).collect();
        unit_data(&province, 1, 50, 0);
        unit_data(&units[0], 3, 45, 2);
        unit_data(&units[1], 1, 60, 3);
        unit_data(&units[2], 2, 20, 0);
        units[2].add(Inspection {
            date: d("05/05/2025"),
            kind: InspectionKind::SelfInspection,
            inspector: "UBND huyện Tháp Mười".into(),
            decision: None,
            organised_by: OrganisedBy::Own,
            units: vec!["Xã Mỹ An".into(), "Xã Mỹ Hòa".into()],
            units_count: 0,
            findings: vec![],
            remedies: vec![],
        });
        units[0].add(Directive {
            date: d("10/02/2025"),
            direction: Direction::Issued,
            kind: DirectiveKind::Plan,
            number_symbol: "12/KH-UBND".into(),
            issuer: "UBND huyện Cao Lãnh".into(),
            title: "công tác bảo vệ bí mật nhà nước năm 2025".into(),
        });
        for (name, unit) in names.iter().zip(&units) {
            let key = String::from_utf8(unit.ok(&["report", "keygen"]))
                .unwrap()
                .trim()
                .to_string();
            let p = unit.path("goi.json");
            unit.ok(&[
                "report",
                "bundle",
                "--year",
                "2025",
                "--output",
                p.to_str().unwrap(),
            ]);
            province.ok(&[
                "report",
                "register-key",
                "--unit",
                name,
                "--public-key",
                &key,
            ]);
            province.ok(&["report", "import-bundle", p.to_str().unwrap()]);
        }

        let m = province.json(&["report", "annual", "--year", "2025"]);
        let listed = m["units"].as_array().unwrap();
        assert_eq!(listed.len(), 3);
        let t = docx_text(&docx_of(&province, &["report", "annual", "--year", "2025"]));
        assert!(t.contains("Số liệu của các đơn vị cấp dưới"), "{t}");
        // Each unit's row equals the figures of its own report (not the level above's view).
        let mut sum = [0u64; 6];
        for (name, unit) in names.iter().zip(&units) {
            let own = unit.json(&["report", "annual", "--year", "2025"]);
            let u = listed.iter().find(|u| u["unit"] == *name).unwrap();
            assert_eq!(u["figures"], own["figures"], "{name}: the bundle's figures");
            let row = unit_row(u);
            assert!(t.contains(&format!("{row}\n")), "{name}: {row:?} in\n{t}");
            let cells: Vec<u64> = row
                .split('|')
                .skip(3)
                .filter(|c| !c.is_empty())
                .map(|c| c.replace('.', "").parse().unwrap())
                .collect();
            for (s, c) in sum.iter_mut().zip(cells) {
                *s += c;
            }
        }
        assert_eq!(sum, [6, 235, 1, 2, 5, 1], "independent expectation");
        let total = format!(
            "Cộng|||{}|",
            sum.iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join("|")
        );
        assert!(t.contains(&total), "{total:?} in\n{t}");
        // The totals of the report are the agency's own plus the units' sum.
        let f = &m["figures"];
        assert_eq!(f["training"]["sessions"], 1 + sum[0]);
        assert_eq!(f["training"]["participants"], 50 + sum[1]);
        assert_eq!(f["incidents"]["incidents"], sum[4]);
        // Never "0 units" above a list of three.
        assert!(t.contains("Có 3/3 đơn vị cấp dưới đã gửi báo cáo"), "{t}");
        assert!(!t.contains("Có 0"), "{t}");
        no_developer_text(&t);
    }
}
