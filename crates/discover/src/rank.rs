//! The explained ranking of micro-skill candidates for a role.
//!
//! Every candidate's score is a weighted sum of visible components, each a
//! number in 0..=1 with the evidence behind it:
//!
//! | component | what it measures |
//! |---|---|
//! | `esco` | the occupation's ESCO relation: essential 1, optional 0.5 |
//! | `peers` | how many of the occupation's ISCO-group peers need the skill (essential 1, optional ½), relative to the candidate most needed by peers |
//! | `onet` | O*NET, averaged over the O*NET occupations with the role's title: technology used (0.4) + Hot Technology (0.3) + In Demand (0.3), or the importance (IM/5) of an O*NET skill named like it or, by the hand-written [`crate::crosswalk`] onto ESCO's skill groups, exercised by it (only ratings of IM ≥ 3) |
//! | `market` | share of the role's postings asking for it (relative to the most asked-for candidate), ±0.2 for a significant monthly trend; shrunk by n/30 when resting on n < 30 postings |
//! | `closeness` | link to a skill the person holds: ESCO relation 1, broader/narrower 0.8, same specific parent (at most [`MAX_PARENT_MEMBERS`] members) 0.6, co-occurrence 0.5 |
//! | `micro` | how narrow and learnable: skill type, reuse level, number of narrower skills, number of occupations using it |
//!
//! Skills the person already holds are left out (the gap) and counted, and so
//! is a skill named like the role itself (`plumbing` for a plumber).
//! Broad competences (3+ narrower skills, or transversal) are returned as
//! *arcs*: shown with the narrower skills to take on one at a time, only
//! those linked to the role or its peers; a broad skill without such a step
//! is no arc and is ranked as a single candidate.
//! Equal scores are ordered by evidence: more independent sources (ESCO,
//! peers, O*NET, postings) first, then the larger market share.
//!
//! The market component reads only postings limited to the role's titles
//! ([`crate::titles`]): a report for another role, or for all postings, gives
//! "no market evidence" rather than another field's demand.

use crate::error::{Error, Result};
use crate::market::MarketReport;
use mm_taxonomy::occupations::{OccRef, OccupationIndex};
use mm_taxonomy::{ConceptRef, OccIdx, Relation, ReuseLevel, SkillIdx, SkillType, Taxonomy};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

/// Component weights; they sum to 1.
pub const WEIGHTS: [(&str, f64); 6] = [
    ("esco", 0.25),
    ("peers", 0.15),
    ("onet", 0.25),
    ("market", 0.15),
    ("closeness", 0.10),
    ("micro", 0.10),
];

fn weight(name: &str) -> f64 {
    WEIGHTS.iter().find(|w| w.0 == name).map_or(0.0, |w| w.1)
}

/// The role to rank for: an ESCO occupation and the O*NET occupations that
/// carry the same title.
#[derive(Debug, Clone, Serialize)]
pub struct Role {
    /// What the person asked for.
    pub query: String,
    #[serde(skip)]
    pub esco: Option<OccIdx>,
    /// O*NET occupations, best first. O*NET often lists one title under
    /// several occupations ("Data Analyst" under 9); all of them count.
    #[serde(skip)]
    pub onet: Vec<u32>,
    pub esco_uri: Option<String>,
    pub esco_title: Option<String>,
    pub onet_occupations: Vec<OnetRef>,
    /// The title that matched the query (for a free-text role).
    pub matched_title: Option<String>,
    /// Other ESCO occupations that fit the title nearly as well: pick one
    /// with `--occupation <uri>`.
    pub alternatives: Vec<RoleAlternative>,
    /// True when an alternative fits about as well as the chosen occupation.
    pub ambiguous: bool,
}

/// Another occupation a title could mean.
#[derive(Debug, Clone, Serialize)]
pub struct RoleAlternative {
    pub uri: String,
    pub title: String,
    pub score: f32,
}

/// An O*NET occupation of a role.
#[derive(Debug, Clone, Serialize)]
pub struct OnetRef {
    pub code: String,
    pub title: String,
}

impl Role {
    /// The best name for the role.
    pub fn title(&self) -> &str {
        self.esco_title
            .as_deref()
            .or(self.onet_occupations.first().map(|o| o.title.as_str()))
            .unwrap_or(&self.query)
    }
}

/// A shared parent makes two skills close only when it has at most this many
/// members: a skill group with hundreds says nothing about either.
pub const MAX_PARENT_MEMBERS: usize = 30;

/// Minimum title-match score for a role to count as found.
pub const MIN_TITLE_SCORE: f32 = 0.5;
/// At most this many O*NET occupations per role.
pub const MAX_ONET: usize = 10;

fn role_of(tax: &Taxonomy, query: &str, esco: Option<OccIdx>, onet: Vec<u32>) -> Role {
    Role {
        query: query.to_string(),
        esco,
        esco_uri: esco.map(|i| tax.occupation(i).uri.clone()),
        esco_title: esco.map(|i| tax.occupation(i).preferred.clone()),
        onet_occupations: onet
            .iter()
            .map(|&i| OnetRef {
                code: tax.onet_occupations[i as usize].code.clone(),
                title: tax.onet_occupations[i as usize].title.clone(),
            })
            .collect(),
        onet,
        matched_title: None,
        alternatives: Vec::new(),
        ambiguous: false,
    }
}

fn first_esco(hits: &[mm_taxonomy::occupations::OccupationHit]) -> Option<OccIdx> {
    hits.iter()
        .filter(|h| h.score >= MIN_TITLE_SCORE)
        .find_map(|h| match h.occupation {
            OccRef::Esco(i) => Some(i),
            OccRef::Onet(_) => None,
        })
}

