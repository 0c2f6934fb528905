//! Tests against the real source data under `$MM_SHARED_DIR` (default
//! `<workspace>/../shared`); each skips with a reason when it is absent.

use mm_taxonomy::extract::Extractor;
use mm_taxonomy::{Taxonomy, eval, import, map::Mapper};
use std::path::PathBuf;

fn shared() -> Option<PathBuf> {
    let dir = std::env::var_os("MM_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    if dir.join("data/esco/skills_en.csv").exists() {
        Some(dir)
    } else {
        eprintln!(
            "skipping: no shared data at {} (set MM_SHARED_DIR)",
            dir.display()
        );
        None
    }
}

/// The committed compiled taxonomy is exactly what `mm taxonomy build` makes
/// from the sources (like a schema check: rebuild and compare).
#[test]
fn shipped_taxonomy_matches_a_fresh_build() {
    let Some(dir) = shared() else { return };
    let fresh = import::build(&dir.join("data/esco"), &dir.join("data/onet")).unwrap();
    let shipped = Taxonomy::load_embedded().unwrap();
    let esco = fresh
        .skills
        .iter()
        .filter(|s| s.skill_type != mm_taxonomy::SkillType::Technology)
        .count();
    assert_eq!(esco, 13_896);
    assert_eq!(fresh.occupations.len(), 3_007);
    assert_eq!(fresh.onet_occupations.len(), 1_016);
    let onet_tech = fresh.technologies.iter().filter(|t| t.used_in > 0).count();
    assert_eq!(onet_tech, 8_775);
    // ESCO skills keep their indices: technology concepts come after them.
    assert!(
        fresh.skills[..esco]
            .iter()
            .all(|s| s.skill_type != mm_taxonomy::SkillType::Technology)
    );
    let rel: usize = fresh.occupations.iter().map(|o| o.skills.len()).sum();
    // 123,855 rows minus the 67 of the one occupation URI absent from occupations_en.csv.
    assert_eq!(rel, 123_788);
    assert_eq!(
        postcard::to_stdvec(&fresh).unwrap(),
        postcard::to_stdvec(&shipped).unwrap(),
        "data/taxonomy/taxonomy.bin.zst is stale: run `mm taxonomy build --from ../shared/data`"
    );
}

#[test]
fn validation_benchmarks_score_well_above_chance() {
    let Some(dir) = shared() else { return };
    let tax = Taxonomy::load_embedded().unwrap();
    let mapper = Mapper::new(&tax);
    for f in [
        "tech_validation_annotations.csv",
        "house_validation_annotations.csv",
    ] {
        let path = dir.join("data/benchmarks").join(f);
        let b = eval::read_benchmark(std::fs::File::open(&path).unwrap(), f).unwrap();
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
        // Counts from the benchmark README.
        let want = if f.starts_with("tech") { 75 } else { 61 };
        assert_eq!(m.sentences, want);
        assert!(m.rp5 > 30.0 && m.mrr > 30.0, "{f}: {m:?}");
    }
}

#[test]
fn postings_yield_known_skills() {
    let Some(dir) = shared() else { return };
    let tax = Taxonomy::load_embedded().unwrap();
    let ex = Extractor::new(&tax);
    let raw = std::fs::read_to_string(dir.join("data/postings/postings.jsonl")).unwrap();
    let mut labels = std::collections::HashMap::<String, usize>::new();
    for l in raw.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        let t = v["text"].as_str().unwrap();
        for m in ex.find(t) {
            *labels
                .entry(tax.skill(m.skill).preferred.clone())
                .or_default() += 1;
        }
    }
    for want in [
        "Python (computer programming)",
        "SQL",
        "JavaScript",
        "DevOps",
    ] {
        assert!(
            labels.get(want).copied().unwrap_or(0) > 5,
            "{want}: {:?}",
            labels.get(want)
        );
    }
}
