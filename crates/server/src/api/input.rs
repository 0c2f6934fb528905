//! Reading what a client sends, with errors that name the field: a JSON body
//! ([`ApiJson`]), a path id ([`goal_id`]), a form's text fields
//! ([`Fields`]), and a multipart form with one optional file
//! ([`read_form`]). The pages use the same readers.

use crate::error::HttpError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{StatusCode, header};
use mm_core::GoalId;
use serde::de::DeserializeOwned;

/// A JSON body. Unlike `axum::Json`, a field that is missing, of the wrong
/// type or unknown is a 422 naming it (`{"error": "invalid", "field": "minutes"}`),
/// and a body that is not JSON at all is a 400.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = crate::ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|c| {
                let c = c.split(';').next().unwrap_or("").trim();
                c == "application/json" || c.ends_with("+json")
            });
        if !is_json {
            return Err(HttpError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send the body as JSON (Content-Type: application/json)",
            )
            .into());
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            HttpError::new(
                e.status(),
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    "the body is larger than this route takes".to_owned()
                } else {
                    e.body_text()
                },
            )
        })?;
        parse_json(&bytes).map(ApiJson).map_err(Into::into)
    }
}

/// Parse `bytes` as `T`, naming the field at fault.
///
/// # Errors
/// 400 for text that is not JSON; 422 with the field for JSON of the wrong shape.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, HttpError> {
    if serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_err() {
        let e = serde_json::from_slice::<serde_json::Value>(bytes)
            .err()
            .map_or_else(|| "the body is not JSON".to_owned(), |e| e.to_string());
        return Err(HttpError::new(
            StatusCode::BAD_REQUEST,
            format!("the body is not JSON: {e}"),
        ));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let inner = e.inner().to_string();
        let path = e.path().to_string();
        // A missing field is reported at its parent: take its name from the message.
        let missing = inner
            .strip_prefix("missing field `")
            .and_then(|r| r.split('`').next())
            .map(|f| {
                if path == "." {
                    f.to_owned()
                } else {
                    format!("{path}.{f}")
                }
            });
        let field = missing.unwrap_or_else(|| {
            if path == "." {
                // An unknown field: its name is in the message too.
                inner
                    .strip_prefix("unknown field `")
                    .and_then(|r| r.split('`').next())
                    .unwrap_or("body")
                    .to_owned()
            } else {
                path
            }
        });
        let message = plain_words(inner.split(" at line ").next().unwrap_or(&inner));
        HttpError {
            field: Some(field.clone()),
            ..HttpError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("{field}: {message}"),
            )
        }
    })
}

/// A JSON reader's complaint in a client's words: what was expected, as
/// JSON names it (a whole number, an object, a list), not as the Rust type
/// behind the field (`u32`, `struct NewItem`, `enum DeadlineRule`).
fn plain_words(message: &str) -> String {
    let unquote = |t: &str| t.replace('`', "\"");
    let Some((said, expected)) = message.split_once(", expected ") else {
        return unquote(message);
    };
    if let Some(name) = said.strip_prefix("unknown variant ") {
        let choices = expected.strip_prefix("one of ").unwrap_or(expected);
        return format!(
            "{} is not one this field takes: give {}",
            unquote(name),
            choices.replace('`', "")
        );
    }
    let first = expected.split_whitespace().next().unwrap_or("");
    let plain = match first {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => "a whole number, 0 or more",
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => "a whole number",
        "f32" | "f64" => "a number",
        "struct" | "map" => "an object",
        "enum" => "an object with one of the keys this field takes",
        "a" | "an" => match expected {
            e if e.starts_with("a sequence") || e.starts_with("a tuple") => "a list",
            e if e.contains("string") => "text",
            e if e.contains("boolean") => "true or false",
            e if e.contains("map") => "an object",
            e => e,
        },
        _ => expected,
    };
    unquote(&format!("{said}, expected {plain}"))
}

/// A goal id from the path: anything that is not one is a goal that does not
/// exist (404), as an unknown number is.
///
/// # Errors
/// 404 for text that is not a goal id.
pub fn goal_id(raw: &str) -> Result<GoalId, HttpError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(GoalId)
        .ok_or_else(|| HttpError::new(StatusCode::NOT_FOUND, format!("no goal {raw}")))
}

/// A criterion number (from 1) from the path.
///
/// # Errors
/// 404 for text that is not a positive number.
pub fn criterion_number(raw: &str) -> Result<usize, HttpError> {
    raw.trim()
        .parse::<usize>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| HttpError::new(StatusCode::NOT_FOUND, format!("no criterion {raw}")))
}

