//! The prefilter: one DFA over every keyword, walked over a raw line's
//! bytes before anything is decoded, skipping the spans of the envelope
//! that say nothing about what happened.

use super::{attribution, ATTRIBUTION, ERROR, RULE};
use aho_corasick::automaton::{Automaton, OverlappingState, StateID};
use aho_corasick::{dfa, Anchored, Input, MatchKind};
use memchr::memmem::Finder;
use std::sync::OnceLock;

/// The prefilter's DFA and its start state. No prefilter of its own: the
/// start state is then not special, and the loop branches only on a match.
pub(super) struct Walker {
    dfa: dfa::DFA,
    pub(super) start: StateID,
    /// The longest keyword's length: how far the second of two walks over
    /// a part must start before the part's middle (`walk`).
    longest: usize,
    /// Bytes that no keyword holds, in either case (`"`, `{`, `=` ...): no
    /// keyword crosses one, so a part can be cut there into two walks.
    breaks: [bool; 256],
}

/// Parts at least this long are walked as two halves side by side.
const TWO_WALKS: usize = 64;
/// How far past a part's middle `walk` looks for a byte to cut at.
const BREAK_SEARCH: usize = 32;

impl Walker {
    pub(super) fn new(words: &[String]) -> Walker {
        let dfa = dfa::DFA::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(words)
            .expect("keywords are plain literals, bounded in number");
        let start = dfa
            .start_state(Anchored::No)
            .expect("an unanchored DFA has an unanchored start");
        let longest = words.iter().map(String::len).max().unwrap_or(0);
        let mut breaks = [true; 256];
        for &b in words.iter().flat_map(|w| w.as_bytes()) {
            breaks[usize::from(b.to_ascii_lowercase())] = false;
            breaks[usize::from(b.to_ascii_uppercase())] = false;
        }
        Walker {
            dfa,
            start,
            longest,
            breaks,
        }
    }

    /// ORs into `seen` the classes of every keyword in `part` (overlapping
    /// ones included, as `find_overlapping_iter` reports them); `true` as
    /// soon as they make the line a candidate, before the part's end.
    ///
    /// Each byte's step waits on the one before it (the next state is read
    /// from the table at the current one), so a long part is walked as two
    /// halves at once, whose steps the CPU overlaps. The cut is at a byte
    /// near the middle that no keyword holds, which no keyword can cross.
    /// Failing one, the second half starts a keyword's length less one
    /// before the middle: a keyword that ends past the middle starts there or
    /// later, and the first half sees every keyword that ends by the middle.
    /// Either way the two see every keyword.
    #[inline]
    pub(super) fn walk(&self, part: &[u8], class: &[u8], seen: &mut u8) -> bool {
        if part.len() < TWO_WALKS {
            return self.walk_from(self.start, part, class, seen);
        }
        let mid = part.len() / 2;
        let near = &part[mid..part.len().min(mid + BREAK_SEARCH)];
        if let Some(i) = near.iter().position(|&b| self.breaks[usize::from(b)]) {
            let cut = mid + i;
            return self.walk_two(&part[..cut], &part[cut + 1..], class, seen);
        }
        let back = self.longest.saturating_sub(1);
        if mid <= back {
            return self.walk_from(self.start, part, class, seen);
        }
        self.walk_two(&part[..mid], &part[mid - back..], class, seen)
    }

    /// `walk` over `a` and `b`, four bytes of each in turn with one branch
    /// for all eight (the lowest state id is special if any is), then the
    /// rest of each alone. On a special step both quads are walked again a
    /// byte at a time: the one with no match adds nothing.
    fn walk_two(&self, a: &[u8], b: &[u8], class: &[u8], seen: &mut u8) -> bool {
        let dfa = &self.dfa;
        let next = |sid, b| dfa.next_state(Anchored::No, sid, b);
        let (mut sa, mut sb) = (self.start, self.start);
        let quads = a.len().min(b.len()) / 4;
        for (pa, pb) in a.chunks_exact(4).zip(b.chunks_exact(4)) {
            let (a0, b0) = (next(sa, pa[0]), next(sb, pb[0]));
            let (a1, b1) = (next(a0, pa[1]), next(b0, pb[1]));
            let (a2, b2) = (next(a1, pa[2]), next(b1, pb[2]));
            let (a3, b3) = (next(a2, pa[3]), next(b2, pb[3]));
            let low = a0.min(a1).min(a2.min(a3)).min(b0.min(b1).min(b2.min(b3)));
            if dfa.is_special(low)
                && (self.bytes(pa, sa, class, seen) || self.bytes(pb, sb, class, seen))
            {
                return true;
            }
            (sa, sb) = (a3, b3);
        }
        self.walk_from(sa, &a[quads * 4..], class, seen)
            || self.walk_from(sb, &b[quads * 4..], class, seen)
    }

