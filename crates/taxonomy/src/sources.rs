//! The other official sources the taxonomy build joins in, shipped with the
//! crate in `data/taxonomy/sources/` (attribution in
//! `data/taxonomy/ATTRIBUTION.md`):
//!
//! - the official ESCO → O*NET-SOC 2019 crosswalk (occupation rows), which
//!   links every ESCO occupation to its O*NET occupations and back
//!   ([`Occupation::onet`], [`OnetOccupation::esco`]);
//! - O*NET's *Sample of Reported Titles* (titles as workers report them),
//!   which join the title index ([`OnetOccupation::reported_titles`]);
//! - technology names and aliases (GitHub topics, Linguist, devicon,
//!   simple-icons; derived by `scripts/tech_aliases.py`), which turn O*NET's
//!   technology examples into concepts of their own: an ESCO skill where the
//!   name is an ESCO label (`Python`), otherwise a [`SkillType::Technology`]
//!   concept `mm:tech/<slug>` (`Docker`, `Kubernetes`), with aliases (`k8s`,
//!   `golang`, `nodejs`) and the newer developer tools the lists add
//!   (`Terraform`, `Snowflake`).
//!
//! ```no_run
//! use mm_taxonomy::Taxonomy;
//! let tax = Taxonomy::load_embedded()?;
//! let k8s = tax.skills_by_label("k8s");
//! assert_eq!(tax.skill(k8s[0]).preferred, "Kubernetes");
//! # Ok::<(), mm_taxonomy::Error>(())
//! ```

use crate::error::{Error, Result};
use crate::model::*;
use crate::normalize::{normalize, tokens};
use rustc_hash::{FxHashMap, FxHashSet};

static CROSSWALK: &str = include_str!("../../../data/taxonomy/sources/esco_onet_crosswalk.tsv");
static REPORTED: &str = include_str!("../../../data/taxonomy/sources/onet_reported_titles.tsv");
static TECH_ALIASES: &str = include_str!("../../../data/taxonomy/sources/tech_aliases.tsv");

/// The URI prefix of technology concepts. Sorts after every ESCO URI
/// (`http://data.europa.eu/…`), so ESCO skills keep their indices.
pub const TECH_URI_PREFIX: &str = "mm:tech/";

/// The data rows of a shipped TSV: `#` comment lines and the header skipped,
/// each row checked to have at least `cols` columns.
fn rows<'a>(name: &str, text: &'a str, header: &str, cols: usize) -> Result<Vec<Vec<&'a str>>> {
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    match lines.next() {
        Some(h) if h.trim_start_matches('\u{feff}').starts_with(header) => {}
        _ => {
            return Err(Error::Invalid(format!(
                "data/taxonomy/sources/{name}: header should start with {header:?}"
            )));
        }
    }
    let mut out = Vec::new();
    for (i, l) in lines.enumerate() {
        if l.trim().is_empty() {
            continue;
        }
        let c: Vec<&str> = l.split('\t').collect();
        if c.len() < cols {
            return Err(Error::Invalid(format!(
                "data/taxonomy/sources/{name}: row {} has {} columns, want {cols}",
                i + 2,
                c.len()
            )));
        }
        out.push(c);
    }
    Ok(out)
}

/// Link ESCO and O*NET occupations by the official crosswalk. Rows join on
/// the ESCO occupation code, else on the preferred label.
pub(crate) fn link_crosswalk(tax: &mut Taxonomy) -> Result<()> {
    let mut by_code: FxHashMap<String, Vec<OccIdx>> = FxHashMap::default();
    let mut by_label: FxHashMap<String, Vec<OccIdx>> = FxHashMap::default();
    for (i, o) in tax.occupations.iter().enumerate() {
        by_code.entry(o.code.clone()).or_default().push(i as OccIdx);
        by_label
            .entry(normalize(&o.preferred))
            .or_default()
            .push(i as OccIdx);
    }
    for r in rows("esco_onet_crosswalk.tsv", CROSSWALK, "ESCO Code", 3)? {
        let occs = by_code
            .get(r[0].trim())
            .or_else(|| by_label.get(&normalize(r[1])))
            .cloned()
            .unwrap_or_default();
        let Some(on) = tax.onet_by_code(r[2].trim()) else {
            continue;
        };
        for o in occs {
            let v = &mut tax.occupations[o as usize].onet;
            if !v.contains(&on) {
                v.push(on);
            }
            let w = &mut tax.onet_occupations[on as usize].esco;
            if !w.contains(&o) {
                w.push(o);
            }
        }
    }
    Ok(())
}

