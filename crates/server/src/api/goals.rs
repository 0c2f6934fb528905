//! `/api/v1/goals/{id}/…`: one goal and every action of its page, as JSON:
//! tick and untick criteria, log practice, record an application (JSON with
//! an evidence link, or multipart with an evidence file), reflect, ask the
//! mastery rule, extend, abandon, plan and export the calendar; and
//! `PUT /api/v1/profile/availability`, which a plan needs. Each handler
//! calls the same `mm-app` workflow as the goal page.

use super::input::{ApiJson, Fields, criterion_number, goal_id, parse_json, read_form};
use crate::error::HttpError;
use crate::{ApiError, AppState};
use axum::Json;
use axum::Router;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::routing::{get, post, put};
use mm_app::goals::{Check, GoalDetail};
use mm_app::plan::{Calendar, CalendarRequest, PlanResult};
use mm_app::practice::{LogInput, Saved, SessionDetails};
use mm_app::records::{About, ApplyInput, ReflectInput};
use mm_core::{Application, Evidence, Goal, Reflection, SessionId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The routes that take small bodies.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/goals/{id}", get(get_goal))
        .route("/api/v1/goals/{id}/criteria/{n}", put(tick))
        .route("/api/v1/goals/{id}/sessions", post(log_session))
        .route("/api/v1/goals/{id}/reflections", post(reflect))
        .route("/api/v1/goals/{id}/check", post(check))
        .route("/api/v1/goals/{id}/extend", post(extend))
        .route("/api/v1/goals/{id}/abandon", post(abandon))
        .route("/api/v1/goals/{id}/plan", post(plan))
        .route("/api/v1/goals/{id}/calendar", post(calendar))
        .route("/api/v1/profile/availability", put(set_availability))
}

/// The routes that take an upload (the router gives them the upload limit).
pub fn upload_routes() -> Router<AppState> {
    Router::new().route("/api/v1/goals/{id}/applications", post(apply))
}

/// One goal with everything its page shows.
#[utoipa::path(
    get,
    path = "/api/v1/goals/{id}",
    tag = "goals",
    params(("id" = i64, Path, description = "The goal's id")),
    responses(
        (status = 200, description = "The goal, its pace and mastery conditions, sessions, applications, reflections, plan and badges", body = GoalDetail),
        (status = 401, description = "Not signed in", body = crate::error::ErrorJson),
        (status = 404, description = "No such goal", body = crate::error::ErrorJson),
    )
)]
pub async fn get_goal(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<GoalDetail>, ApiError> {
    let id = goal_id(&id)?;
    let app = state.app().await?;
    Ok(Json(mm_app::goals::detail(&app, id).await?))
}

/// Whether a criterion is met.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TickJson {
    /// `true` ticks the criterion, `false` unticks it.
    pub met: bool,
}

/// Tick or untick a done-when criterion.
#[utoipa::path(
    put,
    path = "/api/v1/goals/{id}/criteria/{n}",
    tag = "goals",
    params(
        ("id" = i64, Path, description = "The goal's id"),
        ("n" = usize, Path, description = "The criterion's number, from 1"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    request_body = TickJson,
    responses(
        (status = 200, description = "The goal with the criterion ticked or unticked", body = Goal),
        (status = 403, description = "Missing or wrong CSRF token", body = crate::error::ErrorJson),
        (status = 404, description = "No such goal or criterion", body = crate::error::ErrorJson),
        (status = 422, description = "A field is missing or wrong, or the goal is closed", body = crate::error::ErrorJson),
    )
)]
pub async fn tick(
    State(state): State<AppState>,
    Path((id, n)): Path<(String, String)>,
    ApiJson(body): ApiJson<TickJson>,
) -> Result<Json<Goal>, ApiError> {
    let id = goal_id(&id)?;
    let n = criterion_number(&n)?;
    let app = state.app().await?;
    Ok(Json(mm_app::goals::tick(&app, id, n, body.met).await?))
}

/// A duration: minutes as a number, or text such as `45m` or `1h15m`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Minutes {
    Number(u32),
    Text(String),
}

impl Minutes {
    fn text(&self) -> String {
        match self {
            Minutes::Number(n) => n.to_string(),
            Minutes::Text(t) => t.clone(),
        }
    }
}

/// A practice session to log after the fact (what `mm practice log` takes).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LogJson {
    /// Focused time: 45, "45m", "1h15m".
    pub minutes: Minutes,
    /// The session's one specific aim.
    pub aim: String,
    /// When it started: "now" (the default: it just ended), "18:30", "yesterday 18:30", "2026-11-20 07:00".
    #[serde(default)]
    pub at: Option<String>,
    /// Wall-clock length when breaks made it longer than the focused time.
    #[serde(default)]
    pub lasted: Option<Minutes>,
    #[serde(default)]
    pub reps: u32,
    #[serde(default)]
    pub errors: u32,
    #[serde(default)]
    pub interruptions: u32,
    /// 1 (easy) to 5 (very hard).
    #[serde(default)]
    pub difficulty: Option<u8>,
    #[serde(default)]
    pub feedback: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// Log a practice session.
