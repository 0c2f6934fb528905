//! The catalogue: micro-skills from every source, merged without duplicates
//! and indexed by id and by parent concept.
//!
//! The curated part ships inside the binary: one TOML file per area under
//! `data/micro/`, each a list of `[[micro]]` tables (see `docs/micro.md`).

use crate::error::{Error, Result};
use crate::model::{CatalogueMicroSkill, ParentRef, Source, fold_name};
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

/// The curated catalogue files shipped with the crate: (area, TOML text).
pub const CURATED_FILES: &[(&str, &str)] = &[
    ("office", include_str!("../../../data/micro/office.toml")),
    ("tech", include_str!("../../../data/micro/tech.toml")),
    ("data", include_str!("../../../data/micro/data.toml")),
    ("health", include_str!("../../../data/micro/health.toml")),
    ("trades", include_str!("../../../data/micro/trades.toml")),
    ("finance", include_str!("../../../data/micro/finance.toml")),
    (
        "sales-marketing",
        include_str!("../../../data/micro/sales-marketing.toml"),
    ),
    ("hr", include_str!("../../../data/micro/hr.toml")),
    (
        "education",
        include_str!("../../../data/micro/education.toml"),
    ),
    (
        "hospitality",
        include_str!("../../../data/micro/hospitality.toml"),
    ),
    (
        "logistics",
        include_str!("../../../data/micro/logistics.toml"),
    ),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    /// The ISCO-08 groups the area is for; an entry without its own takes these.
    #[serde(default)]
    isco: Vec<String>,
    #[serde(default)]
    micro: Vec<CatalogueMicroSkill>,
}

/// Parse one catalogue file of `area`. Entries take the file's area, its
/// ISCO-08 groups (`isco = [...]` before the entries) and the `curated`
/// source unless they say otherwise.
///
/// # Errors
/// [`Error::Toml`] naming the file and line when the TOML does not parse.
pub fn parse_file(area: &str, text: &str) -> Result<Vec<CatalogueMicroSkill>> {
    let f: File = toml::from_str(text).map_err(|source| Error::Toml {
        place: format!("data/micro/{area}.toml"),
        source,
    })?;
    Ok(f.micro
        .into_iter()
        .map(|mut m| {
            if m.area.is_empty() {
                m.area = area.to_string();
            }
            if m.isco.is_empty() {
                m.isco.clone_from(&f.isco);
            }
            m
        })
        .collect())
}

/// How a micro-skill leads to another one, for `mm next`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// The catalogue names it as a next step.
    Next,
    /// It lists this one among its prerequisites.
    Unlocks,
    /// A prerequisite not mastered yet (for a step backwards).
    Prerequisite,
    /// It hangs from the same parent concept.
    SameParent(String),
}

impl fmt::Display for Link {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Link::Next => f.write_str("the catalogue's next step after it"),
            Link::Unlocks => f.write_str("builds on it (lists it as a prerequisite)"),
            Link::Prerequisite => f.write_str("a prerequisite of it"),
            Link::SameParent(p) => write!(f, "another micro-skill of the same parent ({p})"),
        }
    }
}

/// Micro-skills indexed by id and by parent. Immutable once built.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    entries: Vec<CatalogueMicroSkill>,
    by_id: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
    by_parent: HashMap<String, Vec<usize>>,
    /// Folded labels of each entry's parents (filled by [`Catalogue::label_parents`]),
    /// so a search for "spreadsheets" finds what hangs from that ESCO skill.
    parent_labels: Vec<String>,
}

/// What [`Catalogue::merge`] left out, and why.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeReport {
    pub added: usize,
    /// (id, the id of the entry it duplicates)
    pub duplicates: Vec<(String, String)>,
}

impl Catalogue {
    /// The curated catalogue shipped with the crate.
    ///
    /// # Errors
    /// [`Error::Toml`] or [`Error::Invalid`] if a shipped file is broken (the
    /// lint test keeps that from happening).
    pub fn curated() -> Result<Catalogue> {
        let mut all = Vec::new();
        for (area, text) in CURATED_FILES {
            all.extend(parse_file(area, text)?);
        }
        Catalogue::strict(all)
    }

    /// A catalogue of `entries` that must not repeat an id or a name.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming the first repeated id or name.
    pub fn strict(entries: Vec<CatalogueMicroSkill>) -> Result<Catalogue> {
        let mut c = Catalogue::default();
        let r = c.merge(entries);
        if let Some((id, first)) = r.duplicates.first() {
            return Err(Error::invalid(
                "catalogue",
                format!("micro-skill {id:?} repeats the id or name of {first:?}"),
            ));
        }
        Ok(c)
    }

