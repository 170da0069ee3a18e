//! zap and logrus JSON lines: one flat object per line.

use super::{Format, Level, Record};
use crate::time::{self, Ts};
use serde_json::{Map, Value};
use std::borrow::Cow;

const MESSAGE_KEYS: &[&str] = &["msg", "message", "log"];
const TIME_KEYS: &[&str] = &["ts", "time", "timestamp", "@timestamp"];
const LEVEL_KEYS: &[&str] = &["level", "severity", "lvl"];

/// A JSON object is a log record only when it has a message, a time or a
/// level: any other object (an API response, an unknown envelope) parses but
/// is not understood, and is counted so rather than read as an empty message.
pub fn decode_line(line: &str) -> Option<Record<'static>> {
    let obj = object(line)?;
    let known = |keys: &[&str]| keys.iter().any(|k| obj.contains_key(*k));
    if !(known(MESSAGE_KEYS) || known(TIME_KEYS) || known(LEVEL_KEYS)) {
        return None;
    }
    Some(from_object(obj))
}

/// Any JSON object, as the fields of a record (zap console's trailing
/// fields have no message of their own).
pub fn decode(line: &str) -> Option<Record<'static>> {
    Some(from_object(object(line)?))
}

fn object(line: &str) -> Option<Map<String, Value>> {
    // serde_json caps nesting at 128 levels, so hostile depth is an error, not a crash.
    serde_json::from_str(line.trim_end()).ok()
}

/// `decode`'s test, judged on the bytes: one of the keys, quoted. The level
/// comes first in zap's and most loggers' lines, so the first search
/// usually settles it.
pub fn has_log_key(b: &[u8]) -> bool {
    use memchr::memmem::Finder;
    use std::sync::OnceLock;
    // Built once: building a searcher costs more than running it on a line.
    static FINDERS: OnceLock<Vec<Finder<'static>>> = OnceLock::new();
    const KEYS: &[&[u8]] = &[
        b"\"level\"",
        b"\"msg\"",
        b"\"ts\"",
        b"\"time\"",
        b"\"message\"",
        b"\"log\"",
        b"\"severity\"",
        b"\"lvl\"",
        b"\"timestamp\"",
        b"\"@timestamp\"",
    ];
    FINDERS
        .get_or_init(|| KEYS.iter().map(Finder::new).collect())
        .iter()
        .any(|f| f.find(b).is_some())
}

pub fn from_object(mut obj: Map<String, Value>) -> Record<'static> {
    let format = flavour(&obj);
    let message = take_first(&mut obj, MESSAGE_KEYS)
        .map(value_text)
        .unwrap_or_default();
    let mut rec = Record::new(format, message);
    rec.ts = take_first(&mut obj, TIME_KEYS).as_ref().and_then(timestamp);
    rec.level = take_first(&mut obj, LEVEL_KEYS)
        .map(|v| Level::parse(&value_text(v)))
        .unwrap_or(Level::Unknown);
    rec.fields = obj
        .into_iter()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, v)| (Cow::Owned(k), Cow::Owned(value_text(v))))
        .collect();
    rec
}

fn flavour(obj: &Map<String, Value>) -> Format {
    if obj.contains_key("ts") {
        Format::ZapJson
    } else if obj.contains_key("time") && obj.contains_key("msg") {
        Format::LogrusJson
    } else {
        Format::Json
    }
}

fn take_first(obj: &mut Map<String, Value>, keys: &[&str]) -> Option<Value> {
    keys.iter().find_map(|k| obj.shift_remove(*k))
}

fn value_text(v: Value) -> String {
    match v {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn timestamp(v: &Value) -> Option<Ts> {
    match v {
        Value::Number(n) => n.as_f64().and_then(epoch_any),
        Value::String(s) => time::parse_iso(s).or_else(|| s.parse().ok().and_then(epoch_any)),
        _ => None,
    }
}

/// zap writes seconds; other JSON loggers write milliseconds.
fn epoch_any(n: f64) -> Option<Ts> {
    if n >= 1.0e11 {
        Ts::from_epoch_secs(n / 1000.0)
    } else {
        Ts::from_epoch_secs(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zap_production_line() {
        let r = decode(r#"{"level":"error","ts":1634915134.4170897,"logger":"controller","caller":"rotation/rotate.go:142","msg":"Reconciler error","clusterID":"c1","attempt":2,"error":"boom"}"#).unwrap();
        assert_eq!(r.format, Format::ZapJson);
        assert_eq!(r.level, Level::Error);
        assert_eq!(r.message, "Reconciler error");
        assert_eq!(r.ts.unwrap().to_datetime().timestamp(), 1634915134);
        assert_eq!(r.field("clusterID"), Some("c1"));
        assert_eq!(r.field("attempt"), Some("2"));
        assert_eq!(r.error(), Some("boom"));
    }

    #[test]
    fn zap_iso_time_and_logrus_json() {
        let r = decode(r#"{"level":"info","ts":"2026-11-20T03:00:01.000Z","msg":"m"}"#).unwrap();
        assert_eq!(r.ts.unwrap().rfc3339(), "2026-11-20T03:00:01Z");
        let r =
            decode(r#"{"time":"2015-03-26T01:27:38-04:00","level":"fatal","msg":"m","error":"e"}"#)
                .unwrap();
        assert_eq!(r.format, Format::LogrusJson);
        assert_eq!(r.level, Level::Fatal);
    }

    #[test]
    fn error_verbose_keeps_its_newlines() {
        let r = decode(r#"{"ts":1.7e9,"msg":"m","errorVerbose":"a\nb\n\tframe"}"#).unwrap();
        assert_eq!(r.field("errorVerbose"), Some("a\nb\n\tframe"));
    }

    #[test]
    fn broken_and_hostile_json_is_not_a_record() {
        assert!(decode(r#"{"msg": "unterminated"#).is_none());
        let deep = "[".repeat(100_000);
        assert!(decode(&format!(r#"{{"a":{deep}}}"#)).is_none());
        assert!(decode("[1,2]").is_none());
    }

    #[test]
    fn an_object_with_no_message_time_or_level_is_not_a_record() {
        let other = r#"{"stream":{"app":"x"},"values":[["1","rotation failed"]]}"#;
        assert!(decode_line(other).is_none());
        assert!(!has_log_key(other.as_bytes()));
        assert!(decode_line(r#"{"level":"info"}"#).is_some());
        assert!(has_log_key(br#"{"level":"info"}"#));
    }

    #[test]
    fn duplicate_keys_keep_the_last_value() {
        let r = decode(r#"{"msg":"first","msg":"second"}"#).unwrap();
        assert_eq!(r.message, "second");
    }
}
