//! Secrets handed to people (a cookie, an API token, an invitation link) and
//! what is kept of them: 32 random bytes from the OS, sent as text with a
//! prefix that tells the kinds apart, and kept only as their SHA-256, so a
//! copy of the database gives nobody a way in.

use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

/// A fresh secret: `prefix` then 64 hex digits.
pub(crate) fn fresh(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let mut s = String::with_capacity(prefix.len() + 64);
    s.push_str(prefix);
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// What the database keeps of a secret.
pub(crate) fn hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Whether `secret` has the shape of a secret of kind `prefix` (so a wrong
/// kind or a mistyped one never reaches the database).
pub(crate) fn well_formed(secret: &str, prefix: &str) -> bool {
    secret.strip_prefix(prefix).is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_fresh_well_formed_and_kept_as_hashes() {
        let a = fresh("mmt_");
        let b = fresh("mmt_");
        assert_ne!(a, b);
        assert!(well_formed(&a, "mmt_"));
        assert!(!well_formed(&a, "mms_"));
        assert!(!well_formed("mmt_xyz", "mmt_"));
        assert_eq!(hash(&a).len(), 32);
        assert_ne!(hash(&a), hash(&b));
    }
}
