//! `kp-triage analyze`: files, stdin, or a LogDNA export fetched first.

use crate::cli::logdna::FetchWindow;
use crate::cli::AnalyzeArgs;
use crate::Exit;
use anyhow::Context;
use kp_triage::analyze;
use kp_triage::config::{Config, WindowSpec};
use kp_triage::fetch::interrupt::Interrupt;
use kp_triage::fetch::{logdna, neutralise};
use kp_triage::redact::Redactor;
use kp_triage::report;
use kp_triage::source::InputSpec;
use std::io::{self, IsTerminal, Write};

/// What the command line resolves to, once: the engine's configuration
/// (its inputs found: the pods' logs, a fetched export), how to draw the
/// report, and the secrets the run holds. Nothing changes it afterwards.
struct Resolved {
    cfg: Config,
    style: report::Style,
    secrets: Vec<String>,
    /// Keeps a fetched export on disk until the analysis is done.
    _spool: Option<tempfile::NamedTempFile>,
}

fn resolve(args: &AnalyzeArgs, color: bool) -> anyhow::Result<Resolved> {
    let mut cfg = args.to_config()?;
    super::live::apply_alert(args, &mut cfg)?;
    if args.kubectl {
        super::live::kubectl_inputs(&mut cfg, args.follow)?;
    }
    cfg.now = Some(kp_triage::time::now());
    let mut secrets = Vec::new();
    let spool = if args.logdna {
        Some(fetch_into(args, &mut cfg, &mut secrets)?)
    } else if args.cloudlogs {
        Some(cloudlogs_into(args, &mut cfg, &mut secrets)?)
    } else {
        None
    };
    let style = report::Style {
        color,
        width: args.width.map_or_else(terminal_width, usize::from),
        unicode: color && crate::cli::color::utf8_locale(),
    };
    Ok(Resolved {
        cfg,
        style,
        secrets,
        _spool: spool,
    })
}

pub fn run(args: &AnalyzeArgs, color: bool) -> anyhow::Result<Exit> {
    let run = resolve(args, color)?;
    let redactor = Redactor::new(run.secrets.clone());
    say_stdin_wait(&run.cfg);
    if args.follow {
        return super::follow::run(&run.cfg, &redactor, args.output_format(), run.style);
    }
    let triage = kp_triage::engine::analyze(&run.cfg, &redactor)?;
    match write_report(&triage, args.output_format(), run.style) {
        // The reader stopped early (`| head`): the verdict stands all the same.
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {}
        written => written.context("writing the report")?,
    }
    for e in triage.input_errors() {
        crate::eprint_error(e);
    }
    super::print_partial(&triage);
    Ok(Exit::of(&triage))
}

/// With nothing piped in and no file named, a terminal would wait in
/// silence for a log typed at it: say what it waits for.
fn say_stdin_wait(cfg: &Config) {
    let stdin = cfg.inputs.is_empty() || cfg.inputs.contains(&InputSpec::Stdin);
    if stdin && io::stdin().is_terminal() {
        eprintln!("kp-triage: reading the log from stdin (Ctrl-D ends it; see --help)");
    }
}

/// COLUMNS when set to a number, else the width of the terminal on stdout,
/// else the default for a pipe.
fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|&c| c > 0)
        .or_else(|| terminal_size::terminal_size_of(io::stdout()).map(|(w, _)| usize::from(w.0)))
        .unwrap_or(report::DEFAULT_WIDTH)
}

fn write_report(
    triage: &analyze::Triage,
    format: report::OutputFormat,
    style: report::Style,
) -> io::Result<()> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    report::render(triage, format, style, &mut out)?;
    out.flush()
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
    secrets.extend(key.wire_forms());
    if let Some(userinfo) = o.url_secret() {
        secrets.extend(userinfo.split(':').map(String::from));
        secrets.push(userinfo);
    }
    let [since, from, to] = super::live::fetch_window(args, cfg);
    let window = FetchWindow {
        since: since.as_deref(),
        from: from.as_deref(),
        to: to.as_deref(),
    };
    let req = o.request(&window, cfg.app.clone())?;
    let source = Source {
        name: "logdna",
        base_url: &req.base_url,
        key: &key,
        window_given: window.since.is_some() || window.from.is_some() || window.to.is_some(),
    };
    let net = o.net()?;
    spool(&source, cfg, |out, interrupt, events| {
        logdna::fetch(&req, &key, &net, &o.limits(), out, interrupt, events)
    })
}

