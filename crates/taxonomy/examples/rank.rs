//! Print the lexical, static and fused top 5 for each argument, for error
//! analysis: `cargo run -p mm-taxonomy --example rank -- "pivot tables"`.

use mm_taxonomy::Taxonomy;
use mm_taxonomy::map::PhraseMapper;

fn main() -> Result<(), mm_taxonomy::Error> {
    let tax = Taxonomy::load_embedded()?;
    let m = PhraseMapper::new(&tax)?;
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
    }
    Ok(())
}
