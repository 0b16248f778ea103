//! A bounded HTTP/1.1 load generator for `scripts/bench-web` (loopback only).
//!
//! `loadgen ADDR SECONDS CLIENTS COOKIE CSRF TARGET...` where TARGET is `GET:/path` or
//! `POST:/path:form-body`. Each client is a thread with one keep-alive connection that cycles
//! through the targets until the time is up; prints one JSON line per target with the count,
//! requests per second and latency percentiles (ms). Non-2xx answers are counted as errors.
//! With `LOADGEN_BEARER` set, requests also carry `Authorization: Bearer …` (the JSON API).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

struct Target {
    method: String,
    path: String,
    body: String,
}

fn request(addr: &str, cookie: &str, csrf: &str, t: &Target) -> String {
    let mut r = format!(
        "{} {} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\nOrigin: http://{addr}\r\nConnection: keep-alive\r\n",
        t.method, t.path
    );
    if let Ok(token) = std::env::var("LOADGEN_BEARER") {
        r.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    if t.method == "POST" {
        r.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            t.body.len()
        ));
    }
    r.push_str("\r\n");
    r.push_str(&t.body);
    r
}

/// Reads one response; returns the status code.
fn read_response(rd: &mut BufReader<TcpStream>) -> std::io::Result<u16> {
    let mut line = String::new();
    rd.read_line(&mut line)?;
    let status: u16 = line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut len = 0usize;
    let mut chunked = false;
    loop {
        line.clear();
        rd.read_line(&mut line)?;
        let l = line.trim_end();
        if l.is_empty() {
            break;
        }
        let lower = l.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            len = v.trim().parse().unwrap_or(0);
        }
        if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            chunked = true;
        }
    }
    if chunked {
        loop {
            line.clear();
            rd.read_line(&mut line)?;
            let n = usize::from_str_radix(line.trim(), 16).unwrap_or(0);
            let mut buf = vec![0u8; n + 2];
            rd.read_exact(&mut buf)?;
            if n == 0 {
                break;
            }
        }
    } else {
        let mut buf = vec![0u8; len];
        rd.read_exact(&mut buf)?;
    }
    Ok(status)
}

fn pct(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let i = ((p / 100.0) * (v.len() as f64 - 1.0)).round() as usize;
    v[i]
}

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() < 7 {
        eprintln!("usage: loadgen ADDR SECONDS CLIENTS COOKIE CSRF TARGET...");
        std::process::exit(2);
    }
    let addr = a[1].clone();
    let secs: u64 = a[2].parse().expect("seconds");
    let clients: usize = a[3].parse().expect("clients");
    let (cookie, csrf) = (a[4].clone(), a[5].clone());
    let targets: Vec<Target> = a[6..]
        .iter()
        .map(|s| {
            let mut p = s.splitn(3, ':');
            Target {
                method: p.next().expect("method").to_string(),
                path: p.next().expect("path").to_string(),
                body: p.next().unwrap_or("").to_string(),
            }
        })
        .collect();
    let deadline = Instant::now() + Duration::from_secs(secs.min(600));
    let start = Instant::now();
    let handles: Vec<_> = (0..clients)
        .map(|c| {
            let (addr, cookie, csrf) = (addr.clone(), cookie.clone(), csrf.clone());
            let reqs: Vec<String> = targets
                .iter()
                .map(|t| request(&addr, &cookie, &csrf, t))
                .collect();
            std::thread::spawn(move || {
                let mut lat: Vec<Vec<f64>> = vec![Vec::new(); reqs.len()];
                let mut errors = vec![0u64; reqs.len()];
                let s = TcpStream::connect(&addr).expect("connect");
                s.set_nodelay(true).ok();
                let mut w = s.try_clone().expect("clone");
                let mut rd = BufReader::new(s);
                let mut i = c % reqs.len();
                while Instant::now() < deadline {
                    let t0 = Instant::now();
                    w.write_all(reqs[i].as_bytes()).expect("write");
                    let st = read_response(&mut rd).expect("read");
                    lat[i].push(t0.elapsed().as_secs_f64() * 1000.0);
                    if !(200..300).contains(&st) {
                        errors[i] += 1;
                    }
                    i = (i + 1) % reqs.len();
                }
                (lat, errors)
            })
        })
        .collect();
    let mut all: Vec<Vec<f64>> = vec![Vec::new(); targets.len()];
    let mut errs = vec![0u64; targets.len()];
    for h in handles {
        let (lat, e) = h.join().expect("client");
        for (i, l) in lat.into_iter().enumerate() {
            all[i].extend(l);
            errs[i] += e[i];
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    for (i, t) in targets.iter().enumerate() {
        let n = all[i].len();
        let v = &mut all[i];
        println!(
            "{{\"target\":\"{} {}\",\"requests\":{n},\"errors\":{},\"rps\":{:.1},\"p50_ms\":{:.2},\"p95_ms\":{:.2},\"p99_ms\":{:.2}}}",
            t.method,
            t.path,
            errs[i],
            n as f64 / elapsed,
            pct(v, 50.0),
            pct(v, 95.0),
            pct(v, 99.0)
        );
    }
}
