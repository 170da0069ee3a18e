//! Decode stage: recognises the application format (zap, klog, logrus, Go
//! log, plain) of a line once its envelope (`crate::envelope`) is taken off.
//!
//! Detection is per line and needs no flags, so mixed inputs decode correctly.

mod console;
pub mod continuation;
mod golog;
mod hclog;
mod json;
mod klog;
mod kv;
mod logrus;

use crate::time::{PartialTs, Ts};
use serde::Serialize;
use std::borrow::Cow;

/// The application format a line was recognised as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    ZapJson,
    LogrusJson,
    Json,
    ZapConsole,
    Klog,
    Logrus,
    Hclog,
    GoLog,
    Plain,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    #[default]
    Unknown,
    Debug,
    Info,
    Warn,
    Error,
    Fatal,
}

impl Level {
    pub fn parse(s: &str) -> Level {
        match s.trim().to_ascii_lowercase().as_str() {
            "trace" | "debug" | "d" | "dbg" => Level::Debug,
            "info" | "i" | "information" | "notice" => Level::Info,
            "warn" | "warning" | "w" => Level::Warn,
            "error" | "err" | "e" => Level::Error,
            "fatal" | "f" | "panic" | "dpanic" | "critical" | "crit" | "alert" | "emerg" => {
                Level::Fatal
            }
            _ => Level::Unknown,
        }
    }
}

/// One decoded log record. Strings borrow from the line where they can.
#[derive(Debug)]
pub struct Record<'a> {
    pub format: Format,
    pub ts: Option<Ts>,
    pub partial_ts: Option<PartialTs>,
    pub level: Level,
    pub message: Cow<'a, str>,
    pub fields: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

impl<'a> Record<'a> {
    fn new(format: Format, message: impl Into<Cow<'a, str>>) -> Self {
        Record {
            format,
            ts: None,
            partial_ts: None,
            level: Level::Unknown,
            message: message.into(),
            fields: Vec::new(),
        }
    }

    pub fn plain(body: &'a str) -> Self {
        Record::new(Format::Plain, body)
    }

    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }

    /// The wrapped error, as zap (`error`), klog (`err`) and logrus (`error`) name it.
    pub fn error(&self) -> Option<&str> {
        ["error", "err"]
            .iter()
            .find_map(|k| self.field(k))
            .filter(|v| !v.trim().is_empty())
    }

    /// The full timestamp, completing a year-less one from `year_hint`.
    pub fn timestamp(&self, year_hint: Option<Ts>) -> Option<Ts> {
        self.ts
            .or_else(|| self.partial_ts.and_then(|p| p.complete(year_hint)))
    }
}

/// Decodes the application part of a line (after the transport wrapper).
/// A line that fits no format comes back as `Format::Plain`, never as an error.
pub fn decode(body: &str) -> Record<'_> {
    let trimmed = body.trim_start();
    let decoded = match trimmed.as_bytes().first() {
        Some(b'{') => json::decode_line(trimmed),
        Some(b'I' | b'W' | b'E' | b'F') => {
            klog::decode(trimmed).or_else(|| logrus::decode(trimmed))
        }
        Some(b'0'..=b'9') => golog::decode(trimmed)
            .or_else(|| console::decode(trimmed))
            .or_else(|| hclog::decode(trimmed)),
        Some(b'[') => hclog::decode(trimmed),
        Some(_) => logrus::decode(trimmed),
        None => None,
    };
    decoded.unwrap_or_else(|| Record::plain(body))
}

/// Decodes a record: its head line and `cont`, the continuation lines under
/// it (each after a `\n`). A klog value that spans lines takes the lines it
/// needs; the lines left come back, for the record's text.
pub fn decode_record<'a>(body: &'a str, cont: &'a str) -> (Record<'a>, &'a str) {
    let trimmed = body.trim_start();
    if !cont.is_empty() && matches!(trimmed.as_bytes().first(), Some(b'I' | b'W' | b'E' | b'F')) {
        if let Some(decoded) = klog::decode_lines(trimmed, cont) {
            return decoded;
        }
    }
    (decode(body), cont)
}

/// The year-less time of a klog header, judged as cheaply as the shape.
pub fn klog_time(body: &[u8]) -> Option<PartialTs> {
    klog::header_partial(body.trim_ascii_start())
}

/// Whether `b` starts like a zap console line whose tabs became spaces
/// (`TIME  LEVEL  ...`): its time is the app's own, not a transport's.
pub fn spaced_console_header(b: &[u8]) -> bool {
    console::has_spaced_header(b)
}

/// Whether a line looks like a known format, judged by shape alone. Used to
/// account for lines that the prefilter lets skip full decoding.
pub fn looks_structured(body: &[u8]) -> bool {
    let b = body.trim_ascii_start();
    match b.first() {
        Some(b'{') => b.trim_ascii_end().ends_with(b"}") && json::has_log_key(b),
        Some(b'I' | b'W' | b'E' | b'F') => klog::has_header(b) || logrus::has_tty_header(b),
        Some(b'0'..=b'9') => golog::has_header(b) || console::has_header(b) || hclog::has_header(b),
        Some(b'[') => hclog::has_header(b),
        Some(_) => logrus::has_logfmt_header(b),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_shapes_decode_as_plain_text() {
        for line in [
            "hello world",
            "{not json",
            "E12 short",
            "2024 is a year",
            "",
        ] {
            let r = decode(line);
            assert_eq!(r.format, Format::Plain, "{line}");
            assert_eq!(r.message, line);
        }
    }

    #[test]
    fn shape_sniffing_agrees_with_decoding_on_each_format() {
        let lines = [
            r#"{"level":"error","ts":1732428001.5,"msg":"x"}"#,
            r#"E0102 15:04:05.067890    1234 rotate.go:88] "Failed" err="e""#,
            "2026-11-20T03:00:01.000Z\tERROR\trotation/rotate.go:142\tmsg",
            "2026-11-20T03:00:01.000Z  ERROR  rotation/rotate.go:142  msg",
            r#"time="2015-03-26T01:27:38-04:00" level=fatal msg="x""#,
            "2009/01/23 01:23:23 message",
            "INFO[0000] msg  key=value",
            "ERRO[2024-01-02T03:04:05Z] msg   key=value",
            "2024-01-02T03:04:05.000Z [ERROR] rotation: msg: key=value",
            "[WARN ] rotation: msg",
            r#"timestamp=2024-01-02T03:04:05Z level=error message="x""#,
            r#"lvl=eror msg="x" t=2024-01-02T03:04:05Z"#,
        ];
        for line in lines {
            assert!(looks_structured(line.as_bytes()), "{line}");
            assert_ne!(decode(line).format, Format::Plain, "{line}");
        }
        assert!(!looks_structured(b"plain words"));
    }

    #[test]
    fn levels_from_every_logger_vocabulary() {
        assert_eq!(Level::parse("ERROR"), Level::Error);
        assert_eq!(Level::parse("dpanic"), Level::Fatal);
        assert_eq!(Level::parse("warning"), Level::Warn);
        assert_eq!(Level::parse("E"), Level::Error);
        assert_eq!(Level::parse("verbose?"), Level::Unknown);
    }
}
