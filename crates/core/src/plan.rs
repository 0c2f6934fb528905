//! Planning to the deadline: the goal's remaining minutes become dated,
//! focused practice blocks inside the person's availability.
//!
//! The planner follows what the research on learning says works:
//! - **focused blocks** of a sensible length (25 to 50 minutes by default), not
//!   marathons;
//! - **spacing**: practice follows a straight line from today to the deadline,
//!   so it is spread over the days and never piled up at the end. A day only
//!   takes more than its share when the windows left afterwards could not hold
//!   the rest;
//! - **application at once**: from the first week on, the second session of
//!   each week (the first if there is only one) is an application checkpoint;
//! - **reflection**: each week with practice ends with a short reflection.
//!
//! Re-planning is the same computation from a later `now` with the minutes done
//! so far: missed sessions are spread over the time left, without blame. When
//! the windows left cannot hold the minutes, [`PlanOutcome::Short`] says how many
//! minutes are missing and offers the two honest options: extend (with a
//! reason) or narrow the done-when criteria.
//!
//! ```
//! use chrono::{NaiveDate, TimeZone, Utc};
//! use mm_core::availability::Availability;
//! use mm_core::plan::{make_plan, PlanOutcome, PlanRequest, PlanSettings};
//! # use mm_core::*;
//! # let goal = Goal { id: GoalId(1), micro_skill_id: MicroSkillId(1), target_level: Level::Competent,
//! #   state: GoalState::Active, start: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
//! #   deadline: NaiveDate::from_ymd_opt(2026, 12, 20).unwrap(), weekly_minutes: 150,
//! #   criteria: vec![], extensions: vec![], created_at: Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap(), closed_at: None, abandon_reason: None };
//! let availability = Availability::parse("mon-fri 07:00-07:40, sat 10:00-11:30", "Europe/Paris").unwrap();
//! let now = Utc.with_ymd_and_hms(2026, 11, 23, 5, 0, 0).unwrap();
//! let req = PlanRequest { goal: &goal, availability: &availability, minutes_done: 0, now,
//!                         settings: PlanSettings::default(), aim: "pivot tables" };
//! let PlanOutcome::Fits(plan) = make_plan(&req).unwrap() else { panic!("fits") };
//! assert!(plan.practice_minutes() >= goal.planned_minutes());
//! ```

use crate::availability::{Availability, Slot};
use crate::error::{Error, Result};
use crate::model::{Goal, GoalState, Session, Week};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// How blocks are cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanSettings {
    /// Shortest focused block worth scheduling, in minutes.
    pub min_block: u32,
    /// Longest focused block before attention fades, in minutes.
    pub max_block: u32,
    /// Rest between two blocks in one window.
    pub break_minutes: u32,
    /// Length of the weekly reflection.
    pub reflection_minutes: u32,
}

impl Default for PlanSettings {
    fn default() -> Self {
        PlanSettings {
            min_block: 25,
            max_block: 50,
            break_minutes: 10,
            reflection_minutes: 15,
        }
    }
}

impl PlanSettings {
    /// Check the numbers make sense together.
    ///
    /// # Errors
    /// [`Error::Invalid`] when a block is zero or the shortest is longer than the longest.
    pub fn validate(&self) -> Result<()> {
        if self.min_block == 0 || self.max_block == 0 {
            return Err(Error::invalid(
                "a practice block must be at least one minute",
            ));
        }
        if self.min_block > self.max_block {
            return Err(Error::invalid(format!(
                "the shortest block ({}m) is longer than the longest ({}m)",
                self.min_block, self.max_block
            )));
        }
        Ok(())
    }
}

/// What a planned item is for.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A focused, deliberate practice block.
    Practice,
    /// A practice block that ends by applying the skill on a real task.
    Apply,
    /// The weekly look back: what worked, what did not, what next.
    Reflect,
}

impl ItemKind {
    /// The stable name used in storage, JSON and calendar UIDs.
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Practice => "practice",
            ItemKind::Apply => "apply",
            ItemKind::Reflect => "reflect",
        }
    }
    /// Whether the item counts as practice minutes.
    pub fn is_practice(self) -> bool {
        matches!(self, ItemKind::Practice | ItemKind::Apply)
    }
}

