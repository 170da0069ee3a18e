//! The command line: errors, exit codes, focus, windows, pipes and packs.

use crate::util::*;
use predicates::str::contains;

#[test]
fn a_missing_file_is_a_clear_error_with_exit_two() {
    kp().args(["analyze", "no/such/file.log"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(contains("cannot read no/such/file.log"));
    kp().args(["analyze", "fixtures"])
        .assert()
        .code(2)
        .stderr(contains("fixtures is a directory"));
}

#[test]
fn usage_errors_exit_two() {
    kp().args(["analyze", "--format", "yaml"]).assert().code(2);
    kp().args([
        "analyze",
        "--since",
        "soon",
        "fixtures/incident/zap-json.log",
    ])
    .assert()
    .code(2)
    .stderr(contains("--since"));
    kp().args(["analyze", "--crn", "crn:v1:nope"])
        .assert()
        .code(2)
        .stderr(contains("--crn"));
    kp().arg("frobnicate").assert().code(2);
}

#[test]
fn focus_narrows_the_report_but_the_verdict_weighs_everything() {
    let (doc, code) = json(&[
        "--cluster",
        "bm64u3ed02o93vv36hb0",
        "fixtures/incident/kubectl-ts.log",
    ]);
    assert_eq!(statuses(&doc).len(), 1);
    assert_eq!(doc["summary"]["clusters_in_input"], 4);
    assert_eq!(verdict(&doc), "recommended");
    assert_eq!(
        code, 1,
        "the status is the verdict's, though the focused cluster rotated"
    );
    let crn = "crn:v1:bluemix:public:containers-kubernetes:us-south:a/c5c0dba4d5406e21164fb825760a7292:c23h5icd0sr2mu96rcig::";
    let (doc, code) = json(&["--crn", crn, "fixtures/incident/kubectl-ts.log"]);
    assert_eq!(statuses(&doc)[0].0, "c23h5icd0sr2mu96rcig");
    assert_eq!((statuses(&doc).len(), code), (1, 1));
}

#[test]
fn a_rotated_cluster_shows_counts_and_its_evidence_only_when_asked() {
    let rotated = |doc: &serde_json::Value| {
        let c = doc["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["cluster_id"] == "bm64u3ed02o93vv36hb0")
            .unwrap()
            .clone();
        assert_eq!(c["status"], "rotated");
        // The counts are there either way.
        assert_eq!(
            (&c["failed_attempts"], &c["evidence_total"]),
            (&1.into(), &2.into())
        );
        assert_eq!(c["failures"]["kube_client"], 1);
        c["evidence"].as_array().unwrap().len()
    };
    let file = "fixtures/incident/kubectl-ts.log";
    assert_eq!(rotated(&json(&[file]).0), 0);
    assert_eq!(rotated(&json(&["--evidence", "5", file]).0), 2);
    // Asked for through the environment, as the config layer allows.
    let out = kp()
        .env("KP_TRIAGE_EVIDENCE", "3")
        .args(["analyze", "-o", "json", file])
        .output()
        .unwrap();
    assert_eq!(rotated(&serde_json::from_slice(&out.stdout).unwrap()), 2);
    // A failing cluster's evidence does not depend on it.
    let (doc, _) = json(&[file]);
    let failing = &doc["clusters"][0];
    assert_eq!(failing["status"], "exhausted");
    assert_eq!(failing["evidence"].as_array().unwrap().len(), 5);
}

#[test]
fn since_counts_back_from_the_latest_record() {
    // The incident ends 03:01:05; the last 30s hold C1's third attempt, its
    // summary and C4's new start, but nothing of C2 (last seen 03:00:33) or C3.
    let (doc, _) = json(&["--since", "30s", "fixtures/incident/kubectl-ts.log"]);
    let ids: Vec<String> = statuses(&doc).into_iter().map(|r| r.0).collect();
    assert_eq!(ids, ["c23h5icd0sr2mu96rcig", "ck0l2hsd0k8qe1r4bq3g"]);
    assert_eq!(doc["clusters"][0]["attempts"], 1);
    assert!(doc["window"]["events_outside"].as_u64().unwrap() > 0);
    let (doc, _) = json(&[
        "--from",
        "2026-11-20T03:00:30Z",
        "--to",
        "2026-11-20T03:00:40Z",
        "fixtures/incident/kubectl-ts.log",
    ]);
    let ids: Vec<String> = statuses(&doc).into_iter().map(|r| r.0).collect();
    assert_eq!(ids, ["c23h5icd0sr2mu96rcig", "bm64u3ed02o93vv36hb0"]);
}

mod pipes {
    use super::*;
    use std::io::Read;
    use std::process::{Child, Command, Stdio};

    /// The incident 200 times over (2 MB): its JSON with every evidence line
    /// is far more than a pipe holds, and its verdict is still "failures".
    fn big_incident() -> (tempfile::TempDir, std::path::PathBuf) {
        let one = std::fs::read(root().join("fixtures/incident/kubectl-ts.log")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.log");
        std::fs::write(&path, one.repeat(200)).unwrap();
        (dir, path)
    }

    fn spawn(big: &std::path::Path) -> Child {
        Command::new(assert_cmd::cargo::cargo_bin("kp-triage"))
            .args(["analyze", "-o", "json", "--evidence", "100000"])
            .arg(big)
            .env_clear()
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    fn finish(mut child: Child) -> (Option<i32>, String) {
        let status = child.wait().unwrap();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        (status.code(), err)
    }

    #[test]
    fn the_exit_status_is_the_verdicts_with_the_pipe_closed_before_any_output() {
        let (_d, big) = big_incident();
        let (_, code) = json(&[big.to_str().unwrap()]);
        assert_eq!(code, 1, "the big input has failures");
        let mut child = spawn(&big);
        drop(child.stdout.take());
        let (code, err) = finish(child);
        assert_eq!(code, Some(1), "{err}");
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{err}"
        );
    }

    #[test]
    fn the_exit_status_is_the_verdicts_when_the_reader_stops_early() {
        // What `| head -c 100` does: read a little, then close.
        let (_d, big) = big_incident();
        let mut child = spawn(&big);
        let mut first = [0u8; 100];
        child
            .stdout
            .as_mut()
            .unwrap()
            .read_exact(&mut first)
            .unwrap();
        drop(child.stdout.take());
        let (code, err) = finish(child);
        assert_eq!(code, Some(1), "{err}");
        assert!(err.is_empty(), "{err}");
    }
}

mod packs {
    use super::*;
    use std::path::PathBuf;

    fn pack(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("mine.toml");
        std::fs::write(&p, text).unwrap();
        (dir, p)
    }

    fn fails_with(text: &str, wants: &[&str]) {
        let (_d, p) = pack(text);
        let out = kp()
            .args(["analyze", "--patterns"])
            .arg(&p)
            .arg("fixtures/incident/zap-json.log")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("mine.toml"), "names the file: {err}");
        for w in wants {
            assert!(err.contains(w), "{w:?} in: {err}");
        }
    }

    pub(super) const RULE: &str = r#"
schema_version = 1
[[category]]
id = "kms_busy"
kind = "cause"
title = "Cluster busy with another KMS action"
action = "Wait for the prior KMS action (often a failed kms_update master operation) to finish."
[[rule]]
id = "kms_busy.phrase"
category = "kms_busy"
keywords = ["busy"]
regex = ['cluster is busy with another KMS action']
samples = ["error completing request, the cluster is busy with another KMS action"]
"#;

    #[test]
    fn a_user_pack_adds_a_category_without_recompiling() {
        let (_d, p) = pack(RULE);
        let (doc, _) = json(&[
            "--patterns",
            p.to_str().unwrap(),
            "fixtures/incident/kubectl-ts.log",
        ]);
        let c4 = doc["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["cluster_id"] == "ck0l2hsd0k8qe1r4bq3g")
            .unwrap();
        assert_eq!(c4["root_cause"], "kms_busy");
        assert!(c4["actions"][0]
            .as_str()
            .unwrap()
            .starts_with("Wait for the prior KMS action"));
        kp().args(["patterns", "check"])
            .arg(&p)
            .assert()
            .success()
            .stdout(contains("ok (7 categories"));
    }

    #[test]
    fn malformed_packs_name_the_file_the_entry_and_the_problem() {
        fails_with(
            &RULE.replace("'cluster is busy", "'(cluster is busy"),
            &["rule `kms_busy.phrase`", "invalid regex"],
        );
        fails_with(
            &RULE.replace(
                "keywords = [\"busy\"]",
                "keywords = [\"busy\"]\ncolour = \"red\"",
            ),
            &["unknown field `colour`"],
        );
        fails_with(&RULE.replace("action = \"Wait for the prior KMS action (often a failed kms_update master operation) to finish.\"\n", ""), &["missing field `action`"]);
        let twice = RULE.replace(
            "[[rule]]",
            &format!(
                "{}[[rule]]",
                &RULE[RULE.find("[[category]]").unwrap()..RULE.find("[[rule]]").unwrap()]
            ),
        );
        fails_with(&twice, &["category #2 `kms_busy`", "duplicate category id"]);
        fails_with(
            &RULE.replace(
                "samples = [\"error completing",
                "samples = [\"nothing like it\", \"error completing",
            ),
            &[
                "rule `kms_busy.phrase`",
                "sample does not match its own rule",
                "nothing like it",
            ],
        );
        fails_with(
            &RULE.replace("category = \"kms_busy\"", "category = \"nope\""),
            &["unknown category `nope`"],
        );
    }

    #[test]
    fn a_user_pack_overrides_the_default_by_id_and_a_copy_of_it_changes_nothing() {
        let default = kp().args(["patterns", "default"]).output().unwrap().stdout;
        let (_d, copy) = pack(std::str::from_utf8(&default).unwrap());
        kp().args(["patterns", "check"])
            .arg(&copy)
            .assert()
            .success()
            .stdout(contains("ok (6 categories"));
        let f = "fixtures/incident/kubectl-ts.log";
        let (plain, _) = json(&[f]);
        let (copied, code) = json(&["--patterns", copy.to_str().unwrap(), f]);
        assert_eq!(code, 1);
        assert_eq!(essence(&copied), essence(&plain));
        // The same id in a user pack replaces the default's entry.
        let edited = r#"
schema_version = 1
[[category]]
id = "wdek_secret"
kind = "cause"
title = "The WDEK secret, retitled"
action = "Do the edited thing."
"#;
        let (_e, p) = pack(edited);
        let (doc, _) = json(&["--patterns", p.to_str().unwrap(), f]);
        let c1 = doc["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["cluster_id"] == "c23h5icd0sr2mu96rcig")
            .unwrap();
        assert_eq!(c1["root_cause"], "wdek_secret");
        assert_eq!(c1["actions"][0], "Do the edited thing.");
        kp().args(["patterns", "list", "--patterns"])
            .arg(&p)
            .assert()
            .success()
            .stdout(contains("wdek_secret (Cause): The WDEK secret, retitled"));
    }

    #[test]
    fn replacing_the_default_pack_needs_a_complete_one() {
        let (_d, p) = pack(RULE);
        let out = kp()
            .args(["analyze", "--no-default-patterns", "--patterns"])
            .arg(&p)
            .arg("fixtures/incident/zap-json.log")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr)
            .contains("needs exactly one category of kind `attempt_failed`"));
    }

    #[test]
    fn the_default_pack_round_trips_through_check() {
        let out = kp().args(["patterns", "default"]).output().unwrap();
        let (_d, p) = pack(&String::from_utf8(out.stdout).unwrap());
        kp().args(["patterns", "check", "--standalone"])
            .arg(&p)
            .assert()
            .success()
            .stdout(contains("ok (6 categories"));
        kp().args(["patterns", "list"])
            .assert()
            .success()
            .stdout(contains("wdek_secret.phrase"));
    }
}

/// A test that needs a tool or data from outside the repository skips with a
/// note when it is absent, so a lone clone passes `cargo test`. Under CI (the
/// `CI` variable set) the machine has them, so absence is a failure.
pub fn skip_when_absent(what: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "{what} is absent, and CI must run this test"
    );
    // Straight to the process's stderr: the harness would hide eprintln!.
    use std::io::Write;
    let note = format!("note: skipped, {what} is absent\n");
    let _ = std::io::stderr().write_all(note.as_bytes());
}

/// A program on PATH.
pub fn tool(name: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

const INCIDENT: &str = "fixtures/incident/kubectl-ts.log";

fn incident_text() -> Vec<u8> {
    std::fs::read(root().join(INCIDENT)).unwrap()
}

mod conventions {
    use super::*;

    #[test]
    fn dash_o_chooses_the_format_and_format_is_its_alias() {
        let short = kp()
            .args(["analyze", "-o", "json", INCIDENT])
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&short.stdout).unwrap();
        assert_eq!(verdict(&doc), "recommended");
        assert_eq!(short.status.code(), Some(1));
        let long = kp()
            .args(["analyze", "--output=json", INCIDENT])
            .output()
            .unwrap();
        let alias = kp()
            .args(["analyze", "--format", "json", INCIDENT])
            .output()
            .unwrap();
        assert_eq!(all_output(&short), all_output(&long));
        assert_eq!(all_output(&short), all_output(&alias));
        kp().args(["analyze", "-o", "markdown", INCIDENT])
            .assert()
            .code(1)
            .stdout(contains("**Pod restart: RECOMMENDED**"));
    }

    #[test]
    fn dash_f_is_follow_as_in_kubectl_and_tail() {
        // A busy machine may read stdin in more than one batch, and then
        // shows the cluster retrying on its way to exhausted.
        kp().args(["analyze", "-f"])
            .write_stdin(incident_text())
            .assert()
            .code(1)
            // Not a terminal: the changes on stderr, the report alone on stdout.
            .stderr(
                predicates::str::is_match(
                    r"cluster c23h5icd0sr2mu96rcig: (new|retrying) -> exhausted \(cause: wdek_secret\)",
                )
                .unwrap(),
            )
            .stdout(predicates::str::starts_with("POD RESTART: RECOMMENDED"));
    }

    #[test]
    fn piped_stdin_with_no_command_runs_analyze() {
        let analyze = kp()
            .arg("analyze")
            .write_stdin(incident_text())
            .output()
            .unwrap();
        let bare = kp().write_stdin(incident_text()).output().unwrap();
        assert_eq!(bare.status.code(), Some(1), "{}", all_output(&bare));
        assert_eq!(all_output(&bare), all_output(&analyze));
        // Global options still apply; analyze's defaults come from the environment.
        let json = kp()
            .args(["--color", "never"])
            .env("KP_TRIAGE_OUTPUT", "json")
            .write_stdin(incident_text())
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
        assert_eq!(verdict(&doc), "recommended");
        let painted = kp()
            .args(["--color", "always"])
            .write_stdin(incident_text())
            .output()
            .unwrap();
        assert!(String::from_utf8_lossy(&painted.stdout).contains('\x1b'));
    }

    #[test]
    fn analyse_is_analyze() {
        let analyze = kp().args(["analyze", INCIDENT]).output().unwrap();
        let analyse = kp().args(["analyse", INCIDENT]).output().unwrap();
        assert_eq!(analyse.status.code(), Some(1));
        assert_eq!(all_output(&analyse), all_output(&analyze));
    }

    #[test]
    fn help_shows_examples_exit_statuses_and_the_environment() {
        for args in [&["--help"][..], &["-h"], &["analyze", "--help"]] {
            let out = kp().args(args).output().unwrap();
            let text = String::from_utf8(out.stdout).unwrap();
            for want in ["Examples:", "Exit status:", "  3  ", "KP_TRIAGE_PATTERNS"] {
                assert!(text.contains(want), "{args:?} lacks {want:?}:\n{text}");
            }
        }
    }

    #[test]
    fn bash_accepts_the_bash_completions() {
        let out = kp().args(["completions", "bash"]).output().unwrap();
        assert!(out.status.success());
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("analyze") && script.contains("--output"));
        let Some(bash) = tool("bash") else {
            return skip_when_absent("bash");
        };
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("kp-triage.bash");
        std::fs::write(&file, &script).unwrap();
        let check = std::process::Command::new(bash)
            .arg("-n")
            .arg(&file)
            .output()
            .unwrap();
        assert!(check.status.success(), "{}", all_output(&check));
    }

    #[test]
    fn every_shell_gets_completions() {
        for shell in ["zsh", "fish", "powershell", "elvish"] {
            let out = kp().args(["completions", shell]).output().unwrap();
            assert!(out.status.success(), "{shell}");
            let script = String::from_utf8(out.stdout).unwrap();
            assert!(
                script.contains("kp-triage") && script.contains("output"),
                "{shell}"
            );
        }
        kp().args(["completions", "tcsh"]).assert().code(2);
    }

    #[test]
    fn man_accepts_the_man_pages() {
        for page in [&[][..], &["analyze"], &["fetch", "logdna"]] {
            let out = kp().arg("man").args(page).output().unwrap();
            assert!(out.status.success(), "{page:?}: {}", all_output(&out));
            let roff = String::from_utf8(out.stdout).unwrap();
            assert!(roff.starts_with(".ie") || roff.contains(".TH"), "{page:?}");
            assert!(roff.contains("EXIT STATUS"), "{page:?}");
            let Some(man) = tool("man") else {
                return skip_when_absent("man (man-db)");
            };
            let mut shown = std::process::Command::new(man)
                .args(["-l", "-"])
                .env_clear()
                .env("PATH", std::env::var_os("PATH").unwrap())
                .env("MANPAGER", "cat")
                .env("MANWIDTH", "80")
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            shown
                .stdin
                .take()
                .unwrap()
                .write_all(roff.as_bytes())
                .unwrap();
            let shown = shown.wait_with_output().unwrap();
            let text = String::from_utf8_lossy(&shown.stdout);
            assert!(shown.status.success(), "{page:?}: {}", all_output(&shown));
            assert!(shown.stderr.is_empty(), "{page:?}: {}", all_output(&shown));
            assert!(
                text.contains("SYNOPSIS") && text.contains("ENVIRONMENT"),
                "{text}"
            );
        }
        kp().args(["man", "nope"])
            .assert()
            .code(2)
            .stderr(contains("nope"));
    }

    #[test]
    fn runs_as_a_kubectl_plugin() {
        let Some(kubectl) = tool("kubectl") else {
            return skip_when_absent("kubectl");
        };
        let dir = tempfile::tempdir().unwrap();
        let plugin = dir.path().join("kubectl-kp_triage");
        std::fs::copy(assert_cmd::cargo::cargo_bin("kp-triage"), &plugin).unwrap();
        let path = std::env::join_paths([dir.path(), kubectl.parent().unwrap()]).unwrap();
        let run = |args: &[&str]| {
            std::process::Command::new(&kubectl)
                .arg("kp-triage")
                .args(args)
                .env_clear()
                .env("PATH", &path)
                .env("HOME", dir.path())
                .current_dir(root())
                .output()
                .unwrap()
        };
        let help = run(&["--help"]);
        let text = String::from_utf8_lossy(&help.stdout);
        assert!(help.status.success(), "{}", all_output(&help));
        assert!(
            text.contains("Usage: kubectl kp-triage [OPTIONS] [COMMAND]"),
            "{text}"
        );
        assert!(
            text.contains("| kubectl kp-triage\n"),
            "examples use the plugin name: {text}"
        );
        let analyze = run(&["analyze", "--help"]);
        let text = String::from_utf8_lossy(&analyze.stdout);
        assert!(
            text.contains("Usage: kubectl kp-triage analyze [OPTIONS]"),
            "{text}"
        );
        // kubectl passes the verdict's status through.
        let triage = run(&["analyze", INCIDENT]);
        assert_eq!(triage.status.code(), Some(1), "{}", all_output(&triage));
        assert!(String::from_utf8_lossy(&triage.stdout).contains("POD RESTART: RECOMMENDED"));
    }
}

mod colour {
    use super::*;

    const ESC: &str = "\x1b[";

    fn table(args: &[&str], env: &[(&str, &str)]) -> String {
        let mut c = kp();
        c.arg("analyze").args(args).arg(INCIDENT);
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
        String::from_utf8(out.stdout).unwrap()
    }

    #[test]
    fn always_colours_the_verdict_and_statuses_and_nothing_else() {
        let plain = table(&[], &[]);
        assert!(!plain.contains(ESC), "no colour into a pipe");
        let coloured = table(&["--color", "always"], &[]);
        assert!(
            coloured.contains("\x1b[1m\x1b[33mRECOMMENDED\x1b[0m"),
            "{coloured}"
        );
        assert!(
            coloured.contains("\x1b[1m\x1b[31mexhausted\x1b[0m"),
            "{coloured}"
        );
        let stripped = String::from_utf8(strip_ansi_escapes::strip(&coloured)).unwrap();
        assert_eq!(stripped, plain, "colour changes no character or column");
        assert!(!table(&["--color", "never"], &[]).contains(ESC));
    }

    #[test]
    fn the_environment_decides_auto() {
        assert!(table(&[], &[("CLICOLOR_FORCE", "1")]).contains(ESC));
        assert!(!table(&[], &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains(ESC));
        assert!(table(&["--color", "always"], &[("NO_COLOR", "1")]).contains(ESC));
        assert!(table(&[], &[("KP_TRIAGE_COLOR", "always")]).contains(ESC));
        let never = [("KP_TRIAGE_COLOR", "never"), ("CLICOLOR_FORCE", "1")];
        assert!(!table(&[], &never).contains(ESC));
    }

    #[test]
    fn json_and_markdown_never_carry_colour() {
        for format in ["json", "markdown"] {
            assert!(!table(&["--color", "always", "-o", format], &[]).contains(ESC));
        }
    }

    /// On a real terminal (a pty from `script`), auto colours unless NO_COLOR;
    /// and with stdin a terminal, no command prints the help.
    #[test]
    fn auto_colours_a_terminal() {
        let Some(script) = tool("script") else {
            return skip_when_absent("script (util-linux)");
        };
        let bin = assert_cmd::cargo::cargo_bin("kp-triage");
        let on_a_tty = |cmd: String, env: &[(&str, &str)]| {
            let mut c = std::process::Command::new(&script);
            c.args(["-qec", &cmd, "/dev/null"])
                .env_clear()
                .env("TERM", "xterm")
                .current_dir(root());
            for (k, v) in env {
                c.env(k, v);
            }
            let out = c.output().unwrap();
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stdout).into_owned(),
            )
        };
        let run = format!("{} analyze {INCIDENT}", bin.display());
        let (code, text) = on_a_tty(run.clone(), &[]);
        assert_eq!(code, Some(1), "{text}");
        assert!(text.contains("\x1b[1m\x1b[33mRECOMMENDED"), "{text}");
        let (_, text) = on_a_tty(run, &[("NO_COLOR", "1")]);
        assert!(text.contains("POD RESTART: RECOMMENDED"), "{text}");
        assert!(!text.contains(ESC), "{text}");
        let (code, text) = on_a_tty(bin.display().to_string(), &[]);
        assert_eq!(code, Some(2), "{text}");
        assert!(text.contains("Usage: kp-triage"), "{text}");
    }
}

