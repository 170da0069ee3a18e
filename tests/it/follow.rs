//! `--follow`: one engine for batch and live. The snapshot after any step
//! is the batch triage of exactly the lines fed so far, whatever order the
//! inputs' lines arrive in; the final report is the batch report, byte for
//! byte, on every fixture; and the live view moves before the stream ends.

use crate::util::*;
use kp_triage::analyze::{self, ReadInput};
use kp_triage::classify::Classifier;
use kp_triage::config::Config;
use kp_triage::engine::{Change, Changes, Engine};
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
        now: kp_triage::time::parse_iso("2026-11-29T12:00:00Z"),
        ..Config::default()
    }
}

const STYLE: report::Style = report::Style {
    color: false,
    width: 100,
    unicode: false,
};

fn rendered(t: &analyze::Triage) -> String {
    let mut out = Vec::new();
    for f in [
        OutputFormat::Json,
        OutputFormat::Table,
        OutputFormat::Markdown,
    ] {
        report::render(t, f, STYLE, &mut out).unwrap();
    }
    String::from_utf8(out).unwrap()
}

fn json_of(t: &analyze::Triage) -> String {
    let mut out = Vec::new();
    report::render(t, OutputFormat::Json, STYLE, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// One input as the stream would deliver it: its name, whether gzipped,
/// and its lines.
type Lines = (String, bool, Vec<Vec<u8>>);

/// Every line of every input, as the stream would deliver them.
fn lines_of(cfg: &Config) -> Vec<Lines> {
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
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

/// The scanner the tests share, built from `cfg`'s pack.
struct Tools {
    classifier: Classifier,
    redactor: Redactor,
}

impl Tools {
    fn new(cfg: &Config) -> Tools {
        Tools {
            classifier: Classifier::new(analyze::load_pack(cfg).unwrap()),
            redactor: Redactor::new(Vec::new()),
        }
    }

    fn scanner<'a>(&'a self, cfg: &'a Config) -> Scanner<'a> {
        Scanner {
            app: cfg.app.as_deref(),
            ..Scanner::new(&self.classifier, &self.redactor)
        }
    }
}

/// The batch triage of the first `fed[i]` lines of each input: the lines
/// written to a buffer, each ended by a newline, and scanned as a file is.
fn batch_triage(
    cfg: &Config,
    scanner: &Scanner<'_>,
    inputs: &[Lines],
    fed: &[usize],
) -> analyze::Triage {
    let read = inputs
        .iter()
        .zip(fed)
        .enumerate()
        .map(|(i, ((name, gzip, lines), &n))| {
            let mut bytes = Vec::new();
            for l in &lines[..n] {
                bytes.extend_from_slice(l);
                bytes.push(b'\n');
            }
            let (scanned, error) = scanner.scan(i as u32, name, *gzip, &bytes[..]);
            ReadInput::new(name.clone(), *gzip, scanned, error)
        })
        .collect();
    analyze::conclude(cfg, &scanner.classifier.pack, read).unwrap()
}

/// Feeds the inputs' lines interleaved in runs of random length, taking a
/// snapshot at random points, and returns the final triage and every change
/// seen on the way.
fn streamed_triage(cfg: &Config, seed: u64) -> (analyze::Triage, Vec<Change>) {
    // The built-in pack, compiled once for every case that uses it alone.
    static BUILTIN: std::sync::OnceLock<Tools> = std::sync::OnceLock::new();
    let own;
    let tools = if cfg.pattern_files.is_empty() && !cfg.replace_default_patterns {
        BUILTIN.get_or_init(|| Tools::new(&Config::default()))
    } else {
        own = Tools::new(cfg);
        &own
    };
    let scanner = tools.scanner(cfg);
    let inputs = lines_of(cfg);
    let mut e = Engine::new(cfg, &scanner);
    for (name, gzip, _) in &inputs {
        let i = e.add(name.clone());
        e.gzipped(i, *gzip);
    }
    let mut rng = Lcg(seed);
    let mut at = vec![0usize; inputs.len()];
    let (mut seen, mut changes) = (Changes::default(), Vec::new());
    while at.iter().zip(&inputs).any(|(a, i)| *a < i.2.len()) {
        let which = rng.below(inputs.len() as u64) as usize;
        let run = 1 + rng.below(40) as usize;
        let lines = &inputs[which].2;
        for l in &lines[at[which]..(at[which] + run).min(lines.len())] {
            e.feed(which, l, false);
        }
        at[which] = (at[which] + run).min(lines.len());
        if at[which] == lines.len() {
            e.end(which, None);
        }
        if rng.below(3) == 0 {
            changes.extend(seen.of(&e.snapshot().unwrap()));
        }
    }
    changes.extend(seen.of(&e.snapshot().unwrap()));
    (e.finish().unwrap(), changes)
}

fn streamed(cfg: &Config, seed: u64) -> (String, Vec<Change>) {
    let (t, changes) = streamed_triage(cfg, seed);
    (rendered(&t), changes)
}

#[test]
fn every_fixture_streams_to_the_batch_report_byte_for_byte() {
    let cases = fixture_cases();
    assert!(cases.len() > 30);
    for (n, case) in cases.iter().enumerate() {
        let cfg = config(case);
        let batch =
            rendered(&kp_triage::engine::analyze(&cfg, &Redactor::new(Vec::new())).unwrap());
        for seed in [n as u64, 1000 + n as u64] {
            let (stream, _) = streamed(&cfg, seed);
            assert_eq!(stream, batch, "{case:?}, seed {seed}");
        }
        // With --evidence, rotated clusters keep their failures' text.
        let cfg = Config {
            rotated_evidence: true,
            ..cfg
        };
        let batch =
            rendered(&kp_triage::engine::analyze(&cfg, &Redactor::new(Vec::new())).unwrap());
        let (stream, _) = streamed(&cfg, 2000 + n as u64);
        assert_eq!(stream, batch, "{case:?} with --evidence");
    }
}

/// The cases of the property: several pods, a pod's log before its restart
/// beside the current one, and a newest-first export.
fn property_cases(dir: &std::path::Path) -> Vec<Vec<String>> {
    let day = generated_day(&mut Lcg(0x5eed), 12);
    let lines: Vec<&str> = day.lines().collect();
    let (before, after) = lines.split_at(lines.len() / 2);
    let write = |name: &str, lines: &[&str]| {
        let p = dir.join(name);
        std::fs::write(&p, lines.join("\n") + "\n").unwrap();
        p.to_str().unwrap().to_string()
    };
    let previous = write("pod-a-previous.log", before);
    let current = write("pod-a.log", after);
    vec![
        vec![previous, current],
        vec![
            "fixtures/scenarios/restart/pod-a.log".into(),
            "fixtures/scenarios/restart/pod-b.log".into(),
        ],
        vec![
            "fixtures/logdna/restart-v1.jsonl".into(),
            "fixtures/scenarios/etcd-hold.log".into(),
        ],
        vec!["fixtures/incident/kubectl-ts.log".into()],
        vec![
            "fixtures/incident/stern-multi-pod.log".into(),
            "fixtures/scenarios/kube-client-two.log".into(),
        ],
    ]
}

/// The invariant of the live view: for random splits and arrival orders of
/// the same inputs (one of them, chosen at random, arriving only once the
/// others are in, as a `--previous` log that answers late does), the
/// snapshot after every step is the batch triage of the lines fed so far,
/// and the final report is the batch report of all of them.
#[test]
fn every_snapshot_is_the_batch_triage_of_the_lines_so_far() {
    let dir = tempfile::tempdir().unwrap();
    let cases = property_cases(dir.path());
    let configs: Vec<Config> = cases.iter().map(|c| config(c)).collect();
    let tools = Tools::new(&configs[0]);
    let read: Vec<Vec<Lines>> = configs.iter().map(lines_of).collect();
    let mut checked = 0;
    for round in 0..1000u64 {
        let at = round as usize % cases.len();
        let (case, cfg, inputs) = (&cases[at], &configs[at], &read[at]);
        let scanner = tools.scanner(cfg);
        let mut rng = Lcg(0xfeed ^ round);
        let late = rng.below(inputs.len() as u64 + 1) as usize;
        let mut e = Engine::new(cfg, &scanner);
        for (name, gzip, _) in inputs {
            let i = e.add(name.clone());
            e.gzipped(i, *gzip);
        }
        let mut fed = vec![0usize; inputs.len()];
        let left = |fed: &[usize], i: usize| fed[i] < inputs[i].2.len();
        let mut steps = 0;
        while (0..inputs.len()).any(|i| left(&fed, i)) {
            let others = (0..inputs.len()).any(|i| i != late && left(&fed, i));
            let open: Vec<usize> = (0..inputs.len())
                .filter(|&i| left(&fed, i) && (i != late || !others))
                .collect();
            let which = open[rng.below(open.len() as u64) as usize];
            let run = 1 + rng.below(25) as usize;
            let end = (fed[which] + run).min(inputs[which].2.len());
            for l in &inputs[which].2[fed[which]..end] {
                e.feed(which, l, false);
            }
            fed[which] = end;
            steps += 1;
            // Every step in a few rounds, a random one in the rest: the
            // rounds stay many without each costing a triage per line.
            if round % 100 == 0 || rng.below(6) == 0 {
                let snap = e.snapshot().unwrap();
                let batch = batch_triage(cfg, &scanner, inputs, &fed);
                assert_eq!(
                    json_of(&snap.triage),
                    json_of(&batch),
                    "{case:?} round {round} step {steps} fed {fed:?}"
                );
                checked += 1;
            }
        }
        let all: Vec<usize> = inputs.iter().map(|i| i.2.len()).collect();
        let batch = batch_triage(cfg, &scanner, inputs, &all);
        let (stream, batch) = (e.finish().unwrap(), batch);
        if round % 100 == 0 {
            assert_eq!(
                rendered(&stream),
                rendered(&batch),
                "{case:?} round {round}"
            );
        } else {
            assert_eq!(json_of(&stream), json_of(&batch), "{case:?} round {round}");
        }
    }
    assert!(checked > 1000, "{checked} snapshots checked");
}

/// The failure events the final report kept for cluster `id`, and how many
/// of them still hold their text.
fn failure_texts(t: &analyze::Triage, id: &str) -> (usize, usize) {
    let mine: Vec<_> = t
        .events
        .iter()
        .filter(|e| e.is_failure() && e.who.cluster.as_deref() == Some(id))
        .collect();
    let with_text = mine.iter().filter(|e| !e.message.is_empty()).count();
    (mine.len(), with_text)
}

/// The cluster `id` of a triage, with its facts.
fn cluster<'t>(
    t: &'t analyze::Triage,
    id: &str,
) -> (&'t kp_triage::attempts::Cluster, analyze::ClusterFacts) {
    t.clusters_with_facts().find(|(c, _)| *c.id == *id).unwrap()
}

#[test]
fn a_rotated_cluster_keeps_counts_and_its_failures_text_goes() {
    const ROTATED: &str = "bm64u3ed02o93vv36hb0";
    let cfg = config(&["fixtures/incident/kubectl-ts.log".to_string()]);
    let (t, _) = streamed_triage(&cfg, 3);
    // It failed once (a kube client error), then rotated: its failure lines
    // are kept for the counts, their text is not.
    assert_eq!(failure_texts(&t, ROTATED), (2, 0));
    let (rotated, facts) = cluster(&t, ROTATED);
    assert_eq!(rotated.status.name(), "rotated");
    assert_eq!((rotated.failed_attempts(), facts.evidence_total), (1, 2));
    assert!(facts.evidence.is_empty());
    // The failing clusters keep every line's text.
    let (n, with_text) = failure_texts(&t, "c23h5icd0sr2mu96rcig");
    assert!(n >= 5 && with_text == n, "{n} {with_text}");

    // Asked for, the text stays and is shown.
    let cfg = Config {
        rotated_evidence: true,
        ..cfg
    };
    let (t, _) = streamed_triage(&cfg, 3);
    assert_eq!(failure_texts(&t, ROTATED), (2, 2));
    assert_eq!(cluster(&t, ROTATED).1.evidence.len(), 2);
}

/// A generated day: many clusters whose attempts interleave, each failing a
/// few times, most then rotating, some several rounds. The stream lets go
/// of every rotated cluster's failure text and still gives the batch
/// report, byte for byte.
#[test]
fn a_generated_day_lets_go_of_rotated_text_and_matches_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("day.log");
    let mut rng = Lcg(0x6b70);
    std::fs::write(&path, generated_day(&mut rng, 300)).unwrap();
    let cfg = config(&[path.to_str().unwrap().to_string()]);
    let batch = kp_triage::engine::analyze(&cfg, &Redactor::new(Vec::new())).unwrap();
    let (t, _) = streamed_triage(&cfg, 11);
    assert_eq!(rendered(&t), rendered(&batch));
    let (mut rotated, mut failing) = (0, 0);
    for c in &t.clusters {
        let (n, with_text) = failure_texts(&t, &c.id);
        if c.status.name() == "rotated" {
            rotated += 1;
            assert_eq!(with_text, 0, "{}: {n} failures", c.id);
        } else if c.status.is_failing() {
            failing += 1;
            assert!(with_text > 0, "{}", c.id);
        }
    }
    assert!(
        rotated > 100 && failing > 10,
        "{rotated} rotated, {failing} failing"
    );
}

/// kubectl --timestamps zap lines for `n` clusters, their attempts
/// interleaved in time.
fn generated_day(rng: &mut Lcg, n: usize) -> String {
    let mut lines: Vec<(u64, String)> = Vec::new();
    for k in 0..n {
        let id = format!("c{:03}{}", k, "q7h2mu96rcigab3v".get(..16).unwrap());
        let mut t = rng.below(3600);
        for round in 0..1 + rng.below(3) {
            let failures = rng.below(4);
            let rotates = round > 0 || rng.below(5) != 0;
            for attempt in 1..=failures + 1 {
                t += 1 + rng.below(30);
                let start = format!(
                    r#""level":"info","msg":"Starting rotation of service iam-api-key","clusterID":"{id}","attempt":{attempt}"#
                );
                lines.push((t, start));
                t += 1 + rng.below(5);
                if attempt <= failures {
                    let fail = format!(
                        r#""level":"error","msg":"Rotation attempt failed","clusterID":"{id}","attempt":{attempt},"error":"failed to update WDEK secret: the object has been modified (try {attempt})""#
                    );
                    lines.push((t, fail));
                } else if rotates {
                    let ok = format!(
                        r#""level":"info","msg":"Rotated service api key successfully","clusterID":"{id}""#
                    );
                    lines.push((t, ok));
                }
            }
            t += 600;
        }
    }
    lines.sort_by_key(|(t, _)| *t);
    let mut out = String::new();
    for (i, (t, body)) in lines.iter().enumerate() {
        let (h, m, s) = (t / 3600, t / 60 % 60, t % 60);
        out.push_str(&format!(
            "2026-11-20T{h:02}:{m:02}:{s:02}.{i:09}Z {{\"ts\":{},{body}}}\n",
            1795132800 + t
        ));
    }
    out
}

#[test]
fn the_changes_end_where_the_final_report_does() {
    // The last change of each cluster is its status in the batch report,
    // newest-first exports included: the live path is not a guess.
    for case in fixture_cases() {
        let cfg = config(&case);
        let (_, changes) = streamed(&cfg, 7);
        let t = kp_triage::engine::analyze(&cfg, &Redactor::new(Vec::new())).unwrap();
        let mut last = std::collections::HashMap::new();
        for c in &changes {
            if let Change::Cluster {
                cluster, from, to, ..
            } = c
            {
                assert_ne!(
                    from.as_ref(),
                    Some(to),
                    "{case:?}: a change that changes nothing"
                );
                last.insert(cluster.clone(), *to);
            }
        }
        for c in &t.clusters {
            assert_eq!(last.get(&*c.id), Some(&c.status), "{case:?}: {}", c.id);
        }
        assert_eq!(last.len(), t.clusters_total, "{case:?}");
    }
}

/// The binary with `analyze --follow ARGS`, stdin a pipe the test writes,
/// stdout read line by line on a thread as it comes.
struct Running {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
    /// Each line as it comes, and whether it came on stdout.
    lines: std::sync::mpsc::Receiver<(bool, String)>,
    seen: Vec<String>,
    stdout: Vec<String>,
}

impl Running {
    fn start(args: &[&str]) -> Running {
        use std::io::BufRead;
        use std::process::{Command, Stdio};
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("kp-triage"))
            .env_clear()
            .current_dir(root())
            .args(["analyze", "--follow"])
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        let stdout: Box<dyn std::io::Read + Send> = Box::new(child.stdout.take().unwrap());
        let stderr: Box<dyn std::io::Read + Send> = Box::new(child.stderr.take().unwrap());
        for (out, r) in [(true, stdout), (false, stderr)] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for l in std::io::BufReader::new(r).lines() {
                    if tx.send((out, l.unwrap())).is_err() {
                        return;
                    }
                }
            });
        }
        Running {
            stdin: child.stdin.take(),
            child,
            lines,
            seen: Vec::new(),
            stdout: Vec::new(),
        }
    }

    fn keep(&mut self, (out, line): (bool, String)) {
        if out {
            self.stdout.push(line.clone());
        }
        self.seen.push(line);
    }

    /// Writes `lines` a few milliseconds apart, as a live stream does.
    fn trickle(&mut self, lines: &[&str]) {
        use std::io::Write;
        let stdin = self.stdin.as_mut().unwrap();
        for l in lines {
            writeln!(stdin, "{l}").unwrap();
            stdin.flush().unwrap();
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }

    /// Waits, up to 20 s, for a line of output that holds every one of
    /// `words`; returns whether it came.
    fn wait_for(&mut self, words: &[&str]) -> bool {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(20);
        loop {
            if self
                .seen
                .iter()
                .any(|l| words.iter().all(|w| l.contains(w)))
            {
                return true;
            }
            let left = until.saturating_duration_since(std::time::Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => self.keep(l),
                Err(_) => return false,
            }
        }
    }

    /// Everything printed on stdout, once the process has ended, and its
    /// status.
    fn end(mut self) -> (String, i32) {
        drop(self.stdin.take());
        let status = self.child.wait().unwrap();
        while let Ok(l) = self.lines.recv() {
            self.keep(l);
        }
        let mut text = self.stdout.join("\n");
        text.push('\n');
        (text, status.code().unwrap_or(-1))
    }

    fn signal(&self, name: &str) {
        let ok = std::process::Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{name}");
    }
}

