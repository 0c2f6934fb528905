//! Team mode (`mm serve --team`): one server for many people of many
//! organisations, on PostgreSQL, holding no state of its own. Sign-ins,
//! tokens and invitations live in the database ([`mm_team::TeamStore`]), so
//! any number of instances behind one load balancer serve the same people:
//! a cookie set by one instance works on every other.
//!
//! Every request passes [`guard`]:
//! 1. **Who**: `Authorization: Bearer mmt_…` (an API token) or the
//!    `mm_team` cookie (a browser sign-in) names the [`Actor`]; the routes
//!    that need no sign-in are the sign-in itself, the invitation link, the
//!    health check, the OpenAPI document, the assets, and what each
//!    organisation's badge issuer publishes (`/orgs/{slug}/did.json`, …).
//! 2. **CSRF**: a browser's state-changing request carries its session's
//!    CSRF token (`X-CSRF-Token`, or a `csrf` form field) and, when the
//!    browser sends an `Origin`, one of this server's origins (`--public-url`,
//!    else the request's own `Host`). Bearer requests carry no cookie, so no
//!    CSRF token.
//! 3. **Headers**: the same strict Content-Security-Policy as the solo app.
//!
//! Each handler then calls one [`mm_team::TeamStore`] operation with the
//! actor; the store scopes its transaction to the actor's organisation and
//! PostgreSQL's row-level security enforces it underneath.

pub mod api;
mod approval_pages;
pub mod approvals;
mod coach_pages;
pub mod coaching;
pub mod issuer;
pub mod pages;
mod programme_pages;
pub mod programmes;
pub mod sso;

use crate::error::{ApiError, HttpError};
use crate::security::{check_csrf, cookie_value, fail, finish};
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use mm_team::{Actor, TeamStore, Via};
use std::future::Future;
use std::sync::Arc;

/// The team session cookie's name.
pub const COOKIE: &str = "mm_team";
/// The cookie that remembers which organisation a browser last signed in
/// at (its slug, nothing secret): a signed-out page sends it back there.
pub const ORG_COOKIE: &str = "mm_team_org";
/// The largest body a team request may carry.
pub const BODY_LIMIT: usize = 64 * 1024;

/// What every team handler shares. Cheap to clone; no per-instance state
/// that another instance would need.
#[derive(Debug, Clone)]
pub struct TeamState {
    inner: Arc<Inner>,
}

struct Inner {
    team: TeamStore,
    /// Team mode's journals: every person's, in the same database; each
    /// request gets a store scoped to its person.
    journal: Option<Journals>,
    /// The origins browsers reach this server at (`https://learn.example.org`);
    /// empty: the request's own `Host`.
    origins: Vec<String>,
    /// Whether cookies carry `Secure` (an https public URL).
    secure: bool,
    /// Goal summaries this instance computed, for the coach views.
    summaries: SummaryCache,
}

/// Goal summaries an instance computed, each valid at one journal
/// revision on one day of the person's: derived from the database, checked
/// against it at every use, so instances still hold nothing another would
/// need. Bounded: emptied when it grows past [`SummaryCache::MAX`] people.
#[derive(Debug, Default)]
pub(crate) struct SummaryCache {
    entries: std::sync::Mutex<
        std::collections::HashMap<(mm_team::OrgId, mm_team::PersonId), CachedSummaries>,
    >,
}

/// One person's summaries and what they are valid for.
#[derive(Debug, Clone)]
pub(crate) struct CachedSummaries {
    pub(crate) revision: i64,
    pub(crate) zone: mm_app::person::Zone,
    pub(crate) today: chrono::NaiveDate,
    pub(crate) ids: Vec<mm_core::GoalId>,
    pub(crate) goals: Vec<mm_app::coaching::GoalSummary>,
}

impl SummaryCache {
    /// People kept at most.
    const MAX: usize = 100_000;

