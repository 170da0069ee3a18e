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
    assert!(evidence.contains("(many.log:2) |"), "{evidence}");
}

#[test]
fn markdown_times_within_a_day_carry_the_date_once() {
    let md = markdown_of(&root(), "fixtures/incident/kubectl-ts.log");
    assert!(
        md.contains("03:00:00 to 03:01:05 UTC on 2026-11-20"),
        "{md}"
    );
    // Outside the code blocks (the Mermaid chart needs full times).
    let prose: String = md.split("```").step_by(2).collect();
    assert_eq!(
        prose.matches("2026-11-20T").count(),
        1,
        "only the freshness line: {md}"
    );
    let prose = md.lines().filter(|l| !l.starts_with('|'));
    for l in prose {
        assert!(l.chars().count() <= 100, "{l}");
    }
}

/// The strip section of the table: from its legend to the blank line.
fn strip_of(table: &str) -> String {
    let from = table.find("Attempts over time").expect("a strip");
    let len = table[from..].find("\n\n").unwrap();
    table[from..from + len + 1].to_string()
}

fn table_with(columns: &str, env: &[(&str, &str)], args: &[&str]) -> String {
    let mut cmd = kp();
    cmd.env("COLUMNS", columns).arg("analyze");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_strip_at_80_and_200_columns_with_and_without_colour() {
    let log = "fixtures/incident/kubectl-ts.log";
    let utf8 = [("LANG", "C.UTF-8")];
    for columns in ["80", "200"] {
        let plain = strip_of(&table_with(columns, &utf8, &[log]));
        let colour = strip_of(&table_with(columns, &utf8, &["--color", "always", log]));
        for line in plain.lines() {
            assert!(line.chars().count() <= columns.parse().unwrap(), "{line}");
        }
        insta::assert_snapshot!(format!("strip_{columns}"), plain);
        insta::assert_snapshot!(format!("strip_{columns}_colour"), colour);
    }
}

#[test]
fn the_strip_is_plain_without_colour_or_without_a_utf8_locale() {
    let log = "fixtures/incident/kubectl-ts.log";
    let c_locale = table_with("80", &[("LANG", "C")], &["--color", "always", log]);
    let strip = strip_of(&c_locale);
    assert!(strip.contains('x') && strip.contains("\u{1b}["), "{strip}");
    assert!(strip.is_ascii(), "{strip}");
    let utf8 = table_with(
        "80",
        &[("LC_ALL", "en_US.UTF-8")],
        &["--color", "always", log],
    );
    assert!(strip_of(&utf8).contains('✗'));
    let no_colour = table_with("80", &[("LANG", "C.UTF-8"), ("NO_COLOR", "1")], &[log]);
    assert!(strip_of(&no_colour).is_ascii());
}

#[test]
fn many_failing_clusters_draw_the_worst_20_and_failures_per_minute() {
    let dir = tempfile::tempdir().unwrap();
    failing_log(dir.path(), 300);
    let out = kp()
        .env("COLUMNS", "100")
        .args(["analyze", "many.log"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let strip = strip_of(&String::from_utf8(out.stdout).unwrap());
    let lanes = strip.lines().filter(|l| l.starts_with("c000")).count();
    assert_eq!(lanes, 20, "{strip}");
    assert!(strip.contains("... and 280 more failing clusters, by root cause: wdek_secret 280"));
    insta::assert_snapshot!("strip_of_300_failing_clusters", strip);
}

#[test]
fn markdown_draws_the_attempts_as_mermaid_and_as_text() {
    let md = markdown_of(&root(), "fixtures/incident/kubectl-ts.log");
    let chart = &md[md.find("```mermaid\ngantt\n").expect("a Gantt chart")..];
    let chart = &chart[..chart[3..].find("```").unwrap()];
    let sections: Vec<&str> = chart
        .lines()
        .filter_map(|l| l.trim().strip_prefix("section "))
        .collect();
    assert_eq!(sections, ["c23h5icd0sr2mu96rcig", "ck0l2hsd0k8qe1r4bq3g"]);
    assert_eq!(chart.matches(":crit,").count(), 4, "{chart}");
    let text = &md[md.find("```text\n").expect("the text fallback")..];
    assert!(text.contains("c23h5icd0sr2mu96rcig  x"), "{text}");
}

fn html_of(args: &[&str]) -> String {
    let out = kp()
        .args(["analyze", "-o", "html"])
        .args(args)
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

/// The timeline's SVG, parsed as XML: the cluster of each lane, and every
/// text it shows.
fn svg_of(html: &str) -> (Vec<String>, String) {
    let from = html.find("<svg id=\"timeline\"").expect("a timeline");
    let to = from + html[from..].find("</svg>").unwrap() + "</svg>".len();
    let doc = roxmltree::Document::parse(&html[from..to]).expect("the SVG is XML");
    let lanes = doc
        .descendants()
        .filter_map(|n| n.attribute("data-cluster"))
        .map(str::to_string)
        .collect();
    let text: String = doc.descendants().filter_map(|n| n.text()).collect();
    (lanes, text)
}

#[test]
fn html_is_one_self_contained_page_with_an_svg_of_the_failing_clusters() {
    for log in [
        "fixtures/incident/kubectl-ts.log",
        "fixtures/scenarios/etcd-hold.log",
        "fixtures/scenarios/retrying.log",
    ] {
        let html = html_of(&[log]);
        let (doc, _) = json(&[log]);
        assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
        for external in ["<script", "src=", "href=", "url(", "@import"] {
            assert!(!html.contains(external), "{log}: {external}");
        }
        assert!(html.contains("@media print"));
        if log.contains("incident") {
            // The next step's command reads as code, not as quoted backticks.
            assert!(
                html.contains("<code>kubectl delete pod -n armada NAME</code>"),
                "{html}"
            );
        }
        let (lanes, text) = svg_of(&html);
        let timeline: Vec<&str> = doc["timeline"]["clusters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["cluster_id"].as_str().unwrap())
            .collect();
        assert!(!timeline.is_empty(), "{log}");
        assert_eq!(lanes, timeline, "{log}");
        for c in doc["clusters"].as_array().unwrap() {
            let id = c["cluster_id"].as_str().unwrap();
            assert_eq!(text.contains(id), timeline.contains(&id), "{log}: {id}");
        }
    }
}

#[test]
fn html_of_many_failing_clusters_draws_the_worst_20() {
    let dir = tempfile::tempdir().unwrap();
    failing_log(dir.path(), 300);
    let out = kp()
        .args(["analyze", "-o", "html", "many.log"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let html = String::from_utf8(out.stdout).unwrap();
    let (lanes, _) = svg_of(&html);
    assert_eq!(lanes.len(), 20);
    assert!(
        html.contains("280 more failing clusters not drawn"),
        "{html}"
    );
}
