//! Edit and undo after the fact: change or delete a practice session, an
//! application or a reflection; reword a micro-skill, its principles and
//! resources; rename a skill or link it to a taxonomy concept; delete a goal
//! with everything recorded on it.
//!
//! Each change is one write transaction that re-reads the record, applies
//! the patch, validates the result with the same rules as a new record, and
//! writes an `audit_log` row holding the values before and after. Evidence
//! of an achieved goal stays as the mastery rule passed it: edits to it are
//! refused, and a goal with an issued badge cannot be deleted.

use crate::audit::{self, Change};
use crate::goals::load_goals_on;
use crate::row::{RowExt, date, ts};
use crate::sessions::{application_from_row, reflection_from_row, session_from_row};
use crate::skills::{load_micro_skills_on, not_found, skill_from_row};
use crate::{Error, Result, Store};
use chrono::{DateTime, Utc};
use mm_core::journal::{AuditAction, CardRecord, GoalArcRecord};
use mm_core::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::{AnyConnection, Transaction};
use std::collections::HashMap;

type Tx = Transaction<'static, sqlx::Any>;

/// New values for a practice session; `None` keeps the recorded one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SessionPatch {
    /// Moving the start keeps the session's length unless `ended_at` is given.
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
    /// More minutes than the session spans lengthen it unless `ended_at` is given.
    pub focused_minutes: Option<u32>,
    pub interruptions: Option<u32>,
    pub aim: Option<String>,
    pub reps: Option<u32>,
    pub errors: Option<u32>,
    /// `Some(None)` clears it.
    pub difficulty: Option<Option<u8>>,
    pub feedback: Option<Option<String>>,
    pub notes: Option<Option<String>>,
}

/// New values for an application; `None` keeps the recorded one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApplicationPatch {
    pub at: Option<DateTime<Utc>>,
    pub context: Option<String>,
    pub outcome: Option<String>,
    pub impact: Option<Option<String>>,
    pub evidence: Option<Option<Evidence>>,
}

/// New text for a reflection; `None` keeps the recorded one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReflectionPatch {
    pub worked: Option<String>,
    pub didnt: Option<String>,
    pub next: Option<String>,
}

/// A change to one principle, by its 1-based number on the micro-skill.
#[derive(Debug, Clone, PartialEq)]
pub struct PrinciplePatch {
    pub number: usize,
    pub name: Option<String>,
    pub description: Option<Option<String>>,
}

/// Changes to a micro-skill. Numbers are 1-based, as `mm skill show` lists
/// them, and refer to the micro-skill as it was before the change.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MicroSkillPatch {
    /// The new wording.
    pub name: Option<String>,
    pub principles: Vec<PrinciplePatch>,
    pub add_principles: Vec<NewPrinciple>,
    /// Principles a reflection or a retention card refers to cannot go.
    pub remove_principles: Vec<usize>,
    pub add_resources: Vec<Resource>,
    pub remove_resources: Vec<usize>,
}

/// Changes to a skill; `None` keeps the recorded value.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SkillPatch {
    /// A new name (unique, ignoring case).
    pub name: Option<String>,
    pub kind: Option<SkillKind>,
    pub description: Option<Option<String>>,
    /// Link to a taxonomy concept (`Some(Some(uri))`) or unlink (`Some(None)`).
    pub taxonomy_uri: Option<Option<String>>,
}

/// What deleting a goal removed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DeletedGoal {
    pub goal: Goal,
    pub sessions: usize,
    pub applications: usize,
    pub reflections: usize,
    pub retention_cards: usize,
}

/// What a goal's deletion keeps in its history record (`before`): every row
/// it removes, so that `undo` can put each back with its id. Records made
/// before undo could restore a goal hold only the first five keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct KeptGoal {
    /// With its criteria (ids, ticks) and extensions, in their order.
    pub goal: Goal,
    pub sessions: Vec<Session>,
    pub applications: Vec<Application>,
    /// On the goal and on its sessions, with their principle tags.
    pub reflections: Vec<Reflection>,
    /// The plan as read, for people reading the history.
    pub plan: Option<Value>,
    /// The plan's row exactly as stored.
    pub plan_row: Option<PlanRow>,
    /// Its place in an arc (or standalone), when it had one.
    pub goal_arc: Option<GoalArcRecord>,
    pub retention_cards: Vec<KeptCard>,
}

