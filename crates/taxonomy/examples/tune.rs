//! Grid search of the lexical ranker's weights on the validation splits
//! (never on test data). Usage:
//! cargo run --release -p mm-taxonomy --example tune -- tech_validation_annotations.csv house_validation_annotations.csv
use mm_taxonomy::map::{Mapper, Weights};
use mm_taxonomy::{Taxonomy, eval};

fn main() {
    let tax = Taxonomy::load_embedded().expect("taxonomy");
    let mut mapper = Mapper::new(&tax);
    let files: Vec<String> = std::env::args().skip(1).collect();
    let benches: Vec<_> = files
        .iter()
        .map(|f| eval::read_benchmark(std::fs::File::open(f).expect("open"), f).expect("read"))
        .collect();
    let base = mapper.weights;
    let mut run = |w: Weights, tag: &str| {
        mapper.weights = w;
        let mut line = format!("{tag:<28}");
        let mut sum = 0.0;
        for b in &benches {
            let ranked: Vec<Vec<String>> = b
                .scored
                .iter()
                .map(|s| {
                    mapper
                        .rank(&s.text, 100)
                        .into_iter()
                        .map(|(i, _)| tax.skill(i).preferred.clone())
                        .collect()
                })
                .collect();
            let m = eval::score(&b.scored, &ranked);
            sum += m.rp5 + m.rp10;
            line += &format!(" RP5 {:5.2} RP10 {:5.2} MRR {:5.2} |", m.rp5, m.rp10, m.mrr);
        }
        println!("{line} sum {sum:.2}");
    };
    run(base, "defaults");
    // One weight at a time around the defaults.
    type Set = fn(&mut Weights, f32);
    let knobs: [(&str, Set, [f32; 2]); 9] = [
        ("k1", |w, v| w.k1 = v, [0.8, 1.6]),
        ("b", |w, v| w.b = v, [0.75, 0.9]),
        ("preferred", |w, v| w.preferred = v, [3.0, 8.0]),
        ("alt", |w, v| w.alt = v, [0.5, 1.5]),
        ("description", |w, v| w.description = v, [0.15, 0.6]),
        ("mention", |w, v| w.mention = v, [12.0, 40.0]),
        ("coverage", |w, v| w.coverage = v, [0.0, 2.0]),
        ("prior", |w, v| w.prior = v, [0.0, 0.3]),
        ("broader", |w, v| w.broader = v, [0.0, 0.1]),
    ];
    for (name, set, values) in knobs {
        for v in values {
            let mut w = base;
            set(&mut w, v);
            run(w, &format!("{name} {v}"));
        }
    }
}
