//! Grid search of the lexical ranker's weights on the validation splits
//! (never on test data). Usage:
//! cargo run --release -p mm-taxonomy --example tune -- tech_validation_annotations.csv house_validation_annotations.csv
use mm_taxonomy::{Taxonomy, eval, map::Mapper};

fn main() {
    let tax = Taxonomy::load_embedded().expect("taxonomy");
    let mut mapper = Mapper::new(&tax);
    let files: Vec<String> = std::env::args().skip(1).collect();
    let benches: Vec<_> = files
        .iter()
        .map(|f| eval::read_benchmark(std::fs::File::open(f).expect("open"), f).expect("read"))
        .collect();
    let base = mapper.weights;
    let mut run = |w: mm_taxonomy::map::Weights, tag: &str| {
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
    run(base, "base");
    for v in [0.0, 1.0, 2.0, 5.0] {
        run(
            mm_taxonomy::map::Weights {
                preferred: v,
                ..base
            },
            &format!("preferred {v}"),
        );
    }
    for v in [0.3, 2.0] {
        run(
            mm_taxonomy::map::Weights { alt: v, ..base },
            &format!("alt {v}"),
        );
    }
    for v in [0.2, 0.4, 1.0, 1.5] {
        run(
            mm_taxonomy::map::Weights {
                description: v,
                ..base
            },
            &format!("desc {v}"),
        );
    }
    for v in [0.0, 4.0, 25.0] {
        run(
            mm_taxonomy::map::Weights { mention: v, ..base },
            &format!("mention {v}"),
        );
    }
    for v in [0.0, 1.0, 4.0] {
        run(
            mm_taxonomy::map::Weights {
                coverage: v,
                ..base
            },
            &format!("coverage {v}"),
        );
    }
    for v in [0.0, 0.4, 1.0] {
        run(
            mm_taxonomy::map::Weights { prior: v, ..base },
            &format!("prior {v}"),
        );
    }
    for v in [0.0, 0.5] {
        run(
            mm_taxonomy::map::Weights { broader: v, ..base },
            &format!("broader {v}"),
        );
    }
    for v in [0.5, 2.0] {
        run(
            mm_taxonomy::map::Weights { k1: v, ..base },
            &format!("k1 {v}"),
        );
    }
    for v in [0.3, 1.0] {
        run(
            mm_taxonomy::map::Weights { b: v, ..base },
            &format!("b {v}"),
        );
    }
}
