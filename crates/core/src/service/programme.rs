//! Programme records (hồ sơ công tác bảo vệ BMNN), the annual plan, report drafts, the keys of
//! subordinate units, imported report bundles, and the reports themselves.
//!
//! Every write is role-checked, validated by the record type ([`Record::check`]) and audited in
//! the same transaction. The command structs derive `Deserialize`, so the web pages and the
//! JSON API can call the same methods later. Report computations read items, requests,
//! register entries and events through the reader's own clearance scope, like every other read:
//! a reader cleared for Mật gets figures that count no Tối mật item (the official report is made
//! by someone cleared for every level, or by the command line's system user). A report shows
//! counts by level, never a summary.

use super::*;
use crate::access;
use crate::obligations::{Obligation, ObligationKind, Urgency};
use crate::programme::bundle;
use crate::programme::reports::{self, Figures, Particulars, Period, ReportModel, UnitStatus};
use crate::programme::*;
use crate::registers::RegisterKind;
use crate::validate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Thêm hoặc sửa một hồ sơ: the typed record and the unit it belongs to.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "{T}Cmd", deny_unknown_fields)]
pub struct RecordCmd<T> {
    pub unit_id: Option<Id>,
    pub record: T,
}

/// Xóa BMNN khỏi thiết bị.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WipeCmd {
    pub device_id: Id,
    pub wipe: Wipe,
}

/// Chuyển mục đích sử dụng thiết bị (only after a recorded wipe, Law Điều 5.7).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RepurposeCmd {
    pub device_id: Id,
    #[serde(with = "crate::dates::iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub date: Date,
    pub new_use: String,
}

/// Thanh lý thiết bị.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DisposeCmd {
    pub device_id: Id,
    #[serde(with = "crate::dates::iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub date: Date,
    pub reference: String,
}

/// Thôi phân công cán bộ.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EndAssignmentCmd {
    pub staff_id: Id,
    #[serde(with = "crate::dates::iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub date: Date,
    pub reason: LeavingReason,
}

/// Ghi nhận đã khắc phục.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RemedyDoneCmd {
    pub inspection_id: Id,
    /// Index of the remedy in the inspection.
    pub remedy: usize,
    #[serde(with = "crate::dates::iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub date: Date,
}

/// Ghi nhận nhiệm vụ kế hoạch đã hoàn thành.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TaskDoneCmd {
    pub plan_id: Id,
    pub task: usize,
    #[serde(with = "crate::dates::iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub date: Date,
}

/// Ghi nhận đã gửi báo cáo đột xuất.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IncidentReportedCmd {
    pub incident_id: Id,
    pub report: SentReport,
}

/// Sửa hồ sơ: the fields to change, by their record keys (those of the kind's form,
/// [`RecordKind::form`]); every field not given keeps its stored value.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EditRecordCmd {
    pub record: serde_json::Map<String, serde_json::Value>,
}

/// Hủy hồ sơ: the reason is required and kept with the record.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CancelRecordCmd {
    pub reason: String,
}

/// Ghi nhận đơn vị cấp dưới đã gửi kế hoạch hoặc báo cáo năm (at a steering level).
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SubordinateReceivedCmd {
    pub plan_id: Id,
    /// Position of the subordinate unit in the plan (from 0).
    pub index: usize,
    pub what: Arrived,
    #[serde(with = "crate::dates::iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub date: Date,
}

/// What the caller may do on the programme pages beyond each record's own acts
/// ([`Stored::acts`]): computed from the roles the acts themselves check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeCaps {
    /// Thêm hồ sơ ([`Service::add_record`]).
    pub add_records: bool,
    /// Đăng ký khóa, tiếp nhận gói báo cáo của đơn vị cấp dưới.
    pub receive_bundles: bool,
}

/// Ban hành kế hoạch công tác bảo vệ BMNN năm: the year, and the number and date when they
/// differ from the plan's saved text.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IssuePlanCmd {
    #[schemars(range(min = 2000, max = 2199))]
    pub year: i32,
    /// Số, ký hiệu (default: the one saved with the plan's text).
    #[serde(default)]
    pub number: Option<String>,
    /// Ngày ban hành (default: the one saved with the plan's text, else today).
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub date: Option<Date>,
}

/// Whether the plan of a year may be issued by the caller now, and the plan issued.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlanIssue {
    /// The caller may issue the plan (role, and no plan of the year yet).
    pub open: bool,
    /// The plan record of the year, once issued.
    pub plan_id: Option<Id>,
    pub number_symbol: Option<String>,
    #[serde(default, with = "crate::dates::iso_date_opt")]
    #[schemars(schema_with = "crate::dates::opt_date_schema")]
    pub issued_on: Option<Date>,
}

/// Lưu phần viết của báo cáo.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SaveDraftCmd {
    pub kind: ReportKind,
    pub year: i32,
    pub incident_id: Option<Id>,
    /// Inspection conclusion: the inspection.
    #[serde(default)]
    pub inspection_id: Option<Id>,
    pub text: ReportDraftText,
}

/// The text offered for a report: its own draft, or last year's as a start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DraftOffer {
    pub text: ReportDraftText,
    /// The text comes from the previous year's report (to be revised).
    pub from_previous_year: bool,
    pub draft_id: Option<Id>,
}

/// Đăng ký khóa công khai của đơn vị cấp dưới.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RegisterKeyCmd {
    #[schemars(schema_with = "crate::schema::nonblank")]
    pub unit: String,
    /// Ed25519 public key, 64 lowercase hex digits.
    #[schemars(regex(pattern = r"^\s*[0-9a-f]{64}\s*$"))]
    pub public_key: String,
}

/// Which report to compute.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct ReportQuery {
    pub kind: ReportKind,
    pub year: i32,
    /// Incident report: the incident (default: the latest one of the year's period).
    pub incident_id: Option<Id>,
    /// Inspection conclusion: the inspection (required).
    #[serde(default)]
    pub inspection_id: Option<Id>,
}

impl ReportQuery {
    /// A report of `kind` for `year` (no record chosen).
    pub fn of(kind: ReportKind, year: i32) -> Self {
        ReportQuery {
            kind,
            year,
            incident_id: None,
            inspection_id: None,
        }
    }

    /// The record the report is about: the incident of an incident report, the inspection
    /// of an inspection conclusion.
    pub fn subject(&self) -> Option<Id> {
        match self.kind {
            ReportKind::Incident => self.incident_id,
            ReportKind::InspectionConclusion => self.inspection_id,
            _ => None,
        }
    }
}

/// A subordinate unit's report, imported from a verified bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnitReport {
    pub unit: String,
    pub kind: ReportKind,
    pub year: i32,
    #[serde(with = "crate::dates::iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub received_on: Date,
    pub public_key: String,
    /// SHA-256 of the whole bundle, for the record.
    pub bundle_sha256: String,
    /// The bundle's own signed creation time (thời điểm tạo gói, UTC text): a bundle replaces
    /// the one received for the same unit, kind and year only when it was created later.
    /// Empty for reports received before this was recorded.
    #[serde(default)]
    pub created: String,
    pub figures: Figures,
}

/// Who adds programme records (thêm hồ sơ).
const ADD_ROLES: &[crate::model::Role] = access::PROGRAMME_KEEPERS;
/// Who registers subordinate units' keys and receives their report bundles.
const BUNDLE_ROLES: &[crate::model::Role] = access::PROGRAMME_KEEPERS;
/// Who issues the annual plan (ban hành kế hoạch): those who make the reports.
const PLAN_ROLES: &[crate::model::Role] = access::REPORTERS;

/// The first report year a bundle may carry (bmnn holds no programme before it); the last is
/// the year after the current one.
pub const FIRST_BUNDLE_YEAR: i32 = 2019;

