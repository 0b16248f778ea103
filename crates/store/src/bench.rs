//! Bulk data for benchmarks only (`bmnn bench-seed`): many items and register entries written
//! straight to the tables in large transactions, bypassing the services (and so the audit
//! chain, which stays valid because nothing is appended to it). Never used by the product.

use crate::dataset::AuditRow;
use crate::schema::*;
use crate::tx::{DbTx, item_columns, search_text, to_json};
use crate::{db_err, dispatch};
use bmnn_core::audit::{self, AuditInput};
use bmnn_core::error::Result;
use bmnn_core::level::Level;
use bmnn_core::model::*;
use bmnn_core::registers::{RegisterEntry, RegisterKind};
use diesel::prelude::*;
use std::collections::BTreeMap;
use time::{Date, Month};

const WORDS: &[&str] = &[
    "báo cáo",
    "kế hoạch",
    "phương án",
    "tình hình",
    "cung ứng",
    "xăng dầu",
    "hàng hóa",
    "thiết yếu",
    "dự án",
    "công nghiệp",
    "năng lượng",
    "thị trường",
    "kiểm tra",
    "an ninh",
    "dự trữ",
    "quốc gia",
    "quý",
    "năm",
    "tỉnh",
    "đề án",
    "thẩm định",
    "đầu tư",
    "điện",
    "khoáng sản",
    "thương mại",
    "biên giới",
];

/// Rows per multi-row INSERT: 11 columns × 1,000 stays under both databases' bind limits.
const ROWS_PER_INSERT: usize = 1_000;

/// A small deterministic generator (no dependency, same data on every run).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[(self.next() as usize) % v.len()]
    }
}

fn day(g: &mut Lcg, year: i32) -> Date {
    let m = Month::try_from(1 + (g.next() % 12) as u8).expect("month");
    Date::from_calendar_date(year, m, 1 + (g.next() % 28) as u8).expect("date")
}

/// Family names and given names of the benchmark's people (`bench_org`).
const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Đặng", "Bùi",
];
const GIVEN: &[&str] = &[
    "Văn An",
    "Thị Bình",
    "Đức Cường",
    "Thị Dung",
    "Minh Đức",
    "Thu Hà",
    "Quốc Hùng",
    "Thị Lan",
    "Văn Long",
    "Thị Mai",
    "Hữu Nam",
    "Thị Oanh",
    "Văn Phúc",
    "Thị Quyên",
    "Đình Sơn",
    "Thị Thủy",
];