fn batch_of(text: &str, args: &[&str]) -> (String, i32) {
    let out = kp()
        .arg("analyze")
        .args(args)
        .write_stdin(text.to_string())
        .output()
        .unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        out.status.code().unwrap(),
    )
}

const FIXTURE: &str = "fixtures/incident/kubectl-ts.log";
/// The fixture's line that reports c23h5icd0sr2mu96rcig's retries exhausted.
const EXHAUSTED_LINE: usize = 36;

fn fixture_lines() -> Vec<String> {
    let text = std::fs::read_to_string(root().join(FIXTURE)).unwrap();
    let lines: Vec<String> = text.lines().map(String::from).collect();
    assert!(lines[EXHAUSTED_LINE - 1].contains("Failure to rotate"));
    lines
}

#[test]
fn a_slow_pipe_shows_each_change_before_the_stream_ends_then_the_batch_report() {
    let lines = fixture_lines();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let mut run = Running::start(&[]);
    run.trickle(&refs[..12]);
    assert!(
        run.wait_for(&["cluster c23h5icd0sr2mu96rcig", "-> retrying", "wdek_secret"]),
        "no change while the stream is open: {:?}",
        run.seen
    );
    // The summary line is the pod's last for now: the snapshot closes its
    // record as a batch reading would, the stream still open.
    run.trickle(&refs[12..EXHAUSTED_LINE]);
    assert!(
        run.wait_for(&["c23h5icd0sr2mu96rcig", "retrying -> exhausted"]),
        "{:?}",
        run.seen
    );
    assert!(
        run.wait_for(&["verdict: wait -> recommended"]),
        "{:?}",
        run.seen
    );
    run.trickle(&refs[EXHAUSTED_LINE..]);
    let (out, code) = run.end();
    let (batch, batch_code) = batch_of(&(lines.join("\n") + "\n"), &[]);
    // The change lines went to stderr: stdout holds the report alone.
    assert_eq!(out, batch, "the final report is not the batch one");
    assert_eq!(code, batch_code);
    assert_eq!(code, 1);
}