/// The O*NET occupations whose titles match best (within 0.05 of the best).
fn tied_onet(hits: &[mm_taxonomy::occupations::OccupationHit]) -> Vec<u32> {
    let onet: Vec<(u32, f32)> = hits
        .iter()
        .filter(|h| h.score >= MIN_TITLE_SCORE)
        .filter_map(|h| match h.occupation {
            OccRef::Onet(i) => Some((i, h.score)),
            OccRef::Esco(_) => None,
        })
        .collect();
    let Some(best) = onet.first().map(|o| o.1) else {
        return Vec::new();
    };
    let mut out: Vec<u32> = Vec::new();
    for (i, sc) in onet {
        if sc >= best - 0.05 && !out.contains(&i) && out.len() < MAX_ONET {
            out.push(i);
        }
    }
    out
}

/// The O*NET occupations of an ESCO occupation: the official crosswalk's, or,
/// for the few occupations it leaves out, the O*NET titles that match best.
pub fn onet_for_esco(tax: &Taxonomy, idx: &OccupationIndex, occ: OccIdx) -> Vec<u32> {
    let cw = &tax.occupation(occ).onet;
    if !cw.is_empty() {
        return cw.iter().take(MAX_ONET).copied().collect();
    }
    tied_onet(&idx.search(&tax.occupation(occ).preferred, 40))
}

/// The ESCO occupation of an O*NET one: among its crosswalk occupations the
/// one whose label fits the O*NET title best.
fn esco_for_onet(tax: &Taxonomy, idx: &OccupationIndex, o: u32) -> Option<OccIdx> {
    let on = &tax.onet_occupations[o as usize];
    let hits = idx.search(&on.title, 200);
    let score = |e: OccIdx| {
        hits.iter()
            .find(|h| h.occupation == OccRef::Esco(e))
            .map_or(0.0, |h| h.score)
    };
    on.esco
        .iter()
        .copied()
        .max_by(|&a, &b| score(a).total_cmp(&score(b)).then(b.cmp(&a)))
        .or_else(|| first_esco(&hits))
}

/// Find a role by free-text title (ESCO labels, O*NET titles and reported
/// titles), with its O*NET occupations by the official crosswalk and the
/// other occupations the title could mean.
///
/// # Errors
/// [`Error::UnknownRole`] with the closest titles when nothing matches well.
pub fn resolve_role(tax: &Taxonomy, idx: &OccupationIndex, query: &str) -> Result<Role> {
    let Some(res) = idx.resolve(tax, query) else {
        let mut closest: Vec<String> = Vec::new();
        for h in idx.search(query, 40) {
            let t = match h.occupation {
                OccRef::Esco(i) => tax.occupation(i).preferred.clone(),
                OccRef::Onet(i) => tax.onet_occupations[i as usize].title.clone(),
            };
            if !closest.contains(&t) {
                closest.push(t);
            }
            if closest.len() == 5 {
                break;
            }
        }
        return Err(Error::UnknownRole {
            query: query.to_string(),
            closest,
        });
    };
    let mut role = role_of(tax, query, res.esco, res.onet.clone());
    role.matched_title = Some(res.matched.clone());
    // A title that is the chosen occupation's own preferred label is read
    // as that occupation, whatever else also answers to it ("data analyst"
    // is an alternative label elsewhere): the others are still offered.
    let own_label = res.esco.is_some_and(|o| {
        tax.occupation(o)
            .preferred
            .trim()
            .eq_ignore_ascii_case(query.trim())
    });
    role.ambiguous = res.ambiguous() && !own_label;
    role.alternatives = res
        .alternatives
        .iter()
        .filter_map(|h| match h.occupation {
            OccRef::Esco(i) => Some(RoleAlternative {
                uri: tax.occupation(i).uri.clone(),
                title: tax.occupation(i).preferred.clone(),
                score: h.score,
            }),
            OccRef::Onet(_) => None,
        })
        .collect();
    Ok(role)
}

/// Find a role by ESCO occupation URI or O*NET-SOC code (`15-2051.01`).
///
/// # Errors
/// [`Error::NotFound`] when neither exists.
pub fn resolve_occupation(tax: &Taxonomy, idx: &OccupationIndex, key: &str) -> Result<Role> {
    let key = key.trim();
    if let Some(i) = tax.occupation_by_uri(key) {
        return Ok(role_of(tax, key, Some(i), onet_for_esco(tax, idx, i)));
    }
    if let Some(i) = tax.onet_by_code(key) {
        let esco = esco_for_onet(tax, idx, i);
        return Ok(role_of(tax, key, esco, vec![i]));
    }
    Err(Error::NotFound(format!(
        "no ESCO occupation URI or O*NET-SOC code {key:?} (try `mm taxonomy occupation <title>` to find one)"
    )))
}

/// What the person already has, as taxonomy skills.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// Declared skills and the skills of achieved goals.
    pub held: Vec<SkillIdx>,
}

/// One part of a score.
#[derive(Debug, Clone, Serialize)]
pub struct Component {
    pub name: &'static str,
    /// 0..=1.
    pub value: f64,
    pub weight: f64,
    /// `value * weight`: what it adds to the score.
    pub points: f64,
    /// The numbers behind the value.
    pub evidence: String,
}

/// A ranked skill with its explanation.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub rank: usize,
    #[serde(skip)]
    pub skill: SkillIdx,
    pub uri: String,
    pub label: String,
    pub skill_type: String,
    pub reuse_level: String,
    pub score: f64,
    /// A broad competence: shown as an arc of narrower skills.
    pub broad: bool,
    pub components: Vec<Component>,
    /// For arcs: the narrower skills to take on, best first.
    pub narrower: Vec<NarrowerStep>,
    /// When O*NET's skill ratings for the role speak for it (through
    /// [`crate::crosswalk`]): which rating, and the reason in one sentence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub onet_rating: Option<OnetRating>,
}

