//! The web app driven in process (`router().oneshot(..)`) over a real SQLite
//! journal, plus one test on a real listener at port 0. Each test checks
//! what a browser or an API client would see: statuses, JSON error bodies,
//! cookies, headers.

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use http_body_util::BodyExt as _;
use mm_app::Clock;
use mm_server::AppState;
use serde_json::Value;
use std::net::SocketAddr;
use tower::ServiceExt as _;

const HOST: &str = "127.0.0.1:8765";

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-03-10T12:00:00+00:00").unwrap()
}

/// A journal with one open goal and one session, and the app over it.
struct Fixture {
    _dir: tempfile::TempDir,
    state: AppState,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = mm_store::Store::open(&dir.path().join("mm.db").display().to_string())
        .await
        .unwrap();
    common::one_goal(&store, now().with_timezone(&Utc), 120, Duration::hours(2)).await;
    let addr: SocketAddr = HOST.parse().unwrap();
    Fixture {
        _dir: dir,
        state: AppState::new(store, Clock::Fixed(now()), addr),
    }
}

fn app(f: &Fixture) -> Router {
    mm_server::router(f.state.clone())
}

fn get(path: &str) -> axum::http::request::Builder {
    Request::get(path).header(header::HOST, HOST)
}

async fn send(f: &Fixture, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let res = app(f).oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, body)
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

