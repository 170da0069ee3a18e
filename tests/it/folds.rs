//! A hot retry loop (one failure repeated) is folded into a count with its
//! first and last occurrences: the reports are those of every occurrence
//! kept, byte for byte, and what the fold could not stand for is read again
//! without folding.

use kp_triage::analyze::{self, ReadInput, Triage};
use kp_triage::classify::Classifier;
use kp_triage::config::Config;
use kp_triage::redact::Redactor;
use kp_triage::report::{self, OutputFormat};
use kp_triage::scan::Scanner;
use kp_triage::source::InputSpec;
use std::path::Path;

const A: &str = r#"clusterID="c23h5icd0sr2mu96rcig" CorrID="90e4c2d7-a1""#;
const B: &str = r#"clusterID="bm64u3ed02o93vv36hb0" CorrID="90e4c2d7-b1""#;
const WDEK: &str = r#"err="failed to update WDEK secret: Operation cannot be fulfilled on secrets \"kp-wdek\": the object has been modified""#;

/// kubectl `--timestamps` and klog lines, 7 ms apart unless told.
#[derive(Default)]
struct Log {
    ms: i64,
    text: String,
}

impl Log {
    fn at(&mut self, step_ms: i64, level: char, call: &str, msg: &str) -> &mut Self {
        self.ms += step_ms;
        let (s, ms) = (self.ms / 1000, self.ms % 1000);
        let (m, s) = (s / 60, s % 60);
        self.text += &format!(
            "2026-11-20T04:{m:02}:{s:02}.{ms:03}000123Z {level}1120 04:{m:02}:{s:02}.{ms:03}000       1 {call}] {msg}\n"
        );
        self
    }
    fn line(&mut self, level: char, call: &str, msg: &str) -> &mut Self {
        self.at(7, level, call, msg)
    }
    fn detected(&mut self) -> &mut Self {
        let msg = r#""Detected new service IAM API key; rotating it on all managed clusters""#;
        self.line('I', "watch.go:63", msg)
    }
    fn start(&mut self, c: &str, n: u32) -> &mut Self {
        let msg = format!(r#""Starting rotation of service iam-api-key" {c} attempt="{n}""#);
        self.line('I', "rotate.go:98", &msg)
    }
    fn fail(&mut self, c: &str, n: Option<u32>, what: &str, times: usize) -> &mut Self {
        self.fail_every(7, c, n, what, times)
    }
    fn fail_every(
        &mut self,
        ms: i64,
        c: &str,
        n: Option<u32>,
        what: &str,
        times: usize,
    ) -> &mut Self {
        let n = n.map_or(String::new(), |n| format!(r#" attempt="{n}""#));
        for _ in 0..times {
            self.at(
                ms,
                'E',
                "rotate.go:142",
                &format!(r#""{what}" {WDEK} {c}{n}"#),
            );
        }
        self
    }
    fn rotated(&mut self, c: &str) -> &mut Self {
        let msg = format!(r#""Successfully rotated service IAM API key" {c}"#);
        self.line('I', "rotate.go:151", &msg)
    }
    fn noise(&mut self) -> &mut Self {
        let msg = r#""Handled request" method="GET" path="/healthz" status="200""#;
        self.line('I', "http.go:87", msg)
    }
}

const FAILED: &str = "Rotation attempt failed";

fn config(path: &Path, evidence: usize) -> Config {
    Config {
        inputs: vec![InputSpec::Path(path.to_path_buf())],
        evidence,
        app: Some(kp_triage::config::DEFAULT_APP.to_string()),
        threads: 1,
        now: kp_triage::time::parse_iso("2026-11-29T12:00:00Z"),
        ..Config::default()
    }
}

fn rendered(t: &Triage) -> String {
    let style = report::Style {
        color: false,
        width: 100,
        unicode: false,
    };
    let mut out = Vec::new();
    for f in [
        OutputFormat::Json,
        OutputFormat::Table,
        OutputFormat::Markdown,
    ] {
        report::render(t, f, style, &mut out).unwrap();
    }
    String::from_utf8(out).unwrap()
}

/// The triage of every record kept, one event each: nothing folded.
fn unfolded(cfg: &Config, redactor: &Redactor, path: &Path) -> Triage {
    let classifier = Classifier::new(analyze::load_pack(cfg).unwrap());
    let scanner = Scanner {
        app: cfg.app.as_deref(),
        ..Scanner::new(&classifier, redactor)
    };
    let name = path.display().to_string();
    let (scanned, error) = scanner.scan(0, &name, false, std::fs::File::open(path).unwrap());
    let read = vec![ReadInput::new(name, false, scanned, error)];
    analyze::conclude(cfg, &classifier.pack, read).unwrap()
}

/// The events the analysis kept, with the reports folded and unfolded
/// asserted equal at each of a few `--evidence`.
fn same_reports(log: &Log) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kp.log");
    std::fs::write(&path, &log.text).unwrap();
    let redactor = Redactor::new(Vec::new());
    let mut kept = 0;
    for evidence in [1, 5, 50] {
        let cfg = config(&path, evidence);
        let folded = kp_triage::engine::analyze(&cfg, &redactor).unwrap();
        let all = unfolded(&cfg, &redactor, &path);
        assert_eq!(rendered(&folded), rendered(&all), "--evidence {evidence}");
        kept = folded.events.len();
        assert!(kept <= all.events.len());
    }
    kept
}

#[test]
fn a_numbered_failure_repeated_is_kept_as_a_count_and_reports_the_same() {
    let mut log = Log::default();
    log.detected()
        .start(A, 1)
        .start(B, 1)
        .fail(A, Some(1), FAILED, 1);
    log.fail(A, Some(2), FAILED, 2000).rotated(B);
    // The run keeps its first occurrence and as many last ones as the
    // report may quote (50 at most here).
    let kept = same_reports(&log);
    assert!(kept <= 4 + 1 + 50 + 1, "{kept} events kept");
}

/// Faster than the log's clock, the occurrences share their time.
#[test]
fn a_loop_faster_than_the_clock_folds_too() {
    let mut log = Log::default();
    log.detected()
        .start(A, 1)
        .fail_every(0, A, Some(2), FAILED, 500);
    log.fail_every(1, A, Some(2), FAILED, 500);
    assert!(same_reports(&log) < 120);
}

#[test]
fn runs_broken_by_a_success_or_by_noise_each_fold() {
    let mut log = Log::default();
    log.detected()
        .start(A, 1)
        .fail(A, Some(2), FAILED, 300)
        .rotated(A);
    log.fail(A, Some(3), FAILED, 300)
        .noise()
        .fail(A, Some(3), FAILED, 300);
    log.start(B, 1)
        .fail(B, Some(1), "Failed to update WDEK Secret", 300);
    assert!(same_reports(&log) < 300);
}

#[test]
fn two_clusters_in_turn_are_not_a_run() {
    let mut log = Log::default();
    log.detected().start(A, 1).start(B, 1);
    for _ in 0..100 {
        log.fail(A, Some(2), FAILED, 1).fail(B, Some(2), FAILED, 1);
    }
    assert_eq!(same_reports(&log), 203);
}

/// Each "attempt failed" without a number is an attempt of its own, and
/// each "giving up" on attempt 1 a round of its own: the count cannot stand
/// for them, and the input is read again without folding.
#[test]
fn repeats_that_each_change_the_attempts_are_all_kept() {
    let mut log = Log::default();
    log.detected().start(A, 1).fail(A, None, FAILED, 200);
    assert_eq!(same_reports(&log), 202);
    let mut log = Log::default();
    let gave_up = "Rotation failed after 1 attempts; giving up";
    log.detected().start(A, 1).fail(A, Some(1), gave_up, 200);
    assert_eq!(same_reports(&log), 202);
}

/// A record dated inside a run, after it in the file, would fall among the
/// occurrences the fold hides.
#[test]
fn a_record_dated_inside_a_run_unfolds_it() {
    let mut log = Log::default();
    log.detected().start(A, 1).fail(A, Some(2), FAILED, 200);
    log.at(
        -700,
        'I',
        "rotate.go:151",
        &format!(r#""Successfully rotated service IAM API key" {A}"#),
    );
    log.at(
        1000,
        'E',
        "rotate.go:142",
        &format!(r#""{FAILED}" {WDEK} {A} attempt="2""#),
    );
    assert_eq!(same_reports(&log), 204);
}
