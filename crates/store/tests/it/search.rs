//! Text search inside the reader's scope (issue 10, "no oracles"; migration 000013): one index
//! per level, read only for the levels the reader is cleared for, kept in step with the item's
//! level in the transaction that changes it; the same folding and prefix matching on SQLite
//! (FTS5) and PostgreSQL (tsvector, partitioned by level).

use crate::helpers::*;
use bmnn_core::Level;
use bmnn_core::model::*;
use bmnn_core::service::*;

fn search(o: &Org, u: &User, text: &str) -> Vec<Id> {
    o.svc
        .list_items(
            &o.ctx(u),
            ItemQuery {
                text: Some(text.into()),
                limit: 50,
                ..Default::default()
            },
        )
        .expect("search")
        .rows
        .iter()
        .map(|i| i.id)
        .collect()
}

fn may_see(o: &Org, u: &User, id: Id) -> bool {
    o.svc.item_detail(&o.ctx(u), id).is_ok()
}

fn relevel(o: &Org, id: Id, to: Level, notice: &str) {
    o.svc
        .adjust(
            &o.ctx(&o.clerk),
            AdjustCmd {
                item_id: id,
                new_level: to,
                catalogue_item_id: None,
                field: None,
                decision_ref: None,
                originator_notice: Some(notice.into()),
                date: None,
            },
        )
        .expect("adjust on the originator's notice");
}

#[test]
fn a_relevelled_item_is_found_by_exactly_the_users_who_may_see_it() {
    for b in backends() {
        let o = org(&b.url);
        let c = o.ctx(&o.clerk);
        // Two items carrying the same rare word: one in the drafter's unit, one in another
        // unit (need-to-know hides it from the drafter, who is not agency-wide).
        let mut cmd = incoming(Level::Mat, "101/ZT", "10/11/2026");
        cmd.issuer = "Cục Kỹ thuật Zêta".into();
        cmd.unit_id = o.drafter.unit_id;
        let (near, _) = o.svc.receive_incoming(&c, cmd).expect("in the unit");
        let other = o
            .svc
            .create_unit(&o.ctx(&o.admin), "Phòng khác", None)
            .expect("unit");
        let mut cmd = incoming(Level::Mat, "102/ZT", "10/11/2026");
        cmd.issuer = "Cục Kỹ thuật Zêta".into();
        cmd.unit_id = Some(other.id);
        let (far, _) = o.svc.receive_incoming(&c, cmd).expect("no unit");
        let users = [
            &o.admin,
            &o.head,
            &o.clerk,
            &o.drafter,
            &o.section_head,
            &o.mat_reader,
        ];
        let check = |step: &str| {
            for u in users {
                for id in [near.id, far.id] {
                    let found = search(&o, u, "zeta").contains(&id);
                    assert_eq!(
                        found,
                        may_see(&o, u, id),
                        "{step}: {} and item {id} ({})",
                        u.username,
                        b.name
                    );
                    // The prefix path (the last word) reads the same indexes.
                    assert_eq!(found, search(&o, u, "ky thuat ze").contains(&id));
                }
            }
        };
        check("Mật");
        assert_eq!(search(&o, &o.mat_reader, "zeta").len(), 2, "{}", b.name);
        assert_eq!(search(&o, &o.drafter, "zeta"), vec![near.id], "{}", b.name);
        assert!(search(&o, &o.admin, "zeta").is_empty(), "no clearance");

        relevel(&o, near.id, Level::ToiMat, "1/TB-ZT");
        check("raised to Tối mật");
        assert_eq!(
            search(&o, &o.mat_reader, "zeta"),
            vec![far.id],
            "{}",
            b.name
        );
        assert_eq!(search(&o, &o.drafter, "zeta"), vec![near.id], "{}", b.name);
        assert_eq!(search(&o, &o.section_head, "zeta").len(), 2);

        relevel(&o, near.id, Level::Mat, "2/TB-ZT");
        check("lowered to Mật");
        assert_eq!(search(&o, &o.mat_reader, "zeta").len(), 2, "{}", b.name);

        relevel(&o, far.id, Level::TuyetMat, "3/TB-ZT");
        check("raised to Tuyệt mật");
        assert_eq!(search(&o, &o.section_head, "zeta"), vec![near.id]);
        assert_eq!(search(&o, &o.head, "zeta"), vec![far.id, near.id]);
        // A level filter on top of the search opens only that level's index.
        let only = o
            .svc
            .list_items(
                &o.ctx(&o.head),
                ItemQuery {
                    text: Some("zeta".into()),
                    level: Some(Level::TuyetMat),
                    limit: 50,
                    ..Default::default()
                },
            )
            .expect("search");
        assert_eq!(only.rows.len(), 1);
        assert_eq!(only.rows[0].id, far.id);
    }
}

