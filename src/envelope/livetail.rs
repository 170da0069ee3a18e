//! Text copied from IBM Cloud Logs' LiveTail view: each log is one line,
//! `[ 11/12/2024 09:52:49.377 ][INFO][application][subsystem]` and then the
//! log's user data, which for a Kubernetes container is Fluent Bit's JSON
//! record (`kubernetes.container_name`, `log`). The view shows the day before
//! the month (a date whose second part is over 12 is read month first) and
//! no zone: the time is read as UTC. The subsystem is the container, as the
//! logging agent names it by default, so other applications' lines are
//! skipped even when their user data is not a Fluent Bit record.

use super::cloudlogs::{entry_of, Meta};
use super::{Envelope, Opened};

pub struct LiveTail;

/// The four bracketed parts of a line and the text after them.
struct Head<'l> {
    iso: String,
    severity: &'l str,
    subsystem: &'l str,
    rest: &'l str,
}

impl Envelope for LiveTail {
    fn name(&self) -> &'static str {
        "livetail"
    }

    fn sniff(&self, line: &[u8]) -> bool {
        let b = line.trim_ascii_start();
        let Some(after) = b.strip_prefix(b"[") else {
            return false;
        };
        after
            .trim_ascii_start()
            .first()
            .is_some_and(u8::is_ascii_digit)
            && memchr::memmem::find(&b[..b.len().min(40)], b"][").is_some()
    }

    fn open<'a>(&self, line: &'a [u8], out: &mut Opened<'a>) -> Result<(), serde_json::Error> {
        let text = std::str::from_utf8(line.trim_ascii()).map_err(serde::de::Error::custom)?;
        let head = head(text).ok_or_else(|| serde::de::Error::custom("not a LiveTail line"))?;
        let meta = Meta {
            timestamp: Some(head.iso),
            severity: Some(head.severity.to_string()),
            subsystem: Some(head.subsystem.to_string()),
            computer: None,
        };
        out.entries.push(entry_of(meta, head.rest.to_string()));
        Ok(())
    }
}

fn head(line: &str) -> Option<Head<'_>> {
    let (stamp, rest) = line.strip_prefix('[')?.split_once(']')?;
    let iso = iso(stamp.trim())?;
    let (severity, rest) = bracketed(rest)?;
    let (_application, rest) = bracketed(rest)?;
    let (subsystem, rest) = bracketed(rest)?;
    Some(Head {
        iso,
        severity,
        subsystem,
        rest: rest.trim_start(),
    })
}

fn bracketed(s: &str) -> Option<(&str, &str)> {
    let (inner, rest) = s.strip_prefix('[')?.split_once(']')?;
    Some((inner.trim(), rest))
}

/// `DD/MM/YYYY HH:MM:SS[.fff]` as ISO 8601 without a zone.
fn iso(stamp: &str) -> Option<String> {
    let (date, clock) = stamp.split_once(' ')?;
    let mut parts = date.split('/');
    let (a, b, year) = (parts.next()?, parts.next()?, parts.next()?);
    let num = |s: &str| s.parse::<u32>().ok().filter(|_| s.len() <= 2);
    let (x, y) = (num(a)?, num(b)?);
    let (day, month) = if y > 12 { (y, x) } else { (x, y) };
    let clock = clock.trim();
    let ok = year.len() == 4
        && year.bytes().all(|c| c.is_ascii_digit())
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
        && clock.len() >= 8
        && clock
            .bytes()
            .all(|c| c.is_ascii_digit() || c == b':' || c == b'.');
    ok.then(|| format!("{year}-{month:02}-{day:02}T{clock}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::Level;

    fn open(line: &str) -> Opened<'_> {
        assert!(LiveTail.sniff(line.as_bytes()), "{line}");
        let mut out = Opened::default();
        LiveTail.open(line.as_bytes(), &mut out).unwrap();
        out
    }

    #[test]
    fn a_fluent_bit_record_gives_its_line_pod_and_container() {
        let line = r#"[ 20/11/2026 03:00:04.123 ][ERROR][armada][armada-kp-events]{"kubernetes":{"pod_name":"armada-kp-events-0","container_name":"armada-kp-events"},"log":"{\"msg\":\"x\"}\n","stream":"stderr"}"#;
        let out = open(line);
        let e = &out.entries[0];
        assert_eq!(e.line, r#"{"msg":"x"}"#);
        assert_eq!(e.ts.unwrap().rfc3339(), "2026-11-20T03:00:04.123Z");
        assert_eq!(e.level, Level::Error);
        assert_eq!(e.pod(), "armada-kp-events-0");
        assert!(e.is_from("armada-kp-events") && !e.is_from("etcd"));
    }

    #[test]
    fn other_user_data_is_the_line_and_the_subsystem_filters_it() {
        let line = r#"[ 11/12/2024 09:52:49.377 ][INFO][ibm-platform-logs][ibm-subsystem-not-found]{"logSourceCRN":"crn:v1:x","meta":{}}"#;
        let e = &open(line).entries[0];
        assert_eq!(e.line, r#"{"logSourceCRN":"crn:v1:x","meta":{}}"#);
        assert_eq!(e.ts.unwrap().rfc3339(), "2024-12-11T09:52:49.377Z");
        assert_eq!(e.level, Level::Info);
        assert!(!e.is_from("armada-kp-events"));
        let e = &open("[ 11/20/2026 03:00:04 ][Warning][armada][etcd] plain text").entries[0];
        assert_eq!(e.ts.unwrap().rfc3339(), "2026-11-20T03:00:04Z");
        assert_eq!((&*e.line, e.level), ("plain text", Level::Warn));
        assert!(!e.is_from("armada-kp-events"));
    }

    #[test]
    fn other_bracketed_lines_are_not_livetail() {
        for line in [
            "[pod/etcd-0/etcd] hi",
            "[2026-11-20 03:00:04] plain",
            "[ 3 ] items",
            "[1, 2, 3]",
        ] {
            let opened = LiveTail.sniff(line.as_bytes())
                && LiveTail
                    .open(line.as_bytes(), &mut Opened::default())
                    .is_ok();
            assert!(!opened, "{line}");
        }
    }
}
