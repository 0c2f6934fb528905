//! The organisation issues the badges: its admins create its badge issuer
//! and rotate its keys under `/api/v1/team/issuer` (audited), its members'
//! badges (issued in their journals, `POST /api/v1/badges`) are signed with
//! its current key, and anyone, signed in or not, reads what a verifier
//! needs at the organisation's published URLs:
//!
//! * `/orgs/{slug}/did.json`: the DID document of `did:web:<host>:orgs:<slug>`
//!   (where did:web resolution looks for it), every key generation listed,
//!   so badges signed before a rotation keep verifying;
//! * `/orgs/{slug}/profile.json` and `/orgs/{slug}/jwks.json`;
//! * `/orgs/{slug}/credentials/revocations.json`: the revocation list the
//!   badges' `credentialStatus` points at;
//! * `/orgs/{slug}/credentials/{uuid}.json`: each credential it signed, from
//!   its ledger (written before the member's journal records the badge), so
//!   a link to a badge resolves.
//!
//! Its admins list every badge it signed (`GET /api/v1/team/badges`; a
//! member sees their own) and revoke a member's badge
//! (`POST /api/v1/team/badges/{id}/revoke`): the published list names it at
//! once, and the member's journal shows it revoked.
//!
//! Each handler calls one `mm_app::badges` workflow with the organisation's
//! [`mm_team::OrgKeys`], as the solo app's badge routes do with its files.

use super::{Signed, TeamState};
use crate::api::input::ApiJson;
use crate::error::{ApiError, ErrorJson, HttpError};
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use mm_credentials::issuer::IssuerRecord;
use mm_team::{IssuedBadge, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The admins' routes.
pub fn routes() -> Router<TeamState> {
    Router::new()
        .route("/api/v1/team/issuer", get(issuer).post(create_issuer))
        .route("/api/v1/team/issuer/rotate", post(rotate))
        .route("/api/v1/team/badges", get(badges))
        .route("/api/v1/team/badges/{id}/revoke", post(revoke_badge))
        .route("/team/badges/{id}/revoke", post(revoke_from_page))
        .route("/team/issuer", post(create_from_page))
}

/// The public documents (no sign-in).
pub fn published_routes() -> Router<TeamState> {
    Router::new()
        .route("/orgs/{slug}/{name}", get(published))
        .route(
            "/orgs/{slug}/credentials/revocations.json",
            get(revocations),
        )
        .route("/orgs/{slug}/credentials/{file}", get(credential))
}

/// The organisation's badge issuer and where it publishes what verifiers need.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgIssuer {
    /// Its public record: `did:web` id, name, URL and every key generation
    /// (the last one signs).
    pub issuer: IssuerRecord,
    /// Where its DID document is served.
    pub did_document: String,
    /// Where its revocation list is served.
    pub revocation_list: String,
    /// The DID URL of the key that signs new badges.
    pub signing_key: String,
}

/// The organisation's issuer to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIssuer {
    /// The name badges show as their issuer (1 to 200 characters).
    pub name: String,
    /// The HTTPS URL its documents are published at; its `did:web` id is
    /// made from it. Default: this server's `/orgs/{slug}` under its first
    /// https `--public-url`, where the server publishes them itself.
    #[serde(default)]
    pub url: Option<String>,
}

fn view(state: &TeamState, record: IssuerRecord, slug: &str) -> OrgIssuer {
    // Served here at /orgs/{slug}/…; an issuer URL elsewhere must serve the
    // same documents (a proxy to these).
    let here = state
        .https_origin()
        .map(|o| format!("{o}/orgs/{slug}"))
        .unwrap_or_else(|| format!("/orgs/{slug}"));
    OrgIssuer {
        did_document: format!("{here}/did.json"),
        revocation_list: format!("{here}/credentials/revocations.json"),
        signing_key: record.key_id(record.current()),
        issuer: record,
    }
}

/// Your organisation's badge issuer (any member): its record and its published documents' URLs.
#[utoipa::path(get, path = "/api/v1/team/issuer", tag = "badges",
    responses((status = 200, body = OrgIssuer), (status = 401, body = ErrorJson),
        (status = 404, description = "No issuer yet: an admin creates one", body = ErrorJson)))]
