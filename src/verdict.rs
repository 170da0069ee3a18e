//! Verdict stage: is deleting the armada-kp-events pod safe and useful?
//!
//! `hold` when the environment is broken in a way a restart will not fix;
//! `recommended` when some cluster exhausted its retries; `wait` while
//! clusters are still retrying; `not_needed` when clusters rotated and none
//! fails; `no_evidence` when the input shows no rotation outcome at all, so
//! that no answer is a guess.
//!
//! A cause holds the verdict when it reaches its category's threshold of
//! failing clusters (`hold_clusters` in the pack; 1 for `hold_in_streak`),
//! counting only evidence that is real: error level, from armada-kp-events
//! itself, and inside the failing window.

use crate::attempts::{Cluster, Status};
use crate::classify::{CatId, Pack};
use crate::event::Event;
use crate::time::Ts;
use serde::Serialize;

/// How far around the failing window an environment failure still counts.
pub const HOLD_MARGIN_SECS: i64 = 300;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Hold,
    Recommended,
    Wait,
    NotNeeded,
    NoEvidence,
}

impl Decision {
    pub fn name(self) -> &'static str {
        match self {
            Decision::Hold => "hold",
            Decision::Recommended => "recommended",
            Decision::Wait => "wait",
            Decision::NotNeeded => "not_needed",
            Decision::NoEvidence => "no_evidence",
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
            Decision::NoEvidence => {
                "NO EVIDENCE: no key rotation outcome found in this input; check the pod, the container and the window"
            }
        }
    }
}

/// One piece of evidence behind a hold, so the engineer can disagree.
#[derive(Clone, Debug, Serialize)]
pub struct HoldEvidence {
    pub category: String,
    pub cluster: Option<String>,
    /// `file:line` of the record.
    pub source: String,
    pub ts: Option<Ts>,
    pub message: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    pub verdict: Decision,
    pub reasons: Vec<String>,
    /// The records a `hold` rests on.
    pub hold_evidence: Vec<HoldEvidence>,
    /// The failing window environment failures must fall in.
    pub failing_window: Option<(Ts, Ts)>,
}

/// What the verdict needs besides the clusters.
pub struct Context<'a> {
    pub events: &'a [Event],
    pub pack: &'a Pack,
    /// The service's app name: a record from a pod not named after it is
    /// another pod's (a stern or `--prefix` run).
    pub app: &'a str,
    /// `file:line` of an event.
    pub source: &'a dyn Fn(&Event) -> String,
}

pub fn decide(clusters: &[Cluster], unattributed: &[usize], cx: &Context<'_>) -> Verdict {
    let failing: Vec<&Cluster> = clusters.iter().filter(|c| c.status.is_failing()).collect();
    let window = failing_window(&failing, cx.events);
    let mut v = Verdict {
        verdict: Decision::NotNeeded,
        reasons: Vec::new(),
        hold_evidence: Vec::new(),
        failing_window: window,
    };
    let real = |e: &Event, cat: CatId| real_evidence(e, window, cx.app, environment(cx.pack, cat));
    hold_reasons(&failing, unattributed, cx, &real, &mut v);
    let with = |s: Status| -> Vec<&Cluster> {
        failing.iter().copied().filter(|c| c.status == s).collect()
    };
    let (exhausted, retrying) = (with(Status::Exhausted), with(Status::Retrying));
    if !v.reasons.is_empty() {
        v.verdict = Decision::Hold;
        if !exhausted.is_empty() {
            v.reasons.push(format!(
                "Once the environment is healthy, {} will need the pod deleted to retry: {}.",
                count(exhausted.len(), "exhausted cluster", "exhausted clusters"),
                names(&exhausted, cx.pack)
            ));
        }
    } else if !exhausted.is_empty() {
        v.verdict = Decision::Recommended;
        v.reasons.push(format!(
            "{} exhausted {} retries: {}.",
            count(exhausted.len(), "cluster", "clusters"),
            if exhausted.len() == 1 { "its" } else { "their" },
            names(&exhausted, cx.pack)
        ));
        v.reasons.push(no_environment_problem(&failing, cx, &real));
        if !retrying.is_empty() {
            v.reasons.push(format!(
                "Also still retrying: {}.",
                names(&retrying, cx.pack)
            ));
        }
    } else if !retrying.is_empty() {
        v.verdict = Decision::Wait;
        v.reasons.push(format!(
            "{} still retrying and not exhausted: {}.",
            count(retrying.len(), "cluster is", "clusters are"),
            names(&retrying, cx.pack)
        ));
        v.reasons.push(
            "Re-run kp-triage on newer logs: a restart is only needed once retries are exhausted."
                .to_string(),
        );
    } else {
        quiet(clusters, unattributed, &mut v);
    }
    v
}

