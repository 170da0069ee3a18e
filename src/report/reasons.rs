//! The verdict in words: the headline and each reason, worded from the data
//! `verdict` decided. Lists of clusters are cut at `cap` names, ending
//! "... and N more"; the JSON keeps every name as data.

use super::text::{count, more};
use crate::analyze::Triage;
use crate::verdict::{ClusterRef, Decision, Reason, ReasonCode};

/// The verdict's name as shown: `NOT NEEDED`, not `not_needed`.
pub fn shout(d: Decision) -> String {
    d.name().replace('_', " ").to_uppercase()
}

/// What the on-call engineer should do, in one sentence with its count.
pub fn headline(t: &Triage) -> String {
    let is_unknown = |r: &&Reason| r.code == ReasonCode::UnknownOutcome;
    let unknown = t.verdict.reasons.iter().find(is_unknown);
    let said = decision(t);
    match unknown {
        Some(r) if t.verdict.verdict != Decision::NoEvidence => format!(
            "{said} But {} no recognised outcome: read {} lines before trusting this.",
            clusters(r.count, t.clusters_total) + if r.count == 1 { " has" } else { " have" },
            if r.count == 1 { "its" } else { "their" }
        ),
        _ => said,
    }
}

/// The headline's verdict, before what it could not weigh.
fn decision(t: &Triage) -> String {
    let v = &t.verdict;
    let first = |code| v.reasons.iter().find(|r| r.code == code);
    match v.verdict {
        Decision::Hold => {
            let causes: Vec<String> = v
                .reasons
                .iter()
                .filter_map(|r| {
                    let title = title(t, r.category.as_deref()?);
                    Some(match r.code {
                        ReasonCode::CauseAtThreshold => {
                            format!("{title} on {}", clusters(r.count, r.clusters_in_input))
                        }
                        _ => format!("{title} tied to no cluster"),
                    })
                })
                .collect();
            let mut causes = causes;
            causes.dedup();
            format!(
                "Do not delete the armada-kp-events pod yet: fix the environment first ({}).",
                causes.join("; ")
            )
        }
        Decision::Recommended => {
            let n = first(ReasonCode::Exhausted).map_or(0, |r| r.count);
            format!(
                "Delete the armada-kp-events pod so that rotation starts again: {} {} {} retries.",
                clusters(n, t.clusters_total),
                if n == 1 { "has" } else { "have" },
                if n == 1 {
                    "exhausted its"
                } else {
                    "exhausted their"
                }
            )
        }
        Decision::Wait => match first(ReasonCode::Retrying) {
            Some(r) => format!(
                "Do not restart yet: {} still retrying, none has exhausted its retries.",
                is_are(r.count, t.clusters_total)
            ),
            // Nothing retries: a cluster's last rotation line was not understood.
            None => "Do not restart yet: a cluster's last rotation line was not understood; read it before deciding."
                .to_string(),
        },
        Decision::NotNeeded if first(ReasonCode::UnknownOutcome).is_some() => {
            "No restart needed as far as understood: no cluster understood is failing.".to_string()
        }
        Decision::NotNeeded => "No restart needed: no cluster is failing.".to_string(),
        Decision::NoEvidence => "No key rotation outcome in this input: check the pod, \
             the container and the window before trusting anything."
            .to_string(),
    }
}

/// One reason as a sentence, naming at most `cap` clusters.
pub fn text(t: &Triage, r: &Reason, cap: usize) -> String {
    let all = r.clusters_in_input;
    let listed = || names(&r.clusters, cap, true);
    match r.code {
        ReasonCode::CauseAtThreshold | ReasonCode::UnattributedCause => cause(t, r, cap),
        ReasonCode::ExhaustedAfterFix => format!(
            "Once the environment is healthy, {} will need the pod deleted to retry: {}.",
            if r.count == 1 {
                "the exhausted cluster".to_string()
            } else {
                format!("the {} exhausted clusters", r.count)
            },
            listed()
        ),
        ReasonCode::Exhausted => format!(
            "{} exhausted {} retries: {}.",
            capital(&clusters(r.count, all)),
            if r.count == 1 { "its" } else { "their" },
            listed()
        ),
        ReasonCode::BelowHoldThresholds => below_thresholds(t, r),
        ReasonCode::AlsoRetrying => format!("Also still retrying: {}.", listed()),
        ReasonCode::Retrying => format!(
            "{} still retrying and not exhausted: {}.",
            capital(&is_are(r.count, all)),
            listed()
        ),
        ReasonCode::RerunLater => "Run kp-triage again on newer logs: a restart is only needed \
             once retries are exhausted."
            .to_string(),
        ReasonCode::NoActivity => format!(
            "Read {} ({} in a known log format) and recognised no rotation activity: no key \
             detected, no attempt, no failure, no success.",
            count(t.acct.lines as usize, "line", "lines"),
            t.acct.records
        ),
        ReasonCode::NoOutcome | ReasonCode::UnknownOutcome => outcome(r, all),
        ReasonCode::NothingFailing if r.count == 0 => {
            "No cluster is failing, and none rotated.".to_string()
        }
        ReasonCode::NothingFailing => {
            format!("No cluster is failing: {} rotated.", clusters(r.count, all))
        }
        ReasonCode::UnattributedFailures => format!(
            "{} tied to no cluster: see the evidence with no cluster.",
            capital(&count(r.count, "failure line is", "failure lines are"))
        ),
    }
}

