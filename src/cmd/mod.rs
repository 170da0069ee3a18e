//! The binary's commands: each turns parsed arguments into library calls and
//! writes the result to the terminal.

pub mod analyze;
pub mod fetch;
pub mod follow;
pub mod generate;
pub mod live;
pub mod patterns;
pub mod signals;

use indicatif::{ProgressBar, ProgressStyle};
use kp_triage::fetch::logdna::Progress;
use std::io::IsTerminal;

/// A fetch error with every occurrence of the key replaced: a server's reply
/// quoted in a message must not carry it to the terminal.
pub fn without_key(e: kp_triage::fetch::logdna::FetchError, key: &str) -> anyhow::Error {
    let msg = e.to_string();
    if key.is_empty() || !msg.contains(key) {
        return anyhow::Error::new(e);
    }
    anyhow::Error::msg(msg.replace(key, "<redacted:key>"))
}

/// The exit status of a process ended by an interrupted fetch (130, 143).
pub fn signal_exit(e: &anyhow::Error) -> Option<u8> {
    e.chain()
        .find_map(|c| c.downcast_ref::<kp_triage::fetch::FetchError>())
        .and_then(kp_triage::fetch::FetchError::signal)
        .map(|s| (128 + s).clamp(0, 255) as u8)
}

/// A spinner on stderr for long fetches; nothing when stderr is not a terminal.
pub fn fetch_progress() -> (Option<ProgressBar>, impl FnMut(&Progress)) {
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = ProgressBar::new_spinner();
        b.set_style(
            ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .expect("a constant template"),
        );
        b.enable_steady_tick(std::time::Duration::from_millis(120));
        b
    });
    let shown = bar.clone();
    let update = move |p: &Progress| {
        if let Some(b) = &shown {
            b.set_message(format!(
                "fetching: {} pages or queries, {} lines, {} retries",
                p.pages, p.lines, p.retries
            ));
        }
    };
    (bar, update)
}

/// What the sources said of their own result being partial.
pub fn print_partial(triage: &kp_triage::analyze::Triage) {
    for (name, e) in triage.partial_results() {
        crate::eprint_error(&format!(
            "PARTIAL RESULT: {name} reports an error: {e}; the triage covers only the results before it"
        ));
    }
}
