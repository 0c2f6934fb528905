//! The issuer: its identity (a `did:web` derived from its URL), its signing
//! keys (Ed25519 for Data Integrity and EdDSA JWTs, RSA for RS256 JWTs), and
//! what it must publish (Profile, DID document, JWKS, revocation list).
//!
//! Secrets live in files of mode 0600 inside a directory of mode 0700 that
//! the caller chooses (the CLI passes the platform config directory). They are
//! never serialised anywhere else and `Debug` prints `[redacted]`.
//!
//! Rotation adds a new key and keeps every older *public* key in
//! `issuer.json`, so the DID document and JWKS still list them and old badges
//! keep verifying.

use crate::Error;
use crate::multikey::{PublicJwk, did_key, ed25519_multikey};
use ed25519_dalek::SigningKey;
use rsa::pkcs8::{DecodePrivateKey as _, EncodePrivateKey as _, LineEnding};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use zeroize::Zeroizing;

/// RSA modulus size for RS256 (the OBv3 interoperable minimum).
pub const RSA_BITS: usize = 2048;

/// The version byte of [`SecretKeys::to_bytes`].
const SECRET_BYTES_VERSION: u8 = 1;

/// One generation of keys, public halves only (safe to publish).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PublishedKey {
    /// Fragment naming the key in the DID document, e.g. `key-0`.
    pub fragment: String,
    /// Ed25519 public key as Multikey (`z6Mk…`).
    pub ed25519_multikey: String,
    /// RSA public key as a JWK (no `kid`; it is derived).
    pub rsa_jwk: serde_json::Value,
    /// When the key was made (RFC 3339).
    pub created: String,
    /// When a newer key replaced it for signing (RFC 3339), if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retired: Option<String>,
}

/// The public record of an issuer, stored as `issuer.json`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IssuerRecord {
    /// The issuer id (`did:web:…`), which controls every key.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Home page (HTTPS).
    pub url: String,
    /// Every key generation, oldest first; the last one signs.
    pub keys: Vec<PublishedKey>,
}

impl IssuerRecord {
    /// The key generation that signs new credentials.
    ///
    /// # Panics
    /// Never for records made by [`Issuer::init`], which always hold a key.
    pub fn current(&self) -> &PublishedKey {
        self.keys.last().expect("an issuer record always has a key")
    }

    /// Full DID URL of a key: `did:web:host#key-0`.
    pub fn key_id(&self, k: &PublishedKey) -> String {
        format!("{}#{}", self.id, k.fragment)
    }

    /// DID URL of the RSA key of a generation: `did:web:host#key-0-rsa`.
    pub fn rsa_key_id(&self, k: &PublishedKey) -> String {
        format!("{}#{}-rsa", self.id, k.fragment)
    }

    /// The record of a new issuer named `name` at `url` (its id the
    /// `did:web` of the URL), whose first key generation is `secrets`.
    ///
    /// # Errors
    /// [`Error::Invalid`] for an empty name or a URL `did:web` cannot name.
    pub fn new(
        name: &str,
        url: &str,
        now: chrono::DateTime<chrono::Utc>,
        secrets: &SecretKeys,
    ) -> Result<Self, Error> {
        if name.trim().is_empty() {
            return Err(Error::Invalid("the issuer needs a name".into()));
        }
        let id = did_web_for_url(url)?;
        Ok(IssuerRecord {
            id,
            name: name.trim().to_owned(),
            url: url.to_owned(),
            keys: vec![secrets.public("key-0".into(), now_rfc3339(now))],
        })
    }

    /// Add `secrets` as the next key generation (`key-N`), retiring the
    /// current one for signing (its public key stays listed). Returns the
    /// new generation.
    pub fn add_generation(
        &mut self,
        now: chrono::DateTime<chrono::Utc>,
        secrets: &SecretKeys,
    ) -> &PublishedKey {
        let stamp = now_rfc3339(now);
        if let Some(last) = self.keys.last_mut() {
            last.retired = Some(stamp.clone());
        }
        let fragment = format!("key-{}", self.keys.len());
        self.keys.push(secrets.public(fragment, stamp));
        self.current()
    }

