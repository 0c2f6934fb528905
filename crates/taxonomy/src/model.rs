//! The taxonomy as data: ESCO skills, skill groups, occupations and their
//! relations, and the O*NET occupations, skill ratings, tasks and technology
//! skills, with the links between O*NET technologies and ESCO skills.
//!
//! Everything refers to everything else by index (`u32`) into the vectors of
//! [`Taxonomy`]; skills and occupations are sorted by URI, so a look-up by URI
//! is a binary search and loading needs no index building.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// Index of a skill in [`Taxonomy::skills`].
pub type SkillIdx = u32;
/// Index of an ESCO occupation in [`Taxonomy::occupations`].
pub type OccIdx = u32;

/// ESCO skill type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SkillType {
    /// `skill/competence`
    SkillCompetence,
    /// `knowledge`
    Knowledge,
    /// Empty in the source (6 skills in v1.1.1).
    Unspecified,
    /// Not ESCO: a named technology (tool, language, platform) from O*NET's
    /// technology examples or the shipped technology lists; see
    /// [`Taxonomy::technologies`].
    Technology,
}

impl SkillType {
    /// The ESCO spelling (`skill/competence`, `knowledge`, or empty).
    pub fn as_str(self) -> &'static str {
        match self {
            SkillType::SkillCompetence => "skill/competence",
            SkillType::Knowledge => "knowledge",
            SkillType::Unspecified => "",
            SkillType::Technology => "technology",
        }
    }
}

/// ESCO reuse level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReuseLevel {
    Transversal,
    CrossSector,
    SectorSpecific,
    OccupationSpecific,
    Unspecified,
}

impl ReuseLevel {
    /// The ESCO spelling (`cross-sector`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ReuseLevel::Transversal => "transversal",
            ReuseLevel::CrossSector => "cross-sector",
            ReuseLevel::SectorSpecific => "sector-specific",
            ReuseLevel::OccupationSpecific => "occupation-specific",
            ReuseLevel::Unspecified => "",
        }
    }
}

/// Essential or optional, for occupation→skill and skill→skill relations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Relation {
    Essential,
    Optional,
}

impl Relation {
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Essential => "essential",
            Relation::Optional => "optional",
        }
    }
}

/// A node of the skills pillar a skill can hang from: another skill or a
/// skill group of the hierarchy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConceptRef {
    Skill(SkillIdx),
    Group(u32),
}

/// One ESCO skill (or knowledge concept).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Skill {
    pub uri: String,
    pub preferred: String,
    pub alt: Vec<String>,
    pub hidden: Vec<String>,
    /// Our aliases (not ESCO's): technology names and spellings from O*NET and
    /// the shipped technology lists (`k8s`, `golang`, `Excel`). Matched like
    /// alternative labels.
    pub aliases: Vec<String>,
    pub description: String,
    pub skill_type: SkillType,
    pub reuse_level: ReuseLevel,
    /// Broader concepts (skills or skill groups).
    pub broader: Vec<ConceptRef>,
    /// Narrower skills.
    pub narrower: Vec<SkillIdx>,
    /// skill→skill relations from ESCO (`skillSkillRelations.csv`), both
    /// directions: the relation type is the one ESCO gives the pair.
    pub related: Vec<(SkillIdx, Relation)>,
    /// Occupations that need this skill, with essential/optional.
    pub occupations: Vec<(OccIdx, Relation)>,
    /// O*NET technology skills linked to this skill (indices into
    /// [`Taxonomy::technologies`]).
    pub technologies: Vec<u32>,
}

/// A skill group of the ESCO skills hierarchy (or an ISCED-F field).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SkillGroup {
    pub uri: String,
    pub preferred: String,
    pub code: String,
    pub description: String,
    pub broader: Vec<ConceptRef>,
}