/// `--cloudlogs`: the query results into a temporary file, as `fetch_into`
/// does for LogDNA. `--region`, `--query`, `--retries`, `--timeout` and
/// `--allow-http` are the ones the LogDNA options define.
fn cloudlogs_into(
    args: &AnalyzeArgs,
    cfg: &mut Config,
    secrets: &mut Vec<String>,
) -> anyhow::Result<tempfile::NamedTempFile> {
    let o = &args.cloudlogs_opts;
    let l = &args.logdna_opts;
    let key = o.key()?;
    secrets.extend(key.wire_forms());
    let sh = crate::cli::cloudlogs::Shared {
        region: l.region.as_deref(),
        query: l.query.as_deref(),
        retries: l.retries,
        timeout: l.timeout,
        allow_http: l.allow_http,
        cacert: l.cacert.as_deref(),
    };
    let [since, from, to] = super::live::fetch_window(args, cfg);
    let window = FetchWindow {
        since: since.as_deref(),
        from: from.as_deref(),
        to: to.as_deref(),
    };
    // --all-apps (no app) selects every container in the namespace.
    let req = o.request(&sh, &window, cfg.app.as_deref())?;
    let source = Source {
        name: "cloudlogs",
        base_url: &req.base_url,
        key: &key,
        window_given: true,
    };
    let net = o.net(&sh)?;
    spool(&source, cfg, |out, interrupt, events| {
        kp_triage::fetch::cloudlogs::fetch(&req, &key, &net, &o.limits(), out, interrupt, events)
    })
}

/// Where a fetch reads from, for the spool's name, label and errors.
struct Source<'a> {
    name: &'static str,
    base_url: &'a str,
    key: &'a kp_triage::fetch::ServiceKey,
    /// The window chose what to fetch: the analysis then takes all of it.
    window_given: bool,
}

/// Runs a fetch into a temporary file and points the config at it. A fetch
/// that fails after some lines keeps the file and names it; one that is
/// interrupted removes it.
fn spool(
    src: &Source<'_>,
    cfg: &mut Config,
    fetch: impl FnOnce(
        &mut dyn Write,
        &Interrupt,
        &mut dyn FnMut(kp_triage::fetch::Event<'_>),
    ) -> Result<kp_triage::fetch::Progress, kp_triage::fetch::FetchError>,
) -> anyhow::Result<tempfile::NamedTempFile> {
    let signals = super::signals::Signals::watch().context("watching for SIGINT and SIGTERM")?;
    let mut spool = tempfile::Builder::new()
        .prefix(&format!("kp-triage-{}-", src.name))
        .suffix(".jsonl")
        .tempfile()
        .context("creating a temporary file for the fetched lines")?;
    signals.remove_on_exit(spool.path().to_path_buf());
    let (bar, mut events) = super::fetch::reporter();
    let fetched = fetch(
        &mut io::BufWriter::new(spool.as_file_mut()),
        &signals.interrupt,
        &mut events,
    );
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    if let Err(e) = fetched {
        let e = if e.progress.lines == 0 {
            e
        } else if e.signal().is_some() {
            e.kept("the temporary file holding them was removed")
        } else {
            match spool.keep() {
                Ok((_, path)) => {
                    let p = neutralise(&path.display().to_string()).into_owned();
                    e.kept(format!(
                        "nothing was analysed, and they are kept in {p} (analyse them with `kp-triage analyze {p}`)"
                    ))
                }
                Err(k) => e.kept(format!("they could not be kept ({})", k.error)),
            }
        };
        return Err(super::without_key(e, src.key.expose()));
    }
    cfg.inputs = vec![InputSpec::Labeled {
        path: spool.path().to_path_buf(),
        label: format!("{}:{}", src.name, host_of(src.base_url)),
    }];
    if src.window_given {
        cfg.window = WindowSpec::default();
    }
    Ok(spool)
}

fn host_of(url: &str) -> &str {
    url.split("://")
        .nth(1)
        .unwrap_or(url)
        .split('/')
        .next()
        .unwrap_or(url)
        .rsplit('@')
        .next()
        .unwrap_or(url)
}
