//! The two ways to drive a batch scan. Inline on the calling thread, or
//! threaded: a reader thread cuts the input into batches of whole
//! lines (gzip is decoded there, on its own thread), workers compute each
//! batch's pre-pass in parallel, and the calling thread feeds the batches,
//! in order, to the one stateful record builder. Same input, same report as
//! `--threads 1`.

use super::pre::{pre, Entries, Pre};
use super::{Feed, Scanner, Sink};
use crate::source::batch::{Batch, Filled};
use crate::source::LineReader;
use std::io::{self, Read};
use std::sync::mpsc;

/// Bytes of lines per batch, and batches in flight: memory stays at a few
/// MiB whatever the input's size. `KP_TRIAGE_BATCH_BYTES` shrinks batches so
/// tests can cut small fixtures into many.
const BATCH: usize = 1 << 20;

fn batch_bytes() -> usize {
    std::env::var("KP_TRIAGE_BATCH_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(BATCH)
}
const IN_FLIGHT: usize = 4;

/// A batch of lines and their pre-pass, or the read error that ended the
/// input after them; `seq` orders the batches, which workers finish in any
/// order.
struct Work {
    seq: u64,
    batch: Batch,
    pre: Vec<Pre>,
    entries: Entries,
    error: Option<io::Error>,
}

/// Runs the scan across `threads` workers. Returns the read error, if any,
/// after every line before it has been seen.
pub(super) fn threaded(
    scanner: &Scanner<'_>,
    feed: &mut Feed<'_, '_>,
    rdr: impl Read + Send,
    threads: usize,
    sink: &mut dyn Sink,
) -> Option<io::Error> {
    let Some(pool) = shared_pool(threads) else {
        return sequential(feed, rdr, sink);
    };
    let (tx, rx) = mpsc::channel::<Work>();
    // Spent batches go back to the reader, which refills them: the same few
    // buffers carry the whole input, so memory does not creep up with the
    // input's length as freed batches scatter over the threads' heaps.
    let (back, spent) = mpsc::channel::<Work>();
    std::thread::scope(|s| {
        s.spawn(|| read_batches(scanner, rdr, &pool, tx, spent));
        let mut next = 0;
        let mut early: Vec<Work> = Vec::new();
        for work in rx {
            early.push(work);
            while let Some(i) = early.iter().position(|w| w.seq == next) {
                let mut work = early.swap_remove(i);
                next += 1;
                let Work {
                    batch,
                    pre,
                    entries,
                    ..
                } = &mut work;
                for ((line, cut), p) in batch.lines().zip(pre.drain(..)) {
                    feed.take(line, p, entries, cut, sink);
                }
                if work.error.is_some() {
                    return work.error;
                }
                // The reader may have finished; then the batch is simply dropped.
                let _ = back.send(work);
            }
        }
        None
    })
}

/// One pool of workers for every input of a run: a hundred thousand small
/// files must not build a hundred thousand pools.
fn shared_pool(threads: usize) -> Option<std::sync::Arc<rayon::ThreadPool>> {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<rayon::ThreadPool>>>> = OnceLock::new();
    let mut pools = POOLS.get_or_init(Default::default).lock().ok()?;
    if let Some(p) = pools.get(&threads) {
        return Some(p.clone());
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .ok()?;
    let pool = Arc::new(pool);
    pools.insert(threads, pool.clone());
    Some(pool)
}

/// Cuts the input into batches and hands each whole to a worker of `pool`,
/// which sends it on with its pre-pass. The reader never waits on a batch
/// being processed, only for a spent one when all are in flight.
fn read_batches(
    scanner: &Scanner<'_>,
    rdr: impl Read,
    pool: &rayon::ThreadPool,
    tx: mpsc::Sender<Work>,
    spent: mpsc::Receiver<Work>,
) {
    let mut lines = LineReader::new(rdr);
    let size = batch_bytes();
    pool.in_place_scope(|s| {
        // Every batch the reader ever makes: those being worked on, those
        // the scan holds or has not reached, and the one being filled. Past
        // that it waits for a spent one, so the count cannot creep up over a
        // long input.
        let mut made = 0;
        for seq in 0.. {
            // None: the scan stopped early.
            let Some(mut work) = next_work(&mut made, &spent) else {
                return;
            };
            work.seq = seq;
            work.batch.clear(size.min(BATCH));
            let done = match work.batch.fill(&mut lines, size, false) {
                Filled::Full | Filled::Waiting => false,
                Filled::Ended => true,
                Filled::Failed(e) => {
                    work.error = Some(e);
                    true
                }
            };
            let tx = tx.clone();
            s.spawn(move |_| {
                pre_pass(&mut work, scanner);
                // The receiver stops early only when the scan itself stopped.
                let _ = tx.send(work);
            });
            if done {
                return;
            }
        }
    });
}

/// A spent batch to fill again, or a new one while fewer than the bound
/// were made; None when the scan has stopped.
fn next_work(made: &mut usize, spent: &mpsc::Receiver<Work>) -> Option<Work> {
    if *made >= IN_FLIGHT + 2 {
        return spent.recv().ok();
    }
    Some(spent.try_recv().unwrap_or_else(|_| {
        *made += 1;
        Work {
            seq: 0,
            batch: Batch::default(),
            pre: Vec::new(),
            entries: Entries::default(),
            error: None,
        }
    }))
}

/// Each line's pre-pass, on a worker.
fn pre_pass(work: &mut Work, scanner: &Scanner<'_>) {
    let Work {
        batch,
        pre: done,
        entries,
        ..
    } = work;
    // The items of the batch before are dropped here, on a worker.
    entries.clear();
    done.extend((0..batch.len()).map(|i| pre(batch.line(i).0, scanner, entries)));
}

/// The scan on the calling thread: each line's pre-pass, then its record.
pub(super) fn sequential(
    feed: &mut Feed<'_, '_>,
    rdr: impl Read,
    sink: &mut dyn Sink,
) -> Option<std::io::Error> {
    let mut lines = LineReader::new(rdr);
    loop {
        match lines.next_line() {
            Ok(Some(l)) => {
                feed.line(l, false, sink);
                if lines.truncated() {
                    feed.st.acct.truncated_lines += 1;
                }
            }
            Ok(None) => return None,
            Err(e) => return Some(e),
        }
    }
}
