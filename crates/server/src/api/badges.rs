//! `/api/v1/badges` and `/api/v1/issuer`: the issuer, issuing a badge for an
//! achieved goal, its files (JSON-LD, VC-JWT, baked SVG and PNG), revoking
//! it, and the issuer's published documents. The same `mm_app::badges`
//! workflows as the badges page.

use super::input::{ApiJson, goal_id};
use crate::error::HttpError;
use crate::{ApiError, AppState};
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use mm_app::badges::{BadgeForm, BadgeOverview, BadgeSummary, Earner, IssuedBadge};
use mm_credentials::issuer::IssuerRecord;
use serde::Deserialize;
use utoipa::ToSchema;

/// The badge routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/badges", get(overview).post(issue))
        .route("/api/v1/badges/{id}", get(get_badge))
        .route("/api/v1/badges/{id}/files/{form}", get(file))
        .route("/api/v1/badges/{id}/revoke", post(revoke))
        .route("/api/v1/issuer", post(create_issuer))
        .route("/api/v1/issuer/documents/{name}", get(issuer_document))
}

/// The issuer, the achieved goals and every issued badge.
#[utoipa::path(
    get,
    path = "/api/v1/badges",
    tag = "badges",
    responses(
        (status = 200, description = "The issuer (null until one is created), achieved goals and issued badges", body = BadgeOverview),
        (status = 401, description = "Not signed in", body = crate::error::ErrorJson),
    )
)]
pub async fn overview(State(state): State<AppState>) -> Result<Json<BadgeOverview>, ApiError> {
    let app = state.app().await?;
    Ok(Json(mm_app::badges::overview(&app, state.keys()?).await?))
}

/// The issuer to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssuerJson {
    /// The name shown on badges.
    pub name: String,
    /// The HTTPS URL the issuer's documents will be published at; the issuer id is its `did:web`.
    pub url: String,
}

/// Create the issuer: a `did:web` identity and fresh signing keys, kept on this computer.
#[utoipa::path(
    post,
    path = "/api/v1/issuer",
    tag = "badges",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    request_body = IssuerJson,
    responses(
        (status = 201, description = "The issuer's public record", body = IssuerRecord),
        (status = 403, description = "Missing or wrong CSRF token", body = crate::error::ErrorJson),
        (status = 409, description = "An issuer exists already", body = crate::error::ErrorJson),
        (status = 422, description = "A name or URL that is refused", body = crate::error::ErrorJson),
    )
)]
pub async fn create_issuer(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<IssuerJson>,
) -> Result<(StatusCode, Json<IssuerRecord>), ApiError> {
    let record =
        mm_app::badges::create_issuer(state.now(), state.keys()?, &body.name, &body.url).await?;
    Ok((StatusCode::CREATED, Json(record)))
}

/// One of the issuer's published documents, as it must be published.
#[utoipa::path(
    get,
    path = "/api/v1/issuer/documents/{name}",
    tag = "badges",
    params(("name" = String, Path, description = "`did.json`, `profile.json`, `jwks.json` or `revocations.json`")),
    responses(
        (status = 200, description = "The document", body = serde_json::Value),
        (status = 404, description = "No issuer yet, or no such document", body = crate::error::ErrorJson),
    )
)]
pub async fn issuer_document(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    let doc = mm_app::badges::issuer_document(state.keys()?, &name).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], doc.text).into_response())
}

/// Who earned the badge: an email or a DID.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueJson {
    /// The achieved goal.
    pub goal: i64,
    /// The earner's email: only its salted SHA-256 goes into the badge.
    #[serde(default)]
    pub email: Option<String>,
    /// Or a DID the earner controls, used as the credential subject id.
    #[serde(default)]
    pub did: Option<String>,
}

