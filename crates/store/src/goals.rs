//! Goals: commitment, done-when criteria, extensions, state changes, and the
//! mastery check that alone can mark a goal achieved.

use crate::row::{RowExt, date, parse, ts};
use crate::skills::{insert_micro_skill_on, insert_skill_on};
use crate::{Error, Result, Store};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use mm_core::mastery::{self, MasteryReport, MasteryRule};
use mm_core::*;
use sqlx::any::AnyRow;
use std::collections::HashMap;

/// Everything the mastery rule weighs for one goal, loaded together.
#[derive(Debug, Clone)]
pub struct GoalEvidence {
    pub goal: Goal,
    pub micro_skill: MicroSkill,
    pub sessions: Vec<Session>,
    pub applications: Vec<Application>,
    pub reflections: Vec<Reflection>,
}

impl GoalEvidence {
    /// Weigh the evidence with `rule`.
    pub fn check(&self, rule: &MasteryRule, offset: FixedOffset) -> MasteryReport {
        mastery::check(
            rule,
            mastery::GoalRecord {
                goal: &self.goal,
                micro_skill: &self.micro_skill,
                sessions: &self.sessions,
                applications: &self.applications,
                reflections: &self.reflections,
            },
            offset,
        )
    }
}

/// What [`Store::create_goal_with_skill`] wrote or reused.
#[derive(Debug, Clone)]
pub struct GoalWithSkill {
    pub skill: Skill,
    /// False when an existing skill was reused.
    pub skill_created: bool,
    pub micro_skill: MicroSkill,
    /// False when an existing micro-skill was reused.
    pub micro_created: bool,
    pub goal: Goal,
}

impl Store {
    /// Commit to a new goal with its done-when criteria, in one transaction.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a deadline in the past, a zero budget or no
    /// criteria; [`Error::NotFound`] for an unknown micro-skill.
    pub async fn create_goal(
        &self,
        new: &NewGoal,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<Goal> {
        new.validate(today)?;
        self.get_micro_skill(new.micro_skill_id).await?;
        let mut tx = self.begin_write().await?;
        let id = insert_goal_on(&mut tx, new, now, today).await?;
        tx.commit().await?;
        self.get_goal(id).await
    }

    /// Commit to a goal on a micro-skill drafted from a suggestion: the
    /// skill (reused when one has the same taxonomy URI or name), the
    /// micro-skill (reused by name when `reuse_micro` is set) and the goal,
    /// all validated first and then written in one transaction, so a refused
    /// goal leaves no orphan skill or micro-skill behind. `micro.skill_id`
    /// and `goal.micro_skill_id` are filled in here.
    ///
    /// # Errors
    /// [`Error::Invalid`] for any invalid part; nothing is written then.
    pub async fn create_goal_with_skill(
        &self,
        skill: &NewSkill,
        micro: &NewMicroSkill,
        goal: &NewGoal,
        reuse_micro: bool,
        now: DateTime<Utc>,
        today: NaiveDate,
    ) -> Result<GoalWithSkill> {
        skill.validate()?;
        micro.validate()?;
        goal.validate(today)?;
        let mut tx = self.begin_write().await?;
        let found = sqlx::query(
            "SELECT id FROM skills WHERE ($1 IS NOT NULL AND taxonomy_uri = $1)
                OR lower(name) = lower($2) ORDER BY id LIMIT 1",
        )
        .bind(skill.taxonomy_uri.clone())
        .bind(skill.name.trim().to_owned())
        .fetch_optional(&mut *tx)
        .await?;
        let (skill_id, skill_created) = match found {
            Some(r) => (SkillId(r.int("id")?), false),
            None => (insert_skill_on(&mut tx, skill, now).await?, true),
        };
        let existing = if reuse_micro {
            sqlx::query(
                "SELECT id FROM micro_skills WHERE lower(name) = lower($1) ORDER BY id LIMIT 1",
            )
            .bind(micro.name.trim().to_owned())
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.int("id"))
            .transpose()?
        } else {
            None
        };
        let (micro_id, micro_created) = match existing {
            Some(id) => (MicroSkillId(id), false),
            None => {
                let new = NewMicroSkill {
                    skill_id,
                    ..micro.clone()
                };
                (insert_micro_skill_on(&mut tx, &new, now).await?, true)
            }
        };
        let new_goal = NewGoal {
            micro_skill_id: micro_id,
            ..goal.clone()
        };
        let goal_id = insert_goal_on(&mut tx, &new_goal, now, today).await?;
        tx.commit().await?;
        Ok(GoalWithSkill {
            skill: self.get_skill(skill_id).await?,
            skill_created,
            micro_skill: self.get_micro_skill(micro_id).await?,
            micro_created,
            goal: self.get_goal(goal_id).await?,
        })
    }

