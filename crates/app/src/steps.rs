//! Being micro is a filter, not a weight: a ranked parent skill reaches the
//! person only through the micro-skills that carve it (the curated catalogue
//! and the person's own entries), each a concrete, time-boxed step with its
//! own evidence beside its parent's. A parent with no micro-skill yet is not
//! offered as one; it is listed apart, to be drafted on purpose. When the
//! catalogue carves too few of a role's skills, the core tasks of the role's
//! O*NET occupation, carved into micro-skills, fill the list.

use mm_core::GoalId;
use mm_discover::market::MarketReport;
use mm_discover::rank::Role;
use mm_micro::model::fold_name;
use mm_micro::{Catalogue, CatalogueMicroSkill, ParentRef};
use mm_taxonomy::{SkillIdx, Taxonomy};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

/// Micro-skills taken from one parent into the ranked list, so that the top
/// of the list spans several skills of the role instead of one skill's
/// variations. The rest stay one `mm micro catalogue search --parent` away.
pub const STEPS_PER_PARENT: usize = 2;

/// One micro-skill of a ranking: a concrete step under a ranked parent.
#[derive(Debug, Clone, Serialize)]
pub struct MicroStep {
    /// Its place in the ranked list (what `mm goal new --from <rank>` takes);
    /// `None` for the steps of an arc, committed to by id.
    pub rank: Option<usize>,
    /// Catalogue id (what `mm goal new --from <id>` takes).
    pub id: String,
    pub name: String,
    /// `curated`, `personal`, `case`, `postings` or `onet-task`.
    pub source: String,
    /// Typical hours of deliberate practice.
    pub hours: Option<u32>,
    /// Suggested deadline, in weeks.
    pub weeks: Option<u32>,
    pub principles: usize,
    pub criteria: usize,
    /// Evidence of its own, beyond its parent's: the technologies and
    /// skills it names, as the role's postings and O*NET speak of them.
    pub evidence: Vec<String>,
    /// The person's open goal on it, if any.
    pub open_goal: Option<GoalId>,
    /// A first step for a beginner in the role's occupation (the catalogue's
    /// `core_for`): shown before what the evidence ranks.
    pub first: bool,
    /// The countries it is written for, when the person's is not known
    /// (empty otherwise, and for an entry that holds anywhere).
    pub country: Vec<String>,
    /// The stacks it is bound to (empty: any).
    pub stack: Vec<String>,
}

/// Where and in what the person works: what narrows the catalogue beyond
/// the role's occupation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Focus {
    /// ISO 3166-1 alpha-2, in capitals; `None`: not known, and entries
    /// written for one country are offered marked.
    pub country: Option<String>,
    /// The languages or platforms the person works in; empty: not known.
    pub stacks: Vec<String>,
    /// Where the stacks came from: `given`, `profile`, `held skills` or
    /// `postings` (assumed: the stack the role's postings name most).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stacks_from: Option<&'static str>,
    /// For stacks assumed from the postings: how many of the role's
    /// postings name the stack, of how many.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stack_postings: Option<(u64, u64)>,
    /// For stacks assumed from the postings: the other stacks they name,
    /// most named first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_stacks: Vec<String>,
}

/// Stacks: their slug, their name as a person says it, and the
/// technologies (lower case) that show a person works in them: a held
/// "Python" or "React" says the stack without asking.
const STACKS: &[(&str, &str, &[&str])] = &[
    ("python", "Python", &["python", "django", "flask", "pandas"]),
    (
        "javascript",
        "JavaScript",
        &[
            "javascript",
            "typescript",
            "react",
            "node.js",
            "angularjs",
            "vue.js",
            "jquery",
        ],
    ),
    (
        "java",
        "Java",
        &["java", "oracle java", "spring framework", "spring boot"],
    ),
    (
        "dotnet",
        "C#/.NET",
        &[
            "c#",
            "microsoft c#",
            "microsoft .net framework",
            "microsoft asp.net",
            ".net",
        ],
    ),
    ("go", "Go", &["go", "golang"]),
    ("rust", "Rust", &["rust"]),
    ("php", "PHP", &["php"]),
    ("ruby", "Ruby", &["ruby", "ruby on rails"]),
    ("r", "R", &["r"]),
    ("cpp", "C++", &["c++"]),
];

