//! Discovery under `/api/v1`: role titles as you type, the explained
//! ranking for a role, the goal form a suggestion fills, and committing to
//! it. Also the shipped taxonomy, loaded once per process and shared by
//! these handlers and the discover and market pages.

use crate::error::HttpError;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use mm_app::commit::{CommitInput, GoalForm};
use mm_app::discover::{DiscoverInput, Discovery, MarketSource, RoleQuery};
use mm_app::roles::{RoleSuggestion, RoleTitles};
use mm_taxonomy::Taxonomy;
use serde::Deserialize;
use std::sync::OnceLock;

/// The shipped taxonomy and the role titles over it.
#[derive(Debug)]
pub struct Shared {
    pub tax: Taxonomy,
    pub titles: RoleTitles,
}

static SHARED: OnceLock<Result<Shared, String>> = OnceLock::new();

/// The shipped taxonomy, decoded on first use (on a blocking thread: it
/// takes a moment) and kept for the life of the process.
///
/// # Errors
/// 500 when the embedded taxonomy cannot be decoded (a build problem).
pub async fn shared() -> Result<&'static Shared, HttpError> {
    let r = match SHARED.get() {
        Some(r) => r,
        None => tokio::task::spawn_blocking(|| {
            SHARED.get_or_init(|| {
                Taxonomy::load_embedded()
                    .map(|tax| Shared {
                        titles: RoleTitles::new(&tax),
                        tax,
                    })
                    .map_err(|e| format!("loading the shipped taxonomy: {e}"))
            })
        })
        .await
        .map_err(|e| HttpError::from(mm_app::Error::internal(e.to_string())))?,
    };
    r.as_ref()
        .map_err(|e| HttpError::from(mm_app::Error::internal(e.clone())))
}

fn bad(field: &str, message: impl Into<String>) -> HttpError {
    HttpError {
        field: Some(field.to_owned()),
        ..HttpError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }
}

/// What `/api/v1/roles` takes.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RolesQuery {
    /// What was typed so far (two letters at least).
    pub q: Option<String>,
    /// Suggestions to return, 1–25 (default 8).
    #[param(minimum = 1, maximum = 25)]
    pub top: Option<usize>,
}

/// Role titles for what was typed so far.
#[utoipa::path(
    get,
    path = "/api/v1/roles",
    tag = "discover",
    params(RolesQuery),
    responses(
        (status = 200, description = "Up to `top` occupations whose titles start with the words typed, then the closest titles", body = [RoleSuggestion]),
        (status = 422, description = "`top` out of range", body = crate::error::ErrorJson),
    )
)]
pub async fn get_roles(Query(q): Query<RolesQuery>) -> Result<Json<Vec<RoleSuggestion>>, ApiError> {
    let top = q.top.unwrap_or(8);
    if !(1..=25).contains(&top) {
        return Err(bad("top", format!("top must be 1 to 25, not {top}")).into());
    }
    let s = shared().await?;
    Ok(Json(s.titles.suggest(
        &s.tax,
        q.q.as_deref().unwrap_or(""),
        top,
    )))
}

/// What to rank (the API's body; the discover page's form has the same
/// fields).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct DiscoverRequest {
    /// A job title ("data analyst").
    pub role: Option<String>,
    /// Or an ESCO occupation URI or O*NET-SOC code.
    pub occupation: Option<String>,
    /// Micro-skills to keep, 1–50 (default 10).
    pub top: Option<usize>,
    /// Broad competences (arcs) to keep, 0–20 (default 5).
    pub arcs: Option<usize>,
    /// Rank on this saved market analysis.
    pub market: Option<i64>,
    /// Rank without posting data.
    #[serde(default)]
    pub no_market: bool,
    /// The country you work in (ISO code, GB): steps written for another
    /// country's law or standards are left out (default: the profile's).
    pub country: Option<String>,
    /// The languages or platforms you work in, comma-separated (python,
    /// dotnet): other stacks' steps are left out (default: the profile's,
    /// else those the held skills name).
    pub stack: Option<String>,
}

