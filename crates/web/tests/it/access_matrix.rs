//! Every route × every role (issue 6): walks `bmnn_web::access::table` — each page and API
//! route with the access it was registered with — and sends each one as nobody, as the
//! administrator, the clerk, a leader, the drafter and the security officer. Nobody is let in
//! past a sign-in; a role outside a route's set is refused at the door (403, before the body
//! is read, nothing written); a role inside it gets past the door; nothing answers 5xx.
//!
//! The lists below are the decisions a reviewer reads: the routes open to anyone, and the
//! routes open to every signed-in user with the reason. A new route that is public or open to
//! all without being listed here fails this test — restrict it with a role set from
//! `bmnn_core::access`, or list it with its reason.

use crate::helpers::TestApp;
use crate::ui_client::Client;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use bmnn_store::DbStore;
use bmnn_web::access::{Access, RouteAccess, table};

/// Routes reachable without signing in.
const PUBLIC: &[(&str, &str)] = &[
    ("GET", "/setup"),
    ("POST", "/setup"),
    ("GET", "/login"),
    ("POST", "/login"),
    ("GET", "/api/v1/openapi.json"),
    ("POST", "/api/v1/tokens"),
];

/// Routes open to every signed-in user, and why.
const SIGNED_IN: &[(&str, &str, &str)] = &[
    ("POST", "/logout", "one's own session"),
    ("POST", "/logout-all", "one's own sessions"),
    ("GET", "/account", "one's own account"),
    ("POST", "/account/password", "one's own password"),
    ("GET", "/", "what the user must do; computed for the user"),
    ("GET", "/items", "list through the clearance filter"),
    ("POST", "/items", "search through the clearance filter"),
    (
        "GET",
        "/items/{id}",
        "item page through the clearance filter",
    ),
    ("GET", "/approvals", "the user's own inbox"),
    (
        "GET",
        "/inbox",
        "the user's own inbox, computed for the user by the service",
    ),
    ("GET", "/notices", "notices through the clearance filter"),
    (
        "GET",
        "/rules/unconfirmed",
        "the rules' unconfirmed points, no data",
    ),
    (
        "GET",
        "/acts/{code}",
        "each act's form; the service decides per act",
    ),
    (
        "POST",
        "/acts/{code}",
        "each act; authority by position/delegation (policy)",
    ),
    (
        "GET",
        "/acts/{code}/rules",
        "the rules of a typed date for an act's form; its item or request through the clearance filter",
    ),
    (
        "GET",
        "/pick/people",
        "names of active people for a form's search box (as the forms' lists showed them); an item through the clearance filter",
    ),
    (
        "GET",
        "/pick/units",
        "unit names for a form's search box (as the forms' lists showed them)",
    ),
    (
        "POST",
        "/attachments/{id}/view",
        "viewing through the clearance filter, logged",
    ),
    ("GET", "/registers", "list of books"),
    (
        "GET",
        "/registers/{kind}/{year}",
        "entries through the clearance filter",
    ),
    (
        "GET",
        "/registers/{kind}/{year}/print",
        "entries through the clearance filter",
    ),
    (
        "GET",
        "/registers/{kind}/{year}/docx",
        "entries through the clearance filter",
    ),
    (
        "GET",
        "/catalogues",
        "everyone classifying needs the catalogue",
    ),
    (
        "GET",
        "/scan",
        "anyone may check a file before publishing it",
    ),
    (
        "POST",
        "/scan",
        "anyone may check a file before publishing it",
    ),
    (
        "GET",
        "/accounts",
        "one's own tokens; pending privilege changes for the admin and approvers (service)",
    ),
    (
        "POST",
        "/accounts/privileges/{id}/approve",
        "head of the agency or the named approver (service)",
    ),
    (
        "POST",
        "/accounts/privileges/{id}/reject",
        "head of the agency or the named approver (service)",
    ),
    (
        "POST",
        "/accounts/tokens/{id}/revoke",
        "one's own token; others' only by the admin (service)",
    ),
    ("GET", "/api/v1/me", "one's own account"),
    (
        "GET",
        "/api/v1/tokens",
        "one's own tokens; everyone's only for the admin (service)",
    ),
    (
        "POST",
        "/api/v1/tokens/{id}/revoke",
        "one's own token; others' only by the admin (service)",
    ),
    (
        "PUT",
        "/api/v1/privilege-approver",
        "the head of the agency, by position (service)",
    ),
    (
        "GET",
        "/api/v1/privilege-changes",
        "admin and approvers; the approver holds no admin role (service)",
    ),
    (
        "POST",
        "/api/v1/privilege-changes/{id}/approve",
        "head of the agency or the named approver (service)",
    ),
    (
        "POST",
        "/api/v1/privilege-changes/{id}/reject",
        "head of the agency or the named approver (service)",
    ),
    ("GET", "/api/v1/rules", "the rules in force, no data"),
    (
        "POST",
        "/api/v1/users/{id}/password",
        "one's own password; others' only by the admin (service)",
    ),
    (
        "GET",
        "/api/v1/catalogues",
        "everyone classifying needs the catalogue",
    ),
    ("GET", "/api/v1/items", "list through the clearance filter"),
    (
        "POST",
        "/api/v1/items/search",
        "search through the clearance filter",
    ),
    (
        "GET",
        "/api/v1/items/{id}",
        "item through the clearance filter",
    ),
    (
        "POST",
        "/api/v1/items/{id}/classification",
        "leader's authority by position/delegation (policy)",
    ),
    (
        "POST",
        "/api/v1/items/{id}/extension",
        "authority by position/delegation (policy)",
    ),
    (
        "POST",
        "/api/v1/items/{id}/adjustment",
        "authority by position/delegation (policy)",
    ),
    (
        "POST",
        "/api/v1/items/{id}/declassification",
        "authority by position/delegation (policy)",
    ),
    (
        "POST",
        "/api/v1/register-entries/{id}/ack",
        "the recipient acknowledges (service)",
    ),
    ("GET", "/api/v1/pending-acks", "the user's own handovers"),
    (
        "GET",
        "/api/v1/registers/{kind}/{year}",
        "entries through the clearance filter",
    ),
    (
        "POST",
        "/api/v1/requests/copy",
        "anyone holding an item may ask (service)",
    ),
    (
        "POST",
        "/api/v1/requests/take-out",
        "anyone holding an item may ask (service)",
    ),
    (
        "POST",
        "/api/v1/requests/provide",
        "anyone holding an item may ask (service)",
    ),
    (
        "GET",
        "/api/v1/requests",
        "requests through the clearance filter",
    ),
    (
        "GET",
        "/api/v1/requests/{id}",
        "request through the clearance filter",
    ),
    (
        "POST",
        "/api/v1/requests/{id}/decision",
        "leader's authority by position/delegation (policy)",
    ),
    (
        "GET",
        "/api/v1/notices",
        "notices through the clearance filter",
    ),
    ("GET", "/api/v1/due", "what the user must do"),
    (
        "GET",
        "/api/v1/inbox",
        "the user's own inbox, computed for the user",
    ),
    (
        "POST",
        "/api/v1/scan",
        "anyone may check a file before publishing it",
    ),
];

