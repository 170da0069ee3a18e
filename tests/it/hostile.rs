//! Hostile input: nothing panics, every message is clear, the exit code is
//! the documented one, and the accounting still adds up.

use crate::util::*;
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::{Path, PathBuf};

struct Case {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn file(name: &str, bytes: &[u8]) -> Case {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    Case { _dir: dir, path }
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Runs analyze; asserts no panic, a documented exit code, and balanced
/// accounting; returns the JSON, the exit code and stderr.
fn analyze(path: &Path) -> (serde_json::Value, i32, String) {
    let out = kp()
        .args(["analyze", "--format", "json"])
        .arg(path)
        .output()
        .unwrap();
    let code = out.status.code().expect("exited, not killed");
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("panicked"), "{err}");
    assert!([0, 1, 2, 3].contains(&code), "{code}: {err}");
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    if !doc.is_null() {
        let i = &doc["input"];
        let n = |k: &str| i[k].as_u64().unwrap();
        assert_eq!(
            n("lines"),
            n("records") + n("continuations") + n("unparsed") + n("skipped"),
            "{i}"
        );
    }
    (doc, code, err)
}

fn incident() -> String {
    std::fs::read_to_string(root().join("fixtures/incident/kubectl-ts.log")).unwrap()
}

#[test]
fn binary_garbage_invalid_utf8_and_nul_bytes() {
    let mut bytes: Vec<u8> = (0..=255u8).cycle().take(64 * 1024).collect();
    bytes.extend_from_slice(b"\n\xff\xfe\x00 Rotation attempt failed for cluster c23h5icd0sr2mu96rcig \xc3\x28 etcdserver: no leader\n");
    let case = file("garbage.bin", &bytes);
    let (doc, code, _) = analyze(&case.path);
    assert_eq!(code, 1, "the one readable failure still counts");
    assert_eq!(doc["clusters"][0]["root_cause"], "etcd");
}

#[test]
fn a_fifty_megabyte_line_is_cut_counted_and_its_head_still_classified() {
    let mut line =
        b"2026-11-20T03:00:00.000000000Z Rotation attempt failed for cluster bm64u3ed02o93vv36hb0 "
            .to_vec();
    line.resize(50 * 1024 * 1024, b'a');
    line.extend_from_slice(b"\nRotation attempt failed for cluster c23h5icd0sr2mu96rcig\n");
    let case = file("long.log", &line);
    let (doc, _, _) = analyze(&case.path);
    assert_eq!(doc["input"]["lines"], 2);
    assert_eq!(
        doc["input"]["truncated_lines"], 1,
        "cut at the cap, counted"
    );
    let mut ids: Vec<&str> = doc["clusters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["cluster_id"].as_str().unwrap())
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        ["bm64u3ed02o93vv36hb0", "c23h5icd0sr2mu96rcig"],
        "the cut line's head is classified, and the next line is whole"
    );
}

#[test]
fn crlf_and_whitespace_only_lines() {
    let crlf = incident().replace('\n', "\r\n\t  \r\n");
    let case = file("crlf.log", crlf.as_bytes());
    let (doc, _, _) = analyze(&case.path);
    assert_eq!(
        essence(&doc),
        essence(&json(&["fixtures/incident/kubectl-ts.log"]).0)
    );
    assert_eq!(doc["input"]["skipped_detail"]["blank"], 39);
}

#[test]
fn truncated_corrupt_and_bomb_gzip() {
    let full = gz(incident().as_bytes());
    let truncated = file("t.log", &full[..full.len() / 2]);
    let (doc, code, err) = analyze(&truncated.path);
    assert_eq!(code, 2);
    assert!(
        err.contains("gzip stream is corrupt or truncated after"),
        "{err}"
    );
    assert!(doc["input"]["files"][0]["error"]
        .as_str()
        .unwrap()
        .contains("truncated"));
    assert!(
        doc["input"]["lines"].as_u64().unwrap() > 0,
        "what was read is kept"
    );

    let corrupt = file("c.log", b"\x1f\x8b\x08\x00garbage that is not deflate");
    let (_, code, err) = analyze(&corrupt.path);
    assert_eq!(code, 2);
    assert!(err.contains("c.log") && err.contains("gzip"), "{err}");

    // 256 MiB of zeros and no newline, in a quarter of a megabyte: the line
    // is cut at the cap and the rest streamed through, never held.
    let mut e = GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(&vec![0u8; 256 << 20]).unwrap();
    let bomb = file("bomb.gz", &e.finish().unwrap());
    assert!(std::fs::metadata(&bomb.path).unwrap().len() < 1 << 20);
    let (doc, code, _) = analyze(&bomb.path);
    // Zeros hold no rotation activity: no evidence, not a green light.
    assert_eq!(code, 3);
    assert_eq!(
        (
            doc["input"]["lines"].as_u64(),
            doc["input"]["truncated_lines"].as_u64()
        ),
        (Some(1), Some(1))
    );
}

#[test]
fn json_nested_a_hundred_thousand_deep_and_duplicate_keys() {
    // An error naming a cluster is a candidate, so it really meets the JSON parser.
    let deep = format!(
        "{{\"msg\":\"error\",\"cluster\":\"c1\",\"x\":{}{}}}\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let dup = "{\"level\":\"error\",\"ts\":1795143604.0,\"msg\":\"noise\",\"msg\":\"Rotation attempt failed\",\"clusterID\":\"c23h5icd0sr2mu96rcig\"}\n";
    let case = file("deep.log", format!("{deep}{dup}").as_bytes());
    let (doc, _, _) = analyze(&case.path);
    assert_eq!(
        doc["input"]["unparsed"], 1,
        "too deep to be a record, kept as text"
    );
    assert_eq!(
        doc["clusters"][0]["failures"]["attempt_failed"], 1,
        "the last duplicate key wins"
    );
}

#[test]
fn timestamps_out_of_range_and_going_backwards() {
    let weird = "{\"level\":\"error\",\"ts\":1e300,\"msg\":\"Rotation attempt failed\",\"clusterID\":\"c23h5icd0sr2mu96rcig\"}\n\
                 {\"level\":\"error\",\"ts\":\"99999-01-01T00:00:00Z\",\"msg\":\"x\"}\n\
                 2026-13-45T99:99:99.000000000Z Rotation attempt failed for cluster bm64u3ed02o93vv36hb0\n";
    let case = file("weird.log", weird.as_bytes());
    let (doc, _, _) = analyze(&case.path);
    assert_eq!(
        doc["clusters"].as_array().unwrap().len(),
        2,
        "lines without a usable time still count"
    );

    let reversed: String = incident().lines().rev().map(|l| format!("{l}\n")).collect();
    let case = file("backwards.log", reversed.as_bytes());
    let (doc, _, _) = analyze(&case.path);
    assert_eq!(
        statuses(&doc),
        statuses(&json(&["fixtures/incident/kubectl-ts.log"]).0)
    );
}

#[test]
fn missing_directory_and_unreadable_inputs() {
    let (_, code, err) = analyze(Path::new("no/such.log"));
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read no/such.log: No such file"),
        "{err}"
    );
    let (_, code, err) = analyze(&root().join("fixtures"));
    assert_eq!(code, 2);
    assert!(err.contains("is a directory"), "{err}");
    // Root can read any mode, but no one can read /proc/self/mem at offset 0.
    if Path::new("/proc/self/mem").exists() {
        let (_, code, err) = analyze(Path::new("/proc/self/mem"));
        assert_eq!(code, 2);
        assert!(err.contains("/proc/self/mem"), "{err}");
    }
}

#[test]
fn several_formats_mixed_in_one_file() {
    let sources = [
        "zap-json.log",
        "zap-json-iso.log",
        "logrus-json.log",
        "kubectl-ts.log",
        "kubectl-prefix.log",
        "kubectl-prefix-ts.log",
    ];
    let texts: Vec<Vec<String>> = sources
        .iter()
        .map(|f| {
            std::fs::read_to_string(root().join("fixtures/incident").join(f))
                .unwrap()
                .lines()
                .map(String::from)
                .collect()
        })
        .collect();
    assert!(
        texts.iter().all(|t| t.len() == texts[0].len()),
        "one line per event in each"
    );
    let mixed: String = (0..texts[0].len())
        .map(|i| format!("{}\n", texts[i % texts.len()][i]))
        .collect();
    let case = file("mixed.log", mixed.as_bytes());
    let (doc, _, _) = analyze(&case.path);
    assert_eq!(
        essence(&doc),
        essence(&json(&["fixtures/incident/kubectl-ts.log"]).0)
    );
}

#[test]
fn empty_input() {
    let case = file("empty.log", b"");
    let (doc, code, _) = analyze(&case.path);
    // Empty input is no evidence, never a green light.
    assert_eq!((code, doc["input"]["lines"].as_u64()), (3, Some(0)));
    assert_eq!(doc["pod_restart"]["verdict"], "no_evidence");
    let out = kp().args(["analyze"]).write_stdin("").output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stdout).contains("NO EVIDENCE"));
}

