//! Login throttling (làm chậm đăng nhập sai): growing delays per account name AND per client
//! address, instead of locking an account (a stranger could otherwise lock anyone out by
//! mistyping their name five times).
//!
//! After a few free failures, each further failure doubles the wait before the next attempt is
//! even looked at, up to a cap; an attempt during the wait is answered "try again in N seconds"
//! without checking the password (so it costs the guesser time and tells nothing). Once the
//! wait is over, the right password logs in as usual and clears the account's count. The
//! account key is the name as typed (folded), whether or not such a user exists, so known and
//! unknown names get the same answers. In memory: a restart forgets it. The clock is passed
//! in, so the arithmetic is tested without waiting.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures allowed before delays start, per account name and per address (an office behind
/// one address shares it).
const FREE_ACCOUNT: u32 = 3;
const FREE_ADDRESS: u32 = 10;
/// First delay, and the cap.
const BASE: Duration = Duration::from_secs(1);
const CAP: Duration = Duration::from_secs(5 * 60);
/// A key with no failure for this long starts afresh.
const FORGET: Duration = Duration::from_secs(60 * 60);
/// Above this many keys, forgotten ones are pruned.
const PRUNE_AT: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Account(String),
    Address(IpAddr),
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last: Instant,
}

/// The failure counts of account names and client addresses.
#[derive(Debug, Default)]
pub struct LoginThrottle {
    map: Mutex<HashMap<Key, Entry>>,
}

/// The wait after `failures` failures when `free` are allowed: 0, then 1 s, 2 s, 4 s … ≤ cap.
pub fn delay(failures: u32, free: u32) -> Duration {
    if failures < free {
        return Duration::ZERO;
    }
    let exp = (failures - free).min(20);
    (BASE * 2u32.pow(exp)).min(CAP)
}

fn fold(username: &str) -> String {
    username.trim().to_lowercase()
}

impl LoginThrottle {
    pub fn new() -> LoginThrottle {
        LoginThrottle::default()
    }

    fn keys(username: &str, ip: Option<IpAddr>) -> Vec<(Key, u32)> {
        let mut k = vec![(Key::Account(fold(username)), FREE_ACCOUNT)];
        if let Some(ip) = ip {
            k.push((Key::Address(ip), FREE_ADDRESS));
        }
        k
    }

    /// How long the caller must still wait before an attempt for `username` from `ip` is
    /// checked (None: check it now).
    pub fn wait(&self, username: &str, ip: Option<IpAddr>, now: Instant) -> Option<Duration> {
        let map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        Self::keys(username, ip)
            .into_iter()
            .filter_map(|(k, free)| {
                let e = map.get(&k)?;
                if now.saturating_duration_since(e.last) >= FORGET {
                    return None;
                }
                let d = delay(e.failures, free);
                let until = e.last + d;
                (!d.is_zero() && until > now).then(|| until - now)
            })
            .max()
    }

    /// Counts a failed attempt against the name and the address.
    pub fn failed(&self, username: &str, ip: Option<IpAddr>, now: Instant) {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= PRUNE_AT {
            map.retain(|_, e| now.saturating_duration_since(e.last) < FORGET);
        }
        for (k, _) in Self::keys(username, ip) {
            let e = map.entry(k).or_insert(Entry {
                failures: 0,
                last: now,
            });
            if now.saturating_duration_since(e.last) >= FORGET {
                e.failures = 0;
            }
            e.failures = e.failures.saturating_add(1);
            e.last = now;
        }
    }

    /// A successful login clears the name's count (the address keeps its own).
    pub fn succeeded(&self, username: &str) {
        let mut map = self.map.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&Key::Account(fold(username)));
    }
}

/// The Vietnamese answer to an attempt made during the wait.
pub fn message(wait: Duration) -> String {
    format!(
        "Đăng nhập sai nhiều lần; hãy chờ {} giây rồi thử lại.",
        wait.as_secs().max(1)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_are_capped() {
        assert_eq!(delay(0, 3), Duration::ZERO);
        assert_eq!(delay(2, 3), Duration::ZERO);
        assert_eq!(delay(3, 3), Duration::from_secs(1));
        assert_eq!(delay(4, 3), Duration::from_secs(2));
        assert_eq!(delay(6, 3), Duration::from_secs(8));
        assert_eq!(delay(40, 3), CAP);
        assert_eq!(delay(u32::MAX, 3), CAP);
    }

    #[test]
    fn an_account_slows_down_and_the_right_password_works_after_the_wait() {
        let t = LoginThrottle::new();
        let t0 = Instant::now();
        let ip: Option<IpAddr> = Some("10.0.0.7".parse().unwrap());
        let other: Option<IpAddr> = Some("10.0.0.8".parse().unwrap());
        for i in 0..3 {
            assert_eq!(t.wait("VanThu", ip, t0), None, "free attempt {i}");
            t.failed("vanthu", ip, t0);
        }
        // The fourth waits 1 s, from any address (the account key), for any spelling.
        assert_eq!(t.wait(" vanthu ", other, t0), Some(Duration::from_secs(1)));
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!(t.wait("vanthu", other, t1), None);
        t.failed("vanthu", other, t1);
        assert_eq!(t.wait("vanthu", ip, t1), Some(Duration::from_secs(2)));
        // Never a lockout: after the wait the attempt is checked, a success clears it.
        let t2 = t1 + Duration::from_secs(2);
        assert_eq!(t.wait("vanthu", ip, t2), None);
        t.succeeded("vanthu");
        assert_eq!(t.wait("vanthu", ip, t2), None);
        // Another name is not slowed by these failures.
        assert_eq!(t.wait("lanhdao", other, t0), None);
    }

    #[test]
    fn unknown_and_known_names_are_treated_alike_and_addresses_count_too() {
        let t = LoginThrottle::new();
        let t0 = Instant::now();
        let ip: Option<IpAddr> = Some("192.168.1.20".parse().unwrap());
        // One address trying many names: slowed once past its free failures.
        for i in 0..10 {
            let name = format!("khong-ton-tai-{i}");
            assert_eq!(t.wait(&name, ip, t0), None);
            t.failed(&name, ip, t0);
        }
        assert_eq!(t.wait("ten-moi", ip, t0), Some(Duration::from_secs(1)));
        // The same name from elsewhere is not slowed by the address.
        assert_eq!(t.wait("ten-moi", None, t0), None);
        // After an hour without failures everything starts afresh.
        let later = t0 + FORGET;
        assert_eq!(t.wait("ten-moi", ip, later), None);
        t.failed("ten-moi", ip, later);
        assert_eq!(t.wait("ten-moi", ip, later), None);
    }
}