pub async fn issuer(
    State(state): State<TeamState>,
    Signed(actor): Signed,
) -> Result<Json<OrgIssuer>, ApiError> {
    let org = state.team().organisation(&actor).await?;
    let record = mm_app::badges::issuer(&state.team().org_keys(&actor)).await?;
    Ok(Json(view(&state, record, &org.slug)))
}

/// Create your organisation's badge issuer (admins): a `did:web` identity and fresh signing keys, sealed with the server's master key. Audited.
#[utoipa::path(post, path = "/api/v1/team/issuer", tag = "badges", request_body = NewIssuer,
    responses((status = 201, body = OrgIssuer), (status = 403, body = ErrorJson),
        (status = 409, description = "The organisation has an issuer already", body = ErrorJson),
        (status = 422, description = "A name or URL that is refused (`field` names it)", body = ErrorJson),
        (status = 503, description = "The server has no master key (MM_TEAM_KEY)", body = ErrorJson)))]
pub async fn create_issuer(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    ApiJson(body): ApiJson<NewIssuer>,
) -> Result<(StatusCode, Json<OrgIssuer>), ApiError> {
    let (record, slug) = create_for_org(&state, &actor, &body.name, body.url.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(view(&state, record, &slug))))
}

/// Create the actor's organisation's issuer (admins): at `url`, or by
/// default under this server's first https public URL. The record and the
/// organisation's slug.
async fn create_for_org(
    state: &TeamState,
    actor: &mm_team::Actor,
    name: &str,
    url: Option<&str>,
) -> Result<(IssuerRecord, String), HttpError> {
    actor.require(&[Role::Admin], "create the organisation's badge issuer")?;
    let org = state.team().organisation(actor).await?;
    let url = match url.map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => u.to_owned(),
        None => match state.https_origin() {
            Some(o) => format!("{o}/orgs/{}", org.slug),
            None => {
                let mut e = HttpError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "give the issuer's https address: this server is not reached over https, \
                     so it cannot publish the issuer's documents itself",
                );
                e.field = Some("url".into());
                return Err(e);
            }
        },
    };
    let keys = state.team().org_keys(actor);
    let record = mm_app::badges::create_issuer(state.now(), &keys, name, &url).await?;
    Ok((record, org.slug))
}

/// The team page's form: create the organisation's badge issuer.
async fn create_from_page(
    State(state): State<TeamState>,
    super::pages::SignedPage(actor): super::pages::SignedPage,
    headers: axum::http::HeaderMap,
    axum::Form(f): axum::Form<crate::api::input::Fields>,
) -> Result<Response, crate::error::PageError> {
    let url = f.get("url");
    match create_for_org(&state, &actor, f.get("name"), Some(url)).await {
        Ok(_) => Ok(super::pages::see_other("/team?done=issuer-created#issuer")),
        Err(e) => {
            let retry = super::pages::Retry::new("issuer", f, e)?;
            super::pages::home_again(&state, actor, &headers, retry).await
        }
    }
}

/// Rotate your organisation's signing keys (admins): new badges are signed with a fresh key; older keys stay in the DID document, so badges signed before keep verifying. Audited.
#[utoipa::path(post, path = "/api/v1/team/issuer/rotate", tag = "badges",
    responses((status = 200, body = OrgIssuer), (status = 403, body = ErrorJson),
        (status = 404, description = "No issuer yet", body = ErrorJson),
        (status = 503, description = "The server has no master key (MM_TEAM_KEY)", body = ErrorJson)))]
pub async fn rotate(
    State(state): State<TeamState>,
    Signed(actor): Signed,
) -> Result<Json<OrgIssuer>, ApiError> {
    actor.require(&[Role::Admin], "rotate the organisation's badge keys")?;
    let org = state.team().organisation(&actor).await?;
    let keys = state.team().org_keys(&actor);
    mm_app::badges::rotate_keys(state.now(), &keys).await?;
    let record = mm_app::badges::issuer(&keys).await?;
    Ok(Json(view(&state, record, &org.slug)))
}

/// The badges your organisation signed, newest first: every member's for an admin, your own otherwise.
#[utoipa::path(get, path = "/api/v1/team/badges", tag = "badges",
    responses((status = 200, body = [IssuedBadge]), (status = 401, body = ErrorJson)))]
