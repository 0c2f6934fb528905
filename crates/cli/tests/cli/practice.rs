//! Practice science end to end through the `mm` binary: profile, plan,
//! calendar export, refreshers, arcs and the review charts, each test in a
//! fresh database, with the clock pinned by `MM_NOW`.

use assert_cmd::Command;
use serde_json::Value;
use std::path::Path;

const NOW: &str = "2026-11-25T09:00:00+01:00";

fn mm(db: &Path, now: &str) -> Command {
    let mut c = Command::cargo_bin("mm").unwrap();
    c.env("MM_DATABASE_URL", db)
        .env("MM_NOW", now)
        .env_remove("CI");
    c
}

fn demo() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("mm.db");
    mm(&db, NOW).arg("demo").assert().success();
    (dir, db)
}

fn json(db: &Path, args: &[&str]) -> Value {
    let out = mm(db, NOW).arg("--json").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn fails(db: &Path, args: &[&str], code: i32, want: &str) {
    let out = mm(db, NOW).args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let ok = match code {
        // 1: refused with an error of any kind (2 invalid, 4 not found, ...).
        1 => matches!(out.status.code(), Some(1 | 2 | 4 | 5 | 6)),
        c => out.status.code() == Some(c),
    };
    assert!(ok, "{args:?}: exit {:?}: {err}", out.status.code());
    assert!(err.contains(want), "{args:?}: {err}");
    assert_eq!(err.trim().lines().count(), 1, "one clear line: {err}");
}

fn set_profile(db: &Path) {
    mm(db, NOW)
        .args([
            "profile",
            "set",
            "--availability",
            "mon-fri 07:00-07:40, sat 10:00-11:30",
        ])
        .args(["--timezone", "Europe/Paris"])
        .assert()
        .success();
}

#[test]
fn plan_show_and_export_to_the_deadline() {
    let (dir, db) = demo();
    set_profile(&db);
    let planned = json(&db, &["plan", "2"]);
    let items = planned["plan"]["items"].as_array().unwrap();
    assert!(!items.is_empty());
    let mut practice = 0;
    for it in items {
        let start = it["local_start"].as_str().unwrap();
        let minutes = it["minutes"].as_u64().unwrap();
        match it["kind"].as_str().unwrap() {
            "reflect" => {}
            _ => {
                practice += minutes;
                assert!((25..=50).contains(&minutes), "{it}");
                let time = &start[11..16];
                assert!(
                    time == "07:00" || time.starts_with("10:"),
                    "inside a window: {start}"
                );
            }
        }
        assert!(
            start > "2026-11-25T09:00",
            "only the future is planned: {start}"
        );
    }
    assert!(practice >= planned["plan"]["minutes_needed"].as_u64().unwrap());
    assert!(
        items.iter().any(|i| i["kind"] == "apply"),
        "an application checkpoint"
    );
    assert!(
        items.iter().any(|i| i["kind"] == "reflect"),
        "a weekly reflection"
    );

    let shown = json(&db, &["plan", "show"]);
    assert_eq!(shown[0]["items"], planned["plan"]["items"]);

    let a = dir.path().join("a.ics");
    let b = dir.path().join("b.ics");
    for f in [&a, &b] {
        mm(&db, NOW)
            .args(["plan", "export", "--ics", "--alarm", "10m", "-o"])
            .arg(f)
            .assert()
            .success();
    }
    let (a, b) = (
        std::fs::read_to_string(a).unwrap(),
        std::fs::read_to_string(b).unwrap(),
    );
    assert_eq!(a, b, "a re-export is the same calendar");
    assert_eq!(a.matches("BEGIN:VEVENT").count(), items.len());
    assert_eq!(a.matches("TRIGGER:-PT10M").count(), items.len());
    assert!(
        a.contains("DTSTART;TZID=Europe/Paris:20261126T070000"),
        "{a}"
    );
    assert!(a.contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Paris"));
}

#[test]
fn a_replan_cancels_the_calendar_events_it_dropped() {
    let (dir, db) = demo();
    set_profile(&db);
    mm(&db, NOW).args(["plan", "2"]).assert().success();
    let a = dir.path().join("a.ics");
    mm(&db, NOW)
        .args(["plan", "export", "--ics", "-o"])
        .arg(&a)
        .assert()
        .success();
    mm(&db, NOW)
        .args(["profile", "set", "--availability", "daily 18:00-19:00"])
        .assert()
        .success();
    mm(&db, NOW).args(["plan", "2"]).assert().success();
    let b = dir.path().join("b.ics");
    mm(&db, NOW)
        .args(["plan", "export", "--ics", "-o"])
        .arg(&b)
        .assert()
        .success();
    let (a, b) = (
        std::fs::read_to_string(a).unwrap(),
        std::fs::read_to_string(b).unwrap(),
    );
    let uids = |s: &str| -> Vec<String> {
        s.lines()
            .filter(|l| l.starts_with("UID:"))
            .map(|l| l.trim().to_owned())
            .collect()
    };
    for uid in uids(&a) {
        assert!(
            uids(&b).contains(&uid),
            "{uid} is updated or cancelled, never left behind"
        );
    }
    assert!(b.contains("STATUS:CANCELLED"));
    assert!(b.contains("T180000"), "the new evening sessions are there");
}

#[test]
fn missed_sessions_are_replanned_without_blame() {
    let (_dir, db) = demo();
    set_profile(&db);
    mm(&db, NOW).args(["plan", "2"]).assert().success();
    // Three days later, nothing was practised.
    let later = "2026-11-28T09:00:00+01:00";
    let out = mm(&db, later).args(["plan", "2"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("passed without practice"), "{text}");
    assert!(text.contains("spread over the time left"), "{text}");
}

#[test]
fn bad_input_is_refused_and_nothing_changes() {
    let (_dir, db) = demo();
    set_profile(&db);
    let before = json(&db, &["profile", "show"]);
    fails(
        &db,
        &[
            "profile",
            "set",
            "--availability",
            "mon 07:00-08:00, mon 07:30-09:00",
        ],
        1,
        "overlap",
    );
    fails(
        &db,
        &["profile", "set", "--availability", "mon 7-8"],
        1,
        "not a time range",
    );
    fails(
        &db,
        &[
            "profile",
            "set",
            "--availability",
            "sat 10:00-11:00",
            "--timezone",
            "Mars/Base",
        ],
        1,
        "unknown time zone",
    );
    fails(
        &db,
        &["profile", "set", "--retention", "0.5"],
        1,
        "0.70 to 0.99",
    );
    assert_eq!(
        json(&db, &["profile", "show"]),
        before,
        "the profile is unchanged"
    );

    fails(&db, &["plan", "1"], 1, "is achieved");
    mm(&db, NOW).args(["plan", "2"]).assert().success();
    let plan = json(&db, &["plan", "show", "2"]);
    mm(&db, NOW)
        .args(["profile", "set", "--availability", "sat 10:00-10:30"])
        .assert()
        .success();
    fails(&db, &["plan", "2"], 4, "minutes are missing");
    assert_eq!(
        json(&db, &["plan", "show", "2"]),
        plan,
        "the old plan stands"
    );

    let cards = json(&db, &["refresh", "list", "--all"]);
    fails(
        &db,
        &["refresh", "rate", "m1", "perfect"],
        1,
        "not one of the four",
    );
    fails(
        &db,
        &["refresh", "rate", "m99", "good"],
        1,
        "no refresher card",
    );
    assert_eq!(
        json(&db, &["refresh", "list", "--all"]),
        cards,
        "no card changed"
    );
}

#[test]
fn a_year_of_refreshers_then_optimise() {
    let (_dir, db) = demo();
    // The demo's goal 1 is achieved: its micro-skill and two principles get cards.
    let cards = json(&db, &["refresh", "list", "--all"]);
    let refs: Vec<String> = cards
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["card_ref"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(refs, ["m1", "p1", "p2"]);
    fails(&db, &["refresh", "optimise"], 1, "not enough refreshers");
    // Replay a year: do each card when it falls due; every third review is forgotten.
    let mut n = 0;
    for r in &refs {
        let mut due = cards
            .as_array()
            .unwrap()
            .iter()
            .find(|c| &c["card_ref"] == r)
            .unwrap()["due"]
            .as_str()
            .unwrap()
            .to_owned();
        while due.as_str() < "2027-11-25" {
            n += 1;
            let rating = if n % 3 == 0 { "again" } else { "good" };
            let now = format!("{due}T08:00:00+01:00");
            let out = mm(&db, &now)
                .args(["--json", "refresh", "rate", r, rating])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let card: Value = serde_json::from_slice(&out.stdout).unwrap();
            let next = card["due"].as_str().unwrap().to_owned();
            assert!(next > due, "{next} after {due}");
            due = next;
        }
    }
    assert!(n >= 8, "{n} reviews");
    let out = mm(&db, "2027-11-25T09:00:00+01:00")
        .args(["refresh", "optimise"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Predicted log loss"), "{text}");
    let profile = json(&db, &["profile", "show"]);
    assert_eq!(profile["fitted_parameters"], true);
}

#[test]
fn arcs_balance_and_review_charts() {
    let (dir, db) = demo();
    set_profile(&db);
    let review = json(&db, &["review", "--month"]);
    assert!(
        review["balance"]["warning"]
            .as_str()
            .unwrap()
            .contains("quick wins"),
        "{}",
        review["balance"]
    );
    mm(&db, NOW)
        .args(["arc", "add", "data analysis"])
        .assert()
        .success();
    fails(&db, &["arc", "add", "Data Analysis"], 1, "already exists");
    mm(&db, NOW)
        .args(["arc", "assign", "2", "data analysis"])
        .assert()
        .success();
    mm(&db, NOW)
        .args(["arc", "assign", "1", "standalone"])
        .assert()
        .success();
    let review = json(&db, &["review", "--month"]);
    let b = &review["balance"];
    assert!(b["deeper"].as_u64().unwrap() > 0, "{b}");
    assert!(b["quick_wins"].as_u64().unwrap() > 0, "{b}");
    assert_eq!(review["minutes_per_day"].as_array().unwrap().len(), 30);
    assert_eq!(review["retention_forecast"].as_array().unwrap().len(), 30);
    assert_eq!(review["progress"][0]["goal"], 2);
    assert!(review["streak"]["marks"].as_array().unwrap().len() >= 2);

    let svg = dir.path().join("review.svg");
    let out = mm(&db, NOW)
        .args(["review", "--week", "--svg"])
        .arg(&svg)
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("Progress to deadline") && text.contains("Retention, next 30 days"),
        "{text}"
    );
    assert!(text.contains("Streak:"), "{text}");
    let svg = std::fs::read_to_string(svg).unwrap();
    assert!(svg.starts_with("<svg"));
    // The four charts, each with its labelled axes, in Okabe–Ito colours.
    for text in [
        "Practice per day",
        "Cumulative minutes against the plan",
        "Retention, next 30 days",
        "Long-term arcs against quick wins",
        "Focused minutes",
        "Mean predicted recall",
        "arc: data analysis",
    ] {
        assert!(svg.contains(text), "{text:?} in the SVG");
    }
    assert!(svg.contains("#0072B2") && svg.contains("#009E73") && svg.contains("#E69F00"));
}
