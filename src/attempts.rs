//! Attempts stage: rebuilds each cluster's rotation attempts from its events,
//! in time order, and sets its status and root cause.
//!
//! A start marker opens an attempt; failures land in the open attempt (or the
//! one their attempt number names); "rotation attempt failed" closes it as
//! failed; a success closes it and ends the failing streak; "retries exhausted"
//! is the summary. Lines that carry only a correlation id belong to the
//! cluster that id was seen with anywhere in the input.

use crate::classify::{CatId, Kind, Marker, Pack};
use crate::event::Event;
use crate::time::Ts;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Exhausted,
    Retrying,
    Unknown,
    Rotated,
}

impl Status {
    pub fn is_failing(self) -> bool {
        matches!(self, Status::Exhausted | Status::Retrying)
    }

    pub fn name(self) -> &'static str {
        match self {
            Status::Exhausted => "exhausted",
            Status::Retrying => "retrying",
            Status::Unknown => "unknown",
            Status::Rotated => "rotated",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    InProgress,
    Failed,
    Succeeded,
    /// A new start arrived before this attempt reported anything.
    Superseded,
}

#[derive(Clone, Debug, Serialize)]
pub struct Attempt {
    pub number: Option<u32>,
    pub started: Option<Ts>,
    pub ended: Option<Ts>,
    pub outcome: Outcome,
    /// Failure categories seen in this attempt, in order of appearance.
    #[serde(skip)]
    pub categories: Vec<CatId>,
    /// The summary failure (retries exhausted) closed this attempt.
    pub exhausted: bool,
}

impl Attempt {
    fn new(number: Option<u32>, started: Option<Ts>) -> Attempt {
        Attempt {
            number,
            started,
            ended: None,
            outcome: Outcome::InProgress,
            categories: Vec::new(),
            exhausted: false,
        }
    }

