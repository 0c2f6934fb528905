//! Discovery and what comes next: the inputs of a ranking resolved from the
//! journal — the skills the person holds, the role (which occupation a title
//! was taken as, and the alternatives), the market the role is measured on
//! (postings given now, a saved analysis for this role, or the shipped
//! sample limited to the role's titles) — then the ranking itself, which
//! stays in `mm-discover`.

use crate::market::{PostingInput, Progress};
use crate::steps::{
    Carver, Focus, MIN_STACK_POSTINGS, MicroStep, STEPS_PER_PARENT, Taken, TaskSteps,
};
use crate::{App, Error, Result};
use mm_core::{GoalId, GoalState, Skill};
use mm_discover::market::{LanguageCount, MarketReport, Options, TitleScope};
use mm_discover::next::NextSkill;
use mm_discover::rank::{
    Candidate, Profile, RankOptions, Ranker, Role, resolve_occupation, resolve_role as by_title,
};
use mm_discover::titles::TitleFilter;
use mm_micro::model::fold_name;
use mm_store::LastRanking;
use mm_taxonomy::extract::Extractor;
use mm_taxonomy::occupations::OccupationIndex;
use mm_taxonomy::{SkillIdx, Taxonomy};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

/// The discover crate's errors keep their kind.
impl From<mm_discover::Error> for Error {
    fn from(e: mm_discover::Error) -> Self {
        use mm_discover::Error as D;
        match e {
            e @ D::UnknownRole { .. } => Error::new(crate::ErrorKind::NotFound, e.to_string()),
            D::NotFound(m) => Error::new(crate::ErrorKind::NotFound, m),
            D::Invalid(m) => Error::invalid(m),
            e => Error::internal(e.to_string()),
        }
    }
}

/// The taxonomy crate's errors keep their kind.
impl From<mm_taxonomy::Error> for Error {
    fn from(e: mm_taxonomy::Error) -> Self {
        use mm_taxonomy::Error as T;
        match e {
            T::NotFound(m) => Error::new(crate::ErrorKind::NotFound, format!("not found: {m}")),
            T::Invalid(m) => Error::invalid(m),
            e => Error::internal(e.to_string()),
        }
    }
}

/// The taxonomy skill a journal skill stands for: its URI, else a label.
pub fn skill_index(tax: &Taxonomy, s: &Skill) -> Option<SkillIdx> {
    s.taxonomy_uri
        .as_deref()
        .and_then(|u| tax.skill_by_uri(u))
        .or_else(|| tax.skills_by_label(&s.name).first().copied())
}

/// The taxonomy skills the person holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Held {
    /// Skills declared with a level (and what holding them covers), and the
    /// skills of achieved goals; sorted, no duplicates.
    pub held: Vec<SkillIdx>,
    /// The skills of achieved goals alone.
    pub achieved: Vec<SkillIdx>,
    /// The skills declared with a level, and what holding them covers:
    /// the catalogue's entries under them are not offered (an achieved
    /// goal's skill still leads on to its next steps).
    pub declared: Vec<SkillIdx>,
}

/// The skills the person holds: declared with a level, and behind achieved
/// goals. Holding a technology covers what it stands for (Excel counts as
/// *use spreadsheets software* too).
///
/// # Errors
/// When the journal cannot be read.
pub async fn held_skills(app: &App, tax: &Taxonomy) -> Result<Held> {
    let store = app.store();
    let skills = store.list_skills().await?;
    let mut held: Vec<SkillIdx> = skills
        .iter()
        .filter(|s| s.held_level.is_some())
        .filter_map(|s| skill_index(tax, s))
        .flat_map(|i| tax.covered_by_holding(i))
        .collect();
    let mut achieved = Vec::new();
    for goal in store.list_goals().await? {
        if goal.state != GoalState::Achieved {
            continue;
        }
        let micro = store.get_micro_skill(goal.micro_skill_id).await?;
        if let Some(i) = skills
            .iter()
            .find(|s| s.id == micro.skill_id)
            .and_then(|s| skill_index(tax, s))
        {
            achieved.push(i);
        }
    }
    held.sort_unstable();
    held.dedup();
    let declared = held.clone();
    held.extend(&achieved);
    held.sort_unstable();
    held.dedup();
    Ok(Held {
        held,
        achieved,
        declared,
    })
}

/// Which role to rank for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleQuery {
    /// A job title ("data analyst").
    Title(String),
    /// An ESCO occupation URI, an O*NET-SOC code, or a title.
    Occupation(String),
    /// The person's stored target role, if any.
    Stored,
}

/// A role by ESCO URI or O*NET-SOC code, else by title.
///
/// # Errors
/// Not found when nothing matches.
pub fn resolve_key(tax: &Taxonomy, idx: &OccupationIndex, key: &str) -> Result<Role> {
    let looks_like_id =
        key.starts_with("http") || key.chars().next().is_some_and(|c| c.is_ascii_digit());
    Ok(if looks_like_id {
        resolve_occupation(tax, idx, key)?
    } else {
        by_title(tax, idx, key)?
    })
}

