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
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let code = match run(&cli) {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => Exit::Clean,
        Err(e) => {
            // An error may quote a log line, a pack sample or a server's
            // reply: redacted and neutralised like everything on stderr.
            kp_triage::term::eprint_error(&format!("{e:#}"));
            Exit::Error
        }
    };
    ExitCode::from(code as u8)
}

/// clap's errors quote the arguments, which may hold anything: each line
/// goes through the same redactor and neutraliser as every other stderr
/// line. Help and version are not errors and print as clap prints them.
fn usage_error(e: clap::Error) -> ExitCode {
    if !e.use_stderr() {
        e.exit();
    }
    let text = e.render().to_string();
    for line in text.trim_end().lines() {
        eprintln!("{}", kp_triage::term::stderr_line(line));
    }
    ExitCode::from(e.exit_code() as u8)
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