/// An O*NET skill rating that speaks for a candidate, by the crosswalk.
#[derive(Debug, Clone, Serialize)]
pub struct OnetRating {
    /// The O*NET skill (`Troubleshooting`).
    pub element: String,
    /// Its mean importance (1–5) over the role's O*NET occupations that
    /// rate it important.
    pub importance: f64,
    /// Its mean level (0–7) over the same occupations.
    pub level: f64,
    /// The ESCO skill group that links the candidate to it (`S8.8`).
    pub esco_group: String,
    pub esco_group_label: String,
    /// The reason, as shown beside the candidate.
    pub reason: String,
}

/// A narrower skill inside an arc.
#[derive(Debug, Clone, Serialize)]
pub struct NarrowerStep {
    pub uri: String,
    pub label: String,
}

/// The result of [`Ranker::rank`].
#[derive(Debug, Clone, Serialize)]
pub struct Ranking {
    pub role: Role,
    /// Micro-skill candidates, best first.
    pub micro: Vec<Candidate>,
    /// Broad competences as arcs, best first.
    pub arcs: Vec<Candidate>,
    /// Candidates left out because the person holds them.
    pub held_skipped: usize,
    /// Postings behind the market component (0: none given).
    pub market_postings: u64,
    /// Why the market component is empty or weak, when it is.
    pub market_note: Option<String>,
    /// Candidates left out because they are named like the role.
    pub role_named_skipped: usize,
}

impl Ranking {
    /// Every candidate (micro-skills and arcs) by score.
    pub fn all(&self) -> Vec<&Candidate> {
        let mut v: Vec<&Candidate> = self.micro.iter().chain(&self.arcs).collect();
        v.sort_by(|a, b| by_score_then_evidence(a, b));
        v
    }
}

/// Options of one ranking.
#[derive(Debug, Clone, Copy, Default)]
pub struct RankOptions {
    /// Ignore the occupation's ESCO essential relations (for the hold-out
    /// evaluation: can the other signals find them?).
    pub hold_out_essential: bool,
    /// Ignore the optional relations too (only peers, O*NET, postings and
    /// micro-ness speak).
    pub hold_out_optional: bool,
}

/// Precomputed indexes for ranking; build once, rank many roles.
#[derive(Debug)]
pub struct Ranker<'t> {
    tax: &'t Taxonomy,
    /// Occupations by ISCO unit group.
    groups: FxHashMap<&'t str, Vec<OccIdx>>,
    /// ESCO skills whose preferred label names each O*NET skill element.
    onet_elements: Vec<Vec<SkillIdx>>,
    /// ESCO skills of each O*NET technology: the taxonomy's links, or, where
    /// it has none, the skills the extractor finds in the technology's name
    /// (`Structured query language SQL` → SQL); plus the skills linked to its
    /// O*NET commodity category (`Microsoft Excel` → `Spreadsheet software` →
    /// `use spreadsheets software`), flagged `true`.
    tech_links: Vec<Vec<(SkillIdx, bool)>>,
    /// Skills under each skill group (by group index).
    group_members: Vec<usize>,
    /// O*NET's skills onto ESCO's skill groups.
    crosswalk: crate::crosswalk::Crosswalk<'t>,
}

impl<'t> Ranker<'t> {
    pub fn new(tax: &'t Taxonomy) -> Ranker<'t> {
        let mut groups: FxHashMap<&str, Vec<OccIdx>> = FxHashMap::default();
        for (i, o) in tax.occupations.iter().enumerate() {
            if !o.isco_group.is_empty() {
                groups
                    .entry(o.isco_group.as_str())
                    .or_default()
                    .push(i as OccIdx);
            }
        }
        let wanted: FxHashMap<String, usize> = tax
            .onet_skills
            .iter()
            .enumerate()
            .map(|(i, e)| (mm_taxonomy::normalize::normalize(&e.name), i))
            .collect();
        let mut onet_elements: Vec<Vec<SkillIdx>> = vec![Vec::new(); tax.onet_skills.len()];
        for (i, s) in tax.skills.iter().enumerate() {
            if let Some(&e) = wanted.get(&mm_taxonomy::normalize::normalize(&s.preferred)) {
                onet_elements[e].push(i as SkillIdx);
            }
        }
        let ex = mm_taxonomy::extract::Extractor::new(tax);
        let tech_links = tax
            .technologies
            .iter()
            .map(|t| {
                let mut v: Vec<SkillIdx> = if t.esco.is_empty() {
                    ex.find(&t.name).iter().map(|m| m.skill).collect()
                } else {
                    t.esco.clone()
                };
                v.sort_unstable();
                v.dedup();
                let mut links: Vec<(SkillIdx, bool)> = v.iter().map(|&s| (s, false)).collect();
                links.extend(
                    t.commodity_esco
                        .iter()
                        .filter(|s| !v.contains(s))
                        .map(|&s| (s, true)),
                );
                links
            })
            .collect();
        let mut group_members = vec![0usize; tax.skill_groups.len()];
        for sk in &tax.skills {
            for b in &sk.broader {
                if let ConceptRef::Group(g) = b {
                    group_members[*g as usize] += 1;
                }
            }
        }
        Ranker {
            tax,
            groups,
            onet_elements,
            tech_links,
            group_members,
            crosswalk: crate::crosswalk::Crosswalk::new(tax),
        }
    }

    /// Members of a broader concept (narrower skills of a skill, skills of a group).
    pub fn members(&self, c: ConceptRef) -> usize {
        match c {
            ConceptRef::Skill(i) => self.tax.skill(i).narrower.len(),
            ConceptRef::Group(g) => self.group_members[g as usize],
        }
    }

    /// The taxonomy this ranker reads.
    pub fn taxonomy(&self) -> &'t Taxonomy {
        self.tax
    }

