//! The portfolio: what the person has mastered, with its credentials, as a
//! JSON Resume or a signed CLR 2.0 bundle. Every face exports it through
//! [`contents`] (`mm portfolio export`, `GET /api/v1/portfolio`, the web
//! app's portfolio page), so they write the same document.
//!
//! ```no_run
//! # async fn demo(app: &mm_app::App, keys: &mm_app::keys::FileKeyStore) -> mm_app::Result<()> {
//! use mm_app::portfolio::{self, Format};
//! let clr = portfolio::contents(app, "clr".parse::<Format>()?, Some(keys), Some("Ada")).await?;
//! std::fs::write(clr.file_name(app.person().today()), clr.text()).unwrap();
//! # Ok(()) }
//! ```

use crate::keys::KeyStore;
use crate::{App, Error, Result};
use chrono::NaiveDate;
use mm_credentials::portfolio::{PortfolioEntry, json_resume as resume};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a portfolio is exported as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    /// A JSON Resume (jsonresume.org schema 1.3.1): each mastered
    /// micro-skill with its level and keywords, a certificate linking to
    /// each badge.
    JsonResume,
    /// A CLR 2.0 ClrCredential: every unrevoked badge bundled and signed by
    /// the person's issuer.
    Clr,
}

impl Format {
    /// Every format, in the order a page offers them.
    pub const ALL: [Format; 2] = [Format::JsonResume, Format::Clr];

    /// The name in URLs and JSON (`json-resume`, `clr`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::JsonResume => "json-resume",
            Format::Clr => "clr",
        }
    }

    /// How a person would call it.
    pub fn label(self) -> &'static str {
        match self {
            Format::JsonResume => "JSON Resume",
            Format::Clr => "CLR 2.0",
        }
    }

    /// The media type the document is served with.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::JsonResume => "application/json",
            Format::Clr => "application/ld+json",
        }
    }

    /// Whether it is signed by the issuer (and so needs its keys).
    pub fn needs_issuer(self) -> bool {
        self == Format::Clr
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Format {
    type Err = Error;

    fn from_str(s: &str) -> Result<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == s.trim())
            .ok_or_else(|| {
                Error::invalid_field(
                    "format",
                    format!("no portfolio format {s:?}: use json-resume or clr"),
                )
            })
    }
}

/// A portfolio document and how many badges it carries.
#[derive(Debug, Clone, Serialize)]
pub struct Portfolio {
    /// What the document is.
    pub format: Format,
    /// The JSON Resume or the ClrCredential.
    pub document: Value,
    /// Badges in it (unrevoked ones only).
    pub badges: usize,
}

impl Portfolio {
    /// The document as every face writes it: pretty JSON and a final newline.
    pub fn text(&self) -> String {
        // A `Value` always serialises.
        serde_json::to_string_pretty(&self.document).unwrap_or_default() + "\n"
    }

    /// The file name a download suggests, dated `today`.
    pub fn file_name(&self, today: NaiveDate) -> String {
        match self.format {
            Format::JsonResume => format!("micromastery-resume-{today}.json"),
            Format::Clr => format!("micromastery-clr-{today}.json"),
        }
    }
}

/// The portfolio in `format`, for the person called `name` (blank: none).
/// The CLR is signed with the issuer in `keys`; the JSON Resume needs none.
///
/// # Errors
/// Not found (what: `badge`) when no unrevoked badge has been issued; for
/// the CLR, not found (what: `issuer`) without an issuer, and unavailable
/// when no key store is given.
pub async fn contents<K: KeyStore>(
    app: &App,
    format: Format,
    keys: Option<&K>,
    name: Option<&str>,
) -> Result<Portfolio> {
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    match format {
        Format::JsonResume => json_resume(app, name).await,
        Format::Clr => {
            let keys = keys.ok_or_else(|| {
                Error::unavailable("a CLR is signed by the badge issuer, and no key store is open")
            })?;
            clr(app, keys, name).await
        }
    }
}

async fn unrevoked(app: &App) -> Result<Vec<(mm_store::StoredCredential, Value)>> {
    let mut out = Vec::new();
    for c in app.store().list_credentials(None).await? {
        if c.revoked_at.is_some() {
            continue;
        }
        let v: Value = serde_json::from_str(&c.credential)
            .map_err(|e| Error::internal(format!("stored credential {} is damaged: {e}", c.id)))?;
        out.push((c, v));
    }
    if out.is_empty() {
        return Err(Error::not_found("badge", "issued yet"));
    }
    Ok(out)
}

/// A JSON Resume (schema 1.3.1): each mastered micro-skill with its level
/// and keywords, and a certificate linking to its published credential.
///
/// # Errors
/// Not found (what: `badge`) when no unrevoked badge has been issued.
pub async fn json_resume(app: &App, name: Option<&str>) -> Result<Portfolio> {
    let store = app.store();
    let mut entries = Vec::new();
    for (c, cred) in unrevoked(app).await? {
        let goal = store.get_goal(c.goal_id).await?;
        let micro = store.get_micro_skill(goal.micro_skill_id).await?;
        let skill = store.get_skill(micro.skill_id).await?;
        let mut keywords = vec![skill.name.clone()];
        keywords.extend(micro.principles.iter().map(|p| p.name.clone()));
        let issuer_url = cred["issuer"]["url"].as_str().unwrap_or_default();
        entries.push(PortfolioEntry {
            micro_skill: micro.name.clone(),
            level: Some(u8::from(goal.target_level)),
            keywords,
            issued: c.issued_at.date_naive(),
            issuer: cred["issuer"]["name"]
                .as_str()
                .unwrap_or("Micromastery")
                .to_owned(),
            credential_url: (!issuer_url.is_empty()).then(|| {
                format!(
                    "{}/credentials/{}.json",
                    issuer_url.trim_end_matches('/'),
                    c.id.trim_start_matches("urn:uuid:")
                )
            }),
        });
    }
    let now = app.person().now.format("%Y-%m-%dT%H:%M:%S").to_string();
    Ok(Portfolio {
        format: Format::JsonResume,
        document: resume(name, &entries, &now),
        badges: entries.len(),
    })
}

/// A CLR 2.0 ClrCredential: every unrevoked badge bundled and signed by the
/// person's issuer.
///
/// # Errors
/// Not found when there is no issuer or no unrevoked badge.
pub async fn clr(app: &App, keys: &impl KeyStore, name: Option<&str>) -> Result<Portfolio> {
    let issuer = keys.issuer().await?;
    let creds: Vec<Value> = unrevoked(app).await?.into_iter().map(|(_, v)| v).collect();
    Ok(Portfolio {
        format: Format::Clr,
        document: mm_credentials::portfolio::clr(&issuer, &creds, name, app.person().now)?,
        badges: creds.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_read_back_their_own_names_and_nothing_else() {
        for f in Format::ALL {
            assert_eq!(f.as_str().parse::<Format>().unwrap(), f);
            assert_eq!(
                serde_json::to_value(f).unwrap(),
                Value::String(f.as_str().into()),
                "JSON and URLs spell it alike"
            );
        }
        for bad in ["", "pdf", "JSON-RESUME", "json_resume"] {
            let e = bad.parse::<Format>().unwrap_err();
            assert_eq!(e.kind(), crate::ErrorKind::Invalid);
            assert!(e.to_string().contains("json-resume or clr"), "{e}");
        }
    }
}
