//! The leak scanner's bookkeeping (kiểm tra trước khi đăng tải): every scan is logged in the
//! audit chain (file name, SHA-256, verdict, who — never the file's text); an ignored finding
//! carries a reason, an approver and an expiry, and is audited; registered items' extracted
//! text (encrypted by the caller) feeds the copy index; copy matches are filtered through the
//! one clearance filter, and items no longer protected (declassified, destroyed) never match.

use super::*;
use crate::access;
use crate::dates::fmt_vn;
use serde::{Deserialize, Serialize};

/// One scanned file, as the audit chain records it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScanLog {
    pub file_name: String,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    pub size: u64,
    /// block | review | pass
    pub verdict: String,
    pub findings: u32,
    /// web | api | cli
    pub channel: String,
}

/// Bỏ qua một phát hiện: approved by a leader or the security officer, until `expires`.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IgnoreCmd {
    pub sha256: String,
    /// The finding's rule id (e.g. "marking-level", "copy").
    pub rule_id: String,
    pub reason: String,
    #[serde(with = "crate::dates::iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub expires: Date,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScanIgnore {
    pub id: Id,
    pub sha256: String,
    pub rule_id: String,
    pub reason: String,
    pub approver_id: Id,
    pub approver_name: String,
    #[serde(with = "crate::dates::iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub approved_on: Date,
    #[serde(with = "crate::dates::iso_date")]
    #[schemars(schema_with = "crate::dates::date_schema")]
    pub expires: Date,
}

/// A registered item a copy match points at, as far as the reader may know it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct MatchedItem {
    pub item_id: Id,
    pub label: String,
    pub level: Level,
}

/// Copy matches split by what the reader may know ([`Service::resolve_matches`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolvedMatches {
    pub visible: Vec<MatchedItem>,
    /// Protected items the reader may not see: they block, and the verdict says nothing of them.
    pub hidden: Vec<Id>,
}

const IGNORE_KIND: &str = "scan-ignore";
/// Longest ignore (days): findings are re-examined at least yearly.
pub const MAX_IGNORE_DAYS: i64 = 366;

