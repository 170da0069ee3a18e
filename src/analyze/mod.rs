//! Runs the pipeline over every input and gathers the result for the reports.

mod alert;
mod assemble;
mod coverage;
mod facts;
mod next_step;
mod overlap;
pub mod suggest;
pub mod timeline;

pub use assemble::assemble;

pub use alert::AlertFacts;
pub use facts::{ClusterFacts, Shown};
pub use next_step::{NextStep, PodSeen};
pub use timeline::Timeline;

use crate::attempts::{self, Budget, Cluster};
use crate::classify::pack::Category;
use crate::classify::Pack;
use crate::config::Config;
use crate::envelope::Note;
use crate::error::{Error, Result};
use crate::event::{Accounting, Event};
use crate::orphans::Orphans;
use crate::scan::Scanned;
use crate::time::Ts;
use crate::verdict::{self, Verdict};
use overlap::Overlap;

/// One input as read.
#[derive(Clone, Debug)]
pub struct InputSummary {
    pub name: String,
    pub gzip: bool,
    pub acct: Accounting,
    /// Why this input could not be read, or not to its end.
    pub error: Option<String>,
    /// What the source said of its own result (Cloud Logs `warning` and
    /// `error` events), redacted. An error means the result is partial.
    pub notes: Vec<Note>,
}

/// Everything the reports show.
#[derive(Debug)]
pub struct Triage {
    pub inputs: Vec<InputSummary>,
    pub acct: Accounting,
    pub window_from: Option<Ts>,
    pub window_to: Option<Ts>,
    /// Rotation events outside the window, left out of the analysis.
    pub outside_window: usize,
    pub categories: Vec<Category>,
    pub events: Vec<Event>,
    /// Clusters reported (after `--cluster`/`--crn`).
    pub clusters: Vec<Cluster>,
    /// What decides the facts the reports show of each of `clusters`.
    pub shown: facts::Shown,
    /// The runbook categories that apply to the clusters reported and to
    /// the failures tied to no cluster, most specific first.
    pub applicable: Vec<crate::classify::CatId>,
    /// Clusters with rotation activity in the whole input.
    pub clusters_total: usize,
    pub unattributed: Vec<usize>,
    /// Records that look like rotation activity but matched no event,
    /// grouped by template.
    pub not_understood: Vec<Template>,
    /// Those records, as indices into `events`, in order.
    pub not_understood_lines: Vec<usize>,
    /// The retry budget, when the input states or shows it.
    pub budget: Option<Budget>,
    /// What the reader must know before trusting the report.
    pub warnings: Vec<Warning>,
    pub verdict: Verdict,
    pub focus: Vec<String>,
    pub evidence: usize,
    /// The clock when the triage ran, for how fresh the activity is.
    pub now: Option<Ts>,
    pub pattern_origins: Vec<String>,
    /// The pasted alert (`--alert`) and its cluster's state.
    pub alert: Option<AlertFacts>,
    /// What to run when the verdict is `recommended`.
    pub next_step: Option<NextStep>,
    /// Every repeated failure folded into a count stood for exactly what it
    /// hid; if not, the engine reads the input again without folding.
    pub(crate) exact: bool,
    /// The failing clusters' attempts over time, for the pictures.
    pub timeline: Timeline,
}

/// A group of records not understood: their shared shape, with numbers and
/// ids masked, how many there were, and one of them (redacted).
#[derive(Clone, Debug, serde::Serialize)]
pub struct Template {
    pub template: String,
    pub count: usize,
    pub example: String,
    /// `file:line` of the example.
    pub source: String,
}

/// A caveat on the triage, with a stable code for machines.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Warning {
    pub code: &'static str,
    pub text: String,
}

impl Triage {
    /// Inputs that could not be read, or not to their end.
    pub fn input_errors(&self) -> impl Iterator<Item = &str> {
        self.inputs.iter().filter_map(|i| i.error.as_deref())
    }

    /// The inputs whose source says they are partial (a Cloud Logs `error`
    /// event), with what it said.
    pub fn partial_results(&self) -> impl Iterator<Item = (&str, &str)> {
        self.inputs.iter().flat_map(|i| {
            i.notes.iter().filter_map(move |n| match n {
                Note::Error(e) => Some((i.name.as_str(), e.as_str())),
                Note::Warning(_) => None,
            })
        })
    }

