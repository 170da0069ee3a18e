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
    fn clipping_respects_characters() {
        assert_eq!(clip("héllo", 2), "hé…");
        assert_eq!(clip("hi", 5), "hi");
    }
}
