//! Shared test helpers: locating `../shared` through `MM_SHARED_DIR`.
#![allow(dead_code)]

use std::path::PathBuf;

/// `$MM_SHARED_DIR` or `<workspace>/../shared`; `None` (after saying why) when absent.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("MM_SHARED_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    };
    if dir.join("standards/obv3").is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "skipping: shared standards not found at {} (set MM_SHARED_DIR)",
            dir.display()
        );
        None
    }
}

/// The `obv3/examples` directory.
pub fn examples() -> Option<PathBuf> {
    shared_dir().map(|d| d.join("standards/obv3/examples"))
}

pub fn read_json(p: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// The RFC 8032 §7.1 TEST 1 secret key (public test vector; never for production).
pub const RFC8032_SEED: &str = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

pub fn rfc8032_key() -> ed25519_dalek::SigningKey {
    let mut seed = [0u8; 32];
    for (i, b) in seed.iter_mut().enumerate() {
        *b = u8::from_str_radix(&RFC8032_SEED[2 * i..2 * i + 2], 16).unwrap();
    }
    ed25519_dalek::SigningKey::from_bytes(&seed)
}