    /// URL where the revocation list is published.
    pub fn revocation_list_url(&self) -> String {
        format!(
            "{}/credentials/revocations.json",
            self.url.trim_end_matches('/')
        )
    }
}

/// Secret keys of one generation.
pub struct SecretKeys {
    /// Ed25519 signing key.
    pub ed25519: SigningKey,
    /// RSA private key.
    pub rsa: rsa::RsaPrivateKey,
}

impl fmt::Debug for SecretKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKeys([redacted])")
    }
}

impl SecretKeys {
    /// Fresh random keys.
    ///
    /// # Errors
    /// [`Error::Internal`] if RSA key generation fails.
    pub fn generate() -> Result<Self, Error> {
        let mut rng = rand::rngs::OsRng;
        let ed25519 = SigningKey::generate(&mut rng);
        let rsa = rsa::RsaPrivateKey::new(&mut rng, RSA_BITS)
            .map_err(|e| Error::Internal(format!("RSA key generation failed: {e}")))?;
        Ok(Self { ed25519, rsa })
    }

    /// The keys as bytes, for a caller that keeps them itself (the team
    /// server seals them with its master key): a version byte, the 32-byte
    /// Ed25519 seed, then the RSA key as PKCS#8 DER. **Secret**: never store
    /// or send them in the clear. The buffer is wiped when dropped.
    ///
    /// # Errors
    /// [`Error::Internal`] if the RSA key cannot be encoded.
    pub fn to_bytes(&self) -> Result<Zeroizing<Vec<u8>>, Error> {
        let der = self
            .rsa
            .to_pkcs8_der()
            .map_err(|e| Error::Internal(format!("cannot encode RSA key: {e}")))?;
        let mut out = Zeroizing::new(Vec::with_capacity(33 + der.as_bytes().len()));
        out.push(SECRET_BYTES_VERSION);
        out.extend_from_slice(self.ed25519.as_bytes());
        out.extend_from_slice(der.as_bytes());
        Ok(out)
    }

    /// Keys from [`SecretKeys::to_bytes`].
    ///
    /// # Errors
    /// [`Error::Invalid`] when the bytes are not keys in that form.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let bad = |why: &str| Error::Invalid(format!("not issuer secret keys: {why}"));
        let (&version, rest) = bytes.split_first().ok_or_else(|| bad("empty"))?;
        if version != SECRET_BYTES_VERSION {
            return Err(bad(&format!("unknown version {version}")));
        }
        if rest.len() <= 32 {
            return Err(bad("too short"));
        }
        let (seed, der) = rest.split_at(32);
        let seed: [u8; 32] = seed.try_into().map_err(|_| bad("no Ed25519 seed"))?;
        let rsa = rsa::RsaPrivateKey::from_pkcs8_der(der).map_err(|_| bad("no RSA key"))?;
        Ok(Self {
            ed25519: SigningKey::from_bytes(&seed),
            rsa,
        })
    }

    fn public(&self, fragment: String, created: String) -> PublishedKey {
        PublishedKey {
            fragment,
            ed25519_multikey: ed25519_multikey(&self.ed25519.verifying_key()),
            rsa_jwk: PublicJwk::Rsa(self.rsa.to_public_key()).to_json(None),
            created,
            retired: None,
        }
    }
}

/// An issuer with its current secret keys, loaded from a directory (or
/// held elsewhere: [`Issuer::from_parts`]).
pub struct Issuer {
    /// Where its files are; `None` for an issuer a caller keeps itself.
    dir: Option<PathBuf>,
    /// Public record.
    pub record: IssuerRecord,
    /// Secrets of the current key generation.
    pub secrets: SecretKeys,
}

