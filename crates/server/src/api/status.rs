//! `GET /api/v1/status`: the same view model as the dashboard and `mm status --json`.

use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use mm_app::status::Status;

/// Where each open goal stands today.
#[utoipa::path(
    get,
    path = "/api/v1/status",
    tag = "journal",
    responses(
        (status = 200, description = "Every open goal: deadline, this week, pace, mastery conditions", body = Status),
        (status = 401, description = "Not signed in", body = crate::error::ErrorJson),
        (status = 503, description = "The journal cannot be reached", body = crate::error::ErrorJson),
    )
)]
pub async fn get_status(State(state): State<AppState>) -> Result<Json<Status>, ApiError> {
    let app = state.app().await?;
    Ok(Json(mm_app::status::status(&app).await?))
}
