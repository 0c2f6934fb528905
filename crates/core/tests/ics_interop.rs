//! Our iCalendar output, judged by an outside opinion: the Python checker in
//! `$MM_SHARED_DIR/standards/verify/ics_check.py` (CRLF, folding, required
//! properties, then the `icalendar`, `vobject` and `ics` parsers and RRULE
//! expansion). It must accept every export and reject the invalid sample.
//!
//! Needs the venv from `scripts/setup-ics-check.sh`; skips without it unless
//! `CI` is set, where it fails.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use mm_core::availability::Availability;
use mm_core::ics::{IcsOptions, PlanForCalendar, write_calendar};
use mm_core::plan::{PlanOutcome, PlanRequest, PlanSettings, make_plan};
use mm_core::*;
use std::path::PathBuf;
use std::process::Command;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn tools() -> Option<(PathBuf, PathBuf)> {
    let shared = std::env::var_os("MM_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("../shared"));
    let checker = shared.join("standards/verify/ics_check.py");
    let python = std::env::var_os("MM_ICS_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target/ics-check-venv/bin/python"));
    let ci = std::env::var_os("CI").is_some();
    if !checker.is_file() {
        assert!(!ci, "CI: {} is missing", checker.display());
        eprintln!(
            "skipping: {} not found (set MM_SHARED_DIR)",
            checker.display()
        );
        return None;
    }
    if !python.is_file() {
        assert!(
            !ci,
            "CI: run scripts/setup-ics-check.sh first ({} missing)",
            python.display()
        );
        eprintln!("skipping: no ics-check venv; run scripts/setup-ics-check.sh");
        return None;
    }
    Some((python, checker))
}

fn goal() -> Goal {
    Goal {
        id: GoalId(12),
        micro_skill_id: MicroSkillId(4),
        target_level: Level::Competent,
        state: GoalState::Active,
        start: NaiveDate::from_ymd_opt(2026, 10, 19).unwrap(),
        deadline: NaiveDate::from_ymd_opt(2026, 11, 15).unwrap(),
        weekly_minutes: 150,
        criteria: vec![],
        extensions: vec![],
        created_at: now(),
        closed_at: None,
        abandon_reason: None,
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 10, 19, 3, 0, 0).unwrap()
}

fn export(tz: &str, alarm: Option<u32>) -> String {
    export_with(tz, alarm, false)
}

fn export_with(tz: &str, alarm: Option<u32>, cancel_some: bool) -> String {
    let g = goal();
    let a = Availability::parse("mon-fri 07:00-07:40, sat 10:00-11:30", tz).unwrap();
    let PlanOutcome::Fits(p) = make_plan(&PlanRequest {
        goal: &g,
        availability: &a,
        minutes_done: 0,
        now: now(),
        settings: PlanSettings::default(),
        aim: "build a pivot table that summarises a 10k-row sheet in 5 minutes, with totals; by region",
    })
    .unwrap() else {
        panic!("plan should fit")
    };
    let mut shown = p.clone();
    let mut cancelled = Vec::new();
    if cancel_some {
        // As after a re-plan: the later sessions were dropped and go out cancelled.
        cancelled = p.items.clone();
        shown.items.truncate(p.items.len() / 2);
    }
    write_calendar(
        &[PlanForCalendar {
            plan: &shown,
            label: "pivot tables, fast (goal 12) — déjà vu",
        }],
        a.tz,
        now(),
        &IcsOptions {
            alarm_minutes: alarm,
            cancelled,
            ..IcsOptions::default()
        },
    )
}

fn check(python: &PathBuf, checker: &PathBuf, file: &std::path::Path) -> (bool, String) {
    let out = Command::new(python)
        .arg(checker)
        .arg(file)
        .output()
        .expect("run ics_check.py");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

#[test]
fn independent_checker_accepts_our_exports() {
    let Some((python, checker)) = tools() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    // Zones across the DST change of late October, one with a half-hour offset, one without DST.
    for (i, (tz, alarm)) in [
        ("Europe/Paris", Some(10)),
        ("America/New_York", None),
        ("Asia/Kolkata", Some(5)),
        ("UTC", None),
    ]
    .into_iter()
    .enumerate()
    {
        let path = dir.path().join(format!("plan{i}.ics"));
        std::fs::write(&path, export(tz, alarm)).unwrap();
        let (ok, text) = check(&python, &checker, &path);
        assert!(ok && text.contains("OK"), "{tz}: {text}");
    }
    let path = dir.path().join("replanned.ics");
    let ics = export_with("Europe/Paris", Some(10), true);
    assert!(ics.contains("STATUS:CANCELLED"));
    std::fs::write(&path, ics).unwrap();
    let (ok, text) = check(&python, &checker, &path);
    assert!(ok && text.contains("OK"), "with cancellations: {text}");
}

#[test]
fn independent_checker_rejects_the_invalid_sample() {
    let Some((python, checker)) = tools() else {
        return;
    };
    let bad = checker
        .parent()
        .unwrap()
        .join("../icalendar/missing-required.invalid.ics");
    let (ok, text) = check(&python, &checker, &bad);
    assert!(!ok, "the invalid sample must fail: {text}");
    assert!(
        text.contains("FAIL") && text.contains("missing UID"),
        "{text}"
    );
    // And the valid sample passes, so the checker itself is working.
    let good = checker
        .parent()
        .unwrap()
        .join("../icalendar/practice-plan.valid.ics");
    let (ok, text) = check(&python, &checker, &good);
    assert!(ok, "{text}");
}
