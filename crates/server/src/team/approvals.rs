//! Evidence approval on the team server: the JSON routes under
//! `/api/v1/team/approvals` (approvers list and decide) and
//! `/api/v1/team/me/approvals` (a learner reads where each of their
//! applications stands), and the two links to the member's journal:
//! `policy` tells the journal's mastery rule which applications count,
//! and `sync` turns each application recorded for a goal that needs
//! approval (through the journal's API or its goal page) into a pending
//! request, and one edited since its decision back into a pending one.

use super::{Journals, Signed, TeamState};
use crate::api::input::ApiJson;
use crate::error::{ApiError, ErrorJson, HttpError};
use axum::Json;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use mm_app::approvals::{Verdict, VerdictState};
use mm_core::{Evidence, GoalId};
use mm_team::{Actor, ApprovalGoal, ApprovalRequest, ApprovalState, Decision, NewRequest};
use serde::Deserialize;
use utoipa::IntoParams;

/// The routes of evidence approval.
pub fn routes() -> Router<TeamState> {
    Router::new()
        .route("/api/v1/team/approvals", get(approvals))
        .route("/api/v1/team/approvals/{id}", post(decide))
        .route("/api/v1/team/me/approvals", get(mine))
}

/// What the mastery rule of `actor`'s journal counts: for each of their
/// goals that needs approval, only the approved applications.
pub(crate) fn policy(goals: &[ApprovalGoal]) -> mm_app::approvals::Approvals {
    let mut a = mm_app::approvals::Approvals::default();
    for g in goals {
        a.require(
            GoalId(g.goal),
            g.approved.iter().map(|id| mm_core::ApplicationId(*id)),
        );
        for v in &g.verdicts {
            a.record(
                mm_core::ApplicationId(v.application),
                Verdict {
                    state: match v.state {
                        ApprovalState::Pending => VerdictState::Pending,
                        ApprovalState::Approved => VerdictState::Approved,
                        ApprovalState::Rejected => VerdictState::Rejected,
                    },
                    message: v.message.clone(),
                },
            );
        }
    }
    a
}

/// Put every application `actor`'s journal holds for `goals` (their goals
/// that need approval) before the approvers; those asked before stay as
/// they stand unless edited since, which makes them pending again.
///
/// # Errors
/// When the journal or the team data cannot be read or written.
pub(super) async fn sync(
    j: &Journals,
    state: &TeamState,
    actor: &Actor,
    goals: &[ApprovalGoal],
) -> Result<(), HttpError> {
    if goals.is_empty() {
        return Ok(());
    }
    let store = j
        .store
        .scoped(actor.org, actor.person)
        .map_err(mm_app::Error::from)?;
    // Read before the applications: what follows is at least this new, so
    // a change made meanwhile moves the revision past it and is compared
    // at the next request.
    let revision = store.revision().await.map_err(mm_app::Error::from)?;
    let mut new = Vec::new();
    for g in goals {
        let apps = store
            .list_applications(Some(GoalId(g.goal)))
            .await
            .map_err(mm_app::Error::from)?;
        new.extend(apps.into_iter().map(|a| NewRequest {
            goal: g.goal,
            application: a.id.0,
            applied_at: a.at,
            context: a.context,
            outcome: a.outcome,
            evidence: a.evidence.map(|e| match e {
                Evidence::Link { url } => url,
                Evidence::File { name, sha256 } => format!("{name} (SHA-256 {sha256})"),
            }),
        }));
    }
    state
        .team()
        .request_approvals_at(actor, &new, Some(revision))
        .await?;
    Ok(())
}

/// Whether `actor`'s journal may have changed since their approval
/// requests last matched it (by its revision, which every change to it
/// moves, whoever makes it): only then does [`sync`] need to compare them.
///
/// # Errors
/// When the journal or the team data cannot be read.
pub(super) async fn stale(
    j: &Journals,
    state: &TeamState,
    actor: &Actor,
) -> Result<bool, HttpError> {
    let store = j
        .store
        .scoped(actor.org, actor.person)
        .map_err(mm_app::Error::from)?;
    let synced = state.team().approvals_synced(actor).await?;
    let revision = store.revision().await.map_err(mm_app::Error::from)?;
    Ok(synced != Some(revision))
}

/// Which requests to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApprovalsQuery {
    /// `pending` (the default), `approved`, `rejected` or `all`.
    pub state: Option<String>,
}

/// The organisation's approval requests, oldest first (approvers and admins): by default those pending.
#[utoipa::path(get, path = "/api/v1/team/approvals", tag = "approvals", params(ApprovalsQuery),
    responses((status = 200, body = [ApprovalRequest]), (status = 403, body = ErrorJson), (status = 422, body = ErrorJson)))]
pub async fn approvals(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Query(q): Query<ApprovalsQuery>,
) -> Result<Json<Vec<ApprovalRequest>>, ApiError> {
    let filter = match q.state.as_deref().unwrap_or("pending") {
        "all" => None,
        "pending" => Some(ApprovalState::Pending),
        "approved" => Some(ApprovalState::Approved),
        "rejected" => Some(ApprovalState::Rejected),
        other => {
            let mut e = HttpError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("{other:?} is not a state: pending, approved, rejected or all"),
            );
            e.field = Some("state".into());
            return Err(e.into());
        }
    };
    Ok(Json(state.team().approvals(&actor, filter).await?))
}

/// Approve a pending request, or reject it with a message the learner reads (approvers and admins; never one's own application). Audited.
#[utoipa::path(post, path = "/api/v1/team/approvals/{id}", tag = "approvals", request_body = Decision,
    params(("id" = i64, Path, description = "The request's id")),
    responses((status = 200, body = ApprovalRequest), (status = 403, body = ErrorJson), (status = 404, body = ErrorJson), (status = 409, body = ErrorJson), (status = 422, body = ErrorJson)))]
pub async fn decide(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    Path(raw): Path<String>,
    ApiJson(body): ApiJson<Decision>,
) -> Result<Json<ApprovalRequest>, ApiError> {
    let id = super::api::id(&raw)?;
    Ok(Json(state.team().decide(&actor, id, body).await?))
}

/// Your own applications that need approval, newest first: where each stands and the approver's message.
#[utoipa::path(get, path = "/api/v1/team/me/approvals", tag = "approvals",
    responses((status = 200, body = [ApprovalRequest]), (status = 401, body = ErrorJson)))]
pub async fn mine(
    State(state): State<TeamState>,
    Signed(actor): Signed,
) -> Result<Json<Vec<ApprovalRequest>>, ApiError> {
    Ok(Json(my_requests(&state, &actor).await?))
}

/// The actor's requests, after putting any application not yet asked
/// before the approvers.
pub(crate) async fn my_requests(
    state: &TeamState,
    actor: &Actor,
) -> Result<Vec<ApprovalRequest>, HttpError> {
    if let Some(j) = &state.inner.journal {
        let goals = state.team().approval_goals(actor).await?;
        sync(j, state, actor, &goals).await?;
    }
    Ok(state.team().my_approvals(actor).await?)
}
