//! The table fits the terminal: at 80 columns no line is longer, on every
//! fixture and on an incident of 3,000 failing clusters, whose lists are cut.

use crate::util::*;
use std::path::{Path, PathBuf};

/// A klog incident: `n` clusters failing on the WDEK secret (20- and
/// 32-character ids alternately), and seven shapes of record not understood.
pub fn many_failing_clusters(dir: &Path, n: usize) -> PathBuf {
    let mut s = String::from(
        "2026-11-20T04:00:00.000000000Z I1120 04:00:00.000000       1 watch.go:63] \"Detected new service IAM API key; rotating it on all managed clusters\"\n",
    );
    for i in 0..n {
        let id = if i % 2 == 0 {
            format!("c{i:019}")
        } else {
            format!("{:032x}", i * 7919)
        };
        s.push_str(&format!(
            "2026-11-20T04:00:01.{i:09}Z I1120 04:00:01.000000       1 rotate.go:98] \"Starting rotation of service iam-api-key\" clusterID=\"{id}\" attempt=\"1\"\n"
        ));
        s.push_str(&format!(
            "2026-11-20T04:00:04.{i:09}Z E1120 04:00:04.000000       1 rotate.go:142] \"Rotation attempt failed\" err=\"failed to update WDEK secret: Operation cannot be fulfilled on secrets \\\"kp-wdek\\\": the object has been modified\" clusterID=\"{id}\" attempt=\"1\"\n"
        ));
    }
    for (j, w) in [
        "deferred",
        "parked",
        "queued",
        "postponed",
        "shelved",
        "delayed",
        "stalled",
    ]
    .iter()
    .enumerate()
    {
        s.push_str(&format!(
            "2026-11-20T04:00:05.{j:09}Z I1120 04:00:05.000000       1 rotate.go:99] \"rotation of service iam-api-key {w} by the {w} scheduler\" clusterID=\"c{j:019}\"\n"
        ));
    }
    let path = dir.join("many.log");
    std::fs::write(&path, s).unwrap();
    path
}

fn fixtures(dir: &Path, into: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            fixtures(&p, into);
        } else if !matches!(p.extension().and_then(|e| e.to_str()), Some("md" | "py")) {
            into.push(p);
        }
    }
}

fn too_long(out: &[u8], max: usize) -> Vec<String> {
    String::from_utf8_lossy(out)
        .lines()
        .filter(|l| l.chars().count() > max)
        .map(String::from)
        .collect()
}

#[test]
fn at_80_columns_no_line_of_any_fixture_is_longer() {
    let mut all = Vec::new();
    fixtures(&root().join("fixtures"), &mut all);
    all.sort();
    assert!(all.len() > 30, "{all:?}");
    for f in &all {
        let rel = f.strip_prefix(root()).unwrap();
        let out = kp()
            .env("COLUMNS", "80")
            .arg("analyze")
            .arg(rel)
            .output()
            .unwrap();
        assert!(!out.stdout.is_empty(), "{rel:?}");
        let long = too_long(&out.stdout, 80);
        assert!(long.is_empty(), "{rel:?}: {long:#?}");
    }
}

#[test]
fn width_comes_from_the_option_then_columns() {
    let log = "fixtures/scenarios/etcd-hold.log";
    let out = kp()
        .args(["analyze", "--width", "60", log])
        .output()
        .unwrap();
    assert!(too_long(&out.stdout, 60).is_empty());
    let out = kp()
        .env("COLUMNS", "200")
        .args(["analyze", "--width", "60", log])
        .output()
        .unwrap();
    assert!(
        too_long(&out.stdout, 60).is_empty(),
        "--width beats COLUMNS"
    );
    let wide = kp()
        .env("COLUMNS", "200")
        .args(["analyze", log])
        .output()
        .unwrap();
    assert!(
        !too_long(&wide.stdout, 100).is_empty(),
        "COLUMNS=200 is used"
    );
    let out = kp()
        .args(["analyze", "--width", "10", log])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "under 40 columns is refused");
}