#[test]
fn ctrl_c_prints_the_report_of_what_was_read_and_exits_with_its_verdict() {
    let lines = fixture_lines();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let mut run = Running::start(&[]);
    run.trickle(&refs[..EXHAUSTED_LINE]);
    // A busy machine may take its first snapshot after every line is in.
    assert!(run.wait_for(&["-> exhausted"]), "{:?}", run.seen);
    run.signal("INT");
    let (out, code) = run.end();
    let (batch, batch_code) = batch_of(&(refs[..EXHAUSTED_LINE].join("\n") + "\n"), &[]);
    assert_eq!(out, batch);
    assert!(batch.contains("RECOMMENDED"));
    assert_eq!((code, batch_code), (1, 1));
}

#[test]
fn ctrl_c_ends_promptly_while_a_writer_keeps_the_pipe_full() {
    // The report takes what was in flight when the signal came, not
    // everything a fast writer keeps sending after it.
    use std::io::Write;
    let lines = fixture_lines();
    let mut run = Running::start(&["-o", "json"]);
    let mut stdin = run.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        for l in &lines {
            writeln!(stdin, "{l}").unwrap();
        }
        let noise = "2026-11-20T03:02:00.000000000Z {\"level\":\"info\",\"msg\":\"Handled request\",\"path\":\"/metrics\"}\n";
        // Until the process has gone and the pipe breaks.
        while stdin.write_all(noise.repeat(512).as_bytes()).is_ok() {}
    });
    assert!(run.wait_for(&["\"to\":\"exhausted\""]), "{:?}", run.seen);
    run.signal("INT");
    // Without the signal the writer would keep it running for ever: a run
    // that has not ended by the watchdog is killed and prints no report.
    let _watchdog = Watchdog::new(run.child.id(), 60);
    let (out, code) = run.end();
    writer.join().unwrap();
    let last = out.lines().last().unwrap();
    let report: serde_json::Value = serde_json::from_str(last).unwrap();
    assert_eq!(report["type"], "report");
    assert_eq!(report["report"]["pod_restart"]["verdict"], "recommended");
    assert_eq!(code, 1);
}