#[test]
fn terminal_escapes_in_log_lines_cannot_reach_the_terminal() {
    let hostile = "2026-11-20T03:00:04.000000000Z Rotation attempt failed for cluster c23h5icd0sr2mu96rcig: \u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m\r\u{8}\u{202e}evil\u{1b}[H done\n";
    let case = file("esc.log", hostile.as_bytes());
    for format in ["table", "markdown"] {
        let out = kp()
            .args(["analyze", "--format", format])
            .arg(&case.path)
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        for bad in ['\u{1b}', '\u{7}', '\u{9b}', '\r', '\u{8}', '\u{202e}'] {
            assert!(!text.contains(bad), "{format} lets {bad:?} through");
        }
        assert!(
            text.contains("done"),
            "{format} keeps the text around the escapes"
        );
    }
    let (doc, _, _) = analyze(&case.path);
    // ANSI sequences are removed on input (stern colours its output); the
    // rest of the text stays exact in JSON, control characters escaped.
    let msg = doc["clusters"][0]["evidence"][0]["message"]
        .as_str()
        .unwrap();
    assert!(
        msg.contains('\u{202e}') && msg.ends_with("evil done"),
        "{msg:?}"
    );
}

#[test]
fn megabyte_lines_of_one_repeated_secret_prefix_are_triaged() {
    // Each of these used to make redaction restart per field or per match:
    // one such line stalled the whole triage for minutes. The redactor's
    // counted work is held to linear in src/redact/linear.rs; here the
    // binary must get through every line and report each cluster.
    let prefixes = [
        "token=",
        "apikey=",
        "password:",
        "Bearer ",
        "\"x-api-key\":",
        "--token ",
    ];
    let mut text = String::new();
    for (n, p) in prefixes.iter().enumerate() {
        text.push_str(&format!(
            "2026-11-20T03:00:04.000000000Z Rotation attempt failed for cluster ch{n:018}: "
        ));
        text.push_str(&p.repeat(1_000_000 / p.len()));
        text.push('\n');
    }
    let case = file("hostile-secrets.log", text.as_bytes());
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_kp-triage"))
        .args(["analyze", "--format", "json"])
        .arg(&case.path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // A hang guard, not a time limit: it only turns a stall into a failure.
    let _guard = Watchdog::new(child.id(), 600);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["clusters"].as_array().unwrap().len(), prefixes.len());
}