/// One dated item of a plan.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedItem {
    pub kind: ItemKind,
    /// Local calendar date.
    pub date: NaiveDate,
    /// Local wall-clock start.
    pub local_start: NaiveDateTime,
    pub start: DateTime<Utc>,
    pub minutes: u32,
    pub week: Week,
    /// Stable key: the same goal, day, kind and order give the same key, so a
    /// re-export updates a calendar event instead of duplicating it.
    pub key: String,
    /// What to do, in one line.
    pub title: String,
}

impl PlannedItem {
    /// When it ends.
    pub fn end(&self) -> DateTime<Utc> {
        self.start + Duration::minutes(i64::from(self.minutes))
    }
}

/// The dated sessions from now to the deadline.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub goal_id: crate::GoalId,
    pub made_at: DateTime<Utc>,
    /// First local day the plan covers.
    pub from: NaiveDate,
    pub deadline: NaiveDate,
    /// IANA zone the local times are in.
    pub tz: String,
    /// Minutes still needed when the plan was made.
    pub minutes_needed: u32,
    pub items: Vec<PlannedItem>,
}

impl Plan {
    /// Practice minutes the plan schedules (application blocks included).
    pub fn practice_minutes(&self) -> u32 {
        self.items
            .iter()
            .filter(|i| i.kind.is_practice())
            .map(|i| i.minutes)
            .sum()
    }
    /// Practice minutes planned on or before `date`.
    pub fn practice_minutes_by(&self, date: NaiveDate) -> u32 {
        self.items
            .iter()
            .filter(|i| i.kind.is_practice() && i.date <= date)
            .map(|i| i.minutes)
            .sum()
    }
    /// The next item that has not started at `now`.
    pub fn next_item(&self, now: DateTime<Utc>) -> Option<&PlannedItem> {
        self.items.iter().find(|i| i.start >= now)
    }
}

/// Why the windows cannot hold the goal, and the honest ways out.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shortfall {
    pub minutes_needed: u32,
    /// What the windows can hold before the deadline, in focused blocks.
    pub minutes_available: u32,
    pub minutes_missing: u32,
    pub deadline: NaiveDate,
    /// The earliest deadline the same windows would meet, if any within two years.
    pub extend_to: Option<NaiveDate>,
    /// Windows too short to hold even one focused block.
    pub windows_too_short: Vec<String>,
}

/// The planner's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PlanOutcome {
    Fits(Plan),
    Short(Shortfall),
}

/// Everything the planner weighs.
#[derive(Debug, Clone, Copy)]
pub struct PlanRequest<'a> {
    pub goal: &'a Goal,
    pub availability: &'a Availability,
    /// Focused minutes already practised for this goal.
    pub minutes_done: u32,
    pub now: DateTime<Utc>,
    pub settings: PlanSettings,
    /// The micro-skill, to title the sessions.
    pub aim: &'a str,
}

/// Where a block can go: fixed positions inside a window, filled greedily.
#[derive(Debug, Clone, Copy)]
struct BlockSlot {
    start: DateTime<Utc>,
    local_start: NaiveDateTime,
    cap: u32,
}

fn block_slots(slot: &Slot, s: &PlanSettings) -> Vec<BlockSlot> {
    let mut out = Vec::new();
    let mut offset = 0u32;
    let total = slot.minutes();
    while total.saturating_sub(offset) >= s.min_block {
        let cap = (total - offset).min(s.max_block);
        let d = Duration::minutes(i64::from(offset));
        out.push(BlockSlot {
            start: slot.start + d,
            local_start: slot.local_start + d,
            cap,
        });
        offset += cap + s.break_minutes;
    }
    out
}

fn round_up5(m: u32) -> u32 {
    m.div_ceil(5) * 5
}