/// "dd/mm/yyyy hh:mm:ss" for a refusal message.
fn when_vn(t: time::PrimitiveDateTime) -> String {
    format!(
        "{} {:02}:{:02}:{:02}",
        crate::dates::fmt_vn(t.date()),
        t.hour(),
        t.minute(),
        t.second()
    )
}

impl Record for UnitReport {
    const KIND: RecordKind = RecordKind::UnitReport;
    fn key_date(&self) -> Date {
        self.received_on
    }
}

fn not_future(a: &Act0<'_>, field: &str, d: Date) -> Result<()> {
    if d > a.ctx.today {
        return Err(CoreError::invalid(
            field,
            "Ngày không được sau ngày hôm nay.",
        ));
    }
    Ok(())
}

impl Act0<'_> {
    /// The records of a type that are not cancelled (what reports and obligations count).
    fn records<T: Record>(&mut self) -> Result<Vec<Stored<T>>> {
        self.tx
            .list_records(T::KIND.code(), None, None)?
            .iter()
            .filter(|r| !is_cancelled(r))
            .map(decode::<T>)
            .collect()
    }

    /// A record an act may change: refused with `record_cancelled` once it was cancelled.
    fn live<T: Record>(&mut self, id: Id) -> Result<Stored<T>> {
        let s = self.record::<T>(id)?;
        if let Some(c) = &s.cancelled {
            return Err(CoreError::refused(
                "record_cancelled",
                format!(
                    "Hồ sơ đã bị hủy ngày {}; không sửa hay ghi thêm vào hồ sơ đã hủy.",
                    crate::dates::fmt_vn(c.on)
                ),
            ));
        }
        Ok(s)
    }

    /// Sets the acts open to the caller on a record: the same role predicate
    /// ([`RecordAct::roles`]) and state ([`Record::follow_ups`]) the acts check.
    fn offer<T: Record>(&self, mut s: Stored<T>) -> Stored<T> {
        s.acts = if s.cancelled.is_some() {
            Vec::new()
        } else {
            [RecordAct::Edit, RecordAct::Cancel]
                .into_iter()
                .chain(s.record.follow_ups())
                .filter(|x| access::allows(&self.actor, x.roles()))
                .collect()
        };
        s
    }

    fn record<T: Record>(&mut self, id: Id) -> Result<Stored<T>> {
        let r = self
            .tx
            .get_record(id)?
            .filter(|r| r.kind == T::KIND.code())
            .ok_or(CoreError::NotFound("hồ sơ"))?;
        decode::<T>(&r)
    }

    fn save<T: Record>(&mut self, id: Id, unit_id: Option<Id>, t: &T) -> Result<Id> {
        self.save_as(id, unit_id, t, "update", String::new())
    }

    /// Saves a record (`id` 0: a new one, audited `create`), auditing a change as
    /// `programme.{kind}.{act}` with `details`.
    fn save_as<T: Record>(
        &mut self,
        id: Id,
        unit_id: Option<Id>,
        t: &T,
        act: &str,
        details: String,
    ) -> Result<Id> {
        t.check().map_err(|e| self.cited(t.key_date(), e))?;
        t.check_rules(self.rules.regime_for_or_first(t.key_date()))?;
        let r = encode(id, unit_id, t)?;
        let action = format!("programme.{}", T::KIND.code());
        if id == 0 {
            let id = self.tx.insert_record(&r)?;
            self.audit(
                &format!("{action}.create"),
                format!("record:{id}"),
                String::new(),
            )?;
            Ok(id)
        } else {
            self.tx.update_record(&r)?;
            self.audit(&format!("{action}.{act}"), format!("record:{id}"), details)?;
            Ok(id)
        }
    }
}

