//! The journal: everything a person has recorded, as one versioned document.
//!
//! `mm export` writes it and `mm import` reads it back; the round trip is
//! lossless. [`Journal::validate`] checks a document completely before any
//! of it is written.

use crate::error::{Error, Result};

use crate::model::*;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// The journal format this build writes, and the newest it reads.
pub const JOURNAL_VERSION: u32 = 1;

/// Everything a person has recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Journal {
    /// Format version; see [`JOURNAL_VERSION`].
    pub version: u32,
    pub exported_at: DateTime<Utc>,
    pub skills: Vec<Skill>,
    pub micro_skills: Vec<MicroSkill>,
    pub goals: Vec<Goal>,
    pub sessions: Vec<Session>,
    pub applications: Vec<Application>,
    pub reflections: Vec<Reflection>,
    /// Person-level settings (mastery rule, profile...), as stored.
    #[serde(default)]
    pub settings: BTreeMap<String, serde_json::Value>,
}

impl Journal {
    /// Read a journal from JSON, refusing a version newer than this build knows.
    ///
    /// # Errors
    /// [`Error::Invalid`] for malformed or truncated JSON, a future version, or a
    /// document whose records do not hold together (see [`Journal::validate`]).
    pub fn from_json(text: &str) -> Result<Journal> {
        #[derive(Deserialize)]
        struct Head {
            version: Option<u32>,
        }
        let head: Head = serde_json::from_str(text).map_err(|e| {
            Error::invalid(format!("not a Micromastery journal: {}", json_error(&e)))
        })?;
        match head.version {
            None => {
                return Err(Error::invalid(
                    "not a Micromastery journal: no \"version\" field",
                ));
            }
            Some(v) if v > JOURNAL_VERSION => {
                return Err(Error::invalid(format!(
                    "this journal has format version {v}, newer than this mm understands ({JOURNAL_VERSION}); update mm to import it"
                )));
            }
            Some(0) => return Err(Error::invalid("journal format version 0 does not exist")),
            Some(_) => {}
        }
        let journal: Journal = serde_json::from_str(text)
            .map_err(|e| Error::invalid(format!("journal is malformed: {}", json_error(&e))))?;
        journal.validate()?;
        Ok(journal)
    }

