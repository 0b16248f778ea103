//! `import` as a controlled restore (issue 16 point 3, issue 14 "import trusts its input"): a
//! file whose rows disagree with their records, whose records the services would refuse or whose
//! chain is broken is refused whole, with nothing written; an accepted one writes its own audit
//! record and leaves API tokens behind unless told. And the chain head is never overwritten
//! blind: a cut tail stops the next write instead of healing.

use crate::helpers::*;
use bmnn_core::Level;
use bmnn_core::error::CoreError;
use bmnn_core::programme::{
    Channel, Discipline, Incident, IncidentDocument, IncidentKind, IncidentState, OrganisedBy,
    Training, TrainingKind,
};
use bmnn_core::service::*;
use bmnn_store::{Dataset, DbStore};

/// An organisation with a Tuyệt mật item received, a training recorded and an API token.
fn source(url: &str) -> (Org, Dataset) {
    let o = org(url);
    let c = o.ctx(&o.clerk);
    o.svc
        .receive_incoming(
            &c,
            ReceiveIncomingCmd {
                summary: None,
                ..incoming(Level::TuyetMat, "7/BCT", "10/11/2026")
            },
        )
        .expect("rx");
    o.svc
        .add_record(
            &o.system(),
            RecordCmd {
                unit_id: None,
                record: Training {
                    date: d("01/03/2025"),
                    kind: TrainingKind::Training,
                    organiser: "Công an Tỉnh".into(),
                    organised_by: OrganisedBy::Own,
                    audience: "Văn thư".into(),
                    participants: 40,
                    attendees: vec![],
                },
            },
        )
        .expect("training");
    o.svc
        .add_record(
            &o.system(),
            RecordCmd {
                unit_id: None,
                record: Incident {
                    discovered_on: d("02/03/2025"),
                    kind: IncidentKind::Loss,
                    channel: Channel::PhysicalLoss,
                    place: "Phòng Hành chính".into(),
                    documents: vec![IncidentDocument {
                        level: Some(Level::Mat),
                        in_catalogue: true,
                        item_id: None,
                    }],
                    cause: "Thất lạc khi đi công tác".into(),
                    recovered: false,
                    taken_down: false,
                    discipline: Discipline::default(),
                    criminal_referral: false,
                    adhoc_report: None,
                    state: IncidentState::Verifying,
                    outcome: None,
                    state_on: None,
                },
            },
        )
        .expect("incident");
    o.svc
        .register_token(&o.ctx(&o.clerk), "may-tinh-van-thu", &"ab".repeat(32), 30)
        .expect("token");
    let d = o.svc.store.export().expect("export");
    (o, d)
}

fn fresh_like(url_of: &str) -> DbStore {
    let nb = backends()
        .into_iter()
        .find(|x| x.name == url_of)
        .expect("backend");
    let s = DbStore::open(&nb.url).expect("open");
    std::mem::forget(nb);
    s
}

/// The import of `d` into a fresh store is refused with `code`, whose message contains
/// `says`, and the store stays empty.
fn refused(backend: &str, d: &Dataset, code: &str, says: &str) {
    let other = fresh_like(backend);
    let empty = other.export().expect("empty");
    match import(&other, d).expect_err("refused") {
        CoreError::Refused(r) => {
            assert_eq!(r.code, code, "{backend}: {}", r.message);
            assert!(r.message.contains(says), "{backend}: {}", r.message);
            assert!(
                r.message.contains("Không có dữ liệu nào được ghi"),
                "{}",
                r.message
            );
        }
        e => panic!("{backend}: {e:?}"),
    }
    assert_eq!(
        other.export().expect("after"),
        empty,
        "nothing written ({backend})"
    );
}

#[test]
fn a_row_whose_key_columns_disagree_with_its_record_is_refused() {
    for b in backends() {
        let (_o, full) = source(&b.url);
        // The Tuyệt mật item's level column lowered to Mật: a Mật reader would see it.
        let mut d = full.clone();
        let it = d.items.iter_mut().find(|i| i.level == 3).expect("TM item");
        it.level = Level::Mat.rank();
        refused(b.name, &d, "import_columns_mismatch", "độ mật");
        // Its status column says destroyed while the record says registered.
        let mut d = full.clone();
        d.items[0].status = "destroyed".into();
        refused(b.name, &d, "import_columns_mismatch", "trạng thái");
        // A register entry renumbered in its column only.
        let mut d = full.clone();
        d.register_entries[0].number += 5;
        refused(b.name, &d, "import_columns_mismatch", "số thứ tự");
        // A user row whose username column differs from the account's record.
        let mut d = full.clone();
        d.users[1].username = "quantri2".into();
        refused(b.name, &d, "import_columns_mismatch", "tên đăng nhập");
        // An undecodable record (the "corrupt row").
        let mut d = full.clone();
        d.items[0].data = "{\"hỏng\":".into();
        refused(b.name, &d, "import_invalid_record", "không đọc được");
    }
}

