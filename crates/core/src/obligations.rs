//! The obligations engine: for any date, what is due or overdue.
//!
//! Pure: the service gathers the candidate items, requests, notices and register entries
//! (through the clearance filter of the asking user) and [`compute`] turns them into a sorted
//! list of obligations: expiries, the last day to decide an extension (expiry − 60 days),
//! notices owed, recalls, items taken out and not returned, handovers not yet acknowledged,
//! decisions waiting, and the annual report's data period and deadline. The programme's
//! obligations (commitments owed, remedies, ad-hoc incident reports, meeting documents, plan
//! tasks, subordinate plans and reports) come from the programme records and are added by the
//! `due()` query.

use crate::dates::{days_before, fmt_vn};
use crate::model::*;
use crate::registers::RegisterEntry;
use crate::rules::Regime;
use serde::{Deserialize, Serialize};
use time::Date;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Urgency {
    /// Quá hạn.
    Overdue,
    /// Đến hạn hôm nay.
    Today,
    /// Sắp đến hạn.
    Soon,
    /// Để biết.
    Info,
}

impl Urgency {
    pub fn label(self) -> &'static str {
        match self {
            Urgency::Overdue => "Quá hạn",
            Urgency::Today => "Đến hạn hôm nay",
            Urgency::Soon => "Sắp đến hạn",
            Urgency::Info => "Để biết",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ObligationKind {
    Expiry,
    ExtensionDeadline,
    Notice,
    Recall,
    TakenOut,
    HandoverAck,
    Decision,
    AnnualReport,
    /// Cam kết bảo vệ BMNN chưa ký (phân công; thôi phân công, Law Điều 26.2.d).
    Commitment,
    /// Biện pháp khắc phục sau kiểm tra.
    Remedy,
    /// Báo cáo đột xuất vụ lộ, mất chưa gửi (ND26 Điều 8.1.b).
    IncidentReport,
    /// Tài liệu phát ra tại cuộc họp chưa thu hồi (Law Điều 17.1.e).
    MeetingDocuments,
    /// Nhiệm vụ trong kế hoạch công tác bảo vệ BMNN.
    PlanTask,
    /// Kế hoạch năm tới chưa ban hành.
    AnnualPlan,
    /// Đơn vị cấp dưới chưa gửi kế hoạch.
    SubordinatePlan,
    /// Đơn vị cấp dưới chưa gửi báo cáo.
    SubordinateReport,
}

impl ObligationKind {
    pub fn label(self) -> &'static str {
        match self {
            ObligationKind::Expiry => "Hết thời hạn bảo vệ",
            ObligationKind::ExtensionDeadline => "Hạn cuối quyết định gia hạn",
            ObligationKind::Notice => "Thông báo phải gửi",
            ObligationKind::Recall => "Tài liệu thu hồi phải trả",
            ObligationKind::TakenOut => "Tài liệu mang ra ngoài chưa trả",
            ObligationKind::HandoverAck => "Chuyển giao chưa ký nhận",
            ObligationKind::Decision => "Chờ quyết định",
            ObligationKind::AnnualReport => "Báo cáo năm",
            ObligationKind::Commitment => "Cam kết bảo vệ BMNN",
            ObligationKind::Remedy => "Khắc phục sau kiểm tra",
            ObligationKind::IncidentReport => "Báo cáo đột xuất vụ lộ, mất",
            ObligationKind::MeetingDocuments => "Thu hồi tài liệu cuộc họp",
            ObligationKind::PlanTask => "Nhiệm vụ kế hoạch",
            ObligationKind::AnnualPlan => "Kế hoạch năm",
            ObligationKind::SubordinatePlan => "Kế hoạch của đơn vị cấp dưới",
            ObligationKind::SubordinateReport => "Báo cáo của đơn vị cấp dưới",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Obligation {
    pub kind: ObligationKind,
    pub urgency: Urgency,
    #[serde(with = "crate::dates::iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub due: Date,
    pub item_id: Option<Id>,
    pub request_id: Option<Id>,
    pub notice_id: Option<Id>,
    pub entry_id: Option<Id>,
    /// Safe text (labels, dates, recipients; never a summary).
    pub text: String,
}

/// What the engine looks at.
pub struct Inputs<'a> {
    /// Protected items with an expiry within the horizon (or already past).
    pub expiring: &'a [SecretItem],
    /// Items with a recall date, not yet returned.
    pub recalls: &'a [SecretItem],
    pub open_requests: &'a [Request],
    pub proposals: &'a [SecretItem],
    pub open_notices: &'a [Notice],
    pub pending_acks: &'a [RegisterEntry],
}

/// Overdue before `today`, due on it, soon after it.
pub fn urgency(due: Date, today: Date) -> Urgency {
    if due < today {
        Urgency::Overdue
    } else if due == today {
        Urgency::Today
    } else {
        Urgency::Soon
    }
}

/// Default look-ahead for expiries and deadlines.
pub const HORIZON_DAYS: i64 = 90;

pub fn compute(today: Date, regime: &Regime, i: &Inputs<'_>) -> Vec<Obligation> {
    let mut v = Vec::new();
    let horizon = crate::dates::days_after(today, HORIZON_DAYS);
    for it in i.expiring {
        let Some(exp) = it.expiry else { continue };
        if exp <= horizon {
            v.push(Obligation {
                kind: ObligationKind::Expiry,
                urgency: urgency(exp, today),
                due: exp,
                item_id: Some(it.id),
                request_id: None,
                notice_id: None,
                entry_id: None,
                text: format!(
                    "{} ({}) hết thời hạn bảo vệ ngày {}",
                    it.label(),
                    it.level.label(),
                    fmt_vn(exp)
                ),
            });
        }
        if it.origin == Origin::Internal {
            let last = days_before(exp, regime.extension.deadline_days_before_expiry);
            if last <= horizon && exp >= today {
                v.push(Obligation {
                    kind: ObligationKind::ExtensionDeadline,
                    urgency: urgency(last, today),
                    due: last,
                    item_id: Some(it.id),
                    request_id: None,
                    notice_id: None,
                    entry_id: None,
                    text: format!(
                        "{}: hạn cuối quyết định gia hạn {} ({} ngày trước ngày hết hạn {})",
                        it.label(),
                        fmt_vn(last),
                        regime.extension.deadline_days_before_expiry,
                        fmt_vn(exp)
                    ),
                });
            }
        }
    }
    for it in i.recalls {
        if let (Some(d), None) = (it.recall_due, it.returned_on) {
            v.push(Obligation {
                kind: ObligationKind::Recall,
                urgency: urgency(d, today),
                due: d,
                item_id: Some(it.id),
                request_id: None,
                notice_id: None,
                entry_id: None,
                text: format!(
                    "{} phải trả cho {} trước ngày {}",
                    it.label(),
                    it.issuer.clone().unwrap_or_default(),
                    fmt_vn(d)
                ),
            });
        }
    }
    for r in i.open_requests {
        match (&r.status, &r.details) {
            // A decision waiting has no legal deadline: it is information for whoever may
            // decide (the inbox lists it to the deciders only), never "due today".
            (RequestStatus::Pending, _) => v.push(Obligation {
                kind: ObligationKind::Decision,
                urgency: Urgency::Info,
                due: r.requested_on,
                item_id: r.item_ids.first().copied(),
                request_id: Some(r.id),
                notice_id: None,
                entry_id: None,
                text: format!("{} ({}) chờ quyết định", r.label(), r.level.label()),
            }),
            (
                RequestStatus::Approved,
                RequestDetails::TakeOut {
                    until,
                    returned_on: None,
                    ..
                },
            ) => v.push(Obligation {
                kind: ObligationKind::TakenOut,
                urgency: urgency(*until, today),
                due: *until,
                item_id: r.item_ids.first().copied(),
                request_id: Some(r.id),
                notice_id: None,
                entry_id: None,
                text: format!(
                    "Tài liệu mang ra ngoài theo {} phải trả và báo cáo trước ngày {}",
                    r.phrase(),
                    fmt_vn(*until)
                ),
            }),
            _ => {}
        }
    }
    for p in i.proposals {
        v.push(Obligation {
            kind: ObligationKind::Decision,
            urgency: Urgency::Info,
            due: today,
            item_id: Some(p.id),
            request_id: None,
            notice_id: None,
            entry_id: None,
            text: format!(
                "Đề xuất độ {} ({}) của {} chờ quyết định",
                p.level.label(),
                p.label(),
                p.drafter_name
            ),
        });
    }
    for n in i.open_notices {
        v.push(Obligation {
            kind: ObligationKind::Notice,
            urgency: urgency(n.due, today),
            due: n.due,
            item_id: Some(n.item_id),
            request_id: None,
            notice_id: Some(n.id),
            entry_id: None,
            text: format!(
                "{} gửi {} trước ngày {}",
                n.kind.label(),
                n.recipient,
                fmt_vn(n.due)
            ),
        });
    }
    for e in i.pending_acks {
        v.push(Obligation {
            kind: ObligationKind::HandoverAck,
            urgency: if e.date < today {
                Urgency::Overdue
            } else {
                Urgency::Today
            },
            due: e.date,
            item_id: e.item_id,
            request_id: None,
            notice_id: None,
            entry_id: Some(e.id),
            text: format!(
                "Sổ chuyển giao {}/{:02}: {} chưa ký nhận",
                e.year,
                e.number,
                e.fields.get("to").cloned().unwrap_or_default()
            ),
        });
    }
    // Annual report (ND26 Điều 8): data period and deadline of the report year.
    let (start, end, due) = regime.report_period(today.year());
    if today <= due {
        let days_left = (due - today).whole_days();
        v.push(Obligation {
            kind: ObligationKind::AnnualReport,
            urgency: if days_left <= 30 {
                urgency(due, today)
            } else {
                Urgency::Info
            },
            due,
            item_id: None,
            request_id: None,
            notice_id: None,
            entry_id: None,
            text: format!(
                "Báo cáo sơ kết năm {}: số liệu từ {} đến {}, gửi chậm nhất ngày {}{}",
                today.year(),
                fmt_vn(start),
                fmt_vn(end),
                fmt_vn(due),
                if regime.report.confirmed {
                    ""
                } else {
                    " (mốc thời gian chưa được xác nhận theo chế độ mới)"
                }
            ),
        });
    }
    v.sort_by_key(|a| (a.urgency, a.due, a.kind as u8));
    v
}
