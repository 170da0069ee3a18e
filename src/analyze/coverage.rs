//! What the triage could not read, said out loud: records that look like
//! rotation activity but matched no event, grouped into templates, and the
//! caveats a reader must see before trusting the verdict.

use super::{InputSummary, Template, Warning};
use crate::attempts::{Cluster, Status};
use crate::classify::id_tokens;
use crate::envelope::Note;
use crate::event::{Accounting, Event};
use crate::time::Ts;
use std::collections::HashMap;

/// How far past the clock a log's time may run (clock skew, time zones
/// misread) before it stops counting as the log's end.
const CLOCK_SKEW_SECS: i64 = 3600;

/// What `--since`/`--until` count back from: the latest record, unless it
/// lies beyond now plus the skew allowance (one mangled far-future time must
/// not move the window off the log); then the latest rotation record that
/// does not, or now.
pub(super) fn window_anchor(
    last: Option<Ts>,
    now: Option<Ts>,
    times: impl Iterator<Item = Option<Ts>>,
) -> Option<Ts> {
    match (last, now) {
        (Some(l), Some(n)) if beyond(l, n) => {
            times.flatten().filter(|&t| !beyond(t, n)).max().or(Some(n))
        }
        _ => last,
    }
}

fn beyond(t: Ts, now: Ts) -> bool {
    t.nanos() > now.nanos().saturating_add(CLOCK_SKEW_SECS * 1_000_000_000)
}

/// Above this share of lines in no known format, the input may not be what
/// the engineer thinks it is.
const UNPARSED_WARNING: f64 = 0.20;

/// Groups not-understood records by their message with numbers and ids
/// masked, most frequent first.
pub(super) fn templates(
    idx: &[usize],
    events: &[Event],
    source: &dyn Fn(&Event) -> String,
) -> Vec<Template> {
    let mut groups: HashMap<String, Template> = HashMap::new();
    let mut order: Vec<String> = Vec::new();
    for &i in idx {
        let e = &events[i];
        let key = mask(&e.message());
        groups
            .entry(key.clone())
            .or_insert_with(|| {
                order.push(key.clone());
                Template {
                    template: key,
                    count: 0,
                    example: e.message().into_owned(),
                    source: source(e),
                }
            })
            .count += 1;
    }
    let mut out: Vec<Template> = order
        .into_iter()
        .filter_map(|k| groups.remove(&k))
        .collect();
    out.sort_by_key(|t| std::cmp::Reverse(t.count));
    out
}

/// Numbers, ids and hex become placeholders; words stay.
pub(crate) fn mask(message: &str) -> String {
    let ids = id_tokens(message);
    let mut out = String::with_capacity(message.len());
    let mut token = String::new();
    let flush = |token: &mut String, out: &mut String| {
        if token.is_empty() {
            return;
        }
        if ids.iter().any(|i| **i == **token) {
            out.push_str("<id>");
        } else if token.bytes().any(|b| b.is_ascii_digit()) {
            out.push_str("<n>");
        } else {
            out.push_str(token);
        }
        token.clear();
    };
    for c in message.chars() {
        if c.is_alphanumeric() {
            token.push(c);
        } else {
            flush(&mut token, &mut out);
            out.push(c);
        }
    }
    flush(&mut token, &mut out);
    out
}

/// Everything the warnings are drawn from.
pub(super) struct Facts<'a> {
    pub inputs: &'a [InputSummary],
    pub acct: &'a Accounting,
    pub clusters: &'a [Cluster],
    pub events: &'a [Event],
    pub not_understood: &'a [Template],
    pub focus: &'a [String],
    pub outside_window: usize,
    /// Records inside the window, orphans included.
    pub in_window: usize,
    pub now: Option<Ts>,
}

pub(super) fn warnings(f: &Facts<'_>) -> Vec<Warning> {
    let mut w = Vec::new();
    let mut say = |code: &'static str, text: String| w.push(Warning { code, text });
    inputs(f, &mut say);
    let nu: usize = f.not_understood.iter().map(|t| t.count).sum();
    if nu > 0 {
        say(
            "not_understood",
            format!(
                "{nu} record(s) look like rotation activity but matched no event ({} shape(s)); read them before trusting the verdict",
                f.not_understood.len()
            ),
        );
    }
    outcomes(f, &mut say);
    several_apps(f.acct, &mut say);
    unparsed_share(f.acct, &mut say);
    if let (Some(l), Some(n)) = (f.acct.last_ts, f.now) {
        if beyond(l, n) {
            say(
                "future_timestamps",
                format!(
                    "the input holds times up to {}, after now ({}): those records are kept, but --since/--until count back from the latest time before now",
                    l.rfc3339(),
                    n.rfc3339()
                ),
            );
        }
    }
    for id in f.focus {
        if !f.clusters.iter().any(|c| *c.id == **id) {
            say(
                "focus_not_found",
                format!("cluster {id} (from --cluster/--crn) has no rotation activity in the input; the verdict weighs the clusters that do"),
            );
        }
    }
    announced(f, &mut say);
    window_missed(f, &mut say);
    w
}

