//! The organisation issues the badges: each organisation's badge issuer (a
//! `did:web` identity, its key generations and its revocation list) lives in
//! the team database, and [`OrgKeys`] is the [`KeyStore`] the badge
//! workflows of `mm_app::badges` use for it, scoped to one organisation.
//!
//! **Secrets at rest.** A generation's secret keys (Ed25519 and RSA) are
//! sealed with ChaCha20-Poly1305 under the server's [`MasterKey`] (from
//! `MM_TEAM_KEY` or the file `MM_TEAM_KEY_FILE` names; the database never
//! sees it) before they are written: the row keeps a fresh 12-byte nonce and
//! the ciphertext. The organisation's id and the key's id are the
//! authenticated data, so a sealed key copied into another organisation's
//! row does not open there. A server started without the master key, or with
//! another one, refuses to sign with a message that says so; it still
//! publishes the public documents.
//!
//! **Rotation** retires the signing generation and adds the next one; every
//! generation's public key stays in the DID document, so badges signed
//! before keep verifying. Creating the issuer and rotating its keys are for
//! the organisation's admins and go into the audit trail, as do revocations.
//!
//! ```no_run
//! # async fn demo(team: mm_team::TeamStore, admin: mm_team::Actor) -> mm_app::Result<()> {
//! use mm_app::keys::KeyStore as _;
//! let team = team.with_master_key(mm_team::MasterKey::from_env().map_err(mm_team::to_app)?
//!     .expect("MM_TEAM_KEY"));
//! let keys = team.org_keys(&admin);
//! let now = chrono::Utc::now();
//! keys.create_issuer("Acme Ltd", "https://learn.acme.example/orgs/acme", now).await?;
//! keys.rotate_keys(now).await?;
//! # Ok(()) }
//! ```

