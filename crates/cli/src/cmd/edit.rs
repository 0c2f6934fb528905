//! `mm edit`, `mm delete`, `mm undo`, `mm history`, `mm skill rename` and
//! `mm skill link`: change what was recorded after the fact. Every change is one
//! transaction in the store and leaves a record in `mm history`, which
//! `mm export` carries.

use crate::Global;
use crate::ctx::Ctx;
use crate::ui::{self, outln};
use anyhow::{Context as _, Result, bail};
use clap::{Args, Subcommand};
use mm_app::edit::{self, ApplicationEdit, SessionEdit};
use mm_core::*;
use mm_store::{MicroSkillPatch, PrinciplePatch, ReflectionPatch, SkillPatch};
use std::io::{BufRead, IsTerminal, Write};

/// Change a recorded session, application, reflection, micro-skill or skill.
/// Only the values you pass change; each change is kept in `mm history`.
///
/// Example: mm edit session 4 --aim "pivot by quarter" --minutes 40m
#[derive(Debug, Subcommand)]
pub enum EditCmd {
    /// A practice session (ids from `mm practice list`).
    Session(EditSession),
    /// An application (ids from `mm goal show`).
    Application(EditApplication),
    /// A reflection's text.
    Reflection(EditReflection),
    /// A micro-skill's wording, principles and resources (numbers as
    /// `mm skill show` lists them, from 1).
    ///
    /// Example: mm edit micro 2 --principle 1="grouping" --add-resource https://example.org/pivots
    Micro(EditMicro),
    /// A skill's name, kind or description (to link it to a taxonomy
    /// concept, use `mm skill link`).
    Skill(EditSkill),
}

#[derive(Debug, Args)]
pub struct EditSession {
    /// The session's id.
    pub id: SessionId,
    /// When it started: 18:30, yesterday 18:30, 2026-11-20 07:00. Keeps its length.
    #[arg(long, allow_hyphen_values = true)]
    pub at: Option<String>,
    /// Focused time: 45m, 1h15m.
    #[arg(long)]
    pub minutes: Option<String>,
    /// Wall-clock length, breaks included.
    #[arg(long)]
    pub lasted: Option<String>,
    #[arg(long)]
    pub aim: Option<String>,
    #[arg(long)]
    pub reps: Option<u32>,
    #[arg(long)]
    pub errors: Option<u32>,
    #[arg(long)]
    pub interruptions: Option<u32>,
    /// 1 (easy) to 5 (very hard), or "none" to clear it.
    #[arg(long)]
    pub difficulty: Option<String>,
    /// New feedback ("" clears it).
    #[arg(long)]
    pub feedback: Option<String>,
    /// New notes ("" clears them).
    #[arg(long)]
    pub notes: Option<String>,
}

#[derive(Debug, Args)]
pub struct EditApplication {
    /// The application's id.
    pub id: ApplicationId,
    /// When: yesterday 15:00, 2026-11-20 ...
    #[arg(long, allow_hyphen_values = true)]
    pub at: Option<String>,
    /// Where you used it.
    #[arg(long = "where", value_name = "CONTEXT")]
    pub context: Option<String>,
    #[arg(long)]
    pub outcome: Option<String>,
    /// What difference it made ("" clears it).
    #[arg(long)]
    pub impact: Option<String>,
    /// A link or a file (kept as its SHA-256), or "none" to remove the evidence.
    #[arg(long)]
    pub evidence: Option<String>,
}

#[derive(Debug, Args)]
pub struct EditReflection {
    /// The reflection's id.
    pub id: ReflectionId,
    #[arg(long)]
    pub worked: Option<String>,
    #[arg(long)]
    pub didnt: Option<String>,
    #[arg(long)]
    pub next: Option<String>,
}

