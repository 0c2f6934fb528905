//! Programmes and cohorts. A programme is a list of micro-skills (each copied
//! in with its principles, done-when criteria and hours, from the curated
//! catalogue or written by the organisation) and, for each, a goal template:
//! a deadline rule and a weekly budget. A cohort is a group of people, led by
//! a coach or by the admins; assigning a programme to a cohort gives every
//! member one goal per item, and a member added later gets them too.
//!
//! A goal once given is the member's. Editing an item ([`ItemChange`])
//! changes the template of the goals given from then on, never a goal in a
//! journal; removing an item or unassigning a programme stops giving its
//! goals (the given ones stay); a programme no cohort has can be deleted.
//! What must stay on record (`given_goals` points at its item) is kept,
//! marked removed or archived, and left out of every read.
//!
//! Who may: admins manage every programme and cohort; a coach creates
//! programmes and cohorts and manages their own (a programme they made, a
//! cohort they lead); approvers read them all; a learner reads the cohorts
//! they are in (seeing only themself among the members) and the programmes
//! assigned to those. A cohort or programme someone may not see answers
//! "not found", exactly as one that does not exist.
//!
//! The goals themselves live in each person's journal, which this crate does
//! not write: [`TeamStore::claim_goals`] hands the server what is still to
//! give, claimed so two instances do not both write it, and
//! [`TeamStore::record_given`] / [`TeamStore::record_failure`] keep the
//! outcome in `given_goals`, so a goal is given once and a retry finishes
//! what failed.

use crate::people::{audit, check_name, check_slug, member_in, parse_time};
use crate::{Actor, Error, Kind, OrgId, PersonId, Result, Role, TeamStore};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{Postgres, Transaction};

/// A programme's id.
pub type ProgrammeId = i64;
/// A programme item's id.
pub type ItemId = i64;
/// A cohort's id.
pub type CohortId = i64;

/// The most items a programme holds.
pub const MAX_ITEMS: usize = 100;
/// The longest a deadline rule may reach: ten years of weeks.
pub const MAX_WEEKS: u32 = 520;
/// How long a claim on a goal holds before another server may take it up
/// (one that died while writing it).
const CLAIM_SECONDS: i32 = 120;

/// When a goal given from a programme item is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeadlineRule {
    /// This many weeks (1–520) after the member gets the goal: on
    /// assignment, or on joining the cohort later.
    Weeks(u32),
    /// On this date, for everyone.
    Date(NaiveDate),
}

impl DeadlineRule {
    /// The rule as `mm goal new --deadline` takes it: `+4w` or a date.
    pub fn as_input(&self) -> String {
        match self {
            DeadlineRule::Weeks(w) => format!("+{w}w"),
            DeadlineRule::Date(d) => d.to_string(),
        }
    }
}

/// An underlying principle of a micro-skill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemPrinciple {
    /// Its name.
    pub name: String,
    /// What it means, if said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// One micro-skill of a programme, with the goal each member gets for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProgrammeItem {
    /// Its id.
    pub id: ItemId,
    /// Its place in the programme, from 1.
    pub position: u32,
    /// The curated catalogue entry it was copied from (none: the
    /// organisation's own micro-skill).
    pub catalogue_id: Option<String>,
    /// The micro-skill: what a person can do once they master it.
    pub name: String,
    /// Its underlying principles.
    pub principles: Vec<ItemPrinciple>,
    /// Observable done-when criteria: the goal's.
    pub done_when: Vec<String>,
    /// Typical hours of deliberate practice.
    pub hours: Option<u32>,
    /// The Dreyfus level aimed at, 1 (novice) to 5 (expert).
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 5))]
    pub level: u8,
    /// When the goal is due.
    pub deadline: DeadlineRule,
    /// The goal's weekly practice budget, in minutes.
    pub weekly_minutes: u32,
    /// Whether applications count only once an approver accepts them.
    pub requires_approval: bool,
}

impl ProgrammeItem {
    /// The item as a catalogue micro-skill, for the journal's goal workflow
    /// to write (`mm_app::goals::new_goal`): its curated entry's parents,
    /// resources and links, with the organisation's copy of the name,
    /// principles, criteria, hours and level; the organisation's own
    /// micro-skill stands alone.
    pub fn as_catalogue_entry(&self) -> mm_micro::CatalogueMicroSkill {
        let curated = self
            .catalogue_id
            .as_deref()
            .and_then(|id| mm_micro::catalogue::curated().get(id));
        let mut m = curated
            .cloned()
            .unwrap_or_else(|| mm_micro::CatalogueMicroSkill {
                id: format!("team-item-{}", self.id),
                name: String::new(),
                area: String::new(),
                isco: Vec::new(),
                core_for: Vec::new(),
                country: Vec::new(),
                stack: Vec::new(),
                parents: Vec::new(),
                principles: Vec::new(),
                done_when: Vec::new(),
                hours: None,
                weeks: None,
                dreyfus: mm_core::Level::Competent,
                prerequisites: Vec::new(),
                next: Vec::new(),
                resources: Vec::new(),
                source: mm_micro::Source::default(),
                share: None,
                evidence: None,
            });
        m.name.clone_from(&self.name);
        m.principles = self
            .principles
            .iter()
            .map(|p| mm_micro::Principle {
                name: p.name.clone(),
                description: p.description.clone(),
            })
            .collect();
        m.done_when.clone_from(&self.done_when);
        m.hours = self.hours;
        m.dreyfus = mm_core::Level::try_from(self.level).unwrap_or(mm_core::Level::Competent);
        m
    }
}

/// A programme and its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Programme {
    /// Its id.
    pub id: ProgrammeId,
    /// Its short name (unique in the organisation).
    pub slug: String,
    /// Its name.
    pub name: String,
    /// What it is for.
    pub description: String,
    /// Who made it.
    pub created_by: PersonId,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Its micro-skills, in order.
    pub items: Vec<ProgrammeItem>,
}

/// A new programme.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewProgramme {
    /// Its short name: lower-case letters, digits and `-`, 2–63 long.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// What it is for (up to 4,000 characters).
    #[serde(default)]
    pub description: String,
}

/// A micro-skill to add to a programme: from the curated catalogue
/// (`catalogue_id`, whose name, principles, criteria, hours, level and
/// suggested deadline and budget are copied in; any field given here
/// overrides its copy), or the organisation's own (`name`, `principles`,
/// `done_when`, `deadline` and `weekly_minutes` required).
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewItem {
    /// A curated catalogue micro-skill's id (`excel-pivot-summary`).
    pub catalogue_id: Option<String>,
    /// The micro-skill's name.
    pub name: Option<String>,
    /// Its underlying principles (1–10).
    pub principles: Option<Vec<ItemPrinciple>>,
    /// Observable done-when criteria (1–10).
    pub done_when: Option<Vec<String>>,
    /// Typical hours of deliberate practice (1–10,000).
    pub hours: Option<u32>,
    /// The level aimed at, 1–5 (default the catalogue's, else 3).
    pub level: Option<u8>,
    /// When the goal is due.
    pub deadline: Option<DeadlineRule>,
    /// The weekly budget in minutes (1–10,080).
    pub weekly_minutes: Option<u32>,
    /// Count applications only once an approver accepts them.
    #[serde(default)]
    pub requires_approval: bool,
}

/// A change to a programme: each field given replaces its value.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProgrammeChange {
    /// Its name.
    pub name: Option<String>,
    /// What it is for (up to 4,000 characters).
    pub description: Option<String>,
}

/// A change to a programme item, the micro-skill and its goal template:
/// each field given replaces its value, the others stay. Goals already
/// given are the members' and stay as they were written into their
/// journals; only goals given from now on (to a member who joins later, or
/// one not written yet) follow the change. Whether applications need
/// approval is not changed here: it governs the goals already given too.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ItemChange {
    /// The micro-skill's name.
    pub name: Option<String>,
    /// Its underlying principles (1–10).
    pub principles: Option<Vec<ItemPrinciple>>,
    /// Observable done-when criteria (1–10).
    pub done_when: Option<Vec<String>>,
    /// Typical hours of deliberate practice (1–10,000).
    pub hours: Option<u32>,
    /// The level aimed at, 1–5.
    pub level: Option<u8>,
    /// When the goal is due.
    pub deadline: Option<DeadlineRule>,
    /// The weekly budget in minutes (1–10,080).
    pub weekly_minutes: Option<u32>,
}

