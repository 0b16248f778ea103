//! `DbTx`: the storage contract of `bmnn_core::ports::Tx`, one diesel query per method,
//! compiled for both backends through `dispatch!`.

use crate::schema::*;
use crate::{Conn, db_err, dispatch};
use bmnn_core::audit::{self, AuditInput, AuditRecord};
use bmnn_core::error::{CoreError, Result};
use bmnn_core::level::Level;
use bmnn_core::model::*;
use bmnn_core::ports::Tx;
use bmnn_core::registers::{NewEntry, RegisterEntry, RegisterKind};
use bmnn_core::text::fold;
use diesel::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The chain head row: (seq, hash) of the last record.
/// The chain head row: seq, hash and (keyed format) its MAC.
pub(crate) type ChainHead = (i64, String, Option<String>);

/// An `audit_log` row as loaded.
type AuditRowT = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
);

fn record_of(
    (seq, at, actor, action, object, details, prev_hash, hash, mac): AuditRowT,
) -> AuditRecord {
    AuditRecord {
        seq,
        at,
        actor,
        action,
        object,
        details,
        prev_hash,
        hash,
        mac,
    }
}

/// The refusal of a write whose audit record cannot continue the chain (its head and its last
/// record disagree).
fn head_mismatch(last: i64, head: i64) -> CoreError {
    CoreError::refused(
        "audit_head_mismatch",
        format!(
            "Nhật ký kiểm tra không liền mạch: đầu chuỗi ghi bản ghi số {head} nhưng bản ghi cuối \
             cùng còn lại là số {last} (có bản ghi bị xóa hoặc thêm). Thao tác không được ghi; \
             không ghi thêm gì cho đến khi sự việc được kiểm tra."
        ),
    )
}

pub struct DbTx<'a> {
    pub(crate) conn: Conn<'a>,
    /// The audit MAC key (subkey "audit" of the data key), when the store was given one.
    pub(crate) audit_key: Option<[u8; 32]>,
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| CoreError::Storage(format!("json: {e}")))
}

pub(crate) fn from_json<T: DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| CoreError::Storage(format!("json: {e}")))
}

/// Records whose id lives in a column and, redundantly, inside the JSON.
pub(crate) trait WithId {
    fn set_id(&mut self, id: Id);
}

macro_rules! with_id {
    ($($t:ty),*) => { $(impl WithId for $t { fn set_id(&mut self, id: Id) { self.id = id; } })* };
}
with_id!(
    Unit,
    Position,
    User,
    Delegation,
    Catalogue,
    CatalogueItem,
    SecretItem,
    ItemEvent,
    Request,
    RegisterEntry,
    Notice,
    AttachmentMeta,
    PrivilegeChange
);

fn load<T: DeserializeOwned + WithId>(id: Id, data: &str) -> Result<T> {
    let mut v: T = from_json(data)?;
    v.set_id(id);
    Ok(v)
}

fn load_all<T: DeserializeOwned + WithId>(rows: Vec<(Id, String)>) -> Result<Vec<T>> {
    rows.into_iter().map(|(id, d)| load(id, &d)).collect()
}

/// Records that carry a copy of their item's level. The `level` column is the one the store
/// keeps equal to the item's current level ([`DbTx::sync_level_copies`]); it wins over the
/// level inside the JSON, so an object is always returned with its item's current level.
pub(crate) trait WithLevel {
    fn set_level(&mut self, level: Level);
}

macro_rules! with_level {
    ($($t:ty),*) => { $(impl WithLevel for $t { fn set_level(&mut self, level: Level) { self.level = level; } })* };
}
with_level!(RegisterEntry, Notice, Request, AttachmentMeta);

fn load_lv<T: DeserializeOwned + WithId + WithLevel>(id: Id, level: i16, data: &str) -> Result<T> {
    let mut v: T = load(id, data)?;
    v.set_level(
        Level::from_rank(level).ok_or_else(|| CoreError::Storage(format!("bad level {level}")))?,
    );
    Ok(v)
}

fn load_all_lv<T: DeserializeOwned + WithId + WithLevel>(
    rows: Vec<(Id, i16, String)>,
) -> Result<Vec<T>> {
    rows.into_iter()
        .map(|(id, l, d)| load_lv(id, l, &d))
        .collect()
}

fn rank(scope: &ReadScope) -> i16 {
    scope.clearance.map_or(0, Level::rank)
}

/// The stored code of an item's origin.
pub(crate) fn origin_code(o: Origin) -> &'static str {
    match o {
        Origin::Internal => "internal",
        Origin::Incoming => "incoming",
    }
}

/// The columns of an item row from the item, its search text and its JSON: one list for
/// `insert_item` and the benchmark's batches (`bench.rs`).
macro_rules! item_columns {
    ($i:expr, $search:expr, $json:expr) => {
        (
            items::level.eq($i.level.rank()),
            items::status.eq($i.status.code()),
            items::origin.eq($crate::tx::origin_code($i.origin)),
            items::unit_id.eq($i.unit_id),
            items::holder_id.eq($i.holder_id),
            items::drafter_id.eq($i.drafter_id),
            items::catalogue_item_id.eq($i.catalogue_item_id),
            items::expiry.eq($crate::tx::date_s($i.expiry)),
            items::recall_pending.eq($i.recall_due.is_some() && $i.returned_on.is_none()),
            items::search.eq($search),
            items::data.eq($json),
        )
    };
}
pub(crate) use item_columns;

pub(crate) fn date_s(d: Option<time::Date>) -> Option<String> {
    d.map(bmnn_core::dates::iso)
}

pub(crate) fn search_text(i: &SecretItem) -> String {
    let mut s = String::new();
    for part in [
        i.number_symbol.as_deref(),
        Some(i.doc_type.as_str()),
        i.summary.as_deref(),
        i.issuer.as_deref(),
        Some(i.drafter_name.as_str()),
        Some(i.location.as_str()),
    ]
    .into_iter()
    .flatten()
    {
        s.push_str(part);
        s.push(' ');
    }
    // Only letters and digits separated by single spaces: both full-text indexes then see the
    // same tokens ("22/KH-SCT" → "22 kh sct"; PostgreSQL's parser would otherwise keep it whole).
    let folded = fold(&s);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    format!(" {} ", words.join(" "))
}

/// A full-text query: whole words, except the last one which matches as a prefix (the user may
/// still be typing it). `quote`/`prefix` are the backend's syntax ("w" … "w"* for FTS5,
/// w … w:* for PostgreSQL). Tokens are letters and digits only, so nothing needs escaping.
fn fts_query(toks: &[String], quote: &str, prefix: &str, join: &str) -> String {
    let n = toks.len();
    toks.iter()
        .enumerate()
        .map(|(i, t)| {
            if i + 1 == n {
                format!("{quote}{t}{prefix}")
            } else {
                format!("{quote}{t}{quote}")
            }
        })
        .collect::<Vec<_>>()
        .join(join)
}

/// The levels whose index a text search opens: only those the reader is cleared for (and the
/// one the query asks for, if any). A search never reads the index of a level above the
/// reader's clearance, so its time does not depend on hidden items (issue 10, "no oracles").
fn search_levels(scope: &ReadScope, q: &ItemQuery) -> Vec<i16> {
    (1..=rank(scope))
        .filter(|l| q.level.is_none_or(|ql| ql.rank() == *l))
        .collect()
}

/// The need-to-know keys of a reader who is not agency-wide, as the prefixes of the
/// scope-qualified terms of migration 000015 (`h<user>z`, `d<user>z`, `u<unit>z`).
fn ntk_keys(scope: &ReadScope) -> Vec<String> {
    let mut keys = vec![
        format!("h{}z", scope.user_id),
        format!("d{}z", scope.user_id),
    ];
    if let Some(u) = scope.unit_id {
        keys.push(format!("u{u}z"));
    }
    keys
}

/// The table family a SQLite search opens for `scope`, one table per level: `items_fts_*`
/// (plain words, migration 000013) for an agency-wide reader, `items_ntk_*` (words qualified
/// by need-to-know keys, migration 000015) for any other reader.
fn fts5_table(scope: &ReadScope) -> &'static str {
    if scope.agency_wide {
        "items_fts"
    } else {
        "items_ntk"
    }
}

/// The FTS5 expression of a search on one level's table of [`fts5_table`]: for an
/// agency-wide reader the words in `items_fts_*`; for any other reader each word qualified by
/// one of the reader's need-to-know keys in `items_ntk_*` (`("u3zw" OR "h7zw" OR "d7zw")`,
/// the last word a prefix), so the index only ever walks postings of items the reader may
/// see (migration 000015). Tokens are letters and digits only: nothing needs escaping.
fn fts5_match(toks: &[String], scope: &ReadScope) -> String {
    if scope.agency_wide {
        let words = fts_query(toks, "\"", "\"*", " ");
        return format!("search : ({words})");
    }
    let keys = ntk_keys(scope);
    let n = toks.len();
    toks.iter()
        .enumerate()
        .map(|(i, t)| {
            let end = if i + 1 == n { "\"*" } else { "\"" };
            let alts = keys
                .iter()
                .map(|k| format!("\"{k}{t}{end}"))
                .collect::<Vec<_>>()
                .join(" OR ");
            format!("({alts})")
        })
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// How many of the newest visible rows a PostgreSQL search matches one by one before it asks
/// the GIN indexes for every match ([`DbTx::visible_ids`]).
const PG_WINDOW: i64 = 2048;

/// The search's first query on PostgreSQL (the newest [`PG_WINDOW`] visible rows matched one by
/// one, [`DbTx::visible_ids`]) as a statement diesel keeps prepared on each connection, by its
/// text: `head`, the bound match text, `tail`. The level list in `head` comes from the levels
/// (three at most, so a few texts), never from the request. `sql_query` is never kept, and
/// PostgreSQL planned this statement afresh for every search (pgbench at a million items,
/// session 17: 1.68-1.76 ms unprepared, 1.41-1.42 ms prepared).
struct PgWindow<'a> {
    head: String,
    text: &'a str,
    tail: &'static str,
}

