//! `--follow`: the analysis kept current while lines arrive.
//!
//! Each input is scanned line by line (`scan::Feed`). Every event goes two
//! ways: into the input's `Collected` list, from which the final report is
//! built exactly as the batch analysis builds it; and into a working copy
//! that an `attempts::Tracker` applies at once, so the verdict and each
//! cluster's status are current after every line. A `View` is that state as
//! the panel shows it, and `changes` what moved since the last one. Once a
//! cluster rotates, the text of the failures it got past goes from both
//! (`Follow::let_go`): the final report shows none of it unless `--evidence`
//! is asked for, and then nothing goes.

use crate::analyze::{self, ReadInput, Triage};
use crate::attempts::{Status, Tracker};
use crate::classify::Pack;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::scan::{Collected, Ending, Feed, Scanner, Sink};
use crate::time::Ts;
use crate::verdict::{self, Decision};
use std::collections::HashMap;
use std::sync::Arc;

/// Clusters shown in a view (the failing ones first); the rest are counted.
pub const VIEW_CLUSTERS: usize = 50;

pub struct Follow<'s, 'a> {
    cfg: &'s Config,
    scanner: &'s Scanner<'a>,
    pack: &'a Pack,
    inputs: Vec<Input<'s, 'a>>,
    live: Live<'a>,
    /// Each cluster's status and cause when last looked at.
    seen: HashMap<String, (Status, Option<String>)>,
    /// The verdict when last looked at; before any event, `no_evidence`.
    decision: Decision,
    /// Failure lines kept for the final report whose text goes once their
    /// cluster rotates: by cluster, each line's input and place in its
    /// `Collected`. Empty when `--evidence` is asked for.
    texts: Texts,
}

/// By cluster, failure lines whose text may go: each line's input and its
/// place in that input's `Collected`.
type Texts = HashMap<Arc<str>, Vec<(usize, usize)>>;

/// The attempts as the events arrive, and what they refer to.
struct Live<'a> {
    events: Vec<Event>,
    tracker: Tracker<'a>,
    /// The window's fixed ends (`--from`, `--to`, an alert's time): a live
    /// view has no latest record to measure `--since` from, so only the
    /// final report applies that.
    bounds: (Option<Ts>, Option<Ts>),
    /// An event arrived since the last view.
    dirty: bool,
    last_event: Option<Ts>,
    /// Clusters rotated since the texts were last let go, each with the
    /// time of its success.
    rotated: Vec<(Arc<str>, Ts)>,
    /// `Config::rotated_evidence` is off: failure texts may go.
    let_go: bool,
}

struct Input<'s, 'a> {
    name: String,
    gzip: bool,
    feed: Option<Feed<'s, 'a>>,
    collected: Collected,
    ending: Option<Ending>,
    error: Option<Error>,
}

/// What the live panel shows.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct View {
    pub verdict: Decision,
    /// Every cluster with rotation activity so far.
    pub clusters_total: usize,
    pub failing: usize,
    pub rotated: usize,
    /// Up to `VIEW_CLUSTERS`, failing first.
    pub clusters: Vec<ClusterView>,
    /// Failures tied to no cluster.
    pub unattributed: usize,
    pub lines: u64,
    /// The time of the latest rotation event.
    pub last_event: Option<Ts>,
    /// An input runs newest first (an export, not a stream): the live view
    /// applies its events out of order, and only the final report is right.
    pub newest_first: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ClusterView {
    pub id: String,
    pub status: Status,
    /// The root cause's category id.
    pub cause: Option<String>,
    pub failed_attempts: usize,
    pub last_seen: Option<Ts>,
}

/// Something that moved since the last view.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    Cluster {
        cluster: String,
        from: Option<Status>,
        to: Status,
        cause: Option<String>,
        at: Option<Ts>,
    },
    Verdict {
        from: Decision,
        to: Decision,
        /// The latest rotation event's time.
        at: Option<Ts>,
    },
}

impl<'s, 'a> Follow<'s, 'a> {
    /// Follows `inputs`, each a name and whether it was gzipped, in that
    /// order (their index is the one `line` takes).
    pub fn new(
        cfg: &'s Config,
        scanner: &'s Scanner<'a>,
        inputs: Vec<(String, bool)>,
    ) -> Follow<'s, 'a> {
        let pack = &scanner.classifier.pack;
        let mut follow = Follow {
            cfg,
            scanner,
            pack,
            inputs: Vec::new(),
            live: Live {
                events: Vec::new(),
                tracker: Tracker::new(pack),
                bounds: cfg.window.fixed(),
                dirty: true,
                last_event: None,
                rotated: Vec::new(),
                let_go: !cfg.rotated_evidence,
            },
            seen: HashMap::new(),
            decision: Decision::NoEvidence,
            texts: HashMap::new(),
        };
        for (name, gzip) in inputs {
            let i = follow.add(name);
            follow.gzipped(i, gzip);
        }
        follow
    }

