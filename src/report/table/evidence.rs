//! The evidence lines: for each failing cluster at most `--evidence` of
//! them, then as many tied to no cluster. Columns stay aligned whatever the
//! ids' lengths; a message takes at most three lines, cut at a word.

use super::Printer;
use crate::analyze::Triage;
use crate::event::Event;
use crate::report::cause_name;
use crate::report::text::{more, safe, ts, width, wrap_clipped};
use std::io;

/// Lines one message may take.
const MESSAGE_LINES: usize = 3;

pub(super) fn section(t: &Triage, p: &mut Printer<'_>, cap: usize) -> io::Result<()> {
    let failing: Vec<_> = t
        .clusters
        .iter()
        .filter(|c| c.status.is_failing())
        .collect();
    if failing.is_empty() && t.unattributed.is_empty() {
        return Ok(());
    }
    p.para(
        &format!(
            "Evidence (secrets redacted; at most {} per cluster, --evidence N):",
            t.evidence
        ),
        0,
        2,
    )?;
    let id_w = failing
        .iter()
        .take(cap)
        .map(|c| width(&safe(&c.id)))
        .max()
        .unwrap_or(0)
        .max(if t.unattributed.is_empty() { 0 } else { 12 });
    let col = Columns::new(t, id_w);
    for c in failing.iter().take(cap) {
        let f = t.facts(c);
        for &i in &f.evidence {
            col.write(t, p, &t.events[i], &safe(&c.id))?;
        }
        if f.evidence_total > f.evidence.len() {
            p.para(
                &format!(
                    "{} for {} (-o json, --evidence N)",
                    more(f.evidence_total - f.evidence.len(), "line", "lines"),
                    safe(&c.id)
                ),
                4,
                6,
            )?;
        }
    }
    if failing.len() > cap {
        p.para(
            &format!(
                "{} with evidence (see -o json)",
                more(failing.len() - cap, "cluster", "clusters")
            ),
            2,
            4,
        )?;
    }
    unattributed(t, p, &col)?;
    p.line("")
}

/// The failures tied to no cluster, at most `--evidence` of them.
fn unattributed(t: &Triage, p: &mut Printer<'_>, col: &Columns) -> io::Result<()> {
    for &i in t.unattributed.iter().take(t.evidence) {
        col.write(t, p, &t.events[i], "(no cluster)")?;
    }
    if t.unattributed.len() > t.evidence {
        p.para(
            &format!(
                "{} tied to no cluster (see -o json)",
                more(t.unattributed.len() - t.evidence, "line", "lines")
            ),
            2,
            4,
        )?;
    }
    Ok(())
}

/// Evidence lines, their columns aligned whatever the ids' lengths: one
/// line each when the terminal is wide enough, else the message and the
/// source under the time, cluster and category.
struct Columns {
    id_w: usize,
    cause_w: usize,
}

impl Columns {
    fn new(t: &Triage, id_w: usize) -> Columns {
        let cause_w = t.categories.iter().map(|c| width(&c.id)).max().unwrap_or(0);
        Columns { id_w, cause_w }
    }

    fn write(&self, t: &Triage, p: &mut Printer<'_>, e: &Event, cluster: &str) -> io::Result<()> {
        let head = format!(
            "  {}  {:<idw$}  {:<cw$}",
            ts(e.ts),
            cluster,
            cause_name(t, e),
            idw = self.id_w,
            cw = self.cause_w
        );
        let src = safe(&t.source(e)).into_owned();
        let msg = safe(&e.message()).into_owned();
        // Beside the head: the message (at least 30 columns), then the source.
        let room = p.w.saturating_sub(width(&head) + 2 + width(&src) + 4);
        if room >= 30 {
            let lines = wrap_clipped(&msg, room, MESSAGE_LINES);
            let last = lines.len() - 1;
            let pad = " ".repeat(width(&head) + 2);
            for (i, l) in lines.iter().enumerate() {
                let lead = if i == 0 {
                    format!("{head}  ")
                } else {
                    pad.clone()
                };
                let tail = if i == last {
                    format!("  ({src})")
                } else {
                    String::new()
                };
                p.line(&format!("{lead}{l}{tail}"))?;
            }
            return Ok(());
        }
        let pad = " ".repeat(6);
        let msg = if width(head.trim_end()) <= p.w {
            p.line(head.trim_end())?;
            msg
        } else {
            // Too narrow even for time, cluster and category on one line.
            p.line(&format!("  {cluster}"))?;
            p.line(&format!("{pad}{}", ts(e.ts)))?;
            format!("{}: {msg}", cause_name(t, e))
        };
        for l in wrap_clipped(&msg, p.w - 6, MESSAGE_LINES) {
            p.line(&format!("{pad}{l}"))?;
        }
        p.line(&format!("{pad}at {}", clip_left(&src, p.w - 9)))
    }
}

/// Keeps the end of a path (its file name and line), marking the cut.
pub(super) fn clip_left(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let keep: String = chars[chars.len().saturating_sub(max.saturating_sub(1))..]
        .iter()
        .collect();
    format!("…{keep}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_source_keeps_its_end() {
        assert_eq!(
            clip_left("fixtures/incident/kubectl-ts.log:34", 12),
            "…l-ts.log:34"
        );
    }
}
