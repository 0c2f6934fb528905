//! The review's pictures: practice minutes per day, cumulative minutes
//! against the planned line, the 30-day retention forecast, and quick wins
//! against long-term arcs (plus each goal's progress to its deadline and the
//! weekly streak) — the data ([`insight`], which is what `mm review --json`
//! prints) and the same charts drawn as SVG by plotters ([`chart_svg`] one at
//! a time for a page, [`svg`] all together for `mm review --svg`), so every
//! face shows the same charts from the same numbers.
//!
//! Every chart has labelled axes and uses the Okabe–Ito palette, whose
//! colours people with any common colour vision can tell apart; lines that
//! share a chart also differ in their dash, so no meaning rests on colour
//! alone.

use crate::{App, Result};
use chrono::{Duration, NaiveDate};
use mm_core::balance::{Balance, balance};
use mm_core::pace::{PaceStatus, pace};
use mm_core::plan::Plan;
use mm_core::retention::ForecastDay;
use mm_core::streak::{Streak, streak, weekly_records};
use mm_core::*;
use plotters::prelude::*;
use serde::Serialize;

/// Minutes on one day.
#[derive(Debug, Clone, Serialize)]
pub struct DayMinutes {
    pub date: NaiveDate,
    pub minutes: u32,
}

/// Where one open goal stands against its deadline.
#[derive(Debug, Clone, Serialize)]
pub struct GoalProgress {
    pub goal: GoalId,
    pub name: String,
    pub deadline: NaiveDate,
    pub minutes_done: u32,
    pub minutes_planned: u32,
    /// Share of the time from start to deadline already gone.
    pub time_elapsed: f64,
    pub status: PaceStatus,
    /// Practice minutes the current plan had scheduled up to today.
    pub plan_due_by_today: Option<u32>,
}

/// Practice minutes summed from the first day of the period, against what
/// the goals planned by then.
#[derive(Debug, Clone, Serialize)]
pub struct CumulativeDay {
    pub date: NaiveDate,
    /// Focused minutes from the first day of the period to this one.
    pub minutes: u32,
    /// Minutes planned over the same days: a goal's saved plan where it has
    /// one, else its weekly budget spread over the days from its start to
    /// its deadline (or the day it closed).
    pub planned: u32,
}

/// Everything the practice-science part of the review shows.
#[derive(Debug, Clone, Serialize)]
pub struct Insight {
    pub minutes_per_day: Vec<DayMinutes>,
    pub cumulative: Vec<CumulativeDay>,
    pub progress: Vec<GoalProgress>,
    pub retention_forecast: Vec<ForecastDay>,
    /// Always the last 30 days: the quick-wins warning looks at a month.
    pub balance: Balance,
    pub streak: Streak,
}

/// Gather the review's charts for `from..=to`.
///
/// # Errors
/// When the journal cannot be read.
pub async fn insight(app: &App, from: NaiveDate, to: NaiveDate) -> Result<Insight> {
    let person = app.person();
    let store = app.store();
    let tz = person.zone.tz();
    let sessions = store.list_sessions(None).await?;
    let goals = store.list_goals().await?;
    let mut minutes_per_day: Vec<DayMinutes> = (0..=(to - from).num_days())
        .map(|i| DayMinutes {
            date: from + Duration::days(i),
            minutes: 0,
        })
        .collect();
    for s in &sessions {
        let d = person.date_of(s.started_at);
        if d >= from && d <= to {
            minutes_per_day[(d - from).num_days() as usize].minutes += s.focused_minutes;
        }
    }
    let plans = store.list_plans().await?;
    let mut progress = Vec::new();
    for g in goals.iter().filter(|g| !g.state.is_closed()) {
        let p = pace(g, &sessions, to, person.offset);
        let micro = store.get_micro_skill(g.micro_skill_id).await?;
        progress.push(GoalProgress {
            goal: g.id,
            name: micro.name,
            deadline: g.deadline,
            minutes_done: p.minutes_done,
            minutes_planned: p.minutes_planned,
            time_elapsed: p.days_elapsed as f64 / p.days_total.max(1) as f64,
            status: p.status,
            plan_due_by_today: plans
                .iter()
                .find(|x| x.goal_id == g.id)
                .map(|x| x.practice_minutes_by(to)),
        });
    }
    let sched = crate::refresh::scheduler(app).await?;
    let cards = crate::refresh::ensure_cards(app, &sched).await?;
    let retention_forecast = sched.forecast(&cards, to, 30);
    let members = store.goal_memberships().await?;
    let arcs = store.list_arcs().await?;
    let balance = balance(&arcs, &members, &sessions, to - Duration::days(29), to, tz);
    let first = goals.iter().map(|g| g.start).min().unwrap_or(to);
    let records = weekly_records(&goals, &sessions, first.min(to), to, tz);
    let streak = streak(&records, Week::of(to));
    let closed: Vec<Option<NaiveDate>> = goals
        .iter()
        .map(|g| g.closed_at.map(|t| person.date_of(t)))
        .collect();
    Ok(Insight {
        cumulative: cumulative(&minutes_per_day, &goals, &closed, &plans),
        minutes_per_day,
        progress,
        retention_forecast,
        balance,
        streak,
    })
}

