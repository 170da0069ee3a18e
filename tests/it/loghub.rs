//! Real logs of ten unrelated systems: full of errors, none about key
//! rotation. Any cluster or failure found here is a false alarm.
//!
//! The logs live outside the repository, in ../shared/data/loghub (or where
//! KP_TRIAGE_LOGHUB points). Without them the test skips with a note, so a
//! clone of this repository alone passes; under CI it must run.

use crate::util::*;

#[test]
fn unrelated_systems_report_no_cluster_and_no_failure() {
    let dir = std::env::var_os("KP_TRIAGE_LOGHUB")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root().join("../shared/data/loghub"));
    if !dir.is_dir() {
        return crate::cli::skip_when_absent(&format!("the Loghub data ({})", dir.display()));
    }
    let mut seen = 0;
    for e in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let p = e.unwrap().path();
        if p.extension().is_none_or(|x| x != "log") {
            continue;
        }
        seen += 1;
        let (doc, code) = json(&[p.to_str().unwrap()]);
        assert_eq!(code, 3, "{p:?}");
        assert_eq!(verdict(&doc), "no_evidence", "{p:?}");
        assert_eq!(doc["clusters"], serde_json::json!([]), "{p:?}");
        assert_eq!(doc["unattributed"], serde_json::json!([]), "{p:?}");
        assert_eq!(doc["input"]["lines"], 2000, "{p:?}");
    }
    assert_eq!(seen, 10);
}
