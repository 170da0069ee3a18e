//! `analyze --kubectl`: kp-triage runs the real kubectl. `kubectl get pods -l
//! SELECTOR -o json` finds the pods, then one `kubectl logs POD -c CONTAINER
//! --timestamps --prefix` per container (and `--previous` where it restarted)
//! is one input each, labelled `pod/container`. kubectl does the talking, so
//! KUBECONFIG, contexts, exec credential plugins and proxies all behave as
//! the engineer's own kubectl does. `--prefix` puts the pod's name on every
//! line, so the events carry it (the next step names the pod to delete).
//!
//! Only this module spawns processes. A log's reader is the child's stdout;
//! at its end the child is waited for, and a failure becomes a read error
//! that quotes kubectl's stderr. A reader dropped early kills its child.

use crate::time::Ts;
use serde_json::Value;
use std::io::{self, Read};
use std::path::PathBuf;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::Duration;

/// The namespace armada-kp-events runs in on the carrier hubs.
pub const DEFAULT_NAMESPACE: &str = "armada";
/// The service's pods' label selector (override with `--selector`).
pub const DEFAULT_SELECTOR: &str = "app=armada-kp-events";
/// Bytes of a child's stderr kept for its error message (the tail).
const STDERR_KEPT: usize = 8 * 1024;

/// Where the service runs, as kubectl addresses it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The kubectl to run (`kubectl` on the PATH).
    pub program: PathBuf,
    /// `--kubeconfig`; None: KUBECONFIG, else ~/.kube/config, as kubectl
    /// chooses.
    pub kubeconfig: Option<PathBuf>,
    /// `--context`; None: the kubeconfig's current context.
    pub context: Option<String>,
    pub namespace: String,
    pub selector: String,
}

impl Default for Target {
    fn default() -> Target {
        Target {
            program: PathBuf::from("kubectl"),
            kubeconfig: None,
            context: None,
            namespace: DEFAULT_NAMESPACE.to_string(),
            selector: DEFAULT_SELECTOR.to_string(),
        }
    }
}

/// How far back `kubectl logs` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Since {
    /// `--since=900s`, back from now.
    Span(Duration),
    /// `--since-time=RFC3339`.
    Time(Ts),
}

/// One pod as `kubectl get pods -o json` describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pod {
    pub name: String,
    pub containers: Vec<Container>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Container {
    pub name: String,
    pub restarts: u64,
    /// It has a log: running, terminated, or waiting after a run.
    pub has_log: bool,
}

/// One log to read: a container's current log, or its previous one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogStream {
    pub target: Target,
    pub pod: String,
    pub container: String,
    pub previous: bool,
    pub since: Option<Since>,
    /// `-f`: the reader ends only when the container does (for `--follow`).
    pub follow: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum KubectlError {
    #[error("cannot run {program}: {cause} (install kubectl, or put it on the PATH)")]
    Spawn { program: String, cause: io::Error },

    #[error("`{command}` failed ({status}): {stderr}{hint}")]
    Failed {
        command: String,
        status: String,
        stderr: String,
        hint: &'static str,
    },

    #[error("`{command}` did not print a pod list: {cause}")]
    BadList {
        command: String,
        cause: serde_json::Error,
    },

    #[error(
        "no pods match the selector {selector} in namespace {namespace} ({context}): \
         check --selector, --namespace and --context; \
         `kubectl get pods -n {namespace} --show-labels` lists the pods and their labels"
    )]
    NoPods {
        namespace: String,
        selector: String,
        context: String,
    },
}

impl Target {
    /// `--context C -n NS`, before the command.
    fn base(&self) -> Vec<String> {
        let mut a = Vec::new();
        if let Some(k) = &self.kubeconfig {
            a.push(format!("--kubeconfig={}", k.display()));
        }
        if let Some(c) = &self.context {
            a.push(format!("--context={c}"));
        }
        a.push("-n".into());
        a.push(self.namespace.clone());
        a
    }

    fn context_name(&self) -> String {
        match &self.context {
            Some(c) => format!("context {c}"),
            None => "the current context".to_string(),
        }
    }

    /// The pods the selector matches. None is an error: there is nothing
    /// to triage, and the engineer must fix the selector or the context.
    pub fn pods(&self) -> Result<Vec<Pod>, KubectlError> {
        let mut args = self.base();
        args.extend(
            ["get", "pods", "-l", &self.selector, "-o", "json"]
                .iter()
                .map(|s| s.to_string()),
        );
        args.push("--request-timeout=60s".into());
        let command = self.display(&args);
        let out = Command::new(&self.program)
            .args(&args)
            .stdin(Stdio::null())
            .output()
            .map_err(|cause| self.spawn_error(cause))?;
        if !out.status.success() {
            return Err(failed(command, &out.status, &out.stderr));
        }
        let pods =
            parse_pods(&out.stdout).map_err(|cause| KubectlError::BadList { command, cause })?;
        if pods.is_empty() {
            return Err(KubectlError::NoPods {
                namespace: self.namespace.clone(),
                selector: self.selector.clone(),
                context: self.context_name(),
            });
        }
        Ok(pods)
    }

