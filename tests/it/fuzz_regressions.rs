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
        ("decode_line", fuzz::decode_line),
        ("logdna_page", fuzz::logdna_page),
        ("pack", fuzz::pack),
        ("times", fuzz::times),
        ("pipeline", fuzz::pipeline),
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

#[test]
fn the_entry_points_survive_the_fixtures() {
    // The same calls the fuzzers make, on every shipped fixture, so a broken
    // entry point shows here and not only under cargo-fuzz.
    for dir in ["fixtures/incident", "fixtures/scenarios", "fixtures/logdna"] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                let bytes = std::fs::read(&p).unwrap();
                kp_triage::fuzz::pipeline(&bytes);
                for line in bytes.split(|b| *b == b'\n') {
                    kp_triage::fuzz::decode_line(line);
                    kp_triage::fuzz::logdna_page(line);
                }
            }
        }
    }
    kp_triage::fuzz::pack(kp_triage::classify::pack::DEFAULT_PACK.as_bytes());
    kp_triage::fuzz::times(b"2026-11-20T03:00:01.123456789Z");
}