impl DbTx<'_> {
    /// `units` units (market-surveillance departments under the agency's first unit, or at the
    /// top) and `users` staff spread over them (drafters, cleared for Mật; one in ten Tối mật),
    /// without passwords: they exist for the pickers and the scope filters, nobody logs in.
    pub(crate) fn bench_org(
        &mut self,
        start_unit: usize,
        units: usize,
        start_user: usize,
        users: usize,
        unit_ids: &mut Vec<Id>,
    ) -> Result<()> {
        use bmnn_core::ports::Tx;
        let parent = self.list_units()?.first().map(|u| u.id);
        for i in start_unit..start_unit + units {
            let id = self.insert_unit(&Unit {
                id: 0,
                name: format!("Chi cục Quản lý thị trường số {}", i + 1),
                parent_id: parent,
            })?;
            unit_ids.push(id);
        }
        let mut g = Lcg(start_user as u64 + 3);
        for i in start_user..start_user + users {
            self.insert_user(&User {
                id: 0,
                username: format!("canbo{}", i + 1),
                full_name: format!("{} {} {}", g.pick(FAMILY), g.pick(GIVEN), i + 1),
                roles: vec![Role::Drafter],
                clearance: Some(if i % 10 == 0 {
                    Level::ToiMat
                } else {
                    Level::Mat
                }),
                position_id: None,
                unit_id: (!unit_ids.is_empty()).then(|| unit_ids[i % unit_ids.len()]),
                active: true,
            })?;
        }
        Ok(())
    }

    pub(crate) fn bench_items(
        &mut self,
        start: usize,
        n: usize,
        holder: Id,
        unit: Option<Id>,
    ) -> Result<Vec<(Id, Level)>> {
        let mut g = Lcg(start as u64 + 7);
        let before: Id = dispatch!(&mut self.conn, c => items::table.select(diesel::dsl::max(items::id)).first::<Option<Id>>(c).map_err(db_err)?).unwrap_or(0);
        let mut rows = Vec::with_capacity(n);
        for i in start..start + n {
            let level = match g.next() % 20 {
                0 => Level::TuyetMat,
                1..=7 => Level::ToiMat,
                _ => Level::Mat,
            };
            let year = if i % 2 == 0 { 2025 } else { 2026 };
            let d = day(&mut g, year);
            let summary = format!(
                "{} {} {} {} số {}",
                g.pick(WORDS),
                g.pick(WORDS),
                g.pick(WORDS),
                g.pick(WORDS),
                i
            );
            let item = SecretItem {
                id: 0,
                carrier: Carrier::Document,
                electronic: false,
                origin: if i % 3 == 0 {
                    Origin::Incoming
                } else {
                    Origin::Internal
                },
                number_symbol: Some(format!("{}/BC-SCT", i + 1)),
                doc_type: "Báo cáo".into(),
                summary: (level != Level::TuyetMat).then_some(summary),
                summary_consent_ref: None,
                level,
                field: Some("kinh-te".into()),
                catalogue_item_id: None,
                doc_date: Some(d),
                classified_on: Some(d),
                classified_by: Some(holder),
                decision_ref: None,
                regime: if year == 2025 { "A".into() } else { "B".into() },
                expiry: Some(bmnn_core::dates::add_years(d, 10)),
                copy_allowed: i % 4 != 0,
                circulation: String::new(),
                copies_issued: 2,
                recipients: vec!["Bộ Công Thương".into()],
                drafter_id: Some(holder),
                drafter_name: "Người soạn thảo".into(),
                signer: Some("Nguyễn Văn Minh".into()),
                issuer: None,
                unit_id: unit,
                holder_id: Some(holder),
                // A word only Tuyệt mật items carry ("riêng"): `scripts/bench-search` times
                // a search for it by a reader not cleared for them (a hidden-only word).
                location: if level == Level::TuyetMat {
                    "Kho lưu trữ riêng".into()
                } else {
                    "Kho lưu trữ".into()
                },
                status: if i % 10 == 0 {
                    Status::Declassified
                } else {
                    Status::Issued
                },
                recall_due: None,
                returned_on: None,
                named_recipient: None,
                named_recipient_id: None,
                sealed: false,
                urgent: false,
                taken_out: None,
                basis_warning: None,
                next_copy_no: 1,
            };
            rows.push(item_columns!(item, search_text(&item), to_json(&item)?));
        }
        // Multi-row INSERTs; the search index is written by the items' triggers.
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            dispatch!(&mut self.conn, c => diesel::insert_into(items::table).values(chunk.to_vec()).execute(c).map_err(db_err)?);
        }
        // One writer (the benchmark's transaction), so the new rows are those after `before`.
        let ids = dispatch!(&mut self.conn, c => items::table
            .filter(items::id.gt(before))
            .order(items::id)
            .select((items::id, items::level))
            .load::<(Id, i16)>(c)
            .map_err(db_err)?);
        Ok(ids
            .into_iter()
            .map(|(id, l)| (id, Level::from_rank(l).unwrap_or(Level::Mat)))
            .collect())
    }

    pub(crate) fn bench_entries(
        &mut self,
        items: &[(Id, Level)],
        n: usize,
        seed: u64,
        created_by: Id,
    ) -> Result<()> {
        let mut g = Lcg(seed);
        let kinds = RegisterKind::ALL;
        let mut next: BTreeMap<(&'static str, i32), i64> = BTreeMap::new();
        dispatch!(&mut self.conn, c => {
            for (k, y, m) in register_entries::table
                .group_by((register_entries::kind, register_entries::year))
                .select((register_entries::kind, register_entries::year, diesel::dsl::max(register_entries::number)))
                .load::<(String, i32, Option<i64>)>(c)
                .map_err(db_err)?
            {
                let kind = RegisterKind::from_code(&k).map(|k| k.code()).unwrap_or("outgoing");
                next.insert((kind, y), m.unwrap_or(0));
            }
        });
        let mut rows = Vec::with_capacity(n);
        for i in 0..n {
            let (item_id, level) = items[i % items.len()];
            let kind = kinds[(g.next() % 4) as usize];
            let year = if g.next().is_multiple_of(2) {
                2025
            } else {
                2026
            };
            let num = next.entry((kind.code(), year)).or_insert(0);
            *num += 1;
            let d = day(&mut g, year);
            let mut fields = BTreeMap::new();
            fields.insert("number_symbol".to_string(), format!("{}/BC-SCT", item_id));
            fields.insert("doc_type".to_string(), "Báo cáo".to_string());
            fields.insert("date".to_string(), bmnn_core::dates::fmt_vn(d));
            fields.insert("quantity".to_string(), "2".to_string());
            fields.insert("recipients".to_string(), "Bộ Công Thương".to_string());
            let e = RegisterEntry {
                id: 0,
                kind,
                year,
                number: *num,
                date: d,
                item_id: Some(item_id),
                request_id: None,
                level,
                regime: if year == 2025 { "A".into() } else { "B".into() },
                fields,
                corrects: None,
                created_by,
                to_user: None,
                ack: None,
                cancelled: None,
            };
            rows.push((
                register_entries::kind.eq(kind.code()),
                register_entries::year.eq(year),
                register_entries::number.eq(*num),
                register_entries::level.eq(level.rank()),
                register_entries::item_id.eq(Some(item_id)),
                register_entries::to_user.eq(None::<i64>),
                register_entries::pending_ack.eq(false),
                register_entries::data.eq(to_json(&e)?),
            ));
        }
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            dispatch!(&mut self.conn, c => diesel::insert_into(register_entries::table).values(chunk.to_vec()).execute(c).map_err(db_err)?);
        }
        Ok(())
    }
}

