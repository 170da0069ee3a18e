//! One cluster's rotation history: attempts, rounds, and the failing streak.

use crate::classify::{CatId, Pack};
use crate::event::Event;
use crate::time::Ts;
use serde::Serialize;
use std::collections::BTreeMap;
use thin_vec::ThinVec;

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
    /// The rotation round (1 for the first in the input).
    pub round: u32,
    pub started: Option<Ts>,
    pub ended: Option<Ts>,
    pub outcome: Outcome,
    /// Failure categories seen in this attempt, in order of appearance.
    #[serde(skip)]
    pub categories: crate::classify::Cats,
    /// The summary failure (retries exhausted) closed this attempt.
    pub exhausted: bool,
}

impl Attempt {
    fn new(number: Option<u32>, round: u32, started: Option<Ts>) -> Attempt {
        Attempt {
            number,
            round,
            started,
            ended: None,
            outcome: Outcome::InProgress,
            categories: Default::default(),
            exhausted: false,
        }
    }

    pub(super) fn close(&mut self, outcome: Outcome, at: Option<Ts>) {
        self.outcome = outcome;
        self.ended = at.or(self.ended);
    }
}

/// How a status was reached without a line that says it.
#[derive(Clone, Debug, Serialize)]
pub struct Inference {
    /// The retry budget, in attempts.
    pub budget: u32,
    /// Where the budget was learned.
    pub from: super::Budget,
    /// Consecutive failed attempts at the end of the cluster's latest round.
    pub failed_in_a_row: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Latest {
    Failed,
    Exhausted,
    Succeeded,
}

/// Its vectors are thin (one pointer, the length on the heap): most stay
/// empty, and a million clusters are held at once.
#[derive(Clone, Debug)]
pub struct Cluster {
    /// Shared: every reason that names the cluster holds the same id.
    pub id: std::sync::Arc<str>,
    pub attempts: ThinVec<Attempt>,
    pub status: Status,
    /// Set when the status was inferred from the retry budget.
    /// Boxed: few clusters have one, and each would carry 40 bytes more.
    pub inferred: Option<Box<Inference>>,
    pub root_cause: Option<CatId>,
    /// Every failure event of the cluster (indices into the events).
    /// Private: the streak is its tail, so only `add_failure` adds to it.
    failure_events: ThinVec<usize>,
    /// Where the failing streak starts in `failure_events`: the streak is
    /// always their tail, so it is not kept twice.
    streak_from: usize,
    /// Records about the cluster's rotation that matched no event.
    pub not_understood: ThinVec<usize>,
    /// Rounds seen: a new key, attempt numbers starting over, a new pod.
    pub rounds: u32,
    /// The status at the end of each earlier round.
    pub history: ThinVec<Status>,
    pub first_seen: Option<Ts>,
    pub last_seen: Option<Ts>,
    pub(super) latest: Option<Latest>,
    /// The global round at the cluster's last event.
    pub(super) global_round: u32,
    pub(super) pod: Option<std::sync::Arc<str>>,
    /// Error lines waiting for a failure to tell whether they were one.
    pub(super) pending: ThinVec<usize>,
    /// A record on the rotation topic that nothing understood came after
    /// the cluster's last understood event: its status is `unknown` then,
    /// not the last outcome carried on (`unknown_because` names the record).
    /// A flag, not the index: it fits in the padding a cluster has.
    pub(super) unknown_tail: bool,
}

impl Cluster {
    pub(super) fn new(id: std::sync::Arc<str>, global_round: u32) -> Cluster {
        Cluster {
            id,
            attempts: ThinVec::new(),
            status: Status::Unknown,
            inferred: None,
            root_cause: None,
            streak_from: 0,
            failure_events: ThinVec::new(),
            not_understood: ThinVec::new(),
            rounds: 1,
            history: ThinVec::new(),
            first_seen: None,
            last_seen: None,
            latest: None,
            global_round,
            pod: None,
            pending: ThinVec::new(),
            unknown_tail: false,
        }
    }

    /// The record that left the status unknown: the latest one about the
    /// rotation among those not understood (errors left waiting, which join
    /// the list at the end, are never about it).
    pub fn unknown_because(&self, events: &[Event]) -> Option<usize> {
        if !self.unknown_tail {
            return None;
        }
        self.not_understood
            .iter()
            .rev()
            .find(|&&i| events[i].topic || events[i].key)
            .copied()
    }

