//! `--follow`'s output while the stream runs: the status panel redrawn on a
//! terminal, and one line per change elsewhere (text, or JSON Lines). Every
//! piece of log text (cluster ids, category ids from a user's pack) passes
//! the terminal neutraliser first.

use super::reasons::shout;
use super::table::paint;
use super::text::{clip, count, ts};
use crate::analyze::Triage;
use crate::follow::{Change, ClusterView, View};
use crate::term::safe;
use crate::time::Ts;
use serde_json::json;
use std::io;

/// What the panel says besides the view: where the lines come from, how
/// fast, and the clock.
pub struct Panel<'a> {
    pub source: &'a str,
    pub lines_per_sec: f64,
    pub now: Option<Ts>,
    pub width: usize,
    pub color: bool,
    /// Rows the panel may take (the terminal's height).
    pub rows: usize,
}

/// The panel's lines, each at most `p.width` columns.
pub fn panel(v: &View, p: &Panel<'_>) -> Vec<String> {
    let w = p.width.max(40);
    let mut out = Vec::new();
    let last = match (v.last_event, p.now) {
        (Some(t), Some(now)) => format!(
            "last rotation event {} ({} ago)",
            ts(Some(t)),
            super::text::span(now.secs_since(t))
        ),
        (Some(t), None) => format!("last rotation event {}", ts(Some(t))),
        (None, _) => "no rotation event yet".to_string(),
    };
    out.push(clip_line(
        &format!(
            "kp-triage following {} · {} · {:.0} lines/s · {last}",
            safe(p.source),
            count(v.lines as usize, "line", "lines"),
            p.lines_per_sec
        ),
        w,
    ));
    let counts = format!(
        "({} failing, {} rotated, {}{})",
        v.failing,
        v.rotated,
        count(v.clusters_total, "cluster", "clusters"),
        if v.unattributed > 0 {
            format!(
                ", {} tied to no cluster",
                count(v.unattributed, "failure", "failures")
            )
        } else {
            String::new()
        }
    );
    let name = shout(v.verdict);
    out.push(painted(
        format!("Verdict: {name}  {counts}"),
        w,
        (9, &name, v.verdict.name(), p.color),
    ));
    if v.newest_first {
        out.push(clip_line(
            "Time runs backwards in this input (an export?): the live view applies it out of order; trust the final report.",
            w,
        ));
    }
    // The panel stays shorter than the terminal: a line scrolled off the
    // top could not be drawn over again.
    let room = p.rows.saturating_sub(out.len() + 4);
    let shown: Vec<&ClusterView> = v
        .clusters
        .iter()
        .filter(|c| c.status.is_failing())
        .take(room)
        .collect();
    if !shown.is_empty() {
        out.push(clip_line(
            &format!(
                "  {:<24} {:<10} {:<22} {:>6}  LAST",
                "CLUSTER", "STATUS", "CAUSE", "FAILED"
            ),
            w,
        ));
    }
    for c in &shown {
        let status = format!("{:<10}", c.status.name());
        let line = format!(
            "  {:<24} {status} {:<22} {:>6}  {}",
            clip(&safe(&c.id), 23),
            clip(&safe(c.cause.as_deref().unwrap_or("-")), 21),
            c.failed_attempts,
            ts(c.last_seen)
        );
        out.push(painted(line, w, (27, &status, c.status.name(), p.color)));
    }
    let hidden = v.failing.saturating_sub(shown.len());
    if hidden > 0 {
        out.push(clip_line(&format!("  ... and {hidden} more failing"), w));
    }
    out.push(clip_line("Ctrl-C stops and prints the full report.", w));
    out
}

/// A line cut to `w` columns, with the word at byte `at` in the colour of
/// `name` when colour is on and the word survived the cut.
fn painted(line: String, w: usize, (at, word, name, color): (usize, &str, &str, bool)) -> String {
    let line = clip_line(&line, w);
    if color && line.get(at..at + word.len()) == Some(word) {
        format!(
            "{}{}{}",
            &line[..at],
            paint(true, name, word),
            &line[at + word.len()..]
        )
    } else {
        line
    }
}

/// At most `w` columns, the cut marked.
fn clip_line(s: &str, w: usize) -> String {
    if super::text::width(s) <= w {
        return s.to_string();
    }
    clip(s, w.saturating_sub(1)).into_owned()
}

/// One change as a line of text.
pub fn change_line(c: &Change) -> String {
    match c {
        Change::Cluster {
            cluster,
            from,
            to,
            cause,
            at,
        } => {
            let cause = cause
                .as_deref()
                .map(|k| format!(" (cause: {})", safe(k)))
                .unwrap_or_default();
            format!(
                "{} cluster {}: {} -> {}{cause}",
                ts(*at),
                safe(cluster),
                from.map_or("new", |s| s.name()),
                to.name()
            )
        }
        Change::Verdict { from, to, at } => {
            format!("{} verdict: {} -> {}", ts(*at), from.name(), to.name())
        }
    }
}

/// One change as a JSON Lines object.
pub fn change_json(c: &Change) -> String {
    let mut v = serde_json::to_value(c).unwrap_or_else(|_| json!({}));
    if let Some(o) = v.as_object_mut() {
        o.insert("type".into(), json!("change"));
    }
    v.to_string()
}

/// The final report as one JSON Lines object: `{"type":"report","report":
/// ...}`, the report being the document `analyze -o json` prints.
pub fn report_json(t: &Triage, out: &mut dyn io::Write) -> io::Result<()> {
    super::json::render_line(t, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attempts::Status;
    use crate::verdict::Decision;

    fn view(failing: usize) -> View {
        let clusters = (0..failing)
            .map(|i| ClusterView {
                id: format!("c{i:019}\u{202e}-and-a-very-long-tail-{i}"),
                status: Status::Exhausted,
                cause: Some("a_cause_id_longer_than_its_column".into()),
                failed_attempts: 3,
                last_seen: crate::time::parse_iso("2026-11-20T03:01:02Z"),
            })
            .collect();
        View {
            verdict: Decision::Recommended,
            clusters_total: failing + 2,
            failing,
            rotated: 2,
            clusters,
            unattributed: 1,
            lines: 123_456,
            last_event: crate::time::parse_iso("2026-11-20T03:01:05Z"),
            newest_first: true,
        }
    }

    fn visible(s: &str) -> String {
        String::from_utf8(strip_ansi_escapes::strip(s)).unwrap()
    }

    #[test]
    fn every_line_fits_the_width_and_the_panel_the_terminal() {
        for (width, rows, color) in [(40, 10, true), (80, 24, false), (100, 12, true)] {
            let p = Panel {
                source: "stdin\u{1b}[2J",
                lines_per_sec: 410.0,
                now: crate::time::parse_iso("2026-11-20T03:02:05Z"),
                width,
                color,
                rows,
            };
            let lines = panel(&view(30), &p);
            assert!(lines.len() < rows, "{rows} rows: {lines:#?}");
            for l in &lines {
                let v = visible(l);
                assert!(super::super::text::width(&v) <= width, "{width}: {v:?}");
                assert!(!v.contains('\u{202e}'), "{v:?}");
            }
            // The source's escape is shown, not obeyed.
            assert!(!lines[0].contains('\u{1b}'), "{:?}", lines[0]);
            assert!(lines.iter().any(|l| l.contains("more failing")));
            assert_eq!(color, lines[1].contains('\u{1b}'), "{:?}", lines[1]);
        }
    }
}
