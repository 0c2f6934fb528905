//! The team pages of what coaches see: a cohort's coach page
//! (`/team/cohorts/{id}/coach`) with the skill matrix, progress to the
//! deadlines, the learners at risk and the notes members shared, each with
//! a CSV download; one learner's page (`/team/cohorts/{id}/learners/{person}`:
//! their goals and what they shared, as the API's learner view); and
//! `/team/shared`, where a learner sees exactly what
//! coaches can see of them, shares a note with them item by item and takes
//! it back. They render the API's own rows ([`super::coaching`]).

use super::TeamState;
use super::coaching::{
    ViewQuery, learner_of_cohort, learner_view, matrix_rows, progress_rows, risk_rows, share_item,
    shared_rows,
};
use super::pages::{SignedPage, csrf, page};
use crate::api::input::Fields;
use crate::error::{HttpError, PageError};
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use mm_app::coaching::{NoteKind, SharedNote};
use mm_team::ShareKind;

/// The pages' routes.
pub fn routes() -> Router<TeamState> {
    Router::new()
        .route("/team/cohorts/{id}/coach", get(coach_page))
        .route("/team/cohorts/{id}/learners/{person}", get(learner_page))
        .route("/team/shared", get(shared_page))
        .route("/team/shared/share", post(share_form))
        .route("/team/shared/{id}/unshare", post(unshare_form))
}

fn day(d: Option<chrono::NaiveDate>) -> String {
    d.map_or_else(|| "—".to_owned(), |d| d.to_string())
}

fn kind_name(k: NoteKind) -> &'static str {
    match k {
        NoteKind::SessionNote => "Practice session",
        NoteKind::ApplicationNote => "Application",
        NoteKind::Reflection => "Reflection",
    }
}

fn kind_value(k: NoteKind) -> &'static str {
    match k {
        NoteKind::SessionNote => "session_note",
        NoteKind::ApplicationNote => "application_note",
        NoteKind::Reflection => "reflection",
    }
}

/// A note's text, a paragraph a line.
fn note_text(text: &str) -> Markup {
    html! { @for line in text.lines() { p { (line) } } }
}

async fn coach_page(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
    Path(raw): Path<String>,
    Query(q): Query<ViewQuery>,
) -> Result<Response, PageError> {
    let idle = q.idle_days()?;
    let (cohort, matrix) = matrix_rows(&state, &actor, &raw).await?;
    let (_, progress) = progress_rows(&state, &actor, &raw).await?;
    let (_, risks) = risk_rows(&state, &actor, &raw, idle).await?;
    let (_, shared) = shared_rows(&state, &actor, &raw).await?;
    let api = format!("/api/v1/team/cohorts/{}", cohort.id);
    let body = html! {
        p { a href=(format!("/team/cohorts/{}", cohort.id)) { "← " (cohort.name) } }
        h1 { "What the coach sees: " (cohort.name) }
        section aria-labelledby="risk-h" {
            h2 id="risk-h" { "Learners at risk" }
            p { "No practice in more than " (idle) " days, behind pace, refreshers overdue, or a deadline in danger. "
                a href=(format!("{api}/at-risk?format=csv&idle_days={idle}")) { "Download as CSV" } }
            @if risks.is_empty() { p { "Nobody is at risk." } }
            @else {
                table {
                    thead { tr { th scope="col" { "Member" } th scope="col" { "Micro-skill" } th scope="col" { "Why" } } }
                    tbody { @for r in &risks { tr { td { (learner_link(cohort.id, r.person, &r.name)) } td { (r.micro_skill) } td { (r.reason) } } } }
                }
            }
        }
        section aria-labelledby="matrix-h" {
            h2 id="matrix-h" { "Skill matrix" }
            p { a href=(format!("{api}/matrix?format=csv")) { "Download as CSV" } }
            table {
                thead { tr { th scope="col" { "Member" } th scope="col" { "Micro-skill" } th scope="col" { "State" } th scope="col" { "Level" } th scope="col" { "Last practice" } } }
                tbody { @for c in &matrix { tr { td { (learner_link(cohort.id, c.person, &c.name)) } td { (c.micro_skill) } td { (c.state) }
                    td { (c.level.map_or_else(|| "—".to_owned(), |l| l.to_string())) } td { (day(c.last_practice)) } } } }
            }
        }
        section aria-labelledby="progress-h" {
            h2 id="progress-h" { "Progress to the deadlines" }
            p { a href=(format!("{api}/progress?format=csv")) { "Download as CSV" } }
            table {
                thead { tr { th scope="col" { "Member" } th scope="col" { "Micro-skill" } th scope="col" { "Minutes (done / expected / planned)" } th scope="col" { "Pace" } th scope="col" { "Deadline" } th scope="col" { "Projected finish" } } }
                tbody { @for p in &progress { tr { td { (learner_link(cohort.id, p.person, &p.name)) } td { (p.micro_skill) }
                    td { (p.minutes_done) " / " (p.minutes_expected) " / " (p.minutes_planned) } td { (p.pace.as_str()) }
                    td { (p.deadline) " (" (p.days_left) " days)" } td { (day(p.projected_finish)) } } } }
            }
        }
        section aria-labelledby="shared-h" {
            h2 id="shared-h" { "Shared with you" }
            p { "Members' notes and reflections are private; you read only those they chose to share, item by item. "
                a href=(format!("{api}/shared?format=csv")) { "Download as CSV" } }
            @if shared.is_empty() { p { "Nobody shared a note yet." } }
            @else {
                ul class="records" {
                    @for n in &shared {
                        li {
                            strong { (n.name) } " · " (n.micro_skill) " · " (kind_name(n.kind)) " of " (n.at.format("%Y-%m-%d"))
                            (note_text(&n.text))
                        }
                    }
                }
            }
        }
    };
    Ok(page(&format!("Coach: {}", cohort.name), Some(&actor), body))
}

