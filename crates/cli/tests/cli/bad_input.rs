//! Bad input gets one clear line on stderr and a non-zero exit — never a
//! panic or a stack trace — and nothing half-written.

use crate::common::*;

fn one_line(err: &str) -> &str {
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "panic: {err}"
    );
    let lines: Vec<_> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one line expected, got:\n{err}");
    assert!(lines[0].starts_with("mm: "), "{err}");
    lines[0]
}

fn seeded() -> Home {
    let home = Home::new();
    home.ok(&["skill", "add", "Excel"]);
    home.ok(&[
        "micro",
        "add",
        "pivot",
        "--skill",
        "Excel",
        "--principle",
        "aggregation",
    ]);
    home.ok(&["goal", "new", "1", "--done-when", "done"]);
    home
}

#[test]
fn deadline_in_the_past() {
    let home = seeded();
    let (_, err) = home.fails(
        &[
            "goal",
            "new",
            "1",
            "--deadline",
            "2020-01-01",
            "--done-when",
            "x",
        ],
        1,
    );
    assert!(
        one_line(&err).contains("the deadline 2020-01-01 is in the past"),
        "{err}"
    );
    assert_eq!(
        home.ok(&["--json", "goal", "list"])
            .matches("\"id\"")
            .count(),
        1 + 1,
        "only goal 1 (and its criterion)"
    );
}

#[test]
fn zero_or_negative_minutes() {
    let home = seeded();
    let (_, err) = home.fails(&["practice", "log", "1", "0m", "--aim", "x"], 1);
    assert!(one_line(&err).contains("zero"), "{err}");
    let (_, err) = home.fails(
        &["goal", "new", "1", "--weekly=-30m", "--done-when", "x"],
        1,
    );
    assert!(one_line(&err).contains("negative"), "{err}");
    let (_, err) = home.fails(
        &["goal", "new", "1", "--weekly", "0", "--done-when", "x"],
        1,
    );
    one_line(&err);
    assert_eq!(home.ok(&["--json", "practice", "list"]).trim(), "[]");
}

#[test]
fn text_beyond_the_caps_is_refused_and_nothing_is_kept() {
    let home = seeded();
    let aim = "x".repeat(100_001);
    let (_, err) = home.fails(&["practice", "log", "1", "20m", "--aim", &aim], 1);
    assert!(one_line(&err).contains("at most 100000"), "{err}");
    assert_eq!(home.ok(&["--json", "practice", "list"]).trim(), "[]");
    let name = "n".repeat(2_001);
    let (_, err) = home.fails(&["skill", "add", &name], 1);
    assert!(one_line(&err).contains("at most 2000"), "{err}");
    let skills: serde_json::Value =
        serde_json::from_str(&home.ok(&["--json", "skill", "list"])).unwrap();
    assert_eq!(skills.as_array().unwrap().len(), 1, "{skills}");
}

#[test]
fn unknown_ids_and_names() {
    let home = seeded();
    for (args, says) in [
        (vec!["goal", "show", "99"], "no goal 99"),
        (vec!["skill", "show", "Cobol"], "no skill \"Cobol\""),
        (
            vec!["micro", "add", "x", "--skill", "Cobol", "--principle", "p"],
            "no skill",
        ),
        (
            vec!["practice", "log", "42", "30m", "--aim", "x"],
            "no goal 42",
        ),
        (vec!["goal", "tick", "1", "5"], "no criterion number 5"),
        (
            vec![
                "reflect",
                "--goal",
                "1",
                "--worked",
                "x",
                "--principle",
                "nope",
            ],
            "no principle named \"nope\"",
        ),
    ] {
        let (_, err) = home.fails(&args, 1);
        assert!(one_line(&err).contains(says), "{args:?}: {err}");
    }
}

#[test]
fn micro_skill_without_principle() {
    let home = seeded();
    let (_, err) = home.fails(&["micro", "add", "vlookup", "--skill", "Excel"], 1);
    assert!(
        one_line(&err).contains("at least one underlying principle"),
        "{err}"
    );
}

