//! Thao tác được phép (acts open to the caller): for each item, request, register entry and
//! notice the services return, the acts the caller may take on it now.
//!
//! Each act's preconditions — role (`require_role`), status, origin, authority
//! (`Act0::authorise_on`, with its unit scope), copy permission, recall, visibility — are
//! written once, in the `check_*` functions of this module. The act calls its check before it
//! reads its input; each act's definition names, in its `open` (`act_defs`), the same check
//! for the question "is it open?", which [`Service::item_acts`] and its siblings ask of every
//! act of the object's kind, so what a page offers and what the service accepts cannot drift
//! apart. What depends on the input the
//! form chooses is defined here, per act:
//!
//! - **decide-classification**: open when the caller may decide the *proposed* level (approve
//!   or refuse the proposal as proposed); deciding another level is checked when submitted.
//! - **adjust**: open when the caller may adjust to the nearest other level: lowering to Mật
//!   (authority at the item's level) or, for a Mật item, raising to Tối mật.
//! - **extend**: open when one year of extension would be accepted (the shortest extension).
//! - **extend, adjust, declassify of an incoming item**: follow the originator's notice, so
//!   open to the people who record notices (`access::NOTICE_KEEPERS`), never by authority.
//! - **decide** on a request the law gives to a decider outside the agency: open to the people
//!   who record such decisions (`access::EXTERNAL_DECISION_RECORDERS`); the decision's
//!   document is checked when submitted.
//! - **acknowledge**: open to the recipient (signing himself) and to the clerk (recording the
//!   signature of the paper register).
//! - **propose, receive-incoming**: open when the role allows it and the caller is cleared for
//!   at least the lowest level.
//!
//! Every act is checked under the rules of today (the date a form opens with).

use super::act_defs::Target;
use super::*;
use crate::access;
use crate::acts::ActKind;
use crate::level;
use crate::registers::{RegisterEntry, RegisterKind};
use std::collections::BTreeMap;

// ------------------------------------------------------------------ the checks

/// Đề xuất xác định độ mật: the role, and a clearance for the proposed level.
pub(crate) fn check_propose(a: &Act0<'_>, level: Level) -> Result<()> {
    a.require_role(access::PROPOSERS, "Đề xuất độ mật")?;
    check_cleared(a, level)
}

/// Vào sổ BMNN đến: the clerk, cleared for the level on the envelope.
pub(crate) fn check_receive(a: &Act0<'_>, level: Level) -> Result<()> {
    a.require_role(access::CLERK, "Vào sổ đăng ký BMNN đến")?;
    check_cleared(a, level)
}

fn check_cleared(a: &Act0<'_>, l: Level) -> Result<()> {
    if level::cleared_for(a.actor.clearance, l) {
        return Ok(());
    }
    Err(CoreError::refused(
        "clearance_too_low",
        format!(
            "Bạn chưa được phép tiếp cận bí mật nhà nước độ {}.",
            l.label()
        ),
    ))
}

/// Quyết định xác định độ mật: a proposal, and authority for `level` over the item's unit.
pub(crate) fn check_decide_classification(
    a: &mut Act0<'_>,
    item: &SecretItem,
    regime: &Regime,
    level: Level,
    on: Date,
) -> Result<policy::Authority> {
    if item.status != Status::Proposed {
        return Err(CoreError::Conflict(format!(
            "{} không ở trạng thái chờ quyết định.",
            item.label()
        )));
    }
    a.authorise_on(
        regime,
        Act::Classify,
        level,
        on,
        None,
        std::slice::from_ref(item),
    )
}

/// Vào sổ đi: the clerk, an item of ours classified and not yet issued.
pub(crate) fn check_register_outgoing(a: &Act0<'_>, item: &SecretItem) -> Result<()> {
    a.require_role(access::CLERK, "Vào sổ đăng ký BMNN đi")?;
    if item.status != Status::Classified || item.origin != Origin::Internal {
        return Err(CoreError::Conflict(format!(
            "Chỉ vào sổ đi tài liệu đã được xác định độ mật và chưa phát hành; {} đang «{}».",
            item.label(),
            item.status.label()
        )));
    }
    Ok(())
}

/// Chuyển giao: the clerk, a protected item.
pub(crate) fn check_hand_over(a: &Act0<'_>, item: &SecretItem) -> Result<()> {
    a.require_role(access::CLERK, "Chuyển giao tài liệu BMNN")?;
    Act0::require_protected(item)
}

