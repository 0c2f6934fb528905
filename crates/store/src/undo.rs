//! Undo: take back one recorded edit or deletion from the history, in one
//! transaction that writes its own `undo` record. Only the latest change to a
//! record can be taken back (so an undo never overwrites a later change), and
//! each change only once. Sessions, applications, reflections, unticked
//! criteria, skills and deleted goals can be restored; a reworded
//! micro-skill is refused with a pointer to the values kept in the history.
//!
//! A deleted goal comes back whole, every row with its old id: criteria,
//! extensions, sessions, applications, reflections with their tags, the plan
//! as stored, its arc membership and its retention cards with their reviews.
//! It is refused, with nothing written, when it no longer fits: its
//! micro-skill is gone, one of its ids now belongs to a newer record, or
//! another goal now holds the retention card for one of its subjects. What
//! it only pointed at and was removed since (an arc, a principle, which a
//! new one could never replace under the same id) is left out and named in
//! the undo's summary: the goal returns outside that arc, without that tag
//! or card. Goal deletions recorded before they kept all of this are refused.

use crate::audit::{self, Change};
use crate::edit::{KEPT_GOAL_SINCE_UNDO, KeptGoal, ensure_evidence_open, json, reflection_goal};
use crate::journal::{
    insert_card, insert_goal, insert_goal_arc, insert_plan, insert_reflection, write_application,
    write_session,
};
use crate::row::{RowExt, ts};
use crate::{Error, Result, Store};
use chrono::{DateTime, Utc};
use mm_core::balance::Membership;
use mm_core::journal::{AuditAction, AuditRecord, CardRecord, GoalArcRecord};
use mm_core::retention::Subject;
use mm_core::*;
use serde::de::DeserializeOwned;
use sqlx::AnyConnection;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

fn value<T: DeserializeOwned>(v: Option<&serde_json::Value>, id: i64) -> Result<T> {
    v.cloned()
        .and_then(|v| serde_json::from_value(v).ok())
        .ok_or_else(|| {
            Error::Corrupt(format!(
                "history record {id} does not hold the values to restore"
            ))
        })
}

/// Whether `table` has a row with `id`.
async fn exists(conn: &mut AnyConnection, table: &str, id: i64) -> Result<bool> {
    Ok(
        sqlx::query(&format!("SELECT COUNT(*) AS n FROM {table} WHERE id = $1"))
            .bind(id)
            .fetch_one(&mut *conn)
            .await?
            .int("n")?
            > 0,
    )
}

fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Put back the goal deletion #`n` removed, every row with its id, after
/// checking that it all still fits. Returns the values as restored and what
/// was left out because it pointed at a record removed since.
async fn restore_goal(
    conn: &mut AnyConnection,
    before: Option<&serde_json::Value>,
    n: i64,
) -> Result<(serde_json::Value, Vec<String>)> {
    if let Some(b) = before
        && KEPT_GOAL_SINCE_UNDO.iter().any(|k| b.get(k).is_none())
    {
        return Err(Error::Invalid(format!(
            "#{n} was recorded by an older version, which did not keep everything a goal's deletion removes (its retention cards, arc, the plan as stored), so it cannot be undone; what it kept stays in the history"
        )));
    }
    let mut kept: KeptGoal = value(before, n)?;
    let g = kept.goal.id;
    let micro = kept.goal.micro_skill_id;
    if !exists(conn, "micro_skills", micro.0).await? {
        return Err(Error::Invalid(format!(
            "goal {g} practised micro-skill {micro}, which is gone; the goal cannot come back without it"
        )));
    }
    // What it only pointed at and was removed since is left out, and said.
    let mut left_out = Vec::new();
    let mut principle_gone = HashMap::new();
    let tagged = kept
        .reflections
        .iter()
        .flat_map(|r| r.principles.iter().copied());
    let recalled = kept
        .retention_cards
        .iter()
        .filter_map(|c| match c.card.subject {
            Subject::Principle { id } => Some(id),
            Subject::MicroSkill { .. } => None,
        });
    for p in tagged.chain(recalled).collect::<Vec<_>>() {
        if let Entry::Vacant(e) = principle_gone.entry(p) {
            e.insert(!exists(conn, "principles", p.0).await?);
        }
    }
    for r in &mut kept.reflections {
        for p in r.principles.iter().filter(|p| principle_gone[p]) {
            left_out.push(format!("reflection {}'s tag of principle {p}", r.id));
        }
        r.principles.retain(|p| !principle_gone[p]);
    }
    kept.retention_cards.retain(|c| match c.card.subject {
        Subject::Principle { id } if principle_gone[&id] => {
            left_out.push(format!(
                "the retention card for {:?} (principle {id})",
                c.card.label
            ));
            false
        }
        _ => true,
    });
    if let Some(GoalArcRecord {
        membership: Membership::Arc(a),
        ..
    }) = kept.goal_arc
        && !exists(conn, "arcs", a.0).await?
    {
        left_out.push(format!("its place in arc {a}"));
        kept.goal_arc = None;
    }
    // One card per subject: a goal on the same micro-skill may have started
    // its own since.
    for c in &kept.retention_cards {
        let (kind, sid) = match c.card.subject {
            Subject::MicroSkill { id } => ("micro_skill", id.0),
            Subject::Principle { id } => ("principle", id.0),
        };
        if let Some(other) = sqlx::query(
            "SELECT goal_id FROM retention_cards WHERE subject_kind = $1 AND subject_id = $2",
        )
        .bind(kind)
        .bind(sid)
        .fetch_optional(&mut *conn)
        .await?
        {
            return Err(Error::Invalid(format!(
                "goal {} now holds the retention card for {:?}, which goal {g} had; goal {g} cannot come back beside it",
                other.int("goal_id")?,
                c.card.label
            )));
        }
    }
    // Every row comes back under its old id; SQLite hands a freed id to the
    // next new record, so one may be taken.
    let mut wanted: Vec<(&str, &str, i64)> = vec![("goals", "goal", g.0)];
    wanted.extend(
        kept.goal
            .criteria
            .iter()
            .map(|c| ("criteria", "criterion", c.id.0)),
    );
    wanted.extend(
        kept.sessions
            .iter()
            .map(|s| ("sessions", "session", s.id.0)),
    );
    wanted.extend(
        kept.applications
            .iter()
            .map(|a| ("applications", "application", a.id.0)),
    );
    wanted.extend(
        kept.reflections
            .iter()
            .map(|r| ("reflections", "reflection", r.id.0)),
    );
    wanted.extend(
        kept.retention_cards
            .iter()
            .map(|c| ("retention_cards", "retention card", c.card.id)),
    );
    let mut taken = Vec::new();
    for (table, what, id) in wanted {
        if exists(conn, table, id).await? {
            taken.push(format!("{what} {id}"));
        }
    }
    if !taken.is_empty() {
        return Err(Error::Invalid(format!(
            "goal {g} cannot come back with its ids: {} now belong(s) to newer records; delete those first",
            and_list(&taken)
        )));
    }

    insert_goal(conn, &kept.goal).await?;
    for s in &kept.sessions {
        write_session(conn, s, true).await?;
    }
    for a in &kept.applications {
        write_application(conn, a, true).await?;
    }
    for r in &kept.reflections {
        insert_reflection(conn, r).await?;
    }
    if let Some(p) = &kept.plan_row {
        insert_plan(conn, g, &p.made_at, &p.plan).await?;
    }
    if let Some(l) = &kept.goal_arc {
        insert_goal_arc(conn, l).await?;
    }
    for c in &kept.retention_cards {
        let exact = |v: &str| {
            v.parse::<f64>().map_err(|_| {
                Error::Corrupt(format!(
                    "history record {n} holds {v:?} as a card's FSRS state"
                ))
            })
        };
        let card = CardRecord {
            stability: exact(&c.stability)?,
            difficulty: exact(&c.difficulty)?,
            ..c.card.clone()
        };
        insert_card(conn, &card).await?;
    }
    Ok((json(&kept)?, left_out))
}

impl Store {
    /// Take back change `id` of the history, or the latest change not yet
    /// taken back when `id` is `None`. Returns the new `undo` record.
    ///
    /// # Errors
    /// [`Error::NotFound`] for an unknown change or nothing left to undo;
    /// [`Error::Invalid`] for a change already undone, one a later change
    /// built on, an undo itself, a kind that cannot be restored, or a
    /// restored record that no longer fits (its goal achieved or gone; for a
    /// goal: its micro-skill gone, its ids or a card's subject taken).
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
        let mut left_out: Vec<String> = Vec::new();
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
            (AuditAction::Delete, "goal") => {
                let (restored, out) = restore_goal(&mut tx, before, n).await?;
                left_out = out;
                (None, restored)
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
                summary: if left_out.is_empty() {
                    format!("undo #{n}: {}", target.summary)
                } else {
                    format!(
                        "undo #{n}: {}; without what was removed since: {}",
                        target.summary,
                        and_list(&left_out)
                    )
                },
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
