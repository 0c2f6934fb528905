//! `mm skill` and `mm micro`: what the person sets out to master.

use crate::Global;
use crate::ctx::Ctx;
use crate::ui;
use crate::ui::outln;
use anyhow::Result;
use clap::{Args, Subcommand};
use mm_core::*;

/// Skills: taxonomy concepts (ESCO URIs) or your own.
#[derive(Debug, Subcommand)]
pub enum SkillCmd {
    /// Record a skill, e.g. `mm skill add Excel --uri http://data.europa.eu/esco/skill/...`.
    Add(SkillAdd),
    /// List your skills.
    List,
    /// Show one skill with its micro-skills.
    Show {
        /// Id, name or taxonomy URI.
        skill: String,
    },
    /// Rename a skill (kept in `mm history`).
    Rename {
        /// Id, name or taxonomy URI.
        skill: String,
        /// The new name.
        name: String,
    },
    /// Link a skill of your own to a taxonomy concept (an ESCO skill URI or
    /// label), so discovery and the market count it; kept in `mm history`.
    ///
    /// Example: mm skill link "spreadsheets" "use spreadsheets software"
    Link {
        /// Id, name or taxonomy URI.
        skill: String,
        /// An ESCO skill URI or label.
        #[arg(required_unless_present = "unlink")]
        concept: Option<String>,
        /// Remove the link instead.
        #[arg(long, conflicts_with = "concept")]
        unlink: bool,
    },
}

#[derive(Debug, Args)]
pub struct SkillAdd {
    /// The skill's name, e.g. "Excel" or "data analysis".
    pub name: String,
    /// skill, knowledge or transversal.
    #[arg(long, default_value = "skill")]
    pub kind: SkillKind,
    /// The taxonomy concept it stands for (an ESCO skill URI). Without it,
    /// a name that clearly means one ESCO skill (an exact label, or a close
    /// paraphrase by the shipped semantic model) is linked to it, and
    /// otherwise the closest skills are suggested.
    #[arg(long, value_name = "URI")]
    pub uri: Option<String>,
    /// Keep the skill unlinked: do not look the name up in the taxonomy.
    #[arg(long, conflicts_with = "uri")]
    pub no_link: bool,
    #[arg(long)]
    pub description: Option<String>,
    /// The level you already hold, if any: 1-5 or novice..expert. Counts as
    /// something you know when suggesting what to learn next.
    #[arg(long)]
    pub level: Option<Level>,
}

pub fn run(cmd: SkillCmd, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    match cmd {
        SkillCmd::Add(a) => {
            let (uri, note, covers) = if a.uri.is_some() || a.no_link {
                (a.uri, None, Vec::new())
            } else {
                link(&a.name)?
            };
            let skill = ctx.block(ctx.store.create_skill(
                &NewSkill {
                    name: a.name,
                    kind: a.kind,
                    taxonomy_uri: uri,
                    description: a.description,
                    held_level: a.level,
                },
                ctx.now,
            ))?;
            if ctx.json {
                return ctx.print_json(&skill);
            }
            outln!("Added skill {} \"{}\".", skill.id, skill.name)?;
            if let Some(note) = note {
                outln!("{note}")?;
            }
            if !covers.is_empty() && skill.held_level.is_some() {
                outln!("Holding it also covers: {}.", covers.join("; "))?;
            }
            outln!(
                "Next: carve a micro-skill from it: mm micro add \"<narrow, observable capability>\" --skill {} --principle \"<underlying concept>\"",
                skill.id
            )?;
        }
        SkillCmd::List => {
            let skills = ctx.block(ctx.store.list_skills())?;
            if ctx.json {
                return ctx.print_json(&skills);
            }
            if skills.is_empty() {
                outln!("No skills yet. Add one with `mm skill add <name>`, or try `mm demo`.")?;
                return Ok(());
            }
            let micros = ctx.block(ctx.store.list_micro_skills(None))?;
            let mut t = ui::table([
                "id",
                "skill",
                "kind",
                "held level",
                "micro-skills",
                "taxonomy",
            ]);
            for s in &skills {
                t.add_row(vec![
                    s.id.to_string(),
                    s.name.clone(),
                    s.kind.as_str().into(),
                    s.held_level.map(|l| l.to_string()).unwrap_or_default(),
                    micros
                        .iter()
                        .filter(|m| m.skill_id == s.id)
                        .count()
                        .to_string(),
                    s.taxonomy_uri.clone().unwrap_or_default(),
                ]);
            }
            outln!("{t}")?;
        }
        SkillCmd::Rename { skill, name } => super::edit::rename_skill(&ctx, &skill, name)?,
        SkillCmd::Link { skill, concept, .. } => {
            super::edit::link_skill(&ctx, &skill, concept.as_deref())?;
        }
        SkillCmd::Show { skill } => {
            let skill = ctx.block(ctx.store.find_skill(&skill))?;
            let micros = ctx.block(ctx.store.list_micro_skills(Some(skill.id)))?;
            if ctx.json {
                return ctx
                    .print_json(&serde_json::json!({ "skill": skill, "micro_skills": micros }));
            }
            outln!(
                "Skill {}: {} ({})",
                skill.id,
                skill.name,
                skill.kind.as_str()
            )?;
            if let Some(u) = &skill.taxonomy_uri {
                outln!("  taxonomy: {u}")?;
            }
            if let Some(d) = &skill.description {
                outln!("  {d}")?;
            }
            if let Some(l) = skill.held_level {
                outln!("  you hold it at level {l}")?;
            }
            print_micros(&micros)?;
        }
    }
    Ok(())
}

