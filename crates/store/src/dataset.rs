//! Export and import of the whole dataset as versioned JSON (format in `docs/export-format.md`).
//!
//! Rows are copied column for column, ids included, so `import(export())` into an empty
//! database reproduces the same dataset, audit chain and all (it still verifies). Login
//! sessions are not exported. Import is a controlled restore (docs/export-format.md): it
//! refuses a non-empty database, an unknown format or version, a row whose key columns disagree
//! with its record, a record the services would refuse, a broken audit chain and a chain that
//! does not cover the data — with the first error, writing nothing (one transaction) — drops
//! API tokens unless told to keep them, and writes its own audit record.

use crate::schema::*;
use crate::tx::{DbTx, from_json, search_text};
use crate::{Conn, db_err, dispatch};
use bmnn_core::audit::{self, AuditInput, AuditRecord};
use bmnn_core::error::{CoreError, Result};
use bmnn_core::import_check;
use bmnn_core::model::*;
use bmnn_core::ports::Tx;
use bmnn_core::registers::RegisterEntry;
use bmnn_core::rules::RuleSet;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

pub const EXPORT_FORMAT: &str = "bmnn-export";
pub const EXPORT_VERSION: u32 = 1;

macro_rules! rows {
    ($name:ident, $table:ident, { $($col:ident : $ty:ty),* $(,)? }) => {
        #[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize, Deserialize)]
        #[diesel(table_name = $table)]
        pub struct $name { $(pub $col: $ty),* }
    };
}

rows!(SettingRow, settings, { key: String, value: String });
rows!(UnitRow, units, { id: i64, data: String });
rows!(PositionRow, positions, { id: i64, data: String });
rows!(UserRow, users, { id: i64, username: String, data: String, password_hash: Option<String>, failed_logins: i32, locked_until: Option<String> });
rows!(DelegationRow, delegations, { id: i64, grantee_id: i64, data: String });
rows!(CatalogueRow, catalogues, { id: i64, data: String });
rows!(CatalogueItemRow, catalogue_items, { id: i64, catalogue_id: i64, data: String });
rows!(ItemRow, items, { id: i64, level: i16, status: String, origin: String, unit_id: Option<i64>, holder_id: Option<i64>, drafter_id: Option<i64>, catalogue_item_id: Option<i64>, expiry: Option<String>, recall_pending: bool, search: String, data: String });
rows!(EventRow, item_events, { id: i64, item_id: i64, data: String });
rows!(RequestRow, requests, { id: i64, kind: String, status: String, level: i16, requester_id: i64, item_ids: String, data: String });
rows!(EntryRow, register_entries, { id: i64, kind: String, year: i32, number: i64, level: i16, item_id: Option<i64>, to_user: Option<i64>, pending_ack: bool, data: String });
rows!(NoticeRow, notices, { id: i64, item_id: i64, level: i16, open: bool, data: String });
rows!(AuditRow, audit_log, { seq: i64, at: String, actor: String, action: String, object: String, details: String, prev_hash: String, hash: String, mac: Option<String> });
rows!(HeadRow, audit_head, { id: i32, seq: i64, hash: String, mac: Option<String> });
rows!(TokenRow, api_tokens, { id: i64, user_id: i64, name: String, token_hash: String, created_at: String, expires_at: Option<String>, last_used_at: Option<String>, revoked_at: Option<String> });
rows!(PrivilegeRow, privilege_changes, { id: i64, user_id: i64, pending: bool, data: String });
rows!(RecordRow, programme_records, { id: i64, kind: String, date: String, unit_id: Option<i64>, data: String });
rows!(ItemTextRow, item_texts, { item_id: i64, content: Vec<u8> });
rows!(AttachmentRow, attachments, { id: i64, item_id: i64, level: i16, meta: String, content: Vec<u8> });

/// The whole dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dataset {
    pub format: String,
    pub version: u32,
    pub settings: Vec<SettingRow>,
    pub units: Vec<UnitRow>,
    pub positions: Vec<PositionRow>,
    pub users: Vec<UserRow>,
    pub delegations: Vec<DelegationRow>,
    pub catalogues: Vec<CatalogueRow>,
    pub catalogue_items: Vec<CatalogueItemRow>,
    pub items: Vec<ItemRow>,
    pub item_events: Vec<EventRow>,
    pub requests: Vec<RequestRow>,
    pub register_entries: Vec<EntryRow>,
    pub notices: Vec<NoticeRow>,
    pub audit_log: Vec<AuditRow>,
    pub audit_head: Vec<HeadRow>,
    pub api_tokens: Vec<TokenRow>,
    pub attachments: Vec<AttachmentRow>,
    #[serde(default)]
    pub programme_records: Vec<RecordRow>,
    #[serde(default)]
    pub item_texts: Vec<ItemTextRow>,
    #[serde(default)]
    pub privilege_changes: Vec<PrivilegeRow>,
}