/// Ký nhận: an open handover entry whose item the caller sees; signed by its recipient, or
/// recorded from the paper register (`on_paper`) by the clerk.
pub(crate) fn check_acknowledge(a: &mut Act0<'_>, e: &RegisterEntry, on_paper: bool) -> Result<()> {
    if e.kind != RegisterKind::Handover {
        return Err(CoreError::invalid(
            "entry_id",
            "chỉ ký nhận mục của sổ chuyển giao",
        ));
    }
    if e.ack.is_some() || e.cancelled.is_some() {
        return Err(CoreError::Conflict(
            "Mục này đã được ký nhận hoặc đã hủy bỏ.".into(),
        ));
    }
    match (on_paper, e.to_user) {
        (true, _) => a.require_role(access::CLERK, "Ghi nhận chữ ký trên sổ giấy")?,
        (false, Some(u)) if u == a.actor.id => {}
        (false, _) => {
            return Err(CoreError::Forbidden(
                "Chỉ người nhận mới được ký nhận.".into(),
            ));
        }
    }
    if let Some(i) = e.item_id
        && !a.sees_item(i)?
    {
        return Err(CoreError::NotFound("tài liệu, vật chứa BMNN"));
    }
    Ok(())
}

/// Trả tài liệu thu hồi: the clerk, an item stamped for recall and not yet returned.
pub(crate) fn check_recall_return(a: &Act0<'_>, item: &SecretItem) -> Result<()> {
    a.require_role(access::CLERK, "Ghi nhận trả tài liệu thu hồi")?;
    if item.recall_due.is_none() || item.returned_on.is_some() {
        return Err(CoreError::Conflict(
            "Tài liệu này không có dấu thu hồi hoặc đã trả.".into(),
        ));
    }
    Ok(())
}

/// Hủy bỏ mục sổ: the clerk, an entry not yet cancelled whose item the caller sees.
pub(crate) fn check_cancel_entry(a: &mut Act0<'_>, e: &RegisterEntry) -> Result<()> {
    a.require_role(access::CLERK, "Hủy bỏ mục sổ")?;
    if let Some(item_id) = e.item_id {
        // Scoped by the item's current level, like every act on it.
        if !a.sees_item(item_id)? {
            return Err(CoreError::NotFound("mục sổ"));
        }
    }
    if e.cancelled.is_some() {
        return Err(CoreError::Conflict("Mục sổ này đã được hủy bỏ.".into()));
    }
    Ok(())
}

/// Đề nghị sao, chụp: a protected item decided «được phép sao, chụp».
pub(crate) fn check_request_copy(item: &SecretItem, regime: &Regime) -> Result<()> {
    Act0::require_protected(item)?;
    if !item.copy_allowed {
        return Err(CoreError::refused_cite(
            "copy_not_allowed",
            format!(
                "{} được xác định «không được phép sao, chụp»; không thể đề nghị sao, chụp.",
                item.label()
            ),
            regime,
            Cite::ClassifyDecision,
        ));
    }
    Ok(())
}

/// Đề nghị mang ra ngoài: a protected item not already out.
pub(crate) fn check_request_take_out(item: &SecretItem) -> Result<()> {
    Act0::require_protected(item)?;
    if item.taken_out.is_some() {
        return Err(CoreError::Conflict(format!(
            "{} đang được mang ra ngoài.",
            item.label()
        )));
    }
    Ok(())
}

/// Đề nghị cung cấp, chuyển giao: a protected item.
pub(crate) fn check_request_provide(item: &SecretItem) -> Result<()> {
    Act0::require_protected(item)
}

/// Đề nghị tiêu hủy: the role, and items in a state that can be destroyed.
pub(crate) fn check_request_destroy(a: &Act0<'_>, items: &[SecretItem]) -> Result<()> {
    a.require_role(access::DESTRUCTION_PROPOSERS, "Đề nghị tiêu hủy")?;
    for it in items {
        if matches!(
            it.status,
            Status::Destroyed | Status::Proposed | Status::Rejected
        ) {
            return Err(CoreError::Conflict(format!(
                "{} không thể tiêu hủy ở trạng thái «{}».",
                it.label(),
                it.status.label()
            )));
        }
    }
    Ok(())
}

