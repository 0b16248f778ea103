//! Scenarios run unchanged on every backend.

use crate::helpers::*;
use bmnn_core::Level;
use bmnn_core::model::*;
use bmnn_core::registers::RegisterKind;
use bmnn_core::service::*;
use std::collections::BTreeSet;

#[test]
fn sixteen_concurrent_registrations_are_numbered_1_to_16() {
    for b in backends() {
        let o = org(&b.url);
        let svc = std::sync::Arc::new(o.svc);
        let clerk = o.clerk.clone();
        let handles: Vec<_> = (0..16)
            .map(|i| {
                let svc = svc.clone();
                let ctx = Ctx {
                    user_id: clerk.id,
                    now: now(),
                    today: d("25/11/2026"),
                };
                std::thread::spawn(move || {
                    svc.receive_incoming(
                        &ctx,
                        incoming(Level::Mat, &format!("{i}/BCT"), "10/11/2026"),
                    )
                    .map(|(_, e)| e.number)
                })
            })
            .collect();
        let numbers: BTreeSet<i64> = handles
            .into_iter()
            .map(|h| h.join().expect("thread").expect("registered"))
            .collect();
        assert_eq!(numbers, (1..=16).collect::<BTreeSet<i64>>(), "{}", b.name);
        let ctx = Ctx {
            user_id: clerk.id,
            now: now(),
            today: d("25/11/2026"),
        };
        let book = svc
            .register_book(&ctx, RegisterKind::Incoming, 2026, 0, 100)
            .expect("book");
        assert_eq!(book.total, 16, "{}", b.name);
        assert_eq!(
            svc.store.verify_audit().expect("verify"),
            Ok(svc.store.audit_count().expect("count") as u64),
            "{}",
            b.name
        );
    }
}

#[test]
fn numbers_restart_each_year_and_are_never_reused() {
    for b in backends() {
        let o = org(&b.url);
        let c = o.ctx(&o.clerk);
        let (_, e1) = o
            .svc
            .receive_incoming(&c, incoming(Level::Mat, "1/A", "20/12/2025"))
            .expect("2025");
        let (_, e2) = o
            .svc
            .receive_incoming(&c, incoming(Level::Mat, "2/A", "02/01/2026"))
            .expect("2026");
        let (_, e3) = o
            .svc
            .receive_incoming(&c, incoming(Level::Mat, "3/A", "03/01/2026"))
            .expect("2026");
        assert_eq!((e1.year, e1.number), (2025, 1), "{}", b.name);
        assert_eq!((e2.year, e2.number), (2026, 1), "{}", b.name);
        assert_eq!(e3.number, 2, "{}", b.name);
        o.svc
            .cancel_entry(&c, e3.id, "Vào sổ nhầm")
            .expect("cancel");
        let (_, e4) = o
            .svc
            .receive_incoming(&c, incoming(Level::Mat, "4/A", "04/01/2026"))
            .expect("again");
        assert_eq!(
            e4.number, 3,
            "a cancelled number is not reused ({})",
            b.name
        );
        let book = o
            .svc
            .register_book(&c, RegisterKind::Incoming, 2026, 0, 100)
            .expect("book");
        assert_eq!(book.total, 3);
        assert!(
            book.rows[1]
                .last()
                .expect("note")
                .contains("ĐÃ HỦY BỎ: Vào sổ nhầm"),
            "{:?}",
            book.rows[1]
        );
    }
}

