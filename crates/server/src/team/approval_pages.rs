//! The team page of evidence approval (`/team/approvals`): every member sees
//! where each of their applications that needs approval stands, with the
//! approver's message; approvers and admins see the organisation's pending
//! requests, each with what was applied, and approve or reject it (a
//! rejection needs its message). Plain forms, no script; each carries the
//! session's CSRF token.

use super::TeamState;
use super::pages::{SignedPage, csrf, page};
use crate::api::input::Fields;
use crate::error::{HttpError, PageError};
use axum::Form;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use mm_team::{Actor, ApprovalRequest, ApprovalState, Decision, Role};

/// The page's routes.
pub fn routes() -> Router<TeamState> {
    Router::new()
        .route("/team/approvals", get(approvals_page))
        .route("/team/approvals/{id}", post(decide))
}

fn approves(actor: &Actor) -> bool {
    actor.has(Role::Approver) || actor.has(Role::Admin)
}

fn applied(r: &ApprovalRequest) -> Markup {
    html! {
        (r.micro_skill) ": " (r.context) " — " (r.outcome)
        @if let Some(e) = &r.evidence { " (evidence: " (e) ")" }
        " · applied " (r.applied_at.format("%Y-%m-%d"))
    }
}

async fn approvals_page(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
) -> Result<Response, PageError> {
    let mine = super::approvals::my_requests(&state, &actor).await?;
    let pending = if approves(&actor) {
        state
            .team()
            .approvals(&actor, Some(ApprovalState::Pending))
            .await
            .map_err(HttpError::from)?
    } else {
        Vec::new()
    };
    let body = html! {
        h1 { "Evidence approval" }
        @if approves(&actor) {
            section aria-labelledby="pending-h" {
                h2 id="pending-h" { "Waiting for a decision" }
                @if pending.is_empty() { p { "Nothing waits for a decision." } }
                @for r in &pending {
                    article {
                        h3 { (r.person_name) }
                        p { (applied(r)) }
                        @if r.person == actor.person {
                            p { "Your own application: another approver decides." }
                        } @else {
                            form method="post" action=(format!("/team/approvals/{}", r.id)) {
                                (csrf(&actor))
                                label for=(format!("message-{}", r.id)) { "Message to the learner (needed to reject)" }
                                textarea id=(format!("message-{}", r.id)) name="message" maxlength="4000" {}
                                button type="submit" name="decision" value="approve" { "Approve" }
                                button type="submit" name="decision" value="reject" { "Reject" }
                            }
                        }
                    }
                }
            }
        }
        section aria-labelledby="mine-h" {
            h2 id="mine-h" { "Your applications" }
            @if mine.is_empty() { p { "None of your applications needs approval." } }
            ul {
                @for r in &mine {
                    li { (applied(r)) ": " strong { (r.state.as_str()) }
                        @if let Some(m) = &r.message { " — “" (m) "”" } }
                }
            }
        }
    };
    Ok(page("Evidence approval", Some(&actor), body))
}

async fn decide(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
    Path(raw): Path<String>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let id = super::api::id(&raw)?;
    let decision = Decision {
        approve: f.get("decision") == "approve",
        message: f.opt("message"),
    };
    state
        .team()
        .decide(&actor, id, decision)
        .await
        .map_err(HttpError::from)?;
    Ok(Redirect::to("/team/approvals").into_response())
}
