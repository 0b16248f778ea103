//! Programme records through the services: roles, refusals that write nothing, audit, the
//! obligations they raise, report drafts offered from the previous year.

use crate::helpers::*;
use bmnn_core::Level;
use bmnn_core::model::Role;
use bmnn_core::obligations::ObligationKind;
use bmnn_core::programme::*;
use bmnn_core::service::*;

#[test]
fn records_need_the_right_role_and_are_audited() {
    for e in backends("Sở Tư pháp") {
        let admin = e.svc.org(&sys()).unwrap().users[0].clone();
        let actx = Ctx {
            user_id: admin.id,
            now: now(),
            today: today(),
        };
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
            ..actx
        };
        let training = Training {
            date: d("01/03/2025"),
            kind: TrainingKind::Training,
            organiser: "Công an Tỉnh".into(),
            organised_by: OrganisedBy::Own,
            audience: "Văn thư".into(),
            participants: 40,
            attendees: vec![],
        };
        let err = e
            .svc
            .add_record(
                &dctx,
                RecordCmd {
                    unit_id: None,
                    record: training.clone(),
                },
            )
            .unwrap_err();
        assert_eq!(err.code(), "forbidden", "{}", e.backend);
        // The administrator keeps records but may not read the report.
        e.svc
            .add_record(
                &actx,
                RecordCmd {
                    unit_id: None,
                    record: training.clone(),
                },
            )
            .unwrap();
        let err = e
            .svc
            .report(
                &actx,
                ReportQuery {
                    kind: ReportKind::Annual,
                    year: 2025,
                    incident_id: None,
                    inspection_id: None,
                },
            )
            .unwrap_err();
        assert_eq!(err.code(), "forbidden");
        // A future date and an empty list of attendees beyond the count are refused.
        let mut future = training.clone();
        future.date = d("01/01/2027");
        assert_eq!(
            e.svc
                .add_record(
                    &sys(),
                    RecordCmd {
                        unit_id: None,
                        record: future
                    }
                )
                .unwrap_err()
                .code(),
            "invalid_input"
        );
        let mut too_many = training.clone();
        too_many.participants = 1;
        too_many.attendees = vec!["A".into(), "B".into()];
        assert!(
            e.svc
                .add_record(
                    &sys(),
                    RecordCmd {
                        unit_id: None,
                        record: too_many
                    }
                )
                .is_err()
        );
        let listed = e.svc.list_records::<Training>(&sys(), None, None).unwrap();
        assert_eq!(listed.len(), 1, "refusals wrote nothing");
        assert_eq!(listed[0].record, training);
        let tail = e.svc.audit_tail(&sys(), 5).unwrap();
        assert!(
            tail.iter().any(|r| r.action == "programme.training.create"),
            "{tail:?}"
        );
        assert!(
            e.ok(&["audit", "verify"])
                .starts_with("Chuỗi nhật ký toàn vẹn".as_bytes())
        );
    }
}

