//! The team pages of what coaches see: a cohort's coach page
//! (`/team/cohorts/{id}/coach`) with the skill matrix, progress to the
//! deadlines and the learners at risk, each with a CSV download; and
//! `/team/shared`, where a learner sees exactly what coaches can see of
//! them. Both render the API's own rows ([`super::coaching`]).

use super::TeamState;
use super::coaching::{ViewQuery, matrix_rows, progress_rows, risk_rows, shared_with_coaches};
use super::pages::{SignedPage, page};
use crate::error::PageError;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use maud::html;

/// The pages' routes.
pub fn routes() -> Router<TeamState> {
    Router::new()
        .route("/team/cohorts/{id}/coach", get(coach_page))
        .route("/team/shared", get(shared_page))
}

fn day(d: Option<chrono::NaiveDate>) -> String {
    d.map_or_else(|| "—".to_owned(), |d| d.to_string())
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
                    tbody { @for r in &risks { tr { td { (r.name) } td { (r.micro_skill) } td { (r.reason) } } } }
                }
            }
        }
        section aria-labelledby="matrix-h" {
            h2 id="matrix-h" { "Skill matrix" }
            p { a href=(format!("{api}/matrix?format=csv")) { "Download as CSV" } }
            table {
                thead { tr { th scope="col" { "Member" } th scope="col" { "Micro-skill" } th scope="col" { "State" } th scope="col" { "Level" } th scope="col" { "Last practice" } } }
                tbody { @for c in &matrix { tr { td { (c.name) } td { (c.micro_skill) } td { (c.state) }
                    td { (c.level.map_or_else(|| "—".to_owned(), |l| l.to_string())) } td { (day(c.last_practice)) } } } }
            }
        }
        section aria-labelledby="progress-h" {
            h2 id="progress-h" { "Progress to the deadlines" }
            p { a href=(format!("{api}/progress?format=csv")) { "Download as CSV" } }
            table {
                thead { tr { th scope="col" { "Member" } th scope="col" { "Micro-skill" } th scope="col" { "Minutes (done / expected / planned)" } th scope="col" { "Pace" } th scope="col" { "Deadline" } th scope="col" { "Projected finish" } } }
                tbody { @for p in &progress { tr { td { (p.name) } td { (p.micro_skill) }
                    td { (p.minutes_done) " / " (p.minutes_expected) " / " (p.minutes_planned) } td { (p.pace.as_str()) }
                    td { (p.deadline) " (" (p.days_left) " days)" } td { (day(p.projected_finish)) } } } }
            }
        }
    };
    Ok(page(&format!("Coach: {}", cohort.name), Some(&actor), body))
}

async fn shared_page(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
) -> Result<Response, PageError> {
    let goals = shared_with_coaches(&state, &actor).await?;
    let body = html! {
        h1 { "What coaches see of you" }
        p { "Your cohort's coach and the admins see this of the goals your programmes gave you, and nothing else of your journal." }
        @if goals.is_empty() { p { "No goal was given to you yet." } }
        @else {
            table {
                thead { tr { th scope="col" { "Micro-skill" } th scope="col" { "State" } th scope="col" { "Level" } th scope="col" { "Last practice" } th scope="col" { "Minutes (done / expected / planned)" } th scope="col" { "Pace" } th scope="col" { "Deadline" } th scope="col" { "Refreshers overdue" } } }
                tbody { @for g in &goals { tr { td { (g.micro_skill) } td { (g.state.as_str()) } td { (g.level) } td { (day(g.last_practice)) }
                    td { (g.minutes_done) " / " (g.minutes_expected) " / " (g.minutes_planned) } td { (g.pace.as_str()) } td { (g.deadline) } td { (g.refreshers_overdue) } } } }
            }
        }
    };
    Ok(page("What coaches see of you", Some(&actor), body))
}
