//! `GET /api/v1/review`: the look back over a period, the same document as
//! `mm review --json` ([`mm_app::review::review`]), and its charts as SVG
//! (`mm review --svg`).

use crate::error::HttpError;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use mm_app::review::Review;
use serde::Deserialize;

/// The period to look back on.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReviewQuery {
    /// Days back, ending today, 1–366 (default 7).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 366)]
    pub days: Option<String>,
}

/// The number of days asked for.
///
/// # Errors
/// 422 (field `days`) for anything but a whole number 1–366.
pub fn days(q: &ReviewQuery) -> Result<u32, HttpError> {
    let bad = |v: &str| HttpError {
        field: Some("days".into()),
        ..HttpError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("days must be a whole number from 1 to 366, not {v:?}"),
        )
    };
    match q.days.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(7),
        Some(d) => match d.parse::<u32>() {
            Ok(n) if (1..=366).contains(&n) => Ok(n),
            _ => Err(bad(d)),
        },
    }
}

/// Practice per day, cumulative minutes against the plan, the retention
/// forecast, the balance of long-term arcs and quick wins, applications,
/// reflections and goals achieved.
#[utoipa::path(
    get,
    path = "/api/v1/review",
    tag = "journal",
    params(ReviewQuery),
    responses(
        (status = 200, description = "The review (the `mm review --json` document)", body = Object),
        (status = 422, description = "A period that is no number of days 1–366 (field `days`)", body = crate::error::ErrorJson),
    )
)]
pub async fn get_review(
    State(state): State<AppState>,
    Query(q): Query<ReviewQuery>,
) -> Result<Json<Review>, ApiError> {
    let n = days(&q)?;
    let app = state.app().await?;
    Ok(Json(mm_app::review::review(&app, n).await?))
}

/// The review's charts as one SVG image (as `mm review --svg`).
#[utoipa::path(
    get,
    path = "/api/v1/review/charts.svg",
    tag = "journal",
    params(ReviewQuery),
    responses(
        (status = 200, description = "Practice per day, cumulative against the plan, retention and balance, drawn with labelled axes in the Okabe–Ito palette", content_type = "image/svg+xml", body = String),
        (status = 422, description = "A period that is no number of days 1–366 (field `days`)", body = crate::error::ErrorJson),
    )
)]
pub async fn get_review_svg(
    State(state): State<AppState>,
    Query(q): Query<ReviewQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let n = days(&q)?;
    let app = state.app().await?;
    let r = mm_app::review::review(&app, n).await?;
    let svg = mm_app::charts::svg(&r.insight)?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg))
}
