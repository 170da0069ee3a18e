//! Secret redaction, applied to every message before it is stored or cut, and
//! to every file name, source label and stderr line, so no output path can
//! leak one.
//!
//! A redacted value keeps a short fingerprint (`<redacted:apikey#3fa2>`), so
//! "the same key failed on 40 clusters" still shows.
//!
//! The passes run in a fixed order, most specific first: secrets known to
//! the run (in every encoding), PEM blocks, URL userinfo, credentials after
//! `Authorization`/`Basic`/`Bearer`, JWTs, key-like fields, bare IAM API
//! keys, and standard-base64 key material. Each pass leaves placeholders
//! alone, so a later pass never redacts (or half-redacts) an earlier one's
//! work. What triage needs is never a secret's shape: cluster ids (20
//! lowercase characters, or 32 hex digits), CRNs and secret *names* survive.

mod fields;
mod known;
mod planted;
mod shapes;
#[cfg(test)]
mod tests;

#[doc(hidden)]
pub use planted::check_planted;

use regex::{Captures, Regex};
use std::borrow::Cow;
use std::sync::{Mutex, OnceLock};

pub struct Redactor {
    known: Option<known::Known>,
    rules: Vec<Rule>,
    fields: fields::Fields,
}

/// A regex whose `secret` group is replaced, when `check` accepts it.
#[derive(Clone)]
struct Rule {
    kind: &'static str,
    re: Regex,
    check: Check,
}

type Check = fn(&str) -> bool;

impl Default for Redactor {
    fn default() -> Self {
        Redactor::new(Vec::new())
    }
}

impl Redactor {
    /// A redactor that also knows `known`, secrets the run holds (a service
    /// key). They are remembered for the rest of the process, so an error
    /// printed on the way out is redacted with them too (`Redactor::global`).
    pub fn new(known: Vec<String>) -> Redactor {
        for k in &known {
            remember(k);
        }
        Redactor::with_known(&known)
    }

    fn with_known(known: &[String]) -> Redactor {
        Redactor {
            known: known::Known::new(known),
            rules: rules(),
            fields: fields::Fields::new(),
        }
    }

    /// A redactor with every secret remembered so far in this process.
    pub fn global() -> Redactor {
        let known = registry().lock().map(|k| k.clone()).unwrap_or_default();
        Redactor::with_known(&known)
    }

    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        if let Some(k) = &self.known {
            if let Some(s) = k.redact(&out) {
                out = Cow::Owned(s);
            }
        }
        if let Some(s) = shapes::pem(&out) {
            out = Cow::Owned(s);
        }
        for rule in &self.rules {
            if rule.re.is_match(&out) {
                if let Some(s) = rule.apply(&out) {
                    out = Cow::Owned(s);
                }
            }
        }
        if let Some(s) = self.fields.redact(&out) {
            out = Cow::Owned(s);
        }
        if let Some(s) = shapes::api_keys(&out) {
            out = Cow::Owned(s);
        }
        if let Some(s) = shapes::base64_material(&out) {
            out = Cow::Owned(s);
        }
        out
    }

    /// A file name or source label: redacted like a line, and a label's
    /// `user:password@host` (no scheme) loses its userinfo too.
    pub fn redact_name<'a>(&self, name: &'a str) -> Cow<'a, str> {
        let out = self.redact(name);
        match shapes::bare_userinfo(&out) {
            Some(s) => Cow::Owned(s),
            None => out,
        }
    }
}

impl Rule {
    fn apply(&self, text: &str) -> Option<String> {
        let mut changed = false;
        let out = self.re.replace_all(text, |c: &Captures| {
            let whole = c.get(0).expect("group 0 always exists");
            let secret = c.name("secret").expect("every rule has a secret group");
            if is_placeholder(secret.as_str())
                || !(self.check)(secret.as_str())
                || (self.kind != "url-credentials" && names_a_field(&text[secret.end()..]))
            {
                return whole.as_str().to_string();
            }
            changed = true;
            let head = &text[whole.start()..secret.start()];
            let tail = &text[secret.end()..whole.end()];
            format!("{head}{}{tail}", placeholder(self.kind, secret.as_str()))
        });
        changed.then(|| out.into_owned())
    }
}

/// The rules, compiled once per process: every redactor (the run's, and the
/// shared one for names) holds the same regexes.
fn rules() -> Vec<Rule> {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(compile_rules).clone()
}

fn compile_rules() -> Vec<Rule> {
    let any: Check = |_| true;
    let table: [(&str, &str, Check); 5] = [
        // The whole userinfo of any URL: user:password, a token alone, or an
        // empty user with a password.
        (
            "url-credentials",
            r"(?i)\b[a-z][a-z0-9+.-]*://(?P<secret>[^/\s@?#<>]+)@",
            any,
        ),
        // A header, quoted or not, escaped or not, with or without a scheme.
        (
            "authorization",
            r#"(?i)\bauthorization\\*["']?\s*[:=]\s*\\*["']?\s*(?:(?:bearer|basic|token|apikey|digest)\s+)?(?P<secret>[A-Za-z0-9._~+/=-]{6,})"#,
            shapes::credential_like,
        ),
        // Basic and Bearer credentials anywhere.
        (
            "bearer",
            r#"(?i)\b(?:bearer|basic)(?:\s+|\s*[:=]\s*\\*["']?)(?P<secret>[A-Za-z0-9._~+/=-]{6,})"#,
            shapes::credential_like,
        ),
        // A JWT, however short (or empty) its signature; a base64url JSON
        // object alone (a token's payload) as well.
        (
            "jwt",
            r"(?P<secret>(?:eyJ|ewogIC|ewoid)[A-Za-z0-9_-]{8,}={0,2}\.(?:eyJ|ewo)[A-Za-z0-9_-]{4,}={0,2}\.[A-Za-z0-9_-]*)",
            any,
        ),
        ("jwt", r"(?P<secret>eyJ[A-Za-z0-9_-]{16,}={0,2})", any),
    ];
    table
        .into_iter()
        .map(|(kind, re, check)| Rule {
            kind,
            re: Regex::new(re).expect("redaction regexes are constant"),
            check,
        })
        .collect()
}

/// What follows a credential's word makes it a field's name instead
/// (`bearer x-api-key: ...`): the field rule redacts that field's value,
/// which the scheme rule must not swallow.
fn names_a_field(after: &str) -> bool {
    let rest = after.trim_start_matches(['"', '\'', '\\']);
    (rest.starts_with(':') && !rest.starts_with("://")) || rest.starts_with('=')
}

fn is_placeholder(s: &str) -> bool {
    s.contains("<redacted")
}

/// Remembers a secret for `Redactor::global`, the redactor of stderr.
pub fn remember(secret: &str) {
    let secret = secret.trim();
    if secret.len() < known::MIN_LEN {
        return;
    }
    if let Ok(mut k) = registry().lock() {
        if !k.iter().any(|s| s == secret) {
            k.push(secret.to_string());
        }
    }
}

fn registry() -> &'static Mutex<Vec<String>> {
    static KNOWN: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    KNOWN.get_or_init(|| Mutex::new(Vec::new()))
}

/// The default redactor, built once (its regexes are not free).
pub fn shared() -> &'static Redactor {
    static SHARED: OnceLock<Redactor> = OnceLock::new();
    SHARED.get_or_init(Redactor::default)
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