#[derive(Debug, Args)]
pub struct EditMicro {
    /// The micro-skill (id or exact name).
    pub micro: String,
    /// New wording of the capability.
    #[arg(long)]
    pub name: Option<String>,
    /// Rename principle N: --principle 2="tidy data" (repeatable).
    #[arg(long = "principle", value_name = "N=NAME")]
    pub principles: Vec<String>,
    /// Describe principle N: --describe 2="one row per observation" ("" clears).
    #[arg(long = "describe", value_name = "N=DESCRIPTION")]
    pub describe: Vec<String>,
    /// Add a principle, with an optional description after a colon.
    #[arg(long = "add-principle", value_name = "NAME[: DESCRIPTION]")]
    pub add_principles: Vec<String>,
    /// Remove principle N (one no reflection or retention card names).
    #[arg(long = "remove-principle", value_name = "N")]
    pub remove_principles: Vec<usize>,
    /// Add a learning resource link.
    #[arg(long = "add-resource", value_name = "URL")]
    pub add_resources: Vec<String>,
    /// Remove resource N.
    #[arg(long = "remove-resource", value_name = "N")]
    pub remove_resources: Vec<usize>,
}

#[derive(Debug, Args)]
pub struct EditSkill {
    /// The skill (id, name or taxonomy URI).
    pub skill: String,
    /// A new name.
    #[arg(long)]
    pub name: Option<String>,
    /// skill, knowledge or transversal.
    #[arg(long)]
    pub kind: Option<SkillKind>,
    /// A new description ("" clears it).
    #[arg(long)]
    pub description: Option<String>,
}

/// Delete a recorded session, application, reflection or goal. Asks first
/// on a terminal; elsewhere (scripts) pass --yes. Kept in `mm history`;
/// `mm undo` brings back a session, application or reflection, but a goal's
/// deletion is final (export first if unsure).
#[derive(Debug, Args)]
pub struct DeleteArgs {
    #[command(subcommand)]
    pub what: DeleteCmd,
    /// Delete without asking.
    #[arg(long, short, global = true)]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
pub enum DeleteCmd {
    /// A practice session, with the reflections on it.
    Session { id: SessionId },
    /// An application.
    Application { id: ApplicationId },
    /// A reflection.
    Reflection { id: ReflectionId },
    /// A goal with everything recorded on it (criteria, sessions,
    /// applications, reflections, plan, arc membership, retention cards).
    /// Its micro-skill stays. `mm undo` puts it all back, ids included.
    Goal { id: GoalId },
}

/// List the edits and deletions made to the journal, oldest first.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Only the most recent N.
    #[arg(long, value_name = "N")]
    pub last: Option<usize>,
}

/// Take back an edit or deletion: the latest one not yet undone, or #N from
/// `mm history`. Only the latest change to a record can be taken back; the
/// undo is itself kept in the history. A deleted goal comes back with
/// everything that was on it.
///
/// Example: mm delete session 4 --yes && mm undo
#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The change's number in `mm history` (default: the latest).
    pub change: Option<i64>,
}

/// Edit values of the form `N=TEXT`.
fn numbered(s: &str, flag: &str) -> Result<(usize, String)> {
    let (n, text) = s
        .split_once('=')
        .with_context(|| format!("{flag} takes N=TEXT, e.g. {flag} 2=\"tidy data\"; got {s:?}"))?;
    let n: usize = n
        .trim()
        .parse()
        .with_context(|| format!("{flag} {s:?}: {n:?} is not a number"))?;
    Ok((n, text.trim().to_owned()))
}

fn principle(s: &str) -> NewPrinciple {
    match s.split_once(':') {
        Some((n, d)) if !d.trim().is_empty() => NewPrinciple {
            name: n.trim().into(),
            description: Some(d.trim().into()),
        },
        _ => NewPrinciple {
            name: s.trim().into(),
            description: None,
        },
    }
}

/// `Some(None)` for an empty value: clearing a field.
fn clearable(s: Option<String>) -> Option<Option<String>> {
    s.map(|s| Some(s.trim().to_owned()).filter(|s| !s.is_empty()))
}

