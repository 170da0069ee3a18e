//! The ground truth: what a careful reader of the generated log concludes,
//! computed from the generator's own record of what each line means. It
//! never looks at kp-triage.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A cause of a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Cat {
    Etcd,
    KubeClient,
    Wdek,
    /// An error inside an attempt that names no runbook category.
    Unclassified,
}

impl Cat {
    pub fn id(self) -> &'static str {
        match self {
            Cat::Etcd => "etcd",
            Cat::KubeClient => "kube_client",
            Cat::Wdek => "wdek_secret",
            Cat::Unclassified => "unclassified",
        }
    }

    fn rank(self) -> u8 {
        match self {
            Cat::Unclassified => 2,
            _ => 3,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// What one line of a cluster says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Start,
    /// An error line inside an attempt, before it is declared failed.
    Cause,
    Failed,
    Succeeded,
    Exhausted,
}

/// One line of one cluster, in time order. `cause` is the error the line
/// carries (a Failed or Exhausted line may carry one in its error field).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sem {
    pub kind: Kind,
    pub cause: Option<Cat>,
    pub level: Level,
    /// Rotation round; only the latest round sets the status.
    pub round: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterExpect {
    pub status: String,
    pub root_cause: Option<String>,
    pub failed_attempts: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expected {
    pub clusters: BTreeMap<String, ClusterExpect>,
    pub verdict: String,
}

/// The failing streak: every line of the latest round after its last success.
fn streak(sems: &[Sem]) -> &[Sem] {
    let round = sems.iter().map(|s| s.round).max().unwrap_or(0);
    let from = sems
        .iter()
        .rposition(|s| s.kind == Kind::Succeeded || s.round < round)
        .map_or(0, |i| i + 1);
    &sems[from..]
}

/// `budget`: the retry budget the log states (`k/m`), if any. A cluster
/// whose consecutive failures reach it is exhausted even with no summary line.
pub fn cluster(sems: &[Sem], budget: Option<usize>) -> ClusterExpect {
    let failed_attempts = sems.iter().filter(|s| s.kind == Kind::Failed).count();
    let round = sems.iter().map(|s| s.round).max().unwrap_or(0);
    let last = sems.iter().rev().find(|s| {
        s.round == round && matches!(s.kind, Kind::Failed | Kind::Succeeded | Kind::Exhausted)
    });
    let streak = streak(sems);
    let in_streak = streak.iter().filter(|s| s.kind == Kind::Failed).count();
    let status = match last.map(|s| s.kind) {
        Some(Kind::Succeeded) => "rotated",
        Some(Kind::Exhausted) => "exhausted",
        Some(Kind::Failed) if budget.is_some_and(|b| in_streak >= b) => "exhausted",
        Some(Kind::Failed) => "retrying",
        _ => "unknown",
    };
    let root_cause = (status != "rotated").then(|| root_cause(streak)).flatten();
    ClusterExpect {
        status: status.into(),
        root_cause: root_cause.map(String::from),
        failed_attempts,
    }
}

/// Runbook cause > unclassified error > bare attempt failure > summary;
/// the latest wins among equals.
fn root_cause(streak: &[Sem]) -> Option<&'static str> {
    let mut best: Option<(u8, &'static str)> = None;
    let mut offer = |rank: u8, id: &'static str| {
        if best.is_none_or(|(r, _)| rank >= r) {
            best = Some((rank, id));
        }
    };
    for s in streak {
        match s.kind {
            Kind::Failed => offer(1, "attempt_failed"),
            Kind::Exhausted => offer(0, "retries_exhausted"),
            _ => {}
        }
        if let Some(c) = s.cause {
            offer(c.rank(), c.id());
        }
    }
    best.map(|(_, id)| id)
}

/// The verdict over every cluster: `no_evidence` when there is none.
pub fn expected(clusters: &[(String, Vec<Sem>)], budget: Option<usize>) -> Expected {
    let mut out = BTreeMap::new();
    let (mut hold, mut kube, mut exhausted, mut retrying) = (false, 0, false, false);
    // The runbook's thresholds: one cluster for etcd, three for a kube client,
    // five masters whose WDEK secret fails point at the carrier.
    let mut wdek = 0;
    for (id, sems) in clusters {
        let e = cluster(sems, budget);
        let failing = matches!(e.status.as_str(), "retrying" | "exhausted");
        if failing {
            let s = streak(sems);
            // A cause in the failing streak holds at any level: the
            // service may log an attempt's failure as a warning.
            hold |= s.iter().any(|s| s.cause == Some(Cat::Etcd));
            kube += usize::from(s.iter().any(|s| s.cause == Some(Cat::KubeClient)));
            wdek += usize::from(s.iter().any(|s| s.cause == Some(Cat::Wdek)));
        }
        exhausted |= e.status == "exhausted";
        retrying |= e.status == "retrying";
        out.insert(id.to_ascii_lowercase(), e);
    }
    let verdict = if out.is_empty() {
        "no_evidence"
    } else if hold || kube >= 3 || wdek >= 5 {
        "hold"
    } else if exhausted {
        "recommended"
    } else if retrying {
        "wait"
    } else {
        "not_needed"
    };
    Expected {
        clusters: out,
        verdict: verdict.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(kind: Kind, cause: Option<Cat>, level: Level) -> Sem {
        Sem {
            kind,
            cause,
            level,
            round: 1,
        }
    }

    #[test]
    fn the_latest_runbook_cause_of_the_streak_wins_and_etcd_errors_hold() {
        let a = vec![
            s(Kind::Start, None, Level::Info),
            s(Kind::Cause, Some(Cat::Etcd), Level::Error),
            s(Kind::Failed, None, Level::Warn),
            s(Kind::Cause, Some(Cat::Unclassified), Level::Error),
            s(Kind::Failed, Some(Cat::Wdek), Level::Error),
            s(Kind::Failed, None, Level::Error),
            s(Kind::Exhausted, None, Level::Error),
        ];
        let e = cluster(&a, None);
        assert_eq!(e.status, "exhausted");
        assert_eq!(e.root_cause.as_deref(), Some("wdek_secret"));
        assert_eq!(e.failed_attempts, 3);
        let x = expected(&[("C1".into(), a)], None);
        assert_eq!(x.verdict, "hold");
        assert!(x.clusters.contains_key("c1"));
    }

    #[test]
    fn a_success_ends_the_streak_and_a_warning_with_a_cause_holds() {
        let rotated = vec![
            s(Kind::Cause, Some(Cat::Etcd), Level::Error),
            s(Kind::Failed, None, Level::Error),
            s(Kind::Succeeded, None, Level::Info),
        ];
        let e = cluster(&rotated, None);
        assert_eq!(
            (e.status.as_str(), e.root_cause, e.failed_attempts),
            ("rotated", None, 1)
        );
        let warn_etcd = vec![
            s(Kind::Failed, Some(Cat::Etcd), Level::Warn),
            s(Kind::Failed, Some(Cat::Unclassified), Level::Warn),
        ];
        let e = cluster(&warn_etcd, None);
        assert_eq!(
            (e.status.as_str(), e.root_cause.as_deref()),
            ("retrying", Some("etcd"))
        );
        let x = expected(&[("a".into(), rotated), ("b".into(), warn_etcd)], None);
        assert_eq!(x.verdict, "hold");
    }

    #[test]
    fn a_stated_budget_makes_exhaustion_without_a_summary() {
        let f = s(Kind::Failed, None, Level::Error);
        let three = vec![f, f, f];
        assert_eq!(cluster(&three, Some(3)).status, "exhausted");
        assert_eq!(
            cluster(&three, Some(3)).root_cause.as_deref(),
            Some("attempt_failed")
        );
        assert_eq!(cluster(&three, Some(5)).status, "retrying");
        assert_eq!(
            expected(&[("a".into(), three)], Some(3)).verdict,
            "recommended"
        );
    }

    #[test]
    fn wdek_secret_on_five_failing_clusters_holds() {
        let w = vec![s(Kind::Failed, Some(Cat::Wdek), Level::Error)];
        let five: Vec<_> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(|i| (i.to_string(), w.clone()))
            .collect();
        assert_eq!(expected(&five, None).verdict, "hold");
        assert_eq!(expected(&five[..4], None).verdict, "wait");
    }

    #[test]
    fn kube_client_on_three_failing_clusters_holds_and_rounds_reset() {
        let k = vec![s(Kind::Failed, Some(Cat::KubeClient), Level::Error)];
        let three: Vec<_> = ["a", "b", "c"]
            .iter()
            .map(|i| (i.to_string(), k.clone()))
            .collect();
        assert_eq!(expected(&three, None).verdict, "hold");
        assert_eq!(expected(&three[..2], None).verdict, "wait");
        assert_eq!(expected(&[], None).verdict, "no_evidence");
        let old = Sem {
            round: 0,
            ..s(Kind::Failed, None, Level::Error)
        };
        let new = s(Kind::Succeeded, None, Level::Info);
        assert_eq!(cluster(&[old, new], None).status, "rotated");
    }
}
