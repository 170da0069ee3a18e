//! `stern -o json`: one object per line, `{"message": ..., "nodeName": ...,
//! "namespace": ..., "podName": ..., "containerName": ...}`. With
//! `--timestamps`, the kubelet's time leads the message. (`stern -o raw`
//! prints the bare message: the text path reads it.)

use super::{kubectl, Entry, Envelope, Opened};
use serde::Deserialize;
use std::borrow::Cow;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Row<'a> {
    #[serde(borrow)]
    message: Cow<'a, str>,
    #[serde(borrow)]
    pod_name: Option<Cow<'a, str>>,
    #[serde(borrow)]
    container_name: Option<Cow<'a, str>>,
}

pub struct SternJson;

impl Envelope for SternJson {
    fn name(&self) -> &'static str {
        "stern_json"
    }

    fn sniff(&self, line: &[u8]) -> bool {
        let b = line.trim_ascii_start();
        // stern's Log struct, encoded in field order: the message first.
        b.starts_with(b"{\"message\":") && memchr::memmem::find(b, b"\"podName\":").is_some()
    }

    fn open<'a>(&self, line: &'a [u8], out: &mut Opened<'a>) -> Result<(), serde_json::Error> {
        let row: Row<'a> = super::from_json(line)?;
        let (ts, message) = match kubectl::timestamp_prefix(row.message.as_bytes()) {
            Some((ts, rest)) => {
                let skip = row.message.len() - rest.len();
                (Some(ts), cut(row.message, skip))
            }
            None => (None, row.message),
        };
        out.entries.push(Entry {
            line: message,
            ts,
            container: row.container_name,
            pod: row.pod_name,
            ..Entry::default()
        });
        Ok(())
    }
}

fn cut(s: Cow<'_, str>, from: usize) -> Cow<'_, str> {
    match s {
        Cow::Borrowed(b) => Cow::Borrowed(&b[from..]),
        Cow::Owned(o) => Cow::Owned(o[from..].to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_and_its_pod() {
        let mut out = Opened::default();
        let line = br#"{"message":"2026-11-20T03:00:04.000000000Z {\"msg\":\"x\"}","nodeName":"10.1.2.3","namespace":"armada","podName":"armada-kp-events-0","containerName":"armada-kp-events","labels":{}}"#;
        SternJson.open(line, &mut out).unwrap();
        let e = &out.entries[0];
        assert_eq!(e.line, r#"{"msg":"x"}"#);
        assert!(e.ts.is_some());
        assert_eq!(e.pod(), "armada-kp-events-0");
        assert!(e.is_from("armada-kp-events") && !e.is_from("etcd"));
    }
}
