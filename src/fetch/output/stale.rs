//! Temporary files of runs that were killed. Each is named
//! `.FILE.kp-triage-PID.RANDOM.tmp`; one whose process is gone can only be
//! left over, since a live run removes its own.

use std::path::{Path, PathBuf};

const MARK: &str = ".kp-triage-";
pub(super) const SUFFIX: &str = ".tmp";

/// The start of a temporary file's name for `-o NAME` in this process.
pub(super) fn temp_prefix(name: &str) -> String {
    format!(".{name}{MARK}{}.", std::process::id())
}

/// The process that made the temporary file `name`, if it is one of ours.
fn owner(name: &str) -> Option<u32> {
    let rest = name.strip_prefix('.')?.strip_suffix(SUFFIX)?;
    let (_, tail) = rest.rsplit_once(MARK)?;
    let (pid, random) = tail.split_once('.')?;
    (!random.is_empty() && !random.contains('/'))
        .then(|| pid.parse().ok())
        .flatten()
}

/// Whether process `pid` may still be running. Without /proc it cannot be
/// told, and the file is left alone.
fn may_run(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// Removes the temporary files in `dir` left by runs that are gone, and
/// says which. A file that cannot be removed is left for the next run.
pub fn remove_stale(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let me = std::process::id();
    let mut removed = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(pid) = name.to_str().and_then(owner) else {
            continue;
        };
        let is_file = e.file_type().is_ok_and(|t| t.is_file());
        if is_file && pid != me && !may_run(pid) && std::fs::remove_file(e.path()).is_ok() {
            removed.push(e.path());
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_names_have_an_owner() {
        assert_eq!(owner(".export.jsonl.kp-triage-4242.AbC123.tmp"), Some(4242));
        assert_eq!(owner(".a.kp-triage-b.kp-triage-7.x.tmp"), Some(7));
        for other in [
            "export.jsonl",
            ".export.jsonl.kp-triage-4242.AbC123",
            ".export.jsonl.kp-triage-x.AbC123.tmp",
            ".export.jsonl.kp-triage-4242..tmp",
            ".export.jsonl.swp",
        ] {
            assert_eq!(owner(other), None, "{other}");
        }
        assert!(temp_prefix("e.jsonl").starts_with(".e.jsonl.kp-triage-"));
    }
}
