//! The figures of a report on items, requests and registers (`Tx::report_activity`): one
//! aggregate query per table over the period, on both backends, within the reader's scope. The
//! one exception: on SQLite, for an agency-wide reader, the events are joined to their items'
//! levels in memory from two reads in index order (`DbTx::sqlite_event_counts`), because
//! SQLite can only join by a B-tree descent per event.
//!
//! The dates and kinds these queries filter and group on live inside each row's JSON; the
//! generated columns of migration 2026-12-02-000020 (`item_events.ev_on`, `ev_kind`;
//! `register_entries.entry_date`, `live`; `requests.approved_on`) expose them to SQL and their
//! indexes (kind first since migration 000023) keep a report to the period's rows of the kinds
//! it counts, read in kind order without a sort. Nothing writes those columns: the database
//! derives them from `data`, so every writer (services, import, bench seeding) stays right.
//!
//! The scope is the one of the row reads it replaces, condition for condition:
//! - events: the item's level within clearance and, for a reader who is not agency-wide, the
//!   item in his unit, held or drafted by him (`items_query!`);
//! - register entries: level within clearance and, not agency-wide, addressed to him
//!   (`list_register`);
//! - take-out requests: level within clearance; a reader who is not agency-wide sees only his
//!   own requests whose every item he still sees (`list_requests`): those few rows are read
//!   and counted as before.

use crate::tx::DbTx;
use crate::{Conn, db_err, dispatch};
use bmnn_core::error::Result;
use bmnn_core::level::Level;
use bmnn_core::model::*;
use bmnn_core::ports::Tx;
use bmnn_core::programme::reports::{Activity, counted_events};
use bmnn_core::registers::RegisterKind;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, SmallInt, Text};
use time::Date;

/// One event kind's counts by the item's level: Mật, Tối mật, Tuyệt mật.
#[derive(QueryableByName)]
struct KindLevels {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = BigInt)]
    n1: i64,
    #[diesel(sql_type = BigInt)]
    n2: i64,
    #[diesel(sql_type = BigInt)]
    n3: i64,
}

