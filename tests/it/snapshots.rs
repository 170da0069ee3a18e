//! Every output pinned: the table at 80 and 200 columns, with colour and
//! without, the Markdown and the JSON, for each verdict and a large incident.

use crate::util::*;

fn stdout(args: &[&str]) -> String {
    let out = kp().args(args).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// The table at `columns` (COLUMNS, as a shell sets it).
fn table(columns: &str, args: &[&str]) -> String {
    let out = kp()
        .env("COLUMNS", columns)
        .arg("analyze")
        .args(args)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn table_of_the_incident() {
    insta::assert_snapshot!(stdout(&["analyze", "fixtures/incident/kubectl-ts.log"]));
}

#[test]
fn table_of_the_incident_at_80_and_200_columns() {
    let log = "fixtures/incident/kubectl-ts.log";
    insta::assert_snapshot!("incident_80", table("80", &[log]));
    insta::assert_snapshot!("incident_200", table("200", &[log]));
}

#[test]
fn table_in_colour() {
    let log = "fixtures/incident/kubectl-ts.log";
    let out = table("80", &["--color", "always", log]);
    assert!(out.contains("\u{1b}["), "coloured");
    insta::assert_snapshot!("incident_80_colour", out);
    insta::assert_snapshot!(
        "hold_200_colour",
        table(
            "200",
            &["--color", "always", "fixtures/scenarios/etcd-hold.log"]
        )
    );
}

#[test]
fn table_of_each_verdict_at_80_columns() {
    for (name, log) in [
        ("hold_80", "fixtures/scenarios/etcd-hold.log"),
        (
            "hold_unattributed_80",
            "fixtures/scenarios/etcd-unattributed.log",
        ),
        ("wait_80", "fixtures/scenarios/retrying.log"),
        ("no_evidence_80", "fixtures/scenarios/noise-only.log"),
        ("not_needed_80", "fixtures/scenarios/all-rotated.log"),
    ] {
        insta::assert_snapshot!(name, table("80", &[log]));
    }
}

#[test]
fn markdown_of_the_incident() {
    insta::assert_snapshot!(stdout(&[
        "analyze",
        "--format",
        "markdown",
        "fixtures/incident/kubectl-ts.log"
    ]));
}

#[test]
fn table_of_a_hold() {
    insta::assert_snapshot!(stdout(&["analyze", "fixtures/scenarios/etcd-hold.log"]));
}

#[test]
fn markdown_of_a_hold_with_unattributed_etcd() {
    insta::assert_snapshot!(stdout(&[
        "analyze",
        "--format",
        "markdown",
        "fixtures/scenarios/etcd-unattributed.log"
    ]));
}

#[test]
fn markdown_of_a_wait_and_of_no_evidence() {
    for (name, log) in [
        ("markdown_wait", "fixtures/scenarios/retrying.log"),
        ("markdown_no_evidence", "fixtures/scenarios/noise-only.log"),
    ] {
        insta::assert_snapshot!(name, stdout(&["analyze", "-o", "markdown", log]));
    }
}

#[test]
fn json_of_the_incident() {
    let (mut doc, _) = json(&["fixtures/incident/kubectl-ts.log"]);
    doc["tool"]["version"] = "[version]".into();
    insta::assert_snapshot!(serde_json::to_string_pretty(&doc).unwrap());
}

#[test]
fn table_when_nothing_fails() {
    insta::assert_snapshot!(stdout(&["analyze", "fixtures/scenarios/all-rotated.log"]));
}

#[test]
fn table_of_3000_failing_clusters() {
    let dir = tempfile::tempdir().unwrap();
    crate::width::many_failing_clusters(dir.path(), 3000);
    let out = kp()
        .env("COLUMNS", "80")
        .args(["analyze", "many.log"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    insta::assert_snapshot!("many_80", String::from_utf8(out.stdout).unwrap());
}

#[test]
fn help_texts() {
    insta::assert_snapshot!("help", stdout(&["--help"]));
    insta::assert_snapshot!("analyze_help", stdout(&["analyze", "--help"]));
}
