//! `TestApp`: the whole router over a real store, driven in-process with `oneshot`.
//!
//! Each test gets a fresh database: a SQLite file in its own temp dir, or — when
//! `TEST_DATABASE_URL` names a PostgreSQL server — a fresh database created on that server.
//! The organisation (agency, units, positions of legal kinds, users, a catalogue) is made
//! through the services, as an administrator would at installation; everything after that goes
//! through HTTP.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use bmnn_core::Level;
use bmnn_core::model::{Agency, Id, Rank, Role};
use bmnn_core::rules::RuleSet;
use bmnn_core::service::{Ctx, NewCatalogue, NewCatalogueItem, NewPosition, NewUser, Service};
use bmnn_store::DbStore;
use bmnn_web::{AppState, WebConfig, auth, ctx_for, now_utc};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

/// The password every test user has.
pub const PASSWORD: &str = "mật-khẩu-thử-nghiệm-2026";

/// One argon2id hash per test process (hashing is slow in debug builds).
fn password_hash() -> &'static str {
    static H: OnceLock<String> = OnceLock::new();
    H.get_or_init(|| auth::hash_password(PASSWORD))
}

/// An answer: status and JSON body (`Value::Null` when the body is not JSON).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: Value,
    pub content_type: String,
}

impl Answer {
    /// Asserts the status and returns the body.
    #[track_caller]
    pub fn expect(self, status: u16) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.body
        );
        self.body
    }

    /// Asserts an error answer: status, stable code, and a Vietnamese message.
    #[track_caller]
    pub fn expect_error(self, status: u16, code: &str) -> Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.body
        );
        assert!(
            self.content_type.starts_with("application/json"),
            "error must be JSON, got {}",
            self.content_type
        );
        assert_eq!(self.body["error"]["code"], code, "body: {}", self.body);
        let msg = self.body["error"]["message"].as_str().expect("message");
        assert!(is_vietnamese(msg), "message should be Vietnamese: {msg}");
        self.body
    }
}

/// Vietnamese text carries letters outside ASCII (diacritics).
pub fn is_vietnamese(s: &str) -> bool {
    s.chars().any(|c| {
        "ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
            .contains(c.to_lowercase().next().unwrap_or(c))
    })
}

/// Ids of what the setup created.
#[derive(Debug, Clone, Default)]
pub struct Org {
    pub users: HashMap<&'static str, Id>,
    /// Catalogue entries by level: Mật, Tối mật, Tuyệt mật.
    pub cat_mat: Id,
    pub cat_toi_mat: Id,
    pub cat_tuyet_mat: Id,
}

pub struct TestApp {
    pub router: Router,
    pub svc: Arc<Service<DbStore>>,
    pub org: Org,
    tokens: std::sync::Mutex<HashMap<String, String>>,
    _dir: tempfile::TempDir,
}

pub fn open_store(dir: &std::path::Path) -> DbStore {
    match std::env::var("TEST_DATABASE_URL") {
        Ok(admin_url) if admin_url.starts_with("postgres") => {
            use diesel::Connection;
            use diesel::connection::SimpleConnection;
            // A fresh database on the server for this test (the server is a throwaway cluster,
            // see scripts/pg-tmp); the base database itself is never migrated.
            let name = format!(
                "bmnn_api_{}_{}",
                std::process::id(),
                &auth::random_token()[..12]
            );
            let mut c =
                diesel::pg::PgConnection::establish(&admin_url).expect("connect TEST_DATABASE_URL");
            c.batch_execute(&format!("CREATE DATABASE {name}"))
                .expect("create test database");
            DbStore::open(&with_database(&admin_url, &name)).expect("open test database")
        }
        _ => DbStore::open(&format!("sqlite://{}/bmnn.db", dir.display())).expect("open sqlite"),
    }
}

