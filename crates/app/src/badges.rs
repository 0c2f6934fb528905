//! Open Badges 3.0 micro-credentials: the issuer, issuing a badge from an
//! achieved goal's evidence, listing, revoking, verifying and baking. The
//! issuer's keys and the revocation list come from a [`KeyStore`]; the
//! credentials themselves are kept in the journal.

use crate::keys::KeyStore;
use crate::{App, Error, Result};
use chrono::{DateTime, NaiveDate, Utc};
use mm_core::{Evidence, GoalId, GoalState, Reflection, ReflectionTarget};
use mm_credentials::badge::{
    Alignment, ApplicationEvidence, BadgeInput, PracticeSummary, Recipient, ReflectionEvidence,
};
use mm_credentials::issuer::{self, IssuerRecord};
use mm_credentials::status::RevocationList;
use mm_credentials::verify;
use mm_store::StoredCredential;
use serde::Serialize;
use serde_json::Value;

/// Who earned a badge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Earner {
    /// An email: only its salted SHA-256 goes into the badge.
    Email(String),
    /// A DID the earner controls, used as the credential subject id.
    Did(String),
}

/// A badge just issued and recorded in the journal.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct IssuedBadge {
    /// `urn:uuid:…`
    pub id: String,
    pub goal: GoalId,
    pub micro_skill: String,
    /// A file name stem for the badge's files (`badge-<slug>-<uuid8>`).
    pub file_stem: String,
    /// The JSON-LD credential with its embedded proof, as signed.
    #[serde(skip)]
    pub credential: String,
    /// The VC-JWT signed with EdDSA.
    #[serde(skip)]
    pub jwt_eddsa: String,
    /// The VC-JWT signed with RS256.
    #[serde(skip)]
    pub jwt_rs256: String,
}

impl IssuedBadge {
    /// The badge's three forms as `(file extension, text)`.
    pub fn files(&self) -> [(&'static str, &str); 3] {
        [
            ("json", &self.credential),
            ("eddsa.jwt", &self.jwt_eddsa),
            ("rs256.jwt", &self.jwt_rs256),
        ]
    }
}

/// One issued badge in a list.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct BadgeSummary {
    pub id: String,
    pub goal: GoalId,
    pub issued_at: DateTime<Utc>,
    /// The credential's name, when it can be read.
    pub name: Option<String>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revocation_reason: Option<String>,
}

/// A credential id as the person may type it: `urn:uuid:…` or just the uuid.
pub fn full_id(id: &str) -> String {
    let id = id.trim();
    if id.starts_with("urn:uuid:") {
        id.to_owned()
    } else {
        format!("urn:uuid:{id}")
    }
}

/// Create the issuer (a `did:web` from `url`, fresh Ed25519 and RSA keys).
///
/// # Errors
/// [`crate::ErrorKind::Conflict`] when one exists; invalid for a bad URL.
pub async fn create_issuer(
    now: DateTime<Utc>,
    keys: &impl KeyStore,
    name: &str,
    url: &str,
) -> Result<IssuerRecord> {
    Ok(keys.create_issuer(name, url, now).await?.record)
}

/// The issuer's public record.
///
/// # Errors
/// Not found when there is no issuer yet.
pub async fn issuer(keys: &impl KeyStore) -> Result<IssuerRecord> {
    keys.record().await
}

/// New signing keys; returns the new key's DID URL.
///
/// # Errors
/// Not found when there is no issuer yet.
pub async fn rotate_keys(now: DateTime<Utc>, keys: &impl KeyStore) -> Result<String> {
    Ok(keys.rotate_keys(now).await?.verification_method())
}

/// One file the issuer publishes, by its path under the published site.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct PublishedFile {
    pub path: String,
    #[serde(skip)]
    pub text: String,
}