/// A role given outright (a title or an occupation key).
///
/// # Errors
/// Invalid (field `role`) for an empty title; not found when nothing matches.
pub fn resolve_role(tax: &Taxonomy, idx: &OccupationIndex, q: &RoleQuery) -> Result<Role> {
    match q {
        RoleQuery::Title(t) if t.trim().is_empty() => Err(Error::invalid_field(
            "role",
            "the role is empty: give a job title such as \"data analyst\"",
        )),
        RoleQuery::Title(t) => Ok(by_title(tax, idx, t)?),
        RoleQuery::Occupation(k) => resolve_key(tax, idx, k),
        RoleQuery::Stored => Err(Error::invalid_field("role", "no role given")),
    }
}

/// The role asked for, or the stored target role; `None` when neither is
/// set. The role says which occupation a title was taken as and what else
/// it could mean.
///
/// # Errors
/// As [`resolve_role`].
pub async fn role(
    app: &App,
    tax: &Taxonomy,
    idx: &OccupationIndex,
    q: &RoleQuery,
) -> Result<Option<Role>> {
    match q {
        RoleQuery::Stored => match app.store().target_role().await? {
            Some(s) if !s.trim().is_empty() => Ok(Some(resolve_key(tax, idx, &s)?)),
            _ => Ok(None),
        },
        q => resolve_role(tax, idx, q).map(Some),
    }
}

/// Where a ranking takes its postings from.
#[derive(Debug, Clone, Default)]
pub enum MarketSource {
    /// The latest saved analysis if it was limited to this role, else the
    /// shipped sample limited to the role's titles.
    #[default]
    Auto,
    /// This saved analysis, as given.
    Saved(i64),
    /// These posting files or folders, analysed now.
    Postings(Vec<String>),
    /// No posting data.
    None,
}

/// The market a ranking was measured on, and where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct Market {
    pub report: MarketReport,
    /// `saved analysis 3: ads.jsonl`, the files read, or the sample's name.
    pub source: String,
    /// The latest saved analysis, passed over because it was not limited to
    /// the role's titles.
    pub passed_over: Option<i64>,
}

impl Market {
    /// The source, saying why a saved analysis was passed over.
    pub fn described(&self) -> String {
        match self.passed_over {
            Some(id) => format!(
                "{} (the latest saved analysis, {id}, is not limited to this role's titles)",
                self.source
            ),
            None => self.source.clone(),
        }
    }
}

/// The market to rank `role` with. Postings are limited to the role's
/// titles; a saved analysis is used unasked only when it was limited to
/// this role.
///
/// # Errors
/// Not found for a missing file or saved analysis; invalid when the files
/// hold no postings.
pub async fn market_for_role(
    app: &App,
    tax: &Taxonomy,
    role: &Role,
    src: &MarketSource,
    input: &PostingInput,
    progress: &mut dyn Progress,
) -> Result<Option<Market>> {
    let opts = Options {
        titles: Some(TitleFilter::for_role(tax, role)),
        ..input.options()
    };
    let saved = match src {
        MarketSource::None => return Ok(None),
        MarketSource::Postings(files) if !files.is_empty() => {
            let ex = Extractor::new(tax);
            let read = crate::market::read_postings(&ex, files, input, &opts, progress, None)?;
            let c = &read.counts;
            if c.postings + c.off_role + c.untitled + c.duplicates == 0 && c.foreign.is_empty() {
                return Err(Error::invalid(format!(
                    "no postings to analyse in {}{}",
                    files.join(", "),
                    if read.skipped > 0 {
                        format!(" ({} unusable row(s) skipped)", read.skipped)
                    } else {
                        String::new()
                    }
                )));
            }
            return Ok(Some(Market {
                report: c.report(tax, &opts, 3),
                source: files.join(", "),
                passed_over: None,
            }));
        }
        MarketSource::Saved(id) => Some(crate::market::saved(app, *id).await?),
        MarketSource::Auto | MarketSource::Postings(_) => crate::market::latest(app).await?,
    };
    let key = mm_discover::rank::role_key(role);
    let mut passed_over = None;
    if let Some(m) = saved {
        let fits = m.report.title_filter.as_ref().is_some_and(|t| t.key == key);
        // An explicit saved analysis is used as given: the ranking says why
        // it carries no evidence for this role.
        if fits || matches!(src, MarketSource::Saved(_)) {
            return Ok(Some(Market {
                source: format!("saved analysis {}: {}", m.id, m.name),
                report: m.report,
                passed_over: None,
            }));
        }
        passed_over = Some(m.id);
    }
    let ex = Extractor::new(tax);
    let report = mm_discover::sample::count(&ex, &opts)?.report(tax, &opts, 3);
    Ok(Some(Market {
        report,
        source: mm_discover::sample::NAME.to_string(),
        passed_over,
    }))
}

/// Postings for a question about no role in particular: the latest saved
/// analysis, else the shipped sample.
///
/// # Errors
/// When the journal or the sample cannot be read.
pub async fn market_any(app: &App, tax: &Taxonomy) -> Result<Market> {
    if let Some(m) = crate::market::latest(app).await? {
        return Ok(Market {
            source: format!("saved analysis {}: {}", m.id, m.name),
            report: m.report,
            passed_over: None,
        });
    }
    let opts = Options::default();
    let ex = Extractor::new(tax);
    Ok(Market {
        report: mm_discover::sample::count(&ex, &opts)?.report(tax, &opts, 3),
        source: mm_discover::sample::NAME.to_string(),
        passed_over: None,
    })
}

