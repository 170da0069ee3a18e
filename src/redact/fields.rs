//! Key-like fields: `iam_apikey=...`, `"token": "..."`, `x-api-key: ...`,
//! `{\"apikey\":\"...\"}`, `%22apikey%22%3A%22...%22`, `Cookie: ...`,
//! `ETCD_PASS=...`, `--token VALUE`, Go's `"X-Api-Key":[]string{"..."}`.
//!
//! A field is a name that *ends* in a key-ish word, whatever comes before it
//! (`IBMCLOUD_API_KEY`, `secret_access_key`), then a separator and a value.
//! The scan is by hand, not one regex replace, for three rules:
//! - a value never swallows the next field's name: in
//!   `WDEK Secret: password: hunter2` the value of `Secret` would be
//!   `password:`, which is the next field, so the scan resumes there (and a
//!   flag, `Secret: --token VALUE`, likewise);
//! - a quoted value ends at the quote of its own escaping level, so
//!   escaped JSON (`\"apikey\":\"...\"`) is read like JSON;
//! - the scan only moves forward: a value that is kept is stepped over, and
//!   a value that is the next field is known from its name alone, before
//!   its end is looked for. So `token=token=token=...` costs one pass, not
//!   one pass per field.

use super::value::{self, is_name_char};
use super::{placeholder, shapes, work};
use regex::Regex;

/// The key-ish words a field name can end with. Environment names in
/// capitals also end in `_PASS`, `_AUTH` or `_KEY` (`ETCD_PASS`,
/// `X_AUTH`), words too common in lowercase to mean a secret there.
const KEYWORD: &str = r"(?i)(?:api[_-]?key|(?:access|private|secret|ingestion|service|signing|encryption|master|account|client|storage|license)[_-]?key|servicekey|token|secret|password|passwd|pwd|passphrase|credentials?|signature|session(?:[_-]?(?:id|key|token))?|sessionid|cookie|(?-i:_(?:PASS|AUTH|KEY)))";

#[derive(Clone)]
pub struct Fields {
    keyword: Regex,
    /// A whole name that is itself a field name.
    whole: Regex,
}

/// What to do with a field's value.
enum Verdict {
    Redact,
    /// The value is kept and stepped over.
    Keep,
    /// The value is the next field's name, or a flag: read it as one.
    Rescan,
}

struct Field {
    /// The value's span, without its quotes.
    value: (usize, usize),
    verdict: Verdict,
    kind: &'static str,
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
        while pos < text.len() {
            let Some(m) = self.keyword.find_at(text, pos) else {
                work::add(text.len() - pos);
                break;
            };
            work::add(m.end() - pos);
            // The keyword must end the name; any prefix is part of it. A
            // longer keyword may start inside this one (`_PASSWORD`).
            if text[m.end()..].starts_with(is_name_char) {
                pos = m.start() + 1;
                continue;
            }
            pos = m.end();
            let start = value::name_start(text, m.start());
            let Some(f) = self.field(text, start, m.end()) else {
                continue;
            };
            let (vs, ve) = f.value;
            match f.verdict {
                Verdict::Rescan => pos = vs,
                Verdict::Keep => pos = ve.max(pos),
                Verdict::Redact => {
                    let o = out.get_or_insert_with(String::new);
                    o.push_str(&text[copied..vs]);
                    o.push_str(&placeholder(f.kind, &text[vs..ve]));
                    copied = ve;
                    pos = ve;
                }
            }
        }
        out.map(|mut o| {
            o.push_str(&text[copied..]);
            o
        })
    }

    /// The field whose name spans `ns..ne`, if a separator (or, after a
    /// flag, a space) and a value follow.
    fn field(&self, text: &str, ns: usize, ne: usize) -> Option<Field> {
        let b = text.as_bytes();
        let name = &text[ns..ne];
        let pct_open = ns > 0 && b[ns - 1] == b'%' && name.starts_with("22");
        let open = pct_open || (ns > 0 && matches!(b[ns - 1], b'"' | b'\''));
        let mut i = ne;
        let close = value::quote_at(b, i);
        if let Some(q) = close {
            i += q.width();
        }
        let after_name = i;
        i = value::skip_spaces(b, i);
        let cookie = name.len() >= 6 && name[name.len() - 6..].eq_ignore_ascii_case("cookie");
        let kind = if cookie { "cookie" } else { "field" };
        match value::separator_at(b, i) {
            Some((sep, len)) => {
                i = value::skip_spaces(b, i + len);
                i += value::list_opening(b, i);
                let quoted_key = open && close.is_some();
                Some(self.value_after(text, i, kind, |v, prose| {
                    sep == b'=' || quoted_key || shapes::colon_value_is_secret(name, v, prose)
                }))
            }
            // `--token VALUE`: a flag's value follows a space.
            None if name.starts_with('-') && i > after_name && close.is_none() => {
                if b.get(i).is_none_or(|&c| c == b'-') {
                    return None;
                }
                Some(self.value_after(text, i, "field", |_, _| true))
            }
            None => None,
        }
    }

    /// The value starting at `i`; `secret` decides an unquoted one that is
    /// neither a placeholder, the next field nor a flag.
    fn value_after(
        &self,
        text: &str,
        i: usize,
        kind: &'static str,
        secret: impl Fn(&str, bool) -> bool,
    ) -> Field {
        let b = text.as_bytes();
        if let Some(q) = value::quote_at(b, i) {
            let start = i + q.width();
            let end = q.value_end(b, start);
            let v = &text[start..end];
            let verdict = if v.is_empty() || is_only_placeholder(v) {
                Verdict::Keep
            } else {
                Verdict::Redact
            };
            return Field {
                value: (start, end),
                verdict,
                kind,
            };
        }
        let cookie = kind == "cookie";
        if !cookie && (self.starts_with_field(&text[i..]) || value::is_flag(&b[i..])) {
            return Field {
                value: (i, i),
                verdict: Verdict::Rescan,
                kind,
            };
        }
        let end = if cookie {
            value::line_end(b, i)
        } else {
            value::unquoted_end(b, i)
        };
        let v = &text[i..end];
        work::add(v.len());
        let keep = v.is_empty()
            || is_only_placeholder(v)
            || (!cookie && (value::is_scheme(v) || !secret(v, words_follow(text, end))));
        Field {
            value: (i, end),
            verdict: if keep { Verdict::Keep } else { Verdict::Redact },
            kind,
        }
    }

    /// `password:` or `token=...`: the value is the next field, not a value.
    fn starts_with_field(&self, v: &str) -> bool {
        let n = value::name_len(v);
        work::add(n);
        n > 0 && v[n..].starts_with([':', '=']) && self.whole.is_match(&v[..n])
    }
}

/// More words follow the value at `end`, as Go's error wrapping goes on
/// (`iam-api-key: retries exhausted`), rather than the next field or the
/// end of the text.
fn words_follow(text: &str, end: usize) -> bool {
    let b = text.as_bytes();
    let i = value::skip_spaces(b, end);
    if i == end {
        return false;
    }
    let n = value::name_len(&text[i..]);
    n > 0 && !matches!(b.get(i + n), Some(b':' | b'='))
}

/// A value that an earlier pass already replaced, and nothing else: a value
/// with a placeholder and more around it is redacted whole.
fn is_only_placeholder(v: &str) -> bool {
    v.starts_with("<redacted:") && v.ends_with('>') && v.matches('<').count() == 1
}
