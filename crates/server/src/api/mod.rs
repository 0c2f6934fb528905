//! The JSON API under `/api/v1`, described by an OpenAPI 3.1 document derived
//! from these handlers and the view-model types ([`ApiDoc`]) and served at
//! `/api/v1/openapi.json`. Every handler calls the same `mm-app` functions
//! as the pages.

pub mod badges;
pub mod discover;
pub mod goals;
pub mod input;
pub mod journal;
pub mod market;
pub mod review;
pub mod session;
pub mod status;
pub mod timer;
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
        timer::get_timer, timer::start_timer, timer::checkpoint_timer, timer::pause_timer,
        timer::resume_timer, timer::stop_timer, timer::finish_timer, timer::discard_timer,
        review::get_review, review::get_review_svg,
        discover::get_roles, discover::post_discover, discover::get_form, discover::post_commit,
        market::post_market, market::list_markets, market::get_market,
        journal::get_journal, journal::post_journal, journal::get_portfolio,
    ),
    // Types that only parameters name (utoipa collects those of bodies and
    // responses by itself); the drift test checks every reference resolves.
    components(schemas(crate::error::ErrorJson, mm_app::badges::BadgeForm, mm_app::portfolio::Format)),
    tags(
        (name = "journal", description = "Where the goals stand, the review, the whole journal and the portfolio"),
        (name = "practice", description = "The focus timer, kept in the journal"),
        (name = "discover", description = "What to learn for a role, and committing to it"),
        (name = "market", description = "What job postings ask for"),
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
        .route(
            "/api/v1/timer",
            get(timer::get_timer)
                .post(timer::start_timer)
                .delete(timer::discard_timer),
        )
        .route("/api/v1/timer/checkpoint", post(timer::checkpoint_timer))
        .route("/api/v1/timer/pause", post(timer::pause_timer))
        .route("/api/v1/timer/resume", post(timer::resume_timer))
        .route("/api/v1/timer/stop", post(timer::stop_timer))
        .route("/api/v1/timer/finish", post(timer::finish_timer))
        .route("/api/v1/review", get(review::get_review))
        .route("/api/v1/review/charts.svg", get(review::get_review_svg))
        .route("/api/v1/roles", get(discover::get_roles))
        .route("/api/v1/discover", post(discover::post_discover))
        .route("/api/v1/discover/form", get(discover::get_form))
        .route("/api/v1/discover/commit", post(discover::post_commit))
        .route("/api/v1/market/{id}", get(market::get_market))
        .route("/api/v1/portfolio", get(journal::get_portfolio))
}

/// The API routes that take uploads: a postings file, a journal.
pub fn upload_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/market",
            get(market::list_markets).post(market::post_market),
        )
        .route(
            "/api/v1/journal",
            get(journal::get_journal).post(journal::post_journal),
        )
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
