//! `analyze --follow`: the library's `Follow` fed from live streams until
//! they end or a signal comes; this file keeps only the terminal: the
//! signals, the panel redrawn in place on a terminal, the change lines
//! elsewhere, and the full report at the end.

use crate::Exit;
use anyhow::Context;
use kp_triage::analyze::Triage;
use kp_triage::config::Config;
use kp_triage::engine::{Change, Changes, Follow, Snapshot};
use kp_triage::redact::Redactor;
use kp_triage::report::{self, live, OutputFormat};
use kp_triage::scan::Scanner;
use kp_triage::source::InputSpec;
use std::io::{self, IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long one pump takes in lines before the loop looks at signals and
/// the screen again.
const TICK: Duration = Duration::from_millis(100);
/// The panel is redrawn at most this often.
const REDRAW: Duration = Duration::from_millis(250);

pub fn run(
    cfg: &Config,
    redactor: &Redactor,
    format: OutputFormat,
    style: report::Style,
) -> anyhow::Result<Exit> {
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
    let signal = watch_signals()?;
    note_missing_files(&specs);
    let watching = specs.iter().any(|s| matches!(s, InputSpec::Kubectl(_)));
    let watch = watching.then(|| cfg.kube.clone());
    let mut follow = Follow::start(cfg, &scanner, &specs, watch);
    let mut out = Output::new(style, format, &source_label(&specs));
    let pumped = pump(&mut follow, &signal, &mut out);
    let closed = matches!(&pumped, Err(e) if e.kind() == io::ErrorKind::BrokenPipe);
    if !closed {
        pumped?;
        out.clear()?;
    }
    let triage = follow.stop()?;
    if !closed {
        out.finish(&triage)?;
    }
    for e in triage.input_errors() {
        crate::eprint_error(e);
    }
    super::print_partial(&triage);
    Ok(Exit::of(&triage))
}

/// The first SIGINT or SIGTERM ends the follow and prints the report; a
/// second one, should that hang, ends the process at once (130 or 143).
fn watch_signals() -> anyhow::Result<Arc<AtomicUsize>> {
    let signal = Arc::new(AtomicUsize::new(0));
    let stopping = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register_conditional_shutdown(sig, 128 + sig, stopping.clone())
            .and_then(|_| signal_hook::flag::register(sig, stopping.clone()))
            .and_then(|_| signal_hook::flag::register_usize(sig, signal.clone(), sig as usize))
            .context("watching for SIGINT and SIGTERM")?;
    }
    Ok(signal)
}

/// `tail -F` waits for a file that is not there yet, and so does `-f`.
fn note_missing_files(specs: &[InputSpec]) {
    for s in specs {
        if let InputSpec::Path(p) = s {
            if !p.exists() {
                let name = s.name();
                eprintln!(
                    "{}",
                    kp_triage::term::stderr_line(&format!(
                        "kp-triage: {name} does not exist yet: waiting for it to appear"
                    ))
                );
            }
        }
    }
}

/// Feeds what the readers send until every input ends or a signal comes,
/// showing a snapshot when one is due.
fn pump(follow: &mut Follow<'_, '_>, signal: &AtomicUsize, out: &mut Output) -> io::Result<()> {
    let mut due = Due::default();
    while signal.load(Ordering::SeqCst) == 0 && !follow.ended() {
        let lines = follow.pump(TICK);
        out.rate.add(follow.lines());
        if due.now(lines) {
            let started = Instant::now();
            let snap = follow.snapshot().map_err(io::Error::other)?;
            due.took(started.elapsed());
            out.show(snap)?;
        } else {
            out.redraw(follow.lines())?;
        }
    }
    Ok(())
}

/// When the next snapshot is due: something arrived, and the last one is
/// far enough behind that snapshots take at most a third of the time, so a
/// long backlog is read at nearly full speed.
struct Due {
    last: Option<Instant>,
    cost: Duration,
    pending: bool,
}

impl Default for Due {
    fn default() -> Due {
        Due {
            last: None,
            cost: Duration::ZERO,
            pending: true,
        }
    }
}

impl Due {
    fn now(&mut self, lines: bool) -> bool {
        self.pending |= lines;
        let gap = REDRAW.max(self.cost * 3);
        let due = self.pending && self.last.is_none_or(|t| t.elapsed() >= gap);
        if due {
            self.pending = false;
        }
        due
    }

    fn took(&mut self, cost: Duration) {
        self.last = Some(Instant::now());
        self.cost = cost;
    }
}

fn source_label(specs: &[InputSpec]) -> String {
    match specs {
        [one] => one.name(),
        many => format!("{} inputs", many.len()),
    }
}

/// Where the live state goes: a panel on a terminal; else change lines,
/// as JSON Lines on stdout with `-o json`, or on stderr, the report alone
/// going to stdout.
struct Output {
    panel: bool,
    format: OutputFormat,
    style: report::Style,
    label: String,
    /// Lines of the panel now on screen.
    drawn: usize,
    last_draw: Option<Instant>,
    /// The snapshot the panel shows, but for the count of lines read.
    shown: Option<Snapshot>,
    changes: Changes,
    rate: Rate,
}

