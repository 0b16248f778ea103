//! The storage contract: what the services need from a database.
//!
//! `bmnn-store` implements [`Store`] and [`Tx`] for SQLite and PostgreSQL with the same code.
//! Every service runs inside one [`Store::write`] (or [`Store::read`]) call: if the closure
//! returns an error, nothing it wrote stays (so a refusal writes nothing). Reads of secret
//! items take a [`ReadScope`] and the store applies it in SQL; there is no other way to read
//! items, requests, register entries or notices.

use crate::audit::{AuditInput, AuditRecord};
use crate::error::Result;
use crate::level::Level;
use crate::model::*;
use crate::registers::{NewEntry, RegisterEntry, RegisterKind};

pub trait Store: Send + Sync + 'static {
    /// Runs `f` in a read transaction.
    fn read<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T>;
    /// Runs `f` in a write transaction (immediate on SQLite; chain head locked on PostgreSQL).
    /// Commits when `f` returns `Ok`, rolls back otherwise.
    fn write<T>(&self, f: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T>;
    /// How many write transactions this store has ended (committed or rolled back) since it
    /// was opened; counted after each ends. What a reader computed under one generation is
    /// still true under the same generation, for writes made through this store; writes of
    /// other processes are seen through [`Tx::audit_seq`].
    fn generation(&self) -> u64;
}

pub trait Tx {
    // Organisation.
    fn get_agency(&mut self) -> Result<Option<Agency>>;
    fn put_agency(&mut self, a: &Agency) -> Result<()>;
    fn insert_unit(&mut self, u: &Unit) -> Result<Id>;
    fn list_units(&mut self) -> Result<Vec<Unit>>;
    /// How many units and how many users exist (a form picks from a list or searches).
    fn org_size(&mut self) -> Result<(i64, i64)>;
    fn insert_position(&mut self, p: &Position) -> Result<Id>;
    fn update_position(&mut self, p: &Position) -> Result<()>;
    fn list_positions(&mut self) -> Result<Vec<Position>>;
    fn insert_user(&mut self, u: &User) -> Result<Id>;
    fn update_user(&mut self, u: &User) -> Result<()>;
    fn get_user(&mut self, id: Id) -> Result<Option<User>>;
    fn find_user(&mut self, username: &str) -> Result<Option<User>>;
    fn list_users(&mut self) -> Result<Vec<User>>;
    /// Pickers (`service::pick`): active users with, for each of `words` (folded, non-empty),
    /// a word of their folded label ("full name (username)", `text::words`) beginning with it;
    /// with `level`, only those cleared for it; by folded label, then id; at most `limit`.
    fn pick_users(
        &mut self,
        words: &[String],
        level: Option<Level>,
        limit: usize,
    ) -> Result<Vec<User>>;
    /// Units with, for each of `words`, a word of their folded name beginning with it; by
    /// folded name, then id; at most `limit`.
    fn pick_units(&mut self, words: &[String], limit: usize) -> Result<Vec<Unit>>;
    /// The first unit (by id) whose folded name is `folded`.
    fn find_unit_folded(&mut self, folded: &str) -> Result<Option<Unit>>;
    fn set_password(&mut self, user: Id, hash: &str) -> Result<()>;
    fn password_hash(&mut self, user: Id) -> Result<Option<String>>;
    fn insert_delegation(&mut self, d: &Delegation) -> Result<Id>;
    fn update_delegation(&mut self, d: &Delegation) -> Result<()>;
    fn list_delegations(&mut self) -> Result<Vec<Delegation>>;

    // Catalogue.
    fn insert_catalogue(&mut self, c: &Catalogue) -> Result<Id>;
    fn update_catalogue(&mut self, c: &Catalogue) -> Result<()>;
    fn list_catalogues(&mut self) -> Result<Vec<Catalogue>>;
    fn insert_catalogue_item(&mut self, c: &CatalogueItem) -> Result<Id>;
    fn update_catalogue_item(&mut self, c: &CatalogueItem) -> Result<()>;
    fn get_catalogue_item(&mut self, id: Id) -> Result<Option<CatalogueItem>>;
    fn list_catalogue_items(&mut self, catalogue_id: Option<Id>) -> Result<Vec<CatalogueItem>>;

