//! `analyze --kubectl` with the real kubectl, pointed by a kubeconfig at a
//! Kubernetes API server on loopback (kube_server.rs): every pod the
//! selector matches, every container, the log before a restart, the merge
//! in time order, the alert's window passed to kubectl, the pod to delete,
//! and kubectl's errors made clear.

use crate::cli::{skip_when_absent, tool};
use crate::kube_server::{Behaviour, KubeServer};
use crate::live_pods::{pods, A, B, CRN, FAILING, OTHER};
use crate::util::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

pub(crate) struct Live {
    pub server: KubeServer,
    pub dir: tempfile::TempDir,
    kubectl_dir: PathBuf,
}

impl Live {
    pub fn start(behaviour: Behaviour) -> Option<Live> {
        let Some(kubectl) = tool("kubectl") else {
            skip_when_absent("kubectl");
            return None;
        };
        let server = KubeServer::start(pods(), behaviour);
        let dir = tempfile::tempdir().unwrap();
        server.kubeconfig(dir.path());
        Some(Live {
            server,
            dir,
            kubectl_dir: kubectl.parent().unwrap().to_path_buf(),
        })
    }

    pub fn run(&self, args: &[&str], stdin: &str) -> Output {
        let path = std::env::join_paths([
            self.kubectl_dir.as_path(),
            Path::new("/usr/bin"),
            Path::new("/bin"),
        ])
        .unwrap();
        kp().env("PATH", path)
            .env("KUBECONFIG", self.dir.path().join("kubeconfig"))
            // kubectl's discovery cache goes under $HOME/.kube.
            .env("HOME", self.dir.path())
            .arg("analyze")
            .args(args)
            .write_stdin(stdin)
            .output()
            .unwrap()
    }

    fn json(&self, args: &[&str], stdin: &str) -> (Value, i32) {
        let mut all = vec!["--kubectl", "-o", "json"];
        all.extend_from_slice(args);
        let out = self.run(&all, stdin);
        let doc = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stderr)));
        (doc, out.status.code().unwrap())
    }

    /// `analyze --kubectl --follow -o json`, running, its stdout piped.
    fn follow(&self) -> std::process::Child {
        self.command(&["analyze", "--kubectl", "--follow", "-o", "json"])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    }

    /// The binary with `args`, in an environment that reaches this server
    /// only.
    pub fn command(&self, args: &[&str]) -> std::process::Command {
        let path =
            std::env::join_paths([self.kubectl_dir.as_path(), Path::new("/usr/bin")]).unwrap();
        let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("kp-triage"));
        c.env_clear()
            .env("PATH", path)
            .env("KUBECONFIG", self.dir.path().join("kubeconfig"))
            .env("HOME", self.dir.path())
            .args(args);
        c
    }

    /// What a shell needs to reach this server with kubectl: the
    /// variables, and the directory of kubectl to put on the PATH.
    pub fn shell_env(&self) -> (Vec<(&'static str, PathBuf)>, PathBuf) {
        let vars = vec![
            ("KUBECONFIG", self.dir.path().join("kubeconfig")),
            ("HOME", self.dir.path().to_path_buf()),
        ];
        (vars, self.kubectl_dir.clone())
    }

    pub fn log_requests(&self) -> Vec<String> {
        self.server
            .requests()
            .into_iter()
            .filter(|r| r.contains("/log"))
            .collect()
    }
}

/// The failing cluster, whose attempts span the log before the restart and
/// the current one: exhausted after 3 only when both are merged in time order.
fn failing_merged(doc: &Value) -> &Value {
    let c = doc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["cluster_id"] == FAILING)
        .unwrap();
    assert_eq!(c["status"], "exhausted", "{c}");
    assert_eq!(c["attempts"], 3, "{c}");
    c
}

