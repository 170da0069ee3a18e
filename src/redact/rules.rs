//! The regex rules: URL userinfo, `Authorization` headers, `Basic`/`Bearer`
//! credentials, JWTs and GitHub tokens. Each rule's `secret` group is
//! replaced when its check accepts it.
//!
//! The matches are walked by hand rather than with `replace_all`, for one
//! reason: a rejected credential (`Bearer Bearer Bearer <token>`: the first
//! `Bearer` is not the credential of the second) must be read again as the
//! start of the next match. Only a short rejected credential is read again,
//! so no byte is searched more than a bounded number of times and the rule
//! stays linear in the line.

use super::{is_placeholder, placeholder, shapes, work};
use regex::Regex;
use std::sync::OnceLock;

/// A regex whose `secret` group is replaced, when `check` accepts it.
#[derive(Clone)]
pub struct Rule {
    kind: &'static str,
    re: Regex,
    check: Check,
    secret: usize,
    /// The secret follows a scheme word (`Bearer`, `Authorization:`), which
    /// may instead be a field's name (`bearer x-api-key: ...`).
    scheme: bool,
}

type Check = fn(&str) -> bool;

/// A credential the check rejects is shorter than this (`credential_like`
/// accepts anything of 20 characters or more), so reading it again costs
/// a bounded amount per match.
const REREAD_MAX: usize = 20;

impl Rule {
    pub fn apply(&self, text: &str) -> Option<String> {
        let mut out: Option<String> = None;
        let mut copied = 0;
        let mut at = 0;
        let mut locs = self.re.capture_locations();
        while at < text.len() {
            let found = self.re.captures_read_at(&mut locs, text, at);
            let (Some(m), Some((ss, se))) = (found, locs.get(self.secret)) else {
                work::add(text.len() - at);
                break;
            };
            work::add(m.end() - at);
            let secret = &text[ss..se];
            work::add(secret.len());
            if is_placeholder(secret) || (self.scheme && names_a_field(&text[se..])) {
                at = m.end();
                continue;
            }
            if !(self.check)(secret) {
                // The credential may be the scheme word of the next one.
                at = if ss > m.start() && secret.len() < REREAD_MAX {
                    ss
                } else {
                    m.end()
                };
                continue;
            }
            let o = out.get_or_insert_with(String::new);
            o.push_str(&text[copied..ss]);
            o.push_str(&placeholder(self.kind, secret));
            copied = se;
            at = m.end();
        }
        out.map(|mut o| {
            o.push_str(&text[copied..]);
            o
        })
    }
}

/// What follows a credential's word makes it a field's name instead
/// (`bearer x-api-key: ...`): the field rule redacts that field's value,
/// which the scheme rule must not swallow.
fn names_a_field(after: &str) -> bool {
    let rest = after
        .get(..after.len().min(8))
        .unwrap_or(after)
        .trim_start_matches(['"', '\'', '\\']);
    (rest.starts_with(':') && !rest.starts_with("://")) || rest.starts_with('=')
}

/// The rules, compiled once per process: every redactor (the run's, and the
/// shared one for names) holds the same regexes.
pub fn rules() -> Vec<Rule> {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(compile).clone()
}

fn any(_: &str) -> bool {
    true
}

/// (kind, regex with a `secret` group, check).
const TABLE: [(&str, &str, Check); 7] = [
    // The whole userinfo of any URL: user:password, a token alone, or an
    // empty user with a password.
    (
        "url-credentials",
        r"(?i)\b[a-z][a-z0-9+.-]*://(?P<secret>[^/\s@?#<>]+)@",
        any,
    ),
    // A header, quoted or not, escaped or not, with or without a scheme,
    // also as Go prints a header map (`"Authorization":[]string{"..."}`,
    // `Authorization:[...]`). AWS SigV4's algorithm is a scheme too: the
    // credential after it goes, its `Signature=` is a field.
    (
        "authorization",
        r#"(?i)\bauthorization\\*["']?\s*[:=]\s*(?:\[\]string\{|\[)?\\*["']?\s*(?:(?:bearer|basic|token|apikey|digest|aws4-hmac-sha256)\s+)?(?P<secret>[A-Za-z0-9._~+/=-]{6,})"#,
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
    // GitHub's tokens carry their type as a prefix (ghp_ personal, gho_
    // OAuth, ghu_/ghs_ app, ghr_ refresh; github_pat_ fine-grained).
    (
        "github",
        r"\b(?P<secret>gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})",
        any,
    ),
    // A user and password on a command line: etcdctl's and curl's
    // `--user NAME:PASS` (`-u`, `--user=`). The name stays.
    (
        "password",
        r#"(?:^|[\s"'])(?:--user|-u)(?:=|\s+)[^\s:"'<]+:(?P<secret>[^\s"']+)"#,
        any,
    ),
];

fn compile() -> Vec<Rule> {
    TABLE
        .into_iter()
        .map(|(kind, re, check)| {
            let re = Regex::new(re).expect("redaction regexes are constant");
            let secret = re
                .capture_names()
                .position(|n| n == Some("secret"))
                .expect("every rule has a secret group");
            Rule {
                kind,
                re,
                check,
                secret,
                scheme: matches!(kind, "authorization" | "bearer"),
            }
        })
        .collect()
}
