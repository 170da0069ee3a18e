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

mod hold;
use hold::{hold_checks, hold_reasons};

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

/// Why the verdict is what it is, as data: which check, which category,
/// which clusters, against which threshold, resting on which records. The
/// reports word it (`report::reasons`); nothing here is English.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// A cause on at least its threshold of failing clusters (hold).
    CauseAtThreshold,
    /// A cause that holds when tied to no cluster while clusters fail (hold).
    UnattributedCause,
    /// Under a hold: clusters that will need the pod deleted once it is fixed.
    ExhaustedAfterFix,
    /// Clusters that exhausted their retries (recommended).
    Exhausted,
    /// No cause reached its threshold; `checks` shows each count.
    BelowHoldThresholds,
    /// Clusters still retrying besides the exhausted ones.
    AlsoRetrying,
    /// Clusters still retrying, none exhausted (wait).
    Retrying,
    /// Wait: look again at newer logs.
    RerunLater,
    /// No rotation activity at all (no_evidence).
    NoActivity,
    /// Activity but no recognised outcome (no_evidence).
    NoOutcome,
    /// Clusters rotated and none fails (not_needed).
    NothingFailing,
    /// Clusters whose outcome was not recognised.
    UnknownOutcome,
    /// Failure lines tied to no cluster.
    UnattributedFailures,
}

/// A cluster a reason names, with what the reason says about it.
#[derive(Clone, Debug, Serialize)]
pub struct ClusterRef {
    pub cluster_id: std::sync::Arc<str>,
    pub root_cause: Option<std::sync::Arc<str>>,
    /// Set when the exhaustion is inferred from the retry budget.
    pub inferred: Option<InferredRef>,
}

#[derive(Clone, Debug, Serialize)]
pub struct InferredRef {
    pub failed_in_a_row: u32,
    pub budget: u32,
}

/// One hold check: how many failing clusters show a cause, against its
/// threshold.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    pub category: String,
    pub clusters: usize,
    pub threshold: usize,
}

/// One reason for the verdict.
#[derive(Clone, Debug, Serialize)]
pub struct Reason {
    pub code: ReasonCode,
    /// The category the reason is about (a cause's id).
    pub category: Option<String>,
    /// How many clusters (or, for unattributed failures, lines) it counts.
    pub count: usize,
    /// The clusters it names, all of them.
    pub clusters: Vec<ClusterRef>,
    /// Clusters with rotation activity in the input, for "both" and "all".
    pub clusters_in_input: usize,
    /// The hold threshold it was weighed against.
    pub threshold: Option<usize>,
    /// The records it rests on (the first one of a hold).
    pub evidence: Vec<HoldEvidence>,
    /// Every hold check, for `below_hold_thresholds`.
    pub checks: Vec<Check>,
}

impl Reason {
    fn new(code: ReasonCode, clusters_in_input: usize) -> Reason {
        Reason {
            code,
            category: None,
            count: 0,
            clusters: Vec::new(),
            clusters_in_input,
            threshold: None,
            evidence: Vec::new(),
            checks: Vec::new(),
        }
    }

    fn naming(mut self, clusters: &[&Cluster], pack: &Pack) -> Reason {
        self.count = clusters.len();
        self.clusters = clusters.iter().map(|c| cluster_ref(c, pack)).collect();
        self
    }
}