/// Plan the goal from `now` to its deadline.
///
/// # Errors
/// [`Error::Invalid`] for an achieved or abandoned goal, a deadline already
/// past, or settings that do not make sense. A plan that does not fit is not
/// an error but [`PlanOutcome::Short`].
pub fn make_plan(req: &PlanRequest<'_>) -> Result<PlanOutcome> {
    let s = req.settings;
    s.validate()?;
    let goal = req.goal;
    if matches!(goal.state, GoalState::Achieved | GoalState::Abandoned) {
        return Err(Error::invalid(format!(
            "goal {} is {}: there is nothing left to plan",
            goal.id, goal.state
        )));
    }
    let av = req.availability;
    let today = av.local_date(req.now);
    if goal.deadline < today {
        return Err(Error::invalid(format!(
            "the deadline of goal {} ({}) has passed: extend it, with a reason, before planning",
            goal.id, goal.deadline
        )));
    }
    let from = today.max(goal.start);
    let needed = goal.planned_minutes().saturating_sub(req.minutes_done);

    // Block positions per day, only those not yet started.
    let mut days: BTreeMap<NaiveDate, Vec<BlockSlot>> = BTreeMap::new();
    for slot in av.slots(from, goal.deadline) {
        if slot.start < req.now {
            continue;
        }
        days.entry(slot.date)
            .or_default()
            .extend(block_slots(&slot, &s));
    }
    let capacity: u32 = days.values().flatten().map(|b| b.cap).sum();
    if capacity < needed {
        return Ok(PlanOutcome::Short(shortfall(req, from, needed, capacity)));
    }

    let n_days = (goal.deadline - from).num_days() + 1;
    // Capacity on the days after each day, for the must-do check.
    let day_caps: Vec<(NaiveDate, u32)> = days
        .iter()
        .map(|(d, b)| (*d, b.iter().map(|x| x.cap).sum()))
        .collect();
    let mut after: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    let mut acc = 0u32;
    for (d, c) in day_caps.iter().rev() {
        after.insert(*d, acc);
        acc += c;
    }

    let mut items = Vec::new();
    let mut cum = 0u32;
    for (date, blocks) in &days {
        if cum >= needed {
            break;
        }
        let i = (*date - from).num_days() + 1;
        let line = (f64::from(needed) * i as f64 / n_days as f64).ceil() as u32;
        let want = line.saturating_sub(cum);
        let must = needed.saturating_sub(cum + after[date]);
        let mut todo = if want * 2 >= s.min_block { want } else { 0 }.max(must);
        for b in blocks {
            if todo == 0 || cum >= needed {
                break;
            }
            let left = needed - cum;
            let len = round_up5(todo.min(left)).max(s.min_block).min(b.cap);
            items.push(PlannedItem {
                kind: ItemKind::Practice,
                date: *date,
                local_start: b.local_start,
                start: b.start,
                minutes: len,
                week: Week::of(*date),
                key: String::new(),
                title: format!("Focused practice: {}", req.aim),
            });
            cum += len;
            todo = todo.saturating_sub(len);
        }
    }
    mark_checkpoints(&mut items, req);
    Ok(PlanOutcome::Fits(Plan {
        goal_id: goal.id,
        made_at: req.now,
        from,
        deadline: goal.deadline,
        tz: av.tz.name().to_string(),
        minutes_needed: needed,
        items,
    }))
}

fn mark_checkpoints(items: &mut Vec<PlannedItem>, req: &PlanRequest<'_>) {
    let mut weeks: BTreeMap<Week, Vec<usize>> = BTreeMap::new();
    for (i, it) in items.iter().enumerate() {
        weeks.entry(it.week).or_default().push(i);
    }
    let mut reflections = Vec::new();
    for idx in weeks.values() {
        let apply = idx[1.min(idx.len() - 1)];
        items[apply].kind = ItemKind::Apply;
        items[apply].title = format!(
            "Practice, then apply at once on a real task: {} (then record the application)",
            req.aim
        );
        let last = &items[idx[idx.len() - 1]];
        let d = Duration::minutes(i64::from(last.minutes));
        reflections.push(PlannedItem {
            kind: ItemKind::Reflect,
            date: last.date,
            local_start: last.local_start + d,
            start: last.start + d,
            minutes: req.settings.reflection_minutes,
            week: last.week,
            key: String::new(),
            title: format!(
                "Weekly reflection on {}: what worked, what did not, what next",
                req.aim
            ),
        });
    }
    items.extend(reflections);
    items.sort_by(|a, b| a.start.cmp(&b.start).then(a.kind.cmp(&b.kind)));
    let mut per_day: BTreeMap<(NaiveDate, ItemKind), u32> = BTreeMap::new();
    for it in items.iter_mut() {
        let n = per_day.entry((it.date, it.kind)).or_default();
        *n += 1;
        it.key = format!(
            "goal{}-{}-{}-{}",
            req.goal.id,
            it.date.format("%Y%m%d"),
            it.kind.as_str(),
            n
        );
    }
}

