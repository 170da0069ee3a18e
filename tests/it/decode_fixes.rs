//! Decoding fixes of issue 10, item 6, and the container filter of item 5:
//! each test fails on the decoder before its fix.

use crate::util::*;

/// A stern run over several pods: the other containers' lines (an apiserver
/// and etcd erroring, a sidecar) are skipped and counted, like other apps in
/// a LogDNA export, so their etcd errors cannot make a `hold`.
#[test]
fn other_containers_in_a_multi_pod_stern_run_are_skipped_and_counted() {
    let f = "fixtures/incident/stern-multi-pod.log";
    let (doc, code) = json(&[f]);
    assert_eq!(code, 1);
    assert_eq!(verdict(&doc), "recommended");
    let input = &doc["input"];
    assert_eq!(input["skipped_detail"]["other_apps"], 5);
    assert_eq!(input["skipped_detail"]["stern_markers"], 4);
    assert_eq!(input["unparsed"], 0, "every prefix was recognised");
    assert!(doc["unattributed"].as_array().unwrap().is_empty());

    // Every container read: their etcd errors are read too, but another
    // pod's errors never hold the verdict.
    let (all, _) = json(&["--all-apps", f]);
    assert_eq!(all["input"]["skipped_detail"]["other_apps"], 0);
    assert_eq!(verdict(&all), "recommended");
    assert!(all["unattributed"].as_array().unwrap().len() >= 2);
}

/// kubectl `--prefix` names the container too.
#[test]
fn other_containers_behind_kubectl_prefix_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prefix.log");
    let ours =
        std::fs::read_to_string(root().join("fixtures/incident/kubectl-prefix.log")).unwrap();
    let mut text = String::new();
    for (i, line) in ours.lines().enumerate() {
        text.push_str(line);
        text.push('\n');
        if i == 8 {
            text.push_str("[pod/etcd-0/etcd] {\"level\":\"error\",\"ts\":1795143604.5,\"msg\":\"failed to apply request\",\"error\":\"etcdserver: request timed out\"}\n");
            text.push_str("[pod/armada-kp-events-7d9f8c6b5-x2x9z/istio-proxy] error: upstream connect error to 10.176.4.9:2379: connection refused\n");
            text.push_str("[pod/armada-kp-events-7d9f8c6b5-x2x9z/] no container named: kept\n");
        }
    }
    std::fs::write(&path, text).unwrap();
    let p = path.to_str().unwrap();
    let (doc, _) = json(&[p]);
    assert_eq!(doc["input"]["skipped_detail"]["other_apps"], 2);
    assert_eq!(
        essence(&doc),
        essence(&json(&["fixtures/incident/kubectl-prefix.log"]).0)
    );
    let (etcd, _) = json(&["--app", "etcd", p]);
    assert_eq!(
        etcd["input"]["skipped_detail"]["other_apps"],
        ours.lines().count() as u64 + 1
    );
}

/// zap console pasted from a terminal, tabs expanded to spaces: every line a
/// record, with the app's own times (not taken for kubelet timestamps).
#[test]
fn zap_console_with_spaces_for_tabs_is_read_as_zap_console() {
    let (doc, code) = json(&["fixtures/incident/zap-console-spaces.log"]);
    assert_eq!(code, 1);
    let input = &doc["input"];
    assert_eq!(
        (input["records"].as_u64(), input["unparsed"].as_u64()),
        (Some(39), Some(0))
    );
    assert_eq!(input["continuations"], 6);
    assert_eq!(input["first_ts"], "2026-11-20T03:00:00Z");
    assert_eq!(input["last_ts"], "2026-11-20T03:01:05Z");
}

/// Coloured stern around zap console: the colour goes, the tabs stay.
#[test]
fn zap_console_inside_coloured_stern_keeps_its_fields() {
    let (doc, _) = json(&["fixtures/incident/stern-color-console.log"]);
    assert_eq!(doc["input"]["unparsed"], 0);
    assert_eq!(
        essence(&doc),
        essence(&json(&["fixtures/incident/zap-console.log"]).0)
    );
}

/// Rewrites each line of a fixture into a temporary file.
fn rewritten(fixture: &str, f: impl Fn(&str) -> String) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rewritten.log");
    let text = std::fs::read_to_string(root().join(fixture)).unwrap();
    let out: String = text.lines().map(|l| f(l) + "\n").collect();
    std::fs::write(&path, out).unwrap();
    let p = path.to_str().unwrap().to_string();
    (dir, p)
}

/// glog's `ERROR: logging before flag.Parse: ` before an info line's header
/// leaves it an info line: no start line becomes an unclassified error.
#[test]
fn glogs_prefix_does_not_make_info_lines_errors() {
    let (_dir, p) = rewritten("fixtures/incident/klog.log", |l| match l.split_once(' ') {
        Some((ts, body)) if body.starts_with('I') || body.starts_with('E') => {
            format!("{ts} ERROR: logging before flag.Parse: {body}")
        }
        _ => l.to_string(),
    });
    let (doc, _) = json(&[&p]);
    let (klog, _) = json(&["fixtures/incident/klog.log"]);
    assert_eq!(essence(&doc), essence(&klog));
    assert_eq!(doc["input"]["records"], klog["input"]["records"]);
}