/// A ranked parent skill with the micro-skills that carve it.
#[derive(Debug, Clone, Serialize)]
pub struct RankedSkill {
    /// The parent: its score and the evidence behind it.
    #[serde(flatten)]
    pub candidate: Candidate,
    /// Its micro-skills in the ranked list (for an arc: the arc's steps).
    pub steps: Vec<MicroStep>,
    /// Further micro-skills of it in the catalogue, not shown here
    /// (`mm micro catalogue search --parent <uri>`).
    pub more: usize,
}

/// Broad competences scoring below this for the role are not offered as
/// arcs.
pub const MIN_ARC_SCORE: f64 = 0.25;

/// Ranked skills the catalogue does not carve yet, shown apart at most.
pub const UNCARVED_SHOWN: usize = 5;

/// The goals the person has, by micro-skill name.
async fn taken(app: &App) -> Result<Taken> {
    let store = app.store();
    let names: std::collections::HashMap<_, _> = store
        .list_micro_skills(None)
        .await?
        .into_iter()
        .map(|m| (m.id, fold_name(&m.name)))
        .collect();
    let mut t = Taken::default();
    for g in store.list_goals().await? {
        let Some(name) = names.get(&g.micro_skill_id) else {
            continue;
        };
        match g.state {
            GoalState::Achieved => {
                t.achieved.insert(name.clone());
            }
            GoalState::Active | GoalState::Planned => {
                t.open.entry(name.clone()).or_insert(g.id);
            }
            _ => {}
        }
    }
    Ok(t)
}

/// Which postings fed the market component, for `--json`.
#[derive(Debug, Clone, Serialize)]
pub struct MarketScope {
    pub matched: u64,
    pub title_filter: Option<TitleScope>,
    pub duplicates: u64,
    pub non_english: Vec<LanguageCount>,
    pub warnings: Vec<String>,
}

/// The explained ranking for a role.
#[derive(Debug, Clone, Serialize)]
pub struct Discovery {
    pub role: Role,
    /// The ranked micro-skills, grouped under their parent skills (best
    /// parent first); the steps are numbered across the groups.
    pub micro: Vec<RankedSkill>,
    /// When the catalogue carves too few of the role's skills: the core
    /// tasks of its O*NET occupation as micro-skills, numbered after them.
    pub tasks: Option<TaskSteps>,
    /// Broad competences as arcs, with their micro-skills as the steps.
    pub arcs: Vec<RankedSkill>,
    /// Narrow skills ranked among the parents above that have no
    /// micro-skill yet (commit with `--from <uri>` to draft one).
    pub uncarved: Vec<Candidate>,
    /// Candidates left out because the person holds them.
    pub held_skipped: usize,
    /// Candidates left out because they are named like the role.
    pub role_named_skipped: usize,
    pub market_postings: u64,
    /// Why the market component is empty or weak, when it is.
    pub market_note: Option<String>,
    /// Where the postings came from (`None`: ranked without postings).
    pub market_source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market_scope: Option<MarketScope>,
    /// The market itself, for a face that shows its exclusions.
    #[serde(skip)]
    pub market: Option<Market>,
    /// Where and in what the list was narrowed to.
    pub focus: Focus,
    /// What the person could tell to sharpen the list (their stack, their
    /// country), in words.
    pub notes: Vec<String>,
    /// The stacks of the steps offered one each, when the person's stack is
    /// not known and the list spans several: a face asks which.
    pub stacks_offered: Vec<String>,
    /// The countries steps are marked with, when the person's is not known.
    pub countries_marked: Vec<String>,
}

/// What to rank.
#[derive(Debug, Clone)]
pub struct DiscoverInput {
    pub market: MarketSource,
    pub input: PostingInput,
    /// Micro-skills to rank.
    pub top: usize,
    /// Arcs to keep.
    pub arcs: usize,
    /// The country the person works in (ISO alpha-2, any case); `None`:
    /// the profile's, if set.
    pub country: Option<String>,
    /// The stacks the person works in; empty: the profile's, else those
    /// their held skills name.
    pub stacks: Vec<String>,
}

/// Every stack in `given` has micro-skills in `catalogue`: a stack it has
/// none for (a typo, or one not carved yet) would drop every stack's steps
/// without a word.
///
/// # Errors
/// Invalid (field `stack`), naming the stacks the catalogue has.
fn known_stacks(catalogue: &mm_micro::Catalogue, given: &[String]) -> Result<()> {
    let mut known: Vec<&str> = catalogue
        .entries()
        .iter()
        .flat_map(|m| m.stack.iter().map(String::as_str))
        .collect();
    known.sort_unstable();
    known.dedup();
    match given.iter().find(|s| !known.contains(&s.as_str())) {
        Some(s) => Err(Error::invalid_field(
            "stack",
            format!(
                "no micro-skill in the catalogue is for the stack {s:?}: it has {}; leave the stack out to see each one's first step",
                known.join(", ")
            ),
        )),
        None => Ok(()),
    }
}

