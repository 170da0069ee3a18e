//! The clap command as the user runs it: named after argv[0] (`kp-triage`, or
//! `kubectl kp-triage` as a kubectl plugin), with examples, exit statuses and
//! the environment after the options. The man page takes the same lists.

use super::exit::Exit;
use super::Cli;
use clap::CommandFactory;
use std::ffi::OsStr;
use std::path::Path;

/// An example: what it does, and the command line (`{bin}` is the name run).
pub type Example = (&'static str, &'static str);

pub const EXAMPLES: &[Example] = &[
    (
        "Read every armada-kp-events pod with kubectl, led by the pasted page's cluster and window",
        "{bin} analyze --kubectl --alert page.txt",
    ),
    (
        "Triage the pod's logs (on the carrier hub)",
        "kubectl logs -n armada deploy/armada-kp-events --timestamps | {bin}",
    ),
    (
        "A pod restarted mid-incident: its --previous and current logs, merged in time order",
        "{bin} analyze old.log new.log",
    ),
    (
        "The Markdown summary for the CIE",
        "{bin} analyze -o markdown pod.log > triage.md",
    ),
    (
        "One HTML page to attach to the CIE: the timeline drawn, the evidence",
        "{bin} analyze -o html pod.log > triage.html",
    ),
    (
        "Fetch the last 2 hours from LogDNA, to analyse or share",
        "{bin} fetch logdna --region us-south --since 2h -o kp-events.jsonl",
    ),
    (
        "Install bash completions",
        "{bin} completions bash > ~/.local/share/bash-completion/completions/kp-triage",
    ),
];

pub const ANALYZE_EXAMPLES: &[Example] = &[
    (
        "Every pod's logs through kubectl, over the window of the pasted alert",
        "{bin} analyze --kubectl --alert page.txt",
    ),
    (
        "Another hub's pods (a kubeconfig context), the last 30 minutes",
        "{bin} analyze --kubectl --context prod-dal10-carrier2 --since 30m",
    ),
    (
        "Triage the pod's logs",
        "kubectl logs -n armada deploy/armada-kp-events --timestamps | {bin} analyze",
    ),
    (
        "Only the cluster the alert names, over the last 15 minutes of the log",
        "{bin} analyze --crn \"$CRN\" --since 15m pod.log",
    ),
    (
        "The verdict as JSON",
        "{bin} analyze -o json pod.log | jq .pod_restart",
    ),
    (
        "Fetch the last hour from LogDNA and analyse it",
        "{bin} analyze --logdna --region eu-de --since 1h",
    ),
];

/// The environment variables read, and what for.
pub const ENVIRONMENT: &[(&str, &str)] = &[
    (
        "KP_TRIAGE_OUTPUT",
        "default for --output (table, json, markdown, html)",
    ),
    (
        "KP_TRIAGE_PATTERNS",
        "default --patterns packs, separated by ':' as in PATH",
    ),
    (
        "KP_TRIAGE_COLOR",
        "default for --color (auto, always, never)",
    ),
    ("KP_TRIAGE_EVIDENCE", "default for --evidence"),
    ("KP_TRIAGE_THREADS", "default for --threads"),
    ("KP_TRIAGE_APP", "default for --app"),
    (
        "KUBECONFIG",
        "read by the kubectl that --kubectl runs, as kubectl reads it",
    ),
    (
        "KP_TRIAGE_CONFIG",
        "a TOML file of the same defaults (output = \"json\"); /dev/null for none",
    ),
    ("NO_COLOR", "set and not empty: no colour with --color auto"),
    (
        "CLICOLOR_FORCE",
        "set and not 0: colour with --color auto, even into a pipe",
    ),
    ("CLICOLOR", "0: no colour with --color auto"),
    (
        "LOGDNA_SERVICE_KEY",
        "the LogDNA service key (or --logdna-key-file)",
    ),
];

/// Where the config file is when KP_TRIAGE_CONFIG does not say.
pub const CONFIG_FILES: &str =
    "$XDG_CONFIG_HOME/kp-triage/config.toml, else ~/.config/kp-triage/config.toml";

/// How the sources of a default rank.
pub const PRECEDENCE: &str = "Options beat the environment, which beats the config file.";

/// The name to show in usage and examples. kubectl runs a plugin
/// `kubectl-kp_triage` for `kubectl kp-triage` (an `_` in the file name is a
/// `-` on the command line).
pub fn bin_name(argv0: Option<&OsStr>) -> String {
    let stem = argv0
        .and_then(|a| Path::new(a).file_stem())
        .and_then(OsStr::to_str)
        .filter(|s| !s.is_empty())
        .unwrap_or("kp-triage");
    match stem.strip_prefix("kubectl-") {
        Some(plugin) if !plugin.is_empty() => format!("kubectl {}", plugin.replace('_', "-")),
        _ => stem.to_string(),
    }
}

/// The clap command, its usage and examples in the name it was run by.
pub fn command(bin: &str) -> clap::Command {
    super::env::unset_empty(Cli::command())
        .bin_name(bin)
        .after_help(after_help(bin, EXAMPLES))
        .mut_subcommand("analyze", |a| {
            a.after_help(after_help(bin, ANALYZE_EXAMPLES))
        })
}

fn after_help(bin: &str, examples: &[Example]) -> String {
    let mut s = String::from("Examples:\n");
    for (what, run) in examples {
        s.push_str(&format!("  # {what}\n  {}\n", run.replace("{bin}", bin)));
    }
    s.push('\n');
    s.push_str(&Exit::help());
    s.push_str("\nEnvironment:\n");
    for (name, what) in ENVIRONMENT {
        s.push_str(&format!("  {name:<20} {what}\n"));
    }
    s.push_str(&format!("  Config file: {CONFIG_FILES}.\n  {PRECEDENCE}"));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_follows_argv0() {
        let name = |s: &str| bin_name(Some(OsStr::new(s)));
        assert_eq!(name("/usr/local/bin/kp-triage"), "kp-triage");
        assert_eq!(name("/home/me/bin/kubectl-kp_triage"), "kubectl kp-triage");
        assert_eq!(name("kubectl-kp_triage.exe"), "kubectl kp-triage");
        assert_eq!(name("kubectl-"), "kubectl-");
        assert_eq!(bin_name(None), "kp-triage");
        command("kubectl kp-triage").debug_assert();
    }

    /// Every example parses: the help cannot drift from the options.
    #[test]
    fn the_examples_parse() {
        for (_, line) in EXAMPLES.iter().chain(ANALYZE_EXAMPLES) {
            let line = line.replace("{bin}", "kp-triage");
            let run = line
                .split(" | ")
                .find(|s| s.starts_with("kp-triage"))
                .unwrap_or_else(|| panic!("no kp-triage in {line:?}"));
            let run = run.split('>').next().unwrap();
            let args = run.split_whitespace().map(|a| a.trim_matches('"'));
            command("kp-triage")
                .try_get_matches_from(args)
                .unwrap_or_else(|e| panic!("{line}: {e}"));
        }
    }
}
