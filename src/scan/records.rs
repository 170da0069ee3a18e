//! Lines into records: each pod's record is its head line and the
//! continuation lines under it, and CRI (`P`) or Docker pieces of one line
//! are joined before it. A record ends when its pod's next head arrives, at
//! the input's end.

use super::pre::Judged;
use super::prepare::Prepared;
use super::{State, MAX_CONTINUATION};
use crate::decode::{continuation, Level};
use crate::envelope::text as transport;
use crate::event::SourcePos;
use crate::time::{PartialTs, Ts};

/// The record being gathered for one pod.
#[derive(Clone, Default)]
pub(super) struct Group {
    pub(super) pod: Vec<u8>,
    pub(super) active: bool,
    pub(super) pos: Option<SourcePos>,
    pub(super) seq: i64,
    pub(super) body: Vec<u8>,
    pub(super) transport_ts: Option<Ts>,
    pub(super) partial_ts: Option<PartialTs>,
    /// The latest full time seen before this record: year hint and sort key.
    pub(super) carry: Option<Ts>,
    pub(super) cont: Vec<u8>,
    pub(super) candidate: bool,
    /// The head line's shape is a structured record's.
    pub(super) structured: bool,
    /// Newest-first exports list a record's continuation lines before it.
    tail: Vec<u8>,
    tail_candidate: bool,
    /// The envelope's level, for a record that states none.
    pub(super) level: Level,
    /// Whether the envelope named the record's container.
    pub(super) named: bool,
    /// CRI `P` / Docker pieces of a line not yet ended.
    pieces: Vec<u8>,
    /// The head line prepared by its reader: the record, if it stays one line.
    pub(super) prepared: Option<Box<Prepared>>,
}

impl State<'_, '_> {
    /// A newest-first export lists a record's continuation lines before it.
    fn reversed_export(&self) -> bool {
        self.exported && self.order.newest_first()
    }

    /// A whole line: the head of a new record, or a continuation of its
    /// pod's open one.
    fn content(&mut self, pos: SourcePos, w: transport::Wrapped<'_>, judged: Judged, level: Level) {
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
            return self.continuation(gi, w.body, judged.candidate);
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
        g.candidate = judged.candidate;
        g.structured = judged.structured;
        g.prepared = judged.prepared;
        g.level = level;
        g.named = w.container.is_some();
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

    /// A line, or a piece of one: a CRI `P` line or a Docker piece waits for
    /// the rest of its line, and counts as a continuation of it.
    pub(super) fn piece(
        &mut self,
        pos: SourcePos,
        w: transport::Wrapped<'_>,
        judged: Judged,
        level: Level,
    ) {
        // The hot path: no piece waits anywhere, and this line is whole.
        if !w.partial && self.waiting == 0 {
            return self.content(pos, w, judged, level);
        }
        let gi = self.group_for(w.pod.unwrap_or_default());
        if w.partial {
            self.acct.continuations += 1;
            let g = &mut self.groups[gi];
            let was_empty = g.pieces.is_empty();
            if g.pieces.len() < MAX_CONTINUATION * 16 {
                g.pieces.extend_from_slice(w.body);
            }
            if was_empty && !g.pieces.is_empty() {
                self.waiting += 1;
            }
            return;
        }
        if self.groups[gi].pieces.is_empty() {
            return self.content(pos, w, judged, level);
        }
        self.waiting -= 1;
        let mut joined = std::mem::take(&mut self.groups[gi].pieces);
        joined.extend_from_slice(w.body);
        let judged = Judged::of(self.scanner, &joined, level, false);
        let whole = transport::Wrapped { body: &joined, ..w };
        self.content(pos, whole, judged, level);
        self.groups[gi].pieces = joined;
        self.groups[gi].pieces.clear();
    }

    /// Pieces of a line that the input ended before its end: the line as
    /// far as it goes, its last piece counted as its head.
    pub(super) fn unended(&mut self, gi: usize) {
        if self.groups[gi].pieces.is_empty() {
            return;
        }
        let body = std::mem::take(&mut self.groups[gi].pieces);
        self.waiting -= 1;
        self.acct.continuations -= 1;
        let pos = self.groups[gi]
            .pos
            .unwrap_or(SourcePos::new(self.input, self.acct.lines, None));
        let pod = self.groups[gi].pod.clone();
        let w = transport::Wrapped {
            pod: Some(&pod),
            container: None,
            ts: None,
            partial_ts: None,
            body: &body,
            partial: false,
        };
        let judged = Judged::of(self.scanner, &body, Level::Unknown, false);
        self.content(pos, w, judged, Level::Unknown);
    }
}