    /// The clusters reported, each with its facts, worked out as the
    /// iterator reaches it.
    pub fn clusters_with_facts(&self) -> impl Iterator<Item = (&Cluster, ClusterFacts)> {
        self.clusters.iter().map(|c| (c, self.facts(c)))
    }

    /// What the reports show of cluster `c`.
    pub fn facts(&self, c: &Cluster) -> ClusterFacts {
        facts::of(c, &self.events, &self.categories, self.shown)
    }

    /// The category of an id the verdict names.
    pub fn category_by_id(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| &*c.id == id)
    }

    pub fn category(&self, id: crate::classify::CatId) -> &Category {
        &self.categories[usize::from(id)]
    }

    /// `file:line`, and `file:line#n` for the n-th line of a LogDNA page.
    pub fn source(&self, e: &Event) -> String {
        let names = self.inputs.iter().map(|i| i.name.as_str());
        source_of(&names.collect::<Vec<_>>(), e)
    }
}

pub fn load_pack(cfg: &Config) -> Result<Pack> {
    let user = cfg
        .pattern_files
        .iter()
        .map(|p| {
            let name = p.display().to_string();
            std::fs::read_to_string(p)
                .map(|t| (name.clone(), t))
                .map_err(|e| Error::read(name, e))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut pack = Pack::load(&user, cfg.replace_default_patterns)?;
    if cfg.without_outcome_words {
        pack.vocabulary.words.keep_subjects();
    }
    Ok(pack)
}

/// One input as scanned: its summary, its events and their keys, and the
/// error that ended it early, if any.
pub struct ReadInput {
    pub summary: InputSummary,
    pub events: Vec<Event>,
    pub keys: Vec<u64>,
    pub orphans: Orphans,
    pub error: Option<Error>,
    /// See `Scanned::exact`.
    pub exact: bool,
}

impl ReadInput {
    pub fn new(name: String, gzip: bool, scanned: Scanned, error: Option<Error>) -> ReadInput {
        ReadInput {
            summary: InputSummary {
                name,
                gzip,
                acct: scanned.acct,
                error: error.as_ref().map(Error::full),
                notes: scanned.notes,
            },
            events: scanned.events,
            keys: scanned.keys,
            orphans: scanned.orphans,
            error,
            exact: scanned.exact,
        }
    }
}

/// The inputs' events merged (overlaps left out), then the analysis.
/// Fails only when no input could be read at all.
pub fn conclude(cfg: &Config, pack: &Pack, read: Vec<ReadInput>) -> Result<Triage> {
    let mut inputs = Vec::with_capacity(read.len());
    let mut events = Vec::new();
    let mut orphans = Orphans::default();
    let mut acct = Accounting::default();
    let mut first_error = None;
    let mut overlap = Overlap::default();
    let single = read.len() == 1;
    let exact = read.iter().all(|r| r.exact);
    for (i, r) in read.into_iter().enumerate() {
        let mut summary = r.summary;
        if single {
            // Nothing to overlap with: no need to remember every record.
            (events, orphans) = (r.events, r.orphans);
        } else {
            summary.acct.merged = overlap.merge(i as u32, r.events, r.keys, &mut events)
                + overlap.merge_orphans(i as u32, &r.orphans, &mut orphans);
        }
        acct.add(&summary.acct);
        inputs.push(summary);
        if first_error.is_none() {
            first_error = r.error;
        }
    }
    // One unreadable input among several is reported, not fatal; with
    // nothing read at all there is nothing to report on.
    if let Some(e) = first_error {
        if inputs.iter().all(|i| i.acct.lines == 0) {
            return Err(e);
        }
    }
    let mut triage = assemble(cfg, pack, inputs, acct, events, orphans);
    triage.exact &= exact;
    Ok(triage)
}

pub fn source_of<S: AsRef<str>>(names: &[S], e: &Event) -> String {
    let name = names.get(e.pos.input as usize).map_or("?", |n| n.as_ref());
    match e.pos.item() {
        Some(n) => format!("{name}:{}#{n}", e.pos.line),
        None => format!("{name}:{}", e.pos.line),
    }
}

pub fn within(ts: Option<Ts>, from: Option<Ts>, to: Option<Ts>) -> bool {
    let Some(ts) = ts else { return true };
    from.is_none_or(|f| ts >= f) && to.is_none_or(|t| ts <= t)
}
