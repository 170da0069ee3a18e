//! logrus: logfmt text (`time="..." level=error msg="..." key=value`) as it
//! writes without a TTY, and the `INFO[0000] msg  key=value` form with one.

use super::{kv, Format, Level, Record};
use crate::time;

pub fn has_logfmt_header(b: &[u8]) -> bool {
    b.starts_with(b"time=") || b.starts_with(b"level=") || b.starts_with(b"ts=")
}

/// `INFO[0000]`, `ERRO[0042]`: four capitals and a bracketed counter.
pub fn has_tty_header(b: &[u8]) -> bool {
    b.len() > 6
        && b[..4].iter().all(u8::is_ascii_uppercase)
        && b[4] == b'['
        && b[5..]
            .iter()
            .position(|c| *c == b']')
            .is_some_and(|i| i > 0 && b[5..5 + i].iter().all(u8::is_ascii_digit))
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
            "time" | "ts" => rec.ts = time::parse_iso(&v),
            "level" => rec.level = Level::parse(&v),
            _ => rec.fields.push((k, v)),
        }
    }
    Some(rec)
}

fn tty(line: &str) -> Option<Record<'_>> {
    let close = line.find(']')?;
    let mut rec = Record::new(Format::Logrus, "");
    rec.level = Level::parse(tty_level(&line[..4]));
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
    fn prose_starting_with_time_is_not_logfmt() {
        assert!(decode("time= is an odd way to start").is_none());
        assert!(decode("INFO: nothing bracketed").is_none());
    }
}
