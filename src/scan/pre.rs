//! The per-line work that needs no state: the envelope taken off and the
//! prefilter's verdict. A text envelope (kubectl, stern, CRI) is kept as
//! offsets into the line, so the record builder reuses it and no line is
//! unwrapped (nor its time parsed) twice, and nothing is allocated for it.
//! A JSON envelope's entries are parsed here and owned. A pure function of
//! the line's bytes, so worker threads can do it in any order and the
//! result is the same as doing it inline (`--threads 1`).

use super::prepare::{prepare, Prepared};
use super::Scanner;
use crate::config::DEFAULT_APP;
use crate::decode::continuation;
use crate::decode::Level;
use crate::envelope::{self, text, Note};
use crate::time::{PartialTs, Ts};
use std::borrow::Cow;
use std::ops::Range;

pub enum Pre {
    /// A line in a text envelope (or none), and whether its body passes the
    /// prefilter.
    Line {
        /// The line without ANSI escapes, when it had any; else the line itself.
        stripped: Option<Vec<u8>>,
        unwrapped: Unwrapped,
        judged: Judged,
    },
    /// A line in a JSON envelope, and its items (many for a LogDNA v2 page
    /// or a Cloud Logs result event; none for an SSE comment).
    Opened {
        /// Item positions count within the line (`file:line#n`).
        paged: bool,
        pages: u64,
        /// Where its items are in the batch's `Entries`.
        items: Range<usize>,
        notes: Vec<Note>,
    },
}

/// A `text::Line` as offsets into the (stripped) line, so it can cross
/// threads without borrowing the batch.
pub enum Unwrapped {
    SternMarker,
    Blank,
    /// A kubectl `--prefix` or stern line of a container other than the app.
    OtherApp,
    Content {
        pod: Option<Range<usize>>,
        /// The container the envelope names, if any.
        container: Option<Range<usize>>,
        ts: Option<Ts>,
        partial_ts: Option<PartialTs>,
        /// The body is always the line's tail, from here.
        body: usize,
        partial: bool,
    },
}

impl Unwrapped {
    fn of(line: &[u8], app: Option<&str>) -> Unwrapped {
        let known = app.unwrap_or(DEFAULT_APP);
        match text::unwrap_for(line, Some(known)) {
            text::Line::SternMarker => Unwrapped::SternMarker,
            text::Line::Blank => Unwrapped::Blank,
            text::Line::Content(w) if !is_from(&w, app) => Unwrapped::OtherApp,
            text::Line::Content(w) => Unwrapped::Content {
                pod: w.pod.map(|p| offset(line, p)..offset(line, p) + p.len()),
                container: w
                    .container
                    .map(|c| offset(line, c)..offset(line, c) + c.len()),
                ts: w.ts,
                partial_ts: w.partial_ts,
                body: line.len() - w.body.len(),
                partial: w.partial,
            },
        }
    }

    /// The unwrapped line again, borrowing from `line`.
    pub fn wrapped<'l>(&self, line: &'l [u8]) -> Option<text::Wrapped<'l>> {
        match self {
            Unwrapped::Content {
                pod,
                container,
                ts,
                partial_ts,
                body,
                partial,
            } => Some(text::Wrapped {
                pod: pod.clone().map(|r| &line[r]),
                container: container.clone().map(|r| &line[r]),
                ts: *ts,
                partial_ts: *partial_ts,
                body: &line[*body..],
                partial: *partial,
            }),
            _ => None,
        }
    }
}

/// Whether a line is from `app` (None: every app). A line that names no
/// container is kept: there is nothing to filter it by.
fn is_from(w: &text::Wrapped<'_>, app: Option<&str>) -> bool {
    match (app, w.container) {
        (Some(a), Some(c)) => a.as_bytes() == c,
        _ => true,
    }
}

/// Where `part`, a subslice of `line`, starts in it.
fn offset(line: &[u8], part: &[u8]) -> usize {
    part.as_ptr() as usize - line.as_ptr() as usize
}

/// One entry of a JSON envelope; its text is in its `Entries`.
#[derive(Clone)]
pub struct Item {
    /// From the app being read (`--app`); the others are only counted.
    pub keep: bool,
    pub ts: Option<Ts>,
    pub level: Level,
    pub pod: Range<usize>,
    /// The container (or app) the envelope names, if any.
    pub container: Option<Range<usize>>,
    pub body: Range<usize>,
    pub judged: Judged,
    pub partial: bool,
}

/// The entries of a batch's JSON envelope lines: their text in one buffer
/// and the items pointing into it, both kept and reused batch after batch.
/// An entry then costs no allocation of its own, and nothing a worker made
/// is freed by the thread that reads the batch, which glibc's allocator
/// makes slow.
#[derive(Clone, Default)]
pub struct Entries {
    pub bytes: Vec<u8>,
    pub items: Vec<Item>,
}

impl Entries {
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.items.clear();
    }

    /// Appends `b`; where it is.
    fn put(&mut self, b: &[u8]) -> Range<usize> {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(b);
        start..self.bytes.len()
    }

    pub fn text(&self, r: &Range<usize>) -> &[u8] {
        &self.bytes[r.clone()]
    }
}

