//! The demo journey: a small, realistic journal so a newcomer sees the loop
//! at once.
//!
//! Maya, an operations analyst, mastered pivot tables in two weeks (through
//! the mastery rule, with sessions, a real application and reflections), and
//! is now halfway through SQL joins.

use crate::{App, Error, Result};
use chrono::{DateTime, Duration, NaiveTime, Utc};
use mm_core::*;
use serde::Serialize;

const SPREADSHEETS: &str = "http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be";
const SQL: &str = "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742";

/// The demo journey as loaded.
#[derive(Debug, Clone, Serialize)]
pub struct Demo {
    /// The goal achieved through the mastery rule.
    pub achieved: GoalId,
    /// The goal in progress.
    pub in_progress: GoalId,
    #[serde(skip)]
    pub achieved_state: GoalState,
    /// Days to the in-progress goal's deadline.
    #[serde(skip)]
    pub days_to_go: i64,
}

/// Load the demo journey into an empty journal, dated back from today.
///
/// The journey is written into a scratch journal in memory first, then
/// imported in one transaction (validated as any import), so a failure
/// half-way leaves the journal as empty as it was. The person's settings
/// stay theirs.
///
/// # Errors
/// Conflict when the journal already holds records.
pub async fn load(app: &App) -> Result<Demo> {
    if !app.store().is_empty().await? {
        return Err(Error::conflict(format!(
            "the database {} already holds a journal; the demo needs a fresh one",
            app.store().location()
        )));
    }
    let scratch = App {
        store: mm_store::Store::open("sqlite::memory:").await?,
        person: app.person().clone(),
        memo: None,
        approvals: std::sync::Arc::default(),
    };
    let demo = write(&scratch).await?;
    let mut journal = scratch.store().export(app.person().now).await?;
    journal.settings.clear();
    app.store().import(&journal).await.map_err(|e| match e {
        mm_store::Error::Invalid(m) if m.contains("already holds") => Error::conflict(m),
        e => e.into(),
    })?;
    Ok(demo)
}

/// Write the journey straight into `app`'s journal, record by record: for
/// a team journal, which takes no import yet. Unlike [`load`], a failure
/// half-way leaves what was written.
///
/// # Errors
/// Conflict when the journal already holds records.
pub async fn write_into(app: &App) -> Result<Demo> {
    if !app.store().is_empty().await? {
        return Err(Error::conflict(format!(
            "the database {} already holds a journal; the demo needs a fresh one",
            app.store().location()
        )));
    }
    write(app).await
}