impl diesel::query_builder::QueryId for PgWindow<'_> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl diesel::query_builder::Query for PgWindow<'_> {
    type SqlType = diesel::sql_types::BigInt;
}

impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for PgWindow<'_> {
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        out.push_sql(&self.head);
        out.push_bind_param::<diesel::sql_types::Text, _>(&self.text)?;
        out.push_sql(self.tail);
        Ok(())
    }
}

impl RunQueryDsl<diesel::pg::PgConnection> for PgWindow<'_> {}

/// The tsquery of a search on `items_search` (PostgreSQL, migrations 000013 and 000015): for an
/// agency-wide reader the words with weight A (the item's text; the last one a prefix); for
/// any other reader each word qualified by one of the reader's need-to-know keys, weight B
/// (`(u3zw:B | h7zw:B | d7zw:B)`), as [`fts5_match`] does on SQLite, so the GIN lookups only
/// find items the reader may see.
fn pg_match(toks: &[String], scope: &ReadScope) -> String {
    let n = toks.len();
    let keys = if scope.agency_wide {
        vec![String::new()]
    } else {
        ntk_keys(scope)
    };
    let weight = if scope.agency_wide { "A" } else { "B" };
    toks.iter()
        .enumerate()
        .map(|(i, t)| {
            let star = if i + 1 == n { ":*" } else { ":" };
            let alts = keys
                .iter()
                .map(|k| format!("{k}{t}{star}{weight}"))
                .collect::<Vec<_>>()
                .join(" | ");
            if keys.len() == 1 {
                alts
            } else {
                format!("({alts})")
            }
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

/// A SQL condition on `items.id` for a text search, reading only the indexes of `levels`. On
/// SQLite one FTS5 table per level; on PostgreSQL the partitions of `items_search` (the level
/// literals let the planner prune the others). The match text is inlined as a literal: it is
/// made of letters, digits, quotes, parentheses, `*`, `:`, `|` and `&` only (quotes doubled
/// anyway).
fn text_condition(toks: &[String], scope: &ReadScope, levels: &[i16], pg: bool) -> String {
    if levels.is_empty() {
        return "FALSE".into();
    }
    if pg {
        let m = pg_match(toks, scope).replace('\'', "''");
        let ls = levels
            .iter()
            .map(i16::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        return format!(
            "items.id IN (SELECT s.id FROM items_search s WHERE s.level IN ({ls}) \
             AND s.tsv @@ to_tsquery('simple', '{m}'))"
        );
    }
    let m = fts5_match(toks, scope).replace('\'', "''");
    let t = fts5_table(scope);
    let arms = levels
        .iter()
        .map(|l| format!("SELECT rowid FROM {t}_{l} WHERE {t}_{l} MATCH '{m}'"))
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    format!("items.id IN ({arms})")
}

/// Query tokens of a (folded) search text: runs of letters and digits, at most 8, as the
/// full-text indexes tokenise them; the last matches as a prefix ("bao ca" finds "báo cáo").
fn search_tokens(t: &str) -> Vec<String> {
    fold(t)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(str::to_string)
        .collect()
}

/// Builds the filtered items query (clearance + need-to-know + filters) for one backend.
macro_rules! items_query {
    ($scope:expr, $q:expr, $pg:expr) => {{
        let scope: &ReadScope = $scope;
        let q: &ItemQuery = $q;
        let mut b = items::table.into_boxed();
        b = b.filter(items::level.le(rank(scope)));
        if !scope.agency_wide {
            let uid = scope.user_id;
            let unit = scope.unit_id.unwrap_or(-1);
            b = b.filter(
                items::unit_id
                    .assume_not_null()
                    .eq(unit)
                    .or(items::holder_id.assume_not_null().eq(uid))
                    .or(items::drafter_id.assume_not_null().eq(uid)),
            );
        }
        if let Some(l) = q.level {
            b = b.filter(items::level.eq(l.rank()));
        }
        if let Some(s) = q.status {
            b = b.filter(items::status.eq(s.code()));
        }
        if let Some(o) = q.origin {
            b = b.filter(items::origin.eq(match o {
                Origin::Internal => "internal",
                Origin::Incoming => "incoming",
            }));
        }
        if q.protected_only {
            // Most items are protected, so the status index only misleads SQLite's planner
            // here (it walked 100,000 index entries for the dashboard's expiring items); the
            // unary plus keeps it off that index. PostgreSQL plans from its statistics.
            b = if $pg {
                b.filter(items::status.eq_any(["classified", "issued", "received"]))
            } else {
                b.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                    "+items.status IN ('classified', 'issued', 'received')",
                ))
            };
        }
        if let Some(d) = q.expiring_by {
            b = b.filter(items::expiry.assume_not_null().le(bmnn_core::dates::iso(d)));
        }
        if q.recall_pending {
            b = b.filter(items::recall_pending.eq(true));
        }
        if let Some(c) = q.catalogue_item_id {
            b = b.filter(items::catalogue_item_id.assume_not_null().eq(c));
        }
        if let Some(t) = &q.text {
            let toks = search_tokens(t);
            if !toks.is_empty() {
                let levels = search_levels(scope, q);
                b = b.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
                    &text_condition(&toks, scope, &levels, $pg),
                ));
            }
        }
        b
    }};
}

