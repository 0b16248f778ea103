//! Per-address rate limits (giới hạn tần suất) on the requests worth guessing or flooding: the
//! login and first-run forms (password guessing from one machine, on top of the per-account
//! lockout kept in the database) and the scanner uploads (each one costs an extraction).
//!
//! A token bucket per (class, client IP): `burst` requests at once, refilled at `per_minute`.
//! In memory, so a restart forgets it; the account lockout is what survives restarts. The
//! clock is passed in, so the arithmetic is tested without waiting. `tower_governor` (named in
//! the stack notes) would do the same with one layer and config per class; this is 100 lines
//! we can test with a fake clock and that answers in our Vietnamese / JSON error shapes.
//!
//! The client address comes from the connection (`ConnectInfo`), never from a header a client
//! can forge (`X-Forwarded-For`); without connection info (in-process tests) all requests
//! share one bucket per class (tests set `MockConnectInfo`).

use axum::extract::connect_info::MockConnectInfo;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A bucket's size and refill rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rate {
    /// Requests allowed at once.
    pub burst: u32,
    /// Requests allowed per minute, sustained.
    pub per_minute: u32,
}

/// What a limited request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// Đăng nhập, khởi tạo: `POST /login`, `POST /setup`, `POST /api/v1/tokens`.
    Login,
    /// Kiểm tra tệp trước khi đăng tải: `POST /scan`, `POST /api/v1/scan`.
    Scan,
}

impl Class {
    /// The class of a request, if it is limited.
    pub fn of(method: &Method, path: &str) -> Option<Class> {
        if method != Method::POST {
            return None;
        }
        match path {
            "/login" | "/setup" | "/api/v1/tokens" => Some(Class::Login),
            "/scan" | "/api/v1/scan" => Some(Class::Scan),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// The buckets of every client address.
#[derive(Debug)]
pub struct Limiter {
    login: Rate,
    scan: Rate,
    buckets: Mutex<HashMap<(Class, IpAddr), Bucket>>,
    /// Growing delays after failed logins, per account name and per address.
    pub logins: crate::throttle::LoginThrottle,
}

/// The client address of a request, from the connection (None in tests without one).
pub fn client_ip(ext: &axum::http::Extensions) -> Option<IpAddr> {
    ext.get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
        .or_else(|| ext.get::<MockConnectInfo<SocketAddr>>().map(|m| m.0))
        .map(|a| a.ip())
}

/// Extractor of [`client_ip`].
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(&parts.extensions)))
    }
}

/// Above this many addresses, full buckets are forgotten (they hold no information).
const PRUNE_AT: usize = 10_000;

impl Limiter {
    pub fn new(login: Rate, scan: Rate) -> Limiter {
        Limiter {
            login,
            scan,
            buckets: Mutex::new(HashMap::new()),
            logins: crate::throttle::LoginThrottle::new(),
        }
    }

    fn rate(&self, c: Class) -> Rate {
        match c {
            Class::Login => self.login,
            Class::Scan => self.scan,
        }
    }

    /// Takes one token for `ip`, or says how long until one is available.
    pub fn check(&self, class: Class, ip: IpAddr, now: Instant) -> Result<(), Duration> {
        let rate = self.rate(class);
        let burst = f64::from(rate.burst.max(1));
        let per_sec = f64::from(rate.per_minute.max(1)) / 60.0;
        let mut map = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= PRUNE_AT {
            map.retain(|(c, _), b| {
                let r = self.rate(*c);
                let refill = now.saturating_duration_since(b.at).as_secs_f64()
                    * f64::from(r.per_minute.max(1))
                    / 60.0;
                b.tokens + refill < f64::from(r.burst.max(1))
            });
        }
        let b = map.entry((class, ip)).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let elapsed = now.saturating_duration_since(b.at).as_secs_f64();
        b.tokens = (b.tokens + elapsed * per_sec).min(burst);
        b.at = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - b.tokens) / per_sec))
        }
    }
}

