//! The discover page: search a role (titles suggested as you type by the
//! embedded `discover.js`; the form works without it), read the explained
//! ranking with the evidence behind every score, and commit to a suggestion
//! through a goal form it fills ([`mm_app::commit`]).
//!
//! The ranking is drawn by [`ranking`] alone, so a change in the shape of
//! [`Discovery`] touches one function.

use super::forms::{Fields, csrf, see_other};
use super::layout::{Nav, page};
use crate::api::discover::{DiscoverRequest, rank, shared};
use crate::security::Session;
use crate::{AppState, PageError};
use axum::Router;
use axum::extract::{Extension, Form, Query, State};
use axum::response::{Html, Response};
use axum::routing::get;
use maud::{Markup, html};
use mm_app::commit::{CommitInput, GoalForm};
use mm_app::discover::{Discovery, RankedSkill};
use mm_discover::rank::{Candidate, Role};
use serde::Deserialize;

/// The discover page's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/discover", get(search_page).post(results_page))
        .route("/discover/commit", get(goal_form_page).post(commit))
}

#[derive(Debug, Deserialize)]
struct SearchQuery {
    role: Option<String>,
}

async fn search_page(
    Extension(session): Extension<Session>,
    Query(q): Query<SearchQuery>,
) -> Html<String> {
    let body = html! {
        (search_form(q.role.as_deref().unwrap_or(""), 10, &session))
    };
    Html(page("Discover", Nav::Discover, Some(&session), body).into_string())
}

fn search_form(role: &str, top: usize, session: &Session) -> Markup {
    html! {
        h1 { "Discover what to learn" }
        p {
            "Name a role you are heading for. Micromastery ranks the narrow, learnable skills it asks for, "
            "from the ESCO and O*NET taxonomies and job postings, and shows the evidence behind every score. "
            "Leave it empty to use the target role in your profile."
        }
        form class="panel" method="post" action="/discover" {
            (csrf(session))
            div class="field" {
                label for="role" { "Role" }
                input id="role" name="role" type="text" list="role-options" autocomplete="off"
                    value=(role) placeholder="data analyst" aria-describedby="role-hint role-status";
                datalist id="role-options" {}
                span id="role-hint" class="hint" { "A job title; suggestions appear as you type." }
                span id="role-status" class="hint" role="status" {}
            }
            div class="field" {
                label for="top" { "Micro-skills to show" }
                input id="top" name="top" type="number" min="1" max="50" value=(top);
            }
            div { button type="submit" { "Rank the skills" } }
        }
        script src="/assets/discover.js" defer {}
    }
}

fn request(f: &Fields) -> mm_app::Result<DiscoverRequest> {
    let top = f.opt_count("top")?.map(|n| n as usize);
    Ok(DiscoverRequest {
        role: f.opt("role"),
        occupation: f.opt("occupation"),
        top,
        arcs: None,
        market: None,
        no_market: false,
        country: f.opt("country"),
        stack: f.opt("stack"),
    })
}

async fn results_page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(f): Form<Fields>,
) -> Result<Html<String>, PageError> {
    let r = request(&f)?;
    let d = rank(&state, &r).await?;
    let body = html! {
        (search_form(r.role.as_deref().unwrap_or(""), r.top.unwrap_or(10), &session))
        (ranking(&d, &session))
    };
    Ok(Html(
        page(
            &format!("Skills for {}", d.role.title()),
            Nav::Discover,
            Some(&session),
            body,
        )
        .into_string(),
    ))
}

fn role_line(r: &Role) -> Markup {
    html! {
        p {
            "Ranked for " strong { (r.title()) }
            @if let (Some(m), Some(t)) = (&r.matched_title, &r.esco_title) {
                " (ESCO \u{201c}" (t) "\u{201d}, matched by the title \u{201c}" (m) "\u{201d}"
                @if r.ambiguous { "; the title is ambiguous" }
                ")"
            }
            @if !r.onet_occupations.is_empty() {
                "; O*NET: "
                @for (i, o) in r.onet_occupations.iter().enumerate() {
                    @if i > 0 { "; " }
                    (o.code) " " (o.title)
                }
            }
            "."
        }
    }
}

