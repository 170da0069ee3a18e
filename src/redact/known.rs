//! Secrets the run holds (the LogDNA service key), found in every form a
//! server or a log can echo them in: as is, base64 (alone, as the basic-auth
//! `key:` pair, and at any alignment inside a longer base64 string, standard
//! or URL-safe), and with any of its characters `\u`-escaped or
//! percent-encoded.

use super::{placeholder, work};
use regex::Regex;

/// Shorter secrets would match ordinary text.
pub const MIN_LEN: usize = 8;

pub struct Known {
    /// The secrets as they are, or with escaped characters.
    plain: Regex,
    /// Their base64 forms, widened to the whole base64 run when found.
    encoded: Regex,
}

impl Known {
    pub fn new(secrets: &[String]) -> Option<Known> {
        let secrets: Vec<&str> = secrets
            .iter()
            .map(|s| s.trim())
            .filter(|s| s.len() >= MIN_LEN)
            .collect();
        if secrets.is_empty() {
            return None;
        }
        let mut encoded: Vec<String> = Vec::new();
        for s in &secrets {
            for bytes in [s.to_string(), format!("{s}:")] {
                for align in 0..3 {
                    encoded.push(base64_inner(bytes.as_bytes(), align, STD));
                    encoded.push(base64_inner(bytes.as_bytes(), align, URL_SAFE));
                }
            }
        }
        encoded.retain(|f| f.len() >= MIN_LEN);
        Some(Known {
            plain: alternation(secrets.iter().map(|s| s.to_string()).collect())?,
            encoded: alternation(encoded)?,
        })
    }

    pub fn redact(&self, text: &str) -> Option<String> {
        let once = replace(&self.plain, text, false);
        let twice = replace(&self.encoded, once.as_deref().unwrap_or(text), true);
        twice.or(once)
    }
}

fn alternation(mut forms: Vec<String>) -> Option<Regex> {
    forms.sort_by_key(|f| std::cmp::Reverse(f.len()));
    forms.dedup();
    let alts: Vec<String> = forms.iter().map(|f| escaped_anyhow(f)).collect();
    Regex::new(&alts.join("|")).ok()
}

/// Replaces every match; `widen` takes in the run of base64 characters
/// around it (the edges of a base64 form carry bits of the key too).
fn replace(re: &Regex, text: &str, widen: bool) -> Option<String> {
    let b = text.as_bytes();
    work::add(b.len());
    let mut out: Option<String> = None;
    let mut last = 0;
    for m in re.find_iter(text) {
        if m.start() < last {
            continue;
        }
        let (mut s, mut e) = (m.start(), m.end());
        while widen && s > last && is_b64(b[s - 1]) {
            s -= 1;
        }
        while widen && e < b.len() && (is_b64(b[e]) || b[e] == b'=') {
            e += 1;
        }
        let o = out.get_or_insert_with(String::new);
        o.push_str(&text[last..s]);
        o.push_str(&placeholder("key", &text[s..e]));
        last = e;
    }
    out.map(|mut o| {
        o.push_str(&text[last..]);
        o
    })
}

fn is_b64(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'_' | b'-')
}

/// A pattern for `form` where each ASCII character may also appear as
/// `\u00XX` (with any number of backslashes) or `%XX`, in either case.
fn escaped_anyhow(form: &str) -> String {
    let mut p = String::new();
    for c in form.chars() {
        let lit = regex::escape(c.encode_utf8(&mut [0; 4]));
        if c.is_ascii() {
            let hex = format!("{:02x}", c as u8);
            let hex: String = hex
                .chars()
                .map(|h| {
                    if h.is_ascii_alphabetic() {
                        format!("[{}{}]", h, h.to_ascii_uppercase())
                    } else {
                        h.to_string()
                    }
                })
                .collect();
            p.push_str(&format!("(?:{lit}|\\\\+u00{hex}|%{hex})"));
        } else {
            p.push_str(&lit);
        }
    }
    p
}

const STD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The base64 characters that depend only on `data`'s bytes when `align`
/// unknown bytes come before it (so the form is found wherever the secret
/// sits in a longer encoded string).
fn base64_inner(data: &[u8], align: usize, alphabet: &[u8; 64]) -> String {
    let mut bytes = vec![0u8; align];
    bytes.extend_from_slice(data);
    let mut bits = String::new();
    for chunk in bytes.chunks(3) {
        let mut n = 0u32;
        for (k, &b) in chunk.iter().enumerate() {
            n |= u32::from(b) << (16 - 8 * k);
        }
        for k in 0..=chunk.len() {
            bits.push(alphabet[((n >> (18 - 6 * k)) & 63) as usize] as char);
        }
    }
    let first = (8 * align).div_ceil(6);
    let last = 8 * bytes.len() / 6;
    bits.get(first..last).unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_forms_match_a_real_encoder() {
        assert_eq!(base64_inner(b"hello", 0, STD), "aGVsbG");
        // "xhello" is eGhlbGxv: after one unknown byte, "hello" alone fixes
        // the characters from the second on.
        assert_eq!(base64_inner(b"hello", 1, STD), "hlbGxv");
        assert_eq!(base64_inner(b"key:", 0, STD), "a2V5O");
    }
}