    /// Add entries, skipping any whose id or folded name is already present
    /// (the entry already there wins: merge the most trusted source first).
    pub fn merge(&mut self, entries: Vec<CatalogueMicroSkill>) -> MergeReport {
        let mut r = MergeReport::default();
        for m in entries {
            let name = fold_name(&m.name);
            let dup = self
                .by_id
                .get(&m.id)
                .or_else(|| self.by_name.get(&name))
                .copied();
            if let Some(i) = dup {
                r.duplicates.push((m.id, self.entries[i].id.clone()));
                continue;
            }
            let i = self.entries.len();
            self.by_id.insert(m.id.clone(), i);
            self.by_name.insert(name, i);
            for p in &m.parents {
                self.by_parent.entry(p.to_string()).or_default().push(i);
            }
            self.parent_labels.push(String::new());
            self.entries.push(m);
            r.added += 1;
        }
        r
    }

    /// Every entry, in the order merged.
    pub fn entries(&self) -> &[CatalogueMicroSkill] {
        &self.entries
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entry with this id.
    pub fn get(&self, id: &str) -> Option<&CatalogueMicroSkill> {
        self.by_id.get(id).map(|&i| &self.entries[i])
    }

    /// The entry with this id, or [`Error::NotFound`] with the closest ids.
    ///
    /// # Errors
    /// [`Error::NotFound`] when no entry has the id.
    pub fn find(&self, id: &str) -> Result<&CatalogueMicroSkill> {
        let id = id.trim();
        self.get(id).ok_or_else(|| Error::NotFound {
            id: id.to_string(),
            closest: self
                .search(id, 3)
                .into_iter()
                .map(|(_, m)| m.id.clone())
                .collect(),
        })
    }

    /// The micro-skills that hang from a parent concept (an ESCO URI,
    /// `onet-tech:<name>` or `onet-task:<id>`), best source first; within a
    /// source, those that name it earlier among their parents first (an
    /// entry lists its main parent first: the SQL query before the PHP form
    /// handler that also touches SQL).
    pub fn micro_skills_for(&self, parent: &str) -> Vec<&CatalogueMicroSkill> {
        let key = ParentRef::parse(parent).map_or_else(|| parent.to_string(), |p| p.to_string());
        let mut v: Vec<&CatalogueMicroSkill> = self
            .by_parent
            .get(&key)
            .map(|ix| ix.iter().map(|&i| &self.entries[i]).collect())
            .unwrap_or_default();
        let place = |m: &CatalogueMicroSkill| {
            m.parents
                .iter()
                .position(|p| p.to_string() == key)
                .unwrap_or(usize::MAX)
        };
        v.sort_by_key(|m| (m.source, place(m)));
        v
    }

    /// Attach the taxonomy's labels of every entry's parents, so that
    /// [`Catalogue::search`] matches "spreadsheets" or "SQL" against the
    /// concepts an entry hangs from, not only its own words.
    pub fn label_parents(&mut self, tax: &mm_taxonomy::Taxonomy) {
        for (i, m) in self.entries.iter().enumerate() {
            let labels: Vec<String> = m
                .parents
                .iter()
                .filter_map(|p| match p {
                    ParentRef::Esco(u) => tax.skill_by_uri(u).map(|s| {
                        let s = tax.skill(s);
                        fold_name(&format!("{} {}", s.preferred, s.alt.join(" ")))
                    }),
                    ParentRef::OnetTech(n) => Some(fold_name(n)),
                    ParentRef::OnetTask(_) => None,
                })
                .collect();
            self.parent_labels[i] = labels.join(" ");
        }
    }

    /// What to take on after `id`, each with its reason: the entry's own next
    /// steps, then entries that list it as a prerequisite, then other
    /// micro-skills of the same parents. Empty for an unknown id.
    pub fn next_for(&self, id: &str) -> Vec<(&CatalogueMicroSkill, Link)> {
        let Some(me) = self.get(id) else {
            return Vec::new();
        };
        let mut out: Vec<(&CatalogueMicroSkill, Link)> = Vec::new();
        fn push<'a>(
            me: &str,
            m: &'a CatalogueMicroSkill,
            l: Link,
            out: &mut Vec<(&'a CatalogueMicroSkill, Link)>,
        ) {
            if m.id != me && !out.iter().any(|(o, _)| o.id == m.id) {
                out.push((m, l));
            }
        }
        for n in &me.next {
            if let Some(m) = self.get(n) {
                push(&me.id, m, Link::Next, &mut out);
            }
        }
        for m in &self.entries {
            if m.prerequisites.iter().any(|p| p == id) {
                push(&me.id, m, Link::Unlocks, &mut out);
            }
        }
        // Siblings: another micro-skill of the same parent is a fair next
        // step within the same area, or when it shares two parents; a single
        // broad parent across areas (SQL for a data query and for a PHP form
        // handler) is not a reason to move from one role to another.
        for p in &me.parents {
            for m in self.micro_skills_for(&p.to_string()) {
                let shared = m.parents.iter().filter(|q| me.parents.contains(q)).count();
                if m.area == me.area || shared >= 2 {
                    push(&me.id, m, Link::SameParent(p.to_string()), &mut out);
                }
            }
        }
        out
    }

    /// Entries whose id, name, principles, parents or area contain the words
    /// of `query`, best first. A hit is *full* when every query word is
    /// found (common words such as "a", "with" are ignored). Full hits come
    /// first, and among them the most trusted source (curated, personal,
    /// CASE, postings, carved) before the score: the share of query words
    /// found, name words counting double. Generated entries (carved,
    /// postings) are only returned as full hits, so a task that shares one
    /// word with the query is not shown as if it answered it. An empty query
    /// lists everything in order.
    pub fn search(&self, query: &str, limit: usize) -> Vec<(f64, &CatalogueMicroSkill)> {
        let all: Vec<String> = fold_name(query)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        if all.is_empty() {
            return self.entries.iter().take(limit).map(|m| (1.0, m)).collect();
        }
        let content: Vec<String> = all
            .iter()
            .filter(|w| !STOP_WORDS.contains(&w.as_str()))
            .cloned()
            .collect();
        let words = if content.is_empty() { all } else { content };
        // (full, trust, score, index)
        let mut hits: Vec<(bool, u8, f64, usize)> = Vec::new();
        for (i, m) in self.entries.iter().enumerate() {
            let name = format!(" {} {} ", fold_name(&m.name), fold_name(&m.id));
            // Parents by name only: the words of a URI ("http data europa
            // eu esco skill") would match every ESCO-parented entry.
            let rest = format!(
                " {} {} {} {} ",
                m.principles
                    .iter()
                    .map(|p| fold_name(&p.name))
                    .collect::<Vec<_>>()
                    .join(" "),
                m.parents
                    .iter()
                    .filter_map(|p| match p {
                        ParentRef::OnetTech(n) => Some(fold_name(n)),
                        _ => None,
                    })
                    .collect::<Vec<_>>()
                    .join(" "),
                self.parent_labels.get(i).map_or("", String::as_str),
                fold_name(&m.area)
            );
            let (mut score, mut found) = (0.0, 0);
            for w in &words {
                let pad = format!(" {w}");
                if name.contains(&pad) {
                    score += 2.0;
                    found += 1;
                } else if rest.contains(&pad) {
                    score += 1.0;
                    found += 1;
                }
            }
            let full = found == words.len();
            let generated = matches!(m.source, Source::OnetTask | Source::Postings);
            if found > 0 && (full || !generated) {
                hits.push((full, trust(m.source), score / (2.0 * words.len() as f64), i));
            }
        }
        hits.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then(a.1.cmp(&b.1))
                .then(b.2.total_cmp(&a.2))
                .then(a.3.cmp(&b.3))
        });
        hits.into_iter()
            .take(limit)
            .map(|(_, _, s, i)| (s, &self.entries[i]))
            .collect()
    }

    /// Entries of one source.
    pub fn of_source(&self, s: Source) -> impl Iterator<Item = &CatalogueMicroSkill> {
        self.entries.iter().filter(move |m| m.source == s)
    }
}

