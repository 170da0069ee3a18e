//! IBM Cloud Logs query output, recognised by content:
//! - the Server-Sent Events stream of `POST /v1/query`, as curl saves it:
//!   `:` comment lines, `data: {json}` events each holding one of
//!   `query_id`, `result`, `warning` or `error`, a blank line between;
//! - the same events without `data: `, and results one per line or as a
//!   JSON array on one line (what `ibmcloud logs query --output json`
//!   prints, in either form; its exact shape is not documented).
//!
//! A result is `{"metadata": [{"key","value"}], "labels": [...],
//! "user_data": "<JSON>"}`: `timestamp` (no zone: UTC) and `severity`
//! (1-6 or a name) in metadata, `applicationname`, `subsystemname` and
//! `computername` in labels, and in `user_data` the Fluent Bit record with
//! `kubernetes.pod_name`/`container_name` and the app's line under `log` or
//! `message`.

use super::{chomp, level_of, Entry, Envelope, Note, Opened};
use crate::decode::Level;
use crate::time::{self, Ts};
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;

/// A metadata or label pair. The key is borrowed from the line (most pairs
/// are never looked at); the value is a `Value`, read with all of its checks,
/// so exactly the lines that parsed before parse.
#[derive(Deserialize)]
struct Kv<'a> {
    #[serde(borrow)]
    key: Cow<'a, str>,
    value: Value,
}

/// One result. `user_data` is owned: its text is all escaped anyway.
#[derive(Deserialize)]
struct Result<'a> {
    #[serde(default, borrow)]
    metadata: Vec<Kv<'a>>,
    #[serde(default, borrow)]
    labels: Vec<Kv<'a>>,
    user_data: Option<String>,
}

#[derive(Deserialize)]
struct Results<'a> {
    #[serde(default, borrow)]
    results: Vec<Result<'a>>,
}

/// One event of the stream. Unknown events are kept as markers.
#[derive(Deserialize)]
struct Event<'a> {
    #[serde(borrow)]
    result: Option<Results<'a>>,
    warning: Option<Value>,
    error: Option<Value>,
}

/// A result alone or an array of them: what `#[serde(untagged)]` on
/// `Array(Vec<Result>) | One(Result)` reads, in its order (the array first,
/// then one result, which a derived struct also reads from an array), without
/// buffering the document first, which cost more than parsing it.
fn doc(json: &[u8]) -> std::result::Result<Vec<Result<'_>>, serde_json::Error> {
    if json.starts_with(b"[") {
        if let Ok(v) = super::from_json::<Vec<Result<'_>>>(json) {
            return Ok(v);
        }
    }
    super::from_json::<Result<'_>>(json).map(|r| vec![r])
}

/// The Fluent Bit record in `user_data`.
#[derive(Deserialize, Default)]
struct Record {
    kubernetes: Option<Kube>,
    log: Option<String>,
    message: Option<String>,
    time: Option<String>,
}

#[derive(Deserialize, Default)]
struct Kube {
    pod_name: Option<String>,
    container_name: Option<String>,
}

pub struct CloudLogs;

