//! Evidence approval. A programme item may require an approver to accept
//! each application before it counts toward the mastery of the goal a
//! member was given for it: the member's application becomes a pending
//! [`ApprovalRequest`]; an approver (or an admin) other than the member
//! approves it, or rejects it with a message the member reads. Each request
//! and decision is in the audit trail (who, when, what).
//!
//! The applications themselves live in the member's journal, which this
//! crate does not read: the server hands [`TeamStore::request_approvals`]
//! what the journal holds for the goals [`TeamStore::approval_goals`] names,
//! and passes the approved ones to the mastery rule.

use crate::people::{audit, parse_time};
use crate::{Actor, Error, Kind, PersonId, Result, Role, TeamStore};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApprovalState {
    /// Waiting for an approver.
    Pending,
    /// Accepted: it counts toward mastery.
    Approved,
    /// Refused, with a message: it does not count.
    Rejected,
}

impl ApprovalState {
    /// The state's name as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalState::Pending => "pending",
            ApprovalState::Approved => "approved",
            ApprovalState::Rejected => "rejected",
        }
    }

    fn parse(s: &str) -> Result<ApprovalState> {
        [
            ApprovalState::Pending,
            ApprovalState::Approved,
            ApprovalState::Rejected,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
        .ok_or_else(|| Error::new(Kind::Internal, format!("unknown approval state {s:?}")))
    }
}

/// A given goal whose applications need approval, and those approved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalGoal {
    /// The goal's id in the member's journal.
    pub goal: i64,
    /// The programme item it was given for.
    pub item: i64,
    /// The applications (journal ids) approved so far.
    pub approved: Vec<i64>,
    /// Where each application put before the approvers stands, and the
    /// approver's message (what the learner's goal page shows).
    pub verdicts: Vec<Verdict>,
}

/// Where one application of a goal needing approval stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The application's id in the journal.
    pub application: i64,
    /// Pending, approved or rejected.
    pub state: ApprovalState,
    /// The approver's message, if any (always given with a rejection).
    pub message: Option<String>,
}

/// An application to put before the approvers, as the journal holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRequest {
    /// The goal (one of [`TeamStore::approval_goals`]).
    pub goal: i64,
    /// The application's id in the journal.
    pub application: i64,
    /// When it was applied.
    pub applied_at: DateTime<Utc>,
    /// Where.
    pub context: String,
    /// With what outcome.
    pub outcome: String,
    /// Its evidence (a link, or a file's name and hash), if any.
    pub evidence: Option<String>,
}

/// A member's application waiting for, or given, an approver's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApprovalRequest {
    /// The request's id.
    pub id: i64,
    /// The member who applied the skill.
    pub person: PersonId,
    /// Their name.
    pub person_name: String,
    /// The programme item.
    pub item: i64,
    /// The micro-skill's name.
    pub micro_skill: String,
    /// The goal in the member's journal.
    pub goal: i64,
    /// The application in the member's journal.
    pub application: i64,
    /// When it was applied.
    pub applied_at: DateTime<Utc>,
    /// Where.
    pub context: String,
    /// With what outcome.
    pub outcome: String,
    /// Its evidence (a link, or a file's name and hash), if any.
    pub evidence: Option<String>,
    /// When it was put before the approvers.
    pub requested_at: DateTime<Utc>,
    /// Where it stands.
    pub state: ApprovalState,
    /// Who decided, once decided.
    pub decided_by: Option<PersonId>,
    /// When, once decided.
    pub decided_at: Option<DateTime<Utc>>,
    /// The approver's message (always given with a rejection).
    pub message: Option<String>,
}

/// An approver's decision on a request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// `true` to approve, `false` to reject.
    pub approve: bool,
    /// Why (required to reject; up to 4,000 characters).
    #[serde(default)]
    pub message: Option<String>,
}

const REQUEST_SQL: &str = "SELECT r.id, r.person_id, p.name, r.item_id, i.name, r.goal_id, \
     r.application_id, mm_iso(r.applied_at), r.context, r.outcome, r.evidence, \
     mm_iso(r.requested_at), r.state, r.decided_by, mm_iso(r.decided_at), r.message \
     FROM approval_requests r \
     JOIN people p ON p.org_id = r.org_id AND p.id = r.person_id \
     JOIN programme_items i ON i.org_id = r.org_id AND i.id = r.item_id \
     WHERE r.org_id = mm_org()";

