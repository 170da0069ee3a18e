//! kp-triage: rebuilds armada-kp-events' service IAM API key rotations from its
//! logs and classifies each failure by the runbook.
//!
//! The pipeline, one module per stage:
//! `source` (bytes in) -> `envelope` (the app's line) -> `decode` (records) -> `classify` (runbook categories)
//! -> `attempts` (per-cluster rotations) -> `verdict` (delete the pod?) -> `report`.
//! `scan` drives the first stages and hands each event on as its record
//! completes; `analyze` collects them for one report, `follow` keeps the
//! attempts and the verdict current while a stream is still being written.

pub mod alert;
pub mod analyze;
pub mod attempts;
pub mod classify;
pub mod config;
pub mod crn;
pub mod decode;
pub mod engine;
pub mod envelope;
pub mod error;
pub mod event;
pub mod fetch;
#[doc(hidden)]
pub mod fuzz;
pub mod live;
#[doc(hidden)]
pub mod memo;
pub mod orphans;
pub mod redact;
pub mod report;
pub mod scan;
pub mod source;
pub mod term;
pub mod time;
pub mod verdict;
