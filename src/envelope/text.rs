//! The text envelopes: kubectl, stern's default output and CRI log files.
//!
//! kubectl `--prefix` adds `[pod/NAME/CONTAINER] `, `--timestamps` adds the
//! kubelet's nine-digit RFC 3339 time and a space (prefix first when both).
//! stern prints `[NAMESPACE ]POD CONTAINER [TIMESTAMP ]MESSAGE`. A CRI log
//! file (`/var/log/pods`) has `TIMESTAMP stdout|stderr F|P LINE` (`cri.rs`).
//! These borrow from the line: the hot path allocates nothing for them.

use crate::decode;
use crate::time::{self, PartialTs, Ts};

/// A line with its transport wrapper taken off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Wrapped<'a> {
    pub pod: Option<&'a [u8]>,
    /// The container kubectl `--prefix` or stern names, if any.
    pub container: Option<&'a [u8]>,
    pub ts: Option<Ts>,
    pub partial_ts: Option<PartialTs>,
    pub body: &'a [u8],
    /// A CRI `P` line: the next line of the same pod continues it.
    pub partial: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Line<'a> {
    Content(Wrapped<'a>),
    /// Empty or whitespace-only after the wrapper.
    Blank,
    /// stern's `+ pod › container` / `- pod › container` pod markers.
    SternMarker,
}

/// Takes the wrapper off, knowing no container's name.
pub fn unwrap(line: &[u8]) -> Line<'_> {
    unwrap_for(line, None)
}

/// Takes the wrapper off. `app`, the container being read, is one more sign
/// of a stern line: `ANY-POD-NAME app message`.
pub fn unwrap_for<'l>(line: &'l [u8], app: Option<&str>) -> Line<'l> {
    if is_stern_marker(line) {
        return Line::SternMarker;
    }
    let mut w = Wrapped {
        pod: None,
        container: None,
        ts: None,
        partial_ts: None,
        body: line,
        partial: false,
    };
    let kubectl = kubectl_prefix(line);
    let stern = kubectl.is_none().then(|| stern_prefix(line, app)).flatten();
    if let Some(p) = kubectl.or(stern) {
        (w.pod, w.container, w.body) = (Some(p.pod), p.container, p.rest);
    }
    if stern.is_some() {
        if let Some((p, rest)) = stern_short_ts(w.body) {
            w.partial_ts = Some(p);
            w.body = rest;
        }
    }
    if let Some((ts, rest)) = rfc3339_prefix(w.body) {
        w.ts = Some(ts);
        w.body = rest;
        if w.pod.is_none() {
            if let Some((partial, rest)) = super::cri::tag(rest) {
                w.partial = partial;
                w.body = rest;
                if partial {
                    return Line::Content(w);
                }
            }
        }
    }
    if w.body.iter().all(u8::is_ascii_whitespace) {
        return Line::Blank;
    }
    Line::Content(w)
}

/// A pod prefix taken off a line.
#[derive(Clone, Copy)]
struct Prefix<'l> {
    pod: &'l [u8],
    container: Option<&'l [u8]>,
    rest: &'l [u8],
}

/// `[pod/NAME/CONTAINER] `; the container may be empty.
fn kubectl_prefix(line: &[u8]) -> Option<Prefix<'_>> {
    let rest = line.strip_prefix(b"[pod/")?;
    let close = memchr::memchr(b']', rest)?;
    let inner = &rest[..close];
    let slash = memchr::memchr(b'/', inner)?;
    let after = &rest[close + 1..];
    Some(Prefix {
        pod: &inner[..slash],
        container: Some(&inner[slash + 1..]).filter(|c| !c.is_empty()),
        rest: after.strip_prefix(b" ").unwrap_or(after),
    })
}

/// The kubelet's timestamp and one space, as it leads a line.
pub fn timestamp_prefix(b: &[u8]) -> Option<(Ts, &[u8])> {
    rfc3339_prefix(b)
}

