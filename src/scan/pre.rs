//! The per-line work that needs no state: the transport wrapper taken off
//! and the prefilter's verdict, and for a LogDNA export line the parse of its
//! entries. The record builder reuses the unwrapped shape, so no line is
//! unwrapped (nor its kubelet time parsed) twice. A pure function of the
//! line's bytes, so worker threads can do it in any order and the result is
//! the same as doing it inline (`--threads 1`).

use super::without_ansi;
use crate::classify::Classifier;
use crate::config::DEFAULT_APP;
use crate::decode::{logdna, transport};
use crate::time::{PartialTs, Ts};
use std::borrow::Cow;
use std::ops::Range;

pub enum Pre {
    /// An ordinary line, unwrapped, and whether its body passes the prefilter.
    Line {
        /// The line without ANSI escapes, when it had any; else the line itself.
        stripped: Option<Vec<u8>>,
        shape: Shape,
        candidate: bool,
    },
    /// A LogDNA export line and its entries (many for a v2 page).
    Export { paged: bool, entries: Vec<Entry> },
}

/// A `transport::Line` as offsets into the (stripped) line, so it can cross
/// threads without borrowing the batch.
pub enum Shape {
    SternMarker,
    Blank,
    /// A kubectl `--prefix` or stern line of a container other than the app.
    OtherApp,
    Content {
        pod: Option<Range<usize>>,
        ts: Option<Ts>,
        partial_ts: Option<PartialTs>,
        /// The body is always the line's tail, from here.
        body: usize,
    },
}

impl Shape {
    fn of(line: &[u8], app: Option<&str>) -> Shape {
        let known = app.unwrap_or(DEFAULT_APP);
        match transport::unwrap_for(line, Some(known)) {
            transport::Line::SternMarker => Shape::SternMarker,
            transport::Line::Blank => Shape::Blank,
            transport::Line::Content(w) if !is_from(&w, app) => Shape::OtherApp,
            transport::Line::Content(w) => Shape::Content {
                pod: w.pod.map(|p| offset(line, p)..offset(line, p) + p.len()),
                ts: w.ts,
                partial_ts: w.partial_ts,
                body: line.len() - w.body.len(),
            },
        }
    }

    /// The unwrapped line again, borrowing from `line`. Its container has
    /// done its work in the pre-pass and is not kept.
    pub fn wrapped<'l>(&self, line: &'l [u8]) -> Option<transport::Wrapped<'l>> {
        match self {
            Shape::Content {
                pod,
                ts,
                partial_ts,
                body,
            } => Some(transport::Wrapped {
                pod: pod.clone().map(|r| &line[r]),
                container: None,
                ts: *ts,
                partial_ts: *partial_ts,
                body: &line[*body..],
            }),
            _ => None,
        }
    }
}

/// Whether a line is from `app` (None: every app). A line that names no
/// container is kept: there is nothing to filter it by.
fn is_from(w: &transport::Wrapped<'_>, app: Option<&str>) -> bool {
    match (app, w.container) {
        (Some(a), Some(c)) => a.as_bytes() == c,
        _ => true,
    }
}

/// Where `part`, a subslice of `line`, starts in it.
fn offset(line: &[u8], part: &[u8]) -> usize {
    part.as_ptr() as usize - line.as_ptr() as usize
}

/// One exported line, owned so it can cross threads.
pub struct Entry {
    /// From the app being read (`--app`); the others are only counted.
    pub keep: bool,
    pub ts: Option<Ts>,
    pub pod: Vec<u8>,
    pub body: Vec<u8>,
    pub candidate: bool,
}

pub fn pre(line: &[u8], classifier: &Classifier, app: Option<&str>) -> Pre {
    if let Some(shape) = logdna::sniff(line) {
        let mut parsed = Vec::new();
        if logdna::parse(line, shape, &mut parsed).is_ok() {
            let entries = parsed.iter().map(|e| entry(e, classifier, app)).collect();
            return Pre::Export {
                paged: shape == logdna::Shape::Pages,
                entries,
            };
        }
    }
    let raw = without_ansi(line);
    let shape = Shape::of(&raw, app);
    let candidate = shape
        .wrapped(&raw)
        .is_some_and(|w| classifier.is_candidate(w.body));
    let stripped = match raw {
        Cow::Owned(v) => Some(v),
        Cow::Borrowed(_) => None,
    };
    Pre::Line {
        stripped,
        shape,
        candidate,
    }
}

fn entry(e: &logdna::Entry<'_>, classifier: &Classifier, app: Option<&str>) -> Entry {
    let keep = app.is_none_or(|a| e.is_from(a));
    let body = if keep {
        without_ansi(e.line.as_deref().unwrap_or_default().as_bytes()).into_owned()
    } else {
        Vec::new()
    };
    Entry {
        keep,
        ts: e.ts(),
        pod: e.pod().as_bytes().to_vec(),
        candidate: keep && classifier.is_candidate(&body),
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn other_app(line: &str, app: Option<&str>) -> bool {
        matches!(Shape::of(line.as_bytes(), app), Shape::OtherApp)
    }

    #[test]
    fn only_the_apps_container_is_read() {
        let ours = Some("armada-kp-events");
        for line in [
            "[pod/etcd-0/etcd] etcdserver: request timed out",
            "[pod/armada-kp-events-7d9f8c6b5-x2x9z/istio-proxy] upstream reset",
            "kube-system kube-apiserver-10.176.4.5 kube-apiserver E1120 x",
            "armada-kp-events-0 istio-proxy upstream reset",
        ] {
            assert!(other_app(line, ours), "{line}");
            assert!(!other_app(line, None), "--all-apps keeps {line}");
        }
        for line in [
            "[pod/armada-kp-events-7d9f8c6b5-x2x9z/armada-kp-events] hi",
            "armada armada-kp-events-0 armada-kp-events hi",
            "[pod/armada-kp-events-7d9f8c6b5-x2x9z/] no container named",
            "a bare line names no container",
        ] {
            assert!(!other_app(line, ours), "{line}");
        }
        assert!(other_app(
            "[pod/armada-kp-events-0/armada-kp-events] hi",
            Some("etcd")
        ));
    }
}
