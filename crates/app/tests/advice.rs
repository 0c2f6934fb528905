//! The advice and credentials workflows on a real journal: SQLite always,
//! PostgreSQL too when it answers (`MM_TEST_DATABASE_URL`, else the local
//! server at 127.0.0.1:5432; skipped with a note when neither does).

use chrono::{DateTime, Duration, TimeZone, Utc};
use mm_app::badges::{self, Earner};
use mm_app::discover::{self, MarketSource, RoleQuery};
use mm_app::keys::{FileKeyStore, KeyStore as _};
use mm_app::market::{AnalyseInput, PostingInput, Quiet};
use mm_app::{App, Clock, ErrorKind};
use mm_core::*;
use mm_credentials::verify::Verdict;
use mm_store::Store;
use mm_taxonomy::Taxonomy;
use mm_taxonomy::occupations::OccupationIndex;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 18, 0, 0).unwrap()
}

fn clock() -> Clock {
    Clock::Fixed(now().fixed_offset())
}

const SPREADSHEETS: &str = "http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be";

/// Every backend this machine offers, each a fresh journal.
async fn journals(test: &str) -> Vec<(Store, Option<tempfile::TempDir>)> {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = Store::open(dir.path().join("mm.db").to_str().unwrap())
        .await
        .unwrap();
    let mut out = vec![(sqlite, Some(dir))];
    let url = std::env::var("MM_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let schema = format!("mm_app_{test}_{}", std::process::id());
    match Store::open_in_schema(&url, &schema).await {
        Ok(s) => out.push((s, None)),
        Err(e) if std::env::var_os("MM_REQUIRE_POSTGRES").is_some() => {
            panic!("PostgreSQL is required here (MM_REQUIRE_POSTGRES) but: {e}")
        }
        Err(e) => eprintln!("skipping the PostgreSQL half of {test}: {e}"),
    }
    out
}

async fn drop_pg(store: &Store, test: &str) {
    if store.backend() == mm_store::Backend::Postgres {
        let schema = format!("mm_app_{test}_{}", std::process::id());
        store.drop_schema_for_tests(&schema).await.ok();
    }
}

/// Goal 1 achieved with evidence, goal 2 active with none.
async fn seed(s: &Store) -> (GoalId, GoalId) {
    let now = now();
    let today = now.date_naive();
    let skill = s
        .create_skill(
            &NewSkill {
                name: "use spreadsheets software".into(),
                kind: SkillKind::Skill,
                taxonomy_uri: Some(SPREADSHEETS.into()),
                description: None,
                held_level: None,
            },
            now,
        )
        .await
        .unwrap();
    let micro = s
        .create_micro_skill(
            &NewMicroSkill {
                skill_id: skill.id,
                name: "Summarise a 10k-row sheet with a pivot table".into(),
                principles: vec![NewPrinciple {
                    name: "aggregate before formatting".into(),
                    description: None,
                }],
                resources: vec![],
            },
            now,
        )
        .await
        .unwrap();
    let goal = || NewGoal {
        micro_skill_id: micro.id,
        target_level: Level::Competent,
        start: today - Duration::days(10),
        deadline: today + Duration::days(4),
        weekly_minutes: 60,
        criteria: vec!["Three timed builds under 5 minutes".into()],
    };
    let g = s.create_goal(&goal(), now, today).await.unwrap();
    let g2 = s.create_goal(&goal(), now, today).await.unwrap();
    for d in [9, 6, 3] {
        let start = now - Duration::days(d);
        s.log_session(
            &NewSession {
                goal_id: g.id,
                started_at: start,
                ended_at: start + Duration::minutes(40),
                focused_minutes: 35,
                interruptions: 0,
                aim: "timed build".into(),
                reps: 3,
                errors: 1,
                difficulty: Some(3),
                feedback: None,
                notes: None,
            },
            now,
        )
        .await
        .unwrap();
    }
    s.add_application(
        &NewApplication {
            goal_id: g.id,
            at: now - Duration::days(2),
            context: "monthly sales review".into(),
            outcome: "built the summary in 4 minutes".into(),
            impact: None,
            evidence: None,
        },
        now,
    )
    .await
    .unwrap();
    s.add_reflection(&NewReflection {
        target: ReflectionTarget::Goal { id: g.id },
        at: now - Duration::days(1),
        worked: "Aggregating before formatting halved build time".into(),
        didnt: String::new(),
        next: String::new(),
        principles: vec![micro.principles[0].id],
    })
    .await
    .unwrap();
    s.tick_criterion(g.id, 1, true, now).await.unwrap();
    let (goal, report) = s
        .try_achieve(
            g.id,
            &mastery::MasteryRule::default(),
            *now.fixed_offset().offset(),
            now,
        )
        .await
        .unwrap();
    assert!(report.achieved(), "{report:?}");
    assert_eq!(goal.state, GoalState::Achieved);
    (g.id, g2.id)
}

async fn issuer_in(dir: &std::path::Path) -> FileKeyStore {
    let keys = FileKeyStore::new(dir.join("issuer"));
    badges::create_issuer(now(), &keys, "Ada's practice", "https://badges.ada.example")
        .await
        .unwrap();
    keys
}

#[tokio::test]
async fn a_badge_is_refused_for_a_goal_the_rule_did_not_pass() {
    for (store, _dir) in journals("refused").await {
        let (_, open) = seed(&store).await;
        let app = App::with_store(store.clone(), clock()).await.unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let keys = issuer_in(tmp.path()).await;
        let e = badges::issue(&app, &keys, open, &Earner::Email("ada@example.org".into()))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Conflict, "{e}");
        assert!(e.message().contains("not achieved"), "{e}");
        assert!(
            store.list_credentials(None).await.unwrap().is_empty(),
            "nothing is recorded for a refused badge"
        );
        drop_pg(&store, "refused").await;
    }
}