    /// The summaries of `ids`, if kept for this `revision` and still today.
    pub(crate) fn get(
        &self,
        org: mm_team::OrgId,
        person: mm_team::PersonId,
        revision: i64,
        ids: &[mm_core::GoalId],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<(chrono::NaiveDate, Vec<mm_app::coaching::GoalSummary>)> {
        let entries = self.entries.lock().ok()?;
        let c = entries.get(&(org, person))?;
        (c.revision == revision && c.ids == ids && c.zone.local(now).date() == c.today)
            .then(|| (c.today, c.goals.clone()))
    }

    pub(crate) fn put(&self, key: (mm_team::OrgId, mm_team::PersonId), value: CachedSummaries) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= Self::MAX {
                entries.clear();
            }
            entries.insert(key, value);
        }
    }
}

/// The people's journals behind the team server, and the web app that
/// serves each person theirs.
pub(crate) struct Journals {
    store: mm_store::Store,
    clock: mm_app::Clock,
    /// The web app's routes, built once (each request adds its own state).
    routes: Router<crate::AppState>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TeamState")
            .field("team", &self.team)
            .field(
                "journals",
                &self.journal.as_ref().map(|j| j.store.location()),
            )
            .field("origins", &self.origins)
            .finish()
    }
}

impl TeamState {
    /// As [`TeamState::new`], with every person's journal in `journals` (a
    /// store on the same database as the server's role): signed-in people
    /// practise, apply and reflect in the web app, each in their own journal.
    pub fn with_journals(
        team: TeamStore,
        journals: mm_store::Store,
        clock: mm_app::Clock,
        public_urls: &[String],
    ) -> Self {
        let mut state = Self::new(team, public_urls);
        if let Some(inner) = Arc::get_mut(&mut state.inner) {
            inner.journal = Some(Journals {
                store: journals,
                clock,
                routes: crate::routes(),
            });
        }
        state
    }

    /// State over `team`, reached by browsers at `public_urls` (none: the
    /// request's `Host`, over http).
    pub fn new(team: TeamStore, public_urls: &[String]) -> Self {
        let origins: Vec<String> = public_urls
            .iter()
            .map(|u| origin_of(u).to_owned())
            .collect();
        let secure = !origins.is_empty() && origins.iter().all(|o| o.starts_with("https://"));
        TeamState {
            inner: Arc::new(Inner {
                team,
                journal: None,
                origins,
                secure,
                summaries: SummaryCache::default(),
            }),
        }
    }

    /// Mark credential `id` revoked with `reason` in `person`'s journal
    /// (an admin revoked it for the organisation); `None` when this server
    /// keeps no journals.
    pub async fn revoke_in_journal(
        &self,
        org: mm_team::OrgId,
        person: mm_team::PersonId,
        id: &str,
        reason: &str,
    ) -> Option<Result<(), mm_app::Error>> {
        let j = self.inner.journal.as_ref()?;
        let now = j.clock.read().0;
        Some(
            async {
                let store = j.store.scoped(org, person)?;
                let c = store.get_credential(id).await?;
                if c.revoked_at.is_none() {
                    store.revoke_credential(id, reason, now).await?;
                }
                Ok::<(), mm_store::Error>(())
            }
            .await
            .map_err(mm_app::Error::from),
        )
    }

    /// Whether this server keeps its people's journals.
    pub fn has_journals(&self) -> bool {
        self.inner.journal.is_some()
    }

    /// The team data.
    pub fn team(&self) -> &TeamStore {
        &self.inner.team
    }

