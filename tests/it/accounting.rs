//! Every input line is accounted for.

use crate::util::*;

fn all_fixtures() -> Vec<String> {
    let mut files: Vec<String> = incident_files()
        .iter()
        .map(|p| p.to_str().unwrap().to_string())
        .collect();
    for dir in ["fixtures/scenarios", "fixtures/scenarios/restart"] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.is_file() {
                files.push(
                    p.strip_prefix(root())
                        .unwrap()
                        .to_str()
                        .unwrap()
                        .to_string(),
                );
            }
        }
    }
    files
}

#[test]
fn lines_equal_records_plus_continuations_plus_unparsed_plus_skipped() {
    for f in all_fixtures() {
        let (doc, _) = json(&[&f]);
        let i = &doc["input"];
        let n = |k: &str| i[k].as_u64().unwrap();
        let physical = count_lines(&f);
        if f.contains("cloudlogs") {
            // A result event or an array holds many entries, each a line.
            assert!(n("lines") >= physical, "{f}: every physical line is read");
        } else {
            assert_eq!(n("lines"), physical, "{f}: every physical line is read");
        }
        assert_eq!(
            n("lines"),
            n("records") + n("continuations") + n("unparsed") + n("skipped"),
            "{f}: {i}"
        );
    }
}

fn count_lines(f: &str) -> u64 {
    let bytes = std::fs::read(root().join(f)).unwrap();
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(&bytes[..]), &mut out)
            .unwrap();
        out
    } else {
        bytes
    };
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
    newlines + u64::from(!bytes.is_empty() && !bytes.ends_with(b"\n"))
}

#[test]
fn stern_markers_and_blank_lines_are_counted_skips() {
    let (doc, _) = json(&["fixtures/incident/stern.log"]);
    assert_eq!(doc["input"]["skipped"], 1);
    let (doc, _) = json(&["fixtures/scenarios/noise-only.log"]);
    assert_eq!(doc["input"]["skipped"], 1);
}

#[test]
fn plain_text_is_counted_unparsed_and_still_triaged() {
    let (doc, _) = json(&["fixtures/incident/plain.log"]);
    assert_eq!(doc["input"]["records"], 0);
    assert_eq!(doc["input"]["unparsed"], 39);
    assert_eq!(verdict(&doc), "recommended");
}

#[test]
fn the_time_span_covers_the_input() {
    let (doc, _) = json(&["fixtures/incident/zap-json.log"]);
    assert_eq!(doc["input"]["first_ts"], "2026-11-20T03:00:00Z");
    assert_eq!(doc["input"]["last_ts"], "2026-11-20T03:01:05Z");
}
