//! The summary an engineer pastes into the CIE: verdict, window, clusters,
//! runbook actions, redacted evidence, input accounting and tool version.

pub(super) mod evidence;
pub mod prose;
mod timeline;

use super::reasons::{self, shout};
use super::text::{count, md, more, safe};
use crate::analyze::Triage;
use crate::attempts::{Cluster, Status};
use prose::{wrap, Clock};
use std::io::{self, Write};

const MESSAGE_CHARS: usize = 240;
/// Clusters a reason names.
const NAMES_SHOWN: usize = 10;
/// Clusters not rotated listed in the table, worst first; and rotated
/// ones named. Past these the summary gives counts: a GitHub comment
/// holds 65,536 characters, and 10,000 rows are read by nobody.
const CLUSTER_ROWS: usize = 50;
const ROTATED_NAMES: usize = 50;

/// A cluster id as code, or escaped when it could break out of the span.
fn code(s: &str) -> String {
    if s.contains('`') || safe(s) != s {
        md(s)
    } else {
        format!("`{s}`")
    }
}

pub fn render(t: &Triage, out: &mut dyn Write) -> io::Result<()> {
    let clock = Clock::of(t);
    writeln!(
        out,
        "## armada-kp-events service IAM API key rotation: triage\n"
    )?;
    if let Some(a) = t.alert_headline() {
        writeln!(out, "{}", wrap(&format!("**Alert:** {}", md(a)), "", ""))?;
    }
    for w in super::warnings(t) {
        writeln!(
            out,
            "{}",
            wrap(&format!("**Warning:** {}", md(w)), "> ", "> ")
        )?;
    }
    verdict(t, out)?;
    let window = window(t, &clock);
    writeln!(out, "\n{}", wrap(&window, "", ""))?;
    let last = super::table::last_activity(t);
    if let Some(f) = super::table::freshness(last, t.acct.last_ts, t.now) {
        writeln!(out, "{}", wrap(&md(&f), "", ""))?;
    }
    clusters(t, &clock, out)?;
    timeline::section(&t.timeline, out)?;
    actions(t, out)?;
    evidence::table(t, &clock, out)?;
    evidence::not_understood(t, out)?;
    input(t, &clock, out)
}

fn verdict(t: &Triage, out: &mut dyn Write) -> io::Result<()> {
    let head = format!(
        "**Pod restart: {}**: {}",
        shout(t.verdict.verdict),
        md(&reasons::headline(t))
    );
    writeln!(out, "{}", wrap(&head, "", ""))?;
    for r in &t.verdict.reasons {
        write!(
            out,
            "{}",
            wrap(&md(&reasons::text(t, r, NAMES_SHOWN)), "- ", "  ")
        )?;
    }
    if let Some(n) = &t.next_step {
        let text = format!("**Next step:** {}", md(&n.text));
        write!(out, "\n{}", wrap(&text, "", ""))?;
        if let Some(c) = n.command.as_ref().or(n.find_pods.as_ref()) {
            writeln!(out, "\n```sh\n{}\n```", safe(c))?;
        }
    }
    Ok(())
}

/// The window, with the date once when every time shown is of that day.
fn window(t: &Triage, clock: &Clock) -> String {
    let from = clock.at(t.window_from.or(t.acct.first_ts));
    let to = clock.at(t.window_to.or(t.acct.last_ts));
    let day = clock.day.map_or(String::new(), |d| {
        format!(" UTC on {}", d.format("%Y-%m-%d"))
    });
    let outside = if t.outside_window > 0 {
        format!(
            " ({} outside it left out)",
            count(t.outside_window, "rotation event", "rotation events")
        )
    } else {
        String::new()
    };
    let focus = if t.focus.is_empty() {
        String::new()
    } else {
        format!(" (focus: {})", md(&t.focus.join(", ")))
    };
    format!("**Window analysed:** {from} to {to}{day}{outside}{focus}")
}

fn clusters(t: &Triage, clock: &Clock, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "### Clusters\n")?;
    if t.clusters.is_empty() {
        return writeln!(out, "No cluster had rotation activity.\n");
    }
    let (rotated, failing): (Vec<_>, Vec<_>) =
        t.clusters.iter().partition(|c| c.status == Status::Rotated);
    if failing.is_empty() {
        writeln!(out, "No failing cluster.\n")?;
    } else {
        failing_table(t, clock, &failing, out)?;
    }
    if !rotated.is_empty() {
        writeln!(
            out,
            "<details><summary>Rotated: {}</summary>\n",
            count(rotated.len(), "cluster", "clusters")
        )?;
        for c in rotated.iter().take(ROTATED_NAMES) {
            let text = format!(
                "{} (last seen {}{})",
                code(&c.id),
                clock.at(c.last_seen),
                got_past(t, c)
            );
            write!(out, "{}", wrap(&text, "- ", "  "))?;
        }
        if rotated.len() > ROTATED_NAMES {
            let left = more(rotated.len() - ROTATED_NAMES, "cluster", "clusters");
            writeln!(out, "- {left} (see `-o json`)")?;
        }
        writeln!(out, "\n</details>\n")?;
    }
    Ok(())
}

