//! The versioned JSON document (schema in the README). Field names and
//! category ids are stable; additions bump nothing, changes bump the version.

use super::reasons;
use crate::analyze::{ClusterFacts, Template, Triage, Warning};
use crate::attempts::{Attempt, Budget, Cluster, Inference, Status};
use crate::event::Event;
use crate::time::Ts;
use crate::verdict::{Decision, HoldEvidence, Reason};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Doc<'a> {
    schema_version: u32,
    tool: Tool,
    input: Input<'a>,
    window: Window,
    focus: &'a [String],
    summary: Summary,
    clusters: Lazy<'a, ClusterDoc<'a>>,
    unattributed: Lazy<'a, EvidenceDoc<'a>>,
    /// Records that look like rotation activity but matched no event.
    not_understood: &'a [Template],
    /// The retry budget, when the input states or shows it.
    retry_budget: Option<&'a Budget>,
    warnings: &'a [Warning],
    pod_restart: PodRestart<'a>,
    /// What to run when the verdict is `recommended`.
    next_step: Option<&'a crate::analyze::NextStep>,
    /// The pasted alert (`--alert`) and its cluster's state.
    alert: Option<&'a crate::analyze::AlertFacts>,
    /// The failing clusters' attempts over time, as the pictures draw them.
    timeline: &'a crate::analyze::Timeline,
}

#[derive(Serialize)]
struct PodRestart<'a> {
    verdict: Decision,
    /// The reasons in words (lists of clusters cut at 20 names).
    reasons: Vec<String>,
    /// The same reasons as data: code, category, every cluster, threshold,
    /// the records they rest on, and the sentence.
    reason_details: Vec<ReasonDoc<'a>>,
    /// At most `--evidence` records for each hold.
    hold_evidence: &'a [HoldEvidence],
    /// How many records the holds rest on, quoted or not.
    hold_evidence_total: usize,
    failing_window: Option<(Ts, Ts)>,
}

#[derive(Serialize)]
struct ReasonDoc<'a> {
    #[serde(flatten)]
    reason: &'a Reason,
    text: String,
}

/// How many cluster ids a reason's sentence names in JSON.
const NAMES_IN_TEXT: usize = 20;

fn pod_restart(t: &Triage) -> PodRestart<'_> {
    let v = &t.verdict;
    let details: Vec<ReasonDoc<'_>> = v
        .reasons
        .iter()
        .map(|r| ReasonDoc {
            reason: r,
            text: reasons::text(t, r, NAMES_IN_TEXT),
        })
        .collect();
    PodRestart {
        verdict: v.verdict,
        reasons: details.iter().map(|d| d.text.clone()).collect(),
        reason_details: details,
        hold_evidence: &v.hold_evidence,
        hold_evidence_total: v.hold_evidence_total,
        failing_window: v.failing_window,
    }
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Input<'a> {
    lines: u64,
    records: u64,
    continuations: u64,
    unparsed: u64,
    skipped: u64,
    skipped_detail: SkippedDoc,
    /// Lines cut at the maximum line length.
    truncated_lines: u64,
    first_ts: Option<Ts>,
    last_ts: Option<Ts>,
    files: Vec<FileDoc<'a>>,
    patterns: &'a [String],
}

#[derive(Serialize)]
struct SkippedDoc {
    blank: u64,
    stern_markers: u64,
    other_apps: u64,
    /// Rotation records read twice (overlapping inputs), counted once.
    merged: u64,
}

impl SkippedDoc {
    fn of(a: &crate::event::Accounting) -> SkippedDoc {
        SkippedDoc {
            blank: a.skipped_blank,
            stern_markers: a.skipped_markers,
            other_apps: a.skipped_other_apps,
            merged: a.merged,
        }
    }
}

#[derive(Serialize)]
struct FileDoc<'a> {
    name: &'a str,
    gzip: bool,
    lines: u64,
    records: u64,
    continuations: u64,
    unparsed: u64,
    skipped: u64,
    /// A LogDNA export listing its newest lines first.
    newest_first: bool,
    /// Why the file could not be read, or not to its end.
    error: Option<&'a str>,
}

/// A list written element by element as it is serialised: a million
/// clusters' documents never stand in memory at once.
struct Lazy<'a, T>(
    &'a Triage,
    fn(&'a Triage) -> Box<dyn Iterator<Item = T> + 'a>,
);

impl<T: Serialize> Serialize for Lazy<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.1)(self.0))
    }
}

#[derive(Serialize)]
struct Window {
    from: Option<Ts>,
    to: Option<Ts>,
    events_outside: usize,
}

#[derive(Serialize)]
struct Summary {
    clusters: usize,
    clusters_in_input: usize,
    exhausted: usize,
    retrying: usize,
    unknown: usize,
    rotated: usize,
}

#[derive(Serialize)]
struct ClusterDoc<'a> {
    cluster_id: &'a str,
    status: Status,
    attempts: usize,
    failed_attempts: usize,
    root_cause: Option<&'a str>,
    failures: BTreeMap<&'a str, usize>,
    /// Set when no line says the cluster exhausted: inferred from the budget.
    inferred: Option<&'a Inference>,
    /// Rotation rounds seen; the status is the latest round's.
    rounds: u32,
    /// The status at the end of each earlier round.
    earlier_rounds: &'a [Status],
    /// Records about this cluster's rotation that matched no event.
    not_understood: usize,
    /// Why the status is `unknown` when a line not understood came after
    /// the cluster's last understood event: that line.
    #[serde(skip_serializing_if = "Option::is_none")]
    unknown_because: Option<std::borrow::Cow<'a, str>>,
    first_seen: Option<Ts>,
    last_seen: Option<Ts>,
    actions: Vec<&'a str>,
    /// The lines evidence is chosen from, shown or not.
    evidence_total: usize,
    evidence: Vec<EvidenceDoc<'a>>,
    attempt_history: Vec<AttemptDoc<'a>>,
}

