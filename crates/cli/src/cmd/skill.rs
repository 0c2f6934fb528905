//! `mm skill` and `mm micro`: what the person sets out to master.

use crate::Global;
use crate::ctx::Ctx;
use crate::ui;
use crate::ui::outln;
use anyhow::Result;
use clap::{Args, Subcommand};
use mm_app::skills::{self, Linked};
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
            let linked = if a.uri.is_some() || a.no_link {
                None
            } else {
                Some(skills::link(&super::discover::taxonomy()?, &a.name)?)
            };
            let new = NewSkill {
                taxonomy_uri: a
                    .uri
                    .or_else(|| linked.as_ref().and_then(|l| l.uri().map(str::to_owned))),
                name: a.name,
                kind: a.kind,
                description: a.description,
                held_level: a.level,
            };
            let skill = ctx.block(skills::add(&ctx.app, &new))?;
            if ctx.json {
                return ctx.print_json(&skill);
            }
            outln!("Added skill {} \"{}\".", skill.id, skill.name)?;
            if let Some(l) = &linked {
                outln!("{}", link_note(l))?;
            }
            if let Some(Linked::Exact { covers, .. }) = &linked
                && !covers.is_empty()
                && skill.held_level.is_some()
            {
                outln!("Holding it also covers: {}.", covers.join("; "))?;
            }
            outln!(
                "Next: carve a micro-skill from it: mm micro add \"<narrow, observable capability>\" --skill {} --principle \"<underlying concept>\"",
                skill.id
            )?;
        }
        SkillCmd::List => {
            let skills = ctx.block(skills::list(&ctx.app))?;
            if ctx.json {
                return ctx.print_json(&skills);
            }
            if skills.is_empty() {
                outln!("No skills yet. Add one with `mm skill add <name>`, or try `mm demo`.")?;
                return Ok(());
            }
            let mut t = ui::table([
                "id",
                "skill",
                "kind",
                "held level",
                "micro-skills",
                "taxonomy",
            ]);
            for s in &skills {
                let (n, s) = (s.micro_skills, &s.skill);
                t.add_row(vec![
                    s.id.to_string(),
                    s.name.clone(),
                    s.kind.as_str().into(),
                    s.held_level.map(|l| l.to_string()).unwrap_or_default(),
                    n.to_string(),
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
            let v = ctx.block(skills::show(&ctx.app, &skill))?;
            if ctx.json {
                return ctx.print_json(&v);
            }
            let skill = &v.skill;
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
            print_micros(&v.micro_skills)?;
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
            let new = NewMicroSkill {
                skill_id: SkillId(0),
                name: a.name,
                principles,
                resources: a
                    .resources
                    .into_iter()
                    .map(|url| Resource { url, title: None })
                    .collect(),
            };
            let m = ctx.block(skills::add_micro(&ctx.app, &a.skill, new))?;
            if ctx.json {
                return ctx.print_json(&m.micro);
            }
            outln!(
                "Added micro-skill {} \"{}\" under {}.",
                m.micro.id,
                m.micro.name,
                m.skill_name
            )?;
            outln!(
                "Next: commit to it: mm goal new {} --deadline +2w --weekly 2h --done-when \"<observable result>\"",
                m.micro.id
            )?;
        }
        MicroCmd::List => {
            let micros = ctx.block(skills::list_micro(&ctx.app))?;
            if ctx.json {
                return ctx.print_json(&micros);
            }
            let mut t = ui::table(["id", "micro-skill", "skill", "principles"]);
            for m in &micros {
                t.add_row(vec![
                    m.micro.id.to_string(),
                    m.micro.name.clone(),
                    m.skill_name.clone(),
                    m.micro
                        .principles
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

/// What to tell the person about the link a new skill's name got.
fn link_note(l: &Linked) -> String {
    let keep = "use --uri to pick another or --no-link to keep it your own.";
    match l {
        Linked::Exact { concept, esco, .. } => format!(
            "Linked to {} \"{}\" <{}>; {keep}",
            if *esco { "ESCO" } else { "the technology" },
            concept.label,
            concept.uri
        ),
        Linked::Paraphrase { concept } => {
            format!(
                "Linked to ESCO \"{}\" <{}>; {keep}",
                concept.label, concept.uri
            )
        }
        Linked::Unlinked { closest } if closest.is_empty() => {
            "Not linked to a taxonomy skill (none is close).".to_string()
        }
        Linked::Unlinked { closest } => {
            let close: Vec<String> = closest
                .iter()
                .map(|c| format!("\"{}\" <{}>", c.label, c.uri))
                .collect();
            format!(
                "Not linked to a taxonomy skill; the closest: {}. Link one with --uri.",
                close.join(", ")
            )
        }
    }
}
