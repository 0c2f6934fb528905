//! CASE 1.1: the exported CFPackage is valid against the published JSON
//! Schema, and importing it gives back exactly the micro-skills exported.
//! The schema and the OpenSALT examples are read from `MM_SHARED_DIR`.

use mm_micro::case::{ExportOptions, export, import};
use mm_micro::catalogue::Catalogue;
use mm_micro::{CatalogueMicroSkill, ParentRef, Source};
use mm_taxonomy::Taxonomy;
use serde_json::Value;
use std::path::PathBuf;

fn shared(rel: &str) -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("MM_SHARED_DIR") else {
        eprintln!("skipping: set MM_SHARED_DIR to the shared data folder to check {rel}");
        return None;
    };
    let p = PathBuf::from(dir).join(rel);
    if !p.exists() {
        eprintln!("skipping: {} is missing", p.display());
        return None;
    }
    Some(p)
}

fn validator() -> Option<jsonschema::Validator> {
    let p = shared("standards/case/schemas/case_v1p1_cfpackage-jsonschema1.json")?;
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
    Some(
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft201909)
            .should_validate_formats(true)
            .build(&schema)
            .unwrap(),
    )
}

fn label(tax: &Taxonomy) -> impl Fn(&ParentRef) -> String + '_ {
    move |p| match p {
        ParentRef::Esco(u) => tax
            .skill_by_uri(u)
            .map_or(u.clone(), |i| tax.skill(i).preferred.clone()),
        other => other.to_string(),
    }
}

fn errors(v: &jsonschema::Validator, pkg: &Value) -> Vec<String> {
    v.iter_errors(pkg)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn curated_catalogue_round_trips_through_a_valid_cfpackage() {
    let tax = Taxonomy::load_embedded().unwrap();
    let cat = Catalogue::curated().unwrap();
    let all: Vec<&CatalogueMicroSkill> = cat.entries().iter().collect();
    let pkg = export(&all, &ExportOptions::default(), label(&tax));

    // isChildOf the parent concept, and the parent exactMatchOf ESCO.
    let assocs = pkg["CFAssociations"].as_array().unwrap();
    let n_exact = assocs
        .iter()
        .filter(|a| a["associationType"] == "exactMatchOf")
        .filter(|a| {
            a["destinationNodeURI"]["uri"]
                .as_str()
                .unwrap()
                .starts_with("http://data.europa.eu/esco/")
        })
        .count();
    let distinct_esco: std::collections::HashSet<&str> =
        all.iter().flat_map(|m| m.esco_parents()).collect();
    assert_eq!(n_exact, distinct_esco.len());
    assert!(assocs.iter().any(|a| a["associationType"] == "isChildOf"));
    assert!(assocs.iter().any(|a| a["associationType"] == "precedes"));

    // Lossless: the same entries, field for field, in the same order.
    let back = import(&pkg.to_string()).unwrap();
    assert_eq!(back.len(), all.len());
    for (a, b) in all.iter().zip(&back) {
        assert_eq!(*a, b, "{} changed in the round trip", a.id);
    }
    // Deterministic: the same catalogue exports the same package.
    assert_eq!(pkg, export(&all, &ExportOptions::default(), label(&tax)));

    if let Some(v) = validator() {
        let errs = errors(&v, &pkg);
        assert!(
            errs.is_empty(),
            "{} schema errors, first: {:?}",
            errs.len(),
            &errs[..errs.len().min(5)]
        );
    }
}

#[test]
fn generated_and_personal_entries_round_trip_too() {
    let tax = Taxonomy::load_embedded().unwrap();
    let occ = &tax.onet_occupations[0];
    let mut carved = mm_micro::onet::carve_occupation(occ);
    carved.truncate(2);
    let mut own = carved[0].clone();
    own.id = "my-own".into();
    own.name = "Write my own thing".into();
    own.source = Source::Personal;
    own.parents.clear();
    own.hours = None;
    own.share = Some(0.125);
    carved.push(own);
    let refs: Vec<&CatalogueMicroSkill> = carved.iter().collect();
    let pkg = export(&refs, &ExportOptions::default(), label(&tax));
    assert_eq!(import(&pkg.to_string()).unwrap(), carved);
    if let Some(v) = validator() {
        assert!(errors(&v, &pkg).is_empty());
    }
}

#[test]
fn foreign_frameworks_import_leniently() {
    for f in [
        "opensalt-smartlevel-test.cfpackage.json",
        "opensalt-what-standards-could-be.cfpackage.json",
    ] {
        let Some(p) = shared(&format!("standards/case/examples/{f}")) else {
            return;
        };
        let text = std::fs::read_to_string(p).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        let items = import(&text).unwrap();
        assert_eq!(items.len(), v["CFItems"].as_array().unwrap().len(), "{f}");
        for m in &items {
            assert_eq!(m.source, Source::Case);
            assert!(!m.name.is_empty() && !m.done_when.is_empty(), "{f}: {m:?}");
            assert!(mm_micro::model::is_slug(&m.id), "{}", m.id);
        }
        let ids: std::collections::HashSet<&str> = items.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids.len(), items.len(), "{f}: ids are unique");
    }
}

#[test]
fn not_a_package_is_refused_with_a_reason() {
    let err = import("{\"hello\": 1}").unwrap_err().to_string();
    assert!(err.contains("no CFDocument"), "{err}");
    let err = import("not json").unwrap_err().to_string();
    assert!(err.starts_with("CFPackage"), "{err}");
}
