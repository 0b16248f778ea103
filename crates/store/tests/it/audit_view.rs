//! The audit viewer filtered by the viewer's current reach, and audited reads (bounded).

use crate::helpers::*;
use bmnn_core::Level;
use bmnn_core::model::*;
use bmnn_core::service::*;

fn officer(o: &Org, clearance: Level) -> User {
    o.svc
        .create_user(
            &o.system(),
            NewUser {
                username: "baomat".into(),
                full_name: "baomat".into(),
                roles: vec![Role::SecurityOfficer],
                clearance: Some(clearance),
                position_id: None,
                unit_id: o.clerk.unit_id,
                password_hash: "x".into(),
            },
        )
        .expect("officer")
}

fn count(o: &Org, action: &str) -> usize {
    o.svc
        .store
        .audit_records()
        .expect("records")
        .iter()
        .filter(|r| r.action == action)
        .count()
}

#[test]
fn the_viewer_redacts_records_about_what_the_viewer_may_not_see() {
    for b in backends() {
        let o = org(&b.url);
        let c = o.ctx(&o.clerk);
        let (tm, _) = o
            .svc
            .receive_incoming(&c, incoming(Level::ToiMat, "7/BQP", "10/11/2026"))
            .expect("rx tm");
        let (m, _) = o
            .svc
            .receive_incoming(&c, incoming(Level::Mat, "8/BCT", "10/11/2026"))
            .expect("rx m");
        let sec = officer(&o, Level::Mat);
        let names = |r: &bmnn_core::audit::AuditRecord, id: Id| {
            r.object == format!("item:{id}")
                || r.details.split(' ').any(|w| w == format!("item={id}"))
        };
        // Mật-cleared security officer: the Mật receipt in full, the Tối mật one redacted.
        let view = o.svc.audit_view(&o.ctx(&sec), None, 1000).expect("view");
        assert!(
            view.iter()
                .any(|r| names(r, m.id) && r.object.starts_with("register:incoming:")),
            "{}",
            b.name
        );
        assert!(!view.iter().any(|r| names(r, tm.id)), "{}", b.name);
        let redacted: Vec<_> = view.iter().filter(|r| r.action == REDACTED).collect();
        assert!(!redacted.is_empty());
        for r in &redacted {
            assert!(r.object.is_empty() && r.hash.is_empty() && r.prev_hash.is_empty());
            assert_eq!(r.details, REDACTED_TEXT);
        }
        // The administrator's role carries no clearance: both receipts redacted, the
        // organisation records (units, users) shown.
        let view = o
            .svc
            .audit_view(&o.ctx(&o.admin), None, 1000)
            .expect("view");
        assert!(
            !view.iter().any(|r| names(r, tm.id) || names(r, m.id)),
            "{}",
            b.name
        );
        assert!(view.iter().any(|r| r.object.starts_with("user:")));
        // A cleared leader who is not an auditor is refused the page.
        assert!(o.svc.audit_view(&o.ctx(&o.head), None, 10).is_err());
        // Pages: `before` walks back without overlap.
        let all = o.svc.audit_view(&o.ctx(&sec), None, 1000).expect("all");
        let first = o.svc.audit_view(&o.ctx(&sec), None, 3).expect("page 1");
        let second = o
            .svc
            .audit_view(&o.ctx(&sec), Some(first[2].seq), 3)
            .expect("page 2");
        assert_eq!(
            first
                .iter()
                .chain(&second)
                .map(|r| r.seq)
                .collect::<Vec<_>>(),
            all.iter().take(6).map(|r| r.seq).collect::<Vec<_>>()
        );
        // The whole chain still verifies (the viewer changes nothing).
        assert!(o.svc.store.verify_audit().expect("verify").is_ok());
    }
}

