//! What coaches see of a cohort, as JSON or CSV (`?format=csv`): the skill
//! matrix (members × micro-skills: state, level, last practice), progress
//! to the deadlines, the learners at risk, each with its reason, the notes
//! members shared, and one learner's detail; `GET /api/v1/team/me/shared`,
//! what coaches can see of oneself; and `/api/v1/team/me/shares`, sharing a
//! note with one's coaches item by item and taking it back.
//!
//! A member's journal is theirs alone (row-level security per person): the
//! views read it through two narrow projections, [`mm_app::coaching::summaries`]
//! of only the goals their programmes gave them, and
//! [`mm_app::coaching::shared_notes`] of only the items they shared about
//! those goals; only for an admin or the cohort's coach, and each look is
//! in the audit trail ([`mm_team::TeamStore::coach_cohort`]). A note not
//! shared leaves the journal in no view. The learner's own view calls the
//! same functions (`learner_view`), so it shows exactly what a coach sees.

use super::{Signed, TeamState};
use crate::api::input::ApiJson;
use crate::error::{ApiError, ErrorJson, HttpError};
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use mm_app::coaching::{
    GoalSummary, NoteKind, NoteRef, RiskKind, SharedNote, goal_of_note, risks, shared_notes,
    summaries,
};
use mm_core::GoalId;
use mm_core::pace::PaceStatus;
use mm_team::{Actor, Cohort, CohortId, ItemId, PersonId, Share, ShareKind};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use utoipa::{IntoParams, ToSchema};

/// The routes of the coach's views.
pub fn routes() -> Router<TeamState> {
    Router::new()
        .route("/api/v1/team/cohorts/{id}/matrix", get(matrix))
        .route("/api/v1/team/cohorts/{id}/progress", get(progress))
        .route("/api/v1/team/cohorts/{id}/at-risk", get(at_risk))
        .route("/api/v1/team/cohorts/{id}/shared", get(cohort_shared))
        .route("/api/v1/team/cohorts/{id}/learners/{person}", get(learner))
        .route("/api/v1/team/me/shared", get(shared))
        .route("/api/v1/team/me/shares", get(my_shares).post(share))
        .route("/api/v1/team/me/shares/{id}", delete(unshare))
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
    revision: Option<i64>,
) -> Result<(NaiveDate, Vec<(ItemId, GoalSummary)>), HttpError> {
    let Some(j) = &state.inner.journal else {
        return Err(HttpError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "this server keeps no journals",
        ));
    };
    let ids: Vec<GoalId> = given.iter().map(|(_, g)| *g).collect();
    let (today, sums, _) = goal_summaries(state, j, org, person, &ids, revision).await?;
    let items: HashMap<GoalId, ItemId> = given.iter().map(|(i, g)| (*g, *i)).collect();
    Ok((
        today,
        sums.into_iter()
            .filter_map(|s| items.get(&s.goal).map(|i| (*i, s)))
            .collect(),
    ))
}

/// The summaries of `ids` in `person`'s journal, and their today: reused
/// from this instance's [`super::SummaryCache`] while the journal's
/// revision and the person's day are those they were computed at (a coach
/// view reads every learner of the cohort: their revisions come in one
/// statement, [`mm_team::TeamStore::journal_revisions`], given here as
/// `revision`; without it one read), else computed and kept. The journal's
/// reads share one transaction; the app is handed back when it was opened.
async fn goal_summaries(
    state: &TeamState,
    j: &super::Journals,
    org: i64,
    person: PersonId,
    ids: &[GoalId],
    revision: Option<i64>,
) -> Result<(NaiveDate, Vec<GoalSummary>, Option<mm_app::App>), HttpError> {
    // (Nothing is read until the store is: a hit costs no statement.)
    let store = reading_store(j, org, person)?;
    // Read before the summaries: what they show is at least this new.
    let revision = match revision {
        Some(r) => r,
        None => store.revision().await.map_err(mm_app::Error::from)?,
    };
    let now = j.clock.read().0;
    if let Some((today, goals)) = state.inner.summaries.get(org, person, revision, ids, now) {
        return Ok((today, goals, None));
    }
    let app = mm_app::App::reading(store, j.clock).await?;
    let goals = summaries(&app, ids).await?;
    let today = app.person().today();
    state.inner.summaries.put(
        (org, person),
        super::CachedSummaries {
            revision,
            zone: app.person().zone,
            today,
            ids: ids.to_vec(),
            goals: goals.clone(),
        },
    );
    Ok((today, goals, Some(app)))
}

