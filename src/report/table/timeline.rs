//! The failing clusters' attempts as strips under the cluster table, on one
//! time axis that fits the terminal, and failures per minute per cause when
//! many clusters fail: whether they fail together or one by one, and at
//! what cadence the retries come.

use super::Printer;
use crate::analyze::Triage;
use crate::report::strip::{self, Axis, Marks};
use crate::report::text::{more, safe, width};
use std::io;

/// Fewer cells than this draw no useful picture.
const MIN_CELLS: usize = 10;
/// Past this many failing clusters, the failures per minute are drawn.
const MANY: usize = 3;
/// Causes given a sparkline of their own; the rest share one.
const CAUSES: usize = 3;

pub(super) fn section(t: &Triage, p: &mut Printer<'_>) -> io::Result<()> {
    let tl = &t.timeline;
    if tl.clusters.is_empty() {
        return Ok(());
    }
    let marks: &Marks = if p.unicode {
        &strip::UNICODE
    } else {
        &strip::PLAIN
    };
    let causes = tl.causes();
    let rate_rows = if tl.failing() > MANY {
        causes.len().min(CAUSES + 1)
    } else {
        0
    };
    let label_w = tl
        .clusters
        .iter()
        .map(|l| width(&safe(&l.cluster_id)))
        .chain(causes.iter().take(rate_rows).map(|c| width(c) + 2))
        .max()
        .unwrap_or(0);
    let cells = p.w.saturating_sub(label_w + 2);
    let Some(axis) = Axis::of(tl, cells).filter(|_| cells >= MIN_CELLS) else {
        return Ok(());
    };
    let lanes: Vec<_> = tl
        .clusters
        .iter()
        .map(|l| (l, strip::lane(&axis, l, tl)))
        .collect();
    let used: Vec<_> = lanes.iter().flat_map(|(_, c)| c.iter().copied()).collect();
    p.para(
        &format!("Attempts over time ({}):", marks.legend(&used)),
        0,
        2,
    )?;
    let (from, to) = axis.labels();
    let gap = cells.saturating_sub(from.len() + to.len()).max(1);
    p.line(&format!("{:label_w$}  {from}{}{to}", "", " ".repeat(gap)))?;
    for (lane, cells) in lanes {
        let id = safe(&lane.cluster_id);
        let pad = " ".repeat(label_w - width(&id));
        p.line(&format!(
            "{id}{pad}  {}",
            strip::draw(&cells, marks, p.color)
        ))?;
    }
    others(t, p)?;
    if rate_rows > 0 {
        rates(t, p, &axis, marks, label_w)?;
    }
    p.line("")
}

/// The failing clusters not drawn, by root cause.
fn others(t: &Triage, p: &mut Printer<'_>) -> io::Result<()> {
    let tl = &t.timeline;
    let rest: usize = tl.others.iter().map(|o| o.clusters).sum();
    if rest == 0 {
        return Ok(());
    }
    let by: Vec<String> = tl
        .others
        .iter()
        .map(|o| format!("{} {}", o.cause.as_deref().unwrap_or("none"), o.clusters))
        .collect();
    let head = more(rest, "failing cluster", "failing clusters");
    p.para(&format!("{head}, by root cause: {}", by.join(", ")), 0, 2)
}

/// Failures per minute: one sparkline per frequent cause on the same axis.
fn rates(
    t: &Triage,
    p: &mut Printer<'_>,
    axis: &Axis,
    marks: &Marks,
    label_w: usize,
) -> io::Result<()> {
    let tl = &t.timeline;
    let causes = tl.causes();
    let all = strip::rate(axis, tl, None);
    let peak = all.iter().copied().max().unwrap_or(0);
    let minute_peak = tl.per_minute.iter().map(|m| m.total()).max().unwrap_or(0);
    p.para(
        &format!("Failed attempts per minute, by cause (peak {minute_peak} in a minute):"),
        0,
        2,
    )?;
    let shown = if causes.len() > CAUSES + 1 {
        CAUSES
    } else {
        causes.len()
    };
    let mut rows: Vec<(String, Vec<usize>)> = causes[..shown]
        .iter()
        .map(|c| (format!("  {c}"), strip::rate(axis, tl, Some(c))))
        .collect();
    if causes.len() > shown {
        let named: Vec<Vec<usize>> = rows.iter().map(|r| r.1.clone()).collect();
        let rest = all
            .iter()
            .enumerate()
            .map(|(i, n)| n - named.iter().map(|v| v[i]).sum::<usize>())
            .collect();
        rows.push(("  other".to_string(), rest));
    }
    for (name, counts) in rows {
        let line = strip::sparkline(&counts, peak, marks);
        p.line(&format!("{name:label_w$}  {line}"))?;
    }
    Ok(())
}
