//! The triage seen from the alert (`--alert`): its cluster's state over its
//! window, or, for the sibling alert, which runbook it belongs to. Data for
//! the reports, which lead with `headline`.

use crate::alert::{Alert, AlertKind, PROCESSING_RUNBOOK, ROTATION_ALERT};
use crate::analyze::Triage;
use crate::attempts::{Cluster, Status};
use crate::classify::pack::Category;
use crate::classify::Pack;
use crate::config::Config;
use crate::time::Ts;
use serde::Serialize;

/// What the alert says, and what the logs say about its cluster.
#[derive(Clone, Debug, Serialize)]
pub struct AlertFacts {
    pub name: String,
    pub kind: AlertKind,
    pub crn: Option<String>,
    pub cluster_id: Option<String>,
    /// The alert's window ("in the last 15 mins": `15m`).
    pub window: Option<String>,
    /// When the alert fired, when the text says.
    pub fired_at: Option<Ts>,
    /// The alert's cluster's status in the window analysed; None when it
    /// has no rotation activity there.
    pub status: Option<Status>,
    pub root_cause: Option<String>,
    /// Set when the alert belongs to another runbook.
    pub other_runbook: Option<&'static str>,
    /// The line the reports lead with.
    pub headline: String,
}

/// The facts, from the clusters of the whole input (before any focus).
fn facts(
    alert: &Alert,
    clusters: &[Cluster],
    categories: &[Category],
    window: (Option<Ts>, Option<Ts>),
) -> AlertFacts {
    let cluster = alert
        .cluster
        .as_deref()
        .and_then(|id| clusters.iter().find(|c| *c.id == *id));
    let root_cause = cluster
        .and_then(|c| c.root_cause)
        .map(|k| categories[usize::from(k)].id.clone());
    let other_runbook = (alert.kind == AlertKind::ProcessingErrors).then_some(PROCESSING_RUNBOOK);
    let mut f = AlertFacts {
        name: alert.name.clone(),
        kind: alert.kind,
        crn: alert.crn.clone(),
        cluster_id: alert.cluster.clone(),
        window: alert
            .window
            .map(|d| humantime::format_duration(d).to_string()),
        fired_at: alert.at,
        status: cluster.map(|c| c.status),
        root_cause: root_cause.map(|r| r.to_string()),
        other_runbook,
        headline: String::new(),
    };
    // Pasted text reaches every report: redacted like a log line.
    let redactor = crate::redact::shared();
    f.name = redactor.redact(&f.name).into_owned();
    f.headline = redactor.redact(&headline(&f, alert, window)).into_owned();
    f
}

fn headline(f: &AlertFacts, alert: &Alert, (from, to): (Option<Ts>, Option<Ts>)) -> String {
    let name = if f.name.is_empty() {
        "an alert with no name"
    } else {
        f.name.as_str()
    };
    let mut s = name.to_string();
    if let Some(id) = &f.cluster_id {
        s.push_str(&format!(" for cluster {id}"));
    }
    if let Some(c) = &alert.carrier {
        s.push_str(&format!(" on {c}"));
    }
    match (&f.window, from, to) {
        (Some(w), Some(a), Some(b)) => s.push_str(&format!(" (last {w}: {a} to {b})")),
        (Some(w), Some(a), None) => s.push_str(&format!(" (last {w}: {a} to the latest record)")),
        (Some(w), _, _) => s.push_str(&format!(" (last {w})")),
        _ => {}
    }
    s.push_str(": ");
    match f.kind {
        AlertKind::ProcessingErrors => s.push_str(&format!(
            "this alert belongs to another runbook: {}. What follows is the key rotation \
             triage ({ROTATION_ALERT}) of the same logs; in it, ",
            f.other_runbook.unwrap_or_default()
        )),
        AlertKind::Other => s.push_str(&format!(
            "not the key rotation alert ({ROTATION_ALERT}); what follows is the key rotation \
             triage of the same logs; in it, "
        )),
        AlertKind::KeyRotationFailures => {}
    }
    s.push_str(&state(f));
    s
}

fn state(f: &AlertFacts) -> String {
    let Some(id) = &f.cluster_id else {
        return "the alert names no cluster (no CRN); every cluster is shown.".to_string();
    };
    match (f.status, &f.root_cause) {
        (None, _) => format!(
            "cluster {id} has no rotation activity in the logs analysed (check the window and the pods read)."
        ),
        (Some(s), Some(cause)) if s.is_failing() => {
            format!("cluster {id} is {}, root cause {cause}.", s.name())
        }
        (Some(s), _) => format!("cluster {id} is {}.", s.name()),
    }
}

/// The facts of `--alert`, if given, with its cluster moved first in the
/// tables: the triage leads with it.
pub(super) fn lead(
    cfg: &Config,
    clusters: &mut [Cluster],
    pack: &Pack,
    window: (Option<Ts>, Option<Ts>),
) -> Option<AlertFacts> {
    let alert = cfg.alert.as_ref()?;
    let f = facts(alert, clusters, &pack.categories, window);
    if let Some(i) = alert
        .cluster
        .as_deref()
        .and_then(|id| clusters.iter().position(|c| *c.id == *id))
    {
        clusters[..=i].rotate_right(1);
    }
    Some(f)
}

impl Triage {
    /// The alert's line, for the reports to lead with.
    pub fn alert_headline(&self) -> Option<&str> {
        self.alert.as_ref().map(|a| a.headline.as_str())
    }
}
