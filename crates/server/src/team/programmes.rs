//! Programmes and cohorts on the team server: the JSON routes under
//! `/api/v1/team/programmes` and `/api/v1/team/cohorts` (in the team OpenAPI
//! document), and [`give`], which writes the goals a cohort's members are
//! owed into their own journals.
//!
//! Giving a goal is the web app's own workflow ([`mm_app::goals::new_goal`],
//! as `mm goal new` and the discover page's commit use it) run over the
//! member's scoped journal, one member at a time: one member's failure is
//! recorded and reported while the others' goals land, and a retry
//! (`POST /api/v1/team/cohorts/{id}/goals`, or assigning again) takes up
//! what is left. The team store's `given_goals` says what is done, so
//! nothing is given twice.

use super::{Journals, Signed, TeamState};
use crate::api::input::ApiJson;
use crate::error::{ApiError, ErrorJson, HttpError};
use axum::Json;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, patch, post};
use mm_team::{
    Actor, Cohort, GiveScope, GoalToGive, ItemChange, ItemId, NewCohort, NewItem, NewProgramme,
    PersonId, Programme, ProgrammeChange, ProgrammeId, ProgrammeItem,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The routes of programmes and cohorts.
pub fn routes() -> Router<TeamState> {
    Router::new()
        .route(
            "/api/v1/team/programmes",
            get(programmes).post(create_programme),
        )
        .route(
            "/api/v1/team/programmes/{id}",
            get(programme)
                .patch(update_programme)
                .delete(delete_programme),
        )
        .route("/api/v1/team/programmes/{id}/items", post(add_item))
        .route(
            "/api/v1/team/programmes/{id}/items/{item}",
            patch(update_item).delete(remove_item),
        )
        .route("/api/v1/team/cohorts", get(cohorts).post(create_cohort))
        .route("/api/v1/team/cohorts/{id}", get(cohort))
        .route("/api/v1/team/cohorts/{id}/members", post(add_member))
        .route(
            "/api/v1/team/cohorts/{id}/members/{person}",
            delete(remove_member),
        )
        .route("/api/v1/team/cohorts/{id}/programmes", post(assign))
        .route(
            "/api/v1/team/cohorts/{id}/programmes/{programme}",
            delete(unassign),
        )
        .route("/api/v1/team/cohorts/{id}/goals", post(give_again))
}

/// What giving goals did.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct GiveReport {
    /// Goals written into members' journals now.
    pub given: Vec<GoalGiven>,
    /// Goals that could not be written, and why; a retry
    /// (`POST /api/v1/team/cohorts/{id}/goals`) takes them up.
    pub failed: Vec<GiveFailure>,
}

/// A goal given now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GoalGiven {
    /// The member.
    pub person: PersonId,
    /// The programme item.
    pub item: ItemId,
    /// The goal's id in the member's journal.
    pub goal: i64,
}

/// A goal that could not be given.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct GiveFailure {
    /// The member.
    pub person: PersonId,
    /// The programme item.
    pub item: ItemId,
    /// Why.
    pub message: String,
}

/// Give every goal owed in `scope`: claim them, write each into its
/// member's journal, record each outcome. A server that keeps no journals
/// gives nothing (the goals stay owed).
///
/// # Errors
/// As [`mm_team::TeamStore::claim_goals`]; when recording an outcome fails
/// (a goal written but not recorded is recognised, not given again, by the
/// next attempt).
pub async fn give(
    state: &TeamState,
    actor: &Actor,
    scope: GiveScope,
) -> Result<GiveReport, HttpError> {
    let mut report = GiveReport::default();
    let Some(j) = &state.inner.journal else {
        return Ok(report);
    };
    let team = state.team();
    let claimed = team.claim_goals(actor, scope).await?;
    if claimed.is_empty() {
        return Ok(report);
    }
    // Decoded once per process, not once per goal.
    let tax = &crate::api::discover::shared().await?.tax;
    let today = state.today_anywhere();
    for g in claimed {
        // A date that has passed since the item was made: no goal due
        // yesterday (nor one quietly due later); the coach sees why.
        if let Some(reason) = not_given(&g.item, today) {
            team.record_not_given(actor, &g, &reason).await?;
            report.failed.push(GiveFailure {
                person: g.person,
                item: g.item.id,
                message: reason,
            });
            continue;
        }
        match give_one(j, tax, &g).await {
            Ok(goal) => {
                team.record_given(actor, &g, goal).await?;
                report.given.push(GoalGiven {
                    person: g.person,
                    item: g.item.id,
                    goal,
                });
            }
            Err(e) => {
                let message = e.to_string();
                team.record_failure(actor, &g, &message).await?;
                report.failed.push(GiveFailure {
                    person: g.person,
                    item: g.item.id,
                    message,
                });
            }
        }
    }
    Ok(report)
}

