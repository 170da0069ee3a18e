//! Attempts stage: rebuilds each cluster's rotation attempts from its events,
//! in time order, and sets its status and root cause.
//!
//! A start opens an attempt; failures land in the open attempt (or the one
//! their attempt number names); "rotation attempt failed" closes it as
//! failed; a success closes it and ends the failing streak; "retries
//! exhausted" is the summary. A new key, attempt numbers starting over, or a
//! new pod begins a new round, and a cluster's status is that of its latest
//! round. Where no line says a cluster exhausted its retries, the retry
//! budget learned from the input may (see `budget`).
//!
//! Lines that carry only a correlation id belong to the cluster that id was
//! seen with anywhere in the input; ids known from fields and CRNs are also
//! recognised inside free text (a secret name, a path).

mod act;
mod budget;
mod cluster;
mod outcome;
mod resolve;

pub use budget::Budget;
pub use cluster::{Attempt, Cluster, Inference, Outcome, Status};

use crate::classify::{Hint, Kind, Marker, Pack};
use crate::event::Event;
use crate::orphans::Orphans;
use act::{act, add_hint_category, flag_unknown, numbered, starts_round, words_taken};
use outcome::{conclude, failure, release_pending, start, succeed};
use resolve::{Index, Resolver};
use std::collections::BTreeMap;
use std::sync::Arc;

pub struct Rebuilt {
    pub clusters: Vec<Cluster>,
    /// Failure events tied to no cluster.
    pub unattributed: Vec<usize>,
    /// Rotation records that matched no event, for any cluster or none.
    pub not_understood: Vec<usize>,
    /// The retry budget, when the input tells it.
    pub budget: Option<Budget>,
    /// Every folded run of a repeated failure changed nothing past its
    /// first occurrence but the count: the occurrences it hides would not
    /// have either.
    pub exact: bool,
}

/// What an event does to its cluster, once structure is taken into account.
enum Act {
    Detected,
    Started,
    Succeeded,
    Failure,
    /// An error whose meaning depends on what follows.
    Pending,
    NotUnderstood,
}

/// Rebuilds attempts from events sorted by time. Events whose meaning comes
/// from the word layer or from structure get their categories and markers
/// written into them, so the reports show what was decided.
pub fn rebuild(events: &mut [Event], pack: &Pack) -> Rebuilt {
    let mut t = Tracker::with(pack, Resolver::primed(events));
    // Room for the clusters known from the start, not twice as many: the
    // vector grows by doubling, and a million clusters are most of what
    // the rebuild holds.
    t.st.clusters.reserve_exact(t.resolve.known());
    for i in 0..events.len() {
        t.push(i, events);
    }
    t.finish(events)
}

/// Adds to `events` every orphan whose text holds an id that `events` name
/// (`crate::orphans`): the rebuild resolves those to their cluster, as it
/// would had they been events all along. The others bear on no rotation.
pub fn adopt(events: &mut Vec<Event>, orphans: &Orphans) {
    if orphans.is_empty() {
        return;
    }
    let mut resolve = Resolver::primed(events);
    let adopted: Vec<bool> = orphans
        .shapes()
        .iter()
        .map(|record| resolve.cluster(record).is_some())
        .collect();
    if adopted.contains(&true) {
        events.extend(orphans.events_of(&adopted));
    }
}

/// Attempts built event by event, in time order, with ids and correlation
/// ids learned from the whole input first.
struct Tracker<'p> {
    st: State<'p>,
    resolve: Resolver,
    /// How many records stated each retry budget.
    stated: BTreeMap<u32, usize>,
    /// A fold changed its cluster (see `Rebuilt::exact`).
    inexact: bool,
}

impl<'p> Tracker<'p> {
    fn with(pack: &'p Pack, resolve: Resolver) -> Tracker<'p> {
        Tracker {
            st: State {
                pack,
                index: Index::default(),
                clusters: Vec::new(),
                unattributed: Vec::new(),
                not_understood: Vec::new(),
                global_round: 0,
            },
            resolve,
            stated: BTreeMap::new(),
            inexact: false,
        }
    }

    /// Applies event `i`, the next in time order. Returns whether the
    /// attempts refer to it from now on.
    fn push(&mut self, i: usize, events: &mut [Event]) -> bool {
        self.resolve.learn(&events[i]);
        if let Some(b) = events[i].budget() {
            *self.stated.entry(b).or_default() += events[i].count();
        }
        match self.resolve.cluster(&events[i]) {
            Some(id) if events[i].folded().is_some() => self.apply_folded(id, i, events),
            Some(id) => self.st.apply(id, i, events),
            None => self.st.unowned(i, events),
        }
    }

    /// A fold is the same failure as the occurrence before it in time
    /// order, its run's first. When it changes nothing of its cluster but
    /// the count of failures, neither would the occurrences it hides, which
    /// came between the two; when it does, the fold is not exact.
    fn apply_folded(&mut self, id: Arc<str>, i: usize, events: &mut [Event]) -> bool {
        let at = self
            .st
            .index
            .at(&mut self.st.clusters, id.clone(), self.st.global_round);
        let before = self.st.clusters[at].shape();
        let kept = self.st.apply(id, i, events);
        self.inexact |= self.st.clusters[at].shape() != before;
        kept
    }

    /// The attempts at the end of the input.
    fn finish(mut self, events: &mut [Event]) -> Rebuilt {
        let pack = self.st.pack;
        self.st.index = Index::default();
        let clusters = std::mem::take(&mut self.st.clusters)
            .into_iter()
            .map(|mut c| {
                release_pending(&mut c, events, pack);
                conclude(&mut c, events, pack, &[]);
                c
            })
            .collect();
        self.rebuilt(clusters)
    }

    fn rebuilt(&self, mut clusters: Vec<Cluster>) -> Rebuilt {
        let mut not_understood = self.st.not_understood.clone();
        for c in &clusters {
            not_understood.extend(&c.not_understood);
        }
        not_understood.sort_unstable();
        let budget = Budget::learn(&self.stated, &clusters);
        if let Some(b) = &budget {
            for c in &mut clusters {
                b.infer(c);
            }
        }
        // Unstable: ids are unique, and a stable sort of a million
        // clusters would borrow half of them again as scratch.
        clusters.sort_unstable_by(|a, b| (a.status, &a.id).cmp(&(b.status, &b.id)));
        Rebuilt {
            clusters,
            unattributed: self.st.unattributed.clone(),
            not_understood,
            budget,
            exact: !self.inexact,
        }
    }
}

struct State<'p> {
    pack: &'p Pack,
    /// Where each cluster is in `clusters`. A vector, not a map of
    /// clusters, so that the end hands it over without a second copy.
    index: Index,
    clusters: Vec<Cluster>,
    unattributed: Vec<usize>,
    not_understood: Vec<usize>,
    /// Bumped by each new key detected with no cluster named: every
    /// cluster's next event then starts a new round.
    global_round: u32,
}

