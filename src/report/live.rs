//! `--follow`'s output while the stream runs: the status panel redrawn on a
//! terminal, and one line per change elsewhere (text, or JSON Lines). Every
//! piece of log text (cluster ids, category ids from a user's pack) passes
//! the terminal neutraliser first.

use super::reasons::{headline, shout};
use super::table::paint;
use super::text::{clip, count, ts, wrap};
use crate::analyze::Triage;
use crate::attempts::Cluster;
use crate::engine::{Change, Snapshot};
use crate::term::safe;
use crate::time::Ts;
use crate::verdict::Decision;
use serde_json::json;
use std::io;

/// What the panel says besides the snapshot: where the lines come from,
/// how fast, and the clock.
pub struct Panel<'a> {
    pub source: &'a str,
    pub lines_per_sec: f64,
    pub now: Option<Ts>,
    pub width: usize,
    pub color: bool,
    /// Rows the panel may take (the terminal's height).
    pub rows: usize,
}

/// The time of day: the panel gives the date once, in its header.
fn clock(t: Option<Ts>) -> String {
    t.map_or_else(
        || "-".to_string(),
        |t| t.to_datetime().format("%H:%M:%S").to_string(),
    )
}

/// The panel's lines, each at most `p.width` columns, fewer than `p.rows`.
pub fn panel(s: &Snapshot, p: &Panel<'_>) -> Vec<String> {
    let w = p.width.max(40);
    let t = &s.triage;
    let mut out = header(s, p, w);
    let failing = s.failing();
    let counts = format!(
        "({} failing, {} rotated, {}{})",
        failing,
        s.rotated(),
        count(t.clusters_total, "cluster", "clusters"),
        if t.unattributed.is_empty() {
            String::new()
        } else {
            format!(
                ", {} tied to no cluster",
                count(t.unattributed.len(), "failure", "failures")
            )
        }
    );
    let d = t.verdict.verdict;
    let name = shout(d);
    let provisional = if s.provisional { " PROVISIONAL" } else { "" };
    out.push(painted(
        format!("Verdict: {name}{provisional}  {counts}"),
        w,
        (9, &name, d.name(), p.color),
    ));
    if s.provisional {
        out.push(clip_line(
            "Still reading what was already written: the verdict may change with it.",
            w,
        ));
    }
    out.extend(next(t, w));
    for down in &s.down {
        let (input, why) = (safe(&down.input), safe(&down.why));
        let said = match down.ended {
            true => format!("- {input} ended: {why}"),
            false => format!("! {input} stopped: {why} (trying again)"),
        };
        out.push(clip_line(&said, w));
    }
    clusters(s, p, w, &mut out);
    out.push(clip_line("Ctrl-C stops and prints the full report.", w));
    out
}

/// Where the lines come from, and when the latest rotation event was.
fn header(s: &Snapshot, p: &Panel<'_>, w: usize) -> Vec<String> {
    let first = format!(
        "kp-triage following {} · {} · {:.0} lines/s",
        safe(p.source),
        count(s.lines as usize, "line", "lines"),
        p.lines_per_sec
    );
    let last = s.last_event();
    let day = last
        .or(p.now)
        .map(|t| t.to_datetime().format("%Y-%m-%d").to_string());
    let second = match (last, p.now) {
        (Some(t), Some(now)) => format!(
            "last rotation event {} ({} ago)",
            clock(Some(t)),
            super::text::span(now.secs_since(t))
        ),
        (Some(t), None) => format!("last rotation event {}", clock(Some(t))),
        (None, _) => "no rotation event yet".to_string(),
    };
    let second = match day {
        Some(d) => format!("{d} · {second}"),
        None => second,
    };
    vec![clip_line(&first, w), clip_line(&second, w)]
}

/// The hold's cause, or the step to take, when there is one to take.
fn next(t: &Triage, w: usize) -> Vec<String> {
    let mut out = Vec::new();
    if matches!(t.verdict.verdict, Decision::Hold | Decision::Recommended) {
        out.extend(wrap(&safe(&headline(t)), w).into_iter().take(3));
    }
    // The pod to delete, or, when the logs name none, how to find it.
    let command = t
        .next_step
        .as_ref()
        .and_then(|n| n.command.as_deref().or(n.find_pods.as_deref()));
    if let (Decision::Recommended, Some(c)) = (t.verdict.verdict, command) {
        out.push(clip_line(&format!("Next: {}", safe(c)), w));
    }
    out
}

/// The failing clusters, as many as the terminal has room for.
fn clusters(s: &Snapshot, p: &Panel<'_>, w: usize, out: &mut Vec<String>) {
    let t = &s.triage;
    // The panel stays shorter than the terminal: a line scrolled off the
    // top could not be drawn over again.
    let room = p.rows.saturating_sub(out.len() + 4);
    let shown: Vec<&Cluster> = t
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
        let cause = c.root_cause.map(|k| t.category(k).id.to_string());
        let line = format!(
            "  {:<24} {status} {:<22} {:>6}  {}",
            clip(&safe(&c.id), 23),
            clip(&safe(cause.as_deref().unwrap_or("-")), 21),
            c.failed_attempts(),
            clock(c.last_seen)
        );
        out.push(painted(line, w, (27, &status, c.status.name(), p.color)));
    }
    let hidden = s.failing().saturating_sub(shown.len());
    if hidden > 0 {
        out.push(clip_line(&format!("  ... and {hidden} more failing"), w));
    }
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
    let mark = |p: bool| if p { " (provisional)" } else { "" };
    match c {
        Change::Cluster {
            cluster,
            from,
            to,
            cause,
            at,
            provisional,
        } => {
            let cause = cause
                .as_deref()
                .map(|k| format!(" (cause: {})", safe(k)))
                .unwrap_or_default();
            format!(
                "{} cluster {}: {} -> {}{cause}{}",
                ts(*at),
                safe(cluster),
                from.map_or("new", |s| s.name()),
                to.name(),
                mark(*provisional)
            )
        }
        Change::Verdict {
            from,
            to,
            at,
            provisional,
        } => format!(
            "{} verdict: {} -> {}{}",
            ts(*at),
            from.name(),
            to.name(),
            mark(*provisional)
        ),
        Change::Settled { verdict, at } => format!(
            "{} verdict: {} (every input has delivered what was already written)",
            ts(*at),
            verdict.name()
        ),
        Change::Source {
            input,
            down,
            why,
            ended,
        } => source_line(input, *down, why.as_deref(), *ended),
    }
}

fn source_line(input: &str, down: bool, why: Option<&str>, ended: bool) -> String {
    let input = safe(input);
    match (down, why) {
        _ if ended => format!("source {input} ended: {}", safe(why.unwrap_or("for good"))),
        (true, Some(why)) => format!("source {input} stopped: {} (trying again)", safe(why)),
        (true, None) => format!("source {input} stopped (trying again)"),
        (false, _) => format!("source {input} delivers again"),
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
