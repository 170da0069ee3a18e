//! logrus: logfmt text (`time="..." level=error msg="..." key=value`) as it
//! writes without a TTY, and the `INFO[0000] msg  key=value` form with one
//! (`ERRO[2024-01-02T03:04:05Z] ...` with `FullTimestamp`). Other Go loggers
//! write logfmt with their own keys: go-kit (`ts=`, `caller=`), apex/log
//! (`timestamp=`, `message=`), log15 (`t=`, `lvl=`).

use super::{kv, Format, Level, Record};
use crate::time;

/// The keys a logfmt line may start with: its time, level or message.
const FIRST_KEYS: &[&[u8]] = &[
    b"time=",
    b"level=",
    b"ts=",
    b"timestamp=",
    b"t=",
    b"lvl=",
    b"msg=",
    b"message=",
    b"caller=",
];

pub fn has_logfmt_header(b: &[u8]) -> bool {
    FIRST_KEYS.iter().any(|k| b.starts_with(k))
}

/// `INFO[0000]`, `ERRO[0042]`: four capitals and a bracketed counter, or
/// the full time `FullTimestamp` writes there.
pub fn has_tty_header(b: &[u8]) -> bool {
    let stamp = |s: &[u8]| {
        s.iter().all(u8::is_ascii_digit)
            || (s.len() >= 19
                && s[..4].iter().all(u8::is_ascii_digit)
                && s.iter()
                    .all(|c| c.is_ascii_alphanumeric() || b"-:.+T".contains(c)))
    };
    b.len() > 6
        && b[..4].iter().all(u8::is_ascii_uppercase)
        && b[4] == b'['
        && b[5..]
            .iter()
            .position(|c| *c == b']')
            .is_some_and(|i| i > 0 && stamp(&b[5..5 + i]))
}

pub fn decode(line: &str) -> Option<Record<'_>> {
    let b = line.as_bytes();
    if has_logfmt_header(b) {
        logfmt(line)
    } else if has_tty_header(b) {
        tty(line)
    } else {
        None
    }
}

fn logfmt(line: &str) -> Option<Record<'_>> {
    let (pairs, rest) = kv::pairs(line);
    if !rest.trim().is_empty() || pairs.is_empty() {
        return None;
    }
    let mut rec = Record::new(Format::Logrus, "");
    for (k, v) in pairs {
        match k.as_ref() {
            "msg" | "message" => rec.message = v,
            "time" | "ts" | "timestamp" | "t" => rec.ts = time::parse_iso(&v),
            "level" | "lvl" => rec.level = Level::parse(logfmt_level(&v)),
            _ => rec.fields.push((k, v)),
        }
    }
    Some(rec)
}

/// log15 writes its levels in four letters (`eror`, `crit`, `dbug`).
fn logfmt_level(v: &str) -> &str {
    match v {
        "eror" => "error",
        "dbug" => "debug",
        other => other,
    }
}

fn tty(line: &str) -> Option<Record<'_>> {
    let close = line.find(']')?;
    let mut rec = Record::new(Format::Logrus, "");
    rec.level = Level::parse(tty_level(&line[..4]));
    rec.ts = time::parse_iso(&line[5..close]);
    let rest = line[close + 1..].trim_start();
    // logrus pads the message, then writes the fields after two or more spaces.
    match rest.find("  ") {
        Some(gap) => {
            let (fields, left) = kv::pairs(&rest[gap..]);
            if left.trim().is_empty() {
                rec.message = rest[..gap].trim_end().into();
                rec.fields = fields;
            } else {
                rec.message = rest.into();
            }
        }
        None => rec.message = rest.into(),
    }
    Some(rec)
}

fn tty_level(abbrev: &str) -> &str {
    match abbrev {
        "ERRO" => "error",
        "WARN" => "warn",
        "INFO" => "info",
        "DEBU" | "TRAC" => "debug",
        "FATA" | "PANI" => "fatal",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logfmt_text() {
        let r = decode(r#"time="2015-03-26T01:27:38-04:00" level=fatal msg="The ice breaks!" err="boom" number=100"#).unwrap();
        assert_eq!(r.format, Format::Logrus);
        assert_eq!(r.level, Level::Fatal);
        assert_eq!(r.message, "The ice breaks!");
        assert_eq!(r.ts.unwrap().rfc3339(), "2015-03-26T05:27:38Z");
        assert_eq!(r.error(), Some("boom"));
        assert_eq!(r.field("number"), Some("100"));
    }

    #[test]
    fn tty_form() {
        let r = decode(
            "ERRO[0042] Rotation attempt failed                       clusterID=c1 attempt=2",
        )
        .unwrap();
        assert_eq!(r.level, Level::Error);
        assert_eq!(r.message, "Rotation attempt failed");
        assert_eq!(r.field("clusterID"), Some("c1"));
    }

    #[test]
    fn tty_form_with_the_full_timestamp() {
        let r =
            decode("ERRO[2024-01-02T03:04:05Z] Rotation attempt failed   clusterID=c1").unwrap();
        assert_eq!(r.level, Level::Error);
        assert_eq!(r.ts.unwrap().rfc3339(), "2024-01-02T03:04:05Z");
        assert_eq!(r.message, "Rotation attempt failed");
        assert_eq!(r.field("clusterID"), Some("c1"));
    }

    #[test]
    fn logfmt_of_other_go_loggers() {
        // apex/log's logfmt handler
        let r = decode(
            r#"timestamp=2024-01-02T03:04:05Z level=error message="rotation failed" cluster=c1"#,
        )
        .unwrap();
        assert_eq!(
            (r.level, r.message.as_ref()),
            (Level::Error, "rotation failed")
        );
        assert!(r.ts.is_some());
        // go-kit: caller first
        let r =
            decode(r#"caller=rotate.go:42 ts=2024-01-02T03:04:05Z level=warn msg="x""#).unwrap();
        assert_eq!((r.level, r.message.as_ref()), (Level::Warn, "x"));
        // log15
        let r = decode(r#"t=2024-01-02T03:04:05+0000 lvl=eror msg="x""#).unwrap();
        assert_eq!(r.level, Level::Error);
    }

    #[test]
    fn prose_starting_with_time_is_not_logfmt() {
        assert!(decode("time= is an odd way to start").is_none());
        assert!(decode("INFO: nothing bracketed").is_none());
    }
}
