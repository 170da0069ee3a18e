//! Every category, status and verdict, each on a fixture written for it.

use crate::util::*;

fn row(
    id: &str,
    st: &str,
    a: u64,
    f: u64,
    root: Option<&str>,
) -> (String, String, u64, u64, Option<String>) {
    (id.to_string(), st.to_string(), a, f, root.map(String::from))
}

#[test]
fn all_rotated_needs_no_restart_and_exits_zero() {
    let (doc, code) = json(&["fixtures/scenarios/all-rotated.log"]);
    assert_eq!((verdict(&doc), code), ("not_needed", 0));
    assert_eq!(doc["summary"]["rotated"], 3);
    assert!(doc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["root_cause"].is_null() && c["actions"].as_array().unwrap().is_empty()));
}

#[test]
fn retrying_means_wait() {
    let (doc, code) = json(&["fixtures/scenarios/retrying.log"]);
    assert_eq!((verdict(&doc), code), ("wait", 1));
    assert_eq!(
        statuses(&doc),
        [
            row(
                "c23h5icd0sr2mu96rcig",
                "retrying",
                2,
                1,
                Some("wdek_secret")
            ),
            row("bm64u3ed02o93vv36hb0", "rotated", 1, 0, None)
        ]
    );
}

#[test]
fn etcd_in_a_failing_streak_holds_the_restart() {
    let (doc, code) = json(&["fixtures/scenarios/etcd-hold.log"]);
    assert_eq!((verdict(&doc), code), ("hold", 1));
    assert_eq!(
        statuses(&doc),
        [
            row(
                "5f2b8e0c9a7d4e61b3c2a1f0e9d8c7b6",
                "exhausted",
                3,
                3,
                Some("etcd")
            ),
            row(
                "ck0l2hsd0k8qe1r4bq3g",
                "exhausted",
                3,
                3,
                Some("kube_client")
            ),
        ]
    );
    let reasons = doc["pod_restart"]["reasons"].to_string();
    assert!(
        reasons.contains("ETCD failure on 1 failing cluster (5f2b8e0c9a7d4e61b3c2a1f0e9d8c7b6)"),
        "{reasons}"
    );
    assert!(
        reasons.contains("etcdserver: request timed out"),
        "{reasons}"
    );
    // The reason names the record it rests on, and the JSON carries it as data.
    assert!(reasons.contains("etcd-hold.log:"), "{reasons}");
    let ev = doc["pod_restart"]["hold_evidence"].as_array().unwrap();
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0]["category"], "etcd");
    assert_eq!(ev[0]["cluster"], "5f2b8e0c9a7d4e61b3c2a1f0e9d8c7b6");
    assert!(ev[0]["source"].as_str().unwrap().contains("etcd-hold.log:"));
}

#[test]
fn etcd_tied_to_no_cluster_holds_while_something_fails() {
    let (doc, code) = json(&["fixtures/scenarios/etcd-unattributed.log"]);
    assert_eq!((verdict(&doc), code), ("hold", 1));
    let un = doc["unattributed"].as_array().unwrap();
    assert_eq!(un.len(), 1);
    assert_eq!(un[0]["category"], "etcd");
    assert!(doc["pod_restart"]["reasons"][0]
        .as_str()
        .unwrap()
        .contains("tied to no cluster"));
    assert_eq!(
        statuses(&doc)[0],
        row(
            "bm64u3ed02o93vv36hb0",
            "exhausted",
            3,
            3,
            Some("wdek_secret")
        )
    );
}

#[test]
fn kube_client_on_three_failing_clusters_holds() {
    let (doc, _) = json(&["fixtures/scenarios/kube-client-hold.log"]);
    assert_eq!(verdict(&doc), "hold");
    let roots: Vec<_> = statuses(&doc).into_iter().map(|r| r.4).collect();
    assert_eq!(roots, vec![Some("kube_client".to_string()); 3]);
    let reason = doc["pod_restart"]["reasons"][0].as_str().unwrap();
    assert!(reason.contains("on 3 failing clusters"), "{reason}");
    assert!(reason.contains("Carrier/Tugboat"), "{reason}");
    let restart = &doc["pod_restart"];
    assert_eq!(restart["hold_evidence"].as_array().unwrap().len(), 3);
    assert_eq!(restart["hold_evidence_total"], 3);
    // --evidence caps the records quoted, not the count, nor the clusters
    // the reason names.
    let (doc, _) = json(&["--evidence", "1", "fixtures/scenarios/kube-client-hold.log"]);
    let restart = &doc["pod_restart"];
    assert_eq!(verdict(&doc), "hold");
    let quoted = restart["hold_evidence"].as_array().unwrap();
    assert_eq!(
        (quoted.len(), &restart["hold_evidence_total"]),
        (1, &3.into())
    );
    assert_eq!(quoted[0]["category"], "kube_client");
    let named = restart["reason_details"][0]["clusters"].as_array().unwrap();
    assert_eq!(named.len(), 3);
}