#[tokio::test]
async fn no_issuer_is_not_found_and_leaves_the_journal_alone() {
    for (store, _dir) in journals("noissuer").await {
        let (done, _) = seed(&store).await;
        let app = App::with_store(store.clone(), clock()).await.unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let keys = FileKeyStore::new(tmp.path().join("nobody"));
        let e = badges::issue(&app, &keys, done, &Earner::Email("ada@example.org".into()))
            .await
            .unwrap_err();
        assert_eq!((e.kind(), e.what()), (ErrorKind::NotFound, Some("issuer")));
        assert!(store.list_credentials(None).await.unwrap().is_empty());
        drop_pg(&store, "noissuer").await;
    }
}

#[tokio::test]
async fn a_revoked_badge_shows_as_revoked_in_verification() {
    for (store, _dir) in journals("revoked").await {
        let (done, _) = seed(&store).await;
        let app = App::with_store(store.clone(), clock()).await.unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let keys = issuer_in(tmp.path()).await;
        let issued = badges::issue(&app, &keys, done, &Earner::Email("ada@example.org".into()))
            .await
            .unwrap();
        assert!(!issued.credential.contains("ada@example.org"));
        let before = badges::verify_issued(&app, &keys, &issued.id)
            .await
            .unwrap();
        assert_eq!(before.report.verdict, Verdict::Valid, "{:?}", before.report);

        let uuid = issued.id.trim_start_matches("urn:uuid:");
        badges::revoke(&app, &keys, uuid, "issued by mistake")
            .await
            .unwrap();
        let after = badges::verify_issued(&app, &keys, &issued.id)
            .await
            .unwrap();
        assert_eq!(after.report.verdict, Verdict::Invalid);
        assert!(
            after.report.reason().unwrap().contains("issued by mistake"),
            "{:?}",
            after.report.reason()
        );
        let listed = badges::list(&app).await.unwrap();
        assert_eq!(
            listed[0].revocation_reason.as_deref(),
            Some("issued by mistake")
        );
        // An unknown credential is not found, and the list is untouched.
        let e = badges::revoke(&app, &keys, "urn:uuid:0000", "x")
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
        let list = keys
            .revocations(&keys.issuer().await.unwrap().record)
            .await
            .unwrap();
        assert_eq!(
            serde_json::to_value(&list).unwrap()["revokedCredentials"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        drop_pg(&store, "revoked").await;
    }
}

#[tokio::test]
async fn the_file_key_store_keeps_the_same_key_across_opens() {
    let tmp = tempfile::tempdir().unwrap();
    let first = issuer_in(tmp.path()).await;
    let record = first.issuer().await.unwrap().record;
    let again = FileKeyStore::new(tmp.path().join("issuer"));
    assert_eq!(again.issuer().await.unwrap().record, record);
    // A second issuer in the same place is refused, keeping the first.
    let e = badges::create_issuer(now(), &again, "Other", "https://other.example")
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert_eq!(again.issuer().await.unwrap().record, record);
    // Rotation adds a key and keeps the old one published.
    badges::rotate_keys(now(), &again).await.unwrap();
    let rotated = FileKeyStore::new(tmp.path().join("issuer"))
        .issuer()
        .await
        .unwrap()
        .record;
    assert_eq!(rotated.keys.len(), 2);
    assert_eq!(
        rotated.keys[0].ed25519_multikey,
        record.keys[0].ed25519_multikey
    );
}

#[tokio::test]
async fn the_portfolio_lists_unrevoked_badges_only() {
    for (store, _dir) in journals("portfolio").await {
        let (done, _) = seed(&store).await;
        let app = App::with_store(store.clone(), clock()).await.unwrap();
        let e = mm_app::portfolio::json_resume(&app, None)
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
        let tmp = tempfile::tempdir().unwrap();
        let keys = issuer_in(tmp.path()).await;
        let issued = badges::issue(&app, &keys, done, &Earner::Did("did:example:ada".into()))
            .await
            .unwrap();
        let p = mm_app::portfolio::json_resume(&app, Some("Ada"))
            .await
            .unwrap();
        assert_eq!(p.badges, 1);
        assert_eq!(
            p.document["skills"][0]["name"],
            "Summarise a 10k-row sheet with a pivot table"
        );
        badges::revoke(&app, &keys, &issued.id, "gone")
            .await
            .unwrap();
        let e = mm_app::portfolio::clr(&app, &keys, None).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
        drop_pg(&store, "portfolio").await;
    }
}

#[tokio::test]
async fn discover_inputs_pick_the_held_skills_and_the_role_matched_market() {
    let tax = Taxonomy::load_embedded().unwrap();
    let idx = OccupationIndex::new(&tax);
    for (store, _dir) in journals("inputs").await {
        store
            .create_skill(
                &NewSkill {
                    name: "Excel".into(),
                    kind: SkillKind::Skill,
                    taxonomy_uri: None,
                    description: None,
                    held_level: Some(Level::Proficient),
                },
                now(),
            )
            .await
            .unwrap();
        store.set_target_role("data analyst").await.unwrap();
        let app = App::with_store(store.clone(), clock()).await.unwrap();

        // Held: Excel by its label, and what holding it covers.
        let held = discover::held_skills(&app, &tax).await.unwrap();
        let spreadsheets = tax.skill_by_uri(SPREADSHEETS).unwrap();
        assert!(
            held.held.contains(&spreadsheets),
            "Excel covers spreadsheets"
        );
        assert!(held.achieved.is_empty());

        // The stored target role, with the occupation it was taken as.
        let role = discover::role(&app, &tax, &idx, &RoleQuery::Stored)
            .await
            .unwrap()
            .expect("the stored role");
        assert_eq!(role.esco_title.as_deref(), Some("data analyst"));
        let e = discover::resolve_role(&tax, &idx, &RoleQuery::Title("  ".into())).unwrap_err();
        assert_eq!(e.field(), Some("role"));

        // A saved analysis of all postings is passed over for the role ...
        let input = PostingInput::default();
        let all = mm_app::market::analyse(
            &tax,
            &AnalyseInput {
                min_support: 3,
                ..AnalyseInput::default()
            },
            &mut Quiet,
            None,
        )
        .unwrap();
        let all_id = mm_app::market::save(&app, &all).await.unwrap().id;
        let m =
            discover::market_for_role(&app, &tax, &role, &MarketSource::Auto, &input, &mut Quiet)
                .await
                .unwrap()
                .unwrap();
        assert_eq!(m.passed_over, Some(all_id));
        assert!(
            m.report.title_filter.is_some(),
            "the sample, limited to the role's titles"
        );
        // ... and one limited to the role's titles is used.
        let mine = mm_app::market::analyse(
            &tax,
            &AnalyseInput {
                role: Some("data analyst".into()),
                min_support: 3,
                ..AnalyseInput::default()
            },
            &mut Quiet,
            None,
        )
        .unwrap();
        let mine_id = mm_app::market::save(&app, &mine).await.unwrap().id;
        let m =
            discover::market_for_role(&app, &tax, &role, &MarketSource::Auto, &input, &mut Quiet)
                .await
                .unwrap()
                .unwrap();
        assert_eq!(m.source, format!("saved analysis {mine_id}: {}", mine.name));
        assert_eq!(m.passed_over, None);
        // No market asked for: none.
        let none =
            discover::market_for_role(&app, &tax, &role, &MarketSource::None, &input, &mut Quiet)
                .await
                .unwrap();
        assert!(none.is_none());

        // The ranking leaves out what is held and is remembered by rank.
        let d = discover::discover(
            &app,
            &tax,
            &role,
            &discover::DiscoverInput {
                market: MarketSource::Auto,
                input: input.clone(),
                top: 5,
                arcs: 2,
                country: None,
                stacks: Vec::new(),
            },
            &mut Quiet,
        )
        .await
        .unwrap();
        assert!(!d.micro.iter().any(|c| c.candidate.uri == SPREADSHEETS));
        // Only micro-skills are ranked: each parent shows at least one, and
        // the ranks run 1, 2, … across the parents.
        let steps: Vec<_> = d.micro.iter().flat_map(|g| &g.steps).collect();
        assert!(d.micro.iter().all(|g| !g.steps.is_empty()));
        assert_eq!(steps.len(), 5, "top 5 micro-skills");
        assert!(steps.iter().enumerate().all(|(i, s)| s.rank == Some(i + 1)));
        let last = store.last_ranking().await.unwrap().unwrap();
        assert_eq!(last.steps.len(), 5);
        assert_eq!(last.step_at(1), Some(steps[0].id.as_str()));
        let first = discover::suggestion(&app, &tax, "1").await.unwrap();
        assert_eq!(tax.skill(first.skill).uri, d.micro[0].candidate.uri);
        let entry = mm_app::catalogue::entry_for_suggestion(&app, &tax, "1")
            .await
            .unwrap()
            .expect("rank 1 is a catalogue micro-skill");
        assert_eq!(entry.id, steps[0].id);
        let e = discover::suggestion(&app, &tax, "99").await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Invalid);
        drop_pg(&store, "inputs").await;
    }
}