#[test]
fn a_device_changes_use_only_after_a_recorded_wipe() {
    for e in backends("Sở Tư pháp") {
        let dev = e.add(Device {
            identity: "MT-09".into(),
            kind: DeviceKind::Computer,
            description: "Máy soạn thảo".into(),
            in_use_from: d("01/02/2024"),
            inspected_on: None,
            stamp_ref: None,
            never_connected: true,
            connection: None,
            ai_tool: false,
            warning: None,
            status: DeviceStatus::InUse,
            wipes: vec![],
            repurposed_on: None,
            new_use: None,
            disposed_on: None,
            disposal_ref: None,
        });
        let err = e
            .svc
            .repurpose_device(
                &sys(),
                RepurposeCmd {
                    device_id: dev.id,
                    date: d("01/09/2025"),
                    new_use: "Máy văn phòng".into(),
                },
            )
            .unwrap_err();
        assert_eq!(err.code(), "device_not_wiped", "{}", e.backend);
        let err = e
            .svc
            .dispose_device(
                &sys(),
                DisposeCmd {
                    device_id: dev.id,
                    date: d("01/09/2025"),
                    reference: "QĐ thanh lý 3".into(),
                },
            )
            .unwrap_err();
        assert_eq!(err.code(), "device_not_wiped");
        // Nor through a plain update.
        let mut changed = dev.record.clone();
        changed.status = DeviceStatus::Repurposed;
        changed.repurposed_on = Some(d("01/09/2025"));
        assert_eq!(
            e.svc
                .update_record(
                    &sys(),
                    dev.id,
                    RecordCmd {
                        unit_id: None,
                        record: changed
                    }
                )
                .unwrap_err()
                .code(),
            "device_not_wiped"
        );
        let now = e.svc.get_record::<Device>(&sys(), dev.id).unwrap();
        assert_eq!(now.record.status, DeviceStatus::InUse, "nothing written");
        e.svc
            .record_wipe(
                &sys(),
                WipeCmd {
                    device_id: dev.id,
                    wipe: Wipe {
                        date: d("31/08/2025"),
                        method: "Ghi đè".into(),
                        by: "Cán bộ BMNN".into(),
                        minutes_ref: None,
                    },
                },
            )
            .unwrap();
        let done = e
            .svc
            .dispose_device(
                &sys(),
                DisposeCmd {
                    device_id: dev.id,
                    date: d("01/09/2025"),
                    reference: "QĐ thanh lý 3".into(),
                },
            )
            .unwrap();
        assert_eq!(done.record.status, DeviceStatus::Disposed);
        // A device that was ever online is not registered for BMNN (Law Điều 5.5).
        let mut online = dev.record.clone();
        online.identity = "MT-10".into();
        online.never_connected = false;
        assert_eq!(
            e.svc
                .add_record(
                    &sys(),
                    RecordCmd {
                        unit_id: None,
                        record: online
                    }
                )
                .unwrap_err()
                .code(),
            "device_connected"
        );
    }
}

#[test]
fn programme_obligations_appear_in_due_until_done() {
    for e in backends("Ủy ban nhân dân tỉnh Đồng Tháp") {
        let seeded = dong_thap(&e);
        let due = e.svc.due(&sys(), today()).unwrap();
        let of = |k: ObligationKind| due.iter().filter(|o| o.kind == k).collect::<Vec<_>>();
        let commit = of(ObligationKind::Commitment);
        assert_eq!(commit.len(), 1, "{commit:?}");
        assert!(commit[0].text.contains("Cán bộ kiêm nhiệm 12"));
        assert!(commit[0].text.contains("Điều 26"));
        let inc = of(ObligationKind::IncidentReport);
        assert_eq!(inc.len(), 1, "{inc:?}");
        assert_eq!(inc[0].due, d("12/11/2025"));
        assert_eq!(inc[0].urgency, bmnn_core::obligations::Urgency::Overdue);
        assert_eq!(of(ObligationKind::Remedy).len(), 1);
        assert_eq!(of(ObligationKind::MeetingDocuments).len(), 1);
        assert_eq!(of(ObligationKind::PlanTask).len(), 2);

        // Recording the ad-hoc report and the leaving commitment clears them.
        e.svc
            .incident_reported(
                &sys(),
                IncidentReportedCmd {
                    incident_id: seeded.unreported_incident,
                    report: SentReport {
                        date: d("13/11/2025"),
                        reference: "45/BC-UBND".into(),
                        to: "Bộ Công an".into(),
                    },
                },
            )
            .unwrap();
        let staff = e
            .svc
            .list_records::<StaffAssignment>(&sys(), None, None)
            .unwrap()
            .into_iter()
            .find(|s| s.record.ended_on.is_some())
            .unwrap();
        e.add(Commitment {
            person: staff.record.person.clone(),
            staff_id: Some(staff.id),
            occasion: CommitmentOccasion::Leaving,
            signed_on: d("30/09/2025"),
            reference: Some("Lưu hồ sơ cán bộ".into()),
        });
        let due = e.svc.due(&sys(), today()).unwrap();
        assert!(!due.iter().any(|o| matches!(
            o.kind,
            ObligationKind::IncidentReport | ObligationKind::Commitment
        )));
        // The command line (system actor) lists them too.
        let m = e.json(&["due", "--date", "2026-11-25", "--format", "json"]);
        assert!(m.as_array().unwrap().iter().any(|o| o["kind"] == "remedy"));
    }
}