use crate::people::audit;
use crate::{Actor, Error, Kind, OrgId, Role, TeamStore};
use base64::Engine as _;
use chacha20poly1305::aead::{Aead as _, AeadCore as _, KeyInit as _, OsRng, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use chrono::{DateTime, Utc};
use mm_app::keys::KeyStore;
use mm_credentials::issuer::{Issuer, IssuerRecord, PublishedKey, SecretKeys, did_web_for_url};
use mm_credentials::status::{RevocationList, Revoked};
use sha2::{Digest as _, Sha256};
use sqlx::{Postgres, Transaction};
use std::path::Path;
use std::sync::Arc;
use zeroize::Zeroizing;

/// The environment variable holding the master key (32 bytes, base64 or hex).
pub const MASTER_KEY_ENV: &str = "MM_TEAM_KEY";
/// The environment variable naming a file that holds the master key.
pub const MASTER_KEY_FILE_ENV: &str = "MM_TEAM_KEY_FILE";

/// The nonce's length in a sealed secret.
const NONCE_LEN: usize = 12;

/// The server's master key: seals every organisation's issuer secrets.
/// Never stored in the database; `Debug` shows only its fingerprint.
pub struct MasterKey {
    key: Zeroizing<[u8; 32]>,
    id: String,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MasterKey")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl MasterKey {
    /// A master key from its text: 32 bytes as 64 hex digits or as base64
    /// (standard or URL-safe, padded or not). Surrounding space is ignored.
    ///
    /// # Errors
    /// [`Kind::Invalid`] (field `MM_TEAM_KEY`) for anything else; the
    /// message never repeats the text.
    pub fn parse(text: &str) -> crate::Result<MasterKey> {
        let t = text.trim();
        let bytes = if t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
            (0..32)
                .map(|i| u8::from_str_radix(&t[2 * i..2 * i + 2], 16))
                .collect::<Result<Vec<u8>, _>>()
                .ok()
        } else {
            use base64::engine::general_purpose::{
                STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD,
            };
            [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
                .iter()
                .find_map(|e| e.decode(t).ok())
        };
        let bytes = Zeroizing::new(bytes.unwrap_or_default());
        let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
            Error::invalid(
                "MM_TEAM_KEY",
                format!(
                    "the master key must be 32 random bytes as 64 hex digits or base64 (got {} \
                     characters that are neither); make one with `openssl rand -base64 32`",
                    t.len()
                ),
            )
        })?;
        Ok(MasterKey::from_bytes(key))
    }

    /// A master key from 32 bytes.
    pub fn from_bytes(key: [u8; 32]) -> MasterKey {
        let mut h = Sha256::new();
        h.update(b"mm-team master key id\0");
        h.update(key);
        let id = h.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        MasterKey {
            key: Zeroizing::new(key),
            id,
        }
    }

    /// A fresh random master key and its base64 text (to put in `MM_TEAM_KEY`).
    pub fn generate() -> (MasterKey, String) {
        let key = ChaCha20Poly1305::generate_key(&mut OsRng);
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(&key);
        let text = base64::engine::general_purpose::STANDARD.encode(bytes);
        (MasterKey::from_bytes(bytes), text)
    }

    /// The master key in the file at `path` (its text, as [`MasterKey::parse`] reads it).
    ///
    /// # Errors
    /// [`Kind::Invalid`] (field `MM_TEAM_KEY_FILE`) when it cannot be read
    /// or holds no master key.
    pub fn read_file(path: &Path) -> crate::Result<MasterKey> {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
            Error::invalid(
                "MM_TEAM_KEY_FILE",
                format!("cannot read the master key file {}: {e}", path.display()),
            )
        })?);
        MasterKey::parse(&text)
            .map_err(|e| Error::invalid("MM_TEAM_KEY_FILE", format!("{}: {e}", path.display())))
    }

    /// The master key the environment gives: `MM_TEAM_KEY` (the key) or
    /// `MM_TEAM_KEY_FILE` (a file holding it); `None` when neither is set.
    ///
    /// # Errors
    /// [`Kind::Invalid`] when both are set or the one set holds no key.
    pub fn from_env() -> crate::Result<Option<MasterKey>> {
        let key = std::env::var(MASTER_KEY_ENV).ok().map(Zeroizing::new);
        let file = std::env::var_os(MASTER_KEY_FILE_ENV);
        match (key, file) {
            (Some(_), Some(_)) => Err(Error::invalid(
                "MM_TEAM_KEY",
                "both MM_TEAM_KEY and MM_TEAM_KEY_FILE are set: keep one",
            )),
            (Some(k), None) => MasterKey::parse(&k).map(Some),
            (None, Some(f)) => MasterKey::read_file(Path::new(&f)).map(Some),
            (None, None) => Ok(None),
        }
    }

    /// Its fingerprint (16 hex digits of a hash): tells master keys apart
    /// without revealing them.
    pub fn id(&self) -> &str {
        &self.id
    }

    fn cipher(&self) -> ChaCha20Poly1305 {
        ChaCha20Poly1305::new(Key::from_slice(self.key.as_slice()))
    }

    /// `plain` sealed: nonce, then ciphertext and tag.
    pub(crate) fn seal(&self, aad: &[u8], plain: &[u8]) -> crate::Result<Vec<u8>> {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher()
            .encrypt(&nonce, Payload { msg: plain, aad })
            .map_err(|_| Error::new(Kind::Internal, "sealing the issuer key failed"))?;
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// The plaintext of `sealed`, or `None` when it does not open with
    /// this key and `aad`.
    pub(crate) fn open(&self, aad: &[u8], sealed: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
        if sealed.len() <= NONCE_LEN {
            return None;
        }
        let (nonce, ct) = sealed.split_at(NONCE_LEN);
        self.cipher()
            .decrypt(Nonce::from_slice(nonce), Payload { msg: ct, aad })
            .ok()
            .map(Zeroizing::new)
    }
}

/// The authenticated data of a sealed key: its organisation and its id.
fn aad(org: OrgId, key_id: &str) -> Vec<u8> {
    format!("mm-team issuer key v1\0org {org}\0key {key_id}").into_bytes()
}

