//! Redaction audit: secrets planted in every input format and transport
//! never reach any output format, nor an error message. Each planted line is
//! a rotation failure, so its message really is printed (the test checks
//! that too, or it would prove nothing).

use crate::util::*;

const API_KEY: &str = "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb7dEf0hIj3k";
const JWT: &str =
    "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJJQk1pZC0xMjM0NTY3ODkwIn0.QWxsIHlvdXIgYmFzZSBhcmUgYmVsb25n";
const URL_PASSWORD: &str = "Sup3rS3cretPw";
const FIELD_PASSWORD: &str = "Hunt3r2Hunt3r2";
const TOKEN: &str = "tok9f8e7d6c5b4a3210";
const BASIC: &str = "c3ZjOlN1cDNyUzNjcmV0";
const SERVICE_KEY: &str = "0f1e2d3c4b5a69788796a5b4c3d2e1f0";

const SECRETS: &[&str] = &[
    API_KEY,
    JWT,
    "eyJzdWIiOiJJQk1pZC0xMjM0NTY3ODkwIn0",
    URL_PASSWORD,
    FIELD_PASSWORD,
    TOKEN,
    BASIC,
    SERVICE_KEY,
];

/// A rotation failure whose text carries every kind of secret.
fn message(cluster: &str) -> String {
    format!(
        "Failed to update WDEK Secret for cluster {cluster}: PUT https://svc:{URL_PASSWORD}@kms.us-south.example.com/api \
         with Authorization: Bearer {JWT} key {API_KEY} password: {FIELD_PASSWORD} token={TOKEN} \
         Authorization: Basic {BASIC} servicekey={SERVICE_KEY}"
    )
}

fn zap_json(c: &str) -> String {
    serde_json::json!({"level": "error", "ts": 1795143604.0, "msg": message(c), "clusterID": c,
        "error": format!("apikey={API_KEY}"), "apikey": API_KEY, "token": TOKEN, "password": FIELD_PASSWORD})
    .to_string()
}

/// Every application format, each naming its own cluster.
fn app_lines(n: &mut u32) -> Vec<String> {
    let mut next = || {
        *n += 1;
        format!("cr{:018}", *n)
    };
    let esc = |s: String| s.replace('"', "\\\"");
    vec![
        zap_json(&next()),
        {
            let c = next();
            format!("2026-11-20T03:00:04.000Z\tERROR\trotation/rotate.go:142\t{}\t{{\"clusterID\": \"{c}\", \"apikey\": \"{API_KEY}\"}}", message(&c))
        },
        format!(
            "E1120 03:00:04.000000       1 rotate.go:142] {}",
            message(&next())
        ),
        {
            let c = next();
            format!("E1120 03:00:04.000000       1 rotate.go:142] \"{}\" err=\"token={TOKEN}\" clusterID=\"{c}\" apikey=\"{API_KEY}\" password=\"{FIELD_PASSWORD}\"", esc(message(&c)))
        },
        {
            let c = next();
            format!("time=\"2026-11-20T03:00:04Z\" level=error msg=\"{}\" clusterID={c} api_key={API_KEY} password={FIELD_PASSWORD}", esc(message(&c)))
        },
        {
            let c = next();
            serde_json::json!({"time": "2026-11-20T03:00:04Z", "level": "error", "msg": message(&c), "clusterID": c, "error": format!("Bearer {JWT}")}).to_string()
        },
        format!(
            "2026/11/20 03:00:04.000000 /go/src/rotate.go:142: {}",
            message(&next())
        ),
        message(&next()),
    ]
}

fn corpus() -> (String, u32) {
    let mut n = 0;
    let mut out = String::new();
    let transports: [&dyn Fn(&str) -> String; 4] = [
        &|l| l.to_string(),
        &|l| format!("2026-11-20T03:00:04.000123456Z {l}"),
        &|l| {
            format!("[pod/armada-kp-events-7d9f8c6b5-x2x9z/armada-kp-events] 2026-11-20T03:00:04.000123456Z {l}")
        },
        &|l| format!("armada-kp-events-7d9f8c6b5-x2x9z armada-kp-events {l}"),
    ];
    for t in transports {
        for line in app_lines(&mut n) {
            out.push_str(&t(&line));
            out.push('\n');
        }
    }
    // A LogDNA v1 export line carrying a zap line, merged fields and all.
    n += 1;
    let c = format!("cr{n:018}");
    let export = serde_json::json!({"_line": zap_json(&c), "_ts": 1795143604000u64, "_app": "armada-kp-events",
        "pod": "armada-kp-events-7d9f8c6b5-x2x9z", "container": "armada-kp-events", "msg": message(&c), "apikey": API_KEY});
    out.push_str(&format!("{export}\n"));
    (out, n)
}