/// The focus for a ranking: what was given, else the profile's, else (for
/// stacks) what the held skills name, else the stack the role's postings
/// name most (a Python list for a developer whose postings ask for Python
/// most, rather than one step of each language).
async fn focus(
    app: &App,
    tax: &Taxonomy,
    catalogue: &mm_micro::Catalogue,
    country: Option<&str>,
    stacks: &[String],
    held: &[SkillIdx],
    report: Option<&MarketReport>,
) -> Result<Focus> {
    let store = app.store();
    let country = match country {
        Some(c) => Some(crate::profile::country_code(c)?),
        None => store.country().await?,
    };
    let given = crate::profile::stack_names(stacks)?;
    if !given.is_empty() {
        known_stacks(catalogue, &given)?;
    }
    let (stacks, stacks_from) = if !given.is_empty() {
        (given, Some("given"))
    } else {
        let stored = store.stacks().await?;
        if stored.is_empty() {
            let held = crate::steps::stacks_of_held(tax, held);
            let from = (!held.is_empty()).then_some("held skills");
            (held, from)
        } else {
            (stored, Some("profile"))
        }
    };
    if stacks.is_empty()
        && let Some(r) = report
    {
        let named = crate::steps::stacks_of_postings(tax, r);
        if let Some((top, n)) = named.first().filter(|(_, n)| *n >= MIN_STACK_POSTINGS) {
            return Ok(Focus {
                country,
                stacks: vec![top.clone()],
                stacks_from: Some("postings"),
                stack_postings: Some((*n, r.postings)),
                other_stacks: named[1..].iter().map(|(s, _)| s.clone()).collect(),
            });
        }
    }
    Ok(Focus {
        country,
        stacks,
        stacks_from,
        ..Focus::default()
    })
}

/// The O*NET tasks fill the list only when the catalogue carves fewer than
/// this share of it: a shorter list of curated steps beats a tail of raw
/// task statements.
const TASKS_BELOW: f64 = 0.5;

