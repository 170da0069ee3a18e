//! Classify stage: the aho-corasick prefilter over raw lines, then the pack's
//! rules over decoded text, and attribution of a record to a cluster.

mod attribution;
pub mod pack;
pub mod words;

pub use attribution::{id_tokens, IdSource, Who};
pub use pack::{CatId, Cats, Kind, Marker, Pack, Strength, Target};
pub use words::{Hint, Reading};

use aho_corasick::automaton::{Automaton, OverlappingState, StateID};
use aho_corasick::{dfa, Anchored, Input, MatchKind};
use memchr::memmem::Finder;
use std::sync::OnceLock;

/// The compiled pack: one prefilter automaton plus rules.
pub struct Classifier {
    pub pack: Pack,
    /// Every keyword (rules', error words and attribution literals) as a
    /// bare DFA, walked by `is_candidate`'s own loop: one table lookup a
    /// byte, and every keyword that ends at a byte read off its state, so one
    /// pass gives the keywords' classes. `classify` searches the same DFA.
    walker: Walker,
    /// For each keyword, its classes (`RULE`, `ERROR`, `ATTRIBUTION`).
    class: Vec<u8>,
    /// For each keyword, the rules that listed it.
    rules_of_keyword: Vec<Vec<usize>>,
}

/// A rule's or the word layer's keyword: the line is worth decoding.
const RULE: u8 = 1;
const ERROR: u8 = 2;
const ATTRIBUTION: u8 = 4;

/// What a line says about rotation, after the pack's rules.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Classification {
    /// Every failure category kept for the line, most specific first.
    pub categories: Cats,
    pub marker: Option<Marker>,
    /// The text holds an error word (for records with no level).
    pub error_words: bool,
    /// A runbook phrase (or the word layer) named a failure, not only an
    /// underlying error string.
    pub phrase: bool,
}

impl Classification {
    /// The category that names the line's cause.
    pub fn cause(&self) -> Option<CatId> {
        self.categories.first().copied()
    }
}

/// One rule's hit on a line.
#[derive(Clone, Copy, Debug)]
struct Hit {
    cat: CatId,
    rank: u8,
    strength: Strength,
    pos: usize,
}

impl Classifier {
    pub fn new(pack: Pack) -> Classifier {
        let keywords = pack.keywords();
        let rules_of_keyword = keywords
            .iter()
            .map(|k| {
                (0..pack.rules.len())
                    .filter(|&r| pack.rules[r].keywords.contains(k))
                    .collect()
            })
            .collect();
        let class = keywords
            .iter()
            .map(|k| {
                let rule = pack.rules.iter().any(|r| r.keywords.contains(k));
                let bit = |on: bool, class: u8| if on { class } else { 0 };
                let weak = pack.weak_keywords.contains(k);
                bit(
                    (rule || pack.vocabulary.keywords.contains(k)) && !weak,
                    RULE,
                ) | bit(weak, WEAK)
                    | bit(pack.error_keywords.contains(k), ERROR)
                    | bit(pack.attribution.keywords.contains(k), ATTRIBUTION)
            })
            .collect();
        Classifier {
            walker: Walker::new(&keywords),
            class,
            rules_of_keyword,
            pack,
        }
    }

    /// Could this raw line matter? A line that fails this is only counted.
    /// It must hold a rule's keyword, or be an error that names a cluster
    /// or correlation id (a possible `unclassified` rotation failure). One
    /// pass over the line, stopping as soon as that is settled.
    ///
    /// The envelope is not read: the values of `logger`, `caller` and
    /// `stacktrace` (zap JSON), klog's `file.go:NN]` header and its
    /// `logger="..."` pair. The rules never see them either (the record's
    /// classification text leaves them out), and a service whose package is
    /// `keyrotation` names it on every line, so reading them would make every
    /// line a candidate.
    pub fn is_candidate(&self, raw: &[u8]) -> bool {
        let skip = envelope(raw);
        let mut seen = 0u8;
        let mut at = 0;
        for &(from, to) in skip.iter().chain(std::iter::once(&(raw.len(), raw.len()))) {
            if from > at && self.walker.walk(&raw[at..from], &self.class, &mut seen) {
                return true;
            }
            at = at.max(to);
        }
        seen & ATTRIBUTION != 0 && is_klog_error_header(raw)
            || seen & (ERROR | WEAK) != 0 && has_id_token(raw)
            || seen & (WEAK | ATTRIBUTION) == WEAK | ATTRIBUTION
    }

