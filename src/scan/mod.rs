//! Drives one input through the first three stages: lines from `source`,
//! wrappers and formats from `decode`, categories from `classify`, and
//! hands each event to a [`Sink`] as soon as its record is complete.
//!
//! A record is its head line plus the continuation lines under it. Heads are
//! copied into small per-pod buffers (kubectl `-f` interleaves pods, never
//! partial lines), and only records that pass the prefilter are decoded.
//! An envelope (`crate::envelope`) gives each line's body, time, pod (the
//! grouping key) and level; CRI and Docker partial lines are joined here.
//!
//! The stages of the record builder live one per file: `records` groups
//! lines into records per pod, `build` turns a finished record into an event
//! and keeps the accounting, `order` follows time through the input, and
//! `entries` takes the entries of JSON envelopes. A batch scan (`Scanner`)
//! and a live one (`Feed`) drive the same builder.

use crate::classify::Classifier;
use crate::envelope::Note;
use crate::error::Error;
use crate::event::{Accounting, Event};
use crate::orphans::Orphans;
use crate::redact::Redactor;
use crate::time::Ts;
use std::io::Read;

/// Continuation text kept per record for classification; a runaway stack
/// beyond this is still counted, line by line.
const MAX_CONTINUATION: usize = 64 * 1024;
const MAX_MESSAGE: usize = 480;
/// Fields that describe the logger, not the failure.
const NOT_TEXT: &[&str] = &["caller", "logger", "stacktrace"];
/// Source notes kept per input.
const MAX_NOTES: usize = 20;

mod build;
mod entries;
pub mod explain;
mod intern;
mod order;
mod pipeline;
mod pre;
mod prepare;
mod records;
mod sink;
mod text;

pub use order::Settlement;
use order::{Order, Years};
use records::Group;
pub use sink::{Collected, Sink};

pub struct Scanner<'a> {
    pub classifier: &'a Classifier,
    pub redactor: &'a Redactor,
    /// Keep only the lines of this app (None: every app): LogDNA's `_app`
    /// or `container`, the container kubectl `--prefix` or stern names.
    pub app: Option<&'a str>,
    /// Worker threads for the pre-pass; 1 scans inline on the calling thread.
    pub threads: usize,
}

/// One input's events, and what was counted while reading it.
pub struct Scanned {
    /// In the order their records completed.
    pub events: Vec<Event>,
    /// Each event's identity for merging overlapping inputs: its time (to
    /// the millisecond) and its text.
    pub keys: Vec<u64>,
    pub acct: Accounting,
    /// What the sources said about their own result (Cloud Logs warnings
    /// and errors), redacted, in order, at most `MAX_NOTES`.
    pub notes: Vec<Note>,
    pub orphans: Orphans,
    /// Its folds stand for what they hide, as far as the scan can tell
    /// (see `Collected::exact`).
    pub exact: bool,
}

/// What the end of an input leaves besides its events: the accounting and
/// what the source said of its own result.
#[derive(Clone, Default)]
pub struct Ending {
    pub acct: Accounting,
    pub notes: Vec<Note>,
}

impl Ending {
    /// The input's result: its accounting, with the events a `Collected`
    /// sink kept (already settled, see `Sink::settle`).
    pub fn settle(self, collected: Collected) -> Scanned {
        let exact = collected.exact();
        let (events, keys, orphans) = collected.into_parts();
        Scanned {
            events,
            keys,
            acct: self.acct,
            notes: self.notes,
            orphans,
            exact,
        }
    }
}

