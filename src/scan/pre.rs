//! The per-line work that needs no state: the prefilter's verdict, and for a
//! LogDNA export line the parse of its entries. A pure function of the
//! line's bytes, so worker threads can do it in any order and the result is
//! the same as doing it inline (`--threads 1`).

use super::without_ansi;
use crate::classify::Classifier;
use crate::decode::{logdna, transport};
use crate::time::Ts;

pub enum Pre {
    /// An ordinary line, and whether its body passes the prefilter.
    Line { candidate: bool },
    /// A LogDNA export line and its entries (many for a v2 page).
    Export { paged: bool, entries: Vec<Entry> },
}

/// One exported line, owned so it can cross threads.
pub struct Entry {
    /// From the app being read (`--app`); the others are only counted.
    pub keep: bool,
    pub ts: Option<Ts>,
    pub pod: Vec<u8>,
    pub body: Vec<u8>,
    pub candidate: bool,
}

pub fn pre(line: &[u8], classifier: &Classifier, app: Option<&str>) -> Pre {
    if let Some(shape) = logdna::sniff(line) {
        let mut parsed = Vec::new();
        if logdna::parse(line, shape, &mut parsed).is_ok() {
            let entries = parsed.iter().map(|e| entry(e, classifier, app)).collect();
            return Pre::Export {
                paged: shape == logdna::Shape::Pages,
                entries,
            };
        }
    }
    let raw = without_ansi(line);
    let candidate = match transport::unwrap(&raw) {
        transport::Line::Content(w) => classifier.is_candidate(w.body),
        _ => false,
    };
    Pre::Line { candidate }
}

fn entry(e: &logdna::Entry<'_>, classifier: &Classifier, app: Option<&str>) -> Entry {
    let keep = app.is_none_or(|a| e.is_from(a));
    let body = if keep {
        without_ansi(e.line.as_deref().unwrap_or_default().as_bytes()).into_owned()
    } else {
        Vec::new()
    };
    Entry {
        keep,
        ts: e.ts(),
        pod: e.pod().as_bytes().to_vec(),
        candidate: keep && classifier.is_candidate(&body),
        body,
    }
}
