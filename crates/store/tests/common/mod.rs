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
use mm_core::*;
use mm_store::Store;

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
