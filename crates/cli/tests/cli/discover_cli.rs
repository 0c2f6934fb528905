//! `mm market`, `mm discover`, `mm goal new --from`, `mm next` end to end.

use crate::common::Home;

fn write(home: &Home, name: &str, body: &str) -> String {
    let p = home.file(name);
    std::fs::write(&p, body).unwrap();
    p.display().to_string()
}

/// 10 postings, SQL in exactly 4 of them (an independent count by construction).
fn corpus(home: &Home) -> String {
    let mut s = String::new();
    for i in 0..10 {
        let text = if i < 4 {
            "We need SQL and Python every day."
        } else {
            "We need Python and good communication."
        };
        s.push_str(&format!(
            "{{\"id\": \"p{i}\", \"date\": \"2021-0{}-10\", \"text\": \"{text}\"}}\n",
            1 + i % 4
        ));
    }
    write(home, "ads.jsonl", &s)
}

#[test]
fn market_shares_match_an_independent_count_in_json_and_csv() {
    let home = Home::new();
    let ads = corpus(&home);
    let out = home.ok(&["--json", "market", "analyse", &ads]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["postings"], 10);
    let sql = v["skills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["label"] == "SQL")
        .unwrap();
    assert_eq!(sql["postings"], 4);
    assert!((sql["share"].as_f64().unwrap() - 0.4).abs() < 1e-12);
    assert!(sql["ci_low"].as_f64().unwrap() < 0.4 && sql["ci_high"].as_f64().unwrap() > 0.4);
    let csv = home.ok(&["market", "analyse", &ads, "--csv", "--no-save"]);
    assert!(csv.starts_with("uri,label,skill_type,postings,share"));
    assert!(
        csv.lines()
            .any(|l| l.contains(",SQL,") && l.contains(",4,0.400000,")),
        "{csv}"
    );
    // Saved once (the CSV run used --no-save), and `show` reads it back.
    let list = home.ok(&["--json", "market", "list"]);
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&list)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let shown = home.ok(&["market", "show"]);
    assert!(shown.contains("SQL") && shown.contains("10 postings"));
}

#[test]
fn market_writes_an_svg_chart_and_a_sparkline_table() {
    let home = Home::new();
    let ads = corpus(&home);
    let svg = home.file("shares.svg");
    let out = home.ok(&["market", "analyse", &ads, "--svg", svg.to_str().unwrap()]);
    let body = std::fs::read_to_string(&svg).unwrap();
    assert!(body.starts_with("<svg") && body.contains("SQL"));
    assert!(out.contains("Trend: monthly share"), "{out}");
}

#[test]
fn market_without_dates_says_why_the_trend_is_skipped() {
    let home = Home::new();
    let ads = write(
        &home,
        "nodates.jsonl",
        "{\"text\": \"SQL\"}\n{\"text\": \"Python\"}\n",
    );
    let out = home.ok(&["market", "analyse", &ads, "--no-save"]);
    assert!(
        out.contains("Trend: skipped: no posting carries a date"),
        "{out}"
    );
}

#[test]
fn market_bad_input_gets_one_clear_line() {
    let home = Home::new();
    let empty = write(&home, "empty.jsonl", "");
    let (_, err) = home.fails(&["market", "analyse", &empty], 2);
    assert!(err.contains("no postings to analyse"), "{err}");
    let nothing = write(&home, "plain.jsonl", "{\"text\": \"zzz qqq\"}\n");
    let (_, err) = home.fails(&["market", "analyse", &nothing], 2);
    assert!(err.contains("mentions a skill"), "{err}");
    let (_, err) = home.fails(&["market", "analyse", "missing.jsonl"], 4);
    assert!(err.contains("cannot open missing.jsonl"), "{err}");
    let (_, err) = home.fails(&["market", "analyse", "--since", "last year"], 1);
    assert!(err.contains("--since"), "{err}");
    assert!(!err.contains("panicked"));
}