mod defaults {
    use super::*;

    fn config(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, text).unwrap();
        (dir, p)
    }

    fn run(args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> std::process::Output {
        let mut c = kp();
        c.args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    }

    #[test]
    fn options_beat_the_environment_which_beats_the_config_file() {
        let (_d, file) = config("output = \"markdown\"\n");
        let file = file.as_os_str();
        let out = run(&["analyze", INCIDENT], &[("KP_TRIAGE_CONFIG", file)]);
        assert!(
            String::from_utf8_lossy(&out.stdout).starts_with("## "),
            "markdown"
        );
        let env = [
            ("KP_TRIAGE_CONFIG", file),
            ("KP_TRIAGE_OUTPUT", "json".as_ref()),
        ];
        let out = run(&["analyze", INCIDENT], &env);
        assert!(out.stdout.starts_with(b"{"), "json");
        let out = run(&["analyze", "-o", "table", INCIDENT], &env);
        assert!(out.stdout.starts_with(b"POD RESTART"), "table");
    }

    /// `KP_TRIAGE_OUTPUT= kp-triage ...` unsets a default for one run, and an
    /// empty entry of the PATH-like pack list is no pack.
    #[test]
    fn an_empty_variable_counts_as_unset() {
        let (_d, file) = config("output = \"json\"\nevidence = 2\n");
        let env = [
            ("KP_TRIAGE_CONFIG", file.as_os_str()),
            ("KP_TRIAGE_OUTPUT", "".as_ref()),
            ("KP_TRIAGE_EVIDENCE", "".as_ref()),
            ("KP_TRIAGE_PATTERNS", "::".as_ref()),
        ];
        let out = run(&["analyze", INCIDENT], &env);
        assert_eq!(out.status.code(), Some(1), "{}", all_output(&out));
        assert!(out.stdout.starts_with(b"{"), "the file's json");
    }

    /// Colour is an option of the command that colours; the others do not
    /// list it, and its variable does not break them.
    #[test]
    fn colour_belongs_to_analyze() {
        let help = |args: &[&str]| all_output(&run(args, &[]));
        assert!(help(&["analyze", "--help"]).contains("--color <WHEN>"));
        for cmd in [&["fetch", "logdna", "--help"][..], &["patterns", "--help"]] {
            assert!(!help(cmd).contains("--color"), "{cmd:?}");
        }
        let bogus = [("KP_TRIAGE_COLOR", "bogus".as_ref())];
        assert!(run(&["patterns", "keywords"], &bogus).status.success());
        let out = run(&["analyze", INCIDENT], &bogus);
        assert_eq!(out.status.code(), Some(2));
        assert!(all_output(&out).contains("KP_TRIAGE_COLOR: \"bogus\" is not one of auto"));
        // The same value on the command line is the option's error.
        let out = run(&["analyze", "--color", "bogus", INCIDENT], &bogus);
        assert!(
            all_output(&out).contains("'--color <WHEN>'"),
            "{}",
            all_output(&out)
        );
    }

    #[test]
    fn the_config_file_is_found_in_xdg_config_home() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("kp-triage")).unwrap();
        std::fs::write(
            dir.path().join("kp-triage/config.toml"),
            "output = \"json\"",
        )
        .unwrap();
        let out = run(
            &["analyze", INCIDENT],
            &[("XDG_CONFIG_HOME", dir.path().as_os_str())],
        );
        assert!(out.stdout.starts_with(b"{"), "{}", all_output(&out));
    }

    #[test]
    fn pattern_packs_come_from_kp_triage_patterns() {
        let (_d, pack) = config(super::packs::RULE);
        let env = [("KP_TRIAGE_PATTERNS", pack.as_os_str())];
        let out = run(&["analyze", "-o", "json", INCIDENT], &env);
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let c4 = doc["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["cluster_id"] == "ck0l2hsd0k8qe1r4bq3g")
            .unwrap();
        assert_eq!(c4["root_cause"], "kms_busy");
        let listed = run(&["patterns", "list"], &env);
        assert!(String::from_utf8_lossy(&listed.stdout).contains("kms_busy.phrase"));
        // --patterns on the command line replaces them.
        let (_e, empty) = config("schema_version = 1\n");
        let out = kp()
            .args(["analyze", "-o", "json", "--patterns"])
            .arg(&empty)
            .arg(INCIDENT)
            .env("KP_TRIAGE_PATTERNS", &pack)
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert!(!doc.to_string().contains("kms_busy"));
    }

    #[test]
    fn bad_defaults_are_usage_errors_that_name_their_source() {
        let out = run(
            &["analyze", INCIDENT],
            &[("KP_TRIAGE_OUTPUT", "yaml".as_ref())],
        );
        assert_eq!(out.status.code(), Some(2));
        assert!(all_output(&out).contains("KP_TRIAGE_OUTPUT: \"yaml\" is not one of"));
        let (_d, file) = config("outptu = \"json\"\n");
        let out = run(
            &["analyze", INCIDENT],
            &[("KP_TRIAGE_CONFIG", file.as_os_str())],
        );
        assert_eq!(out.status.code(), Some(2));
        let err = all_output(&out);
        assert!(
            err.contains("config.toml") && err.contains("unknown field `outptu`"),
            "{err}"
        );
        // Commands that take no defaults do not read them.
        let out = run(
            &["patterns", "keywords"],
            &[("KP_TRIAGE_OUTPUT", "yaml".as_ref())],
        );
        assert!(out.status.success());
        kp().args(["analyze", "--no-default-patterns", INCIDENT])
            .assert()
            .code(2)
            .stderr(contains("--no-default-patterns"));
    }
}

