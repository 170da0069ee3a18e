//! The hold checks: each cause against its threshold of failing clusters,
//! and the causes that hold tied to no cluster, with the records they rest on.

use super::{Check, Context, HoldEvidence, Reason, ReasonCode, Verdict};
use crate::attempts::Cluster;
use crate::classify::{CatId, Pack};
use crate::event::Event;

fn threshold(pack: &Pack, cat: CatId) -> Option<usize> {
    let c = pack.category(cat);
    match (c.hold_clusters, c.hold_in_streak) {
        (Some(n), true) => Some(n.min(1)),
        (Some(n), false) => Some(n),
        (None, true) => Some(1),
        (None, false) => None,
    }
}

pub(super) fn hold_reasons(
    failing: &[&Cluster],
    unattributed: &[usize],
    cx: &Context<'_>,
    real: &dyn Fn(&Event, CatId) -> bool,
    v: &mut Verdict,
    total: usize,
) {
    let pack = cx.pack;
    for (id, cat) in pack.categories.iter().enumerate() {
        let id = id as CatId;
        let Some(threshold) = threshold(pack, id) else {
            continue;
        };
        // Each failing cluster's first real evidence of this cause.
        let mut with: Vec<(&Cluster, usize)> = failing
            .iter()
            .filter_map(|c| {
                c.streak()
                    .iter()
                    .find(|&&i| cx.events[i].categories.contains(&id) && real(&cx.events[i], id))
                    .map(|&i| (*c, i))
            })
            .collect();
        if with.is_empty() || with.len() < threshold {
            continue;
        }
        let held: Vec<&Cluster> = with.iter().map(|(c, _)| *c).collect();
        // "First" means the earliest: events are in time order, clusters
        // are not (they are sorted by status and id).
        with.sort_by_key(|&(_, i)| i);
        let mut r = Reason::new(ReasonCode::CauseAtThreshold, total).naming(&held, pack);
        r.category = Some(cat.id.to_string());
        r.threshold = Some(threshold);
        let (c0, i0) = with[0];
        r.evidence
            .push(evidence(cx, &cat.id, Some(&c0.id), &cx.events[i0]));
        v.reasons.push(r);
        v.hold_evidence_total += with.len();
        for (c, i) in with.iter().take(cx.evidence.max(1)) {
            v.hold_evidence
                .push(evidence(cx, &cat.id, Some(&c.id), &cx.events[*i]));
        }
    }
    if !failing.is_empty() {
        unattributed_holds(unattributed, cx, real, v, total);
    }
}

/// Failures tied to no cluster whose cause holds the pod while clusters
/// fail.
fn unattributed_holds(
    unattributed: &[usize],
    cx: &Context<'_>,
    real: &dyn Fn(&Event, CatId) -> bool,
    v: &mut Verdict,
    total: usize,
) {
    let pack = cx.pack;
    let mut quoted = 0;
    for &i in unattributed {
        let e = &cx.events[i];
        let held = e
            .categories
            .iter()
            .find(|&&k| pack.category(k).hold_unattributed);
        if let Some(&cat) = held.filter(|&&k| e.is_error_level() && real(e, k)) {
            let cat = pack.category(cat);
            let ev = evidence(cx, &cat.id, None, e);
            let mut r = Reason::new(ReasonCode::UnattributedCause, total);
            r.category = Some(cat.id.to_string());
            r.count = 1;
            r.evidence.push(ev.clone());
            v.reasons.push(r);
            v.hold_evidence_total += 1;
            if quoted < cx.evidence.max(1) {
                quoted += 1;
                v.hold_evidence.push(ev);
            }
        }
    }
}

fn evidence(cx: &Context<'_>, cat: &str, cluster: Option<&str>, e: &Event) -> HoldEvidence {
    HoldEvidence {
        category: cat.to_string(),
        cluster: cluster.map(str::to_string),
        source: (cx.source)(e),
        ts: e.ts,
        message: e.message().into_owned(),
    }
}

/// Every hold check, so "recommended" shows its work.
pub(super) fn hold_checks(
    failing: &[&Cluster],
    cx: &Context<'_>,
    real: &dyn Fn(&Event, CatId) -> bool,
) -> Vec<Check> {
    let mut checks = Vec::new();
    for (id, cat) in cx.pack.categories.iter().enumerate() {
        let Some(threshold) = threshold(cx.pack, id as CatId) else {
            continue;
        };
        let n = failing
            .iter()
            .filter(|c| {
                c.streak().iter().any(|&i| {
                    cx.events[i].categories.contains(&(id as CatId))
                        && real(&cx.events[i], id as CatId)
                })
            })
            .count();
        checks.push(Check {
            category: cat.id.to_string(),
            clusters: n,
            threshold,
        });
    }
    checks
}