    /// `walk` from state `sid`.
    pub(super) fn walk_from(
        &self,
        mut sid: StateID,
        part: &[u8],
        class: &[u8],
        seen: &mut u8,
    ) -> bool {
        // Four bytes a step, with one branch for all four: a state is special
        // (a match) on few bytes of a line, and that step is then walked again
        // a byte at a time.
        let mut quads = part.chunks_exact(4);
        for q in &mut quads {
            let (next, special) = self.quad(sid, q);
            if special && self.bytes(q, sid, class, seen) {
                return true;
            }
            sid = next;
        }
        self.bytes(quads.remainder(), sid, class, seen)
    }

    /// Four steps from `sid`: the state after them, and whether any of them
    /// reached a special (match) state.
    #[inline(always)]
    fn quad(&self, sid: StateID, q: &[u8]) -> (StateID, bool) {
        let dfa = &self.dfa;
        let next = |sid, b| dfa.next_state(Anchored::No, sid, b);
        let s0 = next(sid, q[0]);
        let s1 = next(s0, q[1]);
        let s2 = next(s1, q[2]);
        let s3 = next(s2, q[3]);
        let special =
            dfa.is_special(s0) | dfa.is_special(s1) | dfa.is_special(s2) | dfa.is_special(s3);
        (s3, special)
    }

    /// Every keyword in `text`, overlapping ones included, in the order
    /// they end: what `AhoCorasick::find_overlapping_iter` gives over the same
    /// DFA (one DFA for both uses: building it is a tenth of the start-up).
    pub(super) fn keywords_in<'t>(&'t self, text: &'t str) -> impl Iterator<Item = usize> + 't {
        let input = Input::new(text);
        let mut state = OverlappingState::start();
        std::iter::from_fn(move || {
            self.dfa
                .try_find_overlapping(&input, &mut state)
                .expect("an unanchored DFA searches any haystack");
            state.get_match().map(|m| m.pattern().as_usize())
        })
    }

    /// `walk` a byte at a time, from state `sid`.
    fn bytes(&self, part: &[u8], mut sid: StateID, class: &[u8], seen: &mut u8) -> bool {
        let dfa = &self.dfa;
        for &b in part {
            sid = dfa.next_state(Anchored::No, sid, b);
            if dfa.is_special(sid) && dfa.is_match(sid) {
                for i in 0..dfa.match_len(sid) {
                    *seen |= class[dfa.match_pattern(sid, i).as_usize()];
                }
                if *seen & RULE != 0 || *seen & (ERROR | ATTRIBUTION) == ERROR | ATTRIBUTION {
                    return true;
                }
            }
        }
        false
    }
}

/// Spans of a line's envelope that say nothing about what happened, in
/// order and not overlapping: at most one each of zap JSON's `logger`,
/// `caller` and `stacktrace` values, or klog's header up to `] ` and its
/// `logger="..."` value. Each is found with one memmem search; anything
/// else, or a line that is neither shape, gives no span.
pub(super) fn envelope(raw: &[u8]) -> Envelope {
    let mut out = Envelope::default();
    let first = raw.iter().position(|b| !b.is_ascii_whitespace());
    match first.map(|i| raw[i]) {
        Some(b'{') => {
            // zap writes `logger`, then `caller`, then (last) `stacktrace`: each
            // search starts where the one before it ended, so the line is read
            // about once.
            let keys = zap_keys();
            let mut from = 0;
            for key in keys {
                if let Some(span) = json_string_value(raw, from, key) {
                    from = span.1;
                    out.push(span);
                }
            }
        }
        Some(b'I' | b'W' | b'E' | b'F') => {
            if let Some(span) = klog_header(raw) {
                out.push(span);
            }
            if let Some(span) = klog_logger(raw) {
                out.push(span);
            }
        }
        _ => {}
    }
    out.spans[..out.len].sort_unstable();
    out
}

#[derive(Default)]
pub(super) struct Envelope {
    spans: [(usize, usize); 3],
    len: usize,
}

impl Envelope {
    fn push(&mut self, span: (usize, usize)) {
        if self.len < self.spans.len() {
            self.spans[self.len] = span;
            self.len += 1;
        }
    }

    pub(super) fn iter(&self) -> std::slice::Iter<'_, (usize, usize)> {
        self.spans[..self.len].iter()
    }
}

