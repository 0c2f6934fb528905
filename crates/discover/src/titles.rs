//! Which postings are about a role: a posting feeds a role's market figures
//! only when its title names the role, so nurses' demand is never measured on
//! software ads.
//!
//! The role's names are its ESCO occupation's preferred, alternative and
//! hidden labels, the titles (and alternate and short titles) of its O*NET
//! occupations, and what the person typed. A posting title matches when,
//! normalised the same way as labels (case, plurals, hyphens) and with
//! bracketed asides (`( m/f/d )`, `(SRE)`) removed, it contains one of the
//! names as whole consecutive words (`Senior Data Analyst - Remote` contains
//! `data analyst`). One-word names (`programmer`, `welder`) must make up the
//! whole title apart from seniority words, so `tester` does not pull in
//! every `penetration tester`.

use crate::rank::Role;
use mm_taxonomy::Taxonomy;
use mm_taxonomy::normalize::tokens;
use rustc_hash::FxHashSet;

/// Words that qualify a title without changing the job.
const SENIORITY: &[&str] = &[
    "senior",
    "sr",
    "junior",
    "jr",
    "lead",
    "principal",
    "staff",
    "head",
    "chief",
    "trainee",
    "intern",
    "graduate",
    "mid",
    "level",
    "entry",
    "experienced",
    "assistant",
    "associate",
    "remote",
    "i",
    "ii",
    "iii",
    "iv",
    "full",
    "time",
    "part",
    "contract",
    "permanent",
];

/// The names of one role, ready to match posting titles against.
#[derive(Debug, Clone, Default)]
pub struct TitleFilter {
    /// What the filter is for, as shown to the person (`data analyst`).
    pub role: String,
    /// A stable key of the role (ESCO URI or O*NET-SOC code).
    pub key: String,
    names: Vec<Vec<String>>,
}

fn clean(title: &str) -> String {
    let mut out = String::with_capacity(title.len());
    let mut depth = 0usize;
    for c in title.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

impl TitleFilter {
    /// The names of `role`.
    pub fn for_role(tax: &Taxonomy, role: &Role) -> TitleFilter {
        let mut labels: Vec<&str> = vec![role.query.as_str()];
        if let Some(o) = role.esco {
            let occ = tax.occupation(o);
            labels.push(&occ.preferred);
            labels.extend(occ.alt.iter().map(String::as_str));
            labels.extend(occ.hidden.iter().map(String::as_str));
        }
        for &o in &role.onet {
            let oo = &tax.onet_occupations[o as usize];
            labels.push(&oo.title);
            labels.extend(oo.alt_titles.iter().map(String::as_str));
            labels.extend(oo.short_titles.iter().map(String::as_str));
        }
        let mut seen: FxHashSet<Vec<String>> = FxHashSet::default();
        let mut names = Vec::new();
        for l in labels {
            let t = tokens(&clean(l));
            if !t.is_empty() && seen.insert(t.clone()) {
                names.push(t);
            }
        }
        TitleFilter {
            role: role.title().to_string(),
            key: role
                .esco_uri
                .clone()
                .or_else(|| role.onet_occupations.first().map(|o| o.code.clone()))
                .unwrap_or_else(|| role.query.clone()),
            names,
        }
    }

    /// A filter over explicit names (for tests and custom roles).
    pub fn from_names<'a>(role: &str, names: impl IntoIterator<Item = &'a str>) -> TitleFilter {
        TitleFilter {
            role: role.to_string(),
            key: role.to_string(),
            names: names
                .into_iter()
                .map(|n| tokens(&clean(n)))
                .filter(|t| !t.is_empty())
                .collect(),
        }
    }

    /// Whether a posting title names the role.
    pub fn matches(&self, title: &str) -> bool {
        let t = tokens(&clean(title));
        if t.is_empty() {
            return false;
        }
        let core: Vec<&String> = t
            .iter()
            .filter(|w| !SENIORITY.contains(&w.as_str()))
            .collect();
        self.names.iter().any(|n| {
            if n.len() == 1 {
                core.len() == 1 && *core[0] == n[0]
            } else {
                t.windows(n.len()).any(|w| w == n.as_slice())
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_by_table() {
        let f = TitleFilter::from_names(
            "data analyst",
            ["data analyst", "data warehouse analyst", "analyst"],
        );
        let table = [
            ("Senior Data Analyst", true),
            ("Data Analysts ( m/f/d )", true),
            ("Data Analyst - Marketing | Remote", true),
            ("DATA-ANALYST", true),
            ("Analyst", true),
            ("Senior Analyst", true),
            ("Business Analyst", false),
            ("Data Engineer (Data Analyst team)", false),
            ("Software Engineer", false),
            ("", false),
        ];
        for (title, want) in table {
            assert_eq!(f.matches(title), want, "{title:?}");
        }
    }

    #[test]
    fn a_real_role_matches_its_own_labels() {
        let tax = Taxonomy::load_embedded().unwrap();
        let idx = mm_taxonomy::occupations::OccupationIndex::new(&tax);
        let role = crate::rank::resolve_role(&tax, &idx, "software developer").unwrap();
        let f = TitleFilter::for_role(&tax, &role);
        assert!(f.matches("Senior Software Engineer - Realtime Services"));
        assert!(f.matches("Software Developer ( f/m/d )"));
        assert!(!f.matches("Registered Nurse"));
        assert!(!f.matches("Welder"));
    }
}