/// Minutes a goal planned for day `d`: its saved plan's practice that day,
/// else its weekly budget spread over the days it is open.
fn planned_on(g: &Goal, closed: Option<NaiveDate>, plan: Option<&Plan>, d: NaiveDate) -> f64 {
    if let Some(p) = plan {
        let before = d.pred_opt().map_or(0, |y| p.practice_minutes_by(y));
        return f64::from(p.practice_minutes_by(d).saturating_sub(before));
    }
    let end = closed.map_or(g.deadline, |c| c.min(g.deadline));
    if d < g.start || d > end {
        return 0.0;
    }
    f64::from(g.weekly_minutes) / 7.0
}

/// The cumulative practice of the period against the cumulative plan.
fn cumulative(
    days: &[DayMinutes],
    goals: &[Goal],
    closed: &[Option<NaiveDate>],
    plans: &[Plan],
) -> Vec<CumulativeDay> {
    let (mut done, mut planned) = (0u32, 0f64);
    days.iter()
        .map(|d| {
            done += d.minutes;
            planned += goals
                .iter()
                .zip(closed)
                .map(|(g, c)| planned_on(g, *c, plans.iter().find(|p| p.goal_id == g.id), d.date))
                .sum::<f64>();
            CumulativeDay {
                date: d.date,
                minutes: done,
                planned: planned.round() as u32,
            }
        })
        .collect()
}

/// The Okabe–Ito palette (Okabe & Ito 2008), told apart with any common
/// colour vision.
pub mod palette {
    use plotters::style::RGBColor;
    pub const ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
    pub const SKY_BLUE: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
    pub const BLUISH_GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
    pub const YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
    pub const BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
    pub const VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
    pub const REDDISH_PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
    pub const BLACK: RGBColor = RGBColor(0, 0, 0);
}

/// One of the review's charts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    /// Focused minutes per day ([`Insight::minutes_per_day`]).
    PracticePerDay,
    /// Cumulative minutes against the planned line ([`Insight::cumulative`]).
    Cumulative,
    /// Refreshers due and mean predicted recall ([`Insight::retention_forecast`]).
    Retention,
    /// Minutes on long-term arcs against quick wins ([`Insight::balance`]).
    Balance,
}

impl Chart {
    /// Every chart, in the order a review shows them.
    pub const ALL: [Chart; 4] = [
        Chart::PracticePerDay,
        Chart::Cumulative,
        Chart::Retention,
        Chart::Balance,
    ];

    /// A stable name (an HTML id, a file name).
    pub fn id(self) -> &'static str {
        match self {
            Chart::PracticePerDay => "practice-per-day",
            Chart::Cumulative => "cumulative",
            Chart::Retention => "retention",
            Chart::Balance => "balance",
        }
    }

    /// The chart's title.
    pub fn title(self) -> &'static str {
        match self {
            Chart::PracticePerDay => "Practice per day",
            Chart::Cumulative => "Cumulative minutes against the plan",
            Chart::Retention => "Retention, next 30 days",
            Chart::Balance => "Long-term arcs against quick wins, last 30 days",
        }
    }

    fn height(self, i: &Insight) -> u32 {
        match self {
            Chart::Balance => 110 + 34 * balance_rows(&i.balance).len().max(1) as u32,
            _ => 320,
        }
    }
}

/// The width every chart is drawn at (the SVG scales to its box).
pub const WIDTH: u32 = 860;

fn plot_err(e: impl std::fmt::Display) -> crate::Error {
    crate::Error::internal(format!("drawing a chart: {e}"))
}

/// One chart as an SVG document, without its title (the page around it
/// gives it as a heading: [`Chart::title`]).
///
/// # Errors
/// Internal when plotters fails to draw.
pub fn chart_svg(i: &Insight, c: Chart) -> Result<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (WIDTH, c.height(i))).into_drawing_area();
        draw(&root, i, c, false)?;
        root.present().map_err(plot_err)?;
    }
    Ok(out)
}