impl DbTx<'_> {
    /// Ids of the items `scope` may see that match `q`, newest first, at most `n`.
    ///
    /// A text search reads only the indexes of the levels the reader is cleared for
    /// ([`search_levels`]; migration 000013), with need-to-know applied inside the index
    /// ([`fts5_match`], [`pg_match`]), so its time does not depend on hidden items. It walks
    /// the index newest first in batches (on SQLite each level's FTS5 table, the lists merged;
    /// on PostgreSQL the visible partitions of `items_search` at once) and filters each batch
    /// through [`items_query!`] for the other filters (and the scope again: the index is a
    /// copy, the item row decides), so it stops as soon as `n` matches are found instead of
    /// materialising every match (a common word matches a good part of the items).
    fn visible_ids(&mut self, scope: &ReadScope, q: &ItemQuery, n: i64) -> Result<Vec<Id>> {
        let pg = matches!(self.conn, Conn::Pg(_));
        let toks = q.text.as_deref().map(search_tokens).unwrap_or_default();
        if toks.is_empty() {
            if !pg && q.expiring_by.is_some() {
                // A date range is selective: ordering by `+id` keeps SQLite from walking the
                // whole table newest first and lets it use the expiry index, then sort.
                return dispatch!(&mut self.conn, c => items_query!(scope, q, pg)
                    .select(items::id)
                    .order(diesel::dsl::sql::<diesel::sql_types::BigInt>("+items.id").desc())
                    .limit(n)
                    .load::<Id>(c)
                    .map_err(db_err));
            }
            return dispatch!(&mut self.conn, c => items_query!(scope, q, pg)
                .select(items::id)
                .order(items::id.desc())
                .limit(n)
                .load::<Id>(c)
                .map_err(db_err));
        }
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            id: i64,
        }
        // One batch is enough when the other filters keep every match (the usual case).
        let batch_len = n.clamp(256, 10_000);
        let rest = ItemQuery {
            text: None,
            ..q.clone()
        };
        let levels = search_levels(scope, q);
        // (index query, match text): table names and level lists come from the levels
        // (1..=3), never from the request; the words are bound.
        let sources: Vec<(String, String)> = if levels.is_empty() {
            vec![]
        } else if pg {
            let ls = levels
                .iter()
                .map(i16::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            let m = pg_match(&toks, scope);
            // A GIN index gives its matches unordered, and PostgreSQL's estimates for prefix
            // and multi-word queries are poor (it walked the whole table newest first for a
            // word that occurs nowhere). So two fixed plans, chosen by the visible rows only:
            // first the newest PG_WINDOW visible rows, matched one by one (enough for a common
            // word); if they do not give `n` matches, every visible match through the GIN
            // indexes (materialised, then sorted).
            let window = PgWindow {
                head: format!(
                    "SELECT w.id FROM (SELECT s.id, s.tsv FROM items_search s WHERE s.level IN ({ls}) \
                     ORDER BY s.id DESC LIMIT {PG_WINDOW}) w \
                     WHERE w.tsv @@ to_tsquery('simple', "
                ),
                text: &m,
                tail: ") ORDER BY w.id DESC",
            };
            let Conn::Pg(inner) = &mut self.conn else {
                unreachable!("PostgreSQL")
            };
            let c: &mut diesel::pg::PgConnection = inner;
            let newest: Vec<Id> = window.load::<Id>(c).map_err(db_err)?;
            if newest.len() as i64 >= n {
                let seen = items_query!(scope, &rest, true)
                    .filter(items::id.eq_any(&newest))
                    .select(items::id)
                    .order(items::id.desc())
                    .limit(n)
                    .load::<Id>(c)
                    .map_err(db_err)?;
                if seen.len() as i64 >= n {
                    return Ok(seen);
                }
            }
            vec![(
                format!(
                    "WITH m AS MATERIALIZED (SELECT s.id FROM items_search s \
                     WHERE s.level IN ({ls}) AND s.tsv @@ to_tsquery('simple', $1)) \
                     SELECT id FROM m WHERE id < $2 AND id > $4 ORDER BY id DESC LIMIT $3"
                ),
                m,
            )]
        } else {
            let m = fts5_match(&toks, scope);
            let t = fts5_table(scope);
            levels
                .iter()
                .map(|l| {
                    (
                        format!(
                            "SELECT rowid AS id FROM {t}_{l} WHERE {t}_{l} MATCH ? \
                             AND rowid < ? AND rowid > ? ORDER BY rowid DESC LIMIT ?"
                        ),
                        m.clone(),
                    )
                })
                .collect()
        };
        let mut out: Vec<Id> = Vec::new();
        for (sql, m) in &sources {
            // Once `n` ids are in hand, a further level only matters above the n-th newest.
            let above = if out.len() as i64 >= n {
                out.sort_unstable_by(|a, b| b.cmp(a));
                out.truncate(usize::try_from(n).unwrap_or(0));
                out.last().copied().unwrap_or(0)
            } else {
                0
            };
            let mut found = 0i64;
            let mut below = i64::MAX;
            loop {
                let batch: Vec<Id> = dispatch!(&mut self.conn, c => {
                    let q = diesel::sql_query(sql)
                        .bind::<diesel::sql_types::Text, _>(m)
                        .bind::<diesel::sql_types::BigInt, _>(below);
                    // SQLite's placeholders are positional (`rowid > ?` comes before LIMIT);
                    // PostgreSQL's are numbered ($4 is the floor).
                    if pg {
                        q.bind::<diesel::sql_types::BigInt, _>(batch_len)
                            .bind::<diesel::sql_types::BigInt, _>(above)
                            .load::<Row>(c)
                    } else {
                        q.bind::<diesel::sql_types::BigInt, _>(above)
                            .bind::<diesel::sql_types::BigInt, _>(batch_len)
                            .load::<Row>(c)
                    }
                    .map_err(db_err)?
                })
                .into_iter()
                .map(|r| r.id)
                .collect();
                let Some(&last) = batch.last() else { break };
                below = last;
                let seen: Vec<Id> = dispatch!(&mut self.conn, c => items_query!(scope, &rest, pg)
                    .filter(items::id.eq_any(&batch))
                    .select(items::id)
                    .order(items::id.desc())
                    .limit(n - found)
                    .load::<Id>(c)
                    .map_err(db_err)?);
                found += seen.len() as i64;
                out.extend(seen);
                if found >= n || (batch.len() as i64) < batch_len {
                    break;
                }
            }
        }
        // Each source's list is newest first; the n newest of their union.
        out.sort_unstable_by(|a, b| b.cmp(a));
        out.truncate(usize::try_from(n).unwrap_or(0));
        Ok(out)
    }

    /// Runs a fixed statement (maintenance; never built from input).
    pub(crate) fn execute_sql(&mut self, sql: &str) -> Result<()> {
        use diesel::connection::SimpleConnection;
        dispatch!(&mut self.conn, c => c.batch_execute(sql).map_err(db_err))
    }

    /// Up to `n` audit records after `after`, in chain order: verification reads the log in
    /// batches of this, never whole.
    pub(crate) fn audit_after(&mut self, after: i64, n: i64) -> Result<Vec<AuditRecord>> {
        type Row = AuditRowT;
        let rows: Vec<Row> = dispatch!(&mut self.conn, c => audit_log::table.filter(audit_log::seq.gt(after)).order(audit_log::seq.asc()).limit(n).load::<Row>(c).map_err(db_err)?);
        Ok(rows.into_iter().map(record_of).collect())
    }

    /// The chain head row (đầu chuỗi nhật ký): seq, hash and MAC of the last append.
    pub(crate) fn audit_head(&mut self) -> Result<Option<ChainHead>> {
        dispatch!(&mut self.conn, c => audit_head::table.filter(audit_head::id.eq(1)).select((audit_head::seq, audit_head::hash, audit_head::mac)).first::<ChainHead>(c).optional().map_err(db_err))
    }

    /// The objects named by the audit records of the given actions (distinct).
    pub(crate) fn audit_objects_of(&mut self, actions: &[&str]) -> Result<Vec<String>> {
        dispatch!(&mut self.conn, c => audit_log::table.filter(audit_log::action.eq_any(actions)).select(audit_log::object).distinct().load::<String>(c).map_err(db_err))
    }

    pub(crate) fn audit_len(&mut self) -> Result<i64> {
        dispatch!(&mut self.conn, c => audit_log::table.count().get_result::<i64>(c).map_err(db_err))
    }

    /// The current level of the items `ids` (the highest), if any of them exists.
    fn items_level(&mut self, ids: &[Id]) -> Result<Option<Level>> {
        let top: Option<i16> = dispatch!(&mut self.conn, c => items::table.filter(items::id.eq_any(ids)).select(diesel::dsl::max(items::level)).first::<Option<i16>>(c).map_err(db_err)?);
        Ok(top.and_then(Level::from_rank))
    }

    fn user_row(&mut self, id: Id) -> Result<Option<(Id, String)>> {
        dispatch!(&mut self.conn, c => users::table.filter(users::id.eq(id)).select((users::id, users::data)).first::<(Id, String)>(c).optional().map_err(db_err))
    }

    /// Keeps a user's picker columns (`pick`, `pick_rank`) and words in step with the record.
    fn set_user_pick(&mut self, u: &User) -> Result<()> {
        let pick = fold(&bmnn_core::service::person_label(u));
        let rank: i16 = if u.active {
            u.clearance.map_or(0, Level::rank)
        } else {
            -1
        };
        dispatch!(&mut self.conn, c => diesel::update(users::table.filter(users::id.eq(u.id))).set((users::pick.eq(&pick), users::pick_rank.eq(rank))).execute(c).map_err(db_err)?);
        self.set_pick_words(PICK_USER, u.id, &pick, rank)
    }

    /// Keeps a unit's folded name and words in step with the record.
    fn set_unit_pick(&mut self, u: &Unit) -> Result<()> {
        let pick = fold(&u.name);
        dispatch!(&mut self.conn, c => diesel::update(units::table.filter(units::id.eq(u.id))).set(units::pick.eq(&pick)).execute(c).map_err(db_err)?);
        self.set_pick_words(PICK_UNIT, u.id, &pick, 0)
    }

    /// The words of `pick` (the owner's folded label), each row with the label and `rank`.
    fn set_pick_words(&mut self, kind: i16, id: Id, pick: &str, rank: i16) -> Result<()> {
        let words: std::collections::BTreeSet<&str> = bmnn_core::text::words(pick).collect();
        let rows: Vec<_> = words
            .iter()
            .map(|w| {
                (
                    pick_words::kind.eq(kind),
                    pick_words::word.eq(*w),
                    pick_words::id.eq(id),
                    pick_words::pick.eq(pick),
                    pick_words::rank.eq(rank),
                )
            })
            .collect();
        dispatch!(&mut self.conn, c => {
            diesel::delete(pick_words::table.filter(pick_words::kind.eq(kind)).filter(pick_words::id.eq(id))).execute(c).map_err(db_err)?;
            if !rows.is_empty() {
                diesel::insert_into(pick_words::table).values(&rows).execute(c).map_err(db_err)?;
            }
        });
        Ok(())
    }

    /// The ids of a picker's answer (migration 000025): owners of `kind` with, for each of
    /// `words`, a word beginning with it, of rank `min` or more; by folded label, then id; at
    /// most `limit`. Only `pick_words` is read: the longest word's range from the covering
    /// index `pick_words_order` (the fewest rows, as a rule), each other word as a semi-join on
    /// its own range; the distinct owners sorted by label. So the cost follows the number of
    /// words that match, never the number of users.
    fn pick_ids(&mut self, kind: i16, words: &[String], min: i16, limit: usize) -> Result<Vec<Id>> {
        let mut by_len: Vec<&String> = words.iter().collect();
        by_len.sort_by_key(|w| std::cmp::Reverse(w.len()));
        let Some((first, rest)) = by_len.split_first() else {
            return Ok(Vec::new());
        };
        let other = diesel::alias!(pick_words as other);
        let rows = dispatch!(&mut self.conn, c => {
            let mut q = pick_words::table
                .filter(pick_words::kind.eq(kind))
                .filter(pick_words::word.ge(first.as_str()))
                .filter(pick_words::word.lt(prefix_end(first)))
                .filter(pick_words::rank.ge(min))
                .into_boxed();
            for w in rest {
                q = q.filter(pick_words::id.eq_any(
                    other
                        .filter(other.field(pick_words::kind).eq(kind))
                        .filter(other.field(pick_words::word).ge(w.as_str()))
                        .filter(other.field(pick_words::word).lt(prefix_end(w)))
                        .select(other.field(pick_words::id)),
                ));
            }
            q.select((pick_words::pick, pick_words::id))
                .distinct()
                .order((pick_words::pick.asc(), pick_words::id.asc()))
                .limit(limit as i64)
                .load::<(String, Id)>(c)
                .map_err(db_err)?
        });
        Ok(rows.into_iter().map(|(_, id)| id).collect())
    }

    /// Whether some user or unit has no picker columns yet (rows from before migration 000021,
    /// or imported).
    pub(crate) fn picks_missing(&mut self) -> Result<bool> {
        dispatch!(&mut self.conn, c => {
            let u: i64 = users::table.filter(users::pick.is_null()).count().get_result(c).map_err(db_err)?;
            let n: i64 = units::table.filter(units::pick.is_null()).count().get_result(c).map_err(db_err)?;
            Ok(u + n > 0)
        })
    }

    /// Fills the picker columns and words of every user and unit that has none.
    pub(crate) fn fill_picks(&mut self) -> Result<()> {
        let users = dispatch!(&mut self.conn, c => users::table.filter(users::pick.is_null()).order(users::id).select((users::id, users::data)).load::<(Id, String)>(c).map_err(db_err)?);
        for u in load_all::<User>(users)? {
            self.set_user_pick(&u)?;
        }
        let units = dispatch!(&mut self.conn, c => units::table.filter(units::pick.is_null()).order(units::id).select((units::id, units::data)).load::<(Id, String)>(c).map_err(db_err)?);
        for u in load_all::<Unit>(units)? {
            self.set_unit_pick(&u)?;
        }
        Ok(())
    }
}

/// `pick_words.kind` of a user's and a unit's words.
const PICK_USER: i16 = 1;
const PICK_UNIT: i16 = 2;

/// The upper bound of the words beginning with `w` (byte order; no word holds U+10FFFF).
fn prefix_end(w: &str) -> String {
    format!("{w}\u{10FFFF}")
}

/// `rows` in the order of `ids` (a picker's order), each id once; an id without a row (none:
/// both are read in one transaction) is skipped.
fn in_order<T>(ids: &[Id], rows: Vec<T>, id: impl Fn(&T) -> Id) -> Vec<T> {
    let mut by_id: std::collections::HashMap<Id, T> =
        rows.into_iter().map(|r| (id(&r), r)).collect();
    ids.iter().filter_map(|i| by_id.remove(i)).collect()
}