    /// How narrow and learnable a skill is (0..=1), with the reasons.
    pub fn microness(&self, s: SkillIdx) -> (f64, String) {
        let sk = self.tax.skill(s);
        let t = match sk.skill_type {
            SkillType::SkillCompetence => 1.0,
            SkillType::Knowledge => 0.7,
            SkillType::Unspecified => 0.5,
            // A named tool: narrow and learnable.
            SkillType::Technology => 1.0,
        };
        let r = match sk.reuse_level {
            ReuseLevel::Transversal => 0.1,
            ReuseLevel::CrossSector => 0.5,
            ReuseLevel::SectorSpecific => 0.9,
            ReuseLevel::OccupationSpecific => 1.0,
            ReuseLevel::Unspecified => 0.6,
        };
        let nn = sk.narrower.len();
        let n = match nn {
            0 => 1.0,
            1..=2 => 0.7,
            3..=9 => 0.4,
            _ => 0.1,
        };
        let oc = sk.occupations.len();
        let o = match oc {
            0..=20 => 1.0,
            21..=100 => 0.7,
            101..=500 => 0.4,
            _ => 0.2,
        };
        let v = (t + r + n + o) / 4.0;
        let why = format!(
            "type {} ({t}), reuse {} ({r}), {nn} narrower ({n}), used by {oc} occupations ({o})",
            if sk.skill_type.as_str().is_empty() {
                "unspecified"
            } else {
                sk.skill_type.as_str()
            },
            if sk.reuse_level.as_str().is_empty() {
                "unspecified"
            } else {
                sk.reuse_level.as_str()
            },
        );
        (v, why)
    }

    /// Whether a skill is a broad competence (an arc, not a micro-skill).
    pub fn is_broad(&self, s: SkillIdx) -> bool {
        let sk = self.tax.skill(s);
        sk.narrower.len() >= 3 || sk.reuse_level == ReuseLevel::Transversal
    }

    /// How close `s` is to what the person holds: (value, evidence).
    pub fn closeness(
        &self,
        s: SkillIdx,
        held: &[SkillIdx],
        market: Option<&FxHashMap<&str, &crate::market::SkillStat>>,
    ) -> (f64, String) {
        if held.is_empty() {
            return (0.0, "no skills recorded yet (mm skill add ...)".into());
        }
        let tax = self.tax;
        let sk = tax.skill(s);
        let mut best = (0.0, String::from("not linked to a skill you hold"));
        let mut consider = |v: f64, why: String| {
            if v > best.0 {
                best = (v, why);
            }
        };
        for &h in held {
            let hs = tax.skill(h);
            if sk.related.iter().any(|r| r.0 == h) {
                consider(
                    1.0,
                    format!("ESCO relates it to {:?}, which you hold", hs.preferred),
                );
            }
            if sk.narrower.contains(&h) || hs.narrower.contains(&s) {
                consider(
                    0.8,
                    format!("broader/narrower of {:?}, which you hold", hs.preferred),
                );
            }
            // Only a specific parent: siblings in a group of hundreds are
            // not close in any sense a learner would notice.
            if let Some(&b) = sk
                .broader
                .iter()
                .filter(|b| self.members(**b) <= MAX_PARENT_MEMBERS)
                .find(|b| hs.broader.contains(b))
            {
                consider(
                    0.6,
                    format!(
                        "shares the parent {:?} ({} members) with {:?}",
                        tax.concept_label(b).1,
                        self.members(b),
                        hs.preferred
                    ),
                );
            }
            if let Some(m) = market
                && let Some(st) = m.get(sk.uri.as_str())
                && let Some(c) = st.cooccurs.iter().find(|c| c.uri == hs.uri)
            {
                consider(
                    0.5,
                    format!(
                        "asked for together with {:?} in {} postings (lift {:.1})",
                        hs.preferred, c.together, c.lift
                    ),
                );
            }
        }
        best
    }

    /// The O*NET skill rating that speaks for each skill of `pool`, by the
    /// crosswalk: of the O*NET skills it exercises, the one whose importance
    /// summed over the role's O*NET occupations that rate it important
    /// ([`crate::crosswalk::MIN_IMPORTANCE`]) is highest, with its mean
    /// importance and level over them and how many they are.
    fn onet_ratings(
        &self,
        role: &Role,
        pool: &FxHashSet<SkillIdx>,
    ) -> (FxHashMap<SkillIdx, OnetRating>, FxHashMap<SkillIdx, usize>) {
        let tax = self.tax;
        let mut rated = FxHashMap::default();
        let mut counts = FxHashMap::default();
        if role.onet.is_empty() {
            return (rated, counts);
        }
        for &s in pool {
            let links = self.crosswalk.links_of(s);
            if links.is_empty() {
                continue;
            }
            // Per linked O*NET skill: the occupations of the role that rate
            // it important, with the sums of their importance and level.
            // The skill whose ratings add up to most speaks.
            let mut best: Option<(f32, f32, usize, u16, &str)> = None;
            for &(element, group) in &links {
                let (mut im, mut lv, mut k) = (0.0f32, 0.0f32, 0usize);
                for &oi in &role.onet {
                    let oo = &tax.onet_occupations[oi as usize];
                    if let Some(r) = oo.skills.iter().find(|r| {
                        r.element == element && r.importance >= crate::crosswalk::MIN_IMPORTANCE
                    }) {
                        im += r.importance;
                        lv += r.level;
                        k += 1;
                    }
                }
                if k > 0 && best.is_none_or(|b| im > b.0) {
                    best = Some((im, lv, k, element, group));
                }
            }
            let Some((im, lv, k, element, group)) = best else {
                continue;
            };
            let importance = f64::from(im) / k as f64;
            let level = f64::from(lv) / k as f64;
            let name = tax.onet_skills[element as usize].name.clone();
            let glabel = self.crosswalk.group_label(group).unwrap_or("").to_string();
            let whom = if role.onet.len() == 1 {
                let o = &tax.onet_occupations[role.onet[0] as usize];
                format!("{} {}", o.code, o.title)
            } else {
                format!("{k} of the role's {} O*NET occupations", role.onet.len())
            };
            let reason = format!(
                "O*NET rates {name} {importance:.2}/5 important (level {level:.1}/7) for {whom}; it is exercised through ESCO's {group} {glabel:?}"
            );
            counts.insert(s, k);
            rated.insert(
                s,
                OnetRating {
                    element: name,
                    importance,
                    level,
                    esco_group: group.to_string(),
                    esco_group_label: glabel,
                    reason,
                },
            );
        }
        (rated, counts)
    }

