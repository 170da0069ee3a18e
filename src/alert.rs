//! The pager's alert, as pasted: the `Labels:` / `Annotations:` block of
//! `- key = value` lines (FORMATS.md section 7, the runbook's example).
//! From it come the alert's name, the cluster (from its CRN), the window
//! ("in the last 15 mins") and, when the text has one, the time it fired.
//!
//! Pure: text in, facts out. Pasted text comes in many shapes, so the parser
//! is lenient about indentation, bullets, quotes, `=` or `:`, CRLF and extra
//! labels, and only insists on finding an alert at all.

use crate::time::{self, Ts};
use regex::Regex;
use serde::Serialize;
use std::sync::LazyLock;
use std::time::Duration;

/// The alert this tool's runbook handles.
pub const ROTATION_ALERT: &str = "armada-kp-events/armada_kp_events_key_rotation_failures";
/// The sibling alert on the same service, which has its own runbook.
pub const PROCESSING_ALERT: &str = "ArmadaKPEventsProcessingErrors";
/// The sibling's runbook, as FORMATS.md section 7 describes it.
pub const PROCESSING_RUNBOOK: &str = "the armada-kp-events processing errors runbook \
    (ArmadaKPEventsProcessingErrors, metric armada_kp_events_status{status=\"failed\"}: \
    \"cluster is busy with another KMS action\", \"Error finding ETCD info for the cluster\", \
    migration errors; search LogDNA by the request's CorrID)";

/// Which alert the text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertKind {
    /// armada_kp_events_key_rotation_failures: this tool's runbook.
    KeyRotationFailures,
    /// ArmadaKPEventsProcessingErrors: another runbook.
    ProcessingErrors,
    /// Some other alert.
    Other,
}

/// What the pasted alert says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    /// `alertname` as given (or `alert_situation`).
    pub name: String,
    pub kind: AlertKind,
    /// The resource CRN: the `CRN` label, else the first CRN in the text.
    pub crn: Option<String>,
    /// The cluster id inside the CRN.
    pub cluster: Option<String>,
    /// "in the last 15 mins": how far back the alert looked.
    pub window: Option<Duration>,
    /// When it fired (`Starts At`, `startsAt`, an RFC 3339 line), if given.
    pub at: Option<Ts>,
    /// The carrier the sibling alert names (`carrier_name`).
    pub carrier: Option<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AlertError {
    #[error("the alert text is empty")]
    Empty,
    #[error(
        "no alert found in the text: expected the pager's Labels:/Annotations: block, \
         with `alertname = ...` or a cluster CRN"
    )]
    NotAnAlert,
}

static CRN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"crn:v1:[A-Za-z0-9._/:-]+").expect("valid regex"));
static WINDOW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:in|over|during|within)\s+the\s+(?:last|past|previous)\s+(?:(\d+)\s*)?(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)\b",
    )
    .expect("valid regex")
});
static RFC3339: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?")
        .expect("valid regex")
});

/// Keys whose value is when the alert fired.
const TIME_KEYS: &[&str] = &[
    "startsat",
    "starts at",
    "started at",
    "start time",
    "activeat",
    "active at",
    "active since",
    "fired at",
    "firing since",
    "triggered at",
    "time",
    "timestamp",
];

/// Parses pasted alert text.
pub fn parse(text: &str) -> Result<Alert, AlertError> {
    let pairs: Vec<(String, String)> = text.lines().filter_map(pair).collect();
    if text.trim().is_empty() {
        return Err(AlertError::Empty);
    }
    let get = |keys: &[&str]| {
        pairs
            .iter()
            .find(|(k, _)| keys.contains(&k.as_str()))
            .map(|(_, v)| v.clone())
    };
    let name = get(&["alertname", "alert name", "alert"])
        .or_else(|| get(&["alert_situation"]))
        .or_else(|| known_name(text));
    let crn = get(&["crn"])
        .and_then(|v| CRN.find(&v).map(|m| m.as_str().to_string()))
        .or_else(|| CRN.find(text).map(|m| m.as_str().to_string()));
    let Some(name) = name.or_else(|| crn.as_ref().map(|_| String::new())) else {
        return Err(AlertError::NotAnAlert);
    };
    let cluster = crn.as_deref().and_then(crate::crn::cluster_of_crn);
    let at = pairs
        .iter()
        .filter(|(k, _)| TIME_KEYS.contains(&k.as_str()))
        .find_map(|(_, v)| parse_time(v))
        .or_else(|| time_line(text));
    Ok(Alert {
        kind: kind_of(&name, text),
        name,
        crn,
        cluster,
        window: window(text),
        at,
        carrier: get(&["carrier_name", "carrier"]),
    })
}

