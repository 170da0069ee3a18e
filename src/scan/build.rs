//! A finished record into an event: decoded in full when the prefilter
//! passed it, else counted by its shape; its time completed; its words read;
//! and kept only when it may bear on a rotation. The accounting of every
//! record happens here.

use super::entries::overlap_key;
use super::records::Group;
use super::text::{self, one_line, summary};
use super::{State, MAX_MESSAGE};
use crate::classify;
use crate::decode::{self, Format, Level, Record};
use crate::event::{Event, SourcePos};
use crate::orphans::Orphans;
use crate::time::{PartialTs, Ts};

impl State<'_, '_> {
    /// Counts a record the prefilter let skip decoding, by its shape. It is
    /// decoded only for the input's first or last time, or when it may hold
    /// the year that year-less times wait for.
    pub(super) fn count_by_shape(&mut self, gi: usize, last: bool) {
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
    pub(super) fn flush(&mut self, gi: usize, last: bool) {
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
        if !g.named {
            name_apps(&mut self.acct, &rec);
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

    /// The text an event shows, redacted, then capped; a blank for one
    /// that shows none.
    fn message(&self, shown: bool, rec: &Record<'_>, text: &str) -> std::sync::Arc<str> {
        if !shown {
            return crate::event::blank();
        }
        let summary = summary(rec, text);
        let redacted = self.scanner.redactor.redact(&summary);
        one_line(&redacted, MAX_MESSAGE).into()
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
        let message = self.message(shown, rec, &text);
        let (who, extra) = crate::event::split(who);
        let extra = crate::event::Extra {
            announced: classifier.announced(&rec.message),
            ids: ids.into(),
            ..extra
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
            extra: extra.boxed(),
            message,
            templated: false,
        })
    }
}

/// The fields in which a line names the application that wrote it.
const APP_FIELDS: &[&str] = &[
    "app",
    "app_name",
    "appname",
    "application",
    "application_name",
    "applicationname",
    "service",
    "service_name",
    "container",
    "container_name",
    "kubernetes.container_name",
];

/// The applications a record names in its own fields, for a record whose
/// envelope named no container.
fn name_apps(acct: &mut crate::event::Accounting, rec: &Record<'_>) {
    for (k, v) in &rec.fields {
        if APP_FIELDS.contains(&k.to_ascii_lowercase().as_str()) {
            acct.name_app(v);
        }
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
