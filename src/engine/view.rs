//! What a live follow shows: the snapshot of the triage so far, and what
//! moved between two snapshots.

use crate::analyze::Triage;
use crate::attempts::Status;
use crate::time::Ts;
use crate::verdict::Decision;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The batch triage of the lines fed so far, and what only a follow knows.
pub struct Snapshot {
    pub triage: Triage,
    /// Some input has not delivered its backlog yet: the verdict may still
    /// change with lines that are already written.
    pub provisional: bool,
    /// Sources that stopped delivering and have not come back.
    pub down: Vec<Down>,
    /// Lines read so far, over every input.
    pub lines: u64,
}

/// A source that stopped delivering, and its own last word on why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Down {
    pub input: String,
    pub why: String,
    /// For good: its pod is gone, so its log has ended and is not tried
    /// again. Otherwise it is tried again.
    pub ended: bool,
}

impl Snapshot {
    pub fn failing(&self) -> usize {
        self.count(Status::is_failing)
    }

    pub fn rotated(&self) -> usize {
        self.count(|s| s == Status::Rotated)
    }

    fn count(&self, f: impl Fn(Status) -> bool) -> usize {
        self.triage.clusters.iter().filter(|c| f(c.status)).count()
    }

    /// The time of the latest rotation event.
    pub fn last_event(&self) -> Option<Ts> {
        last_event(&self.triage)
    }
}

fn last_event(t: &Triage) -> Option<Ts> {
    t.events.iter().filter_map(|e| e.ts).max()
}

/// Something that moved since the last snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    Cluster {
        cluster: String,
        from: Option<Status>,
        to: Status,
        cause: Option<String>,
        at: Option<Ts>,
        provisional: bool,
    },
    Verdict {
        from: Decision,
        to: Decision,
        /// The latest rotation event's time.
        at: Option<Ts>,
        provisional: bool,
    },
    /// Every input has delivered its backlog: the verdict, unchanged, is
    /// no longer provisional.
    Settled { verdict: Decision, at: Option<Ts> },
    /// A source stopped delivering (`down`; `ended` when for good), or
    /// delivers again.
    Source {
        input: String,
        down: bool,
        why: Option<String>,
        ended: bool,
    },
}

impl Change {
    fn at(&self) -> Option<Ts> {
        match self {
            Change::Cluster { at, .. }
            | Change::Verdict { at, .. }
            | Change::Settled { at, .. } => *at,
            Change::Source { .. } => None,
        }
    }
}

/// What the last snapshot showed, to tell what moved.
pub struct Changes {
    status: HashMap<Arc<str>, Status>,
    decision: Decision,
    provisional: bool,
    /// Sources down, and whether for good.
    down: BTreeMap<String, bool>,
}

impl Default for Changes {
    fn default() -> Changes {
        Changes {
            status: HashMap::new(),
            decision: Decision::NoEvidence,
            provisional: true,
            down: BTreeMap::new(),
        }
    }
}

impl Changes {
    /// What moved since the last call: sources first, then clusters whose
    /// status changed, in time order, then the verdict. A cluster whose
    /// status stayed the same is not a change, whatever else moved.
    pub fn of(&mut self, s: &Snapshot) -> Vec<Change> {
        self.of_triage(&s.triage, s.provisional, &s.down)
    }

    /// `of`, for a triage and what a snapshot adds to it.
    pub fn of_triage(&mut self, t: &Triage, provisional: bool, down: &[Down]) -> Vec<Change> {
        let mut out = self.sources(down);
        let mut clusters = Vec::new();
        for c in &t.clusters {
            let before = self.status.insert(c.id.clone(), c.status);
            if before == Some(c.status) {
                continue;
            }
            clusters.push(Change::Cluster {
                cluster: c.id.to_string(),
                from: before,
                to: c.status,
                cause: c.root_cause.map(|k| t.category(k).id.to_string()),
                at: c.last_seen,
                provisional,
            });
        }
        clusters.sort_by_key(Change::at);
        out.extend(clusters);
        let now = t.verdict.verdict;
        if self.decision != now {
            out.push(Change::Verdict {
                from: self.decision,
                to: now,
                at: last_event(t),
                provisional,
            });
        } else if self.provisional && !provisional {
            out.push(Change::Settled {
                verdict: now,
                at: last_event(t),
            });
        }
        (self.decision, self.provisional) = (now, provisional);
        out
    }

    fn sources(&mut self, down: &[Down]) -> Vec<Change> {
        let now: BTreeMap<String, bool> = down.iter().map(|d| (d.input.clone(), d.ended)).collect();
        let mut out: Vec<Change> = down
            .iter()
            .filter(|d| self.down.get(&d.input) != Some(&d.ended))
            .map(|d| Change::Source {
                input: d.input.clone(),
                down: true,
                why: Some(d.why.clone()),
                ended: d.ended,
            })
            .collect();
        let back = self.down.keys().filter(|i| !now.contains_key(*i));
        out.extend(back.map(|i| Change::Source {
            input: i.clone(),
            down: false,
            why: None,
            ended: false,
        }));
        self.down = now;
        out
    }
}
