//! The portfolio: what the person has mastered, with its credentials, as a
//! JSON Resume or a signed CLR 2.0 bundle.

use crate::keys::KeyStore;
use crate::{App, Error, Result};
use mm_credentials::portfolio::{PortfolioEntry, json_resume as resume};
use serde::Serialize;
use serde_json::Value;

/// A portfolio document and how many badges it carries.
#[derive(Debug, Clone, Serialize)]
pub struct Portfolio {
    /// The JSON Resume or the ClrCredential.
    pub document: Value,
    /// Badges in it (unrevoked ones only).
    pub badges: usize,
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
        document: mm_credentials::portfolio::clr(&issuer, &creds, name, app.person().now)?,
        badges: creds.len(),
    })
}
