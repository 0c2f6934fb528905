//! Build a [`Taxonomy`] from the official ESCO v1.1.1 CSV bundle and the
//! O*NET 29.3 tab-separated text files.
//!
//! Files are located by name prefix inside the given folders (ESCO v1.1.1
//! names its relation files without the `_en` suffix, later releases with it).

use crate::error::{Error, Result};
use crate::model::*;
use crate::normalize::normalize;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Find `<prefix>*.csv` (or `.txt`) in `dir`.
fn locate(dir: &Path, prefix: &str) -> Result<PathBuf> {
    let rd = std::fs::read_dir(dir).map_err(|source| Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut found: Vec<PathBuf> = rd
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with(prefix) && (n.ends_with(".csv") || n.ends_with(".txt"))
            })
        })
        .collect();
    found.sort();
    found
        .into_iter()
        .next()
        .ok_or_else(|| Error::NotFound(format!("{}/{prefix}*.csv", dir.display())))
}

/// A CSV table read whole, with columns looked up by header name.
struct Table {
    path: PathBuf,
    cols: FxHashMap<String, usize>,
    rows: Vec<csv::StringRecord>,
}

impl Table {
    fn read(path: &Path, delimiter: u8) -> Result<Table> {
        let mut rdr = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .quoting(delimiter == b',')
            .flexible(false)
            .from_path(path)
            .map_err(|source| Error::Csv {
                path: path.to_path_buf(),
                source,
            })?;
        let headers = rdr.headers().map_err(|source| Error::Csv {
            path: path.to_path_buf(),
            source,
        })?;
        let cols = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim_start_matches('\u{feff}').to_string(), i))
            .collect();
        let mut rows = Vec::new();
        for r in rdr.records() {
            rows.push(r.map_err(|source| Error::Csv {
                path: path.to_path_buf(),
                source,
            })?);
        }
        Ok(Table {
            path: path.to_path_buf(),
            cols,
            rows,
        })
    }

    fn col(&self, name: &str) -> Result<usize> {
        self.cols.get(name).copied().ok_or_else(|| {
            Error::Invalid(format!("{}: missing column `{name}`", self.path.display()))
        })
    }
}