macro_rules! load_table {
    ($c:ident, $table:ident, $row:ident, $order:expr) => {
        $table::table
            .order($order)
            .select($row::as_select())
            .load::<$row>($c)
            .map_err(db_err)?
    };
}

/// Writes one table as the JSON array `,"<table>":[…]`, read in batches of `$batch` rows in key
/// order (`WHERE key > last ORDER BY key LIMIT n`), so no more than one batch is ever held.
macro_rules! stream_table {
    ($c:ident, $w:ident, $table:ident, $row:ident, $key:expr, $batch:expr, |$r:ident| $keyof:expr) => {{
        let io = |e: std::io::Error| CoreError::Storage(e.to_string());
        write!($w, ",\"{}\":[", stringify!($table)).map_err(io)?;
        let mut last = None;
        let mut first = true;
        loop {
            let mut q = $table::table
                .order($key)
                .select($row::as_select())
                .limit($batch)
                .into_boxed();
            if let Some(l) = last.clone() {
                q = q.filter($key.gt(l));
            }
            let rows: Vec<$row> = q.load($c).map_err(db_err)?;
            for $r in &rows {
                if !first {
                    $w.write_all(b",").map_err(io)?;
                }
                first = false;
                serde_json::to_writer(&mut *$w, $r)
                    .map_err(|e| CoreError::Storage(e.to_string()))?;
            }
            match rows.last() {
                Some($r) if rows.len() as i64 == $batch => last = Some($keyof),
                _ => break,
            }
        }
        $w.write_all(b"]").map_err(io)?;
    }};
}

/// Rows per batch of the streamed export: small for the tables that carry file contents.
const BATCH: i64 = 1_000;
const BLOB_BATCH: i64 = 16;

