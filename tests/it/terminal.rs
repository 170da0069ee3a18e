//! Terminal safety on stderr: file names, arguments and quoted text reach the
//! terminal only through the same neutraliser as the table.

use crate::util::*;

/// Every class the neutraliser removes: OSC 52 (clipboard), CSI, C1 CSI,
/// BEL, CR, a right-to-left override, U+061C, zero-width and tag characters.
const HOSTILE: &str =
    "x\u{1b}]52;c;cm0gLXJmIH4=\u{7}\u{1b}[2J\u{9b}31m\r\u{202e}\u{61c}\u{200b}\u{2066}\u{e0041}\u{feff}y";
const BAD: &[char] = &[
    '\u{1b}',
    '\u{7}',
    '\u{9b}',
    '\r',
    '\u{202e}',
    '\u{61c}',
    '\u{200b}',
    '\u{2066}',
    '\u{e0041}',
    '\u{feff}',
];

fn assert_neutral(what: &str, err: &str) {
    for c in BAD {
        assert!(!err.contains(*c), "{what}: {c:?} reaches stderr: {err:?}");
    }
}

#[test]
fn a_hostile_file_name_is_neutralised_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    // Missing: the error quotes the name.
    let missing = dir.path().join(format!("{HOSTILE}.log"));
    let out = kp().arg("analyze").arg(&missing).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot read") && err.contains("cm0gLXJmIH4"),
        "{err:?}"
    );
    assert_neutral("missing file", &err);
    // Present but corrupt: the input error is printed after the report.
    let corrupt = dir.path().join(format!("{HOSTILE}.gz"));
    std::fs::write(&corrupt, b"\x1f\x8b\x08\x00garbage that is not deflate").unwrap();
    let out = kp().arg("analyze").arg(&corrupt).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("gzip"), "{err:?}");
    assert_neutral("corrupt file", &err);
    assert_neutral("its report", &String::from_utf8_lossy(&out.stdout));
}

#[test]
fn a_hostile_argument_is_neutralised_in_usage_errors() {
    let out = kp()
        .args(["analyze", "--since", HOSTILE, "fixtures/incident/plain.log"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--since"), "{err:?}");
    assert_neutral("--since", &err);
    let out = kp()
        .args([
            "analyze",
            "--logdna",
            "--region",
            "us-south",
            "--logdna-key-file",
            HOSTILE,
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_neutral("--logdna-key-file", &err);
}

#[test]
fn patterns_explain_and_list_neutralise_what_they_print() {
    let line = format!(
        "2026-11-20T03:00:04.000000000Z Rotation attempt failed for cluster c23h5icd0sr2mu96rcig: {HOSTILE} \u{85}\u{7f} token=Zx9Qw8Er7Ty6"
    );
    let out = kp()
        .args(["patterns", "explain"])
        .write_stdin(line)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_neutral("patterns explain", &text);
    for c in ['\u{85}', '\u{7f}'] {
        assert!(!text.contains(c), "{c:?} reaches the terminal: {text:?}");
    }
    // Escaped, not dropped: the JSON still says what the line said, and
    // redacted.
    let doc: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    let msg = doc["message"].as_str().unwrap();
    assert!(
        msg.contains('\u{202e}') && msg.contains('\u{e0041}'),
        "{msg:?}"
    );
    assert!(!text.contains("Zx9Qw8Er7Ty6"), "{text}");

    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("p.toml");
    std::fs::write(
        &pack,
        "schema_version = 1\n[[category]]\nid = \"x\"\nkind = \"cause\"\ntitle = \"evil\u{202e}title\u{85}\u{2066}\"\naction = \"act\u{e0041}\"\n[[rule]]\nid = \"r\"\ncategory = \"x\"\nkeywords = [\"zzz\u{9b}\"]\nregex = ['zzz\u{9b}']\nsamples = [\"zzz\u{9b}\"]\n",
    )
    .unwrap();
    let out = kp()
        .args(["patterns", "list", "--patterns"])
        .arg(&pack)
        .output()
        .unwrap();
    let text = all_output(&out);
    assert!(
        text.contains("evil"),
        "the user's category is listed: {text}"
    );
    assert_neutral("patterns list", &text);
    assert!(!text.contains('\u{85}'), "{text:?}");
}