    /// Rank candidate skills for `role`.
    pub fn rank(
        &self,
        role: &Role,
        profile: &Profile,
        market: Option<&MarketReport>,
        opts: RankOptions,
    ) -> Ranking {
        let tax = self.tax;
        let held: FxHashSet<SkillIdx> = profile.held.iter().copied().collect();
        // Only postings limited to this role's titles speak for its market.
        let key = role_key(role);
        let (market, market_note) = match market {
            None => (None, None),
            Some(m) => match &m.title_filter {
                None => (
                    None,
                    Some(format!(
                        "no market evidence: the {} postings given are not limited to titles of {}",
                        m.postings,
                        role.title()
                    )),
                ),
                Some(t) if t.key != key => (
                    None,
                    Some(format!(
                        "no market evidence: the postings given are for {}, not {}",
                        t.role,
                        role.title()
                    )),
                ),
                Some(t) if m.postings == 0 => (
                    None,
                    Some(format!(
                        "no market evidence: none of {} postings has a title of {}{}",
                        t.off_role + t.untitled,
                        role.title(),
                        if t.untitled > 0 {
                            format!(" ({} have no title)", t.untitled)
                        } else {
                            String::new()
                        }
                    )),
                ),
                Some(t) => (
                    Some(m),
                    (m.postings < crate::market::MIN_POSTINGS).then(|| {
                        format!(
                            "weak market evidence: only {} posting(s) have a title of {} (fewer than {}); the market component is shrunk by {}/{}",
                            m.postings,
                            t.role,
                            crate::market::MIN_POSTINGS,
                            m.postings,
                            crate::market::MIN_POSTINGS
                        )
                    }),
                ),
            },
        };
        let shrink = market.map_or(1.0, |m| {
            (m.postings as f64 / crate::market::MIN_POSTINGS as f64).min(1.0)
        });
        let by_uri = market.map(|m| m.by_uri());

        // Signals per skill.
        let mut esco_rel: FxHashMap<SkillIdx, Relation> = FxHashMap::default();
        if let Some(o) = role.esco {
            for &(s, r) in &tax.occupation(o).skills {
                if (opts.hold_out_essential && r == Relation::Essential)
                    || (opts.hold_out_optional && r == Relation::Optional)
                {
                    continue;
                }
                esco_rel.insert(s, r);
            }
        }
        let mut peer: FxHashMap<SkillIdx, (f64, u32, u32)> = FxHashMap::default();
        let mut n_peers = 0usize;
        if let Some(o) = role.esco {
            let g = tax.occupation(o).isco_group.as_str();
            if let Some(members) = self.groups.get(g) {
                for &p in members.iter().filter(|&&p| p != o) {
                    n_peers += 1;
                    for &(s, r) in &tax.occupation(p).skills {
                        let e = peer.entry(s).or_default();
                        match r {
                            Relation::Essential => {
                                e.0 += 1.0;
                                e.1 += 1;
                            }
                            Relation::Optional => {
                                e.0 += 0.5;
                                e.2 += 1;
                            }
                        }
                    }
                }
            }
        }
        // O*NET: per skill, the sum over the role's O*NET occupations of the
        // best value in each, then the mean.
        let mut onet_sum: FxHashMap<SkillIdx, (f64, u32, u32, u32, f64, String)> =
            FxHashMap::default(); // (sum, used, hot, demand, importance sum, names)
        let n_onet = role.onet.len();
        for &oi in &role.onet {
            let oo = &tax.onet_occupations[oi as usize];
            let mut best: FxHashMap<SkillIdx, (f64, bool, bool, bool, f64, String)> =
                FxHashMap::default();
            for u in &oo.technologies {
                let t = &tax.technologies[u.tech as usize];
                let v = 0.4 + if u.hot { 0.3 } else { 0.0 } + if u.in_demand { 0.3 } else { 0.0 };
                for &(s, by_category) in &self.tech_links[u.tech as usize] {
                    let e = best
                        .entry(s)
                        .or_insert((0.0, false, false, false, 0.0, String::new()));
                    // Prefer a technology named like the skill over one that
                    // only shares its category, at equal value.
                    if v > e.0 || (v == e.0 && !by_category && e.5.contains(" (O*NET category ")) {
                        e.0 = v;
                        e.5 = if by_category {
                            format!("{} (O*NET category {:?})", t.name, t.commodity_title)
                        } else {
                            t.name.clone()
                        };
                    }
                    e.1 = true;
                    e.2 |= u.hot;
                    e.3 |= u.in_demand;
                }
            }
            for r in &oo.skills {
                let v = f64::from(r.importance) / 5.0;
                for &s in &self.onet_elements[r.element as usize] {
                    let e = best
                        .entry(s)
                        .or_insert((0.0, false, false, false, 0.0, String::new()));
                    e.4 = e.4.max(f64::from(r.importance));
                    if v > e.0 {
                        e.0 = v;
                        e.5.clone_from(&tax.onet_skills[r.element as usize].name);
                    }
                }
            }
            for (s, b) in best {
                let e = onet_sum
                    .entry(s)
                    .or_insert((0.0, 0, 0, 0, 0.0, String::new()));
                e.0 += b.0;
                e.1 += u32::from(b.1);
                e.2 += u32::from(b.2);
                e.3 += u32::from(b.3);
                e.4 += b.4;
                if e.5.is_empty() {
                    e.5 = b.5;
                }
            }
        }
        let onet: FxHashMap<SkillIdx, (f64, String)> = onet_sum
            .into_iter()
            .map(|(s, (sum, used, hot, dem, imp, name))| {
                let why = if used > 0 {
                    format!(
                        "O*NET technology {name:?}: used in {used} of {n_onet} matching O*NET occupations, Hot Technology in {hot}, In Demand in {dem}"
                    )
                } else {
                    format!(
                        "O*NET skill {name:?}: mean importance {:.2}/5 over {n_onet} matching O*NET occupations",
                        imp / n_onet as f64
                    )
                };
                (s, (sum / n_onet as f64, why))
            })
            .collect();

        // Candidate pool: the role's ESCO skills, O*NET-linked skills and
        // peers' essential skills.
        let mut pool: FxHashSet<SkillIdx> = esco_rel.keys().copied().collect();
        pool.extend(onet.keys().copied());
        pool.extend(peer.iter().filter(|(_, v)| v.1 > 0).map(|(k, _)| *k));
        let held_skipped = pool.iter().filter(|s| held.contains(s)).count();
        pool.retain(|s| !held.contains(s));
        let names = role_names(tax, role);
        let before = pool.len();
        pool.retain(|&s| !names.contains(&stem_label(&tax.skill(s).preferred)));
        let role_named_skipped = before - pool.len();

        let max_share = pool
            .iter()
            .filter_map(|&s| {
                by_uri
                    .as_ref()?
                    .get(tax.skill(s).uri.as_str())
                    .map(|st| st.share)
            })
            .fold(0.0f64, f64::max);

        // O*NET's skill ratings, through the crosswalk onto ESCO's groups:
        // what the occupation itself rates as important. They stand in for
        // the market where the role has no postings; where it has some,
        // demand speaks and the ratings would only lift every generic
        // analysis skill past the tools the postings ask for (SQL).
        let (rated, rated_n) = if market.is_some() {
            (FxHashMap::default(), FxHashMap::default())
        } else {
            self.onet_ratings(role, &pool)
        };
        let rated_share = |s: &SkillIdx| {
            rated_n
                .get(s)
                .map_or(0.0, |&k| k as f64 / n_onet.max(1) as f64)
        };

        // Peers relative to the candidate most needed by peers, so the
        // component spreads over 0..=1 whatever the group's size.
        let max_peer = pool
            .iter()
            .filter_map(|s| peer.get(s).map(|p| p.0))
            .fold(0.0f64, f64::max)
            .max(1.0);
        let mut cands: Vec<Candidate> = pool
            .iter()
            .map(|&s| {
                let sk = tax.skill(s);
                let mut comps = Vec::with_capacity(6);
                let mut push = |name: &'static str, value: f64, evidence: String| {
                    let w = weight(name);
                    comps.push(Component {
                        name,
                        value,
                        weight: w,
                        points: value * w,
                        evidence,
                    });
                };
                let (v, why) = match (esco_rel.get(&s), role.esco) {
                    (Some(Relation::Essential), Some(o)) => {
                        (1.0, format!("essential for {}", tax.occupation(o).preferred))
                    }
                    (Some(Relation::Optional), Some(o)) => {
                        (0.5, format!("optional for {}", tax.occupation(o).preferred))
                    }
                    (_, None) => (0.0, "no ESCO occupation for this role".into()),
                    _ if opts.hold_out_essential => (0.0, "not an optional skill of the role (essentials held out)".into()),
                    _ => (0.0, "not linked to the role in ESCO".into()),
                };
                push("esco", v, why);
                let (v, why) = match peer.get(&s) {
                    Some(&(w, e, o)) if n_peers > 0 => (
                        w / max_peer,
                        format!("essential for {e}, optional for {o} of {n_peers} occupations in the same ISCO group"),
                    ),
                    _ if n_peers == 0 => (0.0, "no peer occupations".into()),
                    _ => (0.0, format!("none of {n_peers} peer occupations lists it")),
                };
                push("peers", v, why);
                let by_rating = rated
                    .get(&s)
                    .map(|r| (crate::crosswalk::RATING_FACTOR * r.importance / 5.0 * rated_share(&s), r.reason.clone()));
                let (v, why) = match (onet.get(&s), by_rating) {
                    (Some((v, _)), Some(r)) if r.0 > *v => r,
                    (Some((v, why)), _) => (*v, why.clone()),
                    (None, Some(r)) => r,
                    (None, None) if role.onet.is_empty() => (0.0, "no O*NET occupation for this role".into()),
                    (None, None) => (0.0, "not among the O*NET occupation's technologies or rated skills".into()),
                };
                push("onet", v, why);
                let (v, why) = match (&by_uri, market) {
                    (Some(m), Some(rep)) => match m.get(sk.uri.as_str()) {
                        Some(st) => {
                            let base = if max_share > 0.0 { (st.share / max_share).sqrt() } else { 0.0 };
                            let (adj, tr) = match &st.trend {
                                Some(t) if t.significant && t.slope_per_month > 0.0 => (0.2, format!(", rising {:+.1} pts/month (p={:.3})", 100.0 * t.slope_per_month, t.p_value)),
                                Some(t) if t.significant => (-0.2, format!(", falling {:+.1} pts/month (p={:.3})", 100.0 * t.slope_per_month, t.p_value)),
                                Some(t) => (0.0, format!(", trend flat (p={:.2})", t.p_value)),
                                None => (0.0, String::new()),
                            };
                            let few = if shrink < 1.0 {
                                format!("; only {} postings: ×{shrink:.2}", rep.postings)
                            } else {
                                String::new()
                            };
                            (
                                (base + adj).clamp(0.0, 1.0) * shrink,
                                format!(
                                    "in {} of {} {} postings ({:.1}%, 95% CI {:.1}–{:.1}%){tr}{few}",
                                    st.postings,
                                    rep.postings,
                                    role.title(),
                                    100.0 * st.share,
                                    100.0 * st.ci_low,
                                    100.0 * st.ci_high
                                ),
                            )
                        }
                        None => (0.0, format!("in none of {} {} postings", rep.postings, role.title())),
                    },
                    _ => (
                        0.0,
                        market_note.clone().unwrap_or_else(|| "no postings given".into()),
                    ),
                };
                push("market", v, why);
                let (v, why) = self.closeness(s, &profile.held, by_uri.as_ref());
                push("closeness", v, why);
                let (v, why) = self.microness(s);
                push("micro", v, why);
                let score = comps.iter().map(|c| c.points).sum();
                Candidate {
                    rank: 0,
                    skill: s,
                    uri: sk.uri.clone(),
                    label: sk.preferred.clone(),
                    skill_type: sk.skill_type.as_str().to_string(),
                    reuse_level: sk.reuse_level.as_str().to_string(),
                    score,
                    broad: self.is_broad(s),
                    components: comps,
                    narrower: Vec::new(),
                    onet_rating: rated.get(&s).cloned(),
                }
            })
            .collect();
        cands.sort_by(by_score_then_evidence);
        let scores: FxHashMap<SkillIdx, f64> = cands.iter().map(|c| (c.skill, c.score)).collect();
        let (mut arcs, mut micro): (Vec<Candidate>, Vec<Candidate>) =
            cands.into_iter().partition(|c| c.broad);
        // A step of an arc must itself be linked to the role (ESCO, O*NET)
        // or to its ISCO-group peers.
        let linked =
            |n: &SkillIdx| esco_rel.contains_key(n) || peer.contains_key(n) || onet.contains_key(n);
        for a in &mut arcs {
            let mut steps: Vec<(f64, SkillIdx)> = tax
                .skill(a.skill)
                .narrower
                .iter()
                .filter(|n| !held.contains(n) && linked(n))
                .map(|&n| {
                    (
                        scores.get(&n).copied().unwrap_or(0.0) + self.microness(n).0 * 0.01,
                        n,
                    )
                })
                .collect();
            steps.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
            a.narrower = steps
                .into_iter()
                .take(5)
                .map(|(_, n)| NarrowerStep {
                    uri: tax.skill(n).uri.clone(),
                    label: tax.skill(n).preferred.clone(),
                })
                .collect();
        }
        // A broad skill none of whose parts is linked to the role is no arc:
        // it competes as one candidate (statistics for a data analyst).
        let (arcs_kept, stepless): (Vec<Candidate>, Vec<Candidate>) =
            arcs.into_iter().partition(|a| !a.narrower.is_empty());
        let mut arcs = arcs_kept;
        if !stepless.is_empty() {
            micro.extend(stepless);
            micro.sort_by(by_score_then_evidence);
        }
        for (i, c) in micro.iter_mut().enumerate() {
            c.rank = i + 1;
        }
        for (i, c) in arcs.iter_mut().enumerate() {
            c.rank = i + 1;
        }
        Ranking {
            role: role.clone(),
            micro,
            arcs,
            held_skipped,
            market_postings: market.map_or(0, |m| m.postings),
            market_note,
            role_named_skipped,
        }
    }
}