impl DbTx<'_> {
    pub(crate) fn export(&mut self) -> Result<Dataset> {
        Ok(dispatch!(&mut self.conn, c => Dataset {
            format: EXPORT_FORMAT.into(),
            version: EXPORT_VERSION,
            settings: load_table!(c, settings, SettingRow, settings::key),
            units: load_table!(c, units, UnitRow, units::id),
            positions: load_table!(c, positions, PositionRow, positions::id),
            users: load_table!(c, users, UserRow, users::id),
            delegations: load_table!(c, delegations, DelegationRow, delegations::id),
            catalogues: load_table!(c, catalogues, CatalogueRow, catalogues::id),
            catalogue_items: load_table!(c, catalogue_items, CatalogueItemRow, catalogue_items::id),
            items: load_table!(c, items, ItemRow, items::id),
            item_events: load_table!(c, item_events, EventRow, item_events::id),
            requests: load_table!(c, requests, RequestRow, requests::id),
            register_entries: load_table!(c, register_entries, EntryRow, register_entries::id),
            notices: load_table!(c, notices, NoticeRow, notices::id),
            audit_log: load_table!(c, audit_log, AuditRow, audit_log::seq),
            audit_head: load_table!(c, audit_head, HeadRow, audit_head::id),
            api_tokens: load_table!(c, api_tokens, TokenRow, api_tokens::id),
            attachments: load_table!(c, attachments, AttachmentRow, attachments::id),
            programme_records: load_table!(c, programme_records, RecordRow, programme_records::id),
            item_texts: load_table!(c, item_texts, ItemTextRow, item_texts::item_id),
            privilege_changes: load_table!(c, privilege_changes, PrivilegeRow, privilege_changes::id),
        }))
    }

    /// The same JSON as [`DbTx::export`] (a [`Dataset`]), written to `w` table by table in
    /// batches: memory stays at one batch whatever the database size. Run it in one snapshot
    /// (`DbStore::export_to`) so the tables agree with each other.
    pub(crate) fn export_to(&mut self, w: &mut dyn std::io::Write) -> Result<()> {
        write!(
            w,
            "{{\"format\":{},\"version\":{EXPORT_VERSION}",
            serde_json::Value::from(EXPORT_FORMAT)
        )
        .map_err(|e| CoreError::Storage(e.to_string()))?;
        dispatch!(&mut self.conn, c => {
            stream_table!(c, w, settings, SettingRow, settings::key, BATCH, |r| r.key.clone());
            stream_table!(c, w, units, UnitRow, units::id, BATCH, |r| r.id);
            stream_table!(c, w, positions, PositionRow, positions::id, BATCH, |r| r.id);
            stream_table!(c, w, users, UserRow, users::id, BATCH, |r| r.id);
            stream_table!(c, w, delegations, DelegationRow, delegations::id, BATCH, |r| r.id);
            stream_table!(c, w, catalogues, CatalogueRow, catalogues::id, BATCH, |r| r.id);
            stream_table!(c, w, catalogue_items, CatalogueItemRow, catalogue_items::id, BATCH, |r| r.id);
            stream_table!(c, w, items, ItemRow, items::id, BATCH, |r| r.id);
            stream_table!(c, w, item_events, EventRow, item_events::id, BATCH, |r| r.id);
            stream_table!(c, w, requests, RequestRow, requests::id, BATCH, |r| r.id);
            stream_table!(c, w, register_entries, EntryRow, register_entries::id, BATCH, |r| r.id);
            stream_table!(c, w, notices, NoticeRow, notices::id, BATCH, |r| r.id);
            stream_table!(c, w, audit_log, AuditRow, audit_log::seq, BATCH, |r| r.seq);
            stream_table!(c, w, audit_head, HeadRow, audit_head::id, BATCH, |r| r.id);
            stream_table!(c, w, api_tokens, TokenRow, api_tokens::id, BATCH, |r| r.id);
            stream_table!(c, w, attachments, AttachmentRow, attachments::id, BLOB_BATCH, |r| r.id);
            stream_table!(c, w, programme_records, RecordRow, programme_records::id, BATCH, |r| r.id);
            stream_table!(c, w, item_texts, ItemTextRow, item_texts::item_id, BLOB_BATCH, |r| r.item_id);
            stream_table!(c, w, privilege_changes, PrivilegeRow, privilege_changes::id, BATCH, |r| r.id);
        });
        w.write_all(b"}")
            .map_err(|e| CoreError::Storage(e.to_string()))
    }

    pub(crate) fn import(&mut self, d: &Dataset, o: &ImportOptions<'_>) -> Result<ImportReport> {
        check_dataset(d, o.rules, self.audit_key.as_ref())?;
        // Accounts with privileges come in only when the operator says so, having seen them.
        let planned = report_of(d, o.keep_tokens)?;
        if !planned.privileged.is_empty() && !o.accept_privileged {
            return Err(privileged_refusal(&planned.privileged));
        }
        // The search column is an index of the record's words: re-derived, never taken.
        let mut items_rows = d.items.clone();
        for r in &mut items_rows {
            let i: SecretItem = from_json(&r.data)?;
            r.search = search_text(&i);
        }
        let tokens: &[TokenRow] = if o.keep_tokens { &d.api_tokens } else { &[] };
        dispatch!(&mut self.conn, c => {
            let used: i64 = users::table.count().get_result(c).map_err(db_err)?;
            let logged: i64 = audit_log::table.count().get_result(c).map_err(db_err)?;
            if used > 0 || logged > 0 {
                return Err(CoreError::Conflict("Cơ sở dữ liệu đích không trống; chỉ nhập vào cơ sở dữ liệu mới.".into()));
            }
            // The migration seeds the chain head; the dataset brings its own.
            diesel::delete(audit_head::table).execute(c).map_err(db_err)?;
            macro_rules! put {
                ($table:ident, $rows:expr) => {
                    for chunk in $rows.chunks(200) {
                        diesel::insert_into($table::table).values(chunk.to_vec()).execute(c).map_err(db_err)?;
                    }
                };
            }
            put!(settings, d.settings);
            put!(units, d.units);
            put!(positions, d.positions);
            put!(users, d.users);
            put!(delegations, d.delegations);
            put!(catalogues, d.catalogues);
            put!(catalogue_items, d.catalogue_items);
            put!(items, items_rows);
            put!(item_events, d.item_events);
            put!(requests, d.requests);
            put!(register_entries, d.register_entries);
            put!(notices, d.notices);
            put!(audit_log, d.audit_log);
            put!(audit_head, d.audit_head);
            put!(api_tokens, tokens);
            put!(attachments, d.attachments);
            put!(programme_records, d.programme_records);
            put!(item_texts, d.item_texts);
            put!(privilege_changes, d.privilege_changes);
        });
        let report = report_of(d, o.keep_tokens)?;
        self.import_tail(&report, o)?;
        Ok(report)
    }

    /// The end of every import, once the rows are in: identity columns continued after the
    /// imported ids (PostgreSQL), level copies and pickers re-derived, the import's audit record.
    pub(crate) fn import_tail(
        &mut self,
        report: &ImportReport,
        o: &ImportOptions<'_>,
    ) -> Result<()> {
        let pg = matches!(self.conn, Conn::Pg(_));
        if pg {
            // Identity columns continue after the imported ids.
            let mut sql = String::new();
            for t in [
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
                "api_tokens",
                "attachments",
                "privilege_changes",
                "programme_records",
            ] {
                sql.push_str(&format!("SELECT setval(pg_get_serial_sequence('{t}', 'id'), COALESCE((SELECT MAX(id) FROM {t}), 0) + 1, false);"));
            }
            dispatch!(&mut self.conn, c => diesel::connection::SimpleConnection::batch_execute(c, &sql).map_err(db_err)?);
        }
        // The copies of an item's level (entries, notices, attachments, requests) are derived
        // from the item: re-derived here, whatever the file says; so are the pickers' columns.
        self.resync_level_copies()?;
        self.fill_picks()?;
        self.audit(AuditInput {
            at: o.at.clone(),
            actor: o.actor.clone(),
            action: "dataset.import".into(),
            object: "dataset".into(),
            details: format!(
                "source={} items={} records={} users={} privileged={} tokens_kept={} tokens_dropped={}",
                o.source,
                report.items,
                report.audit_records,
                report.users,
                report.privileged.len(),
                report.tokens_kept,
                report.tokens_dropped
            ),
        })?;
        Ok(())
    }
}

