//! `mm micro catalogue`: browse the micro-skill catalogue (curated, carved
//! from O*NET tasks, mined from postings), keep entries in a personal
//! catalogue, and move them in and out as CASE 1.1 packages.

use crate::Global;
use crate::ctx::{self, Ctx};
use crate::ui::{self, outln};
use anyhow::{Context as _, Result};
use clap::{Args, Subcommand, ValueEnum};
use mm_app::catalogue::{self as app, ExportFormat, SaveWhat, parent_label};
use mm_micro::{CatalogueMicroSkill, Source};
use mm_taxonomy::Taxonomy;
use std::io::Write as _;
use std::path::PathBuf;

/// The micro-skill catalogue: narrow, observable capabilities with their
/// principles, done-when criteria, typical hours and a suggested deadline.
///
/// Sources, most trusted first: `curated` (reviewed entries shipped with mm),
/// your own saved entries (`personal`, `case`), `postings` (narrower skills
/// mined from the shipped sample of job postings) and `onet-task` (carved
/// from O*NET task statements for occupations the curated part does not cover).
#[derive(Debug, Subcommand)]
pub enum CatalogueCmd {
    /// Find micro-skills by words of their name, principles or parents.
    ///
    /// Example: mm micro catalogue search pivot table
    ///          mm micro catalogue search --parent http://data.europa.eu/esco/skill/...
    Search(SearchArgs),
    /// Show one micro-skill: parents, principles, criteria, budget, next steps.
    Show {
        /// The micro-skill's id (see `search`).
        id: String,
    },
    /// Save micro-skills to your personal catalogue: catalogue ids, or one of
    /// your own micro-skills with --micro.
    ///
    /// Example: mm micro catalogue save excel-pivot-summary
    ///          mm micro catalogue save --micro 3
    Save(SaveArgs),
    /// List your personal catalogue.
    List,
    /// Remove an entry from your personal catalogue.
    Remove {
        /// The entry's id.
        id: String,
    },
    /// Write micro-skills as a CASE 1.1 CFPackage (default), TOML or JSON:
    /// your personal catalogue, or the named catalogue ids.
    ///
    /// Example: mm micro catalogue export -o my-skills.case.json
    ///          mm micro catalogue export --format toml excel-pivot-summary
    Export(ExportArgs),
    /// Import a CASE CFPackage (JSON) into your personal catalogue, all or nothing.
    ///
    /// Example: mm micro catalogue import framework.json --dry-run
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words to look for (none: list the catalogue).
    pub query: Vec<String>,
    /// Only micro-skills of this parent: an ESCO URI, onet-tech:<name> or onet-task:<id>.
    #[arg(long, value_name = "PARENT")]
    pub parent: Option<String>,
    /// Only this source: curated, postings, onet-task, case or personal.
    #[arg(long, value_parser = parse_source)]
    pub source: Option<Source>,
    /// At most this many rows.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
}

fn parse_source(s: &str) -> Result<Source, String> {
    s.parse()
}

#[derive(Debug, Args)]
pub struct SaveArgs {
    /// Catalogue ids to save.
    #[arg(required_unless_present = "micro")]
    pub ids: Vec<String>,
    /// Save one of your own micro-skills (id or exact name from `mm micro list`).
    #[arg(long, conflicts_with = "ids")]
    pub micro: Option<String>,
    /// Overwrite an entry already saved under the same id.
    #[arg(long)]
    pub replace: bool,
}

/// Export formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    /// CASE 1.1 CFPackage JSON, with isChildOf and exactMatchOf to ESCO.
    Case,
    /// The catalogue's own TOML (as in data/micro/).
    Toml,
    /// The entries as a JSON list.
    Json,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Catalogue ids to export (none: your personal catalogue).
    pub ids: Vec<String>,
    #[arg(long, value_enum, default_value = "case")]
    pub format: Format,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The package's title (CASE).
    #[arg(long, default_value = "My micro-skills")]
    pub title: String,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The CFPackage JSON file.
    pub file: PathBuf,
    /// Show what would be imported without saving.
    #[arg(long)]
    pub dry_run: bool,
    /// Overwrite entries already saved under the same ids.
    #[arg(long)]
    pub replace: bool,
}

