//! Errors as the web speaks them: a JSON body for the API, an HTML page for
//! the pages, with the status of the error's [`mm_app::ErrorKind`]. Internal
//! details (5xx) are logged on the server's stderr and never sent.
//!
//! [`uniform`] catches what the framework answers on its own (an unknown
//! route, a wrong method, an oversized body, a malformed form) and gives it
//! the same shape, so no response is ever a bare text or a stack trace.

use axum::body::to_bytes;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The JSON body of every API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorJson {
    /// A stable code: `not_found`, `invalid`, `conflict`, `unavailable`,
    /// `internal`, `unauthorized`, `forbidden`, `misdirected`, `too_large`,
    /// `bad_request`, `method_not_allowed`, `unsupported_media_type`.
    pub error: String,
    /// One plain sentence.
    pub message: String,
    /// The input field concerned, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// A failure with its HTTP status; rendered by [`ApiError`] or [`PageError`].
#[derive(Debug)]
pub struct HttpError {
    /// The status.
    pub status: StatusCode,
    /// The stable code (see [`ErrorJson::error`]).
    pub code: String,
    /// One plain sentence, safe to show.
    pub message: String,
    /// The input field concerned, when known.
    pub field: Option<String>,
}

impl HttpError {
    /// A failure with the code of its status.
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        HttpError {
            status,
            code: code_of(status).to_owned(),
            message: message.into(),
            field: None,
        }
    }
}

/// The code of a status the framework or the guard answers with.
fn code_of(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        409 => "conflict",
        413 => "too_large",
        415 => "unsupported_media_type",
        421 => "misdirected",
        422 => "invalid",
        503 => "unavailable",
        s if s >= 500 => "internal",
        _ => "bad_request",
    }
}

impl From<mm_app::Error> for HttpError {
    fn from(e: mm_app::Error) -> Self {
        let kind = e.kind();
        let status =
            StatusCode::from_u16(kind.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let message = match kind {
            mm_app::ErrorKind::Internal => {
                log_detail(status, &e.to_string());
                "something went wrong on the server; its log has the details".to_owned()
            }
            // A named resource's message is written to be shown (what to fix).
            mm_app::ErrorKind::Unavailable if e.what().is_some() => {
                log_detail(status, &e.to_string());
                e.message().to_owned()
            }
            mm_app::ErrorKind::Unavailable => {
                log_detail(status, &e.to_string());
                "the journal cannot be reached right now; try again in a moment".to_owned()
            }
            _ => e.message().to_owned(),
        };
        HttpError {
            status,
            code: kind.as_str().to_owned(),
            message,
            field: e.field().map(str::to_owned),
        }
    }
}

fn log_detail(status: StatusCode, detail: &str) {
    eprintln!("mm serve: {} {detail}", status.as_u16());
}

/// An error answered as JSON (the API).
#[derive(Debug)]
pub struct ApiError(pub HttpError);

impl<E: Into<HttpError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        let body = ErrorJson {
            error: e.code,
            message: e.message,
            field: e.field,
        };
        let mut res = (e.status, axum::Json(body)).into_response();
        res.extensions_mut().insert(Rendered);
        res
    }
}

/// An error answered as an HTML page (the pages).
#[derive(Debug)]
pub struct PageError(pub HttpError);

impl<E: Into<HttpError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        let page = crate::pages::layout::error_page(e.status, &e.message);
        let mut res = (e.status, axum::response::Html(page.into_string())).into_response();
        res.extensions_mut().insert(Rendered);
        res
    }
}

/// Marks an error response already rendered in the house shape.
#[derive(Debug, Clone, Copy)]
struct Rendered;

/// No route here.
pub async fn not_found(uri: Uri) -> Response {
    let e = HttpError::new(StatusCode::NOT_FOUND, format!("no page at {}", uri.path()));
    if crate::security::is_api(uri.path()) {
        ApiError(e).into_response()
    } else {
        PageError(e).into_response()
    }
}

/// Give an error the framework produced (plain text) the house shape.
pub async fn uniform(path: &str, res: Response) -> Response {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error())
        || res.extensions().get::<Rendered>().is_some()
    {
        return res;
    }
    let is_text = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_none_or(|c| c.starts_with("text/plain"));
    if !is_text {
        return res;
    }
    let text = to_bytes(res.into_body(), 16 * 1024)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let message = if status.is_server_error() {
        log_detail(status, &text);
        "something went wrong on the server; its log has the details".to_owned()
    } else if status == StatusCode::PAYLOAD_TOO_LARGE {
        format!(
            "the request body is too large (at most {} MB for JSON and forms, {} MB for uploads)",
            crate::JSON_LIMIT / (1024 * 1024),
            crate::UPLOAD_LIMIT / (1024 * 1024)
        )
    } else if status == StatusCode::METHOD_NOT_ALLOWED {
        format!("{path} does not take this method")
    } else if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_owned()
    } else {
        text
    };
    let e = HttpError::new(status, message);
    if crate::security::is_api(path) {
        ApiError(e).into_response()
    } else {
        PageError(e).into_response()
    }
}
