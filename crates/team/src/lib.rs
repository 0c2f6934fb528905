//! The team server's own data: organisations, the people in them and their
//! roles, browser sign-ins, API tokens, invitations, programmes and cohorts
//! (and which goal each member was given), evidence approvals, the notes
//! learners share with their coaches, each organisation's single sign-on
//! (its OpenID provider, see [`TeamStore::begin_sso`]), its badge issuer (its
//! keys sealed with the server's master key, see [`OrgKeys`]), and the audit
//! trail, on PostgreSQL. `mm serve --team` holds none of it in memory, so any
//! number of instances behind one load balancer serve the same organisations.
//!
//! **Isolation** is layered. Every tenant row carries its organisation, and
//! every query runs in a transaction that names the organisation it acts in
//! (`set_config('mm.org', id, true)`, see [`TeamStore`]'s scope); PostgreSQL's
//! row-level security, forced even on the tables' owner, shows and accepts
//! only that organisation's rows. Above it, each operation checks the
//! [`Actor`]'s roles (an admin manages people, a learner sees only themself).
//! The server connects as a role that owns nothing ([`TeamStore::connect`]
//! refuses a superuser, an owner of tables or a role that bypasses row
//! security); [`migrate`] runs as the owner and grants that role what it needs.
//!
//! ```no_run
//! # async fn demo() -> Result<(), mm_team::Error> {
//! mm_team::migrate("postgres://postgres@127.0.0.1/test", "mm_app").await?;
//! let team = mm_team::TeamStore::connect("postgres://mm_app@127.0.0.1/test").await?;
//! let secret = team.sign_in("acme", "ada@example.org", "correct horse battery").await?;
//! let ada = team.session_actor(&secret.secret).await?;
//! # Ok(()) }
//! ```

mod accounts;
mod approvals;
mod error;
mod issuer;
mod ledger;
mod people;
mod programmes;
mod secret;
mod shares;
mod sso;
pub mod testing;

pub use accounts::{
    INVITATION_PREFIX, NewApiToken, NewInvitation, SESSION_PREFIX, SignIn, TOKEN_PREFIX,
};
pub use approvals::{ApprovalGoal, ApprovalRequest, ApprovalState, Decision, NewRequest, Verdict};
pub use error::{Error, Kind, Result};
pub use issuer::{
    MASTER_KEY_ENV, MASTER_KEY_FILE_ENV, MasterKey, OrgKeys, Resealed, reseal, to_app,
};
pub use ledger::IssuedBadge;
pub use people::{
    ApiToken, AuditEntry, Invitation, InvitationState, InvitationView, Member, NewOrganisation,
    Organisation,
};
pub use programmes::{
    AssignedProgramme, Cohort, CohortId, CohortMember, DeadlineRule, GiveScope, GivenGoal,
    GivenState, GoalToGive, ItemChange, ItemId, ItemPrinciple, MAX_ITEMS, MAX_WEEKS, NewCohort,
    NewItem, NewProgramme, Programme, ProgrammeChange, ProgrammeId, ProgrammeItem,
};
pub use shares::{Share, ShareKind};
pub use sso::{NewSso, SSO_STATE_PREFIX, SsoProvider, SsoReturn, SsoStart, redirect_path};

use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Executor as _, PgPool, Postgres, Transaction};
use std::collections::BTreeSet;
use std::str::FromStr as _;
use std::time::Duration;

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// An organisation's id.
pub type OrgId = i64;
/// A person's id (unique across organisations).
pub type PersonId = i64;

/// What a person may do in their organisation. One person may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages the organisation: people, roles, invitations, the audit trail.
    Admin,
    /// Follows learners: their progress and what they share.
    Coach,
    /// Accepts or rejects evidence of application.
    Approver,
    /// Practises toward the goals of their programmes.
    Learner,
}

impl Role {
    /// Every role, in order.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Coach, Role::Approver, Role::Learner];

    /// The role's name as stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coach => "coach",
            Role::Approver => "approver",
            Role::Learner => "learner",
        }
    }

    /// The role a name gives.
    ///
    /// # Errors
    /// [`Kind::Invalid`] for a name that is not a role.
    pub fn parse(s: &str) -> Result<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                Error::invalid(
                    "roles",
                    format!("{s:?} is not a role (admin, coach, approver, learner)"),
                )
            })
    }
}

