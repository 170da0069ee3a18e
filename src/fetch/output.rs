//! Where `-o` writes, decided before anything is fetched:
//! - `-` is stdout;
//! - a regular file (or a name not taken yet) loses nothing: the export is
//!   written to a temporary file in its folder and renamed over it only once
//!   the fetch has succeeded, so a fetch that fails never empties it. One
//!   that stops after some lines keeps them as `FILE.partial`. A symbolic
//!   link to a file stays a link: the file it points to is the one replaced;
//! - a character device, a FIFO, a socket, or a path through a descriptor
//!   (`/dev/stdout`, `/dev/fd/N`) is written to directly, never replaced:
//!   renaming over `/dev/null` would put a regular file in its place;
//! - a folder is refused.
//!
//! The temporary file's name carries the machine's name and the process id,
//! so one left by a run that was killed (SIGKILL leaves no chance to remove
//! it) is recognised and removed by a later run once that process is gone.

mod stale;

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

pub use stale::remove_stale;

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("-o {0}: is a folder; give a file name")]
    Folder(String),
    #[error("-o {path}: cannot write there")]
    Open {
        path: String,
        #[source]
        source: io::Error,
    },
}

/// An opened `-o`.
pub enum Output {
    Stdout(BufWriter<io::Stdout>),
    /// Written in place: a device, a FIFO, a descriptor.
    Direct(BufWriter<File>),
    File(AtomicFile),
}

impl Output {
    /// Opens `path` as the module doc says; nothing is fetched yet.
    pub fn open(path: &Path) -> Result<Output, OutputError> {
        let shown = || super::neutralise(&path.display().to_string()).into_owned();
        let err = |source| OutputError::Open {
            path: shown(),
            source,
        };
        if path.as_os_str() == "-" {
            return Ok(Output::Stdout(BufWriter::new(io::stdout())));
        }
        let target = match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => return Err(OutputError::Folder(shown())),
            Ok(m) if !m.is_file() || through_descriptor(path) => {
                // Appending keeps what a `>>` redirection already holds.
                let file = OpenOptions::new().append(true).open(path).map_err(err)?;
                return Ok(Output::Direct(BufWriter::new(file)));
            }
            Ok(_) if path.is_symlink() => std::fs::canonicalize(path).map_err(err)?,
            _ => path.to_path_buf(),
        };
        AtomicFile::create(&target).map(Output::File).map_err(err)
    }

    pub fn writer(&mut self) -> &mut dyn Write {
        match self {
            Output::Stdout(w) => w,
            Output::Direct(w) => w,
            Output::File(f) => f,
        }
    }

    /// The fetch succeeded: flushed, and a file renamed over its target.
    pub fn commit(self) -> io::Result<()> {
        match self {
            Output::Stdout(mut w) => w.flush(),
            Output::Direct(mut w) => w.flush(),
            Output::File(f) => f.commit(),
        }
    }
}

/// Whether `path` reaches a file through a file descriptor (`/dev/stdout`,
/// `/dev/fd/1`, `/proc/self/fd/1`): that file is the caller's, opened by a
/// shell redirection, and is written as it is.
fn through_descriptor(path: &Path) -> bool {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        let s = p.to_string_lossy();
        let fd_dir = s.starts_with("/dev/fd/")
            || (s.starts_with("/proc/") && s.split('/').nth(3) == Some("fd"));
        if fd_dir || ["/dev/stdout", "/dev/stderr"].contains(&s.as_ref()) {
            return true;
        }
        match std::fs::read_link(&p) {
            Ok(t) if t.is_absolute() => p = t,
            Ok(t) => p = p.parent().unwrap_or(Path::new("/")).join(t),
            Err(_) => return false,
        }
    }
    false
}

pub struct AtomicFile {
    target: PathBuf,
    tmp: BufWriter<NamedTempFile>,
    /// Temporary files of killed runs removed on the way.
    pub removed: Vec<PathBuf>,
}

impl AtomicFile {
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let removed = remove_stale(dir);
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = tempfile::Builder::new()
            .prefix(&stale::temp_prefix(&name))
            .suffix(stale::SUFFIX)
            .tempfile_in(dir)?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            tmp: BufWriter::new(tmp),
            removed,
        })
    }

    /// The temporary file's path (to remove it if a signal ends the process).
    pub fn temp_path(&self) -> &Path {
        self.tmp.get_ref().path()
    }

    /// Where a failed fetch keeps its lines: `FILE.partial`.
    pub fn partial_path(&self) -> PathBuf {
        let mut p = self.target.clone().into_os_string();
        p.push(".partial");
        PathBuf::from(p)
    }

    /// Flushes and renames the temporary file over the target.
    pub fn commit(self) -> io::Result<()> {
        let target = self.target.clone();
        finish(self.tmp)?
            .persist(&target)
            .map(drop)
            .map_err(|e| e.error)
    }

    /// Flushes and keeps what was written as `FILE.partial`.
    pub fn keep_partial(self) -> io::Result<PathBuf> {
        let partial = self.partial_path();
        finish(self.tmp)?.persist(&partial).map_err(|e| e.error)?;
        Ok(partial)
    }
}

fn finish(w: BufWriter<NamedTempFile>) -> io::Result<NamedTempFile> {
    let tmp = w.into_inner().map_err(|e| e.into_error())?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.tmp.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.tmp.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.tmp.flush()
    }
}

#[cfg(test)]
mod tests;
