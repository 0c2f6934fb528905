//! Small printing helpers shared by the commands: stdout lines, tables and bars.
//!
//! Every line goes through [`outln!`], which writes to the locked stdout and
//! hands back the error (a full disk, a closed pipe) for `exit::finish` to
//! turn into one `mm:` line, instead of panicking as `println!` does.

use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use std::io::Write as _;

/// `println!` that returns the write error instead of panicking:
/// `outln!("{x}")?;`.
macro_rules! outln {
    () => {
        $crate::ui::write_out(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::ui::write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}
pub(crate) use outln;

/// `print!` that returns the write error and flushes (for a prompt).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::ui::write_out(format_args!($($arg)*))
    };
}
pub(crate) use out;

/// Write to the locked stdout and flush at a line end; the error keeps the
/// `io::Error` in its chain so that a broken pipe can be told apart.
pub fn write_out(args: std::fmt::Arguments<'_>) -> anyhow::Result<()> {
    let mut lock = std::io::stdout().lock();
    lock.write_fmt(args)
        .and_then(|()| lock.flush())
        .map_err(stdout_error)
}

/// Name what failed when stdout refuses a write.
pub fn stdout_error(e: std::io::Error) -> anyhow::Error {
    anyhow::Error::new(e).context("cannot write to standard output")
}

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

/// "1 session", "2 sessions": a count with its noun in the right number.
pub fn count(n: impl Into<u64>, noun: &str) -> String {
    let n = n.into();
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
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
