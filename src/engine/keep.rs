//! Over a day, a rotated cluster is kept as counts: the text of the
//! failures it got past goes. Only failures that name the cluster itself,
//! and come strictly before its latest success, go: the time order puts them
//! before the success, so they are never in a failing streak, and a rotated
//! cluster's failures show no text unless `--evidence` is asked for (then
//! nothing goes).

use crate::analyze::Triage;
use crate::attempts::Outcome;
use crate::event::Event;
use crate::scan::{Collected, Settlement, Sink};
use crate::time::Ts;
use std::collections::HashMap;
use std::sync::Arc;

/// By cluster, the failure lines whose text may go: each line's input, its
/// place in that input's `Collected`, and its time.
pub(super) struct Kept {
    on: bool,
    texts: HashMap<Arc<str>, Vec<(usize, usize, Ts)>>,
}

impl Kept {
    /// `on`: texts may go (no `--evidence`).
    pub(super) fn new(on: bool) -> Kept {
        Kept {
            on,
            texts: HashMap::new(),
        }
    }

    /// Where input `input`'s events go: kept in `collected`, and noted here
    /// when their text may go later.
    pub(super) fn sink<'x>(&'x mut self, input: usize, collected: &'x mut Collected) -> Keep<'x> {
        Keep {
            input,
            collected,
            kept: self,
        }
    }

    /// The lines whose text goes now that `triage` shows their clusters'
    /// successes; they are no longer tracked.
    pub(super) fn let_go(&mut self, triage: &Triage) -> Vec<(usize, usize)> {
        let mut gone = Vec::new();
        if !self.on {
            return gone;
        }
        for c in &triage.clusters {
            let Some(at) = latest_success(&c.attempts) else {
                continue;
            };
            let Some(lines) = self.texts.get_mut(&c.id) else {
                continue;
            };
            lines.retain(|&(input, i, t)| {
                let before = t < at;
                if before {
                    gone.push((input, i));
                }
                !before
            });
            if lines.is_empty() {
                self.texts.remove(&c.id);
            }
        }
        gone
    }
}

fn latest_success(attempts: &[crate::attempts::Attempt]) -> Option<Ts> {
    attempts
        .iter()
        .filter(|a| a.outcome == Outcome::Succeeded)
        .filter_map(|a| a.ended)
        .max()
}

/// `Kept::sink`.
pub(super) struct Keep<'x> {
    input: usize,
    collected: &'x mut Collected,
    kept: &'x mut Kept,
}

impl Sink for Keep<'_> {
    fn event(&mut self, event: Event, key: u64) {
        if let (true, Some(id), Some(t)) =
            (self.kept.on, event.who.cluster.as_ref(), event.order_ts)
        {
            if event.is_failure() && !event.message.is_empty() {
                let at = (self.input, self.collected.events.len(), t);
                self.kept.texts.entry(id.clone()).or_default().push(at);
            }
        }
        self.collected.event(event, key);
    }

    fn orphan(&mut self, event: Event, key: u64) {
        self.collected.orphan(event, key);
    }

    fn settle(&mut self, end: &Settlement) {
        self.collected.settle(end);
    }
}