/// Add O*NET's reported job titles not already among an occupation's titles.
pub(crate) fn add_reported_titles(tax: &mut Taxonomy) -> Result<()> {
    for r in rows("onet_reported_titles.tsv", REPORTED, "O*NET-SOC Code", 2)? {
        let Some(on) = tax.onet_by_code(r[0].trim()) else {
            continue;
        };
        let o = &mut tax.onet_occupations[on as usize];
        let t = r[1].trim();
        let key = normalize(t);
        let known = std::iter::once(&o.title)
            .chain(&o.alt_titles)
            .chain(&o.short_titles)
            .chain(&o.reported_titles)
            .any(|x| normalize(x) == key);
        if !known && !key.is_empty() {
            o.reported_titles.push(t.to_string());
        }
    }
    Ok(())
}

/// Vendors whose name O*NET puts before a product (`Microsoft Excel`); the
/// product name alone becomes an alias when it is not an ordinary word.
const VENDORS: &[&str] = &[
    "Microsoft",
    "Oracle",
    "Atlassian",
    "Adobe",
    "Apple",
    "Google",
    "IBM",
    "Autodesk",
    "Apache",
    "Salesforce",
    "SAP",
    "Intuit",
    "Red Hat",
    "HashiCorp",
    "JetBrains",
    "Tableau",
];

/// Product names that are ordinary words but so often mean the product that
/// they become aliases anyway; the extractor gates them by case and context.
const PRODUCT_WORDS: &[&str] = &[
    "Excel",
    "Word",
    "Outlook",
    "Access",
    "PowerPoint",
    "Spring",
    "Swift",
    "Go",
    "React",
];

/// `Docker` → `docker`, `C++` → `cplusplus`, `C#` → `csharp`, `Node.js` → `node-js`.
fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars() {
        match c {
            '+' => s.push_str("plus"),
            '#' => s.push_str("sharp"),
            c if c.is_alphanumeric() => s.extend(c.to_lowercase()),
            _ => {
                if !s.ends_with('-') && !s.is_empty() {
                    s.push('-');
                }
            }
        }
    }
    s.trim_end_matches('-').to_string()
}

/// A technology name folded to letters, digits, `+` and `#`: the join key
/// between O*NET names and the technology lists (`Node.js` = `nodejs`).
fn compact(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric() || *c == '+' || *c == '#')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The names a technology is joined to the lists by and known as, most
/// specific first: the name itself, without a trailing `software` or
/// `framework`, without a trailing acronym (`Amazon Web Services AWS
/// software` → `Amazon Web Services`), the acronym (`AWS`), and without
/// a known vendor (`Microsoft Power BI` → `Power BI`).
fn name_forms(name: &str) -> Vec<String> {
    let mut out = vec![name.to_string()];
    let push = |v: &mut Vec<String>, s: &str| {
        let s = s.trim();
        if !s.is_empty() && !v.iter().any(|x| x == s) {
            v.push(s.to_string());
        }
    };
    let words: Vec<&str> = name.split_whitespace().collect();
    let mut core: Vec<&str> = words.clone();
    while core
        .last()
        .is_some_and(|w| matches!(w.to_ascii_lowercase().as_str(), "software" | "framework"))
        && core.len() > 1
    {
        core.pop();
    }
    // `Data management software` names a category, not a product called
    // `Data management`: a phrase keeps its short form only when a capital
    // past its first letter marks a name (`Amazon Web Services AWS`).
    let named = core.len() == 1
        || core
            .iter()
            .flat_map(|w| w.chars())
            .skip(1)
            .any(char::is_uppercase);
    if core.len() < words.len() && named {
        push(&mut out, &core.join(" "));
    }
    let is_acronym = |w: &str| w.len() >= 2 && w.chars().all(|c| c.is_ascii_uppercase());
    if core.len() > 1 && core.last().is_some_and(|w| is_acronym(w)) {
        let acr = core[core.len() - 1];
        let rest = &core[..core.len() - 1];
        // Only a true acronym of the words before it (`Amazon Web Services
        // AWS`, not `Exact MAX`).
        let mut initials = rest
            .iter()
            .filter_map(|w| w.chars().next())
            .map(|c| c.to_ascii_uppercase());
        if acr.chars().all(|a| initials.any(|c| c == a)) {
            push(&mut out, &rest.join(" "));
            if acr.len() >= 3 {
                push(&mut out, acr);
            }
        }
    }
    for v in VENDORS {
        for f in out.clone() {
            if let Some(rest) = f.strip_prefix(v).and_then(|r| r.strip_prefix(' ')) {
                push(&mut out, rest);
            }
        }
    }
    out
}

