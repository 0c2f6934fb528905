//! Single sign-on for institutions (OpenID Connect): the admins' settings
//! (`/api/v1/team/sso`, and a form on the team page), and the browser's
//! round trip through the organisation's provider: `/o/{slug}/sso` sends it
//! there, `/o/{slug}/sso/callback` takes it back and signs it in. The
//! protocol itself is [`mm_team::TeamStore::begin_sso`] and
//! [`mm_team::TeamStore::finish_sso`]; this module only carries cookies and
//! redirects.

use super::pages::{SignedPage, page};
use super::{Signed, TeamState};
use crate::api::input::{ApiJson, Fields};
use crate::error::{ApiError, ErrorJson, HttpError, PageError};
use crate::security::cookie_value;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use maud::html;
use mm_team::{NewSso, SsoProvider, SsoReturn};

/// The cookie that carries a sign-in's `state` while the browser is at the provider.
const STATE_COOKIE: &str = "mm_sso";
/// The cookie that carries where the browser was going (`next`) while it
/// is at the provider.
const NEXT_COOKIE: &str = "mm_sso_next";

/// The single sign-on routes (the API's and the pages').
pub fn routes() -> Router<TeamState> {
    Router::new()
        .route(
            "/api/v1/team/sso",
            get(settings).put(set_settings).delete(remove_settings),
        )
        .route("/o/{slug}/sso", get(begin))
        .route("/o/{slug}/sso/callback", get(callback))
        .route("/team/sso", post(set_from_page))
        .route("/team/sso/remove", post(remove_from_page))
}

/// The organisation's single sign-on, when it has one (admins only).
#[utoipa::path(get, path = "/api/v1/team/sso", tag = "sign-in",
    responses((status = 200, body = SsoProvider), (status = 403, body = ErrorJson), (status = 404, body = ErrorJson)))]
pub async fn settings(
    State(state): State<TeamState>,
    Signed(actor): Signed,
) -> Result<Json<SsoProvider>, ApiError> {
    state.team().sso(&actor).await?.map(Json).ok_or_else(|| {
        HttpError::new(
            StatusCode::NOT_FOUND,
            "this organisation has no single sign-on: PUT one here",
        )
        .into()
    })
}

/// Set the organisation's OpenID provider (admins only). The provider is
/// asked for its discovery document first, so a wrong issuer is refused
/// here. Register `redirect_path` (on this server's address) at the provider.
#[utoipa::path(put, path = "/api/v1/team/sso", tag = "sign-in", request_body = NewSso,
    responses((status = 200, body = SsoProvider), (status = 403, body = ErrorJson), (status = 422, body = ErrorJson), (status = 503, body = ErrorJson)))]
pub async fn set_settings(
    State(state): State<TeamState>,
    Signed(actor): Signed,
    ApiJson(body): ApiJson<NewSso>,
) -> Result<Json<SsoProvider>, ApiError> {
    Ok(Json(state.team().set_sso(&actor, body).await?))
}

/// Stop single sign-on (admins only): members keep their accounts.
#[utoipa::path(delete, path = "/api/v1/team/sso", tag = "sign-in",
    responses((status = 204), (status = 403, body = ErrorJson), (status = 404, body = ErrorJson)))]
