//! `--follow`: the engine fed from live sources, one reader thread each,
//! until the caller stops it. The caller (the binary) keeps the terminal:
//! it pumps, takes snapshots when it wants to draw, and stops on a signal.
//!
//! A followed `kubectl logs -f` that dies (the API server went away, the
//! process was killed) is not an input failure at once: the source is shown
//! as down with kubectl's own last message, and started again from the
//! last time it delivered (`--since-time`), with a backoff. The records read
//! twice merge as overlaps. A source still down when the follow stops makes
//! its input incomplete.

use super::readers::{self, Msg};
use super::{Engine, Snapshot};
use crate::analyze::Triage;
use crate::config::Config;
use crate::error::{Error, Result};
use crate::live::kubectl::{Killer, LogStream, Pod, Since, Target};
use crate::scan::Scanner;
use crate::source::batch::Pool;
use crate::source::InputSpec;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Batches waiting for the follow, over every reader: a reader ahead of
/// the analysis (a backlog, a fast file) waits, so memory stays bounded.
const IN_FLIGHT: usize = 8;
/// A stream silent this long after its last line has delivered its backlog.
const QUIET: Duration = Duration::from_millis(300);
/// At the stop, what the readers already read is still taken: until they
/// have been quiet this long, for at most `DRAIN_MAX`.
const DRAIN_QUIET: Duration = Duration::from_millis(50);
const DRAIN_MAX: Duration = Duration::from_secs(1);
/// A stream that has said nothing at all for this long has no backlog.
const SILENT: Duration = Duration::from_secs(2);
/// How often `--kubectl` lists the pods again, for new pods and restarts.
const RELIST: Duration = Duration::from_secs(5);
/// The first wait before a dead source is started again; it doubles up to
/// `BACKOFF_MAX`.
const BACKOFF: Duration = Duration::from_secs(1);
const BACKOFF_MAX: Duration = Duration::from_secs(30);

pub struct Follow<'s, 'a> {
    engine: Engine<'s, 'a>,
    rx: Receiver<Msg>,
    tx: SyncSender<Msg>,
    pool: Arc<Pool>,
    sources: Vec<Source>,
    /// `--kubectl`: where new pods are looked for; only a stop ends it.
    watch: Option<Target>,
    outages: Vec<Outage>,
    relisting: Arc<AtomicBool>,
}

/// One input as read: what it is, and how far its backlog is.
struct Source {
    spec: InputSpec,
    killer: Option<Killer>,
    opened: Instant,
    heard: Option<Instant>,
    /// Its backlog is all of it (a `--previous` log): it is delivered at
    /// the end, not when the stream goes quiet.
    whole: bool,
    /// The input shown for it: itself, or the one it restarts.
    shown: usize,
}

/// A followed kubectl log that died, waiting to be started again.
struct Outage {
    shown: usize,
    stream: LogStream,
    error: Error,
    tries: u32,
    /// When to try again; None while a try is running.
    next: Option<Instant>,
}

impl<'s, 'a> Follow<'s, 'a> {
    /// Starts a reader for each of `specs`; with `watch`, the pods are
    /// listed again now and then and new logs followed.
    pub fn start(
        cfg: &'s Config,
        scanner: &'s Scanner<'a>,
        specs: &[InputSpec],
        watch: Option<Target>,
    ) -> Follow<'s, 'a> {
        let (tx, rx) = mpsc::sync_channel(IN_FLIGHT);
        let mut f = Follow {
            engine: Engine::new(cfg, scanner),
            rx,
            tx,
            pool: Arc::new(Pool::new(IN_FLIGHT * 2, readers::BATCH)),
            sources: Vec::new(),
            watch,
            outages: Vec::new(),
            relisting: Arc::new(AtomicBool::new(true)),
        };
        for spec in specs {
            f.open(spec.clone(), None);
        }
        if let Some(target) = f.watch.clone() {
            let (tx, on) = (f.tx.clone(), f.relisting.clone());
            std::thread::spawn(move || relist(&target, &tx, &on));
        }
        f
    }