/// A window with no rotation record in it, and where the log's records
/// lie, so the engineer sees which way to move it.
fn window_missed(f: &Facts<'_>, say: &mut impl FnMut(&'static str, String)) {
    if f.outside_window == 0 || f.in_window > 0 {
        return;
    }
    let span = match (f.acct.first_ts, f.acct.last_ts) {
        (Some(first), Some(last)) => format!(
            "; the log runs from {} to {}",
            first.rfc3339(),
            last.rfc3339()
        ),
        _ => String::new(),
    };
    say(
        "window_excludes_all",
        format!(
            "the time window excludes every rotation record ({} of them){span}: widen --since/--from/--to",
            f.outside_window
        ),
    );
}

/// What the inputs themselves say: read in part, the source's own notes,
/// lines cut.
fn inputs(f: &Facts<'_>, say: &mut impl FnMut(&'static str, String)) {
    for e in f.inputs.iter().filter_map(|i| i.error.as_deref()) {
        say(
            "incomplete_input",
            format!("INCOMPLETE INPUT: {e}; the triage covers only what was read"),
        );
    }
    for (input, note) in f
        .inputs
        .iter()
        .flat_map(|i| i.notes.iter().map(move |n| (i, n)))
    {
        match note {
            Note::Error(e) => say(
                "source_error",
                format!("PARTIAL RESULT: {} reports an error: {e}; the triage covers only the results before it", input.name),
            ),
            Note::Warning(w) => say("source_warning", format!("{} warns: {w}", input.name)),
        }
    }
    if f.acct.truncated_lines > 0 {
        say(
            "truncated_lines",
            format!(
                "{} line(s) longer than {} MiB were cut there and the rest of each dropped",
                f.acct.truncated_lines,
                crate::source::MAX_LINE >> 20
            ),
        );
    }
}

/// Outcomes not read from a line: unknown, or inferred.
fn outcomes(f: &Facts<'_>, say: &mut impl FnMut(&'static str, String)) {
    let unknown = f
        .clusters
        .iter()
        .filter(|c| c.status == Status::Unknown)
        .count();
    if unknown > 0 {
        say(
            "unknown_clusters",
            format!("{unknown} cluster(s) show rotation activity but no recognised outcome"),
        );
    }
    let inferred: Vec<&str> = f
        .clusters
        .iter()
        .filter(|c| c.inferred.is_some())
        .map(|c| &*c.id)
        .collect();
    if let Some(inf) = f.clusters.iter().find_map(|c| c.inferred.as_ref()) {
        say(
            "exhaustion_inferred",
            format!(
                "no line says that {} exhausted {} retries: inferred from {} failed attempts in a row against a retry budget of {} ({})",
                inferred.join(", "),
                if inferred.len() == 1 { "its" } else { "their" },
                inf.failed_in_a_row,
                inf.budget,
                budget_origin(&inf.from)
            ),
        );
    }
}

fn budget_origin(b: &crate::attempts::Budget) -> String {
    match b {
        crate::attempts::Budget::Stated { lines, .. } => {
            format!("the budget is stated on {lines} line(s)")
        }
        crate::attempts::Budget::Observed {
            clusters, count, ..
        } => {
            let more = count.saturating_sub(clusters.len());
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            format!(
                "the budget is what {}{more} exhausted after",
                clusters.join(", ")
            )
        }
    }
}

/// Records that name several applications, where no envelope said which
/// container wrote each line: some may be other applications' own.
fn several_apps(acct: &Accounting, say: &mut impl FnMut(&'static str, String)) {
    if acct.apps_named.len() < 2 {
        return;
    }
    let names: Vec<&str> = acct.apps_named.iter().map(String::as_str).collect();
    let more = if names.len() >= crate::event::MAX_APPS_NAMED {
        " and more"
    } else {
        ""
    };
    say(
        "several_apps",
        format!(
            "the records name several applications ({}{more}) and the input does not say which container wrote each line: other applications' lines may be read as armada-kp-events' own; read the service's container alone (kubectl logs -c armada-kp-events) or an export that names it",
            names.join(", ")
        ),
    );
}

fn unparsed_share(acct: &Accounting, say: &mut impl FnMut(&'static str, String)) {
    let read = acct.records + acct.unparsed;
    if read == 0 {
        return;
    }
    let share = acct.unparsed as f64 / read as f64;
    if share > UNPARSED_WARNING {
        say(
            "unparsed_lines",
            format!(
                "{:.0}% of records ({} of {read}) are in no known log format and were read as plain text: is this the armada-kp-events log?",
                share * 100.0,
                acct.unparsed
            ),
        );
    }
}

/// The new key's announced cluster count against the clusters seen after it.
fn announced(f: &Facts<'_>, say: &mut impl FnMut(&'static str, String)) {
    let Some((at, n)) = f
        .events
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, e)| e.announced().map(|n| (i, n)))
    else {
        return;
    };
    let after: std::collections::HashSet<&str> = f.events[at..]
        .iter()
        .filter_map(|e| e.who.cluster.as_deref())
        .collect();
    let found = f.clusters.iter().filter(|c| after.contains(&*c.id)).count();
    if found != n as usize {
        say(
            "announced_clusters",
            format!(
                "the new key was announced for {n} cluster(s), but {found} show rotation activity after that line"
            ),
        );
    }
}