/// Everything the issuer must publish at its URL: the DID document (also at
/// `.well-known/`), the Profile, the JWKS, the revocation list, and the
/// issued credentials of `app`'s journal when one is given (so portfolio
/// links resolve).
///
/// # Errors
/// Not found when there is no issuer; when the journal cannot be read.
pub async fn publication(
    keys: &impl KeyStore,
    app: Option<&App>,
) -> Result<(IssuerRecord, Vec<PublishedFile>)> {
    let record = &keys.record().await?;
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_default();
    let did = pretty(&issuer::did_document(record));
    let mut files = vec![
        ("did.json".to_owned(), did.clone()),
        (".well-known/did.json".to_owned(), did),
        (
            "profile.json".to_owned(),
            pretty(&issuer::profile_document(record)),
        ),
        ("jwks.json".to_owned(), pretty(&issuer::jwks(record)?)),
        (
            "credentials/revocations.json".to_owned(),
            serde_json::to_string_pretty(&keys.revocations(record).await?)
                .map_err(|e| Error::internal(e.to_string()))?,
        ),
    ];
    if let Some(app) = app {
        for c in app.store().list_credentials(None).await? {
            let uuid = c.id.trim_start_matches("urn:uuid:");
            files.push((format!("credentials/{uuid}.json"), c.credential));
        }
    }
    let files = files
        .into_iter()
        .map(|(path, text)| PublishedFile { path, text })
        .collect();
    Ok((record.clone(), files))
}

/// Issue a badge for an achieved goal from its evidence and record it.
///
/// Refused unless the goal is achieved and its evidence passes the person's
/// mastery rule. Everything is checked and signed before anything is
/// written; recording the credential is one insert.
///
/// # Errors
/// Not found (no issuer, no goal); conflict when the goal is not achieved or
/// has no practice to show; invalid for a bad earner.
pub async fn issue(
    app: &App,
    keys: &impl KeyStore,
    goal: GoalId,
    earner: &Earner,
) -> Result<IssuedBadge> {
    let issuer = keys.issuer().await?;
    let store = app.store();
    let person = app.person();
    let ev = store.goal_evidence(goal).await?;
    let goal = &ev.goal;
    let report = app.mastery(&ev);
    if goal.state != GoalState::Achieved || !report.achieved() {
        let missing: Vec<String> = report.unmet().map(|c| c.detail.clone()).collect();
        let why = match (goal.state, missing.is_empty()) {
            (_, false) => missing.join("; "),
            (GoalState::Achieved, true) => "its evidence does not pass the mastery rule".into(),
            (_, true) => "the mastery rule is met; mark it achieved first".into(),
        };
        return Err(Error::conflict(format!(
            "goal {} is {}, not achieved, so no badge: {why}",
            goal.id, goal.state
        )));
    }
    let recipient = match earner {
        Earner::Email(e) if e.trim().contains('@') => Recipient::email(e),
        Earner::Email(e) => {
            return Err(Error::invalid_field(
                "email",
                format!("{e:?} is not an email address"),
            ));
        }
        Earner::Did(d) if d.trim().starts_with("did:") => Recipient::Did(d.trim().to_owned()),
        Earner::Did(d) => return Err(Error::invalid_field("did", format!("{d:?} is not a DID"))),
    };
    let skill = store.get_skill(ev.micro_skill.skill_id).await?;
    let mut alignments = Vec::new();
    if let Some(uri) = &skill.taxonomy_uri {
        alignments.push(alignment_for(uri, &skill.name));
    }
    let days: Vec<NaiveDate> = ev
        .sessions
        .iter()
        .map(|s| s.started_at.date_naive())
        .collect();
    let (Some(first), Some(last)) = (days.iter().min(), days.iter().max()) else {
        return Err(Error::conflict(format!(
            "goal {} has no practice sessions to show as evidence",
            goal.id
        )));
    };
    let practice = PracticeSummary {
        sessions: u32::try_from(ev.sessions.len()).unwrap_or(u32::MAX),
        minutes: ev.sessions.iter().map(|s| s.focused_minutes).sum(),
        first_day: *first,
        last_day: *last,
    };
    let applications = ev
        .applications
        .iter()
        .map(|ap| ApplicationEvidence {
            date: ap.at.date_naive(),
            context: ap.context.clone(),
            outcome: match (&ap.impact, &ap.evidence) {
                (Some(i), _) => format!("{} (impact: {i})", ap.outcome),
                (None, Some(Evidence::File { name, sha256 })) => {
                    format!("{} (evidence file {name}, sha256 {sha256})", ap.outcome)
                }
                _ => ap.outcome.clone(),
            },
            url: match &ap.evidence {
                Some(Evidence::Link { url }) => Some(url.clone()),
                _ => None,
            },
        })
        .collect();
    let input = BadgeInput {
        goal_name: format!("{} (goal {})", ev.micro_skill.name, goal.id),
        micro_skill: ev.micro_skill.name.clone(),
        description: format!(
            "A micro-skill of {}, practised to Dreyfus level {} ({}).",
            skill.name,
            u8::from(goal.target_level),
            goal.target_level
        ),
        criteria: goal
            .criteria
            .iter()
            .map(|c| c.text.trim().trim_end_matches('.').to_owned())
            .collect::<Vec<_>>()
            .join("; ")
            + ".",
        level: Some(u8::from(goal.target_level)),
        alignments,
        practice,
        applications,
        reflections: reflection_evidence(goal, &ev.micro_skill, &ev.sessions, &ev.reflections),
        recipient,
        issued_at: person.now,
    };
    let issued = mm_credentials::badge::issue(&input, &issuer)?;
    let credential = serde_json::to_string_pretty(&issued.credential)
        .map_err(|e| Error::internal(e.to_string()))?;
    // The issuer's ledger first: an issuer answers for all it signed.
    keys.record_issued(&crate::keys::IssuedCredential {
        id: &issued.id,
        goal: goal.id,
        micro_skill: &ev.micro_skill.name,
        issued_at: input.issued_at,
        credential: &credential,
    })
    .await?;
    store
        .add_credential(&StoredCredential {
            id: issued.id.clone(),
            goal_id: goal.id,
            issued_at: input.issued_at,
            credential: credential.clone(),
            jwt_eddsa: issued.jwt_eddsa.clone(),
            jwt_rs256: issued.jwt_rs256.clone(),
            revoked_at: None,
            revocation_reason: None,
        })
        .await?;
    Ok(IssuedBadge {
        file_stem: file_stem(&issued.id, &ev.micro_skill.name),
        id: issued.id,
        goal: goal.id,
        micro_skill: ev.micro_skill.name.clone(),
        credential,
        jwt_eddsa: issued.jwt_eddsa,
        jwt_rs256: issued.jwt_rs256,
    })
}

