//! Threaded and single-threaded scans give the same report, byte for byte,
//! on every fixture, with batches small enough to split each one many times.

use crate::util::*;

/// `analyze -o json` at `threads`, with batches of `batch` bytes.
fn analyze(threads: &str, batch: &str) -> assert_cmd::Command {
    let mut cmd = kp();
    cmd.env("KP_TRIAGE_BATCH_BYTES", batch).args([
        "analyze",
        "--format",
        "json",
        "--threads",
        threads,
    ]);
    cmd
}

/// The report `cmd` prints, with the status of a verdict.
fn report_of(cmd: &mut assert_cmd::Command, what: &str) -> Vec<u8> {
    let out = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // 2 only where the input itself says it is partial (a Cloud Logs error event).
    let partial = stderr.contains("PARTIAL RESULT");
    assert!(
        out.status
            .code()
            .is_some_and(|c| [0, 1, 3].contains(&c) || (c == 2 && partial)),
        "{what}: {stderr}"
    );
    out.stdout
}

fn report(args: &[&str], threads: &str, batch: &str) -> Vec<u8> {
    report_of(analyze(threads, batch).args(args), &format!("{args:?}"))
}

#[test]
fn every_fixture_reports_the_same_with_one_thread_or_many() {
    let cases = fixture_cases();
    assert!(cases.len() > 30);
    for case in &cases {
        let args: Vec<&str> = case.iter().map(String::as_str).collect();
        let one = report(&args, "1", "1000000");
        for (threads, batch) in [("2", "300"), ("4", "1"), ("3", "4096")] {
            assert_eq!(
                String::from_utf8_lossy(&report(&args, threads, batch)),
                String::from_utf8_lossy(&one),
                "{case:?} --threads {threads}, {batch}-byte batches"
            );
        }
    }
}

/// The streaming path through the binary: each single-file fixture piped to
/// `analyze --follow -o json` ends with the report that `analyze -o json`
/// gives for the same stdin (`follow.rs` compares every case byte for byte
/// in the library, several inputs included).
#[test]
fn every_fixture_streamed_through_follow_reports_as_the_batch_does() {
    for case in fixture_cases().into_iter().filter(|c| c.len() == 1) {
        let bytes = std::fs::read(root().join(&case[0])).unwrap();
        let run = |args: &[&str]| {
            kp().arg("analyze")
                .args(args)
                .args(["-o", "json"])
                .write_stdin(bytes.clone())
                .output()
                .unwrap()
        };
        let batch = run(&[]);
        let streamed = run(&["--follow"]);
        assert_eq!(streamed.status.code(), batch.status.code(), "{case:?}");
        let last = String::from_utf8(streamed.stdout).unwrap();
        let last = last.lines().last().unwrap().to_string();
        let doc: serde_json::Value = serde_json::from_str(&last).unwrap();
        let batch: serde_json::Value = serde_json::from_slice(&batch.stdout).unwrap();
        assert_eq!(doc["report"], batch, "{case:?}");
    }
}

/// A worker prepares a candidate line as a record of one line; a record
/// that turns out to have continuation lines is read again with them, at
/// any thread count and wherever a batch ends.
#[test]
fn a_prepared_line_that_gains_continuation_lines_is_read_with_them() {
    let head = r#"{"level":"info","ts":1795132800.0,"logger":"kp-events.rotation","msg":"Starting rotation of service iam-api-key","clusterID":"c23h5icd0sr2mu96rcig","attempt":1}
{"level":"error","ts":1795132801.0,"logger":"kp-events.rotation","msg":"Rotation attempt failed","clusterID":"c23h5icd0sr2mu96rcig","attempt":1}
"#;
    let cause = |input: String, threads: &str, batch: &str| {
        let out = report_of(analyze(threads, batch).write_stdin(input), "stdin");
        let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
        doc["clusters"][0]["root_cause"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let stacked = format!("{head}\tetcdserver: request timed out\n");
    for (threads, batch) in [("1", "1000000"), ("2", "1"), ("2", "300"), ("3", "4096")] {
        assert_eq!(cause(head.to_string(), threads, batch), "attempt_failed");
        assert_eq!(
            cause(stacked.clone(), threads, batch),
            "etcd",
            "{threads} {batch}"
        );
    }
}
