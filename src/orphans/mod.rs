//! Records that name no cluster, no correlation id and no id-shaped token,
//! and speak of no rotation, yet fall in a failure category: a metrics push
//! timing out, a poll failing. They bear on a rotation only if an id that
//! the input names elsewhere turns up inside their text ("patch secret
//! kmswdekcl0g5m8kqlbaxhkf0sgu: forbidden"), and that is known only once
//! the whole input is read. A long log holds many of them, mostly the same
//! few messages, so each distinct record is kept once, with the time and
//! place of every occurrence: memory grows by a few words per such line,
//! not by a whole event.

use crate::classify::CatId;
use crate::decode::Level;
use crate::event::{Event, SourcePos};
use crate::time::Ts;
use std::collections::HashMap;

mod packed;

pub use packed::Occurrences;

/// What tells two orphan records apart, besides where and when they are.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Shape {
    pod: Option<std::sync::Arc<str>>,
    message: std::sync::Arc<str>,
    categories: crate::classify::Cats,
    level: Level,
    error: bool,
}

/// One occurrence of an orphan record: its time and place. A long log holds
/// tens of thousands of these ("failed to publish metrics" on every scrape),
/// so they are kept packed (`Occurrences`), and this is what one unpacks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Occurrence {
    shape: u32,
    pos: SourcePos,
    /// The record had its own time, which is then `order_ts`.
    own_ts: bool,
    order_ts: Option<Ts>,
    /// Its place in the input's own time order (`Event::seq`).
    pub seq: i64,
    /// Its identity for merging overlapping inputs.
    pub key: u64,
}

impl Occurrence {
    fn of(e: &Event, key: u64) -> Occurrence {
        // A record's own time is its order time (`scan::build`).
        debug_assert!(e.ts.is_none() || e.ts == e.order_ts);
        Occurrence {
            shape: 0,
            pos: e.pos,
            own_ts: e.ts.is_some(),
            order_ts: e.order_ts,
            seq: e.seq,
            key,
        }
    }

    pub fn order_ts(&self) -> Option<Ts> {
        self.order_ts
    }

    pub fn ts(&self) -> Option<Ts> {
        self.order_ts.filter(|_| self.own_ts)
    }

    pub fn pos(&self) -> SourcePos {
        self.pos
    }

    /// The analysis's order: time, then input, then the input's own order.
    pub fn sort_key(&self) -> (Option<Ts>, u32, i64) {
        (self.order_ts, self.pos.input, self.seq)
    }
}

#[derive(Clone, Default)]
pub struct Orphans {
    shapes: Vec<Event>,
    index: HashMap<Shape, u32>,
    pub occurrences: Occurrences,
}

impl std::fmt::Debug for Orphans {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Orphans({} records of {} shapes)",
            self.occurrences.len(),
            self.shapes.len()
        )
    }
}

impl Orphans {
    /// Whether an event is an orphan: nothing ties it to a cluster but what
    /// its text may hold, and nothing in it makes it count on its own.
    /// `counts_alone` says whether a category holds the verdict unattributed.
    pub fn is_orphan(e: &Event, counts_alone: impl Fn(CatId) -> bool) -> bool {
        // Nothing in `extra` either: a correlation id, a budget, an
        // announcement or an id-shaped token.
        e.who.cluster.is_none()
            && e.who.attempt.is_none()
            && e.extra.is_none()
            && !e.topic
            && !e.key
            && !e.phrase
            && e.marker.is_none()
            && e.hint.is_none()
            && !e.message.is_empty()
            && !e.categories.iter().any(|&c| counts_alone(c))
    }

    pub fn push(&mut self, e: Event, key: u64) {
        let occurrence = Occurrence::of(&e, key);
        let shape = self.intern(e);
        self.occurrences.push(Occurrence {
            shape,
            ..occurrence
        });
    }

    /// The id of a record's shape, added when new.
    fn intern(&mut self, e: Event) -> u32 {
        let shape = Shape {
            pod: e.pod.clone(),
            message: e.message.clone(),
            categories: e.categories.clone(),
            level: e.level,
            error: e.error,
        };
        let next = self.shapes.len() as u32;
        let id = *self.index.entry(shape).or_insert(next);
        if id == next {
            self.shapes.push(e);
        }
        id
    }

    pub fn len(&self) -> usize {
        self.occurrences.len()
    }

    pub fn is_empty(&self) -> bool {
        self.occurrences.is_empty()
    }

    /// The record an occurrence is of (its time and place aside).
    pub fn record(&self, o: &Occurrence) -> &Event {
        &self.shapes[o.shape as usize]
    }

    /// The occurrence as a whole event.
    pub fn event(&self, o: &Occurrence) -> Event {
        let mut e = self.record(o).clone();
        e.ts = o.ts();
        e.order_ts = o.order_ts();
        e.pos = o.pos();
        e.seq = o.seq;
        e
    }

    /// Adds another input's orphans: each of its shapes is interned once.
    pub fn append(&mut self, other: &Orphans, occurrences: impl Iterator<Item = Occurrence>) {
        let ids: Vec<u32> = other
            .shapes
            .iter()
            .map(|e| self.intern(e.clone()))
            .collect();
        self.occurrences.extend(occurrences.map(|o| Occurrence {
            shape: ids[o.shape as usize],
            ..o
        }));
    }

    /// The distinct records, each once.
    pub fn shapes(&self) -> &[Event] {
        &self.shapes
    }

    /// The occurrences of the records `chosen` says yes to (by their place
    /// in `shapes`), as whole events.
    pub fn events_of<'a>(&'a self, chosen: &'a [bool]) -> impl Iterator<Item = Event> + 'a {
        self.occurrences
            .iter()
            .filter(|o| chosen[o.shape as usize])
            .map(|o| self.event(&o))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orphan(ts: Option<Ts>, order_ts: Option<Ts>, item: Option<u32>, seq: i64) -> Event {
        Event {
            ts,
            order_ts,
            pos: SourcePos::new(3, 1 << 40, item),
            seq,
            categories: smallvec::smallvec![1],
            pod: Some("armada-kp-events-1".into()),
            ..Event::error_for_test("failed to publish metrics: Client.Timeout exceeded")
        }
    }

    #[test]
    fn an_occurrence_is_packed_and_gives_back_its_time_and_place() {
        let t = Ts::from_nanos(1_795_143_600_123_456_789);
        let cases = [
            orphan(Some(t), Some(t), None, 7),
            orphan(None, Some(t), Some(12), -7),
            orphan(None, None, Some(0), i64::MAX),
        ];
        let mut o = Orphans::default();
        for (k, e) in cases.iter().enumerate() {
            o.push(e.clone(), k as u64);
        }
        assert_eq!(o.shapes().len(), 1, "one record, three occurrences");
        for ((k, e), occ) in cases.iter().enumerate().zip(o.occurrences.iter()) {
            let back = o.event(&occ);
            assert_eq!((back.ts, back.order_ts), (e.ts, e.order_ts));
            assert_eq!((back.pos, back.seq, occ.key), (e.pos, e.seq, k as u64));
            assert_eq!(occ.sort_key(), (e.order_ts, 3, e.seq));
        }
    }
}