/// The file name stem of a badge's files: `badge-<slug of name>-<uuid8>`.
pub fn file_stem(id: &str, name: &str) -> String {
    let uuid8: String = id.trim_start_matches("urn:uuid:").chars().take(8).collect();
    let slug: String = mm_credentials::badge::slug(name).chars().take(40).collect();
    format!("badge-{slug}-{uuid8}")
}

/// One of the forms an issued badge can be downloaded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BadgeForm {
    /// The JSON-LD credential with its embedded proof (`.json`).
    Json,
    /// The VC-JWT signed with EdDSA (`.jwt`).
    Jwt,
    /// The VC-JWT signed with RS256 (`.rs256.jwt`).
    JwtRs256,
    /// A round SVG badge with the JSON-LD credential baked in (`.svg`).
    Svg,
    /// A PNG badge with the JSON-LD credential baked in (`.png`).
    Png,
}

impl BadgeForm {
    /// Every form, in the order a page offers them.
    pub const ALL: [BadgeForm; 5] = [
        BadgeForm::Json,
        BadgeForm::Jwt,
        BadgeForm::JwtRs256,
        BadgeForm::Svg,
        BadgeForm::Png,
    ];

    /// The form's name in URLs and JSON (`json`, `jwt`, `jwt_rs256`, `svg`, `png`).
    pub fn as_str(self) -> &'static str {
        match self {
            BadgeForm::Json => "json",
            BadgeForm::Jwt => "jwt",
            BadgeForm::JwtRs256 => "jwt_rs256",
            BadgeForm::Svg => "svg",
            BadgeForm::Png => "png",
        }
    }

    /// The file extension (without the dot).
    pub fn extension(self) -> &'static str {
        match self {
            BadgeForm::Json => "json",
            BadgeForm::Jwt => "jwt",
            BadgeForm::JwtRs256 => "rs256.jwt",
            BadgeForm::Svg => "svg",
            BadgeForm::Png => "png",
        }
    }

    /// The media type the file is served with.
    pub fn media_type(self) -> &'static str {
        match self {
            BadgeForm::Json => "application/ld+json",
            BadgeForm::Jwt | BadgeForm::JwtRs256 => "application/jwt",
            BadgeForm::Svg => "image/svg+xml",
            BadgeForm::Png => "image/png",
        }
    }

    /// How a person would call it.
    pub fn label(self) -> &'static str {
        match self {
            BadgeForm::Json => "JSON-LD",
            BadgeForm::Jwt => "VC-JWT (EdDSA)",
            BadgeForm::JwtRs256 => "VC-JWT (RS256)",
            BadgeForm::Svg => "baked SVG image",
            BadgeForm::Png => "baked PNG image",
        }
    }
}

