//! Who may reach each route: every page and API route is registered with an [`Access`], and
//! a route restricted to roles is refused at the door (403) to anyone without one of them,
//! before its body is read. The role sets are `bmnn_core::access`'s, the ones the services
//! check again inside; finer decisions (a leader's position and delegation, the recipient of a
//! handover, clearance) are the services'. [`table`] lists every route with its access, and
//! the route × role test (`tests/it/access_matrix.rs`) walks it.

use crate::AppState;
use crate::ui::Me;
use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bmnn_core::CoreError;
use bmnn_core::model::Role;
use bmnn_core::ports::Store;

/// Who may reach a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No sign-in: login, first-run setup, the API's token and OpenAPI document.
    Public,
    /// Any signed-in user; the service decides per act and object (and filters by clearance).
    SignedIn,
    /// Only users with one of these roles (`bmnn_core::access`).
    Roles(&'static [Role]),
}

/// One route and its access.
#[derive(Debug, Clone)]
pub struct RouteAccess {
    pub method: Method,
    /// The full path pattern (`/api/v1/items/{id}`, `/admin/users`).
    pub path: String,
    pub access: Access,
}

/// Every route of the application (pages and API) with its access.
pub fn table<S: Store>() -> Vec<RouteAccess> {
    let mut v = crate::ui::route_table::<S>();
    v.extend(
        crate::api::routes::table::<S>()
            .into_iter()
            .map(|r| RouteAccess {
                method: r.method,
                path: format!("/api/v1{}", r.path),
                access: r.access,
            }),
    );
    v
}

fn refusal(roles: &[Role]) -> crate::WebError {
    crate::WebError(CoreError::Forbidden(format!(
        "Chức năng này dành cho vai trò: {}.",
        bmnn_core::access::names(roles)
    )))
}

/// The door of a page restricted to roles. Without a session the handler's own extractor
/// sends the visitor to the login page.
pub async fn page_gate(State(roles): State<&'static [Role]>, req: Request, next: Next) -> Response {
    match req.extensions().get::<Me>() {
        Some(me) if !bmnn_core::access::allows(&me.user, roles) => {
            crate::ui::error_page(me, &refusal(roles))
        }
        _ => next.run(req).await,
    }
}

/// The door of an API route restricted to roles: authenticates the bearer token once (the
/// handler's `Authed` reuses it) and refuses other roles with the API's `forbidden`.
pub async fn api_gate<S: Store>(
    State((st, roles)): State<(AppState<S>, &'static [Role])>,
    req: Request,
    next: Next,
) -> Response {
    use axum::extract::FromRequestParts;
    let (mut parts, body) = req.into_parts();
    let a = match crate::api::extract::Authed::from_request_parts(&mut parts, &st).await {
        Ok(a) => a,
        Err(e) => return e.into_response(),
    };
    if !bmnn_core::access::allows(&a.user, roles) {
        return refusal(roles).into_response();
    }
    parts.extensions.insert(a);
    next.run(Request::from_parts(parts, body)).await
}