impl<'a> Scanner<'a> {
    /// A scanner with the defaults: every app, on the calling thread. Set
    /// the fields to change them; callers built this way survive new ones.
    pub fn new(classifier: &'a Classifier, redactor: &'a Redactor) -> Scanner<'a> {
        Scanner {
            classifier,
            redactor,
            app: None,
            threads: 1,
        }
    }

    /// Scans one input. A read error (a truncated gzip, a failing disk)
    /// ends the input but keeps what was read before it: the error comes
    /// back beside the partial result, never instead of it.
    pub fn scan(
        &self,
        input: u32,
        name: &str,
        gzip: bool,
        rdr: impl Read + Send,
    ) -> (Scanned, Option<Error>) {
        let mut sink = Collected::default();
        let (ending, error) = self.scan_into(input, name, gzip, rdr, &mut sink);
        (ending.settle(sink), error)
    }

    /// Scans one input into `sink`, event by event.
    pub fn scan_into(
        &self,
        input: u32,
        name: &str,
        gzip: bool,
        rdr: impl Read + Send,
        sink: &mut dyn Sink,
    ) -> (Ending, Option<Error>) {
        let mut feed = self.feed(input);
        let failure = self.read_into(&mut feed, name, gzip, rdr, sink);
        (feed.finish(sink), failure)
    }

    /// Reads `rdr` to its end into `feed`, on `threads` workers. A read
    /// error ends the reading; every line before it has been fed.
    pub fn read_into(
        &self,
        feed: &mut Feed<'_, 'a>,
        name: &str,
        gzip: bool,
        rdr: impl Read + Send,
        sink: &mut dyn Sink,
    ) -> Option<Error> {
        let error = if self.threads > 1 {
            pipeline::threaded(self, feed, rdr, self.threads, sink)
        } else {
            pipeline::sequential(feed, rdr, sink)
        };
        let lines = feed.st.acct.lines;
        error.map(|cause| read_error(name, gzip, lines, cause))
    }

    /// A scan fed line by line, for a stream that is still being written.
    pub fn feed(&self, input: u32) -> Feed<'_, 'a> {
        Feed {
            st: State::new(self, input),
            lineno: 0,
            entries: pre::Entries::default(),
        }
    }
}

fn read_error(name: &str, gzip: bool, lines: u64, cause: std::io::Error) -> Error {
    if gzip {
        Error::Gzip {
            path: name.to_string(),
            lines,
            cause,
        }
    } else {
        Error::Read {
            path: name.to_string(),
            cause,
        }
    }
}

/// A scan driven from outside, one line at a time, for lines that arrive
/// as they are written. The same lines give the same events as a batch
/// scan; a clone finished early gives what a batch scan of the lines so far
/// would (a snapshot).
#[derive(Clone)]
pub struct Feed<'s, 'a> {
    st: State<'s, 'a>,
    /// Physical lines so far (a JSON envelope line may hold many entries).
    lineno: u64,
    /// The entries of the line being fed, reused line after line.
    entries: pre::Entries,
}

impl Feed<'_, '_> {
    /// One line, without its newline; `truncated` when it was cut at the
    /// reader's maximum.
    pub fn line(&mut self, line: &[u8], truncated: bool, sink: &mut dyn Sink) {
        let mut entries = std::mem::take(&mut self.entries);
        let p = pre::pre(line, self.st.scanner, &mut entries);
        self.take(line, p, &mut entries, truncated, sink);
        // Emptied (its room kept): a snapshot's copy of the feed copies none.
        entries.clear();
        self.entries = entries;
    }

    /// One line whose pre-pass is done (perhaps on another thread).
    fn take(
        &mut self,
        line: &[u8],
        p: pre::Pre,
        entries: &mut pre::Entries,
        truncated: bool,
        sink: &mut dyn Sink,
    ) {
        self.lineno += 1;
        self.st.line(self.lineno, line, p, entries);
        if truncated {
            self.st.acct.truncated_lines += 1;
        }
        self.st.drain(sink);
    }

    /// Lines read so far.
    pub fn lines(&self) -> u64 {
        self.st.acct.lines
    }

    /// Time runs backwards through the input so far (an export, newest first).
    pub fn newest_first(&self) -> bool {
        self.st.order.newest_first()
    }

    /// The latest full time seen so far.
    pub fn last_ts(&self) -> Option<Ts> {
        self.st.last_ts
    }

