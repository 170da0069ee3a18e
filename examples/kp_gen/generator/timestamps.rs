//! Calendar times of log time, through chrono.

use super::json::{json_str, json_val};
use super::records::{Entry, Val};
use super::NS;
use chrono::DateTime;
use std::fmt::Write as _;

/// UTC time of epoch nanoseconds. Log time starts in 2026 and runs for days at most, so it is
/// always in chrono's range.
fn utc(t_ns: u64) -> chrono::DateTime<chrono::Utc> {
    DateTime::from_timestamp((t_ns / NS) as i64, (t_ns % NS) as u32)
        .expect("log time within chrono's range")
}

/// `2026-11-20T00:00:00.005Z`.
pub(crate) fn iso_ms(t_ns: u64) -> String {
    utc(t_ns).format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Formats the date part once per second of log time: a few thousand records share each one.
#[derive(Default)]
pub(crate) struct TsCache {
    sec: u64,
    /// `2026-11-20T00:00:00`
    rfc: String,
    /// `1120 00:00:00`
    klog: String,
}

impl TsCache {
    fn at(&mut self, sec: u64) {
        if sec != self.sec || self.rfc.is_empty() {
            let t = utc(sec * NS);
            self.sec = sec;
            self.rfc.clear();
            let _ = write!(self.rfc, "{}", t.format("%Y-%m-%dT%H:%M:%S"));
            self.klog.clear();
            let _ = write!(self.klog, "{}", t.format("%m%d %H:%M:%S"));
        }
    }

    /// The kubelet's nine-digit RFC 3339 time.
    pub(crate) fn push_kubelet(&mut self, out: &mut String, t_ns: u64) {
        self.at(t_ns / NS);
        out.push_str(&self.rfc);
        let _ = write!(out, ".{:09}Z", t_ns % NS);
    }

    /// Cloud Logs' metadata time: `2026-11-20T03:00:01.000` (UTC, milliseconds, no zone).
    pub(crate) fn push_cloud_logs(&mut self, out: &mut String, t_ns: u64) {
        self.at(t_ns / NS);
        out.push_str(&self.rfc);
        let _ = write!(out, ".{:03}", (t_ns % NS) / 1_000_000);
    }

    /// `E1120 03:00:04.000000       1 rotate.go:142] "msg" err="..." key="value"`.
    pub(crate) fn push_klog(&mut self, out: &mut String, e: &Entry) {
        self.at(e.t_ns / NS);
        out.push(e.level.klog());
        out.push_str(&self.klog);
        let file_line = e.caller.rsplit('/').next().unwrap_or(e.caller);
        let _ = write!(out, ".{:06} {:>7} {file_line}] ", (e.t_ns % NS) / 1_000, 1);
        json_str(out, &e.msg);
        // klog's logr sink writes the logger's name as the first pair.
        out.push_str(" logger=");
        json_str(out, e.logger);
        if let Some(err) = &e.error {
            out.push_str(" err=");
            json_str(out, err);
        }
        for (k, v) in &e.fields {
            out.push(' ');
            out.push_str(k);
            out.push('=');
            match v {
                // The rotation code passes its ids as strings: attempt="1".
                Val::I(i) if e.rotation => {
                    let _ = write!(out, "\"{i}\"");
                }
                v => json_val(out, v),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    // Paths rather than `use`: benches/micro.rs builds this module with cfg(test) but without
    // the test harness, where imports only the tests need would be unused.
    #[test]
    fn civil_time() {
        let mut c = super::TsCache::default();
        c.at(super::super::START_EPOCH);
        assert_eq!(
            (c.rfc.as_str(), c.klog.as_str()),
            ("2026-11-20T00:00:00", "1120 00:00:00")
        );
        c.at(1_795_143_604);
        assert_eq!(
            (c.rfc.as_str(), c.klog.as_str()),
            ("2026-11-20T03:00:04", "1120 03:00:04")
        );
        assert_eq!(
            super::iso_ms(super::super::START_EPOCH * super::NS + 5_000_000),
            "2026-11-20T00:00:00.005Z"
        );
    }
}
