//! Where `fetch -o` writes: `-` is stdout; a FIFO, a device or a descriptor
//! is written in place and never replaced; a folder is refused before
//! anything is fetched; a temporary file left by a killed run is removed by
//! the next. Served by scripted servers on 127.0.0.1.

use crate::hostile_server::{drip, line, page, spawn, Hostile};
use crate::logdna_server::KEY;
use crate::util::kp;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const FROM: i64 = 1_795_000_000;
/// Only for a run that hangs: the test then fails instead of never ending.
const WATCHDOG: Duration = Duration::from_secs(120);

fn window(url: &str) -> Vec<String> {
    let (from, to) = (FROM.to_string(), (FROM + 7200).to_string());
    [
        "fetch",
        "logdna",
        "--logdna-url",
        url,
        "--from",
        &from,
        "--to",
        &to,
        "--timeout",
        "30",
        "-o",
    ]
    .map(String::from)
    .to_vec()
}

/// A server whose export is two lines on one page.
fn two_lines() -> Hostile {
    Hostile::start(|_, _| {
        let lines = vec![line((FROM + 60) * 1000, "a"), line((FROM + 30) * 1000, "b")];
        page(lines, None)
    })
}

/// `fetch logdna -o target`, run in `dir`.
fn fetch_to(url: &str, target: &Path, dir: &Path) -> std::process::Output {
    kp().current_dir(dir)
        .env("LOGDNA_SERVICE_KEY", KEY)
        .args(window(url))
        .arg(target)
        .timeout(WATCHDOG)
        .output()
        .unwrap()
}

fn names(dir: &Path) -> Vec<String> {
    let mut n: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    n.sort();
    n
}

#[test]
fn dash_and_dev_stdout_are_stdout_and_no_file_is_made() {
    let server = two_lines();
    for target in ["-", "/dev/stdout"] {
        let dir = tempfile::tempdir().unwrap();
        let out = fetch_to(&server.url, Path::new(target), dir.path());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{target}: {err}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(stdout.lines().count(), 2, "{target}: {stdout}");
        assert!(stdout.contains("\"_line\":\"a\""), "{target}: {stdout}");
        assert!(
            names(dir.path()).is_empty(),
            "{target}: {:?}",
            names(dir.path())
        );
    }
    assert!(Path::new("/dev/stdout").is_symlink());
}

#[test]
fn a_folder_is_refused_before_anything_is_fetched() {
    let server = two_lines();
    let dir = tempfile::tempdir().unwrap();
    let out = fetch_to(&server.url, dir.path(), dir.path());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("is a folder; give a file name"), "{err}");
    assert_eq!(server.hits(), 0, "nothing fetched");
    assert!(names(dir.path()).is_empty());
}

#[test]
fn a_fifo_is_written_to_and_stays_a_fifo() {
    let server = two_lines();
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("export.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let reading = fifo.clone();
    let reader = std::thread::spawn(move || std::fs::read_to_string(reading).unwrap());
    let out = fetch_to(&server.url, &fifo, dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Checked before joining: a FIFO replaced by a file would leave the
    // reader waiting for a writer that never comes.
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(reader.join().unwrap().lines().count(), 2);
    assert_eq!(names(dir.path()), ["export.fifo"]);
}

#[test]
fn a_character_device_is_written_to_and_never_replaced() {
    let server = two_lines();
    let dir = tempfile::tempdir().unwrap();
    // Through a link in the test's own folder: had the device been renamed
    // over, only the link would have gone, not the machine's /dev/null.
    let null = dir.path().join("null");
    std::os::unix::fs::symlink("/dev/null", &null).unwrap();
    let out = fetch_to(&server.url, &null, dir.path());
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(null.is_symlink(), "the link was replaced");
    assert!(std::fs::metadata(&null)
        .unwrap()
        .file_type()
        .is_char_device());
    assert_eq!(names(dir.path()), ["null"]);
}

/// The temporary files of `-o export.jsonl` in `dir`.
fn temporaries(dir: &Path) -> Vec<PathBuf> {
    names(dir)
        .into_iter()
        .filter(|n| n.starts_with(".export.jsonl.kp-triage-") && n.ends_with(".tmp"))
        .map(|n| dir.join(n))
        .collect()
}

#[test]
fn a_temporary_file_left_by_a_killed_run_is_removed_by_the_next() {
    let hanging = Hostile::start(|n, _| match n {
        0 => page(vec![line((FROM + 60) * 1000, "a")], Some("c1")),
        _ => drip(Duration::from_millis(200)),
    });
    let dir = tempfile::tempdir().unwrap();
    let logs = tempfile::tempdir().unwrap();
    let target = dir.path().join("export.jsonl");
    let mut args = window(&hanging.url);
    args.push(target.display().to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut child = spawn(logs.path(), &args, &[("LOGDNA_SERVICE_KEY", KEY)]);
    let started = Instant::now();
    while hanging.hits() < 2 {
        assert!(
            started.elapsed() < WATCHDOG,
            "the second page was never asked for"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let left = temporaries(dir.path());
    assert_eq!(
        left.len(),
        1,
        "SIGKILL leaves the temporary file: {:?}",
        names(dir.path())
    );
    let pid = child.id().to_string();
    assert!(
        left[0].to_string_lossy().contains(&format!("-{pid}.")),
        "{left:?}"
    );

    let out = fetch_to(&two_lines().url, &target, dir.path());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("the temporary file of an earlier run that was killed"),
        "{err}"
    );
    assert_eq!(names(dir.path()), ["export.jsonl"]);
    assert_eq!(std::fs::read_to_string(&target).unwrap().lines().count(), 2);
}

#[test]
fn dev_stdout_redirected_to_a_file_appends_to_that_file_in_place() {
    use std::os::unix::fs::MetadataExt;
    let server = two_lines();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("session.log");
    std::fs::write(&log, "kept\n").unwrap();
    let inode = std::fs::metadata(&log).unwrap().ino();
    // As `kp-triage fetch ... -o /dev/stdout >> session.log` opens it.
    let appending = std::fs::OpenOptions::new().append(true).open(&log).unwrap();
    let mut args = window(&server.url);
    args.push("/dev/stdout".to_string());
    let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("kp-triage"))
        .env_clear()
        .env("LOGDNA_SERVICE_KEY", KEY)
        .current_dir(dir.path())
        .args(&args)
        .stdout(appending)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.starts_with("kept\n{\"_ts\":"), "{text}");
    assert_eq!(text.lines().count(), 3, "{text}");
    assert_eq!(
        std::fs::metadata(&log).unwrap().ino(),
        inode,
        "not replaced"
    );
    assert_eq!(names(dir.path()), ["session.log"]);
}