fn split_multi(cell: &str) -> Vec<String> {
    cell.split('\n')
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn relation(s: &str) -> Relation {
    if s == "essential" {
        Relation::Essential
    } else {
        Relation::Optional
    }
}

/// Import ESCO from `esco_dir` and O*NET from `onet_dir`.
///
/// # Errors
/// [`Error::NotFound`] for a missing file, [`Error::Invalid`] for a missing
/// column, [`Error::Csv`] for a malformed row.
pub fn build(esco_dir: &Path, onet_dir: &Path) -> Result<Taxonomy> {
    // --- skills
    let t = Table::read(&locate(esco_dir, "skills_")?, b',')?;
    let (c_uri, c_type, c_reuse, c_pref, c_alt, c_hid, c_desc) = (
        t.col("conceptUri")?,
        t.col("skillType")?,
        t.col("reuseLevel")?,
        t.col("preferredLabel")?,
        t.col("altLabels")?,
        t.col("hiddenLabels")?,
        t.col("description")?,
    );
    let mut skills: Vec<Skill> = t
        .rows
        .iter()
        .map(|r| Skill {
            uri: r[c_uri].to_string(),
            preferred: r[c_pref].trim().to_string(),
            alt: split_multi(&r[c_alt]),
            hidden: split_multi(&r[c_hid]),
            aliases: Vec::new(),
            description: r[c_desc].trim().to_string(),
            skill_type: match &r[c_type] {
                "skill/competence" => SkillType::SkillCompetence,
                "knowledge" => SkillType::Knowledge,
                _ => SkillType::Unspecified,
            },
            reuse_level: match &r[c_reuse] {
                "transversal" => ReuseLevel::Transversal,
                "cross-sector" => ReuseLevel::CrossSector,
                "sector-specific" => ReuseLevel::SectorSpecific,
                "occupation-specific" => ReuseLevel::OccupationSpecific,
                _ => ReuseLevel::Unspecified,
            },
            broader: Vec::new(),
            narrower: Vec::new(),
            related: Vec::new(),
            occupations: Vec::new(),
            technologies: Vec::new(),
        })
        .collect();
    skills.sort_by(|a, b| a.uri.cmp(&b.uri));
    skills.dedup_by(|a, b| a.uri == b.uri);

    // --- skill groups
    let t = Table::read(&locate(esco_dir, "skillGroups_")?, b',')?;
    let (g_uri, g_pref, g_desc, g_code) = (
        t.col("conceptUri")?,
        t.col("preferredLabel")?,
        t.col("description")?,
        t.col("code")?,
    );
    let mut skill_groups: Vec<SkillGroup> = t
        .rows
        .iter()
        .map(|r| SkillGroup {
            uri: r[g_uri].to_string(),
            preferred: r[g_pref].trim().to_string(),
            code: r[g_code].to_string(),
            description: r[g_desc].trim().to_string(),
            broader: Vec::new(),
        })
        .collect();
    skill_groups.sort_by(|a, b| a.uri.cmp(&b.uri));
    skill_groups.dedup_by(|a, b| a.uri == b.uri);

    // --- occupations
    let t = Table::read(&locate(esco_dir, "occupations_")?, b',')?;
    let (o_uri, o_isco, o_pref, o_alt, o_hid, o_desc, o_code) = (
        t.col("conceptUri")?,
        t.col("iscoGroup")?,
        t.col("preferredLabel")?,
        t.col("altLabels")?,
        t.col("hiddenLabels")?,
        t.col("description")?,
        t.col("code")?,
    );
    let mut occupations: Vec<Occupation> = t
        .rows
        .iter()
        .map(|r| Occupation {
            uri: r[o_uri].to_string(),
            preferred: r[o_pref].trim().to_string(),
            alt: split_multi(&r[o_alt]),
            hidden: split_multi(&r[o_hid]),
            description: r[o_desc].trim().to_string(),
            isco_group: r[o_isco].to_string(),
            code: r[o_code].to_string(),
            skills: Vec::new(),
            broader: Vec::new(),
            onet: Vec::new(),
        })
        .collect();
    occupations.sort_by(|a, b| a.uri.cmp(&b.uri));
    occupations.dedup_by(|a, b| a.uri == b.uri);

    let mut tax = Taxonomy {
        esco_version: "ESCO v1.1.1".into(),
        onet_version: "O*NET 29.3".into(),
        skills,
        skill_groups,
        occupations,
        isco_groups: Vec::new(),
        onet_occupations: Vec::new(),
        onet_skills: Vec::new(),
        technologies: Vec::new(),
        coverage: LinkCoverage::default(),
        common_words: Vec::new(),
        generic_words: Vec::new(),
    };

    // --- ISCO groups
    let t = Table::read(&locate(esco_dir, "ISCOGroups_")?, b',')?;
    let (i_code, i_pref) = (t.col("code")?, t.col("preferredLabel")?);
    tax.isco_groups = t
        .rows
        .iter()
        .map(|r| IscoGroup {
            code: r[i_code].to_string(),
            preferred: r[i_pref].trim().to_string(),
        })
        .collect();
    tax.isco_groups.sort_by(|a, b| a.code.cmp(&b.code));

    // --- broader relations, skills pillar
    let t = Table::read(&locate(esco_dir, "broaderRelationsSkillPillar")?, b',')?;
    let (b_uri, b_broader) = (t.col("conceptUri")?, t.col("broaderUri")?);
    for r in &t.rows {
        let target = match (
            tax.skill_by_uri(&r[b_broader]),
            tax.group_by_uri(&r[b_broader]),
        ) {
            (Some(s), _) => ConceptRef::Skill(s),
            (None, Some(g)) => ConceptRef::Group(g),
            _ => continue,
        };
        if let Some(s) = tax.skill_by_uri(&r[b_uri]) {
            tax.skills[s as usize].broader.push(target);
            if let ConceptRef::Skill(p) = target {
                tax.skills[p as usize].narrower.push(s);
            }
        } else if let Some(g) = tax.group_by_uri(&r[b_uri]) {
            tax.skill_groups[g as usize].broader.push(target);
        }
    }

    // --- broader relations, occupations pillar
    let t = Table::read(&locate(esco_dir, "broaderRelationsOccPillar")?, b',')?;
    let (b_uri, b_broader) = (t.col("conceptUri")?, t.col("broaderUri")?);
    for r in &t.rows {
        if let Some(o) = tax.occupation_by_uri(&r[b_uri]) {
            tax.occupations[o as usize]
                .broader
                .push(r[b_broader].to_string());
        }
    }

    // --- occupation → skill
    let t = Table::read(&locate(esco_dir, "occupationSkillRelations")?, b',')?;
    let (r_occ, r_rel, r_skill) = (
        t.col("occupationUri")?,
        t.col("relationType")?,
        t.col("skillUri")?,
    );
    for r in &t.rows {
        // One occupation URI in v1.1.1 relations is absent from occupations: skip it.
        let (Some(o), Some(s)) = (
            tax.occupation_by_uri(&r[r_occ]),
            tax.skill_by_uri(&r[r_skill]),
        ) else {
            continue;
        };
        let rel = relation(&r[r_rel]);
        tax.occupations[o as usize].skills.push((s, rel));
        tax.skills[s as usize].occupations.push((o, rel));
    }

    // --- skill → skill
    let t = Table::read(&locate(esco_dir, "skillSkillRelations")?, b',')?;
    let (r_a, r_rel, r_b) = (
        t.col("originalSkillUri")?,
        t.col("relationType")?,
        t.col("relatedSkillUri")?,
    );
    for r in &t.rows {
        let (Some(a), Some(b)) = (tax.skill_by_uri(&r[r_a]), tax.skill_by_uri(&r[r_b])) else {
            continue;
        };
        let rel = relation(&r[r_rel]);
        tax.skills[a as usize].related.push((b, rel));
        tax.skills[b as usize].related.push((a, rel));
    }

    import_onet(&mut tax, onet_dir)?;
    link_technologies(&mut tax);
    crate::sources::link_crosswalk(&mut tax)?;
    crate::sources::add_reported_titles(&mut tax)?;
    crate::sources::add_technology_concepts(&mut tax)?;
    (tax.common_words, tax.generic_words) = common_words(&tax);
    Ok(tax)
}

fn yes(s: &str) -> bool {
    s == "Y"
}

fn import_onet(tax: &mut Taxonomy, dir: &Path) -> Result<()> {
    let t = Table::read(&locate(dir, "Occupation Data")?, b'\t')?;
    let (c_code, c_title, c_desc) = (
        t.col("O*NET-SOC Code")?,
        t.col("Title")?,
        t.col("Description")?,
    );
    let mut occ: BTreeMap<String, OnetOccupation> = BTreeMap::new();
    for r in &t.rows {
        occ.insert(
            r[c_code].to_string(),
            OnetOccupation {
                code: r[c_code].to_string(),
                title: r[c_title].to_string(),
                description: r[c_desc].to_string(),
                alt_titles: Vec::new(),
                short_titles: Vec::new(),
                reported_titles: Vec::new(),
                esco: Vec::new(),
                skills: Vec::new(),
                technologies: Vec::new(),
                tasks: Vec::new(),
            },
        );
    }

    let t = Table::read(&locate(dir, "Alternate Titles")?, b'\t')?;
    let (c_code, c_alt, c_short) = (
        t.col("O*NET-SOC Code")?,
        t.col("Alternate Title")?,
        t.col("Short Title")?,
    );
    for r in &t.rows {
        if let Some(o) = occ.get_mut(&r[c_code]) {
            o.alt_titles.push(r[c_alt].to_string());
            if &r[c_short] != "n/a" && !r[c_short].is_empty() {
                o.short_titles.push(r[c_short].to_string());
            }
        }
    }

    let t = Table::read(&locate(dir, "Skills")?, b'\t')?;
    let (c_code, c_id, c_name, c_scale, c_val) = (
        t.col("O*NET-SOC Code")?,
        t.col("Element ID")?,
        t.col("Element Name")?,
        t.col("Scale ID")?,
        t.col("Data Value")?,
    );
    let mut elements: BTreeMap<String, String> = BTreeMap::new();
    for r in &t.rows {
        elements.insert(r[c_id].to_string(), r[c_name].to_string());
    }
    tax.onet_skills = elements
        .iter()
        .map(|(id, name)| OnetElement {
            id: id.clone(),
            name: name.clone(),
        })
        .collect();
    let elem_idx: FxHashMap<&str, u16> = tax
        .onet_skills
        .iter()
        .enumerate()
        .map(|(i, e)| (e.id.as_str(), i as u16))
        .collect();
    for r in &t.rows {
        let Some(o) = occ.get_mut(&r[c_code]) else {
            continue;
        };
        let el = elem_idx[&r[c_id]];
        let v: f32 = r[c_val].parse().map_err(|_| {
            Error::Invalid(format!(
                "{}: bad Data Value `{}`",
                t.path.display(),
                &r[c_val]
            ))
        })?;
        let slot = match o.skills.iter().position(|s| s.element == el) {
            Some(p) => p,
            None => {
                o.skills.push(OnetSkillRating {
                    element: el,
                    importance: 0.0,
                    level: 0.0,
                });
                o.skills.len() - 1
            }
        };
        match &r[c_scale] {
            "IM" => o.skills[slot].importance = v,
            "LV" => o.skills[slot].level = v,
            _ => {}
        }
    }

    let t = Table::read(&locate(dir, "Task Statements")?, b'\t')?;
    let (c_code, c_id, c_task, c_type) = (
        t.col("O*NET-SOC Code")?,
        t.col("Task ID")?,
        t.col("Task")?,
        t.col("Task Type")?,
    );
    for r in &t.rows {
        let Some(o) = occ.get_mut(&r[c_code]) else {
            continue;
        };
        o.tasks.push(OnetTask {
            id: r[c_id].parse().unwrap_or(0),
            text: r[c_task].to_string(),
            core: match &r[c_type] {
                "Core" => Some(true),
                "Supplemental" => Some(false),
                _ => None,
            },
        });
    }

    let t = Table::read(&locate(dir, "Technology Skills")?, b'\t')?;
    let (c_code, c_ex, c_cc, c_ct, c_hot, c_dem) = (
        t.col("O*NET-SOC Code")?,
        t.col("Example")?,
        t.col("Commodity Code")?,
        t.col("Commodity Title")?,
        t.col("Hot Technology")?,
        t.col("In Demand")?,
    );
    let mut tech_idx: FxHashMap<String, u32> = FxHashMap::default();
    for r in &t.rows {
        let name = r[c_ex].to_string();
        let ti = *tech_idx.entry(name.clone()).or_insert_with(|| {
            tax.technologies.push(Technology {
                name,
                concept: u32::MAX,
                source: "O*NET 29.3".into(),
                occupations: Vec::new(),
                commodity_code: r[c_cc].parse().unwrap_or(0),
                commodity_title: r[c_ct].to_string(),
                hot_in: 0,
                in_demand_in: 0,
                used_in: 0,
                esco: Vec::new(),
                commodity_esco: Vec::new(),
            });
            (tax.technologies.len() - 1) as u32
        });
        let (hot, dem) = (yes(&r[c_hot]), yes(&r[c_dem]));
        let tech = &mut tax.technologies[ti as usize];
        tech.used_in += 1;
        tech.hot_in += u32::from(hot);
        tech.in_demand_in += u32::from(dem);
        if let Some(o) = occ.get_mut(&r[c_code]) {
            // Filled with occupation indices once the occupations are sorted.
            o.technologies.push(OnetTechUse {
                tech: ti,
                hot,
                in_demand: dem,
            });
        }
    }
    tax.onet_occupations = occ.into_values().collect();
    for (oi, o) in tax.onet_occupations.iter().enumerate() {
        for u in &o.technologies {
            let occs = &mut tax.technologies[u.tech as usize].occupations;
            if !occs.contains(&(oi as u32)) {
                occs.push(oi as u32);
            }
        }
    }
    Ok(())
}

/// The normalised forms an O*NET technology name may match an ESCO label by,
/// most specific first: the whole name; without a trailing `software`;
/// without the first word, usually the vendor (`Microsoft Access` →
/// `access`, `Oracle Java` → `java`), and without both; a trailing acronym
/// (3+ capitals: `Structured query language SQL` → `sql`).
pub(crate) fn tech_keys(name: &str, key: &str) -> Vec<String> {
    let mut keys = vec![key.to_string()];
    let no_sw = key.strip_suffix(" software").unwrap_or(key);
    keys.push(no_sw.to_string());
    for k in [key, no_sw] {
        if let Some((_, rest)) = k.split_once(' ')
            && rest.len() > 2
        {
            keys.push(rest.to_string());
        }
    }
    if let Some(last) = name.split_whitespace().last()
        && last.len() >= 3
        && last.chars().all(|c| c.is_ascii_uppercase())
        && name.split_whitespace().count() > 1
    {
        keys.push(normalize(last));
    }
    keys.retain(|k| !k.is_empty());
    keys
}

/// Link each O*NET technology to the ESCO skills whose preferred or
/// alternative label equals one of its [`tech_keys`].
fn link_technologies(tax: &mut Taxonomy) {
    let mut by_label: FxHashMap<String, Vec<SkillIdx>> = FxHashMap::default();
    for (i, s) in tax.skills.iter().enumerate() {
        for l in std::iter::once(&s.preferred).chain(&s.alt) {
            let v = by_label.entry(normalize(l)).or_default();
            if !v.contains(&(i as SkillIdx)) {
                v.push(i as SkillIdx);
            }
        }
    }
    let mut cov = LinkCoverage::default();
    for (ti, t) in tax.technologies.iter_mut().enumerate() {
        let key = normalize(&t.name);
        let hits = tech_keys(&t.name, &key)
            .iter()
            .find_map(|k| by_label.get(k.as_str()).filter(|v| !v.is_empty()))
            .cloned()
            .unwrap_or_default();
        cov.technologies += 1;
        cov.hot += u32::from(t.hot_in > 0);
        if !hits.is_empty() {
            cov.linked += 1;
            cov.hot_linked += u32::from(t.hot_in > 0);
        }
        for &s in &hits {
            tax.skills[s as usize].technologies.push(ti as u32);
        }
        t.esco = hits;
    }
    link_commodities(tax, &by_label, &mut cov);
    tax.coverage = cov;
}

/// The normalised forms an O*NET commodity title may match an ESCO label by,
/// in groups tried in order (the first group with any hit wins; within a
/// group all hits count). A capitalised acronym of 2+ letters (`CAD`, `CRM`)
/// is first removed from the title, giving `t`:
/// 1. the whole title: `t` and `use t` (ESCO words software skills as
///    `use …`), and, for a title ending in `software` with an acronym `A`,
///    `A software` and `use A software`
///    (`Spreadsheet software` ↔ `use spreadsheets software`,
///    `Computer aided design CAD software` ↔ `CAD software`);
/// 2. its head noun phrase: `t` without a trailing `software`, when at least
///    two words remain (`Data mining software` ↔ `data mining`; a single
///    word such as `accounting` or `design` names a field, not the tool);
/// 3. for a title `X and|or Y [software]`, each conjunct of two or more
///    words, as `X software`, `use X software` and `X`
///    (`Business intelligence and data analysis software` ↔
///    `business intelligence`).
pub fn commodity_keys(title: &str) -> Vec<Vec<String>> {
    let is_acronym = |w: &str| w.len() >= 2 && w.chars().all(|c| c.is_ascii_uppercase());
    let t = normalize(
        &title
            .split_whitespace()
            .filter(|w| !is_acronym(w))
            .collect::<Vec<_>>()
            .join(" "),
    );
    if t.is_empty() {
        return Vec::new();
    }
    let software = t.ends_with(" software");
    let mut whole = vec![t.clone(), format!("use {t}")];
    if software {
        for a in title.split_whitespace().filter(|w| is_acronym(w)) {
            let a = normalize(a);
            whole.push(format!("{a} software"));
            whole.push(format!("use {a} software"));
        }
    }
    let head = t.strip_suffix(" software").unwrap_or(&t).to_string();
    let mut groups = vec![whole];
    if head.split(' ').count() >= 2 && head != t {
        groups.push(vec![head.clone()]);
    }
    let mut parts = Vec::new();
    for sep in [" and ", " or "] {
        if let Some((x, y)) = head.split_once(sep) {
            for p in [x, y] {
                if p.split(' ').count() >= 2 {
                    parts.push(format!("{p} software"));
                    parts.push(format!("use {p} software"));
                    parts.push(p.to_string());
                }
            }
            break;
        }
    }
    if !parts.is_empty() {
        groups.push(parts);
    }
    groups
}

/// Link each O*NET commodity category to ESCO skills by [`commodity_keys`],
/// and give every technology its category's links.
fn link_commodities(
    tax: &mut Taxonomy,
    by_label: &FxHashMap<String, Vec<SkillIdx>>,
    cov: &mut LinkCoverage,
) {
    let mut by_title: BTreeMap<String, Vec<SkillIdx>> = BTreeMap::new();
    for t in &tax.technologies {
        if by_title.contains_key(&t.commodity_title) {
            continue;
        }
        let mut hits: Vec<SkillIdx> = commodity_keys(&t.commodity_title)
            .iter()
            .map(|g| {
                g.iter()
                    .filter_map(|k| by_label.get(k.as_str()))
                    .flatten()
                    .copied()
                    .collect::<Vec<_>>()
            })
            .find(|v| !v.is_empty())
            .unwrap_or_default();
        hits.sort_unstable();
        hits.dedup();
        by_title.insert(t.commodity_title.clone(), hits);
    }
    cov.commodities = by_title.len() as u32;
    cov.commodities_linked = by_title.values().filter(|v| !v.is_empty()).count() as u32;
    for t in &mut tax.technologies {
        t.commodity_esco.clone_from(&by_title[&t.commodity_title]);
        if !t.esco.is_empty() || !t.commodity_esco.is_empty() {
            cov.linked_any += 1;
            cov.hot_linked_any += u32::from(t.hot_in > 0);
        }
    }
}

/// Words that are ordinary English although ESCO also uses them, capitalised,
/// as a product or language name. Supplements the data-driven test below.
pub(crate) const CURATED_COMMON: &[&str] = &[
    "access",
    "spring",
    "slack",
    "teams",
    "outlook",
    "word",
    "excel",
    "go",
    "swift",
    "hack",
    "curl",
    "turing",
    "ruby",
    "spark",
    "rust",
    "shell",
    "basic",
    "dart",
    "chef",
    "puppet",
    "make",
    "express",
    "react",
    "elm",
    "crystal",
    "logo",
    "alice",
    "euphoria",
    "fantom",
    "io",
    "dylan",
    "rebol",
    "sage",
    "prezi",
    "myrtle",
    "absorb",
    "rage",
    "shiva",
    "subversion",
    "angular",
    "ceylon",
    "gosu",
    "hive",
    "pig",
    "maven",
    "ant",
    "gradle",
    "jade",
    "julia",
    "pascal",
    "scratch",
    "smalltalk",
    "processing",
    "boo",
];

/// See [`Taxonomy::common_words`].
/// Lower-case word counts over ESCO's own descriptions (ordinary English
/// prose): how often a word is written in lower case.
pub(crate) fn description_word_counts(tax: &Taxonomy) -> FxHashMap<String, u32> {
    let mut counts: FxHashMap<String, u32> = FxHashMap::default();
    for d in tax
        .skills
        .iter()
        .filter(|s| s.skill_type != SkillType::Technology)
        .map(|s| &s.description)
        .chain(tax.occupations.iter().map(|o| &o.description))
    {
        crate::normalize::for_each_token(d, |s, e| {
            let w = &d[s..e];
            if w.bytes().all(|b| b.is_ascii_lowercase()) {
                *counts.entry(w.to_string()).or_default() += 1;
            }
        });
    }
    counts
}

fn common_words(tax: &Taxonomy) -> (Vec<String>, Vec<String>) {
    let counts = description_word_counts(tax);
    let mut folded: FxHashMap<String, u32> = FxHashMap::default();
    let mut buf = String::new();
    for (w, c) in &counts {
        crate::normalize::fold_token(w, &mut buf);
        *folded.entry(buf.clone()).or_default() += c;
    }
    let mut out: Vec<String> = Vec::new();
    let mut generic: Vec<String> = Vec::new();
    for s in &tax.skills {
        for l in std::iter::once(&s.preferred)
            .chain(&s.alt)
            .chain(&s.aliases)
        {
            let l = strip_qualifier(l);
            let toks = crate::normalize::tokens(l);
            if toks.len() == 1
                && !l.chars().any(char::is_uppercase)
                && folded.get(toks[0].as_str()).copied().unwrap_or(0) >= 30
            {
                generic.push(toks[0].clone());
            }
            if toks.len() != 1 || !l.chars().any(char::is_uppercase) {
                continue;
            }
            let raw_lower = l.to_lowercase();
            // A technology name is held to a stricter test: any lower-case use
            // of the word (`Act!`, `MAX`) makes it an everyday word.
            let common = counts.get(&raw_lower).copied().unwrap_or(0) >= 2
                || CURATED_COMMON.contains(&raw_lower.as_str())
                || (s.skill_type == SkillType::Technology
                    && folded.get(toks[0].as_str()).copied().unwrap_or(0) >= 1);
            if common {
                out.push(toks[0].clone());
            }
        }
    }
    out.sort();
    out.dedup();
    generic.sort();
    generic.dedup();
    (out, generic)
}

/// `Java (computer programming)` → `Java`; labels without a trailing
/// parenthetical qualifier are returned unchanged.
pub fn strip_qualifier(label: &str) -> &str {
    let t = label.trim();
    if t.ends_with(')')
        && let Some(p) = t.rfind(" (")
        && p > 0
    {
        return t[..p].trim();
    }
    t
}

#[cfg(test)]
mod tests {
    use super::commodity_keys;

    #[test]
    fn commodity_keys_follow_the_stated_rule() {
        let k = commodity_keys("Spreadsheet software");
        assert!(k[0].contains(&"use spreadsheet software".to_string()));
        let k = commodity_keys("Computer aided design CAD software");
        assert!(k[0].contains(&"computer aided design software".to_string()));
        assert!(k[0].contains(&"cad software".to_string()));
        assert_eq!(k[1], vec!["computer aided design".to_string()]);
        // A one-word head names a field, not the tool: no head group.
        assert_eq!(commodity_keys("Accounting software").len(), 1);
        let k = commodity_keys("Business intelligence and data analysis software");
        assert!(k[2].contains(&"business intelligence".to_string()));
        assert!(k[2].contains(&"data analysis".to_string()));
    }
}