pub async fn badges(
    State(state): State<TeamState>,
    Signed(actor): Signed,
) -> Result<Json<Vec<IssuedBadge>>, ApiError> {
    Ok(Json(state.team().issued_badges(&actor).await?))
}

/// Why a badge is revoked.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeBody {
    /// The reason verifiers show (1 to 4000 characters).
    pub reason: String,
}

/// Revoke a member's badge (admins): the organisation's published revocation list names it with the reason at once, so verifiers see it revoked; the member's journal shows it revoked too. Audited.
#[utoipa::path(post, path = "/api/v1/team/badges/{id}/revoke", tag = "badges", request_body = RevokeBody,
    params(("id" = String, Path, description = "The credential's id (`urn:uuid:…`, or the bare UUID)")),
    responses((status = 200, body = IssuedBadge), (status = 403, body = ErrorJson),
        (status = 404, description = "No badge of this organisation has that id", body = ErrorJson),
        (status = 422, body = ErrorJson)))]
pub async fn revoke_badge(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RevokeBody>,
) -> Result<Json<IssuedBadge>, ApiError> {
    Ok(Json(
        revoke_for_org(&state, &actor, &id, &body.reason).await?,
    ))
}

/// Revoke `id` for the organisation, then in the member's journal.
async fn revoke_for_org(
    state: &TeamState,
    actor: &mm_team::Actor,
    id: &str,
    reason: &str,
) -> Result<IssuedBadge, HttpError> {
    let revoked = state.team().revoke_issued(actor, id, reason).await?;
    // The list is what verifiers read, and it is written; the member's
    // journal follows (a failure is said in the log, and the badge page
    // still shows the verifier's verdict from the list).
    if let Some(Err(e)) = state
        .revoke_in_journal(actor.org, revoked.person, &revoked.id, reason.trim())
        .await
    {
        eprintln!(
            "mm serve: badge {} revoked by the organisation, but person {}'s journal: {}",
            revoked.id,
            revoked.person,
            e.message()
        );
    }
    Ok(revoked)
}

/// The team page's form: revoke a member's badge.
async fn revoke_from_page(
    State(state): State<TeamState>,
    super::pages::SignedPage(actor): super::pages::SignedPage,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    axum::Form(f): axum::Form<crate::api::input::Fields>,
) -> Result<Response, crate::error::PageError> {
    match revoke_for_org(&state, &actor, &id, f.get("reason")).await {
        Ok(_) => Ok(super::pages::see_other("/team?done=badge-revoked#badges")),
        Err(e) => {
            let retry = super::pages::Retry::new(format!("revoke-{id}"), f, e)?;
            super::pages::home_again(&state, actor, &headers, retry).await
        }
    }
}

