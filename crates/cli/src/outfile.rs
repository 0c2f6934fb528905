//! One way to write a file the person named (`-o PATH`, `--svg FILE`, ...),
//! so that a failed write never leaves a half-written file or a `.partial`
//! beside it, and never replaces something that is not a regular file.
//!
//! - `-` is stdout.
//! - A regular file, or a name that does not exist yet, is written to a
//!   temporary file in the same directory, flushed to disk and then renamed
//!   onto the name: readers see the old file or the new one, never half.
//!   A symbolic link is followed, so the link stays and its target is replaced.
//! - A device, FIFO or socket (`/dev/null`, `/dev/stdout`, a named pipe) is
//!   written directly: renaming onto it would replace the node with a file.
//! - A directory is refused.

use anyhow::{Context as _, Result, bail};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Where the bytes for a path go.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    Stdout,
    /// A device, FIFO or socket: opened and written in place.
    Direct(PathBuf),
    /// A regular file or a new name: temporary file, then rename.
    Replace(PathBuf),
}

fn target(path: &Path) -> Result<Target> {
    if path.as_os_str() == "-" {
        return Ok(Target::Stdout);
    }
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => bail!(
            "{} is a directory: name a file to write, for example {}",
            path.display(),
            path.join("out").display()
        ),
        Ok(meta) if meta.is_file() => {
            // Follow a symlink so that the rename replaces its target, not the link.
            let real = std::fs::canonicalize(path)
                .with_context(|| format!("cannot resolve {}", path.display()))?;
            Ok(Target::Replace(real))
        }
        Ok(_) => Ok(Target::Direct(path.to_owned())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if std::fs::symlink_metadata(path).is_ok() {
                bail!(
                    "{} is a link to nothing: remove it or name another file",
                    path.display()
                );
            }
            Ok(Target::Replace(path.to_owned()))
        }
        Err(e) => Err(e).with_context(|| format!("cannot write {}", path.display())),
    }
}

/// Check, before anything is recorded, that `path` can be written: not a
/// directory, and its folder exists. Commands that change the journal and
/// then write a file call this first, so that a bad `-o` changes nothing.
///
/// # Errors
/// As [`write()`], for the reasons known before writing.
pub fn check(path: &Path) -> Result<()> {
    if let Target::Replace(p) = target(path)? {
        folder(&p)?;
    }
    Ok(())
}

fn folder(path: &Path) -> Result<&Path> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        bail!(
            "cannot create {}: the folder {} does not exist",
            path.display(),
            dir.display()
        );
    }
    Ok(dir)
}

/// Write `bytes` to `path` as described in the module documentation.
///
/// # Errors
/// When `path` is a directory, its folder does not exist or cannot be
/// written, or the write fails; nothing is left behind then.
pub fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut out = create(path)?;
    out.write_all(bytes).map_err(|e| out.error(e))?;
    out.finish()
}

/// A file being written: bytes go to it as to any writer, and
/// [`Output::finish`] puts it in place. Dropped unfinished (an error on the
/// way), a temporary file is removed and the old file stays as it was.
#[derive(Debug)]
pub struct Output {
    kind: Kind,
    path: PathBuf,
}

#[derive(Debug)]
enum Kind {
    Stdout(std::io::Stdout),
    Direct(std::fs::File),
    Temp(tempfile::NamedTempFile),
}

