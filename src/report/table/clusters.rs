//! The clusters that are not rotated, in columns that fit the terminal.
//! The layout degrades as the terminal narrows: first the action moves under
//! its row, then the last-seen time shortens to the time of day, then it
//! goes, and an inferred exhaustion becomes `exhausted*` with a footnote.
//! A cluster id is never cut.

use super::{paint, Printer};
use crate::analyze::{ClusterFacts, Triage};
use crate::attempts::{Cluster, Status};
use crate::report::text::{count, more, safe, ts, width, wrap};
use std::io;

/// The narrowest action column worth keeping beside the row.
const ACTION_MIN: usize = 30;
const GAP: usize = 2;

#[derive(Clone, Copy, PartialEq)]
enum Seen {
    Full,
    Clock,
    Hidden,
}

#[derive(Clone, Copy)]
struct Layout {
    seen: Seen,
    short_status: bool,
    /// The action column's width, or 0 for the action under the row.
    action: usize,
    /// No columns: each cluster's id on a line of its own, the rest under it.
    stacked: bool,
}

struct Row {
    id: String,
    status: String,
    status_name: &'static str,
    failed: String,
    cause: String,
    seen_full: String,
    seen_clock: String,
    action: String,
}

pub(super) fn table(t: &Triage, p: &mut Printer<'_>, cap: usize) -> io::Result<()> {
    // The clusters, not their facts: only the first `cap` are written.
    let shown: Vec<&Cluster> = t
        .clusters
        .iter()
        .filter(|c| c.status != Status::Rotated)
        .collect();
    let rotated = t.clusters.len() - shown.len();
    if shown.is_empty() {
        p.line("No failing cluster.")?;
    } else {
        let mut rows: Vec<Row> = shown
            .iter()
            .take(cap)
            .map(|c| row(t, c, &t.facts(c)))
            .collect();
        once_per_category(&mut rows);
        let layout = choose(&rows, p.w);
        print(p, &rows, layout)?;
        if shown.len() > cap {
            p.para(
                &format!(
                    "{} not rotated (see -o markdown or -o json)",
                    more(shown.len() - cap, "cluster", "clusters")
                ),
                0,
                2,
            )?;
        }
    }
    p.para(&rotated_line(t, rotated), 0, 2)?;
    p.line("")
}

/// How many clusters rotated, and how many of them only after failed
/// attempts, with the causes those showed: transient trouble the engineer
/// may want to know of, kept as counts.
fn rotated_line(t: &Triage, rotated: usize) -> String {
    if rotated == 0 {
        return "No cluster rotated.".to_string();
    }
    let mut after = 0;
    let mut causes: Vec<&str> = Vec::new();
    for c in t.clusters.iter().filter(|c| c.status == Status::Rotated) {
        if c.failed_attempts() > 0 {
            after += 1;
            causes.extend(super::super::causes_seen(t, c));
        }
    }
    causes.sort_unstable();
    causes.dedup();
    let all = count(rotated, "cluster", "clusters");
    match (after, causes.is_empty()) {
        (0, _) => format!("Rotated: {all}."),
        (n, true) => format!("Rotated: {all}, {n} of them after failed attempts."),
        (n, false) => format!(
            "Rotated: {all}, {n} of them after failed attempts ({}).",
            causes.join(", ")
        ),
    }
}

/// An action the rows repeat is said once, in the runbook actions under
/// the table: at incident scale every row would carry the same sentence.
fn once_per_category(rows: &mut [Row]) {
    let mut seen = std::collections::HashSet::new();
    let repeats = rows
        .iter()
        .any(|r| !r.action.is_empty() && !seen.insert(r.action.as_str()));
    if repeats {
        for r in rows {
            r.action.clear();
        }
    }
}

fn row(t: &Triage, c: &Cluster, f: &ClusterFacts) -> Row {
    let inferred = if c.inferred.is_some() {
        " (inferred)"
    } else {
        ""
    };
    Row {
        id: safe(&c.id).into_owned(),
        status: format!("{}{inferred}", c.status.name()),
        status_name: c.status.name(),
        failed: format!("{} of {}", c.failed_attempts(), c.attempts.len()),
        cause: c
            .root_cause
            .map_or("-".to_string(), |k| t.category(k).id.to_string()),
        seen_full: ts(c.last_seen),
        seen_clock: c.last_seen.map_or("-".to_string(), |s| {
            s.to_datetime().format("%H:%M:%SZ").to_string()
        }),
        action: f
            .actions
            .first()
            .map_or(String::new(), |&k| t.category(k).action.clone()),
    }
}

const HEADERS: [&str; 6] = [
    "CLUSTER",
    "STATUS",
    "FAILED",
    "ROOT CAUSE",
    "LAST SEEN",
    "ACTION",
];