#[test]
fn clearance_filter_hides_higher_items_everywhere() {
    for b in backends() {
        let o = org(&b.url);
        let c = o.ctx(&o.clerk);
        let (mat, _) = o
            .svc
            .receive_incoming(&c, incoming(Level::Mat, "1/M", "10/11/2026"))
            .expect("mat");
        let (tm, _) = o
            .svc
            .receive_incoming(&c, incoming(Level::ToiMat, "2/TM", "10/11/2026"))
            .expect("tối mật");
        let r = o.ctx(&o.mat_reader);
        let page = o
            .svc
            .list_items(
                &r,
                ItemQuery {
                    limit: 50,
                    ..Default::default()
                },
            )
            .expect("list");
        assert_eq!(page.total, 1, "{}", b.name);
        assert_eq!(page.rows[0].id, mat.id);
        let found = o
            .svc
            .list_items(
                &r,
                ItemQuery {
                    text: Some("bao cao".into()),
                    limit: 50,
                    ..Default::default()
                },
            )
            .expect("search");
        assert_eq!(
            found.total, 1,
            "search finds only the Mật item ({})",
            b.name
        );
        assert!(matches!(
            o.svc.item_detail(&r, tm.id),
            Err(bmnn_core::CoreError::NotFound(_))
        ));
        let book = o
            .svc
            .register_book(&r, RegisterKind::Incoming, 2026, 0, 100)
            .expect("book");
        assert_eq!(book.total, 1, "register ({})", b.name);
        // Vietnamese search ignores diacritics and đ.
        let all = o
            .svc
            .list_items(
                &c,
                ItemQuery {
                    text: Some("BÁO CÁO đặc biệt".into()),
                    limit: 50,
                    ..Default::default()
                },
            )
            .expect("search");
        assert_eq!(all.total, 2);
        let none = o
            .svc
            .list_items(
                &c,
                ItemQuery {
                    text: Some("khong co".into()),
                    limit: 50,
                    ..Default::default()
                },
            )
            .expect("search");
        assert_eq!(none.total, 0);
    }
}

#[test]
fn tampering_with_any_audit_row_is_detected_and_named() {
    for b in backends() {
        let o = org(&b.url);
        let c = o.ctx(&o.clerk);
        for i in 0..3 {
            o.svc
                .receive_incoming(&c, incoming(Level::Mat, &format!("{i}/X"), "10/11/2026"))
                .expect("rx");
        }
        let n = o.svc.store.audit_count().expect("count");
        assert_eq!(o.svc.store.verify_audit().expect("verify"), Ok(n as u64));
        let edit = o.svc.store.export().expect("export");
        // Edit a row.
        o.svc
            .store
            .execute_raw("UPDATE audit_log SET details = 'sửa' WHERE seq = 5")
            .expect("edit");
        let err = o
            .svc
            .store
            .verify_audit()
            .expect("verify")
            .expect_err("edited");
        assert_eq!(err.seq, 5, "{}: {}", b.name, err.reason);
        // Restore, then delete a middle row.
        let fresh = backends_like(&b);
        import(&fresh, &edit).expect("import");
        fresh
            .execute_raw("DELETE FROM audit_log WHERE seq = 4")
            .expect("delete");
        let err = fresh.verify_audit().expect("verify").expect_err("deleted");
        assert_eq!(err.seq, 5, "the row after the gap is named ({})", b.name);
        // Delete the tail: the chain head catches it.
        let fresh = backends_like(&b);
        import(&fresh, &edit).expect("import");
        fresh
            .execute_raw(&format!("DELETE FROM audit_log WHERE seq = {n}"))
            .expect("delete tail");
        assert!(fresh.verify_audit().expect("verify").is_err(), "{}", b.name);
        // Reorder: swap the contents of two rows.
        let fresh = backends_like(&b);
        import(&fresh, &edit).expect("import");
        fresh
            .execute_raw("UPDATE audit_log SET seq = -1 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = -1;")
            .expect("swap");
        let err = fresh
            .verify_audit()
            .expect("verify")
            .expect_err("reordered");
        assert_eq!(err.seq, 2, "{}: {}", b.name, err.reason);
    }
}