impl crate::DbStore {
    /// Benchmark organisation: `units` units and `users` users (see `DbTx::bench_org`), in
    /// transactions of 5,000 rows.
    pub fn bench_seed_org(&self, units: usize, users: usize) -> Result<()> {
        let mut unit_ids = Vec::with_capacity(units);
        let batch = 5_000;
        let mut done = 0;
        while done < units {
            let n = batch.min(units - done);
            self.with_db(true, |tx| tx.bench_org(done, n, 0, 0, &mut unit_ids))?;
            done += n;
        }
        let mut done = 0;
        while done < users {
            let n = batch.min(users - done);
            self.with_db(true, |tx| tx.bench_org(0, 0, done, n, &mut unit_ids))?;
            done += n;
        }
        Ok(())
    }

    /// Benchmark data: `items` items and `entries` register entries, held by `holder`, in
    /// transactions of 20,000 items / 40,000 entries.
    pub fn bench_seed(
        &self,
        items: usize,
        entries: usize,
        holder: Id,
        unit: Option<Id>,
    ) -> Result<()> {
        let mut all = Vec::with_capacity(items);
        let batch = 20_000;
        let mut done = 0;
        while done < items {
            let n = batch.min(items - done);
            all.extend(self.with_db(true, |tx| tx.bench_items(done, n, holder, unit))?);
            done += n;
        }
        let mut done = 0;
        while done < entries {
            let n = (batch * 2).min(entries - done);
            self.with_db(true, |tx| {
                tx.bench_entries(&all, n, done as u64 + 11, holder)
            })?;
            done += n;
        }
        Ok(())
    }
}

/// One programme record of the report benchmark, the `n`-th: kinds in turn, dates spread over
/// 2019–2026 (so a year's report needs an eighth of the records of one day).
fn bench_record(g: &mut Lcg, n: usize) -> Result<ProgrammeRecord> {
    use bmnn_core::programme::*;
    fn rec<T: Record>(t: &T) -> Result<ProgrammeRecord> {
        Ok(ProgrammeRecord {
            id: 0,
            kind: T::KIND.code().into(),
            date: t.key_date(),
            unit_id: None,
            data: serde_json::to_value(t)
                .map_err(|e| bmnn_core::error::CoreError::Storage(e.to_string()))?,
        })
    }
    let year = 2019 + (g.next() % 8) as i32;
    let on = day(g, year);
    match n % 7 {
        0 => rec(&Training {
            date: on,
            kind: TrainingKind::Dissemination,
            organiser: "Công an tỉnh".into(),
            organised_by: OrganisedBy::Own,
            audience: "Cán bộ, công chức".into(),
            participants: 10 + (g.next() % 90) as u32,
            attendees: vec![],
        }),
        1 => rec(&StaffAssignment {
            person: format!("Cán bộ {n}"),
            user_id: None,
            position: "Văn thư".into(),
            mode: StaffMode::Concurrent,
            decision_ref: format!("{n}/QĐ-SCT"),
            decision_date: on,
            ended_on: None,
            end_reason: None,
        }),
        2 => rec(&Commitment {
            person: format!("Cán bộ {n}"),
            staff_id: None,
            occasion: CommitmentOccasion::Access,
            signed_on: on,
            reference: None,
        }),
        3 => rec(&Directive {
            date: on,
            direction: Direction::Received,
            kind: DirectiveKind::Letter,
            number_symbol: format!("{n}/CV-UBND"),
            issuer: "UBND tỉnh".into(),
            title: "Về công tác bảo vệ bí mật nhà nước".into(),
        }),
        4 => rec(&Device {
            identity: format!("MT-{n}"),
            kind: DeviceKind::Computer,
            description: "Máy tính soạn thảo".into(),
            in_use_from: on,
            inspected_on: Some(on),
            stamp_ref: None,
            never_connected: true,
            connection: None,
            ai_tool: false,
            warning: None,
            status: DeviceStatus::InUse,
            wipes: vec![],
            repurposed_on: None,
            new_use: None,
            disposed_on: None,
            disposal_ref: None,
        }),
        5 => rec(&Equipment {
            unit: format!("Phòng {}", n % 20),
            as_of: on,
            stamps: 2,
            stamp_sets: 1,
            registers: 4,
            note: None,
        }),
        _ => rec(&Incident {
            discovered_on: on,
            kind: IncidentKind::Loss,
            channel: Channel::PhysicalLoss,
            place: "Phòng Hành chính".into(),
            documents: vec![IncidentDocument {
                level: Some(Level::Mat),
                in_catalogue: true,
                item_id: None,
            }],
            cause: "Thất lạc khi đi công tác".into(),
            recovered: false,
            taken_down: false,
            discipline: Default::default(),
            criminal_referral: false,
            adhoc_report: None,
            state: IncidentState::Verifying,
            outcome: None,
            state_on: None,
        }),
    }
}