#[test]
fn records_the_services_would_refuse_are_refused() {
    for b in backends() {
        let (_o, full) = source(&b.url);
        let training = |d: &Dataset| -> serde_json::Value {
            let r = d
                .programme_records
                .iter()
                .find(|r| r.kind == "training")
                .expect("training");
            serde_json::from_str(&r.data).expect("json")
        };
        let set = |d: &mut Dataset, v: serde_json::Value| {
            let r = d
                .programme_records
                .iter_mut()
                .find(|r| r.kind == "training")
                .expect("training");
            r.data = v.to_string();
        };
        // A training with 0 participants (issue 14).
        let mut d = full.clone();
        let mut v = training(&d);
        v["participants"] = 0.into();
        set(&mut d, v);
        refused(
            b.name,
            &d,
            "import_invalid_record",
            "số người tham dự phải lớn hơn 0",
        );
        // A lost document "taken down" (issue 14).
        let mut d = full.clone();
        let r = d
            .programme_records
            .iter_mut()
            .find(|r| r.kind == "incident")
            .expect("incident");
        let mut v: serde_json::Value = serde_json::from_str(&r.data).expect("json");
        v["taken_down"] = true.into();
        r.data = v.to_string();
        refused(b.name, &d, "import_invalid_record", "gỡ bỏ");
        // Hidden characters in an account's name, as no service would accept.
        let mut d = full.clone();
        let mut u: serde_json::Value = serde_json::from_str(&d.users[1].data).expect("json");
        u["full_name"] = "Quản\u{202E}trị".into();
        d.users[1].data = u.to_string();
        refused(b.name, &d, "import_invalid_record", "ký tự");
    }
}

#[test]
fn a_broken_chain_is_refused() {
    for b in backends() {
        let (_o, full) = source(&b.url);
        let mut d = full.clone();
        d.audit_log[2].details = "sửa".into();
        refused(b.name, &d, "import_chain_broken", "bản ghi số 3");
        // A cut tail (head still naming the last record) too.
        let mut d = full.clone();
        d.audit_log.pop();
        refused(b.name, &d, "import_chain_broken", "nhật ký");
    }
}

#[test]
fn an_import_writes_its_audit_record_and_drops_tokens_unless_told() {
    for b in backends() {
        let (_o, full) = source(&b.url);
        assert_eq!(full.api_tokens.len(), 1);
        let other = fresh_like(b.name);
        let rules = bmnn_core::rules::RuleSet::embedded();
        let opts = bmnn_store::ImportOptions {
            rules: &rules,
            keep_tokens: false,
            accept_privileged: true,
            at: "2026-12-02T08:00:00.000000".into(),
            actor: "0:system".into(),
            source: "sealed".into(),
        };
        let r = other.import(&full, &opts).expect("import");
        assert_eq!((r.tokens_dropped, r.tokens_kept), (1, 0));
        let names: Vec<&str> = r.privileged.iter().map(|p| p.0.as_str()).collect();
        assert!(
            names.contains(&"admin") && names.contains(&"giamdoc"),
            "{names:?}"
        );
        let of = |n: &str| r.privileged.iter().find(|p| p.0 == n).expect(n).2.clone();
        assert!(of("giamdoc").starts_with(&["tiếp cận Tuyệt mật", "lãnh đạo"]));
        assert_eq!(of("soanthao"), ["tiếp cận Tối mật"]);
        let after = other.export().expect("export");
        assert!(after.api_tokens.is_empty(), "{}", b.name);
        let last = after.audit_log.last().expect("record");
        assert_eq!(last.action, "dataset.import");
        assert!(
            last.details.contains("tokens_dropped=1"),
            "{}",
            last.details
        );
        assert!(other.verify_audit().expect("verify").is_ok(), "{}", b.name);
        // New rows continue after the imported ids, programme records too (PostgreSQL's
        // identity sequence of programme_records was left at 1 before).
        let svc = Service::new(other, rules.clone());
        let ctx = Ctx {
            user_id: SYSTEM_USER_ID,
            now: now(),
            today: d("25/11/2026"),
        };
        svc.add_record(
            &ctx,
            RecordCmd {
                unit_id: None,
                record: Training {
                    date: d("02/03/2025"),
                    kind: TrainingKind::Training,
                    organiser: "Sở Nội vụ".into(),
                    organised_by: OrganisedBy::Own,
                    audience: "Lãnh đạo phòng".into(),
                    participants: 12,
                    attendees: vec![],
                },
            },
        )
        .expect("a record after the import");
        // With keep_tokens the token comes along.
        let third = fresh_like(b.name);
        let r = import(&third, &full).expect("import");
        assert_eq!((r.tokens_dropped, r.tokens_kept), (0, 1));
        assert_eq!(third.export().expect("export").api_tokens, full.api_tokens);
    }
}