/// Why `item`'s goal is not given on `today` (the earliest date still
/// today somewhere), if it is not: its date deadline has passed everywhere.
fn not_given(item: &ProgrammeItem, today: chrono::NaiveDate) -> Option<String> {
    match item.deadline {
        mm_team::DeadlineRule::Date(d) if d < today => Some(format!(
            "not given: its deadline {d} has passed; give the micro-skill a later date or a \
             number of weeks, then “Give owed goals”"
        )),
        _ => None,
    }
}

/// Write `g`'s goal into its member's journal, as the web app commits to a
/// catalogue micro-skill: its criteria, budget and deadline from the item.
async fn give_one(
    j: &Journals,
    tax: &mm_taxonomy::Taxonomy,
    g: &GoalToGive,
) -> mm_app::Result<i64> {
    let store = j.store.scoped(g.org, g.person)?;
    let app = mm_app::App::with_store(store, j.clock).await?;
    if g.retry
        && let Some(goal) = written_before(&app, g).await?
    {
        return Ok(goal);
    }
    let item: &ProgrammeItem = &g.item;
    let created = mm_app::goals::new_goal_with(
        &app,
        tax,
        mm_app::goals::NewGoalInput {
            micro: mm_app::goals::MicroChoice::Catalogue(Box::new(item.as_catalogue_entry())),
            deadline: Some(item.deadline.as_input()),
            weekly: Some(mm_core::parse::format_minutes(item.weekly_minutes)),
            done_when: item.done_when.clone(),
            level: mm_core::Level::try_from(item.level).ok(),
            start: "today".into(),
        },
    )
    .await?;
    Ok(created.goal.id.0)
}

/// The goal an earlier attempt wrote but did not record (it died in
/// between): one on the item's micro-skill created since the first claim,
/// under the name the item had then or has now (it may have been renamed).
async fn written_before(app: &mm_app::App, g: &GoalToGive) -> mm_app::Result<Option<i64>> {
    let names = [g.first_name.to_lowercase(), g.item.name.to_lowercase()];
    let micro: Vec<_> = app
        .store()
        .list_micro_skills(None)
        .await?
        .into_iter()
        .filter(|m| names.contains(&m.name.to_lowercase()))
        .map(|m| m.id)
        .collect();
    Ok(app
        .store()
        .list_goals()
        .await?
        .into_iter()
        .find(|goal| micro.contains(&goal.micro_skill_id) && goal.created_at >= g.since)
        .map(|goal| goal.id.0))
}

/// A record's id in a path.
fn id(raw: &str) -> Result<i64, HttpError> {
    super::api::id(raw)
}

/// A cohort after a change, and what giving its goals did.
#[derive(Debug, Serialize, ToSchema)]
pub struct CohortChanged {
    /// The cohort now.
    pub cohort: Cohort,
    /// The goals given (or not) to its members.
    pub goals: GiveReport,
}

async fn changed(
    state: &TeamState,
    actor: &Actor,
    cohort: mm_team::CohortId,
) -> Result<CohortChanged, ApiError> {
    let goals = give(state, actor, GiveScope::Cohort(cohort)).await?;
    Ok(CohortChanged {
        cohort: state.team().cohort(actor, cohort).await?,
        goals,
    })
}