/// The kubelet's timestamp (or stern's, which is the same) and one space.
/// An application's own ISO time followed by a run of spaces and a level is
/// a zap console line whose tabs became spaces, and stays in the body.
fn rfc3339_prefix(b: &[u8]) -> Option<(Ts, &[u8])> {
    if b.len() < 21 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
        return None;
    }
    let space = memchr::memchr(b' ', &b[..b.len().min(40)])?;
    let token = std::str::from_utf8(&b[..space]).ok()?;
    let ts = time::parse_iso(token)?;
    let rest = &b[space + 1..];
    if rest.first() == Some(&b' ') && decode::spaced_console_header(b) {
        return None;
    }
    Some((ts, rest))
}

/// stern's short `01-02 15:04:05 ` form, which has no year.
fn stern_short_ts(b: &[u8]) -> Option<(PartialTs, &[u8])> {
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
fn stern_prefix<'l>(line: &'l [u8], app: Option<&str>) -> Option<Prefix<'l>> {
    let (t0, rest0) = token(line)?;
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
    stern_short_ts(rest).is_some()
        || (rest.len() > 30
            && rest[4] == b'-'
            && rest[10] == b'T'
            && rest[29] == b'Z'
            && rest[30] == b' '
            && rfc3339_prefix(rest).is_some())
}

