//! `analyze --kubectl`: kp-triage runs the real kubectl. `kubectl get pods -l
//! SELECTOR -o json` finds the pods, then one `kubectl logs POD -c CONTAINER
//! --timestamps --prefix` per container (and `--previous` where it restarted)
//! is one input each, labelled `pod/container`. kubectl does the talking, so
//! KUBECONFIG, contexts, exec credential plugins and proxies all behave as
//! the engineer's own kubectl does. `--prefix` puts the pod's name on every
//! line, so the events carry it (the next step names the pod to delete).
//!
//! Only `live` spawns processes: `get pods` here, each log in `process`. A
//! log's reader is the child's stdout; at its end the child is waited for,
//! and a failure becomes a read error that quotes kubectl's stderr. A reader
//! dropped early kills its child.

pub use super::pods::{parse_pods, Container, Pod};
pub use super::process::{Killer, LogReader};

pub use super::error::KubectlError;

use super::error::failed;
use super::process;
use crate::time::Ts;
use std::io;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

/// The namespace armada-kp-events runs in on the carrier hubs.
pub const DEFAULT_NAMESPACE: &str = "armada";
/// The service's pods' label selector (override with `--selector`).
pub const DEFAULT_SELECTOR: &str = "app=armada-kp-events";

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
        let mut cmd = Command::new(&self.program);
        cmd.args(&args).stdin(Stdio::null());
        process::own_group(&mut cmd);
        let out = cmd.output().map_err(|cause| self.spawn_error(cause))?;
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
        let command = self.target.display(&args);
        process::spawn(&self.target.program, &args, command)
            .map_err(|cause| self.target.spawn_error(cause))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::pods::tests::LIST;

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
}
