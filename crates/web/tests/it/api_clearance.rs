//! Clearance: a user cleared for Mật never sees a Tối mật item — not in the list, not in the
//! count, not by search, not by id (404, like an absent item), not in a register, not among
//! what is due, not among notices.

use crate::helpers::{TestApp, pid};
use serde_json::{Value, json};

fn ids(v: &Value, key: &str) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x[key].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn a_user_cleared_for_mat_never_sees_toi_mat() {
    let app = TestApp::spawn();
    // One item of each level, issued, extended (so notices are owed).
    let mut made = vec![];
    for (level, cat, number) in [
        ("mat", pid(app.org.cat_mat), "21/BC-SKHĐT"),
        ("toi-mat", pid(app.org.cat_toi_mat), "22/KH-SKHĐT"),
    ] {
        let id = app
            .classified_item(
                "2025-03-10",
                json!({"level": level, "catalogue_item_id": cat, "doc_type": format!("Kế hoạch {level}"), "summary": format!("Đầu tư trọng điểm {level}")}),
            )
            .await;
        app.post_json(
            &format!("/api/v1/items/{id}/outgoing"),
            "vanthu",
            json!({"number_symbol": number, "signer": "Nguyễn Văn Giám", "date": "2025-03-11"}),
        )
        .await
        .expect(201);
        app.post_json(
            &format!("/api/v1/items/{id}/extension"),
            "giamdoc",
            json!({"years": 1}),
        )
        .await
        .expect(200);
        made.push(id);
    }
    let (mat, toi_mat) = (made[0].clone(), made[1].clone());

    // The fully cleared clerk sees both (so the checks below are not vacuous).
    let all = app.get("/api/v1/items", "vanthu").await.expect(200);
    assert_eq!(all["total"], 2);
    assert_eq!(
        app.post_json("/api/v1/items/search", "vanthu", json!({"q": "22/KH"}))
            .await
            .expect(200)["total"],
        1
    );
    assert_eq!(
        app.get("/api/v1/registers/outgoing/2025", "vanthu")
            .await
            .expect(200)["total"],
        2
    );
    assert!(
        ids(
            &app.get("/api/v1/notices", "vanthu").await.expect(200),
            "item_id"
        )
        .contains(&toi_mat)
    );
    assert!(
        ids(
            &app.get("/api/v1/due", "vanthu").await.expect(200),
            "item_id"
        )
        .contains(&toi_mat)
    );

    // The clerk cleared for Mật only.
    let u = "vanthu_mat";
    let list = app.get("/api/v1/items?limit=500", u).await.expect(200);
    assert_eq!(list["total"], 1, "the count hides Tối mật too");
    assert_eq!(ids(&list["rows"], "id"), std::slice::from_ref(&mat));
    assert_eq!(
        app.get("/api/v1/items?level=toi-mat", u).await.expect(200)["total"],
        0
    );
    for q in ["22/KH", "ke hoach toi-mat", "trong diem"] {
        let found = app
            .post_json("/api/v1/items/search", u, json!({"q": q}))
            .await
            .expect(200);
        assert!(
            !ids(&found["rows"], "id").contains(&toi_mat),
            "search {q} leaked: {found}"
        );
    }
    app.get(&format!("/api/v1/items/{toi_mat}"), u)
        .await
        .expect_error(404, "not_found");
    let absent = app
        .get("/api/v1/items/987654", u)
        .await
        .expect_error(404, "not_found");
    let hidden = app
        .get(&format!("/api/v1/items/{toi_mat}"), u)
        .await
        .expect_error(404, "not_found");
    assert_eq!(
        absent["error"]["message"], hidden["error"]["message"],
        "hidden looks exactly like absent"
    );
    app.get(&format!("/api/v1/items/{mat}"), u)
        .await
        .expect(200);
    let book = app
        .get("/api/v1/registers/outgoing/2025", u)
        .await
        .expect(200);
    assert_eq!(book["total"], 1);
    assert_eq!(ids(&book["entries"], "item_id"), std::slice::from_ref(&mat));
    assert!(!book.to_string().contains("22/KH-SKHĐT"));
    let notices = app.get("/api/v1/notices", u).await.expect(200);
    assert!(ids(&notices, "item_id").contains(&mat));
    assert!(!ids(&notices, "item_id").contains(&toi_mat));
    let due = app.get("/api/v1/due", u).await.expect(200);
    assert!(
        !ids(&due, "item_id").contains(&toi_mat),
        "due leaked: {due}"
    );
    assert!(!due.to_string().contains("22/KH-SKHĐT"));
    // Acting on it is refused exactly like an absent item.
    app.post_json(
        "/api/v1/requests/copy",
        u,
        json!({"item_id": toi_mat, "form": "chup", "count": 1, "purpose": "x"}),
    )
    .await
    .expect_error(404, "not_found");
    assert!(
        app.get("/api/v1/requests", u)
            .await
            .expect(200)
            .as_array()
            .unwrap()
            .is_empty()
    );
}
