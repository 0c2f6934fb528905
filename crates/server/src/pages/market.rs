//! The market page: upload a postings file and see what the jobs ask for —
//! every skill's share of the postings with its 95% interval, its monthly
//! trend, and the skills asked for with it — the same analysis as `mm
//! market analyse`, kept in the journal for discovery. Also the saved
//! analyses. A plain multipart form (its CSRF token rides in the query).

use super::forms::see_other;
use super::layout::{Nav, page};
use crate::api::market::{Analysed, parse_id, read_form, run};
use crate::security::Session;
use crate::{AppState, PageError};
use axum::Router;
use axum::extract::{Extension, Multipart, Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use maud::{Markup, PreEscaped, html};
use mm_discover::market::{MarketReport, SkillStat};
use std::collections::HashMap;

/// The market pages that take small bodies.
pub fn routes() -> Router<AppState> {
    Router::new().route("/market/{id}", get(saved_page))
}

/// The upload route (its own, larger body limit).
pub fn upload_routes() -> Router<AppState> {
    Router::new().route("/market", get(market_page).post(analyse_page))
}

/// Rows of the table (the JSON and the saved analysis keep every skill).
const ROWS: usize = 30;

async fn market_page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Html<String>, PageError> {
    let app = state.app().await?;
    let saved = mm_app::market::list(&app).await?;
    let body = html! {
        (upload_form(&session))
        (saved_list(&saved))
    };
    Ok(Html(
        page("Market", Nav::Market, Some(&session), body).into_string(),
    ))
}

fn upload_form(session: &Session) -> Markup {
    html! {
        h1 { "What the job market asks for" }
        p {
            "Upload job postings; every skill they mention is counted with the ESCO and O*NET taxonomies, "
            "with an honest 95% interval, its trend over the months, and the skills asked for with it. "
            "Boilerplate, near-duplicates and postings not in English are left out, as "
            code { "mm market analyse" } " does."
        }
        form class="upload" method="post" action=(format!("/market?csrf={}", session.csrf)) enctype="multipart/form-data" {
            div class="field" {
                label for="postings" { "Postings file" }
                input id="postings" name="postings" type="file" required
                    accept=".jsonl,.ndjson,.csv,.json,.jsonld,.html,.htm,application/json,text/csv,text/html"
                    aria-describedby="postings-hint";
                span id="postings-hint" class="hint" { "JSON Lines or CSV with a text column (and title, date), JSON-LD JobPosting, or HTML pages; up to 10 MB." }
            }
            div class="field" {
                label for="role" { "Only postings titled as this role (optional)" }
                input id="role" name="role" type="text" placeholder="data analyst";
            }
            div class="field" {
                label for="since" { "Only postings from this month on (optional)" }
                input id="since" name="since" type="text" placeholder="2025-01" aria-describedby="since-hint";
                span id="since-hint" class="hint" { "YYYY-MM; undated postings are then left out." }
            }
            div class="field" {
                label for="min_support" { "Postings a pair must share to count as asked together" }
                input id="min_support" name="min_support" type="number" min="1" value="3";
            }
            div class="field" {
                // Unchecked, only the hidden "false" is sent; checked, the
                // later "true" wins.
                input type="hidden" name="save" value="false";
                label { input type="checkbox" name="save" value="true" checked; " Keep this analysis in the journal (discovery uses it)" }
            }
            div { button type="submit" { "Analyse" } }
        }
    }
}

fn saved_list(saved: &[mm_app::market::SavedMarket]) -> Markup {
    html! {
        h2 { "Saved analyses" }
        @if saved.is_empty() {
            p { "None yet." }
        } @else {
            table {
                thead { tr { th scope="col" { "Analysis" } th scope="col" { "Postings" } th scope="col" { "Dated" } th scope="col" { "Saved" } } }
                tbody {
                    @for m in saved.iter().rev() {
                        tr {
                            th scope="row" { a href=(format!("/market/{}", m.id)) { (m.id) ": " (m.name) } }
                            td { (m.postings) }
                            td { (m.dated) }
                            td { time datetime=(m.created_at.to_rfc3339()) { (m.created_at.format("%Y-%m-%d %H:%M")) } }
                        }
                    }
                }
            }
        }
    }
}

async fn analyse_page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, PageError> {
    let form = form.map_err(|e| crate::error::HttpError::new(e.status(), e.body_text()))?;
    let m = read_form(form).await?;
    let Analysed { analysis, saved } = run(&state, m).await?;
    if let Some(saved) = &saved {
        // Post/Redirect/Get: the saved analysis's page says so; reloading
        // it analyses and saves nothing again.
        return Ok(see_other(&format!(
            "/market/{}?done=saved&skipped={}",
            saved.id, analysis.skipped
        )));
    }
    let chart = mm_app::market::share_chart(&analysis, 20)?;
    let body = html! {
        (skipped_note(analysis.skipped))
        (report_view(&analysis.name, &analysis.report, &chart))
        (upload_form(&session))
    };
    Ok(
        Html(page("Market analysis", Nav::Market, Some(&session), body).into_string())
            .into_response(),
    )
}

fn skipped_note(skipped: u64) -> Markup {
    html! {
        @if skipped > 0 {
            p class="note" { (skipped) " row(s) could not be used and were skipped." }
        }
    }
}

async fn saved_page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Html<String>, PageError> {
    let id = parse_id(&id)?;
    let app = state.app().await?;
    let m = mm_app::market::saved(&app, id).await?;
    let chart = mm_app::market::report_chart(&m.report, "", 20)?;
    // After the upload form: a fixed sentence and a count, never the query's text.
    let just_saved = q.get("done").map(String::as_str) == Some("saved");
    let skipped = q
        .get("skipped")
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);
    let body = html! {
        @if just_saved {
            p class="note" role="status" { "Saved as market analysis " (m.id) "; discovery uses it for roles it was limited to." }
            (skipped_note(skipped))
        }
        p { a href="/market" { "All analyses" } }
        (report_view(&format!("Analysis {}: {}", m.id, m.name), &m.report, &chart))
    };
    Ok(Html(
        page("Market analysis", Nav::Market, Some(&session), body).into_string(),
    ))
}

fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

fn trend(s: &SkillStat) -> Markup {
    match &s.trend {
        None => html! { "–" },
        Some(t) => {
            let points = t.slope_per_month * 100.0;
            let word = match (t.significant, points > 0.0) {
                (false, _) => "no clear trend",
                (true, true) => "rising",
                (true, false) => "falling",
            };
            let spark = mm_discover::chart::sparkline(&t.monthly_share);
            html! {
                span class="spark" aria-hidden="true" { (spark) } " "
                (word) " (" (format!("{points:+.2}")) " points a month"
                @if let Some(q) = t.q_value { ", q = " (format!("{q:.3}")) }
                ")"
            }
        }
    }
}

/// One report: what was counted and left out, the chart, and the table.
fn report_view(name: &str, r: &MarketReport, chart: &str) -> Markup {
    let chart = chart.replacen(
        "<svg ",
        "<svg role=\"img\" aria-labelledby=\"share-chart-title\" ",
        1,
    );
    let exclusions = r.exclusions();
    html! {
        section aria-labelledby="report" {
            h1 id="report" { (name) }
            p class="summary" {
                (r.postings) " postings counted, " (r.dated) " of them dated"
                @if r.excluded > 0 { "; " (r.excluded) " before the month asked for" }
                @if !exclusions.is_empty() { "; left out: " (exclusions) }
                "."
            }
            @if let Some(t) = &r.title_filter {
                p { "Only postings titled as " strong { (t.role) } " were counted." }
            }
            @for w in &r.warnings { p class="note" { "⚠ " (w) } }
            @if let Some(why) = &r.trend_skipped { p class="hint" { "No trends: " (why) } }
            @if r.trend_tests > 0 {
                p class="hint" { (r.significant_trends) " of " (r.trend_tests) " trends stand out after the Benjamini–Hochberg correction." }
            }
            figure {
                (PreEscaped(chart))
                figcaption id="share-chart-title" class="hint" { "The most asked-for skills: bars are the share of postings, whiskers the 95% Wilson interval." }
            }
            table {
                caption { "Skills by share of postings (top " (ROWS.min(r.skills.len())) " of " (r.skills.len()) ")" }
                thead {
                    tr {
                        th scope="col" { "Skill" }
                        th scope="col" { "Postings" }
                        th scope="col" { "Share" }
                        th scope="col" { "95% interval" }
                        th scope="col" { "Trend" }
                        th scope="col" { "Asked for with" }
                    }
                }
                tbody {
                    @for s in r.skills.iter().take(ROWS) {
                        tr {
                            th scope="row" { (s.label) @if s.few { " " span class="hint" { "(few postings)" } } }
                            td { (s.postings) }
                            td { (percent(s.share)) }
                            td { (percent(s.ci_low)) " – " (percent(s.ci_high)) }
                            td { (trend(s)) }
                            td {
                                @for (i, c) in s.cooccurs.iter().take(3).enumerate() {
                                    @if i > 0 { "; " }
                                    (c.label) " (" (c.together) ", lift " (format!("{:.2}", c.lift)) ")"
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