    // Secret items (always through a scope).
    fn insert_item(&mut self, item: &SecretItem) -> Result<Id>;
    fn update_item(&mut self, item: &SecretItem) -> Result<()>;
    fn get_item(&mut self, scope: &ReadScope, id: Id) -> Result<Option<SecretItem>>;
    /// Which of `ids` `scope` may see now (the filter of [`Tx::get_item`], in one query and
    /// without reading the items): a page of register rows asks about its 200 items at once.
    fn visible_item_ids(&mut self, scope: &ReadScope, ids: &[Id]) -> Result<Vec<Id>>;
    fn list_items(&mut self, scope: &ReadScope, q: &ItemQuery) -> Result<Page<SecretItem>>;

    // History.
    fn insert_event(&mut self, e: &ItemEvent) -> Result<Id>;
    fn list_events(&mut self, scope: &ReadScope, item_id: Id) -> Result<Vec<ItemEvent>>;

    // Requests.
    fn insert_request(&mut self, r: &Request) -> Result<Id>;
    fn update_request(&mut self, r: &Request) -> Result<()>;
    fn get_request(&mut self, scope: &ReadScope, id: Id) -> Result<Option<Request>>;
    fn list_requests(&mut self, scope: &ReadScope, q: &RequestQuery) -> Result<Vec<Request>>;

    // Registers: the store assigns the number (per kind and year, from 1, no gap, no reuse).
    fn append_register(&mut self, e: &NewEntry) -> Result<RegisterEntry>;
    /// Only acknowledgement and cancellation change on an entry.
    fn update_register_entry(&mut self, e: &RegisterEntry) -> Result<()>;
    fn get_register_entry(&mut self, scope: &ReadScope, id: Id) -> Result<Option<RegisterEntry>>;
    fn list_register(
        &mut self,
        scope: &ReadScope,
        kind: RegisterKind,
        year: i32,
        offset: i64,
        limit: i64,
    ) -> Result<Page<RegisterEntry>>;
    /// Handover entries waiting for the acknowledgement of `user` (or of anyone when None).
    fn pending_acks(&mut self, scope: &ReadScope, user: Option<Id>) -> Result<Vec<RegisterEntry>>;

    // Notices.
    fn insert_notice(&mut self, n: &Notice) -> Result<Id>;
    fn update_notice(&mut self, n: &Notice) -> Result<()>;
    fn list_notices(&mut self, scope: &ReadScope, q: &NoticeQuery) -> Result<Vec<Notice>>;

    // Audit chain.
    fn audit(&mut self, input: AuditInput) -> Result<AuditRecord>;
    fn audit_tail(&mut self, limit: i64) -> Result<Vec<AuditRecord>>;
    /// The sequence number of the newest audit record (0 for an empty log): every act of every
    /// process writes one, so it moves with every act.
    fn audit_seq(&mut self) -> Result<i64>;
    /// The newest audit record of `action`, if any (start-up checks; not for pages).
    fn audit_last_of(&mut self, action: &str) -> Result<Option<AuditRecord>>;

    // Login sessions of the web UI (SHA-256 of the cookie token only).
    fn insert_session(&mut self, s: &Session) -> Result<()>;
    fn get_session(&mut self, token_hash: &str) -> Result<Option<Session>>;
    fn touch_session(&mut self, token_hash: &str, last_seen: &str) -> Result<()>;
    fn delete_session(&mut self, token_hash: &str) -> Result<()>;
    /// Log out everywhere; also used when a user's roles or clearance change.
    fn delete_user_sessions(&mut self, user: Id) -> Result<u64>;

    // Account lockout state, kept in the database so it survives restarts.
    fn login_state(&mut self, user: Id) -> Result<LoginState>;
    fn set_login_state(&mut self, user: Id, s: &LoginState) -> Result<()>;

    // Attachments (tệp đính kèm): ciphertext only; the caller encrypts.
    fn insert_attachment(&mut self, a: &AttachmentMeta, ciphertext: &[u8]) -> Result<Id>;
    fn list_attachments(&mut self, scope: &ReadScope, item_id: Id) -> Result<Vec<AttachmentMeta>>;
    fn get_attachment(
        &mut self,
        scope: &ReadScope,
        id: Id,
    ) -> Result<Option<(AttachmentMeta, Vec<u8>)>>;

