//! Role resolution and the technology layer, end to end through `mm`.

use crate::common::Home;

fn labels(v: &serde_json::Value) -> Vec<String> {
    v["micro"]
        .as_array()
        .unwrap()
        .iter()
        .chain(v["arcs"].as_array().unwrap())
        .map(|c| c["label"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_excel_expert_is_not_told_to_learn_spreadsheets() {
    let home = Home::new();
    let args = [
        "--json",
        "discover",
        "--role",
        "data analyst",
        "--no-market",
        "--top",
        "40",
    ];
    let before: serde_json::Value = serde_json::from_str(&home.ok(&args)).unwrap();
    let b = labels(&before);
    assert!(b.iter().any(|l| l == "use spreadsheets software"), "{b:?}");
    let added = home.ok(&["skill", "add", "Excel", "--level", "expert"]);
    assert!(added.contains("Microsoft Excel"), "{added}");
    assert!(added.contains("use spreadsheets software"), "{added}");
    let after: serde_json::Value = serde_json::from_str(&home.ok(&args)).unwrap();
    let a = labels(&after);
    for l in ["use spreadsheets software", "Microsoft Excel"] {
        assert!(!a.iter().any(|x| x == l), "{l} still suggested: {a:?}");
    }
    assert!(after["held_skipped"].as_u64().unwrap() >= 1);
    // Nor its micro-skills under another parent (pivot tables under
    // "office software"); and SQL held, no SQL join either.
    assert!(steps(&before).contains(&"excel-pivot-summary".to_string()));
    assert!(
        !steps(&after).contains(&"excel-pivot-summary".to_string()),
        "{:?}",
        steps(&after)
    );
    assert!(steps(&after).contains(&"sql-join-group-by".to_string()));
    home.ok(&["skill", "add", "SQL", "--level", "expert"]);
    let sql: serde_json::Value = serde_json::from_str(&home.ok(&args)).unwrap();
    let s = steps(&sql);
    assert!(!s.contains(&"sql-join-group-by".to_string()), "{s:?}");
    assert!(!s.is_empty());
}

/// The catalogue ids of the micro-skills offered, in the list and the arcs.
fn steps(v: &serde_json::Value) -> Vec<String> {
    v["micro"]
        .as_array()
        .unwrap()
        .iter()
        .chain(v["arcs"].as_array().unwrap())
        .flat_map(|c| c["steps"].as_array().unwrap())
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn discover_says_which_occupation_it_chose_and_how_to_pick_another() {
    let home = Home::new();
    let out = home.ok(&["discover", "--role", "accountant", "--no-market"]);
    assert!(
        out.contains("Chose ESCO \"accountant\""),
        "{}",
        &out[..out.len().min(800)]
    );
    // "accountant" is also an alternative label of financial controller.
    assert!(out.contains("financial controller") && out.contains("--occupation"));
    let v: serde_json::Value =
        serde_json::from_str(&home.ok(&["--json", "discover", "--role", "plumber", "--no-market"]))
            .unwrap();
    assert_eq!(v["role"]["esco_title"], "plumber");
}

#[test]
fn an_unresolvable_title_is_one_clear_error() {
    let home = Home::new();
    let (out, err) = home.fails(
        &["discover", "--role", "qwertyuiop zxcvb", "--no-market"],
        4,
    );
    assert!(out.is_empty());
    assert!(err.starts_with("mm: no occupation matches"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn technology_aliases_resolve_in_taxonomy_show() {
    let home = Home::new();
    for (alias, name) in [
        ("k8s", "Kubernetes"),
        ("golang", "Go"),
        ("nodejs", "Node.js"),
        ("reactjs", "React"),
        ("Power BI", "Microsoft Power BI"),
    ] {
        let out = home.ok(&["taxonomy", "show", alias]);
        assert!(out.starts_with(name), "{alias}: {out}");
    }
}

#[test]
fn taxonomy_occupation_says_what_discover_would_choose() {
    let home = Home::new();
    let out = home.ok(&["taxonomy", "occupation", "plumber"]);
    assert!(out.contains("takes it as ESCO \"plumber\""), "{out}");
    let v: serde_json::Value =
        serde_json::from_str(&home.ok(&["--json", "taxonomy", "occupation", "accountant"]))
            .unwrap();
    assert_eq!(v["chosen"]["label"], "accountant");
    assert!(
        v["chosen"]["onet"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "13-2011.00")
    );
}

#[test]
fn an_unknown_stack_or_an_empty_phrase_is_one_clear_error() {
    let home = Home::new();
    let (out, err) = home.fails(
        &[
            "discover",
            "--role",
            "software developer",
            "--stack",
            "cobol",
            "--no-market",
        ],
        2,
    );
    assert!(out.is_empty());
    assert!(
        err.starts_with("mm: no micro-skill in the catalogue is for the stack \"cobol\"")
            && err.contains("python"),
        "{err}"
    );
    let (_, err) = home.fails(&["map", " "], 2);
    assert!(err.starts_with("mm: the phrase is empty"), "{err}");
}

#[test]
fn a_user_interface_designer_is_offered_usability_testing_and_prototyping() {
    let home = Home::new();
    let v: serde_json::Value = serde_json::from_str(&home.ok(&[
        "--json",
        "discover",
        "--occupation",
        "http://data.europa.eu/esco/occupation/96e20037-0a25-4bf6-a25e-808d1605d890",
        "--no-market",
        "--top",
        "8",
    ]))
    .unwrap();
    let s = steps(&v);
    for id in ["usability-test-five-users", "wireframe-clickable-prototype"] {
        assert!(s.contains(&id.to_string()), "{id} not offered: {s:?}");
    }
    // The UX title offers the UX occupations as other readings.
    let out = home.ok(&[
        "discover",
        "--role",
        "UX designer",
        "--no-market",
        "--top",
        "1",
    ]);
    assert!(
        out.contains("user interface designer") && out.contains("user experience analyst"),
        "{}",
        &out[..out.len().min(1200)]
    );
}

#[test]
fn a_plumber_is_offered_plumbing_before_heating_and_cooling_work() {
    let home = Home::new();
    let v: serde_json::Value = serde_json::from_str(&home.ok(&[
        "--json",
        "discover",
        "--role",
        "plumber",
        "--no-market",
        "--top",
        "10",
    ]))
    .unwrap();
    let s: Vec<String> = v["micro"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["steps"].as_array().unwrap())
        .map(|s| s["id"].as_str().unwrap().to_string())
        .collect();
    for id in [
        "replace-tap-no-leak",
        "pvc-solvent-weld-drain",
        "pex-crimp-manifold",
    ] {
        assert!(s.contains(&id.to_string()), "{id} not offered: {s:?}");
    }
    let hvac = ["hvac-", "split-ac-", "furnace-", "duct-"];
    let n = s
        .iter()
        .filter(|id| hvac.iter().any(|h| id.starts_with(h)))
        .count();
    assert!(
        n <= 1,
        "{n} heating and cooling steps in a plumber's top 10: {s:?}"
    );
}
