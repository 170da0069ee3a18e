//! Which cluster a record is about: a field, a CRN, or the text; and the
//! correlation id, attempt number and retry budget that tie other lines to it.

use super::pack::{normalize_field, AttributionSpec};
use regex::bytes::Regex;
use std::sync::Arc;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Who {
    /// Shared: the scan hands every event of a cluster the same id.
    pub cluster: Option<Arc<str>>,
    /// Where the cluster id was found.
    pub source: Option<IdSource>,
    pub corr: Option<Box<str>>,
    pub attempt: Option<u32>,
    /// The number of attempts the service allows, when the record says.
    pub budget: Option<u32>,
}

/// Where a cluster id came from. Ids from fields and CRNs are certain, and
/// are then recognised anywhere in free text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdSource {
    Field,
    Crn,
    Text,
}

pub fn attribute(spec: &AttributionSpec, fields: &[(&str, &str)], text: &str) -> Who {
    let mut who = Who::default();
    for (k, v) in fields {
        let name = field_name(k);
        let has = |list: &[String]| list.iter().any(|w| name.contains(w.as_str()));
        if who.cluster.is_none() {
            let found = if has(&spec.cluster_fields) {
                cluster_in_field(spec, v)
            } else {
                crn(spec, v).map(|id| (id, IdSource::Crn))
            };
            if let Some((id, source)) = found {
                who.cluster = Some(id.into());
                who.source = Some(source);
            }
        }
        let corr = has(&spec.corr_fields) || spec.corr_names.iter().any(|n| *n == *name);
        if who.corr.is_none() && corr && !v.trim().is_empty() {
            who.corr = Some(v.trim().into());
        }
        if who.attempt.is_none() && spec.attempt_fields.iter().any(|n| *n == *name) {
            // "3", or "3/5" and "3 of 5", which also give the budget.
            let (k, m) = fraction(v);
            who.attempt = k;
            who.budget = who.budget.or(m);
        }
        if who.budget.is_none() && spec.budget_fields.iter().any(|n| *n == *name) {
            who.budget = number(v);
        }
    }
    if who.cluster.is_none() {
        if let Some(id) = crn(spec, text) {
            who.cluster = Some(id.into());
            who.source = Some(IdSource::Crn);
        } else if let Some(id) = cluster_in_text(spec, text) {
            who.cluster = Some(id.into());
            who.source = Some(IdSource::Text);
        }
    }
    let sets = &spec.text_sets;
    if who.corr.is_none() && sets.corr.may_match(&spec.corr_text, text) {
        who.corr = first_capture(&spec.corr_text, text, "id").map(String::into_boxed_str);
    }
    if who.attempt.is_none() && sets.attempt.may_match(&spec.attempt_text, text) {
        who.attempt = first_capture(&spec.attempt_text, text, "n").and_then(|n| number(&n));
    }
    if who.budget.is_none() && sets.budget.may_match(&spec.budget_text, text) {
        who.budget = first_capture(&spec.budget_text, text, "max").and_then(|n| number(&n));
    }
    who
}

/// A field name normalised (`normalize_field`): on the stack for a short
/// ASCII name, as nearly every field name is.
pub(super) enum Normal {
    Short([u8; 64], usize),
    Long(String),
}

impl std::ops::Deref for Normal {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            Normal::Short(buf, n) => std::str::from_utf8(&buf[..*n]).expect("ASCII is UTF-8"),
            Normal::Long(s) => s,
        }
    }
}

pub(super) fn field_name(k: &str) -> Normal {
    let mut buf = [0u8; 64];
    if k.len() > buf.len() || !k.is_ascii() {
        return Normal::Long(normalize_field(k));
    }
    let mut n = 0;
    for b in k.bytes().filter(|b| !matches!(b, b'_' | b'-' | b'.')) {
        buf[n] = b.to_ascii_lowercase();
        n += 1;
    }
    Normal::Short(buf, n)
}

/// `k`, `k/m` or `k of m`.
fn fraction(v: &str) -> (Option<u32>, Option<u32>) {
    let v = v.trim();
    let split = v.split_once('/').or_else(|| v.split_once(" of "));
    match split {
        Some((k, m)) => (number(k), number(m)),
        None => (number(v), None),
    }
}

/// A small positive count; "0" and absurd numbers are no attempt number.
fn number(v: &str) -> Option<u32> {
    v.trim().parse().ok().filter(|n| (1..=10_000).contains(n))
}

/// A field about the cluster: the id itself, an id inside a nested object
/// (`{"id": "..."}`), or a CRN. No digit is required: the field says it.
fn cluster_in_field(spec: &AttributionSpec, v: &str) -> Option<(String, IdSource)> {
    if let Some(id) = crn(spec, v) {
        return Some((id, IdSource::Crn));
    }
    let is_id = |t: &str| {
        spec.cluster_id
            .as_ref()
            .is_some_and(|re| re.is_match(t.as_bytes()))
    };
    let v = v.trim();
    if is_id(v) {
        return Some((v.to_ascii_lowercase(), IdSource::Field));
    }
    // Nested JSON arrives as its text; its tokens are the candidates.
    if v.starts_with('{') || v.starts_with('[') {
        return v
            .split(|c: char| !c.is_ascii_alphanumeric())
            .find(|t| is_id(t))
            .map(|t| (t.to_ascii_lowercase(), IdSource::Field));
    }
    None
}