/// The refusal of an import that brings privileged accounts in unaccepted (with their list).
pub(crate) fn privileged_refusal(privileged: &[(String, String, Vec<&'static str>)]) -> CoreError {
    let list = privileged
        .iter()
        .map(|(u, n, what)| format!("{u} ({n}): {}", what.join(", ")))
        .collect::<Vec<_>>()
        .join("; ");
    CoreError::refused(
        "import_privileged_accounts",
        format!(
            "Không nhập bộ dữ liệu: tệp mang vào {} tài khoản có đặc quyền — {list}. \
             Chỉ nhập khi đã đối chiếu danh sách này với danh sách của cơ quan và chấp \
             nhận rõ ràng. Không có dữ liệu nào được ghi.",
            privileged.len()
        ),
    )
}

/// How an import is made: the rules its records are checked against, whether API tokens come
/// along, and who and when for its own audit record.
#[derive(Debug, Clone)]
pub struct ImportOptions<'a> {
    pub rules: &'a RuleSet,
    /// Bring the file's API tokens (mã truy cập API) in; by default they are dropped (their
    /// holders ask for new ones), so a planted token never works at once.
    pub keep_tokens: bool,
    /// Accept the file's privileged accounts (tài khoản có đặc quyền: administrators, Tối mật /
    /// Tuyệt mật clearances, leaders, security officers, heads of the agency). Without it an
    /// import that brings any is refused with the list, so a planted or raised account never
    /// enters unseen (`bmnn import --accept-privileged`; a restore of this installation's own
    /// sealed backup sets it and prints the list).
    pub accept_privileged: bool,
    /// The import's audit record: time (as `Ctx::now` is written) and actor label.
    pub at: String,
    pub actor: String,
    /// Where the file came from ("sealed", "unsealed", "backup"), written in the audit record.
    pub source: String,
}

/// What an import brought in (printed by `bmnn import`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub items: usize,
    pub audit_records: usize,
    pub users: usize,
    /// Privileged accounts (username, full name, what makes them privileged).
    pub privileged: Vec<(String, String, Vec<&'static str>)>,
    pub tokens_kept: usize,
    pub tokens_dropped: usize,
}

pub(crate) fn report_of(d: &Dataset, keep_tokens: bool) -> Result<ImportReport> {
    let positions: Vec<Position> = d
        .positions
        .iter()
        .map(|p| from_json(&p.data))
        .collect::<Result<_>>()?;
    let mut privileged = Vec::new();
    for r in &d.users {
        let u: User = from_json(&r.data)?;
        let p = import_check::privileges(&u, &positions);
        if !p.is_empty() {
            privileged.push((u.username.clone(), u.full_name.clone(), p));
        }
    }
    let n = d.api_tokens.len();
    Ok(ImportReport {
        items: d.items.len(),
        audit_records: d.audit_log.len(),
        users: d.users.len(),
        privileged,
        tokens_kept: if keep_tokens { n } else { 0 },
        tokens_dropped: if keep_tokens { 0 } else { n },
    })
}

/// What a row of each table is called in a message.
fn row_label(table: &str) -> &'static str {
    match table {
        "units" => "đơn vị",
        "positions" => "chức vụ",
        "users" => "tài khoản",
        "delegations" => "văn bản ủy quyền",
        "catalogues" => "danh mục bí mật nhà nước",
        "catalogue_items" => "mục của danh mục",
        "items" => "tài liệu",
        "item_events" => "sự kiện của tài liệu",
        "requests" => "yêu cầu",
        "register_entries" => "dòng sổ đăng ký",
        "notices" => "thông báo",
        "attachments" => "tệp đính kèm",
        "privilege_changes" => "đề nghị thay đổi quyền",
        "programme_records" => "hồ sơ công tác bảo vệ bí mật nhà nước",
        _ => "bản ghi",
    }
}

