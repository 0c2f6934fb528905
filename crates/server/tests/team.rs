//! Team mode (`mm serve --team`) driven in process over a real PostgreSQL:
//! two instances sharing one database, every route of the team OpenAPI
//! document walked by another organisation's members, bad input on every
//! route, and the pages a browser uses to sign in and join.

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt as _;
use mm_server::team::{TeamState, router};
use mm_team::testing::{TEST_PASSWORD, TestDb, create_org, test_db};
use mm_team::{Role, TeamStore};
use serde_json::{Value, json};
use sqlx::Connection as _;
use std::collections::HashMap;
use tower::ServiceExt as _;

const PASSWORD: &str = TEST_PASSWORD;
const HOST: &str = "learn.example.org";

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Who sends a request: nobody, a browser session (cookie + CSRF), or a token.
#[derive(Clone, Debug)]
enum As {
    Nobody,
    Browser { cookie: String, csrf: String },
    Token(String),
}

async fn send(app: &Router, who: &As, method: Method, path: &str, body: Option<Value>) -> Reply {
    let mut req = Request::builder()
        .method(method.clone())
        .uri(path)
        .header(header::HOST, HOST);
    match who {
        As::Nobody => {}
        As::Browser { cookie, csrf } => {
            req = req.header(header::COOKIE, cookie);
            if method != Method::GET {
                req = req.header("x-csrf-token", csrf);
            }
        }
        As::Token(t) => req = req.header(header::AUTHORIZATION, format!("Bearer {t}")),
    }
    let body = match body {
        Some(v) => {
            req = req.header(header::CONTENT_TYPE, "application/json");
            Body::from(v.to_string())
        }
        None => Body::empty(),
    };
    let res = app.clone().oneshot(req.body(body).unwrap()).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

/// A page's form posted by a browser session (its CSRF token in the form).
async fn send_form(app: &Router, who: &As, path: &str, body: &str) -> Reply {
    send_form_from(app, who, &format!("http://{HOST}"), path, body).await
}

/// As [`send_form`], from a page at `origin` (a server whose public URL
/// is https sees its forms come from there).
async fn send_form_from(app: &Router, who: &As, origin: &str, path: &str, body: &str) -> Reply {
    let As::Browser { cookie, csrf } = who else {
        panic!("a form is posted by a browser")
    };
    let req = Request::post(path)
        .header(header::HOST, HOST)
        .header(header::ORIGIN, origin)
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={csrf}&{body}")))
        .unwrap();
    let res = app.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

async fn sign_in(app: &Router, org: &str, email: &str) -> As {
    let r = send(
        app,
        &As::Nobody,
        Method::POST,
        "/api/v1/team/sign-in",
        Some(json!({ "organisation": org, "email": email, "password": PASSWORD })),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let cookie = r.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(cookie.contains(attr), "{cookie} lacks {attr}");
    }
    As::Browser {
        cookie: cookie.split(';').next().unwrap().to_owned(),
        csrf: r.json()["csrf"].as_str().unwrap().to_owned(),
    }
}

/// Invite through the API and join through the API: the new member, signed in.
async fn join(app: &Router, inviter: &As, email: &str, roles: &[&str]) -> (As, i64) {
    let r = send(
        app,
        inviter,
        Method::POST,
        "/api/v1/team/invitations",
        Some(json!({ "email": email, "roles": roles })),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let link = r.json()["link"].as_str().unwrap().to_owned();
    assert!(
        link.starts_with(&format!("http://{HOST}/join?token=mmi_"))
            || link.starts_with(&format!("https://{HOST}/join?token=mmi_")),
        "{link}"
    );
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let r = send(
        app,
        &As::Nobody,
        Method::POST,
        "/api/v1/team/join",
        Some(json!({ "token": token, "name": email, "password": PASSWORD })),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let id = r.json()["member"]["id"].as_i64().unwrap();
    let cookie = common::cookie_pair(&r.headers);
    let csrf = r.json()["csrf"].as_str().unwrap().to_owned();
    (As::Browser { cookie, csrf }, id)
}

async fn instance(db: &TestDb) -> Router {
    let team = TeamStore::connect_with(&db.app_url, 4)
        .await
        .unwrap()
        .with_master_key(mm_team::MasterKey::generate().0);
    router(TeamState::new(team, &[]))
}

/// The organisation "acme" on one team server, its admin signed in: what
/// most tests start from.
struct Acme {
    db: TestDb,
    app: Router,
    admin: As,
}

impl Acme {
    /// On `app` (which serves `db`): the organisation "acme", created, and
    /// its admin signed in.
    async fn on(db: TestDb, app: Router) -> Acme {
        create_org(&TeamStore::connect(&db.app_url).await.unwrap(), "acme").await;
        let admin = sign_in(&app, "acme", "admin@acme.example").await;
        Acme { db, app, admin }
    }

    /// A fresh schema `name` served by a team server keeping journals at
    /// `now` (see [`with_journals`]), with "acme" on it; and the journals'
    /// store. `None` where there is no database to test on.
    async fn with_journals(name: &str, now: &str) -> Option<(Acme, mm_store::Store)> {
        let db = test_db(name).await?;
        let (app, journals) = with_journals(&db, now).await;
        Some((Acme::on(db, app).await, journals))
    }

    /// Another team server keeping journals on the same database, its clock
    /// at `now` (to give goals earlier or later than the fixture's server).
    async fn at(&self, now: &str) -> Router {
        with_journals(&self.db, now).await.0
    }

    /// Another organisation, `slug`, and its admin (`admin@<slug>.example`)
    /// signed in.
    async fn other_org(&self, slug: &str) -> As {
        create_org(&TeamStore::connect(&self.db.app_url).await.unwrap(), slug).await;
        sign_in(&self.app, slug, &format!("admin@{slug}.example")).await
    }

    /// A member invited by acme's admin with `roles`, joined and signed in;
    /// and their id (see [`join`]).
    async fn join(&self, email: &str, roles: &[&str]) -> (As, i64) {
        join(&self.app, &self.admin, email, roles).await
    }

    /// A request to the fixture's server (see [`send`]).
    async fn send(
        &self,
        who: &As,
        method: Method,
        path: impl AsRef<str>,
        body: Option<Value>,
    ) -> Reply {
        send(&self.app, who, method, path.as_ref(), body).await
    }

    /// `GET path` as `who`.
    async fn get(&self, who: &As, path: impl AsRef<str>) -> Reply {
        self.send(who, Method::GET, path, None).await
    }

    /// `POST path` with the JSON `body` as `who`.
    async fn post(&self, who: &As, path: impl AsRef<str>, body: Value) -> Reply {
        self.send(who, Method::POST, path, Some(body)).await
    }

    /// `PUT path` with the JSON `body` as `who`.
    async fn put(&self, who: &As, path: impl AsRef<str>, body: Value) -> Reply {
        self.send(who, Method::PUT, path, Some(body)).await
    }

    /// `PATCH path` with the JSON `body` as `who`.
    async fn patch(&self, who: &As, path: impl AsRef<str>, body: Value) -> Reply {
        self.send(who, Method::PATCH, path, Some(body)).await
    }

    /// `DELETE path` as `who`.
    async fn delete(&self, who: &As, path: impl AsRef<str>) -> Reply {
        self.send(who, Method::DELETE, path, None).await
    }

    /// The id of `who`'s organisation, as `/api/v1/team/me` says.
    async fn org_id(&self, who: &As) -> i64 {
        self.get(who, "/api/v1/team/me").await.json()["organisation"]["id"]
            .as_i64()
            .unwrap()
    }
}

/// Every row of an organisation, as text, read as the owner (no policy):
/// what must not change when someone else tries to reach it.
async fn snapshot(db: &TestDb, org_slug: &str) -> String {
    let base = db.owner_url.split('?').next().unwrap();
    let mut c = sqlx::PgConnection::connect(base).await.unwrap();
    let s = db.schema();
    let org: i64 = sqlx::query_scalar(&format!(
        "SELECT id FROM \"{s}\".organisations WHERE slug = $1"
    ))
    .bind(org_slug)
    .fetch_one(&mut c)
    .await
    .unwrap();
    let mut out = String::new();
    for t in [
        "people",
        "roles",
        "auth_sessions",
        "api_tokens",
        "invitations",
        "team_audit",
        "programmes",
        "programme_items",
        "cohorts",
        "cohort_members",
        "cohort_programmes",
        "given_goals",
        "approval_requests",
        "approval_syncs",
        "shares",
        "issuers",
        "issuer_keys",
        "issuer_revocations",
        "sso_providers",
        "sso_identities",
        "sso_logins",
        "issued_credentials",
    ] {
        let rows: String = sqlx::query_scalar(&format!(
            "SELECT coalesce(string_agg(t::TEXT, E'\\n' ORDER BY t::TEXT), '') FROM \"{s}\".{t} t WHERE org_id = $1{}",
            // A failed sign-in at an organisation is its own record of the attempt.
            if t == "team_audit" { " AND action <> 'sign_in_failed'" } else { "" }
        ))
        .bind(org)
        .fetch_one(&mut c)
        .await
        .unwrap();
        out.push_str(&format!("== {t}\n{rows}\n"));
    }
    out
}

#[tokio::test]
async fn a_sign_in_on_one_instance_works_on_another_and_ends_on_both() {
    let Some(db) = test_db("srv_two").await else {
        return;
    };
    let one = instance(&db).await;
    let two = instance(&db).await;
    create_org(&TeamStore::connect(&db.app_url).await.unwrap(), "acme").await;
    let admin = sign_in(&one, "acme", "admin@acme.example").await;
    let r = send(&two, &admin, Method::GET, "/api/v1/team/me", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["organisation"]["slug"], "acme");
    assert_eq!(r.json()["member"]["roles"], json!(["admin"]));
    // An invitation made on one instance is accepted on the other.
    let (lee, _) = join(&two, &admin, "lee@acme.example", &["learner"]).await;
    let r = send(&one, &lee, Method::GET, "/api/v1/team/me", None).await;
    assert_eq!(r.json()["member"]["email"], "lee@acme.example");
    // A token made on one works on the other, and its revocation too.
    let r = send(
        &one,
        &admin,
        Method::POST,
        "/api/v1/team/tokens",
        Some(json!({ "name": "cli" })),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let secret = r.json()["secret"].as_str().unwrap().to_owned();
    let id = r.json()["token"]["id"].as_i64().unwrap();
    let bearer = As::Token(secret);
    assert_eq!(
        send(&two, &bearer, Method::GET, "/api/v1/team/members", None)
            .await
            .status,
        StatusCode::OK
    );
    let r = send(
        &two,
        &bearer,
        Method::DELETE,
        &format!("/api/v1/team/tokens/{id}"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = send(&one, &bearer, Method::GET, "/api/v1/team/me", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["error"], "unauthorized");
    // Signing out on one ends the session on both.
    assert_eq!(
        send(&two, &admin, Method::POST, "/api/v1/team/sign-out", None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        send(&one, &admin, Method::GET, "/api/v1/team/me", None)
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // The health check answers.
    assert_eq!(
        send(&one, &As::Nobody, Method::GET, "/healthz", None)
            .await
            .status,
        StatusCode::OK
    );
    db.drop_schema().await;
}

/// The paths and methods of the team OpenAPI document.
fn documented_routes() -> Vec<(Method, String)> {
    let doc: Value = serde_json::from_str(&mm_server::team::api::openapi_json()).unwrap();
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in item.as_object().unwrap().keys() {
            out.push((m.to_uppercase().parse().unwrap(), path.clone()));
        }
    }
    out
}

/// The ids a walk aims its bodies at (another organisation's, or unknown ones).
#[derive(Clone, Copy)]
struct Aim {
    person: i64,
    programme: i64,
}

/// A plausible body for a route (valid in shape, aimed at `aim`).
fn body_for(method: &Method, path: &str, email: &str, aim: Aim) -> Option<Value> {
    match (method.as_str(), path) {
        ("POST", "/api/v1/team/sign-in") => {
            // Another organisation's slug with one's own credentials.
            Some(
                json!({ "organisation": "beta", "email": "admin@alpha.example", "password": PASSWORD }),
            )
        }
        ("POST", "/api/v1/team/invitations") => {
            Some(json!({ "email": email, "roles": ["learner"] }))
        }
        ("POST", "/api/v1/team/join") => Some(
            json!({ "token": format!("mmi_{}", "0".repeat(64)), "name": "x", "password": PASSWORD }),
        ),
        ("POST", "/api/v1/team/tokens") => Some(json!({ "name": "probe" })),
        ("PUT", p) if p.ends_with("/roles") => Some(json!({ "roles": ["admin"] })),
        ("POST", "/api/v1/team/programmes") => Some(json!({ "slug": "probe", "name": "probe" })),
        ("POST", p) if p.ends_with("/items") => Some(
            json!({ "catalogue_id": mm_micro::catalogue::curated().entries()[0].id, "deadline": { "weeks": 2 }, "weekly_minutes": 60 }),
        ),
        ("PATCH", p) if p.contains("/items/") => Some(
            json!({ "name": "probe", "done_when": ["probe"], "deadline": { "weeks": 3 }, "weekly_minutes": 30 }),
        ),
        ("PATCH", p) if p.starts_with("/api/v1/team/programmes/") => {
            Some(json!({ "name": "probe", "description": "probe" }))
        }
        ("POST", "/api/v1/team/cohorts") => Some(json!({ "name": "probe", "coach": aim.person })),
        ("POST", p) if p.ends_with("/members") => Some(json!({ "person": aim.person })),
        ("POST", p) if p.ends_with("/programmes") => Some(json!({ "programme": aim.programme })),
        ("POST", p) if p.ends_with("/goals") => Some(json!({})),
        ("POST", p) if p.starts_with("/api/v1/team/approvals/") => {
            Some(json!({ "approve": true, "message": "probe" }))
        }
        // B's learner's shared item, by its journal id.
        ("POST", "/api/v1/team/me/shares") => Some(json!({ "kind": "session_note", "item": 5 })),
        ("POST", p) if p.ends_with("/revoke") => Some(json!({ "reason": "probe" })),
        ("POST", "/api/v1/team/issuer") => {
            Some(json!({ "name": "probe issuer", "url": "https://probe.example/badges" }))
        }
        _ => None,
    }
}

/// The id of a badge organisation B signed, in the walk.
const B_BADGE: &str = "0b0b0b0b-0b0b-4b0b-8b0b-0b0b0b0b0b0b";

#[tokio::test]
async fn every_route_keeps_one_organisation_out_of_another_and_learners_out_of_each_other() {
    let Some(db) = test_db("srv_walk").await else {
        return;
    };
    let app = instance(&db).await;
    let team = TeamStore::connect(&db.app_url).await.unwrap();
    create_org(&team, "alpha").await;
    create_org(&team, "beta").await;
    let a_admin = sign_in(&app, "alpha", "admin@alpha.example").await;
    let (a_lee, _) = join(&app, &a_admin, "lee@alpha.example", &["learner"]).await;
    let (_, a_kim_id) = join(&app, &a_admin, "kim@alpha.example", &["learner"]).await;
    let b_admin = sign_in(&app, "beta", "admin@beta.example").await;
    let (_, b_lee_id) = join(&app, &b_admin, "lee.b@beta.example", &["learner"]).await;
    let r = send(
        &app,
        &b_admin,
        Method::POST,
        "/api/v1/team/invitations",
        Some(json!({ "email": "open@beta.example", "roles": ["coach"] })),
    )
    .await;
    let b_inv_id = r.json()["invitation"]["id"].as_i64().unwrap();
    let r = send(
        &app,
        &b_admin,
        Method::POST,
        "/api/v1/team/tokens",
        Some(json!({ "name": "beta script" })),
    )
    .await;
    let b_token_id = r.json()["token"]["id"].as_i64().unwrap();
    let b_prefix = r.json()["token"]["prefix"].as_str().unwrap().to_owned();
    // B's programme (one micro-skill), and a cohort of B's learner with it.
    let b_post = |path: String, body: Value| {
        let (app, b_admin) = (app.clone(), b_admin.clone());
        async move {
            let r = send(&app, &b_admin, Method::POST, &path, Some(body)).await;
            assert!(r.status.is_success(), "{path}: {}", r.text());
            r.json()
        }
    };
    let b_programme = b_post(
        "/api/v1/team/programmes".into(),
        json!({ "slug": "beta-onboarding", "name": "beta onboarding" }),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let b_item = b_post(
        format!("/api/v1/team/programmes/{b_programme}/items"),
        json!({ "name": "beta's own micro-skill", "principles": [{ "name": "beta principle" }],
                "done_when": ["beta criterion"], "deadline": { "weeks": 2 }, "weekly_minutes": 60,
                "requires_approval": true }),
    )
    .await["item"]["id"]
        .as_i64()
        .unwrap();
    let b_cohort = b_post(
        "/api/v1/team/cohorts".into(),
        json!({ "name": "beta cohort" }),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    b_post(
        format!("/api/v1/team/cohorts/{b_cohort}/members"),
        json!({ "person": b_lee_id }),
    )
    .await;
    b_post(
        format!("/api/v1/team/cohorts/{b_cohort}/programmes"),
        json!({ "programme": b_programme }),
    )
    .await;
    // B's badge issuer, its keys rotated once.
    b_post(
        "/api/v1/team/issuer".into(),
        json!({ "name": "beta academy", "url": "https://beta.example/badges" }),
    )
    .await;
    b_post("/api/v1/team/issuer/rotate".into(), json!({})).await;
    // B's learner's application awaiting approval (this instance keeps no
    // journals: the given goal and the request are written as the owner).
    as_owner(
        &db,
        &format!(
            "INSERT INTO given_goals (org_id, item_id, person_id, cohort_id, goal_id, given_at) \
             SELECT org_id, id, {b_lee_id}, {b_cohort}, 4242, now() FROM programme_items \
             WHERE programme_id = {b_programme}; \
             INSERT INTO approval_requests (org_id, person_id, item_id, goal_id, application_id, \
                 applied_at, context, outcome) \
             SELECT org_id, person_id, item_id, goal_id, 77, now(), 'beta context', 'beta outcome' \
             FROM given_goals WHERE person_id = {b_lee_id}; \
             INSERT INTO shares (org_id, id, person_id, kind, item_id, goal_id) \
             SELECT org_id, 4343, person_id, 'session_note', 5, goal_id \
             FROM given_goals WHERE person_id = {b_lee_id}; \
             INSERT INTO issued_credentials (org_id, credential_id, person_id, goal_id, \
                 micro_skill, issued_at, credential) \
             SELECT org_id, 'urn:uuid:{B_BADGE}', {b_lee_id}, 4242, 'beta skill', now(), \
                 '{{\"issuer\": \"beta academy\"}}' FROM people WHERE id = {b_lee_id}"
        ),
    )
    .await;
    let r = send(&app, &b_admin, Method::GET, "/api/v1/team/approvals", None).await;
    let b_request = r.json()[0]["id"].as_i64().unwrap();
    let aim = Aim {
        person: b_lee_id,
        programme: b_programme,
    };
    let a_token = {
        let r = send(
            &app,
            &a_admin,
            Method::POST,
            "/api/v1/team/tokens",
            Some(json!({ "name": "alpha script" })),
        )
        .await;
        As::Token(r.json()["secret"].as_str().unwrap().to_owned())
    };
    let before = snapshot(&db, "beta").await;
    // What would betray B in a body: its names, emails, slug and token prefix.
    let b_marks = ["beta", "lee.b@", "open@", &b_prefix];

    let routes = documented_routes();
    assert!(routes.len() >= 36, "{routes:?}");
    for (method, template) in &routes {
        // B's ids in every id slot.
        let id = if template.contains("/cohorts/") {
            b_cohort
        } else if template.contains("/programmes/") {
            b_programme
        } else if template.contains("/members/") {
            b_lee_id
        } else if template.contains("/invitations/") {
            b_inv_id
        } else if template.contains("/approvals/") {
            b_request
        } else if template.contains("/shares/") {
            4343
        } else {
            b_token_id
        };
        let id = if template.contains("/badges/") {
            format!("urn:uuid:{B_BADGE}")
        } else {
            id.to_string()
        };
        // The published documents are public: the walk reads A's own.
        let path = template
            .replace("{id}", &id)
            .replace("{person}", &b_lee_id.to_string())
            .replace("{item}", &b_item.to_string())
            .replace("{programme}", &b_programme.to_string())
            .replace("{slug}", "alpha")
            .replace("{name}", "did.json");
        let path = if template.ends_with("/join") && method == Method::GET {
            format!("{path}?token=mmi_{}", "0".repeat(64))
        } else {
            path
        };
        for who in [&a_admin, &a_token, &a_lee] {
            if template.ends_with("/sign-out") {
                continue; // ends the caller's own session only; checked below
            }
            let r = send(
                &app,
                who,
                method.clone(),
                &path,
                body_for(method, template, "probe@alpha.example", aim),
            )
            .await;
            let text = r.text();
            assert!(
                !text.contains("no page at"),
                "{method} {path} is documented but not routed"
            );
            if template.contains("{id}") {
                assert!(
                    matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
                    "{method} {path} as {who:?}: {} {text}",
                    r.status
                );
                assert!(r.json()["error"].is_string(), "{method} {path}: {text}");
            }
            for mark in b_marks {
                assert!(
                    !text.contains(mark),
                    "{method} {path} as {who:?} shows {mark:?}: {text}"
                );
            }
        }
    }
    // The learner reaches nothing of the other learner, nor admin routes.
    let r = send(
        &app,
        &a_lee,
        Method::GET,
        &format!("/api/v1/team/members/{a_kim_id}"),
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.text().contains("kim@"), "{}", r.text());
    let r = send(&app, &a_lee, Method::GET, "/api/v1/team/members", None).await;
    assert_eq!(r.json().as_array().unwrap().len(), 1);
    assert!(!r.text().contains("kim@"));
    for (m, p) in [
        (Method::GET, "/api/v1/team/audit"),
        (Method::GET, "/api/v1/team/invitations"),
    ] {
        assert_eq!(
            send(&app, &a_lee, m, p, None).await.status,
            StatusCode::FORBIDDEN,
            "{p}"
        );
    }
    let r = send(
        &app,
        &a_lee,
        Method::PUT,
        &format!("/api/v1/team/members/{a_kim_id}/roles"),
        Some(json!({ "roles": ["admin"] })),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Nothing of B changed, and B still works.
    assert_eq!(snapshot(&db, "beta").await, before);
    let r = send(&app, &b_admin, Method::GET, "/api/v1/team/members", None).await;
    assert!(r.text().contains("lee.b@beta.example"));
    db.drop_schema().await;
}

#[tokio::test]
async fn bad_input_on_every_route_is_a_json_error_and_writes_nothing() {
    let Some(db) = test_db("srv_bad").await else {
        return;
    };
    let app = instance(&db).await;
    let acme = Acme::on(db, app).await;
    // A programme and a cohort, for the bodies aimed at real ids.
    let r = acme
        .post(
            &acme.admin,
            "/api/v1/team/programmes",
            json!({ "slug": "core", "name": "Core" }),
        )
        .await;
    let programme = r.json()["id"].as_i64().unwrap();
    let r = acme
        .post(
            &acme.admin,
            "/api/v1/team/cohorts",
            json!({ "name": "One" }),
        )
        .await;
    let cohort = r.json()["id"].as_i64().unwrap();
    let entry = mm_micro::catalogue::curated().entries()[0].id.clone();
    let items = format!("/api/v1/team/programmes/{programme}/items");
    // An item to change; a second programme, assigned (so not deletable).
    let r = acme
        .post(
            &acme.admin,
            &items,
            json!({ "catalogue_id": entry, "deadline": { "weeks": 2 }, "weekly_minutes": 60 }),
        )
        .await;
    let item = format!("{items}/{}", r.json()["item"]["id"].as_i64().unwrap());
    let r = acme
        .post(
            &acme.admin,
            "/api/v1/team/programmes",
            json!({ "slug": "held", "name": "Held" }),
        )
        .await;
    let held = r.json()["id"].as_i64().unwrap();
    let r = acme
        .post(
            &acme.admin,
            format!("/api/v1/team/cohorts/{cohort}/programmes"),
            json!({ "programme": held }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let before = snapshot(&acme.db, "acme").await;
    let members = format!("/api/v1/team/cohorts/{cohort}/members");
    for (method, path, body, want, field) in [
        // Changing an item: values out of range, wrong types, what cannot
        // be changed, unknown ids.
        (
            Method::PATCH,
            item.clone(),
            json!({ "weekly_minutes": 0 }),
            422,
            Some("weekly_minutes"),
        ),
        (
            Method::PATCH,
            item.clone(),
            json!({ "deadline": { "weeks": 521 } }),
            422,
            Some("deadline"),
        ),
        (
            Method::PATCH,
            item.clone(),
            json!({ "level": 9 }),
            422,
            Some("level"),
        ),
        (
            Method::PATCH,
            item.clone(),
            json!({ "done_when": [] }),
            422,
            Some("done_when"),
        ),
        (
            Method::PATCH,
            item.clone(),
            json!({ "principles": [{ "name": " " }] }),
            422,
            Some("principles"),
        ),
        (
            Method::PATCH,
            item.clone(),
            json!({ "name": 5 }),
            422,
            Some("name"),
        ),
        (
            Method::PATCH,
            item.clone(),
            json!({ "requires_approval": true }),
            422,
            Some("requires_approval"),
        ),
        (
            Method::PATCH,
            format!("{items}/999999"),
            json!({ "name": "x" }),
            404,
            None,
        ),
        (
            Method::PATCH,
            format!("{items}/abc"),
            json!({ "name": "x" }),
            422,
            Some("item"),
        ),
        (
            Method::DELETE,
            format!("{items}/999999"),
            Value::Null,
            404,
            None,
        ),
        // Changing a programme: its slug stays, its name is one line.
        (
            Method::PATCH,
            format!("/api/v1/team/programmes/{programme}"),
            json!({ "name": "" }),
            422,
            Some("name"),
        ),
        (
            Method::PATCH,
            format!("/api/v1/team/programmes/{programme}"),
            json!({ "description": "x".repeat(4001) }),
            422,
            Some("description"),
        ),
        (
            Method::PATCH,
            format!("/api/v1/team/programmes/{programme}"),
            json!({ "slug": "other" }),
            422,
            Some("slug"),
        ),
        // Deleting a programme a cohort has; unassigning one it has not.
        (
            Method::DELETE,
            format!("/api/v1/team/programmes/{held}"),
            Value::Null,
            409,
            None,
        ),
        (
            Method::DELETE,
            format!("/api/v1/team/cohorts/{cohort}/programmes/{programme}"),
            Value::Null,
            404,
            None,
        ),
        (
            Method::DELETE,
            format!("/api/v1/team/cohorts/{cohort}/programmes/999999"),
            Value::Null,
            404,
            None,
        ),
        (
            Method::DELETE,
            format!("/api/v1/team/cohorts/{cohort}/programmes/x"),
            Value::Null,
            422,
            Some("programme"),
        ),
        (
            Method::POST,
            items.clone(),
            json!({ "catalogue_id": "no-such-micro-skill" }),
            422,
            Some("catalogue_id"),
        ),
        (
            Method::POST,
            items.clone(),
            json!({ "catalogue_id": entry, "deadline": { "weeks": 0 }, "weekly_minutes": 60 }),
            422,
            Some("deadline"),
        ),
        (
            Method::POST,
            items.clone(),
            json!({ "catalogue_id": entry, "deadline": "soon" }),
            422,
            Some("deadline"),
        ),
        (
            Method::POST,
            items.clone(),
            json!({ "catalogue_id": entry, "deadline": { "date": "2026-02-30" } }),
            422,
            Some("deadline.date"),
        ),
        (
            Method::POST,
            items.clone(),
            json!({ "catalogue_id": entry, "weekly_minutes": -5 }),
            422,
            Some("weekly_minutes"),
        ),
        (
            Method::POST,
            items.clone(),
            json!({ "catalogue_id": entry, "weekly_minutes": 20000, "deadline": { "weeks": 2 } }),
            422,
            Some("weekly_minutes"),
        ),
        (
            Method::POST,
            items.clone(),
            json!({ "name": "Own", "done_when": ["x"], "deadline": { "weeks": 2 }, "weekly_minutes": 60 }),
            422,
            Some("principles"),
        ),
        (
            Method::POST,
            items.clone(),
            json!({ "catalogue_id": entry, "done_when": ["x".repeat(501)], "deadline": { "weeks": 2 } }),
            422,
            Some("done_when"),
        ),
        (
            Method::POST,
            members.clone(),
            json!({ "person": 999_999 }),
            404,
            None,
        ),
        (
            Method::POST,
            members.clone(),
            json!({ "person": "lee" }),
            422,
            Some("person"),
        ),
        (
            Method::POST,
            format!("/api/v1/team/cohorts/{cohort}/programmes"),
            json!({ "programme": 999_999 }),
            404,
            None,
        ),
        (
            Method::POST,
            "/api/v1/team/programmes".into(),
            json!({ "slug": "Not A Slug", "name": "x" }),
            422,
            Some("slug"),
        ),
        (
            Method::POST,
            "/api/v1/team/programmes".into(),
            json!({ "slug": "core", "name": "Again" }),
            409,
            None,
        ),
        (
            Method::POST,
            "/api/v1/team/cohorts".into(),
            json!({ "name": "" }),
            422,
            Some("name"),
        ),
        (
            Method::POST,
            "/api/v1/team/cohorts".into(),
            json!({ "name": "one" }),
            409,
            None,
        ),
        (
            Method::POST,
            "/api/v1/team/cohorts".into(),
            json!({ "name": "Two", "coach": 999_999 }),
            404,
            None,
        ),
        (
            Method::DELETE,
            format!("{members}/999999"),
            Value::Null,
            404,
            None,
        ),
        // The badge issuer: no https URL to publish under (this server has
        // no https --public-url), a URL did:web cannot name, no name, an
        // unknown field; and no issuer to rotate yet.
        (
            Method::POST,
            "/api/v1/team/issuer".into(),
            json!({ "name": "Acme Academy" }),
            422,
            Some("url"),
        ),
        (
            Method::POST,
            "/api/v1/team/issuer".into(),
            json!({ "name": "Acme Academy", "url": "http://acme.example" }),
            422,
            Some("url"),
        ),
        (
            Method::POST,
            "/api/v1/team/issuer".into(),
            json!({ "name": " ", "url": "https://acme.example" }),
            422,
            Some("name"),
        ),
        (
            Method::POST,
            "/api/v1/team/issuer".into(),
            json!({ "name": "x", "url": "https://acme.example", "keys": "mine" }),
            422,
            Some("keys"),
        ),
        (
            Method::POST,
            "/api/v1/team/issuer/rotate".into(),
            json!({}),
            404,
            None,
        ),
        (
            Method::POST,
            "/api/v1/team/approvals/999999".into(),
            json!({ "approve": false }),
            422,
            Some("message"),
        ),
        (
            Method::POST,
            "/api/v1/team/approvals/999999".into(),
            json!({ "approve": false, "message": "x".repeat(4001) }),
            422,
            Some("message"),
        ),
        (
            Method::POST,
            "/api/v1/team/approvals/999999".into(),
            json!({ "approve": "yes" }),
            422,
            Some("approve"),
        ),
        (
            Method::GET,
            "/api/v1/team/approvals?state=maybe".into(),
            Value::Null,
            422,
            Some("state"),
        ),
        (
            Method::GET,
            format!("/api/v1/team/cohorts/{cohort}/matrix?format=xml"),
            Value::Null,
            422,
            Some("format"),
        ),
        (
            Method::GET,
            format!("/api/v1/team/cohorts/{cohort}/at-risk?idle_days=0"),
            Value::Null,
            422,
            Some("idle_days"),
        ),
    ] {
        let body = (!body.is_null()).then_some(body);
        let r = acme
            .send(&acme.admin, method.clone(), &path, body.clone())
            .await;
        assert_eq!(
            r.status.as_u16(),
            want,
            "{method} {path} {body:?}: {}",
            r.text()
        );
        assert!(r.json()["error"].is_string());
        assert_eq!(
            r.json()["field"].as_str(),
            field,
            "{path} {body:?}: {}",
            r.text()
        );
        // Said in a client's words: no Rust types, no command lines.
        let message = r.json()["message"].as_str().unwrap_or("").to_owned();
        assert!(plain_words(&message), "{path} {body:?}: {message}");
        for rust in [
            "u32", "u8", "i64", "struct ", "enum ", "Option", "variant", "`",
        ] {
            assert!(!message.contains(rust), "{path} {body:?}: {message}");
        }
    }
    let As::Browser { cookie, csrf } = acme.admin.clone() else {
        unreachable!()
    };
    let unknown = Aim {
        person: 999_999,
        programme: 999_999,
    };
    for (method, template) in documented_routes() {
        let template = template
            .replace("{person}", "999999")
            .replace("{item}", "999999")
            .replace("{programme}", "999999");
        let unknown_id = if template.contains("/badges/") {
            "urn:uuid:99999999-9999-4999-8999-999999999999"
        } else {
            "999999"
        };
        let path = template.replace("{id}", unknown_id);
        // Unknown ids: 404 (or 403 where the role is checked first).
        if template.contains("{id}") {
            let r = acme
                .send(
                    &acme.admin,
                    method.clone(),
                    &path,
                    body_for(&method, &template, "x@acme.example", unknown),
                )
                .await;
            assert!(
                matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
                "{method} {path}: {}",
                r.text()
            );
            assert!(r.json()["error"].is_string());
            // Not an id at all: 422 naming it.
            let r = acme
                .send(
                    &acme.admin,
                    method.clone(),
                    &template.replace("{id}", "abc"),
                    body_for(&method, &template, "x@acme.example", unknown),
                )
                .await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{method} {template}: {}",
                r.text()
            );
            assert_eq!(r.json()["field"], "id");
        }
        if method == Method::GET || method == Method::DELETE {
            continue;
        }
        // These take no body.
        if template.ends_with("/sign-out") || template.ends_with("/issuer/rotate") {
            continue;
        }
        let path = template.replace("{id}", "1");
        // Wrong types, unknown fields, not JSON, too large.
        for (body, want) in [
            (
                json!({ "roles": 7, "email": 3, "name": [], "password": {}, "organisation": 1, "token": 1 }),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            (
                json!({ "surprise": true }),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
        ] {
            let r = acme
                .send(&acme.admin, method.clone(), &path, Some(body))
                .await;
            assert_eq!(r.status, want, "{method} {path}: {}", r.text());
            assert_eq!(r.json()["error"], "invalid");
        }
        for (bytes, want) in [
            (b"{not json".to_vec(), StatusCode::BAD_REQUEST),
            (
                format!("{{\"name\": \"{}\"}}", "x".repeat(100_000)).into_bytes(),
                StatusCode::PAYLOAD_TOO_LARGE,
            ),
        ] {
            let req = Request::builder()
                .method(method.clone())
                .uri(&path)
                .header(header::HOST, HOST)
                .header(header::COOKIE, &cookie)
                .header("x-csrf-token", &csrf)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(bytes))
                .unwrap();
            let res = acme.app.clone().oneshot(req).await.unwrap();
            let status = res.status();
            let body = res.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(
                status,
                want,
                "{method} {path}: {}",
                String::from_utf8_lossy(&body)
            );
            let v: Value = serde_json::from_slice(&body).expect("a JSON error");
            assert!(v["message"].is_string());
        }
    }
    // Without the CSRF token, or from another site: refused.
    let r = {
        let req = Request::post("/api/v1/team/tokens")
            .header(header::HOST, HOST)
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"name":"x"}"#))
            .unwrap();
        acme.app.clone().oneshot(req).await.unwrap()
    };
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let req = Request::post("/api/v1/team/tokens")
        .header(header::HOST, HOST)
        .header(header::COOKIE, &cookie)
        .header("x-csrf-token", &csrf)
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"name":"x"}"#))
        .unwrap();
    assert_eq!(
        acme.app.clone().oneshot(req).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    // Forged, replayed and revoked secrets.
    for who in [
        As::Browser {
            cookie: format!("mm_team=mms_{}", "0".repeat(64)),
            csrf: csrf.clone(),
        },
        As::Browser {
            cookie: "mm_team=garbage".into(),
            csrf: csrf.clone(),
        },
        As::Token(format!("mmt_{}", "f".repeat(64))),
        As::Token("not-a-token".into()),
    ] {
        let r = acme.get(&who, "/api/v1/team/me").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{who:?}");
        assert_eq!(r.json()["error"], "unauthorized");
    }
    assert_eq!(
        snapshot(&acme.db, "acme").await,
        before,
        "bad input wrote something"
    );
    // A session used after sign-out (a replayed cookie) is refused.
    assert_eq!(
        acme.send(&acme.admin, Method::POST, "/api/v1/team/sign-out", None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let r = acme.get(&acme.admin, "/api/v1/team/members").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Wrong password: 401, same words as an unknown organisation.
    let wrong = acme.post(&As::Nobody, "/api/v1/team/sign-in", json!({ "organisation": "acme", "email": "admin@acme.example", "password": "wrong password!!" })).await;
    let nowhere = acme.post(&As::Nobody, "/api/v1/team/sign-in", json!({ "organisation": "nowhere", "email": "admin@acme.example", "password": PASSWORD })).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.json()["message"], nowhere.json()["message"]);
    acme.db.drop_schema().await;
}

#[tokio::test]
async fn a_browser_signs_in_invites_and_joins_through_the_pages() {
    let Some(db) = test_db("srv_pages").await else {
        return;
    };
    let app = instance(&db).await;
    create_org(&TeamStore::connect(&db.app_url).await.unwrap(), "acme").await;
    let form = |path: &str, cookie: Option<&str>, body: String| {
        let mut req = Request::post(path)
            .header(header::HOST, HOST)
            .header(header::ORIGIN, format!("http://{HOST}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        req.body(Body::from(body)).unwrap()
    };
    let page = |path: &str, cookie: Option<&str>| {
        let mut req = Request::get(path).header(header::HOST, HOST);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        req.body(Body::empty()).unwrap()
    };
    async fn run(app: &Router, req: Request<Body>) -> Reply {
        let res = app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        Reply {
            status,
            headers,
            body,
        }
    }
    // The sign-in page, a wrong password, then the right one.
    let r = run(&app, page("/o/acme", None)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("Sign in to acme"));
    let r = run(
        &app,
        form(
            "/o/acme",
            None,
            "email=admin%40acme.example&password=nope".into(),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text().contains("is wrong"), "{}", r.text());
    let r = run(
        &app,
        form(
            "/o/acme",
            None,
            format!(
                "email=admin%40acme.example&password={}",
                PASSWORD.replace(' ', "+")
            ),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let cookie = common::cookie_pair(&r.headers);
    let home = run(&app, page("/", Some(&cookie))).await;
    assert!(home.text().contains("acme Ltd"), "{}", home.text());
    let csrf = home
        .text()
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    // Invite without the CSRF field: refused; with it: the link, shown once.
    let r = run(
        &app,
        form(
            "/invite",
            Some(&cookie),
            "email=new%40acme.example&roles=learner".into(),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = run(
        &app,
        form(
            "/invite",
            Some(&cookie),
            format!("csrf={csrf}&email=new%40acme.example&roles=learner"),
        ),
    )
    .await;
    // Post/Redirect/Get: the link is on the page it redirects to, once,
    // carried there by a cookie (never in the URL).
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.headers[header::LOCATION], "/team?done=invited#invite");
    let shown = common::cookie_pair(&r.headers);
    assert!(
        !r.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .contains("mmi_")
    );
    let r = run(
        &app,
        page("/team?done=invited", Some(&format!("{cookie}; {shown}"))),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(
        r.headers[header::SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0"),
        "the link's cookie is cleared once read"
    );
    let token = r
        .text()
        .split("/join?token=")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned();
    assert!(token.starts_with("mmi_"), "{token}");
    assert!(
        !run(&app, page("/", Some(&cookie)))
            .await
            .text()
            .contains(&token),
        "the link is shown again"
    );
    // The invited person opens the link and joins.
    let r = run(&app, page(&format!("/join?token={token}"), None)).await;
    assert!(
        r.text().contains("Join acme Ltd") && r.text().contains("new@acme.example"),
        "{}",
        r.text()
    );
    let r = run(
        &app,
        form(
            "/join",
            None,
            format!(
                "token={token}&name=Nia&password={}",
                PASSWORD.replace(' ', "+")
            ),
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let nia = common::cookie_pair(&r.headers);
    let home = run(&app, page("/", Some(&nia))).await;
    assert!(
        home.text().contains("Signed in as <strong>Nia</strong>"),
        "{}",
        home.text()
    );
    assert!(
        !home.text().contains("admin@acme.example"),
        "a learner sees the admin"
    );
    assert!(!home.text().contains("Invite someone"));
    // The used link now says so.
    let r = run(&app, page(&format!("/join?token={token}"), None)).await;
    assert!(r.text().contains("can no longer be used"), "{}", r.text());
    // Every page carries the strict policy.
    assert!(
        r.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("default-src 'self'")
    );
    let _ = Role::Learner;
    db.drop_schema().await;
}

#[test]
fn the_committed_team_openapi_document_matches_the_code_and_its_references_resolve() {
    let generated = mm_server::team::api::openapi_json();
    let doc: Value = serde_json::from_str(&generated).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let mut found = Vec::new();
    common::refs(&doc, &mut found);
    assert!(!found.is_empty());
    for r in found {
        let name = r.strip_prefix("#/components/schemas/").unwrap();
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{r} does not resolve"
        );
    }
    common::matches_committed(&generated, "openapi-team.json");
}

/// Every row of one person's journal, as text, read as the owner.
async fn journal_snapshot(db: &TestDb, person: i64) -> String {
    let base = db.owner_url.split('?').next().unwrap();
    let mut c = sqlx::PgConnection::connect(base).await.unwrap();
    let s = db.schema();
    let mut out = String::new();
    for t in mm_store::journal_tables() {
        let rows: String = sqlx::query_scalar(&format!(
            "SELECT coalesce(string_agg(t::TEXT, E'\\n' ORDER BY t::TEXT), '') FROM \"{s}\".{t} t WHERE person_id = $1"
        ))
        .bind(person)
        .fetch_one(&mut c)
        .await
        .unwrap();
        out.push_str(&format!("== {t}\n{rows}\n"));
    }
    out
}

#[tokio::test]
async fn each_person_works_in_their_own_journal_and_no_route_reaches_anothers() {
    use chrono::{DateTime, Duration, Utc};
    let Some(db) = test_db("srv_journals").await else {
        return;
    };
    // The journal's tables beside the team's, then the grants again to cover them.
    mm_store::Store::migrate(&db.owner_url).await.unwrap();
    mm_team::migrate(&db.owner_url, mm_team::testing::TEST_APP_ROLE)
        .await
        .unwrap();
    let team = TeamStore::connect(&db.app_url).await.unwrap();
    let journals = mm_store::Store::open_existing(&db.app_url).await.unwrap();
    let now = DateTime::parse_from_rfc3339("2026-03-10T12:00:00+00:00").unwrap();
    let app = router(TeamState::with_journals(
        team.clone(),
        journals.clone(),
        mm_app::Clock::Fixed(now),
        &[],
    ));
    create_org(&team, "alpha").await;
    create_org(&team, "beta").await;
    let a_admin = sign_in(&app, "alpha", "admin@alpha.example").await;
    let (lee, lee_id) = join(&app, &a_admin, "lee@alpha.example", &["learner"]).await;
    let (kim, kim_id) = join(&app, &a_admin, "kim@alpha.example", &["learner"]).await;
    let b_admin = sign_in(&app, "beta", "admin@beta.example").await;
    let (_, bo_id) = join(&app, &b_admin, "bo@beta.example", &["learner"]).await;
    let org = |who: As| {
        let app = app.clone();
        async move {
            send(&app, &who, Method::GET, "/api/v1/team/me", None)
                .await
                .json()["organisation"]["id"]
                .as_i64()
                .unwrap()
        }
    };
    let (alpha, beta) = (org(lee.clone()).await, org(b_admin.clone()).await);
    let mut goals = Vec::new();
    for (o, person, mark) in [
        (alpha, lee_id, "LEE-OWN-SKILL"),
        (alpha, kim_id, "KIM-SECRET-SKILL"),
        (beta, bo_id, "BO-SECRET-SKILL"),
    ] {
        let s = journals.scoped(o, person).unwrap();
        common::one_goal(&s, now.with_timezone(&Utc), 120, Duration::hours(2)).await;
        s.create_skill(
            &mm_core::NewSkill {
                name: mark.into(),
                kind: mm_core::SkillKind::Skill,
                taxonomy_uri: None,
                description: None,
                held_level: None,
            },
            now.with_timezone(&Utc),
        )
        .await
        .unwrap();
        goals.push(s.list_goals().await.unwrap()[0].id.0);
    }
    let (lee_goal, kim_goal, bo_goal) = (goals[0], goals[1], goals[2]);
    assert_ne!(lee_goal, kim_goal);
    // Each sees their own journal: the dashboard at /, the status, the export.
    let r = send(&app, &lee, Method::GET, "/api/v1/status", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("Write a left join"), "{}", r.text());
    let r = send(&app, &lee, Method::GET, "/api/v1/journal", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(
        r.text().contains("LEE-OWN-SKILL")
            && !r.text().contains("KIM-SECRET")
            && !r.text().contains("BO-SECRET")
    );
    let r = send(&app, &kim, Method::GET, "/api/v1/journal", None).await;
    assert!(r.text().contains("KIM-SECRET-SKILL") && !r.text().contains("LEE-OWN"));
    let r = send(&app, &lee, Method::GET, "/", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(
        r.text().contains("Write a left join"),
        "the dashboard: {}",
        r.text()
    );
    assert!(
        r.text().contains("href=\"/team\""),
        "the journal links back to the team page"
    );
    assert!(
        !r.text().contains("never leaves it"),
        "the journal does live on the server"
    );
    // Lee practises in her own journal.
    let r = send(
        &app,
        &lee,
        Method::POST,
        &format!("/api/v1/goals/{lee_goal}/sessions"),
        Some(json!({ "minutes": 30, "aim": "three-way join" })),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let kim_before = journal_snapshot(&db, kim_id).await;
    let bo_before = journal_snapshot(&db, bo_id).await;
    assert!(
        kim_before.contains("KIM-SECRET-SKILL"),
        "the snapshot reads the rows"
    );
    // The same on Kim's and Bo's goals: not found.
    for other in [kim_goal, bo_goal] {
        let r = send(
            &app,
            &lee,
            Method::GET,
            &format!("/api/v1/goals/{other}"),
            None,
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        let r = send(
            &app,
            &lee,
            Method::POST,
            &format!("/api/v1/goals/{other}/sessions"),
            Some(json!({ "minutes": 30, "aim": "x" })),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    }
    // Every route of the web app's document, as Lee (browser and token) and
    // Alpha's admin, with Kim's and Bo's ids: nothing of theirs shows.
    let doc: Value = serde_json::from_str(&mm_server::api::openapi_json()).unwrap();
    let token = {
        let r = send(
            &app,
            &lee,
            Method::POST,
            "/api/v1/team/tokens",
            Some(json!({ "name": "script" })),
        )
        .await;
        As::Token(r.json()["secret"].as_str().unwrap().to_owned())
    };
    let mut walked = 0;
    for (template, item) in doc["paths"].as_object().unwrap() {
        for m in item.as_object().unwrap().keys() {
            let method: Method = m.to_uppercase().parse().unwrap();
            if template == "/api/v1/session" && method == Method::DELETE {
                continue;
            }
            for other in [kim_goal, bo_goal] {
                let path = template
                    .replace("{id}", &other.to_string())
                    .replace("{n}", "1")
                    .replace("{form}", "json")
                    .replace("{name}", "did.json");
                for who in [&lee, &token, &a_admin] {
                    let body = (method != Method::GET).then(|| json!({}));
                    let r = send(&app, who, method.clone(), &path, body).await;
                    walked += 1;
                    let text = r.text();
                    for mark in ["KIM-SECRET", "BO-SECRET"] {
                        assert!(
                            !text.contains(mark),
                            "{method} {path} as {who:?} shows {mark}: {text}"
                        );
                    }
                    if template.contains("/goals/{id}")
                        || template.contains("/badges/{id}")
                        || template.contains("/market/{id}")
                    {
                        assert!(
                            r.status.is_client_error(),
                            "{method} {path} as {who:?}: {} {text}",
                            r.status
                        );
                    }
                }
            }
        }
    }
    assert!(walked > 100, "{walked}");
    assert_eq!(
        journal_snapshot(&db, kim_id).await,
        kim_before,
        "Kim's journal changed"
    );
    assert_eq!(
        journal_snapshot(&db, bo_id).await,
        bo_before,
        "Bo's journal changed"
    );
    db.drop_schema().await;
}

/// A team server keeping journals, on `db` (the journal's tables beside the
/// team's), at `now`; and the journals' store.
async fn with_journals(db: &TestDb, now: &str) -> (Router, mm_store::Store) {
    mm_store::Store::migrate(&db.owner_url).await.unwrap();
    mm_team::migrate(&db.owner_url, mm_team::testing::TEST_APP_ROLE)
        .await
        .unwrap();
    let team = TeamStore::connect(&db.app_url).await.unwrap();
    let journals = mm_store::Store::open_existing(&db.app_url).await.unwrap();
    let now = chrono::DateTime::parse_from_rfc3339(now).unwrap();
    let app = router(TeamState::with_journals(
        team,
        journals.clone(),
        mm_app::Clock::Fixed(now),
        &[],
    ));
    (app, journals)
}

/// Run `sql` as the database's owner in the test's schema.
/// The journal revision at which `person`'s approval requests last matched
/// their journal, read as the owner.
async fn synced_revision(db: &TestDb, person: i64) -> Option<i64> {
    let base = db.owner_url.split('?').next().unwrap();
    let mut c = sqlx::PgConnection::connect(base).await.unwrap();
    sqlx::query_scalar(&format!(
        "SELECT revision FROM \"{}\".approval_syncs WHERE person_id = $1",
        db.schema()
    ))
    .bind(person)
    .fetch_optional(&mut c)
    .await
    .unwrap()
}

/// A connection to `url` (the owner's or the servers' role's) in the
/// test's schema.
async fn in_schema(db: &TestDb, url: &str) -> sqlx::PgConnection {
    let base = url.split('?').next().unwrap();
    let mut c = sqlx::PgConnection::connect(base).await.unwrap();
    sqlx::query(&format!("SET search_path TO \"{}\"", db.schema()))
        .execute(&mut c)
        .await
        .unwrap();
    c
}

async fn as_owner(db: &TestDb, sql: &str) {
    let mut c = in_schema(db, &db.owner_url).await;
    sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
}

fn ids(v: &Value, key: &str) -> Vec<i64> {
    let mut out: Vec<i64> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g[key].as_i64().unwrap())
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn assigning_a_programme_gives_each_member_their_goals_once_and_a_later_joiner_theirs() {
    let Some((acme, journals)) =
        Acme::with_journals("srv_programmes", "2026-03-10T12:00:00+00:00").await
    else {
        return;
    };
    let (coach, _) = acme.join("coach@acme.example", &["coach"]).await;
    let (other_coach, _) = acme.join("coach2@acme.example", &["coach"]).await;
    let (lee, lee_id) = acme.join("lee@acme.example", &["learner"]).await;
    let (_, kim_id) = acme.join("kim@acme.example", &["learner"]).await;
    let (nia, nia_id) = acme.join("nia@acme.example", &["learner"]).await;
    let org = acme.org_id(&lee).await;
    // A learner may not create programmes; a coach makes one of a curated
    // micro-skill and one of the organisation's own.
    let r = acme
        .post(
            &lee,
            "/api/v1/team/programmes",
            json!({ "slug": "x1", "name": "x" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let r = acme
        .post(
            &coach,
            "/api/v1/team/programmes",
            json!({ "slug": "data-basics", "name": "Data basics", "description": "First month" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let programme = r.json()["id"].as_i64().unwrap();
    let entry = &mm_micro::catalogue::curated().entries()[0];
    let r = acme
        .post(
            &coach,
            format!("/api/v1/team/programmes/{programme}/items"),
            json!({ "catalogue_id": entry.id, "deadline": { "weeks": 3 }, "weekly_minutes": 90 }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let first = r.json()["item"]["id"].as_i64().unwrap();
    assert_eq!(r.json()["item"]["name"], entry.name.as_str());
    let r = acme.post(&coach, format!("/api/v1/team/programmes/{programme}/items"), json!({
            "name": "Explain a bar chart to a customer",
            "principles": [{ "name": "One message per chart" }],
            "done_when": ["Explains one chart in two minutes", "Answers a question on its axis"],
            "deadline": { "date": "2026-06-30" },
            "weekly_minutes": 60,
            "level": 2
        }))
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let second = r.json()["item"]["id"].as_i64().unwrap();
    // The coach's cohort, with Lee and Kim; the programme assigned.
    let r = acme
        .post(&coach, "/api/v1/team/cohorts", json!({ "name": "Spring" }))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let cohort = r.json()["id"].as_i64().unwrap();
    for p in [lee_id, kim_id] {
        let r = acme
            .post(
                &coach,
                format!("/api/v1/team/cohorts/{cohort}/members"),
                json!({ "person": p }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(r.json()["goals"]["given"].as_array().unwrap().is_empty());
    }
    let assign = || {
        acme.post(
            &coach,
            format!("/api/v1/team/cohorts/{cohort}/programmes"),
            json!({ "programme": programme }),
        )
    };
    let r = assign().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        ids(&r.json()["goals"]["given"], "person"),
        [lee_id, lee_id, kim_id, kim_id]
    );
    assert!(r.json()["goals"]["failed"].as_array().unwrap().is_empty());
    // Each member's journal holds the two goals: the item's criteria, budget, deadline.
    let goals_of = |person: i64| {
        let s = journals.scoped(org, person).unwrap();
        async move {
            let mut g = s.list_goals().await.unwrap();
            g.sort_by_key(|g| g.deadline);
            g
        }
    };
    for person in [lee_id, kim_id] {
        let g = goals_of(person).await;
        assert_eq!(g.len(), 2, "{g:?}");
        let texts = |i: usize| {
            g[i].criteria
                .iter()
                .map(|c| c.text.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(texts(0), entry.done_when);
        assert_eq!(g[0].weekly_minutes, 90);
        assert_eq!(
            g[0].deadline.to_string(),
            "2026-03-31",
            "three weeks after assignment"
        );
        assert_eq!(g[0].start.to_string(), "2026-03-10");
        assert_eq!(
            texts(1),
            [
                "Explains one chart in two minutes",
                "Answers a question on its axis"
            ]
        );
        assert_eq!(
            (g[1].weekly_minutes, g[1].deadline.to_string()),
            (60, "2026-06-30".into())
        );
        assert_eq!(g[1].target_level.number(), 2);
    }
    // Lee sees them in her journal, in the web app.
    let r = acme.get(&lee, "/api/v1/journal").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(
        r.text().contains("Explains one chart in two minutes"),
        "{}",
        r.text()
    );
    // Assigning again, or taking Lee out and back in, gives nothing more.
    let r = assign().await;
    assert!(
        r.json()["goals"]["given"].as_array().unwrap().is_empty(),
        "{}",
        r.text()
    );
    let r = acme
        .delete(
            &coach,
            format!("/api/v1/team/cohorts/{cohort}/members/{lee_id}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = acme
        .post(
            &coach,
            format!("/api/v1/team/cohorts/{cohort}/members"),
            json!({ "person": lee_id }),
        )
        .await;
    assert!(
        r.json()["goals"]["given"].as_array().unwrap().is_empty(),
        "{}",
        r.text()
    );
    assert_eq!(goals_of(lee_id).await.len(), 2);
    // Nia joins later and gets both at once.
    let r = acme
        .post(
            &coach,
            format!("/api/v1/team/cohorts/{cohort}/members"),
            json!({ "person": nia_id }),
        )
        .await;
    assert_eq!(ids(&r.json()["goals"]["given"], "item"), [first, second]);
    assert_eq!(goals_of(nia_id).await.len(), 2);
    // One member's journal refuses the next goal: the others' land, the
    // failure is reported and kept, and a retry completes it.
    as_owner(
        &acme.db,
        &format!(
            "CREATE FUNCTION refuse_goal() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'disk full'; END $$; \
             CREATE TRIGGER refuse_goal BEFORE INSERT ON goals FOR EACH ROW \
             WHEN (NEW.person_id = {kim_id}) EXECUTE FUNCTION refuse_goal();"
        ),
    )
    .await;
    let r = acme
        .post(
            &coach,
            format!("/api/v1/team/programmes/{programme}/items"),
            json!({
                "name": "Clean a column of dates",
                "principles": [{ "name": "One format", "description": "ISO 8601" }],
                "done_when": ["Converts 100 dates without error"],
                "deadline": { "weeks": 2 },
                "weekly_minutes": 30
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let third = r.json()["item"]["id"].as_i64().unwrap();
    assert_eq!(ids(&r.json()["goals"]["given"], "person"), [lee_id, nia_id]);
    assert_eq!(ids(&r.json()["goals"]["failed"], "person"), [kim_id]);
    assert_eq!(goals_of(kim_id).await.len(), 2);
    let r = acme
        .get(&coach, format!("/api/v1/team/cohorts/{cohort}"))
        .await;
    let seen = r.json();
    let failed: Vec<&Value> = seen["goals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["state"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{}", r.text());
    assert_eq!(
        (failed[0]["person"].as_i64(), failed[0]["item"].as_i64()),
        (Some(kim_id), Some(third))
    );
    as_owner(&acme.db, "DROP TRIGGER refuse_goal ON goals").await;
    let retry = || {
        acme.post(
            &coach,
            format!("/api/v1/team/cohorts/{cohort}/goals"),
            json!({}),
        )
    };
    let r = retry().await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(ids(&r.json()["goals"]["given"], "person"), [kim_id]);
    assert_eq!(goals_of(kim_id).await.len(), 3);
    let r = retry().await;
    assert!(r.json()["goals"]["given"].as_array().unwrap().is_empty());
    assert!(
        r.json()["cohort"]["goals"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["state"] == "given")
    );
    for p in [lee_id, kim_id, nia_id] {
        assert_eq!(goals_of(p).await.len(), 3, "person {p}");
    }
    // A learner sees the cohort with only herself, and changes nothing.
    let r = acme
        .get(&lee, format!("/api/v1/team/cohorts/{cohort}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(ids(&r.json()["members"], "person"), [lee_id]);
    assert!(
        !r.text().contains("kim@") && !r.text().contains("nia@"),
        "{}",
        r.text()
    );
    let r = acme.get(&lee, "/api/v1/team/programmes").await;
    assert_eq!(ids(&r.json(), "id"), [programme]);
    for (path, body) in [
        (
            format!("/api/v1/team/cohorts/{cohort}/members"),
            json!({ "person": lee_id }),
        ),
        (format!("/api/v1/team/cohorts/{cohort}/goals"), json!({})),
        (
            format!("/api/v1/team/programmes/{programme}/items"),
            json!({ "catalogue_id": entry.id }),
        ),
    ] {
        let r = acme.post(&lee, path.clone(), body).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.text());
    }
    // Another coach does not reach this coach's cohort.
    for (path, body) in [
        (
            format!("/api/v1/team/cohorts/{cohort}/members"),
            json!({ "person": lee_id }),
        ),
        (
            format!("/api/v1/team/cohorts/{cohort}/programmes"),
            json!({ "programme": programme }),
        ),
        (format!("/api/v1/team/cohorts/{cohort}/goals"), json!({})),
    ] {
        let r = acme.post(&other_coach, path.clone(), body).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text());
    }
    let r = acme
        .delete(
            &other_coach,
            format!("/api/v1/team/cohorts/{cohort}/members/{lee_id}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    let r = acme
        .get(&other_coach, format!("/api/v1/team/cohorts/{cohort}"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    assert_eq!(
        ids(
            &acme
                .get(&coach, format!("/api/v1/team/cohorts/{cohort}"))
                .await
                .json()["members"],
            "person"
        ),
        {
            let mut v = vec![lee_id, kim_id, nia_id];
            v.sort();
            v
        }
    );
    // The pages: the coach's cohort page lists the members; Lee's links her goals.
    let r = acme.get(&coach, format!("/team/cohorts/{cohort}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("nia@acme.example") && r.text().contains("Give owed goals"));
    let r = acme.get(&nia, format!("/team/cohorts/{cohort}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let nia_goal = goals_of(nia_id).await[0].id.0;
    assert!(
        r.text().contains(&format!("href=\"/goals/{nia_goal}\"")),
        "{}",
        r.text()
    );
    assert!(!r.text().contains("lee@acme.example") && !r.text().contains("Give owed goals"));
    let r = acme.get(&nia, format!("/goals/{nia_goal}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    acme.db.drop_schema().await;
}

#[tokio::test]
async fn editing_a_programme_changes_only_the_goals_given_later_and_removing_or_unassigning_keeps_those_given()
 {
    let Some((acme, journals)) =
        Acme::with_journals("srv_programme_edits", "2026-03-10T12:00:00+00:00").await
    else {
        return;
    };
    let beta = acme.other_org("beta").await;
    let (coach, _) = acme.join("coach@acme.example", &["coach"]).await;
    let (other_coach, _) = acme.join("coach2@acme.example", &["coach"]).await;
    let (lee, lee_id) = acme.join("lee@acme.example", &["learner"]).await;
    let (_, kim_id) = acme.join("kim@acme.example", &["learner"]).await;
    let (_, nia_id) = acme.join("nia@acme.example", &["learner"]).await;
    let org = acme.org_id(&lee).await;
    let goals_of = |person: i64| {
        let s = journals.scoped(org, person).unwrap();
        async move {
            let mut g = s.list_goals().await.unwrap();
            g.sort_by_key(|g| g.id.0);
            g
        }
    };
    let criteria = |g: &mm_core::Goal| {
        g.criteria
            .iter()
            .map(|c| c.text.clone())
            .collect::<Vec<_>>()
    };
    // The coach's programme of three micro-skills, and a second of one.
    let r = acme
        .post(
            &coach,
            "/api/v1/team/programmes",
            json!({ "slug": "reporting", "name": "Reporting" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let programme = r.json()["id"].as_i64().unwrap();
    let mut item = Vec::new();
    for (name, programme) in [
        ("Write a weekly summary", programme),
        ("Chart one trend", programme),
        ("Present in five minutes", programme),
    ] {
        let r = acme
            .post(
                &coach,
                format!("/api/v1/team/programmes/{programme}/items"),
                json!({
                    "name": name, "principles": [{ "name": "Lead with the point" }],
                    "done_when": [format!("{name}, reviewed")],
                    "deadline": { "weeks": 3 }, "weekly_minutes": 90
                }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        item.push(r.json()["item"]["id"].as_i64().unwrap());
    }
    let (summary, chart, present) = (item[0], item[1], item[2]);
    let r = acme
        .post(
            &coach,
            "/api/v1/team/programmes",
            json!({ "slug": "extra", "name": "Extra" }),
        )
        .await;
    let extra = r.json()["id"].as_i64().unwrap();
    let r = acme.post(&coach, format!("/api/v1/team/programmes/{extra}/items"), json!({
            "name": "Clean a column of dates", "principles": [{ "name": "One format" }],
            "done_when": ["Converts 100 dates"], "deadline": { "weeks": 2 }, "weekly_minutes": 30
        }))
    .await;
    let dates = r.json()["item"]["id"].as_i64().unwrap();
    // Lee's cohort has both: she gets four goals.
    let r = acme
        .post(&coach, "/api/v1/team/cohorts", json!({ "name": "Spring" }))
        .await;
    let cohort = r.json()["id"].as_i64().unwrap();
    let add = |person: i64| {
        acme.post(
            &coach,
            format!("/api/v1/team/cohorts/{cohort}/members"),
            json!({ "person": person }),
        )
    };
    add(lee_id).await;
    for p in [programme, extra] {
        let r = acme
            .post(
                &coach,
                format!("/api/v1/team/cohorts/{cohort}/programmes"),
                json!({ "programme": p }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    let lee_before = goals_of(lee_id).await;
    assert_eq!(lee_before.len(), 4);

    // The coach changes the summary's criteria, deadline and budget, and
    // renames it; the programme is renamed too.
    let summary_path = format!("/api/v1/team/programmes/{programme}/items/{summary}");
    let r = acme
        .patch(
            &coach,
            summary_path.clone(),
            json!({
                "name": "Write a weekly summary for the team",
                "done_when": ["Sent by Friday", "Read by the team lead"],
                "deadline": { "weeks": 6 },
                "weekly_minutes": 45
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let changed = r.json();
    assert_eq!(changed["name"], "Write a weekly summary for the team");
    assert_eq!(changed["deadline"], json!({ "weeks": 6 }));
    assert_eq!(changed["weekly_minutes"], 45);
    assert_eq!(
        changed["principles"][0]["name"], "Lead with the point",
        "unchanged"
    );
    let r = acme
        .patch(
            &coach,
            format!("/api/v1/team/programmes/{programme}"),
            json!({ "name": "Reporting, spring edition" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["name"], "Reporting, spring edition");
    assert_eq!(r.json()["slug"], "reporting");
    // Lee's goals are hers: exactly as they were given.
    let lee_now = goals_of(lee_id).await;
    assert_eq!(
        lee_now
            .iter()
            .map(|g| (criteria(g), g.weekly_minutes, g.deadline))
            .collect::<Vec<_>>(),
        lee_before
            .iter()
            .map(|g| (criteria(g), g.weekly_minutes, g.deadline))
            .collect::<Vec<_>>()
    );
    assert!(
        lee_now
            .iter()
            .any(|g| criteria(g) == ["Write a weekly summary, reviewed"] && g.weekly_minutes == 90)
    );
    // Kim joins later: her summary goal follows the new template.
    let r = add(kim_id).await;
    assert_eq!(
        ids(&r.json()["goals"]["given"], "item"),
        [summary, chart, present, dates]
    );
    let kim = goals_of(kim_id).await;
    let kim_summary = kim
        .iter()
        .find(|g| criteria(g) == ["Sent by Friday", "Read by the team lead"])
        .unwrap_or_else(|| panic!("{kim:?}"));
    assert_eq!(kim_summary.weekly_minutes, 45);
    assert_eq!(
        kim_summary.deadline.to_string(),
        "2026-04-21",
        "six weeks on"
    );
    // The change is audited, from and to.
    let r = acme.get(&acme.admin, "/api/v1/team/audit").await;
    let update = r
        .json()
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "programme_item_update")
        .cloned()
        .unwrap_or_else(|| panic!("{}", r.text()));
    assert_eq!(update["detail"]["item"], summary);
    assert_eq!(
        update["detail"]["changed"]["weekly_minutes"],
        json!({ "from": 90, "to": 45 })
    );
    assert!(update["detail"]["changed"].get("principles").is_none());

    // The chart is removed: the others close up, its given goals stay.
    let r = acme
        .delete(
            &coach,
            format!("/api/v1/team/programmes/{programme}/items/{chart}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(ids(&r.json()["items"], "id"), [summary, present]);
    assert_eq!(r.json()["items"][1]["position"], 2);
    let r = acme
        .delete(
            &coach,
            format!("/api/v1/team/programmes/{programme}/items/{chart}"),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "removed once: {}",
        r.text()
    );
    let r = acme
        .patch(
            &coach,
            format!("/api/v1/team/programmes/{programme}/items/{chart}"),
            json!({ "weekly_minutes": 10 }),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    // Added again, the chart comes back as the same item: nobody who was
    // given its goal is given a second one. Then it goes again.
    let lee_goals = goals_of(lee_id).await.len();
    let r = acme
        .post(
            &coach,
            format!("/api/v1/team/programmes/{programme}/items"),
            json!({
                "name": "Chart one trend", "principles": [{ "name": "Lead with the point" }],
                "done_when": ["Chart one trend, reviewed"],
                "deadline": { "weeks": 3 }, "weekly_minutes": 90
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["item"]["id"], json!(chart), "{}", r.text());
    assert_eq!(goals_of(lee_id).await.len(), lee_goals, "a second goal");
    let r = acme
        .delete(
            &coach,
            format!("/api/v1/team/programmes/{programme}/items/{chart}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // A curated micro-skill is in a programme once, under whatever name
    // (a programme no cohort has yet).
    let r = acme
        .post(
            &coach,
            "/api/v1/team/programmes",
            json!({ "slug": "curated", "name": "Curated" }),
        )
        .await;
    let lone = r.json()["id"].as_i64().unwrap();
    let entry = mm_micro::catalogue::curated().entries()[0].id.clone();
    let add_extra = |body: Value| {
        acme.post(
            &coach,
            format!("/api/v1/team/programmes/{lone}/items"),
            body,
        )
    };
    let r = add_extra(
        json!({ "catalogue_id": entry, "deadline": { "weeks": 2 }, "weekly_minutes": 30 }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let curated = r.json()["item"]["id"].as_i64().unwrap();
    let r = acme
        .patch(
            &coach,
            format!("/api/v1/team/programmes/{lone}/items/{curated}"),
            json!({ "name": "Our own name for it" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = add_extra(
        json!({ "catalogue_id": entry, "deadline": { "weeks": 2 }, "weekly_minutes": 30 }),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(r.text().contains("Our own name for it"), "{}", r.text());
    let r = acme
        .delete(&coach, format!("/api/v1/team/programmes/{lone}"))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    // The extra programme cannot be deleted while Spring has it.
    let r = acme
        .delete(&coach, format!("/api/v1/team/programmes/{extra}"))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(
        r.json()["message"].as_str().unwrap().contains("Spring"),
        "{}",
        r.text()
    );
    // Unassigned from Spring: Nia, joining now, gets nothing from it, nor
    // the removed chart; Lee and Kim keep what they were given.
    let unassign = format!("/api/v1/team/cohorts/{cohort}/programmes/{extra}");
    let r = acme.delete(&lee, unassign.clone()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let r = acme.delete(&other_coach, unassign.clone()).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    let r = acme.delete(&coach, unassign.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(ids(&r.json()["programmes"], "programme"), [programme]);
    let r = acme.delete(&coach, unassign.clone()).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    let r = add(nia_id).await;
    assert_eq!(ids(&r.json()["goals"]["given"], "item"), [summary, present]);
    assert_eq!(goals_of(nia_id).await.len(), 2);
    assert_eq!(goals_of(lee_id).await.len(), 4);
    assert_eq!(goals_of(kim_id).await.len(), 4);
    // The cohort shows the chart's given goals, none owed to Nia.
    let r = acme
        .get(&coach, format!("/api/v1/team/cohorts/{cohort}"))
        .await;
    let chart_goals: Vec<i64> = r.json()["goals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["item"] == chart)
        .map(|g| {
            assert_eq!(g["state"], "given", "{g}");
            g["person"].as_i64().unwrap()
        })
        .collect();
    assert_eq!(chart_goals.len(), 2, "{}", r.text());
    assert!(!chart_goals.contains(&nia_id));
    // Now no cohort has it, the extra programme is deleted; its slug is free.
    let r = acme
        .delete(&coach, format!("/api/v1/team/programmes/{extra}"))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let r = acme
        .get(&coach, format!("/api/v1/team/programmes/{extra}"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    let r = acme.get(&acme.admin, "/api/v1/team/programmes").await;
    assert_eq!(ids(&r.json(), "id"), [programme]);
    let r = acme
        .post(
            &coach,
            format!("/api/v1/team/cohorts/{cohort}/programmes"),
            json!({ "programme": extra }),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "a deleted programme: {}",
        r.text()
    );
    let r = acme
        .post(
            &coach,
            "/api/v1/team/programmes",
            json!({ "slug": "extra", "name": "Extra again" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    // Every goal given stays on record.
    assert_eq!(
        count(
            &acme.db,
            "SELECT count(*) FROM given_goals WHERE goal_id IS NOT NULL"
        )
        .await,
        10
    );
    // A learner changes nothing; another coach may not change this coach's
    // programme; another organisation finds none of it.
    for (who, want) in [
        (&lee, StatusCode::FORBIDDEN),
        (&other_coach, StatusCode::FORBIDDEN),
        (&beta, StatusCode::NOT_FOUND),
    ] {
        for (method, path, body) in [
            (
                Method::PATCH,
                summary_path.clone(),
                Some(json!({ "weekly_minutes": 5 })),
            ),
            (Method::DELETE, summary_path.clone(), None),
            (
                Method::PATCH,
                format!("/api/v1/team/programmes/{programme}"),
                Some(json!({ "name": "Mine now" })),
            ),
            (
                Method::DELETE,
                format!("/api/v1/team/programmes/{programme}"),
                None,
            ),
        ] {
            let r = acme.send(who, method.clone(), path.clone(), body).await;
            assert_eq!(r.status, want, "{method} {path} as {who:?}: {}", r.text());
            assert!(!r.text().contains("Reporting"), "{}", r.text());
        }
    }
    let r = acme
        .delete(
            &beta,
            format!("/api/v1/team/cohorts/{cohort}/programmes/{programme}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    assert!(!r.text().contains("Spring"), "{}", r.text());
    let r = acme
        .get(&acme.admin, format!("/api/v1/team/programmes/{programme}"))
        .await;
    assert_eq!(
        r.json()["items"][0]["weekly_minutes"],
        45,
        "nobody else changed it"
    );
    acme.db.drop_schema().await;
}

#[tokio::test]
async fn a_coach_builds_a_programme_and_a_cohort_through_the_pages() {
    let Some((acme, journals)) =
        Acme::with_journals("srv_programme_pages", "2026-03-10T12:00:00+00:00").await
    else {
        return;
    };
    let (coach, _) = acme.join("coach@acme.example", &["coach"]).await;
    let (lee, lee_id) = acme.join("lee@acme.example", &["learner"]).await;
    let form = |path: String, body: String| {
        let (acme, coach) = (&acme, coach.clone());
        async move { send_form(&acme.app, &coach, &path, &body).await }
    };
    // After a form, the page that shows what it did (Post/Redirect/Get).
    let follow = |r: Reply| {
        let (acme, coach) = (&acme, coach.clone());
        async move {
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
            let at = location(&r).to_owned();
            let page = acme.get(&coach, &at).await;
            assert_eq!(page.status, StatusCode::OK, "{at}: {}", page.text());
            (at, page)
        }
    };
    let id_in = |at: &str| -> i64 {
        at.split('?')
            .next()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let home = acme.get(&coach, "/team").await;
    assert!(
        home.text().contains("Create the programme"),
        "{}",
        home.text()
    );
    let r = form(
        "/team/programmes".into(),
        "name=Data+basics&slug=data-basics&description=".into(),
    )
    .await;
    let (at, page) = follow(r).await;
    assert!(
        page.text().contains("Programme created."),
        "{}",
        page.text()
    );
    let programme = id_in(&at);
    let at = format!("/team/programmes/{programme}");
    // Search the catalogue, add what it finds.
    let entry = &mm_micro::catalogue::curated().entries()[0];
    let q: String = entry
        .name
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join("+");
    let r = acme.get(&coach, format!("{at}?q={q}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(
        r.text().contains(&format!("value=\"{}\"", entry.id)),
        "{}",
        r.text()
    );
    let r = form(
        format!("/team/programmes/{programme}/items"),
        format!("catalogue_id={}&weeks=4&weekly_minutes=120", entry.id),
    )
    .await;
    let (_, page) = follow(r).await;
    assert!(
        page.text().contains("Micro-skill added."),
        "{}",
        page.text()
    );
    let r = form("/team/cohorts".into(), "name=Spring".into()).await;
    let (at, _) = follow(r).await;
    let cohort = id_in(&at);
    let r = form(
        format!("/team/cohorts/{cohort}/members"),
        format!("person={lee_id}"),
    )
    .await;
    let (_, page) = follow(r).await;
    assert!(page.text().contains("Member added."), "{}", page.text());
    let r = form(
        format!("/team/cohorts/{cohort}/programmes"),
        format!("programme={programme}"),
    )
    .await;
    let (at, page) = follow(r).await;
    assert_eq!(
        at,
        format!("/team/cohorts/{cohort}?done=assigned&given=1&failed=0")
    );
    assert!(page.text().contains("1 goals given"), "{}", page.text());
    // Lee sees her cohort on the team page, and the goal in her journal.
    let r = acme.get(&lee, "/team").await;
    assert!(
        r.text().contains("Your cohorts") && r.text().contains("Spring"),
        "{}",
        r.text()
    );
    let org = acme.org_id(&lee).await;
    let goals = journals
        .scoped(org, lee_id)
        .unwrap()
        .list_goals()
        .await
        .unwrap();
    assert_eq!(goals.len(), 1);
    assert_eq!(goals[0].deadline.to_string(), "2026-04-07");
    let r = acme.get(&lee, "/").await;
    assert!(
        r.text()
            .contains(&format!("href=\"/goals/{}\"", goals[0].id.0)),
        "the dashboard shows it: {}",
        r.text()
    );
    // The coach changes the micro-skill on its page: Lee's goal stays as given.
    let item = acme
        .get(&coach, format!("/api/v1/team/programmes/{programme}"))
        .await
        .json()["items"][0]["id"]
        .as_i64()
        .unwrap();
    let r = acme
        .get(&coach, format!("/team/programmes/{programme}"))
        .await;
    assert!(
        r.text()
            .contains(&format!("/team/programmes/{programme}/items/{item}/edit"))
            && r.text().contains("stay as they were"),
        "{}",
        r.text()
    );
    let r = form(
        format!("/team/programmes/{programme}/items/{item}/edit"),
        "name=Summarise+a+table&principles=Group+first%3A+then+count%0D%0AName+the+columns\
         &done_when=Summarises+a+table+of+100+rows&weeks=&date=2026-05-01&weekly_minutes=45\
         &hours=&level=3"
            .into(),
    )
    .await;
    let (_, page) = follow(r).await;
    assert!(page.text().contains("Saved.") && page.text().contains("Summarise a table"));
    let p = acme
        .get(&coach, format!("/api/v1/team/programmes/{programme}"))
        .await
        .json();
    assert_eq!(p["items"][0]["deadline"], json!({ "date": "2026-05-01" }));
    assert_eq!(
        p["items"][0]["principles"],
        json!([{ "name": "Group first", "description": "then count" }, { "name": "Name the columns" }])
    );
    // A change that fails is shown again as typed, the error by its field,
    // and writes nothing.
    let before = snapshot(&acme.db, "acme").await;
    let r = form(
        format!("/team/programmes/{programme}/items/{item}/edit"),
        "name=Summarise+two+tables&weeks=4&date=2026-05-01&weekly_minutes=45".into(),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(
        r.text().contains(r#"value="Summarise two tables""#)
            && r.text()
                .contains(r#"name="weeks" type="number" min="1" max="520" value="4""#),
        "{}",
        r.text()
    );
    assert!(
        r.text().contains(&format!(
            r#"<p class="field-error" role="alert" id="item-{item}-deadline-error">give weeks after it is given, or a date, not both</p>"#
        )),
        "{}",
        r.text()
    );
    let r = form(
        format!("/team/programmes/{programme}/items/{item}/edit"),
        "name=Summarise+two+tables&date=2020-01-01".into(),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(
        r.text().contains("2020-01-01 has passed") && r.text().contains(r#"value="2020-01-01""#),
        "{}",
        r.text()
    );
    assert_eq!(
        snapshot(&acme.db, "acme").await,
        before,
        "a failed form wrote"
    );
    let r = form(
        format!("/team/programmes/{programme}/edit"),
        "name=Data+basics+II&description=Spring".into(),
    )
    .await;
    let (_, page) = follow(r).await;
    assert!(page.text().contains("Data basics II"));
    // Deleting it while Spring has it is refused; unassigned, then removed
    // and deleted, Lee keeps her goal as it was given.
    let r = form(
        format!("/team/programmes/{programme}/delete"),
        String::new(),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(r.text().contains("Spring"), "{}", r.text());
    let r = acme.get(&coach, format!("/team/cohorts/{cohort}")).await;
    assert!(r.text().contains(&format!(
        "/team/cohorts/{cohort}/programmes/{programme}/remove"
    )));
    let r = form(
        format!("/team/cohorts/{cohort}/programmes/{programme}/remove"),
        String::new(),
    )
    .await;
    let (_, page) = follow(r).await;
    assert!(page.text().contains("Unassigned."), "{}", page.text());
    let r = form(
        format!("/team/programmes/{programme}/items/{item}/remove"),
        String::new(),
    )
    .await;
    let (_, page) = follow(r).await;
    assert!(page.text().contains("Removed.") && !page.text().contains("Summarise a table"));
    let r = form(
        format!("/team/programmes/{programme}/delete"),
        String::new(),
    )
    .await;
    let (_, r) = follow(r).await;
    assert!(!r.text().contains("Data basics"), "{}", r.text());
    assert!(r.text().contains("Programme deleted."), "{}", r.text());
    let kept = journals
        .scoped(org, lee_id)
        .unwrap()
        .list_goals()
        .await
        .unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].deadline.to_string(), "2026-04-07");
    assert_eq!(kept[0].weekly_minutes, 120);
    // A learner's form posts are refused.
    let As::Browser {
        cookie: lc,
        csrf: lcsrf,
    } = lee.clone()
    else {
        unreachable!()
    };
    let req = Request::post("/team/programmes")
        .header(header::HOST, HOST)
        .header(header::COOKIE, lc)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={lcsrf}&name=x&slug=xx")))
        .unwrap();
    assert_eq!(
        acme.app.clone().oneshot(req).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    acme.db.drop_schema().await;
}

/// A cohort given a programme of one micro-skill.
struct Given {
    cohort: i64,
    item: i64,
    /// Each member's goal in their journal.
    goals: HashMap<i64, i64>,
}

/// `lead` makes a programme of one micro-skill (`item`, a programme item's
/// body) and a cohort of `members`, and assigns it on `app` (whose clock
/// says when the goals are given).
async fn given_programme(app: &Router, lead: &As, item: Value, members: &[i64]) -> Given {
    let post = |path: String, body: Value| async move {
        let r = send(app, lead, Method::POST, &path, Some(body)).await;
        assert!(r.status.is_success(), "{path}: {}", r.text());
        r.json()
    };
    let programme = post(
        "/api/v1/team/programmes".into(),
        json!({ "slug": "charts", "name": "Charts" }),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let item = post(format!("/api/v1/team/programmes/{programme}/items"), item).await["item"]["id"]
        .as_i64()
        .unwrap();
    let cohort = post("/api/v1/team/cohorts".into(), json!({ "name": "Spring" })).await["id"]
        .as_i64()
        .unwrap();
    for p in members {
        post(
            format!("/api/v1/team/cohorts/{cohort}/members"),
            json!({ "person": p }),
        )
        .await;
    }
    let r = post(
        format!("/api/v1/team/cohorts/{cohort}/programmes"),
        json!({ "programme": programme }),
    )
    .await;
    let goals = r["goals"]["given"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["person"].as_i64().unwrap(), g["goal"].as_i64().unwrap()))
        .collect();
    Given {
        cohort,
        item,
        goals,
    }
}

/// On `goal` (given by a programme of "Explain a bar chart"), `who` does
/// all the mastery rule asks for but an application, from the journal's own
/// API: its one criterion met, three 40-minute sessions (2, 4 and 6 March)
/// and a reflection naming the principle.
async fn practise_all_but_applying(acme: &Acme, who: &As, goal: i64) {
    let r = acme
        .put(
            who,
            format!("/api/v1/goals/{goal}/criteria/1"),
            json!({ "met": true }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    for day in ["2026-03-02 09:00", "2026-03-04 09:00", "2026-03-06 09:00"] {
        let r = acme
            .post(
                who,
                format!("/api/v1/goals/{goal}/sessions"),
                json!({ "minutes": 40, "aim": "one message", "at": day }),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
    let r = acme.post(who, format!("/api/v1/goals/{goal}/reflections"), json!({ "worked": "a", "didnt": "b", "next": "c", "principles": ["One message per chart"] })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
}

#[tokio::test]
async fn evidence_needing_approval_counts_once_approved_a_rejection_says_why_and_nobody_approves_their_own()
 {
    // Goals given on 1 March; practice and decisions on 10 March (two
    // instances on one database, each with its own clock).
    let Some((acme, _)) = Acme::with_journals("srv_approvals", "2026-03-10T12:00:00+00:00").await
    else {
        return;
    };
    let early = acme.at("2026-03-01T08:00:00+00:00").await;
    let (approver, approver_id) = acme.join("vic@acme.example", &["approver"]).await;
    let (ann, ann_id) = acme
        .join("ann@acme.example", &["approver", "learner"])
        .await;
    let (lee, lee_id) = acme.join("lee@acme.example", &["learner"]).await;
    let given = given_programme(
        &early,
        &acme.admin,
        json!({ "name": "Explain a bar chart", "principles": [{ "name": "One message per chart" }],
                "done_when": ["Explains one chart in two minutes"], "deadline": { "weeks": 2 },
                "weekly_minutes": 60, "requires_approval": true }),
        &[lee_id, ann_id],
    )
    .await;
    let (lee_goal, ann_goal) = (given.goals[&lee_id], given.goals[&ann_id]);
    // Everything the mastery rule asks for, from the journal's own API.
    for (who, goal) in [(&lee, lee_goal), (&ann, ann_goal)] {
        practise_all_but_applying(&acme, who, goal).await;
    }
    let apply = |who: &As, goal: i64, context: &str| {
        let (acme, who) = (&acme, who.clone());
        let body = json!({ "context": context, "outcome": "understood", "evidence_url": "https://example.org/deck" });
        async move {
            acme.post(&who, format!("/api/v1/goals/{goal}/applications"), body)
                .await
        }
    };
    let check = |who: &As, goal: i64| {
        let (acme, who) = (&acme, who.clone());
        async move {
            acme.post(&who, format!("/api/v1/goals/{goal}/check"), json!({}))
                .await
        }
    };
    let r = apply(&lee, lee_goal, "sales review").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let first_app = r.json()["id"]
        .as_i64()
        .unwrap_or_else(|| r.json()["application"]["id"].as_i64().unwrap());
    // Pending: it does not count yet.
    let r = check(&lee, lee_goal).await;
    assert_eq!(r.json()["achieved"], false, "{}", r.text());
    assert!(
        r.text().contains("no approved application yet"),
        "{}",
        r.text()
    );
    // The dashboard's status says the same.
    let r = acme.get(&lee, "/api/v1/status").await;
    assert!(
        r.text()
            .contains("no approved application yet: 1 not accepted"),
        "{}",
        r.text()
    );
    // The approvers see it, with what was applied; a learner may not.
    let r = acme.get(&approver, "/api/v1/team/approvals").await;
    let pending = r.json();
    assert_eq!(pending.as_array().unwrap().len(), 1, "{pending}");
    assert_eq!(pending[0]["application"], first_app);
    assert_eq!(pending[0]["context"], "sales review");
    assert_eq!(pending[0]["evidence"], "https://example.org/deck");
    assert_eq!(pending[0]["state"], "pending");
    let request = pending[0]["id"].as_i64().unwrap();
    let page = acme.get(&approver, "/team/approvals").await.text();
    assert!(
        page.contains("sales review") && page.contains(&format!("/team/approvals/{request}")),
        "{page}"
    );
    assert_eq!(
        acme.get(&lee, "/api/v1/team/approvals").await.status,
        StatusCode::FORBIDDEN
    );
    let decide = |who: &As, id: i64, body: Value| {
        let (acme, who) = (&acme, who.clone());
        async move {
            acme.post(&who, format!("/api/v1/team/approvals/{id}"), body)
                .await
        }
    };
    assert_eq!(
        decide(&lee, request, json!({ "approve": true }))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // A rejection needs its message; then the learner reads it.
    let r = decide(
        &approver,
        request,
        json!({ "approve": false, "message": "  " }),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.json()["field"], "message");
    let r = decide(
        &approver,
        request,
        json!({ "approve": false, "message": "The deck has no axis labels" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["state"], "rejected");
    assert_eq!(
        decide(&approver, request, json!({ "approve": true }))
            .await
            .status,
        StatusCode::CONFLICT
    );
    let mine = acme.get(&lee, "/api/v1/team/me/approvals").await.json();
    assert_eq!(mine[0]["state"], "rejected", "{mine}");
    assert_eq!(mine[0]["message"], "The deck has no axis labels");
    assert_eq!(mine[0]["decided_by"], approver_id);
    let page = acme.get(&lee, "/team/approvals").await.text();
    assert!(
        page.contains("rejected") && page.contains("The deck has no axis labels"),
        "{page}"
    );
    assert_eq!(check(&lee, lee_goal).await.json()["achieved"], false);
    // A second application, approved: now the goal is achieved.
    assert_eq!(
        apply(&lee, lee_goal, "board meeting").await.status,
        StatusCode::CREATED
    );
    let r = acme.get(&approver, "/api/v1/team/approvals").await.json();
    assert_eq!(r.as_array().unwrap().len(), 1, "{r}");
    let second = r[0]["id"].as_i64().unwrap();
    // A rejection through the page without a reason comes back, the
    // error by the message box; then approved through the page's form.
    let r = send_form(
        &acme.app,
        &approver,
        &format!("/team/approvals/{second}"),
        "decision=reject&message=+",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(
        r.text().contains(&format!(
            r#"id="decide-{second}-message-error">say why the evidence is rejected"#
        )),
        "{}",
        r.text()
    );
    let r = send_form(
        &acme.app,
        &approver,
        &format!("/team/approvals/{second}"),
        "decision=approve&message=Clear",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(location(&r), "/team/approvals?done=approved");
    let r = check(&lee, lee_goal).await;
    assert_eq!(r.json()["achieved"], true, "{}", r.text());
    // Ann approves others, never her own application.
    assert_eq!(
        apply(&ann, ann_goal, "team sync").await.status,
        StatusCode::CREATED
    );
    let r = acme.get(&ann, "/api/v1/team/approvals").await.json();
    let own = r[0]["id"].as_i64().unwrap();
    assert_eq!(r[0]["person"], ann_id);
    let r = decide(&ann, own, json!({ "approve": true })).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert_eq!(check(&ann, ann_goal).await.json()["achieved"], false);
    assert_eq!(
        decide(&acme.admin, own, json!({ "approve": true }))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(check(&ann, ann_goal).await.json()["achieved"], true);
    // Every request and decision is in the audit trail: who, when, what.
    let audit = acme.get(&acme.admin, "/api/v1/team/audit").await.json();
    let entries: Vec<&Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"].as_str().unwrap().starts_with("approval."))
        .collect();
    let of = |action: &str| entries.iter().filter(|e| e["action"] == action).count();
    assert_eq!(
        (
            of("approval.request"),
            of("approval.reject"),
            of("approval.approve")
        ),
        (3, 1, 2),
        "{entries:?}"
    );
    let reject = entries
        .iter()
        .find(|e| e["action"] == "approval.reject")
        .unwrap();
    assert_eq!(reject["actor"], approver_id);
    assert_eq!(reject["subject"], format!("approval:{request}"));
    assert_eq!(reject["detail"]["message"], "The deck has no axis labels");
    assert!(reject["at"].is_string());
    acme.db.drop_schema().await;
}

#[tokio::test]
async fn a_coach_sees_the_matrix_progress_and_who_is_at_risk_and_why_as_json_and_csv() {
    let Some((acme, _)) = Acme::with_journals("srv_coaching", "2026-03-10T12:00:00+00:00").await
    else {
        return;
    };
    let early = acme.at("2026-03-01T08:00:00+00:00").await;
    let (coach, coach_id) = acme.join("coach@acme.example", &["coach"]).await;
    let (other_coach, _) = acme.join("coach2@acme.example", &["coach"]).await;
    let (lee, lee_id) = acme.join("lee@acme.example", &["learner"]).await;
    let (kim, kim_id) = acme.join("kim@acme.example", &["learner"]).await;
    let given = given_programme(
        &early,
        &coach,
        json!({ "name": "Explain a bar chart", "principles": [{ "name": "One message per chart" }],
                "done_when": ["Explains one chart in two minutes"], "deadline": { "weeks": 4 },
                "weekly_minutes": 60, "level": 3 }),
        &[lee_id, kim_id],
    )
    .await;
    let (cohort, item) = (given.cohort, given.item);
    let goal_of = |p: i64| given.goals[&p];
    // Lee practises steadily, ahead of the budget; Kim once, nine days ago.
    for (who, goal, minutes, days) in [
        (
            &lee,
            goal_of(lee_id),
            40,
            vec!["2026-03-05 09:00", "2026-03-08 09:00", "2026-03-09 09:00"],
        ),
        (&kim, goal_of(kim_id), 10, vec!["2026-03-01 09:00"]),
    ] {
        for at in days {
            let r = acme
                .post(
                    who,
                    format!("/api/v1/goals/{goal}/sessions"),
                    json!({ "minutes": minutes, "aim": "axes", "at": at }),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        }
    }
    // The skill matrix: both members × the one micro-skill.
    let r = acme
        .get(&coach, format!("/api/v1/team/cohorts/{cohort}/matrix"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let m = r.json();
    assert_eq!(m.as_array().unwrap().len(), 2, "{m}");
    let lee_cell = m
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["person"] == lee_id)
        .unwrap();
    assert_eq!(lee_cell["item"], item);
    assert_eq!(lee_cell["state"], "active");
    assert_eq!(lee_cell["level"], 3);
    assert_eq!(lee_cell["last_practice"], "2026-03-09");
    // Progress to the deadline.
    let p = acme
        .get(&coach, format!("/api/v1/team/cohorts/{cohort}/progress"))
        .await
        .json();
    let row = |who: i64| {
        p.as_array()
            .unwrap()
            .iter()
            .find(|c| c["person"] == who)
            .unwrap()
            .clone()
    };
    assert_eq!(row(lee_id)["minutes_done"], 120);
    assert_eq!(row(lee_id)["pace"], "ahead");
    assert_eq!(row(kim_id)["pace"], "behind");
    assert_eq!(row(kim_id)["deadline"], "2026-03-29");
    assert_eq!(row(kim_id)["days_left"], 19);
    // At risk: Kim, each reason on its row; Lee not at all.
    let risk = acme
        .get(&coach, format!("/api/v1/team/cohorts/{cohort}/at-risk"))
        .await
        .json();
    let kinds: Vec<&str> = risk
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert_eq!(r["person"], kim_id, "{risk}");
            r["kind"].as_str().unwrap()
        })
        .collect();
    assert_eq!(
        kinds,
        ["no_practice", "behind_pace", "deadline_in_danger"],
        "{risk}"
    );
    assert!(
        risk[0]["reason"]
            .as_str()
            .unwrap()
            .contains("no practice in 9 days"),
        "{risk}"
    );
    // A longer idle window: Kim's first reason goes, the others stay.
    let risk = acme
        .get(
            &coach,
            format!("/api/v1/team/cohorts/{cohort}/at-risk?idle_days=10"),
        )
        .await
        .json();
    assert_eq!(risk.as_array().unwrap().len(), 2, "{risk}");
    // Every view as CSV, parsed.
    let parse = |text: &str| -> Vec<HashMap<String, String>> {
        csv::Reader::from_reader(text.as_bytes())
            .deserialize()
            .map(|r| r.unwrap())
            .collect()
    };
    let r = acme
        .get(
            &coach,
            format!("/api/v1/team/cohorts/{cohort}/matrix?format=csv"),
        )
        .await;
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(
        r.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .contains(&format!("cohort-{cohort}-matrix.csv"))
    );
    let rows = parse(&r.text());
    let lee_row = rows
        .iter()
        .find(|r| r["person"] == lee_id.to_string())
        .unwrap();
    assert_eq!(lee_row["micro_skill"], "Explain a bar chart");
    assert_eq!(lee_row["last_practice"], "2026-03-09");
    assert_eq!(lee_row["level"], "3");
    let rows = parse(
        &acme
            .get(
                &coach,
                format!("/api/v1/team/cohorts/{cohort}/progress?format=csv"),
            )
            .await
            .text(),
    );
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows.iter()
            .find(|r| r["person"] == kim_id.to_string())
            .unwrap()["minutes_done"],
        "10"
    );
    let rows = parse(
        &acme
            .get(
                &coach,
                format!("/api/v1/team/cohorts/{cohort}/at-risk?format=csv"),
            )
            .await
            .text(),
    );
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r["name"] == "kim@acme.example"));
    assert_eq!(rows[1]["kind"], "behind_pace");
    // Only the cohort's coach and admins; learners and other coaches not.
    for (who, want) in [
        (&other_coach, StatusCode::NOT_FOUND),
        (&lee, StatusCode::FORBIDDEN),
        (&acme.admin, StatusCode::OK),
    ] {
        let r = acme
            .get(who, format!("/api/v1/team/cohorts/{cohort}/matrix"))
            .await;
        assert_eq!(r.status, want, "{}", r.text());
    }
    // The coach's page shows the three views with their downloads; Kim's
    // page shows her what coaches see.
    let page = acme
        .get(&coach, format!("/team/cohorts/{cohort}/coach"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let text = page.text();
    for want in [
        "no practice in 9 days",
        "Explain a bar chart",
        "2026-03-09",
        &format!("/api/v1/team/cohorts/{cohort}/matrix?format=csv"),
    ] {
        assert!(text.contains(want), "{want}: {text}");
    }
    assert_eq!(
        acme.get(&lee, format!("/team/cohorts/{cohort}/coach"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let text = acme.get(&kim, "/team/shared").await.text();
    assert!(
        text.contains("Explain a bar chart") && text.contains("behind"),
        "{text}"
    );
    // Kim sees exactly what her coach sees of her.
    let mine = acme.get(&kim, "/api/v1/team/me/shared").await.json();
    let mine = &mine["goals"];
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine[0]["minutes_done"], row(kim_id)["minutes_done"]);
    assert_eq!(mine[0]["pace"], row(kim_id)["pace"]);
    assert_eq!(mine[0]["last_practice"], "2026-03-01");
    // Every look is audited: who looked, at which view, of whom.
    let audit = acme
        .get(&acme.admin, "/api/v1/team/audit?limit=500")
        .await
        .json();
    let looks: Vec<&Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "coach.view")
        .collect();
    assert!(
        looks.iter().any(|e| e["actor"] == coach_id
            && e["detail"]["view"] == "at_risk"
            && e["subject"] == format!("cohort:{cohort}")),
        "{looks:?}"
    );
    assert!(
        looks
            .iter()
            .all(|e| e["detail"]["members"] == json!([lee_id, kim_id])
                || e["detail"]["members"] == json!([kim_id, lee_id])),
        "{looks:?}"
    );
    // Kim practises now: every view says so at once (what an instance kept
    // of her journal is valid only at the revision it read).
    let r = acme
        .post(
            &kim,
            format!("/api/v1/goals/{}/sessions", goal_of(kim_id)),
            json!({ "minutes": 30, "aim": "axes", "at": "2026-03-10 08:00" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let p = acme
        .get(&coach, format!("/api/v1/team/cohorts/{cohort}/progress"))
        .await
        .json();
    let kim_row = p
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["person"] == kim_id)
        .unwrap();
    assert_eq!(kim_row["minutes_done"], 40, "{p}");
    let risk = acme
        .get(&coach, format!("/api/v1/team/cohorts/{cohort}/at-risk"))
        .await
        .json();
    assert!(
        risk.as_array()
            .unwrap()
            .iter()
            .all(|r| r["kind"] != "no_practice"),
        "{risk}"
    );
    acme.db.drop_schema().await;
}

/// The shares of the database, as the owner reads them (every organisation).
async fn all_shares(db: &TestDb) -> String {
    let base = db.owner_url.split('?').next().unwrap();
    let mut c = sqlx::PgConnection::connect(base).await.unwrap();
    sqlx::query_scalar(&format!(
        "SELECT coalesce(string_agg(t::TEXT, E'\\n' ORDER BY t::TEXT), '') FROM \"{}\".shares t",
        db.schema()
    ))
    .fetch_one(&mut c)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_coach_reads_a_note_only_once_it_is_shared_and_the_learner_sees_exactly_what_the_coach_sees()
 {
    let Some((acme, _)) = Acme::with_journals("srv_sharing", "2026-03-10T12:00:00+00:00").await
    else {
        return;
    };
    let early = acme.at("2026-03-01T08:00:00+00:00").await;
    let beta = acme.other_org("beta").await;
    let (coach, _) = acme.join("coach@acme.example", &["coach"]).await;
    let (other_coach, _) = acme.join("coach2@acme.example", &["coach"]).await;
    let (lee, lee_id) = acme.join("lee@acme.example", &["learner"]).await;
    let (kim, kim_id) = acme.join("kim@acme.example", &["learner"]).await;
    let given = given_programme(
        &early,
        &coach,
        json!({ "name": "Explain a bar chart", "principles": [{ "name": "One message per chart" }],
                "done_when": ["Explains one chart in two minutes"], "deadline": { "weeks": 4 },
                "weekly_minutes": 60 }),
        &[lee_id, kim_id],
    )
    .await;
    let cohort = given.cohort;
    // Another coach's cohort, with Lee in it (and no programme).
    let r = acme
        .post(
            &other_coach,
            "/api/v1/team/cohorts",
            json!({ "name": "Autumn" }),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text());
    let autumn = r.json()["id"].as_i64().unwrap();
    let r = acme
        .post(
            &other_coach,
            format!("/api/v1/team/cohorts/{autumn}/members"),
            json!({ "person": lee_id }),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text());
    // Lee's private notes: a session's, an application's, a reflection.
    let goal = given.goals[&lee_id];
    let r = acme
        .post(
            &lee,
            format!("/api/v1/goals/{goal}/sessions"),
            json!({ "minutes": 30, "aim": "axes first", "at": "2026-03-09 09:00",
                "notes": "SECRET-SESSION-NOTE about my manager" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let session = r.json()["id"].as_i64().unwrap();
    let r = acme
        .post(
            &lee,
            format!("/api/v1/goals/{goal}/applications"),
            json!({ "context": "SECRET-APPLICATION-WHERE", "outcome": "it went so-so",
                "impact": "SECRET-APPLICATION-IMPACT" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let r = acme
        .post(
            &lee,
            format!("/api/v1/goals/{goal}/reflections"),
            json!({ "worked": "SECRET-REFLECTION-WORKED", "didnt": "", "next": "more" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let reflection = r.json()["id"].as_i64().unwrap();
    let kim_goal = given.goals[&kim_id];
    let r = acme.post(&kim, format!("/api/v1/goals/{kim_goal}/sessions"), json!({ "minutes": 10, "aim": "labels", "at": "2026-03-08 09:00", "notes": "KIM-PRIVATE" }))
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let secrets = [
        "SECRET-SESSION-NOTE",
        "SECRET-APPLICATION-WHERE",
        "SECRET-APPLICATION-IMPACT",
        "SECRET-REFLECTION-WORKED",
        "KIM-PRIVATE",
    ];
    let coach_views = [
        format!("/api/v1/team/cohorts/{cohort}/matrix"),
        format!("/api/v1/team/cohorts/{cohort}/progress"),
        format!("/api/v1/team/cohorts/{cohort}/at-risk"),
        format!("/api/v1/team/cohorts/{cohort}/shared"),
        format!("/api/v1/team/cohorts/{cohort}/shared?format=csv"),
        format!("/api/v1/team/cohorts/{cohort}/matrix?format=csv"),
        format!("/api/v1/team/cohorts/{cohort}/learners/{lee_id}"),
        format!("/api/v1/team/cohorts/{cohort}/learners/{kim_id}"),
        format!("/team/cohorts/{cohort}/coach"),
    ];
    // Nothing shared: no note's text in any view, for the coach or an admin.
    for who in [&coach, &acme.admin] {
        for path in &coach_views {
            let r = acme.get(who, path.clone()).await;
            assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
            for s in secrets {
                assert!(!r.text().contains(s), "{path} shows {s}: {}", r.text());
            }
        }
    }
    // An empty CSV still has its header row.
    let r = acme
        .get(
            &coach,
            format!("/api/v1/team/cohorts/{cohort}/shared?format=csv"),
        )
        .await;
    assert_eq!(
        r.text().trim_end(),
        "person,name,micro_skill,kind,item,at,shared_at,text"
    );
    let r = acme
        .get(
            &other_coach,
            format!("/api/v1/team/cohorts/{autumn}/at-risk?format=csv"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.text().trim_end(), "person,name,micro_skill,kind,reason");
    let r = acme
        .get(
            &other_coach,
            format!("/api/v1/team/cohorts/{autumn}/matrix?format=csv"),
        )
        .await;
    assert_eq!(
        r.text().trim_end(),
        "person,name,item,micro_skill,state,level,last_practice"
    );
    // Lee shares the session's note (twice: once is kept).
    let r = acme
        .post(
            &lee,
            "/api/v1/team/me/shares",
            json!({ "kind": "session_note", "item": session }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let share = r.json()["id"].as_i64().unwrap();
    assert_eq!(r.json()["goal"], goal);
    let r = acme
        .post(
            &lee,
            "/api/v1/team/me/shares",
            json!({ "kind": "session_note", "item": session }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["id"], share);
    let mine = acme.get(&lee, "/api/v1/team/me/shares").await.json();
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    // The coach (and an admin) now read that note, and only it.
    for who in [&coach, &acme.admin] {
        let r = acme
            .get(who, format!("/api/v1/team/cohorts/{cohort}/shared"))
            .await;
        let rows = r.json();
        assert_eq!(rows.as_array().unwrap().len(), 1, "{rows}");
        assert_eq!(rows[0]["person"], lee_id);
        assert_eq!(rows[0]["kind"], "session_note");
        assert!(
            rows[0]["text"]
                .as_str()
                .unwrap()
                .contains("Notes: SECRET-SESSION-NOTE about my manager"),
            "{rows}"
        );
        let page = acme
            .get(who, format!("/team/cohorts/{cohort}/coach"))
            .await
            .text();
        assert!(
            page.contains("SECRET-SESSION-NOTE about my manager"),
            "{page}"
        );
        for path in &coach_views {
            let text = acme.get(who, path.clone()).await.text();
            for s in &secrets[1..] {
                assert!(!text.contains(s), "{path} shows {s}: {text}");
            }
        }
    }
    let csv = acme
        .get(
            &coach,
            format!("/api/v1/team/cohorts/{cohort}/shared?format=csv"),
        )
        .await
        .text();
    assert!(csv.contains("SECRET-SESSION-NOTE"), "{csv}");
    // Lee sees exactly what her coach sees of her.
    let seen = acme
        .get(
            &coach,
            format!("/api/v1/team/cohorts/{cohort}/learners/{lee_id}"),
        )
        .await
        .json();
    let mine = acme.get(&lee, "/api/v1/team/me/shared").await.json();
    assert_eq!(mine, seen);
    assert_eq!(mine["shared"].as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine["goals"].as_array().unwrap().len(), 1, "{mine}");
    // Her page shows it as shared, and the rest as private to her.
    let page = acme.get(&lee, "/team/shared").await.text();
    let (shared_part, private_part) = page.split_once("Private to you").unwrap();
    assert!(shared_part.contains("SECRET-SESSION-NOTE"), "{page}");
    assert!(!shared_part.contains("SECRET-REFLECTION-WORKED"), "{page}");
    assert!(
        private_part.contains("SECRET-REFLECTION-WORKED")
            && private_part.contains("SECRET-APPLICATION-WHERE"),
        "{page}"
    );
    // The coach's page of Lee (linked from the coach page) shows the same.
    let coach_page = acme
        .get(&coach, format!("/team/cohorts/{cohort}/coach"))
        .await
        .text();
    let lee_page = format!("/team/cohorts/{cohort}/learners/{lee_id}");
    // Linked from the matrix and from the progress table alike.
    let (_, progress_part) = coach_page.split_once("Progress to the deadlines").unwrap();
    assert!(progress_part.contains(&lee_page), "{coach_page}");
    assert!(coach_page.contains(&lee_page), "{coach_page}");
    let r = acme.get(&coach, lee_page.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let text = r.text();
    assert!(text.contains("SECRET-SESSION-NOTE"), "{text}");
    assert!(!text.contains("SECRET-REFLECTION-WORKED"), "{text}");
    assert!(
        text.contains(mine["goals"][0]["micro_skill"].as_str().unwrap()),
        "{text}"
    );
    for who in [&kim, &lee, &beta] {
        let r = acme.get(who, lee_page.clone()).await;
        assert!(
            matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{who:?}: {}",
            r.text()
        );
        assert!(!r.text().contains("SECRET"));
    }
    // Another cohort's coach, and another organisation, read nothing of it.
    let r = acme
        .get(
            &other_coach,
            format!("/api/v1/team/cohorts/{cohort}/shared"),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    assert!(!r.text().contains("SECRET"));
    let r = acme
        .get(
            &other_coach,
            format!("/api/v1/team/cohorts/{autumn}/learners/{lee_id}"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["shared"], json!([]), "{}", r.text());
    assert!(!r.text().contains("SECRET"));
    let text = acme
        .get(&other_coach, format!("/team/cohorts/{autumn}/coach"))
        .await
        .text();
    assert!(!text.contains("SECRET"), "{text}");
    for path in [
        format!("/api/v1/team/cohorts/{cohort}/shared"),
        format!("/api/v1/team/cohorts/{cohort}/learners/{lee_id}"),
    ] {
        let r = acme.get(&beta, path.clone()).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text());
        assert!(!r.text().contains("SECRET"));
    }
    // Kim can neither share Lee's items nor unshare Lee's share.
    let before = all_shares(&acme.db).await;
    for (kind, item) in [("session_note", session), ("reflection", reflection)] {
        let r = acme
            .post(
                &kim,
                "/api/v1/team/me/shares",
                json!({ "kind": kind, "item": item }),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    }
    let r = acme
        .delete(&kim, format!("/api/v1/team/me/shares/{share}"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    let r = send_form(
        &acme.app,
        &kim,
        &format!("/team/shared/{share}/unshare"),
        "",
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    assert_eq!(
        all_shares(&acme.db).await,
        before,
        "Kim's attempts wrote something"
    );
    // Lee unshares it: the coach no longer reads it.
    let r = acme
        .delete(&lee, format!("/api/v1/team/me/shares/{share}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    for path in &coach_views {
        let text = acme.get(&coach, path.clone()).await.text();
        for s in secrets {
            assert!(
                !text.contains(s),
                "{path} shows {s} after unsharing: {text}"
            );
        }
    }
    let mine = acme.get(&lee, "/api/v1/team/me/shared").await.json();
    assert_eq!(mine["shared"], json!([]));
    // Through the page's forms: share the reflection, then take it back.
    let r = send_form(
        &acme.app,
        &lee,
        "/team/shared/share",
        &format!("kind=reflection&item={reflection}"),
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = acme
        .get(&coach, format!("/team/cohorts/{cohort}/coach"))
        .await
        .text();
    assert!(page.contains("Worked: SECRET-REFLECTION-WORKED"), "{page}");
    assert!(!page.contains("SECRET-SESSION-NOTE"), "{page}");
    let seen = acme
        .get(
            &coach,
            format!("/api/v1/team/cohorts/{cohort}/learners/{lee_id}"),
        )
        .await
        .json();
    assert_eq!(acme.get(&lee, "/api/v1/team/me/shared").await.json(), seen);
    let id = seen["shared"][0]["share"].as_i64().unwrap();
    let r = send_form(&acme.app, &lee, &format!("/team/shared/{id}/unshare"), "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = acme
        .get(&coach, format!("/team/cohorts/{cohort}/coach"))
        .await
        .text();
    assert!(!page.contains("SECRET"), "{page}");
    // A note about no given goal is not for coaches.
    let r = acme
        .post(
            &lee,
            "/api/v1/team/me/shares",
            json!({ "kind": "reflection", "item": 999_999 }),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    // Each share and unshare is audited.
    let audit = acme
        .get(&acme.admin, "/api/v1/team/audit?limit=500")
        .await
        .json();
    let of = |action: &str| {
        audit
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["action"] == action && e["actor"] == lee_id)
            .count()
    };
    assert_eq!((of("share.add"), of("share.remove")), (2, 2), "{audit}");
    acme.db.drop_schema().await;
}

#[tokio::test]
async fn an_edited_application_is_pending_again_and_the_goal_page_says_where_each_stands_and_why() {
    let Some((acme, journals)) =
        Acme::with_journals("srv_reapproval", "2026-03-10T12:00:00+00:00").await
    else {
        return;
    };
    let early = acme.at("2026-03-01T08:00:00+00:00").await;
    let (approver, _) = acme.join("vic@acme.example", &["approver"]).await;
    let (lee, lee_id) = acme.join("lee@acme.example", &["learner"]).await;
    let given = given_programme(
        &early,
        &acme.admin,
        json!({ "name": "Explain a bar chart", "principles": [{ "name": "One message per chart" }],
                "done_when": ["Explains one chart in two minutes"], "deadline": { "weeks": 2 },
                "weekly_minutes": 60, "requires_approval": true }),
        &[lee_id],
    )
    .await;
    let goal = given.goals[&lee_id];
    practise_all_but_applying(&acme, &lee, goal).await;
    let apply = |context: &str| {
        acme.post(
            &lee,
            format!("/api/v1/goals/{goal}/applications"),
            json!({ "context": context, "outcome": "understood" }),
        )
    };
    let decide =
        |id: i64, body: Value| acme.post(&approver, format!("/api/v1/team/approvals/{id}"), body);
    let pending = |state: &'static str| {
        let acme = &acme;
        let approver = approver.clone();
        async move {
            acme.get(&approver, format!("/api/v1/team/approvals?state={state}"))
                .await
                .json()
        }
    };
    // One application rejected with a message, another approved.
    let first = apply("sales review").await.json()["id"].as_i64().unwrap();
    let req = pending("pending").await[0]["id"].as_i64().unwrap();
    let r = decide(
        req,
        json!({ "approve": false, "message": "The deck has no axis labels" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let page = acme.get(&lee, format!("/goals/{goal}")).await.text();
    assert!(
        page.contains("rejected") && page.contains("The deck has no axis labels"),
        "the goal page says why: {page}"
    );
    let second = apply("board meeting").await.json()["id"].as_i64().unwrap();
    let page = acme.get(&lee, format!("/goals/{goal}")).await.text();
    assert!(page.contains("pending"), "{page}");
    let req2 = pending("pending").await[0]["id"].as_i64().unwrap();
    let r = decide(req2, json!({ "approve": true, "message": "Clear" })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let application_met = || {
        let (acme, lee) = (&acme, lee.clone());
        async move {
            let d = acme.get(&lee, format!("/api/v1/goals/{goal}")).await.json();
            let c = d["mastery"]["conditions"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["kind"] == "application")
                .unwrap()
                .clone();
            c["met"].as_bool().unwrap()
        }
    };
    assert!(application_met().await, "the approved application counts");
    let page = acme.get(&lee, format!("/goals/{goal}")).await.text();
    assert!(
        page.contains("approved") && page.contains("Clear"),
        "{page}"
    );
    // Both are edited in the journal (as any of its clients may).
    let org = acme.org_id(&lee).await;
    let store = journals.scoped(org, lee_id).unwrap();
    // Reads compare the requests with the journal only when it moved: the
    // server has marked the revision it last compared at, and a read
    // leaves it there.
    let revision = store.revision().await.unwrap();
    assert_eq!(synced_revision(&acme.db, lee_id).await, Some(revision));
    let r = acme.get(&lee, format!("/api/v1/goals/{goal}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        store.revision().await.unwrap(),
        revision,
        "a read wrote to the journal"
    );
    for (id, outcome) in [
        (second, "understood, then rewritten"),
        (first, "axes labelled"),
    ] {
        store
            .edit_application(
                mm_core::ApplicationId(id),
                &mm_store::ApplicationPatch {
                    outcome: Some(outcome.into()),
                    ..Default::default()
                },
                chrono::Utc::now(),
            )
            .await
            .unwrap();
    }
    // The approval no longer counts: both are pending again, with the new text.
    assert!(!application_met().await, "an edited approval still counts");
    let moved = store.revision().await.unwrap();
    assert!(moved > revision);
    assert_eq!(synced_revision(&acme.db, lee_id).await, Some(moved));
    let mine = acme.get(&lee, "/api/v1/team/me/approvals").await.json();
    for r in mine.as_array().unwrap() {
        assert_eq!(r["state"], "pending", "{mine}");
        assert_eq!(r["message"], Value::Null, "{mine}");
    }
    let waiting = pending("pending").await;
    assert_eq!(waiting.as_array().unwrap().len(), 2, "{waiting}");
    assert!(
        waiting.to_string().contains("understood, then rewritten")
            && waiting.to_string().contains("axes labelled"),
        "{waiting}"
    );
    let page = acme.get(&lee, format!("/goals/{goal}")).await.text();
    assert!(!page.contains("The deck has no axis labels"), "{page}");
    let r = acme
        .post(&lee, format!("/api/v1/goals/{goal}/check"), json!({}))
        .await;
    assert_eq!(r.json()["achieved"], false, "{}", r.text());
    // Each reset is audited with the decision it undid.
    let audit = acme
        .get(&acme.admin, "/api/v1/team/audit?limit=500")
        .await
        .json();
    let resets: Vec<&Value> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "approval.reset")
        .collect();
    assert_eq!(resets.len(), 2, "{audit}");
    assert!(
        resets
            .iter()
            .any(|e| e["detail"]["was"] == "approved" && e["detail"]["message"] == "Clear"),
        "{resets:?}"
    );
    assert!(
        resets
            .iter()
            .any(|e| e["detail"]["was"] == "rejected" && e["subject"] == format!("approval:{req}")),
        "{resets:?}"
    );
    // Approved again, it counts again.
    let r = decide(req2, json!({ "approve": true })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(application_met().await);
    acme.db.drop_schema().await;
}

/// The organisation issues the badges: a team server keeping journals at
/// `https://learn.example.org` with master key `key`, the clock at the demo's.
async fn badge_server(db: &TestDb, key: Option<mm_team::MasterKey>) -> Router {
    let mut team = TeamStore::connect_with(&db.app_url, 4).await.unwrap();
    if let Some(k) = key {
        team = team.with_master_key(k);
    }
    let journals = mm_store::Store::open_existing(&db.app_url).await.unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T09:00:00+00:00").unwrap();
    router(TeamState::with_journals(
        team,
        journals,
        mm_app::Clock::Fixed(now),
        &[format!("https://{HOST}")],
    ))
}

/// The demo journal (one goal achieved) in `person`'s own journal; its id.
async fn demo_journal(db: &TestDb, org: i64, person: i64) -> i64 {
    let journals = mm_store::Store::open_existing(&db.app_url).await.unwrap();
    let store = journals.scoped(org, person).unwrap();
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T09:00:00+00:00").unwrap();
    let app = mm_app::App::with_store(store, mm_app::Clock::Fixed(now))
        .await
        .unwrap();
    mm_app::demo::write_into(&app).await.unwrap().achieved.0
}

/// Record `person`'s goal `goal` as given by a programme of acme's admin,
/// as assigning one records it (the demo journal's goals are written
/// straight into the journal): the organisation signs badges only for such
/// goals.
async fn as_given(acme: &Acme, person: i64, goal: i64) {
    let r = acme
        .post(
            &acme.admin,
            "/api/v1/team/programmes",
            json!({ "slug": format!("given-{person}-{goal}"), "name": "Given" }),
        )
        .await;
    let programme = r.json()["id"].as_i64().unwrap();
    let r = acme
        .post(
            &acme.admin,
            format!("/api/v1/team/programmes/{programme}/items"),
            json!({
                "catalogue_id": mm_micro::catalogue::curated().entries()[0].id,
                "deadline": { "weeks": 2 }, "weekly_minutes": 60,
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let item = r.json()["item"]["id"].as_i64().unwrap();
    let r = acme
        .post(
            &acme.admin,
            "/api/v1/team/cohorts",
            json!({ "name": format!("Given {person} {goal}") }),
        )
        .await;
    let cohort = r.json()["id"].as_i64().unwrap();
    as_owner(
        &acme.db,
        &format!(
            "INSERT INTO given_goals (org_id, item_id, person_id, cohort_id, goal_id, given_at) \
             SELECT org_id, {item}, {person}, {cohort}, {goal}, now() FROM people WHERE id = {person}"
        ),
    )
    .await;
}

/// Every row of every table in the test's schema, as text (bytea as hex).
async fn every_row(db: &TestDb) -> String {
    let base = db.owner_url.split('?').next().unwrap();
    let mut c = sqlx::PgConnection::connect(base).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::TEXT FROM pg_tables WHERE schemaname = $1 ORDER BY 1",
    )
    .bind(db.schema())
    .fetch_all(&mut c)
    .await
    .unwrap();
    assert!(tables.iter().any(|t| t == "issuer_keys"), "{tables:?}");
    let mut out = String::new();
    for t in tables {
        let rows: String = sqlx::query_scalar(&format!(
            "SELECT coalesce(string_agg(t::TEXT, E'\\n'), '') FROM \"{}\".\"{t}\" t",
            db.schema()
        ))
        .fetch_one(&mut c)
        .await
        .unwrap();
        out.push_str(&rows);
        out.push('\n');
    }
    out
}

/// The project's own verifier, offline, with what the server publishes.
fn verify_with(credential: &str, did: &Value, list: &Value) -> mm_credentials::verify::Report {
    let mut o = mm_credentials::verify::Options {
        require_status: true,
        ..Default::default()
    };
    o.add_document(did.clone()).unwrap();
    assert!(o.add_status_file(list, Some("revocations")).unwrap());
    mm_credentials::verify::verify(credential.as_bytes(), &o)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The actor a browser's cookie signs in.
async fn actor_of(db: &TestDb, who: &As) -> mm_team::Actor {
    let As::Browser { cookie, .. } = who else {
        panic!("a browser")
    };
    let team = TeamStore::connect(&db.app_url).await.unwrap();
    team.session_actor(cookie.trim_start_matches("mm_team="))
        .await
        .unwrap()
}

#[tokio::test]
async fn the_organisation_signs_its_members_badges_which_verify_across_a_rotation_and_show_revoked()
{
    use mm_credentials::verify::Verdict;
    let Some(db) = test_db("srv_issuer").await else {
        return;
    };
    mm_store::Store::migrate(&db.owner_url).await.unwrap();
    mm_team::migrate(&db.owner_url, mm_team::testing::TEST_APP_ROLE)
        .await
        .unwrap();
    let (master, master_text) = mm_team::MasterKey::generate();
    let master_id = master.id().to_owned();
    let app = badge_server(&db, Some(master)).await;
    let acme = Acme::on(db, app).await;
    let (lee, lee_id) = acme.join("lee@acme.example", &["learner"]).await;
    let actor = actor_of(&acme.db, &acme.admin).await;
    let goal = demo_journal(&acme.db, actor.org, lee_id).await;

    // No issuer yet: nothing published, nothing signed.
    let r = acme.get(&As::Nobody, "/orgs/acme/did.json").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    let issue = json!({ "goal": goal, "email": "lee@acme.example" });
    let r = acme.post(&lee, "/api/v1/badges", issue.clone()).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    assert!(r.text().contains("no issuer"), "{}", r.text());
    // Only an admin creates it, and the learner's journal cannot either.
    let body = json!({ "name": "Acme Academy" });
    let r = acme.post(&lee, "/api/v1/team/issuer", body.clone()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let r = acme
        .post(
            &lee,
            "/api/v1/issuer",
            json!({ "name": "Lee's", "url": "https://lee.example" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(r.text().contains("admins"), "{}", r.text());

    let r = acme
        .post(&acme.admin, "/api/v1/team/issuer", body.clone())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let did = "did:web:learn.example.org:orgs:acme";
    assert_eq!(r.json()["issuer"]["id"], did);
    assert_eq!(
        r.json()["did_document"],
        format!("https://{HOST}/orgs/acme/did.json")
    );
    assert_eq!(r.json()["signing_key"], format!("{did}#key-0"));
    let r = acme.post(&acme.admin, "/api/v1/team/issuer", body).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());

    // (a) The secret keys are nowhere in the database in the clear.
    let secrets = mm_app::keys::KeyStore::issuer(
        &TeamStore::connect(&acme.db.app_url)
            .await
            .unwrap()
            .with_master_key(mm_team::MasterKey::parse(&master_text).unwrap())
            .org_keys(&actor),
    )
    .await
    .unwrap()
    .secrets;
    let plain = secrets.to_bytes().unwrap();
    let seed = secrets.ed25519.to_bytes();
    let rows = every_row(&acme.db).await;
    // The seed, and the end of the RSA key (its private parts), as bytea
    // shows them; and the sealed column's raw bytes.
    for needle in [hex(&seed), hex(&plain[plain.len() - 64..])] {
        assert!(
            !rows.contains(&needle),
            "a secret key is stored in the clear"
        );
    }
    let sealed: Vec<Vec<u8>> = sqlx::query_scalar(&format!(
        "SELECT secret FROM \"{}\".issuer_keys",
        acme.db.schema()
    ))
    .fetch_all(
        &sqlx::PgPool::connect(acme.db.owner_url.split('?').next().unwrap())
            .await
            .unwrap(),
    )
    .await
    .unwrap();
    assert_eq!(sealed.len(), 1);
    assert!(
        !sealed[0].windows(32).any(|w| w == seed.as_slice()),
        "the seed is sealed"
    );
    assert!(!rows.contains(&master_text), "the master key is stored");
    assert!(
        rows.contains(&master_id),
        "which master key sealed it is kept"
    );

    // A goal Lee set herself is not the organisation's to sign: refused,
    // and nothing is kept of it; one its programme gave her is.
    let r = acme.post(&lee, "/api/v1/badges", issue.clone()).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(
        r.text()
            .contains("only for the goals its programmes gave you"),
        "{}",
        r.text()
    );
    let r = acme.get(&lee, "/api/v1/badges").await;
    assert_eq!(r.json()["badges"], json!([]), "{}", r.text());
    let r = acme.get(&acme.admin, "/api/v1/team/badges").await;
    assert_eq!(r.json(), json!([]));
    as_given(&acme, lee_id, goal).await;

    // The learner's badge is signed by the organisation.
    let r = acme.post(&lee, "/api/v1/badges", issue.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let before = r.json()["id"].as_str().unwrap().to_owned();
    let file = |id: &str| format!("/api/v1/badges/{id}/files/json");
    let old_badge = acme.get(&lee, &file(&before)).await.text();
    let v: Value = serde_json::from_str(&old_badge).unwrap();
    assert_eq!(v["issuer"]["id"], did);
    assert_eq!(v["issuer"]["name"], "Acme Academy");
    assert_eq!(
        v["credentialStatus"]["id"],
        format!("https://{HOST}/orgs/acme/credentials/revocations.json")
    );

    // Rotation: new badges are signed with the new key.
    let r = acme
        .send(&lee, Method::POST, "/api/v1/team/issuer/rotate", None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let r = acme
        .send(
            &acme.admin,
            Method::POST,
            "/api/v1/team/issuer/rotate",
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["signing_key"], format!("{did}#key-1"));
    assert_eq!(r.json()["issuer"]["keys"].as_array().unwrap().len(), 2);
    let r = acme.post(&lee, "/api/v1/badges", issue.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let after = r.json()["id"].as_str().unwrap().to_owned();
    let new_badge = acme.get(&lee, &file(&after)).await.text();
    let v: Value = serde_json::from_str(&new_badge).unwrap();
    assert_eq!(v["proof"][0]["verificationMethod"], format!("{did}#key-1"));

    // (c, e) What the server publishes, to anyone: both badges verify.
    let published = |path: &'static str| {
        let acme = &acme;
        async move {
            let r = acme.get(&As::Nobody, path).await;
            assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text());
            assert_eq!(r.headers["access-control-allow-origin"], "*");
            r.json()
        }
    };
    let did_doc = published("/orgs/acme/did.json").await;
    assert_eq!(did_doc["id"], did);
    assert_eq!(did_doc["assertionMethod"].as_array().unwrap().len(), 4);
    let list = published("/orgs/acme/credentials/revocations.json").await;
    assert_eq!(list["revokedCredentials"], json!([]));
    assert_eq!(
        published("/orgs/acme/profile.json").await["name"],
        "Acme Academy"
    );
    assert_eq!(
        published("/orgs/acme/jwks.json").await["keys"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    for badge in [&old_badge, &new_badge] {
        let report = verify_with(badge, &did_doc, &list);
        assert_eq!(report.verdict, Verdict::Valid, "{:?}", report.reason());
    }

    // Revoking the first: the published list names it, the verifier says so.
    let r = acme
        .post(
            &lee,
            format!("/api/v1/badges/{before}/revoke"),
            json!({ "reason": "issued in error" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let list = published("/orgs/acme/credentials/revocations.json").await;
    assert_eq!(list["revokedCredentials"][0]["id"], before.as_str());
    assert_eq!(
        list["revokedCredentials"][0]["revocationReason"],
        "issued in error"
    );
    let report = verify_with(&old_badge, &did_doc, &list);
    assert_eq!(report.verdict, Verdict::Invalid);
    assert!(
        report.reason().unwrap_or_default().contains("revoked"),
        "{:?}",
        report.reason()
    );
    assert_eq!(
        verify_with(&new_badge, &did_doc, &list).verdict,
        Verdict::Valid
    );

    // All of it is in the audit trail.
    let r = acme.get(&acme.admin, "/api/v1/team/audit").await;
    for action in ["issuer_create", "issuer_rotate", "badge_revoke"] {
        assert!(r.text().contains(action), "{action}: {}", r.text());
    }

    // (b) Another master key, or none: a clear refusal to sign, the
    // documents still published.
    let wrong = badge_server(&acme.db, Some(mm_team::MasterKey::generate().0)).await;
    let r = send(
        &wrong,
        &lee,
        Method::POST,
        "/api/v1/badges",
        Some(issue.clone()),
    )
    .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text());
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .starts_with("issuer key cannot be decrypted: wrong MM_TEAM_KEY?"),
        "{}",
        r.text()
    );
    // Nor does it rotate: the new key would not open on the other servers.
    let r = send(
        &wrong,
        &acme.admin,
        Method::POST,
        "/api/v1/team/issuer/rotate",
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text());
    assert!(r.text().contains("wrong MM_TEAM_KEY?"), "{}", r.text());
    let none = badge_server(&acme.db, None).await;
    let r = send(&none, &lee, Method::POST, "/api/v1/badges", Some(issue)).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text());
    assert!(
        r.text().contains("without a master key (MM_TEAM_KEY"),
        "{}",
        r.text()
    );
    let r = send(&none, &As::Nobody, Method::GET, "/orgs/acme/did.json", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["assertionMethod"].as_array().unwrap().len(), 4);

    // Key generations are retired, never deleted.
    let mut c = in_schema(&acme.db, &acme.db.app_url).await;
    let e = sqlx::query("DELETE FROM issuer_keys")
        .execute(&mut c)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("permission denied"), "{e}");
    acme.db.drop_schema().await;
}

#[tokio::test]
async fn the_organisation_keeps_every_badge_it_signs_publishes_it_and_its_admins_revoke_a_members()
{
    use mm_credentials::verify::Verdict;
    let Some(db) = test_db("srv_ledger").await else {
        return;
    };
    mm_store::Store::migrate(&db.owner_url).await.unwrap();
    mm_team::migrate(&db.owner_url, mm_team::testing::TEST_APP_ROLE)
        .await
        .unwrap();
    let app = badge_server(&db, Some(mm_team::MasterKey::generate().0)).await;
    let acme = Acme::on(db, app).await;
    let beta_admin = acme.other_org("beta").await;
    let (lee, lee_id) = acme.join("lee@acme.example", &["learner"]).await;
    let (kim, _) = acme.join("kim@acme.example", &["learner"]).await;
    let actor = actor_of(&acme.db, &acme.admin).await;
    let goal = demo_journal(&acme.db, actor.org, lee_id).await;
    as_given(&acme, lee_id, goal).await;
    // Acme's admin creates its issuer on the team page, Beta's by the API.
    let page = acme.get(&acme.admin, "/team").await.text();
    assert!(page.contains("None yet: create it"), "{page}");
    let r = send_form_from(
        &acme.app,
        &acme.admin,
        &format!("https://{HOST}"),
        "/team/issuer",
        "name=Acme+Academy&url=",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let page = acme.get(&acme.admin, "/team").await.text();
    assert!(
        page.contains("signed by <strong>Acme Academy</strong>")
            && page.contains(&format!("https://{HOST}/orgs/acme/did.json")),
        "{page}"
    );
    let r = acme
        .post(
            &beta_admin,
            "/api/v1/team/issuer",
            json!({ "name": "Beta School" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let r = acme
        .post(
            &lee,
            "/api/v1/badges",
            json!({ "goal": goal, "email": "lee@acme.example" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let uuid = id.trim_start_matches("urn:uuid:").to_owned();
    let held = acme
        .get(&lee, format!("/api/v1/badges/{id}/files/json"))
        .await
        .text();

    // The ledger: the admin sees every member's, a member their own.
    let r = acme.get(&acme.admin, "/api/v1/team/badges").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let ledger = r.json();
    assert_eq!(ledger.as_array().unwrap().len(), 1, "{ledger}");
    assert_eq!(ledger[0]["id"], json!(id));
    assert_eq!(ledger[0]["person"], json!(lee_id));
    assert_eq!(ledger[0]["person_name"], json!("lee@acme.example"));
    assert_eq!(ledger[0]["goal"], json!(goal));
    assert_eq!(ledger[0]["revoked"], Value::Null);
    let path = format!("/orgs/acme/credentials/{uuid}.json");
    assert_eq!(ledger[0]["published_path"], json!(path));
    let r = acme.get(&lee, "/api/v1/team/badges").await;
    assert_eq!(r.json().as_array().unwrap().len(), 1);
    let r = acme.get(&kim, "/api/v1/team/badges").await;
    assert_eq!(r.json(), json!([]), "another learner sees none of Lee's");
    let r = acme.get(&beta_admin, "/api/v1/team/badges").await;
    assert_eq!(r.json(), json!([]), "another organisation sees none");
    let r = acme.get(&acme.admin, "/api/v1/team/audit").await;
    assert!(r.text().contains("badge_issue"), "{}", r.text());

    // Published, byte for byte as Lee holds it, to anyone: it verifies.
    let r = acme.get(&As::Nobody, &path).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.headers["access-control-allow-origin"], "*");
    assert_eq!(r.text(), held);
    let did_doc = acme.get(&As::Nobody, "/orgs/acme/did.json").await.json();
    let list = || {
        let acme = &acme;
        async move {
            acme.get(&As::Nobody, "/orgs/acme/credentials/revocations.json")
                .await
                .json()
        }
    };
    assert_eq!(
        verify_with(&r.text(), &did_doc, &list().await).verdict,
        Verdict::Valid
    );
    for missing in [
        format!("/orgs/beta/credentials/{uuid}.json"),
        "/orgs/acme/credentials/nope.json".to_owned(),
        format!("/orgs/acme/credentials/{uuid}"),
        "/orgs/nobody/credentials/revocations.json".to_owned(),
    ] {
        let r = acme.get(&As::Nobody, &missing).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{missing}: {}", r.text());
        assert!(!r.text().contains("proof"), "{missing}: {}", r.text());
    }

    // Only the organisation's admin revokes a member's badge, with a reason.
    let revoke = format!("/api/v1/team/badges/{id}/revoke");
    let reason = json!({ "reason": "evidence found to be copied" });
    let before = every_row(&acme.db).await;
    for (who, body, status) in [
        (&lee, reason.clone(), StatusCode::FORBIDDEN),
        (&beta_admin, reason.clone(), StatusCode::NOT_FOUND),
        (
            &acme.admin,
            json!({ "reason": "  " }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            &acme.admin,
            json!({ "reason": 5 }),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ] {
        let r = acme.post(who, &revoke, body).await;
        assert_eq!(r.status, status, "{}", r.text());
        assert!(r.json()["error"].is_string(), "{}", r.text());
    }
    let r = acme
        .post(
            &acme.admin,
            "/api/v1/team/badges/urn:uuid:00000000-0000-4000-8000-000000000000/revoke",
            reason.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    // The team page lists it for the admin, with a form to revoke it.
    let page = acme.get(&acme.admin, "/team").await.text();
    assert!(page.contains(&format!("href=\"{path}\"")), "{page}");
    assert!(
        page.contains(&format!("/team/badges/{id}/revoke")),
        "{page}"
    );
    let r = send_form_from(
        &acme.app,
        &acme.admin,
        &format!("https://{HOST}"),
        &format!("/team/badges/{id}/revoke"),
        "reason=+",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(
        every_row(&acme.db).await,
        before,
        "a refused revocation writes nothing"
    );
    let r = acme.post(&acme.admin, &revoke, reason).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["revoked"], json!("evidence found to be copied"));
    // Verifiers see it revoked; Lee's journal says so, and why.
    let now = list().await;
    assert_eq!(now["revokedCredentials"][0]["id"], json!(id));
    let report = verify_with(&held, &did_doc, &now);
    assert_eq!(report.verdict, Verdict::Invalid);
    assert!(report.reason().unwrap_or_default().contains("revoked"));
    let r = acme.get(&lee, format!("/api/v1/badges/{id}")).await;
    assert_eq!(
        r.json()["revocation_reason"],
        json!("evidence found to be copied"),
        "{}",
        r.text()
    );
    let r = acme.get(&acme.admin, "/api/v1/team/audit").await;
    assert!(r.text().contains("badge_revoke"), "{}", r.text());
    let page = acme.get(&acme.admin, "/team").await.text();
    assert!(
        page.contains("revoked: evidence found to be copied"),
        "{page}"
    );

    // The ledger is append-only for the servers' role.
    let mut c = in_schema(&acme.db, &acme.db.app_url).await;
    for sql in [
        "DELETE FROM issued_credentials",
        "UPDATE issued_credentials SET micro_skill = 'x'",
    ] {
        let e = sqlx::query(sql).execute(&mut c).await.unwrap_err();
        assert!(e.to_string().contains("permission denied"), "{sql}: {e}");
    }
    acme.db.drop_schema().await;
}

#[tokio::test]
async fn one_organisation_never_reads_rotates_or_signs_with_anothers_issuer() {
    let Some(db) = test_db("srv_issuer_rls").await else {
        return;
    };
    let (master, text) = mm_team::MasterKey::generate();
    let team = TeamStore::connect_with(&db.app_url, 4)
        .await
        .unwrap()
        .with_master_key(master);
    let app = router(TeamState::new(team.clone(), &[format!("https://{HOST}")]));
    create_org(&team, "alpha").await;
    create_org(&team, "beta").await;
    let a_admin = sign_in(&app, "alpha", "admin@alpha.example").await;
    let b_admin = sign_in(&app, "beta", "admin@beta.example").await;
    for (who, name) in [(&a_admin, "Alpha Academy"), (&b_admin, "Beta Academy")] {
        let r = send(
            &app,
            who,
            Method::POST,
            "/api/v1/team/issuer",
            Some(json!({ "name": name })),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    }
    let before = snapshot(&db, "beta").await;
    assert!(before.contains("Beta Academy"), "{before}");

    // Through the routes: A's admin sees and rotates A's issuer only.
    let r = send(&app, &a_admin, Method::GET, "/api/v1/team/issuer", None).await;
    assert_eq!(
        r.json()["issuer"]["id"],
        "did:web:learn.example.org:orgs:alpha"
    );
    assert!(
        !r.text().contains("beta") && !r.text().contains("Beta"),
        "{}",
        r.text()
    );
    let r = send(
        &app,
        &a_admin,
        Method::POST,
        "/api/v1/team/issuer/rotate",
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        snapshot(&db, "beta").await,
        before,
        "B's issuer did not change"
    );
    let b_doc = send(&app, &As::Nobody, Method::GET, "/orgs/beta/did.json", None).await;
    assert_eq!(b_doc.json()["assertionMethod"].as_array().unwrap().len(), 2);
    let a_doc = send(&app, &As::Nobody, Method::GET, "/orgs/alpha/did.json", None).await;
    assert_eq!(a_doc.json()["assertionMethod"].as_array().unwrap().len(), 4);
    let r = send(
        &app,
        &As::Nobody,
        Method::GET,
        "/orgs/nobody/did.json",
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // Underneath, as the servers' role acting for A: row-level security
    // shows none of B's rows and refuses to write any.
    let a = actor_of(&db, &a_admin).await;
    let b = actor_of(&db, &b_admin).await;
    let base = db.app_url.split('?').next().unwrap();
    let mut c = sqlx::PgConnection::connect(base).await.unwrap();
    let mut tx = sqlx::Connection::begin(&mut c).await.unwrap();
    sqlx::query(&format!("SET LOCAL search_path TO \"{}\"", db.schema()))
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("SELECT set_config('mm.org', $1, true)")
        .bind(a.org.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
    for t in ["issuers", "issuer_keys", "issuer_revocations"] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {t} WHERE org_id = $1"))
            .bind(b.org)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(n, 0, "{t}: A sees B's rows");
    }
    let n = sqlx::query("UPDATE issuer_keys SET retired_at = now() WHERE org_id = $1")
        .bind(b.org)
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
    assert_eq!(n, 0);
    // Every team table, the new ones too, is under forced row-level security.
    let unsecured: Vec<String> = sqlx::query_scalar(
        "SELECT c.relname::TEXT FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname <> 'mm_team_migrations' \
         AND NOT (c.relrowsecurity AND c.relforcerowsecurity) ORDER BY 1",
    )
    .bind(db.schema())
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    assert_eq!(unsecured, Vec::<String>::new());
    let e = sqlx::query(
        "INSERT INTO issuer_revocations (org_id, credential_id, reason) VALUES ($1, 'urn:uuid:x', 'x')",
    )
    .bind(b.org)
    .execute(&mut *tx)
    .await
    .unwrap_err();
    assert!(e.to_string().contains("row-level security"), "{e}");
    drop(tx);
    assert_eq!(snapshot(&db, "beta").await, before);

    // B's sealed key copied into A's row (by someone with the database):
    // it does not open for A, so A never signs with B's key.
    as_owner(
        &db,
        &format!(
            "UPDATE issuer_keys SET secret = (SELECT secret FROM issuer_keys WHERE org_id = {} \
             AND retired_at IS NULL) WHERE org_id = {} AND retired_at IS NULL",
            b.org, a.org
        ),
    )
    .await;
    let keys = TeamStore::connect(&db.app_url)
        .await
        .unwrap()
        .with_master_key(mm_team::MasterKey::parse(&text).unwrap());
    let e = mm_app::keys::KeyStore::issuer(&keys.org_keys(&a))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), mm_app::ErrorKind::Unavailable);
    assert!(
        e.to_string().contains("sealed for another organisation"),
        "{e}"
    );
    // B still signs.
    assert!(
        mm_app::keys::KeyStore::issuer(&keys.org_keys(&b))
            .await
            .is_ok()
    );
    db.drop_schema().await;
}

// ---- Single sign-on (OpenID Connect) against a real OpenID provider ----

/// The test's OpenID provider: panva's oidc-provider (OpenID Certified)
/// under Node, started from `crates/server/tests/oidc/provider.mjs` in the
/// folder `scripts/setup-oidc-provider.sh` installed it in
/// (`MM_OIDC_PROVIDER_DIR`, default `target/oidc-provider`). Stopped on drop.
struct OidcProvider {
    child: std::process::Child,
    issuer: String,
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// The provider with `accounts` (id → claims), for the client `mm-acme`
/// coming back to acme's callback; `None` (after saying why) when it is not
/// installed, except under CI, where that fails.
fn oidc_provider(accounts: Value) -> Option<OidcProvider> {
    use std::io::BufRead as _;
    let dir = std::env::var_os("MM_OIDC_PROVIDER_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/oidc-provider")
        });
    if !dir.join("node_modules/oidc-provider").is_dir() {
        let why = format!(
            "the test OpenID provider is not installed in {} (run scripts/setup-oidc-provider.sh)",
            dir.display()
        );
        assert!(std::env::var_os("CI").is_none(), "{why}");
        eprintln!("skipping single sign-on: {why}");
        return None;
    }
    let config = json!({
        "client_id": "mm-acme",
        "client_secret": SSO_SECRET,
        "redirect_uris": [format!("http://{HOST}/o/acme/sso/callback")],
        "accounts": accounts,
    });
    let mut child = std::process::Command::new("node")
        .arg(dir.join("provider.mjs"))
        .arg(config.to_string())
        .current_dir(&dir)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start node");
    let mut line = String::new();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut line).unwrap();
    // What it says later (notices) is read and dropped: a closed pipe would stop it.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
    let issuer = line
        .strip_prefix("issuer ")
        .unwrap_or_else(|| panic!("the provider said {line:?}"))
        .trim()
        .to_owned();
    Some(OidcProvider { child, issuer })
}

const SSO_SECRET: &str = "the client secret of mm-acme at the provider";

/// A browser at the provider: its cookies, and no redirect followed.
struct ProviderBrowser {
    agent: ureq::Agent,
    jar: HashMap<String, String>,
}

impl ProviderBrowser {
    fn new() -> Self {
        ProviderBrowser {
            agent: ureq::AgentBuilder::new()
                .redirects(0)
                .max_idle_connections(0)
                .build(),
            jar: HashMap::new(),
        }
    }

    /// GET (or POST a form to) `url`: the status, `Location` and body.
    fn go(&mut self, url: &str, form: Option<&[(&str, &str)]>) -> (u16, String, String) {
        let cookies: Vec<String> = self.jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let req = match form {
            Some(_) => self.agent.post(url),
            None => self.agent.get(url),
        }
        .set("Cookie", &cookies.join("; "));
        let res = match form {
            Some(f) => req.send_form(f),
            None => req.call(),
        };
        let res = match res {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{url}: {e}"),
        };
        for c in res.all("set-cookie") {
            if let Some((k, v)) = c.split(';').next().and_then(|kv| kv.split_once('=')) {
                self.jar.insert(k.trim().to_owned(), v.to_owned());
            }
        }
        let status = res.status();
        let location = res.header("location").unwrap_or_default().to_owned();
        (status, location, res.into_string().unwrap_or_default())
    }
}

/// Start single sign-on at acme and sign in at the provider as `login`:
/// the callback path the provider sends the browser back to, and the
/// browser's `mm_sso` cookie.
async fn through_provider(app: &Router, issuer: &str, login: &str) -> (String, String) {
    through_provider_from(app, "/o/acme/sso", issuer, login).await
}

/// As [`through_provider`], starting at `start` (`/o/acme/sso?next=…`); the
/// cookies it sets, as a browser sends them back.
async fn through_provider_from(
    app: &Router,
    start: &str,
    issuer: &str,
    login: &str,
) -> (String, String) {
    let r = send(app, &As::Nobody, Method::GET, start, None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let authorize = r.headers[header::LOCATION].to_str().unwrap().to_owned();
    assert!(
        authorize.starts_with(&format!("{issuer}/auth?")),
        "{authorize}"
    );
    for part in [
        "code_challenge_method=S256",
        "scope=openid",
        "nonce=",
        "state=mmo_",
    ] {
        assert!(authorize.contains(part), "{authorize} lacks {part}");
    }
    let cookie = r.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    for attr in ["HttpOnly", "SameSite=Lax", "Path=/o/acme/sso"] {
        assert!(cookie.contains(attr), "{cookie}");
    }
    let cookie = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|c| c.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect::<Vec<_>>()
        .join("; ");
    let issuer = issuer.to_owned();
    let login = login.to_owned();
    let back = tokio::task::spawn_blocking(move || {
        let mut b = ProviderBrowser::new();
        let (status, interaction, _) = b.go(&authorize, None);
        assert_eq!(status, 303);
        let interaction = format!("{issuer}{}", interaction.trim_start_matches(&issuer));
        let (status, _, form) = b.go(&interaction, None);
        assert_eq!(status, 200);
        assert!(form.contains("/login"), "{form}");
        let (status, resume, _) = b.go(&format!("{interaction}/login"), Some(&[("login", &login)]));
        assert_eq!(status, 303);
        let (status, back, body) = b.go(&resume, None);
        assert_eq!(status, 303, "{body}");
        back
    })
    .await
    .unwrap();
    let path = back
        .strip_prefix(&format!("http://{HOST}"))
        .unwrap_or_else(|| panic!("the provider sent the browser to {back}"))
        .to_owned();
    assert!(path.starts_with("/o/acme/sso/callback?code="), "{path}");
    (path, cookie)
}

/// The browser coming back at `path` with `cookie`: the answer.
async fn come_back(app: &Router, path: &str, cookie: &str) -> Reply {
    let who = As::Browser {
        cookie: cookie.to_owned(),
        csrf: String::new(),
    };
    send(app, &who, Method::GET, path, None).await
}

/// The `mm_team` sign-in a reply sets, as a browser.
fn team_cookie(r: &Reply) -> As {
    let cookie = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("mm_team=mms_"))
        .unwrap_or_else(|| panic!("no sign-in in {:?}", r.headers))
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    As::Browser {
        cookie,
        csrf: String::new(),
    }
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    let mut c = in_schema(db, &db.owner_url).await;
    sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
}

#[tokio::test]
async fn members_sign_in_with_their_institutions_openid_provider_and_nobody_else_gets_in() {
    let Some(db) = test_db("srv_sso").await else {
        return;
    };
    let Some(provider) = oidc_provider(json!({
        "lee": { "email": "lee@acme.example", "email_verified": true, "name": "Lee" },
        "una": { "email": "lee@acme.example", "email_verified": false, "name": "Not Lee" },
        "eve": { "email": "eve@elsewhere.example", "email_verified": true, "name": "Eve" },
        "sam": { "email": "sam@students.acme.example", "email_verified": true, "name": "Sam Student" },
    })) else {
        db.drop_schema().await;
        return;
    };
    let (key, key_text) = mm_team::MasterKey::generate();
    let team = TeamStore::connect_with(&db.app_url, 4).await.unwrap();
    let app = router(TeamState::new(team.clone().with_master_key(key), &[]));
    let acme = Acme::on(db, app).await;
    create_org(&team, "beta").await;
    let (lee, lee_id) = acme.join("lee@acme.example", &["learner"]).await;

    // No single sign-on yet: the sign-in page offers only the password.
    let r = acme.get(&As::Nobody, "/o/acme/sso").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
    let r = acme.get(&As::Nobody, "/o/acme").await;
    assert!(!r.text().contains("/o/acme/sso"), "{}", r.text());

    // Only an admin sets it, and only to a provider that answers.
    let settings = json!({
        "issuer": provider.issuer, "client_id": "mm-acme", "client_secret": SSO_SECRET,
        "label": "Acme Login",
    });
    let r = acme.put(&lee, "/api/v1/team/sso", settings.clone()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let r = acme.get(&lee, "/api/v1/team/sso").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    for (issuer, status) in [
        ("http://login.example.edu", StatusCode::UNPROCESSABLE_ENTITY),
        ("http://127.0.0.1:9", StatusCode::UNPROCESSABLE_ENTITY),
        ("not a url", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let mut bad = settings.clone();
        bad["issuer"] = json!(issuer);
        let r = acme.put(&acme.admin, "/api/v1/team/sso", bad).await;
        assert_eq!(r.status, status, "{issuer}: {}", r.text());
        assert!(
            r.json()["message"].as_str().unwrap().contains(issuer),
            "{}",
            r.text()
        );
    }
    for (body, field) in [
        (json!({ "issuer": 5, "client_id": "mm-acme" }), "issuer"),
        (
            json!({ "issuer": provider.issuer, "client_id": "mm-acme", "join_domains": ["not a domain"] }),
            "join_domains",
        ),
        (
            json!({ "issuer": provider.issuer, "client_id": "", "client_secret": SSO_SECRET }),
            "client_id",
        ),
        (
            json!({ "issuer": provider.issuer, "client_id": "mm-acme", "secret": SSO_SECRET }),
            "secret",
        ),
    ] {
        let r = acme.put(&acme.admin, "/api/v1/team/sso", body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(
            r.json()["field"].as_str().unwrap_or("").contains(field),
            "{}",
            r.text()
        );
    }
    assert_eq!(
        count(&acme.db, "SELECT count(*) FROM sso_providers").await,
        0
    );
    let r = acme
        .put(&acme.admin, "/api/v1/team/sso", settings.clone())
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["has_client_secret"], json!(true));
    assert_eq!(r.json()["redirect_path"], json!("/o/acme/sso/callback"));
    assert!(!r.text().contains(SSO_SECRET), "{}", r.text());
    // The secret is sealed at rest, never in the clear.
    assert_eq!(
        count(
            &acme.db,
            &format!(
                "SELECT count(*) FROM sso_providers WHERE position(convert_to('{SSO_SECRET}', 'UTF8') in client_secret) > 0"
            )
        )
        .await,
        0
    );
    let r = acme.get(&As::Nobody, "/o/acme").await;
    assert!(r.text().contains("Sign in with Acme Login"), "{}", r.text());
    // Beta has none of it.
    let r = acme.get(&As::Nobody, "/o/beta").await;
    assert!(!r.text().contains("Acme Login"));

    // Lee, a member, signs in at the provider: linked by the verified email.
    let (back, cookie) = through_provider(&acme.app, &provider.issuer, "lee").await;
    // Another browser (no cookie of this sign-in) cannot finish it...
    let r = come_back(&acme.app, &back, "mm_sso=mmo_0").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());
    assert!(r.text().contains("start again"), "{}", r.text());
    // ...nor another organisation's callback...
    let beta_back = back.replace("/o/acme/", "/o/beta/");
    let r = come_back(&acme.app, &beta_back, &cookie).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());
    // ...and Lee's own browser still does.
    let sessions = count(
        &acme.db,
        &format!("SELECT count(*) FROM auth_sessions WHERE person_id = {lee_id}"),
    )
    .await;
    let r = come_back(&acme.app, &back, &cookie).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.headers[header::LOCATION], "/");
    let lee_sso = team_cookie(&r);
    let me = acme.get(&lee_sso, "/api/v1/team/me").await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    assert_eq!(me.json()["member"]["id"], json!(lee_id), "{}", me.text());
    assert_eq!(me.json()["member"]["email"], json!("lee@acme.example"));
    assert_eq!(
        count(
            &acme.db,
            &format!("SELECT count(*) FROM auth_sessions WHERE person_id = {lee_id}")
        )
        .await,
        sessions + 1
    );
    assert_eq!(
        count(
            &acme.db,
            &format!("SELECT count(*) FROM sso_identities WHERE person_id = {lee_id}")
        )
        .await,
        1
    );
    // The same answer again (a replayed code and state) signs nobody in.
    let r = come_back(&acme.app, &back, &cookie).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text());
    assert_eq!(
        count(
            &acme.db,
            &format!("SELECT count(*) FROM auth_sessions WHERE person_id = {lee_id}")
        )
        .await,
        sessions + 1
    );
    // A second sign-in goes by the provider's subject, linked once.
    let (back, cookie) = through_provider(&acme.app, &provider.issuer, "lee").await;
    let r = come_back(&acme.app, &back, &cookie).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(
        count(&acme.db, "SELECT count(*) FROM sso_identities").await,
        1
    );

    // Lee's address, but not verified by the provider: not Lee.
    let (back, cookie) = through_provider(&acme.app, &provider.issuer, "una").await;
    let r = come_back(&acme.app, &back, &cookie).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert!(
        r.text().contains("did not confirm an email"),
        "{}",
        r.text()
    );
    // Someone who is no member, from a domain that may not join.
    let people = count(&acme.db, "SELECT count(*) FROM people").await;
    let (back, cookie) = through_provider(&acme.app, &provider.issuer, "eve").await;
    let r = come_back(&acme.app, &back, &cookie).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert!(
        r.text().contains("eve@elsewhere.example is not a member"),
        "{}",
        r.text()
    );
    assert!(
        r.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .all(|c| !c.to_str().unwrap().starts_with("mm_team="))
    );
    assert_eq!(count(&acme.db, "SELECT count(*) FROM people").await, people);
    assert_eq!(
        count(&acme.db, "SELECT count(*) FROM sso_identities").await,
        1
    );

    // Students' addresses may join: Sam becomes a learner at the first
    // sign-in (the secret kept, as the settings leave it out).
    let mut students = settings.clone();
    students.as_object_mut().unwrap().remove("client_secret");
    students["join_domains"] = json!(["students.acme.example"]);
    let r = acme.put(&acme.admin, "/api/v1/team/sso", students).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["has_client_secret"], json!(true));
    // The team page shows the admin the redirect URI to register, and its
    // form (an empty secret field keeps the secret) changes the label.
    let r = acme.get(&acme.admin, "/team").await;
    assert!(
        r.text()
            .contains(&format!("http://{HOST}/o/acme/sso/callback")),
        "{}",
        r.text()
    );
    let form = format!(
        "issuer={}&client_id=mm-acme&client_secret=&label=Acme+Campus&join_domains=students.acme.example",
        provider.issuer.replace(':', "%3A").replace('/', "%2F")
    );
    let r = send_form(&acme.app, &acme.admin, "/team/sso", &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = acme.get(&acme.admin, "/api/v1/team/sso").await;
    assert_eq!(r.json()["has_client_secret"], json!(true), "{}", r.text());
    assert_eq!(r.json()["label"], json!("Acme Campus"));
    assert_eq!(r.json()["join_domains"], json!(["students.acme.example"]));
    let (back, cookie) = through_provider(&acme.app, &provider.issuer, "sam").await;
    let r = come_back(&acme.app, &back, &cookie).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let me = acme.get(&team_cookie(&r), "/api/v1/team/me").await;
    assert_eq!(
        me.json()["member"]["email"],
        json!("sam@students.acme.example"),
        "{}",
        me.text()
    );
    assert_eq!(me.json()["member"]["name"], json!("Sam Student"));
    assert_eq!(me.json()["member"]["roles"], json!(["learner"]));
    // Sam has no password to guess.
    let r = acme.post(&As::Nobody, "/api/v1/team/sign-in", json!({ "organisation": "acme", "email": "sam@students.acme.example", "password": "!sso" }))
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // The audit trail says who was linked, who joined, who was refused.
    let r = acme.get(&acme.admin, "/api/v1/team/audit").await;
    for action in ["sso.set", "sso.linked", "sso.joined", "sign_in_failed"] {
        assert!(r.text().contains(action), "{action}: {}", r.text());
    }

    // A new master key: the client secret is resealed; a server with the
    // old key says which key it needs, one with the new key signs in.
    let (new_key, new_text) = mm_team::MasterKey::generate();
    let new_id = new_key.id().to_owned();
    let both = router(TeamState::new(
        team.clone()
            .with_master_key(mm_team::MasterKey::parse(&new_text).unwrap())
            .with_previous_master_key(mm_team::MasterKey::parse(&key_text).unwrap()),
        &[],
    ));
    let r = send(&both, &As::Nobody, Method::GET, "/o/acme/sso", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let done = mm_team::reseal(
        &acme.db.owner_url,
        &mm_team::MasterKey::parse(&key_text).unwrap(),
        &new_key,
    )
    .await
    .unwrap();
    assert_eq!((done.organisations, done.resealed), (1, 1));
    let r = acme.get(&As::Nobody, "/o/acme/sso").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text());
    assert!(r.text().contains(&new_id), "{}", r.text());
    let r = send(&both, &As::Nobody, Method::GET, "/o/acme/sso", None).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let app = router(TeamState::new(team.clone().with_master_key(new_key), &[]));
    // Sent to sign in from a page, Lee lands back on it after the provider.
    let r = send(
        &app,
        &As::Nobody,
        Method::GET,
        "/o/acme?next=/team/approvals",
        None,
    )
    .await;
    assert!(
        r.text()
            .contains(r#"href="/o/acme/sso?next=/team/approvals""#),
        "{}",
        r.text()
    );
    let (back, cookie) = through_provider_from(
        &app,
        "/o/acme/sso?next=/team/approvals",
        &provider.issuer,
        "lee",
    )
    .await;
    let r = come_back(&app, &back, &cookie).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(location(&r), "/team/approvals");

    // Stopped: no single sign-on, and passwords still work.
    let admin = sign_in(&app, "acme", "admin@acme.example").await;
    let r = send(&app, &admin, Method::DELETE, "/api/v1/team/sso", None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
    let r = send(&app, &As::Nobody, Method::GET, "/o/acme/sso", None).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    sign_in(&app, "acme", "lee@acme.example").await;
    acme.db.drop_schema().await;
}

/// Whether a message shown to a coach or learner reads as words, not code
/// or command lines.
fn plain_words(message: &str) -> bool {
    !message.contains("::") && !message.contains("--") && !message.contains("mm ")
}

#[tokio::test]
async fn a_past_deadline_date_is_refused_and_one_that_passes_later_says_who_was_not_given_it() {
    let Some((acme, journals)) =
        Acme::with_journals("srv_past_deadline", "2026-03-10T12:00:00+00:00").await
    else {
        return;
    };
    let (coach, _) = acme.join("coach@acme.example", &["coach"]).await;
    let (lee, lee_id) = acme.join("lee@acme.example", &["learner"]).await;
    let (_, kim_id) = acme.join("kim@acme.example", &["learner"]).await;
    let org = acme.org_id(&lee).await;
    let r = acme
        .post(
            &coach,
            "/api/v1/team/programmes",
            json!({ "slug": "data", "name": "Data" }),
        )
        .await;
    let programme = r.json()["id"].as_i64().unwrap();
    let entry = &mm_micro::catalogue::curated().entries()[0];
    let items = format!("/api/v1/team/programmes/{programme}/items");
    // A date that has passed is refused, in a coach's words, writing nothing.
    let before = snapshot(&acme.db, "acme").await;
    let r = acme.post(&coach, &items, json!({ "catalogue_id": entry.id, "deadline": { "date": "2020-01-01" }, "weekly_minutes": 60 }))
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.json()["field"], "deadline");
    let message = r.json()["message"].as_str().unwrap().to_owned();
    assert_eq!(
        message,
        "2020-01-01 has passed everywhere: give 2026-03-10 or a later date, or a number of weeks"
    );
    assert!(plain_words(&message), "{message}");
    assert_eq!(
        snapshot(&acme.db, "acme").await,
        before,
        "a refused item wrote"
    );
    // Today itself is fine; a later change to a past date is refused too.
    let r = acme.post(&coach, &items, json!({ "catalogue_id": entry.id, "deadline": { "date": "2026-03-20" }, "weekly_minutes": 60 }))
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let item = r.json()["item"]["id"].as_i64().unwrap();
    let before = snapshot(&acme.db, "acme").await;
    let r = acme
        .patch(
            &coach,
            format!("{items}/{item}"),
            json!({ "deadline": { "date": "2026-03-09" } }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.json()["field"], "deadline");
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("2026-03-09 has passed")
    );
    assert_eq!(
        snapshot(&acme.db, "acme").await,
        before,
        "a refused change wrote"
    );
    // A date passes only once it has ended everywhere: at 05:00 UTC on the
    // 10th it is still the 9th in UTC−12, so a coach there may give it,
    // whatever zone the server runs in.
    let early = acme.at("2026-03-10T05:00:00+00:00").await;
    let r = send(
        &early,
        &coach,
        Method::PATCH,
        &format!("{items}/{item}"),
        Some(json!({ "deadline": { "date": "2026-03-09" } })),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = acme
        .patch(
            &coach,
            format!("{items}/{item}"),
            json!({ "deadline": { "date": "2026-03-20" } }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // Lee is in the cohort while the date is to come: she gets the goal.
    let r = acme
        .post(&coach, "/api/v1/team/cohorts", json!({ "name": "Spring" }))
        .await;
    let cohort = r.json()["id"].as_i64().unwrap();
    for (path, body) in [
        ("members", json!({ "person": lee_id })),
        ("programmes", json!({ "programme": programme })),
    ] {
        let r = acme
            .post(
                &coach,
                format!("/api/v1/team/cohorts/{cohort}/{path}"),
                body,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    let goals = |person: i64| {
        let s = journals.scoped(org, person).unwrap();
        async move { s.list_goals().await.unwrap() }
    };
    assert_eq!(goals(lee_id).await.len(), 1);
    // Kim joins after the date has passed: no goal, and the coach is told why.
    let (later, _) = with_journals(&acme.db, "2026-03-25T09:00:00+00:00").await;
    let r = send(
        &later,
        &coach,
        Method::POST,
        &format!("/api/v1/team/cohorts/{cohort}/members"),
        Some(json!({ "person": kim_id })),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.json()["goals"]["given"].as_array().unwrap().is_empty());
    let failed = &r.json()["goals"]["failed"];
    assert_eq!(ids(failed, "person"), [kim_id], "{failed}");
    let why = failed[0]["message"].as_str().unwrap();
    assert!(why.contains("deadline 2026-03-20 has passed"), "{why}");
    assert!(plain_words(why), "{why}");
    assert!(goals(kim_id).await.is_empty(), "a goal due in the past");
    let page = send(
        &later,
        &coach,
        Method::GET,
        &format!("/team/cohorts/{cohort}"),
        None,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text()
            .contains("not given: its deadline 2026-03-20 has passed"),
        "{}",
        page.text()
    );
    assert!(
        !page.text().contains("failed: not given"),
        "{}",
        page.text()
    );
    let mut c = in_schema(&acme.db, &acme.db.owner_url).await;
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM team_audit WHERE action = 'goal_not_given' AND subject = $1",
    )
    .bind(format!("person:{kim_id}"))
    .fetch_one(&mut c)
    .await
    .unwrap();
    assert_eq!(audited, 1, "the skip is on record");
    // Given weeks instead, the owed goal reaches Kim on the next attempt.
    let r = send(
        &later,
        &coach,
        Method::PATCH,
        &format!("{items}/{item}"),
        Some(json!({ "deadline": { "weeks": 2 } })),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = send(
        &later,
        &coach,
        Method::POST,
        &format!("/api/v1/team/cohorts/{cohort}/goals"),
        Some(json!({})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        ids(&r.json()["goals"]["given"], "person"),
        [kim_id],
        "{}",
        r.text()
    );
    let kim = goals(kim_id).await;
    assert_eq!(kim[0].deadline.to_string(), "2026-04-08");
    acme.db.drop_schema().await;
}

/// A browser's request: `GET path` (no body) or a form `POST`, with
/// `cookie` if any.
fn browser(method: Method, path: &str, cookie: Option<&str>, form: Option<&str>) -> Request<Body> {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::HOST, HOST);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    match form {
        Some(f) => req
            .header(header::ORIGIN, format!("http://{HOST}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(f.to_owned()))
            .unwrap(),
        None => req.body(Body::empty()).unwrap(),
    }
}

async fn run(app: &Router, req: Request<Body>) -> Reply {
    let res = app.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

fn location(r: &Reply) -> &str {
    r.headers
        .get(header::LOCATION)
        .map_or("", |l| l.to_str().unwrap())
}

#[tokio::test]
async fn a_signed_out_browser_is_sent_to_sign_in_and_lands_where_it_was_going() {
    let Some(db) = test_db("srv_sign_in_next").await else {
        return;
    };
    let (app, _) = with_journals(&db, "2026-03-10T12:00:00+00:00").await;
    create_org(&TeamStore::connect(&db.app_url).await.unwrap(), "acme").await;
    let get = |path: &str, cookie: Option<&str>| {
        let req = browser(Method::GET, path, cookie, None);
        let app = app.clone();
        async move { run(&app, req).await }
    };
    // Pages answer 303 to the sign-in hint, with where the browser was going.
    for (path, to) in [
        ("/team", "/?next=/team"),
        ("/team/approvals", "/?next=/team/approvals"),
        ("/team/cohorts/1?x=1", "/?next=/team/cohorts/1%3Fx%3D1"),
        ("/goals/1", "/?next=/goals/1"),
    ] {
        let r = get(path, None).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}: {}", r.text());
        assert_eq!(location(&r), to, "{path}");
    }
    // The API still answers JSON 401.
    let r = get("/api/v1/team/me", None).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.json()["error"], "unauthorized");
    // The hint carries `next` through the organisation's form to its page.
    let r = get("/?next=/team/approvals", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text()
            .contains(r#"<input type="hidden" name="next" value="/team/approvals">"#),
        "{}",
        r.text()
    );
    let r = get("/o?slug=acme&next=/team/approvals", None).await;
    assert_eq!(location(&r), "/o/acme?next=/team/approvals");
    let r = get("/o/acme?next=/team/approvals", None).await;
    assert!(
        r.text()
            .contains(r#"<input type="hidden" name="next" value="/team/approvals">"#),
        "{}",
        r.text()
    );
    // Another site is never a `next`.
    let r = get("/o/acme?next=//evil.example/", None).await;
    assert!(!r.text().contains("evil.example"), "{}", r.text());
    let password = PASSWORD.replace(' ', "+");
    let sign_in = |next: &str| {
        let body = format!("email=admin%40acme.example&password={password}&next={next}");
        let app = app.clone();
        async move { run(&app, browser(Method::POST, "/o/acme", None, Some(&body))).await }
    };
    let r = sign_in("%2F%2Fevil.example%2F").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(location(&r), "/");
    // Signed in, the browser lands on the page it asked for, and is
    // remembered as acme's.
    let r = sign_in("%2Fteam%2Fapprovals").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(location(&r), "/team/approvals");
    let cookies: Vec<&str> = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|c| c.to_str().unwrap())
        .collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("mm_team=mms_")),
        "{cookies:?}"
    );
    assert!(
        cookies.iter().any(|c| c.starts_with("mm_team_org=acme;")),
        "{cookies:?}"
    );
    let session = cookies[0].split(';').next().unwrap().to_owned();
    let r = get("/team/approvals", Some(&session)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // Once the sign-in has ended, the page sends the browser to acme's.
    let ended = "mm_team=mms_ended; mm_team_org=acme";
    let r = get("/team/approvals", Some(ended)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(location(&r), "/o/acme?next=/team/approvals");
    // Forms stay refused without a sign-in (no redirect for a POST).
    let r = run(
        &app,
        browser(Method::POST, "/invite", Some(ended), Some("email=x")),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    db.drop_schema().await;
}

#[tokio::test]
async fn an_invitation_and_an_empty_journal_say_what_they_mean_in_words() {
    let Some((acme, _)) = Acme::with_journals("srv_words", "2026-03-10T12:00:00+00:00").await
    else {
        return;
    };
    let (lee, _) = acme.join("lee@acme.example", &["learner"]).await;
    // A learner with no goal yet is told what happens on the site, not
    // which command to run.
    let r = acme.get(&lee, "/").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(
        r.text().contains("Your coach has not given you a goal yet"),
        "{}",
        r.text()
    );
    assert!(r.text().contains(r#"href="/discover""#));
    assert!(!r.text().contains("mm goal") && !r.text().contains("mm demo"));
    // An invitation taken back says so on its link's page and the team page.
    let r = acme
        .post(
            &acme.admin,
            "/api/v1/team/invitations",
            json!({ "email": "kim@acme.example", "roles": ["learner"] }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let link = r.json()["link"].as_str().unwrap().to_owned();
    let id = r.json()["invitation"]["id"]
        .as_i64()
        .unwrap_or_else(|| r.json()["id"].as_i64().unwrap());
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let r = acme
        .delete(&acme.admin, format!("/api/v1/team/invitations/{id}"))
        .await;
    assert!(r.status.is_success(), "{}", r.text());
    let r = acme.get(&As::Nobody, format!("/join?token={token}")).await;
    assert!(
        r.text()
            .contains("This invitation can no longer be used: it was taken back."),
        "{}",
        r.text()
    );
    assert!(!r.text().contains("(revoked)"), "{}", r.text());
    let r = acme.get(&acme.admin, "/team").await;
    assert!(r.text().contains("<td>taken back</td>"), "{}", r.text());
    acme.db.drop_schema().await;
}

#[tokio::test]
async fn a_team_page_form_that_fails_comes_back_as_typed_and_one_that_works_redirects() {
    let Some(db) = test_db("srv_forms_typed").await else {
        return;
    };
    let app = instance(&db).await;
    let acme = Acme::on(db, app).await;
    let As::Browser { cookie, .. } = acme.admin.clone() else {
        unreachable!()
    };
    let before = snapshot(&acme.db, "acme").await;
    // Each failed form: its status, what was typed, the error by its field.
    for (path, body, status, kept, error) in [
        (
            "/invite",
            "email=not-an-address&roles=coach&roles=learner",
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![
                r#"value="not-an-address""#,
                r#"value="coach" checked"#,
                r#"value="learner" checked"#,
            ],
            r#"id="invite-email-error""#,
        ),
        (
            "/invite",
            "email=kim%40acme.example&roles=boss",
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![r#"value="kim@acme.example""#],
            r#"id="invite-roles-error""#,
        ),
        (
            "/tokens",
            "name=",
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![r#"id="token-name""#],
            r#"id="token-name-error""#,
        ),
        (
            "/team/programmes",
            "name=Data+basics&slug=Not+A+Slug&description=For+the+first+month",
            StatusCode::UNPROCESSABLE_ENTITY,
            vec![
                r#"value="Data basics""#,
                r#"value="Not A Slug""#,
                ">For the first month</textarea>",
            ],
            r#"id="programme-slug-error""#,
        ),
    ] {
        let r = send_form(&acme.app, &acme.admin, path, body).await;
        assert_eq!(r.status, status, "{path} {body}: {}", r.text());
        for k in kept {
            assert!(
                r.text().contains(k),
                "{path} {body}: {k} lost: {}",
                r.text()
            );
        }
        assert!(r.text().contains(error), "{path} {body}: {}", r.text());
        let said = r
            .text()
            .split(error)
            .nth(1)
            .and_then(|t| t.split('<').next().map(str::to_owned))
            .unwrap_or_default();
        assert!(plain_words(&said) && !said.is_empty(), "{path}: {said}");
        assert!(r.headers.get(header::LOCATION).is_none());
    }
    // The admin's forms too; a client secret is never sent back.
    let r = send_form(
        &acme.app,
        &acme.admin,
        "/team/sso",
        "issuer=not-a-url&client_id=campus-app&client_secret=s3cret-value&label=Campus&join_domains=example.edu",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    for k in [
        r#"value="not-a-url""#,
        r#"value="campus-app""#,
        r#"value="Campus""#,
        r#"value="example.edu""#,
        r#"id="sso-issuer-error""#,
    ] {
        assert!(r.text().contains(k), "{k} lost: {}", r.text());
    }
    assert!(!r.text().contains("s3cret-value"), "the secret came back");
    let r = send_form(
        &acme.app,
        &acme.admin,
        "/team/issuer",
        "name=Acme+Academy&url=",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(
        r.text().contains(r#"value="Acme Academy""#)
            && r.text().contains(r#"id="issuer-url-error""#),
        "{}",
        r.text()
    );
    assert_eq!(
        snapshot(&acme.db, "acme").await,
        before,
        "a failed form wrote"
    );
    // Joining with too short a password: the name kept, never the password.
    let r = acme
        .post(
            &acme.admin,
            "/api/v1/team/invitations",
            json!({ "email": "kim@acme.example", "roles": ["learner"] }),
        )
        .await;
    let link = r.json()["link"].as_str().unwrap().to_owned();
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let body = format!("token={token}&name=Kim+Lee&password=tooshort");
    let r = run(&acme.app, browser(Method::POST, "/join", None, Some(&body))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(
        r.text().contains(r#"value="Kim Lee""#) && r.text().contains(r#"id="join-password-error""#),
        "{}",
        r.text()
    );
    assert!(!r.text().contains("tooshort"), "the password came back");
    // A cohort's name taken: 409, the name kept.
    let r = send_form(&acme.app, &acme.admin, "/team/cohorts", "name=Spring").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(location(&r).ends_with("?done=created"), "{}", location(&r));
    let r = send_form(&acme.app, &acme.admin, "/team/cohorts", "name=Spring").await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(
        r.text()
            .contains(r#"id="cohort-name" name="name" required maxlength="200" value="Spring""#),
        "{}",
        r.text()
    );
    // A token made: 303 to the team page, which shows it once.
    let r = send_form(&acme.app, &acme.admin, "/tokens", "name=Reports").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(location(&r), "/team?done=token#tokens");
    let shown = r.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(
        shown.contains("HttpOnly") && shown.contains("Path=/team"),
        "{shown}"
    );
    let shown = shown.split(';').next().unwrap().to_owned();
    let get = |cookies: String| {
        let acme = &acme;
        async move {
            run(
                &acme.app,
                browser(Method::GET, "/team?done=token", Some(&cookies), None),
            )
            .await
        }
    };
    let r = get(format!("{cookie}; {shown}")).await;
    assert_eq!(r.status, StatusCode::OK);
    let secret = shown.split('=').nth(1).unwrap().to_owned();
    assert!(secret.starts_with("mmt_"), "{secret}");
    assert!(r.text().contains(&secret) && r.text().contains("Token made."));
    // Reloaded (the browser dropped the cleared cookie): not shown again,
    // and nothing made again.
    let r = get(cookie.clone()).await;
    assert!(!r.text().contains(&secret), "shown twice");
    assert!(r.text().contains("it was shown once"), "{}", r.text());
    assert_eq!(r.text().matches("<td>Reports</td>").count(), 1);
    acme.db.drop_schema().await;
}