/// One ESCO occupation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Occupation {
    pub uri: String,
    pub preferred: String,
    pub alt: Vec<String>,
    pub hidden: Vec<String>,
    pub description: String,
    /// ISCO-08 unit group code, e.g. `2512`.
    pub isco_group: String,
    /// ESCO occupation code, e.g. `2512.4`.
    pub code: String,
    /// Skills with essential/optional.
    pub skills: Vec<(SkillIdx, Relation)>,
    /// Broader occupation URIs (ESCO occupations or ISCO groups).
    pub broader: Vec<String>,
    /// O*NET occupations of the official ESCO → O*NET-SOC crosswalk (indices
    /// into [`Taxonomy::onet_occupations`]).
    pub onet: Vec<u32>,
}

/// An ISCO-08 group.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IscoGroup {
    pub code: String,
    pub preferred: String,
}

/// One O*NET occupation (O*NET-SOC 2019).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OnetOccupation {
    /// e.g. `15-1252.00`
    pub code: String,
    pub title: String,
    pub description: String,
    /// Alternate titles with their short form when O*NET gives one.
    pub alt_titles: Vec<String>,
    pub short_titles: Vec<String>,
    /// O*NET's "Sample of Reported Titles": titles as workers report them.
    pub reported_titles: Vec<String>,
    /// ESCO occupations the official crosswalk maps to this one.
    pub esco: Vec<OccIdx>,
    /// Ratings of the 35 O*NET skills (index into [`Taxonomy::onet_skills`]).
    pub skills: Vec<OnetSkillRating>,
    pub technologies: Vec<OnetTechUse>,
    pub tasks: Vec<OnetTask>,
}

/// Importance (IM, 1–5) and level (LV, 0–7) of one O*NET skill for an occupation.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct OnetSkillRating {
    pub element: u16,
    pub importance: f32,
    pub level: f32,
}

/// An O*NET skill element such as `2.A.1.a Reading Comprehension`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OnetElement {
    pub id: String,
    pub name: String,
}

/// One technology used in an occupation, with O*NET's market flags.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct OnetTechUse {
    /// Index into [`Taxonomy::technologies`].
    pub tech: u32,
    pub hot: bool,
    pub in_demand: bool,
}

/// A task statement.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OnetTask {
    pub id: u32,
    pub text: String,
    /// `Some(true)` core, `Some(false)` supplemental, `None` not rated.
    pub core: Option<bool>,
}

/// A distinct technology: an O*NET technology example (`Microsoft Excel`)
/// or a newer tool from the shipped technology lists (`Terraform`), with no
/// O*NET occupations and flags.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Technology {
    pub name: String,
    /// The concept that stands for it in [`Taxonomy::skills`]: the ESCO skill
    /// its name matches, or its own [`SkillType::Technology`] concept.
    pub concept: SkillIdx,
    /// Where it comes from: `O*NET 29.3`, or the technology list(s).
    pub source: String,
    /// O*NET occupations that list it (indices into
    /// [`Taxonomy::onet_occupations`]).
    pub occupations: Vec<u32>,
    pub commodity_code: u32,
    pub commodity_title: String,
    /// Number of occupations that flag it Hot Technology / In Demand.
    pub hot_in: u32,
    pub in_demand_in: u32,
    /// Number of occupations that list it.
    pub used_in: u32,
    /// ESCO skills whose label agrees with the name after normalisation.
    pub esco: Vec<SkillIdx>,
    /// ESCO skills linked to the technology's O*NET commodity category
    /// (`Microsoft Excel` → `Spreadsheet software` → `use spreadsheets
    /// software`), by the rule of [`crate::import::commodity_keys`]. The same
    /// for every technology of one commodity.
    pub commodity_esco: Vec<SkillIdx>,
}

/// How well O*NET technologies link to ESCO skills.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct LinkCoverage {
    pub technologies: u32,
    /// Technologies linked by their own name.
    pub linked: u32,
    pub hot: u32,
    pub hot_linked: u32,
    /// Distinct O*NET commodity categories, and those linked to ESCO.
    pub commodities: u32,
    pub commodities_linked: u32,
    /// Technologies linked by their name or their commodity category.
    pub linked_any: u32,
    pub hot_linked_any: u32,
}

