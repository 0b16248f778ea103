//! Up the chain: units sign their report bundles, the level above registers their keys,
//! refuses changed or unknown bundles, sees who has not reported, and sums the figures.

use crate::helpers::*;
use bmnn_core::Level;
use bmnn_core::programme::*;
use serde_json::Value;

pub(crate) fn unit_data(e: &Env, sessions: u32, people: u32, incidents: usize) {
    for i in 0..sessions {
        e.add(Training {
            date: d(&format!("{:02}/03/2025", 1 + i)),
            kind: TrainingKind::Dissemination,
            organiser: "Phòng Nội vụ".into(),
            organised_by: OrganisedBy::Own,
            audience: "Công chức xã".into(),
            participants: people,
            attendees: vec![],
        });
    }
    for i in 0..incidents {
        e.add(Incident {
            discovered_on: d(&format!("{:02}/06/2025", 1 + i)),
            kind: if i == 0 {
                IncidentKind::Loss
            } else {
                IncidentKind::Exposure
            },
            channel: if i == 0 {
                Channel::PhysicalLoss
            } else {
                Channel::SocialNetwork
            },
            place: "UBND xã".into(),
            documents: vec![IncidentDocument {
                level: Some(Level::Mat),
                in_catalogue: true,
                item_id: None,
            }],
            cause: "Sơ suất".into(),
            recovered: i == 0,
            taken_down: i != 0,
            discipline: Discipline {
                disciplined: 0,
                criticised: 2,
            },
            criminal_referral: false,
            adhoc_report: None,
            state: IncidentState::Verifying,
            outcome: None,
            state_on: None,
        });
    }
}

/// Adds numbers field by field (the expected aggregate, computed independently of bmnn).
fn add(a: &mut Value, b: &Value) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in y {
                add(x.get_mut(k).expect("same shape"), v);
            }
        }
        (Value::Number(x), Value::Number(y)) => {
            *x = (x.as_u64().unwrap() + y.as_u64().unwrap()).into();
        }
        (x, y) => panic!("unexpected {x} + {y}"),
    }
}

/// A unit's figures as the level above counts them: what the unit organised itself was
/// organised below the level above (computed here independently of bmnn).
fn below(unit: &Value) -> Value {
    let mut f = unit.clone();
    for (part, pairs) in [
        (
            "training",
            [
                ("own_sessions", "subordinate_sessions"),
                ("own_participants", "subordinate_participants"),
            ],
        ),
        (
            "inspections",
            [
                ("own_rounds", "subordinate_rounds"),
                ("own_units_inspected", "subordinate_units_inspected"),
            ],
        ),
    ] {
        for (own, sub) in pairs {
            let n = f[part][own].as_u64().unwrap() + f[part][sub].as_u64().unwrap();
            f[part][sub] = n.into();
            f[part][own] = 0.into();
        }
    }
    f
}

