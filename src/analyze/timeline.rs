//! The incident over time, the one model every picture is drawn from: the
//! failing clusters' attempts on a time axis, the pod restarts and key
//! rounds across all clusters, and the failed attempts per minute per cause.
//!
//! A picture of 10,000 clusters is 10,000 rows nobody reads: the timeline
//! keeps the worst `LANES` clusters and counts the others by root cause.

use crate::attempts::{Attempt, Cluster, Outcome, Status};
use crate::classify::pack::Category;
use crate::classify::Marker;
use crate::event::Event;
use crate::time::Ts;
use serde::Serialize;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

/// Failing clusters drawn one by one; the rest are counted by cause.
pub const LANES: usize = 20;
/// Pod restarts and rounds kept: past this, the marks would be a solid bar.
const MARKS: usize = 100;

#[derive(Debug, Default, Serialize)]
pub struct Timeline {
    /// The axis: the earliest and latest time of anything drawn.
    pub from: Option<Ts>,
    pub to: Option<Ts>,
    /// Failing clusters, worst first (exhausted, then most failed attempts).
    pub clusters: Vec<Lane>,
    /// The failing clusters not in `clusters`, counted by root cause.
    pub others: Vec<CauseCount>,
    /// A pod seen for the first time after another: a restart or a
    /// replacement. Every cluster's rotation starts over on it.
    pub restarts: Vec<Restart>,
    /// New keys detected: a new rotation round begins.
    pub rounds: Vec<RoundMark>,
    /// Failed attempts (and rotation failures tied to no cluster) per
    /// minute, by cause; minutes without a failure are left out.
    pub per_minute: Vec<Minute>,
}

/// One failing cluster's attempts.
#[derive(Debug, Serialize)]
pub struct Lane {
    pub cluster_id: Arc<str>,
    pub status: Status,
    pub root_cause: Option<Arc<str>>,
    pub attempts: Vec<Mark>,
}

/// One attempt on the axis.
#[derive(Debug, Serialize)]
pub struct Mark {
    pub number: Option<u32>,
    pub round: u32,
    pub started: Option<Ts>,
    pub ended: Option<Ts>,
    pub outcome: Outcome,
    /// The most specific failure the attempt showed.
    pub cause: Option<Arc<str>>,
}

impl Mark {
    /// Where the attempt sits on the axis.
    pub fn at(&self) -> Option<Ts> {
        self.started.or(self.ended)
    }
}

#[derive(Debug, Serialize)]
pub struct CauseCount {
    /// `null` for clusters with no root cause.
    pub cause: Option<Arc<str>>,
    pub clusters: usize,
}

#[derive(Debug, Serialize)]
pub struct Restart {
    pub at: Ts,
    pub pod: Arc<str>,
}

#[derive(Debug, Serialize)]
pub struct RoundMark {
    pub at: Ts,
    /// Clusters the new key was named for (0: every cluster).
    pub clusters: usize,
}

#[derive(Debug, Serialize)]
pub struct Minute {
    /// The start of the minute.
    pub at: Ts,
    pub failures: BTreeMap<Arc<str>, usize>,
}

impl Minute {
    pub fn total(&self) -> usize {
        self.failures.values().sum()
    }
}

impl Timeline {
    /// Failing clusters in all: drawn and counted.
    pub fn failing(&self) -> usize {
        self.clusters.len() + self.others.iter().map(|o| o.clusters).sum::<usize>()
    }

    /// The causes of the failures per minute, most frequent first.
    pub fn causes(&self) -> Vec<Arc<str>> {
        let mut n: BTreeMap<&Arc<str>, usize> = BTreeMap::new();
        for m in &self.per_minute {
            for (c, k) in &m.failures {
                *n.entry(c).or_default() += k;
            }
        }
        let mut v: Vec<_> = n.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        v.into_iter().map(|(c, _)| c.clone()).collect()
    }
}

/// The timeline of the clusters reported.
pub fn build(
    clusters: &[Cluster],
    unattributed: &[usize],
    events: &[Event],
    cats: &[Category],
) -> Timeline {
    let (shown, rest) = worst(clusters);
    let lanes: Vec<Lane> = shown.iter().map(|&c| lane(c, cats)).collect();
    let per_minute = per_minute(clusters, unattributed, events, cats);
    let restarts = restarts(events);
    let rounds = rounds(events);
    let times = lanes
        .iter()
        .flat_map(|l| l.attempts.iter().flat_map(|a| [a.started, a.ended]))
        .flatten()
        .chain(per_minute.iter().map(|m| m.at))
        .chain(restarts.iter().map(|r| r.at))
        .chain(rounds.iter().map(|r| r.at));
    let (from, to) = times.fold((None, None), |(lo, hi): (Option<Ts>, Option<Ts>), t| {
        (
            Some(lo.map_or(t, |l| l.min(t))),
            Some(hi.map_or(t, |h| h.max(t))),
        )
    });
    Timeline {
        from,
        to,
        clusters: lanes,
        others: others(&rest, cats),
        restarts,
        rounds,
        per_minute,
    }
}

