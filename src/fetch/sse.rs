//! The answer of Cloud Logs' `POST /v1/query`: Server-Sent Events (`data:`
//! lines, `:` comments, blank lines between), or the same events one JSON
//! object a line. An answer with no event of the query API in it (a login
//! page, plain JSON, a body that is not text) is not taken for an empty
//! result: it is an error that says what it looked like.

use super::answer::not_understood;
use super::Stop;
use crate::time::Ts;
use serde::Deserialize;
use serde_json::value::RawValue;

const EXPECTED: &str = "Server-Sent Events of query results";

/// One event, its parts left raw to be written as they came.
#[derive(Deserialize)]
struct Event<'a> {
    #[serde(borrow)]
    query_id: Option<&'a RawValue>,
    #[serde(borrow)]
    result: Option<Results<'a>>,
    #[serde(borrow)]
    warning: Option<&'a RawValue>,
    #[serde(borrow)]
    error: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Results<'a> {
    #[serde(borrow, default)]
    results: Vec<&'a RawValue>,
}

/// What one query answered.
#[derive(Default)]
pub(super) struct Answer {
    pub results: Vec<Box<RawValue>>,
    pub warnings: Vec<Box<RawValue>>,
    pub errors: Vec<Box<RawValue>>,
    /// Events of the query API seen (a `query_id` comes first).
    known: usize,
}

/// The events of an answer; `what` names the query in errors.
pub(super) fn parse(body: &[u8], what: &str) -> Result<Answer, Stop> {
    let mut a = Answer::default();
    let unknown = || Stop::NotUnderstood {
        what: what.to_string(),
        found: not_understood(body, EXPECTED),
    };
    for (i, line) in body.split(|b| *b == b'\n').enumerate() {
        let line = line.trim_ascii();
        let json = match line.first() {
            None | Some(b':') => continue,
            Some(b'{') => line,
            _ => match line.strip_prefix(b"data:") {
                Some(data) => data.trim_ascii(),
                // The other fields of an event carry nothing kept.
                None if is_sse_field(line) => continue,
                None => return Err(unknown()),
            },
        };
        match serde_json::from_slice::<Event<'_>>(json) {
            Ok(ev) => a.add(ev),
            Err(_) if a.known == 0 => return Err(unknown()),
            Err(e) => {
                return Err(Stop::BadPage {
                    what: what.to_string(),
                    service: "Cloud Logs",
                    cause: format!("line {}: {e}", i + 1),
                })
            }
        }
    }
    if a.known == 0 {
        return Err(unknown());
    }
    Ok(a)
}

fn is_sse_field(line: &[u8]) -> bool {
    [&b"event:"[..], b"id:", b"retry:"]
        .iter()
        .any(|f| line.starts_with(f))
}

impl Answer {
    fn add(&mut self, ev: Event<'_>) {
        let known = [
            ev.query_id.is_some(),
            ev.result.is_some(),
            ev.warning.is_some(),
            ev.error.is_some(),
        ];
        self.known += known.iter().filter(|k| **k).count();
        if let Some(r) = ev.result {
            self.results
                .extend(r.results.into_iter().map(RawValue::to_owned));
        }
        self.warnings.extend(ev.warning.map(RawValue::to_owned));
        self.errors.extend(ev.error.map(RawValue::to_owned));
    }
}

/// The query answer's parsing, for the fuzz target: the events, then each
/// result's time.
#[doc(hidden)]
pub fn fuzz_answer(body: &[u8]) {
    if let Ok(a) = parse(body, "fuzz") {
        for r in &a.results {
            result_time(r.get());
        }
    }
}

/// A result's `timestamp` metadata (no zone: UTC).
pub(super) fn result_time(raw: &str) -> Option<Ts> {
    #[derive(Deserialize)]
    struct Kv {
        key: String,
        value: serde_json::Value,
    }
    #[derive(Deserialize)]
    struct Meta {
        #[serde(default)]
        metadata: Vec<Kv>,
    }
    let m: Meta = serde_json::from_str(raw).ok()?;
    let kv = m.metadata.into_iter().find(|kv| kv.key == "timestamp")?;
    crate::time::parse_iso(kv.value.as_str()?)
}

/// An error event's message, else the event as it came.
pub(super) fn error_message(raw: &RawValue) -> String {
    #[derive(Deserialize)]
    struct Message {
        message: String,
    }
    serde_json::from_str::<Message>(raw.get())
        .map(|m| m.message)
        .unwrap_or_else(|_| raw.get().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(body: &[u8]) -> String {
        match parse(body, "q") {
            Err(Stop::NotUnderstood { found, .. }) => found,
            Err(e) => panic!("another error: {e}"),
            Ok(_) => panic!("taken for an answer: {:?}", String::from_utf8_lossy(body)),
        }
    }

    #[test]
    fn an_sse_answer_gives_results_warnings_and_errors() {
        let body = b": hi\n\nevent: message\ndata: {\"query_id\":{\"query_id\":\"q\"}}\n\ndata: {\"result\":{\"results\":[{\"a\":1},{\"b\":2}]}}\n\ndata: {\"warning\":{\"x\":1}}\r\n\r\ndata: {\"error\":{\"message\":\"m\"}}\n";
        let a = parse(body, "q").unwrap();
        assert_eq!(a.results.len(), 2);
        assert_eq!((a.warnings.len(), a.errors.len()), (1, 1));
        assert_eq!(error_message(&a.errors[0]), "m");
        let lines =
            b"{\"query_id\":{\"query_id\":\"q\"}}\n{\"result\":{\"results\":[{\"a\":1}]}}\n";
        assert_eq!(parse(lines, "q").unwrap().results.len(), 1);
    }

    #[test]
    fn an_answer_with_no_event_is_not_an_empty_result() {
        assert!(found(b"<!doctype html><title>Log in</title>").contains("HTML page"));
        assert!(found(b"{\"results\":[{\"a\":1}]}").contains("plain JSON"));
        assert!(found(b"{\n  \"results\": []\n}\n").contains("plain JSON"));
        assert!(found(&[0x1f, 0x8b, 8, 0, 1, 2, 3]).contains("gzip"));
        assert!(found(b": keep-alive\n\n").contains("not Server-Sent Events"));
        assert!(found(b"").contains("empty"));
    }

    #[test]
    fn a_broken_event_after_good_ones_is_an_error_naming_its_line() {
        let body = b"data: {\"query_id\":{}}\n\ndata: {oops\n";
        match parse(body, "q") {
            Err(Stop::BadPage { cause, .. }) => assert!(cause.starts_with("line 3"), "{cause}"),
            _ => panic!("not refused"),
        }
    }
}
