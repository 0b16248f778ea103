//! Chờ tôi xử lý (inbox): what waits for the caller, computed from the same predicates the
//! acts check, so that a line is offered only to someone the act would accept.
//!
//! - leader (lãnh đạo): proposals to classify and requests to decide that `Act0::authorise_on`
//!   accepts for him (own right, delegation, unit scope), requests whose decider is outside the
//!   agency (he records the outside decision), extension deadlines of items he may extend;
//! - clerk (văn thư): items decided and not yet registered out, copies authorised and not yet
//!   produced, take-outs to be returned, provisions and destructions to record, handovers
//!   waiting for a signature (to be recorded from the paper register);
//! - anyone: handovers waiting for his own signature (ký nhận);
//! - drafter (người soạn thảo): his proposals and requests, waiting or decided in the last
//!   [`OUTCOME_DAYS`] days, with the outcome and the reason of a refusal;
//! - security officer (cán bộ bảo vệ BMNN): notices owed and every obligation of the due list.
//!
//! Every line names the act that handles it ([`InboxAct`]) and the object it works on; the
//! faces turn that into a link. Everything is read in one read transaction through the
//! caller's scope; texts carry labels, numbers, dates and names, never a summary.

use super::queries::due_for;
use super::*;
use crate::access;
use crate::acts::ActKind;
use crate::dates::{days_before, fmt_vn};
use crate::obligations::{ObligationKind, Urgency, urgency};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// How long a drafter keeps seeing the outcome of his proposals and requests.
pub const OUTCOME_DAYS: i64 = 30;

/// The act (or page) a line opens: one of the acts ([`ActKind`], by its code in the API), the
/// item's page, or a list of the protection programme (công tác bảo vệ BMNN).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboxAct {
    /// An act on the line's object (its form).
    Act(ActKind),
    /// The item's page (an outcome to read, nothing to do).
    ViewItem,
    ProgrammeCommitment,
    ProgrammeInspection,
    ProgrammeIncident,
    ProgrammeMeeting,
    ProgrammePlan,
    ProgrammeReports,
}

impl InboxAct {
    /// The pages that are not acts, with their codes.
    const PAGES: [(InboxAct, &'static str); 7] = [
        (InboxAct::ViewItem, "view-item"),
        (InboxAct::ProgrammeCommitment, "programme-commitment"),
        (InboxAct::ProgrammeInspection, "programme-inspection"),
        (InboxAct::ProgrammeIncident, "programme-incident"),
        (InboxAct::ProgrammeMeeting, "programme-meeting"),
        (InboxAct::ProgrammePlan, "programme-plan"),
        (InboxAct::ProgrammeReports, "programme-reports"),
    ];

    /// The code the API sends: the act's code, or the page's.
    pub fn code(self) -> &'static str {
        match self {
            InboxAct::Act(k) => k.code(),
            page => Self::PAGES
                .iter()
                .find(|(p, _)| *p == page)
                .map_or("view-item", |(_, c)| c),
        }
    }

    /// Every code a line may carry (the API schema's enumeration).
    pub fn codes() -> Vec<&'static str> {
        ActKind::ALL
            .iter()
            .map(|k| k.code())
            .chain(Self::PAGES.iter().map(|(_, c)| *c))
            .collect()
    }

    pub fn from_code(code: &str) -> Option<InboxAct> {
        ActKind::from_code(code).map(InboxAct::Act).or_else(|| {
            Self::PAGES
                .iter()
                .find(|(_, c)| *c == code)
                .map(|(p, _)| *p)
        })
    }
}

impl Serialize for InboxAct {
    fn serialize<Se: serde::Serializer>(&self, s: Se) -> std::result::Result<Se::Ok, Se::Error> {
        s.serialize_str(self.code())
    }
}

/// By its code ([`InboxAct::codes`]), as it serializes.
impl schemars::JsonSchema for InboxAct {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "InboxAct".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "string", "enum": InboxAct::codes()})
    }
}

