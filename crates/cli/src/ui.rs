//! Small printing helpers shared by the commands: tables and bars.

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

/// A table in the house style, fitted to the terminal.
pub fn table<I: IntoIterator<Item = &'static str>>(header: I) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header);
    t
}

/// A text progress bar: `[██████░░░░] 60%`.
pub fn bar(fraction: f64, width: usize) -> String {
    let f = if fraction.is_finite() {
        fraction.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let full = (f * width as f64).round() as usize;
    format!(
        "[{}{}] {:>3.0}%",
        "█".repeat(full),
        "░".repeat(width - full),
        f * 100.0
    )
}

/// A tick or a cross.
pub fn mark(ok: bool) -> &'static str {
    if ok { "✓" } else { "✗" }
}

#[cfg(test)]
mod tests {
    #[test]
    fn bars() {
        assert_eq!(super::bar(0.5, 4), "[██░░]  50%");
        assert_eq!(super::bar(2.0, 2), "[██] 100%");
        assert_eq!(super::bar(f64::NAN, 2), "[░░]   0%");
    }
}