fn file_names(doc: &Value) -> Vec<String> {
    doc["input"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn kubectl_reads_every_pod_and_the_log_before_a_restart() {
    let Some(live) = Live::start(Behaviour::default()) else {
        return;
    };
    let (doc, code) = live.json(&[], "");
    assert_eq!(code, 1, "failures found: {doc}");
    assert_eq!(
        file_names(&doc),
        [
            format!("{A}/armada-kp-events (previous)"),
            format!("{A}/armada-kp-events"),
            format!("{A}/istio-proxy"),
            format!("{B}/armada-kp-events"),
        ]
    );
    // The pod list asked for the selector; the other app's pod was never read.
    let requests = live.server.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.contains("/namespaces/armada/pods?")
                && r.contains("labelSelector=app%3Darmada-kp-events")),
        "{requests:#?}"
    );
    assert!(!requests.iter().any(|r| r.contains(OTHER)), "{requests:#?}");
    // --previous only where the container restarted, and timestamps always.
    let logs = live.log_requests();
    let previous: Vec<&String> = logs
        .iter()
        .filter(|r| r.contains("previous=true"))
        .collect();
    assert_eq!(previous.len(), 1, "{logs:#?}");
    assert!(
        previous[0].contains(&format!("/pods/{A}/log?container=armada-kp-events")),
        "{logs:#?}"
    );
    assert!(
        logs.iter().all(|r| r.contains("timestamps=true")),
        "{logs:#?}"
    );

    // Merged in time order: the attempts of both logs make one streak.
    let c = failing_merged(&doc);
    assert_eq!(c["root_cause"], "wdek_secret", "{c}");
    let sources: Vec<&str> = c["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["source"].as_str().unwrap())
        .collect();
    assert!(
        sources
            .iter()
            .any(|s| s.starts_with(&format!("{A}/armada-kp-events (previous):"))),
        "{sources:?}"
    );
    assert!(
        sources
            .iter()
            .any(|s| s.starts_with(&format!("{A}/armada-kp-events:"))),
        "{sources:?}"
    );
    // The sidecar's lines are read and skipped as another container's.
    assert!(
        doc["input"]["skipped_detail"]["other_apps"]
            .as_u64()
            .unwrap()
            >= 1,
        "{}",
        doc["input"]
    );

    // The next step: delete the replica that was rotating, by name.
    assert_eq!(doc["pod_restart"]["verdict"], "recommended");
    let step = &doc["next_step"];
    assert_eq!(
        step["command"],
        format!("kubectl delete pod -n armada {A}"),
        "{step}"
    );
    assert_eq!(step["rotating_pod"], A);
    let pods: Vec<&str> = step["pods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(pods, [B, A], "in order of appearance: {step}");
    assert!(
        step["text"].as_str().unwrap().contains(&format!(
            "2 pods appear in the logs and the latest rotation events are {A}'s"
        )),
        "{step}"
    );

    let table = live.run(&["--kubectl"], "");
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.contains(&format!("\n    kubectl delete pod -n armada {A}\n")),
        "{text}"
    );
}

#[test]
fn the_alert_alone_chooses_the_window_kubectl_reads() {
    let Some(live) = Live::start(Behaviour::default()) else {
        return;
    };
    let alert = format!(
        "Labels:\r\n - alertname = armada-kp-events/armada_kp_events_key_rotation_failures\r\n - severity = critical\r\nAnnotations:\r\n - description = \"armada-kp-events service has experienced failures processing the service api key rotation for resource {CRN} in the last 12 mins\"\r\n"
    );
    let (doc, code) = live.json(&["--alert", "-"], &alert);
    assert_eq!(code, 1, "{doc}");
    let logs = live.log_requests();
    assert!(
        !logs.is_empty() && logs.iter().all(|r| r.contains("sinceSeconds=720")),
        "{logs:#?}"
    );
    assert_eq!(
        doc["clusters"][0]["cluster_id"], FAILING,
        "the alert's cluster leads"
    );
    // B's rotation was over 16 minutes ago: kubectl did not fetch it.
    let ids: Vec<&Value> = doc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| &c["cluster_id"])
        .collect();
    assert!(
        !ids.contains(&&Value::from("bm64u3ed02o93vv36hb0")),
        "{ids:?}"
    );
    assert_eq!(doc["alert"]["cluster_id"], FAILING);
    assert_eq!(doc["alert"]["status"], "exhausted");
    assert_eq!(doc["alert"]["window"], "12m");
    assert!(doc["window"]["from"].is_string(), "{}", doc["window"]);
    // The attempts before the restart (10 and 9 minutes before) are still read.
    assert!(file_names(&doc).contains(&format!("{A}/armada-kp-events (previous)")));
}

