//! First use under concurrency: twenty `mm` processes started at once on a
//! journal that does not exist yet all succeed, and the journal they leave
//! is whole (issue 10, part 5: before the fix 3 to 19 of 20 failed in
//! migration 1).

use crate::common::*;
use std::process::{Command, Stdio};

/// Start twenty real `mm` processes at once against `home`'s journal; a
/// quarter of them write (add a skill), the rest read.
fn twenty_at_once(home: &Home) -> Vec<String> {
    let bin = assert_cmd::cargo::cargo_bin("mm");
    let children: Vec<_> = (0..20)
        .map(|i| {
            let args: Vec<String> = match i % 4 {
                0 => vec!["skill".into(), "add".into(), format!("skill {i}")],
                1 => vec!["status".into()],
                2 => vec!["--json".into(), "goal".into(), "list".into()],
                _ => vec!["skill".into(), "list".into()],
            };
            let child = Command::new(&bin)
                .args(&args)
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap_or_default())
                .env("HOME", home.path())
                .env("XDG_DATA_HOME", home.path().join("data"))
                .env("MM_NOW", NOW)
                .env("MM_DATABASE_URL", &home.db)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap();
            (args, child)
        })
        .collect();
    children
        .into_iter()
        .filter_map(|(args, child)| {
            let out = child.wait_with_output().unwrap();
            (!out.status.success()).then(|| {
                format!(
                    "mm {}: {}",
                    args.join(" "),
                    String::from_utf8_lossy(&out.stderr).trim()
                )
            })
        })
        .collect()
}

fn check_journal(url: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = mm_store::Store::open(url).await.unwrap();
        if store.backend() == mm_store::Backend::Sqlite {
            store.integrity_check().await.unwrap();
        }
        let skills = store.list_skills().await.unwrap();
        assert_eq!(skills.len(), 5, "every write landed once: {skills:?}");
        let tables = store.tables().await.unwrap();
        for t in mm_store::EXPORTED_TABLES {
            assert!(tables.iter().any(|x| x == t), "{t} was created");
        }
        store.close().await;
    });
}

#[test]
fn twenty_first_uses_at_once_on_sqlite() {
    let home = Home::new();
    assert!(!std::path::Path::new(&home.db).exists());
    let failed = twenty_at_once(&home);
    assert!(
        failed.is_empty(),
        "{} of 20 failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
    check_journal(&home.db);
}

#[test]
fn twenty_first_uses_at_once_on_postgres() {
    let Some(url) = postgres_url("first_use") else {
        return;
    };
    let home = Home::with_db(&url);
    let failed = twenty_at_once(&home);
    assert!(
        failed.is_empty(),
        "{} of 20 failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
    check_journal(&url);
    let (base, schema) = url.split_once("?schema=").unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // A plain connection: a `Store` on the base URL would migrate `public`.
    rt.block_on(async {
        use sqlx::Connection;
        let mut c = sqlx::PgConnection::connect(base).await.unwrap();
        sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
            .execute(&mut c)
            .await
            .unwrap();
    });
}
