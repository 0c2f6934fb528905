//! Applying the skill for real, and reflecting on it: what worked, what did
//! not, what next, and which principles the reflection is about.

use crate::{App, Error, Result};
use mm_core::*;
use sha2::{Digest as _, Sha256};
use std::io::Read;

/// A real application of a goal's skill.
#[derive(Debug, Clone)]
pub struct ApplyInput {
    pub goal: GoalId,
    /// When (`now`, `yesterday 15:00`, a date and time).
    pub at: String,
    pub context: String,
    pub outcome: String,
    pub impact: Option<String>,
    /// A link, or a file's name and digest (see [`file_evidence`]).
    pub evidence: Option<Evidence>,
}

/// Evidence kept as a file's name and SHA-256: the journal records which file
/// proves the application, the person keeps the file itself (the CLI reads it
/// from disk, the web app from an upload). Only the final component of `name`
/// is kept.
///
/// # Errors
/// Invalid (field `evidence`) for a file without a name or one that cannot be
/// read to its end.
pub fn file_evidence(name: &str, mut file: impl Read) -> Result<Evidence> {
    let base = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    if base.is_empty() {
        return Err(Error::invalid_field(
            "evidence",
            "the evidence file has no name",
        ));
    }
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| {
        Error::invalid_field(
            "evidence",
            format!("the evidence file {base:?} cannot be read: {e}"),
        )
    })?;
    Ok(Evidence::File {
        name: base,
        sha256: format!("{:x}", hasher.finalize()),
    })
}

/// Evidence that is a link to the work.
///
/// # Errors
/// Invalid (field `evidence`) for text that is not a link.
pub fn link_evidence(url: &str) -> Result<Evidence> {
    let e = Evidence::Link {
        url: url.trim().to_owned(),
    };
    e.validate()
        .map_err(|err| Error::invalid_field("evidence", err.to_string()))?;
    Ok(e)
}

fn required(field: &'static str, what: &str, text: &str) -> Result<()> {
    if text.trim().is_empty() {
        Err(Error::invalid_field(field, format!("say {what}")))
    } else {
        Ok(())
    }
}

/// Record an application.
///
/// # Errors
/// Invalid for a moment that is not one or blank text; not found for an
/// unknown goal.
pub async fn apply(app: &App, input: ApplyInput) -> Result<Application> {
    let p = app.person();
    required(
        "context",
        "where the skill was used (a project, a meeting, a task)",
        &input.context,
    )?;
    required("outcome", "what came of it", &input.outcome)?;
    let at = p
        .parse_moment(&input.at)
        .map_err(|e| Error::invalid_field("at", e.message()))?;
    if at > p.now {
        return Err(Error::invalid_field(
            "at",
            "an application cannot be in the future",
        ));
    }
    if let Some(e) = &input.evidence {
        e.validate()
            .map_err(|err| Error::invalid_field("evidence", err.to_string()))?;
    }
    Ok(app
        .store()
        .add_application(
            &NewApplication {
                goal_id: input.goal,
                at,
                context: input.context,
                outcome: input.outcome,
                impact: input.impact,
                evidence: input.evidence,
            },
            p.now,
        )
        .await?)
}

/// What a reflection is about.
#[derive(Debug, Clone, Copy)]
pub enum About {
    Goal(GoalId),
    Session(SessionId),
    Week(Week),
    /// The current week.
    ThisWeek,
}

/// A reflection.
#[derive(Debug, Clone)]
pub struct ReflectInput {
    pub about: About,
    pub worked: String,
    pub didnt: String,
    pub next: String,
    /// Principles by id or name.
    pub principles: Vec<String>,
}

/// Record a reflection. A principle named by several micro-skills is taken
/// from the goal's own micro-skill when the reflection is about a goal or
/// one of its sessions.
///
/// # Errors
/// Not found for an unknown principle, goal or session; invalid for an
/// ambiguous principle name.
pub async fn reflect(app: &App, input: ReflectInput) -> Result<Reflection> {
    let store = app.store();
    if [&input.worked, &input.didnt, &input.next]
        .iter()
        .all(|t| t.trim().is_empty())
    {
        return Err(Error::invalid_field(
            "worked",
            "say what worked, what did not, or what to do next",
        ));
    }
    let target = match input.about {
        About::Goal(id) => ReflectionTarget::Goal { id },
        About::Session(id) => ReflectionTarget::Session { id },
        About::Week(week) => ReflectionTarget::Week { week },
        About::ThisWeek => ReflectionTarget::Week {
            week: Week::of(app.person().today()),
        },
    };
    // Which goal's principles to prefer when a name is ambiguous.
    let goal = match target {
        ReflectionTarget::Goal { id } => Some(id),
        ReflectionTarget::Session { id } => Some(store.get_session(id).await?.goal_id),
        ReflectionTarget::Week { .. } => None,
    };
    let micros = store.list_micro_skills(None).await?;
    let preferred = match goal {
        Some(gid) => Some(store.get_goal(gid).await?.micro_skill_id),
        None => None,
    };
    let principles = input
        .principles
        .iter()
        .map(|key| resolve_principle(key, &micros, preferred))
        .collect::<Result<Vec<_>>>()?;
    Ok(store
        .add_reflection(&NewReflection {
            target,
            at: app.person().now,
            worked: input.worked,
            didnt: input.didnt,
            next: input.next,
            principles,
        })
        .await?)
}

fn resolve_principle(
    key: &str,
    micros: &[MicroSkill],
    preferred: Option<MicroSkillId>,
) -> Result<PrincipleId> {
    let all = micros
        .iter()
        .flat_map(|m| m.principles.iter().map(move |p| (m.id, p)));
    if let Ok(id) = key.trim().trim_start_matches('#').parse::<i64>() {
        if let Some((_, p)) = all.clone().find(|(_, p)| p.id.0 == id) {
            return Ok(p.id);
        }
        return Err(Error::not_found("principle", id));
    }
    let wanted = key.trim().to_lowercase();
    let hits: Vec<_> = all
        .filter(|(_, p)| p.name.to_lowercase() == wanted)
        .collect();
    if let Some(m) = preferred
        && let Some((_, p)) = hits.iter().find(|(mid, _)| *mid == m)
    {
        return Ok(p.id);
    }
    match hits.as_slice() {
        [] => Err(Error::not_found("principle", format!("named {key:?}"))),
        [(_, p)] => Ok(p.id),
        _ => Err(Error::invalid_field(
            "principle",
            format!("several micro-skills have a principle named {key:?}: use its id"),
        )),
    }
}
