//! A hand-written crosswalk from O*NET's 35 skills onto the groups of the
//! ESCO skills hierarchy, so that O*NET's importance ratings speak for the
//! ESCO skills of every occupation, not only for those named like an O*NET
//! skill or a technology.
//!
//! O*NET rates each of its skills for each occupation (importance 1–5,
//! level 0–7): an electrician's *Troubleshooting* is 4.0, a registered
//! nurse's *Social Perceptiveness* 4.1. ESCO has no such ratings, and no
//! ESCO skill is called "Troubleshooting", so before this crosswalk the
//! O*NET component stayed empty for most trades, health and service roles.
//! Each O*NET skill is mapped here, by reading the definitions of both, onto
//! the ESCO skill groups (by code: `S8.8` *installing, maintaining and
//! repairing electrical, electronic and precision equipment*) whose skills
//! exercise it. An ESCO skill under such a group (through any chain of its
//! broader concepts) takes the rating.
//!
//! Only ratings O*NET itself calls important count: importance of at least
//! [`MIN_IMPORTANCE`]. The ranker uses them for roles with no postings of
//! their own (where demand does not speak), at [`RATING_FACTOR`] of a
//! technology's weight.
//!
//! ```no_run
//! use mm_discover::crosswalk::Crosswalk;
//! use mm_taxonomy::Taxonomy;
//! let tax = Taxonomy::load_embedded()?;
//! let cw = Crosswalk::new(&tax);
//! let s = tax.skill_by_uri("http://data.europa.eu/esco/skill/3f6dc31c-ceef-4e93-9d8a-b4b862cf9b51").unwrap();
//! for e in cw.elements_of(s) {
//!     println!("{}", tax.onet_skills[e as usize].name);
//! }
//! # Ok::<(), mm_taxonomy::Error>(())
//! ```

use mm_taxonomy::{ConceptRef, SkillIdx, Taxonomy};
use rustc_hash::{FxHashMap, FxHashSet};

/// O*NET calls a skill important for an occupation from this importance on
/// (the "important" cut of O*NET OnLine's summary reports).
pub const MIN_IMPORTANCE: f32 = 3.0;

/// What a rating counts for against a named technology: a skill group says
/// the occupation exercises this *kind* of skill, weaker evidence than a
/// tool it uses (Excel, SQL), so a rating gives at most half the O*NET
/// component. Roles without technologies are still ordered by it.
pub const RATING_FACTOR: f64 = 0.5;

/// O*NET skill element id → ESCO skill-group codes (a code covers its
/// subgroups: `S8.8` covers `S8.8.2`). Written by hand from the O*NET
/// content model's definitions and ESCO's group descriptions.
pub const SKILL_GROUPS: &[(&str, &str, &[&str])] = &[
    ("2.A.1.a", "Reading Comprehension", &["S2.4"]),
    ("2.A.1.b", "Active Listening", &["S1.7"]),
    ("2.A.1.c", "Writing", &["S1.13", "S2.2"]),
    ("2.A.1.d", "Speaking", &["S1.4"]),
    ("2.A.1.e", "Mathematics", &["S2.6", "S2.7.3"]),
    ("2.A.1.f", "Science", &["S2.1", "S2.7.2", "S2.8.8"]),
    ("2.A.2.a", "Critical Thinking", &["S2.7"]),
    ("2.A.2.b", "Active Learning", &["S2.9"]),
    ("2.A.2.c", "Learning Strategies", &["S1.3"]),
    ("2.A.2.d", "Monitoring", &["S2.8.2", "S2.8.3", "S2.8.6"]),
    (
        "2.B.1.a",
        "Social Perceptiveness",
        &["S3.0", "S3.1", "S3.6"],
    ),
    ("2.B.1.b", "Coordination", &["S4.2", "S1.8"]),
    ("2.B.1.c", "Persuasion", &["S1.6.1", "S1.6.2"]),
    ("2.B.1.d", "Negotiation", &["S1.1"]),
    ("2.B.1.e", "Instructing", &["S1.3"]),
    (
        "2.B.1.f",
        "Service Orientation",
        &["S3.2", "S3.4", "S3.5.2"],
    ),
    ("2.B.2.i", "Complex Problem Solving", &["S1.9"]),
    ("2.B.3.a", "Operations Analysis", &["S2.7.4", "S1.11"]),
    ("2.B.3.b", "Technology Design", &["S1.11", "S5.1"]),
    ("2.B.3.c", "Equipment Selection", &["S6.2.4", "S6.7"]),
    ("2.B.3.d", "Installation", &["S7.2", "S8.7", "S8.8.1"]),
    ("2.B.3.e", "Programming", &["S5.1"]),
    (
        "2.B.3.g",
        "Operations Monitoring",
        &["S2.8.1", "S2.8.10", "S8.5"],
    ),
    (
        "2.B.3.h",
        "Operation and Control",
        &["S5.7", "S8.1", "S8.2", "S8.4", "S8.5"],
    ),
    ("2.B.3.j", "Equipment Maintenance", &["S8.7", "S8.8.2"]),
    (
        "2.B.3.k",
        "Troubleshooting",
        &["S2.8.1", "S5.2", "S8.7", "S8.8"],
    ),
    ("2.B.3.l", "Repairing", &["S7.1", "S8.7", "S8.8.1"]),
    (
        "2.B.3.m",
        "Quality Control Analysis",
        &["S2.8.1", "S2.8.9", "S2.8.10", "S2.8.11"],
    ),
    ("2.B.4.e", "Judgment and Decision Making", &["S4.9"]),
    ("2.B.4.g", "Systems Analysis", &["S2.7.6", "S5.5"]),
    ("2.B.4.h", "Systems Evaluation", &["S2.7.6"]),
    ("2.B.5.a", "Time Management", &["S4.2"]),
    (
        "2.B.5.b",
        "Management of Financial Resources",
        &["S2.2.1", "S2.8.3", "S4.3.1", "S4.4.2"],
    ),
    (
        "2.B.5.c",
        "Management of Material Resources",
        &["S4.3.3", "S6.1", "S6.2"],
    ),
    (
        "2.B.5.d",
        "Management of Personnel Resources",
        &["S4.3.2", "S4.6", "S4.7", "S4.8"],
    ),
];

