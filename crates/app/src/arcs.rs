//! Long-term arcs: the deeper competences micro-goals build toward, and
//! which goals belong to each (or stand alone as quick wins).

use crate::{App, Result};
use mm_core::GoalId;
use mm_core::balance::{LearningArc, Membership};
use serde::Serialize;

/// Every arc and each goal's membership.
#[derive(Debug, Clone, Serialize)]
pub struct Arcs {
    pub arcs: Vec<LearningArc>,
    /// Goals by id, in id order.
    pub goals: Vec<(GoalId, Membership)>,
}

impl Arcs {
    /// The goals in arc `id`, or standalone with `None`.
    pub fn goals_in(&self, m: Membership) -> Vec<GoalId> {
        self.goals
            .iter()
            .filter(|(_, x)| *x == m)
            .map(|(g, _)| *g)
            .collect()
    }
}

/// Declare an arc.
///
/// # Errors
/// Invalid for a blank or duplicate name.
pub async fn add(app: &App, name: &str, description: Option<&str>) -> Result<LearningArc> {
    Ok(app
        .store()
        .add_arc(name, description, app.person().now)
        .await?)
}

/// The arcs and memberships.
///
/// # Errors
/// When the journal cannot be read.
pub async fn list(app: &App) -> Result<Arcs> {
    let store = app.store();
    let mut goals: Vec<(GoalId, Membership)> =
        store.goal_memberships().await?.into_iter().collect();
    goals.sort_by_key(|(g, _)| *g);
    Ok(Arcs {
        arcs: store.list_arcs().await?,
        goals,
    })
}

/// Put a goal in an arc (by id or name), or mark it standalone with `None`.
///
/// # Errors
/// Not found for an unknown goal or arc.
pub async fn assign(app: &App, goal: GoalId, arc: Option<&str>) -> Result<Membership> {
    let store = app.store();
    let m = match arc {
        None => Membership::Standalone,
        Some(a) => Membership::Arc(store.find_arc(a).await?.id),
    };
    store.set_goal_arc(goal, m).await?;
    Ok(m)
}
