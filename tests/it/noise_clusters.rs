//! Noise that names a cluster and speaks of rotation, and nothing else,
//! makes an `unknown` cluster of each id. The reports work out what they say
//! of each cluster as they write it, not all at once: checked here, on
//! generated inputs, against what the generator knows of every cluster.

use crate::util::*;
use rand::{Rng, SeedableRng};
use serde_json::Value;
use std::collections::BTreeMap;

const NOISE: &str = "key rotation pending";

/// A cluster id: 20 characters of the xid alphabet, one a digit.
fn xid(mut n: u128) -> String {
    let digits = b"0123456789abcdefghijklmnopqrstuv";
    let mut s: Vec<u8> = (0..19)
        .map(|_| {
            let d = digits[(n % 32) as usize];
            n /= 32;
            d
        })
        .collect();
    s.push(b'7');
    String::from_utf8(s).unwrap()
}

/// Noise lines 10 ms apart, each naming one of a few clusters (some named
/// many times), and for each cluster the numbers of its lines.
fn generate(seed: u64) -> (String, BTreeMap<String, Vec<usize>>) {
    let mut rng = rand_pcg::Pcg64::seed_from_u64(seed);
    let ids: Vec<String> = (0..rng.gen_range(1..50)).map(|_| xid(rng.gen())).collect();
    let mut text = String::new();
    let mut lines: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for n in 1..=rng.gen_range(1..150) {
        let id = &ids[rng.gen_range(0..ids.len())];
        let ms = n * 10;
        let (s, ms) = (ms / 1000, ms % 1000);
        text += &format!(
            "2026-11-20T03:{:02}:{:02}.{ms:03}000000Z {{\"level\":\"info\",\"ts\":{}.{ms:03},\
             \"logger\":\"kp-events\",\"msg\":\"{NOISE}\",\"clusterID\":\"{id}\"}}\n",
            s / 60,
            s % 60,
            1795143600 + s
        );
        lines.entry(id.clone()).or_default().push(n);
    }
    (text, lines)
}

fn analyze(path: &std::path::Path, format: &str, evidence: usize) -> String {
    let out = kp()
        .args(["analyze", "-o", format, "--evidence", &evidence.to_string()])
        .arg(path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", all_output(&out));
    String::from_utf8(out.stdout).unwrap()
}

/// What the JSON says of one noise-only cluster.
fn check_cluster(c: &Value, lines: &[usize], path: &str, evidence: usize) {
    let id = c["cluster_id"].as_str().unwrap();
    assert_eq!(c["status"], "unknown", "{id}");
    assert_eq!(c["not_understood"], lines.len(), "{id}");
    assert_eq!(c["unknown_because"], NOISE, "{id}");
    assert_eq!(
        (
            c["attempts"].as_u64(),
            c["actions"].as_array().map(Vec::len)
        ),
        (Some(0), Some(0))
    );
    // The line that left it unknown is its latest, the one quoted.
    assert_eq!(c["evidence_total"], 1, "{id}");
    let quoted = c["evidence"].as_array().unwrap();
    if evidence == 0 {
        assert!(quoted.is_empty(), "{id}: {quoted:?}");
        return;
    }
    assert_eq!(quoted.len(), 1, "{id}");
    let last = lines.last().unwrap();
    assert_eq!(quoted[0]["source"], format!("{path}:{last}"), "{id}");
    assert_eq!(quoted[0]["message"], NOISE, "{id}");
    assert_eq!(quoted[0]["ts"], c["last_seen"], "{id}");
}

#[test]
fn every_noise_cluster_is_reported_with_its_own_line_and_counts() {
    for seed in 0..12 {
        let (text, lines) = generate(seed);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("noise.log");
        std::fs::write(&path, &text).unwrap();
        let evidence = [0, 1, 3][seed as usize % 3];
        let doc: Value = serde_json::from_str(&analyze(&path, "json", evidence)).unwrap();
        let clusters = doc["clusters"].as_array().unwrap();
        let ids: Vec<&str> = clusters
            .iter()
            .map(|c| c["cluster_id"].as_str().unwrap())
            .collect();
        // Every cluster, once, in id order (they share a status).
        assert_eq!(
            ids,
            lines.keys().map(String::as_str).collect::<Vec<_>>(),
            "seed {seed}"
        );
        for c in clusters {
            let id = c["cluster_id"].as_str().unwrap();
            check_cluster(c, &lines[id], &path.display().to_string(), evidence);
        }
        assert_eq!(doc["summary"]["unknown"], lines.len(), "seed {seed}");
        // The table shows at most 20 rows and counts the rest.
        let table = analyze(&path, "table", evidence);
        let rows = lines
            .keys()
            .filter(|id| table.contains(&format!("{id}  unknown")));
        assert_eq!(rows.count(), lines.len().min(20), "seed {seed}:\n{table}");
        let rest = lines.len().saturating_sub(20);
        assert_eq!(
            table.contains("not rotated (see -o markdown"),
            rest > 0,
            "{table}"
        );
    }
}
