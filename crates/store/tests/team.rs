//! Many people's journals in one PostgreSQL schema (issue 15): each person
//! reads and writes through a scoped store, and row-level security holds a
//! role that owns nothing to the transaction's scope, whatever SQL it sends.
//!
//! The stores connect as `mm_store_test`, a login role that owns nothing and
//! is no superuser (superusers skip row-level security), granted what a team
//! server is granted: DML on [`journal_tables`], USAGE on the sequences,
//! SELECT on the migration ledger. The owner (the test's superuser URL)
//! migrates with [`Store::migrate`] and counts rows behind the policies.
//!
//! Four journals share the schema: the unscoped one (person 0 of
//! organisation 0, as a single-person PostgreSQL journal is), two people of
//! organisation 1 and one of organisation 2, each filled with the same
//! full journal. A query that escaped its scope would run as person 0 and
//! return person 0's rows, so every check below would see them.

use chrono::Duration;
use mm_core::journal::Journal;
use mm_core::*;
use mm_store::{Error, Store, StoredCredential, journal_tables};
use sqlx::{Connection, PgConnection, Row};
use std::collections::{BTreeMap, BTreeSet};

mod common;
use common::*;

const ROLE: &str = "mm_store_test";

fn base_url() -> String {
    std::env::var("MM_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// The base URL with `role` as its user (the test server trusts loopback).
fn as_role(url: &str, role: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let host = rest.split_once('@').map_or(rest, |(_, h)| h);
    format!("{scheme}://{role}@{host}")
}

fn schema_of(test: &str) -> String {
    format!("mm_team_{test}_{}", std::process::id())
}

async fn owner() -> Option<PgConnection> {
    match PgConnection::connect(&base_url()).await {
        Ok(c) => Some(c),
        Err(e) if std::env::var_os("MM_REQUIRE_POSTGRES").is_some() => {
            panic!("PostgreSQL is required here (MM_REQUIRE_POSTGRES) but: {e}")
        }
        Err(e) => {
            eprintln!("skipping a PostgreSQL-only test: {e} (set MM_TEST_DATABASE_URL)");
            None
        }
    }
}

async fn exec(c: &mut PgConnection, sql: &str) {
    sqlx::raw_sql(sql)
        .execute(&mut *c)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A migrated schema of its own, the app role granted on it, and a pool
/// opened as that role without migrating. `None` without PostgreSQL.
async fn team_schema(test: &str) -> Option<(PgConnection, String, Store)> {
    let mut c = owner().await?;
    let schema = schema_of(test);
    exec(
        &mut c,
        &format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"),
    )
    .await;
    // Several tests (and test binaries) may create the role at once.
    exec(
        &mut c,
        &format!(
            "DO $$ BEGIN CREATE ROLE {ROLE} LOGIN NOSUPERUSER NOBYPASSRLS;
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
        ),
    )
    .await;
    let r = sqlx::query("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1")
        .bind(ROLE)
        .fetch_one(&mut c)
        .await
        .unwrap();
    assert!(
        !r.get::<bool, _>(0) && !r.get::<bool, _>(1),
        "{ROLE} must be subject to row-level security"
    );
    Store::migrate(&format!("{}?schema={schema}", base_url()))
        .await
        .unwrap();
    // What the team server's role is granted (the lead's `mm team migrate`
    // grants the same from `journal_tables()`).
    let mut grants = format!(
        "GRANT USAGE ON SCHEMA \"{schema}\" TO {ROLE};
         GRANT USAGE ON ALL SEQUENCES IN SCHEMA \"{schema}\" TO {ROLE};
         GRANT SELECT ON \"{schema}\"._sqlx_migrations TO {ROLE};"
    );
    for t in journal_tables() {
        grants.push_str(&format!(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON \"{schema}\".\"{t}\" TO {ROLE};"
        ));
    }
    exec(&mut c, &grants).await;
    let app = Store::open_existing(&format!("{}?schema={schema}", as_role(&base_url(), ROLE)))
        .await
        .unwrap();
    Some((c, schema, app))
}

async fn drop_team_schema(mut c: PgConnection, schema: &str, app: Store) {
    app.close().await;
    exec(
        &mut c,
        &format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"),
    )
    .await;
    c.close().await.ok();
}

/// The unscoped journal and three people, each filled with a full journal.
async fn four_journals(app: &Store) -> Vec<(&'static str, Store)> {
    let stores = vec![
        ("person 0 of organisation 0 (unscoped)", app.clone()),
        ("A: person 1 of organisation 1", app.scoped(1, 1).unwrap()),
        ("B: person 2 of organisation 1", app.scoped(1, 2).unwrap()),
        ("C: person 3 of organisation 2", app.scoped(2, 3).unwrap()),
    ];
    for (i, (_, s)) in stores.iter().enumerate() {
        fill_with_credential(s, &format!("urn:uuid:6f1c2c1e-0000-4000-8000-{i:012}")).await;
    }
    stores
}

/// Every id a journal holds, by kind.
fn ids(j: &Journal) -> BTreeSet<(&'static str, String)> {
    let mut out = BTreeSet::new();
    let mut add = |kind: &'static str, id: String| {
        out.insert((kind, id));
    };
    j.skills.iter().for_each(|s| add("skill", s.id.to_string()));
    for m in &j.micro_skills {
        add("micro_skill", m.id.to_string());
        m.principles
            .iter()
            .for_each(|p| add("principle", p.id.to_string()));
    }
    for g in &j.goals {
        add("goal", g.id.to_string());
        g.criteria
            .iter()
            .for_each(|c| add("criterion", c.id.to_string()));
    }
    j.sessions
        .iter()
        .for_each(|s| add("session", s.id.to_string()));
    j.applications
        .iter()
        .for_each(|a| add("application", a.id.to_string()));
    j.reflections
        .iter()
        .for_each(|r| add("reflection", r.id.to_string()));
    j.plans
        .iter()
        .for_each(|p| add("plan", p.goal_id.to_string()));
    j.arcs.iter().for_each(|a| add("arc", a.id.to_string()));
    j.goal_arcs
        .iter()
        .for_each(|l| add("goal_arc", l.goal_id.to_string()));
    j.retention_cards
        .iter()
        .for_each(|c| add("card", c.id.to_string()));
    j.credentials
        .iter()
        .for_each(|c| add("credential", c.id.clone()));
    j.market_analyses
        .iter()
        .for_each(|m| add("market", m.id.to_string()));
    j.history
        .iter()
        .for_each(|h| add("history", h.id.to_string()));
    out
}

/// How many records of each kind (and settings and catalogue entries, whose
/// keys are the person's own words and the same for everyone here).
fn counts(j: &Journal) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for (kind, _) in ids(j) {
        *out.entry(kind).or_default() += 1;
    }
    out.insert("setting", j.settings.len());
    out.insert("catalogue", j.personal_catalogue.len());
    out
}

#[tokio::test]
async fn each_person_reads_only_their_own_journal() {
    let Some((c, schema, app)) = team_schema("reads").await else {
        return;
    };
    let stores = four_journals(&app).await;
    let mut exports = Vec::new();
    for (who, s) in &stores {
        let j = s.export(now()).await.unwrap();
        exports.push(j);
        assert!(!s.is_empty().await.unwrap(), "{who}");
    }
    // The same full journal each: the same counts, every kind present, and
    // no id in common (a leak would double a count or share an id).
    let expected = counts(&exports[0]);
    assert!(expected.values().all(|n| *n > 0), "{expected:?}");
    for (i, (who, _)) in stores.iter().enumerate() {
        assert_eq!(counts(&exports[i]), expected, "{who}");
        for (k, (other, _)) in stores.iter().enumerate().filter(|(k, _)| *k != i) {
            let shared: Vec<_> = ids(&exports[i])
                .intersection(&ids(&exports[k]))
                .cloned()
                .collect();
            assert!(shared.is_empty(), "{who} and {other} share {shared:?}");
        }
    }
    // A person with nothing yet exports an empty journal, as a fresh SQLite
    // journal does.
    let nobody = app.scoped(2, 99).unwrap();
    assert!(nobody.is_empty().await.unwrap());
    let (empty, _dir) = sqlite().await;
    assert_eq!(
        serde_json::to_value(nobody.export(now()).await.unwrap()).unwrap(),
        serde_json::to_value(empty.export(now()).await.unwrap()).unwrap()
    );
    assert_eq!(nobody.revision().await.unwrap(), 0);

    // Every read method, with each other person's ids: nothing.
    for (i, (who, s)) in stores.iter().enumerate() {
        let own = &exports[i];
        let own_goals: BTreeSet<GoalId> = own.goals.iter().map(|g| g.id).collect();
        assert_eq!(
            s.find_skill("Excel").await.unwrap().id,
            own.skills[0].id,
            "{who}"
        );
        assert_eq!(
            s.find_micro_skill(&own.micro_skills[0].name)
                .await
                .unwrap()
                .id,
            own.micro_skills[0].id,
            "{who}"
        );
        let tallies = s
            .session_tallies(
                chrono::FixedOffset::east_opt(3600).unwrap(),
                Week::of(today()),
            )
            .await
            .unwrap();
        assert!(
            !tallies.is_empty() && tallies.keys().all(|g| own_goals.contains(g)),
            "{who}"
        );
        let apps = s.application_counts().await.unwrap();
        assert!(
            !apps.is_empty() && apps.keys().all(|g| own_goals.contains(g)),
            "{who}"
        );
        let arcs = s.goal_memberships().await.unwrap();
        assert!(
            !arcs.is_empty() && arcs.keys().all(|g| own_goals.contains(g)),
            "{who}"
        );
        let cards = s.list_cards().await.unwrap();
        assert_eq!(cards.len(), own.retention_cards.len(), "{who}");
        assert!(
            cards.iter().all(|c| own_goals.contains(&c.goal_id)),
            "{who}"
        );
        assert_eq!(s.list_arcs().await.unwrap().len(), own.arcs.len(), "{who}");
        assert_eq!(
            s.latest_market().await.unwrap().map(|m| m.id),
            Some(own.market_analyses[0].id),
            "{who}"
        );
        assert_eq!(
            s.list_history(Some(100)).await.unwrap().len(),
            own.history.len()
        );
        assert!(s.revision().await.unwrap() > 0, "{who}");
        assert!(s.get_personal_entry("excel-pivot-summary").await.is_ok());
        assert!(s.mastery_rule().await.is_ok());
        assert_eq!(
            s.get_setting("mastery_rule").await.unwrap(),
            Some(serde_json::json!({"min_sessions": 2}))
        );
        for (k, (other, _)) in stores.iter().enumerate().filter(|(k, _)| *k != i) {
            let theirs = &exports[k];
            let ctx = format!("{who} reading {other}'s");
            let skill = theirs.skills[0].id;
            let micro = theirs.micro_skills[0].id;
            let goal = theirs.goals[0].id;
            let session = theirs.sessions[0].id;
            let market = theirs.market_analyses[0].id;
            let not_found = |r: Result<(), Error>, what: &str| {
                assert!(
                    matches!(r, Err(Error::NotFound { .. })),
                    "{ctx} {what}: {r:?}"
                )
            };
            not_found(s.get_skill(skill).await.map(drop), "skill");
            not_found(s.get_micro_skill(micro).await.map(drop), "micro-skill");
            not_found(s.get_goal(goal).await.map(drop), "goal");
            not_found(s.get_session(session).await.map(drop), "session");
            not_found(s.get_market(market).await.map(drop), "market analysis");
            not_found(
                s.get_credential(&theirs.credentials[0].id).await.map(drop),
                "credential",
            );
            not_found(
                s.find_arc(&theirs.arcs[0].id.to_string()).await.map(drop),
                "arc",
            );
            assert!(s.get_plan(goal).await.unwrap().is_none(), "{ctx} plan");
            assert!(
                s.list_sessions(Some(goal)).await.unwrap().is_empty(),
                "{ctx}"
            );
            assert!(
                s.list_applications(Some(goal)).await.unwrap().is_empty(),
                "{ctx}"
            );
            assert!(
                s.list_credentials(Some(goal)).await.unwrap().is_empty(),
                "{ctx}"
            );
            assert!(
                s.list_micro_skills(Some(skill)).await.unwrap().is_empty(),
                "{ctx}"
            );
            assert!(s.market_skills(market).await.unwrap().is_empty(), "{ctx}");
        }
        // Every table as the person sees it holds only their rows: as many
        // as the owner counts for them behind the policies.
        for t in journal_tables() {
            let dump = s.dump_table(t).await.unwrap();
            assert!(
                !dump
                    .columns
                    .iter()
                    .any(|c| c == "org_id" || c == "person_id"),
                "{t}: the scope columns are not data"
            );
            let (org, person) = s.scope().unwrap_or((0, 0));
            let held = owner_count(
                &schema,
                t,
                &format!("org_id = {org} AND person_id = {person}"),
            )
            .await;
            assert_eq!(dump.rows.len() as i64, held, "{who}: {t}");
        }
    }
    drop_team_schema(c, &schema, app).await;
}

/// Rows of `table` matching `filter`, counted by the owner (a superuser,
/// whom the policies do not bind).
async fn owner_count(schema: &str, table: &str, filter: &str) -> i64 {
    let mut c = PgConnection::connect(&base_url()).await.unwrap();
    let n: i64 = sqlx::query(&format!(
        "SELECT COUNT(*) FROM \"{schema}\".\"{table}\" WHERE {filter}"
    ))
    .fetch_one(&mut c)
    .await
    .unwrap()
    .get(0);
    c.close().await.ok();
    n
}

#[tokio::test]
async fn a_snapshot_reads_its_scope_in_one_transaction_and_sees_what_was_committed_before() {
    let Some((c, schema, app)) = team_schema("snapshot").await else {
        return;
    };
    let stores = four_journals(&app).await;
    let (a, b) = (&stores[1].1, &stores[2].1);
    let alone = a.export(now()).await.unwrap();
    let snap = a.snapshot();
    // The same journal as the store alone, none of B's.
    let seen = snap.export(now()).await.unwrap();
    assert_eq!(counts(&seen), counts(&alone));
    assert_eq!(ids(&seen), ids(&alone));
    let goal = seen.goals[0].id;
    // Its reads hold one transaction (open, idle between reads) while it
    // lives: one of the role's connections stays idle in a transaction
    // (longer than any other test's short reads are).
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let mut owner = owner().await.unwrap();
    let held: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM pg_stat_activity WHERE usename = '{ROLE}' \
         AND state = 'idle in transaction' AND xact_start < now() - interval '250 milliseconds'"
    ))
    .fetch_one(&mut owner)
    .await
    .unwrap();
    assert!(held >= 1, "the snapshot's reads hold no transaction");
    // A write committed meanwhile (through the store alone) is seen by the
    // snapshot's next read: each statement sees what was committed before it.
    let before = snap.revision().await.unwrap();
    a.abandon_goal(goal, "moved on", now()).await.unwrap();
    assert!(snap.revision().await.unwrap() > before);
    let after = snap.export(now()).await.unwrap();
    assert_eq!(
        after.goals.iter().find(|g| g.id == goal).unwrap().state,
        GoalState::Abandoned
    );
    // A write through the snapshot is a transaction of its own, committed.
    let theirs = b.export(now()).await.unwrap().goals[0].id;
    assert!(matches!(
        snap.abandon_goal(theirs, "not mine", now()).await,
        Err(Error::NotFound { .. })
    ));
    let skill = seen.skills[0].id;
    snap.set_held_level(skill, Some(Level::Expert))
        .await
        .unwrap();
    let skills = a.export(now()).await.unwrap().skills;
    assert_eq!(
        skills.iter().find(|k| k.id == skill).unwrap().held_level,
        Some(Level::Expert)
    );
    drop(snap);
    drop(owner);
    // More snapshots at once than the pool has connections, each reading
    // then writing: a snapshot gives its read's connection back before its
    // write takes one, so none waits on another for ever.
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..24 {
        let snap = a.snapshot();
        tasks.spawn(async move {
            snap.revision().await?;
            let level = if i % 2 == 0 {
                Level::Expert
            } else {
                Level::Proficient
            };
            snap.set_held_level(skill, Some(level)).await?;
            snap.revision().await
        });
    }
    let all = tokio::time::timeout(std::time::Duration::from_secs(20), tasks.join_all())
        .await
        .expect("snapshots that read then write deadlocked on the pool");
    assert!(all.iter().all(Result::is_ok), "{all:?}");
    drop_team_schema(c, &schema, app).await;
}

