//! `bmnn tls init`: a local certificate authority and a server certificate for HTTPS on the
//! office LAN (stack.md §5: HTTPS also makes browsers send the Fetch-Metadata headers the CSRF
//! defence uses). Files in `<data>/tls/`: `ca.pem` (install it on the client PCs as a trusted
//! root), `ca-name.txt` (its name), `ca.key.sealed`, `server.pem`, `server.key` (keys 0600).
//! `serve --tls` serves them with rustls (ring provider), marks cookies `Secure` and sends HSTS.
//!
//! A CA trusted by every PC of the agency must not be able to vouch for any other site
//! (issue 16 point 5), so:
//! - name constraints: the CA may only sign the agency's hosts (the `--host` names and
//!   addresses, plus localhost and 127.0.0.1); a certificate it signed for any other name is
//!   rejected by browsers;
//! - bounded validity: the CA [`CA_DAYS`] (under 5 years), the server certificate
//!   [`SERVER_DAYS`] (the 397 days browsers accept);
//! - the CA key is sealed with the data key (bmnn-vault envelope), never in clear next to the
//!   server key;
//! - `--force` (a new CA) keeps the old certificate as `ca-cu-<time>.pem` and prints how to
//!   remove the old CA from the PCs that trust it (its name and SHA-256 fingerprint).

use anyhow::{Context, Result, anyhow};
use bmnn_vault::DataKey;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, CidrSubnet, DnType,
    ExtendedKeyUsagePurpose, GeneralSubtree, IsCa, KeyPair, KeyUsagePurpose, NameConstraints,
};
use sha2::{Digest, Sha256};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use time::{Duration, OffsetDateTime};

/// Validity of the local CA: under 5 years.
pub const CA_DAYS: i64 = 5 * 365;
/// Validity of the server certificate: the most browsers accept (397 days).
pub const SERVER_DAYS: i64 = 397;

pub struct TlsFiles {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
    /// The CA key, sealed with the data key.
    pub ca_key: PathBuf,
}

pub fn files(data: &Path) -> TlsFiles {
    let d = data.join("tls");
    TlsFiles {
        ca: d.join("ca.pem"),
        cert: d.join("server.pem"),
        key: d.join("server.key"),
        ca_key: d.join("ca.key.sealed"),
    }
}

