//! The focus timer page: start a session for a goal with its aim, watch the
//! clock, count reps, errors and interruptions, pause, stop, and answer the
//! end-of-session questions. The timer lives in the journal
//! ([`mm_app::timer`]): the page shows the server's reading of it, so a
//! reload or a closed tab finds it where it was.
//!
//! Without JavaScript every step is a plain form (the clock shows the time
//! the page was drawn; "Save now" refreshes it). With it, the embedded
//! `timer.js` ticks the clock, turns on the +1 buttons and sends a
//! checkpoint to `/api/v1/timer/checkpoint` every few seconds, when the tab
//! is hidden and when it is closed.

use super::forms::{Fields, csrf, see_other};
use super::layout::{Nav, page};
use crate::api::timer::one_change_at_a_time;
use crate::security::Session;
use crate::{AppState, PageError};
use axum::Router;
use axum::extract::{Extension, Form, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use mm_app::App;
use mm_app::timer::{self, Counts, FinishInput, Phase, StartInput, TimerView};
use mm_core::parse::format_minutes;
use mm_core::{GoalId, SessionId};
use serde::Deserialize;

/// The timer's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/timer", get(timer_page))
        .route("/timer/start", post(start))
        .route("/timer/checkpoint", post(checkpoint))
        .route("/timer/pause", post(pause))
        .route("/timer/resume", post(resume))
        .route("/timer/stop", post(stop))
        .route("/timer/finish", post(finish))
        .route("/timer/discard", post(discard))
}

/// `h:mm:ss` or `mm:ss`, as the clock shows it (and as `timer.js` does).
pub fn clock(secs: i64) -> String {
    let s = secs.max(0);
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, m, s) => format!("{m:02}:{s:02}"),
        (h, m, s) => format!("{h}:{m:02}:{s:02}"),
    }
}

#[derive(Debug, Deserialize)]
struct TimerQuery {
    goal: Option<String>,
    saved: Option<String>,
    discarded: Option<String>,
}

async fn timer_page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<TimerQuery>,
) -> Result<Html<String>, PageError> {
    let app = state.app().await?;
    let body = match timer::current(&app).await? {
        Some(v) if v.phase == Phase::Ending => ending(&v, &session),
        Some(v) => running(&v, &session, state.clock().speed()),
        None => {
            let saved = match q.saved.as_deref().and_then(|s| s.parse::<i64>().ok()) {
                Some(id) => Some(mm_app::practice::saved(&app, SessionId(id)).await?),
                None => None,
            };
            let preselect = q.goal.as_deref().and_then(|g| g.trim().parse::<i64>().ok());
            html! {
                @if let Some(s) = &saved { (saved_note(s)) }
                @if q.saved.as_deref() == Some("none") {
                    p class="note" role="status" { "Under half a minute of focus: nothing was saved." }
                }
                @if q.discarded.is_some() {
                    p class="note" role="status" { "The session was discarded." }
                }
                (start_form(&app, preselect, &session).await?)
            }
        }
    };
    Ok(Html(
        page("Focus timer", Nav::Timer, Some(&session), body).into_string(),
    ))
}

fn saved_note(s: &mm_app::practice::Saved) -> Markup {
    let (x, c) = (&s.session, &s.counted);
    html! {
        p class="note" role="status" {
            "Saved session " (x.id) ": " (format_minutes(x.focused_minutes)) " focused on goal " (x.goal_id)
            ", " (x.reps) " reps, " (x.errors) " errors, " (x.interruptions) " interruptions"
            @if let Some(d) = x.difficulty { ", difficulty " (d) }
            ". The mastery rule has counted " (c.sessions) " sessions on " (c.days) " days and "
            (c.minutes) " of the " (c.minutes_required) " minutes it asks for. "
            a href=(format!("/goals/{}#practice", x.goal_id)) { "See it on the goal's page" }
        }
    }
}

