//! The mutation corpus of issue 10 (item 7), outside the test harness.
//!
//! ```sh
//! cargo run --example kp_mutate -- write DIR [N] [SEED]   # DIR/incident-NNNN/{input.log,expected.json,dialect.txt}
//! for d in DIR/*/; do kp-triage analyze -f json "$d/input.log" > "$d/got.json"; done
//! cargo run --example kp_mutate -- score DIR              # the share fully right, and what differs
//! ```
//!
//! The generator and the scorer are the ones `tests/it/mutation` runs.

#[path = "../tests/it/mutation/gen/mod.rs"]
#[allow(dead_code)]
mod gen;

use std::path::Path;

const SEED: u64 = 0x6b70_2d6d_7574_6174;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).map(String::as_str);
    match (arg(0), arg(1)) {
        (Some("write"), Some(dir)) => {
            let n = arg(2).map_or(250, |s| s.parse().expect("N is a number"));
            let seed = arg(3).map_or(SEED, parse_seed);
            gen::dump(&gen::corpus(seed, n), Path::new(dir)).expect("the corpus is written");
            eprintln!("{n} incidents (seed {seed:#x}) in {dir}");
        }
        (Some("score"), Some(dir)) => score(Path::new(dir)),
        _ => {
            eprintln!("usage: kp_mutate write DIR [N] [SEED] | kp_mutate score DIR");
            std::process::exit(2);
        }
    }
}

fn parse_seed(s: &str) -> u64 {
    match s.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).expect("a hex seed"),
        None => s.parse().expect("a seed"),
    }
}

fn score(dir: &Path) {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .expect("DIR is readable")
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let (mut right, mut total) = (0, 0);
    for d in names.iter().filter(|d| d.join("expected.json").exists()) {
        let read = |f: &str| {
            std::fs::read_to_string(d.join(f))
                .unwrap_or_else(|e| panic!("{}/{f}: {e}", d.display()))
        };
        let expected: gen::model::Expected =
            serde_json::from_str(&read("expected.json")).expect("expected.json");
        let got: serde_json::Value =
            serde_json::from_str(&read("got.json")).unwrap_or(serde_json::Value::Null);
        total += 1;
        match gen::score::judge(&expected, &got) {
            None => right += 1,
            Some(diff) => println!("{}:\n{diff}", d.display()),
        }
    }
    println!(
        "{right}/{total} fully right = {:.1}%",
        100.0 * right as f64 / total.max(1) as f64
    );
}