#[test]
fn kube_client_on_two_clusters_is_one_master_each_and_a_restart_helps() {
    let (doc, _) = json(&["fixtures/scenarios/kube-client-two.log"]);
    assert_eq!(verdict(&doc), "recommended");
    let st = statuses(&doc);
    assert_eq!(
        st[0],
        row(
            "c23h5icd0sr2mu96rcig",
            "exhausted",
            3,
            3,
            Some("kube_client")
        )
    );
    assert_eq!(st[1].1, "retrying");
    assert_eq!(st[2].1, "rotated");
}

#[test]
fn a_start_without_outcome_is_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("unknown.log");
    std::fs::write(&p, "{\"level\":\"info\",\"ts\":1795143601.0,\"msg\":\"Starting rotation of service iam-api-key\",\"clusterID\":\"c23h5icd0sr2mu96rcig\"}\n").unwrap();
    let (doc, code) = json(&[p.to_str().unwrap()]);
    assert_eq!(
        statuses(&doc),
        [row("c23h5icd0sr2mu96rcig", "unknown", 1, 0, None)]
    );
    // A start with no outcome is no evidence either way: not a green light.
    assert_eq!((verdict(&doc), code), ("no_evidence", 3));
}

#[test]
fn a_restarted_pod_merges_in_time_order_whatever_the_argument_order() {
    for args in [
        [
            "fixtures/scenarios/restart/pod-a.log",
            "fixtures/scenarios/restart/pod-b.log",
        ],
        [
            "fixtures/scenarios/restart/pod-b.log",
            "fixtures/scenarios/restart/pod-a.log",
        ],
    ] {
        let (doc, code) = json(&args);
        assert_eq!(
            statuses(&doc),
            [row("c23h5icd0sr2mu96rcig", "rotated", 3, 2, None)],
            "{args:?}"
        );
        assert_eq!((verdict(&doc), code), ("not_needed", 0));
        assert_eq!(doc["input"]["files"].as_array().unwrap().len(), 2);
    }
}

#[test]
fn noise_alone_is_nothing() {
    let (doc, code) = json(&["fixtures/scenarios/noise-only.log"]);
    assert_eq!((verdict(&doc), code), ("no_evidence", 3));
    assert!(doc["clusters"].as_array().unwrap().is_empty());
    assert!(doc["unattributed"].as_array().unwrap().is_empty());
    assert!(
        doc["input"]["continuations"].as_u64().unwrap() >= 10,
        "the panic's frames join it"
    );
}

#[test]
fn every_category_status_and_verdict_is_exercised() {
    let mut categories = std::collections::BTreeSet::new();
    let mut statuses_seen = std::collections::BTreeSet::new();
    let mut verdicts = std::collections::BTreeSet::new();
    let mut files: Vec<String> = std::fs::read_dir(root().join("fixtures/scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    files.push("fixtures/incident/kubectl-ts.log".into());
    for f in &files {
        let (doc, _) = json(&[f]);
        verdicts.insert(verdict(&doc).to_string());
        for c in doc["clusters"].as_array().unwrap() {
            statuses_seen.insert(c["status"].as_str().unwrap().to_string());
            categories.extend(c["failures"].as_object().unwrap().keys().cloned());
        }
        for u in doc["unattributed"].as_array().unwrap() {
            categories.insert(u["category"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(
        categories.into_iter().collect::<Vec<_>>(),
        [
            "attempt_failed",
            "etcd",
            "kube_client",
            "retries_exhausted",
            "unclassified",
            "wdek_secret"
        ]
    );
    assert_eq!(
        statuses_seen.into_iter().collect::<Vec<_>>(),
        ["exhausted", "retrying", "rotated"]
    );
    assert_eq!(
        verdicts.into_iter().collect::<Vec<_>>(),
        ["hold", "no_evidence", "not_needed", "recommended", "wait"]
    );
}
