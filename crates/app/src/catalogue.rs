//! The micro-skill catalogue: the shipped entries (curated, mined from the
//! sample postings, carved from O*NET tasks) merged with the person's own
//! saved entries; search, show, save, export and import (CASE 1.1).

use crate::{App, Error, Result};
use mm_micro::case::{self, ExportOptions};
use mm_micro::catalogue::{self as cat, Catalogue};
use mm_micro::{CatalogueMicroSkill, ParentRef, Source};
use mm_store::PersonalEntry;
use mm_taxonomy::Taxonomy;
use serde::Serialize;

/// Carved O*NET tasks per occupation the curated catalogue does not cover.
const TASKS_PER_OCCUPATION: usize = 8;

/// The catalogue crate's errors keep their kind.
impl From<mm_micro::Error> for Error {
    fn from(e: mm_micro::Error) -> Self {
        match e {
            e @ mm_micro::Error::NotFound { .. } => {
                Error::new(crate::ErrorKind::NotFound, e.to_string())
            }
            e => Error::invalid(e.to_string()),
        }
    }
}

/// The whole catalogue: curated, then `personal` entries, then mined and
/// carved ones, without duplicates.
///
/// # Errors
/// Internal when a shipped file cannot be read (a build problem).
pub fn assemble(tax: &Taxonomy, personal: Vec<CatalogueMicroSkill>) -> Result<Catalogue> {
    let shipped = |e: mm_micro::Error| Error::internal(format!("the shipped catalogue: {e}"));
    let mut c = Catalogue::curated().map_err(shipped)?;
    c.merge(personal);
    let miner = mm_micro::postings::Miner::new(tax);
    let mined = miner
        .mine(mm_discover::sample::POSTINGS_JSONL)
        .map_err(|e| Error::internal(format!("the shipped postings: {e}")))?;
    c.merge(mined.iter().map(|m| miner.micro_skill(m)).collect());
    let carved = mm_micro::onet::carve_uncovered(&c, tax, TASKS_PER_OCCUPATION);
    c.merge(carved);
    // Search then matches a parent's name ("spreadsheets") too.
    c.label_parents(tax);
    Ok(c)
}

/// The curated catalogue with the person's own entries: what discovery
/// offers as micro-skills (mined and carved entries join only where their
/// own evidence puts them).
///
/// # Errors
/// As [`personal`].
pub async fn personal_catalogue(app: &App) -> Result<Catalogue> {
    let mut c = cat::curated().clone();
    c.merge(personal(app).await?);
    Ok(c)
}

/// The entry with catalogue id `id`: the person's own, a curated one, a
/// task carved from O*NET (`onet-task-<id>`), or one of the assembled
/// catalogue; `None` when no entry has it.
///
/// # Errors
/// As [`personal`] and [`assemble`].
pub async fn entry_by_id(
    app: &App,
    tax: &Taxonomy,
    id: &str,
) -> Result<Option<CatalogueMicroSkill>> {
    if let Some(m) = personal(app).await?.into_iter().find(|m| m.id == id) {
        return Ok(Some(m));
    }
    if let Some(m) = cat::curated().get(id) {
        return Ok(Some(m.clone()));
    }
    if let Some(task) = id
        .strip_prefix("onet-task-")
        .and_then(|t| t.parse::<u32>().ok())
    {
        for occ in &tax.onet_occupations {
            if let Some(t) = occ.tasks.iter().find(|t| t.id == task) {
                return Ok(Some(mm_micro::onet::carve_task(occ, t)));
            }
        }
    }
    Ok(assemble(tax, Vec::new())?.get(id).cloned())
}

/// The person's saved entries.
///
/// # Errors
/// Internal when a saved entry no longer reads.
pub async fn personal(app: &App) -> Result<Vec<CatalogueMicroSkill>> {
    app.store()
        .list_personal_entries()
        .await?
        .into_iter()
        .map(|e| {
            serde_json::from_value(e.entry).map_err(|err| {
                Error::internal(format!(
                    "your catalogue entry {:?} is unreadable: {err}",
                    e.id
                ))
            })
        })
        .collect()
}

