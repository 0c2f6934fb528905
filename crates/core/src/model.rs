//! The records a person keeps: what they set out to master and what they did.

use crate::error::{Error, Result};
use crate::ids::*;
use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What kind of competence a skill is (ESCO's skill types, plus custom).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SkillKind {
    /// A skill or competence: something one does.
    #[default]
    Skill,
    /// Knowledge: something one knows.
    Knowledge,
    /// A transversal skill that carries across occupations.
    Transversal,
}

impl SkillKind {
    /// The stable name used in storage and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            SkillKind::Skill => "skill",
            SkillKind::Knowledge => "knowledge",
            SkillKind::Transversal => "transversal",
        }
    }
}

impl std::str::FromStr for SkillKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "skill" | "skill/competence" | "competence" => Ok(SkillKind::Skill),
            "knowledge" => Ok(SkillKind::Knowledge),
            "transversal" => Ok(SkillKind::Transversal),
            other => Err(Error::invalid(format!(
                "unknown skill kind {other:?}: use skill, knowledge or transversal"
            ))),
        }
    }
}

/// Proficiency on the Dreyfus scale, 1 (novice) to 5 (expert).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum Level {
    /// 1: follows rules without context.
    Novice = 1,
    /// 2: starts to recognise situations.
    AdvancedBeginner = 2,
    /// 3: plans deliberately, chooses what matters.
    Competent = 3,
    /// 4: sees the whole, acts on intuition with some analysis.
    Proficient = 4,
    /// 5: acts fluidly from deep understanding.
    Expert = 5,
}

impl Level {
    /// The level as its number 1–5.
    pub fn number(self) -> u8 {
        self as u8
    }
    /// Human name of the level.
    pub fn name(self) -> &'static str {
        match self {
            Level::Novice => "novice",
            Level::AdvancedBeginner => "advanced beginner",
            Level::Competent => "competent",
            Level::Proficient => "proficient",
            Level::Expert => "expert",
        }
    }
}

impl TryFrom<u8> for Level {
    type Error = Error;
    fn try_from(n: u8) -> Result<Self> {
        Ok(match n {
            1 => Level::Novice,
            2 => Level::AdvancedBeginner,
            3 => Level::Competent,
            4 => Level::Proficient,
            5 => Level::Expert,
            _ => {
                return Err(Error::invalid(format!(
                    "level {n} is off the Dreyfus scale: use 1 (novice) to 5 (expert)"
                )));
            }
        })
    }
}

impl From<Level> for u8 {
    fn from(l: Level) -> u8 {
        l as u8
    }
}

impl std::str::FromStr for Level {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_lowercase();
        if let Ok(n) = t.parse::<u8>() {
            return Level::try_from(n);
        }
        match t.replace(['-', '_'], " ").as_str() {
            "novice" => Ok(Level::Novice),
            "advanced beginner" | "beginner" => Ok(Level::AdvancedBeginner),
            "competent" => Ok(Level::Competent),
            "proficient" => Ok(Level::Proficient),
            "expert" => Ok(Level::Expert),
            _ => Err(Error::invalid(format!(
                "unknown level {s:?}: use 1-5 or novice, advanced-beginner, competent, proficient, expert"
            ))),
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.number(), self.name())
    }
}

/// A skill: a taxonomy concept (ESCO URI, O*NET element) or a custom one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skill {
    pub id: SkillId,
    pub name: String,
    pub kind: SkillKind,
    /// The taxonomy concept this skill stands for, if any (an ESCO URI, say).
    pub taxonomy_uri: Option<String>,
    pub description: Option<String>,
    /// The level the person says they already hold, if they declared one.
    pub held_level: Option<Level>,
    pub created_at: DateTime<Utc>,
}

/// What is needed to record a new skill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewSkill {
    pub name: String,
    pub kind: SkillKind,
    pub taxonomy_uri: Option<String>,
    pub description: Option<String>,
    pub held_level: Option<Level>,
}

impl NewSkill {
    /// Check the input: a name that is not blank, a taxonomy reference that is a URI.
    pub fn validate(&self) -> Result<()> {
        non_blank("skill name", &self.name)?;
        crate::validate::name("skill name", &self.name)?;
        for t in [&self.taxonomy_uri, &self.description]
            .into_iter()
            .flatten()
        {
            crate::validate::text("skill description", t)?;
        }
        if let Some(uri) = &self.taxonomy_uri
            && !looks_like_uri(uri)
        {
            return Err(Error::invalid(format!(
                "taxonomy reference {uri:?} is not a URI (expected e.g. http://data.europa.eu/esco/skill/...)"
            )));
        }
        Ok(())
    }
}

