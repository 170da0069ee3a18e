//! Turning a pack's strings into checked rules: ids, keywords, regexes with
//! their defines, and each rule's sample lines.

use super::Rule;
use crate::error::{Error, Result};
// Byte regexes with Unicode off: the runbook's phrases and error strings are
// ASCII, and ASCII classes keep the lazy DFAs small, which is most of the
// start-up time. A pattern can still opt in with `(?u)`.
use regex::bytes::{Regex, RegexBuilder};
use std::collections::BTreeMap;

/// Per pattern: generous for the runbook's phrases, and a bound on what a
/// user pack can make kp-triage build.
const SIZE_LIMIT: usize = 1 << 22;

pub(super) fn check_id(id: &str, origin: &str, entry: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-' || b == b'.'
        });
    if ok {
        Ok(())
    } else {
        Err(Error::pack(
            origin,
            entry,
            "ids use lowercase letters, digits, `_`, `-` and `.`",
        ))
    }
}

/// Keywords are matched case-insensitively against raw lines, where JSON may
/// escape quotes and backslashes; such keywords would never match.
pub(super) fn lowercase_keywords(
    words: &[String],
    origin: &str,
    entry: &str,
) -> Result<Vec<String>> {
    words
        .iter()
        .map(|w| {
            if w.trim().is_empty() || w.contains(['"', '\\']) {
                Err(Error::pack(
                    origin,
                    entry,
                    format!("keyword {w:?} is empty or holds a quote or backslash"),
                ))
            } else {
                Ok(w.to_ascii_lowercase())
            }
        })
        .collect()
}

/// Compiles a rule's list of patterns into one alternation, so a line is
/// searched once per rule, not once per pattern. The leftmost match of the
/// alternation starts where the earliest of the patterns would.
///
/// The patterns are joined after parsing, as printed HIR: flags and case
/// folding are resolved and comments gone, so `a)|(b` cannot pair up with its
/// neighbour, nor a `(?x)` comment swallow it. When the whole fails (a size
/// limit), the culprit is found by compiling each alone, so the error still
/// names `regex[i]`.
pub(super) fn compile_any(
    pats: &[String],
    defines: &BTreeMap<String, String>,
    origin: &str,
    entry: &str,
    what: &str,
) -> Result<Option<Regex>> {
    let at = |i: usize| format!("{entry} {what}[{i}]");
    let mut parts = Vec::with_capacity(pats.len());
    for (i, p) in pats.iter().enumerate() {
        let expanded = expand(p, defines).map_err(|m| Error::pack(origin, at(i), m))?;
        let hir = regex_syntax::ParserBuilder::new()
            .case_insensitive(true)
            .unicode(false)
            .utf8(false)
            .build()
            .parse(&expanded)
            .map_err(|e| Error::pack(origin, at(i), format!("invalid regex: {e}")))?;
        parts.push(format!("(?:{hir})"));
    }
    if parts.is_empty() {
        return Ok(None);
    }
    // Printed HIR spells out its own case folding and marks byte classes with
    // `(?-u:...)`; compiling it with the defaults keeps exactly its meaning.
    RegexBuilder::new(&parts.join("|"))
        .size_limit(SIZE_LIMIT * parts.len())
        .build()
        .map(Some)
        .map_err(|whole| {
            match (0..pats.len()).find_map(|i| compile(&pats[i], defines, origin, &at(i)).err()) {
                Some(alone) => alone,
                None => Error::pack(
                    origin,
                    entry,
                    format!("the `{what}` patterns together: {whole}"),
                ),
            }
        })
}

/// Compiles case-insensitively after replacing `{{name}}` with its define.
pub(super) fn compile(
    pattern: &str,
    defines: &BTreeMap<String, String>,
    origin: &str,
    entry: &str,
) -> Result<Regex> {
    let expanded = expand(pattern, defines).map_err(|m| Error::pack(origin, entry, m))?;
    RegexBuilder::new(&expanded)
        .case_insensitive(true)
        .unicode(false)
        .size_limit(SIZE_LIMIT)
        .build()
        .map_err(|e| Error::pack(origin, entry, format!("invalid regex: {e}")))
}

/// The join changes nothing: on every line a pack knows (the samples and
/// not_samples of every rule), each rule's alternation matches where the
/// earliest of its patterns, compiled alone, does. Panics on a difference;
/// returns how many (rule, line) pairs it compared. Unit tests run it on the
/// default pack, and the `pack` fuzz target on every pack it makes.
pub(crate) fn check_joined(text: &str) -> usize {
    let Ok(file) = toml::from_str::<super::file::PackFile>(text) else {
        return 0;
    };
    let lines: Vec<&String> = file
        .rule
        .iter()
        .flat_map(|r| r.samples.iter().chain(&r.not_samples))
        .collect();
    let mut checked = 0;
    for r in &file.rule {
        for (what, pats) in [("regex", &r.regex), ("unless", &r.unless)] {
            let Ok(joined) = compile_any(pats, &file.defines, "", &r.id, what) else {
                continue;
            };
            let Ok(alone) = pats
                .iter()
                .map(|p| compile(p, &file.defines, "", &r.id))
                .collect::<Result<Vec<Regex>>>()
            else {
                continue;
            };
            for line in &lines {
                let line = line.as_bytes();
                let want = alone
                    .iter()
                    .filter_map(|re| re.find(line))
                    .map(|m| m.start())
                    .min();
                let got = joined
                    .as_ref()
                    .and_then(|re| re.find(line))
                    .map(|m| m.start());
                assert_eq!(got, want, "rule {} {what}: {pats:?} on {line:?}", r.id);
                checked += 1;
            }
        }
    }
    checked
}

