//! `kp-triage fetch logdna`: the raw export as JSON Lines, to share or analyse later.

use crate::cli::logdna::FetchWindow;
use crate::cli::{FetchCommand, FetchLogdnaArgs};
use crate::Exit;
use anyhow::Context;
use kp_triage::fetch::logdna;
use std::fs::File;
use std::io::{self, BufWriter, Write};

pub fn run(cmd: &FetchCommand) -> anyhow::Result<Exit> {
    match cmd {
        FetchCommand::Logdna(args) => logdna_export(args),
    }
}

fn logdna_export(args: &FetchLogdnaArgs) -> anyhow::Result<Exit> {
    let o = &args.logdna;
    let key = o.key()?;
    let window = FetchWindow {
        since: args.since.as_deref(),
        from: args.from.as_deref(),
        to: args.to.as_deref(),
    };
    let req = o.request(&window, Some(args.app.clone()))?;
    let mut out: Box<dyn Write> = match &args.output {
        Some(p) => Box::new(BufWriter::new(
            File::create(p).with_context(|| format!("creating {}", p.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    let (bar, mut progress) = super::fetch_progress();
    let fetched = logdna::fetch(&req, &key, &o.net(), &mut out, &mut progress);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let p = fetched.map_err(|e| super::without_key(e, key.expose()))?;
    out.flush()?;
    if args.output.is_some() {
        eprintln!(
            "kp-triage: fetched {} lines in {} pages ({} retries)",
            p.lines, p.pages, p.retries
        );
    }
    Ok(Exit::Clean)
}
