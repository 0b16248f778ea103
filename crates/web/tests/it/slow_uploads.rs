//! Slow uploaders (issue 16 point 2): a client that sends its body a few bytes at a time on the
//! scan page, the attachment upload and the scan API is cut off once the body deadline
//! (`WebConfig::body_read_secs`) passes, with a Vietnamese 408 and nothing written, while the
//! login page and another user's pages answer at once.
//!
//! Real server (axum on a TCP port), real slow clients (tokio `TcpStream`s paced by a timer inside
//! the client only); the assertions are on the server's answers. The only other timing is an
//! upper bound that turns a hang into a failure.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bmnn_web::WebConfig;
use tokio::net::TcpStream;

use crate::helpers::*;
use crate::ui_client::{Client, router_with};

async fn serve(router: axum::Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serve")
    });
    addr
}

/// The answer to a raw request: status and body text.
struct Raw {
    status: u16,
    text: String,
    /// Body bytes the client had sent when the answer came.
    sent: usize,
    took: Duration,
}

/// Writes all of `buf` (tokio's `try_write` after `writable`: no extra tokio features needed).
async fn write_all(s: &TcpStream, mut buf: &[u8]) -> std::io::Result<()> {
    while !buf.is_empty() {
        s.writable().await?;
        match s.try_write(buf) {
            Ok(n) => buf = &buf[n..],
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Sends `head` at once, then `body` `chunk` bytes per `every` (a timer in the client), until the
/// server answers and closes.
async fn request(
    addr: SocketAddr,
    head: String,
    body: Vec<u8>,
    chunk: usize,
    every: Duration,
) -> Raw {
    let started = Instant::now();
    let s = TcpStream::connect(addr).await.expect("connect");
    write_all(&s, head.as_bytes()).await.expect("head");
    let mut tick = tokio::time::interval(every);
    let mut sent = 0;
    let mut stopped = false;
    let mut answer = Vec::new();
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        tokio::select! {
            r = s.readable() => {
                r.expect("readable");
                match s.try_read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => answer.extend_from_slice(&buf[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                    // A reset after the answer (the server stopped reading the body).
                    Err(_) => break,
                }
            }
            _ = tick.tick(), if sent < body.len() && !stopped => {
                let end = (sent + chunk).min(body.len());
                if write_all(&s, &body[sent..end]).await.is_err() {
                    // The server stopped reading; its answer is already there or follows.
                    stopped = true;
                } else {
                    sent = end;
                }
            }
        }
    }
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    Raw {
        status,
        text,
        sent,
        took: started.elapsed(),
    }
}

fn head(method: &str, path: &str, extra: &str, len: usize) -> String {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: bmnn.test\r\nOrigin: http://bmnn.test\r\nConnection: close\r\n{extra}Content-Length: {len}\r\n\r\n"
    )
}

fn multipart(csrf: &str, field: &str, file_name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut b = format!(
        "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n--XyZ\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: text/plain\r\n\r\n"
    )
    .into_bytes();
    b.extend_from_slice(bytes);
    b.extend_from_slice(b"\r\n--XyZ--\r\n");
    b
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_uploads_are_cut_off_with_408_and_pages_stay_responsive() {
    let app = TestApp::spawn();
    let item = app
        .classified_item("2026-03-10", serde_json::json!({}))
        .await;
    let cfg = WebConfig {
        body_read_secs: 2,
        ..WebConfig::default()
    };
    let addr = serve(router_with(&app, cfg)).await;
    let drafter = Client::session(&app, "soanthao");
    let clerk = Client::session(&app, "vanthu");
    let audit_before = app.audit_count();

    // 4 KB of text at 16 bytes every 100 ms would take 25 s: far past the 2 s deadline.
    let file = "Báo cáo tình hình công tác tháng mười.\n".repeat(100);
    let mut slow = Vec::new();
    for i in 0..6 {
        let body = multipart(
            &drafter.csrf,
            "files",
            &format!("bc-{i}.txt"),
            file.as_bytes(),
        );
        let h = head(
            "POST",
            "/scan",
            &format!(
                "Cookie: {}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n",
                drafter.cookie
            ),
            body.len(),
        );
        slow.push(tokio::spawn(request(
            addr,
            h,
            body,
            16,
            Duration::from_millis(100),
        )));
    }
    {
        let body = multipart(&clerk.csrf, "file", "dinh-kem.txt", file.as_bytes());
        let h = head(
            "POST",
            &format!("/items/{item}/attachments"),
            &format!(
                "Cookie: {}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n",
                clerk.cookie
            ),
            body.len(),
        );
        slow.push(tokio::spawn(request(
            addr,
            h,
            body,
            16,
            Duration::from_millis(100),
        )));
    }
    {
        let json = serde_json::json!({ "file_name": "bc.txt", "content_base64": "QsOhbyBjw6FvLg==".repeat(200) }).to_string();
        let h = head(
            "POST",
            "/api/v1/scan",
            &format!(
                "Authorization: Bearer {}\r\nContent-Type: application/json\r\n",
                app.login_as("soanthao")
            ),
            json.len(),
        );
        slow.push(tokio::spawn(request(
            addr,
            h,
            json.into_bytes(),
            16,
            Duration::from_millis(100),
        )));
    }

    // Meanwhile: the login page and another user's item list answer at once, again and again.
    let mut fast = Vec::new();
    for _ in 0..5 {
        let login = request(
            addr,
            head("GET", "/login", "", 0),
            Vec::new(),
            1,
            Duration::from_millis(1),
        )
        .await;
        assert_eq!(login.status, 200, "{}", login.text);
        let items = request(
            addr,
            head("GET", "/items", &format!("Cookie: {}\r\n", clerk.cookie), 0),
            Vec::new(),
            1,
            Duration::from_millis(1),
        )
        .await;
        assert_eq!(items.status, 200, "{}", items.text);
        fast.push(login.took.max(items.took));
    }

    for (i, h) in slow.into_iter().enumerate() {
        let r = tokio::time::timeout(Duration::from_secs(60), h)
            .await
            .expect("the slow upload is answered")
            .expect("client");
        assert_eq!(r.status, 408, "upload {i}: {}", r.text);
        assert!(
            r.text.contains("Tải dữ liệu lên quá chậm"),
            "upload {i}: a Vietnamese explanation: {}",
            r.text
        );
        assert!(
            r.sent < 4000,
            "upload {i}: cut off before the end ({})",
            r.sent
        );
        assert!(
            r.took < Duration::from_secs(20),
            "upload {i}: answered at the deadline, not at the end of the body ({:?})",
            r.took
        );
    }
    // Nothing written by the cut-off uploads.
    assert_eq!(app.audit_count(), audit_before);
    let slowest = fast.iter().max().expect("fast requests");
    assert!(
        *slowest < Duration::from_secs(2),
        "pages answered while the uploads trickled (slowest {slowest:?})"
    );
    // A normal upload on the same server still works.
    let body = multipart(&drafter.csrf, "files", "bc.txt", b"Bao cao.\n");
    let ok = request(
        addr,
        head(
            "POST",
            "/scan",
            &format!(
                "Cookie: {}\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n",
                drafter.cookie
            ),
            body.len(),
        ),
        body,
        1 << 20,
        Duration::from_millis(1),
    )
    .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
}
