//! Balance between quick wins and deeper study.
//!
//! Micro-goals are fast, and that is their pitfall: a month of unrelated
//! quick wins builds no deeper competence. A person declares long-term
//! **arcs** ("data analysis"), and each goal either belongs to an arc or is
//! marked standalone. The balance splits practice time between arcs (deeper
//! study) and standalone goals (quick wins), and warns when the period was all
//! quick wins.
//!
//! ```
//! use mm_core::balance::{ArcId, Membership};
//! let m: Membership = "standalone".parse().unwrap();
//! assert_eq!(m, Membership::Standalone);
//! ```

use crate::error::{Error, Result};
use crate::ids::GoalId;
use crate::model::Session;
use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// A long-term arc's identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ArcId(pub i64);

impl fmt::Display for ArcId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A deeper competence built over many goals, such as "data analysis".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LearningArc {
    pub id: ArcId,
    pub name: String,
    pub description: Option<String>,
}

/// Check a new arc's name.
///
/// # Errors
/// [`Error::Invalid`] for a blank name or one already declared (case-insensitive).
pub fn validate_arc_name(name: &str, existing: &[LearningArc]) -> Result<()> {
    let n = name.trim();
    if n.is_empty() {
        return Err(Error::invalid(
            "the arc needs a name, such as \"data analysis\"",
        ));
    }
    crate::validate::name("arc name", n)?;
    if existing.iter().any(|a| a.name.eq_ignore_ascii_case(n)) {
        return Err(Error::invalid(format!("an arc named {n:?} already exists")));
    }
    Ok(())
}

/// Where a goal belongs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "arc", rename_all = "snake_case")]
pub enum Membership {
    /// Part of a long-term arc: deeper study.
    Arc(ArcId),
    /// A quick win on its own.
    Standalone,
}

impl std::str::FromStr for Membership {
    type Err = Error;
    fn from_str(s: &str) -> Result<Membership> {
        let t = s.trim().to_ascii_lowercase();
        if t == "standalone" || t == "none" {
            return Ok(Membership::Standalone);
        }
        t.trim_start_matches('#')
            .parse::<i64>()
            .map(|n| Membership::Arc(ArcId(n)))
            .map_err(|_| Error::invalid(format!("{s:?} is neither an arc id nor \"standalone\"")))
    }
}

/// Minutes on one arc.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArcMinutes {
    pub arc: ArcId,
    pub name: String,
    pub minutes: u32,
}

/// The split of practice time over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Balance {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Minutes per arc, every declared arc listed.
    pub arcs: Vec<ArcMinutes>,
    /// Minutes on goals in an arc.
    pub deeper: u32,
    /// Minutes on standalone goals.
    pub quick_wins: u32,
    /// Minutes on goals not yet assigned either way.
    pub unassigned: u32,
    pub total: u32,
    /// Share of minutes (0–1) on deeper study.
    pub deeper_share: f64,
    /// The warning, when there is one.
    pub warning: Option<String>,
}

/// Below this share of deeper study the balance gives a gentle note.
pub const LOW_DEEPER_SHARE: f64 = 0.25;

