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

/// The focus timer's script (ticks the clock, sends checkpoints); the
/// timer page works without it.
pub const TIMER_JS: &str = include_str!("../assets/timer.js");
/// The discover page's script (role suggestions as you type); the search
/// form works without it.
pub const DISCOVER_JS: &str = include_str!("../assets/discover.js");

/// The asset routes.
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/assets/style.css", get(style))
        .route("/assets/timer.js", get(|| script(TIMER_JS)))
        .route("/assets/discover.js", get(|| script(DISCOVER_JS)))
}

async fn script(body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
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
