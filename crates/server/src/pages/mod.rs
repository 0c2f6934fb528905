//! The pages, rendered on the server with maud (escaped by construction).
//! One module per page area; each exposes its routes. Every page works
//! without JavaScript: links and plain HTML forms.

pub mod badges;
pub mod dashboard;
pub mod discover;
pub mod forms;
pub mod goal;
pub mod journal;
pub mod layout;
pub mod market;
pub mod portfolio;
pub mod review;
pub mod session;
pub mod timer;
pub mod verify;

use axum::Router;

/// The page routes that take small bodies (the upload pages add their own).
pub fn routes() -> Router<crate::AppState> {
    Router::new()
        .merge(dashboard::routes())
        .merge(goal::routes())
        .merge(badges::routes())
        .merge(session::routes())
        .merge(timer::routes())
        .merge(review::routes())
        .merge(discover::routes())
        .merge(market::routes())
        .merge(journal::routes())
        .merge(portfolio::routes())
}

/// The page routes that take uploads (postings, a journal).
pub fn upload_routes() -> Router<crate::AppState> {
    Router::new()
        .merge(market::upload_routes())
        .merge(journal::upload_routes())
}