/// The verifier reads the log in batches (bounded memory at any length): its verdict, the
/// broken record it names and the checkpoint it matches do not depend on where the batches
/// fall, for an intact log, a keyed one, and every kind of tampering.
#[test]
fn audit_verification_in_batches_gives_the_verdict_of_the_whole_log() {
    use bmnn_core::audit::Checkpoint;
    for b in backends() {
        let keyed = bmnn_store::DbStore::open(&b.url)
            .expect("open")
            .with_audit_key([7; 32]);
        let o = org_on(keyed);
        let c = o.ctx(&o.clerk);
        for i in 0..4 {
            o.svc
                .receive_incoming(&c, incoming(Level::Mat, &format!("{i}/B"), "10/11/2026"))
                .expect("rx");
        }
        let n = o.svc.store.audit_count().expect("count");
        assert!(n > 10, "{}: {n} records", b.name);
        let records = o.svc.store.audit_records().expect("records");
        assert_eq!(records.len() as i64, n);
        let cp = |seq: i64, hash: &str| Checkpoint {
            format: bmnn_core::audit::CHECKPOINT_FORMAT.into(),
            unit: "Sở Thử nghiệm".into(),
            seq,
            hash: hash.into(),
            at: "2026-11-25T09:00:00".into(),
            public_key: String::new(),
        };
        let mid = &records[n as usize / 2];
        let checkpoints = [
            None,
            Some(cp(mid.seq, &mid.hash)),
            Some(cp(n, &records[n as usize - 1].hash)),
            Some(cp(mid.seq, &records[0].hash)),
            Some(cp(n + 5, &mid.hash)),
        ];
        let sizes = [1, 2, 3, 5, n - 1, n, n + 1, 2_000];
        let same_everywhere = |store: &bmnn_store::DbStore, what: &str| {
            let mut verdicts = Vec::new();
            for cp in &checkpoints {
                let whole = store.verify_audit_full(cp.as_ref()).expect("verify");
                for size in sizes {
                    let v = store
                        .verify_audit_batched(cp.as_ref(), size)
                        .expect("verify");
                    assert_eq!(v, whole, "{}: {what}, batches of {size}", b.name);
                }
                verdicts.push(whole);
            }
            verdicts
        };
        // Intact: every record counted, keyed; checkpoints matched or refused by seq.
        let v = same_everywhere(&o.svc.store, "intact");
        let ok = v[0].clone().expect("intact");
        assert_eq!(ok.count, n as u64, "{}", b.name);
        assert_eq!(ok.legacy, 0, "{}", b.name);
        assert!(v[1].is_ok() && v[2].is_ok(), "{}: {v:?}", b.name);
        assert_eq!(v[3].clone().expect_err("rewritten").seq, mid.seq);
        assert_eq!(v[4].clone().expect_err("beyond").seq, n + 5);
        let copy = o.svc.store.export().expect("export");
        let tampered = |sql: &str| {
            let fresh = backends_like(&b).with_audit_key([7; 32]);
            import(&fresh, &copy).expect("import");
            fresh.execute_raw(sql).expect("tamper");
            fresh
        };
        // An edited record in the middle, a deleted one, a deleted tail, a forged MAC.
        let cases = [
            (
                format!("UPDATE audit_log SET details = 'x' WHERE seq = {}", mid.seq),
                mid.seq,
            ),
            (
                format!("DELETE FROM audit_log WHERE seq = {}", mid.seq),
                mid.seq + 1,
            ),
            // The import appends its own record: the tail is the fresh store's last.
            (
                "DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)".to_string(),
                n + 1,
            ),
            (
                format!("UPDATE audit_log SET mac = '00' WHERE seq = {}", mid.seq),
                mid.seq,
            ),
        ];
        for (sql, seq) in cases {
            let store = tampered(&sql);
            for v in same_everywhere(&store, &sql) {
                assert_eq!(v.expect_err(&sql).seq, seq, "{}: {sql}", b.name);
            }
        }
    }
}

/// A fresh empty store on the same backend as `b`.
fn backends_like(b: &Backend) -> bmnn_store::DbStore {
    let nb = backends()
        .into_iter()
        .find(|x| x.name == b.name)
        .expect("backend");
    let s = bmnn_store::DbStore::open(&nb.url).expect("open");
    std::mem::forget(nb); // keep the temp dir for the store's lifetime (test process)
    s
}

