//! Grid over the fusion parameters of `PhraseMapper` on development data
//! only: the development half of `tests/data/everyday_phrases.csv` (P@1,
//! P@3) and the benchmark's VALIDATION splits (RP@5). Never the test splits.
//!
//!     MM_SHARED_DIR=/work/shared cargo run -p mm-taxonomy --example tune_fusion

use mm_taxonomy::Taxonomy;
use mm_taxonomy::eval::{read_benchmark, score};
use mm_taxonomy::map::{Fusion, PhraseMapper};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tax = Taxonomy::load_embedded()?;
    let mut m = PhraseMapper::new(&tax)?;
    if let Some(p) = std::env::var("MM_PAIR").ok().and_then(|s| s.parse().ok()) {
        m.lexical_mut().weights.pair = p;
    }
    if let Some(p) = std::env::var("MM_PRIOR").ok().and_then(|s| s.parse().ok()) {
        m.lexical_mut().weights.prior = p;
    }
    if let Some(p) = std::env::var("MM_BMICRO").ok().and_then(|s| s.parse().ok()) {
        m.lexical_mut().weights.b_micro = p;
    }
    if let Some(p) = std::env::var("MM_HEAD").ok().and_then(|s| s.parse().ok()) {
        m.lexical_mut().weights.head = p;
    }
    if let Some(p) = std::env::var("MM_MICRO").ok().and_then(|s| s.parse().ok()) {
        m.lexical_mut().weights.micro = p;
    }
    if let Some(p) = std::env::var("MM_TYPO").ok().and_then(|s| s.parse().ok()) {
        m.lexical_mut().weights.typo_max_words = p;
    }
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/everyday_phrases.csv"
    );
    let mut dev: Vec<(String, Vec<String>)> = Vec::new();
    for rec in csv::Reader::from_path(path)?.records() {
        let rec = rec?;
        if &rec[2] == "dev" {
            dev.push((
                rec[0].to_string(),
                rec[1].split('|').map(String::from).collect(),
            ));
        }
    }
    let shared = std::env::var("MM_SHARED_DIR").map_err(|_| "set MM_SHARED_DIR")?;
    let mut vals = Vec::new();
    for f in [
        "tech_validation_annotations.csv",
        "house_validation_annotations.csv",
    ] {
        let p = format!("{shared}/data/benchmarks/{f}");
        vals.push((f, read_benchmark(std::fs::File::open(&p)?, f)?));
    }
    let mut configs = vec![("lexical only".to_string(), None)];
    configs.push(("static only".to_string(), None));
    configs.push((
        "static only".to_string(),
        Some(Fusion {
            min_cosine: -1.0,
            ..Fusion::default()
        }),
    ));
    // MM_DEFAULT_ONLY=1: only the default fusion (to compare lexical weights).
    let sures: &[f32] = if std::env::var_os("MM_DEFAULT_ONLY").is_some() {
        configs.clear();
        let env = |k: &str, d: f32| {
            std::env::var(k)
                .ok()
                .and_then(|s| s.parse().ok())
                .unwrap_or(d)
        };
        let d = Fusion::default();
        configs.push((
            "default".to_string(),
            Some(Fusion {
                k: env("MM_K", d.k),
                lexical: env("MM_LEXW", d.lexical),
                semantic_long: env("MM_SEMLONG", d.semantic_long),
                micro: env("MM_MICRO_RANK", d.micro),
                ..d
            }),
        ));
        &[]
    } else {
        &[0.85, 0.9, 2.0]
    };
    for &sure in sures {
        for gap in [0.05, 0.1] {
            configs.push((
                format!("default, sure {sure} gap {gap}"),
                Some(Fusion {
                    sure_cosine: sure,
                    sure_gap: gap,
                    ..Fusion::default()
                }),
            ));
        }
    }
    for (name, cfg) in configs {
        let rank = |m: &PhraseMapper, q: &str, top: usize| match (name.as_str(), cfg) {
            ("lexical only", _) => m.lexical().rank(q, top),
            ("static only", _) => m.rank_static(q, top),
            _ => m.rank(q, top),
        };
        if let Some(c) = cfg {
            m.fusion = c;
        }
        let (mut p1, mut p3) = (0, 0);
        for (q, gold) in &dev {
            let top: Vec<&str> = rank(&m, q, 3)
                .iter()
                .map(|&(i, _)| tax.skill(i).preferred.as_str())
                .collect();
            p1 += usize::from(top.first().is_some_and(|t| gold.iter().any(|g| g == t)));
            p3 += usize::from(top.iter().any(|t| gold.iter().any(|g| g == t)));
        }
        let mut line = format!(
            "{name:<28} dev P@1 {:>5.1} P@3 {:>5.1}",
            100.0 * p1 as f64 / dev.len() as f64,
            100.0 * p3 as f64 / dev.len() as f64
        );
        for (f, b) in &vals {
            let ranked: Vec<Vec<String>> = b
                .scored
                .iter()
                .map(|s| {
                    rank(&m, &s.text, 100)
                        .into_iter()
                        .map(|(i, _)| tax.skill(i).preferred.clone())
                        .collect()
                })
                .collect();
            let r = score(&b.scored, &ranked);
            line += &format!("  {} RP@5 {:.1} RP@10 {:.1}", &f[..5], r.rp5, r.rp10);
        }
        println!("{line}");
    }
    Ok(())
}