    /// The logs to read: every container's current log when it has one, and
    /// its previous one when it restarted. The notes say what was left out.
    pub fn streams(
        &self,
        pods: &[Pod],
        since: Option<Since>,
        follow: bool,
    ) -> (Vec<LogStream>, Vec<String>) {
        let mut streams = Vec::new();
        let mut notes = Vec::new();
        for p in pods {
            for c in &p.containers {
                let stream = |previous| LogStream {
                    target: self.clone(),
                    pod: p.name.clone(),
                    container: c.name.clone(),
                    previous,
                    since,
                    follow: follow && !previous,
                };
                if c.restarts > 0 {
                    streams.push(stream(true));
                }
                if c.has_log {
                    streams.push(stream(false));
                } else {
                    notes.push(format!(
                        "pod {}, container {}: not started yet, no log to read",
                        p.name, c.name
                    ));
                }
            }
        }
        (streams, notes)
    }

    fn display(&self, args: &[String]) -> String {
        let mut s = self.program.display().to_string();
        for a in args {
            s.push(' ');
            s.push_str(a);
        }
        s
    }

    fn spawn_error(&self, cause: io::Error) -> KubectlError {
        KubectlError::Spawn {
            program: self.program.display().to_string(),
            cause,
        }
    }
}

impl LogStream {
    /// The input's name in reports: `pod/container`, and ` (previous)` for
    /// the log of the container before its restart.
    pub fn label(&self) -> String {
        let prev = if self.previous { " (previous)" } else { "" };
        format!("{}/{}{prev}", self.pod, self.container)
    }

    pub fn args(&self) -> Vec<String> {
        let mut a = self.target.base();
        a.extend([
            "logs".to_string(),
            self.pod.clone(),
            "-c".into(),
            self.container.clone(),
            "--timestamps".into(),
            "--prefix".into(),
        ]);
        if self.previous {
            a.push("--previous".into());
        }
        match self.since {
            Some(Since::Span(d)) => a.push(format!("--since={}s", d.as_secs().max(1))),
            Some(Since::Time(t)) => a.push(format!("--since-time={}", t.rfc3339())),
            None => {}
        }
        if self.follow {
            a.push("--follow".into());
        }
        a
    }

    /// Starts kubectl; its stdout is the log.
    pub fn open(&self) -> Result<LogReader, KubectlError> {
        let args = self.args();
        let mut child = Command::new(&self.target.program)
            .args(&args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|cause| self.target.spawn_error(cause))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut stderr = child.stderr.take().expect("stderr is piped");
        // Drained on its own thread, so a chatty stderr never blocks the child.
        let errors = std::thread::spawn(move || {
            let mut kept = Vec::new();
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = stderr.read(&mut buf) {
                kept.extend_from_slice(&buf[..n]);
                if kept.len() > STDERR_KEPT {
                    kept.drain(..kept.len() - STDERR_KEPT);
                }
            }
            kept
        });
        Ok(LogReader {
            pid: child.id(),
            command: self.target.display(&args),
            child: Some(child),
            stdout,
            errors: Some(errors),
        })
    }
}

/// A running `kubectl logs`: its stdout, then its exit status at the end.
pub struct LogReader {
    pid: u32,
    command: String,
    child: Option<Child>,
    stdout: ChildStdout,
    errors: Option<std::thread::JoinHandle<Vec<u8>>>,
}

impl LogReader {
    /// The kubectl process's id.
    pub fn id(&self) -> u32 {
        self.pid
    }
}

impl Read for LogReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.stdout.read(buf)?;
        if n > 0 || buf.is_empty() {
            return Ok(n);
        }
        let Some(mut child) = self.child.take() else {
            return Ok(0);
        };
        let status = child.wait()?;
        let stderr = self
            .errors
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or_default();
        if status.success() {
            return Ok(0);
        }
        Err(io::Error::other(failed(
            self.command.clone(),
            &status,
            &stderr,
        )))
    }
}

impl Drop for LogReader {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn failed(command: String, status: &std::process::ExitStatus, stderr: &[u8]) -> KubectlError {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let stderr = if lines.is_empty() {
        "no message".to_string()
    } else {
        lines.join("; ")
    };
    let status = match status.code() {
        Some(c) => format!("exit status {c}"),
        None => "killed by a signal".to_string(),
    };
    KubectlError::Failed {
        hint: hint(&stderr),
        command,
        status,
        stderr,
    }
}

/// What to do about the errors an engineer meets most.
fn hint(stderr: &str) -> &'static str {
    let s = stderr.to_ascii_lowercase();
    if s.contains("context") && s.contains("does not exist") {
        " (`kubectl config get-contexts` lists the contexts; choose one with --context)"
    } else if s.contains("forbidden") {
        " (your user may not read pods or their logs there: check the namespace, the context and your access)"
    } else if s.contains("unauthorized") || s.contains("must be logged in") {
        " (log in to the cluster again: the credentials in the kubeconfig were refused)"
    } else if s.contains("connection refused")
        || s.contains("no such host")
        || s.contains("timeout")
    {
        " (the API server did not answer: check the context, the VPN and KUBECONFIG)"
    } else {
        ""
    }
}

