//! Secret redaction, applied to every message before it is stored, so no
//! output path can leak one.
//!
//! A redacted value keeps a short fingerprint (`<redacted:apikey#3fa2>`), so
//! "the same key failed on 40 clusters" still shows.

use regex::{Captures, Regex};
use std::borrow::Cow;

pub struct Redactor {
    rules: Vec<(&'static str, Regex)>,
    field: Regex,
    /// Exact secrets known to the run (a service key read from the environment).
    known: Vec<String>,
}

const KEY_CHARS_LEN: usize = 44;

/// Key-ish fields: `apikey=...`, `"token": "..."`, `password: ...`.
const FIELD: &str = r#"(?i)(?P<open>["']?)\b(?P<key>api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|id[_-]?token|auth[_-]?token|token|secret|client[_-]?secret|password|passwd|pwd|service[_-]?key|servicekey|credentials?)(?P<close>["']?)\s*(?P<sep>[=:])\s*(?P<val>"(?:[^"\\]|\\.)*"|'[^']*'|[^\s,;&}\])"']+)"#;

impl Default for Redactor {
    fn default() -> Self {
        Redactor::new(Vec::new())
    }
}

impl Redactor {
    pub fn new(known: Vec<String>) -> Redactor {
        let rules = [
            // user:password@ in any URL.
            (
                "url-credentials",
                r"(?i)\b[a-z][a-z0-9+.-]*://[^/\s:@]+:([^/\s@]+)@",
            ),
            (
                "authorization",
                r"(?i)\bauthorization\s*[:=]\s*(?:bearer|basic|token|apikey)?\s*([A-Za-z0-9._~+/=-]{6,})",
            ),
            ("bearer", r"(?i)\bbearer\s+([A-Za-z0-9._~+/=-]{8,})"),
            (
                "jwt",
                r"\b((?:eyJ|ewogIC|ewoid)[A-Za-z0-9_-]{12,}={0,2}\.(?:eyJ|ewo)[A-Za-z0-9_-]{12,}={0,2}\.[A-Za-z0-9_-]{12,})",
            ),
        ];
        Redactor {
            rules: rules
                .into_iter()
                .map(|(name, re)| {
                    (
                        name,
                        Regex::new(re).expect("redaction regexes are constant"),
                    )
                })
                .collect(),
            field: Regex::new(FIELD).expect("the field regex is constant"),
            known: known.into_iter().filter(|k| k.len() >= 8).collect(),
        }
    }

    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for known in &self.known {
            if out.contains(known.as_str()) {
                out = Cow::Owned(out.replace(known.as_str(), &placeholder("key", known)));
            }
        }
        if self.field.is_match(&out) {
            out = Cow::Owned(redact_fields(&self.field, &out));
        }
        for (name, re) in &self.rules {
            if re.is_match(&out) {
                out = Cow::Owned(replace_group(re, &out, name));
            }
        }
        match redact_api_keys(&out) {
            Some(s) => Cow::Owned(s),
            None => out,
        }
    }
}

/// Replaces capture group 1 (the secret) and keeps the rest of the match.
fn replace_group(re: &Regex, text: &str, name: &str) -> String {
    re.replace_all(text, |c: &Captures| {
        let whole = c.get(0).expect("group 0 always exists");
        let secret = c.get(1).expect("every rule has one group");
        if secret.as_str().starts_with("<redacted") || secret.as_str().starts_with("\"<redacted") {
            return whole.as_str().to_string();
        }
        let head = &text[whole.start()..secret.start()];
        let tail = &text[secret.end()..whole.end()];
        format!("{head}{}{tail}", placeholder(name, secret.as_str()))
    })
    .into_owned()
}

/// `key=value` and quoted `"key": value` are fields wherever they stand. An
/// unquoted `key: value` is also Go's error wrapping (`WDEK secret: Operation
/// cannot be fulfilled`), so there the value must look like a credential:
/// quoted, or eight or more characters with a digit.
fn redact_fields(re: &Regex, text: &str) -> String {
    re.replace_all(text, |c: &Captures| {
        let whole = c.get(0).expect("group 0 always exists");
        let val = c.name("val").expect("val is not optional");
        let quoted_key = !c["open"].is_empty() && !c["close"].is_empty();
        let v = val.as_str();
        let credential_like =
            v.starts_with(['"', '\'']) || (v.len() >= 8 && v.bytes().any(|b| b.is_ascii_digit()));
        if v.contains("<redacted") || !(&c["sep"] == "=" || quoted_key || credential_like) {
            return whole.as_str().to_string();
        }
        let head = &text[whole.start()..val.start()];
        let q = if v.starts_with('"') { "\"" } else { "" };
        format!("{head}{q}{}{q}", placeholder("field", v))
    })
    .into_owned()
}

