//! The review's pictures as terminal charts, and the option to write the
//! same charts as one SVG image (`mm review --svg FILE`); the data and the
//! SVG drawing are `mm_app::charts`'.

use crate::ui::outln;
use anyhow::Result;
use clap::Args;
use mm_app::charts::Insight;
use mm_core::parse::format_minutes;
use std::path::PathBuf;

/// Options `mm review` takes for its charts.
#[derive(Debug, Clone, Args)]
pub struct ChartArgs {
    /// Look back over the past week (7 days).
    #[arg(long, conflicts_with = "month")]
    pub week: bool,
    /// Look back over the past month (30 days).
    #[arg(long)]
    pub month: bool,
    /// Also write the charts as an SVG image.
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
}

impl ChartArgs {
    /// The period length in days, given the command's own `--days`.
    pub fn days(&self, default: u32) -> u32 {
        if self.week {
            7
        } else if self.month {
            30
        } else {
            default
        }
    }
}

/// Print the charts after the review's own lines.
pub fn print(i: &Insight) -> anyhow::Result<()> {
    outln!()?;
    outln!("Progress to deadline (█ done, │ time gone)")?;
    if i.progress.is_empty() {
        outln!("  no open goals")?;
    }
    for p in &i.progress {
        let width = 30usize;
        let done =
            (f64::from(p.minutes_done) / f64::from(p.minutes_planned.max(1))).clamp(0.0, 1.0);
        let full = (done * width as f64).round() as usize;
        let mark = ((p.time_elapsed.clamp(0.0, 1.0)) * width as f64).round() as usize;
        let mut bar: Vec<char> = (0..width)
            .map(|k| if k < full { '█' } else { '░' })
            .collect();
        if mark < width {
            bar[mark] = '│';
        }
        outln!(
            "  goal {:>3} [{}] {:>3.0}% {} of {} by {} · {}",
            p.goal,
            bar.into_iter().collect::<String>(),
            done * 100.0,
            format_minutes(p.minutes_done),
            format_minutes(p.minutes_planned),
            p.deadline,
            p.status.as_str()
        )?;
    }
    outln!()?;
    let due: u32 = i.retention_forecast.iter().map(|d| d.due).sum();
    outln!(
        "Retention, next 30 days: {due} refresher{} due",
        if due == 1 { "" } else { "s" }
    )?;
    if i.retention_forecast.iter().any(|d| d.mean_recall.is_some()) {
        let spark: String = i
            .retention_forecast
            .iter()
            .map(|d| spark_char(d.mean_recall.unwrap_or(0.0)))
            .collect();
        let first = i
            .retention_forecast
            .first()
            .and_then(|d| d.mean_recall)
            .unwrap_or(0.0);
        let last = i
            .retention_forecast
            .last()
            .and_then(|d| d.mean_recall)
            .unwrap_or(0.0);
        outln!(
            "  predicted recall without refreshers {spark} {:.0}% → {:.0}%",
            first * 100.0,
            last * 100.0
        )?;
        let dues: String = i
            .retention_forecast
            .iter()
            .map(|d| match d.due {
                0 => '·',
                1..=9 => char::from_digit(d.due, 10).unwrap_or('+'),
                _ => '+',
            })
            .collect();
        outln!("  refreshers due per day               {dues}")?;
    } else {
        outln!("  nothing to keep alive yet (refreshers start when a goal is achieved)")?;
    }
    outln!()?;
    let b = &i.balance;
    outln!(
        "Balance, {} → {} (deeper study vs quick wins)",
        b.from,
        b.to
    )?;
    if b.total == 0 {
        outln!("  no practice in the last 30 days")?;
    } else {
        let width = 30.0;
        let d = (f64::from(b.deeper) / f64::from(b.total) * width).round() as usize;
        let q = (f64::from(b.quick_wins) / f64::from(b.total) * width).round() as usize;
        let u = (width as usize).saturating_sub(d + q);
        outln!(
            "  [{}{}{}] deeper {} · quick wins {} · unassigned {}",
            "█".repeat(d),
            "▒".repeat(q),
            "░".repeat(u),
            format_minutes(b.deeper),
            format_minutes(b.quick_wins),
            format_minutes(b.unassigned)
        )?;
        for a in b.arcs.iter().filter(|a| a.minutes > 0) {
            outln!("    {}: {}", a.name, format_minutes(a.minutes))?;
        }
    }
    if let Some(w) = &b.warning {
        outln!("  ⚠ {w}{}", balance_hint(b))?;
    }
    outln!()?;
    outln!("Streak: {}", i.streak.summary())?;
    Ok(())
}

/// The next step when no practice went to deeper study.
fn balance_hint(b: &mm_core::balance::Balance) -> String {
    if b.deeper > 0 || b.total == 0 {
        return String::new();
    }
    match b.arcs.first() {
        Some(a) => format!(
            ": link a goal to an arc (`mm arc assign <goal> {}` for \"{}\") or start one that builds toward it",
            a.arc, a.name
        ),
        None => {
            ": declare a long-term arc with `mm arc add \"data analysis\"` and link goals to it"
                .into()
        }
    }
}

fn spark_char(v: f32) -> char {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    BARS[((v.clamp(0.0, 1.0) * 7.0).round() as usize).min(7)]
}

/// Write the SVG to `path`.
pub fn write_svg(i: &Insight, path: &std::path::Path) -> Result<()> {
    crate::outfile::write(path, mm_app::charts::svg(i)?.as_bytes())
}