/// Nothing fails: either clusters rotated, or there is no evidence at all.
fn quiet(clusters: &[Cluster], unattributed: &[usize], v: &mut Verdict) {
    let rotated = clusters
        .iter()
        .filter(|c| c.status == Status::Rotated)
        .count();
    let unknown = clusters.len() - rotated;
    if rotated == 0 {
        v.verdict = Decision::NoEvidence;
        v.reasons.push(if unknown == 0 {
            "No rotation activity was recognised in the input: no key detected, no attempt, no failure, no success.".to_string()
        } else {
            format!(
                "{} rotation activity but no recognised outcome: see the records not understood.",
                count(unknown, "cluster shows", "clusters show")
            )
        });
        if !unattributed.is_empty() {
            v.reasons.push(format!(
                "{} tied to no cluster: see the unattributed evidence.",
                count(unattributed.len(), "failure line is", "failure lines are")
            ));
        }
        return;
    }
    v.reasons.push(format!(
        "No cluster is failing ({} rotated).",
        count(rotated, "cluster", "clusters")
    ));
    if unknown > 0 {
        v.reasons.push(format!(
            "{} no recognised outcome: read {} lines before trusting this.",
            count(unknown, "cluster has", "clusters have"),
            if unknown == 1 { "its" } else { "their" }
        ));
    }
    if !unattributed.is_empty() {
        v.reasons.push(format!(
            "{} tied to no cluster: see the unattributed evidence.",
            count(unattributed.len(), "failure line is", "failure lines are")
        ));
    }
}

/// From the first failure of the earliest failing streak to the last
/// failure of any failing cluster.
fn failing_window(failing: &[&Cluster], events: &[Event]) -> Option<(Ts, Ts)> {
    let times = failing
        .iter()
        .flat_map(|c| c.streak.iter())
        .filter_map(|&i| events[i].order_ts);
    let (mut lo, mut hi): (Option<Ts>, Option<Ts>) = (None, None);
    for t in times {
        lo = Some(lo.map_or(t, |l| l.min(t)));
        hi = Some(hi.map_or(t, |h| h.max(t)));
    }
    lo.zip(hi)
}

/// Evidence a hold can rest on: from armada-kp-events, not another pod;
/// inside the failing window; and, for an environment category (etcd: one
/// line holds the verdict), an error, not a warning. A cause spread over
/// many failing clusters is their failures, whatever each line's level.
fn real_evidence(e: &Event, window: Option<(Ts, Ts)>, app: &str, environment: bool) -> bool {
    let own = e.pod.as_deref().is_none_or(|p| p.contains(app));
    let inside = match (window, e.order_ts) {
        (Some((lo, hi)), Some(t)) => {
            let m = HOLD_MARGIN_SECS * 1_000_000_000;
            t.nanos() >= lo.nanos().saturating_sub(m) && t.nanos() <= hi.nanos().saturating_add(m)
        }
        // Without times there is no window to be outside of.
        _ => true,
    };
    (e.is_error_level() || !environment) && own && inside
}

/// A category whose single line can hold the verdict.
fn environment(pack: &Pack, cat: CatId) -> bool {
    let c = pack.category(cat);
    c.hold_in_streak || c.hold_unattributed
}

fn threshold(pack: &Pack, cat: CatId) -> Option<usize> {
    let c = pack.category(cat);
    match (c.hold_clusters, c.hold_in_streak) {
        (Some(n), true) => Some(n.min(1)),
        (Some(n), false) => Some(n),
        (None, true) => Some(1),
        (None, false) => None,
    }
}

