//! `POST /api/v1/verify` and the upload both it and the verify page read: a
//! badge (JSON-LD, a VC-JWT, or a baked PNG or SVG) and, optionally, the
//! issuer's published documents and status lists, checked offline by the
//! same verifier as `mm badge verify` ([`mm_credentials::verify`]).

use crate::error::HttpError;
use crate::{ApiError, AppState};
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use mm_credentials::verify::{self, Options, Report};

/// The multipart form the verifier reads (documented in the OpenAPI file).
#[derive(Debug, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct VerifyForm {
    /// The badge file: JSON-LD, a VC-JWT, or a baked PNG or SVG (this or
    /// `credential_text`).
    #[schema(format = Binary, value_type = Option<String>)]
    credential: Option<Vec<u8>>,
    /// The badge as text instead (a pasted VC-JWT or JSON-LD).
    credential_text: Option<String>,
    /// The issuer's DID documents or Profiles, as published (`did.json`);
    /// a JWK(S) also works. The part may repeat.
    #[schema(format = Binary, value_type = Option<Vec<String>>)]
    issuer_doc: Option<Vec<Vec<u8>>>,
    /// Revocation lists or status list credentials. The part may repeat.
    #[schema(format = Binary, value_type = Option<Vec<String>>)]
    status: Option<Vec<Vec<u8>>>,
}

/// What was uploaded: the credential and the options built from the rest.
#[derive(Debug)]
pub struct Upload {
    /// The credential's bytes.
    pub credential: Vec<u8>,
    /// The documents given besides it.
    pub options: Options,
    /// The names of the documents used, for the page.
    pub documents: Vec<String>,
}

fn bad(message: impl Into<String>) -> HttpError {
    HttpError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
}

fn field(e: HttpError, name: &str) -> HttpError {
    HttpError {
        field: Some(name.to_owned()),
        ..e
    }
}

/// Read the verifier's multipart form.
///
/// # Errors
/// 422 naming the field for a missing credential or an unreadable document;
/// 413 for an upload over the limit.
pub async fn read_upload(mut form: Multipart) -> Result<Upload, HttpError> {
    let mut credential: Option<Vec<u8>> = None;
    let mut options = Options::default();
    let mut documents = Vec::new();
    loop {
        let next = form
            .next_field()
            .await
            .map_err(|e| super::input::multipart_error(&e))?;
        let Some(part) = next else { break };
        let name = part.name().unwrap_or("").to_owned();
        let file = part.file_name().map(str::to_owned);
        let bytes = part
            .bytes()
            .await
            .map_err(|e| super::input::multipart_error(&e))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue; // an optional file input left empty
        }
        match name.as_str() {
            "credential" | "credential_text" => {
                if credential.is_some() {
                    return Err(field(
                        bad("give one badge: a file or a pasted text, not both"),
                        &name,
                    ));
                }
                credential = Some(bytes.to_vec());
            }
            "issuer_doc" | "status" => {
                let label = file.unwrap_or_else(|| name.clone());
                let v: serde_json::Value = serde_json::from_slice(&bytes)
                    .map_err(|e| field(bad(format!("{label} is not JSON: {e}")), &name))?;
                let added = if name == "status" {
                    options
                        .add_status_document(&v)
                        .map_err(|e| field(bad(format!("{label}: {e}")), &name))?
                } else {
                    options
                        .add_document(v)
                        .map(|()| true)
                        .map_err(|e| field(bad(format!("{label}: {e}")), &name))?
                };
                if !added {
                    return Err(field(
                        bad(format!(
                            "{label} is neither a revocation list nor a status list credential"
                        )),
                        &name,
                    ));
                }
                documents.push(label);
            }
            "csrf" => {}
            other => return Err(field(bad(format!("unknown field {other:?}")), other)),
        }
    }
    let Some(credential) = credential else {
        return Err(field(
            bad("choose a badge file to verify (JSON, JWT, PNG or SVG)"),
            "credential",
        ));
    };
    Ok(Upload {
        credential,
        options,
        documents,
    })
}

/// Verify an upload as of the server's clock.
pub fn check(state: &AppState, mut upload: Upload) -> Report {
    upload.options.now = Some(state.now());
    verify::verify(&upload.credential, &upload.options)
}

/// Verify a badge offline, step by step.
#[utoipa::path(
    post,
    path = "/api/v1/verify",
    tag = "badges",
    request_body(content = VerifyForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, description = "The report: every step and the verdict (valid, invalid, unconfirmed, unsupported)", body = Report),
        (status = 413, description = "Upload over 10 MB", body = crate::error::ErrorJson),
        (status = 422, description = "No badge, or an unreadable document", body = crate::error::ErrorJson),
    )
)]
pub async fn verify_badge(
    State(state): State<AppState>,
    form: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Json<Report>, ApiError> {
    let form = form.map_err(|e| HttpError::new(e.status(), e.body_text()))?;
    let upload = read_upload(form).await?;
    Ok(Json(check(&state, upload)))
}
