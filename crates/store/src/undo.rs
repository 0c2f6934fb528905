//! Undo: take back one recorded edit or deletion from the history, in one
//! transaction that writes its own `undo` record. Only the latest change to a
//! record can be taken back (so an undo never overwrites a later change), and
//! each change only once. Sessions, applications, reflections, unticked
//! criteria and skills can be restored; a reworded micro-skill or a deleted
//! goal are refused with a pointer to the values kept in the history.

use crate::audit::{self, Change};
use crate::edit::{ensure_evidence_open, json, reflection_goal};
use crate::row::{RowExt, ts};
use crate::{Error, Result, Store};
use chrono::{DateTime, Utc};
use mm_core::journal::{AuditAction, AuditRecord};
use mm_core::*;
use serde::de::DeserializeOwned;
use sqlx::AnyConnection;

fn value<T: DeserializeOwned>(v: Option<&serde_json::Value>, id: i64) -> Result<T> {
    v.cloned()
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or_else(|| {
            Error::Corrupt(format!(
                "history record {id} does not hold the values to restore"
            ))
        })
}

async fn write_session(conn: &mut AnyConnection, s: &Session, insert: bool) -> Result<()> {
    let sql = if insert {
        "INSERT INTO sessions (started_at, ended_at, focused_minutes, interruptions, aim, reps,
                               errors, difficulty, feedback, notes, id, goal_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    } else {
        "UPDATE sessions SET started_at = $1, ended_at = $2, focused_minutes = $3,
            interruptions = $4, aim = $5, reps = $6, errors = $7, difficulty = $8,
            feedback = $9, notes = $10
         WHERE id = $11 AND goal_id = $12"
    };
    sqlx::query(sql)
        .bind(ts(s.started_at))
        .bind(ts(s.ended_at))
        .bind(i64::from(s.focused_minutes))
        .bind(i64::from(s.interruptions))
        .bind(s.aim.clone())
        .bind(i64::from(s.reps))
        .bind(i64::from(s.errors))
        .bind(s.difficulty.map(i64::from))
        .bind(s.feedback.clone())
        .bind(s.notes.clone())
        .bind(s.id.0)
        .bind(s.goal_id.0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn write_application(conn: &mut AnyConnection, a: &Application, insert: bool) -> Result<()> {
    let (kind, url, name, sha) = crate::edit::evidence_cols(&a.evidence);
    let sql = if insert {
        "INSERT INTO applications (at, context, outcome, impact, evidence_kind, evidence_url,
                                   evidence_name, evidence_sha256, id, goal_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    } else {
        "UPDATE applications SET at = $1, context = $2, outcome = $3, impact = $4,
            evidence_kind = $5, evidence_url = $6, evidence_name = $7, evidence_sha256 = $8
         WHERE id = $9 AND goal_id = $10"
    };
    sqlx::query(sql)
        .bind(ts(a.at))
        .bind(a.context.clone())
        .bind(a.outcome.clone())
        .bind(a.impact.clone())
        .bind(kind)
        .bind(url)
        .bind(name)
        .bind(sha)
        .bind(a.id.0)
        .bind(a.goal_id.0)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn insert_reflection(conn: &mut AnyConnection, r: &Reflection) -> Result<()> {
    let (kind, session, goal, week) = match r.target {
        ReflectionTarget::Session { id } => ("session", Some(id.0), None, None),
        ReflectionTarget::Goal { id } => ("goal", None, Some(id.0), None),
        ReflectionTarget::Week { week } => ("week", None, None, Some(week.to_string())),
    };
    sqlx::query(
        "INSERT INTO reflections (id, target_kind, session_id, goal_id, week, at, worked, didnt, next)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(r.id.0)
    .bind(kind)
    .bind(session)
    .bind(goal)
    .bind(week)
    .bind(ts(r.at))
    .bind(r.worked.clone())
    .bind(r.didnt.clone())
    .bind(r.next.clone())
    .execute(&mut *conn)
    .await?;
    for p in &r.principles {
        sqlx::query(
            "INSERT INTO reflection_principles (reflection_id, principle_id) VALUES ($1, $2)",
        )
        .bind(r.id.0)
        .bind(p.0)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

impl Store {
    /// Take back change `id` of the history, or the latest change not yet
    /// taken back when `id` is `None`. Returns the new `undo` record.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown change or nothing left to undo;
    /// [`Error::Invalid`] for a change already undone, one a later change
    /// built on, an undo itself, a kind that cannot be restored, or a
    /// restored record that no longer fits (its goal achieved or gone).
    pub async fn undo(&self, id: Option<i64>, now: DateTime<Utc>) -> Result<AuditRecord> {
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query("SELECT * FROM audit_log ORDER BY id")
            .fetch_all(&mut *tx)
            .await?;
        let all: Vec<AuditRecord> = rows.iter().map(audit::from_row).collect::<Result<_>>()?;
        let undone = |n: i64| all.iter().any(|h| h.undoes == Some(n));
        let target = match id {
            Some(n) => all
                .iter()
                .find(|h| h.id == n)
                .ok_or_else(|| Error::NotFound {
                    what: "change",
                    key: format!("#{n} in the history"),
                })?,
            None => all
                .iter()
                .rev()
                .find(|h| h.action != AuditAction::Undo && !undone(h.id))
                .ok_or_else(|| Error::NotFound {
                    what: "change",
                    key: "left to undo".into(),
                })?,
        }
        .clone();
        let n = target.id;
        if target.action == AuditAction::Undo {
            return Err(Error::Invalid(format!(
                "#{n} is itself an undo; change the record again instead"
            )));
        }
        if undone(n) {
            return Err(Error::Invalid(format!("#{n} was already undone")));
        }
        if let Some(later) = all.iter().find(|h| {
            h.id > n
                && h.record == target.record
                && h.record_id == target.record_id
                && h.undoes != Some(n)
                && !undone(h.id)
                && h.action != AuditAction::Undo
        }) {
            return Err(Error::Invalid(format!(
                "#{} changed the same {} since; undo it first",
                later.id,
                target.record.replace('_', "-")
            )));
        }
        let before = target.before.as_ref();
        let (current, restored): (Option<serde_json::Value>, serde_json::Value) = match (
            target.action,
            target.record.as_str(),
        ) {
            (AuditAction::Edit, "session") => {
                let s: Session = value(before, n)?;
                ensure_evidence_open(&mut tx, s.goal_id, &format!("session {}", s.id)).await?;
                let now_row = crate::edit::session_on(&mut tx, s.id).await?;
                write_session(&mut tx, &s, false).await?;
                (Some(json(&now_row)?), json(&s)?)
            }
            (AuditAction::Delete, "session") => {
                let s: Session = value(before.and_then(|b| b.get("session")), n)?;
                let reflections: Vec<Reflection> =
                    value(before.and_then(|b| b.get("reflections")), n)?;
                ensure_evidence_open(&mut tx, s.goal_id, &format!("session {}", s.id)).await?;
                write_session(&mut tx, &s, true).await?;
                for r in &reflections {
                    insert_reflection(&mut tx, r).await?;
                }
                (
                    None,
                    json(&serde_json::json!({"session": s, "reflections": reflections}))?,
                )
            }
            (AuditAction::Edit, "application") => {
                let a: Application = value(before, n)?;
                ensure_evidence_open(&mut tx, a.goal_id, &format!("application {}", a.id)).await?;
                let now_row = crate::edit::application_on(&mut tx, a.id).await?;
                write_application(&mut tx, &a, false).await?;
                (Some(json(&now_row)?), json(&a)?)
            }
            (AuditAction::Delete, "application") => {
                let a: Application = value(before, n)?;
                ensure_evidence_open(&mut tx, a.goal_id, &format!("application {}", a.id)).await?;
                write_application(&mut tx, &a, true).await?;
                (None, json(&a)?)
            }
            (AuditAction::Edit, "reflection") => {
                let r: Reflection = value(before, n)?;
                if let Some(g) = reflection_goal(&mut tx, &r).await? {
                    ensure_evidence_open(&mut tx, g, &format!("reflection {}", r.id)).await?;
                }
                let now_row = crate::edit::reflection_on(&mut tx, r.id).await?;
                sqlx::query(
                    "UPDATE reflections SET worked = $1, didnt = $2, next = $3 WHERE id = $4",
                )
                .bind(r.worked.clone())
                .bind(r.didnt.clone())
                .bind(r.next.clone())
                .bind(r.id.0)
                .execute(&mut *tx)
                .await?;
                (Some(json(&now_row)?), json(&r)?)
            }
            (AuditAction::Delete, "reflection") => {
                let r: Reflection = value(before, n)?;
                if let Some(g) = reflection_goal(&mut tx, &r).await? {
                    ensure_evidence_open(&mut tx, g, &format!("reflection {}", r.id)).await?;
                }
                insert_reflection(&mut tx, &r).await?;
                (None, json(&r)?)
            }
            (AuditAction::Edit, "criterion") => {
                let c: Criterion = value(before, n)?;
                let goal = sqlx::query("SELECT goal_id FROM criteria WHERE id = $1")
                    .bind(c.id.0)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or_else(|| crate::skills::not_found("criterion", c.id))?
                    .int("goal_id")?;
                let g = crate::edit::goal_on(&mut tx, GoalId(goal)).await?;
                crate::goals::ensure_open(&g)?;
                sqlx::query("UPDATE criteria SET met_at = $1 WHERE id = $2")
                    .bind(c.met_at.map(ts))
                    .bind(c.id.0)
                    .execute(&mut *tx)
                    .await?;
                (target.after.clone(), json(&c)?)
            }
            (AuditAction::Edit, "skill") => {
                let s: Skill = value(before, n)?;
                let clash: i64 = sqlx::query(
                    "SELECT COUNT(*) AS n FROM skills
                         WHERE id <> $1 AND (lower(name) = lower($2) OR taxonomy_uri = $3)",
                )
                .bind(s.id.0)
                .bind(s.name.clone())
                .bind(s.taxonomy_uri.clone())
                .fetch_one(&mut *tx)
                .await?
                .int("n")?;
                if clash > 0 {
                    return Err(Error::Invalid(format!(
                        "another skill now has the name {:?} or its concept; rename that one first",
                        s.name
                    )));
                }
                let now_row = crate::edit::skill_on(&mut tx, s.id).await?;
                sqlx::query(
                    "UPDATE skills SET name = $1, kind = $2, taxonomy_uri = $3, description = $4
                         WHERE id = $5",
                )
                .bind(s.name.clone())
                .bind(s.kind.as_str())
                .bind(s.taxonomy_uri.clone())
                .bind(s.description.clone())
                .bind(s.id.0)
                .execute(&mut *tx)
                .await?;
                (Some(json(&now_row)?), json(&s)?)
            }
            (action, record) => {
                return Err(Error::Invalid(format!(
                    "undoing a {} {} is not supported; the values before are kept in the history as change #{n}",
                    record.replace('_', "-"),
                    action.as_str()
                )));
            }
        };
        audit::record(
            &mut tx,
            Change {
                action: AuditAction::Undo,
                record: &target.record,
                record_id: target.record_id.clone(),
                summary: format!("undo #{n}: {}", target.summary),
                before: current,
                after: Some(restored),
                undoes: Some(n),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        self.list_history(Some(1))
            .await?
            .pop()
            .ok_or_else(|| Error::Corrupt("the undo record was not written".into()))
    }
}