#[test]
fn kubectl_errors_are_clear_and_exit_2() {
    let Some(live) = Live::start(Behaviour::default()) else {
        return;
    };
    let stderr = |o: &Output| String::from_utf8_lossy(&o.stderr).into_owned();

    let out = live.run(&["--kubectl", "--context", "nope"], "");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("context \"nope\" does not exist"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("get-contexts"), "{}", stderr(&out));

    let out = live.run(&["--kubectl", "--selector", "app=armada-kp-evnets"], "");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("no pods match the selector app=armada-kp-evnets in namespace armada"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty(), "no report without pods");

    let out = live.run(&["--kubectl", "-n", "kube-system"], "");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("in namespace kube-system"),
        "{}",
        stderr(&out)
    );

    let forbidden = Live::start(Behaviour {
        forbid_list: true,
        ..Behaviour::default()
    })
    .unwrap();
    let out = forbidden.run(&["--kubectl"], "");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("Forbidden"), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot list resource \"pods\""),
        "{}",
        stderr(&out)
    );

    // No kubectl at all.
    let empty = tempfile::tempdir().unwrap();
    let out = kp()
        .env("PATH", empty.path())
        .args(["analyze", "--kubectl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot run kubectl"),
        "{}",
        stderr(&out)
    );
}

/// What a later `--follow` builds on: a followed log through the real
/// kubectl gives its lines while the answer stays open, and dropping the
/// reader ends kubectl.
#[test]
fn a_followed_log_streams_and_dropping_it_ends_kubectl() {
    use kp_triage::live::kubectl::Target;
    use std::io::{BufRead, BufReader};
    let Some(live) = Live::start(Behaviour::default()) else {
        return;
    };
    let target = Target {
        program: tool("kubectl").unwrap(),
        kubeconfig: Some(live.dir.path().join("kubeconfig")),
        ..Target::default()
    };
    let pods = target.pods().unwrap();
    let (streams, _) = target.streams(&pods, None, true);
    let current = streams
        .iter()
        .find(|s| s.pod == A && s.container == "armada-kp-events" && !s.previous)
        .unwrap();
    assert!(current.args().contains(&"--follow".to_string()));
    let reader = current.open().unwrap();
    let pid = reader.id();
    let mut lines = BufReader::new(reader);
    for _ in 0..4 {
        let mut line = String::new();
        lines.read_line(&mut line).unwrap();
        assert!(
            line.starts_with(&format!("[pod/{A}/armada-kp-events] ")),
            "{line}"
        );
    }
    assert!(live
        .log_requests()
        .iter()
        .any(|r| r.contains("follow=true")));
    drop(lines);
    assert!(
        !Path::new(&format!("/proc/{pid}")).exists(),
        "kubectl {pid} still runs"
    );
}

/// A restarted container whose previous log is gone: the rest is triaged,
/// the report says the input is incomplete, and the status is 2.
#[test]
fn a_previous_log_that_is_gone_makes_the_input_incomplete() {
    let Some(live) = Live::start(Behaviour {
        previous_gone: true,
        ..Behaviour::default()
    }) else {
        return;
    };
    let out = live.run(&["--kubectl"], "");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stdout.contains("INCOMPLETE INPUT"), "{stdout}");
    assert!(
        stdout.contains("POD RESTART: RECOMMENDED"),
        "the rest is triaged: {stdout}"
    );
    assert!(
        stderr.contains(&format!("cannot read {A}/armada-kp-events (previous)"))
            && stderr.contains("previous terminated container"),
        "{stderr}"
    );
}