/// The team page's section of the organisation's badge issuer and the
/// badges it signed (admins).
pub(super) fn section(
    state: &TeamState,
    actor: &mm_team::Actor,
    slug: &str,
    issuer: Option<&IssuerRecord>,
    badges: &[IssuedBadge],
    retry: Option<&super::pages::Retry>,
) -> maud::Markup {
    use super::pages::{field_error, form_error, typed};
    maud::html! {
        section aria-labelledby="issuer-h" id="issuer" {
            h2 id="issuer-h" { "The organisation's badge issuer" }
            @if let Some(r) = issuer {
                @let v = view(state, r.clone(), slug);
                p { "Members' badges are signed by " strong { (r.name) } " (" code { (r.id) } "), with key " code { (v.signing_key) } "." }
                p { "Verifiers read its DID document at " a href=(v.did_document) { (v.did_document) } " and its revocation list at " a href=(v.revocation_list) { (v.revocation_list) } "." }
            } @else {
                p { "None yet: create it, and members' badges for the goals your programmes give them are signed by the organisation." }
                form method="post" action="/team/issuer" {
                    (super::pages::csrf(actor))
                    (form_error(retry, "issuer", &["name", "url"]))
                    label for="issuer-name" { "Name badges show as their issuer" }
                    input id="issuer-name" name="name" required maxlength="200" value=(typed(retry, "issuer", "name").unwrap_or(""));
                    (field_error(retry, "issuer", "name"))
                    label for="issuer-url" { "Its https URL (empty: this server's public URL, /orgs/" (slug) ")" }
                    input id="issuer-url" name="url" type="url" value=(typed(retry, "issuer", "url").unwrap_or(""));
                    (field_error(retry, "issuer", "url"))
                    button type="submit" { "Create the issuer" }
                }
            }
        }
        section aria-labelledby="badges-h" id="badges" {
            h2 id="badges-h" { "Badges the organisation signed" }
            @if badges.is_empty() { p { "None yet: members' badges appear here once the organisation's issuer signs them." } }
            @else {
                table {
                    thead { tr { th scope="col" { "Member" } th scope="col" { "Micro-skill" } th scope="col" { "Issued" } th scope="col" { "State" } } }
                    tbody {
                        @for b in badges {
                            tr {
                                td { (b.person_name) }
                                td { a href=(b.published_path) { (b.micro_skill) } }
                                td { (b.issued_at.format("%Y-%m-%d")) }
                                td {
                                    @if let Some(reason) = &b.revoked { "revoked: " (reason) }
                                    @else {
                                        @let form = format!("revoke-{}", b.id);
                                        form method="post" action=(format!("/team/badges/{}/revoke", b.id)) {
                                            (super::pages::csrf(actor))
                                            (form_error(retry, &form, &["reason"]))
                                            label for=(format!("why-{}", b.id)) { "Why revoke it (verifiers show this)" }
                                            input id=(format!("why-{}", b.id)) name="reason" required maxlength="4000" value=(typed(retry, &form, "reason").unwrap_or(""));
                                            (field_error(retry, &form, "reason"))
                                            button class="quiet" type="submit" { "Revoke" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A credential the organisation signed (no sign-in), as issued, for anyone with its link.
#[utoipa::path(get, path = "/orgs/{slug}/credentials/{file}", tag = "badges",
    params(("slug" = String, Path, description = "The organisation's slug"),
        ("file" = String, Path, description = "`<uuid>.json`: the credential's UUID")),
    responses((status = 200, description = "The signed credential (JSON-LD)", body = serde_json::Value),
        (status = 404, description = "No such organisation or credential", body = ErrorJson)))]
pub async fn credential(
    State(state): State<TeamState>,
    Path((slug, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let uuid = file.strip_suffix(".json").unwrap_or("");
    let text = state.team().published_credential(&slug, uuid).await?;
    Ok(public(
        ([(header::CONTENT_TYPE, "application/ld+json")], text).into_response(),
    ))
}

/// `res` as anyone may read it, from any page (a verifier in a browser too).
fn public(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    res
}

/// A published document, with the headers verifiers fetching it need.
async fn document(state: &TeamState, slug: &str, name: &str) -> Result<Response, ApiError> {
    let keys = state.team().published_keys(slug).await?;
    let doc = mm_app::badges::issuer_document(&keys, name).await?;
    let media = if name == "did.json" {
        "application/did+json"
    } else {
        "application/json"
    };
    Ok(public(
        ([(header::CONTENT_TYPE, media)], doc.text).into_response(),
    ))
}

/// An organisation's published issuer document (no sign-in): `did.json` (its DID document: `did:web:<host>:orgs:<slug>` resolves here), `profile.json` or `jwks.json`.
#[utoipa::path(get, path = "/orgs/{slug}/{name}", tag = "badges",
    params(("slug" = String, Path, description = "The organisation's slug"),
        ("name" = String, Path, description = "`did.json`, `profile.json` or `jwks.json`")),
    responses((status = 200, description = "The document", body = serde_json::Value),
        (status = 404, description = "No such organisation, no issuer yet, or no such document", body = ErrorJson)))]
pub async fn published(
    State(state): State<TeamState>,
    Path((slug, name)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    if name == "revocations.json" {
        // Published under credentials/, where the badges point.
        return Err(HttpError::new(StatusCode::NOT_FOUND, "no such issuer document").into());
    }
    document(&state, &slug, &name).await
}

/// An organisation's revocation list (no sign-in): the badges it revoked and why, where its badges' `credentialStatus` points.
#[utoipa::path(get, path = "/orgs/{slug}/credentials/revocations.json", tag = "badges",
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses((status = 200, description = "The 1EdTech revocation list", body = serde_json::Value),
        (status = 404, description = "No such organisation, or no issuer yet", body = ErrorJson)))]
pub async fn revocations(
    State(state): State<TeamState>,
    Path(slug): Path<String>,
) -> Result<Response, ApiError> {
    document(&state, &slug, "revocations.json").await
}
