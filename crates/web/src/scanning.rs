//! Kiểm tra trước khi đăng tải: the leak scanner behind the page and the JSON API.
//!
//! One pipeline for both faces ([`scan_file`]): hash the file, extract its text in the isolated
//! child process, look for markings (the regimes' stamp texts) and for passages copied from
//! registered items (the in-memory winnowing index, every level whoever scans), resolve copy
//! matches against every item still protected (`Service::resolve_matches`): those the reader may
//! know of are named, the others block with a reason that reveals nothing while the security
//! officer receives the details (audit `scan.match` and a notice), apply the ignores in force for
//! this file, log the scan in the audit chain (file name, hash, verdict, who; never the text) and
//! answer.
//!
//! Availability (issue 16 point 2): scans and attachment indexing run on the scanner's own
//! threads ([`ScanWork`]), never on the runtime's blocking pool that serves pages and logins;
//! scans are admitted under a total and a per-user limit (over it: 503 `scan_busy` or 429
//! `scan_too_many`, in Vietnamese, before any work; indexing an item's file waits instead, as
//! an item missing from the index would let its copies pass); text is extracted (in the worker pool)
//! before the copy index is locked, and the lock is held only to match the extracted text.
//!
//! The index holds the fingerprints of every protected item whose electronic file was uploaded
//! ([`index_item_file`]); the extracted text is kept encrypted with the data key so the index can
//! be rebuilt at start-up ([`ScanState::load`]). Re-levelled items are matched at their current
//! level and declassified or destroyed ones are dropped at query time, so the index never needs
//! an update on those acts.

use crate::{AppState, WebError};
use bmnn_core::CoreError;
use bmnn_core::model::{Id, User};
use bmnn_core::ports::Store;
use bmnn_core::service::{Ctx, MatchedItem, ScanLog, Service};
use bmnn_scan::{ExtractError, Extracted};
use bmnn_scan::{
    FileVerdict, Finding, FindingKind, FingerprintIndex, Isolation, MarkingSpec, Scanner, Severity,
    Verdict,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

/// Extraction replaced by a test (e.g. one that blocks until released).
pub type ExtractHook = Arc<dyn Fn(&[u8], &str) -> Result<Extracted, ExtractError> + Send + Sync>;

/// The scanner's shared state: marking list, copy index, isolation, text key, its own threads.
pub struct ScanState {
    pub index: RwLock<FingerprintIndex>,
    pub markings: Vec<MarkingSpec>,
    /// `None` extracts in-process (tests); the server runs a pool of `bmnn extract-child`.
    pub isolation: Option<Isolation>,
    text_key: [u8; 32],
    /// The scanner's threads and admission limits.
    pub work: ScanWork,
    hook: Option<ExtractHook>,
}

/// Admission limits of the scanner (cấp phát lượt kiểm tra).
#[derive(Debug, Clone, Copy)]
pub struct ScanLimits {
    /// Threads running scans and indexing (extraction waits for a worker of the pool on them).
    pub threads: usize,
    /// Scans admitted at once, running or waiting, over all users (more: 503).
    pub total: usize,
    /// Scans admitted at once for one user (more: 429).
    pub per_user: usize,
}

impl ScanLimits {
    /// For `workers` extraction workers: as many threads, four files waiting per worker, and a
    /// quarter of that per user (at least two).
    pub fn for_workers(workers: usize) -> ScanLimits {
        let threads = workers.max(1);
        let total = (threads * 4).max(8);
        ScanLimits {
            threads,
            total,
            per_user: (total / 4).max(2),
        }
    }
}

type Job = Box<dyn FnOnce() + Send>;

/// The scanner's own bounded pool: a few threads fed by a queue, with admission per user.
pub struct ScanWork {
    limits: ScanLimits,
    tx: Mutex<std::sync::mpsc::Sender<Job>>,
    admitted: Mutex<(usize, HashMap<Id, usize>)>,
}

/// An admitted scan; dropping it frees the place.
pub struct Admission<'a> {
    work: &'a ScanWork,
    user: Id,
}