    /// Ends the input: the records still open are closed, and the sink
    /// settles what it kept.
    pub fn finish(mut self, sink: &mut dyn Sink) -> Ending {
        self.st.finish();
        self.st.drain(sink);
        let mut acct = self.st.acct;
        acct.newest_first = self.st.order.newest_first();
        self.st.years.see_span(&mut acct);
        sink.settle(&Settlement::new(self.st.years, acct.newest_first));
        Ending {
            acct,
            notes: self.st.notes,
        }
    }
}

/// The record builder's state for one input.
#[derive(Clone)]
struct State<'s, 'a> {
    scanner: &'s Scanner<'a>,
    input: u32,
    groups: Vec<Group>,
    /// Groups holding pieces of a line not yet ended.
    waiting: usize,
    /// Events built and not yet handed to the sink, with their keys and
    /// whether each is an orphan.
    out: Vec<(Event, u64, bool)>,
    /// Events (not orphans) handed on so far: the index of the next one.
    emitted: usize,
    notes: Vec<Note>,
    acct: Accounting,
    last_ts: Option<Ts>,
    seq: i64,
    order: Order,
    years: Years,
    /// The input holds LogDNA export lines.
    exported: bool,
}

impl<'s, 'a> State<'s, 'a> {
    fn new(scanner: &'s Scanner<'a>, input: u32) -> Self {
        State {
            scanner,
            input,
            groups: Vec::new(),
            waiting: 0,
            out: Vec::new(),
            emitted: 0,
            notes: Vec::new(),
            acct: Accounting::default(),
            last_ts: None,
            seq: 0,
            order: Order::default(),
            years: Years::default(),
            exported: false,
        }
    }

    /// Hands the events built so far to the sink.
    fn drain(&mut self, sink: &mut dyn Sink) {
        for (e, key, orphan) in self.out.drain(..) {
            if orphan {
                sink.orphan(e, key);
            } else {
                sink.event(e, key);
            }
        }
    }

    /// Queues an event for the sink; returns its index among the input's
    /// events.
    fn emit(&mut self, e: Event, key: u64) -> usize {
        self.out.push((e, key, false));
        self.emitted += 1;
        self.emitted - 1
    }

    fn emit_orphan(&mut self, e: Event, key: u64) {
        self.out.push((e, key, true));
    }

    fn line(&mut self, lineno: u64, raw: &[u8], pre: pre::Pre, entries: &mut pre::Entries) {
        let (stripped, unwrapped, judged) = match pre {
            pre::Pre::Opened {
                paged,
                pages,
                items,
                notes,
            } => return self.opened(lineno, (paged, pages), items, notes, entries),
            pre::Pre::Line {
                stripped,
                unwrapped,
                judged,
            } => (stripped, unwrapped, judged),
        };
        self.acct.lines += 1;
        let raw = stripped.as_deref().unwrap_or(raw);
        match unwrapped {
            pre::Unwrapped::SternMarker => self.skip_marker(),
            pre::Unwrapped::Blank => self.skip_blank(),
            pre::Unwrapped::OtherApp => self.skip_other_app(),
            content => {
                let w = content.wrapped(raw).expect("a content shape unwraps");
                let pos = crate::event::SourcePos::new(self.input, lineno, None);
                self.piece(pos, w, judged, crate::decode::Level::Unknown)
            }
        }
    }

    fn skip_blank(&mut self) {
        self.acct.skipped += 1;
        self.acct.skipped_blank += 1;
    }

    fn skip_other_app(&mut self) {
        self.acct.skipped += 1;
        self.acct.skipped_other_apps += 1;
    }

    fn skip_marker(&mut self) {
        self.acct.skipped += 1;
        self.acct.skipped_markers += 1;
    }

    /// The input ended: every record still open is complete.
    fn finish(&mut self) {
        for gi in 0..self.groups.len() {
            self.unended(gi);
            self.flush(gi, true);
        }
    }
}
