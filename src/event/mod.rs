//! What the scan keeps of a line: a rotation event, small and owned. Memory
//! grows with these (rotation activity), never with the number of lines.

use crate::classify::{Cats, Hint, IdSource, Marker, Who};
use crate::decode::Level;
use crate::time::Ts;
use std::borrow::Cow;
use std::sync::Arc;

/// Where a record starts: input, physical line, and for a LogDNA v2 page
/// (many exported lines on one physical line) the line's index in the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SourcePos {
    pub input: u32,
    pub line: u64,
    /// The item plus one, zero for none: 16 bytes rather than 24, in the
    /// same order as the `Option`.
    item: u32,
}

impl SourcePos {
    pub fn new(input: u32, line: u64, item: Option<u32>) -> SourcePos {
        let item = item.map_or(0, |i| i.saturating_add(1));
        SourcePos { input, line, item }
    }

    pub fn item(&self) -> Option<u32> {
        self.item.checked_sub(1)
    }
}

/// Whose the event is: the cluster and attempt the record names. The rest
/// of `classify::Who` is rare and lives in `Extra`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Owner {
    /// Shared: the scan hands every event of a cluster the same id.
    pub cluster: Option<Arc<str>>,
    /// Where the cluster id was found.
    pub source: Option<IdSource>,
    pub attempt: Option<u32>,
}

/// The parts of an event that few records have: boxed, a million events
/// that have none of them cost a pointer each.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extra {
    pub corr: Option<Box<str>>,
    /// The number of attempts the service allows, when the record says.
    pub budget: Option<u32>,
    /// Clusters a new key is announced for ("rotating for 42 clusters").
    pub announced: Option<u32>,
    /// Cluster-id-shaped tokens, kept when no cluster was named, to match
    /// against ids the input names elsewhere.
    pub ids: thin_vec::ThinVec<Box<str>>,
    /// Identical occurrences folded into this event (see `Folded`).
    pub folded: Option<Folded>,
}

/// A run of one failure repeated (a hot retry loop) is kept as its first
/// occurrence (at `after`), its last few, and the count of those between:
/// `hidden`, held by the earliest of the last few.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Folded {
    pub hidden: u64,
    /// The event just before this one in time order, or the fold does not
    /// stand for what it hides.
    pub after: SourcePos,
}

impl Extra {
    /// `None` when the record has none of it.
    pub fn boxed(self) -> Option<Box<Extra>> {
        (self != Extra::default()).then(|| Box::new(self))
    }
}

/// The owner, and the rest of `who` apart.
pub fn split(who: Who) -> (Owner, Extra) {
    let Who {
        cluster,
        source,
        corr,
        attempt,
        budget,
    } = who;
    let owner = Owner {
        cluster,
        source,
        attempt,
    };
    let extra = Extra {
        corr,
        budget,
        ..Extra::default()
    };
    (owner, extra)
}

#[derive(Clone, Debug)]
pub struct Event {
    /// The record's own time, if it had one.
    pub ts: Option<Ts>,
    /// `ts`, or the last time seen before it in the same input: the sort key.
    pub order_ts: Option<Ts>,
    pub pos: SourcePos,
    /// Position in the input's own time order: file order, or reversed for
    /// an export that lists the newest lines first. Breaks timestamp ties.
    pub seq: i64,
    pub who: Owner,
    /// Failure categories, most specific first.
    pub categories: Cats,
    pub marker: Option<Marker>,
    /// The word layer's event, for the attempts stage to weigh: it acts on
    /// it on the rotation topic or inside a rotation of the cluster.
    pub hint: Option<Hint>,
    /// The message speaks of rotation (or of changing the key).
    pub topic: bool,
    /// The message names the key.
    pub key: bool,
    /// A runbook phrase named the failure, not only an underlying error.
    pub phrase: bool,
    /// An error-level record (a candidate for `unclassified`).
    pub error: bool,
    /// The record's own level (`Unknown` for plain text).
    pub level: Level,
    /// The pod (or LogDNA/stern source) the record came from, when known.
    pub pod: Option<Arc<str>>,
    /// What few records carry, kept apart so that every event is smaller.
    pub extra: Option<Box<Extra>>,
    /// One line, redacted and capped; empty for start and success lines,
    /// which are never shown. Shared: the same failure on many clusters is
    /// kept once (see `scan::Collected`). Read it through `message()`:
    /// when `templated`, the cluster's own id stands as `ID_MARK` in it.
    pub message: Arc<str>,
    /// `message` names the event's own cluster as `ID_MARK`, so that one
    /// failure on a million clusters, each naming itself, is one text.
    pub templated: bool,
}

