//! The next step when the verdict is `recommended`: the exact command that
//! deletes the armada-kp-events pod, with the pod named from the logs, and
//! which replica was doing the rotation when several appear.

use crate::event::Event;
use crate::live::kubectl::Target;
use crate::orphans::Orphans;
use crate::time::Ts;
use crate::verdict::{Decision, Verdict};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct NextStep {
    /// `kubectl delete pod -n armada NAME`; None when the logs name no pod.
    pub command: Option<String>,
    /// When the logs name no pod: the command that lists the service's pods.
    pub find_pods: Option<String>,
    /// The pod with the latest rotation event: the one doing the rotation.
    pub rotating_pod: Option<String>,
    /// Every pod of the service seen in the input, in order of appearance.
    pub pods: Vec<PodSeen>,
    /// The step in one or two sentences.
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct PodSeen {
    pub name: String,
    /// Rotation events (starts, outcomes, failures tied to a cluster).
    pub rotation_events: usize,
    pub last_rotation: Option<Ts>,
}

/// The step for a `recommended` verdict; None for any other.
pub(super) fn of(
    verdict: &Verdict,
    events: &[Event],
    orphan_pods: &[OrphanPod],
    kube: &Target,
    app: &str,
) -> Option<NextStep> {
    if verdict.verdict != Decision::Recommended {
        return None;
    }
    let pods = pods_seen(events, orphan_pods, app);
    // Events are in time order: the last rotation event's pod rotated last.
    let rotating = events
        .iter()
        .rev()
        .filter(|e| is_rotation(e))
        .find_map(|e| e.pod.as_deref().filter(|p| is_pod_name(p)))
        .map(str::to_string);
    let cmd = Commands::of(kube);
    let (ns, ctx) = (&cmd.ns, &cmd.ctx);
    let delete = |names: &[&str]| cmd.delete(names);
    let mut step = NextStep {
        command: None,
        find_pods: None,
        rotating_pod: rotating.clone(),
        pods,
        text: String::new(),
    };
    step.text = match (&rotating, step.pods.as_slice()) {
        (Some(r), pods) => {
            let others: Vec<&str> = pods
                .iter()
                .map(|p| p.name.as_str())
                .filter(|n| n != r)
                .collect();
            step.command = Some(delete(&[r]));
            if others.is_empty() {
                format!("Delete {r}, the pod doing the rotation, so that rotation starts again:")
            } else {
                format!(
                    "Delete {r}, the pod doing the rotation, so that rotation starts again. {} pods appear in the logs and the latest rotation events are {r}'s (also seen: {}):",
                    others.len() + 1,
                    others.join(", ")
                )
            }
        }
        (None, []) => {
            step.find_pods = Some(cmd.find());
            format!(
                "The logs name no pod: list the service's pods, then delete the one doing the rotation (`kubectl delete pod -n {ns} NAME{ctx}`):"
            )
        }
        (None, pods) => {
            let names: Vec<&str> = pods.iter().map(|p| p.name.as_str()).collect();
            step.command = Some(delete(&names));
            "No rotation event names its pod: delete the service's pods seen in the logs so that rotation starts again:".to_string()
        }
    };
    Some(step)
}

/// The kubectl commands of a next step, for the hub the service runs on.
struct Commands {
    ns: String,
    /// ` --context NAME`, or nothing.
    ctx: String,
    selector: String,
}

impl Commands {
    fn of(kube: &Target) -> Commands {
        let ctx = kube.context.as_deref();
        Commands {
            ns: shell_word(&kube.namespace),
            ctx: ctx
                .map(|c| format!(" --context {}", shell_word(c)))
                .unwrap_or_default(),
            selector: shell_word(&kube.selector),
        }
    }

    fn delete(&self, names: &[&str]) -> String {
        format!(
            "kubectl delete pod -n {} {}{}",
            self.ns,
            names.join(" "),
            self.ctx
        )
    }

    fn find(&self) -> String {
        format!(
            "kubectl get pods -n {} -l {}{}",
            self.ns, self.selector, self.ctx
        )
    }
}

/// A pod that only orphan records name (`crate::orphans`), where it first
/// appears in the analysis's order.
pub(super) type OrphanPod = ((Option<Ts>, u32, i64), Box<str>);

/// The pods of the orphans, each at its first occurrence, in order.
pub(super) fn orphan_pods(orphans: &Orphans) -> Vec<OrphanPod> {
    let mut first: std::collections::HashMap<&str, (Option<Ts>, u32, i64)> = Default::default();
    for o in orphans.occurrences.iter() {
        if let Some(pod) = orphans.record(&o).pod.as_deref() {
            let k = first.entry(pod).or_insert(o.sort_key());
            *k = (*k).min(o.sort_key());
        }
    }
    let mut pods: Vec<OrphanPod> = first.into_iter().map(|(p, k)| (k, p.into())).collect();
    pods.sort();
    pods
}

/// The service's pods seen in the input: those with rotation events, and
/// those named after the app (`armada-kp-events-...`), in the order they
/// first appear.
fn pods_seen(events: &[Event], orphan_pods: &[OrphanPod], app: &str) -> Vec<PodSeen> {
    let mut pods: Vec<PodSeen> = Vec::new();
    let mut orphans = orphan_pods.iter().peekable();
    for e in events {
        let key = (e.order_ts, e.pos.input, e.seq);
        while let Some((_, pod)) = orphans.next_if(|(k, _)| *k < key) {
            see(&mut pods, pod, None, None, app);
        }
        if let Some(name) = e.pod.as_deref() {
            let rotation = is_rotation(e).then(|| e.count());
            see(&mut pods, name, rotation, e.order_ts, app);
        }
    }
    for (_, pod) in orphans {
        see(&mut pods, pod, None, None, app);
    }
    pods
}

/// A record of pod `name`: `rotation` events (at `at`, the latest), or
/// another record.
fn see(pods: &mut Vec<PodSeen>, name: &str, rotation: Option<usize>, at: Option<Ts>, app: &str) {
    if !is_pod_name(name) {
        return;
    }
    let named_after_app = name.strip_prefix(app).is_some_and(|r| r.starts_with('-'));
    let i = match pods.iter().position(|p| p.name == name) {
        Some(i) => i,
        None if rotation.is_some() || named_after_app => {
            pods.push(PodSeen {
                name: name.to_string(),
                rotation_events: 0,
                last_rotation: None,
            });
            pods.len() - 1
        }
        None => return,
    };
    if let Some(n) = rotation {
        pods[i].rotation_events += n;
        pods[i].last_rotation = at.or(pods[i].last_rotation);
    }
}

fn is_rotation(e: &Event) -> bool {
    e.who.cluster.is_some() && (e.marker.is_some() || e.is_failure() || e.hint.is_some())
}

/// A Kubernetes object name (DNS-1123 subdomain): only such a name goes into
/// a command to paste into a shell.
fn is_pod_name(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 253
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        && s.as_bytes()[0].is_ascii_alphanumeric()
}

/// A word as a shell reads it: quoted when it holds anything but plain
/// characters.
fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(b, b'-' | b'_' | b'.' | b'/' | b'=' | b',' | b':' | b'@')
        });
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_words() {
        assert!(is_pod_name("armada-kp-events-7d9f8c6b5-x2x9z"));
        assert!(!is_pod_name("<redacted:token#12ab>"));
        assert!(!is_pod_name("a b"));
        assert_eq!(shell_word("app=armada-kp-events"), "app=armada-kp-events");
        assert_eq!(shell_word("app in (a,b)"), "'app in (a,b)'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
    }
}