/// What [`reseal`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Resealed {
    /// Organisations with a sealed secret (a badge issuer, a single sign-on
    /// client secret).
    pub organisations: usize,
    /// Secrets (issuer key generations, client secrets) sealed anew under
    /// the new master key.
    pub resealed: usize,
    /// Secrets sealed under the new master key already (an earlier run that
    /// stopped half-way): left as they are.
    pub already: usize,
}

/// Rotate the master key: open every organisation's issuer key generations
/// (the signing one and the retired ones) and its single sign-on client
/// secret with `old` and seal them again
/// with `new`, one transaction per organisation, as the database's owner
/// (`owner_url`, as for [`crate::migrate`]: the servers' role sees one
/// organisation at a time). Generations already under `new` are left as
/// they are, so a run that stopped half-way is finished by running it
/// again. Until the servers restart with `new`, they refuse to sign for the
/// organisations already resealed (saying which master key is needed) and
/// still publish every public document.
///
/// # Errors
/// [`Kind::Invalid`] when `old` and `new` are the same key, or a
/// generation opens with neither (nothing of that organisation is changed);
/// [`Kind::Unavailable`] when the database cannot be reached.
pub async fn reseal(owner_url: &str, old: &MasterKey, new: &MasterKey) -> crate::Result<Resealed> {
    if old.id() == new.id() {
        return Err(Error::invalid(
            "new_key_file",
            "the new master key is the old one: make a new one with `mm team new-key`",
        ));
    }
    let (url, schema) = crate::split_schema(owner_url)?;
    let pool = crate::pool(&url, schema, 2).await?;
    // The owner's own policy on `organisations` lists them all; each
    // organisation's rows are then read in its scope, as row-level security
    // (forced, even on the owner) wants.
    let orgs: Vec<OrgId> = sqlx::query_scalar("SELECT id FROM organisations ORDER BY id")
        .fetch_all(&pool)
        .await?;
    let mut done = Resealed::default();
    for org in orgs {
        let mut tx = pool.begin().await?;
        crate::enter(&mut tx, org).await?;
        let keys: Vec<(i32, String, Vec<u8>, String)> = sqlx::query_as(
            "SELECT generation, key_id, secret, master_key_id FROM issuer_keys \
             WHERE org_id = $1 ORDER BY generation FOR UPDATE",
        )
        .bind(org)
        .fetch_all(&mut *tx)
        .await?;
        let sso = crate::sso::reseal_secret(&mut tx, org, old, new).await?;
        if keys.is_empty() && sso.is_none() {
            continue;
        }
        done.organisations += 1;
        let mut here = 0;
        match sso {
            Some(true) => here += 1,
            Some(false) => done.already += 1,
            None => {}
        }
        for (generation, key_id, sealed, sealed_with) in keys {
            let aad = aad(org, &key_id);
            if sealed_with == new.id() && new.open(&aad, &sealed).is_some() {
                done.already += 1;
                continue;
            }
            let plain = old.open(&aad, &sealed).ok_or_else(|| {
                Error::invalid(
                    "old_key_file",
                    format!(
                        "issuer key {key_id} of organisation {org} does not open with the old \
                         master key {} (it was sealed with {sealed_with}): nothing of that \
                         organisation was changed",
                        old.id()
                    ),
                )
            })?;
            let resealed = new.seal(&aad, &plain)?;
            sqlx::query(
                "UPDATE issuer_keys SET secret = $3, master_key_id = $4 \
                 WHERE org_id = $1 AND generation = $2",
            )
            .bind(org)
            .bind(generation)
            .bind(resealed)
            .bind(new.id())
            .execute(&mut *tx)
            .await?;
            here += 1;
        }
        if here == 0 {
            continue;
        }
        done.resealed += here;
        audit(
            &mut tx,
            org,
            None,
            "issuer.reseal",
            None,
            serde_json::json!({
                "from": old.id(), "to": new.id(), "sealed": here,
                "sso_client_secret": sso == Some(true),
            }),
        )
        .await?;
        tx.commit().await?;
    }
    pool.close().await;
    Ok(done)
}

