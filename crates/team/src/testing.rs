//! The harness the team test suites share (this crate's, the server's): a
//! PostgreSQL schema of its own per test, migrated as the owner, and the URL
//! to connect as the server's role that owns nothing.
//!
//! PostgreSQL is found at `MM_TEST_DATABASE_URL` (default the local server at
//! 127.0.0.1:5432, database `test`, as `postgres`). Without it a test prints
//! why and skips, unless `MM_REQUIRE_POSTGRES` is set (CI), where it fails.

/// The role the tests' servers connect as (created by [`crate::migrate`]).
pub const TEST_APP_ROLE: &str = "mm_team_test";

/// One test's database: its own schema.
#[derive(Debug)]
pub struct TestDb {
    /// The owner's URL (runs migrations; bypasses nothing it need not).
    pub owner_url: String,
    /// The server role's URL, with `?schema=`.
    pub app_url: String,
    schema: String,
}

/// A migrated schema for `test`, or `None` (after saying why) when no
/// PostgreSQL answers and it is not required.
///
/// # Panics
/// When PostgreSQL is required (`MM_REQUIRE_POSTGRES`) and cannot be used.
pub async fn test_db(test: &str) -> Option<TestDb> {
    let base = std::env::var("MM_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
    let schema = format!("mm_team_{test}_{}", std::process::id());
    let sep = if base.contains('?') { '&' } else { '?' };
    let owner_url = format!("{base}{sep}schema={schema}");
    match crate::migrate(&owner_url, TEST_APP_ROLE).await {
        Ok(()) => Some(TestDb {
            app_url: crate::with_user(&owner_url, TEST_APP_ROLE),
            owner_url,
            schema,
        }),
        Err(e) if std::env::var_os("MM_REQUIRE_POSTGRES").is_some() => {
            panic!("PostgreSQL is required here (MM_REQUIRE_POSTGRES) but: {e}")
        }
        Err(e) => {
            eprintln!(
                "skipping {test}: no PostgreSQL for the team server: {e} (set MM_TEST_DATABASE_URL)"
            );
            None
        }
    }
}

impl TestDb {
    /// The schema's name.
    pub fn schema(&self) -> &str {
        &self.schema
    }

    /// Drop the schema and everything in it.
    pub async fn drop_schema(&self) {
        let (url, _) = crate::split_schema(&self.owner_url).unwrap_or_default();
        if let Ok(pool) = sqlx::PgPool::connect(&url).await {
            sqlx::query(&format!(
                "DROP SCHEMA IF EXISTS \"{}\" CASCADE",
                self.schema
            ))
            .execute(&pool)
            .await
            .ok();
            pool.close().await;
        }
    }
}

/// The password of every account the test helpers make.
pub const TEST_PASSWORD: &str = "correct horse battery";

/// Organisation `slug` ("`slug` Ltd"), whose admin is `admin@<slug>.example`
/// with [`TEST_PASSWORD`].
///
/// # Panics
/// When the organisation cannot be created.
pub async fn create_org(team: &crate::TeamStore, slug: &str) {
    team.create_organisation(crate::NewOrganisation {
        slug: slug.into(),
        name: format!("{slug} Ltd"),
        admin_email: format!("admin@{slug}.example"),
        admin_name: format!("{slug} admin"),
        admin_password: TEST_PASSWORD.into(),
    })
    .await
    .expect("create organisation");
}