fn print_micros(micros: &[MicroSkill]) -> anyhow::Result<()> {
    if micros.is_empty() {
        outln!("  no micro-skills yet")?;
    }
    for m in micros {
        outln!("  micro-skill {}: {}", m.id, m.name)?;
        for p in &m.principles {
            match &p.description {
                Some(d) => outln!("    principle {}: {} — {d}", p.id, p.name)?,
                None => outln!("    principle {}: {}", p.id, p.name)?,
            }
        }
        for r in &m.resources {
            outln!(
                "    resource: {}{}",
                r.url,
                r.title
                    .as_ref()
                    .map(|t| format!(" ({t})"))
                    .unwrap_or_default()
            )?;
        }
    }
    Ok(())
}

/// Micro-skills: narrow, observable capabilities with their principles.
#[derive(Debug, Subcommand)]
pub enum MicroCmd {
    /// Carve a micro-skill from a skill. At least one --principle is required:
    /// the underlying concept that keeps mastery from being shallow.
    ///
    /// Example: mm micro add "Summarise a 10k-row sheet with a pivot table in 5 minutes"
    ///          --skill Excel --principle aggregation --principle "tidy data"
    Add(MicroAdd),
    /// List micro-skills.
    List,
    /// The micro-skill catalogue: search, show, save to your own, export and
    /// import (CASE 1.1).
    #[command(subcommand)]
    Catalogue(super::catalogue::CatalogueCmd),
}

#[derive(Debug, Args)]
pub struct MicroAdd {
    /// What you will be able to do, observably.
    pub name: String,
    /// The parent skill (id, name or URI).
    #[arg(long)]
    pub skill: String,
    /// An underlying principle (repeat for several). Add a description after
    /// a colon: "aggregation: sums and counts over groups".
    #[arg(long = "principle", value_name = "NAME[: DESCRIPTION]")]
    pub principles: Vec<String>,
    /// A learning resource link (repeat for several).
    #[arg(long = "resource", value_name = "URL")]
    pub resources: Vec<String>,
}