#[test]
fn json_lines_with_the_report_last() {
    let lines = fixture_lines();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let mut run = Running::start(&["-o", "json"]);
    run.trickle(&refs);
    let (out, code) = run.end();
    let docs: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let (last, changes) = docs.split_last().unwrap();
    assert_eq!(last["type"], "report");
    assert!(changes.iter().all(|d| d["type"] == "change"));
    assert!(changes.iter().any(|d| d["change"] == "cluster"
        && d["cluster"] == "c23h5icd0sr2mu96rcig"
        && d["to"] == "exhausted"
        && d["cause"] == "wdek_secret"));
    assert!(changes
        .iter()
        .any(|d| d["change"] == "verdict" && d["to"] == "recommended"));
    let (batch, batch_code) = batch_of(&(lines.join("\n") + "\n"), &["-o", "json"]);
    let batch: serde_json::Value = serde_json::from_str(&batch).unwrap();
    assert_eq!(last["report"], batch);
    assert_eq!(code, batch_code);
}

#[test]
fn a_growing_file_is_followed_until_sigterm() {
    use std::io::Write;
    let lines = fixture_lines();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kp.log");
    std::fs::write(&path, lines[..10].join("\n") + "\n").unwrap();
    let mut run = Running::start(&[path.to_str().unwrap()]);
    assert!(run.wait_for(&["-> retrying"]), "{:?}", run.seen);
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    for l in &lines[10..] {
        writeln!(f, "{l}").unwrap();
    }
    drop(f);
    assert!(run.wait_for(&["-> exhausted"]), "{:?}", run.seen);
    run.signal("TERM");
    let (out, code) = run.end();
    assert!(out.contains("POD RESTART: RECOMMENDED"), "{out}");
    assert!(
        out.contains(&format!("{}: 39 lines", path.display())),
        "{out}"
    );
    assert_eq!(code, 1);
}

