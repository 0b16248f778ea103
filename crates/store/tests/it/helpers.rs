//! Fresh stores per backend and a small organisation built through the services.

use bmnn_core::Level;
use bmnn_core::model::*;
use bmnn_core::rules::RuleSet;
use bmnn_core::service::*;
use bmnn_store::DbStore;
use diesel::Connection;
use diesel::connection::SimpleConnection;
use std::sync::atomic::{AtomicU32, Ordering};
use time::{Date, PrimitiveDateTime};

pub struct Backend {
    pub name: &'static str,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// One fresh database per backend available: SQLite in a temp dir, and PostgreSQL when
/// `TEST_DATABASE_URL` is set (a new database created on that server).
pub fn backends() -> Vec<Backend> {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut v = vec![Backend {
        name: "sqlite",
        url: format!("sqlite://{}", dir.path().join("bmnn.db").display()),
        _dir: Some(dir),
    }];
    if let Ok(admin_url) = std::env::var("TEST_DATABASE_URL") {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let db = format!("bmnn_store_{}_{}", std::process::id(), n);
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
        v.push(Backend {
            name: "postgres",
            url: format!("{base}/{db}"),
            _dir: None,
        });
    }
    v
}

pub fn d(s: &str) -> Date {
    bmnn_core::dates::parse_date(s).expect("date")
}

pub fn now() -> PrimitiveDateTime {
    PrimitiveDateTime::new(
        d("25/11/2026"),
        time::Time::from_hms(9, 0, 0).expect("time"),
    )
}

pub struct Org {
    pub svc: Service<DbStore>,
    pub admin: User,
    pub head: User,
    pub clerk: User,
    pub drafter: User,
    pub section_head: User,
    pub mat_reader: User,
    pub cat_mat: Id,
    pub cat_toi_mat: Id,
}

impl Org {
    /// The command line (system user): applies account changes directly, as `bmnn user`
    /// does; the administrator's grants wait for the head of the agency.
    pub fn system(&self) -> Ctx {
        Ctx {
            user_id: bmnn_core::service::SYSTEM_USER_ID,
            now: now(),
            today: d("25/11/2026"),
        }
    }

