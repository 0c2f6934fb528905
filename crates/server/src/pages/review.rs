//! The review page: a look back over a week, a month or any number of days
//! — practice per day, cumulative minutes against the planned line, the
//! retention forecast, and long-term arcs against quick wins — drawn as SVG
//! by `mm_app::charts` (plotters) from the same [`Review`] that
//! `GET /api/v1/review` and `mm review --json` return. Under each chart its
//! numbers are a table, for screen readers and for checking.

use super::layout::{Nav, page};
use crate::api::review::{ReviewQuery, days};
use crate::security::Session;
use crate::{AppState, PageError};
use axum::Router;
use axum::extract::{Extension, Query, State};
use axum::response::Html;
use axum::routing::get;
use maud::{Markup, PreEscaped, html};
use mm_app::charts::{Chart, Insight, balance_rows};
use mm_app::review::Review;
use mm_core::parse::format_minutes;

/// The review page's routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/review", get(review_page))
}

async fn review_page(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<ReviewQuery>,
) -> Result<Html<String>, PageError> {
    let n = days(&q)?;
    let app = state.app().await?;
    let r = mm_app::review::review(&app, n).await?;
    let mut charts = Vec::new();
    for c in Chart::ALL {
        charts.push((c, mm_app::charts::chart_svg(&r.insight, c)?));
    }
    let body = render(&r, n, &charts);
    Ok(Html(
        page("Review", Nav::Review, Some(&session), body).into_string(),
    ))
}

fn period_links(n: u32) -> Markup {
    html! {
        nav aria-label="Period" class="periods" {
            @for (d, label) in [(7, "Last 7 days"), (30, "Last 30 days"), (90, "Last 90 days")] {
                a href=(format!("/review?days={d}")) aria-current=[(d == n).then_some("page")] { (label) }
            }
            form method="get" action="/review" class="inline" {
                label for="days" { "Days" }
                input id="days" name="days" type="number" min="1" max="366" value=(n);
                button class="quiet" type="submit" { "Show" }
            }
        }
    }
}

/// The whole review (public for the tests' eyes: what a person sees).
pub fn render(r: &Review, n: u32, charts: &[(Chart, String)]) -> Markup {
    html! {
        h1 { "Review " time datetime=(r.from) { (r.from) } " → " time datetime=(r.to) { (r.to) } }
        (period_links(n))
        p class="summary" {
            (format_minutes(r.minutes)) " focused in " (r.sessions) " session" @if r.sessions != 1 { "s" }
            @if let Some(e) = r.errors_per_rep { ", " (format!("{:.0}", e * 100.0)) "% errors per rep" }
            "; " (r.applications.len()) " application" @if r.applications.len() != 1 { "s" }
            ", " (r.reflections.len()) " reflection" @if r.reflections.len() != 1 { "s" }
            @if !r.achieved.is_empty() {
                "; achieved: "
                @for (i, g) in r.achieved.iter().enumerate() { @if i > 0 { ", " } "goal " (g) }
            }
            "."
        }
        @if r.sessions == 0 {
            p class="note" { "No practice in this period. A 25-minute session today restarts the habit: " a href="/timer" { "start the focus timer" } "." }
        }
        p { strong { "Streak: " } (r.insight.streak.summary()) }
        @for (c, svg) in charts {
            (chart_section(*c, svg, &r.insight))
        }
        @if let Some(w) = &r.insight.balance.warning {
            p class="note" { "⚠ " (w) }
        }
        p { a href=(format!("/api/v1/review?days={n}")) { "This review as JSON" } " · " a href=(format!("/api/v1/review/charts.svg?days={n}")) { "The charts as one SVG image" } }
    }
}

fn chart_section(c: Chart, svg: &str, i: &Insight) -> Markup {
    let id = c.id();
    let title_id = format!("{id}-title");
    let svg = svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-labelledby=\"{title_id}\" "),
        1,
    );
    html! {
        section class="chart" aria-labelledby=(title_id) {
            h2 id=(title_id) { (c.title()) }
            figure {
                (PreEscaped(svg))
                figcaption class="hint" { (caption(c)) }
            }
            details {
                summary { "The numbers behind this chart" }
                (numbers(c, i))
            }
        }
    }
}

fn caption(c: Chart) -> &'static str {
    match c {
        Chart::PracticePerDay => "Bars: focused minutes on each day of the period.",
        Chart::Cumulative => {
            "Solid line with dots: minutes practised since the period began; dashed line: the minutes the goals planned by then."
        }
        Chart::Retention => {
            "Bars: refreshers due each day (left axis); line: mean predicted recall of what you mastered, without refreshing (right axis)."
        }
        Chart::Balance => {
            "Bars: focused minutes in the last 30 days on each long-term arc, on standalone quick wins, and on goals not assigned yet."
        }
    }
}

fn numbers(c: Chart, i: &Insight) -> Markup {
    match c {
        Chart::PracticePerDay => html! {
            table {
                thead { tr { th scope="col" { "Day" } th scope="col" { "Minutes" } } }
                tbody data-series="minutes_per_day" {
                    @for d in &i.minutes_per_day {
                        tr { th scope="row" { (d.date) } td { (d.minutes) } }
                    }
                }
            }
        },
        Chart::Cumulative => html! {
            table {
                thead { tr { th scope="col" { "Day" } th scope="col" { "Minutes done" } th scope="col" { "Minutes planned" } } }
                tbody data-series="cumulative" {
                    @for d in &i.cumulative {
                        tr { th scope="row" { (d.date) } td { (d.minutes) } td { (d.planned) } }
                    }
                }
            }
        },
        Chart::Retention => html! {
            table {
                thead { tr { th scope="col" { "Day" } th scope="col" { "Refreshers due" } th scope="col" { "Mean predicted recall" } } }
                tbody data-series="retention_forecast" {
                    @for d in &i.retention_forecast {
                        tr {
                            th scope="row" { (d.date) }
                            td { (d.due) }
                            td { @match d.mean_recall { Some(r) => { (format!("{:.1}%", r * 100.0)) }, None => { "–" } } }
                        }
                    }
                }
            }
        },
        Chart::Balance => html! {
            table {
                thead { tr { th scope="col" { "Where the minutes went" } th scope="col" { "Minutes" } } }
                tbody data-series="balance" {
                    @for (label, minutes, _) in balance_rows(&i.balance) {
                        tr { th scope="row" { (label) } td { (minutes) } }
                    }
                }
            }
        },
    }
}
