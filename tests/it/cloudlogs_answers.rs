//! `fetch cloudlogs` on answers that are not the query API's: each is an
//! error with its own message and status 2, and never replaces an existing
//! export. Served by the Cloud Logs server on 127.0.0.1.

use crate::cloudlogs::{endpoints, stored};
use crate::cloudlogs_server::{Fault, Server, APIKEY, LOGIN_PAGE};
use crate::util::*;
use std::path::{Path, PathBuf};

struct Fetched {
    out: std::process::Output,
    dir: tempfile::TempDir,
    file: PathBuf,
}

impl Fetched {
    fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.out.stderr).into_owned()
    }

    /// Every file in the folder, sorted.
    fn files(&self) -> Vec<String> {
        let mut n: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        n.sort();
        n
    }

    fn partial(&self) -> PathBuf {
        self.dir.path().join("results.jsonl.partial")
    }
}

/// `fetch cloudlogs -o results.jsonl`, over an export already there.
fn fetch_over_an_export(server: &Server) -> Fetched {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("results.jsonl");
    std::fs::write(&file, "precious\n").unwrap();
    let out = kp()
        .env("IBMCLOUD_API_KEY", APIKEY)
        .args(["fetch", "cloudlogs"])
        .args(endpoints(server))
        .args(["--retries", "2", "--timeout", "30", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    Fetched { out, dir, file }
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn a_login_page_plain_json_or_a_corrupt_gzip_body_is_an_error_not_an_empty_export() {
    let cases = [
        (
            Fault::LoginPage,
            "the server answered with an HTML page (titled \"IBMid - Sign in\"), not Server-Sent Events of query results: a login or proxy page?",
        ),
        (
            Fault::PlainJson,
            "the answer is plain JSON, not Server-Sent Events of query results; it begins \"{\\\"results\\\"",
        ),
        (Fault::CorruptGzip, "the answer's Content-Encoding did not decode"),
    ];
    for (fault, said) in cases {
        let server = Server::start(stored(), vec![Some(fault.clone())]);
        let run = fetch_over_an_export(&server);
        let err = run.stderr();
        assert_eq!(run.out.status.code(), Some(2), "{fault:?}: {err}");
        assert!(err.contains(said), "{fault:?}: {err}");
        assert!(!err.contains("fetched 0"), "{fault:?}: {err}");
        assert_eq!(read(&run.file), "precious\n", "{fault:?}");
        assert_eq!(
            run.files(),
            ["results.jsonl"],
            "{fault:?}: nothing else left"
        );
        // Retrying cannot turn such an answer into the right one.
        assert_eq!(server.queries().len(), 1, "{fault:?}");
    }
}

#[test]
fn analyze_cloudlogs_on_a_login_page_is_an_error_not_no_evidence() {
    let server = Server::start(stored(), vec![Some(Fault::LoginPage)]);
    let out = kp()
        .env("IBMCLOUD_API_KEY", APIKEY)
        .args([
            "analyze",
            "--format",
            "json",
            "--cloudlogs",
            "--retries",
            "0",
        ])
        .args(endpoints(&server))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("a login or proxy page?"), "{err}");
    assert!(
        out.stdout.is_empty(),
        "no report of nothing: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_gzip_encoded_answer_is_decompressed() {
    let server = Server::start(stored(), vec![Some(Fault::Gzip)]);
    let run = fetch_over_an_export(&server);
    assert!(run.out.status.success(), "{}", run.stderr());
    let mut got: Vec<String> = read(&run.file).lines().map(String::from).collect();
    let mut want = stored();
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn an_error_event_stops_the_fetch_and_its_results_are_kept_only_as_partial() {
    let server = Server::start(stored(), vec![Some(Fault::ErrorEvent)]);
    let run = fetch_over_an_export(&server);
    let err = run.stderr();
    assert_eq!(run.out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("Cloud Logs stopped the query for 2026-11-20T02:00:00Z to 2026-11-20T04:00:00Z part way with an error event: query execution exceeded its time limit"),
        "{err}"
    );
    assert!(err.contains("results.jsonl.partial"), "{err}");
    assert!(
        err.contains("fetch the rest with --from 2026-11-20T02:00:00Z"),
        "{err}"
    );
    assert_eq!(
        read(&run.file),
        "precious\n",
        "not replaced by a partial export"
    );
    let partial = read(&run.partial());
    assert_eq!(partial.lines().count(), stored().len() + 1, "{partial}");
    assert!(
        partial.lines().last().unwrap().starts_with("{\"error\":"),
        "{partial}"
    );

    // Analysed, the partial export says so, on stderr too, and exits 2.
    let out = kp()
        .args(["analyze", "--format", "json"])
        .arg(run.partial())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("PARTIAL RESULT"), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["code"].as_str())
        .collect();
    assert!(codes.contains(&"source_error"), "{codes:?}");
}

#[test]
fn a_login_page_in_place_of_an_iam_token_is_named() {
    let proxy = crate::hostile_server::Hostile::start(|_, _| {
        crate::hostile_server::status(200, &[("content-type", "text/html")], LOGIN_PAGE)
    });
    let out = kp()
        .env("IBMCLOUD_API_KEY", APIKEY)
        .args(["fetch", "cloudlogs", "--retries", "0"])
        .args(["--cloudlogs-url", &proxy.url, "--iam-url", &proxy.url])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("the IAM token request: the server answered with an HTML page (titled \"IBMid - Sign in\"), not an IAM token"),
        "{err}"
    );
    assert_eq!(proxy.hits(), 1, "no query without a token");
}
