//! Issue 10's promises, end to end: what the tool did not understand is
//! shown, and a hold rests only on real evidence.

use crate::util::*;
use std::path::PathBuf;

const C1: &str = "c23h5icd0sr2mu96rcig";
const C2: &str = "bm64u3ed02o93vv36hb0";

/// A zap line at `secs` past 03:00:00, as kubectl --timestamps gives it.
fn zap(secs: u32, level: &str, msg: &str, extra: &str) -> String {
    let (m, s) = (secs / 60, secs % 60);
    format!(
        "2026-11-20T03:{m:02}:{s:02}.000000000Z {{\"level\":\"{level}\",\"ts\":\"2026-11-20T03:{m:02}:{s:02}.000Z\",\"msg\":\"{msg}\"{extra}}}\n"
    )
}

/// C1 exhausts on WDEK failures between 03:10 and 03:13; C2 rotates.
fn incident() -> String {
    let mut s = String::new();
    for n in 1..=3u32 {
        let t = 600 + n * 60;
        let c = format!(",\"clusterID\":\"{C1}\",\"attempt\":\"{n}/3\"");
        s += &zap(t, "info", "Starting rotation of the service API key", &c);
        s += &zap(t + 1, "error", "Failed to update WDEK Secret", &c);
        s += &zap(t + 2, "error", "Rotation attempt failed", &c);
    }
    s += &zap(
        790,
        "info",
        "Rotated the service API key",
        &format!(",\"clusterID\":\"{C2}\""),
    );
    s
}

fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn verdict_of(text: &str, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "pod.log", text);
    let mut a: Vec<&str> = args.to_vec();
    a.push(p.to_str().unwrap());
    let (doc, _) = json(&a);
    doc["pod_restart"]["verdict"].as_str().unwrap().to_string()
}

#[test]
fn the_incident_alone_is_recommended() {
    assert_eq!(verdict_of(&incident(), &[]), "recommended");
}

#[test]
fn etcd_holds_only_as_an_own_error_inside_the_failing_window() {
    let etcd = "failed to read cluster record from etcd: etcdserver: request timed out";
    let grpc = "grpc: addrConn.createTransport failed to connect to {10.1.2.3:2379}. Err: connection error: desc = \\\"transport: Error while dialing dial tcp 10.1.2.3:2379: i/o timeout\\\". Reconnecting...";
    let mut inside = incident();
    inside += &zap(700, "error", etcd, "");
    assert_eq!(
        verdict_of(&inside, &[]),
        "hold",
        "an error inside the window"
    );

    let mut warned = incident();
    warned += &zap(700, "warn", grpc, "");
    assert_eq!(verdict_of(&warned, &[]), "recommended", "a warning");

    let mut before = zap(0, "error", etcd, "");
    before += &incident();
    assert_eq!(
        verdict_of(&before, &[]),
        "recommended",
        "ten minutes before the failures"
    );

    // Another pod's etcd error in a stern run, even when every container is read.
    let stern: String = incident()
        .lines()
        .map(|l| format!("armada-kp-events-0 armada-kp-events {l}\n"))
        .chain(std::iter::once(format!(
            "etcd-0 etcd {}",
            zap(700, "error", etcd, "")
        )))
        .collect();
    assert_eq!(verdict_of(&stern, &[]), "recommended", "another container");
    assert_eq!(
        verdict_of(&stern, &["--all-apps"]),
        "recommended",
        "another pod"
    );
}

#[test]
fn the_hold_names_the_record_it_rests_on() {
    let mut text = incident();
    text += &zap(
        700,
        "error",
        "failed to read cluster record from etcd: etcdserver: request timed out",
        &format!(",\"clusterID\":\"{C1}\""),
    );
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "pod.log", &text);
    let (doc, code) = json(&[p.to_str().unwrap()]);
    assert_eq!(
        (doc["pod_restart"]["verdict"].as_str(), code),
        (Some("hold"), 1)
    );
    let ev = &doc["pod_restart"]["hold_evidence"][0];
    assert_eq!(ev["category"], "etcd");
    assert_eq!(ev["cluster"], C1);
    assert!(
        ev["source"].as_str().unwrap().ends_with("pod.log:11"),
        "{ev}"
    );
}