/// Every chart, one under the other, as one SVG document.
///
/// # Errors
/// Internal when plotters fails to draw.
pub fn svg(i: &Insight) -> Result<String> {
    let heights: Vec<u32> = Chart::ALL.iter().map(|c| c.height(i)).collect();
    let mut out = String::new();
    {
        let root =
            SVGBackend::with_string(&mut out, (WIDTH, heights.iter().sum())).into_drawing_area();
        let mut rest = root.clone();
        for (c, h) in Chart::ALL.iter().zip(&heights) {
            let (top, below) = rest.split_vertically(*h);
            draw(&top, i, *c, true)?;
            rest = below;
        }
        root.present().map_err(plot_err)?;
    }
    Ok(out)
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn draw(area: &Area<'_>, i: &Insight, c: Chart, titled: bool) -> Result<()> {
    area.fill(&WHITE).map_err(plot_err)?;
    match c {
        Chart::PracticePerDay => practice_per_day(area, i, titled),
        Chart::Cumulative => cumulative_chart(area, i, titled),
        Chart::Retention => retention(area, i, titled),
        Chart::Balance => balance_chart(area, i, titled),
    }
}

/// A chart on `area`, its title drawn in it when `titled`.
fn builder<'a, 'b>(
    area: &'a Area<'b>,
    c: Chart,
    titled: bool,
) -> ChartBuilder<'a, 'b, SVGBackend<'b>> {
    let mut b = ChartBuilder::on(area);
    if titled {
        b.caption(c.title(), ("sans-serif", 20));
    }
    b
}

fn day_label(dates: &[NaiveDate], v: &SegmentValue<u32>) -> String {
    match v {
        SegmentValue::CenterOf(k) | SegmentValue::Exact(k) => dates
            .get(*k as usize)
            .map(|d| d.format("%-d %b").to_string())
            .unwrap_or_default(),
        SegmentValue::Last => String::new(),
    }
}

/// A y range with room above the highest value, never empty.
fn y_top(max: u32) -> u32 {
    (max + max / 10).max(10)
}

fn practice_per_day(area: &Area<'_>, i: &Insight, titled: bool) -> Result<()> {
    let dates: Vec<NaiveDate> = i.minutes_per_day.iter().map(|d| d.date).collect();
    let n = dates.len().max(1) as u32;
    let max = i
        .minutes_per_day
        .iter()
        .map(|d| d.minutes)
        .max()
        .unwrap_or(0);
    let mut chart = builder(area, Chart::PracticePerDay, titled)
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d((0u32..n).into_segmented(), 0u32..y_top(max))
        .map_err(plot_err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .x_labels(n.min(10) as usize)
        .x_label_formatter(&|v| day_label(&dates, v))
        .x_desc("Day")
        .y_desc("Focused minutes")
        .draw()
        .map_err(plot_err)?;
    chart
        .draw_series(i.minutes_per_day.iter().enumerate().map(|(k, d)| {
            let mut r = Rectangle::new(
                [
                    (SegmentValue::Exact(k as u32), 0),
                    (SegmentValue::Exact(k as u32 + 1), d.minutes),
                ],
                palette::BLUE.filled(),
            );
            r.set_margin(0, 0, 3, 3);
            r
        }))
        .map_err(plot_err)?;
    Ok(())
}

fn cumulative_chart(area: &Area<'_>, i: &Insight, titled: bool) -> Result<()> {
    let dates: Vec<NaiveDate> = i.cumulative.iter().map(|d| d.date).collect();
    let n = dates.len().max(1) as u32;
    let max = i
        .cumulative
        .iter()
        .map(|d| d.minutes.max(d.planned))
        .max()
        .unwrap_or(0);
    let mut chart = builder(area, Chart::Cumulative, titled)
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d((0u32..n).into_segmented(), 0u32..y_top(max))
        .map_err(plot_err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .x_labels(n.min(10) as usize)
        .x_label_formatter(&|v| day_label(&dates, v))
        .x_desc("Day")
        .y_desc("Minutes since the period began")
        .draw()
        .map_err(plot_err)?;
    let at = |k: usize| SegmentValue::CenterOf(k as u32);
    chart
        .draw_series(DashedLineSeries::new(
            i.cumulative
                .iter()
                .enumerate()
                .map(|(k, d)| (at(k), d.planned)),
            10,
            6,
            palette::VERMILLION.stroke_width(3),
        ))
        .map_err(plot_err)?
        .label("planned (dashed)")
        .legend(|(x, y)| {
            PathElement::new([(x, y), (x + 20, y)], palette::VERMILLION.stroke_width(3))
        });
    chart
        .draw_series(
            LineSeries::new(
                i.cumulative
                    .iter()
                    .enumerate()
                    .map(|(k, d)| (at(k), d.minutes)),
                palette::BLUE.stroke_width(3),
            )
            .point_size(3),
        )
        .map_err(plot_err)?
        .label("done (solid, dots)")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], palette::BLUE.stroke_width(3)));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.9))
        .border_style(palette::BLACK)
        .draw()
        .map_err(plot_err)?;
    Ok(())
}

