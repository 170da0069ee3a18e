//! A file that is still being written (`--follow FILE`): at its end the
//! reader waits for more instead of ending, as `tail -F` does. A file cut
//! short (copytruncate) is read again from its start; a file replaced by a
//! new one under the same name (a rename rotation) is reopened; a file that
//! does not exist yet is waited for. Only regular files are watched so: a
//! FIFO, a process substitution or a character device is read as the
//! stream it is, never seeked, and its end ends the input.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::time::Duration;

/// How often the end of the file is looked at again.
const POLL: Duration = Duration::from_millis(200);

/// The reader `--follow PATH` reads: a `Tail` for a regular file or one
/// not there yet, else the stream itself.
pub fn follow(path: PathBuf) -> io::Result<Box<dyn Read + Send>> {
    match std::fs::metadata(&path) {
        Ok(m) if m.is_dir() => Err(io::Error::other("is a directory")),
        Ok(m) if m.is_file() => Ok(Box::new(Tail::open(path)?)),
        Ok(_) => Ok(Box::new(File::open(&path)?)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Box::new(Tail {
            path,
            file: None,
            pos: 0,
        })),
        Err(e) => Err(e),
    }
}

pub struct Tail {
    path: PathBuf,
    /// None until the file exists.
    file: Option<File>,
    pos: u64,
}

impl Tail {
    pub fn open(path: PathBuf) -> io::Result<Tail> {
        let file = File::open(&path)?;
        if file.metadata()?.is_dir() {
            return Err(io::Error::other("is a directory"));
        }
        Ok(Tail {
            path,
            file: Some(file),
            pos: 0,
        })
    }

    /// The file at `path` now is another one, or shorter than what was read.
    fn start_over(&mut self) -> io::Result<bool> {
        let Ok(now) = std::fs::metadata(&self.path) else {
            // Removed, and not yet created again: keep waiting.
            return Ok(false);
        };
        let Some(file) = &mut self.file else {
            self.file = Some(File::open(&self.path)?);
            return Ok(true);
        };
        if replaced(&now, &file.metadata()?) {
            *file = File::open(&self.path)?;
            self.pos = 0;
            return Ok(true);
        }
        if now.len() < self.pos {
            file.seek(SeekFrom::Start(0))?;
            self.pos = 0;
            return Ok(true);
        }
        Ok(false)
    }
}

#[cfg(unix)]
fn replaced(now: &std::fs::Metadata, open: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (now.dev(), now.ino()) != (open.dev(), open.ino())
}

#[cfg(not(unix))]
fn replaced(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    false
}

impl Read for Tail {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            let n = match &mut self.file {
                Some(f) => f.read(buf)?,
                None => 0,
            };
            if n > 0 {
                self.pos += n as u64;
                return Ok(n);
            }
            if !self.start_over()? {
                std::thread::sleep(POLL);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn waits_for_more_and_starts_over_when_truncated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("grows.log");
        std::fs::write(&path, b"one\n").unwrap();
        let mut t = Tail::open(path.clone()).unwrap();
        let mut buf = [0u8; 16];
        let mut next = |t: &mut Tail| {
            let n = t.read(&mut buf).unwrap();
            buf[..n].to_vec()
        };
        assert_eq!(next(&mut t), b"one\n");
        let writer = std::thread::spawn({
            let path = path.clone();
            move || {
                std::thread::sleep(Duration::from_millis(300));
                let mut f = std::fs::OpenOptions::new()
                    .append(true)
                    .open(&path)
                    .unwrap();
                f.write_all(b"two\n").unwrap();
            }
        });
        assert_eq!(next(&mut t), b"two\n");
        writer.join().unwrap();
        std::fs::write(&path, b"3\n").unwrap();
        assert_eq!(next(&mut t), b"3\n");
    }

    #[test]
    fn a_file_not_there_yet_is_waited_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("later.log");
        let mut r = follow(path.clone()).unwrap();
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(300));
            std::fs::write(&path, b"first\n").unwrap();
        });
        let mut buf = [0u8; 16];
        let n = r.read(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"first\n");
        writer.join().unwrap();
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_read_as_a_stream_and_its_end_ends_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("note: no mkfifo here; skipped");
            return;
        }
        let p = path.clone();
        let writer = std::thread::spawn(move || std::fs::write(&p, b"a\nb\n").unwrap());
        let mut r = follow(path).unwrap();
        let mut all = Vec::new();
        r.read_to_end(&mut all).unwrap();
        assert_eq!(all, b"a\nb\n");
        writer.join().unwrap();
    }
}
