//! Exit statuses: the verdict for scripts. The README and `--help` list them
//! from here.

/// What the exit status means. A run has one verdict, so at most one of 0, 1
/// and 3 applies; an error (2) beats all three, because the triage of a
/// partial input is provisional: the part not read could end a failing
/// streak or hold an etcd failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Nothing failing (or a command other than analyze succeeded).
    Clean = 0,
    /// Failures found: read the verdict.
    Failures = 1,
    /// A usage or input error. Also when some inputs could not be read (or
    /// not to their end) even though failures were found in the rest, and
    /// when a fetch failed: an answer not understood (a login page), a query
    /// the service stopped part way, a certificate not trusted.
    Error = 2,
    /// The `no_evidence` verdict: the input shows no rotation outcome to
    /// judge by (empty, the wrong pod, nothing recognised).
    NoEvidence = 3,
}

impl Exit {
    pub const ALL: [Exit; 4] = [Exit::Clean, Exit::Failures, Exit::Error, Exit::NoEvidence];

    pub fn code(self) -> u8 {
        self as u8
    }

    /// The status of a triage for scripts: an unreadable input beats the
    /// verdict, because the part not read could change it.
    pub fn of(triage: &kp_triage::analyze::Triage) -> Exit {
        use kp_triage::verdict::Decision;
        // The verdict weighs every cluster, so the status does too, whatever
        // --cluster/--crn narrowed the tables to.
        match triage.verdict.verdict {
            _ if triage.input_errors().next().is_some() => Exit::Error,
            // A source that stopped part way was not read to its end either.
            _ if triage.partial_results().next().is_some() => Exit::Error,
            Decision::Hold | Decision::Recommended | Decision::Wait => Exit::Failures,
            Decision::NotNeeded if !triage.unattributed.is_empty() => Exit::Failures,
            Decision::NotNeeded => Exit::Clean,
            Decision::NoEvidence => Exit::NoEvidence,
        }
    }

    /// One line for `--help` and the man page.
    pub fn meaning(self) -> &'static str {
        match self {
            Exit::Clean => "nothing failing (verdict not_needed); or another command succeeded",
            Exit::Failures => "failures found (verdict hold, recommended or wait)",
            Exit::Error => {
                "usage, input or fetch error; also an input not read to its end, whatever the rest shows"
            }
            Exit::NoEvidence => "no rotation outcome to judge by (verdict no_evidence): never a green light",
        }
    }

    /// The `Exit status:` block of the help text.
    pub fn help() -> String {
        let mut s = String::from("Exit status:\n");
        for e in Exit::ALL {
            s.push_str(&format!("  {}  {}\n", e.code(), e.meaning()));
        }
        s.push_str("  A closed output pipe (`| head`) does not change the status.\n");
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable() {
        let codes: Vec<u8> = Exit::ALL.iter().map(|e| e.code()).collect();
        assert_eq!(codes, [0, 1, 2, 3]);
    }
}