fn mismatch(table: &str, n: usize, what: &str) -> CoreError {
    CoreError::refused(
        "import_columns_mismatch",
        format!(
            "Không nhập bộ dữ liệu: {} thứ {} trong tệp có {what} khác với nội dung của chính nó \
             (tệp có thể đã bị sửa). Không có dữ liệu nào được ghi.",
            row_label(table),
            n + 1
        ),
    )
}

fn invalid_row(table: &str, n: usize, e: CoreError) -> CoreError {
    let why = match &e {
        CoreError::Invalid { message, .. } => message.clone(),
        CoreError::Refused(r) => r.message.clone(),
        CoreError::Storage(_) => "nội dung không đọc được (hỏng hoặc sai định dạng)".into(),
        other => other.message_vi(),
    };
    CoreError::refused(
        "import_invalid_record",
        format!(
            "Không nhập bộ dữ liệu: {} thứ {} trong tệp không hợp lệ: {why}. Không có dữ liệu \
             nào được ghi.",
            row_label(table),
            n + 1
        ),
    )
}

fn decode<T: serde::de::DeserializeOwned>(table: &str, n: usize, data: &str) -> Result<T> {
    from_json(data).map_err(|e| invalid_row(table, n, e))
}

/// Every check an import makes before writing anything, in order: the format; every row read
/// back into its domain type, its key columns equal to what its record says (level, status,
/// origin, unit, holder, drafter, catalogue entry, expiry, recall flag; register book, year,
/// number, addressee, pending acknowledgement; request kind, status, requester and items …);
/// every record checked as the services check it ([`import_check`]); the chain against the data
/// ([`check_log_covers_data`]); the audit chain (hashes, MACs under `audit_key`, head).
/// The first failure is the answer (a refusal, in Vietnamese). `bmnn doctor` runs it on the
/// live database's rows too.
pub fn check_dataset(d: &Dataset, rules: &RuleSet, audit_key: Option<&[u8; 32]>) -> Result<()> {
    if d.format != EXPORT_FORMAT || d.version != EXPORT_VERSION {
        return Err(CoreError::invalid(
            "format",
            format!(
                "tệp không phải bản xuất bmnn phiên bản {EXPORT_VERSION} (format={}, version={})",
                d.format, d.version
            ),
        ));
    }
    check_columns(d, rules)?;
    check_log_covers_data(d)?;
    check_chain(d, audit_key)
}

fn check_columns(d: &Dataset, rules: &RuleSet) -> Result<()> {
    fn all<T: Row>(rows: &[T], rules: &RuleSet) -> Result<()> {
        rows.iter()
            .enumerate()
            .try_for_each(|(n, r)| r.check(n, rules))
    }
    all(&d.units, rules)?;
    all(&d.positions, rules)?;
    all(&d.users, rules)?;
    all(&d.delegations, rules)?;
    all(&d.catalogues, rules)?;
    all(&d.catalogue_items, rules)?;
    all(&d.items, rules)?;
    all(&d.item_events, rules)?;
    all(&d.requests, rules)?;
    all(&d.register_entries, rules)?;
    all(&d.notices, rules)?;
    all(&d.attachments, rules)?;
    all(&d.privilege_changes, rules)?;
    all(&d.programme_records, rules)
}

/// A row of an exported table: its table's name and the checks of one row against its own
/// record (the `n`th of its table, counted from 0, for the message), as [`check_dataset`]
/// makes them, so a streamed import checks each row as it arrives.
pub(crate) trait Row: Sized {
    const TABLE: &'static str;
    fn check(&self, _n: usize, _rules: &RuleSet) -> Result<()> {
        Ok(())
    }
}