mod exit_status {
    use super::*;

    /// An unreadable input beats the verdict of the rest: the triage is still
    /// printed in full, but a script must not act on it as if complete.
    #[test]
    fn an_unreadable_input_beats_failures_found_in_the_rest() {
        let out = kp()
            .args(["analyze", INCIDENT, "no/such/new.log"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("INCOMPLETE INPUT"), "{text}");
        assert!(text.contains("POD RESTART: RECOMMENDED"), "{text}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read no/such/new.log"));
    }

    /// The statuses --help lists (from the enum) are the README's.
    #[test]
    fn the_readme_and_the_help_list_the_same_statuses() {
        let out = kp().arg("--help").output().unwrap();
        let help = String::from_utf8(out.stdout).unwrap();
        let block = help.split("Exit status:\n").nth(1).unwrap();
        let in_help: Vec<String> = block
            .lines()
            .map_while(|l| {
                l.strip_prefix("  ")?
                    .split_once("  ")
                    .map(|(c, _)| c.to_string())
            })
            .collect();
        assert_eq!(in_help, ["0", "1", "2", "3"]);
        let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
        let section = readme.split("## Exit status\n").nth(1).unwrap();
        let section = section.split("\n## ").next().unwrap();
        let in_readme: Vec<&str> = section
            .lines()
            .filter_map(|l| l.strip_prefix("| **")?.split_once("** |").map(|(c, _)| c))
            .collect();
        assert_eq!(in_readme, in_help);
    }

