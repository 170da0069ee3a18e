//! `--follow`: the streaming path gives the batch path's report, byte for
//! byte, on every fixture, however the lines arrive and however often the
//! live view is taken; and the live view moves before the stream ends.

use crate::util::*;
use kp_triage::analyze;
use kp_triage::classify::Classifier;
use kp_triage::config::Config;
use kp_triage::follow::{Change, Follow};
use kp_triage::redact::Redactor;
use kp_triage::report::{self, OutputFormat};
use kp_triage::scan::Scanner;
use kp_triage::source::{self, InputSpec, LineReader};

fn config(files: &[String]) -> Config {
    Config {
        inputs: files
            .iter()
            .map(|f| InputSpec::from_arg(root().join(f).to_str().unwrap()))
            .collect(),
        evidence: 5,
        app: Some(kp_triage::config::DEFAULT_APP.to_string()),
        threads: 1,
        width: 100,
        now: kp_triage::time::parse_iso("2026-11-29T12:00:00Z"),
        ..Config::default()
    }
}

fn rendered(t: &analyze::Triage) -> String {
    let mut out = Vec::new();
    for f in [OutputFormat::Json, OutputFormat::Table, OutputFormat::Markdown] {
        report::render(t, f, &mut out).unwrap();
    }
    String::from_utf8(out).unwrap()
}

/// Every line of every input, as the stream would deliver them.
fn lines_of(cfg: &Config) -> Vec<(String, bool, Vec<Vec<u8>>)> {
    cfg.inputs
        .iter()
        .map(|spec| {
            let input = source::open(spec).unwrap();
            let mut r = LineReader::new(input.reader);
            let mut lines = Vec::new();
            while let Some(l) = r.next_line().unwrap() {
                lines.push(l.to_vec());
            }
            (input.name, input.gzip, lines)
        })
        .collect()
}

/// A small deterministic generator: where the stream pauses differs per case.
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

/// Feeds the inputs' lines interleaved in runs of random length, taking the
/// live view at random points, and returns the final report and every
/// change seen on the way.
fn streamed(cfg: &Config, seed: u64) -> (String, Vec<Change>) {
    let classifier = Classifier::new(analyze::load_pack(cfg).unwrap());
    let redactor = Redactor::new(Vec::new());
    let scanner = Scanner {
        app: cfg.app.as_deref(),
        ..Scanner::new(&classifier, &redactor)
    };
    let inputs = lines_of(cfg);
    let names = inputs.iter().map(|(n, g, _)| (n.clone(), *g)).collect();
    let mut f = Follow::new(cfg, &scanner, names);
    let mut rng = Lcg(seed);
    let mut at = vec![0usize; inputs.len()];
    let mut changes = Vec::new();
    while at.iter().zip(&inputs).any(|(a, i)| *a < i.2.len()) {
        let which = rng.below(inputs.len() as u64) as usize;
        let run = 1 + rng.below(40) as usize;
        let lines = &inputs[which].2;
        for l in &lines[at[which]..(at[which] + run).min(lines.len())] {
            f.line(which, l, false);
        }
        at[which] = (at[which] + run).min(lines.len());
        if at[which] == lines.len() {
            f.end(which, None);
        }
        if rng.below(3) == 0 {
            if let Some((_, c)) = f.update() {
                changes.extend(c);
            }
        }
    }
    if let Some((_, c)) = f.update() {
        changes.extend(c);
    }
    (rendered(&f.finish().unwrap()), changes)
}

#[test]
fn every_fixture_streams_to_the_batch_report_byte_for_byte() {
    let cases = fixture_cases();
    assert!(cases.len() > 30);
    for (n, case) in cases.iter().enumerate() {
        let cfg = config(case);
        let batch = rendered(&analyze::analyze(&cfg, &Redactor::new(Vec::new())).unwrap());
        for seed in [n as u64, 1000 + n as u64] {
            let (stream, _) = streamed(&cfg, seed);
            assert_eq!(stream, batch, "{case:?}, seed {seed}");
        }
    }
}

#[test]
fn the_live_view_ends_where_the_final_report_does() {
    // What the tracker shows once every line is in agrees with the batch
    // report on each cluster's status: the live path is not a guess.
    for case in fixture_cases() {
        let cfg = config(&case);
        let (_, changes) = streamed(&cfg, 7);
        let t = analyze::analyze(&cfg, &Redactor::new(Vec::new())).unwrap();
        let mut last = std::collections::HashMap::new();
        for c in &changes {
            if let Change::Cluster { cluster, to, .. } = c {
                last.insert(cluster.clone(), *to);
            }
        }
        if t.acct.newest_first {
            // Applied out of order; the view says so (see below).
            continue;
        }
        for c in &t.clusters {
            assert_eq!(last.get(&c.id), Some(&c.status), "{case:?}: {}", c.id);
        }
        assert_eq!(last.len(), t.clusters_total, "{case:?}");
    }
}
