//! Requests that need an authorised decision: copy/photograph (sao, chụp), take out of
//! storage (mang ra khỏi nơi lưu giữ), provide (cung cấp, chuyển giao), destroy (tiêu hủy).
//!
//! Request → decision by a person with authority for the item's level (refusals in writing,
//! with reasons) → the act itself, recorded in the right register. Copying produces exactly
//! the authorised count, numbered per source item; one more is refused; surplus and spoilt
//! copies are recorded destroyed (ND26 Điều 3.3).

use super::*;
use crate::access;
use crate::dates::fmt_vn;
use crate::level;
use crate::registers::{NewEntry, RegisterEntry, RegisterKind};
use crate::validate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CopyRequestCmd {
    pub item_id: Id,
    pub form: CopyForm,
    #[schemars(range(min = 1, max = 1000))]
    pub count: u32,
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub purpose: String,
    #[serde(default)]
    pub recipients: Vec<String>,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TakeOutCmd {
    pub item_id: Id,
    pub abroad: bool,
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub purpose: String,
    pub place: String,
    #[serde(with = "crate::dates::iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub from: Date,
    #[serde(with = "crate::dates::iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub until: Date,
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub measures: String,
    #[serde(default)]
    pub delegation_head: Option<String>,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProvideCmd {
    pub item_id: Id,
    pub foreign: bool,
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub party: String,
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub representative: String,
    #[serde(default)]
    pub identity: String,
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub purpose: String,
    pub commitment: bool,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DestroyCmd {
    #[schemars(schema_with = "crate::schema::id_list")]
    pub item_ids: Vec<Id>,
    #[serde(default)]
    pub emergency: bool,
    #[serde(default)]
    pub council: Vec<String>,
    #[serde(default)]
    pub council_decision_ref: Option<String>,
    #[serde(default)]
    pub council_minutes_ref: Option<String>,
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub method: String,
    pub place: String,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

/// A decision on a pending request.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DecideCmd {
    pub request_id: Id,
    pub approve: bool,
    #[serde(default)]
    pub reason: Option<String>,
    /// Reference of the outside decision (e.g. the Prime Minister's) when the law requires it
    /// (older clients; `external` is required now).
    #[serde(default)]
    pub external_ref: Option<String>,
    /// The outside decision when the law gives the act to a decider outside the agency:
    /// recorded by a person the agency names, with number, date, signer and scanned copy.
    #[serde(default)]
    pub external: Option<ExternalDecision>,
    #[serde(default)]
    pub reference: Option<String>,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProduceCopiesCmd {
    pub request_id: Id,
    /// Copies made in this batch.
    #[schemars(range(min = 1))]
    pub count: u32,
    /// Spoilt or surplus copies destroyed at once.
    #[serde(default)]
    pub spoilt_destroyed: u32,
    #[serde(default)]
    pub operator: Option<String>,
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CompleteCmd {
    pub request_id: Id,
    #[serde(default)]
    pub report: Option<String>,
    #[serde(default)]
    pub minutes_ref: Option<String>,
    #[serde(default)]
    pub performers: Vec<String>,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::schema::act_date")]
    pub date: Option<Date>,
}

/// One line of the destruction minutes (biên bản tiêu hủy), TT07 Điều 13.4.d.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DestroyedLine {
    pub item_id: Id,
    pub number_symbol: String,
    pub level: Level,
    /// Type and summary (no summary for Tuyệt mật where the regime forbids it).
    pub description: String,
    pub copies: u32,
}

impl<S: Store> Service<S> {
    fn new_request(
        a: &mut Act0<'_>,
        kind: RequestKind,
        items: &[SecretItem],
        on: Date,
        details: RequestDetails,
    ) -> Result<Request> {
        let level = items
            .iter()
            .map(|i| i.level)
            .max()
            .expect("at least one item");
        let mut r = Request {
            id: 0,
            kind,
            item_ids: items.iter().map(|i| i.id).collect(),
            level,
            requester_id: a.actor.id,
            requester_name: a.actor.full_name.clone(),
            requested_on: on,
            status: RequestStatus::Pending,
            decision: None,
            details,
        };
        r.id = a.tx.insert_request(&r)?;
        Ok(r)
    }

    /// Đề nghị sao, chụp. Refused when the item does not allow copying (Law Điều 10.2).
    pub fn request_copy(&self, ctx: &Ctx, c: CopyRequestCmd) -> Result<Request> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            let item = a.item(c.item_id)?;
            let (on, regime) = a.act_date(c.date)?;
            check_request_copy(&item, regime)?;
            if c.count == 0 || c.count > 1000 {
                return Err(CoreError::invalid(
                    "count",
                    "số lượng bản sao phải từ 1 đến 1.000",
                ));
            }
            let purpose = non_empty("purpose", &c.purpose)?;
            let r = Self::new_request(
                a,
                RequestKind::Copy,
                std::slice::from_ref(&item),
                on,
                RequestDetails::Copy {
                    form: c.form,
                    count: c.count,
                    purpose,
                    recipients: c.recipients,
                    produced: vec![],
                    surplus_destroyed: 0,
                    operator: None,
                    place: None,
                },
            )?;
            a.event(
                &item,
                "copy-requested",
                on,
                &regime.code,
                regime.cite(Cite::Copy),
                Some(r.label()),
                None,
                format!("{} {} bản", c.form.label(), c.count),
            )?;
            a.audit(
                "request.copy",
                format!("request:{}", r.id),
                format!("item={} count={}", item.id, c.count),
            )?;
            Ok(r)
        })
    }

    /// Văn bản xin phép mang tài liệu ra khỏi nơi lưu giữ (ND26 Điều 5).
    pub fn request_take_out(&self, ctx: &Ctx, c: TakeOutCmd) -> Result<Request> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            let item = a.item(c.item_id)?;
            check_request_take_out(&item)?;
            let (on, regime) = a.act_date(c.date)?;
            if c.until < c.from {
                return Err(CoreError::invalid(
                    "until",
                    "ngày kết thúc trước ngày bắt đầu",
                ));
            }
            let head = opt_text(&c.delegation_head);
            if c.abroad && head.is_none() {
                return Err(CoreError::invalid(
                    "delegation_head",
                    format!(
                        "mang ra nước ngoài phải báo cáo Trưởng đoàn công tác ({})",
                        regime.cite(Cite::TakeOutAbroad).basis
                    ),
                ));
            }
            let r = Self::new_request(
                a,
                RequestKind::TakeOut,
                std::slice::from_ref(&item),
                on,
                RequestDetails::TakeOut {
                    abroad: c.abroad,
                    purpose: non_empty("purpose", &c.purpose)?,
                    place: non_empty("place", &c.place)?,
                    from: c.from,
                    until: c.until,
                    measures: non_empty("measures", &c.measures)?,
                    delegation_head: head,
                    returned_on: None,
                    return_report: None,
                },
            )?;
            a.event(
                &item,
                "take-out-requested",
                on,
                &regime.code,
                regime.cite(Cite::TakeOut),
                Some(r.label()),
                None,
                String::new(),
            )?;
            a.audit(
                "request.take-out",
                format!("request:{}", r.id),
                format!("item={} abroad={}", item.id, c.abroad),
            )?;
            Ok(r)
        })
    }

    /// Văn bản đề nghị cung cấp, chuyển giao (Law Điều 15–16).
    pub fn request_provide(&self, ctx: &Ctx, c: ProvideCmd) -> Result<Request> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            let item = a.item(c.item_id)?;
            check_request_provide(&item)?;
            let (on, regime) = a.act_date(c.date)?;
            if !c.commitment {
                return Err(CoreError::refused_cite(
                    "commitment_required",
                    if c.foreign {
                        "Văn bản đề nghị phải có cam kết bảo vệ bí mật nhà nước và không cung cấp cho bên thứ ba khi chưa có sự đồng ý của bên cung cấp."
                    } else {
                        "Văn bản đề nghị phải có cam kết bảo vệ bí mật nhà nước được cung cấp."
                    },
                    regime,
                    if c.foreign { Cite::CommitmentForeign } else { Cite::CommitmentDomestic },
                ));
            }
            let r = Self::new_request(a, RequestKind::Provide, std::slice::from_ref(&item), on, RequestDetails::Provide {
                foreign: c.foreign,
                party: non_empty("party", &c.party)?,
                representative: non_empty("representative", &c.representative)?,
                identity: c.identity.trim().to_string(),
                purpose: non_empty("purpose", &c.purpose)?,
                commitment: true,
                provided_on: None,
            })?;
            a.event(&item, "provide-requested", on, &regime.code, regime.cite(Cite::Provide), Some(r.label()), None, String::new())?;
            a.audit("request.provide", format!("request:{}", r.id), format!("item={} foreign={}", item.id, c.foreign))?;
            Ok(r)
        })
    }

    /// Đề nghị tiêu hủy (Law Điều 23): a council reviews; an authorised person decides.
    /// Emergency (23.1.b): the holder decides at once and must report in writing to the head.
    pub fn request_destroy(&self, ctx: &Ctx, c: DestroyCmd) -> Result<Request> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(access::DESTRUCTION_PROPOSERS, "Đề nghị tiêu hủy")?;
            if c.item_ids.is_empty() {
                return Err(CoreError::invalid("item_ids", "chọn ít nhất một tài liệu"));
            }
            let (on, regime) = a.act_date(c.date)?;
            let mut items = Vec::new();
            for id in &c.item_ids {
                items.push(a.item(*id)?);
            }
            check_request_destroy(a, &items)?;
            if !c.emergency && c.council.iter().all(|m| m.trim().is_empty()) {
                return Err(CoreError::refused_cite(
                    "council_required",
                    "Phải thành lập Hội đồng tiêu hủy (chủ tịch là lãnh đạo cơ quan, người trực tiếp lưu giữ và đại diện cơ quan liên quan).",
                    regime,
                    Cite::DestroyCouncil,
                ));
            }
            if c.emergency && items.iter().any(|i| i.holder_id != Some(a.actor.id)) {
                return Err(CoreError::refused_cite(
                    "emergency_not_holder",
                    "Tiêu hủy khẩn cấp chỉ do người đang quản lý tài liệu quyết định.",
                    regime,
                    Cite::DestroyEmergency,
                ));
            }
            let mut r = Self::new_request(a, RequestKind::Destroy, &items, on, RequestDetails::Destroy {
                emergency: c.emergency,
                council: c.council.iter().map(|m| m.trim().to_string()).filter(|m| !m.is_empty()).collect(),
                council_decision_ref: opt_text(&c.council_decision_ref),
                council_minutes_ref: opt_text(&c.council_minutes_ref),
                method: non_empty("method", &c.method)?,
                place: non_empty("place", &c.place)?,
                performers: vec![],
                minutes_ref: None,
                destroyed_on: None,
            })?;
            if c.emergency {
                r.status = RequestStatus::Approved;
                r.decision = Some(Decision {
                    by: Some(a.actor.id),
                    by_name: a.actor.full_name.clone(),
                    on,
                    regime: regime.code.clone(),
                    basis: format!(
                        "{} — phải báo cáo ngay bằng văn bản cho người đứng đầu",
                        regime.cite(Cite::DestroyEmergency).basis
                    ),
                    confirmed: regime.cite(Cite::DestroyEmergency).confirmed,
                    delegation_id: None,
                    external_ref: None,
                    external: None,
                    reference: None,
                    approved: true,
                    reason: None,
                });
                a.tx.update_request(&r)?;
            }
            for it in &items {
                a.event(it, "destroy-requested", on, &regime.code, regime.cite(Cite::Destroy), Some(r.label()), None, if c.emergency { "Khẩn cấp".into() } else { String::new() })?;
            }
            a.audit("request.destroy", format!("request:{}", r.id), format!("items={} emergency={}", items.len(), c.emergency))?;
            Ok(r)
        })
    }

    /// Decision on a pending request by a person with authority for its level.
    pub fn decide(&self, ctx: &Ctx, c: DecideCmd) -> Result<Request> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            let mut r = a.request(c.request_id)?;
            let (on, regime) = a.act_date(c.date)?;
            let (items, level, act) = check_decide_request(a, &r, on)?;
            let rule = regime.rule(act, level);
            let external = match &rule.external {
                Some(who) => Some(external_decision(a, who, rule, &c, &r, &items, on)?),
                None => None,
            };
            let auth = a.authorise_on(
                regime,
                act,
                level,
                on,
                external.as_ref().map(|x| x.number.as_str()),
                &items,
            )?;
            let reason = opt_text(&c.reason);
            if !c.approve && reason.is_none() {
                return Err(CoreError::invalid(
                    "reason",
                    "từ chối phải bằng văn bản và nêu rõ lý do",
                ));
            }
            let mut decision = a.decision(&auth, on, c.approve, reason, opt_text(&c.reference));
            decision.external = external;
            r.decision = Some(decision);
            r.status = if c.approve {
                RequestStatus::Approved
            } else {
                RequestStatus::Refused
            };
            if c.approve
                && let RequestDetails::TakeOut { .. } = r.details
            {
                for id in &r.item_ids {
                    let mut it = a.item(*id)?;
                    it.taken_out = Some(r.id);
                    a.tx.update_item(&it)?;
                }
            }
            a.tx.update_request(&r)?;
            for id in r.item_ids.clone() {
                let it = a.item(id)?;
                let kind = if c.approve {
                    "request-approved"
                } else {
                    "request-refused"
                };
                a.event(
                    &it,
                    kind,
                    on,
                    &regime.code,
                    &auth.citation(),
                    Some(r.label()),
                    delegation_of(&auth),
                    format!(
                        "{}: {}",
                        r.kind.label(),
                        if c.approve {
                            "cho phép"
                        } else {
                            "từ chối"
                        }
                    ),
                )?;
            }
            a.audit(
                "request.decide",
                format!("request:{}", r.id),
                format!("approve={} via={:?}", c.approve, auth.via),
            )?;
            Ok(r)
        })
    }

    /// Văn thư sao, chụp: exactly the authorised count, numbered per source item.
    pub fn produce_copies(
        &self,
        ctx: &Ctx,
        c: ProduceCopiesCmd,
    ) -> Result<(Request, RegisterEntry)> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(access::CLERK, "Thực hiện sao, chụp")?;
            let mut r = a.request(c.request_id)?;
            let mut item = check_produce_copies(a, &r)?;
            let (on, regime) = a.act_date(c.date)?;
            let decision = r.decision.clone().expect("approved has a decision");
            let RequestDetails::Copy { form, count, recipients, produced, surplus_destroyed, operator, place, .. } = &mut r.details else {
                return Err(CoreError::invalid("request_id", "đây không phải yêu cầu sao, chụp"));
            };
            if c.count == 0 {
                return Err(CoreError::invalid("count", "số bản sao phải lớn hơn 0"));
            }
            let remaining = *count - produced.len() as u32;
            if c.count > remaining {
                return Err(CoreError::refused_cite(
                    "copy_count_exceeded",
                    if remaining == 0 {
                        format!("Đã sao, chụp đủ {count} bản được cho phép. Muốn sao, chụp thêm phải lập đề nghị mới và được người có thẩm quyền cho phép.")
                    } else {
                        format!("Chỉ được sao, chụp đúng {count} bản đã được cho phép; đã thực hiện {} bản, còn {remaining} bản.", produced.len())
                    },
                    regime,
                    Cite::CopyCount,
                ));
            }
            let first = item.next_copy_no;
            let numbers: Vec<u32> = (first..first + c.count).collect();
            item.next_copy_no += c.count;
            produced.extend(&numbers);
            *surplus_destroyed = surplus_destroyed.saturating_add(c.spoilt_destroyed);
            *operator = opt_text(&c.operator).or_else(|| Some(a.actor.full_name.clone()));
            *place = opt_text(&c.place);
            let done = produced.len() as u32 == *count;
            let mut fields = BTreeMap::new();
            fields.insert("date".into(), fmt_vn(on));
            fields.insert("source".into(), item.number_symbol.clone().unwrap_or_else(|| item.label()));
            fields.insert("form".into(), form.label().into());
            fields.insert(
                "authoriser".into(),
                match &decision.external_ref {
                    Some(x) => x.clone(),
                    None => format!("{} ({})", decision.by_name, fmt_vn(decision.on)),
                },
            );
            fields.insert("quantity".into(), count.to_string());
            fields.insert(
                "copy_numbers".into(),
                if numbers.len() == 1 { format!("{}", numbers[0]) } else { format!("{}–{}", numbers[0], numbers[numbers.len() - 1]) },
            );
            fields.insert("operator".into(), operator.clone().unwrap_or_default());
            fields.insert("recipients".into(), recipients.join("; "));
            fields.insert("surplus".into(), c.spoilt_destroyed.to_string());
            let entry = a.tx.append_register(&NewEntry {
                kind: RegisterKind::Copies,
                date: on,
                item_id: Some(item.id),
                request_id: Some(r.id),
                level: item.level,
                regime: regime.code.clone(),
                fields,
                corrects: None,
                created_by: a.actor.id,
                to_user: None,
            })?;
            if done {
                r.status = RequestStatus::Done;
            }
            a.tx.update_request(&r)?;
            a.tx.update_item(&item)?;
            a.event(&item, "copies-produced", on, &regime.code, regime.cite(Cite::Copy), Some(format!("Sổ sao, chụp {}/{:02}", entry.year, entry.number)), None, format!("Bản sao số {}; hủy {} bản thừa, hỏng", entry.fields["copy_numbers"], c.spoilt_destroyed))?;
            a.audit("register.copies", format!("register:copies:{}:{}", entry.year, entry.number), format!("request={} n={}", r.id, c.count))?;
            Ok((r, entry))
        })
    }

    /// Return of an item taken out, with the report on its use (ND26 Điều 5.1).
    pub fn record_take_out_return(&self, ctx: &Ctx, c: CompleteCmd) -> Result<Request> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(access::CLERK, "Ghi nhận trả tài liệu")?;
            let mut r = a.request(c.request_id)?;
            check_take_out_return(a, &r)?;
            let (on, regime) = a.act_date(c.date)?;
            let RequestDetails::TakeOut {
                returned_on,
                return_report,
                ..
            } = &mut r.details
            else {
                return Err(CoreError::invalid(
                    "request_id",
                    "không phải yêu cầu mang ra khỏi nơi lưu giữ",
                ));
            };
            *returned_on = Some(on);
            *return_report = Some(non_empty("report", c.report.as_deref().unwrap_or(""))?);
            r.status = RequestStatus::Done;
            a.tx.update_request(&r)?;
            for id in r.item_ids.clone() {
                let mut it = a.item(id)?;
                it.taken_out = None;
                a.tx.update_item(&it)?;
                a.event(
                    &it,
                    "returned",
                    on,
                    &regime.code,
                    regime.cite(Cite::TakeOutReturn),
                    Some(r.label()),
                    None,
                    String::new(),
                )?;
            }
            a.audit("request.return", format!("request:{}", r.id), String::new())?;
            Ok(r)
        })
    }

    /// Delivers an approved provision: a handover entry to the party.
    pub fn complete_provision(
        &self,
        ctx: &Ctx,
        c: CompleteCmd,
    ) -> Result<(Request, RegisterEntry)> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(
                access::CLERK,
                "Chuyển giao tài liệu đã được cho phép cung cấp",
            )?;
            let mut r = a.request(c.request_id)?;
            let mut item = check_complete_provision(a, &r)?;
            let (on, regime) = a.act_date(c.date)?;
            let RequestDetails::Provide {
                party,
                representative,
                provided_on,
                ..
            } = &mut r.details
            else {
                return Err(CoreError::invalid(
                    "request_id",
                    "không phải yêu cầu cung cấp, chuyển giao",
                ));
            };
            *provided_on = Some(on);
            let to = format!("{party} ({representative})");
            let mut fields = BTreeMap::new();
            fields.insert("date".into(), fmt_vn(on));
            if let Some(n) = &item.number_symbol {
                fields.insert("number_symbol".into(), n.clone());
            }
            fields.insert("quantity".into(), "1".into());
            fields.insert("from".into(), a.actor.full_name.clone());
            fields.insert("to".into(), to.clone());
            fields.insert("note".into(), format!("Cung cấp theo {}", r.phrase()));
            let entry = a.tx.append_register(&NewEntry {
                kind: RegisterKind::Handover,
                date: on,
                item_id: Some(item.id),
                request_id: Some(r.id),
                level: item.level,
                regime: regime.code.clone(),
                fields,
                corrects: None,
                created_by: a.actor.id,
                to_user: None,
            })?;
            if !item.recipients.contains(&to) {
                item.recipients.push(to);
                a.tx.update_item(&item)?;
            }
            r.status = RequestStatus::Done;
            a.tx.update_request(&r)?;
            a.event(
                &item,
                "provided",
                on,
                &regime.code,
                regime.cite(Cite::Provide),
                Some(format!("Sổ chuyển giao {}/{:02}", entry.year, entry.number)),
                None,
                String::new(),
            )?;
            a.audit(
                "request.provided",
                format!("request:{}", r.id),
                String::new(),
            )?;
            Ok((r, entry))
        })
    }

    /// Records the destruction (biên bản tiêu hủy) listing each item.
    pub fn record_destruction(
        &self,
        ctx: &Ctx,
        c: CompleteCmd,
    ) -> Result<(Request, Vec<DestroyedLine>)> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(access::DESTRUCTION_RECORDERS, "Ghi nhận tiêu hủy")?;
            let mut r = a.request(c.request_id)?;
            check_record_destruction(a, &r)?;
            let (on, regime) = a.act_date(c.date)?;
            let RequestDetails::Destroy {
                performers,
                minutes_ref,
                destroyed_on,
                ..
            } = &mut r.details
            else {
                return Err(CoreError::invalid(
                    "request_id",
                    "không phải yêu cầu tiêu hủy",
                ));
            };
            let p: Vec<String> = c
                .performers
                .iter()
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect();
            if p.is_empty() {
                return Err(CoreError::invalid(
                    "performers",
                    "phải ghi người thực hiện tiêu hủy",
                ));
            }
            *performers = p;
            *minutes_ref = Some(non_empty(
                "minutes_ref",
                c.minutes_ref.as_deref().unwrap_or(""),
            )?);
            *destroyed_on = Some(on);
            r.status = RequestStatus::Done;
            a.tx.update_request(&r)?;
            let mut lines = Vec::new();
            for id in r.item_ids.clone() {
                let mut it = a.item(id)?;
                it.status = Status::Destroyed;
                it.holder_id = None;
                a.tx.update_item(&it)?;
                a.event(
                    &it,
                    "destroyed",
                    on,
                    &regime.code,
                    regime.cite(Cite::Destroy),
                    Some(r.label()),
                    None,
                    String::new(),
                )?;
                let show_summary = crate::registers::summary_allowed(
                    regime,
                    it.level,
                    it.summary_consent_ref.is_some(),
                );
                lines.push(DestroyedLine {
                    item_id: it.id,
                    number_symbol: it.number_symbol.clone().unwrap_or_default(),
                    level: it.level,
                    description: match (&it.summary, show_summary) {
                        (Some(s), true) => format!("{}: {s}", it.doc_type),
                        _ => it.doc_type.clone(),
                    },
                    copies: it.copies_issued,
                });
            }
            a.audit(
                "request.destroyed",
                format!("request:{}", r.id),
                format!("items={}", lines.len()),
            )?;
            Ok((r, lines))
        })
    }
}

