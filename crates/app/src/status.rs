//! The status view: where each open goal stands.

use crate::{App, Error, Result};
use chrono::NaiveDate;
use mm_core::mastery::{MasteryReport, Tallied, weigh};
use mm_core::pace::{Pace, pace_of};
use mm_core::{Goal, GoalId, GoalState, MicroSkill, MicroSkillId, Week};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// One open goal: time to the deadline, this week against the budget, pace,
/// and the mastery conditions with what is missing.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GoalStatus {
    pub goal: GoalId,
    pub micro_skill: String,
    pub state: GoalState,
    pub start: NaiveDate,
    pub deadline: NaiveDate,
    /// Share of the time from start to deadline that has passed.
    pub time_elapsed: f64,
    pub pace: Pace,
    pub mastery: MasteryReport,
}

/// A closed goal: achieved or abandoned, and when.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClosedGoal {
    pub goal: GoalId,
    pub micro_skill: String,
    pub state: GoalState,
    /// The day it closed, in the person's zone.
    pub closed_on: Option<NaiveDate>,
}

/// Every open goal, and how many are closed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Status {
    pub today: NaiveDate,
    pub open: Vec<GoalStatus>,
    pub achieved: usize,
    pub abandoned: usize,
    /// The closed goals, most recently closed first.
    pub closed: Vec<ClosedGoal>,
}

/// Where each open goal stands today.
///
/// Sessions and applications are counted by the database (one query for
/// every goal), never loaded: the status of 50 goals and 20,000 sessions
/// reads a few hundred rows. With a memo ([`App::with_memo`]) the view is
/// computed once per journal revision, day and offset.
///
/// # Errors
/// When the journal cannot be read.
pub async fn status(app: &App) -> Result<Status> {
    let Some(memo) = app.memo() else {
        return compute(app).await;
    };
    let p = app.person();
    let (today, offset) = (p.today(), p.offset.local_minus_utc());
    // Read now, not when the request began: it may have written since.
    let revision = app.store().revision().await?;
    if let Some(kept) = memo.status(revision, today, offset) {
        return Ok((*kept).clone());
    }
    let status = compute(app).await?;
    memo.keep_status(revision, today, offset, Arc::new(status.clone()));
    Ok(status)
}

async fn compute(app: &App) -> Result<Status> {
    let p = app.person();
    let store = app.store();
    let goals = store.list_goals().await?;
    let today = p.today();
    let mut open = Vec::new();
    let micros: HashMap<MicroSkillId, MicroSkill> = if goals.is_empty() {
        HashMap::new()
    } else {
        store
            .list_micro_skills(None)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect()
    };
    let micro_of = |g: &Goal| {
        micros
            .get(&g.micro_skill_id)
            .ok_or_else(|| Error::internal(format!("goal {} names a missing micro-skill", g.id)))
    };
    if goals.iter().any(|g| !g.state.is_closed()) {
        let tallies = store.session_tallies(p.offset, Week::of(today)).await?;
        let mut applications = store.application_counts().await?;
        // Goals that count only approved applications count them one by
        // one, and say how many wait.
        let mut waiting = HashMap::new();
        for goal in app.approvals().goals() {
            if goals.iter().any(|g| g.id == goal && !g.state.is_closed()) {
                let all = store.list_applications(Some(goal)).await?;
                let n = all.iter().filter(|a| app.approvals().counts(a)).count();
                applications.insert(goal, n);
                waiting.insert(goal, all.len() - n);
            }
        }
        let reflections = store.list_reflections().await?;
        for goal in goals.iter().filter(|g| !g.state.is_closed()) {
            let micro = micro_of(goal)?;
            let tally = tallies.get(&goal.id).copied().unwrap_or_default();
            let pc = pace_of(goal, &tally, today);
            let mut mastery = weigh(
                &p.rule,
                Tallied {
                    goal,
                    micro_skill: micro,
                    applications: applications.get(&goal.id).copied().unwrap_or(0),
                    reflections: &reflections,
                    sessions: tally,
                },
            );
            if let Some(n) = waiting.get(&goal.id) {
                crate::approvals::explain_waiting(&mut mastery, *n);
            }
            open.push(GoalStatus {
                goal: goal.id,
                micro_skill: micro.name.clone(),
                state: goal.state_on(today),
                start: goal.start,
                deadline: goal.deadline,
                time_elapsed: pc.days_elapsed as f64 / pc.days_total.max(1) as f64,
                mastery,
                pace: pc,
            });
        }
    }
    let count = |s: GoalState| goals.iter().filter(|g| g.state == s).count();
    let mut closed: Vec<ClosedGoal> = Vec::new();
    for g in goals.iter().filter(|g| g.state.is_closed()) {
        closed.push(ClosedGoal {
            goal: g.id,
            micro_skill: micros
                .get(&g.micro_skill_id)
                .map(|m| m.name.clone())
                .unwrap_or_default(),
            state: g.state,
            closed_on: g.closed_at.map(|t| p.date_of(t)),
        });
    }
    closed.sort_by_key(|c| std::cmp::Reverse(c.closed_on));
    Ok(Status {
        closed,
        today,
        achieved: count(GoalState::Achieved),
        abandoned: count(GoalState::Abandoned),
        open,
    })
}
