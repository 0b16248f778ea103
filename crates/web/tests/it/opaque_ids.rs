//! No oracles in identifiers (issue 10): ids in pages and API answers are opaque tokens, not
//! numbers; consecutive objects get tokens that reveal no order or distance; a tampered,
//! foreign or numeric id is answered exactly like a hidden object.

use crate::helpers::{TestApp, id_of, pid, tok};
use crate::ui_client::Client;
use axum::http::StatusCode;
use bmnn_web::pubid;
use serde_json::{Value, json};

/// Every value of an id field in `v` (by the names the API uses for ids).
fn id_values(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if pubid::is_id_key(k) {
                    match x {
                        Value::Array(a) => out.extend(a.iter().cloned()),
                        Value::Null | Value::Object(_) | Value::Bool(_) => {}
                        other => out.push(other.clone()),
                    }
                }
                id_values(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| id_values(x, out)),
        _ => {}
    }
}

fn is_token(v: &Value) -> bool {
    v.as_str().is_some_and(|s| {
        s.len() == pubid::LEN
            && s.parse::<i64>().is_err()
            && s.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    })
}

/// The token's 65-bit value read as Crockford base32 (to compare neighbours).
fn value_of(t: &str) -> u128 {
    const A: &[u8] = b"0123456789abcdefghjkmnpqrstvwxyz";
    t.bytes().fold(0u128, |acc, c| {
        acc * 32 + A.iter().position(|a| *a == c).expect("alphabet") as u128
    })
}

#[tokio::test]
async fn ids_in_api_answers_are_tokens_that_reveal_no_order() {
    let app = TestApp::spawn();
    // Twenty items proposed in a row.
    let mut made = Vec::new();
    for _ in 0..20 {
        let item = app
            .propose("soanthao", json!({"date": "2026-03-10"}))
            .await
            .expect(201);
        assert!(is_token(&item["id"]), "{item}");
        made.push(tok(&item["id"]));
    }
    // The store's ids are consecutive …
    let internal: Vec<i64> = made.iter().map(|t| id_of(t)).collect();
    assert!(internal.windows(2).all(|w| w[1] == w[0] + 1));
    // … their tokens are neither ordered nor evenly spaced, and share no common prefix.
    let values: Vec<u128> = made.iter().map(|t| value_of(t)).collect();
    assert!(!values.windows(2).all(|w| w[0] < w[1]), "increasing");
    assert!(!values.windows(2).all(|w| w[0] > w[1]), "decreasing");
    let steps: std::collections::HashSet<i128> = values
        .windows(2)
        .map(|w| w[1] as i128 - w[0] as i128)
        .collect();
    assert!(steps.len() > 15, "distances repeat: {steps:?}");
    let first = made[0].as_bytes()[0];
    assert!(made.iter().any(|t| t.as_bytes()[0] != first));

    // Every id field of the answers the clerk reads is a token, never a number.
    let item = &made[3];
    let mut seen = Vec::new();
    for path in [
        "/api/v1/items?limit=500".to_string(),
        format!("/api/v1/items/{item}"),
        "/api/v1/me".to_string(),
        "/api/v1/notices".to_string(),
        "/api/v1/due".to_string(),
        "/api/v1/catalogues".to_string(),
    ] {
        let v = app.get(&path, "giamdoc").await.expect(200);
        if path.starts_with("/api/v1/items?") {
            // Long enough that its ids are rewritten on the blocking pool (answers over 16 KiB,
            // `api::encode_ids`); the others here take the short path.
            let len = serde_json::to_vec(&v).expect("json").len();
            assert!(len > 16 * 1024, "{path}: {len} bytes");
        }
        let mut ids = Vec::new();
        id_values(&v, &mut ids);
        assert!(ids.iter().all(is_token), "{path}: {ids:?}");
        seen.extend(ids);
    }
    assert!(seen.len() > 20, "the check is not vacuous");
    // A request body takes the tokens back.
    let issued = app.classified_item("2026-03-10", json!({})).await;
    let r = app
        .post_json(
            "/api/v1/requests/copy",
            "soanthao",
            json!({"item_id": issued, "form": "chup", "count": 1, "purpose": "x"}),
        )
        .await
        .expect(201);
    assert_eq!(r["item_ids"], json!([issued]));
    assert!(is_token(&r["id"]));
}