    /// Whether the status is unknown for a record not understood.
    pub fn is_unknown_tail(&self) -> bool {
        self.unknown_tail
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

    /// Every failure event of the cluster (indices into the events).
    pub fn failure_events(&self) -> &[usize] {
        &self.failure_events
    }

    /// Failure events since the last success in the latest round.
    pub fn streak(&self) -> &[usize] {
        &self.failure_events[self.streak_from..]
    }

    pub(super) fn end_streak(&mut self) {
        self.streak_from = self.failure_events.len();
    }

    /// A failure event, in the streak and among all of them.
    pub(super) fn add_failure(&mut self, i: usize) {
        // Room for one at first, not four: most clusters fail once or
        // never, and a mass failure holds a million of these.
        if self.failure_events.capacity() == 0 {
            self.failure_events.reserve_exact(1);
        }
        self.failure_events.push(i);
    }

    /// Categories in the failing streak, most specific first.
    pub fn streak_categories(&self, events: &[Event], pack: &Pack) -> Vec<CatId> {
        let mut cats: Vec<CatId> = Vec::new();
        for &i in self.streak().iter().rev() {
            for &c in &events[i].categories {
                if !cats.contains(&c) {
                    cats.push(c);
                }
            }
        }
        cats.sort_by_key(|&c| std::cmp::Reverse(pack.category(c).kind.rank()));
        cats
    }

    /// The cluster's state as the attempts stage decides by it: what a
    /// repeat of its latest failure must leave as it was. Its times and
    /// the failure events (a repeat adds itself) are left out.
    pub(super) fn shape(&self) -> String {
        let attempts: Vec<_> = self
            .attempts
            .iter()
            .map(|a| {
                (
                    a.number,
                    a.round,
                    a.started,
                    a.outcome,
                    &a.categories,
                    a.exhausted,
                )
            })
            .collect();
        let rounds = (self.rounds, &self.history, self.global_round, self.latest);
        let lists = (self.streak_from, &self.not_understood, &self.pending);
        let rest = (self.status, &self.pod, self.unknown_tail);
        format!("{attempts:?} {rounds:?} {lists:?} {rest:?}")
    }

    /// Attempts of the latest round.
    pub fn current(&self) -> &[Attempt] {
        let from = self
            .attempts
            .iter()
            .rposition(|a| a.round < self.rounds)
            .map_or(0, |i| i + 1);
        &self.attempts[from..]
    }

    /// Failed attempts in a row at the end of the latest round, counted by
    /// their numbers when the log says them ("attempt 5/5 failed").
    pub fn failed_in_a_row(&self) -> u32 {
        let cur = self.current();
        let run = cur
            .iter()
            .rev()
            .take_while(|a| a.outcome == Outcome::Failed)
            .count() as u32;
        let numbered = cur
            .last()
            .filter(|a| a.outcome == Outcome::Failed)
            .and_then(|a| a.number)
            .unwrap_or(0);
        run.max(numbered)
    }

    /// In a rotation: an attempt is open, or the latest outcome is a failure.
    pub(super) fn active(&self) -> bool {
        self.has_open() || self.latest == Some(Latest::Failed)
    }

    pub(super) fn open(&mut self) -> Option<&mut Attempt> {
        let round = self.rounds;
        self.attempts
            .last_mut()
            .filter(|a| a.outcome == Outcome::InProgress && a.round == round)
    }

    pub(super) fn has_open(&self) -> bool {
        self.attempts
            .last()
            .is_some_and(|a| a.outcome == Outcome::InProgress && a.round == self.rounds)
    }

    /// The latest attempt of this round, if any.
    pub(super) fn last_in_round(&mut self) -> Option<&mut Attempt> {
        let round = self.rounds;
        self.attempts.last_mut().filter(|a| a.round == round)
    }

    /// The attempt a failure belongs to, opening one when none fits.
    pub(super) fn attempt_for(&mut self, number: Option<u32>, ts: Option<Ts>) -> &mut Attempt {
        let round = self.rounds;
        let fits = |a: &Attempt| number.is_none() || a.number.is_none() || a.number == number;
        let implied = self.implied_number();
        let reuse = match self.attempts.last() {
            Some(a) if a.round != round => false,
            Some(a) if a.outcome == Outcome::InProgress => fits(a),
            // A late line of an attempt that already closed, by its number
            // or by the number its place implies (the line that closed it
            // gave none).
            Some(a) => number.is_some() && a.number.or(implied) == number,
            None => false,
        };
        if !reuse {
            self.begin(number, ts);
        }
        let a = self
            .attempts
            .last_mut()
            .expect("an attempt was just ensured");
        a.number = a.number.or(number);
        a
    }

    pub(super) fn begin(&mut self, number: Option<u32>, ts: Option<Ts>) {
        self.close_open(ts);
        if self.attempts.len() == self.attempts.capacity() {
            // Most clusters make one or two attempts: growing from one,
            // not four, saves a fifth of a failing cluster's memory.
            self.attempts.reserve_exact(self.attempts.len().max(1));
        }
        self.attempts.push(Attempt::new(number, self.rounds, ts));
    }

    /// An open attempt that something newer ends: failed if it saw a
    /// failure, else superseded.
    fn close_open(&mut self, ts: Option<Ts>) {
        if let Some(open) = self.open() {
            let outcome = if open.categories.is_empty() {
                Outcome::Superseded
            } else {
                Outcome::Failed
            };
            open.close(outcome, ts);
        }
    }

    /// Ends the round: its open attempt closes, its status goes to history.
    pub(super) fn new_round(&mut self, ts: Option<Ts>) {
        self.close_open(ts);
        self.history.push(self.status_of_round());
        self.rounds += 1;
        self.end_streak();
        self.latest = None;
    }

    pub(super) fn status_of_round(&self) -> Status {
        match self.latest {
            Some(Latest::Succeeded) => Status::Rotated,
            Some(Latest::Exhausted) => Status::Exhausted,
            Some(Latest::Failed) => Status::Retrying,
            None => Status::Unknown,
        }
    }

    pub(super) fn see(&mut self, ts: Option<Ts>) {
        if let Some(t) = ts {
            self.first_seen = Some(self.first_seen.map_or(t, |f| f.min(t)));
            self.last_seen = Some(self.last_seen.map_or(t, |l| l.max(t)));
        }
    }

    /// The number the latest attempt would have by its place: one after
    /// the numbered attempt before it, or 1 when it is the round's first.
    fn implied_number(&self) -> Option<u32> {
        let cur = self.current();
        let (last, before) = cur.split_last()?;
        if last.number.is_some() {
            return last.number;
        }
        match before.last() {
            Some(prev) => prev.number.map(|n| n + 1),
            None => Some(1),
        }
    }

    /// The highest attempt number of the latest round.
    pub(super) fn top_number(&self) -> Option<u32> {
        self.current().iter().filter_map(|a| a.number).max()
    }
}