/// Rank for a request: the same as `mm discover`.
///
/// # Errors
/// 422 naming the field for a missing role or an out-of-range count; 404
/// for a role the taxonomy does not know.
pub async fn rank(state: &AppState, r: &DiscoverRequest) -> Result<Discovery, HttpError> {
    let top = r.top.unwrap_or(10);
    if !(1..=50).contains(&top) {
        return Err(bad("top", format!("top must be 1 to 50, not {top}")));
    }
    let arcs = r.arcs.unwrap_or(5);
    if arcs > 20 {
        return Err(bad("arcs", format!("arcs must be 0 to 20, not {arcs}")));
    }
    let nonblank = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let q = match (nonblank(&r.occupation), nonblank(&r.role)) {
        (Some(o), _) => RoleQuery::Occupation(o),
        (None, Some(t)) => RoleQuery::Title(t),
        (None, None) => RoleQuery::Stored,
    };
    let s = shared().await?;
    let app = state.app().await?;
    let Some(role) = mm_app::discover::role(&app, &s.tax, s.titles.index(), &q).await? else {
        return Err(bad(
            "role",
            "which role? Give a job title such as \"data analyst\", or set a target role in your profile",
        ));
    };
    let market = match (r.no_market, r.market) {
        (true, _) => MarketSource::None,
        (false, Some(id)) => MarketSource::Saved(id),
        (false, None) => MarketSource::Auto,
    };
    let input = DiscoverInput {
        market,
        input: mm_app::market::PostingInput::default(),
        top,
        arcs,
        country: nonblank(&r.country),
        stacks: nonblank(&r.stack).map(|s| vec![s]).unwrap_or_default(),
    };
    // Ranking is CPU work, and its progress reporter is not `Send`: it runs
    // on a blocking thread that drives it to the end.
    let handle = tokio::runtime::Handle::current();
    let ranked = tokio::task::spawn_blocking(move || {
        handle.block_on(async move {
            mm_app::discover::discover(&app, &s.tax, &role, &input, &mut mm_app::market::Quiet)
                .await
        })
    })
    .await
    .map_err(|e| HttpError::from(mm_app::Error::internal(e.to_string())))?;
    Ok(ranked?)
}

/// The explained ranking of micro-skills for a role (as `mm discover
/// --json`); it is remembered, so a rank can be committed to next.
#[utoipa::path(
    post,
    path = "/api/v1/discover",
    tag = "discover",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    request_body = DiscoverRequest,
    responses(
        (status = 200, description = "The role as understood, the ranked micro-skills and arcs with each score's components and evidence, and the market it was measured on (the `mm discover --json` document)", body = Object),
        (status = 404, description = "A role or saved analysis the journal or taxonomy does not know", body = crate::error::ErrorJson),
        (status = 422, description = "No role given (field `role`), or a count out of range", body = crate::error::ErrorJson),
    )
)]
pub async fn post_discover(
    State(state): State<AppState>,
    Json(r): Json<DiscoverRequest>,
) -> Result<Json<Discovery>, ApiError> {
    Ok(Json(rank(&state, &r).await?))
}

/// What `/api/v1/discover/form` takes.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormQuery {
    /// A rank of the last ranking (1, 2, …), an ESCO skill URI or a catalogue id.
    pub from: String,
}

/// The goal form a suggestion fills (nothing is written).
#[utoipa::path(
    get,
    path = "/api/v1/discover/form",
    tag = "discover",
    params(FormQuery),
    responses(
        (status = 200, description = "The micro-skill, principles, done-when criteria, deadline, weekly budget and level the goal would get", body = GoalForm),
        (status = 404, description = "No ranking yet to take a rank from", body = crate::error::ErrorJson),
        (status = 422, description = "A rank not in the last ranking, or text that is no rank, URI or catalogue id (field `from`)", body = crate::error::ErrorJson),
    )
)]
pub async fn get_form(
    State(state): State<AppState>,
    Query(q): Query<FormQuery>,
) -> Result<Json<GoalForm>, ApiError> {
    let s = shared().await?;
    let app = state.app().await?;
    Ok(Json(mm_app::commit::form(&app, &s.tax, &q.from).await?))
}

/// Commit to a suggestion: its skill, micro-skill and goal, in one
/// transaction.
#[utoipa::path(
    post,
    path = "/api/v1/discover/commit",
    tag = "discover",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    request_body = CommitInput,
    responses(
        (status = 201, description = "The new goal, its micro-skill and skill, and where the micro-skill came from", body = Object),
        (status = 404, description = "No ranking yet to take a rank from", body = crate::error::ErrorJson),
        (status = 422, description = "A bad suggestion (field `from`), deadline, weekly budget, level, start or criterion, named in `field`", body = crate::error::ErrorJson),
    )
)]
pub async fn post_commit(
    State(state): State<AppState>,
    Json(input): Json<CommitInput>,
) -> Result<(StatusCode, Json<mm_app::goals::CreatedGoal>), ApiError> {
    let s = shared().await?;
    let app = state.app().await?;
    let created = mm_app::commit::commit(&app, &s.tax, input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}