    /// Starts reading `spec` as a new input, shown as `shown` (a restart) or
    /// as itself.
    fn open(&mut self, spec: InputSpec, shown: Option<usize>) -> usize {
        let i = self.engine.add(spec.name());
        let whole = matches!(&spec, InputSpec::Kubectl(s) if !s.follow);
        let killer = readers::start(i, &spec, self.tx.clone(), self.pool.clone());
        self.sources.push(Source {
            spec,
            killer,
            opened: Instant::now(),
            heard: None,
            whole,
            shown: shown.unwrap_or(i),
        });
        i
    }

    /// Takes what the readers send for up to `wait`. Returns whether the
    /// triage may have changed: lines arrived, an input ended, a source
    /// went down or came back, or the backlogs are in.
    pub fn pump(&mut self, wait: Duration) -> bool {
        let deadline = Instant::now() + wait;
        let before = (self.engine.provisional(), self.outages.len());
        let mut lines = false;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(m) => lines |= self.take(m),
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => break,
            }
            if Instant::now() >= deadline {
                break;
            }
        }
        self.settle_backlogs();
        self.restart_due();
        lines || before != (self.engine.provisional(), self.outages.len())
    }

    /// One message into the engine; true when it brought lines.
    fn take(&mut self, msg: Msg) -> bool {
        match msg {
            Msg::Opened { input, gzip } => self.engine.gzipped(input, gzip),
            Msg::Lines { input, batch } => {
                for (line, cut) in batch.lines() {
                    self.engine.feed(input, line, cut);
                }
                self.pool.give(batch);
                self.heard(input);
                return true;
            }
            Msg::Pending { input, bytes } => self.engine.pending(input, &bytes),
            Msg::End { input, error } => {
                self.input_ended(input, error);
                return true;
            }
            Msg::Pods(pods) => self.new_logs(&pods),
        }
        false
    }

    fn heard(&mut self, input: usize) {
        let Some(s) = self.sources.get_mut(input) else {
            return;
        };
        s.heard = Some(Instant::now());
        let shown = s.shown;
        if shown != input && self.outages.iter().any(|o| o.shown == shown) {
            // A restarted source delivers again.
            self.outages.retain(|o| o.shown != shown);
            self.engine.down(shown, None);
        }
    }

    /// Marks the streams whose backlog has arrived: quiet for a while after
    /// their last line, or silent from the start.
    fn settle_backlogs(&mut self) {
        for (i, s) in self.sources.iter().enumerate() {
            let quiet = match s.heard {
                Some(t) => t.elapsed() >= QUIET,
                None => s.opened.elapsed() >= SILENT,
            };
            if quiet && !s.whole {
                self.engine.caught_up(i);
            }
        }
        // A restarted source that has stayed up a while is up, lines or not.
        let up: Vec<usize> = (0..self.sources.len())
            .filter(|&i| {
                let s = &self.sources[i];
                s.shown != i && s.opened.elapsed() >= SILENT && self.engine.open(i)
            })
            .collect();
        for i in up {
            self.heard(i);
        }
    }

    /// Input `input` ended. A followed kubectl log that failed while the
    /// follow watches the pods is an outage, not the end of its input.
    fn input_ended(&mut self, input: usize, error: Option<Error>) {
        let Some(s) = self.sources.get(input) else {
            return;
        };
        let (shown, watching) = (s.shown, self.watch.is_some());
        let stream = match &s.spec {
            InputSpec::Kubectl(st) if st.follow && watching => st.clone(),
            _ => return self.engine.end(input, error),
        };
        let last = self.engine.last_ts(input);
        self.engine.end(input, None);
        let tries = self
            .outages
            .iter()
            .find(|o| o.shown == shown)
            .map_or(0, |o| o.tries);
        self.outages.retain(|o| o.shown != shown);
        if let Some(e) = error.as_ref().filter(|e| gone(e)) {
            // The pod was deleted (the usual remedy): its log has ended.
            let why = format!("the pod is gone: {}", e.full());
            return self.engine.gone(shown, why);
        }
        // A kubelet keeps a followed log open while its container runs: an
        // end, even a clean one, is a lost connection until a retry says
        // the pod is gone.
        let error = error.unwrap_or_else(|| {
            let why = std::io::Error::other("kubectl's followed log ended while the pod ran");
            Error::read(self.engine.name(input), why)
        });
        self.engine.down(shown, Some(error.full()));
        let since = last.map(Since::Time).or(stream.since);
        self.outages.push(Outage {
            shown,
            stream: LogStream { since, ..stream },
            error,
            tries: tries + 1,
            next: Some(Instant::now() + backoff(tries)),
        });
    }

    /// Starts again the dead sources whose wait is over.
    fn restart_due(&mut self) {
        let now = Instant::now();
        let due: Vec<(usize, LogStream)> = self
            .outages
            .iter_mut()
            .filter(|o| o.next.is_some_and(|t| t <= now))
            .map(|o| {
                o.next = None;
                (o.shown, o.stream.clone())
            })
            .collect();
        for (shown, stream) in due {
            self.open(InputSpec::Kubectl(stream), Some(shown));
        }
    }

    /// Follows every current log not followed yet: a pod that started (the
    /// one that replaced a deleted pod), a container that restarted. Read
    /// from its start; records read before are merged as overlaps.
    fn new_logs(&mut self, pods: &[Pod]) {
        let Some(target) = &self.watch else {
            return;
        };
        let (streams, _) = target.streams(pods, None, true);
        for s in streams.into_iter().filter(|s| !s.previous) {
            if !self.following(&s) {
                self.open(InputSpec::Kubectl(s), None);
            }
        }
    }

    /// A log of this container is being read, or waits to be started again.
    fn following(&self, s: &LogStream) -> bool {
        let same = |o: &LogStream| o.follow && o.pod == s.pod && o.container == s.container;
        let reading = self.sources.iter().enumerate().any(|(i, src)| {
            matches!(&src.spec, InputSpec::Kubectl(o) if same(o)) && self.engine.open(i)
        });
        reading || self.outages.iter().any(|o| same(&o.stream))
    }

    /// Every input has ended, and none will come: not with `--kubectl`,
    /// where a new pod may start at any time, nor while a source waits to
    /// be started again.
    pub fn ended(&self) -> bool {
        self.watch.is_none() && self.outages.is_empty() && self.engine.ended()
    }

    /// Lines read so far.
    pub fn lines(&self) -> u64 {
        self.engine.lines()
    }

    /// The batch triage of what has arrived.
    pub fn snapshot(&mut self) -> Result<Snapshot> {
        self.engine.snapshot()
    }

    /// Stops following: what the readers had already sent goes in (only
    /// what is in flight, so that a reader that keeps the channel full
    /// cannot hold the report up), every kubectl is ended, and a source
    /// still down makes its input incomplete. Returns the full report.
    pub fn stop(mut self) -> Result<Triage> {
        self.relisting.store(false, Ordering::Relaxed);
        self.watch = None;
        // A reader may have read its last bytes and not yet sent them.
        let until = Instant::now() + DRAIN_MAX;
        while let Ok(m) = self.rx.recv_timeout(DRAIN_QUIET) {
            self.take(m);
            if Instant::now() >= until {
                break;
            }
        }
        for s in &self.sources {
            if let Some(k) = &s.killer {
                k.kill();
            }
        }
        for o in std::mem::take(&mut self.outages) {
            let why = format!("the source stayed down: {}", o.error);
            let e = Error::read(self.engine.name(o.shown), std::io::Error::other(why));
            self.engine.fail(o.shown, e);
        }
        self.engine.finish()
    }
}

/// kubectl says the pod or its container no longer exists.
fn gone(e: &Error) -> bool {
    let text = e.full();
    text.contains("(NotFound)") || text.contains("not found")
}

fn backoff(tries: u32) -> Duration {
    BACKOFF.saturating_mul(1 << tries.min(5)).min(BACKOFF_MAX)
}

/// `--kubectl --follow`: the pods are listed again every `RELIST`, until
/// the follow stops.
fn relist(target: &Target, tx: &SyncSender<Msg>, on: &AtomicBool) {
    while on.load(Ordering::Relaxed) {
        std::thread::sleep(RELIST);
        // A failed listing (the API server busy) waits for the next.
        if let Ok(pods) = target.pods() {
            if tx.send(Msg::Pods(pods)).is_err() {
                return;
            }
        }
    }
}
