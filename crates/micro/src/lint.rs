//! The quality bar of the curated catalogue, checked by a test on every
//! shipped file: parents that exist in the taxonomy, 1–4 principles, 2–4
//! observable done-when criteria, sensible hours and weeks, well-formed
//! links, and no duplicates or dangling prerequisite/next ids.

use crate::catalogue::Catalogue;
use crate::model::{CatalogueMicroSkill, ParentRef, fold_name, is_slug};
use mm_taxonomy::Taxonomy;
use std::collections::{HashMap, HashSet};

/// Verbs that name something another person can watch or check. A name and
/// every done-when criterion must start with one.
pub const OBSERVABLE_VERBS: &[&str] = &[
    "achieve",
    "adapt",
    "add",
    "adjust",
    "administer",
    "agree",
    "allocate",
    "analyse",
    "analyze",
    "answer",
    "apply",
    "arrange",
    "ask",
    "assemble",
    "assess",
    "assign",
    "assist",
    "attach",
    "audit",
    "automate",
    "back",
    "balance",
    "benchmark",
    "block",
    "bond",
    "book",
    "break",
    "brief",
    "build",
    "calculate",
    "calibrate",
    "call",
    "calm",
    "carry",
    "cascade",
    "cash",
    "change",
    "chart",
    "check",
    "choose",
    "classify",
    "clean",
    "close",
    "coach",
    "code",
    "collect",
    "combine",
    "commission",
    "compare",
    "compile",
    "complete",
    "compose",
    "compute",
    "conduct",
    "configure",
    "confirm",
    "connect",
    "containerise",
    "containerize",
    "convert",
    "cook",
    "copy",
    "correct",
    "count",
    "cover",
    "create",
    "cut",
    "debug",
    "decide",
    "define",
    "deliver",
    "demonstrate",
    "deploy",
    "derive",
    "describe",
    "design",
    "detect",
    "diagnose",
    "discard",
    "dispense",
    "document",
    "draft",
    "draw",
    "drill",
    "drive",
    "escalate",
    "establish",
    "estimate",
    "evaluate",
    "explain",
    "export",
    "extract",
    "facilitate",
    "file",
    "fill",
    "filter",
    "find",
    "finish",
    "fit",
    "fix",
    "follow",
    "forecast",
    "format",
    "frame",
    "gather",
    "give",
    "glue",
    "grade",
    "greet",
    "group",
    "guide",
    "hand",
    "handle",
    "hold",
    "identify",
    "implement",
    "import",
    "induct",
    "insert",
    "inspect",
    "install",
    "integrate",
    "interpret",
    "interview",
    "isolate",
    "join",
    "keep",
    "label",
    "lay",
    "lead",
    "leave",
    "lift",
    "list",
    "load",
    "locate",
    "log",
    "maintain",
    "make",
    "map",
    "mark",
    "match",
    "measure",
    "merge",
    "migrate",
    "mix",
    "model",
    "moderate",
    "monitor",
    "move",
    "name",
    "negotiate",
    "normalise",
    "normalize",
    "observe",
    "obtain",
    "offer",
    "onboard",
    "open",
    "operate",
    "order",
    "pack",
    "paraphrase",
    "pass",
    "pause",
    "perform",
    "pick",
    "pitch",
    "place",
    "plan",
    "plate",
    "plot",
    "point",
    "post",
    "preheat",
    "prepare",
    "present",
    "prevent",
    "price",
    "prioritise",
    "prioritize",
    "probe",
    "process",
    "produce",
    "profile",
    "program",
    "propose",
    "publish",
    "pull",
    "put",
    "query",
    "raise",
    "rank",
    "read",
    "rebuild",
    "receive",
    "recommend",
    "reconcile",
    "record",
    "recover",
    "reduce",
    "refactor",
    "refer",
    "refresh",
    "register",
    "reheat",
    "reject",
    "release",
    "remove",
    "repair",
    "repeat",
    "replace",
    "report",
    "reproduce",
    "resolve",
    "respond",
    "restock",
    "restore",
    "return",
    "review",
    "revise",
    "rewrite",
    "rotate",
    "route",
    "run",
    "scan",
    "schedule",
    "score",
    "screen",
    "search",
    "secure",
    "segment",
    "select",
    "sell",
    "send",
    "serve",
    "set",
    "share",
    "sharpen",
    "ship",
    "show",
    "sign",
    "simulate",
    "size",
    "sketch",
    "snap",
    "solder",
    "solve",
    "sort",
    "source",
    "specify",
    "split",
    "spot",
    "stage",
    "standardise",
    "standardize",
    "state",
    "steam",
    "stop",
    "store",
    "structure",
    "submit",
    "suggest",
    "summarise",
    "summarize",
    "tag",
    "take",
    "teach",
    "test",
    "tidy",
    "time",
    "trace",
    "track",
    "train",
    "transfer",
    "triage",
    "troubleshoot",
    "tune",
    "turn",
    "type",
    "update",
    "upgrade",
    "use",
    "validate",
    "verify",
    "visualise",
    "visualize",
    "vouch",
    "walk",
    "watch",
    "weigh",
    "weld",
    "wire",
    "write",
];