/// The middleware: limited requests over their rate get 429 with `Retry-After`; under `/api/`
/// the API's JSON error (`rate_limited`), elsewhere a short Vietnamese text.
pub async fn limit(State(l): State<Arc<Limiter>>, req: Request, next: Next) -> Response {
    let Some(class) = Class::of(req.method(), req.uri().path()) else {
        return next.run(req).await;
    };
    let ext = req.extensions();
    let ip = ext
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
        .or_else(|| ext.get::<MockConnectInfo<SocketAddr>>().map(|m| m.0))
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |a| a.ip());
    match l.check(class, ip, Instant::now()) {
        Ok(()) => next.run(req).await,
        Err(wait) => {
            let secs = wait.as_secs().max(1);
            tracing::warn!(%ip, ?class, "rate limited");
            let message = format!(
                "Quá nhiều yêu cầu từ máy này; hãy chờ {secs} giây rồi thử lại. Nếu không phải bạn \
                 gửi, hãy báo cán bộ bảo vệ BMNN."
            );
            let mut resp = if req.uri().path().starts_with("/api/") {
                crate::api::extract::error_response(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    &message,
                    None,
                )
            } else {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                    message,
                )
                    .into_response()
            };
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            resp
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(n: u8) -> IpAddr {
        IpAddr::V4(Ipv4Addr::new(10, 0, 0, n))
    }

    #[test]
    fn a_burst_then_the_sustained_rate_per_address_and_class() {
        let l = Limiter::new(
            Rate {
                burst: 3,
                per_minute: 6,
            },
            Rate {
                burst: 1,
                per_minute: 60,
            },
        );
        let t0 = Instant::now();
        for _ in 0..3 {
            assert_eq!(l.check(Class::Login, ip(1), t0), Ok(()));
        }
        let wait = l.check(Class::Login, ip(1), t0).expect_err("4th at once");
        assert_eq!(wait.as_secs(), 10, "6 a minute: one every 10 s");
        // Another address and another class have their own buckets.
        assert_eq!(l.check(Class::Login, ip(2), t0), Ok(()));
        assert_eq!(l.check(Class::Scan, ip(1), t0), Ok(()));
        assert!(l.check(Class::Scan, ip(1), t0).is_err());
        // Refill: 10 s gives one more, not more.
        let t1 = t0 + Duration::from_secs(10);
        assert_eq!(l.check(Class::Login, ip(1), t1), Ok(()));
        assert!(l.check(Class::Login, ip(1), t1).is_err());
        // A long pause refills to the burst, never beyond.
        let t2 = t1 + Duration::from_secs(3600);
        for _ in 0..3 {
            assert_eq!(l.check(Class::Login, ip(1), t2), Ok(()));
        }
        assert!(l.check(Class::Login, ip(1), t2).is_err());
    }

    #[test]
    fn only_the_guessable_and_costly_posts_are_limited() {
        assert_eq!(Class::of(&Method::POST, "/login"), Some(Class::Login));
        assert_eq!(Class::of(&Method::POST, "/setup"), Some(Class::Login));
        assert_eq!(
            Class::of(&Method::POST, "/api/v1/tokens"),
            Some(Class::Login)
        );
        assert_eq!(Class::of(&Method::POST, "/scan"), Some(Class::Scan));
        assert_eq!(Class::of(&Method::POST, "/api/v1/scan"), Some(Class::Scan));
        assert_eq!(Class::of(&Method::GET, "/login"), None);
        assert_eq!(Class::of(&Method::POST, "/items"), None);
    }

    #[test]
    fn many_addresses_do_not_grow_the_table_without_bound() {
        let l = Limiter::new(
            Rate {
                burst: 2,
                per_minute: 60,
            },
            Rate {
                burst: 2,
                per_minute: 60,
            },
        );
        let t0 = Instant::now();
        for i in 0..(PRUNE_AT as u32 + 5) {
            let a = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + i));
            l.check(Class::Login, a, t0).expect("first request");
        }
        // A minute later every bucket is full again and is forgotten at the next prune.
        l.check(Class::Scan, ip(1), t0 + Duration::from_secs(60))
            .expect("ok");
        let n = l.buckets.lock().expect("lock").len();
        assert!(n < 10, "pruned to the live buckets, got {n}");
    }
}
