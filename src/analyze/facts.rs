//! The facts the reports show about each cluster, chosen once here so that
//! the table, the Markdown and the JSON cannot disagree: which evidence lines
//! stand for a cluster, which runbook actions apply, and which categories the
//! whole triage touches.

use crate::attempts::{Cluster, Status};
use crate::classify::pack::Category;
use crate::classify::{CatId, Cats};
use crate::event::Event;
use thin_vec::ThinVec;

/// What the reports show for one cluster.
#[derive(Clone, Debug, Default)]
pub struct ClusterFacts {
    /// Indices into `Triage::events`, in time order, at most `--evidence`.
    pub evidence: ThinVec<usize>,
    /// How many lines the evidence was chosen from.
    pub evidence_total: usize,
    /// The runbook categories of its failing streak, most specific first
    /// (empty unless it is failing).
    pub actions: Cats,
}

/// What a cluster's facts depend on besides the cluster and the events.
/// The triage keeps this, not the facts: they are worked out as a report
/// writes each cluster, so a million clusters never hold a million facts.
#[derive(Clone, Copy, Debug)]
pub struct Shown {
    /// `--evidence`.
    pub evidence: usize,
    /// Evidence is shown for rotated clusters too (`--evidence` given).
    pub rotated_evidence: bool,
}

pub fn of(c: &Cluster, events: &[Event], cats: &[Category], shown: Shown) -> ClusterFacts {
    let pool = pool(c);
    // A rotated cluster is kept as counts: the failures it got past are
    // shown only when evidence is asked for.
    let max = if c.status == Status::Rotated && !shown.rotated_evidence {
        0
    } else {
        shown.evidence
    };
    let mut quoted = evidence(pool, events, cats, max);
    // An unknown status quotes the line that made it so, before the rest.
    let unknown = c.unknown_because(events);
    if let Some(i) = unknown.filter(|_| max > 0) {
        quoted.truncate(max - 1);
        quoted.push(i);
        quoted.sort_unstable();
    }
    ClusterFacts {
        evidence: quoted,
        evidence_total: pool.iter().map(|&i| events[i].count()).sum::<usize>()
            + usize::from(unknown.is_some()),
        actions: actions(c, events, cats),
    }
}

/// The lines evidence is chosen from: the failures since the latest
/// success or, for a rotated cluster, the failures it got past. A cluster
/// that rotated and then started again shows only what came after: the
/// failures it got past are history, counted in its attempts (and
/// `--follow` lets go of their text).
fn pool(c: &Cluster) -> &[usize] {
    if c.status == Status::Rotated {
        c.failure_events()
    } else {
        c.streak()
    }
}

fn rank(cats: &[Category], k: CatId) -> u8 {
    cats[usize::from(k)].kind.rank()
}

/// At most `max` lines in time order. The latest line of each cause is
/// chosen first, so the root cause is never crowded out by the "attempt
/// failed" lines that follow it.
fn evidence(idx: &[usize], events: &[Event], cats: &[Category], max: usize) -> ThinVec<usize> {
    let mut chosen = ThinVec::new();
    let mut causes_seen: Vec<CatId> = Vec::new();
    for &i in idx.iter().rev() {
        if let Some(&k) = events[i].categories.first() {
            if !causes_seen.contains(&k) {
                causes_seen.push(k);
                chosen.push(i);
            }
        }
    }
    let cause_rank = |i: usize| events[i].categories.first().map_or(0, |&k| rank(cats, k));
    chosen.sort_by_key(|&i| std::cmp::Reverse(cause_rank(i)));
    chosen.truncate(max);
    for &i in idx.iter().rev() {
        if chosen.len() >= max {
            break;
        }
        if !chosen.contains(&i) {
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
    chosen
}

/// The runbook actions for the categories in a failing streak.
pub fn actions(c: &Cluster, events: &[Event], cats: &[Category]) -> Cats {
    if !c.status.is_failing() {
        return Cats::new();
    }
    let mut found = Cats::new();
    for &i in c.streak().iter().rev() {
        for &k in &events[i].categories {
            if !found.contains(&k) {
                found.push(k);
            }
        }
    }
    found.sort_by_key(|&k| std::cmp::Reverse(rank(cats, k)));
    found
}

/// Categories that apply anywhere in the triage, most specific first.
pub fn applicable(
    actions: impl Iterator<Item = Cats>,
    unattributed: &[usize],
    events: &[Event],
    cats: &[Category],
) -> Vec<CatId> {
    let mut found: Vec<CatId> = Vec::new();
    let from_clusters = actions.flatten();
    let from_unattributed = unattributed
        .iter()
        .flat_map(|&i| events[i].categories.iter().copied());
    for k in from_clusters.chain(from_unattributed) {
        if !found.contains(&k) {
            found.push(k);
        }
    }
    found.sort_by_key(|&k| (std::cmp::Reverse(rank(cats, k)), k));
    found
}
