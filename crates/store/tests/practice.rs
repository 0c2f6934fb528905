//! The practice tables (plans, arcs, retention cards), on SQLite and on PostgreSQL.
//!
//! PostgreSQL runs when `MM_TEST_DATABASE_URL` is set or the local server
//! answers at 127.0.0.1:5432 (database `test`); each test gets its own schema.
//! Without either, the Postgres half prints why and skips — unless
//! `MM_REQUIRE_POSTGRES` is set (CI), where it fails.

use chrono::Duration;
use mm_core::*;
use mm_store::{Error, Store};

mod common;
use common::*;

fn plan_for(goal: &Goal) -> mm_core::plan::Plan {
    use mm_core::availability::Availability;
    use mm_core::plan::*;
    let a = Availability::parse("daily 06:00-23:00", "Europe/Paris").unwrap();
    match make_plan(&PlanRequest {
        goal,
        availability: &a,
        minutes_done: 0,
        now: now(),
        settings: PlanSettings::default(),
        aim: "pivot tables",
    })
    .unwrap()
    {
        PlanOutcome::Fits(p) => p,
        PlanOutcome::Short(s) => panic!("{s:?}"),
    }
}

both!(plan_round_trip_and_replace, |store: Store| async move {
    let (_, _, goal) = seed(&store).await;
    assert_eq!(store.get_plan(goal.id).await.unwrap(), None);
    let p = plan_for(&goal);
    assert!(!p.items.is_empty());
    store.save_plan(&p).await.unwrap();
    assert_eq!(store.get_plan(goal.id).await.unwrap().as_ref(), Some(&p));
    let mut q = p.clone();
    q.items.truncate(1);
    q.made_at = now() + Duration::hours(1);
    store.save_plan(&q).await.unwrap();
    assert_eq!(store.list_plans().await.unwrap(), vec![q]);
    let mut orphan = p.clone();
    orphan.goal_id = GoalId(999);
    assert!(matches!(
        store.save_plan(&orphan).await,
        Err(Error::NotFound { .. })
    ));
});

both!(arcs_and_membership, |store: Store| async move {
    use mm_core::balance::Membership;
    let (_, _, goal) = seed(&store).await;
    let arc = store
        .add_arc("data analysis", Some("deeper competence"), now())
        .await
        .unwrap();
    let e = store
        .add_arc("Data Analysis", None, now())
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("already exists"), "{e}");
    assert!(store.add_arc("  ", None, now()).await.is_err());
    assert_eq!(store.find_arc("DATA analysis").await.unwrap(), arc);
    assert_eq!(store.find_arc(&arc.id.to_string()).await.unwrap(), arc);
    assert!(matches!(
        store.find_arc("writing").await,
        Err(Error::NotFound { .. })
    ));
    assert!(store.goal_memberships().await.unwrap().is_empty());
    store
        .set_goal_arc(goal.id, Membership::Arc(arc.id))
        .await
        .unwrap();
    assert_eq!(
        store.goal_memberships().await.unwrap()[&goal.id],
        Membership::Arc(arc.id)
    );
    store
        .set_goal_arc(goal.id, Membership::Standalone)
        .await
        .unwrap();
    assert_eq!(
        store.goal_memberships().await.unwrap()[&goal.id],
        Membership::Standalone
    );
    assert!(
        store
            .set_goal_arc(GoalId(99), Membership::Standalone)
            .await
            .is_err()
    );
    assert!(
        store
            .set_goal_arc(goal.id, Membership::Arc(mm_core::balance::ArcId(42)))
            .await
            .is_err()
    );
});

both!(
    retention_cards_keep_state_and_history,
    |store: Store| async move {
        use mm_core::retention::*;
        let (_, micro, goal) = seed(&store).await;
        let s = Scheduler::new(None, 0.9).unwrap();
        let card = s
            .start(
                Subject::MicroSkill { id: micro.id },
                goal.id,
                &micro.name,
                today(),
            )
            .unwrap();
        let p = s
            .start(
                Subject::Principle {
                    id: micro.principles[0].id,
                },
                goal.id,
                "aggregation",
                today(),
            )
            .unwrap();
        store.save_card(&card).await.unwrap();
        store.save_card(&p).await.unwrap();
        let reviewed = s.review(&card, Rating::Hard, card.due).unwrap();
        store.save_card(&reviewed).await.unwrap();
        let cards = store.list_cards().await.unwrap();
        assert_eq!(cards.len(), 2, "saving again replaces, never duplicates");
        let got = cards.iter().find(|c| c.subject == card.subject).unwrap();
        assert_eq!(got.reviews, reviewed.reviews);
        assert_eq!(
            (got.due, got.last_review),
            (reviewed.due, reviewed.last_review)
        );
        assert!((got.stability - reviewed.stability).abs() < 1e-4);
        assert!((got.difficulty - reviewed.difficulty).abs() < 1e-4);
        // Soonest due first.
        assert!(cards[0].due <= cards[1].due);
    }
);

