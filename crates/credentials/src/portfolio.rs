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

/// A CLR 2.0 `ClrCredential` bundling `credentials` (signed badges, as
/// issued), signed by `issuer` with `eddsa-rdfc-2022` and checked against the
/// 1EdTech CLR schema before it is returned. The learner is the first badge's
/// subject (`id` or `identifier`).
///
/// # Errors
/// [`crate::Error::Invalid`] when there is no credential, the badges name
/// different learners, or the result does not satisfy the CLR schema.
pub fn clr(
    issuer: &crate::issuer::Issuer,
    credentials: &[Value],
    learner_name: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Value, crate::Error> {
    use crate::Error;
    let first = credentials
        .first()
        .ok_or_else(|| Error::Invalid("a CLR needs at least one credential".into()))?;
    let who = |c: &Value| {
        let s = &c["credentialSubject"];
        (s.get("id").cloned(), s.get("identifier").cloned())
    };
    let learner = who(first);
    if credentials.iter().any(|c| who(c) != learner) {
        return Err(Error::Invalid(
            "the badges were issued to different learners; a CLR is about one".into(),
        ));
    }
    let mut subject = json!({
        "type": ["ClrSubject"],
        "verifiableCredential": credentials,
        "achievement": credentials
            .iter()
            .filter_map(|c| c.pointer("/credentialSubject/achievement").cloned())
            .collect::<Vec<_>>(),
    });
    match learner {
        (Some(id), _) => subject["id"] = id,
        (None, Some(identifier)) => subject["identifier"] = identifier,
        (None, None) => {
            return Err(Error::Invalid(
                "the badges name no learner (no subject id or identifier)".into(),
            ));
        }
    }
    let stamp = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let unsigned = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
        ],
        "id": format!("urn:uuid:{}", uuid::Uuid::new_v4()),
        "type": ["VerifiableCredential", "ClrCredential"],
        "issuer": issuer.profile(),
        "validFrom": stamp,
        "name": match learner_name {
            Some(n) => format!("{n}: mastered micro-skills"),
            None => "Mastered micro-skills".to_owned(),
        },
        "credentialSubject": subject,
    });
    let signed = crate::di::sign(
        &unsigned,
        &issuer.secrets.ed25519,
        &issuer.verification_method(),
        &stamp,
    )?;
    crate::schema::validate(crate::schema::Schema::ClrCredential, &signed)?;
    Ok(signed)
}
