//! The text of a record: what the rules read, and what evidence shows.

use super::NOT_TEXT;
use crate::decode::Record;

/// Message, then field values, then continuation lines, one per line, so the
/// pack's `[^\n]` spans stay inside one of them.
pub(super) fn classification_text(rec: &Record<'_>, cont: &str) -> String {
    let mut text = String::with_capacity(rec.message.len() + cont.len() + 64);
    text.push_str(&rec.message);
    for (k, v) in &rec.fields {
        if !NOT_TEXT.iter().any(|n| k.eq_ignore_ascii_case(n)) {
            text.push('\n');
            text.push_str(v);
        }
    }
    text.push_str(cont);
    text
}

/// The evidence text: the message and the first line of its error.
pub(super) fn summary(rec: &Record<'_>, text: &str) -> String {
    let msg = rec.message.trim();
    let mut s = if msg.is_empty() {
        text.lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
            .to_string()
    } else {
        msg.to_string()
    };
    if let Some(err) = rec.error().and_then(|e| e.lines().next()) {
        if !s.contains(err.trim()) {
            s.push_str(": ");
            s.push_str(err.trim());
        }
    }
    s
}

pub(super) fn one_line(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max + 3));
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.len() > max {
        let cut = (0..=max)
            .rev()
            .find(|&i| out.is_char_boundary(i))
            .unwrap_or(0);
        out.truncate(cut);
        out.push('…');
    }
    out
}

/// What the classify stage makes of one decoded record: the rules' and the
/// word layer's reading, the level, and who it is about. One definition for
/// the scan and for `patterns explain`, so the two never disagree.
pub(crate) struct Reading {
    pub(crate) text: String,
    pub(crate) class: crate::classify::Classification,
    pub(crate) words: crate::classify::Reading,
    pub(crate) hint: Option<crate::classify::Hint>,
    pub(crate) error: bool,
    pub(crate) who: crate::classify::Who,
}

pub(crate) fn read(
    classifier: &crate::classify::Classifier,
    rec: &Record<'_>,
    cont: &str,
) -> Reading {
    use crate::decode::Level;
    let text = classification_text(rec, cont);
    let mut class = classifier.classify(&text);
    let fields: Vec<(&str, &str)> = rec
        .fields
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .collect();
    let words = classifier.read(&rec.message, &fields);
    let error = rec.level >= Level::Error
        || (rec.level == Level::Unknown && (rec.error().is_some() || class.error_words));
    let hint = classifier.combine(&mut class, words, error);
    let who = classifier.attribute(&fields, &text);
    Reading {
        text,
        class,
        words,
        hint,
        error,
        who,
    }
}
