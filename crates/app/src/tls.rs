//! `bmnn tls init`: a local certificate authority and a server certificate for HTTPS on the
//! office LAN (stack.md §5: HTTPS also makes browsers send the Fetch-Metadata headers the CSRF
//! defence uses). Files in `<data>/tls/`: `ca.pem` (install it on the client PCs as a trusted
//! root), `ca.key`, `server.pem`, `server.key` (keys 0600). `serve --tls` serves them with
//! rustls (ring provider) and marks cookies `Secure`.

use anyhow::{Context, Result};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use std::path::{Path, PathBuf};

pub struct TlsFiles {
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

pub fn files(data: &Path) -> TlsFiles {
    let d = data.join("tls");
    TlsFiles {
        ca: d.join("ca.pem"),
        cert: d.join("server.pem"),
        key: d.join("server.key"),
    }
}

fn write_private(p: &Path, text: &str) -> Result<()> {
    std::fs::write(p, text).with_context(|| format!("ghi {}", p.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// Mints the CA and the server certificate for `hosts` (names or IP addresses; localhost and
/// 127.0.0.1 are always included). Refuses to overwrite existing files unless `force`.
pub fn init(data: &Path, hosts: &[String], agency: &str, force: bool) -> Result<TlsFiles> {
    let f = files(data);
    if f.cert.exists() && !force {
        anyhow::bail!(
            "đã có chứng thư tại {}; thêm --force để tạo lại",
            f.cert.display()
        );
    }
    std::fs::create_dir_all(data.join("tls"))?;
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca.distinguished_name
        .push(DnType::CommonName, format!("bmnn CA — {agency}"));
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_key = KeyPair::generate()?;
    let ca_key_pem = ca_key.serialize_pem();
    let issuer = CertifiedIssuer::self_signed(ca, ca_key)?;
    let mut names: Vec<String> = vec!["localhost".into(), "127.0.0.1".into()];
    for h in hosts {
        let h = h.trim();
        if !h.is_empty() && !names.iter().any(|n| n == h) {
            names.push(h.to_string());
        }
    }
    let mut p = CertificateParams::new(names)?;
    p.distinguished_name.push(DnType::CommonName, "bmnn");
    p.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    p.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
    ];
    let key = KeyPair::generate()?;
    let cert = p.signed_by(&key, &issuer)?;
    std::fs::write(&f.ca, issuer.pem())?;
    write_private(&data.join("tls").join("ca.key"), &ca_key_pem)?;
    std::fs::write(&f.cert, format!("{}{}", cert.pem(), issuer.pem()))?;
    write_private(&f.key, &key.serialize_pem())?;
    Ok(f)
}