/// The whole compiled taxonomy.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Taxonomy {
    pub esco_version: String,
    pub onet_version: String,
    /// Sorted by URI: the ESCO skills (`http://data.europa.eu/esco/skill/…`)
    /// first, then the technology concepts (`mm:tech/…`).
    pub skills: Vec<Skill>,
    /// Sorted by URI.
    pub skill_groups: Vec<SkillGroup>,
    /// Sorted by URI.
    pub occupations: Vec<Occupation>,
    pub isco_groups: Vec<IscoGroup>,
    /// Sorted by code.
    pub onet_occupations: Vec<OnetOccupation>,
    pub onet_skills: Vec<OnetElement>,
    pub technologies: Vec<Technology>,
    pub coverage: LinkCoverage,
    /// Folded single-word labels that are written with capitals in ESCO
    /// (product and language names such as `Access`, `Swift`, `Hack`) but
    /// whose lower-case form is ordinary English: it occurs in lower case in
    /// ESCO's own descriptions, or is on a short curated list. The extractor
    /// matches these only when cased as in the label. Sorted.
    pub common_words: Vec<String>,
    /// Folded single-word lower-case labels that are everyday words in
    /// ESCO's own descriptions (30+ lower-case occurrences: `data`, `plan`,
    /// `form`, `security`). As an alternative label such a word says too little
    /// to name a skill, so the extractor does not match it; as a preferred
    /// label it matches only as written (`securities`, not `security`). Sorted.
    pub generic_words: Vec<String>,
}

/// The compiled taxonomy shipped with the crate (built by `mm taxonomy build`).
static EMBEDDED: &[u8] = include_bytes!("../../../data/taxonomy/taxonomy.bin.zst");

/// Magic prefix of the compiled form, bumped when the format changes.
const MAGIC: &[u8; 8] = b"MMTAX003";

impl Taxonomy {
    /// Load the taxonomy compiled into the binary (ESCO v1.1.1 + O*NET 29.3).
    ///
    /// # Errors
    /// [`Error::Decode`] if the embedded bytes are corrupt (a build problem).
    pub fn load_embedded() -> Result<Taxonomy> {
        Taxonomy::from_compiled(EMBEDDED)
    }

    /// Decode a compiled taxonomy (the output of [`Taxonomy::to_compiled`]).
    ///
    /// # Errors
    /// [`Error::Decode`] if the bytes are not a compiled taxonomy of this version.
    pub fn from_compiled(bytes: &[u8]) -> Result<Taxonomy> {
        let raw = zstd::bulk::decompress(bytes, 256 << 20)
            .map_err(|e| Error::Internal(format!("decompressing taxonomy: {e}")))?;
        let body = raw
            .strip_prefix(MAGIC.as_slice())
            .ok_or_else(|| Error::Internal("compiled taxonomy has a wrong header".into()))?;
        postcard::from_bytes(body).map_err(Error::Decode)
    }

    /// Encode to the compact compiled form (postcard + zstd).
    ///
    /// # Errors
    /// [`Error::Internal`] if encoding fails.
    pub fn to_compiled(&self) -> Result<Vec<u8>> {
        let mut raw = MAGIC.to_vec();
        raw.extend(postcard::to_stdvec(self).map_err(Error::Decode)?);
        zstd::bulk::compress(&raw, 19).map_err(|e| Error::Internal(format!("compressing: {e}")))
    }

    /// The skill with this URI.
    pub fn skill_by_uri(&self, uri: &str) -> Option<SkillIdx> {
        self.skills
            .binary_search_by(|s| s.uri.as_str().cmp(uri))
            .ok()
            .map(|i| i as SkillIdx)
    }

    /// The occupation with this URI.
    pub fn occupation_by_uri(&self, uri: &str) -> Option<OccIdx> {
        self.occupations
            .binary_search_by(|s| s.uri.as_str().cmp(uri))
            .ok()
            .map(|i| i as OccIdx)
    }

