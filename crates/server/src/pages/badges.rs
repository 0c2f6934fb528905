//! The badges page, `/badges`: the issuer (created here when there is none
//! yet), issuing an Open Badges 3.0 badge for an achieved goal, and every
//! issued badge with its downloads (JSON-LD, VC-JWT, baked SVG and PNG) and a
//! form to revoke it. The issuer's published documents (its DID document and
//! revocation list) download here too: a verifier needs them.
//!
//! Plain forms that post with the CSRF field and redirect back; each handler
//! calls one `mm_app::badges` workflow, as `api::badges` does.

use super::forms::{Notice, csrf, download, see_other};
use super::layout::{Nav, page};
use crate::api::input::{Fields, goal_id};
use crate::error::HttpError;
use crate::security::Session;
use crate::{AppState, PageError};
use axum::Router;
use axum::extract::{Extension, Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use mm_app::badges::{BadgeForm, BadgeOverview, BadgeSummary, Earner, ISSUER_DOCUMENTS};
use mm_app::{App, Person};
use std::collections::HashMap;

/// The badge page's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/badges", get(show).post(issue))
        .route("/badges/issuer", post(create_issuer))
        .route("/badges/issuer/{name}", get(issuer_document))
        .route("/badges/{id}/revoke", post(revoke))
        .route("/badges/{id}/{form}", get(file))
}

fn done_message(code: &str) -> Option<(&'static str, &'static str)> {
    Some(match code {
        "issuer" => (
            "issuer",
            "Issuer created. Its secret keys stay on this computer; publish its documents at its URL.",
        ),
        "issued" => (
            "issued",
            "Badge issued and signed. Download it below, and check it on the verify page.",
        ),
        "revoked" => (
            "issued",
            "Badge revoked: the issuer's revocation list now names it. Publish the list again.",
        ),
        _ => return None,
    })
}

/// The uuid of a credential, for URLs and element ids.
fn uuid_of(id: &str) -> &str {
    id.trim_start_matches("urn:uuid:")
}

