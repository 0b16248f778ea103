//! The streamed import into PostgreSQL (a restore of a sealed backup, `bmnn import`): the export
//! JSON is read from a stream table by table, each row checked as it arrives ([`Row::check`],
//! the same checks as [`check_dataset`](crate::check_dataset)) and inserted in batches inside
//! the import's one transaction; the audit chain is verified as its records pass
//! ([`ChainCheck`]); the checks that need the tables together (the log covers the data,
//! privileged accounts) run as SQL over the inserted rows, in the same transaction, before the
//! commit. Any failure rolls everything back and gives the refusal the in-memory import gives.
//! Memory: one batch of rows, whatever the size of the dataset.

use crate::dataset::{
    AttachmentRow, AuditRow, CatalogueItemRow, CatalogueRow, DelegationRow, EXPORT_FORMAT,
    EXPORT_VERSION, EntryRow, EventRow, HeadRow, ImportOptions, ImportReport, ItemRow, ItemTextRow,
    NoticeRow, PositionRow, PrivilegeRow, RecordRow, RequestRow, Row, SettingRow, TokenRow,
    UnitRow, UserRow, chain_broken, log_incomplete, privileged_refusal,
};
use crate::schema::*;
use crate::tx::{DbTx, from_json, search_text};
use crate::{Conn, db_err};
use bmnn_core::audit::{self, AuditRecord, ChainCheck};
use bmnn_core::error::{CoreError, Result};
use bmnn_core::import_check;
use bmnn_core::model::{Position, SecretItem, User};
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::io::Read;
use std::marker::PhantomData;

/// Rows per insert: a statement's parameters stay far below PostgreSQL's 65,535.
const BATCH: usize = 500;
/// Rows per insert of the tables that carry file contents.
const BLOB_BATCH: usize = 16;

/// The tables of an export, in the order the export writes them; the last three may be absent
/// (exports made before they existed).
const TABLES: [&str; 19] = [
    "settings",
    "units",
    "positions",
    "users",
    "delegations",
    "catalogues",
    "catalogue_items",
    "items",
    "item_events",
    "requests",
    "register_entries",
    "notices",
    "audit_log",
    "audit_head",
    "api_tokens",
    "attachments",
    "programme_records",
    "item_texts",
    "privilege_changes",
];
const OPTIONAL: [&str; 3] = ["programme_records", "item_texts", "privilege_changes"];

struct State<'a, 'c, 'k> {
    conn: &'a mut PgConnection,
    o: &'a ImportOptions<'a>,
    /// The first refusal met inside the parse (serde carries only a string).
    err: Option<CoreError>,
    format: Option<String>,
    version: Option<u32>,
    seen: Vec<&'static str>,
    chain: ChainCheck<'k>,
    /// The first head row with id 1 (the chain head), as the in-memory check takes it.
    head: Option<HeadRow>,
    tokens: usize,
    audit_records: usize,
    _c: PhantomData<&'c ()>,
}

impl State<'_, '_, '_> {
    fn header(&self) -> Result<()> {
        match (&self.format, self.version) {
            (Some(f), Some(v)) if f == EXPORT_FORMAT && v == EXPORT_VERSION => Ok(()),
            (f, v) => Err(CoreError::invalid(
                "format",
                format!(
                    "tệp không phải bản xuất bmnn phiên bản {EXPORT_VERSION} (format={}, version={})",
                    f.as_deref().unwrap_or(""),
                    v.unwrap_or(0)
                ),
            )),
        }
    }

    fn fail<E: serde::de::Error>(&mut self, e: CoreError) -> E {
        self.err = Some(e);
        E::custom("import refused")
    }
}