/// Clusters with activity and no outcome: none recognised at all, or none
/// in their latest round.
fn outcome(r: &Reason, all: usize) -> String {
    let (one, many) = if r.code == ReasonCode::NoOutcome {
        (" shows", " show")
    } else {
        (" has", " have")
    };
    let who = clusters(r.count, all) + if r.count == 1 { one } else { many };
    if r.code == ReasonCode::NoOutcome {
        return format!(
            "{} rotation activity but no recognised outcome: see the records not understood.",
            capital(&who)
        );
    }
    format!(
        "{} no recognised outcome: read {} lines before trusting this.",
        capital(&who),
        if r.count == 1 { "its" } else { "their" }
    )
}

/// A cause that holds the pod: at its threshold, or tied to no cluster.
fn cause(t: &Triage, r: &Reason, cap: usize) -> String {
    let cat = r.category.as_deref().unwrap_or("");
    if r.code == ReasonCode::UnattributedCause {
        return format!(
            "{} tied to no cluster while clusters fail{} {}",
            title(t, cat),
            first_record(r),
            action(t, cat)
        );
    }
    format!(
        "{} on {} ({}), at or above the hold threshold of {}{} {}",
        title(t, cat),
        count(r.count, "failing cluster", "failing clusters"),
        names(&r.clusters, cap, false),
        r.threshold.unwrap_or(1),
        first_record(r),
        action(t, cat)
    )
}

/// Every hold check, none of which reached its threshold.
fn below_thresholds(t: &Triage, r: &Reason) -> String {
    let checks: Vec<String> = r
        .checks
        .iter()
        .map(|c| {
            format!(
                "{} on {} (a hold needs {})",
                title(t, &c.category),
                if c.clusters == 0 {
                    "no cluster".to_string()
                } else {
                    count(c.clusters, "cluster", "clusters")
                },
                c.threshold
            )
        })
        .collect();
    format!(
        "No environment problem reached its hold threshold: {}. Delete the pod only if \
         nothing else is wrong in the environment.",
        checks.join("; ")
    )
}

/// `n` clusters out of `all`, in words: "1 cluster", "both clusters",
/// "all 4 clusters", "the only cluster", "no cluster".
pub fn clusters(n: usize, all: usize) -> String {
    match (n, all) {
        (0, _) => "no cluster".to_string(),
        (1, 1) => "the only cluster".to_string(),
        (2, 2) => "both clusters".to_string(),
        (n, all) if n == all => format!("all {n} clusters"),
        (n, _) => count(n, "cluster", "clusters"),
    }
}

fn is_are(n: usize, all: usize) -> String {
    format!("{} {}", clusters(n, all), if n == 1 { "is" } else { "are" })
}

fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
}

fn title(t: &Triage, id: &str) -> String {
    t.category_by_id(id)
        .map_or_else(|| id.to_string(), |c| c.title.clone())
}

fn action(t: &Triage, id: &str) -> String {
    t.category_by_id(id)
        .map_or_else(String::new, |c| c.action.clone())
}

/// `: first "MESSAGE" at TIME (file:line).`
fn first_record(r: &Reason) -> String {
    r.evidence.first().map_or_else(
        || ".".to_string(),
        |e| {
            format!(
                ": first \"{}\" at {} ({}).",
                e.message,
                e.ts.map_or_else(|| "an unknown time".to_string(), |t| t.rfc3339()),
                e.source
            )
        },
    )
}

/// Cluster ids, with their root cause when `causes`, at most `cap` of them.
fn names(cs: &[ClusterRef], cap: usize, causes: bool) -> String {
    let id = |c: &ClusterRef| c.cluster_id.to_string();
    let mut shown: Vec<String> = if causes {
        cs.iter().take(cap).map(name).collect()
    } else {
        cs.iter().take(cap).map(id).collect()
    };
    if cs.len() > cap {
        shown.push(more(cs.len() - cap, "cluster", "clusters"));
    }
    shown.join(", ")
}

fn name(c: &ClusterRef) -> String {
    match (&c.root_cause, &c.inferred) {
        (Some(r), Some(inf)) => format!(
            "{} (root cause {r}; exhaustion inferred: {} failed attempts in a row, budget {})",
            c.cluster_id, inf.failed_in_a_row, inf.budget
        ),
        (Some(r), None) => format!("{} (root cause {r})", c.cluster_id),
        (None, _) => c.cluster_id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_spelled_out() {
        assert_eq!(clusters(0, 4), "no cluster");
        assert_eq!(clusters(1, 1), "the only cluster");
        assert_eq!(clusters(1, 4), "1 cluster");
        assert_eq!(clusters(2, 2), "both clusters");
        assert_eq!(clusters(4, 4), "all 4 clusters");
        assert_eq!(clusters(3, 4), "3 clusters");
    }

    #[test]
    fn long_name_lists_end_with_a_count() {
        let cs: Vec<ClusterRef> = (0..7)
            .map(|i| ClusterRef {
                cluster_id: format!("c{i}").into(),
                root_cause: None,
                inferred: None,
            })
            .collect();
        assert_eq!(names(&cs, 3, true), "c0, c1, c2, ... and 4 more clusters");
        assert_eq!(names(&cs, 7, false), "c0, c1, c2, c3, c4, c5, c6");
    }
}
