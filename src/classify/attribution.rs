//! Which cluster a record is about: a field, a CRN, or the text; and the
//! correlation id and attempt number that tie other lines to it.

use super::pack::{normalize_field, AttributionSpec};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Who {
    pub cluster: Option<String>,
    pub corr: Option<String>,
    pub attempt: Option<u32>,
}

pub fn attribute(spec: &AttributionSpec, fields: &[(&str, &str)], text: &str) -> Who {
    let mut who = Who::default();
    for (k, v) in fields {
        let name = normalize_field(k);
        if who.cluster.is_none() && spec.cluster_fields.contains(&name) {
            who.cluster = cluster_in_value(spec, v);
        }
        if who.corr.is_none() && spec.corr_fields.contains(&name) && !v.trim().is_empty() {
            who.corr = Some(v.trim().to_string());
        }
        if who.attempt.is_none() && spec.attempt_fields.contains(&name) {
            who.attempt = v.trim().parse().ok();
        }
    }
    if who.cluster.is_none() {
        who.cluster = cluster_in_text(spec, text);
    }
    if who.corr.is_none() {
        who.corr = first_capture(&spec.corr_text, text, "id");
    }
    if who.attempt.is_none() {
        who.attempt = first_capture(&spec.attempt_text, text, "n").and_then(|n| n.parse().ok());
    }
    who
}

fn cluster_in_value(spec: &AttributionSpec, v: &str) -> Option<String> {
    let v = v.trim();
    if plausible_id(spec, v) {
        return Some(v.to_ascii_lowercase());
    }
    cluster_in_text(spec, v)
}

fn cluster_in_text(spec: &AttributionSpec, text: &str) -> Option<String> {
    first_capture(&spec.cluster_text, text, "id")
        .filter(|id| plausible_id(spec, id))
        .map(|id| id.to_ascii_lowercase())
}

/// Cluster ids carry a digit; that keeps twenty-letter words out.
fn plausible_id(spec: &AttributionSpec, id: &str) -> bool {
    id.bytes().any(|b| b.is_ascii_digit())
        && spec
            .cluster_id
            .as_ref()
            .is_some_and(|re| re.is_match(id.as_bytes()))
}

fn first_capture(res: &[regex::bytes::Regex], text: &str, group: &str) -> Option<String> {
    res.iter().find_map(|re| {
        re.captures(text.as_bytes())
            .and_then(|c| c.name(group))
            .map(|m| String::from_utf8_lossy(m.as_bytes()).into_owned())
    })
}
