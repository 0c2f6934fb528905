//! The team page of evidence approval (`/team/approvals`): every member sees
//! where each of their applications that needs approval stands, with the
//! approver's message; approvers and admins see the organisation's pending
//! requests, each with what was applied, and approve or reject it (a
//! rejection needs its message). Plain forms, no script; each carries the
//! session's CSRF token.

use super::TeamState;
use super::pages::{
    Retry, SignedPage, csrf, field_error, form_error, page, query_value, see_other, typed,
    with_status,
};
use crate::api::input::Fields;
use crate::error::{HttpError, PageError};
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
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
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let notice = match query_value(&q, "done") {
        Some("approved") => Some("Approved: it counts in the learner's journal now."),
        Some("rejected") => Some("Rejected: the learner sees your message."),
        _ => None,
    };
    render(&state, &actor, notice, None).await
}

/// The page, saying `notice` after a decision, or with `retry`, a
/// decision's form that failed, shown again.
async fn render(
    state: &TeamState,
    actor: &Actor,
    notice: Option<&str>,
    retry: Option<&Retry>,
) -> Result<Response, PageError> {
    let actor = actor.clone();
    let mine = super::approvals::my_requests(state, &actor).await?;
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
        @if let Some(n) = notice { p class="notice" role="status" { (n) } }
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
                            @let form = format!("decide-{}", r.id);
                            form method="post" action=(format!("/team/approvals/{}", r.id)) {
                                (csrf(&actor))
                                (form_error(retry, &form, &["message"]))
                                label for=(format!("message-{}", r.id)) { "Message to the learner (needed to reject)" }
                                textarea id=(format!("message-{}", r.id)) name="message" maxlength="4000" { (typed(retry, &form, "message").unwrap_or("")) }
                                (field_error(retry, &form, "message"))
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
    Ok(with_status(
        page("Evidence approval", Some(&actor), body),
        retry,
    ))
}

async fn decide(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
    Path(raw): Path<String>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let id = super::api::id(&raw)?;
    let approve = f.get("decision") == "approve";
    let decision = Decision {
        approve,
        message: f.opt("message"),
    };
    match state.team().decide(&actor, id, decision).await {
        Ok(_) => Ok(see_other(if approve {
            "/team/approvals?done=approved"
        } else {
            "/team/approvals?done=rejected"
        })),
        Err(e) => {
            let retry = Retry::new(format!("decide-{id}"), f, e)?;
            render(&state, &actor, None, Some(&retry)).await
        }
    }
}
