//! Fresh stores per backend, the `bmnn` binary run against them, and datasets shaped like the
//! seed reports (figures from the Đồng Tháp 2023 report, `shared/seeds/003_*.txt`).

use bmnn_core::Level;
use bmnn_core::model::*;
use bmnn_core::programme::*;
use bmnn_core::rules::RuleSet;
use bmnn_core::service::*;
use bmnn_store::DbStore;
use diesel::Connection;
use diesel::connection::SimpleConnection;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use time::{Date, PrimitiveDateTime};

/// One agency's data folder and database, with the services over it.
pub struct Env {
    pub backend: &'static str,
    pub dir: tempfile::TempDir,
    pub url: String,
    pub svc: Service<DbStore>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// A fresh database URL per backend available: SQLite in `dir`, and PostgreSQL when
/// `TEST_DATABASE_URL` is set (a new database created on that server).
fn urls(dir: &Path) -> Vec<(&'static str, String)> {
    let mut v = vec![(
        "sqlite",
        format!("sqlite://{}", dir.join("bmnn.db").display()),
    )];
    if let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let db = format!("bmnn_programme_{}_{}", std::process::id(), n);
        let mut c =
            diesel::pg::PgConnection::establish(&admin_url).expect("connect TEST_DATABASE_URL");
        c.batch_execute(&format!("DROP DATABASE IF EXISTS {db}"))
            .expect("drop database");
        c.batch_execute(&format!("CREATE DATABASE {db}"))
            .expect("create database");
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b.to_string())
            .expect("url with a database");
        v.push(("postgres", format!("{base}/{db}")));
    }
    v
}

/// One fresh agency per backend, named `agency`.
pub fn backends(agency: &str) -> Vec<Env> {
    let mut out = Vec::new();
    let probe = tempfile::tempdir().expect("tempdir");
    let n = urls(probe.path()).len();
    for i in 0..n {
        let dir = tempfile::tempdir().expect("tempdir");
        let (backend, url) = urls(dir.path()).swap_remove(i);
        out.push(env_at(backend, dir, url, agency));
    }
    out
}

/// A fresh agency on the same backend as `like`.
pub fn sibling(like: &Env, agency: &str) -> Env {
    let dir = tempfile::tempdir().expect("tempdir");
    let all = urls(dir.path());
    let (backend, url) = all
        .into_iter()
        .find(|(b, _)| *b == like.backend)
        .expect("backend");
    env_at(backend, dir, url, agency)
}

/// The passphrase of each test folder's keyring (the binary unlocks the data key with it).
const PASSPHRASE: &str = "mật khẩu chương trình thử";

/// A keyring for the folder, and the database opened the way the binary opens it: encrypted
/// under the data key's "sqlite" subkey (PostgreSQL ignores it).
fn env_at(backend: &'static str, dir: tempfile::TempDir, url: String, agency: &str) -> Env {
    let key = bmnn_vault::DataKey::generate();
    let ring = bmnn_vault::Keyring::new(
        &key,
        bmnn_vault::WrapKind::Passphrase,
        "admin",
        PASSPHRASE.as_bytes(),
    )
    .expect("keyring");
    std::fs::create_dir_all(dir.path().join("keys")).expect("mkdir keys");
    std::fs::write(
        dir.path().join("keys/keyring.json"),
        serde_json::to_vec(&ring).expect("json"),
    )
    .expect("write keyring");
    let store = DbStore::open_keyed(&url, Some(key.derive("sqlite"))).expect("open store");
    let svc = Service::new(store, RuleSet::embedded());
    svc.bootstrap_admin(
        now(),
        Agency {
            name: agency.into(),
            superior: Some("TỈNH ĐỒNG THÁP".into()),
            place: "Đồng Tháp".into(),
            symbol: "UBND".into(),
        },
        NewUser {
            username: "admin".into(),
            full_name: "Quản trị".into(),
            roles: vec![Role::Admin],
            clearance: None,
            position_id: None,
            unit_id: None,
            password_hash: "x".into(),
        },
    )
    .expect("bootstrap");
    Env {
        backend,
        dir,
        url,
        svc,
    }
}

