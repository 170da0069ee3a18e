//! The terminal report: verdict first, then the failing clusters, the runbook
//! actions and a few evidence lines.

use super::text::{clip, safe, ts};
use super::{actions, applicable_categories, cause_name, evidence};
use crate::analyze::Triage;
use crate::attempts::{Cluster, Status};
use std::io::{self, Write};
use tabled::builder::Builder;
use tabled::settings::object::Columns;
use tabled::settings::{Modify, Style, Width};

const ACTION_WIDTH: usize = 44;
const EVIDENCE_PER_CLUSTER: usize = 2;
const MESSAGE_CHARS: usize = 160;

pub fn render(t: &Triage, out: &mut dyn Write) -> io::Result<()> {
    for w in super::warnings(t) {
        writeln!(out, "WARNING: {}", safe(w))?;
    }
    verdict(t, out)?;
    clusters(t, out)?;
    runbook(t, out)?;
    evidence_lines(t, out)?;
    not_understood(t, out)?;
    input(t, out)
}

fn verdict(t: &Triage, out: &mut dyn Write) -> io::Result<()> {
    let v = &t.verdict.verdict;
    writeln!(
        out,
        "POD RESTART: {} - {}",
        paint(t.color, v.name(), &v.name().to_uppercase()),
        v.headline()
    )?;
    for r in &t.verdict.reasons {
        writeln!(out, "  * {}", safe(r))?;
    }
    if !t.focus.is_empty() {
        writeln!(
            out,
            "  (the verdict weighs all {} clusters in the input; the tables show only the focus)",
            t.clusters_total
        )?;
    }
    writeln!(out)
}

fn clusters(t: &Triage, out: &mut dyn Write) -> io::Result<()> {
    let failing: Vec<&Cluster> = t
        .clusters
        .iter()
        .filter(|c| c.status != Status::Rotated)
        .collect();
    let rotated: Vec<&str> = t
        .clusters
        .iter()
        .filter(|c| c.status == Status::Rotated)
        .map(|c| c.id.as_str())
        .collect();
    if failing.is_empty() {
        writeln!(out, "No failing cluster.")?;
    } else {
        let mut b = Builder::default();
        b.push_record([
            "cluster",
            "status",
            "attempts",
            "failed",
            "root cause",
            "last seen",
            "action",
        ]);
        for c in &failing {
            b.push_record(row(t, c));
        }
        let mut table = b.build();
        table
            .with(Style::sharp())
            .with(Modify::new(Columns::new(6..7)).with(Width::wrap(ACTION_WIDTH).keep_words(true)));
        writeln!(out, "{table}")?;
    }
    writeln!(
        out,
        "Rotated: {} {}",
        rotated.len(),
        if rotated.len() == 1 {
            "cluster"
        } else {
            "clusters"
        }
    )?;
    writeln!(out)
}

fn row(t: &Triage, c: &Cluster) -> [String; 7] {
    let action = actions(t, c)
        .first()
        .map_or(String::new(), |&k| t.category(k).action.clone());
    [
        c.id.clone(),
        paint(t.color, c.status.name(), &super::status_label(c)),
        c.attempts.len().to_string(),
        c.failed_attempts().to_string(),
        c.root_cause
            .map_or("-".to_string(), |k| t.category(k).id.clone()),
        ts(c.last_seen),
        action,
    ]
}

fn runbook(t: &Triage, out: &mut dyn Write) -> io::Result<()> {
    let cats = applicable_categories(t);
    if cats.is_empty() {
        return Ok(());
    }
    writeln!(out, "Runbook actions:")?;
    for k in cats {
        let c = t.category(k);
        writeln!(out, "  {:<18} {}: {}", c.id, c.title, c.action)?;
    }
    writeln!(out)
}

fn evidence_lines(t: &Triage, out: &mut dyn Write) -> io::Result<()> {
    let mut lines = Vec::new();
    for c in t.clusters.iter().filter(|c| c.status.is_failing()) {
        for e in evidence(t, c, EVIDENCE_PER_CLUSTER) {
            lines.push((e, Some(c.id.as_str())));
        }
    }
    lines.extend(t.unattributed.iter().take(5).map(|&i| (&t.events[i], None)));
    if lines.is_empty() {
        return Ok(());
    }
    writeln!(out, "Evidence (redacted):")?;
    for (e, cluster) in lines {
        writeln!(
            out,
            "  {}  {:<20}  {:<17}  {}  ({})",
            ts(e.ts),
            cluster.unwrap_or("(no cluster)"),
            cause_name(t, e),
            clip(&safe(&e.message), MESSAGE_CHARS),
            safe(&t.source(e))
        )?;
    }
    writeln!(out)
}

fn not_understood(t: &Triage, out: &mut dyn Write) -> io::Result<()> {
    if t.not_understood.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "Not understood (rotation records that matched no event, redacted):"
    )?;
    for n in t.not_understood.iter().take(super::TEMPLATES_SHOWN) {
        writeln!(
            out,
            "  {:>5} x  {}  (e.g. {})",
            n.count,
            clip(&safe(&n.template), MESSAGE_CHARS),
            safe(&n.source)
        )?;
    }
    let more = t
        .not_understood
        .len()
        .saturating_sub(super::TEMPLATES_SHOWN);
    if more > 0 {
        writeln!(out, "  ... and {more} more shapes (see -o json)")?;
    }
    writeln!(out)
}

fn input(t: &Triage, out: &mut dyn Write) -> io::Result<()> {
    let a = &t.acct;
    writeln!(
        out,
        "Input: {} lines = {} records + {} continuation + {} unparsed + {} skipped{}; {} to {}",
        a.lines,
        a.records,
        a.continuations,
        a.unparsed,
        a.skipped,
        if a.skipped_other_apps > 0 {
            format!(" ({} of other apps)", a.skipped_other_apps)
        } else {
            String::new()
        } + &if a.merged > 0 {
            format!("; {} records read twice, counted once", a.merged)
        } else {
            String::new()
        },
        ts(a.first_ts),
        ts(a.last_ts)
    )?;
    if t.window_from.is_some() || t.window_to.is_some() {
        writeln!(
            out,
            "Window: {} to {} ({} rotation events outside it left out)",
            ts(t.window_from),
            ts(t.window_to),
            t.outside_window
        )?;
    }
    Ok(())
}

/// `text` in the colour of a verdict or status `name`, when colour is on.
fn paint(on: bool, name: &str, text: &str) -> String {
    use anstyle::{AnsiColor, Style};
    let colour = match name {
        "hold" | "exhausted" | "no_evidence" => AnsiColor::Red,
        "recommended" | "retrying" => AnsiColor::Yellow,
        "not_needed" | "rotated" => AnsiColor::Green,
        _ => AnsiColor::Cyan, // wait, unknown
    };
    let style = Style::new().fg_color(Some(colour.into())).bold();
    if on {
        format!("{style}{text}{style:#}")
    } else {
        text.to_string()
    }
}
