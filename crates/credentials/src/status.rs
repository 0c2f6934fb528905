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

/// A W3C status list credential (`StatusList2021` or `BitstringStatusList`),
/// decoded: one bit per credential, set when revoked or suspended.
#[derive(Debug, Clone)]
pub struct StatusListCredential {
    /// The credential's id: what `statusListCredential` entries point at.
    pub id: String,
    /// Its issuer id.
    pub issuer: Option<String>,
    /// `revocation`, `suspension`, … (`statusPurpose`).
    pub purpose: String,
    /// The decompressed bitstring (bit 0 is the most significant bit of byte 0).
    pub bits: Vec<u8>,
    /// The signed credential as given, so its proof can be checked.
    pub credential: Value,
    /// The name it was saved under (file stem): a list saved as
    /// `e5WK8CbZ1GjycuPombrj.json` also answers for a `statusListCredential`
    /// URL ending in `/e5WK8CbZ1GjycuPombrj` (lists are often published at
    /// another URL than their `id`).
    pub saved_as: Option<String>,
}

/// Entry types of the W3C status list methods we check.
pub const STATUS_LIST_ENTRIES: &[&str] = &["StatusList2021Entry", "BitstringStatusListEntry"];

/// The largest bitstring we inflate (16 MiB: 134 million credentials).
const MAX_BITSTRING: u64 = 16 << 20;

impl StatusListCredential {
    /// Whether `v` looks like a status list credential.
    pub fn is_status_list(v: &Value) -> bool {
        let t = v.pointer("/credentialSubject/type");
        let has = |name: &str| match t {
            Some(Value::String(s)) => s == name,
            Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some(name)),
            _ => false,
        };
        has("StatusList2021") || has("BitstringStatusList")
    }

    /// Parses and inflates a status list credential. `encodedList` is the
    /// GZIP-compressed bitstring in base64url, with the multibase `u` prefix
    /// (BitstringStatusList) or without it (StatusList2021).
    ///
    /// # Errors
    /// [`Error::Invalid`] when it is not a status list credential or its list
    /// does not decode.
    pub fn from_json(v: &Value) -> Result<Self, Error> {
        use std::io::Read as _;
        if !Self::is_status_list(v) {
            return Err(Error::Invalid(
                "not a StatusList2021 or BitstringStatusList credential".into(),
            ));
        }
        let id = v
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::Invalid("the status list credential has no id".into()))?
            .to_owned();
        let subject = &v["credentialSubject"];
        let encoded = subject
            .get("encodedList")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::Invalid(format!("status list {id} has no encodedList")))?;
        let b64 = encoded.strip_prefix('u').unwrap_or(encoded);
        let gz = crate::multikey::b64url_decode(b64)
            .map_err(|e| Error::Invalid(format!("status list {id}: {e}")))?;
        let mut bits = Vec::new();
        flate2::read::GzDecoder::new(gz.as_slice())
            .take(MAX_BITSTRING + 1)
            .read_to_end(&mut bits)
            .map_err(|e| Error::Invalid(format!("status list {id} is not GZIP data: {e}")))?;
        if bits.len() as u64 > MAX_BITSTRING {
            return Err(Error::Invalid(format!(
                "status list {id} inflates past {MAX_BITSTRING} bytes; refusing it"
            )));
        }
        Ok(Self {
            id,
            issuer: crate::issuer_id(v),
            purpose: subject
                .get("statusPurpose")
                .and_then(Value::as_str)
                .unwrap_or("revocation")
                .to_owned(),
            bits,
            credential: v.clone(),
            saved_as: None,
        })
    }

    /// Whether this list answers for the `statusListCredential` URL `url`.
    pub fn answers_for(&self, url: &str) -> bool {
        self.id == url
            || self
                .saved_as
                .as_deref()
                .is_some_and(|s| url.rsplit('/').next() == Some(s))
    }

    /// The bit at `index`, or `None` past the end of the list.
    pub fn bit(&self, index: u64) -> Option<bool> {
        let byte = usize::try_from(index / 8).ok()?;
        let b = *self.bits.get(byte)?;
        Some(b & (0x80 >> (index % 8)) != 0)
    }
}