fn alternatives(r: &Role, session: &Session) -> Markup {
    html! {
        @if !r.alternatives.is_empty() {
            details {
                summary { "Other occupations this title could mean" }
                ul class="alternatives" {
                    @for a in &r.alternatives {
                        li {
                            form method="post" action="/discover" class="inline" {
                                (csrf(session))
                                input type="hidden" name="occupation" value=(a.uri);
                                input type="hidden" name="role" value=(a.title);
                                button class="quiet" type="submit" { "Rank for " (a.title) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The explained ranking: the role as understood, where the postings came
/// from, each micro-skill with its score broken into components and their
/// evidence, and the arcs of broad competences; every suggestion links to
/// the goal form it fills.
pub fn ranking(d: &Discovery, session: &Session) -> Markup {
    html! {
        section aria-labelledby="ranking" {
            h2 id="ranking" { "Micro-skills for " (d.role.title()) }
            (role_line(&d.role))
            (alternatives(&d.role, session))
            p class="hint" {
                @match &d.market_source {
                    Some(src) => { "Postings: " (src) " (" (d.market_postings) " with the role's titles)." }
                    None => { "Ranked without postings." }
                }
                @if let Some(n) = &d.market_note { " " (n) }
                @if d.held_skipped > 0 { " Left out: " (d.held_skipped) " skill(s) you already hold." }
                @if d.role_named_skipped > 0 { " Left out: " (d.role_named_skipped) " skill(s) named like the role itself." }
            }
            p class="hint" {
                "Score = Σ component × weight ("
                @for (i, (n, w)) in mm_discover::rank::WEIGHTS.iter().enumerate() {
                    @if i > 0 { ", " }
                    (n) " " (format!("{w:.2}"))
                }
                ")."
            }
            h2 { "Micro-skills to learn, under the skill each builds" }
            ul class="ranked" {
                @for r in &d.micro { li { (ranked(r)) } }
                @if let Some(t) = &d.tasks {
                    li {
                        article class="candidate" {
                            h3 { "Core tasks of O*NET " (t.occupation) }
                            (steps(&t.steps))
                        }
                    }
                }
            }
            @for n in &d.notes {
                p class="hint note" { (n) }
            }
            @if !d.uncarved.is_empty() {
                p class="hint" {
                    "Also ranked, with no micro-skill in the catalogue yet (commit to draft one): "
                    @for (i, c) in d.uncarved.iter().enumerate() {
                        @if i > 0 { " · " }
                        a href=(commit_href(&c.uri)) { (c.label) }
                    }
                }
            }
            @if !d.arcs.is_empty() {
                h2 { "Broad competences, as arcs of micro-skills" }
                ul class="ranked" {
                    @for r in &d.arcs { li { (ranked(r)) } }
                }
            }
        }
    }
}

fn commit_href(from: &str) -> String {
    format!("/discover/commit?from={}", urlencode(from))
}

/// Percent-encode a query value.
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn ranked(r: &RankedSkill) -> Markup {
    let c: &Candidate = &r.candidate;
    let heading = format!("skill-{}-{}", if c.broad { "arc" } else { "micro" }, c.rank);
    html! {
        article class="candidate" aria-labelledby=(heading) {
            h3 id=(heading) { (c.label) }
            p class="state" { (c.skill_type) " · score " strong { (format!("{:.3}", c.score)) } }
            details {
                summary { "Why: the score's components and their evidence" }
                table {
                    caption { "Components of the score of " (c.label) }
                    thead { tr { th scope="col" { "Component" } th scope="col" { "Value" } th scope="col" { "× weight" } th scope="col" { "= points" } th scope="col" { "Evidence" } } }
                    tbody {
                        @for x in &c.components {
                            tr {
                                th scope="row" { (x.name) }
                                td { (format!("{:.2}", x.value)) }
                                td { (format!("{:.2}", x.weight)) }
                                td { (format!("{:.3}", x.points)) }
                                td { (x.evidence) }
                            }
                        }
                    }
                }
            }
            @if r.steps.is_empty() && !c.narrower.is_empty() {
                p { "Narrower steps: "
                    @for (i, n) in c.narrower.iter().enumerate() {
                        @if i > 0 { " · " }
                        a href=(commit_href(&n.uri)) { (n.label) }
                    }
                }
            }
            (steps(&r.steps))
            @if r.more > 0 {
                p class="hint" { (r.more) " more micro-skill(s) of it in the catalogue." }
            }
        }
    }
}

/// The micro-skills of a group: numbered when ranked, each with its own
/// evidence and a link that fills the goal form from it.
fn steps(steps: &[mm_app::steps::MicroStep]) -> Markup {
    html! {
        @if !steps.is_empty() {
            ul class="steps" {
                @for m in steps {
                    li {
                        @if let Some(rank) = m.rank { strong { (rank) ". " } }
                        (m.name)
                        @for c in &m.country { " [" (c) "]" }
                        @if let (Some(h), Some(w)) = (m.hours, m.weeks) { " (" (h) " h over " (w) " weeks)" }
                        @if let Some(g) = m.open_goal { " · your goal " a href=(format!("/goals/{g}")) { (g) } " is on it" }
                        @if !m.evidence.is_empty() {
                            br; span class="hint" { (m.evidence.join("; ")) }
                        }
                        " · " a href=(commit_href(&m.id)) { "Commit to this" span class="visually-hidden" { ": " (m.name) } }
                    }
                }
            }
        }
    }
}

#[derive(Debug, Deserialize)]
struct FromQuery {
    from: Option<String>,
}

async fn goal_form_page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<FromQuery>,
) -> Result<Html<String>, PageError> {
    let from = q.from.filter(|f| !f.trim().is_empty()).ok_or_else(|| {
        mm_app::Error::invalid_field("from", "which suggestion? Pick one on the discover page")
    })?;
    let s = shared().await?;
    let app = state.app().await?;
    let f = mm_app::commit::form(&app, &s.tax, &from).await?;
    let body = goal_form(&f, &session);
    Ok(Html(
        page("Commit to a goal", Nav::Discover, Some(&session), body).into_string(),
    ))
}

fn goal_form(f: &GoalForm, session: &Session) -> Markup {
    let levels = [
        (1, "novice"),
        (2, "advanced beginner"),
        (3, "competent"),
        (4, "proficient"),
        (5, "expert"),
    ];
    html! {
        h1 { "Commit to a goal" }
        p { "Practising " strong { (f.micro_skill) } ", a micro-skill of " (f.skill) "." }
        @if !f.principles.is_empty() {
            p { "Its principles: " (f.principles.join(", ")) "." }
        }
        form class="panel" method="post" action="/discover/commit" {
            (csrf(session))
            input type="hidden" name="from" value=(f.from);
            div class="field" {
                label for="done_when" { "Done when (one observable criterion a line)" }
                textarea id="done_when" name="done_when" rows=(f.done_when.len().max(2) + 1) { (f.done_when.join("\n")) }
            }
            div class="field" {
                label for="deadline" { "Deadline" }
                input id="deadline" name="deadline" type="text" value=(f.deadline) aria-describedby="deadline-hint";
                span id="deadline-hint" class="hint" { "A date (2026-12-08) or an offset from today (+3w, +10d)." }
            }
            div class="field" {
                label for="weekly" { "Practice a week" }
                input id="weekly" name="weekly" type="text" value=(f.weekly) aria-describedby="weekly-hint";
                span id="weekly-hint" class="hint" { "A duration: 2h, 90m, 1h30m." }
            }
            div class="field" {
                label for="level" { "Target level" }
                select id="level" name="level" {
                    @for (n, name) in levels {
                        option value=(n) selected[n == f.level] { (n) " (" (name) ")" }
                    }
                }
            }
            div class="field" {
                label for="start" { "Start" }
                input id="start" name="start" type="text" value="today";
            }
            div { button type="submit" { "Commit to this goal" } }
        }
    }
}

async fn commit(
    State(state): State<AppState>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let from = f.opt("from").ok_or_else(|| {
        mm_app::Error::invalid_field("from", "which suggestion? Pick one on the discover page")
    })?;
    let input = CommitInput {
        from,
        deadline: f.opt("deadline"),
        weekly: f.opt("weekly"),
        done_when: f
            .raw("done_when")
            .unwrap_or_default()
            .lines()
            .map(str::to_owned)
            .collect(),
        level: f.opt("level"),
        start: f.opt("start"),
    };
    let s = shared().await?;
    let app = state.app().await?;
    let created = mm_app::commit::commit(&app, &s.tax, input).await?;
    Ok(see_other(&format!("/goals/{}", created.goal.id)))
}
