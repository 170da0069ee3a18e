//! `--alert FILE|-`: the pager's text as pasted leads the triage with its
//! cluster and window; the sibling alert is sent to its own runbook; the
//! verdict still weighs every cluster.

use crate::util::*;
use serde_json::Value;

const INCIDENT: &str = "fixtures/incident/kubectl-ts.log";
const RETRYING: &str = "ck0l2hsd0k8qe1r4bq3g";

/// The runbook's example shape, for the retrying cluster of the incident,
/// pasted from a Windows clipboard (CRLF), with a firing time.
fn rotation_alert() -> String {
    format!(
        "Labels:\r\n  - alertname = armada-kp-events/armada_kp_events_key_rotation_failures\r\n  - alert_situation = \"armada-kp-events/armada_kp_events_key_rotation_failures\"\r\n  - service = armada-deploy\r\n  - severity = critical\r\nAnnotations:\r\n  - summary = \"armada-kp-events is experiencing consistent failures while attempting to rotate the service api key for a cluster\"\r\n  - description = \"armada-kp-events service has experienced failures processing the service api key rotation for resource crn:v1:bluemix:public:containers-kubernetes:us-south:a/c5c0dba4d5406e21164fb825760a7292:{RETRYING}:: in the last 15 mins\"\r\nStarts At: 2026-11-20 03:01:10 +0000 UTC\r\n"
    )
}

const SIBLING: &str = "Labels:
 - alertname = ArmadaKPEventsProcessingErrors
 - CRN = \"crn:v1:bluemix:public:containers-kubernetes:us-south:a/c5c0dba4d5406e21164fb825760a7292:c23h5icd0sr2mu96rcig::\"
 - carrier_name = prod-fra02-carrier105
 - carrier_type = hub
 - crn_region = us-south
 - severity = warning
";

fn run(alert: &str, args: &[&str]) -> (String, i32) {
    let out = kp()
        .args(["analyze", "--alert", "-"])
        .args(args)
        .write_stdin(alert)
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap(),
    )
}

fn json_with(alert: &str, args: &[&str]) -> (Value, i32) {
    let mut all = vec!["-o", "json"];
    all.extend_from_slice(args);
    let (out, code) = run(alert, &all);
    (serde_json::from_str(&out).unwrap(), code)
}

#[test]
fn the_rotation_alert_leads_with_its_cluster_over_its_window() {
    let (doc, code) = json_with(&rotation_alert(), &[INCIDENT]);
    assert_eq!(code, 1);
    let a = &doc["alert"];
    assert_eq!(a["kind"], "key_rotation_failures");
    assert_eq!(a["cluster_id"], RETRYING);
    assert_eq!(a["window"], "15m");
    assert_eq!(a["fired_at"], "2026-11-20T03:01:10Z");
    assert_eq!(a["status"], "retrying");
    assert_eq!(a["other_runbook"], Value::Null);
    // The window ends when the alert fired and reaches 15 minutes back.
    assert_eq!(doc["window"]["from"], "2026-11-20T02:46:10Z");
    assert_eq!(doc["window"]["to"], "2026-11-20T03:01:10Z");
    // The alert's cluster first; the verdict still weighs every cluster:
    // another one exhausted its retries.
    assert_eq!(doc["clusters"][0]["cluster_id"], RETRYING);
    assert_eq!(doc["clusters"].as_array().unwrap().len(), 4);
    assert_eq!(doc["pod_restart"]["verdict"], "recommended");

    let (table, _) = run(&rotation_alert(), &[INCIDENT]);
    // The table wraps to the terminal: read its words.
    let first = flat(&table);
    assert!(
        first.starts_with(&format!(
            "ALERT: armada-kp-events/armada_kp_events_key_rotation_failures for cluster {RETRYING} (last 15m: 2026-11-20T02:46:10Z to 2026-11-20T03:01:10Z): cluster {RETRYING} is retrying"
        )),
        "{table}"
    );
    let (md, _) = run(&rotation_alert(), &["-o", "markdown", INCIDENT]);
    // Prose wraps at 100 columns: read its words.
    let md = md.replace('\n', " ");
    assert!(md.contains(&format!(" **Alert:** armada-kp-events/armada\\_kp\\_events\\_key\\_rotation\\_failures for cluster {RETRYING}")), "{md}");
}

#[test]
fn without_a_time_the_window_ends_at_the_latest_record() {
    let alert = rotation_alert().replace("Starts At: 2026-11-20 03:01:10 +0000 UTC\r\n", "");
    let alert = alert.replace("in the last 15 mins", "in the last 30 secs");
    let (doc, _) = json_with(&alert, &[INCIDENT]);
    assert_eq!(doc["alert"]["fired_at"], Value::Null);
    assert_eq!(
        doc["window"]["from"], "2026-11-20T03:00:35.001718635Z",
        "{}",
        doc["window"]
    );
    assert!(doc["window"]["events_outside"].as_u64().unwrap() > 0);
    // An explicit window beats the alert's.
    let (doc, _) = json_with(&alert, &["--from", "2026-11-20T03:00:00Z", INCIDENT]);
    assert_eq!(doc["window"]["from"], "2026-11-20T03:00:00Z");
}

