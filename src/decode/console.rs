//! zap's console encoder: `TIME\tLEVEL\t[LOGGER\t]CALLER\tMESSAGE\t{json fields}`.
//!
//! Pasted from a terminal or a chat, the tabs become runs of spaces:
//! `TIME  LEVEL  [LOGGER  ]CALLER  MESSAGE  {json fields}`. Then a run of at
//! least two spaces after the time and after a level word marks the line, and
//! the logger and caller, which hold no spaces, end at any space (a tab
//! expanded to the next stop can leave one).

use super::{json, Format, Level, Record};
use crate::time::{self, Ts};
use std::borrow::Cow;

pub fn has_header(b: &[u8]) -> bool {
    memchr::memchr(b'\t', &b[..b.len().min(40)]).is_some() || has_spaced_header(b)
}

/// `TIME  LEVEL  `: the start of a zap console line whose tabs became spaces.
pub fn has_spaced_header(b: &[u8]) -> bool {
    spaced_header(b).is_some()
}

pub fn decode(line: &str) -> Option<Record<'_>> {
    tabbed(line).or_else(|| spaced(line))
}

fn tabbed(line: &str) -> Option<Record<'_>> {
    let mut parts = line.split('\t');
    let ts = timestamp(parts.next()?)?;
    let level = Level::parse(parts.next()?);
    if level == Level::Unknown {
        return None;
    }
    let mut rest: Vec<&str> = parts.collect();
    let fields = match rest.last() {
        Some(last) if last.starts_with('{') => json::decode(last).inspect(|_r| {
            rest.pop();
        }),
        _ => None,
    };
    let mut rec = Record::new(Format::ZapConsole, rest.pop().unwrap_or(""));
    rec.ts = Some(ts);
    rec.level = level;
    if let Some(caller) = rest.iter().rev().find(|p| is_caller(p)) {
        rec.fields
            .push((Cow::Borrowed("caller"), Cow::Borrowed(caller)));
    }
    if let Some(f) = fields {
        rec.fields.extend(f.fields);
    }
    Some(rec)
}

fn spaced(line: &str) -> Option<Record<'_>> {
    let (ts, level, at) = spaced_header(line.as_bytes())?;
    let (head, fields) = trailing_fields(&line[at..]);
    // The caller is the first word, or the second after the logger.
    let (w1, after1) = word(head);
    let (w2, after2) = word(after1);
    let (caller, message) = if is_caller(w1) {
        (Some(w1), after1)
    } else if is_caller(w2) {
        (Some(w2), after2)
    } else {
        (None, head)
    };
    let mut rec = Record::new(Format::ZapConsole, message.trim());
    rec.ts = Some(ts);
    rec.level = level;
    if let Some(caller) = caller {
        rec.fields
            .push((Cow::Borrowed("caller"), Cow::Borrowed(caller)));
    }
    if let Some(f) = fields {
        rec.fields.extend(f.fields);
    }
    Some(rec)
}

