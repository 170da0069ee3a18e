//! Text shared by the human-readable reports: terminal safety (the one
//! neutraliser in `crate::term`, shared with stderr), escaping, and trimming.

use std::borrow::Cow;

pub use crate::term::safe;

/// Cuts to at most `max` characters, marking the cut.
pub fn clip(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((i, _)) => Cow::Owned(format!("{}…", &s[..i])),
    }
}

/// Columns a string takes on a terminal.
pub fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// Cuts to at most `max` columns at a word boundary, ending with `…`. A
/// single word longer than half the room is cut inside it.
pub fn clip_words(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let room = max.saturating_sub(1);
    let mut end = 0;
    let mut used = 0;
    let mut last_space = None;
    for (i, c) in s.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > room {
            break;
        }
        if c == ' ' {
            last_space = Some(i);
        }
        used += w;
        end = i + c.len_utf8();
    }
    let cut = match last_space {
        _ if s[end..].starts_with(' ') => end,
        Some(i) if i >= end / 2 => i,
        _ => end,
    };
    format!("{}…", s[..cut].trim_end())
}

/// Greedy word wrap to `max` columns; a word longer than a line is cut.
pub fn wrap(s: &str, max: usize) -> Vec<String> {
    let max = max.max(10);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        let mut word = word.to_string();
        while width(&word) > max {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            let (head, tail) = split_at_width(&word, max);
            lines.push(head);
            word = tail;
        }
        if !line.is_empty() && width(&line) + 1 + width(&word) > max {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Wrapped to `max` columns in at most `lines` lines, the last one cut at
/// a word with `…` when the text goes on.
pub fn wrap_clipped(s: &str, max: usize, lines: usize) -> Vec<String> {
    let mut w = wrap(s, max);
    if w.len() > lines {
        let rest = w[lines - 1..].join(" ");
        w.truncate(lines - 1);
        w.push(clip_words(&rest, max));
    }
    w
}

/// Splits a word too long for a line after the last `:`, `/`, `,`, `;`,
/// `=` or `&` that fits, so the ids inside a CRN or a URL stay whole; at
/// `max` columns when there is none.
fn split_at_width(s: &str, max: usize) -> (String, String) {
    let mut used = 0;
    let mut last_break = None;
    for (i, c) in s.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > max {
            let at = last_break.unwrap_or(i);
            return (s[..at].to_string(), s[at..].to_string());
        }
        used += w;
        if matches!(c, ':' | '/' | ',' | ';' | '=' | '&') {
            last_break = Some(i + c.len_utf8());
        }
    }
    (s.to_string(), String::new())
}

/// `n one` or `n many`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The end of a cut list: "... and 3 more clusters".
pub fn more(n: usize, one: &str, many: &str) -> String {
    format!(
        "... and {}",
        count(n, &format!("more {one}"), &format!("more {many}"))
    )
}

/// A span of time in a few words: `45s`, `3m 20s`, `2h 5m`, `3d 4h`.
pub fn span(secs: i64) -> String {
    let s = secs.unsigned_abs();
    match s {
        0..=59 => format!("{s}s"),
        60..=3599 => format!("{}m {}s", s / 60, s % 60),
        3600..=86_399 => format!("{}h {}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {}h", s / 86_400, s % 86_400 / 3600),
    }
}

/// Escapes Markdown syntax so log text shows literally, table pipes included.
pub fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in safe(s).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '#' | '|' | '!' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub fn ts(t: Option<crate::time::Ts>) -> String {
    t.map_or_else(
        || "-".to_string(),
        |t| t.to_datetime().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_is_literal() {
        assert_eq!(
            md("a|b *c* <redacted:apikey#3fa2>"),
            r"a\|b \*c\* \<redacted:apikey\#3fa2\>"
        );
    }

    #[test]
    fn evidence_is_cut_at_a_word() {
        let s = "Failed to update WDEK Secret: Operation cannot be fulfilled";
        assert_eq!(clip_words(s, 30), "Failed to update WDEK Secret:…");
        assert!(width(&clip_words(s, 30)) <= 30);
        assert_eq!(clip_words(s, 100), s);
        assert_eq!(clip_words("abcdefghijklmnop", 8), "abcdefg…");
    }

    #[test]
    fn wrapping_keeps_words_and_the_width() {
        let lines = wrap("one two three four five six seven", 12);
        assert_eq!(lines, ["one two", "three four", "five six", "seven"]);
        assert!(wrap(&"x".repeat(30), 12).iter().all(|l| width(l) <= 12));
        let crn =
            "crn:v1:bluemix:public:containers-kubernetes:us-south:a/c5c0:c23h5icd0sr2mu96rcig::";
        let lines = wrap(crn, 40);
        assert!(
            lines.iter().any(|l| l.contains("c23h5icd0sr2mu96rcig")),
            "{lines:?}"
        );
        assert_eq!(lines.concat(), crn);
    }

    #[test]
    fn a_message_takes_at_most_its_lines() {
        let lines = wrap_clipped("one two three four five six seven eight", 10, 2);
        assert_eq!(lines, ["one two", "three…"]);
        assert_eq!(wrap_clipped("short", 10, 3), ["short"]);
    }

    #[test]
    fn lists_and_spans_read_well() {
        assert_eq!(more(1, "cluster", "clusters"), "... and 1 more cluster");
        assert_eq!(
            more(2997, "cluster", "clusters"),
            "... and 2997 more clusters"
        );
        assert_eq!(span(65), "1m 5s");
        assert_eq!(span(3 * 86_400 + 7200), "3d 2h");
    }

    #[test]
    fn clipping_respects_characters() {
        assert_eq!(clip("héllo", 2), "hé…");
        assert_eq!(clip("hi", 5), "hi");
    }
}