impl Drop for Admission<'_> {
    fn drop(&mut self) {
        let mut a = self.work.admitted.lock().unwrap_or_else(|e| e.into_inner());
        a.0 = a.0.saturating_sub(1);
        if let Some(n) = a.1.get_mut(&self.user) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                a.1.remove(&self.user);
            }
        }
    }
}

impl ScanWork {
    pub fn new(limits: ScanLimits) -> ScanWork {
        let (tx, rx) = std::sync::mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..limits.threads.max(1) {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("bmnn-scan-{i}"))
                .spawn(move || {
                    loop {
                        let job = {
                            let rx = rx.lock().unwrap_or_else(|e| e.into_inner());
                            rx.recv()
                        };
                        match job {
                            // A panicking job must not take the thread with it.
                            Ok(job) => {
                                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                            }
                            Err(_) => return,
                        }
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "scanner thread not started");
            }
        }
        ScanWork {
            limits,
            tx: Mutex::new(tx),
            admitted: Mutex::new((0, HashMap::new())),
        }
    }

    pub fn limits(&self) -> ScanLimits {
        self.limits
    }

    /// Admits one more scan for `user`, or refuses with what to do (nothing is done).
    pub fn admit(&self, user: Id) -> Result<Admission<'_>, CoreError> {
        let mut a = self.admitted.lock().unwrap_or_else(|e| e.into_inner());
        let mine = a.1.get(&user).copied().unwrap_or(0);
        if mine >= self.limits.per_user {
            return Err(CoreError::refused(
                "scan_too_many",
                format!(
                    "Bạn đang có {mine} tệp chờ kiểm tra hoặc đang được kiểm tra. Hãy đợi các tệp này có kết quả rồi gửi tiếp."
                ),
            ));
        }
        if a.0 >= self.limits.total {
            return Err(CoreError::refused(
                "scan_busy",
                "Máy kiểm tra tệp đang bận với nhiều tệp của người khác. Hãy thử lại sau ít phút.",
            ));
        }
        a.0 += 1;
        *a.1.entry(user).or_insert(0) += 1;
        Ok(Admission { work: self, user })
    }

    /// Runs `f` on the scanner's threads and waits (asynchronously) for its answer.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, WebError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(f());
        });
        self.tx
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .send(job)
            .map_err(|_| WebError::internal("scanner threads stopped".into()))?;
        rx.await
            .map_err(|_| WebError::internal("scan task failed".into()))
    }
}

/// Key of the index's keyed hash, derived from the data key (scanner.md §10.6: the index of
/// classified documents is itself sensitive).
fn index_key(data_key: &[u8; 32]) -> [u8; 16] {
    let h = Sha256::new_with_prefix(b"bmnn fingerprint index v1")
        .chain_update(data_key)
        .finalize();
    h[..16].try_into().expect("16 bytes")
}

fn text_key(data_key: &[u8; 32]) -> [u8; 32] {
    Sha256::new_with_prefix(b"bmnn item text v1")
        .chain_update(data_key)
        .finalize()
        .into()
}

impl ScanState {
    pub fn new(
        markings: Vec<MarkingSpec>,
        isolation: Option<Isolation>,
        data_key: &[u8; 32],
    ) -> ScanState {
        let workers = isolation
            .as_ref()
            .and_then(|i| i.pool.as_ref().map(|p| p.size()))
            .unwrap_or(2);
        ScanState {
            index: RwLock::new(FingerprintIndex::new(index_key(data_key))),
            markings,
            isolation,
            text_key: text_key(data_key),
            work: ScanWork::new(ScanLimits::for_workers(workers)),
            hook: None,
        }
    }

    /// Other admission limits (tests, `serve`'s settings).
    pub fn with_limits(mut self, limits: ScanLimits) -> ScanState {
        self.work = ScanWork::new(limits);
        self
    }

    /// Extraction replaced by `hook` (tests: a file that is held inside extraction).
    pub fn with_extract_hook(mut self, hook: ExtractHook) -> ScanState {
        self.hook = Some(hook);
        self
    }