    /// What the words of a record say: its message, and the values of its
    /// outcome fields (`status`, `result`, ...) as clauses of their own.
    pub fn read(&self, message: &str, fields: &[(&str, &str)]) -> Reading {
        let v = &self.pack.vocabulary;
        let outcome = fields
            .iter()
            .filter(|(k, val)| val.len() <= 64 && v.fields.contains(&pack::normalize_field(k)))
            .map(|(_, val)| *val);
        v.words.read(message, outcome)
    }

    /// A cause the words name ("could not get a client for the cluster
    /// master"), when no rule named one.
    fn add_word_cause(&self, class: &mut Classification, reading: Reading) {
        let v = &self.pack.vocabulary;
        let Some(cat) = reading.cause.map(|n| v.causes[usize::from(n)]) else {
            return;
        };
        let has_cause = class
            .categories
            .iter()
            .any(|&c| self.pack.category(c).kind == Kind::Cause);
        if !has_cause {
            class.categories.insert(0, cat);
            class.marker = None;
            class.phrase = true;
        }
    }

    /// The number of clusters a new key is announced for, if the text says.
    pub fn announced(&self, text: &str) -> Option<u32> {
        self.pack.vocabulary.announce.iter().find_map(|re| {
            let c = re.captures(text.as_bytes())?;
            std::str::from_utf8(c.name("n")?.as_bytes())
                .ok()?
                .parse()
                .ok()
        })
    }

    /// Runs the rules whose keywords occur in `text`.
    pub fn classify(&self, text: &str) -> Classification {
        let mut tried = vec![false; self.pack.rules.len()];
        let mut hits = Vec::new();
        let mut out = Classification::default();
        for k in self.walker.keywords_in(text) {
            out.error_words |= self.class[k] & ERROR != 0;
            for &r in &self.rules_of_keyword[k] {
                if std::mem::replace(&mut tried[r], true) {
                    continue;
                }
                self.try_rule(r, text, &mut hits, &mut out);
            }
        }
        out.categories = resolve(&hits);
        out.phrase = hits
            .iter()
            .any(|h| h.strength == Strength::Phrase && out.categories.contains(&h.cat));
        if !out.categories.is_empty() {
            // A line that reports a failure is not also a start or a success.
            out.marker = None;
        }
        out
    }

    /// The rules' lifecycle event and the word layer's, made one. The rules
    /// are precise and win, except that failure words on the rotation topic
    /// unmake a start or a success a rule saw ("rotation did not complete").
    /// Returns the word layer's hint that is left for the attempts stage,
    /// which acts on it only inside a rotation or on the rotation topic.
    pub fn combine(
        &self,
        class: &mut Classification,
        mut reading: Reading,
        error: bool,
    ) -> Option<Hint> {
        // An error that states the limit ("dropping out after 6 attempts")
        // is the exhaustion it does not name.
        if reading.limit && error && !matches!(reading.hint, Some(Hint::Succeeded)) {
            reading.hint = Some(Hint::Exhausted);
        }
        let failing = matches!(reading.hint, Some(Hint::Failed | Hint::Exhausted));
        let on_topic = reading.topic || reading.key;
        if class.marker.is_some() && failing && on_topic {
            class.marker = None;
        }
        // Words outrank each other the same way across the two layers:
        // "Finished rotating the key" is a success, not a start.
        if class.marker == Some(Marker::Started) && reading.hint == Some(Hint::Succeeded) {
            class.marker = Some(Marker::Succeeded);
        }
        self.add_word_cause(class, reading);
        let kinds = class.categories.iter().map(|&c| self.pack.category(c).kind);
        let lifecycle = class.marker.is_some()
            || kinds
                .clone()
                .any(|k| matches!(k, Kind::AttemptFailed | Kind::Exhausted));
        if lifecycle {
            return None;
        }
        match reading.hint {
            // A cause line is a failure already; only exhaustion adds to it.
            Some(Hint::Exhausted) => Some(Hint::Exhausted),
            Some(h) if class.categories.is_empty() => Some(h),
            // A cause line on the rotation topic may also be the attempt's
            // end ("key rotation unsuccessful: dial tcp ..."); the attempts
            // stage decides, from whether the attempts are numbered.
            Some(Hint::Failed) if reading.topic => Some(Hint::Failed),
            _ => None,
        }
    }