#[derive(QueryableByName)]
struct KindCount {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct LevelCount {
    #[diesel(sql_type = SmallInt)]
    level: i16,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

fn level(rank: i16) -> Result<Level> {
    Level::from_rank(rank)
        .ok_or_else(|| bmnn_core::error::CoreError::Storage(format!("bad level {rank}")))
}

/// A closed list of codes as SQL string literals (`'a', 'b'`). Only for the compile-time lists
/// of kinds, which hold no quote; never for input.
fn quoted<'a>(codes: impl Iterator<Item = &'a str>) -> String {
    codes
        .map(|c| {
            debug_assert!(!c.contains('\''));
            format!("'{c}'")
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The i-th bound parameter (from 1) in the backend's syntax.
fn ph(pg: bool, i: usize) -> String {
    if pg { format!("${i}") } else { "?".into() }
}

impl DbTx<'_> {
    pub(crate) fn report_activity_sql(
        &mut self,
        scope: &ReadScope,
        from: Date,
        to: Date,
    ) -> Result<Activity> {
        let pg = matches!(self.conn, Conn::Pg(_));
        let period = (from, to);
        let (from, to) = (bmnn_core::dates::iso(from), bmnn_core::dates::iso(to));
        let rank = scope.clearance.map_or(0, Level::rank);
        let (aw, uid) = (scope.agency_wide, scope.user_id);
        // Events of the kinds a report counts, by kind and the item's current level: on SQLite
        // for an agency-wide reader joined here from two reads in index order
        // ([`Self::sqlite_event_counts`]), otherwise joined in SQL ([`Self::event_counts_joined`]).
        let events = match self.sqlite_event_counts(scope, &from, &to)? {
            Some(counts) => counts,
            None => self.event_counts_joined(scope, &from, &to)?,
        };
        let mut a = Activity {
            events,
            ..Activity::default()
        };

        // Register entries: live, dated in the period, by book. Each book's date range is read
        // from the book-first index `register_report_kind` (migration 000023), in book order:
        // no sort. The books are the closed list `RegisterKind::ALL` (codes, not user input).
        let to_user = if aw {
            String::new()
        } else {
            format!(" AND to_user = {}", ph(pg, 4))
        };
        let books = quoted(RegisterKind::ALL.iter().map(|k| k.code()));
        let q = format!(
            "SELECT kind, COUNT(*) AS n FROM register_entries \
             WHERE kind IN ({books}) AND entry_date >= {} AND entry_date <= {} \
             AND level <= {} AND live{to_user} \
             GROUP BY kind",
            ph(pg, 1),
            ph(pg, 2),
            ph(pg, 3)
        );
        let rows: Vec<KindCount> = dispatch!(&mut self.conn, c => {
            let b = diesel::sql_query(&q)
                .bind::<Text, _>(&from)
                .bind::<Text, _>(&to)
                .bind::<SmallInt, _>(rank)
                .into_boxed();
            let b = if aw { b } else { b.bind::<BigInt, _>(uid) };
            b.load::<KindCount>(c).map_err(db_err)?
        });
        for r in rows {
            let kind = RegisterKind::from_code(&r.kind).ok_or_else(|| {
                bmnn_core::error::CoreError::Storage(format!("bad register kind {}", r.kind))
            })?;
            a.registers.push((kind, count(r.n)));
        }

        // Take-outs approved in the period, by level.
        let take_out = RequestKind::TakeOut.code();
        if aw {
            let q = format!(
                "SELECT level, COUNT(*) AS n FROM requests \
                 WHERE kind = {} AND approved_on >= {} AND approved_on <= {} AND level <= {} \
                 GROUP BY level",
                ph(pg, 1),
                ph(pg, 2),
                ph(pg, 3),
                ph(pg, 4)
            );
            let rows: Vec<LevelCount> = dispatch!(&mut self.conn, c => diesel::sql_query(&q)
                .bind::<Text, _>(take_out)
                .bind::<Text, _>(&from)
                .bind::<Text, _>(&to)
                .bind::<SmallInt, _>(rank)
                .load::<LevelCount>(c)
                .map_err(db_err)?);
            for r in rows {
                a.taken_out.add(level(r.level)?, count(r.n));
            }
        } else {
            let mine = self.list_requests(
                scope,
                &RequestQuery {
                    kind: Some(RequestKind::TakeOut),
                    ..Default::default()
                },
            )?;
            for r in mine {
                if let Some(d) = &r.decision
                    && d.approved
                    && period.0 <= d.on
                    && d.on <= period.1
                {
                    a.taken_out.bump(r.level);
                }
            }
        }
        Ok(a)
    }

    /// The period's counted events by kind and the item's current level, joined in SQL: the
    /// events of the kind-first index, each looked up in its item (PostgreSQL hashes the join;
    /// SQLite seeks `items_scope` once per event).
    fn event_counts_joined(
        &mut self,
        scope: &ReadScope,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, Level, u64)>> {
        let pg = matches!(self.conn, Conn::Pg(_));
        let rank = scope.clearance.map_or(0, Level::rank);
        let (aw, uid, unit) = (
            scope.agency_wide,
            scope.user_id,
            scope.unit_id.unwrap_or(-1),
        );
        // Events of the kinds a report counts, by kind and the item's current level. Each
        // kind's date range is read from the kind-first index `item_events_report_kind`
        // (migration 000023) in kind order, and the levels are counted in columns: no sort.
        // The kinds are the closed list `counted_events()` (codes, not user input).
        let ntk = if aw {
            String::new()
        } else {
            format!(
                " AND (i.unit_id = {} OR i.holder_id = {} OR i.drafter_id = {})",
                ph(pg, 4),
                ph(pg, 5),
                ph(pg, 6)
            )
        };
        // SQLite reads the item's level and scope from the narrow index `items_scope`
        // (migration 000022), never from the wide item rows: its planner would look each item
        // up by rowid, one page of item rows (decrypted by SQLCipher) per event. PostgreSQL's
        // planner chooses with its statistics.
        let (events, items) = if pg {
            ("item_events e", "items i")
        } else {
            (
                "item_events e INDEXED BY item_events_report_kind",
                "items i INDEXED BY items_scope",
            )
        };
        let kinds = quoted(counted_events());
        let at = |l: Level| {
            format!(
                "COALESCE(SUM(CASE WHEN i.level = {} THEN 1 ELSE 0 END), 0)",
                l.rank()
            )
        };
        let q = format!(
            "SELECT e.ev_kind AS kind, {} AS n1, {} AS n2, {} AS n3 \
             FROM {events} JOIN {items} ON i.id = e.item_id \
             WHERE e.ev_kind IN ({kinds}) AND e.ev_on >= {} AND e.ev_on <= {} \
             AND i.level <= {}{ntk} \
             GROUP BY e.ev_kind",
            at(Level::Mat),
            at(Level::ToiMat),
            at(Level::TuyetMat),
            ph(pg, 1),
            ph(pg, 2),
            ph(pg, 3)
        );
        let rows: Vec<KindLevels> = dispatch!(&mut self.conn, c => {
            let b = diesel::sql_query(&q)
                .bind::<Text, _>(from)
                .bind::<Text, _>(to)
                .bind::<SmallInt, _>(rank)
                .into_boxed();
            let b = if aw {
                b
            } else {
                b.bind::<BigInt, _>(unit).bind::<BigInt, _>(uid).bind::<BigInt, _>(uid)
            };
            b.load::<KindLevels>(c).map_err(db_err)?
        });
        let mut out = Vec::new();
        for r in rows {
            for (l, n) in [
                (Level::Mat, r.n1),
                (Level::ToiMat, r.n2),
                (Level::TuyetMat, r.n3),
            ] {
                if n > 0 {
                    out.push((r.kind.clone(), l, count(n)));
                }
            }
        }

        Ok(out)
    }

    /// SQLite, a reader who is agency-wide: the period's counted events by kind and the item's
    /// current level, from two reads in index order joined here. Joined in SQL, SQLite looks
    /// each event's item up in `items_scope` (a B-tree descent per event: 50,000 for a year at
    /// 100,000 items, the largest cost of the annual report, docs/benchmarks.md). Here:
    /// 1. the level of every item within the reader's clearance, read in order from the
    ///    covering index `items_level (level, id)`, into a table of one byte per item id;
    /// 2. for each counted kind, the item ids of its events in the period, read from the
    ///    kind-first index `item_events_report_kind`, each counted under its item's level if
    ///    the table holds one.
    ///
    /// Both reads are in the report's read transaction, so the levels are the items' current
    /// ones and nothing is kept after the report. `None` (the joined query runs instead) on
    /// PostgreSQL, for a reader who is not agency-wide (need-to-know is per item), and when
    /// item ids exceed [`DENSE_IDS`].
    fn sqlite_event_counts(
        &mut self,
        scope: &ReadScope,
        from: &str,
        to: &str,
    ) -> Result<Option<Vec<(String, Level, u64)>>> {
        use crate::schema::{item_events, items};
        use diesel::dsl::sql;
        use diesel::sql_types::Bool;
        let Conn::Sqlite(c) = &mut self.conn else {
            return Ok(None);
        };
        if !scope.agency_wide {
            return Ok(None);
        }
        let c: &mut diesel::SqliteConnection = c;
        let max_id: Option<i64> = items::table
            .select(diesel::dsl::max(items::id))
            .first(c)
            .map_err(db_err)?;
        let Some(max_id) = max_id else {
            return Ok(Some(Vec::new()));
        };
        let Some(len) = usize::try_from(max_id)
            .ok()
            .map(|m| m + 1)
            .filter(|&len| len <= DENSE_IDS)
        else {
            return Ok(None);
        };
        let rank = scope.clearance.map_or(0, Level::rank);
        // Level rank by item id; 0: no item, or one above the reader's clearance.
        let mut levels = vec![0u8; len];
        for r in items::table
            .select((items::id, items::level))
            .filter(items::level.le(rank))
            .load_iter::<(i64, i16), diesel::connection::DefaultLoadingMode>(c)
            .map_err(db_err)?
        {
            let (id, l) = r.map_err(db_err)?;
            // An id or a level outside the table (not one SQLite's AUTOINCREMENT gives, or a
            // level not in 1..=3): the joined query counts instead, nothing is left out.
            let slot = usize::try_from(id).ok().and_then(|i| levels.get_mut(i));
            match (slot, u8::try_from(l)) {
                (Some(slot), Ok(l @ 1..=3)) => *slot = l,
                _ => return Ok(None),
            }
        }
        let mut out = Vec::new();
        for kind in counted_events() {
            let mut n = [0u64; 3];
            for r in item_events::table
                .select(item_events::item_id)
                .filter(
                    sql::<Bool>("ev_kind = ")
                        .bind::<Text, _>(kind)
                        .sql(" AND ev_on >= ")
                        .bind::<Text, _>(from)
                        .sql(" AND ev_on <= ")
                        .bind::<Text, _>(to),
                )
                .load_iter::<i64, diesel::connection::DefaultLoadingMode>(c)
                .map_err(db_err)?
            {
                let id = r.map_err(db_err)?;
                let l = usize::try_from(id)
                    .ok()
                    .and_then(|i| levels.get(i).copied())
                    .unwrap_or(0);
                if let Some(slot) = usize::from(l).checked_sub(1).and_then(|i| n.get_mut(i)) {
                    *slot += 1;
                }
            }
            for (l, n) in [Level::Mat, Level::ToiMat, Level::TuyetMat]
                .into_iter()
                .zip(n)
            {
                if n > 0 {
                    out.push((kind.to_string(), l, n));
                }
            }
        }
        Ok(Some(out))
    }
}

/// The largest item id for which [`DbTx::sqlite_event_counts`] keeps a table of levels by id
/// (one byte each: 16 MB); a database with higher ids is counted by the joined query.
const DENSE_IDS: usize = 16 * 1024 * 1024;
