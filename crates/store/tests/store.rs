//! The store suite: written once, run on SQLite and on PostgreSQL.
//!
//! PostgreSQL runs when `MM_TEST_DATABASE_URL` is set or the local server
//! answers at 127.0.0.1:5432 (database `test`); each test gets its own schema.
//! Without either, the Postgres half prints why and skips — unless
//! `MM_REQUIRE_POSTGRES` is set (CI), where it fails.

use chrono::{Duration, FixedOffset};
use mm_core::journal::Journal;
use mm_core::mastery::{ConditionKind, MasteryRule};
use mm_core::*;
use mm_store::{Error, Store};

mod common;
use common::*;

const UTC: FixedOffset = FixedOffset::east_opt(0).unwrap();

both!(skills_and_micro_skills, |store: Store| async move {
    let (skill, micro, _) = seed(&store).await;
    assert_eq!(store.find_skill("excel").await.unwrap().id, skill.id);
    assert_eq!(
        store.find_skill(&skill.id.to_string()).await.unwrap().name,
        "Excel"
    );
    assert_eq!(micro.principles.len(), 2);
    assert_eq!(
        micro.principles[1].description.as_deref(),
        Some("one row per observation")
    );
    assert_eq!(micro.resources.len(), 1);
    // Duplicate names are refused, whatever the case.
    let dup = store
        .create_skill(
            &NewSkill {
                name: "EXCEL".into(),
                kind: SkillKind::Skill,
                taxonomy_uri: None,
                description: None,
                held_level: None,
            },
            now(),
        )
        .await
        .unwrap_err();
    assert!(matches!(dup, Error::Invalid(_)), "{dup}");
    // A micro-skill without principle is refused and leaves nothing behind.
    let err = store
        .create_micro_skill(
            &NewMicroSkill {
                skill_id: skill.id,
                name: "x".into(),
                principles: vec![],
                resources: vec![],
            },
            now(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("principle"));
    assert_eq!(store.list_micro_skills(None).await.unwrap().len(), 1);
    assert!(matches!(
        store.find_skill("nope").await.unwrap_err(),
        Error::NotFound { .. }
    ));
});

both!(goal_lifecycle, |store: Store| async move {
    let (_, _, goal) = seed(&store).await;
    assert_eq!(goal.state, GoalState::Active);
    assert_eq!(goal.criteria.len(), 2);
    let g = store.tick_criterion(goal.id, 2, true, now()).await.unwrap();
    assert!(g.criteria[1].met_at.is_some() && g.criteria[0].met_at.is_none());
    assert!(matches!(
        store
            .tick_criterion(goal.id, 3, true, now())
            .await
            .unwrap_err(),
        Error::NotFound { .. }
    ));
    let old = g.deadline;
    let g = store
        .extend_goal(goal.id, old + Duration::days(7), "sick week", now())
        .await
        .unwrap();
    assert_eq!(g.deadline, old + Duration::days(7));
    assert_eq!(g.extensions.len(), 1);
    assert_eq!(g.extensions[0].old_deadline, old);
    assert_eq!(g.original_deadline(), old);
    assert!(
        store
            .extend_goal(goal.id, old, "earlier", now())
            .await
            .is_err()
    );
    let g = store
        .abandon_goal(goal.id, "changed role", now())
        .await
        .unwrap();
    assert_eq!(g.state, GoalState::Abandoned);
    assert!(store.tick_criterion(goal.id, 1, true, now()).await.is_err());
    assert!(
        store
            .log_session(&session(goal.id, 1, 30), now())
            .await
            .is_err()
    );
});

both!(past_deadline_refused, |store: Store| async move {
    let (_, micro, _) = seed(&store).await;
    let err = store
        .create_goal(
            &NewGoal {
                micro_skill_id: micro.id,
                target_level: Level::Novice,
                start: today(),
                deadline: today() - Duration::days(1),
                weekly_minutes: 60,
                criteria: vec!["x".into()],
            },
            now(),
            today(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("in the past"), "{err}");
    assert_eq!(store.list_goals().await.unwrap().len(), 1);
});

both!(mastery_rule_end_to_end, |store: Store| async move {
    let (_, micro, goal) = seed(&store).await;
    let rule = MasteryRule::default();
    let (g, report) = store.try_achieve(goal.id, &rule, UTC, now()).await.unwrap();
    assert_eq!(g.state, GoalState::Active);
    assert_eq!(report.unmet().count(), 6);

    for (days_ago, minutes) in [(10, 40), (7, 40), (3, 40)] {
        store
            .log_session(&session(goal.id, days_ago, minutes), now())
            .await
            .unwrap();
    }
    store.tick_criterion(goal.id, 1, true, now()).await.unwrap();
    store.tick_criterion(goal.id, 2, true, now()).await.unwrap();
    let (_, report) = store.try_achieve(goal.id, &rule, UTC, now()).await.unwrap();
    let unmet: Vec<_> = report.unmet().map(|c| c.kind).collect();
    assert_eq!(
        unmet,
        vec![ConditionKind::Application, ConditionKind::Principles]
    );

    store
        .add_application(
            &NewApplication {
                goal_id: goal.id,
                at: now() - Duration::days(1),
                context: "monthly sales review".into(),
                outcome: "pivot built in 4 minutes".into(),
                impact: Some("saved an hour".into()),
                evidence: Some(Evidence::Link {
                    url: "https://example.org/report".into(),
                }),
            },
            now(),
        )
        .await
        .unwrap();
    store
        .add_reflection(&NewReflection {
            target: ReflectionTarget::Goal { id: goal.id },
            at: now(),
            worked: "grouping".into(),
            didnt: "slow filters".into(),
            next: "calculated fields".into(),
            principles: vec![micro.principles[0].id],
        })
        .await
        .unwrap();
    let (_, report) = store.try_achieve(goal.id, &rule, UTC, now()).await.unwrap();
    assert_eq!(
        report.unmet().map(|c| c.kind).collect::<Vec<_>>(),
        vec![ConditionKind::Principles]
    );
    store
        .add_reflection(&NewReflection {
            target: ReflectionTarget::Week {
                week: Week::of(today()),
            },
            at: now(),
            worked: "Tidy data made the pivot trivial".into(),
            didnt: String::new(),
            next: String::new(),
            principles: vec![],
        })
        .await
        .unwrap();
    let (g, report) = store.try_achieve(goal.id, &rule, UTC, now()).await.unwrap();
    assert!(report.achieved(), "{report:?}");
    assert_eq!(g.state, GoalState::Achieved);
    assert!(g.closed_at.is_some());
});

both!(export_import_round_trip, |store: Store| async move {
    let (_, micro, goal) = seed(&store).await;
    let s = store
        .log_session(&session(goal.id, 2, 30), now())
        .await
        .unwrap();
    store
        .extend_goal(goal.id, goal.deadline + Duration::days(3), "holiday", now())
        .await
        .unwrap();
    store.tick_criterion(goal.id, 1, true, now()).await.unwrap();
    store
        .add_application(
            &NewApplication {
                goal_id: goal.id,
                at: now(),
                context: "team".into(),
                outcome: "ok".into(),
                impact: None,
                evidence: Some(Evidence::File {
                    name: "report.xlsx".into(),
                    sha256: "a".repeat(64),
                }),
            },
            now(),
        )
        .await
        .unwrap();
    store
        .add_reflection(&NewReflection {
            target: ReflectionTarget::Session { id: s.id },
            at: now(),
            worked: "w".into(),
            didnt: "d".into(),
            next: "n".into(),
            principles: vec![micro.principles[1].id],
        })
        .await
        .unwrap();
    store
        .set_setting("mastery_rule", &serde_json::json!({"min_sessions": 4}))
        .await
        .unwrap();
    let exported = store.export(now()).await.unwrap();
    let text = serde_json::to_string_pretty(&exported).unwrap();
    let parsed = Journal::from_json(&text).unwrap();

    let (fresh, _dir) = fresh_like(&store, "round_trip_target").await;
    fresh.import(&parsed).await.unwrap();
    assert_eq!(fresh.export(now()).await.unwrap(), exported);
    // Importing twice is refused: the target must be fresh.
    assert!(fresh.import(&parsed).await.is_err());
    // New records continue after the imported ids.
    let next = fresh.log_session(&session(goal.id, 1, 20), now()).await;
    assert!(next.unwrap().id.0 > s.id.0);
    // The source is not empty: importing into it is refused.
    assert!(store.import(&parsed).await.is_err());
});

both!(failed_import_writes_nothing, |store: Store| async move {
    let (src, _d) = sqlite().await;
    let (_, _, goal) = seed(&src).await;
    src.log_session(&session(goal.id, 2, 30), now())
        .await
        .unwrap();
    let mut journal = src.export(now()).await.unwrap();
    // Passes the document check, but the database's own constraint refuses the
    // last session half-way through: the transaction must leave nothing.
    let mut bad = journal.sessions[0].clone();
    bad.id = SessionId(99);
    bad.difficulty = Some(9);
    journal.sessions.push(bad);
    journal.validate().unwrap();
    assert!(store.import(&journal).await.is_err());
    assert!(store.is_empty().await.unwrap());
    assert!(store.list_micro_skills(None).await.unwrap().is_empty());
    assert!(store.list_sessions(None).await.unwrap().is_empty());
});

#[tokio::test]
async fn not_a_sqlite_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.db");
    std::fs::write(&path, "these are my notes, not a database\n").unwrap();
    let err = Store::open(path.to_str().unwrap()).await.unwrap_err();
    assert!(err.to_string().contains("not a SQLite database"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "these are my notes, not a database\n"
    );
}

#[tokio::test]
async fn unreachable_postgres_is_a_clear_error() {
    let err = Store::open("postgres://nobody@127.0.0.1:1/nowhere")
        .await
        .unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with("cannot open the database postgres://nobody@127.0.0.1:1/nowhere"),
        "{msg}"
    );
}

#[tokio::test]
async fn sqlite_is_wal_with_foreign_keys() {
    let (store, dir) = sqlite().await;
    seed(&store).await;
    store.integrity_check().await.unwrap();
    assert!(
        dir.path().join("mm.db-wal").exists(),
        "WAL file should exist while open"
    );
    // Foreign keys are enforced: a session for a goal that does not exist.
    let err = store
        .log_session(&session(GoalId(999), 1, 10), now())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err}");
}
