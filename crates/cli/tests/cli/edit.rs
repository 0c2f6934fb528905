//! Edit and undo through the `mm` binary on the demo journey: each change
//! shows where the user looks, refuses what would break the journal with one
//! clear line and nothing written, and leaves a record in `mm history`.

use crate::common::*;
use serde_json::Value;

fn json(home: &Home, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&home.ok(&all)).unwrap()
}

fn demo() -> Home {
    let home = Home::new();
    home.ok(&["demo"]);
    home
}

fn one_line(err: &str) {
    assert_eq!(err.trim().lines().count(), 1, "one clear line: {err}");
    assert!(err.starts_with("mm: "), "{err}");
}

fn history(home: &Home) -> Vec<Value> {
    json(home, &["history"]).as_array().unwrap().clone()
}

/// The sessions of goal 2 (in progress in the demo).
fn sessions(home: &Home) -> Vec<Value> {
    json(home, &["practice", "list", "2"])
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn edit_a_session_and_see_it_in_history_and_export() {
    let home = demo();
    assert_eq!(home.ok(&["history"]).trim(), "No edits or deletions yet.");
    let sid = sessions(&home)[0]["id"].to_string();
    let out = home.ok(&[
        "edit",
        "session",
        &sid,
        "--aim",
        "LEFT JOIN counts",
        "--minutes",
        "40m",
        "--difficulty",
        "4",
    ]);
    assert!(out.contains("40m focused"), "{out}");
    let s = &sessions(&home)[0];
    assert_eq!(s["aim"], "LEFT JOIN counts");
    assert_eq!(s["focused_minutes"], 40);
    assert_eq!(s["difficulty"], 4);
    let h = history(&home);
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["action"], "edit");
    assert_eq!(h[0]["record"], "session");
    assert_eq!(
        h[0]["before"]["aim"],
        "inner joins on the sample shop database"
    );
    assert_eq!(h[0]["after"]["aim"], "LEFT JOIN counts");
    assert!(
        h[0]["summary"]
            .as_str()
            .unwrap()
            .contains("aim, difficulty"),
        "{h:?}"
    );
    let text = home.ok(&["history"]);
    assert!(text.contains("session") && text.contains("edit"), "{text}");
    // Export carries the history.
    let export: Value = serde_json::from_str(&home.ok(&["export"])).unwrap();
    assert_eq!(export["history"].as_array().unwrap().len(), 1);

    // The same values again: nothing to change, nothing recorded.
    let (_, err) = home.fails(&["edit", "session", &sid, "--aim", "LEFT JOIN counts"], 1);
    one_line(&err);
    assert!(err.contains("nothing to change"), "{err}");
    // An invalid result (more errors than... a session in the future) is refused.
    let (_, err) = home.fails(&["edit", "session", &sid, "--at", "tomorrow 07:00"], 1);
    one_line(&err);
    assert!(err.contains("future"), "{err}");
    assert_eq!(history(&home).len(), 1, "refused edits leave no record");
}

#[test]
fn evidence_of_an_achieved_goal_stays_as_the_rule_passed_it() {
    let home = demo();
    let s1 = json(&home, &["practice", "list", "1"])[0]["id"].to_string();
    let before = home.ok(&["export"]);
    let (_, err) = home.fails(&["edit", "session", &s1, "--aim", "x"], 1);
    one_line(&err);
    assert!(err.contains("achieved"), "{err}");
    let (_, err) = home.fails(&["delete", "session", &s1, "--yes"], 1);
    assert!(err.contains("achieved"), "{err}");
    let (_, err) = home.fails(&["goal", "tick", "1", "1", "--undo"], 1);
    assert!(err.contains("achieved"), "{err}");
    assert_eq!(home.ok(&["export"]), before, "nothing changed");
}

