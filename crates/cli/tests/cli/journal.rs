//! A journal that uses every feature, built through the `mm` binary, survives
//! `mm export` / `mm import` table by table and row by row: on SQLite, on
//! PostgreSQL, and SQLite → PostgreSQL → SQLite. A version 1 export (committed
//! under tests/data) still imports.

use crate::common::*;
use mm_store::{DERIVED_TABLES, EXPORTED_TABLES, Store, TableDump};
use std::collections::BTreeMap;

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn json(home: &Home, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&home.ok(&all)).unwrap()
}

/// Drive every feature that writes to the journal.
fn every_feature(home: &Home) {
    home.ok(&["demo"]);
    home.ok(&[
        "profile",
        "set",
        "--availability",
        "mon-fri 07:00-07:40, sat 10:00-11:30",
        "--timezone",
        "Europe/Paris",
    ]);
    home.ok(&["config", "mastery", "--min-sessions", "3"]);
    // A plan with its calendar state: exported events keep UIDs and sequence
    // numbers, and a re-plan cancels the events it drops.
    home.ok(&["plan", "2"]);
    let ics = home.file("plan.ics");
    home.ok(&["plan", "export", "--ics", "-o", ics.to_str().unwrap()]);
    home.ok(&["profile", "set", "--availability", "mon-sat 18:00-19:00"]);
    home.ok(&["plan", "2"]);
    home.ok(&["plan", "export", "--ics", "-o", ics.to_str().unwrap()]);
    // Retention: a refresher rated on top of the achievement's own review.
    let cards = json(home, &["refresh", "list", "--all"]);
    let first = cards[0]["card_ref"].as_str().unwrap().to_owned();
    home.ok(&["refresh", "rate", &first, "good"]);
    // Arcs.
    home.ok(&["arc", "add", "data analysis"]);
    home.ok(&["arc", "assign", "2", "data analysis"]);
    home.ok(&["arc", "assign", "1", "standalone"]);
    // A badge issued, then revoked.
    home.ok(&[
        "badge",
        "issuer",
        "init",
        "--name",
        "Ada's practice",
        "--url",
        "https://badges.ada.example",
    ]);
    let issued = json(
        home,
        &[
            "badge",
            "issue",
            "1",
            "--email",
            "ada@example.org",
            "--out",
            home.file("badges").to_str().unwrap(),
        ],
    );
    let id = issued["id"].as_str().unwrap().to_owned();
    home.ok(&["badge", "revoke", &id, "--reason", "issued by mistake"]);
    // A micro-skill saved to the personal catalogue.
    home.ok(&["micro", "catalogue", "save", "excel-pivot-summary"]);
    // A saved market analysis of the shipped sample.
    home.ok(&["market", "analyse"]);
    // A deadline moved, a resource added, a criterion ticked and unticked,
    // a session edited: the history of edits.
    home.ok(&[
        "goal",
        "extend",
        "2",
        "--to",
        "+3w",
        "--reason",
        "a busy month",
    ]);
    home.ok(&[
        "edit",
        "micro",
        "2",
        "--add-resource",
        "https://example.org/lookups",
    ]);
    home.ok(&["goal", "tick", "2", "1"]);
    home.ok(&["goal", "tick", "2", "1", "--undo"]);
    let sessions = json(home, &["practice", "list", "2"]);
    let sid = sessions[0]["id"].to_string();
    home.ok(&["edit", "session", &sid, "--notes", "typo fixed"]);
    home.ok(&["skill", "rename", "1", "Spreadsheets"]);
    home.ok(&["skill", "rename", "2", "SQL queries"]);
    home.ok(&["undo"]);
}

/// Every table of the store, by name, from the catalogue.
fn dump(url: &str) -> BTreeMap<String, TableDump> {
    let rt = rt();
    rt.block_on(async {
        let store = Store::open(url).await.unwrap();
        let mut out = BTreeMap::new();
        for t in store.tables().await.unwrap() {
            if DERIVED_TABLES.iter().any(|(d, _)| *d == t) {
                continue;
            }
            out.insert(t.clone(), store.dump_table(&t).await.unwrap());
        }
        store.close().await;
        out
    })
}