/// `person`'s journal for a request's reads: scoped to them, its reads in
/// one transaction, opened at the first read.
pub(super) fn reading_store(
    j: &super::Journals,
    org: i64,
    person: PersonId,
) -> Result<mm_store::Store, HttpError> {
    Ok(j.store
        .scoped(org, person)
        .map_err(mm_app::Error::from)?
        .snapshot())
}

/// The journal revisions of the cohort's members, in one statement (none
/// when this server keeps no journals).
async fn revisions_of(
    state: &TeamState,
    actor: &Actor,
    cohort: &Cohort,
) -> Result<HashMap<PersonId, i64>, HttpError> {
    if state.inner.journal.is_none() {
        return Ok(HashMap::new());
    }
    let persons: Vec<PersonId> = cohort.members.iter().map(|m| m.person).collect();
    Ok(state.team().journal_revisions(actor, &persons).await?)
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
    let revisions = revisions_of(state, actor, &cohort).await?;
    let mut out = Vec::with_capacity(cohort.members.len());
    for m in &cohort.members {
        let given: Vec<(ItemId, GoalId)> = cohort
            .goals
            .iter()
            .filter(|g| g.person == m.person)
            .filter_map(|g| g.goal.map(|id| (g.item, GoalId(id))))
            .collect();
        let revision = revisions.get(&m.person).copied();
        let (today, goals) = summaries_of(state, actor.org, m.person, &given, revision).await?;
        out.push(MemberView {
            person: m.person,
            name: m.name.clone(),
            today,
            goals,
        });
    }
    Ok((cohort, out))
}

/// A row of a view that downloads as CSV: its columns, in the order its
/// fields serialise (the header row, written even when no row follows).
pub(super) trait Columns {
    /// The header row.
    const COLUMNS: &'static [&'static str];
}

impl Columns for MatrixCell {
    const COLUMNS: &'static [&'static str] = &[
        "person",
        "name",
        "item",
        "micro_skill",
        "state",
        "level",
        "last_practice",
    ];
}

impl Columns for ProgressRow {
    const COLUMNS: &'static [&'static str] = &[
        "person",
        "name",
        "micro_skill",
        "state",
        "minutes_done",
        "minutes_expected",
        "minutes_planned",
        "pace",
        "deadline",
        "days_left",
        "projected_finish",
    ];
}

impl Columns for RiskRow {
    const COLUMNS: &'static [&'static str] = &["person", "name", "micro_skill", "kind", "reason"];
}

impl Columns for SharedRow {
    const COLUMNS: &'static [&'static str] = &[
        "person",
        "name",
        "micro_skill",
        "kind",
        "item",
        "at",
        "shared_at",
        "text",
    ];
}

/// `rows` as JSON, or as a CSV download named `name` (its header row
/// first, even with no rows).
fn answer<T: Serialize + Columns>(
    rows: Vec<T>,
    csv: bool,
    name: &str,
) -> Result<Response, HttpError> {
    if !csv {
        return Ok(Json(rows).into_response());
    }
    let mut w = ::csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.write_record(T::COLUMNS)
        .map_err(|e| HttpError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
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

/// A note a member shared, as a cohort's coach reads it (one CSV row).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SharedRow {
    /// The member.
    pub person: PersonId,
    /// Their name.
    pub name: String,
    /// The micro-skill of the goal it is about.
    pub micro_skill: String,
    /// What kind of item.
    pub kind: NoteKind,
    /// Its id in the member's journal.
    pub item: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// When it was shared.
    pub shared_at: DateTime<Utc>,
    /// Its text.
    pub text: String,
}

/// What coaches see of one learner: the summary of each goal their
/// programmes gave them, and the text of each item they shared about those
/// goals (nothing of what they did not share).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct LearnerView {
    /// The learner.
    pub person: PersonId,
    /// Their name.
    pub name: String,
    /// Their given goals, by goal id.
    pub goals: Vec<GoalSummary>,
    /// What they shared, in the order they shared it.
    pub shared: Vec<SharedNote>,
}

