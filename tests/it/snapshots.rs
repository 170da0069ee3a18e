//! The human-readable outputs and the help text, pinned.

use crate::util::*;

fn stdout(args: &[&str]) -> String {
    let out = kp().args(args).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn table_of_the_incident() {
    insta::assert_snapshot!(stdout(&["analyze", "fixtures/incident/kubectl-ts.log"]));
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
fn table_when_nothing_fails() {
    insta::assert_snapshot!(stdout(&["analyze", "fixtures/scenarios/all-rotated.log"]));
}

#[test]
fn help_texts() {
    insta::assert_snapshot!("help", stdout(&["--help"]));
    insta::assert_snapshot!("analyze_help", stdout(&["analyze", "--help"]));
}