/// The alert names a cluster by CRN; so may any field. A CRN in a URL's
/// query string or path is percent-encoded (`crn%3Av1%3Abluemix...`).
fn crn(spec: &AttributionSpec, text: &str) -> Option<String> {
    let re = spec.crn.as_ref()?;
    let find = |t: &str| {
        let c = re.captures(t.as_bytes())?;
        Some(String::from_utf8_lossy(c.name("id")?.as_bytes()).to_ascii_lowercase())
    };
    if text.contains("crn:") || text.contains("CRN:") {
        if let Some(id) = find(text) {
            return Some(id);
        }
    }
    let b = text.as_bytes();
    let encoded = memchr::memchr_iter(b'%', b)
        .any(|i| b.get(i + 1) == Some(&b'3') && matches!(b.get(i + 2), Some(b'A' | b'a')));
    if encoded {
        return find(&url_unescape_crn(text));
    }
    None
}

/// The separators a CRN holds, percent-decoded (`%3A` and `%2F`, either
/// case); the rest of the text is left as it is, so nothing else changes
/// meaning.
fn url_unescape_crn(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest.get(i + 1..i + 3).map(str::to_ascii_uppercase);
        match code.as_deref() {
            Some("3A") => out.push(':'),
            Some("2F") => out.push('/'),
            _ => {
                out.push('%');
                rest = &rest[i + 1..];
                continue;
            }
        }
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    out
}

/// The first plausible id any text pattern finds, trying every match.
fn cluster_in_text(spec: &AttributionSpec, text: &str) -> Option<String> {
    let sets = &spec.text_sets;
    if !sets.cluster.may_match(&spec.cluster_text, text) {
        return None;
    }
    spec.cluster_text.iter().find_map(|re| {
        re.captures_iter(text.as_bytes())
            .filter_map(|c| c.name("id"))
            .map(|m| String::from_utf8_lossy(m.as_bytes()))
            .find(|id| plausible_id(spec, id))
            .map(|id| id.to_ascii_lowercase())
    })
}

/// In free text an id must carry a digit; that keeps twenty-letter words out.
fn plausible_id(spec: &AttributionSpec, id: &str) -> bool {
    id.bytes().any(|b| b.is_ascii_digit())
        && spec
            .cluster_id
            .as_ref()
            .is_some_and(|re| re.is_match(id.as_bytes()))
}

/// IKS cluster ids: 20 lowercase alphanumerics (xids use `0-9a-v`), or
/// 32 hex digits.
pub fn id_shaped(t: &[u8]) -> bool {
    match t.len() {
        20 => t
            .iter()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase()),
        32 => t
            .iter()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
        _ => false,
    }
}

/// The id-shaped tokens of a text, for matching against ids known from
/// fields and CRNs elsewhere in the input.
pub fn id_tokens(text: &str) -> Vec<Box<str>> {
    let mut out: Vec<Box<str>> = Vec::new();
    for t in text.split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit())) {
        if id_shaped(t.as_bytes()) && !out.iter().any(|o| &**o == t) {
            out.push(t.into());
        }
    }
    out
}

fn first_capture(res: &[Regex], text: &str, group: &str) -> Option<String> {
    // Most texts match none: a match test allocates nothing, captures do.
    res.iter().find_map(|re| {
        re.is_match(text.as_bytes())
            .then(|| re.captures(text.as_bytes()))
            .flatten()
            .and_then(|c| c.name(group))
            .map(|m| String::from_utf8_lossy(m.as_bytes()).into_owned())
    })
}

#[cfg(test)]
mod set_tests {
    use crate::classify::pack::Pack;
    use crate::classify::Classifier;

    /// The sets say "no match" for a list only when no pattern of it
    /// matches: the default pack's and a user pack's patterns alike.
    #[test]
    fn the_sets_find_what_each_pattern_finds() {
        let user = "schema_version = 1\n[attribution]\ncorr_text = ['''\\bticket#(?P<id>[a-z0-9]{6,})''']\n";
        let pack = Pack::load(&[("mine.toml".into(), user.into())], false).unwrap();
        let c = Classifier::new(pack);
        let who = |t: &str| c.attribute(&[], t);
        assert_eq!(
            who("failed for ticket#ab12cd9").corr.as_deref(),
            Some("ab12cd9")
        );
        assert_eq!(
            who("failed, request_id=r-77aa9").corr.as_deref(),
            Some("r-77aa9")
        );
        assert_eq!(who("retry 2 of 5 failed").attempt, Some(2));
        assert_eq!(who("retry 2 of 5 failed").budget, Some(5));
        assert_eq!(who("gave up after 4 attempts").budget, Some(4));
        let none = who("IAM token refresh failed: context deadline exceeded");
        assert!(none.corr.is_none() && none.attempt.is_none() && none.budget.is_none());
    }
}

#[cfg(test)]
mod name_tests {
    use super::{field_name, normalize_field};

    #[test]
    fn a_name_normalised_on_the_stack_is_normalize_field() {
        let long = "Cluster_ID.".repeat(10);
        for k in [
            "clusterID",
            "request_id",
            "X-Request-Id",
            "a.b_c-d",
            "_",
            "",
            "ÄttemPt",
            "İd",
            long.as_str(),
        ] {
            assert_eq!(&*field_name(k), normalize_field(k), "{k}");
        }
    }
}
