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
            super::text::span((now.nanos() - t.nanos()) / 1_000_000_000)
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
    let verdict = paint(p.color, v.verdict.name(), &shout(v.verdict));
    out.push(format!(
        "Verdict: {verdict}  ({} failing, {} rotated, {}{})",
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
    ));
    if v.newest_first {
        out.push(clip_line(
            "Time runs backwards in this input (an export?): the live view applies it out of order; trust the final report.",
            w,
        ));
    }
    let room = p.rows.saturating_sub(out.len() + 3).max(3);
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
            "  {:<24} {} {:<22} {:>6}  {}",
            clip(&safe(&c.id), 24),
            paint(p.color, c.status.name(), &status),
            clip(&safe(c.cause.as_deref().unwrap_or("-")), 22),
            c.failed_attempts,
            ts(c.last_seen)
        );
        out.push(line);
    }
    let hidden = v.failing.saturating_sub(shown.len());
    if hidden > 0 {
        out.push(format!("  ... and {} more failing", hidden));
    }
    out.push("Ctrl-C stops and prints the full report.".to_string());
    out
}

fn clip_line(s: &str, w: usize) -> String {
    clip(s, w).into_owned()
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
