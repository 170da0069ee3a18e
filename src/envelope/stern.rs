//! stern's default envelope: `[NAMESPACE ]POD CONTAINER [TIMESTAMP ]MESSAGE`,
//! with or without colour, and its `+ pod › container` markers.

use super::kubectl;
use super::text::Prefix;
use crate::time::{self, PartialTs};

/// stern's short `01-02 15:04:05 ` form, which has no year.
pub(super) fn short_ts(b: &[u8]) -> Option<(PartialTs, &[u8])> {
    if b.len() < 15 || b[2] != b'-' || b[5] != b' ' || b[14] != b' ' {
        return None;
    }
    let month = time::two_digits(&b[0..2])?;
    let day = time::two_digits(&b[3..5])?;
    let (secs_of_day, nanos) = time::parse_clock(&b[6..14])?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let p = PartialTs {
        month,
        day,
        secs_of_day,
        nanos,
    };
    Some((p, &b[15..]))
}

/// `[NAMESPACE ]POD CONTAINER rest`: the pod, the container and the rest.
///
/// Prose must not be read as a stern prefix, so a pod name needs a sign that
/// it is one. From the strongest sign to the weakest, each tried on both
/// forms before the next:
/// 1. a ReplicaSet's generated name, or a name that starts with its
///    container's (`armada-kp-events-0 armada-kp-events`, `etcd-0 etcd`);
/// 2. a StatefulSet's name, with a container that no English word could be
///    (`armada-kp-events-0 istio-proxy`, not `node-pool-3 was drained`);
/// 3. any pod name, when the container is the app being read or stern's
///    timestamp follows.
pub(super) fn prefix<'l>(line: &'l [u8], app: Option<&str>) -> Option<Prefix<'l>> {
    // The first token must be all pod-name characters up to a space. Most
    // lines fail that within a few bytes (a kubectl timestamp at its `T`),
    // before the line is searched for the space.
    let pod_chars = line.iter().position(|&c| !is_pod_char(c));
    if pod_chars.is_some_and(|i| line[i] != b' ') {
        return None;
    }
    let (t0, rest0) = token(line)?;
    // Every sign below needs the first token to be a pod name (a namespace,
    // a DNS label, is one too): a kubectl line's timestamp is not.
    if !is_pod_name(t0) {
        return None;
    }
    let (t1, rest1) = token(rest0)?;
    let plain = is_dns_label(t1).then_some(Prefix {
        pod: t0,
        container: Some(t1),
        rest: rest1,
    });
    let namespaced = is_dns_label(t0)
        .then(|| token(rest1))
        .flatten()
        .filter(|&(t2, _)| is_dns_label(t2))
        .map(|(t2, rest2)| Prefix {
            pod: t1,
            container: Some(t2),
            rest: rest2,
        });
    let signs: [fn(&Prefix<'_>, Option<&str>) -> bool; 3] = [strong, stateful, weak];
    signs.into_iter().find_map(|sign| {
        [plain, namespaced]
            .into_iter()
            .flatten()
            .find(|p| sign(p, app))
    })
}

fn strong(p: &Prefix<'_>, _app: Option<&str>) -> bool {
    let container = p.container.unwrap_or_default();
    is_generated_pod_name(p.pod) || (is_pod_name(p.pod) && named_after(p.pod, container))
}

fn stateful(p: &Prefix<'_>, _app: Option<&str>) -> bool {
    let container = p.container.unwrap_or_default();
    is_stateful_set_pod(p.pod) && container.iter().any(|c| !c.is_ascii_lowercase())
}

fn weak(p: &Prefix<'_>, app: Option<&str>) -> bool {
    let names_app = app.is_some_and(|a| Some(a.as_bytes()) == p.container);
    is_pod_name(p.pod) && ((names_app && p.pod.contains(&b'-')) || stern_ts_follows(p.rest))
}

/// `armada-kp-events-0` for `armada-kp-events`: StatefulSets, static pods
/// (`kube-apiserver-10.1.2.3`) and most Deployments.
fn named_after(pod: &[u8], container: &[u8]) -> bool {
    pod.len() > container.len() + 1 && pod.starts_with(container) && pod[container.len()] == b'-'
}

/// `NAME-ORDINAL` where NAME has a hyphen of its own (`armada-kp-events-0`),
/// which keeps `worker-3 started` out.
fn is_stateful_set_pod(pod: &[u8]) -> bool {
    let Some(dash) = memchr::memrchr(b'-', pod) else {
        return false;
    };
    let (name, ordinal) = (&pod[..dash], &pod[dash + 1..]);
    (1..=5).contains(&ordinal.len())
        && ordinal.iter().all(u8::is_ascii_digit)
        && name.contains(&b'-')
        && is_pod_name(pod)
}

fn stern_ts_follows(rest: &[u8]) -> bool {
    short_ts(rest).is_some()
        || (rest.len() > 30
            && rest[4] == b'-'
            && rest[10] == b'T'
            && rest[29] == b'Z'
            && rest[30] == b' '
            && kubectl::timestamp(rest).is_some())
}

fn token(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let space = memchr::memchr(b' ', b)?;
    (space > 0).then(|| (&b[..space], &b[space + 1..]))
}

fn is_pod_char(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'.'
}

fn is_dns_label(t: &[u8]) -> bool {
    (1..=63).contains(&t.len())
        && t.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && t[0] != b'-'
        && t[t.len() - 1] != b'-'
}

/// Any pod name Kubernetes allows: a DNS subdomain.
fn is_pod_name(t: &[u8]) -> bool {
    (1..=253).contains(&t.len())
        && t.iter().all(|&c| is_pod_char(c))
        && t[0].is_ascii_alphanumeric()
        && t[t.len() - 1].is_ascii_alphanumeric()
}

/// A pod name generated by a ReplicaSet or DaemonSet: it ends in `-` and five
/// characters of the alphabet Kubernetes uses for random suffixes. That
/// suffix alone tells a pod name from ordinary prose.
fn is_generated_pod_name(t: &[u8]) -> bool {
    const SUFFIX_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    if t.len() < 7 || !is_pod_name(t) {
        return false;
    }
    let (head, suffix) = t.split_at(t.len() - 5);
    head.ends_with(b"-") && suffix.iter().all(|c| SUFFIX_ALPHABET.contains(c))
}

pub(super) fn is_marker(line: &[u8]) -> bool {
    const ARROW: &[u8] = "›".as_bytes();
    (line.starts_with(b"+ ") || line.starts_with(b"- "))
        && memchr::memmem::find(line, ARROW).is_some()
}
