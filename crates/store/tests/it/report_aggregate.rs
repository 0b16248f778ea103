//! Report figures from SQL aggregates (issue 14 "bounded and fast"): on generated data, the
//! report's own figures equal the oracle — the former in-memory count over every row the
//! reader may see (`Service::report_figures_by_rows`) — for several periods and readers, on
//! SQLite and PostgreSQL. Dates cluster on the periods' first and last days and the days
//! around them; records and register entries are sometimes cancelled; items span other years.
//! And a programme record that no longer decodes stops the report with a Vietnamese refusal
//! naming it, instead of vanishing from the figures.

use crate::helpers::*;
use bmnn_core::Level;
use bmnn_core::error::CoreError;
use bmnn_core::model::*;
use bmnn_core::ports::Store;
use bmnn_core::programme::reports::{activity_of_rows, period_of};
use bmnn_core::programme::*;
use bmnn_core::registers::{Cancellation as EntryCancel, NewEntry, RegisterKind};
use bmnn_core::rules::RuleSet;
use bmnn_core::service::*;
use std::collections::BTreeMap;
use time::{Date, Duration};

/// A small deterministic generator (same data on every run, one stream per seed).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() as usize) % n
    }
    fn chance(&mut self, in_: u64) -> bool {
        self.next().is_multiple_of(in_)
    }
    fn pick<T: Copy>(&mut self, v: &[T]) -> T {
        v[self.below(v.len())]
    }
}

const QUERIES: [(ReportKind, i32); 4] = [
    (ReportKind::Annual, 2024),
    (ReportKind::Annual, 2025),
    (ReportKind::Annual, 2026),
    (ReportKind::FiveYear, 2026),
];

/// Every period's first and last day, the days either side, a day inside, and days of other
/// years.
fn edge_days() -> Vec<Date> {
    let rules = RuleSet::embedded();
    let mut v = vec![d("10/06/2019"), d("03/03/2021")];
    for (k, y) in QUERIES {
        let (p, _) = period_of(rules.report_regime(y), k, y);
        for x in [p.start, p.end] {
            v.extend([x - Duration::days(1), x, x + Duration::days(1)]);
        }
        v.push(p.start + Duration::days(100));
    }
    v
}

const EVENT_KINDS: [&str; 14] = [
    "classified",
    "received",
    "registered-outgoing",
    "copies-produced",
    "provided",
    "extended",
    "adjusted",
    "declassified",
    "declassified-partial",
    "declassified-catalogue",
    "declassified-expired",
    "destroyed",
    "handed-over",
    "viewed",
];

fn record<T: Record>(t: &T) -> ProgrammeRecord {
    ProgrammeRecord {
        id: 0,
        kind: T::KIND.code().into(),
        date: t.key_date(),
        unit_id: None,
        data: serde_json::to_value(t).expect("json"),
    }
}

