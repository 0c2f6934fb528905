//! Security that holds even on localhost, as one middleware ([`guard`]) in
//! front of every route:
//!
//! 1. **Host**: a request whose `Host` is not the bound `host:port` (or
//!    `localhost:port` on a loopback bind) is refused with 421, so a web page
//!    whose DNS name is rebound to 127.0.0.1 cannot read the journal.
//! 2. **Launch token → session**: `mm serve` prints a URL with a random
//!    `?token=`; opening it sets a session cookie (`HttpOnly`,
//!    `SameSite=Strict`, `Path=/`) and redirects to the same page without the
//!    token. From then on the cookie alone is needed. Without a session every
//!    route except the public ones (the verify page, its API, the assets and
//!    the OpenAPI document) answers 401.
//! 3. **CSRF**: every state-changing request (not GET/HEAD) of a session must
//!    carry the session's CSRF token, in `X-CSRF-Token` (the API) or a `csrf`
//!    form field (urlencoded forms; a multipart form puts it in the query),
//!    and its `Origin`, when sent, must be this server's.
//! 4. **Headers** on every response: a Content-Security-Policy without inline
//!    script or style (`default-src 'self'`, `frame-ancestors 'none'`),
//!    `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin`
//!    (no address, so no token, ever leaves for another site; `no-referrer`
//!    would make browsers send `Origin: null` with every form post, which the
//!    Origin check then refuses).
//!
//! Sessions live in memory for the single-user mode: a restart signs the
//! browser out (open the new URL). The team server will keep them in the
//! database.

use crate::AppState;
use crate::error::HttpError;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore as _;
use std::collections::HashMap;
use std::sync::Mutex;

/// The session cookie's name.
pub const COOKIE: &str = "mm_session";
/// The header the API sends the CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The form field pages send the CSRF token in.
pub const CSRF_FIELD: &str = "csrf";

/// The policy every response carries: nothing inline, nothing from elsewhere.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                       form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// A signed-in browser (or API client): what a handler may need of it.
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    /// The token its state-changing requests must carry.
    pub csrf: String,
    /// Whether the team server signed it in (its pages link back to the
    /// team page, and the journal lives on the server).
    pub team: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Session { csrf: <hidden> }")
    }
}

/// The launch token and the open sessions (in memory, single user).
pub struct Sessions {
    launch_token: String,
    by_id: Mutex<HashMap<String, Session>>,
}

impl std::fmt::Debug for Sessions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sessions")
            .field("launch_token", &"<hidden>")
            .field("open", &self.by_id.lock().map(|m| m.len()).unwrap_or(0))
            .finish()
    }
}

impl Default for Sessions {
    fn default() -> Self {
        Self::new()
    }
}

impl Sessions {
    /// No sessions yet, and a fresh launch token.
    pub fn new() -> Self {
        Sessions {
            launch_token: random_token(),
            by_id: Mutex::new(HashMap::new()),
        }
    }

    /// The secret in the printed URL.
    pub fn launch_token(&self) -> &str {
        &self.launch_token
    }

    /// Whether `token` is the launch token (compared in constant time).
    pub fn is_launch_token(&self, token: &str) -> bool {
        constant_time_eq(token.as_bytes(), self.launch_token.as_bytes())
    }

    /// Open a session: its cookie value and the session.
    pub fn open(&self) -> (String, Session) {
        let id = random_token();
        let session = Session {
            team: false,
            csrf: random_token(),
        };
        self.lock().insert(id.clone(), session.clone());
        (id, session)
    }

    /// The session a cookie value names.
    pub fn get(&self, id: &str) -> Option<Session> {
        self.lock().get(id).cloned()
    }

    /// End a session.
    pub fn close(&self, id: &str) {
        self.lock().remove(id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        // A panic while holding the lock cannot leave the map half-written
        // (single inserts and removes), so a poisoned lock is still usable.
        self.by_id.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// 32 random bytes from the OS, as hex.
fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Routes anyone may use without a session: the public verify page and its
/// API, the embedded assets, the OpenAPI document.
pub fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/verify" | "/api/v1/verify" | "/api/v1/openapi.json" | "/favicon.ico"
    ) || path.starts_with("/assets/")
}

/// Whether a path belongs to the API (errors as JSON) or the pages (HTML).
pub fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// The session cookie's value in a request, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    cookie_value(headers, COOKIE)
}