    /// Now, by the journals' clock (the system's without journals).
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.inner
            .journal
            .as_ref()
            .map_or_else(chrono::Utc::now, |j| j.clock.read().0)
    }

    /// The earliest date that is still today somewhere (in UTC−12, the
    /// last time zone): a date deadline has passed only once it has ended
    /// everywhere, so no coach is refused a date that is still today where
    /// they are, whatever zone the server runs in. Each learner's journal
    /// then checks the deadline against the learner's own day.
    pub fn today_anywhere(&self) -> chrono::NaiveDate {
        (self.now() - chrono::Duration::hours(12)).date_naive()
    }

    /// The first https origin browsers reach this server at, if any: where
    /// it publishes what its organisations' badge issuers must publish.
    pub fn https_origin(&self) -> Option<&str> {
        self.inner
            .origins
            .iter()
            .find(|o| o.starts_with("https://"))
            .map(String::as_str)
    }

    /// The base of links this server hands out (invitations), for a request
    /// that came in with `headers`.
    pub fn base_url(&self, headers: &HeaderMap) -> String {
        if let Some(o) = self.inner.origins.first() {
            return o.clone();
        }
        let host = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("localhost");
        format!("http://{host}")
    }

    /// A `Set-Cookie` value: `name=value`, kept from scripts, with `attrs`
    /// (`SameSite`, `Path`, `Max-Age`), and `Secure` when every public URL
    /// is https.
    pub fn set_cookie(&self, name: &str, value: &str, attrs: &str) -> String {
        let secure = if self.inner.secure { "; Secure" } else { "" };
        format!("{name}={value}; HttpOnly; {attrs}{secure}")
    }

    /// The `Set-Cookie` value that signs a browser in with `secret`.
    pub fn cookie(&self, secret: &str) -> String {
        self.set_cookie(COOKIE, secret, "SameSite=Lax; Path=/")
    }

    /// The `Set-Cookie` value that remembers `slug` as the organisation a
    /// browser signs in at (for a year).
    pub fn org_cookie(&self, slug: &str) -> String {
        self.set_cookie(ORG_COOKIE, slug, "SameSite=Lax; Path=/; Max-Age=31536000")
    }

    /// The `Set-Cookie` value that signs a browser out.
    pub fn cleared_cookie(&self) -> String {
        self.set_cookie(COOKIE, "", "SameSite=Lax; Path=/; Max-Age=0")
    }

    fn origin_allowed(&self, origin: &str, headers: &HeaderMap) -> bool {
        if self.inner.origins.is_empty() {
            let host = headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("");
            !host.is_empty()
                && (origin == format!("http://{host}") || origin == format!("https://{host}"))
        } else {
            self.inner.origins.iter().any(|o| o == origin)
        }
    }
}

/// `https://host:port` of a URL (no path).
fn origin_of(url: &str) -> &str {
    let url = url.trim_end_matches('/');
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let end = rest.find('/').map_or(url.len(), |i| scheme.len() + 3 + i);
            &url[..end]
        }
        None => url,
    }
}

/// The whole team server: `/api/v1/team/…`, the pages, the assets, the
/// health check, behind [`guard`].
pub fn router(state: TeamState) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .merge(issuer::published_routes())
        .merge(sso::routes())
        .merge(crate::assets::routes())
        .route("/healthz", axum::routing::get(healthz))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .fallback(journal)
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Serve the team server on `listener` until `shutdown` resolves, then
/// finish the requests in flight.
///
/// # Errors
/// When accepting connections fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: TeamState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Everything that is not the team server's own: the signed-in person's
/// journal, served by the web app over a store scoped to them (row-level
/// security shows it only their rows).
async fn journal(State(state): State<TeamState>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    let Some(j) = &state.inner.journal else {
        return crate::error::not_found(req.uri().clone()).await;
    };
    let Some(actor) = req.extensions().get::<Actor>().cloned() else {
        return fail(
            &path,
            HttpError::new(
                StatusCode::UNAUTHORIZED,
                "not signed in: sign in at your organisation's page (/o/<slug>)",
            ),
        );
    };
    forward(&state, j, &actor, req).await
}

/// Serve `req` from `actor`'s own journal.
pub(crate) async fn forward_to_journal(state: &TeamState, actor: &Actor, req: Request) -> Response {
    match &state.inner.journal {
        Some(j) => forward(state, j, actor, req).await,
        None => crate::error::not_found(req.uri().clone()).await,
    }
}