async fn start_form(
    app: &App,
    preselect: Option<i64>,
    session: &Session,
) -> Result<Markup, PageError> {
    let goals = mm_app::goals::list(app, false).await?;
    Ok(html! {
        h1 { "Focus timer" }
        p {
            "One focused session on one goal, with one specific aim. The clock is kept by the server: "
            "reload the page or close the tab, and the session is still running when you come back."
        }
        @if goals.is_empty() {
            p { "No open goals to practise. Commit to one first (" a href="/discover" { "discover what to learn" } ")." }
        } @else {
            form class="panel" method="post" action="/timer/start" {
                (csrf(session))
                div class="field" {
                    label for="goal" { "Goal" }
                    select id="goal" name="goal" {
                        @for g in &goals {
                            option value=(g.goal.id) selected[preselect == Some(g.goal.id.0)] {
                                "Goal " (g.goal.id) ": " (g.micro_skill)
                            }
                        }
                    }
                }
                div class="field" {
                    label for="aim" { "Aim of this session" }
                    input id="aim" name="aim" type="text" required aria-describedby="aim-hint";
                    span id="aim-hint" class="hint" { "One specific thing to get better at, e.g. \"join three tables without looking it up\"." }
                }
                div class="field" {
                    label for="limit" { "Stop by itself after (optional)" }
                    input id="limit" name="limit" type="text" inputmode="text" placeholder="25m" aria-describedby="limit-hint";
                    span id="limit-hint" class="hint" { "A duration such as 25m or 1h; leave empty to stop it yourself." }
                }
                div { button type="submit" { "Start the timer" } }
            }
        }
    })
}

fn phase_words(v: &TimerView) -> &'static str {
    match v.phase {
        Phase::Running => "Running",
        Phase::Paused => "Paused",
        Phase::Ending => "Stopped",
    }
}

fn count_field(name: &str, label: &str, value: u32) -> Markup {
    html! {
        div class="field count" {
            label for=(name) { (label) }
            input id=(name) name=(name) type="number" min="0" step="1" value=(value);
            button class="quiet add" type="button" data-add=(name) hidden aria-label=(format!("Add one to {}", label.to_lowercase())) { "+1" }
        }
    }
}

/// The running (or paused) timer; `speed` is how many clock seconds pass
/// in a real second on this server, so that the ticking page keeps the
/// server's pace (1 on the system clock, 0 on a fixed one).
fn running(v: &TimerView, session: &Session, speed: f64) -> Markup {
    html! {
        h1 { "Focus: " (v.micro_skill) }
        p class="aim" { strong { "Aim: " } (v.aim) " · goal " (v.goal) }
        div id="timer" class=(format!("timer timer-{}", v.phase.as_str()))
            data-focused=(v.focused_seconds)
            data-phase=(v.phase.as_str())
            data-limit=[v.limit_minutes.map(|m| i64::from(m) * 60)]
            data-checkpoint=(v.checkpoint_every_seconds)
            data-speed=(speed) {
            p class="clock" {
                span class="visually-hidden" { "Focused time " }
                output id="elapsed" role="timer" { (clock(v.focused_seconds)) }
                @if let Some(r) = v.remaining_seconds {
                    span class="remaining" { " · " output id="remaining" { (clock(r)) } " left" }
                }
            }
            p class="phase" { strong id="phase" { (phase_words(v)) } }
            p id="checkpoint-status" class="hint" role="status" {
                @match v.last_checkpoint {
                    Some(t) => { "Saved to the journal at " time datetime=(t.to_rfc3339()) { (t.format("%H:%M:%S UTC")) } "." }
                    None => { "Saved to the journal once there is half a minute of focus." }
                }
            }
        }
        noscript {
            p class="hint" { "Without JavaScript the clock shows the time when this page was drawn; " strong { "Save now" } " shows it again." }
        }
        form id="counts" class="panel" method="post" action="/timer/checkpoint" {
            (csrf(session))
            fieldset {
                legend { "So far" }
                div class="counts" {
                    (count_field("reps", "Reps", v.reps))
                    (count_field("errors", "Errors", v.errors))
                    (count_field("interruptions", "Interruptions", v.interruptions))
                }
            }
            div class="field" {
                label for="notes" { "Notes" }
                textarea id="notes" name="notes" rows="3" { (v.notes) }
            }
            div class="actions" {
                button type="submit" { "Save now" }
                @if v.phase == Phase::Paused {
                    button type="submit" formaction="/timer/resume" { "Resume" }
                } @else {
                    button type="submit" formaction="/timer/pause" { "Pause" }
                }
                button type="submit" formaction="/timer/stop" { "Stop and finish" }
            }
        }
        (discard_form(session))
        script src="/assets/timer.js" defer {}
    }
}

fn discard_form(session: &Session) -> Markup {
    html! {
        form method="post" action="/timer/discard" class="discard" {
            (csrf(session))
            button class="quiet" type="submit" { "Discard this session" }
        }
    }
}

