//! What an event means for its cluster, from its rules, its words, its
//! level and the cluster's state: the act the attempts stage then applies.

use super::cluster::Latest;
use super::{Act, Cluster, Outcome};
use crate::classify::{CatId, Hint, Kind, Marker, Pack};
use crate::event::Event;

/// A line about the rotation that is not understood, after everything that
/// was, leaves the cluster's state unknown; the next understood event
/// settles it again. An error waiting for its failure changes neither.
pub(super) fn flag_unknown(c: &mut Cluster, act: &Act, e: &Event) {
    match act {
        Act::NotUnderstood if e.topic || e.key => c.unknown_tail = true,
        Act::NotUnderstood | Act::Pending => {}
        _ => c.unknown_tail = false,
    }
}

/// A new round for this cluster: a new key since its last event, another
/// pod, a new key named for it, or attempt numbers starting over.
pub(super) fn starts_round(c: &Cluster, e: &Event, global_round: u32) -> bool {
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
pub(super) fn act(c: &Cluster, e: &Event) -> Act {
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
pub(super) fn numbered(c: &Cluster, e: &Event) -> bool {
    e.who.attempt.is_none() && c.current().last().is_some_and(|a| a.number.is_some())
}

pub(super) fn words_taken(c: &Cluster, e: &Event) -> Option<Hint> {
    e.hint.filter(|h| match h {
        Hint::Failed => e.topic,
        Hint::Exhausted => e.topic || e.key || c.active(),
        Hint::Started => e.topic || e.key || (c.active() && e.who.attempt.is_some()),
        Hint::Succeeded | Hint::Detected => e.topic || e.key,
    })
}

/// The word layer's failure, or an error line inside a rotation, becomes
/// the category that reports and the root cause read.
pub(super) fn add_hint_category(e: &mut Event, hint: Option<Hint>, pack: &Pack) {
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