#[test]
fn bundles_are_verified_and_the_level_above_sums_its_units() {
    for province in backends("Ủy ban nhân dân tỉnh Đồng Tháp") {
        let cao_lanh = sibling(&province, "UBND huyện Cao Lãnh");
        let lai_vung = sibling(&province, "UBND huyện Lai Vung");
        let hong_ngu = sibling(&province, "UBND huyện Hồng Ngự");
        unit_data(&province, 2, 100, 1);
        unit_data(&cao_lanh, 3, 45, 2);
        unit_data(&lai_vung, 1, 60, 3);

        let key = |e: &Env| {
            String::from_utf8(e.ok(&["report", "keygen"]))
                .unwrap()
                .trim()
                .to_string()
        };
        let (k_cl, k_lv, k_hn) = (key(&cao_lanh), key(&lai_vung), key(&hong_ngu));
        assert_eq!(k_cl.len(), 64);
        assert_ne!(k_cl, k_lv);
        // A second keygen does not silently replace the key.
        assert!(!cao_lanh.bmnn(&["report", "keygen"]).status.success());

        let bundle = |e: &Env| {
            let p = e.path("goi-bao-cao.json");
            e.ok(&[
                "report",
                "bundle",
                "--year",
                "2025",
                "--output",
                p.to_str().unwrap(),
            ]);
            p
        };
        let (b_cl, b_lv) = (bundle(&cao_lanh), bundle(&lai_vung));

        // Unknown key: refused until the unit's public key is registered.
        let o = province.bmnn(&["report", "import-bundle", b_cl.to_str().unwrap()]);
        assert!(!o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("bundle_unknown_key"), "{}", text(&o));
        for (unit, k) in [
            ("UBND huyện Cao Lãnh", &k_cl),
            ("UBND huyện Lai Vung", &k_lv),
            ("UBND huyện Hồng Ngự", &k_hn),
        ] {
            province.ok(&["report", "register-key", "--unit", unit, "--public-key", k]);
        }
        // A key registered for another unit does not vouch for this one.
        let o = province.bmnn(&[
            "report",
            "register-key",
            "--unit",
            "UBND huyện Tháp Mười",
            "--public-key",
            &k_cl,
        ]);
        assert!(!o.status.success());

        // One byte changed anywhere (a figure, the signature, the DOCX): refused.
        let original = std::fs::read(&b_cl).unwrap();
        let as_text = String::from_utf8(original.clone()).unwrap();
        let signature = as_text.find("\"signature\":\"").unwrap() + 20;
        for at in [
            signature,
            original.len() / 2,
            original.len() - 3,
            original.len() / 3,
            20,
        ] {
            let mut t = original.clone();
            t[at] = if t[at] == b'0' { b'1' } else { b'0' };
            let p = province.path("tampered.json");
            std::fs::write(&p, &t).unwrap();
            let o = province.bmnn(&["report", "import-bundle", p.to_str().unwrap()]);
            assert!(!o.status.success(), "byte {at} changed: {}", text(&o));
            assert!(text(&o).contains("bundle_invalid"), "{}", text(&o));
        }
        // A bundle signed with another unit's key but claiming this unit: refused.
        let mut forged: Value = serde_json::from_slice(&std::fs::read(&b_lv).unwrap()).unwrap();
        let manifest = forged["manifest"]
            .as_str()
            .unwrap()
            .replace("UBND huyện Lai Vung", "UBND huyện Cao Lãnh");
        forged["manifest"] = manifest.into();
        let p = province.path("forged.json");
        std::fs::write(&p, serde_json::to_vec(&forged).unwrap()).unwrap();
        assert!(
            !province
                .bmnn(&["report", "import-bundle", p.to_str().unwrap()])
                .status
                .success()
        );

        province.ok(&["report", "import-bundle", b_cl.to_str().unwrap()]);
        province.ok(&["report", "import-bundle", b_lv.to_str().unwrap()]);
        // Importing again replaces, it does not double count.
        province.ok(&["report", "import-bundle", b_lv.to_str().unwrap()]);

        let m = province.json(&["report", "annual", "--year", "2025"]);
        let units = m["units"].as_array().unwrap();
        assert_eq!(units.len(), 3);
        let hn = units
            .iter()
            .find(|u| u["unit"] == "UBND huyện Hồng Ngự")
            .unwrap();
        assert!(hn["received_on"].is_null(), "Hồng Ngự has not reported");
        let mut expected = m["own"].clone();
        for u in units {
            if !u["figures"].is_null() {
                add(&mut expected, &below(&u["figures"]));
            }
        }
        assert_eq!(
            m["figures"], expected,
            "the report sums its own and its units' figures"
        );
        // Who organised: the province's 2 sessions, the districts' 4.
        let t = &m["figures"]["training"];
        assert_eq!(
            (&t["own_sessions"], &t["subordinate_sessions"]),
            (&2.into(), &4.into())
        );
        assert_eq!(t["subordinate_participants"], 135 + 60);
        // Independently of the units' JSON: the units' own reports.
        let cl = cao_lanh.json(&["report", "annual", "--year", "2025"]);
        let lv = lai_vung.json(&["report", "annual", "--year", "2025"]);
        let f = &m["figures"];
        assert_eq!(
            f["training"]["sessions"].as_u64().unwrap(),
            2 + cl["figures"]["training"]["sessions"].as_u64().unwrap()
                + lv["figures"]["training"]["sessions"].as_u64().unwrap()
        );
        assert_eq!(f["training"]["sessions"], 6);
        assert_eq!(f["training"]["participants"], 200 + 135 + 60);
        assert_eq!(f["incidents"]["incidents"], 6);
        assert_eq!(f["incidents"]["losses"], 3);
        assert_eq!(f["incidents"]["by_channel"]["social_network"], 3);
        assert_eq!(f["incidents"]["criticised"], 12);

        let out = province.path("tong-hop.docx");
        province.ok(&[
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
        assert!(t.contains("UBND huyện Hồng Ngự|Chưa gửi|"), "{t}");
        assert!(
            t.contains("UBND huyện Cao Lãnh|25/11/2026|") || t.contains("UBND huyện Cao Lãnh|")
        );
        assert!(t.contains("Tổng|6|395|"), "{t}");
    }
}

/// The refusal code of a service error.
fn code(e: &bmnn_core::CoreError) -> &'static str {
    match e {
        bmnn_core::CoreError::Refused(r) => r.code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Hostile bundles, all signed with the unit's registered key: an older bundle replayed over a
/// newer one, figures built to wrap the superior's totals, a year out of range, a creation time
/// in the future. Each is refused with a Vietnamese message and changes nothing.
#[test]
fn a_replayed_older_bundle_overflowing_figures_and_odd_years_are_refused() {
    use bmnn_core::programme::bundle;
    use bmnn_core::service::{RegisterKeyCmd, ReportQuery};
    for province in backends("Ủy ban nhân dân tỉnh Đồng Tháp") {
        let unit = sibling(&province, "UBND huyện Cao Lãnh");
        unit_data(&province, 2, 100, 1);
        unit_data(&unit, 3, 45, 2);
        let secret = [42u8; 32];
        province
            .svc
            .register_unit_key(
                &sys(),
                RegisterKeyCmd {
                    unit: "UBND huyện Cao Lãnh".into(),
                    public_key: bundle::public_key_hex(&secret),
                },
            )
            .unwrap();
        let q = |year| ReportQuery {
            kind: ReportKind::Annual,
            year,
            incident_id: None,
            inspection_id: None,
        };
        let model = unit.svc.report(&sys(), q(2025)).unwrap();
        let seal_with = |year: i32, created: &str, edit: &dyn Fn(&mut Value)| {
            let mut json = serde_json::to_value(&model).unwrap();
            json["year"] = year.into();
            edit(&mut json);
            let bytes = serde_json::to_vec(&json).unwrap();
            bundle::seal(
                &secret,
                "UBND huyện Cao Lãnh",
                ReportKind::Annual,
                year,
                created,
                &[("report.json", &bytes)],
            )
        };
        let participants = |e: &Env| {
            e.svc
                .report(&sys(), q(2025))
                .unwrap()
                .figures
                .training
                .participants
        };

        // The newer bundle (sessions as they are), then the older one replayed.
        let older = seal_with(2025, "2026-01-10T08:00:00.000000", &|j| {
            j["figures"]["training"]["participants"] = 1.into();
        });
        let newer = seal_with(2025, "2026-01-20T08:00:00.000000", &|_| {});
        province.svc.import_bundle(&sys(), &older).unwrap();
        assert_eq!(participants(&province), 200 + 1);
        province.svc.import_bundle(&sys(), &newer).unwrap();
        assert_eq!(
            participants(&province),
            200 + 135,
            "the newer bundle supersedes"
        );
        // The same bundle again changes nothing.
        province.svc.import_bundle(&sys(), &newer).unwrap();
        assert_eq!(participants(&province), 200 + 135);
        let e = province.svc.import_bundle(&sys(), &older).unwrap_err();
        assert_eq!(code(&e), "bundle_outdated", "{e:?}");
        assert!(e.to_string().contains("10/01/2026 08:00:00"), "{e}");
        assert!(e.to_string().contains("20/01/2026 08:00:00"), "{e}");
        assert_eq!(
            participants(&province),
            200 + 135,
            "the replay changed nothing"
        );
        // A different bundle claiming the very same creation time does not replace either.
        let twin = seal_with(2025, "2026-01-20T08:00:00.000000", &|j| {
            j["figures"]["training"]["participants"] = 7.into();
        });
        assert_eq!(
            code(&province.svc.import_bundle(&sys(), &twin).unwrap_err()),
            "bundle_outdated"
        );
        assert_eq!(participants(&province), 200 + 135);

        // Figures built to wrap the superior's totals: refused at import, nothing changed
        // (each alone would fit in a u64; with the province's own 200 participants, or as a
        // total by level or on the Internet, it would wrap).
        for (path, value) in [
            (&["training", "participants"][..], u64::MAX - 150),
            (&["items", "copied", "tuyet_mat"][..], u64::MAX),
            (&["incidents", "by_channel", "agency_website"][..], u64::MAX),
        ] {
            let b = seal_with(2025, "2026-02-01T08:00:00.000000", &|j| {
                let mut at = &mut j["figures"];
                for p in path {
                    at = &mut at[*p];
                }
                *at = value.into();
                if path[0] != "training" {
                    // The companion figure makes the total by level or on the Internet overflow.
                    j["figures"]["items"]["copied"]["mat"] = 5.into();
                    j["figures"]["incidents"]["by_channel"]["social_network"] = 5.into();
                }
            });
            let e = province.svc.import_bundle(&sys(), &b).unwrap_err();
            assert_eq!(code(&e), "bundle_figures", "{path:?}: {e:?}");
            assert!(e.to_string().contains("1.000.000.000.000"), "{e}");
            assert_eq!(participants(&province), 200 + 135, "{path:?}");
        }
        let m = province.svc.report(&sys(), q(2025)).unwrap();
        assert_eq!(
            m.units[0].figures.as_ref().unwrap().training.participants,
            135
        );

        // Years out of range and a creation time in the future.
        for year in [1900, 2018, 2028, i32::MAX] {
            let b = seal_with(year, "2026-02-01T08:00:00.000000", &|_| {});
            let e = province.svc.import_bundle(&sys(), &b).unwrap_err();
            assert_eq!(code(&e), "bundle_year", "{year}: {e:?}");
            assert!(e.to_string().contains("từ năm 2019 đến năm 2027"), "{e}");
        }
        let b = seal_with(2025, "2026-12-30T08:00:00.000000", &|_| {});
        let e = province.svc.import_bundle(&sys(), &b).unwrap_err();
        assert_eq!(code(&e), "bundle_future", "{e:?}");
        assert!(e.to_string().contains("30/12/2026"), "{e}");
        assert_eq!(participants(&province), 200 + 135);
    }
}

/// The sum itself is checked: two unit reports already held (received before figures were
/// bounded at import) whose total would wrap refuse the report, in JSON and in DOCX alike: no
/// wrapped figure is ever shown.
#[test]
fn two_units_whose_sum_would_wrap_refuse_the_report() {
    use bmnn_core::programme::bundle;
    use bmnn_core::service::{RegisterKeyCmd, ReportQuery, UnitReport};
    for province in backends("Ủy ban nhân dân tỉnh Đồng Tháp") {
        unit_data(&province, 1, 60, 0);
        let q = ReportQuery {
            kind: ReportKind::Annual,
            year: 2025,
            incident_id: None,
            inspection_id: None,
        };
        let before = province.svc.report(&sys(), q).unwrap();
        for (i, name) in ["UBND huyện Lai Vung", "UBND huyện Tân Hồng"]
            .iter()
            .enumerate()
        {
            let secret = [50 + i as u8; 32];
            province
                .svc
                .register_unit_key(
                    &sys(),
                    RegisterKeyCmd {
                        unit: (*name).into(),
                        public_key: bundle::public_key_hex(&secret),
                    },
                )
                .unwrap();
            let mut figures = before.own.clone();
            figures.training.participants = u64::MAX / 2;
            province.add(UnitReport {
                unit: (*name).into(),
                kind: ReportKind::Annual,
                year: 2025,
                received_on: d("20/01/2026"),
                public_key: bundle::public_key_hex(&secret),
                bundle_sha256: "0".repeat(64),
                created: String::new(),
                figures,
            });
        }
        let e = province.svc.report(&sys(), q).unwrap_err();
        assert_eq!(code(&e), "report_overflow", "{e:?}");
        let o = province.bmnn(&["report", "annual", "--year", "2025"]);
        assert!(!o.status.success());
        assert!(text(&o).contains("quá lớn"), "{}", text(&o));
        assert!(o.stdout.is_empty(), "no JSON with a wrapped figure");
        let out = province.path("tong-hop.docx");
        let o = province.bmnn(&[
            "report",
            "annual",
            "--year",
            "2025",
            "--format",
            "docx",
            "--output",
            out.to_str().unwrap(),
        ]);
        assert!(!o.status.success(), "{}", text(&o));
        assert!(text(&o).contains("quá lớn"), "{}", text(&o));
        assert!(!out.exists(), "no DOCX with a wrapped figure");
    }
}

/// A district whose report arrived on paper before the due date, and whose bundle was entered
/// after the fact, is on time in the JSON and the DOCX; until the arrival is recorded on the
/// steering plan, the bundle's import date stands (late).
#[test]
fn a_report_received_by_its_due_date_is_never_shown_late() {
    for province in backends("Ủy ban nhân dân tỉnh Đồng Tháp") {
        let district = sibling(&province, "UBND huyện Cao Lãnh");
        unit_data(&district, 2, 30, 0);
        let key = String::from_utf8(district.ok(&["report", "keygen"]))
            .unwrap()
            .trim()
            .to_string();
        let p = district.path("goi.json");
        district.ok(&[
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
            "UBND huyện Cao Lãnh",
            "--public-key",
            &key,
        ]);
        province.ok(&["report", "import-bundle", p.to_str().unwrap()]);
        let plan = province.add(AnnualPlan {
            year: 2025,
            number_symbol: "70/KH-UBND".into(),
            issued_on: d("25/03/2025"),
            tasks: vec![],
            subordinate_plan_due: Some(d("15/04/2025")),
            subordinates: vec![
                Subordinate {
                    unit: "UBND huyện Cao Lãnh".into(),
                    plan_received_on: None,
                    report_received_on: None,
                },
                Subordinate {
                    unit: "UBND huyện Tháp Mười".into(),
                    plan_received_on: None,
                    report_received_on: None,
                },
            ],
        });
        let unit = |m: &Value, name: &str| {
            m["units"]
                .as_array()
                .unwrap()
                .iter()
                .find(|u| u["unit"] == name)
                .cloned()
                .unwrap_or_else(|| panic!("{name} in {m}"))
        };
        let m = province.json(&["report", "annual", "--year", "2025"]);
        let due = m["due"].as_str().unwrap().to_string();
        let cl = unit(&m, "UBND huyện Cao Lãnh");
        // Imported today (the binary's clock), after the due date.
        let imported = cl["received_on"].as_str().unwrap();
        assert!(imported > due.as_str(), "{imported} after {due}");
        assert_eq!(cl["on_time"], false);
        // The plan's units are listed even before they send anything.
        assert!(unit(&m, "UBND huyện Tháp Mười")["received_on"].is_null());

        // The paper report arrived on 10/12/2025 (before the due date): recorded on the plan.
        province
            .svc
            .subordinate_received(
                &sys(),
                bmnn_core::service::SubordinateReceivedCmd {
                    plan_id: plan.id,
                    index: 0,
                    what: Arrived::Report,
                    date: d("10/12/2025"),
                },
            )
            .unwrap();
        assert!(d("10/12/2025") <= bmnn_core::dates::parse_date(&due).unwrap());
        let m = province.json(&["report", "annual", "--year", "2025"]);
        let cl = unit(&m, "UBND huyện Cao Lãnh");
        assert_eq!(cl["received_on"], "2025-12-10", "{}", province.backend);
        assert_eq!(cl["on_time"], true);
        assert_eq!(
            cl["figures"]["training"]["sessions"], 2,
            "the bundle's figures kept"
        );
        let out = province.path("bc.docx");
        province.ok(&[
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
        assert!(
            t.contains("UBND huyện Cao Lãnh|10/12/2025|Đúng hạn|"),
            "{t}"
        );
        assert!(!t.contains("Chậm"), "{t}");
    }
}

/// The kinds a bundle may carry are `ReportKind::BUNDLED` (the multi-year review included):
/// the page's and the API's export refuses any other kind with a Vietnamese message that names
/// exactly those kinds, before anything is computed or signed; a bundled kind is signed (and
/// opens with its kind).
#[test]
fn the_bundle_export_names_the_kinds_it_sends() {
    let e = backends("UBND huyện Cao Lãnh").swap_remove(0);
    let secret = [7u8; 32];
    let audits = || e.svc.audit_tail(&sys(), 1000).unwrap().len();
    let before = audits();
    let export = |kind: ReportKind| {
        bmnn_web::programme::export_bundle(
            &e.svc,
            &sys(),
            Some(secret),
            bmnn_core::service::ReportQuery::of(kind, 2025),
        )
    };
    for kind in bmnn_web::programme::REPORT_KINDS {
        if kind.bundled() {
            let bytes = export(kind).unwrap_or_else(|err| panic!("{kind:?}: {err:?}"));
            let opened = bmnn_core::programme::bundle::open(&bytes).expect("opens");
            assert_eq!(opened.manifest.kind, kind);
            continue;
        }
        match export(kind).unwrap_err() {
            bmnn_core::CoreError::Invalid { field, message } => {
                assert_eq!(field, "kind", "{kind:?}");
                for sent in ReportKind::BUNDLED {
                    let label = sent.label();
                    // Named as in the page, its first letter in lower case inside the sentence.
                    assert!(message.contains(&label[1..]), "{kind:?}: {message}");
                }
                assert!(
                    message.contains("thi hành Luật"),
                    "the multi-year review is sent too: {message}"
                );
                assert!(!message.contains(&kind.label()[1..]), "{message}");
            }
            other => panic!("{kind:?}: {other:?}"),
        }
    }
    assert!(ReportKind::BUNDLED.contains(&ReportKind::MultiYear));
    assert_eq!(audits(), before, "exporting writes nothing");
}
