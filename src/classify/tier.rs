//! The prefilter's first tier: a line can be a candidate only if its body
//! holds a rule's or an attribution keyword, or the line holds an id-shaped
//! token (`Classifier::is_candidate` lists the ways). Teddy, a SIMD search
//! for a few dozen literals, finds the keywords at several times the speed
//! of the keyword walk, and most lines hold none of them: the walk then runs
//! only on the lines this tier flags.

use super::attribution;
use super::prefilter::Envelope;

/// How many bytes of a line are lowercased and searched at once.
const CHUNK: usize = 1024;
/// The shortest id-shaped token (`attribution::id_shaped`).
const ID_MIN: usize = 20;

pub(super) struct FirstTier {
    /// `None` when a literal is shorter than three bytes or longer than
    /// half the buffer: every line then goes to the walk.
    literals: Option<Grams>,
    /// The longest literal's length less one: how much of a chunk the next
    /// one repeats, so that no literal is cut in two.
    overlap: usize,
    /// A byte no literal holds, put between the parts of a body so that no
    /// literal is found across a masked span.
    gap: u8,
    #[cfg(test)]
    count: usize,
}

impl FirstTier {
    /// `words`: the keywords whose presence can make a line a candidate on
    /// its own or beside a weaker class (rules' and attribution keywords).
    pub(super) fn new<'a>(words: impl Iterator<Item = &'a str>) -> FirstTier {
        let literals = minimal(words.map(|w| w.to_ascii_lowercase()).collect());
        let longest = literals.iter().map(Vec::len).max().unwrap_or(0);
        let gap = (0..=u8::MAX)
            .find(|b| !literals.iter().any(|l| l.contains(b)))
            .unwrap_or(0);
        let usable =
            longest < CHUNK / 2 && literals.iter().all(|l| l.len() >= 3 && !l.contains(&gap));
        FirstTier {
            literals: usable.then(|| Grams::new(&literals)),
            overlap: longest.saturating_sub(1),
            gap,
            #[cfg(test)]
            count: literals.len(),
        }
    }

    /// How many literals Teddy searches for, if it does.
    #[cfg(test)]
    pub(super) fn literals(&self) -> Option<usize> {
        self.literals.as_ref().map(|_| self.count)
    }

    /// `false` only when the line cannot be a candidate: no literal in its
    /// body (the line less the envelope's `skip` spans), no id-shaped token
    /// in the whole line.
    pub(super) fn flags(&self, raw: &[u8], skip: &Envelope) -> bool {
        let Some(literals) = &self.literals else {
            return true;
        };
        has_id_token(raw) || self.any_literal(literals, raw, skip)
    }

    /// Lowercases the body's parts into a buffer on the stack, a gap byte
    /// between two parts, and searches it each time it fills (the next fill
    /// starting with the last `overlap` bytes of this one) and at the end.
    fn any_literal(&self, literals: &Grams, raw: &[u8], skip: &Envelope) -> bool {
        let mut buf = [0u8; CHUNK + 1];
        let mut len = 0;
        let mut at = 0;
        for &(from, to) in skip.iter().chain(std::iter::once(&(raw.len(), raw.len()))) {
            if from > at {
                if len == CHUNK {
                    if literals.any_in(&mut buf, CHUNK) {
                        return true;
                    }
                    len = 0;
                } else if len > 0 {
                    buf[len] = self.gap;
                    len += 1;
                }
                let mut part = &raw[at..from];
                while !part.is_empty() {
                    if len == CHUNK {
                        if literals.any_in(&mut buf, CHUNK) {
                            return true;
                        }
                        buf.copy_within(CHUNK - self.overlap..CHUNK, 0);
                        len = self.overlap;
                    }
                    let n = part.len().min(CHUNK - len);
                    for (d, s) in buf[len..len + n].iter_mut().zip(&part[..n]) {
                        *d = s.to_ascii_lowercase();
                    }
                    len += n;
                    part = &part[n..];
                }
            }
            at = at.max(to);
        }
        literals.any_in(&mut buf, len)
    }
}