/// `postgres://u@h:p/db?x` with the database name replaced.
fn with_database(url: &str, db: &str) -> String {
    let (main, query) = match url.split_once('?') {
        Some((m, q)) => (m, Some(q)),
        None => (url, None),
    };
    let scheme_end = main.find("://").map_or(0, |i| i + 3);
    let base = match main[scheme_end..].find('/') {
        Some(i) => &main[..scheme_end + i],
        None => main,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

impl TestApp {
    /// A fresh installation with the test organisation.
    pub fn spawn() -> TestApp {
        Self::spawn_with(WebConfig::default())
    }

    /// A fresh installation with the test organisation, served with `cfg`.
    pub fn spawn_with(cfg: WebConfig) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = open_store(dir.path());
        let svc = Service::new(store, RuleSet::embedded());
        let state = AppState::new(svc, cfg);
        let svc = state.svc.clone();
        let router = bmnn_web::router(state);
        let org = setup_org(&svc);
        let app = TestApp {
            router,
            svc,
            org,
            tokens: Default::default(),
            _dir: dir,
        };
        // Every user gets a token now, so that minting one never shows up inside a test's
        // "nothing was written" window.
        let mut names: Vec<&str> = app.org.users.keys().copied().collect();
        names.sort();
        for u in names {
            app.login_as(u);
        }
        app
    }

    pub fn user(&self, name: &str) -> Id {
        *self
            .org
            .users
            .get(name)
            .unwrap_or_else(|| panic!("no test user {name}"))
    }

    /// A bearer token for `username` (minted through the service: no password hashing).
    pub fn login_as(&self, username: &str) -> String {
        let mut t = self.tokens.lock().expect("lock");
        if let Some(tok) = t.get(username) {
            return tok.clone();
        }
        let token = auth::random_token();
        self.svc
            .register_token(
                &ctx_for(self.user(username)),
                "tests",
                &auth::token_hash(&token),
                90,
            )
            .expect("register token");
        t.insert(username.to_string(), token.clone());
        token
    }

    /// Sends one request; `as_user` adds its bearer token.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        as_user: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(u) = as_user {
            req = req.header(
                header::AUTHORIZATION,
                format!("Bearer {}", self.login_as(u)),
            );
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .expect("request");
        self.raw(req).await
    }

    /// Sends a hand-built request.
    pub async fn raw(&self, req: Request<Body>) -> Answer {
        let resp = self.router.clone().oneshot(req).await.expect("infallible");
        let status = resp.status();
        let content_type = resp
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let bytes = resp.into_body().collect().await.expect("body").to_bytes();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer {
            status,
            body,
            content_type,
        }
    }

    pub async fn get(&self, path: &str, as_user: &str) -> Answer {
        self.send(Method::GET, path, Some(as_user), None).await
    }

    pub async fn post_json(&self, path: &str, as_user: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(as_user), Some(body))
            .await
    }

    /// Number of audit records (a refusal must not change it).
    pub fn audit_count(&self) -> i64 {
        self.svc.store.audit_count().expect("audit count")
    }

    /// The whole chain verifies.
    pub fn verify_audit(&self) -> u64 {
        self.svc
            .store
            .verify_audit()
            .expect("read audit")
            .expect("audit chain intact")
    }

    /// Items `user` sees, as the API counts them.
    pub async fn item_total(&self, user: &str) -> i64 {
        self.get("/api/v1/items?limit=500", user).await.expect(200)["total"]
            .as_i64()
            .expect("total")
    }

    // ---- Domain helpers (all through HTTP) ----------------------------------------------

    /// A drafter's proposal; `extra` overrides fields of a valid Mật proposal.
    pub async fn propose(&self, user: &str, extra: Value) -> Answer {
        let mut body = json!({
            "carrier": "document",
            "doc_type": "Báo cáo",
            "summary": "Tình hình thực hiện nhiệm vụ bảo đảm an ninh kinh tế",
            "level": "mat",
            "catalogue_item_id": pid(self.org.cat_mat),
            "recipients": ["Sở Tài chính", "UBND tỉnh"],
            "copies_issued": 2,
            "copy_allowed": true,
        });
        merge(&mut body, extra);
        self.post_json("/api/v1/items", user, body).await
    }

    /// Proposed by `soanthao` and classified by `giamdoc` on `date`; returns the item's token.
    pub async fn classified_item(&self, date: &str, extra: Value) -> String {
        let mut e = json!({"date": date});
        merge(&mut e, extra);
        let item = self.propose("soanthao", e).await.expect(201);
        let id = tok(&item["id"]);
        self.post_json(
            &format!("/api/v1/items/{id}/classification"),
            "giamdoc",
            json!({"approve": true, "decision_ref": "QĐ-XĐ", "date": date}),
        )
        .await
        .expect(200);
        id
    }
}

/// The opaque token of an id, as pages and the API show it (the tests' fixed default key).
pub fn pid(id: Id) -> String {
    bmnn_web::pubid::encode(id)
}

/// The id behind a token (for calls straight to the services).
pub fn id_of(token: &str) -> Id {
    let id = bmnn_web::pubid::decode(token);
    assert_ne!(
        id,
        bmnn_web::pubid::UNKNOWN,
        "not a token of this server: {token}"
    );
    id
}

/// The token in a JSON answer, as a string for paths and bodies.
pub fn tok(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("an id token, got {v}"))
        .to_string()
}

/// Shallow merge of `extra` into `base` (a `null` removes the field).
pub fn merge(base: &mut Value, extra: Value) {
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        for (k, v) in e {
            if v.is_null() {
                b.remove(&k);
            } else {
                b.insert(k, v);
            }
        }
    }
}

