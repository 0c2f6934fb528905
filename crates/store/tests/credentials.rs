//! Issued credentials on both backends (same conventions as the store suite:
//! PostgreSQL at MM_TEST_DATABASE_URL or 127.0.0.1:5432/test, one schema per test).

use chrono::NaiveDate;
use mm_core::*;
use mm_store::{Error, Store, StoredCredential};

mod common;
use common::*;

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

both!(credentials_story, |store: Store| async move {
    story(store).await;
});