#[tokio::test]
async fn a_tampered_foreign_or_numeric_id_is_answered_like_a_hidden_item() {
    let app = TestApp::spawn();
    let open = app.classified_item("2026-03-10", json!({})).await;
    let secret = app
        .classified_item(
            "2026-03-10",
            json!({"level": "toi-mat", "catalogue_item_id": pid(app.org.cat_toi_mat)}),
        )
        .await;
    let u = "vanthu_mat";
    app.get(&format!("/api/v1/items/{open}"), u)
        .await
        .expect(200);
    let hidden = app
        .get(&format!("/api/v1/items/{secret}"), u)
        .await
        .expect_error(404, "not_found");
    // One character changed; the same id under another data key; the internal number; junk.
    let mut tampered = open.clone().into_bytes();
    tampered[7] = if tampered[7] == b'a' { b'b' } else { b'a' };
    let tampered = String::from_utf8(tampered).unwrap();
    let foreign = pubid::Codec::new(&[9u8; 32]).encode(id_of(&open));
    let numeric = id_of(&open).to_string();
    let audit = app.audit_count();
    for bad in [
        tampered.as_str(),
        foreign.as_str(),
        numeric.as_str(),
        "zzzzzzzzzzzzz",
        "abc",
    ] {
        let e = app
            .get(&format!("/api/v1/items/{bad}"), u)
            .await
            .expect_error(404, "not_found");
        assert_eq!(e, hidden, "{bad} answers like the hidden item");
        // The same for a body id (a string): a well-formed one reaches the service and is
        // answered like the hidden item; one without a token's form stops at the boundary.
        if !pubid::Codec::well_formed(bad) {
            app.post_json(
                "/api/v1/requests/copy",
                u,
                json!({"item_id": bad, "form": "chup", "count": 1, "purpose": "x"}),
            )
            .await
            .expect_error(404, "not_found");
            continue;
        }
        let r = app
            .post_json(
                "/api/v1/requests/copy",
                u,
                json!({"item_id": bad, "form": "chup", "count": 1, "purpose": "x"}),
            )
            .await
            .expect_error(404, "not_found");
        let h = app
            .post_json(
                "/api/v1/requests/copy",
                u,
                json!({"item_id": secret, "form": "chup", "count": 1, "purpose": "x"}),
            )
            .await
            .expect_error(404, "not_found");
        assert_eq!(r, h, "{bad} in a body answers like the hidden item");
    }
    // A number in a body is not an id: a type error, whichever number it is.
    for n in [id_of(&open), id_of(&secret), 987_654] {
        let e = app
            .post_json(
                "/api/v1/requests/copy",
                "vanthu",
                json!({"item_id": n, "form": "chup", "count": 1, "purpose": "x"}),
            )
            .await
            .expect_error(400, "invalid_input");
        assert_eq!(e["error"]["field"], "item_id");
    }
    assert_eq!(app.audit_count() - audit, 0, "nothing written");
    // A filter by a hidden or a made-up id finds nothing; one without a token's form is 404.
    for t in [&secret, &tampered, &foreign] {
        let v = app
            .get(&format!("/api/v1/notices?item_id={t}"), u)
            .await
            .expect(200);
        assert_eq!(v, json!([]), "{t}");
    }
    for bad in [numeric.as_str(), "null", "zzzzzzzzzzzzz"] {
        app.get(&format!("/api/v1/notices?item_id={bad}"), u)
            .await
            .expect_error(404, "not_found");
    }

    // Pages: the item page, an act form and an attachment upload answer alike too.
    let c = Client::session(&app, u);
    let hidden_page = c.get(&format!("/items/{secret}")).await;
    assert_eq!(hidden_page.status, StatusCode::NOT_FOUND);
    for bad in [tampered.as_str(), foreign.as_str(), numeric.as_str(), "x"] {
        let p = c.get(&format!("/items/{bad}")).await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{bad}");
        assert_eq!(p.text(), hidden_page.text(), "{bad}");
        let a = c.get(&format!("/acts/extend?item={bad}")).await;
        let h = c.get(&format!("/acts/extend?item={secret}")).await;
        assert_eq!((a.status, a.text()), (h.status, h.text()), "{bad}");
    }
}

