//! `kp-triage fetch logdna|cloudlogs`: the raw export or query results as
//! JSON Lines, to share or analyse later.

use crate::cli::{FetchCloudlogsArgs, FetchCommand, FetchLogdnaArgs};
use crate::Exit;
use anyhow::Context;
use indicatif::ProgressBar;
use kp_triage::fetch::interrupt::Interrupt;
use kp_triage::fetch::output::AtomicFile;
use kp_triage::fetch::{cloudlogs, logdna, neutralise, plural, Event, FetchError, Progress};
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
    }
}

fn cloudlogs_results(args: &FetchCloudlogsArgs) -> anyhow::Result<Exit> {
    let o = &args.cloudlogs;
    let key = o.key()?;
    let sh = shared(args);
    let window = args.window.window();
    let req = o.request(&sh, &window, Some(&args.app))?;
    let (net, limits) = (o.net(&sh), o.limits());
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
    let (net, limits) = (o.net(), o.limits());
    export(
        args.output.as_deref(),
        &key,
        ["line", "lines", "page", "pages"],
        |out, interrupt, events| logdna::fetch(&req, &key, &net, &limits, out, interrupt, events),
    )
}

/// A fetch to `-o FILE` (atomically) or to stdout, with progress on a
/// terminal; `units` name what it counts (lines and pages, or results and
/// queries).
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
    let interrupt = Interrupt::on_signals().context("watching for SIGINT and SIGTERM")?;
    let (bar, mut events) = reporter();
    let mut fetch = Some(fetch);
    let mut once = |out: &mut dyn Write| {
        let f = fetch.take().expect("a fetch runs once");
        f(out, &interrupt, &mut events)
    };
    let fetched = match output {
        Some(path) => to_file(path, &interrupt, &mut once),
        None => {
            let mut out = BufWriter::new(io::stdout().lock());
            once(&mut out).map_err(|e| e.kept("they were written to stdout"))
        }
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let p = fetched.map_err(|e| super::without_key(e, key.expose()))?;
    if output.is_some() {
        eprintln!(
            "kp-triage: fetched {} in {} ({})",
            plural(p.lines, units[0], units[1]),
            plural(p.pages, units[2], units[3]),
            plural(p.retries, "retry", "retries")
        );
    }
    Ok(Exit::Clean)
}

/// Fetches into a temporary file beside `path` and renames it over `path`
/// on success. On failure `path` is untouched, and the lines fetched, if
/// any, are kept in `path.partial`; the error says which.
fn to_file(
    path: &Path,
    interrupt: &Interrupt,
    fetch: &mut dyn FnMut(&mut dyn Write) -> Result<Progress, FetchError>,
) -> Result<Progress, FetchError> {
    let shown = |p: &Path| neutralise(&p.display().to_string()).into_owned();
    let unchanged = |p: &Path| format!("Nothing was fetched, and {} is unchanged.", shown(p));
    let mut out = match AtomicFile::create(path) {
        Ok(out) => out,
        Err(e) => return Err(FetchError::write(e).kept(unchanged(path))),
    };
    interrupt.remove_on_exit(out.temp_path().to_path_buf());
    let e = match fetch(&mut out) {
        Ok(p) => {
            return match out.commit() {
                Ok(()) => Ok(p),
                Err(e) => Err(FetchError::new(kp_triage::fetch::Stop::Write(e), p)
                    .kept(format!("they could not be moved onto {}", shown(path)))),
            }
        }
        Err(e) => e,
    };
    if e.progress.lines == 0 {
        return Err(e.kept(unchanged(path)));
    }
    let note = match out.keep_partial() {
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
