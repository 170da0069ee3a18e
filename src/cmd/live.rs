//! `analyze --alert` and `analyze --kubectl`: the alert read and turned into
//! a window, and the pods found and their logs made the inputs.

use crate::cli::AnalyzeArgs;
use anyhow::{bail, Context};
use kp_triage::alert::{self, Alert};
use kp_triage::config::Config;
use kp_triage::live::kubectl::Since;
use kp_triage::source::InputSpec;
use std::io::{IsTerminal, Read};

/// Alert text longer than this is not a pasted alert.
const ALERT_MAX: u64 = 1 << 20;

/// Reads and parses `--alert`. Its window becomes the analysis window
/// unless --since/--until/--from/--to set one: back from the time it fired
/// when the text says, else from the latest record.
pub fn apply_alert(args: &AnalyzeArgs, cfg: &mut Config) -> anyhow::Result<()> {
    let Some(path) = &args.alert else {
        return Ok(());
    };
    let stdin = path == "-";
    let logs_on_stdin = args.files.is_empty() || args.files.iter().any(|f| f == "-");
    if stdin && !args.kubectl && !args.logdna && logs_on_stdin {
        bail!("--alert - reads the alert from stdin, so the logs cannot come from there too: name the log files, or use --kubectl");
    }
    let text = read_alert(path)?;
    let a = alert::parse(&text).with_context(|| format!("--alert {path}"))?;
    if !cfg.window.is_set() {
        window_of(&a, cfg);
    }
    cfg.alert = Some(a);
    Ok(())
}

fn window_of(a: &Alert, cfg: &mut Config) {
    match (a.window, a.at) {
        (Some(w), Some(at)) => {
            cfg.window.from = Some(at.saturating_sub(w));
            cfg.window.to = Some(at);
        }
        (Some(w), None) => cfg.window.since = Some(w),
        (None, Some(at)) => cfg.window.to = Some(at),
        (None, None) => {}
    }
}

/// What a fetch (`--logdna`) asks for: --since/--from/--to as given, or,
/// with none of them, the window `--alert` set.
pub fn fetch_window(args: &AnalyzeArgs, cfg: &Config) -> [Option<String>; 3] {
    let w = &cfg.window;
    let given = args.since.is_some() || args.from.is_some() || args.to.is_some();
    if given || cfg.alert.is_none() || (w.since.is_none() && w.from.is_none()) {
        return [args.since.clone(), args.from.clone(), args.to.clone()];
    }
    [
        w.since.map(|d| format!("{}s", d.as_secs())),
        w.from.map(|t| t.rfc3339()),
        w.to.map(|t| t.rfc3339()),
    ]
}

fn read_alert(path: &str) -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    let read = if path == "-" {
        if std::io::stdin().is_terminal() {
            eprintln!("kp-triage: reading the alert from stdin (paste it, then Ctrl-D)");
        }
        std::io::stdin().take(ALERT_MAX).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(ALERT_MAX).read_to_end(&mut bytes))
    };
    read.with_context(|| format!("cannot read the alert from {path}"))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Finds the pods and makes each container's log an input. How far back
/// comes from --since/--from, or from the alert's window; with `follow`,
/// each current log is followed.
pub fn kubectl_inputs(cfg: &mut Config, follow: bool) -> anyhow::Result<()> {
    let target = &cfg.kube;
    let pods = target.pods()?;
    let since = match (cfg.window.from, cfg.window.since) {
        (Some(from), _) => Some(Since::Time(from)),
        (None, Some(span)) => Some(Since::Span(span)),
        (None, None) => None,
    };
    let (streams, notes) = target.streams(&pods, since, follow);
    for n in notes {
        eprintln!(
            "{}",
            kp_triage::term::stderr_line(&format!("kp-triage: {n}"))
        );
    }
    if streams.is_empty() {
        bail!(
            "the pods that match {} in namespace {} have no container with a log yet",
            target.selector,
            target.namespace
        );
    }
    if std::io::stderr().is_terminal() {
        let context = target.context.as_deref().unwrap_or("the current context");
        eprintln!(
            "{}",
            kp_triage::term::stderr_line(&format!(
                "kp-triage: reading {} logs of {} pods ({}, -n {}, -l {})",
                streams.len(),
                pods.len(),
                context,
                target.namespace,
                target.selector
            ))
        );
    }
    cfg.inputs = streams.into_iter().map(InputSpec::Kubectl).collect();
    Ok(())
}
