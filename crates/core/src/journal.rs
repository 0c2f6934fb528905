//! The journal: everything a person has recorded, as one versioned document.
//!
//! `mm export` writes it and `mm import` reads it back; the round trip is
//! lossless: every table the store holds is either carried here or rebuilt
//! from what is (the store lists which, with a reason). [`Journal::validate`]
//! checks a document completely before any of it is written.
//!
//! Format versions:
//! * 1: skills, micro-skills, goals, sessions, applications, reflections,
//!   settings.
//! * 2 (this build): adds plans (with the calendar state they carry), arcs and
//!   goal–arc links, retention cards with their reviews, issued credentials as
//!   signed with their revocations, saved market analyses, and the history of
//!   edits and deletions. A version 1 document reads as a version 2 one with
//!   those lists empty.
//!
//! ```
//! use mm_core::journal::{Journal, JOURNAL_VERSION};
//! let text = serde_json::to_string(&Journal::default()).unwrap();
//! let back = Journal::from_json(&text).unwrap();
//! assert_eq!(back.version, JOURNAL_VERSION);
//! ```

use crate::error::{Error, Result};

use crate::balance::{ArcId, Membership};
use crate::ids::*;
use crate::model::*;
use crate::plan::Plan;
use crate::retention::{Review, Subject};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// The journal format this build writes, and the newest it reads.
pub const JOURNAL_VERSION: u32 = 2;

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
    /// Person-level settings (mastery rule, profile, calendar state...), as stored.
    #[serde(default)]
    pub settings: BTreeMap<String, serde_json::Value>,
    /// Each goal's current plan (since version 2).
    #[serde(default)]
    pub plans: Vec<Plan>,
    /// Long-term arcs (since version 2).
    #[serde(default)]
    pub arcs: Vec<ArcRecord>,
    /// Where each assigned goal belongs (since version 2).
    #[serde(default)]
    pub goal_arcs: Vec<GoalArcRecord>,
    /// FSRS retention cards with their review history (since version 2).
    #[serde(default)]
    pub retention_cards: Vec<CardRecord>,
    /// Issued credentials, exactly as signed, with any revocation (since version 2).
    #[serde(default)]
    pub credentials: Vec<CredentialRecord>,
    /// Saved market analyses (since version 2).
    #[serde(default)]
    pub market_analyses: Vec<MarketAnalysisRecord>,
    /// Every edit and deletion, oldest first (since version 2).
    #[serde(default)]
    pub history: Vec<AuditRecord>,
    /// The person's own micro-skill catalogue, each entry as saved (since version 2).
    #[serde(default)]
    pub personal_catalogue: Vec<CatalogueEntryRecord>,
}

impl Default for Journal {
    /// An empty journal of the current version, exported at the Unix epoch.
    fn default() -> Self {
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
            plans: vec![],
            arcs: vec![],
            goal_arcs: vec![],
            retention_cards: vec![],
            credentials: vec![],
            market_analyses: vec![],
            history: vec![],
            personal_catalogue: vec![],
        }
    }
}

/// A long-term arc as stored (with the moment it was declared).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArcRecord {
    pub id: ArcId,
    pub name: String,
    pub description: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// A goal's place: in an arc, or standalone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalArcRecord {
    pub goal_id: GoalId,
    pub membership: Membership,
}

/// A retention card as stored: its id, FSRS state at full precision, and
/// every review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardRecord {
    pub id: i64,
    pub goal_id: GoalId,
    pub subject: Subject,
    pub label: String,
    pub stability: f64,
    pub difficulty: f64,
    pub last_review: NaiveDate,
    pub due: NaiveDate,
    pub reviews: Vec<Review>,
}

/// An issued Open Badges credential in every form it was handed out, as
/// signed (exact text), and its revocation if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CredentialRecord {
    /// `urn:uuid:…`
    pub id: String,
    pub goal_id: GoalId,
    pub issued_at: DateTime<Utc>,
    pub credential: String,
    pub jwt_eddsa: String,
    pub jwt_rs256: String,
    pub revoked_at: Option<DateTime<Utc>>,
    pub revocation_reason: Option<String>,
}