#[test]
fn discover_explains_and_handles_unknown_roles() {
    let home = Home::new();
    let out = home.ok(&[
        "discover",
        "--role",
        "data analyst",
        "--explain",
        "--top",
        "10",
    ]);
    assert!(out.contains("ESCO \"data analyst\""), "{out}");
    assert!(out.contains("statistics"));
    assert!(out.contains("essential for data analyst"));
    assert!(out.contains("Broad competences"));
    let (_, err) = home.fails(&["discover", "--role", "qwertyuiop"], 4);
    assert!(
        err.contains("no occupation matches \"qwertyuiop\""),
        "{err}"
    );
    let (_, err) = home.fails(&["discover", "--role", "data analist wizzard"], 4);
    assert!(err.contains("closest titles"), "{err}");
    let (_, err) = home.fails(
        &[
            "discover",
            "--occupation",
            "http://data.europa.eu/esco/occupation/nope",
        ],
        4,
    );
    assert!(err.contains("no ESCO occupation URI"), "{err}");
    let (_, err) = home.fails(&["discover"], 1);
    assert!(err.contains("which role?"), "{err}");
    let empty = write(&home, "empty.jsonl", "");
    let (_, err) = home.fails(
        &["discover", "--role", "data analyst", "--postings", &empty],
        2,
    );
    assert!(err.contains("no postings"), "{err}");
}

#[test]
fn from_suggestion_to_goal_then_next() {
    let home = Home::new();
    let v: serde_json::Value = serde_json::from_str(&home.ok(&[
        "--json",
        "discover",
        "--role",
        "data analyst",
        "--top",
        "20",
    ]))
    .unwrap();
    // Every ranked item is a catalogue micro-skill: committing to rank 1
    // fills the goal from that entry (name, criteria, budget).
    let steps: Vec<&serde_json::Value> = v["micro"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["steps"].as_array().unwrap())
        .collect();
    assert!(steps.len() >= 10, "{v}");
    let id = steps[0]["id"].as_str().unwrap();
    assert_eq!(steps[0]["rank"], 1);
    let entry = mm_micro::catalogue::curated()
        .get(id)
        .expect("rank 1 is a curated entry");
    let out = home.ok(&["goal", "new", "--from", "1"]);
    assert!(
        out.contains(&format!("(from the catalogue: {})", entry.id)),
        "{out}"
    );
    let goals: serde_json::Value =
        serde_json::from_str(&home.ok(&["--json", "goal", "list"])).unwrap();
    let g = &goals[0];
    let criteria: Vec<&str> = g["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].as_str().unwrap())
        .collect();
    assert_eq!(criteria, entry.done_when, "{g}");
    assert_eq!(
        g["weekly_minutes"].as_u64(),
        entry.weekly_minutes().map(u64::from)
    );
    // A micro-skill filed under several ranked parents (a socket install
    // under both "electricity" and "install electricity sockets") is ranked
    // once, under the best of them.
    for role in ["electrician", "nurse"] {
        let r: serde_json::Value =
            serde_json::from_str(&home.ok(&["--json", "discover", "--role", role])).unwrap();
        let mut ids: Vec<&str> = r["micro"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["steps"].as_array().unwrap())
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), 10, "{role}: ten micro-skills");
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 10, "{role}: each micro-skill once: {ids:?}");
    }
    // A ranked skill with no micro-skill yet is named apart, never ranked;
    // committing to it by URI drafts the generic micro-skill.
    let uncarved = v["uncarved"].as_array().unwrap();
    assert!(
        uncarved
            .iter()
            .all(|c| mm_micro::micro_skills_for(c["uri"].as_str().unwrap()).is_empty()),
        "{uncarved:?}"
    );
    if let Some(c) = uncarved.first() {
        let out = home.ok(&["goal", "new", "--from", c["uri"].as_str().unwrap()]);
        assert!(out.contains("principle:"), "{out}");
    }
    let (_, err) = home.fails(&["goal", "new", "--from", "99"], 2);
    assert!(err.contains("not one of them"), "{err}");
    let (_, err) = home.fails(&["goal", "new", "--from", "not-a-uri"], 2);
    assert!(err.contains("neither a rank"), "{err}");

    // `mm next` needs an achieved goal: the demo journey has one.
    let demo = Home::new();
    demo.ok(&["demo"]);
    let out = demo.ok(&["next", "--role", "data analyst"]);
    assert!(out.contains("After goal"), "{out}");
    // The catalogue's links come first: pivot tables lead to XLOOKUP joins.
    let n: serde_json::Value =
        serde_json::from_str(&demo.ok(&["--json", "next", "--role", "data analyst"])).unwrap();
    assert_eq!(n["micro"][0]["id"], "excel-xlookup-join", "{n}");
    assert_eq!(n["micro"][0]["link"], "next", "{n}");
    // For a data analyst, what builds on pivot tables in logistics (an ABC
    // inventory analysis) is left out; without a role it is offered.
    let ids = |v: &serde_json::Value| -> Vec<String> {
        v["micro"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        !ids(&n).contains(&"abc-inventory-analysis".to_string()),
        "{n}"
    );
    let any: serde_json::Value = serde_json::from_str(&demo.ok(&["--json", "next"])).unwrap();
    assert!(
        ids(&any).contains(&"abc-inventory-analysis".to_string()),
        "{any}"
    );
    let micro_at = out
        .find("[excel-xlookup-join]")
        .expect("the next step is shown");
    let related_at = out.find("Related skills:").expect("related skills follow");
    assert!(micro_at < related_at, "micro-skills first: {out}");
    assert!(out.contains(" - "), "each suggestion has reasons: {out}");
    let fresh = Home::new();
    let (_, err) = fresh.fails(&["next"], 4);
    assert!(err.contains("no goal to build on yet"), "{err}");
    assert!(
        err.contains("mm discover"),
        "the hint says where to start: {err}"
    );
}

