//! The envelopes beyond kubectl, stern and LogDNA: CRI and Docker log files,
//! `stern -o json`, IBM Cloud Logs query output; containers chosen the same
//! way in each; overlapping inputs counted once.

use crate::util::*;
use std::io::Write;

fn balanced(doc: &serde_json::Value) -> bool {
    let i = &doc["input"];
    let n = |k: &str| i[k].as_u64().unwrap();
    n("lines") == n("records") + n("continuations") + n("unparsed") + n("skipped")
}

#[test]
fn partial_lines_join_and_are_counted_as_continuations() {
    for f in ["cri-partial.log", "docker-json-split.log"] {
        let (doc, _) = json(&[&format!("fixtures/incident/{f}")]);
        assert_eq!(
            doc["input"]["records"], 39,
            "{f}: one record per whole line"
        );
        assert!(doc["input"]["continuations"].as_u64().unwrap() > 100, "{f}");
        assert!(balanced(&doc), "{f}");
    }
}

#[test]
fn a_cri_file_that_ends_inside_a_line_keeps_what_it_has() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.log");
    let mut f = std::fs::File::create(&path).unwrap();
    writeln!(f, "2026-11-20T03:00:01.5Z stderr P Rotation attempt failed for cluster c23h5icd0sr2mu96rcig: ").unwrap();
    writeln!(
        f,
        "2026-11-20T03:00:01.5Z stderr P etcdserver: request timed out"
    )
    .unwrap();
    drop(f);
    let (doc, _) = json(&[path.to_str().unwrap()]);
    assert!(balanced(&doc), "{}", doc["input"]);
    assert_eq!(doc["input"]["lines"], 2);
    assert_eq!(doc["clusters"][0]["root_cause"], "etcd");
}

#[test]
fn every_envelope_that_names_a_container_chooses_by_it() {
    for f in [
        "stern-json-multi-pod.log",
        "cloudlogs-sse.txt",
        "cloudlogs-array.json",
        "cloudlogs-archive.jsonl",
        "cloudlogs-livetail.txt",
    ] {
        let path = format!("fixtures/incident/{f}");
        let (doc, _) = json(&[&path]);
        let skipped = doc["input"]["skipped_detail"]["other_apps"]
            .as_u64()
            .unwrap();
        assert!(skipped > 0, "{f}: other containers are skipped");
        let (all, _) = json(&["--all-apps", &path]);
        assert_eq!(
            all["input"]["skipped_detail"]["other_apps"], 0,
            "{f} --all-apps"
        );
        // Another app: armada-kp-events' 39 lines are the ones skipped now.
        let (other, _) = json(&["--app", "etcd", &path]);
        let others = other["input"]["skipped_detail"]["other_apps"]
            .as_u64()
            .unwrap();
        assert!(others >= 39, "{f} --app etcd skips {others}");
    }
}

#[test]
fn a_cloud_logs_error_event_makes_the_report_say_partial() {
    let (doc, _) = json(&["fixtures/cloudlogs/partial-sse.txt"]);
    let warnings = doc["warnings"].as_array().unwrap();
    let error = warnings
        .iter()
        .find(|w| w["code"] == "source_error")
        .unwrap();
    assert!(error["text"].as_str().unwrap().contains("PARTIAL RESULT"));
    assert!(error["text"]
        .as_str()
        .unwrap()
        .contains("exceeded its time limit"));
    let out = kp()
        .args(["analyze", "fixtures/cloudlogs/partial-sse.txt"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("PARTIAL RESULT"));
    // A warning event is shown, and changes nothing else.
    let (doc, _) = json(&["fixtures/incident/cloudlogs-sse.txt"]);
    assert!(doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == "source_warning"));
}

#[test]
fn overlapping_inputs_are_counted_once() {
    let reference = json(&["fixtures/incident/kubectl-ts.log"]).0;
    for pair in [
        [
            "fixtures/incident/kubectl-ts.log",
            "fixtures/incident/kubectl-ts.log",
        ],
        [
            "fixtures/incident/kubectl-ts.log",
            "fixtures/incident/cloudlogs-sse.txt",
        ],
        [
            "fixtures/incident/zap-json.log",
            "fixtures/logdna/incident-v1.jsonl",
        ],
        [
            "fixtures/incident/cri-partial.log",
            "fixtures/incident/docker-json.log",
        ],
    ] {
        let (doc, _) = json(&pair);
        assert_eq!(essence(&doc), essence(&reference), "{pair:?}");
        assert!(
            doc["input"]["skipped_detail"]["merged"].as_u64().unwrap() > 0,
            "{pair:?}"
        );
        assert!(balanced(&doc), "{pair:?}");
    }
    let out = kp()
        .args([
            "analyze",
            "fixtures/incident/kubectl-ts.log",
            "fixtures/incident/kubectl-ts.log",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("counted once"));
    // Two pods' identical lines are not one line.
    let (doc, _) = json(&["fixtures/incident/kubectl-ts.log"]);
    assert_eq!(doc["input"]["skipped_detail"]["merged"], 0);
}

#[test]
fn loki_labels_name_the_container_in_both_of_logcli_outputs() {
    for f in ["loki.log", "loki.jsonl"] {
        let path = format!("fixtures/incident/{f}");
        let (doc, _) = json(&[&path]);
        assert_eq!(doc["input"]["skipped_detail"]["other_apps"], 0, "{f}");
        assert_eq!(doc["input"]["unparsed"], 0, "{f}: every line is read");
        let (other, _) = json(&["--app", "etcd", &path]);
        let skipped = other["input"]["skipped_detail"]["other_apps"]
            .as_u64()
            .unwrap();
        assert!(skipped >= 39, "{f} --app etcd skips {skipped}");
    }
}