#[test]
fn import_of_export_reproduces_the_dataset() {
    for b in backends() {
        let o = org(&b.url);
        let c = o.ctx(&o.clerk);
        let (item, _) = o
            .svc
            .receive_incoming(&c, incoming(Level::ToiMat, "9/BCT", "10/11/2026"))
            .expect("rx");
        o.svc
            .hand_over(
                &c,
                HandOverCmd {
                    item_id: item.id,
                    to_user_id: Some(o.head.id),
                    to_name: None,
                    quantity: 1,
                    note: None,
                    date: Some(d("11/11/2026")),
                },
            )
            .expect("handover");
        let first = o.svc.store.export().expect("export");
        let json = serde_json::to_string(&first).expect("json");
        let back: bmnn_store::Dataset = serde_json::from_str(&json).expect("parse");
        let other = backends_like(&b);
        import(&other, &back).expect("import");
        let imported = other.export().expect("export again");
        assert_imported_as(&imported, &first, b.name);
        assert!(other.verify_audit().expect("verify").is_ok());
        // A second import into a non-empty database is refused and changes nothing.
        assert!(import(&other, &back).is_err());
        assert_eq!(other.export().expect("unchanged"), imported);
        // New rows continue after the imported ids.
        let svc2 = Service::new(other, bmnn_core::rules::RuleSet::embedded());
        let (it2, e2) = svc2
            .receive_incoming(&c, incoming(Level::Mat, "10/BCT", "12/11/2026"))
            .expect("after import");
        assert!(it2.id > item.id);
        assert_eq!(e2.number, 2);
    }
}

#[test]
fn import_refuses_a_log_missing_the_record_of_an_entry_or_a_decision() {
    for b in backends() {
        let o = org(&b.url);
        let c = o.ctx(&o.clerk);
        let (item, _) = o
            .svc
            .receive_incoming(&c, incoming(Level::Mat, "9/BCT", "10/11/2026"))
            .expect("rx");
        let r = o
            .svc
            .request_copy(
                &c,
                bmnn_core::service::CopyRequestCmd {
                    item_id: item.id,
                    form: bmnn_core::model::CopyForm::SaoY,
                    count: 1,
                    purpose: "Phục vụ họp".into(),
                    recipients: vec![],
                    date: Some(d("11/11/2026")),
                },
            )
            .expect("request");
        o.svc
            .decide(
                &o.ctx(&o.head),
                bmnn_core::service::DecideCmd {
                    request_id: r.id,
                    approve: true,
                    reason: None,
                    external_ref: None,
                    external: None,
                    reference: None,
                    date: Some(d("11/11/2026")),
                },
            )
            .expect("decide");
        let full = o.svc.store.export().expect("export");
        assert!(bmnn_store::check_log_covers_data(&full).is_ok());
        // Each cut: the record of the register entry; the record of the decision.
        let cuts: [fn(&str, &str) -> bool; 2] = [
            |object, _| object.starts_with("register:incoming:"),
            |object, details| object.starts_with("request:") && details.starts_with("approve="),
        ];
        for (n, cut) in cuts.iter().enumerate() {
            let mut d = full.clone();
            d.audit_log.retain(|r| !cut(&r.object, &r.details));
            assert!(d.audit_log.len() < full.audit_log.len());
            let other = backends_like(&b);
            let empty = other.export().expect("empty");
            let e = import(&other, &d).expect_err("refused");
            match &e {
                bmnn_core::CoreError::Refused(r) => {
                    assert_eq!(r.code, "import_log_incomplete", "{}", b.name);
                    assert!(r.message.contains("nhật ký kiểm tra"), "{}", r.message);
                    let what = [
                        "sổ đăng ký bí mật nhà nước đến",
                        "yêu cầu đã được quyết định",
                    ][n];
                    assert!(r.message.contains(what), "{}", r.message);
                }
                other => panic!("{other:?}"),
            }
            assert_eq!(other.export().expect("unchanged"), empty, "nothing written");
        }
    }
}