/// Rank micro-skills for `role` on the person's held skills and the chosen
/// market, and remember the list for a later goal "from rank N".
///
/// # Errors
/// Invalid when the taxonomy links no skill to the role; as
/// [`market_for_role`].
pub async fn discover(
    app: &App,
    tax: &Taxonomy,
    role: &Role,
    d: &DiscoverInput,
    progress: &mut dyn Progress,
) -> Result<Discovery> {
    let market = market_for_role(app, tax, role, &d.market, &d.input, progress).await?;
    let held = held_skills(app, tax).await?;
    let mut r = Ranker::new(tax).rank(
        role,
        &Profile {
            held: held.held.clone(),
        },
        market.as_ref().map(|m| &m.report),
        RankOptions::default(),
    );
    if r.micro.is_empty() && r.arcs.is_empty() {
        return Err(Error::invalid(format!(
            "no candidate skills for {}: the taxonomy links no skills to it",
            role.title()
        )));
    }
    let catalogue = crate::catalogue::personal_catalogue(app).await?;
    let focus = focus(
        app,
        tax,
        &catalogue,
        d.country.as_deref(),
        &d.stacks,
        &held.held,
        market.as_ref().map(|m| &m.report),
    )
    .await?;
    let taken = taken(app).await?.holding(tax, &held.declared);
    let carver = Carver::new(
        tax,
        &catalogue,
        &r.role,
        market.as_ref().map(|m| &m.report),
        &taken,
    )
    .with_focus(focus.clone());
    // The catalogue's order is its learning order: a role's first steps
    // lead in the order they were written.
    let position: FxHashMap<&str, usize> = catalogue
        .entries()
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.as_str(), i))
        .collect();
    let (mut groups, mut uncarved, mut ids, mut parents) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    // Parents that tie on score (ESCO often gives a role's skills the same
    // evidence) go shortest micro-skill first rather than alphabetically: the
    // quicker win is the better first step.
    let mut candidates = std::mem::take(&mut r.micro);
    // Each candidate's micro-skills, found once for the tie-break and the list.
    let mut carved: FxHashMap<SkillIdx, Vec<&mm_micro::CatalogueMicroSkill>> = candidates
        .iter()
        .map(|c| (c.skill, carver.entries_of(c.skill, &c.uri)))
        .collect();
    let shortest = |c: &Candidate| {
        carved[&c.skill]
            .iter()
            .map(|m| m.weeks.unwrap_or(u32::MAX))
            .min()
            .unwrap_or(u32::MAX)
    };
    // A parent carrying one of the role's first steps leads (safe isolation
    // for an electrician, whatever its score); the rest follow the evidence.
    let first = |c: &Candidate| {
        carved[&c.skill]
            .iter()
            .filter(|m| carver.is_first(m))
            .filter_map(|m| position.get(m.id.as_str()).copied())
            .min()
            .unwrap_or(usize::MAX)
    };
    // A parent that leads for its first step shows that step, and the steps
    // of the person's own stack, alone: its other entries have not earned
    // the place (k-means beside the SQL join under data mining).
    let led: FxHashSet<SkillIdx> = candidates
        .iter()
        .filter(|c| first(c) != usize::MAX)
        .map(|c| c.skill)
        .collect();
    candidates.sort_by(|a, b| {
        first(a).cmp(&first(b)).then(
            mm_discover::rank::by_score_and_evidence(a, b).then(shortest(a).cmp(&shortest(b))),
        )
    });
    // Without the person's stack, one step per stack, and a word on it.
    let mut stacks_seen: Vec<String> = Vec::new();
    let mut stacks_shown: FxHashSet<String> = FxHashSet::default();
    for c in candidates {
        if ids.len() >= d.top {
            break;
        }
        let all = carved.remove(&c.skill).unwrap_or_default();
        if all.is_empty() {
            if uncarved.len() < UNCARVED_SHOWN {
                uncarved.push(c);
            }
            continue;
        }
        // A micro-skill filed under several ranked parents is shown once,
        // under the best of them; without the person's stack, a stack's
        // first step only.
        let mut entries: Vec<&mm_micro::CatalogueMicroSkill> = Vec::new();
        for m in all {
            if ids.contains(&m.id) {
                continue;
            }
            if focus.stacks.is_empty() && !m.stack.is_empty() {
                for s in &m.stack {
                    if !stacks_seen.contains(s) {
                        stacks_seen.push(s.clone());
                    }
                }
                if m.stack.iter().any(|s| stacks_shown.contains(s))
                    || entries
                        .iter()
                        .any(|e| e.stack.iter().any(|s| m.stack.contains(s)))
                {
                    continue;
                }
            }
            entries.push(m);
        }
        if led.contains(&c.skill) {
            entries.retain(|m| {
                carver.is_first(m) || (!focus.stacks.is_empty() && !m.stack.is_empty())
            });
        }
        if entries.is_empty() {
            continue;
        }
        let take = entries.len().min(STEPS_PER_PARENT).min(d.top - ids.len());
        let steps: Vec<MicroStep> = entries[..take]
            .iter()
            .map(|m| {
                stacks_shown.extend(m.stack.iter().cloned());
                ids.push(m.id.clone());
                parents.push(c.uri.clone());
                carver.step(m, &c.uri, Some(ids.len()))
            })
            .collect();
        groups.push(RankedSkill {
            more: entries.len() - take,
            candidate: c,
            steps,
        });
    }
    prerequisites_first(&mut groups, &catalogue);
    ids.clear();
    parents.clear();
    for g in &mut groups {
        for s in &mut g.steps {
            ids.push(s.id.clone());
            parents.push(g.candidate.uri.clone());
            s.rank = Some(ids.len());
        }
    }
    let tasks = ((ids.len() as f64) < d.top as f64 * TASKS_BELOW)
        .then(|| carver.tasks(d.top - ids.len()))
        .flatten()
        .map(|mut t| {
            for s in &mut t.steps {
                ids.push(s.id.clone());
                parents.push(String::new());
                s.rank = Some(ids.len());
            }
            t
        });
    // An arc that scores low for the role is noise, not a long-term goal
    // (computer programming for a sales representative).
    r.arcs.retain(|a| a.score >= MIN_ARC_SCORE);
    r.arcs.truncate(d.arcs);
    let arcs = std::mem::take(&mut r.arcs)
        .into_iter()
        .map(|c| {
            let mut entries = carver.entries_of(c.skill, &c.uri);
            for n in &c.narrower {
                if let Some(i) = tax.skill_by_uri(&n.uri) {
                    for m in carver.entries_of(i, &n.uri) {
                        if !entries.iter().any(|e| e.id == m.id) {
                            entries.push(m);
                        }
                    }
                }
            }
            let take = entries.len().min(3);
            RankedSkill {
                steps: entries[..take]
                    .iter()
                    .map(|m| carver.step(m, &c.uri, None))
                    .collect(),
                more: entries.len() - take,
                candidate: c,
            }
        })
        .collect();
    let mut notes = Vec::new();
    if let (Some((n, of)), [stack]) = (focus.stack_postings, focus.stacks.as_slice()) {
        notes.push(format!(
            "Steps for one stack are {}'s, the stack the role's postings name most (in {n} of {of}). Say which stack you work in to see its micro-skills.",
            crate::steps::stack_label(stack)
        ));
    }
    let stacks_offered = if !focus.other_stacks.is_empty() {
        focus.other_stacks.clone()
    } else if stacks_seen.len() > 1 {
        let names: Vec<&str> = stacks_seen
            .iter()
            .map(|s| crate::steps::stack_label(s))
            .collect();
        notes.push(format!(
            "Some steps are for one stack ({}): one of each is shown. Say which stack you work in to see its micro-skills.",
            names.join(", ")
        ));
        stacks_seen
    } else {
        Vec::new()
    };
    let mut countries: Vec<String> = groups
        .iter()
        .flat_map(|g| &g.steps)
        .flat_map(|s| s.country.iter().cloned())
        .collect();
    countries.sort_unstable();
    countries.dedup();
    if !countries.is_empty() {
        notes.push(format!(
            "Steps marked [{}] follow one country's law or standards. Say which country you work in to keep to the ones that hold there.",
            countries.join("], [")
        ));
    }
    app.store()
        .set_last_ranking(&LastRanking {
            role: role
                .esco_uri
                .clone()
                .or(role.onet_occupations.first().map(|o| o.code.clone())),
            micro: parents,
            steps: ids,
        })
        .await?;
    Ok(Discovery {
        market_scope: market.as_ref().map(|m| MarketScope {
            matched: m.report.postings,
            title_filter: m.report.title_filter.clone(),
            duplicates: m.report.duplicates,
            non_english: m.report.non_english.clone(),
            warnings: m.report.warnings.clone(),
        }),
        market_source: market.as_ref().map(Market::described),
        market,
        role: r.role,
        micro: groups,
        tasks,
        arcs,
        uncarved,
        held_skipped: r.held_skipped,
        role_named_skipped: r.role_named_skipped,
        market_postings: r.market_postings,
        market_note: r.market_note,
        focus,
        notes,
        stacks_offered,
        countries_marked: countries,
    })
}

