//! Verdict stage: is deleting the armada-kp-events pod safe and useful?
//!
//! `hold` when the environment is broken in a way a restart will not fix;
//! `recommended` when some cluster exhausted its retries; `wait` while
//! clusters are still retrying; `not_needed` when nothing fails. The hold
//! conditions come from the pack (`hold_in_streak`, `hold_unattributed`,
//! `hold_clusters`).

use crate::attempts::{Cluster, Status};
use crate::classify::{CatId, Pack};
use crate::event::Event;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Hold,
    Recommended,
    Wait,
    NotNeeded,
}

impl Decision {
    pub fn name(self) -> &'static str {
        match self {
            Decision::Hold => "hold",
            Decision::Recommended => "recommended",
            Decision::Wait => "wait",
            Decision::NotNeeded => "not_needed",
        }
    }

    /// What the on-call engineer should do, in one line.
    pub fn headline(self) -> &'static str {
        match self {
            Decision::Hold => {
                "do NOT delete the armada-kp-events pod yet: fix the environment first"
            }
            Decision::Recommended => {
                "delete the armada-kp-events pod so that rotation starts again"
            }
            Decision::Wait => "no restart yet: clusters are still retrying",
            Decision::NotNeeded => "no restart needed: no cluster is failing",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    pub verdict: Decision,
    pub reasons: Vec<String>,
}

pub fn decide(
    clusters: &[Cluster],
    unattributed: &[usize],
    events: &[Event],
    pack: &Pack,
) -> Verdict {
    let failing: Vec<&Cluster> = clusters.iter().filter(|c| c.status.is_failing()).collect();
    let holds = hold_reasons(&failing, unattributed, events, pack);
    let exhausted: Vec<&Cluster> = failing
        .iter()
        .copied()
        .filter(|c| c.status == Status::Exhausted)
        .collect();
    let retrying: Vec<&Cluster> = failing
        .iter()
        .copied()
        .filter(|c| c.status == Status::Retrying)
        .collect();
    if !holds.is_empty() {
        let mut reasons = holds;
        if !exhausted.is_empty() {
            reasons.push(format!(
                "Once the environment is healthy, {} will need the pod deleted to retry: {}.",
                count(exhausted.len(), "exhausted cluster", "exhausted clusters"),
                names(&exhausted, pack)
            ));
        }
        return Verdict {
            verdict: Decision::Hold,
            reasons,
        };
    }
    if !exhausted.is_empty() {
        let mut reasons = vec![format!(
            "{} exhausted {} retries: {}.",
            count(exhausted.len(), "cluster", "clusters"),
            if exhausted.len() == 1 { "its" } else { "their" },
            names(&exhausted, pack)
        )];
        reasons.push(no_environment_problem(&failing, events, pack));
        if !retrying.is_empty() {
            reasons.push(format!("Also still retrying: {}.", names(&retrying, pack)));
        }
        return Verdict {
            verdict: Decision::Recommended,
            reasons,
        };
    }
    if !retrying.is_empty() {
        let reasons = vec![
            format!(
                "{} still retrying and not exhausted: {}.",
                count(retrying.len(), "cluster is", "clusters are"),
                names(&retrying, pack)
            ),
            "Re-run kp-triage on newer logs: a restart is only needed once retries are exhausted."
                .to_string(),
        ];
        return Verdict {
            verdict: Decision::Wait,
            reasons,
        };
    }
    let rotated = clusters
        .iter()
        .filter(|c| c.status == Status::Rotated)
        .count();
    let mut reasons = vec![format!(
        "No cluster is failing ({} rotated).",
        count(rotated, "cluster", "clusters")
    )];
    if !unattributed.is_empty() {
        reasons.push(format!(
            "{} tied to no cluster: see the unattributed evidence.",
            count(unattributed.len(), "failure line is", "failure lines are")
        ));
    }
    Verdict {
        verdict: Decision::NotNeeded,
        reasons,
    }
}

fn hold_reasons(
    failing: &[&Cluster],
    unattributed: &[usize],
    events: &[Event],
    pack: &Pack,
) -> Vec<String> {
    let mut reasons = Vec::new();
    for c in failing {
        for &i in &c.streak {
            let e = &events[i];
            if let Some(&cat) = e
                .categories
                .iter()
                .find(|&&k| pack.category(k).hold_in_streak)
            {
                reasons.push(format!(
                    "{} on cluster {} ({}): \"{}\" at {}. {}",
                    pack.category(cat).title,
                    c.id,
                    c.status.name(),
                    e.message,
                    when(e),
                    pack.category(cat).action
                ));
                break;
            }
        }
    }
    if !failing.is_empty() {
        for &i in unattributed {
            let e = &events[i];
            if let Some(&cat) = e
                .categories
                .iter()
                .find(|&&k| pack.category(k).hold_unattributed)
            {
                reasons.push(format!(
                    "{} tied to no cluster while clusters fail: \"{}\" at {}. {}",
                    pack.category(cat).title,
                    e.message,
                    when(e),
                    pack.category(cat).action
                ));
            }
        }
    }
    reasons.extend(spread_reasons(failing, events, pack));
    reasons
}

/// A cause on many failing clusters points at the Carrier/Tugboat, not at one master.
fn spread_reasons(failing: &[&Cluster], events: &[Event], pack: &Pack) -> Vec<String> {
    let mut reasons = Vec::new();
    for (id, cat) in pack.categories.iter().enumerate() {
        let Some(threshold) = cat.hold_clusters else {
            continue;
        };
        let with: Vec<&Cluster> = failing
            .iter()
            .copied()
            .filter(|c| streak_has(c, id as CatId, events))
            .collect();
        if with.len() >= threshold {
            reasons.push(format!(
                "{} on {} failing clusters ({}), at or above the hold threshold of {threshold}: the Carrier/Tugboat, not one master. {}",
                cat.title,
                with.len(),
                with.iter().map(|c| c.id.as_str()).collect::<Vec<_>>().join(", "),
                cat.action
            ));
        }
    }
    reasons
}

fn streak_has(c: &Cluster, cat: CatId, events: &[Event]) -> bool {
    c.streak
        .iter()
        .any(|&i| events[i].categories.contains(&cat))
}

/// Says which hold checks passed, so "recommended" shows its work.
fn no_environment_problem(failing: &[&Cluster], events: &[Event], pack: &Pack) -> String {
    let mut parts = Vec::new();
    for (id, cat) in pack.categories.iter().enumerate() {
        if cat.hold_in_streak {
            parts.push(format!("no {} in a failing streak", cat.title));
        }
        if let Some(threshold) = cat.hold_clusters {
            let n = failing
                .iter()
                .filter(|c| streak_has(c, id as CatId, events))
                .count();
            parts.push(format!(
                "{} on {n} failing {} (hold at {threshold})",
                cat.title,
                if n == 1 { "cluster" } else { "clusters" }
            ));
        }
    }
    format!(
        "No environment problem found: {}. Delete the pod only if nothing else is wrong in the environment.",
        parts.join("; ")
    )
}

fn names(clusters: &[&Cluster], pack: &Pack) -> String {
    clusters
        .iter()
        .map(|c| match c.root_cause {
            Some(r) => format!("{} (root cause {})", c.id, pack.category(r).id),
            None => c.id.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn when(e: &Event) -> String {
    e.ts.map_or_else(|| "an unknown time".to_string(), |t| t.rfc3339())
}