pub fn edit(cmd: EditCmd, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    let app = &ctx.app;
    match cmd {
        EditCmd::Session(a) => {
            let difficulty = match a.difficulty.as_deref().map(str::trim) {
                None => None,
                Some("none") | Some("") => Some(None),
                Some(d) => Some(Some(d.parse::<u8>().with_context(|| {
                    format!("--difficulty {d:?} is not 1 to 5 (or none)")
                })?)),
            };
            let e = SessionEdit {
                at: a.at,
                minutes: a.minutes,
                lasted: a.lasted,
                aim: a.aim,
                reps: a.reps,
                errors: a.errors,
                interruptions: a.interruptions,
                difficulty,
                feedback: clearable(a.feedback),
                notes: clearable(a.notes),
            };
            let s = ctx.block(edit::session(app, a.id, e))?;
            if ctx.json {
                return ctx.print_json(&s);
            }
            outln!(
                "Session {} updated: {} focused, \"{}\" (see `mm history`).",
                s.id,
                mm_core::parse::format_minutes(s.focused_minutes),
                s.aim
            )?;
        }
        EditCmd::Application(a) => {
            let evidence = match a.evidence.as_deref().map(str::trim) {
                None => None,
                Some("none") | Some("") => Some(None),
                Some(e) => Some(Some(super::record::evidence(e)?)),
            };
            let e = ApplicationEdit {
                at: a.at,
                context: a.context,
                outcome: a.outcome,
                impact: clearable(a.impact),
                evidence,
            };
            let x = ctx.block(edit::application(app, a.id, e))?;
            if ctx.json {
                return ctx.print_json(&x);
            }
            outln!(
                "Application {} updated: {} (see `mm history`).",
                x.id,
                x.outcome
            )?;
        }
        EditCmd::Reflection(a) => {
            let patch = ReflectionPatch {
                worked: a.worked,
                didnt: a.didnt,
                next: a.next,
            };
            let r = ctx.block(edit::reflection(app, a.id, &patch))?;
            if ctx.json {
                return ctx.print_json(&r);
            }
            outln!("Reflection {} updated (see `mm history`).", r.id)?;
        }
        EditCmd::Micro(a) => {
            let mut principles: Vec<PrinciplePatch> = Vec::new();
            for p in &a.principles {
                let (number, name) = numbered(p, "--principle")?;
                principles.push(PrinciplePatch {
                    number,
                    name: Some(name),
                    description: None,
                });
            }
            for d in &a.describe {
                let (number, text) = numbered(d, "--describe")?;
                let description = Some(text).filter(|t| !t.is_empty());
                match principles.iter_mut().find(|p| p.number == number) {
                    Some(p) => p.description = Some(description),
                    None => principles.push(PrinciplePatch {
                        number,
                        name: None,
                        description: Some(description),
                    }),
                }
            }
            let patch = MicroSkillPatch {
                name: a.name,
                principles,
                add_principles: a.add_principles.iter().map(|p| principle(p)).collect(),
                remove_principles: a.remove_principles,
                add_resources: a
                    .add_resources
                    .into_iter()
                    .map(|url| Resource { url, title: None })
                    .collect(),
                remove_resources: a.remove_resources,
            };
            let m = ctx.block(edit::micro_skill(app, &a.micro, &patch))?;
            if ctx.json {
                return ctx.print_json(&m);
            }
            outln!("Micro-skill {} updated: {}", m.id, m.name)?;
            for (i, p) in m.principles.iter().enumerate() {
                match &p.description {
                    Some(d) => outln!("  principle {}: {} — {d}", i + 1, p.name),
                    None => outln!("  principle {}: {}", i + 1, p.name),
                }?;
            }
            for (i, r) in m.resources.iter().enumerate() {
                outln!("  resource {}: {}", i + 1, r.url)?;
            }
        }
        EditCmd::Skill(a) => {
            let patch = SkillPatch {
                name: a.name,
                kind: a.kind,
                description: clearable(a.description),
                taxonomy_uri: None,
            };
            print_skill(&ctx, ctx.block(edit::skill(app, &a.skill, &patch))?)?;
        }
    }
    Ok(())
}

fn print_skill(ctx: &Ctx, s: Skill) -> Result<()> {
    if ctx.json {
        return ctx.print_json(&s);
    }
    match &s.taxonomy_uri {
        Some(u) => outln!(
            "Skill {} \"{}\" ({}), linked to {u}.",
            s.id,
            s.name,
            s.kind.as_str()
        ),
        None => outln!("Skill {} \"{}\" ({}).", s.id, s.name, s.kind.as_str()),
    }?;
    Ok(())
}

/// `mm skill rename <skill> <new name>`.
pub fn rename_skill(ctx: &Ctx, skill: &str, name: String) -> Result<()> {
    let patch = SkillPatch {
        name: Some(name),
        ..SkillPatch::default()
    };
    print_skill(ctx, ctx.block(edit::skill(&ctx.app, skill, &patch))?)
}