/// The failing clusters, worst first, split at `LANES`.
fn worst(clusters: &[Cluster]) -> (Vec<&Cluster>, Vec<&Cluster>) {
    let mut failing: Vec<&Cluster> = clusters.iter().filter(|c| c.status.is_failing()).collect();
    let key = |c: &&Cluster| {
        (
            c.status != Status::Exhausted,
            std::cmp::Reverse(c.failed_attempts()),
            c.id.clone(),
        )
    };
    if failing.len() > LANES {
        // Only the first LANES need an order: a full sort of a million
        // clusters would be most of the work.
        failing.select_nth_unstable_by_key(LANES, key);
    }
    let rest = failing.split_off(failing.len().min(LANES));
    failing.sort_by_key(key);
    (failing, rest)
}

fn lane(c: &Cluster, cats: &[Category]) -> Lane {
    Lane {
        cluster_id: c.id.clone(),
        status: c.status,
        root_cause: c.root_cause.map(|k| cats[usize::from(k)].id.clone()),
        attempts: c
            .attempts
            .iter()
            .map(|a| Mark {
                number: a.number,
                round: a.round,
                started: a.started,
                ended: a.ended,
                outcome: a.outcome,
                cause: attempt_cause(a, cats),
            })
            .collect(),
    }
}

/// The most specific category an attempt showed, the first of equals.
fn attempt_cause(a: &Attempt, cats: &[Category]) -> Option<Arc<str>> {
    let rank = |k: &u16| cats[usize::from(*k)].kind.rank();
    let best = a.categories.iter().map(rank).max()?;
    let k = a.categories.iter().find(|k| rank(k) == best)?;
    Some(cats[usize::from(*k)].id.clone())
}

fn others(rest: &[&Cluster], cats: &[Category]) -> Vec<CauseCount> {
    let mut n: BTreeMap<Option<Arc<str>>, usize> = BTreeMap::new();
    for c in rest {
        let cause = c.root_cause.map(|k| cats[usize::from(k)].id.clone());
        *n.entry(cause).or_default() += 1;
    }
    let mut v: Vec<CauseCount> = n
        .into_iter()
        .map(|(cause, clusters)| CauseCount { cause, clusters })
        .collect();
    v.sort_by(|a, b| b.clusters.cmp(&a.clusters).then(a.cause.cmp(&b.cause)));
    v
}

fn minute_of(t: Ts) -> Ts {
    const MIN: i64 = 60_000_000_000;
    Ts::from_nanos(t.nanos().div_euclid(MIN) * MIN)
}

fn per_minute(
    clusters: &[Cluster],
    unattributed: &[usize],
    events: &[Event],
    cats: &[Category],
) -> Vec<Minute> {
    let mut by: BTreeMap<Ts, BTreeMap<Arc<str>, usize>> = BTreeMap::new();
    let mut add = |at: Option<Ts>, cause: Option<Arc<str>>| {
        if let (Some(at), Some(cause)) = (at, cause) {
            *by.entry(minute_of(at))
                .or_default()
                .entry(cause)
                .or_default() += 1;
        }
    };
    for a in clusters.iter().flat_map(|c| &c.attempts) {
        if a.outcome == Outcome::Failed {
            add(a.ended.or(a.started), attempt_cause(a, cats));
        }
    }
    for &i in unattributed {
        let e = &events[i];
        let cause = e
            .categories
            .first()
            .map(|&k| cats[usize::from(k)].id.clone());
        add(e.ts, cause);
    }
    by.into_iter()
        .map(|(at, failures)| Minute { at, failures })
        .collect()
}

/// The first record of each pod after the first pod seen.
fn restarts(events: &[Event]) -> Vec<Restart> {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    for e in events {
        let (Some(pod), Some(at)) = (&e.pod, e.ts) else {
            continue;
        };
        if seen.insert(pod) && seen.len() > 1 {
            out.push(Restart {
                at,
                pod: pod.clone(),
            });
            if out.len() == MARKS {
                break;
            }
        }
    }
    out
}

/// New keys detected, one mark per second they were seen in.
fn rounds(events: &[Event]) -> Vec<RoundMark> {
    let mut out: Vec<RoundMark> = Vec::new();
    for e in events.iter().filter(|e| e.marker == Some(Marker::Detected)) {
        let Some(at) = e.ts else { continue };
        let named = usize::from(e.who.cluster.is_some());
        let full = out.len() == MARKS;
        match out.last_mut() {
            Some(last) if at.secs_since(last.at) < 1 => last.clusters += named,
            _ if full => break,
            _ => out.push(RoundMark {
                at,
                clusters: named,
            }),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minute_starts_on_the_minute() {
        let t = crate::time::parse_point("2026-11-20T03:01:59.9Z").unwrap();
        assert_eq!(minute_of(t).rfc3339(), "2026-11-20T03:01:00Z");
    }
}