fn hold_reasons(
    failing: &[&Cluster],
    unattributed: &[usize],
    cx: &Context<'_>,
    real: &dyn Fn(&Event, CatId) -> bool,
    v: &mut Verdict,
) {
    let pack = cx.pack;
    for (id, cat) in pack.categories.iter().enumerate() {
        let id = id as CatId;
        let Some(threshold) = threshold(pack, id) else {
            continue;
        };
        // Each failing cluster's first real evidence of this cause.
        let with: Vec<(&Cluster, usize)> = failing
            .iter()
            .filter_map(|c| {
                c.streak
                    .iter()
                    .find(|&&i| cx.events[i].categories.contains(&id) && real(&cx.events[i], id))
                    .map(|&i| (*c, i))
            })
            .collect();
        if with.is_empty() || with.len() < threshold {
            continue;
        }
        let first = &cx.events[with[0].1];
        v.reasons.push(format!(
            "{} on {} ({}), at or above the hold threshold of {threshold}: first \"{}\" at {} ({}). {}",
            cat.title,
            count(with.len(), "failing cluster", "failing clusters"),
            with.iter().map(|(c, _)| c.id.as_str()).collect::<Vec<_>>().join(", "),
            first.message,
            when(first),
            (cx.source)(first),
            cat.action
        ));
        for (c, i) in &with {
            v.hold_evidence
                .push(evidence(cx, &cat.id, Some(&c.id), &cx.events[*i]));
        }
    }
    if failing.is_empty() {
        return;
    }
    for &i in unattributed {
        let e = &cx.events[i];
        let held = e
            .categories
            .iter()
            .find(|&&k| pack.category(k).hold_unattributed);
        if let Some(&cat) = held.filter(|&&k| real(e, k)) {
            let cat = pack.category(cat);
            v.reasons.push(format!(
                "{} tied to no cluster while clusters fail: \"{}\" at {} ({}). {}",
                cat.title,
                e.message,
                when(e),
                (cx.source)(e),
                cat.action
            ));
            v.hold_evidence.push(evidence(cx, &cat.id, None, e));
        }
    }
}

fn evidence(cx: &Context<'_>, cat: &str, cluster: Option<&str>, e: &Event) -> HoldEvidence {
    HoldEvidence {
        category: cat.to_string(),
        cluster: cluster.map(str::to_string),
        source: (cx.source)(e),
        ts: e.ts,
        message: e.message.clone(),
    }
}

/// Says which hold checks passed, so "recommended" shows its work.
fn no_environment_problem(
    failing: &[&Cluster],
    cx: &Context<'_>,
    real: &dyn Fn(&Event, CatId) -> bool,
) -> String {
    let mut parts = Vec::new();
    for (id, cat) in cx.pack.categories.iter().enumerate() {
        let Some(threshold) = threshold(cx.pack, id as CatId) else {
            continue;
        };
        let n = failing
            .iter()
            .filter(|c| {
                c.streak.iter().any(|&i| {
                    cx.events[i].categories.contains(&(id as CatId))
                        && real(&cx.events[i], id as CatId)
                })
            })
            .count();
        parts.push(format!(
            "{} on {n} failing {} (hold at {threshold})",
            cat.title,
            if n == 1 { "cluster" } else { "clusters" }
        ));
    }
    format!(
        "No environment problem found: {}. Delete the pod only if nothing else is wrong in the environment.",
        parts.join("; ")
    )
}

fn names(clusters: &[&Cluster], pack: &Pack) -> String {
    clusters
        .iter()
        .map(|c| match (c.root_cause, &c.inferred) {
            (Some(r), Some(inf)) => format!(
                "{} (root cause {}; exhaustion inferred: {} failed attempts in a row, budget {})",
                c.id,
                pack.category(r).id,
                inf.failed_in_a_row,
                inf.budget
            ),
            (Some(r), None) => format!("{} (root cause {})", c.id, pack.category(r).id),
            (None, _) => c.id.clone(),
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
