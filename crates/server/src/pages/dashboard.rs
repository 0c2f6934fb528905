//! The dashboard: each open goal with the time to its deadline, this week
//! against the budget, pace and projected finish, and the mastery conditions
//! with what is missing. All of it from [`mm_app::status::status`].

use super::layout::{Nav, page};
use crate::security::Session;
use crate::{AppState, PageError};
use axum::Router;
use axum::extract::{Extension, State};
use axum::response::Html;
use axum::routing::get;
use maud::{Markup, html};
use mm_app::status::{GoalStatus, Status};
use mm_core::pace::PaceStatus;
use mm_core::parse::format_minutes;

/// The dashboard's routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(dashboard))
}

async fn dashboard(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Html<String>, PageError> {
    let app = state.app().await?;
    let status = mm_app::status::status(&app).await?;
    Ok(Html(render(&status, &session).into_string()))
}

/// The dashboard page for `status` (public for the benchmark).
pub fn render(status: &Status, session: &Session) -> Markup {
    let body = html! {
        h1 { "Your goals" }
        p class="summary" {
            "Today is " time datetime=(status.today) { (status.today.format("%A %-d %B %Y")) } ". "
            (plural(status.open.len(), "open goal", "open goals")) ", "
            (status.achieved) " achieved, " (status.abandoned) " abandoned."
        }
        @if status.open.is_empty() && session.team {
            // On the team server there is no command line: say what
            // happens here and what the learner may do on the site.
            p class="empty" { "No open goals yet. Your coach has not given you a goal yet: goals from your cohort's programmes appear here as soon as they are given." }
            p { "You can also choose a micro-skill yourself: " a href="/discover" { "find one on Discover" } " and commit to it." }
        } @else if status.open.is_empty() {
            p { "No open goals yet. Commit to one with " code { "mm goal new" } ", or load an example journey with " code { "mm demo" } "." }
        }
        ul class="goals" {
            @for g in &status.open { li { (goal(g, status)) } }
        }
        @if !status.closed.is_empty() {
            h2 { "Closed goals" }
            ul {
                @for c in &status.closed {
                    li {
                        a href=(format!("/goals/{}", c.goal)) { (c.micro_skill) }
                        " · " (c.state)
                        @if let Some(d) = c.closed_on { " on " time datetime=(d) { (d) } }
                    }
                }
            }
        }
    };
    page("Dashboard", Nav::Dashboard, Some(session), body)
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn goal(g: &GoalStatus, status: &Status) -> Markup {
    let heading = format!("goal-{}", g.goal);
    let days_left = (g.deadline - status.today).num_days().max(0);
    let p = &g.pace;
    let met = g.mastery.conditions.iter().filter(|c| c.met).count();
    let pace_class = match p.status {
        PaceStatus::Ahead => "pace-ahead",
        PaceStatus::OnTrack => "pace-on_track",
        PaceStatus::Behind => "pace-behind",
    };
    html! {
        article class="goal" aria-labelledby=(heading) {
            h2 id=(heading) { a href=(format!("/goals/{}", g.goal)) { (g.micro_skill) } }
            p class="state" { "Goal " (g.goal) " · " (g.state) " · from " (g.start) " to " (g.deadline) }
            dl class="measures" {
                dt { "To the deadline" }
                dd {
                    progress max="100" value=(percent(g.time_elapsed)) aria-label=(format!("Time to the deadline of goal {}", g.goal)) { (percent(g.time_elapsed)) "%" }
                    " " (plural(days_left as usize, "day", "days")) " left (" (percent(g.time_elapsed)) "% of the time used)"
                }
                dt { "This week" }
                dd {
                    progress max=(p.week_budget.max(1)) value=(p.week_minutes.min(p.week_budget.max(1))) aria-label=(format!("This week's practice for goal {}", g.goal)) { (p.week_minutes) " minutes" }
                    " " (format_minutes(p.week_minutes)) " of " (format_minutes(p.week_budget))
                }
                dt { "Practice" }
                dd {
                    progress max=(p.minutes_planned.max(1)) value=(p.minutes_done.min(p.minutes_planned.max(1))) aria-label=(format!("Practice so far for goal {}", g.goal)) { (p.minutes_done) " minutes" }
                    " " (format_minutes(p.minutes_done)) " of " (format_minutes(p.minutes_planned)) " planned"
                }
                dt { "Pace" }
                dd {
                    span class=(pace_class) { (p.status.as_str()) }
                    " (" (format_minutes(p.minutes_expected)) " expected by today)"
                    @if let Some(finish) = p.projected_finish {
                        "; at this pace the plan is done on " time datetime=(finish) { (finish) }
                        @if p.projected_late { " " span class="late" { "(after the deadline)" } }
                    } @else {
                        "; no practice yet to project a finish"
                    }
                }
            }
            h3 { "Mastery: " (met) " of " (g.mastery.conditions.len()) " conditions met" }
            ul class="conditions" {
                @for c in &g.mastery.conditions { (super::goal::condition_on_dashboard(c, g.goal)) }
            }
        }
    }
}

fn percent(f: f64) -> u32 {
    if f.is_finite() {
        (f.clamp(0.0, 1.0) * 100.0).round() as u32
    } else {
        0
    }
}
