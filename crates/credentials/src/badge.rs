//! Building an `OpenBadgeCredential` for an achieved goal, and issuing it:
//! embedded `eddsa-rdfc-2022` proof, VC-JWTs (EdDSA and RS256), and schema
//! validation (current and strict-2024) before anything is returned.

use crate::Error;
use crate::issuer::Issuer;
use crate::schema::{Schema, validate};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

/// A skill framework entry the achievement aligns to (ESCO, O*NET, …).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Alignment {
    /// URL of the skill (e.g. an ESCO concept URI).
    pub target_url: String,
    /// Its label.
    pub target_name: String,
    /// Framework name, e.g. `ESCO` or `O*NET`.
    pub framework: Option<String>,
    /// Code within the framework, e.g. an O*NET element id.
    pub code: Option<String>,
}

/// Deliberate practice behind the goal.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PracticeSummary {
    /// Number of practice sessions.
    pub sessions: u32,
    /// Focused minutes in total.
    pub minutes: u32,
    /// First and last practice day.
    pub first_day: NaiveDate,
    /// Last practice day.
    pub last_day: NaiveDate,
}

impl PracticeSummary {
    /// Days spanned, counting both ends.
    pub fn span_days(&self) -> i64 {
        (self.last_day - self.first_day).num_days() + 1
    }
}

/// One real use of the skill.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ApplicationEvidence {
    /// When it happened.
    pub date: NaiveDate,
    /// Where / what for.
    pub context: String,
    /// What came of it.
    pub outcome: String,
    /// Link to evidence, if any.
    pub url: Option<String>,
}

/// A reflection, ideally on a principle behind the skill.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ReflectionEvidence {
    /// The principle reflected on, if named.
    pub principle: Option<String>,
    /// The reflection itself.
    pub text: String,
}

/// Who earned it.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
pub enum Recipient {
    /// An email, published only as a salted SHA-256 (OBv3 IdentityObject).
    Email {
        /// The address.
        email: String,
        /// Random salt (hex).
        salt: String,
    },
    /// A DID the person controls.
    Did(String),
}

impl std::fmt::Debug for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Email { .. } => f.write_str("Email([hashed])"),
            Self::Did(d) => f.debug_tuple("Did").field(d).finish(),
        }
    }
}

impl Recipient {
    /// An email recipient with a fresh random salt.
    pub fn email(email: &str) -> Self {
        let salt: [u8; 16] = rand::random();
        Self::Email {
            email: email.trim().to_owned(),
            salt: salt.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }

    /// The OBv3 `identityHash`: `sha256$` + hex(sha256(email + salt)).
    pub fn identity_hash(email: &str, salt: &str) -> String {
        let h = Sha256::digest(format!("{}{salt}", email.trim().to_lowercase()).as_bytes());
        format!(
            "sha256${}",
            h.iter().map(|b| format!("{b:02x}")).collect::<String>()
        )
    }
}

/// Everything a badge says, as plain values (no store types).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BadgeInput {
    /// The goal's title.
    pub goal_name: String,
    /// The micro-skill mastered (the achievement's name).
    pub micro_skill: String,
    /// What the micro-skill is.
    pub description: String,
    /// The goal's done-when criteria (the criteria narrative).
    pub criteria: String,
    /// Target proficiency reached (Dreyfus 1–5), if recorded.
    pub level: Option<u8>,
    /// Skills the achievement aligns to (ESCO first, then O*NET).
    pub alignments: Vec<Alignment>,
    /// Deliberate practice summary.
    pub practice: PracticeSummary,
    /// Real applications.
    pub applications: Vec<ApplicationEvidence>,
    /// Reflections on principles.
    pub reflections: Vec<ReflectionEvidence>,
    /// Who earned it.
    pub recipient: Recipient,
    /// When it is issued.
    pub issued_at: DateTime<Utc>,
}

