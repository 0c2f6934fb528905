//! Hold-out evaluation of `mm discover`: for a deterministic sample of ESCO
//! occupations, hide the occupation's ESCO *essential* skills and measure how
//! many of them the ranking finds in its top 10 and 20 from the other
//! signals alone (optional relations, ISCO-group peers, O*NET, micro-ness).
//! A popularity baseline (skills most often essential anywhere, minus this
//! occupation's own relation) runs in the same pass.
//!
//! Usage: cargo run --release -p mm-discover --bin discover-eval [-- N]

use mm_discover::rank::{Profile, RankOptions, Ranker, resolve_occupation};
use mm_taxonomy::occupations::OccupationIndex;
use mm_taxonomy::{Relation, SkillIdx, Taxonomy};
use std::collections::HashSet;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let tax = Taxonomy::load_embedded().expect("embedded taxonomy");
    let idx = OccupationIndex::new(&tax);
    let ranker = Ranker::new(&tax);
    // Popularity: number of occupations for which a skill is essential.
    let mut pop = vec![0u32; tax.skills.len()];
    for o in &tax.occupations {
        for &(s, r) in &o.skills {
            if r == Relation::Essential {
                pop[s as usize] += 1;
            }
        }
    }
    let eligible: Vec<u32> = (0..tax.occupations.len() as u32)
        .filter(|&i| {
            tax.occupation(i)
                .skills
                .iter()
                .filter(|s| s.1 == Relation::Essential)
                .count()
                >= 5
        })
        .collect();
    let step = (eligible.len() / n.max(1)).max(1);
    let sample: Vec<u32> = eligible.iter().step_by(step).take(n).copied().collect();
    let (mut r10, mut r20, mut b10, mut b20) = (0.0, 0.0, 0.0, 0.0);
    let (mut n10, mut n20) = (0.0, 0.0);
    let started = std::time::Instant::now();
    for &o in &sample {
        let occ = tax.occupation(o);
        let truth: HashSet<SkillIdx> = occ
            .skills
            .iter()
            .filter(|s| s.1 == Relation::Essential)
            .map(|s| s.0)
            .collect();
        let role = resolve_occupation(&tax, &idx, &occ.uri).expect("occupation exists");
        let ranking = ranker.rank(
            &role,
            &Profile::default(),
            None,
            RankOptions {
                hold_out_essential: true,
                hold_out_optional: false,
            },
        );
        let no_esco = ranker.rank(
            &role,
            &Profile::default(),
            None,
            RankOptions {
                hold_out_essential: true,
                hold_out_optional: true,
            },
        );
        let no_esco: Vec<SkillIdx> = no_esco.all().iter().map(|c| c.skill).collect();
        let ranked: Vec<SkillIdx> = ranking.all().iter().map(|c| c.skill).collect();
        let recall = |list: &[SkillIdx], k: usize| {
            list.iter().take(k).filter(|s| truth.contains(s)).count() as f64 / truth.len() as f64
        };
        r10 += recall(&ranked, 10);
        r20 += recall(&ranked, 20);
        n10 += recall(&no_esco, 10);
        n20 += recall(&no_esco, 20);
        // Baseline: global popularity without this occupation's own relations.
        let mut base: Vec<(u32, SkillIdx)> = (0..tax.skills.len() as u32)
            .map(|s| (pop[s as usize] - u32::from(truth.contains(&s)), s))
            .collect();
        base.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let base: Vec<SkillIdx> = base.into_iter().take(20).map(|x| x.1).collect();
        b10 += recall(&base, 10);
        b20 += recall(&base, 20);
    }
    let m = sample.len() as f64;
    println!(
        "occupations: {} (every {}th of {} with >= 5 essential skills), {:.1} s",
        sample.len(),
        step,
        eligible.len(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "discover (essentials held out): recall@10 {:.3}  recall@20 {:.3}",
        r10 / m,
        r20 / m
    );
    println!(
        "discover (all ESCO relations of the occupation held out): recall@10 {:.3}  recall@20 {:.3}",
        n10 / m,
        n20 / m
    );
    println!(
        "popularity baseline:            recall@10 {:.3}  recall@20 {:.3}",
        b10 / m,
        b20 / m
    );
    println!(
        "ratio discover / baseline:      @10 {:.2}x  @20 {:.2}x",
        r10 / b10.max(1e-9),
        r20 / b20.max(1e-9)
    );
}
