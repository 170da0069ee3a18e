//! The one triage engine, push-style. Lines are fed as they arrive, input
//! by input, in any order across inputs; `snapshot` is the batch triage of
//! exactly the lines fed so far, and `finish` the report of all of them.
//!
//! A batch analysis feeds everything and finishes; `--follow` feeds lines
//! as they come and takes a snapshot on each tick. There is no second,
//! incremental analysis to drift from the batch one: a snapshot clones what
//! each input has built, closes the records still open in the clone, and
//! runs the batch stages on it. A `--previous` log that answers late is
//! merged into its place by time, like any other input, and the clusters
//! and verdict are recomputed from it.
//!
//! Until every input has delivered its backlog (what was there when it
//! was opened), the snapshot is provisional, and says so.

mod follow;
mod keep;
mod readers;
pub mod view;

use crate::analyze::{self, ReadInput, Triage};
use crate::classify::Classifier;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::redact::Redactor;
use crate::scan::{Collected, Ending, Feed, Scanner};
use crate::source::{self, InputSpec};
use keep::Kept;

pub use follow::Follow;
pub use view::{Change, Changes, Down, Snapshot};

pub struct Engine<'s, 'a> {
    cfg: &'s Config,
    scanner: &'s Scanner<'a>,
    inputs: Vec<Input<'s, 'a>>,
    kept: Kept,
    /// Inputs fold repeated failures, each run keeping this many of its
    /// last occurrences (see `scan::Collected::folding`).
    fold: Option<usize>,
}

struct Input<'s, 'a> {
    name: String,
    gzip: bool,
    /// None once the input has ended.
    feed: Option<Feed<'s, 'a>>,
    collected: Collected,
    ending: Option<Ending>,
    error: Option<Error>,
    /// The input has delivered what was there when it was opened.
    caught_up: bool,
    /// A line not yet ended when last seen: a stream stopped mid-line
    /// still gives it, as the batch reading of the same bytes does.
    pending: Vec<u8>,
    /// Why the source stopped delivering, while it is down.
    down: Option<String>,
    /// It stopped for good (its pod is gone).
    ended: bool,
}

/// The batch triage of every input of `cfg`, read whole.
pub fn analyze(cfg: &Config, redactor: &Redactor) -> Result<Triage> {
    let pack = analyze::load_pack(cfg)?;
    let classifier = Classifier::new(pack);
    let scanner = Scanner {
        classifier: &classifier,
        redactor,
        app: cfg.app.as_deref(),
        threads: cfg.threads(),
    };
    let specs = if cfg.inputs.is_empty() {
        vec![InputSpec::Stdin]
    } else {
        cfg.inputs.clone()
    };
    if foldable(cfg, &specs) {
        let triage = read_all(cfg, &scanner, &specs, true)?;
        if triage.exact {
            return Ok(triage);
        }
    }
    read_all(cfg, &scanner, &specs, false)
}

/// A hot retry loop is folded into counts (`scan::Collected::folding`)
/// only where the count is all that tells its occurrences apart: one input
/// (several merge record by record), and no window (which could cut a
/// run). The input must open again, for the rare run whose fold turns out
/// not to stand for what it hid.
fn foldable(cfg: &Config, specs: &[InputSpec]) -> bool {
    // A FIFO or a device (`<(zcat ...)`, /dev/stdin) does not read twice.
    let reopens = match specs {
        [InputSpec::Path(p) | InputSpec::Labeled { path: p, .. }] => {
            std::fs::metadata(p).is_ok_and(|m| m.is_file())
        }
        _ => false,
    };
    reopens && cfg.window == crate::config::WindowSpec::default()
}

fn read_all(
    cfg: &Config,
    scanner: &Scanner<'_>,
    specs: &[InputSpec],
    fold: bool,
) -> Result<Triage> {
    let mut engine = Engine::batch(cfg, scanner);
    engine.fold = fold.then_some(cfg.evidence);
    for spec in specs {
        let i = engine.add(spec.name());
        match source::open(spec) {
            Ok(opened) => engine.read(i, opened),
            Err(e) => engine.end(i, Some(e)),
        }
    }
    engine.finish()
}

