//! Revocation with the 1EdTech Revocation List status method.
//!
//! Why this one and not the W3C Bitstring Status List: it is the method the
//! OBv3 specification itself defines (and 1EdTech's own `complete` example
//! uses), it records the *reason* a credential was revoked (which `mm badge
//! revoke --reason` asks for and a verifier can show), and it is a plain JSON
//! document an issuer publishes at a URL, with no GZIP bitstring to manage.
//! The trade-off: it lists revoked ids, so it offers less herd privacy than a
//! bitstring; for one person's micro-credentials that cost is small.

use crate::Error;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `credentialStatus.type` of this method.
pub const STATUS_TYPE: &str = "1EdTechRevocationList";

/// One revoked credential.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Revoked {
    /// The credential id.
    pub id: String,
    /// Why it was revoked.
    #[serde(
        rename = "revocationReason",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub revocation_reason: Option<String>,
}

/// A revocation list as published at `credentialStatus.id`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RevocationList {
    /// Its URL (equals `credentialStatus.id` of the credentials it covers).
    pub id: String,
    /// The issuer id.
    pub issuer: String,
    /// Revoked credentials.
    #[serde(rename = "revokedCredentials", default)]
    pub revoked_credentials: Vec<Revoked>,
}

impl RevocationList {
    /// An empty list.
    pub fn new(id: &str, issuer: &str) -> Self {
        Self {
            id: id.to_owned(),
            issuer: issuer.to_owned(),
            revoked_credentials: Vec::new(),
        }
    }

    /// Parses a list.
    ///
    /// # Errors
    /// [`Error::Invalid`] when it is not a revocation list.
    pub fn from_json(v: &Value) -> Result<Self, Error> {
        serde_json::from_value(v.clone())
            .map_err(|e| Error::Invalid(format!("not a 1EdTech revocation list: {e}")))
    }

    /// Adds `id` (idempotent; a second call updates the reason). Returns
    /// whether it was newly revoked.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the reason is empty.
    pub fn revoke(&mut self, id: &str, reason: &str) -> Result<bool, Error> {
        if reason.trim().is_empty() {
            return Err(Error::Invalid("a revocation needs a reason".into()));
        }
        if let Some(r) = self.revoked_credentials.iter_mut().find(|r| r.id == id) {
            r.revocation_reason = Some(reason.trim().to_owned());
            return Ok(false);
        }
        self.revoked_credentials.push(Revoked {
            id: id.to_owned(),
            revocation_reason: Some(reason.trim().to_owned()),
        });
        Ok(true)
    }

    /// The entry for `id`, if revoked.
    pub fn find(&self, id: &str) -> Option<&Revoked> {
        self.revoked_credentials.iter().find(|r| r.id == id)
    }
}
