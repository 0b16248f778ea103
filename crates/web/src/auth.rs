//! Passwords (argon2id), random tokens, and token hashing.
//!
//! Only hashes are stored: the PHC string of a password, the SHA-256 of a session cookie or of
//! an API token. Hashing a password costs ~100 ms and runs on the blocking pool.

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};

fn argon() -> Argon2<'static> {
    // OWASP minimum for argon2id: m = 19 MiB, t = 2, p = 1.
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19 * 1024, 2, 1, None).expect("valid params"),
    )
}

/// Minimum password rules, with a Vietnamese reason when refused.
pub fn check_password_strength(p: &str) -> Result<(), String> {
    if p.chars().count() < 10 {
        return Err("Mật khẩu phải có ít nhất 10 ký tự.".into());
    }
    if p.chars().all(|c| c.is_ascii_digit()) {
        return Err("Mật khẩu không được chỉ gồm chữ số.".into());
    }
    Ok(())
}

pub fn hash_password(p: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("OS randomness");
    let h: PasswordHash = argon()
        .hash_password_with_salt(p.as_bytes(), &salt)
        .expect("argon2 hashing");
    h.to_string()
}

pub fn verify_password(p: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => argon().verify_password(p.as_bytes(), &h).is_ok(),
        Err(_) => false,
    }
}

/// A dummy hash to spend the same time on unknown users (no user enumeration by timing).
pub fn dummy_verify(p: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let h = DUMMY.get_or_init(|| hash_password("bmnn-dummy-password"));
    let _ = verify_password(p, h);
}

/// 256 random bits as 64 hex characters.
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).expect("OS randomness");
    bmnn_core::audit::hex(&b)
}

/// SHA-256 (hex) of a token: what the database keeps.
pub fn token_hash(token: &str) -> String {
    bmnn_core::audit::hex(&Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let h = hash_password("mật khẩu đủ dài 123");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("mật khẩu đủ dài 123", &h));
        assert!(!verify_password("sai mật khẩu", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (random_token(), random_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn weak_passwords_are_refused() {
        assert!(check_password_strength("ngắn").is_err());
        assert!(check_password_strength("1234567890").is_err());
        assert!(check_password_strength("đủ-dài-và-tốt").is_ok());
    }
}