/// A stack's name as a person says it (`dotnet` → `C#/.NET`); an unknown
/// slug as it is.
pub fn stack_label(slug: &str) -> &str {
    STACKS
        .iter()
        .find(|(s, _, _)| *s == slug)
        .map_or(slug, |(_, label, _)| label)
}

/// The stacks the held skills name (their labels and the O*NET technology
/// names they stand for), in the order of the stacks table.
pub fn stacks_of_held(tax: &Taxonomy, held: &[SkillIdx]) -> Vec<String> {
    let mut names: FxHashSet<String> = held
        .iter()
        .map(|&s| tax.skill(s).preferred.to_lowercase())
        .collect();
    for t in &tax.technologies {
        if held.contains(&t.concept) {
            names.insert(t.name.to_lowercase());
        }
    }
    STACKS
        .iter()
        .filter(|(_, _, techs)| techs.iter().any(|t| names.contains(*t)))
        .map(|(s, _, _)| (*s).to_string())
        .collect()
}

/// The stacks the role's postings name, most named first: (slug, postings
/// naming one of its technologies). A stack counts the posting share of its
/// most named technology, so "Python" and "pandas" in the same postings
/// are not counted twice.
pub fn stacks_of_postings(tax: &Taxonomy, report: &MarketReport) -> Vec<(String, u64)> {
    let mut tech_names: FxHashMap<SkillIdx, Vec<String>> = FxHashMap::default();
    for t in &tax.technologies {
        tech_names
            .entry(t.concept)
            .or_default()
            .push(t.name.to_lowercase());
    }
    let mut out: Vec<(String, u64)> = STACKS
        .iter()
        .filter_map(|(slug, _, techs)| {
            let best = report
                .skills
                .iter()
                .filter(|s| {
                    let label = s.label.to_lowercase();
                    techs.contains(&label.as_str())
                        || tax
                            .skill_by_uri(&s.uri)
                            .and_then(|i| tech_names.get(&i))
                            .is_some_and(|n| n.iter().any(|n| techs.contains(&n.as_str())))
                })
                .map(|s| s.postings)
                .max()?;
            (best > 0).then(|| ((*slug).to_string(), best))
        })
        .collect();
    // Most named first; ties keep the table's order (a stable sort).
    out.sort_by_key(|s| std::cmp::Reverse(s.1));
    out
}

/// Postings a stack must be named in before the list assumes it.
pub const MIN_STACK_POSTINGS: u64 = 3;

/// What the person has already: their goals by the folded name of their
/// micro-skill, and the skills they hold.
#[derive(Debug, Clone, Default)]
pub struct Taken {
    /// Achieved: never offered again.
    pub achieved: FxHashSet<String>,
    /// Open: offered, saying so.
    pub open: FxHashMap<String, GoalId>,
    /// The catalogue parents (ESCO concepts, O*NET technologies) of the
    /// skills held: an entry filed under one of them builds what the person
    /// has (pivot tables, for an Excel expert), so it is not offered either.
    pub held: FxHashSet<ParentRef>,
}

impl Taken {
    /// These goals, and the skills `held` (as catalogue parents).
    pub fn holding(mut self, tax: &Taxonomy, held: &[SkillIdx]) -> Self {
        for &i in held {
            self.held.insert(ParentRef::Esco(tax.skill(i).uri.clone()));
        }
        for t in &tax.technologies {
            if held.contains(&t.concept) {
                self.held.insert(ParentRef::OnetTech(t.name.clone()));
            }
        }
        self
    }

    /// Whether `m` is filed under a skill the person holds.
    fn builds_held(&self, m: &CatalogueMicroSkill) -> bool {
        m.parents.iter().any(|p| self.held.contains(p))
    }
}

