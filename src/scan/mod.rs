//! Drives one input through the first three stages: lines from `source`,
//! wrappers and formats from `decode`, categories from `classify`.
//!
//! A record is its head line plus the continuation lines under it. Heads are
//! copied into small per-pod buffers (kubectl `-f` interleaves pods, never
//! partial lines), and only records that pass the prefilter are decoded.
//! An envelope (`crate::envelope`) gives each line's body, time, pod (the
//! grouping key) and level; CRI and Docker partial lines are joined here.

use crate::classify::{self, Classifier};
use crate::decode::{self, continuation, Format, Level, Record};
use crate::envelope::{self, text as transport, Note};
use crate::error::Error;
use crate::event::{Accounting, Event, SourcePos};
use crate::redact::Redactor;
use crate::time::{PartialTs, Ts};
use std::borrow::Cow;
use std::io::Read;

/// Continuation text kept per record for classification; a runaway stack
/// beyond this is still counted, line by line.
const MAX_CONTINUATION: usize = 64 * 1024;
const MAX_MESSAGE: usize = 480;
/// Fields that describe the logger, not the failure.
const NOT_TEXT: &[&str] = &["caller", "logger", "stacktrace"];

mod entries;
pub mod explain;
mod order;
mod pipeline;
mod pre;
mod text;

use entries::overlap_key;
use order::{Order, Years};
use pre::Pre;
use text::{one_line, summary};

pub struct Scanner<'a> {
    pub classifier: &'a Classifier,
    pub redactor: &'a Redactor,
    /// Keep only the lines of this app (None: every app): LogDNA's `_app`
    /// or `container`, the container kubectl `--prefix` or stern names.
    pub app: Option<&'a str>,
    /// Worker threads for the pre-pass; 1 scans inline on the calling thread.
    pub threads: usize,
}

pub struct Scanned {
    pub events: Vec<Event>,
    /// Each event's identity for merging overlapping inputs: its time (to
    /// the millisecond) and its text.
    pub keys: Vec<u64>,
    pub acct: Accounting,
    /// What the sources said about their own result (Cloud Logs warnings
    /// and errors), redacted, in order, at most `MAX_NOTES`.
    pub notes: Vec<Note>,
}

/// Source notes kept per input.
const MAX_NOTES: usize = 20;

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
        let mut st = State::new(self, input);
        let error = if self.threads > 1 {
            pipeline::threaded(self, &mut st, rdr, self.threads)
        } else {
            pipeline::sequential(self, &mut st, rdr)
        };
        let lines = st.acct.lines;
        st.finish();
        let failure = error.map(|cause| {
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
        });
        (
            Scanned {
                events: st.events,
                keys: st.keys,
                acct: st.acct,
                notes: st.notes,
            },
            failure,
        )
    }
}

/// The record being gathered for one pod.
#[derive(Default)]
struct Group {
    pod: Vec<u8>,
    active: bool,
    pos: Option<SourcePos>,
    seq: i64,
    body: Vec<u8>,
    transport_ts: Option<Ts>,
    partial_ts: Option<PartialTs>,
    /// The latest full time seen before this record: year hint and sort key.
    carry: Option<Ts>,
    cont: Vec<u8>,
    candidate: bool,
    /// Newest-first exports list a record's continuation lines before it.
    tail: Vec<u8>,
    tail_candidate: bool,
    /// The envelope's level, for a record that states none.
    level: Level,
    /// CRI `P` / Docker pieces of a line not yet ended.
    pieces: Vec<u8>,
}

struct State<'s, 'a> {
    scanner: &'s Scanner<'a>,
    input: u32,
    groups: Vec<Group>,
    /// Groups holding pieces of a line not yet ended.
    waiting: usize,
    events: Vec<Event>,
    keys: Vec<u64>,
    notes: Vec<Note>,
    acct: Accounting,
    last_ts: Option<Ts>,
    seq: i64,
    order: Order,
    years: Years,
    /// The input holds LogDNA export lines.
    exported: bool,
}

/// stern colours pod names, and escapes would hide words from the prefilter.
/// Only the escape sequences go: tabs separate zap console's fields.
fn without_ansi(b: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memchr(0x1b, b).is_some() {
        Cow::Owned(envelope::ansi::strip(b))
    } else {
        Cow::Borrowed(b)
    }
}

impl<'s, 'a> State<'s, 'a> {
    fn new(scanner: &'s Scanner<'a>, input: u32) -> Self {
        State {
            scanner,
            input,
            groups: Vec::new(),
            waiting: 0,
            events: Vec::new(),
            keys: Vec::new(),
            notes: Vec::new(),
            acct: Accounting::default(),
            last_ts: None,
            seq: 0,
            order: Order::default(),
            years: Years::default(),
            exported: false,
        }
    }