/// Same tables, same columns, same rows; a readable diff otherwise.
fn assert_same_journal(a: &BTreeMap<String, TableDump>, b: &BTreeMap<String, TableDump>) {
    assert_eq!(
        a.keys().collect::<Vec<_>>(),
        b.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    for (t, da) in a {
        let db = &b[t];
        assert_eq!(da.columns, db.columns, "columns of {t}");
        assert_eq!(
            da.rows.len(),
            db.rows.len(),
            "rows of {t}:\n{:#?}\nvs\n{:#?}",
            da.rows,
            db.rows
        );
        for (ra, rb) in da.rows.iter().zip(&db.rows) {
            assert_eq!(ra, rb, "a row of {t} (columns {:?})", da.columns);
        }
    }
}

/// The journey filled every exported table, so the comparison cannot pass
/// on empty tables.
fn assert_every_table_used(d: &BTreeMap<String, TableDump>) {
    let empty: Vec<&str> = EXPORTED_TABLES
        .iter()
        .copied()
        .filter(|t| d.get(*t).is_none_or(|x| x.rows.is_empty()))
        .collect();
    assert!(empty.is_empty(), "the journey left these empty: {empty:?}");
}

fn export_to(home: &Home, name: &str) -> std::path::PathBuf {
    let path = home.file(name);
    home.ok(&["export", "-o", path.to_str().unwrap()]);
    path
}

/// Drop a test's schema with a plain connection (opening a `Store` on the
/// base URL would migrate the shared `public` schema).
fn drop_pg(url: &str) {
    use sqlx::Connection;
    let (base, schema) = url.split_once("?schema=").unwrap();
    assert!(
        schema
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    );
    rt().block_on(async {
        let mut c = sqlx::PgConnection::connect(base).await.unwrap();
        sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
            .execute(&mut c)
            .await
            .unwrap();
        c.close().await.unwrap();
    });
}

#[test]
fn every_table_round_trips_on_sqlite_and_through_postgres() {
    let home = Home::new();
    every_feature(&home);
    let original = dump(&home.db);
    assert_every_table_used(&original);
    let file = export_to(&home, "journal.json");

    // SQLite → SQLite.
    let fresh = Home::new();
    let out = fresh.ok(&["import", file.to_str().unwrap()]);
    assert!(out.contains("1 badges, 1 market analyses"), "{out}");
    assert_same_journal(&original, &dump(&fresh.db));
    // The imported journal reads the same to its user.
    assert_eq!(
        fresh.ok(&["--json", "status"]),
        home.ok(&["--json", "status"])
    );
    assert_eq!(fresh.ok(&["history"]), home.ok(&["history"]));
    // The calendar carries on where it was: the same events, UIDs and
    // sequence numbers from the imported journal as from the original.
    let ics = |h: &Home| {
        let path = h.file("again.ics");
        h.ok(&["plan", "export", "--ics", "-o", path.to_str().unwrap()]);
        std::fs::read_to_string(path).unwrap()
    };
    let (before, after) = (ics(&home), ics(&fresh));
    assert!(
        before.contains("UID:") && before.contains("SEQUENCE:"),
        "{before}"
    );
    assert_eq!(before, after);

    // SQLite → PostgreSQL → SQLite.
    let Some(url) = postgres_url("journal_trip") else {
        return;
    };
    let pg = Home::with_db(&url);
    pg.ok(&["import", file.to_str().unwrap()]);
    assert_same_journal(&original, &dump(&url));
    let back_file = export_to(&pg, "from-postgres.json");
    let back = Home::new();
    back.ok(&["import", back_file.to_str().unwrap()]);
    assert_same_journal(&original, &dump(&back.db));
    // New records after an import get fresh ids on PostgreSQL too.
    let added = json(&pg, &["skill", "add", "Python"]);
    assert_eq!(added["id"], 3, "after the imported skills 1 and 2");
    drop_pg(&url);
}

#[test]
fn every_table_round_trips_on_postgres() {
    let (Some(a), Some(b)) = (postgres_url("journal_a"), postgres_url("journal_b")) else {
        return;
    };
    let home = Home::with_db(&a);
    every_feature(&home);
    let original = dump(&a);
    assert_every_table_used(&original);
    let file = export_to(&home, "journal.json");
    let fresh = Home::with_db(&b);
    fresh.ok(&["import", file.to_str().unwrap()]);
    assert_same_journal(&original, &dump(&b));
    assert_eq!(
        fresh.ok(&["--json", "status"]),
        home.ok(&["--json", "status"])
    );
    drop_pg(&a);
    drop_pg(&b);
}

#[test]
fn a_version_1_export_still_imports() {
    let v1 = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/journal-v1.json");
    let text = std::fs::read_to_string(&v1).unwrap();
    assert!(text.contains("\"version\": 1"), "the fixture is a v1 file");
    let home = Home::new();
    let out = home.ok(&["import", v1.to_str().unwrap()]);
    assert!(
        out.contains(
            "Imported 2 skills, 2 micro-skills, 2 goals, 6 sessions, 1 applications, 3 reflections"
        ),
        "{out}"
    );
    assert!(out.contains("Also 0 plans"), "{out}");
    let status: serde_json::Value = serde_json::from_str(&home.ok(&["--json", "status"])).unwrap();
    assert_eq!(status["achieved"], 1);
    // Exported again, it is a version 2 journal holding the same records.
    let again: serde_json::Value = serde_json::from_str(&home.ok(&["export"])).unwrap();
    let old: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(again["version"], 2);
    for key in [
        "skills",
        "micro_skills",
        "goals",
        "sessions",
        "applications",
        "reflections",
        "settings",
    ] {
        assert_eq!(again[key], old[key], "{key}");
    }
}

#[test]
fn import_into_a_journal_that_holds_records_writes_nothing() {
    let home = Home::new();
    home.ok(&["demo"]);
    let file = export_to(&home, "journal.json");
    let other = Home::new();
    other.ok(&["market", "analyse"]);
    let before = dump(&other.db);
    let (_, err) = other.fails(&["import", file.to_str().unwrap()], 1);
    assert!(err.contains("already holds a journal"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert_same_journal(&before, &dump(&other.db));
}
