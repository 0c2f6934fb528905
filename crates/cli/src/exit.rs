//! How `mm` ends: one clear line on error, a distinct exit code, never a panic trace.

use std::io::{ErrorKind, Write as _};
use std::process::ExitCode;

/// An error that carries its own exit code (for example `mm badge verify`'s 3).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct Exit {
    pub code: u8,
    pub message: String,
}

/// Turn a command's result into the process exit code, printing the error chain
/// as one line. A broken pipe (`mm ... | head`) counts as success.
pub fn finish(result: anyhow::Result<()>, _global: &crate::Global) -> ExitCode {
    let Err(err) = result else {
        return ExitCode::SUCCESS;
    };
    for cause in err.chain() {
        if let Some(io) = cause.downcast_ref::<std::io::Error>()
            && io.kind() == ErrorKind::BrokenPipe
        {
            return ExitCode::SUCCESS;
        }
    }
    if let Some(exit) = err.downcast_ref::<Exit>() {
        if !exit.message.is_empty() {
            // A closed stderr must not turn the error into a panic.
            let _ = writeln!(std::io::stderr(), "mm: {}", exit.message);
        }
        return ExitCode::from(exit.code);
    }
    let mut line = err.to_string();
    for cause in err.chain().skip(1) {
        let c = cause.to_string();
        if !line.contains(&c) {
            line.push_str(": ");
            line.push_str(&c);
        }
    }
    let _ = writeln!(std::io::stderr(), "mm: {line}");
    ExitCode::FAILURE
}
