//! Committing to a suggestion: what a suggestion (a catalogue id, a rank of
//! the last ranking, or an ESCO skill URI) makes of a goal — the micro-skill
//! it brings and the form it fills — and the goal itself. `mm goal new
//! --from` and the web app's discover page both go through here.
//!
//! ```no_run
//! # async fn demo(app: &mm_app::App, tax: &mm_taxonomy::Taxonomy) -> mm_app::Result<()> {
//! let form = mm_app::commit::form(app, tax, "1").await?;
//! println!("{}: done when {:?}", form.micro_skill, form.done_when);
//! # Ok(()) }
//! ```

use crate::goals::{Drafted, MicroChoice};
use crate::{App, Result};
use mm_core::Level;
use mm_core::parse::format_minutes;
use mm_taxonomy::Taxonomy;
use serde::Serialize;

/// A new goal's deadline when neither the person nor the suggestion says.
pub const DEFAULT_DEADLINE: &str = "+2w";
/// A new goal's weekly budget when neither the person nor the suggestion says.
pub const DEFAULT_WEEKLY_MINUTES: u32 = 120;
/// A new goal's target level when neither the person nor the suggestion says.
pub const DEFAULT_LEVEL: Level = Level::Competent;

/// The micro-skill a suggestion brings: its catalogue micro-skill when it
/// has one (an id, or the best curated micro-skill of the ranked skill),
/// else one drafted from the ESCO skill.
///
/// # Errors
/// Not found (what: `suggestion list`) for a rank without a last ranking;
/// invalid (field `from`) for a rank not in it or text that is no rank,
/// URI or catalogue id.
pub async fn micro_choice(app: &App, tax: &Taxonomy, from: &str) -> Result<MicroChoice> {
    if let Some(e) = crate::catalogue::entry_for_suggestion(app, tax, from).await? {
        return Ok(MicroChoice::Catalogue(Box::new(e)));
    }
    let s = crate::discover::suggestion(app, tax, from).await?;
    Ok(MicroChoice::Skill {
        uri: s.draft.skill_uri,
    })
}

/// The goal form a suggestion fills: what it will create, and the values a
/// person may change before committing.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GoalForm {
    /// The suggestion, as given (send it back with the form).
    pub from: String,
    /// The parent skill (found among the person's, or created).
    pub skill: String,
    /// The micro-skill the goal masters.
    pub micro_skill: String,
    /// Its underlying principles.
    pub principles: Vec<String>,
    /// Observable done-when criteria.
    pub done_when: Vec<String>,
    /// A date or an offset (`+3w`).
    pub deadline: String,
    /// A duration (`2h`).
    pub weekly: String,
    /// 1 (novice) to 5 (expert).
    pub level: u8,
    /// Where the micro-skill comes from.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub drafted: Drafted,
}

/// The form a suggestion fills. Nothing is written.
///
/// # Errors
/// As [`micro_choice`].
pub async fn form(app: &App, tax: &Taxonomy, from: &str) -> Result<GoalForm> {
    let from = from.trim().to_owned();
    Ok(match micro_choice(app, tax, &from).await? {
        MicroChoice::Catalogue(m) => {
            let skill = crate::catalogue::skill_for_entry(tax, &m);
            GoalForm {
                skill: skill.name,
                micro_skill: m.name.clone(),
                principles: m.principles.iter().map(|p| p.name.clone()).collect(),
                done_when: m.done_when.clone(),
                deadline: m
                    .weeks
                    .map_or_else(|| DEFAULT_DEADLINE.to_owned(), |w| format!("+{w}w")),
                weekly: format_minutes(m.weekly_minutes().unwrap_or(DEFAULT_WEEKLY_MINUTES)),
                level: m.dreyfus.number(),
                drafted: Drafted::Catalogue { id: m.id.clone() },
                from,
            }
        }
        MicroChoice::Skill { uri } => {
            let idx = tax.skill_by_uri(&uri).ok_or_else(|| {
                crate::Error::invalid_field(
                    "from",
                    format!("{uri:?} is not an ESCO skill URI we know"),
                )
            })?;
            let d = mm_discover::draft::draft(tax, idx);
            GoalForm {
                skill: d.skill_label,
                micro_skill: d.micro_skill,
                principles: d.principles.into_iter().map(|(n, _)| n).collect(),
                done_when: vec![d.done_when],
                deadline: DEFAULT_DEADLINE.to_owned(),
                weekly: format_minutes(DEFAULT_WEEKLY_MINUTES),
                level: DEFAULT_LEVEL.number(),
                drafted: Drafted::Skill { uri: d.skill_uri },
                from,
            }
        }
        MicroChoice::Existing(_) => {
            return Err(crate::Error::internal(
                "a suggestion named an existing micro-skill",
            ));
        }
    })
}

/// What a person sends back: the suggestion and the values they kept or
/// changed; `None` keeps the suggestion's.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommitInput {
    /// A catalogue id, a rank of the last ranking, or an ESCO skill URI.
    pub from: String,
    pub deadline: Option<String>,
    pub weekly: Option<String>,
    /// Done-when criteria; empty keeps the suggestion's.
    #[serde(default)]
    pub done_when: Vec<String>,
    /// 1–5 or novice..expert.
    pub level: Option<String>,
    /// When practice starts (default today).
    pub start: Option<String>,
}

/// Commit to a suggestion: its skill, micro-skill and the goal, written in
/// one transaction after every value is checked.
///
/// # Errors
/// As [`micro_choice`]; invalid naming the field for a bad deadline,
/// budget, level, start or criterion.
pub async fn commit(
    app: &App,
    tax: &Taxonomy,
    input: CommitInput,
) -> Result<crate::goals::CreatedGoal> {
    let level = input
        .level
        .as_deref()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::parse::<Level>)
        .transpose()
        .map_err(|e| crate::Error::invalid_field("level", e.to_string()))?;
    let micro = micro_choice(app, tax, &input.from).await?;
    let keep = |s: Option<String>| s.filter(|s| !s.trim().is_empty());
    crate::goals::new_goal(
        app,
        crate::goals::NewGoalInput {
            micro,
            deadline: keep(input.deadline),
            weekly: keep(input.weekly),
            done_when: input
                .done_when
                .into_iter()
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .collect(),
            level,
            start: keep(input.start).unwrap_or_else(|| "today".into()),
        },
    )
    .await
}
