//! The occurrences of orphan records, packed as a byte stream: each one as
//! varints of what changed since the one before it. A log of a day holds
//! tens of thousands ("failed to publish metrics" on every scrape); as
//! 48-byte structs they were what memory still grew by with the noise.
//! Each is about 20 bytes here, 8 of them the overlap key, which is random.

use super::Occurrence;
use integer_encoding::VarInt;

#[derive(Clone, Default)]
pub struct Occurrences {
    bytes: Vec<u8>,
    len: usize,
    /// The last one pushed: the next is written against it.
    last: Occurrence,
}

/// Bit 0 of the flags varint: the record had its own time. Bit 1: it has
/// an order time at all. The rest: the item plus one (zero for none).
const OWN_TS: u64 = 1;
const HAS_TS: u64 = 2;

impl Occurrences {
    pub fn push(&mut self, o: Occurrence) {
        let prev = self.last;
        let has_ts = o.order_ts != super::NONE_TS;
        let item = if o.item == super::NONE_ITEM {
            0
        } else {
            u64::from(o.item) + 1
        };
        let mut flags = item << 2;
        if has_ts {
            flags |= HAS_TS;
        }
        if o.own_ts {
            flags |= OWN_TS;
        }
        let mut put = |v: u64| {
            let mut buf = [0u8; 10];
            let n = v.encode_var(&mut buf);
            self.bytes.extend_from_slice(&buf[..n]);
        };
        put(u64::from(o.shape));
        put(zigzag(
            i64::from(o.input).wrapping_sub(i64::from(prev.input)),
        ));
        put(zigzag((o.line as i64).wrapping_sub(prev.line as i64)));
        put(flags);
        if has_ts {
            put(zigzag(o.order_ts.wrapping_sub(prev.order_ts)));
        }
        put(zigzag(o.seq.wrapping_sub(prev.seq)));
        self.bytes.extend_from_slice(&o.key.to_le_bytes());
        // An occurrence with no time is written against the last time seen.
        self.last = Occurrence {
            order_ts: if has_ts { o.order_ts } else { prev.order_ts },
            ..o
        };
        self.len += 1;
    }

    pub fn iter(&self) -> Iter<'_> {
        Iter {
            bytes: &self.bytes,
            prev: Occurrence::default(),
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
    prev: Occurrence,
    left: usize,
}

impl Iter<'_> {
    /// The stream is only ever written by `push`: a short read is a bug.
    fn take(&mut self) -> u64 {
        let (v, n) = u64::decode_var(self.bytes).expect("a varint pushed here");
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
        let shape = self.take() as u32;
        let input = (i64::from(p.input).wrapping_add(unzigzag(self.take()))) as u32;
        let line = (p.line as i64).wrapping_add(unzigzag(self.take())) as u64;
        let flags = self.take();
        let has_ts = flags & HAS_TS != 0;
        let order_ts = if has_ts {
            p.order_ts.wrapping_add(unzigzag(self.take()))
        } else {
            p.order_ts
        };
        let seq = p.seq.wrapping_add(unzigzag(self.take()));
        let (key, rest) = self.bytes.split_at(8);
        self.bytes = rest;
        let key = u64::from_le_bytes(key.try_into().expect("8 bytes"));
        let item = flags >> 2;
        let o = Occurrence {
            shape,
            input,
            line,
            item: item.checked_sub(1).map_or(super::NONE_ITEM, |i| i as u32),
            own_ts: flags & OWN_TS != 0,
            order_ts: if has_ts { order_ts } else { super::NONE_TS },
            seq,
            key,
        };
        self.prev = Occurrence { order_ts, ..o };
        Some(o)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn occ(seed: u64) -> Occurrence {
        let r = |k: u64| {
            seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)
                .rotate_left(k as u32 * 7)
        };
        let extreme = [i64::MIN, i64::MAX, 0, -1];
        Occurrence {
            shape: (r(1) % 5) as u32,
            input: (r(2) % 3) as u32,
            line: if seed % 11 == 0 {
                u64::MAX
            } else {
                r(3) % 1_000_000
            },
            item: if seed % 3 == 0 {
                super::super::NONE_ITEM
            } else {
                (r(4) % 70_000) as u32
            },
            own_ts: seed % 2 == 0,
            order_ts: if seed % 5 == 0 {
                super::super::NONE_TS
            } else if seed % 13 == 0 {
                extreme[(seed % 4) as usize]
            } else {
                1_795_143_600_000_000_000 + (r(5) % 1_000_000_000_000) as i64
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
                input: 0,
                line: 40 + k * 97,
                item: super::super::NONE_ITEM,
                own_ts: true,
                order_ts: 1_795_143_600_000_000_000 + k as i64 * 15_000_000_000,
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