/// Checks an outside decision before it is recorded: only the people the agency names
/// (access::EXTERNAL_DECISION_RECORDERS), with the decision's number, date and signer, dated
/// no later than the act, and its scanned copy attached to one of the request's items.
fn external_decision(
    a: &mut Act0<'_>,
    who: &str,
    rule: &crate::rules::AuthorityRule,
    c: &DecideCmd,
    r: &Request,
    items: &[SecretItem],
    on: Date,
) -> Result<ExternalDecision> {
    check_external_recorder(a, who)?;
    let Some(x) = &c.external else {
        return Err(CoreError::refused_with(
            "external_decision_required",
            format!(
                "Việc này do {who} quyết định. Hãy ghi số, ngày, người ký văn bản quyết định và đính kèm bản chụp văn bản vào tài liệu trước khi ghi nhận."
            ),
            &rule.basis,
            rule.confirmed,
        ));
    };
    let number = non_empty("external.number", &x.number)?;
    let signer = non_empty("external.signer", &x.signer)?;
    if x.date > on || x.date < r.requested_on {
        return Err(CoreError::invalid(
            "external.date",
            "ngày văn bản quyết định phải từ ngày đề nghị đến ngày ghi nhận",
        ));
    }
    let scope = a.scope();
    let mut attached = false;
    for it in items {
        if a.tx
            .list_attachments(&scope, it.id)?
            .iter()
            .any(|m| m.id == x.attachment_id)
        {
            attached = true;
            break;
        }
    }
    if !attached {
        return Err(CoreError::invalid(
            "external.attachment_id",
            "bản chụp văn bản quyết định phải là tệp đính kèm của tài liệu trong đề nghị",
        ));
    }
    Ok(ExternalDecision {
        number,
        date: x.date,
        signer,
        attachment_id: x.attachment_id,
    })
}

/// Clearance of a prospective reader (used by pages that pick recipients).
pub fn may_receive(user: &User, level: Level) -> bool {
    user.active && level::cleared_for(user.clearance, level)
}