fn write_private(p: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(p, bytes).with_context(|| format!("ghi {}", p.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// What [`mint`] makes, in PEM.
pub struct Minted {
    pub ca_pem: String,
    pub ca_key_pem: String,
    pub server_pem: String,
    pub server_key_pem: String,
    /// The CA's name as the PCs show it.
    pub ca_name: String,
}

/// The hosts a certificate names: localhost and 127.0.0.1, then the `--host` values.
fn host_names(hosts: &[String]) -> Vec<String> {
    let mut names: Vec<String> = vec!["localhost".into(), "127.0.0.1".into()];
    for h in hosts {
        let h = h.trim().trim_end_matches('.').to_ascii_lowercase();
        if !h.is_empty() && !names.contains(&h) {
            names.push(h);
        }
    }
    names
}

/// Public suffixes an agency host may not be: a name constraint on one of them would let the
/// CA sign every site under it (`gov.vn` → every government site).
const PUBLIC_SUFFIXES: &[&str] = &[
    "vn",
    "com.vn",
    "net.vn",
    "org.vn",
    "gov.vn",
    "edu.vn",
    "ac.vn",
    "info.vn",
    "name.vn",
    "int.vn",
    "health.vn",
    "biz.vn",
    "pro.vn",
    "com",
    "net",
    "org",
    "gov",
    "edu",
    "int",
    "mil",
    "info",
    "biz",
    "io",
    "co",
    "app",
    "dev",
];

/// Refuses a `--host` that is not one host: a wildcard, an empty label, a public suffix.
fn check_hosts(hosts: &[String]) -> Result<()> {
    for n in host_names(hosts) {
        if n.parse::<IpAddr>().is_ok() {
            continue;
        }
        let bad = n.contains('*')
            || n.split('.')
                .any(|l| l.is_empty() || !l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
            || PUBLIC_SUFFIXES.contains(&n.as_str());
        if bad {
            anyhow::bail!(
                "Tên máy \"{n}\" không phải tên một máy của cơ quan (không nhận ký tự đại diện, \
                 tên miền công cộng như gov.vn hay com, hoặc tên có ký tự lạ): CA chỉ được ký cho \
                 đúng các máy của cơ quan. Hãy ghi tên đầy đủ của máy chủ (ví dụ \
                 bmnn.so.local) hoặc địa chỉ IP; không có gì thay đổi."
            );
        }
    }
    Ok(())
}

/// Mints a CA limited to `names` and a server certificate for them, valid from `now`.
pub fn mint(
    hosts: &[String],
    agency: &str,
    now: OffsetDateTime,
) -> Result<(Minted, CertifiedIssuer<'static, KeyPair>)> {
    check_hosts(hosts)?;
    let names = host_names(hosts);
    let permitted = names
        .iter()
        .map(|n| match n.parse::<IpAddr>() {
            Ok(ip) => GeneralSubtree::IpAddress(CidrSubnet::from_addr_prefix(
                ip,
                if ip.is_ipv4() { 32 } else { 128 },
            )),
            Err(_) => GeneralSubtree::DnsName(n.clone()),
        })
        .collect();
    // Five minutes back for client PCs whose clocks are slightly behind.
    let start = now - Duration::minutes(5);
    // The creation time (Vietnam) in the name tells this CA from an older one on the PCs.
    let vn = now.to_offset(time::UtcOffset::from_hms(7, 0, 0).expect("UTC+7"));
    let ca_name = format!(
        "bmnn CA — {agency} — {:02}/{:02}/{} {:02}:{:02}:{:02}",
        vn.day(),
        u8::from(vn.month()),
        vn.year(),
        vn.hour(),
        vn.minute(),
        vn.second()
    );
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.distinguished_name
        .push(DnType::CommonName, ca_name.clone());
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    ca.name_constraints = Some(NameConstraints {
        permitted_subtrees: permitted,
        excluded_subtrees: vec![],
    });
    ca.not_before = start;
    ca.not_after = now + Duration::days(CA_DAYS);
    let ca_key = KeyPair::generate()?;
    let ca_key_pem = ca_key.serialize_pem();
    let issuer = CertifiedIssuer::self_signed(ca, ca_key)?;
    let mut p = CertificateParams::new(names)?;
    p.distinguished_name.push(DnType::CommonName, "bmnn");
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    p.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    p.not_before = start;
    p.not_after = now + Duration::days(SERVER_DAYS);
    let key = KeyPair::generate()?;
    let cert = p.signed_by(&key, &issuer)?;
    Ok((
        Minted {
            ca_pem: issuer.pem(),
            ca_key_pem,
            server_pem: format!("{}{}", cert.pem(), issuer.pem()),
            server_key_pem: key.serialize_pem(),
            ca_name,
        },
        issuer,
    ))
}

/// SHA-256 fingerprint of the first certificate in `pem_text` (AA:BB:…), as Windows and
/// browsers show it.
pub fn fingerprint(pem_text: &str) -> Option<String> {
    let p = pem::parse(pem_text).ok()?;
    let d = Sha256::digest(p.contents());
    Some(
        d.iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":"),
    )
}

/// How to remove an old CA from the PCs that trust it (printed by `tls init --force`).
fn removal_advice(old_pem: &str, old_name: &str, kept: &Path) -> String {
    let fp = fingerprint(old_pem).unwrap_or_else(|| "(không đọc được)".into());
    format!(
        "QUAN TRỌNG: CA cũ \"{old_name}\" vẫn được tin cậy trên các máy trạm đã cài nó cho đến \
         khi bị gỡ. Chứng thư CA cũ được giữ tại {} (vân tay SHA-256 {fp}). Trên MỖI máy trạm \
         đã cài:\n\
         - Windows: chạy với quyền quản trị: certutil -delstore Root \"{old_name}\"; hoặc mở \
         certlm.msc, mục chứng thư gốc tin cậy (Trusted Root Certification Authorities), xóa \
         chứng thư mang tên trên;\n\
         - Firefox: Cài đặt → Quyền riêng tư & Bảo mật → Xem chứng chỉ → Nhà cung cấp, xóa CA cũ;\n\
         - Linux: xóa tệp CA cũ trong /usr/local/share/ca-certificates rồi chạy \
         update-ca-certificates.\n\
         Sau đó cài CA mới (ca.pem).",
        kept.display()
    )
}

/// Mints the CA and the server certificate for `hosts` (names or IP addresses; localhost and
/// 127.0.0.1 are always included), the CA key sealed with `key`. Refuses to overwrite existing
/// files unless `force`; then prints how to remove the old CA from the PCs.
pub fn init(
    data: &Path,
    hosts: &[String],
    agency: &str,
    force: bool,
    key: &DataKey,
) -> Result<TlsFiles> {
    let f = files(data);
    if f.cert.exists() && !force {
        anyhow::bail!(
            "đã có chứng thư tại {}; thêm --force để tạo lại",
            f.cert.display()
        );
    }
    let dir = data.join("tls");
    std::fs::create_dir_all(&dir)?;
    let now = OffsetDateTime::now_utc();
    check_hosts(hosts)?;
    let (m, _) = mint(hosts, agency, now).map_err(|e| anyhow!("tạo chứng thư: {e}"))?;
    let old = std::fs::read_to_string(&f.ca).ok();
    let name_file = dir.join("ca-name.txt");
    let old_name = std::fs::read_to_string(&name_file)
        .map(|n| n.trim().to_string())
        .unwrap_or_else(|_| "bmnn CA".into());
    let kept = dir.join(format!("ca-cu-{}.pem", now.unix_timestamp()));
    if let Some(old) = &old {
        std::fs::write(&kept, old).with_context(|| format!("ghi {}", kept.display()))?;
    }
    std::fs::write(&f.ca, &m.ca_pem)?;
    std::fs::write(&name_file, format!("{}\n", m.ca_name))?;
    write_private(&f.ca_key, &bmnn_vault::seal(key, m.ca_key_pem.as_bytes()))?;
    std::fs::write(&f.cert, &m.server_pem)?;
    write_private(&f.key, m.server_key_pem.as_bytes())?;
    // The clear CA key of earlier releases.
    let clear = dir.join("ca.key");
    if clear.exists() {
        std::fs::remove_file(&clear).with_context(|| format!("xóa {}", clear.display()))?;
    }
    println!(
        "CA mới \"{}\" (vân tay SHA-256 {}), chỉ được ký cho các máy: {}; hết hạn sau {} ngày, \
         chứng thư máy chủ sau {} ngày.",
        m.ca_name,
        fingerprint(&m.ca_pem).unwrap_or_default(),
        host_names(hosts).join(", "),
        CA_DAYS,
        SERVER_DAYS
    );
    if let Some(old) = &old {
        println!("{}", removal_advice(old, &old_name, &kept));
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The CA signs the agency's hosts only: a certificate it issues for another site fails
    /// verification (OpenSSL, as curl and browsers on Linux check it); validity is bounded.
    #[test]
    fn hosts_must_be_the_agencys_own() {
        for bad in ["*.so.local", "gov.vn", "com", "VN.", "a..b", "bmnn so"] {
            let e = check_hosts(&[bad.to_string()]).unwrap_err().to_string();
            assert!(e.contains("không phải tên một máy"), "{bad}: {e}");
            assert!(mint(&[bad.to_string()], "x", OffsetDateTime::now_utc()).is_err());
        }
        for good in [
            "bmnn.so.local",
            "bmnn",
            "10.0.0.5",
            "fe80::1",
            "may-chu-1.sotp.gov.vn",
        ] {
            check_hosts(&[good.to_string()]).unwrap();
        }
    }

    #[test]
    fn ca_is_name_constrained_and_short_lived() {
        let now = OffsetDateTime::now_utc();
        let (m, issuer) = mint(
            &["bmnn.so-thu.local".into(), "10.0.0.5".into()],
            "Sở Thử",
            now,
        )
        .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let w = |n: &str, t: &str| {
            let p = dir.path().join(n);
            std::fs::write(&p, t).unwrap();
            p
        };
        let ca = w("ca.pem", &m.ca_pem);
        let good = w("good.pem", &m.server_pem);
        let mut p = CertificateParams::new(vec!["www.google.com".to_string()]).unwrap();
        p.not_after = now + Duration::days(30);
        let k = KeyPair::generate().unwrap();
        let evil = w("evil.pem", &p.signed_by(&k, &issuer).unwrap().pem());
        let mut p = CertificateParams::new(vec!["10.9.9.9".to_string()]).unwrap();
        p.not_after = now + Duration::days(30);
        let evil_ip = w("evil-ip.pem", &p.signed_by(&k, &issuer).unwrap().pem());
        let verify = |c: &Path| {
            std::process::Command::new("openssl")
                .arg("verify")
                .arg("-CAfile")
                .arg(&ca)
                .arg(c)
                .output()
        };
        let Ok(o) = verify(&good) else {
            eprintln!("openssl not installed: name constraints not checked");
            return;
        };
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
        for c in [&evil, &evil_ip] {
            let o = verify(c).unwrap();
            assert!(!o.status.success(), "{} accepted", c.display());
            let t = String::from_utf8_lossy(&o.stdout).to_string()
                + &String::from_utf8_lossy(&o.stderr);
            assert!(t.contains("subtree violation"), "{t}");
        }
        // Validity: the CA ends within 5 years (not after), the server within 397 days.
        let ends_within = |c: &Path, days: i64| {
            !std::process::Command::new("openssl")
                .args([
                    "x509",
                    "-noout",
                    "-checkend",
                    &(days * 86400).to_string(),
                    "-in",
                ])
                .arg(c)
                .output()
                .unwrap()
                .status
                .success()
        };
        assert!(ends_within(&ca, 5 * 365 + 2) && !ends_within(&ca, 4 * 365));
        assert!(ends_within(&good, 398) && !ends_within(&good, 390));
        assert!(m.ca_name.contains("Sở Thử"));
    }
}