impl fmt::Debug for Issuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Issuer")
            .field("dir", &self.dir)
            .field("record", &self.record)
            .field("secrets", &"[redacted]")
            .finish()
    }
}

/// `did:web` for an HTTPS URL: `https://host:8443/a/b` → `did:web:host%3A8443:a:b`.
///
/// # Errors
/// [`Error::Invalid`] when the URL is not `https://host[/path]`.
pub fn did_web_for_url(url: &str) -> Result<String, Error> {
    let rest = url.strip_prefix("https://").ok_or_else(|| {
        Error::Invalid(format!("issuer URL must start with https:// (got {url})"))
    })?;
    let rest = rest.trim_end_matches('/');
    let mut parts = rest.split('/');
    let host = parts.next().unwrap_or_default();
    if host.is_empty()
        || !host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
    {
        return Err(Error::Invalid(format!(
            "issuer URL has no usable host: {url}"
        )));
    }
    let mut did = format!("did:web:{}", host.replace(':', "%3A"));
    for p in parts {
        if p.is_empty()
            || !p
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '~'))
        {
            return Err(Error::Invalid(format!(
                "issuer URL path is not usable in did:web: {url}"
            )));
        }
        did.push(':');
        did.push_str(p);
    }
    Ok(did)
}

fn write_secret(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    // The mode only applies on creation: tighten an existing file too.
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
        .map_err(|e| Error::io(path, e))?;
    f.write_all(bytes).map_err(|e| Error::io(path, e))
}

