//! What coaches see of a cohort, as JSON or CSV (`?format=csv`): the skill
//! matrix (members × micro-skills: state, level, last practice), progress
//! to the deadlines, and the learners at risk, each with its reason; and
//! `GET /api/v1/team/me/shared`, what coaches can see of oneself.
//!
//! A member's journal is theirs alone (row-level security per person): the
//! views read it through one narrow projection, [`mm_app::coaching::summaries`],
//! of only the goals their programmes gave them, and only for an admin or
//! the cohort's coach; each look is in the audit trail
//! ([`mm_team::TeamStore::coach_cohort`]). The learner's own view calls the
//! same function, so it shows exactly what a coach sees.

use super::{Signed, TeamState};
use crate::error::{ApiError, ErrorJson, HttpError};
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::NaiveDate;
use mm_app::coaching::{GoalSummary, RiskKind, risks, summaries};
use mm_core::GoalId;
use mm_core::pace::PaceStatus;
use mm_team::{Actor, Cohort, CohortId, ItemId, PersonId};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

/// The routes of the coach's views.
pub fn routes() -> Router<TeamState> {
    Router::new()
        .route("/api/v1/team/cohorts/{id}/matrix", get(matrix))
        .route("/api/v1/team/cohorts/{id}/progress", get(progress))
        .route("/api/v1/team/cohorts/{id}/at-risk", get(at_risk))
        .route("/api/v1/team/me/shared", get(shared))
}

/// How to answer a view.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ViewQuery {
    /// `json` (the default) or `csv`.
    pub format: Option<String>,
    /// At risk: no practice in more than this many days (default 7, 1 to 365).
    pub idle_days: Option<String>,
}

impl ViewQuery {
    pub(super) fn csv(&self) -> Result<bool, HttpError> {
        match self.format.as_deref().unwrap_or("json") {
            "json" => Ok(false),
            "csv" => Ok(true),
            other => Err(invalid(
                "format",
                format!("{other:?} is not a format: json or csv"),
            )),
        }
    }

    pub(super) fn idle_days(&self) -> Result<u32, HttpError> {
        match &self.idle_days {
            None => Ok(7),
            Some(raw) => raw
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|d| (1..=365).contains(d))
                .ok_or_else(|| {
                    invalid(
                        "idle_days",
                        format!("{raw:?} is not a number of days from 1 to 365"),
                    )
                }),
        }
    }
}

fn invalid(field: &str, message: String) -> HttpError {
    let mut e = HttpError::new(StatusCode::UNPROCESSABLE_ENTITY, message);
    e.field = Some(field.into());
    e
}

/// One cell of the skill matrix: a member's goal for one micro-skill.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MatrixCell {
    /// The member.
    pub person: PersonId,
    /// Their name.
    pub name: String,
    /// The programme item.
    pub item: ItemId,
    /// The micro-skill.
    pub micro_skill: String,
    /// The goal's state (`planned`, `active`, `achieved`, `abandoned`), or `not_given`.
    pub state: String,
    /// Its target level, 1 to 5.
    pub level: Option<u8>,
    /// The day of the latest practice.
    pub last_practice: Option<NaiveDate>,
}

/// One member's progress on one goal, to its deadline.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProgressRow {
    /// The member.
    pub person: PersonId,
    /// Their name.
    pub name: String,
    /// The micro-skill.
    pub micro_skill: String,
    /// The goal's state.
    pub state: String,
    /// Focused minutes so far.
    pub minutes_done: u32,
    /// What the budget asks for by today.
    pub minutes_expected: u32,
    /// The plan's minutes.
    pub minutes_planned: u32,
    /// Against the budget.
    pub pace: PaceStatus,
    /// The deadline.
    pub deadline: NaiveDate,
    /// Days left to it (negative once past).
    pub days_left: i64,
    /// When the plan's minutes would be reached at the pace so far.
    pub projected_finish: Option<NaiveDate>,
}

/// A reason a member is at risk.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RiskRow {
    /// The member.
    pub person: PersonId,
    /// Their name.
    pub name: String,
    /// The micro-skill.
    pub micro_skill: String,
    /// Which risk.
    pub kind: RiskKind,
    /// Why, in words.
    pub reason: String,
}

/// A member's goals, as the coach's views see them.
struct MemberView {
    person: PersonId,
    name: String,
    /// Today in the member's zone.
    today: NaiveDate,
    /// Each given goal's item, and its summary.
    goals: Vec<(ItemId, GoalSummary)>,
}

