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

mod budget;
mod cluster;

pub use budget::Budget;
pub use cluster::{Attempt, Cluster, Inference, Outcome, Status};

use crate::classify::{CatId, Hint, IdSource, Kind, Marker, Pack};
use crate::event::Event;
use crate::orphans::Orphans;
use cluster::Latest;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

pub struct Rebuilt {
    pub clusters: Vec<Cluster>,
    /// Failure events tied to no cluster.
    pub unattributed: Vec<usize>,
    /// Rotation records that matched no event, for any cluster or none.
    pub not_understood: Vec<usize>,
    /// The retry budget, when the input tells it.
    pub budget: Option<Budget>,
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

/// Attempts kept current while events arrive: each event is applied the
/// moment it comes, in the order given. The batch analysis gives it every
/// event in time order, with ids and correlation ids learned from the whole
/// input first; a live one (`--follow`) learns them as they come, so an
/// event that names only an id seen later stays unowned until the final
/// report, which is built the batch way.
pub struct Tracker<'p> {
    st: State<'p>,
    resolve: Resolver,
    /// How many records stated each retry budget.
    stated: BTreeMap<u32, usize>,
}

impl<'p> Tracker<'p> {
    /// A tracker that learns ids as events arrive.
    pub fn new(pack: &'p Pack) -> Tracker<'p> {
        let mut t = Tracker::with(pack, Resolver::default());
        t.st.watch_rotations = true;
        t
    }

    fn with(pack: &'p Pack, resolve: Resolver) -> Tracker<'p> {
        Tracker {
            st: State {
                pack,
                index: Index::default(),
                clusters: Vec::new(),
                unattributed: Vec::new(),
                not_understood: Vec::new(),
                global_round: 0,
                rotated: None,
                watch_rotations: false,
            },
            resolve,
            stated: BTreeMap::new(),
        }
    }

    /// Applies event `i`, the latest to arrive. Returns whether the
    /// attempts refer to it from now on; if not, a live caller may drop it
    /// (it is the last, so no other index moves).
    pub fn push(&mut self, i: usize, events: &mut [Event]) -> bool {
        self.resolve.learn(&events[i]);
        if let Some(b) = events[i].budget() {
            *self.stated.entry(b).or_default() += 1;
        }
        match self.resolve.cluster(&events[i]) {
            Some(id) => self.st.apply(id, i, events),
            None => self.st.unowned(i, events),
        }
    }

    /// The cluster the last `push` rotated, when its line named it, and
    /// the failure events the cluster got past (indices, as `push` took).
    pub fn take_rotated(&mut self) -> Option<(Arc<str>, &[usize])> {
        let id = self.st.rotated.take()?;
        let at = self.st.index.find(&self.st.clusters, &id)?;
        Some((id, self.st.clusters[at].failure_events()))
    }

    /// The attempts as they stand, without ending anything: errors still
    /// waiting for a failure stay waiting, and no event is written.
    pub fn snapshot(&self, events: &[Event]) -> Rebuilt {
        let clusters = self
            .st
            .clusters
            .iter()
            .cloned()
            .map(|mut c| {
                let marked = take_pending(&mut c, self.st.pack);
                conclude(&mut c, events, self.st.pack, &marked);
                c
            })
            .collect();
        self.rebuilt(clusters)
    }

    /// The attempts at the end of the input.
    pub fn finish(mut self, events: &mut [Event]) -> Rebuilt {
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
        }
    }
}

/// Finds the cluster of an event: its own, its correlation id's, or an id
/// the input names in a field or CRN found among its tokens.
#[derive(Default)]
struct Resolver {
    corr: HashMap<Box<str>, Arc<str>>,
    /// Shared with `fresh`, `corr` and the events: a million ids are kept once.
    known: HashSet<Arc<str>>,
    /// The known ids, to find anywhere in a message, even glued to other
    /// text ("wdekc23h5icd0sr2mu96rcig").
    anywhere: Option<(aho_corasick::AhoCorasick, Vec<Arc<str>>)>,
    /// Ids learned since `anywhere` was built. A live input learns ids one
    /// by one; building the automaton again only when they outnumber those
    /// in it keeps the cost linear in the ids, not quadratic.
    fresh: Vec<Arc<str>>,
}

impl Resolver {
    /// A resolver that knows every id of the input before the first event.
    fn primed(events: &[Event]) -> Resolver {
        let mut r = Resolver::default();
        for e in events {
            r.learn(e);
        }
        // A correlation id seen beside an id that only a field or CRN
        // elsewhere made certain ("on cluster <id without a digit>").
        for e in events.iter().filter(|e| e.who.cluster.is_none()) {
            let Some(c) = e.corr().filter(|c| !r.corr.contains_key(*c)) else {
                continue;
            };
            if let Some(id) = e.ids().iter().find_map(|t| r.known.get(&**t).cloned()) {
                r.corr.insert(c.into(), id);
            }
        }
        r
    }