    /// Another input, found while following (a pod that started, a
    /// container that restarted); returns its index.
    pub fn add(&mut self, name: String) -> usize {
        let i = self.inputs.len();
        self.inputs.push(Input {
            name,
            gzip: false,
            feed: Some(self.scanner.feed(i as u32)),
            collected: Collected::default(),
            ending: None,
            error: None,
        });
        i
    }

    /// One line of input `input`. Lines after the input's end are ignored.
    pub fn line(&mut self, input: usize, line: &[u8], truncated: bool) {
        let Some(inp) = self.inputs.get_mut(input) else {
            return;
        };
        let Some(feed) = inp.feed.as_mut() else {
            return;
        };
        let mut sink = LiveSink::new(input, &mut inp.collected, &mut self.live, &mut self.texts);
        feed.line(line, truncated, &mut sink);
        self.let_go();
    }

    /// Over a day, a rotated cluster is kept as counts: the text of the
    /// failures it got past goes, from the live copy and from the lines
    /// kept for the final report. Only failures strictly before the success
    /// go, which the final report's time order also puts before it: they
    /// are never in a failing streak there, and a rotated cluster shows no
    /// evidence unless `--evidence` is asked for.
    fn let_go(&mut self) {
        let rotated = std::mem::take(&mut self.live.rotated);
        if rotated.is_empty() {
            return;
        }
        for (id, at) in rotated {
            let Some(mut kept) = self.texts.remove(&id) else {
                continue;
            };
            kept.retain(|&(input, i)| {
                let e = &mut self.inputs[input].collected.events[i];
                let before = e.order_ts.is_some_and(|t| t < at);
                if before {
                    e.message = crate::event::blank();
                }
                !before
            });
            if !kept.is_empty() {
                self.texts.insert(id, kept);
            }
        }
        for inp in &mut self.inputs {
            inp.collected.purge_texts();
        }
    }

    /// Nothing arrived for a while: close the records still open.
    pub fn idle(&mut self) {
        for (i, inp) in self.inputs.iter_mut().enumerate() {
            if let Some(feed) = inp.feed.as_mut() {
                let mut sink =
                    LiveSink::new(i, &mut inp.collected, &mut self.live, &mut self.texts);
                feed.idle(&mut sink);
            }
        }
        self.let_go();
    }

    /// Input `input` turned out to be gzipped (its first bytes say).
    pub fn gzipped(&mut self, input: usize, gzip: bool) {
        if let Some(i) = self.inputs.get_mut(input) {
            i.gzip = gzip;
        }
    }

    /// Input `input` ended, with the error that ended it, if any.
    pub fn end(&mut self, input: usize, error: Option<Error>) {
        let Some(inp) = self.inputs.get_mut(input) else {
            return;
        };
        let Some(feed) = inp.feed.take() else {
            return;
        };
        let mut sink = LiveSink::new(input, &mut inp.collected, &mut self.live, &mut self.texts);
        inp.ending = Some(feed.finish(&mut sink));
        inp.error = error;
        self.let_go();
    }

    /// Every input has ended.
    pub fn ended(&self) -> bool {
        self.inputs.iter().all(|i| i.feed.is_none())
    }

    /// Lines read so far, over every input.
    pub fn lines(&self) -> u64 {
        self.inputs
            .iter()
            .map(|i| match (&i.feed, &i.ending) {
                (Some(f), _) => f.lines(),
                (None, Some(e)) => e.acct.lines,
                (None, None) => 0,
            })
            .sum()
    }

    /// The state now, and what changed since the last call. None when no
    /// event arrived since then.
    pub fn update(&mut self) -> Option<(View, Vec<Change>)> {
        if !std::mem::take(&mut self.live.dirty) {
            return None;
        }
        let rebuilt = self.live.tracker.snapshot(&self.live.events);
        let view = self.view_of(&rebuilt);
        let mut changes = Vec::new();
        for c in &rebuilt.clusters {
            let cause = c.root_cause.map(|k| self.pack.category(k).id.to_string());
            let now = (c.status, cause.clone());
            let before = self.seen.insert(c.id.to_string(), now.clone());
            if before.as_ref() != Some(&now) {
                changes.push(Change::Cluster {
                    cluster: c.id.to_string(),
                    from: before.map(|b| b.0),
                    to: c.status,
                    cause,
                    at: c.last_seen,
                });
            }
        }
        if self.decision != view.verdict {
            changes.push(Change::Verdict {
                from: self.decision,
                to: view.verdict,
                at: view.last_event,
            });
            self.decision = view.verdict;
        }
        Some((view, changes))
    }

    /// The state now.
    pub fn view(&self) -> View {
        self.view_of(&self.live.tracker.snapshot(&self.live.events))
    }

