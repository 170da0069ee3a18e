//! Drives one input through the first three stages: lines from `source`,
//! wrappers and formats from `decode`, categories from `classify`.
//!
//! A record is its head line plus the continuation lines under it. Heads are
//! copied into small per-pod buffers (kubectl `-f` interleaves pods, never
//! partial lines), and only records that pass the prefilter are decoded.

use crate::classify::Classifier;
use crate::decode::{self, continuation, transport, Format, Level, Record};
use crate::error::{Error, Result};
use crate::event::{Accounting, Event, SourcePos};
use crate::redact::Redactor;
use crate::source::LineReader;
use crate::time::{PartialTs, Ts};
use std::io::Read;

/// Continuation text kept per record for classification; a runaway stack
/// beyond this is still counted, line by line.
const MAX_CONTINUATION: usize = 64 * 1024;
const MAX_MESSAGE: usize = 480;
/// Fields that describe the logger, not the failure.
const NOT_TEXT: &[&str] = &["caller", "logger", "stacktrace"];

pub struct Scanner<'a> {
    pub classifier: &'a Classifier,
    pub redactor: &'a Redactor,
}

pub struct Scanned {
    pub events: Vec<Event>,
    pub acct: Accounting,
}

impl Scanner<'_> {
    pub fn scan(&self, input: u32, name: &str, gzip: bool, rdr: impl Read) -> Result<Scanned> {
        let mut st = State::new(self, input);
        let mut lines = LineReader::new(rdr);
        let mut lineno = 0u64;
        loop {
            let line = match lines.next_line() {
                Ok(Some(l)) => l,
                Ok(None) => break,
                Err(source) if gzip => {
                    return Err(Error::Gzip {
                        path: name.to_string(),
                        lines: lineno,
                        source,
                    })
                }
                Err(source) => return Err(Error::read(name, source)),
            };
            lineno += 1;
            st.line(lineno, line);
        }
        st.finish();
        Ok(Scanned {
            events: st.events,
            acct: st.acct,
        })
    }
}

/// The record being gathered for one pod.
#[derive(Default)]
struct Group {
    pod: Vec<u8>,
    active: bool,
    line: u64,
    body: Vec<u8>,
    transport_ts: Option<Ts>,
    partial_ts: Option<PartialTs>,
    /// The latest full time seen before this record: year hint and sort key.
    carry: Option<Ts>,
    cont: Vec<u8>,
    candidate: bool,
}

struct State<'s, 'a> {
    scanner: &'s Scanner<'a>,
    input: u32,
    groups: Vec<Group>,
    events: Vec<Event>,
    acct: Accounting,
    last_ts: Option<Ts>,
}

impl<'s, 'a> State<'s, 'a> {
    fn new(scanner: &'s Scanner<'a>, input: u32) -> Self {
        State {
            scanner,
            input,
            groups: Vec::new(),
            events: Vec::new(),
            acct: Accounting::default(),
            last_ts: None,
        }
    }

    fn line(&mut self, lineno: u64, raw: &[u8]) {
        self.acct.lines += 1;
        // stern colours pod names; escapes would also hide words from the prefilter.
        let stripped;
        let raw = if memchr::memchr(0x1b, raw).is_some() {
            stripped = strip_ansi_escapes::strip(raw);
            &stripped[..]
        } else {
            raw
        };
        match transport::unwrap(raw) {
            transport::Line::SternMarker => {
                self.acct.skipped += 1;
                self.acct.skipped_stern_markers += 1;
            }
            transport::Line::Blank => {
                self.acct.skipped += 1;
                self.acct.skipped_blank += 1;
            }
            transport::Line::Content(w) => self.content(lineno, w),
        }
    }

