//! The JSON API under `/api/v1`, described by an OpenAPI 3.1 document derived
//! from these handlers and the view-model types ([`ApiDoc`]) and served at
//! `/api/v1/openapi.json`. Every handler calls the same `mm-app` functions
//! as the pages.

pub mod badges;
pub mod goals;
pub mod input;
pub mod session;
pub mod status;
pub mod verify;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};
use utoipa::OpenApi;

/// The OpenAPI document.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Micromastery",
        description = "The journal of `mm serve`, as JSON. Sign in by opening the URL `mm serve` prints (it sets the `mm_session` cookie); send the session's CSRF token (`GET /api/v1/session`) in `X-CSRF-Token` with every request that changes something. Errors are `{error, message, field?}` with the status of their kind.",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(
        status::get_status, session::get_session, session::end_session, verify::verify_badge,
        goals::get_goal, goals::tick, goals::log_session, goals::apply, goals::reflect,
        goals::check, goals::extend, goals::abandon, goals::plan, goals::calendar,
        goals::set_availability,
        badges::overview, badges::create_issuer, badges::issuer_document, badges::issue,
        badges::get_badge, badges::file, badges::revoke,
    ),
    components(schemas(crate::error::ErrorJson)),
    tags(
        (name = "journal", description = "Where the goals stand"),
        (name = "session", description = "The signed-in browser or client"),
        (name = "goals", description = "One goal and the actions of its page"),
        (name = "badges", description = "Open Badges 3.0: the issuer, issuing, files, revoking, and verification (public)"),
    )
)]
pub struct ApiDoc;

/// The OpenAPI document as pretty JSON (what `docs/openapi.json` holds).
pub fn openapi_json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
        + "\n"
}

/// The API routes that take small bodies.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/status", get(status::get_status))
        .route(
            "/api/v1/session",
            get(session::get_session).delete(session::end_session),
        )
        .route("/api/v1/openapi.json", get(openapi))
        .merge(goals::routes())
        .merge(badges::routes())
}

/// The upload routes (their own, larger body limit).
pub fn verify_routes() -> Router<AppState> {
    Router::new().route("/api/v1/verify", post(verify::verify_badge))
}

async fn openapi() -> impl axum::response::IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        openapi_json(),
    )
}