    /// The skill group with this URI.
    pub fn group_by_uri(&self, uri: &str) -> Option<u32> {
        self.skill_groups
            .binary_search_by(|s| s.uri.as_str().cmp(uri))
            .ok()
            .map(|i| i as u32)
    }

    /// The O*NET occupation with this code (`15-1252.00`).
    pub fn onet_by_code(&self, code: &str) -> Option<u32> {
        self.onet_occupations
            .binary_search_by(|s| s.code.as_str().cmp(code))
            .ok()
            .map(|i| i as u32)
    }

    /// The skill at `idx`.
    ///
    /// # Panics
    /// If `idx` is out of range (indices come from this taxonomy).
    pub fn skill(&self, idx: SkillIdx) -> &Skill {
        &self.skills[idx as usize]
    }

    /// The occupation at `idx`.
    ///
    /// # Panics
    /// If `idx` is out of range (indices come from this taxonomy).
    pub fn occupation(&self, idx: OccIdx) -> &Occupation {
        &self.occupations[idx as usize]
    }

    /// Skills whose preferred, alternative or hidden label equals `label`
    /// after normalisation (see [`crate::normalize`]); preferred-label matches first.
    pub fn skills_by_label(&self, label: &str) -> Vec<SkillIdx> {
        let key = crate::normalize::normalize(label);
        if key.is_empty() {
            return Vec::new();
        }
        // Normalising never lengthens a label much, nor shortens it below the
        // key: skip labels whose length rules them out before normalising.
        let same = |l: &str| {
            l.len() >= key.len() / 2
                && l.len() <= 3 * key.len() + 16
                && crate::normalize::normalize(l) == key
        };
        let mut pref = Vec::new();
        let mut other = Vec::new();
        for (i, s) in self.skills.iter().enumerate() {
            if same(&s.preferred) {
                pref.push(i as SkillIdx);
            } else if s
                .alt
                .iter()
                .chain(&s.hidden)
                .chain(&s.aliases)
                .any(|l| same(l))
            {
                other.push(i as SkillIdx);
            }
        }
        pref.extend(other);
        pref
    }

    /// What holding skill `idx` also covers, itself first: a technology
    /// covers the ESCO skills its name and its O*NET commodity category link
    /// to (`Microsoft Excel` → *use spreadsheets software*), and an ESCO skill
    /// named by a technology covers that technology's category links too.
    pub fn covered_by_holding(&self, idx: SkillIdx) -> Vec<SkillIdx> {
        let mut out = vec![idx];
        for &t in &self.skill(idx).technologies {
            let t = &self.technologies[t as usize];
            for &s in std::iter::once(&t.concept)
                .chain(&t.esco)
                .chain(&t.commodity_esco)
            {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
        out
    }

    /// The technology concepts (`mm:tech/…` skills) and ESCO skills named
    /// by a technology: true if `idx` is one.
    pub fn is_technology(&self, idx: SkillIdx) -> bool {
        self.skill(idx).skill_type == SkillType::Technology
    }

    /// The display label of a broader/narrower concept.
    pub fn concept_label(&self, c: ConceptRef) -> (&str, &str) {
        match c {
            ConceptRef::Skill(i) => {
                let s = self.skill(i);
                (&s.uri, &s.preferred)
            }
            ConceptRef::Group(i) => {
                let g = &self.skill_groups[i as usize];
                (&g.uri, &g.preferred)
            }
        }
    }

    /// The O*NET technologies linked to a skill, with whether any occupation
    /// flags them Hot Technology / In Demand.
    pub fn onet_flags(&self, idx: SkillIdx) -> (bool, bool) {
        let s = self.skill(idx);
        let hot = s
            .technologies
            .iter()
            .any(|&t| self.technologies[t as usize].hot_in > 0);
        let dem = s
            .technologies
            .iter()
            .any(|&t| self.technologies[t as usize].in_demand_in > 0);
        (hot, dem)
    }
}