/// One organisation's badge issuer in the team database, as a [`KeyStore`].
///
/// Made per request: [`TeamStore::org_keys`] for a signed-in member (who
/// signs their badges with it; its admins also create and rotate it), or
/// [`TeamStore::published_keys`] for anyone reading its public documents.
#[derive(Clone)]
pub struct OrgKeys {
    team: TeamStore,
    org: OrgId,
    /// Who acts; `None`: the public, who may only read.
    actor: Option<Actor>,
}

impl std::fmt::Debug for OrgKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrgKeys")
            .field("org", &self.org)
            .field("actor", &self.actor)
            .finish_non_exhaustive()
    }
}

impl TeamStore {
    /// The same store sealing and opening issuer keys with `key`.
    pub fn with_master_key(mut self, key: MasterKey) -> Self {
        self.master = Some(Arc::new(key));
        self
    }

    /// The same store also opening what `key` sealed: the master key being
    /// replaced, while a rotation is under way. Start every server with the
    /// new key and this one, run [`reseal`], then restart them without it:
    /// signing never stops.
    pub fn with_previous_master_key(mut self, key: MasterKey) -> Self {
        self.previous = Some(Arc::new(key));
        self
    }

    /// The key that opens what master key `sealed_with` sealed: the
    /// current one, or the previous during a rotation.
    pub(crate) fn opener(&self, sealed_with: &str) -> Option<&MasterKey> {
        [self.master.as_deref(), self.previous.as_deref()]
            .into_iter()
            .flatten()
            .find(|k| k.id() == sealed_with)
    }

    /// The fingerprint of the master key, when the server has one.
    pub fn master_key_id(&self) -> Option<&str> {
        self.master.as_deref().map(MasterKey::id)
    }

    /// The badge issuer of `actor`'s organisation, acting as `actor`.
    pub fn org_keys(&self, actor: &Actor) -> OrgKeys {
        OrgKeys {
            team: self.clone(),
            org: actor.org,
            actor: Some(actor.clone()),
        }
    }

    /// The badge issuer of the organisation `slug` names, for reading what
    /// it publishes (no secrets, no changes).
    ///
    /// # Errors
    /// [`Kind::NotFound`] when no organisation has that slug.
    pub async fn published_keys(&self, slug: &str) -> crate::Result<OrgKeys> {
        let mut tx = self.unscoped().await?;
        let org = crate::org_by_slug(&mut tx, slug).await?;
        tx.commit().await?;
        let org = org.ok_or_else(|| Error::not_found("organisation"))?;
        Ok(OrgKeys {
            team: self.clone(),
            org,
            actor: None,
        })
    }
}

/// A team error as the application's (the badge workflows speak it).
pub fn to_app(e: Error) -> mm_app::Error {
    use mm_app::ErrorKind as A;
    let kind = match e.kind() {
        Kind::NotFound => A::NotFound,
        Kind::Invalid => A::Invalid,
        Kind::Conflict | Kind::Forbidden | Kind::Unauthorized => A::Conflict,
        Kind::Unavailable | Kind::TooMany => A::Unavailable,
        Kind::Internal => A::Internal,
    };
    match (kind, e.field()) {
        (A::Invalid, Some(f)) => mm_app::Error::invalid_field(f, e.to_string()),
        // The team crate's messages are safe to show.
        (A::Unavailable, _) => mm_app::Error::unavailable_named("team database", e.to_string()),
        _ => mm_app::Error::new(kind, e.to_string()),
    }
}

fn key_error(message: impl Into<String>) -> mm_app::Error {
    mm_app::Error::unavailable_named("issuer key", message)
}

type AppResult<T> = mm_app::Result<T>;

/// A stored key generation.
#[derive(sqlx::FromRow)]
struct KeyRow {
    key_id: String,
    ed25519_multikey: String,
    rsa_jwk: sqlx::types::Json<serde_json::Value>,
    created: String,
    retired: Option<String>,
}

impl OrgKeys {
    /// The organisation it acts for.
    pub fn org(&self) -> OrgId {
        self.org
    }

