//! The annual plan (kế hoạch công tác bảo vệ BMNN năm, seed 002): laid out from the rules'
//! `[plan_template]`, its text set and remembered with the report drafts, printed in the
//! Decree 30/2020 layout (LibreOffice converts it), and issued once a year as a plan record
//! whose tasks the due list follows.

use crate::helpers::*;
use bmnn_core::CoreError;
use bmnn_core::Level;
use bmnn_core::model::Role;
use bmnn_core::obligations::ObligationKind;
use bmnn_core::programme::reports::ReportModel;
use bmnn_core::programme::*;
use bmnn_core::service::*;

fn plan_query(year: i32) -> ReportQuery {
    ReportQuery::of(ReportKind::AnnualPlan, year)
}

fn plan(e: &Env, year: i32) -> ReportModel {
    e.svc.report(&sys(), plan_query(year)).expect("plan")
}

fn docx_of(m: &ReportModel) -> Vec<u8> {
    bmnn_web::programme::docx(&bmnn_web::programme::report_doc(m)).expect("docx")
}

#[test]
fn the_plan_of_2026_comes_from_the_rules_in_the_seed_layout() {
    for e in backends("ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP") {
        let b = e.backend;
        let m = plan(&e, 2026);
        let template = e
            .svc
            .rules
            .report_regime(2026)
            .plan_template
            .clone()
            .expect("regime B has a plan template");
        assert_eq!(m.kind, ReportKind::AnnualPlan);
        assert_eq!(m.title, "Công tác bảo vệ bí mật nhà nước năm 2026", "{b}");
        assert_eq!(m.particulars.number, "     /KH-UBND");
        let headings: Vec<&str> = m.sections.iter().map(|s| s.heading.as_str()).collect();
        assert_eq!(
            headings,
            ["Mục đích, yêu cầu", "Nhiệm vụ", "Tổ chức thực hiện"]
        );
        assert_eq!(m.sections[0].facts.len(), template.purposes.len());
        // Every standard task, with its unit in charge and its deadline in 2026.
        assert_eq!(m.tasks.len(), template.tasks.len(), "{b}");
        assert!(m.tasks.len() >= 8);
        for (t, x) in m.tasks.iter().zip(&template.tasks) {
            assert_eq!(t.unit, x.owner);
            assert_eq!(t.group, x.group);
            match x.deadline.as_str() {
                "thường xuyên" => assert_eq!(t.deadline, None),
                // The annual report's due date of the regime's [report].
                "report-due" => assert_eq!(t.deadline, Some(d("20/12/2026"))),
                md => assert_eq!(
                    t.deadline.map(bmnn_core::dates::iso),
                    Some(format!("2026-{md}"))
                ),
            }
        }
        let groups = bmnn_core::programme::reports::plan_groups(&m.tasks);
        assert!(groups.len() >= 4, "tasks grouped by topic: {groups:?}");
        // III: subordinate units send their plan by 15/02 and their report ten days before the
        // annual report's due date (20/12), over its data period 15/12/2025–14/12/2026.
        let org = m.sections[2].facts.join("\n");
        for s in [
            "15/02/2026",
            "10/12/2026",
            "20/12/2026",
            "15/12/2025",
            "14/12/2026",
        ] {
            assert!(org.contains(s), "{b}: III lacks {s}: {org}");
        }
        // The rules mark the plan as agency practice: said to the user, never printed.
        assert!(!m.confirmed);
        assert!(
            m.notes.iter().any(|n| n.starts_with("Kế hoạch năm:")),
            "{:?}",
            m.notes
        );

        let bytes = docx_of(&m);
        let t = docx_text(&bytes);
        if std::env::var_os("BMNN_PLAN_PRINT").is_some() && b == "sqlite" {
            println!("{t}");
        }
        for s in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP",
            "/KH-UBND",
            "KẾ HOẠCH",
            "Công tác bảo vệ bí mật nhà nước năm 2026",
            "MỤC ĐÍCH, YÊU CẦU",
            "NHIỆM VỤ",
            "TỔ CHỨC THỰC HIỆN",
            "Đơn vị chủ trì: Văn phòng.",
            "Thời gian thực hiện: thường xuyên.",
            "Thời gian thực hiện: 20/12/2026.",
            "Thời gian thực hiện: 31/03/2026.",
            "trước ngày 15/02/2026",
            "Nơi nhận:",
            "Các đơn vị trực thuộc (để thực hiện)",
        ] {
            assert!(t.contains(s), "{b}: DOCX lacks {s:?}:\n{t}");
        }
        for bad in [
            "[U]",
            "[S",
            "legal.md",
            "bmnn",
            "chưa xác nhận",
            "report-due",
            "{",
        ] {
            assert!(!t.contains(bad), "{b}: DOCX has {bad:?}:\n{t}");
        }
        if b == "sqlite"
            && let Some(pdf) = pdf_text(&bytes, &e)
        {
            for s in [
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
                "KẾ HOẠCH",
                "I. MỤC ĐÍCH, YÊU CẦU",
                "II. NHIỆM VỤ",
                "III. TỔ CHỨC THỰC HIỆN",
                "Đơn vị chủ trì: Văn phòng.",
                "Nơi nhận:",
            ] {
                assert!(pdf.contains(s), "PDF lacks {s:?}:\n{pdf}");
            }
        }
    }
}

