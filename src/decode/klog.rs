//! klog/glog: `Lmmdd hh:mm:ss.uuuuuu THREADID file:line] msg`, plain or
//! structured (`"msg" err="..." key="value"`).

use super::{kv, Format, Level, Record};
use crate::time::{self, PartialTs};
use std::borrow::Cow;

/// What glog and klog print before the header of a line logged before
/// `flag.Parse`, whatever the line's own level.
const BEFORE_FLAG_PARSE: &str = "ERROR: logging before flag.Parse: ";

/// The line without glog's `ERROR: logging before flag.Parse: `.
fn without_glog_prefix(b: &[u8]) -> &[u8] {
    b.strip_prefix(BEFORE_FLAG_PARSE.as_bytes()).unwrap_or(b)
}

/// `E0102 15:04:05.067890` and at least the thread id after it.
pub fn has_header(b: &[u8]) -> bool {
    let b = without_glog_prefix(b);
    b.len() > 22
        && matches!(b[0], b'I' | b'W' | b'E' | b'F')
        && b[1..5].iter().all(u8::is_ascii_digit)
        && b[5] == b' '
        && time::parse_clock(&b[6..21]).is_some()
}

pub fn decode(line: &str) -> Option<Record<'_>> {
    let line = line.strip_prefix(BEFORE_FLAG_PARSE).unwrap_or(line);
    let b = line.as_bytes();
    if !has_header(b) {
        return None;
    }
    let partial = header_time(b)?;
    let close = line.find("] ")?;
    let body = &line[close + 2..];
    let mut rec = structured(body).unwrap_or_else(|| Record::new(Format::Klog, body));
    rec.format = Format::Klog;
    rec.partial_ts = Some(partial);
    rec.level = Level::parse(&line[..1]);
    if let Some(caller) = line
        .get(21..close)
        .and_then(|h| h.split_whitespace().nth(1))
    {
        rec.fields
            .push((Cow::Borrowed("caller"), Cow::Borrowed(caller)));
    }
    Some(rec)
}

fn header_time(b: &[u8]) -> Option<PartialTs> {
    let month = time::two_digits(&b[1..3])?;
    let day = time::two_digits(&b[3..5])?;
    let (secs_of_day, nanos) = time::parse_clock(&b[6..21])?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(PartialTs {
        month,
        day,
        secs_of_day,
        nanos,
    })
}

/// The structured form: a quoted message, then key/value pairs.
fn structured(body: &str) -> Option<Record<'_>> {
    if !body.starts_with('"') {
        return None;
    }
    let end = kv::closing_quote(body)?;
    let (fields, rest) = kv::pairs(&body[end + 1..]);
    if !rest.trim().is_empty() {
        return None;
    }
    let mut rec = Record::new(Format::Klog, kv::unquote(&body[..=end]));
    rec.fields = fields;
    Some(rec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structured_form() {
        let r = decode(r#"E0102 15:04:05.067890    1234 rotate.go:88] "Failed to update pod status" err="update status failed" pod="kubedns""#).unwrap();
        assert_eq!(r.level, Level::Error);
        assert_eq!(r.message, "Failed to update pod status");
        assert_eq!(r.error(), Some("update status failed"));
        assert_eq!(r.field("pod"), Some("kubedns"));
        assert_eq!(r.field("caller"), Some("rotate.go:88"));
        let p = r.partial_ts.unwrap();
        assert_eq!((p.month, p.day, p.nanos), (1, 2, 67_890_000));
    }

    #[test]
    fn plain_form_keeps_the_message_whole() {
        let r = decode("I1120 03:00:01.000000       1 rotate.go:60] Starting rotation for cluster c1 (CorrID=a1)").unwrap();
        assert_eq!(r.level, Level::Info);
        assert_eq!(r.message, "Starting rotation for cluster c1 (CorrID=a1)");
        assert!(r.fields.iter().all(|(k, _)| k == "caller"));
    }

    #[test]
    fn glogs_prefix_before_flag_parse_does_not_set_the_level() {
        let line = "ERROR: logging before flag.Parse: I1120 03:00:01.000000       1 rotate.go:60] Starting rotation for cluster c1";
        assert!(has_header(line.as_bytes()));
        let r = decode(line).unwrap();
        assert_eq!(r.level, Level::Info);
        assert_eq!(r.message, "Starting rotation for cluster c1");
        assert_eq!(r.field("caller"), Some("rotate.go:60"));
        let r =
            decode("ERROR: logging before flag.Parse: E1120 03:00:01.000000       1 x.go:1] boom")
                .unwrap();
        assert_eq!(r.level, Level::Error);
        assert!(decode("ERROR: logging before flag.Parse: no header").is_none());
    }

    #[test]
    fn near_misses_are_not_klog() {
        assert!(decode("E1399 15:04:05.067890    1 x.go:1] m").is_none());
        assert!(decode("Error: something").is_none());
        assert!(decode("I0102 15:04:05.067890 no bracket").is_none());
    }
}