/// How a batch of one table's rows goes in.
trait Put: Row + serde::de::DeserializeOwned {
    const BATCH: usize = BATCH;
    fn put(st: &mut State<'_, '_, '_>, rows: &mut Vec<Self>) -> Result<()>;
}

macro_rules! put_plain {
    ($row:ty, $table:ident) => {
        put_plain!($row, $table, BATCH);
    };
    ($row:ty, $table:ident, $batch:expr) => {
        impl Put for $row {
            const BATCH: usize = $batch;
            fn put(st: &mut State<'_, '_, '_>, rows: &mut Vec<Self>) -> Result<()> {
                diesel::insert_into($table::table)
                    .values(&rows[..])
                    .execute(st.conn)
                    .map_err(db_err)?;
                Ok(())
            }
        }
    };
}

put_plain!(SettingRow, settings);
put_plain!(UnitRow, units);
put_plain!(PositionRow, positions);
put_plain!(UserRow, users);
put_plain!(DelegationRow, delegations);
put_plain!(CatalogueRow, catalogues);
put_plain!(CatalogueItemRow, catalogue_items);
put_plain!(EventRow, item_events);
put_plain!(RequestRow, requests);
put_plain!(EntryRow, register_entries);
put_plain!(NoticeRow, notices);
put_plain!(AttachmentRow, attachments, BLOB_BATCH);
put_plain!(RecordRow, programme_records);
put_plain!(ItemTextRow, item_texts, BLOB_BATCH);
put_plain!(PrivilegeRow, privilege_changes);

impl Put for ItemRow {
    fn put(st: &mut State<'_, '_, '_>, rows: &mut Vec<Self>) -> Result<()> {
        // The search column is an index of the record's words: re-derived, never taken.
        for r in rows.iter_mut() {
            let i: SecretItem = from_json(&r.data)?;
            r.search = search_text(&i);
        }
        diesel::insert_into(items::table)
            .values(&rows[..])
            .execute(st.conn)
            .map_err(db_err)?;
        Ok(())
    }
}

impl Put for AuditRow {
    fn put(st: &mut State<'_, '_, '_>, rows: &mut Vec<Self>) -> Result<()> {
        for r in rows.iter() {
            st.chain.push(&AuditRecord {
                seq: r.seq,
                at: r.at.clone(),
                actor: r.actor.clone(),
                action: r.action.clone(),
                object: r.object.clone(),
                details: r.details.clone(),
                prev_hash: r.prev_hash.clone(),
                hash: r.hash.clone(),
                mac: r.mac.clone(),
            });
        }
        st.audit_records += rows.len();
        // A repeated seq breaks the chain (refused at the end): the coverage check, which comes
        // first, runs over the records that went in.
        diesel::insert_into(audit_log::table)
            .values(&rows[..])
            .on_conflict_do_nothing()
            .execute(st.conn)
            .map_err(db_err)?;
        Ok(())
    }
}

impl Put for HeadRow {
    fn put(st: &mut State<'_, '_, '_>, rows: &mut Vec<Self>) -> Result<()> {
        if st.head.is_none() {
            st.head = rows.iter().find(|h| h.id == 1).cloned();
        }
        diesel::insert_into(audit_head::table)
            .values(&rows[..])
            .execute(st.conn)
            .map_err(db_err)?;
        Ok(())
    }
}

impl Put for TokenRow {
    fn put(st: &mut State<'_, '_, '_>, rows: &mut Vec<Self>) -> Result<()> {
        st.tokens += rows.len();
        if st.o.keep_tokens {
            diesel::insert_into(api_tokens::table)
                .values(&rows[..])
                .execute(st.conn)
                .map_err(db_err)?;
        }
        Ok(())
    }
}

/// One table's array: rows checked one by one as they are read, inserted a batch at a time.
struct Table<'s, 'a, 'c, 'k, T> {
    st: &'s mut State<'a, 'c, 'k>,
    _t: PhantomData<T>,
}

impl<'de, T: Put> DeserializeSeed<'de> for Table<'_, '_, '_, '_, T> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Put> Visitor<'de> for Table<'_, '_, '_, '_, T> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "the rows of {}", T::TABLE)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let st = self.st;
        let mut batch: Vec<T> = Vec::with_capacity(T::BATCH);
        let mut n = 0usize;
        while let Some(row) = seq.next_element::<T>()? {
            if let Err(e) = row.check(n, st.o.rules) {
                return Err(st.fail(e));
            }
            n += 1;
            batch.push(row);
            if batch.len() == T::BATCH {
                if let Err(e) = T::put(st, &mut batch) {
                    return Err(st.fail(e));
                }
                batch.clear();
            }
        }
        if !batch.is_empty()
            && let Err(e) = T::put(st, &mut batch)
        {
            return Err(st.fail(e));
        }
        Ok(())
    }
}

/// The export's top-level object.
struct Top<'s, 'a, 'c, 'k>(&'s mut State<'a, 'c, 'k>);