/// Quyết định một đề nghị, before the authority: a pending request dated no later than `on`
/// whose items the caller sees and that are still in a state the request can act on. Returns
/// the items, the level that decides who may decide, and the act of the authority matrix.
pub(crate) fn check_decide_request(
    a: &mut Act0<'_>,
    r: &Request,
    on: Date,
) -> Result<(Vec<SecretItem>, Level, Act)> {
    if r.status != RequestStatus::Pending {
        return Err(CoreError::Conflict(format!(
            "{} đã được quyết định.",
            r.label()
        )));
    }
    if on < r.requested_on {
        return Err(CoreError::invalid(
            "date",
            "ngày quyết định trước ngày đề nghị",
        ));
    }
    // The items as the decider sees them now: their current level decides who may
    // decide, and a decider who cannot see one of them cannot decide.
    let items = a.request_items(r)?;
    let level = items.iter().map(|i| i.level).max().unwrap_or(r.level);
    for it in &items {
        match r.kind {
            RequestKind::Destroy if it.status == Status::Destroyed => {
                return Err(CoreError::Conflict(format!(
                    "{} đã được tiêu hủy.",
                    it.label()
                )));
            }
            RequestKind::Destroy => {}
            _ => Act0::require_protected(it)?,
        }
    }
    Ok((items, level, request_act(r)))
}

/// Ghi nhận quyết định của cấp ngoài cơ quan: only the people the agency names.
pub(crate) fn check_external_recorder(a: &Act0<'_>, who: &str) -> Result<()> {
    a.require_role(
        access::EXTERNAL_DECISION_RECORDERS,
        &format!("Ghi nhận quyết định của {who}"),
    )
}

/// Thực hiện sao, chụp: the clerk, an approved copy request on a protected item.
pub(crate) fn check_produce_copies(a: &mut Act0<'_>, r: &Request) -> Result<SecretItem> {
    a.require_role(access::CLERK, "Thực hiện sao, chụp")?;
    // Once every authorised copy is made, one more is the law's refusal (with what to do
    // instead, `copy_count_exceeded` in the act), not a bare conflict.
    let all_made =
        r.status == RequestStatus::Done && matches!(r.details, RequestDetails::Copy { .. });
    if r.status != RequestStatus::Approved && !all_made {
        return Err(CoreError::Conflict(format!(
            "{} chưa được cho phép hoặc đã hoàn thành.",
            r.label()
        )));
    }
    let item = a.item(r.item_ids[0])?;
    Act0::require_protected(&item)?;
    if !matches!(r.details, RequestDetails::Copy { .. }) {
        return Err(CoreError::invalid(
            "request_id",
            "đây không phải yêu cầu sao, chụp",
        ));
    }
    Ok(item)
}

/// Trả tài liệu mang ra ngoài: the clerk, an approved take-out request.
pub(crate) fn check_take_out_return(a: &mut Act0<'_>, r: &Request) -> Result<()> {
    a.require_role(access::CLERK, "Ghi nhận trả tài liệu")?;
    if !matches!(r.details, RequestDetails::TakeOut { .. }) {
        return Err(CoreError::invalid(
            "request_id",
            "không phải yêu cầu mang ra khỏi nơi lưu giữ",
        ));
    }
    if r.status != RequestStatus::Approved {
        return Err(CoreError::Conflict(
            "Yêu cầu chưa được cho phép hoặc tài liệu đã được trả.".into(),
        ));
    }
    a.request_items(r)?;
    Ok(())
}

/// Hoàn tất cung cấp: the clerk, an approved provision of a protected item.
pub(crate) fn check_complete_provision(a: &mut Act0<'_>, r: &Request) -> Result<SecretItem> {
    a.require_role(
        access::CLERK,
        "Chuyển giao tài liệu đã được cho phép cung cấp",
    )?;
    if r.status != RequestStatus::Approved {
        return Err(CoreError::Conflict(
            "Yêu cầu chưa được cho phép hoặc đã hoàn thành.".into(),
        ));
    }
    if !matches!(r.details, RequestDetails::Provide { .. }) {
        return Err(CoreError::invalid(
            "request_id",
            "không phải yêu cầu cung cấp, chuyển giao",
        ));
    }
    let item = a.item(r.item_ids[0])?;
    Act0::require_protected(&item)?;
    Ok(item)
}

/// Ghi nhận tiêu hủy: the role, an approved destruction request.
pub(crate) fn check_record_destruction(a: &mut Act0<'_>, r: &Request) -> Result<()> {
    a.require_role(access::DESTRUCTION_RECORDERS, "Ghi nhận tiêu hủy")?;
    if r.status != RequestStatus::Approved {
        return Err(CoreError::Conflict(
            "Yêu cầu tiêu hủy chưa được quyết định hoặc đã thực hiện.".into(),
        ));
    }
    if !matches!(r.details, RequestDetails::Destroy { .. }) {
        return Err(CoreError::invalid(
            "request_id",
            "không phải yêu cầu tiêu hủy",
        ));
    }
    a.request_items(r)?;
    Ok(())
}