/// Foundations before what builds on them: a group of the list holding a
/// prerequisite of a micro-skill shown earlier moves up before it (safe
/// isolation before the socket and switch circuits that need it), so the
/// numbering follows an order a person could learn in. Prerequisites do
/// not go round in a circle (the lint checks), and each group moves at most
/// once per place, so this ends.
fn prerequisites_first(groups: &mut Vec<RankedSkill>, catalogue: &mm_micro::Catalogue) {
    let needs = |g: &RankedSkill, h: &RankedSkill| {
        g.steps.iter().any(|s| {
            catalogue
                .get(&s.id)
                .is_some_and(|m| h.steps.iter().any(|t| m.prerequisites.contains(&t.id)))
        })
    };
    let mut i = 0;
    let mut moves = 0;
    while i < groups.len() && moves <= groups.len() * groups.len() {
        match (i + 1..groups.len()).find(|&j| needs(&groups[i], &groups[j])) {
            Some(j) => {
                let g = groups.remove(j);
                groups.insert(i, g);
                moves += 1;
            }
            None => i += 1,
        }
    }
}

/// What to tackle after an achieved goal.
#[derive(Debug, Clone, Serialize)]
pub struct NextSteps {
    /// The goal the suggestions build on: the one named, else the latest
    /// achieved, else (before any is achieved) the latest under way.
    pub after_goal: GoalId,
    /// Its state: `achieved`, or `active` / `planned` when none is achieved.
    pub after_state: &'static str,
    /// The achieved goal's taxonomy skill (URI).
    pub skill: String,
    /// The role the suggestions are weighted for, if any.
    pub role: Option<Role>,
    /// Micro-skills the catalogue links to the achieved one (its next
    /// steps, what builds on it, its missing prerequisites, then other
    /// micro-skills of the same skill), then, with a role, the role's other
    /// micro-skills as `mm discover` ranks them, each with its reason:
    /// these first.
    pub micro: Vec<NextMicro>,
    /// Then related skills, from the taxonomy and the postings.
    pub suggestions: Vec<NextSkill>,
    /// The achieved goal's micro-skill.
    #[serde(skip)]
    pub micro_skill: String,
    /// The achieved skill's label.
    #[serde(skip)]
    pub skill_label: String,
}

/// A micro-skill to take on next, and why.
#[derive(Debug, Clone, Serialize)]
pub struct NextMicro {
    /// Catalogue id (what `mm goal new --from <id>` takes).
    pub id: String,
    pub name: String,
    /// `next`, `unlocks`, `prerequisite`, `same_parent`, or `role` (one of
    /// the role's own micro-skills, in the order `mm discover` ranks them).
    pub link: &'static str,
    pub reason: String,
    pub hours: Option<u32>,
    pub weeks: Option<u32>,
}

/// The catalogue's links from an achieved micro-skill: the entry named like
/// it (its next steps, entries that build on it, prerequisites not achieved
/// yet, siblings), else the entries of its skill. Achieved ones are left out.
fn next_micro(
    tax: &Taxonomy,
    catalogue: &mm_micro::Catalogue,
    micro_name: &str,
    skill_uri: Option<&str>,
    role: Option<&Role>,
    taken: &Taken,
    top: usize,
) -> Vec<NextMicro> {
    use mm_micro::Link;
    // Achieved ones are done; open goals are already on the way.
    let done = |m: &mm_micro::CatalogueMicroSkill| {
        let name = fold_name(&m.name);
        taken.achieved.contains(&name) || taken.open.contains_key(&name)
    };
    // With a role, a link that is not a next step must stay in the role: in
    // the mastered entry's own area, or under another skill the role's
    // occupation needs (an ABC inventory analysis builds on pivot tables,
    // but it is a logistics step, not a data analyst's).
    let role_skills = role.filter(|r| r.esco.is_some()).map(|r| {
        let mut set = crate::steps::role_skill_uris(tax, r);
        if let Some(u) = skill_uri {
            set.remove(u);
        }
        set
    });
    // And its area must fit the role's occupation (no gas boiler for an
    // electrician through a shared parent).
    let isco = role.and_then(|r| crate::steps::role_isco(tax, catalogue, r));
    let in_role = |m: &mm_micro::CatalogueMicroSkill, area: &str| {
        isco.is_none_or(|g| m.fits_isco(g))
            && role_skills
                .as_ref()
                .is_none_or(|set| m.area == area || m.esco_parents().any(|u| set.contains(u)))
    };
    let label = |p: &str| {
        tax.skill_by_uri(p)
            .map_or_else(|| p.to_string(), |i| tax.skill(i).preferred.clone())
    };
    let view = |m: &mm_micro::CatalogueMicroSkill, link: &'static str, reason: String| NextMicro {
        id: m.id.clone(),
        name: m.name.clone(),
        link,
        reason,
        hours: m.hours,
        weeks: m.weeks,
    };
    let folded = fold_name(micro_name);
    let me = catalogue
        .entries()
        .iter()
        .find(|m| fold_name(&m.name) == folded);
    let mut out: Vec<NextMicro> = Vec::new();
    if let Some(me) = me {
        let mut links = catalogue.next_for(&me.id);
        // Prerequisites not mastered yet come right after the next steps and
        // what builds on it: a gap under what was just learnt.
        let at = links
            .iter()
            .position(|(_, l)| matches!(l, Link::SameParent(_)))
            .unwrap_or(links.len());
        for p in me.prerequisites.iter().rev() {
            if let Some(m) = catalogue.get(p) {
                links.insert(at, (m, Link::Prerequisite));
            }
        }
        for (m, l) in links {
            if done(m) || out.iter().any(|o| o.id == m.id) {
                continue;
            }
            if !matches!(l, Link::Next | Link::Prerequisite) && !in_role(m, &me.area) {
                continue;
            }
            let (link, reason) = match &l {
                Link::Next => (
                    "next",
                    format!("the catalogue's next step after {:?}", me.name),
                ),
                Link::Unlocks => (
                    "unlocks",
                    format!("builds on {:?} (lists it as a prerequisite)", me.name),
                ),
                Link::Prerequisite => (
                    "prerequisite",
                    format!("a prerequisite of {:?} not achieved yet", me.name),
                ),
                Link::SameParent(p) => (
                    "same_parent",
                    format!("another micro-skill of {:?}", label(p)),
                ),
            };
            out.push(view(m, link, reason));
        }
    } else if let Some(uri) = skill_uri {
        for m in catalogue.micro_skills_for(uri) {
            if !done(m) {
                out.push(view(
                    m,
                    "same_parent",
                    format!("another micro-skill of {:?}", label(uri)),
                ));
            }
        }
    }
    out.truncate(top);
    out
}

