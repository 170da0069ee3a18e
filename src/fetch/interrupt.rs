//! SIGINT and SIGTERM during a fetch.
//!
//! The library never installs a handler, prints or exits: whoever owns the
//! process (the binary) watches the signals and calls [`Interrupt::raise`].
//! While a fetch runs, a raised signal ends it like any other stop: the
//! request in flight is dropped, what was written is flushed, and the fetch
//! returns [`super::Stop::Interrupted`]. Outside a fetch `raise` says no
//! fetch took the signal, and the caller decides what to do with it.

use signal_hook::consts::{SIGINT, SIGTERM};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;

#[derive(Clone, Default)]
pub struct Interrupt {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    /// The signal received, 0 for none.
    got: AtomicI32,
    wake: Notify,
    fetching: AtomicBool,
}

impl Interrupt {
    /// One that fires only when `raise` is called: the binary's signal
    /// watcher calls it; library callers and tests may never do.
    pub fn never() -> Interrupt {
        Interrupt::default()
    }

    /// Records `sig` and wakes the fetch running, if one is. Returns whether
    /// a fetch was running to stop; if not, stopping is the caller's.
    pub fn raise(&self, sig: i32) -> bool {
        self.inner.got.store(sig, Ordering::SeqCst);
        let fetching = self.inner.fetching.load(Ordering::SeqCst);
        if fetching {
            self.inner.wake.notify_one();
        }
        fetching
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

/// SIGINT, SIGTERM, or `signal N`.
pub fn name(sig: i32) -> String {
    match sig {
        SIGINT => "SIGINT".to_string(),
        SIGTERM => "SIGTERM".to_string(),
        s => format!("signal {s}"),
    }
}

/// The signals a fetch stops on.
pub const SIGNALS: [i32; 2] = [SIGINT, SIGTERM];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signal_outside_a_fetch_is_left_to_the_caller() {
        let i = Interrupt::never();
        assert_eq!(i.received(), None);
        assert!(!i.raise(SIGTERM));
        assert_eq!(i.received(), Some(SIGTERM));
    }

    #[test]
    fn a_signal_during_a_fetch_stops_it_with_the_signal() {
        let i = Interrupt::never();
        let raiser = i.clone();
        let ran = i
            .run(async move {
                // Raised from inside the fetch, as the watcher thread would.
                assert!(raiser.raise(SIGINT));
                std::future::pending::<()>().await
            })
            .unwrap();
        assert_eq!(ran, Err(SIGINT));
    }
}