type RequestRow = (
    i64,
    i64,
    String,
    i64,
    String,
    i64,
    i64,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    Option<i64>,
    Option<String>,
    Option<String>,
);

fn request(r: RequestRow) -> Result<ApprovalRequest> {
    Ok(ApprovalRequest {
        id: r.0,
        person: r.1,
        person_name: r.2,
        item: r.3,
        micro_skill: r.4,
        goal: r.5,
        application: r.6,
        applied_at: parse_time(&r.7)?,
        context: r.8,
        outcome: r.9,
        evidence: r.10,
        requested_at: parse_time(&r.11)?,
        state: ApprovalState::parse(&r.12)?,
        decided_by: r.13,
        decided_at: r.14.as_deref().map(parse_time).transpose()?,
        message: r.15,
    })
}

impl TeamStore {
    /// The actor's own given goals whose applications need approval, each
    /// with the applications approved so far (what their mastery counts).
    ///
    /// # Errors
    /// When the database fails.
    pub async fn approval_goals(&self, actor: &Actor) -> Result<Vec<ApprovalGoal>> {
        let mut tx = self.scope(actor.org).await?;
        let rows: Vec<(i64, i64, Vec<i64>)> = sqlx::query_as(
            "SELECT g.goal_id, g.item_id, coalesce(array_agg(r.application_id ORDER BY \
                 r.application_id) FILTER (WHERE r.state = 'approved'), '{}') \
             FROM given_goals g \
             JOIN programme_items i ON i.org_id = g.org_id AND i.id = g.item_id \
             LEFT JOIN approval_requests r ON r.org_id = g.org_id AND r.person_id = g.person_id \
                 AND r.goal_id = g.goal_id \
             WHERE g.org_id = mm_org() AND g.person_id = $1 AND g.goal_id IS NOT NULL \
               AND i.requires_approval \
             GROUP BY g.goal_id, g.item_id ORDER BY g.goal_id",
        )
        .bind(actor.person)
        .fetch_all(&mut *tx)
        .await?;
        let verdicts: Vec<(i64, i64, String, Option<String>)> = sqlx::query_as(
            "SELECT goal_id, application_id, state, message FROM approval_requests \
             WHERE org_id = mm_org() AND person_id = $1 ORDER BY application_id",
        )
        .bind(actor.person)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.into_iter()
            .map(|(goal, item, approved)| {
                Ok(ApprovalGoal {
                    goal,
                    item,
                    approved,
                    verdicts: verdicts
                        .iter()
                        .filter(|v| v.0 == goal)
                        .map(|v| {
                            Ok(Verdict {
                                application: v.1,
                                state: ApprovalState::parse(&v.2)?,
                                message: v.3.clone(),
                            })
                        })
                        .collect::<Result<_>>()?,
                })
            })
            .collect()
    }

    /// Put the actor's applications `new` before the approvers: each one
    /// not yet requested becomes a pending request, audited. One asked
    /// before stands as it is unless it was edited since (where, when,
    /// outcome or evidence differ from the request's copy): then the copy
    /// is brought up to date and the request is pending again, its earlier
    /// decision kept in the audit trail (`approval.reset`; `approval.update`
    /// for one still pending), so an approval counts only for what was
    /// approved. Returns the new and the reset requests.
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a goal that is not one of the actor's given
    /// goals needing approval; [`Kind::Invalid`] for text the request
    /// cannot hold.
    pub async fn request_approvals(
        &self,
        actor: &Actor,
        new: &[NewRequest],
    ) -> Result<Vec<ApprovalRequest>> {
        self.request_approvals_at(actor, new, None).await
    }

