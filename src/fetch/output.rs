//! `-o FILE` that loses nothing: the export is written to a temporary file
//! in FILE's folder and renamed over FILE only once the fetch has succeeded,
//! so an existing FILE is never emptied by a fetch that fails. A fetch that
//! stops after some lines keeps them as `FILE.partial`. A temporary file that
//! is neither is removed when dropped.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

pub struct AtomicFile {
    target: PathBuf,
    tmp: BufWriter<NamedTempFile>,
}

impl AtomicFile {
    pub fn create(target: &Path) -> io::Result<AtomicFile> {
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => Path::new("."),
        };
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(dir)?;
        Ok(AtomicFile {
            target: target.to_path_buf(),
            tmp: BufWriter::new(tmp),
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
mod tests {
    use super::*;

    #[test]
    fn the_target_changes_only_on_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("export.jsonl");
        std::fs::write(&target, "old\n").unwrap();
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"new\n").unwrap();
        f.flush().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old\n");
        f.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failure_keeps_the_partial_beside_and_the_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("export.jsonl");
        std::fs::write(&target, "old\n").unwrap();
        let mut f = AtomicFile::create(&target).unwrap();
        f.write_all(b"half\n").unwrap();
        let kept = f.keep_partial().unwrap();
        assert_eq!(kept, dir.path().join("export.jsonl.partial"));
        assert_eq!(std::fs::read_to_string(&kept).unwrap(), "half\n");
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "old\n");
        let f = AtomicFile::create(&target).unwrap();
        drop(f);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            2,
            "dropped, removed"
        );
    }
}
