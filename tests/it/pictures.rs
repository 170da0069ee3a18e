//! The summary as a ticket shows it: its size at incident scale, its times,
//! and the records its reasons quote.

use crate::util::*;

fn markdown_of(dir: &std::path::Path, log: &str) -> String {
    let out = kp()
        .args(["analyze", "-o", "markdown", log])
        .current_dir(dir)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// `n` clusters failing at once on a WDEK secret conflict, the first to
/// fail named last in alphabetical order; one attempt each, a second
/// pending. Written to `dir/many.log`.
pub fn failing_log(dir: &std::path::Path, n: usize) {
    let mut s = String::new();
    for i in 0..n {
        let id = format!("c{:019}", n - i);
        s.push_str(&format!(
            "2026-11-20T04:00:01.{i:09}Z I1120 04:00:01.000000       1 rotate.go:98] \"Starting rotation of service iam-api-key\" clusterID=\"{id}\" attempt=\"1\"\n"
        ));
        s.push_str(&format!(
            "2026-11-20T04:00:04.{i:09}Z E1120 04:00:04.000000       1 rotate.go:142] \"Rotation attempt failed\" err=\"failed to update WDEK secret: Operation cannot be fulfilled on secrets \\\"kp-wdek\\\": the object has been modified\" clusterID=\"{id}\" attempt=\"1\"\n"
        ));
    }
    std::fs::write(dir.join("many.log"), s).unwrap();
}

#[test]
fn markdown_of_10000_failing_clusters_fits_a_github_comment() {
    let dir = tempfile::tempdir().unwrap();
    failing_log(dir.path(), 10_000);
    let md = markdown_of(dir.path(), "many.log");
    assert!(md.chars().count() < 60_000, "{} chars", md.chars().count());
    // The worst clusters, the counts of the rest, and where the full list is.
    assert!(md.contains("| `c0000000000000000001` | retrying |"), "{md}");
    assert!(md.contains("by root cause: `wdek_secret` 10000"), "{md}");
    assert!(md.contains("`-o json` and `-o html`"), "{md}");
}

#[test]
fn a_hold_quotes_the_earliest_failure_and_shows_it_in_the_evidence() {
    let dir = tempfile::tempdir().unwrap();
    failing_log(dir.path(), 300);
    let md = markdown_of(dir.path(), "many.log");
    // Line 2 is the first failure in time; the alphabetically first
    // cluster's failure is the last line.
    let flat = md.replace("\n  ", " ");
    let reason = flat.lines().find(|l| l.contains("at or above")).unwrap();
    let quoted = reason
        .split("at or above")
        .nth(1)
        .unwrap()
        .split("(many.log:")
        .nth(1)
        .unwrap();
    assert!(quoted.starts_with("2)"), "{reason}\n{md}");
    let evidence = &md[md.find("### Evidence").unwrap()..];
    assert!(evidence.contains("| many.log:2 |"), "{evidence}");
}

#[test]
fn markdown_times_within_a_day_carry_the_date_once() {
    let md = markdown_of(&root(), "fixtures/incident/kubectl-ts.log");
    assert!(
        md.contains("03:00:00 to 03:01:05 UTC on 2026-11-20"),
        "{md}"
    );
    assert_eq!(
        md.matches("2026-11-20T").count(),
        1,
        "only the freshness line: {md}"
    );
    let prose = md.lines().filter(|l| !l.starts_with('|'));
    for l in prose {
        assert!(l.chars().count() <= 100, "{l}");
    }
}
