//! kp-triage's integration tests: the built binary run on the shipped fixtures.
//! One test binary, split by concern.

mod util;

mod accounting;
mod cli;
mod formats;
mod fuzz_regressions;
mod hostile;
mod hostile_server;
mod logdna;
mod logdna_hostile;
mod logdna_server;
mod loghub;
mod readme;
mod redaction;
mod scenarios;
mod snapshots;
mod threads;
