//! The goal page, the badges page and their API (`/api/v1/goals/…`,
//! `/api/v1/badges`, `/api/v1/issuer`), driven in process through
//! `router().oneshot(..)` over the demo journal in a real SQLite file: each
//! endpoint with good input and with bad input (a bad id is a 404 in JSON, a
//! bad field a 422 naming it, a missing CSRF token a 403), and the pages'
//! forms with their redirect-after-post.

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use chrono::{DateTime, FixedOffset};
use http_body_util::BodyExt as _;
use mm_app::Clock;
use mm_server::AppState;
use serde_json::{Value, json};
use std::net::SocketAddr;
use tower::ServiceExt as _;

const HOST: &str = "127.0.0.1:8765";

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-25T09:00:00+00:00").unwrap()
}

/// The demo journal (goal 1 achieved, goal 2 in progress), an empty issuer
/// directory, and a signed-in client.
struct Fixture {
    _dir: tempfile::TempDir,
    state: AppState,
    cookie: String,
    csrf: String,
    achieved: i64,
    open: i64,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = mm_store::Store::open(&dir.path().join("mm.db").display().to_string())
        .await
        .unwrap();
    let app = mm_app::App::with_store(store.clone(), Clock::Fixed(now()))
        .await
        .unwrap();
    let demo = mm_app::demo::load(&app).await.unwrap();
    let addr: SocketAddr = HOST.parse().unwrap();
    let keys = mm_app::keys::FileKeyStore::new(dir.path().join("issuer"));
    let state = AppState::with_keys(store, Clock::Fixed(now()), addr, Some(keys));
    let mut f = Fixture {
        _dir: dir,
        state,
        cookie: String::new(),
        csrf: String::new(),
        achieved: demo.achieved.0,
        open: demo.in_progress.0,
    };
    let token = f.state.sessions().launch_token().to_owned();
    let (status, headers, _) = f
        .send(
            Request::get(format!("/?token={token}"))
                .header(header::HOST, HOST)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    f.cookie = common::cookie_pair(&headers);
    let (_, _, body) = f.get("/api/v1/session").await;
    f.csrf = json(&body)["csrf_token"].as_str().unwrap().to_owned();
    f
}

impl Fixture {
    fn app(&self) -> Router {
        mm_server::router(self.state.clone())
    }

    async fn send(&self, req: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
        let res = self.app().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, headers, body)
    }

    fn request(&self, method: Method, path: &str) -> axum::http::request::Builder {
        Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, HOST)
            .header(header::COOKIE, &self.cookie)
    }

    async fn get(&self, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        self.send(self.request(Method::GET, path).body(Body::empty()).unwrap())
            .await
    }

    /// A JSON request with the CSRF header.
    async fn json(&self, method: Method, path: &str, body: Value) -> (StatusCode, Value) {
        let (status, _, bytes) = self
            .send(
                self.request(method, path)
                    .header("x-csrf-token", &self.csrf)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(body.to_string()))
                    .unwrap(),
            )
            .await;
        (status, json(&bytes))
    }

    async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.json(Method::POST, path, body).await
    }

    /// A page form post (urlencoded, with the CSRF field).
    async fn form(&self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, HeaderMap, String) {
        let mut pairs: Vec<(&str, &str)> = vec![("csrf", &self.csrf)];
        pairs.extend_from_slice(fields);
        let body = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
            .collect::<Vec<_>>()
            .join("&");
        let (status, headers, bytes) = self
            .send(
                self.request(Method::POST, path)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        (
            status,
            headers,
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    }

    async fn page(&self, path: &str) -> String {
        let (status, _, body) = self.get(path).await;
        assert_eq!(status, StatusCode::OK, "GET {path}");
        String::from_utf8(body).unwrap()
    }
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            b' ' => "+".to_owned(),
            b => format!("%{b:02X}"),
        })
        .collect()
}

fn json(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(body)
                .chars()
                .take(300)
                .collect::<String>()
        )
    })
}

/// A 422 that names `field`.
#[track_caller]
fn names_field(status: StatusCode, v: &Value, field: &str) {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["error"], "invalid", "{v}");
    assert_eq!(v["field"], field, "{v}");
    assert!(!v["message"].as_str().unwrap_or("").is_empty(), "{v}");
}

#[track_caller]
fn not_found(status: StatusCode, v: &Value) {
    assert_eq!(status, StatusCode::NOT_FOUND, "{v}");
    assert_eq!(v["error"], "not_found", "{v}");
}

const BOUNDARY: &str = "mmgoalboundary4f2a";