/// Lowercase ASCII slug for URLs.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The unsigned credential for `input`, issued by `issuer`.
///
/// # Errors
/// [`Error::Invalid`] when required text is empty.
pub fn build(
    input: &BadgeInput,
    issuer: &Issuer,
    credential_id: &str,
    with_status: bool,
) -> Result<Value, Error> {
    for (what, v) in [
        ("micro-skill", &input.micro_skill),
        ("criteria", &input.criteria),
        ("goal name", &input.goal_name),
    ] {
        if v.trim().is_empty() {
            return Err(Error::Invalid(format!(
                "the badge needs a non-empty {what}"
            )));
        }
    }
    let base = input.issuer_base(issuer);
    let alignment: Vec<Value> = input
        .alignments
        .iter()
        .map(|a| {
            let mut v = json!({
                "type": ["Alignment"],
                "targetName": a.target_name,
                "targetUrl": a.target_url,
                "targetType": "ceasn:Competency",
            });
            if let Some(f) = &a.framework {
                v["targetFramework"] = f.clone().into();
            }
            if let Some(c) = &a.code {
                v["targetCode"] = c.clone().into();
            }
            v
        })
        .collect();
    let p = &input.practice;
    let mut evidence = vec![json!({
        "type": ["Evidence"],
        "name": "Deliberate practice",
        "genre": "Practice log",
        "narrative": format!(
            "{} focused practice sessions, {} minutes in total, spread over {} days ({} to {}).",
            p.sessions, p.minutes, p.span_days(), p.first_day, p.last_day
        ),
    })];
    for a in &input.applications {
        let mut v = json!({
            "type": ["Evidence"],
            "name": format!("Applied: {}", a.context),
            "genre": "Application",
            "narrative": format!("On {}, in {}: {}", a.date, a.context, a.outcome),
        });
        if let Some(u) = &a.url {
            v["id"] = u.clone().into();
        }
        evidence.push(v);
    }
    for r in &input.reflections {
        evidence.push(json!({
            "type": ["Evidence"],
            "name": match &r.principle {
                Some(p) => format!("Reflection on the principle: {p}"),
                None => "Reflection".to_owned(),
            },
            "genre": "Reflection",
            "narrative": r.text,
        }));
    }
    let mut subject = json!({
        "type": ["AchievementSubject"],
        "achievement": {
            "id": format!("{base}/achievements/{}", slug(&input.micro_skill)),
            "type": ["Achievement"],
            "achievementType": "MicroCredential",
            "name": input.micro_skill,
            "description": if input.description.trim().is_empty() {
                format!("Mastery of the micro-skill: {}", input.micro_skill)
            } else {
                input.description.clone()
            },
            "criteria": { "narrative": input.criteria },
        },
    });
    if !alignment.is_empty() {
        subject["achievement"]["alignment"] = Value::Array(alignment);
    }
    match &input.recipient {
        Recipient::Did(did) => subject["id"] = did.clone().into(),
        Recipient::Email { email, salt } => {
            subject["identifier"] = json!([{
                "type": "IdentityObject",
                "identityHash": Recipient::identity_hash(email, salt),
                "identityType": "emailAddress",
                "hashed": true,
                "salt": salt,
            }]);
        }
    }
    let mut cred = json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
            "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"
        ],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": issuer.profile(),
        "validFrom": stamp(input.issued_at),
        "awardedDate": stamp(input.issued_at),
        "name": format!("{} - mastered", input.micro_skill),
        "description": format!("Awarded for achieving the goal \"{}\".", input.goal_name),
        "credentialSubject": subject,
        "evidence": evidence,
        "credentialSchema": [{
            "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
            "type": "1EdTechJsonSchemaValidator2019"
        }],
    });
    if with_status {
        cred["credentialStatus"] = json!({
            "id": issuer.record.revocation_list_url(),
            "type": "1EdTechRevocationList",
        });
    }
    Ok(cred)
}

impl BadgeInput {
    fn issuer_base(&self, issuer: &Issuer) -> String {
        issuer.record.url.trim_end_matches('/').to_owned()
    }
}

/// An issued credential in every form we hand out.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Issued {
    /// Credential id (`urn:uuid:…`).
    pub id: String,
    /// The credential with its embedded Data Integrity proof.
    pub credential: Value,
    /// The same credential (with proof) as a VC-JWT signed with EdDSA.
    pub jwt_eddsa: String,
    /// … and with RS256, the OBv3 interoperable minimum.
    pub jwt_rs256: String,
}

/// Builds, signs (Data Integrity, then both JWTs) and schema-checks a badge.
///
/// # Errors
/// [`Error::Invalid`] when the input is incomplete or the result would not
/// satisfy the 1EdTech schemas (nothing is returned in that case).
pub fn issue(input: &BadgeInput, issuer: &Issuer) -> Result<Issued, Error> {
    let id = format!("urn:uuid:{}", uuid::Uuid::new_v4());
    let unsigned = build(input, issuer, &id, true)?;
    let credential = crate::di::sign(
        &unsigned,
        &issuer.secrets.ed25519,
        &issuer.verification_method(),
        &stamp(input.issued_at),
    )?;
    validate(Schema::AchievementCredential, &credential)?;
    validate(Schema::AchievementCredentialStrict2024, &credential)?;
    let current = issuer.record.current();
    let jwt_eddsa = crate::jwt::encode(
        &credential,
        crate::jwt::JwtSigner::Ed25519(&issuer.secrets.ed25519),
        &issuer.record.key_id(current),
    )?;
    let jwt_rs256 = crate::jwt::encode(
        &credential,
        crate::jwt::JwtSigner::Rsa(&issuer.secrets.rsa),
        &issuer.record.rsa_key_id(current),
    )?;
    Ok(Issued {
        id,
        credential,
        jwt_eddsa,
        jwt_rs256,
    })
}