fn setup_org(svc: &Service<DbStore>) -> Org {
    let now = now_utc();
    let admin = svc
        .bootstrap_admin(
            now,
            Agency {
                name: "Sở Kế hoạch và Đầu tư tỉnh Thử Nghiệm".into(),
                superior: Some("UBND tỉnh Thử Nghiệm".into()),
                place: "Thử Nghiệm".into(),
                symbol: "SKHĐT".into(),
            },
            NewUser {
                username: "admin".into(),
                full_name: "Quản trị viên".into(),
                roles: vec![Role::Admin, Role::SecurityOfficer],
                // Account administration carries no clearance (separation of duties).
                clearance: None,
                position_id: None,
                unit_id: None,
                password_hash: password_hash().to_string(),
            },
        )
        .expect("bootstrap");
    let ctx: Ctx = ctx_for(admin.id);
    let office = svc
        .create_unit(&ctx, "Văn phòng Sở", None)
        .expect("unit")
        .id;
    let planning = svc
        .create_unit(&ctx, "Phòng Kế hoạch tổng hợp", None)
        .expect("unit")
        .id;
    let pos = |title: &str, kind: &str, rank: Rank, heads_agency: bool, unit: Option<Id>| {
        svc.create_position(
            &ctx,
            NewPosition {
                title: title.into(),
                kind: kind.into(),
                rank,
                heads_agency,
                unit_id: unit,
            },
        )
        .expect("position")
        .id
    };
    let director = pos("Giám đốc Sở", "so-ban-nganh-tinh", Rank::Head, true, None);
    let deputy = pos(
        "Phó Giám đốc Sở",
        "so-ban-nganh-tinh",
        Rank::Deputy,
        false,
        None,
    );
    let head_of_dept = pos(
        "Trưởng phòng Kế hoạch tổng hợp",
        "phong-thuoc-so",
        Rank::Head,
        false,
        Some(planning),
    );
    let staff = pos("Chuyên viên", "khac", Rank::Staff, false, None);
    let mut users = HashMap::new();
    users.insert("admin", admin.id);
    let mut user = |username: &'static str,
                    full_name: &str,
                    roles: Vec<Role>,
                    clearance: Level,
                    position: Id,
                    unit: Id| {
        // At the console: the administrator's grants wait for the head of the agency.
        let u = svc
            .create_user(
                &bmnn_core::service::Ctx {
                    user_id: bmnn_core::service::SYSTEM_USER_ID,
                    ..ctx
                },
                NewUser {
                    username: username.into(),
                    full_name: full_name.into(),
                    roles,
                    clearance: Some(clearance),
                    position_id: Some(position),
                    unit_id: Some(unit),
                    password_hash: password_hash().to_string(),
                },
            )
            .expect("user");
        users.insert(username, u.id);
    };
    user(
        "giamdoc",
        "Nguyễn Văn Giám",
        vec![Role::Leader],
        Level::TuyetMat,
        director,
        office,
    );
    user(
        "phogiamdoc",
        "Trần Thị Phó",
        vec![Role::Leader],
        Level::TuyetMat,
        deputy,
        office,
    );
    user(
        "truongphong",
        "Lê Văn Trưởng",
        vec![Role::Leader],
        Level::ToiMat,
        head_of_dept,
        planning,
    );
    user(
        "vanthu",
        "Phạm Thị Văn Thư",
        vec![Role::Clerk],
        Level::TuyetMat,
        staff,
        office,
    );
    user(
        "soanthao",
        "Hoàng Văn Soạn",
        vec![Role::Drafter],
        Level::TuyetMat,
        staff,
        planning,
    );
    // The security officer (cán bộ bảo vệ BMNN): programme, audit, catalogues.
    user(
        "baomat",
        "Vũ Văn Bảo",
        vec![Role::SecurityOfficer],
        Level::TuyetMat,
        staff,
        office,
    );
    // A clerk cleared for Mật only: sees every item of the agency up to Mật, nothing above.
    user(
        "vanthu_mat",
        "Đỗ Thị Mật",
        vec![Role::Clerk],
        Level::Mat,
        staff,
        office,
    );
    let (_, _) = svc
        .create_catalogue(
            &ctx,
            NewCatalogue {
                decision_ref: "1722/QĐ-TTg".into(),
                decision_date: time::macros::date!(2020 - 07 - 01),
                title: "Danh mục bí mật nhà nước lĩnh vực kế hoạch, đầu tư".into(),
                field: "kinh-te".into(),
                effective_from: time::macros::date!(2020 - 07 - 01),
                items: vec![
                    NewCatalogueItem {
                        level: Level::Mat,
                        number: "3.1".into(),
                        text: "Báo cáo an ninh kinh tế chưa công bố".into(),
                    },
                    NewCatalogueItem {
                        level: Level::ToiMat,
                        number: "2.1".into(),
                        text: "Kế hoạch đầu tư công trọng điểm chưa công bố".into(),
                    },
                    NewCatalogueItem {
                        level: Level::TuyetMat,
                        number: "1.1".into(),
                        text: "Chủ trương chính trị đặc biệt quan trọng".into(),
                    },
                ],
                replaces: None,
                carry_over: vec![],
            },
        )
        .expect("catalogue");
    let (_, entries) = svc.catalogues(&ctx).expect("catalogues");
    let by = |l: Level| entries.iter().find(|e| e.level == l).expect("entry").id;
    Org {
        users,
        cat_mat: by(Level::Mat),
        cat_toi_mat: by(Level::ToiMat),
        cat_tuyet_mat: by(Level::TuyetMat),
    }
}