impl<'de> DeserializeSeed<'de> for Top<'_, '_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Top<'_, '_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a bmnn export")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> std::result::Result<(), A::Error> {
        let st = self.0;
        while let Some(k) = m.next_key::<String>()? {
            match k.as_str() {
                "format" => st.format = Some(m.next_value()?),
                "version" => st.version = Some(m.next_value()?),
                other => {
                    let Some(t) = TABLES.iter().copied().find(|t| *t == other) else {
                        m.next_value::<IgnoredAny>()?;
                        continue;
                    };
                    if let Err(e) = st.header() {
                        return Err(st.fail(e));
                    }
                    if st.seen.contains(&t) {
                        return Err(serde::de::Error::duplicate_field(t));
                    }
                    st.seen.push(t);
                    macro_rules! table {
                        ($row:ty) => {
                            m.next_value_seed(Table::<$row> {
                                st: &mut *st,
                                _t: PhantomData,
                            })?
                        };
                    }
                    match t {
                        "settings" => table!(SettingRow),
                        "units" => table!(UnitRow),
                        "positions" => table!(PositionRow),
                        "users" => table!(UserRow),
                        "delegations" => table!(DelegationRow),
                        "catalogues" => table!(CatalogueRow),
                        "catalogue_items" => table!(CatalogueItemRow),
                        "items" => table!(ItemRow),
                        "item_events" => table!(EventRow),
                        "requests" => table!(RequestRow),
                        "register_entries" => table!(EntryRow),
                        "notices" => table!(NoticeRow),
                        "audit_log" => table!(AuditRow),
                        "audit_head" => table!(HeadRow),
                        "api_tokens" => table!(TokenRow),
                        "attachments" => table!(AttachmentRow),
                        "programme_records" => table!(RecordRow),
                        "item_texts" => table!(ItemTextRow),
                        _ => table!(PrivilegeRow),
                    }
                }
            }
        }
        if let Err(e) = st.header() {
            return Err(st.fail(e));
        }
        let missing = TABLES
            .iter()
            .copied()
            .find(|t| !OPTIONAL.contains(t) && !st.seen.contains(t));
        if let Some(t) = missing {
            return Err(serde::de::Error::missing_field(t));
        }
        Ok(())
    }
}

impl DbTx<'_> {
    /// [`DbTx::import`] from a stream, PostgreSQL only (see the module docs). `after` gets the
    /// reader back once the JSON ended, before any cross-table check and the commit (a sealed
    /// backup checks its hash there: a refusal then writes nothing).
    pub(crate) fn import_from<R: Read>(
        &mut self,
        mut r: R,
        o: &ImportOptions<'_>,
        after: impl FnOnce(R) -> Result<()>,
    ) -> Result<ImportReport> {
        let key = self.audit_key;
        let Conn::Pg(conn) = &mut self.conn else {
            return Err(CoreError::Storage("import_from: PostgreSQL only".into()));
        };
        let conn: &mut PgConnection = conn;
        let used: i64 = users::table.count().get_result(conn).map_err(db_err)?;
        let logged: i64 = audit_log::table.count().get_result(conn).map_err(db_err)?;
        if used > 0 || logged > 0 {
            return Err(CoreError::Conflict(
                "Cơ sở dữ liệu đích không trống; chỉ nhập vào cơ sở dữ liệu mới.".into(),
            ));
        }
        // The migration seeds the chain head; the dataset brings its own.
        diesel::delete(audit_head::table)
            .execute(conn)
            .map_err(db_err)?;
        // Register entries are not counted one by one in this transaction (the same few count
        // rows updated millions of times: quadratic; migration 000024): the books are recounted
        // once below, after the last row.
        {
            use diesel::connection::SimpleConnection;
            conn.batch_execute("SET LOCAL bmnn.bulk_import = 'on';")
                .map_err(db_err)?;
        }
        let mut st = State {
            conn,
            o,
            err: None,
            format: None,
            version: None,
            seen: Vec::new(),
            chain: ChainCheck::new(key.as_ref()),
            head: None,
            tokens: 0,
            audit_records: 0,
            _c: PhantomData,
        };
        let parsed = {
            let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(
                64 * 1024,
                &mut r,
            ));
            Top(&mut st).deserialize(&mut de).and_then(|()| de.end())
        };
        if let Err(e) = parsed {
            return Err(match st.err.take() {
                Some(refusal) => refusal,
                None if e.io_error_kind().is_some() => crate::backup::read_error(e.into()),
                None => CoreError::invalid("format", format!("tệp không hợp lệ: {e}")),
            });
        }
        let State {
            conn,
            chain,
            head,
            tokens,
            audit_records,
            ..
        } = st;
        after(r)?;
        recount_books(conn)?;
        check_log_covers_data(conn)?;
        let (verdict, last) = chain.finish();
        verdict
            .map(|_| ())
            .and_then(|()| {
                audit::verify_head(
                    last.as_ref(),
                    head.as_ref().map(|h| (h.seq, h.hash.as_str())),
                )
            })
            .and_then(|()| {
                audit::verify_head_mac(
                    last.as_ref(),
                    head.as_ref()
                        .map(|h| (h.seq, h.hash.as_str(), h.mac.as_deref())),
                    key.as_ref(),
                )
            })
            .map_err(chain_broken)?;
        let report = report(conn, o.keep_tokens, tokens, audit_records)?;
        if !report.privileged.is_empty() && !o.accept_privileged {
            return Err(privileged_refusal(&report.privileged));
        }
        self.import_tail(&report, o)?;
        Ok(report)
    }
}