    async fn scope(&self) -> AppResult<Transaction<'static, Postgres>> {
        self.team.scope(self.org).await.map_err(to_app)
    }

    /// The admin acting, or why not.
    fn manager(&self) -> AppResult<&Actor> {
        match &self.actor {
            Some(a) if a.has(Role::Admin) => Ok(a),
            _ => Err(mm_app::Error::conflict(
                "only the organisation's admins create its badge issuer and rotate its keys \
                 (POST /api/v1/team/issuer, /api/v1/team/issuer/rotate)",
            )),
        }
    }

    fn master(&self) -> AppResult<&MasterKey> {
        self.team.master.as_deref().ok_or_else(|| {
            key_error(format!(
                "this team server was started without a master key ({MASTER_KEY_ENV} or \
                 {MASTER_KEY_FILE_ENV}), so it cannot sign the organisation's badges"
            ))
        })
    }

    /// The record, if there is one: identity and every key generation.
    async fn load_record(
        &self,
        tx: &mut Transaction<'static, Postgres>,
        lock: bool,
    ) -> AppResult<IssuerRecord> {
        let identity: Option<sqlx::types::Json<serde_json::Value>> = sqlx::query_scalar(&format!(
            "SELECT identity FROM issuers WHERE org_id = $1{}",
            if lock { " FOR UPDATE" } else { "" }
        ))
        .bind(self.org)
        .fetch_optional(&mut **tx)
        .await
        .map_err(|e| to_app(e.into()))?;
        let Some(identity) = identity else {
            return Err(mm_app::Error::not_found(
                "issuer",
                "for this organisation yet: its admins create one",
            ));
        };
        let text = |k: &str| identity.0[k].as_str().unwrap_or_default().to_owned();
        let rows: Vec<KeyRow> = sqlx::query_as(
            "SELECT key_id, ed25519_multikey, rsa_jwk, mm_iso(created_at) AS created, \
             mm_iso(retired_at) AS retired FROM issuer_keys WHERE org_id = $1 ORDER BY generation",
        )
        .bind(self.org)
        .fetch_all(&mut **tx)
        .await
        .map_err(|e| to_app(e.into()))?;
        if rows.is_empty() {
            return Err(mm_app::Error::internal(
                "the organisation's issuer has no keys",
            ));
        }
        Ok(IssuerRecord {
            id: text("id"),
            name: text("name"),
            url: text("url"),
            keys: rows
                .into_iter()
                .map(|r| PublishedKey {
                    fragment: r.key_id,
                    ed25519_multikey: r.ed25519_multikey,
                    rsa_jwk: r.rsa_jwk.0,
                    created: r.created,
                    retired: r.retired,
                })
                .collect(),
        })
    }

    /// Seal and insert `record`'s current generation.
    async fn insert_key(
        &self,
        tx: &mut Transaction<'static, Postgres>,
        record: &IssuerRecord,
        secrets: &SecretKeys,
        by: &Actor,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        let master = self.master()?;
        let k = record.current();
        let generation = i32::try_from(record.keys.len() - 1)
            .map_err(|_| mm_app::Error::internal("too many key generations"))?;
        let plain = secrets.to_bytes()?;
        let sealed = master
            .seal(&aad(self.org, &k.fragment), &plain)
            .map_err(to_app)?;
        sqlx::query(
            "INSERT INTO issuer_keys (org_id, generation, key_id, ed25519_multikey, rsa_jwk, \
             secret, master_key_id, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::TIMESTAMPTZ)",
        )
        .bind(self.org)
        .bind(generation)
        .bind(&k.fragment)
        .bind(&k.ed25519_multikey)
        .bind(sqlx::types::Json(&k.rsa_jwk))
        .bind(sealed)
        .bind(master.id())
        .bind(by.person)
        .bind(now.to_rfc3339())
        .execute(&mut **tx)
        .await
        .map_err(|e| to_app(e.into()))?;
        Ok(())
    }

    async fn audit(
        &self,
        tx: &mut Transaction<'static, Postgres>,
        action: &str,
        subject: String,
        detail: serde_json::Value,
    ) -> AppResult<()> {
        audit(
            tx,
            self.org,
            self.actor.as_ref().map(|a| a.person),
            action,
            Some(subject),
            detail,
        )
        .await
        .map_err(to_app)
    }
}