    /// Learns the ids an event ties to its cluster.
    fn learn(&mut self, e: &Event) {
        let Some(cluster) = &e.who.cluster else {
            return;
        };
        let certain = matches!(
            e.who.source,
            Some(IdSource::Field | IdSource::Crn | IdSource::Text)
        );
        let shared = |known: &HashSet<Arc<str>>| {
            known
                .get(&**cluster)
                .cloned()
                .unwrap_or_else(|| cluster.clone())
        };
        if let Some(c) = e.corr() {
            if !self.corr.contains_key(c) {
                self.corr.insert(c.into(), shared(&self.known));
            }
        }
        if certain && !self.known.contains(&**cluster) {
            let id = shared(&self.known);
            self.known.insert(id.clone());
            self.fresh.push(id);
        }
    }

    fn cluster(&mut self, e: &Event) -> Option<Arc<str>> {
        if let Some(c) = e
            .who
            .cluster
            .clone()
            .or_else(|| e.corr().and_then(|c| self.corr.get(c).cloned()))
            .or_else(|| e.ids().iter().find_map(|t| self.known.get(&**t).cloned()))
        {
            return Some(c);
        }
        if e.message.is_empty() || self.known.is_empty() {
            return None;
        }
        let built = self.anywhere.as_ref().map_or(0, |(_, ids)| ids.len());
        if self.fresh.len() > built.max(16) || (built == 0 && !self.fresh.is_empty()) {
            self.build();
        }
        let message = e.message();
        let found = self.anywhere.as_ref().and_then(|(ac, ids)| {
            let m = ac.find(&*message)?;
            Some(ids[m.pattern().as_usize()].clone())
        });
        found.or_else(|| {
            let lower = message.to_ascii_lowercase();
            self.fresh
                .iter()
                .find(|id| lower.contains(&id.to_ascii_lowercase()))
                .cloned()
        })
    }

    fn build(&mut self) {
        self.fresh.clear();
        let mut ids: Vec<Arc<str>> = self.known.iter().cloned().collect();
        ids.sort_unstable();
        self.anywhere = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(ids.iter().map(|id| id.as_bytes()))
            .ok()
            .map(|ac| (ac, ids));
    }
}

/// Cluster ids to their place in the tracker's vector, holding no second
/// copy of the id: a million clusters' ids are kept once.
#[derive(Default)]
struct Index {
    table: hashbrown::HashTable<usize>,
    hasher: std::collections::hash_map::RandomState,
}

impl Index {
    fn find(&self, clusters: &[Cluster], id: &str) -> Option<usize> {
        use std::hash::BuildHasher;
        let hash = self.hasher.hash_one(id);
        self.table.find(hash, |&i| *clusters[i].id == *id).copied()
    }

    /// The place of cluster `id`, added to `clusters` if new.
    fn at(&mut self, clusters: &mut Vec<Cluster>, id: Arc<str>, global_round: u32) -> usize {
        use std::hash::BuildHasher;
        let hash = self.hasher.hash_one(&*id);
        let same = |&i: &usize| *clusters[i].id == *id;
        if let Some(&i) = self.table.find(hash, same) {
            return i;
        }
        let hasher = &self.hasher;
        let rehash = |&i: &usize| hasher.hash_one(&*clusters[i].id);
        let i = clusters.len();
        self.table.insert_unique(hash, i, rehash);
        clusters.push(Cluster::new(id, global_round));
        i
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
    /// The cluster the latest event rotated, when it named the cluster
    /// itself: `--follow` lets go of the text of the failures it got past.
    rotated: Option<Arc<str>>,
    /// Only a live tracker says which cluster rotated.
    watch_rotations: bool,
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
        flag_unknown(c, &act, e, i);
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
                if self.watch_rotations && events[i].who.cluster.is_some() {
                    self.rotated = Some(c.id.clone());
                }
                return false;
            }
            Act::Failure => {
                let mut taken = words_taken(c, &events[i]);
                if taken == Some(Hint::Failed) && events[i].is_failure() && numbered(c, &events[i])
                {
                    // An unnumbered cause line's failure words do not end a
                    // numbered attempt: its own numbered line does ("could
                    // not store rotation state: etcdserver: ..." then
                    // "attempt 2/5 was not successful"). Without numbers,
                    // the line is all the structure there is.
                    taken = None;
                }
                add_hint_category(&mut events[i], taken, pack);
                for p in std::mem::take(&mut c.pending) {
                    events[p].categories = smallvec::smallvec![pack.of_kind(Kind::Unclassified)];
                    failure(c, p, &events[p], pack);
                }
                failure(c, i, &events[i], pack);
            }
            Act::Pending => c.pending.push(i),
            Act::NotUnderstood => c.not_understood.push(i),
        }
        true
    }
}