impl<'de> Deserialize<'de> for InboxAct {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let code = String::deserialize(d)?;
        InboxAct::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown act {code}")))
    }
}

/// Which line of the inbox (the group it is shown in).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum InboxGroup {
    /// Chờ tôi quyết định.
    Decide,
    /// Chờ tôi ký nhận.
    Sign,
    /// Văn thư: chờ vào sổ, thực hiện, ghi nhận.
    Register,
    /// Đề xuất, đề nghị của tôi.
    Mine,
    /// Thông báo và thời hạn.
    Deadlines,
}

impl InboxGroup {
    pub fn label(self) -> &'static str {
        match self {
            InboxGroup::Decide => "Chờ tôi quyết định",
            InboxGroup::Sign => "Chờ tôi ký nhận",
            InboxGroup::Register => "Chờ văn thư vào sổ, thực hiện",
            InboxGroup::Mine => "Đề xuất, đề nghị của tôi",
            InboxGroup::Deadlines => "Thông báo và thời hạn",
        }
    }
}

/// One line of the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InboxLine {
    pub group: InboxGroup,
    /// What kind of work, in Vietnamese.
    pub kind: String,
    pub act: InboxAct,
    pub item_id: Option<Id>,
    pub request_id: Option<Id>,
    pub entry_id: Option<Id>,
    pub notice_id: Option<Id>,
    /// Safe text: labels, numbers, dates, names; never a summary.
    pub text: String,
    /// When it was asked (or registered, or decided).
    #[serde(with = "crate::dates::iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub since: Date,
    /// A deadline, when the law or the object gives one.
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub due: Option<Date>,
    pub urgency: Urgency,
    /// Drafter's lines: the outcome (Đã duyệt, Không duyệt, Chờ quyết định) and the reason.
    pub outcome: Option<String>,
    pub reason: Option<String>,
    /// Counts toward the number shown in the header (something for the caller to do).
    pub waiting: bool,
}

/// Chờ tôi xử lý.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Inbox {
    pub lines: Vec<InboxLine>,
    /// Lines with something to do ([`InboxLine::waiting`]).
    pub count: usize,
}

impl Inbox {
    /// The waiting lines of one group.
    pub fn waiting_in(&self, g: InboxGroup) -> usize {
        self.lines
            .iter()
            .filter(|l| l.group == g && l.waiting)
            .count()
    }
}

/// A label for lists ([`SecretItem::label`]): number and symbol, or type and date; never an id.
pub fn item_label(i: &SecretItem) -> String {
    i.label()
}

fn line(group: InboxGroup, kind: &str, act: InboxAct, text: String, since: Date) -> InboxLine {
    InboxLine {
        group,
        kind: kind.to_string(),
        act,
        item_id: None,
        request_id: None,
        entry_id: None,
        notice_id: None,
        text,
        since,
        due: None,
        urgency: Urgency::Info,
        outcome: None,
        reason: None,
        waiting: true,
    }
}

/// What a request asks, in a few words (no summary).
pub fn request_ask(r: &Request) -> String {
    match &r.details {
        RequestDetails::Copy {
            form,
            count,
            purpose,
            ..
        } => format!("{} {} bản; mục đích: {}", form.label(), count, purpose),
        RequestDetails::TakeOut {
            place, from, until, ..
        } => format!(
            "mang đến {} từ {} đến {}",
            place,
            fmt_vn(*from),
            fmt_vn(*until)
        ),
        RequestDetails::Provide { party, purpose, .. } => {
            format!("cung cấp cho {party}; mục đích: {purpose}")
        }
        RequestDetails::Destroy { method, .. } => format!("tiêu hủy bằng cách {method}"),
    }
}

/// The label of a request's first item, as the reader sees it (empty when hidden).
fn first_item_label(a: &mut Act0<'_>, r: &Request) -> Result<String> {
    let scope = a.scope();
    Ok(match r.item_ids.first() {
        Some(id) => {
            a.tx.get_item(&scope, *id)?
                .map(|i| item_label(&i))
                .unwrap_or_default()
        }
        None => String::new(),
    })
}

