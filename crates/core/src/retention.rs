//! Keeping mastery alive: after a goal is achieved, its micro-skill and each
//! of its principles get an FSRS memory state, and short refreshers are
//! scheduled when predicted recall falls to the person's desired retention.
//!
//! Scheduling is the `fsrs` crate's FSRS-6 model; this module keeps the cards,
//! turns dates into elapsed days, and fits a person's own parameters from
//! their history with the crate's optimiser.
//!
//! ```
//! use chrono::NaiveDate;
//! use mm_core::retention::{Rating, Scheduler, Subject};
//! use mm_core::{GoalId, MicroSkillId};
//!
//! let s = Scheduler::new(None, 0.9).unwrap();
//! let day0 = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
//! let card = s.start(Subject::MicroSkill { id: MicroSkillId(1) }, GoalId(1), "pivot tables", day0).unwrap();
//! assert!(card.due > day0);
//! let after = s.review(&card, "good".parse::<Rating>().unwrap(), card.due).unwrap();
//! assert!(after.due - card.due > card.due - day0, "intervals grow after a good recall");
//! ```

use crate::error::{Error, Result};
use crate::ids::{GoalId, MicroSkillId, PrincipleId};
use chrono::{Duration, NaiveDate};
use fsrs::{FSRS, FSRSItem, FSRSReview, MemoryState};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The default share of refreshers a person should still recall when one falls due.
pub const DEFAULT_DESIRED_RETENTION: f64 = 0.9;

/// Reviews (after the first) needed before `mm refresh optimise` fits parameters.
pub const MIN_REVIEWS_TO_OPTIMISE: usize = 8;

/// How a refresher went, FSRS's four answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// Could not redo it or explain the principle.
    Again = 1,
    /// Managed, with real effort.
    Hard = 2,
    /// Managed.
    Good = 3,
    /// Effortless.
    Easy = 4,
}

impl Rating {
    /// 1–4, as FSRS counts.
    pub fn number(self) -> u32 {
        self as u32
    }
    /// The word.
    pub fn as_str(self) -> &'static str {
        match self {
            Rating::Again => "again",
            Rating::Hard => "hard",
            Rating::Good => "good",
            Rating::Easy => "easy",
        }
    }
    /// From 1–4.
    ///
    /// # Errors
    /// [`Error::Invalid`] outside 1–4.
    pub fn from_number(n: u32) -> Result<Rating> {
        match n {
            1 => Ok(Rating::Again),
            2 => Ok(Rating::Hard),
            3 => Ok(Rating::Good),
            4 => Ok(Rating::Easy),
            _ => Err(bad_rating(&n.to_string())),
        }
    }
}

fn bad_rating(s: &str) -> Error {
    Error::invalid(format!(
        "rating {s:?} is not one of the four: again, hard, good, easy (or 1-4)"
    ))
}

impl std::str::FromStr for Rating {
    type Err = Error;
    fn from_str(s: &str) -> Result<Rating> {
        match s.trim().to_ascii_lowercase().as_str() {
            "again" | "1" => Ok(Rating::Again),
            "hard" | "2" => Ok(Rating::Hard),
            "good" | "3" => Ok(Rating::Good),
            "easy" | "4" => Ok(Rating::Easy),
            _ => Err(bad_rating(s)),
        }
    }
}

impl fmt::Display for Rating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a card asks the person to recall.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Subject {
    /// Redo the done-when criteria.
    MicroSkill { id: MicroSkillId },
    /// Explain the principle in one's own words.
    Principle { id: PrincipleId },
}

/// One review of a card.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub on: NaiveDate,
    pub rating: Rating,
}

/// A memory to keep alive, with its FSRS state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Card {
    pub subject: Subject,
    pub goal_id: GoalId,
    /// What to show: the micro-skill or principle name.
    pub label: String,
    pub stability: f32,
    pub difficulty: f32,
    pub last_review: NaiveDate,
    pub due: NaiveDate,
    /// Every review, the first being the achievement itself.
    pub reviews: Vec<Review>,
}

impl Card {
    fn memory(&self) -> MemoryState {
        MemoryState {
            stability: self.stability,
            difficulty: self.difficulty,
        }
    }
    /// Whether a refresher is due on `today`.
    pub fn is_due(&self, today: NaiveDate) -> bool {
        self.due <= today
    }
}

/// FSRS with a person's parameters and desired retention.
#[derive(Debug)]
pub struct Scheduler {
    fsrs: FSRS,
    params: Vec<f32>,
    desired_retention: f32,
}

fn fsrs_err(e: fsrs::FSRSError) -> Error {
    Error::invalid(format!("the FSRS model refused the input: {e:?}"))
}

