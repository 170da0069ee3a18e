//! What an input is made of, judged by its first bytes, never by its name:
//! gzip, bzip2, xz or zstd compression, then a byte-order mark (UTF-8 is
//! stripped, UTF-16 of either byte order is decoded to UTF-8).

use super::utf16::{ByteOrder, Utf16Reader};
use flate2::bufread::MultiGzDecoder;
use std::io::{self, BufRead, BufReader, Read};

pub const READ_BUFFER: usize = 256 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    Gzip,
    Bzip2,
    Xz,
    Zstd,
}

impl Compression {
    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Bzip2 => "bzip2",
            Compression::Xz => "xz",
            Compression::Zstd => "zstd",
        }
    }

    fn sniff(head: &[u8]) -> Option<Compression> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Some(Compression::Gzip)
        } else if head.len() >= 4 && head.starts_with(b"BZh") && (b'1'..=b'9').contains(&head[3]) {
            Some(Compression::Bzip2)
        } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0x00]) {
            Some(Compression::Xz)
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Some(Compression::Zstd)
        } else {
            None
        }
    }
}

/// The byte-order mark at the start of the (decompressed) text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bom {
    Utf8,
    Utf16(ByteOrder),
}

impl Bom {
    fn sniff(head: &[u8]) -> Option<Bom> {
        if head.starts_with(&[0xef, 0xbb, 0xbf]) {
            Some(Bom::Utf8)
        } else if head.starts_with(&[0xff, 0xfe]) {
            Some(Bom::Utf16(ByteOrder::Little))
        } else if head.starts_with(&[0xfe, 0xff]) {
            Some(Bom::Utf16(ByteOrder::Big))
        } else {
            None
        }
    }

    fn len(self) -> usize {
        match self {
            Bom::Utf8 => 3,
            Bom::Utf16(_) => 2,
        }
    }
}

pub struct Unpacked {
    pub compression: Option<Compression>,
    pub reader: Box<dyn Read + Send>,
}

pub fn unpack(raw: Box<dyn Read + Send>) -> io::Result<Unpacked> {
    let mut raw: Box<dyn Read + Send> = Box::new(Fused {
        inner: raw,
        ended: false,
    });
    let head = read_head(&mut raw, 6)?;
    let compression = Compression::sniff(&head);
    let raw = io::Cursor::new(head).chain(raw);
    // Plain text goes straight into the line reader's own buffer: a buffer
    // here as well would copy every byte once more. The decoders read
    // through one (they want `BufRead`).
    let buffered = |r| BufReader::with_capacity(READ_BUFFER, r);
    let text: Box<dyn Read + Send> = match compression {
        None => Box::new(raw),
        Some(Compression::Gzip) => decoder(Compression::Gzip, buffered(raw))?,
        Some(c) => Box::new(Corrupt {
            format: c,
            inner: decoder(c, buffered(raw))?,
        }),
    };
    Ok(Unpacked {
        compression,
        reader: Box::new(Text::Unsniffed(Some(text))),
    })
}

/// The decompressed text, its byte-order mark judged on the first read, so
/// a corrupt stream's error comes from the scan, which counts the lines
/// read before it.
enum Text {
    Unsniffed(Option<Box<dyn Read + Send>>),
    Sniffed(Box<dyn Read + Send>),
}

impl Read for Text {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Text::Unsniffed(inner) = self {
            let mut inner = inner.take().expect("sniffed once");
            let mut head = read_head(&mut inner, 3)?;
            let bom = Bom::sniff(&head);
            if let Some(b) = bom {
                head.drain(..b.len());
            }
            let text = io::Cursor::new(head).chain(inner);
            *self = Text::Sniffed(match bom {
                Some(Bom::Utf16(order)) => Box::new(Utf16Reader::new(text, order)),
                _ => Box::new(text),
            });
        }
        match self {
            Text::Sniffed(r) => r.read(buf),
            Text::Unsniffed(_) => unreachable!("sniffed above"),
        }
    }
}

fn decoder<R: BufRead + Send + 'static>(c: Compression, r: R) -> io::Result<Box<dyn Read + Send>> {
    Ok(match c {
        Compression::Gzip => Box::new(MultiGzDecoder::new(r)),
        Compression::Bzip2 => Box::new(bzip2::bufread::MultiBzDecoder::new(r)),
        Compression::Xz => Box::new(liblzma::bufread::XzDecoder::new_multi_decoder(r)),
        Compression::Zstd => Box::new(zstd::stream::read::Decoder::with_buffer(r)?),
    })
}

/// Up to `n` bytes, fewer only at the end of the input: a short first read
/// (a pipe) cannot hide a magic number.
fn read_head(r: &mut dyn Read, n: usize) -> io::Result<Vec<u8>> {
    let mut head = vec![0u8; n];
    let mut got = 0;
    while got < n {
        match r.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    head.truncate(got);
    Ok(head)
}

/// A decoder whose errors say which format was corrupt (gzip's own error
/// is worded by the scan, which also counts the lines read before it).
struct Corrupt {
    format: Compression,
    inner: Box<dyn Read + Send>,
}

impl Read for Corrupt {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::Interrupted {
                return e;
            }
            io::Error::new(
                e.kind(),
                format!("{} stream is corrupt or truncated: {e}", self.format.name()),
            )
        })
    }
}

/// Once a read has returned 0, so does every later one. A terminal's
/// Ctrl-D ends one read only, and the sniffing above reads again after
/// the end of a short input: without this, it would take one Ctrl-D for
/// each of those reads to end the input.
struct Fused {
    inner: Box<dyn Read + Send>,
    ended: bool,
}

impl Read for Fused {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.ended {
            return Ok(0);
        }
        let n = self.inner.read(buf)?;
        self.ended = n == 0 && !buf.is_empty();
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A terminal: a line at most a read, an empty chunk being a Ctrl-D.
    use crate::source::batch::tests::Chunks as Terminal;

    #[test]
    fn one_ctrl_d_ends_the_input() {
        for typed in [
            vec![&b""[..], b"after\n"],
            vec![b"ab\n", b"", b"after\n"],
            vec![b"a longer line\n", b"", b"after\n"],
        ] {
            let before: Vec<u8> = typed
                .iter()
                .take_while(|c| !c.is_empty())
                .flat_map(|c| c.iter().copied())
                .collect();
            let mut u = unpack(Box::new(Terminal(typed.clone()))).unwrap();
            let mut text = Vec::new();
            u.reader.read_to_end(&mut text).unwrap();
            assert_eq!(text, before, "{typed:?}");
        }
    }
}
