//! No planted secret reaches any output format.

use crate::util::*;

const PLANTED: &[&str] = &[
    "Xk9mT2vQ7rL4pW8sN1bZ6cY3hJ5fD0gA-eU_iKoRtMq8",
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9",
    "c2lnbmF0dXJlLXBhcnQtZm9yLXRlc3Q",
    "s3cr3tP4ss",
];

#[test]
fn the_fixture_really_carries_the_secrets() {
    let raw = std::fs::read_to_string(root().join("fixtures/scenarios/secrets.log")).unwrap();
    for s in PLANTED {
        assert!(raw.contains(s), "{s} is planted");
    }
}

#[test]
fn no_format_prints_a_planted_secret() {
    for format in ["table", "json", "markdown"] {
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
        let text = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        for s in PLANTED {
            assert!(!text.contains(s), "{format} leaks {s}");
        }
        assert!(
            text.contains("redacted:"),
            "{format} shows that it redacted"
        );
    }
}