/// The journal, when there is one (a search does not create a database).
fn journal(g: &Global) -> Result<Option<Ctx>> {
    let url = ctx::database_url(g)?;
    let is_file = !url.contains("://") && !url.starts_with("sqlite:");
    if is_file && !std::path::Path::new(&url).exists() {
        return Ok(None);
    }
    Ctx::open(g).map(Some)
}

/// The person's saved entries, when they have a journal.
fn personal(g: &Global) -> Result<Vec<CatalogueMicroSkill>> {
    match journal(g)? {
        Some(c) => Ok(c.block(app::personal(&c.app))?),
        None => Ok(Vec::new()),
    }
}

fn budget(m: &CatalogueMicroSkill) -> String {
    match (m.hours, m.weeks) {
        (Some(h), Some(w)) => format!("{h} h / {w} wk"),
        (Some(h), None) => format!("{h} h"),
        _ => String::new(),
    }
}

pub fn run(cmd: CatalogueCmd, g: &Global) -> Result<()> {
    let tax = super::discover::taxonomy()?;
    match cmd {
        CatalogueCmd::Search(a) => {
            let c = app::assemble(&tax, personal(g)?)?;
            let hits = app::search(
                &c,
                &app::Search {
                    query: a.query.join(" "),
                    parent: a.parent,
                    source: a.source,
                    limit: a.limit,
                },
            )?;
            if g.json {
                return ctx::print_json(&hits);
            }
            if hits.is_empty() {
                return outln!(
                    "No micro-skill matches. Try fewer words, or list the curated ones: mm micro catalogue search --source curated"
                );
            }
            let mut t = ui::table(["id", "micro-skill", "source", "budget", "parents"]);
            for m in &hits {
                t.add_row(vec![
                    m.id.clone(),
                    m.name.clone(),
                    m.source.to_string(),
                    budget(m),
                    m.parents
                        .iter()
                        .map(|p| parent_label(&tax, p))
                        .collect::<Vec<_>>()
                        .join("; "),
                ]);
            }
            outln!("{t}")?;
            outln!("Details: mm micro catalogue show <id> · commit: mm goal new --from <id>")?;
        }
        CatalogueCmd::Show { id } => {
            let c = app::assemble(&tax, personal(g)?)?;
            let v = app::show(&c, &id)?;
            if g.json {
                return ctx::print_json(&v);
            }
            print_entry(&tax, &v.micro_skill)?;
            for n in v.next.iter().take(5) {
                outln!("  then: {} \"{}\" — {}", n.id, n.name, n.reason)?;
            }
            outln!("Commit to it: mm goal new --from {}", v.micro_skill.id)?;
        }
        CatalogueCmd::Save(a) => {
            let c = Ctx::open(g)?;
            let what = match a.micro {
                Some(micro) => SaveWhat::Own(micro),
                None => SaveWhat::Ids(a.ids),
            };
            let entries = c.block(app::save(&c.app, &tax, &what, a.replace))?;
            if g.json {
                return ctx::print_json(&entries);
            }
            for m in &entries {
                outln!("Saved {} \"{}\" to your catalogue.", m.id, m.name)?;
            }
            outln!(
                "{} saved. Export them with: mm micro catalogue export -o my-micro-skills.case.json",
                entries.len()
            )?;
        }
        CatalogueCmd::List => {
            let c = Ctx::open(g)?;
            let saved = c.block(app::list(&c.app))?;
            if g.json {
                return ctx::print_json(&saved);
            }
            if saved.is_empty() {
                return outln!(
                    "Your catalogue is empty. Save one: mm micro catalogue save <id> (find ids with `mm micro catalogue search`)."
                );
            }
            let mut t = ui::table(["id", "micro-skill", "from", "saved"]);
            for e in &saved {
                t.add_row(vec![
                    e.id.clone(),
                    e.name.clone(),
                    e.origin.clone(),
                    e.saved_at.format("%Y-%m-%d").to_string(),
                ]);
            }
            outln!("{t}")?;
        }
        CatalogueCmd::Remove { id } => {
            let c = Ctx::open(g)?;
            c.block(app::remove(&c.app, &id))?;
            if !g.json {
                outln!("Removed {id} from your catalogue.")?;
            }
        }
        CatalogueCmd::Export(a) => {
            // Only the personal catalogue needs a journal; named ids use it
            // when there is one.
            let c = if a.ids.is_empty() {
                Some(Ctx::open(g)?)
            } else {
                journal(g)?
            };
            let entries = match &c {
                Some(c) => c.block(app::export_entries(Some(&c.app), &tax, &a.ids)),
                None => ctx::runtime()?.block_on(app::export_entries(None, &tax, &a.ids)),
            }
            .map_err(|e| match e.kind() {
                mm_app::ErrorKind::Invalid => {
                    super::discover::hinted(e, "save one with `mm micro catalogue save <id>`")
                }
                _ => e,
            })?;
            let format = match a.format {
                Format::Case => ExportFormat::Case,
                Format::Toml => ExportFormat::Toml,
                Format::Json => ExportFormat::Json,
            };
            let (now, _) = ctx::clock()?;
            let text = app::export(&tax, &entries, format, &a.title, now)?;
            match &a.output {
                Some(path) => {
                    crate::outfile::write(path, text.as_bytes())?;
                    eprintln!(
                        "Wrote {} micro-skill(s) to {}.",
                        entries.len(),
                        path.display()
                    );
                }
                None => std::io::stdout().lock().write_all(text.as_bytes())?,
            }
        }
        CatalogueCmd::Import(a) => {
            let text = std::fs::read_to_string(&a.file)
                .with_context(|| format!("cannot read {}", a.file.display()))?;
            let entries = app::read_case(&text)
                .with_context(|| format!("{} is not a usable CASE package", a.file.display()))?;
            if !a.dry_run {
                let c = Ctx::open(g)?;
                c.block(app::import(&c.app, &entries, a.replace))?;
            }
            if g.json {
                return ctx::print_json(&entries);
            }
            let mut t = ui::table(["id", "micro-skill", "principles", "criteria", "parents"]);
            for m in &entries {
                t.add_row(vec![
                    m.id.clone(),
                    m.name.clone(),
                    m.principles.len().to_string(),
                    m.done_when.len().to_string(),
                    m.parents.len().to_string(),
                ]);
            }
            outln!("{t}")?;
            if a.dry_run {
                outln!(
                    "{} micro-skill(s) would be imported (dry run: nothing saved).",
                    entries.len()
                )?;
            } else {
                outln!(
                    "Imported {} micro-skill(s) into your catalogue.",
                    entries.len()
                )?;
            }
        }
    }
    Ok(())
}

