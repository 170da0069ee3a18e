//! `-f` on every kind of stream a user passes: a FIFO, a process
//! substitution (a pipe under /dev/fd), /dev/stdin, and a regular file that
//! grows, is truncated, or is renamed and created again. Only a regular
//! file is watched; anything else is read as the stream it is, and its end
//! ends it.

use crate::util::*;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const FIXTURE: &str = "fixtures/incident/kubectl-ts.log";

fn fixture() -> String {
    std::fs::read_to_string(root().join(FIXTURE)).unwrap()
}

/// `analyze ARGS` on the fixture read whole: the report a follow must end
/// with.
fn batch(args: &[&str]) -> String {
    let out = kp()
        .arg("analyze")
        .args(args)
        .arg(root().join(FIXTURE))
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn bash(script: &str) -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("kp-triage");
    let child = Command::new("bash")
        .arg("-c")
        .arg(script)
        .env("KP", bin)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _watchdog = Watchdog::new(child.id(), 60);
    let out = child.wait_with_output().unwrap();
    drop(_watchdog);
    out
}

#[test]
fn a_process_substitution_is_read_to_its_end() {
    let out = bash(&format!(r#""$KP" analyze -f <(cat {FIXTURE}) -o json"#));
    let text = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    assert_eq!(report["report"]["pod_restart"]["verdict"], "recommended");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("Illegal seek"));
    assert_eq!(out.status.code(), Some(1), "{out:?}");
}

#[test]
fn an_empty_process_substitution_ends_at_once_with_no_evidence() {
    let out = bash(r#""$KP" analyze -f <(true)"#);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("NO EVIDENCE"), "{out:?}");
    assert_eq!(out.status.code(), Some(3), "{out:?}");
}

/// The report a `-f -o json` run ended with, its input named as the
/// fixture is, for comparison with the batch report of the fixture.
fn final_report(out: &std::process::Output, name: &str) -> String {
    let text = String::from_utf8_lossy(&out.stdout);
    let last: serde_json::Value = serde_json::from_str(text.lines().last().unwrap()).unwrap();
    last["report"].to_string().replace(name, &path_name())
}

fn batch_report() -> String {
    let doc: serde_json::Value = serde_json::from_str(&batch(&["-o", "json"])).unwrap();
    doc.to_string()
}

#[test]
fn a_character_device_is_read_as_a_stream_and_never_seeked() {
    let out = bash(r#""$KP" analyze -f /dev/null"#);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("NO EVIDENCE"), "{out:?}");
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("seek"),
        "{out:?}"
    );
    assert_eq!(out.status.code(), Some(3), "{out:?}");
}

#[test]
fn a_fifo_and_dev_stdin_are_read_as_streams() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let want = batch_report();
    let f = fifo.display().to_string();
    let out = bash(&format!(
        r#"cat {FIXTURE} > {f} & "$KP" analyze -f {f} -o json"#
    ));
    assert_eq!(final_report(&out, &f), want, "{out:?}");
    assert_eq!(out.status.code(), Some(1));
    let out = bash(&format!(
        r#"cat {FIXTURE} | "$KP" analyze -f /dev/stdin -o json"#
    ));
    assert_eq!(final_report(&out, "/dev/stdin"), want, "{out:?}");
    assert_eq!(out.status.code(), Some(1));
}

fn path_name() -> String {
    root().join(FIXTURE).display().to_string()
}

/// A follow of `path` that the test writes to, then stops with SIGTERM.
struct Following {
    child: std::process::Child,
}

impl Following {
    fn start(path: &Path) -> Following {
        let child = Command::new(assert_cmd::cargo::cargo_bin("kp-triage"))
            .args(["analyze", "-f", "-o", "json"])
            .arg(path)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        Following { child }
    }

    /// Stops the follow once it has read its file to the end, and returns
    /// its final report.
    fn stop(self) -> serde_json::Value {
        let _watchdog = Watchdog::new(self.child.id(), 60);
        // Until the reader has read it all, as seen from outside: the
        // follow's file offset. What it has read reaches the report (the
        // follow's stop takes what its readers already read).
        let until = Instant::now() + Duration::from_secs(30);
        while !has_read(self.child.id()) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(100));
        }
        let ok = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
        let out = self.child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        serde_json::from_str(text.lines().last().unwrap()).unwrap()
    }
}

/// Whether a process has read to the end of its regular files: their
/// descriptors' offsets (in /proc) are at the files' sizes.
fn has_read(pid: u32) -> bool {
    read_offsets(pid).iter().all(|(_, pos, len)| pos >= len)
}