/// An item to share with one's coaches.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewShare {
    /// `session_note`, `application_note` or `reflection`.
    pub kind: ShareKind,
    /// The session's, application's or reflection's id in your journal.
    pub item: i64,
}

pub(super) fn note_kind(k: ShareKind) -> NoteKind {
    match k {
        ShareKind::SessionNote => NoteKind::SessionNote,
        ShareKind::ApplicationNote => NoteKind::ApplicationNote,
        ShareKind::Reflection => NoteKind::Reflection,
    }
}

fn note_refs(shares: &[Share], person: PersonId) -> Vec<NoteRef> {
    shares
        .iter()
        .filter(|s| s.person == person)
        .map(|s| NoteRef {
            share: s.id,
            kind: note_kind(s.kind),
            item: s.item,
            goal: GoalId(s.goal),
        })
        .collect()
}

/// What coaches can see of `person`: the summaries of `given` (item,
/// goal), and the text of `shared` (their shares about those goals).
async fn view_of(
    state: &TeamState,
    org: i64,
    person: PersonId,
    given: &[(ItemId, GoalId)],
    shared: &[NoteRef],
    revision: Option<i64>,
) -> Result<(Vec<GoalSummary>, Vec<SharedNote>), HttpError> {
    let Some(j) = &state.inner.journal else {
        return Ok((Vec::new(), Vec::new()));
    };
    let mut ids: Vec<GoalId> = given.iter().map(|(_, g)| *g).collect();
    ids.sort_by_key(|g| g.0);
    ids.dedup();
    let (_, goals, app) = goal_summaries(state, j, org, person, &ids, revision).await?;
    let refs: Vec<NoteRef> = shared
        .iter()
        .filter(|r| ids.contains(&r.goal))
        .copied()
        .collect();
    if refs.is_empty() {
        return Ok((goals, Vec::new()));
    }
    let app = match app {
        Some(app) => app,
        None => mm_app::App::reading(reading_store(j, org, person)?, j.clock).await?,
    };
    Ok((goals, shared_notes(&app, &refs).await?))
}

/// The cohort (for an admin or its coach, audited as `view`), what
/// coaches see of each member (of `only`, when given), and the members'
/// shares.
async fn cohort_learners(
    state: &TeamState,
    actor: &Actor,
    raw: &str,
    view: &str,
    only: Option<PersonId>,
) -> Result<(Cohort, Vec<LearnerView>, Vec<Share>), HttpError> {
    let id: CohortId = super::api::id(raw)?;
    let cohort = state.team().coach_cohort(actor, id, view).await?;
    let shares = state.team().cohort_shares(actor, id).await?;
    let revisions = match only {
        // One learner: their one read is as cheap.
        Some(_) => HashMap::new(),
        None => revisions_of(state, actor, &cohort).await?,
    };
    let mut out = Vec::new();
    for m in &cohort.members {
        if only.is_some_and(|p| p != m.person) {
            continue;
        }
        let given: Vec<(ItemId, GoalId)> = cohort
            .goals
            .iter()
            .filter(|g| g.person == m.person)
            .filter_map(|g| g.goal.map(|id| (g.item, GoalId(id))))
            .collect();
        let (goals, shared) = view_of(
            state,
            actor.org,
            m.person,
            &given,
            &note_refs(&shares, m.person),
            revisions.get(&m.person).copied(),
        )
        .await?;
        out.push(LearnerView {
            person: m.person,
            name: m.name.clone(),
            goals,
            shared,
        });
    }
    Ok((cohort, out, shares))
}

/// The rows of the cohort's shared notes, with when each was shared.
pub(super) async fn shared_rows(
    state: &TeamState,
    actor: &Actor,
    raw: &str,
) -> Result<(Cohort, Vec<SharedRow>), HttpError> {
    let (cohort, learners, shares) = cohort_learners(state, actor, raw, "shared", None).await?;
    let rows = learners
        .iter()
        .flat_map(|l| {
            let shares = &shares;
            l.shared.iter().map(move |n| SharedRow {
                person: l.person,
                name: l.name.clone(),
                micro_skill: n.micro_skill.clone(),
                kind: n.kind,
                item: n.item,
                at: n.at,
                shared_at: shares
                    .iter()
                    .find(|s| s.id == n.share)
                    .map_or(n.at, |s| s.shared_at),
                text: n.text.clone(),
            })
        })
        .collect();
    Ok((cohort, rows))
}