struct AliasRow<'a> {
    name: &'a str,
    aliases: Vec<&'a str>,
    new: bool,
    sources: &'a str,
}

/// Turn technologies into concepts: see the module docs.
pub(crate) fn add_technology_concepts(tax: &mut Taxonomy) -> Result<()> {
    let counts = crate::import::description_word_counts(tax);
    // An ordinary English word: written in lower case in ESCO's descriptions.
    // An ordinary English word: written in lower case in ESCO's descriptions.
    let ordinary = |w: &str| {
        let t = tokens(w);
        t.len() == 1
            && (counts.contains_key(&w.to_lowercase())
                || counts.contains_key(t[0].as_str())
                || crate::import::CURATED_COMMON.contains(&t[0].as_str()))
    };
    let product = |w: &str| PRODUCT_WORDS.iter().any(|p| p.eq_ignore_ascii_case(w));
    let mut esco_label: FxHashMap<String, SkillIdx> = FxHashMap::default();
    for (i, s) in tax.skills.iter().enumerate() {
        for l in std::iter::once(&s.preferred).chain(&s.alt) {
            esco_label
                .entry(normalize(crate::import::strip_qualifier(l)))
                .or_insert(i as SkillIdx);
        }
    }
    let list: Vec<AliasRow> = rows("tech_aliases.tsv", TECH_ALIASES, "name", 4)?
        .into_iter()
        .map(|r| AliasRow {
            name: r[0].trim(),
            aliases: r[1]
                .split('|')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .collect(),
            new: r[2].trim() == "1",
            sources: r[3].trim(),
        })
        .collect();

    // Join keys, the most used technology winning a shared key.
    let mut order: Vec<usize> = (0..tax.technologies.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(tax.technologies[i].used_in));
    let mut forms: Vec<Vec<String>> = vec![Vec::new(); tax.technologies.len()];
    let mut by_key: FxHashMap<String, usize> = FxHashMap::default();
    for &i in &order {
        let name = &tax.technologies[i].name;
        for (k, f) in name_forms(name).into_iter().enumerate() {
            // The name itself, then forms that are not ordinary words
            // (`Web framework software` is not known as `Web`).
            if k == 0 || !ordinary(&f) || product(&f) {
                by_key.entry(compact(&f)).or_insert(i);
                forms[i].push(f);
            }
        }
    }
    let mut extra: Vec<Vec<String>> = vec![Vec::new(); tax.technologies.len()];
    let add_alias = |v: &mut Vec<String>, a: &str| {
        // Lower-case slugs that are ordinary words (`node`, `next`) say
        // nothing on their own; tags with versions or `examples` are not names.
        let is_slug = !a.chars().any(char::is_uppercase);
        // Two-letter tags (`md`, `ts`, `sh`) would match `MD`, `TS`, `SH`.
        let min = if is_slug { 3 } else { 2 };
        if a.chars().filter(|c| c.is_alphanumeric()).count() < min
            || (ordinary(a) && !product(a))
            || a.contains("example")
        {
            return;
        }
        let a = if is_slug && a.contains('-') {
            a.replace('-', " ")
        } else {
            a.to_string()
        };
        if !v.contains(&a) {
            v.push(a);
        }
    };
    let mut esco_aliases: Vec<(SkillIdx, String)> = Vec::new();
    for row in &list {
        if let Some(&ti) = by_key.get(&compact(row.name)) {
            add_alias(&mut extra[ti], row.name);
            for a in &row.aliases {
                add_alias(&mut extra[ti], a);
            }
            let src = &mut tax.technologies[ti].source;
            for s in row.sources.split(',') {
                if !src.contains(s) {
                    src.push_str(", ");
                    src.push_str(s);
                }
            }
        } else if let Some(&s) = esco_label.get(&normalize(row.name)) {
            let mut v = Vec::new();
            for a in &row.aliases {
                add_alias(&mut v, a);
            }
            esco_aliases.extend(v.into_iter().map(|a| (s, a)));
        } else if row.new && !ordinary(row.name) && tokens(row.name).len() <= 4 {
            let ti = tax.technologies.len();
            tax.technologies.push(Technology {
                name: row.name.to_string(),
                concept: u32::MAX,
                source: row.sources.replace(',', ", "),
                occupations: Vec::new(),
                commodity_code: 0,
                commodity_title: String::new(),
                hot_in: 0,
                in_demand_in: 0,
                used_in: 0,
                esco: Vec::new(),
                commodity_esco: Vec::new(),
            });
            forms.push(vec![row.name.to_string()]);
            let mut v = Vec::new();
            for a in &row.aliases {
                add_alias(&mut v, a);
            }
            extra.push(v);
            by_key.insert(compact(row.name), ti);
        }
    }

    // Concepts: the linked ESCO skill, or a technology concept of its own.
    let n_esco = tax.skills.len();
    let mut concepts: Vec<Skill> = Vec::new();
    let mut owner: Vec<usize> = Vec::new();
    let mut used_uris: FxHashSet<String> = FxHashSet::default();
    for (ti, t) in tax.technologies.iter().enumerate() {
        let mut names: Vec<String> = Vec::new();
        for f in forms[ti].iter().skip(1).chain(&extra[ti]) {
            if normalize(f) != normalize(&t.name) && !names.iter().any(|x| x == f) {
                names.push(f.clone());
            }
        }
        if let Some(&s) = t.esco.first() {
            esco_aliases.extend(std::iter::once(t.name.clone()).chain(names).map(|a| (s, a)));
            continue;
        }
        let mut uri = format!("{TECH_URI_PREFIX}{}", slug(&t.name));
        let mut k = 2;
        while used_uris.contains(&uri) {
            uri = format!("{TECH_URI_PREFIX}{}-{k}", slug(&t.name));
            k += 1;
        }
        used_uris.insert(uri.clone());
        let description = if t.used_in > 0 {
            format!(
                "A technology ({}) that O*NET 29.3 lists in {} occupations (Hot Technology in {}, In Demand in {}).",
                t.commodity_title, t.used_in, t.hot_in, t.in_demand_in
            )
        } else {
            format!(
                "A developer tool named by {}; O*NET 29.3 does not list it.",
                t.source
            )
        };
        concepts.push(Skill {
            uri,
            preferred: t.name.clone(),
            alt: Vec::new(),
            hidden: Vec::new(),
            aliases: names,
            description,
            skill_type: SkillType::Technology,
            reuse_level: ReuseLevel::Unspecified,
            broader: Vec::new(),
            narrower: Vec::new(),
            related: Vec::new(),
            occupations: Vec::new(),
            technologies: vec![ti as u32],
        });
        owner.push(ti);
    }
    let mut idx: Vec<usize> = (0..concepts.len()).collect();
    idx.sort_by(|&a, &b| concepts[a].uri.cmp(&concepts[b].uri));
    let mut slots: Vec<Option<Skill>> = concepts.into_iter().map(Some).collect();
    for (pos, &c) in idx.iter().enumerate() {
        let skill = slots[c].take().expect("each concept placed once");
        tax.technologies[owner[c]].concept = (n_esco + pos) as SkillIdx;
        tax.skills.push(skill);
    }
    for t in tax
        .technologies
        .iter_mut()
        .filter(|t| t.concept == u32::MAX)
    {
        t.concept = t.esco[0];
    }
    for (ti, t) in tax.technologies.iter().enumerate() {
        let s = &mut tax.skills[t.concept as usize];
        if !s.technologies.contains(&(ti as u32)) {
            s.technologies.push(ti as u32);
        }
    }
    for (s, a) in esco_aliases {
        let sk = &mut tax.skills[s as usize];
        let key = normalize(&a);
        let known = std::iter::once(&sk.preferred)
            .chain(&sk.alt)
            .chain(&sk.aliases)
            .any(|l| normalize(crate::import::strip_qualifier(l)) == key);
        if !known {
            sk.aliases.push(a);
        }
    }
    debug_assert!(tax.skills.windows(2).all(|w| w[0].uri < w[1].uri));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_forms_strip_suffixes_acronyms_and_vendors() {
        assert_eq!(
            name_forms("Amazon Web Services AWS software"),
            vec![
                "Amazon Web Services AWS software",
                "Amazon Web Services AWS",
                "Amazon Web Services",
                "AWS"
            ]
        );
        assert_eq!(
            name_forms("Microsoft Power BI"),
            vec!["Microsoft Power BI", "Power BI"]
        );
        assert_eq!(
            name_forms("Spring Framework"),
            vec!["Spring Framework", "Spring"]
        );
        assert_eq!(name_forms("Docker"), vec!["Docker"]);
    }

    #[test]
    fn slugs_keep_symbols_apart() {
        assert_eq!(slug("C++"), "cplusplus");
        assert_eq!(slug("C#"), "csharp");
        assert_eq!(slug("C"), "c");
        assert_eq!(slug("Node.js"), "node-js");
        assert_eq!(compact("Node.js"), compact("nodejs"));
    }
}