/// Issue a badge for an achieved goal from its evidence.
#[utoipa::path(
    post,
    path = "/api/v1/badges",
    tag = "badges",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    request_body = IssueJson,
    responses(
        (status = 201, description = "The badge as issued and recorded; its files are at `/api/v1/badges/{id}/files/{form}`", body = IssuedBadge),
        (status = 403, description = "Missing or wrong CSRF token", body = crate::error::ErrorJson),
        (status = 404, description = "No such goal, or no issuer yet", body = crate::error::ErrorJson),
        (status = 409, description = "The goal is not achieved (the message says what is missing)", body = crate::error::ErrorJson),
        (status = 422, description = "No earner, or an email or DID that is not one (`field` names it)", body = crate::error::ErrorJson),
    )
)]
pub async fn issue(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<IssueJson>,
) -> Result<(StatusCode, Json<IssuedBadge>), ApiError> {
    let goal = goal_id(&body.goal.to_string())?;
    let earner = match (body.email, body.did) {
        (Some(_), Some(_)) => {
            return Err(
                mm_app::Error::invalid_field("did", "give an email or a DID, not both").into(),
            );
        }
        (Some(e), None) => Earner::Email(e),
        (None, Some(d)) => Earner::Did(d),
        (None, None) => {
            return Err(mm_app::Error::invalid_field(
                "email",
                "say who earned it: an email (only its salted hash goes into the badge) or a DID",
            )
            .into());
        }
    };
    let app = state.app().await?;
    let issued = mm_app::badges::issue(&app, state.keys()?, goal, &earner).await?;
    Ok((StatusCode::CREATED, Json(issued)))
}

/// One issued badge.
#[utoipa::path(
    get,
    path = "/api/v1/badges/{id}",
    tag = "badges",
    params(("id" = String, Path, description = "The credential's id: `urn:uuid:…` or the uuid alone")),
    responses(
        (status = 200, description = "The badge, revoked or not", body = BadgeSummary),
        (status = 404, description = "No such badge", body = crate::error::ErrorJson),
    )
)]
pub async fn get_badge(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<BadgeSummary>, ApiError> {
    let app = state.app().await?;
    Ok(Json(mm_app::badges::summary(&app, &id).await?))
}

/// An issued badge as a file: `json` (JSON-LD with its proof), `jwt`
/// (VC-JWT, EdDSA), `jwt_rs256`, `svg` or `png` (baked images).
#[utoipa::path(
    get,
    path = "/api/v1/badges/{id}/files/{form}",
    tag = "badges",
    params(
        ("id" = String, Path, description = "The credential's id: `urn:uuid:…` or the uuid alone"),
        ("form" = BadgeForm, Path, description = "Which file"),
    ),
    responses(
        (status = 200, description = "The file, with `Content-Disposition: attachment` and its name", content(
            ("application/ld+json"), ("application/jwt"), ("image/svg+xml"), ("image/png"),
        )),
        (status = 404, description = "No such badge or form", body = crate::error::ErrorJson),
    )
)]
pub async fn file(
    State(state): State<AppState>,
    Path((id, form)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let form: BadgeForm = form.parse().map_err(|_| {
        HttpError::new(
            StatusCode::NOT_FOUND,
            format!("no badge file {form:?}: use json, jwt, jwt_rs256, svg or png"),
        )
    })?;
    let app = state.app().await?;
    let f = mm_app::badges::file(&app, &id, form).await?;
    let mut res = crate::pages::forms::download(&f.file_name, f.media_type, f.bytes);
    res.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(res)
}

/// Why a badge is revoked.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeJson {
    /// Published in the revocation list and shown by verifiers.
    pub reason: String,
}

/// Revoke an issued badge: the issuer's revocation list names it from now on.
#[utoipa::path(
    post,
    path = "/api/v1/badges/{id}/revoke",
    tag = "badges",
    params(
        ("id" = String, Path, description = "The credential's id: `urn:uuid:…` or the uuid alone"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    request_body = RevokeJson,
    responses(
        (status = 200, description = "The badge, revoked", body = BadgeSummary),
        (status = 403, description = "Missing or wrong CSRF token", body = crate::error::ErrorJson),
        (status = 404, description = "No such badge, or no issuer", body = crate::error::ErrorJson),
        (status = 422, description = "No reason (`field: reason`)", body = crate::error::ErrorJson),
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RevokeJson>,
) -> Result<Json<BadgeSummary>, ApiError> {
    let app = state.app().await?;
    mm_app::badges::revoke(&app, state.keys()?, &id, &body.reason).await?;
    Ok(Json(mm_app::badges::summary(&app, &id).await?))
}
