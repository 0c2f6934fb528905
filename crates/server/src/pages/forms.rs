//! What the pages' forms share: the CSRF field, redirect-after-post, the
//! notice a page shows after an action (or the error that stopped it,
//! beside the form at fault), and file downloads. The fields themselves are
//! read with [`Fields`] (`Form<Fields>` for a plain form), the reader the
//! API's multipart forms use too.

pub use crate::api::input::Fields;
use crate::error::HttpError;
use crate::security::{CSRF_FIELD, Session};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};

/// The hidden CSRF field every state-changing form carries.
pub fn csrf(session: &Session) -> Markup {
    html! { input type="hidden" name=(CSRF_FIELD) value=(session.csrf); }
}

/// A form's `action` for a multipart form, which carries the CSRF token in
/// the query (the guard does not read multipart bodies).
pub fn multipart_action(path: &str, session: &Session) -> String {
    format!("{path}?{CSRF_FIELD}={}", session.csrf)
}

/// Redirect after a successful post (303: the browser GETs the page).
pub fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// What a page says after an action, or why it failed.
#[derive(Debug, Clone)]
pub struct Notice {
    /// The section (its element id) the notice belongs to.
    pub section: &'static str,
    /// Whether it reports a failure.
    pub failed: bool,
    pub message: String,
    /// The input at fault, for a failure.
    pub field: Option<String>,
    /// What was typed, so a failed form keeps it.
    pub typed: Fields,
}

impl Notice {
    /// A success message for `section`.
    pub fn done(section: &'static str, message: impl Into<String>) -> Self {
        Notice {
            section,
            failed: false,
            message: message.into(),
            field: None,
            typed: Fields::default(),
        }
    }

    /// The failure of the form in `section`, keeping what was typed.
    pub fn failed(section: &'static str, e: &HttpError, typed: Fields) -> Self {
        Notice {
            section,
            failed: true,
            message: e.message.clone(),
            field: e.field.clone(),
            typed,
        }
    }

    /// The notice, when it belongs to `section`.
    pub fn render(notice: Option<&Notice>, section: &str) -> Markup {
        html! {
            @if let Some(n) = notice.filter(|n| n.section == section) {
                @if n.failed {
                    div class="notice notice-error" role="alert" id=(format!("{section}-error")) {
                        strong { "Not saved: " } (n.message)
                    }
                } @else {
                    div class="notice notice-done" role="status" {
                        span class="mark" aria-hidden="true" { "✓ " } (n.message)
                    }
                }
            }
        }
    }

    /// What was typed into `name` in this section's failed form, else `default`.
    pub fn value<'a>(
        notice: Option<&'a Notice>,
        section: &str,
        name: &str,
        default: &'a str,
    ) -> &'a str {
        match notice.filter(|n| n.section == section && n.failed) {
            Some(n) if n.typed.0.iter().any(|(k, _)| k == name) => n.typed.get(name),
            _ => default,
        }
    }

    /// Whether `name` in `section` is the field at fault (for `aria-invalid`).
    pub fn invalid(notice: Option<&Notice>, section: &str, name: &str) -> Option<&'static str> {
        notice
            .filter(|n| n.section == section && n.failed && n.field.as_deref() == Some(name))
            .map(|_| "true")
    }
}

/// A file to download: its type, and `Content-Disposition: attachment`.
pub fn download(file_name: &str, media_type: &str, bytes: Vec<u8>) -> Response {
    // The name is made by us from a slug and a uuid; keep it plain anyway.
    let safe: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(media_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}