/// Write the journey into `app`'s (empty) journal.
async fn write(app: &App) -> Result<Demo> {
    let p = app.person();
    let today = p.today();
    // A moment on a day `ago` days back, at a local hour.
    let at = |ago: i64, h: u32, m: u32| -> Result<DateTime<Utc>> {
        let day = today - Duration::days(ago);
        p.to_utc(day.and_time(NaiveTime::from_hms_opt(h, m, 0).expect("valid time")))
    };
    let s = app.store();

    let excel = s
        .create_skill(
            &NewSkill {
                name: "use spreadsheets software".into(),
                kind: SkillKind::Skill,
                taxonomy_uri: Some(SPREADSHEETS.into()),
                description: Some(
                    "Excel for analysis: tables, formulas, pivot tables, charts".into(),
                ),
                held_level: Some(Level::AdvancedBeginner),
            },
            at(24, 9, 0)?,
        )
        .await?;
    let pivot = s.create_micro_skill(
        &NewMicroSkill {
            skill_id: excel.id,
            name: "Summarise a 10k-row sheet with a pivot table in under 5 minutes".into(),
            principles: vec![
                NewPrinciple { name: "aggregation".into(), description: Some("group rows, then summarise each group (sum, count, average)".into()) },
                NewPrinciple { name: "tidy data".into(), description: Some("one row per observation, one column per variable".into()) },
            ],
            resources: vec![Resource {
                url: "https://support.microsoft.com/en-us/office/create-a-pivottable-to-analyze-worksheet-data-a9a84538-bfe9-40a9-a8e9-f99134456576".into(),
                title: Some("Create a PivotTable to analyze worksheet data".into()),
            }],
        },
        at(24, 9, 5)?,
    ).await?;
    let start = today - Duration::days(23);
    let g1 = s
        .create_goal(
            &NewGoal {
                micro_skill_id: pivot.id,
                target_level: Level::Competent,
                start,
                deadline: start + Duration::days(13),
                weekly_minutes: 150,
                criteria: vec![
                    "Build a pivot of sales by region and month from raw data in under 5 minutes"
                        .into(),
                    "Add a calculated field (margin %) without looking it up".into(),
                    "Explain to a colleague why the source data must be tidy first".into(),
                ],
            },
            at(23, 8, 0)?,
            start,
        )
        .await?;
    let sessions = [
        (
            22,
            "build three pivots from the sample sales file",
            45,
            6,
            3,
            3,
            "slow at choosing rows vs columns",
        ),
        (
            20,
            "group dates by month and quarter",
            40,
            8,
            2,
            3,
            "grouping clicked after the third try",
        ),
        (
            17,
            "calculated fields: margin %",
            50,
            5,
            2,
            4,
            "needed the formula bar twice",
        ),
        (
            15,
            "timed run: raw export to finished pivot",
            45,
            4,
            0,
            2,
            "4m20s best time",
        ),
    ];
    let mut first_session = None;
    for (ago, aim, minutes, reps, errors, difficulty, feedback) in sessions {
        let started = at(ago, 7, 10)?;
        let sess = s
            .log_session(
                &NewSession {
                    goal_id: g1.id,
                    started_at: started,
                    ended_at: started + Duration::minutes(minutes + 5),
                    focused_minutes: minutes as u32,
                    interruptions: u32::from(ago == 20),
                    aim: aim.into(),
                    reps,
                    errors,
                    difficulty: Some(difficulty),
                    feedback: Some(feedback.into()),
                    notes: None,
                },
                started + Duration::minutes(minutes + 5),
            )
            .await?;
        first_session.get_or_insert(sess.id);
    }
    s.add_application(
        &NewApplication {
            goal_id: g1.id,
            at: at(16, 14, 0)?,
            context: "monthly regional sales review".into(),
            outcome: "built the region × month pivot live in the meeting instead of sending a static report".into(),
            impact: Some("the team agreed the Q4 stock plan in one meeting instead of two".into()),
            evidence: Some(Evidence::Link { url: "https://example.org/maya/sales-review-2026-11.xlsx".into() }),
        },
        at(16, 15, 0)?,
    ).await?;
    s.add_reflection(&NewReflection {
        target: ReflectionTarget::Session {
            id: first_session.expect("sessions were logged"),
        },
        at: at(22, 8, 0)?,
        worked: "Starting from a clean table made every pivot a drag-and-drop".into(),
        didnt: "I kept putting months in rows, which hid the trend".into(),
        next: "practise grouping dates".into(),
        principles: vec![pivot.principles[1].id],
    })
    .await?;
    s.add_reflection(&NewReflection {
        target: ReflectionTarget::Goal { id: g1.id },
        at: at(15, 19, 0)?,
        worked: "Thinking 'group, then summarise' told me what goes in rows and what in values"
            .into(),
        didnt: "Calculated fields still need a second look at the formula".into(),
        next: "SQL does the same aggregation on bigger data: learn joins and GROUP BY".into(),
        principles: vec![pivot.principles[0].id],
    })
    .await?;
    for n in 1..=3 {
        s.tick_criterion(g1.id, n, true, at(15, 18, 0)?).await?;
    }
    let sched = crate::refresh::scheduler(app).await?;
    let achieved_on = p.date_of(at(15, 19, 5)?);
    let (g1, report) = s
        .try_achieve_with_cards(g1.id, &p.rule, p.offset, at(15, 19, 5)?, |g, m| {
            crate::refresh::start_cards(&sched, g, m, achieved_on)
                .map_err(|e| mm_store::Error::Invalid(e.to_string()))
        })
        .await?;
    debug_assert!(report.achieved());

    let sql = s
        .create_skill(
            &NewSkill {
                name: "SQL".into(),
                kind: SkillKind::Knowledge,
                taxonomy_uri: Some(SQL.into()),
                description: Some("querying relational databases".into()),
                held_level: None,
            },
            at(6, 9, 0)?,
        )
        .await?;
    let joins = s
        .create_micro_skill(
            &NewMicroSkill {
                skill_id: sql.id,
                name: "Join three tables and aggregate with GROUP BY, without looking anything up"
                    .into(),
                principles: vec![
                    NewPrinciple {
                        name: "relational joins".into(),
                        description: Some(
                            "rows match on keys; inner vs left join decide what is kept".into(),
                        ),
                    },
                    NewPrinciple {
                        name: "aggregation".into(),
                        description: Some("GROUP BY is a pivot table's rows".into()),
                    },
                ],
                resources: vec![Resource {
                    url: "https://www.postgresql.org/docs/current/tutorial-join.html".into(),
                    title: Some("PostgreSQL tutorial: joins".into()),
                }],
            },
            at(6, 9, 5)?,
        )
        .await?;
    let start2 = today - Duration::days(5);
    let g2 = s
        .create_goal(
            &NewGoal {
                micro_skill_id: joins.id,
                target_level: Level::Competent,
                start: start2,
                deadline: start2 + Duration::days(13),
                weekly_minutes: 120,
                criteria: vec![
                    "Write a customers–orders–products query with totals per customer, first try"
                        .into(),
                    "Explain when a LEFT JOIN changes a count".into(),
                ],
            },
            at(5, 8, 0)?,
            start2,
        )
        .await?;
    for (ago, aim, minutes) in [
        (4, "inner joins on the sample shop database", 35),
        (2, "GROUP BY with HAVING", 30),
    ] {
        let started = at(ago, 7, 15)?;
        s.log_session(
            &NewSession {
                goal_id: g2.id,
                started_at: started,
                ended_at: started + Duration::minutes(minutes + 3),
                focused_minutes: minutes as u32,
                interruptions: 0,
                aim: aim.into(),
                reps: 5,
                errors: 2,
                difficulty: Some(3),
                feedback: None,
                notes: None,
            },
            started + Duration::minutes(minutes + 3),
        )
        .await?;
    }
    s.tick_criterion(g2.id, 2, true, at(2, 8, 0)?).await?;

    Ok(Demo {
        achieved: g1.id,
        in_progress: g2.id,
        achieved_state: g1.state,
        days_to_go: (g2.deadline - today).num_days(),
    })
}
