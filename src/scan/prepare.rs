//! What a candidate record's own text decides, apart from the input's
//! state: its decoding, the rules' and words' reading, who it is about, and
//! the event it makes, redacted. A pure function of the text and the
//! envelope's level, so the worker that read a single-line record prepares
//! it, and the record builder only places it (time, position, order).

use super::text::{self, one_line, summary};
use super::{Scanner, MAX_MESSAGE};
use crate::classify;
use crate::decode::{self, Format, Level, Record};
use crate::event::{Event, SourcePos};
use crate::time::{PartialTs, Ts};

/// A candidate record, decoded and read.
#[derive(Clone)]
pub(crate) struct Prepared {
    /// Plain text, not a structured record.
    pub(super) plain: bool,
    /// The applications the record names in its own fields.
    pub(super) apps: Vec<String>,
    pub(super) ts: Option<Ts>,
    pub(super) partial_ts: Option<PartialTs>,
    /// The event it makes, if it may bear on a rotation; its time, place,
    /// order and pod are the builder's to set.
    pub(super) event: Option<Event>,
}

/// Decodes and reads the record of `body` and `cont`, at the envelope's
/// `level` when the record states none.
pub(super) fn prepare(scanner: &Scanner<'_>, body: &[u8], cont: &[u8], level: Level) -> Prepared {
    let body = String::from_utf8_lossy(body);
    let cont = String::from_utf8_lossy(cont);
    let (mut rec, cont) = decode::decode_record(&body, &cont);
    if rec.level == Level::Unknown {
        rec.level = level;
    }
    Prepared {
        plain: rec.format == Format::Plain,
        apps: apps(&rec),
        ts: rec.ts,
        partial_ts: rec.partial_ts,
        event: event(scanner, &rec, cont),
    }
}

/// The text an event shows, redacted, then capped; a blank for one
/// that shows none.
fn message(
    scanner: &Scanner<'_>,
    shown: bool,
    rec: &Record<'_>,
    text: &str,
) -> std::sync::Arc<str> {
    if !shown {
        return crate::event::blank();
    }
    let summary = summary(rec, text);
    let redacted = scanner.redactor.redact_shared(&summary);
    one_line(&redacted, MAX_MESSAGE).into()
}

fn event(scanner: &Scanner<'_>, rec: &Record<'_>, cont: &str) -> Option<Event> {
    let classifier = scanner.classifier;
    let text::Reading {
        text,
        class,
        words: reading,
        hint,
        error,
        who,
    } = text::read(classifier, rec, cont);
    let tied = who.cluster.is_some() || who.corr.is_some();
    let about = reading.topic || reading.key;
    let ids = if who.cluster.is_none() && (error || about) {
        classify::id_tokens(&text)
    } else {
        Vec::new()
    };
    let lifecycle = !class.categories.is_empty() || class.marker.is_some();
    let worded = hint.is_some() && (about || tied);
    if !lifecycle && !worded && !about && !(error && (tied || !ids.is_empty())) {
        return None;
    }
    // Only failures, errors and records not understood are ever shown.
    // Redact the whole message before capping it: a cut through a token
    // could leave half a secret that no pattern recognises.
    let shown = !class.categories.is_empty() || error || (!lifecycle && hint.is_none());
    let message = message(scanner, shown, rec, &text);
    let (who, extra) = crate::event::split(who);
    let extra = crate::event::Extra {
        announced: classifier.announced(&rec.message),
        ids: ids.into(),
        ..extra
    };
    Some(Event {
        ts: None,
        order_ts: None,
        pos: SourcePos::new(0, 0, None),
        seq: 0,
        who,
        categories: class.categories,
        marker: class.marker,
        hint,
        topic: reading.topic,
        key: reading.key,
        phrase: class.phrase,
        error,
        level: rec.level,
        pod: None,
        extra: extra.boxed(),
        message,
        templated: false,
    })
}

/// The fields in which a line names the application that wrote it.
const APP_FIELDS: &[&str] = &[
    "app",
    "app_name",
    "appname",
    "application",
    "application_name",
    "applicationname",
    "service",
    "service_name",
    "container",
    "container_name",
    "kubernetes.container_name",
];

/// The applications a record names in its own fields, for a record whose
/// envelope named no container.
fn apps(rec: &Record<'_>) -> Vec<String> {
    rec.fields
        .iter()
        .filter(|(k, _)| APP_FIELDS.contains(&k.to_ascii_lowercase().as_str()))
        .map(|(_, v)| v.to_string())
        .collect()
}