pub async fn remove_settings(
    State(state): State<TeamState>,
    Signed(actor): Signed,
) -> Result<StatusCode, ApiError> {
    state.team().remove_sso(&actor).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This server's redirect URI for `slug`, as a browser reaches it.
fn redirect_uri(state: &TeamState, headers: &HeaderMap, slug: &str) -> String {
    format!(
        "{}{}",
        state.base_url(headers),
        mm_team::redirect_path(slug)
    )
}

fn state_cookie(state: &TeamState, slug: &str, value: &str, max_age: u32) -> String {
    sso_cookie(state, STATE_COOKIE, slug, value, max_age)
}

/// A cookie of the round trip through `slug`'s provider: `name=value`,
/// sent back only to its sign-in routes.
fn sso_cookie(state: &TeamState, name: &str, slug: &str, value: &str, max_age: u32) -> String {
    state.set_cookie(
        name,
        value,
        &format!("SameSite=Lax; Path=/o/{slug}/sso; Max-Age={max_age}"),
    )
}

fn add_cookie(res: &mut Response, cookie: &str) {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// A slug as it may appear in a path and a cookie's `Path`, or the page
/// saying there is no such organisation.
fn plain_slug(raw: &str) -> Result<&str, Box<Response>> {
    if super::pages::is_plain_slug(raw) {
        Ok(raw)
    } else {
        Err(Box::new(failed(
            raw,
            &mm_team::Error::new(mm_team::Kind::NotFound, "no such organisation"),
        )))
    }
}

/// A page saying why single sign-on did not work, with the way back.
fn failed(slug: &str, e: &mm_team::Error) -> Response {
    let mut res = page(
        "Sign-in failed",
        None,
        html! {
            h1 { "Single sign-on did not work" }
            p class="notice failed" role="alert" { (e.to_string()) }
            p { a href=(format!("/o/{slug}")) { "Back to the sign-in page" } }
        },
    );
    *res.status_mut() =
        StatusCode::from_u16(e.kind().http_status()).unwrap_or(StatusCode::UNAUTHORIZED);
    res
}

/// `/o/{slug}/sso`: off to the organisation's provider.
async fn begin(
    State(state): State<TeamState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    let slug = match plain_slug(&slug) {
        Ok(slug) => slug,
        Err(page) => return *page,
    };
    match state
        .team()
        .begin_sso(slug, &redirect_uri(&state, &headers, slug))
        .await
    {
        Ok(start) => {
            let mut res = Redirect::to(&start.authorize_url).into_response();
            add_cookie(&mut res, &state_cookie(&state, slug, &start.state, 600));
            // Where to land after: a path on this site whose characters a
            // cookie holds as they are (else the home page).
            let next = super::pages::query_value(&q, "next")
                .and_then(super::pages::safe_next)
                .filter(|n| {
                    n.bytes()
                        .all(|b| b.is_ascii_graphic() && !b"\",;".contains(&b))
                });
            if let Some(next) = next {
                add_cookie(&mut res, &sso_cookie(&state, NEXT_COOKIE, slug, next, 600));
            }
            res
        }
        Err(e) => failed(slug, &e),
    }
}

/// `/o/{slug}/sso/callback`: back from the provider, signed in.
async fn callback(
    State(state): State<TeamState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    let slug = match plain_slug(&slug) {
        Ok(slug) => slug,
        Err(page) => return *page,
    };
    let get = |k: &str| q.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    let back = SsoReturn {
        state: get("state").unwrap_or_default(),
        code: get("code"),
        iss: get("iss"),
        error: get("error").map(|e| match get("error_description") {
            Some(d) => format!("{e} ({d})"),
            None => e,
        }),
    };
    let cookie = cookie_value(&headers, STATE_COOKIE).map(str::to_owned);
    let mut res = match state
        .team()
        .finish_sso(
            slug,
            &redirect_uri(&state, &headers, slug),
            cookie.as_deref(),
            back,
        )
        .await
    {
        Ok(s) => {
            let next = cookie_value(&headers, NEXT_COOKIE).and_then(super::pages::safe_next);
            let mut res = super::pages::see_other(next.unwrap_or("/"));
            add_cookie(&mut res, &state.cookie(&s.secret));
            add_cookie(&mut res, &state.org_cookie(slug));
            res
        }
        Err(e) => failed(slug, &e),
    };
    add_cookie(&mut res, &state_cookie(&state, slug, "", 0));
    add_cookie(&mut res, &sso_cookie(&state, NEXT_COOKIE, slug, "", 0));
    res
}

/// The team page's form: set the provider.
async fn set_from_page(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let secret = f.get("client_secret").trim();
    let new = NewSso {
        issuer: f.get("issuer").to_owned(),
        client_id: f.get("client_id").to_owned(),
        // An empty field keeps the secret kept already.
        client_secret: (!secret.is_empty()).then(|| secret.to_owned()),
        label: Some(f.get("label").to_owned()),
        join_domains: f
            .get("join_domains")
            .split([',', ' ', '\n'])
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    match state.team().set_sso(&actor, new).await {
        Ok(_) => Ok(super::pages::see_other("/team?done=sso-saved#sso")),
        Err(e) => {
            // Shown again as typed, but for the secret: never sent back.
            let retry = super::pages::Retry::new("sso", f.without("client_secret"), e)?;
            super::pages::home_again(&state, actor, &headers, retry).await
        }
    }
}

/// The team page's form: stop single sign-on.
async fn remove_from_page(
    State(state): State<TeamState>,
    SignedPage(actor): SignedPage,
) -> Result<Response, PageError> {
    state
        .team()
        .remove_sso(&actor)
        .await
        .map_err(HttpError::from)?;
    Ok(super::pages::see_other("/team?done=sso-removed#sso"))
}

/// The team page's single sign-on section, for admins.
pub(super) fn section(
    actor: &mm_team::Actor,
    current: Option<&SsoProvider>,
    base: &str,
    retry: Option<&super::pages::Retry>,
) -> maud::Markup {
    use super::pages::{field_error, form_error, typed};
    // What was typed when the form failed, else what is set.
    let value = |name: &str, now: Option<String>| {
        typed(retry, "sso", name)
            .map(str::to_owned)
            .or(now)
            .unwrap_or_default()
    };
    html! {
        section aria-labelledby="sso-h" id="sso" {
            h2 id="sso-h" { "Single sign-on" }
            @if let Some(p) = current {
                p { "Members sign in with " strong { (p.label) } " at " code { (p.issuer) } " (client " code { (p.client_id) } ", "
                    @if p.has_client_secret { "secret kept, sealed" } @else { "public client, no secret" } ")." }
                p { "Redirect URI to register at the provider: " code { (base) (p.redirect_path) } }
                @if p.join_domains.is_empty() {
                    p { "Only members sign in this way (their verified email links them at the first sign-in)." }
                } @else {
                    p { "Verified addresses at " (p.join_domains.join(", ")) " join as learners at their first sign-in." }
                }
            } @else {
                p { "Let members sign in with your institution's OpenID provider instead of a password." }
            }
            form method="post" action="/team/sso" {
                (super::pages::csrf(actor))
                label for="sso-issuer" { "Issuer URL" }
                (form_error(retry, "sso", &["issuer", "client_id", "client_secret", "label", "join_domains"]))
                input id="sso-issuer" name="issuer" type="url" required placeholder="https://login.example.edu" value=(value("issuer", current.map(|p| p.issuer.clone())));
                (field_error(retry, "sso", "issuer"))
                label for="sso-client" { "Client id" }
                input id="sso-client" name="client_id" required value=(value("client_id", current.map(|p| p.client_id.clone())));
                (field_error(retry, "sso", "client_id"))
                label for="sso-secret" { "Client secret" @if current.is_some_and(|p| p.has_client_secret) { " (leave empty to keep the one kept)" } }
                input id="sso-secret" name="client_secret" type="password" autocomplete="off";
                (field_error(retry, "sso", "client_secret"))
                label for="sso-label" { "Button label (\"Sign in with …\")" }
                input id="sso-label" name="label" maxlength="100" value=(value("label", current.map(|p| p.label.clone())));
                (field_error(retry, "sso", "label"))
                label for="sso-domains" { "Email domains that may join as learners (comma-separated; empty: members only)" }
                input id="sso-domains" name="join_domains" value=(value("join_domains", current.map(|p| p.join_domains.join(", "))));
                (field_error(retry, "sso", "join_domains"))
                button type="submit" { @if current.is_some() { "Save single sign-on" } @else { "Set up single sign-on" } }
            }
            @if current.is_some() {
                form method="post" action="/team/sso/remove" {
                    (super::pages::csrf(actor))
                    button class="quiet" type="submit" { "Stop single sign-on" }
                }
            }
        }
    }
}