/// Who may extend, adjust or declassify `item` at `level`: for an item of another agency the
/// people who record that agency's notice; for ours, authority over the item's unit.
pub(crate) fn check_lifecycle_authority(
    a: &mut Act0<'_>,
    item: &SecretItem,
    regime: &Regime,
    act: Act,
    level: Level,
    on: Date,
) -> Result<Option<policy::Authority>> {
    if item.origin == Origin::Incoming {
        a.require_role(
            access::NOTICE_KEEPERS,
            "Ghi nhận thông báo của cơ quan ban hành",
        )?;
        return Ok(None);
    }
    a.authorise_on(regime, act, level, on, None, std::slice::from_ref(item))
        .map(Some)
}

/// Gia hạn, before the authority: a protected item with an expiry date not yet passed.
/// Returns the current expiry.
pub(crate) fn check_extend(item: &SecretItem, on: Date) -> Result<Date> {
    Act0::require_protected(item)?;
    let old = item.expiry.ok_or_else(|| {
        CoreError::Conflict("Tài liệu này không có ngày hết thời hạn bảo vệ (địa điểm).".into())
    })?;
    if on > old {
        return Err(CoreError::refused(
            "already_expired",
            format!(
                "Thời hạn bảo vệ đã hết ngày {}; tài liệu đương nhiên được giải mật.",
                crate::dates::fmt_vn(old)
            ),
        ));
    }
    Ok(old)
}

/// Gia hạn by our decision: no later than the regime's deadline before the expiry.
pub(crate) fn check_extension_deadline(regime: &Regime, old: Date, on: Date) -> Result<()> {
    let deadline = crate::dates::days_before(old, regime.extension.deadline_days_before_expiry);
    if on > deadline {
        return Err(CoreError::refused_with(
            "extension_too_late",
            format!(
                "Phải quyết định gia hạn chậm nhất {} ngày trước ngày hết thời hạn bảo vệ ({}), tức là đến hết ngày {}.",
                regime.extension.deadline_days_before_expiry,
                crate::dates::fmt_vn(old),
                crate::dates::fmt_vn(deadline)
            ),
            &regime.extension.basis,
            regime.extension.confirmed,
        ));
    }
    Ok(())
}

/// Ghi nhận đã gửi thông báo: the role, an open notice on an item the caller sees.
pub(crate) fn check_notice_done(a: &mut Act0<'_>, n: &Notice) -> Result<()> {
    a.require_role(access::NOTICE_KEEPERS, "Ghi nhận đã thông báo")?;
    if n.done_on.is_some() {
        return Err(CoreError::NotFound("thông báo"));
    }
    a.item(n.item_id)
        .map_err(|_| CoreError::NotFound("thông báo"))?;
    Ok(())
}

/// Đính kèm tệp điện tử: the role, an item neither destroyed nor rejected.
pub(crate) fn check_attach(a: &Act0<'_>, item: &SecretItem) -> Result<()> {
    a.require_role(access::ATTACHERS, "Đính kèm tệp điện tử")?;
    if matches!(item.status, Status::Destroyed | Status::Rejected) {
        return Err(CoreError::Conflict(format!(
            "{} đang ở trạng thái «{}»; không thể đính kèm tệp.",
            item.label(),
            item.status.label()
        )));
    }
    Ok(())
}

/// The level an adjustment is open at (see the module doc): the nearest other level.
pub fn adjust_open_target(item_level: Level) -> Level {
    match item_level {
        Level::Mat => Level::ToiMat,
        _ => Level::Mat,
    }
}

// ------------------------------------------------------------------ acts open

/// An item with the acts open to the caller on it and on its requests and notices.
#[derive(Debug, Clone)]
pub struct ItemView {
    pub detail: ItemDetail,
    /// Thao tác được phép on the item.
    pub acts: Vec<ActKind>,
    /// Per request of `detail.requests`, by request id.
    pub request_acts: BTreeMap<Id, Vec<ActKind>>,
    /// Per notice of `detail.notices`, by notice id.
    pub notice_acts: BTreeMap<Id, Vec<ActKind>>,
    /// A file may be attached (the upload form, `Service::add_attachment`).
    pub may_attach: bool,
}

