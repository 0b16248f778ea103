//! HTML pages for people: server-rendered with askama, a little htmx, no inline script or style.
//!
//! Invariants:
//! - Every page and every htmx partial is one struct with one template (kanidm style).
//! - Pages call the one service layer (`bmnn_core::service`); no rule and no query lives here.
//!   Reads go through the service's `ReadScope` filter, so an item above the user's clearance
//!   is absent from every list, count, search, print and export, and its page is the same 404
//!   as an id that does not exist.
//! - Every state-changing request is a POST that passes [`guard`]: same-origin check
//!   (Origin / Sec-Fetch-Site) and the session's synchronizer token in the `_csrf` field or the
//!   `X-CSRF-Token` header (htmx), compared in constant time. Nothing changes on GET.
//! - Search text may reveal content, so it travels in POST bodies, never in URLs.
//! - Summaries and document text are never logged.
//!
//! All POST routes are registered through [`Routes::post`] and listed in [`POST_ROUTES`]; the
//! router refuses to build when the two differ, and the CSRF test walks [`POST_ROUTES`].

pub mod acts;
mod admin;
mod assets;
mod attach;
pub mod guard;
pub mod headers;
mod pages;
mod programme;
mod registers;
mod scan;
mod view;

pub use attach::{decrypt_attachment, encrypt_attachment};

use crate::AppState;
use axum::Router;
use axum::handler::Handler;
use axum::routing::{get, post};
use bmnn_core::ports::Store;

/// Every POST route of the pages (path patterns as given to the router).
pub const POST_ROUTES: &[&str] = &[
    "/setup",
    "/login",
    "/logout",
    "/logout-all",
    "/account/password",
    "/items",
    "/acts/{code}",
    "/items/{id}/attachments",
    "/attachments/{id}/view",
    "/admin/agency",
    "/admin/units",
    "/admin/positions",
    "/admin/users",
    "/admin/users/{id}",
    "/admin/users/{id}/password",
    "/admin/delegations",
    "/admin/delegations/{id}/revoke",
    "/catalogues",
    "/catalogues/items/{id}/remove",
    "/scan",
    "/programme/{kind}",
    "/programme/{kind}/{id}/{act}",
    "/programme/reports/draft",
    "/programme/reports/keys",
    "/programme/reports/bundles",
];

/// Collects routes so that every POST route is known by name.
struct Routes<S: Store> {
    router: Router<AppState<S>>,
    posts: Vec<&'static str>,
}

impl<S: Store> Routes<S> {
    fn get<H, T>(mut self, path: &'static str, h: H) -> Self
    where
        H: Handler<T, AppState<S>>,
        T: 'static,
    {
        self.router = self.router.route(path, get(h));
        self
    }

    fn post<H, T>(mut self, path: &'static str, h: H) -> Self
    where
        H: Handler<T, AppState<S>>,
        T: 'static,
    {
        self.posts.push(path);
        self.router = self.router.route(path, post(h));
        self
    }
}

/// The pages, behind the session/CSRF guard; assets outside it.
pub fn router<S: Store>(state: AppState<S>) -> Router {
    let r = Routes::<S> {
        router: Router::new(),
        posts: Vec::new(),
    };
    let r = r
        .get("/setup", guard::setup_page::<S>)
        .post("/setup", guard::setup_submit::<S>)
        .get("/login", guard::login_page::<S>)
        .post("/login", guard::login_submit::<S>)
        .post("/logout", guard::logout::<S>)
        .post("/logout-all", guard::logout_all::<S>)
        .get("/account", guard::account_page)
        .post("/account/password", guard::change_password::<S>)
        .get("/", pages::dashboard::<S>)
        .get("/items", pages::items_page::<S>)
        .post("/items", pages::items_search::<S>)
        .get("/items/{id}", pages::item_page::<S>)
        .get("/approvals", pages::approvals::<S>)
        .get("/notices", pages::notices::<S>)
        .get("/rules/unconfirmed", pages::unconfirmed::<S>)
        .get("/acts/{code}", acts::form_page::<S>)
        .post("/acts/{code}", acts::submit::<S>)
        .post("/items/{id}/attachments", attach::upload::<S>)
        .post("/attachments/{id}/view", attach::view::<S>)
        .get("/registers", registers::index)
        .get("/registers/{kind}/{year}", registers::book::<S>)
        .get("/registers/{kind}/{year}/print", registers::print::<S>)
        .get("/registers/{kind}/{year}/docx", registers::docx::<S>)
        .get("/admin", admin::org_page::<S>)
        .post("/admin/agency", admin::set_agency::<S>)
        .post("/admin/units", admin::create_unit::<S>)
        .post("/admin/positions", admin::create_position::<S>)
        .post("/admin/users", admin::create_user::<S>)
        .post("/admin/users/{id}", admin::update_user::<S>)
        .post("/admin/users/{id}/password", admin::reset_password::<S>)
        .post("/admin/delegations", admin::create_delegation::<S>)
        .post(
            "/admin/delegations/{id}/revoke",
            admin::revoke_delegation::<S>,
        )
        .get("/catalogues", admin::catalogues_page::<S>)
        .post("/catalogues", admin::create_catalogue::<S>)
        .post(
            "/catalogues/items/{id}/remove",
            admin::remove_catalogue_item::<S>,
        )
        .get("/audit", admin::audit_page::<S>)
        .get("/scan", scan::page)
        .post("/scan", scan::submit::<S>)
        .get("/programme/reports", programme::reports::<S>)
        .post("/programme/reports/draft", programme::save_draft::<S>)
        .post("/programme/reports/keys", programme::register_key::<S>)
        .post("/programme/reports/bundles", programme::import_bundle::<S>)
        .get(
            "/programme/reports/{kind}/{year}/{format}",
            programme::report_file::<S>,
        )
        .get("/programme/{kind}", programme::page::<S>)
        .post("/programme/{kind}", programme::add::<S>)
        .get("/programme/{kind}/{id}/docx", programme::form_docx::<S>)
        .post("/programme/{kind}/{id}/{act}", programme::act::<S>);
    let mut listed: Vec<&str> = POST_ROUTES.to_vec();
    let mut got = r.posts.clone();
    listed.sort_unstable();
    got.sort_unstable();
    assert_eq!(
        listed, got,
        "every POST route must be listed in ui::POST_ROUTES (the CSRF test walks that list)"
    );
    let pages = r
        .router
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            guard::guard::<S>,
        ))
        .with_state(state);
    Router::new()
        .route("/assets/{hash}/{*file}", get(assets::serve))
        .merge(pages)
}

/// Unknown URL: the same page as an item the user may not see.
pub async fn not_found_plain() -> axum::response::Response {
    pages::not_found_anon()
}

/// A panic in a handler: a plain Vietnamese 500, no details.
/// True when a multipart upload failed because its body went over `max_body_bytes`. axum's
/// `MultipartError::status` misses the limit once the body has passed both limit layers
/// (tower-http's and axum's, each wrapping the error), so the whole error chain is searched.
pub(crate) fn upload_too_large(e: &axum::extract::multipart::MultipartError) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cur = err.source();
    }
    e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE
}

pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    use axum::response::IntoResponse;
    tracing::error!("handler panicked");
    (
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; charset=utf-8",
        )],
        "Có lỗi hệ thống; thao tác chưa được ghi. Hãy thử lại hoặc báo quản trị viên.",
    )
        .into_response()
}