#[test]
fn records_not_understood_are_counted_grouped_and_shown() {
    let mut text = incident();
    for (t, n) in [(800, 3), (810, 7)] {
        text += &zap(
            t,
            "info",
            &format!("rotation for cluster {C2} deferred behind {n} others"),
            "",
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "pod.log", &text);
    let (doc, _) = json(&[p.to_str().unwrap()]);
    let nu = doc["not_understood"].as_array().unwrap();
    assert_eq!(nu.len(), 1, "{nu:?}");
    assert_eq!(nu[0]["count"], 2);
    assert_eq!(
        nu[0]["template"],
        "rotation for cluster <id> deferred behind <n> others"
    );
    assert!(doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == "not_understood"));
    let table = kp().arg("analyze").arg(&p).output().unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(
        table.contains("WARNING: 2 record(s) look like rotation activity"),
        "{table}"
    );
    assert!(table.contains("Not understood"), "{table}");
    let md = kp()
        .args(["analyze", "-o", "markdown"])
        .arg(&p)
        .output()
        .unwrap();
    assert!(String::from_utf8(md.stdout)
        .unwrap()
        .contains("### Not understood"));
}

#[test]
fn a_cluster_with_only_unknown_wording_is_listed_never_dropped() {
    let text = zap(
        10,
        "info",
        "key rotation for cluster is in an odd state",
        &format!(",\"clusterID\":\"{C2}\""),
    );
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "pod.log", &text);
    let (doc, code) = json(&[p.to_str().unwrap()]);
    assert_eq!(code, 3, "no outcome: no evidence, never a green light");
    let c = &doc["clusters"][0];
    assert_eq!(
        (c["cluster_id"].as_str(), c["status"].as_str()),
        (Some(C2), Some("unknown"))
    );
    assert_eq!(c["not_understood"], 1);
}

#[test]
fn warnings_for_a_missing_focus_an_announced_count_and_unparsed_input() {
    let mut text = zap(
        0,
        "info",
        "Detected a new service API key; rotating it on 5 clusters",
        "",
    );
    text += &incident();
    for _ in 0..20 {
        text += "free text that no logger wrote\n";
    }
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "pod.log", &text);
    let (doc, _) = json(&["--cluster", "cp0000000000000000ab", p.to_str().unwrap()]);
    let codes: Vec<&str> = doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    for want in ["focus_not_found", "announced_clusters", "unparsed_lines"] {
        assert!(codes.contains(&want), "{want} in {codes:?}");
    }
    // The verdict still weighs every cluster.
    assert_eq!(doc["pod_restart"]["verdict"], "recommended");
}

#[test]
fn a_far_future_time_does_not_anchor_since() {
    let mut text = incident();
    // One mangled record from the year 2099.
    text += "2099-01-01T00:00:00.000000000Z {\"level\":\"info\",\"ts\":\"2099-01-01T00:00:00.000Z\",\"msg\":\"heartbeat\"}\n";
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "pod.log", &text);
    let (doc, code) = json(&["--since", "30m", p.to_str().unwrap()]);
    assert_eq!(
        (doc["pod_restart"]["verdict"].as_str(), code),
        (Some("recommended"), 1)
    );
    assert!(doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == "future_timestamps"));
    // A window that excludes every rotation record says so.
    let (doc, code) = json(&["--to", "2026-11-20T02:00:00Z", p.to_str().unwrap()]);
    assert_eq!(
        (doc["pod_restart"]["verdict"].as_str(), code),
        (Some("no_evidence"), 3)
    );
    assert!(doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["code"] == "window_excludes_all"));
}

/// A failed step of an attempt is that attempt's cause: one failed attempt,
/// not two, and the step's field names the cause.
#[test]
fn a_failed_step_is_its_attempts_cause_not_another_attempt() {
    let c = format!(",\"clusterID\":\"{C1}\"");
    let mut s = String::new();
    s += &zap(600, "info", "Starting rotation of the service API key", &c);
    s += &zap(
        601,
        "error",
        "rotation step failed",
        &format!("{c},\"step\":\"update_wdek\",\"error\":\"context deadline exceeded\""),
    );
    s += &zap(602, "error", "Rotation attempt failed", &c);
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "pod.log", &s);
    let (doc, _) = json(&[p.to_str().unwrap()]);
    let cl = &doc["clusters"][0];
    assert_eq!(cl["failed_attempts"], 1);
    assert_eq!(cl["root_cause"], "wdek_secret");
}