fn valid_sha(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

impl<S: Store> Service<S> {
    /// Logs one scan in the audit chain.
    pub fn record_scan(&self, ctx: &Ctx, s: &ScanLog) -> Result<()> {
        self.record_scan_with_matches(ctx, s, &[])
    }

    /// Logs one scan in the audit chain and, for every registered item still protected that the
    /// file copies (`matched`, whatever the scanner's clearance), writes the details — which
    /// item, who scanned, when, through which channel — to the audit trail and owes the security
    /// officer a notice (cảnh báo lộ lọt), in one transaction.
    pub fn record_scan_with_matches(&self, ctx: &Ctx, s: &ScanLog, matched: &[Id]) -> Result<()> {
        self.write(ctx, |a| {
            if !valid_sha(&s.sha256) {
                return Err(CoreError::invalid("sha256", "mã băm SHA-256 không hợp lệ"));
            }
            let name: String = s
                .file_name
                .chars()
                .filter(|c| !c.is_control())
                .take(255)
                .collect();
            a.audit(
                "scan",
                format!("file:{}", s.sha256),
                format!(
                    "name={name} size={} verdict={} findings={} channel={}",
                    s.size, s.verdict, s.findings, s.channel
                ),
            )?;
            let mut done: Vec<Id> = Vec::new();
            for id in matched {
                if done.contains(id) {
                    continue;
                }
                done.push(*id);
                let Some(item) = a.tx.get_item(&ReadScope::system(), *id)? else {
                    continue;
                };
                if !item.status.protected() {
                    continue;
                }
                a.audit(
                    "scan.match",
                    format!("item:{}", item.id),
                    format!(
                        "file={} name={name} channel={} scanned_by={}",
                        s.sha256,
                        s.channel,
                        a.actor_label()
                    ),
                )?;
                let channel = match s.channel.as_str() {
                    "web" => "trang kiểm tra",
                    "api" => "giao diện lập trình (API)",
                    "cli" => "dòng lệnh",
                    _ => "khác",
                };
                let when = a.ctx.now;
                a.tx.insert_notice(&Notice {
                    id: 0,
                    item_id: item.id,
                    level: item.level,
                    kind: NoticeKind::ScanMatch,
                    recipient: "Cán bộ bảo vệ bí mật nhà nước".into(),
                    created_on: a.ctx.today,
                    due: crate::dates::days_after(a.ctx.today, 1),
                    done_on: None,
                    done_ref: None,
                    basis: format!(
                        "Tệp «{name}» do {} ({}) kiểm tra lúc {:02}:{:02} ngày {} qua {channel} có đoạn trùng với {}",
                        a.actor.full_name,
                        a.actor.username,
                        when.hour(),
                        when.minute(),
                        fmt_vn(a.ctx.today),
                        item.label()
                    ),
                    confirmed: true,
                })?;
            }
            Ok(())
        })
    }

    /// Copy matches (item ids from the index) resolved against every item still protected,
    /// whatever the reader: `visible` are those the reader may know of (within clearance and
    /// need-to-know, at their current level), `hidden` the protected ones the reader may not
    /// see. Declassified and destroyed items are in neither.
    pub fn resolve_matches(&self, ctx: &Ctx, ids: &[Id]) -> Result<ResolvedMatches> {
        let visible = self.visible_matches(ctx, ids)?;
        let hidden = self.store.read(|tx| {
            let mut out: Vec<Id> = Vec::new();
            for id in ids {
                if out.contains(id) || visible.iter().any(|m| m.item_id == *id) {
                    continue;
                }
                if let Some(item) = tx.get_item(&ReadScope::system(), *id)?
                    && item.status.protected()
                {
                    out.push(item.id);
                }
            }
            Ok(out)
        })?;
        Ok(ResolvedMatches { visible, hidden })
    }

    /// Records an approved ignore of a finding (leader or security officer).
    pub fn ignore_finding(&self, ctx: &Ctx, c: IgnoreCmd) -> Result<ScanIgnore> {
        let c = crate::validate::cmd(c)?;
        self.write(ctx, |a| {
            a.require_role(
                access::SCAN_APPROVERS,
                "Duyệt bỏ qua phát hiện của công cụ kiểm tra",
            )?;
            if !valid_sha(&c.sha256) {
                return Err(CoreError::invalid("sha256", "mã băm SHA-256 không hợp lệ"));
            }
            let reason = non_empty("reason", &c.reason)?;
            let rule_id = non_empty("rule_id", &c.rule_id)?;
            let today = a.ctx.today;
            if c.expires < today || (c.expires - today).whole_days() > MAX_IGNORE_DAYS {
                return Err(CoreError::invalid(
                    "expires",
                    format!("hạn bỏ qua phải từ hôm nay đến tối đa {MAX_IGNORE_DAYS} ngày"),
                ));
            }
            let mut ig = ScanIgnore {
                id: 0,
                sha256: c.sha256.to_lowercase(),
                rule_id,
                reason,
                approver_id: a.actor.id,
                approver_name: a.actor.full_name.clone(),
                approved_on: today,
                expires: c.expires,
            };
            let data = serde_json::to_value(&ig).map_err(|e| CoreError::Storage(e.to_string()))?;
            ig.id = a.tx.insert_record(&ProgrammeRecord {
                id: 0,
                kind: IGNORE_KIND.into(),
                date: today,
                unit_id: None,
                data,
            })?;
            a.audit(
                "scan.ignore",
                format!("file:{}", ig.sha256),
                format!("rule={} until={}", ig.rule_id, fmt_vn(ig.expires)),
            )?;
            Ok(ig)
        })
    }

    /// Ignores in force today for a file.
    pub fn active_ignores(&self, ctx: &Ctx, sha256: &str) -> Result<Vec<ScanIgnore>> {
        self.read(ctx, |a| {
            let today = a.ctx.today;
            let from = crate::dates::days_before(today, MAX_IGNORE_DAYS + 1);
            let mut out = Vec::new();
            for r in a.tx.list_records(IGNORE_KIND, Some(from), Some(today))? {
                let mut ig: ScanIgnore = serde_json::from_value(r.data)
                    .map_err(|e| CoreError::Storage(e.to_string()))?;
                ig.id = r.id;
                if ig.sha256 == sha256.to_lowercase() && ig.expires >= today {
                    out.push(ig);
                }
            }
            Ok(out)
        })
    }

    /// Keeps the extracted text of an item (encrypted by the caller) for the copy index.
    pub fn set_item_text(&self, ctx: &Ctx, item_id: Id, ciphertext: &[u8]) -> Result<()> {
        self.write(ctx, |a| {
            let item = a.item(item_id)?;
            a.tx.put_item_text(item.id, ciphertext)?;
            a.audit(
                "item.text",
                format!("item:{}", item.id),
                format!("bytes={}", ciphertext.len()),
            )
        })
    }

    /// Every stored item text (ciphertext) with the item's level, for building the index at
    /// start-up. Only items still under protection.
    pub fn item_texts(&self) -> Result<Vec<(Id, Level, Vec<u8>)>> {
        self.store.read(|tx| {
            let mut out = Vec::new();
            for (id, ct) in tx.item_texts()? {
                if let Some(item) = tx.get_item(&ReadScope::system(), id)?
                    && item.status.protected()
                {
                    out.push((id, item.level, ct));
                }
            }
            Ok(out)
        })
    }

    /// Copy matches (item ids from the index) reduced to what the reader may see: protected
    /// items within the reader's clearance and need-to-know, with their current level.
    pub fn visible_matches(&self, ctx: &Ctx, ids: &[Id]) -> Result<Vec<MatchedItem>> {
        self.read(ctx, |a| {
            let scope = a.scope();
            let mut out = Vec::new();
            for id in ids {
                if let Some(item) = a.tx.get_item(&scope, *id)?
                    && item.status.protected()
                    && !out.iter().any(|m: &MatchedItem| m.item_id == item.id)
                {
                    out.push(MatchedItem {
                        item_id: item.id,
                        label: item.label(),
                        level: item.level,
                    });
                }
            }
            Ok(out)
        })
    }
}