/// The notes a cohort's members shared with their coaches about the goals given through it, with their text; nothing they did not share (admins and the cohort's coach; audited).
#[utoipa::path(get, path = "/api/v1/team/cohorts/{id}/shared", tag = "coaching", params(("id" = i64, Path, description = "The cohort's id"), ViewQuery),
    responses((status = 200, body = [SharedRow], description = "JSON, or CSV with `format=csv`"), (status = 403, body = ErrorJson), (status = 404, body = ErrorJson), (status = 422, body = ErrorJson)))]
pub async fn cohort_shared(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path(raw): Path<String>,
    Query(q): Query<ViewQuery>,
) -> Result<Response, ApiError> {
    let csv = q.csv()?;
    let (cohort, rows) = shared_rows(&state, &actor, &raw).await?;
    Ok(answer(rows, csv, &format!("cohort-{}-shared", cohort.id))?)
}

/// One learner of a cohort as its coach sees them: their given goals' summaries and the notes they shared (admins and the cohort's coach; audited).
#[utoipa::path(get, path = "/api/v1/team/cohorts/{id}/learners/{person}", tag = "coaching",
    params(("id" = i64, Path, description = "The cohort's id"), ("person" = i64, Path, description = "The member's id")),
    responses((status = 200, body = LearnerView), (status = 403, body = ErrorJson), (status = 404, body = ErrorJson), (status = 422, body = ErrorJson)))]
pub async fn learner(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path((raw, person)): Path<(String, String)>,
) -> Result<Json<LearnerView>, ApiError> {
    Ok(Json(
        learner_of_cohort(&state, &actor, &raw, &person).await?,
    ))
}

/// What the coach of cohort `raw` sees of its member `person`.
pub(super) async fn learner_of_cohort(
    state: &TeamState,
    actor: &Actor,
    raw: &str,
    person: &str,
) -> Result<LearnerView, HttpError> {
    super::api::id(raw)?;
    let person = super::api::id_named(person, "person")?;
    let (_, mut views, _) = cohort_learners(state, actor, raw, "learner", Some(person)).await?;
    views
        .pop()
        .ok_or_else(|| mm_team::Error::not_found("member of this cohort").into())
}

/// What your coaches can see of you: the summary of each goal your programmes gave you and the text of each note you shared about those goals, exactly as their views read it.
#[utoipa::path(get, path = "/api/v1/team/me/shared", tag = "coaching",
    responses((status = 200, body = LearnerView), (status = 401, body = ErrorJson)))]
pub async fn shared(
    State(state): State<TeamState>,
    Signed(actor): Signed,
) -> Result<Json<LearnerView>, ApiError> {
    Ok(Json(learner_view(&state, &actor).await?))
}

/// What coaches can see of `actor`.
pub(super) async fn learner_view(
    state: &TeamState,
    actor: &Actor,
) -> Result<LearnerView, HttpError> {
    let given: Vec<(ItemId, GoalId)> = state
        .team()
        .given_to_me(actor)
        .await?
        .into_iter()
        .map(|g| (0, GoalId(g)))
        .collect();
    let me = state.team().member(actor, actor.person).await?;
    let shares = state.team().my_shares(actor).await?;
    let (goals, shared) = view_of(
        state,
        actor.org,
        actor.person,
        &given,
        &note_refs(&shares, actor.person),
        None,
    )
    .await?;
    Ok(LearnerView {
        person: actor.person,
        name: me.name,
        goals,
        shared,
    })
}

/// What you shared with your coaches, oldest first.
#[utoipa::path(get, path = "/api/v1/team/me/shares", tag = "coaching",
    responses((status = 200, body = [Share]), (status = 401, body = ErrorJson)))]
