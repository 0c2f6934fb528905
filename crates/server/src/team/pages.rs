//! The team server's pages: signing in at an organisation's address
//! (`/o/{slug}`), joining by an invitation link (`/join?token=…`), and the
//! home page (`/`): who you are, the members you may see, cohorts and
//! programmes (their own pages are in `programme_pages`), invitations, and
//! your API tokens. Plain forms (no script); every form that changes
//! something carries the session's CSRF token.

use super::{MaybeSigned, TeamState};
use crate::api::input::Fields;
use crate::error::{HttpError, PageError};
use crate::security::CSRF_FIELD;
use axum::Form;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use maud::{DOCTYPE, Markup, html};
use mm_team::{Actor, Role, Via};

/// The pages' routes.
pub fn routes() -> Router<TeamState> {
    Router::new()
        .route("/", get(root))
        .route("/team", get(home))
        .route("/logout", post(sign_out))
        .route("/o", get(find_org))
        .route("/o/{slug}", get(sign_in_page).post(sign_in))
        .route("/join", get(join_page).post(join))
        .route("/sign-out", post(sign_out))
        .route("/invite", post(invite))
        .route("/tokens", post(create_token))
        .merge(super::programme_pages::routes())
        .merge(super::approval_pages::routes())
        .merge(super::coach_pages::routes())
}

/// The signed-in person of a page's request (a 401 page without one).
#[derive(Debug, Clone)]
pub(super) struct SignedPage(pub Actor);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for SignedPage {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        signed(parts.extensions.get::<Actor>().cloned()).map(SignedPage)
    }
}

fn frame(title: &str, actor: Option<&Actor>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (crate::pages::layout::head(&format!("{title} · Micromastery team")))
            body {
                a class="skip" href="#main" { "Skip to the content" }
                header class="site" {
                    a class="brand" href="/" { "Micromastery team" }
                    @if actor.is_some() {
                        nav aria-label="Main" {
                            ul {
                                li { a href="/" { "My journal" } }
                                li { a href="/team" aria-current="page" { "Team" } }
                                li { a href="/team/approvals" { "Approvals" } }
                                li { a href="/team/shared" { "What coaches see" } }
                            }
                        }
                    }
                    @if let Some(a) = actor {
                        form method="post" action="/sign-out" {
                            (csrf(a))
                            button class="quiet" type="submit" { "Sign out" }
                        }
                    }
                }
                main id="main" { (body) }
                footer class="site" {
                    p { "Your organisation runs this server and keeps your journal on it." }
                }
            }
        }
    }
}