    fn line(&mut self, lineno: u64, raw: &[u8], pre: Pre) {
        let (stripped, unwrapped, candidate) = match pre {
            Pre::Opened {
                paged,
                pages,
                items,
                notes,
            } => return self.opened(lineno, (paged, pages), items, notes),
            Pre::Line {
                stripped,
                unwrapped,
                candidate,
            } => (stripped, unwrapped, candidate),
        };
        self.acct.lines += 1;
        let raw = stripped.as_deref().unwrap_or(raw);
        match unwrapped {
            pre::Unwrapped::SternMarker => self.skip_marker(),
            pre::Unwrapped::Blank => self.skip_blank(),
            pre::Unwrapped::OtherApp => self.skip_other_app(),
            content => {
                let w = content.wrapped(raw).expect("a content shape unwraps");
                let pos = SourcePos {
                    input: self.input,
                    line: lineno,
                    item: None,
                };
                self.piece(pos, w, candidate, Level::Unknown)
            }
        }
    }

    /// A newest-first export lists a record's continuation lines before it.
    fn reversed_export(&self) -> bool {
        self.exported && self.order.newest_first()
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

    fn content(
        &mut self,
        pos: SourcePos,
        w: transport::Wrapped<'_>,
        candidate: bool,
        level: Level,
    ) {
        if let Some(ts) = w.ts {
            self.acct.see_ts(Some(ts));
            self.last_ts = Some(ts);
            self.order.note(ts);
            self.years.see_full(ts);
        }
        let gi = self.group_for(w.pod.unwrap_or_default());
        if continuation::is_continuation(w.body)
            && (self.groups[gi].active || self.reversed_export())
        {
            self.continuation(gi, w.body, candidate);
            return;
        }
        self.flush(gi, false);
        self.seq += 1;
        let (carry, seq, newest_first) = (self.last_ts, self.seq, self.reversed_export());
        let g = &mut self.groups[gi];
        g.active = true;
        g.pos = Some(pos);
        g.seq = seq;
        g.body.clear();
        g.body.extend_from_slice(w.body);
        g.cont.clear();
        g.transport_ts = w.ts;
        g.partial_ts = w.partial_ts;
        g.carry = carry;
        g.candidate = candidate;
        g.level = level;
        if newest_first {
            std::mem::swap(&mut g.cont, &mut g.tail);
            g.candidate |= std::mem::take(&mut g.tail_candidate);
        }
    }

    fn continuation(&mut self, gi: usize, body: &[u8], candidate: bool) {
        self.acct.continuations += 1;
        let newest_first = self.reversed_export();
        let g = &mut self.groups[gi];
        let (text, flag) = if newest_first {
            (&mut g.tail, &mut g.tail_candidate)
        } else {
            (&mut g.cont, &mut g.candidate)
        };
        if text.len() < MAX_CONTINUATION {
            text.push(b'\n');
            text.extend_from_slice(body);
        }
        *flag |= candidate;
    }

    fn group_for(&mut self, pod: &[u8]) -> usize {
        if let Some(i) = self.groups.iter().position(|g| g.pod == pod) {
            return i;
        }
        self.groups.push(Group {
            pod: pod.to_vec(),
            ..Group::default()
        });
        self.groups.len() - 1
    }

    fn finish(&mut self) {
        for gi in 0..self.groups.len() {
            self.unended(gi);
            self.flush(gi, true);
        }
        std::mem::take(&mut self.years).settle(&mut self.events, &mut self.acct);
        self.acct.newest_first = self.order.newest_first();
        if self.acct.newest_first {
            for e in &mut self.events {
                e.seq = -e.seq;
            }
        }
        let mut keyed: Vec<(Event, u64)> = std::mem::take(&mut self.events)
            .into_iter()
            .zip(std::mem::take(&mut self.keys))
            .collect();
        keyed.sort_by_key(|(e, _)| e.pos);
        (self.events, self.keys) = keyed.into_iter().unzip();
    }

    /// Counts a record the prefilter let skip decoding, by its shape. It is
    /// decoded only for the input's first or last time, or when it may hold
    /// the year that year-less times wait for.
    fn count_by_shape(&mut self, gi: usize, last: bool) {
        let g = &self.groups[gi];
        let structured = decode::looks_structured(&g.body);
        if structured {
            self.acct.records += 1;
        } else {
            self.acct.unparsed += 1;
        }
        if g.transport_ts.is_some() {
            return;
        }
        let klog_time = decode::klog_time(&g.body);
        if let Some(p) = klog_time.or(g.partial_ts) {
            self.order.note_partial(p);
        }
        let untimed = self.acct.first_ts.is_none() && !self.years.guessing();
        let year = self.years.wants_year() && structured && klog_time.is_none();
        if last || untimed || year {
            let body = String::from_utf8_lossy(&g.body);
            let rec = decode::decode(&body);
            let (ts, guessed) = record_ts(&rec, g, self.years.hint());
            if let Some(t) = rec.ts {
                self.years.see_full(t);
            }
            self.years.see(&mut self.acct, ts, guessed);
        }
    }

    /// Ends the record of group `gi`. Only candidates are decoded in full; the
    /// others are counted by shape.
    fn flush(&mut self, gi: usize, last: bool) {
        if !std::mem::take(&mut self.groups[gi].active) {
            return;
        }
        if !self.groups[gi].candidate {
            return self.count_by_shape(gi, last);
        }
        let g = &self.groups[gi];
        self.acct.decoded += 1;
        let body = String::from_utf8_lossy(&g.body);
        let cont = String::from_utf8_lossy(&g.cont);
        let (mut rec, cont) = decode::decode_record(&body, &cont);
        if rec.level == Level::Unknown {
            rec.level = g.level;
        }
        if rec.format == Format::Plain {
            self.acct.unparsed += 1;
        } else {
            self.acct.records += 1;
        }
        let (ts, guessed) = record_ts(&rec, g, self.years.hint());
        self.years.see(&mut self.acct, ts, guessed);
        if let Some(t) = rec.ts {
            self.last_ts = Some(t);
            self.years.see_full(t);
            if g.transport_ts.is_none() {
                self.order.note(t);
            }
        } else if let Some(p) = rec.partial_ts.or(g.partial_ts) {
            if g.transport_ts.is_none() {
                self.order.note_partial(p);
            }
        }
        let pos = g.pos.expect("an active group has a position");
        let at = At {
            ts,
            carry: g.carry,
            pos,
        };
        if let Some(mut e) = self.event(&rec, cont, at, &g.pod) {
            e.seq = g.seq;
            self.keys
                .push(overlap_key(ts.or(g.transport_ts), &g.body, &g.cont));
            if let Some(p) = guessed {
                self.years.guessed_event(self.events.len(), p);
            }
            self.events.push(e);
        }
    }

    fn event(&self, rec: &Record<'_>, cont: &str, at: At, pod: &[u8]) -> Option<Event> {
        let classifier = self.scanner.classifier;
        let text::Reading {
            text,
            class,
            words: reading,
            hint,
            error,
            who,
        } = text::read(classifier, rec, cont);
        let tied = who.cluster.is_some() || who.corr.is_some();
        let about = reading.topic || reading.key;
        let ids = if who.cluster.is_none() && (error || about) {
            classify::id_tokens(&text)
        } else {
            Vec::new()
        };
        let lifecycle = !class.categories.is_empty() || class.marker.is_some();
        let worded = hint.is_some() && (about || tied);
        if !lifecycle && !worded && !about && !(error && (tied || !ids.is_empty())) {
            return None;
        }
        // Only failures, errors and records not understood are ever shown.
        // Redact the whole message before capping it: a cut through a token
        // could leave half a secret that no pattern recognises.
        let shown = !class.categories.is_empty() || error || (!lifecycle && hint.is_none());
        let message = if shown {
            one_line(
                &self.scanner.redactor.redact(&summary(rec, &text)),
                MAX_MESSAGE,
            )
        } else {
            String::new()
        };
        Some(Event {
            ts: at.ts,
            order_ts: at.ts.or(at.carry),
            pos: at.pos,
            seq: 0,
            who,
            categories: class.categories,
            marker: class.marker,
            hint,
            topic: reading.topic,
            key: reading.key,
            phrase: class.phrase,
            error,
            level: rec.level,
            pod: (!pod.is_empty()).then(|| String::from_utf8_lossy(pod).into()),
            announced: classifier.announced(&rec.message),
            ids,
            message,
        })
    }
}

/// Where and when a record is.
struct At {
    ts: Option<Ts>,
    carry: Option<Ts>,
    pos: SourcePos,
}

/// The record's own time, completing a year-less one from the kubelet's time,
/// the last full time seen before it or else the input's first full time; the
/// kubelet's time when the record has none. With no full time anywhere so
/// far, the year comes from the clock, and the year-less time comes back too
/// so that a full time later in the input can correct it.
fn record_ts(
    rec: &Record<'_>,
    g: &Group,
    first_full: Option<Ts>,
) -> (Option<Ts>, Option<PartialTs>) {
    if rec.ts.is_some() {
        return (rec.ts, None);
    }
    let partial = rec
        .partial_ts
        .or(g.partial_ts.filter(|_| g.transport_ts.is_none()));
    let Some(p) = partial else {
        return (g.transport_ts, None);
    };
    match g.transport_ts.or(g.carry).or(first_full) {
        Some(hint) => (p.complete(Some(hint)).or(g.transport_ts), None),
        None => match p.complete(None) {
            Some(t) => (Some(t), Some(p)),
            None => (None, None),
        },
    }
}
