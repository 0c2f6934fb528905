//! The status view: where each open goal stands.

use crate::{App, Result};
use chrono::NaiveDate;
use mm_core::mastery::MasteryReport;
use mm_core::pace::{Pace, pace};
use mm_core::{GoalId, GoalState};
use serde::Serialize;

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

/// Every open goal, and how many are closed.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Status {
    pub today: NaiveDate,
    pub open: Vec<GoalStatus>,
    pub achieved: usize,
    pub abandoned: usize,
}

/// Where each open goal stands today.
///
/// # Errors
/// When the journal cannot be read.
pub async fn status(app: &App) -> Result<Status> {
    let p = app.person();
    let store = app.store();
    let goals = store.list_goals().await?;
    let today = p.today();
    let mut open = Vec::new();
    for goal in goals.iter().filter(|g| !g.state.is_closed()) {
        let ev = store.goal_evidence(goal.id).await?;
        let pc = pace(goal, &ev.sessions, today, p.offset);
        open.push(GoalStatus {
            goal: goal.id,
            micro_skill: ev.micro_skill.name.clone(),
            state: goal.state_on(today),
            start: goal.start,
            deadline: goal.deadline,
            time_elapsed: pc.days_elapsed as f64 / pc.days_total.max(1) as f64,
            mastery: ev.check(&p.rule, p.offset),
            pace: pc,
        });
    }
    let count = |s: GoalState| goals.iter().filter(|g| g.state == s).count();
    Ok(Status {
        today,
        achieved: count(GoalState::Achieved),
        abandoned: count(GoalState::Abandoned),
        open,
    })
}