/// A record still open (its stack may yet come) is in every snapshot as
/// the batch reading would close it; the stack line that comes later still
/// joins it, so the final report equals the batch report.
#[test]
fn an_open_record_shows_in_the_snapshot_and_a_later_continuation_still_joins_it() {
    let cfg = config(&[FIXTURE.to_string()]);
    let tools = Tools::new(&cfg);
    let scanner = tools.scanner(&cfg);
    let mut e = Engine::new(&cfg, &scanner);
    e.add("live".into());
    let lines = fixture_lines();
    for l in &lines[..EXHAUSTED_LINE - 1] {
        e.feed(0, l.as_bytes(), false);
    }
    let status = |e: &mut Engine<'_, '_>| {
        let s = e.snapshot().unwrap();
        let c = s
            .triage
            .clusters
            .iter()
            .find(|c| *c.id == *"c23h5icd0sr2mu96rcig");
        c.map(|c| c.status)
    };
    use kp_triage::attempts::Status;
    assert_eq!(
        status(&mut e),
        Some(Status::Retrying),
        "the summary not yet read"
    );
    e.feed(0, lines[EXHAUSTED_LINE - 1].as_bytes(), false);
    assert_eq!(
        status(&mut e),
        Some(Status::Exhausted),
        "its record still open"
    );
    e.feed(0, b"2026-11-20T03:01:02.9Z \tat rotation.go:118", false);
    let t = e.finish().unwrap();
    assert_eq!(t.acct.continuations, 1);
    assert!(t.acct.balanced());
}

