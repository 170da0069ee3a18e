//! A `kubectl logs` process read as a stream: its stdout is the log, and
//! at the end its exit status and stderr become the error, if any. A reader
//! dropped early (a follow ended by Ctrl-C) ends its process.

use super::error::failed;
use std::io::{self, Read};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::{Arc, Mutex};

/// Bytes of a child's stderr kept for its error message (the tail).
const STDERR_KEPT: usize = 8 * 1024;

/// Starts `program args`, its stdout to be read.
pub(super) fn spawn(
    program: &std::path::Path,
    args: &[String],
    command: String,
) -> io::Result<LogReader> {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    own_group(&mut cmd);
    let mut child = cmd.spawn()?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut stderr = child.stderr.take().expect("stderr is piped");
    // Drained on its own thread, so a chatty stderr never blocks the child.
    let errors = std::thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = stderr.read(&mut buf) {
            kept.extend_from_slice(&buf[..n]);
            if kept.len() > STDERR_KEPT {
                kept.drain(..kept.len() - STDERR_KEPT);
            }
        }
        kept
    });
    Ok(LogReader {
        pid: child.id(),
        command,
        child: Arc::new(Mutex::new(Some(child))),
        stdout,
        errors: Some(errors),
    })
}

/// A running `kubectl logs`: its stdout, then its exit status at the end.
pub struct LogReader {
    pid: u32,
    command: String,
    /// Shared with `Killer`s, so a follow can end the process while a
    /// thread is blocked reading it.
    child: Arc<Mutex<Option<Child>>>,
    stdout: ChildStdout,
    errors: Option<std::thread::JoinHandle<Vec<u8>>>,
}

impl LogReader {
    /// The kubectl process's id.
    pub fn id(&self) -> u32 {
        self.pid
    }
}

impl Read for LogReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.stdout.read(buf)?;
        if n > 0 || buf.is_empty() {
            return Ok(n);
        }
        let Some(mut child) = take(&self.child) else {
            return Ok(0);
        };
        let status = child.wait()?;
        let stderr = self
            .errors
            .take()
            .and_then(|t| t.join().ok())
            .unwrap_or_default();
        if status.success() {
            return Ok(0);
        }
        Err(io::Error::other(failed(
            self.command.clone(),
            &status,
            &stderr,
        )))
    }
}

impl Drop for LogReader {
    fn drop(&mut self) {
        self.killer().kill();
    }
}

impl LogReader {
    /// A handle that ends the process from another thread; the reader then
    /// reads to its end.
    pub fn killer(&self) -> Killer {
        Killer(self.child.clone())
    }
}

/// Ends a `kubectl logs` process (a `--follow` stopped by Ctrl-C).
#[derive(Clone)]
pub struct Killer(Arc<Mutex<Option<Child>>>);

impl Killer {
    pub fn kill(&self) {
        if let Some(mut child) = take(&self.0) {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn take(child: &Mutex<Option<Child>>) -> Option<Child> {
    child.lock().ok().and_then(|mut c| c.take())
}

/// A terminal's Ctrl-C signals its whole foreground process group. kubectl
/// runs in a group of its own, so the signal reaches kp-triage alone: its
/// children end when it ends them, and their end is never read as a failed
/// input.
pub(super) fn own_group(cmd: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    #[cfg(not(unix))]
    let _ = cmd;
}