impl Tx for DbTx<'_> {
    fn get_agency(&mut self) -> Result<Option<Agency>> {
        let v: Option<String> = dispatch!(&mut self.conn, c => settings::table.filter(settings::key.eq("agency")).select(settings::value).first::<String>(c).optional().map_err(db_err)?);
        v.map(|s| from_json(&s)).transpose()
    }

    fn put_agency(&mut self, a: &Agency) -> Result<()> {
        let j = to_json(a)?;
        dispatch!(&mut self.conn, c => {
            let n = diesel::update(settings::table.filter(settings::key.eq("agency"))).set(settings::value.eq(&j)).execute(c).map_err(db_err)?;
            if n == 0 {
                diesel::insert_into(settings::table).values((settings::key.eq("agency"), settings::value.eq(&j))).execute(c).map_err(db_err)?;
            }
        });
        Ok(())
    }

    fn insert_unit(&mut self, u: &Unit) -> Result<Id> {
        let j = to_json(u)?;
        let id: Id = dispatch!(&mut self.conn, c => diesel::insert_into(units::table).values(units::data.eq(&j)).returning(units::id).get_result(c).map_err(db_err)?);
        self.set_unit_pick(&Unit { id, ..u.clone() })?;
        Ok(id)
    }

    fn list_units(&mut self) -> Result<Vec<Unit>> {
        let rows = dispatch!(&mut self.conn, c => units::table.order(units::id).select((units::id, units::data)).load::<(Id, String)>(c).map_err(db_err)?);
        load_all(rows)
    }

    fn org_size(&mut self) -> Result<(i64, i64)> {
        let units = dispatch!(&mut self.conn, c => units::table.count().get_result::<i64>(c).map_err(db_err)?);
        let users = dispatch!(&mut self.conn, c => users::table.count().get_result::<i64>(c).map_err(db_err)?);
        Ok((units, users))
    }

    fn insert_position(&mut self, p: &Position) -> Result<Id> {
        let j = to_json(p)?;
        dispatch!(&mut self.conn, c => diesel::insert_into(positions::table).values(positions::data.eq(&j)).returning(positions::id).get_result(c).map_err(db_err))
    }

    fn update_position(&mut self, p: &Position) -> Result<()> {
        let j = to_json(p)?;
        dispatch!(&mut self.conn, c => diesel::update(positions::table.filter(positions::id.eq(p.id))).set(positions::data.eq(&j)).execute(c).map_err(db_err)?);
        Ok(())
    }

    fn list_positions(&mut self) -> Result<Vec<Position>> {
        let rows = dispatch!(&mut self.conn, c => positions::table.order(positions::id).select((positions::id, positions::data)).load::<(Id, String)>(c).map_err(db_err)?);
        load_all(rows)
    }

    fn insert_user(&mut self, u: &User) -> Result<Id> {
        let j = to_json(u)?;
        let id: Id = dispatch!(&mut self.conn, c => diesel::insert_into(users::table).values((users::username.eq(&u.username), users::data.eq(&j))).returning(users::id).get_result(c).map_err(db_err)?);
        self.set_user_pick(&User { id, ..u.clone() })?;
        Ok(id)
    }

    fn update_user(&mut self, u: &User) -> Result<()> {
        let j = to_json(u)?;
        dispatch!(&mut self.conn, c => diesel::update(users::table.filter(users::id.eq(u.id))).set((users::username.eq(&u.username), users::data.eq(&j))).execute(c).map_err(db_err)?);
        self.set_user_pick(u)
    }

    fn get_user(&mut self, id: Id) -> Result<Option<User>> {
        self.user_row(id)?.map(|(i, d)| load(i, &d)).transpose()
    }

    fn find_user(&mut self, username: &str) -> Result<Option<User>> {
        let r = dispatch!(&mut self.conn, c => users::table.filter(users::username.eq(username)).select((users::id, users::data)).first::<(Id, String)>(c).optional().map_err(db_err)?);
        r.map(|(i, d)| load(i, &d)).transpose()
    }

    fn list_users(&mut self) -> Result<Vec<User>> {
        let rows = dispatch!(&mut self.conn, c => users::table.order(users::id).select((users::id, users::data)).load::<(Id, String)>(c).map_err(db_err)?);
        load_all(rows)
    }

    fn pick_users(
        &mut self,
        words: &[String],
        level: Option<Level>,
        limit: usize,
    ) -> Result<Vec<User>> {
        // -1 = inactive; an item's level needs a clearance of at least its rank.
        let min = level.map_or(0, Level::rank);
        let ids = self.pick_ids(PICK_USER, words, min, limit)?;
        let rows = dispatch!(&mut self.conn, c => users::table.filter(users::id.eq_any(&ids)).select((users::id, users::data)).load::<(Id, String)>(c).map_err(db_err)?);
        Ok(in_order(&ids, load_all(rows)?, |u: &User| u.id))
    }

    fn pick_units(&mut self, words: &[String], limit: usize) -> Result<Vec<Unit>> {
        let ids = self.pick_ids(PICK_UNIT, words, 0, limit)?;
        let rows = dispatch!(&mut self.conn, c => units::table.filter(units::id.eq_any(&ids)).select((units::id, units::data)).load::<(Id, String)>(c).map_err(db_err)?);
        Ok(in_order(&ids, load_all(rows)?, |u: &Unit| u.id))
    }

    fn find_unit_folded(&mut self, folded: &str) -> Result<Option<Unit>> {
        let r = dispatch!(&mut self.conn, c => units::table.filter(units::pick.eq(folded)).order(units::id).select((units::id, units::data)).first::<(Id, String)>(c).optional().map_err(db_err)?);
        r.map(|(i, d)| load(i, &d)).transpose()
    }

    fn set_password(&mut self, user: Id, hash: &str) -> Result<()> {
        dispatch!(&mut self.conn, c => diesel::update(users::table.filter(users::id.eq(user))).set(users::password_hash.eq(Some(hash))).execute(c).map_err(db_err)?);
        Ok(())
    }

    fn password_hash(&mut self, user: Id) -> Result<Option<String>> {
        let r = dispatch!(&mut self.conn, c => users::table.filter(users::id.eq(user)).select(users::password_hash).first::<Option<String>>(c).optional().map_err(db_err)?);
        Ok(r.flatten())
    }

    fn insert_delegation(&mut self, d: &Delegation) -> Result<Id> {
        let j = to_json(d)?;
        dispatch!(&mut self.conn, c => diesel::insert_into(delegations::table).values((delegations::grantee_id.eq(d.grantee_id), delegations::data.eq(&j))).returning(delegations::id).get_result(c).map_err(db_err))
    }

    fn update_delegation(&mut self, d: &Delegation) -> Result<()> {
        let j = to_json(d)?;
        dispatch!(&mut self.conn, c => diesel::update(delegations::table.filter(delegations::id.eq(d.id))).set(delegations::data.eq(&j)).execute(c).map_err(db_err)?);
        Ok(())
    }

    fn list_delegations(&mut self) -> Result<Vec<Delegation>> {
        let rows = dispatch!(&mut self.conn, c => delegations::table.order(delegations::id).select((delegations::id, delegations::data)).load::<(Id, String)>(c).map_err(db_err)?);
        load_all(rows)
    }

    fn insert_catalogue(&mut self, x: &Catalogue) -> Result<Id> {
        let j = to_json(x)?;
        dispatch!(&mut self.conn, c => diesel::insert_into(catalogues::table).values(catalogues::data.eq(&j)).returning(catalogues::id).get_result(c).map_err(db_err))
    }

    fn update_catalogue(&mut self, x: &Catalogue) -> Result<()> {
        let j = to_json(x)?;
        dispatch!(&mut self.conn, c => diesel::update(catalogues::table.filter(catalogues::id.eq(x.id))).set(catalogues::data.eq(&j)).execute(c).map_err(db_err)?);
        Ok(())
    }

    fn list_catalogues(&mut self) -> Result<Vec<Catalogue>> {
        let rows = dispatch!(&mut self.conn, c => catalogues::table.order(catalogues::id).select((catalogues::id, catalogues::data)).load::<(Id, String)>(c).map_err(db_err)?);
        load_all(rows)
    }

    fn insert_catalogue_item(&mut self, x: &CatalogueItem) -> Result<Id> {
        let j = to_json(x)?;
        dispatch!(&mut self.conn, c => diesel::insert_into(catalogue_items::table).values((catalogue_items::catalogue_id.eq(x.catalogue_id), catalogue_items::data.eq(&j))).returning(catalogue_items::id).get_result(c).map_err(db_err))
    }

    fn update_catalogue_item(&mut self, x: &CatalogueItem) -> Result<()> {
        let j = to_json(x)?;
        dispatch!(&mut self.conn, c => diesel::update(catalogue_items::table.filter(catalogue_items::id.eq(x.id))).set((catalogue_items::catalogue_id.eq(x.catalogue_id), catalogue_items::data.eq(&j))).execute(c).map_err(db_err)?);
        Ok(())
    }

    fn get_catalogue_item(&mut self, id: Id) -> Result<Option<CatalogueItem>> {
        let r = dispatch!(&mut self.conn, c => catalogue_items::table.filter(catalogue_items::id.eq(id)).select((catalogue_items::id, catalogue_items::data)).first::<(Id, String)>(c).optional().map_err(db_err)?);
        r.map(|(i, d)| load(i, &d)).transpose()
    }

    fn list_catalogue_items(&mut self, catalogue_id: Option<Id>) -> Result<Vec<CatalogueItem>> {
        let rows = dispatch!(&mut self.conn, c => {
            let mut q = catalogue_items::table.select((catalogue_items::id, catalogue_items::data)).order(catalogue_items::id).into_boxed();
            if let Some(cid) = catalogue_id {
                q = q.filter(catalogue_items::catalogue_id.eq(cid));
            }
            q.load::<(Id, String)>(c).map_err(db_err)?
        });
        load_all(rows)
    }

    fn insert_item(&mut self, i: &SecretItem) -> Result<Id> {
        let j = to_json(i)?;
        let s = search_text(i);
        dispatch!(&mut self.conn, c => diesel::insert_into(items::table)
            .values(item_columns!(i, &s, &j))
            .returning(items::id)
            .get_result(c)
            .map_err(db_err))
    }

    fn update_item(&mut self, i: &SecretItem) -> Result<()> {
        let j = to_json(i)?;
        let s = search_text(i);
        let old: Option<i16> = dispatch!(&mut self.conn, c => items::table.filter(items::id.eq(i.id)).select(items::level).first::<i16>(c).optional().map_err(db_err)?);
        dispatch!(&mut self.conn, c => diesel::update(items::table.filter(items::id.eq(i.id)))
            .set((
                items::level.eq(i.level.rank()),
                items::status.eq(i.status.code()),
                items::unit_id.eq(i.unit_id),
                items::holder_id.eq(i.holder_id),
                items::drafter_id.eq(i.drafter_id),
                items::catalogue_item_id.eq(i.catalogue_item_id),
                items::expiry.eq(date_s(i.expiry)),
                items::recall_pending.eq(i.recall_due.is_some() && i.returned_on.is_none()),
                items::search.eq(&s),
                items::data.eq(&j),
            ))
            .execute(c)
            .map_err(db_err)?);
        if old.is_some_and(|o| o != i.level.rank()) {
            self.sync_level_copies(i)?;
        }
        Ok(())
    }

    fn get_item(&mut self, scope: &ReadScope, id: Id) -> Result<Option<SecretItem>> {
        let q = ItemQuery::default();
        let pg = matches!(self.conn, Conn::Pg(_));
        let r = dispatch!(&mut self.conn, c => items_query!(scope, &q, pg).filter(items::id.eq(id)).select((items::id, items::data)).first::<(Id, String)>(c).optional().map_err(db_err)?);
        r.map(|(i, d)| load(i, &d)).transpose()
    }

    fn visible_item_ids(&mut self, scope: &ReadScope, ids: &[Id]) -> Result<Vec<Id>> {
        let q = ItemQuery::default();
        let pg = matches!(self.conn, Conn::Pg(_));
        let mut out = Vec::with_capacity(ids.len());
        // Bounded IN lists (SQLite's bind limit).
        for chunk in ids.chunks(500) {
            let seen = dispatch!(&mut self.conn, c => items_query!(scope, &q, pg)
                .filter(items::id.eq_any(chunk))
                .select(items::id)
                .load::<Id>(c)
                .map_err(db_err)?);
            out.extend(seen);
        }
        Ok(out)
    }

    fn list_items(&mut self, scope: &ReadScope, q: &ItemQuery) -> Result<Page<SecretItem>> {
        let limit = if q.limit <= 0 { 50 } else { q.limit };
        let offset = q.offset.max(0);
        // One pass over the visible ids, newest first: the count and the page both come from it.
        // Counting every visible row would cost a scan of the index; beyond the cap the exact
        // number does not help anyone reading a list, so it reads "more than cap".
        let cap = q.count_cap();
        let ids = self.visible_ids(scope, q, cap + 1)?;
        let total = ids.len() as i64;
        let start = usize::try_from(offset).unwrap_or(usize::MAX);
        let end = start.saturating_add(usize::try_from(limit).unwrap_or(0));
        let rows = if end <= ids.len() || total <= cap {
            let page = ids
                .get(start.min(ids.len())..end.min(ids.len()))
                .unwrap_or_default();
            if page.is_empty() {
                vec![]
            } else {
                dispatch!(&mut self.conn, c => items::table
                    .filter(items::id.eq_any(page))
                    .select((items::id, items::data))
                    .order(items::id.desc())
                    .load::<(Id, String)>(c)
                    .map_err(db_err)?)
            }
        } else {
            // Deeper than the counted window (rare): the query itself, paged.
            let pg = matches!(self.conn, Conn::Pg(_));
            dispatch!(&mut self.conn, c => items_query!(scope, q, pg)
                .select((items::id, items::data))
                .order(items::id.desc())
                .offset(offset)
                .limit(limit)
                .load::<(Id, String)>(c)
                .map_err(db_err)?)
        };
        Ok(Page {
            total,
            rows: load_all(rows)?,
        })
    }

    fn insert_event(&mut self, e: &ItemEvent) -> Result<Id> {
        let j = to_json(e)?;
        dispatch!(&mut self.conn, c => diesel::insert_into(item_events::table).values((item_events::item_id.eq(e.item_id), item_events::data.eq(&j))).returning(item_events::id).get_result(c).map_err(db_err))
    }

    fn list_events(&mut self, scope: &ReadScope, item_id: Id) -> Result<Vec<ItemEvent>> {
        if self.get_item(scope, item_id)?.is_none() {
            return Ok(vec![]);
        }
        let rows = dispatch!(&mut self.conn, c => item_events::table.filter(item_events::item_id.eq(item_id)).order(item_events::id).select((item_events::id, item_events::data)).load::<(Id, String)>(c).map_err(db_err)?);
        load_all(rows)
    }

    fn insert_request(&mut self, r: &Request) -> Result<Id> {
        let mut r = r.clone();
        r.level = self.items_level(&r.item_ids)?.unwrap_or(r.level);
        let r = &r;
        let j = to_json(r)?;
        let ids = format!(
            ",{},",
            r.item_ids
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(",")
        );
        dispatch!(&mut self.conn, c => diesel::insert_into(requests::table)
            .values((
                requests::kind.eq(r.kind.code()),
                requests::status.eq(r.status.code()),
                requests::level.eq(r.level.rank()),
                requests::requester_id.eq(r.requester_id),
                requests::item_ids.eq(&ids),
                requests::data.eq(&j),
            ))
            .returning(requests::id)
            .get_result(c)
            .map_err(db_err))
    }

    fn update_request(&mut self, r: &Request) -> Result<()> {
        let mut r = r.clone();
        r.level = self.items_level(&r.item_ids)?.unwrap_or(r.level);
        let r = &r;
        let j = to_json(r)?;
        dispatch!(&mut self.conn, c => diesel::update(requests::table.filter(requests::id.eq(r.id)))
            .set((requests::status.eq(r.status.code()), requests::level.eq(r.level.rank()), requests::data.eq(&j)))
            .execute(c)
            .map_err(db_err)?);
        Ok(())
    }

    fn get_request(&mut self, scope: &ReadScope, id: Id) -> Result<Option<Request>> {
        let q = RequestQuery::default();
        Ok(self
            .list_requests_inner(scope, &q, Some(id))?
            .into_iter()
            .next())
    }

    fn list_requests(&mut self, scope: &ReadScope, q: &RequestQuery) -> Result<Vec<Request>> {
        self.list_requests_inner(scope, q, None)
    }

    fn append_register(&mut self, e: &NewEntry) -> Result<RegisterEntry> {
        let year = e.date.year();
        let kind = e.kind.code();
        let level = match e.item_id {
            Some(i) => self.items_level(&[i])?.unwrap_or(e.level),
            None => e.level,
        };
        let mut entry = RegisterEntry {
            id: 0,
            kind: e.kind,
            year,
            number: 0,
            date: e.date,
            item_id: e.item_id,
            request_id: e.request_id,
            level,
            regime: e.regime.clone(),
            fields: e.fields.clone(),
            corrects: e.corrects,
            created_by: e.created_by,
            to_user: e.to_user,
            ack: None,
            cancelled: None,
        };
        let (id, number) = dispatch!(&mut self.conn, c => {
            let max: Option<i64> = register_entries::table
                .filter(register_entries::kind.eq(kind))
                .filter(register_entries::year.eq(year))
                .select(diesel::dsl::max(register_entries::number))
                .first(c)
                .map_err(db_err)?;
            let number = max.unwrap_or(0) + 1;
            entry.number = number;
            if e.kind == RegisterKind::Incoming {
                entry.fields.entry("incoming_no".into()).or_insert_with(|| format!("{number:02}"));
            }
            let j = to_json(&entry)?;
            let id: Id = diesel::insert_into(register_entries::table)
                .values((
                    register_entries::kind.eq(kind),
                    register_entries::year.eq(year),
                    register_entries::number.eq(number),
                    register_entries::level.eq(level.rank()),
                    register_entries::item_id.eq(e.item_id),
                    register_entries::to_user.eq(e.to_user),
                    register_entries::pending_ack.eq(e.to_user.is_some()),
                    register_entries::data.eq(&j),
                ))
                .returning(register_entries::id)
                .get_result(c)
                .map_err(db_err)?;
            (id, number)
        });
        entry.id = id;
        entry.number = number;
        Ok(entry)
    }

    fn update_register_entry(&mut self, e: &RegisterEntry) -> Result<()> {
        let j = to_json(e)?;
        let pending = e.to_user.is_some() && e.ack.is_none() && e.cancelled.is_none();
        dispatch!(&mut self.conn, c => diesel::update(register_entries::table.filter(register_entries::id.eq(e.id)))
            .set((register_entries::pending_ack.eq(pending), register_entries::data.eq(&j)))
            .execute(c)
            .map_err(db_err)?);
        Ok(())
    }

    fn get_register_entry(&mut self, scope: &ReadScope, id: Id) -> Result<Option<RegisterEntry>> {
        let r = rank(scope);
        let (aw, uid) = (scope.agency_wide, scope.user_id);
        let row = dispatch!(&mut self.conn, c => {
            let mut q = register_entries::table.filter(register_entries::id.eq(id)).filter(register_entries::level.le(r)).into_boxed();
            if !aw {
                q = q.filter(register_entries::to_user.assume_not_null().eq(uid));
            }
            q.select((register_entries::id, register_entries::level, register_entries::data)).first::<(Id, i16, String)>(c).optional().map_err(db_err)?
        });
        row.map(|(i, l, d)| load_lv(i, l, &d)).transpose()
    }

    fn list_register(
        &mut self,
        scope: &ReadScope,
        kind: RegisterKind,
        year: i32,
        offset: i64,
        limit: i64,
    ) -> Result<Page<RegisterEntry>> {
        let r = rank(scope);
        let (aw, uid) = (scope.agency_wide, scope.user_id);
        let k = kind.code();
        let (total, rows) = dispatch!(&mut self.conn, c => {
            let base = || {
                let mut q = register_entries::table
                    .filter(register_entries::kind.eq(k))
                    .filter(register_entries::year.eq(year))
                    .filter(register_entries::level.le(r))
                    .into_boxed();
                if !aw {
                    q = q.filter(register_entries::to_user.assume_not_null().eq(uid));
                }
                q
            };
            let total: i64 = if aw {
                // The triggers' per-level counts: no scan of the year's book.
                register_counts::table
                    .filter(register_counts::kind.eq(k))
                    .filter(register_counts::year.eq(year))
                    .filter(register_counts::level.le(r))
                    .select(register_counts::n)
                    .load::<i64>(c)
                    .map_err(db_err)?
                    .into_iter()
                    .sum()
            } else {
                base().count().get_result(c).map_err(db_err)?
            };
            let rows = base()
                .order(register_entries::number.asc())
                .offset(offset)
                .limit(limit)
                .select((register_entries::id, register_entries::level, register_entries::data))
                .load::<(Id, i16, String)>(c)
                .map_err(db_err)?;
            (total, rows)
        });
        Ok(Page {
            total,
            rows: load_all_lv(rows)?,
        })
    }

    fn pending_acks(&mut self, scope: &ReadScope, user: Option<Id>) -> Result<Vec<RegisterEntry>> {
        let r = rank(scope);
        let (aw, uid) = (scope.agency_wide, scope.user_id);
        let rows = dispatch!(&mut self.conn, c => {
            let mut q = register_entries::table.filter(register_entries::pending_ack.eq(true)).filter(register_entries::level.le(r)).into_boxed();
            if !aw {
                q = q.filter(register_entries::to_user.assume_not_null().eq(uid));
            }
            if let Some(u) = user {
                q = q.filter(register_entries::to_user.assume_not_null().eq(u));
            }
            q.order(register_entries::id).select((register_entries::id, register_entries::level, register_entries::data)).load::<(Id, i16, String)>(c).map_err(db_err)?
        });
        load_all_lv(rows)
    }

    fn insert_notice(&mut self, n: &Notice) -> Result<Id> {
        let mut n = n.clone();
        n.level = self.items_level(&[n.item_id])?.unwrap_or(n.level);
        let n = &n;
        let j = to_json(n)?;
        dispatch!(&mut self.conn, c => diesel::insert_into(notices::table)
            .values((notices::item_id.eq(n.item_id), notices::level.eq(n.level.rank()), notices::open.eq(n.done_on.is_none()), notices::data.eq(&j)))
            .returning(notices::id)
            .get_result(c)
            .map_err(db_err))
    }

    fn update_notice(&mut self, n: &Notice) -> Result<()> {
        let j = to_json(n)?;
        dispatch!(&mut self.conn, c => diesel::update(notices::table.filter(notices::id.eq(n.id)))
            .set((notices::open.eq(n.done_on.is_none()), notices::data.eq(&j)))
            .execute(c)
            .map_err(db_err)?);
        Ok(())
    }

    fn list_notices(&mut self, scope: &ReadScope, q: &NoticeQuery) -> Result<Vec<Notice>> {
        if !scope.agency_wide {
            // Notices are the office's duty; other users see those of items they may see.
            if let Some(item) = q.item_id {
                if self.get_item(scope, item)?.is_none() {
                    return Ok(vec![]);
                }
            } else {
                return Ok(vec![]);
            }
        }
        let r = rank(scope);
        let rows = dispatch!(&mut self.conn, c => {
            let mut b = notices::table.filter(notices::level.le(r)).into_boxed();
            if q.open_only {
                b = b.filter(notices::open.eq(true));
            }
            if let Some(i) = q.item_id {
                b = b.filter(notices::item_id.eq(i));
            }
            b.order(notices::id).select((notices::id, notices::level, notices::data)).load::<(Id, i16, String)>(c).map_err(db_err)?
        });
        load_all_lv(rows)
    }

    fn audit(&mut self, input: AuditInput) -> Result<AuditRecord> {
        dispatch!(&mut self.conn, c => {
            let last = audit_log::table
                .order(audit_log::seq.desc())
                .first::<AuditRowT>(c)
                .optional()
                .map_err(db_err)?
                .map(record_of);
            // The head is compared, never overwritten blind: a log whose tail was cut (the head
            // names a later record than the last one left) is not continued, so the cut stays
            // visible to `audit verify` instead of healing with the next write.
            let head = audit_head::table
                .filter(audit_head::id.eq(1))
                .select((audit_head::seq, audit_head::hash))
                .first::<(i64, String)>(c)
                .optional()
                .map_err(db_err)?;
            let in_step = match (&last, &head) {
                (None, None) | (None, Some((0, _))) => true,
                (Some(r), Some((s, h))) => r.seq == *s && r.hash == *h,
                _ => false,
            };
            if !in_step {
                return Err(head_mismatch(last.as_ref().map_or(0, |r| r.seq), head.as_ref().map_or(0, |h| h.0)));
            }
            let rec = audit::seal_keyed(last.as_ref(), input, self.audit_key.as_ref());
            let head_mac = self.audit_key.as_ref().map(|k| audit::mac(k, rec.seq, &rec.hash));
            if head.is_none() {
                diesel::insert_into(audit_head::table)
                    .values((audit_head::id.eq(1), audit_head::seq.eq(0i64), audit_head::hash.eq(audit::GENESIS)))
                    .execute(c)
                    .map_err(db_err)?;
            }
            diesel::insert_into(audit_log::table)
                .values((
                    audit_log::seq.eq(rec.seq),
                    audit_log::at.eq(&rec.at),
                    audit_log::actor.eq(&rec.actor),
                    audit_log::action.eq(&rec.action),
                    audit_log::object.eq(&rec.object),
                    audit_log::details.eq(&rec.details),
                    audit_log::prev_hash.eq(&rec.prev_hash),
                    audit_log::hash.eq(&rec.hash),
                    audit_log::mac.eq(&rec.mac),
                ))
                .execute(c)
                .map_err(db_err)?;
            diesel::update(audit_head::table.filter(audit_head::id.eq(1)))
                .set((audit_head::seq.eq(rec.seq), audit_head::hash.eq(&rec.hash), audit_head::mac.eq(&head_mac)))
                .execute(c)
                .map_err(db_err)?;
            Ok(rec)
        })
    }

    fn audit_tail(&mut self, limit: i64) -> Result<Vec<AuditRecord>> {
        type Row = AuditRowT;
        let rows: Vec<Row> = dispatch!(&mut self.conn, c => audit_log::table.order(audit_log::seq.desc()).limit(limit).load::<Row>(c).map_err(db_err)?);
        Ok(rows.into_iter().map(record_of).collect())
    }

    fn audit_seq(&mut self) -> Result<i64> {
        let m: Option<i64> = dispatch!(&mut self.conn, c => audit_log::table.select(diesel::dsl::max(audit_log::seq)).first::<Option<i64>>(c).map_err(db_err)?);
        Ok(m.unwrap_or(0))
    }

    fn audit_last_of(&mut self, action: &str) -> Result<Option<AuditRecord>> {
        type Row = AuditRowT;
        let row: Option<Row> = dispatch!(&mut self.conn, c => audit_log::table.filter(audit_log::action.eq(action)).order(audit_log::seq.desc()).first::<Row>(c).optional().map_err(db_err)?);
        Ok(row.map(record_of))
    }

    fn insert_session(&mut self, s: &Session) -> Result<()> {
        let j = to_json(s)?;
        dispatch!(&mut self.conn, c => diesel::insert_into(sessions::table).values((sessions::token_hash.eq(&s.token_hash), sessions::user_id.eq(s.user_id), sessions::data.eq(&j))).execute(c).map_err(db_err)?);
        Ok(())
    }

    fn get_session(&mut self, token_hash: &str) -> Result<Option<Session>> {
        let r = dispatch!(&mut self.conn, c => sessions::table.filter(sessions::token_hash.eq(token_hash)).select(sessions::data).first::<String>(c).optional().map_err(db_err)?);
        r.map(|d| from_json(&d)).transpose()
    }

    fn touch_session(&mut self, token_hash: &str, last_seen: &str) -> Result<()> {
        if let Some(mut s) = self.get_session(token_hash)? {
            s.last_seen = last_seen.to_string();
            let j = to_json(&s)?;
            dispatch!(&mut self.conn, c => diesel::update(sessions::table.filter(sessions::token_hash.eq(token_hash))).set(sessions::data.eq(&j)).execute(c).map_err(db_err)?);
        }
        Ok(())
    }

    fn delete_session(&mut self, token_hash: &str) -> Result<()> {
        dispatch!(&mut self.conn, c => diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash))).execute(c).map_err(db_err)?);
        Ok(())
    }

    fn delete_user_sessions(&mut self, user: Id) -> Result<u64> {
        let n = dispatch!(&mut self.conn, c => diesel::delete(sessions::table.filter(sessions::user_id.eq(user))).execute(c).map_err(db_err)?);
        Ok(n as u64)
    }

    fn login_state(&mut self, user: Id) -> Result<LoginState> {
        let r = dispatch!(&mut self.conn, c => users::table.filter(users::id.eq(user)).select((users::failed_logins, users::locked_until)).first::<(i32, Option<String>)>(c).optional().map_err(db_err)?);
        Ok(r.map(|(failed, locked_until)| LoginState {
            failed,
            locked_until,
        })
        .unwrap_or_default())
    }

    fn set_login_state(&mut self, user: Id, s: &LoginState) -> Result<()> {
        dispatch!(&mut self.conn, c => diesel::update(users::table.filter(users::id.eq(user))).set((users::failed_logins.eq(s.failed), users::locked_until.eq(&s.locked_until))).execute(c).map_err(db_err)?);
        Ok(())
    }

    fn insert_attachment(&mut self, a: &AttachmentMeta, ciphertext: &[u8]) -> Result<Id> {
        let mut a = a.clone();
        a.level = self.items_level(&[a.item_id])?.unwrap_or(a.level);
        let a = &a;
        let j = to_json(a)?;
        dispatch!(&mut self.conn, c => diesel::insert_into(attachments::table)
            .values((attachments::item_id.eq(a.item_id), attachments::level.eq(a.level.rank()), attachments::meta.eq(&j), attachments::content.eq(ciphertext)))
            .returning(attachments::id)
            .get_result(c)
            .map_err(db_err))
    }

    fn list_attachments(&mut self, scope: &ReadScope, item_id: Id) -> Result<Vec<AttachmentMeta>> {
        if self.get_item(scope, item_id)?.is_none() {
            return Ok(vec![]);
        }
        let r = rank(scope);
        let rows = dispatch!(&mut self.conn, c => attachments::table.filter(attachments::item_id.eq(item_id)).filter(attachments::level.le(r)).order(attachments::id).select((attachments::id, attachments::level, attachments::meta)).load::<(Id, i16, String)>(c).map_err(db_err)?);
        load_all_lv(rows)
    }

    fn get_attachment(
        &mut self,
        scope: &ReadScope,
        id: Id,
    ) -> Result<Option<(AttachmentMeta, Vec<u8>)>> {
        let r = rank(scope);
        let row = dispatch!(&mut self.conn, c => attachments::table.filter(attachments::id.eq(id)).filter(attachments::level.le(r)).select((attachments::id, attachments::level, attachments::meta, attachments::content)).first::<(Id, i16, String, Vec<u8>)>(c).optional().map_err(db_err)?);
        let Some((id, level, meta, content)) = row else {
            return Ok(None);
        };
        let m: AttachmentMeta = load_lv(id, level, &meta)?;
        if self.get_item(scope, m.item_id)?.is_none() {
            return Ok(None);
        }
        Ok(Some((m, content)))
    }

    fn insert_record(&mut self, r: &ProgrammeRecord) -> Result<Id> {
        let j = to_json(&r.data)?;
        let date = bmnn_core::dates::iso(r.date);
        dispatch!(&mut self.conn, c => diesel::insert_into(programme_records::table)
            .values((programme_records::kind.eq(&r.kind), programme_records::date.eq(&date), programme_records::unit_id.eq(r.unit_id), programme_records::data.eq(&j)))
            .returning(programme_records::id)
            .get_result(c)
            .map_err(db_err))
    }

    fn update_record(&mut self, r: &ProgrammeRecord) -> Result<()> {
        let j = to_json(&r.data)?;
        let date = bmnn_core::dates::iso(r.date);
        dispatch!(&mut self.conn, c => diesel::update(programme_records::table.filter(programme_records::id.eq(r.id)))
            .set((programme_records::kind.eq(&r.kind), programme_records::date.eq(&date), programme_records::unit_id.eq(r.unit_id), programme_records::data.eq(&j)))
            .execute(c)
            .map_err(db_err)?);
        Ok(())
    }

    fn get_record(&mut self, id: Id) -> Result<Option<ProgrammeRecord>> {
        type Row = (Id, String, String, Option<Id>, String);
        let r: Option<Row> = dispatch!(&mut self.conn, c => programme_records::table.filter(programme_records::id.eq(id)).first::<Row>(c).optional().map_err(db_err)?);
        r.map(record_from_row).transpose()
    }

    fn report_activity(
        &mut self,
        scope: &ReadScope,
        from: time::Date,
        to: time::Date,
    ) -> Result<bmnn_core::programme::reports::Activity> {
        self.report_activity_sql(scope, from, to)
    }

    fn list_records(
        &mut self,
        kind: &str,
        from: Option<time::Date>,
        to: Option<time::Date>,
    ) -> Result<Vec<ProgrammeRecord>> {
        type Row = (Id, String, String, Option<Id>, String);
        let (from, to) = (
            from.map(bmnn_core::dates::iso),
            to.map(bmnn_core::dates::iso),
        );
        let rows: Vec<Row> = dispatch!(&mut self.conn, c => {
            let mut q = programme_records::table.filter(programme_records::kind.eq(kind)).into_boxed();
            if let Some(f) = &from {
                q = q.filter(programme_records::date.ge(f.clone()));
            }
            if let Some(t) = &to {
                q = q.filter(programme_records::date.le(t.clone()));
            }
            q.order((programme_records::date, programme_records::id)).load::<Row>(c).map_err(db_err)?
        });
        rows.into_iter().map(record_from_row).collect()
    }

    fn put_item_text(&mut self, item_id: Id, ciphertext: &[u8]) -> Result<()> {
        dispatch!(&mut self.conn, c => {
            let n = diesel::update(item_texts::table.filter(item_texts::item_id.eq(item_id))).set(item_texts::content.eq(ciphertext)).execute(c).map_err(db_err)?;
            if n == 0 {
                diesel::insert_into(item_texts::table).values((item_texts::item_id.eq(item_id), item_texts::content.eq(ciphertext))).execute(c).map_err(db_err)?;
            }
        });
        Ok(())
    }

    fn item_texts(&mut self) -> Result<Vec<(Id, Vec<u8>)>> {
        dispatch!(&mut self.conn, c => item_texts::table.order(item_texts::item_id).load::<(Id, Vec<u8>)>(c).map_err(db_err))
    }

    fn insert_privilege_change(&mut self, x: &PrivilegeChange) -> Result<Id> {
        let j = to_json(x)?;
        let pending = x.status == PrivilegeStatus::Pending;
        dispatch!(&mut self.conn, c => diesel::insert_into(privilege_changes::table).values((privilege_changes::user_id.eq(x.user_id), privilege_changes::pending.eq(pending), privilege_changes::data.eq(&j))).returning(privilege_changes::id).get_result(c).map_err(db_err))
    }

    fn update_privilege_change(&mut self, x: &PrivilegeChange) -> Result<()> {
        let j = to_json(x)?;
        let pending = x.status == PrivilegeStatus::Pending;
        dispatch!(&mut self.conn, c => diesel::update(privilege_changes::table.filter(privilege_changes::id.eq(x.id))).set((privilege_changes::pending.eq(pending), privilege_changes::data.eq(&j))).execute(c).map_err(db_err)?);
        Ok(())
    }

    fn get_privilege_change(&mut self, id: Id) -> Result<Option<PrivilegeChange>> {
        let r = dispatch!(&mut self.conn, c => privilege_changes::table.filter(privilege_changes::id.eq(id)).select(privilege_changes::data).first::<String>(c).optional().map_err(db_err)?);
        r.map(|d| load(id, &d)).transpose()
    }

    fn list_privilege_changes(&mut self, pending_only: bool) -> Result<Vec<PrivilegeChange>> {
        let rows = dispatch!(&mut self.conn, c => {
            let mut q = privilege_changes::table.select((privilege_changes::id, privilege_changes::data)).order(privilege_changes::id).into_boxed();
            if pending_only {
                q = q.filter(privilege_changes::pending.eq(true));
            }
            q.load::<(Id, String)>(c).map_err(db_err)?
        });
        load_all(rows)
    }

    fn privilege_approver(&mut self) -> Result<Option<Id>> {
        let v: Option<String> = dispatch!(&mut self.conn, c => settings::table.filter(settings::key.eq("privilege_approver")).select(settings::value).first::<String>(c).optional().map_err(db_err)?);
        Ok(v.and_then(|v| v.parse().ok()))
    }

    fn set_privilege_approver(&mut self, user: Option<Id>) -> Result<()> {
        dispatch!(&mut self.conn, c => {
            diesel::delete(settings::table.filter(settings::key.eq("privilege_approver"))).execute(c).map_err(db_err)?;
            if let Some(u) = user {
                diesel::insert_into(settings::table).values((settings::key.eq("privilege_approver"), settings::value.eq(u.to_string()))).execute(c).map_err(db_err)?;
            }
        });
        Ok(())
    }

    fn insert_token(&mut self, t: &ApiToken, token_hash: &str) -> Result<Id> {
        dispatch!(&mut self.conn, c => diesel::insert_into(api_tokens::table)
            .values((api_tokens::user_id.eq(t.user_id), api_tokens::name.eq(&t.name), api_tokens::token_hash.eq(token_hash), api_tokens::created_at.eq(&t.created_at), api_tokens::expires_at.eq(&t.expires_at), api_tokens::last_used_at.eq(&t.last_used_at), api_tokens::revoked_at.eq(&t.revoked_at)))
            .returning(api_tokens::id)
            .get_result(c)
            .map_err(db_err))
    }

    fn find_token(&mut self, token_hash: &str) -> Result<Option<ApiToken>> {
        let r = dispatch!(&mut self.conn, c => api_tokens::table.filter(api_tokens::token_hash.eq(token_hash)).select(TOKEN_COLS).first::<TokenCols>(c).optional().map_err(db_err)?);
        Ok(r.map(token_of))
    }

    fn get_token(&mut self, id: Id) -> Result<Option<ApiToken>> {
        let r = dispatch!(&mut self.conn, c => api_tokens::table.filter(api_tokens::id.eq(id)).select(TOKEN_COLS).first::<TokenCols>(c).optional().map_err(db_err)?);
        Ok(r.map(token_of))
    }

    fn list_tokens(&mut self, user: Option<Id>) -> Result<Vec<ApiToken>> {
        let rows = dispatch!(&mut self.conn, c => {
            let mut q = api_tokens::table.select(TOKEN_COLS).order(api_tokens::id.desc()).into_boxed();
            if let Some(u) = user {
                q = q.filter(api_tokens::user_id.eq(u));
            }
            q.load::<TokenCols>(c).map_err(db_err)?
        });
        Ok(rows.into_iter().map(token_of).collect())
    }

    fn touch_token(&mut self, id: Id, at: &str) -> Result<()> {
        dispatch!(&mut self.conn, c => diesel::update(api_tokens::table.filter(api_tokens::id.eq(id))).set(api_tokens::last_used_at.eq(at)).execute(c).map_err(db_err)?);
        Ok(())
    }

    fn revoke_token(&mut self, id: Id, at: &str) -> Result<()> {
        dispatch!(&mut self.conn, c => diesel::update(api_tokens::table.filter(api_tokens::id.eq(id)).filter(api_tokens::revoked_at.is_null())).set(api_tokens::revoked_at.eq(at)).execute(c).map_err(db_err)?);
        Ok(())
    }

    fn revoke_user_tokens(&mut self, user: Id, at: &str) -> Result<u64> {
        let n = dispatch!(&mut self.conn, c => diesel::update(api_tokens::table.filter(api_tokens::user_id.eq(user)).filter(api_tokens::revoked_at.is_null())).set(api_tokens::revoked_at.eq(at)).execute(c).map_err(db_err)?);
        Ok(n as u64)
    }

    // Audit
    fn audit_page(&mut self, before: Option<i64>, limit: i64) -> Result<Vec<AuditRecord>> {
        let before = before.unwrap_or(i64::MAX);
        let rows: Vec<AuditRowT> = dispatch!(&mut self.conn, c => audit_log::table.filter(audit_log::seq.lt(before)).order(audit_log::seq.desc()).limit(limit).load::<AuditRowT>(c).map_err(db_err)?);
        Ok(rows.into_iter().map(record_of).collect())
    }

    fn audit_object_item(&mut self, object: &str) -> Result<Option<Id>> {
        let p: Vec<&str> = object.split(':').collect();
        match p.as_slice() {
            ["register", kind, year, number] => {
                let (Ok(year), Ok(number)) = (year.parse::<i32>(), number.parse::<i64>()) else {
                    return Ok(None);
                };
                let kind = kind.to_string();
                let v: Option<Option<Id>> = dispatch!(&mut self.conn, c => register_entries::table.filter(register_entries::kind.eq(&kind)).filter(register_entries::year.eq(year)).filter(register_entries::number.eq(number)).select(register_entries::item_id).first::<Option<Id>>(c).optional().map_err(db_err)?);
                Ok(v.flatten())
            }
            ["notice", id] => {
                let Ok(id) = id.parse::<Id>() else {
                    return Ok(None);
                };
                dispatch!(&mut self.conn, c => notices::table.filter(notices::id.eq(id)).select(notices::item_id).first::<Id>(c).optional().map_err(db_err))
            }
            _ => Ok(None),
        }
    }

    fn audit_read_mark(
        &mut self,
        user: Id,
        hour: &str,
        object: &str,
        prune_before: &str,
    ) -> Result<Option<i64>> {
        dispatch!(&mut self.conn, c => {
            diesel::delete(audit_read_marks::table.filter(audit_read_marks::hour.lt(prune_before))).execute(c).map_err(db_err)?;
            let n = diesel::insert_into(audit_read_marks::table)
                .values((audit_read_marks::user_id.eq(user), audit_read_marks::hour.eq(hour), audit_read_marks::object.eq(object)))
                .on_conflict_do_nothing()
                .execute(c)
                .map_err(db_err)?;
            if n == 0 {
                Ok(None)
            } else {
                audit_read_marks::table.filter(audit_read_marks::user_id.eq(user)).filter(audit_read_marks::hour.eq(hour)).count().get_result::<i64>(c).map(Some).map_err(db_err)
            }
        })
    }
}

