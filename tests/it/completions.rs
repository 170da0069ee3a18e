//! `kp-triage completions bash`, sourced in a real bash: the words typed so
//! far go in as bash gives them to a completion function, and COMPREPLY is
//! what a Tab would offer.

use crate::cli::{skip_when_absent, tool};
use crate::util::kp;

/// What bash offers for `line` (the cursor at its end), with the script
/// `kp-triage completions bash` prints loaded.
fn complete(line: &str) -> Option<Vec<String>> {
    let Some(bash) = tool("bash") else {
        skip_when_absent("bash");
        return None;
    };
    let out = kp().args(["completions", "bash"]).output().unwrap();
    assert!(out.status.success());
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("kp-triage.bash");
    std::fs::write(&script, &out.stdout).unwrap();
    // The function is the one the script registers for kp-triage, whatever
    // its name; bash passes it the command, the current and previous words.
    let driver = r#"
source "$1"
fn=$(complete -p kp-triage | sed -E 's/.* -F ([^ ]+) .*/\1/')
read -r -a COMP_WORDS <<< "$2"
[[ "$2" == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
COMP_LINE="$2"
COMP_POINT=${#COMP_LINE}
prev=""
(( COMP_CWORD > 0 )) && prev="${COMP_WORDS[COMP_CWORD-1]}"
"$fn" kp-triage "${COMP_WORDS[COMP_CWORD]}" "$prev"
printf '%s\n' "${COMPREPLY[@]}"
"#;
    let out = std::process::Command::new(bash)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .args(["--norc", "--noprofile", "-c", driver, "driver"])
        .arg(&script)
        .arg(line)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let words = String::from_utf8(out.stdout).unwrap();
    Some(words.lines().map(String::from).collect())
}

#[test]
fn bash_completes_a_subcommands_flag() {
    let Some(words) = complete("kp-triage analyze --evi") else {
        return;
    };
    assert_eq!(words, ["--evidence"]);
}

#[test]
fn bash_completes_after_nested_subcommands_and_aliases() {
    for (line, want) in [
        ("kp-triage fetch logdna --reg", &["--region"][..]),
        ("kp-triage analyse --evi", &["--evidence"]),
        (
            "kp-triage analyze --output ",
            &["table", "json", "markdown", "html"],
        ),
        ("kp-triage ana", &["analyze", "analyse"]),
    ] {
        let Some(words) = complete(line) else {
            return;
        };
        assert_eq!(words, want, "{line:?}");
    }
}
