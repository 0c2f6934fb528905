//! Micromastery's web face: pages rendered on the server and a JSON API under
//! `/api/v1`, over the same journal as the CLI. `mm serve` calls [`serve`];
//! tests call [`router`] and drive it in process.
//!
//! * Every handler builds an [`mm_app::App`] for its request (the store plus
//!   the person, resolved once) and calls one `mm-app` function; the pages and
//!   the API render what comes back, and hold no application logic.
//! * Security is on even on localhost ([`security`]): the `Host` must be the
//!   bound address (no DNS rebinding), a secret launch token is exchanged for
//!   a session cookie, every state-changing request carries a CSRF token and a
//!   same-origin `Origin`, and every response has a strict
//!   Content-Security-Policy.
//! * Every asset is embedded in the binary ([`assets`]): it works offline.
//! * Errors become a JSON body (API) or an HTML page (pages) with the status of
//!   their [`mm_app::ErrorKind`]; 5xx details go to the log, never the client.
//!
//! One module per page area (`pages::dashboard`, `pages::verify`, …) and one
//! per API area keep later pages (discover, goal, timer, review, market,
//! badges, export) slotting in beside them.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let store = mm_store::Store::open("mm.db").await.expect("journal");
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let state = mm_server::AppState::new(store, mm_app::Clock::System, listener.local_addr()?);
//! println!("open {}", state.launch_url());
//! mm_server::serve(listener, state, async { let _ = tokio::signal::ctrl_c().await; }).await
//! # }
//! ```

pub mod api;
pub mod assets;
pub mod error;
pub mod pages;
pub mod security;
pub mod team;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use mm_app::keys::{FileKeyStore, KeyStore};
use mm_app::memo::Memo;
use mm_app::{App, Clock};
use mm_store::Store;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

pub use error::{ApiError, PageError};
pub use security::Sessions;

/// The largest JSON (or form) body a request may carry.
pub const JSON_LIMIT: usize = 1024 * 1024;
/// The largest upload (a badge image, later a postings file or evidence).
pub const UPLOAD_LIMIT: usize = 10 * 1024 * 1024;

/// What every handler shares: the open journal, the clock, the bound address
/// and the sessions. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    store: Store,
    clock: Clock,
    addr: SocketAddr,
    sessions: Sessions,
    keys: Option<Keys>,
    /// What requests may reuse between them, at one journal revision.
    memo: Arc<Memo>,
    /// Team mode: the team server signed this request in already.
    delegated: Option<Delegated>,
}

/// Where the badge routes find the issuer: the person's own key store
/// (`mm serve`: files beside the journal), or in team mode their
/// organisation's (its database, the secrets sealed with the server's master
/// key). Both are the same [`KeyStore`] to the badge workflows.
#[derive(Debug, Clone)]
pub enum Keys {
    /// The issuer in a directory (`mm badge`'s).
    File(FileKeyStore),
    /// The organisation's issuer on the team server, for one member.
    Org(mm_team::OrgKeys),
}

impl KeyStore for Keys {
    async fn issuer(&self) -> mm_app::Result<mm_credentials::issuer::Issuer> {
        match self {
            Keys::File(k) => k.issuer().await,
            Keys::Org(k) => k.issuer().await,
        }
    }

    async fn record(&self) -> mm_app::Result<mm_credentials::issuer::IssuerRecord> {
        match self {
            Keys::File(k) => k.record().await,
            Keys::Org(k) => k.record().await,
        }
    }

