//! Key-like fields: `iam_apikey=...`, `"token": "..."`, `x-api-key: ...`,
//! `{\"apikey\":\"...\"}`, `Cookie: ...`.
//!
//! A field is a name that *ends* in a key-ish word, whatever comes before it
//! (`IBMCLOUD_API_KEY`, `secret_access_key`), then a separator and a value.
//! The scan is by hand, not one regex replace, for two rules:
//! - a value never swallows the next field's name: in
//!   `WDEK Secret: password: hunter2` the value of `Secret` would be
//!   `password:`, which is the next field, so the scan resumes there;
//! - a quoted value ends at the quote of its own escaping level, so
//!   escaped JSON (`\"apikey\":\"...\"`) is read like JSON.

use super::{is_placeholder, placeholder, shapes};
use regex::Regex;

/// The key-ish words a field name can end with.
const KEYWORD: &str = r"(?i)(?:api[_-]?key|(?:access|private|secret|ingestion|service|signing|encryption|master|account|client|storage|license)[_-]?key|servicekey|token|secret|password|passwd|pwd|passphrase|credentials?|session(?:[_-]?(?:id|key|token))?|sessionid|cookie)";

#[derive(Clone)]
pub struct Fields {
    keyword: Regex,
    /// A whole name that is itself a field name.
    whole: Regex,
}

impl Fields {
    /// Compiled once per process: every redactor (the run's, and the shared
    /// one for names) holds the same regexes.
    pub fn new() -> Fields {
        static FIELDS: std::sync::OnceLock<Fields> = std::sync::OnceLock::new();
        FIELDS
            .get_or_init(|| Fields {
                keyword: Regex::new(KEYWORD).expect("the keyword regex is constant"),
                whole: Regex::new(&format!("^[A-Za-z0-9_.-]*{KEYWORD}$"))
                    .expect("the name regex is constant"),
            })
            .clone()
    }

    pub fn redact(&self, text: &str) -> Option<String> {
        let mut out: Option<String> = None;
        let mut copied = 0;
        let mut pos = 0;
        while let Some(m) = self.keyword.find_at(text, pos) {
            pos = m.end();
            // The keyword must end the name; any prefix is part of it.
            if text[m.end()..].starts_with(is_name_char) {
                continue;
            }
            let start = name_start(text, m.start());
            let Some(f) = self.field(text, start, m.end()) else {
                continue;
            };
            if !f.redact {
                pos = f.value.0;
                continue;
            }
            let (vs, ve) = f.value;
            let o = out.get_or_insert_with(String::new);
            o.push_str(&text[copied..vs]);
            o.push_str(&placeholder(f.kind, &text[vs..ve]));
            copied = ve;
            pos = ve;
        }
        out.map(|mut o| {
            o.push_str(&text[copied..]);
            o
        })
    }
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

/// Where the name ending at `at` starts: just past the last character that
/// cannot be in a name (which may be several bytes long).
fn name_start(text: &str, at: usize) -> usize {
    text[..at]
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_name_char(c))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

struct Field {
    /// The value's span, without its quotes.
    value: (usize, usize),
    redact: bool,
    kind: &'static str,
}

impl Fields {
    /// The field whose name spans `ns..ne`, if a separator and a value follow.
    fn field(&self, text: &str, ns: usize, ne: usize) -> Option<Field> {
        let b = text.as_bytes();
        let open = quote_before(b, ns);
        let mut i = ne;
        let close = quote_at(b, i);
        if let Some((_, len)) = close {
            i += len;
        }
        i = skip_spaces(b, i);
        let sep = *b.get(i)?;
        if sep != b'=' && sep != b':' {
            return None;
        }
        i = skip_spaces(b, i + 1);
        let cookie = text[ns..ne].to_ascii_lowercase().ends_with("cookie");
        let kind = if cookie { "cookie" } else { "field" };
        if let Some((level, len)) = quote_at(b, i) {
            let start = i + len;
            let end = quoted_end(b, start, level, b[i + len - 1])?;
            let v = &text[start..end];
            let redact = !v.is_empty() && !is_placeholder(v);
            return Some(Field {
                value: (start, end),
                redact,
                kind,
            });
        }
        let end = if cookie {
            line_end(b, i)
        } else {
            unquoted_end(b, i)
        };
        let v = &text[i..end];
        let quoted_key = open.is_some() && close.is_some();
        let redact = !v.is_empty()
            && !is_placeholder(v)
            && (cookie || !self.starts_with_field(v))
            && !is_scheme(v)
            && (sep == b'=' || quoted_key || shapes::colon_value_is_secret(v));
        Some(Field {
            value: (i, end),
            redact,
            kind,
        })
    }

    /// `password:` or `token=...`: the value is the next field, not a value.
    fn starts_with_field(&self, v: &str) -> bool {
        let name_len = v.find(|c: char| !is_name_char(c)).unwrap_or(v.len());
        v[name_len..].starts_with([':', '=']) && self.whole.is_match(&v[..name_len])
    }
}

/// A quote (with any backslashes escaping it) ending right before `at`.
fn quote_before(b: &[u8], at: usize) -> Option<()> {
    let c = *b.get(at.checked_sub(1)?)?;
    matches!(c, b'"' | b'\'').then_some(())
}

/// A quote at `at`, after zero or more backslashes: (backslashes, length).
fn quote_at(b: &[u8], at: usize) -> Option<(usize, usize)> {
    let slashes = b[at.min(b.len())..]
        .iter()
        .take_while(|&&c| c == b'\\')
        .count();
    match b.get(at + slashes) {
        Some(b'"') | Some(b'\'') => Some((slashes, slashes + 1)),
        _ => None,
    }
}

/// The end of a quoted value: the first `q` preceded by exactly `level`
/// backslashes (a JSON string's own escapes have more, or fewer).
fn quoted_end(b: &[u8], start: usize, level: usize, q: u8) -> Option<usize> {
    let mut i = start;
    while i < b.len() {
        if b[i] == q {
            let slashes = b[start..i]
                .iter()
                .rev()
                .take_while(|&&c| c == b'\\')
                .count();
            if slashes == level {
                return Some(i - level);
            }
        }
        i += 1;
    }
    // An unterminated quote (a cut line): the value runs to the end.
    Some(b.len())
}

fn unquoted_end(b: &[u8], start: usize) -> usize {
    b[start..]
        .iter()
        .position(|&c| {
            c.is_ascii_whitespace()
                || matches!(
                    c,
                    b',' | b';' | b'&' | b'}' | b']' | b')' | b'"' | b'\'' | b'\\'
                )
        })
        .map_or(b.len(), |p| start + p)
}

fn line_end(b: &[u8], start: usize) -> usize {
    b[start..]
        .iter()
        .position(|&c| matches!(c, b'\n' | b'\r' | b'"' | b'\\'))
        .map_or(b.len(), |p| start + p)
}

fn skip_spaces(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| *c == b' ' || *c == b'\t') {
        i += 1;
    }
    i
}

/// `Authorization: Bearer ...`: the credential follows the scheme word, and
/// the header rules have already dealt with it.
fn is_scheme(v: &str) -> bool {
    ["basic", "bearer", "token", "digest", "negotiate"]
        .iter()
        .any(|s| v.eq_ignore_ascii_case(s))
}
