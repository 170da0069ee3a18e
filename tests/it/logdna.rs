//! `fetch logdna` and `analyze --logdna` against a real HTTP server on
//! 127.0.0.1, and every export shape against its kubectl counterpart.

use crate::logdna_server::{Fault, Server, KEY};
use crate::util::*;
use std::path::PathBuf;
use std::time::Instant;

const FROM: &str = "2026-11-20T02:00:00Z";
const TO: &str = "2026-11-20T04:00:00Z";

/// The incident as LogDNA holds it: newest first, several apps.
fn stored_lines() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("fixtures/logdna/incident-v1.jsonl")).unwrap();
    text.lines().map(String::from).collect()
}

fn kp_events_lines() -> Vec<String> {
    stored_lines()
        .into_iter()
        .filter(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["_app"] == "armada-kp-events"
        })
        .collect()
}

struct Run {
    out: std::process::Output,
    file: PathBuf,
    _dir: tempfile::TempDir,
}

impl Run {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }

    fn fetched(&self) -> Vec<String> {
        std::fs::read_to_string(&self.file)
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect()
    }
}

/// The test server and the test window, as options.
fn window(server: &Server) -> [&str; 6] {
    ["--logdna-url", &server.url, "--from", FROM, "--to", TO]
}

/// `fetch logdna` from the test server over the test window.
fn fetch_args(server: &Server) -> Vec<&str> {
    [&["fetch", "logdna"][..], &window(server)].concat()
}

/// `analyze --logdna` from the test server over the test window.
fn analyze_args<'a>(server: &'a Server, format: &'a str) -> Vec<&'a str> {
    [
        &["analyze", "--format", format, "--logdna"][..],
        &window(server),
    ]
    .concat()
}

fn fetch(server: &Server, extra: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.jsonl");
    let out = kp()
        .env("LOGDNA_SERVICE_KEY", KEY)
        .args(fetch_args(server))
        .args(["--retries", "2", "--timeout", "5", "-o"])
        .arg(&file)
        .args(extra)
        .output()
        .unwrap();
    Run {
        out,
        file,
        _dir: dir,
    }
}

fn reference() -> serde_json::Value {
    essence(&json(&["fixtures/incident/kubectl-ts.log"]).0)
}

#[test]
fn every_export_shape_triages_like_its_kubectl_fixture() {
    let incident = reference();
    for f in [
        "incident-v1.jsonl",
        "incident-v1.jsonl.gz",
        "incident-v2-pages.json",
        "incident-v2-concatenated.json",
        "incident-archive.jsonl.gz",
        "incident-klog-v1.jsonl",
    ] {
        let (doc, code) = json(&[&format!("fixtures/logdna/{f}")]);
        assert_eq!(essence(&doc), incident, "{f}");
        assert_eq!(code, 1, "{f}");
    }
    for (export, kubectl) in [
        (
            "etcd-hold-v1.jsonl",
            vec!["fixtures/scenarios/etcd-hold.log"],
        ),
        (
            "restart-v1.jsonl",
            vec![
                "fixtures/scenarios/restart/pod-a.log",
                "fixtures/scenarios/restart/pod-b.log",
            ],
        ),
    ] {
        let (doc, _) = json(&[&format!("fixtures/logdna/{export}")]);
        let want = essence(&json(&kubectl.iter().map(|s| &**s).collect::<Vec<_>>()).0);
        assert_eq!(essence(&doc), want, "{export}");
    }
}

