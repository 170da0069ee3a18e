//! UTF-16 text (PowerShell's `>` writes UTF-16LE with a byte-order mark),
//! decoded to UTF-8 as it streams. Unpaired surrogates and an odd last byte
//! become U+FFFD, as `String::from_utf8_lossy` would do for bad UTF-8.

use std::io::{self, Read};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteOrder {
    Little,
    Big,
}

pub struct Utf16Reader<R> {
    inner: R,
    order: ByteOrder,
    /// Raw bytes read but not yet decoded (an odd byte, a lone high surrogate).
    raw: Vec<u8>,
    /// Decoded UTF-8 not yet handed out.
    out: Vec<u8>,
    out_pos: usize,
    eof: bool,
}

const CHUNK: usize = 64 * 1024;

impl<R: Read> Utf16Reader<R> {
    pub fn new(inner: R, order: ByteOrder) -> Self {
        Utf16Reader {
            inner,
            order,
            raw: Vec::with_capacity(CHUNK + 4),
            out: Vec::with_capacity(CHUNK * 3 / 2),
            out_pos: 0,
            eof: false,
        }
    }

    fn unit(&self, b: &[u8]) -> u16 {
        match self.order {
            ByteOrder::Little => u16::from_le_bytes([b[0], b[1]]),
            ByteOrder::Big => u16::from_be_bytes([b[0], b[1]]),
        }
    }

    /// Reads more raw bytes and decodes every complete character in them.
    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.out_pos = 0;
        while self.out.is_empty() && !self.eof {
            let have = self.raw.len();
            self.raw.resize(have + CHUNK, 0);
            let n = loop {
                match self.inner.read(&mut self.raw[have..]) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    other => break other,
                }
            };
            let n = match n {
                Ok(n) => n,
                Err(e) => {
                    self.raw.truncate(have);
                    return Err(e);
                }
            };
            self.raw.truncate(have + n);
            self.eof = n == 0;
            self.decode();
        }
        Ok(())
    }

    fn decode(&mut self) {
        let mut i = 0;
        let mut buf = [0u8; 4];
        while i + 2 <= self.raw.len() {
            let u = self.unit(&self.raw[i..]);
            let (c, used) = if (0xd800..0xdc00).contains(&u) {
                if i + 4 > self.raw.len() {
                    if !self.eof {
                        break; // the low half is in the next read
                    }
                    (char::REPLACEMENT_CHARACTER, 2)
                } else {
                    let lo = self.unit(&self.raw[i + 2..]);
                    if (0xdc00..0xe000).contains(&lo) {
                        let cp =
                            0x10000 + ((u32::from(u) - 0xd800) << 10) + (u32::from(lo) - 0xdc00);
                        (char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER), 4)
                    } else {
                        (char::REPLACEMENT_CHARACTER, 2)
                    }
                }
            } else {
                (
                    char::from_u32(u32::from(u)).unwrap_or(char::REPLACEMENT_CHARACTER),
                    2,
                )
            };
            self.out
                .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            i += used;
        }
        if self.eof && i < self.raw.len() {
            self.out
                .extend_from_slice(char::REPLACEMENT_CHARACTER.encode_utf8(&mut buf).as_bytes());
            i = self.raw.len();
        }
        self.raw.drain(..i);
    }
}

impl<R: Read> Read for Utf16Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_pos == self.out.len() {
            self.refill()?;
        }
        let n = buf.len().min(self.out.len() - self.out_pos);
        buf[..n].copy_from_slice(&self.out[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8], order: ByteOrder) -> String {
        let mut s = String::new();
        Utf16Reader::new(bytes, order)
            .read_to_string(&mut s)
            .unwrap();
        s
    }

    fn encode(s: &str, order: ByteOrder) -> Vec<u8> {
        s.encode_utf16()
            .flat_map(|u| match order {
                ByteOrder::Little => u.to_le_bytes(),
                ByteOrder::Big => u.to_be_bytes(),
            })
            .collect()
    }

    #[test]
    fn both_byte_orders_and_astral_characters() {
        let text = "Rotation attempt failed 🔑 für c23h5icd0sr2mu96rcig\r\nnext\n";
        for order in [ByteOrder::Little, ByteOrder::Big] {
            assert_eq!(decode(&encode(text, order), order), text);
        }
    }

    #[test]
    fn broken_input_becomes_replacement_characters() {
        let mut bytes = encode("a", ByteOrder::Little);
        bytes.extend_from_slice(&[0x00, 0xd8]); // a lone high surrogate
        bytes.extend_from_slice(&encode("b", ByteOrder::Little));
        bytes.push(0x41); // an odd last byte
        assert_eq!(decode(&bytes, ByteOrder::Little), "a\u{fffd}b\u{fffd}");
    }

    /// One byte at a time splits every character and every surrogate pair.
    #[test]
    fn any_read_boundary_gives_the_same_text() {
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
        let text = "x🔑y\u{20ac}z";
        let bytes = encode(text, ByteOrder::Big);
        let mut s = String::new();
        Utf16Reader::new(Trickle(&bytes), ByteOrder::Big)
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, text);
    }
}