/// The pods in `kubectl get pods -o json`: a `List` (or `PodList`) of pods,
/// or one pod. Containers come in the spec's order, init containers left
/// out (they do not rotate keys).
pub fn parse_pods(json: &[u8]) -> Result<Vec<Pod>, serde_json::Error> {
    let doc: Value = serde_json::from_slice(json)?;
    let items = match doc.get("items").and_then(Value::as_array) {
        Some(items) => items.clone(),
        None if doc.get("metadata").is_some() => vec![doc],
        None => Vec::new(),
    };
    Ok(items.iter().filter_map(pod).collect())
}

fn pod(v: &Value) -> Option<Pod> {
    let name = v.pointer("/metadata/name")?.as_str()?.to_string();
    let statuses = v
        .pointer("/status/containerStatuses")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let containers = v
        .pointer("/spec/containers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|c| c.get("name")?.as_str())
        .map(|c| {
            let status = statuses
                .iter()
                .find(|s| s.get("name").and_then(Value::as_str) == Some(c));
            container(c, status)
        })
        .collect();
    Some(Pod { name, containers })
}

fn container(name: &str, status: Option<&Value>) -> Container {
    let restarts = status
        .and_then(|s| s.get("restartCount"))
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let has = |path: &str| status.and_then(|s| s.pointer(path)).is_some();
    Container {
        name: name.to_string(),
        restarts,
        has_log: has("/state/running") || has("/state/terminated") || has("/lastState/terminated"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIST: &str = r#"{"apiVersion":"v1","kind":"List","items":[
      {"metadata":{"name":"armada-kp-events-7d9f8c6b5-x2x9z"},
       "spec":{"initContainers":[{"name":"init"}],"containers":[{"name":"armada-kp-events"},{"name":"istio-proxy"}]},
       "status":{"containerStatuses":[
         {"name":"istio-proxy","restartCount":0,"state":{"running":{}}},
         {"name":"armada-kp-events","restartCount":2,"state":{"running":{}},"lastState":{"terminated":{"exitCode":2}}}]}},
      {"metadata":{"name":"armada-kp-events-7d9f8c6b5-pending"},
       "spec":{"containers":[{"name":"armada-kp-events"}]},
       "status":{"phase":"Pending"}}]}"#;

    #[test]
    fn pods_containers_and_restarts() {
        let pods = parse_pods(LIST.as_bytes()).unwrap();
        assert_eq!(pods.len(), 2);
        assert_eq!(pods[0].name, "armada-kp-events-7d9f8c6b5-x2x9z");
        let names: Vec<&str> = pods[0].containers.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["armada-kp-events", "istio-proxy"]);
        assert_eq!(pods[0].containers[0].restarts, 2);
        assert!(pods[0].containers[1].has_log);
        assert!(!pods[1].containers[0].has_log);
        assert!(parse_pods(br#"{"kind":"List","items":[]}"#)
            .unwrap()
            .is_empty());
        assert!(parse_pods(b"No resources found").is_err());
    }

    #[test]
    fn one_stream_per_log_and_previous_where_restarted() {
        let t = Target {
            context: Some("prod-dal10-carrier2".into()),
            ..Target::default()
        };
        let pods = parse_pods(LIST.as_bytes()).unwrap();
        let since = Some(Since::Span(Duration::from_secs(900)));
        let (streams, notes) = t.streams(&pods, since, false);
        let labels: Vec<String> = streams.iter().map(LogStream::label).collect();
        assert_eq!(
            labels,
            [
                "armada-kp-events-7d9f8c6b5-x2x9z/armada-kp-events (previous)",
                "armada-kp-events-7d9f8c6b5-x2x9z/armada-kp-events",
                "armada-kp-events-7d9f8c6b5-x2x9z/istio-proxy",
            ]
        );
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(
            streams[0].args().join(" "),
            "--context=prod-dal10-carrier2 -n armada logs armada-kp-events-7d9f8c6b5-x2x9z \
             -c armada-kp-events --timestamps --prefix --previous --since=900s"
        );
        let at = crate::time::parse_iso("2026-11-20T03:00:00Z");
        let (follow, _) = t.streams(&pods, at.map(Since::Time), true);
        assert!(follow[1]
            .args()
            .join(" ")
            .ends_with("--since-time=2026-11-20T03:00:00Z --follow"));
        assert!(
            !follow[0].follow,
            "a previous log has ended: it is not followed"
        );
    }

    #[cfg(unix)]
    #[test]
    fn failures_quote_stderr_with_a_hint() {
        let e = failed(
            "kubectl get pods".into(),
            &exit_status(1),
            b"error: context \"nope\" does not exist\n",
        );
        let text = e.to_string();
        assert!(text.contains("exit status 1"), "{text}");
        assert!(text.contains("context \"nope\" does not exist"), "{text}");
        assert!(text.contains("get-contexts"), "{text}");
    }

    #[cfg(unix)]
    fn exit_status(code: i32) -> std::process::ExitStatus {
        use std::os::unix::process::ExitStatusExt;
        std::process::ExitStatus::from_raw(code << 8)
    }
}
