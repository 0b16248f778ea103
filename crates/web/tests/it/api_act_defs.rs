//! Every act of `ActKind` is served and documented from its definition
//! (`bmnn_core::service::act_defs`): a route at its path, its operation id, its door, and a
//! request body whose schema is the one derived from its command.

use crate::helpers::TestApp;
use axum::body::Body;
use axum::http::Request;
use bmnn_core::acts::ActKind;
use bmnn_core::service::{ActDef, ActVisitor};
use bmnn_store::DbStore;
use bmnn_web::access::Access;
use bmnn_web::api::{routes, schema};
use serde_json::Value;

/// What the document says of each act, against its definition.
struct Documented<'a> {
    doc: &'a Value,
    errors: Vec<String>,
}

impl ActVisitor for Documented<'_> {
    type Out = ();
    fn visit<A: ActDef>(&mut self) {
        let (a, api) = (A::KIND, A::api());
        let op = &self.doc["paths"][api.path]["post"];
        if !op.is_object() {
            self.errors
                .push(format!("{}: no POST {}", a.code(), api.path));
            return;
        }
        if op["operationId"] != routes::operation_id(a).as_str() {
            self.errors
                .push(format!("{}: operation id {}", a.code(), op["operationId"]));
        }
        // The command's derived schema as every body is given to the document: no unknown
        // field, no NUL, ids as tokens. The rule codes of `field` are listed from the rules in
        // force (`openapi::enumerate_rule_codes`).
        let mut want = schema::request_body(schema::cmd_body::<A::Cmd>(api.path_id));
        schema::ids_as_tokens(&mut want);
        let mut got = op["requestBody"]["content"]["application/json"]["schema"].clone();
        if matches!(a, ActKind::Propose | ActKind::Adjust) {
            for s in [&mut want, &mut got] {
                s["properties"].as_object_mut().map(|p| p.remove("field"));
            }
        }
        if want != got {
            self.errors.push(format!(
                "{}: body {got:#} is not the command's {want:#}",
                a.code()
            ));
        }
        if let Some(id) = api.path_id
            && got["properties"].get(id).is_some()
        {
            self.errors
                .push(format!("{}: the path's {id} in the body", a.code()));
        }
        let status = if api.creates { "201" } else { "200" };
        if !op["responses"][status]["content"]["application/json"]["schema"].is_object() {
            self.errors
                .push(format!("{}: no {status} answer", a.code()));
        }
    }
}

#[tokio::test]
async fn every_act_has_its_route_and_its_commands_body_in_the_document() {
    let app = TestApp::spawn();
    let req = Request::get("/api/v1/openapi.json")
        .body(Body::empty())
        .unwrap();
    let doc = app.raw(req).await.expect(200);
    let mut check = Documented {
        doc: &doc,
        errors: Vec::new(),
    };
    for a in ActKind::ALL {
        a.visit(&mut check);
    }
    assert!(check.errors.is_empty(), "{}", check.errors.join("\n"));

    // The router's table holds one route per act, with the door its definition names.
    let acts = routes::act_routes::<DbStore>();
    assert_eq!(acts.len(), ActKind::ALL.len());
    for (a, r) in ActKind::ALL.iter().zip(&acts) {
        assert_eq!(r.doc.operation_id, routes::operation_id(*a));
        struct Door;
        impl ActVisitor for Door {
            type Out = Option<&'static [bmnn_core::model::Role]>;
            fn visit<A: ActDef>(&mut self) -> Self::Out {
                A::api().roles
            }
        }
        match (a.visit(&mut Door), &r.access) {
            (Some(roles), Access::Roles(door)) => assert_eq!(roles, *door, "{}", a.code()),
            (None, Access::SignedIn) => {}
            (want, got) => panic!("{}: door {want:?}, route {got:?}", a.code()),
        }
    }
    assert_eq!(
        routes::operation_id(ActKind::TakeOutReturn),
        "takeOutReturn"
    );

    // The check does fail: another act's command is not this act's body.
    let mut other = schema::request_body(schema::cmd_body::<bmnn_core::service::ExtendCmd>(Some(
        "item_id",
    )));
    schema::ids_as_tokens(&mut other);
    let adjust = &doc["paths"]["/items/{id}/adjustment"]["post"]["requestBody"]["content"]["application/json"]
        ["schema"];
    assert_ne!(&other, adjust);
}

/// An act through its generic route: the path's id wins over the body's, and a field the
/// act's command does not hold is refused with nothing written.
#[tokio::test]
async fn an_act_through_its_definition_takes_the_paths_id_and_refuses_unknown_fields() {
    let app = TestApp::spawn();
    let item = app
        .classified_item("2025-05-05", serde_json::json!({}))
        .await;
    let events = |v: &Value| v["events"].as_array().map(Vec::len);
    let before = app
        .get(&format!("/api/v1/items/{item}"), "vanthu")
        .await
        .expect(200);
    // `report` belongs to a take-out's return, not to a recall's return.
    let e = app
        .post_json(
            &format!("/api/v1/items/{item}/recall-return"),
            "vanthu",
            serde_json::json!({"report": "x"}),
        )
        .await
        .expect_error(400, "invalid_input");
    assert_eq!(e["error"]["field"], "report", "{e}");
    let detail = app
        .get(&format!("/api/v1/items/{item}"), "vanthu")
        .await
        .expect(200);
    assert_eq!(events(&detail), events(&before), "nothing written");
    let out = app
        .post_json(
            &format!("/api/v1/items/{item}/outgoing"),
            "vanthu",
            serde_json::json!({"item_id": "0000000000000", "number_symbol": "8/BC", "signer": "Trần Văn Ký"}),
        )
        .await
        .expect(201);
    assert_eq!(out["item"]["id"], item.as_str(), "{out}");
}