/// IAM API keys: runs of exactly 44 `[A-Za-z0-9_-]` with a digit or capital.
/// Scanning runs (not a regex) makes the length exact on both sides.
fn redact_api_keys(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let is_key = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
    let mut out: Option<String> = None;
    let mut last = 0;
    let mut i = 0;
    while i < b.len() {
        if !is_key(b[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_key(b[i]) {
            i += 1;
        }
        let run = &text[start..i];
        if run.len() == KEY_CHARS_LEN
            && run
                .bytes()
                .any(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        {
            let o = out.get_or_insert_with(String::new);
            o.push_str(&text[last..start]);
            o.push_str(&placeholder("apikey", run));
            last = i;
        }
    }
    out.map(|mut o| {
        o.push_str(&text[last..]);
        o
    })
}

/// `<redacted:KIND#xxxx>` where xxxx is the FNV-1a hash of the secret, folded
/// to 16 bits: enough to tell keys apart in one incident, too little to help
/// guess one.
fn placeholder(kind: &str, secret: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in secret.trim_matches(['"', '\'']).bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("<redacted:{kind}#{:04x}>", (h >> 16) ^ (h & 0xffff))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "Xk9mT2vQ7rL4pW8sN1bZ6cY3hJ5fD0gA-eU_iKoRtMq8";
    const JWT: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpYW1faWQiOiJJQk1pZC0xMjM0NSJ9.c2lnbmF0dXJlLXBhcnQtZm9yLXRlc3Q";

    fn r(s: &str) -> String {
        Redactor::new(vec!["0123456789abcdef0123456789abcdef".into()])
            .redact(s)
            .into_owned()
    }

    #[test]
    fn bare_iam_api_keys_with_a_stable_fingerprint() {
        assert_eq!(KEY.len(), 44);
        let a = r(&format!("key {KEY} failed"));
        assert!(!a.contains(KEY), "{a}");
        assert!(a.starts_with("key <redacted:apikey#"), "{a}");
        assert_eq!(a, r(&format!("key {KEY} failed")));
        // 43 or 45 characters are not keys; lowercase words are not keys.
        let near = &KEY[..43];
        assert!(r(near).contains(near));
        assert!(r("armada-kp-events-controller-manager-abcdefgh").contains("armada"));
    }

    #[test]
    fn key_fields_in_json_logfmt_and_klog() {
        for line in [
            format!(r#"{{"apikey": "{KEY}"}}"#),
            format!("api_key={KEY} cluster=c1"),
            format!(r#"apiKey="{KEY}""#),
            "password: hunter2hunter2".to_string(),
            "token=abc.def.ghi".to_string(),
            r#"client_secret="s3cr3t value""#.to_string(),
        ] {
            let out = r(&line);
            assert!(out.contains("<redacted:"), "{line} -> {out}");
            for secret in [KEY, "hunter2", "abc.def", "s3cr3t"] {
                assert!(!out.contains(secret), "{line} -> {out}");
            }
        }
    }

    #[test]
    fn tokens_headers_and_url_credentials() {
        let out = r(&format!("Authorization: Bearer {JWT} sent"));
        assert!(!out.contains("eyJ"), "{out}");
        let out = r(&format!("token was {JWT}"));
        assert!(!out.contains("eyJ"), "{out}");
        let out = r("GET https://admin:s3cr3tP4ss@kp.example.com/v2/keys");
        assert!(!out.contains("s3cr3tP4ss"), "{out}");
        assert!(
            out.contains("https://admin:<redacted:url-credentials#"),
            "{out}"
        );
        let out = r("Authorization: Basic YWRtaW46cGFzcw==");
        assert!(!out.contains("YWRtaW46cGFzcw"), "{out}");
    }

    #[test]
    fn known_secrets_are_replaced_exactly() {
        let out = r("using service key 0123456789abcdef0123456789abcdef now");
        assert!(!out.contains("0123456789abcdef"), "{out}");
    }

    #[test]
    fn go_error_wrapping_is_not_a_field() {
        let line = "failed to update WDEK secret: Operation cannot be fulfilled on secrets";
        assert_eq!(r(line), line);
        assert_eq!(
            r("refresh token: context deadline exceeded"),
            "refresh token: context deadline exceeded"
        );
        assert!(!r("token: 9f8e7d6c5b4a").contains("9f8e7d6c5b4a"));
    }

    #[test]
    fn ordinary_text_is_untouched() {
        for line in [
            "Failed to update WDEK Secret for cluster c23h5icd0sr2mu96rcig",
            r#"secrets "kp-wdek" is forbidden"#,
            "tokens_used=5",
            "crn:v1:bluemix:public:containers-kubernetes:us-south:a/c5c0dba4d5406e21164fb825760a7292:c23h5icd0sr2mu96rcig::",
        ] {
            assert_eq!(r(line), line);
        }
    }
}
