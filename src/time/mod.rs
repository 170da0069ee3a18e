//! Timestamps as UTC nanoseconds, and the parsers for every shape the inputs use.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use std::fmt;
use std::num::NonZeroU64;

/// A point in time: nanoseconds since the Unix epoch, UTC.
///
/// An `i64` spans the years 1677 to 2262, which bounds every timestamp we accept;
/// anything outside is treated as "no timestamp" rather than wrapped.
///
/// Stored in offset binary (the sign bit flipped), which keeps the order of
/// the `i64` and leaves zero free, so that `Option<Ts>` takes 8 bytes, not 16:
/// every event, attempt and cluster holds a few. The one value it cannot hold,
/// `i64::MIN`, reads as one nanosecond later.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ts(NonZeroU64);

const SIGN: u64 = 1 << 63;

const NANOS: i64 = 1_000_000_000;

impl Ts {
    pub fn from_nanos(n: i64) -> Ts {
        Ts(NonZeroU64::new(n as u64 ^ SIGN).unwrap_or(NonZeroU64::MIN))
    }

    pub fn nanos(self) -> i64 {
        (self.0.get() ^ SIGN) as i64
    }

    /// Whole seconds from `earlier` to this time. Exact over the whole
    /// range: from 1677 to 2262 is more nanoseconds than an `i64` holds.
    pub fn secs_since(self, earlier: Ts) -> i64 {
        ((i128::from(self.nanos()) - i128::from(earlier.nanos())) / i128::from(NANOS)) as i64
    }

    /// Nanoseconds from `earlier` to this time, as `i128` for the same reason.
    pub fn nanos_since(self, earlier: Ts) -> i128 {
        i128::from(self.nanos()) - i128::from(earlier.nanos())
    }

    /// The time halfway between two.
    pub fn midpoint(self, other: Ts) -> Ts {
        Ts::from_nanos(((i128::from(self.nanos()) + i128::from(other.nanos())) / 2) as i64)
    }

    pub fn from_datetime(dt: DateTime<Utc>) -> Option<Ts> {
        dt.timestamp_nanos_opt().map(Ts::from_nanos)
    }

    pub fn to_datetime(self) -> DateTime<Utc> {
        DateTime::from_timestamp_nanos(self.nanos())
    }

    /// RFC 3339 with the shortest exact fraction, in UTC (`2026-11-20T03:00:01Z`).
    pub fn rfc3339(self) -> String {
        self.to_datetime()
            .to_rfc3339_opts(SecondsFormat::AutoSi, true)
    }

    /// Epoch seconds as zap writes them: `1634915134.4170897` or `1.6836474195594983e+09`.
    pub fn from_epoch_secs(s: f64) -> Option<Ts> {
        // Values below 1e9 are not plausible log times (before 2001) and are
        // usually a misread field; refusing them keeps garbage out of the window.
        if !s.is_finite() || !(1.0e9..9.2e9).contains(&s) {
            return None;
        }
        // A double holds about sixteen digits: ten of seconds leave six of
        // fraction, so anything past microseconds is noise, not precision.
        let whole = s.trunc();
        let micros = ((s - whole) * 1e6).round() as i64;
        Some(Ts::from_nanos(whole as i64 * NANOS + micros * 1000))
    }

    /// Epoch milliseconds, as LogDNA's `_ts`.
    pub fn from_epoch_millis(ms: i64) -> Option<Ts> {
        ms.checked_mul(1_000_000).map(Ts::from_nanos)
    }

    pub fn year(self) -> i32 {
        self.to_datetime().year()
    }

    pub fn saturating_sub(self, d: std::time::Duration) -> Ts {
        Ts::from_nanos(self.nanos().saturating_sub(duration_nanos(d)))
    }
}

impl fmt::Debug for Ts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ts({})", self.nanos())
    }
}

impl fmt::Display for Ts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

impl serde::Serialize for Ts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.rfc3339())
    }
}

fn duration_nanos(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)
}

