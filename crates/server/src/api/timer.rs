//! The focus timer under `/api/v1/timer`: start one for a goal, checkpoint
//! it (the page's script does so every few seconds), pause, resume, stop,
//! finish with the end-of-session answers, or discard it. The timer lives in
//! the journal ([`mm_app::timer`]), so a reload, a closed tab or a restart
//! of the server finds it where it was.

use crate::error::HttpError;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use mm_app::timer::{self, Counts, FinishInput, Finished, StartInput, TimerView};

/// One change to the running timer at a time in this server. Each change
/// reads the stored timer, changes it and writes it back; two at once (the
/// checkpoint of a tab being closed racing the stop its form posted) could
/// otherwise lose one. The API and the pages take it alike.
static CHANGING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Wait for the turn to change the timer; the change is done when the
/// guard drops.
pub async fn one_change_at_a_time() -> tokio::sync::MutexGuard<'static, ()> {
    CHANGING.lock().await
}

/// The counts, or none (an empty body, or `null`, keeps what is stored).
fn counts_or_empty(body: axum::body::Bytes) -> Result<Counts, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Counts::default());
    }
    serde_json::from_slice::<Option<Counts>>(&body)
        .map(Option::unwrap_or_default)
        .map_err(|e| {
            ApiError(HttpError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("the counts are not valid JSON: {e}"),
            ))
        })
}

/// The running timer.
#[utoipa::path(
    get,
    path = "/api/v1/timer",
    tag = "practice",
    responses(
        (status = 200, description = "The running timer, its clock read by the server now", body = TimerView),
        (status = 404, description = "No timer is running", body = crate::error::ErrorJson),
    )
)]
pub async fn get_timer(State(state): State<AppState>) -> Result<Json<TimerView>, ApiError> {
    let app = state.app().await?;
    match timer::current(&app).await? {
        Some(v) => Ok(Json(v)),
        None => Err(mm_app::Error::not_found("running timer", "now").into()),
    }
}

/// Start a timer for a goal with its aim.
#[utoipa::path(
    post,
    path = "/api/v1/timer",
    tag = "practice",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    request_body = StartInput,
    responses(
        (status = 201, description = "Started", body = TimerView),
        (status = 404, description = "No such goal", body = crate::error::ErrorJson),
        (status = 409, description = "A timer is running already, or the goal is closed", body = crate::error::ErrorJson),
        (status = 415, description = "Not JSON", body = crate::error::ErrorJson),
        (status = 422, description = "A blank aim (field `aim`) or a limit that is no duration (field `limit`)", body = crate::error::ErrorJson),
    )
)]
pub async fn start_timer(
    State(state): State<AppState>,
    Json(input): Json<StartInput>,
) -> Result<(StatusCode, Json<TimerView>), ApiError> {
    let _turn = one_change_at_a_time().await;
    let app = state.app().await?;
    Ok((StatusCode::CREATED, Json(timer::start(&app, input).await?)))
}

macro_rules! timer_action {
    ($name:ident, $path:literal, $f:path, $what:literal) => {
        #[doc = $what]
        #[utoipa::path(
            post,
            path = $path,
            tag = "practice",
            params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
            request_body(content = Counts, description = "Counts so far (totals); an empty body keeps the stored ones"),
            responses(
                (status = 200, description = "The timer after it", body = TimerView),
                (status = 404, description = "No timer is running", body = crate::error::ErrorJson),
                (status = 422, description = "Counts that are not JSON numbers", body = crate::error::ErrorJson),
            )
        )]
        pub async fn $name(
            State(state): State<AppState>,
            body: axum::body::Bytes,
        ) -> Result<Json<TimerView>, ApiError> {
            let counts = counts_or_empty(body)?;
            let _turn = one_change_at_a_time().await;
            let app = state.app().await?;
            Ok(Json($f(&app, &counts).await?))
        }
    };
}

timer_action!(
    checkpoint_timer,
    "/api/v1/timer/checkpoint",
    timer::checkpoint,
    "Save the session so far (its focused time by the server's clock) with the counts given."
);
timer_action!(
    pause_timer,
    "/api/v1/timer/pause",
    timer::pause,
    "Pause the focused clock."
);
timer_action!(
    stop_timer,
    "/api/v1/timer/stop",
    timer::stop,
    "Stop the clock: next come the end-of-session answers."
);

/// Let the focused clock run again after a pause or a stop.
#[utoipa::path(
    post,
    path = "/api/v1/timer/resume",
    tag = "practice",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    request_body(content = Counts, description = "Counts so far (totals); an empty body keeps the stored ones"),
    responses(
        (status = 200, description = "The timer, running again", body = TimerView),
        (status = 404, description = "No timer is running", body = crate::error::ErrorJson),
        (status = 409, description = "The limit has ended the session: finish it", body = crate::error::ErrorJson),
        (status = 422, description = "Counts that are not JSON numbers", body = crate::error::ErrorJson),
    )
)]
pub async fn resume_timer(
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> Result<Json<TimerView>, ApiError> {
    let counts = counts_or_empty(body)?;
    let _turn = one_change_at_a_time().await;
    let app = state.app().await?;
    Ok(Json(timer::resume(&app, &counts).await?))
}

/// Save the session with the end-of-session answers and clear the timer.
#[utoipa::path(
    post,
    path = "/api/v1/timer/finish",
    tag = "practice",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    request_body = FinishInput,
    responses(
        (status = 200, description = "The saved session (`session` is null under half a minute of focus) and what the mastery rule counted", body = Finished),
        (status = 404, description = "No timer is running", body = crate::error::ErrorJson),
        (status = 422, description = "A difficulty outside 1–5 (field `difficulty`), or a session the journal refuses", body = crate::error::ErrorJson),
    )
)]
pub async fn finish_timer(
    State(state): State<AppState>,
    Json(input): Json<FinishInput>,
) -> Result<Json<Finished>, ApiError> {
    let _turn = one_change_at_a_time().await;
    let app = state.app().await?;
    Ok(Json(timer::finish(&app, input).await?))
}

/// Throw the running timer away, with the session its checkpoints wrote.
#[utoipa::path(
    delete,
    path = "/api/v1/timer",
    tag = "practice",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    responses(
        (status = 204, description = "Discarded"),
        (status = 404, description = "No timer is running", body = crate::error::ErrorJson),
    )
)]
pub async fn discard_timer(State(state): State<AppState>) -> Result<StatusCode, ApiError> {
    let _turn = one_change_at_a_time().await;
    let app = state.app().await?;
    timer::discard(&app).await?;
    Ok(StatusCode::NO_CONTENT)
}