#[test]
fn malformed_truncated_and_future_imports() {
    let home = Home::new();
    let src = seeded();
    let journal = src.ok(&["export"]);
    let cases = [
        (
            "garbage.json",
            "this is not json".to_owned(),
            "not a Micromastery journal",
        ),
        (
            "truncated.json",
            journal[..journal.len() / 2].to_owned(),
            "truncated",
        ),
        (
            "future.json",
            journal.replacen("\"version\": 2", "\"version\": 7", 1),
            "newer than this mm understands",
        ),
        (
            "dangling.json",
            journal.replacen("\"micro_skill_id\": 1", "\"micro_skill_id\": 9", 1),
            "not in the journal",
        ),
    ];
    for (name, text, says) in cases {
        std::fs::write(home.file(name), text).unwrap();
        let (_, err) = home.fails(&["import", name], 1);
        assert!(one_line(&err).contains(says), "{name}: {err}");
        assert_eq!(
            home.ok(&["--json", "skill", "list"]).trim(),
            "[]",
            "{name} wrote something"
        );
    }
    let (_, err) = home.fails(&["import", "missing.json"], 1);
    one_line(&err);
}

#[test]
fn not_a_sqlite_file() {
    let home = Home::new();
    std::fs::write(home.file("notes.txt"), "my notes\n").unwrap();
    let (_, err) = home.fails(&["--db", "notes.txt", "status"], 1);
    assert!(one_line(&err).contains("not a SQLite database"), "{err}");
    assert_eq!(
        std::fs::read_to_string(home.file("notes.txt")).unwrap(),
        "my notes\n"
    );
}

#[test]
fn read_only_database() {
    let home = seeded();
    let url = format!("sqlite://{}?mode=ro", home.db);
    let (_, err) = home.fails(&["--db", &url, "skill", "add", "SQL"], 1);
    assert!(one_line(&err).contains("read-only"), "{err}");
    // Reading still works.
    assert!(home.ok(&["--db", &url, "skill", "list"]).contains("Excel"));
}

#[test]
fn locked_database() {
    use sqlx::Connection;
    let home = seeded();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut conn = rt
        .block_on(sqlx::SqliteConnection::connect(&format!(
            "sqlite://{}",
            home.db
        )))
        .unwrap();
    // Another program holds the write lock.
    rt.block_on(sqlx::query("BEGIN IMMEDIATE").execute(&mut conn))
        .unwrap();
    let (_, err) = home.fails(&["skill", "add", "SQL"], 1);
    assert!(
        one_line(&err).contains("locked by another program"),
        "{err}"
    );
    rt.block_on(sqlx::query("ROLLBACK").execute(&mut conn))
        .unwrap();
    home.ok(&["skill", "add", "SQL"]);
}

#[test]
fn unreachable_postgres() {
    let home = Home::new();
    let (_, err) = home.fails(
        &["--db", "postgres://mm:secret@127.0.0.1:1/nowhere", "status"],
        1,
    );
    let line = one_line(&err);
    assert!(
        line.contains("cannot open the database postgres://mm:***@127.0.0.1:1/nowhere"),
        "{err}"
    );
    assert!(!line.contains("secret"), "password leaked: {err}");
}

#[test]
fn bad_dates_and_durations() {
    let home = seeded();
    for args in [
        vec![
            "goal",
            "new",
            "1",
            "--deadline",
            "next tuesday",
            "--done-when",
            "x",
        ],
        vec!["goal", "new", "1", "--weekly", "lots", "--done-when", "x"],
        vec![
            "practice",
            "log",
            "1",
            "30m",
            "--at",
            "yesterday 25:00",
            "--aim",
            "x",
        ],
        vec!["practice", "log", "1", "30m", "--at", "+1d", "--aim", "x"],
        vec!["goal", "extend", "1", "--to", "2026-11-01", "--reason", "x"],
        vec![
            "practice",
            "log",
            "1",
            "30m",
            "--aim",
            "x",
            "--difficulty",
            "9",
        ],
    ] {
        let (_, err) = home.fails(&args, 1);
        one_line(&err);
    }
}