/// The stable key of a role: its ESCO URI, else its first O*NET-SOC code,
/// else the query (as [`crate::titles::TitleFilter`] keys it).
pub fn role_key(role: &Role) -> String {
    role.esco_uri
        .clone()
        .or_else(|| role.onet_occupations.first().map(|o| o.code.clone()))
        .unwrap_or_else(|| role.query.clone())
}

/// How many independent sources back a candidate (ESCO, peers, O*NET, postings).
fn evidence_sources(c: &Candidate) -> usize {
    c.components
        .iter()
        .filter(|x| matches!(x.name, "esco" | "peers" | "onet" | "market") && x.value > 0.0)
        .count()
}

fn component(c: &Candidate, name: &str) -> f64 {
    c.components
        .iter()
        .find(|x| x.name == name)
        .map_or(0.0, |x| x.value)
}

/// Best score first; equal scores (to 1e-9) by evidence: more independent
/// sources, then the larger market share, then the more peers; the label
/// only decides between candidates with identical evidence.
pub fn by_score_then_evidence(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    by_score_and_evidence(a, b)
        .then(a.label.cmp(&b.label))
        .then(a.uri.cmp(&b.uri))
}

/// [`by_score_then_evidence`] without its last, arbitrary tie-breaks (label
/// and URI): equal means the evidence cannot tell the two apart, and a
/// caller may break the tie on what it knows (the micro-skills of each).
pub fn by_score_and_evidence(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    let sa = (a.score * 1e9).round();
    let sb = (b.score * 1e9).round();
    sb.total_cmp(&sa)
        .then(evidence_sources(b).cmp(&evidence_sources(a)))
        .then(component(b, "market").total_cmp(&component(a, "market")))
        .then(component(b, "peers").total_cmp(&component(a, "peers")))
}