    /// Extracts a file's text: the test hook, the isolated workers, or in process. No lock is
    /// held.
    pub fn extract(&self, bytes: &[u8], file_name: &str) -> Result<Extracted, ExtractError> {
        if let Some(h) = &self.hook {
            return h(bytes, file_name);
        }
        match &self.isolation {
            Some(iso) => bmnn_scan::extract_isolated(bytes, file_name, iso),
            None => bmnn_scan::extract::extract(bytes, file_name, &bmnn_scan::Limits::default()),
        }
    }

    /// Rebuilds the index from the stored (encrypted) texts of protected items.
    pub fn load<S: Store>(&self, svc: &Service<S>) -> Result<usize, CoreError> {
        let texts = svc.item_texts()?;
        let mut ix = self.index.write().expect("index lock");
        let mut n = 0;
        for (id, level, ct) in texts {
            let Some(plain) = crate::ui::decrypt_attachment(&self.text_key, id, &ct) else {
                tracing::warn!(
                    item = id,
                    "item text does not decrypt with this key; skipped"
                );
                continue;
            };
            let text = String::from_utf8_lossy(&plain);
            ix.add(id, level.rank() as u8, format!("#{id}"), &text);
            n += 1;
        }
        Ok(n)
    }
}

impl ScanState {
    /// Keeps `text` as the indexed text of an item (encrypted with the data key, for rebuilding
    /// the index at start-up) and adds it to the index now, at the item's current level.
    pub fn store_item_text<S: Store>(
        &self,
        svc: &Service<S>,
        ctx: &Ctx,
        item_id: Id,
        text: &str,
    ) -> Result<(), CoreError> {
        let detail = svc.item_detail(ctx, item_id)?;
        let ct = crate::ui::encrypt_attachment(&self.text_key, item_id, text.as_bytes());
        svc.set_item_text(ctx, item_id, &ct)?;
        let mut ix = self.index.write().expect("index lock");
        ix.remove(item_id);
        ix.add(
            item_id,
            detail.item.level.rank() as u8,
            detail.item.label(),
            text,
        );
        Ok(())
    }
}

/// A finding as shown to the user.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FindingView {
    pub rule_id: String,
    pub severity: Severity,
    pub reason: String,
    /// The stamp phrase only.
    pub evidence: Option<String>,
    pub where_: Option<String>,
    /// The registered item a copied passage comes from (only if the reader may know it).
    pub item: Option<MatchedItem>,
    pub copied_syllables: Option<usize>,
    /// An approved ignore covers this finding.
    pub ignored: bool,
}

/// The answer for one file.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ScanOutcome {
    pub file: String,
    pub sha256: String,
    pub size: u64,
    pub verdict: Verdict,
    pub verdict_vi: String,
    pub findings: Vec<FindingView>,
}

impl ScanOutcome {
    /// What the person should do now (bước tiếp theo), in Vietnamese.
    pub fn next_step(&self) -> &'static str {
        match self.verdict {
            Verdict::Block => {
                "Không được đăng tải, gửi hoặc sao chép tệp này ra ngoài. Báo ngay cho cán bộ bảo vệ bí mật nhà nước của cơ quan."
            }
            Verdict::Review => {
                "Chưa được đăng tải. Chuyển tệp cho cán bộ bảo vệ bí mật nhà nước kiểm tra thủ công phần chưa đọc được; chỉ đăng khi đã được xác nhận."
            }
            Verdict::Pass => {
                "Có thể đăng tải theo quy trình của cơ quan. Công cụ không thay thế trách nhiệm của người ký duyệt nội dung."
            }
        }
    }

    /// Style class of the verdict on the page.
    pub fn css(&self) -> &'static str {
        match self.verdict {
            Verdict::Block => "verdict verdict-block",
            Verdict::Review => "verdict verdict-review",
            Verdict::Pass => "verdict verdict-pass",
        }
    }

    /// A sign that does not rely on colour alone.
    pub fn icon(&self) -> &'static str {
        match self.verdict {
            Verdict::Block => "⛔",
            Verdict::Review => "⚠",
            Verdict::Pass => "✔",
        }
    }
}

