//! The kp-triage binary: parse arguments, run a command, print, exit.

mod cli;
mod cmd;

use cli::{Command, Invocation};
use std::io;
use std::process::ExitCode;

pub use cli::exit::Exit;

fn main() -> ExitCode {
    let code = match cli::parse(std::env::args_os().collect()).and_then(run) {
        Ok(code) => code,
        // `analyze` keeps its verdict's status through a closed pipe itself;
        // for the other commands, a reader that stopped early (`| head`) is
        // a normal end.
        Err(e) if is_broken_pipe(&e) => Exit::Clean,
        Err(e) => {
            // An error may quote a log line or a pack sample: redact it too.
            let msg = format!("{e:#}");
            eprintln!(
                "kp-triage: error: {}",
                kp_triage::redact::Redactor::default().redact(&msg)
            );
            Exit::Error
        }
    };
    ExitCode::from(code.code())
}

fn run(inv: Invocation) -> anyhow::Result<Exit> {
    match &inv.command {
        Command::Analyze(args) => cmd::analyze::run(args, inv.color),
        Command::Fetch(f) => cmd::fetch::run(f),
        Command::Patterns(p) => cmd::patterns::run(p),
        Command::Completions { shell } => cmd::generate::completions(*shell),
        Command::Man { command } => cmd::generate::man(command),
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