/// The users of the test organisation, one per role, and nobody.
const USERS: &[Option<&str>] = &[
    None,
    Some("admin"),
    Some("vanthu"),
    Some("giamdoc"),
    Some("soanthao"),
    Some("baomat"),
];

/// A concrete path: objects that do not exist (so no act can change anything past the door),
/// a real book and year, a real act code and record kind.
fn concrete(path: &str) -> String {
    let kind = if path.contains("/registers/") {
        "outgoing"
    } else if path.contains("/reports/") {
        "annual"
    } else {
        "training"
    };
    path.replace("{id}", &crate::helpers::pid(999999))
        .replace("{kind}", kind)
        .replace("{year}", "2026")
        .replace("{code}", "propose")
        .replace("{format}", "json")
        .replace("{act}", "wipe")
}

const DOOR: &str = "Chức năng này dành cho vai trò";
/// Any refusal by role, the door's or a service's ("… dành cho vai trò: …").
const ROLE_REFUSAL: &str = "dành cho vai trò";

#[tokio::test]
async fn every_route_for_every_role() {
    let app = TestApp::spawn();
    let routes: Vec<RouteAccess> = table::<DbStore>();
    assert!(routes.len() > 100, "pages and API: {}", routes.len());
    let mut seen = std::collections::BTreeSet::new();
    for r in &routes {
        let key = (r.method.as_str().to_string(), r.path.clone());
        assert!(
            seen.insert(key),
            "route registered twice: {} {}",
            r.method,
            r.path
        );
        let listed_public = PUBLIC
            .iter()
            .any(|(m, p)| *m == r.method.as_str() && *p == r.path);
        let listed_open = SIGNED_IN
            .iter()
            .any(|(m, p, _)| *m == r.method.as_str() && *p == r.path);
        match r.access {
            Access::Public => assert!(
                listed_public,
                "{} {} is public but not in PUBLIC: decide who may reach it",
                r.method, r.path
            ),
            Access::SignedIn => assert!(
                listed_open,
                "{} {} is open to every signed-in user but not in SIGNED_IN: restrict it to a \
                 role set of bmnn_core::access, or list it with the reason",
                r.method, r.path
            ),
            Access::Roles(set) => {
                assert!(!set.is_empty(), "{} {}: empty role set", r.method, r.path);
                assert!(
                    !listed_public && !listed_open,
                    "{} {} is listed as open but restricted to roles",
                    r.method,
                    r.path
                );
            }
        }
    }
    // Every listed decision still names a route (no stale rows).
    for (m, p) in PUBLIC {
        assert!(
            routes
                .iter()
                .any(|r| r.method.as_str() == *m && r.path == *p),
            "stale PUBLIC row {m} {p}"
        );
    }
    for (m, p, _) in SIGNED_IN {
        assert!(
            routes
                .iter()
                .any(|r| r.method.as_str() == *m && r.path == *p),
            "stale SIGNED_IN row {m} {p}"
        );
    }

    let mut checked = 0;
    for r in &routes {
        let path = concrete(&r.path);
        let api = r.path.starts_with("/api/");
        for user in USERS {
            let (status, location, body) = if api {
                let mut req = Request::builder().method(r.method.clone()).uri(&path);
                if let Some(u) = user {
                    req = req.header(header::AUTHORIZATION, format!("Bearer {}", app.login_as(u)));
                }
                let req = if r.method == Method::GET {
                    req.body(Body::empty())
                } else {
                    req.header(header::CONTENT_TYPE, "application/json")
                        .body(Body::from("{}"))
                }
                .expect("request");
                let p = crate::ui_client::send(&app.router, req).await;
                (p.status, p.location.clone(), p.text())
            } else {
                match user {
                    Some(u) => {
                        // A fresh session each time: logging out must not spoil the next row.
                        let c = Client::session(&app, u);
                        let p = if r.method == Method::GET {
                            c.get(&path).await
                        } else {
                            c.post(&path, &[], true).await
                        };
                        (p.status, p.location.clone(), p.text())
                    }
                    None => {
                        let req = Request::builder()
                            .method(r.method.clone())
                            .uri(&path)
                            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                            .body(Body::empty())
                            .expect("request");
                        let p = crate::ui_client::send(&app.router, req).await;
                        (p.status, p.location.clone(), p.text())
                    }
                }
            };
            let who = user.unwrap_or("(nobody)");
            let at = format!(
                "{} {} as {who}: {status} {}",
                r.method,
                path,
                body.chars().take(160).collect::<String>()
            );
            assert!(!status.is_server_error(), "{at}");
            let turned_away = |status: StatusCode, location: &str| {
                if api {
                    status == StatusCode::UNAUTHORIZED
                } else {
                    location.starts_with("/login") || status == StatusCode::FORBIDDEN
                }
            };
            match (r.access, user) {
                (Access::Public, _) => {}
                (_, None) => assert!(turned_away(status, &location), "nobody let in: {at}"),
                (Access::SignedIn, Some(_)) => {
                    assert_ne!(status, StatusCode::UNAUTHORIZED, "{at}");
                    // Logging out ends on the login page by design.
                    if !r.path.starts_with("/logout") {
                        assert!(!location.starts_with("/login"), "{at}");
                    }
                    assert!(!body.contains(DOOR), "{at}");
                }
                (Access::Roles(set), Some(u)) => {
                    let roles = &app
                        .svc
                        .org(&bmnn_web::ctx_for(app.user("admin")))
                        .expect("org")
                        .users
                        .into_iter()
                        .find(|x| x.username == *u)
                        .expect("user")
                        .roles;
                    let allowed = set.iter().any(|r| roles.contains(r));
                    if allowed {
                        assert_ne!(status, StatusCode::UNAUTHORIZED, "{at}");
                        // Past the door, the service must not refuse the role either: the
                        // door's set is the service's set, not a wider one.
                        assert!(
                            !body.contains(ROLE_REFUSAL),
                            "door and service disagree: {at}"
                        );
                        assert_ne!(status, StatusCode::FORBIDDEN, "allowed role refused: {at}");
                    } else {
                        assert_eq!(status, StatusCode::FORBIDDEN, "refused at the door: {at}");
                        assert!(body.contains(DOOR), "the door's refusal: {at}");
                    }
                }
            }
            checked += 1;
        }
    }
    assert_eq!(checked, routes.len() * USERS.len());
}

#[tokio::test]
async fn a_refusal_at_the_door_writes_nothing() {
    let app = TestApp::spawn();
    let c = Client::session(&app, "soanthao");
    let before = app.audit_count();
    // The drafter posts a valid new unit (admin only) and a valid programme record.
    let a = app
        .post_json(
            "/api/v1/units",
            "soanthao",
            serde_json::json!({"name": "Phòng mới"}),
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(a.body["error"]["code"], "forbidden");
    let p = c.post("/admin/units", &[("name", "Phòng mới")], true).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert!(p.text().contains(DOOR));
    assert_eq!(app.audit_count(), before);
    let org = app
        .svc
        .org(&bmnn_web::ctx_for(app.user("admin")))
        .expect("org");
    assert!(!org.units.iter().any(|u| u.name == "Phòng mới"));
}