#[test]
fn on_a_terminal_the_panel_is_redrawn_in_place_then_replaced_by_the_report() {
    use std::io::Read;
    let Some(script) = crate::cli::tool("script") else {
        crate::cli::skip_when_absent("script");
        return;
    };
    let bin = assert_cmd::cargo::cargo_bin("kp-triage");
    // The stream stays open (the FIFO has no writer yet) until the panel
    // shows the verdict and has been redrawn, however slowly the machine
    // runs.
    let dir = tempfile::tempdir().unwrap();
    let fifo = mkfifo(&dir.path().join("more"));
    let cmd = format!(
        "(cat {FIXTURE}; cat {}) | {} analyze --follow --width 100 --color never",
        fifo.display(),
        bin.display()
    );
    let mut child = std::process::Command::new(script)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("TERM", "xterm")
        .current_dir(root())
        .args(["-qec", &cmd, "/dev/null"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let _watchdog = Watchdog::new(child.id(), 120);
    let mut stdout = child.stdout.take().unwrap();
    // Each redraw moves up over the panel and clears below it.
    let mut seen = read_until(&mut stdout, &[b"F\x1b[J", b"Verdict: RECOMMENDED"]);
    // Opening the FIFO and closing it again ends the stream.
    drop(std::fs::OpenOptions::new().write(true).open(&fifo).unwrap());
    stdout.read_to_end(&mut seen).unwrap();
    let status = child.wait().unwrap();
    let text = String::from_utf8_lossy(&seen);
    assert!(text.contains("kp-triage following <stdin>"), "{text}");
    assert!(text.contains("Verdict: RECOMMENDED"), "{text}");
    assert!(text.contains("c23h5icd0sr2mu96rcig  exhausted"), "{text}");
    // A redraw, then the erase before the report.
    assert!(text.matches("F\u{1b}[J").count() >= 2, "{text:?}");
    let report = text.rfind("F\u{1b}[J").unwrap();
    assert!(
        text[report..].contains("POD RESTART: RECOMMENDED"),
        "{text}"
    );
    assert!(!text[report..].contains("Ctrl-C stops"), "{text}");
    assert_eq!(status.code(), Some(1));
}

fn mkfifo(path: &std::path::Path) -> std::path::PathBuf {
    let made = std::process::Command::new("mkfifo").arg(path).status();
    assert!(made.unwrap().success());
    path.to_path_buf()
}

/// Reads until every one of `all` has shown.
fn read_until(r: &mut impl std::io::Read, all: &[&[u8]]) -> Vec<u8> {
    let has = |seen: &[u8], what: &[u8]| seen.windows(what.len()).any(|w| w == what);
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !all.iter().all(|w| has(&seen, w)) {
        let n = r.read(&mut buf).unwrap();
        assert!(n > 0, "ended first: {:?}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buf[..n]);
    }
    seen
}

/// Error records tied to nothing (a metrics push timing out) are kept as
/// orphans: once per distinct record with each occurrence's place, so a
/// day of them costs little; and one whose text holds a cluster id learned
/// anywhere in the input, even later, is still that cluster's evidence.
#[test]
fn orphans_are_kept_compactly_and_adopted_by_an_id_in_their_text() {
    let metrics = r#"{"level":"error","ts":1795143600.0,"msg":"failed to publish metrics: Post \"https://metrics.eu-gb.monitoring.cloud.ibm.com/api/v1/push\": net/http: TLS handshake timeout"}"#;
    let glued = r#"{"level":"error","ts":1795143601.0,"msg":"dial tcp: lookup c23h5icd0sr2mu96rcigmaster.private.us-south.containers.cloud.ibm.com: no such host"}"#;
    let start = r#"{"level":"info","ts":1795143602.0,"msg":"Starting rotation of service iam-api-key","clusterID":"c23h5icd0sr2mu96rcig"}"#;
    let failed = r#"{"level":"error","ts":1795143604.0,"msg":"Rotation attempt failed","clusterID":"c23h5icd0sr2mu96rcig"}"#;
    let mut log = vec![glued.to_string()];
    log.extend(std::iter::repeat_n(metrics.to_string(), 500));
    log.extend([start.to_string(), glued.to_string(), failed.to_string()]);
    let text = log.join("\n") + "\n";

    let cfg = config(&[]);
    let classifier = Classifier::new(analyze::load_pack(&cfg).unwrap());
    let redactor = Redactor::new(Vec::new());
    let scanner = Scanner::new(&classifier, &redactor);
    let (scanned, _) = scanner.scan(0, "orphans", false, text.as_bytes());
    assert_eq!(scanned.orphans.len(), 502, "every occurrence is kept");
    assert_eq!(
        scanned.orphans.shapes().len(),
        2,
        "each distinct record once"
    );
    assert_eq!(scanned.events.len(), 2, "the start and the failure");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orphans.log");
    std::fs::write(&path, &text).unwrap();
    let (doc, _) = json(&[path.to_str().unwrap()]);
    let c = &doc["clusters"][0];
    assert_eq!(c["cluster_id"], "c23h5icd0sr2mu96rcig");
    let sources: Vec<String> = c["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            e["source"]
                .as_str()
                .unwrap()
                .rsplit(':')
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    // The glued lookups before and after the cluster was first named.
    assert!(sources.contains(&"1".to_string()), "{sources:?}");
    assert!(sources.contains(&"503".to_string()), "{sources:?}");
    assert!(doc["unattributed"].as_array().unwrap().is_empty());

    // The same log twice: the second copy's records, orphans included, are
    // merged as overlaps, and the evidence is the same.
    let p = path.to_str().unwrap();
    let (twice, _) = json(&[p, p]);
    assert_eq!(twice["input"]["skipped_detail"]["merged"], 504);
    assert_eq!(twice["clusters"][0]["evidence"], c["evidence"]);
}

/// A day of logs: the same rotation incident inside ten times more noise
/// (ordinary lines, and errors tied to no cluster) costs `--follow` no more
/// than 10% more memory.
#[cfg(target_os = "linux")]
#[test]
#[ignore = "memory tier: .ci/run runs it (cargo test -- --ignored)"]
fn follow_memory_stays_flat_as_noise_grows() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let incident = fixture_lines();
    let stream = |noise: usize, name: &str| {
        let path = dir.path().join(name);
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let regions = ["us-south", "eu-de", "eu-gb", "jp-tok"];
        let per_gap = noise / incident.len();
        for (k, line) in incident.iter().enumerate() {
            for n in 0..per_gap {
                let ts = &line[..30];
                if n % 7 == 0 {
                    let r = regions[n % regions.len()];
                    writeln!(f, r#"{ts} {{"level":"error","msg":"failed to publish metrics: Post \"https://metrics.{r}.monitoring.cloud.ibm.com/api/v1/push\": net/http: TLS handshake timeout"}}"#).unwrap();
                } else {
                    writeln!(f, r#"{ts} {{"level":"info","msg":"Handled request","path":"/healthz","status":200,"n":{k}{n}}}"#).unwrap();
                }
            }
            writeln!(f, "{line}").unwrap();
        }
        f.flush().unwrap();
        path
    };
    let small = stream(20_000, "small.log");
    let large = stream(200_000, "large.log");
    let args = ["analyze", "--follow", "-o", "json"];
    // Threads and the allocator only ever add to a peak: the least of three
    // runs is the one to compare, on a machine busy with other tests.
    let rss = |input: &std::path::Path| {
        (0..3)
            .map(|_| crate::inputs::max_rss_kib_with_stdin(&args, Some(input)))
            .min()
            .unwrap()
    };
    let (rss_small, rss_large) = (rss(&small), rss(&large));
    assert!(
        rss_large * 10 <= rss_small * 11,
        "{rss_small} KiB with 20,000 noise lines, {rss_large} KiB with 200,000"
    );
}

#[test]
fn many_inputs_that_cannot_be_opened_end_with_an_error_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    let dirs: Vec<String> = (0..12)
        .map(|i| {
            let d = dir.path().join(format!("dir-{i}"));
            std::fs::create_dir(&d).unwrap();
            d.to_str().unwrap().to_string()
        })
        .collect();
    let out = kp()
        .args(["analyze", "--follow"])
        .args(&dirs)
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("dir-0: is a directory"), "{stderr}");
}

/// The panel of a finished snapshot of `file`, at `width` columns.
fn panel_of(file: &str, width: usize) -> Vec<String> {
    let cfg = config(&[file.to_string()]);
    let tools = Tools::new(&cfg);
    let scanner = tools.scanner(&cfg);
    let mut e = Engine::new(&cfg, &scanner);
    for (name, gzip, lines) in lines_of(&cfg) {
        let i = e.add(name);
        e.gzipped(i, gzip);
        for l in &lines {
            e.feed(i, l, false);
        }
        e.caught_up(i);
    }
    let snap = e.snapshot().unwrap();
    kp_triage::report::live::panel(
        &snap,
        &kp_triage::report::live::Panel {
            source: "armada-kp-events-7d9f8c6b5-x2x9z/armada-kp-events",
            lines_per_sec: 12.0,
            now: kp_triage::time::parse_iso("2026-11-20T03:05:00Z"),
            width,
            color: false,
            rows: 24,
        },
    )
}

/// At 80 columns each time keeps its time of day, the date is said once,
/// and the panel names the next step (recommended) or the hold's cause.
#[test]
fn the_panel_at_80_columns_keeps_times_of_day_and_names_the_next_step_or_the_hold() {
    let lines = panel_of(FIXTURE, 80);
    for l in &lines {
        assert!(l.chars().count() <= 80, "{l:?}");
    }
    let text = lines.join("\n");
    assert_eq!(text.matches("2026-11-20").count(), 1, "{text}");
    assert!(
        text.contains("c23h5icd0sr2mu96rcig     exhausted"),
        "{text}"
    );
    assert!(text.contains("03:01:02"), "{text}");
    assert!(text.contains("Delete the armada-kp-events pod"), "{text}");
    assert!(text.contains("Next: kubectl get pods"), "{text}");
    insta::assert_snapshot!("panel_recommended_80", text);
    let hold = panel_of("fixtures/scenarios/etcd-hold.log", 80).join("\n");
    assert!(hold.contains("Verdict: HOLD  ("), "{hold}");
    assert!(
        hold.contains("Do not delete the armada-kp-events pod yet"),
        "{hold}"
    );
    assert!(!hold.contains("Next:"), "{hold}");
    insta::assert_snapshot!("panel_hold_80", hold);
}