impl Row {
    fn status(&self, l: Layout) -> String {
        if l.short_status {
            self.status.replace(" (inferred)", "*")
        } else {
            self.status.clone()
        }
    }

    fn seen(&self, l: Layout) -> &str {
        match l.seen {
            Seen::Full => &self.seen_full,
            Seen::Clock => &self.seen_clock,
            Seen::Hidden => "",
        }
    }
}

/// Column widths of a layout, without the action.
fn widths(rows: &[Row], l: Layout) -> Vec<usize> {
    let col =
        |h: &str, f: &dyn Fn(&Row) -> usize| rows.iter().map(f).max().unwrap_or(0).max(width(h));
    let mut w = vec![
        col(HEADERS[0], &|r| width(&r.id)),
        col(HEADERS[1], &|r| width(&r.status(l))),
        col(HEADERS[2], &|r| width(&r.failed)),
        col(HEADERS[3], &|r| width(&r.cause)),
    ];
    if l.seen != Seen::Hidden {
        w.push(col(HEADERS[4], &|r| width(r.seen(l))));
    }
    w
}

fn total(w: &[usize]) -> usize {
    w.iter().sum::<usize>() + GAP * (w.len() - 1)
}

/// The first layout, from the widest, whose lines fit `max` columns.
fn choose(rows: &[Row], max: usize) -> Layout {
    let action_w = rows.iter().map(|r| width(&r.action)).max().unwrap_or(0);
    let mut candidates = Vec::new();
    let full = Layout {
        seen: Seen::Full,
        short_status: false,
        action: 0,
        stacked: false,
    };
    let room = max.saturating_sub(total(&widths(rows, full)) + GAP);
    if action_w > 0 && room >= ACTION_MIN.min(action_w) {
        candidates.push(Layout {
            action: room.min(action_w),
            ..full
        });
    }
    for seen in [Seen::Full, Seen::Clock, Seen::Hidden] {
        for short_status in [false, true] {
            candidates.push(Layout {
                seen,
                short_status,
                ..full
            });
        }
    }
    let fits = |l: &Layout| {
        total(&widths(rows, *l)) + if l.action > 0 { GAP + l.action } else { 0 } <= max
    };
    candidates.into_iter().find(fits).unwrap_or(Layout {
        seen: Seen::Clock,
        stacked: true,
        ..full
    })
}

fn print(p: &mut Printer<'_>, rows: &[Row], l: Layout) -> io::Result<()> {
    if l.stacked {
        return stacked(p, rows, l);
    }
    let w = widths(rows, l);
    let mut head: Vec<String> = HEADERS[..w.len()]
        .iter()
        .zip(&w)
        .map(|(h, n)| format!("{h:<n$}"))
        .collect();
    if l.action > 0 {
        head.push(HEADERS[5].to_string());
    }
    p.line(head.join("  ").trim_end())?;
    for r in rows {
        let status = r.status(l);
        let painted = paint(p.color, r.status_name, &status);
        let pad = " ".repeat(w[1] - width(&status));
        let mut cells = vec![
            format!("{:<n$}", r.id, n = w[0]),
            format!("{painted}{pad}"),
            format!("{:<n$}", r.failed, n = w[2]),
            format!("{:<n$}", r.cause, n = w[3]),
        ];
        if l.seen != Seen::Hidden {
            cells.push(format!("{:<n$}", r.seen(l), n = w[4]));
        }
        let lead = cells.join("  ");
        if l.action > 0 {
            let lines = wrap(&r.action, l.action);
            let indent = " ".repeat(total(&w) + GAP);
            p.line(format!("{lead}  {}", lines[0]).trim_end())?;
            for more in &lines[1..] {
                p.line(&format!("{indent}{more}"))?;
            }
        } else {
            p.line(lead.trim_end())?;
            if !r.action.is_empty() {
                p.para(&format!("-> {}", r.action), 4, 7)?;
            }
        }
    }
    if l.short_status && rows.iter().any(|r| r.status.contains("(inferred)")) {
        p.para(
            "* inferred: no line says so, but the failed attempts in a row reached the retry budget.",
            0,
            2,
        )?;
    }
    Ok(())
}

/// For a terminal too narrow for columns: the id alone, then its facts.
fn stacked(p: &mut Printer<'_>, rows: &[Row], l: Layout) -> io::Result<()> {
    for r in rows {
        p.line(&r.id)?;
        let status = paint(p.color, r.status_name, &r.status);
        p.line(&format!("    {status}, {} failed", r.failed))?;
        p.para(
            &format!("root cause {}, last seen {}", r.cause, r.seen(l)),
            4,
            6,
        )?;
        if !r.action.is_empty() {
            p.para(&format!("-> {}", r.action), 4, 7)?;
        }
    }
    Ok(())
}
