//! Every transport and application format decodes to the same triage, from a
//! file or from stdin, gzipped or not.

use crate::util::*;
use std::io::Write;

const C1: &str = "c23h5icd0sr2mu96rcig";
const C2: &str = "bm64u3ed02o93vv36hb0";
const C3: &str = "5f2b8e0c9a7d4e61b3c2a1f0e9d8c7b6";
const C4: &str = "ck0l2hsd0k8qe1r4bq3g";

#[test]
fn the_reference_incident_is_triaged_as_the_runbook_says() {
    let (doc, code) = json(&["fixtures/incident/kubectl-ts.log"]);
    assert_eq!(code, 1);
    assert_eq!(verdict(&doc), "recommended");
    let s = |id: &str, st: &str, a: u64, f: u64, root: Option<&str>| {
        (id.to_string(), st.to_string(), a, f, root.map(String::from))
    };
    assert_eq!(
        statuses(&doc),
        [
            s(C1, "exhausted", 3, 3, Some("wdek_secret")),
            s(C4, "retrying", 2, 1, Some("unclassified")),
            s(C3, "rotated", 1, 0, None),
            s(C2, "rotated", 2, 1, None),
        ]
    );
    let c1 = &doc["clusters"][0];
    assert_eq!(
        c1["failures"],
        serde_json::json!({"attempt_failed": 3, "retries_exhausted": 1, "wdek_secret": 3})
    );
    assert_eq!(
        c1["actions"][0],
        "Check the state of the cluster master and verify that it is in a normal state."
    );
    assert_eq!(
        doc["clusters"][3]["failures"],
        serde_json::json!({"attempt_failed": 1, "kube_client": 1})
    );
    // C4's failure lines carry only a correlation id.
    let c4 = &doc["clusters"][1];
    assert_eq!(
        c4["evidence"][0]["message"],
        "error completing request, the cluster is busy with another KMS action"
    );
    assert_eq!(c4["attempt_history"][1]["outcome"], "in_progress");
    assert!(doc["unattributed"].as_array().unwrap().is_empty());
}

#[test]
fn every_format_and_transport_gives_the_same_triage() {
    let reference = essence(&json(&["fixtures/incident/kubectl-ts.log"]).0);
    for f in incident_files() {
        let (doc, code) = json_of(&f);
        assert_eq!(code, 1, "{f:?}");
        assert_eq!(essence(&doc), reference, "{f:?}");
    }
}

#[test]
fn stdin_gives_the_same_triage_as_the_file() {
    for f in incident_files() {
        let bytes = std::fs::read(root().join(&f)).unwrap();
        let out = kp()
            .args(["analyze", "--format", "json"])
            .write_stdin(bytes)
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(essence(&doc), essence(&json_of(&f).0), "{f:?} via stdin");
        assert_eq!(doc["input"]["files"][0]["name"], "<stdin>");
        let dash = kp()
            .args(["analyze", "-o", "json", "-"])
            .write_stdin(std::fs::read(root().join(&f)).unwrap())
            .output()
            .unwrap();
        assert_eq!(dash.stdout, out.stdout, "`-` is stdin");
    }
}

#[test]
fn gzip_is_recognised_by_content_whatever_the_name() {
    let (plain, _) = json(&["fixtures/incident/kubectl-ts.log"]);
    let (gz, _) = json(&["fixtures/incident/kubectl-ts-gzipped.log"]);
    assert_eq!(gz["input"]["files"][0]["gzip"], true);
    assert_eq!(plain["input"]["files"][0]["gzip"], false);
    assert_eq!(essence(&gz), essence(&plain));
    assert_eq!(gz["input"]["lines"], plain["input"]["lines"]);
    // Gzip through stdin, and a gzip of a format with continuation lines.
    let bytes = std::fs::read(root().join("fixtures/incident/klog.log.gz")).unwrap();
    let out = kp()
        .args(["analyze", "-o", "json"])
        .write_stdin(bytes)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(essence(&doc), essence(&plain));
}

#[test]
fn continuation_lines_join_the_record_above() {
    for f in [
        "zap-console.log",
        "klog.log",
        "logrus-text.log",
        "golog.log",
        "plain.log",
    ] {
        let (doc, _) = json(&[&format!("fixtures/incident/{f}")]);
        assert_eq!(
            doc["input"]["continuations"], 6,
            "{f}: the six-line Go stack"
        );
    }
}

#[test]
fn a_stack_frame_carrying_the_only_clue_still_classifies_its_record() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stack.log");
    let mut f = std::fs::File::create(&path).unwrap();
    writeln!(
        f,
        "2026-11-20T03:00:01.000000000Z Starting rotation of service iam-api-key for cluster {C1}"
    )
    .unwrap();
    writeln!(
        f,
        "2026-11-20T03:00:02.000000000Z Rotation attempt failed for cluster {C1}:"
    )
    .unwrap();
    writeln!(
        f,
        "2026-11-20T03:00:02.000000000Z \tcaused by: etcdserver: request timed out"
    )
    .unwrap();
    drop(f);
    let (doc, _) = json(&[path.to_str().unwrap()]);
    assert_eq!(doc["clusters"][0]["root_cause"], "etcd");
    assert_eq!(doc["input"]["continuations"], 1);
}
