//! The kp-triage binary: parse arguments, run a command, print, exit.

mod cli;
mod cmd;

use clap::Parser;
use cli::{Cli, Command};
use std::io;
use std::process::ExitCode;

/// Documented exit statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Nothing failing (or a command other than analyze succeeded).
    Clean = 0,
    /// Failures found.
    Failures = 1,
    /// A usage or input error.
    Error = 2,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match run(&cli) {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => Exit::Clean,
        Err(e) => {
            // An error may quote a log line or a pack sample: redact it too.
            let msg = format!("{e:#}");
            eprintln!(
                "kp-triage: error: {}",
                kp_triage::redact::Redactor::default().redact(&msg)
            );
            // A fetch ended by SIGINT or SIGTERM exits 130 or 143, as a shell expects.
            if let Some(code) = kp_triage::fetch::signal_exit(&e) {
                return ExitCode::from(code);
            }
            Exit::Error
        }
    };
    ExitCode::from(code as u8)
}

fn run(cli: &Cli) -> anyhow::Result<Exit> {
    match &cli.command {
        Command::Analyze(args) => cmd::analyze::run(args),
        Command::Fetch(f) => cmd::fetch::run(f),
        Command::Patterns(p) => cmd::patterns::run(p),
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<kp_triage::error::Error>()
                .is_some_and(|k| k.is_broken_pipe())
    })
}
