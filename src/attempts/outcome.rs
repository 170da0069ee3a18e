//! What an event does to its cluster's attempts once its act is known: a
//! start, a success, a failure; errors left waiting; and, at the end, the
//! status and the root cause.

use super::cluster::Latest;
use super::{Attempt, Cluster, Outcome, Status};
use crate::classify::{CatId, Kind, Pack};
use crate::event::Event;

/// Errors that no failure followed: inside a failing streak they belong to
/// its last attempt, as unclassified failures; otherwise they are records
/// not understood.
pub(super) fn release_pending(c: &mut Cluster, events: &mut [Event], pack: &Pack) {
    let unclassified = pack.of_kind(Kind::Unclassified);
    for p in take_pending(c, pack) {
        events[p].categories = smallvec::smallvec![unclassified];
    }
}

/// `release_pending` on the cluster alone: returns the events that become
/// unclassified failures, for the caller to mark or not.
pub(super) fn take_pending(c: &mut Cluster, pack: &Pack) -> thin_vec::ThinVec<usize> {
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

pub(super) fn start(c: &mut Cluster, e: &Event) {
    let same =
        |a: &Attempt| e.who.attempt.is_none() || a.number.is_none() || a.number == e.who.attempt;
    match c.open() {
        Some(a) if a.categories.is_empty() && same(a) => a.number = a.number.or(e.who.attempt),
        _ => c.begin(e.who.attempt, e.ts),
    }
}

pub(super) fn succeed(c: &mut Cluster, e: &Event) {
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

pub(super) fn failure(c: &mut Cluster, i: usize, e: &Event, pack: &Pack) {
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
pub(super) fn conclude(c: &mut Cluster, events: &[Event], pack: &Pack, unclassified: &[usize]) {
    if let Some(a) = c.open().filter(|a| !a.categories.is_empty()) {
        // It has failed already, even if its closing line is not in the log yet.
        a.outcome = Outcome::Failed;
    }
    c.status = if c.unknown_tail {
        Status::Unknown
    } else {
        c.status_of_round()
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
