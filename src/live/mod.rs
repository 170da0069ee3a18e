//! Live sources: logs read from the cluster while it runs. Each log is one
//! reader (one child process) that the engine takes as an input, so several
//! pods merge in time order like several files, and following every pod is
//! a reader per pod feeding the same merge.

mod error;
pub mod kubectl;
mod pods;
mod process;