#[test]
fn a_refusal_writes_nothing() {
    for b in backends() {
        let o = org(&b.url);
        let before = o.svc.store.export().expect("export");
        // A drafter may not register incoming mail (role), a clerk may not record a
        // Tuyệt mật summary under regime B, and nobody may act in the future.
        let dr = o.ctx(&o.drafter);
        assert!(
            o.svc
                .receive_incoming(&dr, incoming(Level::Mat, "1/X", "10/11/2026"))
                .is_err()
        );
        let c = o.ctx(&o.clerk);
        let err = o
            .svc
            .receive_incoming(&c, incoming(Level::TuyetMat, "2/X", "10/11/2026"))
            .expect_err("B forbids");
        assert_eq!(err.code(), "tuyet_mat_summary_forbidden");
        let err = o
            .svc
            .receive_incoming(&c, incoming(Level::Mat, "3/X", "26/11/2026"))
            .expect_err("future");
        assert_eq!(err.code(), "invalid_input");
        assert_eq!(o.svc.store.export().expect("export"), before, "{}", b.name);
        let _ = (&o.section_head, o.cat_mat, o.cat_toi_mat, &o.admin);
    }
}

#[test]
fn migrations_are_kept_in_step() {
    let names = |b: &str| -> BTreeSet<String> {
        std::fs::read_dir(format!("{}/migrations/{b}", env!("CARGO_MANIFEST_DIR")))
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect()
    };
    assert_eq!(names("sqlite"), names("postgres"));
}

#[test]
fn scanner_bookkeeping_logs_ignores_and_filters_matches() {
    for b in backends() {
        let o = org(&b.url);
        let c = o.ctx(&o.clerk);
        let (mat, _) = o
            .svc
            .receive_incoming(&c, incoming(Level::Mat, "1/M", "10/11/2026"))
            .expect("mat");
        let (tm, _) = o
            .svc
            .receive_incoming(&c, incoming(Level::ToiMat, "2/TM", "10/11/2026"))
            .expect("tm");
        o.svc
            .set_item_text(&c, mat.id, b"ciphertext-1")
            .expect("text");
        o.svc
            .set_item_text(&c, tm.id, b"ciphertext-2")
            .expect("text");
        assert_eq!(o.svc.item_texts().expect("texts").len(), 2);
        // The reader cleared for Mật sees only the Mật match; declassified items never match.
        let r = o.ctx(&o.mat_reader);
        let m = o
            .svc
            .visible_matches(&r, &[tm.id, mat.id, 999])
            .expect("matches");
        assert_eq!(
            m.iter().map(|x| x.item_id).collect::<Vec<_>>(),
            vec![mat.id],
            "{}",
            b.name
        );
        let sha = "a".repeat(64);
        let before = o.svc.store.audit_count().expect("count");
        o.svc
            .record_scan(
                &c,
                &ScanLog {
                    file_name: "lich-cong-tac.docx".into(),
                    sha256: sha.clone(),
                    size: 1234,
                    verdict: "block".into(),
                    findings: 2,
                    channel: "web".into(),
                },
            )
            .expect("log");
        assert_eq!(o.svc.store.audit_count().expect("count"), before + 1);
        let tail = o.svc.audit_tail(&o.ctx(&o.admin), 1).expect("tail");
        assert!(
            tail[0].details.contains("verdict=block")
                && tail[0].details.contains("lich-cong-tac.docx")
        );
        // Only a leader or the security officer approves an ignore, with a reason and an expiry.
        let err = o
            .svc
            .ignore_finding(
                &c,
                IgnoreCmd {
                    sha256: sha.clone(),
                    rule_id: "copy".into(),
                    reason: "Đã giải mật".into(),
                    expires: d("01/12/2026"),
                },
            )
            .expect_err("clerk");
        assert_eq!(err.code(), "forbidden");
        let h = o.ctx(&o.head);
        let err = o
            .svc
            .ignore_finding(
                &h,
                IgnoreCmd {
                    sha256: sha.clone(),
                    rule_id: "copy".into(),
                    reason: " ".into(),
                    expires: d("01/12/2026"),
                },
            )
            .expect_err("no reason");
        assert_eq!(err.code(), "invalid_input");
        let err = o
            .svc
            .ignore_finding(
                &h,
                IgnoreCmd {
                    sha256: sha.clone(),
                    rule_id: "copy".into(),
                    reason: "x".into(),
                    expires: d("01/01/2030"),
                },
            )
            .expect_err("too long");
        assert_eq!(err.code(), "invalid_input");
        o.svc
            .ignore_finding(
                &h,
                IgnoreCmd {
                    sha256: sha.clone(),
                    rule_id: "copy".into(),
                    reason: "Trích dẫn văn bản đã công bố".into(),
                    expires: d("01/12/2026"),
                },
            )
            .expect("ignore");
        let ig = o.svc.active_ignores(&c, &sha).expect("ignores");
        assert_eq!(ig.len(), 1);
        assert_eq!(ig[0].approver_id, o.head.id);
        let later = Ctx {
            today: d("02/12/2026"),
            ..c
        };
        assert!(
            o.svc
                .active_ignores(&later, &sha)
                .expect("ignores")
                .is_empty(),
            "expired ({})",
            b.name
        );
        o.svc
            .declassify(
                &h,
                DeclassifyCmd {
                    item_id: mat.id,
                    council: vec![],
                    council_decision_ref: None,
                    council_minutes_ref: None,
                    partial: false,
                    partial_scope: None,
                    decision_ref: None,
                    originator_notice: Some("CV 5/BCT".into()),
                    date: Some(d("20/11/2026")),
                },
            )
            .expect_err("a leader may not record the originator's notice");
        o.svc
            .declassify(
                &c,
                DeclassifyCmd {
                    item_id: mat.id,
                    council: vec![],
                    council_decision_ref: None,
                    council_minutes_ref: None,
                    partial: false,
                    partial_scope: None,
                    decision_ref: None,
                    originator_notice: Some("CV 5/BCT".into()),
                    date: Some(d("20/11/2026")),
                },
            )
            .expect("declassified on the originator's notice");
        assert!(
            o.svc
                .visible_matches(&r, &[mat.id])
                .expect("matches")
                .is_empty()
        );
        assert_eq!(
            o.svc.item_texts().expect("texts").len(),
            1,
            "declassified items leave the index"
        );
    }
}