#[test]
fn no_output_format_shows_a_planted_secret_from_any_input_format() {
    let (text, lines) = corpus();
    for s in SECRETS {
        assert!(text.contains(s), "{s} is planted");
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("secrets.log");
    std::fs::write(&path, &text).unwrap();

    let (doc, _) = json(&["--evidence", "100", path.to_str().unwrap()]);
    let clusters = doc["clusters"].as_array().unwrap();
    assert_eq!(
        clusters.len() as u32,
        lines,
        "every planted line was classified and reported"
    );
    assert!(clusters.iter().all(|c| c["evidence"][0]["message"]
        .as_str()
        .unwrap()
        .contains("<redacted:")));

    for format in ["table", "json", "markdown", "html"] {
        let out = kp()
            .args(["analyze", "--evidence", "100", "--format", format])
            .arg(&path)
            .output()
            .unwrap();
        let all = all_output(&out).replace("<wbr>", "");
        for s in SECRETS {
            assert!(!all.contains(s), "{format} output leaks {s}");
        }
    }
}

#[test]
fn the_shipped_secrets_fixture_stays_clean() {
    for format in ["table", "json", "markdown", "html"] {
        let out = kp()
            .args([
                "analyze",
                "--format",
                format,
                "--evidence",
                "100",
                "fixtures/scenarios/secrets.log",
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).replace("<wbr>", "");
        for s in [
            "Xk9mT2vQ7rL4pW8sN1bZ6cY3hJ5fD0gA-eU_iKoRtMq8",
            "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9",
            "s3cr3tP4ss",
        ] {
            assert!(!text.contains(s), "{format} leaks {s}");
        }
        assert!(
            text.contains("redacted:"),
            "{format} shows that it redacted"
        );
    }
}

#[test]
fn the_same_secret_keeps_the_same_fingerprint() {
    let (doc, _) = json(&["--evidence", "100", "fixtures/scenarios/secrets.log"]);
    let all = doc.to_string();
    let prints: std::collections::BTreeSet<&str> = all
        .match_indices("<redacted:authorization#")
        .map(|(i, _)| &all[i..i + 29])
        .collect();
    assert_eq!(prints.len(), 1, "{prints:?}");
}

#[test]
fn error_messages_are_redacted_too() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("p.toml");
    std::fs::write(
        &pack,
        format!("schema_version = 1\n[[rule]]\nid = \"x\"\ncategory = \"etcd\"\nkeywords = [\"zzz\"]\nregex = ['zzz']\nsamples = [\"token={TOKEN} has no match\"]\n"),
    )
    .unwrap();
    let out = kp()
        .args(["analyze", "--patterns"])
        .arg(&pack)
        .arg("fixtures/incident/zap-json.log")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sample does not match"), "{err}");
    assert!(!err.contains(TOKEN), "{err}");
}

#[test]
fn a_secret_across_the_message_cap_is_redacted_whole_first() {
    // Raw, the token straddles the 480-character cap; redacted, it fits.
    let pad = "x".repeat(380);
    let line =
        format!("Rotation attempt failed for cluster c23h5icd0sr2mu96rcig: {pad} Bearer {JWT}\n");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.log");
    std::fs::write(&path, line).unwrap();
    let (doc, _) = json(&[path.to_str().unwrap()]);
    let msg = doc["clusters"][0]["evidence"][0]["message"]
        .as_str()
        .unwrap();
    assert!(
        !msg.contains("eyJ"),
        "no piece of the token survives the cut: {msg}"
    );
    assert!(msg.contains("<redacted:bearer#"), "{msg}");
}

#[test]
fn etcd_credentials_in_the_failure_that_holds_never_reach_the_headline() {
    // The HOLD headline quotes the record it rests on: here an etcdctl
    // command line with both forms of its credentials.
    let text = std::fs::read_to_string(root().join("fixtures/scenarios/etcd-hold.log"))
        .unwrap()
        .replace(
            r#""error":"etcdserver: request timed out""#,
            r#""error":"etcdctl --user=root:Ru7Xq2Lm9Wp4 --password Pw3Zk8Nc5Tb1 get /kp: etcdserver: request timed out""#,
        );
    assert!(
        text.contains("Ru7Xq2Lm9Wp4"),
        "the fixture carries the error"
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hold.log");
    std::fs::write(&path, text).unwrap();
    for format in ["table", "markdown", "json", "html"] {
        let out = kp()
            .args(["analyze", "-o", format])
            .arg(&path)
            .output()
            .unwrap();
        let all = all_output(&out).replace("<wbr>", "");
        assert!(
            all.contains("HOLD") || all.contains("hold"),
            "{format}: {all}"
        );
        assert!(
            all.contains("--user=root:"),
            "{format} keeps the user: {all}"
        );
        for s in ["Ru7Xq2Lm9Wp4", "Pw3Zk8Nc5Tb1"] {
            assert!(!all.contains(s), "{format} leaks {s}");
        }
    }
}
