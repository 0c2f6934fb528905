//! One test per bug found (issue #10), named after the bug, each in a fresh
//! home through the built binary. A refused input prints one `mm:` line,
//! exits non-zero and writes nothing.

use crate::common::*;
use crate::util::*;
use std::process::Stdio;

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn practice_log_3000000_days_ago_bricked_every_read() {
    let home = seeded();
    let (_, err) = home.fails(
        &[
            "practice",
            "log",
            "1",
            "45m",
            "--at",
            "-3000000d 07:00",
            "--aim",
            "x",
        ],
        2,
    );
    assert!(one_line(&err).contains("1970 to 9999"), "{err}");
    // Nothing was written, and every read still works.
    assert!(home.ok(&["practice", "list"]).contains("No sessions yet"));
    home.ok(&["status"]);
    home.ok(&["export"]);
}

#[test]
fn a_session_of_25_hours_was_accepted() {
    let home = seeded();
    let (_, err) = home.fails(
        &[
            "practice",
            "log",
            "1",
            "30m",
            "--lasted",
            "25h",
            "--at",
            "-2d 07:00",
            "--aim",
            "x",
        ],
        2,
    );
    assert!(one_line(&err).contains("at most 24 hours"), "{err}");
}

#[test]
fn a_session_before_its_goal_existed_was_accepted() {
    let home = seeded();
    let (_, err) = home.fails(
        &[
            "practice",
            "log",
            "1",
            "30m",
            "--at",
            "-30d 07:00",
            "--aim",
            "x",
        ],
        2,
    );
    assert!(one_line(&err).contains("before goal 1 began"), "{err}");
    assert!(home.ok(&["practice", "list"]).contains("No sessions yet"));
}

#[test]
fn a_weekly_budget_over_168_hours_was_accepted() {
    let home = seeded();
    let (_, err) = home.fails(
        &["goal", "new", "1", "--weekly", "169h", "--done-when", "x"],
        2,
    );
    assert!(one_line(&err).contains("168 hours"), "{err}");
}

#[test]
fn a_deadline_99999999999_days_ahead_panicked() {
    let home = seeded();
    for far in ["+99999999999d", "+99999999999w", "+99999999999999999999d"] {
        let (_, err) = home.fails(
            &["goal", "new", "1", "--deadline", far, "--done-when", "x"],
            2,
        );
        assert!(one_line(&err).contains("out of range"), "{far}: {err}");
    }
}

#[test]
fn review_days_100000000_panicked() {
    let home = seeded();
    for days in ["100000000", "4294967295"] {
        let (_, err) = home.fails(&["review", "--days", days], 2);
        assert!(one_line(&err).contains("before 1970"), "{days}: {err}");
    }
    home.ok(&["review", "--days", "365"]);
}

#[test]
fn mastery_rule_garbage_imported_and_status_failed_for_good() {
    let mut journal = exported(&seeded());
    journal["settings"]["mastery_rule"] = "garbage".into();
    let (fresh, out) = import(&journal);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(one_line(&err).contains("mastery_rule"), "{err}");
    assert!(
        !std::path::Path::new(&fresh.db).exists(),
        "a refused import creates no database"
    );
    // Nothing was imported: the fresh journal is empty and readable.
    fresh.ok(&["status"]);
    assert!(
        fresh
            .ok(&["goal", "list", "--all"])
            .contains("No open goals")
    );
}

#[test]
fn an_achieved_goal_without_evidence_imported() {
    let mut journal = exported(&seeded());
    journal["goals"][0]["state"] = "achieved".into();
    journal["goals"][0]["closed_at"] = "2026-11-25T08:30:00Z".into();
    let (fresh, out) = import(&journal);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let line = one_line(&err);
    assert!(
        line.contains("goal 1") && line.contains("mastery rule"),
        "{err}"
    );
    assert!(
        fresh
            .ok(&["goal", "list", "--all"])
            .contains("No open goals")
    );
}

#[test]
fn the_demo_journey_still_imports_with_its_achieved_goal() {
    let home = Home::new();
    home.ok(&["demo"]);
    let (fresh, out) = import(&exported(&home));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(fresh.ok(&["goal", "list", "--all"]).contains("achieved"));
}

#[test]
fn mastery_minimums_could_be_set_to_zero() {
    let home = seeded();
    for flag in ["--min-sessions", "--min-days", "--min-minutes-share"] {
        let (_, err) = home.fails(&["config", "mastery", flag, "0"], 2);
        assert!(one_line(&err).contains("mastery rule"), "{flag}: {err}");
    }
    // The rule is unchanged.
    assert!(
        home.ok(&["config", "mastery"])
            .contains("at least 3 sessions on 3")
    );
}

#[test]
fn a_nul_byte_imported_into_sqlite_could_not_move_to_postgres() {
    let home = seeded();
    home.ok(&[
        "practice",
        "log",
        "1",
        "30m",
        "--at",
        "today 07:00",
        "--aim",
        "x",
    ]);
    let mut journal = exported(&home);
    journal["sessions"][0]["aim"] = "nul\u{0}byte".into();
    let (_, out) = import(&journal);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(one_line(&err).contains("NUL"), "{err}");
}

