//! Print the lexical, static and fused top 5 for each argument, for error
//! analysis: `cargo run -p mm-taxonomy --example rank -- "pivot tables"`.

use mm_taxonomy::Taxonomy;
use mm_taxonomy::map::PhraseMapper;

fn main() -> Result<(), mm_taxonomy::Error> {
    let tax = Taxonomy::load_embedded()?;
    let mut m = PhraseMapper::new(&tax)?;
    if let Some(p) = std::env::var("MM_MICRO").ok().and_then(|s| s.parse().ok()) {
        m.lexical_mut().weights.micro = p;
    }
    if let Some(p) = std::env::var("MM_HEAD").ok().and_then(|s| s.parse().ok()) {
        m.lexical_mut().weights.head = p;
    }
    if let Some(p) = std::env::var("MM_PRIOR").ok().and_then(|s| s.parse().ok()) {
        m.lexical_mut().weights.prior = p;
    }
    for q in std::env::args().skip(1) {
        println!("{q:?}");
        let show = |name: &str, v: Vec<(mm_taxonomy::SkillIdx, f32)>| {
            let s: Vec<String> = v
                .iter()
                .map(|&(i, s)| format!("{} ({s:.3})", tax.skill(i).preferred))
                .collect();
            println!("  {name:<8} {}", s.join(" | "));
        };
        show("lexical", m.lexical().rank(&q, 5));
        show("static", m.rank_static(&q, 5));
        show("fused", m.rank(&q, 5));
        let micro: Vec<String> = m
            .lexical()
            .micro_exact(&q)
            .iter()
            .map(|&(i, n)| format!("{} ×{n}", tax.skill(i).preferred))
            .collect();
        if !micro.is_empty() {
            println!("  micro    {}", micro.join(" | "));
        }
        if let Ok(want) = std::env::var("MM_FIND") {
            let pos = |v: Vec<(mm_taxonomy::SkillIdx, f32)>| {
                v.iter()
                    .position(|&(i, _)| tax.skill(i).preferred == want)
                    .map(|p| (p + 1, v[p].1))
            };
            println!(
                "  {want:?}: lexical {:?} static {:?} fused {:?}",
                pos(m.lexical().rank(&q, 500)),
                pos(m.rank_static(&q, 500)),
                pos(m.rank(&q, 500))
            );
        }
    }
    Ok(())
}
