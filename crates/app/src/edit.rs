//! Change what was recorded after the fact: edit or delete a session, an
//! application or a reflection; reword a micro-skill; rename a skill or link
//! it to a taxonomy concept; delete a goal; list the history and undo. Each
//! change is one store transaction with its audit record.

use crate::{App, Error, Result};
use chrono::Duration;
use mm_core::journal::AuditRecord;
use mm_core::parse::parse_minutes;
use mm_core::*;
use mm_store::{
    ApplicationPatch, DeletedGoal, MicroSkillPatch, ReflectionPatch, SessionPatch, SkillPatch,
};
use serde::Serialize;

/// New values for a session; `None` keeps the recorded one.
#[derive(Debug, Clone, Default)]
pub struct SessionEdit {
    /// When it started (keeps its length unless `lasted` is given).
    pub at: Option<String>,
    /// Focused time (`40m`).
    pub minutes: Option<String>,
    /// Wall-clock length, breaks included.
    pub lasted: Option<String>,
    pub aim: Option<String>,
    pub reps: Option<u32>,
    pub errors: Option<u32>,
    pub interruptions: Option<u32>,
    /// `Some(None)` clears it.
    pub difficulty: Option<Option<u8>>,
    pub feedback: Option<Option<String>>,
    pub notes: Option<Option<String>>,
}

/// Edit a practice session.
///
/// # Errors
/// Invalid, naming the field, for a value that is not one; conflict for the
/// evidence of an achieved goal; not found for an unknown session.
pub async fn session(app: &App, id: SessionId, e: SessionEdit) -> Result<Session> {
    let p = app.person();
    let store = app.store();
    let old = store.get_session(id).await?;
    let field = |f: &'static str| move |e: mm_core::Error| Error::invalid_field(f, e.to_string());
    let started_at = e.at.as_deref().map(|s| p.parse_moment(s)).transpose()?;
    let lasted = e
        .lasted
        .as_deref()
        .map(parse_minutes)
        .transpose()
        .map_err(field("lasted"))?;
    let patch = SessionPatch {
        started_at,
        ended_at: lasted
            .map(|m| started_at.unwrap_or(old.started_at) + Duration::minutes(i64::from(m))),
        focused_minutes: e
            .minutes
            .as_deref()
            .map(parse_minutes)
            .transpose()
            .map_err(field("minutes"))?,
        interruptions: e.interruptions,
        aim: e.aim,
        reps: e.reps,
        errors: e.errors,
        difficulty: e.difficulty,
        feedback: e.feedback,
        notes: e.notes,
    };
    Ok(store.edit_session(id, &patch, p.now).await?)
}

/// New values for an application; `None` keeps the recorded one.
#[derive(Debug, Clone, Default)]
pub struct ApplicationEdit {
    pub at: Option<String>,
    pub context: Option<String>,
    pub outcome: Option<String>,
    pub impact: Option<Option<String>>,
    pub evidence: Option<Option<Evidence>>,
}

/// Edit an application.
///
/// # Errors
/// As for [`session`].
pub async fn application(app: &App, id: ApplicationId, e: ApplicationEdit) -> Result<Application> {
    let p = app.person();
    let patch = ApplicationPatch {
        at: e.at.as_deref().map(|s| p.parse_moment(s)).transpose()?,
        context: e.context,
        outcome: e.outcome,
        impact: e.impact,
        evidence: e.evidence,
    };
    Ok(app.store().edit_application(id, &patch, p.now).await?)
}

/// Edit a reflection's text.
///
/// # Errors
/// As for [`session`].
pub async fn reflection(
    app: &App,
    id: ReflectionId,
    patch: &ReflectionPatch,
) -> Result<Reflection> {
    Ok(app
        .store()
        .edit_reflection(id, patch, app.person().now)
        .await?)
}

/// Reword a micro-skill (by id or name), its principles and resources.
///
/// # Errors
/// Not found for an unknown micro-skill; invalid for a patch the rules refuse.
pub async fn micro_skill(app: &App, key: &str, patch: &MicroSkillPatch) -> Result<MicroSkill> {
    let store = app.store();
    let micro = store.find_micro_skill(key).await?;
    Ok(store
        .edit_micro_skill(micro.id, patch, app.person().now)
        .await?)
}

/// Change a skill (by id, name or URI).
///
/// # Errors
/// Not found for an unknown skill; invalid for a name taken or blank.
pub async fn skill(app: &App, key: &str, patch: &SkillPatch) -> Result<Skill> {
    let store = app.store();
    let s = store.find_skill(key).await?;
    Ok(store.edit_skill(s.id, patch, app.person().now).await?)
}

/// Link a skill to an ESCO concept (a URI, or a label naming one skill), or
/// unlink it with `None`.
///
/// # Errors
/// Invalid, naming `concept`, for a URI or label the shipped taxonomy does
/// not know or that names several skills.
pub async fn link_skill(app: &App, key: &str, concept: Option<&str>) -> Result<Skill> {
    let uri = concept.map(resolve_concept).transpose()?;
    skill(
        app,
        key,
        &SkillPatch {
            taxonomy_uri: Some(uri),
            ..SkillPatch::default()
        },
    )
    .await
}

