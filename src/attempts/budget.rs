//! The retry budget: how many attempts the service makes before it gives up.
//!
//! The input may state it ("attempt 3/5", "after 5 attempts", a
//! `maxRetries` field), or show it: a cluster that exhausted its retries
//! after N failed attempts in a row. A cluster still `retrying` whose failed
//! attempts in a row reach the budget has exhausted them too, though the
//! line that would say so is missing or worded past recognition. The report
//! says that this was inferred, and from what.

use super::cluster::{Cluster, Inference, Outcome, Status};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Budget {
    /// Stated on `lines` records (the most common value among them).
    Stated { attempts: u32, lines: usize },
    /// Shown by `count` clusters that exhausted after that many failed
    /// attempts; `clusters` names the first of them in id order.
    Observed {
        attempts: u32,
        clusters: Vec<String>,
        count: usize,
    },
}

/// How many of the clusters that show the budget it names. Every inferred
/// exhaustion carries the budget: a list of all would grow with the square
/// of the clusters.
pub const NAMED: usize = 20;

impl Budget {
    pub fn attempts(&self) -> u32 {
        match self {
            Budget::Stated { attempts, .. } | Budget::Observed { attempts, .. } => *attempts,
        }
    }

    /// The budget the input states (`stated`: how many records stated each
    /// value), else the one exhausted clusters show.
    pub fn learn(stated: &BTreeMap<u32, usize>, clusters: &[Cluster]) -> Option<Budget> {
        if let Some((attempts, lines)) = mode_of(stated) {
            return Some(Budget::Stated { attempts, lines });
        }
        let shown: Vec<(u32, &str)> = clusters
            .iter()
            .filter(|c| c.status == Status::Exhausted)
            .map(|c| (c.failed_in_a_row(), &*c.id))
            .filter(|(n, _)| *n > 0)
            .collect();
        let (attempts, _) = mode(shown.iter().map(|(n, _)| *n))?;
        let mut ids: Vec<&str> = shown
            .iter()
            .filter(|(n, _)| *n == attempts)
            .map(|(_, id)| *id)
            .collect();
        ids.sort_unstable();
        let count = ids.len();
        let clusters = ids.iter().take(NAMED).map(|id| id.to_string()).collect();
        Some(Budget::Observed {
            attempts,
            clusters,
            count,
        })
    }

    /// Marks a cluster `exhausted` when its failed attempts in a row reach
    /// the budget and no attempt of it is still running.
    pub fn infer(&self, c: &mut Cluster) {
        let running = c
            .current()
            .last()
            .is_some_and(|a| a.outcome == Outcome::InProgress);
        let failed_in_a_row = c.failed_in_a_row();
        if c.status != Status::Retrying || running || failed_in_a_row < self.attempts() {
            return;
        }
        c.status = Status::Exhausted;
        c.inferred = Some(Box::new(Inference {
            budget: self.attempts(),
            from: self.clone(),
            failed_in_a_row,
        }));
    }
}

/// The most common value, the larger on a tie, with its count.
fn mode(values: impl Iterator<Item = u32>) -> Option<(u32, usize)> {
    let mut counts: BTreeMap<u32, usize> = BTreeMap::new();
    for v in values {
        *counts.entry(v).or_default() += 1;
    }
    mode_of(&counts)
}

fn mode_of(counts: &BTreeMap<u32, usize>) -> Option<(u32, usize)> {
    counts
        .iter()
        .max_by_key(|&(v, n)| (n, v))
        .map(|(&v, &n)| (v, n))
}
