//! Market analysis under `/api/v1/market`: upload a postings file (JSON
//! Lines, CSV, JSON or JSON-LD, HTML, as `mm market analyse` reads them) and
//! get every skill's share with its 95% interval, its monthly trend and the
//! skills asked for with it; the analysis is kept in the journal (unless
//! told not to), where discovery finds it. Also the saved analyses.

use crate::error::HttpError;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use mm_app::market::{AnalyseInput, Analysis, SavedMarket, SavedReport, Upload};
use serde::Serialize;

/// The multipart form the analysis reads (documented in the OpenAPI file).
#[derive(Debug, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct MarketForm {
    /// The postings file: `.jsonl`, `.csv`, `.json`/`.jsonld` or `.html` (by
    /// its name; without an extension the first byte decides). Up to 10 MB.
    #[schema(format = Binary, value_type = String)]
    postings: Vec<u8>,
    /// Count only postings whose titles name this role (a job title).
    role: Option<String>,
    /// Report only the skills of this occupation (ESCO URI or O*NET-SOC code).
    occupation: Option<String>,
    /// Only postings dated in this month or later (`YYYY-MM`).
    since: Option<String>,
    /// Postings a pair of skills must share to count as co-occurring (default 3).
    min_support: Option<u64>,
    /// Keep the analysis in the journal (`true` by default; `false` to only look).
    save: Option<bool>,
}

/// An analysis, and where it was kept.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Analysed {
    /// What was read and its report (the `mm market analyse --json` report
    /// is its `report`).
    #[schema(value_type = Object)]
    pub analysis: Analysis,
    /// The saved analysis, unless `save` was false.
    #[schema(value_type = Option<Object>)]
    pub saved: Option<SavedMarket>,
}

fn bad(field: &str, message: impl Into<String>) -> HttpError {
    HttpError {
        field: Some(field.to_owned()),
        ..HttpError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }
}

/// What a market form asked for.
#[derive(Debug)]
pub struct MarketUpload {
    pub input: AnalyseInput,
    pub upload: Upload,
    pub save: bool,
}

/// Read the market form.
///
/// # Errors
/// 422 naming the field for a missing file, a month that is not `YYYY-MM`
/// or a support that is no number; 413 for an upload over the limit.
pub async fn read_form(mut form: Multipart) -> Result<MarketUpload, HttpError> {
    let mut input = AnalyseInput {
        min_support: 3,
        ..AnalyseInput::default()
    };
    let mut upload: Option<Upload> = None;
    let mut save = true;
    loop {
        let next = form
            .next_field()
            .await
            .map_err(|e| super::input::multipart_error(&e))?;
        let Some(part) = next else { break };
        let name = part.name().unwrap_or("").to_owned();
        let file = part.file_name().map(str::to_owned);
        let bytes = part
            .bytes()
            .await
            .map_err(|e| super::input::multipart_error(&e))?;
        let text = || String::from_utf8_lossy(&bytes).trim().to_owned();
        let opt = |t: String| (!t.is_empty()).then_some(t);
        match name.as_str() {
            "postings" => {
                if bytes.is_empty() && file.as_deref().is_none_or(str::is_empty) {
                    continue; // the file input left empty
                }
                upload = Some(Upload {
                    name: file
                        .filter(|f| !f.is_empty())
                        .unwrap_or_else(|| "postings".into()),
                    bytes: bytes.to_vec(),
                });
            }
            "role" => input.role = opt(text()),
            "occupation" => input.occupation = opt(text()),
            "since" => {
                if let Some(t) = opt(text()) {
                    input.since = Some(mm_discover::market::month_key(&t).ok_or_else(|| {
                        bad(
                            "since",
                            format!("{t:?} is not a month: use YYYY-MM, e.g. 2021-01"),
                        )
                    })?);
                }
            }
            "min_support" => {
                if let Some(t) = opt(text()) {
                    input.min_support =
                        t.parse::<u64>().ok().filter(|n| *n >= 1).ok_or_else(|| {
                            bad(
                                "min_support",
                                format!(
                                    "min_support must be a whole number, 1 or more (not {t:?})"
                                ),
                            )
                        })?;
                }
            }
            "save" => {
                save = match text().as_str() {
                    "" | "true" | "on" | "1" | "yes" => true,
                    "false" | "off" | "0" | "no" => false,
                    t => {
                        return Err(bad(
                            "save",
                            format!("save must be true or false, not {t:?}"),
                        ));
                    }
                }
            }
            "csrf" => {}
            other => return Err(bad(other, format!("unknown field {other:?}"))),
        }
    }
    let upload = upload.ok_or_else(|| {
        bad(
            "postings",
            "choose a postings file (JSON Lines, CSV, JSON-LD or HTML)",
        )
    })?;
    Ok(MarketUpload {
        input,
        upload,
        save,
    })
}

