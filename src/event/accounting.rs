//! What was read: every line counted once.

use crate::time::Ts;
use serde::Serialize;

/// Every input line lands in exactly one of records, continuations, unparsed
/// or skipped.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Accounting {
    pub lines: u64,
    /// Lines in a recognised format that start a record.
    pub records: u64,
    /// Stack frames and other lines joined to the record above them.
    pub continuations: u64,
    /// Lines in no known format, kept and classified as plain text.
    pub unparsed: u64,
    /// Blank lines, envelope markers, and lines of other apps.
    pub skipped: u64,
    pub skipped_blank: u64,
    /// Envelope lines that carry no application line: stern's pod markers,
    /// Cloud Logs' SSE comments and `query_id`/`warning`/`error` events.
    pub skipped_markers: u64,
    pub skipped_other_apps: u64,
    /// Lines longer than the maximum, cut there (counted once each).
    pub truncated_lines: u64,
    /// LogDNA v2 page documents and Cloud Logs result events read (their
    /// entries count as lines).
    pub export_pages: u64,
    /// Rotation records also read from an earlier input (the same time, pod
    /// and line), counted there and left out here. Still counted as lines.
    pub merged: u64,
    /// The input runs newest first (LogDNA exports, a reversed log), by
    /// majority of its steps in time.
    pub newest_first: bool,
    /// Records the prefilter let through to full decoding.
    pub decoded: u64,
    pub first_ts: Option<Ts>,
    pub last_ts: Option<Ts>,
    /// The applications that records name in their own fields (`app`,
    /// `service`, ...) where the envelope named no container, up to
    /// [`MAX_APPS_NAMED`].
    #[serde(skip)]
    pub apps_named: std::collections::BTreeSet<String>,
}

/// Application names kept for the warning: a few say that there are several.
pub const MAX_APPS_NAMED: usize = 8;

impl Accounting {
    pub fn add(&mut self, o: &Accounting) {
        self.lines += o.lines;
        self.records += o.records;
        self.continuations += o.continuations;
        self.unparsed += o.unparsed;
        self.skipped += o.skipped;
        self.skipped_blank += o.skipped_blank;
        self.skipped_markers += o.skipped_markers;
        self.merged += o.merged;
        self.skipped_other_apps += o.skipped_other_apps;
        self.export_pages += o.export_pages;
        self.truncated_lines += o.truncated_lines;
        self.newest_first |= o.newest_first;
        self.decoded += o.decoded;
        self.see_ts(o.first_ts);
        self.see_ts(o.last_ts);
        for a in &o.apps_named {
            self.name_app(a);
        }
    }

    /// Notes an application a record names, while fewer than the bound are.
    pub fn name_app(&mut self, app: &str) {
        let app = app.trim();
        if !app.is_empty() && self.apps_named.len() < MAX_APPS_NAMED {
            self.apps_named.insert(app.to_string());
        }
    }

    pub fn see_ts(&mut self, ts: Option<Ts>) {
        let Some(ts) = ts else { return };
        self.first_ts = Some(self.first_ts.map_or(ts, |f| f.min(ts)));
        self.last_ts = Some(self.last_ts.map_or(ts, |l| l.max(ts)));
    }

    pub fn balanced(&self) -> bool {
        self.lines == self.records + self.continuations + self.unparsed + self.skipped
    }
}
