//! Pictures of a market report: an SVG bar chart of the top shares with
//! their 95% intervals (plotters, SVG backend) and terminal sparklines.

use crate::error::{Error, Result};
use crate::market::SkillStat;
use plotters::prelude::*;

/// A sparkline of values scaled between their min and max (`▁▂▃▄▅▆▇█`).
pub fn sparkline(values: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    values
        .iter()
        .map(|&v| {
            if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
                BARS[3]
            } else {
                let i = ((v - lo) / (hi - lo) * 7.0).round() as usize;
                BARS[i.min(7)]
            }
        })
        .collect()
}

/// An SVG document: one horizontal bar per skill (share of postings) with
/// its Wilson 95% interval as a whisker.
///
/// # Errors
/// [`Error::Chart`] if plotters fails to draw.
pub fn share_chart_svg(title: &str, skills: &[SkillStat]) -> Result<String> {
    let mut svg = String::new();
    let rows = skills.len().max(1);
    let height = 80 + 22 * rows as u32;
    {
        let root = SVGBackend::with_string(&mut svg, (900, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| Error::Chart(e.to_string()))?;
        let xmax = skills
            .iter()
            .map(|s| s.ci_high)
            .fold(0.05f64, f64::max)
            .min(1.0)
            * 100.0;
        let labels: Vec<String> = skills
            .iter()
            .map(|s| {
                let mut l = s.label.clone();
                if l.chars().count() > 38 {
                    l = l.chars().take(37).collect::<String>() + "…";
                }
                l
            })
            .collect();
        let n = rows as u32;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(30)
            .y_label_area_size(280)
            .build_cartesian_2d(0f64..xmax * 1.05, (0u32..n).into_segmented())
            .map_err(|e| Error::Chart(e.to_string()))?;
        // Row i (0 = most asked-for) is drawn at the top: segment n - 1 - i.
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(rows)
            .y_label_formatter(&|v| match v {
                SegmentValue::CenterOf(y) if *y < n => labels
                    .get((n - 1 - *y) as usize)
                    .cloned()
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .x_desc("% of postings (bar) with 95% Wilson interval")
            .draw()
            .map_err(|e| Error::Chart(e.to_string()))?;
        let bars = skills.iter().enumerate().map(|(i, s)| {
            let y = n - 1 - i as u32;
            let mut r = Rectangle::new(
                [
                    (0.0, SegmentValue::Exact(y)),
                    (s.share * 100.0, SegmentValue::Exact(y + 1)),
                ],
                RGBColor(70, 130, 180).filled(),
            );
            r.set_margin(3, 3, 0, 0);
            r
        });
        chart
            .draw_series(bars)
            .map_err(|e| Error::Chart(e.to_string()))?;
        let whiskers = skills.iter().enumerate().map(|(i, s)| {
            let y = SegmentValue::CenterOf(n - 1 - i as u32);
            PathElement::new(
                vec![(s.ci_low * 100.0, y.clone()), (s.ci_high * 100.0, y)],
                BLACK.stroke_width(2),
            )
        });
        chart
            .draw_series(whiskers)
            .map_err(|e| Error::Chart(e.to_string()))?;
        root.present().map_err(|e| Error::Chart(e.to_string()))?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sparkline_spans_the_range() {
        assert_eq!(sparkline(&[0.0, 0.5, 1.0]), "▁▅█");
        assert_eq!(sparkline(&[0.2, 0.2]), "▄▄");
        assert_eq!(sparkline(&[]), "");
    }
}