pub fn d(s: &str) -> Date {
    bmnn_core::dates::parse_date(s).expect("date")
}

pub fn today() -> Date {
    d("25/11/2026")
}

pub fn now() -> PrimitiveDateTime {
    PrimitiveDateTime::new(today(), time::Time::from_hms(9, 0, 0).expect("time"))
}

/// The command-line actor (every role).
pub fn sys() -> Ctx {
    Ctx {
        user_id: SYSTEM_USER_ID,
        now: now(),
        today: today(),
    }
}

impl Env {
    pub fn data(&self) -> &Path {
        self.dir.path()
    }

    /// Runs `bmnn --data <dir> --database-url <url> args…`.
    pub fn bmnn(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_bmnn"))
            .arg("--data")
            .arg(self.data())
            .arg("--database-url")
            .arg(&self.url)
            .env_remove("BMNN_KEY_FILE")
            .env_remove("BMNN_PASSPHRASE_FILE")
            .env("BMNN_PASSPHRASE", PASSPHRASE)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run bmnn")
    }

    /// Runs and expects success; returns stdout.
    pub fn ok(&self, args: &[&str]) -> Vec<u8> {
        let o = self.bmnn(args);
        assert!(
            o.status.success(),
            "bmnn {args:?} failed on {}: {}",
            self.backend,
            text(&o)
        );
        o.stdout
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_slice(&self.ok(args)).expect("json output")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.data().join(name)
    }

    pub fn add<T: Record>(&self, record: T) -> Stored<T> {
        self.svc
            .add_record(
                &sys(),
                RecordCmd {
                    unit_id: None,
                    record,
                },
            )
            .expect("add record")
    }
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The text of `word/document.xml`, one line per paragraph (runs joined, entities decoded).
pub fn docx_text(bytes: &[u8]) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip archive");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("document part")
        .read_to_string(&mut xml)
        .expect("utf-8");
    let mut out = String::new();
    let mut rest = xml.as_str();
    let mut in_cell = false;
    while let Some(i) = rest.find('<') {
        let j = rest[i..].find('>').expect("closed tag") + i;
        let tag = &rest[i + 1..j];
        rest = &rest[j + 1..];
        if tag == "w:t" || tag.starts_with("w:t ") {
            let end = rest.find("</w:t>").expect("closed w:t");
            out.push_str(
                &rest[..end]
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&"),
            );
            rest = &rest[end..];
        } else if tag == "w:tc" || tag.starts_with("w:tc ") {
            in_cell = true;
        } else if tag == "/w:tc" {
            in_cell = false;
            out.push('|');
        } else if tag == "/w:tr" || (tag == "/w:p" && !in_cell) {
            out.push('\n');
        }
    }
    out
}