impl<S: Store> Service<S> {
    /// Thêm hồ sơ (any programme record type).
    pub fn add_record<T: Record>(&self, ctx: &Ctx, c: RecordCmd<T>) -> Result<Stored<T>> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(ADD_ROLES, T::KIND.label())?;
            validate::unit(a.tx, "unit_id", c.unit_id)?;
            not_future(a, "date", c.record.key_date())?;
            let mut record = c.record;
            record.set_warnings(a.rules.regime_for_or_first(record.key_date()));
            let id = a.save(0, c.unit_id, &record)?;
            Ok(a.offer(Stored {
                id,
                unit_id: c.unit_id,
                record,
                cancelled: None,
                acts: Vec::new(),
            }))
        })
    }

    /// Sửa hồ sơ. The same checks as creation apply to the new content.
    pub fn update_record<T: Record>(
        &self,
        ctx: &Ctx,
        id: Id,
        c: RecordCmd<T>,
    ) -> Result<Stored<T>> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(RecordAct::Edit.roles(), T::KIND.label())?;
            let stored = a.live::<T>(id)?;
            validate::unit(a.tx, "unit_id", c.unit_id)?;
            not_future(a, "date", c.record.key_date())?;
            let mut record = c.record;
            record.keep_state(&stored.record);
            record.set_warnings(a.rules.regime_for_or_first(record.key_date()));
            a.save(id, c.unit_id, &record)?;
            Ok(a.offer(Stored {
                id,
                unit_id: c.unit_id,
                record,
                cancelled: None,
                acts: Vec::new(),
            }))
        })
    }

    /// Sửa hồ sơ, merging: only the given fields change (each must be one the kind's form
    /// holds, [`KindForm::record_keys`]); state kept by the follow-up acts (a task done, a
    /// wipe, a plan received) stays as stored ([`Record::keep_state`]). The same checks as
    /// creation apply to the merged record. Audited `programme.{kind}.update` with the names of
    /// the changed fields.
    pub fn edit_record<T: Record>(&self, ctx: &Ctx, id: Id, c: EditRecordCmd) -> Result<Stored<T>> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(RecordAct::Edit.roles(), T::KIND.label())?;
            let stored = a.live::<T>(id)?;
            let keys = T::KIND.form().record_keys();
            if c.record.is_empty() {
                return Err(CoreError::invalid("record", "hãy gửi ít nhất một trường cần sửa"));
            }
            if let Some(k) = c.record.keys().find(|k| !keys.contains(&k.as_str())) {
                return Err(CoreError::invalid(
                    &format!("record.{k}"),
                    "trường này không sửa được (không có trong hồ sơ, hoặc do thao tác riêng ghi nhận)",
                ));
            }
            let base = serde_json::to_value(&stored.record)
                .map_err(|e| CoreError::Storage(e.to_string()))?;
            let merge = |given: &mut dyn Iterator<Item = (&String, &serde_json::Value)>| {
                let mut v = base.clone();
                if let Some(o) = v.as_object_mut() {
                    for (k, x) in given {
                        o.insert(k.clone(), x.clone());
                    }
                }
                serde_json::from_value::<T>(v)
            };
            let mut record = match merge(&mut c.record.iter()) {
                Ok(r) => r,
                Err(_) => {
                    // Name the first field whose value does not fit its type.
                    let bad = (c.record.iter())
                        .find(|(k, x)| merge(&mut std::iter::once((*k, *x))).is_err())
                        .map_or("record".to_string(), |(k, _)| format!("record.{k}"));
                    return Err(CoreError::invalid(
                        &bad,
                        "giá trị không đúng kiểu của trường (ngày yyyy-mm-dd, số, mã trong danh sách)",
                    ));
                }
            };
            record.keep_state(&stored.record);
            not_future(a, "date", record.key_date())?;
            record.set_warnings(a.rules.regime_for_or_first(record.key_date()));
            let changed: Vec<&str> = c.record.keys().map(String::as_str).collect();
            a.save_as(id, stored.unit_id, &record, "update", changed.join(","))?;
            Ok(a.offer(Stored {
                record,
                ..stored
            }))
        })
    }

    /// Hủy hồ sơ with a reason: the record stays (with who cancelled it, when and why) but
    /// counts in no report and no obligation, and no act is open on it any more.
    pub fn cancel_record<T: Record>(
        &self,
        ctx: &Ctx,
        id: Id,
        c: CancelRecordCmd,
    ) -> Result<Stored<T>> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(RecordAct::Cancel.roles(), T::KIND.label())?;
            let reason = non_empty("reason", &c.reason)?;
            let stored = a.live::<T>(id)?;
            let mut raw = a.tx.get_record(id)?.ok_or(CoreError::NotFound("hồ sơ"))?;
            let cancellation = Cancellation {
                on: a.ctx.today,
                reason: reason.clone(),
                by: a.ctx.user_id,
            };
            let v = serde_json::to_value(&cancellation)
                .map_err(|e| CoreError::Storage(e.to_string()))?;
            match raw.data.as_object_mut() {
                Some(o) => o.insert(CANCELLED_KEY.to_string(), v),
                None => {
                    return Err(CoreError::Storage(format!(
                        "hồ sơ {} không đọc được",
                        T::KIND.label()
                    )));
                }
            };
            a.tx.update_record(&raw)?;
            a.audit(
                &format!("programme.{}.cancel", T::KIND.code()),
                format!("record:{id}"),
                reason,
            )?;
            Ok(a.offer(Stored {
                cancelled: Some(cancellation),
                ..stored
            }))
        })
    }

    /// Ghi nhận đơn vị cấp dưới đã gửi kế hoạch hoặc báo cáo năm, on a steering level's plan.
    /// Refused when the date is in the future, the unit is not in the plan, or the arrival was
    /// already recorded (the first date stands). Audited `programme.plan.received`.
    pub fn subordinate_received(
        &self,
        ctx: &Ctx,
        c: SubordinateReceivedCmd,
    ) -> Result<Stored<AnnualPlan>> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            let act = RecordAct::Received {
                index: c.index,
                what: c.what,
            };
            a.require_role(act.roles(), "Kế hoạch")?;
            not_future(a, "date", c.date)?;
            let mut x = a.live::<AnnualPlan>(c.plan_id)?;
            let u = (x.record.subordinates)
                .get_mut(c.index)
                .ok_or(CoreError::NotFound("đơn vị cấp dưới"))?;
            let slot = match c.what {
                Arrived::Plan => &mut u.plan_received_on,
                Arrived::Report => &mut u.report_received_on,
            };
            if let Some(d) = slot {
                return Err(CoreError::Conflict(format!(
                    "{} của {} đã được ghi nhận nhận ngày {}.",
                    c.what.label(),
                    u.unit,
                    crate::dates::fmt_vn(*d)
                )));
            }
            *slot = Some(c.date);
            let details = format!(
                "{}:{}",
                c.index,
                serde_json::to_value(c.what)
                    .map_err(|e| CoreError::Storage(e.to_string()))?
                    .as_str()
                    .unwrap_or_default()
            );
            a.save_as(x.id, x.unit_id, &x.record, "received", details)?;
            Ok(a.offer(x))
        })
    }

    /// What the caller may do on the programme pages ([`ProgrammeCaps`]).
    pub fn programme_caps(&self, ctx: &Ctx) -> Result<ProgrammeCaps> {
        self.read(ctx, |a| {
            Ok(ProgrammeCaps {
                add_records: access::allows(&a.actor, ADD_ROLES),
                receive_bundles: access::allows(&a.actor, BUNDLE_ROLES),
            })
        })
    }

    /// Hồ sơ of one type whose key date lies in `[from, to]`.
    pub fn list_records<T: Record>(
        &self,
        ctx: &Ctx,
        from: Option<Date>,
        to: Option<Date>,
    ) -> Result<Vec<Stored<T>>> {
        self.read(ctx, |a| {
            a.require_role(access::PROGRAMME_READERS, T::KIND.label())?;
            a.tx.list_records(T::KIND.code(), from, to)?
                .iter()
                .map(|r| decode::<T>(r).map(|s| a.offer(s)))
                .collect()
        })
    }

    pub fn get_record<T: Record>(&self, ctx: &Ctx, id: Id) -> Result<Stored<T>> {
        self.read(ctx, |a| {
            a.require_role(access::PROGRAMME_READERS, T::KIND.label())?;
            let s = a.record::<T>(id)?;
            Ok(a.offer(s))
        })
    }

    /// Ghi nhận xóa BMNN khỏi thiết bị.
    pub fn record_wipe(&self, ctx: &Ctx, c: WipeCmd) -> Result<Stored<Device>> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(RecordAct::Wipe.roles(), "Quản lý thiết bị")?;
            not_future(a, "wipe.date", c.wipe.date)?;
            let mut d = a.live::<Device>(c.device_id)?;
            if c.wipe.date < d.record.in_use_from {
                return Err(CoreError::invalid(
                    "wipe.date",
                    "ngày xóa trước ngày bắt đầu dùng cho BMNN",
                ));
            }
            d.record.wipes.push(c.wipe);
            a.save(d.id, d.unit_id, &d.record)?;
            Ok(a.offer(d))
        })
    }

    /// Chuyển mục đích sử dụng: refused unless the secrets were removed first (Law Điều 5.7).
    pub fn repurpose_device(&self, ctx: &Ctx, c: RepurposeCmd) -> Result<Stored<Device>> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(RecordAct::Repurpose.roles(), "Quản lý thiết bị")?;
            not_future(a, "date", c.date)?;
            let mut d = a.live::<Device>(c.device_id)?;
            if d.record.status != DeviceStatus::InUse {
                return Err(CoreError::Conflict(format!(
                    "Thiết bị {} không còn dùng cho BMNN.",
                    d.record.identity
                )));
            }
            d.record.status = DeviceStatus::Repurposed;
            d.record.repurposed_on = Some(c.date);
            d.record.new_use = Some(non_empty("new_use", &c.new_use)?);
            a.save(d.id, d.unit_id, &d.record)?;
            Ok(a.offer(d))
        })
    }

    /// Thanh lý thiết bị (after a recorded wipe).
    pub fn dispose_device(&self, ctx: &Ctx, c: DisposeCmd) -> Result<Stored<Device>> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(RecordAct::Dispose.roles(), "Quản lý thiết bị")?;
            not_future(a, "date", c.date)?;
            let mut d = a.live::<Device>(c.device_id)?;
            if d.record.status == DeviceStatus::Disposed {
                return Err(CoreError::Conflict("Thiết bị đã được thanh lý.".into()));
            }
            d.record.status = DeviceStatus::Disposed;
            d.record.disposed_on = Some(c.date);
            d.record.disposal_ref = Some(non_empty("reference", &c.reference)?);
            a.save(d.id, d.unit_id, &d.record)?;
            Ok(a.offer(d))
        })
    }

    /// Thôi phân công: the person owes a commitment (Law Điều 26.2.d), shown by `due()`.
    pub fn end_assignment(
        &self,
        ctx: &Ctx,
        c: EndAssignmentCmd,
    ) -> Result<Stored<StaffAssignment>> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(RecordAct::End.roles(), "Phân công cán bộ")?;
            not_future(a, "date", c.date)?;
            let mut s = a.live::<StaffAssignment>(c.staff_id)?;
            if s.record.ended_on.is_some() {
                return Err(CoreError::Conflict("Cán bộ đã thôi phân công.".into()));
            }
            s.record.ended_on = Some(c.date);
            s.record.end_reason = Some(c.reason);
            a.save(s.id, s.unit_id, &s.record)?;
            Ok(a.offer(s))
        })
    }

    pub fn remedy_done(&self, ctx: &Ctx, c: RemedyDoneCmd) -> Result<Stored<Inspection>> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            let act = RecordAct::RemedyDone { index: c.remedy };
            a.require_role(act.roles(), "Kiểm tra")?;
            not_future(a, "date", c.date)?;
            let mut x = a.live::<Inspection>(c.inspection_id)?;
            let r = x
                .record
                .remedies
                .get_mut(c.remedy)
                .ok_or(CoreError::NotFound("biện pháp khắc phục"))?;
            r.done_on = Some(c.date);
            a.save(x.id, x.unit_id, &x.record)?;
            Ok(a.offer(x))
        })
    }

    pub fn task_done(&self, ctx: &Ctx, c: TaskDoneCmd) -> Result<Stored<AnnualPlan>> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            let act = RecordAct::TaskDone { index: c.task };
            a.require_role(act.roles(), "Kế hoạch")?;
            not_future(a, "date", c.date)?;
            let mut x = a.live::<AnnualPlan>(c.plan_id)?;
            let t = x
                .record
                .tasks
                .get_mut(c.task)
                .ok_or(CoreError::NotFound("nhiệm vụ"))?;
            t.done_on = Some(c.date);
            a.save(x.id, x.unit_id, &x.record)?;
            Ok(a.offer(x))
        })
    }

    /// Ghi nhận đã gửi báo cáo đột xuất (ND26 Điều 8.1.b).
    pub fn incident_reported(&self, ctx: &Ctx, c: IncidentReportedCmd) -> Result<Stored<Incident>> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(RecordAct::Reported.roles(), "Vụ lộ, mất BMNN")?;
            not_future(a, "report.date", c.report.date)?;
            let mut x = a.live::<Incident>(c.incident_id)?;
            non_empty("report.reference", &c.report.reference)?;
            x.record.adhoc_report = Some(c.report);
            a.save(x.id, x.unit_id, &x.record)?;
            Ok(a.offer(x))
        })
    }

    /// Lưu phần viết của báo cáo (one draft per kind, year and incident).
    pub fn save_report_draft(&self, ctx: &Ctx, c: SaveDraftCmd) -> Result<Id> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(access::REPORTERS, "Soạn báo cáo")?;
            // The draft of a report on one record belongs to a record that exists.
            let (incident_id, inspection_id) = match c.kind {
                ReportKind::Incident => (c.incident_id, None),
                ReportKind::InspectionConclusion => (None, c.inspection_id),
                _ => (None, None),
            };
            if let Some(i) = incident_id {
                a.record::<Incident>(i)?;
            }
            if let Some(i) = inspection_id {
                a.record::<Inspection>(i)?;
            }
            let subject = incident_id.or(inspection_id);
            let existing = a
                .records::<ReportDraft>()?
                .into_iter()
                .find(|d| {
                    d.record.kind == c.kind
                        && d.record.year == c.year
                        && d.record.subject() == subject
                })
                .map(|d| d.id)
                .unwrap_or(0);
            let d = ReportDraft {
                kind: c.kind,
                year: c.year,
                incident_id,
                inspection_id,
                saved_on: a.ctx.today,
                text: c.text,
            };
            a.save(existing, None, &d)
        })
    }

    /// The text of a report: its draft, or the previous year's text offered as a start.
    /// `record_id`: the incident of an incident report, the inspection of an inspection
    /// conclusion.
    pub fn report_draft(
        &self,
        ctx: &Ctx,
        kind: ReportKind,
        year: i32,
        record_id: Option<Id>,
    ) -> Result<DraftOffer> {
        self.read(ctx, |a| {
            a.require_role(access::REPORTERS, "Soạn báo cáo")?;
            draft_offer(a, kind, year, record_id)
        })
    }

    /// Đăng ký khóa công khai của đơn vị cấp dưới (one active key per unit).
    pub fn register_unit_key(&self, ctx: &Ctx, c: RegisterKeyCmd) -> Result<Stored<UnitKey>> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(BUNDLE_ROLES, "Đăng ký khóa của đơn vị cấp dưới")?;
            let unit = non_empty("unit", &c.unit)?;
            let key = UnitKey {
                unit: unit.clone(),
                public_key: c.public_key.trim().to_string(),
                registered_on: a.ctx.today,
                revoked: false,
            };
            key.check()?;
            for mut k in a.records::<UnitKey>()? {
                if k.record.public_key == key.public_key && !k.record.revoked {
                    return Err(CoreError::Conflict(format!(
                        "Khóa này đã được đăng ký cho đơn vị {}.",
                        k.record.unit
                    )));
                }
                if k.record.unit == unit && !k.record.revoked {
                    k.record.revoked = true;
                    a.save(k.id, k.unit_id, &k.record)?;
                }
            }
            let id = a.save(0, None, &key)?;
            Ok(Stored {
                id,
                unit_id: None,
                record: key,
                cancelled: None,
                acts: Vec::new(),
            })
        })
    }

    /// Tiếp nhận gói báo cáo của đơn vị cấp dưới: verified, from a registered key of that unit.
    pub fn import_bundle(&self, ctx: &Ctx, bytes: &[u8]) -> Result<Stored<UnitReport>> {
        self.write(ctx, |a| {
            a.require_role(BUNDLE_ROLES, "Tiếp nhận báo cáo của đơn vị cấp dưới")?;
            let opened = bundle::open(bytes)?;
            let m = &opened.manifest;
            let known = a
                .records::<UnitKey>()?
                .into_iter()
                .any(|k| !k.record.revoked && k.record.public_key == m.public_key && k.record.unit == m.unit);
            if !known {
                return Err(CoreError::refused(
                    "bundle_unknown_key",
                    format!(
                        "Gói báo cáo ký bằng khóa chưa được đăng ký cho đơn vị «{}»; đăng ký khóa công khai của đơn vị trước khi tiếp nhận.",
                        m.unit
                    ),
                ));
            }
            let last_year = a.ctx.today.year() + 1;
            if !(FIRST_BUNDLE_YEAR..=last_year).contains(&m.year) {
                return Err(CoreError::refused(
                    "bundle_year",
                    format!(
                        "Gói báo cáo ghi năm {}, ngoài khoảng năm được tiếp nhận (từ năm {FIRST_BUNDLE_YEAR} đến năm {last_year}).",
                        m.year
                    ),
                ));
            }
            let created = super::web_support::parse_ts(&m.created).ok_or_else(|| {
                CoreError::refused(
                    "bundle_invalid",
                    "Gói báo cáo không ghi rõ thời điểm tạo gói; đề nghị đơn vị gửi lại gói báo cáo.",
                )
            })?;
            if created.date() > a.ctx.today.next_day().unwrap_or(a.ctx.today) {
                return Err(CoreError::refused(
                    "bundle_future",
                    format!(
                        "Gói báo cáo ghi thời điểm tạo {}, sau ngày hôm nay; đề nghị đơn vị kiểm tra đồng hồ máy tính và tạo lại gói.",
                        when_vn(created)
                    ),
                ));
            }
            let json = opened
                .files
                .get("report.json")
                .ok_or_else(|| CoreError::invalid("bundle", "gói không có report.json"))?;
            let model: ReportModel = serde_json::from_slice(json)
                .map_err(|_| CoreError::invalid("bundle", "report.json không đúng định dạng"))?;
            if model.kind != m.kind || model.year != m.year {
                return Err(CoreError::invalid("bundle", "bản kê và báo cáo không khớp"));
            }
            // Figures whose totals would not fit are refused here, before they reach a sum.
            model.figures.check_plausible()?;
            model.figures.check_sums()?;
            let report = UnitReport {
                unit: m.unit.clone(),
                kind: m.kind,
                year: m.year,
                received_on: a.ctx.today,
                public_key: m.public_key.clone(),
                bundle_sha256: bundle::sha256_hex(bytes),
                created: m.created.clone(),
                figures: model.figures,
            };
            let previous = a
                .records::<UnitReport>()?
                .into_iter()
                .find(|r| r.record.unit == report.unit && r.record.kind == report.kind && r.record.year == report.year);
            // A newer bundle supersedes; an older one (a replay) is refused; the same bundle
            // again changes nothing.
            if let Some(p) = &previous
                && let Some(before) = super::web_support::parse_ts(&p.record.created)
            {
                if p.record.bundle_sha256 == report.bundle_sha256 {
                    return Ok(p.clone());
                }
                if created <= before {
                    return Err(CoreError::refused(
                        "bundle_outdated",
                        format!(
                            "Gói báo cáo của đơn vị «{}» tạo lúc {} không mới hơn gói đã tiếp nhận (tạo lúc {}); gói cũ không thay thế gói mới hơn.",
                            report.unit,
                            when_vn(created),
                            when_vn(before)
                        ),
                    ));
                }
            }
            let existing = previous.map(|r| r.id).unwrap_or(0);
            let id = a.save(existing, None, &report)?;
            Ok(Stored {
                id,
                unit_id: None,
                record: report,
                cancelled: None,
                acts: Vec::new(),
            })
        })
    }

    /// The report's own figures counted from full rows ([`figures_by_rows`]): the
    /// oracle of the aggregate path, for tests and the report benchmark only.
    #[doc(hidden)]
    pub fn report_figures_by_rows(&self, ctx: &Ctx, q: ReportQuery) -> Result<Figures> {
        self.read(ctx, |a| {
            a.require_role(access::REPORTERS, "Xem báo cáo")?;
            figures_by_rows(a, q)
        })
    }

    /// The report of `q.kind` for `q.year`: every figure computed from the records of the
    /// period the regime of that year sets, plus the subordinate units' imported figures.
    pub fn report(&self, ctx: &Ctx, q: ReportQuery) -> Result<ReportModel> {
        self.read(ctx, |a| {
            a.require_role(access::REPORTERS, "Xem báo cáo")?;
            compute_report(a, q)
        })
    }

    /// Whether the annual plan of `year` is issued, and whether the caller may issue it.
    pub fn plan_issue(&self, ctx: &Ctx, year: i32) -> Result<PlanIssue> {
        self.read(ctx, |a| {
            a.require_role(access::REPORTERS, "Xem kế hoạch")?;
            let issued = issued_plan(a, year)?;
            Ok(PlanIssue {
                open: issued.is_none() && access::allows(&a.actor, PLAN_ROLES),
                plan_id: issued.as_ref().map(|p| p.id),
                number_symbol: issued.as_ref().map(|p| p.record.number_symbol.clone()),
                issued_on: issued.as_ref().map(|p| p.record.issued_on),
            })
        })
    }

    /// Ban hành kế hoạch công tác bảo vệ BMNN năm: records the plan as issued (number, date)
    /// and makes its tasks, as laid out by [`Service::report`] for the plan's text, the tasks
    /// of a plan record ([`AnnualPlan`]; ongoing tasks tracked to the last day of the year),
    /// so they are followed in the plan tracking and the due list. The number and date are
    /// also saved with the plan's text, so its document carries them. Refused
    /// (`plan_already_issued`) when a plan of the year exists; the number is required; the
    /// date is not in the future nor after the plan's year. Audited `programme.plan.create`.
    pub fn issue_plan(&self, ctx: &Ctx, c: IssuePlanCmd) -> Result<Stored<AnnualPlan>> {
        let c = validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(PLAN_ROLES, "Ban hành kế hoạch")?;
            if let Some(p) = issued_plan(a, c.year)? {
                return Err(CoreError::refused(
                    "plan_already_issued",
                    format!(
                        "Kế hoạch công tác bảo vệ bí mật nhà nước năm {} đã được ban hành (số {}, ngày {}); mỗi năm chỉ ban hành một kế hoạch.",
                        c.year,
                        p.record.number_symbol,
                        crate::dates::fmt_vn(p.record.issued_on)
                    ),
                ));
            }
            let offer = draft_offer(a, ReportKind::AnnualPlan, c.year, None)?;
            let own = (!offer.from_previous_year).then_some(&offer.text);
            let number = c
                .number
                .clone()
                .or_else(|| own.as_ref().and_then(|t| t.number.clone()))
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty() && !n.starts_with('/'))
                .ok_or_else(|| {
                    CoreError::invalid(
                        "number",
                        "Hãy ghi số, ký hiệu của kế hoạch (ví dụ 12/KH-UBND) trước khi ban hành.",
                    )
                })?;
            let date = c
                .date
                .or_else(|| own.as_ref().and_then(|t| t.date))
                .unwrap_or(a.ctx.today);
            not_future(a, "date", date)?;
            if date.year() > c.year {
                return Err(CoreError::invalid(
                    "date",
                    format!("Kế hoạch năm {} phải được ban hành trong hoặc trước năm {}.", c.year, c.year),
                ));
            }
            // The plan as the user set it, with the number and date it is issued under.
            let mut text = offer.text.clone();
            text.number = Some(number.clone());
            text.date = Some(date);
            let draft_id = offer.draft_id.unwrap_or(0);
            let draft = ReportDraft {
                kind: ReportKind::AnnualPlan,
                year: c.year,
                incident_id: None,
                inspection_id: None,
                saved_on: a.ctx.today,
                text,
            };
            a.save(draft_id, None, &draft)?;
            let model = compute_plan(a, c.year)?;
            let last = Date::from_calendar_date(c.year, time::Month::December, 31)
                .map_err(|_| CoreError::invalid("year", "năm không hợp lệ"))?;
            let tasks: Vec<PlanTask> = model
                .tasks
                .iter()
                .map(|t| PlanTask {
                    text: t.text.clone(),
                    unit: t.unit.clone(),
                    deadline: t.deadline.unwrap_or(last),
                    done_on: None,
                })
                .collect();
            if tasks.is_empty() {
                return Err(CoreError::invalid(
                    "tasks",
                    "Kế hoạch chưa có nhiệm vụ nào; hãy ghi các nhiệm vụ trước khi ban hành.",
                ));
            }
            let regime = a.rules.regime_for_or_first(date);
            let plan_due = (a.rules.report_regime(c.year).plan_template.as_ref())
                .or(regime.plan_template.as_ref())
                .map(|t| reports::plan_dates(regime, t, c.year).plan_due);
            let plan = AnnualPlan {
                year: c.year,
                number_symbol: number,
                issued_on: date,
                tasks,
                subordinate_plan_due: plan_due,
                subordinates: Vec::new(),
            };
            let id = a.save(0, None, &plan)?;
            Ok(a.offer(Stored {
                id,
                unit_id: None,
                record: plan,
                cancelled: None,
                acts: Vec::new(),
            }))
        })
    }
}

