//! The timeline in the JSON: the one model the pictures draw, checked
//! against the clusters the same document lists.

use crate::util::*;
use serde_json::Value;

fn failing(doc: &Value) -> Vec<&Value> {
    doc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| matches!(c["status"].as_str(), Some("exhausted" | "retrying")))
        .collect()
}

#[test]
fn the_timeline_holds_each_failing_cluster_s_attempts_worst_first() {
    let (doc, _) = json(&["fixtures/incident/kubectl-ts.log"]);
    let tl = &doc["timeline"];
    let lanes = tl["clusters"].as_array().unwrap();
    let ids: Vec<&str> = lanes
        .iter()
        .map(|l| l["cluster_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["c23h5icd0sr2mu96rcig", "ck0l2hsd0k8qe1r4bq3g"]);
    for (lane, c) in lanes.iter().zip(failing(&doc)) {
        assert_eq!(lane["cluster_id"], c["cluster_id"]);
        assert_eq!(lane["root_cause"], c["root_cause"]);
        let marks = lane["attempts"].as_array().unwrap();
        let history = c["attempt_history"].as_array().unwrap();
        assert_eq!(marks.len(), history.len());
        for (m, h) in marks.iter().zip(history) {
            assert_eq!(
                (&m["started"], &m["outcome"]),
                (&h["started"], &h["outcome"])
            );
        }
    }
    let marks = lanes[0]["attempts"].as_array().unwrap();
    assert!(
        marks.iter().all(|m| m["cause"] == "wdek_secret"),
        "{marks:?}"
    );
    assert_eq!(tl["from"], "2026-11-20T03:00:00Z");
    assert_eq!(tl["to"], "2026-11-20T03:01:05Z");
}

#[test]
fn failures_per_minute_count_every_failed_attempt_once() {
    let (doc, _) = json(&["fixtures/incident/kubectl-ts.log"]);
    let per_minute: u64 = doc["timeline"]["per_minute"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["failures"].as_object().unwrap().values())
        .map(|n| n.as_u64().unwrap())
        .sum();
    let failed: u64 = doc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["failed_attempts"].as_u64().unwrap())
        .sum();
    assert_eq!(per_minute, failed);
    assert_eq!(
        doc["timeline"]["per_minute"][0]["failures"]["wdek_secret"],
        2
    );
}

#[test]
fn a_new_pod_is_a_restart_on_the_timeline() {
    let (doc, _) = json(&[
        "fixtures/scenarios/restart/pod-a.log",
        "fixtures/scenarios/restart/pod-b.log",
    ]);
    let restarts = doc["timeline"]["restarts"].as_array().unwrap();
    assert_eq!(restarts.len(), 1, "{restarts:?}");
    assert_eq!(restarts[0]["pod"], "armada-kp-events-7d9f8c6b5-q8w4p");
    assert_eq!(restarts[0]["at"], "2026-11-20T03:06:02Z");
    let (one, _) = json(&["fixtures/scenarios/restart/pod-a.log"]);
    assert_eq!(one["timeline"]["restarts"], serde_json::json!([]));
}

#[test]
fn a_large_incident_keeps_the_worst_20_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let log = crate::width::many_failing_clusters(dir.path(), 300);
    let (doc, _) = json(&[log.to_str().unwrap()]);
    let tl = &doc["timeline"];
    assert_eq!(tl["clusters"].as_array().unwrap().len(), 20);
    let others: u64 = tl["others"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["clusters"].as_u64().unwrap())
        .sum();
    assert_eq!(others as usize + 20, failing(&doc).len());
}
