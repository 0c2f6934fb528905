//! Micro-skills carved from O*NET task statements, for occupations the
//! curated catalogue does not cover.
//!
//! An O*NET task ("Prepare monthly variance reports for department heads")
//! is already a narrow, observable piece of work. Carving keeps its words as
//! the name and derives the done-when criteria from it: do the task once on a
//! real case unaided, explain its steps to a practitioner, and repeat it on a
//! different case with the result accepted. The principle is the purpose the
//! task serves in the occupation (O*NET's own description).

use crate::catalogue::Catalogue;
use crate::model::{CatalogueMicroSkill, ParentRef, Principle, Source};
use mm_core::Level;
use mm_taxonomy::{OnetOccupation, OnetTask, Taxonomy};
use std::collections::HashSet;

/// Typical hours for a core task and for a supplemental or unrated one:
/// a few weeks of two to four hours a week.
pub const CORE_TASK_HOURS: u32 = 10;
/// See [`CORE_TASK_HOURS`].
pub const OTHER_TASK_HOURS: u32 = 6;
/// Curated entries tied to an occupation's tasks, technologies or their ESCO
/// skills for it to count as covered.
pub const COVERED_AT: usize = 3;
/// A technology used by more occupations than this (Excel, Outlook) says
/// nothing about any one of them, so it does not count towards coverage.
pub const SPECIFIC_TECH_MAX_OCCUPATIONS: u32 = 60;

/// The micro-skill carved from one task of an occupation.
pub fn carve_task(occ: &OnetOccupation, task: &OnetTask) -> CatalogueMicroSkill {
    let text = task.text.trim().trim_end_matches('.').trim();
    let title = occ.title.trim();
    let purpose = first_sentence(&occ.description);
    CatalogueMicroSkill {
        id: format!("onet-task-{}", task.id),
        name: text.to_string(),
        area: String::new(),
        isco: Vec::new(),
        core_for: Vec::new(),
        country: Vec::new(),
        stack: Vec::new(),
        parents: vec![ParentRef::OnetTask(task.id)],
        principles: vec![Principle {
            name: format!("what this task is for in the work of {title}"),
            description: (!purpose.is_empty()).then_some(purpose),
        }],
        done_when: vec![
            format!("{text}, for one real case from start to finish, without step-by-step help"),
            format!(
                "Explain to an experienced practitioner ({title}) why each step of it is done, and answer their questions"
            ),
            "Repeat it on a second, different case, with the result accepted by someone who does this work".to_string(),
        ],
        hours: Some(if task.core == Some(true) {
            CORE_TASK_HOURS
        } else {
            OTHER_TASK_HOURS
        }),
        weeks: Some(if task.core == Some(true) { 3 } else { 2 }),
        dreyfus: Level::Competent,
        prerequisites: Vec::new(),
        next: Vec::new(),
        resources: vec![crate::model::Resource {
            url: format!("https://www.onetonline.org/link/summary/{}", occ.code),
            title: Some(format!("O*NET OnLine: {title}")),
        }],
        source: Source::OnetTask,
        share: None,
        evidence: Some(format!(
            "O*NET task {} of {} {title}{}",
            task.id,
            occ.code,
            match task.core {
                Some(true) => " (core)",
                Some(false) => " (supplemental)",
                None => "",
            }
        )),
    }
}

/// The tasks of one O*NET occupation as micro-skills, core tasks first.
pub fn carve_occupation(occ: &OnetOccupation) -> Vec<CatalogueMicroSkill> {
    let mut tasks: Vec<&OnetTask> = occ.tasks.iter().collect();
    tasks.sort_by_key(|t| (t.core != Some(true), t.core.is_none(), t.id));
    tasks.into_iter().map(|t| carve_task(occ, t)).collect()
}

/// Whether the curated catalogue covers an O*NET occupation: at least
/// [`COVERED_AT`] entries hang from its tasks, its specific technologies
/// (used by at most [`SPECIFIC_TECH_MAX_OCCUPATIONS`] occupations) or the
/// ESCO skills those technologies link to.
pub fn covers(cat: &Catalogue, tax: &Taxonomy, occ: &OnetOccupation) -> bool {
    let mut keys: HashSet<String> = HashSet::new();
    for t in &occ.tasks {
        keys.insert(ParentRef::OnetTask(t.id).to_string());
    }
    for u in &occ.technologies {
        let t = &tax.technologies[u.tech as usize];
        if t.used_in > SPECIFIC_TECH_MAX_OCCUPATIONS {
            continue;
        }
        keys.insert(ParentRef::OnetTech(t.name.clone()).to_string());
        for &s in &t.esco {
            keys.insert(tax.skill(s).uri.clone());
        }
    }
    let mut n = 0;
    for m in cat.entries().iter().filter(|m| m.source == Source::Curated) {
        if m.parents.iter().any(|p| keys.contains(&p.to_string())) {
            n += 1;
            if n >= COVERED_AT {
                return true;
            }
        }
    }
    false
}

/// Carved micro-skills for every O*NET occupation the catalogue does not
/// cover, at most `per_occupation` each (core tasks first).
pub fn carve_uncovered(
    cat: &Catalogue,
    tax: &Taxonomy,
    per_occupation: usize,
) -> Vec<CatalogueMicroSkill> {
    tax.onet_occupations
        .iter()
        .filter(|o| !covers(cat, tax, o))
        .flat_map(|o| carve_occupation(o).into_iter().take(per_occupation))
        .collect()
}

fn first_sentence(s: &str) -> String {
    let t = s.trim();
    let end = t.find(". ").map_or(t.len(), |i| i + 1);
    t[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn occ() -> OnetOccupation {
        OnetOccupation {
            code: "13-2011.00".into(),
            title: "Accountants and Auditors".into(),
            description: "Examine, analyze, and interpret accounting records. Prepare reports."
                .into(),
            alt_titles: vec![],
            short_titles: vec![],
            reported_titles: vec![],
            esco: vec![],
            skills: vec![],
            technologies: vec![],
            tasks: vec![
                OnetTask {
                    id: 2,
                    text: "Advise clients on tax matters.".into(),
                    core: Some(false),
                },
                OnetTask {
                    id: 1,
                    text: "Prepare detailed reports on audit findings.".into(),
                    core: Some(true),
                },
            ],
        }
    }

    #[test]
    fn a_task_becomes_a_micro_skill_with_criteria_from_its_words() {
        let m = carve_occupation(&occ());
        assert_eq!(m[0].id, "onet-task-1", "core tasks come first");
        assert_eq!(m[0].name, "Prepare detailed reports on audit findings");
        assert!(
            m[0].done_when[0]
                .starts_with("Prepare detailed reports on audit findings, for one real case")
        );
        assert!(m[0].done_when[1].contains("(Accountants and Auditors)"));
        assert_eq!(m[0].done_when.len(), 3);
        assert_eq!(m[0].hours, Some(CORE_TASK_HOURS));
        assert_eq!(m[1].hours, Some(OTHER_TASK_HOURS));
        assert_eq!(
            m[0].principles[0].description.as_deref(),
            Some("Examine, analyze, and interpret accounting records.")
        );
        for c in &m[0].done_when {
            crate::lint::observable(c).unwrap();
        }
    }
}
