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

/// A sink that keeps every event, for the analysis at the end.
#[derive(Default)]
pub struct Collected {
    pub events: Vec<Event>,
    pub keys: Vec<u64>,
    pub orphans: Orphans,
    texts: intern::Interner,
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
        }
    }
}

impl Collected {
    /// The kept events, their keys and the orphans.
    pub fn into_parts(self) -> (Vec<Event>, Vec<u64>, Orphans) {
        (self.events, self.keys, self.orphans)
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
        self.events.push(event);
        self.keys.push(key);
    }

    fn orphan(&mut self, event: Event, key: u64) {
        self.orphans.push(event, key);
    }

    fn settle(&mut self, end: &Settlement) {
        end.apply(&mut self.events);
        if end.newest_first {
            self.orphans.occurrences.update(|o| o.seq = -o.seq);
        }
    }
}