#[utoipa::path(
    post,
    path = "/api/v1/goals/{id}/sessions",
    tag = "goals",
    params(
        ("id" = i64, Path, description = "The goal's id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    request_body = LogJson,
    responses(
        (status = 201, description = "The session as saved", body = Saved),
        (status = 403, description = "Missing or wrong CSRF token", body = crate::error::ErrorJson),
        (status = 404, description = "No such goal", body = crate::error::ErrorJson),
        (status = 422, description = "A field is missing or wrong (`field` names it)", body = crate::error::ErrorJson),
    )
)]
pub async fn log_session(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<LogJson>,
) -> Result<(StatusCode, Json<Saved>), ApiError> {
    let id = goal_id(&id)?;
    let app = state.app().await?;
    let saved = mm_app::practice::log(
        &app,
        LogInput {
            goal: id,
            minutes: body.minutes.text(),
            at: body.at.unwrap_or_else(|| "now".into()),
            lasted: body.lasted.as_ref().map(Minutes::text),
            details: SessionDetails {
                aim: body.aim,
                reps: body.reps,
                errors: body.errors,
                interruptions: body.interruptions,
                difficulty: body.difficulty,
                feedback: body.feedback,
                notes: body.notes,
            },
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

/// A real application of the skill, as JSON (evidence as a link).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyJson {
    /// Where the skill was used: the project, meeting or task.
    pub context: String,
    /// What came of it.
    pub outcome: String,
    /// What difference it made.
    #[serde(default)]
    pub impact: Option<String>,
    /// When: "now" (the default), "yesterday 15:00", "2026-11-20 14:00".
    #[serde(default)]
    pub at: Option<String>,
    /// A link to the work.
    #[serde(default)]
    pub evidence_url: Option<String>,
}

/// The same, as a multipart form with an evidence file (documented only).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct ApplyForm {
    /// Where the skill was used: the project, meeting or task.
    context: String,
    /// What came of it.
    outcome: String,
    /// What difference it made.
    impact: Option<String>,
    /// When: "now" (the default), "yesterday 15:00", "2026-11-20 14:00".
    at: Option<String>,
    /// A link to the work (when no file is sent).
    evidence_url: Option<String>,
    /// The evidence file (up to 10 MB): the journal keeps its name and SHA-256, not its bytes.
    #[schema(format = Binary, value_type = Option<String>)]
    evidence: Option<Vec<u8>>,
}

/// Record an application of the skill, with an evidence link or file.
#[utoipa::path(
    post,
    path = "/api/v1/goals/{id}/applications",
    tag = "goals",
    params(
        ("id" = i64, Path, description = "The goal's id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    request_body(content(
        (ApplyJson = "application/json"),
        (ApplyForm = "multipart/form-data"),
    )),
    responses(
        (status = 201, description = "The application as recorded; a file is kept as its name and SHA-256", body = Application),
        (status = 403, description = "Missing or wrong CSRF token", body = crate::error::ErrorJson),
        (status = 404, description = "No such goal", body = crate::error::ErrorJson),
        (status = 413, description = "The upload is over 10 MB", body = crate::error::ErrorJson),
        (status = 415, description = "Neither JSON nor a multipart form", body = crate::error::ErrorJson),
        (status = 422, description = "A field is missing or wrong (`field` names it)", body = crate::error::ErrorJson),
    )
)]
pub async fn apply(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: Request,
) -> Result<(StatusCode, Json<Application>), ApiError> {
    let id = goal_id(&id)?;
    let ctype = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let (fields, evidence) = if ctype.starts_with("multipart/form-data") {
        let form = Multipart::from_request(req, &state)
            .await
            .map_err(|e| HttpError::new(e.status(), e.body_text()))?;
        let (f, upload) = read_form(form, "evidence").await?;
        let evidence = super::input::evidence(&f, upload.as_ref())?;
        (f, evidence)
    } else {
        let ApiJson(body) = ApiJson::<ApplyJson>::from_request(req, &state).await?;
        let evidence = body
            .evidence_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())
            .map(mm_app::records::link_evidence)
            .transpose()?;
        let mut f = vec![
            ("context".to_owned(), body.context),
            ("outcome".to_owned(), body.outcome),
        ];
        f.extend(body.impact.map(|i| ("impact".to_owned(), i)));
        f.extend(body.at.map(|a| ("at".to_owned(), a)));
        (Fields(f), evidence)
    };
    let app = state.app().await?;
    let recorded = mm_app::records::apply(&app, apply_input(id, &fields, evidence)).await?;
    Ok((StatusCode::CREATED, Json(recorded)))
}