fn write_public(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

fn now_rfc3339(now: chrono::DateTime<chrono::Utc>) -> String {
    now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl Issuer {
    /// Whether an issuer exists in `dir`.
    pub fn exists(dir: &Path) -> bool {
        dir.join("issuer.json").is_file()
    }

    /// Creates an issuer in `dir` (mode 0700) with fresh keys.
    ///
    /// # Errors
    /// [`Error::Invalid`] on a bad URL or when an issuer already exists there;
    /// [`Error::Io`] when files cannot be written.
    pub fn init(
        dir: &Path,
        name: &str,
        url: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Self, Error> {
        Self::init_with(dir, name, url, now, SecretKeys::generate()?)
    }

    /// [`Issuer::init`] with given keys (tests use fixed keys).
    ///
    /// # Errors
    /// As [`Issuer::init`].
    pub fn init_with(
        dir: &Path,
        name: &str,
        url: &str,
        now: chrono::DateTime<chrono::Utc>,
        secrets: SecretKeys,
    ) -> Result<Self, Error> {
        if Self::exists(dir) {
            return Err(Error::Invalid(format!(
                "an issuer already exists in {}; use `rotate` for new keys",
                dir.display()
            )));
        }
        let record = IssuerRecord::new(name, url, now, &secrets)?;
        std::fs::create_dir_all(dir.join("keys")).map_err(|e| Error::io(dir, e))?;
        use std::os::unix::fs::PermissionsExt as _;
        for d in [dir.to_path_buf(), dir.join("keys")] {
            std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700))
                .map_err(|e| Error::io(&d, e))?;
        }
        let issuer = Self {
            dir: Some(dir.to_path_buf()),
            record,
            secrets,
        };
        issuer.save_secrets()?;
        issuer.save_record()?;
        Ok(issuer)
    }

    /// Loads the issuer and its current secret keys from `dir`.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is no issuer; [`Error::Invalid`] on damaged files.
    pub fn load(dir: &Path) -> Result<Self, Error> {
        let path = dir.join("issuer.json");
        if !path.is_file() {
            return Err(Error::NotFound(format!(
                "no issuer in {} (run `mm badge issuer init --name … --url …`)",
                dir.display()
            )));
        }
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let record: IssuerRecord = serde_json::from_str(&text)
            .map_err(|e| Error::Invalid(format!("{} is damaged: {e}", path.display())))?;
        if record.keys.is_empty() {
            return Err(Error::Invalid(format!("{} lists no keys", path.display())));
        }
        let frag = &record.current().fragment;
        let ed_path = dir.join("keys").join(format!("{frag}.ed25519"));
        let seed = std::fs::read(&ed_path).map_err(|e| Error::io(&ed_path, e))?;
        let seed: [u8; 32] = seed
            .as_slice()
            .try_into()
            .map_err(|_| Error::Invalid(format!("{} is not a 32-byte seed", ed_path.display())))?;
        let rsa_path = dir.join("keys").join(format!("{frag}.rsa.pem"));
        let pem = std::fs::read_to_string(&rsa_path).map_err(|e| Error::io(&rsa_path, e))?;
        let rsa = rsa::RsaPrivateKey::from_pkcs8_pem(&pem).map_err(|e| {
            Error::Invalid(format!("{} is not an RSA key: {e}", rsa_path.display()))
        })?;
        let secrets = SecretKeys {
            ed25519: SigningKey::from_bytes(&seed),
            rsa,
        };
        if ed25519_multikey(&secrets.ed25519.verifying_key()) != record.current().ed25519_multikey {
            return Err(Error::Invalid(format!(
                "{} does not match the public key in issuer.json",
                ed_path.display()
            )));
        }
        Ok(Self {
            dir: Some(dir.to_path_buf()),
            record,
            secrets,
        })
    }

    /// An issuer from its record and the secrets of its current key
    /// generation, for a caller that keeps them itself (the team server's
    /// database). It writes no files: [`Issuer::rotate`] refuses, the caller
    /// rotates with [`IssuerRecord::add_generation`].
    ///
    /// # Errors
    /// [`Error::Invalid`] when the record lists no keys or the secrets are
    /// not those of its current generation.
    pub fn from_parts(record: IssuerRecord, secrets: SecretKeys) -> Result<Self, Error> {
        let Some(current) = record.keys.last() else {
            return Err(Error::Invalid("the issuer record lists no keys".into()));
        };
        let rsa_public = PublicJwk::Rsa(secrets.rsa.to_public_key()).to_json(None);
        if ed25519_multikey(&secrets.ed25519.verifying_key()) != current.ed25519_multikey
            || rsa_public != current.rsa_jwk
        {
            return Err(Error::Invalid(format!(
                "the secret keys are not those of {}#{}",
                record.id, current.fragment
            )));
        }
        Ok(Self {
            dir: None,
            record,
            secrets,
        })
    }

    /// Replaces the signing keys with fresh ones; older public keys stay published.
    ///
    /// # Errors
    /// [`Error::Io`] when files cannot be written; [`Error::Invalid`] for an
    /// issuer made with [`Issuer::from_parts`] (it has no files).
    pub fn rotate(&mut self, now: chrono::DateTime<chrono::Utc>) -> Result<(), Error> {
        self.rotate_with(now, SecretKeys::generate()?)
    }

    /// [`Issuer::rotate`] with given keys.
    ///
    /// # Errors
    /// As [`Issuer::rotate`].
    pub fn rotate_with(
        &mut self,
        now: chrono::DateTime<chrono::Utc>,
        secrets: SecretKeys,
    ) -> Result<(), Error> {
        if self.dir.is_none() {
            return Err(Error::Invalid(
                "this issuer is kept by its caller, not in files: rotate it there".into(),
            ));
        }
        self.record.add_generation(now, &secrets);
        self.secrets = secrets;
        self.save_secrets()?;
        self.save_record()
    }

    fn save_secrets(&self) -> Result<(), Error> {
        let frag = &self.record.current().fragment;
        let keys = self.dir().join("keys");
        write_secret(
            &keys.join(format!("{frag}.ed25519")),
            self.secrets.ed25519.as_bytes(),
        )?;
        let pem = self
            .secrets
            .rsa
            .to_pkcs8_pem(LineEnding::LF)
            .map_err(|e| Error::Internal(format!("cannot encode RSA key: {e}")))?;
        write_secret(&keys.join(format!("{frag}.rsa.pem")), pem.as_bytes())
    }

    fn save_record(&self) -> Result<(), Error> {
        let text = serde_json::to_string_pretty(&self.record).map_err(Error::json)?;
        write_public(&self.dir().join("issuer.json"), text.as_bytes())
    }

    /// The directory the issuer lives in (empty for one made with
    /// [`Issuer::from_parts`]).
    pub fn dir(&self) -> &Path {
        self.dir.as_deref().unwrap_or(Path::new(""))
    }

    /// DID URL of the current Ed25519 key (the `verificationMethod` of new proofs).
    pub fn verification_method(&self) -> String {
        self.record.key_id(self.record.current())
    }

    /// The Profile embedded as `issuer` in credentials.
    pub fn profile(&self) -> serde_json::Value {
        serde_json::json!({
            "id": self.record.id,
            "type": ["Profile"],
            "name": self.record.name,
            "url": self.record.url,
        })
    }
}

/// The Profile as a stand-alone JSON-LD document (what `issuer.id` serves).
pub fn profile_document(record: &IssuerRecord) -> serde_json::Value {
    serde_json::json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": record.id,
        "type": ["Profile"],
        "name": record.name,
        "url": record.url,
    })
}

