//! Envelopes: everything that wraps an application's line on its way to the
//! reader. Taking the envelope off gives the line that `crate::decode` reads
//! (zap, klog, logrus, Go log, plain), with what the envelope knew about it:
//! the app or container, the pod, the time, the level.
//!
//! Two kinds, both detected per line, by content:
//! - **Text envelopes** (`text.rs` runs `kubectl.rs`, `stern.rs`, `cri.rs`):
//!   kubectl `--timestamps` and
//!   `--prefix`, stern's default output, CRI log files. They only add a
//!   prefix, so they are taken off by borrowing from the line, with no
//!   allocation: most lines of a large input go this way.
//! - **JSON envelopes** ([`JSON`]): LogDNA exports, IBM Cloud Logs query
//!   results, Docker's json-file, `stern -o json`. The line must be parsed,
//!   and one physical line may hold many entries (a LogDNA v2 page, a Cloud
//!   Logs result event). `logcli query -o jsonl` (Loki), Cloud Logs archive
//!   rows and text copied from Cloud Logs' LiveTail view (which starts
//!   `[`, read here because its user data is JSON) are more.
//!
//! Every envelope counts the same way (`crate::event::Accounting`): each
//! entry is a line; an envelope line that carries no application line (a
//! stern pod marker, an SSE comment or event) is a skipped marker; an entry
//! of another app or container is skipped as `other_apps`.
//!
//! Adding an envelope: one file here implementing [`Envelope`], one line in
//! [`JSON`] (or, for a text prefix, a case in `text::unwrap_for`), and its
//! fixtures rendered by `fixtures/render.py`.

pub mod ansi;
pub mod cloudlogs;
pub mod cloudlogs_archive;
pub mod cri;
pub mod docker;
pub mod kubectl;
pub mod livetail;
pub mod logdna;
pub mod loki;
mod stamp;
pub mod stern;
pub mod stern_json;
pub mod text;

use crate::decode::Level;
use crate::time::Ts;
use std::borrow::Cow;

/// One application line taken out of a JSON envelope.
#[derive(Debug, Default)]
pub struct Entry<'a> {
    /// The app as the envelope names it (LogDNA's `_app`, a container name).
    pub app: Option<Cow<'a, str>>,
    /// The container, when named apart from the app.
    pub container: Option<Cow<'a, str>>,
    /// The pod (or host): groups continuation lines.
    pub pod: Option<Cow<'a, str>>,
    pub ts: Option<Ts>,
    /// The envelope's level, used when the line itself has none.
    pub level: Level,
    /// The application's line.
    pub line: Cow<'a, str>,
    /// A piece of a longer line that the next entry of the same pod ends
    /// (Docker splits lines at 16 KiB).
    pub partial: bool,
}

impl Entry<'_> {
    /// The pod, trimmed (LogDNA's `node` and others come with newlines).
    pub fn pod(&self) -> &str {
        self.pod.as_deref().unwrap_or("").trim()
    }

    /// Whether this entry is from `app`. An entry that names no app is kept:
    /// there is nothing to filter it by.
    pub fn is_from(&self, app: &str) -> bool {
        match (self.app.as_deref(), self.container.as_deref()) {
            (None, None) => true,
            (a, c) => a.map(str::trim) == Some(app) || c.map(str::trim) == Some(app),
        }
    }
}

/// What a source says about its own result, beside the lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Note {
    /// The source warns (a Cloud Logs `warning` event).
    Warning(String),
    /// The source failed part way: the result is partial (a Cloud Logs
    /// `error` event).
    Error(String),
}

/// One physical line opened.
#[derive(Debug, Default)]
pub struct Opened<'a> {
    pub entries: Vec<Entry<'a>>,
    /// Page documents (LogDNA v2) or result events (Cloud Logs) read.
    pub pages: u64,
    pub notes: Vec<Note>,
}

/// A JSON envelope.
pub trait Envelope: Sync {
    /// A short stable name (`logdna`, `cloudlogs`), for `patterns explain`.
    fn name(&self) -> &'static str;
    /// Whether `line` is in this envelope, judged cheaply: no parsing.
    fn sniff(&self, line: &[u8]) -> bool;
    /// Parses a sniffed line. An error leaves the line to the text path.
    fn open<'a>(&self, line: &'a [u8], out: &mut Opened<'a>) -> Result<(), serde_json::Error>;
    /// Whether a line this long may be one document, read whole up to the
    /// page limit rather than cut at the line limit.
    fn paged(&self, _head: &[u8]) -> bool {
        false
    }
}

