//! Skills and micro-skills: what the person sets out to master, and how a
//! new skill's name is linked to the taxonomy.

use crate::{App, Result};
use mm_core::{MicroSkill, NewMicroSkill, NewSkill, Skill};
use mm_taxonomy::Taxonomy;
use serde::Serialize;

/// A taxonomy concept a name was linked to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Concept {
    pub uri: String,
    pub label: String,
}

/// What a new skill's name links to.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "link", rename_all = "snake_case")]
pub enum Linked {
    /// The name is a concept's label or alias exactly (`Excel` → Microsoft
    /// Excel), with what holding it also covers.
    Exact {
        concept: Concept,
        /// An ESCO skill (else a technology).
        esco: bool,
        covers: Vec<String>,
    },
    /// A clear paraphrase of one ESCO skill (the shipped semantic model).
    Paraphrase { concept: Concept },
    /// Nothing clear; the closest concepts, best first.
    Unlinked { closest: Vec<Concept> },
}

impl Linked {
    /// The URI to store, if linked.
    pub fn uri(&self) -> Option<&str> {
        match self {
            Linked::Exact { concept, .. } | Linked::Paraphrase { concept } => Some(&concept.uri),
            Linked::Unlinked { .. } => None,
        }
    }
}

/// Link a new skill's name to the concept it clearly means.
///
/// # Errors
/// Internal when the shipped semantic model cannot be loaded.
pub fn link(tax: &Taxonomy, name: &str) -> Result<Linked> {
    let concept = |i| {
        let s = tax.skill(i);
        Concept {
            uri: s.uri.clone(),
            label: s.preferred.clone(),
        }
    };
    if let Some(&i) = tax.skills_by_label(name).first() {
        let covers = tax
            .covered_by_holding(i)
            .iter()
            .filter(|&&c| c != i)
            .map(|&c| tax.skill(c).preferred.clone())
            .collect();
        let c = concept(i);
        return Ok(Linked::Exact {
            esco: c.uri.starts_with("http://data.europa.eu/esco/"),
            concept: c,
            covers,
        });
    }
    let m = mm_taxonomy::map::PhraseMapper::new(tax)?;
    if let Some(i) = m.link(name) {
        return Ok(Linked::Paraphrase {
            concept: concept(i),
        });
    }
    Ok(Linked::Unlinked {
        closest: m.rank(name, 3).iter().map(|&(i, _)| concept(i)).collect(),
    })
}

/// Record a skill.
///
/// # Errors
/// Invalid for a blank name or a bad URI; conflict for a duplicate.
pub async fn add(app: &App, skill: &NewSkill) -> Result<Skill> {
    Ok(app.store().create_skill(skill, app.person().now).await?)
}

/// A skill with how many micro-skills hang from it.
#[derive(Debug, Clone, Serialize)]
pub struct SkillSummary {
    #[serde(flatten)]
    pub skill: Skill,
    pub micro_skills: usize,
}

/// Every skill.
///
/// # Errors
/// When the journal cannot be read.
pub async fn list(app: &App) -> Result<Vec<SkillSummary>> {
    let store = app.store();
    let micros = store.list_micro_skills(None).await?;
    Ok(store
        .list_skills()
        .await?
        .into_iter()
        .map(|skill| SkillSummary {
            micro_skills: micros.iter().filter(|m| m.skill_id == skill.id).count(),
            skill,
        })
        .collect())
}

/// One skill with its micro-skills.
#[derive(Debug, Clone, Serialize)]
pub struct SkillView {
    pub skill: Skill,
    pub micro_skills: Vec<MicroSkill>,
}

/// A skill by id, name or taxonomy URI, with its micro-skills.
///
/// # Errors
/// Not found (what: `skill`).
pub async fn show(app: &App, skill: &str) -> Result<SkillView> {
    let store = app.store();
    let skill = store.find_skill(skill).await?;
    Ok(SkillView {
        micro_skills: store.list_micro_skills(Some(skill.id)).await?,
        skill,
    })
}

/// A micro-skill with the name of its skill.
#[derive(Debug, Clone, Serialize)]
pub struct MicroSummary {
    #[serde(flatten)]
    pub micro: MicroSkill,
    pub skill_name: String,
}

/// Carve a micro-skill from the skill named `skill` (id, name or URI).
///
/// # Errors
/// Not found (what: `skill`); invalid without a principle.
pub async fn add_micro(app: &App, skill: &str, micro: NewMicroSkill) -> Result<MicroSummary> {
    let store = app.store();
    let skill = store.find_skill(skill).await?;
    let micro = NewMicroSkill {
        skill_id: skill.id,
        ..micro
    };
    Ok(MicroSummary {
        micro: store.create_micro_skill(&micro, app.person().now).await?,
        skill_name: skill.name,
    })
}

/// Every micro-skill with its skill's name.
///
/// # Errors
/// When the journal cannot be read.
pub async fn list_micro(app: &App) -> Result<Vec<MicroSummary>> {
    let store = app.store();
    let skills = store.list_skills().await?;
    Ok(store
        .list_micro_skills(None)
        .await?
        .into_iter()
        .map(|micro| MicroSummary {
            skill_name: skills
                .iter()
                .find(|s| s.id == micro.skill_id)
                .map(|s| s.name.clone())
                .unwrap_or_default(),
            micro,
        })
        .collect())
}

/// The skill a suggestion is filed under: one the person has, or a new one.
#[derive(Debug, Clone, PartialEq)]
pub enum SkillChoice {
    Existing(Skill),
    New(NewSkill),
}

/// The micro-skill a suggestion becomes: one the person has, or a new one
/// (its `skill_id` is set when the skill is written).
#[derive(Debug, Clone, PartialEq)]
pub enum MicroChoice {
    Existing(MicroSkill),
    New(NewMicroSkill),
}

/// What taking on a suggestion writes, worked out before anything is
/// written (a goal-from-suggestion workflow checks its own input too, then
/// writes all of it).
#[derive(Debug, Clone, PartialEq)]
pub struct Adoption {
    pub skill: SkillChoice,
    pub micro: MicroChoice,
    /// A done-when criterion drafted with it, if any.
    pub done_when: Option<String>,
}

/// The person's skill known by `key` (a URI or name), else by `name`.
///
/// # Errors
/// When the journal cannot be read.
pub async fn find_skill(app: &App, key: &str, name: &str) -> Result<Option<Skill>> {
    for k in [key, name] {
        match app.store().find_skill(k).await {
            Ok(s) => return Ok(Some(s)),
            Err(mm_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(None)
}

/// Write an adoption: the skill if new, then the micro-skill if new, in one
/// transaction when both are new.
///
/// # Errors
/// Invalid or conflict when the journal refuses a record.
pub async fn adopt(app: &App, a: &Adoption) -> Result<(Skill, MicroSkill)> {
    let store = app.store();
    let now = app.person().now;
    if let (SkillChoice::New(skill), MicroChoice::New(micro)) = (&a.skill, &a.micro) {
        return Ok(store
            .create_skill_with_micro_skill(skill, micro, now)
            .await?);
    }
    let skill = match &a.skill {
        SkillChoice::Existing(s) => s.clone(),
        SkillChoice::New(n) => store.create_skill(n, now).await?,
    };
    let micro = match &a.micro {
        MicroChoice::Existing(m) => m.clone(),
        MicroChoice::New(n) => {
            let n = NewMicroSkill {
                skill_id: skill.id,
                ..n.clone()
            };
            store.create_micro_skill(&n, now).await?
        }
    };
    Ok((skill, micro))
}
