//! The plain, validated configuration the engine runs on. The binary builds
//! it from the command line; the engine never sees clap.

pub use crate::crn::cluster_of_crn;
use crate::error::{Error, Result};
use crate::source::InputSpec;
use crate::time::{self, Ts};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Inputs in the order given; stdin when empty.
    pub inputs: Vec<InputSpec>,
    /// User pattern packs, applied in order after the default.
    pub pattern_files: Vec<PathBuf>,
    /// Use only `pattern_files`, not the built-in pack.
    pub replace_default_patterns: bool,
    /// Outcomes from the pack's rules alone: the word layer keeps only what a
    /// line is about (the rotation topic, the key) and forgets every outcome
    /// word. No flag sets this; it measures what the tool answers on wording
    /// it does not know, which must be flagged rather than guessed.
    pub without_outcome_words: bool,
    /// Cluster ids to report on (empty: all).
    pub focus: Vec<String>,
    pub window: WindowSpec,
    /// Evidence lines kept per cluster.
    pub evidence: usize,
    /// `--evidence` was asked for (the flag, the environment or the config
    /// file): rotated clusters show the failures they got past too. Else a
    /// rotated cluster keeps counts, not the text of its failures, and
    /// `--follow` lets that text go once the cluster rotates.
    pub rotated_evidence: bool,
    /// Keep only exported LogDNA lines of this app (None: every app).
    pub app: Option<String>,
    /// Threads for scanning; 0 means one per available core.
    pub threads: usize,
    /// The pasted alert (`--alert`): the triage leads with its cluster.
    pub alert: Option<crate::alert::Alert>,
    /// Where the service runs (`--namespace`, `--context`, `--selector`):
    /// what `--kubectl` reads, and what the next step's commands name.
    pub kube: crate::live::kubectl::Target,
    /// The clock, for how long ago the last activity was (None: not said).
    pub now: Option<Ts>,
}

impl Config {
    pub fn threads(&self) -> usize {
        match self.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        }
    }
}

/// The app whose logs kp-triage reads from a LogDNA export by default.
pub const DEFAULT_APP: &str = "armada-kp-events";

/// Evidence lines shown per cluster when `--evidence` is not given.
pub const DEFAULT_EVIDENCE: usize = 5;

/// The time window to analyse. `since`/`until` count back from the latest
/// record in the input, not from now: logs are often read after the fact.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WindowSpec {
    pub since: Option<Duration>,
    pub until: Option<Duration>,
    pub from: Option<Ts>,
    pub to: Option<Ts>,
}

impl WindowSpec {
    /// The ends given as times (`--from`, `--to`), which need no anchor.
    pub fn fixed(&self) -> (Option<Ts>, Option<Ts>) {
        (self.from, self.to)
    }

    pub fn parse(
        since: Option<&str>,
        until: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> Result<WindowSpec> {
        if since.is_some() && from.is_some() {
            return Err(Error::option("--since", "give --since or --from, not both"));
        }
        if until.is_some() && to.is_some() {
            return Err(Error::option("--until", "give --until or --to, not both"));
        }
        let span = |opt: &str, v: Option<&str>| {
            v.map(|s| time::parse_span(s).map_err(|e| Error::option(opt, format!("{s:?}: {e}"))))
                .transpose()
        };
        let point = |opt: &str, v: Option<&str>| {
            v.map(|s| {
                time::parse_point(s).ok_or_else(|| {
                    Error::option(
                        opt,
                        format!("{s:?} is not an RFC 3339 time or epoch seconds"),
                    )
                })
            })
            .transpose()
        };
        let w = WindowSpec {
            since: span("--since", since)?,
            until: span("--until", until)?,
            from: point("--from", from)?,
            to: point("--to", to)?,
        };
        if let (Some(f), Some(t)) = (w.from, w.to) {
            if f > t {
                return Err(Error::option("--from", "is after --to"));
            }
        }
        if let (Some(s), Some(u)) = (w.since, w.until) {
            if u > s {
                return Err(Error::option(
                    "--until",
                    "reaches further back than --since",
                ));
            }
        }
        Ok(w)
    }

    /// The absolute bounds, given the latest time in the input.
    pub fn resolve(&self, latest: Option<Ts>) -> (Option<Ts>, Option<Ts>) {
        let back = |d: Option<Duration>| d.and_then(|d| latest.map(|l| l.saturating_sub(d)));
        (
            self.from.or_else(|| back(self.since)),
            self.to.or_else(|| back(self.until)),
        )
    }

    pub fn is_set(&self) -> bool {
        *self != WindowSpec::default()
    }
}

/// A cluster to focus on: a bare id, or the CRN the alert names it by.
pub fn focus_cluster(arg: &str) -> Result<String> {
    let arg = arg.trim();
    if arg.starts_with("crn:") {
        return cluster_of_crn(arg).ok_or_else(|| {
            Error::option("--crn", format!("{arg:?} is not a containers-kubernetes cluster CRN (crn:v1:bluemix:public:containers-kubernetes:REGION:a/ACCOUNT:CLUSTER::)"))
        });
    }
    if arg.is_empty() || !arg.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::option(
            "--cluster",
            format!("{arg:?} is not a cluster id"),
        ));
    }
    Ok(arg.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crns_name_clusters() {
        let crn = "crn:v1:bluemix:public:containers-kubernetes:us-south:a/c5c0dba4d5406e21164fb825760a7292:c23h5icd0sr2mu96rcig::";
        assert_eq!(focus_cluster(crn).unwrap(), "c23h5icd0sr2mu96rcig");
        assert!(focus_cluster("crn:v1:bluemix:public:kms:us-south:a/x:y::").is_err());
        assert_eq!(
            focus_cluster("C23H5ICD0SR2MU96RCIG").unwrap(),
            "c23h5icd0sr2mu96rcig"
        );
        assert!(focus_cluster("not an id").is_err());
    }

    #[test]
    fn windows_resolve_against_the_latest_record() {
        let w = WindowSpec::parse(Some("15m"), Some("5m"), None, None).unwrap();
        let latest = time::parse_iso("2026-11-20T03:30:00Z");
        let (from, to) = w.resolve(latest);
        assert_eq!(from.unwrap().rfc3339(), "2026-11-20T03:15:00Z");
        assert_eq!(to.unwrap().rfc3339(), "2026-11-20T03:25:00Z");
    }

    #[test]
    fn contradictory_windows_are_errors() {
        assert!(WindowSpec::parse(Some("15m"), None, Some("2026-11-20T03:00:00Z"), None).is_err());
        assert!(WindowSpec::parse(
            None,
            None,
            Some("2026-11-20T04:00:00Z"),
            Some("2026-11-20T03:00:00Z")
        )
        .is_err());
        assert!(WindowSpec::parse(Some("5m"), Some("15m"), None, None).is_err());
        let e = WindowSpec::parse(Some("fortnight-ish"), None, None, None).unwrap_err();
        assert!(e.to_string().contains("--since"), "{e}");
    }
}