fn apply_input(goal: mm_core::GoalId, f: &Fields, evidence: Option<Evidence>) -> ApplyInput {
    ApplyInput {
        goal,
        at: f.opt("at").unwrap_or_else(|| "now".into()),
        context: f.get("context").trim().to_owned(),
        outcome: f.get("outcome").trim().to_owned(),
        impact: f.opt("impact"),
        evidence,
    }
}

/// A reflection on the goal or one of its sessions.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReflectJson {
    #[serde(default)]
    pub worked: String,
    #[serde(default)]
    pub didnt: String,
    #[serde(default)]
    pub next: String,
    /// The principles it is about, by id or name.
    #[serde(default)]
    pub principles: Vec<String>,
    /// About this session of the goal instead of the goal as a whole.
    #[serde(default)]
    pub session: Option<i64>,
}

/// Record a reflection: what worked, what did not, what next.
#[utoipa::path(
    post,
    path = "/api/v1/goals/{id}/reflections",
    tag = "goals",
    params(
        ("id" = i64, Path, description = "The goal's id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    request_body = ReflectJson,
    responses(
        (status = 201, description = "The reflection as recorded", body = Reflection),
        (status = 403, description = "Missing or wrong CSRF token", body = crate::error::ErrorJson),
        (status = 404, description = "No such goal, session or principle", body = crate::error::ErrorJson),
        (status = 422, description = "A field is missing or wrong (`field` names it)", body = crate::error::ErrorJson),
    )
)]
pub async fn reflect(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReflectJson>,
) -> Result<(StatusCode, Json<Reflection>), ApiError> {
    let id = goal_id(&id)?;
    let app = state.app().await?;
    app.store()
        .get_goal(id)
        .await
        .map_err(mm_app::Error::from)?;
    let about = match body.session {
        None => About::Goal(id),
        Some(sid) => {
            let s = app
                .store()
                .get_session(SessionId(sid))
                .await
                .map_err(mm_app::Error::from)?;
            if s.goal_id != id {
                return Err(mm_app::Error::invalid_field(
                    "session",
                    format!("session {sid} is not one of goal {id}'s"),
                )
                .into());
            }
            About::Session(s.id)
        }
    };
    let r = mm_app::records::reflect(
        &app,
        ReflectInput {
            about,
            worked: body.worked,
            didnt: body.didnt,
            next: body.next,
            principles: body.principles,
        },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// Ask the mastery rule; the goal is marked achieved when every condition holds.
#[utoipa::path(
    post,
    path = "/api/v1/goals/{id}/check",
    tag = "goals",
    params(
        ("id" = i64, Path, description = "The goal's id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    responses(
        (status = 200, description = "The rule's answer: achieved or not, with every condition", body = Check),
        (status = 403, description = "Missing or wrong CSRF token", body = crate::error::ErrorJson),
        (status = 404, description = "No such goal", body = crate::error::ErrorJson),
        (status = 422, description = "The goal was abandoned", body = crate::error::ErrorJson),
    )
)]
pub async fn check(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Check>, ApiError> {
    let id = goal_id(&id)?;
    let app = state.app().await?;
    Ok(Json(mm_app::goals::check(&app, id).await?))
}

/// A new deadline and why.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendJson {
    /// A later date ("2026-12-20") or an offset from today ("+1w").
    pub to: String,
    /// Why: kept with the goal's history.
    pub reason: String,
}

/// Move the deadline later; the old one and the reason are kept.
#[utoipa::path(
    post,
    path = "/api/v1/goals/{id}/extend",
    tag = "goals",
    params(
        ("id" = i64, Path, description = "The goal's id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    request_body = ExtendJson,
    responses(
        (status = 200, description = "The goal with its new deadline and the extension recorded", body = Goal),
        (status = 403, description = "Missing or wrong CSRF token", body = crate::error::ErrorJson),
        (status = 404, description = "No such goal", body = crate::error::ErrorJson),
        (status = 422, description = "A field is missing or wrong (`field` names it), or the goal is closed", body = crate::error::ErrorJson),
    )
)]
pub async fn extend(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ExtendJson>,
) -> Result<Json<Goal>, ApiError> {
    let id = goal_id(&id)?;
    let app = state.app().await?;
    Ok(Json(
        mm_app::goals::extend(&app, id, &body.to, &body.reason).await?,
    ))
}

/// Why a goal is given up.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AbandonJson {
    pub reason: String,
}