/// What a line's body says by itself, judged where it was read.
#[derive(Clone, Default)]
pub struct Judged {
    /// It passes the prefilter.
    pub candidate: bool,
    /// Its shape is a structured record's (`decode::looks_structured`).
    pub structured: bool,
    /// Its record, when it is a candidate that heads one: the record, if it
    /// stays one line.
    pub prepared: Option<Box<Prepared>>,
}

impl Judged {
    /// Judges `body`, whose envelope gave `level`; a `partial` line waits for
    /// the rest of it, and is judged only as far as the prefilter goes.
    pub fn of(scanner: &Scanner<'_>, body: &[u8], level: Level, partial: bool) -> Judged {
        let candidate = scanner.classifier.is_candidate(body);
        if partial {
            return Judged {
                candidate,
                ..Judged::default()
            };
        }
        let prepared = (candidate && !continuation::is_continuation(body))
            .then(|| Box::new(prepare(scanner, body, b"", level)));
        Judged {
            candidate,
            structured: !candidate && crate::decode::looks_structured(body),
            prepared,
        }
    }
}

/// stern colours pod names, and escapes would hide words from the prefilter.
/// Only the escape sequences go: tabs separate zap console's fields.
fn without_ansi(b: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memchr(0x1b, b).is_some() {
        Cow::Owned(envelope::ansi::strip(b))
    } else {
        Cow::Borrowed(b)
    }
}

/// The pre-pass of `line`; the entries of a JSON envelope go to `entries`.
pub fn pre(line: &[u8], scanner: &Scanner<'_>, entries: &mut Entries) -> Pre {
    if let Some((_, opened)) = envelope::open(line) {
        let first = entries.items.len();
        for e in opened.entries {
            let item = item(e, scanner, entries);
            entries.items.push(item);
        }
        let items = first..entries.items.len();
        return Pre::Opened {
            // Entries of a page or an array are told apart by their index.
            paged: opened.pages > 0 || items.len() > 1,
            pages: opened.pages,
            items,
            notes: opened.notes,
        };
    }
    let raw = without_ansi(line);
    let unwrapped = Unwrapped::of(&raw, scanner.app);
    let judged = unwrapped
        .wrapped(&raw)
        .map(|w| Judged::of(scanner, w.body, Level::Unknown, w.partial))
        .unwrap_or_default();
    let stripped = match raw {
        Cow::Owned(v) => Some(v),
        Cow::Borrowed(_) => None,
    };
    Pre::Line {
        stripped,
        unwrapped,
        judged,
    }
}

fn item(e: envelope::Entry<'_>, scanner: &Scanner<'_>, entries: &mut Entries) -> Item {
    let keep = scanner.app.is_none_or(|a| e.is_from(a));
    let pod = entries.put(e.pod().as_bytes());
    let container = e
        .container
        .as_deref()
        .or(e.app.as_deref())
        .map(|c| entries.put(c.trim().as_bytes()));
    let body = if keep {
        put_body(entries, &e.line)
    } else {
        entries.put(b"")
    };
    let judged = if keep {
        Judged::of(scanner, entries.text(&body), e.level, e.partial)
    } else {
        Judged::default()
    };
    Item {
        keep,
        ts: e.ts,
        level: e.level,
        pod,
        container,
        judged,
        body,
        partial: e.partial,
    }
}

/// The entry's line, without ANSI escapes.
fn put_body(entries: &mut Entries, line: &str) -> Range<usize> {
    if memchr::memchr(0x1b, line.as_bytes()).is_some() {
        entries.put(&crate::envelope::ansi::strip(line.as_bytes()))
    } else {
        entries.put(line.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn other_app(line: &str, app: Option<&str>) -> bool {
        matches!(Unwrapped::of(line.as_bytes(), app), Unwrapped::OtherApp)
    }

    #[test]
    fn only_the_apps_container_is_read() {
        let ours = Some("armada-kp-events");
        for line in [
            "[pod/etcd-0/etcd] etcdserver: request timed out",
            "[pod/armada-kp-events-7d9f8c6b5-x2x9z/istio-proxy] upstream reset",
            "kube-system kube-apiserver-10.176.4.5 kube-apiserver E1120 x",
            "armada-kp-events-0 istio-proxy upstream reset",
        ] {
            assert!(other_app(line, ours), "{line}");
            assert!(!other_app(line, None), "--all-apps keeps {line}");
        }
        for line in [
            "[pod/armada-kp-events-7d9f8c6b5-x2x9z/armada-kp-events] hi",
            "armada armada-kp-events-0 armada-kp-events hi",
            "[pod/armada-kp-events-7d9f8c6b5-x2x9z/] no container named",
            "a bare line names no container",
        ] {
            assert!(!other_app(line, ours), "{line}");
        }
        assert!(other_app(
            "[pod/armada-kp-events-0/armada-kp-events] hi",
            Some("etcd")
        ));
    }
}
