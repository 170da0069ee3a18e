//! Where a scan hands its events: the push protocol every stage after the
//! scan receives, and the sink that keeps them for the analysis.

use super::{intern, Settlement};
use crate::event::Event;
use crate::orphans::Orphans;

/// Where a scan hands each event, as soon as its record is complete. The
/// key is the record's identity for merging overlapping inputs.
pub trait Sink {
    fn event(&mut self, event: Event, key: u64);

    /// An event that only a cluster id inside its text could tie to a
    /// rotation (see `orphans`).
    fn orphan(&mut self, event: Event, key: u64) {
        self.event(event, key)
    }

    /// The input ended: what only its end settles applies to the events
    /// already handed on. A sink that keeps none has nothing to do.
    fn settle(&mut self, _end: &Settlement) {}
}

/// A sink that keeps every event, for the analysis at the end. With
/// `folding`, a failure repeated (a hot retry loop) is kept as its first
/// occurrence, a count and its last occurrences (see `event::Folded`).
#[derive(Default)]
pub struct Collected {
    pub events: Vec<Event>,
    pub keys: Vec<u64>,
    pub orphans: Orphans,
    texts: intern::Interner,
    /// The last occurrences a fold keeps: as many as the report may quote.
    /// None: nothing is folded.
    ring: Option<usize>,
    run: Option<Run>,
    folded: bool,
    /// A fold cannot stand for what it hides (see `exact`).
    inexact: bool,
}

/// The run of repeats at the end of `events`: its first occurrence, and how
/// many after it are counted and gone.
#[derive(Clone, Copy)]
struct Run {
    head: usize,
    hidden: u64,
}

/// A copy of what was kept, for a snapshot: its texts are shared with the
/// original, and the few events still to come need no sharing of their own.
impl Clone for Collected {
    fn clone(&self) -> Collected {
        Collected {
            events: self.events.clone(),
            keys: self.keys.clone(),
            orphans: self.orphans.clone(),
            texts: intern::Interner::default(),
            ring: self.ring,
            run: self.run,
            folded: self.folded,
            inexact: self.inexact,
        }
    }
}

impl Collected {
    /// A sink that folds repeated failures, keeping the last `ring` of
    /// each run (at least one).
    pub fn folding(ring: usize) -> Collected {
        Collected {
            ring: Some(ring.max(1)),
            ..Collected::default()
        }
    }

    /// Every fold kept so far stands for exactly what it hides, as far as
    /// the scan can tell: the analysis checks the rest (`analyze::conclude`).
    pub fn exact(&self) -> bool {
        !self.inexact
    }

    /// The kept events, their keys and the orphans.
    pub fn into_parts(mut self) -> (Vec<Event>, Vec<u64>, Orphans) {
        self.end_run();
        (self.events, self.keys, self.orphans)
    }

    /// `event` repeats the last event kept, and joins its run.
    fn repeats(&self, event: &Event) -> bool {
        self.ring.is_some()
            && event.who.cluster.is_some()
            && event.is_failure()
            && self.events.last().is_some_and(|l| l.repeated_by(event))
    }

    /// Keeps a repeat: the run keeps its first occurrence and its last
    /// `ring`; the one that falls out between them is only counted.
    fn fold(&mut self, event: Event, key: u64) {
        let head = self.events.len() - 1;
        let run = self.run.get_or_insert(Run { head, hidden: 0 });
        self.events.push(event);
        self.keys.push(key);
        if self.events.len() - (run.head + 1) > self.ring.unwrap_or(1) {
            self.events.remove(run.head + 1);
            self.keys.remove(run.head + 1);
            run.hidden += 1;
            self.folded = true;
        }
    }

    /// The run ends: the earliest occurrence it keeps after the first says
    /// how many it hides.
    fn end_run(&mut self) {
        let Some(run) = self.run.take() else { return };
        if run.hidden == 0 {
            return;
        }
        let after = self.events[run.head].pos;
        self.events[run.head + 1].extra_mut().folded = Some(crate::event::Folded {
            hidden: run.hidden,
            after,
        });
    }

    /// Lets go of the kept texts no event holds any more.
    pub fn purge_texts(&mut self) {
        self.texts.purge();
    }
}

impl Sink for Collected {
    fn event(&mut self, mut event: Event, key: u64) {
        let texts = &mut self.texts;
        for shared in [event.who.cluster.as_mut(), event.pod.as_mut()]
            .into_iter()
            .flatten()
        {
            texts.share(shared);
        }
        event.template();
        texts.share(&mut event.message);
        if self.repeats(&event) {
            return self.fold(event, key);
        }
        self.end_run();
        self.events.push(event);
        self.keys.push(key);
    }

    fn orphan(&mut self, event: Event, key: u64) {
        self.end_run();
        self.orphans.push(event, key);
    }

    fn settle(&mut self, end: &Settlement) {
        self.end_run();
        if self.folded && (end.guessed() || end.newest_first) {
            // Years are settled by each event's place among those handed
            // on, which folding changed; newest first, the occurrences of
            // one time sort the other way round. The analysis reads the
            // input again without folding.
            self.inexact = true;
        } else {
            end.apply(&mut self.events);
        }
        if end.newest_first {
            self.orphans.occurrences.update(|o| o.seq = -o.seq);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{Owner, SourcePos};
    use crate::time::Ts;

    /// The same failure of one cluster, at line `line` and second `secs`.
    fn failure(line: u64, secs: i64) -> Event {
        let ts = Some(Ts::from_nanos(secs * 1_000_000_000));
        Event {
            ts,
            order_ts: ts,
            pos: SourcePos::new(0, line, None),
            seq: line as i64,
            who: Owner {
                cluster: Some("c23h5icd0sr2mu96rcig".into()),
                ..Owner::default()
            },
            categories: smallvec::smallvec![3],
            ..Event::error_for_test("failed to update WDEK secret")
        }
    }

    #[test]
    fn a_run_keeps_its_first_and_last_occurrences_and_counts_the_rest() {
        let mut c = Collected::folding(3);
        for n in 1..=100 {
            c.event(failure(n, n as i64), n);
        }
        let (events, keys, _) = c.into_parts();
        let lines: Vec<u64> = events.iter().map(|e| e.pos.line).collect();
        assert_eq!(lines, [1, 98, 99, 100]);
        assert_eq!(keys, [1, 98, 99, 100]);
        let f = events[1].folded().unwrap();
        assert_eq!((f.hidden, f.after.line), (96, 1));
        assert_eq!(events.iter().map(Event::count).sum::<usize>(), 100);
    }

    #[test]
    fn an_orphan_a_step_back_in_time_or_another_text_ends_a_run() {
        let mut c = Collected::folding(1);
        c.event(failure(1, 10), 1);
        c.event(failure(2, 11), 2);
        c.event(failure(3, 12), 3);
        c.orphan(Event::error_for_test("an orphan"), 4);
        c.event(failure(5, 13), 5);
        c.event(failure(6, 12), 6);
        let mut other = failure(7, 14);
        other.message = "another text".into();
        c.event(other, 7);
        let (events, ..) = c.into_parts();
        let counts: Vec<usize> = events.iter().map(Event::count).collect();
        assert_eq!(counts, [1, 2, 1, 1, 1]);
        assert!(Collected::default().exact());
    }

    #[test]
    fn nothing_folds_without_folding() {
        let mut c = Collected::default();
        for n in 1..=10 {
            c.event(failure(n, n as i64), n);
        }
        assert_eq!(c.into_parts().0.len(), 10);
    }
}
