//! Making a server's words safe to print: error bodies, cursors, headers and
//! redirect targets come from the other end of the connection, and a hostile
//! server can put terminal escapes in any of them.

use std::borrow::Cow;

/// The terminal neutraliser every stderr line goes through (`term::safe`),
/// with a body's line breaks read as spaces.
pub fn neutralise(s: &str) -> Cow<'_, str> {
    if !s.contains(['\n', '\r']) {
        return crate::term::safe(s);
    }
    Cow::Owned(crate::term::safe(&s.replace(['\n', '\r'], " ")).into_owned())
}

/// At most `max` characters, whitespace runs folded to one space, the cut
/// marked. Cut only text that is already redacted and neutralised.
pub fn clip(s: &str, max: usize) -> String {
    let folded = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match folded.char_indices().nth(max) {
        None => folded,
        Some((i, _)) => format!("{}…", &folded[..i]),
    }
}

/// A line with its secrets redacted; the same bytes when it holds none.
/// The placeholders hold no quote or backslash, so JSON stays JSON.
pub(crate) fn redacted<'b>(redactor: &crate::redact::Redactor, line: &'b [u8]) -> Cow<'b, [u8]> {
    let text = String::from_utf8_lossy(line);
    match redactor.redact(&text) {
        Cow::Borrowed(_) => Cow::Borrowed(line),
        Cow::Owned(t) => Cow::Owned(t.into_bytes()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_overrides_are_neutralised() {
        let osc52 = "copy \u{1b}]52;c;ZWNobyBoaQ==\u{7} done";
        let out = neutralise(osc52);
        assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out}");
        assert!(out.contains("␛]52"), "{out}");
        for c in [
            '\u{202e}',
            '\u{2067}',
            '\u{200b}',
            '\u{061c}',
            '\u{e0041}',
            '\u{9b}',
        ] {
            let s = format!("a{c}b");
            assert_eq!(neutralise(&s), "a\u{fffd}b", "{:?}", c);
        }
        assert!(matches!(neutralise("plain – text"), Cow::Borrowed(_)));
    }

    #[test]
    fn clip_folds_whitespace_and_marks_the_cut() {
        assert_eq!(clip("a \n b", 10), "a b");
        assert_eq!(clip("abcdef", 3), "abc…");
    }
}