#[test]
fn other_apps_are_skipped_and_counted_and_line_wins_over_merged_fields() {
    let (doc, _) = json(&["fixtures/logdna/incident-v1.jsonl"]);
    assert_eq!(doc["input"]["lines"], 50);
    assert_eq!(doc["input"]["skipped"], 11, "other apps' lines");
    assert!(
        doc["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["cluster_id"] != "cnb3q7sd0f1m5p9h2k4g"),
        "a merged field is not the line"
    );
    // Read as every app, the other apps' failures show up: the filter is what hides them.
    let (all, _) = json(&["--all-apps", "fixtures/logdna/incident-v1.jsonl"]);
    assert_ne!(essence(&all), essence(&doc));
    let (pages, _) = json(&["fixtures/logdna/incident-v2-pages.json"]);
    assert!(
        pages["clusters"][0]["evidence"][0]["source"]
            .as_str()
            .unwrap()
            .contains('#'),
        "page lines are cited by index"
    );
}

#[test]
fn v2_pages_come_newest_first_with_the_same_sorted_parameters() {
    let server = Server::start(stored_lines(), 8, vec![]);
    let run = fetch(&server, &[]);
    assert!(run.out.status.success(), "{}", run.stderr());
    assert_eq!(run.fetched(), kp_events_lines());
    let seen = server.seen();
    assert_eq!(seen.len(), 5, "39 lines in pages of 8");
    for (i, s) in seen.iter().enumerate() {
        assert_eq!(s.path, "/v2/export");
        let keys: Vec<&str> = s.params.iter().map(|(k, _)| k.as_str()).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "request {i} sends its parameters sorted");
        for k in ["apps", "from", "size", "to"] {
            assert!(keys.contains(&k), "request {i} resends {k}");
        }
        assert_eq!(keys.contains(&"pagination_id"), i > 0);
    }
}

#[test]
fn a_fetched_export_triages_like_the_file() {
    let server = Server::start(stored_lines(), 8, vec![]);
    let run = fetch(&server, &[]);
    let (doc, _) = json(&[run.file.to_str().unwrap()]);
    assert_eq!(essence(&doc), reference());
    let out = kp()
        .env("LOGDNA_SERVICE_KEY", KEY)
        .args(analyze_args(&server, "json"))
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(essence(&doc), reference());
    assert!(doc["input"]["files"][0]["name"]
        .as_str()
        .unwrap()
        .starts_with("logdna:127.0.0.1"));
}

#[test]
fn v1_is_one_capped_response_of_json_lines() {
    let server = Server::start(stored_lines(), 8, vec![]);
    let run = fetch(&server, &["--api", "v1"]);
    assert!(run.out.status.success(), "{}", run.stderr());
    assert_eq!(run.fetched(), kp_events_lines());
    let seen = server.seen();
    assert_eq!((seen.len(), seen[0].path.as_str()), (1, "/v1/export"));
}

#[test]
fn too_many_requests_waits_as_retry_after_says() {
    let server = Server::start(
        stored_lines(),
        8,
        vec![None, Some(Fault::TooMany { retry_after: 1 })],
    );
    let t = Instant::now();
    let run = fetch(&server, &[]);
    assert!(run.out.status.success(), "{}", run.stderr());
    assert!(t.elapsed().as_millis() >= 1000, "waited {:?}", t.elapsed());
    assert_eq!(run.fetched(), kp_events_lines());
    let seen = server.seen();
    assert_eq!(seen.len(), 6);
    assert_eq!(seen[1].params, seen[2].params, "the same page again");
}

#[test]
fn a_server_error_is_retried() {
    let server = Server::start(stored_lines(), 8, vec![Some(Fault::ServerError)]);
    let run = fetch(&server, &[]);
    assert!(run.out.status.success(), "{}", run.stderr());
    assert_eq!(run.fetched(), kp_events_lines());
}

#[test]
fn a_connection_dropped_mid_page_is_retried() {
    let server = Server::start(
        stored_lines(),
        8,
        vec![None, None, Some(Fault::DropMidPage)],
    );
    let run = fetch(&server, &[]);
    assert!(run.out.status.success(), "{}", run.stderr());
    assert_eq!(run.fetched(), kp_events_lines(), "no line lost or doubled");
    assert_eq!(server.seen().len(), 6);
}

#[test]
fn unauthorised_says_what_to_check() {
    let server = Server::start(stored_lines(), 8, vec![Some(Fault::Unauthorized)]);
    let run = fetch(&server, &[]);
    assert_eq!(run.out.status.code(), Some(2));
    let err = run.stderr();
    assert!(
        err.contains("HTTP 401") && err.contains("Export Log Lines"),
        "{err}"
    );
}

