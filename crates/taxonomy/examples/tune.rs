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
    let b2 = mm_taxonomy::map::Weights {
        preferred: 5.0,
        b: 1.0,
        broader: 0.0,
        mention: 25.0,
        coverage: 1.0,
        ..base
    };
    run(b2, "combo");
    for v in [4.0, 8.0] {
        run(
            mm_taxonomy::map::Weights { preferred: v, ..b2 },
            &format!("combo preferred {v}"),
        );
    }
    for v in [0.3, 0.6] {
        run(
            mm_taxonomy::map::Weights {
                description: v * 0.5,
                ..b2
            },
            &format!("combo desc {}", v * 0.5),
        );
    }
    for v in [0.0, 2.0] {
        run(
            mm_taxonomy::map::Weights { coverage: v, ..b2 },
            &format!("combo coverage {v}"),
        );
    }
    for v in [0.0, 0.3] {
        run(
            mm_taxonomy::map::Weights { prior: v, ..b2 },
            &format!("combo prior {v}"),
        );
    }
    for v in [0.5, 1.5] {
        run(
            mm_taxonomy::map::Weights { alt: v, ..b2 },
            &format!("combo alt {v}"),
        );
    }
    for v in [0.05] {
        run(
            mm_taxonomy::map::Weights { broader: v, ..b2 },
            &format!("combo broader {v}"),
        );
    }
    for v in [0.9] {
        run(
            mm_taxonomy::map::Weights { b: v, ..b2 },
            &format!("combo b {v}"),
        );
    }
}