impl Scheduler {
    /// A scheduler with the person's fitted parameters (`None` for FSRS-6's
    /// defaults) aiming at `desired_retention`.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a retention outside 0.70–0.99 or parameters FSRS refuses.
    pub fn new(params: Option<&[f32]>, desired_retention: f64) -> Result<Scheduler> {
        check_retention(desired_retention)?;
        let params = fsrs::check_and_fill_parameters(params.unwrap_or(&[])).map_err(|_| {
            Error::invalid("the stored FSRS parameters are not valid (fit them again)")
        })?;
        let fsrs = FSRS::new(&params).map_err(fsrs_err)?;
        Ok(Scheduler {
            fsrs,
            params,
            desired_retention: desired_retention as f32,
        })
    }

    /// The parameters in use (21 values).
    pub fn params(&self) -> &[f32] {
        &self.params
    }

    fn decay(&self) -> f32 {
        self.params
            .get(20)
            .copied()
            .unwrap_or(fsrs::FSRS6_DEFAULT_DECAY)
    }

    /// The first memory state, on the day a goal is achieved: mastery counts
    /// as a good first recall.
    ///
    /// # Errors
    /// [`Error::Invalid`] if FSRS refuses the state.
    pub fn start(
        &self,
        subject: Subject,
        goal_id: GoalId,
        label: &str,
        on: NaiveDate,
    ) -> Result<Card> {
        let next = self
            .fsrs
            .next_states(None, self.desired_retention, 0)
            .map_err(fsrs_err)?;
        let s = next.good;
        Ok(Card {
            subject,
            goal_id,
            label: label.to_string(),
            stability: s.memory.stability,
            difficulty: s.memory.difficulty,
            last_review: on,
            due: on + interval_days(s.interval),
            reviews: vec![Review {
                on,
                rating: Rating::Good,
            }],
        })
    }

    /// The card after a refresher on `on` that went `rating`.
    ///
    /// # Errors
    /// [`Error::Invalid`] for a date before the last review.
    pub fn review(&self, card: &Card, rating: Rating, on: NaiveDate) -> Result<Card> {
        let elapsed = (on - card.last_review).num_days();
        if elapsed < 0 {
            return Err(Error::invalid(format!(
                "a refresher on {on} comes before the last one ({})",
                card.last_review
            )));
        }
        let next = self
            .fsrs
            .next_states(Some(card.memory()), self.desired_retention, elapsed as u32)
            .map_err(fsrs_err)?;
        let s = match rating {
            Rating::Again => next.again,
            Rating::Hard => next.hard,
            Rating::Good => next.good,
            Rating::Easy => next.easy,
        };
        let mut out = card.clone();
        out.stability = s.memory.stability;
        out.difficulty = s.memory.difficulty;
        out.last_review = on;
        out.due = on + interval_days(s.interval);
        out.reviews.push(Review { on, rating });
        Ok(out)
    }

    /// Predicted probability of recall on `on`.
    pub fn recall(&self, card: &Card, on: NaiveDate) -> f32 {
        let days = (on - card.last_review).num_days().max(0) as f32;
        fsrs::current_retrievability(card.memory(), days, self.decay())
    }

    /// The next 30 (or `days`) days: refreshers falling due each day, and the
    /// mean predicted recall over all cards if none were reviewed.
    pub fn forecast(&self, cards: &[Card], today: NaiveDate, days: u32) -> Vec<ForecastDay> {
        (0..days)
            .map(|i| {
                let date = today + Duration::days(i64::from(i));
                let due = cards
                    .iter()
                    .filter(|c| if i == 0 { c.due <= date } else { c.due == date })
                    .count() as u32;
                let mean_recall = if cards.is_empty() {
                    None
                } else {
                    Some(
                        cards.iter().map(|c| self.recall(c, date)).sum::<f32>()
                            / cards.len() as f32,
                    )
                };
                ForecastDay {
                    date,
                    due,
                    mean_recall,
                }
            })
            .collect()
    }
}

/// Check a desired retention.
///
/// # Errors
/// [`Error::Invalid`] outside 0.70–0.99.
pub fn check_retention(r: f64) -> Result<()> {
    if !(0.7..=0.99).contains(&r) {
        return Err(Error::invalid(format!(
            "desired retention {r} is out of range: use 0.70 to 0.99 (0.9 is the usual choice)"
        )));
    }
    Ok(())
}

fn interval_days(interval: f32) -> Duration {
    Duration::days((interval.round() as i64).max(1))
}

