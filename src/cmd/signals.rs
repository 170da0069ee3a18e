//! The process's SIGINT and SIGTERM: the library's fetch stops on them
//! ([`Interrupt`]); outside a fetch (while a fetched export is analysed)
//! the binary removes its temporary files and exits at once, 130 or 143.
//!
//! A thread of `signal-hook` receives the signals, so no work is done in a
//! signal handler.

use kp_triage::fetch::interrupt::{self, Interrupt};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub struct Signals {
    pub interrupt: Interrupt,
    remove_on_exit: Arc<Mutex<Vec<PathBuf>>>,
}

impl Signals {
    /// Takes SIGINT and SIGTERM over for the rest of the process.
    pub fn watch() -> std::io::Result<Signals> {
        let interrupt = Interrupt::never();
        let remove_on_exit: Arc<Mutex<Vec<PathBuf>>> = Arc::default();
        let mut signals = signal_hook::iterator::Signals::new(interrupt::SIGNALS)?;
        let (fetch, files) = (interrupt.clone(), remove_on_exit.clone());
        std::thread::Builder::new()
            .name("signals".into())
            .spawn(move || {
                for sig in signals.forever() {
                    if !fetch.raise(sig) {
                        exit_now(sig, &files);
                    }
                }
            })?;
        Ok(Signals {
            interrupt,
            remove_on_exit,
        })
    }

    /// A temporary file to remove if a signal ends the process outside a fetch.
    pub fn remove_on_exit(&self, path: PathBuf) {
        if let Ok(mut v) = self.remove_on_exit.lock() {
            v.push(path);
        }
    }
}

fn exit_now(sig: i32, files: &Mutex<Vec<PathBuf>>) -> ! {
    for p in files.lock().map(|v| v.clone()).unwrap_or_default() {
        let _ = std::fs::remove_file(p);
    }
    eprintln!("kp-triage: interrupted by {}", interrupt::name(sig));
    std::process::exit(128 + sig)
}
