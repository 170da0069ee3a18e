//! The LogDNA service key file. Only a regular file is read, and only its
//! first few KiB: `--logdna-key-file /dev/zero` or a log file given by
//! mistake must neither hang nor fill memory, and a key is one short line.

use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// More than any service key file holds (a key is 32-64 characters).
pub const KEY_FILE_MAX: usize = 4 * 1024;

pub fn read_key_file(path: &Path) -> Result<String> {
    let name = crate::term::safe(&path.display().to_string()).into_owned();
    let fail = |message: String| Error::KeyFile {
        path: name.clone(),
        message,
    };
    // Checked before opening: opening a FIFO would block.
    let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
    if !meta.is_file() {
        return Err(fail("not a regular file".into()));
    }
    let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
    if !file.metadata().map(|m| m.is_file()).unwrap_or(false) {
        return Err(fail("not a regular file".into()));
    }
    let mut buf = Vec::with_capacity(KEY_FILE_MAX + 1);
    file.take(KEY_FILE_MAX as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| fail(e.to_string()))?;
    if buf.len() > KEY_FILE_MAX {
        return Err(fail(format!(
            "larger than {} KiB; a service key file holds one key",
            KEY_FILE_MAX / 1024
        )));
    }
    String::from_utf8(buf).map_err(|_| fail("not UTF-8 text".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_small_regular_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("key");
        std::fs::write(&key, "0f1e2d3c4b5a69788796a5b4c3d2e1f0\n").unwrap();
        assert_eq!(
            read_key_file(&key).unwrap(),
            "0f1e2d3c4b5a69788796a5b4c3d2e1f0\n"
        );
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'a'; KEY_FILE_MAX + 1]).unwrap();
        let err = read_key_file(&big).unwrap_err().to_string();
        assert!(err.contains("larger than 4 KiB"), "{err}");
        let err = read_key_file(dir.path()).unwrap_err().to_string();
        assert!(err.contains("not a regular file"), "{err}");
        if Path::new("/dev/zero").exists() {
            let err = read_key_file(Path::new("/dev/zero"))
                .unwrap_err()
                .to_string();
            assert!(err.contains("not a regular file"), "{err}");
        }
    }
}
