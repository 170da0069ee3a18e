//! A `recommended` verdict spells out the next step: the exact delete
//! command with the pod seen in the logs, the replica doing the rotation
//! when several appear, and how to find the pod when the logs name none.

use crate::util::*;
use serde_json::Value;

const X: &str = "armada-kp-events-7d9f8c6b5-x2x9z";
const Q: &str = "armada-kp-events-7d9f8c6b5-q8w4p";

/// Another replica's `--prefix --timestamps` lines: a rotation at `hhmmss`.
fn replica(dir: &std::path::Path, hhmmss: &str) -> String {
    let epoch =
        chrono::NaiveDateTime::parse_from_str(&format!("2026-11-20 {hhmmss}"), "%Y-%m-%d %H:%M:%S")
            .unwrap()
            .and_utc()
            .timestamp();
    let line = |msg: &str, s: i64| {
        let ts = chrono::DateTime::from_timestamp(epoch + s, 0).unwrap();
        format!(
            "[pod/{Q}/armada-kp-events] {} {{\"level\":\"info\",\"ts\":{}.0,\"msg\":\"{msg}\",\"clusterID\":\"bm64u3ed02o93vv36hb0\",\"attempt\":1}}\n",
            ts.format("%Y-%m-%dT%H:%M:%S%.9fZ"),
            epoch + s
        )
    };
    let text = line("Starting rotation of service iam-api-key", 0)
        + &line("Successfully rotated service IAM API key", 1);
    let path = dir.join(format!("replica-{hhmmss}.log"));
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

fn step(args: &[&str]) -> Value {
    let (doc, code) = json(args);
    assert_eq!(code, 1);
    assert_eq!(doc["pod_restart"]["verdict"], "recommended");
    doc["next_step"].clone()
}

#[test]
fn the_exact_command_names_the_pod_in_the_logs() {
    for f in [
        "fixtures/incident/kubectl-prefix-ts.log",
        "fixtures/incident/stern.log",
        "fixtures/logdna/incident-v1.jsonl",
    ] {
        let s = step(&[f]);
        assert_eq!(
            s["command"],
            format!("kubectl delete pod -n armada {X}"),
            "{f}: {s}"
        );
        assert_eq!(s["rotating_pod"], X, "{f}");
    }
    let out = kp()
        .args(["analyze", "fixtures/incident/kubectl-prefix-ts.log"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // The sentence wraps to the terminal; the command stands whole on its line.
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(&format!("NEXT STEP: Delete {X}, the pod doing the rotation, so that rotation starts again: kubectl delete pod -n armada {X}")),
        "{text}"
    );
    assert!(
        text.contains(&format!("\n    kubectl delete pod -n armada {X}\n")),
        "{text}"
    );
    let out = kp()
        .args([
            "analyze",
            "-o",
            "markdown",
            "fixtures/incident/kubectl-prefix-ts.log",
        ])
        .output()
        .unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    assert!(
        md.contains(&format!("```sh\nkubectl delete pod -n armada {X}\n```")),
        "{md}"
    );
}

#[test]
fn with_several_replicas_the_one_rotating_last_is_named() {
    let dir = tempfile::tempdir().unwrap();
    // Q rotated a cluster before X's failures: X is the one rotating.
    let early = replica(dir.path(), "02:59:00");
    let s = step(&["fixtures/incident/kubectl-prefix-ts.log", &early]);
    assert_eq!(s["rotating_pod"], X, "{s}");
    assert_eq!(s["command"], format!("kubectl delete pod -n armada {X}"));
    let pods: Vec<&str> = s["pods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(pods, [Q, X]);
    assert!(
        s["text"].as_str().unwrap().contains(&format!(
            "2 pods appear in the logs and the latest rotation events are {X}'s (also seen: {Q})"
        )),
        "{s}"
    );
    // Q's rotation after X's last line: Q is the one rotating now.
    let late = replica(dir.path(), "03:02:00");
    let s = step(&["fixtures/incident/kubectl-prefix-ts.log", &late]);
    assert_eq!(s["rotating_pod"], Q, "{s}");
    assert_eq!(s["command"], format!("kubectl delete pod -n armada {Q}"));
}

#[test]
fn no_pod_name_says_how_to_find_it_and_options_shape_the_commands() {
    let s = step(&["fixtures/incident/kubectl-ts.log"]);
    assert_eq!(s["command"], Value::Null);
    assert_eq!(
        s["find_pods"],
        "kubectl get pods -n armada -l app=armada-kp-events"
    );
    let s = step(&[
        "-n",
        "armada-x",
        "--context",
        "prod-dal10-carrier2",
        "-l",
        "app in (kp,kp-events)",
        "fixtures/incident/kubectl-ts.log",
    ]);
    assert_eq!(
        s["find_pods"],
        "kubectl get pods -n armada-x -l 'app in (kp,kp-events)' --context prod-dal10-carrier2"
    );
    let s = step(&[
        "-n",
        "armada-x",
        "--context",
        "prod-dal10-carrier2",
        "fixtures/incident/stern.log",
    ]);
    assert_eq!(
        s["command"],
        format!("kubectl delete pod -n armada-x {X} --context prod-dal10-carrier2")
    );
}

#[test]
fn other_verdicts_have_no_next_step() {
    for f in [
        "fixtures/scenarios/all-rotated.log",
        "fixtures/scenarios/etcd-hold.log",
        "fixtures/scenarios/retrying.log",
    ] {
        let (doc, _) = json(&[f]);
        assert_ne!(doc["pod_restart"]["verdict"], "recommended", "{f}");
        assert_eq!(doc["next_step"], Value::Null, "{f}");
    }
}
