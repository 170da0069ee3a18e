//! Docker's json-file log driver: `{"log":"LINE\n","stream":"stdout","time":"RFC3339"}`
//! per line, as found under /var/lib/docker/containers. A line longer than
//! 16 KiB is split into pieces, each without the trailing newline but the
//! last: the pieces join into one line.

use super::{chomp, Entry, Envelope, Opened};
use crate::time;
use serde::Deserialize;
use std::borrow::Cow;

#[derive(Deserialize)]
struct Row<'a> {
    #[serde(borrow)]
    log: Cow<'a, str>,
    #[serde(borrow)]
    time: Option<Cow<'a, str>>,
}

pub struct Docker;

impl Envelope for Docker {
    fn name(&self) -> &'static str {
        "docker"
    }

    fn sniff(&self, line: &[u8]) -> bool {
        let b = line.trim_ascii_start();
        b.starts_with(b"{\"log\":") && memchr::memmem::find(b, b"\"time\":").is_some()
    }

    fn open<'a>(&self, line: &'a [u8], out: &mut Opened<'a>) -> Result<(), serde_json::Error> {
        let row: Row<'a> = super::from_json(line)?;
        let (text, ended) = chomp(row.log);
        out.entries.push(Entry {
            line: text,
            ts: row.time.as_deref().and_then(time::parse_iso),
            partial: !ended,
            ..Entry::default()
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_and_a_split_one() {
        let mut out = Opened::default();
        let whole = br#"{"log":"{\"msg\":\"x\"}\n","stream":"stderr","time":"2026-11-20T03:00:04.000000001Z"}"#;
        Docker.open(whole, &mut out).unwrap();
        let split = br#"{"log":"head ","stream":"stderr","time":"2026-11-20T03:00:04.1Z"}"#;
        Docker.open(split, &mut out).unwrap();
        assert_eq!(out.entries[0].line, r#"{"msg":"x"}"#);
        assert!(!out.entries[0].partial);
        assert_eq!(
            out.entries[0].ts.unwrap().rfc3339(),
            "2026-11-20T03:00:04.000000001Z"
        );
        assert!(out.entries[1].partial);
    }
}
