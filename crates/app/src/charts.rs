//! The review's pictures: practice minutes per day, progress of each goal to
//! its deadline, the 30-day retention forecast, the balance between deeper
//! study and quick wins, and the weekly streak — the data ([`insight`]) and
//! the same charts drawn as one SVG image ([`svg`]), so every face shows the
//! same charts.
//!
//! The SVG is written directly (rects, lines, text): four simple charts do not
//! need a plotting engine, and the output is small, deterministic and diffable.

use crate::{App, Result};
use chrono::{Duration, NaiveDate};
use mm_core::balance::{Balance, balance};
use mm_core::pace::{PaceStatus, pace};
use mm_core::parse::format_minutes;
use mm_core::retention::ForecastDay;
use mm_core::streak::{Streak, streak, weekly_records};
use mm_core::*;
use serde::Serialize;
use std::fmt::Write as _;

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

/// Everything the practice-science part of the review shows.
#[derive(Debug, Clone, Serialize)]
pub struct Insight {
    pub minutes_per_day: Vec<DayMinutes>,
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
    Ok(Insight {
        minutes_per_day,
        progress,
        retention_forecast,
        balance,
        streak,
    })
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The four charts as one SVG document.
pub fn svg(i: &Insight) -> String {
    const W: f64 = 860.0;
    const PANEL: f64 = 230.0;
    const LEFT: f64 = 70.0;
    const RIGHT: f64 = 30.0;
    let rows = i.progress.len().max(1) as f64;
    let progress_h = 60.0 + rows * 28.0;
    let h = PANEL * 2.0 + progress_h + 130.0 + 20.0;
    let mut o = String::new();
    let _ = writeln!(
        o,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{h}" viewBox="0 0 {W} {h}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(o, r#"<rect width="100%" height="100%" fill="white"/>"#);

    // 1. Minutes per day.
    let mut y0 = 10.0;
    let plot_w = W - LEFT - RIGHT;
    let plot_h = PANEL - 70.0;
    let max = i
        .minutes_per_day
        .iter()
        .map(|d| d.minutes)
        .max()
        .unwrap_or(0)
        .max(1);
    let _ = writeln!(
        o,
        r#"<text x="{LEFT}" y="{}" font-size="15" font-weight="bold">Practice minutes per day</text>"#,
        y0 + 18.0
    );
    let base = y0 + 30.0 + plot_h;
    axis(
        &mut o,
        LEFT,
        y0 + 30.0,
        plot_w,
        plot_h,
        f64::from(max),
        "min",
    );
    let n = i.minutes_per_day.len().max(1) as f64;
    let bw = plot_w / n;
    for (k, d) in i.minutes_per_day.iter().enumerate() {
        let bh = f64::from(d.minutes) / f64::from(max) * plot_h;
        let x = LEFT + k as f64 * bw;
        let _ = writeln!(
            o,
            r##"<rect class="day" x="{:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#3b7dd8"><title>{} {} min</title></rect>"##,
            x + bw * 0.1,
            base - bh,
            bw * 0.8,
            bh,
            d.date,
            d.minutes
        );
        if n <= 14.0 || k % 5 == 0 {
            let _ = writeln!(
                o,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="10">{}</text>"#,
                x + bw / 2.0,
                base + 14.0,
                d.date.format("%m-%d")
            );
        }
    }

    // 2. Progress to deadline.
    y0 += PANEL;
    let _ = writeln!(
        o,
        r#"<text x="{LEFT}" y="{}" font-size="15" font-weight="bold">Progress to deadline (bar: minutes done; line: time gone)</text>"#,
        y0 + 18.0
    );
    if i.progress.is_empty() {
        let _ = writeln!(
            o,
            r#"<text x="{LEFT}" y="{}">no open goals</text>"#,
            y0 + 45.0
        );
    }
    let label_w = 260.0;
    let pw = W - LEFT - RIGHT - label_w - 90.0;
    for (k, p) in i.progress.iter().enumerate() {
        let y = y0 + 32.0 + k as f64 * 28.0;
        let done =
            (f64::from(p.minutes_done) / f64::from(p.minutes_planned.max(1))).clamp(0.0, 1.0);
        let color = match p.status {
            PaceStatus::Behind => "#d8623b",
            PaceStatus::OnTrack => "#3b7dd8",
            PaceStatus::Ahead => "#3ba55d",
        };
        let mut name: String = p.name.chars().take(26).collect();
        if p.name.chars().count() > 26 {
            name.push('…');
        }
        let _ = writeln!(
            o,
            r#"<text x="10" y="{:.1}">goal {}: {}</text>"#,
            y + 14.0,
            p.goal,
            esc(&name)
        );
        let x = LEFT + label_w - 60.0;
        let _ = writeln!(
            o,
            r##"<rect x="{x:.1}" y="{y:.1}" width="{pw:.1}" height="18" fill="#eeeeee"/>"##
        );
        let _ = writeln!(
            o,
            r#"<rect class="progress" x="{x:.1}" y="{y:.1}" width="{:.1}" height="18" fill="{color}"><title>{} of {} min, {}</title></rect>"#,
            done * pw,
            p.minutes_done,
            p.minutes_planned,
            p.status.as_str()
        );
        let tx = x + p.time_elapsed.clamp(0.0, 1.0) * pw;
        let _ = writeln!(
            o,
            r##"<line x1="{tx:.1}" x2="{tx:.1}" y1="{:.1}" y2="{:.1}" stroke="#222" stroke-width="2"/>"##,
            y - 3.0,
            y + 21.0
        );
        let _ = writeln!(
            o,
            r#"<text x="{:.1}" y="{:.1}" font-size="10">{:.0}% · due {}</text>"#,
            x + pw + 4.0,
            y + 14.0,
            done * 100.0,
            p.deadline
        );
    }

    // 3. Retention forecast.
    y0 += progress_h;
    let _ = writeln!(
        o,
        r#"<text x="{LEFT}" y="{}" font-size="15" font-weight="bold">Retention, next 30 days (bars: refreshers due; line: mean predicted recall)</text>"#,
        y0 + 18.0
    );
    let base = y0 + 30.0 + plot_h;
    let max_due = i
        .retention_forecast
        .iter()
        .map(|d| d.due)
        .max()
        .unwrap_or(0)
        .max(1);
    axis(
        &mut o,
        LEFT,
        y0 + 30.0,
        plot_w,
        plot_h,
        f64::from(max_due),
        "due",
    );
    let n = i.retention_forecast.len().max(1) as f64;
    let bw = plot_w / n;
    let mut pts = Vec::new();
    for (k, d) in i.retention_forecast.iter().enumerate() {
        let x = LEFT + k as f64 * bw;
        let bh = f64::from(d.due) / f64::from(max_due) * plot_h;
        if d.due > 0 {
            let _ = writeln!(
                o,
                r##"<rect class="due" x="{:.1}" y="{:.1}" width="{:.1}" height="{bh:.1}" fill="#9b6bd8"><title>{} {} due</title></rect>"##,
                x + bw * 0.15,
                base - bh,
                bw * 0.7,
                d.date,
                d.due
            );
        }
        if let Some(r) = d.mean_recall {
            pts.push(format!(
                "{:.1},{:.1}",
                x + bw / 2.0,
                base - f64::from(r) * plot_h
            ));
        }
        if k % 5 == 0 {
            let _ = writeln!(
                o,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="10">{}</text>"#,
                x + bw / 2.0,
                base + 14.0,
                d.date.format("%m-%d")
            );
        }
    }
    if !pts.is_empty() {
        let _ = writeln!(
            o,
            r##"<polyline class="recall" points="{}" fill="none" stroke="#222" stroke-width="2"/>"##,
            pts.join(" ")
        );
        let _ = writeln!(
            o,
            r#"<text x="{:.1}" y="{:.1}" font-size="10">100% recall</text>"#,
            W - RIGHT - 60.0,
            y0 + 28.0
        );
    }

    // 4. Balance.
    y0 += PANEL;
    let b = &i.balance;
    let _ = writeln!(
        o,
        r#"<text x="{LEFT}" y="{}" font-size="15" font-weight="bold">Balance {} → {}: deeper study vs quick wins</text>"#,
        y0 + 18.0,
        b.from,
        b.to
    );
    let total = f64::from(b.total.max(1));
    let mut x = LEFT;
    for (label, minutes, color) in [
        ("deeper study", b.deeper, "#3ba55d"),
        ("quick wins", b.quick_wins, "#e0a030"),
        ("unassigned", b.unassigned, "#bbbbbb"),
    ] {
        let w = f64::from(minutes) / total * plot_w;
        if minutes > 0 {
            let _ = writeln!(
                o,
                r#"<rect class="balance" x="{x:.1}" y="{:.1}" width="{w:.1}" height="28" fill="{color}"><title>{label} {minutes} min</title></rect>"#,
                y0 + 30.0
            );
        }
        x += w;
    }
    let legend = format!(
        "deeper {} · quick wins {} · unassigned {}",
        format_minutes(b.deeper),
        format_minutes(b.quick_wins),
        format_minutes(b.unassigned)
    );
    let _ = writeln!(
        o,
        r#"<text x="{LEFT}" y="{:.1}">{}</text>"#,
        y0 + 76.0,
        esc(&legend)
    );
    if let Some(w) = &b.warning {
        let short: String = w.chars().take(120).collect();
        let _ = writeln!(
            o,
            r##"<text x="{LEFT}" y="{:.1}" fill="#b03020">⚠ {}</text>"##,
            y0 + 96.0,
            esc(&short)
        );
    }
    let _ = writeln!(
        o,
        r#"<text x="{LEFT}" y="{:.1}">Streak: {}</text>"#,
        y0 + 116.0,
        esc(&i.streak.summary())
    );
    o.push_str("</svg>\n");
    o
}

fn axis(o: &mut String, x: f64, y: f64, w: f64, h: f64, max: f64, unit: &str) {
    let _ = writeln!(
        o,
        r##"<line x1="{x}" y1="{}" x2="{}" y2="{}" stroke="#444"/>"##,
        y + h,
        x + w,
        y + h
    );
    let _ = writeln!(
        o,
        r##"<line x1="{x}" y1="{y}" x2="{x}" y2="{}" stroke="#444"/>"##,
        y + h
    );
    let _ = writeln!(
        o,
        r#"<text x="{}" y="{}" text-anchor="end" font-size="10">{max:.0} {unit}</text>"#,
        x - 4.0,
        y + 10.0
    );
    let _ = writeln!(
        o,
        r#"<text x="{}" y="{}" text-anchor="end" font-size="10">0</text>"#,
        x - 4.0,
        y + h
    );
}