/// The time, the level and where the rest starts, for `TIME  LEVEL  rest`.
/// Cheap checks first: only a line with both runs of spaces parses a time.
fn spaced_header(b: &[u8]) -> Option<(Ts, Level, usize)> {
    let time_end = memchr::memchr(b' ', &b[..b.len().min(48)])?;
    let level_at = time_end + spaces(&b[time_end..]).filter(|&n| n >= 2)?;
    let level_len = b[level_at..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let rest_at = level_at + level_len + spaces(&b[level_at + level_len..]).filter(|&n| n >= 2)?;
    let level = level_word(&b[level_at..level_at + level_len])?;
    let ts = timestamp(std::str::from_utf8(&b[..time_end]).ok()?)?;
    Some((ts, level, rest_at))
}

/// The length of the run of spaces that starts `b`, if one does.
fn spaces(b: &[u8]) -> Option<usize> {
    Some(b.iter().take_while(|&&c| c == b' ').count()).filter(|&n| n > 0)
}

/// zap's level names, in capitals or not; never a one-letter abbreviation.
fn level_word(w: &[u8]) -> Option<Level> {
    const WORDS: &[&[u8]] = &[
        b"debug", b"info", b"warn", b"error", b"dpanic", b"panic", b"fatal",
    ];
    WORDS
        .iter()
        .any(|k| k.eq_ignore_ascii_case(w))
        .then(|| Level::parse(std::str::from_utf8(w).unwrap_or_default()))
}

/// The text before a trailing JSON object set off by a space, and the
/// object. The first of a few ` {` that starts a valid object wins.
fn trailing_fields(rest: &str) -> (&str, Option<Record<'static>>) {
    const TRIES: usize = 8;
    let rest = rest.trim_end();
    if rest.ends_with('}') {
        for (i, _) in rest.match_indices(" {").take(TRIES) {
            if let Some(rec) = json::decode(&rest[i + 1..]) {
                return (&rest[..i], Some(rec));
            }
        }
    }
    (rest, None)
}

/// The first word of `s` and what follows it, leading spaces taken off both.
fn word(s: &str) -> (&str, &str) {
    let s = s.trim_start_matches(' ');
    let end = s.find(' ').unwrap_or(s.len());
    (&s[..end], s[end..].trim_start_matches(' '))
}

fn is_caller(s: &str) -> bool {
    s.contains(".go:")
}

fn timestamp(s: &str) -> Option<Ts> {
    time::parse_iso(s).or_else(|| s.parse::<f64>().ok().and_then(Ts::from_epoch_secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_logger_caller_and_fields() {
        let r = decode("2020-09-08T10:46:12.404+0530\tERROR\tkp-events.rotation\trotation/rotate.go:142\tRotation attempt failed\t{\"clusterID\": \"c1\", \"error\": \"boom\"}").unwrap();
        assert_eq!(r.format, Format::ZapConsole);
        assert_eq!(r.level, Level::Error);
        assert_eq!(r.message, "Rotation attempt failed");
        assert_eq!(r.field("caller"), Some("rotation/rotate.go:142"));
        assert_eq!(r.field("clusterID"), Some("c1"));
        assert_eq!(r.error(), Some("boom"));
    }

    #[test]
    fn epoch_scientific_time_without_fields() {
        let r = decode("1.6836474195594983e+09\tINFO\tmain.go:12\tstarted").unwrap();
        assert_eq!(r.ts.unwrap().to_datetime().timestamp(), 1683647419);
        assert_eq!(r.message, "started");
    }

    #[test]
    fn needs_a_time_and_a_level() {
        assert!(decode("12345\tnot-a-level\tmsg").is_none());
        assert!(decode("yesterday\tINFO\tmsg").is_none());
    }

    #[test]
    fn tabs_turned_into_spaces() {
        let tabbed = "2026-11-20T03:00:04.000Z\tERROR\tkp-events.rotation\trotation/rotate.go:142\tRotation attempt failed\t{\"clusterID\": \"c1\", \"error\": \"boom\"}";
        // A terminal's tab stops (a field can end one column short of a
        // stop, leaving one space), and a chat's two spaces.
        let expanded = "2026-11-20T03:00:04.000Z        ERROR   kp-events.rotation      rotation/rotate.go:142  Rotation attempt failed {\"clusterID\": \"c1\", \"error\": \"boom\"}";
        let two = tabbed.replace('\t', "  ");
        let want = decode(tabbed).unwrap();
        for line in [expanded, two.as_str()] {
            assert!(has_header(line.as_bytes()), "{line}");
            let r = decode(line).unwrap();
            assert_eq!(r.format, Format::ZapConsole, "{line}");
            assert_eq!((r.ts, r.level), (want.ts, want.level), "{line}");
            assert_eq!(r.message, want.message, "{line}");
            assert_eq!(r.fields, want.fields, "{line}");
        }
    }

    #[test]
    fn spaced_without_logger_caller_or_fields() {
        let r = decode("1795143601.5  info  main.go:12  started  the  loop").unwrap();
        assert_eq!(r.level, Level::Info);
        assert_eq!(r.message, "started  the  loop");
        assert_eq!(r.field("caller"), Some("main.go:12"));
        let r = decode("2026-11-20T03:00:04Z  WARN  retrying {soon}").unwrap();
        assert_eq!(r.message, "retrying {soon}");
        assert!(r.fields.is_empty());
    }

    #[test]
    fn prose_with_a_date_is_not_spaced_console() {
        for line in [
            "2026-11-20T03:00:04Z  something happened",
            "2026-11-20T03:00:04Z ERROR one space is a kubelet time",
            "2026-11-20 03:00:04  ERROR  no T, and the date alone is no time",
            "2026  ERROR  a year is no time",
            "2026-11-20T03:00:04Z  E  a letter is no level",
            "2026-11-20T03:00:04Z  Errors  happen",
        ] {
            assert!(decode(line).is_none(), "{line}");
            assert!(!has_spaced_header(line.as_bytes()), "{line}");
        }
    }
}