/// Who is acting: a signed-in person (by browser session or API token).
#[derive(Clone, PartialEq, Eq)]
pub struct Actor {
    /// Their organisation: every query of theirs is scoped to it.
    pub org: OrgId,
    /// Their person id.
    pub person: PersonId,
    /// Their roles.
    pub roles: BTreeSet<Role>,
    /// How they signed in.
    pub via: Via,
}

impl std::fmt::Debug for Actor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Actor")
            .field("org", &self.org)
            .field("person", &self.person)
            .field("roles", &self.roles)
            .field("via", &self.via)
            .finish()
    }
}

/// How an [`Actor`] signed in.
#[derive(Clone, PartialEq, Eq)]
pub enum Via {
    /// A browser session (cookie); its state-changing requests carry `csrf`.
    Session {
        /// The session's id.
        id: i64,
        /// The token its state-changing requests must carry.
        csrf: String,
    },
    /// An API token (bearer); no CSRF token, no cookie.
    Token {
        /// The token's id.
        id: i64,
    },
}

impl std::fmt::Debug for Via {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Via::Session { id, .. } => write!(f, "Session {{ id: {id}, csrf: <hidden> }}"),
            Via::Token { id } => write!(f, "Token {{ id: {id} }}"),
        }
    }
}

impl Actor {
    /// Whether they hold `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// Refuse unless they hold one of `roles`.
    ///
    /// # Errors
    /// [`Kind::Forbidden`] naming what is needed.
    pub fn require(&self, roles: &[Role], to: &str) -> Result<()> {
        if roles.iter().any(|r| self.has(*r)) {
            Ok(())
        } else {
            let names: Vec<_> = roles.iter().map(|r| r.as_str()).collect();
            Err(Error::forbidden(format!(
                "only {} may {to}",
                names.join(" or ")
            )))
        }
    }
}

/// The team data, over a pool of connections as the server's role.
#[derive(Clone)]
pub struct TeamStore {
    pool: PgPool,
    /// The URL with any password hidden, for messages.
    shown_url: String,
    /// How long a browser sign-in lasts.
    session_ttl: Duration,
    /// Seals and opens the organisations' issuer keys (none: no signing).
    master: Option<std::sync::Arc<MasterKey>>,
    /// During a master-key rotation: the key being replaced, which still
    /// opens (never seals) what it sealed until `reseal` has run.
    previous: Option<std::sync::Arc<MasterKey>>,
}

impl std::fmt::Debug for TeamStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeamStore")
            .field("url", &self.shown_url)
            .finish_non_exhaustive()
    }
}

/// How long a browser sign-in lasts unless [`TeamStore::with_session_ttl`] says.
pub const DEFAULT_SESSION_TTL: Duration = Duration::from_secs(12 * 3600);

