//! `kp-triage fetch logdna|cloudlogs`: the raw export or query results as
//! JSON Lines, to share or analyse later.

use super::signals::Signals;
use crate::cli::{FetchCloudlogsArgs, FetchCommand, FetchLogdnaArgs};
use crate::Exit;
use anyhow::Context;
use indicatif::ProgressBar;
use kp_triage::fetch::interrupt::Interrupt;
use kp_triage::fetch::output::Output;
use kp_triage::fetch::{cloudlogs, logdna, neutralise, plural, Event, FetchError, Progress, Stop};
use std::io::{self, BufWriter, Write};
use std::path::Path;

pub fn run(cmd: &FetchCommand) -> anyhow::Result<Exit> {
    match cmd {
        FetchCommand::Logdna(args) => logdna_export(args),
        FetchCommand::Cloudlogs(args) => cloudlogs_results(args),
    }
}

/// The options `fetch cloudlogs` shares with `analyze`'s LogDNA options.
pub fn shared(args: &FetchCloudlogsArgs) -> crate::cli::cloudlogs::Shared<'_> {
    crate::cli::cloudlogs::Shared {
        region: args.region.as_deref(),
        query: args.query.as_deref(),
        retries: args.retries,
        timeout: args.timeout,
        allow_http: args.allow_http,
        cacert: args.cacert.as_deref(),
    }
}

fn cloudlogs_results(args: &FetchCloudlogsArgs) -> anyhow::Result<Exit> {
    let o = &args.cloudlogs;
    let key = o.key()?;
    let sh = shared(args);
    let window = args.window.window();
    let req = o.request(&sh, &window, Some(&args.app))?;
    let (net, limits) = (o.net(&sh)?, o.limits());
    export(
        args.output.as_deref(),
        &key,
        ["result", "results", "query", "queries"],
        |out, interrupt, events| {
            cloudlogs::fetch(&req, &key, &net, &limits, out, interrupt, events)
        },
    )
}

fn logdna_export(args: &FetchLogdnaArgs) -> anyhow::Result<Exit> {
    let o = &args.logdna;
    let key = o.key()?;
    let window = args.window.window();
    let req = o.request(&window, Some(args.app.clone()))?;
    let (net, limits) = (o.net()?, o.limits());
    export(
        args.output.as_deref(),
        &key,
        ["line", "lines", "page", "pages"],
        |out, interrupt, events| logdna::fetch(&req, &key, &net, &limits, out, interrupt, events),
    )
}

/// A fetch to `-o` ([`Output`]: atomically to a file, directly to a device,
/// a FIFO or stdout) or to stdout, with progress on a terminal; `units` name
/// what it counts (lines and pages, or results and queries).
fn export(
    output: Option<&Path>,
    key: &kp_triage::fetch::ServiceKey,
    units: [&str; 4],
    fetch: impl FnOnce(
        &mut dyn Write,
        &Interrupt,
        &mut dyn FnMut(Event<'_>),
    ) -> Result<Progress, FetchError>,
) -> anyhow::Result<Exit> {
    // A folder or an unwritable place is refused before anything is fetched.
    let out = match output {
        Some(p) => Output::open(p)?,
        None => Output::Stdout(BufWriter::new(io::stdout())),
    };
    let signals = Signals::watch().context("watching for SIGINT and SIGTERM")?;
    let (bar, mut events) = reporter();
    if let Output::File(f) = &out {
        signals.remove_on_exit(f.temp_path().to_path_buf());
        for p in &f.removed {
            let p = neutralise(&p.display().to_string()).into_owned();
            events(Event::Notice(&format!(
                "removed {p}, the temporary file of an earlier run that was killed"
            )));
        }
    }
    let fetched = to_output(out, output, |w| fetch(w, &signals.interrupt, &mut events));
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let p = fetched.map_err(|e| super::without_key(e, key.expose()))?;
    if output.is_some_and(|p| p.as_os_str() != "-") {
        eprintln!(
            "kp-triage: fetched {} in {} ({})",
            plural(p.lines, units[0], units[1]),
            plural(p.pages, units[2], units[3]),
            plural(p.retries, "retry", "retries")
        );
    }
    Ok(Exit::Clean)
}

/// Runs the fetch into `out`. On success a file is renamed over its target;
/// on failure the target is untouched, and the lines fetched, if any, are
/// kept in `FILE.partial` (or were written where `-o` points when that is
/// not a file); the error says which.
fn to_output(
    mut out: Output,
    path: Option<&Path>,
    fetch: impl FnOnce(&mut dyn Write) -> Result<Progress, FetchError>,
) -> Result<Progress, FetchError> {
    let shown = |p: &Path| neutralise(&p.display().to_string()).into_owned();
    let fetched = fetch(out.writer());
    let e = match fetched {
        Ok(p) => {
            return out.commit().map(|()| p).map_err(|e| {
                let into = path.map_or_else(|| "stdout".to_string(), shown);
                FetchError::new(Stop::Write(e), p)
                    .kept(format!("they could not be written to {into}"))
            })
        }
        Err(e) => e,
    };
    let shown_path = path.filter(|p| p.as_os_str() != "-");
    let f = match out {
        Output::File(f) => f,
        // Written in place already: nothing to keep or leave unchanged.
        direct => {
            let _ = direct.commit();
            if e.progress.lines == 0 {
                return Err(e);
            }
            let into = shown_path.map_or_else(|| "stdout".to_string(), shown);
            return Err(e.kept(format!("they were written to {into}")));
        }
    };
    if e.progress.lines == 0 {
        let unchanged = shown_path.map_or_else(String::new, |p| {
            format!("Nothing was fetched, and {} is unchanged.", shown(p))
        });
        return Err(e.kept(unchanged));
    }
    let note = match f.keep_partial() {
        Ok(partial) => format!("they are kept in {}", shown(&partial)),
        Err(io) => format!("they could not be kept ({io})"),
    };
    Err(e.kept(note))
}

/// Progress on a terminal spinner, and notices (waits, retries, doubtful
/// lines) on stderr above it, neutralised: they may quote the server.
pub fn reporter() -> (Option<ProgressBar>, impl FnMut(Event<'_>)) {
    let (bar, mut progress) = super::fetch_progress();
    let shown = bar.clone();
    let report = move |e: Event<'_>| match e {
        Event::Page(p) => progress(p),
        Event::Notice(m) => {
            let line = format!("kp-triage: {}", neutralise(m));
            match &shown {
                Some(b) => b.suspend(|| eprintln!("{line}")),
                None => eprintln!("{line}"),
            }
        }
    };
    (bar, report)
}