/// Words that hide what one would see: a criterion using them is not observable.
pub const UNOBSERVABLE: &[&str] = &[
    "understand",
    "understands",
    "understanding",
    "know",
    "knows",
    "learn",
    "learns",
    "appreciate",
    "familiar",
    "familiarity",
    "aware",
    "awareness",
    "grasp",
    "comfortable",
];

/// One thing wrong with one entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub id: String,
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.id, self.message)
    }
}

/// Does `text` start with an observable verb and avoid the hidden ones?
pub fn observable(text: &str) -> Result<(), String> {
    let folded = fold_name(text);
    let first = folded.split(' ').next().unwrap_or("");
    if !OBSERVABLE_VERBS.contains(&first) {
        return Err(format!(
            "{text:?} does not start with an observable verb (write what one would see: build, write, explain, …)"
        ));
    }
    // Whole words only: `Scikit-learn` names a tool, it does not ask to learn.
    let words = text.split_whitespace().map(|w| {
        w.trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase()
    });
    if let Some(w) = words
        .into_iter()
        .find(|w| UNOBSERVABLE.contains(&w.as_str()))
    {
        return Err(format!(
            "{text:?} says {w:?}: say what a person would see instead"
        ));
    }
    Ok(())
}

/// Is `url` a well-formed public https link?
pub fn well_formed_link(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    !url.contains(char::is_whitespace)
        && host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && !host.ends_with(".invalid")
        && !host.ends_with("example.com")
}

/// Parents that exist in the taxonomy: ESCO skill URIs, O*NET technology
/// names and O*NET task ids.
#[derive(Debug)]
pub struct Known {
    tech: HashSet<String>,
    tasks: HashSet<u32>,
    /// The ISCO-08 unit groups of ESCO's occupations.
    isco: HashSet<String>,
}

impl Known {
    /// Index the O*NET names and task ids of `tax`.
    pub fn new(tax: &Taxonomy) -> Known {
        Known {
            tech: tax.technologies.iter().map(|t| t.name.clone()).collect(),
            tasks: tax
                .onet_occupations
                .iter()
                .flat_map(|o| o.tasks.iter().map(|t| t.id))
                .collect(),
            isco: tax
                .occupations
                .iter()
                .map(|o| o.isco_group.clone())
                .filter(|g| !g.is_empty())
                .collect(),
        }
    }

    /// Whether `p` names a concept of the taxonomy.
    pub fn exists(&self, tax: &Taxonomy, p: &ParentRef) -> bool {
        match p {
            ParentRef::Esco(u) => tax.skill_by_uri(u).is_some(),
            ParentRef::OnetTech(n) => self.tech.contains(n),
            ParentRef::OnetTask(id) => self.tasks.contains(id),
        }
    }
}