/// Open the launch URL and return the session cookie (`mm_session=…`).
async fn sign_in(f: &Fixture) -> String {
    let token = f.state.sessions().launch_token().to_owned();
    let (status, headers, _) = send(
        f,
        get(&format!("/?token={token}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(headers[header::LOCATION], "/");
    let cookie = headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }
    cookie.split(';').next().unwrap().to_owned()
}

async fn csrf(f: &Fixture, cookie: &str) -> String {
    let (status, _, body) = send(
        f,
        get("/api/v1/session")
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    json(&body)["csrf_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn status_lists_the_open_goal_for_a_signed_in_client() {
    let f = fixture().await;
    let cookie = sign_in(&f).await;
    let (status, headers, body) = send(
        &f,
        get("/api/v1/status")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    let v = json(&body);
    assert_eq!(v["today"], "2026-03-10");
    assert_eq!(v["open"][0]["micro_skill"], "Write a left join");
    assert_eq!(v["open"][0]["pace"]["minutes_done"], 40);
    assert!(
        v["open"][0]["mastery"]["conditions"]
            .as_array()
            .unwrap()
            .len()
            > 1
    );
}

/// The server keeps the status view between requests; a change written by
/// another process on the same file (the CLI, a second instance) must show in
/// the very next answer.
#[tokio::test]
async fn status_and_dashboard_show_a_change_made_behind_the_servers_back() {
    use mm_core::mastery::MasteryRule;
    use mm_core::{GoalId, NewSession};
    let f = fixture().await;
    let cookie = sign_in(&f).await;
    let read = |path: &'static str| {
        let cookie = cookie.clone();
        let f = &f;
        async move {
            let (status, _, body) = send(
                f,
                get(path)
                    .header(header::COOKIE, &cookie)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
            assert_eq!(status, StatusCode::OK);
            body
        }
    };
    for _ in 0..2 {
        let v = json(&read("/api/v1/status").await);
        assert_eq!(v["open"][0]["pace"]["minutes_done"], 40);
        assert_eq!(v["open"][0]["mastery"]["sessions"], 1);
    }
    let page = String::from_utf8(read("/").await).unwrap();
    assert!(
        page.contains("1 practice session logged, 3 needed"),
        "{page}"
    );

    // Another process on the same journal file.
    let other = mm_store::Store::open(&f._dir.path().join("mm.db").display().to_string())
        .await
        .unwrap();
    let t = now().with_timezone(&Utc);
    other
        .log_session(
            &NewSession {
                goal_id: GoalId(1),
                started_at: t - Duration::minutes(50),
                ended_at: t - Duration::minutes(25),
                focused_minutes: 25,
                interruptions: 0,
                aim: "anti-joins".into(),
                reps: 4,
                errors: 0,
                difficulty: Some(2),
                feedback: None,
                notes: None,
            },
            t,
        )
        .await
        .unwrap();
    let v = json(&read("/api/v1/status").await);
    assert_eq!(v["open"][0]["pace"]["minutes_done"], 65);
    assert_eq!(v["open"][0]["mastery"]["sessions"], 2);
    other
        .set_mastery_rule(&MasteryRule {
            min_sessions: 2,
            ..MasteryRule::default()
        })
        .await
        .unwrap();
    let page = String::from_utf8(read("/").await).unwrap();
    assert!(
        page.contains("2 practice sessions (at least 2 needed)"),
        "the dashboard reads the new rule: {page}"
    );
    other.close().await;
}

#[tokio::test]
async fn without_a_session_the_api_answers_401_in_json() {
    let f = fixture().await;
    let (status, _, body) = send(&f, get("/api/v1/status").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(json(&body)["error"], "unauthorized");
    // A made-up cookie is no session either.
    let (status, _, _) = send(
        &f,
        get("/api/v1/status")
            .header(header::COOKIE, "mm_session=0123")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_wrong_token_is_refused_and_the_page_says_so() {
    let f = fixture().await;
    let (status, headers, body) = send(&f, get("/?token=guess").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(headers.get(header::SET_COOKIE).is_none());
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("<html"), "an HTML error page: {html}");
    assert!(html.contains("mm serve"));
}

#[tokio::test]
async fn a_foreign_host_is_refused_even_with_a_session() {
    let f = fixture().await;
    let cookie = sign_in(&f).await;
    for host in ["evil.example:8765", "127.0.0.1:9999", ""] {
        let (status, _, body) = send(
            &f,
            Request::get("/api/v1/status")
                .header(header::HOST, host)
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::MISDIRECTED_REQUEST, "Host {host:?}");
        let v = json(&body);
        assert_eq!(v["error"], "misdirected");
        assert!(v["message"].as_str().unwrap().contains(HOST));
    }
    // localhost with the bound port is the same server.
    let (status, _, _) = send(
        &f,
        Request::get("/api/v1/status")
            .header(header::HOST, "localhost:8765")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn signing_out_needs_the_csrf_token_and_a_same_origin() {
    let f = fixture().await;
    let cookie = sign_in(&f).await;
    let token = csrf(&f, &cookie).await;
    let delete = || {
        Request::delete("/api/v1/session")
            .header(header::HOST, HOST)
            .header(header::COOKIE, &cookie)
    };
    // Missing, then wrong token: 403, and the session still works.
    let (status, _, body) = send(&f, delete().body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(json(&body)["message"].as_str().unwrap().contains("CSRF"));
    let (status, _, _) = send(
        &f,
        delete()
            .header("x-csrf-token", "0".repeat(64))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The right token from another site's page: 403.
    let (status, _, body) = send(
        &f,
        delete()
            .header("x-csrf-token", &token)
            .header(header::ORIGIN, "http://evil.example")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(json(&body)["message"].as_str().unwrap().contains("Origin"));
    assert_eq!(csrf(&f, &cookie).await, token, "still signed in");
    // The right token from this server's page: signed out.
    let (status, _, _) = send(
        &f,
        delete()
            .header("x-csrf-token", &token)
            .header(header::ORIGIN, format!("http://{HOST}"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _) = send(
        &f,
        get("/api/v1/status")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_sign_out_form_carries_its_csrf_field() {
    let f = fixture().await;
    let cookie = sign_in(&f).await;
    let (status, _, body) = send(
        &f,
        get("/")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).unwrap();
    let token = csrf(&f, &cookie).await;
    assert!(html.contains(&format!("name=\"csrf\" value=\"{token}\"")));
    let post = |body: String| {
        Request::post("/logout")
            .header(header::HOST, HOST)
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    let (status, _, body) = send(&f, post("csrf=nope".into())).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(String::from_utf8(body).unwrap().contains("<html"));
    let (status, headers, _) = send(&f, post(format!("csrf={token}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
}

#[tokio::test]
async fn the_dashboard_shows_the_goal_and_every_response_is_locked_down() {
    let f = fixture().await;
    let cookie = sign_in(&f).await;
    let (status, headers, body) = send(
        &f,
        get("/")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("Write a left join"));
    assert!(
        html.contains("40m of 2h"),
        "this week against the budget: {html}"
    );
    assert!(!html.contains("<script"), "no script on the dashboard");
    assert!(!html.contains("style="), "no inline style");
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
    // The page without a session is an HTML 401, not a redirect or a trace.
    let (status, headers, _) = send(&f, get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(
        headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(headers.contains_key(header::CONTENT_SECURITY_POLICY));
}

fn multipart(parts: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "mmtestboundary7d1f";
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn verify_request(path: &str, parts: &[(&str, &str, &[u8])]) -> Request<Body> {
    let (ctype, body) = multipart(parts);
    Request::post(path)
        .header(header::HOST, HOST)
        .header(header::CONTENT_TYPE, ctype)
        .body(Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn verify_needs_no_session_and_reports_each_step() {
    let f = fixture().await;
    let (status, _, body) = send(&f, get("/verify").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8(body).unwrap().contains("Badge file"));
    // Not a credential at all: a report that says INVALID at its first step.
    let (status, _, body) = send(
        &f,
        verify_request(
            "/api/v1/verify",
            &[("credential", "b.json", br#"{"hello": "world"}"#)],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let v = json(&body);
    assert_eq!(v["verdict"], "invalid");
    assert!(!v["steps"].as_array().unwrap().is_empty());
    // The page renders the same report.
    let (status, _, body) = send(
        &f,
        verify_request(
            "/verify",
            &[("credential", "b.json", br#"{"hello": "world"}"#)],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8(body).unwrap().contains("INVALID"));
}

#[tokio::test]
async fn verify_without_a_badge_or_with_a_broken_document_names_the_field() {
    let f = fixture().await;
    let (status, _, body) = send(&f, verify_request("/api/v1/verify", &[])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let v = json(&body);
    assert_eq!(v["error"], "invalid");
    assert_eq!(v["field"], "credential");
    let (status, _, body) = send(
        &f,
        verify_request(
            "/api/v1/verify",
            &[
                ("credential", "b.jwt", b"a.b.c"),
                ("issuer_doc", "did.json", b"not json"),
            ],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(&body)["field"], "issuer_doc");
    // Not multipart at all.
    let (status, _, body) = send(
        &f,
        Request::post("/api/v1/verify")
            .header(header::HOST, HOST)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
            .unwrap(),
    )
    .await;
    assert!(status.is_client_error(), "{status}");
    assert!(json(&body)["message"].is_string());
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413_in_json() {
    let f = fixture().await;
    let big = vec![b'x'; mm_server::UPLOAD_LIMIT + 1024];
    let (status, _, body) = send(
        &f,
        verify_request("/api/v1/verify", &[("credential", "b.png", &big)]),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(json(&body)["error"], "too_large");
    // A form over 1 MB to a small-body route.
    let cookie = sign_in(&f).await;
    let token = csrf(&f, &cookie).await;
    let form = format!(
        "csrf={token}&pad={}",
        "x".repeat(mm_server::JSON_LIMIT + 10)
    );
    let (status, _, _) = send(
        &f,
        Request::post("/logout")
            .header(header::HOST, HOST)
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_the_house_shape() {
    let f = fixture().await;
    let cookie = sign_in(&f).await;
    let (status, _, body) = send(
        &f,
        get("/api/v1/nothing")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(json(&body)["error"], "not_found");
    let (status, _, body) = send(
        &f,
        get("/nothing")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(String::from_utf8(body).unwrap().contains("404"));
    let token = csrf(&f, &cookie).await;
    let (status, _, body) = send(
        &f,
        Request::post("/api/v1/status")
            .header(header::HOST, HOST)
            .header(header::COOKIE, &cookie)
            .header("x-csrf-token", &token)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(json(&body)["error"], "method_not_allowed");
}

#[tokio::test]
async fn the_committed_openapi_document_matches_the_code() {
    let generated = mm_server::api::openapi_json();
    let doc: Value = serde_json::from_str(&generated).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in ["/api/v1/status", "/api/v1/verify", "/api/v1/session"] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
    the_document_describes_what_the_handlers_read(&doc);
    if !common::matches_committed(&generated, "openapi.json") {
        return;
    }
    // The served document is the same.
    let f = fixture().await;
    let (status, _, body) =
        send(&f, get("/api/v1/openapi.json").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(String::from_utf8(body).unwrap(), generated);
}

/// What the handlers read is what the document says: every path parameter
/// is in its path (and the reverse), each GET's query parameters are there
/// as `in: query` (required only when the handler needs them), the enums
/// that parameters take list the code's own names, and the multipart forms
/// require only what their readers require.
fn the_document_describes_what_the_handlers_read(doc: &Value) {
    let mut found = Vec::new();
    common::refs(doc, &mut found);
    for r in found {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("a reference outside the schemas: {r}"));
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{r} is referenced but not in components.schemas (add it to ApiDoc)"
        );
    }
    for (path, ops) in doc["paths"].as_object().unwrap() {
        let in_path: Vec<&str> = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split('}').next())
            .collect();
        for (method, op) in ops.as_object().unwrap() {
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let named = |place: &str| -> Vec<String> {
                params
                    .iter()
                    .filter(|p| p["in"] == place)
                    .map(|p| p["name"].as_str().unwrap().to_owned())
                    .collect()
            };
            let mut path_params = named("path");
            path_params.sort();
            let mut want: Vec<String> = in_path.iter().map(|s| (*s).to_owned()).collect();
            want.sort();
            assert_eq!(
                path_params, want,
                "{method} {path}: its path parameters are those of the path (a query struct without `#[into_params(parameter_in = Query)]` lands here)"
            );
        }
    }
    // (path, query parameters, the required ones)
    let queries: &[(&str, &[&str], &[&str])] = &[
        ("/api/v1/portfolio", &["format", "name"], &[]),
        ("/api/v1/review", &["days"], &[]),
        ("/api/v1/review/charts.svg", &["days"], &[]),
        ("/api/v1/roles", &["q", "top"], &[]),
        ("/api/v1/discover/form", &["from"], &["from"]),
    ];
    for (path, names, required) in queries {
        let params = doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap_or_else(|| panic!("GET {path} has parameters"));
        let query: Vec<&Value> = params.iter().filter(|p| p["in"] == "query").collect();
        let got: Vec<&str> = query.iter().map(|p| p["name"].as_str().unwrap()).collect();
        assert_eq!(&got, names, "GET {path}'s query parameters");
        for p in query {
            let name = p["name"].as_str().unwrap();
            assert_eq!(
                p["required"].as_bool().unwrap_or(false),
                required.contains(&name),
                "GET {path}?{name}: required only when the handler needs it"
            );
        }
    }
    let format = doc["paths"]["/api/v1/portfolio"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "format")
        .unwrap()
        .to_string();
    assert!(
        format.contains("#/components/schemas/Format"),
        "format takes the Format enum: {format}"
    );
    let enum_of = |name: &str| -> Vec<String> {
        serde_json::from_value(doc["components"]["schemas"][name]["enum"].clone())
            .unwrap_or_else(|e| panic!("{name} is an enum in the document: {e}"))
    };
    assert_eq!(
        enum_of("Format"),
        mm_app::portfolio::Format::ALL.map(|f| f.as_str().to_owned()),
        "the portfolio formats the API parses"
    );
    assert_eq!(
        enum_of("BadgeForm"),
        mm_app::badges::BadgeForm::ALL.map(|f| f.as_str().to_owned()),
        "the badge files the API serves"
    );
    // Multipart forms: required only what the readers refuse to go without.
    for (form, required) in [
        ("VerifyForm", &[][..]),
        ("ApplyForm", &["context", "outcome"][..]),
        ("MarketForm", &["postings"][..]),
    ] {
        let mut got: Vec<String> =
            serde_json::from_value(doc["components"]["schemas"][form]["required"].clone())
                .unwrap_or_default();
        got.sort();
        assert_eq!(got, required, "{form}'s required parts");
        let schema = doc["components"]["schemas"][form].to_string();
        assert!(
            schema.contains("\"binary\""),
            "{form} carries a file: {schema}"
        );
    }
}

#[tokio::test]
async fn a_real_listener_serves_and_stops_gracefully() {
    let f = fixture().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(f.state.store().clone(), Clock::Fixed(now()), addr);
    let token = state.sessions().launch_token().to_owned();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(mm_server::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let (status, head) = raw_get(addr, &format!("/?token={token}"), &addr.to_string()).await;
    assert_eq!(status, 303);
    assert!(head.contains("mm_session="));
    let (status, _) = raw_get(addr, "/api/v1/status", "rebound.example").await;
    assert_eq!(status, 421);
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "stopped listening"
    );
}

/// A GET over a plain TCP connection: the status and the head.
async fn raw_get(addr: SocketAddr, path: &str, host: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    let status = out
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (
        status,
        out.split("\r\n\r\n").next().unwrap_or("").to_owned(),
    )
}
