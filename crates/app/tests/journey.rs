//! The journey workflows on a real store: SQLite always, PostgreSQL when it
//! answers (`MM_TEST_DATABASE_URL`, default the local server at
//! 127.0.0.1:5432, database `test`; `MM_REQUIRE_POSTGRES` makes its absence
//! a failure). Each test asserts what a person would notice: what was
//! written, what was left behind, what a calendar app receives.

use chrono::{DateTime, Duration, FixedOffset};
use mm_app::goals::{self, MicroChoice, NewGoalInput};
use mm_app::plan::{self, CalendarRequest, PlanResult};
use mm_app::profile::{self, ProfileChange};
use mm_app::{App, Clock, ErrorKind};
use mm_core::*;
use mm_store::Store;
use std::collections::BTreeMap;

const NOW: &str = "2026-11-25T09:00:00+00:00";
const SQL: &str = "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742";

fn at(s: &str) -> Clock {
    Clock::Fixed(DateTime::parse_from_rfc3339(s).unwrap())
}

fn later(days: i64) -> Clock {
    let t: DateTime<FixedOffset> = DateTime::parse_from_rfc3339(NOW).unwrap();
    Clock::Fixed(t + Duration::days(days))
}

async fn sqlite() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("mm.db").to_str().unwrap())
        .await
        .unwrap();
    (store, dir)
}

async fn postgres(test: &str) -> Option<(Store, String)> {
    let url = std::env::var("MM_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let schema = format!("mm_app_{test}_{}", std::process::id());
    match Store::open_in_schema(&url, &schema).await {
        Ok(s) => Some((s, schema)),
        Err(e) if std::env::var_os("MM_REQUIRE_POSTGRES").is_some() => {
            panic!("PostgreSQL is required here (MM_REQUIRE_POSTGRES) but: {e}")
        }
        Err(e) => {
            eprintln!("skipping the PostgreSQL half of {test}: {e} (set MM_TEST_DATABASE_URL)");
            None
        }
    }
}

/// Run one async test body on SQLite and on PostgreSQL.
macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn on_sqlite() {
                let (store, _dir) = sqlite().await;
                ($body)(store).await;
            }
            #[tokio::test]
            async fn on_postgres() {
                if let Some((store, schema)) = postgres(stringify!($name)).await {
                    ($body)(store.clone()).await;
                    store.drop_schema_for_tests(&schema).await.unwrap();
                    store.close().await;
                }
            }
        }
    };
}

async fn counts(store: &Store) -> (usize, usize, usize) {
    (
        store.list_skills().await.unwrap().len(),
        store.list_micro_skills(None).await.unwrap().len(),
        store.list_goals().await.unwrap().len(),
    )
}

fn from_skill(deadline: &str) -> NewGoalInput {
    NewGoalInput {
        micro: MicroChoice::Skill { uri: SQL.into() },
        deadline: Some(deadline.into()),
        weekly: None,
        done_when: Vec::new(),
        level: None,
        start: "today".into(),
    }
}

both!(
    goal_from_suggestion_with_a_bad_deadline_leaves_nothing_behind,
    |store: Store| async move {
        let app = App::with_store(store, at(NOW)).await.unwrap();
        let e = goals::new_goal(&app, from_skill("2026-01-01"))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid);
        assert_eq!(e.field(), Some("deadline"), "{e}");
        let entry = mm_micro::catalogue::curated().entries()[0].clone();
        let e = goals::new_goal(
            &app,
            NewGoalInput {
                micro: MicroChoice::Catalogue(Box::new(entry)),
                weekly: Some("0m".into()),
                ..from_skill("+2w")
            },
        )
        .await
        .unwrap_err();
        assert_eq!(e.field(), Some("weekly"), "{e}");
        assert_eq!(
            counts(app.store()).await,
            (0, 0, 0),
            "no orphan skill or micro-skill"
        );

        // A good one writes the three together; a second from the same
        // skill reuses the skill.
        let made = goals::new_goal(&app, from_skill("+2w")).await.unwrap();
        assert_eq!(made.goal.micro_skill_id, made.micro_skill.id);
        assert_eq!(made.goal.criteria.len(), 1, "the draft's criterion");
        assert_eq!(
            made.skill.as_ref().unwrap().taxonomy_uri.as_deref(),
            Some(SQL)
        );
        goals::new_goal(&app, from_skill("+3w")).await.unwrap();
        assert_eq!(counts(app.store()).await, (1, 2, 2));
    }
);

/// A journal where goal 1 meets a lenient rule once its last criterion is
/// ticked.
async fn nearly_achieved(store: Store) -> App {
    let app = App::with_store(store, at(NOW)).await.unwrap();
    mm_app::settings::mastery_rule(
        &app,
        mm_app::settings::RuleChange {
            min_sessions: Some(1),
            min_days: Some(1),
            min_minutes_share: Some(0.01),
        },
    )
    .await
    .unwrap();
    let app = App::with_store(app.store().clone(), at(NOW)).await.unwrap();
    let made = goals::new_goal(
        &app,
        NewGoalInput {
            start: "-3d".into(),
            done_when: vec!["join three tables first try".into()],
            ..from_skill("+2w")
        },
    )
    .await
    .unwrap();
    let id = made.goal.id;
    mm_app::practice::log(
        &app,
        mm_app::practice::LogInput {
            goal: id,
            minutes: "40m".into(),
            at: "yesterday 07:00".into(),
            lasted: None,
            details: mm_app::practice::SessionDetails {
                aim: "inner joins".into(),
                ..Default::default()
            },
        },
    )
    .await
    .unwrap();
    mm_app::records::apply(
        &app,
        mm_app::records::ApplyInput {
            goal: id,
            at: "yesterday 15:00".into(),
            context: "monthly report".into(),
            outcome: "wrote the query myself".into(),
            impact: None,
            evidence: None,
        },
    )
    .await
    .unwrap();
    mm_app::records::reflect(
        &app,
        mm_app::records::ReflectInput {
            about: mm_app::records::About::Goal(id),
            worked: "keys first".into(),
            didnt: String::new(),
            next: String::new(),
            principles: made
                .micro_skill
                .principles
                .iter()
                .map(|p| p.id.to_string())
                .collect(),
        },
    )
    .await
    .unwrap();
    app
}

