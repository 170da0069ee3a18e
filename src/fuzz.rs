//! Entry points for the fuzz targets in `fuzz/` and for the regression tests
//! that replay what they found (`tests/fuzz-regressions/`). One definition,
//! so a replayed input runs exactly the code that crashed.

use crate::analyze::InputSummary;
use crate::classify::{Classifier, Pack};
use crate::decode::{self, continuation};
use crate::envelope::{self, text as transport};
use crate::redact::Redactor;
use crate::report::{self, OutputFormat};
use crate::scan::Scanner;
use crate::time;
use std::sync::OnceLock;

fn classifier() -> &'static Classifier {
    static C: OnceLock<Classifier> = OnceLock::new();
    C.get_or_init(|| Classifier::new(Pack::builtin().expect("the built-in pack loads")))
}

/// Transport wrappers, continuation shapes and every application decoder.
/// True when the line's record has a time (for the smoke test to check
/// that the decoders were reached).
pub fn decode_line(data: &[u8]) -> bool {
    let transport::Line::Content(w) = transport::unwrap(data) else {
        return false;
    };
    continuation::is_continuation(w.body);
    decode::looks_structured(w.body);
    let body = String::from_utf8_lossy(w.body);
    let rec = decode::decode(&body);
    rec.error();
    rec.timestamp(w.ts).is_some()
}

/// JSON envelope lines: LogDNA v1 entries, `_source` rows, v2 pages, Cloud
/// Logs events and results, Docker json-file, `stern -o json`. The number
/// of entries from armada-kp-events.
pub fn logdna_page(data: &[u8]) -> usize {
    let Some((_, opened)) = envelope::open(data) else {
        return 0;
    };
    let mut ours = 0;
    for e in &opened.entries {
        e.pod();
        ours += usize::from(e.is_from("armada-kp-events"));
    }
    ours
}

/// A user pattern pack, loaded alone: parsing and validating it is the
/// surface. (On top of the default, each run would first compile the whole
/// built-in pack, and the fuzzer would manage a few runs a second.)
/// Also checks that joining each rule's patterns into one regex changes
/// no match on the pack's own sample lines.
pub fn pack(data: &[u8]) {
    let text = String::from_utf8_lossy(data).into_owned();
    crate::classify::pack::check_joined(&text);
    let _ = Pack::load(&[("fuzz.toml".to_string(), text)], true);
}

/// Time and duration parsing, as used on options and log lines.
pub fn times(data: &[u8]) {
    let s = String::from_utf8_lossy(data);
    time::parse_iso(&s);
    time::parse_point(&s);
    let _ = time::parse_span(&s);
    time::parse_clock(data);
    if let Some(ts) = time::parse_iso(&s) {
        ts.rfc3339();
    }
    if data.len() >= 8 {
        let p = time::PartialTs {
            month: u32::from(data[0]),
            day: u32::from(data[1]),
            secs_of_day: u32::from_le_bytes([data[2], data[3], data[4], 0]),
            nanos: u32::from_le_bytes([data[5], data[6], data[7], 0]),
        };
        p.complete(time::parse_point("1795143600"));
    }
}

/// The whole pipeline on one input: scan, attempts, verdict and every
/// report. The number of clusters the triage found.
pub fn pipeline(data: &[u8]) -> usize {
    let c = classifier();
    static REDACTOR: OnceLock<Redactor> = OnceLock::new();
    let redactor = REDACTOR.get_or_init(Redactor::default);
    let scanner = Scanner {
        threads: 1,
        classifier: c,
        redactor,
        app: Some(crate::config::DEFAULT_APP),
    };
    let (scanned, _) = scanner.scan(0, "fuzz", false, data);
    assert!(
        scanned.acct.balanced(),
        "every line is accounted for: {:?}",
        scanned.acct
    );
    let inputs = vec![InputSummary {
        name: "fuzz".into(),
        gzip: false,
        acct: scanned.acct.clone(),
        error: None,
        notes: scanned.notes.clone(),
    }];
    let cfg = crate::config::Config {
        evidence: 5,
        ..Default::default()
    };
    let triage = crate::analyze::assemble(
        &cfg,
        &c.pack,
        inputs,
        scanned.acct,
        scanned.events,
        scanned.orphans,
    );
    for f in [
        OutputFormat::Table,
        OutputFormat::Json,
        OutputFormat::Markdown,
        OutputFormat::Html,
    ] {
        let mut out = Vec::new();
        // The styled table, with escapes in its cells.
        let style = report::Style {
            color: true,
            width: 0,
            unicode: true,
        };
        report::render(&triage, f, style, &mut out).expect("writing to memory cannot fail");
    }
    triage.clusters.len()
}

/// Pasted alert text: parsing never panics, and what it finds is in the text.
pub fn alert(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(a) = crate::alert::parse(&text) {
        if let Some(c) = &a.cluster {
            let lower = text.to_ascii_lowercase();
            assert!(
                lower.contains(&c.to_ascii_lowercase()),
                "the cluster {c} is in the text"
            );
        }
    }
}

/// Every envelope on every line: the text prefixes (kubectl, stern, CRI)
/// and the JSON envelopes (Docker, stern -o json, LogDNA, Cloud Logs).
pub fn envelope(data: &[u8]) {
    for line in data.split(|b| *b == b'\n') {
        if let crate::envelope::text::Line::Content(w) = crate::envelope::text::unwrap(line) {
            assert!(w.body.len() <= line.len());
        }
        if let Some((_, opened)) = envelope::open(line) {
            for e in &opened.entries {
                e.pod();
                e.is_from("armada-kp-events");
            }
        }
    }
}

/// An IBM Cloud Logs query answer as the fetch reads it (Server-Sent Events).
pub fn cloudlogs_answer(data: &[u8]) {
    crate::fetch::cloudlogs::fuzz_answer(data);
}

/// A secret planted anywhere in arbitrary text never survives redaction.
pub fn redact(data: &[u8]) {
    crate::redact::check_planted(data);
}

/// Redacting a line that repeats `data` twice as long does about twice the
/// work, and a bounded work per byte.
pub fn redact_linear(data: &[u8]) {
    crate::redact::check_linear(data);
}