/// `- key = value`, `key: "value"`, `  * key=value`: the key lowercased,
/// the value unquoted. Section headers (`Labels:`) have no value.
fn pair(line: &str) -> Option<(String, String)> {
    let line = line.trim().trim_start_matches(['-', '*', '•']).trim_start();
    let cut = match (line.find('='), line.find(':')) {
        (Some(e), Some(c)) => e.min(c),
        (Some(i), None) | (None, Some(i)) => i,
        (None, None) => return None,
    };
    let key = line[..cut].trim().trim_matches(['"', '\'']);
    let value = unquote(line[cut + 1..].trim());
    let plain_key = !key.is_empty()
        && key.len() <= 40
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '));
    (plain_key && !value.is_empty()).then(|| (key.to_ascii_lowercase(), value.to_string()))
}

fn unquote(v: &str) -> &str {
    let v = v.trim_end_matches(',');
    for q in ['"', '\'', '`'] {
        if v.len() >= 2 && v.starts_with(q) && v.ends_with(q) {
            return &v[1..v.len() - 1];
        }
    }
    v
}

/// An alert name said in the text without an `alertname` label.
fn known_name(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    if lower.contains("armada_kp_events_key_rotation_failures") {
        Some(ROTATION_ALERT.to_string())
    } else if lower.contains(&PROCESSING_ALERT.to_ascii_lowercase()) {
        Some(PROCESSING_ALERT.to_string())
    } else {
        None
    }
}

fn kind_of(name: &str, text: &str) -> AlertKind {
    let n = name.to_ascii_lowercase();
    let n = if n.is_empty() {
        known_name(text).unwrap_or_default().to_ascii_lowercase()
    } else {
        n
    };
    if n.contains("key_rotation_failures") {
        AlertKind::KeyRotationFailures
    } else if n.contains("processingerrors") || n.contains("processing_errors") {
        AlertKind::ProcessingErrors
    } else {
        AlertKind::Other
    }
}

/// "in the last 15 mins", "over the past 2 hours", "in the last hour".
fn window(text: &str) -> Option<Duration> {
    let c = WINDOW.captures(text)?;
    let n: u64 = match c.get(1) {
        Some(m) => m.as_str().parse().ok()?,
        None => 1,
    };
    let unit = c[2].to_ascii_lowercase();
    let secs = match unit.as_bytes()[0] {
        b's' => 1,
        b'm' => 60,
        b'h' => 3600,
        _ => 86_400,
    };
    (n > 0).then(|| Duration::from_secs(n.saturating_mul(secs)))
}

/// RFC 3339, or Go's `time.Time` string as Alertmanager's templates print
/// `.StartsAt`: `2026-11-20 03:15:00.123 +0000 UTC`.
fn parse_time(v: &str) -> Option<Ts> {
    let v = v.trim();
    if let Some(ts) = time::parse_iso(v) {
        return Some(ts);
    }
    let mut parts: Vec<&str> = v.split_whitespace().collect();
    if parts.len() >= 3
        && parts
            .last()
            .is_some_and(|z| z.chars().all(char::is_alphabetic))
    {
        parts.pop();
    }
    if parts.len() == 3 {
        return time::parse_iso(&format!("{}T{}{}", parts[0], parts[1], parts[2]));
    }
    let m = RFC3339.find(v)?;
    time::parse_iso(m.as_str())
}

