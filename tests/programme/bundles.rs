//! Up the chain: units sign their report bundles, the level above registers their keys,
//! refuses changed or unknown bundles, sees who has not reported, and sums the figures.

use crate::helpers::*;
use bmnn_core::Level;
use bmnn_core::programme::*;
use serde_json::Value;

fn unit_data(e: &Env, sessions: u32, people: u32, incidents: usize) {
    for i in 0..sessions {
        e.add(Training {
            date: d(&format!("{:02}/03/2025", 1 + i)),
            kind: TrainingKind::Dissemination,
            organiser: "Phòng Nội vụ".into(),
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
                add(&mut expected, &u["figures"]);
            }
        }
        assert_eq!(
            m["figures"], expected,
            "the report sums its own and its units' figures"
        );
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
