//! The curated micro-skill catalogue (`data/micro/*.toml`, linted by
//! `mm-micro`) read as label evidence: each entry's name and "done when"
//! criteria say, in everyday words, what its parent ESCO skills look like in
//! practice ("Summarise a 10k-row sheet with a pivot table …" under *use
//! spreadsheets software*). [`crate::map::Mapper`] indexes this text as a
//! field of its own, with a low weight.
//!
//! Only names, criteria and parents are read here; the catalogue itself
//! (principles, resources, prerequisites) is `mm-micro`'s.

use crate::model::{SkillIdx, Taxonomy};
use serde::Deserialize;

/// The catalogue files, compiled in (a test checks that every file of
/// `data/micro/` is listed).
pub const FILES: &[(&str, &str)] = &[
    ("data.toml", include_str!("../../../data/micro/data.toml")),
    (
        "education.toml",
        include_str!("../../../data/micro/education.toml"),
    ),
    (
        "finance.toml",
        include_str!("../../../data/micro/finance.toml"),
    ),
    (
        "health.toml",
        include_str!("../../../data/micro/health.toml"),
    ),
    (
        "hospitality.toml",
        include_str!("../../../data/micro/hospitality.toml"),
    ),
    ("hr.toml", include_str!("../../../data/micro/hr.toml")),
    (
        "logistics.toml",
        include_str!("../../../data/micro/logistics.toml"),
    ),
    (
        "office.toml",
        include_str!("../../../data/micro/office.toml"),
    ),
    (
        "sales-marketing.toml",
        include_str!("../../../data/micro/sales-marketing.toml"),
    ),
    ("tech.toml", include_str!("../../../data/micro/tech.toml")),
    (
        "trades.toml",
        include_str!("../../../data/micro/trades.toml"),
    ),
];

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    micro: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    name: String,
    #[serde(default)]
    parents: Vec<String>,
    #[serde(default)]
    done_when: Vec<String>,
}

/// Per ESCO skill of `tax`, the names and criteria of the catalogue entries
/// that hang from it, directly or through a technology parent
/// (`onet-tech:Microsoft Excel` counts for the ESCO skills Excel covers).
///
/// # Errors
/// [`crate::Error::Invalid`] if a catalogue file is not valid TOML (a build
/// problem: `mm-micro`'s lint runs on the same files).
pub fn by_skill(tax: &Taxonomy) -> crate::Result<Vec<Vec<MicroText>>> {
    let mut out = vec![Vec::new(); tax.skills.len()];
    for (name, body) in FILES {
        let f: File = toml::from_str(body)
            .map_err(|e| crate::Error::Invalid(format!("data/micro/{name}: {e}")))?;
        for e in f.micro {
            let mut skills: Vec<(SkillIdx, bool)> = Vec::new();
            for (k, p) in e.parents.iter().enumerate() {
                let main = k == 0;
                if let Some(name) = p.strip_prefix("onet-tech:") {
                    // A technology parent speaks for the ESCO skills the
                    // technology stands for (Microsoft Excel → *use
                    // spreadsheets software*).
                    for t in tax.technologies.iter().filter(|t| t.name == name) {
                        skills.extend(
                            tax.covered_by_holding(t.concept)
                                .into_iter()
                                .filter(|&c| !tax.is_technology(c))
                                .map(|c| (c, main)),
                        );
                    }
                } else if let Some(i) = tax.skill_by_uri(p) {
                    skills.push((i, main));
                }
            }
            // Once per skill, main parent if any listing of it is.
            skills.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
            skills.dedup_by_key(|x| x.0);
            for (i, main) in skills {
                let v = &mut out[i as usize];
                v.push(MicroText {
                    text: e.name.clone(),
                    main,
                });
                v.extend(e.done_when.iter().map(|t| MicroText {
                    text: t.clone(),
                    main,
                }));
            }
        }
    }
    Ok(out)
}

/// One name or criterion of a catalogue entry, under one of its parents.
#[derive(Debug, Clone)]
pub struct MicroText {
    pub text: String,
    /// The skill is the entry's main parent (listed first, or covered by the
    /// technology listed first), as `mm-micro` orders entries under a parent.
    pub main: bool,
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_catalogue_file_is_read() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/micro");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| {
                let n = e.unwrap().file_name().into_string().unwrap();
                n.ends_with(".toml").then_some(n)
            })
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = super::FILES.iter().map(|f| f.0.to_string()).collect();
        listed.sort();
        assert_eq!(on_disk, listed, "add the new file to micro_text::FILES");
    }

    #[test]
    fn pivot_tables_are_evidence_for_spreadsheets() {
        let tax = crate::Taxonomy::load_embedded().unwrap();
        let by = super::by_skill(&tax).unwrap();
        let s = tax
            .skills
            .iter()
            .position(|s| s.preferred == "use spreadsheets software")
            .unwrap();
        assert!(
            by[s]
                .iter()
                .any(|t| t.main && t.text.contains("pivot table")),
            "{:?}",
            by[s]
        );
    }
}
