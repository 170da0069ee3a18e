//! The summary an engineer pastes into the CIE: verdict, window, clusters,
//! runbook actions, redacted evidence, input accounting and tool version.

use super::reasons::{self, shout};
use super::text::{clip, count, md, more, safe, ts};
use super::{cause_name, events};
use crate::analyze::Triage;
use crate::attempts::{Cluster, Status};
use std::io::{self, Write};

const MESSAGE_CHARS: usize = 240;
/// Clusters a reason names; the cluster table lists every failing one.
const NAMES_SHOWN: usize = 10;
/// Failing clusters whose evidence is listed.
const EVIDENCE_CLUSTERS: usize = 20;

/// A cluster id as code, or escaped when it could break out of the span.
fn code(s: &str) -> String {
    if s.contains('`') || safe(s) != s {
        md(s)
    } else {
        format!("`{s}`")
    }
}

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
    writeln!(
        out,
        "**Pod restart: {}**: {}\n",
        shout(t.verdict.verdict),
        md(&reasons::headline(t))
    )?;
    for r in &t.verdict.reasons {
        writeln!(out, "- {}", md(&reasons::text(t, r, NAMES_SHOWN)))?;
    }
    if let Some(n) = &t.next_step {
        writeln!(out, "\n**Next step:** {}", md(&n.text))?;
        if let Some(c) = n.command.as_ref().or(n.find_pods.as_ref()) {
            writeln!(out, "\n```sh\n{}\n```", safe(c))?;
        }
    }
    writeln!(
        out,
        "\n**Window analysed:** {} to {}{}{}\n",
        ts(t.window_from.or(t.acct.first_ts)),
        ts(t.window_to.or(t.acct.last_ts)),
        if t.outside_window > 0 {
            format!(
                " ({} outside it left out)",
                count(t.outside_window, "rotation event", "rotation events")
            )
        } else {
            String::new()
        },
        if t.focus.is_empty() {
            String::new()
        } else {
            format!(" (focus: {})", md(&t.focus.join(", ")))
        }
    )?;
    let last = super::table::last_activity(t);
    if let Some(f) = super::table::freshness(last, t.acct.last_ts, t.now) {
        writeln!(out, "{}\n", md(&f))?;
    }
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
    let (rotated, failing): (Vec<_>, Vec<_>) =
        t.clusters.iter().partition(|c| c.status == Status::Rotated);
    if failing.is_empty() {
        writeln!(out, "No failing cluster.\n")?;
    } else {
        writeln!(
            out,
            "| Cluster | Status | Attempts | Failed | Root cause | First seen | Last seen |"
        )?;
        writeln!(out, "|---|---|---:|---:|---|---|---|")?;
        for c in &failing {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                code(&c.id),
                super::status_label(c),
                c.attempts.len(),
                c.failed_attempts(),
                c.root_cause
                    .map_or("-".to_string(), |k| format!("`{}`", t.category(k).id)),
                ts(c.first_seen),
                ts(c.last_seen)
            )?;
        }
        writeln!(out)?;
    }
    if !rotated.is_empty() {
        writeln!(
            out,
            "<details><summary>Rotated: {}</summary>\n",
            count(rotated.len(), "cluster", "clusters")
        )?;
        for c in &rotated {
            writeln!(
                out,
                "- {} (last seen {}{})",
                code(&c.id),
                ts(c.last_seen),
                got_past(t, c)
            )?;
        }
        writeln!(out, "\n</details>\n")?;
    }
    Ok(())
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

fn actions(t: &Triage, out: &mut dyn Write) -> io::Result<()> {
    if t.applicable.is_empty() {
        return Ok(());
    }
    writeln!(out, "### Runbook actions\n")?;
    for &k in &t.applicable {
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
    let failing: Vec<_> = t
        .clusters_with_facts()
        .filter(|(c, _)| c.status.is_failing())
        .collect();
    let mut rows = Vec::new();
    for (c, f) in failing.iter().take(EVIDENCE_CLUSTERS) {
        rows.extend(
            events(t, &f.evidence)
                .into_iter()
                .map(|e| (e, Some(&*c.id))),
        );
    }
    let un = &t.unattributed;
    rows.extend(
        events(t, &un[..un.len().min(t.evidence)])
            .into_iter()
            .map(|e| (e, None)),
    );
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
            cluster.map_or("(none)".to_string(), code),
            cause_name(t, e),
            md(&clip(&e.message(), MESSAGE_CHARS)),
            md(&t.source(e))
        )?;
    }
    let mut cut = Vec::new();
    if failing.len() > EVIDENCE_CLUSTERS {
        cut.push(format!(
            "{} with evidence not listed",
            more(failing.len() - EVIDENCE_CLUSTERS, "cluster", "clusters")
        ));
    }
    if un.len() > t.evidence {
        cut.push(more(
            un.len() - t.evidence,
            "line tied to no cluster",
            "lines tied to no cluster",
        ));
    }
    if !cut.is_empty() {
        writeln!(out, "\n{} (see `-o json`).", cut.join("; "))?;
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