pub(super) fn expand(
    pattern: &str,
    defines: &BTreeMap<String, String>,
) -> std::result::Result<String, String> {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(open) = rest.find("{{") {
        let close = rest[open..].find("}}").ok_or("unclosed `{{`")? + open;
        let name = &rest[open + 2..close];
        let value = defines
            .get(name)
            .ok_or_else(|| format!("unknown define `{{{{{name}}}}}`"))?;
        out.push_str(&rest[..open]);
        out.push_str(&format!("(?:{value})"));
        rest = &rest[close + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

pub(super) fn check_samples(rule: &Rule, origin: &str, entry: &str) -> Result<()> {
    if let Some(s) = rule.samples.iter().find(|s| rule.find(s).is_none()) {
        return Err(Error::pack(
            origin,
            entry,
            format!("sample does not match its own rule: {s:?}"),
        ));
    }
    if let Some(s) = rule.not_samples.iter().find(|s| rule.find(s).is_some()) {
        return Err(Error::pack(
            origin,
            entry,
            format!("not_sample matches the rule: {s:?}"),
        ));
    }
    Ok(())
}

pub(super) fn kind_name(kind: super::Kind) -> &'static str {
    match kind {
        super::Kind::Cause => "cause",
        super::Kind::AttemptFailed => "attempt_failed",
        super::Kind::Exhausted => "exhausted",
        super::Kind::Unclassified => "unclassified",
    }
}

/// `clusterID`, `cluster_id` and `cluster-id` are one field to us.
pub fn normalize_field(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any(pats: &[&str]) -> Result<Option<Regex>> {
        let pats: Vec<String> = pats.iter().map(|p| p.to_string()).collect();
        let defines = BTreeMap::from([("id".to_string(), "[a-z0-9]{20}".to_string())]);
        compile_any(&pats, &defines, "p.toml", "rule `r`", "regex")
    }

    #[test]
    fn the_alternation_starts_where_the_earliest_pattern_does() {
        let re = any(&["WDEK", "failed to update", "cluster {{id}}"])
            .unwrap()
            .unwrap();
        let line = b"cluster ck0l2hsd0k8qe1r4bq3g: failed to update wdek secret";
        assert_eq!(re.find(line).map(|m| m.start()), Some(0));
        assert_eq!(re.find(&line[8..]).map(|m| m.start()), Some(22));
        assert!(any(&[]).unwrap().is_none());
    }

    #[test]
    fn the_default_pack_joined_matches_its_patterns_alone() {
        let checked = check_joined(super::super::DEFAULT_PACK);
        assert!(checked > 500, "only {checked} checks");
    }

    #[test]
    fn a_pattern_cannot_pair_up_with_its_neighbour() {
        // Joined blindly, these two would make the valid `(?:a)|(?:b)`.
        let err = any(&["x", "a)|(?:b", "c"]).unwrap_err().to_string();
        assert!(err.contains("rule `r` regex[1]"), "{err}");
        assert!(err.contains("invalid regex"), "{err}");
    }

    #[test]
    fn flags_and_comments_stay_inside_their_pattern() {
        let re = any(&["(?x) w d e k  # the secret", "(?-i)ETCD", "conflict"])
            .unwrap()
            .unwrap();
        assert!(re.is_match(b"failed to update WDEK secret"));
        assert!(re.is_match(b"Operation cannot be fulfilled: CONFLICT"));
        assert!(re.is_match(b"ETCD down"));
        assert!(
            !re.is_match(b"etcd down"),
            "(?-i) holds for its own pattern only"
        );
        assert!(
            !re.is_match(b"w d e k"),
            "(?x) holds for its own pattern only"
        );
    }

    #[test]
    fn non_utf8_bytes_and_unicode_opt_in_survive_the_join() {
        let re = any(&[r"(?-u:\xFF)key", r"(?u)ключ"]).unwrap().unwrap();
        assert!(re.is_match(b"\xFFkey"));
        assert!(re.is_match("КЛЮЧ".as_bytes()));
    }

    #[test]
    fn errors_found_only_when_compiling_still_name_the_pattern() {
        // Parses, but a Unicode class is refused with Unicode off.
        let err = any(&["ok", r"\p{Greek}"]).unwrap_err().to_string();
        assert!(err.contains("regex[1]"), "{err}");
        let err = any(&["ok", "{{nope}}"]).unwrap_err().to_string();
        assert!(
            err.contains("regex[1]") && err.contains("unknown define"),
            "{err}"
        );
    }
}