    /// One goal with its criteria and extensions.
    ///
    /// # Errors
    /// [`Error::NotFound`] when there is none.
    pub async fn get_goal(&self, id: GoalId) -> Result<Goal> {
        self.load_goals(Some(id))
            .await?
            .pop()
            .ok_or_else(|| Error::NotFound {
                what: "goal",
                key: id.to_string(),
            })
    }

    /// All goals, oldest first.
    pub async fn list_goals(&self) -> Result<Vec<Goal>> {
        self.load_goals(None).await
    }

    async fn load_goals(&self, id: Option<GoalId>) -> Result<Vec<Goal>> {
        let mut conn = self.read().await?;
        load_goals_on(&mut conn, id).await
    }

    /// Tick (or, with `met = false`, untick) the criterion at 1-based `number`.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown goal or criterion number;
    /// [`Error::Invalid`] for a closed goal.
    pub async fn tick_criterion(
        &self,
        goal: GoalId,
        number: usize,
        met: bool,
        now: DateTime<Utc>,
    ) -> Result<Goal> {
        let mut tx = self.begin_write().await?;
        let g = load_goals_on(&mut tx, Some(goal))
            .await?
            .pop()
            .ok_or_else(|| Error::NotFound {
                what: "goal",
                key: goal.to_string(),
            })?;
        ensure_open(&g)?;
        let c = number
            .checked_sub(1)
            .and_then(|i| g.criteria.get(i))
            .ok_or_else(|| Error::NotFound {
                what: "criterion",
                key: format!(
                    "number {number} on goal {goal} (it has {})",
                    g.criteria.len()
                ),
            })?;
        let met_at = met.then_some(now);
        sqlx::query("UPDATE criteria SET met_at = $1 WHERE id = $2")
            .bind(met_at.map(ts))
            .bind(c.id.0)
            .execute(&mut *tx)
            .await?;
        if !met && c.met_at.is_some() {
            // Unticking takes back something recorded: keep it in the history.
            let after = Criterion {
                met_at: None,
                ..c.clone()
            };
            crate::audit::record(
                &mut tx,
                crate::audit::Change {
                    action: mm_core::journal::AuditAction::Edit,
                    record: "criterion",
                    record_id: c.id.to_string(),
                    summary: format!("goal {goal}: criterion {number} unticked ({})", c.text),
                    before: serde_json::to_value(c).ok(),
                    after: serde_json::to_value(&after).ok(),
                    undoes: None,
                },
                now,
            )
            .await?;
        }
        tx.commit().await?;
        self.get_goal(goal).await
    }