/// The dates of the programme records of `kind` a report over `p` needs (key date bounds
/// for [`Tx::list_records`]). Records of one day (a training, a meeting, an incident …) are
/// read for the period; records in force across periods are read up to its end, because
/// their state at the end counts: a staff assignment (decided on or before the end; an end
/// of post is never before the decision), a device (used from on or before the end; its
/// wipes, change of use and disposal are never before that date, `record_wipe`,
/// `Device::wiped_by`), the equipment counted last on or before the end. A plan counts by its
/// year, not by the date it was issued, so plans (one a year) are read whole. Kinds no report
/// counts are not read at all (`None`).
fn report_bounds(kind: RecordKind, p: Period) -> Option<(Option<Date>, Option<Date>)> {
    Some(match kind {
        RecordKind::Training
        | RecordKind::Commitment
        | RecordKind::Directive
        | RecordKind::Meeting
        | RecordKind::Inspection
        | RecordKind::Incident
        | RecordKind::LegacyReview => (Some(p.start), Some(p.end)),
        // A subordinate unit's steering committee and a key post count by their latest
        // record on or before the end.
        RecordKind::Staff
        | RecordKind::Device
        | RecordKind::Equipment
        | RecordKind::SteeringCommittee
        | RecordKind::KeyPost => (None, Some(p.end)),
        RecordKind::Plan => (None, None),
        RecordKind::ReportDraft | RecordKind::UnitKey | RecordKind::UnitReport => return None,
    })
}