#[test]
fn control_characters_in_a_skill_name_reached_the_terminal() {
    let home = Home::new();
    let (_, err) = home.fails(&["skill", "add", "pivot\u{1b}[31mred"], 2);
    assert!(one_line(&err).contains("control character"), "{err}");
    let mut journal = exported(&seeded());
    journal["skills"][0]["name"] = "tab\there".into();
    let (_, out) = import(&journal);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn status_into_dev_full_panicked() {
    let home = Home::new();
    home.ok(&["demo"]);
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = run_with_stdout(&home, &["status"], Stdio::from(full));
    assert!(is_error_exit(out.status.code()));
    let err = stderr(&out);
    assert!(
        one_line(&err).contains("cannot write to standard output"),
        "{err}"
    );
}

#[test]
fn demo_into_dev_full_panicked_after_writing() {
    let home = Home::new();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = run_with_stdout(&home, &["demo"], Stdio::from(full));
    assert!(is_error_exit(out.status.code()));
    one_line(&stderr(&out));
}

#[test]
fn a_closed_pipe_ends_quietly_with_success() {
    let home = Home::new();
    home.ok(&["demo"]);
    for args in [
        &["status"][..],
        &["goal", "show", "1"],
        &["status", "--json"],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = run_with_stdout(&home, args, Stdio::from(writer));
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?}");
    }
}

#[test]
fn export_to_a_directory_left_dir_partial_behind() {
    let home = seeded();
    std::fs::create_dir(home.file("backup")).unwrap();
    let before: Vec<_> = std::fs::read_dir(home.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    let (_, err) = home.fails(&["export", "-o", "backup"], 1);
    assert!(one_line(&err).contains("is a directory"), "{err}");
    let after: Vec<_> = std::fs::read_dir(home.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(before, after, "nothing is left beside the directory");
    assert!(!home.file("backup.partial").exists());
}

#[test]
fn export_to_a_device_replaced_the_device_with_a_file() {
    use std::os::unix::fs::FileTypeExt as _;
    let home = seeded();
    // /dev/stdout is a device (or a pipe) here: written in place, never renamed onto.
    home.ok(&["export", "-o", "/dev/null"]);
    let kind = std::fs::metadata("/dev/null").unwrap().file_type();
    assert!(kind.is_char_device());
    let text = home.ok(&["export", "-o", "-"]);
    assert!(text.contains("\"version\""), "{text}");
}

#[test]
fn evidence_naming_a_fifo_hung_forever() {
    let home = seeded();
    let fifo = home.file("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let out = home
        .mm()
        .args([
            "apply",
            "1",
            "--where",
            "review",
            "--outcome",
            "done",
            "--evidence",
            fifo.to_str().unwrap(),
        ])
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .unwrap();
    assert!(is_error_exit(out.status.code()), "{}", stderr(&out));
    assert!(one_line(&stderr(&out)).contains("not a regular file"));
    let (_, err) = home.fails(
        &[
            "apply",
            "1",
            "--where",
            "review",
            "--outcome",
            "done",
            "--evidence",
            "/dev/zero",
        ],
        1,
    );
    assert!(one_line(&err).contains("not a regular file"), "{err}");
}

#[test]
fn plan_export_to_a_directory_recorded_the_export_anyway() {
    let home = seeded();
    home.ok(&[
        "profile",
        "set",
        "--availability",
        "mon-sun 07:00-08:00",
        "--timezone",
        "UTC",
    ]);
    home.ok(&["plan", "1"]);
    std::fs::create_dir(home.file("cal")).unwrap();
    let (_, err) = home.fails(&["plan", "export", "--ics", "-o", "cal"], 1);
    assert!(one_line(&err).contains("is a directory"), "{err}");
    let journal = exported(&home);
    assert!(
        journal["settings"].get("plan.exported_items").is_none(),
        "nothing is recorded as exported: {}",
        journal["settings"]
    );
}

#[test]
fn a_reflection_on_week_60_imported_and_every_read_failed() {
    let home = seeded();
    home.ok(&["reflect", "--week", "2026-W48", "--worked", "grouping"]);
    let mut journal = exported(&home);
    journal["reflections"][0]["target"]["week"]["week"] = 60.into();
    let (fresh, out) = import(&journal);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        one_line(&err).contains("week 2026-W60 does not exist"),
        "{err}"
    );
    fresh.ok(&["review"]);
}

#[test]
fn help_into_dev_full_exited_0() {
    let home = Home::new();
    for args in [&["--help"][..], &["--version"], &["export"]] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let out = run_with_stdout(&home, args, Stdio::from(full));
        assert!(is_error_exit(out.status.code()), "{args:?}");
        let err = stderr(&out);
        assert!(
            one_line(&err).contains("cannot write to standard output"),
            "{err}"
        );
    }
}
