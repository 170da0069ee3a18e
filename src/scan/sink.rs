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
        if self.folded && end.guessed() {
            // Years are settled by each event's place among those handed
            // on, which folding changed: the analysis reads the input again
            // without folding.
            self.inexact = true;
        } else {
            end.apply(&mut self.events);
        }
        if end.newest_first {
            self.orphans.occurrences.update(|o| o.seq = -o.seq);
        }
    }
}