/// Turns ranked parents into ranked micro-skills.
#[derive(Debug)]
pub struct Carver<'a> {
    tax: &'a Taxonomy,
    catalogue: &'a Catalogue,
    role: &'a Role,
    report: Option<&'a MarketReport>,
    taken: &'a Taken,
    shares: FxHashMap<&'a str, (u64, f64)>,
    /// The O*NET technology names each concept stands for.
    tech_names: FxHashMap<SkillIdx, Vec<&'a str>>,
    /// Each technology name's index in the taxonomy (the first one so named).
    tech_by_name: FxHashMap<&'a str, usize>,
    /// The URIs of the skills the role's ESCO occupation needs.
    role_skills: FxHashSet<&'a str>,
    /// The ISCO-08 unit group entries must fit ([`role_isco`]).
    isco: Option<&'a str>,
    /// The role's own ISCO-08 unit group, for the catalogue's first steps.
    group: &'a str,
    focus: Focus,
}

impl<'a> Carver<'a> {
    pub fn new(
        tax: &'a Taxonomy,
        catalogue: &'a Catalogue,
        role: &'a Role,
        report: Option<&'a MarketReport>,
        taken: &'a Taken,
    ) -> Self {
        let shares = report
            .map(|r| {
                r.skills
                    .iter()
                    .map(|s| (s.uri.as_str(), (s.postings, s.share)))
                    .collect()
            })
            .unwrap_or_default();
        let mut tech_names: FxHashMap<SkillIdx, Vec<&str>> = FxHashMap::default();
        let mut tech_by_name: FxHashMap<&str, usize> = FxHashMap::default();
        for (i, t) in tax.technologies.iter().enumerate() {
            tech_names.entry(t.concept).or_default().push(&t.name);
            tech_by_name.entry(&t.name).or_insert(i);
        }
        let role_skills = role_skill_uris(tax, role);
        let isco = role_isco(tax, catalogue, role);
        let group = role
            .esco
            .map_or("", |o| tax.occupation(o).isco_group.as_str());
        Carver {
            group,
            focus: Focus::default(),
            tax,
            catalogue,
            role,
            report,
            taken,
            shares,
            tech_names,
            tech_by_name,
            role_skills,
            isco,
        }
    }

    /// Narrow the entries to where and in what the person works.
    pub fn with_focus(mut self, focus: Focus) -> Self {
        self.focus = focus;
        self
    }

    /// The focus the entries are narrowed to.
    pub fn focus(&self) -> &Focus {
        &self.focus
    }

    /// Whether an entry's catalogue area (or its own ISCO-08 groups) fits
    /// the role's occupation: a broadly shared ESCO parent does not bring
    /// an A/B test to an accountant or a gas boiler to an electrician. Nor
    /// does a UK right-to-work check reach a person working in Germany, or
    /// a Java step a Python developer.
    pub fn fits(&self, m: &CatalogueMicroSkill) -> bool {
        self.isco.is_none_or(|g| m.fits_isco(g))
            && self
                .focus
                .country
                .as_deref()
                .is_none_or(|c| m.fits_country(c))
            && m.fits_stack(&self.focus.stacks)
    }

    /// Whether a coach would start a beginner of the role's occupation on
    /// the entry (its `core_for`).
    pub fn is_first(&self, m: &CatalogueMicroSkill) -> bool {
        m.is_core_for(self.group)
    }

    /// The catalogue keys a candidate is filed under: its URI, and for a
    /// technology concept the O*NET names it stands for.
    fn keys(&self, skill: SkillIdx, uri: &str) -> Vec<String> {
        let mut keys = vec![uri.to_string()];
        if let Some(names) = self.tech_names.get(&skill) {
            keys.extend(
                names
                    .iter()
                    .map(|n| ParentRef::OnetTech((*n).to_string()).to_string()),
            );
        }
        keys
    }

