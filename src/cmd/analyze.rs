//! `kp-triage analyze`: files, stdin, or a LogDNA export fetched first.

use crate::cli::logdna::FetchWindow;
use crate::cli::AnalyzeArgs;
use crate::Exit;
use anyhow::Context;
use kp_triage::analyze;
use kp_triage::config::{Config, WindowSpec};
use kp_triage::fetch::logdna;
use kp_triage::redact::Redactor;
use kp_triage::report;
use kp_triage::source::InputSpec;
use kp_triage::verdict::Decision;
use std::io::{self, Write};

pub fn run(args: &AnalyzeArgs, color: bool) -> anyhow::Result<Exit> {
    let mut cfg = args.to_config()?;
    cfg.color = color;
    let mut secrets = Vec::new();
    // Keeps the spooled export alive until the analysis is done.
    let _spool = if args.logdna {
        Some(fetch_into(args, &mut cfg, &mut secrets)?)
    } else {
        None
    };
    let redactor = Redactor::new(secrets);
    let triage = analyze::analyze(&cfg, &redactor)?;
    match write_report(&triage, args.output_format()) {
        // The reader stopped early (`| head`): the verdict stands all the same.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        written => written.context("writing the report")?,
    }
    for e in triage.input_errors() {
        kp_triage::term::eprint_error(e);
    }
    Ok(exit_status(&triage))
}

fn write_report(triage: &analyze::Triage, format: report::OutputFormat) -> io::Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    report::render(triage, format, &mut out)?;
    out.flush()
}

/// The status for scripts: an unreadable input beats the verdict, because
/// the part not read could change it (see `Exit`).
fn exit_status(triage: &analyze::Triage) -> Exit {
    // The verdict weighs every cluster, so the status does too, whatever
    // --cluster/--crn narrowed the tables to.
    match triage.verdict.verdict {
        _ if triage.input_errors().next().is_some() => Exit::Error,
        Decision::Hold | Decision::Recommended | Decision::Wait => Exit::Failures,
        Decision::NotNeeded if !triage.unattributed.is_empty() => Exit::Failures,
        Decision::NotNeeded => Exit::Clean,
        Decision::NoEvidence => Exit::NoEvidence,
    }
}

/// Fetches the export into a temporary file and points the config at it.
/// --since/--from/--to chose what to fetch, so the analysis takes all of it.
fn fetch_into(
    args: &AnalyzeArgs,
    cfg: &mut Config,
    secrets: &mut Vec<String>,
) -> anyhow::Result<tempfile::NamedTempFile> {
    let o = &args.logdna_opts;
    let key = o.key()?;
    secrets.push(key.expose().to_string());
    let window = FetchWindow {
        since: args.since.as_deref(),
        from: args.from.as_deref(),
        to: args.to.as_deref(),
    };
    let req = o.request(&window, cfg.app.clone())?;
    let mut spool =
        tempfile::NamedTempFile::new().context("creating a temporary file for the export")?;
    let (bar, mut progress) = super::fetch_progress();
    let fetched = logdna::fetch(
        &req,
        &key,
        &o.net(),
        &mut io::BufWriter::new(spool.as_file_mut()),
        &mut progress,
    );
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    fetched.map_err(|e| super::without_key(e, key.expose()))?;
    cfg.inputs = vec![InputSpec::Labeled {
        path: spool.path().to_path_buf(),
        label: format!("logdna:{}", host_of(&req.base_url)),
    }];
    cfg.window = WindowSpec::default();
    Ok(spool)
}

fn host_of(url: &str) -> &str {
    url.split("://")
        .nth(1)
        .unwrap_or(url)
        .split('/')
        .next()
        .unwrap_or(url)
}
