//! Reads, always through the acting user's clearance scope.

use super::*;
use crate::access;
use crate::acts::ActKind;
use crate::obligations::{self, Obligation};
use crate::registers::{RegisterEntry, RegisterKind, book_regime, render_row};
use serde::{Deserialize, Serialize};

/// An item with its history (every event), as the item page shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ItemDetail {
    pub item: SecretItem,
    pub events: Vec<ItemEvent>,
    pub requests: Vec<Request>,
    pub notices: Vec<Notice>,
    pub catalogue_item: Option<CatalogueItem>,
}

/// The organisation as the admin pages show it.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "Org")]
pub struct OrgView {
    pub agency: Option<Agency>,
    pub units: Vec<Unit>,
    pub positions: Vec<Position>,
    pub users: Vec<User>,
    pub delegations: Vec<Delegation>,
}

/// A register book of one year laid out under its template.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RegisterBook {
    pub kind: RegisterKind,
    pub year: i32,
    pub regime: String,
    pub title: String,
    pub form: String,
    pub confirmed: bool,
    pub note: String,
    pub instructions: String,
    pub columns: Vec<String>,
    pub total: i64,
    pub entries: Vec<RegisterEntry>,
    pub rows: Vec<Vec<String>>,
}

impl<S: Store> Service<S> {
    pub fn me(&self, ctx: &Ctx) -> Result<User> {
        self.read(ctx, |a| Ok(a.actor.clone()))
    }

    /// An item with its history, requests and notices. Reads of Tối mật and Tuyệt mật items,
    /// and asking for a hidden id, are recorded (bounded; see `audit_view.rs`).
    pub fn item_detail(&self, ctx: &Ctx, id: Id) -> Result<ItemDetail> {
        let r = self.item_detail_unaudited(ctx, id);
        match &r {
            Ok(d) => self.note_read(ctx, "item", id, Some(d.item.level))?,
            Err(CoreError::NotFound(_)) => self.note_read(ctx, "item", id, None)?,
            Err(_) => {}
        }
        r
    }

    /// Whether the item is within the caller's reach now (no read is recorded: nothing of the
    /// item is shown).
    pub fn may_see_item(&self, ctx: &Ctx, id: Id) -> Result<bool> {
        self.read(ctx, |a| {
            let scope = a.scope();
            Ok(a.tx.get_item(&scope, id)?.is_some())
        })
    }

    fn item_detail_unaudited(&self, ctx: &Ctx, id: Id) -> Result<ItemDetail> {
        self.read(ctx, |a| {
            let item = a.item(id)?;
            let scope = a.scope();
            let events = a.tx.list_events(&scope, id)?;
            let requests = a.tx.list_requests(
                &scope,
                &RequestQuery {
                    item_id: Some(id),
                    ..Default::default()
                },
            )?;
            let notices = a.tx.list_notices(
                &scope,
                &NoticeQuery {
                    open_only: false,
                    item_id: Some(id),
                },
            )?;
            let catalogue_item = match item.catalogue_item_id {
                Some(c) => a.tx.get_catalogue_item(c)?,
                None => None,
            };
            Ok(ItemDetail {
                item,
                events,
                requests,
                notices,
                catalogue_item,
            })
        })
    }

    pub fn list_items(&self, ctx: &Ctx, mut q: ItemQuery) -> Result<Page<SecretItem>> {
        q.limit = q.limit.clamp(1, 500);
        q.offset = q.offset.max(0);
        if let Some(t) = &q.text {
            let f = crate::text::fold(t);
            q.text = if f.is_empty() { None } else { Some(f) };
        }
        self.read(ctx, |a| {
            let scope = a.scope();
            a.tx.list_items(&scope, &q)
        })
    }

    pub fn list_requests(&self, ctx: &Ctx, q: RequestQuery) -> Result<Vec<Request>> {
        self.read(ctx, |a| {
            let scope = a.scope();
            a.tx.list_requests(&scope, &q)
        })
    }

