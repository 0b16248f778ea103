//! Attachments through the page: multipart upload with the CSRF token, stored encrypted
//! (versioned header, authenticated, bound to the item), opened only by a recorded POST.

use crate::helpers::TestApp;
use crate::ui_client::{Client, send};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use bmnn_core::model::ReadScope;
use bmnn_core::ports::Store;

fn multipart(csrf: Option<&str>, content: &str) -> String {
    let mut b = String::new();
    if let Some(t) = csrf {
        b.push_str(&format!(
            "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{t}\r\n"
        ));
    }
    b.push_str(&format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"báo cáo.txt\"\r\nContent-Type: text/plain\r\n\r\n{content}\r\n--XyZ--\r\n"
    ));
    b
}

#[tokio::test]
async fn upload_is_encrypted_and_every_view_is_recorded() {
    let app = TestApp::spawn();
    let item = app
        .classified_item("2026-03-10", serde_json::json!({}))
        .await;
    let clerk = Client::session(&app, "vanthu");
    let plain = "Nội dung tài liệu mật dùng để thử";
    let upload = |csrf: Option<String>| {
        Request::post(format!("/items/{item}/attachments"))
            .header(header::COOKIE, &clerk.cookie)
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XyZ")
            .body(Body::from(multipart(csrf.as_deref(), plain)))
            .expect("request")
    };
    let before = app.audit_count();
    assert_eq!(
        send(&clerk.router, upload(None)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        send(&clerk.router, upload(Some("0".repeat(64))))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.audit_count(), before, "refused uploads wrote nothing");
    let ok = send(&clerk.router, upload(Some(clerk.csrf.clone()))).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
    assert_eq!(ok.location, format!("/items/{item}?ok=uploaded"));

    let metas = app
        .svc
        .store
        .read(|tx| tx.list_attachments(&ReadScope::system(), crate::helpers::id_of(&item)))
        .expect("list");
    assert_eq!(metas.len(), 1);
    let (meta, blob) = app
        .svc
        .store
        .read(|tx| tx.get_attachment(&ReadScope::system(), metas[0].id))
        .expect("get")
        .expect("stored");
    assert_eq!(meta.file_name, "báo cáo.txt");
    assert_eq!(&blob[..8], b"BMNNATT\x01", "versioned header");
    assert!(
        !String::from_utf8_lossy(&blob).contains("Nội dung"),
        "ciphertext at rest"
    );

    let page = clerk.get(&format!("/items/{item}")).await.text();
    assert!(page.contains("báo cáo.txt"));
    let before = app.audit_count();
    let view = clerk
        .post(
            &format!("/attachments/{}/view", crate::helpers::pid(meta.id)),
            &[],
            true,
        )
        .await;
    assert_eq!(view.status, StatusCode::OK);
    assert_eq!(String::from_utf8(view.bytes.clone()).expect("utf8"), plain);
    assert_eq!(app.audit_count(), before + 1, "the view is recorded");
    // Viewing is never a GET.
    let get = clerk
        .get(&format!(
            "/attachments/{}/view",
            crate::helpers::pid(meta.id)
        ))
        .await;
    assert_eq!(get.status, StatusCode::METHOD_NOT_ALLOWED);
}

/// A file from which no text can be extracted is stored, but the page says that the scanner will
/// not recognise copies of it (issue 16 point 1); a file with text says nothing of the kind.
#[tokio::test]
async fn an_upload_without_extractable_text_warns_that_copies_will_not_be_recognised() {
    let app = TestApp::spawn();
    let item = app
        .classified_item("2026-03-10", serde_json::json!({}))
        .await;
    let clerk = Client::session(&app, "vanthu");
    let upload = |content: &str| {
        Request::post(format!("/items/{item}/attachments"))
            .header(header::COOKIE, &clerk.cookie)
            .header(header::CONTENT_TYPE, "multipart/form-data; boundary=XyZ")
            .body(Body::from(multipart(Some(&clerk.csrf), content)))
            .expect("request")
    };
    let empty = send(&clerk.router, upload("   \t  ")).await;
    assert_eq!(empty.status, StatusCode::SEE_OTHER, "{}", empty.text());
    assert_eq!(empty.location, format!("/items/{item}?ok=uploaded_unread"));
    let page = clerk.get(&empty.location).await.text();
    assert!(
        page.contains("không trích xuất được văn bản nào từ tệp"),
        "{page}"
    );
    let full = send(&clerk.router, upload("Nội dung tài liệu mật dùng để thử")).await;
    assert_eq!(full.location, format!("/items/{item}?ok=uploaded"));
    let page = clerk.get(&full.location).await.text();
    assert!(!page.contains("không trích xuất được văn bản"));
}