fn failing_table(
    t: &Triage,
    clock: &Clock,
    failing: &[&Cluster],
    out: &mut dyn Write,
) -> io::Result<()> {
    // Five columns: seven do not fit a ticket's 760 pixels.
    writeln!(out, "| Cluster | Status | Failed | Root cause | Seen |")?;
    writeln!(out, "|---|---|---:|---|---|")?;
    for c in failing.iter().take(CLUSTER_ROWS) {
        writeln!(
            out,
            "| {} | {} | {} of {} | {} | {} to {} |",
            code(&c.id),
            super::status_label(c),
            c.failed_attempts(),
            c.attempts.len(),
            c.root_cause
                .map_or("-".to_string(), |k| format!("`{}`", t.category(k).id)),
            clock.at(c.first_seen),
            clock.at(c.last_seen)
        )?;
    }
    if failing.len() > CLUSTER_ROWS {
        let text = format!(
            "{} not rotated; all {} by root cause: {}. The full list is in `-o json` and \
             `-o html`.",
            more(failing.len() - CLUSTER_ROWS, "cluster", "clusters"),
            failing.len(),
            by_cause(t, failing)
        );
        write!(out, "\n{}", wrap(&text, "", ""))?;
    }
    writeln!(out)
}

/// `` `wdek_secret` 9990, `etcd` 10 ``: clusters per root cause, most first.
fn by_cause(t: &Triage, clusters: &[&Cluster]) -> String {
    let mut n: std::collections::BTreeMap<&str, usize> = Default::default();
    for c in clusters {
        let cause = c.root_cause.map_or("none", |k| &*t.category(k).id);
        *n.entry(cause).or_default() += 1;
    }
    let mut v: Vec<(&str, usize)> = n.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let parts: Vec<String> = v.iter().map(|(c, k)| format!("`{c}` {k}")).collect();
    parts.join(", ")
}

/// What a rotated cluster got past, as counts: its failed attempts and
/// their causes. The lines themselves show only with `--evidence`.
fn got_past(t: &Triage, c: &Cluster) -> String {
    let failed = c.failed_attempts();
    if failed == 0 {
        return String::new();
    }
    let causes: Vec<String> = super::causes_seen(t, c)
        .into_iter()
        .map(|id| format!("`{id}`"))
        .collect();
    let attempts = count(failed, "failed attempt", "failed attempts");
    if causes.is_empty() {
        format!("; rotated after {attempts}")
    } else {
        format!("; rotated after {attempts}: {}", causes.join(", "))
    }
}

/// Each action once, by category: never once per cluster.
fn actions(t: &Triage, out: &mut dyn Write) -> io::Result<()> {
    if t.applicable.is_empty() {
        return Ok(());
    }
    writeln!(out, "### Runbook actions\n")?;
    for &k in &t.applicable {
        let c = t.category(k);
        let text = format!("**{}** (`{}`): {}", md(&c.title), c.id, md(&c.action));
        write!(out, "{}", wrap(&text, "- ", "  "))?;
    }
    writeln!(out)
}

/// Input files named, at most; a follow of 10,000 pods reads 10,000.
const FILES_NAMED: usize = 10;

fn input(t: &Triage, clock: &Clock, out: &mut dyn Write) -> io::Result<()> {
    let a = &t.acct;
    writeln!(out, "### Input\n")?;
    let mut files: Vec<String> = t
        .inputs
        .iter()
        .take(FILES_NAMED)
        .map(|i| format!("{}{}", md(&i.name), if i.gzip { " (gzip)" } else { "" }))
        .collect();
    if t.inputs.len() > FILES_NAMED {
        files.push(more(t.inputs.len() - FILES_NAMED, "file", "files"));
    }
    write!(
        out,
        "{}",
        wrap(&format!("Files: {}", files.join(", ")), "- ", "  ")
    )?;
    writeln!(
        out,
        "- Lines: {} = {} records + {} continuation + {} unparsed + {} skipped",
        a.lines, a.records, a.continuations, a.unparsed, a.skipped
    )?;
    let span = format!(
        "Log span: {} to {}",
        clock.at(a.first_ts),
        clock.at(a.last_ts)
    );
    write!(out, "{}", wrap(&span, "- ", "  "))?;
    let tool = format!(
        "_kp-triage {}, patterns: {}_",
        env!("CARGO_PKG_VERSION"),
        md(&t.pattern_origins.join(" + "))
    );
    write!(out, "\n{}", wrap(&tool, "", ""))
}

#[cfg(test)]
mod tests {
    use super::code;

    #[test]
    fn a_cluster_id_cannot_break_out_of_its_code_span() {
        assert_eq!(code("c23h5icd0sr2mu96rcig"), "`c23h5icd0sr2mu96rcig`");
        let hostile = code("a`b\u{1b}]52;c;x\u{7}\u{202e}");
        assert!(
            !hostile.contains(['\u{1b}', '\u{7}', '\u{202e}']),
            "{hostile:?}"
        );
        assert!(hostile.contains("\\`"), "{hostile:?}");
    }
}
