//! Goals: commit to one (on a micro-skill you have, or drafted from a
//! suggestion), list and show them with their pace and mastery conditions,
//! tick criteria, extend, abandon, and ask the mastery rule — which alone
//! marks a goal achieved, creating its refresher cards in the same
//! transaction.

use crate::{App, Error, Result};
use chrono::NaiveDate;
use mm_core::mastery::MasteryReport;
use mm_core::pace::{Pace, pace};
use mm_core::parse::{parse_date, parse_minutes};
use mm_core::*;
use mm_micro::{CatalogueMicroSkill, ParentRef};
use mm_taxonomy::Taxonomy;
use serde::Serialize;

/// Where a new goal's micro-skill comes from.
#[derive(Debug, Clone)]
pub enum MicroChoice {
    /// One the person has (id or exact name).
    Existing(String),
    /// A catalogue entry: its name, principles, criteria, budget and level
    /// fill the goal.
    Catalogue(Box<CatalogueMicroSkill>),
    /// An ESCO skill by URI: a micro-skill is drafted from its broader and
    /// related knowledge.
    Skill { uri: String },
}

/// What the person asked for; `None` takes the micro-skill's suggestion,
/// else the default (+2w, 2h a week, competent).
#[derive(Debug, Clone)]
pub struct NewGoalInput {
    pub micro: MicroChoice,
    /// A date (2026-12-08) or an offset (+2w).
    pub deadline: Option<String>,
    /// A duration (2h30m).
    pub weekly: Option<String>,
    pub done_when: Vec<String>,
    pub level: Option<Level>,
    /// When practice starts (`today`, a date, an offset).
    pub start: String,
}

/// How a suggestion's micro-skill was made.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Drafted {
    /// From a catalogue entry with this id.
    Catalogue { id: String },
    /// Drafted from the ESCO skill at this URI.
    Skill { uri: String },
}

/// A new goal, with the skill and micro-skill a suggestion wrote for it.
#[derive(Debug, Clone, Serialize)]
pub struct CreatedGoal {
    pub goal: Goal,
    pub micro_skill: MicroSkill,
    /// The parent skill, when a suggestion drafted the micro-skill.
    pub skill: Option<Skill>,
    pub drafted: Option<Drafted>,
}

/// A skill and micro-skill drafted from a suggestion, not written yet.
struct Draft {
    skill: NewSkill,
    micro: NewMicroSkill,
    reuse_micro: bool,
    done_when: Vec<String>,
    weeks: Option<u32>,
    weekly_minutes: Option<u32>,
    level: Option<Level>,
    drafted: Drafted,
}

fn taxonomy() -> Result<Taxonomy> {
    Taxonomy::load_embedded()
        .map_err(|e| Error::internal(format!("loading the shipped taxonomy: {e}")))
}

fn principles_of(m: &CatalogueMicroSkill) -> Vec<NewPrinciple> {
    m.principles
        .iter()
        .map(|p| NewPrinciple {
            name: p.name.clone(),
            description: p.description.clone(),
        })
        .collect()
}

fn draft_from_entry(tax: &Taxonomy, m: &CatalogueMicroSkill) -> Result<Draft> {
    let esco = m.esco_parents().next().and_then(|u| tax.skill_by_uri(u));
    let skill = match esco {
        Some(i) => {
            let s = tax.skill(i);
            NewSkill {
                name: s.preferred.clone(),
                kind: match s.skill_type {
                    mm_taxonomy::SkillType::Knowledge => SkillKind::Knowledge,
                    _ => SkillKind::Skill,
                },
                taxonomy_uri: Some(s.uri.clone()),
                description: (!s.description.is_empty()).then(|| s.description.clone()),
                held_level: None,
            }
        }
        None => NewSkill {
            name: m.parents.first().map_or_else(
                || m.name.clone(),
                |p| match p {
                    ParentRef::Esco(u) => u.clone(),
                    ParentRef::OnetTech(n) => format!("{n} (O*NET technology)"),
                    ParentRef::OnetTask(id) => tax
                        .onet_occupations
                        .iter()
                        .find(|o| o.tasks.iter().any(|t| t.id == *id))
                        .map_or_else(
                            || format!("O*NET task {id}"),
                            |o| format!("O*NET task {id} ({})", o.title),
                        ),
                },
            ),
            kind: SkillKind::Skill,
            taxonomy_uri: None,
            description: None,
            held_level: None,
        },
    };
    Ok(Draft {
        skill,
        micro: NewMicroSkill {
            skill_id: SkillId(0),
            name: m.name.clone(),
            principles: principles_of(m),
            resources: m
                .resources
                .iter()
                .map(|r| Resource {
                    url: r.url.clone(),
                    title: r.title.clone(),
                })
                .collect(),
        },
        reuse_micro: true,
        done_when: m.done_when.clone(),
        weeks: m.weeks,
        weekly_minutes: m.weekly_minutes(),
        level: Some(m.dreyfus),
        drafted: Drafted::Catalogue { id: m.id.clone() },
    })
}

