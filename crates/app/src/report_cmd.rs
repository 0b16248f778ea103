//! `bmnn report …`: the reports of ND26 Điều 8 (annual, five-year, ad-hoc incident) as DOCX
//! or JSON, and the signed bundles that carry a unit's report to the level above.
//!
//! The figures and sections come from `bmnn_core::service::Service::report` (computed from the
//! records); this file only renders the model through `bmnn_docs::admin_docx` (ND30 layout),
//! draws the signing key from the operating system, and reads and writes files. The signing
//! key lives in `<data>/keys/report-signing.key` (64 hex digits, owner-only permissions); its
//! public half is what the level above registers with `bmnn report register-key`.

use anyhow::{Context, Result, anyhow, bail};
use bmnn_core::programme::bundle;
use bmnn_core::programme::reports::ReportModel;
use bmnn_core::programme::{
    AnnualPlan, Commitment, Device, Directive, Equipment, Incident, Inspection, LegacyReview,
    Meeting, Record, ReportDraftText, ReportKind, StaffAssignment, Training,
};
use bmnn_core::service::{
    Ctx, IssuePlanCmd, RecordCmd, RegisterKeyCmd, ReportQuery, SaveDraftCmd, Service,
};
use bmnn_store::DbStore;
use clap::{Args, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{open_service, system_ctx};

#[derive(Subcommand, Debug)]
pub enum ReportCmd {
    /// Báo cáo sơ kết 01 năm: figures of the year's data period (the regime gives the period).
    Annual(ReportArgs),
    /// Báo cáo tổng kết 05 năm: the five annual data periods ending in --year.
    FiveYear(ReportArgs),
    /// Báo cáo sơ kết, tổng kết thi hành Luật over the period set with `report text --kind
    /// multi-year --from … --to …` (default: from the Law's effective date to --year's end).
    MultiYear(ReportArgs),
    /// Kế hoạch công tác bảo vệ BMNN năm --year (from the rules' plan template and the text
    /// set with `report text --kind annual-plan --set …`).
    AnnualPlan(ReportArgs),
    /// Ban hành kế hoạch công tác bảo vệ BMNN năm --year: records its number and date (saved
    /// with the plan's text too) and makes its tasks those of a plan record that the plan
    /// tracking and `bmnn due` follow. Refused when the year's plan is already issued.
    IssuePlan {
        #[arg(long)]
        year: i32,
        /// Số, ký hiệu (default: the one saved with `report text --kind annual-plan --number`).
        #[arg(long)]
        number: Option<String>,
        /// Ngày ban hành, dd/mm/yyyy (default: the one saved with the plan's text, else today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Báo cáo đột xuất về một vụ lộ, mất (default: the latest incident of the year).
    Incident {
        #[command(flatten)]
        args: ReportArgs,
        /// Id of the incident record.
        #[arg(long)]
        incident: Option<i64>,
    },
    /// Kết luận kiểm tra công tác bảo vệ BMNN: one inspection record.
    InspectionConclusion {
        #[command(flatten)]
        args: ReportArgs,
        /// Id of the inspection record.
        #[arg(long)]
        inspection: i64,
    },
    /// Print the written parts of a report as JSON (last year's text is offered as a start), or
    /// save them from a JSON file with --set.
    Text {
        #[arg(long)]
        year: i32,
        #[arg(long, value_enum, default_value = "annual")]
        kind: TextKind,
        /// Incident record (ad-hoc report).
        #[arg(long)]
        incident: Option<i64>,
        /// Inspection record (inspection conclusion).
        #[arg(long)]
        inspection: Option<i64>,
        /// JSON file with {"narrative": {"a": "…", …}, "number": …, "recipients": […], …}.
        #[arg(long)]
        set: Option<PathBuf>,
        #[command(flatten)]
        params: TextParams,
    },
    /// Programme records (staff, commitments, training, devices, meetings, inspections,
    /// incidents …): add from JSON or list as JSON.
    #[command(subcommand)]
    Records(RecordsCmd),
    /// Create this unit's signing key (prints the public key to register at the level above).
    Keygen {
        /// Replace an existing key.
        #[arg(long)]
        force: bool,
    },
    /// Export this unit's report as a signed bundle for the level above.
    Bundle {
        #[arg(long)]
        year: i32,
        #[arg(long, value_enum, default_value = "annual")]
        kind: BundleKind,
        #[arg(long, short)]
        output: PathBuf,
    },
    /// Import a subordinate unit's signed bundle (refused if changed or from an unknown key).
    ImportBundle { file: PathBuf },
    /// Register a subordinate unit's public key.
    RegisterKey {
        #[arg(long)]
        unit: String,
        #[arg(long)]
        public_key: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum RecordsCmd {
    /// Add records from a JSON file: one `{"unit_id": …, "record": {…}}` or an array of them.
    Add {
        #[arg(value_enum)]
        kind: RecordArg,
        file: PathBuf,
    },
    /// List records whose key date lies in [--from, --to], as JSON.
    List {
        #[arg(value_enum)]
        kind: RecordArg,
        #[arg(long)]
        from: Option<String>,
        #[arg(long)]
        to: Option<String>,
    },
}

/// The record kinds people keep (`bmnn_core::programme::RecordKind`).
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordArg {
    Staff,
    Commitment,
    Training,
    Directive,
    Device,
    Equipment,
    Meeting,
    Inspection,
    Incident,
    LegacyReview,
    Plan,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    #[arg(long)]
    year: i32,
    #[arg(long, value_enum, default_value = "json")]
    format: ReportFormat,
    #[arg(long, short)]
    output: Option<PathBuf>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    Docx,
    Json,
}

/// Settings of one report, changed in its saved text (dates dd/mm/yyyy).
#[derive(Args, Debug, Default)]
pub struct TextParams {
    /// First day of the data period.
    #[arg(long)]
    from: Option<String>,
    /// Last day of the data period.
    #[arg(long)]
    to: Option<String>,
    /// Trích yếu.
    #[arg(long)]
    title: Option<String>,
    /// Địa danh.
    #[arg(long)]
    place: Option<String>,
    /// Ngày ban hành.
    #[arg(long)]
    date: Option<String>,
    /// Phần mở đầu.
    #[arg(long)]
    opening: Option<String>,
    /// Số, ký hiệu.
    #[arg(long)]
    number: Option<String>,
}

impl TextParams {
    fn any(&self) -> bool {
        [
            &self.from,
            &self.to,
            &self.title,
            &self.place,
            &self.date,
            &self.opening,
            &self.number,
        ]
        .iter()
        .any(|x| x.is_some())
    }

    /// Applies the settings given to `t`.
    fn apply(&self, t: &mut ReportDraftText) -> Result<()> {
        let date = |s: &Option<String>, what: &str| -> Result<Option<time::Date>> {
            s.as_deref()
                .map(|s| {
                    bmnn_core::dates::parse_date(s).ok_or_else(|| {
                        anyhow!("{what}: ngày phải viết theo dạng dd/mm/yyyy, ví dụ 01/07/2020")
                    })
                })
                .transpose()
        };
        if let Some(d) = date(&self.from, "--from")? {
            t.period_start = Some(d);
        }
        if let Some(d) = date(&self.to, "--to")? {
            t.period_end = Some(d);
        }
        if let Some(d) = date(&self.date, "--date")? {
            t.date = Some(d);
        }
        for (v, slot) in [
            (&self.title, &mut t.title),
            (&self.place, &mut t.place),
            (&self.opening, &mut t.opening),
            (&self.number, &mut t.number),
        ] {
            if let Some(v) = v {
                *slot = Some(v.clone());
            }
        }
        Ok(())
    }
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    Annual,
    FiveYear,
    MultiYear,
    Incident,
    AnnualPlan,
    InspectionConclusion,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BundleKind {
    Annual,
    FiveYear,
    MultiYear,
}

const KEY_FILE: &str = "keys/report-signing.key";

pub fn run(
    data: &Path,
    url: &Option<String>,
    keys: &crate::keys::KeyArgs,
    cmd: ReportCmd,
) -> Result<ExitCode> {
    let ctx = system_ctx();
    match cmd {
        ReportCmd::Annual(a) => emit(data, url, keys, ReportKind::Annual, None, None, a),
        ReportCmd::FiveYear(a) => emit(data, url, keys, ReportKind::FiveYear, None, None, a),
        ReportCmd::MultiYear(a) => emit(data, url, keys, ReportKind::MultiYear, None, None, a),
        ReportCmd::AnnualPlan(a) => emit(data, url, keys, ReportKind::AnnualPlan, None, None, a),
        ReportCmd::IssuePlan { year, number, date } => {
            let date = date
                .map(|s| {
                    bmnn_core::dates::parse_date(&s).ok_or_else(|| {
                        anyhow!("--date: ngày phải viết theo dạng dd/mm/yyyy, ví dụ 20/11/2026")
                    })
                })
                .transpose()?;
            let svc = open_service(data, url, keys)?;
            let p = svc.issue_plan(&ctx, IssuePlanCmd { year, number, date })?;
            let plan = &p.record;
            println!(
                "Đã ban hành kế hoạch công tác bảo vệ bí mật nhà nước năm {} (số {}, ngày {}); {} nhiệm vụ được theo dõi trong hồ sơ kế hoạch (mã {}).",
                plan.year,
                plan.number_symbol,
                bmnn_core::dates::fmt_vn(plan.issued_on),
                plan.tasks.len(),
                p.id
            );
            Ok(ExitCode::SUCCESS)
        }
        ReportCmd::Incident { args, incident } => {
            emit(data, url, keys, ReportKind::Incident, incident, None, args)
        }
        ReportCmd::InspectionConclusion { args, inspection } => emit(
            data,
            url,
            keys,
            ReportKind::InspectionConclusion,
            None,
            Some(inspection),
            args,
        ),
        ReportCmd::Text {
            year,
            kind,
            incident,
            inspection,
            set,
            params,
        } => {
            let kind = match kind {
                TextKind::Annual => ReportKind::Annual,
                TextKind::FiveYear => ReportKind::FiveYear,
                TextKind::MultiYear => ReportKind::MultiYear,
                TextKind::Incident => ReportKind::Incident,
                TextKind::AnnualPlan => ReportKind::AnnualPlan,
                TextKind::InspectionConclusion => ReportKind::InspectionConclusion,
            };
            let record = incident.or(inspection);
            let svc = open_service(data, url, keys)?;
            let text = match set {
                None if params.any() => svc.report_draft(&ctx, kind, year, record)?.text,
                None => {
                    let offer = svc.report_draft(&ctx, kind, year, record)?;
                    println!("{}", serde_json::to_string_pretty(&offer)?);
                    return Ok(ExitCode::SUCCESS);
                }
                Some(file) => {
                    let bytes =
                        std::fs::read(&file).with_context(|| format!("đọc {}", file.display()))?;
                    serde_json::from_slice::<ReportDraftText>(&bytes)
                        .with_context(|| format!("{} không đúng định dạng", file.display()))?
                }
            };
            let mut text = text;
            params.apply(&mut text)?;
            svc.save_report_draft(
                &ctx,
                SaveDraftCmd {
                    kind,
                    year,
                    incident_id: incident,
                    inspection_id: inspection,
                    text,
                },
            )?;
            eprintln!("Đã lưu nội dung báo cáo năm {year}.");
            Ok(ExitCode::SUCCESS)
        }
        ReportCmd::Records(cmd) => {
            let svc = open_service(data, url, keys)?;
            match cmd {
                RecordsCmd::Add { kind, file } => {
                    let bytes =
                        std::fs::read(&file).with_context(|| format!("đọc {}", file.display()))?;
                    macro_rules! go {
                        ($t:ty) => {
                            add_from::<$t>(&svc, &ctx, &bytes)?
                        };
                    }
                    let n = match kind {
                        RecordArg::Staff => go!(StaffAssignment),
                        RecordArg::Commitment => go!(Commitment),
                        RecordArg::Training => go!(Training),
                        RecordArg::Directive => go!(Directive),
                        RecordArg::Device => go!(Device),
                        RecordArg::Equipment => go!(Equipment),
                        RecordArg::Meeting => go!(Meeting),
                        RecordArg::Inspection => go!(Inspection),
                        RecordArg::Incident => go!(Incident),
                        RecordArg::LegacyReview => go!(LegacyReview),
                        RecordArg::Plan => go!(AnnualPlan),
                    };
                    eprintln!("Đã thêm {n} hồ sơ.");
                }
                RecordsCmd::List { kind, from, to } => {
                    let date = |s: Option<String>| -> Result<Option<time::Date>> {
                        s.map(|s| {
                            bmnn_core::dates::parse_date(&s)
                                .ok_or_else(|| anyhow!("ngày không hợp lệ: {s}"))
                        })
                        .transpose()
                    };
                    let (from, to) = (date(from)?, date(to)?);
                    macro_rules! list {
                        ($t:ty) => {
                            serde_json::to_string_pretty(&svc.list_records::<$t>(&ctx, from, to)?)?
                        };
                    }
                    let out = match kind {
                        RecordArg::Staff => list!(StaffAssignment),
                        RecordArg::Commitment => list!(Commitment),
                        RecordArg::Training => list!(Training),
                        RecordArg::Directive => list!(Directive),
                        RecordArg::Device => list!(Device),
                        RecordArg::Equipment => list!(Equipment),
                        RecordArg::Meeting => list!(Meeting),
                        RecordArg::Inspection => list!(Inspection),
                        RecordArg::Incident => list!(Incident),
                        RecordArg::LegacyReview => list!(LegacyReview),
                        RecordArg::Plan => list!(AnnualPlan),
                    };
                    println!("{out}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        ReportCmd::Keygen { force } => {
            let path = data.join(KEY_FILE);
            if path.exists() && !force {
                bail!(
                    "đã có khóa ký tại {}; dùng --force nếu muốn thay (đơn vị cấp trên phải đăng ký lại khóa mới)",
                    path.display()
                );
            }
            let mut secret = [0u8; 32];
            getrandom::fill(&mut secret)
                .map_err(|e| anyhow!("không lấy được số ngẫu nhiên: {e}"))?;
            write_private(&path, bundle::hex(&secret).as_bytes())?;
            println!("{}", bundle::public_key_hex(&secret));
            eprintln!(
                "Đã tạo khóa ký báo cáo tại {}. Gửi khóa công khai (dòng trên) cho đơn vị cấp trên để đăng ký.",
                path.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        ReportCmd::Bundle { year, kind, output } => {
            let secret = read_key(data)?;
            let kind = match kind {
                BundleKind::Annual => ReportKind::Annual,
                BundleKind::FiveYear => ReportKind::FiveYear,
                BundleKind::MultiYear => ReportKind::MultiYear,
            };
            let svc = open_service(data, url, keys)?;
            let model = svc.report(&ctx, ReportQuery::of(kind, year))?;
            let json = serde_json::to_vec_pretty(&model)?;
            let docx = bmnn_docs::admin_docx(&admin_doc(&model))
                .map_err(|e| anyhow!("không tạo được DOCX: {e}"))?;
            let checkpoint =
                crate::audit_cmd::checkpoint_with(&secret, &model.particulars.agency, &svc.store)?;
            let bytes = bundle::seal(
                &secret,
                &model.particulars.agency,
                kind,
                year,
                &bmnn_core::service::ts(ctx.now),
                &[
                    ("report.json", &json),
                    ("report.docx", &docx),
                    ("audit-checkpoint.json", &checkpoint),
                ],
            );
            std::fs::write(&output, bytes).with_context(|| format!("ghi {}", output.display()))?;
            eprintln!(
                "Đã tạo gói báo cáo {} năm {year} của {} tại {}.",
                kind.code(),
                model.particulars.agency,
                output.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        ReportCmd::ImportBundle { file } => {
            let bytes = std::fs::read(&file).with_context(|| format!("đọc {}", file.display()))?;
            let svc = open_service(data, url, keys)?;
            let r = svc.import_bundle(&ctx, &bytes)?;
            println!(
                "Đã tiếp nhận báo cáo {} năm {} của {}.",
                r.record.kind.code(),
                r.record.year,
                r.record.unit
            );
            Ok(ExitCode::SUCCESS)
        }
        ReportCmd::RegisterKey { unit, public_key } => {
            let svc = open_service(data, url, keys)?;
            let k = svc.register_unit_key(&ctx, RegisterKeyCmd { unit, public_key })?;
            println!("Đã đăng ký khóa của {}.", k.record.unit);
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn emit(
    data: &Path,
    url: &Option<String>,
    keys: &crate::keys::KeyArgs,
    kind: ReportKind,
    incident_id: Option<i64>,
    inspection_id: Option<i64>,
    a: ReportArgs,
) -> Result<ExitCode> {
    let svc = open_service(data, url, keys)?;
    let model = svc.report(
        &system_ctx(),
        ReportQuery {
            kind,
            year: a.year,
            incident_id,
            inspection_id,
        },
    )?;
    let bytes = match a.format {
        ReportFormat::Json => {
            let mut v = serde_json::to_vec_pretty(&model)?;
            v.push(b'\n');
            v
        }
        ReportFormat::Docx => bmnn_docs::admin_docx(&admin_doc(&model))
            .map_err(|e| anyhow!("không tạo được DOCX: {e}"))?,
    };
    match a.output {
        Some(p) => std::fs::write(&p, bytes).with_context(|| format!("ghi {}", p.display()))?,
        None => std::io::stdout().lock().write_all(&bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Adds the records of a JSON file (one command or an array), each in its own transaction; stops
/// at the first refusal, saying how many were added before it.
fn add_from<T: Record>(svc: &Service<DbStore>, ctx: &Ctx, bytes: &[u8]) -> Result<usize> {
    let v: serde_json::Value =
        serde_json::from_slice(bytes).context("tệp không phải JSON hợp lệ")?;
    let list = match v {
        serde_json::Value::Array(a) => a,
        one => vec![one],
    };
    let total = list.len();
    for (n, x) in list.into_iter().enumerate() {
        let c: RecordCmd<T> = serde_json::from_value(x)
            .with_context(|| format!("hồ sơ thứ {} không đúng định dạng", n + 1))?;
        svc.add_record(ctx, c)
            .with_context(|| format!("hồ sơ thứ {} (đã thêm {n} hồ sơ trước đó)", n + 1))?;
    }
    Ok(total)
}

/// The signing key if this unit has made one (`bmnn report keygen`); a damaged file is an error.
pub(crate) fn signing_key(data: &Path) -> Result<Option<[u8; 32]>> {
    if data.join(KEY_FILE).exists() {
        read_key(data).map(Some)
    } else {
        Ok(None)
    }
}

fn read_key(data: &Path) -> Result<[u8; 32]> {
    let path = data.join(KEY_FILE);
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "chưa có khóa ký báo cáo ({}); chạy `bmnn report keygen` trước",
            path.display()
        )
    })?;
    bundle::unhex(text.trim())
        .and_then(|v| v.try_into().ok())
        .ok_or_else(|| anyhow!("tệp khóa {} không hợp lệ", path.display()))
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("tạo {}", dir.display()))?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts
        .open(path)
        .with_context(|| format!("ghi {}", path.display()))?;
    f.write_all(bytes)?;
    f.write_all(b"\n")?;
    Ok(())
}

/// The report as an ND30 administrative document (shared with the web face).
pub fn admin_doc(m: &ReportModel) -> bmnn_docs::AdminDoc {
    bmnn_web::programme::report_doc(m)
}

/// `bmnn bench-report` (benchmarks only): the annual report of `year` computed `runs` times by
/// the product's path (`Service::report`: SQL aggregates, records of the period) and by the
/// former row-by-row count (`Service::report_figures_by_rows`), in the same process on the same
/// data; prints the median of each in ms, their ratio, and whether the figures agree.
pub fn bench(svc: &Service<DbStore>, year: i32, runs: usize) -> Result<ExitCode> {
    let ctx = system_ctx();
    let q = ReportQuery::of(ReportKind::Annual, year);
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    // CPU time of this thread (Linux: /proc/thread-self/schedstat, ns), which a loaded machine
    // does not inflate as it does the wall time.
    let cpu_ms = || {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
            .map(|ns| ns / 1e6)
    };
    let runs = runs.max(1);
    let (mut fast, mut rows, mut cpu) = (Vec::new(), Vec::new(), Vec::new());
    let (mut a, mut b) = (None, None);
    for _ in 0..runs {
        let c = cpu_ms();
        let t = std::time::Instant::now();
        a = Some(svc.report(&ctx, q)?.own);
        fast.push(t.elapsed().as_secs_f64() * 1000.0);
        if let (Some(c0), Some(c1)) = (c, cpu_ms()) {
            cpu.push(c1 - c0);
        }
        let t = std::time::Instant::now();
        b = Some(svc.report_figures_by_rows(&ctx, q)?);
        rows.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    let (f, r) = (median(fast), median(rows));
    if !cpu.is_empty() {
        println!(
            "Thời gian CPU của luồng tổng hợp bằng SQL (trung vị): {:.1} ms.",
            median(cpu)
        );
    }
    println!(
        "Báo cáo năm {year}: tổng hợp bằng SQL {f:.1} ms, đếm từng dòng {r:.1} ms, nhanh gấp {:.1} lần; số liệu {}.",
        r / f,
        if a == b {
            "trùng khớp"
        } else {
            "KHÁC NHAU"
        }
    );
    Ok(if a == b {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