/// The programmes you may see: all for admins, coaches and approvers; a learner's cohorts' programmes.
#[utoipa::path(get, path = "/api/v1/team/programmes", tag = "programmes",
    responses((status = 200, body = [Programme]), (status = 401, body = ErrorJson)))]
pub async fn programmes(
    State(state): State<TeamState>,
    Signed(actor): Signed,
) -> Result<Json<Vec<Programme>>, ApiError> {
    Ok(Json(state.team().programmes(&actor).await?))
}

/// Create a programme (admins and coaches).
#[utoipa::path(post, path = "/api/v1/team/programmes", tag = "programmes", request_body = NewProgramme,
    responses((status = 201, body = Programme), (status = 403, body = ErrorJson), (status = 409, body = ErrorJson), (status = 422, body = ErrorJson)))]
pub async fn create_programme(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    ApiJson(body): ApiJson<NewProgramme>,
) -> Result<(StatusCode, Json<Programme>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.team().create_programme(&actor, body).await?),
    ))
}

/// One programme and its micro-skills (404 for one you may not see).
#[utoipa::path(get, path = "/api/v1/team/programmes/{id}", tag = "programmes",
    params(("id" = i64, Path, description = "The programme's id")),
    responses((status = 200, body = Programme), (status = 404, body = ErrorJson)))]
pub async fn programme(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path(raw): Path<String>,
) -> Result<Json<Programme>, ApiError> {
    Ok(Json(state.team().programme(&actor, id(&raw)?).await?))
}

/// A micro-skill added, and what giving its goals to the cohorts that have the programme did.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemAdded {
    /// The new item.
    pub item: ProgrammeItem,
    /// The goals given to the members of cohorts with the programme.
    pub goals: GiveReport,
}

/// Add a micro-skill to a programme (admins, and the coach who made it): from the curated catalogue (`catalogue_id`) or the organisation's own. Members of cohorts with the programme get its goal at once.
#[utoipa::path(post, path = "/api/v1/team/programmes/{id}/items", tag = "programmes", request_body = NewItem,
    params(("id" = i64, Path, description = "The programme's id")),
    responses((status = 201, body = ItemAdded), (status = 403, body = ErrorJson), (status = 404, body = ErrorJson), (status = 409, body = ErrorJson), (status = 422, body = ErrorJson)))]
pub async fn add_item(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<NewItem>,
) -> Result<(StatusCode, Json<ItemAdded>), ApiError> {
    let programme: ProgrammeId = id(&raw)?;
    let today = state.today_anywhere();
    let item = state
        .team()
        .add_item(&actor, programme, body, today)
        .await?;
    let goals = give(&state, &actor, GiveScope::Programme(programme)).await?;
    Ok((StatusCode::CREATED, Json(ItemAdded { item, goals })))
}

/// Rename a programme or change what it is for (admins, and the coach who made it). Audited.
#[utoipa::path(patch, path = "/api/v1/team/programmes/{id}", tag = "programmes", request_body = ProgrammeChange,
    params(("id" = i64, Path, description = "The programme's id")),
    responses((status = 200, body = Programme), (status = 403, body = ErrorJson), (status = 404, body = ErrorJson), (status = 422, body = ErrorJson)))]
pub async fn update_programme(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<ProgrammeChange>,
) -> Result<Json<Programme>, ApiError> {
    Ok(Json(
        state
            .team()
            .update_programme(&actor, id(&raw)?, body)
            .await?,
    ))
}

/// Delete a programme that no cohort has (admins, and the coach who made it): 409 while it is assigned to one (unassign it first). The goals it gave stay in the members' journals and on record. Audited.
#[utoipa::path(delete, path = "/api/v1/team/programmes/{id}", tag = "programmes",
    params(("id" = i64, Path, description = "The programme's id")),
    responses((status = 204), (status = 403, body = ErrorJson), (status = 404, body = ErrorJson), (status = 409, body = ErrorJson)))]