/// An underlying principle: the concept that keeps mastery from being shallow.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Principle {
    pub id: PrincipleId,
    pub name: String,
    pub description: Option<String>,
}

/// A link to a learning resource.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub url: String,
    pub title: Option<String>,
}

/// A narrow, observable capability carved from a broader skill.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MicroSkill {
    pub id: MicroSkillId,
    pub skill_id: SkillId,
    pub name: String,
    pub principles: Vec<Principle>,
    pub resources: Vec<Resource>,
    pub created_at: DateTime<Utc>,
}

/// A principle before it is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewPrinciple {
    pub name: String,
    pub description: Option<String>,
}

/// What is needed to record a new micro-skill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewMicroSkill {
    pub skill_id: SkillId,
    pub name: String,
    pub principles: Vec<NewPrinciple>,
    pub resources: Vec<Resource>,
}

impl NewMicroSkill {
    /// A micro-skill needs a capability and at least one underlying principle.
    pub fn validate(&self) -> Result<()> {
        non_blank("micro-skill", &self.name)?;
        crate::validate::name("micro-skill", &self.name)?;
        if self.principles.is_empty() {
            return Err(Error::invalid(
                "a micro-skill needs at least one underlying principle, so that practice \
                 builds understanding, not just a trick",
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for p in &self.principles {
            non_blank("principle", &p.name)?;
            crate::validate::name("principle", &p.name)?;
            if let Some(d) = &p.description {
                crate::validate::text("principle description", d)?;
            }
            if !seen.insert(p.name.trim().to_lowercase()) {
                return Err(Error::invalid(format!(
                    "principle {:?} is listed twice",
                    p.name
                )));
            }
        }
        for r in &self.resources {
            if let Some(t) = &r.title {
                crate::validate::text("resource title", t)?;
            }
            if !looks_like_uri(&r.url) {
                return Err(Error::invalid(format!(
                    "resource {:?} is not a link (expected https://...)",
                    r.url
                )));
            }
        }
        Ok(())
    }
}

/// Where a goal is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GoalState {
    /// Committed to, starting on a later day.
    Planned,
    /// Being worked on.
    Active,
    /// Passed the mastery rule.
    Achieved,
    /// Given up, with a reason.
    Abandoned,
}

impl GoalState {
    /// The stable name used in storage and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            GoalState::Planned => "planned",
            GoalState::Active => "active",
            GoalState::Achieved => "achieved",
            GoalState::Abandoned => "abandoned",
        }
    }
    /// Whether the goal is finished one way or the other.
    pub fn is_closed(self) -> bool {
        matches!(self, GoalState::Achieved | GoalState::Abandoned)
    }
}

impl std::str::FromStr for GoalState {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "planned" => Ok(GoalState::Planned),
            "active" => Ok(GoalState::Active),
            "achieved" => Ok(GoalState::Achieved),
            "abandoned" => Ok(GoalState::Abandoned),
            _ => Err(Error::invalid(format!("unknown goal state {s:?}"))),
        }
    }
}

impl fmt::Display for GoalState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One observable done-when criterion, ticked on its own.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub id: CriterionId,
    pub text: String,
    /// When it was ticked; `None` while it is not met.
    pub met_at: Option<DateTime<Utc>>,
}

/// A recorded change of deadline: the old one is kept, never rewritten.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub at: DateTime<Utc>,
    pub old_deadline: NaiveDate,
    pub new_deadline: NaiveDate,
    pub reason: String,
}

/// A clear, time-bound commitment to master one micro-skill.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    pub id: GoalId,
    pub micro_skill_id: MicroSkillId,
    /// The Dreyfus level aimed at, 1 (novice) to 5 (expert).
    #[cfg_attr(feature = "openapi", schema(value_type = u8, minimum = 1, maximum = 5))]
    pub target_level: Level,
    pub state: GoalState,
    pub start: NaiveDate,
    pub deadline: NaiveDate,
    pub weekly_minutes: u32,
    pub criteria: Vec<Criterion>,
    pub extensions: Vec<Extension>,
    pub created_at: DateTime<Utc>,
    /// When the goal was achieved or abandoned.
    pub closed_at: Option<DateTime<Utc>>,
    /// Why it was abandoned.
    pub abandon_reason: Option<String>,
}