    /// Every micro-skill filed under the candidate, best first, leaving out
    /// those the person has achieved.
    pub fn entries_of(&self, skill: SkillIdx, uri: &str) -> Vec<&'a CatalogueMicroSkill> {
        let mut seen = FxHashSet::default();
        let mut out = Vec::new();
        for key in self.keys(skill, uri) {
            for m in self.catalogue.micro_skills_for(&key) {
                if seen.insert(m.id.as_str())
                    && self.fits(m)
                    && !self.taken.achieved.contains(&fold_name(&m.name))
                    && !self.taken.builds_held(m)
                {
                    out.push(m);
                }
            }
        }
        // An entry that also hangs from another skill the role needs comes
        // first (under "inspect construction supplies", the electrician's
        // cable check before the carpenter's timber check); then the one
        // whose own concepts the postings ask for most, then the shorter;
        // otherwise the catalogue's order (a stable sort).
        // A first step for the role's beginners leads.
        out.sort_by(|a, b| {
            let (fa, fb) = (self.is_first(a), self.is_first(b));
            let (ra, rb) = (self.in_role(a, uri), self.in_role(b, uri));
            let (sa, sb) = (self.own_share(a, uri), self.own_share(b, uri));
            let weeks = |m: &CatalogueMicroSkill| m.weeks.unwrap_or(u32::MAX);
            fb.cmp(&fa)
                .then(rb.cmp(&ra))
                .then(sb.total_cmp(&sa))
                .then(weeks(a).cmp(&weeks(b)))
        });
        out
    }

    /// How many of an entry's ESCO parents besides `parent_uri` the role's
    /// occupation needs.
    fn in_role(&self, m: &CatalogueMicroSkill, parent_uri: &str) -> usize {
        m.esco_parents()
            .filter(|u| *u != parent_uri && self.role_skills.contains(u))
            .count()
    }

    /// The highest posting share among the concepts an entry names besides
    /// `parent_uri`.
    fn own_share(&self, m: &CatalogueMicroSkill, parent_uri: &str) -> f64 {
        self.named_concepts(m)
            .filter(|(u, _)| u != parent_uri)
            .filter_map(|(u, _)| self.shares.get(u.as_str()).map(|s| s.1))
            .fold(m.share.unwrap_or(0.0), f64::max)
    }

    /// The taxonomy concepts an entry's parents name: (URI, label).
    fn named_concepts<'m>(
        &'m self,
        m: &'m CatalogueMicroSkill,
    ) -> impl Iterator<Item = (String, String)> + 'm {
        m.parents.iter().filter_map(|p| match p {
            ParentRef::Esco(u) => self
                .tax
                .skill_by_uri(u)
                .map(|i| (u.clone(), self.tax.skill(i).preferred.clone())),
            ParentRef::OnetTech(n) => self.tech_by_name.get(n.as_str()).map(|&t| {
                let concept = self.tax.technologies[t].concept;
                (self.tax.skill(concept).uri.clone(), n.clone())
            }),
            ParentRef::OnetTask(_) => None,
        })
    }

    /// What speaks for an entry beyond `parent_uri`: its other concepts'
    /// posting shares, O*NET's Hot Technology flags for the role, and a
    /// mined entry's own share.
    fn evidence(&self, m: &CatalogueMicroSkill, parent_uri: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(o) = self.role.esco_title.as_deref().filter(|_| self.is_first(m)) {
            out.push(format!("a first step for a new {o} (curated)"));
        }
        let postings = self.report.map_or(0, |r| r.postings);
        for (uri, label) in self.named_concepts(m) {
            if uri == parent_uri {
                continue;
            }
            if let Some((n, share)) = self.shares.get(uri.as_str()) {
                out.push(format!(
                    "{label}: in {n} of {postings} postings ({:.0}%)",
                    share * 100.0
                ));
            }
        }
        for p in &m.parents {
            let ParentRef::OnetTech(name) = p else {
                continue;
            };
            let Some(&t) = self.tech_by_name.get(name.as_str()) else {
                continue;
            };
            let hot: Vec<&str> = self
                .role
                .onet
                .iter()
                .map(|&o| &self.tax.onet_occupations[o as usize])
                .filter(|o| o.technologies.iter().any(|u| u.tech as usize == t && u.hot))
                .map(|o| o.code.as_str())
                .collect();
            if !hot.is_empty() {
                let of = self.role.onet.len();
                out.push(if of == 1 {
                    format!("{name}: an O*NET Hot Technology for {}", hot[0])
                } else {
                    format!(
                        "{name}: an O*NET Hot Technology for {} of the role's {of} O*NET occupations",
                        hot.len()
                    )
                });
            }
        }
        if let (Some(s), Some(e)) = (m.share, &m.evidence) {
            out.push(format!("{e} ({:.0}%)", s * 100.0));
        }
        // With nothing of its own to show, what the step teaches says more
        // than a count of its principles: the first, in the catalogue's words.
        if out.is_empty()
            && let Some(p) = m.principles.first()
        {
            out.push(match &p.description {
                Some(d) => format!("teaches {}: {d}", p.name),
                None => format!("teaches {}", p.name),
            });
        }
        out
    }

    /// One entry as a step of the list.
    pub fn step(
        &self,
        m: &CatalogueMicroSkill,
        parent_uri: &str,
        rank: Option<usize>,
    ) -> MicroStep {
        MicroStep {
            rank,
            id: m.id.clone(),
            name: m.name.clone(),
            source: m.source.as_str().to_string(),
            hours: m.hours,
            weeks: m.weeks,
            principles: m.principles.len(),
            criteria: m.done_when.len(),
            evidence: self.evidence(m, parent_uri),
            open_goal: self.taken.open.get(&fold_name(&m.name)).copied(),
            first: self.is_first(m),
            country: if self.focus.country.is_none() {
                m.country.clone()
            } else {
                Vec::new()
            },
            stack: m.stack.clone(),
        }
    }

    /// The core tasks of the role's first O*NET occupation, carved into
    /// micro-skills (ids `onet-task-<id>`), leaving out those taken.
    pub fn tasks(&self, limit: usize) -> Option<TaskSteps> {
        let &o = self.role.onet.first()?;
        let occ = &self.tax.onet_occupations[o as usize];
        let steps: Vec<MicroStep> = occ
            .tasks
            .iter()
            .filter(|t| t.core == Some(true))
            .map(|t| mm_micro::onet::carve_task(occ, t))
            .filter(|m| !self.taken.achieved.contains(&fold_name(&m.name)))
            .take(limit)
            .map(|m| {
                let mut s = self.step(&m, "", None);
                s.evidence = vec![format!("a core task of O*NET {} {}", occ.code, occ.title)];
                s
            })
            .collect();
        (!steps.is_empty()).then(|| TaskSteps {
            occupation: format!("{} {}", occ.code, occ.title),
            steps,
        })
    }
}

