//! How fast can the fields kp-triage needs be pulled out of LogDNA export lines?
//!
//!     cargo run --release -- FILE    # FILE: kp_gen --format logdna output
//!
//! Each parser extracts `_line`, `_ts`, `_app`, `container`, `pod` and `_host` from every line,
//! the work kp-triage's pre-pass does, on one thread. `IgnoredAny` only validates each line: no
//! serde_json-based extraction can beat it.

use serde::Deserialize;
use std::borrow::Cow;
use std::time::{Duration, Instant};

/// kp-triage's own shape (`src/decode/logdna.rs`).
#[derive(Deserialize)]
struct Entry<'a> {
    #[serde(rename = "_line", borrow)]
    line: Option<Cow<'a, str>>,
    #[serde(rename = "_ts")]
    ts: Option<f64>,
    #[serde(rename = "_app", borrow)]
    app: Option<Cow<'a, str>>,
    #[serde(borrow)]
    container: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pod: Option<Cow<'a, str>>,
    #[serde(rename = "_host", borrow)]
    host: Option<Cow<'a, str>>,
}

impl Entry<'_> {
    fn weight(&self) -> usize {
        let len = |s: &Option<Cow<'_, str>>| s.as_ref().map_or(0, |s| s.len());
        len(&self.line)
            + len(&self.app)
            + len(&self.container)
            + len(&self.pod)
            + len(&self.host)
            + usize::from(self.ts.is_some())
    }
}

/// The same, with `_line` left escaped.
#[derive(Deserialize)]
struct RawLine<'a> {
    #[serde(rename = "_line", borrow)]
    line: Option<&'a serde_json::value::RawValue>,
    #[serde(rename = "_ts")]
    ts: Option<f64>,
    #[serde(rename = "pod", borrow)]
    pod: Option<Cow<'a, str>>,
}

fn time(name: &str, lines: &[&[u8]], f: impl Fn(&[u8]) -> usize) {
    let mut best = Duration::MAX;
    let mut weight = 0;
    for _ in 0..5 {
        let t = Instant::now();
        weight = lines.iter().map(|l| f(l)).sum::<usize>();
        best = best.min(t.elapsed());
    }
    let bytes: usize = lines.iter().map(|l| l.len()).sum();
    println!(
        "{name:<34} {:>8.1} ms {:>7.0} MB/s  (checksum {weight})",
        best.as_secs_f64() * 1e3,
        bytes as f64 / best.as_secs_f64() / 1e6
    );
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: json-parsers FILE");
    let data = std::fs::read(&path).expect("readable file");
    let lines: Vec<&[u8]> = data
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    println!("{} lines, {} bytes, best of 5", lines.len(), data.len());
    time("serde_json, IgnoredAny", &lines, |l| {
        serde_json::from_slice::<serde::de::IgnoredAny>(l).map_or(0, |_| 1)
    });
    time("serde_json, kp-triage's Entry", &lines, |l| {
        serde_json::from_slice::<Entry>(l).map_or(0, |e| e.weight())
    });
    time("serde_json, _line left raw", &lines, |l| {
        serde_json::from_slice::<RawLine>(l).map_or(0, |e| {
            e.line.map_or(0, |r| r.get().len())
                + e.pod.map_or(0, |p| p.len())
                + usize::from(e.ts.is_some())
        })
    });
    time("sonic-rs, Entry", &lines, |l| {
        sonic_rs::from_slice::<Entry>(l).map_or(0, |e| e.weight())
    });
    time("sonic-rs, lazy object iterator", &lines, |l| {
        let mut n = 0;
        for (k, v) in sonic_rs::to_object_iter(l).flatten() {
            if matches!(
                k.as_ref(),
                "_line" | "_ts" | "_app" | "container" | "pod" | "_host"
            ) {
                n += v.as_raw_str().len();
            }
        }
        n
    });
    time("jiter, keys in place", &lines, |l| {
        let mut j = jiter::Jiter::new(l);
        let mut n = 0;
        let Ok(mut key) = j.next_object_bytes() else {
            return 0;
        };
        while let Some(k) = key {
            let r = match k {
                b"_line" | b"_app" | b"container" | b"pod" | b"_host" => {
                    j.next_str().map(|s| n += s.len())
                }
                b"_ts" => j.next_float().map(|_| n += 1),
                _ => j.next_skip(),
            };
            if r.is_err() {
                return 0;
            }
            key = match j.next_key_bytes() {
                Ok(k) => k,
                Err(_) => return 0,
            };
        }
        n
    });
}