/// Whether a process has `path` open and has read it to its end: its
/// offset at the size exactly (past it, the file was truncated under it and
/// not yet read again).
fn has_read_file(pid: u32, path: &Path) -> bool {
    let path = path.canonicalize().ok();
    read_offsets(pid)
        .iter()
        .any(|(p, pos, len)| Some(p) == path.as_ref() && pos == len)
}

/// A process's open regular files: each one's path, the descriptor's
/// offset and the file's size.
fn read_offsets(pid: u32) -> Vec<(std::path::PathBuf, u64, u64)> {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
        return Vec::new();
    };
    fds.filter_map(Result::ok)
        .filter_map(|fd| {
            let target = std::fs::read_link(fd.path()).ok()?;
            let meta = std::fs::metadata(&target).ok()?;
            if !meta.is_file() {
                return None;
            }
            let info =
                std::fs::read_to_string(format!("/proc/{pid}/fdinfo/{}", fd.file_name().to_str()?))
                    .unwrap_or_default();
            let pos: u64 = info
                .lines()
                .find_map(|l| l.strip_prefix("pos:"))
                .and_then(|p| p.trim().parse().ok())
                .unwrap_or(0);
            Some((target, pos, meta.len()))
        })
        .collect()
}

fn lines_read(report: &serde_json::Value) -> u64 {
    report["report"]["input"]["lines"].as_u64().unwrap()
}

/// Follows a file of the fixture's first 20 lines; `rotate` then puts the
/// rest in place of it as a log rotation would. Every line is read once.
/// The rest is shorter, so a copy-truncate shows as a truncation (as for
/// `tail -F`, a file rewritten longer looks like one that grew).
fn rotated(rotate: impl FnOnce(&Path, &str)) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kp.log");
    let text = fixture();
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(&path, lines[..20].join("\n") + "\n").unwrap();
    let mut f = Following::start(&path);
    // The first lines read before the rotation; a follow that never gets
    // there is killed by the watchdog, and the test fails.
    let _watchdog = Watchdog::new(f.child.id(), 60);
    while !has_read_file(f.child.id(), &path) {
        let ended = f.child.try_wait().unwrap();
        assert!(ended.is_none(), "the follow ended first: {ended:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    rotate(&path, &(lines[20..].join("\n") + "\n"));
    while !has_read_file(f.child.id(), &path) {
        let ended = f.child.try_wait().unwrap();
        assert!(ended.is_none(), "the follow ended first: {ended:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    let report = f.stop();
    assert_eq!(lines_read(&report), lines.len() as u64, "{report:#}");
    assert_eq!(report["report"]["pod_restart"]["verdict"], "recommended");
}

#[test]
fn a_truncated_file_is_read_again_from_its_start() {
    // copytruncate: the file is emptied, then written from its start.
    rotated(|path, rest| std::fs::write(path, rest).unwrap());
}

#[test]
fn a_renamed_file_is_followed_to_its_new_self() {
    // A rename rotation: the old file moves away, a new one takes its name.
    rotated(|path, rest| {
        std::fs::rename(path, path.with_extension("log.1")).unwrap();
        std::fs::write(path, rest).unwrap();
    });
}

#[test]
fn a_file_not_there_yet_is_waited_for_and_an_unended_last_line_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("later.log");
    let mut f = Following::start(&path);
    // Until the follow says it waits for the file: then it is created.
    let watchdog = Watchdog::new(f.child.id(), 60);
    let mut said = String::new();
    // Kept open to the end: the follow may still write to its stderr.
    let mut stderr = std::io::BufReader::new(f.child.stderr.take().unwrap());
    std::io::BufRead::read_line(&mut stderr, &mut said).unwrap();
    assert!(said.contains("does not exist yet"), "{said}");
    let text = fixture();
    let path = &path;
    // The last line has no newline yet when the follow stops.
    let mut file = std::fs::File::create(path).unwrap();
    file.write_all(text.trim_end().as_bytes()).unwrap();
    drop(file);
    // Until the follow has found the file and read it to its end (a follow
    // that never does is killed by the watchdog, and the test fails).
    while !has_read_file(f.child.id(), path) {
        let ended = f.child.try_wait().unwrap();
        assert!(ended.is_none(), "the follow ended first: {ended:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(watchdog);
    let report = f.stop();
    drop(stderr);
    let want: serde_json::Value = serde_json::from_str(&batch(&["-o", "json"])).unwrap();
    assert_eq!(lines_read(&report), text.lines().count() as u64);
    assert_eq!(
        report["report"]["pod_restart"]["verdict"],
        want["pod_restart"]["verdict"]
    );
    let named = report["report"]["clusters"]
        .to_string()
        .replace(&path.display().to_string(), &path_name());
    assert_eq!(named, want["clusters"].to_string());
}