#[test]
fn evidence_n_is_honoured_in_the_table() {
    let count = |n: &str| {
        let out = kp()
            .env("COLUMNS", "200")
            .args([
                "analyze",
                "--evidence",
                n,
                "fixtures/incident/kubectl-ts.log",
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.contains("(fixtures/incident/kubectl-ts.log:"))
            .count()
    };
    assert_eq!(count("1"), 2, "one line per failing cluster");
    assert_eq!(count("2"), 4);
    assert!(count("9") > 4);
}

#[test]
fn evidence_columns_align_for_20_and_32_character_ids() {
    let out = kp()
        .env("COLUMNS", "200")
        .args(["analyze", "fixtures/scenarios/etcd-hold.log"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let starts: Vec<usize> = text
        .lines()
        .filter(|l| l.starts_with("  2026") && l.contains("(fixtures/scenarios/etcd-hold.log:"))
        .map(|l| {
            let after_id = 24 + l[24..].find(' ').unwrap();
            after_id + l[after_id..].find(|c: char| c != ' ').unwrap()
        })
        .collect();
    assert!(
        starts.windows(2).all(|w| w[0] == w[1]),
        "{starts:?}\n{text}"
    );
    let ids: Vec<usize> = text
        .lines()
        .filter(|l| l.starts_with("  2026") && l.contains("(fixtures/scenarios/etcd-hold.log:"))
        .map(|l| l[24..].find(' ').unwrap())
        .collect();
    assert!(ids.contains(&20) && ids.contains(&32), "{ids:?}");
}

#[test]
fn three_thousand_failing_clusters_are_cut_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let log = many_failing_clusters(dir.path(), 3000);
    let out = kp()
        .env("COLUMNS", "80")
        .arg("analyze")
        .arg(&log)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        too_long(&out.stdout, 80).is_empty(),
        "{:#?}",
        too_long(&out.stdout, 80)
    );
    assert!(text.lines().count() < 200, "{}", text.lines().count());
    for cut in [
        // Four of the failing clusters end on a rotation line not understood
        // ("... deferred by the deferred scheduler"): their status is unknown.
        "... and 2991 more clusters)",
        "... and 2983 more clusters not rotated",
        "... and 2976 more clusters with evidence",
        "... and 2 more shapes",
    ] {
        assert!(text.contains(cut), "{cut}: {text}");
    }
    // The Markdown lists the worst 50 and counts the rest; the JSON names
    // them all as data.
    let md = kp()
        .args(["analyze", "-o", "markdown"])
        .arg(&log)
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(
        !md.contains("`c0000000000000002998`"),
        "the last one is not"
    );
    assert!(
        md.contains("... and 2953 more clusters not rotated; all 3003 by root cause"),
        "{md}"
    );
    assert!(md.contains("... and 2986 more clusters"), "reasons are cut");
    let (doc, _) = json(&[log.to_str().unwrap()]);
    let r = &doc["pod_restart"]["reason_details"][0];
    assert_eq!(r["code"], "cause_at_threshold");
    assert_eq!(r["clusters"].as_array().unwrap().len(), 2996);
    assert_eq!(
        (r["count"].as_u64(), r["threshold"].as_u64()),
        (Some(2996), Some(5))
    );
    let text = doc["pod_restart"]["reasons"][0].as_str().unwrap();
    assert!(text.contains("... and 2976 more clusters"), "{text}");
}

#[test]
fn reasons_are_data_in_the_json() {
    let (doc, _) = json(&["fixtures/incident/kubectl-ts.log"]);
    let r = doc["pod_restart"]["reason_details"].as_array().unwrap();
    let codes: Vec<&str> = r.iter().map(|r| r["code"].as_str().unwrap()).collect();
    assert_eq!(
        codes,
        ["exhausted", "below_hold_thresholds", "also_retrying"]
    );
    assert_eq!(r[0]["clusters"][0]["cluster_id"], "c23h5icd0sr2mu96rcig");
    assert_eq!(r[0]["clusters"][0]["root_cause"], "wdek_secret");
    let checks = r[1]["checks"].as_array().unwrap();
    assert_eq!(checks[0]["category"], "etcd");
    assert_eq!(
        (
            checks[0]["clusters"].as_u64(),
            checks[0]["threshold"].as_u64()
        ),
        (Some(0), Some(1))
    );
    for (d, t) in r
        .iter()
        .zip(doc["pod_restart"]["reasons"].as_array().unwrap())
    {
        assert_eq!(&d["text"], t);
    }
    let (doc, _) = json(&["fixtures/scenarios/etcd-hold.log"]);
    let r = &doc["pod_restart"]["reason_details"][0];
    assert_eq!(
        (r["code"].as_str(), r["category"].as_str()),
        (Some("cause_at_threshold"), Some("etcd"))
    );
    assert!(r["evidence"][0]["source"]
        .as_str()
        .unwrap()
        .contains("etcd-hold.log:"));
}

#[test]
fn markdown_lists_rotated_clusters_in_a_details_block() {
    let out = kp()
        .args([
            "analyze",
            "-o",
            "markdown",
            "fixtures/incident/kubectl-ts.log",
        ])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("<details><summary>Rotated: 2 clusters</summary>"),
        "{md}"
    );
}

#[test]
fn a_hostile_file_name_is_neutralised_in_table_and_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let name = dir.path().join("x\u{1b}]52;c;cm0=\u{7}\u{202e}y.log");
    std::fs::copy(root().join("fixtures/incident/kubectl-ts.log"), &name).unwrap();
    for format in ["table", "markdown"] {
        let out = kp()
            .args(["analyze", "-o", format])
            .arg(&name)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("cm0="), "{format}: {text}");
        for c in ['\u{1b}', '\u{7}', '\u{202e}'] {
            assert!(!text.contains(c), "{format}: {c:?} reaches the terminal");
        }
    }
}

#[test]
fn many_reasons_end_with_a_count() {
    // Nine etcd failures tied to no cluster while a cluster fails: one hold
    // reason each, and the table shows six.
    let mut log =
        std::fs::read_to_string(root().join("fixtures/scenarios/etcd-unattributed.log")).unwrap();
    let etcd = log.lines().nth(13).unwrap().to_string();
    assert!(etcd.contains("ETCD failure"), "{etcd}");
    for _ in 0..8 {
        log.push_str(&etcd);
        log.push('\n');
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("etcd.log"), log).unwrap();
    let out = kp()
        .env("COLUMNS", "80")
        .args(["analyze", "etcd.log"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(too_long(&out.stdout, 80).is_empty());
    assert_eq!(text.matches("\n  * ").count(), 6, "{text}");
    assert!(
        text.contains("... and 4 more reasons (see -o json)"),
        "{text}"
    );
    assert!(
        text.contains("(ETCD failure tied to no cluster)."),
        "said once: {text}"
    );
    assert!(
        text.contains("... and 4 more lines tied to no cluster"),
        "{text}"
    );
}

#[test]
fn the_window_says_what_was_analysed() {
    let out = kp()
        .env("COLUMNS", "80")
        .args([
            "analyze",
            "--since",
            "30s",
            "fixtures/incident/kubectl-ts.log",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let words: Vec<&str> = text.split_whitespace().collect();
    assert!(
        words.join(" ").contains(
            "Window: 2026-11-20T03:00:35Z to the end of the log (2026-11-20T03:01:05Z); \
             16 rotation events outside it left out."
        ),
        "{text}"
    );
}
