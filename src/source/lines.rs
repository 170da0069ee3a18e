//! A rolling line buffer over any reader, split with memchr.
//!
//! Lines borrow from one buffer that is reused for the whole input, so memory
//! stays at the buffer size however long the input is. A line longer than the
//! buffer grows it; nothing is ever cut or dropped.

use memchr::memchr;
use std::io::{self, Read};

const INITIAL: usize = 256 * 1024;

pub struct LineReader<R> {
    rdr: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Bytes of `buf[start..end]` already searched for a newline.
    scanned: usize,
    eof: bool,
}

impl<R: Read> LineReader<R> {
    pub fn new(rdr: R) -> Self {
        LineReader {
            rdr,
            buf: vec![0; INITIAL],
            start: 0,
            end: 0,
            scanned: 0,
            eof: false,
        }
    }

    /// The next line without its `\n` (and without a `\r` before it).
    /// A last line with no newline is still a line.
    pub fn next_line(&mut self) -> io::Result<Option<&[u8]>> {
        loop {
            let from = self.start + self.scanned;
            if let Some(i) = memchr(b'\n', &self.buf[from..self.end]) {
                let line_end = from + i;
                let line_start = self.start;
                self.start = line_end + 1;
                self.scanned = 0;
                return Ok(Some(trim_cr(&self.buf[line_start..line_end])));
            }
            self.scanned = self.end - self.start;
            if self.eof {
                return Ok(self.take_rest());
            }
            self.fill()?;
        }
    }

    fn take_rest(&mut self) -> Option<&[u8]> {
        if self.start == self.end {
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
            self.buf.resize(self.buf.len() * 2, 0);
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
    }
}
