//! `mm apply` and `mm reflect`: use the skill for real, then look back.

use crate::Global;
use crate::ctx::Ctx;
use crate::ui::outln;
use anyhow::{Context as _, Result};
use clap::Args;
use mm_app::records::{self, About};
use mm_core::*;

/// Record a real application of a goal's skill, with evidence.
///
/// Example: mm apply 1 --where "monthly sales review" --outcome "pivot in 4 minutes"
///          --impact "saved the team an hour" --evidence report.xlsx
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The goal's id (see `mm goal list`).
    pub goal: GoalId,
    /// Where you used it: the project, meeting or task.
    #[arg(long = "where", value_name = "CONTEXT")]
    pub context: String,
    /// What came of it.
    #[arg(long)]
    pub outcome: String,
    /// What difference it made.
    #[arg(long)]
    pub impact: Option<String>,
    /// A link (https://...) or a file; a file is kept as its SHA-256, not copied.
    #[arg(long)]
    pub evidence: Option<String>,
    /// When: now, yesterday 15:00, 2026-11-20 ...
    #[arg(long, allow_hyphen_values = true, default_value = "now")]
    pub at: String,
}

pub fn apply(a: ApplyArgs, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    let evidence = a.evidence.as_deref().map(evidence).transpose()?;
    let app = ctx.block(records::apply(
        &ctx.app,
        records::ApplyInput {
            goal: a.goal,
            at: a.at,
            context: a.context,
            outcome: a.outcome,
            impact: a.impact,
            evidence,
        },
    ))?;
    if ctx.json {
        return ctx.print_json(&app);
    }
    outln!(
        "Recorded application {} on goal {}: {}.",
        app.id,
        app.goal_id,
        app.outcome
    )?;
    if let Some(e) = &app.evidence {
        outln!("  evidence: {e}")?;
    }
    outln!(
        "Next: reflect on it: mm reflect --goal {} --worked ... --didnt ... --next ... --principle <name>",
        app.goal_id
    )?;
    Ok(())
}

pub(crate) fn evidence(s: &str) -> Result<Evidence> {
    if s.contains("://") {
        return Ok(records::link_evidence(s)?);
    }
    let path = std::path::Path::new(s);
    if path.exists() {
        // A FIFO would block until someone writes to it; a device never ends.
        crate::outfile::regular_file(path, "evidence")?;
    }
    let file = std::fs::File::open(path)
        .with_context(|| format!("evidence {s:?} is neither a link nor a readable file"))?;
    let name = path
        .file_name()
        .map_or_else(|| s.to_owned(), |n| n.to_string_lossy().into_owned());
    Ok(records::file_evidence(&name, file)?)
}

/// Look back: what worked, what did not, what next. Name the principles the
/// reflection is about with --principle: the mastery rule asks that each of a
/// goal's principles be reflected on (naming it in the text counts too).
///
/// Example: mm reflect --goal 1 --worked "grouping by month" --didnt "slow filters"
///          --next "calculated fields" --principle aggregation
#[derive(Debug, Args)]
pub struct ReflectArgs {
    /// About a goal.
    #[arg(long, conflicts_with_all = ["session", "week"])]
    pub goal: Option<GoalId>,
    /// About one session.
    #[arg(long, conflicts_with = "week")]
    pub session: Option<SessionId>,
    /// About a week (2026-W48); the default is the current week.
    #[arg(long)]
    pub week: Option<Week>,
    #[arg(long, default_value = "")]
    pub worked: String,
    #[arg(long, default_value = "")]
    pub didnt: String,
    #[arg(long, default_value = "")]
    pub next: String,
    /// A principle this reflection addresses (id or name; repeat for several).
    #[arg(long = "principle")]
    pub principles: Vec<String>,
}

pub fn reflect(a: ReflectArgs, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    let about = match (a.goal, a.session, a.week) {
        (Some(id), _, _) => About::Goal(id),
        (_, Some(id), _) => About::Session(id),
        (_, _, Some(week)) => About::Week(week),
        _ => About::ThisWeek,
    };
    let r = ctx
        .block(records::reflect(
            &ctx.app,
            records::ReflectInput {
                about,
                worked: a.worked,
                didnt: a.didnt,
                next: a.next,
                principles: a.principles,
            },
        ))
        .map_err(|e| match e.field() {
            Some("principle") => {
                let line = format!("{}, or reflect --goal", e.message());
                anyhow::Error::new(e).context(line)
            }
            _ => e.into(),
        })?;
    if ctx.json {
        return ctx.print_json(&r);
    }
    outln!("Recorded reflection {}.", r.id)?;
    Ok(())
}
