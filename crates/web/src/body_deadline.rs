//! Request bodies read against a deadline (issue 16 point 2: a slow uploader). A client that
//! sends a body a few bytes per second would otherwise hold its request — and, once the upload
//! is complete, a scan slot — for as long as it likes. Every request body must arrive within
//! [`crate::WebConfig::body_read_secs`] of the request's start; past that, reading it fails with
//! [`BodyTimedOut`], the handler answers 408 in Vietnamese and the connection's task ends. The
//! deadline counts the whole body, not the gaps between chunks, so a trickle of bytes does not
//! keep it alive.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http_body::{Frame, SizeHint};

/// The body did not arrive in time.
#[derive(Debug)]
pub struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("request body not received in time")
    }
}

impl std::error::Error for BodyTimedOut {}

/// The Vietnamese explanation given with the 408.
pub const MESSAGE: &str = "Tải dữ liệu lên quá chậm: máy chủ đã dừng nhận sau thời gian cho phép và không ghi gì. Hãy kiểm tra đường truyền rồi gửi lại.";

/// True when `e` (or an error it wraps) is a [`BodyTimedOut`].
pub fn is_timeout(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if err.is::<BodyTimedOut>() {
            return true;
        }
        cur = err.source();
    }
    false
}

struct DeadlineBody {
    inner: Body,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

impl http_body::Body for DeadlineBody {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.sleep.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(Box::new(BodyTimedOut))));
        }
        Pin::new(&mut self.inner)
            .poll_frame(cx)
            .map_err(axum::BoxError::from)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Middleware: the request's body must be read within `limit`.
pub async fn limit(
    axum::extract::State(limit): axum::extract::State<Duration>,
    req: Request,
    next: Next,
) -> Response {
    let (parts, body) = req.into_parts();
    let body = Body::new(DeadlineBody {
        inner: body,
        sleep: Box::pin(tokio::time::sleep(limit)),
    });
    next.run(Request::from_parts(parts, body)).await
}