#[test]
fn delete_asks_and_refuses_without_a_terminal_or_yes() {
    let home = demo();
    let sid = sessions(&home)[1]["id"].to_string();
    home.ok(&[
        "reflect",
        "--session",
        &sid,
        "--worked",
        "HAVING after GROUP BY",
        "--didnt",
        "",
        "--next",
        "",
    ]);
    let before = home.ok(&["export"]);
    // Tests run without a terminal on stdin: no --yes, no deletion.
    let (_, err) = home.fails(&["delete", "session", &sid], 1);
    one_line(&err);
    assert!(err.contains("--yes"), "{err}");
    let (_, err) = home.fails(&["delete", "goal", "2"], 1);
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(home.ok(&["export"]), before, "nothing deleted");

    let out = home.ok(&["delete", "session", &sid, "--yes"]);
    assert!(out.contains("1 reflection(s)"), "{out}");
    assert_eq!(sessions(&home).len(), 1);
    let h = history(&home);
    assert_eq!(h[0]["action"], "delete");
    assert_eq!(h[0]["before"]["session"]["id"].to_string(), sid);
    assert_eq!(
        h[0]["before"]["reflections"][0]["worked"],
        "HAVING after GROUP BY"
    );
}

#[test]
fn applications_and_reflections_edit_and_delete() {
    let home = demo();
    let app = json(
        &home,
        &[
            "apply",
            "2",
            "--where",
            "monthly report",
            "--outcome",
            "joined orders to customers",
        ],
    );
    let aid = app["id"].to_string();
    home.ok(&[
        "edit",
        "application",
        &aid,
        "--outcome",
        "joined three tables",
        "--impact",
        "saved an hour",
    ]);
    let export: Value = serde_json::from_str(&home.ok(&["export"])).unwrap();
    let edited = export["applications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == app["id"])
        .unwrap();
    assert_eq!(edited["outcome"], "joined three tables");
    assert_eq!(edited["impact"], "saved an hour");
    assert_eq!(edited["context"], "monthly report", "the rest stays");
    let r = json(
        &home,
        &[
            "reflect",
            "--goal",
            "2",
            "--worked",
            "aliases",
            "--didnt",
            "",
            "--next",
            "window functions",
        ],
    );
    let rid = r["id"].to_string();
    home.ok(&["edit", "reflection", &rid, "--worked", "table aliases"]);
    let (_, err) = home.fails(
        &["edit", "reflection", &rid, "--worked", "", "--next", ""],
        1,
    );
    one_line(&err);
    home.ok(&["delete", "reflection", &rid, "--yes"]);
    home.ok(&["delete", "application", &aid, "--yes"]);
    let kinds: Vec<(String, String)> = history(&home)
        .iter()
        .map(|h| {
            (
                h["action"].as_str().unwrap().to_owned(),
                h["record"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("edit", "application"),
            ("edit", "reflection"),
            ("delete", "reflection"),
            ("delete", "application")
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    let export: Value = serde_json::from_str(&home.ok(&["export"])).unwrap();
    assert!(
        export["applications"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["goal_id"] != 2)
    );
}

#[test]
fn untick_a_criterion_is_recorded() {
    let home = demo();
    home.ok(&["goal", "tick", "2", "2", "--undo"]);
    let goal = json(&home, &["goal", "show", "2"]);
    let text = goal.to_string();
    assert!(!text.contains("\"met_at\":\"20"), "{text}");
    let h = history(&home);
    assert_eq!(h.len(), 1);
    assert_eq!(h[0]["record"], "criterion");
    assert!(h[0]["before"]["met_at"].is_string());
    assert!(h[0]["after"]["met_at"].is_null());
}

#[test]
fn reword_a_micro_skill_keeping_principle_ids() {
    let home = demo();
    let before = json(&home, &["skill", "show", "SQL"]);
    let p1 = before["micro_skills"][0]["principles"][0]["id"].clone();
    let micro = before["micro_skills"][0]["id"].to_string();
    let out = home.ok(&[
        "edit",
        "micro",
        &micro,
        "--name",
        "Join three tables and total per customer",
        "--principle",
        "1=joins on keys",
        "--describe",
        "1=match rows by key columns",
        "--add-principle",
        "null handling: what a LEFT JOIN leaves empty",
        "--add-resource",
        "https://example.org/joins",
        "--remove-resource",
        "1",
    ]);
    assert!(out.contains("principle 3: null handling"), "{out}");
    let after = json(&home, &["skill", "show", "SQL"]);
    let m = &after["micro_skills"][0];
    assert_eq!(m["name"], "Join three tables and total per customer");
    assert_eq!(m["principles"][0]["id"], p1, "the principle keeps its id");
    assert_eq!(m["principles"][0]["name"], "joins on keys");
    assert_eq!(
        m["principles"][0]["description"],
        "match rows by key columns"
    );
    assert_eq!(m["resources"].as_array().unwrap().len(), 1);
    assert_eq!(m["resources"][0]["url"], "https://example.org/joins");
    // Bad numbers are one clear line, and nothing changes.
    let (_, err) = home.fails(&["edit", "micro", &micro, "--principle", "9=x"], 1);
    one_line(&err);
    assert!(err.contains("principle"), "{err}");
    let (_, err) = home.fails(&["edit", "micro", &micro, "--principle", "x"], 1);
    one_line(&err);
    assert_eq!(json(&home, &["skill", "show", "SQL"]), after);
    assert_eq!(history(&home).len(), 1);
}

#[test]
fn rename_and_link_a_skill() {
    let home = demo();
    home.ok(&["skill", "rename", "SQL", "SQL queries"]);
    assert!(home.ok(&["skill", "list"]).contains("SQL queries"));
    let (_, err) = home.fails(
        &[
            "skill",
            "rename",
            "SQL queries",
            "USE SPREADSHEETS SOFTWARE",
        ],
        1,
    );
    one_line(&err);
    assert!(err.contains("already named"), "{err}");

    home.ok(&["skill", "add", "sheets of my own"]);
    let (_, err) = home.fails(&["skill", "link", "sheets of my own", "qwxzv plorf"], 1);
    one_line(&err);
    assert!(err.contains("no ESCO skill"), "{err}");
    // The demo's spreadsheet skill already stands for that concept.
    let (_, err) = home.fails(
        &[
            "skill",
            "link",
            "sheets of my own",
            "use spreadsheets software",
        ],
        1,
    );
    one_line(&err);
    assert!(err.contains("already stands for"), "{err}");
    home.ok(&[
        "skill",
        "link",
        "sheets of my own",
        "Python (computer programming)",
    ]);
    let s = json(&home, &["skill", "show", "sheets of my own"]);
    let uri = s["skill"]["taxonomy_uri"].as_str().unwrap();
    assert!(
        uri.starts_with("http://data.europa.eu/esco/skill/"),
        "{uri}"
    );
    // Found by its concept now.
    assert_eq!(
        json(&home, &["skill", "show", uri])["skill"]["name"],
        "sheets of my own"
    );
    home.ok(&["skill", "link", "sheets of my own", "--unlink"]);
    let s = json(&home, &["skill", "show", "sheets of my own"]);
    assert!(s["skill"]["taxonomy_uri"].is_null());
    assert_eq!(history(&home).len(), 3);
}

#[test]
fn delete_a_goal_with_everything_on_it() {
    let home = demo();
    home.ok(&[
        "profile",
        "set",
        "--availability",
        "mon-fri 07:00-07:40",
        "--timezone",
        "Europe/Paris",
    ]);
    home.ok(&["plan", "2"]);
    let out = home.ok(&["delete", "goal", "2", "--yes"]);
    assert!(out.contains("2 session(s)"), "{out}");
    let (_, err) = home.fails(&["goal", "show", "2"], 1);
    assert!(err.contains("no goal 2"), "{err}");
    assert!(sessions(&home).is_empty());
    let h = history(&home);
    assert_eq!(h[0]["record"], "goal");
    assert_eq!(h[0]["before"]["sessions"].as_array().unwrap().len(), 2);
    assert!(h[0]["before"]["plan"].is_object());
    // The journal still exports and imports whole.
    let file = home.file("after-delete.json");
    home.ok(&["export", "-o", file.to_str().unwrap()]);
    Home::new().ok(&["import", file.to_str().unwrap()]);
}

#[test]
fn undo_a_goal_deletion_gives_it_all_back() {
    let home = demo();
    // The journal apart from its history and the moment of export.
    let journal = |home: &Home| {
        let mut j: Value = serde_json::from_str(&home.ok(&["export"])).unwrap();
        let o = j.as_object_mut().unwrap();
        o.remove("history");
        o.remove("exported_at");
        j
    };
    let show = home.ok(&["--json", "goal", "show", "1"]);
    let before = journal(&home);
    assert!(
        !before["retention_cards"].as_array().unwrap().is_empty()
            && !before["reflections"].as_array().unwrap().is_empty(),
        "goal 1 of the demo has cards and reflections to lose"
    );
    let out = home.ok(&["delete", "goal", "1", "--yes"]);
    assert!(out.contains("`mm undo` puts it all back"), "{out}");
    home.fails(&["goal", "show", "1"], 1);
    let out = home.ok(&["undo"]);
    assert!(out.contains("undo #1: goal 1 deleted"), "{out}");
    assert_eq!(home.ok(&["--json", "goal", "show", "1"]), show);
    assert_eq!(journal(&home), before, "every record back as it was");
    let h = history(&home);
    assert_eq!((h.len(), &h[1]["action"]), (2, &Value::from("undo")));
}

/// Run `mm args` on a real terminal (util-linux `script` gives it a pty),
/// typing `answer`; returns (exit code, what the terminal showed).
fn on_terminal(home: &Home, args: &str, answer: &str) -> Option<(i32, String)> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipping: util-linux `script` is not installed (it gives mm a terminal)");
        return None;
    }
    let bin = assert_cmd::cargo::cargo_bin("mm");
    let mut child = Command::new("script")
        .args(["-qec", &format!("{} {args}", bin.display()), "/dev/null"])
        .env("MM_NOW", NOW)
        .env("MM_DATABASE_URL", &home.db)
        .env("HOME", home.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(answer.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    Some((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    ))
}

#[test]
fn delete_asks_on_a_terminal() {
    let home = demo();
    let Some((code, shown)) = on_terminal(&home, "delete goal 2", "n\n") else {
        return;
    };
    assert_eq!(code, 1, "{shown}");
    assert!(
        shown.contains("Delete goal 2") && shown.contains("[y/N]"),
        "{shown}"
    );
    assert!(shown.contains("nothing was deleted"), "{shown}");
    home.ok(&["goal", "show", "2"]);
    let (code, shown) = on_terminal(&home, "delete goal 2", "y\n").unwrap();
    assert_eq!(code, 0, "{shown}");
    assert!(shown.contains("Deleted goal 2"), "{shown}");
    home.fails(&["goal", "show", "2"], 1);
}

#[test]
fn undo_a_deletion_and_an_edit() {
    let home = demo();
    let before = home.ok(&["practice", "list", "2"]);
    let sid = sessions(&home)[0]["id"].to_string();
    home.ok(&["edit", "session", &sid, "--aim", "LEFT JOIN counts"]);
    home.ok(&["delete", "session", &sid, "--yes"]);
    let out = home.ok(&["undo"]);
    assert!(out.contains("undo #2: session"), "{out}");
    assert_eq!(sessions(&home)[0]["aim"], "LEFT JOIN counts");
    home.ok(&["undo", "1"]);
    assert_eq!(
        home.ok(&["practice", "list", "2"]),
        before,
        "back as it was"
    );
    let (_, err) = home.fails(&["undo"], 1);
    one_line(&err);
    assert!(err.contains("no change left to undo"), "{err}");
    let (_, err) = home.fails(&["undo", "1"], 1);
    assert!(err.contains("already undone"), "{err}");
    let h = history(&home);
    assert_eq!(h.len(), 4);
    assert_eq!(h[3]["action"], "undo");
    assert_eq!(h[3]["undoes"], 1);
}
