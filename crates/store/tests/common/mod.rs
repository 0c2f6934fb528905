//! The harness every store suite shares: a fresh SQLite file, a PostgreSQL
//! schema of its own per test, the `both!` macro that runs one test body on
//! both backends, and a seeded journal.
//!
//! PostgreSQL runs when `MM_TEST_DATABASE_URL` is set or the local server
//! answers at 127.0.0.1:5432 (database `test`). Without either, the Postgres
//! half prints why and skips — unless `MM_REQUIRE_POSTGRES` is set (CI),
//! where it fails.
#![allow(dead_code, unused_macros, unused_imports)]

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use mm_core::balance::Membership;
use mm_core::plan::{ItemKind, Plan, PlannedItem};
use mm_core::retention::{Card, Rating, Review, Subject};
use mm_core::*;
use mm_store::{
    MarketSkillRow, MicroSkillPatch, NewMarketAnalysis, SkillPatch, Store, StoredCredential,
};

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap()
}
pub fn today() -> NaiveDate {
    now().date_naive()
}

pub async fn sqlite() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("mm.db").to_str().unwrap())
        .await
        .unwrap();
    (store, dir)
}

pub async fn postgres(test: &str) -> Option<Store> {
    let url = std::env::var("MM_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let schema = format!("mm_test_{test}_{}", std::process::id());
    match Store::open_in_schema(&url, &schema).await {
        Ok(s) => Some(s),
        Err(e) if std::env::var_os("MM_REQUIRE_POSTGRES").is_some() => {
            panic!("PostgreSQL is required here (MM_REQUIRE_POSTGRES) but: {e}")
        }
        Err(e) => {
            eprintln!("skipping the PostgreSQL half of {test}: {e} (set MM_TEST_DATABASE_URL)");
            None
        }
    }
}

pub async fn drop_schema(test: &str) {
    let url = std::env::var("MM_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let schema = format!("mm_test_{test}_{}", std::process::id());
    // A plain connection: a `Store` on the base URL would migrate the shared
    // `public` schema to this branch's migrations.
    use sqlx::Connection;
    if let Ok(mut c) = sqlx::PgConnection::connect(&url).await {
        sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
            .execute(&mut c)
            .await
            .ok();
        c.close().await.ok();
    }
}

/// A fresh, empty store on the same backend as `store`.
pub async fn fresh_like(store: &Store, name: &str) -> (Store, Option<tempfile::TempDir>) {
    match store.backend() {
        mm_store::Backend::Sqlite => {
            let (s, d) = sqlite().await;
            (s, Some(d))
        }
        mm_store::Backend::Postgres => {
            drop_schema(name).await;
            (
                postgres(name)
                    .await
                    .expect("postgres answered a moment ago"),
                None,
            )
        }
    }
}

/// Run one async test body against both backends.
#[macro_export]
macro_rules! both {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[tokio::test]
            async fn on_sqlite() {
                let (store, _dir) = super::sqlite().await;
                ($body)(store).await;
            }
            #[tokio::test]
            async fn on_postgres() {
                let test = stringify!($name);
                drop_schema(test).await;
                if let Some(store) = super::postgres(test).await {
                    ($body)(store.clone()).await;
                    store.close().await;
                    drop_schema(test).await;
                }
            }
        }
    };
}

pub async fn seed(store: &Store) -> (Skill, MicroSkill, Goal) {
    let skill = store
        .create_skill(
            &NewSkill {
                name: "Excel".into(),
                kind: SkillKind::Skill,
                taxonomy_uri: Some("http://data.europa.eu/esco/skill/excel".into()),
                description: None,
                held_level: None,
            },
            now(),
        )
        .await
        .unwrap();
    let micro = store
        .create_micro_skill(
            &NewMicroSkill {
                skill_id: skill.id,
                name: "Summarise 10k rows with a pivot table in 5 minutes".into(),
                principles: vec![
                    NewPrinciple {
                        name: "aggregation".into(),
                        description: None,
                    },
                    NewPrinciple {
                        name: "tidy data".into(),
                        description: Some("one row per observation".into()),
                    },
                ],
                resources: vec![Resource {
                    url: "https://support.microsoft.com/pivot".into(),
                    title: None,
                }],
            },
            now(),
        )
        .await
        .unwrap();
    let goal = store
        .create_goal(
            &NewGoal {
                micro_skill_id: micro.id,
                target_level: Level::Competent,
                start: today() - Duration::days(13),
                deadline: today() + Duration::days(1),
                weekly_minutes: 90,
                criteria: vec!["pivot by region and month".into(), "under 5 minutes".into()],
            },
            now() - Duration::days(13),
            today() - Duration::days(13),
        )
        .await
        .unwrap();
    (skill, micro, goal)
}

pub fn session(goal: GoalId, days_ago: i64, minutes: u32) -> NewSession {
    let start = now() - Duration::days(days_ago);
    NewSession {
        goal_id: goal,
        started_at: start,
        ended_at: start + Duration::minutes(i64::from(minutes) + 5),
        focused_minutes: minutes,
        interruptions: 1,
        aim: "drill grouping by month".into(),
        reps: 6,
        errors: 2,
        difficulty: Some(3),
        feedback: Some("faster".into()),
        notes: None,
    }
}

