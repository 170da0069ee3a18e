//! Running the binary in a clean environment, and reading its JSON.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, run from the repository root with no inherited environment,
/// so no NO_COLOR, TERM or user setting leaks in.
pub fn kp() -> Command {
    let mut c = Command::cargo_bin("kp-triage").expect("the binary is built");
    c.env_clear().current_dir(root());
    c
}

pub fn incident_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("fixtures/incident"))
        .expect("fixtures/incident exists")
        .map(|e| e.unwrap().path())
        .map(|p| p.strip_prefix(root()).unwrap().to_path_buf())
        .collect();
    files.sort();
    assert!(files.len() >= 17, "incident fixtures missing: {files:?}");
    files
}

/// `analyze --format json` on `args`, with the exit code.
pub fn json(args: &[&str]) -> (Value, i32) {
    let out = kp()
        .arg("analyze")
        .arg("--format")
        .arg("json")
        .args(args)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (doc, code)
}

pub fn json_of(path: &Path) -> (Value, i32) {
    json(&[path.to_str().unwrap()])
}

/// What the triage concluded, without timestamps or sources, which differ
/// between formats by precision and line numbers.
pub fn essence(doc: &Value) -> Value {
    let clusters: Vec<Value> = doc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let history = each(&c["attempt_history"], |a| {
                serde_json::json!([a["number"], a["outcome"], a["failures"], a["exhausted"]])
            });
            let evidence = each(&c["evidence"], |e| e["categories"].clone());
            serde_json::json!({
                "id": c["cluster_id"], "status": c["status"], "attempts": c["attempts"],
                "failed": c["failed_attempts"], "root": c["root_cause"], "failures": c["failures"],
                "actions": c["actions"], "history": history, "evidence": evidence,
            })
        })
        .collect();
    let unattributed = each(&doc["unattributed"], |e| e["categories"].clone());
    serde_json::json!({
        "clusters": clusters,
        "unattributed": unattributed,
        "verdict": doc["pod_restart"]["verdict"],
        "reasons": doc["pod_restart"]["reasons"].as_array().unwrap().len(),
    })
}

/// `(id, status, attempts, failed_attempts, root_cause)` per cluster.
pub fn statuses(doc: &Value) -> Vec<(String, String, u64, u64, Option<String>)> {
    doc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["cluster_id"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
                c["attempts"].as_u64().unwrap(),
                c["failed_attempts"].as_u64().unwrap(),
                c["root_cause"].as_str().map(String::from),
            )
        })
        .collect()
}

pub fn verdict(doc: &Value) -> &str {
    doc["pod_restart"]["verdict"].as_str().unwrap()
}

fn each(array: &Value, f: impl Fn(&Value) -> Value) -> Vec<Value> {
    array.as_array().unwrap().iter().map(f).collect()
}

/// Everything a run printed, stdout then stderr.
pub fn all_output(out: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every fixture of every format, one case each, and the restarted pod's
/// two logs as one case: the corpus the batch and threaded, streaming and
/// batch comparisons run over.
pub fn fixture_cases() -> Vec<Vec<String>> {
    let mut cases: Vec<Vec<String>> = Vec::new();
    for dir in [
        "fixtures/incident",
        "fixtures/scenarios",
        "fixtures/logdna",
        "fixtures/cloudlogs",
    ] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        for p in files {
            let rel = p.strip_prefix(root()).unwrap().to_str().unwrap();
            cases.push(vec![rel.to_string()]);
        }
    }
    cases.push(vec![
        "fixtures/scenarios/restart/pod-a.log".into(),
        "fixtures/scenarios/restart/pod-b.log".into(),
    ]);
    cases
}

/// Kills a child still running after `secs` (waiting for output that
/// never comes, or not ending), so that the test fails instead of hanging;
/// disarmed when dropped.
pub struct Watchdog(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Watchdog {
    pub fn new(pid: u32, secs: u64) -> Watchdog {
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = done.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_secs(secs));
            if !flag.load(std::sync::atomic::Ordering::SeqCst) {
                let _ = std::process::Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
            }
        });
        Watchdog(done)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}