/// When the item was proposed (its "proposed" event), if the reader sees its history.
fn proposed_on(a: &mut Act0<'_>, item: &SecretItem) -> Result<Option<Date>> {
    let scope = a.scope();
    Ok(a.tx
        .list_events(&scope, item.id)?
        .iter()
        .find(|e| e.kind == "proposed")
        .map(|e| e.on))
}

/// The reason written with a rejection (the "rejected" event's note).
fn rejection(a: &mut Act0<'_>, item: &SecretItem) -> Result<Option<(Date, String)>> {
    let scope = a.scope();
    Ok(a.tx
        .list_events(&scope, item.id)?
        .iter()
        .rev()
        .find(|e| e.kind == "rejected")
        .map(|e| (e.on, e.note.clone())))
}

impl<S: Store> Service<S> {
    /// Chờ tôi xử lý: the caller's inbox on `ctx.today`.
    ///
    /// Kept like [`Self::inbox_count`] (the dashboard, every user's first page, reads it whole:
    /// some twenty queries over the whole scope), for at most [`KEPT_INBOXES`] users and only
    /// an inbox of at most [`KEPT_INBOX_LINES`] lines, so that what is kept stays small.
    pub fn inbox(&self, ctx: &Ctx) -> Result<Inbox> {
        // Taken before the read transaction begins (see `Store::generation`).
        let generation = self.store.generation();
        self.read(ctx, |a| {
            let key = kept_key(a, generation)?;
            let user = a.actor.id;
            if let Some(i) = self.inboxes.get(user, key) {
                return Ok(i);
            }
            let i = inbox_for(a, true)?;
            if i.lines.len() <= KEPT_INBOX_LINES {
                self.inboxes.put(user, key, i.clone());
            }
            Ok(i)
        })
    }

    /// Only the number of waiting lines (the header of every page): the same lines, without
    /// what is read only to describe them (proposal dates, the drafter's outcomes).
    ///
    /// Kept per user until anything changes: the count is computed again when the date, the
    /// store's write generation (any write through this process: acts, sessions, settings) or
    /// the newest audit record (any act of any process on the same database) has moved since
    /// it was computed. A clerk moving between pages reads it once, not on every page (at a
    /// million items it lists the expiring items and open requests of the whole scope).
    pub fn inbox_count(&self, ctx: &Ctx) -> Result<usize> {
        // Taken before the read transaction begins (see `Store::generation`).
        let generation = self.store.generation();
        self.read(ctx, |a| self.inbox_count_in(a, generation))
    }

    /// [`Self::inbox_count`] inside a read that began after `generation` was taken.
    pub(crate) fn inbox_count_in(&self, a: &mut Act0<'_>, generation: u64) -> Result<usize> {
        let key = kept_key(a, generation)?;
        let user = a.actor.id;
        if let Some(n) = self.inbox_counts.get(user, key) {
            return Ok(n);
        }
        let n = inbox_for(a, false)?.count;
        self.inbox_counts.put(user, key, n);
        Ok(n)
    }
}

/// What a kept inbox or count was computed under ([`Service::inbox_count`]): anything else
/// it depends on is in the database, and a change there moves the generation (a write of this
/// process) or the newest audit record (an act of any process).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KeptKey {
    today: Date,
    generation: u64,
    audit_seq: i64,
}

/// The key of what `a` would compute now, in a read that began after `generation` was taken.
fn kept_key(a: &mut Act0<'_>, generation: u64) -> Result<KeptKey> {
    Ok(KeptKey {
        today: a.ctx.today,
        generation,
        audit_seq: a.tx.audit_seq()?,
    })
}

/// Users whose whole inbox is kept ([`Service::inbox`]).
pub const KEPT_INBOXES: usize = 64;
/// The most lines of an inbox that is kept.
pub const KEPT_INBOX_LINES: usize = 300;