    fn content(&mut self, lineno: u64, w: transport::Wrapped<'_>) {
        if let Some(ts) = w.ts {
            self.acct.see_ts(Some(ts));
            self.last_ts = Some(ts);
        }
        let gi = self.group_for(w.pod.unwrap_or_default());
        if self.groups[gi].active && continuation::is_continuation(w.body) {
            self.acct.continuations += 1;
            let classifier = self.scanner.classifier;
            let g = &mut self.groups[gi];
            if g.cont.len() < MAX_CONTINUATION {
                g.cont.push(b'\n');
                g.cont.extend_from_slice(w.body);
            }
            g.candidate = g.candidate || classifier.is_candidate(w.body);
            return;
        }
        self.flush(gi, false);
        let carry = self.last_ts;
        let candidate = self.scanner.classifier.is_candidate(w.body);
        let g = &mut self.groups[gi];
        g.active = true;
        g.line = lineno;
        g.body.clear();
        g.body.extend_from_slice(w.body);
        g.cont.clear();
        g.transport_ts = w.ts;
        g.partial_ts = w.partial_ts;
        g.carry = carry;
        g.candidate = candidate;
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
            self.flush(gi, true);
        }
        self.events.sort_by_key(|e| e.pos);
    }

    /// Ends the record of group `gi`. Only candidates are decoded in full; the
    /// others are counted by shape, and timed only when the input's first or
    /// last time is still unknown.
    fn flush(&mut self, gi: usize, last: bool) {
        if !std::mem::take(&mut self.groups[gi].active) {
            return;
        }
        let g = &self.groups[gi];
        if !g.candidate {
            if decode::looks_structured(&g.body) {
                self.acct.records += 1;
            } else {
                self.acct.unparsed += 1;
            }
            if (last || self.acct.first_ts.is_none()) && g.transport_ts.is_none() {
                let body = String::from_utf8_lossy(&g.body);
                let ts = record_ts(&decode::decode(&body), g);
                self.acct.see_ts(ts);
            }
            return;
        }
        self.acct.decoded += 1;
        let body = String::from_utf8_lossy(&g.body);
        let rec = decode::decode(&body);
        if rec.format == Format::Plain {
            self.acct.unparsed += 1;
        } else {
            self.acct.records += 1;
        }
        let ts = record_ts(&rec, g);
        self.acct.see_ts(ts);
        if rec.ts.is_some() {
            self.last_ts = rec.ts;
        }
        let cont = String::from_utf8_lossy(&g.cont);
        let pos = SourcePos {
            input: self.input,
            line: g.line,
        };
        if let Some(e) = self.event(&rec, &cont, ts, g.carry, pos) {
            self.events.push(e);
        }
    }

    fn event(
        &self,
        rec: &Record<'_>,
        cont: &str,
        ts: Option<Ts>,
        carry: Option<Ts>,
        pos: SourcePos,
    ) -> Option<Event> {
        let text = classification_text(rec, cont);
        let classifier = self.scanner.classifier;
        let class = classifier.classify(&text);
        let fields: Vec<(&str, &str)> = rec
            .fields
            .iter()
            .map(|(k, v)| (k.as_ref(), v.as_ref()))
            .collect();
        let who = classifier.attribute(&fields, &text);
        let error = rec.level >= Level::Error
            || (rec.level == Level::Unknown && (rec.error().is_some() || class.error_words));
        let tied = who.cluster.is_some() || who.corr.is_some();
        if class.categories.is_empty() && class.marker.is_none() && !(error && tied) {
            return None;
        }
        Some(Event {
            ts,
            order_ts: ts.or(carry),
            pos,
            who,
            categories: class.categories,
            marker: class.marker,
            error,
            message: self
                .scanner
                .redactor
                .redact(&summary(rec, &text))
                .into_owned(),
        })
    }
}

/// The record's own time, completing a year-less one from the kubelet's time
/// or the last full time seen; the kubelet's time when the record has none.
fn record_ts(rec: &Record<'_>, g: &Group) -> Option<Ts> {
    let hint = g.transport_ts.or(g.carry);
    rec.timestamp(hint)
        .or(g.transport_ts)
        .or_else(|| g.partial_ts.and_then(|p| p.complete(g.carry)))
}

/// Message, then field values, then continuation lines, one per line, so the
/// pack's `[^\n]` spans stay inside one of them.
fn classification_text(rec: &Record<'_>, cont: &str) -> String {
    let mut text = String::with_capacity(rec.message.len() + cont.len() + 64);
    text.push_str(&rec.message);
    for (k, v) in &rec.fields {
        if !NOT_TEXT.iter().any(|n| k.eq_ignore_ascii_case(n)) {
            text.push('\n');
            text.push_str(v);
        }
    }
    text.push_str(cont);
    text
}

/// One line for evidence: the message and the first line of its error.
fn summary(rec: &Record<'_>, text: &str) -> String {
    let msg = rec.message.trim();
    let mut s = if msg.is_empty() {
        text.lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
            .to_string()
    } else {
        msg.to_string()
    };
    if let Some(err) = rec.error().and_then(|e| e.lines().next()) {
        if !s.contains(err.trim()) {
            s.push_str(": ");
            s.push_str(err.trim());
        }
    }
    one_line(&s, MAX_MESSAGE)
}

fn one_line(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max + 3));
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.len() > max {
        let cut = (0..=max)
            .rev()
            .find(|&i| out.is_char_boundary(i))
            .unwrap_or(0);
        out.truncate(cut);
        out.push('…');
    }
    out
}