impl std::str::FromStr for BadgeForm {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        BadgeForm::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| {
                Error::invalid_field(
                    "form",
                    format!("{s:?} is not a badge form: use json, jwt, jwt_rs256, svg or png"),
                )
            })
    }
}

/// An issued badge as one downloadable file.
#[derive(Debug, Clone)]
pub struct BadgeFile {
    /// `badge-<slug>-<uuid8>.<extension>`
    pub file_name: String,
    pub media_type: &'static str,
    pub bytes: Vec<u8>,
}

/// An issued badge in one of its forms, ready to download: the stored
/// JSON-LD or VC-JWT as signed, or an image with the JSON-LD baked in.
///
/// # Errors
/// Not found (what: `credential`); invalid when the stored credential cannot
/// be baked.
pub async fn file(app: &App, id: &str, form: BadgeForm) -> Result<BadgeFile> {
    let c = credential(app, id).await?;
    // Named as `mm badge issue` names the files: after the micro-skill.
    let goal = app.store().get_goal(c.goal_id).await?;
    let name = app.store().get_micro_skill(goal.micro_skill_id).await?.name;
    let bytes = match form {
        BadgeForm::Json => c.credential.into_bytes(),
        BadgeForm::Jwt => c.jwt_eddsa.into_bytes(),
        BadgeForm::JwtRs256 => c.jwt_rs256.into_bytes(),
        BadgeForm::Svg => bake(&c.credential, BakeFormat::Svg, None)?,
        BadgeForm::Png => bake(&c.credential, BakeFormat::Png, None)?,
    };
    Ok(BadgeFile {
        file_name: format!("{}.{}", file_stem(&c.id, &name), form.extension()),
        media_type: form.media_type(),
        bytes,
    })
}

/// The issued badge `id` in the list's shape.
///
/// # Errors
/// Not found (what: `credential`).
pub async fn summary(app: &App, id: &str) -> Result<BadgeSummary> {
    Ok(summarise(credential(app, id).await?))
}

fn summarise(c: StoredCredential) -> BadgeSummary {
    let cred: Value = serde_json::from_str(&c.credential).unwrap_or(Value::Null);
    BadgeSummary {
        name: cred["name"].as_str().map(str::to_owned),
        id: c.id,
        goal: c.goal_id,
        issued_at: c.issued_at,
        revoked_at: c.revoked_at,
        revocation_reason: c.revocation_reason,
    }
}

