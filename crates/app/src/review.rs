//! The review: a look back over a period — practice per day, applications,
//! reflections, goals achieved — with the charts' data.

use crate::{App, Result};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use mm_core::{Application, GoalId, GoalState, Reflection, Session};
use serde::Serialize;

/// Practice on one day.
#[derive(Debug, Clone, Serialize)]
pub struct Day {
    pub date: NaiveDate,
    pub minutes: u32,
    pub sessions: u32,
}

/// The period looked back on.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub minutes: u32,
    pub sessions: usize,
    pub days: Vec<Day>,
    pub applications: Vec<Application>,
    pub reflections: Vec<Reflection>,
    pub achieved: Vec<GoalId>,
    pub errors_per_rep: Option<f64>,
    #[serde(flatten)]
    pub insight: crate::charts::Insight,
}

/// Review the `days` days ending today.
///
/// # Errors
/// Invalid for a period that reaches before the dates we keep.
pub async fn review(app: &App, days: u32) -> Result<Review> {
    let p = app.person();
    let store = app.store();
    let to = p.today();
    let from = mm_core::parse::lookback(to, days)?;
    let in_range = |at: DateTime<Utc>| {
        let d = p.date_of(at);
        d >= from && d <= to
    };
    let sessions: Vec<Session> = store
        .list_sessions(None)
        .await?
        .into_iter()
        .filter(|s| in_range(s.started_at))
        .collect();
    let mut per_day: Vec<Day> = (0..=(to - from).num_days())
        .map(|i| Day {
            date: from + Duration::days(i),
            minutes: 0,
            sessions: 0,
        })
        .collect();
    for s in &sessions {
        let i = (p.date_of(s.started_at) - from).num_days() as usize;
        per_day[i].minutes += s.focused_minutes;
        per_day[i].sessions += 1;
    }
    let reps: u32 = sessions.iter().map(|s| s.reps).sum();
    let errors: u32 = sessions.iter().map(|s| s.errors).sum();
    Ok(Review {
        from,
        to,
        minutes: sessions.iter().map(|s| s.focused_minutes).sum(),
        sessions: sessions.len(),
        applications: store
            .list_applications(None)
            .await?
            .into_iter()
            .filter(|x| in_range(x.at))
            .collect(),
        reflections: store
            .list_reflections()
            .await?
            .into_iter()
            .filter(|x| in_range(x.at))
            .collect(),
        achieved: store
            .list_goals()
            .await?
            .into_iter()
            .filter(|g| g.state == GoalState::Achieved && g.closed_at.is_some_and(in_range))
            .map(|g| g.id)
            .collect(),
        errors_per_rep: (reps > 0).then(|| f64::from(errors) / f64::from(reps)),
        days: per_day,
        insight: crate::charts::insight(app, from, to).await?,
    })
}