fn where_of(f: &Finding) -> Option<String> {
    f.location.as_ref().map(|l| match l.page {
        Some(p) => format!("{} (trang {p})", l.source),
        None => l.source.clone(),
    })
}

/// Scans one uploaded file for a user and logs it: markings and copies are decided against
/// every item still protected; only what the user may know of is named.
pub async fn scan_file<S: Store>(
    st: &AppState<S>,
    scan: &Arc<ScanState>,
    ctx: Ctx,
    user: &User,
    file_name: String,
    bytes: Vec<u8>,
    channel: &'static str,
) -> Result<ScanOutcome, WebError> {
    let _admitted = scan.work.admit(user.id)?;
    let job_scan = scan.clone();
    let svc = st.svc.clone();
    let res = scan
        .work
        .run(move || -> Result<ScanOutcome, CoreError> {
            let scan = job_scan;
            let sha = bmnn_core::audit::hex(&Sha256::digest(&bytes));
            // Extract first (in the isolated workers), then hold the index only to match.
            let extracted = scan.extract(&bytes, &file_name);
            // Copies are looked for among every registered item, whoever scans.
            let verdict: FileVerdict = match extracted {
                Ok(x) => {
                    let ix = scan.index.read().expect("index lock");
                    let scanner = Scanner::new(&scan.markings).with_index(&ix);
                    bmnn_scan::scan_extracted(&file_name, &x, &scanner)
                }
                Err(e) => bmnn_scan::verdict::unreadable(&file_name, &e),
            };
            // Copy matches against every item still protected: those the reader may know of are
            // named; the others block with a reason that reveals nothing (the security officer
            // gets the details). Declassified and destroyed items are dropped here.
            let ids: Vec<Id> = verdict
                .findings
                .iter()
                .filter_map(|f| f.copy.as_ref().map(|c| c.doc_id))
                .collect();
            let resolved = if ids.is_empty() {
                Default::default()
            } else {
                svc.resolve_matches(&ctx, &ids)?
            };
            let ignores = svc.active_ignores(&ctx, &sha)?;
            let mut findings = Vec::new();
            let mut matched: Vec<Id> = Vec::new();
            let mut hidden_shown = false;
            for f in &verdict.findings {
                let rule = f.kind.rule_id().to_string();
                let ignored = ignores.iter().any(|i| i.rule_id == rule);
                if f.kind == FindingKind::Copy {
                    let Some(c) = &f.copy else { continue };
                    if f.severity == Severity::Block
                        && (resolved.hidden.contains(&c.doc_id)
                            || resolved.visible.iter().any(|m| m.item_id == c.doc_id))
                    {
                        matched.push(c.doc_id);
                    }
                    if resolved.hidden.contains(&c.doc_id) {
                        // An ignore never covers a match the approver could not have seen.
                        if f.severity == Severity::Block && !hidden_shown {
                            hidden_shown = true;
                            findings.push(FindingView {
                                rule_id: rule,
                                severity: Severity::Block,
                                reason: bmnn_scan::HIDDEN_MATCH_REASON.to_string(),
                                evidence: None,
                                where_: where_of(f),
                                item: None,
                                copied_syllables: None,
                                ignored: false,
                            });
                        }
                        continue;
                    }
                    let Some(m) = resolved.visible.iter().find(|m| m.item_id == c.doc_id) else {
                        continue;
                    };
                    findings.push(FindingView {
                        rule_id: rule,
                        severity: f.severity,
                        reason: format!(
                            "Có đoạn khoảng {} âm tiết trùng với tài liệu đã đăng ký «{}» (độ {}).",
                            c.copied_syllables,
                            m.label,
                            m.level.label()
                        ),
                        evidence: None,
                        where_: where_of(f),
                        item: Some(m.clone()),
                        copied_syllables: Some(c.copied_syllables),
                        ignored,
                    });
                } else {
                    findings.push(FindingView {
                        rule_id: rule,
                        severity: f.severity,
                        reason: f.reason.clone(),
                        evidence: f.evidence.clone(),
                        where_: where_of(f),
                        item: None,
                        copied_syllables: None,
                        ignored,
                    });
                }
            }
            let verdict = findings
                .iter()
                .filter(|f| !f.ignored)
                .map(|f| match f.severity {
                    Severity::Block => Verdict::Block,
                    Severity::Review => Verdict::Review,
                    Severity::Info => Verdict::Pass,
                })
                .max()
                .unwrap_or(Verdict::Pass);
            let out = ScanOutcome {
                file: file_name,
                sha256: sha,
                size: bytes.len() as u64,
                verdict,
                verdict_vi: verdict.vi().to_string(),
                findings,
            };
            svc.record_scan_with_matches(
                &ctx,
                &ScanLog {
                    file_name: out.file.clone(),
                    sha256: out.sha256.clone(),
                    size: out.size,
                    verdict: match verdict {
                        Verdict::Pass => "pass",
                        Verdict::Review => "review",
                        Verdict::Block => "block",
                    }
                    .into(),
                    findings: out.findings.iter().filter(|f| !f.ignored).count() as u32,
                    channel: channel.into(),
                },
                &matched,
            )?;
            Ok(out)
        })
        .await?;
    res.map_err(WebError::from)
}