fn alignment_for(uri: &str, label: &str) -> Alignment {
    let (framework, code) = if uri.contains("data.europa.eu/esco") {
        (Some("ESCO".to_owned()), None)
    } else if uri.contains("onetonline.org") || uri.contains("onetcenter.org") {
        let code = uri.rsplit('/').find(|s| !s.is_empty()).map(str::to_owned);
        (Some("O*NET".to_owned()), code)
    } else {
        (None, None)
    };
    Alignment {
        target_url: uri.to_owned(),
        target_name: label.to_owned(),
        framework,
        code,
    }
}

/// The reflections a badge shows: one per principle it covers, then the
/// others about the goal or its sessions.
fn reflection_evidence(
    goal: &mm_core::Goal,
    micro: &mm_core::MicroSkill,
    sessions: &[mm_core::Session],
    reflections: &[Reflection],
) -> Vec<ReflectionEvidence> {
    let text_of = |r: &Reflection| {
        [
            ("Worked", &r.worked),
            ("Did not", &r.didnt),
            ("Next", &r.next),
        ]
        .iter()
        .filter(|(_, t)| !t.trim().is_empty())
        .map(|(k, t)| format!("{k}: {}", t.trim()))
        .collect::<Vec<_>>()
        .join(" ")
    };
    let principles = &micro.principles;
    let mut out: Vec<ReflectionEvidence> = principles
        .iter()
        .filter_map(|p| {
            let r = reflections.iter().find(|r| r.covers(p))?;
            Some(ReflectionEvidence {
                principle: Some(p.name.clone()),
                text: text_of(r),
            })
        })
        .collect();
    let session_ids: Vec<_> = sessions.iter().map(|s| s.id).collect();
    for r in reflections {
        let about_goal = match r.target {
            ReflectionTarget::Goal { id } => id == goal.id,
            ReflectionTarget::Session { id } => session_ids.contains(&id),
            ReflectionTarget::Week { .. } => false,
        };
        if about_goal && !principles.iter().any(|p| r.covers(p)) {
            out.push(ReflectionEvidence {
                principle: None,
                text: text_of(r),
            });
        }
    }
    out
}

/// An achieved goal, as the badge page offers it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AchievedGoal {
    pub goal: GoalId,
    pub micro_skill: String,
    /// The day it was achieved, in the person's zone.
    pub achieved_on: Option<NaiveDate>,
    /// Badges issued for it so far (revoked ones included).
    pub badges: usize,
}

/// What the badge page shows: the issuer (none yet: create one first), the
/// achieved goals a badge can be issued for, and every issued badge.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BadgeOverview {
    pub issuer: Option<IssuerRecord>,
    pub achieved: Vec<AchievedGoal>,
    pub badges: Vec<BadgeSummary>,
}

/// The issuer, the achieved goals and the issued badges.
///
/// # Errors
/// When the journal or a stored issuer cannot be read.
pub async fn overview(app: &App, keys: &impl KeyStore) -> Result<BadgeOverview> {
    let issuer = match keys.record().await {
        Ok(r) => Some(r),
        Err(e) if e.kind() == crate::ErrorKind::NotFound => None,
        Err(e) => return Err(e),
    };
    let badges = list(app).await?;
    let store = app.store();
    let micros = store.list_micro_skills(None).await?;
    let achieved = store
        .list_goals()
        .await?
        .into_iter()
        .filter(|g| g.state == GoalState::Achieved)
        .map(|g| AchievedGoal {
            goal: g.id,
            micro_skill: micros
                .iter()
                .find(|m| m.id == g.micro_skill_id)
                .map(|m| m.name.clone())
                .unwrap_or_default(),
            achieved_on: g.closed_at.map(|t| app.person().date_of(t)),
            badges: badges.iter().filter(|b| b.goal == g.id).count(),
        })
        .collect();
    Ok(BadgeOverview {
        issuer,
        achieved,
        badges,
    })
}

/// The documents of the issuer a verifier needs, by name: `did.json`,
/// `profile.json`, `jwks.json`, `revocations.json`.
pub const ISSUER_DOCUMENTS: [&str; 4] =
    ["did.json", "profile.json", "jwks.json", "revocations.json"];

