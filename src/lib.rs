//! kp-triage: rebuilds armada-kp-events' service IAM API key rotations from its
//! logs and classifies each failure by the runbook.
//!
//! The pipeline, one module per stage:
//! `source` (bytes in) -> `decode` (records) -> `classify` (runbook categories)
//! -> `attempts` (per-cluster rotations) -> `verdict` (delete the pod?) -> `report`.

pub mod classify;
pub mod decode;
pub mod error;
pub mod source;
pub mod time;