/// A search for many short literals at once: a bit for each literal's
/// first four bytes (a three-byte literal's, with every byte after it) in
/// a table small enough for the L1 cache, tested at each byte of the
/// haystack, and a literal compared only where its bit is set. With a
/// hundred literals this runs at several times the keyword walk's speed,
/// where Teddy, made for a few dozen, ran slower than the walk.
struct Grams {
    bits: Vec<u64>,
    /// The literals by their first byte, each after its first four bytes
    /// (three, and a mask that leaves out the fourth) as a number.
    by_first: Vec<Vec<(u32, u32, Vec<u8>)>>,
}

/// The table's size, in bits: 2^18 (32 KiB).
const GRAM_BITS: u32 = 18;

impl Grams {
    fn new(literals: &[Vec<u8>]) -> Grams {
        let mut grams = Grams {
            bits: vec![0; 1 << (GRAM_BITS - 6)],
            by_first: vec![Vec::new(); 256],
        };
        for l in literals {
            let mask = if l.len() > 3 { u32::MAX } else { 0x00FF_FFFF };
            let head = u32::from_le_bytes([l[0], l[1], l[2], l.get(3).copied().unwrap_or(0)]);
            grams.by_first[usize::from(l[0])].push((head, mask, l.clone()));
            match l.get(3) {
                Some(_) => grams.set(gram([l[0], l[1], l[2], l[3]])),
                None => (0..=u8::MAX).for_each(|b| grams.set(gram([l[0], l[1], l[2], b]))),
            }
        }
        grams
    }

    fn set(&mut self, h: usize) {
        self.bits[h >> 6] |= 1 << (h & 63);
    }

    /// Whether a literal occurs in `buf[..len]`; `buf[len]` is overwritten
    /// (a three-byte literal at the end is tested with the byte after it).
    fn any_in(&self, buf: &mut [u8; CHUNK + 1], len: usize) -> bool {
        buf[len] = 0;
        let hay = &buf[..len];
        buf[..=len].windows(4).enumerate().any(|(i, w)| {
            let w = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
            let h = hash(w);
            self.bits[h >> 6] & (1 << (h & 63)) != 0
                && self.by_first[(w & 0xFF) as usize]
                    .iter()
                    .any(|(head, mask, l)| w & mask == *head && hay[i..].starts_with(l))
        })
    }
}

fn gram(b: [u8; 4]) -> usize {
    hash(u32::from_le_bytes(b))
}

fn hash(w: u32) -> usize {
    (w.wrapping_mul(0x9E37_79B1) >> (32 - GRAM_BITS)) as usize
}

/// The literals less any that holds another (it is found only where that
/// one is), sorted: which one is found does not matter, only whether any is.
fn minimal(mut words: Vec<String>) -> Vec<Vec<u8>> {
    words.retain(|w| !w.is_empty());
    words.sort_unstable_by_key(String::len);
    words.dedup();
    let mut kept: Vec<Vec<u8>> = Vec::new();
    for w in words {
        let w = w.into_bytes();
        if !kept.iter().any(|k| w.windows(k.len()).any(|s| s == &k[..])) {
            kept.push(w);
        }
    }
    kept.sort_unstable();
    kept
}

/// An error line that holds a cluster-id-shaped token may be about a cluster
/// named elsewhere in the input (inside a secret name, a storage path).
///
/// Whether any maximal run of `[a-z0-9]` in `raw` is id-shaped: what
/// splitting at every other byte and testing each piece says, reading about
/// one byte in twenty of a line with no long run. Every id-shaped token is
/// at least `ID_MIN` long, so it holds one of the bytes looked at: the
/// twentieth of the line, and the twentieth after each run or byte that
/// did not start one.
pub(super) fn has_id_token(raw: &[u8]) -> bool {
    let id_byte = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    let mut i = ID_MIN - 1;
    while i < raw.len() {
        if !id_byte(raw[i]) {
            i += ID_MIN;
            continue;
        }
        let start = raw[..i]
            .iter()
            .rposition(|&b| !id_byte(b))
            .map_or(0, |p| p + 1);
        let end = raw[i..]
            .iter()
            .position(|&b| !id_byte(b))
            .map_or(raw.len(), |p| i + p);
        if attribution::id_shaped(&raw[start..end]) {
            return true;
        }
        i = end + ID_MIN;
    }
    false
}