/// The programme records the figures of `p` need ([`report_bounds`]), each checked to decode:
/// a record that no longer decodes is refused (`record_unreadable`), naming its kind and
/// date, rather than left out of official figures.
fn report_records(a: &mut Act0<'_>, p: Period) -> Result<Vec<ProgrammeRecord>> {
    let mut out = Vec::new();
    for k in RecordKind::KEPT {
        let Some((from, to)) = report_bounds(k, p) else {
            continue;
        };
        for r in a.tx.list_records(k.code(), from, to)? {
            if !is_cancelled(&r) && decodes(k, &r).is_err() {
                return Err(unreadable(&r, k));
            }
            out.push(r);
        }
    }
    Ok(out)
}

/// Whether `r` decodes as the record type of `k`.
fn decodes(k: RecordKind, r: &ProgrammeRecord) -> Result<()> {
    fn as_<T: Record>(r: &ProgrammeRecord) -> Result<()> {
        decode::<T>(r).map(|_| ())
    }
    match k {
        RecordKind::Staff => as_::<StaffAssignment>(r),
        RecordKind::Commitment => as_::<Commitment>(r),
        RecordKind::Training => as_::<Training>(r),
        RecordKind::Directive => as_::<Directive>(r),
        RecordKind::Device => as_::<Device>(r),
        RecordKind::Equipment => as_::<Equipment>(r),
        RecordKind::Meeting => as_::<Meeting>(r),
        RecordKind::Inspection => as_::<Inspection>(r),
        RecordKind::Incident => as_::<Incident>(r),
        RecordKind::LegacyReview => as_::<LegacyReview>(r),
        RecordKind::Plan => as_::<AnnualPlan>(r),
        RecordKind::SteeringCommittee => as_::<SteeringCommittee>(r),
        RecordKind::KeyPost => as_::<KeyPost>(r),
        RecordKind::ReportDraft => as_::<ReportDraft>(r),
        RecordKind::UnitKey => as_::<UnitKey>(r),
        RecordKind::UnitReport => as_::<UnitReport>(r),
    }
}