    pub fn ctx(&self, u: &User) -> Ctx {
        Ctx {
            user_id: u.id,
            now: now(),
            today: d("25/11/2026"),
        }
    }
}

pub fn org(url: &str) -> Org {
    org_on(DbStore::open(url).expect("open store"))
}

/// The organisation on an already opened store (e.g. a keyed one).
pub fn org_on(store: DbStore) -> Org {
    let svc = Service::new(store, RuleSet::embedded());
    let admin = svc
        .bootstrap_admin(
            now(),
            Agency {
                name: "Sở Thử nghiệm".into(),
                superior: None,
                place: "Hà Nội".into(),
                symbol: "STN".into(),
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
    let a = Ctx {
        user_id: admin.id,
        now: now(),
        today: d("25/11/2026"),
    };
    let unit = svc.create_unit(&a, "Văn phòng", None).expect("unit");
    let pos = |t: &str, k: &str, r: Rank, h: bool| {
        svc.create_position(
            &a,
            NewPosition {
                title: t.into(),
                kind: k.into(),
                rank: r,
                heads_agency: h,
                unit_id: Some(unit.id),
            },
        )
        .expect("position")
    };
    let p_head = pos("Giám đốc", "so-ban-nganh-tinh", Rank::Head, true);
    let p_sec = pos("Trưởng phòng", "phong-thuoc-so", Rank::Head, false);
    let p_staff = pos("Chuyên viên", "khac", Rank::Staff, false);
    // Accounts with clearance are made at the console (the administrator's grants wait for
    // the head of the agency: separation of duties).
    let console = Ctx {
        user_id: bmnn_core::service::SYSTEM_USER_ID,
        ..a
    };
    let user = |u: &str, roles: Vec<Role>, cl: Level, p: &Position| {
        svc.create_user(
            &console,
            NewUser {
                username: u.into(),
                full_name: u.into(),
                roles,
                clearance: Some(cl),
                position_id: Some(p.id),
                unit_id: Some(unit.id),
                password_hash: "x".into(),
            },
        )
        .expect("user")
    };
    let head = user("giamdoc", vec![Role::Leader], Level::TuyetMat, &p_head);
    let clerk = user("vanthu", vec![Role::Clerk], Level::TuyetMat, &p_staff);
    let drafter = user("soanthao", vec![Role::Drafter], Level::ToiMat, &p_staff);
    let section_head = user("truongphong", vec![Role::Leader], Level::ToiMat, &p_sec);
    let mat_reader = user("docmat", vec![Role::Leader], Level::Mat, &p_staff);
    let (_, _) = svc
        .create_catalogue(
            &Ctx {
                user_id: SYSTEM_USER_ID,
                now: now(),
                today: d("25/11/2026"),
            },
            NewCatalogue {
                decision_ref: "QĐ 1/QĐ-TTg".into(),
                decision_date: d("01/01/2021"),
                title: "Danh mục thử".into(),
                field: "kinh-te".into(),
                effective_from: d("01/01/2021"),
                items: vec![
                    NewCatalogueItem {
                        level: Level::Mat,
                        number: "M-1".into(),
                        text: "mục mật".into(),
                    },
                    NewCatalogueItem {
                        level: Level::ToiMat,
                        number: "TM-1".into(),
                        text: "mục tối mật".into(),
                    },
                ],
                replaces: None,
                carry_over: vec![],
            },
        )
        .expect("catalogue");
    let (_, entries) = svc.catalogues(&a).expect("catalogues");
    let cat_mat = entries.iter().find(|e| e.number == "M-1").expect("M-1").id;
    let cat_toi_mat = entries
        .iter()
        .find(|e| e.number == "TM-1")
        .expect("TM-1")
        .id;
    Org {
        svc,
        admin,
        head,
        clerk,
        drafter,
        section_head,
        mat_reader,
        cat_mat,
        cat_toi_mat,
    }
}

/// A drafter's proposal of a report at `level` (Mật: catalogue item M-1, else TM-1), for `unit`.
pub fn propose_cmd(o: &Org, level: Level, unit: Option<Id>) -> ProposeCmd {
    ProposeCmd {
        carrier: Carrier::Document,
        electronic: false,
        doc_type: "Báo cáo".into(),
        summary: Some("Tình hình".into()),
        summary_consent_ref: None,
        level,
        field: None,
        catalogue_item_id: Some(if level == Level::Mat {
            o.cat_mat
        } else {
            o.cat_toi_mat
        }),
        recipients: vec!["UBND tỉnh".into(), "Bộ Nội vụ".into()],
        copies_issued: 2,
        copy_allowed: true,
        circulation: String::new(),
        unit_id: unit,
        location: String::new(),
        shorter_expiry: None,
        date: None,
    }
}

pub fn incoming(level: Level, number: &str, date: &str) -> ReceiveIncomingCmd {
    ReceiveIncomingCmd {
        issuer: "Bộ Công Thương".into(),
        number_symbol: number.into(),
        doc_date: Some(d(date)),
        doc_type: "Công văn".into(),
        summary: Some("Báo cáo tình hình đặc biệt".into()),
        summary_consent_ref: None,
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

/// Imports `d` into `store` as `bmnn import --keep-tokens` would (embedded rules).
pub fn import(
    store: &DbStore,
    d: &bmnn_store::Dataset,
) -> bmnn_core::error::Result<bmnn_store::ImportReport> {
    let rules = RuleSet::embedded();
    store.import(
        d,
        &bmnn_store::ImportOptions {
            rules: &rules,
            keep_tokens: true,
            accept_privileged: true,
            at: "2026-12-02T08:00:00.000000".into(),
            actor: "0:system".into(),
            source: "test".into(),
        },
    )
}

/// `after` is `before` plus exactly the import's own audit record (and the head moved to it).
pub fn assert_imported_as(after: &bmnn_store::Dataset, before: &bmnn_store::Dataset, what: &str) {
    let mut a = after.clone();
    assert_eq!(a.audit_log.len(), before.audit_log.len() + 1, "{what}");
    let last = a.audit_log.pop().expect("import record");
    assert_eq!(last.action, "dataset.import", "{what}");
    a.audit_head = before.audit_head.clone();
    assert_eq!(&a, before, "{what}");
}