#[tokio::test]
async fn writes_stay_in_their_scope() {
    let Some((c, schema, app)) = team_schema("writes").await else {
        return;
    };
    let stores = four_journals(&app).await;
    let (a, b) = (&stores[1].1, &stores[2].1);
    let ja = a.export(now()).await.unwrap();
    let jb = b.export(now()).await.unwrap();
    let their_goal = jb.goals[0].id;
    let their_skill = jb.skills[0].id;
    // Changing another person's records finds nothing and changes nothing.
    assert!(matches!(
        a.abandon_goal(their_goal, "not mine", now()).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        a.set_held_level(their_skill, Some(Level::Expert)).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        a.delete_goal(their_goal, now()).await,
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(
        a.revoke_credential(&jb.credentials[0].id, "not mine", now())
            .await,
        Err(Error::NotFound { .. })
    ));
    // A reference into another person's journal is refused by the keys,
    // which carry the scope (a plain key would accept B's ids).
    let theirs = StoredCredential {
        id: "urn:uuid:6f1c2c1e-0000-4000-8000-00000000ffff".into(),
        goal_id: their_goal,
        issued_at: now(),
        credential: "{}".into(),
        jwt_eddsa: "e30.e30.sig".into(),
        jwt_rs256: "e30.e30.sig".into(),
        revoked_at: None,
        revocation_reason: None,
    };
    let err = a.add_credential(&theirs).await.unwrap_err();
    assert!(
        matches!(&err, Error::Invalid(m) if m.contains("refers to does not exist")),
        "{err}"
    );
    let err = a
        .add_reflection(&NewReflection {
            target: ReflectionTarget::Goal { id: ja.goals[0].id },
            at: now(),
            worked: "w".into(),
            didnt: "d".into(),
            next: "n".into(),
            principles: vec![jb.micro_skills[0].principles[0].id],
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Invalid(_) | Error::NotFound { .. }),
        "{err}"
    );
    // The same entry id is each person's own: removing A's leaves B's.
    a.remove_personal_entry("excel-pivot-summary")
        .await
        .unwrap();
    assert!(b.get_personal_entry("excel-pivot-summary").await.is_ok());
    assert!(a.get_personal_entry("excel-pivot-summary").await.is_err());
    // One revision per person: A's change moves A's only.
    let (ra, rb) = (a.revision().await.unwrap(), b.revision().await.unwrap());
    a.set_target_role("data analyst").await.unwrap();
    assert!(a.revision().await.unwrap() > ra);
    assert_eq!(b.revision().await.unwrap(), rb);
    assert_eq!(b.target_role().await.unwrap(), None);
    // Undo in a scoped store puts A's session (and the reflection on it)
    // back for A, ids and all.
    let before = a.export(now()).await.unwrap();
    let gone = ja.reflections[0].target;
    let ReflectionTarget::Session { id: sid } = gone else {
        panic!("fill reflects on a session: {gone:?}")
    };
    a.delete_session(sid, now()).await.unwrap();
    assert!(matches!(
        a.get_session(sid).await,
        Err(Error::NotFound { .. })
    ));
    a.undo(None, now()).await.unwrap();
    let after = a.export(now()).await.unwrap();
    assert_eq!(after.sessions, before.sessions);
    assert_eq!(after.reflections, before.reflections);
    assert_eq!(after.history.len(), before.history.len() + 2);
    assert_eq!(
        owner_count(
            &schema,
            "sessions",
            &format!("id = {sid} AND org_id = 1 AND person_id = 1")
        )
        .await,
        1
    );
    // B's journal is as it was, and B's history knows nothing of A's.
    let jb_now = b.export(now()).await.unwrap();
    assert_eq!(
        serde_json::to_value(&jb_now).unwrap(),
        serde_json::to_value(&jb).unwrap()
    );
    // A new record in A's journal carries A's scope.
    let s = a
        .log_session(&session(ja.goals[0].id, 0, 20), now() + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(
        owner_count(
            &schema,
            "sessions",
            &format!("id = {} AND org_id = 1 AND person_id = 1", s.id)
        )
        .await,
        1
    );
    // Import into a team journal is refused, before anything is written.
    let fresh = app.scoped(3, 4).unwrap();
    let err = fresh.import(&ja).await.unwrap_err();
    assert!(
        matches!(&err, Error::Invalid(m) if m.contains("team journal is not supported yet")),
        "{err}"
    );
    assert!(fresh.is_empty().await.unwrap());
    drop_team_schema(c, &schema, app).await;
}

/// The tables of the schema, from the catalogue, without the migrator's ledger.
async fn catalogue_tables(c: &mut PgConnection, schema: &str) -> Vec<String> {
    sqlx::query(
        "SELECT relname::text FROM pg_class
         WHERE relnamespace = CAST($1 AS regnamespace) AND relkind = 'r'
           AND relname <> '_sqlx_migrations' ORDER BY 1",
    )
    .bind(format!("\"{schema}\""))
    .fetch_all(&mut *c)
    .await
    .unwrap()
    .iter()
    .map(|r| r.get(0))
    .collect()
}

#[tokio::test]
async fn raw_sql_as_the_app_role_is_held_to_its_scope() {
    let Some((mut c, schema, app)) = team_schema("raw").await else {
        return;
    };
    let _stores = four_journals(&app).await;
    let tables = catalogue_tables(&mut c, &schema).await;
    assert_eq!(
        tables.iter().map(String::as_str).collect::<BTreeSet<_>>(),
        journal_tables().collect::<BTreeSet<_>>(),
        "journal_tables() is every table but the ledger"
    );
    let mut raw = PgConnection::connect(&as_role(&base_url(), ROLE))
        .await
        .unwrap();
    exec(&mut raw, &format!("SET search_path TO \"{schema}\"")).await;
    for t in &tables {
        let own = owner_count(&schema, t, "org_id = 1 AND person_id = 1").await;
        let others = owner_count(&schema, t, "NOT (org_id = 1 AND person_id = 1)").await;
        assert!(
            own > 0 && others > 0,
            "{t}: {own} rows of A, {others} of others"
        );
        let mut tx = raw.begin().await.unwrap();
        sqlx::query("SELECT set_config('mm.org', '1', true), set_config('mm.person', '1', true)")
            .execute(&mut *tx)
            .await
            .unwrap();
        let r = sqlx::query(&format!(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE org_id <> 1 OR person_id <> 1) FROM \"{t}\""
        ))
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        assert_eq!((r.get::<i64, _>(0), r.get::<i64, _>(1)), (own, 0), "{t}");
        let deleted = sqlx::query(&format!("DELETE FROM \"{t}\" WHERE person_id = 2"))
            .execute(&mut *tx)
            .await
            .unwrap()
            .rows_affected();
        assert_eq!(deleted, 0, "{t}: A deleted B's rows");
        // A row of A's, written back as B's: refused by the policy.
        let columns: Vec<String> = sqlx::query(
            "SELECT column_name::text FROM information_schema.columns
             WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position",
        )
        .bind(schema.as_str())
        .bind(t.as_str())
        .fetch_all(&mut *tx)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
        let list = columns
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let values = columns
            .iter()
            .map(|c| {
                if c == "person_id" {
                    "2".to_owned()
                } else {
                    format!("\"{c}\"")
                }
            })
            .collect::<Vec<_>>()
            .join(", ");
        for sql in [
            format!("INSERT INTO \"{t}\" ({list}) SELECT {values} FROM \"{t}\" LIMIT 1"),
            format!("UPDATE \"{t}\" SET person_id = 2"),
            format!("UPDATE \"{t}\" SET org_id = 2"),
        ] {
            sqlx::query("SAVEPOINT attempt")
                .execute(&mut *tx)
                .await
                .unwrap();
            let err = sqlx::query(&sql).execute(&mut *tx).await.unwrap_err();
            let code = err
                .as_database_error()
                .and_then(|d| d.code())
                .map(|c| c.into_owned());
            assert_eq!(code.as_deref(), Some("42501"), "{sql}: {err}");
            sqlx::query("ROLLBACK TO SAVEPOINT attempt")
                .execute(&mut *tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
        // The setting ended with its transaction: the next one on the same
        // connection is person 0 of organisation 0 again.
        let unscoped: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM \"{t}\""))
            .fetch_one(&mut raw)
            .await
            .unwrap()
            .get(0);
        assert_eq!(
            unscoped,
            owner_count(&schema, t, "org_id = 0 AND person_id = 0").await,
            "{t}"
        );
    }
    // Nothing of B's moved.
    for t in &tables {
        assert!(
            owner_count(&schema, t, "org_id = 1 AND person_id = 2").await > 0,
            "{t}"
        );
    }
    raw.close().await.ok();
    drop_team_schema(c, &schema, app).await;
}

#[tokio::test]
async fn every_journal_table_is_scoped_and_forced() {
    let Some((mut c, schema, app)) = team_schema("catalogue").await else {
        return;
    };
    for t in catalogue_tables(&mut c, &schema).await {
        let r = sqlx::query(
            "SELECT c.relrowsecurity, c.relforcerowsecurity,
                    (SELECT COUNT(*) FROM pg_policy p WHERE p.polrelid = c.oid),
                    (SELECT COUNT(*) FROM information_schema.columns k
                      WHERE k.table_schema = $1 AND k.table_name = $2
                        AND k.column_name IN ('org_id', 'person_id') AND k.is_nullable = 'NO')
             FROM pg_class c WHERE c.oid = CAST($3 AS regclass)",
        )
        .bind(schema.as_str())
        .bind(t.as_str())
        .bind(format!("\"{schema}\".\"{t}\""))
        .fetch_one(&mut c)
        .await
        .unwrap();
        assert!(r.get::<bool, _>(0), "{t}: row-level security is off");
        assert!(r.get::<bool, _>(1), "{t}: row-level security is not forced");
        assert_eq!(r.get::<i64, _>(2), 1, "{t}: one policy");
        assert_eq!(r.get::<i64, _>(3), 2, "{t}: org_id and person_id");
    }
    // Unique indexes and keys of people's own words lead with the scope.
    let unique: Vec<(String, String)> = sqlx::query(
        "SELECT c.relname::text, pg_get_indexdef(i.indexrelid)
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
         WHERE c.relnamespace = CAST($1 AS regnamespace) AND i.indisunique
           AND c.relname IN ('skills', 'arcs', 'personal_catalogue', 'settings', 'journal_revision')",
    )
    .bind(format!("\"{schema}\""))
    .fetch_all(&mut c)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect();
    assert!(unique.len() >= 8, "{unique:?}");
    for (t, def) in &unique {
        let id_key = def.ends_with("(id)") && *t != "personal_catalogue";
        assert!(
            id_key || def.contains("(org_id, person_id"),
            "{t}: {def} is not per person"
        );
    }
    let tally: String = sqlx::query("SELECT pg_get_indexdef(CAST($1 AS regclass))")
        .bind(format!("\"{schema}\".sessions_tally"))
        .fetch_one(&mut c)
        .await
        .unwrap()
        .get(0);
    assert!(
        tally.contains("(org_id, person_id, goal_id, started_at, focused_minutes)"),
        "{tally}"
    );
    drop_team_schema(c, &schema, app).await;
}

#[tokio::test]
async fn open_existing_needs_every_migration() {
    let Some((mut c, schema, app)) = team_schema("existing").await else {
        return;
    };
    let app_url = format!("{}?schema={schema}", as_role(&base_url(), ROLE));
    // The app role cannot migrate: opening as it with `open` fails (it owns
    // nothing), while `open_existing` succeeded in team_schema.
    exec(
        &mut c,
        &format!("DELETE FROM \"{schema}\"._sqlx_migrations WHERE version = 1200"),
    )
    .await;
    let err = Store::open_existing(&app_url).await.unwrap_err();
    assert!(
        matches!(&err, Error::Migrate { reason, .. } if reason.contains("1200") && reason.contains("owner")),
        "{err}"
    );
    let missing = format!(
        "{}?schema=mm_team_nowhere_{}",
        as_role(&base_url(), ROLE),
        std::process::id()
    );
    let err = Store::open_existing(&missing).await.unwrap_err();
    assert!(matches!(&err, Error::Migrate { .. }), "{err}");
    drop_team_schema(c, &schema, app).await;
}

#[tokio::test]
async fn sqlite_has_no_team_journal() {
    let (store, _dir) = sqlite().await;
    assert!(matches!(store.scoped(1, 1), Err(Error::Invalid(_))));
    assert!(matches!(
        Store::open_existing("sqlite::memory:").await,
        Err(Error::Invalid(_))
    ));
    assert_eq!(store.scope(), None);
}
