//! One thread per followed input: it opens the input (a FIFO may wait for
//! its writer, so not on the caller's thread), finds its compression, and
//! sends whole lines in batches as they arrive, through the same batch
//! reader as the batch scan.

use crate::error::Error;
use crate::live::kubectl::{Killer, LogStream, Pod};
use crate::source::batch::{Batch, Filled, Pool};
use crate::source::{self, InputSpec, LineReader};
use std::io::Read;
use std::sync::mpsc::SyncSender;
use std::sync::Arc;

/// Bytes of lines per batch sent from a reader.
pub(super) const BATCH: usize = 64 * 1024;

/// What a reader thread (or the pod lister) tells the follow.
pub(super) enum Msg {
    /// The input's first bytes arrived and told whether it is gzipped.
    Opened {
        input: usize,
        gzip: bool,
    },
    Lines {
        input: usize,
        batch: Batch,
    },
    /// The start of a line not ended yet, as far as it has arrived.
    Pending {
        input: usize,
        bytes: Vec<u8>,
    },
    End {
        input: usize,
        error: Option<Error>,
    },
    /// `--kubectl`: the pods as listed again.
    Pods(Vec<Pod>),
}

/// A started input: its kubectl, if it runs one, for the follow to end.
pub(super) fn start(
    input: usize,
    spec: &InputSpec,
    tx: SyncSender<Msg>,
    pool: Arc<Pool>,
) -> Option<Killer> {
    let name = spec.name();
    let (raw, killer): (Opener, _) = match spec {
        // Started here, so that its process can be ended from this thread.
        InputSpec::Kubectl(s) => match open_kubectl(s, &name) {
            Ok(r) => {
                let k = r.killer();
                (
                    Box::new(move || Ok(Box::new(r) as Box<dyn Read + Send>)),
                    Some(k),
                )
            }
            Err(e) => (Box::new(move || Err(e)), None),
        },
        InputSpec::Path(p) => {
            let (p, n) = (p.clone(), name.clone());
            let open = move || source::follow(p).map_err(|e| Error::read(n, e));
            (Box::new(open), None)
        }
        other => {
            let (other, n) = (other.clone(), name.clone());
            (Box::new(move || source::raw(&other, &n)), None)
        }
    };
    std::thread::spawn(move || read(input, name, raw, &tx, &pool));
    killer
}

type Opener = Box<dyn FnOnce() -> crate::error::Result<Box<dyn Read + Send>> + Send>;

fn open_kubectl(
    s: &LogStream,
    name: &str,
) -> crate::error::Result<crate::live::kubectl::LogReader> {
    s.open()
        .map_err(|e| Error::read(name, std::io::Error::other(e)))
}

/// One input's reader thread. It stops when the follow stops listening.
fn read(input: usize, name: String, open: Opener, tx: &SyncSender<Msg>, pool: &Pool) {
    let opened = open().and_then(|raw| source::unpacked(name, raw));
    let opened = match opened {
        Ok(o) => o,
        Err(e) => {
            let _ = tx.send(Msg::End {
                input,
                error: Some(e),
            });
            return;
        }
    };
    let (name, gzip) = (opened.name, opened.gzip);
    if tx.send(Msg::Opened { input, gzip }).is_err() {
        return;
    }
    let mut lines = LineReader::new(opened.reader);
    loop {
        let mut batch = pool.take();
        let filled = batch.fill(&mut lines, BATCH, true);
        if batch.is_empty() {
            pool.give(batch);
        } else if tx.send(Msg::Lines { input, batch }).is_err() {
            return;
        }
        let error = match filled {
            Filled::Full => continue,
            Filled::Waiting => {
                let bytes = lines.pending();
                if !bytes.is_empty() {
                    let bytes = bytes.to_vec();
                    if tx.send(Msg::Pending { input, bytes }).is_err() {
                        return;
                    }
                }
                continue;
            }
            Filled::Ended => None,
            Filled::Failed(e) => Some(Error::read(&name, e)),
        };
        let _ = tx.send(Msg::End { input, error });
        return;
    }
}
