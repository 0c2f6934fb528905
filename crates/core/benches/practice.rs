//! Practice-science benchmark: planning a year, exporting it as iCalendar
//! (ours against the `icalendar` crate's builder, same events, same run) and
//! fitting FSRS parameters on a year of refreshers. Prints a table; checks
//! the expected counts so a fast wrong answer cannot pass.
//!
//! Run: cargo bench -p mm-core --bench practice

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use icalendar::{Calendar, Component, EventLike};
use mm_core::availability::Availability;
use mm_core::ics::{IcsOptions, PlanForCalendar, write_calendar};
use mm_core::plan::{Plan, PlanOutcome, PlanRequest, PlanSettings, make_plan};
use mm_core::retention::{Rating, Scheduler, Subject, optimise};
use mm_core::*;
use std::hint::black_box;
use std::time::Instant;

fn time<T>(runs: u32, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut out = f();
    let start = Instant::now();
    for _ in 0..runs {
        out = black_box(f());
    }
    (start.elapsed().as_secs_f64() / f64::from(runs), out)
}

fn year_plan() -> (Plan, Availability) {
    let now = Utc.with_ymd_and_hms(2026, 1, 5, 5, 0, 0).unwrap();
    let goal = Goal {
        id: GoalId(1),
        micro_skill_id: MicroSkillId(1),
        target_level: Level::Competent,
        state: GoalState::Active,
        start: NaiveDate::from_ymd_opt(2026, 1, 5).unwrap(),
        deadline: NaiveDate::from_ymd_opt(2026, 12, 27).unwrap(),
        weekly_minutes: 200,
        criteria: vec![],
        extensions: vec![],
        created_at: now,
        closed_at: None,
        abandon_reason: None,
    };
    let a = Availability::parse("mon-fri 07:00-07:40, sat 10:00-11:30", "Europe/Paris").unwrap();
    let PlanOutcome::Fits(p) = make_plan(&PlanRequest {
        goal: &goal,
        availability: &a,
        minutes_done: 0,
        now,
        settings: PlanSettings::default(),
        aim: "pivot tables",
    })
    .unwrap() else {
        panic!("fits")
    };
    (p, a)
}

fn main() {
    let (t_plan, (plan, av)) = time(20, year_plan);
    let n = plan.items.len();
    assert!(n > 300, "{n} items");
    println!("{:<44} {:>12}", "what", "time");
    println!(
        "{:<44} {:>9.3} ms",
        format!("plan a year ({n} items)"),
        t_plan * 1e3
    );

    let now = Utc.with_ymd_and_hms(2026, 1, 5, 5, 0, 0).unwrap();
    let opts = IcsOptions {
        alarm_minutes: Some(10),
        ..IcsOptions::default()
    };
    let (t_ours, ours) = time(50, || {
        write_calendar(
            &[PlanForCalendar {
                plan: &plan,
                label: "pivot tables (goal 1)",
            }],
            av.tz,
            now,
            &opts,
        )
    });
    assert_eq!(ours.matches("BEGIN:VEVENT").count(), n);
    let (t_peer, peer) = time(50, || {
        let mut cal = Calendar::new();
        for it in &plan.items {
            let mut e = icalendar::Event::new();
            e.uid(&format!("{}@micromastery.local", it.key))
                .timestamp(now)
                .summary("Practice: pivot tables (goal 1)")
                .description(&it.title)
                .starts(icalendar::CalendarDateTime::WithTimezone {
                    date_time: it.local_start,
                    tzid: av.tz.name().to_string(),
                })
                .ends(icalendar::CalendarDateTime::WithTimezone {
                    date_time: it.local_start + Duration::minutes(i64::from(it.minutes)),
                    tzid: av.tz.name().to_string(),
                })
                .alarm(icalendar::Alarm::display(
                    "Practice",
                    -Duration::minutes(10),
                ));
            cal.push(e.done());
        }
        cal.done().to_string()
    });
    assert_eq!(peer.matches("BEGIN:VEVENT").count(), n);
    println!(
        "{:<44} {:>9.3} ms",
        "export .ics, mm-core (with VTIMEZONE)",
        t_ours * 1e3
    );
    println!(
        "{:<44} {:>9.3} ms",
        "export .ics, icalendar crate builder (peer)",
        t_peer * 1e3
    );
    println!(
        "{:<44} {:>11.2}x",
        "ratio peer / ours (higher: ours faster)",
        t_peer / t_ours
    );

    let s = Scheduler::new(None, 0.9).unwrap();
    let day0 = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let mut cards = Vec::new();
    let mut k = 0u32;
    for i in 0..40 {
        let mut c = s
            .start(
                Subject::MicroSkill {
                    id: MicroSkillId(i),
                },
                GoalId(i),
                "x",
                day0 + Duration::days(i % 20),
            )
            .unwrap();
        while c.due < day0 + Duration::days(365) {
            k += 1;
            let r = if k.is_multiple_of(4) {
                Rating::Again
            } else {
                Rating::Good
            };
            c = s.review(&c, r, c.due).unwrap();
        }
        cards.push(c);
    }
    let (t_opt, o) = time(3, || optimise(&cards, &s).unwrap());
    assert!(o.full_fit);
    println!(
        "{:<44} {:>9.3} ms",
        format!("FSRS optimise, {} reviews", o.reviews),
        t_opt * 1e3
    );
    println!(
        "{:<44} {:>12}",
        "  log loss default -> fitted",
        format!("{:.4} -> {:.4}", o.log_loss_before, o.log_loss_after)
    );
}