/// What coaches can see of `person`'s journal: the summaries of `given`
/// (item, goal) only, through the one projection a learner also sees.
async fn summaries_of(
    state: &TeamState,
    org: i64,
    person: PersonId,
    given: &[(ItemId, GoalId)],
) -> Result<(NaiveDate, Vec<(ItemId, GoalSummary)>), HttpError> {
    let Some(j) = &state.inner.journal else {
        return Err(HttpError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "this server keeps no journals",
        ));
    };
    let store = j.store.scoped(org, person).map_err(mm_app::Error::from)?;
    let app = mm_app::App::reading(store, j.clock).await?;
    let ids: Vec<GoalId> = given.iter().map(|(_, g)| *g).collect();
    let sums = summaries(&app, &ids).await?;
    let items: HashMap<GoalId, ItemId> = given.iter().map(|(i, g)| (*g, *i)).collect();
    Ok((
        app.person().today(),
        sums.into_iter()
            .filter_map(|s| items.get(&s.goal).map(|i| (*i, s)))
            .collect(),
    ))
}

/// The cohort (for an admin or its coach, audited as `view`) and each
/// member's summaries.
async fn read_cohort(
    state: &TeamState,
    actor: &Actor,
    raw: &str,
    view: &str,
) -> Result<(Cohort, Vec<MemberView>), HttpError> {
    let id: CohortId = super::api::id(raw)?;
    let cohort = state.team().coach_cohort(actor, id, view).await?;
    let mut out = Vec::with_capacity(cohort.members.len());
    for m in &cohort.members {
        let given: Vec<(ItemId, GoalId)> = cohort
            .goals
            .iter()
            .filter(|g| g.person == m.person)
            .filter_map(|g| g.goal.map(|id| (g.item, GoalId(id))))
            .collect();
        let (today, goals) = summaries_of(state, actor.org, m.person, &given).await?;
        out.push(MemberView {
            person: m.person,
            name: m.name.clone(),
            today,
            goals,
        });
    }
    Ok((cohort, out))
}

/// `rows` as JSON, or as a CSV download named `name`.
fn answer<T: Serialize>(rows: Vec<T>, csv: bool, name: &str) -> Result<Response, HttpError> {
    if !csv {
        return Ok(Json(rows).into_response());
    }
    let mut w = ::csv::Writer::from_writer(Vec::new());
    for r in &rows {
        w.serialize(r)
            .map_err(|e| HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

fn state_name(s: &GoalSummary) -> String {
    s.state.as_str().to_owned()
}

/// The skill matrix of a cohort: each member × each micro-skill of its programmes, with the goal's state, level and last practice (admins and the cohort's coach; audited).
#[utoipa::path(get, path = "/api/v1/team/cohorts/{id}/matrix", tag = "coaching", params(("id" = i64, Path, description = "The cohort's id"), ViewQuery),
    responses((status = 200, body = [MatrixCell], description = "JSON, or CSV with `format=csv`"), (status = 403, body = ErrorJson), (status = 404, body = ErrorJson), (status = 422, body = ErrorJson)))]
pub async fn matrix(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path(raw): Path<String>,
    Query(q): Query<ViewQuery>,
) -> Result<Response, ApiError> {
    let csv = q.csv()?;
    let (cohort, rows) = matrix_rows(&state, &actor, &raw).await?;
    Ok(answer(rows, csv, &format!("cohort-{}-matrix", cohort.id))?)
}

/// The skill matrix's cells.
pub(super) async fn matrix_rows(
    state: &TeamState,
    actor: &Actor,
    raw: &str,
) -> Result<(Cohort, Vec<MatrixCell>), HttpError> {
    let (cohort, members) = read_cohort(state, actor, raw, "matrix").await?;
    let mut items: Vec<(ItemId, String)> = Vec::new();
    for p in &cohort.programmes {
        let programme = state.team().programme(actor, p.programme).await?;
        items.extend(programme.items.into_iter().map(|i| (i.id, i.name)));
    }
    let mut rows = Vec::new();
    for m in &members {
        for (item, micro) in &items {
            let s = m.goals.iter().find(|(i, _)| i == item).map(|(_, s)| s);
            rows.push(MatrixCell {
                person: m.person,
                name: m.name.clone(),
                item: *item,
                micro_skill: micro.clone(),
                state: s.map_or_else(|| "not_given".to_owned(), state_name),
                level: s.map(|s| s.level),
                last_practice: s.and_then(|s| s.last_practice),
            });
        }
    }
    Ok((cohort, rows))
}

/// A cohort's progress to its deadlines: each member's given goal with minutes done, expected and planned, pace, deadline and projected finish (admins and the cohort's coach; audited).
#[utoipa::path(get, path = "/api/v1/team/cohorts/{id}/progress", tag = "coaching", params(("id" = i64, Path, description = "The cohort's id"), ViewQuery),
    responses((status = 200, body = [ProgressRow], description = "JSON, or CSV with `format=csv`"), (status = 403, body = ErrorJson), (status = 404, body = ErrorJson), (status = 422, body = ErrorJson)))]