#[test]
fn a_cut_tail_is_not_healed_by_the_next_write() {
    for b in backends() {
        let (o, full) = source(&b.url);
        let n = full.audit_log.len();
        o.svc
            .store
            .execute_raw(&format!("DELETE FROM audit_log WHERE seq = {n}"))
            .expect("cut");
        let before = o.svc.store.export().expect("before");
        let e = o
            .svc
            .receive_incoming(
                &o.ctx(&o.clerk),
                incoming(Level::Mat, "8/BCT", "11/11/2026"),
            )
            .expect_err("refused");
        assert_eq!(e.code(), "audit_head_mismatch", "{}: {e:?}", b.name);
        assert_eq!(
            o.svc.store.export().expect("after"),
            before,
            "nothing written"
        );
        let broken = o.svc.store.verify_audit().expect("verify");
        assert!(broken.is_err(), "the cut stays visible ({})", b.name);
    }
}

#[test]
fn privileged_accounts_come_in_only_when_accepted_and_are_listed() {
    for b in backends() {
        let (_o, full) = source(&b.url);
        let rules = bmnn_core::rules::RuleSet::embedded();
        // An ordinary account raised in the file to administrator with Tuyệt mật clearance.
        let mut planted = full.clone();
        let at = planted
            .users
            .iter()
            .position(|r| r.data.contains("\"vanthu\""))
            .expect("vanthu");
        let mut u: serde_json::Value = serde_json::from_str(&planted.users[at].data).expect("json");
        u["roles"] = serde_json::json!(["admin"]);
        u["clearance"] = "tuyet-mat".into();
        planted.users[at].data = u.to_string();
        let other = fresh_like(b.name);
        let opts = |accept| bmnn_store::ImportOptions {
            rules: &rules,
            keep_tokens: false,
            accept_privileged: accept,
            at: "2026-12-02T08:00:00.000000".into(),
            actor: "0:system".into(),
            source: "sealed".into(),
        };
        let e = other.import(&full, &opts(false)).expect_err("refused");
        let msg = e.message_vi();
        assert!(
            matches!(&e, CoreError::Refused(r) if r.code == "import_privileged_accounts"),
            "{}: {e:?}",
            b.name
        );
        assert!(
            msg.contains("admin") && msg.contains("giamdoc") && msg.contains("quản trị viên"),
            "{msg}"
        );
        // Nothing written.
        let after = other.export().expect("export");
        assert!(
            after.users.is_empty() && after.audit_log.is_empty(),
            "{}",
            b.name
        );
        // The raised account is named with its new privileges (unless the file already fails
        // an earlier check, which writes nothing either).
        let e = other.import(&planted, &opts(false)).expect_err("refused");
        if matches!(&e, CoreError::Refused(r) if r.code == "import_privileged_accounts") {
            let m = e.message_vi();
            assert!(
                m.contains("vanthu (") && m.contains("tiếp cận Tuyệt mật"),
                "{m}"
            );
        }
        assert!(other.export().expect("export").users.is_empty());
        // Accepted: imported, and the audit record counts them.
        let r = other.import(&full, &opts(true)).expect("import");
        assert!(!r.privileged.is_empty());
        let last = other
            .export()
            .expect("export")
            .audit_log
            .last()
            .cloned()
            .expect("record");
        assert!(
            last.details
                .contains(&format!("privileged={}", r.privileged.len())),
            "{}",
            last.details
        );
    }
}