both!(
    session_tallies_match_the_sums_in_memory,
    |store: Store| async move {
        use mm_core::tally::SessionTally;
        let (_, micro, first) = seed(&store).await;
        let second = store
            .create_goal(
                &NewGoal {
                    micro_skill_id: micro.id,
                    target_level: Level::Novice,
                    start: first.start,
                    deadline: first.deadline,
                    weekly_minutes: 60,
                    criteria: vec!["one".into()],
                },
                now() - Duration::days(13),
                first.start,
            )
            .await
            .unwrap();
        // 80 sessions over twelve days, many within minutes of a midnight
        // somewhere, with odd seconds and fractions of a second.
        let t0 = first.start.and_hms_opt(12, 0, 0).unwrap().and_utc();
        for k in 0..80i64 {
            let start = t0
                + Duration::days(k % 12)
                + Duration::minutes(k * 37 % 1440 - 720)
                + Duration::seconds(k * 13 % 60)
                + Duration::nanoseconds(k * 123_456_789 % 1_000_000_000);
            let goal = if k % 3 == 0 { second.id } else { first.id };
            let minutes = 1 + (k * 7 % 50) as u32;
            store
                .log_session(
                    &NewSession {
                        goal_id: goal,
                        started_at: start,
                        ended_at: start + Duration::minutes(i64::from(minutes)),
                        focused_minutes: minutes,
                        interruptions: 0,
                        aim: "drill".into(),
                        reps: 0,
                        errors: 0,
                        difficulty: None,
                        feedback: None,
                        notes: None,
                    },
                    now(),
                )
                .await
                .unwrap();
        }
        let sessions = store.list_sessions(None).await.unwrap();
        assert_eq!(sessions.len(), 80);
        for secs in [-34_200, -18_000, -3600, 0, 3600, 19_800, 50_400] {
            let offset = chrono::FixedOffset::east_opt(secs).unwrap();
            for day in [first.start, today()] {
                let week = Week::of(day);
                let got = store.session_tallies(offset, week).await.unwrap();
                assert_eq!(got.len(), 2, "both goals have sessions");
                for goal in [first.id, second.id] {
                    assert_eq!(
                        got[&goal],
                        SessionTally::of(goal, &sessions, offset, week),
                        "goal {goal} at offset {secs} s in week {week}"
                    );
                }
            }
        }
        // The latest start of each goal, as the sessions themselves say.
        let last = store.last_session_starts().await.unwrap();
        for goal in [first.id, second.id] {
            let latest = sessions
                .iter()
                .filter(|s| s.goal_id == goal)
                .map(|s| s.started_at)
                .max();
            assert_eq!(last.get(&goal).copied(), latest, "goal {goal}");
        }
        let apps = store.application_counts().await.unwrap();
        assert!(apps.is_empty(), "{apps:?}");
    }
);

both!(
    every_table_moves_the_journal_revision,
    |store: Store| async move {
        let moving = store.tables_moving_the_revision().await.unwrap();
        for t in mm_store::EXPORTED_TABLES {
            assert!(
                moving.iter().any(|m| m == t),
                "a change to table {t} does not move the journal revision (migration 1100 names every table): {moving:?}"
            );
        }
    }
);

both!(
    the_revision_moves_on_every_change_and_only_then,
    |store: Store| async move {
        let r0 = store.revision().await.unwrap();
        let (_, _, goal) = seed(&store).await;
        let r1 = store.revision().await.unwrap();
        assert!(r1 > r0, "creating a goal moved it: {r0} -> {r1}");
        store.list_goals().await.unwrap();
        store.list_sessions(None).await.unwrap();
        store
            .session_tallies(chrono::FixedOffset::east_opt(0).unwrap(), Week::of(today()))
            .await
            .unwrap();
        assert_eq!(store.revision().await.unwrap(), r1, "reads leave it");
        // A refused write leaves it too.
        let late = NewSession {
            goal_id: goal.id,
            started_at: now() + Duration::days(3),
            ended_at: now() + Duration::days(3) + Duration::minutes(5),
            focused_minutes: 5,
            interruptions: 0,
            aim: "drill".into(),
            reps: 0,
            errors: 0,
            difficulty: None,
            feedback: None,
            notes: None,
        };
        assert!(store.log_session(&late, now()).await.is_err());
        assert_eq!(
            store.revision().await.unwrap(),
            r1,
            "a refused write leaves it"
        );
        store.tick_criterion(goal.id, 1, true, now()).await.unwrap();
        let r2 = store.revision().await.unwrap();
        assert!(r2 > r1, "ticking a criterion moved it: {r1} -> {r2}");
    }
);