/// Analyse (on a blocking thread: counting is CPU work) and keep the
/// analysis when asked.
///
/// # Errors
/// As [`mm_app::market::analyse_upload`] and [`mm_app::market::save`].
pub async fn run(state: &AppState, m: MarketUpload) -> Result<Analysed, HttpError> {
    let s = crate::api::discover::shared().await?;
    let MarketUpload {
        input,
        upload,
        save,
    } = m;
    let analysis = tokio::task::spawn_blocking(move || {
        mm_app::market::analyse_upload(&s.tax, &input, &upload, &mut mm_app::market::Quiet)
    })
    .await
    .map_err(|e| HttpError::from(mm_app::Error::internal(e.to_string())))??;
    let saved = if save {
        let app = state.app().await?;
        Some(mm_app::market::save(&app, &analysis).await?)
    } else {
        None
    };
    Ok(Analysed { analysis, saved })
}

/// Analyse an uploaded postings file.
#[utoipa::path(
    post,
    path = "/api/v1/market",
    tag = "market",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    request_body(content = MarketForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "Every skill's share of the postings with its Wilson 95% interval, monthly trend (Benjamini–Hochberg corrected) and co-occurring skills, and the saved analysis", body = Analysed),
        (status = 404, description = "A role or occupation the taxonomy does not know", body = crate::error::ErrorJson),
        (status = 413, description = "Upload over 10 MB", body = crate::error::ErrorJson),
        (status = 422, description = "No file (field `postings`), a file without postings or skills, or a bad option, named in `field`", body = crate::error::ErrorJson),
    )
)]
pub async fn post_market(
    State(state): State<AppState>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Json<Analysed>, ApiError> {
    let form = form.map_err(|e| HttpError::new(e.status(), e.body_text()))?;
    let m = read_form(form).await?;
    Ok(Json(run(&state, m).await?))
}

/// The saved analyses, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/market",
    tag = "market",
    responses((status = 200, description = "Every saved analysis, without its report", body = Object))
)]
pub async fn list_markets(
    State(state): State<AppState>,
) -> Result<Json<Vec<SavedMarket>>, ApiError> {
    let app = state.app().await?;
    Ok(Json(mm_app::market::list(&app).await?))
}

/// One saved analysis with its report.
#[utoipa::path(
    get,
    path = "/api/v1/market/{id}",
    tag = "market",
    params(("id" = i64, Path, description = "The saved analysis (from `GET /api/v1/market`)")),
    responses(
        (status = 200, description = "The analysis and its report", body = Object),
        (status = 404, description = "No such analysis", body = crate::error::ErrorJson),
    )
)]
pub async fn get_market(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<SavedReport>, ApiError> {
    let id = parse_id(&id)?;
    let app = state.app().await?;
    Ok(Json(mm_app::market::saved(&app, id).await?))
}

/// A saved analysis's id from a path.
///
/// # Errors
/// 404: a path that names no analysis.
pub fn parse_id(id: &str) -> Result<i64, HttpError> {
    id.parse::<i64>().map_err(|_| {
        HttpError::new(
            StatusCode::NOT_FOUND,
            format!("no market analysis {id:?}: analyses are numbered"),
        )
    })
}
