//! Single sign-on for institutions: an organisation's admins name its
//! OpenID provider (issuer, client id and secret), and its people sign in
//! there instead of with a password, by OpenID Connect's authorization code
//! flow with PKCE ([`openidconnect`]).
//!
//! The flow, as the server runs it:
//! 1. [`TeamStore::begin_sso`] reads the provider's discovery document,
//!    keeps a sign-in under way in the database (its `state`, nonce and PKCE
//!    verifier: any instance may take the browser back) and answers the
//!    provider's authorization URL and the `state`, which the browser also
//!    carries in a cookie.
//! 2. The provider sends the browser back with a code;
//!    [`TeamStore::finish_sso`] checks the `state` against the cookie (a
//!    sign-in started in another browser does not finish in this one), uses
//!    the sign-in under way once, exchanges the code, verifies the ID
//!    token's signature, issuer, audience, expiry and nonce, and reads the
//!    person's verified email (from the ID token, else the userinfo
//!    endpoint).
//! 3. The provider's `sub` names the person from then on: at the first
//!    sign-in it is linked to the member with that verified email, or, when
//!    the email's domain is one the organisation lets join, to a new
//!    learner. Anyone else is refused, in words that say whom to ask.
//!
//! The client secret is sealed with the server's master key, as the issuer
//! keys are, and never shown again.

use crate::accounts::SignIn;
use crate::people::{add_person, audit, normalise_email, parse_time};
use crate::secret;
use crate::{Actor, Error, Kind, OrgId, PersonId, Result, Role, TeamStore, enter, org_by_slug};
use chrono::{DateTime, Utc};
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims,
};
use openidconnect::{
    AccessTokenHash, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, IssuerUrl, Nonce, OAuth2TokenResponse as _, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse as _,
};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The prefix of a sign-in's `state` (the cookie's value while it is under way).
pub const SSO_STATE_PREFIX: &str = "mmo_";
/// How long a sign-in may stay at the provider, in minutes.
const SSO_MINUTES: i32 = 10;
/// How long one request to the provider may take.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);
/// What a person who signs in by single sign-on has for a password hash:
/// no PHC string, so a password never matches.
const NO_PASSWORD: &str = "!sso";

/// An organisation's OpenID provider, as its admins see it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SsoProvider {
    /// The provider's issuer URL (`https://login.example.edu/realms/staff`).
    pub issuer: String,
    /// The client id this server signs in as.
    pub client_id: String,
    /// Whether a client secret is kept (sealed; it is never shown).
    pub has_client_secret: bool,
    /// What the sign-in page's button says: "Sign in with …".
    pub label: String,
    /// Email domains whose verified addresses join as learners at their first sign-in.
    pub join_domains: Vec<String>,
    /// The URL to register at the provider as this organisation's redirect URI
    /// (filled in by the server, which knows its own address).
    pub redirect_path: String,
    /// When it was last set.
    pub updated_at: DateTime<Utc>,
}

/// An organisation's OpenID provider, as an admin sets it.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSso {
    /// The provider's issuer URL: https (http only on this machine, for testing).
    pub issuer: String,
    /// The client id the provider registered for this server.
    pub client_id: String,
    /// Its client secret (none: a public client, PKCE only; absent when
    /// changing the rest keeps the one already kept).
    #[serde(default)]
    pub client_secret: Option<String>,
    /// What the sign-in page's button says (default "your organisation's sign-in").
    #[serde(default)]
    pub label: Option<String>,
    /// Email domains whose verified addresses join as learners at their
    /// first sign-in (`example.edu`); empty: only members sign in.
    #[serde(default)]
    pub join_domains: Vec<String>,
}

/// A sign-in sent to the provider: where to send the browser, and the
/// `state` it must carry back (set it as a cookie too).
pub struct SsoStart {
    /// The provider's authorization URL.
    pub authorize_url: String,
    /// The sign-in's secret `state`.
    pub state: String,
}

