//! The portfolio page, `/portfolio`: what you have mastered, with a
//! certificate for each unrevoked badge, to download as a JSON Resume or as
//! a CLR 2.0 bundle signed by your issuer. One plain `GET` form whose two
//! buttons name the format, so it works without JavaScript; the download
//! is the document `mm portfolio export` writes and `GET /api/v1/portfolio`
//! serves (one `mm_app::portfolio::contents` behind all three).

use super::layout::{Nav, page};
use crate::api::journal::{PortfolioQuery, portfolio_download};
use crate::security::Session;
use crate::{AppState, PageError};
use axum::Router;
use axum::extract::{Extension, Query, State};
use axum::response::{Html, Response};
use axum::routing::get;
use maud::{Markup, html};
use mm_app::badges::BadgeSummary;
use mm_app::portfolio::Format;

/// The portfolio page's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/portfolio", get(portfolio_page))
        .route("/portfolio/export", get(export))
}

async fn portfolio_page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Html<String>, PageError> {
    let app = state.app().await?;
    // Without a key store (a server started without one) there is no
    // issuer to sign a CLR: the page says so instead of failing.
    let (issuer, badges) = match state.keys() {
        Ok(keys) => {
            let o = mm_app::badges::overview(&app, keys).await?;
            (o.issuer.map(|i| i.name), o.badges)
        }
        Err(_) => (None, mm_app::badges::list(&app).await?),
    };
    let badges: Vec<BadgeSummary> = badges
        .into_iter()
        .filter(|b| b.revoked_at.is_none())
        .collect();
    let body = render(issuer.as_deref(), &badges, app.person());
    Ok(Html(
        page("Portfolio", Nav::Portfolio, Some(&session), body).into_string(),
    ))
}

fn render(issuer: Option<&str>, badges: &[BadgeSummary], person: &mm_app::Person) -> Markup {
    html! {
        h1 { "Portfolio" }
        p {
            "What you have mastered, with its proof, for employers and the tools they use. "
            "Each badge is a micro-skill the mastery rule passed, signed by your issuer."
        }
        section aria-labelledby="in-it" {
            h2 id="in-it" { "In your portfolio" }
            @if badges.is_empty() {
                p id="no-badges" {
                    "No badge yet: once a goal is achieved, issue its badge on the "
                    a href="/badges" { "badges page" } ", and it appears here."
                }
            } @else {
                ul id="portfolio-badges" {
                    @for b in badges {
                        li {
                            (b.name.as_deref().unwrap_or("A badge")) " (goal " (b.goal) "), issued "
                            time datetime=(b.issued_at.to_rfc3339()) { (person.date_of(b.issued_at)) }
                        }
                    }
                }
            }
        }
        @if !badges.is_empty() {
            section aria-labelledby="download" {
                h2 id="download" { "Download" }
                ul {
                    li { strong { (Format::JsonResume.label()) } ": your mastered micro-skills with their levels and keywords, and a certificate linking to each badge (schema 1.3.1), for resume tools." }
                    li {
                        strong { (Format::Clr.label()) } ": every badge bundled in one Comprehensive Learner Record, signed by "
                        @match issuer {
                            Some(name) => { "your issuer, " (name) ". Anyone can check it on the " a href="/verify" { "verify page" } "." }
                            None => { "your issuer; create one on the " a href="/badges" { "badges page" } " first." }
                        }
                    }
                }
                form id="portfolio-export" class="panel" method="get" action="/portfolio/export" {
                    div class="field" {
                        label for="portfolio-name" { "Your name (optional)" }
                        input id="portfolio-name" name="name" type="text" autocomplete="name";
                    }
                    div class="actions" {
                        @for f in Format::ALL {
                            @if !f.needs_issuer() || issuer.is_some() {
                                button type="submit" name="format" value=(f.as_str()) {
                                    "Download the " (f.label())
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

async fn export(
    State(state): State<AppState>,
    Query(q): Query<PortfolioQuery>,
) -> Result<Response, PageError> {
    Ok(portfolio_download(&state, &q).await?)
}
