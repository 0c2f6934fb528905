//! How `mm` ends: one clear line on error, a distinct exit code, never a panic trace.

use mm_app::ErrorKind as Kind;
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
    let code = exit_code(&err);
    let mut line = err.to_string();
    for cause in err.chain().skip(1) {
        let c = cause.to_string();
        if !line.contains(&c) {
            line.push_str(": ");
            line.push_str(&c);
        }
    }
    if let Some(hint) = hint(&err) {
        line.push_str(" (");
        line.push_str(hint);
        line.push(')');
    }
    let _ = writeln!(std::io::stderr(), "mm: {line}");
    ExitCode::from(code)
}

/// The error's kind, from the application or the store beneath it.
fn kind(err: &anyhow::Error) -> Option<(Kind, Option<&'static str>)> {
    err.chain()
        .find_map(|c| {
            if let Some(e) = c.downcast_ref::<mm_app::Error>() {
                return Some((e.kind(), e.what()));
            }
            if let Some(e) = c.downcast_ref::<mm_team::Error>() {
                use mm_team::Kind as T;
                return Some((
                    match e.kind() {
                        T::NotFound => Kind::NotFound,
                        T::Invalid | T::Unauthorized | T::Forbidden => Kind::Invalid,
                        T::Conflict => Kind::Conflict,
                        T::Unavailable | T::TooMany => Kind::Unavailable,
                        T::Internal => Kind::Internal,
                    },
                    None,
                ));
            }
            match c.downcast_ref::<mm_store::Error>()? {
                mm_store::Error::NotFound { what, .. } => Some((Kind::NotFound, Some(*what))),
                mm_store::Error::Invalid(m) if m.starts_with("that already exists") => {
                    Some((Kind::Conflict, None))
                }
                mm_store::Error::Invalid(_) => Some((Kind::Invalid, None)),
                mm_store::Error::Open { .. }
                | mm_store::Error::Migrate { .. }
                | mm_store::Error::Locked(_)
                | mm_store::Error::ReadOnly(_) => Some((Kind::Unavailable, None)),
                _ => Some((Kind::Internal, None)),
            }
        })
        .or_else(|| {
            err.chain()
                .any(|c| c.downcast_ref::<mm_core::Error>().is_some())
                .then_some((Kind::Invalid, None))
        })
}

/// The exit code of an error: from its kind (see [`Kind::exit_code`]),
/// 1 for an error of no known kind.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    kind(err).map_or(1, |(k, _)| k.exit_code())
}

/// Where to look when a record is not found: the CLI's own hint, kept out of
/// the application and the store.
fn hint(err: &anyhow::Error) -> Option<&'static str> {
    let (Kind::NotFound, Some(what)) = kind(err)? else {
        return None;
    };
    Some(match what {
        "goal" => "see `mm goal list`",
        "session" => "see `mm practice list`",
        "skill" => "see `mm skill list`",
        "micro-skill" | "principle" => "see `mm micro list`",
        "credential" | "badge" => "see `mm badge list`",
        "arc" => "see `mm arc list`",
        "market analysis" => "see `mm market list`",
        "issuer" => "run `mm badge issuer init --name … --url …`",
        _ => return None,
    })
}

/// An application error with the CLI's hint after its message ("goal 3 has
/// no plan yet: mm plan 3"), keeping its kind for the exit code.
pub fn hinted(e: mm_app::Error, hint: impl std::fmt::Display) -> anyhow::Error {
    let line = format!("{}: {hint}", e.message());
    anyhow::Error::new(e).context(line)
}