#[test]
fn a_page_that_keeps_failing_stops_with_what_was_fetched_and_how_to_resume() {
    let faults = vec![
        None,
        Some(Fault::ServerError),
        Some(Fault::ServerError),
        Some(Fault::ServerError),
    ];
    let server = Server::start(stored_lines(), 8, faults);
    let run = fetch(&server, &[]);
    assert_eq!(run.out.status.code(), Some(2));
    let err = run.stderr();
    assert!(
        err.contains("page 2 of the export failed after 3 attempts"),
        "{err}"
    );
    assert!(err.contains("8 lines in 1 page were fetched"), "{err}");
    // The first page holds the 8 newest lines; the oldest of them is 03:01:00.
    assert!(
        err.contains("To resume, fetch the rest with --to 2026-11-20T03:01:00.002Z"),
        "{err}"
    );
    // The target is written only by a fetch that succeeds; what was fetched
    // is kept beside it, and the error says where.
    assert!(!run.file.exists());
    let partial = run.file.with_extension("jsonl.partial");
    assert!(err.contains(&partial.display().to_string()), "{err}");
    let kept = std::fs::read_to_string(&partial).unwrap();
    assert_eq!(
        kept.lines().collect::<Vec<_>>(),
        kp_events_lines()[..8],
        "what was fetched is kept, not lost"
    );
}

#[test]
fn the_service_key_never_reaches_any_output() {
    let scripts = vec![
        vec![],
        vec![Some(Fault::Unauthorized)],
        vec![Some(Fault::BadRequestEchoingKey)],
        vec![
            Some(Fault::ServerError),
            Some(Fault::ServerError),
            Some(Fault::ServerError),
        ],
    ];
    for faults in scripts {
        let server = Server::start(stored_lines(), 8, faults.clone());
        let run = fetch(&server, &[]);
        let all = format!(
            "{}{}{}",
            String::from_utf8_lossy(&run.out.stdout),
            run.stderr(),
            run.fetched().join("\n")
        );
        assert!(!all.contains(KEY), "{faults:?}: {all}");
        for format in ["table", "json", "markdown"] {
            let server = Server::start(stored_lines(), 8, faults.clone());
            let out = kp()
                .env("LOGDNA_SERVICE_KEY", KEY)
                .args(analyze_args(&server, format))
                .args(["--retries", "2"])
                .output()
                .unwrap();
            let all = all_output(&out);
            assert!(!all.contains(KEY), "{faults:?} {format}: {all}");
        }
    }
    let server = Server::start(stored_lines(), 8, vec![Some(Fault::BadRequestEchoingKey)]);
    let err = fetch(&server, &[]).stderr();
    assert!(
        err.contains("HTTP 400") && err.contains("<redacted:key"),
        "{err}"
    );
}

#[test]
fn a_missing_key_is_a_clear_error() {
    let server = Server::start(stored_lines(), 8, vec![]);
    kp().args(["fetch", "logdna", "--logdna-url", &server.url])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("LOGDNA_SERVICE_KEY"));
    assert!(server.seen().is_empty(), "nothing is sent without a key");
    let dir = tempfile::tempdir().unwrap();
    let keyfile = dir.path().join("key");
    std::fs::write(&keyfile, format!("{KEY}\n")).unwrap();
    kp().args(fetch_args(&server))
        .arg("--logdna-key-file")
        .arg(&keyfile)
        .assert()
        .success();
}

#[test]
fn the_written_export_holds_no_secret_and_stays_json() {
    let secrets = [
        "hunter2xyz",
        "Br1Op3Aq5Ue7Tk9NzzQ",
        "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0hIj3k",
    ];
    let mut lines = stored_lines();
    let mut planted: serde_json::Value = serde_json::from_str(&kp_events_lines()[0]).unwrap();
    planted["_line"] = serde_json::Value::String(format!(
        "{{\"level\":\"error\",\"msg\":\"Failed to update WDEK Secret: password: {}\",\"clusterID\":\"c23h5icd0sr2mu96rcig\",\"authorization\":\"Bearer {}\",\"iam_apikey\":\"{}\"}}",
        secrets[0], secrets[1], secrets[2]
    ));
    lines.insert(1, planted.to_string());
    let server = Server::start(lines, 8, vec![]);
    let run = fetch(&server, &[]);
    assert_eq!(run.out.status.code(), Some(0), "{}", run.stderr());
    let fetched = run.fetched();
    let text = fetched.join("\n");
    for s in secrets {
        assert!(!text.contains(s), "{s} in the export");
    }
    assert!(
        text.contains("c23h5icd0sr2mu96rcig"),
        "the cluster id stays"
    );
    for l in &fetched {
        serde_json::from_str::<serde_json::Value>(l).unwrap_or_else(|e| panic!("{e}: {l}"));
    }
}