impl Goal {
    /// The deadline first committed to, before any extension.
    pub fn original_deadline(&self) -> NaiveDate {
        self.extensions
            .first()
            .map_or(self.deadline, |e| e.old_deadline)
    }

    /// Days from start to the deadline, counting both ends.
    pub fn span_days(&self) -> i64 {
        (self.deadline - self.start).num_days() + 1
    }

    /// Minutes of practice the plan calls for: the weekly budget over the
    /// originally committed span (an extension does not raise the bar).
    pub fn planned_minutes(&self) -> u32 {
        let days = (self.original_deadline() - self.start).num_days() + 1;
        ((self.weekly_minutes as f64) * (days.max(1) as f64) / 7.0).round() as u32
    }

    /// The state as of `today`: a planned goal whose start has come is active.
    pub fn state_on(&self, today: NaiveDate) -> GoalState {
        match self.state {
            GoalState::Planned if self.start <= today => GoalState::Active,
            s => s,
        }
    }

    /// Check that a new deadline can replace the current one.
    pub fn check_extension(&self, new_deadline: NaiveDate, reason: &str) -> Result<()> {
        if self.state.is_closed() {
            return Err(Error::invalid(format!(
                "goal {} is {}: only an open goal can be extended",
                self.id, self.state
            )));
        }
        non_blank("reason for the extension", reason)?;
        if new_deadline <= self.deadline {
            return Err(Error::invalid(format!(
                "the new deadline {new_deadline} must be after the current one, {}",
                self.deadline
            )));
        }
        Ok(())
    }
}

/// What is needed to commit to a new goal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewGoal {
    pub micro_skill_id: MicroSkillId,
    pub target_level: Level,
    pub start: NaiveDate,
    pub deadline: NaiveDate,
    pub weekly_minutes: u32,
    pub criteria: Vec<String>,
}

impl NewGoal {
    /// A goal needs a deadline after its start and not in the past, a
    /// positive weekly budget and at least one done-when criterion.
    pub fn validate(&self, today: NaiveDate) -> Result<()> {
        crate::validate::date("start", self.start)?;
        crate::validate::date("deadline", self.deadline)?;
        if self.deadline < today {
            return Err(Error::invalid(format!(
                "the deadline {} is in the past (today is {today})",
                self.deadline
            )));
        }
        if self.deadline < self.start {
            return Err(Error::invalid(format!(
                "the deadline {} comes before the start {}",
                self.deadline, self.start
            )));
        }
        crate::validate::weekly_budget(self.weekly_minutes)?;
        if self.criteria.is_empty() {
            return Err(Error::invalid(
                "a goal needs at least one observable done-when criterion",
            ));
        }
        for c in &self.criteria {
            non_blank("done-when criterion", c)?;
            crate::validate::text("done-when criterion", c)?;
        }
        Ok(())
    }

    /// The state a goal starts in: active if it starts today or earlier.
    pub fn initial_state(&self, today: NaiveDate) -> GoalState {
        if self.start <= today {
            GoalState::Active
        } else {
            GoalState::Planned
        }
    }
}

/// One focused, deliberate practice session.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub id: SessionId,
    pub goal_id: GoalId,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub focused_minutes: u32,
    pub interruptions: u32,
    /// The specific aim of this session.
    pub aim: String,
    pub reps: u32,
    pub errors: u32,
    /// How hard it felt, 1 (easy) to 5 (very hard).
    pub difficulty: Option<u8>,
    pub feedback: Option<String>,
    pub notes: Option<String>,
}

/// A practice session before it is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewSession {
    pub goal_id: GoalId,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    pub focused_minutes: u32,
    pub interruptions: u32,
    pub aim: String,
    pub reps: u32,
    pub errors: u32,
    pub difficulty: Option<u8>,
    pub feedback: Option<String>,
    pub notes: Option<String>,
}

