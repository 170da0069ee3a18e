//! kp-triage's integration tests: the built binary run on the shipped fixtures.
//! One test binary, split by concern.

mod util;

mod accounting;
mod alert;
mod browser;
mod cli;
mod cloudlogs;
mod cloudlogs_answers;
mod cloudlogs_server;
mod decode_fixes;
mod envelopes;
mod fetch_output;
mod fetch_tls;
mod follow;
mod follow_sources;
mod formats;
mod fuzz_regressions;
mod hostile;
mod hostile_server;
mod inputs;
mod kube_server;
mod live;
mod live_follow;
mod live_pods;
mod logdna;
mod logdna_answers;
mod logdna_hostile;
mod logdna_server;
mod logdna_signals;
mod loghub;
mod mutation;
mod next_step;
mod pictures;
mod readme;
mod redaction;
mod scenarios;
mod secret_forms;
mod secret_gen;
mod snapshots;
mod terminal;
mod threads;
mod timeline;
mod tls_server;
mod trust;
mod width;