    /// Check that every record is valid and every reference points at a record
    /// in the document, with no id used twice.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the first problem found.
    pub fn validate(&self) -> Result<()> {
        fn unique<I: std::hash::Hash + Eq + std::fmt::Display>(
            what: &str,
            ids: impl Iterator<Item = I>,
        ) -> Result<HashSet<I>> {
            let mut set = HashSet::new();
            for id in ids {
                if set.contains(&id) {
                    return Err(Error::invalid(format!("{what} id {id} appears twice")));
                }
                set.insert(id);
            }
            Ok(set)
        }
        let skills = unique("skill", self.skills.iter().map(|s| s.id))?;
        let micros = unique("micro-skill", self.micro_skills.iter().map(|m| m.id))?;
        let goals = unique("goal", self.goals.iter().map(|g| g.id))?;
        let sessions = unique("session", self.sessions.iter().map(|s| s.id))?;
        unique("application", self.applications.iter().map(|a| a.id))?;
        unique("reflection", self.reflections.iter().map(|r| r.id))?;
        let principles = unique(
            "principle",
            self.micro_skills
                .iter()
                .flat_map(|m| m.principles.iter().map(|p| p.id)),
        )?;
        unique(
            "criterion",
            self.goals
                .iter()
                .flat_map(|g| g.criteria.iter().map(|c| c.id)),
        )?;
        for s in &self.skills {
            NewSkill {
                name: s.name.clone(),
                kind: s.kind,
                taxonomy_uri: s.taxonomy_uri.clone(),
                description: s.description.clone(),
                held_level: s.held_level,
            }
            .validate()
            .map_err(|e| Error::invalid(format!("skill {}: {e}", s.id)))?;
        }
        for m in &self.micro_skills {
            if !skills.contains(&m.skill_id) {
                return Err(Error::invalid(format!(
                    "micro-skill {} refers to skill {}, which is not in the journal",
                    m.id, m.skill_id
                )));
            }
            if m.principles.is_empty() {
                return Err(Error::invalid(format!(
                    "micro-skill {} has no principle",
                    m.id
                )));
            }
        }
        for g in &self.goals {
            if !micros.contains(&g.micro_skill_id) {
                return Err(Error::invalid(format!(
                    "goal {} refers to micro-skill {}, which is not in the journal",
                    g.id, g.micro_skill_id
                )));
            }
            if g.weekly_minutes == 0 || g.criteria.is_empty() || g.deadline < g.start {
                return Err(Error::invalid(format!(
                    "goal {} is inconsistent (budget, criteria or dates)",
                    g.id
                )));
            }
        }
        for s in &self.sessions {
            if !goals.contains(&s.goal_id) {
                return Err(Error::invalid(format!(
                    "session {} refers to goal {}, which is not in the journal",
                    s.id, s.goal_id
                )));
            }
            if s.focused_minutes == 0 || s.ended_at <= s.started_at {
                return Err(Error::invalid(format!("session {} is inconsistent", s.id)));
            }
        }
        for a in &self.applications {
            if !goals.contains(&a.goal_id) {
                return Err(Error::invalid(format!(
                    "application {} refers to goal {}, which is not in the journal",
                    a.id, a.goal_id
                )));
            }
        }
        for r in &self.reflections {
            let ok = match r.target {
                ReflectionTarget::Session { id } => sessions.contains(&id),
                ReflectionTarget::Goal { id } => goals.contains(&id),
                ReflectionTarget::Week { .. } => true,
            };
            if !ok {
                return Err(Error::invalid(format!(
                    "reflection {} looks back on a record that is not in the journal",
                    r.id
                )));
            }
            if let Some(p) = r.principles.iter().find(|p| !principles.contains(p)) {
                return Err(Error::invalid(format!(
                    "reflection {} names principle {p}, which is not in the journal",
                    r.id
                )));
            }
        }
        Ok(())
    }
}

fn json_error(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    match e.classify() {
        Category::Eof => format!("the file ends too early (truncated?) at line {}", e.line()),
        _ => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::*;

    fn empty() -> Journal {
        Journal {
            version: JOURNAL_VERSION,
            exported_at: DateTime::<Utc>::UNIX_EPOCH,
            skills: vec![],
            micro_skills: vec![],
            goals: vec![],
            sessions: vec![],
            applications: vec![],
            reflections: vec![],
            settings: BTreeMap::new(),
        }
    }

    #[test]
    fn future_version_is_refused() {
        let mut j = serde_json::to_value(empty()).unwrap();
        j["version"] = 99.into();
        let err = Journal::from_json(&j.to_string()).unwrap_err().to_string();
        assert!(err.contains("newer than this mm"), "{err}");
    }

    #[test]
    fn truncated_is_refused() {
        let text = serde_json::to_string(&empty()).unwrap();
        let err = Journal::from_json(&text[..text.len() / 2])
            .unwrap_err()
            .to_string();
        assert!(err.contains("truncated"), "{err}");
    }

    #[test]
    fn dangling_reference_is_refused() {
        let mut j = empty();
        j.micro_skills.push(MicroSkill {
            id: MicroSkillId(1),
            skill_id: SkillId(42),
            name: "x".into(),
            principles: vec![Principle {
                id: PrincipleId(1),
                name: "p".into(),
                description: None,
            }],
            resources: vec![],
            created_at: DateTime::<Utc>::UNIX_EPOCH,
        });
        let err = j.validate().unwrap_err().to_string();
        assert!(err.contains("skill 42"), "{err}");
    }

    #[test]
    fn round_trip() {
        let j = empty();
        let back = Journal::from_json(&serde_json::to_string(&j).unwrap()).unwrap();
        assert_eq!(j, back);
    }
}