#[test]
fn the_plan_text_is_set_and_remembered() {
    for e in backends("Sở Tư pháp") {
        let b = e.backend;
        let tasks = vec![
            PlanTaskText {
                group: "Tuyên truyền".into(),
                text: "Tập huấn cho cán bộ mới".into(),
                unit: "Phòng Tổ chức".into(),
                deadline: Some(d("30/06/2026")),
            },
            PlanTaskText {
                group: "Kiểm tra".into(),
                text: "Tự kiểm tra các phòng".into(),
                unit: "Văn phòng Sở".into(),
                deadline: None,
            },
        ];
        let text = ReportDraftText {
            number: Some("07/KH-STP".into()),
            recipients: vec!["Công an tỉnh (PA03)".into(), "Các phòng thuộc Sở".into()],
            signer_position: Some("GIÁM ĐỐC".into()),
            signer_name: Some("Nguyễn Văn A".into()),
            title: Some("Công tác bảo vệ bí mật nhà nước năm 2026 của Sở Tư pháp".into()),
            place: Some("Cao Lãnh".into()),
            date: Some(d("10/01/2026")),
            opening: Some("Thực hiện kế hoạch của tỉnh, Sở Tư pháp ban hành kế hoạch.".into()),
            tasks: tasks.clone(),
            ..Default::default()
        };
        e.svc
            .save_report_draft(
                &sys(),
                SaveDraftCmd {
                    kind: ReportKind::AnnualPlan,
                    year: 2026,
                    incident_id: None,
                    inspection_id: None,
                    text: text.clone(),
                },
            )
            .expect("save");
        let offer = e
            .svc
            .report_draft(&sys(), ReportKind::AnnualPlan, 2026, None)
            .unwrap();
        assert_eq!(offer.text, text, "{b}: the text round-trips");
        assert!(!offer.from_previous_year);
        let m = plan(&e, 2026);
        assert_eq!(m.tasks, tasks, "{b}");
        assert_eq!(m.title, text.title.clone().unwrap());
        assert_eq!(m.opening, text.opening.clone().unwrap());
        assert_eq!(m.particulars.number, "07/KH-STP");
        assert_eq!(m.particulars.place, "Cao Lãnh");
        assert_eq!(m.particulars.date, d("10/01/2026"));
        assert_eq!(m.particulars.recipients, text.recipients);
        assert_eq!(m.particulars.signer_name, "Nguyễn Văn A");
        let t = docx_text(&docx_of(&m));
        for s in [
            "07/KH-STP",
            "Cao Lãnh, ngày 10 tháng 01 năm 2026",
            "1.1. Tập huấn cho cán bộ mới",
            "2.1. Tự kiểm tra các phòng",
            "Đơn vị chủ trì: Văn phòng Sở.",
            "Thời gian thực hiện: 30/06/2026.",
            "Nguyễn Văn A",
        ] {
            assert!(t.contains(s), "{b}: DOCX lacks {s:?}:\n{t}");
        }
        // Next year: signer and recipients offered again; number, date, title and the
        // year's tasks are not (the tasks start again from the rules).
        let next = e
            .svc
            .report_draft(&sys(), ReportKind::AnnualPlan, 2027, None)
            .unwrap();
        assert!(next.from_previous_year);
        assert_eq!(next.text.number, None);
        assert!(next.text.tasks.is_empty());
        assert_eq!(next.text.recipients, text.recipients);
    }
}