impl<'s, 'a> Engine<'s, 'a> {
    pub fn new(cfg: &'s Config, scanner: &'s Scanner<'a>) -> Engine<'s, 'a> {
        Engine {
            cfg,
            scanner,
            inputs: Vec::new(),
            kept: Kept::new(!cfg.rotated_evidence),
            fold: None,
        }
    }

    /// Another input; returns its index, the one `feed` takes. Inputs may
    /// be added at any time (a pod that started, a log that answers late).
    pub fn add(&mut self, name: String) -> usize {
        let i = self.inputs.len();
        self.inputs.push(Input {
            name,
            gzip: false,
            feed: Some(self.scanner.feed(i as u32)),
            collected: self.fold.map(Collected::folding).unwrap_or_default(),
            ending: None,
            error: None,
            caught_up: false,
            pending: Vec::new(),
            down: None,
            ended: false,
        });
        i
    }

    /// A batch engine: every input is read whole (`read`), and nothing is
    /// let go, since no snapshot is taken.
    pub fn batch(cfg: &'s Config, scanner: &'s Scanner<'a>) -> Engine<'s, 'a> {
        Engine {
            kept: Kept::new(false),
            ..Engine::new(cfg, scanner)
        }
    }

    /// Reads an opened input to its end, on the scanner's threads, and
    /// ends it: a read error ends it early, keeping what came before.
    pub fn read(&mut self, input: usize, opened: crate::source::Input) {
        let Some(inp) = self.inputs.get_mut(input) else {
            return;
        };
        let Some(feed) = inp.feed.as_mut() else {
            return;
        };
        inp.name = opened.name;
        inp.gzip = opened.gzip;
        let mut sink = self.kept.sink(input, &mut inp.collected);
        let error = self
            .scanner
            .read_into(feed, &inp.name, inp.gzip, opened.reader, &mut sink);
        self.end(input, error);
    }

    /// Input `input` turned out to be compressed (its first bytes say).
    pub fn gzipped(&mut self, input: usize, gzip: bool) {
        if let Some(i) = self.inputs.get_mut(input) {
            i.gzip = gzip;
        }
    }

    /// One whole line of input `input`, without its newline; `cut` when it
    /// was cut at the reader's maximum. Lines after the input's end are
    /// ignored.
    pub fn feed(&mut self, input: usize, line: &[u8], cut: bool) {
        let Some(inp) = self.inputs.get_mut(input) else {
            return;
        };
        let Some(feed) = inp.feed.as_mut() else {
            return;
        };
        inp.pending.clear();
        let mut sink = self.kept.sink(input, &mut inp.collected);
        feed.line(line, cut, &mut sink);
    }

    /// The start of a line not ended yet; replaced by the next `feed`.
    pub fn pending(&mut self, input: usize, bytes: &[u8]) {
        if let Some(i) = self.inputs.get_mut(input) {
            i.pending.clear();
            i.pending.extend_from_slice(bytes);
        }
    }

    /// Input `input` has delivered its backlog.
    pub fn caught_up(&mut self, input: usize) {
        if let Some(i) = self.inputs.get_mut(input) {
            i.caught_up = true;
        }
    }

    /// Input `input`'s source stopped delivering (`Some(why)`), or
    /// delivers again (`None`).
    pub fn down(&mut self, input: usize, why: Option<String>) {
        if let Some(i) = self.inputs.get_mut(input) {
            i.down = why;
        }
    }

    /// Source `input` stopped for good and is not tried again: its pod is
    /// gone. Its lines stand, and it is no failed input.
    pub fn gone(&mut self, input: usize, why: String) {
        if let Some(i) = self.inputs.get_mut(input) {
            (i.down, i.ended) = (Some(why), true);
        }
    }