/// The keys of [`KeptGoal`] that older goal deletions lack.
pub(crate) const KEPT_GOAL_SINCE_UNDO: [&str; 3] = ["plan_row", "goal_arc", "retention_cards"];

/// A goal's plan row as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct PlanRow {
    pub made_at: String,
    /// The plan's JSON text.
    pub plan: String,
}

/// A retention card as a goal's deletion keeps it: the record export
/// writes, and its FSRS state again as text, because serde_json (without its
/// `float_roundtrip` feature) reads a JSON number back to the nearest double
/// only most of the time, and an undo must put back the same bits.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct KeptCard {
    pub card: CardRecord,
    pub stability: String,
    pub difficulty: String,
}

/// The top-level fields whose values differ between two records.
fn changed(before: &Value, after: &Value) -> Vec<String> {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let keys: std::collections::BTreeSet<&String> = b
                .keys()
                .chain(a.keys())
                .filter(|k| b.get(*k) != a.get(*k))
                .collect();
            keys.into_iter().cloned().collect()
        }
        _ if before != after => vec!["value".into()],
        _ => vec![],
    }
}

pub(crate) fn json<T: Serialize>(v: &T) -> Result<Value> {
    serde_json::to_value(v).map_err(|e| Error::Invalid(format!("cannot record the change: {e}")))
}

/// Record an edit of `record` from `before` to `after`, refusing one that
/// changes nothing.
async fn record_edit<T: Serialize>(
    tx: &mut Tx,
    record: &'static str,
    id: impl std::fmt::Display,
    before: &T,
    after: &T,
    now: DateTime<Utc>,
) -> Result<()> {
    let (b, a) = (json(before)?, json(after)?);
    let fields = changed(&b, &a);
    if fields.is_empty() {
        return Err(Error::Invalid(format!(
            "nothing to change: {} {id} already holds those values",
            record.replace('_', "-")
        )));
    }
    audit::record(
        tx,
        Change {
            action: AuditAction::Edit,
            record,
            record_id: id.to_string(),
            summary: format!("{} {id}: {}", record.replace('_', "-"), fields.join(", ")),
            before: Some(b),
            after: Some(a),
            undoes: None,
        },
        now,
    )
    .await
}

