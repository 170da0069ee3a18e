//! The occurrences of orphan records, packed as a byte stream: each one as
//! varints of what changed since the one before it. A log of a day holds
//! tens of thousands ("failed to publish metrics" on every scrape); as
//! 48-byte structs they were what memory still grew by with the noise.
//! Each is about 20 bytes here, 8 of them the overlap key, which is random.

use super::Occurrence;
use crate::event::SourcePos;
use crate::time::Ts;
use integer_encoding::VarInt;

#[derive(Clone, Default)]
pub struct Occurrences {
    bytes: Vec<u8>,
    len: usize,
    /// The last one pushed: the next is written against it.
    last: Prev,
}

/// What the next occurrence is written against. An occurrence with no
/// time leaves the last time seen in place.
#[derive(Clone, Copy, Default)]
struct Prev {
    input: u32,
    line: u64,
    ts: i64,
    seq: i64,
}

/// Bit 0 of the flags varint: the record had its own time. Bit 1: it has
/// an order time at all. The rest: the item plus one (zero for none).
const OWN_TS: u64 = 1;
const HAS_TS: u64 = 2;

impl Occurrences {
    pub fn push(&mut self, o: Occurrence) {
        let prev = self.last;
        let item = o.pos.item().map_or(0, |i| u64::from(i) + 1);
        let mut flags = item << 2;
        if o.order_ts.is_some() {
            flags |= HAS_TS;
        }
        if o.own_ts {
            flags |= OWN_TS;
        }
        let ts = o.order_ts.map_or(prev.ts, Ts::nanos);
        let mut buf = [0u8; 10];
        let mut put = |n: usize, buf: &[u8]| self.bytes.extend_from_slice(&buf[..n]);
        put(u64::from(o.shape).encode_var(&mut buf), &buf);
        // Signed varints are zigzag-coded: a small step either way is short.
        let input = i64::from(o.pos.input) - i64::from(prev.input);
        put(input.encode_var(&mut buf), &buf);
        let line = (o.pos.line as i64).wrapping_sub(prev.line as i64);
        put(line.encode_var(&mut buf), &buf);
        put(flags.encode_var(&mut buf), &buf);
        if o.order_ts.is_some() {
            put(ts.wrapping_sub(prev.ts).encode_var(&mut buf), &buf);
        }
        put(o.seq.wrapping_sub(prev.seq).encode_var(&mut buf), &buf);
        self.bytes.extend_from_slice(&o.key.to_le_bytes());
        self.last = Prev {
            input: o.pos.input,
            line: o.pos.line,
            ts,
            seq: o.seq,
        };
        self.len += 1;
    }

    pub fn iter(&self) -> Iter<'_> {
        Iter {
            bytes: &self.bytes,
            prev: Prev::default(),
            left: self.len,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn retain(&mut self, mut keep: impl FnMut(&Occurrence) -> bool) {
        let kept: Occurrences = self.iter().filter(|o| keep(o)).collect();
        *self = kept;
    }

    /// Changes every occurrence (a newest-first input reverses `seq`).
    pub fn update(&mut self, mut f: impl FnMut(&mut Occurrence)) {
        let changed: Occurrences = self
            .iter()
            .map(|mut o| {
                f(&mut o);
                o
            })
            .collect();
        *self = changed;
    }
}

impl FromIterator<Occurrence> for Occurrences {
    fn from_iter<I: IntoIterator<Item = Occurrence>>(iter: I) -> Occurrences {
        let mut all = Occurrences::default();
        all.extend(iter);
        all
    }
}

impl Extend<Occurrence> for Occurrences {
    fn extend<I: IntoIterator<Item = Occurrence>>(&mut self, iter: I) {
        for o in iter {
            self.push(o);
        }
    }
}

pub struct Iter<'a> {
    bytes: &'a [u8],
    prev: Prev,
    left: usize,
}

impl Iter<'_> {
    /// The stream is only ever written by `push`: a short read is a bug.
    fn take<V: VarInt>(&mut self) -> V {
        let (v, n) = V::decode_var(self.bytes).expect("a varint pushed here");
        self.bytes = &self.bytes[n..];
        v
    }
}