impl NewSession {
    /// A session has a positive length that holds its focused minutes, an aim,
    /// errors that do not exceed reps where reps are counted, and a difficulty 1–5.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<()> {
        if self.focused_minutes == 0 {
            return Err(Error::invalid(
                "a session needs more than zero focused minutes",
            ));
        }
        if self.ended_at <= self.started_at {
            return Err(Error::invalid("a session must end after it starts"));
        }
        crate::validate::session_span(self.started_at, self.ended_at)?;
        if self.started_at > now {
            return Err(Error::invalid(format!(
                "the session starts in the future ({}); log practice after it happened",
                self.started_at.format("%Y-%m-%d %H:%M UTC")
            )));
        }
        let span = (self.ended_at - self.started_at).num_seconds();
        if i64::from(self.focused_minutes) * 60 > span + 59 {
            return Err(Error::invalid(format!(
                "{} focused minutes do not fit in a session of {} minutes",
                self.focused_minutes,
                span / 60
            )));
        }
        non_blank("session aim", &self.aim)?;
        crate::validate::text("session aim", &self.aim)?;
        for t in [&self.feedback, &self.notes].into_iter().flatten() {
            crate::validate::text("session notes", t)?;
        }
        if let Some(d) = self.difficulty
            && !(1..=5).contains(&d)
        {
            return Err(Error::invalid(format!("difficulty {d} is not 1 to 5")));
        }
        Ok(())
    }
}

/// Evidence that an application happened.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Evidence {
    /// A link to the work.
    Link { url: String },
    /// A file, kept by the person, identified by its SHA-256.
    File { name: String, sha256: String },
}

impl Evidence {
    /// A link that is a URI, or a file hash that is a SHA-256 hex digest.
    ///
    /// # Errors
    /// [`Error::Invalid`] saying which.
    pub fn validate(&self) -> Result<()> {
        match self {
            Evidence::Link { url } if !looks_like_uri(url) => {
                Err(Error::invalid(format!("evidence {url:?} is not a link")))
            }
            Evidence::File { sha256, .. }
                if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                Err(Error::invalid("evidence hash is not a SHA-256 hex digest"))
            }
            _ => Ok(()),
        }
    }
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Evidence::Link { url } => f.write_str(url),
            Evidence::File { name, sha256 } => {
                let short: String = sha256.chars().take(12).collect();
                write!(f, "{name} (sha256 {short})")
            }
        }
    }
}

/// A real use of the skill at work or in life.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Application {
    pub id: ApplicationId,
    pub goal_id: GoalId,
    pub at: DateTime<Utc>,
    /// Where it was applied (project, meeting, team...).
    pub context: String,
    pub outcome: String,
    pub impact: Option<String>,
    pub evidence: Option<Evidence>,
}

/// An application before it is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewApplication {
    pub goal_id: GoalId,
    pub at: DateTime<Utc>,
    pub context: String,
    pub outcome: String,
    pub impact: Option<String>,
    pub evidence: Option<Evidence>,
}

impl NewApplication {
    /// An application names where it happened and what came of it.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<()> {
        non_blank("place where the skill was applied", &self.context)?;
        non_blank("outcome", &self.outcome)?;
        crate::validate::moment("application time", self.at)?;
        for t in [&self.context, &self.outcome]
            .into_iter()
            .chain(self.impact.as_ref())
        {
            crate::validate::text("application", t)?;
        }
        match &self.evidence {
            Some(Evidence::File { name, .. }) => crate::validate::name("evidence file name", name)?,
            Some(Evidence::Link { url }) => crate::validate::name("evidence link", url)?,
            None => {}
        }
        if self.at > now {
            return Err(Error::invalid("an application cannot be in the future"));
        }
        if let Some(e) = &self.evidence {
            e.validate()?;
        }
        Ok(())
    }
}

/// An ISO week, as reflections and reviews use it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Week {
    pub year: i32,
    pub week: u32,
}

impl Week {
    /// The ISO week a date falls in.
    pub fn of(date: NaiveDate) -> Week {
        let w = date.iso_week();
        Week {
            year: w.year(),
            week: w.week(),
        }
    }
    /// Its Monday.
    pub fn monday(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, chrono::Weekday::Mon)
            .unwrap_or(NaiveDate::MIN)
    }
}