/// One of the issuer's published documents ([`ISSUER_DOCUMENTS`]), as the
/// issuer must publish it at its URL.
///
/// # Errors
/// Not found for another name or when there is no issuer yet.
pub async fn issuer_document(keys: &impl KeyStore, name: &str) -> Result<PublishedFile> {
    let path = match name {
        "revocations.json" => "credentials/revocations.json",
        n if ISSUER_DOCUMENTS.contains(&n) => n,
        n => return Err(Error::not_found("issuer document", format!("{n:?}"))),
    };
    let (_, files) = publication(keys, None).await?;
    files
        .into_iter()
        .find(|f| f.path == path)
        .ok_or_else(|| Error::not_found("issuer document", format!("{name:?}")))
}

/// Every issued badge, oldest first.
///
/// # Errors
/// When the journal cannot be read.
pub async fn list(app: &App) -> Result<Vec<BadgeSummary>> {
    Ok(app
        .store()
        .list_credentials(None)
        .await?
        .into_iter()
        .map(summarise)
        .collect())
}

/// One issued credential in every form (`id` may omit `urn:uuid:`).
///
/// # Errors
/// Not found (what: `credential`).
pub async fn credential(app: &App, id: &str) -> Result<StoredCredential> {
    Ok(app.store().get_credential(&full_id(id)).await?)
}

/// Revoke an issued badge: the issuer's revocation list first (what
/// verifiers see), then the journal. Running it again after a failure
/// finishes the job.
///
/// # Errors
/// Not found (no such credential, no issuer); invalid for an empty reason.
pub async fn revoke(
    app: &App,
    keys: &impl KeyStore,
    id: &str,
    reason: &str,
) -> Result<RevocationList> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(Error::invalid_field(
            "reason",
            "say why the badge is revoked: verifiers show it",
        ));
    }
    let id = full_id(id);
    let store = app.store();
    store.get_credential(&id).await?;
    let record = keys.record().await?;
    let mut list = keys.revocations(&record).await?;
    list.revoke(&id, reason)?;
    keys.save_revocations(&list).await?;
    store
        .revoke_credential(&id, reason, app.person().now)
        .await?;
    Ok(list)
}

/// A document given to the verifier, with a label for its errors
/// (`--issuer-doc did.json`).
#[derive(Debug, Clone)]
pub struct Document {
    pub label: String,
    pub json: Value,
}

/// A status document: a revocation list or a status list credential.
#[derive(Debug, Clone)]
pub struct StatusDocument {
    pub label: String,
    pub json: Value,
    /// The name it was saved under (a status list's file stem).
    pub saved_as: Option<String>,
    /// Refuse a document that is neither kind (false when it came from a
    /// folder of mixed files).
    pub required: bool,
}

/// What to verify and with what.
#[derive(Debug, Clone, Default)]
pub struct VerifyRequest {
    /// A JSON-LD credential, a JWT, or a baked SVG or PNG.
    pub credential: Vec<u8>,
    /// Issuers' DID documents or Profiles (also JWKS or status lists).
    pub issuer_docs: Vec<Document>,
    /// Public JWKs or JWKS the caller trusts.
    pub keys: Vec<Document>,
    pub status: Vec<StatusDocument>,
    /// Fail when the revocation status cannot be checked.
    pub require_status: bool,
    /// Check against this time instead of now.
    pub at: Option<DateTime<Utc>>,
    /// Fetch what is missing over HTTPS first (with this cache folder).
    pub online: Option<Option<std::path::PathBuf>>,
}

/// The verifier's report, and what was fetched when online.
#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    #[serde(flatten)]
    pub report: verify::Report,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online: Option<Vec<String>>,
}