fn lint_entry(m: &CatalogueMicroSkill, tax: &Taxonomy, known: &Known, out: &mut Vec<Problem>) {
    let mut bad = |msg: String| {
        out.push(Problem {
            id: m.id.clone(),
            message: msg,
        })
    };
    if !is_slug(&m.id) {
        bad(format!(
            "id {:?} is not a slug (lower-case letters, digits, single hyphens)",
            m.id
        ));
    }
    if let Err(e) = observable(&m.name) {
        bad(format!("name: {e}"));
    }
    if m.name.len() > 110 {
        bad("name is longer than 110 characters: keep it to one line".into());
    }
    if m.parents.is_empty() {
        bad("no parent concept: add an ESCO URI or onet-tech:/onet-task:".into());
    }
    if !m.parents.iter().any(|p| matches!(p, ParentRef::Esco(_))) {
        bad("no ESCO parent: discover ranks ESCO skills, so name at least one".into());
    }
    for p in &m.parents {
        if !known.exists(tax, p) {
            bad(format!("parent {p} is not in the embedded taxonomy"));
        }
    }
    if !(1..=4).contains(&m.principles.len()) {
        bad(format!("{} principles: give 1 to 4", m.principles.len()));
    }
    for p in &m.principles {
        if p.name.trim().is_empty() {
            bad("a principle has an empty name".into());
        }
        if p.description.as_deref().is_none_or(|d| d.trim().len() < 15) {
            bad(format!(
                "principle {:?} needs a description of a sentence",
                p.name
            ));
        }
    }
    if !(2..=4).contains(&m.done_when.len()) {
        bad(format!(
            "{} done-when criteria: give 2 to 4",
            m.done_when.len()
        ));
    }
    let mut seen = HashSet::new();
    for c in &m.done_when {
        if let Err(e) = observable(c) {
            bad(format!("done-when: {e}"));
        }
        if !seen.insert(fold_name(c)) {
            bad(format!("done-when {c:?} is listed twice"));
        }
    }
    match (m.hours, m.weeks) {
        (Some(h), Some(w)) => {
            if !(2..=60).contains(&h) {
                bad(format!("{h} hours: a micro-skill takes 2 to 60 hours"));
            }
            if !(1..=4).contains(&w) {
                bad(format!(
                    "{w} weeks: a micro-skill is mastered in 1 to 4 weeks"
                ));
            }
            if w > 0 && h > 10 * w {
                bad(format!(
                    "{h} hours in {w} weeks is more than 10 hours a week beside a job"
                ));
            }
        }
        _ => bad("hours and weeks are both required".into()),
    }
    if m.resources.is_empty() {
        bad("no resource: link at least one public documentation page".into());
    }
    for r in &m.resources {
        if !well_formed_link(&r.url) {
            bad(format!(
                "resource {:?} is not a well-formed https link",
                r.url
            ));
        }
    }
    for id in m.prerequisites.iter().chain(&m.next) {
        if id == &m.id {
            bad("lists itself as a prerequisite or next step".into());
        }
    }
    if m.isco.is_empty() {
        bad("no ISCO-08 group: give the file an `isco = [...]` line or the entry its own".into());
    }
    for g in m.isco.iter().chain(&m.core_for) {
        if !(1..=4).contains(&g.len()) || !g.bytes().all(|b| b.is_ascii_digit()) {
            bad(format!(
                "ISCO-08 group {g:?} is not a code of 1 to 4 digits"
            ));
        } else if !known.isco.iter().any(|u| u.starts_with(g.as_str())) {
            bad(format!("no ESCO occupation is in ISCO-08 group {g:?}"));
        }
    }
    for g in &m.core_for {
        if !m.fits_isco(g) {
            bad(format!(
                "core for ISCO-08 group {g:?}, which its own groups {:?} leave out",
                m.isco
            ));
        }
    }
    for c in &m.country {
        if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
            bad(format!(
                "country {c:?} is not an ISO 3166-1 alpha-2 code in capitals (GB, US)"
            ));
        }
    }
    for s in &m.stack {
        if !is_slug(s) {
            bad(format!(
                "stack {s:?} is not a lower-case slug (python, dotnet)"
            ));
        }
    }
}

/// Check every entry of a curated catalogue against `tax`.
pub fn lint(cat: &Catalogue, tax: &Taxonomy) -> Vec<Problem> {
    let known = Known::new(tax);
    let mut out = Vec::new();
    let mut names: HashMap<String, &str> = HashMap::new();
    for m in cat.entries() {
        lint_entry(m, tax, &known, &mut out);
        if let Some(first) = names.insert(fold_name(&m.name), &m.id) {
            out.push(Problem {
                id: m.id.clone(),
                message: format!("same name as {first}"),
            });
        }
        for id in m.prerequisites.iter().chain(&m.next) {
            if cat.get(id).is_none() {
                out.push(Problem {
                    id: m.id.clone(),
                    message: format!("prerequisite or next {id:?} is not in the catalogue"),
                });
            }
        }
    }
    // Prerequisites must not go round in a circle.
    for m in cat.entries() {
        let mut stack: Vec<&str> = m.prerequisites.iter().map(String::as_str).collect();
        let mut seen: HashSet<&str> = HashSet::new();
        while let Some(id) = stack.pop() {
            if id == m.id {
                out.push(Problem {
                    id: m.id.clone(),
                    message: "prerequisites lead back to itself".into(),
                });
                break;
            }
            if seen.insert(id)
                && let Some(p) = cat.get(id)
            {
                stack.extend(p.prerequisites.iter().map(String::as_str));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observable_criteria_start_with_a_verb_and_hide_nothing() {
        for (text, ok) in [
            (
                "Summarise a 10k-row sheet with a pivot table in under 5 minutes",
                true,
            ),
            ("Write a SELECT with two JOINs", true),
            ("Understand pivot tables", false),
            ("Pivot tables are known", false),
            ("Explain what you know about VAT", false),
            ("Be comfortable with Git", false),
        ] {
            assert_eq!(observable(text).is_ok(), ok, "{text}");
        }
    }

    #[test]
    fn links_must_be_public_https() {
        for (url, ok) in [
            ("https://docs.python.org/3/library/csv.html", true),
            ("https://support.microsoft.com/en-us/office/x?y=1#z", true),
            ("http://docs.python.org/", false),
            ("https://localhost/x", false),
            ("https://docs python.org/", false),
            ("https://foo.invalid/x", false),
            ("ftp://x.org", false),
        ] {
            assert_eq!(well_formed_link(url), ok, "{url}");
        }
    }
}