/// The value of the cookie `name` in a request, if any.
pub(crate) fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The hosts this server answers to.
fn host_allowed(state: &AppState, host: &str) -> bool {
    let addr = state.addr();
    if host == addr.to_string() {
        return true;
    }
    addr.ip().is_loopback() && host == format!("localhost:{}", addr.port())
}

/// The origins a state-changing request may come from.
fn origin_allowed(state: &AppState, origin: &str) -> bool {
    origin
        .strip_prefix("http://")
        .is_some_and(|host| host_allowed(state, host))
}

/// The query without `token=…` (for the redirect after the exchange).
fn without_token(uri: &Uri) -> String {
    let rest: Vec<&str> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("token="))
        .collect();
    if rest.is_empty() {
        uri.path().to_owned()
    } else {
        format!("{}?{}", uri.path(), rest.join("&"))
    }
}

pub(crate) fn query_value<'a>(uri: &'a Uri, key: &str) -> Option<&'a str> {
    uri.query()?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v)
}

/// An error as the path's kind of client reads it: JSON for the API, a page
/// for the pages.
pub(crate) fn fail(path: &str, e: HttpError) -> Response {
    if is_api(path) {
        crate::error::ApiError(e).into_response()
    } else {
        crate::error::PageError(e).into_response()
    }
}

/// The middleware in front of every route (see the module's overview).
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let res = match check(&state, req).await {
        Ok(req) => next.run(req).await,
        Err(res) => res,
    };
    finish(&path, res).await
}

/// What every response gets on its way out, from either guard: the house
/// shape for framework errors, and the security headers.
pub(crate) async fn finish(path: &str, res: Response) -> Response {
    let res = crate::error::uniform(path, res).await;
    secure_headers(res, path)
}

async fn check(state: &AppState, mut req: Request) -> Result<Request, Response> {
    let path = req.uri().path().to_owned();
    if let Some(d) = state.delegation() {
        // The team server's guard signed this request in (cookie or token,
        // Origin, CSRF); keep the CSRF check for a browser session anyway.
        let safe = matches!(*req.method(), Method::GET | Method::HEAD);
        if !safe && d.csrf_required {
            req = check_csrf(&path, &d.session.csrf, crate::JSON_LIMIT, req).await?;
        }
        req.extensions_mut().insert(d.session.clone());
        return Ok(req);
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    if !host_allowed(state, host) {
        return Err(fail(
            &path,
            HttpError::new(
                StatusCode::MISDIRECTED_REQUEST,
                format!(
                    "this server answers only to {}; the Host {host:?} is refused (DNS rebinding protection)",
                    state.addr()
                ),
            ),
        ));
    }
    let safe = matches!(*req.method(), Method::GET | Method::HEAD);

    // The launch token, exchanged for a session cookie.
    if let Some(token) = query_value(req.uri(), "token") {
        if !safe {
            return Err(fail(
                &path,
                HttpError::new(
                    StatusCode::BAD_REQUEST,
                    "the launch token works only on a page",
                ),
            ));
        }
        if !state.sessions().is_launch_token(token) {
            return Err(fail(
                &path,
                HttpError::new(
                    StatusCode::UNAUTHORIZED,
                    "this link's token is not this server's: open the URL that `mm serve` printed",
                ),
            ));
        }
        let (id, _) = state.sessions().open();
        let cookie = format!("{COOKIE}={id}; HttpOnly; SameSite=Strict; Path=/");
        let mut res = (StatusCode::SEE_OTHER, "").into_response();
        let h = res.headers_mut();
        h.insert(
            header::LOCATION,
            HeaderValue::from_str(&without_token(req.uri()))
                .unwrap_or(HeaderValue::from_static("/")),
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            h.insert(header::SET_COOKIE, v);
        }
        return Err(res);
    }

    let cookie = session_cookie(req.headers()).map(str::to_owned);
    let session = cookie.as_deref().and_then(|id| state.sessions().get(id));
    if !safe
        && let Some(origin) = req.headers().get(header::ORIGIN)
        && !origin.to_str().is_ok_and(|o| origin_allowed(state, o))
    {
        return Err(fail(
            &path,
            HttpError::new(
                StatusCode::FORBIDDEN,
                "this request comes from another site (its Origin is not this server)",
            ),
        ));
    }
    if is_public(&path) {
        if let Some(s) = session {
            req.extensions_mut().insert(s);
        }
        return Ok(req);
    }
    let Some(session) = session else {
        return Err(fail(
            &path,
            HttpError::new(
                StatusCode::UNAUTHORIZED,
                "not signed in: open the URL with the token that `mm serve` printed",
            ),
        ));
    };
    if !safe {
        req = check_csrf(&path, &session.csrf, crate::JSON_LIMIT, req).await?;
    }
    if let Some(id) = cookie {
        req.extensions_mut().insert(SessionId(id));
    }
    req.extensions_mut().insert(session);
    Ok(req)
}

/// The cookie value of the request's session (for signing out).
#[derive(Clone)]
pub struct SessionId(pub String);

impl std::fmt::Debug for SessionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionId(<hidden>)")
    }
}

