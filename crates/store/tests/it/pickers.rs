//! Pickers at 1,000 users (issue 15): `pick_people` and `pick_units` answer from the store's
//! index of folded words (migration 000021) and give the answers of matching every user and
//! unit in Rust (`reference`, the code they replaced): prefixes with and without diacritics, the
//! limit, inactive users left out, an item's level respected, a renamed user found by the new
//! name only, rows without the folded columns (from before the migration) filled at open, and
//! word rows from before migration 000025 given their owner's label and rank by it.
//! On both databases.

use crate::helpers::*;
use bmnn_core::Level;
use bmnn_core::model::User;
use bmnn_core::ports::Store;
use bmnn_core::service::{PICK_LIMIT, Pick, UserChange, may_receive, person_label};
use bmnn_core::text::fold;
use bmnn_store::DbStore;

fn words(q: &str) -> Vec<String> {
    fold(q)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// True when every folded word of `q` begins a word of the folded `text`.
fn matches(words: &[String], text: &str) -> bool {
    let hay = fold(text);
    words.iter().all(|w| {
        hay.split(|c: char| !c.is_alphanumeric())
            .any(|h| h.starts_with(w.as_str()))
    })
}

/// Every user matched in Rust, sorted by folded label, at most 20 (the picker before issue 15).
fn reference_people(users: &[User], q: &str, level: Option<Level>) -> Vec<String> {
    let w = words(q);
    if w.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<String> = users
        .iter()
        .filter(|u| u.active && level.is_none_or(|l| may_receive(u, l)))
        .map(person_label)
        .filter(|l| matches(&w, l))
        .collect();
    out.sort_by_cached_key(|l| fold(l));
    out.truncate(PICK_LIMIT);
    out
}

fn labels(p: Vec<Pick>) -> Vec<String> {
    p.into_iter().map(|p| p.label).collect()
}

const QUERIES: &[&str] = &[
    "canbo1",
    "canbo12",
    "nguyen",
    "Nguyễn",
    "NGUYEN van",
    "đức",
    "duc",
    "dang thi",
    "Đặng Thị 1",
    "t",
    "th",
    "ng v 99",
    "uc",
    "vanthu",
    "zzz",
    "",
    " - ",
];

#[test]
fn pickers_answer_from_the_index_as_the_full_scan_did() {
    for b in backends() {
        let o = org(&b.url);
        o.svc.store.bench_seed_org(50, 1_000).expect("seed org");
        let admin = o.ctx(&o.admin);
        let clerk = o.ctx(&o.clerk);
        // Some users inactive, one renamed.
        let all = o.svc.store.read(|tx| tx.list_users()).expect("users");
        let bench: Vec<&User> = all
            .iter()
            .filter(|u| u.username.starts_with("canbo"))
            .collect();
        assert_eq!(bench.len(), 1_000);
        for u in bench.iter().step_by(7) {
            o.svc
                .update_user(
                    &admin,
                    u.id,
                    UserChange {
                        active: Some(false),
                        ..Default::default()
                    },
                )
                .expect("deactivate");
        }
        let renamed = bench[3];
        o.svc
            .update_user(
                &admin,
                renamed.id,
                UserChange {
                    full_name: Some("Đoàn Thị Zung".into()),
                    ..Default::default()
                },
            )
            .expect("rename");
        let (toi_mat, _) = o
            .svc
            .receive_incoming(&clerk, incoming(Level::ToiMat, "1/TM", "10/11/2026"))
            .expect("item");
        let (mat, _) = o
            .svc
            .receive_incoming(&clerk, incoming(Level::Mat, "2/M", "10/11/2026"))
            .expect("item");

        let check = |svc_store: &str| {
            let users = o.svc.store.read(|tx| tx.list_users()).expect("users");
            for q in QUERIES {
                for (item, level) in [
                    (None, None),
                    (Some(mat.id), Some(Level::Mat)),
                    (Some(toi_mat.id), Some(Level::ToiMat)),
                ] {
                    let got = labels(o.svc.pick_people(&clerk, q, item).expect("pick"));
                    let want = reference_people(&users, q, level);
                    assert_eq!(got, want, "{} {svc_store}: {q:?} for {level:?}", b.name);
                }
            }
        };
        check("kept on write");

        // The limit is reached, the inactive and the uncleared are left out.
        let many = labels(o.svc.pick_people(&clerk, "canbo", None).expect("pick"));
        assert_eq!(many.len(), PICK_LIMIT);
        // Asked by the whole label, so that few others match.
        let asked =
            |u: &User, item| labels(o.svc.pick_people(&clerk, &person_label(u), item).unwrap());
        let offered = |u: &User, item| asked(u, item).contains(&person_label(u));
        assert!(!offered(bench[0], None), "canbo1 was deactivated");
        assert!(offered(bench[1], None));
        // canbo1 (deactivated) and canbo11 are cleared for Tối mật (one in ten), canbo2 for Mật.
        assert_eq!(bench[10].username, "canbo11");
        assert!(offered(bench[10], Some(toi_mat.id)));
        assert!(!offered(bench[1], Some(toi_mat.id)));
        assert!(offered(bench[1], Some(mat.id)));
        // Renamed: found by the new name, with or without diacritics, not by the old one.
        let zung = labels(o.svc.pick_people(&clerk, "doan ZUNG", None).unwrap());
        assert_eq!(
            zung,
            [format!("Đoàn Thị Zung ({})", renamed.username)],
            "{}",
            b.name
        );
        let old = labels(o.svc.pick_people(&clerk, &renamed.full_name, None).unwrap());
        assert!(
            !old.contains(&person_label(renamed)),
            "{}: old name still found",
            b.name
        );
        // An item the reader may not see is not found.
        let reader = o.ctx(&o.mat_reader);
        assert_eq!(
            o.svc
                .pick_people(&reader, "canbo", Some(toi_mat.id))
                .expect_err("hidden")
                .code(),
            "not_found"
        );

        // Units: by prefix of each word, folded, by name.
        let units = labels(o.svc.pick_units(&clerk, "CHI CỤC số 1").expect("units"));
        assert_eq!(units.len(), 11, "{units:?}");
        assert_eq!(units[0], "Chi cục Quản lý thị trường số 1");
        assert_eq!(units[1], "Chi cục Quản lý thị trường số 10");
        assert_eq!(
            labels(o.svc.pick_units(&clerk, "van phong").unwrap()),
            ["Văn phòng"]
        );
        assert_eq!(
            labels(o.svc.pick_units(&clerk, "chi").unwrap()).len(),
            PICK_LIMIT
        );
        assert!(labels(o.svc.pick_units(&clerk, "hi cuc").unwrap()).is_empty());
        let seven = o
            .svc
            .find_unit(&clerk, "unit_id", "chi cuc quan ly thi truong so 7")
            .unwrap()
            .expect("unit 7 by its folded name");
        let listed = o.svc.store.read(|tx| tx.list_units()).unwrap();
        assert_eq!(
            listed
                .iter()
                .find(|u| u.id == seven)
                .map(|u| u.name.as_str()),
            Some("Chi cục Quản lý thị trường số 7")
        );
        let e = o
            .svc
            .find_unit(&clerk, "unit_id", "Chi cục số 7")
            .expect_err("not a unit's whole name");
        assert!(e.message_vi().contains("Không có đơn vị «Chi cục số 7»"));

        // Rows without the folded columns (a database from before the migration) are filled
        // when the store opens.
        o.svc
            .store
            .execute_raw(
                "UPDATE users SET pick = NULL, pick_rank = -1; UPDATE units SET pick = NULL; \
                 DELETE FROM pick_words;",
            )
            .expect("clear");
        assert!(
            labels(o.svc.pick_people(&clerk, "canbo1", None).unwrap()).is_empty(),
            "nothing indexed"
        );
        drop(DbStore::open(&b.url).expect("reopen"));
        check("filled at open");
        assert_eq!(
            labels(o.svc.pick_units(&clerk, "van phong").unwrap()),
            ["Văn phòng"]
        );

        // A database from before migration 000025 (the words without their owner's label and
        // rank): the migration fills them from `users` and `units` when the store opens.
        let down = if b.name == "sqlite" {
            include_str!("../../migrations/sqlite/2026-12-04-000025_pick_words_order/down.sql")
        } else {
            include_str!("../../migrations/postgres/2026-12-04-000025_pick_words_order/down.sql")
        };
        o.svc
            .store
            .execute_raw(&format!(
                "{down}\nDELETE FROM __diesel_schema_migrations WHERE version = '20261204000025';"
            ))
            .expect("back to migration 000024");
        assert!(
            o.svc.pick_people(&clerk, "canbo1", None).is_err(),
            "{}: the words have no label before the migration",
            b.name
        );
        drop(DbStore::open(&b.url).expect("reopen"));
        check("migrated");
        assert_eq!(
            labels(o.svc.pick_units(&clerk, "van phong").unwrap()),
            ["Văn phòng"]
        );
    }
}