impl crate::DbStore {
    /// Benchmark data for the report (`bmnn bench-seed --records N`): `records` programme
    /// records, and a "classified" history event on its classification date for every item
    /// without history (what a report counts on items).
    pub fn bench_seed_report(&self, records: usize, actor: Id) -> Result<()> {
        let batch = 5_000;
        let mut g = Lcg(records as u64 + 13);
        let mut done = 0;
        while done < records {
            let n = batch.min(records - done);
            self.with_db(true, |tx| {
                for i in done..done + n {
                    bmnn_core::ports::Tx::insert_record(tx, &bench_record(&mut g, i)?)?;
                }
                Ok(())
            })?;
            done += n;
        }
        let mut after: Id = 0;
        loop {
            let next = self.with_db(true, |tx| {
                let rows: Vec<(Id, String)> = dispatch!(&mut tx.conn, c => items::table
                    .filter(items::id.gt(after))
                    .filter(diesel::dsl::not(diesel::dsl::exists(
                        item_events::table.filter(item_events::item_id.eq(items::id)),
                    )))
                    .order(items::id)
                    .limit(batch as i64)
                    .select((items::id, items::data))
                    .load(c)
                    .map_err(db_err)?);
                let mut last = None;
                for (id, data) in rows {
                    let it: SecretItem = crate::tx::from_json(&data)?;
                    let on = it.classified_on.or(it.doc_date).unwrap_or(Date::MIN);
                    bmnn_core::ports::Tx::insert_event(
                        tx,
                        &ItemEvent {
                            id: 0,
                            item_id: id,
                            kind: "classified".into(),
                            on,
                            at: on.midnight(),
                            actor_id: Some(actor),
                            actor_name: "Người soạn thảo".into(),
                            regime: it.regime.clone(),
                            basis: String::new(),
                            confirmed: true,
                            reference: None,
                            delegation_id: None,
                            note: String::new(),
                        },
                    )?;
                    last = Some(id);
                }
                Ok(last)
            })?;
            match next {
                Some(id) => after = id,
                None => break,
            }
        }
        Ok(())
    }
}

/// When and by whom the benchmark's audit records are written.
const BENCH_AT: &str = "2026-12-02T00:00:00.000000";
const BENCH_ACTOR: &str = "0:bench-seed";