    /// As [`TeamStore::request_approvals`], with `new` read from the
    /// actor's journal at `revision` (read before the applications): in the
    /// same transaction, the requests are marked as matching that revision
    /// ([`TeamStore::approvals_synced`]), so a server skips the comparison
    /// until the journal moves again.
    ///
    /// # Errors
    /// As [`TeamStore::request_approvals`].
    pub async fn request_approvals_at(
        &self,
        actor: &Actor,
        new: &[NewRequest],
        revision: Option<i64>,
    ) -> Result<Vec<ApprovalRequest>> {
        let mut tx = self.scope(actor.org).await?;
        let mut ids = Vec::new();
        for n in new {
            if n.evidence
                .as_ref()
                .is_some_and(|e| e.chars().count() > 4000)
            {
                return Err(Error::invalid(
                    "evidence",
                    "evidence of at most 4,000 characters",
                ));
            }
            let item: Option<i64> = sqlx::query_scalar(
                "SELECT g.item_id FROM given_goals g \
                 JOIN programme_items i ON i.org_id = g.org_id AND i.id = g.item_id \
                 WHERE g.org_id = mm_org() AND g.person_id = $1 AND g.goal_id = $2 \
                   AND i.requires_approval",
            )
            .bind(actor.person)
            .bind(n.goal)
            .fetch_optional(&mut *tx)
            .await?;
            let item = item.ok_or_else(|| Error::not_found("goal needing approval"))?;
            // Edited since it was asked: the copy is renewed and the
            // decision, if any, undone.
            let edited: Option<(i64, String, Option<i64>, Option<String>)> = sqlx::query_as(
                "SELECT id, state, decided_by, message FROM approval_requests \
                 WHERE org_id = mm_org() AND person_id = $1 AND application_id = $2 \
                   AND (date_trunc('second', applied_at) \
                            IS DISTINCT FROM date_trunc('second', $3::TIMESTAMPTZ) \
                        OR context IS DISTINCT FROM $4 OR outcome IS DISTINCT FROM $5 \
                        OR evidence IS DISTINCT FROM $6) \
                 FOR UPDATE",
            )
            .bind(actor.person)
            .bind(n.application)
            .bind(n.applied_at.to_rfc3339())
            .bind(&n.context)
            .bind(&n.outcome)
            .bind(&n.evidence)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((id, was, decided_by, message)) = edited {
                sqlx::query(
                    "UPDATE approval_requests SET applied_at = $2::TIMESTAMPTZ, context = $3, \
                         outcome = $4, evidence = $5, requested_at = now(), state = 'pending', \
                         decided_by = NULL, decided_at = NULL, message = NULL \
                     WHERE org_id = mm_org() AND id = $1",
                )
                .bind(id)
                .bind(n.applied_at.to_rfc3339())
                .bind(&n.context)
                .bind(&n.outcome)
                .bind(&n.evidence)
                .execute(&mut *tx)
                .await?;
                let reset = was != ApprovalState::Pending.as_str();
                audit(
                    &mut tx,
                    actor.org,
                    Some(actor.person),
                    if reset {
                        "approval.reset"
                    } else {
                        "approval.update"
                    },
                    Some(format!("approval:{id}")),
                    serde_json::json!({ "goal": n.goal, "application": n.application, "item": item,
                        "was": was, "decided_by": decided_by, "message": message }),
                )
                .await?;
                if reset {
                    ids.push(id);
                }
                continue;
            }
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO approval_requests (org_id, person_id, item_id, goal_id, \
                     application_id, applied_at, context, outcome, evidence) \
                 VALUES (mm_org(), $1, $2, $3, $4, $5::TIMESTAMPTZ, $6, $7, $8) \
                 ON CONFLICT (org_id, person_id, application_id) DO NOTHING RETURNING id",
            )
            .bind(actor.person)
            .bind(item)
            .bind(n.goal)
            .bind(n.application)
            .bind(n.applied_at.to_rfc3339())
            .bind(&n.context)
            .bind(&n.outcome)
            .bind(&n.evidence)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(id) = id {
                audit(
                    &mut tx,
                    actor.org,
                    Some(actor.person),
                    "approval.request",
                    Some(format!("approval:{id}")),
                    serde_json::json!({ "goal": n.goal, "application": n.application, "item": item }),
                )
                .await?;
                ids.push(id);
            }
        }
        let rows: Vec<RequestRow> =
            sqlx::query_as(&format!("{REQUEST_SQL} AND r.id = ANY($1) ORDER BY r.id"))
                .bind(&ids)
                .fetch_all(&mut *tx)
                .await?;
        if let Some(revision) = revision {
            sqlx::query(
                "INSERT INTO approval_syncs (org_id, person_id, revision) VALUES (mm_org(), $1, $2) \
                 ON CONFLICT (org_id, person_id) \
                 DO UPDATE SET revision = EXCLUDED.revision, synced_at = now()",
            )
            .bind(actor.person)
            .bind(revision)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        rows.into_iter().map(request).collect()
    }

