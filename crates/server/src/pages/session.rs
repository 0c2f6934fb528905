//! Signing out: a plain form post (with the CSRF field) that ends the session.

use crate::AppState;
use crate::security::SessionId;
use axum::extract::{Extension, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Router, response::Html};
use maud::html;

/// The session routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/logout", post(logout))
}

async fn logout(State(state): State<AppState>, Extension(id): Extension<SessionId>) -> Response {
    state.sessions().close(&id.0);
    let body = super::layout::page(
        "Signed out",
        super::layout::Nav::None,
        None,
        html! {
            h1 { "Signed out" }
            p { "Open the URL that " code { "mm serve" } " printed to come back." }
        },
    );
    (
        StatusCode::OK,
        [(
            header::SET_COOKIE,
            format!(
                "{}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0",
                crate::security::COOKIE
            ),
        )],
        Html(body.into_string()),
    )
        .into_response()
}