/// Verify a credential step by step (offline unless asked).
///
/// # Errors
/// Invalid for a document that is not what its label says.
pub fn verify(req: &VerifyRequest) -> Result<Verification> {
    let mut opts = verify::Options {
        require_status: req.require_status,
        now: req.at,
        ..Default::default()
    };
    for d in &req.issuer_docs {
        opts.add_document(d.json.clone())
            .map_err(|e| Error::from(e).context(&d.label))?;
    }
    for d in &req.keys {
        opts.add_jwk_or_jwks(&d.json)
            .map_err(|e| Error::from(e).context(&d.label))?;
    }
    for d in &req.status {
        let added = opts
            .add_status_file(&d.json, d.saved_as.as_deref())
            .map_err(|e| Error::from(e).context(&d.label))?;
        if !added && d.required {
            return Err(Error::invalid(format!(
                "{}: neither a revocation list nor a status list credential",
                d.label
            )));
        }
    }
    let online = match &req.online {
        Some(cache) => {
            let fetcher = mm_credentials::online::Fetcher::new(cache.clone())?;
            Some(verify::fetch_online(&req.credential, &mut opts, &fetcher))
        }
        None => None,
    };
    Ok(Verification {
        report: verify::verify(&req.credential, &opts),
        online,
    })
}

/// Verify a badge of this journal against its own issuer: the issuer's DID
/// document and current revocation list (what a verifier would fetch).
///
/// # Errors
/// Not found (no credential, no issuer).
pub async fn verify_issued(app: &App, keys: &impl KeyStore, id: &str) -> Result<Verification> {
    let c = credential(app, id).await?;
    let record = keys.record().await?;
    let list = keys.revocations(&record).await?;
    verify(&VerifyRequest {
        credential: c.credential.into_bytes(),
        issuer_docs: vec![Document {
            label: "the issuer's DID document".into(),
            json: issuer::did_document(&record),
        }],
        status: vec![StatusDocument {
            label: "the issuer's revocation list".into(),
            json: serde_json::to_value(&list).map_err(|e| Error::internal(e.to_string()))?,
            saved_as: Some("revocations".into()),
            required: true,
        }],
        ..VerifyRequest::default()
    })
}

/// The image format to bake into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BakeFormat {
    Svg,
    Png,
}

/// The text to bake from an issued badge: its JSON-LD, or its EdDSA VC-JWT.
///
/// # Errors
/// Not found (what: `credential`).
pub async fn stored_payload(app: &App, id: &str, jwt: bool) -> Result<String> {
    let c = credential(app, id).await?;
    Ok(if jwt { c.jwt_eddsa } else { c.credential })
}

/// Bake a badge (`payload`: JSON-LD or a VC-JWT) into an image: the given
/// one (SVG or PNG as `format`), else a plain round badge titled with the
/// credential's name.
///
/// # Errors
/// Invalid for a payload that is neither JSON nor a JWT, or an unusable image.
pub fn bake(payload: &str, format: BakeFormat, image: Option<Vec<u8>>) -> Result<Vec<u8>> {
    use mm_credentials::bake::{self, Payload};
    let payload = payload.trim();
    let is_jwt = mm_credentials::jwt::looks_like_jwt(payload);
    let json = if is_jwt {
        None
    } else {
        Some(
            serde_json::from_str::<Value>(payload)
                .map_err(|e| Error::invalid(format!("neither JSON nor a JWT: {e}")))?,
        )
    };
    let p = if is_jwt {
        Payload::Jwt(payload)
    } else {
        Payload::Json(payload)
    };
    match format {
        BakeFormat::Png => {
            let image = image.unwrap_or_else(bake::default_png);
            Ok(bake::bake_png(&image, p)?)
        }
        BakeFormat::Svg => {
            let image = match image {
                Some(bytes) => String::from_utf8(bytes)
                    .map_err(|_| Error::invalid_field("image", "the SVG image is not UTF-8"))?,
                None => {
                    let name = match json {
                        Some(v) => v["name"].clone(),
                        None => mm_credentials::jwt::decode(payload)?.credential()["name"].clone(),
                    };
                    let name = name.as_str().unwrap_or("Micro-credential");
                    let title: String = name
                        .trim_end_matches(" - mastered")
                        .chars()
                        .take(24)
                        .collect();
                    bake::default_image(&title, "micro-credential")
                }
            };
            Ok(bake::bake(&image, p)?.into_bytes())
        }
    }
}