impl DbTx<'_> {
    /// Appends one record per input to the audit chain (each sealed after the one before, with
    /// the store's audit key), in multi-row INSERTs, and moves the head to the last one.
    fn bench_audit(&mut self, inputs: Vec<AuditInput>) -> Result<()> {
        use bmnn_core::ports::Tx;
        let key = self.audit_key;
        let mut last = self.audit_tail(1)?.pop();
        let mut rows = Vec::with_capacity(inputs.len());
        for input in inputs {
            let r = audit::seal_keyed(last.as_ref(), input, key.as_ref());
            rows.push(AuditRow {
                seq: r.seq,
                at: r.at.clone(),
                actor: r.actor.clone(),
                action: r.action.clone(),
                object: r.object.clone(),
                details: r.details.clone(),
                prev_hash: r.prev_hash.clone(),
                hash: r.hash.clone(),
                mac: r.mac.clone(),
            });
            last = Some(r);
        }
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            dispatch!(&mut self.conn, c => diesel::insert_into(audit_log::table).values(chunk).execute(c).map_err(db_err)?);
        }
        if let Some(r) = last {
            let mac = key.as_ref().map(|k| audit::mac(k, r.seq, &r.hash));
            dispatch!(&mut self.conn, c => diesel::update(audit_head::table.filter(audit_head::id.eq(1)))
                .set((audit_head::seq.eq(r.seq), audit_head::hash.eq(&r.hash), audit_head::mac.eq(&mac)))
                .execute(c)
                .map_err(db_err)?);
        }
        Ok(())
    }
}

fn bench_record_of(action: &str, object: String) -> AuditInput {
    AuditInput {
        at: BENCH_AT.into(),
        actor: BENCH_ACTOR.into(),
        action: action.into(),
        object,
        details: "bench-seed".into(),
    }
}

impl crate::DbStore {
    /// Benchmark data only (`bmnn bench-seed --audited`): audit records for the rows the seed
    /// writes without them, so that a backup of the seeded database passes the import's check
    /// that the log covers the data and restores: the creation of every account that has none,
    /// one record for every item (its declassification for a declassified one) and every
    /// register entry (run once: a second run adds as many again). Appended to the chain (which
    /// still verifies), 20,000 rows per transaction. Returns the number of records written.
    pub fn bench_seed_audit(&self) -> Result<u64> {
        let mut written = 0u64;
        let users = self.with_db(true, |tx| {
            let (ids, made) = dispatch!(&mut tx.conn, c => {
                let ids: Vec<Id> = users::table.order(users::id).select(users::id).load(c).map_err(db_err)?;
                let made: Vec<String> = audit_log::table
                    .filter(audit_log::action.eq_any(["user.create", "bootstrap"]))
                    .select(audit_log::object)
                    .load(c)
                    .map_err(db_err)?;
                (ids, made)
            });
            let made: std::collections::HashSet<String> = made.into_iter().collect();
            let inputs: Vec<AuditInput> = ids
                .into_iter()
                .map(|id| format!("user:{id}"))
                .filter(|o| !made.contains(o))
                .map(|o| bench_record_of("user.create", o))
                .collect();
            let n = inputs.len() as u64;
            tx.bench_audit(inputs)?;
            Ok(n)
        })?;
        written += users;
        let batch = 20_000i64;
        let mut last = 0;
        loop {
            let n = self.with_db(true, |tx| {
                let rows: Vec<(Id, String)> = dispatch!(&mut tx.conn, c => items::table
                    .filter(items::id.gt(last))
                    .order(items::id)
                    .limit(batch)
                    .select((items::id, items::status))
                    .load(c)
                    .map_err(db_err)?);
                let Some((end, _)) = rows.last() else {
                    return Ok(0);
                };
                last = *end;
                let n = rows.len();
                tx.bench_audit(
                    rows.into_iter()
                        .map(|(id, status)| {
                            let action = if status == "declassified" {
                                "item.declassify"
                            } else {
                                "item.classify"
                            };
                            bench_record_of(action, format!("item:{id}"))
                        })
                        .collect(),
                )?;
                Ok(n)
            })?;
            written += n as u64;
            if n == 0 {
                break;
            }
        }
        let mut last = 0;
        loop {
            let n = self.with_db(true, |tx| {
                let rows: Vec<(Id, String, i32, i64)> = dispatch!(&mut tx.conn, c => register_entries::table
                    .filter(register_entries::id.gt(last))
                    .order(register_entries::id)
                    .limit(batch)
                    .select((register_entries::id, register_entries::kind, register_entries::year, register_entries::number))
                    .load(c)
                    .map_err(db_err)?);
                let Some((end, ..)) = rows.last() else {
                    return Ok(0);
                };
                last = *end;
                let n = rows.len();
                tx.bench_audit(
                    rows.into_iter()
                        .map(|(_, kind, year, number)| {
                            bench_record_of("register", format!("register:{kind}:{year}:{number}"))
                        })
                        .collect(),
                )?;
                Ok(n)
            })?;
            written += n as u64;
            if n == 0 {
                break;
            }
        }
        Ok(written)
    }
}
