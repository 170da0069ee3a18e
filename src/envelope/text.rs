//! The text envelopes, which only add a prefix: kubectl (`kubectl.rs`),
//! stern's default output (`stern.rs`) and CRI log files (`cri.rs`). This
//! takes them off in order, borrowing from the line: the hot path allocates
//! nothing for them.

use super::stamp;
use super::{kubectl, stern};
use crate::time::{PartialTs, Ts};

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
    if stamp::is_marker(line) {
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
    let kube = kubectl::prefix(line);
    let sterned = kube.is_none().then(|| stern::prefix(line, app)).flatten();
    if let Some(p) = kube.or(sterned) {
        (w.pod, w.container, w.body) = (Some(p.pod), p.container, p.rest);
    }
    if sterned.is_some() {
        if let Some((p, rest)) = stamp::short_ts(w.body) {
            w.partial_ts = Some(p);
            w.body = rest;
        }
    }
    if let Some((ts, rest)) = stamp::timestamp(w.body) {
        w.ts = Some(ts);
        w.body = rest;
        if let Some(l) = w.pod.is_none().then(|| super::loki::labels(rest)).flatten() {
            (w.pod, w.container, w.body) = (l.pod, l.container, l.rest);
            return content_or_blank(w);
        }
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
    content_or_blank(w)
}

fn content_or_blank(w: Wrapped<'_>) -> Line<'_> {
    if w.body.iter().all(u8::is_ascii_whitespace) {
        return Line::Blank;
    }
    Line::Content(w)
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
    fn logcli_default_output() {
        let w = content(
            r#"2026-11-20T03:00:04.123456789Z {app="armada-kp-events", pod="armada-kp-events-0"}  {"msg":"x"}"#,
        );
        assert_eq!(w.pod, Some(&b"armada-kp-events-0"[..]));
        assert_eq!(w.container, Some(&b"armada-kp-events"[..]));
        assert!(w.ts.is_some());
        assert_eq!(w.body, br#"{"msg":"x"}"#);
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
