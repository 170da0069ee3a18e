//! HashiCorp's go-hclog, human form: `TIME [LEVEL] name: message: key=value
//! key="quoted value"` (go-hclog README: `2017-07-05T16:15:55.167-0700 [INFO ]
//! my-app: Invalid input for ParseInt: input=5.5 error="..."`). The level is
//! padded to five characters. A transport that reads the leading time as its
//! own (a bare file's first field) leaves `[LEVEL] ...`, which reads the same.

use super::{kv, Format, Level, Record};
use crate::time;
use std::borrow::Cow;

/// `[INFO ]`, `[ERROR]`, `[WARN ]`, `[DEBUG]`, `[TRACE]`: the bracket and
/// the level in it, with what follows the bracket's space.
fn level_bracket(b: &str) -> Option<(Level, &str)> {
    let inner = b.strip_prefix('[')?.get(..6)?;
    let word = inner.strip_suffix(']')?.trim_end();
    let level = match word {
        "TRACE" | "DEBUG" => Level::Debug,
        "INFO" => Level::Info,
        "WARN" => Level::Warn,
        "ERROR" => Level::Error,
        _ => return None,
    };
    Some((level, b[7..].strip_prefix(' ')?))
}

pub fn has_header(b: &[u8]) -> bool {
    std::str::from_utf8(&b[..b.len().min(48)])
        .ok()
        .is_some_and(|s| split_time(s).is_some_and(|(_, rest)| level_bracket(rest).is_some()))
}

/// An ISO time and one space, or nothing, before the bracket.
fn split_time(line: &str) -> Option<(Option<time::Ts>, &str)> {
    if line.starts_with('[') {
        return Some((None, line));
    }
    let (t, rest) = line.split_once(' ')?;
    Some((Some(time::parse_iso(t)?), rest))
}

pub fn decode(line: &str) -> Option<Record<'_>> {
    let (ts, rest) = split_time(line)?;
    let (level, rest) = level_bracket(rest)?;
    let (name, rest) = logger_name(rest);
    let mut rec = Record::new(Format::Hclog, rest);
    rec.ts = ts;
    rec.level = level;
    // The pairs follow the last ": " after which everything is pairs.
    let mut at = rest.len();
    while let Some(i) = rest[..at].rfind(": ") {
        let (pairs, left) = kv::pairs(&rest[i + 2..]);
        if !pairs.is_empty() && left.trim().is_empty() {
            rec.message = Cow::Borrowed(&rest[..i]);
            rec.fields = pairs;
            break;
        }
        at = i;
    }
    if let Some(n) = name {
        rec.fields.push((Cow::Borrowed("logger"), Cow::Borrowed(n)));
    }
    Some(rec)
}

/// A named logger's `name: ` ("my-app", "kp-events.rotation"): one token
/// with a `-`, `.` or `_` in it, so that a message that starts with a word
/// and a colon ("etcdserver: no leader") stays whole.
fn logger_name(rest: &str) -> (Option<&str>, &str) {
    let Some((name, msg)) = rest.split_once(": ") else {
        return (None, rest);
    };
    let token = name
        .bytes()
        .enumerate()
        .all(|(i, b)| b.is_ascii_alphanumeric() || (i > 0 && matches!(b, b'-' | b'.' | b'_')));
    if token && name.bytes().any(|b| matches!(b, b'-' | b'.' | b'_')) {
        (Some(name), msg)
    } else {
        (None, rest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_line_with_and_without_its_time() {
        let line = r#"2017-07-05T16:15:55.167-0700 [INFO ] my-app: Invalid input for ParseInt: input=5.5 error="strconv.ParseInt: parsing \"5.5\": invalid syntax""#;
        let r = decode(line).unwrap();
        assert_eq!(r.format, Format::Hclog);
        assert_eq!(r.level, Level::Info);
        assert_eq!(r.ts.unwrap().rfc3339(), "2017-07-05T23:15:55.167Z");
        assert_eq!(r.message, "Invalid input for ParseInt");
        assert_eq!(r.field("logger"), Some("my-app"));
        assert_eq!(r.field("input"), Some("5.5"));
        assert!(r.error().unwrap().starts_with("strconv.ParseInt"));
        let bare = decode(&line[29..]).unwrap();
        assert_eq!((bare.level, bare.message), (Level::Info, r.message));
    }

    #[test]
    fn a_message_with_colons_and_no_pairs_stays_whole() {
        let r = decode("[ERROR] rotation: failed to update WDEK secret: etcdserver: no leader")
            .unwrap();
        assert_eq!(r.level, Level::Error);
        assert_eq!(
            r.message,
            "rotation: failed to update WDEK secret: etcdserver: no leader"
        );
        assert!(r.fields.is_empty());
    }

    #[test]
    fn other_brackets_are_not_hclog() {
        assert!(decode("[pod/x/y] hello").is_none());
        assert!(decode("[NOTE ] hello").is_none());
        assert!(!has_header(b"2024-01-02T03:04:05Z hello"));
        assert!(has_header(b"2024-01-02T03:04:05.000Z [WARN ] x"));
    }
}
