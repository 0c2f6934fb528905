//! What scripts read: `--json` prints one JSON document with stable fields.

use crate::common::*;
use crate::util::*;

fn json(home: &Home, args: &[&str]) -> serde_json::Value {
    let text = home.ok(args);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("mm {args:?}: {e}\n{text}"))
}

#[test]
fn config_mastery_json_is_the_rule() {
    let home = Home::new();
    let rule = json(
        &home,
        &["config", "mastery", "--min-sessions", "4", "--json"],
    );
    assert_eq!(rule["min_sessions"], 4);
    assert_eq!(rule["min_days"], 3);
    assert_eq!(rule["min_minutes_share"], 0.6);
}

#[test]
fn import_json_counts_what_was_written() {
    let home = Home::new();
    home.ok(&["demo"]);
    let journal = exported(&home);
    let fresh = Home::new();
    let file = fresh.file("j.json");
    std::fs::write(&file, journal.to_string()).unwrap();
    let counts = json(&fresh, &["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(counts["goals"], journal["goals"].as_array().unwrap().len());
    assert_eq!(
        counts["sessions"],
        journal["sessions"].as_array().unwrap().len()
    );
}

#[test]
fn status_json_lists_the_open_goals() {
    let home = Home::new();
    home.ok(&["demo"]);
    let status = json(&home, &["status", "--json"]);
    let text = status.to_string();
    assert!(text.contains("\"goal"), "{text}");
}