#[test]
fn prefix_and_folding_behave_the_same_on_both_databases() {
    let summaries = [
        "Báo cáo đường dây nóng",
        "Kế hoạch ĐẢM BẢO an ninh",
        "Bảo đảm thông tin số 22/KH-SCT",
        "Quyết định điều động",
    ];
    // (query, indexes into `summaries` expected)
    let cases: &[(&str, &[usize])] = &[
        ("duong", &[0]),
        ("Đường", &[0]),
        ("ĐƯỜ", &[0]),
        ("dam bao", &[1, 2]),
        ("đảm bảo", &[1, 2]),
        ("bao ca", &[0]),
        ("ao", &[]),
        ("uong", &[]),
        ("22 kh", &[2]),
        ("KH-SCT", &[2]),
        ("22/KH-SC", &[2]),
        ("thong t", &[2]),
        ("AN NINH", &[1]),
        ("an ninh", &[1]),
        ("dieu d", &[3]),
        ("điều", &[3]),
        ("dieu dong khong", &[]),
        ("quyet", &[3]),
        ("quyết định điều động", &[3]),
        ("bao", &[0, 1, 2]),
        ("b", &[0, 1, 2]),
        ("", &[0, 1, 2, 3]),
        ("   --- ", &[0, 1, 2, 3]),
    ];
    let mut answers: Vec<Vec<Vec<usize>>> = vec![];
    for b in backends() {
        let o = org(&b.url);
        let c = o.ctx(&o.clerk);
        let ids: Vec<Id> = summaries
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let mut cmd = incoming(Level::Mat, &format!("{}/X", 300 + i), "10/11/2026");
                cmd.summary = Some((*s).into());
                cmd.issuer = "Sở Y tế".into();
                o.svc.receive_incoming(&c, cmd).expect("incoming").0.id
            })
            .collect();
        let mut got = vec![];
        for (q, want) in cases {
            let mut found: Vec<usize> = search(&o, &o.clerk, q)
                .iter()
                .map(|id| ids.iter().position(|x| x == id).expect("a known item"))
                .collect();
            found.sort_unstable();
            assert_eq!(&found, want, "query {q:?} ({})", b.name);
            got.push(found);
        }
        answers.push(got);
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]));
}

/// Runs one statement straight on the test database (to change a column the triggers watch).
fn exec(b: &Backend, sql: &str) {
    use diesel::Connection;
    use diesel::connection::SimpleConnection;
    if let Some(path) = b.url.strip_prefix("sqlite://") {
        let mut c = diesel::sqlite::SqliteConnection::establish(path).expect("sqlite");
        c.batch_execute(sql).expect("statement");
    } else {
        let mut c = diesel::pg::PgConnection::establish(&b.url).expect("postgres");
        c.batch_execute(sql).expect("statement");
    }
}

