//! Secrets known by their shape alone: IAM API keys, base64 key material;
//! and the tests that tell a credential from prose or an id.

use super::{is_placeholder, placeholder, work};

const KEY_CHARS_LEN: usize = 44;
/// Standard base64 shorter than this is too short to be key material
/// (an AES-128 key is 24 characters with padding, AES-256 44).
const BASE64_MIN: usize = 24;

/// A value after `Basic`, `Bearer` or `Authorization`: a digit, a symbol, or
/// a capital after the first letter. `Basic validation failed` is prose.
pub fn credential_like(v: &str) -> bool {
    v.len() >= 20
        || v.bytes().any(|b| !b.is_ascii_alphabetic())
        || v.bytes().skip(1).any(|b| b.is_ascii_uppercase())
}

/// An unquoted `name: value` is also Go's error wrapping (`WDEK secret:
/// Operation cannot be fulfilled`, `refresh token: context deadline
/// exceeded`), so there a value is a secret only if it is not the next
/// wrapped message (`secret: kp-wdek: not found`), a cluster id, a CRN or an
/// HTTP status (`/identity/token: 400 Bad Request`). A plain word is a
/// secret when no word of an error message looks like it (mixed case,
/// `AbCdEf`, or longer than words are); otherwise after a word sentences
/// use (`token`, `Secret`) it is prose, and after a name they do not
/// (`Passwd`, `access_token`) it is a secret unless more words follow it
/// (`prose`: `iam-api-key: retries exhausted`).
pub fn colon_value_is_secret(name: &str, v: &str, prose: bool) -> bool {
    if v.len() < 3
        || v.ends_with(':')
        || is_cluster_id(v)
        || v.starts_with("crn:")
        || is_http_status(v)
    {
        return false;
    }
    if !v.bytes().all(|b| b.is_ascii_alphabetic()) {
        return true;
    }
    let b = v.as_bytes();
    let mixed = b[1..].iter().any(u8::is_ascii_uppercase) && b.iter().any(u8::is_ascii_lowercase);
    mixed || v.len() >= PROSE_WORD_MAX || (!is_prose_word(name) && !prose)
}

/// Letters-only values this long are not words of an error message.
const PROSE_WORD_MAX: usize = 16;

/// The key-ish words that Go's error wrapping also uses as plain words.
fn is_prose_word(name: &str) -> bool {
    [
        "token",
        "secret",
        "password",
        "session",
        "cookie",
        "credential",
        "credentials",
        "signature",
    ]
    .iter()
    .any(|w| name.eq_ignore_ascii_case(w))
}

fn is_http_status(v: &str) -> bool {
    matches!(v.as_bytes(), [b'1'..=b'5', b'0'..=b'9', b'0'..=b'9'])
}

/// A 20-character xid (`c23h5icd0sr2mu96rcig`).
pub fn is_cluster_id(v: &str) -> bool {
    v.len() == 20 && v.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'v'))
}

fn is_key_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

/// IAM API keys: runs of exactly 44 `[A-Za-z0-9_-]` with a digit or capital,
/// and longer runs whose last 44 characters look random (a key with a
/// prefix glued on: `ApiKey-<key>`). Scanning runs (not a regex) makes the
/// length exact on both sides. Hex ids and lowercase names never qualify.
pub fn api_keys(text: &str) -> Option<String> {
    replace_runs(
        text,
        |b, i| is_key_char(b[i]),
        |run| {
            let b = run.as_bytes();
            let bare = b.len() == KEY_CHARS_LEN
                && b.iter()
                    .any(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
            let tail = b.len() > KEY_CHARS_LEN && looks_random(&b[b.len() - KEY_CHARS_LEN..]);
            (bare || tail).then_some("apikey")
        },
    )
}

/// Standard base64 (`+`, `/`, `=` padding) long enough to be key material,
/// as Key Protect returns it. Paths have `/` too, so the run must look
/// random: capitals, small letters and digits, and many distinct characters.
pub fn base64_material(text: &str) -> Option<String> {
    let is_b64 = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/');
    // `=` is padding only at the end of a run: `x=AbC...` is two runs.
    let in_run = |b: &[u8], i: usize| {
        is_b64(b[i]) || (b[i] == b'=' && !b.get(i + 1).is_some_and(|&c| is_b64(c)))
    };
    replace_runs(text, in_run, |run| {
        let core = run.trim_end_matches('=');
        let b = core.as_bytes();
        let padded = core.len() < run.len();
        let symbols = b.iter().any(|&c| c == b'+' || c == b'/');
        (b.len() >= BASE64_MIN
            && run.len() - core.len() <= 2
            && !core.contains('=')
            && (symbols || padded)
            && looks_random(b))
        .then_some("key-material")
    })
}

/// Capitals, small letters and digits (a random 44-character key lacks a
/// digit once in 1,700 draws), and as many distinct characters as
/// random text of that length would have (CamelCase identifiers and paths
/// have far fewer).
fn looks_random(b: &[u8]) -> bool {
    let upper = b.iter().any(u8::is_ascii_uppercase);
    let lower = b.iter().any(u8::is_ascii_lowercase);
    let digit = b.iter().any(u8::is_ascii_digit);
    let mut seen = [false; 256];
    for &c in b {
        seen[c as usize] = true;
    }
    let distinct = seen.iter().filter(|s| **s).count();
    upper && lower && digit && distinct * 2 >= b.len().min(40)
}

/// Replaces each maximal run of `is_run` bytes that `kind_of` names.
fn replace_runs(
    text: &str,
    is_run: impl Fn(&[u8], usize) -> bool,
    kind_of: impl Fn(&str) -> Option<&'static str>,
) -> Option<String> {
    let b = text.as_bytes();
    work::add(b.len());
    let mut out: Option<String> = None;
    let mut last = 0;
    let mut i = 0;
    while i < b.len() {
        if !is_run(b, i) {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && is_run(b, i) {
            i += 1;
        }
        let run = &text[start..i];
        if run.len() < BASE64_MIN {
            continue;
        }
        if let Some(kind) = kind_of(run) {
            let o = out.get_or_insert_with(String::new);
            o.push_str(&text[last..start]);
            o.push_str(&placeholder(kind, run));
            last = i;
        }
    }
    out.map(|mut o| {
        o.push_str(&text[last..]);
        o
    })
}

/// `user:password@host` with no scheme, as in a source label
/// (`logdna:user:password@host`): everything from the label's first `:` to
/// the last `@` before the host.
pub fn bare_userinfo(name: &str) -> Option<String> {
    let at = name.rfind('@')?;
    let host = &name[at + 1..];
    if host.is_empty() || host.contains('/') || name[..at].contains('/') {
        return None;
    }
    let colon = name[..at].find(':')?;
    let info = &name[colon + 1..at];
    if info.is_empty() || is_placeholder(info) {
        return None;
    }
    Some(format!(
        "{}{}{}",
        &name[..=colon],
        placeholder("url-credentials", info),
        &name[at..]
    ))
}