    async fn create_issuer(
        &self,
        name: &str,
        url: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> mm_app::Result<mm_credentials::issuer::Issuer> {
        match self {
            Keys::File(k) => k.create_issuer(name, url, now).await,
            Keys::Org(k) => k.create_issuer(name, url, now).await,
        }
    }

    async fn rotate_keys(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> mm_app::Result<mm_credentials::issuer::Issuer> {
        match self {
            Keys::File(k) => k.rotate_keys(now).await,
            Keys::Org(k) => k.rotate_keys(now).await,
        }
    }

    async fn revocations(
        &self,
        issuer: &mm_credentials::issuer::IssuerRecord,
    ) -> mm_app::Result<mm_credentials::status::RevocationList> {
        match self {
            Keys::File(k) => k.revocations(issuer).await,
            Keys::Org(k) => k.revocations(issuer).await,
        }
    }

    async fn save_revocations(
        &self,
        list: &mm_credentials::status::RevocationList,
    ) -> mm_app::Result<()> {
        match self {
            Keys::File(k) => k.save_revocations(list).await,
            Keys::Org(k) => k.save_revocations(list).await,
        }
    }

    async fn record_issued(
        &self,
        issued: &mm_app::keys::IssuedCredential<'_>,
    ) -> mm_app::Result<()> {
        match self {
            Keys::File(k) => k.record_issued(issued).await,
            Keys::Org(k) => k.record_issued(issued).await,
        }
    }
}

/// A request the team server has already signed in (its own guard checked
/// the cookie or token, the Origin and the CSRF token): the web app's guard
/// takes its session as given and answers to any `Host`.
#[derive(Debug, Clone)]
pub struct Delegated {
    /// The session handlers see (its CSRF token is the team session's).
    pub session: security::Session,
    /// Whether state-changing requests must carry the CSRF token (a
    /// browser's cookie session: yes; an API token: no).
    pub csrf_required: bool,
    /// The person's goals whose applications count only once an approver
    /// accepted them, and those accepted.
    pub approvals: mm_app::approvals::Approvals,
}

impl AppState {
    /// State for a server bound at `addr`, with a fresh launch token and no
    /// badge issuer (the badge pages say so).
    pub fn new(store: Store, clock: Clock, addr: SocketAddr) -> Self {
        Self::with_keys(store, clock, addr, None)
    }

    /// As [`AppState::new`], with the badge issuer's key store (`mm serve`
    /// passes the one `mm badge` uses).
    pub fn with_keys(
        store: Store,
        clock: Clock,
        addr: SocketAddr,
        keys: Option<FileKeyStore>,
    ) -> Self {
        Self::build(store, clock, addr, keys.map(Keys::File), None)
    }

    /// State for one request of one person of the team server: their own
    /// journal (a store scoped to them), already signed in, and their
    /// organisation's badge issuer.
    pub fn delegated(
        store: Store,
        clock: Clock,
        addr: SocketAddr,
        delegated: Delegated,
        keys: Option<Keys>,
    ) -> Self {
        Self::build(store, clock, addr, keys, Some(delegated))
    }

    fn build(
        store: Store,
        clock: Clock,
        addr: SocketAddr,
        keys: Option<Keys>,
        delegated: Option<Delegated>,
    ) -> Self {
        AppState {
            inner: Arc::new(Inner {
                store,
                clock,
                addr,
                sessions: Sessions::new(),
                keys,
                memo: Arc::new(Memo::new()),
                delegated,
            }),
        }
    }

    /// The team server's sign-in of this request, in team mode.
    pub fn delegation(&self) -> Option<&Delegated> {
        self.inner.delegated.as_ref()
    }

    /// The badge issuer's key store.
    ///
    /// # Errors
    /// 503 when the server was started without one.
    pub fn keys(&self) -> Result<&Keys, error::HttpError> {
        self.inner.keys.as_ref().ok_or_else(|| {
            error::HttpError::new(
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                "this server was started without a badge issuer's key store",
            )
        })
    }

    /// The journal.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The address the server is bound to (the only `Host` it answers).
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// The sessions and the launch token.
    pub fn sessions(&self) -> &Sessions {
        &self.inner.sessions
    }

    /// The URL to open: the bound address with the launch token.
    pub fn launch_url(&self) -> String {
        format!(
            "http://{}/?token={}",
            self.inner.addr,
            self.inner.sessions.launch_token()
        )
    }

    /// The server's clock (its speed is what a page's ticking clock follows).
    pub fn clock(&self) -> Clock {
        self.inner.clock
    }

    /// Now, by the server's clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.inner.clock.read().0
    }

    /// The application for one request: the store and the person, resolved
    /// now, with the server's memo (views kept at the journal's revision, so
    /// a change made by anyone, even the CLI on the same file, shows at once).
    ///
    /// # Errors
    /// When the person's settings cannot be read.
    pub async fn app(&self) -> mm_app::Result<App> {
        let app = App::with_memo(
            self.inner.store.clone(),
            self.inner.clock,
            Arc::clone(&self.inner.memo),
        )
        .await?;
        Ok(match &self.inner.delegated {
            Some(d) => app.with_approvals(d.approvals.clone()),
            None => app,
        })
    }
}

/// The whole web app: pages, assets and `/api/v1`, behind the security layers.
pub fn router(state: AppState) -> Router {
    routes()
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::guard,
        ))
        .with_state(state)
}

/// The web app's routes, before the security layer and the state (the team
/// server builds them once and serves each person's request with their own
/// state).
pub fn routes() -> Router<AppState> {
    let uploads = Router::new()
        .merge(pages::verify::routes())
        .merge(api::verify_routes())
        .merge(pages::goal::upload_routes())
        .merge(api::goals::upload_routes())
        .merge(pages::upload_routes())
        .merge(api::upload_routes())
        .layer(DefaultBodyLimit::max(UPLOAD_LIMIT));
    Router::new()
        .merge(pages::routes())
        .merge(api::routes())
        .layer(DefaultBodyLimit::max(JSON_LIMIT))
        .merge(uploads)
        .merge(assets::routes())
        .fallback(error::not_found)
}

/// Serve the app on `listener` until `shutdown` resolves, then finish the
/// requests in flight.
///
/// # Errors
/// When accepting connections fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}