impl Row for SettingRow {
    const TABLE: &'static str = "settings";
}
impl Row for AuditRow {
    const TABLE: &'static str = "audit_log";
}
impl Row for HeadRow {
    const TABLE: &'static str = "audit_head";
}
impl Row for TokenRow {
    const TABLE: &'static str = "api_tokens";
}
impl Row for ItemTextRow {
    const TABLE: &'static str = "item_texts";
}

impl Row for UnitRow {
    const TABLE: &'static str = "units";
    fn check(&self, n: usize, _: &RuleSet) -> Result<()> {
        decode::<Unit>(Self::TABLE, n, &self.data).map(|_| ())
    }
}

impl Row for PositionRow {
    const TABLE: &'static str = "positions";
    fn check(&self, n: usize, _: &RuleSet) -> Result<()> {
        decode::<Position>(Self::TABLE, n, &self.data).map(|_| ())
    }
}

impl Row for UserRow {
    const TABLE: &'static str = "users";
    fn check(&self, n: usize, _: &RuleSet) -> Result<()> {
        let u: User = decode("users", n, &self.data)?;
        if u.username != self.username {
            return Err(mismatch("users", n, "tên đăng nhập"));
        }
        import_check::check_user(&u).map_err(|e| invalid_row("users", n, e))
    }
}

impl Row for DelegationRow {
    const TABLE: &'static str = "delegations";
    fn check(&self, n: usize, _: &RuleSet) -> Result<()> {
        let x: Delegation = decode("delegations", n, &self.data)?;
        if x.grantee_id != self.grantee_id {
            return Err(mismatch("delegations", n, "người được ủy quyền"));
        }
        Ok(())
    }
}

impl Row for CatalogueRow {
    const TABLE: &'static str = "catalogues";
    fn check(&self, n: usize, _: &RuleSet) -> Result<()> {
        decode::<Catalogue>(Self::TABLE, n, &self.data).map(|_| ())
    }
}

impl Row for CatalogueItemRow {
    const TABLE: &'static str = "catalogue_items";
    fn check(&self, n: usize, _: &RuleSet) -> Result<()> {
        let x: CatalogueItem = decode("catalogue_items", n, &self.data)?;
        if x.catalogue_id != self.catalogue_id {
            return Err(mismatch("catalogue_items", n, "danh mục"));
        }
        Ok(())
    }
}

impl Row for ItemRow {
    const TABLE: &'static str = "items";
    fn check(&self, n: usize, _: &RuleSet) -> Result<()> {
        let r = self;
        let i: SecretItem = decode("items", n, &r.data)?;
        let origin = match i.origin {
            Origin::Internal => "internal",
            Origin::Incoming => "incoming",
        };
        let checks: [(bool, &str); 7] = [
            (r.level == i.level.rank(), "độ mật"),
            (r.status == i.status.code(), "trạng thái"),
            (r.origin == origin, "nguồn (đi hoặc đến)"),
            (
                (r.unit_id, r.holder_id, r.drafter_id) == (i.unit_id, i.holder_id, i.drafter_id),
                "đơn vị, người giữ hoặc người soạn thảo",
            ),
            (
                r.catalogue_item_id == i.catalogue_item_id,
                "căn cứ danh mục",
            ),
            (
                r.expiry == i.expiry.map(bmnn_core::dates::iso),
                "thời hạn bảo vệ",
            ),
            (
                r.recall_pending == (i.recall_due.is_some() && i.returned_on.is_none()),
                "dấu thu hồi",
            ),
        ];
        if let Some((_, what)) = checks.iter().find(|(ok, _)| !ok) {
            return Err(mismatch("items", n, what));
        }
        import_check::check_item(&i).map_err(|e| invalid_row("items", n, e))
    }
}

impl Row for EventRow {
    const TABLE: &'static str = "item_events";
    fn check(&self, n: usize, _: &RuleSet) -> Result<()> {
        let x: ItemEvent = decode("item_events", n, &self.data)?;
        if x.item_id != self.item_id {
            return Err(mismatch("item_events", n, "tài liệu"));
        }
        Ok(())
    }
}

