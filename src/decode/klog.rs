//! klog/glog: `Lmmdd hh:mm:ss.uuuuuu THREADID file:line] msg`, plain or
//! structured (`"msg" err="..." key="value"`).

mod multiline;

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

/// A klog record whose structured values may go on into `cont`, the
/// continuation lines under it (each after a `\n`): klog's multi-line form
/// (`key=<`, tab-indented lines, then ` >` and the pairs that follow) or a
/// quoted value with raw newlines. Returns the record and the continuation
/// lines its values did not take.
pub fn decode_lines<'a>(line: &'a str, cont: &'a str) -> Option<(Record<'a>, &'a str)> {
    let mut rec = decode(line)?;
    let body = body(line)?;
    let open =
        body.starts_with('"') && (body.trim_end().ends_with("=<") || structured(body).is_none());
    if cont.is_empty() || !open {
        return Some((rec, cont));
    }
    let text = format!("{body}{cont}");
    let parsed = multiline::structured(&text).filter(|p| p.end >= body.len());
    let Some(p) = parsed else {
        return Some((rec, cont));
    };
    rec.message = Cow::Owned(p.message);
    let caller = rec.fields.pop().filter(|(k, _)| k == "caller");
    rec.fields = p
        .fields
        .into_iter()
        .map(|(k, v)| (Cow::Owned(k), Cow::Owned(v)))
        .chain(caller)
        .collect();
    Some((rec, &cont[p.end - body.len()..]))
}

/// The text after the header's `] `.
fn body(line: &str) -> Option<&str> {
    let line = line.strip_prefix(BEFORE_FLAG_PARSE).unwrap_or(line);
    line.find("] ").map(|close| &line[close + 2..])
}

/// The header's time, glog's prefix allowed; None when there is no header.
pub fn header_partial(b: &[u8]) -> Option<PartialTs> {
    let b = without_glog_prefix(b);
    if has_header(b) {
        header_time(b)
    } else {
        None
    }
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
    fn multi_line_values_keep_the_fields_after_them() {
        let head =
            r#"E1120 03:00:04.000000       1 rotate.go:142] "Rotation attempt failed" err=<"#;
        let cont = "\n\tfailed to update WDEK secret:\n\tetcdserver: request timed out\n > clusterID=\"c1\" attempt=2\ngoroutine 1 [running]:";
        let (r, rest) = decode_lines(head, cont).unwrap();
        assert_eq!(r.message, "Rotation attempt failed");
        assert_eq!(
            r.error(),
            Some("failed to update WDEK secret:\netcdserver: request timed out")
        );
        assert_eq!(r.field("clusterID"), Some("c1"));
        assert_eq!(r.field("attempt"), Some("2"));
        assert_eq!(r.field("caller"), Some("rotate.go:142"));
        assert_eq!(r.level, Level::Error);
        assert_eq!(rest, "\ngoroutine 1 [running]:");
    }

    #[test]
    fn quoted_values_with_raw_newlines_keep_the_fields_after_them() {
        let head = r#"E1120 03:00:04.000000       1 rotate.go:142] "Rotation attempt failed" err="failed to update WDEK secret:"#;
        let cont = "\n\tetcdserver: leader changed\" clusterID=\"c1\"\n\tat frame";
        let (r, rest) = decode_lines(head, cont).unwrap();
        assert_eq!(
            r.error(),
            Some("failed to update WDEK secret:\n\tetcdserver: leader changed")
        );
        assert_eq!(r.field("clusterID"), Some("c1"));
        assert_eq!(rest, "\n\tat frame");
    }

    #[test]
    fn single_line_records_leave_continuations_alone() {
        let head = r#"E1120 03:00:04.000000       1 x.go:1] "m" err="e" a="b""#;
        let (r, rest) = decode_lines(head, "\n\tframe").unwrap();
        assert_eq!((r.error(), rest), (Some("e"), "\n\tframe"));
        // An unclosed value with nothing to close it stays as it was.
        let head = r#"E1120 03:00:04.000000       1 x.go:1] "m" err=<"#;
        let (r, rest) = decode_lines(head, "\nunrelated").unwrap();
        assert_eq!((r.error(), rest), (Some("<"), "\nunrelated"));
        let head = r#"E1120 03:00:04.000000       1 x.go:1] "m" err="never"#;
        let (r, rest) = decode_lines(head, "\n\tclosed").unwrap();
        assert_eq!(rest, "\n\tclosed");
        assert!(r.message.starts_with('"'));
    }

    #[test]
    fn near_misses_are_not_klog() {
        assert!(decode("E1399 15:04:05.067890    1 x.go:1] m").is_none());
        assert!(decode("Error: something").is_none());
        assert!(decode("I0102 15:04:05.067890 no bracket").is_none());
    }
}