/// A journal with a row in every exported table.
pub async fn fill(store: &Store) {
    fill_with_credential(store, "urn:uuid:6f1c2c1e-0000-4000-8000-000000000001").await;
}

/// [`fill`], its credential under `credential_id` (credential ids are
/// global: several journals in one database each need their own).
pub async fn fill_with_credential(store: &Store, credential_id: &str) {
    let (skill, micro, goal) = seed(store).await;
    let s1 = store
        .log_session(&session(goal.id, 3, 30), now())
        .await
        .unwrap();
    store
        .log_session(&session(goal.id, 1, 45), now())
        .await
        .unwrap();
    store
        .add_application(
            &NewApplication {
                goal_id: goal.id,
                at: now() - Duration::days(1),
                context: "sales review".into(),
                outcome: "pivot in 4 minutes".into(),
                impact: None,
                evidence: Some(Evidence::Link {
                    url: "https://example.org/sheet".into(),
                }),
            },
            now(),
        )
        .await
        .unwrap();
    store
        .add_reflection(&NewReflection {
            target: ReflectionTarget::Session { id: s1.id },
            at: now() - Duration::days(2),
            worked: "tidy first".into(),
            didnt: "months in rows".into(),
            next: "dates".into(),
            principles: vec![micro.principles[0].id],
        })
        .await
        .unwrap();
    store
        .extend_goal(goal.id, today() + Duration::days(8), "flu", now())
        .await
        .unwrap();
    store
        .set_setting("mastery_rule", &serde_json::json!({"min_sessions": 2}))
        .await
        .unwrap();
    store
        .save_plan(&Plan {
            goal_id: goal.id,
            made_at: now(),
            from: today(),
            deadline: today() + Duration::days(8),
            tz: "Europe/Paris".into(),
            minutes_needed: 60,
            items: vec![PlannedItem {
                kind: ItemKind::Practice,
                date: today() + Duration::days(1),
                local_start: (today() + Duration::days(1)).and_hms_opt(7, 0, 0).unwrap(),
                start: now() + Duration::hours(14),
                minutes: 30,
                week: Week::of(today()),
                key: "g1-2026-11-21-practice-0".into(),
                title: "practice: pivot by month".into(),
            }],
        })
        .await
        .unwrap();
    let arc = store
        .add_arc("data analysis", Some("from sheets to SQL"), now())
        .await
        .unwrap();
    store
        .set_goal_arc(goal.id, Membership::Arc(arc.id))
        .await
        .unwrap();
    store
        .save_card(&Card {
            subject: Subject::Principle {
                id: micro.principles[1].id,
            },
            goal_id: goal.id,
            label: "tidy data".into(),
            stability: 3.172_9,
            difficulty: 5.123_4,
            last_review: today(),
            due: today() + Duration::days(3),
            reviews: vec![
                Review {
                    on: today() - Duration::days(2),
                    rating: Rating::Good,
                },
                Review {
                    on: today(),
                    rating: Rating::Hard,
                },
            ],
        })
        .await
        .unwrap();
    let cred = StoredCredential {
        id: credential_id.into(),
        goal_id: goal.id,
        issued_at: now(),
        credential: "{\"@context\":[\"https://www.w3.org/ns/credentials/v2\"],\"proof\":{}}".into(),
        jwt_eddsa: "eyJhbGciOiJFZERTQSJ9.e30.sig".into(),
        jwt_rs256: "eyJhbGciOiJSUzI1NiJ9.e30.sig".into(),
        revoked_at: None,
        revocation_reason: None,
    };
    store.add_credential(&cred).await.unwrap();
    store
        .revoke_credential(&cred.id, "issued by mistake", now())
        .await
        .unwrap();
    store
        .save_personal_entries(
            &[(
                "excel-pivot-summary".into(),
                "Summarise a sheet with a pivot table".into(),
                "catalogue".into(),
                serde_json::json!({"id": "excel-pivot-summary", "hours": 6}),
            )],
            false,
            now(),
        )
        .await
        .unwrap();
    store
        .save_market(
            &NewMarketAnalysis {
                name: "sample".into(),
                sources: vec!["a.jsonl".into()],
                postings: 200,
                dated: 180,
                report: serde_json::json!({"postings": 200, "share": 0.1 + 0.2}),
                skills: vec![MarketSkillRow {
                    skill_uri: "u:sql".into(),
                    label: "SQL".into(),
                    postings: 50,
                    share: 0.25,
                    ci_low: 0.194_8,
                    ci_high: 0.315_2,
                    trend_slope: Some(-0.001),
                    trend_p: None,
                }],
            },
            now(),
        )
        .await
        .unwrap();
    // Edits and their history.
    store
        .edit_skill(
            skill.id,
            &SkillPatch {
                description: Some(Some("sheets".into())),
                ..SkillPatch::default()
            },
            now(),
        )
        .await
        .unwrap();
    store
        .edit_micro_skill(
            micro.id,
            &MicroSkillPatch {
                add_resources: vec![Resource {
                    url: "https://example.org/more".into(),
                    title: None,
                }],
                ..MicroSkillPatch::default()
            },
            now(),
        )
        .await
        .unwrap();
}