/// `"key":"value"`: the span from the key to the value's closing quote. The
/// key is found only where it is a key (a `"` before it that is not escaped
/// inside another string would read `\"key\":`, which this does not match).
fn json_string_value(raw: &[u8], from: usize, key: &Finder<'static>) -> Option<(usize, usize)> {
    let k = from + key.find(&raw[from..])?;
    let mut i = k + key.needle().len();
    while raw.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    if raw.get(i) != Some(&b'"') {
        return None;
    }
    Some((k, i + string_end(&raw[i..])?))
}

/// The zap keys of the envelope, their searchers built once: building a
/// `memmem` searcher costs more than running it over a short line.
fn zap_keys() -> &'static [Finder<'static>; 3] {
    static KEYS: OnceLock<[Finder<'static>; 3]> = OnceLock::new();
    KEYS.get_or_init(|| {
        [
            Finder::new(b"\"logger\":"),
            Finder::new(b"\"caller\":"),
            Finder::new(b"\"stacktrace\":"),
        ]
    })
}

/// The length of the JSON (or Go-quoted) string at the start of `s`, its two
/// quotes included.
fn string_end(s: &[u8]) -> Option<usize> {
    let mut i = 1;
    loop {
        let q = i + memchr::memchr2(b'"', b'\\', &s[i..])?;
        if s[q] == b'\\' {
            i = q + 2;
            if i >= s.len() {
                return None;
            }
        } else {
            return Some(q + 1);
        }
    }
}

/// klog's `I1120 00:00:00.001647       1 informer.go:112] `: the header, up to
/// and with the `] `, when the line starts with one.
fn klog_header(raw: &[u8]) -> Option<(usize, usize)> {
    let start = raw.iter().position(|b| !b.is_ascii_whitespace())?;
    let h = &raw[start..];
    if h.len() < 8 || !h[1..5].iter().all(u8::is_ascii_digit) || h[5] != b' ' {
        return None;
    }
    let window = &h[..h.len().min(96)];
    let end = memchr::memchr_iter(b']', window).find(|&i| window.get(i + 1) == Some(&b' '))?;
    Some((start, start + end + 2))
}

/// klog's ` logger="kp-events.rotation"` pair.
fn klog_logger(raw: &[u8]) -> Option<(usize, usize)> {
    static KEY: OnceLock<Finder<'static>> = OnceLock::new();
    let k = KEY.get_or_init(|| Finder::new(b" logger=\"")).find(raw)?;
    let v = k + b" logger=".len();
    Some((k, v + string_end(&raw[v..])?))
}

/// An error line that holds a cluster-id-shaped token may be about a cluster
/// named elsewhere in the input (inside a secret name, a storage path).
pub(super) fn has_id_token(raw: &[u8]) -> bool {
    raw.split(|b| !(b.is_ascii_lowercase() || b.is_ascii_digit()))
        .any(attribution::id_shaped)
}

/// klog's `E1120 ` / `F1120 ` header marks an error even without error words.
pub(super) fn is_klog_error_header(raw: &[u8]) -> bool {
    memchr::memchr2(b'E', b'F', raw).is_some_and(|i| {
        let b = &raw[i..];
        b.len() > 6
            && b[1..5].iter().all(u8::is_ascii_digit)
            && b[5] == b' '
            && (i == 0 || raw[i - 1] == b' ')
    })
}

#[cfg(test)]
mod envelope_tests {
    use super::envelope;

    fn skipped(raw: &str) -> Vec<&str> {
        envelope(raw.as_bytes())
            .iter()
            .map(|&(a, b)| &raw[a..b])
            .collect()
    }

    #[test]
    fn zap_logger_caller_and_stacktrace_are_envelope() {
        let line = r#"{"level":"info","logger":"kp-events.rotation","caller":"keyrotation/worker.go:88","msg":"Handled \"request\"","stacktrace":"a\nkeyrotation/x.go:1"}"#;
        assert_eq!(
            skipped(line),
            [
                r#""logger":"kp-events.rotation""#,
                r#""caller":"keyrotation/worker.go:88""#,
                r#""stacktrace":"a\nkeyrotation/x.go:1""#,
            ]
        );
        // Escaped inside another value, a key is not a key.
        assert!(skipped(r#"{"msg":"x \"logger\":\"rotation\""}"#).is_empty());
    }

    #[test]
    fn klog_header_and_logger_are_envelope() {
        let line = r#"I1120 00:00:00.001647       1 rotate.go:112] "Informer resync" logger="kp-events.rotation" n=3"#;
        assert_eq!(
            skipped(line),
            [
                "I1120 00:00:00.001647       1 rotate.go:112] ",
                r#" logger="kp-events.rotation""#,
            ]
        );
        assert!(skipped("a plain line about rotation").is_empty());
    }
}
