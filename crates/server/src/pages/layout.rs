//! The frame every page shares: landmarks (`header`, `nav`, `main`,
//! `footer`), a skip link, the style sheet, and the sign-out form.

use super::forms::csrf;
use crate::security::Session;
use axum::http::StatusCode;
use maud::{DOCTYPE, Markup, html};

/// Which page is shown (for `aria-current` in the navigation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Dashboard,
    Badges,
    Timer,
    Review,
    Discover,
    Market,
    Journal,
    Portfolio,
    Verify,
    None,
}

/// The `head` every page shares (the team server's pages too): encoding,
/// viewport, referrer policy, the title as given, the style sheet.
pub fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="referrer" content="same-origin";
            title { (title) }
            link rel="stylesheet" href="/assets/style.css";
        }
    }
}

/// A whole page around `body`.
pub fn page(title: &str, nav: Nav, session: Option<&Session>, body: Markup) -> Markup {
    let current = |n: Nav| if n == nav { Some("page") } else { None };
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(&format!("{title} · Micromastery")))
            body {
                a class="skip" href="#main" { "Skip to the content" }
                header class="site" {
                    a class="brand" href="/" { "Micromastery" }
                    nav aria-label="Main" {
                        ul {
                            @if session.is_some() {
                                li { a href="/" aria-current=[current(Nav::Dashboard)] { "Dashboard" } }
                                li { a href="/discover" aria-current=[current(Nav::Discover)] { "Discover" } }
                                li { a href="/timer" aria-current=[current(Nav::Timer)] { "Focus timer" } }
                                li { a href="/review" aria-current=[current(Nav::Review)] { "Review" } }
                                li { a href="/badges" aria-current=[current(Nav::Badges)] { "Badges" } }
                                li { a href="/market" aria-current=[current(Nav::Market)] { "Market" } }
                                li { a href="/portfolio" aria-current=[current(Nav::Portfolio)] { "Portfolio" } }
                                li { a href="/journal" aria-current=[current(Nav::Journal)] { "Export" } }
                                @if session.is_some_and(|s| s.team) {
                                    li { a href="/team" { "Team" } }
                                }
                            }
                            li { a href="/verify" aria-current=[current(Nav::Verify)] { "Verify a badge" } }
                        }
                    }
                    @if let Some(s) = session {
                        form method="post" action="/logout" {
                            (csrf(s))
                            button class="quiet" type="submit" { "Sign out" }
                        }
                    }
                }
                main id="main" { (body) }
                footer class="site" {
                    @if session.is_some_and(|s| s.team) {
                        p { "Your journal lives on your organisation's server; the team page says who can see what." }
                    } @else {
                        p { "Micromastery runs on this computer; your journal never leaves it." }
                    }
                }
            }
        }
    }
}

/// The page shown for an error: its status and one plain sentence.
pub fn error_page(status: StatusCode, message: &str) -> Markup {
    let reason = status.canonical_reason().unwrap_or("Error");
    page(
        reason,
        Nav::None,
        None,
        html! {
            div class="error-page" {
                h1 { (status.as_u16()) " " (reason) }
                p { (message) }
                p { a href="/" { "Back to the dashboard" } " · " a href="/verify" { "Verify a badge" } }
            }
        },
    )
}