fn unreadable(r: &ProgrammeRecord, k: RecordKind) -> CoreError {
    CoreError::refused(
        "record_unreadable",
        format!(
            "Hồ sơ «{}» ngày {} không đọc được (dữ liệu hỏng hoặc không đúng định dạng); báo cáo không được lập để không bỏ sót số liệu của hồ sơ này.",
            k.label(),
            crate::dates::fmt_vn(r.date)
        ),
    )
}

/// The live records of type `T` among `records` (all already checked to decode).
fn typed_live<T: Record>(records: &[ProgrammeRecord]) -> Result<Vec<T>> {
    records
        .iter()
        .filter(|r| r.kind == T::KIND.code() && !is_cancelled(r))
        .map(|r| decode::<T>(r).map(|s| s.record))
        .collect()
}

/// The report's own figures gathered the way they were before the store aggregated them:
/// every visible item, the history of each, every request, every register entry of the
/// period's years and every programme record, counted in memory. The oracle of the aggregate
/// path (tests on both databases) and the reference of the report benchmark; no page uses it.
fn figures_by_rows(a: &mut Act0<'_>, q: ReportQuery) -> Result<Figures> {
    let regime = a.rules.report_regime(q.year);
    let (period, due) = reports::period_of(regime, q.kind, q.year);
    let scope = a.scope();
    let items =
        a.tx.list_items(
            &scope,
            &ItemQuery {
                limit: i64::MAX,
                ..Default::default()
            },
        )?
        .rows;
    let mut events = Vec::new();
    for it in &items {
        events.extend(a.tx.list_events(&scope, it.id)?);
    }
    let requests = a.tx.list_requests(&scope, &RequestQuery::default())?;
    let mut registers = Vec::new();
    for year in period.start.year()..=period.end.year() {
        for kind in RegisterKind::ALL {
            registers.extend(a.tx.list_register(&scope, kind, year, 0, i64::MAX)?.rows);
        }
    }
    let mut records = Vec::new();
    for k in RecordKind::KEPT {
        records.extend(a.tx.list_records(k.code(), None, None)?);
    }
    let activity = reports::activity_of_rows(period, &items, &events, &requests, &registers);
    Ok(reports::compute_figures(&reports::Inputs {
        period,
        today: a.ctx.today,
        report_due: due,
        activity: &activity,
        records: &records,
    }))
}

fn draft_offer(
    a: &mut Act0<'_>,
    kind: ReportKind,
    year: i32,
    subject: Option<Id>,
) -> Result<DraftOffer> {
    let drafts = a.records::<ReportDraft>()?;
    if let Some(d) = drafts
        .iter()
        .find(|d| d.record.kind == kind && d.record.year == year && d.record.subject() == subject)
    {
        return Ok(DraftOffer {
            text: d.record.text.clone(),
            from_previous_year: false,
            draft_id: Some(d.id),
        });
    }
    if !kind.of_one_record()
        && let Some(d) = drafts
            .iter()
            .filter(|d| d.record.kind == kind && d.record.year < year)
            .max_by_key(|d| d.record.year)
    {
        // The number, date, period and title of last year's report are not this year's.
        let text = d.record.text.clone().for_next_report();
        return Ok(DraftOffer {
            text,
            from_previous_year: true,
            draft_id: None,
        });
    }
    Ok(DraftOffer {
        text: ReportDraftText::default(),
        from_previous_year: false,
        draft_id: None,
    })
}

/// The year's live plan record, if one was issued (or entered).
fn issued_plan(a: &mut Act0<'_>, year: i32) -> Result<Option<Stored<AnnualPlan>>> {
    Ok(a.records::<AnnualPlan>()?
        .into_iter()
        .filter(|p| p.record.year == year)
        .min_by_key(|p| (p.record.issued_on, p.id)))
}

/// The printed particulars of a report or plan from the agency and the text set for it.
fn particulars_of(
    a: &mut Act0<'_>,
    offer: &DraftOffer,
    date: Date,
    symbol: &str,
    recipients: &str,
) -> Result<Particulars> {
    let agency = a.tx.get_agency()?.unwrap_or(Agency {
        name: "Cơ quan chưa đặt tên".into(),
        superior: None,
        place: "Hà Nội".into(),
        symbol: "CQ".into(),
    });
    let t = &offer.text;
    Ok(Particulars {
        superior: agency.superior.clone(),
        agency: agency.name.clone(),
        place: t
            .place
            .clone()
            .filter(|p| !p.trim().is_empty())
            .unwrap_or_else(|| agency.place.clone()),
        number: t
            .number
            .clone()
            .filter(|n| !n.trim().is_empty() && !offer.from_previous_year)
            .unwrap_or_else(|| format!("     /{symbol}-{}", agency.symbol)),
        date,
        recipients: if t.recipients.is_empty() {
            vec![recipients.into()]
        } else {
            t.recipients.clone()
        },
        archive: t.archive.clone().unwrap_or_else(|| "VT".into()),
        signer_authority: t.signer_authority.clone(),
        signer_position: t
            .signer_position
            .clone()
            .unwrap_or_else(|| "THỦ TRƯỞNG CƠ QUAN".into()),
        signer_name: t.signer_name.clone().unwrap_or_else(|| "………………………".into()),
    })
}