/// One day of the retention forecast.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ForecastDay {
    pub date: NaiveDate,
    /// Refreshers due that day (overdue ones count on the first day).
    pub due: u32,
    /// Mean predicted recall of all cards that day, without reviews.
    pub mean_recall: Option<f32>,
}

/// The history of the cards as FSRS training items: one item per review
/// after the first, holding every review up to it.
pub fn training_items(cards: &[Card]) -> Vec<FSRSItem> {
    let mut items = Vec::new();
    for c in cards {
        let mut reviews = Vec::with_capacity(c.reviews.len());
        let mut prev: Option<NaiveDate> = None;
        for r in &c.reviews {
            let delta = prev.map_or(0, |p| (r.on - p).num_days().max(0) as u32);
            reviews.push(FSRSReview {
                rating: r.rating.number(),
                delta_t: delta,
            });
            prev = Some(r.on);
            if reviews.len() > 1 {
                items.push(FSRSItem {
                    reviews: reviews.clone(),
                });
            }
        }
    }
    items
}

/// What fitting one's own parameters changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Optimised {
    pub params: Vec<f32>,
    /// Reviews the fit used.
    pub reviews: usize,
    /// Log loss of the predictions with the parameters in use before.
    pub log_loss_before: f32,
    /// Log loss with the fitted parameters (lower is better).
    pub log_loss_after: f32,
    /// Whether the full optimiser ran (FSRS needs 64+ reviews), or only the
    /// first-review stabilities were fitted.
    pub full_fit: bool,
}

