//! PEM: blocks on one line or many, with or without their END line (a cut
//! record), and a body line that arrives alone, as LogDNA and Cloud Logs
//! deliver a multi-line key: one record per line.

use super::{placeholder, work};
use memchr::memmem;

const BEGIN: &[u8] = b"-----BEGIN ";
const END: &[u8] = b"-----END ";
const DASHES: &[u8] = b"-----";
/// PEM bodies are 64 characters a line; MIME's base64 is 76.
const WIDTHS: [usize; 2] = [64, 76];
/// A PEM body's last line is shorter; this short it could be anything.
const LAST_LINE_MIN: usize = 16;

/// Everything between the armour lines goes: the first END after a BEGIN
/// closes it, and with no END the block runs to the end of the text.
pub fn blocks(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut at = 0;
    while let Some(p) = memmem::find(&b[at..], BEGIN) {
        let begin = at + p;
        let Some(body) = armour_end(b, begin + BEGIN.len()) else {
            at = begin + BEGIN.len();
            continue;
        };
        let (body_end, next) = end_line(b, body);
        work::add(next - at);
        let o = out.get_or_insert_with(String::new);
        o.push_str(&text[copied..body]);
        o.push_str(&placeholder("pem", &text[body..body_end]));
        copied = body_end;
        at = next;
    }
    work::add(b.len() - at.min(b.len()));
    out.map(|mut o| {
        o.push_str(&text[copied..]);
        o
    })
}

/// After `BEGIN ` or `END `: a label of 1 to 40 capitals, digits and
/// spaces, then five dashes. Where the dashes end.
fn armour_end(b: &[u8], label: usize) -> Option<usize> {
    let n = b[label..]
        .iter()
        .take(41)
        .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || **c == b' ')
        .count();
    let dashes = label + n;
    ((1..=40).contains(&n) && b[dashes..].starts_with(DASHES)).then_some(dashes + DASHES.len())
}

/// The first END line after `body`: (where the body ends, where the END
/// line ends); or the end of the text.
fn end_line(b: &[u8], body: usize) -> (usize, usize) {
    let mut at = body;
    while let Some(p) = memmem::find(&b[at..], END) {
        let end = at + p;
        if let Some(after) = armour_end(b, end + END.len()) {
            return (end, after);
        }
        at = end + END.len();
    }
    (b.len(), b.len())
}

/// A line of a PEM body on its own: a run of standard base64 as wide as a
/// PEM line (or a last line, padded or not), set off by spaces, quotes or
/// the ends of the text. A short last line counts only when it is the whole
/// record or a whole quoted string.
pub fn lines(text: &str) -> Option<String> {
    let b = text.as_bytes();
    work::add(b.len());
    let trimmed = text.trim_ascii();
    let record = trimmed.as_ptr() as usize - text.as_ptr() as usize;
    let record = (record, record + trimmed.len());
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        if !is_b64(b[i]) || (i > 0 && !is_edge(b[i - 1])) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_b64(b[i]) {
            i += 1;
        }
        let pad = b[i..].iter().take(2).take_while(|&&c| c == b'=').count();
        let end = i + pad;
        if (end == b.len() || is_edge(b[end])) && is_body_line(b, start, end, record) {
            let o = out.get_or_insert_with(String::new);
            o.push_str(&text[copied..start]);
            o.push_str(&placeholder("pem", &text[start..end]));
            copied = end;
        }
        i = end.max(start + 1);
    }
    out.map(|mut o| {
        o.push_str(&text[copied..]);
        o
    })
}

/// `record` is the span of the text without its surrounding whitespace.
fn is_body_line(b: &[u8], start: usize, end: usize, record: (usize, usize)) -> bool {
    let run = &b[start..end];
    // Capitals with small letters or digits, or base64's own `+` and
    // padding: hex (container ids, digests, 32-digit cluster ids) and
    // lowercase paths have neither.
    let upper = run.iter().any(u8::is_ascii_uppercase);
    let other = run
        .iter()
        .any(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let symbols = run.iter().any(|c| matches!(c, b'+' | b'='));
    if !(upper && other || symbols) {
        return false;
    }
    if WIDTHS.contains(&run.len()) {
        return true;
    }
    // A whole JSON string, and a value: a key (`"someCamelCaseName":`) stays.
    let key = b[(end + 1).min(b.len())..]
        .iter()
        .find(|c| !c.is_ascii_whitespace())
        == Some(&b':');
    let quoted = start > 0 && b[start - 1] == b'"' && b.get(end) == Some(&b'"') && !key;
    let whole = (start, end) == record || quoted;
    (LAST_LINE_MIN..WIDTHS[0]).contains(&run.len()) && run.len() % 4 == 0 && whole
}

fn is_b64(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'+' || c == b'/'
}

/// What may stand right before or after a body line.
fn is_edge(c: u8) -> bool {
    c.is_ascii_whitespace() || matches!(c, b'"' | b'\'' | b'\\' | b',' | b'>' | b'<')
}