/// Create or upgrade the team tables at `owner_url` (a role that may create
/// tables, roles and policies: the database's owner), and grant `app_role`,
/// the role the servers connect as, what they need and no more. The role is
/// created (able to log in, without a password: set one with your own
/// tooling) when it does not exist. `?schema=name` in the URL keeps the
/// tables in that schema.
///
/// # Errors
/// [`Kind::Invalid`] for a role or schema that is not a plain name;
/// [`Kind::Unavailable`] when the database cannot be reached;
/// [`Kind::Internal`] when a migration fails.
pub async fn migrate(owner_url: &str, app_role: &str) -> Result<()> {
    if !plain_name(app_role) {
        return Err(Error::invalid(
            "app_role",
            format!("{app_role:?} is not a plain role name (letters, digits, _)"),
        ));
    }
    let (url, schema) = split_schema(owner_url)?;
    let pool = pool(&url, schema.clone(), 2).await?;
    if let Some(schema) = &schema {
        create_schema(&pool, schema).await?;
    }
    run_migrations(&pool).await?;
    let mut tx = pool.begin().await?;
    // Serialise concurrent first migrations' role creation.
    tx.execute("SELECT pg_advisory_xact_lock(7305733)").await?;
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
            .bind(app_role)
            .fetch_one(&mut *tx)
            .await?;
    if exists {
        let (superuser, bypass, is_me): (bool, bool, bool) = sqlx::query_as(
            "SELECT rolsuper, rolbypassrls, rolname = current_user FROM pg_roles WHERE rolname = $1",
        )
        .bind(app_role)
        .fetch_one(&mut *tx)
        .await?;
        if superuser || bypass || is_me {
            return Err(Error::invalid(
                "app_role",
                format!(
                    "{app_role:?} cannot be the servers' role: it is a superuser, bypasses row-level \
                     security or is the owner migrating now; name a role of its own (e.g. mm_app)"
                ),
            ));
        }
    } else {
        tx.execute(&*format!("CREATE ROLE \"{app_role}\" LOGIN"))
            .await?;
    }
    let schema_name: String = sqlx::query_scalar("SELECT current_schema()::TEXT")
        .fetch_one(&mut *tx)
        .await?;
    let grants = [
        format!("GRANT USAGE ON SCHEMA \"{schema_name}\" TO \"{app_role}\""),
        // Every table here (the team's, and the people's journals when the
        // journal was migrated into this schema first): row-level security
        // decides which rows. Then take back what the role must not do.
        format!(
            "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA \"{schema_name}\" TO \"{app_role}\""
        ),
        format!("REVOKE INSERT, UPDATE, DELETE ON organisations FROM \"{app_role}\""),
        // The audit trail is append-only for the servers.
        format!("REVOKE UPDATE, DELETE ON team_audit FROM \"{app_role}\""),
        // What each person was given stays on record (a goal is given once).
        format!("REVOKE DELETE ON given_goals FROM \"{app_role}\""),
        // Requests and decisions on evidence stay on record too.
        format!("REVOKE DELETE ON approval_requests FROM \"{app_role}\""),
        // A share is made or taken back (deleted), never rewritten.
        format!("REVOKE UPDATE ON shares FROM \"{app_role}\""),
        // An organisation's badge issuer, its key generations (retired, never
        // deleted: older badges verify against them) and its revocations.
        format!("REVOKE DELETE ON issuers, issuer_keys, issuer_revocations FROM \"{app_role}\""),
        // The ledger of credentials the organisation signed is append-only.
        format!("REVOKE UPDATE, DELETE ON issued_credentials FROM \"{app_role}\""),
        // The servers read which migrations ran (to refuse an older schema), nothing more.
        format!("REVOKE ALL ON mm_team_migrations FROM \"{app_role}\""),
        format!("GRANT SELECT ON mm_team_migrations TO \"{app_role}\""),
        format!(
            "DO $$ BEGIN IF to_regclass('_sqlx_migrations') IS NOT NULL THEN \
             REVOKE INSERT, UPDATE, DELETE ON _sqlx_migrations FROM \"{app_role}\"; END IF; END $$"
        ),
        format!("GRANT SELECT ON organisations TO \"{app_role}\""),
        format!("GRANT USAGE ON ALL SEQUENCES IN SCHEMA \"{schema_name}\" TO \"{app_role}\""),
        format!(
            "GRANT EXECUTE ON FUNCTION mm_org(), mm_org_by_slug(TEXT), \
             mm_create_organisation(TEXT, TEXT), mm_session_by_hash(BYTEA), mm_iso(TIMESTAMPTZ), \
             mm_token_by_hash(BYTEA), mm_invitation_by_hash(BYTEA), mm_token_actor(BYTEA), \
             mm_session_actor(BYTEA), mm_journal_revisions(BIGINT[]) TO \"{app_role}\""
        ),
    ];
    for g in grants {
        tx.execute(&*g).await?;
    }
    tx.commit().await?;
    pool.close().await;
    Ok(())
}