/// The journal counts only approved applications of the person's goals
/// that need approval (an approved one edited since, by any client of the
/// journal, is made pending again first), and after a change (an
/// application recorded) puts the new ones before the approvers.
async fn forward(state: &TeamState, j: &Journals, actor: &Actor, req: Request) -> Response {
    use tower::ServiceExt as _;
    let path = req.uri().path().to_owned();
    let store = match j.store.scoped(actor.org, actor.person) {
        Ok(s) => s,
        Err(e) => return fail(&path, mm_app::Error::from(e).into()),
    };
    let mut approval_goals = match state.team().approval_goals(actor).await {
        Ok(g) => g,
        Err(e) => return fail(&path, e.into()),
    };
    // An approved application edited since (by any client of the journal)
    // is pending again before this request counts it; unchanged since the
    // last comparison (by the journal's revision), nothing can have been.
    if approval_goals.iter().any(|g| !g.approved.is_empty()) {
        let synced = match approvals::stale(j, state, actor).await {
            Ok(true) => approvals::sync(j, state, actor, &approval_goals)
                .await
                .map(|()| true),
            Ok(false) => Ok(false),
            Err(e) => Err(e),
        };
        match synced {
            Ok(true) => match state.team().approval_goals(actor).await {
                Ok(g) => approval_goals = g,
                Err(e) => return fail(&path, e.into()),
            },
            Ok(false) => {}
            // As after a change: said in the log, taken up by the next sync.
            Err(e) => eprintln!(
                "mm serve: approval requests of person {}: {}",
                actor.person, e.message
            ),
        }
    }
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD);
    // A request reads a dozen things: one read transaction for all of
    // them, not one each. Its writes keep their own transactions, and each
    // read after a write still sees it (read committed: every statement
    // sees what was committed before it).
    let store = store.snapshot();
    let (csrf, csrf_required) = match &actor.via {
        Via::Session { csrf, .. } => (csrf.clone(), true),
        Via::Token { .. } => (String::new(), false),
    };
    let delegated = crate::Delegated {
        session: crate::security::Session { csrf, team: true },
        csrf_required,
        approvals: approvals::policy(&approval_goals),
    };
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let keys = crate::Keys::Org(state.team().org_keys(actor));
    let app_state = crate::AppState::delegated(store, j.clock, addr, delegated, Some(keys));
    let app = j
        .routes
        .clone()
        .layer(middleware::from_fn_with_state(
            app_state.clone(),
            crate::security::guard,
        ))
        .with_state(app_state);
    let res = match app.oneshot(req).await {
        Ok(res) => res,
        Err(never) => match never {},
    };
    if writes
        && (res.status().is_success() || res.status().is_redirection())
        && let Err(e) = approvals::sync(j, state, actor, &approval_goals).await
    {
        // The application is in the journal; the next change or a look at
        // the requests puts it before the approvers.
        eprintln!(
            "mm serve: approval requests of person {}: {}",
            actor.person, e.message
        );
    }
    res
}

/// 200 when the database answers, 503 when not: for a load balancer.
async fn healthz(State(state): State<TeamState>) -> Response {
    match state.team().ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the database does not answer",
        )
            .into_response(),
    }
}

/// Routes anyone may reach without signing in.
pub fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/healthz"
            | "/api/v1/team/sign-in"
            | "/api/v1/team/join"
            | "/api/v1/team/openapi.json"
            | "/join"
            | "/o"
            | "/"
            | "/favicon.ico"
    ) || path.starts_with("/assets/")
        || path.starts_with("/o/")
        // What an organisation's badge issuer publishes, for verifiers.
        || path.starts_with("/orgs/")
}