#[test]
fn the_previous_years_text_is_offered_and_the_draft_goes_into_the_report() {
    let e = backends("Sở Tư pháp").swap_remove(0);
    let mut text = ReportDraftText::default();
    text.narrative.insert(
        "a".into(),
        "Tình hình an ninh chính trị trên địa bàn ổn định.".into(),
    );
    text.narrative.insert(
        "d".into(),
        "Đề nghị Bộ Công an trang cấp USB phi chuẩn.".into(),
    );
    text.number = Some("12/BC-STP".into());
    text.signer_position = Some("GIÁM ĐỐC".into());
    text.signer_name = Some("Nguyễn Văn Giám".into());
    e.svc
        .save_report_draft(
            &sys(),
            SaveDraftCmd {
                kind: ReportKind::Annual,
                year: 2024,
                incident_id: None,
                inspection_id: None,
                text: text.clone(),
            },
        )
        .unwrap();
    // A draft for an incident that does not exist is refused, and nothing is saved.
    let bad = e.svc.save_report_draft(
        &sys(),
        SaveDraftCmd {
            kind: ReportKind::Incident,
            year: 2024,
            incident_id: Some(987_654),
            inspection_id: None,
            text: text.clone(),
        },
    );
    assert_eq!(bad.unwrap_err().code(), "not_found");
    assert!(
        !e.svc
            .report_draft(&sys(), ReportKind::Incident, 2024, Some(987_654))
            .map(|d| d.text.narrative == text.narrative && !d.from_previous_year)
            .unwrap_or(false),
        "nothing saved"
    );
    let offer = e
        .svc
        .report_draft(&sys(), ReportKind::Annual, 2025, None)
        .unwrap();
    assert!(offer.from_previous_year);
    assert_eq!(offer.text.narrative, text.narrative);
    assert_eq!(offer.text.number, None, "last year's number is not reused");
    // Not written yet for 2025: the report does not silently reuse 2024's text.
    let m = e.json(&["report", "annual", "--year", "2025"]);
    assert_eq!(m["sections"][0]["narrative"], "");
    // The same offer on the command line; saving through it.
    let cli_offer = e.json(&["report", "text", "--year", "2025"]);
    assert_eq!(cli_offer["from_previous_year"], true);
    assert_eq!(
        cli_offer["text"]["narrative"]["d"],
        "Đề nghị Bộ Công an trang cấp USB phi chuẩn."
    );
    let file = e.path("five-year.json");
    std::fs::write(
        &file,
        r#"{"narrative": {"c": "Không xảy ra vụ lộ, mất nghiêm trọng."}, "recipients": ["Bộ Công an"]}"#,
    )
    .unwrap();
    e.ok(&[
        "report",
        "text",
        "--kind",
        "five-year",
        "--year",
        "2025",
        "--set",
        file.to_str().unwrap(),
    ]);
    let five = e.json(&["report", "five-year", "--year", "2025"]);
    assert_eq!(
        five["sections"][2]["narrative"],
        "Không xảy ra vụ lộ, mất nghiêm trọng."
    );
    assert_eq!(five["particulars"]["recipients"][0], "Bộ Công an");
    let mut this_year = offer.text;
    this_year.number = Some("15/BC-STP".into());
    this_year
        .narrative
        .insert("b".into(), "Ưu điểm: lãnh đạo quan tâm chỉ đạo.".into());
    e.svc
        .save_report_draft(
            &sys(),
            SaveDraftCmd {
                kind: ReportKind::Annual,
                year: 2025,
                incident_id: None,
                inspection_id: None,
                text: this_year,
            },
        )
        .unwrap();
    let m = e.json(&["report", "annual", "--year", "2025"]);
    assert_eq!(
        m["sections"][0]["narrative"],
        "Tình hình an ninh chính trị trên địa bàn ổn định."
    );
    assert_eq!(m["particulars"]["number"], "15/BC-STP");
    let out = e.path("r.docx");
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
    let t = docx_text(&std::fs::read(out).unwrap());
    for s in [
        "Số: 15/BC-STP",
        "Ưu điểm: lãnh đạo quan tâm chỉ đạo.",
        "Đề nghị Bộ Công an trang cấp USB phi chuẩn.",
        "GIÁM ĐỐC",
        "Nguyễn Văn Giám",
    ] {
        assert!(t.contains(s), "DOCX lacks {s:?}:\n{t}");
    }
}

