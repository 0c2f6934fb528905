//! Open Badges 3.0 micro-credentials for achieved micromastery goals.
//!
//! * [`issuer`]: issuer identity (`did:web`), Ed25519 + RSA keys in 0600
//!   files, rotation, and what to publish (Profile, DID document, JWKS).
//! * [`badge`]: build an `OpenBadgeCredential` from plain [`badge::BadgeInput`]
//!   values and issue it: `eddsa-rdfc-2022` proof ([`di`]), VC-JWTs ([`jwt`]),
//!   checked against the 1EdTech schemas ([`schema`]) first.
//! * [`verify`]: offline verification, step by step, with exit codes.
//! * [`status`]: revocation (1EdTech Revocation List).
//! * [`bake`]: SVG baking; [`portfolio`]: JSON Resume export.
//!
//! JSON-LD contexts and schemas ship inside the crate ([`canon::CONTEXTS`]);
//! nothing is fetched unless asked ([`online`], `--online`).
//!
//! ```no_run
//! use mm_credentials::{issuer::Issuer, verify};
//! # fn main() -> Result<(), mm_credentials::Error> {
//! let dir = std::path::Path::new("/tmp/issuer");
//! let issuer = Issuer::init(dir, "Ada's badges", "https://badges.example", chrono::Utc::now())?;
//! # let input: mm_credentials::badge::BadgeInput = unimplemented!();
//! let issued = mm_credentials::badge::issue(&input, &issuer)?;
//! let mut opts = verify::Options::default();
//! opts.issuer_docs.push(mm_credentials::issuer::did_document(&issuer.record));
//! let report = verify::verify(issued.credential.to_string().as_bytes(), &opts);
//! assert_eq!(report.verdict.exit_code(), 3); // status list not supplied
//! # Ok(()) }
//! ```

pub mod badge;
pub mod bake;
pub mod canon;
pub mod di;
pub mod issuer;
pub mod jwt;
pub mod multikey;
pub mod online;
pub mod portfolio;
pub mod schema;
pub mod status;
pub mod verify;

use std::path::Path;

/// Everything that can go wrong issuing or verifying a credential.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not an acceptable credential, key or document.
    #[error("{0}")]
    Invalid(String),
    /// The input uses something this verifier does not handle (a cryptosuite,
    /// a data-model version, a context); nothing is known to be wrong.
    #[error("{0}")]
    Unsupported(String),
    /// Something asked for does not exist (no issuer yet, unknown credential).
    #[error("{0}")]
    NotFound(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A bug or an environment failure (e.g. no randomness).
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub(crate) fn json(e: serde_json::Error) -> Self {
        Self::Internal(format!("JSON encoding failed: {e}"))
    }
}

/// The issuer id of a credential (`issuer` as a string or `issuer.id`).
pub fn issuer_id(credential: &serde_json::Value) -> Option<String> {
    match credential.get("issuer")? {
        serde_json::Value::String(s) => Some(s.clone()),
        o => o.get("id")?.as_str().map(str::to_owned),
    }
}
