//! What to tackle after a goal is achieved: skills adjacent to the achieved
//! ones in the taxonomy (ESCO relations, broader/narrower, siblings) or in
//! the market (co-occurrence), weighted by demand for the target role, each
//! with its reasons.

use crate::market::MarketReport;
use crate::rank::{Ranker, Role};
use mm_taxonomy::{ConceptRef, Relation, SkillIdx};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;

/// One suggestion with the reasons behind it.
#[derive(Debug, Clone, Serialize)]
pub struct NextSkill {
    pub rank: usize,
    pub uri: String,
    pub label: String,
    pub score: f64,
    pub reasons: Vec<String>,
}

/// Suggest up to `top` skills to learn after `achieved`, leaving out `held`.
pub fn suggest(
    ranker: &Ranker<'_>,
    achieved: &[SkillIdx],
    held: &[SkillIdx],
    role: Option<&Role>,
    market: Option<&MarketReport>,
    top: usize,
) -> Vec<NextSkill> {
    let tax = ranker.taxonomy();
    let held: FxHashSet<SkillIdx> = held.iter().chain(achieved).copied().collect();
    // adjacency value and reasons per candidate
    let mut adj: FxHashMap<SkillIdx, (f64, Vec<String>)> = FxHashMap::default();
    let mut add = |s: SkillIdx, v: f64, why: String| {
        if held.contains(&s) {
            return;
        }
        let e = adj.entry(s).or_insert((0.0, Vec::new()));
        e.0 = e.0.max(v);
        if !e.1.contains(&why) {
            e.1.push(why);
        }
    };
    let by_uri = market.map(|m| m.by_uri());
    let role_skills: Vec<SkillIdx> = role
        .and_then(|r| r.esco)
        .map(|o| tax.occupation(o).skills.iter().map(|s| s.0).collect())
        .unwrap_or_default();
    for &a in achieved {
        let sk = tax.skill(a);
        for &(r, rel) in &sk.related {
            let kind = if rel == Relation::Essential {
                "essential"
            } else {
                "optional"
            };
            add(
                r,
                1.0,
                format!("ESCO links it to {:?} ({kind})", sk.preferred),
            );
        }
        for &n in &sk.narrower {
            add(n, 0.8, format!("a narrower part of {:?}", sk.preferred));
        }
        for &b in &sk.broader {
            if let ConceptRef::Group(_) = b {
                // Skill groups are large: only the role's own skills in the
                // same group count as neighbours.
                for &rs in &role_skills {
                    if rs != a && tax.skill(rs).broader.contains(&b) {
                        add(
                            rs,
                            0.6,
                            format!(
                                "in the same ESCO group {:?} as {:?}",
                                tax.concept_label(b).1,
                                sk.preferred
                            ),
                        );
                    }
                }
            }
            if let ConceptRef::Skill(p) = b {
                add(
                    p,
                    0.6,
                    format!("the broader skill {:?} builds on", sk.preferred),
                );
                for &sib in &tax.skill(p).narrower {
                    if sib != a {
                        add(
                            sib,
                            0.7,
                            format!(
                                "a sibling of {:?} under {:?}",
                                sk.preferred,
                                tax.skill(p).preferred
                            ),
                        );
                    }
                }
            }
        }
        if let Some(m) = &by_uri
            && let Some(st) = m.get(sk.uri.as_str())
        {
            for c in &st.cooccurs {
                if let Some(s) = tax.skill_by_uri(&c.uri) {
                    add(
                        s,
                        (0.4 + 0.1 * c.lift.min(6.0)).min(1.0),
                        format!(
                            "asked for together with {:?} in {} postings (lift {:.1})",
                            sk.preferred, c.together, c.lift
                        ),
                    );
                }
            }
        }
    }
    let role_rel: FxHashMap<SkillIdx, Relation> = role
        .and_then(|r| r.esco)
        .map(|o| tax.occupation(o).skills.iter().copied().collect())
        .unwrap_or_default();
    let mut out: Vec<NextSkill> = adj
        .into_iter()
        .map(|(s, (a, mut reasons))| {
            let sk = tax.skill(s);
            let demand = match (role_rel.get(&s), role) {
                (Some(Relation::Essential), Some(r)) => {
                    reasons.push(format!("essential for {}", r.title()));
                    1.0
                }
                (Some(Relation::Optional), Some(r)) => {
                    reasons.push(format!("optional for {}", r.title()));
                    0.5
                }
                _ => 0.0,
            };
            let share = by_uri
                .as_ref()
                .and_then(|m| m.get(sk.uri.as_str()))
                .map_or(0.0, |st| {
                    reasons.push(format!("in {:.1}% of postings", 100.0 * st.share));
                    st.share
                });
            let (micro, _) = ranker.microness(s);
            let score = 0.45 * a + 0.30 * demand + 0.15 * share.sqrt().min(1.0) + 0.10 * micro;
            NextSkill {
                rank: 0,
                uri: sk.uri.clone(),
                label: sk.preferred.clone(),
                score,
                reasons,
            }
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.uri.cmp(&b.uri)));
    out.truncate(top);
    for (i, n) in out.iter_mut().enumerate() {
        n.rank = i + 1;
    }
    out
}