impl Iterator for Iter<'_> {
    type Item = Occurrence;

    fn next(&mut self) -> Option<Occurrence> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let p = self.prev;
        let shape = self.take::<u32>();
        let input = (i64::from(p.input) + self.take::<i64>()) as u32;
        let line = (p.line as i64).wrapping_add(self.take::<i64>()) as u64;
        let flags = self.take::<u64>();
        let has_ts = flags & HAS_TS != 0;
        let ts = if has_ts {
            p.ts.wrapping_add(self.take::<i64>())
        } else {
            p.ts
        };
        let seq = p.seq.wrapping_add(self.take::<i64>());
        let (key, rest) = self.bytes.split_at(8);
        self.bytes = rest;
        let key = u64::from_le_bytes(key.try_into().expect("8 bytes"));
        let item = (flags >> 2).checked_sub(1).map(|i| i as u32);
        self.prev = Prev {
            input,
            line,
            ts,
            seq,
        };
        Some(Occurrence {
            shape,
            pos: SourcePos::new(input, line, item),
            own_ts: flags & OWN_TS != 0,
            order_ts: has_ts.then(|| Ts::from_nanos(ts)),
            seq,
            key,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn occ(seed: u64) -> Occurrence {
        let r = |k: u64| {
            seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)
                .rotate_left(k as u32 * 7)
        };
        let extreme = [i64::MIN + 1, i64::MAX, 0, -1];
        let line = if seed % 11 == 0 {
            u64::MAX
        } else {
            r(3) % 1_000_000
        };
        let item = (seed % 3 != 0).then(|| (r(4) % 70_000) as u32);
        Occurrence {
            shape: (r(1) % 5) as u32,
            pos: SourcePos::new((r(2) % 3) as u32, line, item),
            own_ts: seed % 2 == 0,
            order_ts: if seed % 5 == 0 {
                None
            } else if seed % 13 == 0 {
                Some(Ts::from_nanos(extreme[(seed % 4) as usize]))
            } else {
                Some(Ts::from_nanos(
                    1_795_143_600_000_000_000 + (r(5) % 1_000_000_000_000) as i64,
                ))
            },
            seq: if seed % 17 == 0 {
                i64::MIN
            } else {
                r(6) as i64 % 10_000_000
            },
            key: r(7),
        }
    }

    #[test]
    fn every_occurrence_comes_back_as_it_went_in() {
        let all: Vec<Occurrence> = (0..5000).map(occ).collect();
        let packed: Occurrences = all.iter().copied().collect();
        assert_eq!(packed.len(), all.len());
        assert_eq!(packed.iter().collect::<Vec<_>>(), all);
    }

    #[test]
    fn retain_and_update_keep_the_rest_intact() {
        let all: Vec<Occurrence> = (0..3000).map(occ).collect();
        let mut packed: Occurrences = all.iter().copied().collect();
        packed.retain(|o| o.shape != 2);
        packed.update(|o| o.seq = o.seq.wrapping_neg());
        let want: Vec<Occurrence> = all
            .iter()
            .filter(|o| o.shape != 2)
            .map(|&o| Occurrence {
                seq: o.seq.wrapping_neg(),
                ..o
            })
            .collect();
        assert_eq!(packed.iter().collect::<Vec<_>>(), want);
    }

    #[test]
    fn a_noisy_day_packs_in_about_twenty_bytes_each() {
        let mut packed = Occurrences::default();
        for k in 0..10_000u64 {
            packed.push(Occurrence {
                shape: (k % 3) as u32,
                pos: SourcePos::new(0, 40 + k * 97, None),
                own_ts: true,
                order_ts: Some(Ts::from_nanos(
                    1_795_143_600_000_000_000 + k as i64 * 15_000_000_000,
                )),
                seq: 40 + k as i64 * 95,
                key: k.wrapping_mul(0x9e37_79b9_7f4a_7c15),
            });
        }
        // The first is written whole; the rest as what changed.
        assert!(
            packed.bytes.len() <= 10_000 * 20 + 32,
            "{}",
            packed.bytes.len()
        );
    }
}