/// Writes a random dataset straight through the storage port (as an import would).
fn seed(o: &Org, g: &mut Lcg) {
    let days = edge_days();
    let template = o
        .svc
        .store
        .read(|tx| {
            Ok(tx
                .list_items(
                    &ReadScope::system(),
                    &ItemQuery {
                        limit: 1,
                        ..Default::default()
                    },
                )?
                .rows)
        })
        .expect("template")
        .remove(0);
    let users = [o.clerk.id, o.drafter.id, o.head.id];
    o.svc
        .store
        .write(|tx| {
            let mut items = Vec::new();
            for _ in 0..40 {
                let mut it = template.clone();
                it.level = g.pick(&[Level::Mat, Level::ToiMat, Level::TuyetMat]);
                it.holder_id = Some(g.pick(&users));
                it.drafter_id = Some(g.pick(&users));
                it.unit_id = if g.chance(4) { None } else { it.unit_id };
                let id = tx.insert_item(&it)?;
                items.push((id, it.level));
            }
            let ev_template = tx.list_events(&ReadScope::system(), template.id)?.remove(0);
            for _ in 0..160 {
                let (item_id, _) = g.pick(&items);
                tx.insert_event(&ItemEvent {
                    item_id,
                    kind: g.pick(&EVENT_KINDS).into(),
                    on: g.pick(&days),
                    ..ev_template.clone()
                })?;
            }
            for _ in 0..30 {
                let (item_id, level) = g.pick(&items);
                let on = g.pick(&days);
                let decided = !g.chance(4);
                tx.insert_request(&Request {
                    id: 0,
                    kind: if g.chance(4) {
                        RequestKind::Copy
                    } else {
                        RequestKind::TakeOut
                    },
                    item_ids: vec![item_id],
                    level,
                    requester_id: g.pick(&users),
                    requester_name: "Người đề nghị".into(),
                    requested_on: on - Duration::days(1),
                    status: RequestStatus::Pending,
                    decision: decided.then(|| Decision {
                        by: Some(o.head.id),
                        by_name: "Giám đốc".into(),
                        on,
                        regime: "A".into(),
                        basis: String::new(),
                        confirmed: true,
                        delegation_id: None,
                        external_ref: None,
                        external: None,
                        reference: None,
                        approved: !g.chance(3),
                        reason: None,
                    }),
                    details: RequestDetails::TakeOut {
                        abroad: false,
                        purpose: "Công tác".into(),
                        place: "Hà Nội".into(),
                        from: on,
                        until: on,
                        measures: "Cặp có khóa".into(),
                        delegation_head: None,
                        returned_on: None,
                        return_report: None,
                    },
                })?;
            }
            for _ in 0..80 {
                let (item_id, level) = g.pick(&items);
                let mut e = tx.append_register(&NewEntry {
                    kind: g.pick(&RegisterKind::ALL),
                    date: g.pick(&days),
                    item_id: Some(item_id),
                    request_id: None,
                    level,
                    regime: "A".into(),
                    fields: BTreeMap::new(),
                    corrects: None,
                    created_by: o.clerk.id,
                    to_user: g.chance(3).then_some(o.head.id),
                })?;
                if g.chance(4) {
                    e.cancelled = Some(EntryCancel {
                        reason: "Ghi nhầm".into(),
                        by: o.clerk.id,
                        at: now(),
                    });
                    tx.update_register_entry(&e)?;
                }
            }
            for n in 0..70 {
                let day = g.pick(&days);
                let later = |g: &mut Lcg| {
                    let x = g.pick(&days);
                    (x >= day).then_some(x)
                };
                let mut r = match n % 7 {
                    0 => record(&Training {
                        date: day,
                        kind: g.pick(&[
                            TrainingKind::Training,
                            TrainingKind::Dissemination,
                            TrainingKind::Briefing,
                        ]),
                        organiser: "Công an Tỉnh".into(),
                        organised_by: OrganisedBy::Own,
                        audience: "Cán bộ".into(),
                        participants: 1 + g.below(50) as u32,
                        attendees: vec![],
                    }),
                    1 => record(&StaffAssignment {
                        person: "Nguyễn Văn A".into(),
                        user_id: None,
                        position: "Văn thư".into(),
                        mode: g.pick(&[StaffMode::FullTime, StaffMode::Concurrent]),
                        decision_ref: "12/QĐ".into(),
                        decision_date: day,
                        ended_on: later(g),
                        end_reason: None,
                    }),
                    2 => {
                        let wipe = later(g);
                        let gone = wipe.and_then(|w| {
                            let x = g.pick(&days);
                            (x >= w).then_some(x)
                        });
                        let status = match (gone, g.below(2)) {
                            (None, _) => DeviceStatus::InUse,
                            (Some(_), 0) => DeviceStatus::Repurposed,
                            (Some(_), _) => DeviceStatus::Disposed,
                        };
                        record(&Device {
                            identity: format!("MT-{n}"),
                            kind: g.pick(&[
                                DeviceKind::Computer,
                                DeviceKind::StorageMedium,
                                DeviceKind::Copier,
                                DeviceKind::Other,
                            ]),
                            description: "Máy tính soạn thảo".into(),
                            in_use_from: day,
                            inspected_on: later(g),
                            stamp_ref: None,
                            never_connected: true,
                            connection: None,
                            ai_tool: false,
                            warning: None,
                            status,
                            wipes: wipe
                                .map(|w| Wipe {
                                    date: w,
                                    method: "Ghi đè".into(),
                                    by: "Kỹ thuật".into(),
                                    minutes_ref: None,
                                })
                                .into_iter()
                                .collect(),
                            repurposed_on: gone.filter(|_| status == DeviceStatus::Repurposed),
                            new_use: None,
                            disposed_on: gone.filter(|_| status == DeviceStatus::Disposed),
                            disposal_ref: None,
                        })
                    }
                    3 => record(&Equipment {
                        unit: g.pick(&["Văn phòng", "Phòng Kế hoạch"]).into(),
                        as_of: day,
                        stamps: g.below(5) as u32,
                        stamp_sets: 0,
                        registers: g.below(9) as u32,
                        note: None,
                    }),
                    4 => record(&Commitment {
                        person: "Trần Thị B".into(),
                        staff_id: None,
                        occasion: g.pick(&[
                            CommitmentOccasion::Assignment,
                            CommitmentOccasion::Leaving,
                            CommitmentOccasion::Retirement,
                            CommitmentOccasion::Access,
                        ]),
                        signed_on: day,
                        reference: None,
                    }),
                    5 => record(&Directive {
                        date: day,
                        direction: g.pick(&[Direction::Issued, Direction::Received]),
                        kind: g.pick(&[DirectiveKind::Plan, DirectiveKind::Letter]),
                        number_symbol: "5/KH".into(),
                        issuer: "UBND tỉnh".into(),
                        title: "Kế hoạch".into(),
                    }),
                    _ => record(&Incident {
                        discovered_on: day,
                        kind: IncidentKind::Loss,
                        channel: Channel::PhysicalLoss,
                        place: "Phòng Hành chính".into(),
                        documents: vec![IncidentDocument {
                            level: Some(Level::Mat),
                            in_catalogue: g.chance(2),
                            item_id: None,
                        }],
                        cause: "Thất lạc".into(),
                        recovered: g.chance(2),
                        taken_down: false,
                        discipline: Discipline::default(),
                        criminal_referral: false,
                        adhoc_report: None,
                        state: IncidentState::Verifying,
                        outcome: None,
                        state_on: None,
                    }),
                };
                if g.chance(5) {
                    r.data[CANCELLED_KEY] = serde_json::to_value(Cancellation {
                        on: day,
                        reason: "Nhập trùng".into(),
                        by: o.admin.id,
                    })
                    .expect("json");
                }
                tx.insert_record(&r)?;
            }
            Ok(())
        })
        .expect("seed");
}