impl From<mm_team::Error> for HttpError {
    fn from(e: mm_team::Error) -> Self {
        let kind = e.kind();
        let status =
            StatusCode::from_u16(kind.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        HttpError {
            status,
            code: kind.as_str().to_owned(),
            message: e.to_string(),
            field: e.field().map(str::to_owned),
        }
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
}

/// The middleware in front of every team route (see the module's overview).
pub async fn guard(State(state): State<TeamState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let res = match check(&state, req).await {
        Ok(req) => next.run(req).await,
        Err(res) => res,
    };
    finish(&path, res).await
}

async fn check(state: &TeamState, mut req: Request) -> Result<Request, Response> {
    let path = req.uri().path().to_owned();
    let safe = matches!(*req.method(), Method::GET | Method::HEAD);
    if !safe
        && let Some(origin) = req.headers().get(header::ORIGIN)
        && !origin
            .to_str()
            .is_ok_and(|o| state.origin_allowed(o, req.headers()))
    {
        return Err(fail(
            &path,
            HttpError::new(
                StatusCode::FORBIDDEN,
                "this request comes from another site (its Origin is not this server)",
            ),
        ));
    }
    let actor = if let Some(token) = bearer(req.headers()) {
        match state.team().token_actor(token).await {
            Ok(a) => Some(a),
            Err(e) => return Err(fail(&path, e.into())),
        }
    } else if let Some(secret) = cookie_value(req.headers(), COOKIE) {
        match state.team().session_actor(secret).await {
            Ok(a) => Some(a),
            // An ended sign-in on a public page is simply signed out; on
            // a page, the browser is sent to sign in again.
            Err(e)
                if e.kind() == mm_team::Kind::Unauthorized
                    && (is_public(&path) || is_page_visit(&req)) =>
            {
                None
            }
            Err(e) => return Err(fail(&path, e.into())),
        }
    } else {
        None
    };
    match actor {
        Some(actor) => {
            if !safe && let Via::Session { csrf, .. } = &actor.via {
                req = check_csrf(&path, csrf, BODY_LIMIT, req).await?;
            }
            req.extensions_mut().insert(actor);
            Ok(req)
        }
        None if is_public(&path) => Ok(req),
        None if is_page_visit(&req) => Err(to_sign_in(&req)),
        None => Err(fail(
            &path,
            HttpError::new(
                StatusCode::UNAUTHORIZED,
                "not signed in: sign in at your organisation's page (/o/<slug>) or send an API token",
            ),
        )),
    }
}

/// Whether `req` is a browser visiting a page (a `GET` or `HEAD` outside
/// the API): signed out, it is sent to sign in rather than answered 401.
fn is_page_visit(req: &Request) -> bool {
    matches!(*req.method(), Method::GET | Method::HEAD) && !req.uri().path().starts_with("/api/")
}

/// 303 to where a signed-out browser signs in: its organisation's page
/// when it signed in there before, else the page that says how; with
/// `next`, the page it asked for.
fn to_sign_in(req: &Request) -> Response {
    let next = req
        .uri()
        .path_and_query()
        .map_or("/", axum::http::uri::PathAndQuery::as_str);
    let slug = cookie_value(req.headers(), ORG_COOKIE).filter(|s| pages::is_plain_slug(s));
    let to = match slug {
        Some(slug) => format!("/o/{slug}?next={}", pages::encode_component(next)),
        None => format!("/?next={}", pages::encode_component(next)),
    };
    (
        StatusCode::SEE_OTHER,
        [(header::LOCATION, to)],
        "not signed in: sign in to continue",
    )
        .into_response()
}

/// The signed-in person of a request (401 without one: the guard lets only
/// public routes through unsigned, and those do not ask for this).
#[derive(Debug, Clone)]
pub struct Signed(pub Actor);

impl<S: Send + Sync> FromRequestParts<S> for Signed {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Actor>()
            .cloned()
            .map(Signed)
            .ok_or_else(|| HttpError::new(StatusCode::UNAUTHORIZED, "not signed in").into())
    }
}

/// The signed-in person, if any (public routes).
#[derive(Debug, Clone)]
pub struct MaybeSigned(pub Option<Actor>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeSigned {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeSigned(parts.extensions.get::<Actor>().cloned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_come_from_public_urls() {
        assert_eq!(
            origin_of("https://learn.example.org/"),
            "https://learn.example.org"
        );
        assert_eq!(
            origin_of("https://learn.example.org:8443/x/y"),
            "https://learn.example.org:8443"
        );
        assert_eq!(origin_of("http://10.0.0.1:8080"), "http://10.0.0.1:8080");
    }

    #[test]
    fn bearer_and_cookie_are_read() {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, "Bearer mmt_abc".parse().unwrap());
        h.insert(header::COOKIE, "x=1; mm_team=mms_1".parse().unwrap());
        assert_eq!(bearer(&h), Some("mmt_abc"));
        assert_eq!(cookie_value(&h, COOKIE), Some("mms_1"));
    }
}