    /// The revision of the actor's journal at which their approval requests
    /// last matched it ([`TeamStore::request_approvals_at`]); `None` before
    /// the first such comparison.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn approvals_synced(&self, actor: &Actor) -> Result<Option<i64>> {
        let mut tx = self.scope(actor.org).await?;
        let revision: Option<i64> = sqlx::query_scalar(
            "SELECT revision FROM approval_syncs WHERE org_id = mm_org() AND person_id = $1",
        )
        .bind(actor.person)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(revision)
    }

    /// The actor's own requests, newest first: where each stands and the
    /// approver's message.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn my_approvals(&self, actor: &Actor) -> Result<Vec<ApprovalRequest>> {
        self.list_requests(actor, Some(actor.person), None).await
    }

    /// The organisation's requests in `state` (all with `None`), oldest
    /// first: approvers and admins only.
    ///
    /// # Errors
    /// [`Kind::Forbidden`] for anyone else.
    pub async fn approvals(
        &self,
        actor: &Actor,
        state: Option<ApprovalState>,
    ) -> Result<Vec<ApprovalRequest>> {
        actor.require(&[Role::Approver, Role::Admin], "read approval requests")?;
        self.list_requests(actor, None, state).await
    }

    /// Requests of `person` (newest first) or of everyone (oldest first),
    /// in `state` or any.
    async fn list_requests(
        &self,
        actor: &Actor,
        person: Option<PersonId>,
        state: Option<ApprovalState>,
    ) -> Result<Vec<ApprovalRequest>> {
        let order = if person.is_some() { "DESC" } else { "" };
        let mut tx = self.scope(actor.org).await?;
        let rows: Vec<RequestRow> = sqlx::query_as(&format!(
            "{REQUEST_SQL} AND ($1::BIGINT IS NULL OR r.person_id = $1) \
             AND ($2::TEXT IS NULL OR r.state = $2) ORDER BY r.requested_at {order}, r.id {order}"
        ))
        .bind(person)
        .bind(state.map(ApprovalState::as_str))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.into_iter().map(request).collect()
    }

    /// Approve or reject a pending request (approvers and admins, never on
    /// their own application), audited with who, when and what.
    ///
    /// # Errors
    /// [`Kind::Forbidden`] for anyone else, or on one's own application;
    /// [`Kind::NotFound`] for a request not in the actor's organisation;
    /// [`Kind::Conflict`] for one already decided; [`Kind::Invalid`] for a
    /// rejection without a message, or a message over 4,000 characters.
    pub async fn decide(
        &self,
        actor: &Actor,
        id: i64,
        decision: Decision,
    ) -> Result<ApprovalRequest> {
        actor.require(&[Role::Approver, Role::Admin], "decide on evidence")?;
        let message = decision
            .message
            .as_deref()
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_owned);
        if let Some(m) = &message
            && (m.chars().count() > 4000 || m.contains('\0'))
        {
            return Err(Error::invalid(
                "message",
                "a message of at most 4,000 characters, without NUL",
            ));
        }
        if !decision.approve && message.is_none() {
            return Err(Error::invalid(
                "message",
                "say why the evidence is rejected: the learner reads it",
            ));
        }
        let mut tx = self.scope(actor.org).await?;
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT person_id, state FROM approval_requests WHERE org_id = mm_org() AND id = $1 \
             FOR UPDATE",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let (person, state) = row.ok_or_else(|| Error::not_found("approval request"))?;
        if person == actor.person {
            return Err(Error::forbidden(
                "you may not decide on your own application: another approver does",
            ));
        }
        if state != ApprovalState::Pending.as_str() {
            return Err(Error::new(
                Kind::Conflict,
                format!("this request was {state} already"),
            ));
        }
        let state = if decision.approve {
            ApprovalState::Approved
        } else {
            ApprovalState::Rejected
        };
        sqlx::query(
            "UPDATE approval_requests SET state = $2, decided_by = $3, decided_at = now(), \
             message = $4 WHERE org_id = mm_org() AND id = $1",
        )
        .bind(id)
        .bind(state.as_str())
        .bind(actor.person)
        .bind(&message)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor.org,
            Some(actor.person),
            if decision.approve {
                "approval.approve"
            } else {
                "approval.reject"
            },
            Some(format!("approval:{id}")),
            serde_json::json!({ "person": person, "message": message }),
        )
        .await?;
        let row: RequestRow = sqlx::query_as(&format!("{REQUEST_SQL} AND r.id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        request(row)
    }
}
