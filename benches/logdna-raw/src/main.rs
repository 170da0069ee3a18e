//! The LogDNA pre-pass as kp-triage does it (serde_json parse of every line, then the keyword
//! prefilter over the unescaped `_line`) against a raw scan (memmem for the few fields, the
//! prefilter over the still-escaped `_line`, the full parse only for candidates).
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use serde::Deserialize;
use std::borrow::Cow;
use std::io::BufRead;

#[derive(Deserialize)]
#[allow(dead_code)]
struct Entry<'a> {
    #[serde(rename = "_line", borrow)]
    line: Option<Cow<'a, str>>,
    #[serde(rename = "_ts")]
    ts: Option<f64>,
    #[serde(rename = "_app", borrow)]
    app: Option<Cow<'a, str>>,
    #[serde(borrow)]
    container: Option<Cow<'a, str>>,
    #[serde(borrow)]
    pod: Option<Cow<'a, str>>,
    #[serde(rename = "_host", borrow)]
    host: Option<Cow<'a, str>>,
}

fn str_end(s: &[u8]) -> Option<usize> {
    let mut i = 1;
    loop {
        let q = i + memchr::memchr2(b'"', b'\\', &s[i..])?;
        if s[q] == b'\\' { i = q + 2; } else { return Some(q + 1); }
    }
}
fn field<'a>(raw: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let k = memchr::memmem::find(raw, key)?;
    let v = &raw[k + key.len()..];
    if v.first() == Some(&b'"') { Some(&v[..str_end(v)?]) } else {
        let e = v.iter().position(|b| matches!(b, b',' | b'}')).unwrap_or(v.len());
        Some(&v[..e])
    }
}
fn masked_candidate(ac: &AhoCorasick, body: &[u8], logger: &[u8], caller: &[u8]) -> bool {
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(2);
    for key in [logger, caller] {
        if let Some(k) = memchr::memmem::find(body, key) {
            let v = k + key.len();
            // value: an escaped string \"...\"
            if let Some(e) = memchr::memmem::find(&body[v + 2..], b"\\\"") { spans.push((k, v + 2 + e + 2)); }
        }
    }
    spans.sort();
    let mut at = 0;
    for (a, b) in spans.into_iter().chain(std::iter::once((body.len(), body.len()))) {
        if a > at && ac.is_match(&body[at..a]) { return true; }
        at = at.max(b);
    }
    false
}

fn main() {
    let mode = std::env::args().nth(1).unwrap();
    let kws: Vec<String> = std::fs::read_to_string(std::env::args().nth(2).unwrap()).unwrap().lines().map(String::from).collect();
    let file = std::env::args().nth(3).unwrap();
    let ac = AhoCorasickBuilder::new().ascii_case_insensitive(true).kind(Some(AhoCorasickKind::DFA)).match_kind(MatchKind::Standard).build(&kws).unwrap();
    let rdr = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(file).unwrap());
    let (mut n, mut cand, mut tsum) = (0u64, 0u64, 0f64);
    for line in rdr.split(b'\n') {
        let line = line.unwrap();
        n += 1;
        match mode.as_str() {
            "serde" => {
                let e: Entry = serde_json::from_slice(&line).unwrap();
                tsum += e.ts.unwrap_or(0.0);
                let body = e.line.as_deref().unwrap_or("").as_bytes();
                if masked_candidate(&ac, body, b"\"logger\":", b"\"caller\":") { cand += 1; }
            }
            "raw" => {
                let ts = field(&line, b"\"_ts\":").and_then(|v| std::str::from_utf8(v).ok()?.parse::<f64>().ok());
                tsum += ts.unwrap_or(0.0);
                let _app = field(&line, b"\"_app\":");
                let _pod = field(&line, b"\"pod\":");
                let body = field(&line, b"\"_line\":").unwrap_or(b"");
                if masked_candidate(&ac, body, b"\\\"logger\\\":", b"\\\"caller\\\":") {
                    cand += 1;
                    let e: Entry = serde_json::from_slice(&line).unwrap();
                    tsum += e.ts.unwrap_or(0.0) * 0.0;
                }
            }
            "serde-only" => {
                let e: Entry = serde_json::from_slice(&line).unwrap();
                tsum += e.ts.unwrap_or(0.0);
                if e.line.as_deref().unwrap_or("").len() > 1_000_000 { cand += 1; }
            }
            "raw-only" => {
                let ts = field(&line, b"\"_ts\":").and_then(|v| std::str::from_utf8(v).ok()?.parse::<f64>().ok());
                tsum += ts.unwrap_or(0.0);
                let app = field(&line, b"\"_app\":").map_or(0, |v| v.len());
                let pod = field(&line, b"\"pod\":").map_or(0, |v| v.len());
                let body = field(&line, b"\"_line\":").unwrap_or(b"");
                if body.len() + app + pod > 1_000_000 { cand += 1; }
            }
            "validate" => {
                let _: serde::de::IgnoredAny = serde_json::from_slice(&line).unwrap();
            }
            _ => panic!(),
        }
    }
    eprintln!("{mode}: lines={n} candidates={cand} tsum={tsum:.0}");
}