#[test]
fn high_reads_and_hidden_ids_are_audited_once_an_hour_and_capped() {
    for b in backends() {
        let o = org(&b.url);
        let c = o.ctx(&o.clerk);
        let (tm, _) = o
            .svc
            .receive_incoming(&c, incoming(Level::ToiMat, "7/BQP", "10/11/2026"))
            .expect("rx");
        let (m, _) = o
            .svc
            .receive_incoming(&c, incoming(Level::Mat, "8/BCT", "10/11/2026"))
            .expect("rx");
        // A Tối mật read by a cleared reader: one record, not two within the hour.
        let head = o.ctx(&o.head);
        o.svc.item_detail(&head, tm.id).expect("read");
        o.svc.item_detail(&head, tm.id).expect("read again");
        assert_eq!(count(&o, "item.read"), 1, "{}", b.name);
        // Mật reads are not recorded.
        o.svc.item_detail(&head, m.id).expect("read mat");
        assert_eq!(count(&o, "item.read"), 1);
        // The next hour, again once.
        let later = Ctx {
            now: head.now + time::Duration::hours(1),
            ..head
        };
        o.svc.item_detail(&later, tm.id).expect("read later");
        assert_eq!(count(&o, "item.read"), 2);
        // A Mật-only reader asking for the Tối mật id: not found, and recorded once.
        let low = o.ctx(&o.mat_reader);
        assert!(matches!(
            o.svc.item_detail(&low, tm.id),
            Err(bmnn_core::CoreError::NotFound(_))
        ));
        assert!(o.svc.item_detail(&low, tm.id).is_err());
        assert_eq!(count(&o, "read.refused"), 1, "{}", b.name);
        // An id that does not exist leaves nothing (no flood through made-up ids).
        assert!(o.svc.item_detail(&low, 999_999).is_err());
        assert_eq!(count(&o, "read.refused"), 1);
        // The per-user cap: READ_CAP records an hour, then one "cap reached", then nothing.
        let mut ids = Vec::new();
        for i in 0..READ_CAP + 1 {
            let (it, _) = o
                .svc
                .receive_incoming(
                    &c,
                    incoming(Level::ToiMat, &format!("{}/BQP", 100 + i), "10/11/2026"),
                )
                .expect("rx");
            ids.push(it.id);
        }
        for id in &ids {
            assert!(o.svc.item_detail(&low, *id).is_err());
        }
        assert_eq!(count(&o, "read.refused") as i64, READ_CAP, "{}", b.name);
        assert_eq!(count(&o, "read.cap"), 1);
        assert!(o.svc.store.verify_audit().expect("verify").is_ok());
    }
}

/// Rules overrides (quy tắc thay thế tại cơ sở): a set added, edited or removed since the trail
/// last recorded it is written to the audit trail once; an unchanged set writes nothing.
#[test]
fn a_changed_rules_override_set_is_written_to_the_trail_once() {
    for b in backends() {
        let o = org(&b.url);
        let none: Vec<(String, String)> = Vec::new();
        let one = vec![("regime-b.toml".to_string(), "[a]\nx = 1\n".to_string())];
        let edited = vec![("regime-b.toml".to_string(), "[a]\nx = 2\n".to_string())];
        let steps: [(&[(String, String)], bool); 6] = [
            (&none, false),
            (&one, true),
            (&one, false),
            (&edited, true),
            (&none, true),
            (&none, false),
        ];
        for (i, (set, writes)) in steps.iter().enumerate() {
            let before = count(&o, RULES_OVERRIDES_ACTION);
            let wrote = o.svc.record_rules_overrides(now(), set).expect("record");
            assert_eq!(wrote, *writes, "{} step {i}", b.name);
            assert_eq!(
                count(&o, RULES_OVERRIDES_ACTION),
                before + usize::from(*writes),
                "{} step {i}",
                b.name
            );
        }
        let recs = o.svc.store.audit_records().expect("records");
        let last = recs
            .iter()
            .rev()
            .find(|r| r.action == RULES_OVERRIDES_ACTION)
            .expect("recorded");
        assert_eq!(last.details, "none", "{}", b.name);
        let edit = recs
            .iter()
            .filter(|r| r.action == RULES_OVERRIDES_ACTION)
            .nth(1)
            .expect("edit recorded");
        assert_eq!(edit.details, overrides_fingerprint(&edited));
        assert_ne!(overrides_fingerprint(&one), overrides_fingerprint(&edited));
        assert!(
            edit.details.starts_with("regime-b.toml="),
            "{}",
            edit.details
        );
        assert!(o.svc.store.verify_audit().expect("verify").is_ok());
    }
}