impl Envelope for CloudLogs {
    fn name(&self) -> &'static str {
        "cloudlogs"
    }

    fn sniff(&self, line: &[u8]) -> bool {
        let b = line.trim_ascii_start();
        if b.starts_with(b"data:") || is_comment(b) {
            return true;
        }
        let head = &b[..b.len().min(64)];
        // An event without `data: `, as `fetch cloudlogs` writes warnings
        // and errors: its value is an object (a JSON log's `error` is a string).
        let event = [
            "{\"result\"",
            "{\"query_id\"",
            "{\"warning\":{",
            "{\"error\":{",
        ]
        .iter()
        .any(|k| head.starts_with(k.as_bytes()));
        // A result, alone or in an array: its keys come in the API's order.
        let result = [
            "{\"metadata\"",
            "{\"labels\"",
            "{\"user_data\"",
            "[{\"metadata\"",
        ]
        .iter()
        .any(|k| head.starts_with(k.as_bytes()));
        event || (result && user_data_key().find(b).is_some())
    }

    fn paged(&self, head: &[u8]) -> bool {
        memchr::memmem::find(head, b"\"result").is_some()
    }

    fn open<'a>(
        &self,
        line: &'a [u8],
        out: &mut Opened<'a>,
    ) -> std::result::Result<(), serde_json::Error> {
        let b = line.trim_ascii();
        if b.starts_with(b":") {
            return Ok(());
        }
        let json = b.strip_prefix(b"data:").map_or(b, <[u8]>::trim_ascii);
        if json.starts_with(b"[") || user_data_key().find(json).is_some() && !is_event(json) {
            let results = doc(json)?;
            out.entries.extend(results.into_iter().map(entry));
            return Ok(());
        }
        let ev: Event = super::from_json(json)?;
        if let Some(r) = ev.result {
            out.pages += 1;
            out.entries.extend(r.results.into_iter().map(entry));
        }
        if let Some(w) = ev.warning {
            out.notes.push(Note::Warning(describe(&w)));
        }
        if let Some(e) = ev.error {
            out.notes.push(Note::Error(describe(&e)));
        }
        Ok(())
    }
}

/// The searcher for `"user_data"`, built once: building one costs more than
/// running it over a line.
fn user_data_key() -> &'static memchr::memmem::Finder<'static> {
    static KEY: std::sync::OnceLock<memchr::memmem::Finder<'static>> = std::sync::OnceLock::new();
    KEY.get_or_init(|| memchr::memmem::Finder::new(b"\"user_data\""))
}

/// An SSE comment: `:` alone or with one word (`: keep-alive`, `:ping`).
/// A line such as `: connection refused` (a wrapped error's tail) is not one.
fn is_comment(b: &[u8]) -> bool {
    let Some(rest) = b.trim_ascii_end().strip_prefix(b":") else {
        return false;
    };
    let word = rest.strip_prefix(b" ").unwrap_or(rest);
    word.len() <= 32
        && word
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
}

/// An event object (`{"result": ...}`), not a bare result.
fn is_event(json: &[u8]) -> bool {
    let head = json[1..].trim_ascii_start();
    ["\"result\"", "\"query_id\"", "\"warning\"", "\"error\""]
        .iter()
        .any(|k| head.starts_with(k.as_bytes()))
}

/// A warning or error as one line: its message when it has one.
fn describe(v: &Value) -> String {
    let text = |v: &Value| v.as_str().map(str::to_string);
    let msg = ["message", "reason", "error_message"]
        .iter()
        .find_map(|k| find(v, k).and_then(text));
    let s = msg.unwrap_or_else(|| v.to_string());
    s.chars().take(300).collect()
}

fn find<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    match v {
        Value::Object(m) => m.get(key).or_else(|| m.values().find_map(|x| find(x, key))),
        _ => None,
    }
}

fn value_str(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn get(kvs: &[Kv<'_>], key: &str) -> Option<String> {
    kvs.iter()
        .find(|kv| kv.key.eq_ignore_ascii_case(key))
        .and_then(|kv| value_str(&kv.value))
}

/// What a result says of its line beside `user_data`, in whichever shape it
/// came (query results, archive rows, the LiveTail view).
#[derive(Default)]
pub(super) struct Meta {
    pub(super) timestamp: Option<String>,
    pub(super) severity: Option<String>,
    pub(super) subsystem: Option<String>,
    pub(super) computer: Option<String>,
}

fn entry<'x>(r: Result<'_>) -> Entry<'x> {
    let meta = Meta {
        timestamp: get(&r.metadata, "timestamp"),
        severity: get(&r.metadata, "severity"),
        subsystem: get(&r.labels, "subsystemname"),
        computer: get(&r.labels, "computername"),
    };
    entry_of(meta, r.user_data.unwrap_or_default())
}

