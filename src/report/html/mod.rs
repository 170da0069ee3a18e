//! `-o html`: one self-contained page to attach to the CIE. The verdict,
//! the timeline of every failing cluster drawn in inline SVG, failures per
//! minute by cause, the runbook actions and the evidence. No script, no
//! external asset, and it prints. Templated with maud, which escapes every
//! value: log text cannot become markup.

mod svg;

use super::markdown::evidence::{rows, EVIDENCE_ROWS};
use super::markdown::prose::Clock;
use super::reasons::{self, shout};
use super::text::{count, more, safe};
use crate::analyze::Triage;
use crate::attempts::Status;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use std::io::{self, Write};

/// Clusters a reason names.
const NAMES_SHOWN: usize = 10;
/// Clusters not rotated listed, worst first.
const CLUSTER_ROWS: usize = 50;

const CSS: &str = include_str!("report.css");

pub fn render(t: &Triage, out: &mut dyn Write) -> io::Result<()> {
    let clock = Clock::of(t);
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { "kp-triage: " (shout(t.verdict.verdict)) }
                style { (PreEscaped(CSS)) }
            }
            body {
                h1 { "armada-kp-events service IAM API key rotation: triage" }
                (verdict(t))
                (window(t, &clock))
                (timeline(t))
                (clusters(t, &clock))
                (actions(t))
                (evidence(t, &clock))
                footer {
                    "kp-triage " (env!("CARGO_PKG_VERSION")) ", patterns: "
                    (t.pattern_origins.join(" + "))
                }
            }
        }
    };
    out.write_all(page.into_string().as_bytes())?;
    writeln!(out)
}

fn verdict(t: &Triage) -> Markup {
    let v = t.verdict.verdict;
    html! {
        @if let Some(a) = t.alert_headline() { p.alert { strong { "Alert: " } (a) } }
        @for w in super::warnings(t) { p.warning { strong { "Warning: " } (w) } }
        section class={"verdict " (v.name())} {
            p.headline { strong { "Pod restart: " (shout(v)) } ": " (reasons::headline(t)) }
            ul { @for r in &t.verdict.reasons { li { (reasons::text(t, r, NAMES_SHOWN)) } } }
            @if let Some(n) = &t.next_step {
                p { strong { "Next step: " } (code_spans(&n.text)) }
                @if let Some(c) = n.command.as_ref().or(n.find_pods.as_ref()) { pre { code { (c) } } }
            }
        }
    }
}

/// Text whose `backquoted` parts are commands: shown as code, not quotes.
fn code_spans(text: &str) -> Markup {
    html! {
        @for (i, part) in text.split('`').enumerate() {
            @if i % 2 == 1 { code { (part) } } @else { (part) }
        }
    }
}

fn window(t: &Triage, clock: &Clock) -> Markup {
    let day = clock.day.map(|d| d.format("%Y-%m-%d").to_string());
    html! {
        p.window {
            strong { "Window analysed: " }
            (clock.at(t.window_from.or(t.acct.first_ts))) " to "
            (clock.at(t.window_to.or(t.acct.last_ts)))
            @if let Some(d) = day { " UTC on " (d) }
            @if t.outside_window > 0 {
                " (" (count(t.outside_window, "rotation event", "rotation events")) " outside it left out)"
            }
        }
    }
}

fn timeline(t: &Triage) -> Markup {
    let tl = &t.timeline;
    let causes = tl.causes();
    html! {
        @if let Some(svg) = svg::timeline(tl).filter(|_| !tl.clusters.is_empty()) {
            h2 { "Attempts over time" }
            p.legend {
                span.key.failed {} "failed " span.key.rotated {} "rotated "
                span.key.in-progress {} "in progress " span.key.superseded {} "superseded "
                span.key.restart {} "new pod"
            }
            figure { (svg) }
        }
        @if !tl.others.is_empty() {
            p { (more(tl.failing() - tl.clusters.len(), "failing cluster", "failing clusters")) " not drawn, by root cause:" }
            table.others { tbody { @for o in &tl.others {
                tr { td { code { (o.cause.as_deref().unwrap_or("none")) } } td.num { (o.clusters) } }
            } } }
        }
        @if let Some(svg) = svg::per_minute(tl, &causes) {
            h2 { "Failed attempts per minute, by cause" }
            p.legend { @for (i, c) in causes.iter().enumerate() {
                span.key style={"background:" (svg::PALETTE[i.min(svg::PALETTE.len() - 1)])} {} (c) " "
            } }
            figure { (svg) }
        }
    }
}

fn clusters(t: &Triage, clock: &Clock) -> Markup {
    let failing: Vec<_> = t
        .clusters
        .iter()
        .filter(|c| c.status != Status::Rotated)
        .collect();
    let rotated = t.clusters.len() - failing.len();
    html! {
        h2 { "Clusters" }
        @if failing.is_empty() { p { "No failing cluster." } } @else {
            table.clusters {
                thead { tr { th { "Cluster" } th { "Status" } th.num { "Failed" } th { "Root cause" } th { "Last seen" } } }
                tbody { @for c in failing.iter().take(CLUSTER_ROWS) { tr {
                    td { code { (c.id) } }
                    td class=(c.status.name()) { (super::status_label(c)) }
                    td.num { (c.failed_attempts()) " of " (c.attempts.len()) }
                    td { (c.root_cause.map_or("-".to_string(), |k| t.category(k).id.to_string())) }
                    td { (clock.at(c.last_seen)) }
                } } }
            }
            @if failing.len() > CLUSTER_ROWS {
                p { (more(failing.len() - CLUSTER_ROWS, "cluster", "clusters")) " not rotated (see " code { "-o json" } ")." }
            }
        }
        p { "Rotated: " (count(rotated, "cluster", "clusters")) "." }
    }
}

fn actions(t: &Triage) -> Markup {
    html! {
        @if !t.applicable.is_empty() {
            h2 { "Runbook actions" }
            ul.actions { @for &k in &t.applicable {
                @let c = t.category(k);
                li { strong { (c.title) } " (" code { (c.id) } "): " (c.action) }
            } }
        }
    }
}

fn evidence(t: &Triage, clock: &Clock) -> Markup {
    let (rows, _) = rows(t, clock);
    html! {
        @if !rows.is_empty() {
            h2 { "Evidence (secrets redacted)" }
            table.evidence {
                colgroup { col.time; col.cluster; col.category; col.message; }
                thead { tr { th { "Time" } th { "Cluster" } th { "Category" } th { "Message" } } }
                tbody { @for r in rows.iter().take(EVIDENCE_ROWS) { tr {
                    td { (r.ts) }
                    td { code { (r.cluster.as_deref().unwrap_or("(none)")) } }
                    td { code { (r.category) } }
                    td { (safe(&r.message)) br; small.source { (safe(&r.source)) } }
                } } }
            }
            @if rows.len() > EVIDENCE_ROWS {
                p { (more(rows.len() - EVIDENCE_ROWS, "line", "lines")) " (see " code { "-o json" } ")." }
            }
        }
    }
}