impl std::fmt::Debug for SsoStart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SsoStart")
            .field("authorize_url", &self.authorize_url)
            .field("state", &"<hidden>")
            .finish()
    }
}

/// What the provider sent the browser back with.
#[derive(Debug, Clone, Default)]
pub struct SsoReturn {
    /// The `state` in the URL.
    pub state: String,
    /// The authorization code (absent when the provider refused).
    pub code: Option<String>,
    /// The provider's `iss` (RFC 9207), when it sends one.
    pub iss: Option<String>,
    /// The provider's `error` and `error_description`, when it refused.
    pub error: Option<String>,
}

/// A provider's configuration opened for one sign-in (the secret in the clear).
struct Opened {
    issuer: String,
    client_id: String,
    client_secret: Option<String>,
    join_domains: Vec<String>,
}

/// What the provider says of the person.
#[derive(Debug)]
struct Claims {
    subject: String,
    email: Option<String>,
    email_verified: bool,
    name: Option<String>,
}

/// The authenticated data of a sealed client secret: its organisation.
fn aad(org: OrgId) -> Vec<u8> {
    format!("mm-team sso client secret v1\0org {org}").into_bytes()
}

/// The path of an organisation's redirect URI on this server.
pub fn redirect_path(slug: &str) -> String {
    format!("/o/{slug}/sso/callback")
}

fn no_sso() -> Error {
    Error::new(Kind::NotFound, "this organisation has no single sign-on")
}

/// The provider row of the organisation the transaction acts in, if any.
async fn provider_row(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
) -> Result<Option<ProviderRow>> {
    Ok(sqlx::query_as(PROVIDER_SQL)
        .fetch_optional(&mut **tx)
        .await?)
}

fn refused() -> Error {
    Error::unauthorized("this single sign-on did not finish: start again from the sign-in page")
}

fn provider_error(issuer: &str, what: &str, e: impl std::fmt::Display) -> Error {
    Error::new(
        Kind::Unavailable,
        format!("the sign-in provider {issuer} {what}: {e}"),
    )
}

/// The issuer URL an admin gave, checked: https, or http on this machine.
fn check_issuer(raw: &str) -> Result<String> {
    let s = raw.trim().trim_end_matches('/').to_owned();
    let bad = |why: &str| Error::invalid("issuer", format!("{s:?} is not a usable issuer: {why}"));
    let url = IssuerUrl::new(s.clone())
        .map_err(|_| bad("give the provider's full URL, like https://login.example.edu"))?;
    let parsed = url.url();
    let loopback = matches!(parsed.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    match parsed.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return Err(bad("an issuer is an https URL")),
    }
    if parsed.query().is_some() || parsed.fragment().is_some() || s.len() > 500 {
        return Err(bad(
            "an issuer has no query or fragment, and is at most 500 bytes",
        ));
    }
    Ok(s)
}

fn check_domain(raw: &str) -> Result<String> {
    let d = raw.trim().trim_start_matches('@').to_lowercase();
    let ok = (3..=253).contains(&d.len())
        && d.contains('.')
        && !d.starts_with(['.', '-'])
        && !d.ends_with(['.', '-'])
        && d.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    if ok {
        Ok(d)
    } else {
        Err(Error::invalid(
            "join_domains",
            format!("{raw:?} is not an email domain (like example.edu)"),
        ))
    }
}

/// The HTTP client for the provider: bounded in time, following no
/// redirects (OpenID Connect needs none).
fn http() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .timeout(PROVIDER_TIMEOUT)
        .redirects(0)
        // A few requests per sign-in: a fresh connection each, never a
        // pooled one the provider may have closed.
        .max_idle_connections(0)
        .build()
}

