//! Export and import of the whole dataset as versioned JSON (format in `docs/export-format.md`).
//!
//! Rows are copied column for column, ids included, so `import(export())` into an empty
//! database reproduces the same dataset, audit chain and all (it still verifies). Login
//! sessions are not exported. Import refuses a non-empty database and an unknown format or
//! version, and writes nothing then (one transaction).

use crate::schema::*;
use crate::tx::DbTx;
use crate::{Conn, db_err, dispatch};
use bmnn_core::error::{CoreError, Result};
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

    pub(crate) fn import(&mut self, d: &Dataset) -> Result<()> {
        if d.format != EXPORT_FORMAT || d.version != EXPORT_VERSION {
            return Err(CoreError::invalid(
                "format",
                format!(
                    "tệp không phải bản xuất bmnn phiên bản {EXPORT_VERSION} (format={}, version={})",
                    d.format, d.version
                ),
            ));
        }
        check_log_covers_data(d)?;
        let pg = matches!(self.conn, Conn::Pg(_));
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
            put!(items, d.items);
            put!(item_events, d.item_events);
            put!(requests, d.requests);
            put!(register_entries, d.register_entries);
            put!(notices, d.notices);
            put!(audit_log, d.audit_log);
            put!(audit_head, d.audit_head);
            put!(api_tokens, d.api_tokens);
            put!(attachments, d.attachments);
            put!(programme_records, d.programme_records);
            put!(item_texts, d.item_texts);
            put!(privilege_changes, d.privilege_changes);
        });
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
            ] {
                sql.push_str(&format!("SELECT setval(pg_get_serial_sequence('{t}', 'id'), COALESCE((SELECT MAX(id) FROM {t}), 0) + 1, false);"));
            }
            dispatch!(&mut self.conn, c => diesel::connection::SimpleConnection::batch_execute(c, &sql).map_err(db_err)?);
        }
        // A dataset written before the copies were kept in step may carry stale levels.
        self.resync_level_copies()
    }
}

fn log_incomplete(what: &str) -> CoreError {
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
/// a destroyed one the record of the destruction request that lists it. A log with records
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