fn draft_from_skill(tax: &Taxonomy, uri: &str) -> Result<Draft> {
    let skill = tax.skill_by_uri(uri).ok_or_else(|| {
        Error::invalid_field("from", format!("{uri:?} is not an ESCO skill URI we know"))
    })?;
    let d = mm_discover::draft::draft(tax, skill);
    Ok(Draft {
        skill: NewSkill {
            name: d.skill_label.clone(),
            kind: d.skill_type.parse().unwrap_or_default(),
            taxonomy_uri: Some(d.skill_uri.clone()),
            description: (!d.description.is_empty()).then(|| d.description.clone()),
            held_level: None,
        },
        micro: NewMicroSkill {
            skill_id: SkillId(0),
            name: d.micro_skill.clone(),
            principles: d
                .principles
                .iter()
                .map(|(n, desc)| NewPrinciple {
                    name: n.clone(),
                    description: (!desc.is_empty()).then(|| desc.clone()),
                })
                .collect(),
            resources: Vec::new(),
        },
        reuse_micro: false,
        done_when: vec![d.done_when],
        weeks: None,
        weekly_minutes: None,
        level: None,
        drafted: Drafted::Skill { uri: d.skill_uri },
    })
}

/// Commit to a goal. Everything is checked before anything is written; a
/// suggestion's skill, micro-skill and the goal are written in one
/// transaction, so a refused deadline leaves nothing behind.
///
/// # Errors
/// [`crate::ErrorKind::Invalid`] naming the field for a bad deadline,
/// budget, start or criterion; not found for an unknown micro-skill.
pub async fn new_goal(app: &App, input: NewGoalInput) -> Result<CreatedGoal> {
    match input.micro {
        MicroChoice::Existing(_) => create(app, None, input).await,
        _ => create(app, Some(&taxonomy()?), input).await,
    }
}

/// As [`new_goal`], with the shipped taxonomy already decoded (a server
/// giving many goals keeps one instead of decoding it for each).
///
/// # Errors
/// As [`new_goal`].
pub async fn new_goal_with(app: &App, tax: &Taxonomy, input: NewGoalInput) -> Result<CreatedGoal> {
    create(app, Some(tax), input).await
}

async fn create(app: &App, tax: Option<&Taxonomy>, input: NewGoalInput) -> Result<CreatedGoal> {
    let p = app.person();
    let today = p.today();
    let need_tax = || tax.ok_or_else(|| Error::internal("a suggestion without the taxonomy"));
    let draft = match &input.micro {
        MicroChoice::Existing(_) => None,
        MicroChoice::Catalogue(e) => Some(draft_from_entry(need_tax()?, e)?),
        MicroChoice::Skill { uri } => Some(draft_from_skill(need_tax()?, uri)?),
    };
    let field = |f: &'static str| move |e: mm_core::Error| Error::invalid_field(f, e.to_string());
    let deadline = match (&input.deadline, draft.as_ref().and_then(|d| d.weeks)) {
        (Some(d), _) => d.clone(),
        (None, Some(w)) => format!("+{w}w"),
        (None, None) => crate::commit::DEFAULT_DEADLINE.into(),
    };
    let weekly_minutes = match (&input.weekly, draft.as_ref().and_then(|d| d.weekly_minutes)) {
        (Some(w), _) => parse_minutes(w).map_err(field("weekly"))?,
        (None, Some(m)) => m,
        (None, None) => crate::commit::DEFAULT_WEEKLY_MINUTES,
    };
    let criteria = match (&draft, input.done_when.is_empty()) {
        (Some(d), true) => d.done_when.clone(),
        _ => input.done_when.clone(),
    };
    let goal = NewGoal {
        micro_skill_id: MicroSkillId(0),
        target_level: input
            .level
            .or(draft.as_ref().and_then(|d| d.level))
            .unwrap_or(crate::commit::DEFAULT_LEVEL),
        start: parse_date(&input.start, today).map_err(field("start"))?,
        deadline: parse_date(&deadline, today).map_err(field("deadline"))?,
        weekly_minutes,
        criteria,
    };
    goal.validate(today).map_err(|e| {
        // Which input is at fault, from the same checks in the same order.
        let f = if mm_core::validate::date("start", goal.start).is_err() {
            "start"
        } else if mm_core::validate::date("deadline", goal.deadline).is_err()
            || goal.deadline < today
            || goal.deadline < goal.start
        {
            "deadline"
        } else if mm_core::validate::weekly_budget(goal.weekly_minutes).is_err() {
            "weekly"
        } else {
            "done_when"
        };
        Error::invalid_field(f, e.to_string())
    })?;
    let store = app.store();
    match (draft, &input.micro) {
        (None, MicroChoice::Existing(key)) => {
            let micro = store.find_micro_skill(key).await?;
            let goal = store
                .create_goal(
                    &NewGoal {
                        micro_skill_id: micro.id,
                        ..goal
                    },
                    p.now,
                    today,
                )
                .await?;
            Ok(CreatedGoal {
                goal,
                micro_skill: micro,
                skill: None,
                drafted: None,
            })
        }
        (Some(d), _) => {
            let w = store
                .create_goal_with_skill(&d.skill, &d.micro, &goal, d.reuse_micro, p.now, today)
                .await?;
            Ok(CreatedGoal {
                goal: w.goal,
                micro_skill: w.micro_skill,
                skill: Some(w.skill),
                drafted: Some(d.drafted),
            })
        }
        (None, _) => Err(Error::internal("a suggestion without a draft")),
    }
}