fn discover(issuer: &str, http: &ureq::Agent) -> Result<CoreProviderMetadata> {
    let url = IssuerUrl::new(issuer.to_owned())
        .map_err(|e| Error::invalid("issuer", format!("{issuer:?}: {e}")))?;
    CoreProviderMetadata::discover(&url, http).map_err(|e| {
        provider_error(
            issuer,
            "did not answer its discovery document (/.well-known/openid-configuration)",
            error_chain(&e),
        )
    })
}

/// An error and its sources, in one line (a source that says what its
/// error said already is left out).
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// Run blocking work (the provider's HTTP calls) off the async threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| Error::new(Kind::Internal, format!("the sign-in stopped: {e}")))?
}

/// The client of an organisation's provider, as discovery makes it: an
/// authorization endpoint, maybe token and userinfo endpoints.
type ProviderClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The provider's client from its discovery document, coming back at
/// `redirect`.
fn client(cfg: &Opened, redirect: &str, http: &ureq::Agent) -> Result<ProviderClient> {
    let meta = discover(&cfg.issuer, http)?;
    Ok(CoreClient::from_provider_metadata(
        meta,
        ClientId::new(cfg.client_id.clone()),
        cfg.client_secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(
        RedirectUrl::new(redirect.to_owned())
            .map_err(|e| Error::new(Kind::Internal, format!("the redirect URI: {e}")))?,
    ))
}

/// The provider's authorization URL for a new sign-in: its state, nonce and
/// PKCE verifier.
fn start(cfg: &Opened, redirect: &str) -> Result<(String, String, String, String)> {
    let client = client(cfg, redirect, &http())?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let state = secret::fresh(SSO_STATE_PREFIX);
    let given = state.clone();
    let (url, _, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            move || CsrfToken::new(given),
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".into()))
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    Ok((
        url.to_string(),
        state,
        nonce.secret().clone(),
        verifier.secret().clone(),
    ))
}

/// Exchange the code and read who signed in from the verified ID token
/// (and the userinfo endpoint, for an email the token leaves out).
fn finish(
    cfg: &Opened,
    redirect: &str,
    code: String,
    nonce: String,
    verifier: String,
) -> Result<Claims> {
    let http = http();
    let client = client(cfg, redirect, &http)?;
    let token = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| provider_error(&cfg.issuer, "names no token endpoint", e))?
        .set_pkce_verifier(PkceCodeVerifier::new(verifier))
        .request(&http)
        .map_err(|e| {
            Error::unauthorized(format!(
                "the sign-in provider did not confirm this sign-in ({}): start again from the sign-in page",
                error_chain(&e)
            ))
        })?;
    let id_token = token.id_token().ok_or_else(|| {
        Error::unauthorized("the sign-in provider sent no ID token: is it an OpenID provider?")
    })?;
    let verifier = client.id_token_verifier();
    let claims = id_token
        .claims(&verifier, &Nonce::new(nonce))
        .map_err(|e| {
            Error::unauthorized(format!(
                "the sign-in provider's ID token does not verify ({}): start again",
                error_chain(&e)
            ))
        })?;
    if let Some(expected) = claims.access_token_hash() {
        let alg = id_token
            .signing_alg()
            .map_err(|e| Error::unauthorized(format!("the ID token: {e}")))?;
        let key = id_token
            .signing_key(&verifier)
            .map_err(|e| Error::unauthorized(format!("the ID token: {e}")))?;
        let actual = AccessTokenHash::from_token(token.access_token(), alg, key)
            .map_err(|e| Error::unauthorized(format!("the ID token: {e}")))?;
        if actual != *expected {
            return Err(Error::unauthorized(
                "the ID token does not belong to its access token: start again",
            ));
        }
    }
    let mut out = Claims {
        subject: claims.subject().as_str().to_owned(),
        email: claims.email().map(|e| e.as_str().to_owned()),
        email_verified: claims.email_verified().unwrap_or(false),
        name: claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str().to_owned()),
    };
    if out.email.is_none() {
        // Many providers keep the email for the userinfo endpoint.
        if let Ok(request) =
            client.user_info(token.access_token().clone(), Some(claims.subject().clone()))
        {
            let info: CoreUserInfoClaims = request.request(&http).map_err(|e| {
                provider_error(
                    &cfg.issuer,
                    "did not answer its userinfo endpoint",
                    error_chain(&e),
                )
            })?;
            out.email = info.email().map(|e| e.as_str().to_owned());
            out.email_verified = info.email_verified().unwrap_or(false);
            if out.name.is_none() {
                out.name = info
                    .name()
                    .and_then(|n| n.get(None))
                    .map(|n| n.as_str().to_owned());
            }
        }
    }
    Ok(out)
}