/// Apply the team migrations not yet applied, in one transaction under an
/// advisory lock (two instances starting at once migrate once). They are
/// tracked in their own table, `mm_team_migrations`, so they share a schema
/// with the journal's migrations (`_sqlx_migrations`) without either
/// migrator taking the other's versions for its own.
async fn run_migrations(pool: &PgPool) -> Result<()> {
    let mut tx = pool.begin().await?;
    tx.execute("SELECT pg_advisory_xact_lock(7305734)").await?;
    tx.execute(
        "CREATE TABLE IF NOT EXISTS mm_team_migrations (version BIGINT PRIMARY KEY, \
         description TEXT NOT NULL, checksum BYTEA NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    )
    .await?;
    let applied: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT version, checksum FROM mm_team_migrations")
            .fetch_all(&mut *tx)
            .await?;
    for m in MIGRATIONS.iter() {
        match applied.iter().find(|(v, _)| *v == m.version) {
            Some((_, sum)) if sum.as_slice() != &*m.checksum => {
                return Err(Error::new(
                    Kind::Internal,
                    format!(
                        "team migration {} ({}) was applied with other contents than this release's",
                        m.version, m.description
                    ),
                ));
            }
            Some(_) => {}
            None => {
                tx.execute(&*m.sql).await.map_err(|e| {
                    Error::new(
                        Kind::Internal,
                        format!(
                            "team migration {} ({}) failed: {e}",
                            m.version, m.description
                        ),
                    )
                })?;
                sqlx::query(
                    "INSERT INTO mm_team_migrations (version, description, checksum) VALUES ($1, $2, $3)",
                )
                .bind(m.version)
                .bind(&*m.description)
                .bind(&*m.checksum)
                .execute(&mut *tx)
                .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

impl TeamStore {
    /// Connect as the server's role. `?schema=name` selects the schema
    /// [`migrate`] used.
    ///
    /// # Errors
    /// [`Kind::Unavailable`] when the database cannot be reached;
    /// [`Kind::Invalid`] when the role is a superuser, may bypass row
    /// security, or owns any team table (isolation would rest on the
    /// application alone), or when the team tables are missing (run `migrate`).
    pub async fn connect(app_url: &str) -> Result<TeamStore> {
        Self::connect_with(app_url, 16).await
    }

    /// As [`TeamStore::connect`], with at most `max_connections` in the pool.
    ///
    /// # Errors
    /// As [`TeamStore::connect`].
    pub async fn connect_with(app_url: &str, max_connections: u32) -> Result<TeamStore> {
        let (url, schema) = split_schema(app_url)?;
        let pool = pool(&url, schema, max_connections).await?;
        let (user, superuser, bypass): (String, bool, bool) = sqlx::query_as(
            "SELECT rolname::TEXT, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user",
        )
        .fetch_one(&pool)
        .await?;
        if superuser || bypass {
            return Err(Error::invalid(
                "db",
                format!(
                    "the server must not connect as {user:?}: it is a superuser or bypasses row-level \
                     security; connect as the role `migrate` granted (for example mm_app)"
                ),
            ));
        }
        let owned: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner \
             WHERE r.rolname = current_user \
             AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())",
        )
        .fetch_one(&pool)
        .await?;
        if owned > 0 {
            return Err(Error::invalid(
                "db",
                format!(
                    "the server must not connect as {user:?}: it owns {owned} tables or indexes here, \
                     so row-level security would rest on the application alone; run the migration as \
                     the owner and connect as the role it granted"
                ),
            ));
        }
        let ready: bool = sqlx::query_scalar("SELECT to_regclass('people') IS NOT NULL")
            .fetch_one(&pool)
            .await?;
        if !ready {
            return Err(Error::invalid(
                "db",
                "the team tables are missing here: migrate the database first",
            ));
        }
        // A release's server on an older schema would fail request by
        // request (a function or a column missing): refuse at the start.
        let applied: std::result::Result<Vec<i64>, sqlx::Error> =
            sqlx::query_scalar("SELECT version FROM mm_team_migrations")
                .fetch_all(&pool)
                .await;
        let missing: Vec<String> = match &applied {
            Ok(applied) => MIGRATIONS
                .iter()
                .filter(|m| !applied.contains(&m.version))
                .map(|m| format!("{} ({})", m.version, m.description))
                .collect(),
            Err(_) => vec!["the list of applied migrations, which this role cannot read".into()],
        };
        if !missing.is_empty() {
            return Err(Error::invalid(
                "db",
                format!(
                    "the team tables here are older than this release (missing {}): run `mm team \
                     migrate` with this release as the database's owner, then start the servers",
                    missing.join(", ")
                ),
            ));
        }
        Ok(TeamStore {
            pool,
            shown_url: mm_store::hide_password(&url),
            session_ttl: DEFAULT_SESSION_TTL,
            master: None,
            previous: None,
        })
    }

    /// The same store with browser sign-ins lasting `ttl`.
    pub fn with_session_ttl(mut self, ttl: Duration) -> Self {
        self.session_ttl = ttl;
        self
    }

    /// The database location, with any password hidden.
    pub fn location(&self) -> &str {
        &self.shown_url
    }

    /// Whether the database answers (for a load balancer's health check).
    ///
    /// # Errors
    /// [`Kind::Unavailable`] when it does not.
    pub async fn ping(&self) -> Result<()> {
        self.pool.execute("SELECT 1").await?;
        Ok(())
    }

    /// Close the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// A transaction acting in organisation `org`: row-level security shows
    /// and accepts only its rows until it ends.
    async fn scope(&self, org: OrgId) -> Result<Transaction<'static, Postgres>> {
        // One round trip: BEGIN and the setting go as one simple query (the
        // id is an integer formatted here, never text from outside).
        Ok(self
            .pool
            .begin_with(format!("BEGIN; SELECT set_config('mm.org', '{org}', true)"))
            .await?)
    }

    /// A transaction in no organisation: only the SECURITY DEFINER lookups
    /// see anything.
    async fn unscoped(&self) -> Result<Transaction<'static, Postgres>> {
        Ok(self.pool.begin().await?)
    }
}

/// The organisation `slug` names, looked up before any organisation is
/// entered (a sign-in page, a published document): a SECURITY DEFINER
/// lookup, the one way an unscoped transaction finds it.
pub(crate) async fn org_by_slug(
    tx: &mut Transaction<'static, Postgres>,
    slug: &str,
) -> Result<Option<OrgId>> {
    Ok(sqlx::query_scalar("SELECT mm_org_by_slug($1)")
        .bind(slug)
        .fetch_one(&mut **tx)
        .await?)
}

/// Name the organisation a transaction acts in, from here to its end (an
/// unscoped transaction enters one once a lookup has found it).
pub(crate) async fn enter(tx: &mut Transaction<'static, Postgres>, org: OrgId) -> Result<()> {
    sqlx::query("SELECT set_config('mm.org', $1, true)")
        .bind(org.to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn pool(url: &str, schema: Option<String>, max: u32) -> Result<PgPool> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| Error::invalid("db", format!("not a PostgreSQL URL: {e}")))?;
    PgPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(5))
        .after_connect(move |conn, _| {
            let schema = schema.clone();
            Box::pin(async move {
                if let Some(schema) = schema {
                    conn.execute(&*format!("SET search_path TO \"{schema}\""))
                        .await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .map_err(|e| {
            Error::new(
                Kind::Unavailable,
                format!(
                    "cannot reach the team database at {}: {}",
                    mm_store::hide_password(url),
                    error::describe(&e)
                ),
            )
        })
}

async fn create_schema(pool: &PgPool, schema: &str) -> Result<()> {
    match pool
        .execute(&*format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""))
        .await
    {
        Ok(_) => Ok(()),
        // Two first uses at once can both pass IF NOT EXISTS.
        Err(sqlx::Error::Database(d)) if matches!(d.code().as_deref(), Some("23505" | "42P06")) => {
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

fn plain_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 63
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

/// Take a `schema=` parameter out of a PostgreSQL URL (as the journal's
/// store reads it), checked to be a plain name.
fn split_schema(url: &str) -> Result<(String, Option<String>)> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(Error::invalid(
            "db",
            "the team server runs on PostgreSQL: give a postgres:// URL",
        ));
    }
    let (url, schema) = mm_store::split_schema_param(url);
    if let Some(s) = &schema
        && !plain_name(s)
    {
        return Err(Error::invalid(
            "db",
            format!("{s:?} is not a plain schema name"),
        ));
    }
    Ok((url, schema))
}

/// `url` with its user (and any password) replaced by `user`: the server
/// role's URL from the owner's.
pub fn with_user(url: &str, user: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let host = rest.split_once('@').map_or(rest, |(_, h)| h);
    format!("{scheme}://{user}@{host}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_parameter_is_taken_out_of_the_url() {
        let (url, schema) = split_schema("postgres://u@h/db?schema=t1&sslmode=disable").unwrap();
        assert_eq!(url, "postgres://u@h/db?sslmode=disable");
        assert_eq!(schema.as_deref(), Some("t1"));
        assert!(split_schema("postgres://u@h/db?schema=a;drop").is_err());
        assert!(split_schema("sqlite://x.db").is_err());
    }

    #[test]
    fn passwords_are_hidden_in_messages() {
        assert_eq!(
            mm_store::hide_password("postgres://mm:s3cret@db:5432/x"),
            "postgres://mm:***@db:5432/x"
        );
        assert_eq!(
            mm_store::hide_password("postgres://mm@db/x"),
            "postgres://mm@db/x"
        );
    }

    #[test]
    fn role_names_parse_and_others_are_refused() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
        }
        let e = Role::parse("owner").unwrap_err();
        assert_eq!(e.kind(), Kind::Invalid);
        assert_eq!(e.field(), Some("roles"));
    }
}