    /// A request by id; asking for a hidden one is recorded (bounded; see `audit_view.rs`).
    pub fn get_request(&self, ctx: &Ctx, id: Id) -> Result<Request> {
        let r = self.read(ctx, |a| a.request(id));
        if let Err(CoreError::NotFound(_)) = &r {
            self.note_read(ctx, "request", id, None)?;
        }
        r
    }

    pub fn list_notices(&self, ctx: &Ctx, q: NoticeQuery) -> Result<Vec<Notice>> {
        self.read(ctx, |a| {
            let scope = a.scope();
            a.tx.list_notices(&scope, &q)
        })
    }

    /// One register entry, through the reader's scope (absent or hidden: not found).
    pub fn register_entry(&self, ctx: &Ctx, id: Id) -> Result<RegisterEntry> {
        self.read(ctx, |a| {
            let scope = a.scope();
            a.tx.get_register_entry(&scope, id)?
                .ok_or(CoreError::NotFound("mục sổ"))
        })
    }

    pub fn pending_acks(&self, ctx: &Ctx) -> Result<Vec<RegisterEntry>> {
        self.read(ctx, |a| {
            let me = a.actor.id;
            a.pending_acks(Some(me))
        })
    }

    /// The register of `kind` for `year`, with rows laid out under the year's template.
    pub fn register_book(
        &self,
        ctx: &Ctx,
        kind: RegisterKind,
        year: i32,
        offset: i64,
        limit: i64,
    ) -> Result<RegisterBook> {
        self.read(ctx, |a| register_book_in(a, kind, year, offset, limit))
    }

    /// A register page's screen: [`Self::register_book`] and, for its entries, the acts open to
    /// the caller on each ([`Self::entry_acts`]), in one read transaction.
    pub fn register_screen(
        &self,
        ctx: &Ctx,
        kind: RegisterKind,
        year: i32,
        offset: i64,
        limit: i64,
    ) -> Result<(RegisterBook, Vec<Vec<ActKind>>)> {
        self.read(ctx, |a| {
            let b = register_book_in(a, kind, year, offset, limit)?;
            let acts = entry_acts_in(a, &b.entries)?;
            Ok((b, acts))
        })
    }

    /// What is due or overdue on `date`, as far as the user may see.
    pub fn due(&self, ctx: &Ctx, date: Date) -> Result<Vec<Obligation>> {
        self.read(ctx, |a| due_for(a, date))
    }

    /// The agency's own details (name, place, symbol) alone: for headers of registers and
    /// documents, without loading every unit and user as [`Self::org`] does.
    pub fn agency(&self, ctx: &Ctx) -> Result<Option<Agency>> {
        self.read(ctx, |a| a.tx.get_agency())
    }

    pub fn org(&self, ctx: &Ctx) -> Result<OrgView> {
        self.read(ctx, |a| {
            Ok(OrgView {
                agency: a.tx.get_agency()?,
                units: a.tx.list_units()?,
                positions: a.tx.list_positions()?,
                users: a.tx.list_users()?,
                delegations: a.tx.list_delegations()?,
            })
        })
    }

    /// The organisation chart with every user's roles and clearance and every delegation:
    /// for the organisation page's roles only (`access::ORG_PAGE`). Other acts that need a
    /// list of people (recipients, units) use [`Self::org`] and show names only.
    pub fn org_chart(&self, ctx: &Ctx) -> Result<OrgView> {
        self.read(ctx, |a| {
            a.require_role(access::ORG_PAGE, "Xem sơ đồ tổ chức")?;
            Ok(())
        })?;
        self.org(ctx)
    }

    pub fn catalogues(&self, ctx: &Ctx) -> Result<(Vec<Catalogue>, Vec<CatalogueItem>)> {
        self.read(ctx, |a| {
            Ok((a.tx.list_catalogues()?, a.tx.list_catalogue_items(None)?))
        })
    }