/// Split the minutes of the sessions whose local date (in `tz`) falls in
/// `from..=to`.
pub fn balance(
    arcs: &[LearningArc],
    membership: &HashMap<GoalId, Membership>,
    sessions: &[Session],
    from: NaiveDate,
    to: NaiveDate,
    tz: Tz,
) -> Balance {
    let mut per_arc: BTreeMap<ArcId, u32> = arcs.iter().map(|a| (a.id, 0)).collect();
    let (mut deeper, mut quick, mut unassigned) = (0u32, 0u32, 0u32);
    for s in sessions {
        let day = s.started_at.with_timezone(&tz).date_naive();
        if day < from || day > to {
            continue;
        }
        match membership.get(&s.goal_id) {
            Some(Membership::Arc(a)) => {
                deeper += s.focused_minutes;
                *per_arc.entry(*a).or_default() += s.focused_minutes;
            }
            Some(Membership::Standalone) => quick += s.focused_minutes,
            None => unassigned += s.focused_minutes,
        }
    }
    let total = deeper + quick + unassigned;
    let deeper_share = if total == 0 {
        0.0
    } else {
        f64::from(deeper) / f64::from(total)
    };
    let warning = if total == 0 {
        None
    } else if deeper == 0 {
        // Each face adds how to link a goal to an arc in its own words.
        Some(format!(
            "all {total} minutes from {from} to {to} went to quick wins, none to deeper study"
        ))
    } else if deeper_share < LOW_DEEPER_SHARE {
        Some(format!(
            "only {:.0}% of practice from {from} to {to} built toward a long-term arc",
            deeper_share * 100.0
        ))
    } else {
        None
    };
    let names: HashMap<ArcId, &str> = arcs.iter().map(|a| (a.id, a.name.as_str())).collect();
    Balance {
        from,
        to,
        arcs: per_arc
            .into_iter()
            .map(|(arc, minutes)| ArcMinutes {
                arc,
                name: names
                    .get(&arc)
                    .map_or_else(|| format!("arc {arc}"), |n| n.to_string()),
                minutes,
            })
            .collect(),
        deeper,
        quick_wins: quick,
        unassigned,
        total,
        deeper_share,
        warning,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::*;
    use chrono::{Duration, TimeZone, Utc};

    fn s(goal: i64, day: u32, minutes: u32) -> Session {
        let at = Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0).unwrap();
        Session {
            id: SessionId(i64::from(day)),
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

    fn arcs() -> Vec<LearningArc> {
        vec![LearningArc {
            id: ArcId(1),
            name: "data analysis".into(),
            description: None,
        }]
    }

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    #[test]
    fn table() {
        let m: HashMap<GoalId, Membership> = [
            (GoalId(1), Membership::Arc(ArcId(1))),
            (GoalId(2), Membership::Standalone),
        ]
        .into();
        // (sessions, deeper, quick, unassigned, warning contains)
        type Case = (Vec<Session>, u32, u32, u32, Option<&'static str>);
        let table: Vec<Case> = vec![
            (vec![], 0, 0, 0, None),
            (vec![s(1, 3, 40), s(2, 4, 30)], 40, 30, 0, None),
            (
                vec![s(2, 3, 40), s(2, 10, 30)],
                0,
                70,
                0,
                Some("all 70 minutes"),
            ),
            (vec![s(3, 3, 40)], 0, 0, 40, Some("none to deeper study")),
            (
                vec![s(1, 3, 20), s(2, 4, 100)],
                20,
                100,
                0,
                Some("only 17%"),
            ),
            // Outside the period: not counted.
            (
                vec![s(1, 28, 40), s(2, 4, 30)],
                0,
                30,
                0,
                Some("quick wins"),
            ),
        ];
        for (i, (sessions, deeper, quick, un, warn)) in table.into_iter().enumerate() {
            let b = balance(&arcs(), &m, &sessions, d(1), d(25), chrono_tz::UTC);
            assert_eq!(
                (b.deeper, b.quick_wins, b.unassigned),
                (deeper, quick, un),
                "case {i}"
            );
            match warn {
                Some(w) => assert!(
                    b.warning.as_deref().unwrap_or("").contains(w),
                    "case {i}: {:?}",
                    b.warning
                ),
                None => assert_eq!(b.warning, None, "case {i}"),
            }
        }
    }

    #[test]
    fn warning_names_what_is_missing() {
        let m: HashMap<GoalId, Membership> = [(GoalId(2), Membership::Standalone)].into();
        let b = balance(&arcs(), &m, &[s(2, 3, 30)], d(1), d(30), chrono_tz::UTC);
        assert!(b.warning.unwrap().contains("none to deeper study"));
        assert_eq!((b.deeper, b.arcs[0].arc), (0, ArcId(1)));
        let b = balance(&[], &m, &[s(2, 3, 30)], d(1), d(30), chrono_tz::UTC);
        assert!(b.warning.unwrap().contains("none to deeper study"));
        assert_eq!(b.arcs.len(), 0);
    }

    #[test]
    fn membership_and_names() {
        assert_eq!(
            "standalone".parse::<Membership>().unwrap(),
            Membership::Standalone
        );
        assert_eq!(
            "#3".parse::<Membership>().unwrap(),
            Membership::Arc(ArcId(3))
        );
        assert!("deep".parse::<Membership>().is_err());
        assert!(validate_arc_name("  ", &[]).is_err());
        assert!(validate_arc_name("Data Analysis", &arcs()).is_err());
        assert!(validate_arc_name("writing", &arcs()).is_ok());
    }
}
