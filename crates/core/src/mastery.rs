//! The mastery rule: the guard against shallow, practice-free "mastery".
//!
//! A goal is achieved only when every done-when criterion is ticked, the skill
//! has been applied for real at least once, every underlying principle has been
//! reflected on, and enough deliberate practice stands behind it. When the rule
//! refuses, [`MasteryReport::unmet`] says what is missing in plain words.

use crate::model::{Application, Goal, MicroSkill, Reflection, Session, Week};
use crate::tally::SessionTally;
use chrono::FixedOffset;
use serde::{Deserialize, Serialize};

/// How much deliberate practice the rule asks for. Configurable, never bypassed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct MasteryRule {
    /// At least this many sessions.
    pub min_sessions: u32,
    /// On at least this many different days.
    pub min_days: u32,
    /// At least this share (0–1) of the goal's planned minutes.
    pub min_minutes_share: f64,
}

impl Default for MasteryRule {
    fn default() -> Self {
        MasteryRule {
            min_sessions: 3,
            min_days: 3,
            min_minutes_share: 0.6,
        }
    }
}

impl MasteryRule {
    /// Check the rule's own numbers: each minimum is at least one and the
    /// minutes share lies in (0, 1] (see [`crate::validate::mastery_rule`]).
    ///
    /// # Errors
    /// [`crate::Error::Invalid`] naming the number at fault.
    pub fn validate(&self) -> crate::Result<()> {
        crate::validate::mastery_rule(self)
    }
}

/// Which condition of the rule a line speaks of.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionKind {
    Criteria,
    Application,
    Principles,
    Sessions,
    Days,
    Minutes,
}

/// One condition of the rule, met or not, with the numbers behind it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Condition {
    pub kind: ConditionKind,
    pub met: bool,
    /// A plain sentence: what holds, or what is missing (with no command
    /// hint: each face says how to record what is missing in its own words).
    pub detail: String,
}

/// The rule's verdict on one goal.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MasteryReport {
    pub conditions: Vec<Condition>,
    pub sessions: u32,
    pub days: u32,
    pub minutes: u32,
    pub minutes_required: u32,
}

impl MasteryReport {
    /// Whether every condition is met.
    pub fn achieved(&self) -> bool {
        self.conditions.iter().all(|c| c.met)
    }
    /// The conditions still missing.
    pub fn unmet(&self) -> impl Iterator<Item = &Condition> {
        self.conditions.iter().filter(|c| !c.met)
    }
    /// The condition of a kind.
    pub fn condition(&self, kind: ConditionKind) -> Option<&Condition> {
        self.conditions.iter().find(|c| c.kind == kind)
    }
}

/// The evidence the rule weighs for one goal.
#[derive(Debug, Clone, Copy)]
pub struct GoalRecord<'a> {
    pub goal: &'a Goal,
    pub micro_skill: &'a MicroSkill,
    /// Sessions of this goal.
    pub sessions: &'a [Session],
    /// Applications of this goal.
    pub applications: &'a [Application],
    /// Reflections that may speak of its principles (all of the person's).
    pub reflections: &'a [Reflection],
}

/// Weigh the evidence against the rule. `offset` decides which calendar day
/// a session falls on.
pub fn check(rule: &MasteryRule, ev: GoalRecord<'_>, offset: FixedOffset) -> MasteryReport {
    let applications = ev
        .applications
        .iter()
        .filter(|a| a.goal_id == ev.goal.id)
        .count();
    // The week is irrelevant to the rule; any will do.
    let tally = SessionTally::of(
        ev.goal.id,
        ev.sessions,
        offset,
        Week {
            year: 1970,
            week: 1,
        },
    );
    weigh(
        rule,
        Tallied {
            goal: ev.goal,
            micro_skill: ev.micro_skill,
            applications,
            reflections: ev.reflections,
            sessions: tally,
        },
    )
}

/// The evidence the rule weighs, with the sessions and applications counted
/// (by [`SessionTally::of`] or by the database).
#[derive(Debug, Clone, Copy)]
pub struct Tallied<'a> {
    pub goal: &'a Goal,
    pub micro_skill: &'a MicroSkill,
    /// How many applications of this goal.
    pub applications: usize,
    /// Reflections that may speak of its principles (all of the person's).
    pub reflections: &'a [Reflection],
    /// This goal's sessions, added up.
    pub sessions: SessionTally,
}