/// A new cohort.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewCohort {
    /// Its name (unique in the organisation).
    pub name: String,
    /// The coach who manages it: a member holding the coach role. A coach
    /// creating a cohort leads it themself.
    #[serde(default)]
    pub coach: Option<PersonId>,
}

/// A cohort: its members, its programmes, and the goals given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cohort {
    /// Its id.
    pub id: CohortId,
    /// Its name.
    pub name: String,
    /// Its coach, if any.
    pub coach: Option<PersonId>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// Its members (a learner sees only themself).
    pub members: Vec<CohortMember>,
    /// The programmes assigned to it.
    pub programmes: Vec<AssignedProgramme>,
    /// Each member's goal for each item of its programmes (a learner sees
    /// only their own).
    pub goals: Vec<GivenGoal>,
}

/// A member of a cohort.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CohortMember {
    /// The person.
    pub person: PersonId,
    /// Their name.
    pub name: String,
    /// Their email.
    pub email: String,
    /// When they joined the cohort.
    pub added_at: DateTime<Utc>,
}

/// A programme assigned to a cohort.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignedProgramme {
    /// The programme.
    pub programme: ProgrammeId,
    /// Its slug.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// When it was assigned.
    pub assigned_at: DateTime<Utc>,
}

/// Where one member's goal for one item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GivenState {
    /// In their journal.
    Given,
    /// Not written yet (or being written now).
    Pending,
    /// The last attempt failed; a retry takes it up.
    Failed,
}

/// One member's goal for one programme item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GivenGoal {
    /// The member.
    pub person: PersonId,
    /// The programme item.
    pub item: ItemId,
    /// Where it stands.
    pub state: GivenState,
    /// The goal's id in the member's journal, once given.
    pub goal: Option<i64>,
    /// Why the last attempt failed.
    pub error: Option<String>,
}

/// What [`TeamStore::claim_goals`] gives out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiveScope {
    /// Every member of a cohort, for its programmes.
    Cohort(CohortId),
    /// Every cohort a programme is assigned to (after an item was added).
    Programme(ProgrammeId),
}

/// A goal for a server to write into a person's journal, claimed for it
/// until [`TeamStore::record_given`] or [`TeamStore::record_failure`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalToGive {
    /// The person's organisation.
    pub org: OrgId,
    /// Whose journal.
    pub person: PersonId,
    /// The cohort it comes through.
    pub cohort: CohortId,
    /// The item: the micro-skill and the goal template, as it is now.
    pub item: ProgrammeItem,
    /// The item's name when this goal was first claimed: what an earlier
    /// attempt wrote its micro-skill as, should the item have been renamed
    /// since.
    pub first_name: String,
    /// When it was first claimed: a goal on this micro-skill created since
    /// then is this one (written by an attempt that died before recording it).
    pub since: DateTime<Utc>,
    /// Whether an earlier attempt was made.
    pub retry: bool,
}

fn check_text(field: &'static str, raw: &str, max: usize, required: bool) -> Result<String> {
    let t = raw.trim();
    if (required && t.is_empty()) || t.chars().count() > max || t.contains('\0') {
        return Err(Error::invalid(
            field,
            format!(
                "give {} up to {max} characters, without NUL bytes",
                if required { "1 to" } else { "0 to" }
            ),
        ));
    }
    Ok(t.to_owned())
}

fn one_line(field: &'static str, raw: &str, max: usize) -> Result<String> {
    let t = check_text(field, raw, max, true)?;
    if t.chars().any(char::is_control) {
        return Err(Error::invalid(
            field,
            format!("{t:?} holds a control character; give one line of plain text"),
        ));
    }
    Ok(t)
}

