//! Honest weekly streaks: a week counts when the practice budget of the goals
//! active in it was met. One missed week in any four is forgiven and shown as
//! such; a second miss inside four weeks ends the streak, and the end is
//! reported (when, and how long the streak had been), never reset silently.
//! Weeks without an active goal are rest weeks: they neither count nor break.
//!
//! ```
//! use mm_core::streak::{streak, WeekRecord};
//! use mm_core::Week;
//!
//! let w = |n| Week { year: 2026, week: n };
//! let rec = |n, minutes| WeekRecord { week: w(n), minutes, budget: 120 };
//! let s = streak(&[rec(40, 130), rec(41, 20), rec(42, 125), rec(43, 0)], w(43));
//! assert_eq!(s.weeks, 3); // W40 met, W41 forgiven, W42 met; W43 is still running
//! assert_eq!(s.forgiven, vec![w(41)]);
//! ```

use crate::model::{Goal, GoalState, Session, Week};
use chrono::{Datelike, Duration, NaiveDate};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

/// Minutes practised in one week against the budget of the goals active in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekRecord {
    pub week: Week,
    pub minutes: u32,
    pub budget: u32,
}

/// How a week stands in the streak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WeekMark {
    /// Budget met.
    Met,
    /// Budget missed, forgiven: the only miss in four weeks.
    Forgiven,
    /// Budget missed and not forgiven.
    Missed,
    /// No active goal: nothing asked.
    Rest,
    /// The current week, budget not met yet.
    InProgress,
}

/// The end of an earlier streak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Break {
    /// The week whose miss ended it.
    pub week: Week,
    /// How many weeks the streak had lasted.
    pub lasted: u32,
}

/// The streak as of the current week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Streak {
    /// Weeks in the current streak, forgiven ones included.
    pub weeks: u32,
    /// Forgiven weeks inside the current streak.
    pub forgiven: Vec<Week>,
    /// A forgiven miss lies in the last four weeks: missing this week's budget ends the streak.
    pub at_risk: bool,
    /// The longest streak so far.
    pub longest: u32,
    /// The most recent end of a streak.
    pub last_break: Option<Break>,
    /// Every week with its mark, oldest first.
    pub marks: Vec<(WeekRecord, WeekMark)>,
}

impl Streak {
    /// One line a person reads.
    pub fn summary(&self) -> String {
        let mut s = format!("{}-week streak", self.weeks);
        if !self.forgiven.is_empty() {
            let names: Vec<String> = self.forgiven.iter().map(ToString::to_string).collect();
            s.push_str(&format!(" ({} forgiven)", names.join(", ")));
        }
        if self.at_risk {
            s.push_str("; missing this week's budget would end it");
        }
        if let Some(b) = self.last_break {
            s.push_str(&format!(
                "; the streak before ended in {} after {} week{} (a second missed week within four)",
                b.week,
                b.lasted,
                if b.lasted == 1 { "" } else { "s" }
            ));
        }
        s
    }
}

/// Mark every week and measure the streak. `records` are consecutive weeks,
/// oldest first, ending with `current` (the week still running).
pub fn streak(records: &[WeekRecord], current: Week) -> Streak {
    let mut marks = Vec::with_capacity(records.len());
    let (mut run, mut longest) = (0u32, 0u32);
    let mut forgiven: Vec<(usize, Week)> = Vec::new();
    let mut last_break = None;
    for (i, r) in records.iter().enumerate() {
        let mark = if r.budget == 0 {
            WeekMark::Rest
        } else if r.minutes >= r.budget {
            run += 1;
            WeekMark::Met
        } else if r.week == current {
            WeekMark::InProgress
        } else if run == 0 {
            WeekMark::Missed
        } else if forgiven.last().is_some_and(|(j, _)| i - j < 4) {
            last_break = Some(Break {
                week: r.week,
                lasted: run,
            });
            run = 0;
            forgiven.clear();
            WeekMark::Missed
        } else {
            run += 1;
            forgiven.push((i, r.week));
            WeekMark::Forgiven
        };
        longest = longest.max(run);
        marks.push((*r, mark));
    }
    let now = records.len().saturating_sub(1);
    Streak {
        weeks: run,
        at_risk: forgiven.last().is_some_and(|(j, _)| now - j < 4),
        forgiven: forgiven.into_iter().map(|(_, w)| w).collect(),
        longest,
        last_break,
        marks,
    }
}

