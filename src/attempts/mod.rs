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
use cluster::Latest;
use std::collections::{HashMap, HashSet};

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
    let resolve = Resolver::new(events);
    let mut st = State {
        pack,
        clusters: HashMap::new(),
        unattributed: Vec::new(),
        not_understood: Vec::new(),
        global_round: 0,
    };
    for i in 0..events.len() {
        match resolve.cluster(&events[i]) {
            Some(id) => st.apply(id, i, events),
            None => st.unowned(i, events),
        }
    }
    let mut clusters: Vec<Cluster> = st.clusters.into_values().collect();
    let mut not_understood = st.not_understood;
    for c in &mut clusters {
        settle(c, events, pack);
        not_understood.extend(&c.not_understood);
    }
    not_understood.sort_unstable();
    let budget = Budget::learn(events, &clusters);
    if let Some(b) = &budget {
        for c in &mut clusters {
            b.infer(c);
        }
    }
    clusters.sort_by(|a, b| (a.status, &a.id).cmp(&(b.status, &b.id)));
    Rebuilt {
        clusters,
        unattributed: st.unattributed,
        not_understood,
        budget,
    }
}

/// Finds the cluster of an event: its own, its correlation id's, or an id
/// the input names in a field or CRN found among its tokens.
struct Resolver {
    corr: HashMap<String, String>,
    known: HashSet<String>,
    /// The known ids, to find anywhere in a message, even glued to other
    /// text ("wdekc23h5icd0sr2mu96rcig").
    anywhere: Option<(aho_corasick::AhoCorasick, Vec<String>)>,
}

impl Resolver {
    fn new(events: &[Event]) -> Resolver {
        let mut corr = HashMap::new();
        let mut known = HashSet::new();
        for e in events {
            let Some(cluster) = &e.who.cluster else {
                continue;
            };
            if let Some(c) = &e.who.corr {
                corr.entry(c.clone()).or_insert_with(|| cluster.clone());
            }
            if matches!(
                e.who.source,
                Some(IdSource::Field | IdSource::Crn | IdSource::Text)
            ) {
                known.insert(cluster.clone());
            }
        }
        let ids: Vec<String> = known.iter().cloned().collect();
        let anywhere = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&ids)
            .ok()
            .filter(|_| !ids.is_empty())
            .map(|ac| (ac, ids));
        Resolver {
            corr,
            known,
            anywhere,
        }
    }

    fn cluster(&self, e: &Event) -> Option<String> {
        e.who
            .cluster
            .clone()
            .or_else(|| e.who.corr.as_ref().and_then(|c| self.corr.get(c).cloned()))
            .or_else(|| {
                e.ids
                    .iter()
                    .find(|t| self.known.contains(&***t))
                    .map(|t| t.to_string())
            })
            .or_else(|| {
                let (ac, ids) = self.anywhere.as_ref()?;
                let m = ac.find(e.message.as_str())?;
                Some(ids[m.pattern().as_usize()].clone())
            })
    }
}

struct State<'p> {
    pack: &'p Pack,
    clusters: HashMap<String, Cluster>,
    unattributed: Vec<usize>,
    not_understood: Vec<usize>,
    /// Bumped by each new key detected with no cluster named: every
    /// cluster's next event then starts a new round.
    global_round: u32,
}

impl State<'_> {
    /// An event tied to no cluster.
    fn unowned(&mut self, i: usize, events: &mut [Event]) {
        let e = &mut events[i];
        if e.marker == Some(Marker::Detected) || e.hint == Some(Hint::Detected) {
            e.marker = Some(Marker::Detected);
            self.global_round += 1;
        } else if e.is_failure() && e.is_error_level() && self.rotation_failure(e) {
            self.unattributed.push(i);
        } else if (e.topic || e.key) && !e.is_failure() && e.marker.is_none() && e.hint.is_none() {
            self.not_understood.push(i);
        }
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

    fn apply(&mut self, id: String, i: usize, events: &mut [Event]) {
        let global_round = self.global_round;
        let c = self
            .clusters
            .entry(id.clone())
            .or_insert_with(|| Cluster::new(id, global_round));
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
        let pack = self.pack;
        match act {
            Act::Detected => {
                events[i].marker = Some(Marker::Detected);
            }
            Act::Started => {
                events[i].marker = Some(Marker::Started);
                release_pending(c, events, pack);
                start(c, &events[i]);
            }
            Act::Succeeded => {
                events[i].marker = Some(Marker::Succeeded);
                release_pending(c, events, pack);
                succeed(c, &events[i]);
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
                    events[p].categories = vec![pack.of_kind(Kind::Unclassified)];
                    failure(c, p, &events[p], pack);
                }
                failure(c, i, &events[i], pack);
            }
            Act::Pending => c.pending.push(i),
            Act::NotUnderstood => c.not_understood.push(i),
        }
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
/// its last attempt; otherwise they are records not understood.
fn release_pending(c: &mut Cluster, events: &mut [Event], pack: &Pack) {
    if c.pending.is_empty() {
        return;
    }
    let pending = std::mem::take(&mut c.pending);
    if c.latest == Some(Latest::Failed) && c.last_in_round().is_some() {
        let unclassified = pack.of_kind(Kind::Unclassified);
        for p in pending {
            events[p].categories = vec![unclassified];
            let a = c.last_in_round().expect("checked above");
            if !a.categories.contains(&unclassified) {
                a.categories.push(unclassified);
            }
            c.streak.push(p);
            c.failure_events.push(p);
        }
    } else {
        c.not_understood.extend(pending);
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
    c.streak.clear();
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
    c.streak.push(i);
    c.failure_events.push(i);
}

/// Sets status from the latest outcome, and the root cause from the streak.
fn settle(c: &mut Cluster, events: &mut [Event], pack: &Pack) {
    release_pending(c, events, pack);
    if let Some(a) = c.open().filter(|a| !a.categories.is_empty()) {
        // It has failed already, even if its closing line is not in the log yet.
        a.outcome = Outcome::Failed;
    }
    c.status = c.status_of_round();
    if c.status != Status::Rotated {
        c.root_cause = root_cause(&c.streak, events, pack);
    }
}

/// The most specific category in the streak; the latest among equals.
fn root_cause(streak: &[usize], events: &[Event], pack: &Pack) -> Option<CatId> {
    let mut best: Option<(u8, CatId)> = None;
    for &i in streak {
        // Each event's categories are already most specific first.
        let Some(&cat) = events[i].categories.first() else {
            continue;
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