/// A number long enough that ciphertext never contains it by chance (a 3-byte needle matched
/// random ciphertext about once in 60 runs).
const NEEDLE: &str = "1/BACKUP-KHONG-DUOC-LO";

#[test]
fn backups_restore_and_refuse_damaged_or_foreign_ones() {
    for b in backends() {
        let o = org(&b.url);
        let c = o.ctx(&o.clerk);
        o.svc
            .receive_incoming(&c, incoming(Level::Mat, NEEDLE, "10/11/2026"))
            .expect("rx");
        let key = bmnn_vault::DataKey::from_bytes([3u8; 32]);
        let tmp = tempfile::tempdir().expect("tmp");
        let (manifest, sealed) = o
            .svc
            .store
            .backup(&key, tmp.path(), "2026-11-25T09:00:00")
            .expect("backup");
        assert_eq!(
            manifest.payload,
            if b.name == "sqlite" {
                "sqlite-db"
            } else {
                "export-json"
            }
        );
        // The file gives away nothing of the data.
        assert!(
            !sealed.windows(NEEDLE.len()).any(|w| w == NEEDLE.as_bytes()),
            "{}",
            b.name
        );
        let (m2, payload) = bmnn_store::backup::open_backup(&key, &sealed).expect("open");
        assert_eq!(m2, manifest);
        let mut bad = sealed.clone();
        let i = bad.len() / 2;
        bad[i] ^= 0x40;
        assert_eq!(
            bmnn_store::backup::open_backup(&key, &bad)
                .expect_err("damaged")
                .code(),
            "backup_refused"
        );
        let other = bmnn_vault::DataKey::from_bytes([4u8; 32]);
        let err = bmnn_store::backup::open_backup(&other, &sealed).expect_err("foreign");
        assert!(
            err.message_vi().contains("khóa khác"),
            "{}",
            err.message_vi()
        );
        // Restore drill.
        let before = o.svc.store.export().expect("export");
        if b.name == "sqlite" {
            let dest = tmp.path().join("restored.db");
            bmnn_store::backup::restore_sqlite(&payload, &dest, None).expect("restore");
            let r = bmnn_store::DbStore::open(&format!("sqlite://{}", dest.display()))
                .expect("open restored");
            assert_eq!(r.export().expect("export"), before);
            assert!(r.verify_audit().expect("verify").is_ok());
        } else {
            let d: bmnn_store::Dataset = serde_json::from_slice(&payload).expect("json");
            let fresh = backends_like(&b);
            import(&fresh, &d).expect("import");
            assert_imported_as(&fresh.export().expect("export"), &before, b.name);
        }
    }
}

