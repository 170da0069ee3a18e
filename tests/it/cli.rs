//! The command line: errors, exit codes, focus, windows, pipes and packs.

use crate::util::*;
use predicates::str::contains;

#[test]
fn a_missing_file_is_a_clear_error_with_exit_two() {
    kp().args(["analyze", "no/such/file.log"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains("cannot read no/such/file.log"));
    kp().args(["analyze", "fixtures"])
        .assert()
        .code(2)
        .stderr(contains("fixtures is a directory"));
}

#[test]
fn usage_errors_exit_two() {
    kp().args(["analyze", "--format", "yaml"]).assert().code(2);
    kp().args([
        "analyze",
        "--since",
        "soon",
        "fixtures/incident/zap-json.log",
    ])
    .assert()
    .code(2)
    .stderr(contains("--since"));
    kp().args(["analyze", "--crn", "crn:v1:nope"])
        .assert()
        .code(2)
        .stderr(contains("--crn"));
    kp().arg("frobnicate").assert().code(2);
}

#[test]
fn focus_narrows_the_report_but_the_verdict_weighs_everything() {
    let (doc, code) = json(&[
        "--cluster",
        "bm64u3ed02o93vv36hb0",
        "fixtures/incident/kubectl-ts.log",
    ]);
    assert_eq!(statuses(&doc).len(), 1);
    assert_eq!(doc["summary"]["clusters_in_input"], 4);
    assert_eq!(verdict(&doc), "recommended");
    assert_eq!(code, 0, "the focused cluster rotated");
    let crn = "crn:v1:bluemix:public:containers-kubernetes:us-south:a/c5c0dba4d5406e21164fb825760a7292:c23h5icd0sr2mu96rcig::";
    let (doc, code) = json(&["--crn", crn, "fixtures/incident/kubectl-ts.log"]);
    assert_eq!(statuses(&doc)[0].0, "c23h5icd0sr2mu96rcig");
    assert_eq!((statuses(&doc).len(), code), (1, 1));
}

#[test]
fn since_counts_back_from_the_latest_record() {
    // The incident ends 03:01:05; the last 30s hold C1's third attempt, its
    // summary and C4's new start, but nothing of C2 (last seen 03:00:33) or C3.
    let (doc, _) = json(&["--since", "30s", "fixtures/incident/kubectl-ts.log"]);
    let ids: Vec<String> = statuses(&doc).into_iter().map(|r| r.0).collect();
    assert_eq!(ids, ["c23h5icd0sr2mu96rcig", "ck0l2hsd0k8qe1r4bq3g"]);
    assert_eq!(doc["clusters"][0]["attempts"], 1);
    assert!(doc["window"]["events_outside"].as_u64().unwrap() > 0);
    let (doc, _) = json(&[
        "--from",
        "2026-11-20T03:00:30Z",
        "--to",
        "2026-11-20T03:00:40Z",
        "fixtures/incident/kubectl-ts.log",
    ]);
    let ids: Vec<String> = statuses(&doc).into_iter().map(|r| r.0).collect();
    assert_eq!(ids, ["c23h5icd0sr2mu96rcig", "bm64u3ed02o93vv36hb0"]);
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let big = root().join("fixtures/incident/kubectl-ts.log");
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("kp-triage"))
        .args(["analyze", "--format", "json", "--evidence", "1000"])
        .arg(&big)
        .env_clear()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        status.code() == Some(0) || status.code() == Some(1),
        "{status:?}: {err}"
    );
    assert!(!err.contains("Broken pipe"), "{err}");
}

mod packs {
    use super::*;
    use std::path::PathBuf;

    fn pack(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("mine.toml");
        std::fs::write(&p, text).unwrap();
        (dir, p)
    }

    fn fails_with(text: &str, wants: &[&str]) {
        let (_d, p) = pack(text);
        let out = kp()
            .args(["analyze", "--patterns"])
            .arg(&p)
            .arg("fixtures/incident/zap-json.log")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("mine.toml"), "names the file: {err}");
        for w in wants {
            assert!(err.contains(w), "{w:?} in: {err}");
        }
    }

    const RULE: &str = r#"
schema_version = 1
[[category]]
id = "kms_busy"
kind = "cause"
title = "Cluster busy with another KMS action"
action = "Wait for the prior KMS action (often a failed kms_update master operation) to finish."
[[rule]]
id = "kms_busy.phrase"
category = "kms_busy"
keywords = ["busy"]
regex = ['cluster is busy with another KMS action']
samples = ["error completing request, the cluster is busy with another KMS action"]
"#;

    #[test]
    fn a_user_pack_adds_a_category_without_recompiling() {
        let (_d, p) = pack(RULE);
        let (doc, _) = json(&[
            "--patterns",
            p.to_str().unwrap(),
            "fixtures/incident/kubectl-ts.log",
        ]);
        let c4 = doc["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["cluster_id"] == "ck0l2hsd0k8qe1r4bq3g")
            .unwrap();
        assert_eq!(c4["root_cause"], "kms_busy");
        assert!(c4["actions"][0]
            .as_str()
            .unwrap()
            .starts_with("Wait for the prior KMS action"));
        kp().args(["patterns", "check"])
            .arg(&p)
            .assert()
            .success()
            .stdout(contains("ok (7 categories"));
    }

    #[test]
    fn malformed_packs_name_the_file_the_entry_and_the_problem() {
        fails_with(
            &RULE.replace("'cluster is busy", "'(cluster is busy"),
            &["rule `kms_busy.phrase`", "invalid regex"],
        );
        fails_with(
            &RULE.replace(
                "keywords = [\"busy\"]",
                "keywords = [\"busy\"]\ncolour = \"red\"",
            ),
            &["unknown field `colour`"],
        );
        fails_with(&RULE.replace("action = \"Wait for the prior KMS action (often a failed kms_update master operation) to finish.\"\n", ""), &["missing field `action`"]);
        fails_with(
            &RULE.replace("id = \"kms_busy\"\nkind", "id = \"etcd\"\nkind"),
            &["category #1 `etcd`", "duplicate category id"],
        );
        fails_with(
            &RULE.replace(
                "samples = [\"error completing",
                "samples = [\"nothing like it\", \"error completing",
            ),
            &[
                "rule `kms_busy.phrase`",
                "sample does not match its own rule",
                "nothing like it",
            ],
        );
        fails_with(
            &RULE.replace("category = \"kms_busy\"", "category = \"nope\""),
            &["unknown category `nope`"],
        );
    }

    #[test]
    fn replacing_the_default_pack_needs_a_complete_one() {
        let (_d, p) = pack(RULE);
        let out = kp()
            .args(["analyze", "--no-default-patterns", "--patterns"])
            .arg(&p)
            .arg("fixtures/incident/zap-json.log")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr)
            .contains("needs exactly one category of kind `attempt_failed`"));
    }

    #[test]
    fn the_default_pack_round_trips_through_check() {
        let out = kp().args(["patterns", "default"]).output().unwrap();
        let (_d, p) = pack(&String::from_utf8(out.stdout).unwrap());
        kp().args(["patterns", "check", "--standalone"])
            .arg(&p)
            .assert()
            .success()
            .stdout(contains("ok (6 categories"));
        kp().args(["patterns", "list"])
            .assert()
            .success()
            .stdout(contains("wdek_secret.phrase"));
    }
}
