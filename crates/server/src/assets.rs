//! The assets, embedded in the binary: the app works offline and loads
//! nothing from elsewhere. Each is served with its type and a long cache
//! lifetime; a change of content comes with a new binary.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

/// The one style sheet (colours chosen to be told apart with any colour
/// vision: blue for done, orange for missing, always with a word and a mark).
pub const STYLE_CSS: &str = include_str!("../assets/style.css");

/// The asset routes.
pub fn routes() -> Router<crate::AppState> {
    Router::new().route("/assets/style.css", get(style))
}

async fn style() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLE_CSS,
    )
}
