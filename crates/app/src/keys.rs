//! The key-store seam: where the badge issuer's identity, its secret keys and
//! its revocation list live. The badge workflows ([`crate::badges`]) take a
//! [`KeyStore`] and never touch files themselves.
//!
//! [`FileKeyStore`] is the default: a directory of mode 0700 holding
//! `issuer.json`, `keys/` (mode 0600 files) and `revocations.json`, the
//! layout `mm badge` has always used. The team server's store (`mm_team`'s
//! `OrgKeys`) keeps each organisation's issuer in its database, the secret
//! keys sealed with the server's master key.
//!
//! ```no_run
//! # async fn demo() -> mm_app::Result<()> {
//! use mm_app::keys::{FileKeyStore, KeyStore as _};
//! let keys = FileKeyStore::new("/home/ada/.config/micromastery/issuer");
//! let issuer = keys.issuer().await?;
//! println!("{}", issuer.record.id);
//! # Ok(()) }
//! ```

use crate::{Error, Result};
use chrono::{DateTime, Utc};
use mm_credentials::issuer::{Issuer, IssuerRecord};
use mm_credentials::status::RevocationList;
use std::future::Future;
use std::path::{Path, PathBuf};

/// Where an issuer's keys and revocations are kept.
///
/// Every method is async so that a database implementation fits; the file
/// implementation does its (small) I/O inline.
pub trait KeyStore: Send + Sync {
    /// The issuer with its current secret keys.
    ///
    /// # Errors
    /// [`crate::ErrorKind::NotFound`] (what: `issuer`) when there is none yet.
    fn issuer(&self) -> impl Future<Output = Result<Issuer>> + Send;

    /// The issuer's public record alone (what publishing and verifying
    /// need). A store whose secrets cost something to open (the team
    /// server's are sealed) answers it without them.
    ///
    /// # Errors
    /// As [`KeyStore::issuer`].
    fn record(&self) -> impl Future<Output = Result<IssuerRecord>> + Send {
        async move { Ok(self.issuer().await?.record) }
    }

    /// Create the issuer with fresh keys: a `did:web` identity from `url`.
    ///
    /// # Errors
    /// [`crate::ErrorKind::Conflict`] when an issuer exists already;
    /// [`crate::ErrorKind::Invalid`] for a bad name or URL.
    fn create_issuer(
        &self,
        name: &str,
        url: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Issuer>> + Send;

    /// Replace the signing keys; older public keys stay published.
    ///
    /// # Errors
    /// As [`KeyStore::issuer`], and when the new keys cannot be kept.
    fn rotate_keys(&self, now: DateTime<Utc>) -> impl Future<Output = Result<Issuer>> + Send;

    /// The issuer's revocation list (empty when nothing was revoked).
    ///
    /// # Errors
    /// When a stored list is damaged.
    fn revocations(
        &self,
        issuer: &IssuerRecord,
    ) -> impl Future<Output = Result<RevocationList>> + Send;

    /// Keep `list` as the issuer's revocation list.
    ///
    /// # Errors
    /// When it cannot be written.
    fn save_revocations(&self, list: &RevocationList) -> impl Future<Output = Result<()>> + Send;

    /// Note that the issuer signed `issued`, before the earner's journal
    /// records it: an issuer that answers for what it signs (the team
    /// server's organisation) keeps its own ledger, audits it, and publishes
    /// the credential. A person's own key store keeps nothing beyond the
    /// journal.
    ///
    /// # Errors
    /// When the ledger cannot be written (then nothing is issued).
    fn record_issued(
        &self,
        issued: &IssuedCredential<'_>,
    ) -> impl Future<Output = Result<()>> + Send {
        let _ = issued;
        async { Ok(()) }
    }
}

/// A credential just signed, as [`KeyStore::record_issued`] sees it.
#[derive(Debug, Clone, Copy)]
pub struct IssuedCredential<'a> {
    /// Its id (`urn:uuid:…`).
    pub id: &'a str,
    /// The earner's goal it was issued for.
    pub goal: mm_core::GoalId,
    /// The micro-skill it certifies.
    pub micro_skill: &'a str,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// The signed credential (JSON-LD with its proof).
    pub credential: &'a str,
}

/// The issuer in a directory: `issuer.json`, `keys/`, `revocations.json`.
#[derive(Debug, Clone)]
pub struct FileKeyStore {
    dir: PathBuf,
}

impl FileKeyStore {
    /// The key store in `dir` (created on [`KeyStore::create_issuer`]).
    pub fn new(dir: impl Into<PathBuf>) -> FileKeyStore {
        FileKeyStore { dir: dir.into() }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the secret keys are (for telling the person, never their content).
    pub fn keys_dir(&self) -> PathBuf {
        self.dir.join("keys")
    }

    fn revocations_path(&self) -> PathBuf {
        self.dir.join("revocations.json")
    }

    fn load(&self) -> Result<Issuer> {
        if !Issuer::exists(&self.dir) {
            return Err(Error::not_found(
                "issuer",
                format!("in {}", self.dir.display()),
            ));
        }
        Ok(Issuer::load(&self.dir)?)
    }
}

impl KeyStore for FileKeyStore {
    async fn issuer(&self) -> Result<Issuer> {
        self.load()
    }

    async fn create_issuer(&self, name: &str, url: &str, now: DateTime<Utc>) -> Result<Issuer> {
        if Issuer::exists(&self.dir) {
            return Err(Error::conflict(format!(
                "an issuer already exists in {}; rotate its keys instead",
                self.dir.display()
            )));
        }
        Ok(Issuer::init(&self.dir, name, url, now)?)
    }

    async fn rotate_keys(&self, now: DateTime<Utc>) -> Result<Issuer> {
        let mut issuer = self.load()?;
        issuer.rotate(now)?;
        Ok(issuer)
    }

    async fn revocations(&self, issuer: &IssuerRecord) -> Result<RevocationList> {
        let path = self.revocations_path();
        if !path.is_file() {
            return Ok(RevocationList::new(
                &issuer.revocation_list_url(),
                &issuer.id,
            ));
        }
        let damaged =
            |e: &dyn std::fmt::Display| Error::internal(format!("reading {}: {e}", path.display()));
        let text = std::fs::read_to_string(&path).map_err(|e| damaged(&e))?;
        let v: serde_json::Value = serde_json::from_str(&text).map_err(|e| damaged(&e))?;
        RevocationList::from_json(&v).map_err(|e| damaged(&e))
    }

    async fn save_revocations(&self, list: &RevocationList) -> Result<()> {
        let text = serde_json::to_string_pretty(list)
            .map_err(|e| Error::internal(format!("encoding the revocation list: {e}")))?;
        // Beside the target, then renamed: a crash leaves the old list whole.
        let path = self.revocations_path();
        let tmp = self.dir.join(".revocations.json.tmp");
        let failed =
            |e: std::io::Error| Error::unavailable(format!("writing {}: {e}", path.display()));
        std::fs::write(&tmp, text.as_bytes()).map_err(failed)?;
        std::fs::rename(&tmp, &path).map_err(failed)
    }
}

/// The credential crate's errors keep their kind: a missing issuer or
/// credential is not found, a bad document or key is invalid input.
impl From<mm_credentials::Error> for Error {
    fn from(e: mm_credentials::Error) -> Self {
        use mm_credentials::Error as C;
        match e {
            C::Invalid(m) | C::Unsupported(m) => Error::invalid(m),
            C::NotFound(m) => Error::new(crate::ErrorKind::NotFound, m),
            e @ C::Io { .. } => Error::unavailable(e.to_string()),
            e => Error::internal(e.to_string()),
        }
    }
}
