//! SIGINT and SIGTERM during a fetch.
//!
//! While a fetch runs, a signal ends it like any other stop: the request in
//! flight is dropped, what was written is flushed and kept (or its temporary
//! file removed), the progress is printed, and the process exits 130 or 143.
//! Outside a fetch (while the fetched export is analysed), a signal removes
//! the temporary files registered here and exits at once with the same code.
//!
//! A thread of `signal-hook` receives the signals, so no work is done in a
//! signal handler.

use signal_hook::consts::{SIGINT, SIGTERM};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

#[derive(Clone)]
pub struct Interrupt {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    /// The signal received, 0 for none.
    got: AtomicI32,
    wake: Notify,
    fetching: AtomicBool,
    remove_on_exit: Mutex<Vec<PathBuf>>,
}

impl Interrupt {
    /// One that never fires: for library callers that handle signals
    /// themselves, and for tests.
    pub fn never() -> Interrupt {
        Interrupt {
            inner: Arc::default(),
        }
    }

    /// Takes SIGINT and SIGTERM over for the rest of the process.
    pub fn on_signals() -> std::io::Result<Interrupt> {
        let me = Interrupt::never();
        let inner = me.inner.clone();
        let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                for sig in signals.forever() {
                    inner.got.store(sig, Ordering::SeqCst);
                    if inner.fetching.load(Ordering::SeqCst) {
                        inner.wake.notify_one();
                        continue;
                    }
                    for p in inner
                        .remove_on_exit
                        .lock()
                        .map(|v| v.clone())
                        .unwrap_or_default()
                    {
                        let _ = std::fs::remove_file(p);
                    }
                    eprintln!("kp-triage: interrupted by {}", name(sig));
                    std::process::exit(128 + sig);
                }
            })?;
        Ok(me)
    }

    /// A temporary file to remove if a signal ends the process outside a fetch.
    pub fn remove_on_exit(&self, path: PathBuf) {
        if let Ok(mut v) = self.inner.remove_on_exit.lock() {
            v.push(path);
        }
    }

    /// The signal received so far, if any.
    pub fn received(&self) -> Option<i32> {
        match self.inner.got.load(Ordering::SeqCst) {
            0 => None,
            s => Some(s),
        }
    }

    /// Runs `fut` to its end or to a signal, whichever comes first.
    pub(crate) fn run<T>(
        &self,
        fut: impl std::future::Future<Output = T>,
    ) -> std::io::Result<Result<T, i32>> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        self.inner.fetching.store(true, Ordering::SeqCst);
        let out = rt.block_on(async {
            tokio::select! {
                biased;
                sig = self.wait() => Err(sig),
                done = fut => Ok(done),
            }
        });
        self.inner.fetching.store(false, Ordering::SeqCst);
        // A signal that came as the fetch ended still stops the run.
        Ok(match (out, self.received()) {
            (Ok(_), Some(sig)) => Err(sig),
            (out, _) => out,
        })
    }

    async fn wait(&self) -> i32 {
        loop {
            if let Some(sig) = self.received() {
                return sig;
            }
            self.inner.wake.notified().await;
        }
    }
}

pub fn name(sig: i32) -> String {
    match sig {
        SIGINT => "SIGINT".to_string(),
        SIGTERM => "SIGTERM".to_string(),
        s => format!("signal {s}"),
    }
}