/// Extracts the text of an item's uploaded file, keeps it encrypted for the index and adds it
/// to the index now. Returns the number of characters indexed (0 when the file has no text).
pub async fn index_item_file<S: Store>(
    st: &AppState<S>,
    scan: &Arc<ScanState>,
    ctx: Ctx,
    item_id: Id,
    file_name: String,
    bytes: Vec<u8>,
) -> Result<usize, WebError> {
    let _admitted = scan.work.admit(ctx.user_id)?;
    let job_scan = scan.clone();
    let svc = st.svc.clone();
    let res = scan
        .work
        .run(move || -> Result<usize, CoreError> {
            let scan = job_scan;
            let Ok(x) = scan.extract(&bytes, &file_name) else {
                return Ok(0);
            };
            let text: String = x
                .units
                .iter()
                .map(|u| u.text.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            if text.trim().is_empty() {
                return Ok(0);
            }
            scan.store_item_text(&svc, &ctx, item_id, &text)?;
            Ok(text.chars().count())
        })
        .await?;
    res.map_err(WebError::from)
}

/// Largest file the API scans in one request (bytes, decoded); the server's body limit applies too.
pub const MAX_SCAN_BYTES: usize = 24 * 1024 * 1024;

/// Body of `POST /api/v1/scan`: the file travels base64-encoded in JSON, its name in the body
/// (never in the URL: a file name may itself reveal content).
#[derive(Debug, Clone, serde::Deserialize, Serialize, schemars::JsonSchema)]
pub struct ScanRequest {
    pub file_name: String,
    pub content_base64: String,
}

/// Standard base64 (RFC 4648, padding optional, white space ignored).
pub fn decode_base64(s: &str) -> Option<Vec<u8>> {
    fn val(c: u8) -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    let clean: Vec<u8> = s.bytes().filter(|c| !c.is_ascii_whitespace()).collect();
    let body = clean
        .strip_suffix(b"==")
        .or_else(|| clean.strip_suffix(b"="))
        .unwrap_or(&clean);
    if body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() * 3 / 4);
    for chunk in body.chunks(4) {
        let mut acc = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            acc |= val(*c)? << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    Some(out)
}

fn clean_file_name(s: &str) -> Option<String> {
    let s: String = s
        .chars()
        .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
        .take(255)
        .collect();
    (!s.trim().is_empty()).then_some(s)
}

/// `POST /api/v1/scan`: for a portal's publishing workflow — publish only on `pass`.
pub async fn api_scan<S: Store>(
    axum::extract::State(st): axum::extract::State<AppState<S>>,
    auth: crate::api::extract::Authed,
    body: crate::api::extract::Body,
) -> Result<axum::Json<ScanOutcome>, WebError> {
    let req: ScanRequest = body.parse()?;
    let name = clean_file_name(&req.file_name)
        .ok_or_else(|| WebError(CoreError::invalid("file_name", "thiếu tên tệp")))?;
    let bytes = decode_base64(&req.content_base64).ok_or_else(|| {
        WebError(CoreError::invalid(
            "content_base64",
            "nội dung tệp không phải base64 hợp lệ",
        ))
    })?;
    if bytes.is_empty() {
        return Err(WebError(CoreError::invalid("content_base64", "tệp rỗng")));
    }
    if bytes.len() > MAX_SCAN_BYTES {
        return Err(WebError(CoreError::invalid(
            "content_base64",
            format!("tệp lớn hơn {} MB", MAX_SCAN_BYTES >> 20),
        )));
    }
    let out = scan_file(&st, &st.scan, auth.ctx, &auth.user, name, bytes, "api").await?;
    Ok(axum::Json(out))
}

/// The scanner's marking list, from the stamp data of every regime (a file may carry the
/// stamps of an older regime), deduplicated by text.
pub fn markings(rules: &bmnn_core::rules::RuleSet) -> Vec<MarkingSpec> {
    use bmnn_scan::{MarkingKind, SecrecyLevel};
    let mut out: Vec<MarkingSpec> = Vec::new();
    for r in &rules.regimes {
        for s in &r.stamps {
            let kind = match (s.kind.as_str(), s.level) {
                ("level", Some(l)) => {
                    MarkingKind::Level(SecrecyLevel::from_u8(l.rank() as u8).expect("1..=3"))
                }
                ("copy", _) => MarkingKind::CopyStamp,
                ("recall", _) => MarkingKind::Recall,
                ("named-recipient", _) => MarkingKind::NamedRecipient,
                ("declassified", _) => MarkingKind::Declassified,
                ("period" | "extension", _) => MarkingKind::Period,
                ("adjustment", _) => MarkingKind::Adjustment,
                // "BẢN SỐ" (copy count) is too common a phrase to count alone; the level stamp
                // beside it is what gives a document away.
                _ => continue,
            };
            if !out.iter().any(|m| m.text == s.text) {
                out.push(MarkingSpec::new(&s.text, kind));
            }
        }
    }
    out
}

/// `POST /api/v1/scan/ignores`: a leader or the security officer approves ignoring one finding
/// (rule id) of one file (SHA-256) until a date, with a reason; audited.
pub async fn api_ignore<S: Store>(
    axum::extract::State(st): axum::extract::State<AppState<S>>,
    auth: crate::api::extract::Authed,
    body: crate::api::extract::Body,
) -> Result<
    (
        axum::http::StatusCode,
        axum::Json<bmnn_core::service::ScanIgnore>,
    ),
    WebError,
> {
    let cmd: bmnn_core::service::IgnoreCmd = body.parse()?;
    let ctx = auth.ctx;
    let ig = st.run(move |svc| svc.ignore_finding(&ctx, cmd)).await?;
    Ok((axum::http::StatusCode::CREATED, axum::Json(ig)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_and_file_names() {
        assert_eq!(decode_base64("TeG6rXQ=").as_deref(), Some("Mật".as_bytes()));
        assert_eq!(decode_base64("TeG6rXQ").as_deref(), Some("Mật".as_bytes()));
        assert_eq!(
            decode_base64("aGVsbG8gd29ybGQ=").as_deref(),
            Some(&b"hello world"[..])
        );
        assert_eq!(decode_base64("a"), None);
        assert_eq!(decode_base64("!!!!"), None);
        assert_eq!(
            clean_file_name("../../etc/passwd").as_deref(),
            Some("....etcpasswd")
        );
        assert_eq!(clean_file_name(" \u{7}"), None);
    }

    #[test]
    fn markings_come_from_every_regime_without_duplicates() {
        let m = markings(&bmnn_core::rules::RuleSet::embedded());
        assert!(m.iter().any(|s| s.text == "TỐI MẬT"));
        assert!(
            m.iter()
                .any(|s| s.text == "CHỈ NGƯỜI CÓ TÊN MỚI ĐƯỢC BÓC BÌ")
        );
        let mut texts: Vec<&str> = m.iter().map(|s| s.text.as_str()).collect();
        texts.sort();
        texts.dedup();
        assert_eq!(texts.len(), m.len());
    }
}
