//! `analyze --follow`: reads live streams until they end or Ctrl-C, keeping
//! the verdict on screen, then prints the full report.
//!
//! One thread per input reads whole lines and sends them in batches (a
//! batch goes as soon as no further line is already waiting, so a quiet
//! stream's line is not held back). The main thread feeds them to the
//! library's `Follow`, closes open records after `IDLE` without input, and
//! draws: a panel redrawn in place on a terminal, else one line per change.

use crate::Exit;
use anyhow::Context;
use kp_triage::analyze::Triage;
use kp_triage::config::Config;
use kp_triage::follow::{Follow, View};
use kp_triage::live::kubectl::{Killer, Pod, Target};
use kp_triage::redact::Redactor;
use kp_triage::report::{self, live, OutputFormat};
use kp_triage::scan::Scanner;
use kp_triage::source::{self, InputSpec, LineReader, Tail};
use std::collections::HashMap;
use std::io::{self, IsTerminal, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// A record still open this long after the last line is closed.
const IDLE: Duration = Duration::from_millis(500);
/// How often `--kubectl` lists the pods again, for new pods and restarts.
const RELIST: Duration = Duration::from_secs(5);
/// How often the loop wakes with nothing to read (signals, idle, redraw).
const TICK: Duration = Duration::from_millis(100);
/// The longest the view waits while a backlog is read.
const CATCH_UP: Duration = Duration::from_millis(100);
/// The panel is redrawn at most this often.
const REDRAW: Duration = Duration::from_millis(250);
/// Bytes of lines per batch sent from a reader.
const BATCH: usize = 64 * 1024;
/// Batches waiting for the main thread, over every reader.
const IN_FLIGHT: usize = 8;

enum Msg {
    /// The input's first bytes arrived and told whether it is gzipped.
    Opened {
        input: usize,
        gzip: bool,
    },
    Lines {
        input: usize,
        batch: Batch,
    },
    End {
        input: usize,
        error: Option<kp_triage::error::Error>,
    },
    /// `--kubectl`: the pods as listed again.
    Pods(Vec<Pod>),
}

/// Spent batches, refilled by the readers: memory freed on one thread and
/// allocated on another would scatter over the threads' heaps and grow.
type Spare = Arc<std::sync::Mutex<Vec<Batch>>>;

fn spare_batch(spare: &Spare) -> Batch {
    spare
        .lock()
        .ok()
        .and_then(|mut v| v.pop())
        .unwrap_or_default()
}

fn give_back(spare: &Spare, mut b: Batch) {
    b.data.clear();
    b.lines.clear();
    if let Ok(mut v) = spare.lock() {
        if v.len() < IN_FLIGHT * 2 {
            v.push(b);
        }
    }
}

#[derive(Default)]
struct Batch {
    data: Vec<u8>,
    /// Each line's span in `data`, and whether it was cut at the maximum.
    lines: Vec<(usize, usize, bool)>,
}

pub fn run(cfg: &Config, redactor: &Redactor, format: OutputFormat) -> anyhow::Result<Exit> {
    let pack = kp_triage::analyze::load_pack(cfg)?;
    let classifier = kp_triage::classify::Classifier::new(pack);
    let scanner = Scanner {
        app: cfg.app.as_deref(),
        ..Scanner::new(&classifier, redactor)
    };
    let specs = if cfg.inputs.is_empty() {
        vec![InputSpec::Stdin]
    } else {
        cfg.inputs.clone()
    };
    let signal = Arc::new(AtomicUsize::new(0));
    // The first signal ends the follow and prints the report; a second one,
    // should that hang, ends the process at once (130 or 143).
    let stopping = Arc::new(std::sync::atomic::AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register_conditional_shutdown(sig, 128 + sig, stopping.clone())
            .and_then(|_| signal_hook::flag::register(sig, stopping.clone()))
            .and_then(|_| signal_hook::flag::register_usize(sig, signal.clone(), sig as usize))
            .context("watching for SIGINT and SIGTERM")?;
    }
    // Bounded: a reader ahead of the analysis (a backlog, a fast file)
    // waits, so memory does not grow with the input.
    let (tx, rx) = mpsc::sync_channel(IN_FLIGHT);
    let names = specs.iter().map(|s| (s.name(), false)).collect();
    let mut follow = Follow::new(cfg, &scanner, names);
    let watching = specs.iter().any(|s| matches!(s, InputSpec::Kubectl(_)));
    let mut readers = Readers {
        tx: tx.clone(),
        spare: Spare::default(),
        killers: Vec::new(),
        following: HashMap::new(),
        watch: watching.then(|| cfg.kube.clone()),
    };
    for (i, spec) in specs.iter().enumerate() {
        readers.start(&mut follow, i, spec);
    }
    if watching {
        let target = cfg.kube.clone();
        std::thread::spawn(move || relist(&target, &tx));
    } else {
        drop(tx);
    }
    let mut out = Output::new(cfg, format, &source_label(&specs));
    match pump(&mut follow, &rx, &signal, &mut out, &mut readers) {
        // The reader of stdout is gone (`| head`): the verdict stands.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => out.closed = true,
        r => r?,
    }
    // Lines the readers had read when the signal came are in the report;
    // no new pod is followed now. Only what was in flight: a reader still
    // filling the channel (a long file) must not hold up the report.
    readers.watch = None;
    for m in rx.try_iter().take(IN_FLIGHT) {
        readers.take(&mut follow, m, &mut out);
    }
    for k in &readers.killers {
        k.kill();
    }
    if !out.closed {
        out.clear()?;
    }
    let triage = follow.finish()?;
    if !out.closed {
        out.report(&triage)?;
    }
    for e in triage.input_errors() {
        kp_triage::term::eprint_error(e);
    }
    Ok(super::analyze::exit_status(&triage))
}

/// Feeds what the readers send until every input ends or a signal comes.
/// The view is brought up to date once the readers are caught up, or every
/// `CATCH_UP` while a backlog is being read.
fn pump(
    follow: &mut Follow<'_, '_>,
    rx: &mpsc::Receiver<Msg>,
    signal: &AtomicUsize,
    out: &mut Output,
    readers: &mut Readers,
) -> io::Result<()> {
    let mut last_line = Instant::now();
    let mut idle_closed = true;
    out.tick(follow)?;
    // With --kubectl, every log may end (the pod was deleted) and a new pod
    // come: only a signal ends the follow.
    while signal.load(Ordering::SeqCst) == 0 && (readers.watch.is_some() || !follow.ended()) {
        match rx.recv_timeout(TICK) {
            Ok(msg) => {
                let started = Instant::now();
                let mut next = Some(msg);
                while let Some(m) = next.take() {
                    if readers.take(follow, m, out) {
                        last_line = Instant::now();
                        idle_closed = false;
                    }
                    if started.elapsed() < CATCH_UP {
                        next = rx.try_recv().ok();
                    }
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                if !idle_closed && last_line.elapsed() >= IDLE {
                    follow.idle();
                    idle_closed = true;
                }
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
        out.tick(follow)?;
    }
    Ok(())
}

/// The reader threads, and with --kubectl the logs being followed.
struct Readers {
    tx: mpsc::SyncSender<Msg>,
    spare: Spare,
    killers: Vec<Killer>,
    /// The current log each input follows: (pod, container).
    following: HashMap<usize, (String, String)>,
    /// `--kubectl`: where to list the pods again.
    watch: Option<Target>,
}

impl Readers {
    /// Opens input `i` and starts its reader thread.
    fn start(&mut self, follow: &mut Follow<'_, '_>, i: usize, spec: &InputSpec) {
        let name = spec.name();
        match raw(spec, &name, &mut self.killers) {
            Ok(r) => {
                if let InputSpec::Kubectl(s) = spec {
                    if !s.previous {
                        self.following
                            .insert(i, (s.pod.clone(), s.container.clone()));
                    }
                }
                let (tx, spare) = (self.tx.clone(), self.spare.clone());
                std::thread::spawn(move || read(i, name, r, tx, &spare));
            }
            // Not through the channel: its bound would block this thread.
            Err(e) => follow.end(i, Some(e)),
        }
    }

    /// One message into the analysis; true when it brought lines.
    fn take(&mut self, follow: &mut Follow<'_, '_>, msg: Msg, out: &mut Output) -> bool {
        match msg {
            Msg::Opened { input, gzip } => follow.gzipped(input, gzip),
            Msg::Lines { input, batch } => {
                for &(s, e, cut) in &batch.lines {
                    follow.line(input, &batch.data[s..e], cut);
                }
                out.lines(batch.lines.len());
                give_back(&self.spare, batch);
                return true;
            }
            Msg::End { input, error } => {
                self.following.remove(&input);
                follow.end(input, error);
            }
            Msg::Pods(pods) => self.new_logs(follow, &pods),
        }
        false
    }

    /// Follows every current log not followed yet: a pod that started (the
    /// one that replaced a deleted pod), a container that restarted. Read
    /// from its start; records read before are merged as overlaps.
    fn new_logs(&mut self, follow: &mut Follow<'_, '_>, pods: &[Pod]) {
        let Some(target) = &self.watch else {
            return;
        };
        let (streams, _) = target.streams(pods, None, true);
        for s in streams.into_iter().filter(|s| !s.previous) {
            let key = (s.pod.clone(), s.container.clone());
            if self.following.values().any(|k| *k == key) {
                continue;
            }
            let spec = InputSpec::Kubectl(s);
            let i = follow.add(spec.name());
            self.start(follow, i, &spec);
        }
    }
}

/// `--kubectl --follow`: the pods are listed again every `RELIST`.
fn relist(target: &Target, tx: &mpsc::SyncSender<Msg>) {
    loop {
        std::thread::sleep(RELIST);
        // A failed listing (the API server busy) waits for the next.
        if let Ok(pods) = target.pods() {
            if tx.send(Msg::Pods(pods)).is_err() {
                return;
            }
        }
    }
}

/// The input's bytes: a growing file is tailed, kubectl is started here so
/// that its process can be ended from this thread.
fn raw(
    spec: &InputSpec,
    name: &str,
    killers: &mut Vec<Killer>,
) -> kp_triage::error::Result<Box<dyn Read + Send>> {
    match spec {
        InputSpec::Path(p) => Tail::open(p.clone())
            .map(|t| Box::new(t) as Box<dyn Read + Send>)
            .map_err(|e| kp_triage::error::Error::read(name, e)),
        InputSpec::Kubectl(s) => {
            let r = s
                .open()
                .map_err(|e| kp_triage::error::Error::read(name, io::Error::other(e)))?;
            killers.push(r.killer());
            Ok(Box::new(r))
        }
        other => source::raw(other, name),
    }
}

/// One input's reader thread.
fn read(
    input: usize,
    name: String,
    raw: Box<dyn Read + Send>,
    tx: mpsc::SyncSender<Msg>,
    spare: &Spare,
) {
    let opened = match source::unpacked(name, raw) {
        Ok(o) => o,
        Err(e) => {
            let _ = tx.send(Msg::End {
                input,
                error: Some(e),
            });
            return;
        }
    };
    let (name, gzip) = (opened.name, opened.gzip);
    if tx.send(Msg::Opened { input, gzip }).is_err() {
        return;
    }
    let mut lines = LineReader::new(opened.reader);
    let mut batch = spare_batch(spare);
    let error = loop {
        match lines.next_line() {
            Ok(Some(l)) => {
                let start = batch.data.len();
                batch.data.extend_from_slice(l);
                batch
                    .lines
                    .push((start, batch.data.len(), lines.truncated()));
                if (!lines.line_ready() || batch.data.len() >= BATCH)
                    && tx
                        .send(Msg::Lines {
                            input,
                            batch: std::mem::replace(&mut batch, spare_batch(spare)),
                        })
                        .is_err()
                {
                    return;
                }
            }
            Ok(None) => break None,
            Err(e) => break Some(kp_triage::error::Error::read(&name, e)),
        }
    };
    if !batch.lines.is_empty() {
        let _ = tx.send(Msg::Lines { input, batch });
    }
    let _ = tx.send(Msg::End { input, error });
}

fn source_label(specs: &[InputSpec]) -> String {
    match specs {
        [one] => one.name(),
        many => format!("{} inputs", many.len()),
    }
}

/// Where the live state goes: a panel on a terminal, else change lines.
struct Output {
    panel: bool,
    format: OutputFormat,
    color: bool,
    width: usize,
    label: String,
    /// Lines of the panel now on screen.
    drawn: usize,
    last_draw: Option<Instant>,
    view: Option<View>,
    rate: Rate,
    /// stdout's reader has gone.
    closed: bool,
}

impl Output {
    fn new(cfg: &Config, format: OutputFormat, label: &str) -> Output {
        Output {
            panel: io::stdout().is_terminal(),
            format,
            color: cfg.color,
            width: cfg.width,
            label: label.to_string(),
            drawn: 0,
            last_draw: None,
            view: None,
            rate: Rate::default(),
            closed: false,
        }
    }

    fn json(&self) -> bool {
        self.format == OutputFormat::Json
    }

    fn lines(&mut self, n: usize) {
        self.rate.add(n);
    }

    /// Prints what changed (or redraws the panel when due).
    fn tick(&mut self, follow: &mut Follow<'_, '_>) -> io::Result<()> {
        let due = self.last_draw.is_none_or(|t| t.elapsed() >= REDRAW);
        if self.panel && !due {
            return Ok(());
        }
        let update = follow.update();
        if let Some((view, changes)) = update {
            if !self.panel {
                let mut o = io::stdout().lock();
                for c in &changes {
                    let line = if self.json() {
                        live::change_json(c)
                    } else {
                        live::change_line(c)
                    };
                    writeln!(o, "{line}")?;
                }
                o.flush()?;
            }
            self.view = Some(view);
        }
        if self.panel {
            if let Some(v) = &mut self.view {
                v.lines = follow.lines();
            }
            self.draw()?;
        }
        Ok(())
    }

    fn draw(&mut self) -> io::Result<()> {
        let Some(view) = &self.view else {
            return Ok(());
        };
        let rows = terminal_size::terminal_size_of(io::stdout()).map_or(24, |(_, h)| h.0 as usize);
        let lines = live::panel(
            view,
            &live::Panel {
                source: &self.label,
                lines_per_sec: self.rate.per_sec(),
                now: Some(kp_triage::time::now()),
                width: self.width,
                color: self.color,
                rows,
            },
        );
        let mut o = io::stdout().lock();
        self.erase(&mut o)?;
        for l in &lines {
            writeln!(o, "{l}")?;
        }
        o.flush()?;
        self.drawn = lines.len();
        self.last_draw = Some(Instant::now());
        Ok(())
    }

    /// Moves up over the panel and clears to the end of the screen.
    fn erase(&mut self, o: &mut impl Write) -> io::Result<()> {
        if self.drawn > 0 {
            write!(o, "\x1b[{}F\x1b[J", self.drawn)?;
            self.drawn = 0;
        }
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        let mut o = io::stdout().lock();
        self.erase(&mut o)?;
        o.flush()
    }

    /// The full report, as `analyze` prints it; with JSON change lines, one
    /// more JSON line.
    fn report(&mut self, t: &Triage) -> anyhow::Result<()> {
        let mut o = io::BufWriter::new(io::stdout().lock());
        let written = if self.json() && !self.panel {
            live::report_json(t, &mut o)
        } else if self.panel {
            report::render(t, self.format, &mut o)
        } else {
            // A blank line between the changes and the report.
            writeln!(o).and_then(|_| report::render(t, self.format, &mut o))
        };
        match written.and_then(|_| o.flush()) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            r => r.context("writing the report"),
        }
    }
}

/// Lines per second over the last few seconds.
#[derive(Default)]
struct Rate {
    /// (when, lines) per second slot.
    slots: std::collections::VecDeque<(Instant, usize)>,
}

impl Rate {
    const SPAN: Duration = Duration::from_secs(5);

    fn add(&mut self, n: usize) {
        let now = Instant::now();
        match self.slots.back_mut() {
            Some((t, c)) if now.duration_since(*t) < Duration::from_secs(1) => *c += n,
            _ => self.slots.push_back((now, n)),
        }
        while self
            .slots
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) > Self::SPAN)
        {
            self.slots.pop_front();
        }
    }

    fn per_sec(&self) -> f64 {
        let Some((first, _)) = self.slots.front() else {
            return 0.0;
        };
        let secs = first.elapsed().as_secs_f64().max(1.0);
        self.slots.iter().map(|(_, n)| *n).sum::<usize>() as f64 / secs
    }
}