pub async fn delete_programme(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path(raw): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.team().delete_programme(&actor, id(&raw)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The programme and item ids of an item's path.
fn item_path(raw: &str, item: &str) -> Result<(ProgrammeId, ItemId), HttpError> {
    Ok((id(raw)?, super::api::id_named(item, "item")?))
}

/// Change a micro-skill of a programme: its name, principles, done-when criteria, hours, level, deadline rule or weekly budget (admins, and the coach who made the programme); the fields sent replace theirs. Goals already given are the members' and stay as they were; only goals given from now on (to members who join later) use the new template. Audited with what changed.
#[utoipa::path(patch, path = "/api/v1/team/programmes/{id}/items/{item}", tag = "programmes", request_body = ItemChange,
    params(("id" = i64, Path, description = "The programme's id"), ("item" = i64, Path, description = "The item's id")),
    responses((status = 200, body = ProgrammeItem), (status = 403, body = ErrorJson), (status = 404, body = ErrorJson), (status = 409, body = ErrorJson), (status = 422, body = ErrorJson)))]
pub async fn update_item(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path((raw, item)): Path<(String, String)>,
    ApiJson(body): ApiJson<ItemChange>,
) -> Result<Json<ProgrammeItem>, ApiError> {
    let (programme, item) = item_path(&raw, &item)?;
    Ok(Json(
        state
            .team()
            .update_item(&actor, programme, item, body, state.today_anywhere())
            .await?,
    ))
}

/// Remove a micro-skill from a programme (admins, and the coach who made it): nobody is given its goal any more; the goals it gave stay in the members' journals. Answers the programme now. Audited.
#[utoipa::path(delete, path = "/api/v1/team/programmes/{id}/items/{item}", tag = "programmes",
    params(("id" = i64, Path, description = "The programme's id"), ("item" = i64, Path, description = "The item's id")),
    responses((status = 200, body = Programme), (status = 403, body = ErrorJson), (status = 404, body = ErrorJson)))]
pub async fn remove_item(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path((raw, item)): Path<(String, String)>,
) -> Result<Json<Programme>, ApiError> {
    let (programme, item) = item_path(&raw, &item)?;
    Ok(Json(
        state.team().remove_item(&actor, programme, item).await?,
    ))
}

/// The cohorts you may see: all for admins and approvers; the ones you lead or are in.
#[utoipa::path(get, path = "/api/v1/team/cohorts", tag = "programmes",
    responses((status = 200, body = [Cohort]), (status = 401, body = ErrorJson)))]
pub async fn cohorts(
    State(state): State<TeamState>,
    Signed(actor): Signed,
) -> Result<Json<Vec<Cohort>>, ApiError> {
    Ok(Json(state.team().cohorts(&actor).await?))
}

/// Create a cohort (admins and coaches; a coach leads the cohorts they create).
#[utoipa::path(post, path = "/api/v1/team/cohorts", tag = "programmes", request_body = NewCohort,
    responses((status = 201, body = Cohort), (status = 403, body = ErrorJson), (status = 404, body = ErrorJson), (status = 409, body = ErrorJson), (status = 422, body = ErrorJson)))]
pub async fn create_cohort(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    ApiJson(body): ApiJson<NewCohort>,
) -> Result<(StatusCode, Json<Cohort>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(state.team().create_cohort(&actor, body).await?),
    ))
}

/// One cohort: its members, programmes and each member's goals (a learner sees only themself).
#[utoipa::path(get, path = "/api/v1/team/cohorts/{id}", tag = "programmes",
    params(("id" = i64, Path, description = "The cohort's id")),
    responses((status = 200, body = Cohort), (status = 404, body = ErrorJson)))]
pub async fn cohort(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path(raw): Path<String>,
) -> Result<Json<Cohort>, ApiError> {
    Ok(Json(state.team().cohort(&actor, id(&raw)?).await?))
}

/// A member to add to a cohort.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberBody {
    /// The member's id.
    pub person: PersonId,
}