impl OrgKeys {
    /// The current generation's secrets, opened with the master key.
    async fn open_current(&self, tx: &mut Transaction<'static, Postgres>) -> AppResult<SecretKeys> {
        let (key_id, sealed, sealed_with): (String, Vec<u8>, String) = sqlx::query_as(
            "SELECT key_id, secret, master_key_id FROM issuer_keys \
             WHERE org_id = $1 AND retired_at IS NULL",
        )
        .bind(self.org)
        .fetch_one(&mut **tx)
        .await
        .map_err(|e| to_app(e.into()))?;
        let master = self.master()?;
        let plain = self
            .team
            .opener(&sealed_with)
            .and_then(|k| k.open(&aad(self.org, &key_id), &sealed))
            .ok_or_else(|| {
                if self.team.opener(&sealed_with).is_some() {
                    key_error(format!(
                        "issuer key {key_id} cannot be decrypted: it is damaged or was sealed for \
                         another organisation"
                    ))
                } else {
                    key_error(format!(
                        "issuer key cannot be decrypted: wrong {MASTER_KEY_ENV}? (the key was \
                         sealed with master key {sealed_with}, this server has {})",
                        master.id()
                    ))
                }
            })?;
        SecretKeys::from_bytes(&plain)
            .map_err(|e| mm_app::Error::internal(format!("issuer key {key_id}: {e}")))
    }
}

/// Fresh keys, made off the async workers (RSA generation takes a while).
async fn fresh_keys() -> AppResult<SecretKeys> {
    tokio::task::spawn_blocking(SecretKeys::generate)
        .await
        .map_err(|e| mm_app::Error::internal(format!("key generation stopped: {e}")))?
        .map_err(mm_app::Error::from)
}

impl KeyStore for OrgKeys {
    async fn issuer(&self) -> AppResult<Issuer> {
        if self.actor.is_none() {
            return Err(mm_app::Error::conflict(
                "the organisation's published documents hold no secret keys",
            ));
        }
        let mut tx = self.scope().await?;
        let record = self.load_record(&mut tx, false).await?;
        let secrets = self.open_current(&mut tx).await?;
        tx.commit().await.map_err(|e| to_app(e.into()))?;
        Issuer::from_parts(record, secrets).map_err(|e| {
            mm_app::Error::internal(format!("the organisation's current issuer key: {e}"))
        })
    }

    async fn record(&self) -> AppResult<IssuerRecord> {
        let mut tx = self.scope().await?;
        let record = self.load_record(&mut tx, false).await?;
        tx.commit().await.map_err(|e| to_app(e.into()))?;
        Ok(record)
    }

    async fn create_issuer(&self, name: &str, url: &str, now: DateTime<Utc>) -> AppResult<Issuer> {
        let by = self.manager()?.clone();
        self.master()?;
        if name.trim().is_empty() || name.trim().chars().count() > 200 {
            return Err(mm_app::Error::invalid_field(
                "name",
                "the issuer needs a name (1 to 200 characters): badges show it",
            ));
        }
        did_web_for_url(url).map_err(|e| mm_app::Error::invalid_field("url", e.to_string()))?;
        let secrets = fresh_keys().await?;
        let record = IssuerRecord::new(name, url, now, &secrets)?;
        let mut tx = self.scope().await?;
        let inserted = sqlx::query(
            "INSERT INTO issuers (org_id, identity, created_by, created_at) \
             VALUES ($1, $2, $3, $4::TIMESTAMPTZ) ON CONFLICT (org_id) DO NOTHING",
        )
        .bind(self.org)
        .bind(sqlx::types::Json(serde_json::json!({
            "id": record.id, "name": record.name, "url": record.url,
        })))
        .bind(by.person)
        .bind(now.to_rfc3339())
        .execute(&mut *tx)
        .await
        .map_err(|e| to_app(e.into()))?
        .rows_affected();
        if inserted == 0 {
            return Err(mm_app::Error::conflict(
                "the organisation has a badge issuer already; rotate its keys instead",
            ));
        }
        self.insert_key(&mut tx, &record, &secrets, &by, now)
            .await?;
        self.audit(
            &mut tx,
            "issuer_create",
            format!("issuer:{}", record.id),
            serde_json::json!({ "name": record.name, "url": record.url, "key": record.current().fragment }),
        )
        .await?;
        tx.commit().await.map_err(|e| to_app(e.into()))?;
        Ok(Issuer::from_parts(record, secrets)?)
    }

