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
