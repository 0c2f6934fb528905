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