/// Give a goal up, saying why.
#[utoipa::path(
    post,
    path = "/api/v1/goals/{id}/abandon",
    tag = "goals",
    params(
        ("id" = i64, Path, description = "The goal's id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    request_body = AbandonJson,
    responses(
        (status = 200, description = "The abandoned goal", body = Goal),
        (status = 403, description = "Missing or wrong CSRF token", body = crate::error::ErrorJson),
        (status = 404, description = "No such goal", body = crate::error::ErrorJson),
        (status = 422, description = "No reason, or the goal is closed already", body = crate::error::ErrorJson),
    )
)]
pub async fn abandon(
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<AbandonJson>,
) -> Result<Json<Goal>, ApiError> {
    let id = goal_id(&id)?;
    let app = state.app().await?;
    Ok(Json(mm_app::goals::abandon(&app, id, &body.reason).await?))
}

/// Make (or remake) the goal's plan from now.
#[utoipa::path(
    post,
    path = "/api/v1/goals/{id}/plan",
    tag = "goals",
    params(
        ("id" = i64, Path, description = "The goal's id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    responses(
        (status = 200, description = "`outcome: fits` with the plan kept, or `outcome: short` with why the goal no longer fits (nothing changed)", body = PlanResult),
        (status = 403, description = "Missing or wrong CSRF token", body = crate::error::ErrorJson),
        (status = 404, description = "No such goal", body = crate::error::ErrorJson),
        (status = 422, description = "No availability set (`field: availability`), or the goal is closed or past its deadline", body = crate::error::ErrorJson),
    )
)]
pub async fn plan(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<PlanResult>, ApiError> {
    let id = goal_id(&id)?;
    let app = state.app().await?;
    Ok(Json(mm_app::plan::plan(&app, id).await?))
}

/// What the calendar holds.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarJson {
    /// A reminder this many minutes before each event.
    #[serde(default)]
    pub alarm_minutes: Option<u32>,
}

/// The goal's plan as an iCalendar (RFC 5545) document; a re-export updates
/// the same events and cancels those a re-plan dropped.
#[utoipa::path(
    post,
    path = "/api/v1/goals/{id}/calendar",
    tag = "goals",
    params(
        ("id" = i64, Path, description = "The goal's id"),
        ("X-CSRF-Token" = String, Header, description = "The session's CSRF token"),
    ),
    request_body = CalendarJson,
    responses(
        (status = 200, description = "The calendar's text and what it holds", body = Calendar),
        (status = 403, description = "Missing or wrong CSRF token", body = crate::error::ErrorJson),
        (status = 404, description = "No such goal", body = crate::error::ErrorJson),
        (status = 422, description = "The goal has no plan yet (`field: goal`)", body = crate::error::ErrorJson),
    )
)]
pub async fn calendar(
    State(state): State<AppState>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<Calendar>, ApiError> {
    let id = goal_id(&id)?;
    // An empty body means no options.
    let opts: CalendarJson = if body.iter().all(u8::is_ascii_whitespace) {
        CalendarJson::default()
    } else {
        parse_json(&body)?
    };
    let app = state.app().await?;
    Ok(Json(
        mm_app::plan::export_calendar(
            &app,
            &CalendarRequest {
                goal: Some(id),
                alarm_minutes: opts.alarm_minutes,
            },
        )
        .await?,
    ))
}

/// When the person can practise.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityJson {
    /// Weekly windows: "mon-fri 07:00-07:40, sat 10:00-11:30".
    pub availability: String,
    /// An IANA zone for the windows (default: the one set, else UTC).
    #[serde(default)]
    pub timezone: Option<String>,
}

/// The availability as set.
#[derive(Debug, Serialize, ToSchema)]
pub struct AvailabilityView {
    /// The windows as one would write them again.
    pub availability: String,
    pub timezone: String,
    /// Minutes a week the windows hold.
    pub weekly_minutes: u32,
}

/// Say when you can practise (the planner places sessions inside these windows).
#[utoipa::path(
    put,
    path = "/api/v1/profile/availability",
    tag = "goals",
    params(("X-CSRF-Token" = String, Header, description = "The session's CSRF token")),
    request_body = AvailabilityJson,
    responses(
        (status = 200, description = "The availability as set", body = AvailabilityView),
        (status = 403, description = "Missing or wrong CSRF token", body = crate::error::ErrorJson),
        (status = 422, description = "Windows or a zone that are refused (`field` names which)", body = crate::error::ErrorJson),
    )
)]
pub async fn set_availability(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<AvailabilityJson>,
) -> Result<Json<AvailabilityView>, ApiError> {
    let app = state.app().await?;
    let profile = mm_app::profile::set(
        &app,
        &mm_app::profile::ProfileChange {
            availability: Some(body.availability),
            timezone: body.timezone,
            ..Default::default()
        },
    )
    .await?;
    let av = profile
        .availability
        .ok_or_else(|| mm_app::Error::internal("the availability was not kept"))?;
    Ok(Json(AvailabilityView {
        availability: av.describe(),
        timezone: av.tz.to_string(),
        weekly_minutes: av.weekly_minutes(),
    }))
}
