//! The evidence and the records not understood, as tables that fit a
//! ticket: the long text (the message) in the last column, where it wraps.

use super::prose::cell;
use super::prose::Clock;
use super::{code, MESSAGE_CHARS};
use crate::analyze::Triage;
use crate::report::text::{clip, more};
use crate::report::{cause_name, events};
use std::io::{self, Write};

/// Failing clusters whose evidence is listed.
const EVIDENCE_CLUSTERS: usize = 20;
/// Evidence rows at most: the summary must fit a ticket's comment.
pub(in crate::report) const EVIDENCE_ROWS: usize = 40;

pub(in crate::report) struct Row {
    pub ts: String,
    pub cluster: Option<String>,
    pub category: String,
    pub message: String,
    pub source: String,
}

/// The rows: every record a reason quotes first, then each failing
/// cluster's evidence, then the failures tied to no cluster.
pub(in crate::report) fn rows(t: &Triage, clock: &Clock) -> (Vec<Row>, usize) {
    let failing: Vec<_> = t
        .clusters
        .iter()
        .filter(|c| c.status.is_failing())
        .collect();
    let mut rows: Vec<Row> = Vec::new();
    for c in failing.iter().take(EVIDENCE_CLUSTERS) {
        for e in events(t, &t.facts(c).evidence) {
            rows.push(row(t, clock, e, Some(&c.id)));
        }
    }
    let un = &t.unattributed;
    for e in events(t, &un[..un.len().min(t.evidence)]) {
        rows.push(row(t, clock, e, None));
    }
    let quoted = t.verdict.reasons.iter().filter_map(|r| r.evidence.first());
    let mut first = Vec::new();
    for q in quoted {
        if !rows
            .iter()
            .chain(&first)
            .any(|r: &Row| r.source == q.source)
        {
            first.push(Row {
                ts: clock.at(q.ts),
                cluster: q.cluster.clone(),
                category: q.category.clone(),
                message: q.message.clone(),
                source: q.source.clone(),
            });
        }
    }
    first.append(&mut rows);
    (first, failing.len())
}

fn row(t: &Triage, clock: &Clock, e: &crate::event::Event, cluster: Option<&str>) -> Row {
    Row {
        ts: clock.at(e.ts),
        cluster: cluster.map(str::to_string),
        category: cause_name(t, e).to_string(),
        message: e.message().into_owned(),
        source: t.source(e),
    }
}

pub(super) fn table(t: &Triage, clock: &Clock, out: &mut dyn Write) -> io::Result<()> {
    let (rows, failing) = rows(t, clock);
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(out, "### Evidence (secrets redacted)\n")?;
    // The source goes with the message, last: a fifth column does not fit
    // a ticket's 760 pixels, and a table that scrolls hides its last one.
    writeln!(out, "| Time | Cluster | Category | Message (source) |")?;
    writeln!(out, "|---|---|---|---|")?;
    for r in rows.iter().take(EVIDENCE_ROWS) {
        writeln!(
            out,
            "| {} | {} | `{}` | {} ({}) |",
            r.ts,
            r.cluster.as_deref().map_or("(none)".to_string(), code),
            r.category,
            cell(&clip(&r.message, MESSAGE_CHARS)),
            cell(&r.source),
        )?;
    }
    let mut cut = Vec::new();
    if rows.len() > EVIDENCE_ROWS {
        cut.push(more(rows.len() - EVIDENCE_ROWS, "line", "lines"));
    }
    if failing > EVIDENCE_CLUSTERS {
        cut.push(format!(
            "{} with evidence not listed",
            more(failing - EVIDENCE_CLUSTERS, "cluster", "clusters")
        ));
    }
    let un = &t.unattributed;
    if un.len() > t.evidence {
        cut.push(more(
            un.len() - t.evidence,
            "line tied to no cluster",
            "lines tied to no cluster",
        ));
    }
    if !cut.is_empty() {
        let text = format!("{} (see `-o json` or `-o html`).", cut.join("; "));
        write!(out, "\n{}", super::prose::wrap(&text, "", ""))?;
    }
    writeln!(out)
}

pub(super) fn not_understood(t: &Triage, out: &mut dyn Write) -> io::Result<()> {
    if t.not_understood.is_empty() {
        return Ok(());
    }
    writeln!(out, "### Not understood\n")?;
    writeln!(
        out,
        "Records that look like rotation activity but matched no event (numbers and ids masked):\n"
    )?;
    writeln!(out, "| Count | Shape | Example (source) |")?;
    writeln!(out, "|---:|---|---|")?;
    for n in t.not_understood.iter().take(crate::report::TEMPLATES_SHOWN) {
        writeln!(
            out,
            "| {} | {} | {} ({}) |",
            n.count,
            cell(&clip(&n.template, MESSAGE_CHARS)),
            cell(&clip(&n.example, MESSAGE_CHARS)),
            cell(&n.source),
        )?;
    }
    let left = t
        .not_understood
        .len()
        .saturating_sub(crate::report::TEMPLATES_SHOWN);
    if left > 0 {
        writeln!(out, "\n... and {left} more shapes.")?;
    }
    writeln!(out)
}