type TokenCols = (
    Id,
    Id,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
);

const TOKEN_COLS: (
    api_tokens::id,
    api_tokens::user_id,
    api_tokens::name,
    api_tokens::created_at,
    api_tokens::expires_at,
    api_tokens::last_used_at,
    api_tokens::revoked_at,
) = (
    api_tokens::id,
    api_tokens::user_id,
    api_tokens::name,
    api_tokens::created_at,
    api_tokens::expires_at,
    api_tokens::last_used_at,
    api_tokens::revoked_at,
);

fn token_of(
    (id, user_id, name, created_at, expires_at, last_used_at, revoked_at): TokenCols,
) -> ApiToken {
    ApiToken {
        id,
        user_id,
        name,
        created_at,
        expires_at,
        last_used_at,
        revoked_at,
    }
}

fn record_from_row(
    (id, kind, date, unit_id, data): (Id, String, String, Option<Id>, String),
) -> Result<ProgrammeRecord> {
    Ok(ProgrammeRecord {
        id,
        kind,
        date: bmnn_core::dates::parse_date(&date)
            .ok_or_else(|| CoreError::Storage(format!("bad date {date}")))?,
        unit_id,
        data: from_json(&data)?,
    })
}

impl DbTx<'_> {
    fn list_requests_inner(
        &mut self,
        scope: &ReadScope,
        q: &RequestQuery,
        id: Option<Id>,
    ) -> Result<Vec<Request>> {
        let r = rank(scope);
        let (aw, uid) = (scope.agency_wide, scope.user_id);
        let rows = dispatch!(&mut self.conn, c => {
            let mut b = requests::table.filter(requests::level.le(r)).into_boxed();
            if !aw {
                b = b.filter(requests::requester_id.eq(uid));
            }
            if let Some(id) = id {
                b = b.filter(requests::id.eq(id));
            }
            if let Some(k) = q.kind {
                b = b.filter(requests::kind.eq(k.code()));
            }
            if let Some(s) = q.status {
                b = b.filter(requests::status.eq(s.code()));
            }
            if let Some(u) = q.requester_id {
                b = b.filter(requests::requester_id.eq(u));
            }
            if let Some(i) = q.item_id {
                b = b.filter(requests::item_ids.like(format!("%,{i},%")));
            }
            b.order(requests::id.desc()).select((requests::id, requests::level, requests::data)).load::<(Id, i16, String)>(c).map_err(db_err)?
        });
        let all: Vec<Request> = load_all_lv(rows)?;
        if aw {
            // Agency-wide readers see every item within clearance: the level filter said it all.
            return Ok(all);
        }
        // A requester sees his request while he may still see every item it covers.
        let mut out = Vec::with_capacity(all.len());
        for r in all {
            let mut visible = true;
            for i in &r.item_ids {
                if self.get_item(scope, *i)?.is_none() {
                    visible = false;
                    break;
                }
            }
            if visible {
                out.push(r);
            }
        }
        Ok(out)
    }

    /// Every copy of a level set to its item's current level, in SQL (both backends); the
    /// same statements as migration 000010, for datasets imported from older exports.
    pub(crate) fn resync_level_copies(&mut self) -> Result<()> {
        const SQL: &str = "\
            UPDATE register_entries SET level = (SELECT i.level FROM items i WHERE i.id = register_entries.item_id) \
              WHERE item_id IS NOT NULL AND level <> (SELECT i.level FROM items i WHERE i.id = register_entries.item_id); \
            UPDATE notices SET level = (SELECT i.level FROM items i WHERE i.id = notices.item_id) \
              WHERE level <> (SELECT i.level FROM items i WHERE i.id = notices.item_id); \
            UPDATE attachments SET level = (SELECT i.level FROM items i WHERE i.id = attachments.item_id) \
              WHERE level <> (SELECT i.level FROM items i WHERE i.id = attachments.item_id); \
            UPDATE requests SET level = (SELECT max(i.level) FROM items i WHERE requests.item_ids LIKE '%,' || i.id || ',%') \
              WHERE level <> (SELECT max(i.level) FROM items i WHERE requests.item_ids LIKE '%,' || i.id || ',%');";
        dispatch!(&mut self.conn, c => diesel::connection::SimpleConnection::batch_execute(c, SQL).map_err(db_err)?);
        Ok(())
    }

    /// Re-levelling takes effect on every copy of the item's level in the same transaction:
    /// its register entries, notices and attachments take the item's level, its requests the
    /// highest current level of their items. A Tuyệt mật item whose summary was removed loses
    /// it from its register entries too.
    fn sync_level_copies(&mut self, i: &SecretItem) -> Result<()> {
        let (id, lv) = (i.id, i.level.rank());
        let strip_summary = i.level == Level::TuyetMat && i.summary.is_none();
        let rows = dispatch!(&mut self.conn, c => register_entries::table.filter(register_entries::item_id.assume_not_null().eq(id)).select((register_entries::id, register_entries::data)).load::<(Id, String)>(c).map_err(db_err)?);
        for (eid, d) in rows {
            let mut e: RegisterEntry = load(eid, &d)?;
            e.level = i.level;
            if strip_summary {
                e.fields.remove("summary");
            }
            let j = to_json(&e)?;
            dispatch!(&mut self.conn, c => diesel::update(register_entries::table.filter(register_entries::id.eq(eid))).set((register_entries::level.eq(lv), register_entries::data.eq(&j))).execute(c).map_err(db_err)?);
        }
        let rows = dispatch!(&mut self.conn, c => notices::table.filter(notices::item_id.eq(id)).select((notices::id, notices::data)).load::<(Id, String)>(c).map_err(db_err)?);
        for (nid, d) in rows {
            let mut n: Notice = load(nid, &d)?;
            n.level = i.level;
            let j = to_json(&n)?;
            dispatch!(&mut self.conn, c => diesel::update(notices::table.filter(notices::id.eq(nid))).set((notices::level.eq(lv), notices::data.eq(&j))).execute(c).map_err(db_err)?);
        }
        let rows = dispatch!(&mut self.conn, c => attachments::table.filter(attachments::item_id.eq(id)).select((attachments::id, attachments::meta)).load::<(Id, String)>(c).map_err(db_err)?);
        for (aid, d) in rows {
            let mut m: AttachmentMeta = load(aid, &d)?;
            m.level = i.level;
            let j = to_json(&m)?;
            dispatch!(&mut self.conn, c => diesel::update(attachments::table.filter(attachments::id.eq(aid))).set((attachments::level.eq(lv), attachments::meta.eq(&j))).execute(c).map_err(db_err)?);
        }
        let pat = format!("%,{id},%");
        let rows = dispatch!(&mut self.conn, c => requests::table.filter(requests::item_ids.like(&pat)).select((requests::id, requests::data)).load::<(Id, String)>(c).map_err(db_err)?);
        for (rid, d) in rows {
            let mut r: Request = load(rid, &d)?;
            let top: Option<i16> = dispatch!(&mut self.conn, c => items::table.filter(items::id.eq_any(&r.item_ids)).select(diesel::dsl::max(items::level)).first::<Option<i16>>(c).map_err(db_err)?);
            let top = top.and_then(Level::from_rank).unwrap_or(i.level);
            r.level = top;
            let j = to_json(&r)?;
            dispatch!(&mut self.conn, c => diesel::update(requests::table.filter(requests::id.eq(rid))).set((requests::level.eq(top.rank()), requests::data.eq(&j))).execute(c).map_err(db_err)?);
        }
        Ok(())
    }
}
