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
//! Every route is registered through [`Routes`] with its access, so [`route_table`] knows every
//! POST route; the CSRF test walks that table (no hand-kept list to fall out of step).

mod accounts;
pub mod acts;
mod admin;
mod assets;
mod attach;
mod audit;
pub mod guard;
pub mod headers;
pub mod inbox;
mod pages;
mod pick;
mod programme;
mod registers;
mod scan;
mod view;

pub use attach::{decrypt_attachment, encrypt_attachment};
pub use guard::Me;
pub use view::error_page;

use crate::AppState;
use crate::access::{Access as A, RouteAccess};
use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, get, on};
use bmnn_core::access;
use bmnn_core::ports::Store;

/// Collects routes so that every route is known with its access.
struct Routes<S: Store> {
    router: Router<AppState<S>>,
    table: Vec<RouteAccess>,
}

impl<S: Store> Routes<S> {
    fn add<H, T>(mut self, method: Method, path: &'static str, access: A, h: H) -> Self
    where
        H: Handler<T, AppState<S>>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).expect("a standard method");
        let mut mr = on(filter, h);
        if let A::Roles(roles) = access {
            mr = mr.route_layer(axum::middleware::from_fn_with_state(
                roles,
                crate::access::page_gate,
            ));
        }
        self.table.push(RouteAccess {
            method,
            path: path.to_string(),
            access,
        });
        self.router = self.router.route(path, mr);
        self
    }

    fn get<H, T>(self, path: &'static str, access: A, h: H) -> Self
    where
        H: Handler<T, AppState<S>>,
        T: 'static,
    {
        self.add(Method::GET, path, access, h)
    }

    fn post<H, T>(self, path: &'static str, access: A, h: H) -> Self
    where
        H: Handler<T, AppState<S>>,
        T: 'static,
    {
        self.add(Method::POST, path, access, h)
    }
}

/// Every page route with its access (`bmnn_core::access` names the role sets).
fn routes<S: Store>() -> Routes<S> {
    let r = Routes::<S> {
        router: Router::new(),
        table: Vec::new(),
    };
    r.get("/setup", A::Public, guard::setup_page::<S>)
        .post("/setup", A::Public, guard::setup_submit::<S>)
        .get("/login", A::Public, guard::login_page::<S>)
        .post("/login", A::Public, guard::login_submit::<S>)
        .post("/logout", A::SignedIn, guard::logout::<S>)
        .post("/logout-all", A::SignedIn, guard::logout_all::<S>)
        .get("/account", A::SignedIn, guard::account_page)
        .post(
            "/account/password",
            A::SignedIn,
            guard::change_password::<S>,
        )
        .get("/", A::SignedIn, pages::dashboard::<S>)
        .get("/items", A::SignedIn, pages::items_page::<S>)
        .post("/items", A::SignedIn, pages::items_search::<S>)
        .get("/items/{id}", A::SignedIn, pages::item_page::<S>)
        .get("/approvals", A::SignedIn, pages::approvals::<S>)
        .get("/inbox", A::SignedIn, inbox::page::<S>)
        .get("/notices", A::SignedIn, pages::notices::<S>)
        .get("/rules/unconfirmed", A::SignedIn, pages::unconfirmed::<S>)
        .get("/acts/{code}", A::SignedIn, acts::form_page::<S>)
        .get("/acts/{code}/rules", A::SignedIn, acts::rules_fragment::<S>)
        .post("/acts/{code}", A::SignedIn, acts::submit::<S>)
        .get("/pick/people", A::SignedIn, pick::people::<S>)
        .get("/pick/units", A::SignedIn, pick::units::<S>)
        .post(
            "/items/{id}/attachments",
            A::Roles(access::ATTACHERS),
            attach::upload::<S>,
        )
        .post("/attachments/{id}/view", A::SignedIn, attach::view::<S>)
        .get("/registers", A::SignedIn, registers::index)
        .get(
            "/registers/{kind}/{year}",
            A::SignedIn,
            registers::book::<S>,
        )
        .get(
            "/registers/{kind}/{year}/print",
            A::SignedIn,
            registers::print::<S>,
        )
        .get(
            "/registers/{kind}/{year}/docx",
            A::SignedIn,
            registers::docx::<S>,
        )
        .get("/accounts", A::SignedIn, accounts::accounts_page::<S>)
        .post(
            "/accounts/privileges/{id}/approve",
            A::SignedIn,
            accounts::approve::<S>,
        )
        .post(
            "/accounts/privileges/{id}/reject",
            A::SignedIn,
            accounts::reject::<S>,
        )
        .post(
            "/accounts/tokens/{id}/revoke",
            A::SignedIn,
            accounts::revoke_token::<S>,
        )
        .get("/admin", A::Roles(access::ORG_PAGE), admin::org_page::<S>)
        .post(
            "/admin/agency",
            A::Roles(access::ADMIN),
            admin::set_agency::<S>,
        )
        .post(
            "/admin/units",
            A::Roles(access::ADMIN),
            admin::create_unit::<S>,
        )
        .post(
            "/admin/positions",
            A::Roles(access::ADMIN),
            admin::create_position::<S>,
        )
        .post(
            "/admin/users",
            A::Roles(access::ADMIN),
            admin::create_user::<S>,
        )
        .post(
            "/admin/users/{id}",
            A::Roles(access::ADMIN),
            admin::update_user::<S>,
        )
        .post(
            "/admin/users/{id}/password",
            A::Roles(access::ADMIN),
            admin::reset_password::<S>,
        )
        .post(
            "/admin/delegations",
            A::Roles(access::DELEGATION_RECORDERS),
            admin::create_delegation::<S>,
        )
        .post(
            "/admin/delegations/{id}/revoke",
            A::Roles(access::DELEGATION_RECORDERS),
            admin::revoke_delegation::<S>,
        )
        .get("/catalogues", A::SignedIn, admin::catalogues_page::<S>)
        .post(
            "/catalogues",
            A::Roles(access::CATALOGUE_KEEPERS),
            admin::create_catalogue::<S>,
        )
        .post(
            "/catalogues/items/{id}/remove",
            A::Roles(access::CATALOGUE_REMOVERS),
            admin::remove_catalogue_item::<S>,
        )
        .get("/audit", A::Roles(access::AUDITORS), audit::audit_page::<S>)
        .get("/scan", A::SignedIn, scan::page::<S>)
        .post("/scan", A::SignedIn, scan::submit::<S>)
        .get(
            "/programme/reports",
            A::Roles(access::REPORTERS),
            programme::reports::<S>,
        )
        .post(
            "/programme/reports/draft",
            A::Roles(access::REPORTERS),
            programme::save_draft::<S>,
        )
        .post(
            "/programme/reports/issue",
            A::Roles(access::REPORTERS),
            programme::issue_plan::<S>,
        )
        .post(
            "/programme/reports/keys",
            A::Roles(access::PROGRAMME_KEEPERS),
            programme::register_key::<S>,
        )
        .post(
            "/programme/reports/bundles",
            A::Roles(access::PROGRAMME_KEEPERS),
            programme::import_bundle::<S>,
        )
        .get(
            "/programme/reports/{kind}/{year}/{format}",
            A::Roles(access::REPORTERS),
            programme::report_file::<S>,
        )
        .get(
            "/programme/{kind}",
            A::Roles(access::PROGRAMME_READERS),
            programme::page::<S>,
        )
        .post(
            "/programme/{kind}",
            A::Roles(access::PROGRAMME_KEEPERS),
            programme::add::<S>,
        )
        .get(
            "/programme/{kind}/{id}/edit",
            A::Roles(access::PROGRAMME_READERS),
            programme::edit_page::<S>,
        )
        .post(
            "/programme/{kind}/{id}/edit",
            A::Roles(access::PROGRAMME_READERS),
            programme::edit_save::<S>,
        )
        .get(
            "/programme/{kind}/{id}/docx",
            A::Roles(access::PROGRAMME_READERS),
            programme::form_docx::<S>,
        )
        .post(
            "/programme/{kind}/{id}/{act}",
            A::Roles(access::PROGRAMME_READERS),
            programme::act::<S>,
        )
}

/// The pages' routes with their access (for [`crate::access::table`]).
pub fn route_table<S: Store>() -> Vec<RouteAccess> {
    routes::<S>().table
}

/// The pages, behind the session/CSRF guard; assets outside it.
pub fn router<S: Store>(state: AppState<S>) -> Router {
    let r = routes::<S>();
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