/// The DOCX converted to PDF by LibreOffice and read back by pdftotext, whitespace squashed;
/// `None` (said on stdout) when either is not installed. A failed conversion fails the test.
pub fn pdf_text(docx: &[u8], e: &Env) -> Option<String> {
    let Some(soffice) = on_path("soffice").or_else(|| on_path("libreoffice")) else {
        println!("LibreOffice not on PATH: PDF conversion skipped");
        return None;
    };
    let Some(pdftotext) = on_path("pdftotext") else {
        println!("pdftotext not on PATH: PDF conversion skipped");
        return None;
    };
    let dir = e.path("lo");
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("report.docx");
    std::fs::write(&input, docx).unwrap();
    let out = Command::new(&soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}",
            dir.join("profile").display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(&dir)
        .arg(&input)
        .env("HOME", &dir)
        .output()
        .expect("run soffice");
    assert!(out.status.success(), "soffice: {}", text(&out));
    let pdf = dir.join("report.pdf");
    assert!(pdf.is_file(), "no PDF: {}", text(&out));
    let out = Command::new(pdftotext)
        .args(["-layout"])
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext");
    let t = String::from_utf8_lossy(&out.stdout);
    Some(t.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// An executable on PATH.
pub fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

// ---------------------------------------------------------------------------------------------
// Datasets.

pub fn incoming(level: Level, number: &str, date: &str) -> ReceiveIncomingCmd {
    ReceiveIncomingCmd {
        issuer: "Bộ Công an".into(),
        number_symbol: number.into(),
        doc_date: Some(d(date)),
        doc_type: "Công văn".into(),
        summary: Some("Nội dung mật không được vào báo cáo".into()),
        summary_consent_ref: if level == Level::TuyetMat {
            Some("CV 1/ĐY".into())
        } else {
            None
        },
        level,
        carrier: Carrier::Document,
        electronic: false,
        copies: Some(1),
        copy_allowed: true,
        expiry: None,
        named_recipient_id: None,
        urgent: false,
        recall_due: None,
        unit_id: None,
        location: String::new(),
        note: None,
        date: Some(d(date)),
    }
}

fn incident(
    date: &str,
    channel: Channel,
    place: &str,
    docs: Vec<(Option<Level>, bool)>,
    reported: bool,
) -> Incident {
    Incident {
        discovered_on: d(date),
        kind: IncidentKind::Exposure,
        channel,
        place: place.into(),
        documents: docs
            .into_iter()
            .map(|(level, in_catalogue)| IncidentDocument {
                level,
                in_catalogue,
                item_id: None,
            })
            .collect(),
        cause: "Lỗi chủ quan, mất cảnh giác của công chức".into(),
        recovered: channel == Channel::ImproperProvision,
        taken_down: channel.internet(),
        discipline: Discipline::default(),
        criminal_referral: false,
        adhoc_report: reported.then(|| SentReport {
            date: d(date),
            reference: "BC khẩn".into(),
            to: "Bộ Công an".into(),
        }),
        state: IncidentState::Verifying,
        outcome: None,
        state_on: None,
    }
}

/// What the Đồng Tháp dataset holds for the 2025 data period (15/12/2024–14/12/2025).
pub struct Seeded {
    pub unreported_incident: Id,
}

/// The Đồng Tháp figures (seed 003), placed in the 2025 data period, plus records just outside
/// the period that must not count.
pub fn dong_thap(e: &Env) -> Seeded {
    // 13 incidents: 7 on agency websites, 3 on social networks (10 on the Internet), 3 by
    // improper provision; 18 documents: Tối mật 4, Mật 9, and 5 unmarked but in the catalogue.
    let mut docs: Vec<(Option<Level>, bool)> = Vec::new();
    docs.extend(std::iter::repeat_n((Some(Level::ToiMat), false), 4));
    docs.extend(std::iter::repeat_n((Some(Level::Mat), false), 9));
    docs.extend(std::iter::repeat_n((None, true), 5));
    let mut docs = docs.into_iter();
    let mut take = |n: usize| docs.by_ref().take(n).collect::<Vec<_>>();
    let mut last = 0;
    for i in 0..7 {
        let mut x = incident(
            &format!("{:02}/0{}/2025", 10 + i, 1 + i % 9),
            Channel::AgencyWebsite,
            &format!("Trang thông tin điện tử Sở {i}"),
            take(1),
            true,
        );
        if i == 0 {
            x.discipline.disciplined = 1;
        }
        x.discipline.criticised = 3;
        e.add(x);
    }
    for i in 0..3 {
        let mut x = incident(
            &format!("{:02}/07/2025", 3 + i),
            Channel::SocialNetwork,
            "Mạng xã hội",
            take(1),
            true,
        );
        x.discipline.criticised = 4;
        e.add(x);
    }
    for (i, n) in [3usize, 3, 2].into_iter().enumerate() {
        let mut x = incident(
            &format!("{:02}/11/2025", 10 + i),
            Channel::ImproperProvision,
            "Cung cấp cho ngân hàng thương mại",
            take(n),
            i != 2,
        );
        x.discipline.criticised = 3;
        last = e.add(x).id;
    }
    // Criticised: 7 × 3 + 3 × 4 = 33 so far; one each for the provision cases makes the
    // seed's 36 (and exercises updating a record).
    for r in e
        .svc
        .list_records::<Incident>(&sys(), Some(d("01/11/2025")), Some(d("30/11/2025")))
        .expect("list")
    {
        let mut x = r.record;
        x.discipline.criticised = 1;
        e.svc
            .update_record(
                &sys(),
                r.id,
                RecordCmd {
                    unit_id: None,
                    record: x,
                },
            )
            .expect("update");
    }
    // Just outside the period: the day after it ends.
    e.add(incident(
        "15/12/2025",
        Channel::SocialNetwork,
        "Mạng xã hội",
        vec![(Some(Level::TuyetMat), true)],
        true,
    ));

    // 17 training sessions for 2,215 people (seed 003), plus one before the period.
    for i in 0..17 {
        e.add(Training {
            date: d(&format!("{:02}/{:02}/2025", 1 + i, 1 + i % 11)),
            kind: if i < 15 {
                TrainingKind::Training
            } else {
                TrainingKind::Briefing
            },
            organiser: "Công an Tỉnh".into(),
            organised_by: OrganisedBy::Own,
            audience: "Cán bộ, công chức".into(),
            participants: if i == 0 { 135 } else { 130 },
            attendees: if i == 0 {
                vec!["Nguyễn Văn A".into(), "Trần Thị B".into()]
            } else {
                vec![]
            },
        });
    }
    e.add(Training {
        date: d("14/12/2024"),
        kind: TrainingKind::Dissemination,
        organiser: "Ủy ban nhân dân Tỉnh".into(),
        organised_by: OrganisedBy::Own,
        audience: "Lãnh đạo sở, ngành".into(),
        participants: 740,
        attendees: vec![],
    });

    // Inspections: 2 by the province at 28 departments and 12 districts; 14 self-inspections of
    // 277 subordinate units in total.
    let units = |prefix: &str, n: usize| (1..=n).map(|i| format!("{prefix} {i}")).collect();
    e.add(Inspection {
        date: d("10/05/2025"),
        kind: InspectionKind::Inspection,
        inspector: "Ban Chỉ đạo công tác bảo vệ BMNN Tỉnh".into(),
        organised_by: OrganisedBy::Own,
        units_count: 0,
        units: units("Sở", 28),
        findings: vec![
            "Chưa ban hành nội quy bảo vệ BMNN".into(),
            "Văn bản mật không có Phiếu đề xuất độ mật".into(),
            "Chưa rà soát BMNN theo Điều 28".into(),
        ],
        remedies: vec![
            Remedy {
                text: "Ban hành nội quy".into(),
                unit: "Sở Nội vụ".into(),
                deadline: d("30/06/2025"),
                done_on: Some(d("20/06/2025")),
            },
            Remedy {
                text: "Rà soát văn bản mật trước 2019".into(),
                unit: "Sở Tư pháp".into(),
                deadline: d("30/09/2025"),
                done_on: None,
            },
        ],
    });
    e.add(Inspection {
        date: d("15/09/2025"),
        kind: InspectionKind::Inspection,
        inspector: "Ban Chỉ đạo công tác bảo vệ BMNN Tỉnh".into(),
        organised_by: OrganisedBy::Own,
        units_count: 0,
        units: units("Huyện", 12),
        findings: vec!["Chưa có quyết định phân công cán bộ kiêm nhiệm".into()],
        remedies: vec![],
    });
    let self_counts = [41, 7, 55, 7, 9, 7, 29, 16, 17, 21, 16, 8, 20, 24];
    assert_eq!(self_counts.iter().sum::<usize>(), 277);
    for (i, n) in self_counts.into_iter().enumerate() {
        e.add(Inspection {
            date: d(&format!("{:02}/10/2025", 1 + i)),
            kind: InspectionKind::SelfInspection,
            inspector: format!("Cơ quan {i}"),
            // Seed 003: 14 agencies inspected their own 277 units.
            organised_by: OrganisedBy::Subordinate,
            units_count: 0,
            units: units("Đơn vị trực thuộc", n),
            findings: vec![],
            remedies: vec![],
        });
    }

    // Staff: 1 full-time, 12 concurrent; one left in the period. Commitments on assignment.
    let s = e.add(StaffAssignment {
        person: "Lê Văn Chuyên".into(),
        user_id: None,
        position: "Chuyên viên Công an Tỉnh".into(),
        mode: StaffMode::FullTime,
        decision_ref: "101/QĐ-UBND".into(),
        decision_date: d("07/06/2022"),
        ended_on: None,
        end_reason: None,
    });
    e.add(Commitment {
        person: "Lê Văn Chuyên".into(),
        staff_id: Some(s.id),
        occasion: CommitmentOccasion::Assignment,
        signed_on: d("08/06/2022"),
        reference: None,
    });
    for i in 0..13 {
        let s = e.add(StaffAssignment {
            person: format!("Cán bộ kiêm nhiệm {i}"),
            user_id: None,
            position: format!("Văn phòng UBND huyện {i}"),
            mode: StaffMode::Concurrent,
            decision_ref: format!("{i}/QĐ-UBND"),
            decision_date: d("02/02/2025"),
            ended_on: None,
            end_reason: None,
        });
        if i < 12 {
            e.add(Commitment {
                person: s.record.person.clone(),
                staff_id: Some(s.id),
                occasion: CommitmentOccasion::Assignment,
                signed_on: d("03/02/2025"),
                reference: None,
            });
        } else {
            // Leaves on 01/10/2025 without the leaving commitment: an obligation.
            e.svc
                .end_assignment(
                    &sys(),
                    EndAssignmentCmd {
                        staff_id: s.id,
                        date: d("01/10/2025"),
                        reason: LeavingReason::Transferred,
                    },
                )
                .expect("end assignment");
        }
    }

    // Directive documents: the plan, the regulation and six letters issued; one received.
    let dir = |date: &str, kind: DirectiveKind, n: &str, direction: Direction| Directive {
        date: d(date),
        direction,
        kind,
        number_symbol: n.into(),
        issuer: "Ủy ban nhân dân Tỉnh".into(),
        title: "Về công tác bảo vệ bí mật nhà nước".into(),
    };
    e.add(dir(
        "25/03/2025",
        DirectiveKind::Plan,
        "70/KH-UBND",
        Direction::Issued,
    ));
    e.add(dir(
        "11/10/2025",
        DirectiveKind::Regulation,
        "24/2025/QĐ-UBND",
        Direction::Issued,
    ));
    for (i, n) in ["625", "63", "121", "272", "64", "391"]
        .into_iter()
        .enumerate()
    {
        e.add(dir(
            &format!("{:02}/0{}/2025", 5 + i, 1 + i),
            DirectiveKind::Letter,
            &format!("{n}/UBND-TCD-NC"),
            Direction::Issued,
        ));
    }
    e.add(dir(
        "19/02/2025",
        DirectiveKind::Letter,
        "3526/BCA-ANCTNB",
        Direction::Received,
    ));

    // Equipment: 18 stamps per unit (seed 003), registers 4 per unit; an older count replaced.
    e.add(Equipment {
        unit: "Văn phòng UBND Tỉnh".into(),
        as_of: d("01/01/2025"),
        stamps: 10,
        stamp_sets: 1,
        registers: 2,
        note: None,
    });
    for u in ["Văn phòng UBND Tỉnh", "Công an Tỉnh"] {
        e.add(Equipment {
            unit: u.into(),
            as_of: d("01/06/2025"),
            stamps: 18,
            stamp_sets: 1,
            registers: 4,
            note: None,
        });
    }

    // Devices: 3 computers, 2 storage media, 1 copier; one computer repurposed after a wipe.
    let dev = |id: &str, kind: DeviceKind| Device {
        identity: id.into(),
        kind,
        description: "Dùng cho BMNN".into(),
        in_use_from: d("01/03/2023"),
        inspected_on: Some(d("20/02/2023")),
        stamp_ref: Some("Tem an ninh".into()),
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
    };
    let mut pcs = Vec::new();
    for i in 0..4 {
        pcs.push(e.add(dev(&format!("MT-{i}"), DeviceKind::Computer)).id);
    }
    e.add(dev("USB-1", DeviceKind::StorageMedium));
    let mut usb = dev("USB-2", DeviceKind::StorageMedium);
    usb.inspected_on = None;
    e.add(usb);
    e.add(dev("PHOTO-1", DeviceKind::Copier));
    e.svc
        .record_wipe(
            &sys(),
            WipeCmd {
                device_id: pcs[3],
                wipe: Wipe {
                    date: d("01/08/2025"),
                    method: "Ghi đè toàn bộ ổ cứng".into(),
                    by: "Lê Văn Chuyên".into(),
                    minutes_ref: Some("BB 12".into()),
                },
            },
        )
        .expect("wipe");
    e.svc
        .repurpose_device(
            &sys(),
            RepurposeCmd {
                device_id: pcs[3],
                date: d("02/08/2025"),
                new_use: "Máy tính văn phòng thường".into(),
            },
        )
        .expect("repurpose after wipe");

    // Meetings with secret content.
    let meeting = |date: &str, level: Level, issued: u32, returned: u32| Meeting {
        date: d(date),
        days: 1,
        name: "Hội nghị Ban Chỉ đạo".into(),
        level,
        approved_by: "Chủ tịch UBND Tỉnh".into(),
        approval_ref: None,
        venue: "Phòng họp số 1".into(),
        at_headquarters: true,
        police_check_ref: None,
        device_rule: DeviceRule::NoDevices,
        attendees: vec!["Thành viên Ban Chỉ đạo".into()],
        documents_issued: issued,
        documents_returned: returned,
    };
    e.add(meeting("14/02/2025", Level::ToiMat, 20, 20));
    e.add(meeting("20/08/2025", Level::Mat, 15, 14));

    // Legacy review (Law Điều 28).
    e.add(LegacyReview {
        date: d("30/06/2025"),
        unit: "Văn phòng UBND Tỉnh".into(),
        reviewed: 120,
        extended: 15,
        declassified: 60,
    });

    // Plan 2025: four tasks, two done.
    e.add(AnnualPlan {
        year: 2025,
        number_symbol: "05/KH-UBND".into(),
        issued_on: d("10/01/2025"),
        tasks: (0..4)
            .map(|i| PlanTask {
                text: format!("Nhiệm vụ {i}"),
                unit: "Công an Tỉnh".into(),
                deadline: d(&format!("30/0{}/2025", 3 + i)),
                done_on: (i < 2).then(|| d("01/03/2025")),
            })
            .collect(),
        subordinate_plan_due: Some(d("31/01/2025")),
        subordinates: vec![
            Subordinate {
                unit: "UBND huyện Cao Lãnh".into(),
                plan_received_on: Some(d("20/01/2025")),
                report_received_on: Some(d("15/12/2025")),
            },
            Subordinate {
                unit: "UBND huyện Lai Vung".into(),
                plan_received_on: Some(d("15/02/2025")),
                report_received_on: None,
            },
        ],
    });

    // Items received in the period (3 Mật, 2 Tối mật, 1 Tuyệt mật) and one before it.
    let mut n = 0;
    for (level, count) in [(Level::Mat, 3), (Level::ToiMat, 2), (Level::TuyetMat, 1)] {
        for _ in 0..count {
            n += 1;
            e.svc
                .receive_incoming(
                    &sys(),
                    incoming(level, &format!("{n}/BCA"), &format!("{:02}/04/2025", n)),
                )
                .expect("receive");
        }
    }
    e.svc
        .receive_incoming(&sys(), incoming(Level::Mat, "99/BCA", "10/12/2024"))
        .expect("receive before the period");

    Seeded {
        unreported_incident: last,
    }
}