fn multipart(texts: &[(&str, &str)], file: Option<(&str, &str, &[u8])>) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for (name, value) in texts {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((name, file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

fn sha256_hex(bytes: &[u8]) -> String {
    // The digest as mm-app records it, computed independently here.
    let e = mm_app::records::file_evidence("x", bytes).unwrap();
    match e {
        mm_core::Evidence::File { sha256, .. } => sha256,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_goal_as_json_and_ids_that_are_not_goals() {
    let f = fixture().await;
    let (status, _, body) = f.get(&format!("/api/v1/goals/{}", f.open)).await;
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    assert_eq!(
        v["micro_skill"]["name"],
        "Join three tables and aggregate with GROUP BY, without looking anything up"
    );
    assert_eq!(v["state"], "active");
    assert_eq!(v["sessions"].as_array().unwrap().len(), 2);
    assert_eq!(v["pace"]["minutes_done"], 65);
    assert_eq!(v["mastery"]["conditions"].as_array().unwrap().len(), 6);
    assert!(v["availability"].is_null() && v["plan"].is_null());
    for path in ["/api/v1/goals/999", "/api/v1/goals/abc", "/api/v1/goals/-1"] {
        let (status, _, body) = f.get(path).await;
        not_found(status, &json(&body));
    }
}

#[tokio::test]
async fn every_change_needs_the_csrf_token() {
    let f = fixture().await;
    let g = f.open;
    let writes = [
        (
            Method::PUT,
            format!("/api/v1/goals/{g}/criteria/1"),
            json!({"met": true}),
        ),
        (
            Method::POST,
            format!("/api/v1/goals/{g}/sessions"),
            json!({"minutes": 30, "aim": "x"}),
        ),
        (
            Method::POST,
            format!("/api/v1/goals/{g}/applications"),
            json!({"context": "a", "outcome": "b"}),
        ),
        (
            Method::POST,
            format!("/api/v1/goals/{g}/reflections"),
            json!({"worked": "a"}),
        ),
        (Method::POST, format!("/api/v1/goals/{g}/check"), json!({})),
        (
            Method::POST,
            format!("/api/v1/goals/{g}/extend"),
            json!({"to": "+1w", "reason": "x"}),
        ),
        (
            Method::POST,
            format!("/api/v1/goals/{g}/abandon"),
            json!({"reason": "x"}),
        ),
        (Method::POST, format!("/api/v1/goals/{g}/plan"), json!({})),
        (
            Method::POST,
            format!("/api/v1/goals/{g}/calendar"),
            json!({}),
        ),
        (
            Method::PUT,
            "/api/v1/profile/availability".into(),
            json!({"availability": "mon 07:00-08:00"}),
        ),
        (
            Method::POST,
            "/api/v1/issuer".into(),
            json!({"name": "x", "url": "https://x.example"}),
        ),
        (
            Method::POST,
            "/api/v1/badges".into(),
            json!({"goal": f.achieved, "email": "a@b.example"}),
        ),
        (
            Method::POST,
            "/api/v1/badges/0000/revoke".into(),
            json!({"reason": "x"}),
        ),
    ];
    for (method, path, body) in writes {
        let (status, _, bytes) = f
            .send(
                f.request(method.clone(), &path)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(body.to_string()))
                    .unwrap(),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}");
        assert_eq!(json(&bytes)["error"], "forbidden", "{method} {path}");
    }
    // Nothing was written.
    let (_, _, body) = f.get(&format!("/api/v1/goals/{g}")).await;
    let v = json(&body);
    assert_eq!(v["sessions"].as_array().unwrap().len(), 2);
    assert!(v["goal"]["extensions"].as_array().unwrap().is_empty());
    // Page forms too: a form without its field is refused with an HTML page.
    let (status, _, bytes) = f
        .send(
            f.request(Method::POST, &format!("/goals/{g}/check"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("x=1"))
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(String::from_utf8_lossy(&bytes).contains("<html"));
}

#[tokio::test]
async fn ticking_and_unticking_a_criterion() {
    let f = fixture().await;
    let g = f.open;
    let (status, v) = f
        .json(
            Method::PUT,
            &format!("/api/v1/goals/{g}/criteria/1"),
            json!({"met": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert!(v["criteria"][0]["met_at"].is_string());
    let (status, v) = f
        .json(
            Method::PUT,
            &format!("/api/v1/goals/{g}/criteria/1"),
            json!({"met": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(v["criteria"][0]["met_at"].is_null());
    for path in [
        format!("/api/v1/goals/{g}/criteria/9"),
        format!("/api/v1/goals/{g}/criteria/zero"),
        "/api/v1/goals/999/criteria/1".into(),
    ] {
        let (status, v) = f.json(Method::PUT, &path, json!({"met": true})).await;
        not_found(status, &v);
    }
    let (status, v) = f
        .json(
            Method::PUT,
            &format!("/api/v1/goals/{g}/criteria/1"),
            json!({"met": "yes"}),
        )
        .await;
    names_field(status, &v, "met");
    let (status, v) = f
        .json(
            Method::PUT,
            &format!("/api/v1/goals/{g}/criteria/1"),
            json!({}),
        )
        .await;
    names_field(status, &v, "met");
    let (status, v) = f
        .json(
            Method::PUT,
            &format!("/api/v1/goals/{g}/criteria/1"),
            json!({"met": true, "when": 1}),
        )
        .await;
    names_field(status, &v, "when");
}

#[tokio::test]
async fn logging_practice_and_what_is_refused() {
    let f = fixture().await;
    let path = format!("/api/v1/goals/{}/sessions", f.open);
    let (status, v) = f
        .post(&path, json!({"minutes": 45, "aim": "left joins", "reps": 5, "errors": 1, "difficulty": 3, "feedback": "ok"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["focused_minutes"], 45);
    assert_eq!(v["aim"], "left joins");
    assert_eq!(v["difficulty"], 3);
    let (status, v) = f
        .post(
            &path,
            json!({"minutes": "1h15m", "aim": "GROUP BY", "at": "yesterday 18:00"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["focused_minutes"], 75);
    assert!(
        v["started_at"]
            .as_str()
            .unwrap()
            .starts_with("2026-11-24T18:00")
    );

    let (status, v) = f.post(&path, json!({"minutes": "soon", "aim": "x"})).await;
    names_field(status, &v, "minutes");
    let (status, v) = f.post(&path, json!({"minutes": 30})).await;
    names_field(status, &v, "aim");
    let (status, v) = f.post(&path, json!({"minutes": 30, "aim": "  "})).await;
    names_field(status, &v, "aim");
    let (status, v) = f
        .post(&path, json!({"minutes": 30, "aim": "x", "difficulty": 9}))
        .await;
    names_field(status, &v, "difficulty");
    let (status, v) = f
        .post(&path, json!({"minutes": 30, "aim": "x", "reps": -1}))
        .await;
    names_field(status, &v, "reps");
    let (status, v) = f
        .post(
            &path,
            json!({"minutes": 30, "aim": "x", "at": "tomorrow 10:00"}),
        )
        .await;
    names_field(status, &v, "at");
    let (status, v) = f
        .post(&path, json!({"minutes": 30, "aim": "x", "minuts": 3}))
        .await;
    names_field(status, &v, "minuts");
    let (status, v) = f
        .post(
            "/api/v1/goals/999/sessions",
            json!({"minutes": 30, "aim": "x"}),
        )
        .await;
    not_found(status, &v);
    // Not JSON, and not said to be JSON.
    let (status, _, body) = f
        .send(
            f.request(Method::POST, &path)
                .header("x-csrf-token", &f.csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{minutes: 3"))
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json(&body)["error"], "bad_request");
    let (status, _, body) = f
        .send(
            f.request(Method::POST, &path)
                .header("x-csrf-token", &f.csrf)
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from("30m"))
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(json(&body)["error"], "unsupported_media_type");
    // Only the two good sessions were kept.
    let (_, _, body) = f.get(&format!("/api/v1/goals/{}", f.open)).await;
    assert_eq!(json(&body)["sessions"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn an_application_with_a_link_or_an_uploaded_file() {
    let f = fixture().await;
    let path = format!("/api/v1/goals/{}/applications", f.open);
    let (status, v) = f
        .post(&path, json!({"context": "customer report", "outcome": "query first try", "evidence_url": "https://example.org/report"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(
        v["evidence"],
        json!({"kind": "link", "url": "https://example.org/report"})
    );

    let file = b"SELECT 1;\n".repeat(1000);
    let (ctype, body) = multipart(
        &[
            ("context", "quarterly report"),
            ("outcome", "wrote it live"),
            ("impact", "a day early"),
        ],
        Some(("evidence", "report.sql", &file)),
    );
    let (status, _, bytes) = f
        .send(
            f.request(Method::POST, &path)
                .header("x-csrf-token", &f.csrf)
                .header(header::CONTENT_TYPE, ctype)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    let v = json(&bytes);
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["evidence"]["kind"], "file");
    assert_eq!(v["evidence"]["name"], "report.sql");
    assert_eq!(v["evidence"]["sha256"], sha256_hex(&file));
    assert_eq!(v["impact"], "a day early");

    let (status, v) = f.post(&path, json!({"outcome": "x"})).await;
    names_field(status, &v, "context");
    let (status, v) = f.post(&path, json!({"context": "x", "outcome": " "})).await;
    names_field(status, &v, "outcome");
    let (status, v) = f
        .post(
            &path,
            json!({"context": "x", "outcome": "y", "evidence_url": "not a link"}),
        )
        .await;
    names_field(status, &v, "evidence");
    let (status, v) = f
        .post(
            &path,
            json!({"context": "x", "outcome": "y", "at": "next week"}),
        )
        .await;
    names_field(status, &v, "at");
    let (status, v) = f
        .post(
            "/api/v1/goals/999/applications",
            json!({"context": "x", "outcome": "y"}),
        )
        .await;
    not_found(status, &v);
    // Over the upload limit: 413, in JSON.
    let big = vec![b'x'; mm_server::UPLOAD_LIMIT + 1024];
    let (ctype, body) = multipart(
        &[("context", "x"), ("outcome", "y")],
        Some(("evidence", "big.bin", &big)),
    );
    let (status, _, bytes) = f
        .send(
            f.request(Method::POST, &path)
                .header("x-csrf-token", &f.csrf)
                .header(header::CONTENT_TYPE, ctype)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(json(&bytes)["error"], "too_large");
    let (_, _, body) = f.get(&format!("/api/v1/goals/{}", f.open)).await;
    assert_eq!(json(&body)["applications"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn reflections_on_the_goal_or_a_session() {
    let f = fixture().await;
    let path = format!("/api/v1/goals/{}/reflections", f.open);
    let (status, v) = f
        .post(&path, json!({"worked": "keys first", "next": "window functions", "principles": ["relational joins"]}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["target"]["on"], "goal");
    assert_eq!(v["principles"].as_array().unwrap().len(), 1);
    let (_, _, body) = f.get(&format!("/api/v1/goals/{}", f.open)).await;
    let detail = json(&body);
    let principles = detail["mastery"]["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "principles")
        .unwrap()
        .clone();
    assert_eq!(principles["met"], true, "{principles}");
    let session = detail["sessions"][0]["id"].as_i64().unwrap();
    let (status, v) = f
        .post(&path, json!({"didnt": "slow", "session": session}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["target"], json!({"on": "session", "id": session}));

    let (status, v) = f.post(&path, json!({"worked": " ", "didnt": ""})).await;
    names_field(status, &v, "worked");
    let (status, v) = f
        .post(&path, json!({"worked": "x", "principles": "joins"}))
        .await;
    names_field(status, &v, "principles");
    // A session of the other goal.
    let (_, _, body) = f.get(&format!("/api/v1/goals/{}", f.achieved)).await;
    let other = json(&body)["sessions"][0]["id"].as_i64().unwrap();
    let (status, v) = f
        .post(&path, json!({"worked": "x", "session": other}))
        .await;
    names_field(status, &v, "session");
    let (status, v) = f
        .post(
            &path,
            json!({"worked": "x", "principles": ["no such principle"]}),
        )
        .await;
    not_found(status, &v);
    let (status, v) = f
        .post("/api/v1/goals/999/reflections", json!({"worked": "x"}))
        .await;
    not_found(status, &v);
}

#[tokio::test]
async fn the_mastery_check_extending_and_abandoning() {
    let f = fixture().await;
    let g = f.open;
    let (status, v) = f.post(&format!("/api/v1/goals/{g}/check"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(v["achieved"], false);
    assert_eq!(v["state"], "active");
    assert!(
        v["mastery"]["conditions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["met"] == false)
    );
    let (status, v) = f.post("/api/v1/goals/999/check", json!({})).await;
    not_found(status, &v);

    let (status, v) = f
        .post(
            &format!("/api/v1/goals/{g}/extend"),
            json!({"to": "+2w", "reason": "a busy week at work"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["extensions"][0]["reason"], "a busy week at work");
    assert_eq!(v["extensions"][0]["old_deadline"], "2026-12-03");
    assert_eq!(v["deadline"], "2026-12-09");
    let (status, v) = f
        .post(
            &format!("/api/v1/goals/{g}/extend"),
            json!({"to": "2026-11-01", "reason": "x"}),
        )
        .await;
    names_field(status, &v, "to");
    let (status, v) = f
        .post(
            &format!("/api/v1/goals/{g}/extend"),
            json!({"to": "someday", "reason": "x"}),
        )
        .await;
    names_field(status, &v, "to");
    let (status, v) = f
        .post(
            &format!("/api/v1/goals/{g}/extend"),
            json!({"to": "+3w", "reason": " "}),
        )
        .await;
    names_field(status, &v, "reason");
    let (status, v) = f
        .post(&format!("/api/v1/goals/{g}/extend"), json!({"to": "+3w"}))
        .await;
    names_field(status, &v, "reason");
    let (status, v) = f
        .post(
            "/api/v1/goals/999/extend",
            json!({"to": "+3w", "reason": "x"}),
        )
        .await;
    not_found(status, &v);

    let (status, v) = f
        .post(&format!("/api/v1/goals/{g}/abandon"), json!({"reason": ""}))
        .await;
    names_field(status, &v, "reason");
    let (status, v) = f
        .post(
            &format!("/api/v1/goals/{g}/abandon"),
            json!({"reason": "the team moved to a NoSQL store"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["state"], "abandoned");
    assert_eq!(v["abandon_reason"], "the team moved to a NoSQL store");
    let (status, v) = f
        .post(
            &format!("/api/v1/goals/{g}/abandon"),
            json!({"reason": "again"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an abandoned goal stays abandoned: {v}"
    );
    let (status, v) = f.post(&format!("/api/v1/goals/{g}/check"), json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
}

#[tokio::test]
async fn availability_a_plan_and_its_calendar() {
    let f = fixture().await;
    let g = f.open;
    let (status, v) = f.post(&format!("/api/v1/goals/{g}/plan"), json!({})).await;
    names_field(status, &v, "availability");
    let (status, v) = f
        .json(
            Method::PUT,
            "/api/v1/profile/availability",
            json!({"availability": "someday"}),
        )
        .await;
    names_field(status, &v, "availability");
    let (status, v) = f
        .json(
            Method::PUT,
            "/api/v1/profile/availability",
            json!({"availability": "mon-fri 07:00-07:45", "timezone": "Mars/Olympus"}),
        )
        .await;
    names_field(status, &v, "timezone");
    let (status, v) = f
        .json(Method::PUT, "/api/v1/profile/availability", json!({"availability": "mon-fri 07:00-07:45, sat 10:00-11:30", "timezone": "Europe/Paris"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["timezone"], "Europe/Paris");
    assert_eq!(v["weekly_minutes"], 5 * 45 + 90);

    let (status, v) = f.post(&format!("/api/v1/goals/{g}/plan"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["outcome"], "fits");
    assert!(!v["plan"]["items"].as_array().unwrap().is_empty());
    let (status, v) = f.post("/api/v1/goals/999/plan", json!({})).await;
    not_found(status, &v);
    let (status, v) = f
        .post(&format!("/api/v1/goals/{}/plan", f.achieved), json!({}))
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a closed goal is not planned: {v}"
    );

    let (status, v) = f
        .post(
            &format!("/api/v1/goals/{g}/calendar"),
            json!({"alarm_minutes": 10}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    let text = v["text"].as_str().unwrap();
    assert!(text.starts_with("BEGIN:VCALENDAR"), "{text}");
    assert!(text.contains("BEGIN:VALARM"));
    assert_eq!(
        text.matches("BEGIN:VEVENT").count(),
        v["events"].as_u64().unwrap() as usize
    );
    let (status, v) = f
        .post(
            &format!("/api/v1/goals/{g}/calendar"),
            json!({"alarm_minutes": "ten"}),
        )
        .await;
    names_field(status, &v, "alarm_minutes");
    let (status, v) = f
        .post(&format!("/api/v1/goals/{}/calendar", f.achieved), json!({}))
        .await;
    names_field(status, &v, "goal");
    let (status, v) = f.post("/api/v1/goals/999/calendar", json!({})).await;
    not_found(status, &v);
    // The goal's page shows the plan.
    let (_, _, body) = f.get(&format!("/api/v1/goals/{g}")).await;
    assert_eq!(
        json(&body)["availability"],
        "mon 07:00-07:45, tue 07:00-07:45, wed 07:00-07:45, thu 07:00-07:45, fri 07:00-07:45, sat 10:00-11:30 (Europe/Paris)"
    );
}

#[tokio::test]
async fn the_issuer_a_badge_its_files_and_revoking_it() {
    let f = fixture().await;
    let (status, _, body) = f.get("/api/v1/badges").await;
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    assert!(v["issuer"].is_null());
    assert_eq!(v["achieved"][0]["goal"], f.achieved);
    let (status, v) = f
        .post(
            "/api/v1/badges",
            json!({"goal": f.achieved, "email": "maya@example.org"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "no issuer yet: {v}");
    let (status, _, body) = f.get("/api/v1/issuer/documents/did.json").await;
    not_found(status, &json(&body));

    let (status, v) = f
        .post(
            "/api/v1/issuer",
            json!({"name": "Maya", "url": "not a url"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (status, v) = f.post("/api/v1/issuer", json!({"name": "Maya"})).await;
    names_field(status, &v, "url");
    let (status, v) = f
        .post(
            "/api/v1/issuer",
            json!({"name": "Maya's practice", "url": "https://badges.maya.example"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    assert_eq!(v["id"], "did:web:badges.maya.example");
    let (status, v) = f
        .post(
            "/api/v1/issuer",
            json!({"name": "Again", "url": "https://x.example"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");

    // Refused: not achieved, no earner, not an email, both.
    let (status, v) = f
        .post(
            "/api/v1/badges",
            json!({"goal": f.open, "email": "maya@example.org"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("not achieved"),
        "{v}"
    );
    let (status, v) = f.post("/api/v1/badges", json!({"goal": f.achieved})).await;
    names_field(status, &v, "email");
    let (status, v) = f
        .post(
            "/api/v1/badges",
            json!({"goal": f.achieved, "email": "maya"}),
        )
        .await;
    names_field(status, &v, "email");
    let (status, v) = f
        .post(
            "/api/v1/badges",
            json!({"goal": f.achieved, "email": "m@x.example", "did": "did:x"}),
        )
        .await;
    names_field(status, &v, "did");
    let (status, v) = f
        .post(
            "/api/v1/badges",
            json!({"goal": "one", "email": "m@x.example"}),
        )
        .await;
    names_field(status, &v, "goal");
    let (status, v) = f
        .post(
            "/api/v1/badges",
            json!({"goal": 999, "email": "m@x.example"}),
        )
        .await;
    not_found(status, &v);

    let (status, v) = f
        .post(
            "/api/v1/badges",
            json!({"goal": f.achieved, "email": "maya@example.org"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{v}");
    let id = v["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("urn:uuid:"));
    let uuid = id.trim_start_matches("urn:uuid:").to_owned();

    let (status, _, body) = f.get(&format!("/api/v1/badges/{uuid}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json(&body)["goal"], f.achieved);
    for (form, ctype) in [
        ("json", "application/ld+json"),
        ("jwt", "application/jwt"),
        ("jwt_rs256", "application/jwt"),
        ("svg", "image/svg+xml"),
        ("png", "image/png"),
    ] {
        let (status, headers, body) = f.get(&format!("/api/v1/badges/{id}/files/{form}")).await;
        assert_eq!(status, StatusCode::OK, "{form}");
        assert_eq!(headers[header::CONTENT_TYPE], ctype, "{form}");
        assert!(
            headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .starts_with("attachment; filename=\"badge-"),
            "{form}"
        );
        assert!(!body.is_empty());
    }
    // Each form verifies against the issuer's published documents.
    let (_, _, did) = f.get("/api/v1/issuer/documents/did.json").await;
    let (_, _, list) = f.get("/api/v1/issuer/documents/revocations.json").await;
    assert_eq!(json(&did)["id"], "did:web:badges.maya.example");
    for form in ["json", "jwt", "png", "svg"] {
        let (_, _, file) = f.get(&format!("/api/v1/badges/{uuid}/files/{form}")).await;
        assert_eq!(verdict(&f, &file, &did, &list).await, "valid", "{form}");
    }
    let (status, _, body) = f.get(&format!("/api/v1/badges/{uuid}/files/gif")).await;
    not_found(status, &json(&body));
    let (status, _, body) = f
        .get("/api/v1/badges/00000000-0000-0000-0000-000000000000")
        .await;
    not_found(status, &json(&body));
    let (status, _, body) = f.get("/api/v1/issuer/documents/keys.json").await;
    not_found(status, &json(&body));

    let (status, v) = f
        .post(
            &format!("/api/v1/badges/{uuid}/revoke"),
            json!({"reason": " "}),
        )
        .await;
    names_field(status, &v, "reason");
    let (status, v) = f
        .post("/api/v1/badges/nope/revoke", json!({"reason": "x"}))
        .await;
    not_found(status, &v);
    let (status, v) = f
        .post(
            &format!("/api/v1/badges/{uuid}/revoke"),
            json!({"reason": "issued to the wrong address"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{v}");
    assert_eq!(v["revocation_reason"], "issued to the wrong address");
    assert!(v["revoked_at"].is_string());
    let (_, _, list) = f.get("/api/v1/issuer/documents/revocations.json").await;
    let (_, _, file) = f.get(&format!("/api/v1/badges/{uuid}/files/json")).await;
    assert_eq!(
        verdict(&f, &file, &did, &list).await,
        "invalid",
        "a revoked badge is invalid"
    );
}

/// The public verifier's verdict on `credential` with the issuer's documents.
async fn verdict(f: &Fixture, credential: &[u8], did: &[u8], status_list: &[u8]) -> String {
    let mut body = Vec::new();
    for (name, file, bytes) in [
        ("credential", "badge", credential),
        ("issuer_doc", "did.json", did),
        ("status", "revocations.json", status_list),
    ] {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    let (status, _, bytes) = f
        .send(
            Request::post("/api/v1/verify")
                .header(header::HOST, HOST)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={BOUNDARY}"),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    json(&bytes)["verdict"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_dashboard_links_each_goal_and_each_missing_condition() {
    let f = fixture().await;
    let html = f.page("/").await;
    let g = f.open;
    assert!(
        html.contains(&format!("href=\"/goals/{g}\"")),
        "the open goal links to its page"
    );
    assert!(
        html.contains(&format!("href=\"/goals/{}\"", f.achieved)),
        "the achieved goal too"
    );
    for anchor in ["practice", "apply", "reflect", "criteria"] {
        assert!(
            html.contains(&format!("href=\"/goals/{g}#{anchor}\"")),
            "a missing condition links to #{anchor}"
        );
    }
    assert!(
        html.contains("href=\"/badges\""),
        "the navigation has the badges page"
    );
}

#[tokio::test]
async fn the_goal_page_and_its_forms() {
    let f = fixture().await;
    let g = f.open;
    let html = f.page(&format!("/goals/{g}")).await;
    assert!(html.contains("<h1>Join three tables and aggregate with GROUP BY"));
    assert!(html.contains("Mastery: 0 of 6 conditions met"), "{html}");
    assert!(
        html.contains(
            "<strong>aggregation</strong> <span class=\"said met-word\">(reflected on)</span>"
        ),
        "the pivot-table goal's reflection on aggregation counts here too"
    );
    for section in [
        "overview", "mastery", "criteria", "practice", "apply", "reflect", "plan", "deadline",
    ] {
        assert!(
            html.contains(&format!("<section id=\"{section}\"")),
            "{section}"
        );
    }
    assert!(!html.contains("<script"), "no script on the goal page");
    assert!(!html.contains("style="), "no inline style");
    assert!(html.contains(&format!(
        "action=\"/goals/{g}/applications?csrf={}\"",
        f.csrf
    )));
    assert!(
        html.matches(&format!("name=\"csrf\" value=\"{}\"", f.csrf))
            .count()
            >= 8
    );

    // Log practice: redirect-after-post, and the page says so.
    let (status, headers, _) = f
        .form(
            &format!("/goals/{g}/sessions"),
            &[
                ("minutes", "80m"),
                ("at", "now"),
                ("aim", "three-table totals"),
                ("reps", "6"),
                ("errors", "1"),
                ("difficulty", "3"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = headers[header::LOCATION].to_str().unwrap().to_owned();
    assert_eq!(to, format!("/goals/{g}?done=practice#practice"));
    let html = f.page(to.split('#').next().unwrap()).await;
    assert!(html.contains("Session logged."));
    assert!(html.contains("three-table totals"));
    assert!(html.contains("3 practice sessions (at least 3 needed)"));

    // A refused form: the page again, 422, the reason beside the form, the
    // field marked, what was typed kept.
    let (status, _, html) = f
        .form(
            &format!("/goals/{g}/sessions"),
            &[("minutes", "a while"), ("aim", "HAVING clauses")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("role=\"alert\""));
    assert!(html.contains("is not a duration"));
    assert!(html.contains("id=\"practice-minutes\" name=\"minutes\" type=\"text\" value=\"a while\" required aria-invalid=\"true\""), "{html}");
    assert!(html.contains("value=\"HAVING clauses\""));
    let (status, _, html) = f
        .form(
            &format!("/goals/{g}/sessions"),
            &[("minutes", "30"), ("aim", "x"), ("reps", "many")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        html.contains("reps must be a whole number, 0 or more (not &quot;many&quot;)"),
        "{html}"
    );

    // Tick the open criterion.
    let (status, headers, _) = f
        .form(&format!("/goals/{g}/criteria/1"), &[("met", "1")])
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers[header::LOCATION],
        format!("/goals/{g}?done=tick#criteria")
    );
    let (status, _, html) = f
        .form(&format!("/goals/{g}/criteria/7"), &[("met", "1")])
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "no criterion 7: the page says so"
    );
    assert!(html.contains("no criterion number 7"), "{html}");

    // An application with an uploaded file, on the page's multipart form.
    let (ctype, body) = multipart(
        &[
            ("context", "quarterly report"),
            ("outcome", "live query"),
            ("at", "now"),
        ],
        Some(("evidence", "report.sql", b"SELECT 1;")),
    );
    let (status, headers, _) = f
        .send(
            f.request(
                Method::POST,
                &format!("/goals/{g}/applications?csrf={}", f.csrf),
            )
            .header(header::CONTENT_TYPE, ctype)
            .body(Body::from(body))
            .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers[header::LOCATION],
        format!("/goals/{g}?done=apply#apply")
    );
    let html = f.page(&format!("/goals/{g}")).await;
    assert!(html.contains("report.sql"));
    assert!(html.contains(&sha256_hex(b"SELECT 1;")[..16]));
    // Without the token in the query, refused.
    let (ctype, body) = multipart(&[("context", "x"), ("outcome", "y")], None);
    let (status, _, _) = f
        .send(
            f.request(Method::POST, &format!("/goals/{g}/applications"))
                .header(header::CONTENT_TYPE, ctype)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Reflect on the principle left, then the mastery check says achieved.
    let html = f.page(&format!("/goals/{g}")).await;
    let principle = html
        .split("name=\"principle\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let (status, headers, _) = f
        .form(
            &format!("/goals/{g}/reflections"),
            &[
                ("about", "goal"),
                ("worked", "keys first"),
                ("principle", &principle),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{headers:?}");
    let (status, _, html) = f
        .form(&format!("/goals/{g}/reflections"), &[("about", "goal")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("say what worked"));
    let (status, headers, _) = f.form(&format!("/goals/{g}/check"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers[header::LOCATION],
        format!("/goals/{g}?done=achieved#mastery")
    );
    let html = f.page(&format!("/goals/{g}?done=achieved")).await;
    assert!(html.contains("the goal is achieved"));
    assert!(html.contains(&format!("href=\"/badges?goal={g}#issue\"")));
    assert!(
        !html.contains(&format!("action=\"/goals/{g}/sessions\"")),
        "no practice form on an achieved goal"
    );

    // Unknown goals are 404 pages.
    for path in ["/goals/999", "/goals/abc"] {
        let (status, headers, _) = f.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
    }
    let (status, _, _) = f
        .form("/goals/999/sessions", &[("minutes", "30"), ("aim", "x")])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn planning_extending_and_abandoning_on_the_page() {
    let f = fixture().await;
    let g = f.open;
    let html = f.page(&format!("/goals/{g}")).await;
    assert!(html.contains("When can you practise?"));
    let (status, _, html) = f
        .form(
            &format!("/goals/{g}/availability"),
            &[("availability", "whenever"), ("timezone", "UTC")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("value=\"whenever\""));
    let (status, headers, _) = f
        .form(
            &format!("/goals/{g}/availability"),
            &[
                ("availability", "mon-fri 07:00-07:45, sat 10:00-11:30"),
                ("timezone", "Europe/Paris"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers[header::LOCATION],
        format!("/goals/{g}?done=availability#plan")
    );
    let html = f.page(&format!("/goals/{g}")).await;
    assert!(html.contains("What is planned next"));
    assert!(html.contains("Re-plan from now"));
    let (status, headers, body) = f
        .form(&format!("/goals/{g}/calendar"), &[("alarm", "10m")])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"micromastery-goal-{g}.ics\"")
    );
    assert!(body.starts_with("BEGIN:VCALENDAR"));
    let (status, _, html) = f
        .form(&format!("/goals/{g}/calendar"), &[("alarm", "soonish")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("role=\"alert\""));

    let (status, _, html) = f
        .form(
            &format!("/goals/{g}/extend"),
            &[("to", "+1w"), ("reason", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("id=\"deadline-reason\""));
    assert!(html.contains("aria-invalid=\"true\""));
    let (status, headers, _) = f
        .form(
            &format!("/goals/{g}/extend"),
            &[("to", "+2w"), ("reason", "conference week")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers[header::LOCATION],
        format!("/goals/{g}?done=extend#deadline")
    );
    let html = f.page(&format!("/goals/{g}")).await;
    assert!(html.contains("conference week"));

    let (status, headers, _) = f
        .form(
            &format!("/goals/{g}/abandon"),
            &[("reason", "moving to another team")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{headers:?}");
    let html = f.page(&format!("/goals/{g}?done=abandon")).await;
    assert!(html.contains("Goal abandoned"));
    assert!(html.contains("moving to another team"));
    assert!(!html.contains(&format!("action=\"/goals/{g}/abandon\"")));
}

#[tokio::test]
async fn the_badges_page_creates_the_issuer_issues_downloads_and_revokes() {
    let f = fixture().await;
    let html = f.page("/badges").await;
    assert!(html.contains("No issuer yet"));
    assert!(html.contains("Create the issuer first."));
    let (status, _, html) = f
        .form("/badges/issuer", &[("name", "Maya"), ("url", "")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("role=\"alert\""));
    let (status, headers, _) = f
        .form(
            "/badges/issuer",
            &[
                ("name", "Maya's practice"),
                ("url", "https://badges.maya.example"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/badges?done=issuer#issuer");

    let html = f.page(&format!("/badges?goal={}", f.achieved)).await;
    assert!(html.contains("did:web:badges.maya.example"));
    assert!(html.contains("href=\"/badges/issuer/did.json\""));
    assert!(
        html.contains(&format!("<option value=\"{}\" selected", f.achieved)),
        "{html}"
    );
    let (status, _, html) = f
        .form(
            "/badges",
            &[("goal", &f.achieved.to_string()), ("email", "")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("say who earned it"));
    assert!(
        html.contains(
            "id=\"issue-email\" name=\"email\" type=\"text\" value=\"\" aria-invalid=\"true\""
        ),
        "{html}"
    );
    let (status, _, html) = f
        .form(
            "/badges",
            &[("goal", &f.open.to_string()), ("email", "maya@example.org")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(html.contains("not achieved"));
    let (status, headers, _) = f
        .form(
            "/badges",
            &[
                ("goal", &f.achieved.to_string()),
                ("email", "maya@example.org"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let to = headers[header::LOCATION].to_str().unwrap().to_owned();
    assert!(to.starts_with("/badges?done=issued#badge-"), "{to}");
    let uuid = to.rsplit("#badge-").next().unwrap().to_owned();
    let html = f.page("/badges?done=issued").await;
    assert!(html.contains("Badge issued and signed."));
    for form in ["json", "jwt", "jwt_rs256", "svg", "png"] {
        assert!(
            html.contains(&format!("href=\"/badges/{uuid}/{form}\"")),
            "{form}"
        );
        let (status, headers, body) = f.get(&format!("/badges/{uuid}/{form}")).await;
        assert_eq!(status, StatusCode::OK, "{form}");
        assert!(
            headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .starts_with("attachment")
        );
        assert!(!body.is_empty());
    }
    let (status, _, _) = f.get(&format!("/badges/{uuid}/pdf")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, headers, body) = f.get("/badges/issuer/revocations.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"revocations.json\""
    );
    assert!(
        json(&body)["revokedCredentials"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let (status, _, html) = f
        .form(&format!("/badges/{uuid}/revoke"), &[("reason", "")])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("say why the badge is revoked"));
    let (status, _, _) = f.form("/badges/nope/revoke", &[("reason", "x")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, headers, _) = f
        .form(
            &format!("/badges/{uuid}/revoke"),
            &[("reason", "wrong address")],
        )
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        headers[header::LOCATION],
        format!("/badges?done=revoked#badge-{uuid}")
    );
    let html = f.page("/badges").await;
    assert!(html.contains("Revoked"));
    assert!(html.contains("wrong address"));
    let (_, _, body) = f.get("/badges/issuer/revocations.json").await;
    assert_eq!(
        json(&body)["revokedCredentials"].as_array().unwrap().len(),
        1
    );
}
