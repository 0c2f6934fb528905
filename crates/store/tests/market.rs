//! Saved market analyses, on SQLite and on PostgreSQL (same rules as the
//! store suite: Postgres runs when it answers, and must when
//! `MM_REQUIRE_POSTGRES` is set).

use mm_store::{Error, MarketSkillRow, NewMarketAnalysis, Store};

mod common;
use common::*;

fn analysis(name: &str, postings: u64) -> NewMarketAnalysis {
    NewMarketAnalysis {
        name: name.into(),
        sources: vec!["ads.jsonl".into(), "more.csv".into()],
        postings,
        dated: postings / 2,
        report: serde_json::json!({"postings": postings, "skills": [{"uri": "u:sql", "share": 0.25}]}),
        skills: vec![
            MarketSkillRow {
                skill_uri: "u:sql".into(),
                label: "SQL".into(),
                postings: postings / 4,
                share: 0.25,
                ci_low: 0.2,
                ci_high: 0.31,
                trend_slope: Some(0.012),
                trend_p: Some(0.03),
            },
            MarketSkillRow {
                skill_uri: "u:excel".into(),
                label: "use spreadsheets software".into(),
                postings: postings / 10,
                share: 0.1,
                ci_low: 0.06,
                ci_high: 0.15,
                trend_slope: None,
                trend_p: None,
            },
        ],
    }
}

async fn story(store: Store) {
    assert!(store.latest_market().await.unwrap().is_none());
    let a = store
        .save_market(&analysis("first", 200), now())
        .await
        .unwrap();
    let b = store
        .save_market(&analysis("second", 400), now())
        .await
        .unwrap();
    assert_eq!(a.sources, ["ads.jsonl", "more.csv"]);
    assert_eq!(a.report["postings"], 200);
    let latest = store.latest_market().await.unwrap().unwrap();
    assert_eq!(latest.id, b.id);
    assert_eq!(latest.postings, 400);
    assert_eq!(latest.dated, 200);
    assert_eq!(latest.created_at, now());
    let rows = store.market_skills(a.id).await.unwrap();
    assert_eq!(
        rows,
        analysis("first", 200).skills,
        "rows come back as saved, most asked-for first"
    );
    let names: Vec<String> = store
        .list_markets()
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert_eq!(names, ["second", "first"]);
    assert!(matches!(
        store.get_market(9999).await,
        Err(Error::NotFound { .. })
    ));
    // A duplicate skill rolls the whole analysis back.
    let mut dup = analysis("dup", 10);
    dup.skills.push(dup.skills[0].clone());
    assert!(matches!(
        store.save_market(&dup, now()).await,
        Err(Error::Invalid(_))
    ));
    assert_eq!(store.list_markets().await.unwrap().len(), 2);
    assert!(matches!(
        store.save_market(&analysis("  ", 10), now()).await,
        Err(Error::Invalid(_))
    ));
}

both!(market_story, |store: Store| async move {
    story(store).await;
});
