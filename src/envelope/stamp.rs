//! What the text envelopes share, below all of them: the pod prefix they
//! take off, the kubelet's time that leads kubectl's, stern's and CRI's
//! lines, stern's short time, and stern's pod markers. `kubectl.rs`,
//! `stern.rs` and `text.rs` use these; this uses none of them.

use crate::decode;
use crate::time::{self, PartialTs, Ts};
use std::cell::Cell;

/// A pod prefix taken off a line.
#[derive(Clone, Copy)]
pub(super) struct Prefix<'l> {
    pub(super) pod: &'l [u8],
    pub(super) container: Option<&'l [u8]>,
    pub(super) rest: &'l [u8],
}

/// stern's short `01-02 15:04:05 ` form, which has no year.
pub(super) fn short_ts(b: &[u8]) -> Option<(PartialTs, &[u8])> {
    if b.len() < 15 || b[2] != b'-' || b[5] != b' ' || b[14] != b' ' {
        return None;
    }
    let month = time::two_digits(&b[0..2])?;
    let day = time::two_digits(&b[3..5])?;
    let (secs_of_day, nanos) = time::parse_clock(&b[6..14])?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let p = PartialTs {
        month,
        day,
        secs_of_day,
        nanos,
    };
    Some((p, &b[15..]))
}

/// The kubelet's timestamp (or stern's, which is the same) and one space.
/// An application's own ISO time followed by a run of spaces and a level is
/// a zap console line whose tabs became spaces, and stays in the body.
pub(super) fn timestamp(b: &[u8]) -> Option<(Ts, &[u8])> {
    if b.len() < 21 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' {
        return None;
    }
    let space = memchr::memchr(b' ', &b[..b.len().min(40)])?;
    let ts = match iso_utc(&b[..space]) {
        Some(ts) => ts,
        None => time::parse_iso(std::str::from_utf8(&b[..space]).ok()?)?,
    };
    let rest = &b[space + 1..];
    if rest.first() == Some(&b' ') && decode::spaced_console_header(b) {
        return None;
    }
    Some((ts, rest))
}

/// The kubelet's own form, `2026-11-20T03:00:01.123456789Z`, read without
/// chrono: every kubectl line has one (and Cloud Logs' metadata the same
/// without the `Z`, which `time::parse_iso` reads as UTC too). `None` for
/// anything else (another zone, a leap second, a year outside 1970-2199,
/// more than nine digits), which `time::parse_iso` reads as before.
pub(super) fn iso_utc(t: &[u8]) -> Option<Ts> {
    let t = t.strip_suffix(b"Z").unwrap_or(t);
    if t.len() < 19 || t[16] != b':' {
        return None;
    }
    let minute = minute_start(t[..16].try_into().ok()?)?;
    let ss = digits(&t[17..19])?;
    let nanos = match &t[19..] {
        [] => 0,
        [b'.', frac @ ..] if (1..=9).contains(&frac.len()) => {
            digits(frac)? * 10i64.pow(9 - frac.len() as u32)
        }
        _ => return None,
    };
    if ss > 59 {
        return None;
    }
    Some(Ts::from_nanos((minute + ss) * 1_000_000_000 + nanos))
}

/// The seconds since the epoch at `YYYY-MM-DDTHH:MM`. Lines come in time
/// order, so a thread's last answer is nearly always the next one's too,
/// and is kept: the date arithmetic was a third of the kubectl wrapper.
fn minute_start(head: [u8; 16]) -> Option<i64> {
    thread_local! {
        static LAST: Cell<Option<(u128, i64)>> = const { Cell::new(None) };
    }
    // The 16 bytes as one number: one comparison, not a call to compare bytes.
    let key = u128::from_ne_bytes(head);
    if let Some((last, secs)) = LAST.get() {
        if last == key {
            return Some(secs);
        }
    }
    let secs = civil_minute(&head)?;
    LAST.set(Some((key, secs)));
    Some(secs)
}

/// `YYYY-MM-DDTHH:MM` read field by field (the year 1970-2199, a real day of
/// its month), as seconds since the epoch.
fn civil_minute(t: &[u8; 16]) -> Option<i64> {
    if t[4] != b'-' || t[7] != b'-' || t[10] != b'T' || t[13] != b':' {
        return None;
    }
    let (y, m, d) = (digits(&t[0..4])?, digits(&t[5..7])?, digits(&t[8..10])?);
    let (hh, mm) = (digits(&t[11..13])?, digits(&t[14..16])?);
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days_in = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if !(1970..2200).contains(&y) || d < 1 || d > days_in || hh > 23 || mm > 59 {
        return None;
    }
    // Days since the epoch (Howard Hinnant's days_from_civil).
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3_600 + mm * 60)
}

/// A run of ASCII digits as a number; `None` if any byte is not one.
fn digits(s: &[u8]) -> Option<i64> {
    s.iter().try_fold(0i64, |n, &d| {
        d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0'))
    })
}

/// stern's `+ pod › container` / `- pod › container` pod markers.
pub(super) fn is_marker(line: &[u8]) -> bool {
    const ARROW: &[u8] = "›".as_bytes();
    (line.starts_with(b"+ ") || line.starts_with(b"- "))
        && memchr::memmem::find(line, ARROW).is_some()
}

#[cfg(test)]
mod fast_time_tests {
    use super::*;

    #[test]
    fn the_kubelet_form_reads_as_chrono_reads_it() {
        let mut cases = vec![
            "2026-11-20T03:00:01.123456789Z".to_string(),
            "2026-11-20T03:00:01Z".into(),
            "2026-11-20T03:00:01.5Z".into(),
            "1970-01-01T00:00:00Z".into(),
            "2199-12-31T23:59:59.999999999Z".into(),
            "2024-02-29T12:00:00.000001Z".into(),
            "2000-02-29T00:00:00Z".into(),
        ];
        for y in [1971, 1999, 2000, 2023, 2024, 2100] {
            for m in 1..=12 {
                for d in [1, 28, 29, 30, 31] {
                    cases.push(format!("{y}-{m:02}-{d:02}T23:59:59.000000001Z"));
                }
            }
        }
        for c in &cases {
            assert_eq!(iso_utc(c.as_bytes()), time::parse_iso(c), "{c}");
            let naive = c.trim_end_matches('Z');
            assert_eq!(iso_utc(naive.as_bytes()), time::parse_iso(naive), "{naive}");
        }
        // Left to chrono: the answer may still be a time, but not this one's.
        for c in [
            "2026-11-20T03:00:60Z",
            "2026-11-20T03:00:01.1234567891Z",
            "2026-11-20T03:00:01+00:00",
            "2026-11-20t03:00:01Z",
            "2026-11-20T03:00:01.Z",
            "2026-11-20T03:00:01.123+0530",
            "2026-11-20 03:00:01",
            " 2026-11-20T03:00:01",
            "2200-01-01T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-11-20T24:00:00Z",
        ] {
            assert_eq!(iso_utc(c.as_bytes()), None, "{c}");
        }
    }
}