    /// Move the deadline, recording the old one and the reason.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a closed goal, an earlier deadline or no reason.
    pub async fn extend_goal(
        &self,
        goal: GoalId,
        new_deadline: NaiveDate,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Goal> {
        let g = self.get_goal(goal).await?;
        g.check_extension(new_deadline, reason)?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO goal_extensions (goal_id, position, at, old_deadline, new_deadline, reason)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(goal.0)
        .bind(g.extensions.len() as i64)
        .bind(ts(now))
        .bind(date(g.deadline))
        .bind(date(new_deadline))
        .bind(reason.trim().to_owned())
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE goals SET deadline = $1 WHERE id = $2")
            .bind(date(new_deadline))
            .bind(goal.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.get_goal(goal).await
    }

    /// Give a goal up, with a reason.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a goal already closed or a blank reason.
    pub async fn abandon_goal(
        &self,
        goal: GoalId,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<Goal> {
        let g = self.get_goal(goal).await?;
        ensure_open(&g)?;
        if reason.trim().is_empty() {
            return Err(Error::Invalid(
                "say why the goal is abandoned (--reason)".into(),
            ));
        }
        let mut conn = self.write().await?;
        sqlx::query("UPDATE goals SET state = 'abandoned', closed_at = $1, abandon_reason = $2 WHERE id = $3")
            .bind(ts(now))
            .bind(reason.trim().to_owned())
            .bind(goal.0)
            .execute(&mut *conn)
            .await?;
        conn.commit().await?;
        self.get_goal(goal).await
    }

    /// Mark planned goals whose start has come as active; returns how many.
    pub async fn activate_due_goals(&self, today: NaiveDate) -> Result<u64> {
        // Look before writing, so read-only use never needs the write lock.
        let due = sqlx::query(
            "SELECT COUNT(*) AS n FROM goals WHERE state = 'planned' AND start_date <= $1",
        )
        .bind(date(today))
        .fetch_one(&mut *self.read().await?)
        .await?
        .int("n")?;
        if due == 0 {
            return Ok(0);
        }
        let mut conn = self.write().await?;
        let done = sqlx::query(
            "UPDATE goals SET state = 'active' WHERE state = 'planned' AND start_date <= $1",
        )
        .bind(date(today))
        .execute(&mut *conn)
        .await?;
        conn.commit().await?;
        Ok(done.rows_affected())
    }

    /// Load what the mastery rule weighs for a goal.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown goal.
    pub async fn goal_evidence(&self, goal: GoalId) -> Result<GoalEvidence> {
        let goal = self.get_goal(goal).await?;
        let micro_skill = self.get_micro_skill(goal.micro_skill_id).await?;
        let sessions = self.list_sessions(Some(goal.id)).await?;
        let applications = self.list_applications(Some(goal.id)).await?;
        let reflections = self.list_reflections().await?;
        Ok(GoalEvidence {
            goal,
            micro_skill,
            sessions,
            applications,
            reflections,
        })
    }

    /// Check a goal against the mastery rule and, only when every condition is
    /// met, mark it achieved. Returns the report either way.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown goal; [`Error::Invalid`] for an
    /// abandoned goal.
    pub async fn try_achieve(
        &self,
        goal: GoalId,
        rule: &MasteryRule,
        offset: FixedOffset,
        now: DateTime<Utc>,
    ) -> Result<(Goal, MasteryReport)> {
        self.try_achieve_with_cards(goal, rule, offset, now, |_, _| Ok(Vec::new()))
            .await
    }

    /// As [`Store::try_achieve`], and when the goal becomes achieved, also
    /// write the refresher cards `cards` makes from the goal and its
    /// micro-skill, in the achievement's transaction (a subject that already
    /// has a card keeps it). Either the goal is achieved with its cards or
    /// nothing changes.
    ///
    /// # Errors
    /// As [`Store::try_achieve`], and whatever `cards` returns.
    pub async fn try_achieve_with_cards(
        &self,
        goal: GoalId,
        rule: &MasteryRule,
        offset: FixedOffset,
        now: DateTime<Utc>,
        cards: impl FnOnce(&Goal, &MicroSkill) -> Result<Vec<mm_core::retention::Card>>,
    ) -> Result<(Goal, MasteryReport)> {
        rule.validate()?;
        let ev = self.goal_evidence(goal).await?;
        if ev.goal.state == GoalState::Abandoned {
            return Err(Error::Invalid(format!("goal {goal} was abandoned")));
        }
        let report = ev.check(rule, offset);
        if report.achieved() && ev.goal.state != GoalState::Achieved {
            let cards = cards(&ev.goal, &ev.micro_skill)?;
            let mut tx = self.begin_write().await?;
            sqlx::query("UPDATE goals SET state = 'achieved', closed_at = $1 WHERE id = $2 AND state IN ('planned', 'active')")
                .bind(ts(now))
                .bind(goal.0)
                .execute(&mut *tx)
                .await?;
            for card in &cards {
                crate::practice::insert_card_if_new_on(&mut tx, card).await?;
            }
            tx.commit().await?;
        }
        Ok((self.get_goal(goal).await?, report))
    }
}

/// Insert a validated goal and its criteria on `conn`.
async fn insert_goal_on(
    conn: &mut sqlx::AnyConnection,
    new: &NewGoal,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<GoalId> {
    let row = sqlx::query(
        "INSERT INTO goals (micro_skill_id, target_level, state, start_date, deadline, weekly_minutes, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(new.micro_skill_id.0)
    .bind(i64::from(new.target_level.number()))
    .bind(new.initial_state(today).as_str())
    .bind(date(new.start))
    .bind(date(new.deadline))
    .bind(i64::from(new.weekly_minutes))
    .bind(ts(now))
    .fetch_one(&mut *conn)
    .await?;
    let id = row.int("id")?;
    for (i, c) in new.criteria.iter().enumerate() {
        sqlx::query("INSERT INTO criteria (goal_id, position, text) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(i as i64)
            .bind(c.trim().to_owned())
            .execute(&mut *conn)
            .await?;
    }
    Ok(GoalId(id))
}

/// Goals with their criteria and extensions, read on one connection (a
/// transaction's, when a change needs them).
pub(crate) async fn load_goals_on(
    conn: &mut sqlx::AnyConnection,
    id: Option<GoalId>,
) -> Result<Vec<Goal>> {
    let gid = id.map(|g| g.0);
    let rows = sqlx::query("SELECT * FROM goals WHERE ($1 IS NULL OR id = $1) ORDER BY id")
        .bind(gid)
        .fetch_all(&mut *conn)
        .await?;
    let mut criteria: HashMap<i64, Vec<Criterion>> = HashMap::new();
    for r in sqlx::query(
        "SELECT * FROM criteria WHERE ($1 IS NULL OR goal_id = $1) ORDER BY goal_id, position",
    )
    .bind(gid)
    .fetch_all(&mut *conn)
    .await?
    {
        criteria
            .entry(r.int("goal_id")?)
            .or_default()
            .push(Criterion {
                id: CriterionId(r.int("id")?),
                text: r.text("text")?,
                met_at: r.opt_time("met_at")?,
            });
    }
    let mut extensions: HashMap<i64, Vec<Extension>> = HashMap::new();
    for r in sqlx::query(
            "SELECT * FROM goal_extensions WHERE ($1 IS NULL OR goal_id = $1) ORDER BY goal_id, position",
        )
        .bind(gid)
        .fetch_all(&mut *conn)
        .await?
        {
            extensions.entry(r.int("goal_id")?).or_default().push(Extension {
                at: r.time("at")?,
                old_deadline: r.day("old_deadline")?,
                new_deadline: r.day("new_deadline")?,
                reason: r.text("reason")?,
            });
        }
    rows.iter()
        .map(|r| goal_from_row(r, &mut criteria, &mut extensions))
        .collect()
}

pub(crate) fn ensure_open(g: &Goal) -> Result<()> {
    if g.state.is_closed() {
        Err(Error::Invalid(format!(
            "goal {} is already {}",
            g.id, g.state
        )))
    } else {
        Ok(())
    }
}

fn goal_from_row(
    r: &AnyRow,
    criteria: &mut HashMap<i64, Vec<Criterion>>,
    extensions: &mut HashMap<i64, Vec<Extension>>,
) -> Result<Goal> {
    let id = r.int("id")?;
    Ok(Goal {
        id: GoalId(id),
        micro_skill_id: MicroSkillId(r.int("micro_skill_id")?),
        target_level: Level::try_from(r.int("target_level")? as u8)?,
        state: parse("state", &r.text("state")?)?,
        start: r.day("start_date")?,
        deadline: r.day("deadline")?,
        weekly_minutes: r.u32("weekly_minutes")?,
        criteria: criteria.remove(&id).unwrap_or_default(),
        extensions: extensions.remove(&id).unwrap_or_default(),
        created_at: r.time("created_at")?,
        closed_at: r.opt_time("closed_at")?,
        abandon_reason: r.opt_text("abandon_reason")?,
    })
}