/// What came in, read back from the rows (users a batch at a time).
fn report(
    c: &mut PgConnection,
    keep_tokens: bool,
    tokens: usize,
    audit_records: usize,
) -> Result<ImportReport> {
    let positions: Vec<Position> = positions::table
        .order(positions::id)
        .select(positions::data)
        .load::<String>(c)
        .map_err(db_err)?
        .iter()
        .map(|p| from_json(p))
        .collect::<Result<_>>()?;
    let mut privileged = Vec::new();
    let mut last = i64::MIN;
    loop {
        let rows: Vec<(i64, String)> = users::table
            .filter(users::id.gt(last))
            .order(users::id)
            .select((users::id, users::data))
            .limit(BATCH as i64)
            .load(c)
            .map_err(db_err)?;
        for (_, data) in &rows {
            let u: User = from_json(data)?;
            let p = import_check::privileges(&u, &positions);
            if !p.is_empty() {
                privileged.push((u.username.clone(), u.full_name.clone(), p));
            }
        }
        match rows.last() {
            Some((id, _)) if rows.len() == BATCH => last = *id,
            _ => break,
        }
    }
    let items: i64 = items::table.count().get_result(c).map_err(db_err)?;
    let users: i64 = users::table.count().get_result(c).map_err(db_err)?;
    Ok(ImportReport {
        items: items as usize,
        audit_records,
        users: users as usize,
        privileged,
        tokens_kept: if keep_tokens { tokens } else { 0 },
        tokens_dropped: if keep_tokens { 0 } else { tokens },
    })
}

#[derive(QueryableByName)]
struct MissingEntry {
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Integer)]
    year: i32,
    #[diesel(sql_type = BigInt)]
    number: i64,
}

#[derive(QueryableByName)]
struct MissingText {
    #[diesel(sql_type = Text)]
    what: String,
}

/// The per-book, per-level counts of the register entries, computed once from the rows (the
/// import inserts them with per-entry counting off), and per-entry counting back on for the
/// rest of the transaction.
fn recount_books(c: &mut PgConnection) -> Result<()> {
    use diesel::connection::SimpleConnection;
    c.batch_execute(
        "SET LOCAL bmnn.bulk_import = 'off'; \
         DELETE FROM register_counts; \
         INSERT INTO register_counts (kind, year, level, n) \
           SELECT kind, year, level, count(*) FROM register_entries GROUP BY kind, year, level;",
    )
    .map_err(db_err)
}

/// [`crate::check_log_covers_data`] as SQL over the inserted rows (anti-joins run by the
/// server; nothing held here), in the same order, with the same first answer: register
/// entries, decided requests, accounts, items (each table in id order).
fn check_log_covers_data(c: &mut PgConnection) -> Result<()> {
    use diesel::connection::SimpleConnection;
    // The rows were inserted in this transaction: without statistics the planner takes the
    // tables for small and loops (one scan of the log per entry); with them, and nested loops
    // off for these queries, every check is one hash anti-join.
    c.batch_execute(
        "ANALYZE audit_log, register_entries, requests, users, items; \
         SET LOCAL enable_nestloop = off;",
    )
    .map_err(db_err)?;
    let r = check_log_covers_data_sql(c);
    c.batch_execute("SET LOCAL enable_nestloop = on;")
        .map_err(db_err)?;
    r
}