/// The entry of one result: the Fluent Bit record in `user_data` names the
/// pod and container and holds the line; any other `user_data` is the line.
pub(super) fn entry_of<'x>(meta: Meta, user: String) -> Entry<'x> {
    let rec: Option<Record> = serde_json::from_str(&user).ok();
    let (kube, line, ftime) = match rec {
        Some(Record {
            kubernetes,
            log,
            message,
            time,
        }) if log.is_some() || message.is_some() => (
            kubernetes.unwrap_or_default(),
            log.or(message).unwrap_or_default(),
            time,
        ),
        // Not a Fluent Bit record: the whole of user_data is the line.
        _ => (Kube::default(), user, None),
    };
    let iso = |s: &str| super::stamp::iso_utc(s.as_bytes()).or_else(|| time::parse_iso(s));
    let ts: Option<Ts> = meta
        .timestamp
        .as_deref()
        .and_then(iso)
        .or_else(|| ftime.as_deref().and_then(iso));
    let level = meta.severity.map_or(Level::Unknown, |s| level_of(&s));
    let (line, _) = chomp(Cow::Owned(line));
    Entry {
        app: kube.container_name.map(Cow::Owned),
        container: meta.subsystem.map(Cow::Owned),
        pod: kube.pod_name.or(meta.computer).map(Cow::Owned),
        ts,
        level,
        line: Cow::Owned(line.into_owned()),
        partial: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESULT: &str = r#"{"metadata":[{"key":"timestamp","value":"2026-11-20T03:00:04.000123"},{"key":"severity","value":"5"}],"labels":[{"key":"applicationname","value":"armada"},{"key":"subsystemname","value":"armada-kp-events"},{"key":"computername","value":"kube-w3"}],"user_data":"{\"kubernetes\":{\"pod_name\":\"armada-kp-events-0\",\"namespace_name\":\"armada\",\"container_name\":\"armada-kp-events\"},\"log\":\"{\\\"msg\\\":\\\"x\\\"}\\n\",\"stream\":\"stderr\"}"}"#;

    fn open(line: &str) -> Opened<'_> {
        let mut out = Opened::default();
        assert!(CloudLogs.sniff(line.as_bytes()), "{line}");
        CloudLogs.open(line.as_bytes(), &mut out).unwrap();
        out
    }

    #[test]
    fn every_form_of_a_result() {
        for line in [
            format!(r#"data: {{"result":{{"results":[{RESULT}]}}}}"#),
            format!(r#"{{"result":{{"results":[{RESULT}]}}}}"#),
            RESULT.to_string(),
            format!("[{RESULT}]"),
        ] {
            let out = open(&line);
            let e = &out.entries[0];
            assert_eq!(e.line, r#"{"msg":"x"}"#, "{line}");
            assert_eq!(e.ts.unwrap().rfc3339(), "2026-11-20T03:00:04.000123Z");
            assert_eq!(e.level, Level::Error);
            assert_eq!(e.pod(), "armada-kp-events-0");
            assert!(e.is_from("armada-kp-events") && !e.is_from("etcd"));
        }
    }

    #[test]
    fn comments_and_events_carry_no_line() {
        assert!(open(": keep-alive").entries.is_empty());
        assert!(open(":").entries.is_empty());
        assert!(!CloudLogs.sniff(b": connection refused"));
        assert!(!CloudLogs.sniff(b"[pod/a-0/a] {\"user_data\":1}"));
        assert!(open(r#"data: {"query_id":{"query_id":"q1"}}"#)
            .entries
            .is_empty());
        let w = open(
            r#"data: {"warning":{"compile_warning":{"warning_message":"x","message":"field unknown"}}}"#,
        );
        assert_eq!(w.notes, [Note::Warning("field unknown".into())]);
        let e = open(r#"data: {"error":{"message":"query timed out"}}"#);
        assert_eq!(e.notes, [Note::Error("query timed out".into())]);
        let e = open(r#"{"error":{"message":"query timed out"}}"#);
        assert_eq!(e.notes, [Note::Error("query timed out".into())]);
        assert!(!CloudLogs.sniff(br#"{"error":"a JSON log line","msg":"x"}"#));
    }
}