/// `mm skill link <skill> <concept>`: the concept is an ESCO skill URI or
/// label, checked against the shipped taxonomy; `None` unlinks.
pub fn link_skill(ctx: &Ctx, skill: &str, concept: Option<&str>) -> Result<()> {
    let s = ctx
        .block(edit::link_skill(&ctx.app, skill, concept))
        .map_err(|e| match (e.field(), concept) {
            (Some("concept"), Some(c)) if c.contains("://") => {
                let line = format!("{} (search with `mm taxonomy search <words>`)", e.message());
                anyhow::Error::new(e).context(line)
            }
            _ => e.into(),
        })?;
    print_skill(ctx, s)
}

/// Ask on the terminal; without one, refuse unless --yes was given.
fn confirm(question: &str, yes: bool) -> Result<()> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        bail!("not deleted: there is no terminal to ask \"{question}\"; run it again with --yes")
    }
    let mut err = std::io::stderr().lock();
    write!(err, "{question} [y/N] ")?;
    err.flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
        Ok(())
    } else {
        bail!("nothing was deleted")
    }
}

pub fn delete(a: DeleteArgs, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    let app = &ctx.app;
    match a.what {
        DeleteCmd::Session { id } => {
            let s = ctx.block(ctx.store.get_session(id))?;
            confirm(
                &format!(
                    "Delete session {id} of goal {} ({}, \"{}\") and any reflection on it?",
                    s.goal_id,
                    s.started_at
                        .with_timezone(&ctx.offset)
                        .format("%Y-%m-%d %H:%M"),
                    s.aim
                ),
                a.yes,
            )?;
            let done = ctx.block(edit::delete_session(app, id))?;
            if ctx.json {
                return ctx.print_json(&done);
            }
            outln!(
                "Deleted session {id} and {} reflection(s) on it (kept in `mm history`).",
                done.reflections.len()
            )?;
        }
        DeleteCmd::Application { id } => {
            confirm(&format!("Delete application {id}?"), a.yes)?;
            let x = ctx.block(edit::delete_application(app, id))?;
            if ctx.json {
                return ctx.print_json(&x);
            }
            outln!("Deleted application {id} (kept in `mm history`).")?;
        }
        DeleteCmd::Reflection { id } => {
            confirm(&format!("Delete reflection {id}?"), a.yes)?;
            let r = ctx.block(edit::delete_reflection(app, id))?;
            if ctx.json {
                return ctx.print_json(&r);
            }
            outln!("Deleted reflection {id} (kept in `mm history`).")?;
        }
        DeleteCmd::Goal { id } => {
            let sum = ctx.block(edit::goal_summary(app, id))?;
            confirm(
                &format!(
                    "Delete goal {id} \"{}\" ({}) with its {} session(s) and {} application(s)? `mm undo` can put it back.",
                    sum.micro_skill, sum.goal.state, sum.sessions, sum.applications
                ),
                a.yes,
            )?;
            let done = ctx.block(edit::delete_goal(app, id))?;
            if ctx.json {
                return ctx.print_json(&done);
            }
            outln!(
                "Deleted goal {id}: {} session(s), {} application(s), {} reflection(s), {} retention card(s), kept in `mm history`; `mm undo` puts it all back.",
                done.sessions,
                done.applications,
                done.reflections,
                done.retention_cards
            )?;
        }
    }
    Ok(())
}

pub fn history(a: HistoryArgs, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    let records = ctx.block(edit::history(&ctx.app, a.last))?;
    if ctx.json {
        return ctx.print_json(&records);
    }
    if records.is_empty() {
        outln!("No edits or deletions yet.")?;
        return Ok(());
    }
    let mut t = ui::table(["#", "when", "change", "what"]);
    for r in &records {
        t.add_row(vec![
            r.id.to_string(),
            r.at.with_timezone(&ctx.offset)
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            r.action.as_str().to_owned(),
            r.summary.clone(),
        ]);
    }
    outln!("{t}")?;
    Ok(())
}

pub fn undo(a: UndoArgs, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    let done = ctx.block(edit::undo(&ctx.app, a.change))?;
    if ctx.json {
        return ctx.print_json(&done);
    }
    outln!("Undone: {} (history #{}).", done.summary, done.id)?;
    Ok(())
}