/// A saved market analysis with its per-skill rows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketAnalysisRecord {
    pub id: i64,
    pub name: String,
    pub sources: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub postings: u64,
    pub dated: u64,
    pub report: serde_json::Value,
    pub skills: Vec<MarketSkillRecord>,
}

/// One entry of the personal micro-skill catalogue. The entry itself is kept
/// as the catalogue crate wrote it (its shape belongs to `mm-micro`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueEntryRecord {
    pub id: String,
    pub name: String,
    /// Where it came from: `catalogue`, `case`, `own`, ...
    pub origin: String,
    pub entry: serde_json::Value,
    pub saved_at: DateTime<Utc>,
}

/// One skill's share in a saved analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketSkillRecord {
    pub skill_uri: String,
    pub label: String,
    pub postings: u64,
    pub share: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub trend_slope: Option<f64>,
    pub trend_p: Option<f64>,
}

/// What kind of change an audit record describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// Values changed in place.
    Edit,
    /// The record (and what hung on it) was removed.
    Delete,
    /// An earlier edit or deletion was taken back (see [`AuditRecord::undoes`]).
    Undo,
}

impl AuditAction {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Edit => "edit",
            AuditAction::Delete => "delete",
            AuditAction::Undo => "undo",
        }
    }
}

impl std::str::FromStr for AuditAction {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "edit" => Ok(AuditAction::Edit),
            "delete" => Ok(AuditAction::Delete),
            "undo" => Ok(AuditAction::Undo),
            other => Err(Error::invalid(format!("{other:?} is not an audit action"))),
        }
    }
}

/// One change to the journal after the fact: what, when, and the record's
/// values before and after (`after` is absent for a deletion), so the change
/// can be read back and undone by hand.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub action: AuditAction,
    /// `session`, `application`, `reflection`, `micro_skill`, `skill`,
    /// `goal` or `criterion`.
    pub record: String,
    pub record_id: String,
    /// One line for people, e.g. `session 4: aim, notes`.
    pub summary: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    /// For an undo, the id of the record it took back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes: Option<i64>,
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
        let mut journal: Journal = serde_json::from_str(text)
            .map_err(|e| Error::invalid(format!("journal is malformed: {}", json_error(&e))))?;
        if journal.version < 2 {
            // Version 1 had none of the later lists; a version 1 document
            // that names them was not written by mm.
            let later = !journal.plans.is_empty()
                || !journal.arcs.is_empty()
                || !journal.goal_arcs.is_empty()
                || !journal.retention_cards.is_empty()
                || !journal.credentials.is_empty()
                || !journal.market_analyses.is_empty()
                || !journal.history.is_empty()
                || !journal.personal_catalogue.is_empty();
            if later {
                return Err(Error::invalid(
                    "journal is malformed: a version 1 journal cannot hold plans, arcs, cards, credentials, market analyses or history",
                ));
            }
        }
        // Read as the current version from here on: `mm export` after an
        // import writes version 2.
        journal.version = JOURNAL_VERSION;
        journal.validate()?;
        Ok(journal)
    }

    /// Check that every record is valid and every reference points at a record
    /// in the document, with no id used twice.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the first problem found.
    pub fn validate(&self) -> Result<()> {
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
        self.validate_later_records(&goals, &micros, &principles)
    }

    /// The references of the records version 2 added.
    fn validate_later_records(
        &self,
        goals: &HashSet<GoalId>,
        micros: &HashSet<MicroSkillId>,
        principles: &HashSet<PrincipleId>,
    ) -> Result<()> {
        let goal_ref = |what: String, g: GoalId| {
            if goals.contains(&g) {
                Ok(())
            } else {
                Err(Error::invalid(format!(
                    "{what} refers to goal {g}, which is not in the journal"
                )))
            }
        };
        let mut planned = HashSet::new();
        for p in &self.plans {
            goal_ref("a plan".into(), p.goal_id)?;
            if !planned.insert(p.goal_id) {
                return Err(Error::invalid(format!("goal {} has two plans", p.goal_id)));
            }
        }
        let arcs = unique("arc", self.arcs.iter().map(|a| a.id))?;
        let mut names = HashSet::new();
        for a in &self.arcs {
            if a.name.trim().is_empty() || !names.insert(a.name.to_lowercase()) {
                return Err(Error::invalid(format!(
                    "arc {} has a blank or repeated name",
                    a.id
                )));
            }
        }
        unique("goal-arc link", self.goal_arcs.iter().map(|l| l.goal_id))?;
        for l in &self.goal_arcs {
            goal_ref("an arc link".into(), l.goal_id)?;
            if let Membership::Arc(a) = l.membership
                && !arcs.contains(&a)
            {
                return Err(Error::invalid(format!(
                    "goal {} is linked to arc {a}, which is not in the journal",
                    l.goal_id
                )));
            }
        }
        unique("retention card", self.retention_cards.iter().map(|c| c.id))?;
        let mut subjects = HashSet::new();
        for c in &self.retention_cards {
            goal_ref(format!("retention card {}", c.id), c.goal_id)?;
            let known = match c.subject {
                Subject::MicroSkill { id } => micros.contains(&id),
                Subject::Principle { id } => principles.contains(&id),
            };
            if !known || !subjects.insert(c.subject) {
                return Err(Error::invalid(format!(
                    "retention card {} recalls a missing or already-carded subject",
                    c.id
                )));
            }
            if !(c.stability.is_finite() && c.difficulty.is_finite()) {
                return Err(Error::invalid(format!(
                    "retention card {} has a non-finite FSRS state",
                    c.id
                )));
            }
        }
        unique("credential", self.credentials.iter().map(|c| c.id.clone()))?;
        for c in &self.credentials {
            goal_ref(format!("credential {}", c.id), c.goal_id)?;
        }
        unique("market analysis", self.market_analyses.iter().map(|m| m.id))?;
        for m in &self.market_analyses {
            if m.name.trim().is_empty() {
                return Err(Error::invalid(format!(
                    "market analysis {} has no name",
                    m.id
                )));
            }
            unique(
                &format!("market analysis {}: skill", m.id),
                m.skills.iter().map(|s| s.skill_uri.clone()),
            )?;
        }
        unique("history record", self.history.iter().map(|h| h.id))?;
        Ok(())
    }
}

