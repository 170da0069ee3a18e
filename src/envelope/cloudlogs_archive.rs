//! IBM Cloud Logs archive rows: the Parquet files of the archive bucket hold
//! three columns, each a JSON object encoded as a string
//! (`src_obj__event_metadata`, `src_obj__event_labels`,
//! `src_obj__user_data`), and a reader (DuckDB, Spark, `parquet-tools`)
//! writes each row as one JSON object. The metadata holds `timestamp` and
//! `severity`, the labels `applicationname`, `subsystemname` and
//! `computername`, the user data the Fluent Bit record: the same facts as a
//! query result, flattened. A reader that has already parsed a column gives
//! it as an object, which reads the same. Partition columns (`team_id`,
//! `dt`, `hr`) are ignored.

use super::cloudlogs::{entry_of, Meta};
use super::{Envelope, Opened};
use serde::Deserialize;
use serde_json::{Map, Value};

#[derive(Deserialize)]
struct Row {
    #[serde(rename = "src_obj__event_metadata", default)]
    metadata: Option<Value>,
    #[serde(rename = "src_obj__event_labels", default)]
    labels: Option<Value>,
    #[serde(rename = "src_obj__user_data")]
    user_data: Value,
}

pub struct CloudLogsArchive;

/// How far into a row its first column is looked for: the partition columns
/// that may come before it are a few bytes each.
const HEAD: usize = 128;

impl Envelope for CloudLogsArchive {
    fn name(&self) -> &'static str {
        "cloudlogs_archive"
    }

    fn sniff(&self, line: &[u8]) -> bool {
        let b = line.trim_ascii_start();
        b.first() == Some(&b'{')
            && memchr::memmem::find(&b[..b.len().min(HEAD)], b"\"src_obj__").is_some()
    }

    fn open<'a>(&self, line: &'a [u8], out: &mut Opened<'a>) -> Result<(), serde_json::Error> {
        let row: Row = super::from_json(line)?;
        let metadata = object(row.metadata.as_ref());
        let labels = object(row.labels.as_ref());
        let text = |m: &Map<String, Value>, k: &str| {
            m.iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(k))
                .and_then(|(_, v)| match v {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
        };
        let meta = Meta {
            timestamp: text(&metadata, "timestamp"),
            severity: text(&metadata, "severity"),
            subsystem: text(&labels, "subsystemname"),
            computer: text(&labels, "computername"),
        };
        let user = match row.user_data {
            Value::String(s) => s,
            other => other.to_string(),
        };
        out.entries.push(entry_of(meta, user));
        Ok(())
    }
}

/// A column as an object: decoded from its string, or as the reader gave it.
/// A column that is neither reads as empty.
fn object(v: Option<&Value>) -> Map<String, Value> {
    match v {
        Some(Value::String(s)) => serde_json::from_str(s).unwrap_or_default(),
        Some(Value::Object(m)) => m.clone(),
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Level;

    fn row(container: &str) -> String {
        let meta = r#"{"timestamp":"2026-11-20T03:00:04.000123","severity":"Error","priorityclass":"high","logid":"x"}"#;
        let labels = format!(
            r#"{{"applicationname":"armada","subsystemname":"{container}","computername":"kube-w3"}}"#
        );
        let user = format!(
            r#"{{"kubernetes":{{"pod_name":"{container}-0","container_name":"{container}"}},"log":"{{\"msg\":\"x\"}}\n","stream":"stderr"}}"#
        );
        let s = |v: &str| serde_json::to_string(v).unwrap();
        format!(
            r#"{{"src_obj__event_metadata":{},"src_obj__event_labels":{},"src_obj__user_data":{},"team_id":"1","dt":"2026-11-20","hr":"03"}}"#,
            s(meta),
            s(&labels),
            s(&user)
        )
    }

    fn open(line: &str) -> Opened<'_> {
        assert!(CloudLogsArchive.sniff(line.as_bytes()), "{line}");
        let mut out = Opened::default();
        CloudLogsArchive.open(line.as_bytes(), &mut out).unwrap();
        out
    }

    #[test]
    fn a_row_reads_as_a_query_result_does() {
        let line = row("armada-kp-events");
        let out = open(&line);
        let e = &out.entries[0];
        assert_eq!(e.line, r#"{"msg":"x"}"#);
        assert_eq!(e.ts.unwrap().rfc3339(), "2026-11-20T03:00:04.000123Z");
        assert_eq!(e.level, Level::Error);
        assert_eq!(e.pod(), "armada-kp-events-0");
        assert!(e.is_from("armada-kp-events") && !e.is_from("etcd"));
        let other = row("etcd");
        assert!(!open(&other).entries[0].is_from("armada-kp-events"));
    }

    #[test]
    fn columns_already_parsed_read_the_same() {
        let line = r#"{"src_obj__event_metadata":{"timestamp":"2026-11-20T03:00:04","severity":5},"src_obj__event_labels":{"subsystemname":"armada-kp-events"},"src_obj__user_data":{"log":"hello"}}"#;
        let out = open(line);
        let e = &out.entries[0];
        assert_eq!((&*e.line, e.level), ("hello", Level::Error));
        assert!(e.is_from("armada-kp-events") && !e.is_from("etcd"));
    }

    #[test]
    fn other_json_is_not_a_row() {
        assert!(!CloudLogsArchive.sniff(b"src_obj__user_data"));
        // Named in a message, the word sniffs but does not open: the text
        // path reads the line.
        let line = br#"{"level":"error","msg":"src_obj__ named in text"}"#;
        assert!(CloudLogsArchive.open(line, &mut Opened::default()).is_err());
        assert!(crate::envelope::open(line).is_none());
    }
}
