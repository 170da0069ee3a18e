//! Inputs replayed through the fuzzers' own entry points (`kp_triage::fuzz`):
//! any crash a fuzzer finds (fuzz/run.sh copies it to
//! tests/fuzz-regressions/TARGET/) and the hand-written edge cases kept there.
//! No fuzzing round has crashed yet, so today every file is hand-written.

use crate::util::root;

fn replay(target: &str, run: fn(&[u8])) -> usize {
    let dir = root().join("tests/fuzz-regressions").join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return 0;
    };
    let mut n = 0;
    for e in entries {
        let path = e.unwrap().path();
        run(&std::fs::read(&path).unwrap());
        n += 1;
    }
    n
}

type Target = (&'static str, fn(&[u8]));

#[test]
fn crashes_found_by_fuzzing_stay_fixed() {
    use kp_triage::fuzz;
    let targets: [Target; 10] = [
        ("decode_line", |d| {
            fuzz::decode_line(d);
        }),
        ("logdna_page", |d| {
            fuzz::logdna_page(d);
        }),
        ("pack", fuzz::pack),
        ("times", fuzz::times),
        ("pipeline", |d| {
            fuzz::pipeline(d);
        }),
        ("redact", fuzz::redact),
        ("redact_linear", fuzz::redact_linear),
        ("alert", fuzz::alert),
        ("envelope", fuzz::envelope),
        ("cloudlogs_answer", fuzz::cloudlogs_answer),
    ];
    let replayed: usize = targets.iter().map(|(name, run)| replay(name, *run)).sum();
    assert!(
        replayed >= 6,
        "the regression corpus is there ({replayed} files)"
    );
}

/// What the pipeline entry point finds in each scenario: clusters.
const SCENARIO_CLUSTERS: &[(&str, usize)] = &[
    ("all-rotated.log", 3),
    ("etcd-hold.log", 2),
    ("etcd-unattributed.log", 2),
    ("kube-client-hold.log", 3),
    ("kube-client-two.log", 3),
    ("noise-only.log", 0),
    ("retrying.log", 2),
    ("secrets.log", 2),
];

#[test]
fn the_entry_points_survive_the_fixtures() {
    // The same calls the fuzzers make, on every shipped fixture, so a broken
    // entry point shows here and not only under cargo-fuzz. What they return
    // shows they reached the decoders and the verdict, not an early way out.
    use kp_triage::fuzz;
    let mut checked = 0;
    for dir in ["fixtures/incident", "fixtures/scenarios", "fixtures/logdna"] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if !p.is_file() {
                continue;
            }
            let bytes = std::fs::read(&p).unwrap();
            let clusters = fuzz::pipeline(&bytes);
            let lines = bytes.split(|b| *b == b'\n');
            let timed = lines.clone().filter(|l| fuzz::decode_line(l)).count();
            let ours: usize = lines.map(fuzz::logdna_page).sum();
            // The entry points take bytes as a fuzzer gives them: gzip is
            // undone before them, so a gzipped fixture is only survived.
            if bytes.starts_with(&[0x1f, 0x8b]) {
                continue;
            }
            let name = p.file_name().unwrap().to_str().unwrap();
            let at = format!("{dir}/{name}: {clusters} clusters, {timed} timed, {ours} entries");
            match dir {
                "fixtures/incident" => assert_eq!(clusters, 4, "the incident's: {at}"),
                "fixtures/scenarios" => {
                    let want = SCENARIO_CLUSTERS.iter().find(|(n, _)| *n == name);
                    assert_eq!(Some(clusters), want.map(|w| w.1), "{at}");
                }
                _ => assert!(clusters > 0 && ours > 0, "{at}"),
            }
            if matches!(name, "zap-json.log" | "kubectl-ts.log" | "cri.log") {
                assert_eq!(timed, 39, "every record has its time: {at}");
            }
            if name.starts_with("cloudlogs-") || name.starts_with("stern-json") {
                assert_eq!(ours, 39, "every kp-events entry opened: {at}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 50, "{checked} fixtures");
    fuzz::pack(kp_triage::classify::pack::DEFAULT_PACK.as_bytes());
    fuzz::times(b"2026-11-20T03:00:01.123456789Z");
}
