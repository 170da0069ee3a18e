//! zap's console encoder: `TIME\tLEVEL\t[LOGGER\t]CALLER\tMESSAGE\t{json fields}`.

use super::{json, Format, Level, Record};
use crate::time::{self, Ts};
use std::borrow::Cow;

pub fn has_header(b: &[u8]) -> bool {
    memchr::memchr(b'\t', &b[..b.len().min(40)]).is_some()
}

pub fn decode(line: &str) -> Option<Record<'_>> {
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
    if let Some(caller) = rest.iter().rev().find(|p| p.contains(".go:")) {
        rec.fields
            .push((Cow::Borrowed("caller"), Cow::Borrowed(caller)));
    }
    if let Some(f) = fields {
        rec.fields.extend(f.fields);
    }
    Some(rec)
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
}