    fn view_of(&self, rebuilt: &crate::attempts::Rebuilt) -> View {
        let names: Vec<&str> = self.inputs.iter().map(|i| i.name.as_str()).collect();
        let source = |e: &Event| analyze::source_of(&names, e);
        let cx = verdict::Context {
            events: &self.live.events,
            pack: self.pack,
            app: self
                .cfg
                .app
                .as_deref()
                .unwrap_or(crate::config::DEFAULT_APP),
            source: &source,
            evidence: self.cfg.evidence,
        };
        let verdict = verdict::decide(&rebuilt.clusters, &rebuilt.unattributed, &cx).verdict;
        let failing = rebuilt
            .clusters
            .iter()
            .filter(|c| c.status.is_failing())
            .count();
        let rotated = rebuilt
            .clusters
            .iter()
            .filter(|c| c.status == Status::Rotated)
            .count();
        // `rebuilt` sorts by status, failing first.
        let clusters = rebuilt
            .clusters
            .iter()
            .take(VIEW_CLUSTERS)
            .map(|c| ClusterView {
                id: c.id.to_string(),
                status: c.status,
                cause: c.root_cause.map(|k| self.pack.category(k).id.to_string()),
                failed_attempts: c.failed_attempts(),
                last_seen: c.last_seen,
            })
            .collect();
        View {
            verdict,
            clusters_total: rebuilt.clusters.len(),
            failing,
            rotated,
            clusters,
            unattributed: rebuilt.unattributed.len(),
            lines: self.lines(),
            last_event: self.live.last_event,
            newest_first: self.inputs.iter().any(|i| {
                i.feed.as_ref().is_some_and(|f| f.newest_first())
                    || i.ending.as_ref().is_some_and(|e| e.acct.newest_first)
            }),
        }
    }

    /// The full report, built from every line exactly as the batch analysis
    /// builds it. Inputs still open are ended first (Ctrl-C).
    pub fn finish(mut self) -> Result<Triage> {
        for i in 0..self.inputs.len() {
            self.end(i, None);
        }
        let read = self
            .inputs
            .into_iter()
            .map(|i| {
                let ending = i.ending.expect("every input has ended");
                ReadInput::new(i.name, i.gzip, ending.settle(i.collected), i.error)
            })
            .collect();
        analyze::conclude(self.cfg, self.pack, read)
    }
}

/// Where a followed input's events go: kept for the final report, and
/// applied to the live attempts when inside the window.
struct LiveSink<'x, 'p> {
    input: usize,
    collected: &'x mut Collected,
    live: &'x mut Live<'p>,
    texts: &'x mut Texts,
}

impl<'x, 'p> LiveSink<'x, 'p> {
    fn new(
        input: usize,
        collected: &'x mut Collected,
        live: &'x mut Live<'p>,
        texts: &'x mut Texts,
    ) -> LiveSink<'x, 'p> {
        LiveSink {
            input,
            collected,
            live,
            texts,
        }
    }
}

impl Sink for LiveSink<'_, '_> {
    fn event(&mut self, event: Event, key: u64) {
        self.live.apply(&event);
        let cluster = event.who.cluster.as_ref();
        if let Some(id) = cluster.filter(|_| self.live.let_go && keeps_text(&event)) {
            let at = (self.input, self.collected.events.len());
            self.texts.entry(id.clone()).or_default().push(at);
        }
        self.collected.event(event, key);
    }

    fn orphan(&mut self, event: Event, key: u64) {
        self.live.apply(&event);
        self.collected.orphan(event, key);
    }
}

/// A failure line whose text may go once its cluster rotates: it names the
/// cluster itself, so the final report gives it to the same cluster.
fn keeps_text(e: &Event) -> bool {
    e.is_failure() && e.order_ts.is_some() && !e.message.is_empty()
}

impl Live<'_> {
    /// Applies an event to the live attempts when it is inside the window.
    fn apply(&mut self, event: &Event) {
        if !analyze::within(event.order_ts, self.bounds.0, self.bounds.1) {
            return;
        }
        self.events.push(event.clone());
        let i = self.events.len() - 1;
        if !self.tracker.push(i, &mut self.events) {
            // Nothing refers to it: a start, a success, noise. Over a day,
            // the live copy holds only what the attempts use.
            self.events.pop();
        }
        if let (Some((id, failures)), Some(at)) = (self.tracker.take_rotated(), event.order_ts) {
            if self.let_go {
                for &f in failures {
                    let e = &mut self.events[f];
                    if e.order_ts.is_some_and(|t| t < at) {
                        e.message = crate::event::blank();
                    }
                }
                self.rotated.push((id, at));
            }
        }
        self.dirty = true;
        if event.ts > self.last_event {
            self.last_event = event.ts;
        }
    }
}
