//! The export page: download the whole journal (what `mm export` writes),
//! import one into an empty journal (all or nothing, with mm-app's own
//! error when it is refused). The portfolio has its own page
//! ([`super::portfolio`]).

use super::forms::{Notice, multipart_action, see_other};
use super::layout::{Nav, page};
use crate::api::input::multipart_error;
use crate::api::journal::{export_download, import_text};
use crate::error::HttpError;
use crate::security::Session;
use crate::{AppState, PageError};
use axum::Router;
use axum::extract::{Extension, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, Response};
use axum::routing::{get, post};
use maud::{Markup, html};
use mm_store::ImportCounts;
use std::collections::HashMap;

/// The export page's routes that take small bodies.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/journal", get(journal_page))
        .route("/journal/export", get(export))
}

/// The import route (its own, larger body limit).
pub fn upload_routes() -> Router<AppState> {
    Router::new().route("/journal/import", post(import))
}

async fn journal_page(
    Extension(session): Extension<Session>,
    Query(q): Query<HashMap<String, String>>,
) -> Html<String> {
    let notice = imported_of(&q).map(|c| Notice::done("import", imported_message(&c)));
    Html(
        page(
            "Export and import",
            Nav::Journal,
            Some(&session),
            forms(&session, notice.as_ref()),
        )
        .into_string(),
    )
}

/// The query an import redirects with: `done=imported` and what it wrote,
/// counts only (the page never shows a query's text).
fn imported_query(c: &ImportCounts) -> String {
    let mut q = String::from("done=imported");
    if let Ok(serde_json::Value::Object(m)) = serde_json::to_value(c) {
        for (k, v) in m {
            q.push_str(&format!("&{k}={v}"));
        }
    }
    q
}

/// The counts of [`imported_query`], when the query is one.
fn imported_of(q: &HashMap<String, String>) -> Option<ImportCounts> {
    if q.get("done").map(String::as_str) != Some("imported") {
        return None;
    }
    let counts: serde_json::Map<String, serde_json::Value> = q
        .iter()
        .filter_map(|(k, v)| Some((k.clone(), v.parse::<u64>().ok()?.into())))
        .collect();
    serde_json::from_value(counts.into()).ok()
}

fn imported_message(c: &ImportCounts) -> String {
    format!(
        "Journal imported: {} skills, {} micro-skills, {} goals, {} sessions, {} applications and {} \
         reflections; also {} plans, {} arcs, {} retention cards, {} badges, {} market analyses and {} \
         history records.",
        c.skills,
        c.micro_skills,
        c.goals,
        c.sessions,
        c.applications,
        c.reflections,
        c.plans,
        c.arcs,
        c.retention_cards,
        c.credentials,
        c.market_analyses,
        c.history
    )
}

/// The page's sections; `notice` (after an import) in the import one.
fn forms(session: &Session, notice: Option<&Notice>) -> Markup {
    html! {
        h1 { "Export and import" }
        section aria-labelledby="export" {
            h2 id="export" { "Your journal" }
            p {
                "Everything you recorded, as one versioned JSON document: skills, goals, practice, applications, "
                "reflections, plans, arcs, refreshers, badges, market analyses, profile, settings and the history of edits. "
                @if session.team {
                    "Micromastery on your own computer reads it back, to practise there or to issue badges with your own issuer."
                } @else {
                    "It is what " code { "mm export" } " writes, and " code { "mm import" } " reads it back on SQLite or PostgreSQL."
                }
            }
            p { a class="button" href="/journal/export" download { "Download the journal" } }
        }
        section aria-labelledby="import" {
            h2 id="import" { "Import a journal" }
            (Notice::render(notice, "import"))
            @if notice.is_some() { p { a href="/" { "See your goals" } } }
            p {
                "Load a journal file into this one while it is still empty. It is checked completely first and then "
                "written in one go: if anything in it is refused, nothing is written."
            }
            form class="upload" method="post" action=(multipart_action("/journal/import", session)) enctype="multipart/form-data" {
                div class="field" {
                    label for="journal" { "Journal file" }
                    input id="journal" name="journal" type="file" accept=".json,application/json" required;
                }
                div { button type="submit" { "Import" } }
            }
        }
        section aria-labelledby="portfolio" {
            h2 id="portfolio" { "Portfolio" }
            p {
                "What you have mastered, with its badges, as a JSON Resume or a signed CLR: on the "
                a href="/portfolio" { "portfolio page" } "."
            }
        }
    }
}

async fn export(State(state): State<AppState>) -> Result<Response, PageError> {
    let app = state.app().await?;
    Ok(export_download(&app).await?)
}

async fn import(
    State(state): State<AppState>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let mut form = form.map_err(|e| HttpError::new(e.status(), e.body_text()))?;
    let mut text: Option<Vec<u8>> = None;
    while let Some(part) = form.next_field().await.map_err(|e| multipart_error(&e))? {
        if part.name() == Some("journal") {
            let bytes = part.bytes().await.map_err(|e| multipart_error(&e))?;
            text = Some(bytes.to_vec());
        }
    }
    let bad = |m: &str| HttpError {
        field: Some("journal".into()),
        ..HttpError::new(StatusCode::UNPROCESSABLE_ENTITY, m)
    };
    let bytes = text
        .filter(|b| !b.is_empty())
        .ok_or_else(|| bad("choose a journal file to import"))?;
    let text = std::str::from_utf8(&bytes).map_err(|_| bad("the journal is not UTF-8 text"))?;
    let app = state.app().await?;
    let c = import_text(&app, text).await?;
    // Post/Redirect/Get: reloading the page that says so imports nothing.
    Ok(see_other(&format!("/journal?{}", imported_query(&c))))
}
