//! Counts and pages of the item list, the search and the register books, checked against an
//! oracle computed in Rust from the raw rows (the export), on every backend. The store answers
//! them from one pass over the visible ids (search: batches of the full-text index, newest
//! first) and from the trigger-kept register counts; these tests pin both to the plain truth.

use crate::helpers::*;
use bmnn_core::Level;
use bmnn_core::model::*;
use bmnn_core::registers::RegisterKind;

/// `ItemQuery::count_cap` of a list and of a text search.
const LIST_CAP: usize = 1000;
const SEARCH_CAP: usize = 200;

/// The item ids a search must return: every query word present as a word of the folded
/// search text, the last one as a prefix; levels the reader may see; newest first.
fn oracle(rows: &[(i64, i16, String)], words: &[&str], max_rank: i16) -> Vec<i64> {
    let mut ids: Vec<i64> = rows
        .iter()
        .filter(|(_, level, search)| {
            let have: Vec<&str> = search.split_whitespace().collect();
            *level <= max_rank
                && words.iter().enumerate().all(|(i, w)| {
                    if i + 1 == words.len() {
                        have.iter().any(|h| h.starts_with(w))
                    } else {
                        have.contains(w)
                    }
                })
        })
        .map(|(id, _, _)| *id)
        .collect();
    ids.sort_unstable_by(|a, b| b.cmp(a));
    ids
}

#[test]
fn search_counts_and_pages_match_the_rows_for_each_clearance() {
    for b in backends() {
        let o = org(&b.url);
        o.svc
            .store
            .bench_seed(2_600, 1_200, o.clerk.id, o.clerk.unit_id)
            .expect("seed");
        let data = o.svc.store.export().expect("export");
        let rows: Vec<(i64, i16, String)> = data
            .items
            .iter()
            .map(|r| (r.id, r.level, r.search.clone()))
            .collect();
        for (reader, text) in [
            (&o.clerk, "bao cao"),
            (&o.mat_reader, "bao cao"),
            (&o.clerk, "xang d"),
            (&o.drafter, "ke hoach"),
        ] {
            let rank = reader.clearance.map_or(0, Level::rank);
            let words: Vec<&str> = text.split(' ').collect();
            let want = oracle(&rows, &words, rank);
            assert!(
                want.len() > 200,
                "the dataset must give this search many matches ({text}: {})",
                want.len()
            );
            let ctx = o.ctx(reader);
            let mut got = Vec::new();
            let mut offset = 0;
            loop {
                let page = o
                    .svc
                    .list_items(
                        &ctx,
                        ItemQuery {
                            text: Some(text.into()),
                            offset,
                            limit: 100,
                            ..Default::default()
                        },
                    )
                    .expect("search");
                assert_eq!(
                    page.total as usize,
                    want.len().min(SEARCH_CAP + 1),
                    "{} {text} as {} at offset {offset}",
                    b.name,
                    reader.username
                );
                if page.rows.is_empty() {
                    break;
                }
                got.extend(page.rows.iter().map(|i| i.id));
                offset += 100;
            }
            assert_eq!(got, want, "{} {text} as {}", b.name, reader.username);
        }
        // The plain list pages the same way past the counted window.
        let all = oracle(&rows, &[], Level::TuyetMat.rank());
        let ctx = o.ctx(&o.clerk);
        let deep = o
            .svc
            .list_items(
                &ctx,
                ItemQuery {
                    offset: 2_000,
                    limit: 50,
                    ..Default::default()
                },
            )
            .expect("list");
        assert_eq!(deep.total as usize, LIST_CAP + 1, "{}", b.name);
        let ids: Vec<i64> = deep.rows.iter().map(|i| i.id).collect();
        assert_eq!(ids, all[2_000..2_050].to_vec(), "{}", b.name);
    }
}

#[test]
fn register_totals_equal_the_visible_entries() {
    for b in backends() {
        let o = org(&b.url);
        o.svc
            .store
            .bench_seed(300, 1_500, o.clerk.id, o.clerk.unit_id)
            .expect("seed");
        let data = o.svc.store.export().expect("export");
        for reader in [&o.clerk, &o.section_head, &o.mat_reader] {
            let rank = reader.clearance.map_or(0, Level::rank);
            for kind in [
                RegisterKind::Outgoing,
                RegisterKind::Incoming,
                RegisterKind::Copies,
            ] {
                for year in [2025, 2026] {
                    let want = data
                        .register_entries
                        .iter()
                        .filter(|e| e.kind == kind.code() && e.year == year && e.level <= rank)
                        .count();
                    assert!(want > 0, "seeded entries for {kind:?} {year}");
                    let book = o
                        .svc
                        .register_book(&o.ctx(reader), kind, year, 0, 10)
                        .expect("book");
                    assert_eq!(
                        book.total as usize, want,
                        "{} {kind:?} {year} as {}",
                        b.name, reader.username
                    );
                }
            }
        }
    }
}