/// The text fields of a form, in order (a field may repeat): what a
/// multipart form ([`read_form`]) or an urlencoded one (`Form<Fields>`)
/// sends. Every value arrives as text; one that does not parse is an
/// invalid-input error naming its field, never a panic or a framework
/// message.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of `name`, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The first value of `name` as typed (a textarea keeps its line
    /// breaks), when it was sent.
    pub fn raw(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    /// The first value of `name`, trimmed, when it is not blank.
    pub fn opt(&self, name: &str) -> Option<String> {
        let v = self.get(name).trim();
        (!v.is_empty()).then(|| v.to_owned())
    }

    /// These fields but `name` (a password or a secret a form that
    /// failed must not send back).
    pub fn without(self, name: &str) -> Fields {
        Fields(self.0.into_iter().filter(|(k, _)| k != name).collect())
    }

    /// Every non-blank value of `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    /// Whether `name` was sent with `value` (a ticked checkbox).
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }

    /// A whole number (0 or more) of `name`; `None` when blank.
    ///
    /// # Errors
    /// Invalid naming `name` for text that is not a whole number.
    pub fn opt_count(&self, name: &str) -> mm_app::Result<Option<u32>> {
        self.opt(name)
            .map(|v| {
                v.parse().map_err(|_| {
                    mm_app::Error::invalid_field(
                        name,
                        format!("{name} must be a whole number, 0 or more (not {v:?})"),
                    )
                })
            })
            .transpose()
    }

    /// A whole number, blank meaning `default`.
    ///
    /// # Errors
    /// As [`Fields::opt_count`].
    pub fn count(&self, name: &str, default: u32) -> mm_app::Result<u32> {
        Ok(self.opt_count(name)?.unwrap_or(default))
    }
}

/// An uploaded file: its name as the browser gave it, and its bytes.
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// A multipart form that could not be read: 413 past the upload limit
/// (saying the limit), else 400.
pub fn multipart_error(e: &axum::extract::multipart::MultipartError) -> HttpError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        HttpError::new(
            e.status(),
            format!(
                "the upload is larger than {} MB",
                crate::UPLOAD_LIMIT / (1024 * 1024)
            ),
        )
    } else {
        HttpError::new(
            StatusCode::BAD_REQUEST,
            format!("the form could not be read: {}", e.body_text()),
        )
    }
}

/// Read a multipart form: its text fields, and the file sent as `file_field`
/// (an empty file input sends a part with no name and no bytes: no file).
///
/// # Errors
/// 413 past the upload limit; 400 for a form that cannot be read; 422 naming
/// the field for a text field that is not UTF-8.
pub async fn read_form(
    mut form: Multipart,
    file_field: &str,
) -> Result<(Fields, Option<Upload>), HttpError> {
    let mut fields = Vec::new();
    let mut upload = None;
    loop {
        let next = form.next_field().await.map_err(|e| multipart_error(&e))?;
        let Some(part) = next else { break };
        let name = part.name().unwrap_or("").to_owned();
        let file_name = part.file_name().map(str::to_owned);
        let bytes = part.bytes().await.map_err(|e| multipart_error(&e))?;
        if name == file_field {
            let file_name = file_name.unwrap_or_default();
            if !(file_name.is_empty() && bytes.is_empty()) {
                upload = Some(Upload {
                    file_name,
                    bytes: bytes.to_vec(),
                });
            }
        } else {
            let text = String::from_utf8(bytes.to_vec()).map_err(|_| HttpError {
                field: Some(name.clone()),
                ..HttpError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    format!("the field {name:?} is not text"),
                )
            })?;
            fields.push((name, text));
        }
    }
    Ok((Fields(fields), upload))
}

/// The evidence an application form gives: an uploaded file (kept as its
/// name and SHA-256), else a link, else none.
pub fn evidence(f: &Fields, upload: Option<&Upload>) -> mm_app::Result<Option<mm_core::Evidence>> {
    match (upload, f.opt("evidence_url")) {
        (Some(u), _) => mm_app::records::file_evidence(&u.file_name, u.bytes.as_slice()).map(Some),
        (None, Some(url)) => mm_app::records::link_evidence(&url).map(Some),
        (None, None) => Ok(None),
    }
}

#[cfg(test)]
mod plain_words_tests {
    use super::plain_words;

    #[test]
    fn json_complaints_name_json_not_rust() {
        for (serde, plain) in [
            (
                "invalid value: integer `-5`, expected u32",
                "invalid value: integer \"-5\", expected a whole number, 0 or more",
            ),
            (
                "invalid type: integer `5`, expected enum DeadlineRule",
                "invalid type: integer \"5\", expected an object with one of the keys this field takes",
            ),
            (
                "invalid type: string \"x\", expected struct NewItem",
                "invalid type: string \"x\", expected an object",
            ),
            (
                "invalid type: integer `1`, expected a sequence",
                "invalid type: integer \"1\", expected a list",
            ),
            (
                "unknown variant `months`, expected `weeks` or `date`",
                "\"months\" is not one this field takes: give weeks or date",
            ),
            ("missing field `name`", "missing field \"name\""),
        ] {
            let said = plain_words(serde);
            assert_eq!(said, plain);
            assert!(!said.contains("::") && !said.contains('`'), "{said}");
        }
    }
}
