//! Test/stand-alone extraction worker: reads requests on stdin, writes framed JSON on stdout.
//!
//! `bmnn-scan-child probe` runs the same worker loop and sandbox with a handler that, instead of
//! extracting, tries what the file names (the sandbox tests): `env:NAME` (is the variable set?),
//! `tcp:ADDR` (connect), `udp` (open a UDP socket), `write:PATH` (create a file), `tmp` (write in
//! the private folder). Each answer is one text unit: `ok` or `denied …`/`absent`.
use bmnn_scan::model::{Extracted, Part, Style, TextUnit};

fn probe(
    _bytes: &[u8],
    what: &str,
    _l: &bmnn_scan::Limits,
) -> Result<Extracted, bmnn_scan::ExtractError> {
    let res: String = if let Some(name) = what.strip_prefix("env:") {
        if std::env::var_os(name).is_some() {
            "present".into()
        } else {
            "absent".into()
        }
    } else if let Some(addr) = what.strip_prefix("tcp:") {
        match std::net::TcpStream::connect(addr) {
            Ok(_) => "ok".into(),
            Err(e) => format!("denied {e}"),
        }
    } else if what == "udp" {
        match std::net::UdpSocket::bind("127.0.0.1:0") {
            Ok(_) => "ok".into(),
            Err(e) => format!("denied {e}"),
        }
    } else if let Some(p) = what.strip_prefix("write:") {
        match std::fs::write(p, b"x") {
            Ok(()) => "ok".into(),
            Err(e) => format!("denied {e}"),
        }
    } else if what == "tmp" {
        let p = std::env::temp_dir().join("probe.txt");
        match std::fs::write(&p, b"x") {
            Ok(()) => "ok".into(),
            Err(e) => format!("denied {e}"),
        }
    } else {
        "unknown".into()
    };
    let mut x = Extracted {
        format: "probe".into(),
        ..Extracted::default()
    };
    x.units.push(TextUnit {
        part: Part::Body,
        page: None,
        index: 0,
        group: 0,
        text: res,
        style: Style::default(),
        source: "probe".into(),
    });
    Ok(x)
}

fn main() {
    let code = if std::env::args().nth(1).as_deref() == Some("probe") {
        bmnn_scan::isolate::worker_main_with(&probe)
    } else {
        bmnn_scan::child_main()
    };
    std::process::exit(code);
}
