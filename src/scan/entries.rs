//! What the envelopes add to the record builder: the entries of a JSON
//! envelope line, the source's own notes, and each record's identity for
//! merging overlapping inputs.

use super::{pre, State, MAX_NOTES};
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
        items: std::ops::Range<usize>,
        notes: Vec<Note>,
        entries: &mut pre::Entries,
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
        let pre::Entries { bytes, items: all } = entries;
        for (k, e) in all[items].iter_mut().enumerate() {
            self.acct.lines += 1;
            if !e.keep {
                self.skip_other_app();
                continue;
            }
            self.exported = true;
            let body = &bytes[e.body.clone()];
            if !e.partial && body.iter().all(u8::is_ascii_whitespace) {
                self.skip_blank();
                continue;
            }
            let pos = SourcePos::new(self.input, lineno, paged.then_some(k as u32));
            let w = transport::Wrapped {
                pod: Some(&bytes[e.pod.clone()]),
                container: e.container.clone().map(|c| &bytes[c]),
                ts: e.ts,
                partial_ts: None,
                body,
                partial: e.partial,
            };
            self.piece(pos, w, std::mem::take(&mut e.judged), e.level);
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
