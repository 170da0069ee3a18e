//! `fetch cloudlogs` and `analyze --cloudlogs` against a Cloud Logs and IAM
//! server on 127.0.0.1 (`cloudlogs_server.rs`).

use crate::cloudlogs_server::{result_ts, Fault, Server, APIKEY};
use crate::util::*;
use std::path::PathBuf;

const FROM: &str = "2026-11-20T02:00:00Z";
const TO: &str = "2026-11-20T04:00:00Z";

/// The incident as Cloud Logs holds it: one result per physical line, with
/// other apps' lines among them.
pub(crate) fn stored() -> Vec<String> {
    let text =
        std::fs::read_to_string(root().join("fixtures/incident/cloudlogs-results.jsonl")).unwrap();
    text.lines().map(String::from).collect()
}

pub(crate) struct Run {
    pub out: std::process::Output,
    pub file: PathBuf,
    pub _dir: tempfile::TempDir,
}

impl Run {
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }

    pub fn fetched(&self) -> Vec<String> {
        std::fs::read_to_string(&self.file)
            .unwrap_or_default()
            .lines()
            .map(String::from)
            .collect()
    }

    pub fn triage(&self) -> serde_json::Value {
        json(&[self.file.to_str().unwrap()]).0
    }
}

pub(crate) fn endpoints(server: &Server) -> Vec<&str> {
    vec![
        "--cloudlogs-url",
        &server.url,
        "--iam-url",
        &server.url,
        "--from",
        FROM,
        "--to",
        TO,
    ]
}

pub(crate) fn fetch(server: &Server, extra: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("results.jsonl");
    let out = kp()
        .env("IBMCLOUD_API_KEY", APIKEY)
        .args(["fetch", "cloudlogs"])
        .args(endpoints(server))
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
fn a_fetch_writes_every_result_and_triages_like_kubectl() {
    let server = Server::start(stored(), vec![]);
    let run = fetch(&server, &[]);
    assert!(run.out.status.success(), "{}", run.stderr());
    let mut got = run.fetched();
    let mut want = stored();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(essence(&run.triage()), reference());
    let q = &server.queries()[0];
    assert_eq!(q.accept, "text/event-stream");
    assert_eq!(q.body["metadata"]["tier"], "frequent_search");
    assert_eq!(q.body["metadata"]["syntax"], "lucene");
    assert_eq!(q.body["metadata"]["start_date"], FROM);
    let query = q.body["query"].as_str().unwrap();
    assert!(
        query.contains("armada-kp-events") && query.contains("armada"),
        "{query}"
    );
}

#[test]
fn a_window_over_the_limit_is_split_until_each_part_is_under_it() {
    let server = Server::start(stored(), vec![]);
    let run = fetch(&server, &["--query-limit", "8"]);
    assert!(run.out.status.success(), "{}", run.stderr());
    assert!(
        run.stderr().contains("reached the limit of 8 results"),
        "{}",
        run.stderr()
    );
    let got = run.fetched();
    assert_eq!(got.len(), stored().len(), "nothing cut, nothing twice");
    let mut times: Vec<_> = got.iter().map(|l| result_ts(l)).collect();
    let sorted = {
        let mut t = times.clone();
        t.sort();
        t
    };
    assert_eq!(times, sorted, "windows are fetched oldest first");
    times.dedup();
    assert_eq!(essence(&run.triage()), reference());
    assert!(server.queries().len() > 7);
}

#[test]
fn too_many_requests_waits_as_retry_after_says() {
    let server = Server::start(stored(), vec![Some(Fault::TooMany { retry_after: 1 })]);
    let t = std::time::Instant::now();
    let run = fetch(&server, &[]);
    assert!(run.out.status.success(), "{}", run.stderr());
    assert!(t.elapsed().as_millis() >= 900);
    assert!(run.stderr().contains("HTTP 429"), "{}", run.stderr());
    assert!(
        run.stderr().contains("Retry-After (1 s)"),
        "{}",
        run.stderr()
    );
    assert_eq!(run.fetched().len(), stored().len());
}

#[test]
fn an_expired_token_is_renewed_once_and_the_query_repeated() {
    let faults = vec![None, Some(Fault::ExpireToken), None];
    let server = Server::start(stored(), faults);
    let run = fetch(&server, &["--query-limit", "20"]);
    assert!(run.out.status.success(), "{}", run.stderr());
    assert_eq!(server.tokens_issued(), 2);
    assert!(run.stderr().contains("HTTP 401"), "{}", run.stderr());
    assert_eq!(run.fetched().len(), stored().len());
    let q = server.queries();
    assert_ne!(q[1].token, q[2].token, "the repeat carries the new token");
}

#[test]
fn a_wrong_key_says_what_to_check() {
    let server = Server::start(stored(), vec![]);
    let run = {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("r.jsonl");
        let out = kp()
            .env("IBMCLOUD_API_KEY", "not-the-key-at-all-0000000000")
            .args(["fetch", "cloudlogs"])
            .args(endpoints(&server))
            .args(["--retries", "0", "-o"])
            .arg(&file)
            .output()
            .unwrap();
        Run {
            out,
            file,
            _dir: dir,
        }
    };
    assert_eq!(run.out.status.code(), Some(2));
    assert!(
        run.stderr().contains("IAM refused the API key"),
        "{}",
        run.stderr()
    );
    assert!(run.stderr().contains("IBMCLOUD_API_KEY"));
    assert!(
        !run.stderr().contains("not-the-key-at-all"),
        "{}",
        run.stderr()
    );
}

#[test]
fn the_key_and_the_token_never_reach_any_output() {
    for faults in [vec![Some(Fault::BadRequestEchoing)], vec![]] {
        let server = Server::start(stored(), faults.clone());
        let run = fetch(&server, &[]);
        let analyzed = kp()
            .env("IBMCLOUD_API_KEY", APIKEY)
            .args(["analyze", "--cloudlogs", "--retries", "0"])
            .args(endpoints(&server))
            .output()
            .unwrap();
        let all = format!(
            "{}{}{}",
            all_output(&run.out),
            run.fetched().join("\n"),
            all_output(&analyzed)
        );
        assert!(!all.contains(APIKEY), "{faults:?}: {all}");
        for t in server.tokens() {
            assert!(!all.contains(&t), "{faults:?}: the token leaked: {all}");
        }
    }
}

#[test]
fn analyze_cloudlogs_fetches_and_triages() {
    let server = Server::start(stored(), vec![]);
    let out = kp()
        .env("IBMCLOUD_API_KEY", APIKEY)
        .args(["analyze", "-o", "json", "--cloudlogs"])
        .args(endpoints(&server))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(essence(&doc), reference());
    assert!(doc["input"]["files"][0]["name"]
        .as_str()
        .unwrap()
        .starts_with("cloudlogs:"));
}

#[test]
fn a_missing_key_is_a_clear_error() {
    let server = Server::start(stored(), vec![]);
    kp().env_remove("IBMCLOUD_API_KEY")
        .args(["fetch", "cloudlogs"])
        .args(endpoints(&server))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("IBMCLOUD_API_KEY"));
    let dir = tempfile::tempdir().unwrap();
    let keyfile = dir.path().join("apikey");
    std::fs::write(&keyfile, format!("{APIKEY}\n")).unwrap();
    let out = kp()
        .env_remove("IBMCLOUD_API_KEY")
        .args(["fetch", "cloudlogs", "--apikey-file"])
        .arg(&keyfile)
        .args(endpoints(&server))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    assert_eq!(server.tokens_issued(), 1);
}