/// After the catalogue's links, the role's other micro-skills, up to `top`
/// in all: the entries of its ranked parents in the order `mm discover`
/// shows them (best parent first, at most [`STEPS_PER_PARENT`] each), leaving
/// out the one just mastered, those achieved or under way, and those
/// already listed.
fn role_micro(
    carver: &Carver<'_>,
    ranking: &mm_discover::rank::Ranking,
    mastered: &str,
    taken: &Taken,
    top: usize,
    out: &mut Vec<NextMicro>,
) {
    let mastered = fold_name(mastered);
    let role = ranking.role.title();
    for c in &ranking.micro {
        if out.len() >= top {
            break;
        }
        let mut taken_here = 0;
        for m in carver.entries_of(c.skill, &c.uri) {
            if out.len() >= top || taken_here == STEPS_PER_PARENT {
                break;
            }
            let name = fold_name(&m.name);
            if name == mastered
                || taken.open.contains_key(&name)
                || out.iter().any(|o| o.id == m.id)
            {
                continue;
            }
            let why = c
                .onet_rating
                .as_ref()
                .map_or_else(String::new, |r| format!("; {}", r.reason));
            out.push(NextMicro {
                id: m.id.clone(),
                name: m.name.clone(),
                link: "role",
                reason: format!(
                    "a micro-skill of {:?}, ranked #{} of {role}'s skills (score {:.3}){why}",
                    c.label, c.rank, c.score
                ),
                hours: m.hours,
                weeks: m.weeks,
            });
            taken_here += 1;
        }
    }
}

