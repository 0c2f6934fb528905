//! Issued credentials on both backends (same conventions as the store suite:
//! PostgreSQL at MM_TEST_DATABASE_URL or 127.0.0.1:5432/test, one schema per test).

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use mm_core::*;
use mm_store::{Error, Store, StoredCredential};

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap()
}

async fn goal(store: &Store) -> GoalId {
    let skill = store
        .create_skill(
            &NewSkill {
                name: "Excel".into(),
                kind: SkillKind::Skill,
                taxonomy_uri: None,
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
                name: "Pivot tables".into(),
                principles: vec![NewPrinciple {
                    name: "aggregation".into(),
                    description: None,
                }],
                resources: vec![],
            },
            now(),
        )
        .await
        .unwrap();
    let today: NaiveDate = now().date_naive();
    store
        .create_goal(
            &NewGoal {
                micro_skill_id: micro.id,
                target_level: Level::Competent,
                start: today,
                deadline: today + chrono::Duration::days(7),
                weekly_minutes: 60,
                criteria: vec!["done".into()],
            },
            now(),
            today,
        )
        .await
        .unwrap()
        .id
}

async fn story(store: Store) {
    let g = goal(&store).await;
    let c = StoredCredential {
        id: "urn:uuid:00000000-0000-4000-8000-000000000001".into(),
        goal_id: g,
        issued_at: now(),
        credential: "{\"id\":\"urn:uuid:00000000-0000-4000-8000-000000000001\"}".into(),
        jwt_eddsa: "a.b.c".into(),
        jwt_rs256: "d.e.f".into(),
        revoked_at: None,
        revocation_reason: None,
    };
    store.add_credential(&c).await.unwrap();
    assert!(
        store.add_credential(&c).await.is_err(),
        "duplicate id accepted"
    );
    assert_eq!(store.get_credential(&c.id).await.unwrap(), c);
    assert_eq!(
        store.list_credentials(Some(g)).await.unwrap(),
        vec![c.clone()]
    );
    assert!(
        store
            .list_credentials(Some(GoalId(g.0 + 99)))
            .await
            .unwrap()
            .is_empty()
    );
    store
        .revoke_credential(&c.id, "mistake", now())
        .await
        .unwrap();
    let r = store.get_credential(&c.id).await.unwrap();
    assert_eq!(r.revocation_reason.as_deref(), Some("mistake"));
    assert_eq!(r.revoked_at, Some(now()));
    assert!(matches!(
        store.get_credential("urn:uuid:nope").await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        store.revoke_credential("urn:uuid:nope", "x", now()).await,
        Err(Error::NotFound { .. })
    ));
}

#[tokio::test]
async fn credentials_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("mm.db").to_str().unwrap())
        .await
        .unwrap();
    story(store).await;
}

#[tokio::test]
async fn credentials_on_postgres() {
    let url = std::env::var("MM_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let schema = format!("mm_test_credentials_{}", std::process::id());
    let store = match Store::open_in_schema(&url, &schema).await {
        Ok(s) => s,
        Err(e) if std::env::var_os("MM_REQUIRE_POSTGRES").is_some() => {
            panic!("PostgreSQL is required here (MM_REQUIRE_POSTGRES) but: {e}")
        }
        Err(e) => {
            eprintln!("skipping the PostgreSQL half: {e} (set MM_TEST_DATABASE_URL)");
            return;
        }
    };
    story(store.clone()).await;
    store.close().await;
    if let Ok(s) = Store::open(&url).await {
        s.drop_schema_for_tests(&schema).await.ok();
    }
}
