//! The focus timer, review, discover, market and export flows, driven in
//! process (`router().oneshot(..)`) over a real SQLite journal: each API
//! endpoint with good and bad input, and each page as a browser without
//! JavaScript would use it (plain forms, redirects after posts).
//!
//! Time passes between requests by opening the same journal with a later
//! clock: a new `AppState` is also what a server restart gives, so the
//! timer is shown to outlive both a closed tab and the server process.

mod common;

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use http_body_util::BodyExt as _;
use mm_app::Clock;
use mm_core::*;
use mm_server::AppState;
use serde_json::{Value, json};
use std::net::SocketAddr;
use tower::ServiceExt as _;

const HOST: &str = "127.0.0.1:8765";

fn t0() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-03-10T12:00:00+00:00").unwrap()
}

/// A journal, and a signed-in browser on a server whose clock reads
/// `minutes` after [`t0`].
struct Journal {
    _dir: tempfile::TempDir,
    store: mm_store::Store,
}

struct Browser {
    state: AppState,
    cookie: String,
    csrf: String,
}

/// A journal with one open goal (id 1) and one 40-minute session.
async fn journal() -> Journal {
    let j = empty_journal().await;
    common::one_goal(&j.store, t0().with_timezone(&Utc), 140, Duration::hours(26)).await;
    j
}

async fn empty_journal() -> Journal {
    let dir = tempfile::tempdir().unwrap();
    let store = mm_store::Store::open(&dir.path().join("mm.db").display().to_string())
        .await
        .unwrap();
    Journal { _dir: dir, store }
}

/// A server over `j` whose clock reads `minutes` after t0, and a browser
/// signed in to it.
async fn browser(j: &Journal, minutes: i64) -> Browser {
    browser_with(j, minutes, None).await
}

/// As [`browser`], on a server that holds the badge issuer's key store.
async fn browser_with(
    j: &Journal,
    minutes: i64,
    keys: Option<mm_app::keys::FileKeyStore>,
) -> Browser {
    let addr: SocketAddr = HOST.parse().unwrap();
    let clock = Clock::Fixed(t0() + Duration::minutes(minutes));
    let state = AppState::with_keys(j.store.clone(), clock, addr, keys);
    let token = state.sessions().launch_token().to_owned();
    let res = mm_server::router(state.clone())
        .oneshot(
            Request::get(format!("/?token={token}"))
                .header(header::HOST, HOST)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = common::cookie_pair(res.headers());
    let mut b = Browser {
        state,
        cookie,
        csrf: String::new(),
    };
    let (_, _, body) = b.get("/api/v1/session").await;
    b.csrf = json(&body)["csrf_token"].as_str().unwrap().to_owned();
    b
}

impl Browser {
    async fn send(&self, req: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
        let res = mm_server::router(self.state.clone())
            .oneshot(req)
            .await
            .unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, headers, body)
    }

    fn req(&self, method: &str, path: &str) -> axum::http::request::Builder {
        Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, HOST)
            .header(header::COOKIE, &self.cookie)
    }

    async fn get(&self, path: &str) -> (StatusCode, HeaderMap, Vec<u8>) {
        self.send(self.req("GET", path).body(Body::empty()).unwrap())
            .await
    }

    /// A JSON request with the CSRF header.
    async fn api(&self, method: &str, path: &str, body: Value) -> (StatusCode, Value) {
        let (s, _, b) = self
            .send(
                self.req(method, path)
                    .header("x-csrf-token", &self.csrf)
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(Body::from(body.to_string()))
                    .unwrap(),
            )
            .await;
        (s, if b.is_empty() { Value::Null } else { json(&b) })
    }

    /// A plain form post, as a browser sends it (the CSRF field included).
    async fn form(&self, path: &str, fields: &[(&str, &str)]) -> (StatusCode, HeaderMap, String) {
        let mut body = format!("csrf={}", self.csrf);
        for (k, v) in fields {
            body.push_str(&format!("&{k}={}", enc(v)));
        }
        let (s, h, b) = self
            .send(
                self.req("POST", path)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(body))
                    .unwrap(),
            )
            .await;
        (s, h, String::from_utf8(b).unwrap())
    }

    /// A multipart upload: the CSRF token in the query (pages) and the
    /// header (the API).
    async fn upload(
        &self,
        path: &str,
        parts: &[(&str, Option<&str>, &[u8])],
    ) -> (StatusCode, Vec<u8>) {
        let (s, _, b) = self.upload_with_headers(path, parts).await;
        (s, b)
    }

    /// An upload that must answer 303 (Post/Redirect/Get): where it sends
    /// the browser.
    async fn upload_redirected(&self, path: &str, parts: &[(&str, Option<&str>, &[u8])]) -> String {
        let (s, h, body) = self.upload_with_headers(path, parts).await;
        assert_eq!(
            s,
            StatusCode::SEE_OTHER,
            "{}",
            String::from_utf8_lossy(&body)
        );
        h[header::LOCATION].to_str().unwrap().to_owned()
    }

    /// [`Browser::upload`] with the answer's headers.
    async fn upload_with_headers(
        &self,
        path: &str,
        parts: &[(&str, Option<&str>, &[u8])],
    ) -> (StatusCode, HeaderMap, Vec<u8>) {
        let boundary = "mmflowsboundary41";
        let mut body = Vec::new();
        for (name, file, bytes) in parts {
            let disp = match file {
                Some(f) => format!("form-data; name=\"{name}\"; filename=\"{f}\""),
                None => format!("form-data; name=\"{name}\""),
            };
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: {disp}\r\n\r\n").as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let sep = if path.contains('?') { '&' } else { '?' };
        self.send(
            self.req("POST", &format!("{path}{sep}csrf={}", self.csrf))
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    async fn page(&self, path: &str) -> String {
        let (s, _, b) = self.get(path).await;
        let html = String::from_utf8(b).unwrap();
        assert_eq!(s, StatusCode::OK, "GET {path}: {html}");
        html
    }

    async fn json_get(&self, path: &str) -> (StatusCode, Value) {
        let (s, _, b) = self.get(path).await;
        (s, json(&b))
    }
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn json(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(body)
                .chars()
                .take(400)
                .collect::<String>()
        )
    })
}