/// Add a member to a cohort (admins, and its coach): they get the goals of its programmes at once.
#[utoipa::path(post, path = "/api/v1/team/cohorts/{id}/members", tag = "programmes", request_body = MemberBody,
    params(("id" = i64, Path, description = "The cohort's id")),
    responses((status = 200, body = CohortChanged), (status = 403, body = ErrorJson), (status = 404, body = ErrorJson), (status = 422, body = ErrorJson)))]
pub async fn add_member(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<MemberBody>,
) -> Result<Json<CohortChanged>, ApiError> {
    let cohort = id(&raw)?;
    state
        .team()
        .add_to_cohort(&actor, cohort, body.person)
        .await?;
    Ok(Json(changed(&state, &actor, cohort).await?))
}

/// Take a member out of a cohort (admins, and its coach); the goals they were given stay theirs.
#[utoipa::path(delete, path = "/api/v1/team/cohorts/{id}/members/{person}", tag = "programmes",
    params(("id" = i64, Path, description = "The cohort's id"), ("person" = i64, Path, description = "The member's id")),
    responses((status = 200, body = Cohort), (status = 403, body = ErrorJson), (status = 404, body = ErrorJson)))]
pub async fn remove_member(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path((raw, person)): Path<(String, String)>,
) -> Result<Json<Cohort>, ApiError> {
    let cohort = id(&raw)?;
    let person = super::api::id_named(&person, "person")?;
    Ok(Json(
        state
            .team()
            .remove_from_cohort(&actor, cohort, person)
            .await?,
    ))
}

/// A programme to assign.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    /// The programme's id.
    pub programme: ProgrammeId,
}

/// Assign a programme to a cohort (admins, and its coach): every member gets one goal per micro-skill. Assigning again gives only what is missing.
#[utoipa::path(post, path = "/api/v1/team/cohorts/{id}/programmes", tag = "programmes", request_body = AssignBody,
    params(("id" = i64, Path, description = "The cohort's id")),
    responses((status = 200, body = CohortChanged), (status = 403, body = ErrorJson), (status = 404, body = ErrorJson), (status = 422, body = ErrorJson)))]
pub async fn assign(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<AssignBody>,
) -> Result<Json<CohortChanged>, ApiError> {
    let cohort = id(&raw)?;
    state.team().assign(&actor, cohort, body.programme).await?;
    Ok(Json(changed(&state, &actor, cohort).await?))
}

/// Unassign a programme from a cohort (admins, and its coach): members who join later are not given its goals; the goals it gave stay in the members' journals. Audited.
#[utoipa::path(delete, path = "/api/v1/team/cohorts/{id}/programmes/{programme}", tag = "programmes",
    params(("id" = i64, Path, description = "The cohort's id"), ("programme" = i64, Path, description = "The programme's id")),
    responses((status = 200, body = Cohort), (status = 403, body = ErrorJson), (status = 404, body = ErrorJson)))]
pub async fn unassign(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path((raw, programme)): Path<(String, String)>,
) -> Result<Json<Cohort>, ApiError> {
    let cohort = id(&raw)?;
    let programme = super::api::id_named(&programme, "programme")?;
    Ok(Json(
        state.team().unassign(&actor, cohort, programme).await?,
    ))
}

/// Giving a cohort's goals again (no options yet: send `{}`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GiveBody {}

/// Give the goals a cohort's members are still owed (after a failure): those given already are not given again.
#[utoipa::path(post, path = "/api/v1/team/cohorts/{id}/goals", tag = "programmes", request_body = GiveBody,
    params(("id" = i64, Path, description = "The cohort's id")),
    responses((status = 200, body = CohortChanged), (status = 403, body = ErrorJson), (status = 404, body = ErrorJson)))]
pub async fn give_again(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path(raw): Path<String>,
    ApiJson(GiveBody {}): ApiJson<GiveBody>,
) -> Result<Json<CohortChanged>, ApiError> {
    let cohort = id(&raw)?;
    Ok(Json(changed(&state, &actor, cohort).await?))
}
