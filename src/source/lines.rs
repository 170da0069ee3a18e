//! A rolling line buffer over any reader, split with memchr.
//!
//! Lines borrow from one buffer that is reused for the whole input, so memory
//! stays at the buffer size however long the input is. A line longer than the
//! buffer grows it, up to `MAX_LINE`; past that the line is cut there, the
//! rest of it is read and dropped, and `truncated()` says so. Its head (the
//! first `MAX_LINE` bytes) is still returned, so it is still classified.
//!
//! One kind of line may be longer: a LogDNA v2 page (`{"pagination_id":
//! ..., "lines": [...]}`), which only parses whole, is kept up to `MAX_PAGE`
//! (a page of 10,000 exported lines is about 12 MB). Past that it is cut to
//! its head like any other line. So the buffer never exceeds `MAX_PAGE`, and
//! a line passed on never exceeds `MAX_LINE` unless it is a page: a 50 MB
//! line (or a newline-free gzip bomb) costs a few MiB, not its size.

use memchr::memchr;
use std::io::{self, Read};

const INITIAL: usize = 256 * 1024;
/// The longest ordinary line kept whole, and the head kept of a longer one.
pub const MAX_LINE: usize = 1024 * 1024;
/// The longest LogDNA v2 page kept whole.
pub const MAX_PAGE: usize = 16 * 1024 * 1024;
/// How much of a line's head decides whether it is a page.
const SNIFF: usize = 64 * 1024;

pub struct LineReader<R> {
    rdr: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Bytes of `buf[start..end]` already searched for a newline.
    scanned: usize,
    eof: bool,
    max_line: usize,
    max_page: usize,
    /// The current line's limit, once it has outgrown `max_line`.
    limit: Option<usize>,
    /// Dropping the rest of a line that was cut.
    discarding: bool,
    truncated: bool,
}

impl<R: Read> LineReader<R> {
    pub fn new(rdr: R) -> Self {
        Self::with_limits(rdr, MAX_LINE, MAX_PAGE)
    }

    pub fn with_max_line(rdr: R, max_line: usize) -> Self {
        Self::with_limits(rdr, max_line, max_line)
    }

    pub fn with_limits(rdr: R, max_line: usize, max_page: usize) -> Self {
        let max_page = max_page.max(max_line);
        LineReader {
            rdr,
            buf: vec![0; INITIAL.min(max_line.next_power_of_two())],
            start: 0,
            end: 0,
            scanned: 0,
            eof: false,
            max_line,
            max_page,
            limit: None,
            discarding: false,
            truncated: false,
        }
    }

    /// How long the pending line may grow: `max_page` for a LogDNA page or a
    /// Cloud Logs result event,
    /// judged once from its head, else `max_line`.
    fn limit(&mut self) -> usize {
        let pending = self.end - self.start;
        if pending < self.max_line || self.max_page == self.max_line {
            return self.max_line;
        }
        if let Some(l) = self.limit {
            return l;
        }
        let head = &self.buf[self.start..self.start + pending.min(SNIFF)];
        let page = crate::envelope::paged(head);
        let l = if page { self.max_page } else { self.max_line };
        self.limit = Some(l);
        l
    }

    /// A whole line is already buffered: the next `next_line` will not wait
    /// on the reader (a live stream's batch can be sent before it does).
    pub fn line_ready(&mut self) -> bool {
        let from = self.start + self.scanned;
        match memchr(b'\n', &self.buf[from..self.end]) {
            // `next_line` resumes where this search stopped.
            Some(i) => {
                self.scanned += i;
                true
            }
            None => {
                self.scanned = self.end - self.start;
                false
            }
        }
    }

    /// The start of a line not ended yet, as far as it has been read (a
    /// stream stopped mid-line still owes it).
    pub fn pending(&self) -> &[u8] {
        if self.discarding {
            return &[];
        }
        &self.buf[self.start..self.end]
    }

    /// Whether the line last returned was cut at the maximum length.
    pub fn truncated(&self) -> bool {
        self.truncated
    }

    /// The next line without its `\n` (and without a `\r` before it).
    /// A last line with no newline is still a line.
    pub fn next_line(&mut self) -> io::Result<Option<&[u8]>> {
        self.truncated = false;
        loop {
            let from = self.start + self.scanned;
            if let Some(i) = memchr(b'\n', &self.buf[from..self.end]) {
                let line_end = from + i;
                let line_start = self.start;
                self.start = line_end + 1;
                self.scanned = 0;
                self.limit = None;
                if std::mem::take(&mut self.discarding) {
                    continue;
                }
                return Ok(Some(trim_cr(&self.buf[line_start..line_end])));
            }
            if self.discarding {
                self.start = self.end;
                self.scanned = 0;
            } else {
                self.scanned = self.end - self.start;
                if self.scanned >= self.limit() {
                    return Ok(Some(self.cut()));
                }
            }
            if self.eof {
                return Ok(self.take_rest());
            }
            self.fill()?;
        }
    }

    /// Returns the head of an overlong line and drops what is buffered of
    /// the rest; the rest still to come is dropped as it arrives.
    fn cut(&mut self) -> &[u8] {
        let s = self.start;
        self.start = self.end;
        self.scanned = 0;
        self.limit = None;
        self.discarding = true;
        self.truncated = true;
        &self.buf[s..s + self.max_line]
    }

