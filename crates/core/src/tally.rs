//! What a goal's sessions add up to: the numbers pace and the mastery rule
//! need, without the sessions themselves.
//!
//! [`SessionTally::of`] adds them up in memory; the store computes the same
//! sums in the database (one `GROUP BY` for every goal), so the status of
//! many goals never has to load their sessions. Both give the same tally for
//! the same sessions: the store's tests hold them equal.

use crate::ids::GoalId;
use crate::model::{Session, Week, local_date};
use chrono::FixedOffset;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A goal's sessions, added up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionTally {
    /// How many sessions.
    pub sessions: u32,
    /// Their focused minutes.
    pub minutes: u32,
    /// On how many different local days they started.
    pub days: u32,
    /// Focused minutes of the sessions that started in `week`.
    pub week_minutes: u32,
}

impl SessionTally {
    /// Add up the sessions of `goal` among `sessions`: days are the local
    /// dates at `offset`, and `week_minutes` counts the ISO week `week`.
    pub fn of(goal: GoalId, sessions: &[Session], offset: FixedOffset, week: Week) -> Self {
        let mut days = BTreeSet::new();
        let mut t = SessionTally::default();
        for s in sessions.iter().filter(|s| s.goal_id == goal) {
            let day = local_date(s.started_at, offset);
            t.sessions += 1;
            t.minutes += s.focused_minutes;
            if Week::of(day) == week {
                t.week_minutes += s.focused_minutes;
            }
            days.insert(day);
        }
        t.days = days.len() as u32;
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::SessionId;
    use chrono::{Duration, NaiveDate, TimeZone, Utc};

    fn s(goal: i64, y: i32, m: u32, d: u32, h: u32, minutes: u32) -> Session {
        let at = Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap();
        Session {
            id: SessionId(0),
            goal_id: GoalId(goal),
            started_at: at,
            ended_at: at + Duration::minutes(i64::from(minutes)),
            focused_minutes: minutes,
            interruptions: 0,
            aim: "x".into(),
            reps: 0,
            errors: 0,
            difficulty: None,
            feedback: None,
            notes: None,
        }
    }

    #[test]
    fn days_and_weeks_are_the_persons() {
        // Sunday 2026-11-29 23:00 UTC is Monday 30 November in Paris (+01:00):
        // a new day and a new ISO week there, not in UTC.
        let sessions = [
            s(1, 2026, 11, 29, 10, 20),
            s(1, 2026, 11, 29, 23, 30),
            s(2, 2026, 11, 30, 9, 99),
        ];
        let week = Week::of(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        let utc = FixedOffset::east_opt(0).unwrap();
        let paris = FixedOffset::east_opt(3600).unwrap();
        assert_eq!(
            SessionTally::of(GoalId(1), &sessions, utc, week),
            SessionTally {
                sessions: 2,
                minutes: 50,
                days: 1,
                week_minutes: 0
            }
        );
        assert_eq!(
            SessionTally::of(GoalId(1), &sessions, paris, week),
            SessionTally {
                sessions: 2,
                minutes: 50,
                days: 2,
                week_minutes: 30
            }
        );
    }
}