/// Migration 000015: a need-to-know reader's search reads only words qualified by the
/// reader's keys (unit, holder, drafter). The triggers rewrite those terms when the item's
/// unit or holder changes, so the reader finds exactly the items of its need-to-know after
/// each change, by whole word and by prefix.
#[test]
fn scope_qualified_terms_follow_unit_and_holder_changes() {
    for b in backends() {
        let o = org(&b.url);
        let c = o.ctx(&o.clerk);
        let other = o
            .svc
            .create_unit(&o.ctx(&o.admin), "Phòng khác", None)
            .expect("unit");
        let mut cmd = incoming(Level::Mat, "201/ZT", "10/11/2026");
        cmd.issuer = "Cục Kỹ thuật Omêga".into();
        cmd.unit_id = Some(other.id);
        let (far, _) = o.svc.receive_incoming(&c, cmd).expect("other unit");
        let finds = |text: &str| search(&o, &o.drafter, text).contains(&far.id);
        let check = |step: &str, expect: bool| {
            assert_eq!(
                may_see(&o, &o.drafter, far.id),
                expect,
                "{step} ({})",
                b.name
            );
            for text in ["omega", "ome", "ky thuat omega", "o"] {
                assert_eq!(finds(text), expect, "{step}: {text:?} ({})", b.name);
            }
            // Agency-wide readers keep the plain words.
            assert!(search(&o, &o.clerk, "omega").contains(&far.id), "{step}");
        };
        check("another unit", false);
        let unit = o.drafter.unit_id.expect("drafter's unit");
        exec(
            &b,
            &format!("UPDATE items SET unit_id = {unit} WHERE id = {}", far.id),
        );
        check("moved to the drafter's unit", true);
        exec(
            &b,
            &format!(
                "UPDATE items SET unit_id = {} WHERE id = {}",
                other.id, far.id
            ),
        );
        check("moved back", false);
        exec(
            &b,
            &format!(
                "UPDATE items SET holder_id = {} WHERE id = {}",
                o.drafter.id, far.id
            ),
        );
        check("held by the drafter", true);
        exec(
            &b,
            &format!("UPDATE items SET holder_id = NULL WHERE id = {}", far.id),
        );
        check("no longer held", false);
    }
}

/// The nightly merge of the full-text indexes (`DbStore::merge_search_indexes`) changes no
/// answer: every reader finds the same items for every query before and after it, items written
/// after it are found, and a relevelled item moves between the merged indexes as before.
#[test]
fn merging_the_search_indexes_changes_no_answer() {
    for b in backends() {
        let o = org(&b.url);
        let c = o.ctx(&o.clerk);
        let words = [
            "Cục Kỹ thuật Zêta",
            "Sở Xăng dầu Zêta",
            "Ban Kiểm tra",
            "Cục Dự trữ",
        ];
        let mut ids = Vec::new();
        for (i, level) in [Level::Mat, Level::ToiMat, Level::Mat, Level::TuyetMat]
            .into_iter()
            .cycle()
            .take(24)
            .enumerate()
        {
            let mut cmd = incoming(level, &format!("{i}/MG"), "10/11/2026");
            cmd.issuer = words[i % words.len()].into();
            cmd.unit_id = if i % 3 == 0 { o.drafter.unit_id } else { None };
            if level == Level::TuyetMat {
                cmd.summary = None; // never written for Tuyệt mật
            }
            ids.push(o.svc.receive_incoming(&c, cmd).expect("rx").0.id);
        }
        let users = [
            &o.admin,
            &o.head,
            &o.clerk,
            &o.drafter,
            &o.section_head,
            &o.mat_reader,
        ];
        let queries = [
            "zeta", "xang dau", "ze", "kiem", "cuc", "du tru", "mg", "nothing",
        ];
        let answers = |o: &Org| -> Vec<Vec<Id>> {
            users
                .iter()
                .flat_map(|u| queries.iter().map(move |q| search(o, u, q)))
                .collect()
        };
        let before = answers(&o);
        assert!(
            before.iter().any(|a| a.len() > 3),
            "{}: the queries find items",
            b.name
        );
        o.svc.store.merge_search_indexes().expect("merge");
        assert_eq!(answers(&o), before, "{}: merged", b.name);
        // Written after the merge: found, and a relevelled item follows its level.
        let mut cmd = incoming(Level::Mat, "99/MG", "10/11/2026");
        cmd.issuer = "Cục Kỹ thuật Zêta".into();
        let (late, _) = o.svc.receive_incoming(&c, cmd).expect("rx");
        assert!(
            search(&o, &o.clerk, "zeta").contains(&late.id),
            "{}",
            b.name
        );
        relevel(&o, ids[0], Level::TuyetMat, "CV 7/MG");
        o.svc.store.merge_search_indexes().expect("merge again");
        for u in users {
            for q in ["zeta", "cuc"] {
                for id in [ids[0], late.id] {
                    assert_eq!(
                        search(&o, u, q).contains(&id),
                        may_see(&o, u, id),
                        "{}: {} searching {q} for {id}",
                        b.name,
                        u.username
                    );
                }
            }
        }
    }
}
