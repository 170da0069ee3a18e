//! Go's standard `log`: `2009/01/23 01:23:23[.123123] [/a/b/c/d.go:23: ]message`.

use super::{Format, Record};
use crate::time::{self, Ts};
use chrono::NaiveDate;
use std::borrow::Cow;

pub fn has_header(b: &[u8]) -> bool {
    b.len() >= 20 && b[4] == b'/' && b[7] == b'/' && b[10] == b' ' && b[13] == b':'
}

pub fn decode(line: &str) -> Option<Record<'_>> {
    let b = line.as_bytes();
    if !has_header(b) {
        return None;
    }
    let clock_end = line[11..].find(' ').map_or(line.len(), |i| 11 + i);
    let ts = timestamp(&b[..10], &b[11..clock_end])?;
    let mut rest = line.get(clock_end + 1..).unwrap_or("");
    let mut rec = Record::new(Format::GoLog, "");
    if let Some((caller, msg)) = split_caller(rest) {
        rec.fields
            .push((Cow::Borrowed("caller"), Cow::Borrowed(caller)));
        rest = msg;
    }
    rec.message = Cow::Borrowed(rest);
    rec.ts = Some(ts);
    Some(rec)
}

fn timestamp(date: &[u8], clock: &[u8]) -> Option<Ts> {
    let year: i32 = std::str::from_utf8(&date[..4]).ok()?.parse().ok()?;
    let month = time::two_digits(&date[5..7])?;
    let day = time::two_digits(&date[8..10])?;
    let (secs, nanos) = time::parse_clock(clock)?;
    let d = NaiveDate::from_ymd_opt(year, month, day)?;
    let t = chrono::NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos)?;
    Ts::from_datetime(d.and_time(t).and_utc())
}

/// `Lshortfile`/`Llongfile` put `file.go:23: ` before the message.
fn split_caller(s: &str) -> Option<(&str, &str)> {
    let sep = s.find(": ")?;
    let caller = &s[..sep];
    let (file, line) = caller.rsplit_once(':')?;
    (file.ends_with(".go") && !file.contains(' ') && line.bytes().all(|c| c.is_ascii_digit()))
        .then(|| (caller, &s[sep + 2..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_and_micro_with_file() {
        let r = decode("2009/01/23 01:23:23 message here").unwrap();
        assert_eq!(r.ts.unwrap().rfc3339(), "2009-01-23T01:23:23Z");
        assert_eq!(r.message, "message here");
        let r = decode("2009/01/23 01:23:23.123123 /a/b/c/d.go:23: Failed: x").unwrap();
        assert_eq!(r.ts.unwrap().rfc3339(), "2009-01-23T01:23:23.123123Z");
        assert_eq!(r.field("caller"), Some("/a/b/c/d.go:23"));
        assert_eq!(r.message, "Failed: x");
    }

    #[test]
    fn impossible_dates_are_not_go_log() {
        assert!(decode("2009/02/31 01:23:23 message").is_none());
        assert!(decode("2009/01/23 xx:23:23 message").is_none());
    }
}
