//! The kp-triage binary: parse arguments, run a command, print, exit.

mod cli;
mod cmd;

use cli::{Command, Invocation};
use std::io;
use std::process::ExitCode;

pub use cli::exit::Exit;

fn main() -> ExitCode {
    steady_allocator();
    let code = match cli::parse(std::env::args_os().collect()).and_then(run) {
        Ok(code) => code,
        // `analyze` keeps its verdict's status through a closed pipe itself;
        // for the other commands, a reader that stopped early (`| head`) is
        // a normal end.
        Err(e) if is_broken_pipe(&e) => Exit::Clean,
        Err(e) => {
            // An error may quote a log line, a pack sample or a server's
            // reply: redacted and neutralised like everything on stderr.
            eprint_error(&message(&e));
            // A fetch ended by SIGINT or SIGTERM exits 130 or 143, as a shell expects.
            if let Some(code) = cmd::signal_exit(&e) {
                return ExitCode::from(code);
            }
            Exit::Error
        }
    };
    ExitCode::from(code.code())
}

/// glibc raises its mmap threshold whenever a large block is freed; large
/// blocks then come from the threads' arenas and fragment them, and peak
/// RSS creeps up with the input's length (100 MB to 1 GiB at the same
/// rotation activity: +14%, and +4% to +9% with the threshold held at its
/// default, the 100 MB figure moving by a few percent from run to run).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn steady_allocator() {
    // SAFETY: sets one allocator parameter, before any other thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn steady_allocator() {}

/// clap's errors quote the arguments, which may hold anything: each line
/// goes through the same redactor and neutraliser as every other stderr
/// line. Help and version are not errors and print as clap prints them.
pub fn usage_exit(e: clap::Error) -> ! {
    if !e.use_stderr() {
        e.exit();
    }
    let text = e.render().to_string();
    for line in text.trim_end().lines() {
        eprintln!("{}", kp_triage::term::stderr_line(line));
    }
    std::process::exit(e.exit_code())
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

/// Prints `kp-triage: error: MSG`, redacted and neutralised like every
/// stderr line; a message of several lines keeps them, indented.
pub fn eprint_error(msg: &str) {
    eprintln!("kp-triage: error: {}", kp_triage::term::stderr_message(msg));
}

/// The error and its causes, each said once: a library error that wraps
/// another often says it already, and `{:#}` would repeat it.
fn message(e: &anyhow::Error) -> String {
    kp_triage::error::full(e.as_ref())
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<kp_triage::error::Error>()
                .is_some_and(|k| k.is_broken_pipe())
    })
}
