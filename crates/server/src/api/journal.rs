//! The whole journal and the portfolio under `/api/v1`: export the journal
//! as one versioned document (what `mm export` writes), import one into an
//! empty journal (checked whole first, then written all or nothing, as
//! `mm import`), and the portfolio as a JSON Resume or a signed CLR.

use crate::error::HttpError;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use mm_app::App;
use mm_app::portfolio::Format;
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
    Ok(crate::pages::forms::download(
        &format!("micromastery-journal-{}.json", app.person().today()),
        "application/json",
        text.into_bytes(),
    ))
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
#[into_params(parameter_in = Query)]
pub struct PortfolioQuery {
    /// `json-resume` (the default) or `clr`.
    #[param(value_type = Option<Format>)]
    pub format: Option<String>,
    /// Your name, for the resume's basics or the CLR's title.
    pub name: Option<String>,
}

impl PortfolioQuery {
    /// The format asked for.
    ///
    /// # Errors
    /// 422 (field `format`) for a name that is no format.
    pub fn format(&self) -> Result<Format, HttpError> {
        match self.format.as_deref().map(str::trim) {
            None | Some("") => Ok(Format::JsonResume),
            Some(f) => Ok(f.parse::<Format>()?),
        }
    }
}

/// The portfolio, as a download: a JSON Resume (schema 1.3.1) with each
/// mastered micro-skill, its level and keywords and a certificate for each
/// unrevoked badge, or a CLR 2.0 ClrCredential bundling every unrevoked
/// badge, signed by your issuer (what `mm portfolio export --clr` writes).
#[utoipa::path(
    get,
    path = "/api/v1/portfolio",
    tag = "journal",
    params(PortfolioQuery),
    responses(
        (status = 200, description = "The document, with `Content-Disposition: attachment` and its name", content(
            (Object = "application/json"), (Object = "application/ld+json"),
        )),
        (status = 404, description = "No unrevoked badge has been issued yet, or (for a CLR) there is no issuer", body = crate::error::ErrorJson),
        (status = 422, description = "A format that is neither `json-resume` nor `clr` (field `format`)", body = crate::error::ErrorJson),
        (status = 503, description = "A CLR from a server started without the issuer's key store", body = crate::error::ErrorJson),
    )
)]
pub async fn get_portfolio(
    State(state): State<AppState>,
    Query(q): Query<PortfolioQuery>,
) -> Result<Response, ApiError> {
    Ok(portfolio_download(&state, &q).await?)
}

/// The portfolio `q` asks for, as a download (the API and the portfolio
/// page alike).
///
/// # Errors
/// As [`get_portfolio`].
pub async fn portfolio_download(
    state: &AppState,
    q: &PortfolioQuery,
) -> Result<Response, HttpError> {
    let format = q.format()?;
    let keys = if format.needs_issuer() {
        Some(state.keys()?)
    } else {
        None
    };
    let app = state.app().await?;
    let p = mm_app::portfolio::contents(&app, format, keys, q.name.as_deref()).await?;
    Ok(crate::pages::forms::download(
        &p.file_name(app.person().today()),
        format.media_type(),
        p.text().into_bytes(),
    ))
}