/// Fit the person's FSRS parameters from the history of their cards and
/// compare predicted log loss with the `current` parameters.
///
/// # Errors
/// [`Error::Invalid`] when there are fewer than [`MIN_REVIEWS_TO_OPTIMISE`]
/// reviews after the first, or FSRS refuses the data.
pub fn optimise(cards: &[Card], current: &Scheduler) -> Result<Optimised> {
    let items = training_items(cards);
    let long_term = items
        .iter()
        .filter(|i| i.reviews.last().is_some_and(|r| r.delta_t > 0))
        .count();
    if long_term < MIN_REVIEWS_TO_OPTIMISE {
        return Err(Error::invalid(format!(
            "not enough refreshers to fit your own parameters yet: {long_term} of {MIN_REVIEWS_TO_OPTIMISE} \
             reviews on a later day"
        )));
    }
    let before = current
        .fsrs
        .evaluate(items.clone(), |_| true)
        .map_err(fsrs_err)?;
    let params = fsrs::compute_parameters(fsrs::ComputeParametersInput {
        train_set: items.clone(),
        ..Default::default()
    })
    .map_err(fsrs_err)?;
    let fitted = FSRS::new(&params).map_err(fsrs_err)?;
    let after = fitted.evaluate(items, |_| true).map_err(fsrs_err)?;
    Ok(Optimised {
        params,
        reviews: long_term,
        log_loss_before: before.log_loss,
        log_loss_after: after.log_loss,
        full_fit: long_term >= 64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(n)
    }

    fn card(s: &Scheduler) -> Card {
        s.start(
            Subject::Principle { id: PrincipleId(2) },
            GoalId(1),
            "aggregation",
            day(0),
        )
        .unwrap()
    }

    #[test]
    fn ratings() {
        let table = [
            ("again", Rating::Again),
            ("Hard", Rating::Hard),
            (" good ", Rating::Good),
            ("easy", Rating::Easy),
            ("1", Rating::Again),
            ("4", Rating::Easy),
        ];
        for (s, want) in table {
            assert_eq!(s.parse::<Rating>().unwrap(), want, "{s}");
        }
        for bad in ["0", "5", "ok", "", "perfect"] {
            let e = bad.parse::<Rating>().unwrap_err().to_string();
            assert!(e.contains("not one of the four"), "{e}");
        }
        assert!(Rating::from_number(5).is_err());
        assert_eq!(Rating::from_number(2).unwrap(), Rating::Hard);
    }

    #[test]
    fn retention_bounds() {
        for bad in [0.5, 0.995, 1.0, f64::NAN] {
            assert!(Scheduler::new(None, bad).is_err(), "{bad}");
        }
        assert!(Scheduler::new(None, 0.7).is_ok());
        assert!(Scheduler::new(Some(&[1.0, 2.0]), 0.9).is_err());
    }

    #[test]
    fn answers_order_the_next_interval() {
        let s = Scheduler::new(None, 0.9).unwrap();
        let c = card(&s);
        let on = c.due;
        let due = |r| s.review(&c, r, on).unwrap().due;
        let (a, h, g, e) = (
            due(Rating::Again),
            due(Rating::Hard),
            due(Rating::Good),
            due(Rating::Easy),
        );
        assert!(a < h && h < g && g < e, "{a} {h} {g} {e}");
        assert!(a > on);
    }

    #[test]
    fn higher_retention_means_sooner_refreshers() {
        let lo = Scheduler::new(None, 0.8).unwrap();
        let hi = Scheduler::new(None, 0.95).unwrap();
        let (cl, ch) = (card(&lo), card(&hi));
        let rl = lo.review(&cl, Rating::Good, day(5)).unwrap();
        let rh = hi.review(&ch, Rating::Good, day(5)).unwrap();
        assert!(rh.due < rl.due, "{} vs {}", rh.due, rl.due);
    }

    #[test]
    fn recall_falls_to_the_target_when_due() {
        let s = Scheduler::new(None, 0.9).unwrap();
        let c = s.review(&card(&s), Rating::Good, day(3)).unwrap();
        assert!((s.recall(&c, c.last_review) - 1.0).abs() < 1e-6);
        let at_due = s.recall(&c, c.due);
        assert!((0.85..=0.95).contains(&at_due), "{at_due}");
        assert!(s.recall(&c, c.due + Duration::days(30)) < at_due);
    }

    #[test]
    fn review_before_the_last_is_refused() {
        let s = Scheduler::new(None, 0.9).unwrap();
        let c = s.review(&card(&s), Rating::Good, day(4)).unwrap();
        assert!(s.review(&c, Rating::Good, day(2)).is_err());
    }

    #[test]
    fn forecast_counts_due_cards_and_overdue_on_day_one() {
        let s = Scheduler::new(None, 0.9).unwrap();
        let mut a = card(&s);
        a.due = day(10);
        let mut b = card(&s);
        b.due = day(2); // overdue on day 5
        let f = s.forecast(&[a, b], day(5), 30);
        assert_eq!(f.len(), 30);
        assert_eq!(f[0].due, 1);
        assert_eq!(f[5].due, 1);
        assert_eq!(f.iter().map(|d| d.due).sum::<u32>(), 2);
        assert!(f[29].mean_recall.unwrap() < f[0].mean_recall.unwrap());
        assert!(
            s.forecast(&[], day(0), 3)
                .iter()
                .all(|d| d.mean_recall.is_none())
        );
    }

    #[test]
    fn training_items_are_prefixes() {
        let s = Scheduler::new(None, 0.9).unwrap();
        let c = s.review(&card(&s), Rating::Hard, day(3)).unwrap();
        let c = s.review(&c, Rating::Good, day(10)).unwrap();
        let items = training_items(&[c]);
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[1]
                .reviews
                .iter()
                .map(|r| (r.rating, r.delta_t))
                .collect::<Vec<_>>(),
            vec![(3, 0), (2, 3), (3, 7)]
        );
    }

    #[test]
    fn optimise_needs_enough_history() {
        let s = Scheduler::new(None, 0.9).unwrap();
        let c = s.review(&card(&s), Rating::Good, day(3)).unwrap();
        let e = optimise(&[c], &s).unwrap_err().to_string();
        assert!(e.contains("1 of 8"), "{e}");
    }

    /// A year of synthetic refreshers from a forgetful person: recall follows
    /// the FSRS curve with a quarter of the stability the defaults assume.
    /// Their own fit must predict their answers better than the defaults.
    #[test]
    fn optimiser_fits_a_forgetful_person_better_than_defaults() {
        let s = Scheduler::new(None, 0.9).unwrap();
        let mut rng = 0x2545_F491_4F6C_DD1Du64;
        let mut next = || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut cards = Vec::new();
        for k in 0..40 {
            let mut c = s
                .start(
                    Subject::MicroSkill {
                        id: MicroSkillId(k),
                    },
                    GoalId(k),
                    "x",
                    day(k % 20),
                )
                .unwrap();
            while c.due < day(365) {
                let elapsed = (c.due - c.last_review).num_days() as f32;
                let true_recall = fsrs::current_retrievability(
                    MemoryState {
                        stability: c.stability / 4.0,
                        difficulty: c.difficulty,
                    },
                    elapsed,
                    fsrs::FSRS6_DEFAULT_DECAY,
                );
                let rating = if next() < f64::from(true_recall) {
                    Rating::Good
                } else {
                    Rating::Again
                };
                c = s.review(&c, rating, c.due).unwrap();
            }
            cards.push(c);
        }
        let o = optimise(&cards, &s).unwrap();
        assert!(o.full_fit, "{} reviews", o.reviews);
        assert_eq!(o.params.len(), 21);
        assert!(o.log_loss_after < o.log_loss_before, "{o:?}");
    }
}
