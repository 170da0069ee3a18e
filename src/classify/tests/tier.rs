//! The first tier only ever spares the walk: over random lines built from a
//! loaded pack's own vocabulary, `is_candidate` says what the walk alone says.

use super::super::tier::has_id_token;
use super::super::{envelope, Classifier, Pack};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

/// What `has_id_token` must equal: every piece between bytes outside
/// `[a-z0-9]`, tested whole.
fn id_token_by_split(raw: &[u8]) -> bool {
    raw.split(|b| !(b.is_ascii_lowercase() || b.is_ascii_digit()))
        .any(super::super::attribution::id_shaped)
}

const NOISE: &[&str] = &[
    "handled",
    "request",
    "GET",
    "/healthz",
    "200",
    "ok",
    "informer",
    "resync",
    "took",
    "12ms",
    "watch",
    "closed",
    "pod",
    "node",
    "x",
    "=",
    ":",
    "\"",
    "\\\"",
    "{",
    "}",
    "] ",
    "logger=",
    "caller",
    "stacktrace",
    "level",
    "é",
    "\t",
    "E1120",
    "F1120 ",
    "1",
    "go:88]",
];

fn id(rng: &mut Pcg64) -> String {
    let len = *[19, 20, 21, 31, 32, 33, 40].choose(rng).unwrap();
    let alphabet: &[u8] = if rng.gen_bool(0.5) {
        b"0123456789abcdef"
    } else {
        b"0123456789abcdefghijklmnopqrstuvwxyzA"
    };
    (0..len)
        .map(|_| char::from(*alphabet.choose(rng).unwrap()))
        .collect()
}

/// A word of the pack's vocabulary, noise or an id, its case changed at times.
fn word(rng: &mut Pcg64, vocabulary: &[String]) -> String {
    let w = match rng.gen_range(0..10) {
        0..=3 => vocabulary.choose(rng).unwrap().clone(),
        4 => id(rng),
        _ => NOISE.choose(rng).unwrap().to_string(),
    };
    match rng.gen_range(0..4) {
        0 => w.to_ascii_uppercase(),
        1 => w
            .chars()
            .map(|c| match rng.gen_bool(0.5) {
                true => c.to_ascii_uppercase(),
                false => c,
            })
            .collect(),
        _ => w,
    }
}

fn text(rng: &mut Pcg64, vocabulary: &[String], words: usize) -> String {
    let seps = [" ", "", "_", "-", ":", "/", "\\\"", ", "];
    (0..words)
        .map(|_| word(rng, vocabulary) + seps.choose(rng).unwrap())
        .collect()
}

/// A zap JSON, klog or plain line; its envelope spans hold keywords too, and
/// some lines run past the first tier's buffer of 1024 bytes.
fn line(rng: &mut Pcg64, vocabulary: &[String]) -> String {
    let long = rng.gen_ratio(1, 20);
    let n = if long {
        rng.gen_range(100..600)
    } else {
        rng.gen_range(0..12)
    };
    let mut t = || text(rng, vocabulary, n);
    let (msg, a, b, c) = (t(), t(), t(), t());
    match rng.gen_range(0..3) {
        0 => format!(
            r#"{{"level":"error","logger":"{a}","caller":"{b}","msg":"{msg}","stacktrace":"{c}"}}"#
        ),
        1 => format!(r#"E1120 00:00:00.000001       1 {a}.go:12] "{msg}" logger="{b}" k={c}"#),
        _ => msg,
    }
}

fn assert_tiers_agree(c: &Classifier, lines: usize, seed: u64) {
    let vocabulary: Vec<String> = c
        .pack
        .keywords()
        .into_iter()
        .chain(c.pack.rules.iter().flat_map(|r| r.samples.iter().cloned()))
        .collect();
    let literals = c.first.literals();
    assert!(literals.is_some_and(|n| n > 20), "{literals:?}");
    let mut rng = Pcg64::seed_from_u64(seed);
    let (mut candidates, mut flagged) = (0, 0);
    for _ in 0..lines {
        let l = line(&mut rng, &vocabulary);
        let raw = l.as_bytes();
        assert_eq!(has_id_token(raw), id_token_by_split(raw), "{l:?}");
        let walk = c.walk_decides(raw, &envelope(raw));
        flagged += usize::from(c.first.flags(raw, &envelope(raw)));
        assert_eq!(c.is_candidate(raw), walk, "{l:?}");
        candidates += usize::from(walk);
    }
    // Both answers occur often, or the equality says little.
    assert!(
        candidates > lines / 10 && candidates < lines * 9 / 10,
        "{candidates}"
    );
    // The first tier spares the walk some lines (else it is not there).
    assert!(flagged < lines * 95 / 100, "{flagged} of {lines}");
}

#[test]
fn the_first_tier_never_changes_the_default_packs_answer() {
    assert_tiers_agree(super::classifier(), 40_000, 1);
}

#[test]
fn the_first_tier_never_changes_a_user_packs_answer() {
    let user = r#"
schema_version = 1
[attribution]
keywords = ["tenant", "shard-no"]
[errors]
keywords = ["stalled"]
[[category]]
id = "kms_busy"
kind = "cause"
title = "Cluster busy with another KMS action"
action = "Wait."
[[rule]]
id = "kms_busy.phrase"
category = "kms_busy"
keywords = ["busy with", "kms action", "quota exceeded for the project"]
regex = ['busy with another KMS action']
samples = ["error completing request, the cluster is busy with another KMS action"]
"#;
    let pack = Pack::load(&[("mine.toml".into(), user.into())], false).expect("the pack loads");
    assert!(pack.attribution.keywords.iter().any(|k| k == "tenant"));
    assert_tiers_agree(&Classifier::new(pack), 20_000, 2);
}

#[test]
fn an_id_is_found_wherever_it_starts() {
    let id = "c23h5icd0sr2mu96rcig";
    for pad in 0..45 {
        for (before, after) in [(" ", " "), ("=", ""), ("A", "-")] {
            let l = format!(
                "{}{before}{id}{after} x",
                "y ".repeat(pad / 2) + &"z".repeat(pad % 2)
            );
            assert!(has_id_token(l.as_bytes()), "{l:?}");
            let longer = l.replace(id, &format!("{id}q"));
            assert!(!has_id_token(longer.as_bytes()), "{longer:?}");
        }
    }
}

#[test]
fn a_keyword_across_the_first_tiers_buffer_ends_is_found() {
    let c = super::classifier();
    // The buffer holds 1024 bytes; the next fill repeats the end of the last.
    let ends = (990usize..1030).chain(1930..2060);
    for end in ends {
        for k in c.pack.keywords() {
            for envelope_first in [false, true] {
                let head = if envelope_first {
                    r#"{"logger":"rotation","msg":""#
                } else {
                    ""
                };
                let pad = ".".repeat(end.saturating_sub(head.len() + k.len() / 2));
                let l = format!("{head}{pad}{k}. error .");
                let raw = l.as_bytes();
                assert_eq!(
                    c.is_candidate(raw),
                    c.walk_decides(raw, &envelope(raw)),
                    "{k:?} ending near {end}"
                );
            }
        }
    }
}