/// Start writing `path` (see the module documentation for what goes where).
///
/// # Errors
/// When `path` is a directory or its folder does not exist or cannot be written.
pub fn create(path: &Path) -> Result<Output> {
    let kind = match target(path)? {
        Target::Stdout => Kind::Stdout(std::io::stdout()),
        Target::Direct(p) => Kind::Direct(
            std::fs::OpenOptions::new()
                .write(true)
                .open(&p)
                .with_context(|| format!("cannot write {}", p.display()))?,
        ),
        Target::Replace(p) => {
            let dir = folder(&p)?;
            let name = p
                .file_name()
                .map_or_else(|| "out".into(), |n| n.to_string_lossy().into_owned());
            let prefix = format!(".{name}.");
            let mut builder = tempfile::Builder::new();
            builder.prefix(&prefix).suffix(".tmp");
            // A new file gets the usual mode (0666 less the umask); a replaced one keeps its own.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt as _;
                let mode = std::fs::metadata(&p).map_or(0o666, |m| m.permissions().mode() & 0o7777);
                builder.permissions(std::fs::Permissions::from_mode(mode));
            }
            let tmp = builder
                .tempfile_in(dir)
                .with_context(|| format!("cannot write in {}", dir.display()))?;
            return Ok(Output {
                kind: Kind::Temp(tmp),
                path: p,
            });
        }
    };
    Ok(Output {
        kind,
        path: path.to_owned(),
    })
}

impl Output {
    /// Flush, and move a temporary file onto the name.
    ///
    /// # Errors
    /// When the last bytes cannot be written or the file cannot be moved into
    /// place; the temporary file is removed then.
    pub fn finish(self) -> Result<()> {
        let Output { kind, path } = self;
        match kind {
            Kind::Stdout(s) => s.lock().flush().map_err(crate::ui::stdout_error),
            Kind::Direct(mut f) => f
                .flush()
                .with_context(|| format!("cannot write {}", path.display())),
            Kind::Temp(mut tmp) => {
                tmp.flush()
                    .and_then(|()| tmp.as_file().sync_all())
                    .with_context(|| format!("cannot write {}", path.display()))?;
                tmp.persist(&path)
                    .map_err(|e| e.error)
                    .with_context(|| format!("cannot move the new file onto {}", path.display()))?;
                Ok(())
            }
        }
    }

    /// The error of a failed write, naming the file.
    pub fn error(&self, e: std::io::Error) -> anyhow::Error {
        match self.kind {
            Kind::Stdout(_) => crate::ui::stdout_error(e),
            _ => anyhow::Error::new(e).context(format!("cannot write {}", self.path.display())),
        }
    }
}

impl std::io::Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match &mut self.kind {
            Kind::Stdout(s) => s.write(buf),
            Kind::Direct(f) => f.write(buf),
            Kind::Temp(t) => t.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match &mut self.kind {
            Kind::Stdout(s) => s.flush(),
            Kind::Direct(f) => f.flush(),
            Kind::Temp(t) => t.flush(),
        }
    }
}

/// Refuse at once a path that cannot be read as a plain file (a FIFO would
/// block until someone writes to it; a device never ends).
///
/// # Errors
/// When `path` does not exist or is not a regular file.
pub fn regular_file(path: &Path, what: &str) -> Result<()> {
    let meta = std::fs::metadata(path)
        .with_context(|| format!("{what} {} cannot be read", path.display()))?;
    if !meta.is_file() {
        bail!(
            "{what} {} is not a regular file (a directory, pipe or device); name a file",
            path.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_and_existing_files_are_replaced_whole() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        write(&p, b"one").unwrap();
        write(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file is left beside it");
    }

    #[test]
    fn a_directory_is_refused_and_nothing_is_left() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        let err = write(&sub, b"x").unwrap_err().to_string();
        assert!(err.contains("is a directory"), "{err}");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn devices_are_written_in_place() {
        assert_eq!(
            target(Path::new("/dev/null")).unwrap(),
            Target::Direct("/dev/null".into())
        );
        write(Path::new("/dev/null"), b"gone").unwrap();
        use std::os::unix::fs::FileTypeExt as _;
        let kind = Path::new("/dev/null").metadata().unwrap().file_type();
        assert!(kind.is_char_device(), "/dev/null is still a device");
    }

    #[test]
    fn a_missing_folder_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let err = write(&dir.path().join("no/such/out.json"), b"x")
            .unwrap_err()
            .to_string();
        assert!(err.contains("does not exist"), "{err}");
    }
}