/// Weigh counted evidence against the rule: the one implementation behind
/// [`check`] and the status of many goals at once.
pub fn weigh(rule: &MasteryRule, ev: Tallied<'_>) -> MasteryReport {
    let mut conditions = Vec::with_capacity(6);
    let goal = ev.goal;

    let open: Vec<&str> = goal
        .criteria
        .iter()
        .filter(|c| c.met_at.is_none())
        .map(|c| c.text.as_str())
        .collect();
    let total = goal.criteria.len();
    conditions.push(Condition {
        kind: ConditionKind::Criteria,
        met: open.is_empty() && total > 0,
        detail: if open.is_empty() {
            format!("all {total} done-when criteria are ticked")
        } else {
            format!(
                "{} of {total} done-when criteria not yet ticked: {}",
                open.len(),
                quote_list(&open)
            )
        },
    });

    let apps = ev.applications;
    conditions.push(Condition {
        kind: ConditionKind::Application,
        met: apps > 0,
        detail: if apps > 0 {
            format!("applied for real {apps} time{}", plural(apps))
        } else {
            "no real application yet".into()
        },
    });

    let unreflected: Vec<&str> = ev
        .micro_skill
        .principles
        .iter()
        .filter(|p| !ev.reflections.iter().any(|r| r.covers(p)))
        .map(|p| p.name.as_str())
        .collect();
    let np = ev.micro_skill.principles.len();
    conditions.push(Condition {
        kind: ConditionKind::Principles,
        met: unreflected.is_empty(),
        detail: if unreflected.is_empty() {
            format!("all {np} principle{} reflected on", plural(np))
        } else {
            format!("not yet reflected on: {}", quote_list(&unreflected))
        },
    });

    let n = ev.sessions.sessions;
    conditions.push(Condition {
        kind: ConditionKind::Sessions,
        met: n >= rule.min_sessions,
        detail: if n >= rule.min_sessions {
            format!(
                "{n} practice sessions (at least {} needed)",
                rule.min_sessions
            )
        } else {
            format!(
                "{n} practice session{} logged, {} needed",
                plural(n as usize),
                rule.min_sessions
            )
        },
    });

    let d = ev.sessions.days;
    conditions.push(Condition {
        kind: ConditionKind::Days,
        met: d >= rule.min_days,
        detail: if d >= rule.min_days {
            format!(
                "practice spread over {d} days (at least {} needed)",
                rule.min_days
            )
        } else {
            format!(
                "practice on {d} different day{}, {} needed: spacing beats cramming",
                plural(d as usize),
                rule.min_days
            )
        },
    });

    let minutes = ev.sessions.minutes;
    let required = (f64::from(goal.planned_minutes()) * rule.min_minutes_share).ceil() as u32;
    conditions.push(Condition {
        kind: ConditionKind::Minutes,
        met: minutes >= required,
        detail: if minutes >= required {
            format!("{minutes} focused minutes (at least {required} needed)")
        } else {
            format!(
                "{minutes} of {required} focused minutes needed ({:.0}% of the {} planned): {} to go",
                rule.min_minutes_share * 100.0,
                goal.planned_minutes(),
                required - minutes
            )
        },
    });

    MasteryReport {
        conditions,
        sessions: n,
        days: d,
        minutes,
        minutes_required: required,
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn quote_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::*;
    use crate::model::*;
    use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

    fn t(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    fn micro() -> MicroSkill {
        MicroSkill {
            id: MicroSkillId(1),
            skill_id: SkillId(1),
            name: "pivot a 10k-row sheet in 5 minutes".into(),
            principles: vec![
                Principle {
                    id: PrincipleId(1),
                    name: "aggregation".into(),
                    description: None,
                },
                Principle {
                    id: PrincipleId(2),
                    name: "tidy data".into(),
                    description: None,
                },
            ],
            resources: vec![],
            created_at: t(1, 8),
        }
    }

    fn goal(ticked: bool) -> Goal {
        let met = ticked.then(|| t(10, 9));
        Goal {
            id: GoalId(1),
            micro_skill_id: MicroSkillId(1),
            target_level: Level::Competent,
            state: GoalState::Active,
            start: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            deadline: NaiveDate::from_ymd_opt(2026, 11, 14).unwrap(),
            weekly_minutes: 150, // 14 days -> 300 planned, 180 required
            criteria: vec![
                Criterion {
                    id: CriterionId(1),
                    text: "pivot by region".into(),
                    met_at: met,
                },
                Criterion {
                    id: CriterionId(2),
                    text: "under 5 minutes".into(),
                    met_at: met,
                },
            ],
            extensions: vec![],
            created_at: t(1, 8),
            closed_at: None,
            abandon_reason: None,
        }
    }

    fn session(id: i64, start: DateTime<Utc>, minutes: u32) -> Session {
        Session {
            id: SessionId(id),
            goal_id: GoalId(1),
            started_at: start,
            ended_at: start + Duration::minutes(i64::from(minutes)),
            focused_minutes: minutes,
            interruptions: 0,
            aim: "drill".into(),
            reps: 5,
            errors: 1,
            difficulty: Some(3),
            feedback: None,
            notes: None,
        }
    }

    fn application() -> Application {
        Application {
            id: ApplicationId(1),
            goal_id: GoalId(1),
            at: t(9, 10),
            context: "monthly sales report".into(),
            outcome: "report in 4 minutes".into(),
            impact: None,
            evidence: None,
        }
    }

    fn reflection(text: &str, principles: Vec<PrincipleId>) -> Reflection {
        Reflection {
            id: ReflectionId(1),
            target: ReflectionTarget::Goal { id: GoalId(1) },
            at: t(10, 20),
            worked: text.into(),
            didnt: String::new(),
            next: String::new(),
            principles,
        }
    }

    struct Case {
        name: &'static str,
        ticked: bool,
        sessions: Vec<Session>,
        apps: Vec<Application>,
        reflections: Vec<Reflection>,
        unmet: Vec<ConditionKind>,
    }

    fn full_sessions() -> Vec<Session> {
        vec![
            session(1, t(2, 8), 60),
            session(2, t(4, 8), 60),
            session(3, t(6, 8), 60),
        ]
    }

    #[test]
    fn every_branch_of_the_rule() {
        use ConditionKind::*;
        let both = || vec![reflection("aggregation and tidy data", vec![])];
        let cases = vec![
            Case {
                name: "all met",
                ticked: true,
                sessions: full_sessions(),
                apps: vec![application()],
                reflections: both(),
                unmet: vec![],
            },
            Case {
                name: "criteria open",
                ticked: false,
                sessions: full_sessions(),
                apps: vec![application()],
                reflections: both(),
                unmet: vec![Criteria],
            },
            Case {
                name: "no application",
                ticked: true,
                sessions: full_sessions(),
                apps: vec![],
                reflections: both(),
                unmet: vec![Application],
            },
            Case {
                name: "one principle missing",
                ticked: true,
                sessions: full_sessions(),
                apps: vec![application()],
                reflections: vec![reflection("aggregation", vec![])],
                unmet: vec![Principles],
            },
            Case {
                name: "principle tagged explicitly",
                ticked: true,
                sessions: full_sessions(),
                apps: vec![application()],
                reflections: vec![reflection("sums", vec![PrincipleId(1), PrincipleId(2)])],
                unmet: vec![],
            },
            Case {
                name: "too few sessions",
                ticked: true,
                sessions: vec![session(1, t(2, 8), 100), session(2, t(4, 8), 100)],
                apps: vec![application()],
                reflections: both(),
                unmet: vec![Sessions, Days],
            },
            Case {
                name: "same day crammed",
                ticked: true,
                sessions: vec![
                    session(1, t(2, 8), 60),
                    session(2, t(2, 10), 60),
                    session(3, t(2, 12), 60),
                ],
                apps: vec![application()],
                reflections: both(),
                unmet: vec![Days],
            },
            Case {
                name: "too few minutes",
                ticked: true,
                sessions: vec![
                    session(1, t(2, 8), 30),
                    session(2, t(4, 8), 30),
                    session(3, t(6, 8), 30),
                ],
                apps: vec![application()],
                reflections: both(),
                unmet: vec![Minutes],
            },
            Case {
                name: "nothing done",
                ticked: false,
                sessions: vec![],
                apps: vec![],
                reflections: vec![],
                unmet: vec![Criteria, Application, Principles, Sessions, Days, Minutes],
            },
        ];
        for c in cases {
            let g = goal(c.ticked);
            let m = micro();
            let report = check(
                &MasteryRule::default(),
                GoalRecord {
                    goal: &g,
                    micro_skill: &m,
                    sessions: &c.sessions,
                    applications: &c.apps,
                    reflections: &c.reflections,
                },
                FixedOffset::east_opt(0).unwrap(),
            );
            let unmet: Vec<_> = report.unmet().map(|c| c.kind).collect();
            assert_eq!(unmet, c.unmet, "case {}", c.name);
            assert_eq!(report.achieved(), c.unmet.is_empty(), "case {}", c.name);
            for cond in report.unmet() {
                assert!(
                    !cond.detail.is_empty(),
                    "case {}: unmet condition explains itself",
                    c.name
                );
            }
        }
    }

    #[test]
    fn refusal_names_what_is_missing() {
        let g = goal(false);
        let m = micro();
        let r = check(
            &MasteryRule::default(),
            GoalRecord {
                goal: &g,
                micro_skill: &m,
                sessions: &[],
                applications: &[],
                reflections: &[],
            },
            FixedOffset::east_opt(0).unwrap(),
        );
        let crit = r.condition(ConditionKind::Criteria).unwrap();
        assert!(
            crit.detail.contains("\"pivot by region\""),
            "{}",
            crit.detail
        );
        let p = r.condition(ConditionKind::Principles).unwrap();
        assert!(p.detail.contains("\"aggregation\"") && p.detail.contains("\"tidy data\""));
        let mins = r.condition(ConditionKind::Minutes).unwrap();
        assert!(mins.detail.contains("0 of 180"), "{}", mins.detail);
    }

    #[test]
    fn days_follow_the_persons_offset() {
        // 23:30 UTC and 00:30 UTC the next day are the same day in UTC-2.
        let g = goal(true);
        let m = micro();
        let s = vec![
            session(1, Utc.with_ymd_and_hms(2026, 11, 2, 23, 30, 0).unwrap(), 60),
            session(2, Utc.with_ymd_and_hms(2026, 11, 3, 0, 30, 0).unwrap(), 60),
        ];
        let ev = GoalRecord {
            goal: &g,
            micro_skill: &m,
            sessions: &s,
            applications: &[],
            reflections: &[],
        };
        assert_eq!(
            check(
                &MasteryRule::default(),
                ev,
                FixedOffset::east_opt(0).unwrap()
            )
            .days,
            2
        );
        assert_eq!(
            check(
                &MasteryRule::default(),
                ev,
                FixedOffset::west_opt(2 * 3600).unwrap()
            )
            .days,
            1
        );
    }

    #[test]
    fn the_rule_is_configurable() {
        let g = goal(true);
        let m = micro();
        let s = vec![session(1, t(2, 8), 200)];
        let a = vec![application()];
        let r = vec![reflection("aggregation, tidy data", vec![])];
        let lenient = MasteryRule {
            min_sessions: 1,
            min_days: 1,
            min_minutes_share: 0.5,
        };
        let ev = GoalRecord {
            goal: &g,
            micro_skill: &m,
            sessions: &s,
            applications: &a,
            reflections: &r,
        };
        assert!(check(&lenient, ev, FixedOffset::east_opt(0).unwrap()).achieved());
        assert!(
            !check(
                &MasteryRule::default(),
                ev,
                FixedOffset::east_opt(0).unwrap()
            )
            .achieved()
        );
        assert!(
            MasteryRule {
                min_minutes_share: 1.5,
                ..lenient
            }
            .validate()
            .is_err()
        );
    }

    #[test]
    fn extension_does_not_raise_the_bar() {
        let mut g = goal(true);
        let before = g.planned_minutes();
        g.extensions.push(Extension {
            at: t(12, 9),
            old_deadline: g.deadline,
            new_deadline: g.deadline + Duration::days(14),
            reason: "flu".into(),
        });
        g.deadline += Duration::days(14);
        assert_eq!(g.planned_minutes(), before);
        assert_eq!(before, 300);
    }
}