#[test]
fn the_sibling_alert_belongs_to_another_runbook() {
    let (doc, code) = json_with(SIBLING, &[INCIDENT]);
    assert_eq!(code, 1, "the logs are still triaged");
    let a = &doc["alert"];
    assert_eq!(a["kind"], "processing_errors");
    assert_eq!(a["name"], "ArmadaKPEventsProcessingErrors");
    assert_eq!(a["cluster_id"], "c23h5icd0sr2mu96rcig");
    assert!(
        a["other_runbook"]
            .as_str()
            .unwrap()
            .contains("processing errors runbook"),
        "{a}"
    );
    let (table, _) = run(SIBLING, &[INCIDENT]);
    let first = flat(&table);
    assert!(first.starts_with("ALERT: ArmadaKPEventsProcessingErrors for cluster c23h5icd0sr2mu96rcig on prod-fra02-carrier105: this alert belongs to another runbook: the armada-kp-events processing errors runbook"), "{first}");
    let (md, _) = run(SIBLING, &["-o", "markdown", INCIDENT]);
    assert!(md.contains("belongs to another runbook"), "{md}");
}

#[test]
fn a_cluster_absent_from_the_logs_is_said_so() {
    let alert = rotation_alert().replace(RETRYING, "zz0l2hsd0k8qe1r4bq3g");
    let (doc, _) = json_with(&alert, &[INCIDENT]);
    assert_eq!(doc["alert"]["status"], Value::Null);
    assert!(doc["alert"]["headline"]
        .as_str()
        .unwrap()
        .contains("has no rotation activity in the logs analysed"));
}

#[test]
fn alert_errors_exit_2() {
    let (_, code) = run("nothing to see here\n", &[INCIDENT]);
    assert_eq!(code, 2);
    let out = kp()
        .args(["analyze", "--alert", "-"])
        .write_stdin(SIBLING)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("the logs cannot come from there too"));
    let out = kp()
        .args(["analyze", "--alert", "no-such-alert.txt", INCIDENT])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("cannot read the alert from no-such-alert.txt"));
}

/// With --logdna and no --since/--from/--to, the alert's window is what is
/// fetched: 15 minutes up to the time it fired.
#[test]
fn the_alert_chooses_what_logdna_fetches() {
    use crate::logdna_server::{Server, KEY};
    let lines: Vec<String> =
        std::fs::read_to_string(root().join("fixtures/logdna/incident-v1.jsonl"))
            .unwrap()
            .lines()
            .map(String::from)
            .collect();
    let server = Server::start(lines, 100, vec![]);
    let out = kp()
        .env("LOGDNA_SERVICE_KEY", KEY)
        .args([
            "analyze",
            "-o",
            "json",
            "--logdna",
            "--logdna-url",
            &server.url,
            "--alert",
            "-",
        ])
        .write_stdin(rotation_alert())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["clusters"][0]["cluster_id"], RETRYING);
    let seen = server.seen();
    let param = |k: &str| {
        seen[0]
            .params
            .iter()
            .find(|(n, _)| n == k)
            .unwrap()
            .1
            .clone()
    };
    // 2026-11-20T02:46:10Z and 03:01:10Z, in epoch milliseconds.
    assert_eq!(param("from"), "1795142770000");
    assert_eq!(param("to"), "1795143670000");
}

/// The text with its line wrapping undone.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The sample page shipped for trying `--alert` (the README's command):
/// the triage leads with its cluster, over its window.
#[test]
fn the_shipped_sample_page_leads_with_its_cluster() {
    const PAGED: &str = "c23h5icd0sr2mu96rcig";
    let out = kp()
        .args(["analyze", "--alert", "fixtures/alert/page.txt", INCIDENT])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let table = flat(&String::from_utf8(out.stdout).unwrap());
    assert!(
        table.starts_with(&format!(
            "ALERT: armada-kp-events/armada_kp_events_key_rotation_failures for cluster {PAGED} (last 15m: 2026-11-20T02:46:10Z to 2026-11-20T03:01:10Z): cluster {PAGED} is exhausted"
        )),
        "{table}"
    );
    let (doc, _) = json(&["--alert", "fixtures/alert/page.txt", INCIDENT]);
    assert_eq!(doc["alert"]["kind"], "key_rotation_failures");
    assert_eq!(doc["clusters"][0]["cluster_id"], PAGED);
}