impl State<'_> {
    /// An event tied to no cluster; true when it is kept in a list.
    fn unowned(&mut self, i: usize, events: &mut [Event]) -> bool {
        let e = &mut events[i];
        if e.marker == Some(Marker::Detected) || e.hint == Some(Hint::Detected) {
            e.marker = Some(Marker::Detected);
            self.global_round += 1;
        } else if e.is_failure() && e.is_error_level() && self.rotation_failure(e) {
            self.unattributed.push(i);
            return true;
        } else if (e.topic || e.key) && !e.is_failure() && e.marker.is_none() && e.hint.is_none() {
            self.not_understood.push(i);
            return true;
        }
        false
    }

    /// A failure tied to no cluster counts when it speaks of rotation (a
    /// runbook phrase, the rotation words) or is of a category that holds
    /// the verdict even unattributed (etcd). A bare underlying error with no
    /// cluster (a TLS timeout to IAM) is the pod's noise, not a rotation's.
    fn rotation_failure(&self, e: &Event) -> bool {
        e.phrase
            || e.topic
            || e.key
            || e.categories
                .iter()
                .any(|&c| self.pack.category(c).hold_unattributed)
    }

    /// An event of cluster `id`; true when it is kept in one of its lists.
    fn apply(&mut self, id: Arc<str>, i: usize, events: &mut [Event]) -> bool {
        let global_round = self.global_round;
        let at = self.index.at(&mut self.clusters, id, global_round);
        let c = &mut self.clusters[at];
        let e = &events[i];
        c.see(e.ts);
        if starts_round(c, e, global_round) {
            // Errors waiting for a failure stay waiting: the failure that
            // opens the new round is theirs.
            c.new_round(events[i].ts);
        }
        let e = &events[i];
        c.global_round = global_round;
        if e.pod.is_some() {
            c.pod.clone_from(&e.pod);
        }
        let act = act(c, e);
        flag_unknown(c, &act, e);
        let pack = self.pack;
        match act {
            Act::Detected => {
                events[i].marker = Some(Marker::Detected);
                return false;
            }
            Act::Started => {
                events[i].marker = Some(Marker::Started);
                release_pending(c, events, pack);
                start(c, &events[i]);
                return false;
            }
            Act::Succeeded => {
                events[i].marker = Some(Marker::Succeeded);
                release_pending(c, events, pack);
                succeed(c, &events[i]);
                return false;
            }
            Act::Failure => fail(c, i, events, pack),
            Act::Pending => c.pending.push(i),
            Act::NotUnderstood => {
                // Room for one at first, not four: noise that names a
                // million clusters makes a million lists of one.
                if c.not_understood.capacity() == 0 {
                    c.not_understood.reserve_exact(1);
                }
                c.not_understood.push(i)
            }
        }
        true
    }
}

/// A failure of cluster `c`: the errors that waited for one are its
/// unclassified failures first.
fn fail(c: &mut Cluster, i: usize, events: &mut [Event], pack: &Pack) {
    let mut taken = words_taken(c, &events[i]);
    if taken == Some(Hint::Failed) && events[i].is_failure() && numbered(c, &events[i]) {
        // An unnumbered cause line's failure words do not end a numbered
        // attempt: its own numbered line does ("could not store rotation
        // state: etcdserver: ..." then "attempt 2/5 was not successful").
        // Without numbers, the line is all the structure there is.
        taken = None;
    }
    add_hint_category(&mut events[i], taken, pack);
    for p in std::mem::take(&mut c.pending) {
        events[p].categories = smallvec::smallvec![pack.of_kind(Kind::Unclassified)];
        failure(c, p, &events[p], pack);
    }
    failure(c, i, &events[i], pack);
}

#[cfg(test)]
mod tests;
