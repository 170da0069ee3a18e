//! How one line is read, stage by stage: what `kp-triage patterns explain`
//! prints, so an engineer can see why a line counted or did not.

use crate::classify::{Classifier, Hint, IdSource, Target};
use crate::decode;
use crate::envelope::{self, ansi, text as transport};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Explanation {
    pub pod: Option<String>,
    pub container: Option<String>,
    pub format: Option<decode::Format>,
    pub level: String,
    pub message: String,
    /// The prefilter lets the line through to full decoding.
    pub candidate: bool,
    /// Rule ids that match, with the category or marker they name.
    pub rules: Vec<(String, String)>,
    /// The categories kept for the line, most specific first.
    pub categories: Vec<String>,
    pub marker: Option<String>,
    pub words: Option<Hint>,
    pub topic: bool,
    pub cluster: Option<String>,
    pub cluster_source: Option<String>,
    pub corr: Option<String>,
    pub attempt: Option<u32>,
    pub budget: Option<u32>,
}

impl Explanation {
    /// Every text taken from the line, redacted as a message is before it is
    /// stored: a secret must not reach the terminal through `explain` either.
    pub fn redacted(mut self, r: &crate::redact::Redactor) -> Explanation {
        let red = |s: &mut String| {
            if let std::borrow::Cow::Owned(o) = r.redact(s) {
                *s = o;
            }
        };
        red(&mut self.message);
        for s in [
            &mut self.pod,
            &mut self.container,
            &mut self.cluster,
            &mut self.corr,
        ]
        .into_iter()
        .flatten()
        {
            red(s);
        }
        self
    }
}

pub fn explain(classifier: &Classifier, line: &str) -> Explanation {
    let (pod, container, body) = unwrapped(line);
    let candidate = classifier.is_candidate(body.as_bytes());
    let rec = decode::decode(&body);
    let super::text::Reading {
        text,
        class,
        words: reading,
        hint,
        who,
        ..
    } = super::text::read(classifier, &rec, "");
    let pack = &classifier.pack;
    let rules = rules_matching(pack, &text);
    Explanation {
        pod,
        container,
        format: (!body.is_empty()).then_some(rec.format),
        level: format!("{:?}", rec.level).to_lowercase(),
        message: rec.message.to_string(),
        candidate,
        rules,
        categories: class
            .categories
            .iter()
            .map(|&c| pack.category(c).id.to_string())
            .collect(),
        marker: class.marker.map(|m| format!("{m:?}").to_lowercase()),
        words: hint.or(reading.hint),
        topic: reading.topic,
        cluster: who.cluster.map(|c| c.to_string()),
        cluster_source: who.source.map(|s| {
            match s {
                IdSource::Field => "field",
                IdSource::Crn => "crn",
                IdSource::Text => "text",
            }
            .to_string()
        }),
        corr: who.corr.map(String::from),
        attempt: who.attempt,
        budget: who.budget,
    }
}

/// The line's pod, container and application text, out of its envelope.
fn unwrapped(line: &str) -> (Option<String>, Option<String>, String) {
    let raw = ansi::strip(line.as_bytes());
    // A JSON envelope (LogDNA, Cloud Logs, Docker, stern -o json): its first entry.
    let opened = envelope::open(&raw).and_then(|(_, o)| o.entries.into_iter().next());
    match (opened, transport::unwrap(&raw)) {
        (Some(e), _) => (
            Some(e.pod().to_string()).filter(|p| !p.is_empty()),
            e.app.or(e.container).map(|c| c.trim().to_string()),
            String::from_utf8_lossy(&ansi::strip(e.line.as_bytes())).into_owned(),
        ),
        (None, transport::Line::Content(w)) => (
            w.pod.map(|p| String::from_utf8_lossy(p).into_owned()),
            w.container.map(|c| String::from_utf8_lossy(c).into_owned()),
            String::from_utf8_lossy(w.body).into_owned(),
        ),
        _ => (None, None, String::new()),
    }
}

/// The pack's rules that match `text`, with what each names.
fn rules_matching(pack: &crate::classify::Pack, text: &str) -> Vec<(String, String)> {
    pack.rules
        .iter()
        .filter(|r| r.find(text).is_some())
        .map(|r| {
            let target = match r.target {
                Target::Category(c) => pack.category(c).id.to_string(),
                Target::Marker(m) => format!("{m:?}").to_lowercase(),
            };
            (r.id.clone(), target)
        })
        .collect()
}