/// A parent concept in words: the ESCO label, the O*NET technology or task.
pub fn parent_label(tax: &Taxonomy, p: &ParentRef) -> String {
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

/// What to look for.
#[derive(Debug, Clone, Default)]
pub struct Search {
    /// Words of the name, principles or parents (empty: everything).
    pub query: String,
    /// Only micro-skills of this parent (ESCO URI, `onet-tech:`, `onet-task:`).
    pub parent: Option<String>,
    pub source: Option<Source>,
    pub limit: usize,
}

/// Micro-skills matching `s`, best first.
///
/// # Errors
/// Invalid (field `parent`) for a parent that is no concept reference.
pub fn search(c: &Catalogue, s: &Search) -> Result<Vec<CatalogueMicroSkill>> {
    let mut hits: Vec<&CatalogueMicroSkill> = match &s.parent {
        Some(p) => {
            if ParentRef::parse(p).is_none() {
                return Err(Error::invalid_field(
                    "parent",
                    format!(
                        "the parent {p:?} is not an ESCO URI, onet-tech:<name> or onet-task:<id>"
                    ),
                ));
            }
            c.micro_skills_for(p)
        }
        None => c
            .search(&s.query, usize::MAX)
            .into_iter()
            .map(|h| h.1)
            .collect(),
    };
    if s.parent.is_some() && !s.query.is_empty() {
        let keep: Vec<&str> = c
            .search(&s.query, usize::MAX)
            .into_iter()
            .map(|h| h.1.id.as_str())
            .collect();
        hits.retain(|h| keep.contains(&h.id.as_str()));
    }
    if let Some(src) = s.source {
        hits.retain(|h| h.source == src);
    }
    hits.truncate(s.limit);
    Ok(hits.into_iter().cloned().collect())
}

/// A step after a catalogue entry, with the reason.
#[derive(Debug, Clone, Serialize)]
pub struct NextEntry {
    pub id: String,
    pub name: String,
    pub reason: String,
}

/// One catalogue entry and what to take on after it.
#[derive(Debug, Clone, Serialize)]
pub struct EntryView {
    pub micro_skill: CatalogueMicroSkill,
    pub next: Vec<NextEntry>,
}

/// The entry `id`, with its next steps.
///
/// # Errors
/// Not found, naming the closest ids.
pub fn show(c: &Catalogue, id: &str) -> Result<EntryView> {
    let m = c.find(id)?;
    let next = c
        .next_for(&m.id)
        .iter()
        .map(|(n, why)| NextEntry {
            id: n.id.clone(),
            name: n.name.clone(),
            reason: why.to_string(),
        })
        .collect();
    Ok(EntryView {
        micro_skill: m.clone(),
        next,
    })
}

/// What to save to the personal catalogue.
#[derive(Debug, Clone)]
pub enum SaveWhat {
    /// Catalogue entries by id.
    Ids(Vec<String>),
    /// One of the person's own micro-skills (id or exact name).
    Own(String),
}

async fn keep(
    app: &App,
    entries: &[CatalogueMicroSkill],
    origin: &str,
    replace: bool,
) -> Result<usize> {
    let rows = entries
        .iter()
        .map(|m| {
            let v = serde_json::to_value(m).map_err(|e| Error::internal(e.to_string()))?;
            Ok((m.id.clone(), m.name.clone(), origin.to_string(), v))
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(app
        .store()
        .save_personal_entries(&rows, replace, app.person().now)
        .await?)
}

/// Save entries to the personal catalogue, all or none.
///
/// # Errors
/// Not found for an unknown id or micro-skill; conflict for an entry saved
/// already (unless `replace`).
pub async fn save(
    app: &App,
    tax: &Taxonomy,
    what: &SaveWhat,
    replace: bool,
) -> Result<Vec<CatalogueMicroSkill>> {
    let (entries, origin) = match what {
        SaveWhat::Own(micro) => (vec![own_entry(app, micro).await?], "own"),
        SaveWhat::Ids(ids) => {
            let all = assemble(tax, Vec::new())?;
            let v = ids
                .iter()
                .map(|id| all.find(id).cloned())
                .collect::<Result<Vec<_>, _>>()?;
            (v, "catalogue")
        }
    };
    keep(app, &entries, origin, replace).await?;
    Ok(entries)
}

/// The personal catalogue as saved.
///
/// # Errors
/// When the journal cannot be read.
pub async fn list(app: &App) -> Result<Vec<PersonalEntry>> {
    Ok(app.store().list_personal_entries().await?)
}

/// Remove an entry from the personal catalogue.
///
/// # Errors
/// Not found.
pub async fn remove(app: &App, id: &str) -> Result<()> {
    Ok(app.store().remove_personal_entry(id).await?)
}

/// One of the person's own micro-skills as a catalogue entry: its skill's
/// taxonomy concept as parent, its principles and resources, and the
/// criteria, budget and span of its latest goal.
///
/// # Errors
/// Not found (what: `micro-skill`).
pub async fn own_entry(app: &App, micro: &str) -> Result<CatalogueMicroSkill> {
    let store = app.store();
    let m = store.find_micro_skill(micro).await?;
    let skills = store.list_skills().await?;
    let skill = skills.iter().find(|s| s.id == m.skill_id);
    let goal = store
        .list_goals()
        .await?
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
        isco: Vec::new(),
        core_for: Vec::new(),
        country: Vec::new(),
        stack: Vec::new(),
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

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// CASE 1.1 CFPackage JSON, with isChildOf and exactMatchOf to ESCO.
    Case,
    /// The catalogue's own TOML.
    Toml,
    /// The entries as a JSON list.
    Json,
}

/// Entries as a document in `format` (`title` names a CASE package).
///
/// # Errors
/// Internal when the entries cannot be written as TOML.
pub fn export(
    tax: &Taxonomy,
    entries: &[CatalogueMicroSkill],
    format: ExportFormat,
    title: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<String> {
    let refs: Vec<&CatalogueMicroSkill> = entries.iter().collect();
    match format {
        ExportFormat::Case => {
            let opts = ExportOptions {
                title: title.to_owned(),
                last_change: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
                ..ExportOptions::default()
            };
            pretty(&case::export(&refs, &opts, |p| parent_label(tax, p)))
        }
        ExportFormat::Json => pretty(&refs),
        ExportFormat::Toml => {
            #[derive(Serialize)]
            struct File<'a> {
                micro: &'a [&'a CatalogueMicroSkill],
            }
            toml::to_string(&File { micro: &refs })
                .map_err(|e| Error::internal(format!("writing the entries as TOML: {e}")))
        }
    }
}

/// Pretty JSON ending in a newline.
fn pretty<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string_pretty(v)
        .map(|t| t + "\n")
        .map_err(|e| Error::internal(e.to_string()))
}

/// The entries to export: the named ids from the whole catalogue (with the
/// person's own), else the personal catalogue.
///
/// # Errors
/// Not found for an unknown id; invalid when the personal catalogue is
/// empty and no id is named.
pub async fn export_entries(
    app: Option<&App>,
    tax: &Taxonomy,
    ids: &[String],
) -> Result<Vec<CatalogueMicroSkill>> {
    let personal = match app {
        Some(app) => personal(app).await?,
        None => Vec::new(),
    };
    if ids.is_empty() {
        if personal.is_empty() {
            return Err(Error::invalid(
                "your catalogue is empty: save entries first or name catalogue ids to export",
            ));
        }
        return Ok(personal);
    }
    let all = assemble(tax, personal)?;
    Ok(ids
        .iter()
        .map(|id| all.find(id).cloned())
        .collect::<Result<Vec<_>, _>>()?)
}

/// The items of a CASE package, as catalogue entries (nothing is saved).
///
/// # Errors
/// Invalid for a package that cannot be used or holds no items.
pub fn read_case(case_json: &str) -> Result<Vec<CatalogueMicroSkill>> {
    let entries = case::import(case_json)?;
    if entries.is_empty() {
        return Err(Error::invalid("the package holds no items to import"));
    }
    Ok(entries)
}

/// Save imported entries to the personal catalogue, all or nothing.
///
/// # Errors
/// Conflict for an entry saved already (unless `replace`).
pub async fn import(app: &App, entries: &[CatalogueMicroSkill], replace: bool) -> Result<usize> {
    keep(app, entries, "case", replace).await
}

/// The catalogue entry a goal's `from` names: a catalogue id, or the best
/// curated micro-skill of the ESCO skill a rank or URI names. `None` when
/// the suggestion has no catalogue micro-skill (a draft is made instead).
/// Nothing is written.
///
/// # Errors
/// Invalid for text that is no rank, URI or catalogue id.
pub async fn entry_for_suggestion(
    app: &App,
    tax: &Taxonomy,
    from: &str,
) -> Result<Option<CatalogueMicroSkill>> {
    let from = from.trim();
    let uri = if let Ok(rank) = from.parse::<usize>() {
        let Some(last) = app.store().last_ranking().await? else {
            return Ok(None);
        };
        if let Some(id) = last.step_at(rank) {
            return entry_by_id(app, tax, id).await;
        }
        match last.uri_at(rank) {
            Some(u) => u.to_owned(),
            None => return Ok(None),
        }
    } else if ParentRef::parse(from).is_some() {
        from.to_owned()
    } else {
        if let Some(m) = personal(app).await?.into_iter().find(|m| m.id == from) {
            return Ok(Some(m));
        }
        if let Some(m) = cat::curated().get(from) {
            return Ok(Some(m.clone()));
        }
        return match assemble(tax, Vec::new())?.find(from) {
            Ok(m) => Ok(Some(m.clone())),
            Err(e) => Err(Error::invalid_field(
                "from",
                format!(
                    "{from:?} is neither a rank from the last ranking, an ESCO skill URI nor a catalogue id ({e})"
                ),
            )),
        };
    };
    Ok(cat::micro_skills_for(&uri).first().map(|m| (*m).clone()))
}

/// The skill a catalogue entry hangs from, as the person's new skill: its
/// first ESCO parent, else its first parent in words, else its own name.
pub fn skill_for_entry(tax: &Taxonomy, m: &CatalogueMicroSkill) -> mm_core::NewSkill {
    match m.esco_parents().next().and_then(|u| tax.skill_by_uri(u)) {
        Some(i) => {
            let s = tax.skill(i);
            mm_core::NewSkill {
                name: s.preferred.clone(),
                kind: match s.skill_type {
                    mm_taxonomy::SkillType::Knowledge => mm_core::SkillKind::Knowledge,
                    _ => mm_core::SkillKind::Skill,
                },
                taxonomy_uri: Some(s.uri.clone()),
                description: (!s.description.is_empty()).then(|| s.description.clone()),
                held_level: None,
            }
        }
        None => mm_core::NewSkill {
            name: m
                .parents
                .first()
                .map_or_else(|| m.name.clone(), |p| parent_label(tax, p)),
            kind: mm_core::SkillKind::Skill,
            taxonomy_uri: None,
            description: None,
            held_level: None,
        },
    }
}

/// A catalogue entry as the person's new micro-skill under `skill`.
pub fn micro_for_entry(m: &CatalogueMicroSkill, skill: mm_core::SkillId) -> mm_core::NewMicroSkill {
    mm_core::NewMicroSkill {
        skill_id: skill,
        name: m.name.clone(),
        principles: m
            .principles
            .iter()
            .map(|p| mm_core::NewPrinciple {
                name: p.name.clone(),
                description: p.description.clone(),
            })
            .collect(),
        resources: m
            .resources
            .iter()
            .map(|r| mm_core::Resource {
                url: r.url.clone(),
                title: r.title.clone(),
            })
            .collect(),
    }
}

/// What taking on a catalogue entry writes: the skill it hangs from (one
/// the person has for the same concept or name, else a new one) and the
/// micro-skill (one of the same name, else a new one). Nothing is written.
///
/// # Errors
/// When the journal cannot be read.
pub async fn adoption(
    app: &App,
    tax: &Taxonomy,
    m: &CatalogueMicroSkill,
) -> Result<crate::skills::Adoption> {
    use crate::skills::{MicroChoice, SkillChoice};
    let new = skill_for_entry(tax, m);
    let key = new.taxonomy_uri.clone().unwrap_or_else(|| new.name.clone());
    let skill = match crate::skills::find_skill(app, &key, &new.name).await? {
        Some(s) => SkillChoice::Existing(s),
        None => SkillChoice::New(new),
    };
    let skill_id = match &skill {
        SkillChoice::Existing(s) => s.id,
        SkillChoice::New(_) => mm_core::SkillId(0),
    };
    let micro = match app.store().find_micro_skill(&m.name).await {
        Ok(existing) => MicroChoice::Existing(existing),
        Err(mm_store::Error::NotFound { .. }) => MicroChoice::New(micro_for_entry(m, skill_id)),
        Err(e) => return Err(e.into()),
    };
    Ok(crate::skills::Adoption {
        skill,
        micro,
        done_when: None,
    })
}
