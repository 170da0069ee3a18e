//! Temporary files of runs that were killed. Each is named
//! `.FILE.kp-triage-HOST-PID.RANDOM.tmp`; one made on this machine by a
//! process that is gone can only be left over, since a live run removes its
//! own. The host is in the name because a folder may be shared (NFS): a pid
//! of another machine says nothing here.

use std::path::{Path, PathBuf};

const MARK: &str = ".kp-triage-";
pub(super) const SUFFIX: &str = ".tmp";

/// The start of a temporary file's name for `-o NAME` in this process.
pub(super) fn temp_prefix(name: &str) -> String {
    format!(".{name}{MARK}{}-{}.", host(), std::process::id())
}

/// This machine's name, reduced to what is safe in a file name.
fn host() -> String {
    let raw = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_default();
    raw.trim()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(40)
        .collect()
}

/// The machine and process that made the temporary file `name`, if it is
/// one of ours.
fn owner(name: &str) -> Option<(&str, u32)> {
    let rest = name.strip_prefix('.')?.strip_suffix(SUFFIX)?;
    let (_, tail) = rest.rsplit_once(MARK)?;
    let (made_by, random) = tail.split_once('.')?;
    let (host, pid) = made_by.rsplit_once('-')?;
    if random.is_empty() || random.contains('/') {
        return None;
    }
    Some((host, pid.parse().ok()?))
}

/// Whether process `pid` may still be running. Without /proc it cannot be
/// told, and the file is left alone.
fn may_run(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// Removes the temporary files in `dir` left by runs of this machine that
/// are gone, and says which. A file that cannot be removed is left for the
/// next run.
pub fn remove_stale(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let (here, me) = (host(), std::process::id());
    let mut removed = Vec::new();
    for e in entries.flatten() {
        let name = e.file_name();
        let Some((host, pid)) = name.to_str().and_then(owner) else {
            continue;
        };
        let ours = host == here && pid != me && !may_run(pid);
        let is_file = e.file_type().is_ok_and(|t| t.is_file());
        if ours && is_file && std::fs::remove_file(e.path()).is_ok() {
            removed.push(e.path());
        }
    }
    removed
}

/// The name a temporary file of process `pid` on this machine has, for tests.
#[cfg(test)]
pub(super) fn name_of(target: &str, pid: u32, random: &str) -> String {
    format!(".{target}{MARK}{}-{pid}.{random}{SUFFIX}", host())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_names_have_an_owner() {
        let o = owner(".export.jsonl.kp-triage-web-01-4242.AbC123.tmp");
        assert_eq!(o, Some(("web-01", 4242)));
        let o = owner(".a.kp-triage-b.kp-triage-h-7.x.tmp");
        assert_eq!(o, Some(("h", 7)));
        assert_eq!(owner(".e.kp-triage--9.x.tmp"), Some(("", 9)));
        for other in [
            "export.jsonl",
            ".export.jsonl.kp-triage-h-4242.AbC123",
            ".export.jsonl.kp-triage-h-x.AbC123.tmp",
            ".export.jsonl.kp-triage-4242.AbC123.tmp",
            ".export.jsonl.kp-triage-h-4242..tmp",
            ".export.jsonl.swp",
        ] {
            assert_eq!(owner(other), None, "{other}");
        }
        let prefix = temp_prefix("e.jsonl");
        assert!(prefix.starts_with(".e.jsonl.kp-triage-"), "{prefix}");
        assert!(
            prefix.ends_with(&format!("-{}.", std::process::id())),
            "{prefix}"
        );
    }
}
