//! The command line as run: clap's matches (with the `KP_TRIAGE_*`
//! variables), then the config file under what neither set.

use super::{color, defaults, env, exit, help, Cli, Command, PatternsCommand};
use clap::{ArgMatches, CommandFactory, FromArgMatches};
use std::ffi::OsString;
use std::io::IsTerminal;

/// The command line as run: the command, with the defaults from the
/// environment and the config file filled in, and the colour decided.
pub struct Invocation {
    pub command: Command,
    pub color: bool,
}

/// Parses the arguments (clap prints help, version and usage errors and
/// exits; it also reads the `KP_TRIAGE_*` variables), then layers the config
/// file under what neither set. With no command, piped stdin means `analyze`.
pub fn parse(mut args: Vec<OsString>) -> anyhow::Result<Invocation> {
    let bin = help::bin_name(args.first().map(OsString::as_os_str));
    let matches_of = |args: &[OsString]| {
        help::command(&bin)
            .try_get_matches_from(args)
            .unwrap_or_else(|e| {
                let e = env::name_the_variable(e, args, help::command(&bin));
                crate::usage_exit(e)
            })
    };
    let mut matches = matches_of(&args);
    if matches.subcommand_name().is_none() {
        if std::io::stdin().is_terminal() {
            eprint!("{}", help::command(&bin).render_help());
            std::process::exit(exit::Exit::Error.code().into());
        }
        args.push("analyze".into());
        matches = matches_of(&args);
    }
    let cli = Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut Cli::command()))?;
    let mut command = cli.command.expect("a command, given or implied");
    let d = match command {
        Command::Analyze(_) | Command::Patterns(PatternsCommand::List { .. }) => {
            defaults::Defaults::load()?
        }
        _ => defaults::Defaults::default(),
    };
    let sub = matches.subcommand().map(|(_, m)| m);
    let mut color = cli.color;
    match (&mut command, sub) {
        (Command::Analyze(a), Some(m)) => {
            d.apply(a, m);
            // `kp-triage --color always < pod.log`: before the implied command.
            if !given(m, "color") && given(&matches, "color") {
                a.color = cli.color;
            }
            color = a.color;
        }
        (Command::Patterns(PatternsCommand::List { patterns }), Some(m)) => {
            if !defaults::set(m.subcommand().map(|(_, m)| m), "patterns") {
                *patterns = d.patterns.clone().unwrap_or_default();
            }
            patterns.retain(|p| !p.as_os_str().is_empty());
        }
        _ => {}
    }
    Ok(Invocation {
        command,
        color: color::enabled(color),
    })
}

/// True when the user gave this argument on the command line.
fn given(m: &ArgMatches, id: &str) -> bool {
    m.value_source(id) == Some(clap::parser::ValueSource::CommandLine)
}