fn retention(area: &Area<'_>, i: &Insight, titled: bool) -> Result<()> {
    let f = &i.retention_forecast;
    let dates: Vec<NaiveDate> = f.iter().map(|d| d.date).collect();
    let n = dates.len().max(1) as u32;
    let max = f.iter().map(|d| d.due).max().unwrap_or(0).max(4);
    let mut chart = builder(area, Chart::Retention, titled)
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .right_y_label_area_size(70)
        .build_cartesian_2d((0u32..n).into_segmented(), 0u32..max + 1)
        .map_err(plot_err)?
        .set_secondary_coord((0u32..n).into_segmented(), 0f32..100f32);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .x_labels(n.min(10) as usize)
        .x_label_formatter(&|v| day_label(&dates, v))
        .x_desc("Day")
        .y_desc("Refreshers due (bars)")
        .draw()
        .map_err(plot_err)?;
    chart
        .configure_secondary_axes()
        .y_label_formatter(&|v| format!("{v:.0}%"))
        .y_desc("Mean predicted recall, % (line)")
        .draw()
        .map_err(plot_err)?;
    chart
        .draw_series(f.iter().enumerate().map(|(k, d)| {
            let mut r = Rectangle::new(
                [
                    (SegmentValue::Exact(k as u32), 0),
                    (SegmentValue::Exact(k as u32 + 1), d.due),
                ],
                palette::SKY_BLUE.filled(),
            );
            r.set_margin(0, 0, 3, 3);
            r
        }))
        .map_err(plot_err)?;
    chart
        .draw_secondary_series(LineSeries::new(
            f.iter().enumerate().filter_map(|(k, d)| {
                d.mean_recall
                    .map(|r| (SegmentValue::CenterOf(k as u32), r * 100.0))
            }),
            palette::VERMILLION.stroke_width(3),
        ))
        .map_err(plot_err)?;
    Ok(())
}

/// Where a row of the balance chart puts its minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BalanceKind {
    /// A goal in a long-term arc.
    Deeper,
    /// A standalone goal.
    QuickWin,
    /// A goal not assigned either way yet.
    Unassigned,
}

/// The balance as rows: each arc, then quick wins, then unassigned time.
pub fn balance_rows(b: &Balance) -> Vec<(String, u32, BalanceKind)> {
    let mut rows: Vec<(String, u32, BalanceKind)> = b
        .arcs
        .iter()
        .map(|a| (format!("arc: {}", a.name), a.minutes, BalanceKind::Deeper))
        .collect();
    rows.push(("quick wins".into(), b.quick_wins, BalanceKind::QuickWin));
    rows.push((
        "not assigned yet".into(),
        b.unassigned,
        BalanceKind::Unassigned,
    ));
    rows
}

fn balance_chart(area: &Area<'_>, i: &Insight, titled: bool) -> Result<()> {
    let rows = balance_rows(&i.balance);
    let n = rows.len() as u32;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0);
    let labels: Vec<String> = rows
        .iter()
        .map(|(l, _, _)| {
            if l.chars().count() > 34 {
                l.chars().take(33).collect::<String>() + "…"
            } else {
                l.clone()
            }
        })
        .collect();
    let mut chart = builder(area, Chart::Balance, titled)
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(250)
        .build_cartesian_2d(0u32..y_top(max), (0u32..n).into_segmented())
        .map_err(plot_err)?;
    // Row k (the first arc) is drawn at the top: segment n - 1 - k.
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(WHITE)
        .y_labels(n as usize)
        .y_label_formatter(&|v| match v {
            SegmentValue::CenterOf(y) if *y < n => labels
                .get((n - 1 - *y) as usize)
                .cloned()
                .unwrap_or_default(),
            _ => String::new(),
        })
        .x_desc("Focused minutes")
        .draw()
        .map_err(plot_err)?;
    chart
        .draw_series(rows.iter().enumerate().map(|(k, (_, minutes, kind))| {
            let y = n - 1 - k as u32;
            let color = match kind {
                BalanceKind::Deeper => palette::BLUISH_GREEN,
                BalanceKind::QuickWin => palette::ORANGE,
                BalanceKind::Unassigned => palette::REDDISH_PURPLE,
            };
            let mut r = Rectangle::new(
                [
                    (0, SegmentValue::Exact(y)),
                    (*minutes, SegmentValue::Exact(y + 1)),
                ],
                color.filled(),
            );
            r.set_margin(5, 5, 0, 0);
            r
        }))
        .map_err(plot_err)?;
    Ok(())
}
