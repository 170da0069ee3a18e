//! The failing clusters' attempts as a Mermaid Gantt chart (GitHub and
//! GitLab draw it), with the same picture as a plain-text strip for
//! trackers that show Mermaid as code.

use crate::analyze::timeline::{Lane, Timeline};
use crate::attempts::Outcome;
use crate::report::strip::{self, Axis};
use crate::report::text::{more, width};
use crate::time::Ts;
use std::io::{self, Write};

/// The text strip's width: it fits a ticket at 760 pixels.
const TEXT_COLUMNS: usize = 72;

pub(super) fn section(tl: &Timeline, out: &mut dyn Write) -> io::Result<()> {
    if tl.clusters.is_empty() || tl.from.is_none() {
        return Ok(());
    }
    writeln!(out, "### Attempts over time\n")?;
    mermaid(tl, out)?;
    let rest: usize = tl.others.iter().map(|o| o.clusters).sum();
    if rest > 0 {
        let by: Vec<String> = tl
            .others
            .iter()
            .map(|o| format!("`{}` {}", o.cause.as_deref().unwrap_or("none"), o.clusters))
            .collect();
        let head = more(rest, "failing cluster", "failing clusters");
        let text = format!("{head} not drawn, by root cause: {}.", by.join(", "));
        writeln!(out, "{}", super::prose::wrap(&text, "", ""))?;
    }
    text_strip(tl, out)
}

fn mermaid(tl: &Timeline, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "```mermaid\ngantt")?;
    writeln!(out, "    title Rotation attempts (UTC)")?;
    // Within one day the chart's times need no date: shorter lines fit a
    // ticket when the chart shows as code.
    let day = tl
        .from
        .zip(tl.to)
        .is_some_and(|(f, t)| f.to_datetime().date_naive() == t.to_datetime().date_naive());
    let fmt = if day {
        "HH:mm:ss"
    } else {
        "YYYY-MM-DDTHH:mm:ss"
    };
    writeln!(out, "    dateFormat {fmt}")?;
    writeln!(out, "    axisFormat %H:%M:%S")?;
    for lane in &tl.clusters {
        writeln!(out, "    section {}", name(&lane.cluster_id))?;
        tasks(lane, day, out)?;
    }
    if !tl.restarts.is_empty() {
        writeln!(out, "    section new pod")?;
        for r in &tl.restarts {
            let at = time(r.at, day);
            writeln!(out, "    {} :milestone, {at}, {at}", name(&r.pod))?;
        }
    }
    writeln!(out, "```\n")
}

fn tasks(lane: &Lane, day: bool, out: &mut dyn Write) -> io::Result<()> {
    for (i, a) in lane.attempts.iter().enumerate() {
        let Some(start) = a.at() else { continue };
        // A bar of no length is not drawn: an attempt lasts a second at least.
        let end = a
            .ended
            .filter(|e| e.secs_since(start) >= 1)
            .unwrap_or_else(|| Ts::from_nanos(start.nanos() + 1_000_000_000));
        let (tag, word) = match a.outcome {
            Outcome::Failed => ("crit, ", "failed"),
            Outcome::Succeeded => ("done, ", "rotated"),
            Outcome::InProgress => ("active, ", "in progress"),
            Outcome::Superseded => ("", "superseded"),
        };
        let n = a
            .number
            .map_or_else(|| (i + 1).to_string(), |n| n.to_string());
        let cause = a
            .cause
            .as_deref()
            .map_or(String::new(), |c| format!(" {}", name(c)));
        writeln!(
            out,
            "    {n} {word}{cause} :{tag}{}, {}",
            time(start, day),
            time(end, day)
        )?;
    }
    Ok(())
}

fn time(t: Ts, day: bool) -> String {
    let fmt = if day { "%H:%M:%S" } else { "%Y-%m-%dT%H:%M:%S" };
    t.to_datetime().format(fmt).to_string()
}

/// A name Mermaid reads as text: its syntax (`:`, `#`, `;`, line ends)
/// and anything not plainly printable become `_`.
fn name(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The same attempts as text, folded away: for trackers without Mermaid.
fn text_strip(tl: &Timeline, out: &mut dyn Write) -> io::Result<()> {
    let marks = &strip::PLAIN;
    let label_w = tl
        .clusters
        .iter()
        .map(|l| width(&name(&l.cluster_id)))
        .max()
        .unwrap_or(0);
    let cells = TEXT_COLUMNS.saturating_sub(label_w + 2).max(10);
    let Some(axis) = Axis::of(tl, cells) else {
        return Ok(());
    };
    let lanes: Vec<_> = tl
        .clusters
        .iter()
        .map(|l| (name(&l.cluster_id), strip::lane(&axis, l, tl)))
        .collect();
    let used: Vec<_> = lanes.iter().flat_map(|(_, c)| c.iter().copied()).collect();
    writeln!(
        out,
        "<details><summary>The same as text ({})</summary>\n",
        marks.legend(&used)
    )?;
    writeln!(out, "```text")?;
    let (from, to) = axis.labels();
    let gap = cells.saturating_sub(from.len() + to.len()).max(1);
    writeln!(out, "{:label_w$}  {from}{}{to}", "", " ".repeat(gap))?;
    for (id, cells) in lanes {
        writeln!(out, "{id:label_w$}  {}", strip::draw(&cells, marks, false))?;
    }
    writeln!(out, "```\n\n</details>\n")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_name_cannot_break_the_chart() {
        assert_eq!(super::name("c23h5icd0sr2mu96rcig"), "c23h5icd0sr2mu96rcig");
        assert_eq!(super::name("a:b#c;\n```"), "a_b_c_____");
    }
}