/// A line about the rotation that is not understood, after everything that
/// was, leaves the cluster's state unknown; the next understood event
/// settles it again. An error waiting for its failure changes neither.
fn flag_unknown(c: &mut Cluster, act: &Act, e: &Event, i: usize) {
    match act {
        Act::NotUnderstood if e.topic || e.key => c.unknown_because = Some(i),
        Act::NotUnderstood | Act::Pending => {}
        _ => c.unknown_because = None,
    }
}

/// A new round for this cluster: a new key since its last event, another
/// pod, a new key named for it, or attempt numbers starting over.
fn starts_round(c: &Cluster, e: &Event, global_round: u32) -> bool {
    let had_activity = !c.attempts.is_empty() || c.latest.is_some();
    if !had_activity {
        return false;
    }
    let detected = e.marker == Some(Marker::Detected) || e.hint == Some(Hint::Detected);
    let new_pod = matches!((&c.pod, &e.pod), (Some(a), Some(b)) if a != b);
    // Attempt numbers starting over: lower than the round's highest, or
    // attempt 1 again once the round has ended in a success or exhaustion.
    let concluded = matches!(c.latest, Some(Latest::Succeeded | Latest::Exhausted));
    let restarted = match (e.who.attempt, c.top_number()) {
        (Some(n), Some(top)) => {
            let last_closed = c
                .current()
                .last()
                .is_some_and(|a| a.outcome != Outcome::InProgress);
            last_closed && (n < top || (n == 1 && (is_start(e) || concluded)))
        }
        _ => false,
    };
    c.global_round < global_round || detected || new_pod || restarted
}

fn is_start(e: &Event) -> bool {
    e.marker == Some(Marker::Started) || (e.hint == Some(Hint::Started) && !e.is_failure())
}

/// The rules' markers and categories first; then the word layer's hint;
/// then the level. Words on the rotation topic are taken as they read.
/// Without the topic, only what cannot be about anything else is: giving
/// up inside the cluster's rotation, or a numbered retry starting. A bare
/// "failed" off the topic is an error like any other.
fn act(c: &Cluster, e: &Event) -> Act {
    let words = words_taken(c, e);
    if e.is_failure() || matches!(words, Some(Hint::Failed | Hint::Exhausted)) {
        return Act::Failure;
    }
    match (e.marker, words) {
        (Some(Marker::Detected), _) | (None, Some(Hint::Detected)) => return Act::Detected,
        (Some(Marker::Started), _) | (None, Some(Hint::Started)) => return Act::Started,
        (Some(Marker::Succeeded), _) | (None, Some(Hint::Succeeded)) => return Act::Succeeded,
        _ => {}
    }
    if e.error && (c.has_open() || e.who.attempt.is_some() || e.topic || e.key) {
        return Act::Failure;
    }
    if e.error {
        return Act::Pending;
    }
    Act::NotUnderstood
}

/// The word layer's event, where the message or the cluster's state
/// carries it. A failure is an attempt's only when the message is about
/// rotation; a failure that merely names the key ("API key could not be
/// found") is an error inside the attempt, not its end.
/// The attempt this unnumbered event falls in is numbered: its own
/// numbered line will say how it ended. A line that carries the number
/// itself ("update failed [retry 2/5]: <cause>") is that line.
fn numbered(c: &Cluster, e: &Event) -> bool {
    e.who.attempt.is_none() && c.current().last().is_some_and(|a| a.number.is_some())
}

fn words_taken(c: &Cluster, e: &Event) -> Option<Hint> {
    e.hint.filter(|h| match h {
        Hint::Failed => e.topic,
        Hint::Exhausted => e.topic || e.key || c.active(),
        Hint::Started => e.topic || e.key || (c.active() && e.who.attempt.is_some()),
        Hint::Succeeded | Hint::Detected => e.topic || e.key,
    })
}

/// The word layer's failure, or an error line inside a rotation, becomes
/// the category that reports and the root cause read.
fn add_hint_category(e: &mut Event, hint: Option<Hint>, pack: &Pack) {
    let kind = match hint {
        Some(Hint::Exhausted) => Some(Kind::Exhausted),
        Some(Hint::Failed) => Some(Kind::AttemptFailed),
        _ => None,
    };
    if let Some(k) = kind {
        let cat = pack.of_kind(k);
        if !e.categories.contains(&cat) {
            e.categories.push(cat);
        }
    }
    if e.categories.is_empty() {
        e.categories.push(pack.of_kind(Kind::Unclassified));
    }
    sort_categories(&mut e.categories, pack);
    e.marker = None;
}

fn sort_categories(cats: &mut [CatId], pack: &Pack) {
    cats.sort_by_key(|&c| std::cmp::Reverse(pack.category(c).kind.rank()));
}

