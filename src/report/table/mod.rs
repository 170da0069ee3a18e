//! The terminal report, fitted to the terminal's width: the verdict in
//! words first, then the failing clusters, the runbook actions, a few
//! evidence lines, and what was read. Every string from the log goes through
//! the neutraliser (`safe`), and every list is cut, ending "... and N more".

mod clusters;
mod evidence;
mod timeline;

use super::reasons::{self, shout};
use super::text::{clip_words, count, more, safe, span, ts, width, wrap};
use super::{NAMES_SHOWN, TEMPLATES_SHOWN};
use crate::analyze::Triage;
use crate::time::Ts;
use std::io::{self, Write};

/// Reasons listed before "... and N more reasons".
const REASONS_SHOWN: usize = 6;
/// Clusters listed in the table and in the evidence.
const CLUSTERS_SHOWN: usize = 20;
/// The narrowest width laid out for.
const MIN_WIDTH: usize = 40;
/// When the log's end is this recent, the clock says how long ago it was.
const LIVE_SECS: i64 = 86_400;
/// The widest line of prose.
const PROSE: usize = crate::report::markdown::prose::PROSE;

pub fn render(t: &Triage, style: super::Style, out: &mut dyn Write) -> io::Result<()> {
    let w = match style.width {
        0 => super::DEFAULT_WIDTH,
        n => n.max(MIN_WIDTH),
    };
    let mut p = Printer {
        out,
        w,
        color: style.color,
        unicode: style.unicode,
    };
    if let Some(a) = t.alert_headline() {
        p.para(&format!("ALERT: {}", safe(a)), 0, 7)?;
    }
    for warning in super::warnings(t) {
        p.para(&format!("WARNING: {}", safe(warning)), 0, 9)?;
    }
    verdict(t, &mut p)?;
    clusters::table(t, &mut p, CLUSTERS_SHOWN)?;
    timeline::section(t, &mut p)?;
    runbook(t, &mut p)?;
    evidence::section(t, &mut p, CLUSTERS_SHOWN)?;
    not_understood(t, &mut p)?;
    input(t, &mut p)
}

/// Writes lines no wider than `w` (cluster ids excepted: never cut).
pub(super) struct Printer<'a> {
    out: &'a mut dyn Write,
    w: usize,
    /// Statuses and the verdict in colour.
    color: bool,
    /// Marks drawn in Unicode, not plain characters.
    unicode: bool,
}

impl Printer<'_> {
    /// Text wrapped at word boundaries: the first line indented by `first`,
    /// the others by `rest`.
    /// Prose keeps to `PROSE` columns however wide the terminal: lines
    /// longer than that are hard to follow. Tables use the whole width.
    fn para(&mut self, text: &str, first: usize, rest: usize) -> io::Result<()> {
        let w = self.w.min(PROSE);
        let mut indent = first;
        let mut line_room = w - first;
        let mut remaining = text.to_string();
        loop {
            let lines = wrap(&remaining, line_room);
            writeln!(self.out, "{}{}", " ".repeat(indent), lines[0])?;
            if lines.len() == 1 {
                return Ok(());
            }
            remaining = lines[1..].join(" ");
            indent = rest;
            line_room = w - rest;
        }
    }

    fn line(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.out, "{text}")
    }
}

fn verdict(t: &Triage, p: &mut Printer<'_>) -> io::Result<()> {
    let v = t.verdict.verdict;
    let name = shout(v);
    let head = format!("POD RESTART: {name} - {}", reasons::headline(t));
    // Colour only the verdict's name, after the text is fitted.
    let first = wrap(&head, p.w.min(PROSE)).remove(0);
    let rest = head[first.len()..].trim_start().to_string();
    let tail = &first["POD RESTART: ".len() + name.len()..];
    writeln!(
        p.out,
        "POD RESTART: {}{tail}",
        paint(p.color, v.name(), &name)
    )?;
    if !rest.is_empty() {
        p.para(&rest, 2, 2)?;
    }
    let rs = &t.verdict.reasons;
    for r in rs.iter().take(REASONS_SHOWN) {
        p.para(
            &format!("* {}", safe(&reasons::text(t, r, NAMES_SHOWN))),
            2,
            4,
        )?;
    }
    if rs.len() > REASONS_SHOWN {
        p.para(
            &format!(
                "{} (see -o json)",
                more(rs.len() - REASONS_SHOWN, "reason", "reasons")
            ),
            2,
            4,
        )?;
    }
    if let Some(n) = &t.next_step {
        p.para(&format!("NEXT STEP: {}", safe(&n.text)), 2, 4)?;
        if let Some(c) = n.command.as_ref().or(n.find_pods.as_ref()) {
            // A command is copied whole: never wrapped, never cut.
            p.line(&format!("    {}", safe(c)))?;
        }
    }
    if !t.focus.is_empty() {
        p.para(
            &format!(
                "(the verdict weighs all {} in the input; the tables show only the focus)",
                count(t.clusters_total, "cluster", "clusters")
            ),
            2,
            3,
        )?;
    }
    p.para(&window(t), 0, 2)?;
    if let Some(f) = freshness(last_activity(t), t.acct.last_ts, t.now) {
        p.para(&f, 0, 2)?;
    }
    p.line("")
}

