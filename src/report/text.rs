//! Text shared by the human-readable reports: terminal safety, escaping, and
//! trimming.

use std::borrow::Cow;

/// Neutralises control characters, so no log line can move the cursor, set
/// the title or reach the clipboard (OSC 52), and bidi overrides, so none can
/// reorder what the engineer reads. JSON output escapes instead.
pub fn safe(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\t' => ' ',
                '\u{1b}' => '␛',
                c if is_unsafe(c) => '\u{fffd}',
                c => c,
            })
            .collect(),
    )
}

fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}')
}

/// Cuts to at most `max` characters, marking the cut.
pub fn clip(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((i, _)) => Cow::Owned(format!("{}…", &s[..i])),
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
    fn escapes_cannot_reach_the_terminal() {
        let hostile = "a\u{1b}]52;c;ZXZpbA==\u{7}b\u{1b}[2Jc\u{9b}31m\r\u{202e}d";
        let out = safe(hostile);
        assert!(!out.chars().any(is_unsafe), "{out:?}");
        assert!(out.contains('a') && out.contains('d'));
    }

    #[test]
    fn markdown_is_literal() {
        assert_eq!(
            md("a|b *c* <redacted:apikey#3fa2>"),
            r"a\|b \*c\* \<redacted:apikey\#3fa2\>"
        );
    }

    #[test]
    fn clipping_respects_characters() {
        assert_eq!(clip("héllo", 2), "hé…");
        assert_eq!(clip("hi", 5), "hi");
    }
}