/// The item a [`NewItem`] makes, checked, before anything is written. A
/// date deadline before `today` (the caller's earliest date still today
/// somewhere) is refused when `today` is given: nobody could be given
/// that goal.
fn item_of(new: NewItem, today: Option<NaiveDate>) -> Result<ItemDraft> {
    let entry = match new.catalogue_id.as_deref().map(str::trim) {
        Some(id) => Some(mm_micro::catalogue::curated().get(id).ok_or_else(|| {
            Error::invalid(
                "catalogue_id",
                format!("{id:?} is not a micro-skill of the curated catalogue"),
            )
        })?),
        None => None,
    };
    let name = match (&new.name, entry) {
        (Some(n), _) => n.clone(),
        (None, Some(e)) => e.name.clone(),
        (None, None) => {
            return Err(Error::invalid(
                "name",
                "name the micro-skill, or give a catalogue_id",
            ));
        }
    };
    let name = one_line("name", &name, 200)?;
    let principles = match (new.principles, entry) {
        (Some(p), _) => p,
        (None, Some(e)) => e
            .principles
            .iter()
            .map(|p| ItemPrinciple {
                name: p.name.clone(),
                description: p.description.clone(),
            })
            .collect(),
        (None, None) => Vec::new(),
    };
    if principles.is_empty() || principles.len() > 10 {
        return Err(Error::invalid(
            "principles",
            "give 1 to 10 underlying principles",
        ));
    }
    let principles = principles
        .into_iter()
        .map(|p| {
            Ok(ItemPrinciple {
                name: one_line("principles", &p.name, 200)?,
                description: p
                    .description
                    .map(|d| check_text("principles", &d, 1000, false))
                    .transpose()?
                    .filter(|d| !d.is_empty()),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let done_when = match (new.done_when, entry) {
        (Some(d), _) => d,
        (None, Some(e)) => e.done_when.clone(),
        (None, None) => Vec::new(),
    };
    if done_when.is_empty() || done_when.len() > 10 {
        return Err(Error::invalid(
            "done_when",
            "give 1 to 10 observable done-when criteria",
        ));
    }
    let done_when = done_when
        .iter()
        .map(|c| one_line("done_when", c, 500))
        .collect::<Result<Vec<_>>>()?;
    let hours = new.hours.or(entry.and_then(|e| e.hours));
    if hours.is_some_and(|h| !(1..=10_000).contains(&h)) {
        return Err(Error::invalid("hours", "give 1 to 10,000 hours"));
    }
    let level = new.level.unwrap_or_else(|| {
        entry
            .map_or(mm_core::Level::Competent, |e| e.dreyfus)
            .number()
    });
    if mm_core::Level::try_from(level).is_err() {
        return Err(Error::invalid(
            "level",
            format!("{level} is not a level: give 1 (novice) to 5 (expert)"),
        ));
    }
    let deadline = new
        .deadline
        .or(entry.and_then(|e| e.weeks).map(DeadlineRule::Weeks))
        .ok_or_else(|| {
            Error::invalid(
                "deadline",
                "give a deadline: a number of weeks after the goal is given, or a date",
            )
        })?;
    match deadline {
        DeadlineRule::Weeks(w) if !(1..=MAX_WEEKS).contains(&w) => {
            return Err(Error::invalid(
                "deadline",
                format!("give 1 to {MAX_WEEKS} weeks"),
            ));
        }
        DeadlineRule::Date(d) if mm_core::validate::date("deadline", d).is_err() => {
            return Err(Error::invalid(
                "deadline",
                format!("{d} is out of the range a journal holds"),
            ));
        }
        _ => {}
    }
    if let (DeadlineRule::Date(d), Some(today)) = (deadline, today)
        && d < today
    {
        return Err(Error::invalid("deadline", passed(d, today)));
    }
    let weekly_minutes = new
        .weekly_minutes
        .or(entry.and_then(|e| e.weekly_minutes()))
        .ok_or_else(|| Error::invalid("weekly_minutes", "give a weekly budget in minutes"))?;
    // Core's message names the CLI's flag: a coach gets the range instead.
    mm_core::validate::weekly_budget(weekly_minutes).map_err(|_| {
        Error::invalid(
            "weekly_minutes",
            format!(
                "give a weekly budget from 1 to {} minutes (168 hours)",
                mm_core::validate::MAX_WEEKLY_MINUTES
            ),
        )
    })?;
    Ok(ItemDraft {
        catalogue_id: entry.map(|e| e.id.clone()),
        name,
        principles,
        done_when,
        hours,
        level,
        deadline,
        weekly_minutes,
        requires_approval: new.requires_approval,
    })
}

/// Why a date deadline `d` before `today` is refused, in a coach's words.
fn passed(d: NaiveDate, today: NaiveDate) -> String {
    format!("{d} has passed everywhere: give {today} or a later date, or a number of weeks")
}

struct ItemDraft {
    catalogue_id: Option<String>,
    name: String,
    principles: Vec<ItemPrinciple>,
    done_when: Vec<String>,
    hours: Option<u32>,
    level: u8,
    deadline: DeadlineRule,
    weekly_minutes: u32,
    requires_approval: bool,
}

/// Whether the actor may change every programme and cohort.
fn manages_all(actor: &Actor) -> bool {
    actor.has(Role::Admin)
}

/// Whether the actor sees every programme and cohort.
fn reads_all(actor: &Actor) -> bool {
    actor.has(Role::Admin) || actor.has(Role::Approver)
}

/// The items still in their programme (not removed), each with its place
/// among them: a removed item leaves no gap.
const ITEM_SQL: &str = "SELECT i.id, (SELECT count(*)::INT FROM programme_items o \
     WHERE o.org_id = i.org_id AND o.programme_id = i.programme_id AND o.removed_at IS NULL \
     AND o.position <= i.position), i.catalogue_id, i.name, i.principles, i.done_when, i.hours, \
     i.level, i.deadline_weeks, i.deadline_date::TEXT, i.weekly_minutes, i.requires_approval \
     FROM programme_items i WHERE i.org_id = mm_org() AND i.removed_at IS NULL";

type ItemRow = (
    i64,
    i32,
    Option<String>,
    String,
    sqlx::types::Json<Vec<ItemPrinciple>>,
    Vec<String>,
    Option<i32>,
    i16,
    Option<i32>,
    Option<String>,
    i32,
    bool,
);

fn item(r: ItemRow) -> Result<ProgrammeItem> {
    let n = |v: i32| u32::try_from(v).unwrap_or(0);
    let deadline = match (r.8, r.9) {
        (Some(w), None) => DeadlineRule::Weeks(n(w)),
        (None, Some(d)) => DeadlineRule::Date(d.parse().map_err(|e| {
            Error::new(
                Kind::Internal,
                format!("a stored deadline is unreadable: {e}"),
            )
        })?),
        _ => {
            return Err(Error::new(
                Kind::Internal,
                "a stored programme item has no deadline rule",
            ));
        }
    };
    Ok(ProgrammeItem {
        id: r.0,
        position: n(r.1),
        catalogue_id: r.2,
        name: r.3,
        principles: r.4.0,
        done_when: r.5,
        hours: r.6.map(n),
        level: u8::try_from(r.7).unwrap_or(3),
        deadline,
        weekly_minutes: n(r.10),
        requires_approval: r.11,
    })
}

/// The SQL condition (on `c`, a cohort) of the cohorts `$1`-may-see-all /
/// `$2`-person may see: all, the ones they lead, the ones they are in.
const COHORT_SEEN: &str = "($1 OR c.coach_id = $2 OR EXISTS (SELECT 1 FROM cohort_members m \
     WHERE m.org_id = c.org_id AND m.cohort_id = c.id AND m.person_id = $2))";

/// The SQL condition (on `p`, a programme) of the programmes `$1`-may-see-all
/// / `$2`-person may see: all, or the ones assigned to a cohort they are in;
/// never a deleted (archived) one.
const PROGRAMME_SEEN: &str = "p.archived_at IS NULL AND ($1 OR EXISTS (SELECT 1 \
     FROM cohort_programmes cp \
     JOIN cohort_members m ON m.org_id = cp.org_id AND m.cohort_id = cp.cohort_id \
     WHERE cp.org_id = p.org_id AND cp.programme_id = p.id AND m.person_id = $2))";

impl TeamStore {
    /// Create a programme (admins and coaches).
    ///
    /// # Errors
    /// [`Kind::Forbidden`] for other roles; [`Kind::Invalid`] naming the
    /// field; [`Kind::Conflict`] when the slug is taken.
    pub async fn create_programme(&self, actor: &Actor, new: NewProgramme) -> Result<Programme> {
        actor.require(&[Role::Admin, Role::Coach], "create programmes")?;
        let slug = check_slug(&new.slug)?;
        let name = check_name("name", &new.name)?;
        let description = check_text("description", &new.description, 4000, false)?;
        let mut tx = self.scope(actor.org).await?;
        let id: ProgrammeId = sqlx::query_scalar(
            "INSERT INTO programmes (org_id, slug, name, description, created_by) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(actor.org)
        .bind(&slug)
        .bind(&name)
        .bind(&description)
        .bind(actor.person)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| conflict(e, format!("a programme is already called {slug:?}")))?;
        audit(
            &mut tx,
            actor.org,
            Some(actor.person),
            "programme_create",
            Some(format!("programme:{id}")),
            serde_json::json!({ "slug": slug }),
        )
        .await?;
        let p = programme_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(p)
    }

    /// The programmes the actor may see, by name.
    ///
    /// # Errors
    /// [`Kind::Unavailable`] when the database is down.
    pub async fn programmes(&self, actor: &Actor) -> Result<Vec<Programme>> {
        let mut tx = self.scope(actor.org).await?;
        let ids: Vec<ProgrammeId> = sqlx::query_scalar(&format!(
            "SELECT p.id FROM programmes p WHERE p.org_id = mm_org() AND {PROGRAMME_SEEN} \
             ORDER BY p.name, p.id"
        ))
        .bind(reads_all(actor) || actor.has(Role::Coach))
        .bind(actor.person)
        .fetch_all(&mut *tx)
        .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(programme_in(&mut tx, id).await?);
        }
        Ok(out)
    }

    /// One programme with its items, if the actor may see it.
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a programme that does not exist, is another
    /// organisation's or is not the actor's to see.
    pub async fn programme(&self, actor: &Actor, id: ProgrammeId) -> Result<Programme> {
        let mut tx = self.scope(actor.org).await?;
        see_programme(&mut tx, actor, id).await?;
        programme_in(&mut tx, id).await
    }

    /// Add a micro-skill to a programme (admins, and the coach who made
    /// it). Cohorts it is assigned to then have a goal to give each member:
    /// [`GiveScope::Programme`].
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a programme the actor cannot see;
    /// [`Kind::Forbidden`] for one they may not change; [`Kind::Invalid`]
    /// naming the field (an unknown `catalogue_id` too, a date deadline
    /// before `today`, which the server takes as the earliest date still
    /// today somewhere); [`Kind::Conflict`]
    /// when the programme has this micro-skill already (a curated one under
    /// any name). One removed before comes back as the same item, so nobody
    /// is given its goal twice.
    pub async fn add_item(
        &self,
        actor: &Actor,
        programme: ProgrammeId,
        new: NewItem,
        today: NaiveDate,
    ) -> Result<ProgrammeItem> {
        actor.require(&[Role::Admin, Role::Coach], "change programmes")?;
        let d = item_of(new, Some(today))?;
        let mut tx = self.scope(actor.org).await?;
        manage_programme(&mut tx, actor, programme).await?;
        // Lock the programme so two additions take different positions. A
        // removed item keeps its (stored) position: a new one goes after all.
        lock_programme(&mut tx, programme, "UPDATE").await?;
        let (count, last): (i64, i32) = sqlx::query_as(
            "SELECT count(*) FILTER (WHERE removed_at IS NULL), coalesce(max(position), 0) \
             FROM programme_items WHERE org_id = mm_org() AND programme_id = $1",
        )
        .bind(programme)
        .fetch_one(&mut *tx)
        .await?;
        if count as usize >= MAX_ITEMS {
            return Err(Error::new(
                Kind::Conflict,
                format!("a programme holds at most {MAX_ITEMS} micro-skills"),
            ));
        }
        let (weeks, date) = match d.deadline {
            DeadlineRule::Weeks(w) => (Some(w as i32), None),
            DeadlineRule::Date(d) => (None, Some(d.to_string())),
        };
        // A curated micro-skill is in a programme once, whatever it was
        // renamed to: a second item would give its members a second goal.
        if let Some(entry) = &d.catalogue_id {
            let named: Option<String> = sqlx::query_scalar(
                "SELECT name FROM programme_items WHERE org_id = mm_org() AND programme_id = $1 \
                 AND catalogue_id = $2 AND removed_at IS NULL",
            )
            .bind(programme)
            .bind(entry)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some(name) = named {
                return Err(Error::new(
                    Kind::Conflict,
                    format!("the programme has this micro-skill already, as {name:?}"),
                ));
            }
        }
        // Added again after it was removed: the same item comes back (with
        // what is given now, but whether evidence needs approval as it was:
        // its goals given already follow that), so members who were given
        // its goal are not given a second one; the others get it as new.
        let removed: Option<ItemId> = sqlx::query_scalar(
            "SELECT id FROM programme_items WHERE org_id = mm_org() AND programme_id = $1 \
             AND removed_at IS NOT NULL \
             AND (catalogue_id = $2 OR ($2 IS NULL AND lower(name) = lower($3))) \
             ORDER BY removed_at DESC LIMIT 1",
        )
        .bind(programme)
        .bind(&d.catalogue_id)
        .bind(&d.name)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = removed {
            sqlx::query(
                "UPDATE programme_items SET removed_at = NULL, position = $2, name = $3, \
                 principles = $4, done_when = $5, hours = $6, level = $7, deadline_weeks = $8, \
                 deadline_date = $9::DATE, weekly_minutes = $10 \
                 WHERE org_id = mm_org() AND id = $1",
            )
            .bind(id)
            .bind(last + 1)
            .bind(&d.name)
            .bind(sqlx::types::Json(&d.principles))
            .bind(&d.done_when)
            .bind(d.hours.map(|h| h as i32))
            .bind(i16::from(d.level))
            .bind(weeks)
            .bind(date)
            .bind(d.weekly_minutes as i32)
            .execute(&mut *tx)
            .await
            .map_err(|e| {
                conflict(
                    e,
                    format!("the programme has the micro-skill {:?} already", d.name),
                )
            })?;
            audit(
                &mut tx,
                actor.org,
                Some(actor.person),
                "programme_item_restore",
                Some(format!("programme:{programme}")),
                serde_json::json!({ "item": id, "name": d.name, "catalogue_id": d.catalogue_id }),
            )
            .await?;
            let row: ItemRow = sqlx::query_as(&format!("{ITEM_SQL} AND i.id = $1"))
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            return item(row);
        }
        let id: ItemId = sqlx::query_scalar(
            "INSERT INTO programme_items (org_id, programme_id, position, catalogue_id, name, \
             principles, done_when, hours, level, deadline_weeks, deadline_date, weekly_minutes, \
             requires_approval) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::DATE, $12, $13) \
             RETURNING id",
        )
        .bind(actor.org)
        .bind(programme)
        .bind(last + 1)
        .bind(&d.catalogue_id)
        .bind(&d.name)
        .bind(sqlx::types::Json(&d.principles))
        .bind(&d.done_when)
        .bind(d.hours.map(|h| h as i32))
        .bind(i16::from(d.level))
        .bind(weeks)
        .bind(date)
        .bind(d.weekly_minutes as i32)
        .bind(d.requires_approval)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            conflict(
                e,
                format!("the programme has the micro-skill {:?} already", d.name),
            )
        })?;
        audit(
            &mut tx,
            actor.org,
            Some(actor.person),
            "programme_item_add",
            Some(format!("programme:{programme}")),
            serde_json::json!({ "item": id, "name": d.name, "catalogue_id": d.catalogue_id }),
        )
        .await?;
        let row: ItemRow = sqlx::query_as(&format!("{ITEM_SQL} AND i.id = $1"))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        item(row)
    }

    /// Change a programme's name or description (admins, and the coach who
    /// made it). Audited with what changed.
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a programme the actor cannot see;
    /// [`Kind::Forbidden`] for one they may not change; [`Kind::Invalid`]
    /// naming the field.
    pub async fn update_programme(
        &self,
        actor: &Actor,
        id: ProgrammeId,
        change: ProgrammeChange,
    ) -> Result<Programme> {
        actor.require(&[Role::Admin, Role::Coach], "change programmes")?;
        let mut tx = self.scope(actor.org).await?;
        manage_programme(&mut tx, actor, id).await?;
        lock_programme(&mut tx, id, "UPDATE").await?;
        let before = programme_in(&mut tx, id).await?;
        let name = match &change.name {
            Some(n) => check_name("name", n)?,
            None => before.name.clone(),
        };
        let description = match &change.description {
            Some(d) => check_text("description", d, 4000, false)?,
            None => before.description.clone(),
        };
        let changed = changes(
            &serde_json::json!({ "name": before.name, "description": before.description }),
            &serde_json::json!({ "name": name, "description": description }),
        );
        if changed.is_empty() {
            return Ok(before);
        }
        sqlx::query(
            "UPDATE programmes SET name = $2, description = $3 WHERE org_id = mm_org() AND id = $1",
        )
        .bind(id)
        .bind(&name)
        .bind(&description)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor.org,
            Some(actor.person),
            "programme_update",
            Some(format!("programme:{id}")),
            serde_json::json!({ "changed": changed }),
        )
        .await?;
        let p = programme_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(p)
    }

    /// Delete a programme no cohort has (admins, and the coach who made
    /// it). The goals it gave stay in the members' journals, and the record
    /// of them stays: the programme is archived, out of every list, and its
    /// slug free again.
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a programme the actor cannot see;
    /// [`Kind::Forbidden`] for one they may not change; [`Kind::Conflict`]
    /// while it is assigned to a cohort.
    pub async fn delete_programme(&self, actor: &Actor, id: ProgrammeId) -> Result<()> {
        actor.require(&[Role::Admin, Role::Coach], "delete programmes")?;
        let mut tx = self.scope(actor.org).await?;
        manage_programme(&mut tx, actor, id).await?;
        // Locked: an assignment made meanwhile waits, then finds it gone.
        lock_programme(&mut tx, id, "UPDATE").await?;
        let p = programme_in(&mut tx, id).await?;
        let cohorts: Vec<(String, bool)> = sqlx::query_as(&format!(
            "SELECT c.name, {COHORT_SEEN} FROM cohort_programmes cp \
             JOIN cohorts c ON c.org_id = cp.org_id AND c.id = cp.cohort_id \
             WHERE cp.org_id = mm_org() AND cp.programme_id = $3 ORDER BY c.name"
        ))
        .bind(reads_all(actor))
        .bind(actor.person)
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
        if !cohorts.is_empty() {
            let mut named: Vec<String> = cohorts
                .iter()
                .filter(|(_, seen)| *seen)
                .map(|(n, _)| format!("{n:?}"))
                .collect();
            let unseen = cohorts.len() - named.len();
            if unseen > 0 {
                named.push(format!("{unseen} you do not lead"));
            }
            return Err(Error::new(
                Kind::Conflict,
                format!(
                    "{:?} is assigned to {} cohort{} ({}); unassign it from each first \
                     (the goals it gave stay with the members)",
                    p.name,
                    cohorts.len(),
                    if cohorts.len() == 1 { "" } else { "s" },
                    named.join(", ")
                ),
            ));
        }
        sqlx::query(
            "UPDATE programmes SET archived_at = now() WHERE org_id = mm_org() AND id = $1",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor.org,
            Some(actor.person),
            "programme_delete",
            Some(format!("programme:{id}")),
            serde_json::json!({ "slug": p.slug, "name": p.name, "items": p.items.len() }),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Change a programme item (admins, and the coach who made the
    /// programme): see [`ItemChange`] for what it changes and what it
    /// leaves. Audited with what changed, from and to.
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a programme the actor cannot see or an item
    /// not in it; [`Kind::Forbidden`] for a programme they may not change;
    /// [`Kind::Invalid`] naming the field; [`Kind::Conflict`] when the
    /// programme has a micro-skill of the new name already.
    pub async fn update_item(
        &self,
        actor: &Actor,
        programme: ProgrammeId,
        id: ItemId,
        change: ItemChange,
        today: NaiveDate,
    ) -> Result<ProgrammeItem> {
        actor.require(&[Role::Admin, Role::Coach], "change programmes")?;
        let mut tx = self.scope(actor.org).await?;
        manage_programme(&mut tx, actor, programme).await?;
        lock_programme(&mut tx, programme, "UPDATE").await?;
        let row: Option<ItemRow> =
            sqlx::query_as(&format!("{ITEM_SQL} AND i.programme_id = $1 AND i.id = $2"))
                .bind(programme)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let before = item(row.ok_or_else(|| Error::not_found("programme item"))?)?;
        // Checked as a new item would be: the change over what it is now.
        // A date given now must be to come; one stored before may have
        // passed since (giving it then says so) and does not block a rename.
        let check_date = change.deadline.map(|_| today);
        let d = item_of(
            NewItem {
                catalogue_id: None,
                name: Some(change.name.unwrap_or_else(|| before.name.clone())),
                principles: Some(
                    change
                        .principles
                        .unwrap_or_else(|| before.principles.clone()),
                ),
                done_when: Some(change.done_when.unwrap_or_else(|| before.done_when.clone())),
                hours: change.hours.or(before.hours),
                level: Some(change.level.unwrap_or(before.level)),
                deadline: Some(change.deadline.unwrap_or(before.deadline)),
                weekly_minutes: Some(change.weekly_minutes.unwrap_or(before.weekly_minutes)),
                requires_approval: before.requires_approval,
            },
            check_date,
        )?;
        let after = ProgrammeItem {
            name: d.name,
            principles: d.principles,
            done_when: d.done_when,
            hours: d.hours,
            level: d.level,
            deadline: d.deadline,
            weekly_minutes: d.weekly_minutes,
            ..before.clone()
        };
        let changed = changes(&before, &after);
        if changed.is_empty() {
            return Ok(before);
        }
        let (weeks, date) = match after.deadline {
            DeadlineRule::Weeks(w) => (Some(w as i32), None),
            DeadlineRule::Date(d) => (None, Some(d.to_string())),
        };
        sqlx::query(
            "UPDATE programme_items SET name = $2, principles = $3, done_when = $4, hours = $5, \
             level = $6, deadline_weeks = $7, deadline_date = $8::DATE, weekly_minutes = $9 \
             WHERE org_id = mm_org() AND id = $1",
        )
        .bind(id)
        .bind(&after.name)
        .bind(sqlx::types::Json(&after.principles))
        .bind(&after.done_when)
        .bind(after.hours.map(|h| h as i32))
        .bind(i16::from(after.level))
        .bind(weeks)
        .bind(date)
        .bind(after.weekly_minutes as i32)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            conflict(
                e,
                format!("the programme has the micro-skill {:?} already", after.name),
            )
        })?;
        audit(
            &mut tx,
            actor.org,
            Some(actor.person),
            "programme_item_update",
            Some(format!("programme:{programme}")),
            serde_json::json!({ "item": id, "changed": changed }),
        )
        .await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Remove an item from a programme (admins, and the coach who made
    /// it): nobody is given its goal any more. The goals it gave stay in
    /// the members' journals and on record (the item is kept, marked
    /// removed, out of the programme); its name is free to add again.
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a programme the actor cannot see or an item
    /// not in it; [`Kind::Forbidden`] for a programme they may not change.
    pub async fn remove_item(
        &self,
        actor: &Actor,
        programme: ProgrammeId,
        id: ItemId,
    ) -> Result<Programme> {
        actor.require(&[Role::Admin, Role::Coach], "change programmes")?;
        let mut tx = self.scope(actor.org).await?;
        manage_programme(&mut tx, actor, programme).await?;
        lock_programme(&mut tx, programme, "UPDATE").await?;
        let name: Option<String> = sqlx::query_scalar(
            "UPDATE programme_items SET removed_at = now() WHERE org_id = mm_org() \
             AND programme_id = $1 AND id = $2 AND removed_at IS NULL RETURNING name",
        )
        .bind(programme)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let name = name.ok_or_else(|| Error::not_found("programme item"))?;
        let given: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM given_goals WHERE org_id = mm_org() AND item_id = $1 \
             AND goal_id IS NOT NULL",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        audit(
            &mut tx,
            actor.org,
            Some(actor.person),
            "programme_item_remove",
            Some(format!("programme:{programme}")),
            serde_json::json!({ "item": id, "name": name, "goals_given": given }),
        )
        .await?;
        let p = programme_in(&mut tx, programme).await?;
        tx.commit().await?;
        Ok(p)
    }

    /// The journal revisions of `persons` of the actor's organisation, in
    /// one statement (a coach view's cache checks them; see migration
    /// 0011). Counters only; admins and coaches, who see members' progress.
    ///
    /// # Errors
    /// [`Kind::Forbidden`] for a learner or an approver alone;
    /// [`Kind::Unavailable`] when the database is down, or keeps no journals.
    pub async fn journal_revisions(
        &self,
        actor: &Actor,
        persons: &[PersonId],
    ) -> Result<std::collections::HashMap<PersonId, i64>> {
        actor.require(&[Role::Admin, Role::Coach], "see members' progress")?;
        let mut tx = self.scope(actor.org).await?;
        let rows: Vec<(PersonId, i64)> =
            sqlx::query_as("SELECT person_id, revision FROM mm_journal_revisions($1)")
                .bind(persons)
                .fetch_all(&mut *tx)
                .await?;
        tx.commit().await?;
        Ok(rows.into_iter().collect())
    }

    /// Create a cohort (admins and coaches; a coach leads the cohorts they
    /// create).
    ///
    /// # Errors
    /// [`Kind::Forbidden`] for other roles, or a coach naming another
    /// coach; [`Kind::NotFound`] for a coach who is not a member;
    /// [`Kind::Invalid`] for a name, or a coach without the coach role;
    /// [`Kind::Conflict`] when the name is taken.
    pub async fn create_cohort(&self, actor: &Actor, new: NewCohort) -> Result<Cohort> {
        actor.require(&[Role::Admin, Role::Coach], "create cohorts")?;
        let name = check_name("name", &new.name)?;
        let coach = match (new.coach, manages_all(actor)) {
            (c, true) => c,
            (None, false) => Some(actor.person),
            (Some(c), false) if c == actor.person => Some(c),
            (Some(_), false) => {
                return Err(Error::forbidden(
                    "a coach creates cohorts they lead themself; ask an admin to name another coach",
                ));
            }
        };
        let mut tx = self.scope(actor.org).await?;
        if let Some(c) = coach {
            let m = member_in(&mut tx, c).await?;
            if !m.roles.contains(&Role::Coach) {
                return Err(Error::invalid(
                    "coach",
                    format!("{} does not hold the coach role", m.name),
                ));
            }
        }
        let id: CohortId = sqlx::query_scalar(
            "INSERT INTO cohorts (org_id, name, coach_id, created_by) VALUES ($1, $2, $3, $4) \
             RETURNING id",
        )
        .bind(actor.org)
        .bind(&name)
        .bind(coach)
        .bind(actor.person)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| conflict(e, format!("a cohort is already called {name:?}")))?;
        audit(
            &mut tx,
            actor.org,
            Some(actor.person),
            "cohort_create",
            Some(format!("cohort:{id}")),
            serde_json::json!({ "name": name, "coach": coach }),
        )
        .await?;
        let c = cohort_in(&mut tx, actor, id).await?;
        tx.commit().await?;
        Ok(c)
    }

    /// The cohorts the actor may see, by name: all for admins and
    /// approvers, the ones they lead or are in for others.
    ///
    /// # Errors
    /// [`Kind::Unavailable`] when the database is down.
    pub async fn cohorts(&self, actor: &Actor) -> Result<Vec<Cohort>> {
        let mut tx = self.scope(actor.org).await?;
        let ids: Vec<CohortId> = sqlx::query_scalar(&format!(
            "SELECT c.id FROM cohorts c WHERE c.org_id = mm_org() AND {COHORT_SEEN} \
             ORDER BY c.name, c.id"
        ))
        .bind(reads_all(actor))
        .bind(actor.person)
        .fetch_all(&mut *tx)
        .await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(cohort_in(&mut tx, actor, id).await?);
        }
        Ok(out)
    }

    /// One cohort, if the actor may see it.
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a cohort that does not exist, is another
    /// organisation's or is not the actor's to see.
    pub async fn cohort(&self, actor: &Actor, id: CohortId) -> Result<Cohort> {
        let mut tx = self.scope(actor.org).await?;
        see_cohort(&mut tx, actor, id).await?;
        cohort_in(&mut tx, actor, id).await
    }

    /// One cohort for its coach's views of the members' progress (admins,
    /// and the cohort's coach): each look is in the audit trail, naming
    /// the view and whose journals it summarised.
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a cohort the actor cannot see;
    /// [`Kind::Forbidden`] for anyone but an admin or its coach.
    pub async fn coach_cohort(&self, actor: &Actor, id: CohortId, view: &str) -> Result<Cohort> {
        let mut tx = self.scope(actor.org).await?;
        manage_cohort(&mut tx, actor, id).await?;
        let c = cohort_in(&mut tx, actor, id).await?;
        let members: Vec<PersonId> = c.members.iter().map(|m| m.person).collect();
        audit(
            &mut tx,
            actor.org,
            Some(actor.person),
            "coach.view",
            Some(format!("cohort:{id}")),
            serde_json::json!({ "view": view, "members": members }),
        )
        .await?;
        tx.commit().await?;
        Ok(c)
    }

    /// The goals given to the actor (what their coaches' views summarise),
    /// as journal ids, oldest first.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn given_to_me(&self, actor: &Actor) -> Result<Vec<i64>> {
        let mut tx = self.scope(actor.org).await?;
        Ok(sqlx::query_scalar(
            "SELECT goal_id FROM given_goals WHERE org_id = mm_org() AND person_id = $1 \
             AND goal_id IS NOT NULL ORDER BY goal_id",
        )
        .bind(actor.person)
        .fetch_all(&mut *tx)
        .await?)
    }

    /// Add a member of the organisation to a cohort (admins, and the
    /// cohort's coach). Adding someone already in it changes nothing. The
    /// goals of the cohort's programmes are then theirs to give:
    /// [`GiveScope::Cohort`].
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a cohort the actor cannot see or a person who
    /// is not a member; [`Kind::Forbidden`] for a cohort they may not change.
    pub async fn add_to_cohort(
        &self,
        actor: &Actor,
        cohort: CohortId,
        person: PersonId,
    ) -> Result<Cohort> {
        let mut tx = self.scope(actor.org).await?;
        manage_cohort(&mut tx, actor, cohort).await?;
        member_in(&mut tx, person).await?;
        let added = sqlx::query(
            "INSERT INTO cohort_members (org_id, cohort_id, person_id, added_by) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(actor.org)
        .bind(cohort)
        .bind(person)
        .bind(actor.person)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if added > 0 {
            audit(
                &mut tx,
                actor.org,
                Some(actor.person),
                "cohort_add",
                Some(format!("cohort:{cohort}")),
                serde_json::json!({ "person": person }),
            )
            .await?;
        }
        let c = cohort_in(&mut tx, actor, cohort).await?;
        tx.commit().await?;
        Ok(c)
    }

    /// Take a person out of a cohort (admins, and the cohort's coach). The
    /// goals they were given stay in their journal, and are not given again
    /// if they come back.
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a cohort the actor cannot see or a person not
    /// in it; [`Kind::Forbidden`] for a cohort they may not change.
    pub async fn remove_from_cohort(
        &self,
        actor: &Actor,
        cohort: CohortId,
        person: PersonId,
    ) -> Result<Cohort> {
        let mut tx = self.scope(actor.org).await?;
        manage_cohort(&mut tx, actor, cohort).await?;
        let gone = sqlx::query(
            "DELETE FROM cohort_members WHERE org_id = mm_org() AND cohort_id = $1 AND person_id = $2",
        )
        .bind(cohort)
        .bind(person)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if gone == 0 {
            return Err(Error::not_found("member of this cohort"));
        }
        audit(
            &mut tx,
            actor.org,
            Some(actor.person),
            "cohort_remove",
            Some(format!("cohort:{cohort}")),
            serde_json::json!({ "person": person }),
        )
        .await?;
        let c = cohort_in(&mut tx, actor, cohort).await?;
        tx.commit().await?;
        Ok(c)
    }

    /// Assign a programme to a cohort (admins, and the cohort's coach; any
    /// programme of the organisation). Assigning it again changes nothing.
    /// Its goals are then the members' to give: [`GiveScope::Cohort`].
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a cohort or programme the actor cannot see;
    /// [`Kind::Forbidden`] for a cohort they may not change.
    pub async fn assign(
        &self,
        actor: &Actor,
        cohort: CohortId,
        programme: ProgrammeId,
    ) -> Result<Cohort> {
        let mut tx = self.scope(actor.org).await?;
        manage_cohort(&mut tx, actor, cohort).await?;
        see_programme(&mut tx, actor, programme).await?;
        // A programme being deleted now is waited for, then not found.
        lock_programme(&mut tx, programme, "SHARE").await?;
        let added = sqlx::query(
            "INSERT INTO cohort_programmes (org_id, cohort_id, programme_id, assigned_by) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(actor.org)
        .bind(cohort)
        .bind(programme)
        .bind(actor.person)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if added > 0 {
            audit(
                &mut tx,
                actor.org,
                Some(actor.person),
                "assign",
                Some(format!("cohort:{cohort}")),
                serde_json::json!({ "programme": programme }),
            )
            .await?;
        }
        let c = cohort_in(&mut tx, actor, cohort).await?;
        tx.commit().await?;
        Ok(c)
    }

    /// Unassign a programme from a cohort (admins, and the cohort's coach):
    /// a member who joins later is not given its goals. The goals it gave
    /// stay in the members' journals and on record, and are not given
    /// again should it be assigned again.
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a cohort the actor cannot see or a programme
    /// not assigned to it; [`Kind::Forbidden`] for a cohort they may not
    /// change.
    pub async fn unassign(
        &self,
        actor: &Actor,
        cohort: CohortId,
        programme: ProgrammeId,
    ) -> Result<Cohort> {
        let mut tx = self.scope(actor.org).await?;
        manage_cohort(&mut tx, actor, cohort).await?;
        let gone = sqlx::query(
            "DELETE FROM cohort_programmes WHERE org_id = mm_org() AND cohort_id = $1 \
             AND programme_id = $2",
        )
        .bind(cohort)
        .bind(programme)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if gone == 0 {
            return Err(Error::not_found("programme assigned to this cohort"));
        }
        audit(
            &mut tx,
            actor.org,
            Some(actor.person),
            "unassign",
            Some(format!("cohort:{cohort}")),
            serde_json::json!({ "programme": programme }),
        )
        .await?;
        let c = cohort_in(&mut tx, actor, cohort).await?;
        tx.commit().await?;
        Ok(c)
    }

    /// Claim the goals still to give in `scope` (each member of each cohort
    /// once per item of its programmes, not given yet, not being written by
    /// another server): the caller writes each into the person's journal
    /// and records the outcome. Admins, a cohort's coach, a programme's
    /// maker may.
    ///
    /// # Errors
    /// [`Kind::NotFound`] / [`Kind::Forbidden`] as for changing the cohort
    /// or programme.
    pub async fn claim_goals(&self, actor: &Actor, scope: GiveScope) -> Result<Vec<GoalToGive>> {
        let mut tx = self.scope(actor.org).await?;
        let (cohort, programme) = match scope {
            GiveScope::Cohort(c) => {
                manage_cohort(&mut tx, actor, c).await?;
                (Some(c), None)
            }
            GiveScope::Programme(p) => {
                manage_programme(&mut tx, actor, p).await?;
                (None, Some(p))
            }
        };
        // Every (item, person) owed, once (the first cohort it comes
        // through), claimed in one statement: a row already given, or
        // claimed by another server within the claim's time, is left alone.
        // An item removed from its programme is owed to nobody any more.
        let claimed: Vec<(i64, i64, i64, String, i32, Option<String>)> = sqlx::query_as(
            "INSERT INTO given_goals (org_id, item_id, person_id, cohort_id, claimed_at, claimed_name) \
             SELECT DISTINCT ON (i.id, m.person_id) mm_org(), i.id, m.person_id, m.cohort_id, now(), \
                 i.name \
             FROM cohort_members m \
             JOIN cohort_programmes cp ON cp.org_id = m.org_id AND cp.cohort_id = m.cohort_id \
             JOIN programme_items i ON i.org_id = cp.org_id AND i.programme_id = cp.programme_id \
                 AND i.removed_at IS NULL \
             JOIN people p ON p.org_id = m.org_id AND p.id = m.person_id AND p.disabled_at IS NULL \
             WHERE m.org_id = mm_org() AND ($1::BIGINT IS NULL OR m.cohort_id = $1) \
               AND ($2::BIGINT IS NULL OR cp.programme_id = $2) \
             ORDER BY i.id, m.person_id, m.cohort_id \
             ON CONFLICT (org_id, item_id, person_id) DO UPDATE \
                 SET claimed_at = now(), attempts = given_goals.attempts + 1, \
                     claimed_name = coalesce(given_goals.claimed_name, EXCLUDED.claimed_name) \
                 WHERE given_goals.goal_id IS NULL AND (given_goals.claimed_at IS NULL \
                     OR given_goals.claimed_at < now() - make_interval(secs => $3)) \
             RETURNING item_id, person_id, cohort_id, mm_iso(first_claimed_at), attempts, \
                 claimed_name",
        )
        .bind(cohort)
        .bind(programme)
        .bind(f64::from(CLAIM_SECONDS))
        .fetch_all(&mut *tx)
        .await?;
        let mut out = Vec::with_capacity(claimed.len());
        for (item_id, person, cohort, since, attempts, first_name) in claimed {
            let row: ItemRow = sqlx::query_as(&format!("{ITEM_SQL} AND i.id = $1"))
                .bind(item_id)
                .fetch_one(&mut *tx)
                .await?;
            let item = item(row)?;
            out.push(GoalToGive {
                org: actor.org,
                person,
                cohort,
                first_name: first_name.unwrap_or_else(|| item.name.clone()),
                item,
                since: parse_time(&since)?,
                retry: attempts > 1,
            });
        }
        tx.commit().await?;
        out.sort_by_key(|g| (g.person, g.item.id));
        Ok(out)
    }

    /// Record that `given`'s goal is in the person's journal as `goal`.
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a goal not claimed in the actor's organisation.
    pub async fn record_given(&self, actor: &Actor, given: &GoalToGive, goal: i64) -> Result<()> {
        self.settle(actor, given, Some(goal), None).await
    }

    /// Record that writing `given`'s goal failed, and why; the claim is
    /// released for a retry.
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a goal not claimed in the actor's organisation.
    pub async fn record_failure(
        &self,
        actor: &Actor,
        given: &GoalToGive,
        message: &str,
    ) -> Result<()> {
        let message: String = message.chars().take(1000).collect();
        self.settle(actor, given, None, Some(&message)).await
    }

    /// Record that `given`'s goal was not given on purpose, and why (its
    /// date deadline has passed): shown where the failures are, audited,
    /// and taken up again by the next attempt (after the item changes).
    ///
    /// # Errors
    /// [`Kind::NotFound`] for a goal not claimed in the actor's organisation.
    pub async fn record_not_given(
        &self,
        actor: &Actor,
        given: &GoalToGive,
        reason: &str,
    ) -> Result<()> {
        let reason: String = reason.chars().take(1000).collect();
        self.settle_as(actor, given, None, Some(&reason), true)
            .await
    }

    async fn settle(
        &self,
        actor: &Actor,
        given: &GoalToGive,
        goal: Option<i64>,
        error: Option<&str>,
    ) -> Result<()> {
        self.settle_as(actor, given, goal, error, false).await
    }

    async fn settle_as(
        &self,
        actor: &Actor,
        given: &GoalToGive,
        goal: Option<i64>,
        error: Option<&str>,
        audited: bool,
    ) -> Result<()> {
        if given.org != actor.org {
            return Err(Error::not_found("goal to give"));
        }
        let mut tx = self.scope(actor.org).await?;
        let n = sqlx::query(
            "UPDATE given_goals SET goal_id = $3, given_at = CASE WHEN $3::BIGINT IS NULL THEN NULL \
             ELSE now() END, error = $4, claimed_at = NULL \
             WHERE org_id = mm_org() AND item_id = $1 AND person_id = $2 AND goal_id IS NULL",
        )
        .bind(given.item.id)
        .bind(given.person)
        .bind(goal)
        .bind(error)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(Error::not_found("goal to give"));
        }
        if let Some(g) = goal {
            audit(
                &mut tx,
                actor.org,
                Some(actor.person),
                "goal_given",
                Some(format!("person:{}", given.person)),
                serde_json::json!({ "item": given.item.id, "cohort": given.cohort, "goal": g }),
            )
            .await?;
        } else if audited {
            audit(
                &mut tx,
                actor.org,
                Some(actor.person),
                "goal_not_given",
                Some(format!("person:{}", given.person)),
                serde_json::json!({ "item": given.item.id, "cohort": given.cohort, "reason": error }),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Lock programme `id` (not deleted) `FOR UPDATE` or `FOR SHARE` to the
/// transaction's end.
async fn lock_programme(
    tx: &mut Transaction<'static, Postgres>,
    id: ProgrammeId,
    strength: &'static str,
) -> Result<()> {
    let found: Option<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM programmes WHERE org_id = mm_org() AND id = $1 AND archived_at IS NULL \
         FOR {strength}"
    ))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    found
        .map(|_| ())
        .ok_or_else(|| Error::not_found("programme"))
}

/// The fields that differ between two versions of a record, each as
/// `{"from": …, "to": …}`: what the audit trail keeps of a change.
fn changes<T: Serialize>(before: &T, after: &T) -> serde_json::Map<String, serde_json::Value> {
    let (Ok(serde_json::Value::Object(b)), Ok(serde_json::Value::Object(a))) =
        (serde_json::to_value(before), serde_json::to_value(after))
    else {
        return serde_json::Map::new();
    };
    a.into_iter()
        .filter(|(k, v)| b.get(k) != Some(v))
        .map(|(k, v)| {
            let from = b.get(&k).cloned().unwrap_or(serde_json::Value::Null);
            (k, serde_json::json!({ "from": from, "to": v }))
        })
        .collect()
}

/// A unique violation as `message`; anything else as it is.
fn conflict(e: sqlx::Error, message: String) -> Error {
    match Error::from(e) {
        c if c.kind() == Kind::Conflict => Error::new(Kind::Conflict, message),
        other => other,
    }
}

async fn see_programme(
    tx: &mut Transaction<'static, Postgres>,
    actor: &Actor,
    id: ProgrammeId,
) -> Result<()> {
    let seen: bool = sqlx::query_scalar(&format!(
        "SELECT EXISTS (SELECT 1 FROM programmes p WHERE p.org_id = mm_org() AND p.id = $3 \
         AND {PROGRAMME_SEEN})"
    ))
    .bind(reads_all(actor) || actor.has(Role::Coach))
    .bind(actor.person)
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    if seen {
        Ok(())
    } else {
        Err(Error::not_found("programme"))
    }
}

/// That the actor may change programme `id`: an admin, or the coach who made it.
async fn manage_programme(
    tx: &mut Transaction<'static, Postgres>,
    actor: &Actor,
    id: ProgrammeId,
) -> Result<()> {
    see_programme(tx, actor, id).await?;
    let maker: PersonId =
        sqlx::query_scalar("SELECT created_by FROM programmes WHERE org_id = mm_org() AND id = $1")
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
    if manages_all(actor) || (actor.has(Role::Coach) && maker == actor.person) {
        Ok(())
    } else {
        Err(Error::forbidden(
            "only an admin or the coach who made this programme may change it",
        ))
    }
}

async fn see_cohort(
    tx: &mut Transaction<'static, Postgres>,
    actor: &Actor,
    id: CohortId,
) -> Result<Option<PersonId>> {
    let row: Option<Option<PersonId>> = sqlx::query_scalar(&format!(
        "SELECT c.coach_id FROM cohorts c WHERE c.org_id = mm_org() AND c.id = $3 AND {COHORT_SEEN}"
    ))
    .bind(reads_all(actor))
    .bind(actor.person)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    row.ok_or_else(|| Error::not_found("cohort"))
}

/// That the actor may change cohort `id`: an admin, or its coach. A cohort
/// they cannot see is not found; one they see (they are in it) forbidden.
pub(crate) async fn manage_cohort(
    tx: &mut Transaction<'static, Postgres>,
    actor: &Actor,
    id: CohortId,
) -> Result<()> {
    let coach = see_cohort(tx, actor, id).await?;
    if manages_all(actor) || (actor.has(Role::Coach) && coach == Some(actor.person)) {
        Ok(())
    } else {
        Err(Error::forbidden(
            "only an admin or the cohort's coach may change it",
        ))
    }
}

async fn programme_in(
    tx: &mut Transaction<'static, Postgres>,
    id: ProgrammeId,
) -> Result<Programme> {
    let row: Option<(i64, String, String, String, i64, String)> = sqlx::query_as(
        "SELECT id, slug, name, description, created_by, mm_iso(created_at) FROM programmes \
         WHERE org_id = mm_org() AND id = $1 AND archived_at IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let (id, slug, name, description, created_by, created) =
        row.ok_or_else(|| Error::not_found("programme"))?;
    let items: Vec<ItemRow> = sqlx::query_as(&format!(
        "{ITEM_SQL} AND i.programme_id = $1 ORDER BY i.position"
    ))
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(Programme {
        id,
        slug,
        name,
        description,
        created_by,
        created_at: parse_time(&created)?,
        items: items.into_iter().map(item).collect::<Result<_>>()?,
    })
}

/// Cohort `id` as `actor` sees it (a learner: only themself among the
/// members and the goals).
async fn cohort_in(
    tx: &mut Transaction<'static, Postgres>,
    actor: &Actor,
    id: CohortId,
) -> Result<Cohort> {
    let row: Option<(i64, String, Option<i64>, String)> = sqlx::query_as(
        "SELECT id, name, coach_id, mm_iso(created_at) FROM cohorts WHERE org_id = mm_org() AND id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let (id, name, coach, created) = row.ok_or_else(|| Error::not_found("cohort"))?;
    // Everyone for those who manage or read all; else only the actor.
    let all = reads_all(actor) || (actor.has(Role::Coach) && coach == Some(actor.person));
    let members: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT p.id, p.name, p.email, mm_iso(m.added_at) FROM cohort_members m \
         JOIN people p ON p.org_id = m.org_id AND p.id = m.person_id \
         WHERE m.org_id = mm_org() AND m.cohort_id = $1 AND p.disabled_at IS NULL \
           AND ($2 OR m.person_id = $3) ORDER BY p.name, p.id",
    )
    .bind(id)
    .bind(all)
    .bind(actor.person)
    .fetch_all(&mut **tx)
    .await?;
    let programmes: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT p.id, p.slug, p.name, mm_iso(cp.assigned_at) FROM cohort_programmes cp \
         JOIN programmes p ON p.org_id = cp.org_id AND p.id = cp.programme_id \
         WHERE cp.org_id = mm_org() AND cp.cohort_id = $1 ORDER BY cp.assigned_at, p.id",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    // Each member's state for each item of the cohort's programmes; of an
    // item since removed, only the goals given (nothing more is owed).
    let goals: Vec<(i64, i64, Option<i64>, Option<String>)> = sqlx::query_as(
        "SELECT m.person_id, i.id, g.goal_id, g.error FROM cohort_members m \
         JOIN people p ON p.org_id = m.org_id AND p.id = m.person_id AND p.disabled_at IS NULL \
         JOIN cohort_programmes cp ON cp.org_id = m.org_id AND cp.cohort_id = m.cohort_id \
         JOIN programme_items i ON i.org_id = cp.org_id AND i.programme_id = cp.programme_id \
         LEFT JOIN given_goals g ON g.org_id = m.org_id AND g.item_id = i.id \
             AND g.person_id = m.person_id \
         WHERE m.org_id = mm_org() AND m.cohort_id = $1 AND ($2 OR m.person_id = $3) \
           AND (i.removed_at IS NULL OR g.goal_id IS NOT NULL) \
         ORDER BY m.person_id, i.id",
    )
    .bind(id)
    .bind(all)
    .bind(actor.person)
    .fetch_all(&mut **tx)
    .await?;
    let mut given: Vec<GivenGoal> = goals
        .into_iter()
        .map(|(person, item, goal, error)| GivenGoal {
            person,
            item,
            state: match (goal, &error) {
                (Some(_), _) => GivenState::Given,
                (None, Some(_)) => GivenState::Failed,
                (None, None) => GivenState::Pending,
            },
            goal,
            error,
        })
        .collect();
    // An item in two of the cohort's programmes counts once.
    given.dedup_by_key(|g| (g.person, g.item));
    Ok(Cohort {
        id,
        name,
        coach,
        created_at: parse_time(&created)?,
        members: members
            .into_iter()
            .map(|(person, name, email, added)| {
                Ok(CohortMember {
                    person,
                    name,
                    email,
                    added_at: parse_time(&added)?,
                })
            })
            .collect::<Result<_>>()?,
        programmes: programmes
            .into_iter()
            .map(|(programme, slug, name, at)| {
                Ok(AssignedProgramme {
                    programme,
                    slug,
                    name,
                    assigned_at: parse_time(&at)?,
                })
            })
            .collect::<Result<_>>()?,
        goals: given,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_catalogue_item_copies_the_entry_and_own_items_need_every_part() {
        let entry = &mm_micro::catalogue::curated().entries()[0];
        let d = item_of(
            NewItem {
                catalogue_id: Some(entry.id.clone()),
                deadline: Some(DeadlineRule::Weeks(3)),
                weekly_minutes: Some(90),
                ..NewItem::default()
            },
            None,
        )
        .unwrap();
        assert_eq!(d.name, entry.name);
        assert_eq!(d.done_when, entry.done_when);
        assert_eq!(d.principles.len(), entry.principles.len());
        assert_eq!(d.hours, entry.hours);
        assert_eq!(d.catalogue_id.as_deref(), Some(entry.id.as_str()));
        let e = item_of(
            NewItem {
                catalogue_id: Some("no-such-micro-skill".into()),
                ..NewItem::default()
            },
            None,
        )
        .err()
        .unwrap();
        assert_eq!(e.field(), Some("catalogue_id"));
        let own = || NewItem {
            name: Some("Write a test".into()),
            principles: Some(vec![ItemPrinciple {
                name: "Arrange, act, assert".into(),
                description: None,
            }]),
            done_when: Some(vec!["A failing test passes".into()]),
            deadline: Some(DeadlineRule::Weeks(2)),
            weekly_minutes: Some(60),
            ..NewItem::default()
        };
        assert!(item_of(own(), None).is_ok());
        for (bad, field) in [
            (
                NewItem {
                    name: None,
                    ..own()
                },
                "name",
            ),
            (
                NewItem {
                    done_when: Some(vec![]),
                    ..own()
                },
                "done_when",
            ),
            (
                NewItem {
                    principles: None,
                    ..own()
                },
                "principles",
            ),
            (
                NewItem {
                    deadline: None,
                    ..own()
                },
                "deadline",
            ),
            (
                NewItem {
                    deadline: Some(DeadlineRule::Weeks(0)),
                    ..own()
                },
                "deadline",
            ),
            (
                NewItem {
                    weekly_minutes: Some(0),
                    ..own()
                },
                "weekly_minutes",
            ),
            (
                NewItem {
                    weekly_minutes: None,
                    ..own()
                },
                "weekly_minutes",
            ),
            (
                NewItem {
                    level: Some(6),
                    ..own()
                },
                "level",
            ),
            (
                NewItem {
                    name: Some("a\nb".into()),
                    ..own()
                },
                "name",
            ),
        ] {
            assert_eq!(item_of(bad, None).err().unwrap().field(), Some(field));
        }
    }

    #[test]
    fn a_date_deadline_before_today_is_refused_in_words_and_today_is_kept() {
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        let on = |d: &str| NewItem {
            catalogue_id: Some(mm_micro::catalogue::curated().entries()[0].id.clone()),
            deadline: Some(DeadlineRule::Date(day(d))),
            weekly_minutes: Some(60),
            ..NewItem::default()
        };
        let today = Some(day("2026-03-10"));
        let e = item_of(on("2020-01-01"), today).err().unwrap();
        assert_eq!(e.field(), Some("deadline"));
        assert_eq!(
            e.to_string(),
            "2020-01-01 has passed everywhere: give 2026-03-10 or a later date, or a number of weeks"
        );
        assert!(item_of(on("2026-03-09"), today).is_err());
        assert!(item_of(on("2026-03-10"), today).is_ok());
        // Without a day to compare (a stored rule kept as it is), no refusal.
        assert!(item_of(on("2020-01-01"), None).is_ok());
    }

    #[test]
    fn a_change_is_recorded_as_the_fields_that_differ_from_and_to() {
        let before = serde_json::json!({ "name": "a", "weekly_minutes": 90, "level": 3 });
        let after = serde_json::json!({ "name": "a", "weekly_minutes": 45, "level": 3 });
        let c = changes(&before, &after);
        assert_eq!(c.len(), 1);
        assert_eq!(
            c["weekly_minutes"],
            serde_json::json!({ "from": 90, "to": 45 })
        );
        assert!(changes(&before, &before).is_empty());
    }

    #[test]
    fn deadline_rules_read_as_json_and_as_goal_input() {
        let w: DeadlineRule = serde_json::from_str(r#"{"weeks": 4}"#).unwrap();
        assert_eq!(w.as_input(), "+4w");
        let d: DeadlineRule = serde_json::from_str(r#"{"date": "2026-12-08"}"#).unwrap();
        assert_eq!(d.as_input(), "2026-12-08");
        assert!(serde_json::from_str::<DeadlineRule>(r#"{"months": 1}"#).is_err());
    }
}
