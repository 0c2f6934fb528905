//! `mm micro catalogue`: browse the micro-skill catalogue (curated, carved
//! from O*NET tasks, mined from postings), keep entries in a personal
//! catalogue, and move them in and out as CASE 1.1 packages.

use crate::Global;
use crate::ctx::{self, Ctx};
use crate::ui::{self, outln};
use anyhow::{Context as _, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use mm_micro::case::{self, ExportOptions};
use mm_micro::catalogue::{self as cat, Catalogue};
use mm_micro::{CatalogueMicroSkill, ParentRef, Source};
use mm_taxonomy::Taxonomy;
use std::io::Write as _;
use std::path::PathBuf;

/// Carved O*NET tasks per occupation the curated catalogue does not cover.
const TASKS_PER_OCCUPATION: usize = 8;

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

/// The whole catalogue: curated, then the person's entries, then mined and
/// carved ones, without duplicates.
pub fn assemble(tax: &Taxonomy, personal: Vec<CatalogueMicroSkill>) -> Result<Catalogue> {
    let mut c = Catalogue::curated().context("reading the shipped micro-skill catalogue")?;
    c.merge(personal);
    let miner = mm_micro::postings::Miner::new(tax);
    let mined = miner
        .mine(mm_discover::sample::POSTINGS_JSONL)
        .context("reading the shipped postings")?;
    c.merge(mined.iter().map(|m| miner.micro_skill(m)).collect());
    let carved = mm_micro::onet::carve_uncovered(&c, tax, TASKS_PER_OCCUPATION);
    c.merge(carved);
    Ok(c)
}

/// The person's saved entries, when they have a journal (reading only: a
/// search does not create a database).
fn personal(g: &Global) -> Result<Vec<CatalogueMicroSkill>> {
    let url = ctx::database_url(g)?;
    let is_file = !url.contains("://") && !url.starts_with("sqlite:");
    if is_file && !std::path::Path::new(&url).exists() {
        return Ok(Vec::new());
    }
    let c = Ctx::open(g)?;
    entries_of(&c)
}

fn entries_of(c: &Ctx) -> Result<Vec<CatalogueMicroSkill>> {
    c.block(c.store.list_personal_entries())?
        .into_iter()
        .map(|e| {
            serde_json::from_value(e.entry)
                .with_context(|| format!("your catalogue entry {:?} is unreadable", e.id))
        })
        .collect()
}

fn parent_label(tax: &Taxonomy, p: &ParentRef) -> String {
    match p {
        ParentRef::Esco(u) => tax
            .skill_by_uri(u)
            .map_or_else(|| u.clone(), |i| tax.skill(i).preferred.clone()),
        ParentRef::OnetTech(n) => format!("{n} (O*NET technology)"),
        ParentRef::OnetTask(id) => tax
            .onet_occupations
            .iter()
            .find(|o| o.tasks.iter().any(|t| t.id == *id))
            .map_or_else(
                || format!("O*NET task {id}"),
                |o| format!("O*NET task {id} ({})", o.title),
            ),
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
    let tax = Taxonomy::load_embedded().context("loading the shipped taxonomy")?;
    match cmd {
        CatalogueCmd::Search(a) => {
            let c = assemble(&tax, personal(g)?)?;
            let q = a.query.join(" ");
            let mut hits: Vec<(f64, &CatalogueMicroSkill)> = match &a.parent {
                Some(p) => {
                    if ParentRef::parse(p).is_none() {
                        bail!(
                            "--parent {p:?} is not an ESCO URI, onet-tech:<name> or onet-task:<id>"
                        );
                    }
                    c.micro_skills_for(p)
                        .into_iter()
                        .map(|m| (1.0, m))
                        .collect()
                }
                None => c.search(&q, usize::MAX),
            };
            if a.parent.is_some() && !q.is_empty() {
                let keep: Vec<String> = c
                    .search(&q, usize::MAX)
                    .into_iter()
                    .map(|h| h.1.id.clone())
                    .collect();
                hits.retain(|h| keep.contains(&h.1.id));
            }
            if let Some(s) = a.source {
                hits.retain(|h| h.1.source == s);
            }
            hits.truncate(a.limit);
            if g.json {
                let v: Vec<&CatalogueMicroSkill> = hits.iter().map(|h| h.1).collect();
                return ctx::print_json(&v);
            }
            if hits.is_empty() {
                outln!(
                    "No micro-skill matches. Try fewer words, or list the curated ones: mm micro catalogue search --source curated"
                )?;
                return Ok(());
            }
            let mut t = ui::table(["id", "micro-skill", "source", "budget", "parents"]);
            for (_, m) in &hits {
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
            let c = assemble(&tax, personal(g)?)?;
            let m = c.find(&id)?;
            let next = c.next_for(&m.id);
            if g.json {
                return ctx::print_json(&serde_json::json!({
                    "micro_skill": m,
                    "next": next.iter().map(|(n, why)| serde_json::json!({
                        "id": n.id, "name": n.name, "reason": why.to_string()
                    })).collect::<Vec<_>>(),
                }));
            }
            print_entry(&tax, m)?;
            for (n, why) in next.iter().take(5) {
                outln!("  then: {} \"{}\" — {why}", n.id, n.name)?;
            }
            outln!("Commit to it: mm goal new --from {}", m.id)?;
        }
        CatalogueCmd::Save(a) => {
            let c = Ctx::open(g)?;
            let (entries, origin): (Vec<CatalogueMicroSkill>, &str) = match &a.micro {
                Some(micro) => (vec![own_entry(&c, micro)?], "own"),
                None => {
                    let all = assemble(&tax, Vec::new())?;
                    let mut v = Vec::new();
                    for id in &a.ids {
                        v.push(all.find(id)?.clone());
                    }
                    (v, "catalogue")
                }
            };
            let n = save(&c, &entries, origin, a.replace)?;
            if g.json {
                return ctx::print_json(&entries);
            }
            for m in &entries {
                outln!("Saved {} \"{}\" to your catalogue.", m.id, m.name)?;
            }
            outln!(
                "{n} saved. Export them with: mm micro catalogue export -o my-micro-skills.case.json"
            )?;
        }
        CatalogueCmd::List => {
            let c = Ctx::open(g)?;
            let saved = c.block(c.store.list_personal_entries())?;
            if g.json {
                return ctx::print_json(&saved);
            }
            if saved.is_empty() {
                outln!(
                    "Your catalogue is empty. Save one: mm micro catalogue save <id> (find ids with `mm micro catalogue search`)."
                )?;
                return Ok(());
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
            c.block(c.store.remove_personal_entry(&id))?;
            if !g.json {
                outln!("Removed {id} from your catalogue.")?;
            }
        }
        CatalogueCmd::Export(a) => {
            let entries: Vec<CatalogueMicroSkill> = if a.ids.is_empty() {
                let c = Ctx::open(g)?;
                let v = entries_of(&c)?;
                if v.is_empty() {
                    bail!(
                        "your catalogue is empty: save entries first (mm micro catalogue save <id>) or name catalogue ids to export"
                    );
                }
                v
            } else {
                let all = assemble(&tax, personal(g)?)?;
                let mut v = Vec::new();
                for id in &a.ids {
                    v.push(all.find(id)?.clone());
                }
                v
            };
            let refs: Vec<&CatalogueMicroSkill> = entries.iter().collect();
            let text = match a.format {
                Format::Case => {
                    let (now, _) = ctx::clock()?;
                    let opts = ExportOptions {
                        title: a.title.clone(),
                        last_change: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
                        ..ExportOptions::default()
                    };
                    let pkg = case::export(&refs, &opts, |p| parent_label(&tax, p));
                    serde_json::to_string_pretty(&pkg)? + "\n"
                }
                Format::Json => serde_json::to_string_pretty(&refs)? + "\n",
                Format::Toml => {
                    #[derive(serde::Serialize)]
                    struct File<'a> {
                        micro: &'a [&'a CatalogueMicroSkill],
                    }
                    toml::to_string(&File { micro: &refs })
                        .context("writing the entries as TOML")?
                }
            };
            match &a.output {
                Some(path) => {
                    crate::outfile::write(path, text.as_bytes())?;
                    eprintln!("Wrote {} micro-skill(s) to {}.", refs.len(), path.display());
                }
                None => {
                    let mut out = std::io::stdout().lock();
                    out.write_all(text.as_bytes())?;
                }
            }
        }
        CatalogueCmd::Import(a) => {
            let text = std::fs::read_to_string(&a.file)
                .with_context(|| format!("cannot read {}", a.file.display()))?;
            let entries = case::import(&text)
                .with_context(|| format!("{} is not a usable CASE package", a.file.display()))?;
            if entries.is_empty() {
                bail!("{} holds no items to import", a.file.display());
            }
            if !a.dry_run {
                let c = Ctx::open(g)?;
                save(&c, &entries, "case", a.replace)?;
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

fn save(c: &Ctx, entries: &[CatalogueMicroSkill], origin: &str, replace: bool) -> Result<usize> {
    let rows = entries
        .iter()
        .map(|m| {
            Ok((
                m.id.clone(),
                m.name.clone(),
                origin.to_string(),
                serde_json::to_value(m)?,
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(c.block(c.store.save_personal_entries(&rows, replace, c.now))?)
}

/// One of the person's own micro-skills as a catalogue entry: its skill's
/// taxonomy concept as parent, its principles and resources, and the
/// criteria, budget and span of its latest goal.
fn own_entry(c: &Ctx, micro: &str) -> Result<CatalogueMicroSkill> {
    let m = c.block(c.store.find_micro_skill(micro))?;
    let skills = c.block(c.store.list_skills())?;
    let skill = skills.iter().find(|s| s.id == m.skill_id);
    let goal = c
        .block(c.store.list_goals())?
        .into_iter()
        .filter(|goal| goal.micro_skill_id == m.id)
        .max_by_key(|goal| goal.created_at);
    let parents = skill
        .and_then(|s| s.taxonomy_uri.as_deref())
        .and_then(ParentRef::parse)
        .into_iter()
        .collect();
    Ok(CatalogueMicroSkill {
        id: mm_micro::model::slug(&m.name),
        name: m.name.clone(),
        area: String::new(),
        parents,
        principles: m
            .principles
            .iter()
            .map(|p| mm_micro::Principle {
                name: p.name.clone(),
                description: p.description.clone(),
            })
            .collect(),
        done_when: goal
            .as_ref()
            .map(|gl| gl.criteria.iter().map(|c| c.text.clone()).collect())
            .unwrap_or_default(),
        hours: goal.as_ref().map(|gl| gl.planned_minutes().div_ceil(60)),
        weeks: goal.as_ref().map(|gl| {
            let days = (gl.original_deadline() - gl.start).num_days();
            (days.max(1) as u32).div_ceil(7)
        }),
        dreyfus: goal
            .as_ref()
            .map_or(mm_core::Level::Competent, |gl| gl.target_level),
        prerequisites: Vec::new(),
        next: Vec::new(),
        resources: m
            .resources
            .iter()
            .map(|r| mm_micro::Resource {
                url: r.url.clone(),
                title: r.title.clone(),
            })
            .collect(),
        source: Source::Personal,
        share: None,
        evidence: skill.map(|s| format!("your micro-skill {} under {}", m.id, s.name)),
    })
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

/// The catalogue entry a `--from` suggestion names: a catalogue id, or the
/// best micro-skill of the ESCO skill a rank or URI names. `None` when the
/// suggestion has no catalogue micro-skill (the caller drafts one instead).
pub fn entry_for_suggestion(c: &Ctx, from: &str) -> Result<Option<CatalogueMicroSkill>> {
    let from = from.trim();
    let uri = if let Ok(rank) = from.parse::<usize>() {
        let Some(last) = c.block(c.store.get_setting(super::discover::LAST_RANKING_KEY))? else {
            return Ok(None);
        };
        match last["micro"]
            .get(rank.wrapping_sub(1))
            .and_then(|v| v.as_str())
        {
            Some(u) => u.to_string(),
            None => return Ok(None),
        }
    } else if ParentRef::parse(from).is_some() {
        from.to_string()
    } else {
        let saved = entries_of(c)?;
        if let Some(m) = saved.into_iter().find(|m| m.id == from) {
            return Ok(Some(m));
        }
        if let Some(m) = cat::curated().get(from) {
            return Ok(Some(m.clone()));
        }
        let tax = Taxonomy::load_embedded().context("loading the shipped taxonomy")?;
        let all = assemble(&tax, Vec::new())?;
        return match all.find(from) {
            Ok(m) => Ok(Some(m.clone())),
            Err(e) => bail!(
                "{from:?} is neither a rank from the last `mm discover` list, an ESCO skill URI nor a catalogue id ({e})"
            ),
        };
    };
    Ok(cat::micro_skills_for(&uri).first().map(|m| (*m).clone()))
}

/// For `mm discover --json`: each ranked skill (micro and arc) gets the
/// curated micro-skills that hang from it.
pub fn annotate_ranking(v: &mut serde_json::Value) {
    for key in ["micro", "arcs"] {
        if let Some(list) = v.get_mut(key).and_then(|l| l.as_array_mut()) {
            for c in list {
                let uri = c["uri"].as_str().unwrap_or("").to_string();
                c["catalogue"] = cat::micro_skills_for(&uri)
                    .iter()
                    .map(|m| {
                        serde_json::json!({
                            "id": m.id, "name": m.name, "hours": m.hours, "weeks": m.weeks,
                        })
                    })
                    .collect::<Vec<_>>()
                    .into();
            }
        }
    }
}

/// For `mm discover`: the curated micro-skills of the ranked skills, as the
/// concrete steps to commit to.
pub fn print_for_ranking(r: &mm_discover::rank::Ranking) -> Result<()> {
    let mut lines = Vec::new();
    let all = r
        .micro
        .iter()
        .map(|c| (String::new(), c))
        .chain(r.arcs.iter().map(|c| ("arc ".to_string(), c)));
    for (kind, c) in all {
        for m in cat::micro_skills_for(&c.uri).into_iter().take(3) {
            lines.push(format!(
                "  {kind}{}. {} → {}: {}{}",
                c.rank,
                c.label,
                m.id,
                m.name,
                match (m.hours, m.weeks) {
                    (Some(h), Some(w)) => format!(" ({h} h over {w} wk)"),
                    _ => String::new(),
                }
            ));
        }
    }
    if !lines.is_empty() {
        outln!()?;
        outln!("Catalogue micro-skills of these (commit with `mm goal new --from <id>`):")?;
        for l in lines {
            outln!("{l}")?;
        }
    }
    Ok(())
}