/// The annual plan of `year` from the rules' `[plan_template]` and the text the user set.
/// The template is that of the regime in force on the date set for the plan, else of the
/// regime of the plan's year.
fn compute_plan(a: &mut Act0<'_>, year: i32) -> Result<ReportModel> {
    let offer = draft_offer(a, ReportKind::AnnualPlan, year, None)?;
    let own = (!offer.from_previous_year).then(|| offer.text.clone());
    let set_date = own.as_ref().and_then(|t| t.date);
    let regime = match set_date {
        Some(d) => a.rules.regime_for_or_first(d),
        None => a.rules.report_regime(year),
    };
    let symbol = (regime.plan_template.as_ref()).map_or("KH", |t| t.symbol.as_str());
    let particulars = particulars_of(
        a,
        &offer,
        set_date.unwrap_or(a.ctx.today),
        symbol,
        "Các đơn vị trực thuộc (để thực hiện)",
    )?;
    reports::build_plan(reports::PlanInput {
        year,
        regime,
        particulars,
        tasks: own.as_ref().map(|t| t.tasks.clone()).unwrap_or_default(),
        title: own.as_ref().and_then(|t| t.title.clone()),
        opening: own.as_ref().and_then(|t| t.opening.clone()),
    })
}

fn compute_report(a: &mut Act0<'_>, q: ReportQuery) -> Result<ReportModel> {
    if q.kind == ReportKind::AnnualPlan {
        return compute_plan(a, q.year);
    }
    let (mut period, mut due) = reports::period_of(a.rules.report_regime(q.year), q.kind, q.year);
    // The period, date and text the user set for this report (its own draft only: last
    // year's text is offered as a start, never its period or date).
    let offer = draft_offer(a, q.kind, q.year, q.subject())?;
    let own_text = (!offer.from_previous_year).then(|| offer.text.clone());
    if !q.kind.of_one_record()
        && let Some(t) = &own_text
    {
        period = Period {
            start: t.period_start.unwrap_or(period.start),
            end: t.period_end.unwrap_or(period.end),
        };
        if period.start > period.end {
            return Err(CoreError::invalid(
                "period_end",
                "ngày cuối kỳ số liệu phải từ ngày đầu kỳ trở về sau",
            ));
        }
    }
    let set_date = own_text.as_ref().and_then(|t| t.date);
    let date = set_date.unwrap_or(a.ctx.today);
    // The regime whose citations and template apply: the one in force on the date the user
    // set for the report; without one, the regime of the report year (a late report keeps
    // the rules of the year it reports on).
    let regime = match set_date {
        Some(d) => a.rules.regime_for_or_first(d),
        None => a.rules.report_regime(q.year),
    };
    let mut incidents = Vec::new();
    let mut incident_id = None;
    let mut inspection = None;
    let mut inspection_id = None;
    let mut records = Vec::new();
    let own = match q.kind {
        ReportKind::Incident => {
            let all = a.records::<Incident>()?;
            let chosen = match q.incident_id {
                Some(id) => all.into_iter().find(|x| x.id == id),
                None => all
                    .into_iter()
                    .filter(|x| period.contains(x.record.discovered_on))
                    .max_by_key(|x| (x.record.discovered_on, x.id)),
            }
            .ok_or(CoreError::NotFound("vụ lộ, mất bí mật nhà nước"))?;
            // ND26 Điều 8.1.b: the ad-hoc report is due at once, and covers the incident alone.
            period = Period {
                start: chosen.record.discovered_on,
                end: chosen.record.discovered_on,
            };
            due = chosen.record.discovered_on;
            incident_id = Some(chosen.id);
            incidents.push(chosen.record);
            let mut f = Figures::default();
            reports::add_incident(&mut f.incidents, &incidents[0]);
            f
        }
        ReportKind::InspectionConclusion => {
            // One inspection, live (a cancelled inspection has no conclusion).
            let id = q.inspection_id.ok_or_else(|| {
                CoreError::invalid("inspection_id", "chọn cuộc kiểm tra cần lập kết luận")
            })?;
            let r =
                a.tx.get_record(id)?
                    .filter(|r| r.kind == RecordKind::Inspection.code() && !is_cancelled(r))
                    .ok_or(CoreError::NotFound("cuộc kiểm tra"))?;
            let x = decode::<Inspection>(&r)?;
            period = Period {
                start: x.record.date,
                end: x.record.date,
            };
            due = x.record.date;
            inspection_id = Some(x.id);
            inspection = Some(x.record);
            // Its figures are those of the inspection alone (remedies overdue as of today).
            records.push(r);
            reports::compute_figures(&reports::Inputs {
                period,
                today: a.ctx.today,
                report_due: due,
                activity: &reports::Activity::default(),
                records: &records,
            })
        }
        _ => {
            // The one clearance filter: a report counts only what its reader may see. The
            // store counts the period's acts on items, take-outs and register entries in SQL.
            let scope = a.scope();
            let activity = a.tx.report_activity(&scope, period.start, period.end)?;
            records = report_records(a, period)?;
            incidents = typed_live::<Incident>(&records)?
                .into_iter()
                .filter(|x| period.contains(x.discovered_on))
                .collect();
            reports::compute_figures(&reports::Inputs {
                period,
                today: a.ctx.today,
                report_due: due,
                activity: &activity,
                records: &records,
            })
        }
    };

    // Subordinate units: every unit with a registered key or on the year's steering plan, and
    // what it sent for this report.
    let mut units = Vec::new();
    if !q.kind.of_one_record() {
        let received = a.records::<UnitReport>()?;
        let arrivals = if q.kind == ReportKind::Annual {
            report_arrivals(&a.records::<AnnualPlan>()?, q.year)
        } else {
            BTreeMap::new()
        };
        let mut names: Vec<String> = a
            .records::<UnitKey>()?
            .into_iter()
            .map(|k| k.record.unit)
            .chain(arrivals.keys().cloned())
            .collect();
        names.sort();
        names.dedup();
        for unit in names {
            let r = received.iter().find(|r| {
                r.record.unit == unit && r.record.kind == q.kind && r.record.year == q.year
            });
            let received_on = arrived_on(r.map(|r| r.record.received_on), arrivals.get(&unit));
            units.push(UnitStatus {
                unit,
                received_on,
                on_time: received_on.is_some_and(|d| d <= due),
                figures: r.map(|r| r.record.figures.clone()),
            });
        }
    }

    let details = reports::details(&records, period);
    let subject = incident_id.or(inspection_id);
    let offer = if subject == q.subject() {
        offer
    } else {
        draft_offer(a, q.kind, q.year, subject)?
    };
    let mut narrative = if offer.from_previous_year {
        BTreeMap::new()
    } else {
        offer.text.narrative.clone()
    };
    if q.kind == ReportKind::Incident {
        narrative
            .entry("c2".into())
            .or_insert_with(|| incidents[0].cause.clone());
    }
    // ND30 Phụ lục III: a conclusion is numbered KL, a report BC.
    let symbol = if q.kind == ReportKind::InspectionConclusion {
        "KL"
    } else {
        "BC"
    };
    let particulars = particulars_of(
        a,
        &offer,
        date,
        symbol,
        "Bộ Công an (Cục An ninh chính trị nội bộ)",
    )?;
    reports::build(reports::BuildInput {
        kind: q.kind,
        year: q.year,
        regime,
        period,
        due,
        particulars,
        own,
        units,
        incidents,
        incident_id,
        inspection,
        inspection_id,
        narrative,
        details,
        title: own_text.as_ref().and_then(|t| t.title.clone()),
        opening: own_text.as_ref().and_then(|t| t.opening.clone()),
    })
}