/// A cause is a cause at any level: attempt failures the service logs as
/// warnings, carrying an etcd error, hold as the report's root cause says.
/// A warning tied to no cluster still does not.
#[test]
fn a_warning_level_attempt_failure_with_an_etcd_cause_holds() {
    let c = format!(",\"clusterID\":\"{C1}\"");
    let mut s = String::new();
    for n in 0..2u32 {
        let t = 600 + n * 60;
        s += &zap(t, "info", "Starting rotation of the service API key", &c);
        s += &zap(
            t + 1,
            "warn",
            "Rotation attempt failed: failed to read cluster record from etcd: etcdserver: request timed out",
            &c,
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "pod.log", &s);
    let (doc, _) = json(&[p.to_str().unwrap()]);
    assert_eq!(doc["clusters"][0]["root_cause"], "etcd");
    assert_eq!(doc["pod_restart"]["verdict"], "hold");
}

/// A rotation line about a cluster, after its last understood event, that
/// nothing understood: the cluster is unknown, the line is quoted, and the
/// verdict waits rather than calling the input clean.
#[test]
fn a_last_rotation_line_not_understood_makes_the_cluster_unknown() {
    let c = format!(",\"clusterID\":\"{C1}\"");
    let mut s = String::new();
    s += &zap(600, "info", "Starting rotation of the service API key", &c);
    s += &zap(601, "error", "Rotation attempt failed", &c);
    s += &zap(
        605,
        "info",
        "rotation of service iam-api-key parked by the scheduler",
        &c,
    );
    s += &zap(
        606,
        "info",
        "Rotated the service API key",
        &format!(",\"clusterID\":\"{C2}\""),
    );
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "pod.log", &s);
    let (doc, _) = json(&[p.to_str().unwrap()]);
    let cl = &doc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cluster_id"] == C1)
        .unwrap()
        .clone();
    assert_eq!(cl["status"], "unknown");
    assert_eq!(
        cl["unknown_because"],
        "rotation of service iam-api-key parked by the scheduler"
    );
    assert_eq!(doc["pod_restart"]["verdict"], "wait");
    let out = kp().arg("analyze").arg(&p).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("last rotation line was not understood"),
        "{text}"
    );
}

/// Records that name several applications, in an input that names no
/// container, may be other applications' own: the report says so.
#[test]
fn several_applications_in_an_input_without_containers_are_a_warning() {
    let mut mixed = String::new();
    for (t, app) in [
        (600, "armada-kp-events"),
        (601, "armada-api"),
        (602, "etcd-operator"),
    ] {
        let extra = format!(",\"app\":\"{app}\",\"clusterID\":\"{C1}\"");
        mixed += &zap(t, "error", "Failed to update WDEK Secret", &extra);
    }
    let dir = tempfile::tempdir().unwrap();
    let p = write(&dir, "pod.log", &mixed);
    let (doc, _) = json(&[p.to_str().unwrap()]);
    let w = doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "several_apps")
        .unwrap_or_else(|| panic!("no several_apps warning: {}", doc["warnings"]));
    let text = w["text"].as_str().unwrap();
    assert!(
        text.contains("armada-api, armada-kp-events, etcd-operator"),
        "{text}"
    );
    let out = kp().arg("analyze").arg(&p).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("name several applications"));

    // One application named, or containers named by the envelope: no warning.
    let ours = mixed.replace("armada-api", "armada-kp-events");
    let ours = ours.replace("etcd-operator", "armada-kp-events");
    let prefixed: String = mixed
        .lines()
        .map(|l| format!("[pod/armada-kp-events-0/armada-kp-events] {l}\n"))
        .collect();
    for text in [ours, prefixed, incident()] {
        let p = write(&dir, "one.log", &text);
        let (doc, _) = json(&[p.to_str().unwrap()]);
        assert!(
            !doc["warnings"].to_string().contains("several_apps"),
            "{}",
            doc["warnings"]
        );
    }
}

/// A verdict weighs the clusters it understood, and its first line says
/// when some it did not: a cluster whose outcome was not recognised is never
/// taken for one that rotated.
#[test]
fn a_verdict_beside_unknown_clusters_says_so_in_its_first_line() {
    const C3: &str = "cq1a2b3c4d5e6f7g8h9i";
    let odd = zap(
        5,
        "info",
        "key rotation for cluster is in an odd state",
        &format!(",\"clusterID\":\"{C3}\""),
    );
    let started = zap(
        700,
        "info",
        "Starting rotation of the service API key",
        &format!(",\"clusterID\":\"{C3}\""),
    );
    let rotated = zap(
        790,
        "info",
        "Rotated the service API key",
        &format!(",\"clusterID\":\"{C2}\""),
    );
    let dir = tempfile::tempdir().unwrap();
    for (text, verdict) in [
        (odd.clone() + &incident(), "RECOMMENDED"),
        (rotated + &started, "NOT NEEDED"),
    ] {
        let p = write(&dir, "pod.log", &text);
        let out = kp().args(["analyze"]).arg(&p).output().unwrap();
        let head = String::from_utf8_lossy(&out.stdout);
        let head = head.split("\n  *").next().unwrap().replace("\n  ", " ");
        assert!(head.contains(verdict), "{head}");
        assert!(
            head.contains("But 1 cluster has no recognised outcome"),
            "{head}"
        );
        let (doc, _) = json(&[p.to_str().unwrap()]);
        let codes = doc["pod_restart"]["reason_details"].to_string();
        assert!(codes.contains("unknown_outcome"), "{codes}");
    }
}
