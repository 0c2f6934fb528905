//! The public verify page: anyone (no session needed) uploads a badge file
//! and sees each verification step with its result, and the verdict. A plain
//! multipart form; nothing is stored, nothing is fetched.

use super::layout::{Nav, page};
use crate::api::verify::{check, read_upload};
use crate::security::Session;
use crate::{AppState, PageError};
use axum::Router;
use axum::extract::{Extension, Multipart, State};
use axum::response::Html;
use axum::routing::get;
use maud::{Markup, html};
use mm_credentials::verify::{Check, Level, Report, Verdict};

/// The verify page's routes.
pub fn routes() -> Router<AppState> {
    Router::new().route("/verify", get(form_page).post(result_page))
}

async fn form_page(session: Option<Extension<Session>>) -> Html<String> {
    let session = session.map(|Extension(s)| s);
    Html(page("Verify a badge", Nav::Verify, session.as_ref(), form()).into_string())
}

async fn result_page(
    State(state): State<AppState>,
    session: Option<Extension<Session>>,
    form_data: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Html<String>, PageError> {
    let session = session.map(|Extension(s)| s);
    let form_data =
        form_data.map_err(|e| crate::error::HttpError::new(e.status(), e.body_text()))?;
    let upload = read_upload(form_data).await?;
    let documents = upload.documents.clone();
    let report = check(&state, upload);
    let body = html! {
        (report_view(&report, &documents))
        (form())
    };
    Ok(Html(
        page("Verification result", Nav::Verify, session.as_ref(), body).into_string(),
    ))
}

fn form() -> Markup {
    html! {
        h1 { "Verify a badge" }
        p {
            "Check an Open Badges 3.0 micro-credential: a JSON-LD file, a VC-JWT, or a badge baked into a PNG or SVG image. "
            "It is checked here, offline, step by step; nothing is stored."
        }
        form class="upload" method="post" action="/verify" enctype="multipart/form-data" {
            div class="field" {
                label for="credential" { "Badge file" }
                input id="credential" name="credential" type="file" accept=".json,.jwt,.png,.svg,application/json,image/png,image/svg+xml" aria-describedby="credential-hint";
                span id="credential-hint" class="hint" { "JSON, JWT, PNG or SVG, up to 10 MB." }
            }
            div class="field" {
                label for="credential_text" { "Or paste the badge" }
                textarea id="credential_text" name="credential_text" rows="3" {}
            }
            div class="field" {
                label for="issuer_doc" { "The issuer's published document (optional)" }
                input id="issuer_doc" name="issuer_doc" type="file" accept=".json,application/json" aria-describedby="issuer-hint";
                span id="issuer-hint" class="hint" { "Its did.json or profile, to confirm the issuer controls the signing key." }
            }
            div class="field" {
                label for="status" { "A revocation or status list (optional)" }
                input id="status" name="status" type="file" accept=".json,application/json";
            }
            div { button type="submit" { "Verify" } }
        }
    }
}

fn verdict_words(v: Verdict) -> (&'static str, &'static str, &'static str) {
    match v {
        Verdict::Valid => ("verdict-valid", "✓ VALID", "every step passed."),
        Verdict::Invalid => ("verdict-invalid", "✗ INVALID", "something is proven wrong."),
        Verdict::Unconfirmed => (
            "verdict-unconfirmed",
            "? UNCONFIRMED",
            "nothing is wrong, but not everything could be confirmed offline (give the issuer's document or a status list).",
        ),
        Verdict::Unsupported => (
            "verdict-unsupported",
            "? UNSUPPORTED",
            "this credential uses something this verifier does not handle; nothing is known to be wrong.",
        ),
    }
}

fn check_words(c: &Check) -> (&'static str, &'static str) {
    match c {
        Check::Pass(_) => ("result-pass", "✓ pass"),
        Check::Fail(_) => ("result-fail", "✗ fail"),
        Check::Unconfirmed(_) => ("result-unconfirmed", "? unconfirmed"),
        Check::Unsupported(_) => ("result-unsupported", "? unsupported"),
        Check::Skipped(_) => ("result-skipped", "– skipped"),
    }
}

/// One report: the verdict, every step, the findings, and bundled credentials.
fn report_view(report: &Report, documents: &[String]) -> Markup {
    let (class, word, says) = verdict_words(report.verdict);
    html! {
        section aria-labelledby="result" {
            h1 id="result" { "Result" }
            div class=(format!("verdict {class}")) role="status" {
                strong { (word) } ": " (says)
                @if let Some(reason) = report.reason() { br; (reason) }
            }
            p {
                "Credential " code { (report.credential_id.as_deref().unwrap_or("without an id")) }
                " (" (report.format) ")"
                @if !documents.is_empty() { ", checked with " (documents.join(", ")) }
                "."
            }
            (steps(report, "Verification steps"))
            @for (i, inner) in report.included.iter().enumerate() {
                (steps(inner, &format!("Included credential {} of {}: {:?}", i + 1, report.included.len(), inner.verdict)))
            }
        }
    }
}

fn steps(report: &Report, caption: &str) -> Markup {
    html! {
        table {
            caption { (caption) }
            thead { tr { th scope="col" { "Step" } th scope="col" { "Result" } th scope="col" { "Detail" } } }
            tbody {
                @for s in &report.steps {
                    @let (class, word) = check_words(&s.check);
                    tr { th scope="row" { (s.name) } td class=(class) { (word) } td { (s.check.detail()) } }
                }
                @for f in &report.findings {
                    tr {
                        th scope="row" { (f.rule) }
                        td class=(if f.level == Level::Error { "result-fail" } else { "result-unconfirmed" }) {
                            (if f.level == Level::Error { "✗ error" } else { "! warning" })
                        }
                        td { (f.message) }
                    }
                }
            }
        }
    }
}