/// The day each subordinate unit's annual report of `year` arrived, as recorded on the steering
/// plans of that year (ghi nhận đã nhận báo cáo); `None` for a unit listed but not yet heard
/// from.
fn report_arrivals(plans: &[Stored<AnnualPlan>], year: i32) -> BTreeMap<String, Option<Date>> {
    let mut out: BTreeMap<String, Option<Date>> = BTreeMap::new();
    for s in plans.iter().filter(|p| p.record.year == year) {
        for u in &s.record.subordinates {
            let e = out.entry(u.unit.clone()).or_default();
            *e = earliest(*e, u.report_received_on);
        }
    }
    out
}

fn earliest(a: Option<Date>, b: Option<Date>) -> Option<Date> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// When a subordinate unit's report arrived: the first of the day its bundle was taken in and
/// the day the steering plan records its report arriving. A unit whose report arrived on paper
/// by the due date and whose bundle was entered later (after the fact) is on time, never late.
fn arrived_on(bundle: Option<Date>, on_plan: Option<&Option<Date>>) -> Option<Date> {
    earliest(bundle, on_plan.copied().flatten())
}

/// Obligations of the programme (commitments owed, remedies and plan tasks overdue, ad-hoc
/// incident reports not sent, meeting documents not recovered, subordinate reports missing).
pub(crate) fn programme_obligations(a: &mut Act0<'_>, today: Date) -> Result<Vec<Obligation>> {
    let mut v = Vec::new();
    let ob = |kind, urgency, due, text: String| Obligation {
        kind,
        urgency,
        due,
        item_id: None,
        request_id: None,
        notice_id: None,
        entry_id: None,
        text,
    };
    let urg = |due: Date| {
        if due < today {
            Urgency::Overdue
        } else if due == today {
            Urgency::Today
        } else {
            Urgency::Soon
        }
    };
    let staff = a.records::<StaffAssignment>()?;
    let commitments = a.records::<Commitment>()?;
    for s in &staff {
        let of = |occ: &[CommitmentOccasion], after: Date| {
            commitments.iter().any(|c| {
                occ.contains(&c.record.occasion)
                    && c.record.signed_on >= after
                    && (c.record.staff_id == Some(s.id)
                        || (c.record.staff_id.is_none() && c.record.person == s.record.person))
            })
        };
        // Agency regulations commonly require a commitment on assignment (legal.md §18.5, [U]).
        if s.record.ended_on.is_none()
            && !of(
                &[CommitmentOccasion::Assignment, CommitmentOccasion::Access],
                s.record.decision_date,
            )
        {
            v.push(ob(
                ObligationKind::Commitment,
                urg(s.record.decision_date),
                s.record.decision_date,
                format!(
                    "{} ({}, QĐ {}) chưa ký cam kết bảo vệ BMNN khi được phân công",
                    s.record.person,
                    s.record.mode.label(),
                    s.record.decision_ref,
                ),
            ));
        }
        // Law 29/2018 Điều 26.2.d: before leaving, hand over and commit.
        if let Some(end) = s.record.ended_on
            && !of(
                &[CommitmentOccasion::Leaving, CommitmentOccasion::Retirement],
                crate::dates::days_before(end, 365),
            )
        {
            v.push(ob(
                ObligationKind::Commitment,
                urg(end),
                end,
                format!(
                    "{} thôi phân công ngày {}: phải bàn giao BMNN và ký cam kết bảo vệ BMNN ({})",
                    s.record.person,
                    crate::dates::fmt_vn(end),
                    a.cite_on(end, Cite::StaffEnd),
                ),
            ));
        }
    }
    for x in a.records::<Inspection>()? {
        for r in x.record.remedies.iter().filter(|r| r.done_on.is_none()) {
            if r.deadline <= crate::dates::days_after(today, crate::obligations::HORIZON_DAYS) {
                v.push(ob(
                    ObligationKind::Remedy,
                    urg(r.deadline),
                    r.deadline,
                    format!(
                        "{}: khắc phục «{}» sau kiểm tra ngày {}",
                        r.unit,
                        r.text,
                        crate::dates::fmt_vn(x.record.date),
                    ),
                ));
            }
        }
    }
    for x in a.records::<Incident>()? {
        if x.record.adhoc_report.is_none() {
            // ND26 Điều 8.1.b: at once, on discovery.
            v.push(ob(
                ObligationKind::IncidentReport,
                urg(x.record.discovered_on),
                x.record.discovered_on,
                format!(
                    "Báo cáo đột xuất ngay về vụ {} BMNN phát hiện ngày {} tại {} ({})",
                    x.record.kind.word(),
                    crate::dates::fmt_vn(x.record.discovered_on),
                    x.record.place,
                    a.cite_on(x.record.discovered_on, Cite::IncidentReport),
                ),
            ));
        }
    }
    for m in a.records::<Meeting>()? {
        if m.record.documents_returned < m.record.documents_issued {
            v.push(ob(
                ObligationKind::MeetingDocuments,
                urg(m.record.date),
                m.record.date,
                format!(
                    "Cuộc họp «{}» ngày {}: còn {} tài liệu BMNN chưa thu hồi ({})",
                    m.record.name,
                    crate::dates::fmt_vn(m.record.date),
                    m.record.documents_issued - m.record.documents_returned,
                    a.cite_on(m.record.date, Cite::MeetingRecall),
                ),
            ));
        }
    }
    let plans = a.records::<AnnualPlan>()?;
    for p in &plans {
        for t in p.record.tasks.iter().filter(|t| t.done_on.is_none()) {
            if t.deadline <= crate::dates::days_after(today, crate::obligations::HORIZON_DAYS) {
                v.push(ob(
                    ObligationKind::PlanTask,
                    urg(t.deadline),
                    t.deadline,
                    format!(
                        "Kế hoạch {} năm {}: {} — {} (hạn {})",
                        p.record.number_symbol,
                        p.record.year,
                        t.unit,
                        t.text,
                        crate::dates::fmt_vn(t.deadline)
                    ),
                ));
            }
        }
        if let Some(due) = p.record.subordinate_plan_due {
            for s in p
                .record
                .subordinates
                .iter()
                .filter(|s| s.plan_received_on.is_none())
            {
                if due <= crate::dates::days_after(today, crate::obligations::HORIZON_DAYS) {
                    v.push(ob(
                        ObligationKind::SubordinatePlan,
                        urg(due),
                        due,
                        format!(
                            "{} chưa gửi kế hoạch công tác bảo vệ BMNN năm {} (hạn {})",
                            s.unit,
                            p.record.year,
                            crate::dates::fmt_vn(due)
                        ),
                    ));
                }
            }
        }
    }
    // The annual plan of the coming year: an obligation from 1 December (agency practice).
    let next = today.year() + 1;
    let plan_due =
        Date::from_calendar_date(today.year(), time::Month::December, 31).expect("valid");
    if today.month() == time::Month::December && !plans.iter().any(|p| p.record.year == next) {
        v.push(ob(
            ObligationKind::AnnualPlan,
            urg(plan_due),
            plan_due,
            format!("Ban hành kế hoạch công tác bảo vệ BMNN năm {next}"),
        ));
    }
    // Subordinate units that have not sent this year's annual report once it is due.
    let regime = a.rules.report_regime(today.year());
    let (_, _, due) = regime.report_period(today.year());
    if today > due {
        let got = a.records::<UnitReport>()?;
        let mut units: Vec<String> = a
            .records::<UnitKey>()?
            .into_iter()
            .filter(|k| !k.record.revoked)
            .map(|k| k.record.unit)
            .collect();
        units.sort();
        units.dedup();
        for u in units {
            if !got.iter().any(|r| {
                r.record.unit == u
                    && r.record.kind == ReportKind::Annual
                    && r.record.year == today.year()
            }) {
                v.push(ob(
                    ObligationKind::SubordinateReport,
                    Urgency::Overdue,
                    due,
                    format!("{u} chưa gửi báo cáo sơ kết năm {}", today.year()),
                ));
            }
        }
    }
    Ok(v)
}