/// The set of `ids`, refusing one that appears twice.
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

    /// Every decimal a journal holds must come back bit for bit: FSRS
    /// stability and difficulty (f32 widened to f64) and market shares.
    /// serde_json's default parser is off by one binary digit about one time
    /// in eight; the workspace turns on its `float_roundtrip` feature.
    #[test]
    fn decimals_survive_export_and_import_bit_for_bit() {
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let wide = f64::from(f32::from_bits((next() as u32) & 0x3FFF_FFFF));
            let plain = (next() >> 11) as f64 / (1u64 << 53) as f64 * 100.0;
            for v in [wide, plain] {
                let text = serde_json::to_string(&v).unwrap();
                let back: f64 = serde_json::from_str(&text).unwrap();
                assert_eq!(
                    back.to_bits(),
                    v.to_bits(),
                    "{v:?} read back as {back:?} from {text}"
                );
            }
        }
    }

    fn empty() -> Journal {
        Journal::default()
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
    fn version_1_reads_with_the_later_lists_empty() {
        let mut j = serde_json::to_value(empty()).unwrap();
        j["version"] = 1.into();
        for key in [
            "plans",
            "arcs",
            "goal_arcs",
            "retention_cards",
            "credentials",
            "market_analyses",
            "history",
            "personal_catalogue",
        ] {
            j.as_object_mut().unwrap().remove(key);
        }
        let back = Journal::from_json(&j.to_string()).unwrap();
        assert_eq!(back.version, JOURNAL_VERSION);
        assert!(back.plans.is_empty() && back.history.is_empty());
    }

    #[test]
    fn a_link_to_a_missing_arc_is_refused() {
        let mut j = empty();
        j.goal_arcs.push(GoalArcRecord {
            goal_id: GoalId(1),
            membership: Membership::Standalone,
        });
        let err = j.validate().unwrap_err().to_string();
        assert!(err.contains("goal 1"), "{err}");
    }

    #[test]
    fn round_trip() {
        let j = empty();
        let back = Journal::from_json(&serde_json::to_string(&j).unwrap()).unwrap();
        assert_eq!(j, back);
    }
}