/// Inboxes or counts kept by user (Chờ tôi xử lý); at most `MAX` users, then emptied.
pub(crate) struct Kept<T: Clone, const MAX: usize>(std::sync::Mutex<HashMap<Id, (KeptKey, T)>>);

impl<T: Clone, const MAX: usize> Default for Kept<T, MAX> {
    fn default() -> Self {
        Kept(std::sync::Mutex::new(HashMap::new()))
    }
}

impl<T: Clone, const MAX: usize> Kept<T, MAX> {
    fn get(&self, user: Id, key: KeptKey) -> Option<T> {
        let m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        m.get(&user)
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v.clone())
    }

    fn put(&self, user: Id, key: KeptKey, v: T) {
        let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if m.len() >= MAX && !m.contains_key(&user) {
            m.clear();
        }
        m.insert(user, (key, v));
    }
}

/// Kept header counts ([`Service::inbox_count`]).
pub(crate) type InboxCounts = Kept<usize, 4096>;
/// Kept whole inboxes ([`Service::inbox`]).
pub(crate) type Inboxes = Kept<Inbox, KEPT_INBOXES>;

/// Authority answers of one inbox, by act, level and the items' units: `authorise_on` reads
/// positions, delegations and units, and a queue of a hundred Mật proposals of one unit asks
/// the same question a hundred times.
type AuthorityMemo = std::collections::HashMap<(Act, Level, Vec<Option<Id>>), bool>;

fn may(
    a: &mut Act0<'_>,
    memo: &mut AuthorityMemo,
    act: Act,
    level: Level,
    items: &[SecretItem],
) -> bool {
    let mut units: Vec<Option<Id>> = items.iter().map(|i| i.unit_id).collect();
    units.sort();
    units.dedup();
    let key = (act, level, units);
    if let Some(x) = memo.get(&key) {
        return *x;
    }
    let today = a.ctx.today;
    let regime = a.rules.regime_for_or_first(today);
    let x = a
        .authorise_on(regime, act, level, today, None, items)
        .is_ok();
    memo.insert(key, x);
    x
}