#[test]
fn records_are_kept_from_the_command_line() {
    let e = backends("Sở Tư pháp").swap_remove(0);
    let file = e.path("training.json");
    std::fs::write(
        &file,
        r#"[
  {"unit_id": null, "record": {"date": "2025-03-01", "kind": "training", "organiser": "Công an Tỉnh",
   "audience": "Văn thư", "participants": 40, "attendees": ["Nguyễn Văn A"]}},
  {"unit_id": null, "record": {"date": "2025-04-01", "kind": "briefing", "organiser": "Sở Tư pháp",
   "audience": "Toàn thể công chức", "participants": 85}}
]"#,
    )
    .unwrap();
    e.ok(&[
        "report",
        "records",
        "add",
        "training",
        file.to_str().unwrap(),
    ]);
    let listed = e.json(&[
        "report",
        "records",
        "list",
        "training",
        "--from",
        "01/01/2025",
        "--to",
        "31/03/2025",
    ]);
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["record"]["attendees"][0], "Nguyễn Văn A");
    let m = e.json(&["report", "annual", "--year", "2025"]);
    assert_eq!(m["figures"]["training"]["sessions"], 2);
    assert_eq!(m["figures"]["training"]["participants"], 125);
    assert_eq!(m["figures"]["training"]["briefing_participants"], 85);

    let dev = e.path("device.json");
    std::fs::write(
        &dev,
        r#"{"unit_id": null, "record": {"identity": "LAPTOP-7", "kind": "computer",
  "description": "Máy xách tay", "in_use_from": "2025-01-02", "inspected_on": null,
  "stamp_ref": null, "never_connected": false, "status": "in-use", "wipes": [],
  "repurposed_on": null, "new_use": null, "disposed_on": null, "disposal_ref": null}}"#,
    )
    .unwrap();
    let o = e.bmnn(&["report", "records", "add", "device", dev.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(text(&o).contains("device_connected"), "{}", text(&o));
    assert_eq!(
        e.json(&["report", "records", "list", "device"])
            .as_array()
            .unwrap()
            .len(),
        0
    );
}

/// The facts a report needs, kept as records (issue 14): an incident's state set later by an
/// edit, a subordinate unit's steering committee, a key post with its people. Bad input is
/// refused in Vietnamese and writes nothing; every change is audited; the annual report
/// counts them and says them.
#[test]
fn incident_states_steering_committees_and_key_posts_are_records_the_report_counts() {
    for e in backends("Ủy ban nhân dân tỉnh Đồng Tháp") {
        let b = e.backend;
        let x = e.add(Incident {
            discovered_on: d("02/03/2025"),
            kind: IncidentKind::Exposure,
            channel: Channel::SocialNetwork,
            place: "Trang cá nhân của công chức".into(),
            documents: vec![IncidentDocument {
                level: Some(Level::Mat),
                in_catalogue: true,
                item_id: None,
            }],
            cause: "Chụp ảnh tài liệu đăng lên mạng xã hội".into(),
            recovered: false,
            taken_down: true,
            discipline: Discipline::default(),
            criminal_referral: false,
            adhoc_report: None,
            state: IncidentState::Verifying,
            outcome: None,
            state_on: None,
        });
        let edit = |fields: serde_json::Value| {
            e.svc.edit_record::<Incident>(
                &sys(),
                x.id,
                EditRecordCmd {
                    record: fields.as_object().unwrap().clone(),
                },
            )
        };
        let audits = || e.svc.audit_tail(&sys(), 100).unwrap().len();
        let before = audits();
        // Concluded without its date, then dated before the discovery: refused, nothing written.
        for (fields, field, words) in [
            (
                serde_json::json!({"state": "concluded", "outcome": "Lỗi chủ quan"}),
                "state_on",
                "cần ghi ngày kết luận",
            ),
            (
                serde_json::json!({"state": "concluded", "outcome": "Lỗi chủ quan", "state_on": "2025-03-01"}),
                "state_on",
                "không được trước ngày phát hiện",
            ),
            (
                serde_json::json!({"state": "transferred", "state_on": "2025-04-01"}),
                "outcome",
                "cơ quan có thẩm quyền nhận",
            ),
        ] {
            match edit(fields).unwrap_err() {
                bmnn_core::CoreError::Invalid { field: f, message } => {
                    assert_eq!(f, field, "{b}");
                    assert!(message.contains(words), "{message}");
                }
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(
            e.svc.get_record::<Incident>(&sys(), x.id).unwrap().record,
            x.record,
            "refusals changed nothing ({b})"
        );
        assert_eq!(audits(), before, "refusals audited nothing");
        let done = edit(serde_json::json!({
            "state": "concluded",
            "outcome": "Kết luận: công chức vi phạm, đã kiểm điểm",
            "state_on": "2025-04-15"
        }))
        .unwrap();
        assert_eq!(done.record.state, IncidentState::Concluded);
        assert_eq!(done.record.state_on, Some(d("15/04/2025")));
        let tail = e.svc.audit_tail(&sys(), 1).unwrap();
        assert_eq!(tail[0].action, "programme.incident.update", "{b}");
        assert!(tail[0].details.contains("state"), "{:?}", tail[0]);

        // Steering committees of the subordinate districts.
        let steering = |unit: &str, body: SteeringBody, decision: Option<&str>| SteeringCommittee {
            unit: unit.into(),
            as_of: d("01/12/2025"),
            body,
            decision_ref: decision.map(str::to_string),
            decision_date: decision.map(|_| d("12/05/2021")),
            note: None,
        };
        let err = e
            .svc
            .add_record(
                &sys(),
                RecordCmd {
                    unit_id: None,
                    record: steering("Huyện Cao Lãnh", SteeringBody::Committee, None),
                },
            )
            .unwrap_err();
        assert_eq!(err.code(), "invalid_input");
        assert!(
            err.message_vi().contains("quyết định"),
            "{}",
            err.message_vi()
        );
        assert!(
            e.svc
                .list_records::<SteeringCommittee>(&sys(), None, None)
                .unwrap()
                .is_empty(),
            "nothing written"
        );
        for i in 0..12 {
            e.add(steering(
                &format!("Huyện {i}"),
                SteeringBody::Committee,
                Some(&format!("{i}/QĐ-UBND")),
            ));
        }
        let tail = e.svc.audit_tail(&sys(), 1).unwrap();
        assert_eq!(tail[0].action, "programme.steering-committee.create");

        // A confidential post with two people; one vetted, both committed, one trained.
        let holders = [
            "Nguyễn Văn A | 10/03/2025 | Đủ tiêu chuẩn | 15/03/2025 | 20/03/2025",
            "Trần Thị B | | | 16/03/2025 |",
        ]
        .map(|l| bmnn_core::programme::fields::parse_holder(l).unwrap());
        let post = KeyPost {
            unit: "Văn phòng UBND tỉnh".into(),
            post: "Văn thư lưu trữ tài liệu mật".into(),
            kind: PostKind::Confidential,
            as_of: d("01/04/2025"),
            listing_ref: Some("15-QĐ/TU".into()),
            holders: holders.to_vec(),
        };
        let mut bad = post.clone();
        bad.holders[1].trained_on = Some(d("02/04/2025"));
        let err = e
            .svc
            .add_record(
                &sys(),
                RecordCmd {
                    unit_id: None,
                    record: bad,
                },
            )
            .unwrap_err();
        assert!(
            err.message_vi().contains("Trần Thị B"),
            "{}",
            err.message_vi()
        );
        assert!(
            e.svc
                .list_records::<KeyPost>(&sys(), None, None)
                .unwrap()
                .is_empty()
        );
        e.add(post);

        let m = e
            .svc
            .report(
                &sys(),
                ReportQuery {
                    kind: ReportKind::Annual,
                    year: 2025,
                    incident_id: None,
                    inspection_id: None,
                },
            )
            .unwrap();
        let f = &m.figures;
        assert_eq!(
            (f.incidents.incidents, f.incidents.concluded),
            (1, 1),
            "{b}"
        );
        assert_eq!((f.steering.units, f.steering.committees), (12, 12));
        assert_eq!(
            (f.key_posts.posts, f.key_posts.people, f.key_posts.vetted),
            (1, 2, 1)
        );
        assert_eq!((f.key_posts.committed, f.key_posts.trained), (2, 1));
        let said: String = m
            .sections
            .iter()
            .flat_map(|s| s.facts.clone())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(said.contains("kết luận 1/1 vụ"), "{said}");
        assert!(
            said.contains("12/12 đơn vị đã thành lập và kiện toàn Ban Chỉ đạo"),
            "{said}"
        );
        assert!(said.contains("với 2 người đảm nhiệm"), "{said}");
    }
}