    fn take_rest(&mut self) -> Option<&[u8]> {
        if self.start == self.end || self.discarding {
            self.discarding = false;
            self.start = self.end;
            return None;
        }
        let (s, e) = (self.start, self.end);
        self.start = e;
        self.scanned = 0;
        Some(trim_cr(&self.buf[s..e]))
    }

    fn fill(&mut self) -> io::Result<()> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            let limit = self.limit();
            let grown = (self.buf.len() * 2).min(limit + 1).max(self.buf.len() + 1);
            self.buf.resize(grown, 0);
        }
        loop {
            match self.rdr.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

fn trim_cr(line: &[u8]) -> &[u8] {
    line.strip_suffix(b"\r").unwrap_or(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(data: &[u8]) -> Vec<Vec<u8>> {
        let mut r = LineReader::new(data);
        let mut out = Vec::new();
        while let Some(l) = r.next_line().unwrap() {
            out.push(l.to_vec());
        }
        out
    }

    #[test]
    fn splits_lines_and_keeps_a_final_unterminated_line() {
        assert_eq!(
            collect(b"a\nbb\n\nccc"),
            vec![b"a".to_vec(), b"bb".to_vec(), vec![], b"ccc".to_vec()]
        );
        assert!(collect(b"").is_empty());
    }

    #[test]
    fn asking_whether_a_line_is_ready_changes_no_line() {
        let mut data = b"a\nbb\n".to_vec();
        data.extend_from_slice(&[b'y'; 100]);
        data.extend_from_slice(b"\nnext\npartial");
        for max in [16, MAX_LINE] {
            let mut plain = LineReader::with_max_line(&data[..], max);
            let mut asked = LineReader::with_max_line(&data[..], max);
            loop {
                asked.line_ready();
                let a = asked.next_line().unwrap().map(<[u8]>::to_vec);
                let cut = asked.truncated();
                asked.line_ready();
                let p = plain.next_line().unwrap().map(<[u8]>::to_vec);
                assert_eq!((&a, cut), (&p, plain.truncated()), "max {max}");
                if a.is_none() {
                    break;
                }
            }
        }
    }

    #[test]
    fn strips_crlf() {
        assert_eq!(collect(b"a\r\nb\r\n"), vec![b"a".to_vec(), b"b".to_vec()]);
    }

    #[test]
    fn a_line_longer_than_the_buffer_comes_out_whole() {
        let long = vec![b'x'; INITIAL * 3 + 17];
        let mut data = long.clone();
        data.extend_from_slice(b"\nshort\n");
        let lines = collect(&data);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], long);
        assert_eq!(lines[1], b"short");
    }

    #[test]
    fn a_line_past_the_maximum_is_cut_once_and_the_rest_dropped() {
        let mut data = vec![b'y'; 100];
        data.extend_from_slice(b"\nnext\n");
        data.extend_from_slice(&[b'z'; 50]);
        let mut r = LineReader::with_max_line(&data[..], 16);
        let first = r.next_line().unwrap().unwrap().to_vec();
        assert_eq!((first.len(), r.truncated()), (16, true));
        assert_eq!(r.next_line().unwrap().unwrap(), b"next");
        assert!(!r.truncated());
        assert_eq!(
            r.next_line().unwrap().unwrap().len(),
            16,
            "an unterminated last line is cut too"
        );
        assert!(r.truncated());
        assert_eq!(r.next_line().unwrap(), None);
    }

    #[test]
    fn a_logdna_page_may_be_longer_than_a_line_but_is_cut_past_its_own_cap() {
        let page =
            br#"{"pagination_id":"p1","lines":[{"_line":"Rotation attempt failed","_ts":1}]}"#;
        let plain = [b'x'; 100];
        let mut data = page.to_vec();
        data.push(b'\n');
        data.extend_from_slice(&plain);
        data.push(b'\n');
        let mut r = LineReader::with_limits(&data[..], 40, 4096);
        assert_eq!(r.next_line().unwrap().unwrap(), page, "kept whole");
        assert!(!r.truncated());
        assert_eq!(
            r.next_line().unwrap().unwrap(),
            &plain[..40],
            "the head only"
        );
        assert!(r.truncated());
        let mut r = LineReader::with_limits(&data[..], 40, 64);
        assert_eq!(
            r.next_line().unwrap().unwrap(),
            &page[..40],
            "past the page cap: its head"
        );
        assert!(r.truncated());
        assert_eq!(r.next_line().unwrap().unwrap().len(), 40);
    }

    /// A reader that returns one byte at a time exercises every refill path.
    struct Trickle<'a>(&'a [u8]);
    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.0.is_empty() || buf.is_empty() {
                return Ok(0);
            }
            buf[0] = self.0[0];
            self.0 = &self.0[1..];
            Ok(1)
        }
    }

    #[test]
    fn byte_by_byte_reads_give_the_same_lines() {
        let data = b"one\ntwo\r\nthree";
        let mut r = LineReader::new(Trickle(data));
        let mut out = Vec::new();
        while let Some(l) = r.next_line().unwrap() {
            out.push(String::from_utf8(l.to_vec()).unwrap());
        }
        assert_eq!(out, ["one", "two", "three"]);
        let mut r = LineReader::with_max_line(Trickle(b"abcdefghij\nk"), 4);
        assert_eq!(r.next_line().unwrap().unwrap(), b"abcd");
        assert_eq!(r.next_line().unwrap().unwrap(), b"k");
    }
}
