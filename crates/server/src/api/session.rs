//! `GET /api/v1/session` (the CSRF token a client sends back) and
//! `DELETE /api/v1/session` (sign out).

use crate::AppState;
use crate::security::{Session, SessionId};
use axum::Json;
use axum::extract::{Extension, State};
use axum::http::StatusCode;
use serde::Serialize;

/// The signed-in session, as a client needs it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SessionInfo {
    /// Send this in `X-CSRF-Token` with every request that changes something.
    pub csrf_token: String,
}

/// The session's CSRF token.
#[utoipa::path(
    get,
    path = "/api/v1/session",
    tag = "session",
    responses(
        (status = 200, description = "The session", body = SessionInfo),
        (status = 401, description = "Not signed in", body = crate::error::ErrorJson),
    )
)]
pub async fn get_session(Extension(session): Extension<Session>) -> Json<SessionInfo> {
    Json(SessionInfo {
        csrf_token: session.csrf,
    })
}

/// Sign out: the session cookie stops working.
#[utoipa::path(
    delete,
    path = "/api/v1/session",
    tag = "session",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = crate::error::ErrorJson),
        (status = 403, description = "Missing or wrong CSRF token, or another site's Origin", body = crate::error::ErrorJson),
    )
)]
pub async fn end_session(
    State(state): State<AppState>,
    Extension(id): Extension<SessionId>,
) -> StatusCode {
    state.sessions().close(&id.0);
    StatusCode::NO_CONTENT
}