/// Record the deletion of `record`, keeping its values `before` so the
/// history (and `mm undo`, where supported) can bring it back.
async fn record_delete(
    tx: &mut Tx,
    record: &'static str,
    id: impl std::fmt::Display,
    summary: String,
    before: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<()> {
    audit::record(
        tx,
        Change {
            action: AuditAction::Delete,
            record,
            record_id: id.to_string(),
            summary,
            before: Some(before),
            after: None,
            undoes: None,
        },
        now,
    )
    .await
}

pub(crate) async fn goal_on(conn: &mut AnyConnection, id: GoalId) -> Result<Goal> {
    load_goals_on(conn, Some(id))
        .await?
        .pop()
        .ok_or_else(|| Error::NotFound {
            what: "goal",
            key: id.to_string(),
        })
}

/// Evidence of an achieved goal is what the mastery rule passed; keep it.
pub(crate) async fn ensure_evidence_open(
    conn: &mut AnyConnection,
    goal: GoalId,
    what: &str,
) -> Result<()> {
    let g = goal_on(conn, goal).await?;
    if g.state == GoalState::Achieved {
        return Err(Error::Invalid(format!(
            "{what} is evidence of goal {goal}, which is achieved: it stays as the mastery rule passed it"
        )));
    }
    Ok(())
}

pub(crate) async fn session_on(conn: &mut AnyConnection, id: SessionId) -> Result<Session> {
    let row = sqlx::query("SELECT * FROM sessions WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| not_found("session", format!("{id}")))?;
    session_from_row(&row)
}

pub(crate) async fn application_on(
    conn: &mut AnyConnection,
    id: ApplicationId,
) -> Result<Application> {
    let row = sqlx::query("SELECT * FROM applications WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| not_found("application", id))?;
    application_from_row(&row)
}

pub(crate) async fn reflection_on(
    conn: &mut AnyConnection,
    id: ReflectionId,
) -> Result<Reflection> {
    let mut tags: HashMap<i64, Vec<PrincipleId>> = HashMap::new();
    for r in sqlx::query(
        "SELECT principle_id FROM reflection_principles WHERE reflection_id = $1 ORDER BY principle_id",
    )
    .bind(id.0)
    .fetch_all(&mut *conn)
    .await?
    {
        tags.entry(id.0)
            .or_default()
            .push(PrincipleId(r.int("principle_id")?));
    }
    let row = sqlx::query("SELECT * FROM reflections WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| not_found("reflection", id))?;
    reflection_from_row(&row, &mut tags)
}

/// The goal a reflection's evidence counts for, if any.
pub(crate) async fn reflection_goal(
    conn: &mut AnyConnection,
    r: &Reflection,
) -> Result<Option<GoalId>> {
    Ok(match r.target {
        ReflectionTarget::Session { id } => Some(session_on(conn, id).await?.goal_id),
        ReflectionTarget::Goal { id } => Some(id),
        ReflectionTarget::Week { .. } => None,
    })
}

async fn reflections_on_sessions(
    conn: &mut AnyConnection,
    sessions: &[i64],
) -> Result<Vec<Reflection>> {
    let mut out = Vec::new();
    for s in sessions {
        let ids: Vec<i64> = sqlx::query(
            "SELECT id FROM reflections WHERE target_kind = 'session' AND session_id = $1 ORDER BY id",
        )
        .bind(*s)
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.int("id"))
        .collect::<Result<_>>()?;
        for id in ids {
            out.push(reflection_on(conn, ReflectionId(id)).await?);
        }
    }
    Ok(out)
}

async fn delete_reflection_rows(conn: &mut AnyConnection, ids: &[ReflectionId]) -> Result<()> {
    for id in ids {
        sqlx::query("DELETE FROM reflection_principles WHERE reflection_id = $1")
            .bind(id.0)
            .execute(&mut *conn)
            .await?;
        sqlx::query("DELETE FROM reflections WHERE id = $1")
            .bind(id.0)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub(crate) fn evidence_cols(
    e: &Option<Evidence>,
) -> (
    Option<&'static str>,
    Option<String>,
    Option<String>,
    Option<String>,
) {
    match e {
        None => (None, None, None, None),
        Some(Evidence::Link { url }) => (Some("link"), Some(url.clone()), None, None),
        Some(Evidence::File { name, sha256 }) => (
            Some("file"),
            None,
            Some(name.clone()),
            Some(sha256.to_ascii_lowercase()),
        ),
    }
}

fn trimmed(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

impl Store {
    /// Change a practice session's recorded values.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown session; [`Error::Invalid`] when the
    /// result is not a valid session, nothing changes, or the goal is achieved.
    pub async fn edit_session(
        &self,
        id: SessionId,
        patch: &SessionPatch,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        let mut tx = self.begin_write().await?;
        let old = session_on(&mut tx, id).await?;
        ensure_evidence_open(&mut tx, old.goal_id, &format!("session {id}")).await?;
        let started_at = patch.started_at.unwrap_or(old.started_at);
        let focused_minutes = patch.focused_minutes.unwrap_or(old.focused_minutes);
        let ended_at = match patch.ended_at {
            Some(end) => end,
            None => {
                let end = started_at + (old.ended_at - old.started_at);
                let needed = started_at + chrono::Duration::minutes(i64::from(focused_minutes));
                end.max(needed)
            }
        };
        let new = NewSession {
            goal_id: old.goal_id,
            started_at,
            ended_at,
            focused_minutes,
            interruptions: patch.interruptions.unwrap_or(old.interruptions),
            aim: patch
                .aim
                .clone()
                .map_or_else(|| old.aim.clone(), |a| a.trim().to_owned()),
            reps: patch.reps.unwrap_or(old.reps),
            errors: patch.errors.unwrap_or(old.errors),
            difficulty: patch.difficulty.unwrap_or(old.difficulty),
            feedback: patch
                .feedback
                .clone()
                .map_or_else(|| old.feedback.clone(), trimmed),
            notes: patch
                .notes
                .clone()
                .map_or_else(|| old.notes.clone(), trimmed),
        };
        new.validate(now)?;
        sqlx::query(
            "UPDATE sessions SET started_at = $1, ended_at = $2, focused_minutes = $3,
                interruptions = $4, aim = $5, reps = $6, errors = $7, difficulty = $8,
                feedback = $9, notes = $10
             WHERE id = $11",
        )
        .bind(ts(new.started_at))
        .bind(ts(new.ended_at))
        .bind(i64::from(new.focused_minutes))
        .bind(i64::from(new.interruptions))
        .bind(new.aim.clone())
        .bind(i64::from(new.reps))
        .bind(i64::from(new.errors))
        .bind(new.difficulty.map(i64::from))
        .bind(new.feedback.clone())
        .bind(new.notes.clone())
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        let after = session_on(&mut tx, id).await?;
        record_edit(&mut tx, "session", id, &old, &after, now).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Delete a practice session and the reflections that look back on it.
    /// Returns the session and those reflections, as they were.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown session; [`Error::Invalid`] when its
    /// goal is achieved.
    pub async fn delete_session(
        &self,
        id: SessionId,
        now: DateTime<Utc>,
    ) -> Result<(Session, Vec<Reflection>)> {
        let mut tx = self.begin_write().await?;
        let old = session_on(&mut tx, id).await?;
        ensure_evidence_open(&mut tx, old.goal_id, &format!("session {id}")).await?;
        let reflections = reflections_on_sessions(&mut tx, &[id.0]).await?;
        let ids: Vec<ReflectionId> = reflections.iter().map(|r| r.id).collect();
        delete_reflection_rows(&mut tx, &ids).await?;
        sqlx::query("DELETE FROM sessions WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let summary = match reflections.len() {
            0 => format!("session {id} deleted (goal {})", old.goal_id),
            n => format!(
                "session {id} deleted (goal {}), with {n} reflection(s) on it",
                old.goal_id
            ),
        };
        record_delete(
            &mut tx,
            "session",
            id,
            summary,
            serde_json::json!({ "session": json(&old)?, "reflections": json(&reflections)? }),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok((old, reflections))
    }

    /// Change an application's recorded values.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown application; [`Error::Invalid`] when
    /// the result is not valid, nothing changes, or the goal is achieved.
    pub async fn edit_application(
        &self,
        id: ApplicationId,
        patch: &ApplicationPatch,
        now: DateTime<Utc>,
    ) -> Result<Application> {
        let mut tx = self.begin_write().await?;
        let old = application_on(&mut tx, id).await?;
        ensure_evidence_open(&mut tx, old.goal_id, &format!("application {id}")).await?;
        let new = NewApplication {
            goal_id: old.goal_id,
            at: patch.at.unwrap_or(old.at),
            context: patch
                .context
                .clone()
                .map_or_else(|| old.context.clone(), |c| c.trim().to_owned()),
            outcome: patch
                .outcome
                .clone()
                .map_or_else(|| old.outcome.clone(), |c| c.trim().to_owned()),
            impact: patch
                .impact
                .clone()
                .map_or_else(|| old.impact.clone(), trimmed),
            evidence: patch
                .evidence
                .clone()
                .unwrap_or_else(|| old.evidence.clone()),
        };
        new.validate(now)?;
        let (kind, url, name, sha) = evidence_cols(&new.evidence);
        sqlx::query(
            "UPDATE applications SET at = $1, context = $2, outcome = $3, impact = $4,
                evidence_kind = $5, evidence_url = $6, evidence_name = $7, evidence_sha256 = $8
             WHERE id = $9",
        )
        .bind(ts(new.at))
        .bind(new.context.clone())
        .bind(new.outcome.clone())
        .bind(new.impact.clone())
        .bind(kind)
        .bind(url)
        .bind(name)
        .bind(sha)
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        let after = application_on(&mut tx, id).await?;
        record_edit(&mut tx, "application", id, &old, &after, now).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Delete an application.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown application; [`Error::Invalid`] when
    /// its goal is achieved.
    pub async fn delete_application(
        &self,
        id: ApplicationId,
        now: DateTime<Utc>,
    ) -> Result<Application> {
        let mut tx = self.begin_write().await?;
        let old = application_on(&mut tx, id).await?;
        ensure_evidence_open(&mut tx, old.goal_id, &format!("application {id}")).await?;
        sqlx::query("DELETE FROM applications WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        record_delete(
            &mut tx,
            "application",
            id,
            format!("application {id} deleted (goal {})", old.goal_id),
            json(&old)?,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(old)
    }

    /// Change what a reflection says.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown reflection; [`Error::Invalid`] when
    /// it would say nothing, nothing changes, or its goal is achieved.
    pub async fn edit_reflection(
        &self,
        id: ReflectionId,
        patch: &ReflectionPatch,
        now: DateTime<Utc>,
    ) -> Result<Reflection> {
        let mut tx = self.begin_write().await?;
        let old = reflection_on(&mut tx, id).await?;
        if let Some(goal) = reflection_goal(&mut tx, &old).await? {
            ensure_evidence_open(&mut tx, goal, &format!("reflection {id}")).await?;
        }
        let pick = |p: &Option<String>, o: &String| {
            p.as_ref()
                .map_or_else(|| o.clone(), |s| s.trim().to_owned())
        };
        let new = NewReflection {
            target: old.target,
            at: old.at,
            worked: pick(&patch.worked, &old.worked),
            didnt: pick(&patch.didnt, &old.didnt),
            next: pick(&patch.next, &old.next),
            principles: old.principles.clone(),
        };
        new.validate()?;
        sqlx::query("UPDATE reflections SET worked = $1, didnt = $2, next = $3 WHERE id = $4")
            .bind(new.worked.clone())
            .bind(new.didnt.clone())
            .bind(new.next.clone())
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        let after = reflection_on(&mut tx, id).await?;
        record_edit(&mut tx, "reflection", id, &old, &after, now).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Delete a reflection.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown reflection; [`Error::Invalid`] when
    /// its goal is achieved.
    pub async fn delete_reflection(
        &self,
        id: ReflectionId,
        now: DateTime<Utc>,
    ) -> Result<Reflection> {
        let mut tx = self.begin_write().await?;
        let old = reflection_on(&mut tx, id).await?;
        if let Some(goal) = reflection_goal(&mut tx, &old).await? {
            ensure_evidence_open(&mut tx, goal, &format!("reflection {id}")).await?;
        }
        delete_reflection_rows(&mut tx, &[id]).await?;
        record_delete(
            &mut tx,
            "reflection",
            id,
            format!("reflection {id} deleted"),
            json(&old)?,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(old)
    }

    /// Reword a micro-skill, its principles and resources. Principle ids stay,
    /// so reflections and retention cards keep pointing at them; card labels
    /// follow a renamed subject.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown micro-skill or principle/resource
    /// number; [`Error::Invalid`] for a result that is not a valid micro-skill,
    /// removing a principle still referred to, or a change that changes nothing.
    pub async fn edit_micro_skill(
        &self,
        id: MicroSkillId,
        patch: &MicroSkillPatch,
        now: DateTime<Utc>,
    ) -> Result<MicroSkill> {
        let mut tx = self.begin_write().await?;
        let old = load_micro_skills_on(&mut tx, Some(id), None)
            .await?
            .pop()
            .ok_or_else(|| not_found("micro-skill", id))?;
        let number_ok = |n: usize, len: usize, what: &'static str| {
            if n == 0 || n > len {
                Err(Error::NotFound {
                    what,
                    key: format!("number {n} on micro-skill {id} (it has {len})"),
                })
            } else {
                Ok(())
            }
        };
        // Principles: (kept id, name, description), in the new order.
        let mut principles: Vec<(Option<PrincipleId>, String, Option<String>)> = old
            .principles
            .iter()
            .map(|p| (Some(p.id), p.name.clone(), p.description.clone()))
            .collect();
        for p in &patch.principles {
            number_ok(p.number, old.principles.len(), "principle")?;
            let slot = &mut principles[p.number - 1];
            if let Some(n) = &p.name {
                slot.1 = n.trim().to_owned();
            }
            if let Some(d) = &p.description {
                slot.2 = trimmed(d.clone());
            }
        }
        let mut removed = Vec::new();
        for &n in &patch.remove_principles {
            number_ok(n, old.principles.len(), "principle")?;
            removed.push(old.principles[n - 1].id);
        }
        for pid in &removed {
            let refs: i64 = sqlx::query(
                "SELECT (SELECT COUNT(*) FROM reflection_principles WHERE principle_id = $1)
                      + (SELECT COUNT(*) FROM retention_cards
                         WHERE subject_kind = 'principle' AND subject_id = $1) AS n",
            )
            .bind(pid.0)
            .fetch_one(&mut *tx)
            .await?
            .int("n")?;
            if refs > 0 {
                return Err(Error::Invalid(format!(
                    "principle {pid} is named by a reflection or a retention card; reword it instead of removing it"
                )));
            }
        }
        principles.retain(|p| !p.0.is_some_and(|id| removed.contains(&id)));
        principles.extend(patch.add_principles.iter().map(|p| {
            (
                None,
                p.name.trim().to_owned(),
                trimmed(p.description.clone()),
            )
        }));
        let mut resources = old.resources.clone();
        let mut drop_res: Vec<usize> = Vec::new();
        for &n in &patch.remove_resources {
            number_ok(n, old.resources.len(), "resource")?;
            drop_res.push(n - 1);
        }
        resources = resources
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !drop_res.contains(i))
            .map(|(_, r)| r)
            .collect();
        resources.extend(patch.add_resources.iter().cloned());
        let name = patch
            .name
            .as_ref()
            .map_or_else(|| old.name.clone(), |n| n.trim().to_owned());
        NewMicroSkill {
            skill_id: old.skill_id,
            name: name.clone(),
            principles: principles
                .iter()
                .map(|p| NewPrinciple {
                    name: p.1.clone(),
                    description: p.2.clone(),
                })
                .collect(),
            resources: resources.clone(),
        }
        .validate()?;

        sqlx::query("UPDATE micro_skills SET name = $1 WHERE id = $2")
            .bind(name.clone())
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        for pid in &removed {
            sqlx::query("DELETE FROM principles WHERE id = $1")
                .bind(pid.0)
                .execute(&mut *tx)
                .await?;
        }
        // Positions are unique per micro-skill: park the kept ones out of the
        // way, then number everything from 0.
        sqlx::query("UPDATE principles SET position = -1 - position WHERE micro_skill_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        for (i, (pid, pname, desc)) in principles.iter().enumerate() {
            match pid {
                Some(pid) => {
                    sqlx::query(
                        "UPDATE principles SET position = $1, name = $2, description = $3 WHERE id = $4",
                    )
                    .bind(i as i64)
                    .bind(pname.clone())
                    .bind(desc.clone())
                    .bind(pid.0)
                    .execute(&mut *tx)
                    .await?;
                }
                None => {
                    sqlx::query(
                        "INSERT INTO principles (micro_skill_id, position, name, description)
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(id.0)
                    .bind(i as i64)
                    .bind(pname.clone())
                    .bind(desc.clone())
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        sqlx::query("DELETE FROM resources WHERE micro_skill_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        for (i, r) in resources.iter().enumerate() {
            sqlx::query(
                "INSERT INTO resources (micro_skill_id, position, url, title) VALUES ($1, $2, $3, $4)",
            )
            .bind(id.0)
            .bind(i as i64)
            .bind(r.url.clone())
            .bind(r.title.clone())
            .execute(&mut *tx)
            .await?;
        }
        // Retention cards show their subject's name: follow a rename.
        if name != old.name {
            sqlx::query(
                "UPDATE retention_cards SET label = $1
                 WHERE subject_kind = 'micro_skill' AND subject_id = $2 AND label = $3",
            )
            .bind(name.clone())
            .bind(id.0)
            .bind(old.name.clone())
            .execute(&mut *tx)
            .await?;
        }
        for p in &old.principles {
            if let Some(new) = principles.iter().find(|n| n.0 == Some(p.id))
                && new.1 != p.name
            {
                sqlx::query(
                    "UPDATE retention_cards SET label = $1
                     WHERE subject_kind = 'principle' AND subject_id = $2 AND label = $3",
                )
                .bind(new.1.clone())
                .bind(p.id.0)
                .bind(p.name.clone())
                .execute(&mut *tx)
                .await?;
            }
        }
        let after = load_micro_skills_on(&mut tx, Some(id), None)
            .await?
            .pop()
            .ok_or_else(|| not_found("micro-skill", id))?;
        record_edit(&mut tx, "micro_skill", id, &old, &after, now).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Rename a skill, change its kind or description, or link it to a
    /// taxonomy concept (or unlink it).
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown skill; [`Error::Invalid`] for a name
    /// or concept another skill already has, an invalid result, or no change.
    pub async fn edit_skill(
        &self,
        id: SkillId,
        patch: &SkillPatch,
        now: DateTime<Utc>,
    ) -> Result<Skill> {
        let mut tx = self.begin_write().await?;
        let old = skill_on(&mut tx, id).await?;
        let new = NewSkill {
            name: patch
                .name
                .as_ref()
                .map_or_else(|| old.name.clone(), |n| n.trim().to_owned()),
            kind: patch.kind.unwrap_or(old.kind),
            taxonomy_uri: patch
                .taxonomy_uri
                .clone()
                .map_or_else(|| old.taxonomy_uri.clone(), trimmed),
            description: patch
                .description
                .clone()
                .map_or_else(|| old.description.clone(), trimmed),
            held_level: old.held_level,
        };
        new.validate()?;
        if let Some(other) =
            sqlx::query("SELECT * FROM skills WHERE lower(name) = lower($1) AND id <> $2")
                .bind(new.name.clone())
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await?
        {
            let other = skill_from_row(&other)?;
            return Err(Error::Invalid(format!(
                "skill {} is already named {:?}",
                other.id, other.name
            )));
        }
        if let Some(uri) = &new.taxonomy_uri
            && let Some(other) =
                sqlx::query("SELECT * FROM skills WHERE taxonomy_uri = $1 AND id <> $2")
                    .bind(uri.clone())
                    .bind(id.0)
                    .fetch_optional(&mut *tx)
                    .await?
        {
            let other = skill_from_row(&other)?;
            return Err(Error::Invalid(format!(
                "skill {} \"{}\" already stands for {uri}",
                other.id, other.name
            )));
        }
        sqlx::query(
            "UPDATE skills SET name = $1, kind = $2, taxonomy_uri = $3, description = $4 WHERE id = $5",
        )
        .bind(new.name.clone())
        .bind(new.kind.as_str())
        .bind(new.taxonomy_uri.clone())
        .bind(new.description.clone())
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        let after = skill_on(&mut tx, id).await?;
        record_edit(&mut tx, "skill", id, &old, &after, now).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Delete a goal with everything recorded on it: criteria, extensions,
    /// sessions, applications, reflections on the goal or its sessions, its
    /// plan, arc link and retention cards with their reviews. The micro-skill
    /// stays. The history record keeps every row removed, ids included, so
    /// [`Store::undo`] can put the goal back as it was.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown goal; [`Error::Invalid`] when a
    /// badge was issued for it (the badge's evidence must stay).
    pub async fn delete_goal(&self, id: GoalId, now: DateTime<Utc>) -> Result<DeletedGoal> {
        let mut tx = self.begin_write().await?;
        let goal = goal_on(&mut tx, id).await?;
        let badges: i64 = sqlx::query("SELECT COUNT(*) AS n FROM credentials WHERE goal_id = $1")
            .bind(id.0)
            .fetch_one(&mut *tx)
            .await?
            .int("n")?;
        if badges > 0 {
            return Err(Error::Invalid(format!(
                "goal {id} has {badges} issued badge(s); the journal keeps a badge's evidence, so the goal cannot be deleted"
            )));
        }
        let sessions: Vec<Session> =
            sqlx::query("SELECT * FROM sessions WHERE goal_id = $1 ORDER BY started_at, id")
                .bind(id.0)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(session_from_row)
                .collect::<Result<_>>()?;
        let applications: Vec<Application> =
            sqlx::query("SELECT * FROM applications WHERE goal_id = $1 ORDER BY at, id")
                .bind(id.0)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(application_from_row)
                .collect::<Result<_>>()?;
        let session_ids: Vec<i64> = sessions.iter().map(|s| s.id.0).collect();
        let mut reflections = reflections_on_sessions(&mut tx, &session_ids).await?;
        let on_goal: Vec<i64> = sqlx::query(
            "SELECT id FROM reflections WHERE target_kind = 'goal' AND goal_id = $1 ORDER BY id",
        )
        .bind(id.0)
        .fetch_all(&mut *tx)
        .await?
        .iter()
        .map(|r| r.int("id"))
        .collect::<Result<_>>()?;
        for r in on_goal {
            reflections.push(reflection_on(&mut tx, ReflectionId(r)).await?);
        }
        let plan_row = sqlx::query("SELECT made_at, plan FROM plans WHERE goal_id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| {
                Ok::<_, Error>(PlanRow {
                    made_at: r.text("made_at")?,
                    plan: r.text("plan")?,
                })
            })
            .transpose()?;
        let plan: Option<Value> = plan_row
            .as_ref()
            .and_then(|p| serde_json::from_str(&p.plan).ok());
        let goal_arc = crate::journal::goal_arc_records_on(&mut tx, Some(id))
            .await?
            .pop();
        let cards: Vec<KeptCard> = crate::journal::card_records_on(&mut tx, Some(id))
            .await?
            .into_iter()
            .map(|card| KeptCard {
                stability: card.stability.to_string(),
                difficulty: card.difficulty.to_string(),
                card,
            })
            .collect();
        let ids: Vec<ReflectionId> = reflections.iter().map(|r| r.id).collect();
        delete_reflection_rows(&mut tx, &ids).await?;
        for sql in [
            "DELETE FROM retention_reviews WHERE card_id IN (SELECT id FROM retention_cards WHERE goal_id = $1)",
            "DELETE FROM retention_cards WHERE goal_id = $1",
            "DELETE FROM sessions WHERE goal_id = $1",
            "DELETE FROM applications WHERE goal_id = $1",
            "DELETE FROM plans WHERE goal_id = $1",
            "DELETE FROM goal_arcs WHERE goal_id = $1",
            "DELETE FROM criteria WHERE goal_id = $1",
            "DELETE FROM goal_extensions WHERE goal_id = $1",
            "DELETE FROM goals WHERE id = $1",
        ] {
            sqlx::query(sql).bind(id.0).execute(&mut *tx).await?;
        }
        let done = DeletedGoal {
            goal,
            sessions: sessions.len(),
            applications: applications.len(),
            reflections: reflections.len(),
            retention_cards: cards.len(),
        };
        let summary = format!(
            "goal {id} deleted (from {} to {}), with {} session(s), {} application(s), {} reflection(s), {} retention card(s)",
            date(done.goal.start),
            date(done.goal.deadline),
            done.sessions,
            done.applications,
            done.reflections,
            done.retention_cards
        );
        let kept = KeptGoal {
            goal: done.goal.clone(),
            sessions,
            applications,
            reflections,
            plan,
            plan_row,
            goal_arc,
            retention_cards: cards,
        };
        record_delete(&mut tx, "goal", id, summary, json(&kept)?, now).await?;
        tx.commit().await?;
        Ok(done)
    }
}

pub(crate) async fn skill_on(conn: &mut AnyConnection, id: SkillId) -> Result<Skill> {
    let row = sqlx::query("SELECT * FROM skills WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&mut *conn)
        .await?
        .ok_or_else(|| not_found("skill", format!("{id}")))?;
    skill_from_row(&row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_names_the_fields_that_differ() {
        let b = serde_json::json!({"aim": "a", "reps": 3, "notes": null});
        let a = serde_json::json!({"aim": "b", "reps": 3, "notes": "x"});
        assert_eq!(changed(&b, &a), vec!["aim".to_owned(), "notes".to_owned()]);
        assert!(changed(&b, &b).is_empty());
    }
}