/// The URIs of the skills the role's ESCO occupation needs (empty without
/// one).
pub fn role_skill_uris<'t>(tax: &'t Taxonomy, role: &Role) -> FxHashSet<&'t str> {
    role.esco
        .map(|o| {
            tax.occupation(o)
                .skills
                .iter()
                .map(|s| tax.skill(s.0).uri.as_str())
                .collect()
        })
        .unwrap_or_default()
}

/// The ISCO-08 unit group of the role's ESCO occupation, when some entry of
/// the catalogue is for it; `None` (every entry fits) for a role without
/// one or one no area of the catalogue is written for, so a farmer still
/// sees what the shared parents offer.
pub fn role_isco<'t>(tax: &'t Taxonomy, catalogue: &Catalogue, role: &Role) -> Option<&'t str> {
    let g = tax.occupation(role.esco?).isco_group.as_str();
    (!g.is_empty()
        && catalogue
            .entries()
            .iter()
            .any(|m| !m.isco.is_empty() && m.fits_isco(g)))
    .then_some(g)
}

/// Micro-skills carved from the core tasks of the role's O*NET occupation.
#[derive(Debug, Clone, Serialize)]
pub struct TaskSteps {
    /// `code title`.
    pub occupation: String,
    pub steps: Vec<MicroStep>,
}