pub async fn progress(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path(raw): Path<String>,
    Query(q): Query<ViewQuery>,
) -> Result<Response, ApiError> {
    let csv = q.csv()?;
    let (cohort, rows) = progress_rows(&state, &actor, &raw).await?;
    Ok(answer(
        rows,
        csv,
        &format!("cohort-{}-progress", cohort.id),
    )?)
}

/// The progress view's rows.
pub(super) async fn progress_rows(
    state: &TeamState,
    actor: &Actor,
    raw: &str,
) -> Result<(Cohort, Vec<ProgressRow>), HttpError> {
    let (cohort, members) = read_cohort(state, actor, raw, "progress").await?;
    let rows = members
        .iter()
        .flat_map(|m| {
            m.goals.iter().map(|(_, s)| ProgressRow {
                person: m.person,
                name: m.name.clone(),
                micro_skill: s.micro_skill.clone(),
                state: state_name(s),
                minutes_done: s.minutes_done,
                minutes_expected: s.minutes_expected,
                minutes_planned: s.minutes_planned,
                pace: s.pace,
                deadline: s.deadline,
                days_left: (s.deadline - m.today).num_days(),
                projected_finish: s.projected_finish,
            })
        })
        .collect();
    Ok((cohort, rows))
}

/// A cohort's learners at risk, each reason on its own row: no practice in more than `idle_days` days, behind pace, refreshers overdue, deadline in danger (admins and the cohort's coach; audited).
#[utoipa::path(get, path = "/api/v1/team/cohorts/{id}/at-risk", tag = "coaching", params(("id" = i64, Path, description = "The cohort's id"), ViewQuery),
    responses((status = 200, body = [RiskRow], description = "JSON, or CSV with `format=csv`"), (status = 403, body = ErrorJson), (status = 404, body = ErrorJson), (status = 422, body = ErrorJson)))]
pub async fn at_risk(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path(raw): Path<String>,
    Query(q): Query<ViewQuery>,
) -> Result<Response, ApiError> {
    let (csv, idle) = (q.csv()?, q.idle_days()?);
    let (cohort, rows) = risk_rows(&state, &actor, &raw, idle).await?;
    Ok(answer(rows, csv, &format!("cohort-{}-at-risk", cohort.id))?)
}

/// The at-risk view's rows, with no practice in more than `idle` days.
pub(super) async fn risk_rows(
    state: &TeamState,
    actor: &Actor,
    raw: &str,
    idle: u32,
) -> Result<(Cohort, Vec<RiskRow>), HttpError> {
    let (cohort, members) = read_cohort(state, actor, raw, "at_risk").await?;
    let rows = members
        .iter()
        .flat_map(|m| {
            m.goals.iter().flat_map(move |(_, s)| {
                risks(s, m.today, idle).into_iter().map(move |r| RiskRow {
                    person: m.person,
                    name: m.name.clone(),
                    micro_skill: s.micro_skill.clone(),
                    kind: r.kind,
                    reason: r.reason,
                })
            })
        })
        .collect();
    Ok((cohort, rows))
}

/// What your coaches can see of you: the summary of each goal your programmes gave you, exactly as their views read it.
#[utoipa::path(get, path = "/api/v1/team/me/shared", tag = "coaching",
    responses((status = 200, body = [GoalSummary]), (status = 401, body = ErrorJson)))]
pub async fn shared(
    State(state): State<TeamState>,
    Signed(actor): Signed,
) -> Result<Json<Vec<GoalSummary>>, ApiError> {
    Ok(Json(shared_with_coaches(&state, &actor).await?))
}

/// What coaches can see of `actor`.
pub(super) async fn shared_with_coaches(
    state: &TeamState,
    actor: &Actor,
) -> Result<Vec<GoalSummary>, HttpError> {
    let given: Vec<(ItemId, GoalId)> = state
        .team()
        .given_to_me(actor)
        .await?
        .into_iter()
        .map(|g| (0, GoalId(g)))
        .collect();
    if !state.has_journals() {
        return Ok(Vec::new());
    }
    let (_, sums) = summaries_of(state, actor.org, actor.person, &given).await?;
    Ok(sums.into_iter().map(|(_, s)| s).collect())
}