both!(
    achieving_a_goal_creates_its_refresher_cards_in_the_same_transaction,
    |store: Store| async move {
        let app = nearly_achieved(store).await;
        let id = GoalId(1);
        let not_yet = goals::check(&app, id).await.unwrap();
        assert!(!not_yet.achieved, "a criterion is still open");
        assert!(app.store().list_cards().await.unwrap().is_empty());

        goals::tick(&app, id, 1, true).await.unwrap();
        let done = goals::check(&app, id).await.unwrap();
        assert!(done.achieved, "{:?}", done.mastery);
        assert_eq!(done.state, GoalState::Achieved);
        // The cards are there at once, without any read path creating them.
        let cards = app.store().list_cards().await.unwrap();
        let micro = app.store().get_micro_skill(MicroSkillId(1)).await.unwrap();
        assert_eq!(cards.len(), 1 + micro.principles.len());
        assert!(cards.iter().all(|c| c.goal_id == id));
        assert!(
            cards
                .iter()
                .all(|c| c.last_review == app.person().today() && c.due > c.last_review)
        );
    }
);

/// UID → (SEQUENCE, cancelled) of every event of a calendar.
fn events(ics: &str) -> BTreeMap<String, (u64, bool)> {
    let mut out = BTreeMap::new();
    for ev in ics.split("BEGIN:VEVENT").skip(1) {
        let prop = |name: &str| {
            ev.lines()
                .find_map(|l| l.strip_prefix(name))
                .map(str::trim)
                .unwrap_or_default()
                .to_owned()
        };
        out.insert(
            prop("UID:"),
            (
                prop("SEQUENCE:").parse().unwrap(),
                prop("STATUS:") == "CANCELLED",
            ),
        );
    }
    out
}

both!(
    a_replan_keeps_event_uids_and_bumps_sequence_numbers,
    |store: Store| async move {
        let app = App::with_store(store, at(NOW)).await.unwrap();
        profile::set(
            &app,
            &ProfileChange {
                availability: Some("mon-sun 07:00-08:00".into()),
                timezone: Some("UTC".into()),
                ..ProfileChange::default()
            },
        )
        .await
        .unwrap();
        let app = App::with_store(app.store().clone(), at(NOW)).await.unwrap();
        let goal = goals::new_goal(&app, from_skill("+10d"))
            .await
            .unwrap()
            .goal;
        assert!(matches!(
            plan::plan(&app, goal.id).await.unwrap(),
            PlanResult::Fits(_)
        ));
        let first = events(
            &plan::export_calendar(&app, &CalendarRequest::default())
                .await
                .unwrap()
                .text,
        );
        assert!(!first.is_empty());

        // Two days on, with no practice: re-plan and re-export.
        let app = App::with_store(app.store().clone(), later(2))
            .await
            .unwrap();
        let PlanResult::Fits(replanned) = plan::plan(&app, goal.id).await.unwrap() else {
            panic!("the goal still fits");
        };
        assert!(replanned.missed_sessions > 0, "two planned days passed");
        let cal = plan::export_calendar(&app, &CalendarRequest::default())
            .await
            .unwrap();
        let second = events(&cal.text);
        let kept: Vec<_> = second
            .iter()
            .filter(|(uid, (_, cancelled))| !cancelled && first.contains_key(*uid))
            .collect();
        assert!(!kept.is_empty(), "later sessions keep their UIDs");
        for (uid, (seq, _)) in &kept {
            assert!(*seq > first[*uid].0, "{uid}: the re-plan raises SEQUENCE");
        }
        // Every event of the first export is still accounted for: kept, or
        // sent as cancelled so the calendar removes it.
        for uid in first.keys() {
            assert!(second.contains_key(uid), "{uid} is kept or cancelled");
        }
        assert_eq!(
            cal.cancelled,
            second.values().filter(|(_, c)| *c).count(),
            "the count reported is what the calendar receives"
        );
        // The state is recorded: exporting the same plan again cancels nothing.
        let again = plan::export_calendar(&app, &CalendarRequest::default())
            .await
            .unwrap();
        assert_eq!((again.events, again.cancelled), (cal.events, 0));
    }
);

both!(
    a_profile_change_is_all_or_nothing,
    |store: Store| async move {
        let app = App::with_store(store, at(NOW)).await.unwrap();
        let e = profile::set(
            &app,
            &ProfileChange {
                availability: Some("mon-fri 07:00-07:40".into()),
                retention: Some(1.5),
                ..ProfileChange::default()
            },
        )
        .await
        .unwrap_err();
        assert_eq!(e.field(), Some("retention"));
        let p = profile::show(&app).await.unwrap();
        assert!(p.availability.is_none(), "the valid part was not written");
    }
);