/// klog's multi-line value (`err=<`, tab-indented lines, ` >`) and a quoted
/// value with raw newlines: the pairs after them still name the cluster and
/// the attempt.
#[test]
fn multi_line_klog_values_keep_the_fields_after_them() {
    const C1: &str = "c23h5icd0sr2mu96rcig";
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("klog-multiline.log");
    let lines = [
        format!(r#"I1120 03:00:01.000000       1 rotate.go:98] "Starting rotation of service iam-api-key" CorrID="a1" cluster="{C1}" attempt=1"#),
        r#"E1120 03:00:02.000000       1 rotate.go:142] "Rotation attempt failed" err=<"#.to_string(),
        "\tfailed to update WDEK secret:".to_string(),
        "\tetcdserver: request timed out".to_string(),
        format!(r#" > cluster="{C1}" attempt=1"#),
        format!(r#"I1120 03:00:31.000000       1 rotate.go:98] "Starting rotation of service iam-api-key" cluster="{C1}" attempt=2"#),
        r#"E1120 03:00:32.000000       1 rotate.go:142] "Rotation attempt failed" err="failed to update WDEK secret:"#.to_string(),
        format!(r#"	etcdserver: leader changed" cluster="{C1}" attempt=2"#),
    ];
    let text: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| format!("2026-11-20T03:00:{:02}.{:09}Z {l}\n", i / 4, i))
        .collect();
    std::fs::write(&path, text).unwrap();
    let (doc, _) = json(&[path.to_str().unwrap()]);
    assert_eq!(doc["input"]["continuations"], 4);
    assert!(doc["unattributed"].as_array().unwrap().is_empty(), "{doc}");
    let c = &doc["clusters"][0];
    assert_eq!(c["cluster_id"], C1);
    assert_eq!(
        (c["attempts"].as_u64(), c["failed_attempts"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(c["root_cause"], "wdek_secret");
    let history = c["attempt_history"].as_array().unwrap();
    assert!(
        history.iter().all(|a| a["outcome"] == "failed"),
        "{history:?}"
    );
    // The evidence quotes the message and the error's first line, not `<`
    // or the raw pairs.
    let shown: Vec<&str> = c["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(
        shown
            .iter()
            .all(|m| *m == "Rotation attempt failed: failed to update WDEK secret:"),
        "{shown:?}"
    );
}

/// klog has no year. A full time anywhere in the input gives it, even one
/// that comes after every klog line (here a zap JSON line of 2023, a year
/// the clock would never guess).
#[test]
fn klogs_year_comes_from_a_full_time_later_in_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("klog-then-zap.log");
    let mut text =
        std::fs::read_to_string(root().join("fixtures/incident/klog-structured.log")).unwrap();
    text.push_str(
        r#"{"level":"info","ts":1700449320.0,"msg":"Handled request","path":"/healthz"}"#,
    );
    text.push('\n');
    std::fs::write(&path, text).unwrap();
    let (doc, _) = json(&[path.to_str().unwrap()]);
    assert_eq!(doc["input"]["first_ts"], "2023-11-20T03:00:00Z");
    assert_eq!(doc["input"]["last_ts"], "2023-11-20T03:02:00Z");
    for c in doc["clusters"].as_array().unwrap() {
        let first_seen = c["first_seen"].as_str().unwrap();
        assert!(first_seen.starts_with("2023-11-20T03:0"), "{first_seen}");
    }
    assert_eq!(
        essence(&doc),
        essence(&json(&["fixtures/incident/klog-structured.log"]).0)
    );
}

/// A full time before the klog lines gives the year too, even from a
/// line with no rotation words.
#[test]
fn klogs_year_comes_from_a_full_time_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("zap-then-klog.log");
    let mut text =
        r#"{"level":"info","ts":1700449320.0,"msg":"Handled request","path":"/healthz"}"#
            .to_string();
    text.push('\n');
    text.push_str(
        &std::fs::read_to_string(root().join("fixtures/incident/klog-structured.log")).unwrap(),
    );
    std::fs::write(&path, text).unwrap();
    let (doc, _) = json(&[path.to_str().unwrap()]);
    assert_eq!(doc["input"]["first_ts"], "2023-11-20T03:00:00Z");
    assert_eq!(doc["input"]["last_ts"], "2023-11-20T03:02:00Z");
}

/// A klog-only input listed newest first is noticed, from its year-less
/// times alone.
#[test]
fn newest_first_klog_is_noticed_without_full_times() {
    let (_dir, p) = {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("reversed.log");
        let text =
            std::fs::read_to_string(root().join("fixtures/incident/klog-structured.log")).unwrap();
        let mut lines: Vec<&str> = text.lines().collect();
        lines.reverse();
        std::fs::write(&path, lines.join("\n") + "\n").unwrap();
        let p = path.to_str().unwrap().to_string();
        (dir, p)
    };
    let (doc, _) = json(&[&p]);
    assert_eq!(doc["input"]["files"][0]["newest_first"], true);
    let (forward, _) = json(&["fixtures/incident/klog-structured.log"]);
    assert_eq!(forward["input"]["files"][0]["newest_first"], false);
}