/// A check's answer as "open": a refusal is "not open", a failing store an error.
pub(crate) fn ok(r: Result<impl Sized>) -> Result<bool> {
    match r {
        Ok(_) => Ok(true),
        // The store failing is not "closed": it is an error of the page.
        Err(e @ (CoreError::Storage(_) | CoreError::Unavailable | CoreError::Unauthenticated)) => {
            Err(e)
        }
        Err(_) => Ok(false),
    }
}

/// Extension (gia hạn) open on the item: a period to extend, the authority for its level and,
/// for the agency's own documents, the law's deadline before expiry (incoming items are
/// extended on the originator's notice).
pub(crate) fn open_extend(a: &mut Act0<'_>, item: &SecretItem) -> Result<bool> {
    let (on, regime) = a.act_date(None)?;
    match check_extend(item, on) {
        Ok(old) => {
            let by_notice = item.origin == Origin::Incoming;
            Ok(ok(check_lifecycle_authority(
                a,
                item,
                regime,
                Act::Extend,
                item.level,
                on,
            ))? && (by_notice || ok(check_extension_deadline(regime, old, on))?))
        }
        // A pure check: its refusal is "not open".
        Err(_) => Ok(false),
    }
}

/// Adjustment (điều chỉnh độ mật) open on a protected item, with the authority for the highest
/// level it could be adjusted to.
pub(crate) fn open_adjust(a: &mut Act0<'_>, item: &SecretItem) -> Result<bool> {
    let (on, regime) = a.act_date(None)?;
    Ok(Act0::require_protected(item).is_ok() && {
        let top = adjust_open_target(item.level).max(item.level);
        ok(check_lifecycle_authority(
            a,
            item,
            regime,
            Act::Adjust,
            top,
            on,
        ))?
    })
}

/// Declassification (giải mật) open on a protected item, with the authority for its level.
pub(crate) fn open_declassify(a: &mut Act0<'_>, item: &SecretItem) -> Result<bool> {
    let (on, regime) = a.act_date(None)?;
    Ok(Act0::require_protected(item).is_ok()
        && ok(check_lifecycle_authority(
            a,
            item,
            regime,
            Act::Declassify,
            item.level,
            on,
        ))?)
}

/// A decision (quyết định) open on the request: pending, and the actor holds the authority the
/// law gives for it (or, when the law gives it outside the agency, may record that decision).
pub(crate) fn open_decide(a: &mut Act0<'_>, r: &Request) -> Result<bool> {
    let (on, regime) = a.act_date(None)?;
    match check_decide_request(a, r, on) {
        Ok((items, level, act)) => {
            let rule = regime.rule(act, level);
            match &rule.external {
                Some(who) => ok(check_external_recorder(a, who)),
                None => ok(a.authorise_on(regime, act, level, on, None, &items)),
            }
        }
        Err(e) => ok(Err::<(), _>(e)),
    }
}

impl Act0<'_> {
    /// The acts open to the actor on `target`, in [`ActKind::ALL`]'s order: each act of the
    /// target's kind asked through its definition ([`ActKind::open`]).
    fn acts_open(&mut self, target: Target<'_>) -> Result<Vec<ActKind>> {
        let on = target.on();
        let mut out = Vec::new();
        for k in ActKind::ALL {
            if k.on() == on && k.open(self, target)? {
                out.push(k);
            }
        }
        Ok(out)
    }

    /// Acts open on nothing yet: propose and receive-incoming.
    pub(crate) fn acts_open_new(&mut self) -> Result<Vec<ActKind>> {
        self.acts_open(Target::Nothing(()))
    }

    pub(crate) fn acts_open_item(&mut self, item: &SecretItem) -> Result<Vec<ActKind>> {
        self.acts_open(Target::Item(item))
    }

    pub(crate) fn acts_open_request(&mut self, r: &Request) -> Result<Vec<ActKind>> {
        self.acts_open(Target::Request(r))
    }

    pub(crate) fn acts_open_entry(&mut self, e: &RegisterEntry) -> Result<Vec<ActKind>> {
        self.acts_open(Target::Entry(e))
    }

    pub(crate) fn acts_open_notice(&mut self, n: &Notice) -> Result<Vec<ActKind>> {
        self.acts_open(Target::Notice(n))
    }
}