/// The JSON envelopes, tried in order; the first whose sniff matches opens
/// the line.
pub static JSON: &[&dyn Envelope] = &[
    &logdna::LogDna,
    &cloudlogs::CloudLogs,
    &cloudlogs_archive::CloudLogsArchive,
    &livetail::LiveTail,
    &docker::Docker,
    &stern_json::SternJson,
    &loki::Loki,
];

/// Opens a line in the first JSON envelope that recognises it. Each sniff
/// looks at the line's head first, so an ordinary JSON log line costs one
/// scan for LogDNA's `"_line"` and no more. `None`: no
/// JSON envelope, or one whose parse failed; the text path reads the line.
pub fn open(line: &[u8]) -> Option<(&'static dyn Envelope, Opened<'_>)> {
    let first = line.trim_ascii_start().first()?;
    if !matches!(first, b'{' | b'[' | b'd' | b':') {
        return None;
    }
    let env = JSON.iter().find(|e| e.sniff(line))?;
    let mut out = Opened::default();
    env.open(line, &mut out).ok()?;
    Some((*env, out))
}

/// Parses one JSON document of a line. A line that is all UTF-8 (nearly
/// every one) is checked once, whole, and read as `&str`; read as bytes,
/// serde_json checks every string it keeps on its own, which cost more than
/// the one pass. A line that is not UTF-8 is read as bytes, as before: the
/// same answer either way (as bytes, only the strings kept must be UTF-8).
fn from_json<'a, T: serde::Deserialize<'a>>(json: &'a [u8]) -> Result<T, serde_json::Error> {
    match std::str::from_utf8(json) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(json),
    }
}

/// Whether a line's head says it is one large document (a LogDNA v2 page,
/// a Cloud Logs result event).
pub fn paged(head: &[u8]) -> bool {
    JSON.iter().any(|e| e.sniff(head) && e.paged(head))
}

/// A Cloud Logs or Fluent Bit severity: a number 1-6 or a name.
pub fn level_of(s: &str) -> Level {
    match s.trim() {
        "1" | "2" => Level::Debug,
        "3" => Level::Info,
        "4" => Level::Warn,
        "5" => Level::Error,
        "6" => Level::Fatal,
        "verbose" | "Verbose" | "VERBOSE" => Level::Debug,
        other => Level::parse(other),
    }
}

/// A line's trailing newline, as Docker and Fluent Bit keep it.
fn chomp(s: Cow<'_, str>) -> (Cow<'_, str>, bool) {
    match s {
        Cow::Borrowed(b) => match b.strip_suffix('\n') {
            Some(t) => (Cow::Borrowed(t.strip_suffix('\r').unwrap_or(t)), true),
            None => (Cow::Borrowed(b), false),
        },
        Cow::Owned(mut o) => {
            let had = o.ends_with('\n');
            if had {
                o.pop();
                if o.ends_with('\r') {
                    o.pop();
                }
            }
            (Cow::Owned(o), had)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_json_envelope_is_told_apart() {
        let cases = [
            (r#"{"_line":"x","_ts":1}"#, "logdna"),
            (
                r#"{"log":"x\n","stream":"stdout","time":"2026-11-20T03:00:00Z"}"#,
                "docker",
            ),
            (
                r#"{"message":"x","nodeName":"n","namespace":"armada","podName":"p","containerName":"c"}"#,
                "stern_json",
            ),
            (r#"data: {"query_id":"q"}"#, "cloudlogs"),
            (
                r#"{"metadata":[],"labels":[],"user_data":"{}"}"#,
                "cloudlogs",
            ),
            (
                r#"{"src_obj__event_metadata":"{}","src_obj__user_data":"{}"}"#,
                "cloudlogs_archive",
            ),
            ("[ 20/11/2026 03:00:04.000 ][INFO][a][b]x", "livetail"),
        ];
        for (line, name) in cases {
            let (env, _) = open(line.as_bytes()).unwrap_or_else(|| panic!("{line}"));
            assert_eq!(env.name(), name, "{line}");
        }
        for line in [
            r#"{"level":"error","msg":"x"}"#,
            "data is here",
            ": not json",
        ] {
            assert!(
                open(line.as_bytes())
                    .is_none_or(|(e, o)| e.name() == "cloudlogs" && o.entries.is_empty()),
                "{line}"
            );
        }
    }

    #[test]
    fn severities() {
        assert_eq!(level_of("5"), Level::Error);
        assert_eq!(level_of("Warning"), Level::Warn);
        assert_eq!(level_of("6"), Level::Fatal);
        assert_eq!(level_of("Verbose"), Level::Debug);
    }
}
