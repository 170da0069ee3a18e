//! What kp-triage says to the engineer at the terminal: errors that keep
//! their lines, hints that name what to type, and output shaped for a
//! person on a terminal and for a program in a pipe.

use crate::cli::{skip_when_absent, tool};
use crate::util::*;

const INCIDENT: &str = "fixtures/incident/kubectl-ts.log";

/// `cmd` run by sh on a pseudo-terminal (stdin, stdout and stderr alike),
/// from the repository root, with `typed` typed at it; what the terminal
/// showed, with its status.
fn on_a_tty(cmd: &str, typed: &[u8]) -> Option<(Option<i32>, String)> {
    use std::io::Write;
    let Some(script) = tool("script") else {
        skip_when_absent("script (util-linux)");
        return None;
    };
    let mut child = std::process::Command::new(script)
        .args(["-qec", &format!("stty rows 24 cols 80; {cmd}"), "/dev/null"])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("TERM", "xterm")
        .current_dir(root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let _watchdog = Watchdog::new(child.id(), 60);
    child.stdin.take().unwrap().write_all(typed).unwrap();
    let out = child.wait_with_output().unwrap();
    // The terminal turns each \n into \r\n.
    let text = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    Some((out.status.code(), text))
}

fn bin() -> String {
    assert_cmd::cargo::cargo_bin("kp-triage")
        .display()
        .to_string()
}

/// A TOML error spans lines: its excerpt and its caret. They stay lines,
/// indented under the first, and what the file held stays neutralised.
#[test]
fn a_config_files_toml_error_keeps_its_lines() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "threads = 2\noutput = \u{1b}]52;c;eA==\u{7}\n").unwrap();
    let out = kp()
        .env("KP_TRIAGE_CONFIG", &config)
        .args(["analyze", INCIDENT])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    let lines: Vec<&str> = err.lines().collect();
    assert!(
        lines[0].starts_with("kp-triage: error: config file ")
            && lines[0].contains("TOML parse error at line 2"),
        "{err}"
    );
    assert!(lines.len() >= 4, "{err}");
    assert!(lines[1..].iter().all(|l| l.starts_with("  ")), "{err}");
    assert!(
        lines.contains(&"  2 | output = ␛]52;c;eA==\u{fffd}"),
        "{err}"
    );
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
}

#[test]
fn a_packs_toml_error_keeps_its_lines() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("mine.toml");
    std::fs::write(&pack, "[[category]]\nid = \"x\"\ntitle = \n").unwrap();
    let out = kp()
        .args(["patterns", "check"])
        .arg(&pack)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("kp-triage: error: pattern pack ")
            && err.contains("TOML parse error at line 3, column 9\n    |\n  3 | title =\n"),
        "{err}"
    );
    assert!(!err.contains('\u{fffd}'), "{err}");
}

#[test]
fn a_bare_number_for_a_window_suggests_minutes() {
    let out = kp()
        .args(["analyze", "--since", "15", INCIDENT])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("\"15\": a span needs a unit: 15m"), "{err}");
    assert!(!err.contains("15sec"), "{err}");
}

/// A window that misses the log says where the log's records lie.
#[test]
fn a_window_that_misses_the_log_gives_the_logs_span() {
    let (doc, code) = json(&[
        "--to",
        "2026-11-20T02:00:00Z",
        "fixtures/incident/zap-json.log",
    ]);
    assert_eq!(code, 3);
    let warning = doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "window_excludes_all")
        .expect("the window warning");
    assert!(
        warning["text"]
            .as_str()
            .unwrap()
            .contains("the log runs from 2026-11-20T03:00:00Z to 2026-11-20T03:01:05Z"),
        "{warning}"
    );
}

#[test]
fn analyze_at_a_terminal_says_it_reads_stdin() {
    // Stdin a terminal: the hint, and one Ctrl-D ends the input, as the
    // hint says (nothing read: no evidence).
    let cmd = format!("{} analyze -o json >/dev/null; echo status=$?", bin());
    let Some((_, text)) = on_a_tty(&cmd, b"\x04") else {
        return;
    };
    assert_eq!(
        text,
        "kp-triage: reading the log from stdin (Ctrl-D ends it; see --help)\nstatus=3\n"
    );
    // A pipe, or a file named: no hint.
    let cmd = format!(
        "cat {INCIDENT} | {b} analyze >/dev/null; {b} analyze {INCIDENT} >/dev/null",
        b = bin()
    );
    let Some((code, text)) = on_a_tty(&cmd, b"") else {
        return;
    };
    assert_eq!((code, text.as_str()), (Some(1), ""));
}

const LINE: &str = "Failed to update WDEK Secret clusterID=c23h5icd0sr2mu96rcig";

#[test]
fn patterns_explain_indents_for_a_terminal_and_keeps_one_line_in_a_pipe() {
    let piped = kp().args(["patterns", "explain", LINE]).output().unwrap();
    let piped = String::from_utf8(piped.stdout).unwrap();
    assert_eq!(piped.lines().count(), 1, "{piped}");
    let one: serde_json::Value = serde_json::from_str(&piped).unwrap();

    let cmd = format!("{} patterns explain '{LINE}'", bin());
    let Some((code, text)) = on_a_tty(&cmd, b"") else {
        return;
    };
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.starts_with("{\n  \"pod\": null,\n") && text.ends_with("\n}\n"),
        "{text}"
    );
    let pretty: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(pretty, one, "the same object");
    assert_eq!(pretty["cluster"], "c23h5icd0sr2mu96rcig");
}