/// The `did:web` DID document (also an OB Profile), listing every key
/// generation as a Multikey controlled by the issuer, all in `assertionMethod`
/// (old keys stay so old badges verify), plus the RSA keys as JsonWebKey-style
/// entries for JWT verifiers that resolve `kid` through the DID.
pub fn did_document(record: &IssuerRecord) -> serde_json::Value {
    let mut vms = Vec::new();
    let mut assertion = Vec::new();
    for k in &record.keys {
        let id = record.key_id(k);
        vms.push(serde_json::json!({
            "id": id,
            "type": "Multikey",
            "controller": record.id,
            "publicKeyMultibase": k.ed25519_multikey,
        }));
        assertion.push(serde_json::Value::String(id));
        // The RS256 VC-JWT's key, so a verifier holding only this document
        // can check every form we issue (the VC 2.0 context defines
        // JsonWebKey and publicKeyJwk).
        if let Ok(rsa) = PublicJwk::from_json(&k.rsa_jwk) {
            let rsa_id = record.rsa_key_id(k);
            vms.push(serde_json::json!({
                "id": rsa_id,
                "type": "JsonWebKey",
                "controller": record.id,
                "publicKeyJwk": rsa.to_json(None),
            }));
            assertion.push(serde_json::Value::String(rsa_id));
        }
    }
    serde_json::json!({
        "@context": [
            "https://www.w3.org/ns/did/v1",
            "https://w3id.org/security/multikey/v1",
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": record.id,
        "type": ["Profile"],
        "name": record.name,
        "url": record.url,
        "verificationMethod": vms,
        "assertionMethod": assertion,
    })
}

/// JWKS with every Ed25519 and RSA public key, `kid` = its DID URL.
///
/// # Errors
/// [`Error::Invalid`] if a stored key is damaged.
pub fn jwks(record: &IssuerRecord) -> Result<serde_json::Value, Error> {
    let mut keys = Vec::new();
    for k in &record.keys {
        let ed = crate::multikey::parse_ed25519_multikey(&k.ed25519_multikey)?;
        let mut j = PublicJwk::Ed25519(ed).to_json(Some(&record.key_id(k)));
        j["alg"] = "EdDSA".into();
        j["use"] = "sig".into();
        keys.push(j);
        let rsa = PublicJwk::from_json(&k.rsa_jwk)?;
        let mut j = rsa.to_json(Some(&record.rsa_key_id(k)));
        j["alg"] = "RS256".into();
        j["use"] = "sig".into();
        keys.push(j);
    }
    Ok(serde_json::json!({ "keys": keys }))
}

/// `did:key` of an Ed25519 signing key (used for self-contained test issuers).
pub fn did_key_of(key: &SigningKey) -> String {
    did_key(&key.verifying_key())
}