/// A line that is only a time (some pagers print the firing time alone).
fn time_line(text: &str) -> Option<Ts> {
    text.lines()
        .map(str::trim)
        .find(|l| {
            RFC3339
                .find(l)
                .is_some_and(|m| m.start() == 0 && m.end() == l.len())
        })
        .and_then(parse_time)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RUNBOOK: &str = "Labels:
 - alertname = armada-kp-events/armada_kp_events_key_rotation_failures
 - alert_situation = \"armada-kp-events/armada_kp_events_key_rotation_failures\"
 - service = armada-deploy
 - severity = critical
Annotations:
 - summary = \"armada-kp-events is experiencing consistent failures while attempting to rotate the service api key for a cluster\"
 - description = \"armada-kp-events service has experienced failures processing the service api key rotation for resource crn:v1:bluemix:public:containers-kubernetes:us-south:a/c5c0dba4d5406e21164fb825760a7292:c23h5icd0sr2mu96rcig:: in the last 15 mins\"
";

    #[test]
    fn the_runbooks_example() {
        let a = parse(RUNBOOK).unwrap();
        assert_eq!(a.name, ROTATION_ALERT);
        assert_eq!(a.kind, AlertKind::KeyRotationFailures);
        assert_eq!(a.cluster.as_deref(), Some("c23h5icd0sr2mu96rcig"));
        assert_eq!(
            a.crn.as_deref(),
            Some("crn:v1:bluemix:public:containers-kubernetes:us-south:a/c5c0dba4d5406e21164fb825760a7292:c23h5icd0sr2mu96rcig::")
        );
        assert_eq!(a.window, Some(Duration::from_secs(900)));
        assert_eq!(a.at, None);
    }

    #[test]
    fn crlf_tabs_and_no_indentation() {
        let text = RUNBOOK.replace('\n', "\r\n").replace(" - ", "\t- ");
        assert_eq!(parse(&text).unwrap(), parse(RUNBOOK).unwrap());
        let flat = RUNBOOK.replace(" - ", "");
        assert_eq!(parse(&flat).unwrap(), parse(RUNBOOK).unwrap());
    }

    #[test]
    fn colons_single_quotes_extra_labels_and_a_start_time() {
        let text = "Labels:
    - alertname: 'armada-kp-events/armada_kp_events_key_rotation_failures'
    - carrier_name: prod-dal10-carrier2
    - team = armada-deploy
Annotations:
    - description: 'failures for resource crn:v1:bluemix:public:containers-kubernetes:eu-de:a/0123456789abcdef0123456789abcdef:bm64u3ed02o93vv36hb0:: in the past 2 hours'
Starts At: 2026-11-20 03:15:00.123 +0000 UTC
";
        let a = parse(text).unwrap();
        assert_eq!(a.kind, AlertKind::KeyRotationFailures);
        assert_eq!(a.cluster.as_deref(), Some("bm64u3ed02o93vv36hb0"));
        assert_eq!(a.window, Some(Duration::from_secs(7200)));
        assert_eq!(a.at.unwrap().rfc3339(), "2026-11-20T03:15:00.123Z");
    }

    #[test]
    fn rfc3339_times_in_several_places() {
        let with = |line: &str| parse(&format!("{RUNBOOK}{line}\n")).unwrap().at;
        let t = "2026-11-20T03:15:00Z";
        assert_eq!(with(&format!("startsAt = \"{t}\"")).unwrap().rfc3339(), t);
        assert_eq!(with(&format!(" - activeAt: {t}")).unwrap().rfc3339(), t);
        assert_eq!(with(t).unwrap().rfc3339(), t);
        assert_eq!(with("Starts At: yesterday"), None);
    }

    #[test]
    fn a_missing_window_or_crn_is_none() {
        let text =
            "Labels:\n - alertname = armada-kp-events/armada_kp_events_key_rotation_failures\n";
        let a = parse(text).unwrap();
        assert_eq!((a.window, a.crn, a.cluster), (None, None, None));
        let hour = RUNBOOK.replace("in the last 15 mins", "in the last hour");
        assert_eq!(
            parse(&hour).unwrap().window,
            Some(Duration::from_secs(3600))
        );
        let mins = RUNBOOK.replace("in the last 15 mins", "in the last 30 minutes");
        assert_eq!(
            parse(&mins).unwrap().window,
            Some(Duration::from_secs(1800))
        );
    }

    #[test]
    fn the_sibling_alert() {
        let text = "Labels:
 - alertname = ArmadaKPEventsProcessingErrors
 - CRN = \"crn:v1:bluemix:public:containers-kubernetes:eu-de:a/0123456789abcdef0123456789abcdef:bm64u3ed02o93vv36hb0::\"
 - carrier_name = prod-fra02-carrier105
 - carrier_type = hub
 - crn_region = eu-de
 - severity = warning
Annotations:
 - description = \"armada-kp-events failed processing for crn:v1:bluemix:public:containers-kubernetes:eu-de:a/0123456789abcdef0123456789abcdef:bm64u3ed02o93vv36hb0::\"
";
        let a = parse(text).unwrap();
        assert_eq!(a.kind, AlertKind::ProcessingErrors);
        assert_eq!(a.cluster.as_deref(), Some("bm64u3ed02o93vv36hb0"));
        assert_eq!(a.carrier.as_deref(), Some("prod-fra02-carrier105"));
        assert_eq!(a.window, None);
    }

    #[test]
    fn a_bare_crn_or_name_is_enough_and_nothing_is_an_error() {
        let a = parse("rotation failing for crn:v1:bluemix:public:containers-kubernetes:us-south:a/c5c0dba4d5406e21164fb825760a7292:c23h5icd0sr2mu96rcig:: in the last 5 mins").unwrap();
        assert_eq!(a.cluster.as_deref(), Some("c23h5icd0sr2mu96rcig"));
        assert_eq!(a.kind, AlertKind::Other);
        let b = parse("FIRING armada_kp_events_key_rotation_failures").unwrap();
        assert_eq!(b.kind, AlertKind::KeyRotationFailures);
        assert_eq!(parse("  \r\n"), Err(AlertError::Empty));
        assert_eq!(parse("hello: world"), Err(AlertError::NotAnAlert));
    }
}