    /// Input `input` ended, with the error that ended it, if any.
    pub fn end(&mut self, input: usize, error: Option<Error>) {
        let Some(inp) = self.inputs.get_mut(input) else {
            return;
        };
        let Some(mut feed) = inp.feed.take() else {
            return;
        };
        let mut sink = self.kept.sink(input, &mut inp.collected);
        if !inp.pending.is_empty() {
            feed.line(&inp.pending, false, &mut sink);
            inp.pending.clear();
        }
        inp.ending = Some(feed.finish(&mut sink));
        inp.caught_up = true;
        if inp.error.is_none() {
            inp.error = error;
        }
    }

    /// Input `input` has not ended.
    pub fn open(&self, input: usize) -> bool {
        self.inputs.get(input).is_some_and(|i| i.feed.is_some())
    }

    /// Input `input`'s name, as reports show it.
    pub fn name(&self, input: usize) -> &str {
        self.inputs.get(input).map_or("?", |i| i.name.as_str())
    }

    /// The latest full time input `input` gave.
    pub fn last_ts(&self, input: usize) -> Option<crate::time::Ts> {
        let i = self.inputs.get(input)?;
        match (&i.feed, &i.ending) {
            (Some(f), _) => f.last_ts(),
            (None, Some(e)) => e.acct.last_ts,
            (None, None) => None,
        }
    }

    /// Input `input` could not be read to where the reading stopped,
    /// whether or not it has ended.
    pub fn fail(&mut self, input: usize, error: Error) {
        if let Some(i) = self.inputs.get_mut(input) {
            i.error.get_or_insert(error);
        }
    }

    /// Every input has ended.
    pub fn ended(&self) -> bool {
        self.inputs.iter().all(|i| i.feed.is_none())
    }

    /// Some input has not delivered its backlog yet.
    pub fn provisional(&self) -> bool {
        self.inputs.iter().any(|i| !i.caught_up)
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

    /// The batch triage of the lines fed so far, with what only a live
    /// follow knows (provisional, sources down). A cluster seen to rotate
    /// lets go of the text of the failures it got past (see `keep`).
    pub fn snapshot(&mut self) -> Result<Snapshot> {
        let read = self.inputs.iter().map(|i| i.read_so_far()).collect();
        let triage = analyze::conclude(self.cfg, &self.scanner.classifier.pack, read)?;
        let gone = self.kept.let_go(&triage);
        if !gone.is_empty() {
            for (input, at) in gone {
                self.inputs[input].collected.events[at].message = crate::event::blank();
            }
            for i in &mut self.inputs {
                i.collected.purge_texts();
            }
        }
        Ok(Snapshot {
            provisional: self.provisional(),
            down: self.down_list(),
            lines: self.lines(),
            triage,
        })
    }

    fn down_list(&self) -> Vec<Down> {
        let down = self.inputs.iter().filter_map(|i| {
            i.down.as_ref().map(|why| Down {
                input: i.name.clone(),
                why: why.clone(),
                ended: i.ended,
            })
        });
        down.collect()
    }

    /// The full report of every line fed: exactly what a batch analysis of
    /// the same lines reports. Inputs still open end here (Ctrl-C), their
    /// unended last line included.
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
        analyze::conclude(self.cfg, &self.scanner.classifier.pack, read)
    }
}

impl Input<'_, '_> {
    /// The input as a batch reading of its lines so far would give it: a
    /// clone, its open records closed. The input itself reads on.
    fn read_so_far(&self) -> ReadInput {
        let mut collected = self.collected.clone();
        let ending = match (&self.feed, &self.ending) {
            (Some(feed), _) => feed.clone().finish(&mut collected),
            (None, Some(ending)) => ending.clone(),
            // `end` takes the feed and leaves the ending in one step.
            (None, None) => Ending::default(),
        };
        let mut read = ReadInput::new(self.name.clone(), self.gzip, ending.settle(collected), None);
        read.summary.error = self.error.as_ref().map(Error::full);
        read
    }
}