/// A member's name, linking to their page in the cohort.
fn learner_link(cohort: i64, person: i64, name: &str) -> Markup {
    html! { a href=(format!("/team/cohorts/{cohort}/learners/{person}")) { (name) } }
}

/// The goals a learner's programmes gave them, as coaches see them.
fn goals_table(goals: &[mm_app::coaching::GoalSummary]) -> Markup {
    html! {
        table {
            thead { tr { th scope="col" { "Micro-skill" } th scope="col" { "State" } th scope="col" { "Level" } th scope="col" { "Last practice" } th scope="col" { "Minutes (done / expected / planned)" } th scope="col" { "Pace" } th scope="col" { "Deadline" } th scope="col" { "Projected finish" } th scope="col" { "Refreshers overdue" } } }
            tbody { @for g in goals { tr { td { (g.micro_skill) } td { (g.state.as_str()) } td { (g.level) } td { (day(g.last_practice)) }
                td { (g.minutes_done) " / " (g.minutes_expected) " / " (g.minutes_planned) } td { (g.pace.as_str()) } td { (g.deadline) }
                td { (day(g.projected_finish)) @if g.projected_late { " (late)" } } td { (g.refreshers_overdue) } } } }
        }
    }
}

/// One learner of a cohort, as its coach sees them (admins and the
/// cohort's coach; audited as the API's view is).
async fn learner_page(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
    Path((raw, person)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let view = learner_of_cohort(&state, &actor, &raw, &person).await?;
    let cohort = super::api::id(&raw)?;
    let api = format!("/api/v1/team/cohorts/{cohort}/learners/{}", view.person);
    let body = html! {
        p { a href=(format!("/team/cohorts/{cohort}/coach")) { "← What the coach sees" } }
        h1 { (view.name) }
        p { "The goals this cohort's programmes gave " (view.name) ", and the notes they chose to share; nothing else of their journal. "
            a href=(api) { "As JSON" } }
        @if view.goals.is_empty() { p { "No goal was given to them yet." } }
        @else { (goals_table(&view.goals)) }
        section aria-labelledby="shared-h" {
            h2 id="shared-h" { "Shared with you" }
            @if view.shared.is_empty() { p { (view.name) " shared no note: their notes and reflections are private." } }
            @else { ul class="records" { @for n in &view.shared { li { (note_item(n)) } } } }
        }
    };
    Ok(page(&view.name, Some(&actor), body))
}

fn note_item(n: &SharedNote) -> Markup {
    html! {
        strong { (n.micro_skill) } " · " (kind_name(n.kind)) " of " (n.at.format("%Y-%m-%d"))
        (note_text(&n.text))
    }
}

async fn shared_page(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
) -> Result<Response, PageError> {
    let view = learner_view(&state, &actor).await?;
    let own = own_notes(&state, &actor).await?;
    let private: Vec<&SharedNote> = own
        .iter()
        .filter(|n| {
            !view
                .shared
                .iter()
                .any(|s| s.kind == n.kind && s.item == n.item)
        })
        .collect();
    let goals = &view.goals;
    let body = html! {
        h1 { "What coaches see of you" }
        p { "Your cohort's coach and the admins see this of the goals your programmes gave you, and of the notes you shared about them; nothing else of your journal." }
        @if goals.is_empty() { p { "No goal was given to you yet." } }
        @else { (goals_table(goals)) }
        section aria-labelledby="shared-h" {
            h2 id="shared-h" { "Notes you shared" }
            @if view.shared.is_empty() { p { "You shared no note: your coaches read none of your notes or reflections." } }
            @else {
                ul class="records" {
                    @for n in &view.shared {
                        li {
                            (note_item(n))
                            form method="post" action=(format!("/team/shared/{}/unshare", n.share)) {
                                (csrf(&actor))
                                button type="submit" { "Stop sharing" }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="private-h" {
            h2 id="private-h" { "Private to you" }
            p { "Only you see these. Share one and the coaches who follow its goal read it; you can take it back." }
            @if private.is_empty() { p { "Nothing else to share." } }
            @else {
                ul class="records" {
                    @for n in &private {
                        li {
                            (note_item(n))
                            form method="post" action="/team/shared/share" {
                                (csrf(&actor))
                                input type="hidden" name="kind" value=(kind_value(n.kind));
                                input type="hidden" name="item" value=(n.item);
                                button type="submit" { "Share with my coaches" }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page("What coaches see of you", Some(&actor), body))
}

/// Every note of the actor's given goals (their own list to share from).
async fn own_notes(
    state: &TeamState,
    actor: &mm_team::Actor,
) -> Result<Vec<SharedNote>, HttpError> {
    let Some(j) = &state.inner.journal else {
        return Ok(Vec::new());
    };
    let store = super::coaching::reading_store(j, actor.org, actor.person)?;
    let app = mm_app::App::reading(store, j.clock).await?;
    let given: Vec<mm_core::GoalId> = state
        .team()
        .given_to_me(actor)
        .await?
        .into_iter()
        .map(mm_core::GoalId)
        .collect();
    Ok(mm_app::coaching::notes_of(&app, &given).await?)
}

async fn share_form(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let kind = ShareKind::parse(f.get("kind")).map_err(HttpError::from)?;
    let item = super::api::id_named(f.get("item"), "item")?;
    share_item(&state, &actor, kind, item).await?;
    Ok(Redirect::to("/team/shared").into_response())
}

async fn unshare_form(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = super::api::id(&raw)?;
    state
        .team()
        .unshare(&actor, id)
        .await
        .map_err(HttpError::from)?;
    Ok(Redirect::to("/team/shared").into_response())
}