/// Roles as a page lists them: "coach, learner".
fn role_names(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn csrf(actor: &Actor) -> Markup {
    match &actor.via {
        Via::Session { csrf, .. } => html! { input type="hidden" name=(CSRF_FIELD) value=(csrf); },
        Via::Token { .. } => html! {},
    }
}

pub(super) fn page(title: &str, actor: Option<&Actor>, body: Markup) -> Response {
    Html(frame(title, actor, body).into_string()).into_response()
}

fn with_cookie(mut res: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// Whether `raw` reads as an organisation's slug (lowercase letters,
/// digits, hyphens): safe in a path and a cookie.
pub(super) fn is_plain_slug(raw: &str) -> bool {
    !raw.is_empty()
        && raw.len() <= 63
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// `raw` percent-encoded for a query's value (letters, digits, `-._~/`
/// as they are).
pub(super) fn encode_component(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where to go after signing in: `next` when it is a path on this site
/// (`/…`, not `//…` nor `/\…`, which browsers read as another host), else
/// nothing.
pub(super) fn safe_next(next: &str) -> Option<&str> {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && next.len() <= 2000
        && !next.chars().any(char::is_control);
    ok.then_some(next)
}

/// The `next` of a query, if it is safe to go to.
fn next_of(q: &[(String, String)]) -> Option<String> {
    q.iter()
        .find(|(k, _)| k == "next")
        .and_then(|(_, v)| safe_next(v))
        .map(str::to_owned)
}

fn failure(e: &mm_team::Error) -> Markup {
    html! { p class="notice failed" role="alert" { (e.to_string()) } }
}

/// A form that failed, shown again: which form (`invite`, `item-3`, …),
/// what was typed (its forms send no passwords or secrets back), and why.
pub(super) struct Retry {
    pub(super) form: String,
    pub(super) fields: Fields,
    pub(super) error: HttpError,
}

impl Retry {
    /// `form` shown again with what was typed and why `error`, when the
    /// error is about the input (400, 409, 422); any other (the record is
    /// gone, the role may not) is the error page.
    pub(super) fn new(
        form: impl Into<String>,
        fields: Fields,
        error: impl Into<HttpError>,
    ) -> Result<Retry, PageError> {
        let error = error.into();
        match error.status {
            StatusCode::BAD_REQUEST | StatusCode::CONFLICT | StatusCode::UNPROCESSABLE_ENTITY => {
                Ok(Retry {
                    form: form.into(),
                    fields,
                    error,
                })
            }
            _ => Err(PageError(error)),
        }
    }

    /// Whether it is `form` that failed.
    fn is(&self, form: &str) -> bool {
        self.form == form
    }

    /// Whether the error names `field` (`deadline.date` names `deadline`).
    fn names(&self, field: &str) -> bool {
        self.error.field.as_deref().is_some_and(|f| {
            f == field
                || f.strip_prefix(field)
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
        })
    }
}

/// What was typed into `name` of `form`, when that form failed.
pub(super) fn typed<'a>(retry: Option<&'a Retry>, form: &str, name: &str) -> Option<&'a str> {
    retry.filter(|r| r.is(form)).map(|r| r.fields.get(name))
}

/// The values typed into `name` of `form` (checkboxes, a list), when that
/// form failed.
pub(super) fn typed_all(retry: Option<&Retry>, form: &str, name: &str) -> Option<Vec<String>> {
    retry.filter(|r| r.is(form)).map(|r| r.fields.all(name))
}

/// The error of a failed `form` next to its field `name`, when it names it.
pub(super) fn field_error(retry: Option<&Retry>, form: &str, name: &str) -> Markup {
    match retry.filter(|r| r.is(form) && r.names(name)) {
        Some(r) => {
            html! { p class="field-error" role="alert" id=(format!("{form}-{name}-error")) { (r.error.message) } }
        }
        None => html! {},
    }
}

/// The error of a failed `form` that names none of its `fields`: said
/// above the form.
pub(super) fn form_error(retry: Option<&Retry>, form: &str, fields: &[&str]) -> Markup {
    match retry.filter(|r| r.is(form) && !fields.iter().any(|f| r.names(f))) {
        Some(r) => html! { p class="notice failed" role="alert" { (r.error.message) } },
        None => html! {},
    }
}

/// A page showing `retry` answers with its error's status.
pub(super) fn with_status(mut res: Response, retry: Option<&Retry>) -> Response {
    if let Some(r) = retry {
        *res.status_mut() = r.error.status;
    }
    res
}

/// 303 See Other to `to`: after a form that worked, the page that shows
/// what it did (reloading it changes nothing), as the journal's forms do.
pub(super) use crate::pages::forms::see_other;

/// The value of `name` in a query.
pub(super) fn query_value<'a>(q: &'a [(String, String)], name: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// The cookie that carries a secret a form just made to the page it
/// redirects to, once: never in a URL, where history and logs keep it.
const SHOWN_COOKIE: &str = "mm_team_shown";

/// 303 to the team page, carrying `secret` (an invitation's or a token's)
/// in a cookie that page reads once and clears.
fn see_other_showing(state: &TeamState, to: &str, secret: &str) -> Response {
    with_cookie(
        see_other(to),
        &state.set_cookie(
            SHOWN_COOKIE,
            secret,
            "SameSite=Strict; Path=/team; Max-Age=300",
        ),
    )
}

/// The secret a form just made, if the request carries it, and the
/// `Set-Cookie` value that clears it.
fn take_shown(state: &TeamState, headers: &HeaderMap) -> Option<(String, String)> {
    let secret = crate::security::cookie_value(headers, SHOWN_COOKIE)?;
    let plain = secret.len() <= 80
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    let clear = state.set_cookie(SHOWN_COOKIE, "", "SameSite=Strict; Path=/team; Max-Age=0");
    plain.then(|| (secret.to_owned(), clear))
}

/// `/`: a signed-in person's own journal (the web app's dashboard) when the
/// server keeps journals, else the team page; the sign-in hint otherwise.
async fn root(State(state): State<TeamState>, req: axum::extract::Request) -> Response {
    let actor = req.extensions().get::<Actor>().cloned();
    match actor {
        Some(a) if state.has_journals() => super::forward_to_journal(&state, &a, req).await,
        actor => {
            let headers = req.headers().clone();
            let next = Query::<Vec<(String, String)>>::try_from_uri(req.uri())
                .ok()
                .and_then(|Query(q)| next_of(&q));
            let shown = Shown {
                next,
                ..Shown::default()
            };
            render_home(&state, actor, &headers, shown)
                .await
                .unwrap_or_else(IntoResponse::into_response)
        }
    }
}

/// The team page: who you are and what you may manage; after a form, what
/// it did (`?done=…`, and a secret it made, shown once).
async fn home(
    State(state): State<TeamState>,
    MaybeSigned(actor): MaybeSigned,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let done = query_value(&q, "done");
    let taken = take_shown(&state, &headers);
    let mut shown = Shown::default();
    if let Some((secret, _)) = &taken {
        match done {
            Some("invited") if secret.starts_with("mmi_") => {
                shown.invitation = Some(secret.clone())
            }
            Some("token") if secret.starts_with("mmt_") => shown.token = Some(secret.clone()),
            _ => {}
        }
    }
    shown.notice =
        done.and_then(|d| home_notice(d, shown.invitation.is_some() || shown.token.is_some()));
    let res = render_home(&state, actor, &headers, shown).await?;
    Ok(match taken {
        Some((_, clear)) => with_cookie(res, &clear),
        None => res,
    })
}

/// What the team page shows besides itself: a secret a form just made
/// (shown once, carried there by a cookie, never in a URL, where history
/// and logs would keep it), a form of it that failed, a notice.
#[derive(Default)]
struct Shown {
    invitation: Option<String>,
    token: Option<String>,
    /// Signed out: the page to go to after signing in.
    next: Option<String>,
    /// A form of the page that failed, shown again.
    retry: Option<Retry>,
    /// What a form just did, said once at the top.
    notice: Option<&'static str>,
}

/// What the team page says after the form that redirected to it with
/// `?done=…` (a fixed sentence: the query never puts text on the page).
fn home_notice(done: &str, secret_shown: bool) -> Option<&'static str> {
    match done {
        "invited" if secret_shown => Some("Invitation made."),
        "invited" => Some("Invitation made; its link was shown once, when it was made."),
        "token" if secret_shown => Some("Token made."),
        "token" => Some("Token made; it was shown once, when it was made."),
        "programme-deleted" => {
            Some("Programme deleted. The goals it gave stay in the members' journals.")
        }
        "sso-saved" => Some("Single sign-on saved."),
        "sso-removed" => Some("Single sign-on stopped: members sign in with their password."),
        "issuer-created" => Some("The organisation's badge issuer is created."),
        "badge-revoked" => Some("Badge revoked: verifiers see it revoked, with your reason."),
        _ => None,
    }
}

/// The team page again after one of its forms failed (`retry`).
pub(super) async fn home_again(
    state: &TeamState,
    actor: Actor,
    headers: &HeaderMap,
    retry: Retry,
) -> Result<Response, PageError> {
    let shown = Shown {
        retry: Some(retry),
        ..Shown::default()
    };
    render_home(state, Some(actor), headers, shown).await
}

async fn render_home(
    state: &TeamState,
    actor: Option<Actor>,
    headers: &HeaderMap,
    shown: Shown,
) -> Result<Response, PageError> {
    let Some(actor) = actor else {
        return Ok(page(
            "Sign in",
            None,
            html! {
                h1 { "Sign in" }
                @if shown.next.is_some() { p class="notice" role="status" { "Sign in to see that page." } }
                p { "Sign in at your organisation's address: " code { "/o/<your organisation>" } ". Your admin sent it with your invitation." }
                form method="get" action="/o" id="find" {
                    @if let Some(next) = &shown.next { input type="hidden" name="next" value=(next); }
                    label for="slug" { "Organisation" }
                    input id="slug" name="slug" required autocomplete="organization";
                    button type="submit" formaction="/o" { "Continue" }
                }
            },
        ));
    };
    let team = state.team();
    let org = team.organisation(&actor).await.map_err(HttpError::from)?;
    let me = team
        .member(&actor, actor.person)
        .await
        .map_err(HttpError::from)?;
    let members = team.members(&actor).await.map_err(HttpError::from)?;
    let may_invite = actor.has(Role::Admin) || actor.has(Role::Coach);
    let invitations = if may_invite {
        team.invitations(&actor).await.map_err(HttpError::from)?
    } else {
        Vec::new()
    };
    let tokens = team.tokens(&actor).await.map_err(HttpError::from)?;
    let retry = shown.retry.as_ref();
    let programmes = super::programme_pages::home_section(state, &actor, retry).await?;
    let base = state.base_url(headers);
    let (sso, badges) = if actor.has(Role::Admin) {
        let current = team.sso(&actor).await.map_err(HttpError::from)?;
        let badges = team.issued_badges(&actor).await.map_err(HttpError::from)?;
        // None yet: the section offers to create it.
        let issuer = match mm_app::badges::issuer(&team.org_keys(&actor)).await {
            Ok(record) => Some(record),
            Err(e) if e.kind() == mm_app::ErrorKind::NotFound => None,
            Err(e) => return Err(HttpError::from(e).into()),
        };
        (
            Some(super::sso::section(&actor, current.as_ref(), &base, retry)),
            Some(super::issuer::section(
                state,
                &actor,
                &org.slug,
                issuer.as_ref(),
                &badges,
                retry,
            )),
        )
    } else {
        (None, None)
    };
    let res = page(
        &org.name,
        Some(&actor),
        html! {
            h1 { (org.name) }
            @if let Some(n) = shown.notice { p class="notice" role="status" { (n) } }
            p { "Signed in as " strong { (me.name) } " (" (me.email) "), "
                (role_names(&me.roles)) "." }
            section aria-labelledby="members-h" {
                h2 id="members-h" { "Members" }
                table {
                    thead { tr { th scope="col" { "Name" } th scope="col" { "Email" } th scope="col" { "Roles" } th scope="col" { "Joined" } } }
                    tbody {
                        @for m in &members {
                            tr {
                                td { (m.name) }
                                td { (m.email) }
                                td { (role_names(&m.roles)) }
                                td { (m.joined_at.format("%Y-%m-%d")) }
                            }
                        }
                    }
                }
            }
            (programmes)
            @if may_invite {
                section aria-labelledby="invite-h" id="invite" {
                    h2 id="invite-h" { "Invite someone" }
                    @if let Some(link) = &shown.invitation {
                        p class="notice" role="status" { "Send this link (it works once, for 14 days; it is not shown again): " code { (base) "/join?token=" (link) } }
                    }
                    form method="post" action="/invite" {
                        (csrf(&actor))
                        (form_error(retry, "invite", &["email", "roles"]))
                        label for="email" { "Email" }
                        input id="email" name="email" type="email" required value=(typed(retry, "invite", "email").unwrap_or(""));
                        (field_error(retry, "invite", "email"))
                        @let roles = typed_all(retry, "invite", "roles");
                        fieldset {
                            legend { "Roles" }
                            @for r in Role::ALL {
                                @if actor.has(Role::Admin) || r == Role::Learner {
                                    label { input type="checkbox" name="roles" value=(r.as_str()) checked[roles.as_ref().map_or(r == Role::Learner, |t| t.iter().any(|v| v == r.as_str()))]; " " (r.as_str()) }
                                }
                            }
                        }
                        (field_error(retry, "invite", "roles"))
                        button type="submit" { "Invite" }
                    }
                    @if !invitations.is_empty() {
                        table {
                            thead { tr { th scope="col" { "Email" } th scope="col" { "Roles" } th scope="col" { "State" } th scope="col" { "Expires" } } }
                            tbody {
                                @for i in &invitations {
                                    tr {
                                        td { (i.email) }
                                        td { (role_names(&i.roles)) }
                                        td { (i.state.label()) }
                                        td { (i.expires_at.format("%Y-%m-%d")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            @if let Some(badges) = badges { (badges) }
            @if let Some(sso) = sso { (sso) }
            section aria-labelledby="tokens-h" id="tokens" {
                h2 id="tokens-h" { "API tokens" }
                p { "For scripts and the CLI: send one as " code { "Authorization: Bearer …" } "." }
                @if let Some(secret) = &shown.token {
                    p class="notice" role="status" { "Your new token (copy it now; it is not shown again): " code { (secret) } }
                }
                form method="post" action="/tokens" {
                    (csrf(&actor))
                    (form_error(retry, "token", &["name"]))
                    label for="token-name" { "What it is for" }
                    input id="token-name" name="name" required maxlength="100" value=(typed(retry, "token", "name").unwrap_or(""));
                    (field_error(retry, "token", "name"))
                    button type="submit" { "Make a token" }
                }
                @if !tokens.is_empty() {
                    table {
                        thead { tr { th scope="col" { "Name" } th scope="col" { "Starts with" } th scope="col" { "Made" } th scope="col" { "State" } } }
                        tbody {
                            @for t in &tokens {
                                tr {
                                    td { (t.name) }
                                    td { code { (t.prefix) "…" } }
                                    td { (t.created_at.format("%Y-%m-%d")) }
                                    td { @if t.revoked { "revoked" } @else { "active" } }
                                }
                            }
                        }
                    }
                }
            }
        },
    );
    Ok(with_status(res, retry))
}

/// `/o?slug=acme` (the home page's form) → `/o/acme`.
async fn find_org(Query(q): Query<Vec<(String, String)>>) -> Response {
    let slug = q
        .iter()
        .find(|(k, _)| k == "slug")
        .map(|(_, v)| v.trim().to_lowercase())
        .unwrap_or_default();
    let safe: String = slug
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    match next_of(&q) {
        Some(next) => Redirect::to(&format!("/o/{safe}?next={}", encode_component(&next))),
        None => Redirect::to(&format!("/o/{safe}")),
    }
    .into_response()
}

fn sign_in_form(
    slug: &str,
    email: &str,
    error: Option<&mm_team::Error>,
    sso: Option<&str>,
    next: Option<&str>,
) -> Markup {
    html! {
        h1 { "Sign in to " (slug) }
        @if let Some(e) = error { (failure(e)) }
        @else if next.is_some() { p class="notice" role="status" { "Sign in to see that page." } }
        @if let Some(label) = sso {
            @let sso = match next {
                Some(next) => format!("/o/{slug}/sso?next={}", encode_component(next)),
                None => format!("/o/{slug}/sso"),
            };
            p { a class="button" href=(sso) { "Sign in with " (label) } }
            p { "Or with your email and password:" }
        }
        form method="post" action=(format!("/o/{slug}")) {
            @if let Some(next) = next { input type="hidden" name="next" value=(next); }
            label for="email" { "Email" }
            input id="email" name="email" type="email" required autocomplete="username" value=(email);
            label for="password" { "Password" }
            input id="password" name="password" type="password" required autocomplete="current-password";
            button type="submit" { "Sign in" }
        }
    }
}

/// The label of `slug`'s single sign-on, if it has one (none when the
/// database cannot say: the password form still works).
async fn sso_label(state: &TeamState, slug: &str) -> Option<String> {
    state.team().sso_label(slug).await.ok().flatten()
}

async fn sign_in_page(
    State(state): State<TeamState>,
    Path(slug): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    let sso = sso_label(&state, &slug).await;
    let next = next_of(&q);
    page(
        "Sign in",
        None,
        sign_in_form(&slug, "", None, sso.as_deref(), next.as_deref()),
    )
}

async fn sign_in(
    State(state): State<TeamState>,
    Path(slug): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    match state
        .team()
        .sign_in(&slug, f.get("email"), f.get("password"))
        .await
    {
        Ok(s) => {
            let to = safe_next(f.get("next")).unwrap_or("/");
            let res = with_cookie(see_other(to), &state.cookie(&s.secret));
            if is_plain_slug(&slug) {
                with_cookie(res, &state.org_cookie(&slug))
            } else {
                res
            }
        }
        Err(e) => {
            let sso = sso_label(&state, &slug).await;
            let next = safe_next(f.get("next"));
            let mut res = page(
                "Sign in",
                None,
                sign_in_form(&slug, f.get("email"), Some(&e), sso.as_deref(), next),
            );
            *res.status_mut() =
                StatusCode::from_u16(e.kind().http_status()).unwrap_or(StatusCode::UNAUTHORIZED);
            res
        }
    }
}

async fn join_page(
    State(state): State<TeamState>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let token = query_value(&q, "token").unwrap_or_default();
    join_view(&state, token, None).await
}

/// The page of invitation `token`; with `retry`, its form that failed,
/// shown again with the name typed (never the password).
async fn join_view(
    state: &TeamState,
    token: &str,
    retry: Option<&Retry>,
) -> Result<Response, PageError> {
    let view = state
        .team()
        .invitation_by_secret(token)
        .await
        .map_err(HttpError::from)?;
    let res = page(
        "Join",
        None,
        html! {
            h1 { "Join " (view.organisation) }
            p { "You are invited as " (view.email) " with the roles: "
                (role_names(&view.roles)) "." }
            @if view.state == mm_team::InvitationState::Open {
                form method="post" action="/join" {
                    (form_error(retry, "join", &["name", "password"]))
                    input type="hidden" name="token" value=(token);
                    label for="name" { "Your name" }
                    input id="name" name="name" required autocomplete="name" value=(typed(retry, "join", "name").unwrap_or(""));
                    (field_error(retry, "join", "name"))
                    label for="password" { "Choose a password (at least 12 characters)" }
                    input id="password" name="password" type="password" required minlength="12" autocomplete="new-password";
                    (field_error(retry, "join", "password"))
                    button type="submit" { "Join" }
                }
            } @else {
                p class="notice failed" role="alert" { "This invitation can no longer be used: " (view.state.why_unusable().unwrap_or("it is closed")) ". Sign in at " a href=(format!("/o/{}", view.slug)) { "/o/" (view.slug) } " or ask for a new one." }
            }
        },
    );
    Ok(with_status(res, retry))
}

async fn join(
    State(state): State<TeamState>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    match state
        .team()
        .accept_invitation(f.get("token"), f.get("name"), f.get("password"))
        .await
    {
        Ok(s) => Ok(with_cookie(see_other("/"), &state.cookie(&s.secret))),
        Err(e) => {
            let token = f.get("token").to_owned();
            let retry = Retry::new("join", f.without("password"), e)?;
            join_view(&state, &token, Some(&retry)).await
        }
    }
}

fn signed(actor: Option<Actor>) -> Result<Actor, PageError> {
    actor.ok_or_else(|| PageError(HttpError::new(StatusCode::UNAUTHORIZED, "not signed in")))
}

async fn sign_out(
    State(state): State<TeamState>,
    MaybeSigned(actor): MaybeSigned,
) -> Result<Response, PageError> {
    let actor = signed(actor)?;
    state
        .team()
        .sign_out(&actor)
        .await
        .map_err(HttpError::from)?;
    Ok(with_cookie(
        Redirect::to("/").into_response(),
        &state.cleared_cookie(),
    ))
}

async fn invite(
    State(state): State<TeamState>,
    MaybeSigned(actor): MaybeSigned,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let actor = signed(actor)?;
    let made = async {
        let roles = f
            .all("roles")
            .iter()
            .map(|r| Role::parse(r))
            .collect::<mm_team::Result<Vec<_>>>()?;
        state.team().invite(&actor, f.get("email"), &roles).await
    }
    .await;
    match made {
        Ok(made) => Ok(see_other_showing(
            &state,
            "/team?done=invited#invite",
            &made.secret,
        )),
        Err(e) => home_again(&state, actor, &headers, Retry::new("invite", f, e)?).await,
    }
}

async fn create_token(
    State(state): State<TeamState>,
    MaybeSigned(actor): MaybeSigned,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let actor = signed(actor)?;
    match state.team().create_token(&actor, f.get("name"), None).await {
        Ok(made) => Ok(see_other_showing(
            &state,
            "/team?done=token#tokens",
            &made.secret,
        )),
        Err(e) => home_again(&state, actor, &headers, Retry::new("token", f, e)?).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_site_are_gone_to_after_signing_in() {
        for (next, expected) in [
            ("/team/cohorts/3", Some("/team/cohorts/3")),
            ("/goals/1?tab=practice", Some("/goals/1?tab=practice")),
            ("/", Some("/")),
            ("//evil.example/x", None),
            ("/\\evil.example", None),
            ("https://evil.example/", None),
            ("team", None),
            ("", None),
            ("/a\nb", None),
        ] {
            assert_eq!(safe_next(next), expected, "{next:?}");
        }
    }

    #[test]
    fn a_next_path_survives_a_query() {
        assert_eq!(
            encode_component("/goals/1?tab=a b&x=1"),
            "/goals/1%3Ftab%3Da%20b%26x%3D1"
        );
        assert!(is_plain_slug("acme-2"));
        assert!(!is_plain_slug("Acme"));
        assert!(!is_plain_slug("a;b"));
    }
}