#[test]
fn report_figures_from_aggregates_equal_the_row_by_row_count() {
    for seed_no in 0..3u64 {
        for b in backends() {
            let o = org(&b.url);
            o.svc
                .receive_incoming(
                    &o.ctx(&o.clerk),
                    incoming(Level::Mat, "1/BCT", "10/11/2026"),
                )
                .expect("rx");
            let mut g = Lcg(seed_no * 7919 + 17);
            seed(&o, &mut g);
            let mut nonzero = 0;
            for u in [&o.head, &o.section_head, &o.mat_reader] {
                for (kind, year) in QUERIES {
                    let q = ReportQuery {
                        kind,
                        year,
                        incident_id: None,
                        inspection_id: None,
                    };
                    let fast = o.svc.report(&o.ctx(u), q).expect("report").own;
                    let oracle = o.svc.report_figures_by_rows(&o.ctx(u), q).expect("oracle");
                    assert_eq!(
                        fast, oracle,
                        "{} seed {seed_no}: {kind:?} {year} read by {}",
                        b.name, u.username
                    );
                    nonzero += usize::from(fast != Default::default());
                }
            }
            // The port itself for every reader, need-to-know readers included (no reporter is
            // one, but the port keeps the scope of the row reads it replaces).
            for u in [&o.drafter, &o.clerk, &o.mat_reader] {
                let scope = ReadScope::of(u);
                for (kind, year) in QUERIES {
                    let rules = RuleSet::embedded();
                    let (p, _) = period_of(rules.report_regime(year), kind, year);
                    let (mut sql, mut rows) = o
                        .svc
                        .store
                        .read(|tx| {
                            let sql = tx.report_activity(&scope, p.start, p.end)?;
                            let items = tx
                                .list_items(
                                    &scope,
                                    &ItemQuery {
                                        limit: i64::MAX,
                                        ..Default::default()
                                    },
                                )?
                                .rows;
                            let mut events = Vec::new();
                            for it in &items {
                                events.extend(tx.list_events(&scope, it.id)?);
                            }
                            let requests = tx.list_requests(&scope, &RequestQuery::default())?;
                            let mut entries = Vec::new();
                            for y in p.start.year()..=p.end.year() {
                                for k in RegisterKind::ALL {
                                    entries
                                        .extend(tx.list_register(&scope, k, y, 0, i64::MAX)?.rows);
                                }
                            }
                            Ok((
                                sql,
                                activity_of_rows(p, &items, &events, &requests, &entries),
                            ))
                        })
                        .expect("activity");
                    for a in [&mut sql, &mut rows] {
                        a.events.sort();
                        a.registers.sort_by_key(|(k, _)| k.code());
                    }
                    assert_eq!(
                        sql, rows,
                        "{} seed {seed_no}: activity {kind:?} {year} of {}",
                        b.name, u.username
                    );
                }
            }
            // The generated data reaches the figures (the comparison is not of zeros).
            assert!(nonzero >= 10, "{}: {nonzero} non-empty reports", b.name);
        }
    }
}

#[test]
fn a_record_that_no_longer_decodes_stops_the_report() {
    for b in backends() {
        let o = org(&b.url);
        let c = o.ctx(&o.head);
        let q = ReportQuery {
            kind: ReportKind::Annual,
            year: 2026,
            incident_id: None,
            inspection_id: None,
        };
        o.svc.report(&c, q).expect("report before");
        o.svc
            .store
            .write(|tx| {
                tx.insert_record(&ProgrammeRecord {
                    id: 0,
                    kind: RecordKind::Training.code().into(),
                    date: d("02/03/2026"),
                    unit_id: None,
                    data: serde_json::json!({ "date": "2026-03-02", "participants": "bốn mươi" }),
                })
            })
            .expect("bad record");
        match o.svc.report(&c, q) {
            Err(CoreError::Refused(r)) => {
                let (code, message) = (r.code, r.message);
                assert_eq!(code, "record_unreadable", "{}", b.name);
                assert!(
                    message.contains("Tập huấn, phổ biến, quán triệt")
                        && message.contains("02/03/2026"),
                    "{}: {message}",
                    b.name
                );
            }
            other => panic!("{}: {other:?}", b.name),
        }
        // Outside the period the record is not read, and the report of another year is made.
        o.svc
            .report(&c, ReportQuery { year: 2024, ..q })
            .expect("report of 2024");
    }
}