    /// The last `limit` audit records (security officer).
    pub fn audit_tail(&self, ctx: &Ctx, limit: i64) -> Result<Vec<crate::audit::AuditRecord>> {
        self.read(ctx, |a| {
            a.require_role(access::AUDITORS, "Xem nhật ký kiểm tra")?;
            a.tx.audit_tail(limit.clamp(1, 10_000))
        })
    }
}

/// [`Service::register_book`] inside a transaction.
fn register_book_in(
    a: &mut Act0<'_>,
    kind: RegisterKind,
    year: i32,
    offset: i64,
    limit: i64,
) -> Result<RegisterBook> {
    let scope = a.scope();
    let page =
        a.tx.list_register(&scope, kind, year, offset.max(0), limit.clamp(1, 1_000_000))?;
    let regime = book_regime(a.rules, year, a.ctx.today);
    let t = regime.register(kind);
    let mut rows = Vec::with_capacity(page.rows.len());
    for e in &page.rows {
        let corrected = match e.corrects {
            Some(c) => match page.rows.iter().find(|x| x.id == c) {
                Some(x) => Some(x.clone()),
                None => a.tx.get_register_entry(&scope, c)?,
            },
            None => None,
        };
        rows.push(render_row(regime, kind, e, corrected.as_ref()));
    }
    Ok(RegisterBook {
        kind,
        year,
        regime: regime.code.clone(),
        title: t.title.clone(),
        form: t.form.clone(),
        confirmed: t.confirmed,
        note: t.note.clone(),
        instructions: regime.fill_citations(&t.instructions),
        columns: t.columns.iter().map(|c| c.title.clone()).collect(),
        total: page.total,
        entries: page.rows,
        rows,
    })
}

/// [`Service::due`] inside a read already open (the inbox reads it in the same transaction).
pub(crate) fn due_for(a: &mut Act0<'_>, date: Date) -> Result<Vec<Obligation>> {
    let scope = a.scope();
    let regime = a
        .rules
        .regime_for(date)
        .or(a.rules.regimes.last())
        .expect("regimes");
    let horizon = crate::dates::days_after(
        date,
        obligations::HORIZON_DAYS + regime.extension.deadline_days_before_expiry,
    );
    let all = i64::MAX;
    let expiring =
        a.tx.list_items(
            &scope,
            &ItemQuery {
                protected_only: true,
                expiring_by: Some(horizon),
                limit: all,
                ..Default::default()
            },
        )?
        .rows;
    let recalls =
        a.tx.list_items(
            &scope,
            &ItemQuery {
                recall_pending: true,
                limit: all,
                ..Default::default()
            },
        )?
        .rows;
    let mut open_requests = a.tx.list_requests(
        &scope,
        &RequestQuery {
            status: Some(RequestStatus::Pending),
            ..Default::default()
        },
    )?;
    open_requests.extend(a.tx.list_requests(
        &scope,
        &RequestQuery {
            status: Some(RequestStatus::Approved),
            kind: Some(RequestKind::TakeOut),
            ..Default::default()
        },
    )?);
    let proposals =
        a.tx.list_items(
            &scope,
            &ItemQuery {
                status: Some(Status::Proposed),
                limit: all,
                ..Default::default()
            },
        )?
        .rows;
    let open_notices = a.tx.list_notices(
        &scope,
        &NoticeQuery {
            open_only: true,
            item_id: None,
        },
    )?;
    let pending_acks = a.pending_acks(None)?;
    let mut v = obligations::compute(
        date,
        regime,
        &obligations::Inputs {
            expiring: &expiring,
            recalls: &recalls,
            open_requests: &open_requests,
            proposals: &proposals,
            open_notices: &open_notices,
            pending_acks: &pending_acks,
        },
    );
    // Programme obligations (no secret content) for those who keep the programme.
    if a.actor.has(Role::SecurityOfficer) || a.actor.has(Role::Leader) {
        v.extend(super::programme::programme_obligations(a, date)?);
        v.sort_by_key(|o| (o.urgency, o.due, o.kind as u8));
    }
    Ok(v)
}
