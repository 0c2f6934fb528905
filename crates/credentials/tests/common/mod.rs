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

use mm_credentials::badge::{
    Alignment, ApplicationEvidence, BadgeInput, PracticeSummary, Recipient, ReflectionEvidence,
};
use mm_credentials::issuer::{Issuer, SecretKeys};
use std::sync::OnceLock;

/// One RSA key per test binary: generating 2048-bit keys is slow in debug builds.
pub fn secrets() -> SecretKeys {
    static S: OnceLock<(Vec<u8>, rsa::RsaPrivateKey)> = OnceLock::new();
    let (seed, rsa) = S.get_or_init(|| {
        let s = SecretKeys::generate().unwrap();
        (s.ed25519.to_bytes().to_vec(), s.rsa)
    });
    SecretKeys {
        ed25519: ed25519_dalek::SigningKey::from_bytes(&seed.as_slice().try_into().unwrap()),
        rsa: rsa.clone(),
    }
}

pub fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339("2026-11-25T12:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc)
}

/// A fresh issuer in a temp dir (kept alive by the returned guard).
pub fn issuer() -> (tempfile::TempDir, Issuer) {
    let dir = tempfile::tempdir().unwrap();
    let issuer = Issuer::init_with(
        &dir.path().join("issuer"),
        "Micromastery test issuer",
        "https://badges.micromastery.example",
        now(),
        secrets(),
    )
    .unwrap();
    (dir, issuer)
}

pub fn input() -> BadgeInput {
    BadgeInput {
        goal_name: "Pivot tables in five minutes".into(),
        micro_skill: "Summarise a 10k-row sheet with a pivot table".into(),
        description: "Builds a pivot table that answers a stated question from a 10k-row sheet in under five minutes.".into(),
        criteria: "Three timed builds under 5 minutes on unseen sheets; one real report delivered.".into(),
        level: Some(3),
        alignments: vec![Alignment {
            target_url: "http://data.europa.eu/esco/skill/6c9b3d29-5b2c-4f6a-9b1e-2b7c1d1e9f00".into(),
            target_name: "use spreadsheets software".into(),
            framework: Some("ESCO".into()),
            code: None,
        }],
        practice: PracticeSummary {
            sessions: 9,
            minutes: 240,
            first_day: chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
            last_day: chrono::NaiveDate::from_ymd_opt(2026, 10, 28).unwrap(),
        },
        applications: vec![ApplicationEvidence {
            date: chrono::NaiveDate::from_ymd_opt(2026, 10, 20).unwrap(),
            context: "monthly sales review".into(),
            outcome: "report built in 4 minutes; manager adopted it".into(),
            url: Some("https://example.org/evidence/sales-review".into()),
        }],
        reflections: vec![ReflectionEvidence {
            principle: Some("aggregate before you format".into()),
            text: "Deciding the question first halved my build time.".into(),
        }],
        recipient: Recipient::Email {
            email: "ada@example.org".into(),
            salt: "0011223344556677".into(),
        },
        issued_at: now(),
    }
}