impl Row for RequestRow {
    const TABLE: &'static str = "requests";
    fn check(&self, n: usize, _: &RuleSet) -> Result<()> {
        let r = self;
        let x: Request = decode("requests", n, &r.data)?;
        let ids = format!(
            ",{},",
            x.item_ids
                .iter()
                .map(|i| i.to_string())
                .collect::<Vec<_>>()
                .join(",")
        );
        if r.kind != x.kind.code() || r.status != x.status.code() {
            return Err(mismatch("requests", n, "loại hoặc trạng thái"));
        }
        if r.requester_id != x.requester_id || r.item_ids != ids {
            return Err(mismatch("requests", n, "người đề nghị hoặc tài liệu"));
        }
        Ok(())
    }
}

impl Row for EntryRow {
    const TABLE: &'static str = "register_entries";
    fn check(&self, n: usize, _: &RuleSet) -> Result<()> {
        let r = self;
        let e: RegisterEntry = decode("register_entries", n, &r.data)?;
        if r.kind != e.kind.code() || r.year != e.year || e.date.year() != e.year {
            return Err(mismatch("register_entries", n, "sổ hoặc năm"));
        }
        if r.number != e.number {
            return Err(mismatch("register_entries", n, "số thứ tự"));
        }
        let pending = e.to_user.is_some() && e.ack.is_none() && e.cancelled.is_none();
        if r.item_id != e.item_id || r.to_user != e.to_user || r.pending_ack != pending {
            return Err(mismatch(
                "register_entries",
                n,
                "tài liệu, người nhận hoặc việc ký nhận",
            ));
        }
        Ok(())
    }
}

impl Row for NoticeRow {
    const TABLE: &'static str = "notices";
    fn check(&self, n: usize, _: &RuleSet) -> Result<()> {
        let x: Notice = decode("notices", n, &self.data)?;
        if x.item_id != self.item_id || self.open != x.done_on.is_none() {
            return Err(mismatch("notices", n, "tài liệu hoặc trạng thái"));
        }
        Ok(())
    }
}

impl Row for AttachmentRow {
    const TABLE: &'static str = "attachments";
    fn check(&self, n: usize, _: &RuleSet) -> Result<()> {
        let x: AttachmentMeta = decode("attachments", n, &self.meta)?;
        if x.item_id != self.item_id {
            return Err(mismatch("attachments", n, "tài liệu"));
        }
        Ok(())
    }
}

impl Row for PrivilegeRow {
    const TABLE: &'static str = "privilege_changes";
    fn check(&self, n: usize, _: &RuleSet) -> Result<()> {
        let x: PrivilegeChange = decode("privilege_changes", n, &self.data)?;
        if x.user_id != self.user_id || self.pending != (x.status == PrivilegeStatus::Pending) {
            return Err(mismatch(
                "privilege_changes",
                n,
                "tài khoản hoặc trạng thái",
            ));
        }
        Ok(())
    }
}

impl Row for RecordRow {
    const TABLE: &'static str = "programme_records";
    fn check(&self, n: usize, rules: &RuleSet) -> Result<()> {
        let (r, t) = (self, Self::TABLE);
        let date = bmnn_core::dates::parse_date(&r.date).ok_or_else(|| mismatch(t, n, "ngày"))?;
        let data: serde_json::Value = decode(t, n, &r.data)?;
        let rec = ProgrammeRecord {
            id: r.id,
            kind: r.kind.clone(),
            date,
            unit_id: r.unit_id,
            data,
        };
        import_check::check_record(rules, &rec).map_err(|e| invalid_row(t, n, e))
    }
}

/// The file's audit chain: every hash, every MAC (under this installation's audit key, so a
/// log rewritten without the key is refused), and the head.
fn check_chain(d: &Dataset, key: Option<&[u8; 32]>) -> Result<()> {
    let records: Vec<AuditRecord> = d
        .audit_log
        .iter()
        .map(|r| AuditRecord {
            seq: r.seq,
            at: r.at.clone(),
            actor: r.actor.clone(),
            action: r.action.clone(),
            object: r.object.clone(),
            details: r.details.clone(),
            prev_hash: r.prev_hash.clone(),
            hash: r.hash.clone(),
            mac: r.mac.clone(),
        })
        .collect();
    let head = d.audit_head.iter().find(|h| h.id == 1);
    let broken = audit::verify_keyed(&records, key)
        .err()
        .or_else(|| {
            audit::verify_head(records.last(), head.map(|h| (h.seq, h.hash.as_str()))).err()
        })
        .or_else(|| {
            audit::verify_head_mac(
                records.last(),
                head.map(|h| (h.seq, h.hash.as_str(), h.mac.as_deref())),
                key,
            )
            .err()
        });
    broken.map_or(Ok(()), |b| Err(chain_broken(b)))
}