/// The weekly records of a person from the week of `from` to the week of
/// `today`: minutes from all sessions (local days in `tz`) against the
/// weekly budgets of the goals active in each week, pro rata for the days a
/// goal was open.
pub fn weekly_records(
    goals: &[Goal],
    sessions: &[Session],
    from: NaiveDate,
    today: NaiveDate,
    tz: Tz,
) -> Vec<WeekRecord> {
    let mut out = Vec::new();
    let mut monday = Week::of(from).monday();
    while monday <= today {
        let sunday = monday + Duration::days(6);
        let week = Week::of(monday);
        let mut budget = 0f64;
        for g in goals {
            let end = match (g.state, g.closed_at) {
                (GoalState::Achieved | GoalState::Abandoned, Some(at)) => {
                    at.with_timezone(&tz).date_naive().min(g.deadline)
                }
                _ => g.deadline,
            };
            let (a, b) = (g.start.max(monday), end.min(sunday));
            if a <= b {
                let days = (b - a).num_days() + 1;
                budget += f64::from(g.weekly_minutes) * days as f64 / 7.0;
            }
        }
        let minutes = sessions
            .iter()
            .filter(|s| Week::of(s.started_at.with_timezone(&tz).date_naive()) == week)
            .map(|s| s.focused_minutes)
            .sum();
        out.push(WeekRecord {
            week,
            minutes,
            budget: budget.round() as u32,
        });
        monday += Duration::days(7);
        debug_assert_eq!(monday.weekday(), chrono::Weekday::Mon);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(n: u32) -> Week {
        Week {
            year: 2026,
            week: n,
        }
    }

    /// `pattern`: one char per week from W10: M met, x missed, r rest, ending with the current week.
    fn run(pattern: &str) -> Streak {
        let recs: Vec<WeekRecord> = pattern
            .chars()
            .enumerate()
            .map(|(i, c)| WeekRecord {
                week: w(10 + i as u32),
                minutes: if c == 'M' { 100 } else { 10 },
                budget: if c == 'r' { 0 } else { 100 },
            })
            .collect();
        streak(&recs, w(10 + pattern.len() as u32 - 1))
    }

    #[test]
    fn table() {
        // (pattern, streak weeks, forgiven count, at risk, last break lasted)
        let table: &[(&str, u32, usize, bool, Option<u32>)] = &[
            ("MMMM", 4, 0, false, None),
            ("MMMx", 3, 0, false, None), // current week still running
            ("MMxMM", 5, 1, true, None),
            ("MMxM", 4, 1, true, None),
            ("MMxMxM", 1, 0, false, Some(4)), // second miss within four ends it
            ("MxMMMxMM", 8, 2, true, None),   // misses four weeks apart: both forgiven
            ("xxMM", 2, 0, false, None),      // no streak to forgive before the first met week
            ("MMrrMM", 4, 0, false, None),    // rest weeks neither count nor break
            ("MxxMM", 2, 0, false, Some(2)),
            ("", 0, 0, false, None),
        ];
        for &(p, weeks, nf, risk, brk) in table {
            if p.is_empty() {
                let s = streak(&[], w(10));
                assert_eq!((s.weeks, s.longest), (0, 0));
                continue;
            }
            let s = run(p);
            assert_eq!(s.weeks, weeks, "{p}: weeks");
            assert_eq!(s.forgiven.len(), nf, "{p}: forgiven");
            assert_eq!(s.at_risk, risk, "{p}: at risk");
            assert_eq!(s.last_break.map(|b| b.lasted), brk, "{p}: break");
        }
    }

    #[test]
    fn marks_and_summary_say_what_happened() {
        let s = run("MMxMxMM");
        let marks: Vec<WeekMark> = s.marks.iter().map(|(_, m)| *m).collect();
        use WeekMark::*;
        assert_eq!(marks, vec![Met, Met, Forgiven, Met, Missed, Met, Met]);
        assert_eq!(s.longest, 4);
        let text = s.summary();
        assert!(text.contains("2-week streak"), "{text}");
        assert!(text.contains("ended in 2026-W14 after 4 weeks"), "{text}");
        let s = run("MMxMM");
        assert!(
            s.summary().contains("(2026-W12 forgiven)"),
            "{}",
            s.summary()
        );
        assert_eq!(run("MMMx").marks.last().unwrap().1, InProgress);
    }

    #[test]
    fn records_prorate_budgets_and_count_local_days() {
        use crate::ids::*;
        use crate::model::*;
        use chrono::{TimeZone, Utc};
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let goal = Goal {
            id: GoalId(1),
            micro_skill_id: MicroSkillId(1),
            target_level: Level::Competent,
            state: GoalState::Active,
            start: d(11, 12), // a Thursday: 4 days of its first week
            deadline: d(11, 29),
            weekly_minutes: 140,
            criteria: vec![],
            extensions: vec![],
            created_at: Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap(),
            closed_at: None,
            abandon_reason: None,
        };
        // 23:30 UTC on Sunday 15th is Monday 16th in Paris.
        let at = Utc.with_ymd_and_hms(2026, 11, 15, 23, 30, 0).unwrap();
        let s = Session {
            id: SessionId(1),
            goal_id: GoalId(1),
            started_at: at,
            ended_at: at + Duration::minutes(30),
            focused_minutes: 30,
            interruptions: 0,
            aim: "x".into(),
            reps: 0,
            errors: 0,
            difficulty: None,
            feedback: None,
            notes: None,
        };
        let r = weekly_records(
            &[goal],
            &[s],
            d(11, 12),
            d(11, 25),
            chrono_tz::Europe::Paris,
        );
        assert_eq!(r.len(), 3);
        assert_eq!(
            r[0],
            WeekRecord {
                week: w(46),
                minutes: 0,
                budget: 80
            }
        );
        assert_eq!(
            r[1],
            WeekRecord {
                week: w(47),
                minutes: 30,
                budget: 140
            }
        );
    }
}
