//! What a person can do, end to end.

use crate::common::*;
use crate::util::*;

#[test]
fn export_replaces_an_older_backup_whole_and_leaves_nothing_beside_it() {
    let home = Home::new();
    home.ok(&["demo"]);
    std::fs::write(home.file("backup.json"), "old").unwrap();
    home.ok(&["export", "-o", "backup.json"]);
    let text = std::fs::read_to_string(home.file("backup.json")).unwrap();
    assert!(text.starts_with('{') && text.contains("\"goals\""));
    let names: Vec<String> = std::fs::read_dir(home.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("backup"))
        .collect();
    assert_eq!(names, ["backup.json"]);
    // And the backup imports.
    let fresh = Home::new();
    fresh.ok(&["import", home.file("backup.json").to_str().unwrap()]);
}

#[test]
fn status_of_the_demo_journey() {
    let home = Home::new();
    home.ok(&["demo"]);
    golden("status.txt", &home.ok(&["status"]));
}

#[test]
fn goal_show_of_the_demo_journey() {
    let home = Home::new();
    home.ok(&["demo"]);
    golden("goal-show-1.txt", &home.ok(&["goal", "show", "1"]));
    golden("goal-show-2.txt", &home.ok(&["goal", "show", "2"]));
}

#[test]
fn an_error_exits_with_the_code_of_its_kind() {
    let home = Home::new();
    home.ok(&["demo"]);
    // Invalid input: 2, as for a usage error.
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
        2,
    );
    assert!(err.starts_with("mm: "), "{err}");
    // Not found: 4, with the CLI's hint of where to look.
    let (_, err) = home.fails(&["goal", "show", "99"], 4);
    assert!(
        err.contains("no goal 99") && err.contains("mm goal list"),
        "{err}"
    );
    // A database that cannot be opened: 6 (unavailable).
    std::fs::write(home.file("notes.txt"), "not a database").unwrap();
    home.fails(&["--db", "notes.txt", "status"], 6);
    // 3 stays "checked, and the answer is no": goal 2 is not achieved yet.
    home.fails(&["goal", "check", "2"], 3);
}
