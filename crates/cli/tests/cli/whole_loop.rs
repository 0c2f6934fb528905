//! The whole micromastery loop through the built binary: skill → micro-skill
//! with principles → goal → three sessions on different days → application →
//! reflections → `goal check` refusing with reasons until each condition is
//! met → achieved; then export, import into a fresh database, same status.

use crate::common::*;

fn whole_loop(home: &Home, fresh: &Home) {
    home.ok(&[
        "skill",
        "add",
        "Excel",
        "--uri",
        "http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be",
    ]);
    let out = home.ok(&[
        "micro",
        "add",
        "Summarise 10k rows with a pivot table in 5 minutes",
        "--skill",
        "excel",
        "--principle",
        "aggregation: group, then summarise",
        "--principle",
        "tidy data",
    ]);
    assert!(out.contains("Added micro-skill 1"), "{out}");
    // Started a week ago, two weeks to go, 1h a week: 189 planned, 114 required.
    home.ok(&[
        "goal",
        "new",
        "1",
        "--start",
        "-7d",
        "--deadline",
        "+2w",
        "--weekly",
        "1h",
        "--done-when",
        "pivot by region and month",
        "--done-when",
        "under 5 minutes",
    ]);

    let (out, _) = home.fails(&["goal", "check", "1"], 3);
    for missing in [
        "\"pivot by region and month\"",
        "no real application",
        "\"aggregation\"",
        "\"tidy data\"",
        "0 practice sessions",
        "0 of 114 focused minutes",
    ] {
        assert!(
            out.contains(missing),
            "check should say {missing:?}:\n{out}"
        );
    }

    for day in ["-6d 07:00", "-4d 07:00", "-2d 18:30"] {
        home.ok(&[
            "practice",
            "log",
            "1",
            "45m",
            "--at",
            day,
            "--aim",
            "drill grouping",
            "--reps",
            "6",
            "--errors",
            "1",
            "--difficulty",
            "3",
        ]);
    }
    let (out, _) = home.fails(&["goal", "check", "1"], 3);
    assert!(out.contains("✓ 3 practice sessions"), "{out}");
    assert!(out.contains("✓ practice spread over 3 days"), "{out}");
    assert!(out.contains("✓ 135 focused minutes"), "{out}");

    home.ok(&["goal", "tick", "1", "1"]);
    home.ok(&["goal", "tick", "1", "2"]);
    let (out, _) = home.fails(&["goal", "check", "1"], 3);
    assert!(
        out.contains("✓ all 2 done-when criteria are ticked"),
        "{out}"
    );
    assert!(out.contains("✗ no real application yet"), "{out}");

    std::fs::write(home.file("report.csv"), "region,month,total\n").unwrap();
    home.ok(&[
        "apply",
        "1",
        "--where",
        "monthly sales review",
        "--outcome",
        "pivot in 4 minutes",
        "--evidence",
        "report.csv",
    ]);
    let (out, _) = home.fails(&["goal", "check", "1"], 3);
    assert!(out.contains("✓ applied for real 1 time"), "{out}");
    assert!(
        out.contains("not yet reflected on: \"aggregation\", \"tidy data\""),
        "{out}"
    );

    home.ok(&[
        "reflect",
        "--goal",
        "1",
        "--worked",
        "group then sum",
        "--next",
        "calculated fields",
        "--principle",
        "aggregation",
    ]);
    let (out, _) = home.fails(&["goal", "check", "1"], 3);
    assert!(out.contains("not yet reflected on: \"tidy data\""), "{out}");

    home.ok(&[
        "reflect",
        "--worked",
        "Cleaning to tidy data first made it fast",
    ]);
    let out = home.ok(&["goal", "check", "1"]);
    assert!(out.contains("is achieved"), "{out}");
    let shown: serde_json::Value =
        serde_json::from_str(&home.ok(&["--json", "goal", "show", "1"])).unwrap();
    assert_eq!(shown["goal"]["state"], "achieved");

    // A second goal still in progress, so status has something to show.
    home.ok(&[
        "micro",
        "add",
        "VLOOKUP across two sheets",
        "--skill",
        "1",
        "--principle",
        "keys",
    ]);
    home.ok(&[
        "goal",
        "new",
        "2",
        "--deadline",
        "2026-12-09",
        "--weekly",
        "90m",
        "--done-when",
        "match 500 ids",
    ]);
    home.ok(&[
        "practice",
        "log",
        "2",
        "25m",
        "--at",
        "08:00",
        "--aim",
        "exact match",
    ]);
    home.ok(&[
        "goal",
        "extend",
        "2",
        "--to",
        "+3w",
        "--reason",
        "audit season",
    ]);

    let status = home.ok(&["--json", "status"]);
    let v: serde_json::Value = serde_json::from_str(&status).unwrap();
    assert_eq!(v["achieved"], 1);
    assert_eq!(v["open"].as_array().unwrap().len(), 1);
    assert_eq!(v["open"][0]["pace"]["minutes_done"], 25);

    // Export, import into a fresh database, identical status.
    let export = home.file("journal.json");
    home.ok(&["export", "-o", export.to_str().unwrap()]);
    let out = fresh.ok(&["import", export.to_str().unwrap()]);
    assert!(
        out.contains(
            "Imported 1 skills, 2 micro-skills, 2 goals, 4 sessions, 1 applications, 2 reflections"
        ),
        "{out}"
    );
    assert_eq!(fresh.ok(&["--json", "status"]), status);
    assert_eq!(
        fresh.ok(&["export"]),
        std::fs::read_to_string(&export).unwrap()
    );
}

#[test]
fn whole_loop_on_sqlite() {
    let home = Home::new();
    let fresh = Home::new();
    whole_loop(&home, &fresh);
    assert!(
        home.path().join("data/micromastery/mm.db").exists(),
        "default location under XDG_DATA_HOME"
    );
}

#[test]
fn whole_loop_on_postgres() {
    let (Some(a), Some(b)) = (postgres_url("loop_a"), postgres_url("loop_b")) else {
        return;
    };
    whole_loop(&Home::with_db(&a), &Home::with_db(&b));
}

#[test]
fn demo_then_status() {
    let home = Home::new();
    let out = home.ok(&["demo"]);
    assert!(out.contains("achieved through the mastery rule"), "{out}");
    let v: serde_json::Value = serde_json::from_str(&home.ok(&["--json", "status"])).unwrap();
    assert_eq!(v["achieved"], 1);
    assert_eq!(v["open"].as_array().unwrap().len(), 1);
    let text = home.ok(&["status"]);
    assert!(
        text.contains("to deadline") && text.contains("mastery"),
        "{text}"
    );
    // The achieved goal really passes the rule it was judged by.
    home.ok(&["goal", "check", "1"]);
    // A second demo would mix journeys: refused.
    let (_, err) = home.fails(&["demo"], 5);
    assert!(err.contains("already holds a journal"), "{err}");
}