fn check_log_covers_data_sql(c: &mut PgConnection) -> Result<()> {
    // An entry made by carrying out a request (provision, copies) is recorded with it.
    let entry: Option<MissingEntry> = diesel::sql_query(
        "SELECT e.kind, e.year, e.number FROM register_entries e \
         WHERE NOT EXISTS (SELECT 1 FROM audit_log a \
                           WHERE a.object = 'register:' || e.kind || ':' || e.year || ':' || e.number) \
           AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.object = 'request:' || \
                           CASE WHEN json_typeof(e.data::json -> 'request_id') = 'number' \
                                 AND (e.data::json -> 'request_id')::text ~ '^-?[0-9]{1,18}$' \
                                THEN (e.data::json -> 'request_id')::text END) \
         ORDER BY e.id LIMIT 1",
    )
    .get_result(c)
    .optional()
    .map_err(db_err)?;
    if let Some(e) = entry {
        let book = match e.kind.as_str() {
            "outgoing" => "sổ đăng ký bí mật nhà nước đi",
            "incoming" => "sổ đăng ký bí mật nhà nước đến",
            "handover" => "sổ chuyển giao bí mật nhà nước",
            _ => "sổ quản lý sao, chụp bí mật nhà nước",
        };
        return Err(log_incomplete(&format!(
            "số {:02}/{} của {book}",
            e.number, e.year
        )));
    }
    let request: Option<MissingText> = diesel::sql_query(
        "SELECT r.kind AS what FROM requests r WHERE r.status <> 'pending' \
           AND NOT EXISTS (SELECT 1 FROM audit_log a \
                           WHERE a.object = 'request:' || r.id AND a.action <> 'request.' || r.kind) \
         ORDER BY r.id LIMIT 1",
    )
    .get_result(c)
    .optional()
    .map_err(db_err)?;
    if request.is_some() {
        return Err(log_incomplete("một yêu cầu đã được quyết định"));
    }
    // Every account was made by the services (`bootstrap` or `user.create`).
    let user: Option<MissingText> = diesel::sql_query(
        "SELECT u.username AS what FROM users u \
         WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.object = 'user:' || u.id \
                           AND a.action IN ('user.create', 'bootstrap')) \
         ORDER BY u.id LIMIT 1",
    )
    .get_result(c)
    .optional()
    .map_err(db_err)?;
    if let Some(u) = user {
        return Err(log_incomplete(&format!("tài khoản «{}»", u.what)));
    }
    // An item is named by a record on `item:<id>` or by `item=<id>` in a record's details; a
    // declassified one needs its declassification (or a catalogue change), a destroyed one a
    // done destruction request listing it that the log records.
    let item: Option<MissingText> = diesel::sql_query(
        "WITH acts AS (SELECT object, bool_or(action LIKE 'item.declassify%') AS decl \
                         FROM audit_log WHERE object LIKE 'item:%' GROUP BY object), \
              named AS (SELECT DISTINCT substr(w, 6)::bigint AS id \
                          FROM audit_log a CROSS JOIN LATERAL regexp_split_to_table(a.details, '\\s+') w \
                         WHERE w ~ '^item=[+-]?[0-9]{1,18}$'), \
              destroyed AS (SELECT DISTINCT v::bigint AS id \
                              FROM requests r CROSS JOIN LATERAL regexp_split_to_table(r.item_ids, ',') v \
                             WHERE r.kind = 'destroy' AND r.status = 'done' AND v ~ '^[+-]?[0-9]{1,18}$' \
                               AND EXISTS (SELECT 1 FROM audit_log a WHERE a.object = 'request:' || r.id)) \
         SELECT i.status AS what FROM items i \
           LEFT JOIN acts a ON a.object = 'item:' || i.id \
           LEFT JOIN named n ON n.id = i.id \
           LEFT JOIN destroyed d ON d.id = i.id \
         WHERE i.status NOT IN ('proposed', 'rejected') AND NOT ( \
           (a.object IS NOT NULL OR n.id IS NOT NULL) AND CASE i.status \
             WHEN 'declassified' THEN COALESCE(a.decl, false) OR (i.catalogue_item_id IS NOT NULL \
               AND EXISTS (SELECT 1 FROM audit_log WHERE action LIKE 'catalogue.%')) \
             WHEN 'destroyed' THEN d.id IS NOT NULL \
             ELSE true END) \
         ORDER BY i.id LIMIT 1",
    )
    .get_result(c)
    .optional()
    .map_err(db_err)?;
    if let Some(i) = item {
        let what = match i.what.as_str() {
            "declassified" => "việc giải mật một tài liệu",
            "destroyed" => "việc tiêu hủy một tài liệu",
            _ => "việc xác định độ mật hoặc tiếp nhận một tài liệu",
        };
        return Err(log_incomplete(what));
    }
    Ok(())
}