/// RFC 3339 / ISO 8601 with a date: `2026-11-20T03:00:01.123456789Z`,
/// `2020-09-08T10:46:12.404+0530`, `2015-03-26T01:27:38-04:00`.
pub fn parse_iso(s: &str) -> Option<Ts> {
    let s = s.trim();
    if s.len() < 19 || !s.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Ts::from_datetime(dt.with_timezone(&Utc));
    }
    // zap's ISO8601 encoder writes the offset without a colon (`+0530`).
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(dt) = DateTime::parse_from_str(s, fmt) {
            return Ts::from_datetime(dt.with_timezone(&Utc));
        }
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(dt) = NaiveDateTime::parse_from_str(s, fmt) {
            return Ts::from_datetime(dt.and_utc());
        }
    }
    None
}

/// A time of day with month and day but no year (klog, stern's short form).
/// Ordered within a year: month, day, then time of day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PartialTs {
    pub month: u32,
    pub day: u32,
    pub secs_of_day: u32,
    pub nanos: u32,
}

impl PartialTs {
    /// Completes the date with the year that puts it nearest `hint`, another
    /// time from the same input, before or after it (a log read across New
    /// Year takes the right side). With no hint, the clock's year, stepping
    /// back a year when that would put the line more than a day in the future.
    pub fn complete(self, hint: Option<Ts>) -> Option<Ts> {
        let Some(hint) = hint else {
            return self.complete_from_clock(now());
        };
        let year = hint.year();
        [year - 1, year, year + 1]
            .into_iter()
            .filter_map(|y| self.with_year(y))
            .min_by_key(|t| t.nanos().abs_diff(hint.nanos()))
    }

    fn complete_from_clock(self, now: Ts) -> Option<Ts> {
        let year = now.year();
        let this = self.with_year(year)?;
        if this.nanos() > now.nanos().saturating_add(86_400 * NANOS) {
            return self.with_year(year - 1);
        }
        Some(this)
    }

    fn with_year(self, year: i32) -> Option<Ts> {
        let date = NaiveDate::from_ymd_opt(year, self.month, self.day)?;
        let t =
            chrono::NaiveTime::from_num_seconds_from_midnight_opt(self.secs_of_day, self.nanos)?;
        Ts::from_datetime(date.and_time(t).and_utc())
    }
}

pub fn now() -> Ts {
    Ts::from_datetime(Utc::now()).unwrap_or(Ts::from_nanos(0))
}

/// Parses `HH:MM:SS[.frac]` into seconds of day and nanoseconds.
pub fn parse_clock(s: &[u8]) -> Option<(u32, u32)> {
    if s.len() < 8 || s[2] != b':' || s[5] != b':' {
        return None;
    }
    let h = two_digits(&s[0..2])?;
    let m = two_digits(&s[3..5])?;
    let sec = two_digits(&s[6..8])?;
    if h > 23 || m > 59 || sec > 60 {
        return None;
    }
    let nanos = match s.get(8) {
        Some(b'.') => parse_fraction(&s[9..])?,
        None => 0,
        Some(_) => return None,
    };
    Some((h * 3600 + m * 60 + sec.min(59), nanos))
}

fn parse_fraction(digits: &[u8]) -> Option<u32> {
    if digits.is_empty() || digits.len() > 9 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut n: u32 = 0;
    for d in digits {
        n = n * 10 + u32::from(d - b'0');
    }
    Some(n * 10u32.pow(9 - digits.len() as u32))
}

pub fn two_digits(s: &[u8]) -> Option<u32> {
    match s {
        [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => {
            Some(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
        }
        _ => None,
    }
}

/// A user-supplied point in time: RFC 3339, or epoch seconds or milliseconds.
pub fn parse_point(s: &str) -> Option<Ts> {
    if let Some(ts) = parse_iso(s) {
        return Some(ts);
    }
    let n: i64 = s.trim().parse().ok()?;
    // Thirteen digits and more are milliseconds; Mezmo's API takes both.
    if n.abs() >= 100_000_000_000 {
        Ts::from_epoch_millis(n)
    } else {
        n.checked_mul(NANOS).map(Ts::from_nanos)
    }
}

/// A user-supplied span such as `15m`, `2h`, `1h30m` or `1d`.
pub fn parse_span(s: &str) -> Result<std::time::Duration, String> {
    let s = s.trim();
    // humantime suggests `15sec` for a bare `15`; a window is minutes long.
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "a span needs a unit: {s}m for {s} minutes (units: s, m, h, d)"
        ));
    }
    humantime::parse_duration(s).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests;