#[test]
fn a_fetch_that_stops_keeps_what_it_has_and_says_how_to_resume() {
    let server = Server::start(stored(), vec![]);
    let run = fetch(&server, &["--query-limit", "20", "--max-results", "30"]);
    assert_eq!(run.out.status.code(), Some(2), "{}", run.stderr());
    let err = run.stderr();
    assert!(err.contains("--max-results limit of 30 results"), "{err}");
    assert!(err.contains(".partial"), "{err}");
    assert!(
        err.contains("To resume, fetch the rest with --from"),
        "{err}"
    );
    assert!(
        !run.file.exists(),
        "a failed fetch never writes FILE itself"
    );
    let partial = std::fs::read_to_string(run.file.with_extension("jsonl.partial")).unwrap();
    assert!(partial.lines().count() >= 20, "{partial}");
}

#[test]
fn a_result_at_the_split_point_is_written_once_even_if_both_halves_hold_it() {
    let template = stored()[0].clone();
    let stamp = |hm: &str| format!("2026-11-20T{hm}:00.000000");
    let results: Vec<String> = [
        "02:10", "02:20", "02:40", "03:00", "03:20", "03:40", "03:50",
    ]
    .iter()
    .map(|hm| {
        let mut v: serde_json::Value = serde_json::from_str(&template).unwrap();
        v["metadata"][0]["value"] = serde_json::Value::String(stamp(hm));
        v["metadata"][2]["value"] = serde_json::Value::String(format!("id-{hm}"));
        v.to_string()
    })
    .collect();
    let server = Server::start_with(results.clone(), vec![], true);
    let run = fetch(&server, &["--query-limit", "5"]);
    assert!(run.out.status.success(), "{}", run.stderr());
    assert!(
        run.stderr().contains("reached the limit of 5"),
        "{}",
        run.stderr()
    );
    assert_eq!(run.fetched().len(), results.len(), "{:?}", run.fetched());
}