/// The message of an event that shows none: one shared allocation.
pub fn blank() -> Arc<str> {
    static BLANK: std::sync::LazyLock<Arc<str>> = std::sync::LazyLock::new(|| Arc::from(""));
    BLANK.clone()
}

/// Stands for the event's own cluster id in a templated message. A message
/// that holds it already is never templated, so the template gives back
/// exactly the text it was made from.
const ID_MARK: char = '\0';

impl Event {
    /// The message as logged: redacted, on one line, capped.
    pub fn message(&self) -> Cow<'_, str> {
        match &self.who.cluster {
            Some(id) if self.templated => Cow::Owned(self.message.replace(ID_MARK, id)),
            _ => Cow::Borrowed(&self.message),
        }
    }

    /// Puts `ID_MARK` for the event's own cluster id in its message, if the
    /// message names it (see `message`).
    pub fn template(&mut self) {
        let Some(id) = self.who.cluster.as_deref().filter(|id| !id.is_empty()) else {
            return;
        };
        if self.templated || self.message.contains(ID_MARK) || !self.message.contains(id) {
            return;
        }
        let mut mark = [0u8; 4];
        self.message = self
            .message
            .replace(id, ID_MARK.encode_utf8(&mut mark))
            .into();
        self.templated = true;
    }

    pub fn corr(&self) -> Option<&str> {
        self.extra.as_ref()?.corr.as_deref()
    }

    pub fn budget(&self) -> Option<u32> {
        self.extra.as_ref()?.budget
    }

    pub fn announced(&self) -> Option<u32> {
        self.extra.as_ref()?.announced
    }

    pub fn ids(&self) -> &[Box<str>] {
        self.extra.as_ref().map_or(&[], |x| &x.ids)
    }

    /// The rare parts, to change them.
    pub fn extra_mut(&mut self) -> &mut Extra {
        self.extra.get_or_insert_with(Default::default)
    }

    /// The run whose hidden occurrences this event counts.
    pub fn folded(&self) -> Option<Folded> {
        self.extra.as_ref()?.folded
    }

    /// How many records this event stands for: itself and those it hides.
    pub fn count(&self) -> usize {
        1 + self.folded().map_or(0, |f| f.hidden as usize)
    }

    /// `next` is this event again, later: the same for every purpose of the
    /// report (cluster, attempt, causes, markers, words, level, pod, text)
    /// but its place, further on in the input, and its time, never earlier.
    pub fn repeated_by(&self, next: &Event) -> bool {
        let later = match (self.order_ts, next.order_ts) {
            (Some(a), Some(b)) => b >= a && next.seq > self.seq,
            _ => false,
        };
        let words = |e: &Event| (e.marker, e.hint, e.topic, e.key, e.phrase, e.error, e.level);
        later
            && self.ts.is_some()
            && next.ts.is_some()
            && (self.pos.input, &self.who, &self.categories)
                == (next.pos.input, &next.who, &next.categories)
            && words(self) == words(next)
            && (&self.pod, &self.extra, self.templated) == (&next.pod, &next.extra, next.templated)
            && (Arc::ptr_eq(&self.message, &next.message) || self.message == next.message)
    }

    pub fn is_failure(&self) -> bool {
        !self.categories.is_empty()
    }

    /// A warning is context, not a failure that holds the verdict.
    pub fn is_error_level(&self) -> bool {
        self.level >= Level::Error || (self.level == Level::Unknown && self.error)
    }
}

#[cfg(test)]
impl Event {
    /// An error record at line 1 with nothing else set, for a test to change.
    pub fn error_for_test(message: &str) -> Event {
        Event {
            ts: None,
            order_ts: None,
            pos: SourcePos::new(0, 1, None),
            seq: 0,
            who: Owner::default(),
            categories: Cats::new(),
            marker: None,
            hint: None,
            topic: false,
            key: false,
            phrase: false,
            error: true,
            level: Level::Error,
            pod: None,
            extra: None,
            message: message.into(),
            templated: false,
        }
    }
}

mod accounting;
pub use accounting::{Accounting, MAX_APPS_NAMED};

#[cfg(test)]
mod tests;
