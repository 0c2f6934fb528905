//! Killing `mm import` part-way leaves the database holding everything or
//! nothing, and intact.

use crate::common::*;
use chrono::{Duration, TimeZone, Utc};
use mm_core::journal::{JOURNAL_VERSION, Journal};
use mm_core::*;

fn big_journal(sessions: i64) -> Journal {
    let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 7, 0, 0).unwrap();
    let skill = Skill {
        id: SkillId(1),
        name: "Excel".into(),
        kind: SkillKind::Skill,
        taxonomy_uri: None,
        description: None,
        held_level: None,
        created_at: t0,
    };
    let micro = MicroSkill {
        id: MicroSkillId(1),
        skill_id: SkillId(1),
        name: "pivot".into(),
        principles: vec![Principle {
            id: PrincipleId(1),
            name: "aggregation".into(),
            description: None,
        }],
        resources: vec![],
        created_at: t0,
    };
    let goal = Goal {
        id: GoalId(1),
        micro_skill_id: MicroSkillId(1),
        target_level: Level::Competent,
        state: GoalState::Active,
        start: t0.date_naive(),
        deadline: t0.date_naive() + Duration::days(300),
        weekly_minutes: 120,
        criteria: vec![Criterion {
            id: CriterionId(1),
            text: "done".into(),
            met_at: None,
        }],
        extensions: vec![],
        created_at: t0,
        closed_at: None,
        abandon_reason: None,
    };
    let sessions = (1..=sessions)
        .map(|i| {
            let at = t0 + Duration::minutes(i * 7);
            Session {
                id: SessionId(i),
                goal_id: GoalId(1),
                started_at: at,
                ended_at: at + Duration::minutes(6),
                focused_minutes: 5,
                interruptions: 0,
                aim: format!("rep block {i}"),
                reps: 3,
                errors: 1,
                difficulty: Some(2),
                feedback: None,
                notes: Some("x".repeat(200)),
            }
        })
        .collect();
    Journal {
        version: JOURNAL_VERSION,
        exported_at: t0,
        skills: vec![skill],
        micro_skills: vec![micro],
        goals: vec![goal],
        sessions,
        applications: vec![],
        reflections: vec![],
        settings: Default::default(),
        ..Journal::default()
    }
}

#[test]
fn sigkill_during_import_leaves_all_or_nothing() {
    let home = Home::new();
    let n = 150_000;
    let file = home.file("big.json");
    std::fs::write(&file, serde_json::to_vec(&big_journal(n)).unwrap()).unwrap();
    // Create the database first so the WAL can be watched.
    home.ok(&["skill", "list"]);
    let wal = std::path::PathBuf::from(format!("{}-wal", home.db));
    let wal_before = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);

    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("mm"))
        .args(["import", file.to_str().unwrap()])
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env("MM_NOW", NOW)
        .env("MM_DATABASE_URL", &home.db)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the import is writing (the WAL grows), then kill it.
    let started = std::time::Instant::now();
    loop {
        let grown = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0) > wal_before + 1_000_000;
        if grown || started.elapsed() > std::time::Duration::from_secs(60) {
            break;
        }
        assert!(
            child.try_wait().unwrap().is_none(),
            "import finished before it could be killed; raise n"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let killed_mid_write = child.try_wait().unwrap().is_none();
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    assert!(
        killed_mid_write,
        "the import should still have been running when killed"
    );

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let store = rt.block_on(mm_store::Store::open(&home.db)).unwrap();
    rt.block_on(store.integrity_check())
        .expect("PRAGMA integrity_check says ok");
    let sessions = rt.block_on(store.list_sessions(None)).unwrap().len() as i64;
    let skills = rt.block_on(store.list_skills()).unwrap().len();
    assert!(
        (sessions == 0 && skills == 0) || (sessions == n && skills == 1),
        "half-written import: {skills} skills, {sessions} sessions"
    );
    rt.block_on(store.close());
    // And the same file imports whole afterwards when nothing landed.
    if sessions == 0 {
        let out = home.ok(&["import", file.to_str().unwrap()]);
        assert!(out.contains(&format!("{n} sessions")), "{out}");
    }
}
