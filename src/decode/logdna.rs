//! LogDNA (Mezmo, IBM Log Analysis) exports: v1 JSON Lines, v2 pages
//! (`{"pagination_id": ..., "lines": [...]}`) and archive rows wrapped in
//! `{"_source": {...}}`. Each exported line carries the application's line in
//! `_line`, which goes through the ordinary decoders; LogDNA's copies of its
//! parsed fields at the top level are ignored, so `_line` always wins.

use crate::time::Ts;
use serde::Deserialize;
use std::borrow::Cow;

/// The parts of an exported line that kp-triage uses. Unknown keys are
/// skipped without being built.
#[derive(Debug, Deserialize)]
pub struct Entry<'a> {
    #[serde(rename = "_line", borrow)]
    pub line: Option<Cow<'a, str>>,
    #[serde(rename = "_ts")]
    ts: Option<f64>,
    #[serde(rename = "_app", borrow)]
    pub app: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub container: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pub pod: Option<Cow<'a, str>>,
    #[serde(rename = "_host", borrow)]
    pub host: Option<Cow<'a, str>>,
}

impl Entry<'_> {
    pub fn ts(&self) -> Option<Ts> {
        self.ts.and_then(|ms| Ts::from_epoch_secs(ms / 1000.0))
    }

    /// The pod, for grouping continuation lines: `pod`, else `_host`.
    pub fn pod(&self) -> &str {
        self.pod
            .as_deref()
            .or(self.host.as_deref())
            .unwrap_or("")
            .trim()
    }

    /// Whether this line is from `app` (`_app` is the container name).
    /// A line that names no app is kept: there is nothing to filter it by.
    pub fn is_from(&self, app: &str) -> bool {
        match (self.app.as_deref(), self.container.as_deref()) {
            (None, None) => true,
            (a, c) => a.map(str::trim) == Some(app) || c.map(str::trim) == Some(app),
        }
    }
}

#[derive(Deserialize)]
struct Source<'a> {
    #[serde(rename = "_source", borrow)]
    source: Entry<'a>,
}

#[derive(Deserialize)]
struct Page<'a> {
    #[serde(borrow)]
    lines: Vec<Entry<'a>>,
}

/// The shape of an export line, judged cheaply before any parsing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Entry,
    Source,
    Pages,
}

pub fn sniff(line: &[u8]) -> Option<Shape> {
    let b = line.trim_ascii_start();
    if b.first() != Some(&b'{') || memchr::memmem::find(b, b"\"_line\"").is_none() {
        return None;
    }
    let head = b[1..].trim_ascii_start();
    if head.starts_with(b"\"pagination_id\"") || head.starts_with(b"\"lines\"") {
        Some(Shape::Pages)
    } else if head.starts_with(b"\"_source\"") {
        Some(Shape::Source)
    } else {
        Some(Shape::Entry)
    }
}

/// Parses one physical line of an export into its entries. A page line may
/// hold several page documents back to back.
pub fn parse<'a>(
    line: &'a [u8],
    shape: Shape,
    out: &mut Vec<Entry<'a>>,
) -> Result<(), serde_json::Error> {
    match shape {
        Shape::Entry => out.push(serde_json::from_slice(line)?),
        Shape::Source => out.push(serde_json::from_slice::<Source<'a>>(line)?.source),
        Shape::Pages => {
            for page in serde_json::Deserializer::from_slice(line).into_iter::<Page<'a>>() {
                out.extend(page?.lines);
            }
        }
    }
    if out.iter().any(|e| e.line.is_none()) {
        return Err(serde::de::Error::missing_field("_line"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const V1: &str = r#"{"_account":"b1720d687f","_app":"armada-kp-events","_host":"armada-kp-events-7d9f8c6b5-x2x9z","_line":"{\"level\":\"error\",\"msg\":\"Rotation attempt failed\"}","_ts":1795143604000,"level":"error","msg":"truncated","pod":"armada-kp-events-7d9f8c6b5-x2x9z","namespace":"armada","container":"armada-kp-events","node":"kube-dal12-w3\n"}"#;

    fn entries(line: &str) -> Vec<Entry<'_>> {
        let mut out = Vec::new();
        parse(line.as_bytes(), sniff(line.as_bytes()).unwrap(), &mut out).unwrap();
        out
    }

    #[test]
    fn a_v1_line() {
        let e = &entries(V1)[0];
        assert_eq!(
            e.line.as_deref(),
            Some(r#"{"level":"error","msg":"Rotation attempt failed"}"#)
        );
        assert_eq!(e.ts().unwrap().rfc3339(), "2026-11-20T03:00:04Z");
        assert_eq!(e.pod(), "armada-kp-events-7d9f8c6b5-x2x9z");
        assert!(e.is_from("armada-kp-events"));
        assert!(!e.is_from("armada-api"));
    }

    #[test]
    fn archive_rows_and_concatenated_pages() {
        let wrapped = format!(r#"{{"_source": {V1}}}"#);
        assert_eq!(sniff(wrapped.as_bytes()), Some(Shape::Source));
        assert_eq!(entries(&wrapped).len(), 1);
        let page = format!(r#"{{"pagination_id":"abc","lines":[{V1},{V1}]}}"#);
        let two = format!(r#"{page}{{"pagination_id":null,"lines":[{V1}]}}"#);
        assert_eq!(sniff(two.as_bytes()), Some(Shape::Pages));
        assert_eq!(entries(&two).len(), 3);
    }

    #[test]
    fn ordinary_json_log_lines_are_not_exports() {
        assert_eq!(sniff(br#"{"level":"error","msg":"x"}"#), None);
        assert_eq!(sniff(b"_line is a word"), None);
    }

    #[test]
    fn a_line_without_line_text_is_an_error() {
        let mut out = Vec::new();
        let bad = br#"{"pagination_id":null,"lines":[{"_ts":1,"_line_no":"x","_line":null}]}"#;
        assert!(parse(bad, Shape::Pages, &mut out).is_err());
    }
}