impl Output {
    fn new(style: report::Style, format: OutputFormat, label: &str) -> Output {
        Output {
            panel: io::stdout().is_terminal(),
            format,
            style,
            label: label.to_string(),
            drawn: 0,
            last_draw: None,
            shown: None,
            changes: Changes::default(),
            rate: Rate::default(),
        }
    }

    fn json(&self) -> bool {
        self.format == OutputFormat::Json
    }

    /// A new snapshot: its changes printed, or the panel redrawn with it.
    fn show(&mut self, snap: Snapshot) -> io::Result<()> {
        let changes = self.changes.of(&snap);
        if self.panel {
            let lines = snap.lines;
            self.shown = Some(snap);
            return self.draw(lines);
        }
        self.print_changes(&changes)
    }

    fn print_changes(&self, changes: &[Change]) -> io::Result<()> {
        if changes.is_empty() {
            return Ok(());
        }
        if self.json() {
            let mut o = io::stdout().lock();
            for c in changes {
                writeln!(o, "{}", live::change_json(c))?;
            }
            return o.flush();
        }
        let mut e = io::stderr().lock();
        for c in changes {
            writeln!(e, "{}", live::change_line(c))?;
        }
        e.flush()
    }

    /// The panel again when due, with the count of lines read now.
    fn redraw(&mut self, lines: u64) -> io::Result<()> {
        let due = self.last_draw.is_none_or(|t| t.elapsed() >= REDRAW);
        if self.panel && due && self.shown.is_some() {
            return self.draw(lines);
        }
        Ok(())
    }

    fn draw(&mut self, lines: u64) -> io::Result<()> {
        let Some(snap) = &mut self.shown else {
            return Ok(());
        };
        snap.lines = lines;
        // The terminal's own size, not --width: a line wider than the
        // screen would wrap, and the erase would miss its second row.
        let (cols, rows) = terminal_size::terminal_size_of(io::stdout())
            .map_or((80, 24), |(w, h)| (w.0 as usize, h.0 as usize));
        let lines = live::panel(
            snap,
            &live::Panel {
                source: &self.label,
                lines_per_sec: self.rate.per_sec(),
                now: Some(kp_triage::time::now()),
                width: cols.saturating_sub(1),
                color: self.style.color,
                rows,
            },
        );
        let mut o = io::stdout().lock();
        erase(&mut o, self.drawn)?;
        for l in &lines {
            writeln!(o, "{l}")?;
        }
        o.flush()?;
        self.drawn = lines.len();
        self.last_draw = Some(Instant::now());
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        let mut o = io::stdout().lock();
        erase(&mut o, std::mem::take(&mut self.drawn))?;
        o.flush()
    }

    /// The changes the last snapshots had not shown yet, then the full
    /// report as `analyze` prints it (with JSON change lines, one more
    /// JSON line).
    fn finish(&mut self, t: &Triage) -> anyhow::Result<()> {
        if !self.panel {
            let changes = self.changes.of_triage(t, false, &[]);
            self.print_changes(&changes)?;
        }
        let mut o = io::BufWriter::new(io::stdout().lock());
        let written = if self.json() && !self.panel {
            live::report_json(t, &mut o)
        } else {
            report::render(t, self.format, self.style, &mut o)
        };
        match written.and_then(|_| o.flush()) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
            r => r.context("writing the report"),
        }
    }
}

/// Moves up over the panel's own lines and clears them, and nothing above:
/// no copy of the panel goes into the scrollback of tmux or screen.
fn erase(o: &mut impl Write, drawn: usize) -> io::Result<()> {
    if drawn > 0 {
        write!(o, "\x1b[{drawn}F\x1b[J")?;
    }
    Ok(())
}

/// Lines per second over the last few seconds.
#[derive(Default)]
struct Rate {
    /// (when, lines read in all) per second slot.
    slots: std::collections::VecDeque<(Instant, u64)>,
}

impl Rate {
    const SPAN: Duration = Duration::from_secs(5);

    fn add(&mut self, total: u64) {
        let now = Instant::now();
        match self.slots.back_mut() {
            Some((t, c)) if now.duration_since(*t) < Duration::from_secs(1) => *c = total,
            _ => self.slots.push_back((now, total)),
        }
        while self.slots.len() > 2
            && self
                .slots
                .front()
                .is_some_and(|(t, _)| now.duration_since(*t) > Self::SPAN)
        {
            self.slots.pop_front();
        }
    }

    fn per_sec(&self) -> f64 {
        let (Some((first, a)), Some((_, b))) = (self.slots.front(), self.slots.back()) else {
            return 0.0;
        };
        let secs = first.elapsed().as_secs_f64().max(1.0);
        (b - a) as f64 / secs
    }
}