    #[test]
    fn nothing_failing_is_zero() {
        kp().args(["analyze", "fixtures/scenarios/all-rotated.log"])
            .assert()
            .code(0);
    }
}

#[test]
fn patterns_explain_shows_how_a_line_is_read() {
    let line = r#"2026-11-20T03:00:04.000000000Z {"level":"error","msg":"key rotation unsuccessful, will retry","cluster":{"id":"bakdqdeurkqkllmblqbo"},"attempt":"2/5","error":"dial tcp: lookup c1.example on 10.0.0.10:53: server misbehaving"}"#;
    let out = kp().args(["patterns", "explain", line]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["format"], "json");
    assert_eq!(e["level"], "error");
    assert_eq!(e["categories"], serde_json::json!(["kube_client"]));
    assert_eq!(e["words"], "failed");
    assert_eq!(e["topic"], true);
    assert_eq!(e["cluster"], "bakdqdeurkqkllmblqbo");
    assert_eq!(e["cluster_source"], "field");
    assert_eq!(
        (e["attempt"].as_u64(), e["budget"].as_u64()),
        (Some(2), Some(5))
    );
    // Lines on stdin, one explanation each.
    let out = kp()
        .args(["patterns", "explain"])
        .write_stdin("Rotated the service API key for cluster c23h5icd0sr2mu96rcig\nhello\n")
        .output()
        .unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["words"], "succeeded");
    assert_eq!(lines[1]["words"], serde_json::Value::Null);
}