fn shortfall(req: &PlanRequest<'_>, from: NaiveDate, needed: u32, capacity: u32) -> Shortfall {
    let s = req.settings;
    let windows_too_short = req
        .availability
        .windows
        .iter()
        .filter(|w| w.minutes() < s.min_block)
        .map(ToString::to_string)
        .collect();
    // How far the same windows would have to run to hold the minutes.
    let mut extend_to = None;
    if req
        .availability
        .windows
        .iter()
        .any(|w| w.minutes() >= s.min_block)
    {
        let mut have = capacity;
        let mut d = req.goal.deadline;
        let limit = req.goal.deadline + Duration::days(730);
        while d < limit {
            d += Duration::days(1);
            for slot in req.availability.slots(d, d) {
                if slot.start >= req.now {
                    have += block_slots(&slot, &s).iter().map(|b| b.cap).sum::<u32>();
                }
            }
            if have >= needed {
                extend_to = Some(d);
                break;
            }
        }
    }
    let _ = from;
    Shortfall {
        minutes_needed: needed,
        minutes_available: capacity,
        minutes_missing: needed - capacity,
        deadline: req.goal.deadline,
        extend_to,
        windows_too_short,
    }
}

/// Planned practice items of an earlier plan that passed before `now` with no
/// practice logged for the goal on that local day. They are not a failure: a
/// new plan spreads their minutes over the time left.
pub fn missed<'p>(
    previous: &'p Plan,
    sessions: &[Session],
    now: DateTime<Utc>,
    av: &Availability,
) -> Vec<&'p PlannedItem> {
    let practised: BTreeSet<NaiveDate> = sessions
        .iter()
        .filter(|s| s.goal_id == previous.goal_id)
        .map(|s| av.local_date(s.started_at))
        .collect();
    previous
        .items
        .iter()
        .filter(|i| i.kind.is_practice() && i.end() <= now && !practised.contains(&i.date))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::*;
    use crate::model::*;
    use chrono::{Datelike, TimeZone};

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    fn goal(start: NaiveDate, deadline: NaiveDate, weekly: u32) -> Goal {
        Goal {
            id: GoalId(3),
            micro_skill_id: MicroSkillId(1),
            target_level: Level::Competent,
            state: GoalState::Active,
            start,
            deadline,
            weekly_minutes: weekly,
            criteria: vec![],
            extensions: vec![],
            created_at: Utc.with_ymd_and_hms(2026, 11, 20, 8, 0, 0).unwrap(),
            closed_at: None,
            abandon_reason: None,
        }
    }

    fn plan(g: &Goal, av: &str, tz: &str, now: DateTime<Utc>, done: u32) -> PlanOutcome {
        let a = Availability::parse(av, tz).unwrap();
        make_plan(&PlanRequest {
            goal: g,
            availability: &a,
            minutes_done: done,
            now,
            settings: PlanSettings::default(),
            aim: "pivot tables",
        })
        .unwrap()
    }

    fn fits(o: PlanOutcome) -> Plan {
        match o {
            PlanOutcome::Fits(p) => p,
            PlanOutcome::Short(s) => panic!("expected a fit: {s:?}"),
        }
    }

    // Monday 2026-11-23, 04:00 UTC (05:00 in Paris), four weeks to Sunday 2026-12-20.
    fn monday() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 4, 0, 0).unwrap()
    }

    #[test]
    fn blocks_are_focused_and_inside_the_windows() {
        let g = goal(d(11, 23), d(12, 20), 150);
        let p = fits(plan(
            &g,
            "mon-fri 07:00-07:40, sat 10:00-11:30",
            "Europe/Paris",
            monday(),
            0,
        ));
        assert!(p.practice_minutes() >= g.planned_minutes());
        assert!(
            p.practice_minutes() < g.planned_minutes() + 30,
            "no large overshoot"
        );
        for it in p.items.iter().filter(|i| i.kind.is_practice()) {
            assert!((25..=50).contains(&it.minutes), "{it:?}");
            let t = it.local_start.time();
            let weekday = it.date.weekday().num_days_from_monday();
            if weekday < 5 {
                assert!(t >= chrono::NaiveTime::from_hms_opt(7, 0, 0).unwrap());
                assert!(it.minutes <= 40);
            } else {
                assert_eq!(weekday, 5, "only Saturday at the weekend");
            }
            assert_eq!(it.local_start.date(), it.date);
        }
    }

    #[test]
    fn practice_is_spread_not_crammed() {
        let g = goal(d(11, 23), d(12, 20), 150);
        let p = fits(plan(&g, "daily 07:00-08:00", "UTC", monday(), 0));
        // Every week gets about its share: no week holds more than 40% of the plan.
        let total = p.practice_minutes();
        let mut per_week: BTreeMap<Week, u32> = BTreeMap::new();
        for it in p.items.iter().filter(|i| i.kind.is_practice()) {
            *per_week.entry(it.week).or_default() += it.minutes;
        }
        assert_eq!(per_week.len(), 4, "{per_week:?}");
        for (w, m) in &per_week {
            assert!(*m * 100 <= total * 40, "{w} holds {m} of {total}");
        }
        // The first half of the time holds about half the practice.
        let half = p.practice_minutes_by(d(12, 6));
        assert!(half * 100 >= total * 40, "{half} of {total} by mid-plan");
        // Spacing: at least three distinct days a week.
        let days: BTreeSet<_> = p.items.iter().map(|i| i.date).collect();
        assert!(days.len() >= 12, "{}", days.len());
    }

    #[test]
    fn application_from_week_one_and_a_reflection_each_week() {
        let g = goal(d(11, 23), d(12, 20), 150);
        let p = fits(plan(
            &g,
            "mon-fri 07:00-07:40, sat 10:00-11:30",
            "Europe/Paris",
            monday(),
            0,
        ));
        let weeks: BTreeSet<Week> = p.items.iter().map(|i| i.week).collect();
        for w in &weeks {
            let of_week: Vec<_> = p.items.iter().filter(|i| i.week == *w).collect();
            assert_eq!(
                of_week.iter().filter(|i| i.kind == ItemKind::Apply).count(),
                1,
                "{w}"
            );
            assert_eq!(
                of_week
                    .iter()
                    .filter(|i| i.kind == ItemKind::Reflect)
                    .count(),
                1,
                "{w}"
            );
            assert_eq!(
                of_week.last().unwrap().kind,
                ItemKind::Reflect,
                "reflection ends {w}"
            );
        }
        let first_apply = p.items.iter().find(|i| i.kind == ItemKind::Apply).unwrap();
        assert_eq!(first_apply.week, Week::of(d(11, 23)));
    }

    #[test]
    fn keys_are_stable_and_unique() {
        let g = goal(d(11, 23), d(12, 20), 120);
        let av = "mon 07:00-09:00, thu 07:00-07:40";
        let a = fits(plan(&g, av, "Europe/Paris", monday(), 0));
        let b = fits(plan(
            &g,
            av,
            "Europe/Paris",
            monday() + Duration::minutes(5),
            0,
        ));
        let keys: BTreeSet<_> = a.items.iter().map(|i| i.key.clone()).collect();
        assert_eq!(keys.len(), a.items.len(), "unique");
        assert_eq!(
            a.items.iter().map(|i| &i.key).collect::<Vec<_>>(),
            b.items.iter().map(|i| &i.key).collect::<Vec<_>>()
        );
        assert!(
            a.items[0].key.starts_with("goal3-20261123-"),
            "{}",
            a.items[0].key
        );
    }

    #[test]
    fn a_long_window_holds_blocks_with_a_break_between() {
        let a = Availability::parse("mon 07:00-09:00", "UTC").unwrap();
        let slot = a.slots(d(11, 23), d(11, 23))[0];
        let b = block_slots(&slot, &PlanSettings::default());
        // 50, break 10, 50, then 10 minutes left: too short for a block.
        assert_eq!(b.iter().map(|x| x.cap).collect::<Vec<_>>(), vec![50, 50]);
        assert_eq!((b[1].start - b[0].start).num_minutes(), 60);
    }

    #[test]
    fn missed_sessions_are_spread_over_the_time_left() {
        let g = goal(d(11, 23), d(12, 20), 150);
        let av = Availability::parse("daily 07:00-08:00", "UTC").unwrap();
        let first = fits(plan(&g, "daily 07:00-08:00", "UTC", monday(), 0));
        // A week passes with no practice.
        let later = Utc.with_ymd_and_hms(2026, 11, 30, 4, 0, 0).unwrap();
        let missed_items = missed(&first, &[], later, &av);
        assert!(!missed_items.is_empty());
        assert!(missed_items.iter().all(|i| i.date < d(11, 30)));
        let again = fits(plan(&g, "daily 07:00-08:00", "UTC", later, 0));
        assert_eq!(again.minutes_needed, g.planned_minutes());
        assert!(again.items.iter().all(|i| i.date >= d(11, 30)));
        assert!(again.practice_minutes() >= g.planned_minutes());
        // Still spread: the last week holds no more than half.
        let last_week: u32 = again
            .items
            .iter()
            .filter(|i| i.kind.is_practice() && i.week == Week::of(d(12, 20)))
            .map(|i| i.minutes)
            .sum();
        assert!(last_week * 2 <= again.practice_minutes(), "{last_week}");
        // Practice logged on a planned day is not missed.
        let s = Session {
            id: SessionId(1),
            goal_id: g.id,
            started_at: Utc.with_ymd_and_hms(2026, 11, 23, 18, 0, 0).unwrap(),
            ended_at: Utc.with_ymd_and_hms(2026, 11, 23, 18, 30, 0).unwrap(),
            focused_minutes: 30,
            interruptions: 0,
            aim: "x".into(),
            reps: 0,
            errors: 0,
            difficulty: None,
            feedback: None,
            notes: None,
        };
        assert!(
            missed(&first, &[s], later, &av)
                .iter()
                .all(|i| i.date != d(11, 23))
        );
    }

    #[test]
    fn minutes_done_shrink_the_plan() {
        let g = goal(d(11, 23), d(12, 20), 150);
        let p = fits(plan(&g, "daily 07:00-08:00", "UTC", monday(), 500));
        assert_eq!(p.minutes_needed, g.planned_minutes() - 500);
        let done = fits(plan(&g, "daily 07:00-08:00", "UTC", monday(), 10_000));
        assert_eq!(done.minutes_needed, 0);
        assert!(done.items.is_empty());
    }

    #[test]
    fn tight_availability_uses_every_window_but_still_fits() {
        // 600 minutes needed, exactly 4 weeks × 3 × 50 = 600 available.
        let g = goal(d(11, 23), d(12, 20), 150);
        let p = fits(plan(&g, "mon,wed,fri 07:00-07:50", "UTC", monday(), 0));
        assert_eq!(p.practice_minutes(), 600);
        assert_eq!(p.items.iter().filter(|i| i.kind.is_practice()).count(), 12);
    }

    #[test]
    fn short_availability_says_how_many_minutes_are_missing() {
        let g = goal(d(11, 23), d(12, 20), 150); // 600 needed
        let o = plan(&g, "sat 10:00-11:00", "Europe/Paris", monday(), 0);
        let PlanOutcome::Short(s) = o else {
            panic!("should not fit")
        };
        // 4 Saturdays × one 50-minute block.
        assert_eq!(
            (s.minutes_needed, s.minutes_available, s.minutes_missing),
            (600, 200, 400)
        );
        // 12 Saturdays hold 600: the 12th Saturday after 2026-11-23 is 2027-02-13.
        assert_eq!(
            s.extend_to,
            Some(NaiveDate::from_ymd_opt(2027, 2, 13).unwrap())
        );
    }

    #[test]
    fn windows_too_short_for_a_block_are_named() {
        let g = goal(d(11, 23), d(12, 20), 60);
        let PlanOutcome::Short(s) = plan(&g, "daily 07:00-07:15", "UTC", monday(), 0) else {
            panic!()
        };
        assert_eq!(s.minutes_available, 0);
        assert_eq!(s.extend_to, None);
        assert_eq!(s.windows_too_short.len(), 7);
    }

    #[test]
    fn closed_or_past_goals_are_refused() {
        let a = Availability::parse("daily 07:00-08:00", "UTC").unwrap();
        let table: &[(GoalState, NaiveDate, &str)] = &[
            (GoalState::Achieved, d(12, 20), "is achieved"),
            (GoalState::Abandoned, d(12, 20), "is abandoned"),
            (GoalState::Active, d(11, 20), "has passed"),
        ];
        for (state, deadline, want) in table {
            let mut g = goal(d(11, 1), *deadline, 150);
            g.state = *state;
            let err = make_plan(&PlanRequest {
                goal: &g,
                availability: &a,
                minutes_done: 0,
                now: monday(),
                settings: PlanSettings::default(),
                aim: "x",
            })
            .unwrap_err()
            .to_string();
            assert!(err.contains(want), "{err}");
        }
    }

    #[test]
    fn bad_settings_are_refused() {
        let bad = PlanSettings {
            min_block: 60,
            max_block: 30,
            ..PlanSettings::default()
        };
        assert!(
            bad.validate()
                .unwrap_err()
                .to_string()
                .contains("longer than the longest")
        );
        let zero = PlanSettings {
            min_block: 0,
            ..PlanSettings::default()
        };
        assert!(zero.validate().is_err());
    }

    #[test]
    fn windows_already_past_today_are_skipped() {
        let g = goal(d(11, 23), d(12, 20), 150);
        // 07:30 UTC: today's 07:00 window has started.
        let now = Utc.with_ymd_and_hms(2026, 11, 23, 7, 30, 0).unwrap();
        let p = fits(plan(&g, "daily 07:00-08:00", "UTC", now, 0));
        assert!(p.items.iter().all(|i| i.start >= now));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Whatever the windows and budget: a plan holds the minutes inside
        /// the windows and in the future, or says exactly what is missing.
        #[test]
        fn plans_fit_or_say_what_is_missing(
            days in proptest::collection::vec((0u8..7, 5u32..22, 10u32..120), 1..6),
            weekly in 30u32..900,
            span in 3i64..60,
            done in 0u32..500,
        ) {
            let spec: Vec<String> = days
                .iter()
                .map(|(d, h, len)| {
                    let day = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][usize::from(*d)];
                    let end = (h * 60 + len).min(23 * 60 + 59);
                    format!("{day} {h:02}:00-{:02}:{:02}", end / 60, end % 60)
                })
                .collect();
            let Ok(a) = Availability::parse(&spec.join(", "), "Europe/Paris") else {
                return Ok(()); // overlapping windows are refused, tested elsewhere
            };
            let g = goal(d(11, 23), d(11, 23) + Duration::days(span), weekly);
            let needed = g.planned_minutes().saturating_sub(done);
            let out = make_plan(&PlanRequest {
                goal: &g,
                availability: &a,
                minutes_done: done,
                now: monday(),
                settings: PlanSettings::default(),
                aim: "x",
            })
            .unwrap();
            match out {
                PlanOutcome::Fits(p) => {
                    proptest::prop_assert!(p.practice_minutes() >= needed);
                    for it in p.items.iter().filter(|i| i.kind.is_practice()) {
                        proptest::prop_assert!(it.start >= monday());
                        proptest::prop_assert!(it.date <= g.deadline);
                        proptest::prop_assert!((25..=50).contains(&it.minutes));
                        let inside = a.slots(it.date, it.date).iter().any(|s| {
                            s.start <= it.start && it.end() <= s.end
                        });
                        proptest::prop_assert!(inside, "{it:?} outside {spec:?}");
                    }
                }
                PlanOutcome::Short(s) => {
                    proptest::prop_assert_eq!(s.minutes_missing, needed - s.minutes_available);
                    proptest::prop_assert!(s.minutes_missing > 0);
                }
            }
        }

        #[test]
        fn availability_parsing_never_panics(s in ".{0,40}") {
            let _ = crate::availability::parse_windows(&s);
        }
    }
}