/// Errors that no failure followed: inside a failing streak they belong to
/// its last attempt, as unclassified failures; otherwise they are records
/// not understood.
fn release_pending(c: &mut Cluster, events: &mut [Event], pack: &Pack) {
    let unclassified = pack.of_kind(Kind::Unclassified);
    for p in take_pending(c, pack) {
        events[p].categories = smallvec::smallvec![unclassified];
    }
}

/// `release_pending` on the cluster alone: returns the events that become
/// unclassified failures, for the caller to mark or not.
fn take_pending(c: &mut Cluster, pack: &Pack) -> thin_vec::ThinVec<usize> {
    if c.pending.is_empty() {
        return Default::default();
    }
    let pending = std::mem::take(&mut c.pending);
    if c.latest == Some(Latest::Failed) && c.last_in_round().is_some() {
        let unclassified = pack.of_kind(Kind::Unclassified);
        for &p in &pending {
            let a = c.last_in_round().expect("checked above");
            if !a.categories.contains(&unclassified) {
                a.categories.push(unclassified);
            }
            c.add_failure(p);
        }
        pending
    } else {
        c.not_understood.extend(pending);
        Default::default()
    }
}

fn start(c: &mut Cluster, e: &Event) {
    let same =
        |a: &Attempt| e.who.attempt.is_none() || a.number.is_none() || a.number == e.who.attempt;
    match c.open() {
        Some(a) if a.categories.is_empty() && same(a) => a.number = a.number.or(e.who.attempt),
        _ => c.begin(e.who.attempt, e.ts),
    }
}

fn succeed(c: &mut Cluster, e: &Event) {
    // A success numbered past the open attempt ends that one first.
    let other = match (c.open().map(|a| a.number), e.who.attempt) {
        (Some(Some(open)), Some(n)) => open != n,
        _ => false,
    };
    if !c.has_open() || other {
        c.begin(e.who.attempt, e.ts);
    }
    if let Some(a) = c.open() {
        a.close(Outcome::Succeeded, e.ts);
    }
    c.latest = Some(Latest::Succeeded);
    c.end_streak();
}

fn failure(c: &mut Cluster, i: usize, e: &Event, pack: &Pack) {
    let kinds: Vec<Kind> = e
        .categories
        .iter()
        .map(|&k| pack.category(k).kind)
        .collect();
    let exhausted = kinds.contains(&Kind::Exhausted);
    let closes = exhausted || kinds.contains(&Kind::AttemptFailed);
    let summary_only = kinds.iter().all(|k| *k == Kind::Exhausted);
    let last_open = c.has_open();
    let has_attempt = c.last_in_round().is_some();
    let a = if has_attempt && (summary_only || (exhausted && !last_open)) {
        // The summary reports on the attempts before it, even when it
        // repeats their cause; it starts none.
        c.last_in_round().expect("checked above")
    } else {
        c.attempt_for(e.who.attempt, e.ts)
    };
    for &cat in &e.categories {
        if !a.categories.contains(&cat) {
            a.categories.push(cat);
        }
    }
    if closes || a.outcome != Outcome::InProgress {
        a.close(Outcome::Failed, e.ts);
    }
    a.exhausted |= exhausted;
    c.latest = Some(if exhausted {
        Latest::Exhausted
    } else {
        Latest::Failed
    });
    c.add_failure(i);
}

/// Sets status from the latest outcome, and the root cause from the streak;
/// `unclassified` are streak events to read as unclassified failures.
fn conclude(c: &mut Cluster, events: &[Event], pack: &Pack, unclassified: &[usize]) {
    if let Some(a) = c.open().filter(|a| !a.categories.is_empty()) {
        // It has failed already, even if its closing line is not in the log yet.
        a.outcome = Outcome::Failed;
    }
    c.status = match c.unknown_because {
        Some(_) => Status::Unknown,
        None => c.status_of_round(),
    };
    if c.status != Status::Rotated {
        c.root_cause = root_cause(c.streak(), events, pack, unclassified);
    }
}

/// The most specific category in the streak; the latest among equals.
fn root_cause(
    streak: &[usize],
    events: &[Event],
    pack: &Pack,
    unclassified: &[usize],
) -> Option<CatId> {
    let mut best: Option<(u8, CatId)> = None;
    for &i in streak {
        // Each event's categories are already most specific first.
        let cat = if unclassified.contains(&i) {
            pack.of_kind(Kind::Unclassified)
        } else {
            let Some(&cat) = events[i].categories.first() else {
                continue;
            };
            cat
        };
        let rank = pack.category(cat).kind.rank();
        if best.is_none_or(|(r, _)| rank >= r) {
            best = Some((rank, cat));
        }
    }
    best.map(|(_, c)| c)
}

#[cfg(test)]
mod tests;
