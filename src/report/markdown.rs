//! The summary an engineer pastes into the CIE: verdict, window, clusters,
//! runbook actions, redacted evidence, input accounting and tool version.

use super::text::{clip, md, safe, ts};
use super::{applicable_categories, cause_name, evidence};
use crate::analyze::Triage;
use std::io::{self, Write};

const MESSAGE_CHARS: usize = 240;

pub fn render(t: &Triage, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "## armada-kp-events service IAM API key rotation: triage\n"
    )?;
    if let Some(a) = t.alert_headline() {
        writeln!(out, "**Alert:** {}\n", md(a))?;
    }
    for w in super::warnings(t) {
        writeln!(out, "> **Warning:** {}\n", md(w))?;
    }
    let v = &t.verdict.verdict;
    writeln!(
        out,
        "**Pod restart: {}**: {}\n",
        v.name().to_uppercase(),
        v.headline()
    )?;
    for r in &t.verdict.reasons {
        writeln!(out, "- {}", md(r))?;
    }
    if let Some(n) = &t.next_step {
        writeln!(out, "\n**Next step:** {}", md(&n.text))?;
        if let Some(c) = n.command.as_ref().or(n.find_pods.as_ref()) {
            writeln!(out, "\n```sh\n{}\n```", safe(c))?;
        }
    }
    writeln!(
        out,
        "\n**Window analysed:** {} to {}{}\n",
        ts(t.window_from.or(t.acct.first_ts)),
        ts(t.window_to.or(t.acct.last_ts)),
        if t.focus.is_empty() {
            String::new()
        } else {
            format!(" (focus: {})", md(&t.focus.join(", ")))
        }
    )?;
    clusters(t, out)?;
    actions(t, out)?;
    evidence_table(t, out)?;
    not_understood(t, out)?;
    input(t, out)
}

fn not_understood(t: &Triage, out: &mut dyn Write) -> io::Result<()> {
    if t.not_understood.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "### Not understood
"
    )?;
    writeln!(
        out,
        "Records that look like rotation activity but matched no event (numbers and ids masked):
"
    )?;
    writeln!(out, "| Count | Shape | Example | Source |")?;
    writeln!(out, "|---:|---|---|---|")?;
    for n in t.not_understood.iter().take(super::TEMPLATES_SHOWN) {
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            n.count,
            md(&clip(&n.template, MESSAGE_CHARS)),
            md(&clip(&n.example, MESSAGE_CHARS)),
            md(&n.source)
        )?;
    }
    let more = t
        .not_understood
        .len()
        .saturating_sub(super::TEMPLATES_SHOWN);
    if more > 0 {
        writeln!(
            out,
            "
... and {more} more shapes."
        )?;
    }
    writeln!(out)
}

fn clusters(t: &Triage, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "### Clusters\n")?;
    if t.clusters.is_empty() {
        return writeln!(out, "No cluster had rotation activity.\n");
    }
    writeln!(
        out,
        "| Cluster | Status | Attempts | Failed | Root cause | First seen | Last seen |"
    )?;
    writeln!(out, "|---|---|---:|---:|---|---|---|")?;
    for c in &t.clusters {
        writeln!(
            out,
            "| `{}` | {} | {} | {} | {} | {} | {} |",
            c.id,
            super::status_label(c),
            c.attempts.len(),
            c.failed_attempts(),
            c.root_cause
                .map_or("-".to_string(), |k| format!("`{}`", t.category(k).id)),
            ts(c.first_seen),
            ts(c.last_seen)
        )?;
    }
    writeln!(out)
}

fn actions(t: &Triage, out: &mut dyn Write) -> io::Result<()> {
    let cats = applicable_categories(t);
    if cats.is_empty() {
        return Ok(());
    }
    writeln!(out, "### Runbook actions\n")?;
    for k in cats {
        let c = t.category(k);
        writeln!(
            out,
            "- **{}** (`{}`): {}",
            md(&c.title),
            c.id,
            md(&c.action)
        )?;
    }
    writeln!(out)
}

fn evidence_table(t: &Triage, out: &mut dyn Write) -> io::Result<()> {
    let mut rows = Vec::new();
    for c in t.clusters.iter().filter(|c| c.status.is_failing()) {
        rows.extend(
            evidence(t, c, t.evidence)
                .into_iter()
                .map(|e| (e, Some(c.id.as_str()))),
        );
    }
    rows.extend(t.unattributed.iter().map(|&i| (&t.events[i], None)));
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(out, "### Evidence (secrets redacted)\n")?;
    writeln!(out, "| Time | Cluster | Category | Message | Source |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for (e, cluster) in rows {
        writeln!(
            out,
            "| {} | {} | `{}` | {} | {} |",
            ts(e.ts),
            cluster.map_or("(none)".to_string(), |c| format!("`{c}`")),
            cause_name(t, e),
            md(&clip(&e.message, MESSAGE_CHARS)),
            md(&t.source(e))
        )?;
    }
    writeln!(out)
}

fn input(t: &Triage, out: &mut dyn Write) -> io::Result<()> {
    let a = &t.acct;
    writeln!(out, "### Input\n")?;
    let files: Vec<String> = t
        .inputs
        .iter()
        .map(|i| format!("{}{}", md(&i.name), if i.gzip { " (gzip)" } else { "" }))
        .collect();
    writeln!(out, "- Files: {}", files.join(", "))?;
    writeln!(
        out,
        "- Lines: {} = {} records + {} continuation + {} unparsed + {} skipped",
        a.lines, a.records, a.continuations, a.unparsed, a.skipped
    )?;
    writeln!(out, "- Log span: {} to {}", ts(a.first_ts), ts(a.last_ts))?;
    writeln!(
        out,
        "\n_kp-triage {}, patterns: {}_",
        env!("CARGO_PKG_VERSION"),
        md(&t.pattern_origins.join(" + "))
    )
}