/// One goal in the list, with its pace.
#[derive(Debug, Clone, Serialize)]
pub struct GoalRow {
    #[serde(flatten)]
    pub goal: Goal,
    #[serde(skip)]
    pub micro_skill: String,
    #[serde(skip)]
    pub pace: Pace,
}

/// Open goals (or all, with `all`), with their micro-skill and pace.
///
/// # Errors
/// When the journal cannot be read.
pub async fn list(app: &App, all: bool) -> Result<Vec<GoalRow>> {
    let store = app.store();
    let p = app.person();
    let sessions = store.list_sessions(None).await?;
    let micros = store.list_micro_skills(None).await?;
    Ok(store
        .list_goals()
        .await?
        .into_iter()
        .filter(|g| all || !g.state.is_closed())
        .map(|goal| GoalRow {
            micro_skill: micros
                .iter()
                .find(|m| m.id == goal.micro_skill_id)
                .map(|m| m.name.clone())
                .unwrap_or_default(),
            pace: pace(&goal, &sessions, p.today(), p.offset),
            goal,
        })
        .collect())
}

/// One goal: its micro-skill, pace and the mastery conditions.
#[derive(Debug, Clone, Serialize)]
pub struct GoalView {
    pub goal: Goal,
    pub micro_skill: MicroSkill,
    pub pace: Pace,
    pub mastery: MasteryReport,
    pub sessions: usize,
    pub applications: usize,
}

/// Show one goal.
///
/// # Errors
/// Not found for an unknown goal.
pub async fn show(app: &App, id: GoalId) -> Result<GoalView> {
    let p = app.person();
    let ev = app.store().goal_evidence(id).await?;
    Ok(GoalView {
        mastery: app.mastery(&ev),
        pace: pace(&ev.goal, &ev.sessions, p.today(), p.offset),
        sessions: ev.sessions.len(),
        applications: ev.applications.len(),
        goal: ev.goal,
        micro_skill: ev.micro_skill,
    })
}

/// Tick (or untick) criterion `n` (from 1).
///
/// # Errors
/// Invalid for a criterion number the goal does not have.
pub async fn tick(app: &App, id: GoalId, n: usize, met: bool) -> Result<Goal> {
    Ok(app
        .store()
        .tick_criterion(id, n, met, app.person().now)
        .await?)
}

/// Move the deadline to `to` (a date or an offset), keeping the reason.
///
/// # Errors
/// Invalid naming `to` for a date that is not one.
pub async fn extend(app: &App, id: GoalId, to: &str, reason: &str) -> Result<Goal> {
    let p = app.person();
    let new = parse_date(to, p.today()).map_err(|e| Error::invalid_field("to", e.to_string()))?;
    if reason.trim().is_empty() {
        return Err(Error::invalid_field(
            "reason",
            "say why the deadline moves: it is kept with the goal's history",
        ));
    }
    let goal = app.store().get_goal(id).await?;
    if !goal.state.is_closed() && new <= goal.deadline {
        return Err(Error::invalid_field(
            "to",
            format!(
                "{new} is not after the current deadline {}: an extension moves it later",
                goal.deadline
            ),
        ));
    }
    Ok(app.store().extend_goal(id, new, reason, p.now).await?)
}

/// Give a goal up, saying why.
///
/// # Errors
/// Invalid for a goal already closed or a blank reason.
pub async fn abandon(app: &App, id: GoalId, reason: &str) -> Result<Goal> {
    if reason.trim().is_empty() {
        return Err(Error::invalid_field(
            "reason",
            "say why the goal is given up: it is kept with the goal",
        ));
    }
    Ok(app
        .store()
        .abandon_goal(id, reason, app.person().now)
        .await?)
}

/// The mastery rule's answer on a goal.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub goal: GoalId,
    pub state: GoalState,
    pub achieved: bool,
    pub mastery: MasteryReport,
}

