//! What the server's test binaries share: one open goal with one session,
//! seeded through the store as a person would have made it, and the checks
//! of a committed OpenAPI document.
#![allow(dead_code)]

use chrono::{DateTime, Duration, Utc};
use mm_core::*;

/// Seed `store` (empty) with the skill "SQL", the micro-skill "Write a left
/// join", and goal 1 on it (started 3 days before `t`, 10 days to go, one
/// criterion) with one 40-minute session that ended `session_ended` before
/// `t`.
pub async fn one_goal(
    store: &mm_store::Store,
    t: DateTime<Utc>,
    weekly_minutes: u32,
    session_ended: Duration,
) {
    let today = t.date_naive();
    let skill = store
        .create_skill(
            &NewSkill {
                name: "SQL".into(),
                kind: SkillKind::Skill,
                taxonomy_uri: None,
                description: None,
                held_level: None,
            },
            t - Duration::days(5),
        )
        .await
        .unwrap();
    let micro = store
        .create_micro_skill(
            &NewMicroSkill {
                skill_id: skill.id,
                name: "Write a left join".into(),
                principles: vec![NewPrinciple {
                    name: "join keys".into(),
                    description: None,
                }],
                resources: vec![],
            },
            t - Duration::days(5),
        )
        .await
        .unwrap();
    let goal = store
        .create_goal(
            &NewGoal {
                micro_skill_id: micro.id,
                target_level: Level::Competent,
                start: today - Duration::days(3),
                deadline: today + Duration::days(10),
                weekly_minutes,
                criteria: vec!["join two tables without looking it up".into()],
            },
            t - Duration::days(4),
            today - Duration::days(4),
        )
        .await
        .unwrap();
    store.activate_due_goals(today).await.unwrap();
    store
        .log_session(
            &NewSession {
                goal_id: goal.id,
                started_at: t - session_ended - Duration::hours(1),
                ended_at: t - session_ended,
                focused_minutes: 40,
                interruptions: 0,
                aim: "joins".into(),
                reps: 5,
                errors: 1,
                difficulty: Some(3),
                feedback: None,
                notes: None,
            },
            t,
        )
        .await
        .unwrap();
}

/// Every `$ref` in an OpenAPI document (or part of one).
pub fn refs<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r);
            }
            m.values().for_each(|v| refs(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// `generated` is what `docs/<file>` holds; `MM_BLESS=1` rewrites the file
/// instead (review the diff). Returns whether it compared.
pub fn matches_committed(generated: &str, file: &str) -> bool {
    let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs")
        .join(file);
    if std::env::var_os("MM_BLESS").is_some() {
        std::fs::write(&committed, generated).unwrap();
        return false;
    }
    let on_disk = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        on_disk == generated,
        "docs/{file} differs from the API the code serves; rerun with MM_BLESS=1 to rewrite it, and review the diff"
    );
    true
}

/// The `name=value` of a response's first `Set-Cookie` (its attributes
/// dropped), as a browser sends it back.
pub fn cookie_pair(headers: &axum::http::HeaderMap) -> String {
    let set = headers[axum::http::header::SET_COOKIE].to_str().unwrap();
    set.split(';').next().unwrap().to_owned()
}
