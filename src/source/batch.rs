//! Whole lines cut from a reader into batches: the one reader behind the
//! batch scan and `--follow`. The same buffers carry a whole input, and a
//! batch is bounded in bytes and in lines, so an input of blank lines (a
//! gzip bomb of newlines) costs a batch's worth, not a line's worth each.

use super::LineReader;
use std::io::{self, Read};
use std::sync::Mutex;

/// Lines per batch: past this a batch goes, however few bytes it holds.
pub const BATCH_LINES: usize = 16 * 1024;

/// Lines read from one input, in order.
#[derive(Default)]
pub struct Batch {
    data: Vec<u8>,
    /// Each line's span in `data`, and whether it was cut at the maximum.
    spans: Vec<(usize, usize, bool)>,
}

/// Why `Batch::fill` stopped.
#[derive(Debug)]
pub enum Filled {
    /// The batch is full; more lines may follow at once.
    Full,
    /// The next line is not here yet (only when filling a live stream).
    Waiting,
    Ended,
    Failed(io::Error),
}

impl Batch {
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Line `i` and whether it was cut at the maximum length.
    pub fn line(&self, i: usize) -> (&[u8], bool) {
        let (s, e, cut) = self.spans[i];
        (&self.data[s..e], cut)
    }

    pub fn lines(&self) -> impl Iterator<Item = (&[u8], bool)> + '_ {
        (0..self.len()).map(|i| self.line(i))
    }

    /// Empties the batch for reuse. A batch that once held a huge line gives
    /// its memory back, down to `bytes`.
    pub fn clear(&mut self, bytes: usize) {
        self.data.clear();
        self.spans.clear();
        if self.data.capacity() > 4 * (bytes + 4096) {
            self.data = Vec::with_capacity(bytes + 4096);
        }
    }

    /// Reads whole lines until the batch holds `bytes` bytes or
    /// `BATCH_LINES` lines, or the input ends. `live`: also stop when the
    /// next line would wait on the reader, so a quiet stream's line is not
    /// held back.
    pub fn fill<R: Read>(&mut self, rdr: &mut LineReader<R>, bytes: usize, live: bool) -> Filled {
        while self.data.len() < bytes && self.spans.len() < BATCH_LINES {
            if live && !self.spans.is_empty() && !rdr.line_ready() {
                return Filled::Waiting;
            }
            match rdr.next_line() {
                Ok(Some(l)) => {
                    let start = self.data.len();
                    self.data.extend_from_slice(l);
                    self.spans.push((start, self.data.len(), rdr.truncated()));
                }
                Ok(None) => return Filled::Ended,
                Err(e) => return Filled::Failed(e),
            }
        }
        Filled::Full
    }
}

/// Spent batches, refilled by the readers: memory freed on one thread and
/// allocated on another would scatter over the threads' heaps and grow.
pub struct Pool {
    spare: Mutex<Vec<Batch>>,
    keep: usize,
    bytes: usize,
}

impl Pool {
    /// A pool that keeps at most `keep` spent batches of about `bytes`.
    pub fn new(keep: usize, bytes: usize) -> Pool {
        Pool {
            spare: Mutex::new(Vec::new()),
            keep,
            bytes,
        }
    }

    /// A spent batch, emptied, or a new one.
    pub fn take(&self) -> Batch {
        let spent = self.spare.lock().ok().and_then(|mut v| v.pop());
        spent.unwrap_or_else(|| Batch {
            data: Vec::with_capacity(self.bytes + 4096),
            spans: Vec::new(),
        })
    }

    pub fn give(&self, mut b: Batch) {
        b.clear(self.bytes);
        if let Ok(mut v) = self.spare.lock() {
            if v.len() < self.keep {
                v.push(b);
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A reader that hands out one chunk per read, as a pipe or a terminal
    /// does; an empty chunk reads as an end (a terminal's Ctrl-D).
    pub(crate) struct Chunks(pub Vec<&'static [u8]>);

    impl Read for Chunks {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let Some(c) = self.0.first_mut() else {
                return Ok(0);
            };
            let n = c.len().min(buf.len());
            buf[..n].copy_from_slice(&c[..n]);
            *c = &c[n..];
            if c.is_empty() {
                self.0.remove(0);
            }
            Ok(n)
        }
    }

    fn batches(data: &[u8], bytes: usize) -> Vec<Vec<Vec<u8>>> {
        let mut rdr = LineReader::new(data);
        let mut out = Vec::new();
        loop {
            let mut b = Batch::default();
            let end = b.fill(&mut rdr, bytes, false);
            out.push(b.lines().map(|(l, _)| l.to_vec()).collect());
            match end {
                Filled::Full => continue,
                Filled::Ended => return out,
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn every_line_once_in_order_whatever_the_batch_size() {
        let data = b"a\nbb\n\nccc\nd";
        for bytes in [1, 2, 5, 1 << 20] {
            let all: Vec<Vec<u8>> = batches(data, bytes).into_iter().flatten().collect();
            assert_eq!(all, [&b"a"[..], b"bb", b"", b"ccc", b"d"], "{bytes}");
        }
    }

    #[test]
    fn blank_lines_fill_a_batch_by_count_not_by_bytes() {
        let data = vec![b'\n'; BATCH_LINES * 2 + 5];
        let sizes: Vec<usize> = batches(&data, 1 << 20).iter().map(Vec::len).collect();
        assert_eq!(sizes, [BATCH_LINES, BATCH_LINES, 5]);
    }

    #[test]
    fn a_live_fill_stops_where_the_reader_would_wait() {
        let mut rdr = LineReader::new(Chunks(vec![b"one\ntwo\nthr", b"ee\n"]));
        let mut b = Batch::default();
        assert!(matches!(b.fill(&mut rdr, 1 << 20, true), Filled::Waiting));
        assert_eq!(b.len(), 2);
        let mut rest = Batch::default();
        assert!(matches!(
            rest.fill(&mut rdr, 1 << 20, true),
            Filled::Waiting
        ));
        assert_eq!(rest.line(0), (&b"three"[..], false));
        let mut end = Batch::default();
        assert!(matches!(end.fill(&mut rdr, 1 << 20, true), Filled::Ended));
        assert!(end.is_empty());
    }

    #[test]
    fn a_pool_hands_back_spent_batches_emptied() {
        let pool = Pool::new(1, 64);
        let mut rdr = LineReader::new(&b"x\ny\n"[..]);
        let mut b = pool.take();
        b.fill(&mut rdr, 64, false);
        assert_eq!(b.len(), 2);
        pool.give(b);
        assert!(pool.take().is_empty());
    }
}
