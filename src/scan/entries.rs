//! What the envelopes add to the record builder: the entries of a JSON
//! envelope line, the source's own notes, the pieces of a line split by CRI
//! (`P`) or Docker, and each record's identity for merging overlapping inputs.

use super::{pre, State, MAX_CONTINUATION, MAX_NOTES};
use crate::decode::Level;
use crate::envelope::{text as transport, Note};
use crate::event::SourcePos;
use crate::time::Ts;

impl State<'_, '_> {
    /// One physical line in a JSON envelope: one entry, a page of them, or
    /// none (an SSE comment or event, counted as a marker).
    pub(super) fn opened(
        &mut self,
        lineno: u64,
        pages: (bool, u64),
        items: Vec<pre::Item>,
        notes: Vec<Note>,
    ) {
        let (paged, pages) = pages;
        self.acct.export_pages += pages;
        for n in notes {
            self.note(n);
        }
        if items.is_empty() {
            self.acct.lines += 1;
            return self.skip_marker();
        }
        for (k, e) in items.into_iter().enumerate() {
            self.acct.lines += 1;
            if !e.keep {
                self.skip_other_app();
                continue;
            }
            self.exported = true;
            if !e.partial && e.body.iter().all(u8::is_ascii_whitespace) {
                self.skip_blank();
                continue;
            }
            let pos = SourcePos {
                input: self.input,
                line: lineno,
                item: paged.then_some(k as u32),
            };
            let w = transport::Wrapped {
                pod: Some(&e.pod),
                container: None,
                ts: e.ts,
                partial_ts: None,
                body: &e.body,
                partial: e.partial,
            };
            self.piece(pos, w, e.candidate, e.level);
        }
    }

    /// A source's own warning or error, redacted and kept (up to a bound).
    fn note(&mut self, n: Note) {
        let redact = |s: &str| self.scanner.redactor.redact(s).into_owned();
        let n = match n {
            Note::Warning(s) => Note::Warning(redact(&s)),
            Note::Error(s) => Note::Error(redact(&s)),
        };
        if self.notes.len() < MAX_NOTES {
            self.notes.push(n);
        }
    }

    /// A line, or a piece of one: a CRI `P` line or a Docker piece waits for
    /// the rest of its line, and counts as a continuation of it.
    pub(super) fn piece(
        &mut self,
        pos: SourcePos,
        w: transport::Wrapped<'_>,
        candidate: bool,
        level: Level,
    ) {
        // The hot path: no piece waits anywhere, and this line is whole.
        if !w.partial && self.waiting == 0 {
            return self.content(pos, w, candidate, level);
        }
        let gi = self.group_for(w.pod.unwrap_or_default());
        if w.partial {
            self.acct.continuations += 1;
            let g = &mut self.groups[gi];
            let was_empty = g.pieces.is_empty();
            if g.pieces.len() < MAX_CONTINUATION * 16 {
                g.pieces.extend_from_slice(w.body);
            }
            if was_empty && !g.pieces.is_empty() {
                self.waiting += 1;
            }
            return;
        }
        if self.groups[gi].pieces.is_empty() {
            return self.content(pos, w, candidate, level);
        }
        self.waiting -= 1;
        let mut joined = std::mem::take(&mut self.groups[gi].pieces);
        joined.extend_from_slice(w.body);
        let candidate = self.scanner.classifier.is_candidate(&joined);
        let whole = transport::Wrapped { body: &joined, ..w };
        self.content(pos, whole, candidate, level);
        self.groups[gi].pieces = joined;
        self.groups[gi].pieces.clear();
    }

    /// Pieces of a line that the input ended before its end: the line as
    /// far as it goes, its last piece counted as its head.
    pub(super) fn unended(&mut self, gi: usize) {
        if self.groups[gi].pieces.is_empty() {
            return;
        }
        let body = std::mem::take(&mut self.groups[gi].pieces);
        self.waiting -= 1;
        self.acct.continuations -= 1;
        let pos = self.groups[gi].pos.unwrap_or(SourcePos {
            input: self.input,
            line: self.acct.lines,
            item: None,
        });
        let pod = self.groups[gi].pod.clone();
        let w = transport::Wrapped {
            pod: Some(&pod),
            container: None,
            ts: None,
            partial_ts: None,
            body: &body,
            partial: false,
        };
        let candidate = self.scanner.classifier.is_candidate(&body);
        self.content(pos, w, candidate, Level::Unknown);
    }
}

/// A record's identity across inputs: its time to the millisecond (kubectl's
/// nanoseconds, LogDNA's milliseconds) and its text.
pub(super) fn overlap_key(ts: Option<Ts>, body: &[u8], cont: &[u8]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    ts.map(|t| t.nanos().div_euclid(1_000_000)).hash(&mut h);
    body.trim_ascii().hash(&mut h);
    cont.hash(&mut h);
    h.finish()
}
