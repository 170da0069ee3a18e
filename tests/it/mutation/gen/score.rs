//! Scoring: an incident is fully right when every expected cluster is
//! present with the right status, root cause and failed attempts, and the
//! verdict matches.

use super::model::Expected;
use serde_json::Value;
use std::fmt::Write;

/// Why kp-triage's JSON report disagrees with the expected answer; None
/// when it is fully right.
pub fn judge(exp: &Expected, doc: &Value) -> Option<String> {
    let mut diff = String::new();
    let verdict = doc["pod_restart"]["verdict"].as_str().unwrap_or("<none>");
    if verdict != exp.verdict {
        let _ = writeln!(diff, "  verdict: expected {}, got {verdict}", exp.verdict);
    }
    let got: Vec<&Value> = doc["clusters"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let find = |id: &str| {
        got.iter().find(|c| {
            c["cluster_id"]
                .as_str()
                .is_some_and(|g| g.eq_ignore_ascii_case(id))
        })
    };
    for (id, e) in &exp.clusters {
        let want = format!(
            "{} {} {}",
            e.status,
            e.root_cause.as_deref().unwrap_or("-"),
            e.failed_attempts
        );
        let Some(c) = find(id) else {
            let _ = writeln!(diff, "  {id}: expected {want}, missing");
            continue;
        };
        let have = format!(
            "{} {} {}",
            c["status"].as_str().unwrap_or("?"),
            c["root_cause"].as_str().unwrap_or("-"),
            c["failed_attempts"]
                .as_u64()
                .map_or("?".into(), |n| n.to_string())
        );
        if have != want {
            let _ = writeln!(diff, "  {id}: expected {want}, got {have}");
        }
    }
    for c in &got {
        let id = c["cluster_id"].as_str().unwrap_or("?");
        if !exp.clusters.contains_key(&id.to_ascii_lowercase()) {
            let _ = writeln!(
                diff,
                "  (not counted) unexpected cluster {id}: {}",
                c["status"]
            );
        }
    }
    let wrong = diff.lines().any(|l| !l.starts_with("  (not counted)"));
    wrong.then_some(diff)
}