/// Ask the person's mastery rule whether the goal is achieved; when every
/// condition holds it is marked so, and its micro-skill and principles get
/// their refresher cards in the same transaction.
///
/// # Errors
/// Not found for an unknown goal; invalid for an abandoned one.
pub async fn check(app: &App, id: GoalId) -> Result<Check> {
    let p = app.person();
    if app.approvals().required(id) {
        // Only approved applications count: the store's check weighs them
        // all, so it runs only once the counted evidence passes on its own
        // (more evidence never fails a rule the counted part passes).
        let ev = app.store().goal_evidence(id).await?;
        let report = app.mastery(&ev);
        if !report.achieved() && ev.goal.state != GoalState::Abandoned {
            return Ok(Check {
                goal: id,
                state: ev.goal.state,
                achieved: false,
                mastery: report,
            });
        }
    }
    let sched = crate::refresh::scheduler(app).await?;
    let today = p.today();
    let (goal, report) = app
        .store()
        .try_achieve_with_cards(id, &p.rule, p.offset, p.now, |g, m| {
            crate::refresh::start_cards(&sched, g, m, today)
                .map_err(|e| mm_store::Error::Invalid(e.to_string()))
        })
        .await?;
    Ok(Check {
        goal: goal.id,
        state: goal.state,
        achieved: report.achieved(),
        mastery: report,
    })
}

/// The day a goal closed, in the person's zone.
pub fn closed_on(app: &App, g: &Goal) -> Option<NaiveDate> {
    g.closed_at.map(|t| app.person().date_of(t))
}

/// Everything a goal's page shows: the goal and its micro-skill, pace and
/// mastery conditions, every session, application and reflection that
/// counts for it, its plan, and the badges issued for it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GoalDetail {
    pub goal: Goal,
    pub micro_skill: MicroSkill,
    /// The parent skill's name.
    pub skill: String,
    /// The parent skill's taxonomy URI, when it has one.
    pub skill_uri: Option<String>,
    /// The goal's state today (a planned goal whose start has come is active).
    pub state: GoalState,
    pub pace: Pace,
    pub mastery: MasteryReport,
    /// Sessions, oldest first.
    pub sessions: Vec<Session>,
    /// Applications, oldest first.
    pub applications: Vec<Application>,
    /// Reflections about the goal or one of its sessions, and those that speak
    /// of one of its principles, oldest first.
    pub reflections: Vec<Reflection>,
    /// The goal's principles some reflection covers (the mastery rule counts
    /// every reflection, whatever it is about).
    pub reflected: Vec<PrincipleId>,
    /// The plan, once one was made.
    pub plan: Option<mm_core::plan::Plan>,
    /// When the person can practise (a plan needs it), as they would write
    /// it, with its time zone: `mon-fri 07:00-07:40 (Europe/Paris)`.
    pub availability: Option<String>,
    /// Badges issued for the goal.
    pub badges: Vec<crate::badges::BadgeSummary>,
}

/// One goal with everything its page shows.
///
/// # Errors
/// Not found for an unknown goal.
pub async fn detail(app: &App, id: GoalId) -> Result<GoalDetail> {
    let p = app.person();
    let store = app.store();
    let ev = store.goal_evidence(id).await?;
    let skill = store.get_skill(ev.micro_skill.skill_id).await?;
    let session_ids: Vec<SessionId> = ev.sessions.iter().map(|s| s.id).collect();
    let reflections = ev
        .reflections
        .iter()
        .filter(|r| match r.target {
            ReflectionTarget::Goal { id: g } => g == id,
            ReflectionTarget::Session { id: s } => session_ids.contains(&s),
            ReflectionTarget::Week { .. } => ev.micro_skill.principles.iter().any(|p| r.covers(p)),
        })
        .cloned()
        .collect();
    let reflected = ev
        .micro_skill
        .principles
        .iter()
        .filter(|p| ev.reflections.iter().any(|r| r.covers(p)))
        .map(|p| p.id)
        .collect();
    let badges = crate::badges::list(app)
        .await?
        .into_iter()
        .filter(|b| b.goal == id)
        .collect();
    Ok(GoalDetail {
        mastery: app.mastery(&ev),
        pace: pace(&ev.goal, &ev.sessions, p.today(), p.offset),
        state: ev.goal.state_on(p.today()),
        plan: store.get_plan(id).await?,
        availability: p
            .availability
            .as_ref()
            .map(|a| format!("{} ({})", a.describe(), a.tz)),
        skill: skill.name,
        skill_uri: skill.taxonomy_uri,
        sessions: ev.sessions,
        applications: ev.applications,
        reflections,
        reflected,
        badges,
        goal: ev.goal,
        micro_skill: ev.micro_skill,
    })
}