fn ending(v: &TimerView, session: &Session) -> Markup {
    html! {
        h1 { "End of session: " (v.micro_skill) }
        p class="aim" { strong { "Aim: " } (v.aim) " · goal " (v.goal) }
        p {
            @if v.at_limit { "The limit of " (format_minutes(v.limit_minutes.unwrap_or(0))) " is reached. " }
            "Focused " strong { (clock(v.focused_seconds)) } " over " (clock(v.wall_seconds)) " on the clock."
        }
        form class="panel" method="post" action="/timer/finish" {
            (csrf(session))
            fieldset {
                legend { "How did it go?" }
                div class="counts" {
                    (count_field("interruptions", "Interruptions", v.interruptions))
                    (count_field("reps", "Reps", v.reps))
                    (count_field("errors", "Errors", v.errors))
                }
            }
            fieldset {
                legend { "How hard was it?" }
                div class="choices" {
                    @for (n, word) in [(1, "easy"), (2, "fairly easy"), (3, "moderate"), (4, "hard"), (5, "very hard")] {
                        label { input type="radio" name="difficulty" value=(n); " " (n) " (" (word) ")" }
                    }
                    label { input type="radio" name="difficulty" value="" checked; " not said" }
                }
            }
            div class="field" {
                label for="feedback" { "Feedback you got or noticed" }
                textarea id="feedback" name="feedback" rows="2" {}
            }
            div class="field" {
                label for="notes" { "Notes" }
                textarea id="notes" name="notes" rows="3" { (v.notes) }
            }
            div class="actions" {
                button type="submit" { "Save the session" }
                @if !v.at_limit {
                    button class="quiet" type="submit" formaction="/timer/resume" { "Back to the timer" }
                }
            }
        }
        (discard_form(session))
        script src="/assets/timer.js" defer {}
    }
}

fn counts(f: &Fields) -> mm_app::Result<Counts> {
    Ok(Counts {
        reps: f.opt_count("reps")?,
        errors: f.opt_count("errors")?,
        interruptions: f.opt_count("interruptions")?,
        notes: f.raw("notes"),
    })
}

async fn start(
    State(state): State<AppState>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let goal = f
        .opt("goal")
        .ok_or_else(|| mm_app::Error::invalid_field("goal", "choose the goal to practise"))?;
    let goal = goal
        .parse::<i64>()
        .map_err(|_| mm_app::Error::invalid_field("goal", format!("{goal:?} is not a goal id")))?;
    let _turn = one_change_at_a_time().await;
    let app = state.app().await?;
    timer::start(
        &app,
        StartInput {
            goal: GoalId(goal),
            aim: f.get("aim").to_owned(),
            limit: f.opt("limit"),
        },
    )
    .await?;
    Ok(see_other("/timer"))
}

macro_rules! action {
    ($name:ident, $f:path) => {
        async fn $name(
            State(state): State<AppState>,
            Form(f): Form<Fields>,
        ) -> Result<Response, PageError> {
            let c = counts(&f)?;
            let _turn = one_change_at_a_time().await;
            let app = state.app().await?;
            $f(&app, &c).await?;
            Ok(see_other("/timer"))
        }
    };
}

action!(checkpoint, timer::checkpoint);
action!(pause, timer::pause);
action!(resume, timer::resume);
action!(stop, timer::stop);

async fn finish(
    State(state): State<AppState>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let difficulty = f
        .opt("difficulty")
        .map(|d| {
            d.parse::<u8>().map_err(|_| {
                mm_app::Error::invalid_field(
                    "difficulty",
                    format!("difficulty {d:?} is not 1 to 5"),
                )
            })
        })
        .transpose()?;
    let input = FinishInput {
        counts: counts(&f)?,
        difficulty,
        feedback: f.opt("feedback"),
    };
    let _turn = one_change_at_a_time().await;
    let app = state.app().await?;
    let done = timer::finish(&app, input).await?;
    Ok(match done.session {
        Some(s) => see_other(&format!("/timer?saved={}", s.id)),
        None => see_other("/timer?saved=none"),
    })
}

async fn discard(State(state): State<AppState>) -> Result<Response, PageError> {
    let _turn = one_change_at_a_time().await;
    let app = state.app().await?;
    timer::discard(&app).await?;
    Ok(see_other("/timer?discarded=1").into_response())
}