async fn show(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, PageError> {
    let app = state.app().await?;
    let notice = q
        .get("done")
        .and_then(|c| done_message(c))
        .map(|(s, m)| Notice::done(s, m));
    let chosen = q.get("goal").and_then(|g| goal_id(g).ok()).map(|g| g.0);
    render_page(&state, &app, &session, notice, None, chosen).await
}

async fn render_page(
    state: &AppState,
    app: &App,
    session: &Session,
    notice: Option<Notice>,
    failure: Option<&HttpError>,
    chosen: Option<i64>,
) -> Result<Response, PageError> {
    let keys = state.keys()?;
    let overview = mm_app::badges::overview(app, keys).await?;
    let body = render(&overview, app.person(), session, notice.as_ref(), chosen);
    let status = failure.map_or(StatusCode::OK, |e| e.status);
    Ok((
        status,
        Html(page("Badges", Nav::Badges, Some(session), body).into_string()),
    )
        .into_response())
}

async fn finish(
    state: &AppState,
    app: &App,
    session: &Session,
    section: &'static str,
    typed: Fields,
    outcome: mm_app::Result<String>,
) -> Result<Response, PageError> {
    match outcome {
        Ok(to) => Ok(see_other(&to)),
        Err(e) => {
            let e = HttpError::from(e);
            let chosen = typed.get("goal").parse().ok();
            let notice = Notice::failed(section, &e, typed);
            render_page(state, app, session, Some(notice), Some(&e), chosen).await
        }
    }
}

async fn create_issuer(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let app = state.app().await?;
    let keys = state.keys()?;
    let outcome =
        mm_app::badges::create_issuer(app.person().now, keys, f.get("name"), f.get("url"))
            .await
            .map(|_| match goal_id(f.get("goal")) {
                // The goal the person came to issue a badge for stays chosen.
                Ok(g) => format!("/badges?done=issuer&goal={g}#issue"),
                Err(_) => "/badges?done=issuer#issuer".to_owned(),
            });
    finish(&state, &app, &session, "issuer", f, outcome).await
}

/// Who earned the badge, as the issue form says it.
pub fn earner(f: &Fields) -> mm_app::Result<Earner> {
    match (f.opt("email"), f.opt("did")) {
        (Some(_), Some(_)) => Err(mm_app::Error::invalid_field(
            "did",
            "give an email or a DID, not both",
        )),
        (Some(e), None) => Ok(Earner::Email(e)),
        (None, Some(d)) => Ok(Earner::Did(d)),
        (None, None) => Err(mm_app::Error::invalid_field(
            "email",
            "say who earned it: an email (only its salted hash goes into the badge) or a DID",
        )),
    }
}

async fn issue(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let app = state.app().await?;
    let keys = state.keys()?;
    let outcome = async {
        let goal = goal_id(f.get("goal")).map_err(|_| {
            mm_app::Error::invalid_field("goal", "choose the achieved goal the badge is for")
        })?;
        let earner = earner(&f)?;
        let issued = mm_app::badges::issue(&app, keys, goal, &earner).await?;
        Ok(format!("/badges?done=issued#badge-{}", uuid_of(&issued.id)))
    }
    .await;
    finish(&state, &app, &session, "issue", f, outcome).await
}

async fn revoke(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Result<Response, PageError> {
    let app = state.app().await?;
    let keys = state.keys()?;
    let outcome = mm_app::badges::revoke(&app, keys, &id, f.get("reason"))
        .await
        .map(|_| format!("/badges?done=revoked#badge-{}", uuid_of(&id)));
    match outcome {
        Err(e) if e.kind() == mm_app::ErrorKind::NotFound => Err(e.into()),
        outcome => finish(&state, &app, &session, "issued", f, outcome).await,
    }
}

async fn file(
    State(state): State<AppState>,
    Path((id, form)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let form: BadgeForm = form
        .parse()
        .map_err(|_| HttpError::new(StatusCode::NOT_FOUND, format!("no badge file {form:?}")))?;
    let app = state.app().await?;
    let f = mm_app::badges::file(&app, &id, form).await?;
    Ok(download(&f.file_name, f.media_type, f.bytes))
}

async fn issuer_document(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, PageError> {
    let doc = mm_app::badges::issuer_document(state.keys()?, &name).await?;
    Ok(download(&name, "application/json", doc.text.into_bytes()))
}

fn field(
    section: &str,
    name: &str,
    label: &str,
    hint: &str,
    value: &str,
    notice: Option<&Notice>,
    required: bool,
) -> Markup {
    let id = format!("{section}-{name}");
    let hint_id = format!("{id}-hint");
    let value = Notice::value(notice, section, name, value);
    html! {
        div class="field" {
            label for=(id) { (label) @if !required { span class="hint" { " (optional)" } } }
            input id=(id) name=(name) type="text" value=(value) required[required]
                aria-invalid=[Notice::invalid(notice, section, name)]
                aria-describedby=(hint_id);
            span id=(hint_id) class="hint" { (hint) }
        }
    }
}

/// The badge page for `o`.
pub fn render(
    o: &BadgeOverview,
    p: &Person,
    session: &Session,
    notice: Option<&Notice>,
    chosen: Option<i64>,
) -> Markup {
    html! {
        h1 { "Badges" }
        p {
            "Open Badges 3.0 micro-credentials for goals that passed the mastery rule, signed by your issuer: "
            "anyone can check them on the " a href="/verify" { "verify page" } " or with any Open Badges verifier."
        }
        (issuer(o, session, notice, chosen))
        (issue_form(o, session, notice, chosen))
        (issued(o, p, session, notice))
    }
}

fn issuer(
    o: &BadgeOverview,
    session: &Session,
    notice: Option<&Notice>,
    chosen: Option<i64>,
) -> Markup {
    html! {
        section id="issuer" aria-labelledby="issuer-h" {
            h2 id="issuer-h" { "Issuer" }
            (Notice::render(notice, "issuer"))
            @if let Some(i) = &o.issuer {
                p { "Badges are signed by " strong { (i.name) } " (" code { (i.id) } "), published at " a href=(i.url) rel="noreferrer" { (i.url) } "." }
                p { "A verifier needs the issuer's documents, as published at that URL:" }
                ul class="downloads" {
                    @for name in ISSUER_DOCUMENTS {
                        li { a href=(format!("/badges/issuer/{name}")) download=(name) { (name) } }
                    }
                }
            } @else if session.team {
                p { "Your organisation has no badge issuer yet: its admins create one (" code { "POST /api/v1/team/issuer" } "), and your badges are then signed by the organisation." }
            } @else {
                p { "No issuer yet. Create one: a " code { "did:web" } " identity for your URL with fresh signing keys, kept on this computer." }
                form class="upload" method="post" action="/badges/issuer" {
                    (csrf(session))
                    @if let Some(g) = chosen { input type="hidden" name="goal" value=(g); }
                    (field("issuer", "name", "Name on the badges", "your name, or your school's or team's", "", notice, true))
                    (field("issuer", "url", "The HTTPS URL you will publish the issuer at", "e.g. https://badges.example.org", "", notice, true))
                    div { button type="submit" { "Create the issuer" } }
                }
            }
        }
    }
}

fn issue_form(
    o: &BadgeOverview,
    session: &Session,
    notice: Option<&Notice>,
    chosen: Option<i64>,
) -> Markup {
    html! {
        section id="issue" aria-labelledby="issue-h" {
            h2 id="issue-h" { "Issue a badge" }
            (Notice::render(notice, "issue"))
            @if o.issuer.is_none() {
                p { "Create the issuer first." }
            } @else if o.achieved.is_empty() {
                p { "No goal is achieved yet: a badge is issued only for a goal that passed the mastery rule. " a href="/" { "See your goals" } "." }
            } @else {
                form class="upload" method="post" action="/badges" {
                    (csrf(session))
                    div class="field" {
                        label for="issue-goal" { "The achieved goal" }
                        select id="issue-goal" name="goal" aria-invalid=[Notice::invalid(notice, "issue", "goal")] {
                            @for a in &o.achieved {
                                option value=(a.goal) selected[chosen == Some(a.goal.0)] {
                                    "Goal " (a.goal) ": " (a.micro_skill)
                                    @if let Some(d) = a.achieved_on { " (achieved " (d) ")" }
                                    @if a.badges > 0 { " · " (a.badges) " issued" }
                                }
                            }
                        }
                    }
                    (field("issue", "email", "The earner's email", "only its salted SHA-256 goes into the badge", "", notice, false))
                    (field("issue", "did", "Or the earner's DID", "a DID the earner controls, used as the badge's subject", "", notice, false))
                    div { button type="submit" { "Issue the badge" } }
                }
            }
        }
    }
}

fn issued(o: &BadgeOverview, p: &Person, session: &Session, notice: Option<&Notice>) -> Markup {
    html! {
        section id="issued" aria-labelledby="issued-h" {
            h2 id="issued-h" { "Issued badges" }
            (Notice::render(notice, "issued"))
            @if o.badges.is_empty() {
                p { "None yet." }
            } @else {
                ul class="goals" {
                    @for b in o.badges.iter().rev() { li { (badge(b, p, session)) } }
                }
            }
        }
    }
}

fn badge(b: &BadgeSummary, p: &Person, session: &Session) -> Markup {
    let uuid = uuid_of(&b.id);
    let heading = format!("badge-{uuid}-h");
    html! {
        article class="goal" id=(format!("badge-{uuid}")) aria-labelledby=(heading) {
            h3 id=(heading) { (b.name.as_deref().unwrap_or("A micro-credential")) }
            p class="state" {
                code { (b.id) } " · for " a href=(format!("/goals/{}", b.goal)) { "goal " (b.goal) }
                " · issued " time datetime=(b.issued_at.to_rfc3339()) { (p.zone.local(b.issued_at).format("%-d %b %Y")) }
            }
            @if let Some(t) = b.revoked_at {
                p class="revoked" {
                    strong { "✗ Revoked" } " on " (p.zone.local(t).format("%-d %b %Y"))
                    @if let Some(r) = &b.revocation_reason { ": " (r) }
                }
            }
            p { "Download:" }
            ul class="downloads" {
                @for form in BadgeForm::ALL {
                    li { a href=(format!("/badges/{uuid}/{}", form.as_str())) download { (form.label()) } }
                }
            }
            @if b.revoked_at.is_none() {
                details {
                    summary { "Revoke this badge" }
                    form class="upload" method="post" action=(format!("/badges/{uuid}/revoke")) {
                        (csrf(session))
                        div class="field" {
                            @let id = format!("revoke-{uuid}");
                            label for=(id) { "Why (verifiers show it)" }
                            input id=(id) name="reason" type="text" required;
                        }
                        div { button type="submit" class="danger" { "Revoke" } }
                    }
                }
            }
        }
    }
}