/// The inbox; `full` also reads what only describes lines that are not waiting.
fn inbox_for(a: &mut Act0<'_>, full: bool) -> Result<Inbox> {
    let today = a.ctx.today;
    let me = a.actor.clone();
    let scope = a.scope();
    let regime = a.rules.regime_for_or_first(today);
    let mut lines = Vec::new();
    let leader = me.has(Role::Leader);
    let clerk = me.has(Role::Clerk);
    let officer = me.has(Role::SecurityOfficer);
    let drafter = full && (me.has(Role::Drafter) || leader || clerk);
    let mut memo = AuthorityMemo::new();

    // Leader: decisions he has the authority for (the acts' own predicate).
    if leader || officer {
        let proposals =
            a.tx.list_items(
                &scope,
                &ItemQuery {
                    status: Some(Status::Proposed),
                    limit: i64::MAX,
                    ..Default::default()
                },
            )?
            .rows;
        for it in proposals.iter().filter(|_| leader) {
            if !may(
                a,
                &mut memo,
                Act::Classify,
                it.level,
                std::slice::from_ref(it),
            ) {
                continue;
            }
            let since = if full { proposed_on(a, it)? } else { None }.unwrap_or(today);
            let mut l = line(
                InboxGroup::Decide,
                "Đề xuất độ mật chờ quyết định",
                InboxAct::Act(ActKind::DecideClassification),
                format!(
                    "{} — đề xuất độ {} của {}, ngày {}",
                    item_label(it),
                    it.level.label(),
                    it.drafter_name,
                    fmt_vn(since)
                ),
                since,
            );
            l.item_id = Some(it.id);
            lines.push(l);
        }
        let pending = a.tx.list_requests(
            &scope,
            &RequestQuery {
                status: Some(RequestStatus::Pending),
                ..Default::default()
            },
        )?;
        for r in &pending {
            let items = a.request_items(r)?;
            let level = items.iter().map(|i| i.level).max().unwrap_or(r.level);
            let act = request_act(r);
            let rule = regime.rule(act, level);
            let external = rule.external.is_some();
            // An outside decider: leaders and security officers record the decision.
            let mine = if external {
                crate::access::allows(&me, access::EXTERNAL_DECISION_RECORDERS)
            } else {
                leader && may(a, &mut memo, act, level, &items)
            };
            if !mine {
                continue;
            }
            let what = items.first().map(item_label).unwrap_or_default();
            let mut l = line(
                InboxGroup::Decide,
                if external {
                    "Ghi nhận quyết định của cấp ngoài cơ quan"
                } else {
                    "Đề nghị chờ quyết định"
                },
                InboxAct::Act(ActKind::Decide),
                format!(
                    "{}: {} — {} ({}), đề nghị của {}, ngày {}",
                    r.kind.label(),
                    what,
                    request_ask(r),
                    level.label(),
                    r.requester_name,
                    fmt_vn(r.requested_on)
                ),
                r.requested_on,
            );
            l.request_id = Some(r.id);
            l.item_id = r.item_ids.first().copied();
            lines.push(l);
        }
    }

    // Anyone: handovers waiting for my own signature.
    for e in a.pending_acks(Some(me.id))? {
        let mut l = line(
            InboxGroup::Sign,
            "Chuyển giao chờ bạn ký nhận",
            InboxAct::Act(ActKind::Acknowledge),
            format!(
                "Sổ chuyển giao số {:02}/{}: {}",
                e.number,
                e.year,
                entry_label(&e)
            ),
            e.date,
        );
        l.entry_id = Some(e.id);
        l.item_id = e.item_id;
        l.due = Some(e.date);
        l.urgency = if e.date < today {
            Urgency::Overdue
        } else {
            Urgency::Today
        };
        lines.push(l);
    }

    // Clerk: what is decided and waits for the register.
    if clerk {
        let decided =
            a.tx.list_items(
                &scope,
                &ItemQuery {
                    status: Some(Status::Classified),
                    origin: Some(Origin::Internal),
                    limit: i64::MAX,
                    ..Default::default()
                },
            )?
            .rows;
        for it in &decided {
            let since = it.classified_on.unwrap_or(today);
            let mut l = line(
                InboxGroup::Register,
                "Chờ vào sổ đi",
                InboxAct::Act(ActKind::RegisterOutgoing),
                format!(
                    "{} ({}), soạn thảo: {}; đã xác định độ mật ngày {}",
                    item_label(it),
                    it.level.label(),
                    it.drafter_name,
                    fmt_vn(since)
                ),
                since,
            );
            l.item_id = Some(it.id);
            lines.push(l);
        }
        let approved = a.tx.list_requests(
            &scope,
            &RequestQuery {
                status: Some(RequestStatus::Approved),
                ..Default::default()
            },
        )?;
        for r in &approved {
            let decided_on = r.decision.as_ref().map_or(r.requested_on, |d| d.on);
            let what = first_item_label(a, r)?;
            let (kind, act, text, due) = match &r.details {
                RequestDetails::Copy {
                    form,
                    count,
                    produced,
                    ..
                } if (produced.len() as u32) < *count => (
                    "Sao, chụp đã cho phép, chờ thực hiện",
                    InboxAct::Act(ActKind::ProduceCopies),
                    format!(
                        "{what}: {} {} bản (đã làm {}), cho phép ngày {}",
                        form.label(),
                        count,
                        produced.len(),
                        fmt_vn(decided_on)
                    ),
                    None,
                ),
                RequestDetails::TakeOut {
                    until,
                    returned_on: None,
                    ..
                } => (
                    "Tài liệu mang ra ngoài chưa trả",
                    InboxAct::Act(ActKind::TakeOutReturn),
                    format!("{what}: phải trả và báo cáo trước ngày {}", fmt_vn(*until)),
                    Some(*until),
                ),
                RequestDetails::Provide {
                    party,
                    provided_on: None,
                    ..
                } => (
                    "Cung cấp đã cho phép, chờ thực hiện",
                    InboxAct::Act(ActKind::CompleteProvision),
                    format!(
                        "{what}: cung cấp cho {party}, cho phép ngày {}",
                        fmt_vn(decided_on)
                    ),
                    None,
                ),
                RequestDetails::Destroy {
                    destroyed_on: None, ..
                } => (
                    "Tiêu hủy đã cho phép, chờ ghi nhận",
                    InboxAct::Act(ActKind::RecordDestruction),
                    format!("{what}: cho phép tiêu hủy ngày {}", fmt_vn(decided_on)),
                    None,
                ),
                _ => continue,
            };
            let mut l = line(InboxGroup::Register, kind, act, text, decided_on);
            l.request_id = Some(r.id);
            l.item_id = r.item_ids.first().copied();
            if let Some(d) = due {
                l.due = Some(d);
                l.urgency = urgency(d, today);
            }
            lines.push(l);
        }
        for e in a.pending_acks(None)? {
            if e.to_user == Some(me.id) {
                continue; // already listed as the clerk's own signature
            }
            let mut l = line(
                InboxGroup::Register,
                "Chuyển giao chưa ký nhận",
                InboxAct::Act(ActKind::Acknowledge),
                format!(
                    "Sổ chuyển giao số {:02}/{}: {} — giao cho {}",
                    e.number,
                    e.year,
                    entry_label(&e),
                    e.fields.get("to").cloned().unwrap_or_default()
                ),
                e.date,
            );
            l.entry_id = Some(e.id);
            l.item_id = e.item_id;
            lines.push(l);
        }
    }

    // Drafter: my proposals and requests, with their outcome.
    if drafter {
        let since = days_before(today, OUTCOME_DAYS);
        for status in [Status::Proposed, Status::Rejected, Status::Classified] {
            let mine: Vec<SecretItem> =
                a.tx.list_items(
                    &scope,
                    &ItemQuery {
                        status: Some(status),
                        limit: 500,
                        ..Default::default()
                    },
                )?
                .rows
                .into_iter()
                .filter(|i| i.drafter_id == Some(me.id))
                .collect();
            for it in &mine {
                let (outcome, reason, on) = match status {
                    Status::Proposed => ("Chờ quyết định".to_string(), None, proposed_on(a, it)?),
                    Status::Rejected => match rejection(a, it)? {
                        Some((on, why)) => ("Không duyệt".to_string(), Some(why), Some(on)),
                        None => ("Không duyệt".to_string(), None, None),
                    },
                    _ => (
                        format!("Đã duyệt: độ {}", it.level.label()),
                        None,
                        it.classified_on,
                    ),
                };
                let on = on.unwrap_or(today);
                if status != Status::Proposed && on < since {
                    continue;
                }
                let mut l = line(
                    InboxGroup::Mine,
                    "Đề xuất độ mật của tôi",
                    InboxAct::ViewItem,
                    format!("{} — đề xuất độ {}", item_label(it), it.level.label()),
                    on,
                );
                l.item_id = Some(it.id);
                l.outcome = Some(outcome);
                l.reason = reason;
                l.waiting = false;
                lines.push(l);
            }
        }
        let reqs = a.tx.list_requests(
            &scope,
            &RequestQuery {
                requester_id: Some(me.id),
                ..Default::default()
            },
        )?;
        for r in &reqs {
            let (outcome, reason, on) = match (&r.status, &r.decision) {
                (RequestStatus::Pending, _) => ("Chờ quyết định".to_string(), None, r.requested_on),
                (_, Some(d)) => (
                    if d.approved {
                        format!("Đã cho phép ({}, ngày {})", d.by_name, fmt_vn(d.on))
                    } else {
                        format!("Không cho phép ({}, ngày {})", d.by_name, fmt_vn(d.on))
                    },
                    d.reason.clone(),
                    d.on,
                ),
                (s, None) => (s.label().to_string(), None, r.requested_on),
            };
            if r.status != RequestStatus::Pending && on < since {
                continue;
            }
            let what = first_item_label(a, r)?;
            let mut l = line(
                InboxGroup::Mine,
                "Đề nghị của tôi",
                InboxAct::ViewItem,
                format!("{}: {} — {}", r.kind.label(), what, request_ask(r)),
                on,
            );
            l.request_id = Some(r.id);
            l.item_id = r.item_ids.first().copied();
            l.outcome = Some(outcome);
            l.reason = reason;
            l.waiting = false;
            lines.push(l);
        }
    }

    // Deadlines: the due list, to those it concerns (the security officer sees them all).
    let due = due_for(a, today)?;
    for o in due {
        use ObligationKind as K;
        let concerns = officer
            || (clerk && matches!(o.kind, K::Expiry | K::Notice | K::Recall | K::AnnualReport))
            || (leader
                && matches!(
                    o.kind,
                    K::Expiry
                        | K::AnnualReport
                        | K::PlanTask
                        | K::IncidentReport
                        | K::SubordinateReport
                ));
        // Decisions, handovers and take-outs are lines of their own above.
        let own_line = matches!(o.kind, K::Decision | K::HandoverAck | K::TakenOut);
        let extension = o.kind == K::ExtensionDeadline && leader;
        if own_line || !(concerns || extension) {
            continue;
        }
        if extension {
            // Only items this leader may extend (the act's predicate).
            let Some(item) = o.item_id.map(|i| a.item(i)).transpose()? else {
                continue;
            };
            let mine = may(
                a,
                &mut memo,
                Act::Extend,
                item.level,
                std::slice::from_ref(&item),
            );
            if !mine && !officer {
                continue;
            }
        }
        let reporter = officer || leader;
        let act = match o.kind {
            K::Commitment => InboxAct::ProgrammeCommitment,
            K::Remedy => InboxAct::ProgrammeInspection,
            K::IncidentReport => InboxAct::ProgrammeIncident,
            K::MeetingDocuments => InboxAct::ProgrammeMeeting,
            K::PlanTask | K::AnnualPlan | K::SubordinatePlan => InboxAct::ProgrammePlan,
            K::SubordinateReport | K::AnnualReport if reporter => InboxAct::ProgrammeReports,
            K::Notice if o.notice_id.is_some() => InboxAct::Act(ActKind::NoticeDone),
            K::Recall if o.item_id.is_some() => InboxAct::Act(ActKind::RecallReturn),
            K::ExtensionDeadline if o.item_id.is_some() => InboxAct::Act(ActKind::Extend),
            _ => InboxAct::ViewItem,
        };
        let mut l = line(
            InboxGroup::Deadlines,
            o.kind.label(),
            act,
            o.text.clone(),
            today,
        );
        l.item_id = o.item_id;
        l.notice_id = o.notice_id;
        l.request_id = o.request_id;
        l.entry_id = o.entry_id;
        l.due = Some(o.due);
        l.urgency = o.urgency;
        // Information (the annual report months ahead) is not a task yet.
        l.waiting = o.urgency != Urgency::Info;
        lines.push(l);
    }

    lines.sort_by(|x, y| {
        (x.group, !x.waiting, x.urgency, x.due, x.since)
            .cmp(&(y.group, !y.waiting, y.urgency, y.due, y.since))
    });
    let count = lines.iter().filter(|l| l.waiting).count();
    Ok(Inbox { lines, count })
}

/// A register entry as the clerk knows it: type and number/symbol of the document.
pub fn entry_label(e: &crate::registers::RegisterEntry) -> String {
    let t = e.fields.get("doc_type").cloned().unwrap_or_default();
    match e.fields.get("number_symbol") {
        Some(n) if !n.is_empty() => format!("{t} số {n}"),
        _ => t,
    }
}