#[test]
fn next_builds_on_a_goal_under_way_before_any_is_achieved() {
    let home = Home::new();
    home.ok(&["discover", "--role", "data analyst"]);
    home.ok(&["goal", "new", "--from", "excel-pivot-summary"]);
    let n: serde_json::Value =
        serde_json::from_str(&home.ok(&["--json", "next", "--role", "data analyst"])).unwrap();
    assert_eq!(n["after_state"], "active", "{n}");
    let micro = n["micro"].as_array().unwrap();
    assert!(!micro.is_empty(), "{n}");
    // What builds on pivot tables comes first, and the goal itself is not
    // offered again.
    assert_eq!(micro[0]["link"], "next", "{n}");
    assert!(
        micro.iter().all(|m| m["id"] != "excel-pivot-summary"),
        "{n}"
    );
    let out = home.ok(&["next", "--role", "data analyst"]);
    assert!(out.contains("active (none achieved yet)"), "{out}");
}

/// The ids of a `--json discover` ranking, in rank order.
fn ranked_ids(v: &serde_json::Value) -> Vec<String> {
    let mut steps: Vec<(u64, String)> = v["micro"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["steps"].as_array().unwrap())
        .chain(v["tasks"]["steps"].as_array().into_iter().flatten())
        .map(|s| {
            (
                s["rank"].as_u64().unwrap(),
                s["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    steps.sort();
    steps.into_iter().map(|s| s.1).collect()
}

#[test]
fn a_career_coachs_complaints_are_fixed() {
    let home = Home::new();
    let discover = |role: &str| -> serde_json::Value {
        serde_json::from_str(&home.ok(&["--json", "discover", "--role", role])).unwrap()
    };
    // Roles without postings in the sample are ordered by what O*NET rates
    // important for them too: safe isolation is among an electrician's
    // first five, and the O*NET rating is the reason shown.
    let e = discover("electrician");
    let ids = ranked_ids(&e);
    assert!(
        ids[..5].contains(&"test-circuit-safe-isolation".to_string()),
        "{ids:?}"
    );
    let rated: Vec<&serde_json::Value> = e["micro"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["onet_rating"]["element"].is_string())
        .collect();
    assert!(!rated.is_empty(), "{e}");
    assert!(
        rated[0]["onet_rating"]["reason"]
            .as_str()
            .unwrap()
            .starts_with("O*NET rates "),
        "{e}"
    );
    let text = home.ok(&["discover", "--role", "electrician"]);
    assert!(text.contains("why: O*NET rates Troubleshooting"), "{text}");
    // A catalogue entry reached through a broadly shared ESCO parent is
    // offered only where its area fits the occupation's ISCO group.
    let cat = mm_micro::catalogue::curated();
    for (role, not_for) in [
        ("accountant", "ab-test-readout"),
        ("electrician", "boiler-commissioning-check"),
        ("chef", "front-desk-check-in"),
        ("warehouse worker", "excel-pivot-summary"),
    ] {
        let v = discover(role);
        let ids = ranked_ids(&v);
        assert!(!ids.contains(&not_for.to_string()), "{role}: {ids:?}");
        let isco = tax_isco(&v);
        for id in &ids {
            if let Some(m) = cat.get(id) {
                assert!(
                    m.fits_isco(&isco),
                    "{role} ({isco}): {id} is for {:?}",
                    m.isco
                );
            }
        }
    }
    // "registered nurse" is the nurse responsible for general care.
    let n = discover("registered nurse");
    assert_eq!(
        n["role"]["esco_title"], "nurse responsible for general care",
        "{}",
        n["role"]
    );
}

/// The ISCO-08 group of a ranking's ESCO occupation.
fn tax_isco(v: &serde_json::Value) -> String {
    let tax = mm_taxonomy::Taxonomy::load_embedded().unwrap();
    let uri = v["role"]["esco_uri"].as_str().unwrap();
    let o = tax.occupation_by_uri(uri).unwrap();
    tax.occupation(o).isco_group.clone()
}

#[test]
fn next_keeps_to_micro_skills_of_the_role_after_the_links() {
    let demo = Home::new();
    demo.ok(&["demo"]);
    let n: serde_json::Value =
        serde_json::from_str(&demo.ok(&["--json", "next", "--role", "data analyst"])).unwrap();
    let micro = n["micro"].as_array().unwrap();
    // Ten micro-skills: the catalogue's links, then the role's own.
    assert_eq!(micro.len(), 10, "{n}");
    assert_eq!(micro[0]["link"], "next", "{n}");
    let role: Vec<&serde_json::Value> = micro.iter().filter(|m| m["link"] == "role").collect();
    assert!(role.len() >= 5, "{n}");
    let cat = mm_micro::catalogue::curated();
    for m in role {
        let id = m["id"].as_str().unwrap();
        assert!(cat.get(id).is_some(), "{id} is a catalogue micro-skill");
        assert!(
            m["reason"]
                .as_str()
                .unwrap()
                .contains("of data analyst's skills"),
            "{m}"
        );
    }
    let out = demo.ok(&["next", "--role", "data analyst"]);
    assert!(out.contains("ranked #"), "{out}");
}

/// The steps of a `--json discover` ranking, in rank order.
fn ranked_steps(v: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut steps: Vec<serde_json::Value> = v["micro"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["steps"].as_array().unwrap().clone())
        .collect();
    steps.sort_by_key(|s| s["rank"].as_u64());
    steps
}

#[test]
fn first_steps_lead_and_the_stack_and_country_narrow_the_list() {
    let home = Home::new();
    let cat = mm_micro::catalogue::curated();
    let discover = |args: &[&str]| -> serde_json::Value {
        let mut all = vec!["--json", "discover"];
        all.extend_from_slice(args);
        serde_json::from_str(&home.ok(&all)).unwrap()
    };
    // Where a coach starts a new electrician leads, whatever the scores.
    let e = ranked_steps(&discover(&["--role", "electrician"]));
    assert_eq!(e[0]["first"], true, "{e:?}");
    let isco = "7411";
    assert!(
        cat.get(e[0]["id"].as_str().unwrap())
            .unwrap()
            .is_core_for(isco)
    );
    let text = home.ok(&["discover", "--role", "electrician"]);
    assert!(
        text.contains("a first step for a new electrician"),
        "{text}"
    );
    // "electrician" is the occupation's own preferred label: not ambiguous.
    assert!(!text.contains("ambiguous"), "{text}");
    // A parent that leads for a first step shows only first steps, and
    // every step says something of its own.
    let json = discover(&["--role", "electrician"]);
    for g in json["micro"].as_array().unwrap() {
        let steps = g["steps"].as_array().unwrap();
        if steps.iter().any(|s| s["first"] == true) {
            // (an electrician has no stack: nothing else joins the step)
            assert!(steps.iter().all(|s| s["first"] == true), "{g}");
        }
    }
    for s in &e {
        assert!(!s["evidence"].as_array().unwrap().is_empty(), "{s}");
    }
    // A data analyst is not offered a developer's or a DBA's step through
    // a shared parent (SQL, PostgreSQL).
    let da = ranked_steps(&discover(&["--role", "data analyst"]));
    for s in &da {
        let m = cat.get(s["id"].as_str().unwrap()).unwrap();
        assert!(m.fits_isco("2511"), "{} is for {:?}", m.id, m.isco);
    }
    assert!(
        da.iter().any(|s| s["id"] == "excel-pivot-summary"),
        "{da:?}"
    );

    // A developer who has not said their stack gets the stack the role's
    // postings name most, and is told so and how to pick another.
    let assumed = discover(&["--role", "software developer"]);
    let focus = &assumed["focus"];
    assert_eq!(focus["stacks_from"], "postings", "{focus}");
    let stack = focus["stacks"][0].as_str().unwrap().to_string();
    assert!(focus["stack_postings"][0].as_u64().unwrap() >= 3, "{focus}");
    for s in ranked_steps(&assumed) {
        let st = s["stack"].as_array().unwrap();
        assert!(
            st.is_empty() || st.iter().any(|x| x == stack.as_str()),
            "{s}"
        );
    }
    let others = assumed["stacks_offered"].as_array().unwrap();
    assert!(
        !others.is_empty() && !others.iter().any(|x| x == stack.as_str()),
        "{assumed}"
    );
    let text = home.ok(&["discover", "--role", "software developer"]);
    assert!(
        text.contains("the stack the role's postings name most"),
        "{text}"
    );
    assert!(text.contains("--stack"), "{text}");
    // Without postings to go by, one step per stack, and a question.
    let any = discover(&["--role", "software developer", "--no-market"]);
    let mut per_stack = std::collections::HashMap::<String, usize>::new();
    for s in ranked_steps(&any) {
        for st in s["stack"].as_array().unwrap() {
            *per_stack
                .entry(st.as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    assert!(per_stack.values().all(|&n| n == 1), "{per_stack:?}");
    assert!(any["stacks_offered"].as_array().unwrap().len() > 1, "{any}");
    let py = discover(&["--role", "software developer", "--stack", "python"]);
    let steps = ranked_steps(&py);
    assert!(
        steps.iter().all(|s| {
            let st = s["stack"].as_array().unwrap();
            st.is_empty() || st.iter().any(|x| x == "python")
        }),
        "{steps:?}"
    );
    assert!(
        steps
            .iter()
            .any(|s| !s["stack"].as_array().unwrap().is_empty()),
        "a Python developer sees Python steps: {steps:?}"
    );
    assert_eq!(py["stacks_offered"], serde_json::json!([]), "{py}");

    // Country-specific steps are marked and explained when the country is
    // not known, and left out when it is another.
    let hr = discover(&["--role", "human resources officer"]);
    let gb: Vec<serde_json::Value> = ranked_steps(&hr)
        .into_iter()
        .filter(|s| s["country"].as_array().unwrap().iter().any(|c| c == "GB"))
        .collect();
    assert!(!gb.is_empty(), "{hr}");
    assert_eq!(hr["countries_marked"][0], "GB", "{hr}");
    let text = home.ok(&["discover", "--role", "human resources officer"]);
    assert!(text.contains("--country"), "{text}");
    let us = discover(&["--role", "human resources officer", "--country", "us"]);
    assert_eq!(us["focus"]["country"], "US");
    for s in ranked_steps(&us) {
        let m = cat.get(s["id"].as_str().unwrap()).unwrap();
        assert!(m.fits_country("US"), "{} is for {:?}", m.id, m.country);
    }
    let (_, err) = home.fails(&["discover", "--role", "chef", "--country", "England"], 2);
    assert!(err.contains("two-letter ISO 3166-1"), "{err}");

    // The profile keeps both, and discover uses them by default.
    home.ok(&["profile", "set", "--country", "gb", "--stack", "python,sql"]);
    let shown = home.ok(&["profile", "show"]);
    assert!(shown.contains("Country: GB"), "{shown}");
    assert!(shown.contains("Stack: python, sql"), "{shown}");
    let d = discover(&["--role", "software developer"]);
    assert_eq!(d["focus"]["stacks_from"], "profile", "{}", d["focus"]);
    let (_, err) = home.fails(&["profile", "set", "--stack", "C#"], 2);
    assert!(err.contains("not a stack name"), "{err}");
}