pub(crate) fn chain_broken(b: audit::Broken) -> CoreError {
    CoreError::refused(
        "import_chain_broken",
        format!(
            "Không nhập bộ dữ liệu: chuỗi nhật ký kiểm tra trong tệp bị phá vỡ tại bản ghi số \
             {}: {}. Không có dữ liệu nào được ghi.",
            b.seq, b.reason
        ),
    )
}

pub(crate) fn log_incomplete(what: &str) -> CoreError {
    CoreError::refused(
        "import_log_incomplete",
        format!(
            "Không nhập bộ dữ liệu: {what} không có bản ghi tương ứng trong nhật ký kiểm tra \
             (nhật ký có thể đã bị xóa bớt). Không có dữ liệu nào được ghi."
        ),
    )
}

/// Checks the audit log of a dataset against its data (before anything is written): every
/// register entry has its record (`register:<book>:<year>:<number>`); every decided request
/// has a record other than its creation; every item classified or received has a record that
/// names it, a declassified one its declassification (or the catalogue change that ended it),
/// a destroyed one the record of the destruction request that lists it; every account has the
/// record of its creation (`bootstrap` or `user.create`). A log with records
/// deleted (and the chain recomputed) is refused here even before `audit verify` runs.
pub fn check_log_covers_data(d: &Dataset) -> Result<()> {
    use std::collections::{HashMap, HashSet};
    let mut objects: HashMap<&str, HashSet<&str>> = HashMap::new();
    let mut named_items: HashSet<i64> = HashSet::new();
    let mut catalogue_changes = false;
    for r in &d.audit_log {
        objects
            .entry(r.object.as_str())
            .or_default()
            .insert(r.action.as_str());
        for w in r.details.split_whitespace() {
            if let Some(id) = w.strip_prefix("item=").and_then(|v| v.parse().ok()) {
                named_items.insert(id);
            }
        }
        catalogue_changes |= r.action.starts_with("catalogue.");
    }
    for e in &d.register_entries {
        // An entry made by carrying out a request (provision, copies) is recorded with it.
        let by_request = serde_json::from_str::<serde_json::Value>(&e.data)
            .ok()
            .and_then(|v| v["request_id"].as_i64())
            .is_some_and(|r| objects.contains_key(format!("request:{r}").as_str()));
        if !by_request
            && !objects
                .contains_key(format!("register:{}:{}:{}", e.kind, e.year, e.number).as_str())
        {
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
    }
    let mut destroyed_by: HashMap<i64, Vec<i64>> = HashMap::new();
    for r in &d.requests {
        let created = format!("request.{}", r.kind);
        let decided = objects
            .get(format!("request:{}", r.id).as_str())
            .is_some_and(|acts| acts.iter().any(|a| *a != created));
        if r.status != "pending" && !decided {
            return Err(log_incomplete("một yêu cầu đã được quyết định"));
        }
        if r.kind == "destroy" && r.status == "done" {
            for i in r.item_ids.split(',').filter_map(|v| v.parse().ok()) {
                destroyed_by.entry(i).or_default().push(r.id);
            }
        }
    }
    // Every account was made by the services (`bootstrap` for the first administrator,
    // `user.create` for the others): an account planted in the file has no such record.
    for u in &d.users {
        let made = objects
            .get(format!("user:{}", u.id).as_str())
            .is_some_and(|a| a.contains("user.create") || a.contains("bootstrap"));
        if !made {
            return Err(log_incomplete(&format!("tài khoản «{}»", u.username)));
        }
    }
    for it in &d.items {
        let key = format!("item:{}", it.id);
        let acts = objects.get(key.as_str());
        let named = acts.is_some() || named_items.contains(&it.id);
        let ok = match it.status.as_str() {
            "proposed" | "rejected" => true,
            "declassified" => {
                named
                    && (acts.is_some_and(|a| a.iter().any(|x| x.starts_with("item.declassify")))
                        || (it.catalogue_item_id.is_some() && catalogue_changes))
            }
            "destroyed" => {
                named
                    && destroyed_by.get(&it.id).is_some_and(|rs| {
                        rs.iter()
                            .any(|r| objects.contains_key(format!("request:{r}").as_str()))
                    })
            }
            _ => named,
        };
        if !ok {
            let what = match it.status.as_str() {
                "declassified" => "việc giải mật một tài liệu",
                "destroyed" => "việc tiêu hủy một tài liệu",
                _ => "việc xác định độ mật hoặc tiếp nhận một tài liệu",
            };
            return Err(log_incomplete(what));
        }
    }
    Ok(())
}