/// Ctrl-C reports what was read: reads the change lines until the failing
/// cluster has exhausted its retries and every log has delivered its
/// backlog (the verdict settles), however long the logs take through
/// kubectl. The failing cluster's first change.
fn until_exhausted_and_settled(lines: &mut impl Iterator<Item = std::io::Result<String>>) -> Value {
    let (mut change, mut exhausted, mut settled) = (None, false, false);
    for d in lines.map(|l| serde_json::from_str::<Value>(&l.unwrap()).unwrap()) {
        if d["change"] == "cluster" && d["cluster"] == FAILING {
            exhausted |= d["to"] == "exhausted";
            change.get_or_insert(d);
        } else {
            settled |= d["change"] == "settled";
        }
        if exhausted && settled {
            break;
        }
    }
    assert!(exhausted && settled, "the output ended first");
    change.expect("a change for the failing cluster while the logs stay open")
}

/// `--kubectl --follow` follows every current log (the previous one is read
/// to its end), shows changes while kubectl's answers stay open, and on
/// SIGINT ends every kubectl it started and prints the merged report.
#[test]
fn kubectl_follow_follows_every_pod_until_ctrl_c() {
    use std::io::BufRead;
    let Some(live) = Live::start(Behaviour::default()) else {
        return;
    };
    let mut child = live.follow();
    let _watchdog = Watchdog::new(child.id(), 120);
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let change = until_exhausted_and_settled(&mut lines);
    assert_eq!(change["type"], "change");
    let follows = || {
        live.log_requests()
            .iter()
            .filter(|r| r.contains("follow=true"))
            .count()
    };
    let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while follows() < 3 && std::time::Instant::now() < until {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(follows(), 3, "{:#?}", live.log_requests());
    assert!(!live
        .log_requests()
        .iter()
        .any(|r| r.contains("previous=true") && r.contains("follow=true")));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let rest: Vec<Value> = lines
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    let status = child.wait().unwrap();
    let report = &rest.last().expect("the report")["report"];
    failing_merged(report);
    assert_eq!(report["input"]["files"].as_array().unwrap().len(), 4);
    assert_eq!(status.code(), Some(1));
    // No kubectl of this test's kubeconfig is left running.
    let kubeconfig = live.dir.path().join("kubeconfig");
    let needle = kubeconfig.to_str().unwrap();
    let left: Vec<String> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| std::fs::read(e.ok()?.path().join("environ")).ok())
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .filter(|env| env.contains(needle))
        .collect();
    assert!(left.is_empty(), "{} kubectl processes left", left.len());
}

/// The usual remedy deletes the pod; its replacement starts rotating again.
/// `--kubectl --follow` lists the pods again and follows the new one.
#[test]
fn kubectl_follow_picks_up_a_pod_that_starts_later() {
    use std::io::BufRead;
    let Some(live) = Live::start(Behaviour::default()) else {
        return;
    };
    let mut child = live.follow();
    let _watchdog = Watchdog::new(child.id(), 60);
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    // The change to a status: on a loaded machine a view may come between
    // the lines of one attempt, showing a status on the way first.
    let mut next_change = |cluster: &str, to: Option<&str>| {
        lines
            .by_ref()
            .map(|l| serde_json::from_str::<Value>(&l.unwrap()).unwrap())
            .find(|d| {
                d["change"] == "cluster"
                    && d["cluster"] == cluster
                    && to.is_none_or(|to| d["to"] == to)
            })
    };
    assert!(next_change(FAILING, None).is_some());
    const NEW: &str = "armada-kp-events-7d9f8c6b5-ccccc";
    const AGAIN: &str = "cl0g5m8kqlbaxhkf0sgu";
    live.server
        .add_pod(crate::live_pods::replacement(NEW, AGAIN));
    // Within a few listings of the pods, the new pod's rotation shows.
    next_change(AGAIN, Some("retrying")).expect("the new pod's cluster, retrying");
    assert!(live
        .log_requests()
        .iter()
        .any(|r| r.contains(&format!("/pods/{NEW}/log")) && r.contains("follow=true")));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let report: Value = lines
        .map(|l| serde_json::from_str::<Value>(&l.unwrap()).unwrap())
        .last()
        .expect("the report");
    let files: Vec<String> = file_names(&report["report"]);
    assert!(
        files.contains(&format!("{NEW}/armada-kp-events")),
        "{files:?}"
    );
    assert_eq!(child.wait().unwrap().code(), Some(1));
}
