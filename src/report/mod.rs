//! Report stage: the triage as a terminal table, a JSON document, or a
//! Markdown summary for the CIE. Reports write to any `Write`; only the
//! binary decides that it is stdout.

mod html;
mod json;
pub mod live;
mod markdown;
mod reasons;
mod strip;
mod table;
mod text;

use crate::analyze::Triage;
use crate::attempts::Cluster;
use crate::classify::pack::Kind;
use crate::event::Event;
use std::io::{self, Write};

pub use json::SCHEMA_VERSION;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OutputFormat {
    #[default]
    Table,
    Json,
    Markdown,
    /// One self-contained HTML page with the timeline in inline SVG.
    Html,
}

/// How a report is drawn, decided by the binary from the terminal and
/// the options; the triage knows nothing of it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Style {
    /// Colour the table (verdict, statuses).
    pub color: bool,
    /// The table's width in columns (0: `DEFAULT_WIDTH`).
    pub width: usize,
    /// Draw with Unicode marks (a UTF-8 locale and colour), else plain
    /// characters.
    pub unicode: bool,
}

pub fn render(
    t: &Triage,
    format: OutputFormat,
    style: Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Table => table::render(t, style, out),
        OutputFormat::Json => json::render(t, out),
        OutputFormat::Markdown => markdown::render(t, out),
        OutputFormat::Html => html::render(t, out),
    }
}

/// What the reader of a report must know before trusting it.
fn warnings(t: &Triage) -> impl Iterator<Item = &str> {
    t.warnings.iter().map(|w| w.text.as_str())
}

/// How many not-understood templates a human report lists.
const TEMPLATES_SHOWN: usize = 5;

/// How many cluster ids a reason names in the table and the Markdown.
const NAMES_SHOWN: usize = 5;

/// The terminal width when none is known.
pub const DEFAULT_WIDTH: usize = 100;

/// The events of `idx`.
fn events<'t>(t: &'t Triage, idx: &[usize]) -> Vec<&'t Event> {
    idx.iter().map(|&i| &t.events[i]).collect()
}

/// A cluster's status as shown: an inferred exhaustion says so.
fn status_label(c: &Cluster) -> String {
    if c.inferred.is_some() {
        format!("{} (inferred)", c.status.name())
    } else {
        c.status.name().to_string()
    }
}

/// The causes a cluster's failed attempts showed (runbook causes and
/// unclassified errors, not the bare "attempt failed"), in category order.
fn causes_seen<'a>(t: &'a Triage, c: &Cluster) -> Vec<&'a str> {
    c.failure_counts()
        .into_keys()
        .map(|k| t.category(k))
        .filter(|cat| matches!(cat.kind, Kind::Cause | Kind::Unclassified))
        .map(|cat| cat.id.as_ref())
        .collect()
}

fn cause_name<'a>(t: &'a Triage, e: &Event) -> &'a str {
    e.categories
        .first()
        .map_or("", |&k| t.category(k).id.as_ref())
}