impl fmt::Display for Week {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

impl std::str::FromStr for Week {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        let bad = || Error::invalid(format!("{s:?} is not an ISO week like 2026-W48"));
        let (y, w) = s.split_once("-W").ok_or_else(bad)?;
        let year: i32 = y.parse().map_err(|_| bad())?;
        let week: u32 = w.parse().map_err(|_| bad())?;
        NaiveDate::from_isoywd_opt(year, week, chrono::Weekday::Mon).ok_or_else(bad)?;
        Ok(Week { year, week })
    }
}

/// What a reflection looks back on.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "on", rename_all = "snake_case")]
pub enum ReflectionTarget {
    Session { id: SessionId },
    Goal { id: GoalId },
    Week { week: Week },
}

/// Looking back: what worked, what did not, what next.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reflection {
    pub id: ReflectionId,
    pub target: ReflectionTarget,
    pub at: DateTime<Utc>,
    pub worked: String,
    pub didnt: String,
    pub next: String,
    /// Principles this reflection explicitly addresses.
    pub principles: Vec<PrincipleId>,
}

/// A reflection before it is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewReflection {
    pub target: ReflectionTarget,
    pub at: DateTime<Utc>,
    pub worked: String,
    pub didnt: String,
    pub next: String,
    pub principles: Vec<PrincipleId>,
}

impl NewReflection {
    /// A reflection says something in at least one of its three parts.
    pub fn validate(&self) -> Result<()> {
        crate::validate::moment("reflection time", self.at)?;
        if let ReflectionTarget::Week { week } = self.target {
            crate::validate::week(week)?;
        }
        for t in [&self.worked, &self.didnt, &self.next] {
            crate::validate::text("reflection", t)?;
        }
        if [&self.worked, &self.didnt, &self.next]
            .iter()
            .all(|s| s.trim().is_empty())
        {
            return Err(Error::invalid(
                "a reflection needs at least one of what worked, what did not, or what to do next",
            ));
        }
        Ok(())
    }
}

impl Reflection {
    /// Whether this reflection addresses a principle: tagged explicitly, or
    /// naming it in its text (case-insensitive).
    pub fn covers(&self, p: &Principle) -> bool {
        if self.principles.contains(&p.id) {
            return true;
        }
        let needle = p.name.trim().to_lowercase();
        !needle.is_empty()
            && [&self.worked, &self.didnt, &self.next]
                .iter()
                .any(|t| t.to_lowercase().contains(&needle))
    }
}

/// The local calendar date of an instant, in the person's offset.
pub fn local_date(at: DateTime<Utc>, offset: FixedOffset) -> NaiveDate {
    at.with_timezone(&offset).date_naive()
}

fn non_blank(what: &str, s: &str) -> Result<()> {
    if s.trim().is_empty() {
        Err(Error::invalid(format!("the {what} must not be empty")))
    } else {
        Ok(())
    }
}

fn looks_like_uri(s: &str) -> bool {
    match s.split_once(':') {
        Some((scheme, rest)) => {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && scheme
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic())
                && !rest.is_empty()
                && !s.chars().any(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micro_skill_without_principle_is_refused() {
        let m = NewMicroSkill {
            skill_id: SkillId(1),
            name: "build a pivot table".into(),
            principles: vec![],
            resources: vec![],
        };
        let err = m.validate().unwrap_err().to_string();
        assert!(err.contains("at least one underlying principle"), "{err}");
    }

    #[test]
    fn level_parses_numbers_and_names() {
        assert_eq!("3".parse::<Level>().unwrap(), Level::Competent);
        assert_eq!(
            "advanced-beginner".parse::<Level>().unwrap(),
            Level::AdvancedBeginner
        );
        assert!("6".parse::<Level>().is_err());
        assert!("guru".parse::<Level>().is_err());
    }

    #[test]
    fn week_round_trips() {
        let w: Week = "2026-W48".parse().unwrap();
        assert_eq!(w.to_string(), "2026-W48");
        assert_eq!(w.monday(), NaiveDate::from_ymd_opt(2026, 11, 23).unwrap());
        assert!("2026-W54".parse::<Week>().is_err());
    }

    #[test]
    fn uri_check() {
        assert!(looks_like_uri("http://data.europa.eu/esco/skill/abc"));
        assert!(looks_like_uri("urn:uuid:1234"));
        assert!(!looks_like_uri("pivot tables"));
        assert!(!looks_like_uri("1http://x"));
    }
}