fn print_entry(tax: &Taxonomy, m: &CatalogueMicroSkill) -> Result<()> {
    outln!("{}  ({})", m.name, m.id)?;
    outln!(
        "  source: {}{}",
        m.source,
        m.evidence
            .as_ref()
            .map(|e| format!(" — {e}"))
            .unwrap_or_default()
    )?;
    if let Some(s) = m.share {
        outln!("  asked for in {:.1}% of the shipped postings", 100.0 * s)?;
    }
    for p in &m.parents {
        outln!("  parent: {} <{p}>", parent_label(tax, p))?;
    }
    if m.hours.is_some() || m.weeks.is_some() {
        outln!(
            "  budget: {}{}; target level {}",
            budget(m),
            m.weekly_minutes()
                .map(|w| format!(" (about {} a week)", mm_core::parse::format_minutes(w)))
                .unwrap_or_default(),
            m.dreyfus
        )?;
    }
    for p in &m.principles {
        match &p.description {
            Some(d) => outln!("  principle: {} — {d}", p.name),
            None => outln!("  principle: {}", p.name),
        }?;
    }
    for (i, c) in m.done_when.iter().enumerate() {
        outln!("  done when {}: {c}", i + 1)?;
    }
    if !m.prerequisites.is_empty() {
        outln!("  first master: {}", m.prerequisites.join(", "))?;
    }
    for r in &m.resources {
        outln!(
            "  resource: {}{}",
            r.url,
            r.title
                .as_ref()
                .map(|t| format!(" ({t})"))
                .unwrap_or_default()
        )?;
    }
    Ok(())
}