pub async fn my_shares(
    State(state): State<TeamState>,
    Signed(actor): Signed,
) -> Result<Json<Vec<Share>>, ApiError> {
    Ok(Json(state.team().my_shares(&actor).await?))
}

/// Share one of your notes with the coaches who follow its goal: a practice session's notes, an application's, or a reflection on a session or a goal, of a goal your programmes gave you. Sharing it again changes nothing. Audited.
#[utoipa::path(post, path = "/api/v1/team/me/shares", tag = "coaching", request_body = NewShare,
    responses((status = 201, body = Share, description = "Shared"), (status = 200, body = Share, description = "Shared already"),
        (status = 404, body = ErrorJson), (status = 422, body = ErrorJson), (status = 503, body = ErrorJson)))]
pub async fn share(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    ApiJson(body): ApiJson<NewShare>,
) -> Result<Response, ApiError> {
    let (s, created) = share_item(&state, &actor, body.kind, body.item).await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(s)).into_response())
}

/// Share `actor`'s item, checked in their own journal to be of one of
/// their given goals.
pub(super) async fn share_item(
    state: &TeamState,
    actor: &Actor,
    kind: ShareKind,
    item: i64,
) -> Result<(Share, bool), HttpError> {
    let Some(j) = &state.inner.journal else {
        return Err(HttpError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "this server keeps no journals, so there is nothing to share",
        ));
    };
    let store = j
        .store
        .scoped(actor.org, actor.person)
        .map_err(mm_app::Error::from)?;
    let app = mm_app::App::reading(store, j.clock).await?;
    let goal = goal_of_note(&app, note_kind(kind), item).await?;
    let given = state.team().given_to_me(actor).await?;
    let Some(goal) = goal.filter(|g| given.contains(&g.0)) else {
        return Err(invalid(
            "item",
            "only notes about a goal your programmes gave you can be shared with your coaches"
                .into(),
        ));
    };
    Ok(state.team().share(actor, kind, item, goal.0).await?)
}

/// Take back a note you shared: your coaches no longer see it. Audited.
#[utoipa::path(delete, path = "/api/v1/team/me/shares/{id}", tag = "coaching",
    params(("id" = i64, Path, description = "The share's id")),
    responses((status = 200, body = Share, description = "What is no longer shared"), (status = 404, body = ErrorJson), (status = 422, body = ErrorJson)))]
pub async fn unshare(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path(raw): Path<String>,
) -> Result<Json<Share>, ApiError> {
    let id = super::api::id(&raw)?;
    Ok(Json(state.team().unshare(&actor, id).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header row written for an empty view is the one serde writes
    /// for a row.
    fn header_of<T: Serialize + Columns>(row: &T) -> Vec<String> {
        let mut w = ::csv::Writer::from_writer(Vec::new());
        w.serialize(row).unwrap();
        let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let first = text.lines().next().unwrap().to_owned();
        assert_eq!(first, T::COLUMNS.join(","));
        T::COLUMNS.iter().map(|c| (*c).to_owned()).collect()
    }

    #[test]
    fn every_csv_header_matches_its_rows_fields() {
        let day: NaiveDate = "2026-03-10".parse().unwrap();
        let at: DateTime<Utc> = "2026-03-10T09:00:00Z".parse().unwrap();
        header_of(&MatrixCell {
            person: 1,
            name: "a".into(),
            item: 2,
            micro_skill: "m".into(),
            state: "active".into(),
            level: Some(3),
            last_practice: Some(day),
        });
        header_of(&ProgressRow {
            person: 1,
            name: "a".into(),
            micro_skill: "m".into(),
            state: "active".into(),
            minutes_done: 1,
            minutes_expected: 2,
            minutes_planned: 3,
            pace: PaceStatus::Ahead,
            deadline: day,
            days_left: 3,
            projected_finish: None,
        });
        header_of(&RiskRow {
            person: 1,
            name: "a".into(),
            micro_skill: "m".into(),
            kind: RiskKind::NoPractice,
            reason: "r".into(),
        });
        header_of(&SharedRow {
            person: 1,
            name: "a".into(),
            micro_skill: "m".into(),
            kind: NoteKind::Reflection,
            item: 4,
            at,
            shared_at: at,
            text: "t".into(),
        });
    }
}
