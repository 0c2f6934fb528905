//! The dashboard and `GET /api/v1/status` over a journal of 50 open goals and
//! 20,000 sessions (SQLite in a temp dir), measured through the router in
//! process: server time from request to the last byte, p50/p99/max. The
//! JSON status (the same view model, no HTML) runs in the same pass as the
//! peer, and the counts are checked so a broken page cannot look fast.
//!
//! Each is measured twice: "unchanged" (the journal does not move between
//! requests, so the server reuses its status view) and "changed" (a
//! criterion is ticked or unticked before every request, outside the timed
//! part, so the journal revision moves and every request computes the whole
//! view from the database).
//!
//! ```text
//! cargo bench -p mm-server --bench dashboard                 # timings
//! cargo bench -p mm-server --bench dashboard -- --serve 127.0.0.1:8799
//!     # serves the same journal for a load tool; prints the wrk command
//! ```

use axum::body::Body;
use axum::http::{Request, header};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use http_body_util::BodyExt as _;
use mm_app::Clock;
use mm_core::*;
use mm_server::AppState;
use std::net::SocketAddr;
use std::time::Instant;
use tower::ServiceExt as _;

const GOALS: usize = 50;
const SESSIONS: usize = 20_000;
const RUNS: usize = 300;

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-03-01T12:00:00+00:00").unwrap()
}

async fn journal(url: &str) -> mm_store::Store {
    let store = mm_store::Store::open(url).await.unwrap();
    let t0 = now().with_timezone(&Utc) - Duration::days(55);
    let day0 = t0.date_naive();
    let mut goals = Vec::new();
    for i in 0..GOALS {
        let skill = store
            .create_skill(
                &NewSkill {
                    name: format!("skill {i}"),
                    kind: SkillKind::Skill,
                    taxonomy_uri: None,
                    description: None,
                    held_level: None,
                },
                t0,
            )
            .await
            .unwrap();
        let micro = store
            .create_micro_skill(
                &NewMicroSkill {
                    skill_id: skill.id,
                    name: format!("micro-skill number {i}"),
                    principles: vec![NewPrinciple {
                        name: format!("principle {i}"),
                        description: None,
                    }],
                    resources: vec![],
                },
                t0,
            )
            .await
            .unwrap();
        let goal = store
            .create_goal(
                &NewGoal {
                    micro_skill_id: micro.id,
                    target_level: Level::Competent,
                    start: day0,
                    deadline: day0 + Duration::days(70),
                    weekly_minutes: 300,
                    criteria: vec![format!("criterion {i}a"), format!("criterion {i}b")],
                },
                t0,
                day0,
            )
            .await
            .unwrap();
        goals.push(goal.id);
    }
    store
        .activate_due_goals(day0 + Duration::days(1))
        .await
        .unwrap();
    for k in 0..SESSIONS {
        let day = (k / 400) as i64;
        let slot = (k % 400) as i64;
        let start = t0 + Duration::days(day) + Duration::minutes(slot * 3);
        store
            .log_session(
                &NewSession {
                    goal_id: goals[k % GOALS],
                    started_at: start,
                    ended_at: start + Duration::minutes(2),
                    focused_minutes: 2,
                    interruptions: 0,
                    aim: "drill".into(),
                    reps: 3,
                    errors: 1,
                    difficulty: Some(3),
                    feedback: None,
                    notes: None,
                },
                start + Duration::minutes(3),
            )
            .await
            .unwrap();
    }
    store
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn measure(
    app: &axum::Router,
    path: &str,
    cookie: &str,
    expect: &str,
    host: &str,
    change: Option<&mm_store::Store>,
) -> Vec<f64> {
    let mut times = Vec::with_capacity(RUNS);
    for i in 0..RUNS + 10 {
        if let Some(store) = change {
            store
                .tick_criterion(GoalId(1), 1, i % 2 == 0, now().with_timezone(&Utc))
                .await
                .unwrap();
        }
        let req = Request::get(path)
            .header(header::HOST, host)
            .header(header::COOKIE, cookie)
            .body(Body::empty())
            .unwrap();
        let t = Instant::now();
        let res = app.clone().oneshot(req).await.unwrap();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if i == 0 {
            let text = String::from_utf8_lossy(&body);
            let n = text.matches(expect).count();
            assert_eq!(n, GOALS, "{path}: {GOALS} goals expected, found {n}");
        }
        if i >= 10 {
            times.push(ms); // the first ten warm the caches
        }
    }
    times.sort_by(f64::total_cmp);
    times
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let serve = args
        .iter()
        .position(|a| a == "--serve")
        .and_then(|i| args.get(i + 1))
        .map(|a| a.parse::<SocketAddr>().expect("--serve IP:PORT"));
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("bench.db").display().to_string();
        let t = Instant::now();
        let store = journal(&url).await;
        eprintln!(
            "journal: {GOALS} goals, {SESSIONS} sessions in {:.1} s",
            t.elapsed().as_secs_f64()
        );
        let addr = serve.unwrap_or_else(|| "127.0.0.1:8765".parse().unwrap());
        let listener = match serve {
            Some(a) => Some(tokio::net::TcpListener::bind(a).await.unwrap()),
            None => None,
        };
        let addr = listener.as_ref().map(|l| l.local_addr().unwrap()).unwrap_or(addr);
        let state = AppState::new(store.clone(), Clock::Fixed(now()), addr);
        let (id, _) = state.sessions().open();
        let cookie = format!("mm_session={id}");
        if let Some(listener) = listener {
            println!(
                "wrk -t2 -c32 -d15s --latency -H 'Host: {addr}' -H 'Cookie: {cookie}' http://{addr}/api/v1/status"
            );
            mm_server::serve(listener, state, async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .unwrap();
            return;
        }
        let app = mm_server::router(state);
        let host = addr.to_string();
        for (name, path, expect, change) in [
            ("dashboard (HTML), unchanged", "/", "<article class=\"goal\"", None),
            ("dashboard (HTML), changed", "/", "<article class=\"goal\"", Some(&store)),
            ("status (JSON), unchanged", "/api/v1/status", "\"micro_skill\"", None),
            ("status (JSON), changed", "/api/v1/status", "\"micro_skill\"", Some(&store)),
        ] {
            let times = measure(&app, path, &cookie, expect, &host, change).await;
            println!(
                "{name:<30} {RUNS} runs  p50 {:>6.2} ms  p99 {:>6.2} ms  max {:>6.2} ms",
                percentile(&times, 0.5),
                percentile(&times, 0.99),
                times[times.len() - 1]
            );
        }
    });
}
