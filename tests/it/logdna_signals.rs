//! `fetch logdna` and `analyze --logdna` stopped by SIGTERM or SIGINT mid
//! fetch, and `analyze --logdna` on a fetch that fails: what was fetched is
//! kept or removed as documented, and the exit status is the signal's.

use crate::hostile_server::*;
use crate::logdna_hostile::{analyze_args, ts, Case, BOUND};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A server whose first page comes at once and whose second never ends.
fn hanging() -> Hostile {
    Hostile::start(|n, _| match n {
        0 => page(vec![line(ts(0), "a"), line(ts(1), "b")], Some("c1")),
        _ => drip(Duration::from_millis(200)),
    })
}

/// Starts `args`, waits for the second request, sends `signal`.
fn signalled(c: &Case, server: &Hostile, args: &[String], signal: &str) -> Ended {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let env = c.env();
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let started = Instant::now();
    let child = spawn(c.path(), &args, &env);
    while server.hits() < 2 {
        assert!(
            started.elapsed() < BOUND,
            "the second page was never asked for"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // The second page is asked for only once the first is written: the
    // signal now comes mid-fetch, with a page kept.
    let sent = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    finish(child, c.path(), started, BOUND)
}

#[test]
fn sigterm_mid_fetch_keeps_what_was_fetched_and_exits_143() {
    let server = hanging();
    let c = Case::new();
    std::fs::write(c.out(), "precious\n").unwrap();
    let args = c.fetch_args(&server.url, &["--timeout", "30"]);
    let run = signalled(&c, &server, &args, "-TERM");
    assert_eq!(run.code, Some(143), "{}", run.stderr);
    assert!(
        run.stderr.contains("interrupted by SIGTERM") && run.stderr.contains("2 lines in 1 page"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("export.jsonl.partial"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(c.out()).unwrap(), "precious\n");
    assert_eq!(Case::lines(&c.partial()), 2);
    assert_eq!(c.leftovers(), ["export.jsonl", "export.jsonl.partial"]);
}

#[test]
fn sigint_during_analyze_logdna_removes_its_temporary_export_and_exits_130() {
    let server = hanging();
    let c = Case::new();
    let mut args = analyze_args(&server.url);
    args.extend(["--timeout", "30"].map(String::from));
    let run = signalled(&c, &server, &args, "-INT");
    assert_eq!(run.code, Some(130), "{}", run.stderr);
    assert!(
        run.stderr.contains("interrupted by SIGINT") && run.stderr.contains("2 lines in 1 page"),
        "{}",
        run.stderr
    );
    assert_eq!(
        std::fs::read_dir(c.tmp()).unwrap().count(),
        0,
        "temporary files left"
    );
}

#[test]
fn analyze_logdna_keeps_a_partial_export_under_the_name_it_prints() {
    let failing = Hostile::start(|n, _| match n {
        0 => page(vec![line(ts(0), "a"), line(ts(1), "b")], Some("c1")),
        _ => status(503, &[], "Service Unavailable"),
    });
    let c = Case::new();
    let mut args = analyze_args(&failing.url);
    args.extend(["--timeout", "1", "--retries", "1"].map(String::from));
    let run = c.run(&args);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let kept: Vec<PathBuf> = std::fs::read_dir(c.tmp())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(kept.len(), 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("they are kept in {}", kept[0].display())),
        "{}",
        run.stderr
    );
    assert_eq!(Case::lines(&kept[0]), 2);
    assert!(!run.stderr.contains("keep both files"), "{}", run.stderr);
}
