//! Reading plain HTML forms: every value arrives as text, and a value that
//! does not parse is a 422 naming its field (shown on the error page), never
//! a panic or a framework message. Also the redirect after a post.

use crate::error::HttpError;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

/// An urlencoded form's fields (the last value of a repeated name wins).
pub type Fields = HashMap<String, String>;

/// 422 naming `field`.
pub fn invalid(field: &str, message: impl Into<String>) -> HttpError {
    HttpError {
        field: Some(field.to_owned()),
        ..HttpError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }
}

/// A field's text, trimmed; `None` when absent or blank.
pub fn text(f: &Fields, name: &str) -> Option<String> {
    f.get(name)
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// A field's text as typed (a textarea keeps its line breaks); `None` when
/// absent.
pub fn raw(f: &Fields, name: &str) -> Option<String> {
    f.get(name).cloned()
}

/// A whole number of `what` (reps, errors, …); `None` when blank.
///
/// # Errors
/// 422 naming the field for anything but a whole number ≥ 0.
pub fn count(f: &Fields, name: &str) -> Result<Option<u32>, HttpError> {
    text(f, name)
        .map(|v| {
            v.parse::<u32>().map_err(|_| {
                invalid(
                    name,
                    format!("{name} must be a whole number, 0 or more (not {v:?})"),
                )
            })
        })
        .transpose()
}

/// A 303 to `to`: the redirect after a post, so a reload does not post again.
pub fn see_other(to: &str) -> Response {
    let mut res = (StatusCode::SEE_OTHER, "").into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}