#[derive(Serialize)]
struct AttemptDoc<'a> {
    #[serde(flatten)]
    attempt: &'a Attempt,
    failures: Vec<&'a str>,
}

#[derive(Serialize)]
struct EvidenceDoc<'a> {
    ts: Option<Ts>,
    category: &'a str,
    categories: Vec<&'a str>,
    message: std::borrow::Cow<'a, str>,
    source: String,
}

pub fn render(t: &Triage, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &doc(t))?;
    writeln!(out)
}

/// The same document on one line, inside `{"type":"report","report":...}`
/// (the last of `--follow`'s JSON Lines), written as it is serialised.
pub fn render_line(t: &Triage, out: &mut dyn Write) -> io::Result<()> {
    #[derive(Serialize)]
    struct Line<'a> {
        r#type: &'static str,
        report: Doc<'a>,
    }
    let line = Line {
        r#type: "report",
        report: doc(t),
    };
    serde_json::to_writer(&mut *out, &line)?;
    writeln!(out)
}

fn doc(t: &Triage) -> Doc<'_> {
    let count = |s: Status| t.clusters.iter().filter(|c| c.status == s).count();
    Doc {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        input: input(t),
        window: Window {
            from: t.window_from,
            to: t.window_to,
            events_outside: t.outside_window,
        },
        focus: &t.focus,
        summary: Summary {
            clusters: t.clusters.len(),
            clusters_in_input: t.clusters_total,
            exhausted: count(Status::Exhausted),
            retrying: count(Status::Retrying),
            unknown: count(Status::Unknown),
            rotated: count(Status::Rotated),
        },
        clusters: Lazy(t, |t| {
            Box::new(t.clusters_with_facts().map(|(c, f)| cluster(t, c, &f)))
        }),
        unattributed: Lazy(t, |t| {
            Box::new(
                t.unattributed
                    .iter()
                    .map(|&i| evidence_doc(t, &t.events[i])),
            )
        }),
        not_understood: &t.not_understood,
        retry_budget: t.budget.as_ref(),
        warnings: &t.warnings,
        pod_restart: pod_restart(t),
        next_step: t.next_step.as_ref(),
        alert: t.alert.as_ref(),
        timeline: &t.timeline,
    }
}

fn input(t: &Triage) -> Input<'_> {
    let a = &t.acct;
    Input {
        lines: a.lines,
        records: a.records,
        continuations: a.continuations,
        unparsed: a.unparsed,
        skipped: a.skipped,
        skipped_detail: SkippedDoc::of(a),
        truncated_lines: a.truncated_lines,
        first_ts: a.first_ts,
        last_ts: a.last_ts,
        files: t
            .inputs
            .iter()
            .map(|i| FileDoc {
                name: &i.name,
                gzip: i.gzip,
                lines: i.acct.lines,
                records: i.acct.records,
                continuations: i.acct.continuations,
                unparsed: i.acct.unparsed,
                skipped: i.acct.skipped,
                newest_first: i.acct.newest_first,
                error: i.error.as_deref(),
            })
            .collect(),
        patterns: &t.pattern_origins,
    }
}

fn cluster<'a>(t: &'a Triage, c: &'a Cluster, f: &ClusterFacts) -> ClusterDoc<'a> {
    ClusterDoc {
        cluster_id: &c.id,
        status: c.status,
        attempts: c.attempts.len(),
        failed_attempts: c.failed_attempts(),
        root_cause: c.root_cause.map(|k| t.category(k).id.as_ref()),
        failures: c
            .failure_counts()
            .into_iter()
            .map(|(k, n)| (t.category(k).id.as_ref(), n))
            .collect(),
        inferred: c.inferred.as_deref(),
        rounds: c.rounds,
        earlier_rounds: &c.history,
        not_understood: c.not_understood.len(),
        unknown_because: c.unknown_because(&t.events).map(|i| t.events[i].message()),
        first_seen: c.first_seen,
        last_seen: c.last_seen,
        actions: f
            .actions
            .iter()
            .map(|&k| t.category(k).action.as_str())
            .collect(),
        evidence_total: f.evidence_total,
        evidence: f
            .evidence
            .iter()
            .map(|&i| evidence_doc(t, &t.events[i]))
            .collect(),
        attempt_history: c
            .attempts
            .iter()
            .map(|a| AttemptDoc {
                attempt: a,
                failures: a
                    .categories
                    .iter()
                    .map(|&k| t.category(k).id.as_ref())
                    .collect(),
            })
            .collect(),
    }
}

fn evidence_doc<'a>(t: &'a Triage, e: &'a Event) -> EvidenceDoc<'a> {
    EvidenceDoc {
        ts: e.ts,
        category: super::cause_name(t, e),
        categories: e
            .categories
            .iter()
            .map(|&k| t.category(k).id.as_ref())
            .collect(),
        message: e.message(),
        source: t.source(e),
    }
}