#[test]
fn long_lists_count_up_to_the_cap() {
    for b in backends() {
        let o = org(&b.url);
        o.svc
            .store
            .bench_seed(1_200, 10, o.clerk.id, None)
            .expect("seed");
        let c = o.ctx(&o.clerk);
        let page = o
            .svc
            .list_items(
                &c,
                ItemQuery {
                    limit: 50,
                    ..Default::default()
                },
            )
            .expect("list");
        assert_eq!(page.total, 1_001, "more than 1,000 ({})", b.name);
        assert_eq!(page.rows.len(), 50);
        let mat = o
            .svc
            .list_items(
                &o.ctx(&o.mat_reader),
                ItemQuery {
                    limit: 50,
                    ..Default::default()
                },
            )
            .expect("list");
        assert!(mat.rows.iter().all(|i| i.level == Level::Mat), "{}", b.name);
    }
}

/// The header's inbox count and the whole inbox are kept per user until anything changes: both
/// follow an act made through the same server, an act of another process on the same database
/// (its audit record), and a write through this server that writes no audit record (the
/// store's write generation), and the count always equals the inbox's waiting lines.
#[test]
fn the_kept_inbox_count_follows_every_change_here_or_in_another_process() {
    use bmnn_core::ports::Store;
    for b in backends() {
        let o = org(&b.url);
        let head = o.ctx(&o.head);
        let waiting = |svc: &Service<bmnn_store::DbStore>| {
            svc.inbox(&head)
                .expect("inbox")
                .lines
                .iter()
                .filter(|l| l.waiting)
                .count()
        };
        let propose = |svc: &Service<bmnn_store::DbStore>| {
            svc.propose(&o.ctx(&o.drafter), propose_cmd(&o, Level::Mat, None))
                .expect("propose")
        };
        // The kept count and the kept inbox, both asked: each must show `n` waiting lines.
        let shows = |n: usize, what: &str| {
            let count = o.svc.inbox_count(&head).expect("count");
            assert_eq!((count, waiting(&o.svc)), (n, n), "{} {what}", b.name);
        };
        let c0 = o.svc.inbox_count(&head).expect("count");
        shows(c0, "at first");

        // An act through this server: a proposal waits for the head's decision.
        let first = propose(&o.svc);
        shows(c0 + 1, "after an act here");

        // An act of another process on the same database (its own store and service).
        let other = Service::new(
            bmnn_store::DbStore::open(&b.url).expect("open a second store"),
            bmnn_core::rules::RuleSet::embedded(),
        );
        propose(&other);
        shows(c0 + 2, "after an act of another process");

        // A write of this server that writes no audit record: the first proposal taken back
        // directly in the store.
        let seq = |svc: &Service<bmnn_store::DbStore>| {
            svc.store.read(|tx| tx.audit_seq()).expect("audit seq")
        };
        let before = seq(&o.svc);
        o.svc
            .store
            .write(|tx| {
                let mut it = first.clone();
                it.status = Status::Rejected;
                tx.update_item(&it)
            })
            .expect("direct write");
        assert_eq!(seq(&o.svc), before, "{}: no audit record", b.name);
        shows(c0 + 1, "after a write with no audit record");
    }
}