/// How far up the broader chain a skill is followed to its groups.
const MAX_DEPTH: usize = 6;

/// The crosswalk resolved against one taxonomy: built once, cheap to ask.
#[derive(Debug)]
pub struct Crosswalk<'t> {
    tax: &'t Taxonomy,
    /// For each O*NET skill element (index into `onet_skills`): the ESCO
    /// group codes it maps onto.
    codes: Vec<&'static [&'static str]>,
}

/// Whether group code `code` lies under `prefix` (`S8.8.2` under `S8.8`,
/// not `S8.81`).
fn under(code: &str, prefix: &str) -> bool {
    code == prefix
        || code
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.'))
}

impl<'t> Crosswalk<'t> {
    pub fn new(tax: &'t Taxonomy) -> Crosswalk<'t> {
        let by_id: FxHashMap<&str, &'static [&'static str]> =
            SKILL_GROUPS.iter().map(|(id, _, g)| (*id, *g)).collect();
        let codes = tax
            .onet_skills
            .iter()
            .map(|e| {
                // The element id may carry its name (`2.B.3.k Troubleshooting`).
                let id = e.id.split_whitespace().next().unwrap_or("");
                by_id.get(id).copied().unwrap_or(&[])
            })
            .collect();
        Crosswalk { tax, codes }
    }

    /// The codes of the ESCO skill groups above a skill, through any chain
    /// of broader skills and groups.
    pub fn group_codes(&self, s: SkillIdx) -> Vec<&'t str> {
        let tax = self.tax;
        let mut seen: FxHashSet<ConceptRef> = FxHashSet::default();
        let mut frontier: Vec<ConceptRef> = tax.skill(s).broader.clone();
        let mut out: Vec<&str> = Vec::new();
        for _ in 0..MAX_DEPTH {
            let mut next = Vec::new();
            for c in frontier {
                if !seen.insert(c) {
                    continue;
                }
                let broader = match c {
                    ConceptRef::Skill(i) => &tax.skill(i).broader,
                    ConceptRef::Group(g) => {
                        let grp = &tax.skill_groups[g as usize];
                        if !grp.code.is_empty() && !out.contains(&grp.code.as_str()) {
                            out.push(grp.code.as_str());
                        }
                        &grp.broader
                    }
                };
                next.extend(broader.iter().copied());
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        out
    }

    /// The O*NET skill elements (indices into `onet_skills`) that a skill
    /// exercises, by the crosswalk, with the ESCO group code that links each.
    pub fn links_of(&self, s: SkillIdx) -> Vec<(u16, &'static str)> {
        let groups = self.group_codes(s);
        let mut out = Vec::new();
        for (e, codes) in self.codes.iter().enumerate() {
            if let Some(code) = codes.iter().find(|p| groups.iter().any(|g| under(g, p))) {
                out.push((e as u16, *code));
            }
        }
        out
    }

    /// The O*NET skill elements a skill exercises.
    pub fn elements_of(&self, s: SkillIdx) -> Vec<u16> {
        self.links_of(s).into_iter().map(|l| l.0).collect()
    }

    /// The label of an ESCO skill-group code, when the taxonomy has it.
    pub fn group_label(&self, code: &str) -> Option<&'t str> {
        self.tax
            .skill_groups
            .iter()
            .find(|g| g.code == code)
            .map(|g| g.preferred.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_cover_their_subgroups_only() {
        assert!(under("S8.8.2", "S8.8"));
        assert!(under("S8.8", "S8.8"));
        assert!(!under("S8.81", "S8.8"));
        assert!(!under("S8", "S8.8"));
    }

    #[test]
    fn every_onet_skill_is_crosswalked_onto_groups_that_exist() {
        let tax = Taxonomy::load_embedded().unwrap();
        let cw = Crosswalk::new(&tax);
        assert_eq!(tax.onet_skills.len(), SKILL_GROUPS.len());
        for (i, e) in tax.onet_skills.iter().enumerate() {
            assert!(!cw.codes[i].is_empty(), "{} {} has no groups", e.id, e.name);
            let (_, name, _) = SKILL_GROUPS.iter().find(|(id, _, _)| *id == e.id).unwrap();
            assert_eq!(*name, e.name, "{}", e.id);
        }
        for (id, _, codes) in SKILL_GROUPS {
            for c in *codes {
                assert!(cw.group_label(c).is_some(), "{id}: no ESCO group {c}");
            }
        }
    }

    #[test]
    fn testing_electrical_equipment_exercises_troubleshooting() {
        let tax = Taxonomy::load_embedded().unwrap();
        let cw = Crosswalk::new(&tax);
        let s = tax
            .skill_by_uri("http://data.europa.eu/esco/skill/3f6dc31c-ceef-4e93-9d8a-b4b862cf9b51")
            .unwrap();
        let names: Vec<&str> = cw
            .elements_of(s)
            .iter()
            .map(|&e| tax.onet_skills[e as usize].name.as_str())
            .collect();
        assert!(names.contains(&"Troubleshooting"), "{names:?}");
        assert!(!names.contains(&"Persuasion"), "{names:?}");
    }
}
