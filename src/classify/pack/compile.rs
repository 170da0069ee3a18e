//! Turning a pack's strings into checked rules: ids, keywords, regexes with
//! their defines, and each rule's sample lines.

use super::Rule;
use crate::error::{Error, Result};
// Byte regexes with Unicode off: the runbook's phrases and error strings are
// ASCII, and ASCII classes keep the lazy DFAs small, which is most of the
// start-up time. A pattern can still opt in with `(?u)`.
use regex::bytes::{Regex, RegexBuilder};
use std::collections::BTreeMap;

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

pub(super) fn compile_all(
    pats: &[String],
    defines: &BTreeMap<String, String>,
    origin: &str,
    entry: &str,
    what: &str,
) -> Result<Vec<Regex>> {
    pats.iter()
        .enumerate()
        .map(|(i, p)| compile(p, defines, origin, &format!("{entry} {what}[{i}]")))
        .collect()
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
        .size_limit(1 << 22)
        .build()
        .map_err(|e| Error::pack(origin, entry, format!("invalid regex: {e}")))
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
