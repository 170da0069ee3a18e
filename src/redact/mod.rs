//! Secret redaction, applied to every message before it is stored or cut, and
//! to every file name, source label and stderr line, so no output path can
//! leak one.
//!
//! A redacted value keeps a short fingerprint (`<redacted:apikey#3fa2>`), so
//! "the same key failed on 40 clusters" still shows.
//!
//! The passes run in a fixed order, most specific first: secrets known to
//! the run (in every encoding), PEM blocks and lone PEM body lines, URL
//! userinfo, credentials after `Authorization`/`Basic`/`Bearer`, JWTs,
//! GitHub tokens, `--user NAME:PASS`, key-like fields (and flags), bare IAM
//! API keys, and standard-base64 key material. Each pass leaves placeholders
//! alone, so a later pass never redacts (or half-redacts) an earlier one's
//! work. What triage needs is never a secret's shape: cluster ids (20
//! lowercase characters, or 32 hex digits), CRNs and secret *names* survive.

mod fields;
mod known;
mod linear;
#[cfg(test)]
mod memo_tests;
mod pem;
mod planted;
mod rules;
mod shapes;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_forms;
mod value;
mod work;

#[doc(hidden)]
pub use linear::check_linear;
#[doc(hidden)]
pub use planted::check_planted;
#[doc(hidden)]
pub use work::{work, work_of};

use std::borrow::Cow;
use std::sync::{Mutex, OnceLock};

pub struct Redactor {
    known: Option<known::Known>,
    rules: Vec<rules::Rule>,
    fields: fields::Fields,
    /// Messages redacted before.
    memo: crate::memo::Memo<std::sync::Arc<str>>,
}

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
            rules: rules::rules(),
            fields: fields::Fields::new(),
            memo: crate::memo::Memo::default(),
        }
    }

    /// A redactor with every secret remembered so far in this process.
    pub fn global() -> Redactor {
        let known = registry().lock().map(|k| k.clone()).unwrap_or_default();
        Redactor::with_known(&known)
    }

    /// Each pass reads the text once, front to back, so the whole costs
    /// time linear in the text whatever it holds (`work` counts it).
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        let mut pass = |f: &dyn Fn(&str) -> Option<String>| {
            if let Some(s) = f(&out) {
                out = Cow::Owned(s);
            }
        };
        if let Some(k) = &self.known {
            pass(&|t| k.redact(t));
        }
        pass(&pem::blocks);
        pass(&pem::lines);
        for rule in &self.rules {
            pass(&|t| rule.apply(t));
        }
        pass(&|t| self.fields.redact(t));
        pass(&shapes::api_keys);
        pass(&shapes::base64_material);
        out
    }

    /// `redact`, shared: a text redacted before (by this redactor) is not
    /// redacted again.
    pub fn redact_shared(&self, text: &str) -> std::sync::Arc<str> {
        self.memo.get(text, || self.redact(text).into())
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