pub fn run_micro(cmd: MicroCmd, g: &Global) -> Result<()> {
    if let MicroCmd::Catalogue(c) = cmd {
        return super::catalogue::run(c, g);
    }
    let ctx = Ctx::open(g)?;
    match cmd {
        MicroCmd::Add(a) => {
            let skill = ctx.block(ctx.store.find_skill(&a.skill))?;
            let principles = a
                .principles
                .iter()
                .map(|p| match p.split_once(':') {
                    Some((n, d)) if !d.trim().is_empty() => NewPrinciple {
                        name: n.trim().into(),
                        description: Some(d.trim().into()),
                    },
                    _ => NewPrinciple {
                        name: p.trim().into(),
                        description: None,
                    },
                })
                .collect();
            let m = ctx.block(
                ctx.store.create_micro_skill(
                    &NewMicroSkill {
                        skill_id: skill.id,
                        name: a.name,
                        principles,
                        resources: a
                            .resources
                            .into_iter()
                            .map(|url| Resource { url, title: None })
                            .collect(),
                    },
                    ctx.now,
                ),
            )?;
            if ctx.json {
                return ctx.print_json(&m);
            }
            outln!(
                "Added micro-skill {} \"{}\" under {}.",
                m.id,
                m.name,
                skill.name
            )?;
            outln!(
                "Next: commit to it: mm goal new {} --deadline +2w --weekly 2h --done-when \"<observable result>\"",
                m.id
            )?;
        }
        MicroCmd::List => {
            let micros = ctx.block(ctx.store.list_micro_skills(None))?;
            if ctx.json {
                return ctx.print_json(&micros);
            }
            let skills = ctx.block(ctx.store.list_skills())?;
            let mut t = ui::table(["id", "micro-skill", "skill", "principles"]);
            for m in &micros {
                t.add_row(vec![
                    m.id.to_string(),
                    m.name.clone(),
                    skills
                        .iter()
                        .find(|s| s.id == m.skill_id)
                        .map(|s| s.name.clone())
                        .unwrap_or_default(),
                    m.principles
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                ]);
            }
            outln!("{t}")?;
        }
        MicroCmd::Catalogue(c) => return super::catalogue::run(c, g),
    }
    Ok(())
}

/// Link a new skill's name to the ESCO skill it clearly means, or suggest
/// the closest ones: `(uri, what to tell the person)`.
/// What a new skill's name links to: a concept whose label or alias it is
/// exactly (`Excel` → Microsoft Excel, with what holding it also covers, such
/// as *use spreadsheets software*), else a clear paraphrase of one ESCO skill;
/// the note says which, or names the closest when none is clear.
fn link(name: &str) -> Result<(Option<String>, Option<String>, Vec<String>)> {
    use anyhow::Context;
    let tax = mm_taxonomy::Taxonomy::load_embedded().context("loading the shipped taxonomy")?;
    if let Some(&i) = tax.skills_by_label(name).first() {
        let s = tax.skill(i);
        let covers = tax
            .covered_by_holding(i)
            .iter()
            .filter(|&&c| c != i)
            .map(|&c| tax.skill(c).preferred.clone())
            .collect();
        return Ok((
            Some(s.uri.clone()),
            Some(format!(
                "Linked to {} \"{}\" <{}>; use --uri to pick another or --no-link to keep it your own.",
                if s.uri.starts_with("http://data.europa.eu/esco/") {
                    "ESCO"
                } else {
                    "the technology"
                },
                s.preferred,
                s.uri
            )),
            covers,
        ));
    }
    let m = mm_taxonomy::map::PhraseMapper::new(&tax)
        .context("loading the shipped static embedding model")?;
    if let Some(i) = m.link(name) {
        let s = tax.skill(i);
        return Ok((
            Some(s.uri.clone()),
            Some(format!(
                "Linked to ESCO \"{}\" <{}>; use --uri to pick another or --no-link to keep it your own.",
                s.preferred, s.uri
            )),
            Vec::new(),
        ));
    }
    let close: Vec<String> = m
        .rank(name, 3)
        .iter()
        .map(|&(i, _)| format!("\"{}\" <{}>", tax.skill(i).preferred, tax.skill(i).uri))
        .collect();
    let note = if close.is_empty() {
        "Not linked to a taxonomy skill (none is close).".to_string()
    } else {
        format!(
            "Not linked to a taxonomy skill; the closest: {}. Link one with --uri.",
            close.join(", ")
        )
    };
    Ok((None, Some(note), Vec::new()))
}
