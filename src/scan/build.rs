//! A finished record into an event: decoded in full when the prefilter
//! passed it, else counted by its shape; its time completed; its words read;
//! and kept only when it may bear on a rotation. The accounting of every
//! record happens here.

use super::entries::overlap_key;
use super::prepare::{prepare, Prepared};
use super::records::Group;
use super::State;
use crate::decode;
use crate::orphans::Orphans;
use crate::time::{PartialTs, Ts};

impl State<'_, '_> {
    /// Counts a record the prefilter let skip decoding, by its shape. It is
    /// decoded only for the input's first or last time, or when it may hold
    /// the year that year-less times wait for.
    pub(super) fn count_by_shape(&mut self, gi: usize, last: bool) {
        let g = &self.groups[gi];
        let structured = g.structured;
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
            let (ts, guessed) = record_ts(rec.ts, rec.partial_ts, g, self.years.hint());
            if let Some(t) = rec.ts {
                self.years.see_full(t);
            }
            self.years.see(&mut self.acct, ts, guessed);
        }
    }

    /// Ends the record of group `gi`. Only candidates are decoded in full; the
    /// others are counted by shape. A single-line candidate comes prepared
    /// by the worker that read it.
    pub(super) fn flush(&mut self, gi: usize, last: bool) {
        if !std::mem::take(&mut self.groups[gi].active) {
            return;
        }
        if !self.groups[gi].candidate {
            return self.count_by_shape(gi, last);
        }
        let g = &mut self.groups[gi];
        let prepared = match g.prepared.take().filter(|_| g.cont.is_empty()) {
            Some(p) => *p,
            None => prepare(self.scanner, &g.body, &g.cont, g.level),
        };
        self.place(gi, prepared);
    }

    /// Accounts for a decoded record and places its event in the input:
    /// its time completed, its position and order.
    fn place(&mut self, gi: usize, p: Prepared) {
        let g = &self.groups[gi];
        self.acct.decoded += 1;
        if p.plain {
            self.acct.unparsed += 1;
        } else {
            self.acct.records += 1;
        }
        if !g.named {
            for app in &p.apps {
                self.acct.name_app(app);
            }
        }
        let (ts, guessed) = record_ts(p.ts, p.partial_ts, g, self.years.hint());
        self.years.see(&mut self.acct, ts, guessed);
        if let Some(t) = p.ts {
            self.last_ts = Some(t);
            self.years.see_full(t);
            if g.transport_ts.is_none() {
                self.order.note(t);
            }
        } else if let Some(p) = p.partial_ts.or(g.partial_ts) {
            if g.transport_ts.is_none() {
                self.order.note_partial(p);
            }
        }
        let Some(mut e) = p.event else {
            return;
        };
        e.ts = ts;
        e.order_ts = ts.or(g.carry);
        e.pos = g.pos.expect("an active group has a position");
        e.seq = g.seq;
        e.pod = (!g.pod.is_empty()).then(|| String::from_utf8_lossy(&g.pod).into());
        let key = overlap_key(ts.or(g.transport_ts), &g.body, &g.cont);
        let pack = &self.scanner.classifier.pack;
        if guessed.is_none() && Orphans::is_orphan(&e, |c| pack.category(c).hold_unattributed) {
            return self.emit_orphan(e, key);
        }
        let index = self.emit(e, key);
        if let Some(p) = guessed {
            self.years.guessed_event(index, p);
        }
    }
}

/// The record's own time, completing a year-less one from the kubelet's time,
/// the last full time seen before it or else the input's first full time; the
/// kubelet's time when the record has none. With no full time anywhere so
/// far, the year comes from the clock, and the year-less time comes back too
/// so that a full time later in the input can correct it.
fn record_ts(
    own: Option<Ts>,
    own_partial: Option<PartialTs>,
    g: &Group,
    first_full: Option<Ts>,
) -> (Option<Ts>, Option<PartialTs>) {
    if own.is_some() {
        return (own, None);
    }
    let partial = own_partial.or(g.partial_ts.filter(|_| g.transport_ts.is_none()));
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