    async fn rotate_keys(&self, now: DateTime<Utc>) -> AppResult<Issuer> {
        let by = self.manager()?.clone();
        self.master()?;
        // Made before the transaction, so no lock waits on RSA generation.
        let secrets = fresh_keys().await?;
        let mut tx = self.scope().await?;
        // Locks the issuer: two rotations at once make two generations in turn.
        let mut record = self.load_record(&mut tx, true).await?;
        // Only with the master key that sealed the current one: a server
        // with another would seal a key the rest cannot open.
        self.open_current(&mut tx).await?;
        let old = record.current().fragment.clone();
        record.add_generation(now, &secrets);
        sqlx::query(
            "UPDATE issuer_keys SET retired_at = $2::TIMESTAMPTZ WHERE org_id = $1 AND retired_at IS NULL",
        )
            .bind(self.org)
            .bind(now.to_rfc3339())
            .execute(&mut *tx)
            .await
            .map_err(|e| to_app(e.into()))?;
        self.insert_key(&mut tx, &record, &secrets, &by, now)
            .await?;
        self.audit(
            &mut tx,
            "issuer_rotate",
            format!("issuer:{}", record.id),
            serde_json::json!({ "retired": old, "key": record.current().fragment }),
        )
        .await?;
        tx.commit().await.map_err(|e| to_app(e.into()))?;
        Ok(Issuer::from_parts(record, secrets)?)
    }

