//! From a suggestion to a goal: a draft the person edits — the skill, a
//! micro-skill wording, its principles (the broader concepts and related
//! knowledge the taxonomy gives) and a done-when criterion.

use crate::rank::principles;
use mm_taxonomy::{SkillIdx, SkillType, Taxonomy};
use serde::Serialize;

/// A pre-filled goal.
#[derive(Debug, Clone, Serialize)]
pub struct GoalDraft {
    pub skill_uri: String,
    pub skill_label: String,
    pub skill_type: String,
    pub description: String,
    /// A narrow, observable capability to master.
    pub micro_skill: String,
    /// (name, description) of each underlying principle; at least one.
    pub principles: Vec<(String, String)>,
    /// One observable done-when criterion.
    pub done_when: String,
}

/// Draft a goal for one taxonomy skill.
pub fn draft(tax: &Taxonomy, s: SkillIdx) -> GoalDraft {
    let sk = tax.skill(s);
    let label = sk.preferred.trim();
    let micro_skill = match sk.skill_type {
        SkillType::Knowledge => {
            format!(
                "Apply {label} to one real, concrete task, end to end, without looking up the basics"
            )
        }
        SkillType::Technology => {
            format!("Use {label} on one real, concrete task, end to end, unaided")
        }
        _ => format!(
            "{} on one real, concrete task, end to end, unaided",
            capitalise(label)
        ),
    };
    let mut ps = principles(tax, s, 4);
    if ps.is_empty() {
        ps.push((
            format!("what {label} is for"),
            first_sentence(&sk.description),
        ));
    }
    GoalDraft {
        skill_uri: sk.uri.clone(),
        skill_label: sk.preferred.clone(),
        skill_type: sk.skill_type.as_str().to_string(),
        description: sk.description.clone(),
        micro_skill,
        principles: ps,
        done_when: format!(
            "used {label} on a real piece of work and someone able to judge it accepted the result"
        ),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn first_sentence(s: &str) -> String {
    let t = s.trim();
    let end = t.find(". ").map_or(t.len(), |i| i + 1);
    t[..end].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalises_first_letter_only() {
        assert_eq!(capitalise("use SQL"), "Use SQL");
        assert_eq!(capitalise(""), "");
    }
}