/// Which part of the log was analysed.
fn window(t: &Triage) -> String {
    let a = &t.acct;
    if t.window_from.is_none() && t.window_to.is_none() && a.first_ts.is_none() {
        return "Window: the whole log (it has no timestamps).".to_string();
    }
    if t.window_from.is_none() && t.window_to.is_none() {
        let len = a.first_ts.zip(a.last_ts).map_or(String::new(), |(f, l)| {
            format!(" ({})", span(l.secs_since(f)))
        });
        return format!(
            "Window: the whole log, {} to {}{len}.",
            ts(a.first_ts),
            ts(a.last_ts)
        );
    }
    format!(
        "Window: {} to {}; {} outside it left out.",
        t.window_from.map_or_else(
            || format!("the start of the log ({})", ts(a.first_ts)),
            |f| ts(Some(f))
        ),
        t.window_to.map_or_else(
            || format!("the end of the log ({})", ts(a.last_ts)),
            |f| ts(Some(f))
        ),
        count(t.outside_window, "rotation event", "rotation events")
    )
}

/// The latest record about rotation: a cluster's, or a rotation failure
/// tied to no cluster (the pod's other errors are not rotation activity).
pub(super) fn last_activity(t: &Triage) -> Option<Ts> {
    let clusters = t.clusters.iter().filter_map(|c| c.last_seen);
    let unattributed = t.unattributed.iter().filter_map(|&i| t.events[i].order_ts);
    clusters.chain(unattributed).max()
}

/// How fresh the last rotation activity is: against the log's latest
/// record and, when the log is live (its end within a day), the clock.
pub(super) fn freshness(
    activity: Option<Ts>,
    last_record: Option<Ts>,
    now: Option<Ts>,
) -> Option<String> {
    let secs = |a: Ts, b: Ts| b.secs_since(a);
    let act = activity?;
    let mut s = format!("Last rotation activity: {}", ts(Some(act)));
    if let Some(end) = last_record {
        match secs(act, end) {
            d if d <= 0 => s.push_str(", at the end of the log"),
            d => s.push_str(&format!(", {} before the log's last record", span(d))),
        }
    }
    if let (Some(now), Some(end)) = (now, last_record.or(activity)) {
        let d = secs(end, now);
        if (0..LIVE_SECS).contains(&d) {
            s.push_str(&format!("; {} ago", span(secs(act, now))));
        }
    }
    s.push('.');
    Some(s)
}

fn runbook(t: &Triage, p: &mut Printer<'_>) -> io::Result<()> {
    if t.applicable.is_empty() {
        return Ok(());
    }
    p.line("Runbook actions:")?;
    for &k in &t.applicable {
        let c = t.category(k);
        p.para(&format!("{} ({}): {}", c.title, c.id, c.action), 2, 4)?;
    }
    p.line("")
}

fn not_understood(t: &Triage, p: &mut Printer<'_>) -> io::Result<()> {
    if t.not_understood.is_empty() {
        return Ok(());
    }
    p.para(
        "Not understood (rotation records that matched no event, redacted):",
        0,
        2,
    )?;
    let n_w = t
        .not_understood
        .iter()
        .take(TEMPLATES_SHOWN)
        .map(|n| n.count.to_string().len())
        .max()
        .unwrap_or(1);
    for n in t.not_understood.iter().take(TEMPLATES_SHOWN) {
        let head = format!("  {:>n_w$} x  ", n.count);
        let room = p.w - width(&head);
        p.line(&format!("{head}{}", clip_words(&safe(&n.template), room)))?;
        let pad = " ".repeat(width(&head));
        p.line(&format!(
            "{pad}e.g. {}",
            evidence::clip_left(&safe(&n.source), room - 5)
        ))?;
    }
    let left = t.not_understood.len().saturating_sub(TEMPLATES_SHOWN);
    if left > 0 {
        p.para(
            &format!("{} (see -o json)", more(left, "shape", "shapes")),
            2,
            4,
        )?;
    }
    p.line("")
}

fn input(t: &Triage, p: &mut Printer<'_>) -> io::Result<()> {
    let a = &t.acct;
    let files: Vec<String> = t
        .inputs
        .iter()
        .map(|i| safe(&i.name).into_owned())
        .collect();
    let files = if files.len() > 3 {
        format!(
            "{}, {}",
            files[..3].join(", "),
            more(files.len() - 3, "file", "files")
        )
    } else {
        files.join(", ")
    };
    p.para(
        &format!(
            "Input: {files}: {} lines = {} records + {} continuation + {} unparsed + {} skipped{}.",
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
        ),
        0,
        2,
    )
}

/// `text` in the colour of a verdict or status `name`, when colour is on.
pub(super) fn paint(on: bool, name: &str, text: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Option<Ts> {
        crate::time::parse_point(s)
    }

    #[test]
    fn freshness_against_the_log_and_the_clock() {
        let act = at("2026-11-20T03:01:05Z");
        assert_eq!(
            freshness(act, at("2026-11-20T03:01:05Z"), at("2026-11-29T00:00:00Z")).unwrap(),
            "Last rotation activity: 2026-11-20T03:01:05Z, at the end of the log."
        );
        assert_eq!(
            freshness(act, at("2026-11-20T03:11:05Z"), at("2026-11-20T03:12:05Z")).unwrap(),
            "Last rotation activity: 2026-11-20T03:01:05Z, 10m 0s before the log's last \
             record; 11m 0s ago."
        );
        assert_eq!(freshness(None, act, None), None);
    }
}
