//! LogDNA (Mezmo, IBM Log Analysis) exports: v1 JSON Lines, v2 pages
//! (`{"pagination_id": ..., "lines": [...]}`) and archive rows wrapped in
//! `{"_source": {...}}`. Each exported line carries the application's line in
//! `_line`, which goes through the ordinary decoders; LogDNA's copies of its
//! parsed fields at the top level are ignored, so `_line` always wins.

use super::{Entry, Envelope, Opened};
use crate::time::Ts;
use serde::Deserialize;
use std::borrow::Cow;

/// The parts of an exported line that kp-triage uses. Unknown keys are
/// skipped without being built.
#[derive(Debug, Deserialize)]
struct Row<'a> {
    #[serde(rename = "_line", borrow)]
    line: Option<Cow<'a, str>>,
    #[serde(rename = "_ts")]
    ts: Option<f64>,
    #[serde(rename = "_app", borrow)]
    app: Option<Cow<'a, str>>,
    #[serde(borrow)]
    container: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pod: Option<Cow<'a, str>>,
    #[serde(rename = "_host", borrow)]
    host: Option<Cow<'a, str>>,
}

impl<'a> Row<'a> {
    /// The entry; the pod, for grouping continuation lines, is `pod`, else
    /// `_host`. `None` without `_line`.
    fn entry(self) -> Option<Entry<'a>> {
        Some(Entry {
            line: self.line?,
            ts: self.ts.and_then(|ms| Ts::from_epoch_secs(ms / 1000.0)),
            app: self.app,
            container: self.container,
            pod: self.pod.or(self.host),
            ..Entry::default()
        })
    }
}

#[derive(Deserialize)]
struct Source<'a> {
    #[serde(rename = "_source", borrow)]
    source: Row<'a>,
}

#[derive(Deserialize)]
struct Page<'a> {
    #[serde(borrow)]
    lines: Vec<Row<'a>>,
}

/// How an export line is laid out, judged cheaply before any parsing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Row,
    Source,
    Pages,
}

pub fn layout(line: &[u8]) -> Option<Layout> {
    let b = line.trim_ascii_start();
    static KEY: std::sync::OnceLock<memchr::memmem::Finder<'static>> = std::sync::OnceLock::new();
    let key = KEY.get_or_init(|| memchr::memmem::Finder::new(b"\"_line\""));
    if b.first() != Some(&b'{') || key.find(b).is_none() {
        return None;
    }
    Some(layout_of_head(b))
}

/// The layout of a line known to be an export line, from its head alone.
fn layout_of_head(b: &[u8]) -> Layout {
    let head = b.get(1..).unwrap_or_default().trim_ascii_start();
    if head.starts_with(b"\"pagination_id\"") || head.starts_with(b"\"lines\"") {
        Layout::Pages
    } else if head.starts_with(b"\"_source\"") {
        Layout::Source
    } else {
        Layout::Row
    }
}

/// LogDNA's export envelope.
pub struct LogDna;

impl Envelope for LogDna {
    fn name(&self) -> &'static str {
        "logdna"
    }

    fn sniff(&self, line: &[u8]) -> bool {
        layout(line).is_some()
    }

    fn paged(&self, head: &[u8]) -> bool {
        layout(head) == Some(Layout::Pages)
    }

    /// One physical line of an export. A page line may hold several page
    /// documents back to back.
    fn open<'a>(&self, line: &'a [u8], out: &mut Opened<'a>) -> Result<(), serde_json::Error> {
        let missing = || serde::de::Error::missing_field("_line");
        // The sniff found `"_line"`: the head alone tells the layout.
        match layout_of_head(line.trim_ascii_start()) {
            Layout::Row => {
                let row: Row<'a> = super::from_json(line)?;
                out.entries.push(row.entry().ok_or_else(missing)?);
            }
            Layout::Source => {
                let row = super::from_json::<Source<'a>>(line)?.source;
                out.entries.push(row.entry().ok_or_else(missing)?);
            }
            Layout::Pages => {
                for page in serde_json::Deserializer::from_slice(line).into_iter::<Page<'a>>() {
                    out.pages += 1;
                    for row in page?.lines {
                        out.entries.push(row.entry().ok_or_else(missing)?);
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: &str = r#"{"_account":"b1720d687f","_app":"armada-kp-events","_host":"armada-kp-events-7d9f8c6b5-x2x9z","_line":"{\"level\":\"error\",\"msg\":\"Rotation attempt failed\"}","_ts":1795143604000,"level":"error","msg":"truncated","pod":"armada-kp-events-7d9f8c6b5-x2x9z","namespace":"armada","container":"armada-kp-events","node":"kube-dal12-w3\n"}"#;

    fn entries(line: &str) -> Vec<Entry<'_>> {
        let mut out = Opened::default();
        LogDna.open(line.as_bytes(), &mut out).unwrap();
        out.entries
    }

    #[test]
    fn a_v1_line() {
        let e = &entries(V1)[0];
        assert_eq!(
            Some(e.line.as_ref()),
            Some(r#"{"level":"error","msg":"Rotation attempt failed"}"#)
        );
        assert_eq!(e.ts.unwrap().rfc3339(), "2026-11-20T03:00:04Z");
        assert_eq!(e.pod(), "armada-kp-events-7d9f8c6b5-x2x9z");
        assert!(e.is_from("armada-kp-events"));
        assert!(!e.is_from("armada-api"));
    }

    #[test]
    fn archive_rows_and_concatenated_pages() {
        let wrapped = format!(r#"{{"_source": {V1}}}"#);
        assert_eq!(layout(wrapped.as_bytes()), Some(Layout::Source));
        assert_eq!(entries(&wrapped).len(), 1);
        let page = format!(r#"{{"pagination_id":"abc","lines":[{V1},{V1}]}}"#);
        let two = format!(r#"{page}{{"pagination_id":null,"lines":[{V1}]}}"#);
        assert_eq!(layout(two.as_bytes()), Some(Layout::Pages));
        assert_eq!(entries(&two).len(), 3);
    }

    #[test]
    fn ordinary_json_log_lines_are_not_exports() {
        assert_eq!(layout(br#"{"level":"error","msg":"x"}"#), None);
        assert_eq!(layout(b"_line is a word"), None);
    }

    #[test]
    fn a_line_without_line_text_is_an_error() {
        let mut out = Opened::default();
        let bad = br#"{"pagination_id":null,"lines":[{"_ts":1,"_line_no":"x","_line":null}]}"#;
        assert!(LogDna.open(bad, &mut out).is_err());
    }
}