fn cluster_ref(c: &Cluster, pack: &Pack) -> ClusterRef {
    ClusterRef {
        cluster_id: c.id.clone(),
        root_cause: c.root_cause.map(|r| pack.category(r).id.clone()),
        inferred: c.inferred.as_ref().map(|i| InferredRef {
            failed_in_a_row: i.failed_in_a_row,
            budget: i.budget,
        }),
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    pub verdict: Decision,
    pub reasons: Vec<Reason>,
    /// The records a `hold` rests on: at most `Context::evidence` for each
    /// hold reason, each cluster's first.
    pub hold_evidence: Vec<HoldEvidence>,
    /// How many records the holds rest on, shown or not.
    pub hold_evidence_total: usize,
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
    /// How many records to quote for each hold (`--evidence`).
    pub evidence: usize,
}

pub fn decide(clusters: &[Cluster], unattributed: &[usize], cx: &Context<'_>) -> Verdict {
    let failing: Vec<&Cluster> = clusters.iter().filter(|c| c.status.is_failing()).collect();
    let window = failing_window(&failing, cx.events);
    let mut v = Verdict {
        verdict: Decision::NotNeeded,
        reasons: Vec::new(),
        hold_evidence: Vec::new(),
        hold_evidence_total: 0,
        failing_window: window,
    };
    let total = clusters.len();
    let real = |e: &Event, _: CatId| real_evidence(e, window, cx.app);
    hold_reasons(&failing, unattributed, cx, &real, &mut v, total);
    let with = |s: Status| -> Vec<&Cluster> {
        failing.iter().copied().filter(|c| c.status == s).collect()
    };
    let (exhausted, retrying) = (with(Status::Exhausted), with(Status::Retrying));
    let reason = |code| Reason::new(code, total);
    if !v.reasons.is_empty() {
        v.verdict = Decision::Hold;
        if !exhausted.is_empty() {
            v.reasons
                .push(reason(ReasonCode::ExhaustedAfterFix).naming(&exhausted, cx.pack));
        }
    } else if !exhausted.is_empty() {
        v.verdict = Decision::Recommended;
        v.reasons
            .push(reason(ReasonCode::Exhausted).naming(&exhausted, cx.pack));
        let mut below = reason(ReasonCode::BelowHoldThresholds);
        below.checks = hold_checks(&failing, cx, &real);
        v.reasons.push(below);
        if !retrying.is_empty() {
            v.reasons
                .push(reason(ReasonCode::AlsoRetrying).naming(&retrying, cx.pack));
        }
    } else if !retrying.is_empty() {
        v.verdict = Decision::Wait;
        v.reasons
            .push(reason(ReasonCode::Retrying).naming(&retrying, cx.pack));
        v.reasons.push(reason(ReasonCode::RerunLater));
    } else {
        return quiet(clusters, unattributed, v);
    }
    // A failing verdict stands on the clusters understood; those that were
    // not are said, not taken as rotated.
    let unknown = clusters.iter().filter(|c| c.status == Status::Unknown);
    let unknown = unknown.count();
    if unknown > 0 {
        let mut r = reason(ReasonCode::UnknownOutcome);
        r.count = unknown;
        v.reasons.push(r);
    }
    v
}

/// Nothing fails: either clusters rotated, or there is no evidence at all.
fn quiet(clusters: &[Cluster], unattributed: &[usize], mut v: Verdict) -> Verdict {
    let total = clusters.len();
    let counted = |code, n| {
        let mut r = Reason::new(code, total);
        r.count = n;
        r
    };
    let rotated = clusters
        .iter()
        .filter(|c| c.status == Status::Rotated)
        .count();
    let unknown = clusters.len() - rotated;
    if rotated == 0 {
        v.verdict = Decision::NoEvidence;
        v.reasons.push(if unknown == 0 {
            counted(ReasonCode::NoActivity, 0)
        } else {
            counted(ReasonCode::NoOutcome, unknown)
        });
        if !unattributed.is_empty() {
            v.reasons.push(counted(
                ReasonCode::UnattributedFailures,
                unattributed.len(),
            ));
        }
        return v;
    }
    // A cluster whose last line about the rotation was not understood may
    // be failing: "nothing fails" would be a guess.
    let flagged = clusters.iter().any(|c| c.is_unknown_tail());
    if flagged {
        v.verdict = Decision::Wait;
    } else {
        v.reasons.push(counted(ReasonCode::NothingFailing, rotated));
    }
    if unknown > 0 {
        v.reasons.push(counted(ReasonCode::UnknownOutcome, unknown));
    }
    if !unattributed.is_empty() {
        v.reasons.push(counted(
            ReasonCode::UnattributedFailures,
            unattributed.len(),
        ));
    }
    v
}

/// From the first failure of the earliest failing streak to the last
/// failure of any failing cluster.
fn failing_window(failing: &[&Cluster], events: &[Event]) -> Option<(Ts, Ts)> {
    let times = failing
        .iter()
        .flat_map(|c| c.streak().iter())
        .filter_map(|&i| events[i].order_ts);
    let (mut lo, mut hi): (Option<Ts>, Option<Ts>) = (None, None);
    for t in times {
        lo = Some(lo.map_or(t, |l| l.min(t)));
        hi = Some(hi.map_or(t, |h| h.max(t)));
    }
    lo.zip(hi)
}

/// Evidence a hold can rest on: from armada-kp-events, not another pod, and
/// inside the failing window. The level does not matter: a cause in a
/// failing streak is what the report names as the root cause, whether the
/// service logged the attempt's failure as a warning or an error. (A line
/// tied to no cluster must be an error to be kept at all: `attempts`.)
fn real_evidence(e: &Event, window: Option<(Ts, Ts)>, app: &str) -> bool {
    let own = e.pod.as_deref().is_none_or(|p| p.contains(app));
    let inside = match (window, e.order_ts) {
        (Some((lo, hi)), Some(t)) => {
            let m = HOLD_MARGIN_SECS * 1_000_000_000;
            t.nanos() >= lo.nanos().saturating_sub(m) && t.nanos() <= hi.nanos().saturating_add(m)
        }
        // Without times there is no window to be outside of.
        _ => true,
    };
    own && inside
}