impl<S: Store> Service<S> {
    /// The item with its history (recorded as a read, like [`Service::item_detail`]) and the
    /// acts open to the caller on it, its requests and its notices.
    pub fn item_view(&self, ctx: &Ctx, id: Id) -> Result<ItemView> {
        let detail = self.item_detail(ctx, id)?;
        self.read(ctx, |a| {
            let acts = a.acts_open_item(&detail.item)?;
            let may_attach = ok(check_attach(a, &detail.item))?;
            let mut request_acts = BTreeMap::new();
            for r in &detail.requests {
                request_acts.insert(r.id, a.acts_open_request(r)?);
            }
            let mut notice_acts = BTreeMap::new();
            for n in &detail.notices {
                notice_acts.insert(n.id, a.acts_open_notice(n)?);
            }
            Ok(ItemView {
                detail,
                acts,
                request_acts,
                notice_acts,
                may_attach,
            })
        })
    }

    /// The acts open to the caller on a visible item (not found when hidden).
    pub fn item_acts(&self, ctx: &Ctx, id: Id) -> Result<Vec<ActKind>> {
        self.read(ctx, |a| {
            let item = a.item(id)?;
            a.acts_open_item(&item)
        })
    }

    /// The acts open to the caller on a visible request.
    pub fn request_acts(&self, ctx: &Ctx, id: Id) -> Result<Vec<ActKind>> {
        self.read(ctx, |a| {
            let r = a.request(id)?;
            a.acts_open_request(&r)
        })
    }

    /// Requests of the query, each with the acts open to the caller on it.
    pub fn requests_with_acts(
        &self,
        ctx: &Ctx,
        q: RequestQuery,
    ) -> Result<Vec<(Request, Vec<ActKind>)>> {
        self.read(ctx, |a| {
            let scope = a.scope();
            let list = a.tx.list_requests(&scope, &q)?;
            let mut out = Vec::with_capacity(list.len());
            for r in list {
                let acts = a.acts_open_request(&r)?;
                out.push((r, acts));
            }
            Ok(out)
        })
    }

    /// The acts open to the caller on each of `entries` (same order), e.g. a register page.
    pub fn entry_acts(&self, ctx: &Ctx, entries: &[RegisterEntry]) -> Result<Vec<Vec<ActKind>>> {
        self.read(ctx, |a| entry_acts_in(a, entries))
    }

    /// The acts open to the caller on a visible register entry.
    pub fn entry_acts_by_id(&self, ctx: &Ctx, id: Id) -> Result<Vec<ActKind>> {
        self.read(ctx, |a| {
            let scope = a.scope();
            let e =
                a.tx.get_register_entry(&scope, id)?
                    .ok_or(CoreError::NotFound("mục sổ"))?;
            a.acts_open_entry(&e)
        })
    }

    /// The acts open to the caller on a visible notice (open or done).
    pub fn notice_acts(&self, ctx: &Ctx, id: Id) -> Result<Vec<ActKind>> {
        self.read(ctx, |a| {
            let scope = a.scope();
            let n =
                a.tx.list_notices(
                    &scope,
                    &NoticeQuery {
                        open_only: false,
                        item_id: None,
                    },
                )?
                .into_iter()
                .find(|n| n.id == id)
                .ok_or(CoreError::NotFound("thông báo"))?;
            a.acts_open_notice(&n)
        })
    }

    /// Notices of the query, each with the acts open to the caller on it.
    pub fn notices_with_acts(
        &self,
        ctx: &Ctx,
        q: NoticeQuery,
    ) -> Result<Vec<(Notice, Vec<ActKind>)>> {
        self.read(ctx, |a| {
            let scope = a.scope();
            let list = a.tx.list_notices(&scope, &q)?;
            let mut out = Vec::with_capacity(list.len());
            for n in list {
                let acts = a.acts_open_notice(&n)?;
                out.push((n, acts));
            }
            Ok(out)
        })
    }

    /// The acts that create an item open to the caller (propose, receive-incoming).
    pub fn acts_open_new(&self, ctx: &Ctx) -> Result<Vec<ActKind>> {
        self.read(ctx, |a| a.acts_open_new())
    }
}

/// [`Service::entry_acts`] inside a transaction: the entries' items' visibility asked at once.
pub(crate) fn entry_acts_in(
    a: &mut Act0<'_>,
    entries: &[RegisterEntry],
) -> Result<Vec<Vec<ActKind>>> {
    let items: Vec<Id> = entries.iter().filter_map(|e| e.item_id).collect();
    a.prefetch_seen(&items)?;
    entries.iter().map(|e| a.acts_open_entry(e)).collect()
}