    fn try_rule(&self, r: usize, text: &str, hits: &mut Vec<Hit>, out: &mut Classification) {
        let rule = &self.pack.rules[r];
        let Some(pos) = rule.find_after_prefilter(text) else {
            return;
        };
        match rule.target {
            Target::Marker(m) => out.marker = Some(out.marker.map_or(m, |prev| prev.max_with(m))),
            Target::Category(cat) => hits.push(Hit {
                cat,
                rank: self.pack.category(cat).kind.rank(),
                strength: rule.strength,
                pos,
            }),
        }
    }

    pub fn attribute(&self, fields: &[(&str, &str)], text: &str) -> Who {
        attribution::attribute(&self.pack.attribution, fields, text)
    }
}

impl Marker {
    /// A line that both starts and completes names the completion.
    fn max_with(self, other: Marker) -> Marker {
        if self == Marker::Succeeded || other == Marker::Succeeded {
            Marker::Succeeded
        } else {
            Marker::Started
        }
    }
}

/// Keeps every category a line carries, most specific first.
///
/// A runbook phrase names the operation that failed; a detail (an underlying
/// error string) of a *different* cause category on the same line explains it
/// and is dropped: `failed to update WDEK secret: etcdserver: leader changed`
/// is the cluster master's etcd, a WDEK failure, not carrier etcd. Among causes
/// the phrase wins over the detail, then the innermost (rightmost) wins,
/// because Go wraps errors outer-first.
fn resolve(hits: &[Hit]) -> Cats {
    let phrase_causes: Vec<CatId> = hits
        .iter()
        .filter(|h| h.rank == Kind::Cause.rank() && h.strength == Strength::Phrase)
        .map(|h| h.cat)
        .collect();
    let mut kept: Vec<Hit> = hits
        .iter()
        .filter(|h| {
            h.rank < Kind::Cause.rank()
                || phrase_causes.is_empty()
                || phrase_causes.contains(&h.cat)
        })
        .copied()
        .collect();
    kept.sort_by(|a, b| {
        (b.rank, b.strength == Strength::Phrase, b.pos).cmp(&(
            a.rank,
            a.strength == Strength::Phrase,
            a.pos,
        ))
    });
    let mut cats = Cats::new();
    for h in kept {
        if !cats.contains(&h.cat) {
            cats.push(h.cat);
        }
    }
    cats
}

/// The prefilter's DFA and its start state. No prefilter of its own: the
/// start state is then not special, and the loop branches only on a match.
struct Walker {
    dfa: dfa::DFA,
    start: StateID,
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
    fn new(words: &[String]) -> Walker {
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
    fn walk(&self, part: &[u8], class: &[u8], seen: &mut u8) -> bool {
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
    fn walk_from(&self, mut sid: StateID, part: &[u8], class: &[u8], seen: &mut u8) -> bool {
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
    fn keywords_in<'t>(&'t self, text: &'t str) -> impl Iterator<Item = usize> + 't {
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
fn envelope(raw: &[u8]) -> Envelope {
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
struct Envelope {
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

    fn iter(&self) -> std::slice::Iter<'_, (usize, usize)> {
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

/// A prefilter-only class: a rule's keyword that says only that something
/// will be tried again ("Key Protect poll failed; will retry"). The rule that
/// lists it (`attempt_failed.phrase`) needs `rotat` or `attempt` as well, so
/// alone it makes a line a candidate only with a cluster or correlation id
/// (the word layer's "retrying" counts only for a tied or on-topic line).
const WEAK: u8 = 8;

/// An error line that holds a cluster-id-shaped token may be about a cluster
/// named elsewhere in the input (inside a secret name, a storage path).
fn has_id_token(raw: &[u8]) -> bool {
    raw.split(|b| !(b.is_ascii_lowercase() || b.is_ascii_digit()))
        .any(attribution::id_shaped)
}

/// klog's `E1120 ` / `F1120 ` header marks an error even without error words.
fn is_klog_error_header(raw: &[u8]) -> bool {
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

#[cfg(test)]
mod tests;
