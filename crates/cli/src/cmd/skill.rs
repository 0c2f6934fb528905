//! `mm skill` and `mm micro`: what the person sets out to master.

use crate::Global;
use crate::ctx::Ctx;
use crate::ui;
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
}

#[derive(Debug, Args)]
pub struct SkillAdd {
    /// The skill's name, e.g. "Excel" or "data analysis".
    pub name: String,
    /// skill, knowledge or transversal.
    #[arg(long, default_value = "skill")]
    pub kind: SkillKind,
    /// The taxonomy concept it stands for (an ESCO skill URI).
    #[arg(long, value_name = "URI")]
    pub uri: Option<String>,
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
            let skill = ctx.block(ctx.store.create_skill(
                &NewSkill {
                    name: a.name,
                    kind: a.kind,
                    taxonomy_uri: a.uri,
                    description: a.description,
                    held_level: a.level,
                },
                ctx.now,
            ))?;
            if ctx.json {
                return ctx.print_json(&skill);
            }
            println!("Added skill {} \"{}\".", skill.id, skill.name);
            println!(
                "Next: carve a micro-skill from it: mm micro add \"<narrow, observable capability>\" --skill {} --principle \"<underlying concept>\"",
                skill.id
            );
        }
        SkillCmd::List => {
            let skills = ctx.block(ctx.store.list_skills())?;
            if ctx.json {
                return ctx.print_json(&skills);
            }
            if skills.is_empty() {
                println!("No skills yet. Add one with `mm skill add <name>`, or try `mm demo`.");
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
            println!("{t}");
        }
        SkillCmd::Show { skill } => {
            let skill = ctx.block(ctx.store.find_skill(&skill))?;
            let micros = ctx.block(ctx.store.list_micro_skills(Some(skill.id)))?;
            if ctx.json {
                return ctx
                    .print_json(&serde_json::json!({ "skill": skill, "micro_skills": micros }));
            }
            println!(
                "Skill {}: {} ({})",
                skill.id,
                skill.name,
                skill.kind.as_str()
            );
            if let Some(u) = &skill.taxonomy_uri {
                println!("  taxonomy: {u}");
            }
            if let Some(d) = &skill.description {
                println!("  {d}");
            }
            if let Some(l) = skill.held_level {
                println!("  you hold it at level {l}");
            }
            print_micros(&micros);
        }
    }
    Ok(())
}

fn print_micros(micros: &[MicroSkill]) {
    if micros.is_empty() {
        println!("  no micro-skills yet");
    }
    for m in micros {
        println!("  micro-skill {}: {}", m.id, m.name);
        for p in &m.principles {
            match &p.description {
                Some(d) => println!("    principle {}: {} — {d}", p.id, p.name),
                None => println!("    principle {}: {}", p.id, p.name),
            }
        }
        for r in &m.resources {
            println!(
                "    resource: {}{}",
                r.url,
                r.title
                    .as_ref()
                    .map(|t| format!(" ({t})"))
                    .unwrap_or_default()
            );
        }
    }
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
            println!(
                "Added micro-skill {} \"{}\" under {}.",
                m.id, m.name, skill.name
            );
            println!(
                "Next: commit to it: mm goal new {} --deadline +2w --weekly 2h --done-when \"<observable result>\"",
                m.id
            );
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
            println!("{t}");
        }
        MicroCmd::Catalogue(c) => return super::catalogue::run(c, g),
    }
    Ok(())
}