#[test]
fn the_task_lines_of_the_page_are_read_or_refused_by_line() {
    let tasks = PlanTaskText::parse_lines(
        "Kiểm tra | Tự kiểm tra | Văn phòng | 31/10/2026\n\nTuyên truyền | Phổ biến Luật | Phòng Tư pháp | Thường xuyên",
        2026,
    )
    .unwrap();
    assert_eq!(tasks.len(), 2);
    assert_eq!(tasks[0].deadline, Some(d("31/10/2026")));
    assert_eq!(tasks[1].deadline, None);
    assert_eq!(
        PlanTaskText::parse_lines(&PlanTaskText::to_lines(&tasks), 2026).unwrap(),
        tasks
    );
    for (text, words) in [
        (
            "Kiểm tra | Tự kiểm tra | Văn phòng",
            "dòng 1: ghi đủ 4 phần",
        ),
        (
            "a | b | c | 31/10/2026\nx | y |  | 01/01/2026",
            "dòng 2: thiếu",
        ),
        ("a | b | c | sắp tới", "dòng 1: thời hạn phải là ngày"),
        ("a | b | c | 31/10/2027", "thời hạn phải trong năm 2026"),
    ] {
        match PlanTaskText::parse_lines(text, 2026).unwrap_err() {
            CoreError::Invalid { field, message } => {
                assert_eq!(field, "tasks");
                assert!(message.contains(words), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn issuing_the_plan_makes_its_tasks_followed_once() {
    for e in backends("ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP") {
        let b = e.backend;
        let drafter = e
            .svc
            .create_user(
                &sys(),
                NewUser {
                    username: "soanthao".into(),
                    full_name: "Người soạn thảo".into(),
                    roles: vec![Role::Drafter],
                    clearance: Some(Level::Mat),
                    position_id: None,
                    unit_id: None,
                    password_hash: "x".into(),
                },
            )
            .unwrap();
        let dctx = Ctx {
            user_id: drafter.id,
            ..sys()
        };
        let audits = || e.svc.audit_tail(&sys(), 1000).unwrap().len();
        let plans = || {
            e.svc
                .list_records::<AnnualPlan>(&sys(), None, None)
                .unwrap()
                .len()
        };
        let issue = |ctx: &Ctx, number: Option<&str>, date: Option<&str>| {
            e.svc.issue_plan(
                ctx,
                IssuePlanCmd {
                    year: 2026,
                    number: number.map(str::to_string),
                    date: date.map(d),
                },
            )
        };
        let before = audits();
        // A user without the role of those who make reports is refused.
        let err = issue(&dctx, Some("12/KH-UBND"), None).unwrap_err();
        assert_eq!(err.code(), "forbidden", "{b}");
        // No number yet; a date in the future; a date after the plan's year: refused in
        // Vietnamese, nothing written.
        for (number, date, field) in [
            (None, None, "number"),
            (Some("   "), None, "number"),
            (Some("12/KH-UBND"), Some("26/11/2026"), "date"),
        ] {
            match issue(&sys(), number, date).unwrap_err() {
                CoreError::Invalid { field: f, message } => {
                    assert_eq!(f, field, "{b}: {message}");
                }
                other => panic!("{other:?}"),
            }
        }
        match e
            .svc
            .issue_plan(
                &sys(),
                IssuePlanCmd {
                    year: 2025,
                    number: Some("1/KH-UBND".into()),
                    date: Some(d("05/01/2026")),
                },
            )
            .unwrap_err()
        {
            CoreError::Invalid { field, message } => {
                assert_eq!(field, "date");
                assert!(message.contains("năm 2025"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(plans(), 0, "{b}: refusals wrote no plan");
        assert_eq!(audits(), before, "{b}: refusals audited nothing");

        let m = plan(&e, 2026);
        let issued = issue(&sys(), Some("12/KH-UBND"), Some("20/11/2026")).expect("issued");
        let p = &issued.record;
        assert_eq!(p.year, 2026);
        assert_eq!(p.number_symbol, "12/KH-UBND");
        assert_eq!(p.issued_on, d("20/11/2026"));
        assert_eq!(p.subordinate_plan_due, Some(d("15/02/2026")));
        assert_eq!(p.tasks.len(), m.tasks.len(), "{b}: one plan task per task");
        for (t, x) in p.tasks.iter().zip(&m.tasks) {
            assert_eq!(t.text, x.text);
            assert_eq!(t.unit, x.unit);
            assert_eq!(t.deadline, x.deadline.unwrap_or(d("31/12/2026")));
            assert_eq!(t.done_on, None);
        }
        assert!(
            issued
                .acts
                .iter()
                .any(|a| matches!(a, RecordAct::TaskDone { .. })),
            "the tasks can be marked done: {:?}",
            issued.acts
        );
        assert_eq!(plans(), 1);
        let tail = e.svc.audit_tail(&sys(), 2).unwrap();
        assert!(
            tail.iter().any(|r| r.action == "programme.plan.create"),
            "{b}: {tail:?}"
        );
        // The tasks are in the due list (all fall within 90 days of 25/11/2026 or before).
        let due = e.svc.due(&sys(), today()).unwrap();
        let tasks: Vec<_> = due
            .iter()
            .filter(|o| o.kind == ObligationKind::PlanTask && o.text.contains("12/KH-UBND"))
            .collect();
        assert_eq!(tasks.len(), p.tasks.len(), "{b}: {due:?}");
        assert!(
            tasks
                .iter()
                .any(|o| o.due == d("20/12/2026") && o.text.contains("Văn phòng"))
        );
        // The plan's document now carries its number and date.
        let after = plan(&e, 2026);
        assert_eq!(after.particulars.number, "12/KH-UBND");
        assert_eq!(after.particulars.date, d("20/11/2026"));
        let status = e.svc.plan_issue(&sys(), 2026).unwrap();
        assert!(!status.open);
        assert_eq!(status.plan_id, Some(issued.id));

        // Issuing the year's plan again is refused and changes nothing.
        let before = audits();
        let err = issue(&sys(), Some("13/KH-UBND"), Some("21/11/2026")).unwrap_err();
        assert_eq!(err.code(), "plan_already_issued", "{b}");
        assert!(err.to_string().contains("12/KH-UBND"), "{err}");
        assert!(bmnn_core::error::next_step("plan_already_issued").is_some());
        assert_eq!(plans(), 1);
        assert_eq!(audits(), before, "{b}");
        assert_eq!(plan(&e, 2026).particulars.number, "12/KH-UBND");
        assert_eq!(
            e.svc
                .list_records::<AnnualPlan>(&sys(), None, None)
                .unwrap()[0]
                .record,
            issued.record
        );
    }
}

/// `bmnn report issue-plan`: the command line issues the year's plan as the page and the API
/// do (`Service::issue_plan`). Bad input and refusals are printed in Vietnamese (with the next
/// step and the code) and write nothing; the issued plan's tasks are tracked once.
#[test]
fn the_plan_is_issued_from_the_command_line() {
    for e in backends("ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP") {
        let b = e.backend;
        let plans = || {
            e.json(&["report", "records", "list", "plan"])
                .as_array()
                .expect("list")
                .clone()
        };
        let audits = || e.svc.audit_tail(&sys(), 1000).unwrap().len();
        let before = audits();
        // A date that does not exist.
        let o = e.bmnn(&[
            "report",
            "issue-plan",
            "--year",
            "2026",
            "--number",
            "12/KH-UBND",
            "--date",
            "31/02/2026",
        ]);
        assert!(!o.status.success(), "{b}");
        assert!(text(&o).contains("dd/mm/yyyy"), "{b}: {}", text(&o));
        // No number saved nor given: the service's refusal, in Vietnamese.
        let o = e.bmnn(&["report", "issue-plan", "--year", "2026"]);
        assert!(!o.status.success(), "{b}");
        let t = text(&o);
        assert!(t.contains("Lỗi:") && t.contains("số, ký hiệu"), "{b}: {t}");
        assert!(plans().is_empty(), "{b}: nothing issued");
        assert_eq!(audits(), before, "{b}: refusals audited nothing");

        let out = String::from_utf8(e.ok(&[
            "report",
            "issue-plan",
            "--year",
            "2026",
            "--number",
            "12/KH-UBND",
            "--date",
            "20/11/2026",
        ]))
        .unwrap();
        assert!(out.contains("Đã ban hành"), "{b}: {out}");
        assert!(
            out.contains("12/KH-UBND") && out.contains("20/11/2026"),
            "{b}: {out}"
        );
        let listed = plans();
        assert_eq!(listed.len(), 1, "{b}");
        let p = &listed[0]["record"];
        assert_eq!(p["number_symbol"], "12/KH-UBND");
        assert_eq!(p["issued_on"], "2026-11-20");
        let tasks = p["tasks"].as_array().expect("tasks").len();
        assert_eq!(tasks, plan(&e, 2026).tasks.len(), "{b}");
        assert!(out.contains(&format!("{tasks} nhiệm vụ")), "{b}: {out}");
        assert_eq!(plan(&e, 2026).particulars.number, "12/KH-UBND");

        // A second plan of the year is refused with the first one's number, the next step and
        // the code; nothing changes.
        let before = audits();
        let o = e.bmnn(&[
            "report",
            "issue-plan",
            "--year",
            "2026",
            "--number",
            "13/KH-UBND",
        ]);
        assert!(!o.status.success(), "{b}");
        let t = text(&o);
        assert!(
            t.contains("đã được ban hành") && t.contains("12/KH-UBND"),
            "{b}: {t}"
        );
        assert!(t.contains("Cách xử lý:"), "{b}: {t}");
        assert!(t.contains("plan_already_issued"), "{b}: {t}");
        assert_eq!(plans(), listed, "{b}");
        assert_eq!(audits(), before, "{b}");
    }
}