/// Words a query may hold that say nothing about the skill sought.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "as", "at", "by", "for", "from", "how", "in", "into", "of", "on", "or",
    "the", "to", "with", "your",
];

/// How far a source is trusted in search: curated, the person's own,
/// an institution's framework, then mined and carved entries.
fn trust(s: Source) -> u8 {
    match s {
        Source::Curated => 0,
        Source::Personal => 1,
        Source::Case => 2,
        Source::Postings => 3,
        Source::OnetTask => 4,
    }
}

static CURATED: OnceLock<Catalogue> = OnceLock::new();

/// The shipped curated catalogue, parsed once. Empty if a shipped file were
/// broken (the crate's lint test fails the build's tests first).
pub fn curated() -> &'static Catalogue {
    CURATED.get_or_init(|| Catalogue::curated().unwrap_or_default())
}

/// The curated micro-skills of a parent concept (an ESCO URI,
/// `onet-tech:<name>` or `onet-task:<id>`), for `mm discover` and `mm next`.
pub fn micro_skills_for(parent_uri: &str) -> Vec<&'static CatalogueMicroSkill> {
    curated().micro_skills_for(parent_uri)
}

/// What to take on after the curated micro-skill `id`, with reasons.
pub fn next_for(id: &str) -> Vec<(&'static CatalogueMicroSkill, Link)> {
    curated().next_for(id)
}
