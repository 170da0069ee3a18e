//! A second generator of secret forms, independent of the redaction table in
//! secret_forms.rs: each form as a real tool prints it (forms.rs names the
//! tool), with a secret drawn at random (letters alone, hex, base64,
//! base64url; lengths vary), planted in a failure line of the service's own
//! shapes, and run through the binary in every output: the table, the
//! Markdown and the JSON (with `--evidence 50`) and `patterns explain`. No 8
//! characters of any secret may show in any of them, nor on stderr.
//!
//! The seed is random per run and printed on failure; `KP_SECRET_SEED=N`
//! replays one.

mod cloud;
mod forms;
mod values;

use crate::util::*;
use values::{line, Gen, Shape};

struct Planted {
    marker: String,
    cluster: String,
    form: forms::Form,
    line: String,
}

fn seed() -> u64 {
    std::env::var("KP_SECRET_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            let t = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap();
            t.as_nanos() as u64 ^ u64::from(std::process::id())
        })
}

/// `zqaa`, `zqab`, ...: a word of small letters that nothing else prints.
fn marker(n: usize) -> String {
    let letter = |k: usize| char::from(b'a' + (k % 26) as u8);
    format!("zq{}{}", letter(n / 26), letter(n))
}

fn corpus(seed: u64) -> Vec<Planted> {
    let mut g = Gen::new(seed);
    forms::all()
        .into_iter()
        .enumerate()
        .map(|(n, make)| {
            let form = make(&mut g);
            let marker = marker(n);
            let cluster = format!("cg{:018}", n + 1);
            let line = line(form.shape, &marker, &cluster, &form.text);
            Planted {
                marker,
                cluster,
                form,
                line,
            }
        })
        .collect()
}

/// Markdown escapes punctuation with backslashes; drop them to compare.
fn plain(s: &str) -> String {
    s.replace('\\', "")
}

/// Every output of `analyze` for `lines`, read in chunks of 15 clusters:
/// the table and the Markdown show the evidence of 20 clusters at most.
fn analyze_outputs(dir: &std::path::Path, lines: &[&str]) -> Vec<(String, String)> {
    let mut outputs = Vec::new();
    for format in ["table", "markdown", "json"] {
        let mut all = String::new();
        for (k, chunk) in lines.chunks(15).enumerate() {
            let part = dir.join(format!("{format}-{k}.log"));
            std::fs::write(&part, chunk.join("\n") + "\n").unwrap();
            let out = kp()
                .env("COLUMNS", "1000")
                .args(["analyze", "--evidence", "50", "-o", format])
                .arg(&part)
                .output()
                .unwrap();
            all.push_str(&plain(&all_output(&out)));
        }
        outputs.push((format.to_string(), all));
    }
    outputs
}

/// `patterns explain` on every line: one JSON line each, in order.
fn explain_output(lines: &[&str]) -> (Vec<String>, String) {
    let out = kp()
        .args(["patterns", "explain"])
        .write_stdin(lines.join("\n") + "\n")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let each = stdout.lines().map(String::from).collect();
    (each, all_output(&out))
}

/// The first 8 characters of `secret` that show in `out`.
fn leak<'a>(secret: &'a str, out: &str) -> Option<&'a str> {
    let b = secret.as_bytes();
    (0..b.len().saturating_sub(7))
        .filter_map(|i| secret.get(i..i + 8))
        .find(|w| out.contains(w))
}

#[test]
fn sixty_generated_secret_forms_never_show_in_any_output() {
    let seed = seed();
    let planted = corpus(seed);
    assert!(planted.len() >= 60, "{} forms", planted.len());
    let lines: Vec<&str> = planted.iter().map(|p| p.line.as_str()).collect();
    let dir = tempfile::tempdir().unwrap();
    let mut outputs = analyze_outputs(dir.path(), &lines);
    let (explained, explain_all) = explain_output(&lines);
    assert_eq!(
        explained.len(),
        lines.len(),
        "explain prints a line per line"
    );
    outputs.push(("patterns explain".to_string(), explain_all));

    let mut failures = Vec::new();
    for (p, explained) in planted.iter().zip(&explained) {
        let id = format!("{} ({:?}: {})", p.marker, p.form.shape, p.line);
        if matches!(p.form.shape, Shape::Bare | Shape::Logdna) {
            // No room for a tag: explain shows the record, redacted.
            if !explained.contains("<redacted:") {
                failures.push(format!("{id}: explain shows no redaction: {explained}"));
            }
        } else {
            // explain shows a structured line's message, not its error.
            let shown = if p.form.shape == Shape::Kubectl {
                &outputs[..]
            } else {
                &outputs[..3]
            };
            for (format, out) in shown {
                if !out.contains(&p.marker) {
                    failures.push(format!("{id}: {format} does not show the line"));
                }
            }
            let json = &outputs[2].1;
            if !json.contains(&p.cluster) {
                failures.push(format!("{id}: the JSON lost the cluster {}", p.cluster));
            }
        }
        for s in &p.form.secrets {
            for (format, out) in &outputs {
                if let Some(w) = leak(s, out) {
                    failures.push(format!("{id}: {format} shows {w:?} of {s:?}"));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "seed {seed} (KP_SECRET_SEED={seed} replays it):\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_leak_check_sees_eight_characters() {
    assert_eq!(leak("Abcdefgh1234", "x bcdefgh1 y"), Some("bcdefgh1"));
    assert_eq!(leak("Abcdefgh1234", "x bcdefg y"), None);
}