/// The CSRF token must come in the header, the `csrf` field of an
/// urlencoded form (read up to `limit` bytes), or the query (multipart forms).
pub(crate) async fn check_csrf(
    path: &str,
    csrf: &str,
    limit: usize,
    req: Request,
) -> Result<Request, Response> {
    let matches = |t: &str| constant_time_eq(t.as_bytes(), csrf.as_bytes());
    let header_token = req
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let missing = || {
        fail(
            path,
            HttpError::new(
                StatusCode::FORBIDDEN,
                "missing or wrong CSRF token: reload the page and try again",
            ),
        )
    };
    if let Some(t) = header_token {
        return if matches(&t) { Ok(req) } else { Err(missing()) };
    }
    if query_value(req.uri(), CSRF_FIELD).is_some_and(matches) {
        return Ok(req);
    }
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(missing());
    }
    let (parts, body) = req.into_parts();
    let bytes = to_bytes(body, limit).await.map_err(|_| {
        let size = if limit.is_multiple_of(1024 * 1024) {
            format!("{} MB", limit / (1024 * 1024))
        } else {
            format!("{} KB", limit / 1024)
        };
        fail(
            path,
            HttpError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("the form is larger than {size}"),
            ),
        )
    })?;
    let form_token = form_urlencoded_value(&bytes, CSRF_FIELD);
    if form_token.as_deref().is_some_and(matches) {
        Ok(Request::from_parts(parts, Body::from(bytes)))
    } else {
        Err(missing())
    }
}

/// One field of an urlencoded body (tokens are hex, so no decoding is needed
/// for a match; anything else simply does not match).
pub(crate) fn form_urlencoded_value(body: &[u8], key: &str) -> Option<String> {
    std::str::from_utf8(body)
        .ok()?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.to_owned())
}

pub(crate) fn secure_headers(mut res: Response, path: &str) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !path.starts_with("/assets/") {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_leaves_the_redirect() {
        let uri: Uri = "/?token=abc&x=1".parse().unwrap();
        assert_eq!(without_token(&uri), "/?x=1");
        let uri: Uri = "/verify?token=abc".parse().unwrap();
        assert_eq!(without_token(&uri), "/verify");
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; mm_session=xyz; b=2"),
        );
        assert_eq!(session_cookie(&h), Some("xyz"));
    }

    #[test]
    fn tokens_are_long_and_distinct() {
        let s = Sessions::new();
        let (a, _) = s.open();
        let (b, _) = s.open();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert!(s.is_launch_token(s.launch_token()));
        assert!(!s.is_launch_token("nope"));
    }
}