/// An ESCO skill URI for `what`: a URI the taxonomy knows, or a label that
/// names exactly one skill (or one preferred label).
fn resolve_concept(what: &str) -> Result<String> {
    let what = what.trim();
    let bad = |m: String| Error::invalid_field("concept", m);
    let tax = mm_taxonomy::Taxonomy::load_embedded()
        .map_err(|e| Error::internal(format!("loading the shipped taxonomy: {e}")))?;
    if what.contains("://") {
        return match tax.skill_by_uri(what) {
            Some(i) => Ok(tax.skill(i).uri.clone()),
            None => Err(bad(format!(
                "{what} is not an ESCO skill URI the shipped taxonomy knows"
            ))),
        };
    }
    let hits = tax.skills_by_label(what);
    let preferred: Vec<_> = hits
        .iter()
        .copied()
        .filter(|&h| tax.skill(h).preferred.eq_ignore_ascii_case(what))
        .collect();
    let chosen = match (preferred.as_slice(), hits.as_slice()) {
        ([one], _) | ([], [one]) => *one,
        ([], []) => {
            let sugg: Vec<String> = mm_taxonomy::map::Mapper::new(&tax)
                .rank(what, 3)
                .iter()
                .map(|&(i, _)| format!("\"{}\"", tax.skill(i).preferred))
                .collect();
            let hint = if sugg.is_empty() {
                String::new()
            } else {
                format!("; did you mean {}?", sugg.join(", "))
            };
            return Err(bad(format!("no ESCO skill has the label {what:?}{hint}")));
        }
        _ => {
            let names: Vec<String> = hits
                .iter()
                .take(5)
                .map(|&h| format!("{} <{}>", tax.skill(h).preferred, tax.skill(h).uri))
                .collect();
            return Err(bad(format!(
                "{what:?} is a label of {} ESCO skills; link by URI, one of: {}",
                hits.len(),
                names.join("; ")
            )));
        }
    };
    Ok(tax.skill(chosen).uri.clone())
}

/// A deleted session and the reflections on it that went with it.
#[derive(Debug, Clone, Serialize)]
pub struct DeletedSession {
    pub session: Session,
    pub reflections: Vec<Reflection>,
}

/// Delete a session and any reflection on it.
///
/// # Errors
/// Not found; conflict for the evidence of an achieved goal.
pub async fn delete_session(app: &App, id: SessionId) -> Result<DeletedSession> {
    let (session, reflections) = app.store().delete_session(id, app.person().now).await?;
    Ok(DeletedSession {
        session,
        reflections,
    })
}

/// Delete an application.
///
/// # Errors
/// As for [`delete_session`].
pub async fn delete_application(app: &App, id: ApplicationId) -> Result<Application> {
    Ok(app.store().delete_application(id, app.person().now).await?)
}

/// Delete a reflection.
///
/// # Errors
/// As for [`delete_session`].
pub async fn delete_reflection(app: &App, id: ReflectionId) -> Result<Reflection> {
    Ok(app.store().delete_reflection(id, app.person().now).await?)
}

/// What deleting a goal would take with it, to ask before.
#[derive(Debug, Clone, Serialize)]
pub struct GoalSummary {
    pub goal: Goal,
    pub micro_skill: String,
    pub sessions: usize,
    pub applications: usize,
}

/// Summarise a goal before deleting it.
///
/// # Errors
/// Not found for an unknown goal.
pub async fn goal_summary(app: &App, id: GoalId) -> Result<GoalSummary> {
    let store = app.store();
    let goal = store.get_goal(id).await?;
    Ok(GoalSummary {
        micro_skill: store.get_micro_skill(goal.micro_skill_id).await?.name,
        sessions: store.list_sessions(Some(id)).await?.len(),
        applications: store.list_applications(Some(id)).await?.len(),
        goal,
    })
}

/// Delete a goal with everything recorded on it.
///
/// # Errors
/// Not found; conflict for a goal with an issued badge.
pub async fn delete_goal(app: &App, id: GoalId) -> Result<DeletedGoal> {
    Ok(app.store().delete_goal(id, app.person().now).await?)
}

/// The edits and deletions, oldest first (the last `last` only, if given).
///
/// # Errors
/// When the journal cannot be read.
pub async fn history(app: &App, last: Option<usize>) -> Result<Vec<AuditRecord>> {
    Ok(app.store().list_history(last).await?)
}

/// Take back the latest change, or change `id`.
///
/// # Errors
/// Not found; conflict when a later change depends on it.
pub async fn undo(app: &App, id: Option<i64>) -> Result<AuditRecord> {
    Ok(app.store().undo(id, app.person().now).await?)
}