fn location(h: &HeaderMap) -> &str {
    h[header::LOCATION].to_str().unwrap()
}

// ---------------------------------------------------------------- timer

#[tokio::test]
async fn the_timer_outlives_a_closed_tab_and_a_restart_and_saves_the_session() {
    let j = journal().await;
    let start = browser(&j, 0).await;
    let (s, v) = start
        .api(
            "POST",
            "/api/v1/timer",
            json!({"goal": 1, "aim": "three-table joins", "limit": "25m"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["focused_seconds"], 0);
    assert_eq!(v["phase"], "running");
    assert_eq!(v["micro_skill"], "Write a left join");
    assert_eq!(v["remaining_seconds"], 25 * 60);

    // Ten minutes later, another server over the same journal (a restart,
    // a new tab): the clock has run, by the server's own reading.
    let later = browser(&j, 10).await;
    let html = later.page("/timer").await;
    assert!(html.contains(">10:00<"), "elapsed from the server: {html}");
    assert!(html.contains(">15:00<"), "remaining: {html}");
    assert!(html.contains("three-table joins"));
    assert!(html.contains("src=\"/assets/timer.js\""));
    assert!(
        html.contains("data-speed=\"0\""),
        "on a fixed clock the page's clock stands still too: {html}"
    );
    let (s, v) = later
        .api(
            "POST",
            "/api/v1/timer/checkpoint",
            json!({"reps": 4, "errors": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["focused_seconds"], 600);
    assert_eq!(v["reps"], 4);
    let session = v["session"]
        .as_i64()
        .expect("the checkpoint wrote the session");
    let (_, v) = later.json_get("/api/v1/status").await;
    assert_eq!(
        v["open"][0]["pace"]["minutes_done"], 50,
        "40 logged + 10 so far"
    );

    // Past the limit: the session ends at 25 focused minutes and asks the
    // end-of-session questions.
    let end = browser(&j, 31).await;
    let (s, v) = end.json_get("/api/v1/timer").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (v["phase"].as_str(), v["at_limit"].as_bool()),
        (Some("ending"), Some(true))
    );
    assert_eq!(v["focused_seconds"], 25 * 60);
    let html = end.page("/timer").await;
    assert!(
        html.contains("End of session") && html.contains("How hard was it?"),
        "{html}"
    );
    assert!(
        !html.contains("Back to the timer"),
        "no going back past the limit"
    );
    let (s, v) = end.api("POST", "/api/v1/timer/resume", Value::Null).await;
    assert_eq!(s, StatusCode::CONFLICT, "{v}");
    assert!(v["message"].as_str().unwrap().contains("limit"));
    let (s, v) = end
        .api(
            "POST",
            "/api/v1/timer/finish",
            json!({"reps": 6, "interruptions": 2, "difficulty": 4, "feedback": "watch the join keys"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let saved = &v["session"];
    assert_eq!(
        saved["id"].as_i64(),
        Some(session),
        "the checkpointed session, finished"
    );
    assert_eq!(saved["focused_minutes"], 25);
    assert_eq!(
        (saved["reps"].as_u64(), saved["errors"].as_u64()),
        (Some(6), Some(1))
    );
    assert_eq!(saved["interruptions"], 2);
    assert_eq!(saved["difficulty"], 4);
    assert_eq!(saved["feedback"], "watch the join keys");
    assert_eq!(v["counted"]["sessions"], 2);
    let (s, v) = end.json_get("/api/v1/timer").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(v["error"], "not_found");
}

#[tokio::test]
async fn the_timer_api_refuses_bad_input_with_one_clear_error() {
    let j = journal().await;
    let b = browser(&j, 0).await;
    // No CSRF token: 403, nothing started.
    let (s, _, _) = b
        .send(
            b.req("POST", "/api/v1/timer")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"goal": 1, "aim": "x"}"#))
                .unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    for (body, status, field) in [
        (json!({"goal": 99, "aim": "x"}), StatusCode::NOT_FOUND, None),
        (
            json!({"goal": 1, "aim": "  "}),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("aim"),
        ),
        (
            json!({"goal": 1, "aim": "x", "limit": "soon"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("limit"),
        ),
        (
            json!({"goal": "one", "aim": "x"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        ),
    ] {
        let (s, v) = b.api("POST", "/api/v1/timer", body.clone()).await;
        assert_eq!(s, status, "{body}: {v}");
        assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{v}");
        if let Some(f) = field {
            assert_eq!(v["field"], f, "{body}: {v}");
        }
    }
    let (s, _, _) = b
        .send(
            b.req("POST", "/api/v1/timer")
                .header("x-csrf-token", &b.csrf)
                .body(Body::from("goal=1"))
                .unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Nothing runs yet: every action is a 404.
    for path in [
        "/api/v1/timer/checkpoint",
        "/api/v1/timer/pause",
        "/api/v1/timer/resume",
        "/api/v1/timer/stop",
        "/api/v1/timer/finish",
    ] {
        let (s, v) = b.api("POST", path, json!({})).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{path}: {v}");
    }
    let (s, _) = b.api("DELETE", "/api/v1/timer", Value::Null).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (s, _) = b
        .api("POST", "/api/v1/timer", json!({"goal": 1, "aim": "joins"}))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, v) = b
        .api("POST", "/api/v1/timer", json!({"goal": 1, "aim": "again"}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "one timer at a time: {v}");
    assert!(v["message"].as_str().unwrap().contains("already running"));
    let (s, v) = b
        .api("POST", "/api/v1/timer/checkpoint", json!({"reps": -1}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    let (s, v) = b
        .api("POST", "/api/v1/timer/finish", json!({"difficulty": 9}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["field"], "difficulty");
    // Still running after the refusals; discarding it leaves no session.
    let (s, v) = b.json_get("/api/v1/timer").await;
    assert_eq!((s, v["aim"].as_str()), (StatusCode::OK, Some("joins")));
    let (s, _) = b.api("DELETE", "/api/v1/timer", Value::Null).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, v) = b.json_get("/api/v1/timer").await;
    assert_eq!(v["error"], "not_found");
}

#[tokio::test]
async fn the_timer_pages_work_without_javascript() {
    let j = journal().await;
    let b = browser(&j, 0).await;
    let html = b.page("/timer?goal=1").await;
    assert!(html.contains("Start the timer"));
    assert!(html.contains("<option value=\"1\" selected"), "{html}");
    // A blank aim comes back as an HTML page naming the problem.
    let (s, _, html) = b.form("/timer/start", &[("goal", "1"), ("aim", "")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("<html") && html.contains("aim"), "{html}");
    let (s, h, _) = b
        .form(
            "/timer/start",
            &[("goal", "1"), ("aim", "outer joins"), ("limit", "")],
        )
        .await;
    assert_eq!((s, location(&h)), (StatusCode::SEE_OTHER, "/timer"));

    // Five minutes in, pause (the counts typed so far go with it).
    let b5 = browser(&j, 5).await;
    let (s, h, _) = b5
        .form(
            "/timer/pause",
            &[
                ("reps", "3"),
                ("errors", "0"),
                ("interruptions", "1"),
                ("notes", "NULL keys"),
            ],
        )
        .await;
    assert_eq!((s, location(&h)), (StatusCode::SEE_OTHER, "/timer"));
    let (s, _, html) = b5.form("/timer/checkpoint", &[("reps", "many")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("reps must be a whole number"), "{html}");
    // Ten minutes of pause do not count; resume, and stop five minutes later.
    let b15 = browser(&j, 15).await;
    let html = b15.page("/timer").await;
    assert!(
        html.contains(">05:00<") && html.contains("Paused") && html.contains("Resume"),
        "{html}"
    );
    assert!(html.contains("NULL keys"));
    b15.form("/timer/resume", &[]).await;
    let b20 = browser(&j, 20).await;
    let (s, _, _) = b20.form("/timer/stop", &[("reps", "7")]).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let b50 = browser(&j, 50).await;
    let html = b50.page("/timer").await;
    assert!(html.contains("End of session"), "{html}");
    assert!(
        html.contains("Focused <strong>10:00</strong> over 20:00"),
        "the stop froze both clocks: {html}"
    );
    let (s, h, _) = b50
        .form(
            "/timer/finish",
            &[
                ("reps", "7"),
                ("errors", "2"),
                ("interruptions", "1"),
                ("difficulty", "3"),
                ("feedback", ""),
                ("notes", "NULL keys"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let to = location(&h).to_owned();
    assert!(to.starts_with("/timer?saved="), "{to}");
    let html = b50.page(&to).await;
    assert!(
        html.contains("Saved session") && html.contains("10m focused on goal 1"),
        "{html}"
    );
    assert!(
        html.contains("7 reps, 2 errors, 1 interruptions, difficulty 3"),
        "{html}"
    );
    assert!(html.contains("Start the timer"), "ready for the next one");

    // Start and discard: nothing saved.
    b50.form("/timer/start", &[("goal", "1"), ("aim", "x")])
        .await;
    let (s, h, _) = b50.form("/timer/discard", &[]).await;
    assert_eq!(
        (s, location(&h)),
        (StatusCode::SEE_OTHER, "/timer?discarded=1")
    );
    let (_, v) = b50.json_get("/api/v1/timer").await;
    assert_eq!(v["error"], "not_found");
}

#[tokio::test]
async fn the_timer_script_is_embedded_and_served_as_javascript() {
    let j = journal().await;
    let b = browser(&j, 0).await;
    for path in ["/assets/timer.js", "/assets/discover.js"] {
        let (s, h, body) = b.get(path).await;
        assert_eq!(s, StatusCode::OK, "{path}");
        assert!(
            h[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/javascript")
        );
        let text = String::from_utf8(body).unwrap();
        assert!(text.contains("/api/v1/"), "{path} talks to the API");
        assert!(
            !text.contains("http://") && !text.contains("https://"),
            "{path} loads nothing from elsewhere"
        );
    }
}

// ---------------------------------------------------------------- review

/// The rows of the table whose body is `data-series="name"`, as cell texts.
fn series(html: &str, name: &str) -> Vec<Vec<String>> {
    let start = html
        .find(&format!("data-series=\"{name}\""))
        .unwrap_or_else(|| panic!("no {name} table"));
    let body = &html[start..html[start..].find("</tbody>").unwrap() + start];
    body.split("<tr>")
        .skip(1)
        .map(|row| {
            row.split(['<', '>'])
                .collect::<Vec<_>>()
                .windows(2)
                .filter(|w| w[0].starts_with("td") || w[0].starts_with("th scope=\"row\""))
                .map(|w| w[1].to_owned())
                .collect()
        })
        .collect()
}

#[tokio::test]
async fn the_review_page_charts_the_same_numbers_as_the_json() {
    let j = journal().await;
    let b = browser(&j, 0).await;
    let (s, v) = b.json_get("/api/v1/review?days=14").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["minutes"], 40);
    assert_eq!(v["minutes_per_day"].as_array().unwrap().len(), 14);
    let cumulative = v["cumulative"].as_array().unwrap();
    assert_eq!(cumulative.last().unwrap()["minutes"], 40);
    // 140 minutes a week = 20 a day, from the goal's start three days ago.
    assert_eq!(cumulative.last().unwrap()["planned"], 80);

    let html = b.page("/review?days=14").await;
    let days = series(&html, "minutes_per_day");
    assert_eq!(days.len(), 14);
    for (row, d) in days.iter().zip(v["minutes_per_day"].as_array().unwrap()) {
        assert_eq!(row[0], d["date"].as_str().unwrap());
        assert_eq!(row[1], d["minutes"].to_string());
    }
    let cum = series(&html, "cumulative");
    assert_eq!(cum.len(), cumulative.len());
    for (row, d) in cum.iter().zip(cumulative) {
        assert_eq!(
            (row[0].as_str(), &row[1], &row[2]),
            (
                d["date"].as_str().unwrap(),
                &d["minutes"].to_string(),
                &d["planned"].to_string()
            )
        );
    }
    let forecast = v["retention_forecast"].as_array().unwrap();
    let ret = series(&html, "retention_forecast");
    assert_eq!(ret.len(), forecast.len());
    for (row, d) in ret.iter().zip(forecast) {
        assert_eq!(row[1], d["due"].to_string());
    }
    let bal = series(&html, "balance");
    let last = bal.last().unwrap();
    assert_eq!(last[0], "not assigned yet");
    assert_eq!(last[1], v["balance"]["unassigned"].to_string());
    // Four charts, drawn by plotters with labelled axes, Okabe–Ito colours,
    // each named for assistive technology.
    assert_eq!(
        html.matches("<svg role=\"img\" aria-labelledby=").count(),
        4,
        "{html}"
    );
    for label in [
        "Focused minutes",
        "Minutes since the period began",
        "Refreshers due (bars)",
        "Mean predicted recall",
        "Day",
    ] {
        assert!(html.contains(label), "axis label {label:?}");
    }
    assert!(
        html.contains("#0072B2") && html.contains("#D55E00"),
        "Okabe–Ito blue and vermillion"
    );
    assert!(!html.contains("style="), "no inline style (CSP)");
    assert!(!html.contains("<script"), "the review needs no script");

    let (s, h, svg) = b.get("/api/v1/review/charts.svg?days=14").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "image/svg+xml");
    let svg = String::from_utf8(svg).unwrap();
    assert!(
        svg.starts_with("<svg")
            && svg.contains("Practice per day")
            && svg.contains("Long-term arcs against quick wins")
    );
}

#[tokio::test]
async fn a_review_period_that_is_no_number_of_days_is_refused() {
    let j = journal().await;
    let b = browser(&j, 0).await;
    for days in ["0", "abc", "400", "-3"] {
        let (s, v) = b.json_get(&format!("/api/v1/review?days={days}")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{days}");
        assert_eq!(v["field"], "days");
        let (s, _, html) = b.get(&format!("/review?days={days}")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            String::from_utf8(html)
                .unwrap()
                .contains("days must be a whole number")
        );
    }
    let html = b.page("/review").await;
    assert_eq!(
        series(&html, "minutes_per_day").len(),
        7,
        "a week by default"
    );
}

// ---------------------------------------------------------------- discover

#[tokio::test]
async fn roles_are_suggested_as_you_type() {
    let j = journal().await;
    let b = browser(&j, 0).await;
    let (s, v) = b.json_get("/api/v1/roles?q=data%20an&top=5").await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let titles: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert!(!titles.is_empty() && titles.len() <= 5, "{titles:?}");
    assert!(
        titles[0].to_lowercase().starts_with("data an"),
        "the titles that start with the words typed come first: {titles:?}"
    );
    assert!(
        v[0]["key"].as_str().unwrap().starts_with("http")
            || v[0]["key"].as_str().unwrap().contains('-')
    );
    let mut folded: Vec<String> = titles.iter().map(|t| t.to_lowercase()).collect();
    folded.sort();
    folded.dedup();
    assert_eq!(folded.len(), titles.len(), "each title once: {titles:?}");
    let (_, v) = b.json_get("/api/v1/roles?q=d").await;
    assert_eq!(v, json!([]), "one letter is too little to suggest");
    let (s, v) = b.json_get("/api/v1/roles?q=nurse&top=0").await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("top"))
    );
    let (s, v) = b.json_get("/api/v1/roles?q=nurse&top=lots").await;
    assert!(s.is_client_error(), "{v}");
}

#[tokio::test]
async fn discover_ranks_with_evidence_and_commits_to_a_suggestion() {
    let j = journal().await;
    let b = browser(&j, 0).await;
    let (s, v) = b
        .api(
            "POST",
            "/api/v1/discover",
            json!({"role": "data analyst", "top": 5, "no_market": true}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let micro = v["micro"].as_array().unwrap();
    assert!(!micro.is_empty() && micro.len() <= 5);
    assert!(
        micro[0]["components"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["evidence"].is_string())
    );

    // The page: the same ranking, with the evidence and a way to commit.
    let (s, _, html) = b
        .form("/discover", &[("role", "data analyst"), ("top", "5")])
        .await;
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(html.contains("Micro-skills for"), "{html}");
    assert!(
        html.contains("the score&#39;s components and their evidence")
            || html.contains("the score's components and their evidence")
    );
    assert!(html.contains("/discover/commit?from="));

    // Rank 1 of the remembered ranking fills a goal form…
    let (s, form) = b.json_get("/api/v1/discover/form?from=1").await;
    assert_eq!(s, StatusCode::OK, "{form}");
    assert!(!form["micro_skill"].as_str().unwrap().is_empty());
    assert!(!form["done_when"].as_array().unwrap().is_empty());
    let html = b.page("/discover/commit?from=1").await;
    assert!(
        html.contains(&format!("value=\"{}\"", form["deadline"].as_str().unwrap())),
        "{html}"
    );
    assert!(
        html.contains(form["done_when"][0].as_str().unwrap()),
        "{html}"
    );
    // …and committing creates the goal (then shows its page).
    let (s, h, html) = b
        .form(
            "/discover/commit",
            &[
                ("from", "1"),
                ("deadline", "+3w"),
                ("weekly", "90m"),
                ("level", "2"),
                ("done_when", "one\ntwo"),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::SEE_OTHER, "{html}");
    assert_eq!(location(&h), "/goals/2");
    let (_, st) = b.json_get("/api/v1/status").await;
    let created = st["open"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["goal"] == 2)
        .expect("goal 2 is open");
    assert_eq!(created["deadline"], "2026-03-31");
    assert!(!created["micro_skill"].as_str().unwrap().is_empty());

    // The API commits the same way, and names the field at fault.
    let (s, v) = b
        .api(
            "POST",
            "/api/v1/discover/commit",
            json!({"from": "1", "deadline": "2020-01-01"}),
        )
        .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("deadline")),
        "{v}"
    );
    let (s, v) = b
        .api(
            "POST",
            "/api/v1/discover/commit",
            json!({"from": "1", "level": "guru"}),
        )
        .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("level")),
        "{v}"
    );
    let (s, v) = b
        .api(
            "POST",
            "/api/v1/discover/commit",
            json!({"from": "2", "weekly": "2h"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["goal"]["weekly_minutes"], 120);
}

#[tokio::test]
async fn discover_refuses_what_it_cannot_rank() {
    let j = journal().await;
    let b = browser(&j, 0).await;
    // No ranking yet: a rank names nothing.
    let (s, v) = b.json_get("/api/v1/discover/form?from=1").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, v) = b.json_get("/api/v1/discover/form?from=not-a-thing").await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("from")),
        "{v}"
    );
    let (s, v) = b
        .api("POST", "/api/v1/discover", json!({"no_market": true}))
        .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("role")),
        "no role and no target role: {v}"
    );
    let (s, v) = b
        .api(
            "POST",
            "/api/v1/discover",
            json!({"role": "nurse", "top": 0}),
        )
        .await;
    assert_eq!(
        (s, v["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("top")),
        "{v}"
    );
    let (s, v) = b
        .api(
            "POST",
            "/api/v1/discover",
            json!({"occupation": "http://data.europa.eu/esco/occupation/nope"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    let (s, _, html) = b.form("/discover", &[("role", ""), ("top", "5")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("which role?"), "{html}");
    let (s, _, _) = b.get("/discover/commit").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let html = b.page("/discover").await;
    assert!(html.contains("list=\"role-options\"") && html.contains("src=\"/assets/discover.js\""));
}

// ---------------------------------------------------------------- market

/// The first `n` postings of the shipped sample (SkillSpan's train split).
fn postings(n: usize) -> Vec<u8> {
    let all = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/postings/postings.jsonl"),
    )
    .unwrap();
    all.lines()
        .take(n)
        .collect::<Vec<_>>()
        .join("\n")
        .into_bytes()
}

#[tokio::test]
async fn a_postings_upload_gives_shares_with_intervals_and_is_kept() {
    let j = journal().await;
    let b = browser(&j, 0).await;
    let file = postings(40);
    let (s, body) = b
        .upload(
            "/api/v1/market",
            &[
                ("postings", Some("ads.jsonl"), &file),
                ("min_support", None, b"2"),
            ],
        )
        .await;
    let v = json(&body);
    assert_eq!(s, StatusCode::OK, "{v}");
    let report = &v["analysis"]["report"];
    assert!(
        report["postings"].as_u64().unwrap() > 20,
        "{}",
        report["postings"]
    );
    let skills = report["skills"].as_array().unwrap();
    assert!(!skills.is_empty());
    for s in skills.iter().take(10) {
        let (lo, share, hi) = (
            s["ci_low"].as_f64().unwrap(),
            s["share"].as_f64().unwrap(),
            s["ci_high"].as_f64().unwrap(),
        );
        assert!(lo <= share && share <= hi, "{s}");
    }
    assert!(
        skills
            .iter()
            .any(|s| !s["cooccurs"].as_array().unwrap().is_empty()),
        "co-occurrence at support 2"
    );
    let id = v["saved"]["id"].as_i64().expect("kept in the journal");
    assert_eq!(v["analysis"]["sources"], json!(["ads.jsonl"]));
    let (_, list) = b.json_get("/api/v1/market").await;
    assert_eq!(list[0]["id"].as_i64(), Some(id));
    let (s, saved) = b.json_get(&format!("/api/v1/market/{id}")).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(saved["report"]["postings"], report["postings"]);
    let top = skills[0]["label"].as_str().unwrap();
    let html = b.page(&format!("/market/{id}")).await;
    assert!(html.contains(&maud::html! { (top) }.into_string()), "{top}");
    assert!(html.contains("95% interval"));

    // The page: the same analysis from a plain multipart form.
    let (s, body) = b
        .upload(
            "/market",
            &[
                ("postings", Some("ads.jsonl"), &file),
                ("save", None, b"false"),
            ],
        )
        .await;
    let html = String::from_utf8(body).unwrap();
    assert_eq!(s, StatusCode::OK, "{html}");
    assert!(
        html.contains("postings counted") && html.contains("Asked for with"),
        "{html}"
    );
    assert!(
        !html.contains("Saved as market analysis"),
        "save=false keeps nothing"
    );
    let html = b.page("/market").await;
    assert!(html.contains(&format!("href=\"/market/{id}\"")));

    // Saved (the default): Post/Redirect/Get to the saved analysis, which
    // says so; the list holds one more, and only one.
    let to = b
        .upload_redirected("/market", &[("postings", Some("ads.jsonl"), &file)])
        .await;
    let (_, list) = b.json_get("/api/v1/market").await;
    let newest = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["id"].as_i64())
        .max()
        .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");
    assert_eq!(to, format!("/market/{newest}?done=saved&skipped=0"));
    let html = b.page(&to).await;
    assert!(
        html.contains(&format!("Saved as market analysis {newest}"))
            && html.contains("95% interval"),
        "{html}"
    );
    assert!(
        !b.page(&format!("/market/{newest}"))
            .await
            .contains("Saved as")
    );
}

#[tokio::test]
async fn a_bad_postings_upload_names_its_field() {
    let j = journal().await;
    let b = browser(&j, 0).await;
    let file = postings(5);
    for (parts, field) in [
        (vec![("role", None, &b"nurse"[..])], "postings"),
        (
            vec![
                ("postings", Some("ads.jsonl"), &file[..]),
                ("since", None, b"2025/01"),
            ],
            "since",
        ),
        (
            vec![
                ("postings", Some("ads.jsonl"), &file[..]),
                ("min_support", None, b"0"),
            ],
            "min_support",
        ),
        (
            vec![("postings", Some("ads.jsonl"), &b"  \n"[..])],
            "postings",
        ),
        (
            vec![
                ("postings", Some("ads.jsonl"), &file[..]),
                ("colour", None, b"red"),
            ],
            "colour",
        ),
    ] {
        let (s, body) = b.upload("/api/v1/market", &parts).await;
        let v = json(&body);
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {v}");
        assert_eq!(v["field"], field, "{v}");
    }
    // A CSV without the text column, and text that names no skill.
    let (s, body) = b
        .upload(
            "/api/v1/market",
            &[("postings", Some("ads.csv"), b"title,body\nanalyst,SQL\n")],
        )
        .await;
    assert!(
        s.is_client_error(),
        "{s}: {}",
        String::from_utf8_lossy(&body)
    );
    assert!(json(&body)["message"].as_str().unwrap().contains("text"));
    let (s, body) = b
        .upload(
            "/api/v1/market",
            &[(
                "postings",
                Some("ads.jsonl"),
                br#"{"text": "we like cake and long walks"}"#,
            )],
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        String::from_utf8_lossy(&body)
    );
    let (s, v) = b.json_get("/api/v1/market/999").await;
    assert_eq!(
        (s, v["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (s, _) = b.json_get("/api/v1/market/abc").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, body) = b.upload("/market", &[("role", None, b"nurse")]).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("choose a postings file")
    );
}

// ---------------------------------------------------------------- journal

#[tokio::test]
async fn the_journal_exports_and_imports_all_or_nothing() {
    let j = journal().await;
    let b = browser(&j, 0).await;
    let (s, h, body) = b.get("/api/v1/journal").await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        h[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains("micromastery-journal-2026-03-10.json")
    );
    let doc = json(&body);
    assert_eq!(doc["goals"].as_array().unwrap().len(), 1);
    assert_eq!(doc["sessions"].as_array().unwrap().len(), 1);
    let (s, _, page_body) = b.get("/journal/export").await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        json(&page_body)["goals"],
        doc["goals"],
        "the page's download is the same document"
    );

    // Into a fresh journal: everything arrives.
    let fresh = empty_journal().await;
    let f = browser(&fresh, 0).await;
    let (s, v) = f.api("POST", "/api/v1/journal", doc.clone()).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(
        (v["goals"].as_u64(), v["sessions"].as_u64()),
        (Some(1), Some(1))
    );
    let (_, st) = f.json_get("/api/v1/status").await;
    assert_eq!(st["open"][0]["micro_skill"], "Write a left join");
    // A second time: the journal is no longer empty; nothing is written.
    let (s, v) = f.api("POST", "/api/v1/journal", doc.clone()).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert!(
        v["message"].as_str().unwrap().contains("not imported"),
        "{v}"
    );
    let (_, again) = f.json_get("/api/v1/journal").await;
    assert_eq!(again["sessions"].as_array().unwrap().len(), 1);

    // A broken journal into a fresh one: refused whole, naming the record.
    let mut broken = doc.clone();
    broken["sessions"][0]["goal_id"] = json!(77);
    let other = empty_journal().await;
    let o = browser(&other, 0).await;
    let (s, v) = o.api("POST", "/api/v1/journal", broken).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
    assert_eq!(v["field"], "journal");
    let (_, st) = o.json_get("/api/v1/status").await;
    assert_eq!(st["open"], json!([]), "nothing half-written");
    let (s, v) = o
        .api("POST", "/api/v1/journal", json!({"hello": "world"}))
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{v}");

    // The page: an upload into the (still empty) journal.
    let (s, body) = o
        .upload(
            "/journal/import",
            &[("journal", Some("j.json"), b"{not json")],
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        String::from_utf8(body)
            .unwrap()
            .contains("not a Micromastery journal")
    );
    // Post/Redirect/Get: the page it lands on says what was imported.
    let to = o
        .upload_redirected(
            "/journal/import",
            &[(
                "journal",
                Some("j.json"),
                &serde_json::to_vec(&doc).unwrap(),
            )],
        )
        .await;
    assert!(to.starts_with("/journal?done=imported&"), "{to}");
    let html = o.page(&to).await;
    assert!(
        html.contains("Journal imported: 1 skills, 1 micro-skills, 1 goals, 1 sessions"),
        "{html}"
    );
    let (_, now) = o.json_get("/api/v1/journal").await;
    assert_eq!(now["sessions"].as_array().map(Vec::len), Some(1), "{now}");
    let html = o.page("/journal").await;
    assert!(html.contains("href=\"/journal/export\"") && html.contains("href=\"/portfolio\""));
}

/// The demo journey's journal with a badge issued for its achieved goal,
/// and the issuer's key store.
async fn demo_with_a_badge() -> (Journal, tempfile::TempDir, mm_app::keys::FileKeyStore) {
    let demo = empty_journal().await;
    let app = mm_app::App::with_store(demo.store.clone(), Clock::Fixed(t0()))
        .await
        .unwrap();
    let loaded = mm_app::demo::load(&app).await.unwrap();
    let keys_dir = tempfile::tempdir().unwrap();
    let keys = mm_app::keys::FileKeyStore::new(keys_dir.path().join("issuer"));
    mm_app::badges::create_issuer(
        t0().with_timezone(&Utc),
        &keys,
        "Maya",
        "https://maya.example",
    )
    .await
    .unwrap();
    mm_app::badges::issue(
        &app,
        &keys,
        loaded.achieved,
        &mm_app::badges::Earner::Email("maya@example.org".into()),
    )
    .await
    .unwrap();
    (demo, keys_dir, keys)
}

fn disposition(h: &HeaderMap) -> &str {
    h[header::CONTENT_DISPOSITION].to_str().unwrap()
}

#[tokio::test]
async fn the_portfolio_lists_badges_and_says_when_there_are_none() {
    let j = journal().await;
    let b = browser(&j, 0).await;
    let (s, v) = b.json_get("/api/v1/portfolio").await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{v}");
    assert!(v["message"].as_str().unwrap().contains("badge"));
    let (s, _, html) = b.get("/portfolio/export").await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert!(String::from_utf8(html).unwrap().contains("<html"));
    let html = b.page("/portfolio").await;
    assert!(html.contains("No badge yet"), "{html}");
    assert!(
        !html.contains("action=\"/portfolio/export\""),
        "nothing to download yet"
    );

    let (demo, _keys_dir, _keys) = demo_with_a_badge().await;
    let d = browser(&demo, 0).await;
    let (s, h, body) = d.get("/api/v1/portfolio?name=Maya%20Chen").await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert!(disposition(&h).contains("micromastery-resume-"));
    assert_eq!(h[header::CONTENT_TYPE], "application/json");
    let v = json(&body);
    assert_eq!(v["basics"]["name"], "Maya Chen");
    assert_eq!(v["certificates"].as_array().unwrap().len(), 1, "{v}");
    let (s, _, same) = d
        .get("/api/v1/portfolio?format=json-resume&name=Maya%20Chen")
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(json(&same), v, "json-resume is the default");

    // A server without the issuer's key store cannot sign a CLR: 503, said.
    let (s, v) = d.json_get("/api/v1/portfolio?format=clr").await;
    assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE, "{v}");
    assert!(v["message"].as_str().unwrap().contains("key store"), "{v}");
}

#[tokio::test]
async fn the_portfolio_as_a_clr_is_what_the_cli_writes_and_verifies() {
    let (demo, _keys_dir, keys) = demo_with_a_badge().await;
    let d = browser_with(&demo, 0, Some(keys.clone())).await;

    // Formats that are not one: 422 naming the field, on the API and the page.
    for bad in ["pdf", "JSON-RESUME", "clr2"] {
        let (s, v) = d.json_get(&format!("/api/v1/portfolio?format={bad}")).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {v}");
        assert_eq!(v["field"], "format", "{v}");
        assert!(
            v["message"]
                .as_str()
                .unwrap()
                .contains("json-resume or clr"),
            "{v}"
        );
    }
    let (s, _, html) = d.get("/portfolio/export?format=pdf").await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        String::from_utf8(html)
            .unwrap()
            .contains("json-resume or clr")
    );

    let (s, h, body) = d.get("/api/v1/portfolio?format=clr&name=Maya%20Chen").await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&body));
    assert!(
        disposition(&h).contains("micromastery-clr-2026-03-10.json"),
        "{h:?}"
    );
    assert_eq!(h[header::CONTENT_TYPE], "application/ld+json");
    let served = json(&body);
    assert_eq!(
        served["type"],
        json!(["VerifiableCredential", "ClrCredential"])
    );
    assert_eq!(served["name"], "Maya Chen: mastered micro-skills");
    assert_eq!(
        served["credentialSubject"]["verifiableCredential"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // What `mm portfolio export --clr --name "Maya Chen"` writes (the same
    // function), but for the CLR's own fresh id and so its signature.
    let app = mm_app::App::with_store(demo.store.clone(), Clock::Fixed(t0()))
        .await
        .unwrap();
    let cli = mm_app::portfolio::contents(
        &app,
        mm_app::portfolio::Format::Clr,
        Some(&keys),
        Some("Maya Chen"),
    )
    .await
    .unwrap();
    assert_eq!(
        String::from_utf8(body.clone()).unwrap(),
        cli.text()
            .replace(
                cli.document["id"].as_str().unwrap(),
                served["id"].as_str().unwrap(),
            )
            .replace(
                cli.document["proof"][0]["proofValue"].as_str().unwrap(),
                served["proof"][0]["proofValue"].as_str().unwrap(),
            ),
        "the served CLR is the CLI's, byte for byte but for its id and signature"
    );

    // The public verifier says VALID with the issuer's documents.
    let (_, _, did) = d.get("/api/v1/issuer/documents/did.json").await;
    let (_, _, revocations) = d.get("/api/v1/issuer/documents/revocations.json").await;
    let (s, v) = d
        .upload(
            "/api/v1/verify",
            &[
                ("credential", Some("clr.json"), &body),
                ("issuer_doc", Some("did.json"), &did),
                ("status", Some("revocations.json"), &revocations),
            ],
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let v = json(&v);
    assert_eq!(v["verdict"], "valid", "{v}");

    // The page: the badge, and a button for each format (plain GET form).
    let html = d.page("/portfolio").await;
    assert!(html.contains("aria-current=\"page\""), "{html}");
    assert!(html.contains("action=\"/portfolio/export\""), "{html}");
    for f in ["json-resume", "clr"] {
        assert!(
            html.contains(&format!("name=\"format\" value=\"{f}\"")),
            "{f}: {html}"
        );
    }
    assert!(html.contains("signed by your issuer, Maya"), "{html}");
    let (s, h, page_body) = d.get("/portfolio/export?name=Maya+Chen&format=clr").await;
    assert_eq!(s, StatusCode::OK);
    assert!(disposition(&h).contains("micromastery-clr-"));
    let from_page = json(&page_body);
    assert_eq!(from_page["name"], served["name"]);
    assert_eq!(
        from_page["credentialSubject"], served["credentialSubject"],
        "the page downloads what the API serves"
    );
}

#[tokio::test]
async fn every_new_page_is_reachable_from_the_navigation_and_locked_down() {
    let j = journal().await;
    let b = browser(&j, 0).await;
    let html = b.page("/").await;
    for href in [
        "/timer",
        "/review",
        "/discover",
        "/market",
        "/journal",
        "/portfolio",
    ] {
        assert!(
            html.contains(&format!("href=\"{href}\"")),
            "{href} in the navigation"
        );
    }
    for path in [
        "/timer",
        "/review",
        "/discover",
        "/market",
        "/journal",
        "/portfolio",
    ] {
        // Without a session: 401, an HTML page.
        let res = mm_server::router(b.state.clone())
            .oneshot(
                Request::get(path)
                    .header(header::HOST, HOST)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path}");
        let html = b.page(path).await;
        assert!(
            html.contains("aria-current=\"page\""),
            "{path} marks itself in the navigation"
        );
        assert!(!html.contains("style="), "{path}: no inline style");
        assert!(!html.contains("<script>"), "{path}: no inline script");
    }
    // Forms post with the CSRF field; without it, 403.
    let (s, _, _) = b
        .send(
            b.req("POST", "/timer/start")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("goal=1&aim=x"))
                .unwrap(),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_timer_whose_goal_is_gone_can_still_be_seen_and_discarded() {
    let j = journal().await;
    let b = browser(&j, 0).await;
    let (s, _) = b
        .api("POST", "/api/v1/timer", json!({"goal": 1, "aim": "joins"}))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let later = browser(&j, 3).await;
    let (_, v) = later
        .api("POST", "/api/v1/timer/checkpoint", Value::Null)
        .await;
    assert!(v["session"].is_i64(), "{v}");
    j.store
        .delete_goal(GoalId(1), (t0() + Duration::minutes(4)).with_timezone(&Utc))
        .await
        .unwrap();
    let html = later.page("/timer").await;
    assert!(html.contains("no longer in the journal"), "{html}");
    let (s, v) = later
        .api("POST", "/api/v1/timer/checkpoint", json!({}))
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "the goal is gone: {v}");
    let (s, h, _) = later.form("/timer/discard", &[]).await;
    assert_eq!(
        (s, location(&h)),
        (StatusCode::SEE_OTHER, "/timer?discarded=1")
    );
    assert!(
        later
            .page("/timer?discarded=1")
            .await
            .contains("The session was discarded.")
    );
}
