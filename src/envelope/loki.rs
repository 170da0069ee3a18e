//! Grafana Loki, as `logcli query` prints it: `-o jsonl` writes one
//! `{"labels": {...}, "line": "...", "timestamp": "..."}` a line; the default
//! output writes `TIMESTAMP {app="...", pod="..."} LINE`, the label set padded
//! to the widest one. Kubernetes' promtail labels name the pod (`pod`) and
//! the container (`container`, or the `app` label).

use super::stamp;
use super::{Entry, Envelope, Opened};
use crate::time;
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Row<'a> {
    #[serde(borrow, default)]
    labels: BTreeMap<Cow<'a, str>, Cow<'a, str>>,
    #[serde(borrow)]
    line: Cow<'a, str>,
    #[serde(borrow, default)]
    timestamp: Option<Cow<'a, str>>,
}

pub struct Loki;

impl Envelope for Loki {
    fn name(&self) -> &'static str {
        "loki"
    }

    fn sniff(&self, line: &[u8]) -> bool {
        let b = line.trim_ascii_start();
        b.starts_with(b"{\"labels\":") && memchr::memmem::find(b, b"\"line\":").is_some()
    }

    fn open<'a>(&self, line: &'a [u8], out: &mut Opened<'a>) -> Result<(), serde_json::Error> {
        let mut row: Row<'a> = super::from_json(line)?;
        let ts = row
            .timestamp
            .as_deref()
            .and_then(|t| stamp::iso_utc(t.as_bytes()).or_else(|| time::parse_iso(t)));
        out.entries.push(Entry {
            app: row.labels.remove("app"),
            container: row.labels.remove("container"),
            pod: row.labels.remove("pod"),
            ts,
            line: row.line,
            ..Entry::default()
        });
        Ok(())
    }
}

/// The label set of logcli's default output, after its time: the pod and
/// the container it names, and the line after the padding.
pub(super) struct Labels<'l> {
    pub(super) pod: Option<&'l [u8]>,
    pub(super) container: Option<&'l [u8]>,
    pub(super) rest: &'l [u8],
}

/// `{key="value", key="value"} ` at the start of `b`. An application's own
/// JSON starts `{"`, never `{key=`, so the two are not confused.
pub(super) fn labels(b: &[u8]) -> Option<Labels<'_>> {
    let mut at = b.strip_prefix(b"{")?;
    if !at
        .first()
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    {
        return None;
    }
    let mut out = Labels {
        pod: None,
        container: None,
        rest: b"",
    };
    let mut app = None;
    loop {
        let eq = memchr::memchr(b'=', at)?;
        let key = &at[..eq];
        if !key.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'_') {
            return None;
        }
        let value = at[eq + 1..].strip_prefix(b"\"")?;
        let close = memchr::memchr(b'"', value)?;
        match key {
            b"pod" => out.pod = Some(&value[..close]),
            b"container" => out.container = Some(&value[..close]),
            b"app" => app = Some(&value[..close]),
            _ => {}
        }
        at = &value[close + 1..];
        if let Some(after) = at.strip_prefix(b"}") {
            out.container = out.container.or(app);
            out.rest = after.strip_prefix(b" ")?.trim_ascii_start();
            return Some(out);
        }
        at = at.strip_prefix(b", ").or_else(|| at.strip_prefix(b","))?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jsonl_rows_name_their_pod_and_container() {
        let line = br#"{"labels":{"app":"armada-kp-events","container":"armada-kp-events","namespace":"armada","pod":"armada-kp-events-0"},"line":"{\"level\":\"error\",\"msg\":\"x\"}","timestamp":"2026-11-20T03:00:04.123456789Z"}"#;
        assert!(Loki.sniff(line));
        let mut out = Opened::default();
        Loki.open(line, &mut out).unwrap();
        let e = &out.entries[0];
        assert_eq!(e.line, r#"{"level":"error","msg":"x"}"#);
        assert_eq!(e.ts.unwrap().rfc3339(), "2026-11-20T03:00:04.123456789Z");
        assert_eq!(e.pod(), "armada-kp-events-0");
        assert!(e.is_from("armada-kp-events") && !e.is_from("etcd"));
        assert!(!Loki.sniff(br#"{"level":"info","labels":{},"line":"x"}"#));
    }

    #[test]
    fn the_default_output_label_set() {
        let l =
            labels(br#"{app="armada-kp-events", pod="armada-kp-events-0"}   {"msg":"x"}"#).unwrap();
        assert_eq!(l.pod, Some(&b"armada-kp-events-0"[..]));
        assert_eq!(l.container, Some(&b"armada-kp-events"[..]));
        assert_eq!(l.rest, br#"{"msg":"x"}"#);
        assert!(labels(br#"{"msg":"x"}"#).is_none());
        assert!(labels(b"{not labels} x").is_none());
    }
}