type ProviderRow = (
    String,
    String,
    Option<Vec<u8>>,
    Option<String>,
    String,
    Vec<String>,
    String,
);

const PROVIDER_SQL: &str = "SELECT issuer, client_id, client_secret, master_key_id, label, \
     join_domains, mm_iso(updated_at) FROM sso_providers WHERE org_id = mm_org()";

impl TeamStore {
    /// The actor's organisation's OpenID provider, if it has one (admins only).
    ///
    /// # Errors
    /// [`Kind::Forbidden`] for anyone but an admin.
    pub async fn sso(&self, actor: &Actor) -> Result<Option<SsoProvider>> {
        actor.require(&[Role::Admin], "see the single sign-on settings")?;
        let mut tx = self.scope(actor.org).await?;
        let row = provider_row(&mut tx).await?;
        let slug = crate::people::organisation_in(&mut tx).await?.slug;
        tx.commit().await?;
        row.map(|r| shown(r, &slug)).transpose()
    }

    /// Set the actor's organisation's OpenID provider (admins only). The
    /// provider is asked for its discovery document first, so a wrong
    /// issuer is refused here rather than at someone's sign-in.
    ///
    /// # Errors
    /// [`Kind::Forbidden`] for anyone but an admin; [`Kind::Invalid`] for a
    /// bad issuer, client id, label or domain, or a secret without a
    /// master key to seal it; [`Kind::Unavailable`] when the provider does
    /// not answer.
    pub async fn set_sso(&self, actor: &Actor, new: NewSso) -> Result<SsoProvider> {
        actor.require(&[Role::Admin], "set the single sign-on")?;
        let issuer = check_issuer(&new.issuer)?;
        let client_id = new.client_id.trim().to_owned();
        if client_id.is_empty() || client_id.len() > 500 || client_id.chars().any(char::is_control)
        {
            return Err(Error::invalid(
                "client_id",
                "give the client id the provider registered (1 to 500 characters)",
            ));
        }
        let label = match new.label.as_deref().map(str::trim) {
            None | Some("") => "your organisation's sign-in".to_owned(),
            Some(l) if l.chars().count() <= 100 && !l.chars().any(char::is_control) => l.to_owned(),
            Some(_) => {
                return Err(Error::invalid(
                    "label",
                    "a label is at most 100 characters, without control characters",
                ));
            }
        };
        if new.join_domains.len() > 50 {
            return Err(Error::invalid("join_domains", "name at most 50 domains"));
        }
        let mut join_domains = new
            .join_domains
            .iter()
            .map(|d| check_domain(d))
            .collect::<Result<Vec<_>>>()?;
        join_domains.sort();
        join_domains.dedup();
        let sealed = match new.client_secret.as_deref().map(str::trim) {
            Some("") | None => None,
            Some(s) if s.len() > 1000 => {
                return Err(Error::invalid(
                    "client_secret",
                    "a client secret is at most 1000 bytes",
                ));
            }
            Some(s) => {
                let key = self.master.as_ref().ok_or_else(|| {
                    Error::invalid(
                        "client_secret",
                        "this server cannot keep a client secret yet: whoever runs it must give it a master key first (the server's administration guide says how)",
                    )
                })?;
                Some((
                    key.seal(&aad(actor.org), s.as_bytes())?,
                    key.id().to_owned(),
                ))
            }
        };
        // An issuer that does not answer is the admin's to correct: 422.
        let probe = issuer.clone();
        blocking(move || discover(&probe, &http()).map(|_| ()))
            .await
            .map_err(|e| match e.kind() {
                Kind::Unavailable => Error::invalid(
                    "issuer",
                    format!("{e} (check the issuer URL, and that this server can reach it)"),
                ),
                _ => e,
            })?;
        let mut tx = self.scope(actor.org).await?;
        let keep_secret = new.client_secret.is_none();
        sqlx::query(
            "INSERT INTO sso_providers (org_id, issuer, client_id, client_secret, master_key_id, \
                 label, join_domains, updated_by) \
             VALUES (mm_org(), $1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (org_id) DO UPDATE SET issuer = $1, client_id = $2, \
                 client_secret = CASE WHEN $8 THEN sso_providers.client_secret ELSE $3 END, \
                 master_key_id = CASE WHEN $8 THEN sso_providers.master_key_id ELSE $4 END, \
                 label = $5, join_domains = $6, updated_by = $7, updated_at = now()",
        )
        .bind(&issuer)
        .bind(&client_id)
        .bind(sealed.as_ref().map(|s| s.0.clone()))
        .bind(sealed.as_ref().map(|s| s.1.clone()))
        .bind(&label)
        .bind(&join_domains)
        .bind(actor.person)
        .bind(keep_secret)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor.org,
            Some(actor.person),
            "sso.set",
            None,
            serde_json::json!({
                "issuer": issuer, "client_id": client_id, "join_domains": join_domains,
                "secret": if keep_secret { "kept" } else if sealed.is_some() { "set" } else { "none" },
            }),
        )
        .await?;
        let row = provider_row(&mut tx).await?.ok_or_else(no_sso)?;
        let slug = crate::people::organisation_in(&mut tx).await?.slug;
        tx.commit().await?;
        shown(row, &slug)
    }

    /// Stop single sign-on for the actor's organisation (admins only).
    /// Members keep their accounts; the links to their provider identities
    /// stay, and work again if the same provider is set again.
    ///
    /// # Errors
    /// [`Kind::Forbidden`] for anyone but an admin; [`Kind::NotFound`] when
    /// none is set.
    pub async fn remove_sso(&self, actor: &Actor) -> Result<()> {
        actor.require(&[Role::Admin], "remove the single sign-on")?;
        let mut tx = self.scope(actor.org).await?;
        let gone = sqlx::query("DELETE FROM sso_providers WHERE org_id = mm_org()")
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if gone == 0 {
            return Err(no_sso());
        }
        audit(
            &mut tx,
            actor.org,
            Some(actor.person),
            "sso.remove",
            None,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The sign-in button's label at an organisation's sign-in page, when
    /// it has single sign-on (anyone may ask).
    ///
    /// # Errors
    /// [`Kind::Unavailable`] when the database is down.
    pub async fn sso_label(&self, slug: &str) -> Result<Option<String>> {
        let mut tx = self.unscoped().await?;
        let Some(org) = org_by_slug(&mut tx, slug.trim()).await? else {
            return Ok(None);
        };
        enter(&mut tx, org).await?;
        let label: Option<String> =
            sqlx::query_scalar("SELECT label FROM sso_providers WHERE org_id = mm_org()")
                .fetch_optional(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(label)
    }

    /// Start a single sign-on at organisation `slug`, to come back at
    /// `redirect` (this server's [`redirect_path`], absolute).
    ///
    /// # Errors
    /// [`Kind::NotFound`] for an organisation without single sign-on;
    /// [`Kind::Unavailable`] when the provider or the database does not answer.
    pub async fn begin_sso(&self, slug: &str, redirect: &str) -> Result<SsoStart> {
        let (org, cfg) = self.opened(slug).await?;
        let redirect = redirect.to_owned();
        let issuer = cfg.issuer.clone();
        let (authorize_url, state, nonce, verifier) =
            blocking(move || start(&cfg, &redirect)).await?;
        let mut tx = self.scope(org).await?;
        // Sign-ins abandoned at the provider go once they can no longer finish.
        sqlx::query("DELETE FROM sso_logins WHERE org_id = mm_org() AND expires_at < now() - interval '1 day'")
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sso_logins (org_id, state_hash, issuer, nonce, pkce_verifier, expires_at) \
             VALUES (mm_org(), $1, $2, $3, $4, now() + make_interval(mins => $5))",
        )
        .bind(secret::hash(&state))
        .bind(&issuer)
        .bind(&nonce)
        .bind(&verifier)
        .bind(SSO_MINUTES)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(SsoStart {
            authorize_url,
            state,
        })
    }

    /// Finish a single sign-on at organisation `slug`: `cookie` is the
    /// `state` this browser was given by [`TeamStore::begin_sso`], `back`
    /// what the provider sent it back with. A new browser session for the
    /// person the provider names (see the module's overview for who that is).
    ///
    /// # Errors
    /// [`Kind::Unauthorized`] for a sign-in that is not this browser's,
    /// used already, expired, refused by the provider, or whose tokens do
    /// not verify; [`Kind::Forbidden`] for someone who is not a member and
    /// may not join; [`Kind::Unavailable`] when the provider does not answer.
    pub async fn finish_sso(
        &self,
        slug: &str,
        redirect: &str,
        cookie: Option<&str>,
        back: SsoReturn,
    ) -> Result<SignIn> {
        if !secret::well_formed(&back.state, SSO_STATE_PREFIX)
            || cookie != Some(back.state.as_str())
        {
            return Err(refused());
        }
        let mut tx = self.unscoped().await?;
        let org = org_by_slug(&mut tx, slug.trim())
            .await?
            .ok_or_else(refused)?;
        enter(&mut tx, org).await?;
        // Used once, whatever happens next.
        let login: Option<(String, String, String)> = sqlx::query_as(
            "UPDATE sso_logins SET used_at = now() \
             WHERE org_id = mm_org() AND state_hash = $1 AND used_at IS NULL AND expires_at > now() \
             RETURNING issuer, nonce, pkce_verifier",
        )
        .bind(secret::hash(&back.state))
        .fetch_optional(&mut *tx)
        .await?;
        let provider = provider_row(&mut tx).await?;
        tx.commit().await?;
        let (issuer, nonce, verifier) = login.ok_or_else(refused)?;
        if let Some(e) = &back.error {
            return Err(Error::unauthorized(format!(
                "the sign-in provider refused: {e}"
            )));
        }
        let code = back.code.filter(|c| !c.is_empty()).ok_or_else(refused)?;
        let cfg = self.open_provider(org, provider.ok_or_else(no_sso)?)?;
        if cfg.issuer != issuer || back.iss.as_ref().is_some_and(|iss| *iss != issuer) {
            return Err(refused());
        }
        let redirect = redirect.to_owned();
        let join_domains = cfg.join_domains.clone();
        let claims = blocking(move || finish(&cfg, &redirect, code, nonce, verifier)).await?;
        self.sso_person(org, &issuer, &join_domains, claims).await
    }

    /// The person the provider's claims name (linked, matched by verified
    /// email, or joined), signed in.
    async fn sso_person(
        &self,
        org: OrgId,
        issuer: &str,
        join_domains: &[String],
        claims: Claims,
    ) -> Result<SignIn> {
        let mut tx = self.scope(org).await?;
        let linked: Option<PersonId> = sqlx::query_scalar(
            "SELECT i.person_id FROM sso_identities i JOIN people p \
               ON p.org_id = i.org_id AND p.id = i.person_id AND p.disabled_at IS NULL \
             WHERE i.org_id = mm_org() AND i.issuer = $1 AND i.subject = $2",
        )
        .bind(issuer)
        .bind(&claims.subject)
        .fetch_optional(&mut *tx)
        .await?;
        let subject = format!("sso:{}", claims.subject);
        let person = match linked {
            Some(p) => p,
            None => {
                let email = claims
                    .email
                    .as_deref()
                    .filter(|_| claims.email_verified)
                    .and_then(|e| normalise_email(e).ok());
                let Some(email) = email else {
                    audit(
                        &mut tx,
                        org,
                        None,
                        "sign_in_failed",
                        Some(subject),
                        serde_json::json!({ "via": "sso", "why": "no verified email" }),
                    )
                    .await?;
                    tx.commit().await?;
                    return Err(Error::forbidden(
                        "your sign-in provider did not confirm an email address for you, so this \
                         organisation cannot tell which member you are: ask an admin",
                    ));
                };
                let member: Option<PersonId> = sqlx::query_scalar(
                    "SELECT id FROM people WHERE org_id = mm_org() AND email = $1 AND disabled_at IS NULL",
                )
                .bind(&email)
                .fetch_optional(&mut *tx)
                .await?;
                let domain = email.rsplit_once('@').map_or("", |(_, d)| d);
                let (person, action) = match member {
                    Some(p) => (p, "sso.linked"),
                    None if join_domains.iter().any(|d| d == domain) => {
                        let name = claims
                            .name
                            .as_deref()
                            .map(str::trim)
                            .filter(|n| !n.is_empty() && n.chars().count() <= 200)
                            .unwrap_or_else(|| email.split('@').next().unwrap_or("learner"))
                            .to_owned();
                        let taken: bool = sqlx::query_scalar(
                            "SELECT EXISTS (SELECT 1 FROM people WHERE org_id = mm_org() AND email = $1)",
                        )
                        .bind(&email)
                        .fetch_one(&mut *tx)
                        .await?;
                        if taken {
                            return Err(Error::forbidden(
                                "the account with your email was removed from this organisation: ask an admin",
                            ));
                        }
                        let p =
                            add_person(&mut tx, org, &email, &name, NO_PASSWORD, [Role::Learner])
                                .await?;
                        (p, "sso.joined")
                    }
                    None => {
                        audit(
                            &mut tx,
                            org,
                            None,
                            "sign_in_failed",
                            Some(format!("email:{email}")),
                            serde_json::json!({ "via": "sso", "why": "not a member" }),
                        )
                        .await?;
                        tx.commit().await?;
                        return Err(Error::forbidden(format!(
                            "{email} is not a member of this organisation: ask an admin for an invitation"
                        )));
                    }
                };
                sqlx::query(
                    "INSERT INTO sso_identities (org_id, issuer, subject, person_id) \
                     VALUES (mm_org(), $1, $2, $3)",
                )
                .bind(issuer)
                .bind(&claims.subject)
                .bind(person)
                .execute(&mut *tx)
                .await?;
                audit(
                    &mut tx,
                    org,
                    Some(person),
                    action,
                    Some(subject),
                    serde_json::json!({ "issuer": issuer, "email": email }),
                )
                .await?;
                person
            }
        };
        let signed_in = self.open_session(&mut tx, org, person).await?;
        audit(
            &mut tx,
            org,
            Some(person),
            "sign_in",
            None,
            serde_json::json!({ "via": "sso" }),
        )
        .await?;
        tx.commit().await?;
        Ok(signed_in)
    }

    /// An organisation's provider, its secret opened.
    async fn opened(&self, slug: &str) -> Result<(OrgId, Opened)> {
        let mut tx = self.unscoped().await?;
        let org = org_by_slug(&mut tx, slug.trim())
            .await?
            .ok_or_else(no_sso)?;
        enter(&mut tx, org).await?;
        let row = provider_row(&mut tx).await?;
        tx.commit().await?;
        Ok((org, self.open_provider(org, row.ok_or_else(no_sso)?)?))
    }

    /// Organisation `org`'s provider from its row, the secret opened with
    /// the master key that sealed it.
    fn open_provider(&self, org: OrgId, row: ProviderRow) -> Result<Opened> {
        let (issuer, client_id, sealed, sealed_with, _, join_domains, _) = row;
        let client_secret = match sealed {
            None => None,
            Some(sealed) => {
                let key = sealed_with.as_deref().and_then(|id| self.opener(id));
                let plain = key.and_then(|k| k.open(&aad(org), &sealed)).ok_or_else(|| {
                    Error::new(
                        Kind::Unavailable,
                        format!(
                            "this server cannot open the organisation's client secret: it was sealed with master key {}; start the server with that key",
                            sealed_with.as_deref().unwrap_or("?")
                        ),
                    )
                })?;
                Some(String::from_utf8_lossy(&plain).into_owned())
            }
        };
        Ok(Opened {
            issuer,
            client_id,
            client_secret,
            join_domains,
        })
    }
}

fn shown(r: ProviderRow, slug: &str) -> Result<SsoProvider> {
    let (issuer, client_id, secret, _, label, join_domains, updated_at) = r;
    Ok(SsoProvider {
        issuer,
        client_id,
        has_client_secret: secret.is_some(),
        label,
        join_domains,
        redirect_path: redirect_path(slug),
        updated_at: parse_time(&updated_at)?,
    })
}

/// Reseal organisation `org`'s client secret (the transaction's) from `old`
/// to `new`: `Some(true)` resealed, `Some(false)` under `new` already,
/// `None` no secret.
pub(crate) async fn reseal_secret(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    org: OrgId,
    old: &crate::MasterKey,
    new: &crate::MasterKey,
) -> Result<Option<bool>> {
    let row: Option<(Option<Vec<u8>>, Option<String>)> = sqlx::query_as(
        "SELECT client_secret, master_key_id FROM sso_providers WHERE org_id = $1 FOR UPDATE",
    )
    .bind(org)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((Some(sealed), sealed_with)) = row else {
        return Ok(None);
    };
    let aad = aad(org);
    if sealed_with.as_deref() == Some(new.id()) && new.open(&aad, &sealed).is_some() {
        return Ok(Some(false));
    }
    let plain = old.open(&aad, &sealed).ok_or_else(|| {
        Error::invalid(
            "old_key_file",
            format!(
                "the single sign-on client secret of organisation {org} does not open with the old \
                 master key {} (it was sealed with {}): nothing of that organisation was changed",
                old.id(),
                sealed_with.as_deref().unwrap_or("?")
            ),
        )
    })?;
    sqlx::query(
        "UPDATE sso_providers SET client_secret = $2, master_key_id = $3 WHERE org_id = $1",
    )
    .bind(org)
    .bind(new.seal(&aad, &plain)?)
    .bind(new.id())
    .execute(&mut **tx)
    .await?;
    Ok(Some(true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issuers_are_https_or_loopback_http() {
        assert_eq!(
            check_issuer(" https://login.example.edu/realms/staff/ ").unwrap(),
            "https://login.example.edu/realms/staff"
        );
        assert!(check_issuer("http://127.0.0.1:8080").is_ok());
        assert!(check_issuer("http://localhost:8080").is_ok());
        for bad in [
            "http://login.example.edu",
            "ftp://login.example.edu",
            "login.example.edu",
            "https://login.example.edu/?x=1",
            "",
        ] {
            let e = check_issuer(bad).unwrap_err();
            assert_eq!(e.field(), Some("issuer"), "{bad}");
        }
    }

    #[test]
    fn join_domains_are_plain_domains() {
        assert_eq!(check_domain(" @Example.EDU ").unwrap(), "example.edu");
        for bad in ["example", "exa mple.edu", ".example.edu", "a@b.edu", ""] {
            assert!(check_domain(bad).is_err(), "{bad}");
        }
    }
}