/// A label reduced to crude word stems, so `plumbing` meets `plumber` and
/// `nursing` meets `nurse`.
pub fn stem_label(label: &str) -> Vec<String> {
    const SUFFIXES: &[&str] = &[
        "ists", "ers", "ors", "ing", "ist", "ant", "er", "or", "es", "s", "e", "y",
    ];
    mm_taxonomy::normalize::tokens(label)
        .into_iter()
        .map(|w| {
            for suf in SUFFIXES {
                if let Some(stem) = w.strip_suffix(suf)
                    && stem.chars().count() >= 4
                {
                    return stem.to_string();
                }
            }
            w
        })
        .collect()
}

/// The role's own names, stemmed: the query, the ESCO occupation's labels
/// and the O*NET titles.
fn role_names(tax: &Taxonomy, role: &Role) -> FxHashSet<Vec<String>> {
    let mut names: FxHashSet<Vec<String>> = FxHashSet::default();
    names.insert(stem_label(&role.query));
    if let Some(o) = role.esco {
        let occ = tax.occupation(o);
        names.insert(stem_label(&occ.preferred));
        for a in &occ.alt {
            names.insert(stem_label(a));
        }
    }
    for o in &role.onet_occupations {
        names.insert(stem_label(&o.title));
    }
    names.remove(&Vec::new());
    names
}