#[tokio::test]
async fn pages_link_with_tokens_only() {
    let app = TestApp::spawn();
    let item = app.classified_item("2026-03-10", json!({})).await;
    let c = Client::session(&app, "giamdoc");
    let page = c.get(&format!("/items/{item}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let mut html = page.text();
    for p in [
        "/",
        "/approvals",
        "/notices",
        "/admin",
        "/registers/outgoing/2026",
    ] {
        html.push_str(&c.get(p).await.text());
    }
    let list = c
        .post("/items", &[("q", ""), ("level", "")], true)
        .await
        .text();
    assert!(
        list.contains(&format!("/items/{item}")),
        "the list links the token"
    );
    html.push_str(&list);
    // No link, form action or query carries a number where an id goes.
    for marker in [
        "/items/",
        "?item=",
        "?request=",
        "?entry=",
        "?notice=",
        "/attachments/",
        "/admin/users/",
        "/admin/delegations/",
    ] {
        for (at, _) in html.match_indices(marker) {
            let run: String = html[at + marker.len()..]
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            assert!(
                run.is_empty() || (run.len() == pubid::LEN && run.parse::<u64>().is_err()),
                "not a token after {marker}: {run}"
            );
        }
    }
}

#[tokio::test]
async fn the_openapi_document_states_ids_as_patterned_strings() {
    let app = TestApp::spawn();
    let doc = app.get("/api/v1/openapi.json", "vanthu").await.expect(200);
    let p = &doc["paths"]["/items/{id}"]["get"]["parameters"][0];
    assert_eq!(p["name"], "id");
    assert_eq!(p["schema"]["type"], "string");
    assert_eq!(p["schema"]["pattern"], pubid::PATTERN);
    let item = &doc["components"]["schemas"]["SecretItem"]["properties"];
    assert_eq!(item["id"]["type"], "string", "{item}");
    let re = regex_lite::Regex::new(pubid::PATTERN).unwrap();
    let t = app.classified_item("2026-03-10", json!({})).await;
    assert!(re.is_match(&t), "{t}");
    // No integer id field is left anywhere in the document.
    fn walk(v: &Value, path: &str, bad: &mut Vec<String>) {
        if let Value::Object(m) = v {
            if let Some(Value::Object(props)) = m.get("properties") {
                for (k, s) in props {
                    let t = s.get("type").cloned().unwrap_or(Value::Null);
                    let items_t = s["items"].get("type").cloned().unwrap_or(Value::Null);
                    let int = |t: &Value| {
                        t == "integer"
                            || t.as_array().is_some_and(|a| a.contains(&json!("integer")))
                    };
                    if pubid::is_id_key(k) && (int(&t) || int(&items_t)) {
                        bad.push(format!("{path}.{k}"));
                    }
                }
            }
            for (k, x) in m {
                walk(x, &format!("{path}.{k}"), bad);
            }
        } else if let Value::Array(a) = v {
            a.iter().for_each(|x| walk(x, path, bad));
        }
    }
    let mut bad = Vec::new();
    walk(&doc, "", &mut bad);
    assert!(bad.is_empty(), "integer ids left: {bad:?}");
}