    fn close(&mut self, outcome: Outcome, at: Option<Ts>) {
        self.outcome = outcome;
        self.ended = at.or(self.ended);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Latest {
    Failed,
    Exhausted,
    Succeeded,
}

#[derive(Clone, Debug)]
pub struct Cluster {
    pub id: String,
    pub attempts: Vec<Attempt>,
    pub status: Status,
    pub root_cause: Option<CatId>,
    /// Failure events since the last success (indices into the events).
    pub streak: Vec<usize>,
    /// Every failure event of the cluster.
    pub failure_events: Vec<usize>,
    pub first_seen: Option<Ts>,
    pub last_seen: Option<Ts>,
    latest: Option<Latest>,
}

impl Cluster {
    fn new(id: String) -> Cluster {
        Cluster {
            id,
            attempts: Vec::new(),
            status: Status::Unknown,
            root_cause: None,
            streak: Vec::new(),
            failure_events: Vec::new(),
            first_seen: None,
            last_seen: None,
            latest: None,
        }
    }

    pub fn failed_attempts(&self) -> usize {
        self.attempts
            .iter()
            .filter(|a| a.outcome == Outcome::Failed)
            .count()
    }

    /// For each category, the number of attempts it was seen in.
    pub fn failure_counts(&self) -> BTreeMap<CatId, usize> {
        let mut counts = BTreeMap::new();
        for a in &self.attempts {
            for &c in &a.categories {
                *counts.entry(c).or_default() += 1;
            }
        }
        counts
    }

    /// Categories in the failing streak, most specific first.
    pub fn streak_categories(&self, events: &[Event], pack: &Pack) -> Vec<CatId> {
        let mut cats: Vec<CatId> = Vec::new();
        for &i in self.streak.iter().rev() {
            for &c in &events[i].categories {
                if !cats.contains(&c) {
                    cats.push(c);
                }
            }
        }
        cats.sort_by_key(|&c| std::cmp::Reverse(pack.category(c).kind.rank()));
        cats
    }

    fn open(&mut self) -> Option<&mut Attempt> {
        self.attempts
            .last_mut()
            .filter(|a| a.outcome == Outcome::InProgress)
    }

    fn has_open(&self) -> bool {
        self.attempts
            .last()
            .is_some_and(|a| a.outcome == Outcome::InProgress)
    }

    /// The attempt a failure belongs to, opening one when none fits.
    fn attempt_for(&mut self, number: Option<u32>, ts: Option<Ts>) -> &mut Attempt {
        let last = self.attempts.len().checked_sub(1);
        let fits = |a: &Attempt| number.is_none() || a.number.is_none() || a.number == number;
        match last {
            Some(i)
                if self.attempts[i].outcome == Outcome::InProgress && fits(&self.attempts[i]) => {}
            // A late line of an attempt that already closed.
            Some(i) if number.is_some() && self.attempts[i].number == number => {}
            _ => self.begin(number, ts),
        }
        let a = self
            .attempts
            .last_mut()
            .expect("an attempt was just ensured");
        a.number = a.number.or(number);
        a
    }

    fn begin(&mut self, number: Option<u32>, ts: Option<Ts>) {
        if let Some(open) = self.open() {
            let outcome = if open.categories.is_empty() {
                Outcome::Superseded
            } else {
                Outcome::Failed
            };
            open.close(outcome, ts);
        }
        self.attempts.push(Attempt::new(number, ts));
    }

    fn see(&mut self, ts: Option<Ts>) {
        if let Some(t) = ts {
            self.first_seen = Some(self.first_seen.map_or(t, |f| f.min(t)));
            self.last_seen = Some(self.last_seen.map_or(t, |l| l.max(t)));
        }
    }
}

pub struct Rebuilt {
    pub clusters: Vec<Cluster>,
    /// Failure events tied to no cluster.
    pub unattributed: Vec<usize>,
}

/// Rebuilds attempts from events sorted by time. Error events that become
/// `unclassified` failures get that category written into them.
pub fn rebuild(events: &mut [Event], pack: &Pack) -> Rebuilt {
    let corr = correlation_map(events);
    let unclassified = pack.of_kind(Kind::Unclassified);
    let mut clusters: HashMap<String, Cluster> = HashMap::new();
    let mut unattributed = Vec::new();
    for (i, e) in events.iter_mut().enumerate() {
        let id = e
            .who
            .cluster
            .clone()
            .or_else(|| e.who.corr.as_ref().and_then(|c| corr.get(c).cloned()));
        let Some(id) = id else {
            if e.is_failure() {
                unattributed.push(i);
            }
            continue;
        };
        let c = clusters
            .entry(id.clone())
            .or_insert_with(|| Cluster::new(id));
        if !e.is_failure() && e.marker.is_none() {
            // An error counts as a rotation failure only inside a rotation.
            if !(e.error && (c.has_open() || e.who.attempt.is_some())) {
                continue;
            }
            e.categories = vec![unclassified];
        }
        apply(c, i, e, pack);
    }
    let mut clusters: Vec<Cluster> = clusters
        .into_values()
        .filter(|c| !c.attempts.is_empty())
        .collect();
    for c in &mut clusters {
        settle(c, events, pack);
    }
    clusters.sort_by(|a, b| (a.status, &a.id).cmp(&(b.status, &b.id)));
    Rebuilt {
        clusters,
        unattributed,
    }
}

fn correlation_map(events: &[Event]) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for e in events {
        if let (Some(cluster), Some(corr)) = (&e.who.cluster, &e.who.corr) {
            map.entry(corr.clone()).or_insert_with(|| cluster.clone());
        }
    }
    map
}

fn apply(c: &mut Cluster, i: usize, e: &Event, pack: &Pack) {
    c.see(e.ts);
    if e.is_failure() {
        failure(c, i, e, pack);
        return;
    }
    match e.marker {
        Some(Marker::Started) => {
            let same = |a: &Attempt| {
                e.who.attempt.is_none() || a.number.is_none() || a.number == e.who.attempt
            };
            match c.open() {
                Some(a) if a.categories.is_empty() && same(a) => {
                    a.number = a.number.or(e.who.attempt)
                }
                _ => c.begin(e.who.attempt, e.ts),
            }
        }
        Some(Marker::Succeeded) => {
            if !c.has_open() {
                c.begin(e.who.attempt, e.ts);
            }
            if let Some(a) = c.open() {
                a.close(Outcome::Succeeded, e.ts);
            }
            c.latest = Some(Latest::Succeeded);
            c.streak.clear();
        }
        None => {}
    }
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
    let a = if summary_only && !c.attempts.is_empty() {
        // The summary reports on the attempts before it; it starts none.
        c.attempts.last_mut().expect("checked non-empty")
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
fn settle(c: &mut Cluster, events: &[Event], pack: &Pack) {
    if let Some(a) = c.open().filter(|a| !a.categories.is_empty()) {
        // It has failed already, even if its closing line is not in the log yet.
        a.outcome = Outcome::Failed;
    }
    c.status = match c.latest {
        Some(Latest::Succeeded) => Status::Rotated,
        Some(Latest::Exhausted) => Status::Exhausted,
        Some(Latest::Failed) => Status::Retrying,
        None => Status::Unknown,
    };
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