    // Reports (báo cáo): the figures on items, requests and registers of a period.
    /// What a report counts in `[from, to]` within `scope` — events by kind and the item's
    /// current level (items `scope` may see), approved take-outs by level (requests `scope` may
    /// see), live register entries by book (entries `scope` may see) — each table in one
    /// aggregate query over the period (migration 000020), never a row per item.
    fn report_activity(
        &mut self,
        scope: &ReadScope,
        from: time::Date,
        to: time::Date,
    ) -> Result<crate::programme::reports::Activity>;

    // Programme records (hồ sơ công tác bảo vệ BMNN: staff, commitments, training, devices,
    // meetings, inspections, incidents, plans, reports …), kept as typed JSON by `kind`.
    fn insert_record(&mut self, r: &ProgrammeRecord) -> Result<Id>;
    fn update_record(&mut self, r: &ProgrammeRecord) -> Result<()>;
    fn get_record(&mut self, id: Id) -> Result<Option<ProgrammeRecord>>;
    /// Records of `kind` whose key date lies in `[from, to]` (either bound optional), by date.
    fn list_records(
        &mut self,
        kind: &str,
        from: Option<time::Date>,
        to: Option<time::Date>,
    ) -> Result<Vec<ProgrammeRecord>>;

    // Extracted text of items for the scanner's copy index (ciphertext; the caller encrypts).
    fn put_item_text(&mut self, item_id: Id, ciphertext: &[u8]) -> Result<()>;
    fn item_texts(&mut self) -> Result<Vec<(Id, Vec<u8>)>>;

    // Separation of duties: privilege changes waiting for approval, and the agency's named
    // approver (người được cơ quan giao phê duyệt thay đổi quyền), if any.
    fn insert_privilege_change(&mut self, c: &PrivilegeChange) -> Result<Id>;
    fn update_privilege_change(&mut self, c: &PrivilegeChange) -> Result<()>;
    fn get_privilege_change(&mut self, id: Id) -> Result<Option<PrivilegeChange>>;
    /// Pending changes only (oldest first), or every change when `pending_only` is false.
    fn list_privilege_changes(&mut self, pending_only: bool) -> Result<Vec<PrivilegeChange>>;
    fn privilege_approver(&mut self) -> Result<Option<Id>>;
    fn set_privilege_approver(&mut self, user: Option<Id>) -> Result<()>;

    // API tokens (SHA-256 of the token only).
    /// Stores a token (its id is ignored) and returns the new id.
    fn insert_token(&mut self, t: &ApiToken, token_hash: &str) -> Result<Id>;
    fn find_token(&mut self, token_hash: &str) -> Result<Option<ApiToken>>;
    fn get_token(&mut self, id: Id) -> Result<Option<ApiToken>>;
    /// Tokens of `user` (every user's when None), newest first.
    fn list_tokens(&mut self, user: Option<Id>) -> Result<Vec<ApiToken>>;
    fn touch_token(&mut self, id: Id, at: &str) -> Result<()>;
    /// Revokes one token (no-op when already revoked).
    fn revoke_token(&mut self, id: Id, at: &str) -> Result<()>;
    /// Revokes every live token of `user`; returns how many.
    fn revoke_user_tokens(&mut self, user: Id, at: &str) -> Result<u64>;

    // Audit
    /// One page of the chain, newest first: records with `seq < before` (all when `None`).
    fn audit_page(&mut self, before: Option<i64>, limit: i64) -> Result<Vec<AuditRecord>>;
    /// The item a register entry or notice named in an audit record ("register:outgoing:2026:3",
    /// "notice:7") is about, read without scope: the viewer filter then checks that item's
    /// current level against the viewer (the entry's own copy of a level is never trusted).
    fn audit_object_item(&mut self, object: &str) -> Result<Option<Id>>;
    /// Marks that `user` read `object` during `hour`: `None` when already marked, else how many
    /// marks the user has in that hour (this one included). Marks of hours before
    /// `prune_before` are dropped.
    fn audit_read_mark(
        &mut self,
        user: Id,
        hour: &str,
        object: &str,
        prune_before: &str,
    ) -> Result<Option<i64>>;
}
