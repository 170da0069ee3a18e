//! A file that is still being written (`--follow FILE`): at its end the
//! reader waits for more instead of ending, as `tail -F` does. A file cut
//! short (copytruncate) is read again from its start; a file replaced by a
//! new one under the same name (a rename rotation) is reopened.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::PathBuf;
use std::time::Duration;

/// How often the end of the file is looked at again.
const POLL: Duration = Duration::from_millis(200);

pub struct Tail {
    path: PathBuf,
    file: File,
    pos: u64,
}

impl Tail {
    pub fn open(path: PathBuf) -> io::Result<Tail> {
        let file = File::open(&path)?;
        if file.metadata()?.is_dir() {
            return Err(io::Error::other("is a directory"));
        }
        Ok(Tail { path, file, pos: 0 })
    }

    /// The file at `path` now is another one, or shorter than what was read.
    fn start_over(&mut self) -> io::Result<bool> {
        let Ok(now) = std::fs::metadata(&self.path) else {
            // Removed, and not yet created again: keep waiting.
            return Ok(false);
        };
        if replaced(&now, &self.file.metadata()?) {
            self.file = File::open(&self.path)?;
            self.pos = 0;
            return Ok(true);
        }
        if now.len() < self.pos {
            self.file.seek(SeekFrom::Start(0))?;
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
            let n = self.file.read(buf)?;
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
}
