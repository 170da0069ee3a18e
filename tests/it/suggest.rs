//! `patterns suggest`, round trip: on a log whose outcome wording the pack
//! does not know, the clusters are `unknown`; the suggested rules, once the
//! user says each one's event, give them their right statuses.

use crate::util::*;

const C1: &str = "c23h5icd0sr2mu96rcig";
const C2: &str = "bm64u3ed02o93vv36hb0";

/// A zap line at 03:MM:SS, as kubectl --timestamps gives it.
fn zap(at: &str, level: &str, msg: &str, cluster: &str, attempt: Option<u32>) -> String {
    let attempt = attempt.map_or(String::new(), |n| format!(",\"attempt\":\"{n}/3\""));
    format!(
        "2026-11-20T03:{at}.000000000Z {{\"level\":\"{level}\",\"ts\":\"2026-11-20T03:{at}.000Z\",\"msg\":\"{msg}\",\"clusterID\":\"{cluster}\"{attempt}}}\n"
    )
}

/// C1 rotates and C2 fails twice, in words the pack does not know.
fn log() -> String {
    let start = "Starting rotation of the service API key";
    [
        zap("10:00", "info", start, C1, Some(1)),
        zap("10:01", "info", start, C2, Some(1)),
        zap(
            "10:05",
            "info",
            "Service API key rotation wrapped up in 41ms",
            C1,
            None,
        ),
        zap(
            "10:06",
            "warn",
            "Service API key rotation went sideways in 12ms",
            C2,
            Some(1),
        ),
        zap("11:01", "info", start, C2, Some(2)),
        zap(
            "11:06",
            "warn",
            "Service API key rotation went sideways in 17ms",
            C2,
            Some(2),
        ),
    ]
    .concat()
}

fn statuses_of(doc: &serde_json::Value) -> Vec<(String, String, u64)> {
    let mut v: Vec<(String, String, u64)> = statuses(doc)
        .into_iter()
        .map(|(id, status, _, failed, _)| (id, status, failed))
        .collect();
    v.sort();
    v
}

/// Uncomments, in the rule whose template holds `words`, its `line`.
fn say(pack: &str, words: &str, line: &str) -> String {
    let at = pack
        .find(words)
        .unwrap_or_else(|| panic!("{words} in {pack}"));
    let end = pack[at..].find("\n\n").map_or(pack.len(), |e| at + e);
    let rule = pack[at..end].replacen(&format!("# {line}"), line, 1);
    format!("{}{rule}{}", &pack[..at], &pack[end..])
}

#[test]
fn suggested_rules_once_filled_in_turn_unknown_clusters_into_their_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("pod.log");
    std::fs::write(&p, log()).unwrap();
    let (doc, _) = json(&[p.to_str().unwrap()]);
    assert_eq!(
        statuses_of(&doc),
        [
            (C2.into(), "unknown".into(), 0),
            (C1.into(), "unknown".into(), 0)
        ]
    );

    let out = kp().args(["patterns", "suggest"]).arg(&p).output().unwrap();
    assert!(out.status.success(), "{}", all_output(&out));
    let pack = String::from_utf8(out.stdout).unwrap();
    assert!(pack.contains("# 2 line(s), the first at"), "{pack}");
    assert!(pack.contains("went sideways in <*>"), "{pack}");
    // From stdin, the same rules.
    let piped = kp()
        .args(["patterns", "suggest"])
        .write_stdin(log())
        .output()
        .unwrap();
    let strip = |s: &str| s.replace(p.to_str().unwrap(), "<stdin>");
    assert_eq!(String::from_utf8(piped.stdout).unwrap(), strip(&pack));

    // As printed, the pack loads only once each rule's event is said, and
    // the check names the rule that still lacks one.
    let mine = dir.path().join("mine.toml");
    std::fs::write(&mine, &pack).unwrap();
    let check = kp()
        .args(["patterns", "check"])
        .arg(&mine)
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(2));
    assert!(all_output(&check).contains("rule `suggested.1`: needs exactly one of"));

    let filled = say(&pack, "went sideways", "category = \"attempt_failed\"");
    let filled = say(&filled, "wrapped up", "marker = \"succeeded\"");
    std::fs::write(&mine, &filled).unwrap();
    kp().args(["patterns", "check"])
        .arg(&mine)
        .assert()
        .success();
    let (doc, _) = json(&["--patterns", mine.to_str().unwrap(), p.to_str().unwrap()]);
    assert_eq!(
        statuses_of(&doc),
        [
            (C2.into(), "retrying".into(), 2),
            (C1.into(), "rotated".into(), 0)
        ]
    );
    assert_eq!(verdict(&doc), "wait");
}

#[test]
fn a_log_understood_whole_suggests_nothing_but_a_valid_pack() {
    let out = kp()
        .args(["patterns", "suggest", "fixtures/incident/kubectl-ts.log"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("[[rule]]"), "{text}");
    let dir = tempfile::tempdir().unwrap();
    let mine = dir.path().join("mine.toml");
    std::fs::write(&mine, text).unwrap();
    kp().args(["patterns", "check"])
        .arg(&mine)
        .assert()
        .success();
}
