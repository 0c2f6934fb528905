//! The whole journal and the portfolio under `/api/v1`: export the journal
//! as one versioned document (what `mm export` writes), import one into an
//! empty journal (checked whole first, then written all or nothing, as
//! `mm import`), and the portfolio as a JSON Resume.

use crate::error::HttpError;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mm_app::App;
use mm_core::journal::Journal;
use mm_store::ImportCounts;
use serde::Deserialize;

/// The journal as the download `mm export` would write (pretty JSON and a
/// file name with today's date).
///
/// # Errors
/// When the journal cannot be read or encoded.
pub async fn export_download(app: &App) -> Result<Response, HttpError> {
    let journal = mm_app::journal::export(app).await?;
    let text = serde_json::to_string_pretty(&journal)
        .map_err(|e| HttpError::from(mm_app::Error::internal(e.to_string())))?
        + "\n";
    Ok(attachment(
        &format!("micromastery-journal-{}.json", app.person().today()),
        text,
    ))
}

/// A JSON download named `file`.
pub fn attachment(file: &str, text: String) -> Response {
    let mut res = ([(header::CONTENT_TYPE, "application/json")], text).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// Import a journal document's text: read, checked whole, then written in
/// one transaction into the (empty) journal.
///
/// # Errors
/// 422 (field `journal`) for text that is not a journal or a record that
/// is refused, naming it; 409 when this journal is not empty.
pub async fn import_text(app: &App, text: &str) -> Result<ImportCounts, HttpError> {
    let field = |e: mm_app::Error| HttpError {
        field: Some("journal".into()),
        ..HttpError::from(e)
    };
    let journal = Journal::from_json(text)
        .map_err(|e| field(mm_app::Error::from(e).context("the journal was not imported")))?;
    let p = app.person();
    let clock = mm_app::Clock::Fixed(p.now.with_timezone(&p.offset));
    mm_app::journal::check(&journal, clock)
        .map_err(|e| field(e.context("the journal was not imported")))?;
    Ok(mm_app::journal::import(app, &journal)
        .await
        .map_err(|e| e.context("the journal was not imported"))?)
}

/// The whole journal as one versioned document (the file `mm export`
/// writes).
#[utoipa::path(
    get,
    path = "/api/v1/journal",
    tag = "journal",
    responses(
        (status = 200, description = "Skills, micro-skills, goals, practice, applications, reflections, plans, arcs, retention cards, badges, market analyses, profile, settings and history", body = Object),
    )
)]
pub async fn get_journal(State(state): State<AppState>) -> Result<Response, ApiError> {
    let app = state.app().await?;
    Ok(export_download(&app).await?)
}

/// Load a journal written by `mm export` (or `GET /api/v1/journal`) into
/// this empty journal: all or nothing.
#[utoipa::path(
    post,
    path = "/api/v1/journal",
    tag = "journal",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    request_body(content = Object, description = "The journal document", content_type = "application/json"),
    responses(
        (status = 200, description = "What was written, by kind", body = Object),
        (status = 413, description = "Over 10 MB", body = crate::error::ErrorJson),
        (status = 422, description = "Not a journal, a record refused (named in the message; field `journal`), or this journal is not empty (import into a fresh one); nothing was written", body = crate::error::ErrorJson),
    )
)]
pub async fn post_journal(
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> Result<Json<ImportCounts>, ApiError> {
    let text = std::str::from_utf8(&body).map_err(|_| HttpError {
        field: Some("journal".into()),
        ..HttpError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "the journal is not UTF-8 text",
        )
    })?;
    let app = state.app().await?;
    Ok(Json(import_text(&app, text).await?))
}

/// What the portfolio takes.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct PortfolioQuery {
    /// Your name, for the resume's basics.
    pub name: Option<String>,
}

/// The portfolio as a JSON Resume (schema 1.3.1): each mastered micro-skill
/// with its level and keywords, a certificate for each unrevoked badge.
#[utoipa::path(
    get,
    path = "/api/v1/portfolio",
    tag = "journal",
    params(PortfolioQuery),
    responses(
        (status = 200, description = "The JSON Resume document", body = Object),
        (status = 404, description = "No unrevoked badge has been issued yet", body = crate::error::ErrorJson),
    )
)]
pub async fn get_portfolio(
    State(state): State<AppState>,
    Query(q): Query<PortfolioQuery>,
) -> Result<Response, ApiError> {
    let app = state.app().await?;
    Ok(portfolio_download(&app, q.name.as_deref()).await?)
}

/// The JSON Resume as a download.
///
/// # Errors
/// 404 when no unrevoked badge has been issued.
pub async fn portfolio_download(app: &App, name: Option<&str>) -> Result<Response, HttpError> {
    let name = name.map(str::trim).filter(|n| !n.is_empty());
    let p = mm_app::portfolio::json_resume(app, name).await?;
    let text = serde_json::to_string_pretty(&p.document)
        .map_err(|e| HttpError::from(mm_app::Error::internal(e.to_string())))?
        + "\n";
    Ok(attachment(
        &format!("micromastery-resume-{}.json", app.person().today()),
        text,
    ))
}
