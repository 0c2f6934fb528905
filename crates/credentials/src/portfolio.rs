//! A portfolio of mastered micro-skills as a JSON Resume (schema 1.3.1):
//! `skills[]` with levels and keywords, `certificates[]` linking to each credential.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// One mastered micro-skill and its credential.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PortfolioEntry {
    /// The micro-skill.
    pub micro_skill: String,
    /// Dreyfus level reached (1–5), if recorded.
    pub level: Option<u8>,
    /// Keywords: parent skill, principles, ESCO/O*NET labels.
    pub keywords: Vec<String>,
    /// When the credential was issued.
    pub issued: NaiveDate,
    /// Who issued it.
    pub issuer: String,
    /// Where the credential can be fetched and verified.
    pub credential_url: Option<String>,
}

/// The Dreyfus level name for 1–5.
pub fn level_name(level: Option<u8>) -> &'static str {
    match level {
        Some(1) => "Novice",
        Some(2) => "Advanced beginner",
        Some(3) => "Competent",
        Some(4) => "Proficient",
        Some(5) => "Expert",
        _ => "Mastered",
    }
}

/// The JSON Resume document.
pub fn json_resume(name: Option<&str>, entries: &[PortfolioEntry], now: &str) -> Value {
    let skills: Vec<Value> = entries
        .iter()
        .map(|e| {
            json!({
                "name": e.micro_skill,
                "level": level_name(e.level),
                "keywords": e.keywords,
            })
        })
        .collect();
    let certificates: Vec<Value> = entries
        .iter()
        .map(|e| {
            let mut c = json!({
                "name": format!("{} (Open Badges 3.0 micro-credential)", e.micro_skill),
                "date": e.issued.to_string(),
                "issuer": e.issuer,
            });
            if let Some(u) = &e.credential_url {
                c["url"] = u.clone().into();
            }
            c
        })
        .collect();
    let mut doc = json!({
        "$schema": "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json",
        "skills": skills,
        "certificates": certificates,
        "meta": { "version": "v1.0.0", "lastModified": now },
    });
    if let Some(n) = name {
        doc["basics"] = json!({ "name": n });
    }
    doc
}