fn token(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let space = memchr::memchr(b' ', b)?;
    (space > 0).then(|| (&b[..space], &b[space + 1..]))
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
        && t.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-' || *c == b'.')
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

fn is_stern_marker(line: &[u8]) -> bool {
    const ARROW: &[u8] = "›".as_bytes();
    (line.starts_with(b"+ ") || line.starts_with(b"- "))
        && memchr::memmem::find(line, ARROW).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    const POD: &[u8] = b"armada-kp-events-7d9f8c6b5-x2x9z";

    fn content(line: &str) -> Wrapped<'_> {
        match unwrap(line.as_bytes()) {
            Line::Content(w) => w,
            other => panic!("{line:?} gave {other:?}"),
        }
    }

    #[test]
    fn bare_lines_pass_through() {
        let w = content(r#"{"msg":"x"}"#);
        assert_eq!((w.pod, w.ts, w.body), (None, None, &br#"{"msg":"x"}"#[..]));
    }

    #[test]
    fn kubectl_timestamps() {
        let w = content("2024-08-30T06:00:00.123456789Z {\"msg\":\"x\"}");
        assert_eq!(w.ts.unwrap().rfc3339(), "2024-08-30T06:00:00.123456789Z");
        assert_eq!(w.body, b"{\"msg\":\"x\"}");
    }

    #[test]
    fn kubectl_prefix_then_timestamp() {
        let w = content("[pod/armada-kp-events-7d9f8c6b5-x2x9z/armada-kp-events] 2024-08-30T06:00:00.123456789Z msg here");
        assert_eq!(w.pod, Some(POD));
        assert!(w.ts.is_some());
        assert_eq!(w.body, b"msg here");
    }

    #[test]
    fn stern_default_and_namespace_forms() {
        let w = content("armada-kp-events-7d9f8c6b5-x2x9z armada-kp-events {\"msg\":\"x\"}");
        assert_eq!((w.pod, w.body), (Some(POD), &b"{\"msg\":\"x\"}"[..]));
        let w = content("armada armada-kp-events-7d9f8c6b5-x2x9z armada-kp-events 2024-08-30T06:00:00.123456789Z hi");
        assert_eq!((w.pod, w.body), (Some(POD), &b"hi"[..]));
        assert!(w.ts.is_some());
    }

    #[test]
    fn stern_short_timestamps_have_no_year() {
        let w = content("armada-kp-events-7d9f8c6b5-x2x9z armada-kp-events 11-20 03:00:01 hello");
        let p = w.partial_ts.unwrap();
        assert_eq!((p.month, p.day, p.secs_of_day), (11, 20, 3 * 3600 + 1));
        assert_eq!(w.body, b"hello");
    }

    #[test]
    fn prose_is_not_mistaken_for_stern() {
        for line in [
            "failed to update secret for cluster c23h5icd0sr2mu96rcig",
            "worker-3 started processing the queue",
            "re-enter the rotation loop",
            "deleting armada-kp-events pod now",
            "node-pool-3 was drained",
            "kube-apiserver-1 is unreachable",
        ] {
            let w = match unwrap_for(line.as_bytes(), Some("armada-kp-events")) {
                Line::Content(w) => w,
                other => panic!("{line:?} gave {other:?}"),
            };
            assert_eq!((w.pod, w.container), (None, None), "{line}");
        }
    }

    #[test]
    fn stern_takes_any_pod_name() {
        let app = Some("armada-kp-events");
        let cases = [
            // A StatefulSet's pod and a suffix outside the ReplicaSet alphabet.
            (
                "armada-kp-events-0 armada-kp-events hi",
                "armada-kp-events-0",
                "armada-kp-events",
            ),
            (
                "armada-kp-events-7d9f8c6b5-abcde armada-kp-events hi",
                "armada-kp-events-7d9f8c6b5-abcde",
                "armada-kp-events",
            ),
            // A static pod, namespace first.
            (
                "kube-system kube-apiserver-10.176.4.5 kube-apiserver hi",
                "kube-apiserver-10.176.4.5",
                "kube-apiserver",
            ),
            (
                "armada etcd-c23h5icd0sr2mu96rcig-0 etcd hi",
                "etcd-c23h5icd0sr2mu96rcig-0",
                "etcd",
            ),
            (
                "armada-kp-events-0 istio-proxy hi",
                "armada-kp-events-0",
                "istio-proxy",
            ),
            // Only the app's name, or only stern's timestamp, marks these.
            (
                "my-debug-pod armada-kp-events hi",
                "my-debug-pod",
                "armada-kp-events",
            ),
            (
                "mypod sidecar 2024-08-30T06:00:00.123456789Z hi",
                "mypod",
                "sidecar",
            ),
            ("mypod sidecar 08-30 06:00:00 hi", "mypod", "sidecar"),
        ];
        for (line, pod, container) in cases {
            let Line::Content(w) = unwrap_for(line.as_bytes(), app) else {
                panic!("{line}")
            };
            assert_eq!(w.pod, Some(pod.as_bytes()), "{line}");
            assert_eq!(w.container, Some(container.as_bytes()), "{line}");
            assert_eq!(w.body, b"hi", "{line}");
        }
        // Without the app's name, a pod named after nothing is not enough.
        let w = content("my-debug-pod armada-kp-events hi");
        assert_eq!(w.pod, None);
    }

    #[test]
    fn kubectl_prefix_names_the_container() {
        let w = content("[pod/etcd-0/etcd] hi");
        assert_eq!(
            (w.pod, w.container),
            (Some(&b"etcd-0"[..]), Some(&b"etcd"[..]))
        );
        let w = content("[pod/etcd-0/] hi");
        assert_eq!((w.pod, w.container), (Some(&b"etcd-0"[..]), None));
    }

    #[test]
    fn a_spaced_zap_console_time_is_the_apps_own() {
        let line = "2026-11-20T03:00:04.000Z  ERROR  rotate.go:1  failed";
        assert_eq!(content(line).body, line.as_bytes());
        let w = content("2026-11-20T03:00:04.000123456Z     indented");
        assert_eq!(w.body, b"    indented");
        assert!(w.ts.is_some());
    }

    #[test]
    fn markers_and_blank_lines() {
        assert_eq!(
            unwrap("+ armada-kp-events-7d9f8c6b5-x2x9z › armada-kp-events".as_bytes()),
            Line::SternMarker
        );
        assert_eq!(unwrap(b"   \t "), Line::Blank);
        assert_eq!(unwrap(b"2024-08-30T06:00:00.123456789Z "), Line::Blank);
    }
}
