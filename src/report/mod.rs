//! Report stage: the triage as a terminal table, a JSON document, or a
//! Markdown summary for the CIE. Reports write to any `Write`; only the
//! binary decides that it is stdout.

mod json;
mod markdown;
mod table;
mod text;

use crate::analyze::Triage;
use crate::attempts::Cluster;
use crate::classify::CatId;
use crate::event::Event;
use std::io::{self, Write};

pub use json::SCHEMA_VERSION;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutputFormat {
    #[default]
    Table,
    Json,
    Markdown,
}

pub fn render(t: &Triage, format: OutputFormat, out: &mut dyn Write) -> io::Result<()> {
    match format {
        OutputFormat::Table => table::render(t, out),
        OutputFormat::Json => json::render(t, out),
        OutputFormat::Markdown => markdown::render(t, out),
    }
}

/// The evidence for a cluster, from its failing streak (or, for a rotated
/// cluster, the failures it got past), at most `max` lines in time order.
/// The latest line of each cause is chosen first, so the root cause is never
/// crowded out by the "attempt failed" lines that follow it.
fn evidence<'t>(t: &'t Triage, c: &Cluster, max: usize) -> Vec<&'t Event> {
    let idx = if c.streak.is_empty() {
        &c.failure_events
    } else {
        &c.streak
    };
    let mut chosen: Vec<usize> = Vec::new();
    let mut causes_seen: Vec<CatId> = Vec::new();
    for &i in idx.iter().rev() {
        if let Some(&k) = t.events[i].categories.first() {
            if !causes_seen.contains(&k) {
                causes_seen.push(k);
                chosen.push(i);
            }
        }
    }
    chosen.sort_by_key(|&i| std::cmp::Reverse(cause_rank(t, i)));
    chosen.truncate(max);
    for &i in idx.iter().rev() {
        if chosen.len() >= max {
            break;
        }
        if !chosen.contains(&i) {
            chosen.push(i);
        }
    }
    chosen.sort_unstable();
    chosen.into_iter().map(|i| &t.events[i]).collect()
}

fn cause_rank(t: &Triage, i: usize) -> u8 {
    t.events[i]
        .categories
        .first()
        .map_or(0, |&k| t.category(k).kind.rank())
}

/// The runbook actions for the categories in a cluster's failing streak.
fn actions(t: &Triage, c: &Cluster) -> Vec<CatId> {
    if !c.status.is_failing() {
        return Vec::new();
    }
    let mut cats: Vec<CatId> = Vec::new();
    for &i in c.streak.iter().rev() {
        for &k in &t.events[i].categories {
            if !cats.contains(&k) {
                cats.push(k);
            }
        }
    }
    cats.sort_by_key(|&k| std::cmp::Reverse(t.category(k).kind.rank()));
    cats
}

/// Categories that apply anywhere in the report, most specific first.
fn applicable_categories(t: &Triage) -> Vec<CatId> {
    let mut cats: Vec<CatId> = Vec::new();
    let from_clusters = t.clusters.iter().flat_map(|c| actions(t, c));
    let from_unattributed = t
        .unattributed
        .iter()
        .flat_map(|&i| t.events[i].categories.iter().copied());
    for k in from_clusters.chain(from_unattributed) {
        if !cats.contains(&k) {
            cats.push(k);
        }
    }
    cats.sort_by_key(|&k| (std::cmp::Reverse(t.category(k).kind.rank()), k));
    cats
}

/// What the reader of a report must know before trusting it.
fn warnings(t: &Triage) -> impl Iterator<Item = &str> {
    t.warnings.iter().map(|w| w.text.as_str())
}

/// How many not-understood templates a human report lists.
const TEMPLATES_SHOWN: usize = 5;

/// A cluster's status as shown: an inferred exhaustion says so.
fn status_label(c: &Cluster) -> String {
    if c.inferred.is_some() {
        format!("{} (inferred)", c.status.name())
    } else {
        c.status.name().to_string()
    }
}

fn cause_name<'a>(t: &'a Triage, e: &Event) -> &'a str {
    e.categories
        .first()
        .map_or("", |&k| t.category(k).id.as_str())
}
