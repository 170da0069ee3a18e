//! docs/json.md documents the JSON schema; this keeps the two in step: every
//! key the doc shows exists in real output, and every key real output has is
//! in the doc, at every level. The README's sample is real output too.

use crate::util::*;
use serde_json::Value;

fn readme_example() -> Value {
    let readme = std::fs::read_to_string(root().join("docs/json.md")).unwrap();
    let start = readme.find("```jsonc\n").expect("a jsonc block") + 9;
    let end = start + readme[start..].find("```").unwrap();
    let mut text = String::new();
    for line in readme[start..end].lines() {
        // `//` comments, but not the `//` of a URL inside a string.
        let cut = line
            .match_indices("//")
            .map(|(i, _)| i)
            .find(|&i| line[..i].matches('"').count() % 2 == 0);
        text.push_str(cut.map_or(line, |i| &line[..i]));
        text.push('\n');
    }
    while let (Some(a), Some(b)) = (text.find("/*"), text.find("*/")) {
        text.replace_range(a..b + 2, "");
    }
    serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("the README's JSON example parses: {e}\n{text}"))
}

fn keys_match(doc: &Value, real: &Value, path: &str) {
    match (doc, real) {
        (Value::Object(d), Value::Object(r)) => {
            let dk: Vec<&String> = d.keys().collect();
            let rk: Vec<&String> = r.keys().collect();
            for k in &dk {
                assert!(
                    r.contains_key(*k),
                    "the README shows {path}.{k}, the output has no such key"
                );
            }
            for k in &rk {
                assert!(
                    d.contains_key(*k),
                    "the output has {path}.{k}, the README does not show it"
                );
            }
            for k in dk {
                keys_match(&d[k], &r[k], &format!("{path}.{k}"));
            }
        }
        (Value::Array(d), Value::Array(r)) => {
            if let (Some(d0), Some(r0)) = (d.first(), r.first()) {
                keys_match(d0, r0, &format!("{path}[0]"));
            }
        }
        _ => {}
    }
}

#[test]
fn the_readme_json_example_matches_real_output() {
    let (real, _) = json(&["fixtures/incident/kubectl-ts.log"]);
    keys_match(&readme_example(), &real, "$");
    assert_eq!(readme_example()["schema_version"], real["schema_version"]);
}

/// The README's 80-column sample is the real output.
#[test]
fn the_readme_table_sample_is_real_output() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let cmd = "$ COLUMNS=80 kp-triage analyze --evidence 1 fixtures/incident/kubectl-ts.log\n";
    let start = readme.find(cmd).expect("the sample") + cmd.len();
    let end = start + readme[start..].find("```").unwrap();
    let out = kp()
        .env("COLUMNS", "80")
        .args([
            "analyze",
            "--evidence",
            "1",
            "fixtures/incident/kubectl-ts.log",
        ])
        .output()
        .unwrap();
    assert_eq!(&readme[start..end], String::from_utf8_lossy(&out.stdout));
}