/// The broader concepts and related knowledge of a skill: the principles a
/// micro-skill carved from it rests on.
pub fn principles(tax: &Taxonomy, s: SkillIdx, max: usize) -> Vec<(String, String)> {
    let sk = tax.skill(s);
    let mut out: Vec<(String, String)> = Vec::new();
    for &b in &sk.broader {
        let (uri, label) = tax.concept_label(b);
        let desc = match b {
            ConceptRef::Skill(i) => tax.skill(i).description.clone(),
            ConceptRef::Group(g) => tax.skill_groups[g as usize].description.clone(),
        };
        if !out.iter().any(|o| o.0 == label) {
            out.push((
                label.to_string(),
                first_sentence(&desc).unwrap_or_else(|| uri.to_string()),
            ));
        }
    }
    let mut related: Vec<(SkillIdx, Relation)> = sk.related.clone();
    related.sort_by_key(|r| {
        (
            tax.skill(r.0).skill_type != SkillType::Knowledge,
            r.1 != Relation::Essential,
            r.0,
        )
    });
    for (r, _) in related {
        let rs = tax.skill(r);
        if !out.iter().any(|o| o.0 == rs.preferred) {
            out.push((
                rs.preferred.clone(),
                first_sentence(&rs.description).unwrap_or_default(),
            ));
        }
    }
    out.truncate(max);
    out
}

fn first_sentence(s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let end = t.find(". ").map_or(t.len(), |i| i + 1);
    Some(t[..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(label: &str, score: f64, comps: &[(&'static str, f64)]) -> Candidate {
        Candidate {
            rank: 0,
            skill: 0,
            uri: format!("u:{label}"),
            label: label.into(),
            skill_type: String::new(),
            reuse_level: String::new(),
            score,
            broad: false,
            components: comps
                .iter()
                .map(|&(name, value)| Component {
                    name,
                    value,
                    weight: weight(name),
                    points: value * weight(name),
                    evidence: String::new(),
                })
                .collect(),
            narrower: Vec::new(),
            onet_rating: None,
        }
    }

    #[test]
    fn equal_scores_are_ordered_by_evidence_not_by_name() {
        // Same score: "a" rests on one source, "z" on three.
        let a = cand("a", 0.5, &[("esco", 1.0), ("micro", 1.0)]);
        let z = cand(
            "z",
            0.5 + 1e-12,
            &[("peers", 0.5), ("onet", 0.4), ("market", 0.2)],
        );
        let mut v = [a.clone(), z.clone()];
        v.sort_by(by_score_then_evidence);
        assert_eq!(v[0].label, "z");
        // With equal sources, the larger market share wins.
        let b = cand("b", 0.5, &[("esco", 1.0), ("market", 0.1)]);
        let y = cand("y", 0.5, &[("esco", 1.0), ("market", 0.3)]);
        let mut v = [b, y];
        v.sort_by(by_score_then_evidence);
        assert_eq!(v[0].label, "y");
        // A higher score still wins over more evidence.
        let hi = cand("hi", 0.6, &[("esco", 1.0)]);
        let mut v = [z, hi];
        v.sort_by(by_score_then_evidence);
        assert_eq!(v[0].label, "hi");
    }

    #[test]
    fn stems_meet_role_names() {
        for (a, b) in [
            ("plumbing", "plumber"),
            ("nursing", "nurse"),
            ("welding", "welder"),
            ("accounting", "accountant"),
        ] {
            assert_eq!(stem_label(a), stem_label(b), "{a} / {b}");
        }
        // `-ian` is no suffix here: statistics is not a statistician's own name.
        for (a, b) in [
            ("data analysis", "data analyst"),
            ("SQL", "software"),
            ("statistics", "statisticians"),
            ("physics", "physician"),
        ] {
            assert_ne!(stem_label(a), stem_label(b), "{a} / {b}");
        }
    }
}
