//! The kp-triage binary: parse arguments, run the library, print, exit.

mod cli;

use anyhow::Context;
use clap::Parser;
use cli::{Cli, Command, PatternsCommand};
use kp_triage::analyze;
use kp_triage::classify::pack::{Pack, Target, DEFAULT_PACK};
use kp_triage::config::Config;
use kp_triage::redact::Redactor;
use kp_triage::report;
use std::io::{self, Write};
use std::process::ExitCode;

/// Documented exit statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Exit {
    /// Nothing failing.
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
            eprintln!("kp-triage: error: {e:#}");
            Exit::Error
        }
    };
    ExitCode::from(code as u8)
}

fn run(cli: &Cli) -> anyhow::Result<Exit> {
    match &cli.command {
        Command::Analyze(args) => {
            let cfg = args.to_config()?;
            analyze_and_print(&cfg, args.output_format())
        }
        Command::Patterns(p) => patterns(p),
    }
}

fn analyze_and_print(cfg: &Config, format: report::OutputFormat) -> anyhow::Result<Exit> {
    let redactor = Redactor::default();
    let triage = analyze::analyze(cfg, &redactor)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    report::render(&triage, format, &mut out).context("writing the report")?;
    out.flush().context("writing the report")?;
    Ok(if triage.has_failures() {
        Exit::Failures
    } else {
        Exit::Clean
    })
}

fn patterns(cmd: &PatternsCommand) -> anyhow::Result<Exit> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    match cmd {
        PatternsCommand::Default => out.write_all(DEFAULT_PACK.as_bytes())?,
        PatternsCommand::Keywords => {
            for k in Pack::builtin()?.keywords() {
                writeln!(out, "{k}")?;
            }
        }
        PatternsCommand::List { patterns } => {
            let cfg = Config {
                pattern_files: patterns.clone(),
                ..Config::default()
            };
            list(&analyze::load_pack(&cfg)?, &mut out)?;
        }
        PatternsCommand::Check { files, standalone } => {
            for f in files {
                let cfg = Config {
                    pattern_files: vec![f.clone()],
                    replace_default_patterns: *standalone,
                    ..Config::default()
                };
                let pack = analyze::load_pack(&cfg)?;
                let samples: usize = pack
                    .rules
                    .iter()
                    .map(|r| r.samples.len() + r.not_samples.len())
                    .sum();
                writeln!(
                    out,
                    "{}: ok ({} categories, {} rules, {samples} samples checked)",
                    f.display(),
                    pack.categories.len(),
                    pack.rules.len()
                )?;
            }
        }
    }
    out.flush()?;
    Ok(Exit::Clean)
}

fn list(pack: &Pack, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "Pack: {}\n", pack.origins.join(" + "))?;
    for (i, c) in pack.categories.iter().enumerate() {
        writeln!(
            out,
            "{} ({:?}): {}\n  action: {}",
            c.id, c.kind, c.title, c.action
        )?;
        for r in pack
            .rules
            .iter()
            .filter(|r| r.target == Target::Category(i as u16))
        {
            writeln!(
                out,
                "  rule {} [{:?}] keywords: {}",
                r.id,
                r.strength,
                r.keywords.join(", ")
            )?;
        }
    }
    writeln!(out, "\nmarkers:")?;
    for r in pack
        .rules
        .iter()
        .filter(|r| matches!(r.target, Target::Marker(_)))
    {
        writeln!(out, "  rule {} keywords: {}", r.id, r.keywords.join(", "))?;
    }
    Ok(())
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<kp_triage::error::Error>()
                .is_some_and(|k| k.is_broken_pipe())
    })
}