    async fn revocations(&self, issuer: &IssuerRecord) -> AppResult<RevocationList> {
        let mut tx = self.scope().await?;
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT credential_id, reason FROM issuer_revocations WHERE org_id = $1 \
             ORDER BY revoked_at, credential_id",
        )
        .bind(self.org)
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| to_app(e.into()))?;
        tx.commit().await.map_err(|e| to_app(e.into()))?;
        let mut list = RevocationList::new(&issuer.revocation_list_url(), &issuer.id);
        list.revoked_credentials = rows
            .into_iter()
            .map(|(id, reason)| Revoked {
                id,
                revocation_reason: Some(reason),
            })
            .collect();
        Ok(list)
    }

    /// The organisation's ledger keeps every credential signed for a
    /// member, before their journal records it (audited as `badge_issue`).
    /// The organisation answers only for what its programmes set: a goal
    /// one of them gave the member (whose evidence its approvers accepted,
    /// where the programme asks for approval); a goal the member set
    /// themself is refused, and nothing is written.
    async fn record_issued(&self, issued: &mm_app::keys::IssuedCredential<'_>) -> AppResult<()> {
        let Some(actor) = self.actor.clone() else {
            return Err(mm_app::Error::conflict(
                "the organisation's published documents sign nothing",
            ));
        };
        let mut tx = self.scope().await?;
        let given: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM given_goals \
             WHERE org_id = $1 AND person_id = $2 AND goal_id = $3)",
        )
        .bind(self.org)
        .bind(actor.person)
        .bind(issued.goal.0)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| to_app(e.into()))?;
        if !given {
            return Err(mm_app::Error::conflict(format!(
                "the organisation signs badges only for the goals its programmes gave you, and \
                 goal {} is one you set yourself: for it, issue a badge with your own issuer \
                 (export your journal and issue it from Micromastery on your own computer)",
                issued.goal.0
            )));
        }
        sqlx::query(
            "INSERT INTO issued_credentials (org_id, credential_id, person_id, goal_id,              micro_skill, issued_at, credential) VALUES ($1, $2, $3, $4, $5, $6::TIMESTAMPTZ, $7)",
        )
        .bind(self.org)
        .bind(issued.id)
        .bind(actor.person)
        .bind(issued.goal.0)
        .bind(issued.micro_skill)
        .bind(issued.issued_at.to_rfc3339())
        .bind(issued.credential)
        .execute(&mut *tx)
        .await
        .map_err(|e| to_app(e.into()))?;
        self.audit(
            &mut tx,
            "badge_issue",
            format!("credential:{}", issued.id),
            serde_json::json!({ "goal": issued.goal.0, "micro_skill": issued.micro_skill }),
        )
        .await?;
        tx.commit().await.map_err(|e| to_app(e.into()))?;
        Ok(())
    }

    /// Adds the list's new entries (and changed reasons); a badge once
    /// revoked stays revoked, whatever a list leaves out.
    async fn save_revocations(&self, list: &RevocationList) -> AppResult<()> {
        let Some(actor) = self.actor.clone() else {
            return Err(mm_app::Error::conflict(
                "the organisation's published documents cannot be changed",
            ));
        };
        let mut tx = self.scope().await?;
        let record = self.load_record(&mut tx, true).await?;
        if list.issuer != record.id {
            return Err(mm_app::Error::invalid(format!(
                "this revocation list is {}'s, not the organisation's ({})",
                list.issuer, record.id
            )));
        }
        let stored: Vec<(String, String)> = sqlx::query_as(
            "SELECT credential_id, reason FROM issuer_revocations WHERE org_id = $1",
        )
        .bind(self.org)
        .fetch_all(&mut *tx)
        .await
        .map_err(|e| to_app(e.into()))?;
        for r in &list.revoked_credentials {
            let reason = r.revocation_reason.as_deref().unwrap_or("").trim();
            let reason = if reason.is_empty() { "revoked" } else { reason };
            if stored.iter().any(|(id, old)| *id == r.id && old == reason) {
                continue;
            }
            sqlx::query(
                "INSERT INTO issuer_revocations (org_id, credential_id, reason, revoked_by) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (org_id, credential_id) \
                 DO UPDATE SET reason = EXCLUDED.reason",
            )
            .bind(self.org)
            .bind(&r.id)
            .bind(reason)
            .bind(actor.person)
            .execute(&mut *tx)
            .await
            .map_err(|e| to_app(e.into()))?;
            self.audit(
                &mut tx,
                "badge_revoke",
                format!("credential:{}", r.id),
                serde_json::json!({ "reason": reason }),
            )
            .await?;
        }
        tx.commit().await.map_err(|e| to_app(e.into()))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn master_keys_parse_from_hex_and_base64_and_nothing_else() {
        let hex = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        let a = MasterKey::parse(hex).unwrap();
        let b64 = base64::engine::general_purpose::STANDARD.encode(a.key.as_slice());
        let b = MasterKey::parse(&format!("  {b64}\n")).unwrap();
        assert_eq!(a.id(), b.id());
        assert_eq!(a.id().len(), 16);
        for bad in ["", "short", &hex[..62], "zz".repeat(32).as_str()] {
            let e = MasterKey::parse(bad).unwrap_err();
            assert_eq!(e.field(), Some("MM_TEAM_KEY"));
            assert!(e.to_string().contains("32 random bytes"), "{e}");
        }
        assert!(!format!("{a:?}").contains("0011"), "Debug hides the key");
    }

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_its_place() {
        let (k, _) = MasterKey::generate();
        let (other, _) = MasterKey::generate();
        let sealed = k.seal(&aad(1, "key-0"), b"secret bytes").unwrap();
        assert!(!sealed.windows(12).any(|w| w == b"secret bytes"));
        assert_eq!(
            k.open(&aad(1, "key-0"), &sealed).unwrap().as_slice(),
            b"secret bytes"
        );
        assert!(other.open(&aad(1, "key-0"), &sealed).is_none());
        assert!(k.open(&aad(2, "key-0"), &sealed).is_none(), "another org");
        assert!(k.open(&aad(1, "key-1"), &sealed).is_none(), "another key");
        // A fresh nonce each time.
        assert_ne!(sealed, k.seal(&aad(1, "key-0"), b"secret bytes").unwrap());
    }
}