/// Suggest up to `top` skills adjacent to an achieved goal's skill (the
/// latest achieved when `goal` is `None`), weighted by demand for the role.
///
/// # Errors
/// Not found (what: `achieved goal`) when none is achieved; conflict when
/// the goal named is not achieved; invalid when its skill is not a
/// taxonomy skill.
pub async fn next(
    app: &App,
    tax: &Taxonomy,
    goal: Option<GoalId>,
    role: &RoleQuery,
    top: usize,
) -> Result<NextSteps> {
    let store = app.store();
    let goal = match goal {
        Some(id) => {
            let goal = store.get_goal(id).await?;
            if goal.state != GoalState::Achieved {
                return Err(Error::conflict(format!(
                    "goal {id} is {}, not achieved: suggestions build on an achieved goal",
                    goal.state.as_str()
                )));
            }
            goal
        }
        // The latest achieved goal; before any is achieved, the latest one
        // under way: what builds on it is worth planning already.
        None => {
            let goals = store.list_goals().await?;
            let achieved = goals
                .iter()
                .filter(|g| g.state == GoalState::Achieved)
                .max_by_key(|g| (g.closed_at, g.id.0));
            let open = || {
                goals
                    .iter()
                    .filter(|g| matches!(g.state, GoalState::Active | GoalState::Planned))
                    .max_by_key(|g| g.id.0)
            };
            achieved
                .or_else(open)
                .cloned()
                .ok_or_else(|| Error::not_found("goal", "to build on yet"))?
        }
    };
    let micro = store.get_micro_skill(goal.micro_skill_id).await?;
    let skill = store.get_skill(micro.skill_id).await?;
    let Some(achieved) = skill_index(tax, &skill) else {
        return Err(Error::invalid_field(
            "skill",
            format!(
                "the skill {:?} of goal {} is not a taxonomy skill, so there are no taxonomy neighbours to suggest",
                skill.name, goal.id
            ),
        ));
    };
    let idx = OccupationIndex::new(tax);
    let role = self::role(app, tax, &idx, role).await?;
    // With a role, only its postings speak (as in discovery); without one,
    // co-occurrence over all postings still finds neighbours.
    let market = match &role {
        Some(r) => {
            let input = PostingInput::default();
            market_for_role(
                app,
                tax,
                r,
                &MarketSource::Auto,
                &input,
                &mut crate::market::Quiet,
            )
            .await?
        }
        None => Some(market_any(app, tax).await?),
    };
    let held = held_skills(app, tax).await?;
    let ranker = Ranker::new(tax);
    let report = market.as_ref().map(|m| &m.report);
    let suggestions =
        mm_discover::next::suggest(&ranker, &[achieved], &held.held, role.as_ref(), report, top);
    let catalogue = crate::catalogue::personal_catalogue(app).await?;
    let taken = taken(app).await?.holding(tax, &held.declared);
    let mut linked = next_micro(
        tax,
        &catalogue,
        &micro.name,
        Some(&tax.skill(achieved).uri),
        role.as_ref(),
        &taken,
        top,
    );
    if let Some(r) = &role {
        let ranking = ranker.rank(
            r,
            &Profile {
                held: held.held.clone(),
            },
            report,
            RankOptions::default(),
        );
        // The profile's country and stacks, as discover takes them.
        let focus = focus(app, tax, &catalogue, None, &[], &held.held, None).await?;
        role_micro(
            &Carver::new(tax, &catalogue, &ranking.role, report, &taken).with_focus(focus),
            &ranking,
            &micro.name,
            &taken,
            top,
            &mut linked,
        );
    }
    Ok(NextSteps {
        after_goal: goal.id,
        after_state: goal.state.as_str(),
        skill: tax.skill(achieved).uri.clone(),
        skill_label: tax.skill(achieved).preferred.clone(),
        micro: linked,
        micro_skill: micro.name,
        role,
        suggestions,
    })
}

/// A suggestion turned into what a goal needs: the taxonomy skill (to find
/// or create), a drafted micro-skill and a done-when criterion. Nothing is
/// written.
#[derive(Debug, Clone, Serialize)]
pub struct SuggestionDraft {
    pub skill: SkillIdx,
    pub draft: mm_discover::draft::GoalDraft,
}

/// The suggestion `from` names: a rank of the last ranking, or a taxonomy
/// skill URI.
///
/// # Errors
/// Not found (what: `suggestion list`) when there is no last ranking;
/// invalid for a rank not in it or text that is neither.
pub async fn suggestion(app: &App, tax: &Taxonomy, from: &str) -> Result<SuggestionDraft> {
    let from = from.trim();
    let skill = if let Ok(rank) = from.parse::<usize>() {
        let last = app
            .store()
            .last_ranking()
            .await?
            .ok_or_else(|| Error::not_found("suggestion list", "yet"))?;
        let Some(uri) = last.uri_at(rank) else {
            return Err(Error::invalid_field(
                "from",
                format!(
                    "the last ranking has {} suggestion(s); {rank} is not one of them",
                    last.micro.len()
                ),
            ));
        };
        tax.skill_by_uri(uri).ok_or_else(|| {
            Error::new(
                crate::ErrorKind::NotFound,
                format!("skill {uri} is no longer in the taxonomy"),
            )
        })?
    } else {
        tax.skill_by_uri(from).ok_or_else(|| {
            Error::invalid_field(
                "from",
                format!("{from:?} is neither a rank from the last ranking nor an ESCO skill URI"),
            )
        })?
    };
    Ok(SuggestionDraft {
        skill,
        draft: mm_discover::draft::draft(tax, skill),
    })
}

/// What taking on a drafted suggestion writes: the skill (one the person
/// has for the concept or its label, else a new one) and a new micro-skill
/// with the drafted principles. Nothing is written.
///
/// # Errors
/// When the journal cannot be read.
pub async fn adoption(app: &App, s: &SuggestionDraft) -> Result<crate::skills::Adoption> {
    use crate::skills::{MicroChoice, SkillChoice};
    let d = &s.draft;
    let skill = match crate::skills::find_skill(app, &d.skill_uri, &d.skill_label).await? {
        Some(s) => SkillChoice::Existing(s),
        None => SkillChoice::New(mm_core::NewSkill {
            name: d.skill_label.clone(),
            kind: d.skill_type.parse().unwrap_or_default(),
            taxonomy_uri: Some(d.skill_uri.clone()),
            description: (!d.description.is_empty()).then(|| d.description.clone()),
            held_level: None,
        }),
    };
    let skill_id = match &skill {
        SkillChoice::Existing(s) => s.id,
        SkillChoice::New(_) => mm_core::SkillId(0),
    };
    Ok(crate::skills::Adoption {
        skill,
        micro: MicroChoice::New(mm_core::NewMicroSkill {
            skill_id,
            name: d.micro_skill.clone(),
            principles: d
                .principles
                .iter()
                .map(|(n, desc)| mm_core::NewPrinciple {
                    name: n.clone(),
                    description: (!desc.is_empty()).then(|| desc.clone()),
                })
                .collect(),
            resources: Vec::new(),
        }),
        done_when: Some(d.done_when.clone()),
    })
}
